// Fault campaigns: ddmin, the shrinker driven by an oracle of the test's own, and a sweep
// over a template with a known bug whose failures shrink to minimal scenarios.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "tests/support.h"
#include "tools/shrink.h"

using namespace ssifsim::test;
using namespace ssifsim::tools;

TEST_CASE("ddmin: the failure-inducing items, whatever else surrounds them", "[campaign]") {
    // Fails when items 3 and 7 are both present: ddmin must keep exactly those (a
    // 1-minimal set: without either, it passes).
    int asked = 0;
    const auto both = [&](const std::vector<size_t>& s) {
        ++asked;
        return std::count(s.begin(), s.end(), 3) && std::count(s.begin(), s.end(), 7);
    };
    CHECK(ddmin(10, both) == std::vector<size_t>{3, 7});
    CHECK(asked < 45); // fewer questions than the 2^10 subsets, or the 45 pairs
    // A failure that needs nothing: the empty set, asked first.
    CHECK(ddmin(5, [](const std::vector<size_t>&) { return true; }).empty());
    // One item needed out of one.
    CHECK(ddmin(1, [](const std::vector<size_t>& s) { return s.size() == 1; }) ==
          std::vector<size_t>{0});
}

TEST_CASE("a failure's class: decimal numbers aside, hex bytes and names kept", "[campaign]") {
    CHECK(number_class("request 4 (done t=20244.105000 ms): completion code is 0xff, expected "
                       "0x00") ==
          "request # (done t=#.# ms): completion code is 0xff, expected 0x00");
    CHECK(number_class("request 12 completion_code") == "request # completion_code");
    CHECK(number_class("tLOW:SEXT cpu3 -6 (ENXIO)") == "tLOW:SEXT cpu3 -# (ENXIO)");
    CHECK(number_class("0xff") != number_class("0x00"));
}

TEST_CASE("shrink: faults and requests and sizes reduced while the oracle fails the same way and a "
          "fault's aim is never moved onto another request",
          "[campaign]") {
    // The test's oracle stands for the npcm-2024-slave-disable bug: a silent daemon on some
    // request leaves the BMC deaf, so the expected request (id `e`) fails if the daemon is
    // silent on the read of request e or of any before it (read k <= e; the daemon reads
    // request k as its read k: no host fault or foreign write adds reads). A silent daemon
    // on the expected request itself fails the same way, but only shows "a faulted request
    // fails", not the bug: the shrinker must never move the fault there. The slow daemon
    // (10 ms, well inside the 500 ms timer) and the foreign master's read (no daemon read)
    // are noise.
    const ojson failing = ojson::parse(R"({
      "version": 1,
      "workload": {"requests": [
        {"at_ms": 0, "netfn": 6, "cmd": 1, "data": []},
        {"at_ms": 1000, "netfn": 48, "cmd": 1, "data": [1, 2, 3, 4, 5, 6, 7, 8]},
        {"at_ms": 2000, "netfn": 6, "cmd": 87, "data": [0]},
        {"at_ms": 22000, "netfn": 6, "cmd": 1, "data": []}]},
      "faults": [
        {"type": "daemon_slow", "latency_ms": 10, "read": 2},
        {"type": "daemon_silent", "read": 3},
        {"type": "foreign_master", "at_ms": 1500, "op": "read", "length": 4}],
      "expect": {"requests": [{"id": 4, "error": "", "completion_code": 0}]}})");
    const FailureSignature target{"an invariant failed", "request # completion_code",
                                  "completion code is 0xff, expected 0x00"};
    int runs = 0;
    const auto oracle = [&](const ojson& c) {
        ++runs;
        if (c["expect"]["requests"].empty())
            return FailureSignature{};
        const int64_t e = c["expect"]["requests"][0]["id"];
        for (const ojson& f : c["faults"])
            if (f["type"] == "daemon_silent" && f["read"].get<int64_t>() <= e)
                return target;
        return FailureSignature{};
    };
    const ShrinkResult r = shrink_scenario(failing, target, oracle, 500);
    CHECK(r.runs == runs);
    CHECK_FALSE(r.budget_spent);
    // One fault, the silent daemon, still on the request it was aimed at (request 3, Get
    // Self Test Results, cmd 87), renumbered 3 -> 1 since requests 1 and 2 were dropped; it
    // is not lowered or moved. Two requests: it, and the expected one (4 -> 2). The old rule
    // moved the fault onto the next request kept (the expected one) when request 3 went,
    // giving one request with read 1 = the expected request: this test then fails.
    REQUIRE(r.scenario["faults"].size() == 1);
    CHECK(r.scenario["faults"][0] == ojson({{"type", "daemon_silent"}, {"read", 1}}));
    REQUIRE(r.scenario["workload"]["requests"].size() == 2);
    CHECK(r.scenario["workload"]["requests"][0]["cmd"] == 87);
    CHECK(r.scenario["workload"]["requests"][1]["cmd"] == 1);
    CHECK(r.scenario["workload"]["requests"][0]["at_ms"] == 0);
    CHECK(r.scenario["expect"]["requests"][0]["id"] == 2);
    const ScenarioSize before = scenario_size(failing), after = scenario_size(r.scenario);
    CHECK(before.faults == 3);
    CHECK(before.requests == 4);
    CHECK(before.data_bytes == 9);
    CHECK(after.faults == 1);
    CHECK(after.requests == 2);
    CHECK(after.data_bytes == 0);
    CHECK(after.file_bytes < before.file_bytes);
    // A budget stops it, and says so.
    runs = 0;
    const ShrinkResult short_run = shrink_scenario(failing, target, oracle, 3);
    CHECK(short_run.runs == 3);
    CHECK(short_run.budget_spent);
}

