// Helpers shared by the tests.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/event_log.h"

namespace ssifsim::test {

// The ssifsim binary and the source tree, as the build recorded them.
std::string ssifsim_binary();
std::string source_dir();

struct CommandResult {
    int exit_code = -1;
    std::string out; // stdout and stderr together
};
// Runs a shell command, capturing its output.
CommandResult run_command(const std::string& command);
// The same, capturing stdout only (for output parsed as a document: a sanitizer's or the
// kernel's message on stderr must not be mixed into it); stderr goes to the test's stderr.
CommandResult run_command_stdout(const std::string& command);

// A fresh empty directory under the build's temporary area.
std::string make_temp_dir(const std::string& tag);

std::string read_file(const std::string& path);
// Runs tests/junit_check.py on a JUnit file: "tests=N failures=M\n" if it is valid JUnit,
// else the rule it breaks (the one validator for run's and sweep's JUnit output).
std::string check_junit(const std::string& path);
void write_file(const std::string& path, const std::string& text);
// An event log's JSON Lines (`run --log`), one object a line, in order; throws on a line that
// is not JSON.
std::vector<nlohmann::json> log_lines(const std::string& jsonl);

// Events of one source and kind, in order.
std::vector<Event> select(const std::vector<Event>& events, const std::string& src,
                          const std::string& ev);
// A field's value from an event (test failure if absent).
int64_t num_field(const Event& e, const std::string& key);
std::string str_field(const Event& e, const std::string& key);
Bytes bytes_field(const Event& e, const std::string& key);
uint8_t hex_field(const Event& e, const std::string& key);
bool flag_field(const Event& e, const std::string& key);

// A scenario whose ipmi_sim refuses an emulator line: "main_sdr_add 0x20 0x00 zz" has a data
// byte that is not a number, so ipmi_sim prints "**Invalid data byte given" and, its command
// file failing, never listens. Bad input for run, shrink and sweep alike.
inline const char* const kIpmiSimRefusedEmulatorScenario =
    R"({"version": 1, "bmc": {"daemon": {"backend": "ipmi_sim", "ipmi_sim": {
        "emulator": ["mc_setbmc 0x20",
                     "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02",
                     "main_sdr_add 0x20 0x00 zz", "mc_enable 0x20"],
        "start_timeout_ms": 3000}}},
        "workload": {"requests": [{"netfn": 6, "cmd": 1}]}})";

} // namespace ssifsim::test
