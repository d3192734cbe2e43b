// Simulated time in whole nanoseconds, the unit of the event log and the VCDs, and the
// only way the models wait: every process resumption passes through wait_for / wait_on,
// so the benchmark can count SystemC process activations (the kernel keeps no such count).
//
// SystemC counts time in ticks of its time resolution: 1 ps unless the platform calls
// sc_set_time_resolution() before it builds anything. The models work at any resolution of
// 1 ns or finer (a power of ten: 1 fs .. 1 ns); a coarser one is an error at elaboration
// (require_time_resolution). SystemC's 64-bit time holds 2^64 ticks: about 213 days at 1 ps,
// 21 days at 100 fs, 5.1 hours at 1 fs.
#pragma once

#include <atomic>
#include <cstdint>
#include <systemc>

namespace ssifsim {

// SystemC's default resolution, 1 ps: 1000 ticks per ns.
constexpr uint64_t kPsPerNs = 1000;

// Ticks of SystemC's time resolution per ns, from sc_get_time_resolution(); throws SystemC's
// error report (SC_REPORT_ERROR, message type "ssifsim") naming the resolution when it is
// coarser than 1 ns. Fixes the resolution, as any sc_time does.
uint64_t time_resolution_ticks_per_ns();

// The same, taken once per process (the resolution cannot change once fixed).
inline uint64_t ticks_per_ns() {
    static const uint64_t ticks = time_resolution_ticks_per_ns();
    return ticks;
}

// For a module's constructor: fails at elaboration, with the resolution named, when the
// models cannot count time in it (rather than at the first wait).
inline void require_time_resolution() {
    (void)ticks_per_ns();
}

// The current simulated time in whole ns (rounded down at resolutions finer than 1 ns).
inline uint64_t sim_now_ns() {
    const uint64_t ticks = ticks_per_ns();
    // sc_time_stamp() is an out-of-line library call; the context's time_stamp() is inline
    // (the same m_curr_time), and this is asked several times per bus byte.
    const uint64_t now = sc_core::sc_get_curr_simcontext()->time_stamp().value();
    // Integer arithmetic keeps the hot path free of to_seconds()'s doubles; at the default
    // resolution the divisor is a constant, which compiles to a multiplication.
    return ticks == kPsPerNs ? now / kPsPerNs : now / ticks;
}

// n ns as an sc_time, exact at every supported resolution.
inline sc_core::sc_time ns(uint64_t n) {
    return sc_core::sc_time::from_value(n * ticks_per_ns());
}

// Where the platform's current sc_start() run ends, in ns: a model that acts ahead of
// SystemC's clock (SmbusBus's read-ahead) does so only when the act is due before it, so a
// run ends with the same events as if it had waited. UINT64_MAX: sc_start() without a
// limit (the run ends only by an sc_stop or sc_pause of some process). 0, the default:
// unknown (an embedding platform that does not say), and nothing acts ahead.
inline uint64_t& run_until_ns() {
    static uint64_t until = 0;
    return until;
}

// Process activations so far in this process: resumptions from a wait, and method runs.
inline uint64_t& process_activations() {
    static uint64_t count = 0;
    return count;
}

// Set, from anywhere (a signal handler included: a lock-free atomic), to pause the
// simulation (sc_pause) when a model next resumes from a wait: a platform's way to stop a run
// that logs nothing for long (a zPCI storm logging a summary) soon after it asked.
static_assert(std::atomic<bool>::is_always_lock_free, "pause_requested is set by signal handlers");
inline std::atomic<bool>& pause_requested() {
    static std::atomic<bool> requested{false};
    return requested;
}

// Counts the activation; pauses the simulation if asked (pause_requested).
inline void resumed() {
    ++process_activations();
    if (pause_requested().load(std::memory_order_relaxed))
        sc_core::sc_pause();
}

inline void wait_for(uint64_t dt_ns) {
    sc_core::wait(ns(dt_ns));
    resumed();
}

inline void wait_on(const sc_core::sc_event& e) {
    sc_core::wait(e);
    resumed();
}

// Whichever comes first: the event or dt_ns.
inline void wait_for_or(uint64_t dt_ns, const sc_core::sc_event& e) {
    sc_core::wait(ns(dt_ns), e);
    resumed();
}

} // namespace ssifsim
