// Shrinking a failing scenario to a minimal one that fails the same way, by delta debugging
// (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE TSE
// 28(2), 2002: the ddmin algorithm). Plain C++ over the scenario's JSON: the caller supplies
// the oracle that runs a candidate (the CLI runs each in a child process with the sweep's
// timeout), so tests can drive the shrinker with an oracle of their own.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tools/ddmin.h"
#include "tools/json_reader.h"

namespace ssifsim::tools {

// How a run failed, reduced to what must stay the same while shrinking: the outcome
// ("an invariant failed", "hung (killed after the timeout)", "crashed (signal 11)", ...),
// the first failed check's name and its one-line reason, each with every decimal number
// replaced by '#' (hexadecimal bytes such as 0xff are kept): "request 4 completion_code" and
// "request 1 completion_code" are the same check on a renumbered request, "completion code
// is 0xff" and "is 0x00" are not the same failure. An empty outcome is a pass.
struct FailureSignature {
    std::string outcome;
    std::string check;
    std::string reason;

    bool failed() const { return !outcome.empty(); }
    bool operator==(const FailureSignature& o) const {
        return outcome == o.outcome && check == o.check && reason == o.reason;
    }
    bool operator!=(const FailureSignature& o) const { return !(*this == o); }
};

// `text` with each run of decimal digits that is not part of a 0x... number replaced by '#'.
std::string number_class(const std::string& text);

// A scenario's size, as the shrinker reports it: faults (the `faults` list, plus zPCI MSIs
// marked lost or duplicated and zPCI actions), requests listed, their data bytes, and the
// file's bytes as the sweep writes it (dump(2) and a newline).
struct ScenarioSize {
    size_t faults = 0;
    size_t requests = 0;
    size_t data_bytes = 0;
    size_t file_bytes = 0;
};
ScenarioSize scenario_size(const ojson& scenario);
// "3 fault(s), 5 request(s), 12 data byte(s), 4711 bytes"
std::string describe_size(const ScenarioSize& size);

struct ShrinkResult {
    ojson scenario;            // the smallest candidate that failed the same way
    int runs = 0;              // candidates the oracle ran
    bool budget_spent = false; // stopped by max_runs before reaching a fixed point
};

// Runs a candidate scenario and gives how it failed (a pass has an empty outcome).
using ShrinkOracle = std::function<FailureSignature(const ojson& candidate)>;

// Shrinks `failing` (a sweep variation or any scenario as JSON, which fails as `target`)
// while the oracle gives `target` for the candidate, until no step makes it smaller or
// `max_runs` candidates have run. Steps, repeated until none applies: ddmin over the
// faults, over zpci.msis and zpci.actions, over the requests (renumbered: a fault aimed at
// requests with `request` or `read` follows them, and is dropped with them if one is
// dropped, never moved onto another request; an expectation goes with its request); then,
// for each fault, MSI and action, each number lowered (0, 1, half: nth and count to 1,
// later times earlier, smaller sizes; fid, cpu, devfn and the aims `request` and `read` are
// identities and kept); each request's data shortened (none, half) and its time moved
// earlier (to the previous request's, or halfway). While a daemon fault aimed by `read`
// shares the scenario with a fault that adds or removes daemon reads (a host-transfer fault,
// a foreign master's write), the read count does not follow the request list: no candidate
// that keeps the daemon fault changes those faults or the requests.
ShrinkResult shrink_scenario(const ojson& failing, const FailureSignature& target,
                             const ShrinkOracle& oracle, int max_runs);

} // namespace ssifsim::tools
