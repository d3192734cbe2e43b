#include "models/zpci/fallback.h"

namespace ssifsim::zpci {

FallbackIpis::Call FallbackIpis::schedule(int /*self*/, int target, bool /*target_online*/) {
    if (++scheduled_[static_cast<size_t>(target)] > 1)
        return Call::Coalesced;
    return Call::Queued;
}

bool FallbackIpis::pass_done(int cpu) {
    return --scheduled_[static_cast<size_t>(cpu)] > 0;
}

} // namespace ssifsim::zpci
