// JUnit XML for CI: one test suite per scenario, one test case per spec check or
// expectation, a <failure> with the check's one-line explanation when it failed.
#pragma once

#include <ostream>

#include "tools/json_reader.h"
#include "tools/runner.h"

namespace ssifsim::tools {

void write_junit(std::ostream& out, const Scenario& scenario, const RunResult& result);

// JUnit XML of a sweep from its summary (tools/sweep.h): one test suite for the campaign,
// a failed test case "seed N" per failing seed (the message its outcome, check and reason;
// the text its scenario, shrunk scenario with its size, and the command that reproduces it)
// and one passing test case "N seed(s) passed" for the rest (absent if none passed). `time`
// is wall seconds: the suite's the campaign's, a failing seed's its run, the passing case's
// the rest; the seeds and shards are properties.
void write_sweep_junit(std::ostream& out, const ojson& summary);

// The same for any list of checks: suite `name` (a scenario or a capture file), its
// description, `simulated_ns` (the span the checks cover, a property) and the wall seconds
// (the `time` of the suite and of each test case).
void write_junit_suite(std::ostream& out, const std::string& name, const std::string& description,
                       uint64_t simulated_ns, const std::vector<Check>& checks,
                       double wall_seconds);

// Escapes text for an XML attribute or element; bytes that are not UTF-8 become U+FFFD
// (utf8_text), control characters XML 1.0 forbids '?'.
std::string xml_escape(const std::string& text);

} // namespace ssifsim::tools
