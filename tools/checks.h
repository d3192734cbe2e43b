// Spec checks and scenario expectations over a finished run. Each gives one Check whose
// detail, when it fails, explains it in one line with the time and the values.
#pragma once

#include <vector>

#include "tools/runner.h"

namespace ssifsim::tools {

// T6max (IPMI v2.0 §12): each request's response within the limit; a request that never
// got one fails it.
Check check_t6(const Scenario& scenario, const std::vector<ssif::RequestOutcome>& outcomes,
               size_t submitted);

// Every submitted request completed.
Check check_all_answered(const std::vector<ssif::RequestOutcome>& outcomes, size_t submitted);

// No IPMI message lost or duplicated: every request the host wrote reached the daemon, and
// every response the host took is the one the daemon gave to that request.
Check check_ipmi_messages(const std::vector<ssif::RequestOutcome>& outcomes,
                          const std::vector<DaemonExchange>& exchanges);

// Every fault in the scenario was applied at least once (else it was aimed at nothing).
Check check_faults_fired(const std::vector<Fault>& faults, const std::vector<uint64_t>& fired);

// Interrupts accounted for: every MSI delivered to its own handler, merged with its own
// pending bit, or dropped for a named reason; no violation.
Check check_interrupts_accounted(const ZpciResult& zpci);

// Turns a spec check into "must fail" when the scenario expects that verdict.
void apply_expected_verdict(const Scenario& scenario, Check& check);

// The scenario's own expectations: per request, the BMC's final state, event counts.
std::vector<Check> check_expectations(const Scenario& scenario, const RunResult& result);

} // namespace ssifsim::tools
