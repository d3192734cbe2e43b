// The time resolution programs' argument: "100ps" sets sc_set_time_resolution(100, SC_PS).
#pragma once

#include <cstdlib>
#include <string>
#include <systemc>

namespace ssifsim::test {

// Sets SystemC's time resolution from "<power of ten><fs|ps|ns|us>"; false if the text is
// not of that form (SystemC itself rejects a value that is not a power of ten).
inline bool set_time_resolution(const std::string& text) {
    char* unit = nullptr;
    const double value = std::strtod(text.c_str(), &unit);
    const std::string u = unit;
    if (unit == text.c_str() || (u != "fs" && u != "ps" && u != "ns" && u != "us"))
        return false;
    sc_core::sc_set_time_resolution(value, u == "fs"   ? sc_core::SC_FS
                                           : u == "ps" ? sc_core::SC_PS
                                           : u == "ns" ? sc_core::SC_NS
                                                       : sc_core::SC_US);
    return true;
}

} // namespace ssifsim::test
