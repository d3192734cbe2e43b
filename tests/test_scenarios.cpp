// The scenario suite as a whole: the BMC (state, event) pairs it exercises, and its
// expectations' power to fail.
#include <algorithm>
#include <catch2/catch.hpp>
#include <dirent.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "models/common/event_catalog.h"
#include "models/ssif/host/ipmi_ssif.h"
#include "models/zpci/kernel_irq.h"
#include "tests/support.h"
#include "tools/check_names.h"
#include "tools/scenario.h"

using namespace ssifsim::test;
using nlohmann::json;

namespace {

std::vector<std::string> scenario_files() {
    std::vector<std::string> files;
    const std::string dir = source_dir() + "/scenarios";
    DIR* d = opendir(dir.c_str());
    REQUIRE(d != nullptr);
    while (const dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0)
            files.push_back(dir + "/" + name);
    }
    closedir(d);
    return files;
}

using Pair = std::pair<std::string, std::string>;

// The pairs a Linux ipmi_ssif host and a foreign master can cause, on a healthy bus or
// through the fault catalog; README.md ("BMC state x event coverage") says why the other
// seven cannot occur.
const std::set<Pair> kReachable = {
    {"READY", "write_requested"},
    {"READY", "read_requested"},  // a foreign master's plain read
    {"START", "write_requested"}, // the host died after the address
    {"START", "write_received"},
    {"START", "read_requested"},      // a foreign read after the host died at the address
    {"START", "stop"},                // a busy BMC NAKed the address
    {"SMBUS_CMD", "write_requested"}, // the host died after the command byte
    {"SMBUS_CMD", "write_received"},
    {"SMBUS_CMD", "read_requested"},
    {"SMBUS_CMD", "stop"},              // the count byte was NAKed
    {"REQ_RECVING", "write_requested"}, // after a write with a bad PEC
    {"REQ_RECVING", "write_received"},
    {"REQ_RECVING", "read_requested"}, // a foreign read after a bad PEC
    {"REQ_RECVING", "stop"},
    {"RES_SENDING", "write_requested"}, // the read's STOP was lost
    {"RES_SENDING", "read_requested"},  // a foreign read after a lost STOP
    {"RES_SENDING", "read_processed"},
    {"RES_SENDING", "stop"},
    {"ABORTING", "write_requested"}, // the host died in an aborted read
    {"ABORTING", "write_received"},
    {"ABORTING", "read_requested"},
    {"ABORTING", "read_processed"}, // a foreign read takes bytes past the count of 0
    {"ABORTING", "stop"},
};

} // namespace

TEST_CASE("the scenarios cover every reachable BMC (state, event) pair and no other",
          "[scenarios][coverage]") {
    const std::string dir = make_temp_dir("coverage");
    std::set<Pair> seen;
    const auto files = scenario_files();
    REQUIRE(files.size() >= 16);
    for (const std::string& file : files) {
        const std::string report = dir + "/report.json";
        const CommandResult r =
            run_command(ssifsim_binary() + " run " + file + " --quiet --report " + report);
        INFO(file << "\n" << r.out);
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(read_file(report));
        for (const json& c : j["bmc"]["coverage"])
            seen.insert({c["state"].get<std::string>(), c["event"].get<std::string>()});
    }
    for (const Pair& p : kReachable) {
        INFO("reachable pair never exercised: " << p.first << " + " << p.second);
        CHECK(seen.count(p) == 1);
    }
    for (const Pair& p : seen) {
        INFO("pair listed as unreachable but exercised: " << p.first << " + " << p.second);
        CHECK(kReachable.count(p) == 1);
    }
}

