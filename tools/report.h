// The JSON report of a run, and the human summary printed on the terminal.
#pragma once

#include <ostream>

#include "tools/runner.h"

namespace ssifsim::tools {

// Configuration as resolved, per-request outcomes, checks, BMC coverage. Deterministic:
// no wall-clock figures.
ojson build_report(const Scenario& scenario, const RunResult& result);

void print_summary(std::ostream& out, const Scenario& scenario, const RunResult& result,
                   const RunOptions& options);

} // namespace ssifsim::tools
