// ssifsim sweep: seeded random fault campaigns over a template scenario. Each seed makes one
// standalone scenario file: the template's configuration and requests, one daemon fault or
// one to three faults on the host's transfers aimed at those requests, sometimes a foreign
// master's read or write, a zPCI fault when the template has a zpci section, and a clean Get
// Device ID 20 s after the last request. Its expectations are the sweep's invariants: every
// request completes, (with mainline host and BMC) the clean request is answered with
// completion code 0, and (with the fixed zPCI code) every MSI is accounted for; the other
// spec checks are reported but not required. Each file runs in a child process
// (SystemC elaborates once per process); a file whose run fails, crashes or hangs is kept,
// so `ssifsim run FILE` reproduces it, and the others are deleted. A failing seed's
// scenario is then shrunk (tools/shrink.h) to FILE.min.json. A campaign can be split into
// shards (seed + i for i mod N == K) whose JSON summaries sweep-merge puts together.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tools/child.h"
#include "tools/json_reader.h"
#include "tools/scenario.h"
#include "tools/shrink.h"

namespace ssifsim::tools {

struct SweepOptions {
    std::string template_file;
    int count = 100;
    uint64_t seed = 1;                      // the first seed; the others follow it
    std::string out_dir = "sweep-failures"; // where failing scenarios are kept
    int timeout_s = 60;                     // a run longer than this (wall) is a hang
    bool progress = false;                  // a progress bar (when stdout is a terminal)
    int shard = 0;                          // this process runs the seeds seed + i with
    int shards = 1;                         // i mod shards == shard
    std::string summary_path;               // the JSON summary ("": none)
    std::string junit_path;                 // JUnit XML ("": none)
    bool shrink = true;                     // shrink each failing seed's scenario
    int shrink_runs = 200;                  // at most this many candidate runs per failure
};

struct MergeOptions {
    std::vector<std::string> inputs; // summaries, or directories holding summary-K-of-N.json
    std::string summary_path;        // the merged summary ("": none)
    std::string junit_path;          // JUnit XML of the merged campaign ("": none)
};

// Whether a sweep of `tmpl` holds each seed to answering the clean request (completion code
// 0), the recovery check: only when both sides run fixed code, since older variants keep
// their known recovery bugs. The host is fixed in its "mainline" row ("6.12" names it),
// model or kernel (an older row of the kernel host runs that release's ipmi_ssif.c, e.g.
// 6.1.192). The BMC is fixed in the model's "mainline", or as the kernel BMC (its row is
// always "6.12", the build's ssif_bmc.c): that is the code under test, and a campaign
// replayed against a patched driver is there to check its recovery.
bool promises_recovery(const Scenario& tmpl);

// The scenario one seed makes from the template (loaded; the variation is its resolved JSON,
// scenario_to_json, with the drawn faults, the clean request and the sweep's expectations).
ojson make_variation(const Scenario& tmpl, const std::string& template_file, uint64_t seed);

// A scenario fault's kind as the sweep counts it: its type, with its line ("held_low/sda")
// and the master it is aimed at when not the host ("nak@foreign", "lost_stop@alert_response").
std::string fault_kind(const ojson& fault);

// The fault kinds the sweep drew into `variation` (not those of the template): each fault's
// fault_kind, "msi lost"/"msi duplicated", zPCI action kinds.
std::map<std::string, int> drawn_fault_kinds(const ojson& variation,
                                             const ojson& resolved_template);

// Runs one scenario file in a child process, stopped by SIGALRM after `timeout_s` wall
// seconds. The child's output is the first failed check's name, a newline and its reason
// (or, for bad input or an internal error, a newline and the message).
ChildOutcome run_file_in_child(const std::string& file, int timeout_s);
// A child's output split into the failed check's name and its reason (or the message).
std::pair<std::string, std::string> check_and_reason(const std::string& output);
// How a child's run failed (tools/shrink.h); an empty outcome for a pass.
FailureSignature signature_of(const ChildOutcome& child);
// An oracle for shrink_scenario: writes each candidate to `scratch_file` and runs it with
// run_file_in_child (a candidate that does not load is "bad input" without a child).
ShrinkOracle file_oracle(const std::string& scratch_file, int timeout_s);

// The default summary file of shard K of N in `out_dir`: out_dir/summary-K-of-N.json.
std::string shard_summary_path(const std::string& out_dir, int shard, int shards);

// Runs the campaign (this shard's seeds); returns the exit code: 0 no failure, 1 failures
// (kept in out_dir), 2 bad input, 3 an output could not be written. Throws InputError for a
// bad template. The summary, a JSON document:
//   {"format": "ssifsim-sweep-summary", "version": 1, "template", "first_seed", "count",
//    "seeds_run", "failure_count",
//    "failures": [{"seed", "file", "outcome", "check", "reason", "shrunk" (or null),
//                  "size": {"original": {...}, "shrunk": {...}}, "wall_seconds"}] by seed,
//    "fault_kinds": {kind: how many seeds' scenarios drew it}, by name,
//    "run": {"shards": ["K/N"...], "wall_seconds", "wall_seconds_by_shard": {"K/N": s}}}
// Paths are relative to the summary's directory. Everything but "run" and the failures'
// "wall_seconds" is the campaign's result, the same however it was sharded.
int run_sweep(const SweepOptions& options, std::ostream& out);

// Merges shard summaries of one campaign (same template, first seed, count and shard count;
// every shard once) into one with the totals of an unsharded run; returns 0 no failure, 1
// failures, 2 bad input (a missing, malformed or inconsistent summary, or a shard missing),
// 3 an output could not be written.
int run_sweep_merge(const MergeOptions& options, std::ostream& out);

} // namespace ssifsim::tools
