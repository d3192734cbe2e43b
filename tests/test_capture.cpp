// ssifsim check: captures the simulator wrote, resampled as a logic analyzer would write them
// and with glitches added, give the run's own check results; kernel trace text in the
// format of the smbus_* tracepoints; and the BMC conformance replay.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/common/vcd_writer.h"
#include "models/smbus/pec.h"
#include "models/smbus/wire_trace.h"
#include "tests/support.h"
#include "tools/capture.h"
#include "tools/capture_check.h"

namespace ssifsim::test {
namespace {

using nlohmann::json;

// The resampler: the two wires of a simulator VCD (1 ns) as a logic analyzer sampling at
// `rate_hz` sees them (a change shows at the first sample at or after it), written the way
// sigrok-cli's VCD output is laid out (one module, timestamps in samples of a `$timescale`
// of the sample period when it is a whole number of ns or us). Every `glitch_every`-th change
// gets a one-sample pulse on the other line half way to the next change: on SDA while SCL is
// high it would be a false START or STOP, on SCL a false clock.
std::string resample(const std::string& vcd, uint64_t rate_hz, int glitch_every) {
    std::istringstream in(vcd);
    std::string line, scl_id, sda_id;
    std::vector<std::pair<uint64_t, std::pair<int, int>>> changes; // t_ns, (line, level)
    uint64_t t = 0;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string w, type, width, id, name;
        words >> w;
        if (w == "$var" && words >> type >> width >> id >> name) {
            if (name == "smbus_scl")
                scl_id = id;
            if (name == "smbus_sda")
                sda_id = id;
        } else if (!w.empty() && w[0] == '#') {
            t = std::stoull(w.substr(1));
        } else if (!w.empty() && (w[0] == '0' || w[0] == '1')) {
            const std::string id = w.substr(1);
            if (id == scl_id || id == sda_id)
                changes.push_back({t, {id == scl_id ? 0 : 1, w[0] - '0'}});
        }
    }
    REQUIRE(!scl_id.empty());
    REQUIRE(!sda_id.empty());
    // Sample k is at k * period; timestamps are sample numbers in a 1 ps timescale unless the
    // period is whole ns.
    const double period_ps = 1e12 / static_cast<double>(rate_hz);
    const bool whole_us = rate_hz == 1'000'000;
    const auto sample_of = [&](uint64_t t_ns) {
        return static_cast<uint64_t>(std::ceil(static_cast<double>(t_ns) * 1000.0 / period_ps));
    };
    const auto stamp = [&](uint64_t sample) {
        return whole_us ? sample : static_cast<uint64_t>(std::llround(sample * period_ps));
    };
    std::map<uint64_t, std::vector<std::pair<int, int>>> out; // sample -> changes
    int level[2] = {1, 1};
    for (size_t i = 0; i < changes.size(); ++i) {
        const auto [t_ns, change] = changes[i];
        out[sample_of(t_ns)].push_back(change);
        level[change.first] = change.second;
        if (glitch_every && i % glitch_every == 0 && i + 1 < changes.size()) {
            const uint64_t mid = sample_of((t_ns + changes[i + 1].first) / 2);
            if (mid > sample_of(t_ns) + 1 && mid + 1 < sample_of(changes[i + 1].first)) {
                const int other = 1 - change.first;
                out[mid].push_back({other, 1 - level[other]});
                out[mid + 1].push_back({other, level[other]});
            }
        }
    }
    std::ostringstream o;
    o << "$date Mon Nov 30 2026 $end\n$version ssifsim test resampler $end\n"
      << "$comment\n  Acquisition with 2/2 channels at " << rate_hz << " Hz\n$end\n"
      << "$timescale 1 " << (whole_us ? "us" : "ps") << " $end\n$scope module libsigrok $end\n"
      << "$var wire 1 ! SCL $end\n$var wire 1 \" SDA $end\n$upscope $end\n$enddefinitions $end\n"
      << "#0 1! 1\"\n";
    for (const auto& [sample, cs] : out) {
        o << "#" << stamp(sample);
        for (const auto& [which, lvl] : cs)
            o << " " << lvl << (which == 0 ? "!" : "\"");
        o << "\n";
    }
    return o.str();
}

// The checks a run and a capture share; a run's verdict is taken before the scenario's
// expect.spec turned it (apply_expected_verdict adds "; expected to fail").
const char* const kShared[] = {"T6max",    "all_answered", "ipmi_messages",
                               "tTIMEOUT", "tLOW:SEXT",    "ssif_framing"};

std::map<std::string, bool> verdicts(const json& report) {
    std::map<std::string, bool> out;
    for (const json& c : report["checks"]) {
        const std::string d = c["description"];
        const bool flipped =
            d.size() > 18 && d.compare(d.size() - 18, 18, "; expected to fail") == 0;
        out[c["name"]] = c["pass"].get<bool>() != flipped;
    }
    return out;
}

void same_results(const std::string& scenario, uint64_t rate_hz) {
    const std::string dir = make_temp_dir("capture-" + scenario + "-" + std::to_string(rate_hz));
    const CommandResult run =
        run_command(ssifsim_binary() + " run " + source_dir() + "/scenarios/" + scenario +
                    ".json -q --vcd " + dir + "/run.vcd --report " + dir + "/run.json");
    REQUIRE(run.exit_code != 2);
    const json run_report = json::parse(read_file(dir + "/run.json"));
    const json& cfg = run_report["config"];
    const std::string capture = dir + "/capture.vcd";
    write_file(capture, resample(read_file(dir + "/run.vcd"), rate_hz, 7));
    const CommandResult check =
        run_command(ssifsim_binary() + " check " + capture + " -q --report " + dir + "/check.json" +
                    " --bmc-address " + std::to_string(cfg["bmc"]["address"].get<int>()) +
                    " --host-hz " + std::to_string(cfg["host"]["hz"].get<int>()) +
                    " --host-variant " + cfg["host"]["variant"].get<std::string>() +
                    " --bmc-variant " + cfg["bmc"]["variant"].get<std::string>() +
                    " --bmc-controller " + cfg["bmc"]["controller"].get<std::string>() +
                    " --bmc-hz " + std::to_string(cfg["bmc"]["hz"].get<int>()));
    INFO(scenario << " at " << rate_hz << " Hz: " << check.out);
    REQUIRE(check.exit_code != 2);
    const json check_report = json::parse(read_file(dir + "/check.json"));
    CHECK(check_report["decoded"]["glitches"].get<uint64_t>() > 0); // the filter had work
    const auto run_v = verdicts(run_report), check_v = verdicts(check_report);
    for (const char* name : kShared) {
        INFO(name);
        CHECK(run_v.at(name) == check_v.at(name));
    }
    // The same requests, each with the same outcome, and a success with the same response.
    REQUIRE(run_report["requests"].size() == check_report["requests"].size());
    for (size_t i = 0; i < run_report["requests"].size(); ++i) {
        const json& a = run_report["requests"][i];
        const json& b = check_report["requests"][i];
        CHECK(a["request"] == b["request"]);
        CHECK(a["error"] == b["error"]);
        if (a["error"] == "")
            CHECK(a["response"] == b["response"]);
    }
}

} // namespace

// The scenarios whose traffic the wires show whole (see README, `ssifsim check`, for those
// that differ and why).
TEST_CASE("check: the run's VCD resampled at 1 MHz and 24 MHz with glitches gives the run's "
          "check results",
          "[capture]") {
    const char* const scenarios[] = {
        "quickstart",      "fault-clock-stretch", "fault-daemon-silent",  "fault-daemon-slow",
        "fault-lost-stop", "fault-nak-address",   "fault-nak-count-byte", "fault-skip-block"};
    for (const char* s : scenarios)
        for (const uint64_t rate : {1'000'000ull, 24'000'000ull})
            same_results(s, rate);
}

} // namespace ssifsim::test