TEST_CASE("a fix's before-scenario fails on the fixed variant, with the reason in one line",
          "[scenarios][expect]") {
    const std::string dir = make_temp_dir("before_on_fixed");
    json s = json::parse(read_file(source_dir() + "/scenarios/fix-2026-desync-before.json"));
    s["bmc"]["variant"] = "2026-desync";
    write_file(dir + "/s.json", s.dump(2));
    const std::string junit = dir + "/junit.xml";
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --junit " + junit);
    INFO(r.out);
    CHECK(r.exit_code == 1);
    // The stale response expected by the before-scenario is not what the fixed BMC gives.
    CHECK(r.out.find("request 2 (done t=2067.925000 ms): outcome is success, expected "
                     "\"mismatched_response\"") != std::string::npos);
    CHECK(r.out.find("the scenario expects this check to fail, and it passed") !=
          std::string::npos);
    const std::string xml = read_file(junit);
    CHECK(xml.find("<testcase classname=") != std::string::npos);
    CHECK(xml.find("name=\"request 2 error\">\n      <failure message=\"request 2 (done "
                   "t=2067.925000 ms): outcome is success, expected &quot;mismatched_response"
                   "&quot;\"") != std::string::npos);
    CHECK(xml.find("failures=\"") != std::string::npos);
    // The request's error and the scenario's expected failure of T6max and ipmi_messages,
    // which passed on the fixed variant: the validator counts the same failures.
    const std::string valid = check_junit(junit);
    CHECK(valid.rfind("tests=", 0) == 0);
    CHECK(valid.find(" failures=0") == std::string::npos);
}

TEST_CASE("each ssifbridge fix's before-scenario fails on the version that fixed it",
          "[scenarios][expect][ssifbridge]") {
    // bridge-<commit>-<what>-before runs the version before <commit>; the same scenario on
    // <commit> itself must miss its expectations (the failure is the one the commit fixed).
    const std::string dir = make_temp_dir("bridge_before_on_fixed");
    for (const char* name : {"5183539-len", "507782a-duplicate", "f2994dc-keepalive",
                             "49c757c-caps", "fe8bb4c-late"}) {
        const std::string base = source_dir() + "/scenarios/bridge-" + name;
        json s = json::parse(read_file(base + "-before.json"));
        const json after = json::parse(read_file(base + "-after.json"));
        REQUIRE(s["bmc"]["daemon"]["version"] != after["bmc"]["daemon"]["version"]);
        s["bmc"]["daemon"]["version"] = after["bmc"]["daemon"]["version"];
        write_file(dir + "/s.json", s.dump(2));
        const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet");
        INFO(name << ": " << r.out);
        CHECK(r.exit_code == 1);
    }
}

TEST_CASE("a request the hung ssifbridge never read is explained by the hang",
          "[scenarios][ssifbridge]") {
    // bridge-fe8bb4c-late-before: the bridge's write of ipmid's late answer at 14020.5572 ms
    // (the request's STOP condition at 0.5572 ms + 10 ms ipmid + 14010 ms script delay)
    // returns -EAGAIN, so request 2
    // at 20 s is never read.
    const CommandResult r = run_command(ssifsim_binary() + " run " + source_dir() +
                                        "/scenarios/bridge-fe8bb4c-late-before.json");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("14020.557200 ms  the daemon stopped (write() -EAGAIN") != std::string::npos);
}

TEST_CASE("JUnit: one test case per check, all passing for a passing scenario", "[cli][junit]") {
    const std::string dir = make_temp_dir("junit");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/fault-nak-address.json --quiet --junit " + dir + "/j.xml");
    REQUIRE(r.exit_code == 0);
    const std::string xml = read_file(dir + "/j.xml");
    // 8 spec checks (T6max, all_answered, ipmi_messages, faults_fired, tTIMEOUT, tLOW:SEXT,
    // ssif_framing, driver_memory_safety); request 1: error, completion_code,
    // write_attempts, read_attempts, parts_read; bmc final_state and aborting; 3 counts.
    CHECK(xml.find("<testsuites tests=\"18\" failures=\"0\">") != std::string::npos);
    size_t cases = 0;
    for (size_t at = xml.find("<testcase "); at != std::string::npos;
         at = xml.find("<testcase ", at + 1))
        ++cases;
    CHECK(cases == 18);
    CHECK(xml.find("<failure") == std::string::npos);
    CHECK(check_junit(dir + "/j.xml") == "tests=18 failures=0\n");
}

