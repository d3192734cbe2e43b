// OpenIPMI's ipmi_sim behind the BMC daemon, started and stopped by the runner: the bytes
// are the same on the wire, in the device and at ipmi_sim; a run where ipmi_sim dies fails
// clearly, with a whole log and report, and leaves no process behind.
#include <catch2/catch.hpp>
#include <csignal>
#include <dirent.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/support.h"
#include "tools/ipmi_sim_process.h"
#include "tools/runner.h"
#include "tools/scenario.h"

using namespace ssifsim;
using namespace ssifsim::test;
using namespace ssifsim::tools;

namespace {

// The ipmi_sim processes whose parent is this process (from /proc/PID/stat: "pid (comm)
// state ppid ...").
std::vector<pid_t> ipmi_sim_children() {
    std::vector<pid_t> found;
    DIR* d = opendir("/proc");
    REQUIRE(d != nullptr);
    while (const dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream in("/proc/" + name + "/stat");
        std::string stat;
        std::getline(in, stat);
        const size_t open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos)
            continue;
        const std::string comm = stat.substr(open + 1, close - open - 1);
        std::istringstream rest(stat.substr(close + 2));
        char state = 0;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (comm == "ipmi_sim" && ppid == getpid() && state != 'Z')
            found.push_back(static_cast<pid_t>(std::stol(name)));
    }
    closedir(d);
    return found;
}

// Kills ipmi_sim (SIGKILL, as a crash would end it) when the daemon reads its nth request.
class KillAtRead : public ssif::DaemonObserver {
  public:
    explicit KillAtRead(int nth) : nth_(nth) {}
    void request_read(const Bytes&, uint64_t t_ns) override {
        if (++reads_ == nth_) {
            for (pid_t pid : ipmi_sim_children())
                ::kill(pid, SIGKILL);
            killed_at_ns = t_ns;
        }
    }
    uint64_t killed_at_ns = 0;

  private:
    int nth_;
    int reads_ = 0;
};

Scenario sdr_scenario() {
    REQUIRE_FALSE(find_ipmi_sim().empty()); // scripts/setup.sh installs Debian's openipmi
    return load_scenario(source_dir() + "/scenarios/ipmi-sim-sdr.json");
}

} // namespace

