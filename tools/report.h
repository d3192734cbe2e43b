// The JSON report of a run, and the human summary printed on the terminal.
#pragma once

#include <ostream>

#include "tools/runner.h"

namespace ssifsim::tools {

// Configuration as resolved, per-request outcomes, checks, BMC coverage. Deterministic:
// no wall-clock figures.
ojson build_report(const Scenario& scenario, const RunResult& result);

// The pieces a capture's report and summary share with a run's (tools/capture_check.h):
// one request's JSON, the checks' JSON, a request's steps (its transfers and waits, summed
// into bus_ns and wait_ns), and the list of checks with their verdicts.
ojson outcome_to_json(const ssif::RequestOutcome& o);
ojson checks_json(const std::vector<Check>& checks);
void print_request_steps(std::ostream& out, const ssif::RequestOutcome& o, uint64_t* bus_ns,
                         uint64_t* wait_ns);
void print_checks(std::ostream& out, const std::vector<Check>& checks);

void print_summary(std::ostream& out, const Scenario& scenario, const RunResult& result,
                   const RunOptions& options);

} // namespace ssifsim::tools