TEST_CASE("shrink: a daemon fault's read count is left alone while a foreign write may shift it",
          "[campaign]") {
    // A foreign master's write at 500 ms is a request of its own to the daemon: its read 2.
    // The silent daemon on read 3 is thus on request 2 (cmd 87), not request 3. Dropping the
    // foreign write, or request 1 (which comes before it), would change which request read 3
    // names; the shrinker may only drop the daemon fault itself. The oracle fails whenever a
    // silent daemon is present, so only the rule keeps the rest.
    const ojson failing = ojson::parse(R"({
      "version": 1,
      "workload": {"requests": [
        {"at_ms": 0, "netfn": 6, "cmd": 1},
        {"at_ms": 1000, "netfn": 6, "cmd": 87},
        {"at_ms": 22000, "netfn": 6, "cmd": 1}]},
      "faults": [
        {"type": "daemon_silent", "read": 3},
        {"type": "foreign_master", "at_ms": 500, "op": "write", "data": [2, 2, 24, 1]}]})");
    const FailureSignature target{"an invariant failed", "all_answered", "request # unanswered"};
    const auto oracle = [&](const ojson& c) {
        for (const ojson& f : c["faults"])
            if (f["type"] == "daemon_silent")
                return target;
        return FailureSignature{};
    };
    const ShrinkResult r = shrink_scenario(failing, target, oracle, 500);
    CHECK(r.scenario["faults"] == failing["faults"]);
    CHECK(r.scenario["workload"] == failing["workload"]);
}