TEST_CASE("ipmi_sim answers the daemon: the same bytes on the wire, in the device and at "
          "ipmi_sim",
          "[ipmi_sim]") {
    const Scenario s = sdr_scenario();
    MemorySink log;
    RunOptions options;
    options.extra_sink = &log;
    const RunResult r = run_scenario(s, options);
    CHECK(r.passed());
    CHECK(ipmi_sim_children().empty());

    // Every request the daemon read went to ipmi_sim as it was, and ipmi_sim's answer is what
    // the daemon wrote, in order.
    const auto reads = select(log.events, "daemon", "read");
    const auto writes = select(log.events, "daemon", "write");
    const auto sent = select(log.events, "ipmi_sim", "request");
    const auto answered = select(log.events, "ipmi_sim", "response");
    REQUIRE(reads.size() == sent.size());
    REQUIRE(writes.size() == answered.size());
    REQUIRE(sent.size() == answered.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        CHECK(bytes_field(reads[i], "request") == bytes_field(sent[i], "message"));
        CHECK(bytes_field(writes[i], "response") == bytes_field(answered[i], "message"));
        // Sequence numbers count from 1 (README.vm: returned in the response).
        CHECK(num_field(sent[i], "seq") == static_cast<int64_t>(i + 1));
        CHECK(num_field(answered[i], "seq") == static_cast<int64_t>(i + 1));
    }
    // And the host received each of its requests' answers as the daemon wrote them.
    for (const auto& o : r.outcomes) {
        bool found = false;
        for (const auto& w : writes)
            found = found || bytes_field(w, "response") == o.response;
        CHECK(found);
    }

    // The probe's Get Device ID, seq 1: the exchange of issue 16 checked on this machine.
    // Request: seq 01, netfn App 0x06 << 2 = 0x18, cmd 01, checksum -(0x01 + 0x18 + 0x01) =
    // 0xe6, 0xa0. Response, from the emulator's `mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f
    // 0x1291 0xf02`: netfn 0x07 << 2 = 0x1c, cmd 01, cc 00, device id 00, revision 0x23 & 0x0f
    // = 03 (bit 7, device SDRs, clear), firmware 09.08, IPMI 2.0 = 02, support 9f,
    // manufacturer 0x001291 LS first, product 0x0f02 LS first, auxiliary 00 00 00 00; the
    // checksum 0x79 makes seq and all of it sum to 0 modulo 256.
    CHECK(bytes_field(sent[0], "wire") == Bytes{0x01, 0x18, 0x01, 0xe6, 0xa0});
    CHECK(bytes_field(answered[0], "wire") == Bytes{0x01, 0x1c, 0x01, 0x00, 0x00, 0x03, 0x09,
                                                    0x08, 0x02, 0x9f, 0x91, 0x12, 0x00, 0x02,
                                                    0x0f, 0x00, 0x00, 0x00, 0x00, 0x79, 0xa0});
    // ipmi_sim opens with its protocol version, 1 (control 0xff 0x01), and ends, when its
    // console closes, by itself.
    const auto version = select(log.events, "ipmi_sim", "version");
    REQUIRE(version.size() == 1);
    CHECK(num_field(version[0], "version") == 1);
    const auto exits = select(log.events, "ipmi_sim", "exit");
    REQUIRE(exits.size() == 1);
    CHECK(str_field(exits[0], "status") == "exited with status 0");
    CHECK(select(log.events, "ipmi_sim", "failed").empty());

    // The 32-byte Get SDR (request 7): netfn, cmd, cc, next record id (2), 32 record bytes
    // = 37 > 32, so the BMC sends it in parts: start (30 bytes), end (7 bytes).
    const ssif::RequestOutcome* sdr32 = nullptr;
    for (const auto& o : r.outcomes)
        if (o.id == 7)
            sdr32 = &o;
    REQUIRE(sdr32 != nullptr);
    CHECK(sdr32->response.size() == 37);
    CHECK(sdr32->parts_read == 2);
}

TEST_CASE("ipmi_sim killed mid-run: a clear failure, a whole log and report, no process left",
          "[ipmi_sim]") {
    const Scenario s = sdr_scenario();
    const std::string dir = make_temp_dir("ipmi-sim-killed");
    // The probe and ipmi_add_smi (Get Device GUID, Get Device ID, Get Channel Info 0..15) make
    // the first 24 requests; the 27th is the workload's third, a Get SDR chunk.
    KillAtRead killer(27);
    MemorySink events;
    RunOptions options;
    options.daemon_observer = &killer;
    options.extra_sink = &events;
    options.log_path = dir + "/run.jsonl";
    options.report_path = dir + "/run.report.json";
    const RunResult r = run_scenario(s, options);
    REQUIRE(killer.killed_at_ns > 0);
    CHECK_FALSE(r.passed());
    CHECK(ipmi_sim_children().empty());

    const Check* check = nullptr;
    for (const Check& c : r.checks)
        if (c.name == "ipmi_sim")
            check = &c;
    REQUIRE(check != nullptr);
    CHECK_FALSE(check->pass);
    CHECK_THAT(check->detail, Catch::Contains("ipmi_sim closed the connection"));
    CHECK_THAT(check->detail, Catch::Contains("killed by SIGKILL"));
    // The run stops at the failure: the request read when ipmi_sim died is never answered.
    const auto failed = select(events.events, "ipmi_sim", "failed");
    REQUIRE(failed.size() == 1);
    CHECK(r.end_ns == failed[0].t_ns);
    CHECK(r.end_ns >= killer.killed_at_ns);

    // Every line of the log is a whole JSON object, the last ones ipmi_sim's end; the report
    // is one JSON document that says the run did not pass.
    std::ifstream log(options.log_path);
    std::string line, last;
    int lines = 0;
    while (std::getline(log, line)) {
        CHECK_NOTHROW(nlohmann::json::parse(line));
        last = line;
        ++lines;
    }
    CHECK(lines > 100);
    CHECK(nlohmann::json::parse(last)["ev"] == "exit");
    const nlohmann::json report = nlohmann::json::parse(read_file(options.report_path));
    CHECK(report["passed"] == false);
    bool reported = false;
    for (const auto& c : report["checks"])
        reported = reported || (c["name"] == "ipmi_sim" && c["pass"] == false);
    CHECK(reported);
}

