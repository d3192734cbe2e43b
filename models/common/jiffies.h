// Kernel time as a driver sees it: jiffies at a configurable HZ, and the timer wheel
// that decides on which tick a timer runs. ipmi_ssif converts its microsecond constants
// itself, rounding down: jiffies = usec * 1000 / TICK_NSEC (so 5 ms is 5, 1 or 0 jiffies at
// HZ 1000, 250, 100).
#pragma once

#include <cstdint>

namespace ssifsim {

class Jiffies {
  public:
    explicit Jiffies(unsigned hz) : hz_(hz) {}

    unsigned hz() const { return hz_; }
    // TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ
    uint64_t tick_ns() const { return (1000000000ull + hz_ / 2) / hz_; }
    // The driver's SSIF_*_JIFFIES: usec * 1000 / TICK_NSEC, rounded down.
    uint64_t from_usec(uint64_t usec) const { return usec * 1000 / tick_ns(); }
    // msecs_to_jiffies: rounded up.
    uint64_t from_msecs(uint64_t msecs) const { return (msecs * hz_ + 999) / 1000; }
    // jiffies counts ticks since time 0; jiffy k starts at k * TICK_NSEC.
    uint64_t at(uint64_t t_ns) const { return t_ns / tick_ns(); }
    uint64_t start_ns(uint64_t jiffy) const { return jiffy * tick_ns(); }

    // The timer wheel (kernel/time/timer.c since 4.8, calc_wheel_index and calc_index): the
    // jiffy on which a timer with `expires` runs when it is enqueued while the CPU's timer
    // base clock reads `clk`. The level comes from expires - clk: level 0 (one-tick buckets)
    // below LVL_START(1) = 63 ticks, then each level 8x coarser (LVL_CLK_SHIFT 3, LVL_BITS 6),
    // LVL_DEPTH 9 levels above HZ 100, else 8. calc_index rounds up to the level's
    // granularity, (expires >> LVL_SHIFT(lvl)) + 1, so that a timer armed late in a tick
    // still waits its full time: mod_timer(jiffies + d) with d < 63 runs on tick J + d + 1.
    // A timer already due (expires before clk) runs at clk; past WHEEL_TIMEOUT_CUTOFF the
    // timeout is cut to WHEEL_TIMEOUT_MAX.
    uint64_t wheel_expiry(uint64_t expires, uint64_t clk) const {
        const unsigned depth = hz_ > 100 ? 9 : 8;
        if (expires < clk)
            return clk;
        uint64_t delta = expires - clk;
        unsigned lvl = 0;
        while (lvl + 1 < depth && delta >= level_start(lvl + 1))
            ++lvl;
        if (lvl + 1 == depth && delta >= level_start(depth)) {
            // WHEEL_TIMEOUT_MAX = WHEEL_TIMEOUT_CUTOFF - LVL_GRAN(LVL_DEPTH - 1)
            expires = clk + level_start(depth) - (1ull << (3 * (depth - 1)));
        }
        const unsigned shift = 3 * lvl;
        return ((expires >> shift) + 1) << shift;
    }

    // mod_timer(jiffies + delta) called at t_ns with the timer base clock at `clk`: when the
    // timer softirq runs it, in ns.
    uint64_t timer_expiry_ns(uint64_t delta, uint64_t t_ns, uint64_t clk) const {
        return start_ns(wheel_expiry(at(t_ns) + delta, clk));
    }

  private:
    // LVL_START(n) = (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT): the first delta of level n.
    static uint64_t level_start(unsigned n) { return 63ull << (3 * (n - 1)); }

    unsigned hz_;
};

// The CPU's timer base as the driver's timers see it (struct timer_base's clk): jiffies, or
// jiffies + 1 in a tick whose timer softirq ran one of them (__run_timers leaves clk one
// ahead of jiffies while and after it runs a tick's timers; otherwise mod_timer's
// forward_timer_base brings it to jiffies). The driver's timers are taken to be the only ones
// on the CPU's wheel.
class TimerBase {
  public:
    explicit TimerBase(const Jiffies& jiffies) : jiffies_(jiffies) {}

    // mod_timer(jiffies + delta) at t_ns from process context: when the timer runs, in ns.
    uint64_t arm(uint64_t delta, uint64_t t_ns) const {
        const uint64_t j = jiffies_.at(t_ns);
        return jiffies_.timer_expiry_ns(delta, t_ns, j == last_run_tick_ ? j + 1 : j);
    }
    // The same from inside a timer's own callback on its tick: the clock reads jiffies + 1.
    uint64_t rearm_in_callback(uint64_t delta, uint64_t t_ns) const {
        const uint64_t j = jiffies_.at(t_ns);
        return jiffies_.start_ns(jiffies_.wheel_expiry(j + delta, j + 1));
    }
    // A driver timer ran at t_ns (on a tick).
    void ran(uint64_t t_ns) { last_run_tick_ = jiffies_.at(t_ns); }

  private:
    const Jiffies& jiffies_;
    uint64_t last_run_tick_ = ~0ull;
};

} // namespace ssifsim
