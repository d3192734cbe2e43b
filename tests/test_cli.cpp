// The ssifsim command as a user runs it: the quickstart's outputs, their agreement with
// each other and with sigrok's decode, determinism, and bad input.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "tests/support.h"
#include "tools/json_reader.h"
#include "tools/scenario.h"
#include "tools/sweep.h"

using namespace ssifsim::test;
using nlohmann::json;

namespace {

struct QuickstartRun {
    std::string dir;
    CommandResult result;
    std::string log, report, vcd, tl_vcd;
};

QuickstartRun run_quickstart(const std::string& tag) {
    QuickstartRun q;
    q.dir = make_temp_dir(tag);
    q.result = run_command(ssifsim_binary() + " run " + source_dir() +
                           "/scenarios/quickstart.json --log " + q.dir + "/q.jsonl --report " +
                           q.dir + "/q.json --vcd " + q.dir + "/q.vcd");
    q.log = read_file(q.dir + "/q.jsonl");
    q.report = read_file(q.dir + "/q.json");
    q.vcd = read_file(q.dir + "/q.vcd");
    q.tl_vcd = read_file(q.dir + "/q.tl.vcd");
    return q;
}

std::string upper_hex(unsigned v) {
    char buf[12];
    std::snprintf(buf, sizeof buf, "%02X", v);
    return buf;
}

} // namespace

TEST_CASE("quickstart: sigrok decodes the VCD into the bytes of the event log", "[cli][vcd]") {
    const QuickstartRun q = run_quickstart("sigrok");
    REQUIRE(q.result.exit_code == 0);

    // What the log says went over the wire, as sigrok's i2c decoder names it.
    std::vector<std::string> expected;
    bool address_next = false;
    for (const json& e : log_lines(q.log)) {
        if (e["src"] != "bus")
            continue;
        if (e["ev"] == "start" || e["ev"] == "restart") {
            expected.push_back(e["ev"] == "start" ? "Start" : "Start repeat");
            address_next = true;
        } else if (e["ev"] == "stop") {
            expected.push_back("Stop");
        } else if (e["ev"] == "byte") {
            const unsigned b = std::stoul(e["byte"].get<std::string>(), nullptr, 16);
            if (address_next)
                expected.push_back(std::string(b & 1 ? "Address read: " : "Address write: ") +
                                   upper_hex(b >> 1));
            else
                expected.push_back(std::string(e["dir"] == "w" ? "Data write: " : "Data read: ") +
                                   upper_hex(b));
            expected.push_back(e["ack"].get<bool>() ? "ACK" : "NACK");
            address_next = false;
        }
    }
    // Three transfers, each byte a value and an ACK/NACK:
    //   write: S, 6 bytes, P = 14; NAKed read: S, addr+W, P = 4;
    //   read: S, addr+W, cmd, Sr, addr+R, count, 14 data, PEC, P = 1 + 4 + 1 + 34 + 1 = 41.
    REQUIRE(expected.size() == 14 + 4 + 41);

    const CommandResult decode = run_command(
        "sigrok-cli -I vcd -i " + q.dir +
        "/q.vcd -P i2c:scl=smbus_scl:sda=smbus_sda "
        "-A i2c=start:repeat-start:stop:ack:nack:address-read:address-write:data-read:data-write");
    REQUIRE(decode.exit_code == 0);
    std::vector<std::string> decoded;
    std::istringstream in(decode.out);
    std::string line;
    while (std::getline(in, line)) {
        const std::string prefix = "i2c-1: ";
        const std::string token =
            line.substr(0, prefix.size()) == prefix ? line.substr(prefix.size()) : std::string();
        // The decoder also names the R/W bit of each address ("Write", "Read").
        if (!token.empty() && token != "Write" && token != "Read")
            decoded.push_back(token);
    }
    // An empty decode is sigrok's silent way of failing to read the file.
    REQUIRE_FALSE(decoded.empty());
    CHECK(decoded == expected);
}

TEST_CASE("quickstart: the response time adds up from the log", "[cli][log]") {
    const QuickstartRun q = run_quickstart("sum");
    REQUIRE(q.result.exit_code == 0);
    // Request to response = the bus transfers + the host's timer waits, as logged.
    uint64_t bus_ns = 0, wait_ns = 0, available = 0, answered = 0, response_ns = 0;
    for (const json& e : log_lines(q.log)) {
        if (e["src"] == "bus" && e["ev"] == "transfer")
            bus_ns += e["dur_ns"].get<uint64_t>();
        if (e["src"] == "host" && e["ev"] == "timer")
            wait_ns += e["expires_ns"].get<uint64_t>() - e["t_ns"].get<uint64_t>();
        if (e["src"] == "bmc" && e["ev"] == "request_available")
            available = e["t_ns"];
        if (e["src"] == "daemon" && e["ev"] == "write")
            answered = e["t_ns"];
        if (e["src"] == "host" && e["ev"] == "response")
            response_ns = e["response_ns"];
    }
    // The bus sat idle 4.7 us (tBUF) before the first START at power-up.
    CHECK(response_ns == bus_ns + wait_ns + 4700);
    // The daemon answered the configured 20 ms after the request was complete.
    CHECK(answered - available == 20'000'000);
    const json report = json::parse(q.report);
    CHECK(report["requests"][0]["response_ns"] == response_ns);
    CHECK(report["checks"][0]["name"] == "T6max");
    CHECK(report["checks"][0]["pass"] == true);
    // The summary shows the exchange.
    CHECK(q.result.out.find("response 1c 01 00 20") != std::string::npos);
    CHECK(q.result.out.find("PASS") != std::string::npos);
    // ...and splits the response time into the write (to its STOP condition, where the BMC
    // has the request: 559.7 us - 2.5 us, the STOP's last quarter), the configured latency,
    // the host's polling gap (to its read at 67 ms) and the read that took the response.
    CHECK(q.result.out.find("= write 0.557200 ms + daemon latency 20.000000 ms + wait for the "
                            "next read poll 46.442800 ms + that read 1.735000 ms") !=
          std::string::npos);
}

TEST_CASE("the same scenario twice gives byte-identical log, report and VCDs",
          "[cli][determinism]") {
    const QuickstartRun a = run_quickstart("det-a");
    const QuickstartRun b = run_quickstart("det-b");
    REQUIRE(a.result.exit_code == 0);
    REQUIRE_FALSE(a.log.empty());
    CHECK(a.log == b.log);
    CHECK(a.report == b.report);
    CHECK(a.vcd == b.vcd);
    CHECK(a.tl_vcd == b.tl_vcd);
}

TEST_CASE("the wire VCD has nothing sigrok's reader chokes on", "[cli][vcd]") {
    const QuickstartRun q = run_quickstart("vcdform");
    const size_t defs_end = q.vcd.find("$enddefinitions");
    REQUIRE(defs_end != std::string::npos);
    const std::string body = q.vcd.substr(defs_end);
    CHECK(body.find("$comment") == std::string::npos);
    CHECK(body.find("$dumpvars") == std::string::npos);
    CHECK(q.vcd.find("$timescale 1 ns $end") != std::string::npos);
    for (char c : std::string("bxzrXZ"))
        CHECK(body.find(std::string("\n") + c) == std::string::npos);
}

TEST_CASE("the .tl.vcd orders one time's changes by each signal's first change there",
          "[cli][vcd]") {
    // VcdWriter's rule (IEEE 1364-2005 18.2 leaves the order within a time to the writer): at
    // one time, the signals in the order of their first change there, each with its last
    // value. Here, at 616.085 ms, three things happen in one nanosecond: the daemon's late
    // write fails (its 615.5 ms latency ran past the BMC's 500 ms timer) and the BMC traces
    // its signals, changing none; a zPCI MSI changes zpci_msis; the ACK of the host's next
    // read's address moves bmc_state READY -> START. The wire's SCL edge comes first (the
    // wires before the file's own signals at one time), then bmc_state: its first change at
    // that time is the unchanged trace, before the MSI. A trace skipped because it changes
    // nothing would put bmc_state after zpci_msis.
    const std::string dir = make_temp_dir("tlorder");
    const std::string scenario = R"({"version": 1,
      "bus": {"freq_hz": 100000},
      "host": {"hz": 1000, "pec": true, "variant": "mainline"},
      "bmc": {"address": "0x10", "variant": "mainline", "response_timeout_ms": 500,
              "daemon": {"latency_ms": 615.5253}},
      "workload": {"requests": [{"at_ms": 0, "netfn": "0x06", "cmd": "0x01", "data": []}]},
      "zpci": {"delivery": "directed", "cpus": 2,
               "functions": [{"fid": 1, "devfn": 1, "max_msi": 8, "nvec": 1}],
               "msis": [{"fid": 1, "index": 0, "pattern": "periodic", "at_ns": 616084998,
                         "interval_ns": 1, "count": 5}]}})";
    write_file(dir + "/s.json", scenario);
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet --vcd " + dir + "/w.vcd");
    INFO(r.out);
    const std::string tl = read_file(dir + "/w.tl.vcd");
    // The identifiers, from the header's $var lines.
    const auto id_of = [&](const std::string& name) {
        const size_t end = tl.find(" " + name + " $end");
        REQUIRE(end != std::string::npos);
        return tl.substr(tl.rfind(' ', end - 1) + 1, end - tl.rfind(' ', end - 1) - 1);
    };
    const std::string expected = "#616085000\n0" + id_of("smbus_scl") + "\nb1 " +
                                 id_of("bmc_state") + "\nb11 " + id_of("zpci_msis") + "\n";
    CHECK(tl.find(expected) != std::string::npos);
}

namespace {
CommandResult validate_text(const std::string& name, const std::string& text) {
    const std::string dir = make_temp_dir("bad");
    const std::string file = dir + "/" + name;
    write_file(file, text);
    return run_command(ssifsim_binary() + " validate " + file);
}
} // namespace

