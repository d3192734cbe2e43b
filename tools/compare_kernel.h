// `ssifsim run --compare-kernel`: a scenario run with the project's models and again with the
// real kernel code on every side that has it (today the BMC: bmc.implementation "kernel"),
// everything else identical, and the two event logs compared.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/json_reader.h"
#include "tools/scenario.h"

namespace ssifsim::tools {

// A side of the system with a kernel counterpart: its name, whether the scenario has it,
// and how the scenario runs it as the model and as the real code (the latter throws
// InputError for an option the real code has no counterpart for). One row per side; the
// host's ipmi_ssif.c joins as a row of its own.
struct KernelSide {
    const char* name;
    bool (*present)(const Scenario&);
    void (*to_model)(Scenario&);
    void (*to_kernel)(Scenario&);
    // "variant mainline" for the model's side of the summary.
    std::string (*describe_model)(const Scenario&);
    // An event (a parsed log line) only one implementation of the side logs, left out of
    // the comparison: the model host's own `state`, `flags`, `probe_*` ... lines, the real
    // driver's `kernel_log`. None for the BMC, whose two implementations log alike.
    bool (*one_sided)(const json& event);
};
const std::vector<KernelSide>& kernel_sides();

// Where two event logs (JSON Lines, one event a line) part. Events are compared as JSON
// values with two fields left out: the `text` of a bmc `warn` event (each implementation's
// own wording of the line; its level, time and place in the log are compared), and the
// `error` of a host `response` (the real driver fails a request with completion code 0xff
// alone, return_hosed_msg; the code and payload are compared).
struct LogDifference {
    size_t model_events = 0; // how many events each log has
    size_t kernel_events = 0;
    // The first `limit` positions (0-based) where the logs differ, compared in lockstep,
    // with each log's event there ("" past its end).
    struct Pair {
        size_t index = 0;
        std::string model, kernel;
    };
    std::vector<Pair> pairs;
};
std::optional<LogDifference> diff_event_logs(const std::vector<std::string>& model,
                                             const std::vector<std::string>& kernel,
                                             size_t limit = 5);
// One event as the difference shows it: "t=1.234567 ms bmc state from=READY to=START ...".
std::string describe_event_line(const std::string& line);

// Runs `s` twice in child processes (the models; then the real code on the sides named in
// `sides`, kernel_sides()' names, e.g. {"bmc"} or {"bmc", "host"}) up to `until_ns` (0: to
// the end), compares the logs (the sides' one_sided events left out) and prints "identical
// (N events)" or the first differing events to `out`. Returns 0 identical, 1 different, 2
// bad input (an unknown side, an option the real code lacks, no kernel source), 3 when a
// run did not end normally. `quiet`: print only differences.
int compare_kernel(const Scenario& s, const std::vector<std::string>& sides, uint64_t until_ns,
                   bool quiet, std::ostream& out);

} // namespace ssifsim::tools
