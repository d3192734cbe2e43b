// SMBus writes as one comparable string of commands and lengths, e.g. "06:32 07:32 08:1".
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "models/ssif/host/write_parts.h"

namespace ssifsim::test {

inline std::string write_shape(const std::vector<ssif::WritePart>& parts) {
    std::string s;
    for (const ssif::WritePart& p : parts) {
        char one[16];
        std::snprintf(one, sizeof one, "%s%02x:%zu", s.empty() ? "" : " ", p.command,
                      p.data.size());
        s += one;
    }
    return s;
}

} // namespace ssifsim::test