TEST_CASE("a null where a value belongs is named once: got null", "[cli][input]") {
    // JSON null's type name and text are both "null": the message says it once.
    const std::string dir = make_temp_dir("null_value");
    write_file(dir + "/s.json", R"({"version":1,"expect":{"counts_from":null}})");
    const CommandResult r = run_command(ssifsim_binary() + " validate " + dir + "/s.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("$.expect.counts_from: expected a string, got null") != std::string::npos);
    CHECK(r.out.find("null null") == std::string::npos);
}

TEST_CASE("bad scenarios: exit 2, a message with the file and the JSON path", "[cli][input]") {
    struct Case {
        const char* text;
        const char* path;
    } cases[] = {
        {"", "$"},
        {"{", "$"},
        {"[1,2]", "$"},
        {"{\"bus\":{}}", "$.version"},
        {"{\"version\":2}", "$.version"},
        {"{\"version\":1,\"colour\":\"red\"}", "$.colour"},
        {"{\"version\":1,\"bus\":{\"freq_hz\":\"fast\"}}", "$.bus.freq_hz"},
        {"{\"version\":1,\"bus\":{\"freq_hz\":5000000}}", "$.bus.freq_hz"},
        {"{\"version\":1,\"host\":{\"hz\":999}}", "$.host.hz"},
        {"{\"version\":1,\"host\":{\"variant\":\"2019\"}}", "$.host.variant"},
        {R"({"version":1,"host":{"probe":true,"enumeration":"pci"}})", "$.host.enumeration"},
        {R"({"version":1,"host":{"enumeration":"detect"}})", "$.host.enumeration"},
        {R"({"version":1,"host":{"adapter":"i2c-dev"}})", "$.host.adapter"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
            "expect":{"requests":[{"id":1,"started_ms":-1}]}})",
         "$.expect.requests[0].started_ms"},
        {"{\"version\":1,\"bmc\":{\"variant\":\"v9\"}}", "$.bmc.variant"},
        {R"({"version":1,"bmc":{"controller":"npcm-2023"}})", "$.bmc.controller"},
        {R"({"version":1,"bmc":{"controller":7}})", "$.bmc.controller"},
        {R"({"version":1,"host":{"max_part":36}})", "$.host.max_part"},
        {R"({"version":1,"host":{"max_part":31}})", "$.host.max_part"},
        {R"({"version":1,"faults":[{"type":"daemon_efault","copied":260}]})", "$.faults[0].copied"},
        {R"({"version":1,"faults":[{"type":"bmc_remove"}]})", "$.faults[0].at_ms"},
        // ssif_bmc is unbound once: a second bmc_remove has nothing to remove.
        {R"({"version":1,"faults":[{"type":"bmc_remove","at_ms":30},
            {"type":"bmc_remove","at_ms":35}]})",
         "$.faults[1].type"},
        {"{\"version\":1,\"bmc\":{\"daemon\":{\"latency_ms\":-1}}}", "$.bmc.daemon.latency_ms"},
        {R"({"version":1,"bmc":{"daemon":{"kind":"bridge"}}})", "$.bmc.daemon.kind"},
        {R"({"version":1,"bmc":{"daemon":{"kind":"ssifbridge","version":"HEAD"}}})",
         "$.bmc.daemon.version"},
        {R"({"version":1,"bmc":{"daemon":{"kind":"ssifbridge","silent":true}}})",
         "$.bmc.daemon.silent"},
        {R"({"version":1,"bmc":{"daemon":{"version":"fe8bb4c"}}})", "$.bmc.daemon.version"},
        {R"({"version":1,"bmc":{"daemon":{"kind":"ssifbridge","ipmid":{"commands":[{"netfn":6}]}}}})",
         "$.bmc.daemon.ipmid.commands[0].cmd"},
        {R"({"version":1,"bmc":{"script":[{"netfn":7,"cmd":1}]}})", "$.bmc.script[0].netfn"},
        {R"({"version":1,"bmc":{"script":[{"netfn":6}]}})", "$.bmc.script[0].cmd"},
        {R"({"version":1,"bmc":{"script":[{"netfn":6,"cmd":1,"nth":0}]}})", "$.bmc.script[0].nth"},
        {R"({"version":1,"bmc":{"script":[{"netfn":6,"cmd":1,"answer":"none","data":[1]}]}})",
         "$.bmc.script[0].data"},
        {R"({"version":1,"bmc":{"daemon":{"kind":"ssifbridge"}},
            "faults":[{"type":"daemon_silent"}]})",
         "$.faults[0].type"},
        {"{\"version\":1,\"bmc\":{\"address\":\"0x100\"}}", "$.bmc.address"},
        {"{\"version\":1,\"workload\":{\"requests\":[{\"netfn\":6}]}}", "$.workload.requests[0]"},
        {"{\"version\":1,\"workload\":{\"requests\":[{\"netfn\":6,\"cmd\":1,\"data\":[256]}]}}",
         "$.workload.requests[0].data[0]"},
        // Requests and devices.
        {R"({"version":1,"workload":{"requests":[{"netfn":"0x40","cmd":1}]}})",
         "$.workload.requests[0].netfn"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1,"lun":4}]}})",
         "$.workload.requests[0].lun"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1,"at_ms":"soon"}]}})",
         "$.workload.requests[0].at_ms"},
        {R"({"version":1,"workload":{"requests":{"netfn":6}}})", "$.workload.requests"},
        {R"({"version":1,"bmc":{"device":{"firmware_major":"0x80"}}})",
         "$.bmc.device.firmware_major"},
        {R"({"version":1,"bmc":{"responder":{"test_command":{"length":0}}}})",
         "$.bmc.responder.test_command.length"},
        {R"({"version":1,"bmc":{"response_timeout_ms":0}})", "$.bmc.response_timeout_ms"},
        // RESPONSE_TIMEOUT is whole ms (msecs_to_jiffies takes an unsigned int).
        {R"({"version":1,"bmc":{"response_timeout_ms":500.5}})", "$.bmc.response_timeout_ms"},
        // The BMC kernel's HZ: the Kconfig choices, as host.hz.
        {R"({"version":1,"bmc":{"hz":200}})", "$.bmc.hz"},
        {R"({"version":1,"bmc":{"daemon":{"silent":"yes"}}})", "$.bmc.daemon.silent"},
        // Host link, probe, watch; BMC end mode, alerts, incoming items.
        {R"({"version":1,"host":{"probe":true,"pec":false}})", "$.host.pec"},
        {R"({"version":1,"host":{"probe":true,"multipart_end":"0x08"}})", "$.host.multipart_end"},
        {R"({"version":1,"host":{"max_transmit":300}})", "$.host.max_transmit"},
        {R"({"version":1,"host":{"multipart_end":"0x09"}})", "$.host.multipart_end"},
        {R"({"version":1,"host":{"watch":"always"}})", "$.host.watch"},
        {R"({"version":1,"bmc":{"multipart_end":"any"}})", "$.bmc.multipart_end"},
        {R"({"version":1,"bmc":{"max_message":100}})", "$.bmc.max_message"},
        {R"({"version":1,"bmc":{"max_message":300,"responder":{"test_command":{"length":301}}}})",
         "$.bmc.responder.test_command.length"},
        {R"({"version":1,"bmc":{"smbus_alert":1}})", "$.bmc.smbus_alert"},
        {R"({"version":1,"bmc":{"responder":{"incoming":[{"kind":"letter"}]}}})",
         "$.bmc.responder.incoming[0].kind"},
        {R"({"version":1,"bmc":{"responder":{"incoming":[{"at_ms":5},{"at_ms":1}]}}})",
         "$.bmc.responder.incoming[1].at_ms"},
        {R"({"version":1,"bmc":{"responder":{"test_command":{"length":"long"}}}})",
         "$.bmc.responder.test_command.length"},
        // Bus faults and the adapter timeout.
        {R"({"version":1,"host":{"adapter_timeout_ms":0}})", "$.host.adapter_timeout_ms"},
        {R"({"version":1,"faults":[{"type":"clock_stretch","after_bytes":2}]})",
         "$.faults[0].stretch_ms"},
        {R"({"version":1,"faults":[{"type":"clock_stretch","stretch_ms":5,"after_bytes":0}]})",
         "$.faults[0].after_bytes"},
        {R"({"version":1,"faults":[{"type":"held_low","held_ms":5}]})", "$.faults[0].line"},
        {R"({"version":1,"faults":[{"type":"held_low","line":"scl"}]})", "$.faults[0].held_ms"},
        {R"({"version":1,"faults":[{"type":"held_low","line":"sda","held_ms":5,"op":"read",
             "after_bytes":4}]})",
         "$.faults[0].after_bytes"},
        {R"({"version":1,"faults":[{"type":"foreign_master","state":"READY"}]})", "$.faults[0].op"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read","state":"IDLE"}]})",
         "$.faults[0].state"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"write"}]})", "$.faults[0].data"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read","request":1}]})",
         "$.faults[0].request"},
        // A fault aimed at the foreign master's transfers.
        {R"({"version":1,"faults":[{"type":"nak","master":"bmc"}]})", "$.faults[0].master"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read"},
             {"type":"corrupt_pec","direction":"host_to_bmc","master":"foreign"}]})",
         "$.faults[1].master"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read"},
             {"type":"host_power_off","master":"foreign"}]})",
         "$.faults[1].master"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read"},
             {"type":"nak","master":"foreign","request":1}]})",
         "$.faults[1].request"},
        {R"({"version":1,"faults":[{"type":"foreign_master","op":"read"},
             {"type":"nak","master":"foreign","op":"read","byte":1}]})",
         "$.faults[1].byte"},
        {R"({"version":1,"faults":[{"type":"lost_stop","master":"foreign"}]})",
         "$.faults[0].master"},
        // A fault aimed at the host's ARA read (a Receive Byte from 0x0C, no PEC).
        {R"({"version":1,"faults":[{"type":"corrupt_pec","direction":"bmc_to_host",
             "master":"alert_response"}]})",
         "$.faults[0].master"},
        {R"({"version":1,"faults":[{"type":"skip_block","master":"alert_response"}]})",
         "$.faults[0].master"},
        {R"({"version":1,"faults":[{"type":"host_power_off","master":"alert_response"}]})",
         "$.faults[0].master"},
        {R"({"version":1,"faults":[{"type":"nak","master":"alert_response","request":1}]})",
         "$.faults[0].request"},
        {R"({"version":1,"faults":[{"type":"nak","master":"alert_response","op":"read"}]})",
         "$.faults[0].op"},
        {R"({"version":1,"faults":[{"type":"lost_stop","master":"alert_response",
             "command":"0x09"}]})",
         "$.faults[0].command"},
        {R"({"version":1,"faults":[{"type":"nak","master":"alert_response","byte":1}]})",
         "$.faults[0].byte"},
        {R"({"version":1,"faults":[{"type":"clock_stretch","master":"alert_response",
             "stretch_ms":5,"after_bytes":2}]})",
         "$.faults[0].after_bytes"},
        {R"({"version":1,"faults":[{"type":"clock_stretch","master":"alert_response",
             "stretch_ms":5,"gaps":2}]})",
         "$.faults[0].gaps"},
        {R"({"version":1,"faults":[{"type":"held_low","master":"alert_response","line":"sda",
             "held_ms":5,"after_bytes":1}]})",
         "$.faults[0].after_bytes"},
        {R"({"version":1,"faults":[{"type":"held_low","master":"alert_response","line":"scl",
             "held_ms":5,"after_bytes":2}]})",
         "$.faults[0].after_bytes"},
        // Workload generators.
        // A daemon latency range.
        {R"({"version":1,"bmc":{"daemon":{"latency_ms":{"min":5,"max":1}}}})",
         "$.bmc.daemon.latency_ms.max"},
        {R"({"version":1,"bmc":{"daemon":{"latency_ms":{"min":1,"mean":3}}}})",
         "$.bmc.daemon.latency_ms.mean"},
        {R"({"version":1,"workload":{"generators":[{"interval_ms":1}]}})",
         "$.workload.generators[0].count"},
        {R"({"version":1,"workload":{"generators":[{"count":2}]}})", "$.workload.generators[0]"},
        {R"({"version":1,"workload":{"generators":[{"count":2,"interval_ms":1,
             "mean_interval_ms":1}]}})",
         "$.workload.generators[0]"},
        {R"({"version":1,"workload":{"generators":[{"count":2,"interval_ms":1,
             "response_size":{"min":50,"max":10}}]}})",
         "$.workload.generators[0].response_size.max"},
        {R"({"version":1,"workload":{"generators":[{"count":2,"interval_ms":1,
             "request_size":300}]}})",
         "$.workload.generators[0].request_size"},
        {R"({"version":1,"bmc":{"responder":{"test_command":{"length":10}}},
             "workload":{"generators":[{"count":2,"interval_ms":1}]}})",
         "$.bmc.responder.test_command.length"},
        {R"({"version":1,"workload":{"until_ms":-5}})", "$.workload.until_ms"},
        // zPCI.
        {R"({"version":1,"zpci":{"variant":"v2"}})", "$.zpci.variant"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1,"boot":"no"}]}})",
         "$.zpci.functions[0].boot"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "actions":[{"kind":"hot_plug","fid":2}]}})",
         "$.zpci.actions[0].fid"},
        {R"({"version":1,"host":{"irq":"zpci","irq_fid":1},
             "zpci":{"functions":[{"fid":1,"boot":false}]}})",
         "$.host.irq_fid"},
        {R"({"version":1,"zpci":{"cpus":0}})", "$.zpci.cpus"},
        {R"({"version":1,"zpci":{"cpus":2,"setup_cpu":2}})", "$.zpci.setup_cpu"},
        {R"({"version":1,"zpci":{"cpus":2,"cpu_addresses":[0]}})", "$.zpci.cpu_addresses"},
        {R"({"version":1,"zpci":{"cpus":2,"cpu_addresses":[3,3]}})", "$.zpci.cpu_addresses[1]"},
        {R"({"version":1,"zpci":{"cpus":2,"cpu_addresses":[0,-1]}})", "$.zpci.cpu_addresses[1]"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1,"nvec":3,"type":"msi"}]}})",
         "$.zpci.functions[0].nvec"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1},{"fid":1,"devfn":2}]}})",
         "$.zpci.functions[1].fid"},
        {R"({"version":1,"zpci":{"cpus":2,"functions":[{"fid":1,"nvec":2,"affinity":[0,5]}]}})",
         "$.zpci.functions[0].affinity[1]"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1,"devfn":250,"count":10}]}})",
         "$.zpci.functions[0].count"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],"msis":[{"fid":2}]}})",
         "$.zpci.msis[0].fid"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1,"nvec":2}],"msis":[{"fid":1,"index":2}]}})",
         "$.zpci.msis[0].index"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"pattern":"poisson","interval_ns":5}]}})",
         "$.zpci.msis[0].interval_ns"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],"msis":[{"fid":1,"fault":"late"}]}})",
         "$.zpci.msis[0].fault"},
        {R"({"version":1,"zpci":{"actions":[{"at_ns":5}]}})", "$.zpci.actions[0].kind"},
        {R"({"version":1,"zpci":{"cpus":2,"actions":[{"kind":"cpu_offline","cpu":9}]}})",
         "$.zpci.actions[0].cpu"},
        {R"({"version":1,"host":{"irq":"zpci"}})", "$.host.irq_fid"},
        {R"({"version":1,"host":{"irq":"zpci","irq_fid":3}})", "$.host.irq_fid"},
        {R"({"version":1,"host":{"irq":"zpci","irq_fid":3},"zpci":{"functions":[{"fid":1}]}})",
         "$.host.irq_fid"},
        {R"({"version":1,"expect":{"zpci":{}}})", "$.expect.zpci"},
        {R"({"version":1,"zpci":{},"expect":{"zpci":{"violations":{"late":1}}}})",
         "$.expect.zpci.violations.late"},
        // Faults.
        {R"({"version":1,"faults":{}})", "$.faults"},
        {R"({"version":1,"faults":[{"request":1}]})", "$.faults[0].type"},
        {R"({"version":1,"faults":[{"type":"gremlin"}]})", "$.faults[0].type"},
        {R"({"version":1,"faults":[{"type":"nak","latency_ms":5}]})", "$.faults[0].latency_ms"},
        {R"({"version":1,"faults":[{"type":"nak","op":"read","byte":3}]})", "$.faults[0].byte"},
        {R"({"version":1,"faults":[{"type":"nak","op":"sideways"}]})", "$.faults[0].op"},
        {R"({"version":1,"faults":[{"type":"corrupt_pec"}]})", "$.faults[0].direction"},
        {R"({"version":1,"faults":[{"type":"skip_block","command":"0x03"}]})",
         "$.faults[0].command"},
        {R"({"version":1,"faults":[{"type":"daemon_slow","read":1}]})", "$.faults[0].latency_ms"},
        {R"({"version":1,"faults":[{"type":"daemon_malformed"}]})", "$.faults[0]"},
        {R"({"version":1,"faults":[{"type":"host_power_off","after_bytes":99}]})",
         "$.faults[0].after_bytes"},
        {R"({"version":1,"faults":[{"type":"lost_stop","request":2}]})", "$.faults[0].request"},
        {R"({"version":1,"faults":[{"type":"daemon_silent","read":0}]})", "$.faults[0].read"},
        {R"({"version":1,"faults":[{"type":"daemon_silent","request":1,"read":1}]})",
         "$.faults[0].read"},
        {R"({"version":1,"faults":[{"type":"daemon_slow","request":0,"latency_ms":5}]})",
         "$.faults[0].request"},
        // Expectations.
        {R"({"version":1,"expect":{"spec":{"T7max":"fail"}}})", "$.expect.spec.T7max"},
        {R"({"version":1,"expect":{"spec":{"T6max":"maybe"}}})", "$.expect.spec.T6max"},
        {R"({"version":1,"expect":{"requests":[{"error":""}]}})", "$.expect.requests[0].id"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
             "expect":{"requests":[{"id":2}]}})",
         "$.expect.requests[0].id"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
             "expect":{"requests":[{"id":1,"error":"oops"}]}})",
         "$.expect.requests[0].error"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
             "expect":{"requests":[{"id":1,"response":[300]}]}})",
         "$.expect.requests[0].response[0]"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
             "expect":{"requests":[{"id":1},{"id":1,"parts_read":2}]}})",
         "$.expect.requests[1].id"},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
             "expect":{"requests":[{"id":1,"colour":"red"}]}})",
         "$.expect.requests[0].colour"},
        {R"({"version":1,"expect":{"bmc":{"final_state":"IDLE"}}})", "$.expect.bmc.final_state"},
        {R"({"version":1,"expect":{"counts":{"bmc.sneeze":1}}})", "$.expect.counts.bmc.sneeze"},
        {R"({"version":1,"expect":{"counts":{"bmc.warn":-1}}})", "$.expect.counts.bmc.warn"},
        {R"({"version":1,"expect":{"counts_from":"probe"}})", "$.expect.counts_from"},
    };
    for (const Case& c : cases) {
        INFO("scenario text: " << c.text);
        const CommandResult r = validate_text("bad.json", c.text);
        CHECK(r.exit_code == 2);
        // "FILE: PATH: what", the path once (not "$: $.host.irq_fid: ...").
        CHECK(r.out.find("bad.json: " + std::string(c.path) + ":") != std::string::npos);
    }
}