TEST_CASE("sweep over a template with a known bug: each failure shrinks to one fault and one or "
          "two requests that fail the same way in under a second",
          "[campaign][cli]") {
    const std::string dir = make_temp_dir("campaign");
    // bmc.controller npcm-2024-slave-disable (Nuvoton-Israel/linux PRs #443/#444/#447): the
    // driver disables its slave address when it goes busy and enables it only when the
    // daemon writes a response, so a request the daemon never answers (silent, too late for
    // the 500 ms timer, or a write() refused as malformed) leaves the BMC deaf. The sweep's
    // clean Get Device ID after the faults is then NAKed at the address for all 250 reads and
    // the host gives up with completion code 0xff, against the 0x00 the sweep expects.
    write_file(dir + "/t.json", R"({"version": 1,
      "bmc": {"controller": "npcm-2024-slave-disable", "daemon": {"latency_ms": 20}},
      "workload": {"requests": [
        {"at_ms": 0, "netfn": "0x06", "cmd": "0x01"},
        {"at_ms": 1000, "netfn": "0x30", "cmd": "0x01", "data": [1, 2, 3, 4, 5, 6, 7, 8]},
        {"at_ms": 2000, "netfn": "0x06", "cmd": "0x57", "data": [0]}]}})");
    const CommandResult r = run_command(
        ssifsim_binary() + " sweep " + dir + "/t.json --count 16 --seed 1 --out " + dir +
        "/out --summary " + dir + "/out/summary.json --junit " + dir + "/junit.xml");
    INFO(r.out);
    REQUIRE(r.exit_code == 1);
    const nlohmann::json summary = nlohmann::json::parse(read_file(dir + "/out/summary.json"));
    REQUIRE(summary["failure_count"].get<int>() > 0);
    CHECK(summary["seeds_run"] == 16);
    for (const nlohmann::json& f : summary["failures"]) {
        INFO("seed " << f["seed"]);
        CHECK(f["outcome"] == "an invariant failed");
        CHECK(f["reason"].get<std::string>().find("completion code is 0xff, expected 0x00") !=
              std::string::npos);
        REQUIRE(f["shrunk"].is_string());
        const std::string shrunk = dir + "/out/" + f["shrunk"].get<std::string>();
        const nlohmann::json s = nlohmann::json::parse(read_file(shrunk));
        CHECK(s["faults"].size() <= 1);
        CHECK(s["workload"]["requests"].size() >= 1);
        CHECK(s["workload"]["requests"].size() <= 2);
        CHECK(f["size"]["shrunk"]["faults"] <= f["size"]["original"]["faults"]);
        CHECK(f["size"]["shrunk"]["file_bytes"] <= f["size"]["original"]["file_bytes"]);
        // It still fails the same way: the clean request (now request 1 or 2) is refused.
        const auto t0 = std::chrono::steady_clock::now();
        const CommandResult again = run_command(ssifsim_binary() + " run " + shrunk);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        INFO(again.out);
        CHECK(again.exit_code == 1);
        CHECK(again.out.find("completion code is 0xff, expected 0x00") != std::string::npos);
        CHECK(wall < 1.0);
        // And it still shows the controller's bug: with the default controller (address-nak,
        // the slave address never disabled) the same scenario passes.
        nlohmann::json fixed = s;
        fixed["bmc"]["controller"] = "address-nak";
        write_file(dir + "/fixed.json", fixed.dump(2));
        CHECK(run_command(ssifsim_binary() + " run " + dir + "/fixed.json").exit_code == 0);
    }
    // The sweep's JUnit passes the validator the run's JUnit passes: one failed test case
    // per failing seed, one passing case for the rest.
    const int n = summary["failure_count"].get<int>();
    CHECK(check_junit(dir + "/junit.xml") ==
          "tests=" + std::to_string(n + 1) + " failures=" + std::to_string(n) + "\n");
    // shrink on its own: the same result for one kept original.
    const std::string original = dir + "/out/" + summary["failures"][0]["file"].get<std::string>();
    const CommandResult alone =
        run_command(ssifsim_binary() + " shrink " + original + " --out " + dir + "/alone.min.json");
    INFO(alone.out);
    CHECK(alone.exit_code == 0);
    CHECK(alone.out.find("shrunk: " + dir + "/alone.min.json: ") != std::string::npos);
    CHECK(read_file(dir + "/alone.min.json") ==
          read_file(dir + "/out/" + summary["failures"][0]["shrunk"].get<std::string>()));
    // A scenario that passes has nothing to shrink: exit 1, nothing written.
    const CommandResult pass = run_command(ssifsim_binary() + " shrink " + source_dir() +
                                           "/scenarios/quickstart.json --out " + dir + "/q.json");
    CHECK(pass.exit_code == 1);
    CHECK(pass.out.find("passes; nothing to shrink") != std::string::npos);
    CHECK(run_command("test -e " + dir + "/q.json").exit_code != 0);
}

TEST_CASE("sweep --shard and sweep-merge refuse what is not one campaign", "[campaign][cli]") {
    const std::string dir = make_temp_dir("merge-bad");
    const std::string sweep = ssifsim_binary() + " sweep " + source_dir() +
                              "/scenarios/quickstart.json --count 4 --out " + dir + "/s ";
    CHECK(run_command(sweep + "--shard 2/2").exit_code == 2);
    CHECK(run_command(sweep + "--shard 1").exit_code == 2);
    // A summary that cannot be written: exit 2 before any seed runs, nothing left behind.
    const CommandResult unwritable = run_command(sweep + "--summary " + dir + "/no/such/s.json");
    CHECK(unwritable.exit_code == 2);
    CHECK(unwritable.out.find(dir + "/no/such/s.json") != std::string::npos);
    CHECK(run_command("test -e " + dir + "/s").exit_code != 0);
    // Shard 0 of 2 alone: the merge misses shard 1/2 and says so.
    REQUIRE(run_command(sweep + "--shard 0/2").exit_code == 0);
    const CommandResult missing = run_command(ssifsim_binary() + " sweep-merge " + dir + "/s");
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.find("shard(s) 1/2 missing") != std::string::npos);
    // Shard 1 of 2 of another campaign (another first seed) is refused.
    REQUIRE(run_command(sweep + "--shard 1/2 --seed 9").exit_code == 0);
    const CommandResult other = run_command(ssifsim_binary() + " sweep-merge " + dir + "/s");
    CHECK(other.exit_code == 2);
    CHECK(other.out.find("$.first_seed: 9 differs") != std::string::npos);
    // A file that is not a summary: exit 2 naming it.
    write_file(dir + "/bad.json", R"({"format": 5})");
    const CommandResult bad = run_command(ssifsim_binary() + " sweep-merge " + dir + "/bad.json");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find(dir + "/bad.json: not a complete sweep summary") != std::string::npos);
}

