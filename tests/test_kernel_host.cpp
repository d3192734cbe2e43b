// Kernel in the loop, the host side: the real drivers/char/ipmi/ipmi_ssif.c as a scenario's
// host (host.implementation "kernel", kernel/ipmi_ssif). Built only with the kernel source.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <systemc>

#include "kernel/ipmi_ssif/kernel_ssif_host.h"
#include "models/common/event_log.h"
#include "models/common/thread_reaper.h"
#include "models/smbus/bus.h"
#include "tests/support.h"

using namespace ssifsim;
using namespace ssifsim::test;
using json = nlohmann::json;

namespace {

// Runs `s` (a scenario) with the host `implementation`; its report.
json run_with_host(const json& s, const std::string& implementation, const std::string& tag,
                   std::string* log = nullptr) {
    const std::string dir = make_temp_dir(tag);
    json scenario = s;
    scenario["host"]["implementation"] = implementation;
    write_file(dir + "/s.json", scenario.dump(2));
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet --report " + dir +
                    "/report.json --log " + dir + "/log.jsonl");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    if (log)
        *log = read_file(dir + "/log.jsonl");
    return json::parse(read_file(dir + "/report.json"));
}

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

// The log's lines from everyone but the host: the bus, the BMC and its daemon.
std::string without_host(const std::string& log) {
    std::string out, line;
    for (size_t at = 0; at < log.size();) {
        const size_t end = log.find('\n', at);
        line = log.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
        at = end == std::string::npos ? log.size() : end + 1;
        if (!has(line, R"("src":"host")"))
            out += line;
    }
    return out;
}

} // namespace

TEST_CASE("kernel host: the quickstart with the real ipmi_ssif.c passes its expectations",
          "[kernel][host]") {
    const json s = json::parse(read_file(source_dir() + "/scenarios/quickstart.json"));
    std::string log;
    const json report = run_with_host(s, "kernel", "khost_quickstart", &log);
    for (const json& c : report["checks"]) {
        INFO(c.dump());
        CHECK(c["pass"].get<bool>());
    }
    // ssif_probe found the quickstart's BMC: its responder announces PEC and single-part
    // messages only, so the driver caps both directions at 32 bytes (ssif_probe's
    // SSIF_NO_MULTI clamp).
    CHECK(report["host"]["link"]["found"].get<bool>());
    CHECK(report["host"]["link"]["pec"].get<bool>());
    REQUIRE(report["requests"].size() == 1);
    const json& o = report["requests"][0];
    // Get Device ID answered: netfn 0x07 (App + 1) << 2 = 0x1c, cmd 0x01, completion code 0.
    CHECK(o["response"].get<std::string>().rfind("1c 01 00", 0) == 0);
    CHECK(o["error"] == "");
    // Probe, registration (ipmi_add_smi's requests through sender), the request, then rmmod.
    CHECK(has(log, R"("ev":"handler_request")"));
    CHECK(has(log, R"("ev":"registered")"));
    CHECK(has(log, R"("ev":"removed")"));
    CHECK(!has(log, R"("ev":"kernel_oops")"));
}

TEST_CASE("kernel host: the model host and the real ipmi_ssif.c give the same outcomes",
          "[kernel][host]") {
    // host-generator's 20 requests of 3..100 bytes with responses of 3..254 bytes: single-part
    // and multi-part writes (0x06, 0x07, 0x08) and reads (0x03, 0x09), at random times. Both
    // hosts probe (the real driver always does). The model is written from this driver, so
    // every outcome, its timing, and all the bus saw and the BMC did must be the same; a
    // difference is a reading of the driver the model got wrong.
    json s = json::parse(read_file(source_dir() + "/scenarios/host-generator.json"));
    s["host"] = {{"probe", true}};
    std::string model_log, kernel_log;
    const json model = run_with_host(s, "model", "khost_cmp_model", &model_log);
    const json real = run_with_host(s, "kernel", "khost_cmp_kernel", &kernel_log);
    CHECK(model["host"]["link"] == real["host"]["link"]);
    REQUIRE(model["requests"].size() == 20);
    REQUIRE(real["requests"].size() == 20);
    for (size_t i = 0; i < model["requests"].size(); ++i) {
        const json& m = model["requests"][i];
        const json& k = real["requests"][i];
        INFO("request " << m["id"]);
        for (const char* field :
             {"id", "request", "response", "completion_code", "error", "started_ns", "completed_ns",
              "write_attempts", "read_attempts", "parts_written", "parts_read"})
            CHECK(m[field] == k[field]);
    }
    CHECK(without_host(model_log) == without_host(kernel_log));
    CHECK(!without_host(kernel_log).empty());
}