TEST_CASE("an unknown key lists every key accepted there, the optional ones too", "[cli][input]") {
    // A script rule reads completion_code and data only when it gives an answer; a misspelt
    // one must still be told they exist.
    const CommandResult r =
        validate_text("bad.json", R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]},
            "bmc":{"script":[{"netfn":6,"cmd":1,"complition_code":"0xc1"}]}})");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("$.bmc.script[0].complition_code:") != std::string::npos);
    CHECK(r.out.find("completion_code") != std::string::npos);
    CHECK(r.out.find("data") != std::string::npos);
}

TEST_CASE("unreadable scenarios: missing file, directory, binary", "[cli][input]") {
    const std::string dir = make_temp_dir("unreadable");
    CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/nope.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("nope.json: cannot open") != std::string::npos);
    r = run_command(ssifsim_binary() + " run " + dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("directory") != std::string::npos);
    r = validate_text("binary.json", std::string("\x00\x01\xff\xfe", 4));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("not valid JSON") != std::string::npos);
    r = validate_text("blank.json", " \n\t\n");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("blank.json: $: the file is empty") != std::string::npos);
    // Deep nesting is refused before anything recursive can overflow the stack.
    r = validate_text("deep.json", std::string(100000, '[') + std::string(100000, ']'));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("deep.json: $: nested deeper than 64 levels") != std::string::npos);
    r = validate_text("deep_bus.json", "{\"version\":1,\"bus\":" + std::string(5000, '[') +
                                           std::string(5000, ']') + "}");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("nested deeper than 64 levels") != std::string::npos);
}

namespace {
// Whether a path exists (an output that must not have been created).
bool exists(const std::string& path) {
    return run_command("test -e '" + path + "'").exit_code == 0;
}
} // namespace

TEST_CASE("every error of the JSON parser is bad input: exit 2 with the file, the JSON path and "
          "the place",
          "[cli][input]") {
    struct Case {
        std::string text;
        std::string message; // what the output must contain after "bad.json: "
    } cases[] = {
        // A number outside double's range (the library throws out_of_range 406).
        {R"({"version":1,"bus":{"freq_hz":1e400}})",
         "$.bus.freq_hz: not valid JSON: number overflow parsing '1e400' (at line 1, column 36)"},
        {"{\"version\":1,\n\"seed\":-1e999}",
         "$.seed: not valid JSON: number overflow parsing '-1e999' (at line 2, column 14)"},
        // Duplicate keys: the later value must not silently win.
        {R"({"version":1,"bmc":{"daemon":{"latency_ms":-5,"latency_ms":20}}})",
         "$.bmc.daemon.latency_ms: duplicate key \"latency_ms\""},
        {R"({"version":1,"version":1})", "$.version: duplicate key \"version\""},
        {R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1},{"cmd":1,"cmd":2}]}})",
         "$.workload.requests[1].cmd: duplicate key \"cmd\""},
        // A syntax error names the path it was in and the line and column.
        {"{\"version\":1,\n \"bus\":{\"freq_hz\":100000,}}",
         "$.bus.freq_hz: not valid JSON: parse error at line 2, column 26"},
        // A string that is not UTF-8.
        {"{\"version\":1,\"description\":\"caf\xc3\"}",
         "$.description: not valid JSON: parse error at line 1, column 33: syntax error while "
         "parsing value - invalid string: ill-formed UTF-8 byte"},
    };
    for (const Case& c : cases) {
        INFO("scenario text: " << c.text);
        const CommandResult r = validate_text("bad.json", c.text);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("bad.json: " + c.message) != std::string::npos);
        CHECK(ssifsim::tools::is_valid_utf8(r.out));
    }
}

TEST_CASE("error messages never cut a UTF-8 character in half nor pass on bytes that are not "
          "UTF-8",
          "[cli][input]") {
    // A long string value is shortened in the message: at a character boundary.
    std::string value;
    for (int i = 0; i < 30; ++i)
        value += "\xc3\xa9"; // é, two bytes: byte 37 falls inside one
    CommandResult r =
        validate_text("bad.json", "{\"version\":1,\"bus\":{\"freq_hz\":\"" + value + "\"}}");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("$.bus.freq_hz: expected an integer") != std::string::npos);
    CHECK(r.out.find("...") != std::string::npos);
    CHECK(ssifsim::tools::is_valid_utf8(r.out));
    // The parser's own message quotes the bad byte: it is printed escaped.
    r = validate_text("bad.json", "{\"version\":1,\"description\":\"\xff\"}");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("ill-formed UTF-8 byte; last read: '\"\\xff'") != std::string::npos);
    CHECK(ssifsim::tools::is_valid_utf8(r.out));
    // The helpers themselves.
    using ssifsim::tools::cut_utf8;
    using ssifsim::tools::printable;
    CHECK(cut_utf8("a\xc3\xa9", 2) == "a");
    CHECK(cut_utf8("a\xe2\x82\xac"
                   "b",
                   3) == "a");
    CHECK(cut_utf8("a\xe2\x82\xac"
                   "b",
                   4) == "a\xe2\x82\xac");
    CHECK(printable("ok \xe2\x82\xac \xff\x01") == "ok \xe2\x82\xac \\xff\\x01");
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate is not UTF-8
}

TEST_CASE("files that are not scenarios are refused before they are read: devices, FIFOs, "
          "directories, over 16 MiB, names that are not UTF-8",
          "[cli][input]") {
    const std::string dir = make_temp_dir("nonregular");
    // /dev/zero would be read forever; a FIFO would block waiting for a writer.
    CommandResult r = run_command("timeout 20 " + ssifsim_binary() + " validate /dev/zero");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("/dev/zero: cannot read: not a regular file") != std::string::npos);
    REQUIRE(run_command("mkfifo " + dir + "/fifo.json").exit_code == 0);
    r = run_command("timeout 20 " + ssifsim_binary() + " run " + dir + "/fifo.json --report " +
                    dir + "/r.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("fifo.json: cannot read: not a regular file") != std::string::npos);
    CHECK_FALSE(exists(dir + "/r.json"));
    r = run_command(ssifsim_binary() + " validate " + dir);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("it is a directory") != std::string::npos);
    // One byte over the limit (a sparse file: the size is refused before anything is read).
    REQUIRE(run_command("truncate -s 16777217 " + dir + "/huge.json").exit_code == 0);
    r = run_command(ssifsim_binary() + " validate " + dir + "/huge.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("huge.json: cannot read: 16777217 bytes, over the limit of 16777216 bytes") !=
          std::string::npos);
    // A file name that is not UTF-8 would end up in the report and the JUnit file: refused
    // up front, the name printed escaped, no output created.
    const std::string bad_name = dir + "/s\xff.json";
    write_file(bad_name, R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}]}})");
    r = run_command(ssifsim_binary() + " run '" + bad_name + "' --report " + dir +
                    "/r.json --junit " + dir + "/j.xml --log " + dir + "/l.jsonl");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("s\\xff.json: the file name is not valid UTF-8") != std::string::npos);
    CHECK(ssifsim::tools::is_valid_utf8(r.out));
    CHECK_FALSE(exists(dir + "/r.json"));
    CHECK_FALSE(exists(dir + "/j.xml"));
    CHECK_FALSE(exists(dir + "/l.jsonl"));
}

TEST_CASE("run --until, run --seed and sweep --seed are range-checked: exit 2, nothing written",
          "[cli][input]") {
    const std::string dir = make_temp_dir("ranges");
    const std::string run = ssifsim_binary() + " run " + source_dir() +
                            "/scenarios/quickstart.json --log " + dir + "/l.jsonl --report " + dir +
                            "/r.json ";
    struct Case {
        const char* args;
        const char* message;
    } cases[] = {
        // 10^20 s would round to 0 ns; 10^9 s wraps SystemC's 64-bit count of picoseconds.
        {"--until 99999999999999999999s", "--until: '99999999999999999999s' is not a duration "
                                          "of at most 200 days (17280000 s) of simulated time"},
        {"--until 1000000000s", "--until: '1000000000s' is not a duration of at most 200 days"},
        {"--until 17280000.001s", "is not a duration of at most 200 days"},
        // Not taken for no --until: every option refuses an empty value.
        {"--until ''", "the option '--until' needs a value, not an empty one"},
        {"--report ''", "the option '--report' needs a value, not an empty one"},
        {"--seed -1", "--seed: '-1' is not a seed (accepted: 0..9223372036854775807)"},
        {"--seed 9223372036854775808", "--seed: '9223372036854775808' is not a seed"},
        {"--seed 18446744073709551616", "is not a seed"},
        {"--seed 1x", "--seed: '1x' is not a seed"},
    };
    for (const Case& c : cases) {
        INFO(c.args);
        const CommandResult r = run_command(run + c.args);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(c.message) != std::string::npos);
        CHECK_FALSE(exists(dir + "/l.jsonl"));
        CHECK_FALSE(exists(dir + "/r.json"));
    }
    // The largest seed is accepted, and its printed configuration validates again.
    const CommandResult cfg = run_command_stdout(run + "--seed 9223372036854775807 --print-config");
    REQUIRE(cfg.exit_code == 0);
    CHECK(json::parse(cfg.out)["seed"] == 9223372036854775807ULL);
    write_file(dir + "/cfg.json", cfg.out);
    CHECK(run_command(ssifsim_binary() + " validate " + dir + "/cfg.json").exit_code == 0);
    // The sweep's seeds must all be seeds a scenario accepts.
    const std::string sweep = ssifsim_binary() + " sweep " + source_dir() +
                              "/scenarios/quickstart.json --out " + dir + "/sweep ";
    CommandResult r = run_command(sweep + "--seed 9223372036854775807 --count 2");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--seed: 9223372036854775807 + --count 2 passes the largest seed") !=
          std::string::npos);
    r = run_command(sweep + "--seed -5");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("--seed: '-5' is not a seed") != std::string::npos);
    CHECK_FALSE(exists(dir + "/sweep"));
}

TEST_CASE("times and totals that would wrap in the run are refused at validation", "[cli][input]") {
    struct Case {
        const char* text;
        const char* message;
    } cases[] = {
        // 6000 requests an hour apart: the last at 6000 h, past the time base.
        {R"({"version":1,"workload":{"generators":[{"count":6000,"interval_ms":3600000}]}})",
         "$.workload.generators[0].interval_ms: the generator's requests would reach past 200 "
         "days"},
        // Random gaps: bounded by 37 times their mean.
        {R"({"version":1,"workload":{"generators":[{"count":200000,"mean_interval_ms":3000}]}})",
         "$.workload.generators[0].mean_interval_ms: the generator's requests would reach past "
         "200 days (17280000 s) of simulated time (its random gaps can be up to 37 times"},
        // 101 generators of 10^7 requests: more ids than the limit.
        {nullptr, "$.workload.generators[100].count: the workload would have 1010000000 "
                  "requests, over the limit of 1000000000"},
        // zPCI MSIs past the time base, periodic and random.
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"count":6000,"interval_ns":3600000000000}]}})",
         "$.zpci.msis[0].count: the MSIs would reach past 200 days"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"pattern":"poisson","count":100000000,"mean_interval_ns":5000000}]}})",
         "$.zpci.msis[0].count: the MSIs would reach past 200 days"},
        // A burst whose length (count x interval) wraps 64 bits, with period_ns 1.
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"pattern":"burst","count":100000000,"interval_ns":3600000000000,
                      "bursts":2,"period_ns":1}]}})",
         "$.zpci.msis[0].count: the MSIs would reach past 200 days"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"pattern":"burst","count":10,"interval_ns":10,
                      "bursts":2,"period_ns":99}]}})",
         "$.zpci.msis[0].period_ns: shorter than one burst (100 ns)"},
        {R"({"version":1,"zpci":{"functions":[{"fid":1}],
             "msis":[{"fid":1,"pattern":"burst","count":1000,"interval_ns":1000000,
                      "bursts":1000000,"period_ns":3600000000000}]}})",
         "$.zpci.msis[0].count: the MSIs would reach past 200 days"},
    };
    std::string many = R"({"version":1,"workload":{"generators":[)";
    for (int i = 0; i < 101; ++i)
        many += std::string(i ? "," : "") + R"({"count":10000000,"interval_ms":1})";
    many += "]}}";
    for (const Case& c : cases) {
        const std::string text = c.text ? c.text : many;
        INFO("scenario text: " << text.substr(0, 300));
        const CommandResult r = validate_text("bad.json", text);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(std::string("bad.json: ") + c.message) != std::string::npos);
    }
    // Just inside: 1000 requests an hour apart end at 999 h; 10^7 MSIs 1 ms apart at 10^4 s.
    CHECK(validate_text("ok.json", R"({"version":1,"workload":{"generators":[
              {"count":1000,"interval_ms":3600000}]}})")
              .exit_code == 0);
}

