// Spec checks over a finished run.
#pragma once

#include "tools/runner.h"

namespace ssifsim::tools {

// T6max (IPMI v2.0 §12): each request's response within the limit; a request that never
// got one fails it.
Check check_t6(const Scenario& scenario, const std::vector<ssif::RequestOutcome>& outcomes,
               size_t submitted);

// Every submitted request completed (no IPMI message lost).
Check check_all_answered(const std::vector<ssif::RequestOutcome>& outcomes, size_t submitted);

} // namespace ssifsim::tools