TEST_CASE("kernel host: a byte the driver prints but never wrote is the shim's kmalloc fill, "
          "the same every run",
          "[kernel][host]") {
    // host-probe-dead-bus-6.1's dead bus (every byte NAKed) under the real ipmi_ssif.c.
    // ssif_probe: resp = kmalloc(IPMI_MAX_MSG_LENGTH), not zeroed; do_cmd's Get System
    // Interface Capabilities write fails SSIF_SEND_RETRIES times and returns -ENODEV (-19)
    // with len still 0, so "Error fetching SSIF: %d %d %2.2x" prints -19, 0 and resp[2], a
    // byte nothing wrote: the kernel prints what the slab held last; the shim's kmalloc
    // fills with KSHIM_KMALLOC_FILL (0xa5), so the log is the same run to run.
    json s = json::parse(read_file(source_dir() + "/scenarios/host-probe-dead-bus-6.1.json"));
    s.erase("expect"); // its counts name model host events
    s["host"]["implementation"] = "kernel";
    const std::string dir = make_temp_dir("khost_kmalloc_fill");
    write_file(dir + "/s.json", s.dump(2));
    for (const char* log : {"/a.jsonl", "/b.jsonl"}) {
        const CommandResult r =
            run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet --log " + dir + log);
        INFO(r.out);
        REQUIRE(r.exit_code == 1); // T6max and the request's answer fail: nothing answers
    }
    const std::string log = read_file(dir + "/a.jsonl");
    CHECK(has(log, "Error fetching SSIF: -19 0 a5, "));
    CHECK(log == read_file(dir + "/b.jsonl"));
}

TEST_CASE("kernel host: a second kernel host in one process is refused", "[kernel][host]") {
    NullSink log;
    ssif::HostConfig config;
    auto first = kernel::make_kernel_host("host1", config, log);
    REQUIRE(first != nullptr);
    CHECK_THROWS_WITH(kernel::make_kernel_host("host2", config, log),
                      Catch::Contains("one kernel host per process"));
}