TEST_CASE("print-config shows every default, validate accepts the quickstart", "[cli]") {
    const std::string quickstart = source_dir() + "/scenarios/quickstart.json";
    const CommandResult cfg =
        run_command_stdout(ssifsim_binary() + " run --print-config " + quickstart);
    REQUIRE(cfg.exit_code == 0);
    const json j = json::parse(cfg.out);
    CHECK(j["bmc"]["response_timeout_ms"] == 500.0);
    CHECK(j["bmc"]["daemon"]["latency_ms"] == 20.0);
    CHECK(j["host"]["hz"] == 1000);
    const CommandResult ok = run_command(ssifsim_binary() + " validate " + quickstart);
    CHECK(ok.exit_code == 0);
    CHECK(run_command(ssifsim_binary() + " --help").exit_code == 0);
    CHECK(run_command(ssifsim_binary() + " run --help").exit_code == 0);
    CHECK(run_command(ssifsim_binary() + " frobnicate").exit_code == 2);
}

TEST_CASE("sweep: a failing seed is kept as a scenario that reproduces the failure",
          "[cli][sweep]") {
    const std::string dir = make_temp_dir("sweep");
    // A daemon that never answers: the clean request after the faults cannot be answered,
    // so every seed breaks the invariant.
    write_file(dir + "/silent.json", R"({"version":1,"bmc":{"daemon":{"silent":true}},
        "workload":{"requests":[{"at_ms":0,"netfn":6,"cmd":1}]}})");
    const std::string sweep =
        ssifsim_binary() + " sweep " + dir + "/silent.json --count 2 --seed 7";
    const CommandResult r = run_command(sweep + " --out " + dir + "/a");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("seed 7: an invariant failed: request 2 completion_code") !=
          std::string::npos);
    CHECK(r.out.find("2 seed(s) from 7, 2 failure(s)") != std::string::npos);
    // No progress bar when stdout is not a terminal.
    CHECK(r.out.find('\r') == std::string::npos);
    const CommandResult again = run_command(ssifsim_binary() + " run " + dir + "/a/sweep-7.json");
    CHECK(again.exit_code == 1);
    CHECK(again.out.find("completion code is 0xff, expected 0x00") != std::string::npos);
    // The same seed makes the same file.
    run_command(sweep + " --out " + dir + "/b");
    CHECK(read_file(dir + "/a/sweep-7.json") == read_file(dir + "/b/sweep-7.json"));
    CHECK(read_file(dir + "/a/sweep-8.json") != read_file(dir + "/a/sweep-7.json"));
}

// On a terminal the bar is a StatusLine (tools/status_line.h): each redraw is '\r', the
// text cut to one column short of the terminal's width (a line that wrapped would leave a
// row behind at each redraw), and the bar is blanked before a failure's lines and at the end.
TEST_CASE("sweep: on a narrow terminal the progress bar fits, and is gone at the end",
          "[cli][sweep]") {
    const std::string dir = make_temp_dir("sweep-tty");
    write_file(dir + "/silent.json", R"({"version":1,"bmc":{"daemon":{"silent":true}},
        "workload":{"requests":[{"at_ms":0,"netfn":6,"cmd":1}]}})");
    const CommandResult r = run_command(
        "script -qec 'stty cols 40; " + ssifsim_binary() + " sweep " + dir +
        "/silent.json --count 3 --seed 100 --no-shrink --out " + dir + "/out' /dev/null");
    INFO(r.out);
    // "  1/3 seeds, 1 failure(s) [##########" ... "]" is 57 characters: cut to 39, the
    // counts first. The seeds' own runs share the terminal: a sanitizer build's warning
    // ("==PID==...") follows a redraw on its row, and is not judged.
    CHECK(r.out.find("\r  1/3 seeds, 1 failure(s) [##########") != std::string::npos);
    for (size_t at = r.out.find('\r'); at != std::string::npos; at = r.out.find('\r', at + 1)) {
        const size_t end = r.out.find_first_of("\r\n", at + 1);
        std::string drawn = r.out.substr(at + 1, end - at - 1);
        drawn = drawn.substr(0, drawn.find("=="));
        if (drawn.find(" seeds, ") != std::string::npos)
            CHECK(drawn.size() <= 39);
    }
    // Blanked before a failure's first line (seed 100's comes before any bar), and before the
    // summary.
    CHECK(r.out.find("\r                                       \rseed 101: ") != std::string::npos);
    CHECK(r.out.find("\r                                       \rsweep of ") != std::string::npos);
}

TEST_CASE("sweep: a template that keeps its invariants leaves nothing behind", "[cli][sweep]") {
    const std::string dir = make_temp_dir("sweep-clean");
    const CommandResult r =
        run_command(ssifsim_binary() + " sweep " + source_dir() +
                    "/scenarios/quickstart.json --count 20 --seed 100 --out " + dir + "/out");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("20 seed(s) from 100, 0 failure(s)") != std::string::npos);
    CHECK(run_command("test -e " + dir + "/out").exit_code != 0);
    // A template with generators is refused: its request ids would shift.
    write_file(dir + "/gen.json", R"({"version":1,"workload":{"generators":[
        {"count":2,"interval_ms":5}]}})");
    const CommandResult bad = run_command(ssifsim_binary() + " sweep " + dir + "/gen.json");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("$.workload.generators") != std::string::npos);
}

TEST_CASE("sweep: the random draw reaches every fault the sweep knows, zPCI ones with a zpci "
          "section, and a failing variation is a valid scenario",
          "[cli][sweep]") {
    using namespace ssifsim::tools;
    const std::string dir = make_temp_dir("sweep-draw");
    // The zPCI template: the host's controller (fid 32) and one more function to aim at.
    json t = json::parse(read_file(source_dir() + "/scenarios/host-irq-zpci.json"));
    t["zpci"]["functions"].push_back({{"fid", 1}, {"devfn", 5}, {"nvec", 4}});
    t["zpci"]["variant"] = "fixed";
    write_file(dir + "/t.json", t.dump());
    const Scenario tmpl = load_scenario(dir + "/t.json");
    std::set<std::string> kinds;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
        const ojson v = make_variation(tmpl, "t.json", seed);
        for (const ojson& f : v["faults"])
            kinds.insert(fault_kind(f));
        for (const ojson& m : v["zpci"]["msis"])
            if (m.contains("fault"))
                kinds.insert("msi " + m["fault"].get<std::string>());
        bool offline = false;
        for (const ojson& a : v["zpci"]["actions"]) {
            kinds.insert(a["kind"].get<std::string>());
            offline = offline || a["kind"] == "cpu_offline" || a["kind"] == "hot_unplug";
        }
        // The fixed code accounts for every MSI, but for an offline CPU's dropped fallback
        // IPI (-ENXIO from smp_call_function_single_async) and a floating scan of an
        // unplugged function's released vector (every version).
        CHECK(v["expect"]["spec"]["interrupts_accounted"] == (offline ? "any" : "pass"));
        if (seed == 1) { // a variation is a scenario that loads as it is
            write_file(dir + "/v.json", v.dump());
            CHECK_NOTHROW(load_scenario(dir + "/v.json"));
        }
    }
    for (const char* k : {"nak",
                          "corrupt_pec",
                          "lost_stop",
                          "host_power_off",
                          "skip_block",
                          "clock_stretch",
                          "held_low/scl",
                          "held_low/sda",
                          "daemon_slow",
                          "daemon_silent",
                          "daemon_malformed",
                          "foreign_master",
                          "msi lost",
                          "msi duplicated",
                          "cpu_offline",
                          "cpu_online",
                          "hot_unplug",
                          "nak@foreign",
                          "lost_stop@foreign",
                          "clock_stretch@foreign",
                          "held_low/sda@foreign",
                          "held_low/scl@foreign"}) {
        INFO(k);
        CHECK(kinds.count(k) == 1);
    }
}

TEST_CASE("sweep: an alerting template also gets faults aimed at the host's ARA read and at "
          "the foreign master, and every such variation loads",
          "[cli][sweep]") {
    using namespace ssifsim::tools;
    const std::string dir = make_temp_dir("sweep-ara");
    const std::string file = source_dir() + "/scenarios/fault-alert-response.json";
    const Scenario tmpl = load_scenario(file);
    REQUIRE(scenario_to_json(tmpl)["bmc"]["smbus_alert"] == true);
    std::set<std::string> kinds;
    int loaded = 0;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
        const ojson v = make_variation(tmpl, file, seed);
        bool other_master = false;
        for (const ojson& f : v["faults"]) {
            kinds.insert(fault_kind(f));
            other_master = other_master || f.contains("master");
        }
        if (!other_master)
            continue;
        // The loader's checks of what each master's transfers take (read_transfer_aim) hold
        // for every draw.
        INFO("seed " << seed << ": " << v["faults"].dump());
        write_file(dir + "/v.json", v.dump());
        CHECK_NOTHROW(load_scenario(dir + "/v.json"));
        ++loaded;
    }
    CHECK(loaded > 50);
    for (const char* k :
         {"nak@alert_response", "lost_stop@alert_response", "clock_stretch@alert_response",
          "held_low/sda@alert_response", "held_low/scl@alert_response", "nak@foreign"}) {
        INFO(k);
        CHECK(kinds.count(k) == 1);
    }
}

TEST_CASE("a full disk: exit 3 naming the file, no PASS, no report or JUnit claiming a result",
          "[cli][output]") {
    const std::string dir = make_temp_dir("full");
    const std::string run =
        ssifsim_binary() + " run " + source_dir() + "/scenarios/quickstart.json ";
    // The log cannot be written: the report and JUnit, written after it, are not either;
    // a report left from an earlier run stays as it was (it is replaced atomically).
    write_file(dir + "/r.json", "earlier");
    CommandResult r =
        run_command(run + "--log /dev/full --report " + dir + "/r.json --junit " + dir + "/j.xml");
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("/dev/full: cannot write: No space left on device") != std::string::npos);
    CHECK(r.out.find("PASS") == std::string::npos);
    CHECK(read_file(dir + "/r.json") == "earlier");
    CHECK_FALSE(exists(dir + "/j.xml"));
    // Nothing else is left behind: no temporary file.
    CHECK(run_command("ls -A " + dir).out == "r.json\n");
    // The report cannot be written: exit 3, no JUnit file; the log, written first, is whole.
    r = run_command(run + "--log " + dir + "/l.jsonl --report /dev/full --junit " + dir + "/j.xml");
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("/dev/full: cannot write") != std::string::npos);
    CHECK(r.out.find("PASS") == std::string::npos);
    CHECK_FALSE(exists(dir + "/j.xml"));
    const std::string log = read_file(dir + "/l.jsonl");
    REQUIRE_FALSE(log.empty());
    CHECK(log.back() == '\n');
    // The JUnit file cannot be written.
    r = run_command(run + "--report " + dir + "/r2.json --junit /dev/full");
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("/dev/full: cannot write") != std::string::npos);
    CHECK(r.out.find("PASS") == std::string::npos);
    CHECK(json::parse(read_file(dir + "/r2.json"))["passed"] == true);
}

TEST_CASE("an output that cannot be opened changes no other output", "[cli][output]") {
    const std::string dir = make_temp_dir("noopen");
    write_file(dir + "/l.jsonl", "earlier log\n");
    write_file(dir + "/w.vcd", "earlier vcd\n");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/quickstart.json --log " + dir + "/l.jsonl --vcd " + dir +
                    "/w.vcd --junit " + dir + "/j.xml --report " + dir + "/missing/r.json");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("missing/r.json: cannot open for writing") != std::string::npos);
    CHECK(read_file(dir + "/l.jsonl") == "earlier log\n");
    CHECK(read_file(dir + "/w.vcd") == "earlier vcd\n");
    // What this run created to check that it could (the .tl.vcd) is removed again.
    CHECK(run_command("ls -A " + dir).out == "l.jsonl\nw.vcd\n");
}

// One CPU, an MSI every 1000 ns from 0 to 99 us, entry 2000 ns and 500 ns a bit: cut at
// 50.5 us, the CPU is in its handler or has its next interrupt pending, so the MSIs pending
// are in flight, not undelivered (no violation, the run passes); run to its end, every one is
// delivered or merged and none is in flight (the summary and the report have no in_flight).
TEST_CASE("run --until in an MSI stream: the MSIs an interrupt would still reach are in flight, "
          "not judged",
          "[cli][zpci]") {
    const std::string dir = make_temp_dir("zpci-cut");
    write_file(dir + "/s.json", R"({"version": 1,
        "zpci": {"cpus": 1,
                 "functions": [{"fid": 1, "devfn": 1, "max_msi": 8, "nvec": 4}],
                 "msis": [{"fid": 1, "index": "random", "pattern": "periodic", "at_ns": 0,
                           "interval_ns": 1000, "count": 100}]}})");
    const auto run = [&](const std::string& until) {
        return run_command(ssifsim_binary() + " run " + dir + "/s.json --log " + dir +
                           "/l.jsonl --report " + dir + "/r.json" + until);
    };
    CommandResult r = run(" --until 50500ns");
    CHECK(r.exit_code == 0);
    json msis = json::parse(read_file(dir + "/r.json"))["zpci"]["msis"];
    // 0, 1000, ..., 50000 ns: 51 raised before the cut.
    CHECK(msis["raised"] == 51);
    CHECK(msis["undelivered"] == 0);
    REQUIRE(msis.contains("in_flight"));
    CHECK(msis["in_flight"].get<uint64_t>() > 0);
    CHECK(msis["raised"] == msis["delivered"].get<uint64_t>() + msis["merged"].get<uint64_t>() +
                                msis["in_flight"].get<uint64_t>());
    const json summary = log_lines(read_file(dir + "/l.jsonl")).back();
    CHECK(summary["ev"] == "summary");
    CHECK(summary["in_flight"] == msis["in_flight"]);
    CHECK(r.out.find(msis["in_flight"].dump() + " in flight (the run ended first)") !=
          std::string::npos);
    CHECK(r.out.find(msis["in_flight"].dump() +
                     " MSI(s) still in flight when the run ended at 0.050500 ms (an interrupt "
                     "that would reach them pending or in progress): not judged") !=
          std::string::npos);

    r = run("");
    CHECK(r.exit_code == 0);
    msis = json::parse(read_file(dir + "/r.json"))["zpci"]["msis"];
    CHECK(msis["raised"] == 100);
    CHECK(msis["raised"] == msis["delivered"].get<uint64_t>() + msis["merged"].get<uint64_t>());
    CHECK_FALSE(msis.contains("in_flight"));
    CHECK_FALSE(log_lines(read_file(dir + "/l.jsonl")).back().contains("in_flight"));

    // Directed, two CPUs: CPU 1 goes offline at 5 us for good, so its MSI at 10 us takes the
    // fallback and the IPI to it is dropped; one more MSI to CPU 0 comes at 1 ms. Cut at
    // 500 us, the MSI of index 1 has nothing on its way to it: undelivered, a violation,
    // though the run was cut with an MSI still to come.
    write_file(dir + "/s.json", R"({"version": 1,
        "zpci": {"delivery": "directed", "cpus": 2,
                 "functions": [{"fid": 7, "devfn": 0, "max_msi": 8, "nvec": 2,
                                "affinity": [0, 1]}],
                 "msis": [{"fid": 7, "index": 1, "at_ns": 10000},
                          {"fid": 7, "index": 0, "at_ns": 1000000}],
                 "actions": [{"at_ns": 5000, "kind": "cpu_offline", "cpu": 1}]}})");
    r = run(" --until 500us");
    CHECK(r.exit_code == 1);
    msis = json::parse(read_file(dir + "/r.json"))["zpci"]["msis"];
    CHECK(msis["raised"] == 1);
    CHECK(msis["undelivered"] == 1);
    CHECK_FALSE(msis.contains("in_flight"));
    CHECK(r.out.find("violation undelivered at 500000 ns: 1 MSI(s) of fid 7 index 1") !=
          std::string::npos);
}

