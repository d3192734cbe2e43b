// Kernel time as the host driver sees it: jiffies at a configurable HZ, timers that fire on
// tick boundaries. ipmi_ssif converts its microsecond constants itself, rounding down:
// jiffies = usec * 1000 / TICK_NSEC (so 5 ms is 5, 1 or 0 jiffies at HZ 1000, 250, 100).
#pragma once

#include <cstdint>

namespace ssifsim::ssif {

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
    // jiffies counts ticks since time 0.
    uint64_t at(uint64_t t_ns) const { return t_ns / tick_ns(); }
    // mod_timer(jiffies + delta) armed at t_ns: the timer softirq runs it on the tick where
    // jiffies reaches the target; a target already due (delta 0) runs on the next tick.
    uint64_t expiry_ns(uint64_t t_ns, uint64_t delta) const {
        return (at(t_ns) + (delta == 0 ? 1 : delta)) * tick_ns();
    }

    // msleep(msecs) called at t_ns: schedule_timeout(msecs_to_jiffies(msecs) + 1), so the
    // sleeper wakes on the tick that many jiffies later.
    uint64_t msleep_expiry_ns(uint64_t t_ns, uint64_t msecs) const {
        return expiry_ns(t_ns, from_msecs(msecs) + 1);
    }

  private:
    unsigned hz_;
};

} // namespace ssifsim::ssif