TEST_CASE("kernel host: loaded with addr= but no adapter_name=, the driver's NULL strcmp is an "
          "oops finding, not a crash",
          "[kernel][host]") {
    // ssif_probe takes its address's ssif_addr_info (SI_HARDCODED, adapter_name NULL when
    // insmod gave none) and ssif_check_and_remove strcmp()s that name with the adapter's,
    // before any transfer: the probe's task dies there in the kernel. Here the host logs it
    // and ends that thread; the simulation runs on to its end.
    MemorySink log;
    smbus::SmbusBus bus("bus", smbus::SmbusTiming{100000}, log, nullptr);
    kernel::KernelHostOptions options;
    options.adapter_name = false;
    auto host = kernel::make_kernel_host("host", ssif::HostConfig{}, log, options);
    bus.bind_initiator(host->smbus_socket());
    ThreadReaper reaper("reaper");
    sc_core::sc_start(ns(1'000'000'000));
    const std::vector<Event> oops = select(log.events, "host", "kernel_oops");
    REQUIRE(oops.size() == 1);
    CHECK(str_field(oops[0], "what") == "NULL pointer dereference in strcmp()");
    CHECK(str_field(oops[0], "at").rfind("ipmi_ssif.c:", 0) == 0);
    // The probe never reached the bus, nor its "Trying ..." line, nor the interface.
    CHECK(select(log.events, "bus", "transfer").empty());
    CHECK(select(log.events, "host", "kernel_log").size() == 1); // init_ipmi_ssif's banner
    CHECK(select(log.events, "host", "link").empty());
    CHECK(!host->link().found);
    reaper.reap();
}

TEST_CASE("kernel host: an SMBus alert during the probe waits for the device lock",
          "[kernel][host]") {
    // host-alert's BMC pulls SMBALERT# with each response it has ready, the probe's and
    // ipmi_add_smi's included. smbus_do_alert (drivers/i2c/i2c-smbus.c) takes the device lock
    // before it calls the driver's alert, and really_probe holds that lock across ssif_probe,
    // ipmi_register_smi's requests included: no ssif_alert runs before the probe has
    // returned (the link event), and the alerts held back run after it.
    json s = json::parse(read_file(source_dir() + "/scenarios/host-alert.json"));
    s.erase("expect");
    std::string log;
    const json report = run_with_host(s, "kernel", "khost_alert", &log);
    const size_t link = log.find(R"("ev":"link")");
    REQUIRE(link != std::string::npos);
    const size_t first_alert = log.find(R"("src":"host","ev":"alert")");
    REQUIRE(first_alert != std::string::npos);
    CHECK(first_alert > link);
    CHECK(report["host"]["stats"]["alerts"].get<int>() > 0);
    CHECK(report["requests"][0]["error"] == "");
}

TEST_CASE("kernel host: every host event the real ipmi_ssif.c's runs log is in kKernelHostEvents",
          "[kernel][host]") {
    // kKernelHostEvents is what the loader refuses counts against (read_expect):
    // an event the kernel host logs but the table lacks would be refused wrongly. The
    // quickstart (probe, registration, a request, removal), a corrupted PEC from the BMC (the
    // driver's read errors and retries) and a NAKed address (write errors).
    for (const char* name : {"quickstart", "fault-corrupt-pec-bmc-to-host", "fault-nak-address"}) {
        INFO(name);
        const json s =
            json::parse(read_file(source_dir() + "/scenarios/" + std::string(name) + ".json"));
        std::string log;
        run_with_host(s, "kernel", std::string("khost_events_") + name, &log);
        size_t host_events = 0;
        std::istringstream lines(log);
        for (std::string line; std::getline(lines, line);) {
            const json e = json::parse(line);
            if (e["src"] != "host")
                continue;
            ++host_events;
            EventId id{};
            const std::string key = "host." + e["ev"].get<std::string>();
            INFO(key);
            REQUIRE(find_event(key, &id));
            CHECK(kernel::kernel_host_logs(id));
        }
        CHECK(host_events > 0);
    }
}

TEST_CASE("kernel host: expect.counts of a model host event is refused, naming its path",
          "[kernel][host]") {
    // host.state is the model host's state machine (SsifHost); the real driver never logs it,
    // so its count would be 0 whatever the driver did. host.request it does log.
    const std::string dir = make_temp_dir("khost_counts");
    json s = json::parse(read_file(source_dir() + "/scenarios/quickstart.json"));
    s["host"]["implementation"] = "kernel";
    s["expect"]["counts"] = {{"host.request", 1}};
    write_file(dir + "/ok.json", s.dump(2));
    s["expect"]["counts"] = {{"host.request", 1}, {"host.state", 0}};
    write_file(dir + "/bad.json", s.dump(2));
    const CommandResult ok = run_command(ssifsim_binary() + " validate " + dir + "/ok.json");
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    const CommandResult bad =
        run_command(ssifsim_binary() + " run " + dir + "/bad.json --log " + dir + "/bad.jsonl");
    INFO(bad.out);
    CHECK(bad.exit_code == 2);
    CHECK(has(bad.out, "bad.json: $.expect.counts.host.state: the model host's own event"));
    CHECK(has(bad.out, "(the kernel host logs host.request, host.response, host.timer,"));
    CHECK(!std::filesystem::exists(dir + "/bad.jsonl")); // nothing written
    // A misspelt name is offered only events the kernel host may count: host.probe_cmdd is
    // one edit from host.probe_cmd and two from host.probe_rsp, both the model's own.
    s["expect"]["counts"] = {{"host.probe_cmdd", 1}};
    write_file(dir + "/typo.json", s.dump(2));
    const CommandResult typo = run_command(ssifsim_binary() + " validate " + dir + "/typo.json");
    INFO(typo.out);
    CHECK(typo.exit_code == 2);
    CHECK(has(typo.out, "$.expect.counts.host.probe_cmdd: unknown event (accepted: "));
    CHECK(has(typo.out, "host.request, host.response,"));
    CHECK(!has(typo.out, "host.probe_cmd,"));
    CHECK(!has(typo.out, "host.state"));
}

TEST_CASE("kernel host: --compare-kernel leaves the model host's own counts out of its kernel copy",
          "[kernel][host]") {
    // host-probe.json counts host.probe_cmd (6) and host.probe_multipart (1), which only the
    // model host logs: with the real driver both would read 0. The kernel copy drops them and
    // says so; its other checks pass, as the model's do.
    const CommandResult r = run_command(ssifsim_binary() + " run --compare-kernel --kernel-side " +
                                        "host " + source_dir() + "/scenarios/host-probe.json");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "every check passed; not counted: host.probe_cmd, host.probe_multipart, the "
                     "model host's own events)"));
}

// The real ipmi_ssif.c's alert path on the wires, held to check's host_timing: host-alert with
// the kernel host. start_resend clears got_alert and the message is current; the alert's ARA
// read (smbus_alert, i2c-smbus.c) takes the adapter before the write of the next attempt, and
// ssif_alert sets got_alert (a message is current, not waiting_alert); msg_written_handler
// then reads at once, 9.7 us after the write. check took that read for SSIF_MSG_PART_JIFFIES
// cut short: it looked for the alert only from the write's START on.
TEST_CASE("kernel host: check's host_timing takes an alert before the write as got_alert",
          "[kernel][host]") {
    const std::string dir = make_temp_dir("kernel-host-alert-check");
    json scenario = json::parse(read_file(source_dir() + "/scenarios/host-alert.json"));
    scenario["host"]["implementation"] = "kernel";
    scenario.erase("expect"); // the model host's event counts
    write_file(dir + "/s.json", scenario.dump(2));
    const CommandResult r =
        run_command(ssifsim_binary() + " run " + dir + "/s.json --quiet --vcd " + dir + "/w.vcd");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const CommandResult check = run_command(ssifsim_binary() + " check " + dir + "/w.vcd");
    INFO(check.out);
    CHECK(has(check.out, "pass  host_timing"));
}
