// Number formatting shared by the summary, the report and the checks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "models/common/event_log.h"

namespace ssifsim::tools {

// "66.735000 ms"
inline std::string ms(uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f ms", ns / 1e6);
    return buf;
}

// "0x1c"
inline std::string hex8(uint8_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", v);
    return buf;
}

// Bytes for a one-line message: "1c 01 00 ... (255 bytes)" past the first 16.
inline std::string brief_hex(const Bytes& bytes) {
    constexpr size_t kShown = 16;
    if (bytes.size() <= kShown)
        return hex_string(bytes);
    return hex_string(Bytes(bytes.begin(), bytes.begin() + kShown)) + " ... (" +
           std::to_string(bytes.size()) + " bytes)";
}

// "-22 (EINVAL)" for the errnos the models return.
inline std::string errno_text(int64_t ret) {
    struct Name {
        int64_t value;
        const char* name;
    };
    static const Name names[] = {{-5, "EIO"},        {-6, "ENXIO"},    {-11, "EAGAIN"},
                                 {-14, "EFAULT"},    {-16, "EBUSY"},   {-22, "EINVAL"},
                                 {-71, "EPROTO"},    {-74, "EBADMSG"}, {-110, "ETIMEDOUT"},
                                 {-121, "EREMOTEIO"}};
    for (const Name& n : names)
        if (n.value == ret)
            return std::to_string(ret) + " (" + n.name + ")";
    return std::to_string(ret);
}

} // namespace ssifsim::tools