TEST_CASE("shrink keeps the controller bug: the shrunk npcm failure passes with address-nak",
          "[campaign][cli]") {
    const std::string dir = make_temp_dir("campaign-npcm");
    // Seed 2 of the npcm template (the user's report): a slow daemon (553 ms, past the BMC's
    // 500 ms timer) on request 1, then the clean Get Device ID (request 2), which npcm never
    // answers: the driver left its slave address disabled. With the default controller
    // ("address-nak", slave left enabled) the same scenario passes: that is the bug.
    const std::string sweep = ssifsim_binary() + " sweep " + source_dir() +
                              "/scenarios/bmc-controller-npcm-2024-slave-disable.json --count 1 "
                              "--seed 2 --no-shrink --out " +
                              dir + "/o";
    REQUIRE(run_command(sweep).exit_code == 1);
    const std::string original = dir + "/o/sweep-2.json";
    nlohmann::json o = nlohmann::json::parse(read_file(original));
    REQUIRE(o["faults"].size() == 1);
    REQUIRE(o["faults"][0]["read"] == 1);
    REQUIRE(o["workload"]["requests"].size() == 2);
    const auto with_controller = [&](nlohmann::json s, const std::string& name) {
        s["bmc"]["controller"] = name;
        write_file(dir + "/" + name + ".json", s.dump(2));
        return run_command(ssifsim_binary() + " run " + dir + "/" + name + ".json").exit_code;
    };
    REQUIRE(with_controller(o, "address-nak") == 0);

    const CommandResult r =
        run_command(ssifsim_binary() + " shrink " + original + " --out " + dir + "/min.json");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    // The real check and reason, not the number-masked signature.
    CHECK(r.out.find("request 2 completion_code: request 2 (done t=") != std::string::npos);
    CHECK(r.out.find("request #") == std::string::npos);
    const nlohmann::json m = nlohmann::json::parse(read_file(dir + "/min.json"));
    INFO(m.dump(2));
    // Still fails on npcm, and passes with address-nak: it still shows the controller bug.
    // (The old rule dropped request 1 and moved the slow daemon's read 1 onto the clean
    // request, which then fails with any controller.)
    CHECK(run_command(ssifsim_binary() + " run " + dir + "/min.json").exit_code == 1);
    CHECK(with_controller(m, "address-nak") == 0);
    CHECK(m["workload"]["requests"].size() == 2);

    // --out naming the scenario itself: refused, exit 2, the original unchanged.
    const std::string before = read_file(original);
    const CommandResult same =
        run_command(ssifsim_binary() + " shrink " + original + " --out " + original);
    CHECK(same.exit_code == 2);
    CHECK(same.out.find("must not replace the original") != std::string::npos);
    CHECK(read_file(original) == before);
}

TEST_CASE("shrink on a scenario refused only when it runs: exit 2, nothing written",
          "[campaign][cli][ipmi_sim]") {
    const std::string dir = make_temp_dir("campaign-bad");
    // ipmi_sim refuses an emulator line and never listens: the run is bad input as soon as
    // ipmi_sim prints its "**" line. With --timeout 1 the run's own clock would call a slow
    // start a hang; it must be bad input either way.
    write_file(dir + "/s.json", kIpmiSimRefusedEmulatorScenario);
    for (const char* timeout : {"60", "1"}) {
        INFO("--timeout " << timeout);
        const CommandResult r =
            run_command(ssifsim_binary() + " shrink " + dir + "/s.json --timeout " + timeout);
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("s.json: $.bmc.daemon.ipmi_sim: ipmi_sim") != std::string::npos);
        CHECK(run_command("test -e " + dir + "/s.min.json").exit_code != 0);
        CHECK(run_command("ls " + dir).out == "s.json\n");
    }
}
