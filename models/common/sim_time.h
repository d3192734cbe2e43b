// Simulated time in whole nanoseconds, the unit of the event log and the VCDs.
#pragma once

#include <cstdint>
#include <systemc>

namespace ssifsim {

inline uint64_t sim_now_ns() {
    return static_cast<uint64_t>(sc_core::sc_time_stamp().to_seconds() * 1e9 + 0.5);
}

inline sc_core::sc_time ns(uint64_t n) {
    return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS);
}

} // namespace ssifsim
