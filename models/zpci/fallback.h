// The directed fallback path's IPI bookkeeping (zpci_handle_fallback_irq and
// zpci_handle_remote_irq with their per-CPU cpu_irq_data): for each CPU whose summary bit a
// fallback handler finds, its `scheduled` count goes up by one, and only the 0 -> 1
// transition asks smp_call_function_single_async to run the remote scan on that CPU; the
// remote scan repeats while the count, decremented after each pass, stays above 0.
// Plain C++: the SystemC module asks it what to do and carries the IPI in time.
#pragma once

#include <cstddef>
#include <vector>

namespace ssifsim::zpci {

class FallbackIpis {
  public:
    // What smp_call_function_single_async did with the remote scan for the target CPU
    // (generic_exec_single, kernel/smp.c).
    enum class Call {
        Coalesced, // `scheduled` was already above 0: no call at all
        Queued,    // an IPI is on its way to the target
        RunHere,   // the target is the calling CPU: the scan runs at once, no IPI
        Dropped,   // the target is offline: -ENXIO, which zpci_handle_fallback_irq ignores,
                   // so `scheduled` stays at 1 and every later call for it is Coalesced
    };

    explicit FallbackIpis(unsigned cpus) : scheduled_(cpus, 0) {}

    // The fallback handler on `self` found `target`'s summary bit set.
    Call schedule(int self, int target, bool target_online);
    // One pass of zpci_handle_remote_irq on `cpu` is done: true when it must scan again
    // (atomic_dec_return(scheduled) is still above 0).
    bool pass_done(int cpu);

    int scheduled(int cpu) const { return scheduled_[static_cast<size_t>(cpu)]; }

  private:
    std::vector<int> scheduled_; // cpu_irq_data.scheduled
};

} // namespace ssifsim::zpci