// host-irq-zpci's host sleeps after each transfer until its MSI's handler has run: 4 us
// entry + 1 us handler after the MSI (the scenario's description). A run cut at the third
// MSI's time (from the golden log; the cut comes before that moment's MSI is raised), or
// 1 us after it (the MSI raised, CPU 1 in its entry: in flight), ends with the driver asleep:
// the warning says so with the time it slept, 0 and 1000 ns; the run passes.
TEST_CASE("run --until just after a transfer's MSI: the sleeping driver's warning says how "
          "long it slept",
          "[cli][irq]") {
    std::vector<uint64_t> msis;
    for (const json& e : log_lines(read_file(source_dir() + "/traces/host-irq-zpci.jsonl")))
        if (e["src"] == "zpci" && e["ev"] == "msi")
            msis.push_back(e["t_ns"].get<uint64_t>());
    REQUIRE(msis.size() >= 3);
    for (uint64_t slept : {0, 1000}) {
        const uint64_t until = msis[2] + slept;
        INFO(until);
        const CommandResult r =
            run_command(ssifsim_binary() + " run " + source_dir() +
                        "/scenarios/host-irq-zpci.json --until " + std::to_string(until) + "ns");
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("the driver is still asleep on its transfer interrupt, raised at " +
                         std::to_string(msis[2]) + " ns, " + std::to_string(slept) +
                         " ns before the simulation ended: irq_handled did not rise in that "
                         "time (its handler had not completed)") != std::string::npos);
        CHECK(r.out.find("1 request(s) still in flight") != std::string::npos);
    }
}

// A run that logs nothing for long (a zPCI storm logging a summary: 200 million MSIs over
// 100 s simulated, about a minute of wall time) still stops soon after SIGINT: the models'
// next wait pauses it (pause_requested), where the runner's sink would wait for an event.
TEST_CASE("SIGINT stops a run that logs nothing for long", "[cli][signal]") {
    const std::string dir = make_temp_dir("signal-quiet");
    write_file(dir + "/storm.json", R"({"version": 1,
        "zpci": {"cpus": 1, "log": "summary",
                 "functions": [{"fid": 1, "devfn": 1, "max_msi": 8, "nvec": 1}],
                 "msis": [{"fid": 1, "index": 0, "pattern": "periodic", "at_ns": 0,
                           "interval_ns": 1000, "count": 100000000},
                          {"fid": 1, "index": 0, "pattern": "periodic", "at_ns": 500,
                           "interval_ns": 1000, "count": 100000000}]}})");
    // At most 20 s after the signal, then SIGKILL (exit 137): the run would take a minute.
    const CommandResult r = run_command(
        ssifsim_binary() + " run " + dir + "/storm.json --report " + dir + "/r.json > " + dir +
        "/stdout & pid=$!; sleep 1; kill -INT $pid; for i in $(seq 200); do kill -0 $pid "
        "2>/dev/null || break; sleep 0.1; done; kill -KILL $pid 2>/dev/null; wait $pid; "
        "echo \"exit $?\"");
    CHECK(r.out == "exit 130\n");
    const json report = json::parse(read_file(dir + "/r.json"));
    CHECK(report["interrupted"] == "SIGINT");
    CHECK(report["sim_end_ns"].get<uint64_t>() < 100'000'000'000ull);
}

TEST_CASE("SIGINT, SIGTERM, SIGHUP stop the run at the current time: whole log lines, closed "
          "VCD, report and JUnit marked interrupted, exit 128 + signal",
          "[cli][output][signal]") {
    const std::string dir = make_temp_dir("signal");
    // Ten million requests a millisecond apart: hours of wall time, interrupted after the
    // log has started.
    write_file(dir + "/long.json", R"({"version":1,"workload":{"generators":[
        {"count":10000000,"interval_ms":1}]}})");
    const struct {
        const char* name;
        int exit_code;
    } signals[] = {{"INT", 130}, {"TERM", 143}, {"HUP", 129}};
    for (const auto& sig : signals) {
        INFO("SIG" << sig.name);
        const std::string out = dir + "/" + sig.name;
        REQUIRE(run_command("mkdir " + out).exit_code == 0);
        const CommandResult r =
            run_command(ssifsim_binary() + " run " + dir + "/long.json --log " + out +
                        "/l.jsonl --report " + out + "/r.json --junit " + out + "/j.xml --vcd " +
                        out + "/w.vcd > " + out + "/stdout & pid=$!; while [ ! -s " + out +
                        "/l.jsonl ]; do sleep 0.05; done; sleep 0.3; kill -" + sig.name +
                        " $pid; wait $pid; echo \"exit $?\"");
        CHECK(r.out == "exit " + std::to_string(sig.exit_code) + "\n");
        const std::string stdout_text = read_file(out + "/stdout");
        CHECK(stdout_text.find("INTERRUPTED") != std::string::npos);
        CHECK(stdout_text.find("PASS") == std::string::npos);
        // Every log line is whole JSON.
        const std::string log = read_file(out + "/l.jsonl");
        REQUIRE_FALSE(log.empty());
        CHECK(log.back() == '\n');
        uint64_t last_t = 0;
        for (const json& e : log_lines(log))
            last_t = e["t_ns"];
        // The report says so, and covers the run up to the stop.
        const json report = json::parse(read_file(out + "/r.json"));
        CHECK(report["interrupted"] == std::string("SIG") + sig.name);
        CHECK(report["passed"] == false);
        const uint64_t end = report["sim_end_ns"];
        CHECK(end >= last_t);
        CHECK(end > 0);
        CHECK(report["summary"]["completed"].get<uint64_t>() > 0);
        CHECK(report["summary"]["completed"].get<uint64_t>() < 10000000);
        // JUnit: a failed test case "interrupted".
        const std::string junit = read_file(out + "/j.xml");
        CHECK(junit.find("<testcase classname=") != std::string::npos);
        CHECK(junit.find("name=\"interrupted\">\n      <failure message=\"stopped by SIG" +
                         std::string(sig.name)) != std::string::npos);
        CHECK(junit.find("</testsuites>\n") != std::string::npos);
        // Both VCDs end on a final timestamp at or after the stop (the wire VCD has the byte
        // on the wires at that time rendered whole).
        for (const std::string vcd : {"/w.vcd", "/w.tl.vcd"}) {
            const std::string text = read_file(out + vcd);
            REQUIRE(text.size() > 2);
            CHECK(text.back() == '\n');
            // The last timestamp line ('#' also names a signal: "b0 #").
            const size_t hash = text.rfind("\n#");
            REQUIRE(hash != std::string::npos);
            CHECK(std::stoull(text.substr(hash + 2)) >= end);
        }
    }
}

TEST_CASE("a scenario with no requests and no MSIs is bad input unless expect says it means it",
          "[cli][input]") {
    const std::string dir = make_temp_dir("empty");
    // It would pass every check on nothing: a CI scenario that lost its workload.
    for (const char* text : {R"({"version":1})", R"({"version":1,"workload":{"requests":[]}})",
                             R"({"version":1,"expect":{"t6_max_ms":100}})"}) {
        INFO(text);
        write_file(dir + "/empty.json", text);
        const CommandResult r = run_command(ssifsim_binary() + " run " + dir +
                                            "/empty.json --report " + dir + "/r.json");
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("empty.json: $: the scenario has no requests") != std::string::npos);
        CHECK(r.out.find("PASS") == std::string::npos);
        CHECK_FALSE(exists(dir + "/r.json"));
    }
    // Said on purpose: it runs, and passes.
    write_file(dir + "/meant.json", R"({"version":1,"expect":{"requests":[]}})");
    CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/meant.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("PASS") != std::string::npos);
    // Or with an event count (a host that only watches for flags).
    write_file(dir + "/counted.json",
               R"({"version":1,"expect":{"counts":{"host.request":0}},"workload":{"until_ms":5}})");
    r = run_command(ssifsim_binary() + " run " + dir + "/counted.json");
    CHECK(r.exit_code == 0);
}

TEST_CASE("a fault that never acted says what it met and why none of it qualified",
          "[cli][faults]") {
    const std::string dir = make_temp_dir("aim");
    // The quickstart's exchange: a write, a read NAKed at its address (the BMC is busy; on
    // tick 6, the first-read timer's 5 jiffies and the wheel's one more), the read with the
    // response.
    const std::string base = R"({"version":1,"bmc":{"daemon":{"latency_ms":20}},
        "workload":{"requests":[{"netfn":6,"cmd":1}]},"faults":[)";
    const auto run = [&](const std::string& faults) {
        write_file(dir + "/s.json", base + faults + "]}");
        return run_command(ssifsim_binary() + " run " + dir + "/s.json --report " + dir +
                           "/r.json");
    };
    // Aimed at the first read: the NAKed one has no PEC byte to corrupt.
    CommandResult r = run(R"({"type":"corrupt_pec","direction":"bmc_to_host","nth":1})");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("corrupt_pec at $.faults[0] never happened: 2 transfer(s) matched its aim "
                     "(request, op, command, at_ms); nth 1, count 1 count those transfers "
                     "(parts), not requests; it was armed on 1 (first: request 1, read 0x03 at "
                     "6000000 ns) but none qualified: a read with no PEC byte") !=
          std::string::npos);
    // The report carries the same detail.
    const json report = json::parse(read_file(dir + "/r.json"));
    bool found = false;
    for (const json& c : report["checks"])
        if (c["name"] == "faults_fired")
            found = c["detail"].get<std::string>().find("none qualified") != std::string::npos;
    CHECK(found);
    // Aimed past the transfers there were.
    r = run(R"({"type":"nak","op":"read","byte":1,"nth":5})");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("nak at $.faults[0] never happened: 2 transfer(s) matched its aim") !=
          std::string::npos);
    CHECK(r.out.find("armed on") == std::string::npos);
    // Aimed at the foreign master past its two reads: the count is of its transfers, and
    // the message says so (not the host's request, op, command).
    r = run(R"({"type":"foreign_master","op":"read","state":"READY","at_ms":30,"count":2},
               {"type":"nak","master":"foreign","byte":0,"nth":3})");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("nak at $.faults[1] never happened: 2 of the foreign master's transfer(s) "
                     "matched its aim (op, command, at_ms); nth 3, count 1 count those") !=
          std::string::npos);
    // Two faults on one transfer: the first listed takes it.
    r = run(R"({"type":"lost_stop","op":"write"},{"type":"nak","op":"write","byte":2})");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("nak at $.faults[1] never happened: 1 transfer(s) matched its aim") !=
          std::string::npos);
    CHECK(r.out.find("1 of its transfer(s) went to a fault listed before it") != std::string::npos);
    // The second read qualifies: the fault fires.
    r = run(R"({"type":"corrupt_pec","direction":"bmc_to_host","nth":2})");
    CHECK(r.out.find("faults_fired") != std::string::npos);
    CHECK(r.out.find("never happened") == std::string::npos);
}

TEST_CASE("sweep: an ssifbridge template gets no daemon fault, and every seed's scenario loads",
          "[cli][sweep]") {
    using namespace ssifsim::tools;
    const std::string dir = make_temp_dir("sweep-bridge");
    const std::string file = source_dir() + "/scenarios/bridge-fe8bb4c-late-after.json";
    const Scenario tmpl = load_scenario(file);
    REQUIRE(scenario_to_json(tmpl)["bmc"]["daemon"]["kind"] == "ssifbridge");
    // The loader refuses a daemon fault behind ssifbridge ("a daemon fault acts on the simple
    // daemon"); a quarter of the seeds over a simple-daemon template draw one (the
    // quickstart's 100 seeds in the test above do), so over 300 bridge seeds a draw that
    // ignored the daemon kind would hand the loader ~75 refused files.
    int host_faults = 0;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
        const ojson v = make_variation(tmpl, file, seed);
        INFO("seed " << seed << ": " << v["faults"].dump());
        for (const ojson& f : v["faults"]) {
            CHECK(f["type"].get<std::string>().rfind("daemon_", 0) == std::string::npos);
            host_faults += f["type"] != "foreign_master";
        }
        write_file(dir + "/v.json", v.dump());
        CHECK_NOTHROW(load_scenario(dir + "/v.json"));
    }
    CHECK(host_faults >= 300); // every seed has at least one host-transfer fault instead
}

