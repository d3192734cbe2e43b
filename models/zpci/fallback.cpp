#include "models/zpci/fallback.h"

namespace ssifsim::zpci {

// Every kernel version: zpci_handle_fallback_irq calls smp_call_function_single_async on the
// 0 -> 1 transition only and drops its return value. generic_exec_single runs the function
// at once on the calling CPU, and returns -ENXIO without queueing for an offline one; the
// decrement that would undo the increment lives in the function that never runs.
FallbackIpis::Call FallbackIpis::schedule(int self, int target, bool target_online) {
    if (++scheduled_[static_cast<size_t>(target)] > 1)
        return Call::Coalesced;
    if (target == self)
        return Call::RunHere;
    if (!target_online)
        return Call::Dropped;
    return Call::Queued;
}

bool FallbackIpis::pass_done(int cpu) {
    return --scheduled_[static_cast<size_t>(cpu)] > 0;
}

} // namespace ssifsim::zpci
