// ssifsim sweep: seeded random fault campaigns over a template scenario. Each seed makes one
// standalone scenario file: the template's configuration and requests, one daemon fault or
// one to three faults on the host's transfers aimed at those requests, sometimes a foreign
// master's read or write, a zPCI fault when the template has a zpci section, and a clean Get
// Device ID 20 s after the last request. Its expectations are the sweep's invariants: every
// request completes, (with mainline host and BMC) the clean request is answered with
// completion code 0, and (with the fixed zPCI code) every MSI is accounted for; the other
// spec checks are reported but not required. Each file runs in a child process
// (SystemC elaborates once per process); a file whose run fails, crashes or hangs is kept,
// so `ssifsim run FILE` reproduces it, and the others are deleted.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "tools/json_reader.h"

namespace ssifsim::tools {

struct SweepOptions {
    std::string template_file;
    int count = 100;
    uint64_t seed = 1;                      // the first seed; the others follow it
    std::string out_dir = "sweep-failures"; // where failing scenarios are kept
    int timeout_s = 60;                     // a run longer than this (wall) is a hang
    bool progress = false;                  // a progress bar (when stdout is a terminal)
};

// The scenario one seed makes from the template (a resolved scenario as JSON).
ojson make_variation(const ojson& resolved_template, const std::string& template_file,
                     uint64_t seed);

// Runs the campaign; returns the exit code: 0 no failure, 1 failures (kept in out_dir),
// 2 bad input. Throws InputError for a bad template.
int run_sweep(const SweepOptions& options, std::ostream& out);

} // namespace ssifsim::tools