TEST_CASE("sweep: the clean request must be answered with fixed code on both sides, the "
          "kernel BMC counting as fixed",
          "[cli][sweep]") {
    using namespace ssifsim::tools;
    Scenario s = load_scenario(source_dir() + "/scenarios/quickstart.json");
    REQUIRE(s.host.variant == ssifsim::ssif::HostVariant::Mainline);
    REQUIRE(s.bmc.variant == ssifsim::ssif::BmcVariant::Mainline);
    const auto checks_clean = [](const Scenario& t) {
        const ojson v = make_variation(t, "q.json", 1);
        return !v["expect"]["requests"].empty();
    };
    CHECK(promises_recovery(s));
    CHECK(checks_clean(s));
    // The model's 6.12 row lacks 7fc3e2546cf3 and is an older variant: no recovery check.
    s.bmc.variant = ssifsim::ssif::BmcVariant::Debian612;
    CHECK_FALSE(promises_recovery(s));
    CHECK_FALSE(checks_clean(s));
    // The same row as the kernel BMC (use_kernel_bmc sets it) is the code under test.
    s.bmc_implementation = Implementation::Kernel;
    CHECK(promises_recovery(s));
    CHECK(checks_clean(s));
    // An older host row keeps its bugs, model or kernel (the kernel host's 6.1 row runs
    // 6.1.192's ipmi_ssif.c).
    s.host.variant = ssifsim::ssif::HostVariant::Flags2023;
    CHECK_FALSE(promises_recovery(s));
    s.host_implementation = Implementation::Kernel;
    CHECK_FALSE(promises_recovery(s));
    s.host.variant = ssifsim::ssif::HostVariant::Mainline;
    CHECK(promises_recovery(s));
}

TEST_CASE("sweep: a probing template (host.probe, or the kernel host) gets only faults aimed "
          "at its requests, an until_ms that fails every seed is refused",
          "[cli][sweep]") {
    using namespace ssifsim::tools;
    const std::string dir = make_temp_dir("sweep-probe");
    const Scenario probing = load_scenario(source_dir() + "/scenarios/host-probe.json");
    REQUIRE(probing.host.probe);
    // The daemon reads the probe's and ipmi_add_smi's requests too (request 0 in the
    // scenario's terms), so a daemon fault aimed with "read" N would hit one of them: it is
    // aimed with "request" N, which counts only the daemon's reads of workload request N.
    std::set<std::string> probe_types;
    bool loaded_daemon_fault = false;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
        const ojson v = make_variation(probing, "host-probe.json", seed);
        for (const ojson& f : v["faults"]) {
            INFO("seed " << seed << ": " << f.dump());
            const std::string type = f["type"];
            probe_types.insert(type);
            CHECK(type != "foreign_master");
            CHECK_FALSE(f.contains("read"));
            CHECK(f["request"].get<int>() >= 1);
            if (type.rfind("daemon_", 0) == 0 && !loaded_daemon_fault) {
                write_file(dir + "/probe-daemon.json", v.dump());
                CHECK_NOTHROW(load_scenario(dir + "/probe-daemon.json"));
                loaded_daemon_fault = true;
            }
        }
    }
    CHECK(probe_types.count("daemon_silent") == 1);
    CHECK(loaded_daemon_fault);

    // The quickstart still gets daemon faults aimed by read count, and foreign masters.
    const Scenario quick = load_scenario(source_dir() + "/scenarios/quickstart.json");
    REQUIRE_FALSE(host_probes(quick));
    // The same template with the real ipmi_ssif.c as its host (drawing needs no kernel
    // source): ssif_probe always probes and registers before request 1, whatever
    // host.probe says, so host_probes holds for it.
    Scenario kernel_quick = quick;
    kernel_quick.host_implementation = Implementation::Kernel;
    REQUIRE_FALSE(kernel_quick.host.probe);
    REQUIRE(host_probes(kernel_quick));
    std::set<std::string> types;
    int kernel_daemon_faults = 0;
    for (uint64_t seed = 1; seed <= 100; ++seed) {
        // A named variation: a range-for over a temporary's ["faults"] would dangle.
        const ojson v = make_variation(quick, "q.json", seed);
        const ojson k = make_variation(kernel_quick, "q.json", seed);
        // Per seed the kernel host draws the model host's daemon and host-transfer faults,
        // a daemon fault's "read" N becoming "request" N, and no foreign master (nor a
        // fault on its transfer).
        ojson expected = ojson::array();
        for (const ojson& f : v["faults"]) {
            types.insert(f["type"].get<std::string>());
            if (f["type"] == "foreign_master" || f.contains("master"))
                continue;
            ojson e = f;
            if (e.contains("read")) {
                CHECK(e["type"].get<std::string>().rfind("daemon_", 0) == 0);
                e["request"] = e["read"];
                e.erase("read");
            }
            expected.push_back(e);
        }
        INFO("seed " << seed);
        CHECK(k["faults"] == expected);
        for (const ojson& f : k["faults"])
            kernel_daemon_faults += f["type"].get<std::string>().rfind("daemon_", 0) == 0;
    }
    CHECK(types.count("foreign_master") == 1);
    CHECK(types.count("daemon_silent") == 1);
    CHECK(kernel_daemon_faults > 0);

    write_file(dir + "/short.json", R"({"version":1,"workload":{"until_ms":1,
        "requests":[{"netfn":6,"cmd":1}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " sweep " + dir +
                                        "/short.json --count 3 --out " + dir + "/out");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("short.json: $.workload.until_ms: 1 ms ends the run before the sweep's "
                     "clean request") != std::string::npos);
    CHECK(r.out.find("at least 40000") != std::string::npos);
    CHECK_FALSE(exists(dir + "/out"));
}

TEST_CASE("validate prints the workload's size and warns about a huge one", "[cli][huge]") {
    const std::string dir = make_temp_dir("size");
    CommandResult r =
        run_command(ssifsim_binary() + " validate " + source_dir() + "/scenarios/quickstart.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("quickstart.json: 1 request(s) (1 listed, 0 generated), 0 MSI(s), simulated "
                     "span 0.000000 s") != std::string::npos);
    CHECK(r.out.find("warning") == std::string::npos);
    // 2 listed + 10^7 generated 1 ms apart from 1 s; 3 bursts of 4 MSIs, every 1 ms.
    write_file(dir + "/big.json", R"({"version":1,
        "workload":{"requests":[{"netfn":6,"cmd":1},{"netfn":6,"cmd":1,"at_ms":2}],
                    "generators":[{"count":10000000,"interval_ms":1,"start_ms":1000}]},
        "zpci":{"functions":[{"fid":1}],"msis":[{"fid":1,"pattern":"burst","count":4,
                "interval_ns":10,"bursts":3,"period_ns":1000000}]}})");
    r = run_command(ssifsim_binary() + " validate " + dir + "/big.json");
    CHECK(r.exit_code == 0);
    // The generator's requests come every 1 ms, exactly: no random gaps in its span.
    CHECK(r.out.find("big.json: 10000002 request(s) (2 listed, 10000000 generated), 12 MSI(s), "
                     "simulated span 10000.999000 s (when the last is due)\n") !=
          std::string::npos);
    CHECK(r.out.find("  warning: 10000002 requests (over 1000000): expect a long run") !=
          std::string::npos);
    // A long simulated span: a day and a bit.
    write_file(dir + "/long.json", R"({"version":1,"workload":{"requests":[{"netfn":6,"cmd":1}],
        "generators":[{"count":26,"interval_ms":3600000}]}})");
    r = run_command(ssifsim_binary() + " validate " + dir + "/long.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("simulated span 90000.000000 s") != std::string::npos);
    CHECK(r.out.find("warning: the workload spans 90000.000000 s of simulated time (over a day)") !=
          std::string::npos);
    // Poisson arrivals: ten gaps of 100 ms on average (the first request, too, comes after
    // one), random; a later until_ms is the span instead, and says so.
    write_file(dir + "/poisson.json", R"({"version":1,"workload":{"generators":[
        {"count":10,"mean_interval_ms":100}]}})");
    r = run_command(ssifsim_binary() + " validate " + dir + "/poisson.json");
    CHECK(r.out.find("simulated span 1.000000 s (when the last is due; random gaps at their "
                     "mean)\n") != std::string::npos);
    write_file(dir + "/until.json", R"({"version":1,"workload":{"generators":[
        {"count":10,"mean_interval_ms":100}],"until_ms":5000}})");
    r = run_command(ssifsim_binary() + " validate " + dir + "/until.json");
    CHECK(r.out.find("simulated span 5.000000 s (workload.until_ms)\n") != std::string::npos);
}

// --until before a request is due: the host hands a request to the driver at its at_ms
// (SsifHost::feed, a host.request event), so one due after the end was never submitted. It is
// neither in flight nor unanswered: the summary and the report count it apart. A run cut at
// its end time judges a request still in flight only once it has waited longer than T6max,
// as `check` judges a capture's open request: within it, T6max and all_answered say n/a.
TEST_CASE("run --until: a request due after the end is not yet due, not in flight", "[cli]") {
    const std::string dir = make_temp_dir("not_yet_due");
    write_file(dir + "/s.json", R"({"version":1,"workload":{"requests":[
        {"at_ms":0,"netfn":"0x06","cmd":"0x01"},{"at_ms":50,"netfn":"0x06","cmd":"0x01"},
        {"at_ms":500,"netfn":"0x06","cmd":"0x01"}]},
        "expect":{"requests":[{"id":1,"completion_code":"0x00"},{"id":2,"completion_code":"0x00"}]}})");
    // Request 1's first read at 6 ms finds no response (the daemon's 10 ms latency), so it
    // retries after 61 ms (mainline's SSIF_MSG_MSEC 60 + 1 tick at HZ 1000; README: Host) and
    // completes at about 68 ms: at 60 ms requests 1 and 2 are in flight (1 started at 0 ms,
    // 60 ms before the end, 2 waiting behind it), 3 is due at 500 ms.
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/s.json --until " +
                                        "60ms --report " + dir + "/r.json");
    INFO(r.out);
    CHECK(r.out.find("\n  2 request(s) still in flight at 60.000000 ms, 1 more not yet due\n") !=
          std::string::npos);
    CHECK(r.out.find("n/a   T6max:") != std::string::npos);
    CHECK(r.out.find("n/a   all_answered:") != std::string::npos);
    CHECK(r.out.find("2 request(s) still in flight when the run ended at 60.000000 ms: not "
                     "judged") != std::string::npos);
    // The expectations of requests the run never finished fail, saying where each stood.
    CHECK(r.out.find("request 1 (started t=0.000000 ms) was still in flight when the run ended "
                     "at t=60.000000 ms") != std::string::npos);
    CHECK(r.out.find("request 2 never started (the run ended at t=60.000000 ms)") !=
          std::string::npos);
    CHECK(r.exit_code == 1);
    const json summary = json::parse(read_file(dir + "/r.json"))["summary"];
    CHECK(summary["submitted"] == 2);
    CHECK(summary["not_yet_due"] == 1);
    CHECK(summary["completed"] == 0);
    const json cut = json::parse(read_file(dir + "/r.json"))["checks"];
    CHECK(cut[0]["judged"] == false);
    CHECK(cut[1]["judged"] == false);
    // Cut before the first is due (a run ending at a time runs nothing due then, sc_start(T)):
    // nothing submitted, so T6max and all_answered have nothing to judge, and say so (n/a).
    write_file(dir + "/late.json", R"({"version":1,"workload":{"requests":[
        {"at_ms":10,"netfn":"0x06","cmd":"0x01"}]}})");
    const CommandResult none =
        run_command(ssifsim_binary() + " run " + dir + "/late.json --until 10ms --report " + dir +
                    "/none.json");
    INFO(none.out);
    CHECK(none.exit_code == 0);
    CHECK(none.out.find("\n  1 request(s) not yet due at 10.000000 ms\n") != std::string::npos);
    CHECK(none.out.find("n/a   T6max:") != std::string::npos);
    CHECK(none.out.find("n/a   all_answered:") != std::string::npos);
    CHECK(none.out.find("not judged: no request was due by the run's end (1 not yet due)") !=
          std::string::npos);
    const json checks = json::parse(read_file(dir + "/none.json"))["checks"];
    CHECK(checks[0]["judged"] == false);
    CHECK(checks[1]["judged"] == false);
}

