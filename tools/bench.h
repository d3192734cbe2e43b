// ssifsim bench: the standard workloads, each in its own process, measured in simulated
// and wall time, requests, bus bytes, SystemC process activations and peak RSS, against the
// raw SystemC kernel doing the same number of activations with no model work, and against
// the floor: the same requests through the plain C++ models with no SystemC at all.
//   ssif-mixed           bench/ssif-mixed.json: 100,000 IPMI requests, no waveforms
//   floor                ssif-mixed's requests through the plain C++ cores (bench_floor.h)
//   ssif-mixed-vcd       the same with the full VCD (wires and transaction level)
//   ssif-mixed-log       the same writing its event log (--log, JSON Lines)
//   zpci-storm-floating  scenarios/zpci-storm-floating.json: 1,000,000 MSIs
//   zpci-storm-directed  scenarios/zpci-storm-directed.json
//   raw-kernel           as many activations as ssif-mixed made, from threads that only wait
// Per workload, the cost ratios measured within the same run: an ssif workload's wall time
// per request in raw-kernel activations (raw_activations_per_request) and in floor requests
// (floor_ratio), a storm's wall time per MSI in raw-kernel activations
// (raw_activations_per_msi), and the model's own activations per request or MSI.
// Speed is measured here and never in a timed test.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace ssifsim::tools {

struct BenchOptions {
    double scale = 1.0;                 // workload sizes times this (the smoke test: 0.01)
    bool json = false;                  // one JSON document instead of the table
    bool memory = false;                // also ssif-mixed 10 times longer: is RSS flat?
    std::vector<std::string> workloads; // empty: all
    std::string vcd_dir = "/tmp";       // where ssif-mixed-vcd and -log write (removed after)
    // Runs of each workload (1..100), round after round; each keeps the run with the median
    // wall time (its ratios too) and the highest peak RSS, and lists every run's wall time
    // in --json's wall_seconds_runs.
    int repeat = 1; // signed: a negative value is refused, not wrapped round
    // A terminal (null: none): a line naming the workload that runs, its round and the wall
    // time so far, redrawn as each starts and cleared before the figures are printed (cut to
    // the width of the terminal on standard error).
    std::ostream* progress = nullptr;

    // Whether the workload `name` runs: every one when none is named.
    bool wants(const std::string& name) const {
        return workloads.empty() ||
               std::find(workloads.begin(), workloads.end(), name) != workloads.end();
    }
};

const std::vector<std::string>& bench_workload_names();

// Runs the benchmark; returns the exit code (0; 3 if a workload's process failed; 128 + the
// signal if SIGINT, SIGTERM or SIGHUP stopped it: the running workload stops too, removing
// its waveforms, and nothing is printed to `out`).
int run_bench(const BenchOptions& options, std::ostream& out);

} // namespace ssifsim::tools