TEST_CASE("every event in the golden logs is one a count expectation may name",
          "[scenarios][expect]") {
    // kEventCatalog is the list the models log through and expect.counts is validated
    // against: every event of every golden log is in it, under the id it was logged with.
    std::set<std::string> seen;
    for (const std::string& file : scenario_files()) {
        const std::string name = file.substr(file.rfind('/') + 1);
        const std::string trace =
            source_dir() + "/traces/" + name.substr(0, name.size() - 5) + ".jsonl";
        std::istringstream in(read_file(trace));
        std::string line;
        while (std::getline(in, line)) {
            const json e = json::parse(line);
            seen.insert(e["src"].get<std::string>() + "." + e["ev"].get<std::string>());
        }
    }
    REQUIRE(seen.size() >= 20);
    for (const std::string& event : seen) {
        INFO(event);
        ssifsim::EventId id;
        CHECK(ssifsim::find_event(event, &id));
    }
    ssifsim::EventId id;
    CHECK(ssifsim::find_event("cpu17.irq", &id));
    CHECK(id == ssifsim::events::kCpuIrq);
    CHECK_FALSE(ssifsim::find_event("cpu.irq", &id));
    CHECK_FALSE(ssifsim::find_event("cpu7.nothing", &id));
    CHECK_FALSE(ssifsim::find_event("bus", &id));
}

TEST_CASE("the event catalog names each event once", "[scenarios][expect]") {
    std::set<std::string> keys;
    for (const ssifsim::EventName& e : ssifsim::kEventCatalog) {
        INFO(ssifsim::event_key(e.id));
        CHECK(keys.insert(ssifsim::event_key(e.id)).second);
        ssifsim::EventId found;
        REQUIRE(ssifsim::find_event(ssifsim::event_key(e.id), &found));
        CHECK(found == e.id);
    }
    CHECK(keys.size() == ssifsim::events::kCount);
}

TEST_CASE("check names, request errors, segment kinds and setup errors are each named once",
          "[scenarios][expect]") {
    const auto unique = [](const auto& table) {
        std::set<std::string> names;
        for (const auto& entry : table)
            if (!names.insert(entry.name).second)
                return false;
        return true;
    };
    CHECK(unique(ssifsim::tools::kCheckNames));
    CHECK(unique(ssifsim::ssif::kRequestErrorNames));
    CHECK(unique(ssifsim::ssif::kSegmentKindNames));
    CHECK(unique(ssifsim::zpci::kSetupErrorNames));
    CHECK(unique(ssifsim::kEventSourceNames));
    // Every spec check has a name (name_of gives "?" for an id missing from the table).
    for (const ssifsim::tools::CheckId id : ssifsim::tools::kSpecChecks)
        CHECK(std::string(ssifsim::tools::check_name(id)) != "?");
}

