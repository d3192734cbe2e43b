// Simulated time in whole nanoseconds, the unit of the event log and the VCDs, and the
// only way the models wait: every process resumption passes through wait_for / wait_on,
// so the benchmark can count SystemC process activations (the kernel keeps no such count).
#pragma once

#include <cstdint>
#include <systemc>

namespace ssifsim {

// SystemC's time resolution stays at its default of 1 ps, so a time's integer value is in
// ps; integer arithmetic keeps the hot path free of the double conversions of to_seconds().
constexpr uint64_t kPsPerNs = 1000;

inline uint64_t sim_now_ns() {
    return sc_core::sc_time_stamp().value() / kPsPerNs;
}

inline sc_core::sc_time ns(uint64_t n) {
    return sc_core::sc_time::from_value(n * kPsPerNs);
}

// Process activations so far in this process: resumptions from a wait, and method runs.
inline uint64_t& process_activations() {
    static uint64_t count = 0;
    return count;
}

inline void wait_for(uint64_t dt_ns) {
    sc_core::wait(ns(dt_ns));
    ++process_activations();
}

inline void wait_on(const sc_core::sc_event& e) {
    sc_core::wait(e);
    ++process_activations();
}

// Whichever comes first: the event or dt_ns.
inline void wait_for_or(uint64_t dt_ns, const sc_core::sc_event& e) {
    sc_core::wait(ns(dt_ns), e);
    ++process_activations();
}

} // namespace ssifsim