// A request still without a response when the run is cut, started longer than T6max before
// the end, has failed T6max whatever came after (T6Check::add_open); all_answered cannot tell
// it from a slow one and leaves it. With a daemon latency of 400 ms the BMC answers at about
// 400.56 ms (the 0.5597 ms write + 400 ms), so at --until 300ms request 1, started at 0 ms,
// has waited 300 ms: 50 ms over. Run whole, it completes and fails T6max as the slow request
// it is.
TEST_CASE("run --until: a request in flight longer than T6max fails it", "[cli]") {
    const std::string dir = make_temp_dir("t6_cut");
    write_file(dir + "/s.json", R"({"version":1,"bmc":{"daemon":{"latency_ms":400}},
        "workload":{"requests":[{"at_ms":0,"netfn":"0x06","cmd":"0x01"}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/s.json --until 300ms");
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("FAIL  T6max:") != std::string::npos);
    CHECK(r.out.find("request 1 at t=0.000000 ms had no response 300.000000 ms later, when the "
                     "run ended, over the limit of 250.000000 ms by 50.000000 ms") !=
          std::string::npos);
    CHECK(r.out.find("n/a   all_answered:") != std::string::npos);
    // Within the limit the same request is not judged: cut at 250 ms, it has waited exactly
    // T6max, which is within it (the check fails only past the limit).
    const CommandResult within =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --until 250ms");
    INFO(within.out);
    CHECK(within.exit_code == 0);
    CHECK(within.out.find("n/a   T6max:") != std::string::npos);
}

// A run cut inside a byte's data bits draws them up to its end, as a logic analyzer stopped
// there shows the wires (SmbusBus::draw_cut); the byte is drawn whole only at its ACK bit,
// which the run never reaches. quickstart at 100 kHz (a quarter period q = 2.5 us, a bit
// 10 us; WireTrace's bit: SDA set at +q, SCL rises at +2q, falls at +4q): the first START
// after tBUF at 4.7 us (SDA falls, SCL falls 2q later at 9.7 us), then the address byte 0x20
// (0x10, write) from 9.7 us, its bit i from 9.7 + 10i us. Cut at 50 us: bits 0..3 (0 0 1 0)
// whole, SDA unchanged for the zeros at 12.2 and 22.2 us, rising at 32.2 and falling at
// 42.2; bit 4 would set SDA at 52.2 us, past the end.
TEST_CASE("run --until: a byte cut by the end is drawn up to it", "[cli]") {
    const std::string dir = make_temp_dir("cut_byte");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/quickstart.json --quiet --until 0.05ms --vcd " + dir + "/w.vcd");
    REQUIRE(r.exit_code == 0);
    const std::string vcd = read_file(dir + "/w.vcd");
    const size_t body = vcd.find("$enddefinitions $end\n");
    REQUIRE(body != std::string::npos);
    CHECK(vcd.substr(body + 21) == "#0\n1!\n1\"\n#4700\n0\"\n#9700\n0!\n#14700\n1!\n#19700\n0!\n"
                                   "#24700\n1!\n#29700\n0!\n#32200\n1\"\n#34700\n1!\n#39700\n0!\n"
                                   "#42200\n0\"\n#44700\n1!\n#49700\n0!\n#50000\n");
    // Cut inside the ACK bit (89.7 .. 99.7 us), which the bus draws whole with the byte when
    // the ACK begins: its SCL rise at 94.7 us comes after an end at 94.699 us and is left
    // out (SDA stays low for the ACK, as after the address's last bit 0); the file ends at
    // the end time, as every cut does (WireTrace::draw_until).
    const CommandResult ack =
        run_command(ssifsim_binary() + " run " + source_dir() +
                    "/scenarios/quickstart.json --quiet --until 94699ns --vcd " + dir + "/a.vcd");
    REQUIRE(ack.exit_code == 0);
    const std::string cut_ack = read_file(dir + "/a.vcd");
    const std::string tail = "\n#89700\n0!\n#94699\n";
    CHECK(cut_ack.substr(cut_ack.size() - tail.size()) == tail);
    const std::string tl_ack = read_file(dir + "/a.tl.vcd");
    CHECK(tl_ack.substr(tl_ack.size() - 8) == "\n#94699\n");
    CHECK(tl_ack.find("#94700") == std::string::npos);
}

// host_power_off aims at the workload's transfers only: the probe's (request 0, ssif_probe's
// do_cmd writes and reads) never qualify, since the model brings a host back into the message
// it died in, not into ssif_probe. Aimed at the first transfer with no request named, it
// kills request 1's write, the first transfer of the workload, after its address: before,
// it hit the probe's first Get Device ID write, logged master_died, and the probe went on
// with its retry 60 ms later, the host never off.
TEST_CASE("run: host_power_off with no request skips the probe's transfers", "[cli]") {
    const std::string dir = make_temp_dir("power_off_probe");
    write_file(dir + "/s.json", R"({"version":1,"host":{"probe":true},
        "workload":{"requests":[{"at_ms":0,"netfn":"0x06","cmd":"0x01"}]},
        "faults":[{"type":"host_power_off","after_bytes":1,"off_ms":10}]})");
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --log " + dir + "/l.jsonl");
    INFO(r.out);
    const std::string log = read_file(dir + "/l.jsonl");
    const size_t died = log.find(R"("ev":"master_died")");
    const size_t off = log.find(R"("ev":"power_off","id":1,"off_ns":10000000})");
    REQUIRE(died != std::string::npos);
    REQUIRE(off != std::string::npos);
    // The probe ended (its link line) before the fault fired, and the host was off 10 ms.
    CHECK(log.find(R"("ev":"link","source":"probe")") < died);
    CHECK(log.find(R"("ev":"power_on")") != std::string::npos);
    CHECK(r.out.find("request 1: 18 01") != std::string::npos);
    CHECK(r.out.find("the host gave up: power_off") != std::string::npos);
}

// A cut while the host is off (host_power_off): the request it died with has failed, though
// the model hands its outcome over only at power-on (IpmiSsif::power_on). fault-host-power-off
// kills the host after request 1's address byte, at 0.0997 ms (at 100 kHz: the bus free
// time tBUF 4.7 us before the first START, START 5 us, the byte's 8 bits and ACK 90 us), for
// 100 ms: cut at 50 ms, request 1 is done with error power_off, as the scenario expects, and
// T6max judges it as the failed request it is (before, it "was still in flight").
TEST_CASE("run --until: a request the host died with is failed, not in flight", "[cli]") {
    const CommandResult r = run_command(ssifsim_binary() + " run " + source_dir() +
                                        "/scenarios/fault-host-power-off.json --until 50ms");
    INFO(r.out);
    CHECK(r.out.find("pass  request 1 error: request 1 (done t=0.099700 ms): outcome is "
                     "\"power_off\"") != std::string::npos);
    CHECK(r.out.find("request 1 (started t=0.000000 ms) was still in flight") == std::string::npos);
    CHECK(r.out.find("request 1 at t=0.000000 ms got no valid response: it failed (power_off) "
                     "after 0.099700 ms") != std::string::npos);
    // Requests handed over while the host is off wait for it to come back: a host that is
    // off starts nothing, so none is "never started" by a driver sitting on its work. Here
    // the host dies after request 1's third byte (4.7 + 5 + 3 x 90 us = 0.2797 ms) for
    // 500 ms; requests 2 and 3 come at 50 and 60 ms; cut at 301 ms, request 2 has waited
    // 251 ms, and only request 1's failure is T6max's.
    const std::string dir = make_temp_dir("cut_off");
    write_file(dir + "/s.json", R"({"version":1,"bmc":{"daemon":{"latency_ms":1}},
        "workload":{"requests":[{"at_ms":0,"netfn":"0x06","cmd":"0x01"},
            {"at_ms":50,"netfn":"0x06","cmd":"0x01"},{"at_ms":60,"netfn":"0x06","cmd":"0x04"}]},
        "faults":[{"type":"host_power_off","request":1,"op":"write","after_bytes":3,
                   "off_ms":500}]})");
    const CommandResult off =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --until 301ms");
    INFO(off.out);
    CHECK(off.out.find("never started") == std::string::npos);
    CHECK(off.out.find("worst 0.279700 ms (request 1)") != std::string::npos);
}

// A check the scenario expects to fail, cut before it could (fault-daemon-silent expects
// T6max to fail: its daemon never answers, so request 1, started at 0 ms, fails it only past
// 250 ms): at 200 ms T6max is not judged, and says so, neither a failure seen nor "it
// passed".
TEST_CASE("run --until: an expected failure the run was cut before is n/a, not 'it passed'",
          "[cli]") {
    const CommandResult r = run_command(ssifsim_binary() + " run " + source_dir() +
                                        "/scenarios/fault-daemon-silent.json --until 200ms");
    INFO(r.out);
    CHECK(r.out.find("n/a   T6max:") != std::string::npos);
    CHECK(r.out.find("the scenario expects this check to fail; 2 request(s) still in flight "
                     "when the run ended at 200.000000 ms: not judged") != std::string::npos);
    CHECK(r.out.find("FAIL  T6max") == std::string::npos);
}

// A driver that sits on a request it was handed (fix-host-2023-flags-before: ipmi_ssif before
// 6d2555cde291 stays in SSIF_GETTING_FLAGS with nothing in flight) never starts it: T6max
// judges the first waiting request from when the host last did anything, its hand-over at
// 1000 ms (the previous request completed at 7.735 ms, the host's last transfer was the
// watchdog poll's before that), to the end at 2000 ms. A driver busy with its own traffic is
// not sitting on it: cut at 300 ms, host-startup-6.12's request 1, handed over at 0 ms, waits
// for the probe's transfers (ssif_probe, then the message handler's), and is not judged.
TEST_CASE("run: a request the driver never started fails T6max once it waited past it", "[cli]") {
    const CommandResult r = run_command(ssifsim_binary() + " run " + source_dir() +
                                        "/scenarios/fix-host-2023-flags-before.json");
    INFO(r.out);
    CHECK(r.exit_code == 0); // the scenario expects T6max to fail
    CHECK(r.out.find("request 2 (handed to the driver at t=1000.000000 ms) never started: the "
                     "host began no transfer in the 1000.000000 ms from t=1000.000000 ms to the "
                     "run's end, over the limit of 250.000000 ms by 750.000000 ms") !=
          std::string::npos);
    const CommandResult probing = run_command(ssifsim_binary() + " run " + source_dir() +
                                              "/scenarios/host-startup-6.12.json --until 300ms");
    INFO(probing.out);
    CHECK(probing.out.find("n/a   T6max:") != std::string::npos);
}

// A scenario's run ends when its last request completes unless workload.until_ms says
// otherwise (the host's stop gate), and host.watch's timer does not hold it open: so a watch
// scenario without until_ms never shows a poll after its last request.
TEST_CASE("validate warns that host.watch's polls need workload.until_ms", "[cli]") {
    const std::string dir = make_temp_dir("watch");
    write_file(dir + "/watch.json", R"({"version":1,"host":{"watch":"messages"},
        "workload":{"requests":[{"netfn":6,"cmd":1}]}})");
    CommandResult r = run_command(ssifsim_binary() + " validate " + dir + "/watch.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("  warning: $.host.watch: \"messages\" polls only while the run lasts: "
                     "without $.workload.until_ms") != std::string::npos);
    // The run itself: it ends with the request's response (about 8 ms), before the first
    // poll at 11 ms (HZ 1000, the default: mod_timer(jiffies + msecs_to_jiffies(10)) runs on
    // tick 11, README: Host), so no flags are fetched.
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --log " + dir + "/w.jsonl");
    CHECK(read_file(dir + "/w.jsonl").find("\"ev\":\"flags\"") == std::string::npos);
    // run warns as validate does (on stderr, before it runs), and says --until when that
    // sets the end: at 5 ms, before the first poll at 11 ms; --quiet says nothing.
    CHECK(r.out.find("ssifsim: warning: $.host.watch: \"messages\" polls only while the run "
                     "lasts") != std::string::npos);
    // And its summary says what came of it (a host that probes long gets the same line).
    CHECK(r.out.find("  host: host.watch \"messages\" fetched no flags by the run's end at ") !=
          std::string::npos);
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --until 5ms");
    CHECK(r.out.find("ssifsim: warning: --until: the run ends at 5.000000 ms, before "
                     "host.watch's first poll can run (\"messages\": at 11.000000 ms at the "
                     "earliest, at HZ 1000;") != std::string::npos);
    CHECK(r.out.find("$.host.watch") == std::string::npos);
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --until 50ms");
    CHECK(r.out.find("warning") == std::string::npos);
    // Polls at 11, 22, 33 and 44 ms find the request in flight (its read retried until 67 ms:
    // the daemon's 10 ms latency), so none fetches flags; by 200 ms one has.
    CHECK(r.out.find("fetched no flags by the run's end at 50.000000 ms") != std::string::npos);
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --until 200ms");
    CHECK(r.out.find("fetched no flags") == std::string::npos);
    CHECK(r.out.find(" flag fetch(es)") != std::string::npos);
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --quiet");
    CHECK(r.out.empty());
    // --compare-kernel runs the scenario too (twice): the same warning, once, before.
    r = run_command(ssifsim_binary() + " run " + dir + "/watch.json --compare-kernel");
    CHECK(r.out.find("ssifsim: warning: $.host.watch: \"messages\" polls only while the run "
                     "lasts") == 0);
    write_file(dir + "/until.json", R"({"version":1,"host":{"watch":"messages"},
        "workload":{"requests":[{"netfn":6,"cmd":1}],"until_ms":50}})");
    r = run_command(ssifsim_binary() + " validate " + dir + "/until.json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("warning") == std::string::npos);
}

// The watch timer is armed when the driver registers (after its probe), so its first poll
// comes no earlier than the timer armed at time 0: mod_timer(jiffies + period) at jiffy 0,
// with period = msecs_to_jiffies(SSIF_WATCH_*_TIMEOUT), runs on the wheel's tick
// (calc_wheel_index): "messages" at HZ 1000 is 10 jiffies, level 0, tick 10 + 1 = 11 ms;
// "watchdog" at HZ 250 is ceil(250 * 250 / 1000) = 63 jiffies = LVL_START(1), level 1 (8
// ticks a bucket), tick ((63 >> 3) + 1) << 3 = 64, 64 * 4 ms = 256 ms. A workload.until_ms
// at or before that shows no poll at all (a run ending at T runs nothing due at T), which
// validate says.
TEST_CASE("validate warns when workload.until_ms ends the run before host.watch's first poll",
          "[cli]") {
    const std::string dir = make_temp_dir("watch-until");
    const struct {
        const char* host;
        const char* until_ms;
        const char* warning; // "": none
    } cases[] = {
        {R"("watch":"messages")", "11",
         "before host.watch's first poll can run (\"messages\": at 11.000000 ms at the "
         "earliest, at HZ 1000; nothing due at the end runs)"},
        {R"("watch":"messages")", "11.000001", ""},
        {R"("watch":"watchdog","hz":250)", "256",
         "before host.watch's first poll can run (\"watchdog\": at 256.000000 ms at the "
         "earliest, at HZ 250; nothing due at the end runs)"},
        {R"("watch":"watchdog","hz":250)", "256.000001", ""},
    };
    for (const auto& c : cases) {
        INFO(c.host << " until_ms " << c.until_ms);
        write_file(dir + "/w.json", std::string(R"({"version":1,"host":{)") + c.host +
                                        R"(},"workload":{"until_ms":)" + c.until_ms +
                                        R"(},"expect":{"requests":[]}})");
        const CommandResult r = run_command(ssifsim_binary() + " validate " + dir + "/w.json");
        CHECK(r.exit_code == 0);
        if (*c.warning)
            CHECK(r.out.find(std::string("  warning: $.workload.until_ms: the run ends at ") +
                             c.until_ms) != std::string::npos);
        CHECK(r.out.find(c.warning) != std::string::npos);
        CHECK((r.out.find("warning") != std::string::npos) == (*c.warning != 0));
    }
}