namespace {
// The error loading a scenario whose expect.counts names `event`; "" when it loads.
std::string counts_error(const std::string& event) {
    try {
        ssifsim::tools::parse_scenario(
            json::parse(R"({"version": 1, "workload": {"requests": ["6 1"]},
                            "expect": {"counts": {")" +
                        event + R"(": 1}}})"),
            "c.json");
    } catch (const ssifsim::tools::InputError& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("expect.counts takes every catalog event and rejects any other name",
          "[scenarios][expect]") {
    for (const ssifsim::EventName& e : ssifsim::kEventCatalog) {
        INFO(ssifsim::event_key(e.id));
        CHECK(counts_error(ssifsim::event_key(e.id)) == "");
    }
    CHECK(counts_error("cpu3.dispatch") == "");
    const std::string error = counts_error("bus.bytes");
    CHECK_THAT(error, Catch::Contains("$.expect.counts.bus.bytes"));
    CHECK_THAT(error, Catch::Contains("unknown event; did you mean bus.byte?"));
    CHECK_THAT(error, Catch::Contains("(accepted: bus.start, bus.restart,"));
    CHECK_THAT(counts_error("nothing.at_all"), Catch::Contains("unknown event (accepted: "));
}

TEST_CASE("expect.counts: cpu1.irq counts one CPU's interrupts, cpuN.irq every CPU's",
          "[scenarios][expect][zpci]") {
    const std::string dir = make_temp_dir("cpu_counts");
    json doc = json::parse(read_file(source_dir() + "/scenarios/zpci-cpu-offline.json"));
    // Expected counts made to fail, so that the report gives each count as the run made it.
    doc["expect"]["counts"] = {{"cpu0.irq", 1000}, {"cpu1.irq", 1000}, {"cpuN.irq", 1000}};
    write_file(dir + "/s.json", doc.dump());
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet --log " + dir +
                    "/log.jsonl --report " + dir + "/r.json");
    REQUIRE(r.exit_code == 1);
    // The log's cpu<k>/irq lines, counted apart.
    std::map<std::string, uint64_t> in_log;
    std::istringstream lines(read_file(dir + "/log.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        const json e = json::parse(line);
        if (e["ev"] == "irq" && e["src"].get<std::string>().rfind("cpu", 0) == 0)
            ++in_log[e["src"].get<std::string>() + ".irq"];
    }
    REQUIRE(in_log["cpu0.irq"] > 0);
    REQUIRE(in_log["cpu1.irq"] > 0);
    std::map<std::string, uint64_t> counted;
    const json report = json::parse(read_file(dir + "/r.json")); // named: ["checks"] of a
    for (const json& c : report["checks"]) {                     // temporary would dangle
        const std::string name = c["name"];
        // Failed: "the number of cpu0.irq events is 3, expected 1000".
        if (name.rfind("count cpu", 0) == 0) {
            const std::string detail = c["detail"];
            const size_t is = detail.find(" is ") + 4;
            counted[name.substr(6)] = std::stoull(detail.substr(is, detail.find(',') - is));
        }
    }
    CHECK(counted["cpu0.irq"] == in_log["cpu0.irq"]);
    CHECK(counted["cpu1.irq"] == in_log["cpu1.irq"]);
    CHECK(counted["cpuN.irq"] == in_log["cpu0.irq"] + in_log["cpu1.irq"]);
}

TEST_CASE("host.irq zpci: a transfer ends when its MSI's handler has run", "[scenarios][zpci]") {
    const std::string dir = make_temp_dir("host_irq");
    const auto response = [&](const std::string& name) {
        const CommandResult r =
            run_command(ssifsim_binary() + " run " + source_dir() + "/scenarios/" + name +
                        ".json --quiet --report " + dir + "/" + name + ".json");
        REQUIRE(r.exit_code == 0);
        return json::parse(read_file(dir + "/" + name + ".json"))["requests"][0];
    };
    const json polled = response("quickstart");
    const json irq = response("host-irq-zpci");
    // Each transfer's completion waits for MSI 0 of fid 0x20, directed to an idle CPU 1:
    // entry 4000 ns, then the controller's handler 1000 ns. The driver's timers start after
    // that, but expire on jiffy boundaries (HZ=1000): the first read still starts at 6 ms
    // (tick 0 + 5 + 1) and the retry at 67 ms (tick 6 + 60 + 1). So every transfer is 5000 ns
    // longer and the request to response time exceeds the polled one by exactly the last read's
    // 5000 ns.
    const json& p = polled["timeline"];
    const json& q = irq["timeline"];
    REQUIRE(p.size() == 5);
    REQUIRE(q.size() == 5);
    for (size_t i : {0u, 2u, 4u}) {
        CHECK(q[i]["start_ns"].get<uint64_t>() == p[i]["start_ns"].get<uint64_t>());
        CHECK(q[i]["end_ns"].get<uint64_t>() == p[i]["end_ns"].get<uint64_t>() + 5000);
    }
    CHECK(irq["response_ns"].get<uint64_t>() == polled["response_ns"].get<uint64_t>() + 5000);
    CHECK(irq["response_ns"].get<uint64_t>() == 68740000);
}

TEST_CASE("faults aimed at the foreign master act on its transfers as on the host's",
          "[scenarios][fault]") {
    const std::string dir = make_temp_dir("foreign_aimed");
    const CommandResult r = run_command(
        ssifsim_binary() + " run " + source_dir() +
        "/scenarios/fault-foreign-master-aimed.json --quiet --log " + dir + "/log.jsonl");
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> bmc; // ssif_bmc's warnings and state changes after the host's
                                  // first request (600 + 7.735 ms), in order
    std::istringstream lines(read_file(dir + "/log.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        const json e = json::parse(line);
        if (e["src"] != "bmc" || e["t_ns"].get<uint64_t>() <= 607'735'000)
            continue;
        if (e["ev"] == "warn")
            bmc.push_back(e["text"].get<std::string>());
        else if (e["ev"] == "state")
            bmc.push_back(e["from"].get<std::string>() + ">" + e["to"].get<std::string>() + " " +
                          e["on"].get<std::string>());
    }
    // 1. nak byte 0 on the foreign master's first read: its address byte is NAKed before
    //    the target sees it (TransferFault::nak_byte; a NACK ends the transfer, I2C-bus
    //    specification section 3.1.6): ssif_bmc gets no slave event and does not warn.
    // 2. Its second read reaches ssif_bmc in READY: on_read_requested_event warns "unexpected
    //    READ REQUESTED in state=READY" and goes to SSIF_ABORTING. Its STOP is lost, so
    //    on_stop_event never puts it back to READY (no "unexpected SLAVE STOP" warning).
    // 3. The host's write of request 2 at 700 ms: on_write_requested_event leaves ABORTING
    //    as it is, then on_write_received_event in ABORTING takes the command 0x02 (a
    //    supported_write_start_cmd) to SSIF_SMBUS_CMD and clears `aborting`: the request goes
    //    through, its STOP ends in READY, and its read is answered.
    const std::vector<std::string> expected = {
        "unexpected READ REQUESTED in state=READY",
        "READY>ABORTING read_requested",
        "ABORTING>SMBUS_CMD write_received",
        "SMBUS_CMD>REQ_RECVING write_received",
        "REQ_RECVING>READY stop",
        "READY>START write_requested",
        "START>SMBUS_CMD write_received",
        "SMBUS_CMD>RES_SENDING read_requested",
        "RES_SENDING>READY stop",
    };
    CHECK(bmc == expected);
}

TEST_CASE("a fault aimed at the ARA read acts on it, not on the host's driver transfers",
          "[scenarios][fault]") {
    const std::string dir = make_temp_dir("alert_response_aimed");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/fault-alert-response.json --quiet --log " + dir + "/log.jsonl");
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> ara;    // the ARA reads: status
    std::vector<std::string> faults; // fault events: type byte
    int host_alerts = 0;
    int address_naks_to_bmc = 0; // the host's driver transfers NAKed at the BMC's address
    uint64_t response_ns = 0;
    std::istringstream lines(read_file(dir + "/log.jsonl"));
    for (std::string line; std::getline(lines, line);) {
        const json e = json::parse(line);
        if (e["src"] == "bus" && e["ev"] == "transfer" && e["addr"] == "0x0c")
            ara.push_back(e["op"].get<std::string>() + " " + e["status"].get<std::string>());
        else if (e["src"] == "bus" && e["ev"] == "transfer" && e["status"] == "address_nak")
            ++address_naks_to_bmc;
        else if (e["src"] == "fault")
            faults.push_back(e["ev"].get<std::string>() + " " +
                             std::to_string(e["byte"].get<int>()));
        else if (e["src"] == "host" && e["ev"] == "alert")
            ++host_alerts;
        else if (e["src"] == "host" && e["ev"] == "response")
            response_ns = e["response_ns"].get<uint64_t>();
    }
    // smbus_alert (i2c-smbus) reads the ARA with i2c_smbus_read_byte() and, on a failure
    // (status < 0, here -ENXIO: nobody ACKs 0x0C+R), breaks out of its loop before
    // device_for_each_child(..., smbus_do_alert): no driver's alert callback runs, so
    // ssif_alert never starts the read early.
    // 1. The fault aims at the ARA read only: the one Receive Byte from 0x0C is NAKed at its
    //    address (wire byte 0), the only fault event.
    CHECK(ara == std::vector<std::string>{"receive_byte address_nak"});
    CHECK(faults == std::vector<std::string>{"nak 0"});
    // 2. No host alert event (ssif_alert is not called).
    CHECK(host_alerts == 0);
    // 3. The host's driver transfers are not faulted: its one NAK at the BMC's address is the
    //    busy BMC's own at the first read (6 ms), and the response comes from the read at the
    //    65 ms retry, as in host-alert.json without SMBALERT# (68.735 ms).
    CHECK(address_naks_to_bmc == 1);
    CHECK(response_ns == 68'735'000);
}

TEST_CASE("print-config of every scenario is a scenario that runs to the same log",
          "[scenarios][cli]") {
    const std::string dir = make_temp_dir("print_config");
    for (const std::string& file : scenario_files()) {
        const std::string name = file.substr(file.rfind('/') + 1);
        const CommandResult cfg =
            run_command_stdout(ssifsim_binary() + " run --print-config " + file);
        INFO(name << "\n" << cfg.out);
        REQUIRE(cfg.exit_code == 0);
        write_file(dir + "/" + name, cfg.out);
        const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/" + name +
                                            " --quiet --log " + dir + "/log.jsonl");
        INFO(r.out);
        CHECK(r.exit_code == 0);
        const std::string stem = name.substr(0, name.size() - 5);
        CHECK(read_file(dir + "/log.jsonl") ==
              read_file(source_dir() + "/traces/" + stem + ".jsonl"));
    }
}

TEST_CASE("the quickstart and a silent daemon's give-up time at each HZ, from the timer wheel",
          "[scenarios][jiffies]") {
    // Timer rule (calc_index, level 0): mod_timer(jiffies + d) runs on tick J + d + 1, where
    // J is the base clock: jiffies, or jiffies + 1 in the tick whose softirq ran a driver
    // timer. Reads that start on a timer's tick end within it (0.105 ms NAKed, 0.385 ms for
    // a refused count of 0, 1.735 ms for the Device ID), so each retry runs
    // SSIF_MSG_JIFFIES + 1 ticks after the tick of the read before it.
    // The write ends at 0.5597 ms in jiffy 0 (no timer has run): the first read is on tick
    // SSIF_MSG_PART_JIFFIES + 1.
    struct Case {
        unsigned hz;
        uint64_t tick_ns, part_jiffies, msg_jiffies;
    };
    const Case cases[] = {
        {1000, 1'000'000, 5, 60}, // 5000 * 1000 / TICK_NSEC, 60000 * 1000 / TICK_NSEC
        {300, 3'333'333, 1, 18},
        {250, 4'000'000, 1, 15},
        {100, 10'000'000, 0, 6},
    };
    const std::string dir = make_temp_dir("hz_figures");
    for (const Case& c : cases) {
        INFO("HZ=" << c.hz);
        const uint64_t first = c.part_jiffies + 1;
        // The quickstart: the daemon answers at 20.5597 ms; the first read (6, 2, 2, 1 ticks:
        // 6, 6.67, 8, 10 ms) is NAKed; the retry, first + msg + 1 ticks, reads the response.
        const uint64_t retry_tick = first + c.msg_jiffies + 1;
        const uint64_t quickstart_ns = retry_tick * c.tick_ns + 1'735'000;
        // A silent daemon: read 250 on tick first + 249 (msg + 1), after the 500 ms abort,
        // so it is a refused count of 0.
        const uint64_t give_up_ns = (first + 249 * (c.msg_jiffies + 1)) * c.tick_ns + 385'000;

        json q = json::parse(read_file(source_dir() + "/scenarios/quickstart.json"));
        q["host"]["hz"] = c.hz;
        q.erase("expect");
        json silent = q;
        silent["faults"] = json::array({{{"type", "daemon_silent"}, {"read", 1}}});
        silent["expect"] = {{"spec", {{"T6max", "any"}, {"ssif_framing", "any"}}}};
        std::map<std::string, uint64_t> completed;
        for (const auto& [name, s] : {std::pair{"quickstart", q}, std::pair{"silent", silent}}) {
            const std::string file = dir + "/" + name + std::to_string(c.hz) + ".json";
            write_file(file, s.dump());
            const CommandResult r = run_command(ssifsim_binary() + " run " + file + " --quiet" +
                                                " --report " + file + ".report");
            REQUIRE(r.exit_code <= 1);
            completed[name] =
                json::parse(read_file(file + ".report"))["requests"][0]["completed_ns"];
        }
        CHECK(completed["quickstart"] == quickstart_ns);
        CHECK(completed["silent"] == give_up_ns);
    }
    // The figures worked out: the quickstart completes at 68.735 ms at HZ 1000 (ticks 6, 67),
    // 73.735 ms at HZ 250 (ticks 2, 18), 81.735 ms at HZ 100 (ticks 1, 8); a silent daemon's
    // request fails at 15195.385 ms at HZ 1000 (tick 6 + 249 * 61), 15944.385 ms at HZ 250
    // (2 + 249 * 16 = 3986), 17440.385 ms at HZ 100 (1 + 249 * 7 = 1744) and 15777.050089 ms
    // at HZ 300 (2 + 249 * 19 = 4733 ticks of 3333333 ns).
}

TEST_CASE("the host talks to the BMC at bmc.address", "[scenarios][host]") {
    // The host's i2c client is created at the address the firmware gives for the BMC
    // (ACPI/SMBIOS): one scenario key, bmc.address, for both ends.
    const std::string dir = make_temp_dir("bmc_address");
    write_file(dir + "/s.json", R"({"version":1,"bmc":{"address":"0x20"},
        "workload":{"requests":[{"netfn":"0x06","cmd":"0x01"}]},
        "expect":{"requests":[{"id":1,"error":"","completion_code":"0x00"}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir +
                                        "/s.json --quiet --log " + dir + "/log.jsonl");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    const std::string log = read_file(dir + "/log.jsonl");
    CHECK(log.find(R"("op":"block_write","addr":"0x20")") != std::string::npos);
    CHECK(log.find(R"("addr":"0x10")") == std::string::npos);
}

TEST_CASE("a daemon fault aimed at a request hits its read after the probe's, and "
          "counts_from registered leaves the start-up out",
          "[scenarios][faults][expect]") {
    // host-probe: the model host probes and registers (Get Device GUID, Get Device ID, the
    // channel scan) before request 1, so the daemon reads K start-up requests first, K read
    // off the clean run's log as the daemon reads before the host's registered event.
    const std::string dir = make_temp_dir("daemon_request_aim");
    json doc = json::parse(read_file(source_dir() + "/scenarios/host-probe.json"));
    doc.erase("expect");
    write_file(dir + "/clean.json", doc.dump());
    REQUIRE(run_command(ssifsim_binary() + " run " + dir + "/clean.json --quiet --log " + dir +
                        "/clean.jsonl")
                .exit_code == 0);
    int startup_reads = 0;
    {
        std::istringstream lines(read_file(dir + "/clean.jsonl"));
        for (std::string line; std::getline(lines, line);) {
            const json e = json::parse(line);
            if (e["src"] == "host" && e["ev"] == "registered")
                break;
            startup_reads += e["src"] == "daemon" && e["ev"] == "read";
        }
    }
    REQUIRE(startup_reads > 0);
    // Aimed by request 1 and by read K + 1: the same read, so the same log.
    std::map<std::string, std::string> logs;
    for (const auto& [name, aim] :
         {std::pair<std::string, json>{"request", {{"request", 1}}},
          std::pair<std::string, json>{"read", {{"read", startup_reads + 1}}}}) {
        json f = {{"type", "daemon_slow"}, {"latency_ms", 300}};
        f.update(aim);
        json s = doc;
        s["faults"] = json::array({f});
        // Request 1 alone after the start-up: one daemon read and the fault.
        s["expect"] = {{"spec", {{"T6max", "fail"}}},
                       {"counts_from", "registered"},
                       {"counts", {{"daemon.read", 1}, {"fault.daemon_slow", 1}}}};
        write_file(dir + "/" + name + ".json", s.dump());
        const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/" + name +
                                            ".json --quiet --log " + dir + "/" + name + ".jsonl");
        INFO(name << ": " << r.out);
        CHECK(r.exit_code == 0);
        logs[name] = read_file(dir + "/" + name + ".jsonl");
        // From the start, the start-up's reads are counted too.
        s["expect"]["counts_from"] = "start";
        write_file(dir + "/" + name + "-start.json", s.dump());
        const CommandResult from_start =
            run_command(ssifsim_binary() + " run " + dir + "/" + name + "-start.json");
        INFO(from_start.out);
        CHECK(from_start.exit_code == 1);
        CHECK(from_start.out.find("the number of daemon.read events is " +
                                  std::to_string(startup_reads + 1)) != std::string::npos);
    }
    CHECK(logs["request"] == logs["read"]);
    CHECK(logs["request"].find(R"("ev":"daemon_slow")") != std::string::npos);
}