TEST_CASE("without ipmi_sim on PATH: exit 2 naming the package, nothing written", "[ipmi_sim]") {
    const std::string dir = make_temp_dir("ipmi-sim-missing");
    const CommandResult r =
        run_command("PATH=" + dir + " " + ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/ipmi-sim-sdr.json --log " + dir + "/run.jsonl");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("ipmi-sim-sdr.json: $.bmc.daemon.ipmi_sim"));
    CHECK_THAT(r.out, Catch::Contains("install Debian's package openipmi"));
    CHECK(access((dir + "/run.jsonl").c_str(), F_OK) != 0);
}

TEST_CASE("an emulator command ipmi_sim refuses: exit 2 with what ipmi_sim printed", "[ipmi_sim]") {
    REQUIRE_FALSE(find_ipmi_sim().empty());
    const std::string dir = make_temp_dir("ipmi-sim-bad-emu");
    write_file(dir + "/s.json", kIpmiSimRefusedEmulatorScenario);
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --log " + dir + "/run.jsonl");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::Contains("s.json: $.bmc.daemon.ipmi_sim: ipmi_sim"));
    CHECK_THAT(r.out, Catch::Contains("main_sdr_add 0x20 0x00 zz"));
    // Told at ipmi_sim's "**" line, not after start_timeout_ms with "did not listen".
    CHECK_THAT(r.out, Catch::Contains("refused an emulator command"));
    CHECK(access((dir + "/run.jsonl").c_str(), F_OK) != 0);
    CHECK(ipmi_sim_children().empty());
}

// ipmi_sim echoes each emulator line and cuts a long one into pieces of about 500 bytes,
// inside a character if it must: its console lines need not be UTF-8. The log and the
// report write such bytes as U+FFFD (output_text) instead of ending the run with
// nlohmann's type_error 316.
TEST_CASE("ipmi_sim lines that are not UTF-8: the run, its log and report complete",
          "[ipmi_sim][jsonl]") {
    REQUIRE_FALSE(find_ipmi_sim().empty());
    std::string comment = "# ";
    for (int i = 0; i < 1000; ++i)
        comment += "\xe2\x86\x92\\\""; // "→\"": 3 bytes and an escaped quote in the JSON
    const std::string dir = make_temp_dir("ipmi-sim-utf8");
    write_file(dir + "/s.json",
               R"({"version": 1, "bmc": {"daemon": {"backend": "ipmi_sim", "ipmi_sim": {
                   "emulator": [")" +
                   comment + R"(", "mc_setbmc 0x20",
                     "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02",
                     "mc_enable 0x20"]}}},
                   "workload": {"requests": [{"netfn": 6, "cmd": 1}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/s.json --log " + dir +
                                        "/run.jsonl --report " + dir + "/report.json");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    std::ifstream log(dir + "/run.jsonl");
    size_t lines = 0, arrows = 0;
    for (std::string line; std::getline(log, line); ++lines) {
        const json e = json::parse(line); // throws on a line that is not JSON
        if (e["src"] == "ipmi_sim" && e.contains("line"))
            arrows += e["line"].get<std::string>().find("\xe2\x86\x92") != std::string::npos;
    }
    CHECK(lines > 0);
    CHECK(arrows > 0); // the comment's pieces are in the log
    CHECK_NOTHROW(json::parse(std::ifstream(dir + "/report.json")));
    CHECK(ipmi_sim_children().empty());
}