TEST_CASE("run draws progress on a terminal, never into a pipe", "[cli][huge]") {
    const std::string dir = make_temp_dir("progress");
    write_file(dir + "/long.json", R"({"version":1,"workload":{"generators":[
        {"count":10000000,"interval_ms":1}]}})");
    // script(1) gives the run a terminal. The line comes once the run has gone a wall second
    // (then at most once a second), so each run is stopped by SIGINT after 3 wall seconds
    // however fast the machine: a run of a fixed simulated length could end before its first
    // line (4000 simulated s took 0.9 s on a quiet machine; this one runs for minutes).
    const std::string run =
        "timeout --preserve-status -s INT 3 " + ssifsim_binary() + " run " + dir + "/long.json";
    const CommandResult tty = run_command("script -qec '" + run + "' /dev/null");
    CHECK(tty.out.find("\r  simulated ") != std::string::npos);
    CHECK(tty.out.find(" request(s) answered") != std::string::npos);
    const CommandResult pipe = run_command(run);
    CHECK(pipe.exit_code == 130); // stopped by the SIGINT, not ended before it
    CHECK(pipe.out.find("request(s) answered") == std::string::npos);
    CHECK(pipe.out.find('\r') == std::string::npos);
}

TEST_CASE("a failed request's summary names its chain of causes: a daemon answering too late",
          "[cli][summary]") {
    // The daemon answers 600 ms after the BMC has the request (at the write's STOP condition,
    // 0.5572 ms); the BMC's response timer (500 ms, 50 jiffies at HZ=100) fires first, so the
    // driver refuses the response and the host's reads find nothing.
    const std::string dir = make_temp_dir("late");
    write_file(dir + "/late.json", R"({"version": 1, "bmc": {"daemon": {"latency_ms": 600}},
        "workload": {"requests": [{"netfn": "0x06", "cmd": "0x01"}]}})");
    const CommandResult r = run_command(ssifsim_binary() + " run " + dir + "/late.json");
    INFO(r.out);
    CHECK(r.exit_code == 1);
    const std::string chain[] = {
        "why it failed, from the models' records:",
        "0.557200 ms  the BMC had the request and armed its response timer (50 jiffies): it "
        "fires at 510.000000 ms",
        "6.105000 ms  reads 1 to 9 (9), until 494.105000 ms: NAKed at the address",
        "510.000000 ms  the BMC's response timer fired before the daemon answered",
        "555.385000 ms  reads 10 to 250 (241), until 15195.385000 ms: returned count 0",
        "600.557200 ms  the daemon's write of the response failed with -22 (EINVAL), "
        "600.000000 ms after it read the request: too late, the BMC's timer had fired at "
        "510.000000 ms",
        "15195.385000 ms  the host gave up: read_failed after 1 write(s) and 250 read(s)"};
    size_t at = 0;
    for (const std::string& link : chain) {
        INFO(link);
        const size_t found = r.out.find(link, at);
        REQUIRE(found != std::string::npos); // each link, in this order
        at = found + link.size();
    }
}

namespace {
// The VCD's signals: "scope.name" -> width.
std::map<std::string, unsigned> vcd_signals(const std::string& vcd) {
    std::map<std::string, unsigned> out;
    std::vector<std::string> scopes;
    std::istringstream in(vcd.substr(0, vcd.find("$enddefinitions")));
    std::string word;
    while (in >> word) {
        if (word == "$scope") {
            std::string kind, name;
            in >> kind >> name;
            scopes.push_back(name);
        } else if (word == "$upscope") {
            scopes.pop_back();
        } else if (word == "$var") {
            std::string type, id, name;
            unsigned width = 0;
            in >> type >> width >> id >> name;
            std::string path;
            for (const std::string& s : scopes)
                path += s + ".";
            out[path + name] = width;
        }
    }
    return out;
}
} // namespace

TEST_CASE("the GTKWave save files and filter files reference only signals of their VCD",
          "[cli][vcd][gtkwave]") {
    const QuickstartRun q = run_quickstart("gtkw");
    REQUIRE(q.result.exit_code == 0);
    size_t signals_seen = 0, filters_seen = 0;
    // q.gtkw shows q.tl.vcd (the wires and the states); q.wires.gtkw shows the wires' file.
    const std::pair<std::string, std::string> views[] = {{"q.gtkw", "q.tl.vcd"},
                                                         {"q.wires.gtkw", "q.vcd"}};
    for (const auto& [save, vcd] : views) {
        const std::string base = save;
        const std::string gtkw = read_file(q.dir + "/" + save);
        REQUIRE_FALSE(gtkw.empty());
        const auto signals = vcd_signals(read_file(q.dir + "/" + vcd));
        REQUIRE_FALSE(signals.empty());
        std::istringstream in(gtkw);
        std::string line;
        std::optional<std::string> filter; // the filter of the next signal
        while (std::getline(in, line)) {
            INFO(base + ".gtkw: " + line);
            if (line.rfind("[dumpfile] ", 0) == 0) {
                CHECK(line.find("/" + vcd + "\"") != std::string::npos);
                continue;
            }
            if (line.empty() || line[0] == '[' || line[0] == '*' || line[0] == '@' ||
                line[0] == '-')
                continue;
            if (line[0] == '^') {
                filter = line.substr(line.find(' ') + 1);
                continue;
            }
            // A signal: scope.name, with [msb:0] for a vector of msb + 1 bits.
            std::string name = line;
            unsigned width = 1;
            if (const size_t bracket = line.find('['); bracket != std::string::npos) {
                name = line.substr(0, bracket);
                width = static_cast<unsigned>(std::stoul(line.substr(bracket + 1))) + 1;
            }
            REQUIRE(signals.count(name) == 1);
            CHECK(signals.at(name) == width);
            ++signals_seen;
            if (filter) {
                // Every value the filter names fits the signal's width.
                std::istringstream table(read_file(*filter));
                std::string entry;
                size_t values = 0;
                while (std::getline(table, entry)) {
                    if (entry.empty() || entry[0] == '#')
                        continue;
                    CHECK(std::stoull(entry) < (1ULL << width));
                    ++values;
                }
                CHECK(values > 0);
                ++filters_seen;
                filter.reset();
            }
        }
    }
    // The wires, 5 BMC signals and 2 host signals; the wires again; bmc_state, host_phase and
    // host_state by name.
    CHECK(signals_seen == 2 + 5 + 2 + 2);
    CHECK(filters_seen == 3);
    // Determinism: the same run in the same place writes the same save file.
    const std::string first = read_file(q.dir + "/q.gtkw");
    REQUIRE(run_command(ssifsim_binary() + " run " + source_dir() +
                        "/scenarios/quickstart.json --quiet --vcd " + q.dir + "/q.vcd")
                .exit_code == 0);
    CHECK(read_file(q.dir + "/q.gtkw") == first);
}

namespace {
// Each change of smbus_scl and smbus_sda in a VCD: "t name value".
std::vector<std::string> wire_changes(const std::string& vcd) {
    std::map<std::string, std::string> ids; // id -> name
    std::vector<std::string> out;
    std::istringstream in(vcd);
    std::string line, t = "0";
    bool body = false;
    while (std::getline(in, line)) {
        if (!body) {
            std::istringstream words(line);
            std::string var, type, width, id, name;
            words >> var >> type >> width >> id >> name;
            if (var == "$var" && (name == "smbus_scl" || name == "smbus_sda"))
                ids[id] = name;
            body = line.rfind("$enddefinitions", 0) == 0;
        } else if (!line.empty() && line[0] == '#') {
            t = line.substr(1);
        } else if (!line.empty() && (line[0] == '0' || line[0] == '1') &&
                   ids.count(line.substr(1))) {
            out.push_back(t + " " + ids[line.substr(1)] + " " + line[0]);
        }
    }
    return out;
}
} // namespace

TEST_CASE("the transaction-level VCD carries the wires edge for edge as the wire VCD",
          "[cli][vcd][gtkwave]") {
    // A run with a lost STOP and a clock stretch as well as ordinary transfers.
    for (const char* name : {"quickstart", "fault-lost-stop", "fault-clock-stretch"}) {
        INFO(name);
        const std::string dir = make_temp_dir("tlwires");
        REQUIRE(run_command(ssifsim_binary() + " run " + source_dir() + "/scenarios/" + name +
                            ".json --quiet --vcd " + dir + "/w.vcd")
                    .exit_code == 0);
        const auto wires = wire_changes(read_file(dir + "/w.vcd"));
        REQUIRE(wires.size() > 100);
        CHECK(wire_changes(read_file(dir + "/w.tl.vcd")) == wires);
    }
}

TEST_CASE("the summary folds a long run of alike retries into one line", "[cli]") {
    // fault-daemon-silent: the daemon never answers request 1. ipmi_ssif's first read comes
    // at 6 ms (SSIF_MSG_PART_USEC, 5 ms, and the timer wheel's tick), then one every 61 ms
    // (SSIF_MSG_JIFFIES, 60 ms, and the tick); ssif_bmc NAKs its address while busy: reads
    // at 6, 67, ..., 494 ms, 9 NAKed reads each with its retry wait (9 pairs), until the BMC's
    // 500 ms response timer aborts; then each read gets a count of 0 (bad_length), up to 250
    // reads in all (SSIF_RECV_RETRIES): 241 more, the last with no wait after it (the host
    // gives up), so 240 pairs. Shown of each run: two pairs, a line, the last pair: 9 - 3 = 6
    // and 240 - 3 = 237 folded.
    const CommandResult r = run_command(ssifsim_binary() + " run " + source_dir() +
                                        "/scenarios/fault-daemon-silent.json");
    CHECK_THAT(r.out, Catch::Contains(
                          "... 6 more alike (read 0x03 address_nak, then wait read_retry) up to "
                          "494.000000 ms"));
    CHECK_THAT(r.out, Catch::Contains("... 237 more alike (read 0x03 bad_length, then wait"));
    // The request's figures still count every step.
    CHECK_THAT(r.out, Catch::Contains("parts written 1, read 250; retries: write 0, read 249"));
}

TEST_CASE("run --compare-kernel refuses each one-run output with a reason that fits it",
          "[cli][compare-kernel]") {
    // Checked before anything runs, so a build without the kernel source refuses them alike.
    const std::string q = source_dir() + "/scenarios/quickstart.json";
    const std::pair<const char*, const char*> cases[] = {
        {"--log /dev/null", "logs are compared, not written"},
        {"--report /dev/null", "a report is one run's"},
        {"--junit /dev/null", "JUnit holds one run's checks"},
        {"--vcd /dev/null", "a waveform is one run's wires"},
        {"--print-config", "configurations differ in the compared side"},
    };
    for (const auto& [option, reason] : cases) {
        INFO(option);
        const CommandResult r =
            run_command(ssifsim_binary() + " run --compare-kernel " + option + " " + q);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(reason) != std::string::npos);
    }
}

TEST_CASE("an option given another option as its value is a usage error, nothing written",
          "[cli][input]") {
    // boost's parser takes the token after --vcd as its value whatever it is: `--vcd --log
    // run.jsonl` would write a VCD named "--log" and take run.jsonl for a scenario file.
    const std::string dir = make_temp_dir("optvalue");
    const std::string scenario = source_dir() + "/scenarios/quickstart.json";
    const CommandResult r = run_command("cd " + dir + " && " + ssifsim_binary() +
                                        " run --vcd --log run.jsonl " + scenario);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("ssifsim: the option '--vcd' needs a value, not the option '--log'") !=
          std::string::npos);
    CHECK(r.out.find("Try 'ssifsim run --help'.") != std::string::npos);
    CHECK(run_command("ls -A " + dir).out.empty());
    // The parser takes an option's unique prefix for the option (--qu for --quiet), and "--"
    // ends the options: as a value, each is refused too.
    const CommandResult prefix =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run --vcd --qu " + scenario);
    CHECK(prefix.exit_code == 2);
    CHECK(prefix.out.find("the option '--vcd' needs a value, not the option '--qu'") !=
          std::string::npos);
    const CommandResult end = run_command("cd " + dir + " && " + ssifsim_binary() + " run " +
                                          scenario + " --log -- run.jsonl");
    CHECK(end.exit_code == 2);
    CHECK(end.out.find("the option '--log' needs a value, not '--'") != std::string::npos);
    CHECK(run_command("ls -A " + dir).out.empty());
    // So is a bundle of the command's short options ('-hq': --help, --quiet); boost's parser
    // itself refuses one alone ('-q' is an option token, so --log has no value).
    const CommandResult bundle =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run " + scenario + " --log -hq");
    CHECK(bundle.exit_code == 2);
    CHECK(bundle.out.find("the option '--log' needs a value, not the option '-hq'") !=
          std::string::npos);
    const CommandResult alone =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run " + scenario + " --log -q");
    CHECK(alone.exit_code == 2);
    CHECK(alone.out.find("the required argument for option '--log' is missing") !=
          std::string::npos);
    CHECK(run_command("ls -A " + dir).out.empty());
    // Written as --vcd=--log it is meant: the file is named so.
    const CommandResult meant =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run --vcd=--log " + scenario);
    CHECK(meant.exit_code == 0);
    CHECK(!read_file(dir + "/--log").empty());
    // A value that merely starts with dashes, naming none of the command's options, is a value
    // ('-qx': x is no short option of run's).
    const CommandResult dashes =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run --vcd --wires.vcd " + scenario);
    CHECK(dashes.exit_code == 0);
    CHECK(!read_file(dir + "/--wires.vcd").empty());
    const CommandResult one_dash =
        run_command("cd " + dir + " && " + ssifsim_binary() + " run --vcd -qx " + scenario);
    CHECK(one_dash.exit_code == 0);
    CHECK(!read_file(dir + "/-qx").empty());
    // Every command parses its options alike: bench's --vcd-dir before --workload.
    const CommandResult bench =
        run_command(ssifsim_binary() + " bench --vcd-dir --workload ssif-mixed-vcd");
    CHECK(bench.exit_code == 2);
    CHECK(bench.out.find("the option '--vcd-dir' needs a value, not the option '--workload'") !=
          std::string::npos);
}
