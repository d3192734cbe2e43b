// Number formatting shared by the summary, the report and the checks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

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

} // namespace ssifsim::tools
