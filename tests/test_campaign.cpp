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

TEST_CASE("shrink: faults, requests, aims and sizes reduced while the oracle fails the same way",
          "[campaign]") {
    // The test's oracle stands for a driver bug: the run fails ("request N completion_code")
    // when a daemon_silent fault is present and some request is answered after it, i.e. at
    // least one request; the host faults and the foreign master are noise.
    const ojson failing = ojson::parse(R"({
      "version": 1,
      "workload": {"requests": [
        {"at_ms": 0, "netfn": 6, "cmd": 1, "data": []},
        {"at_ms": 1000, "netfn": 48, "cmd": 1, "data": [1, 2, 3, 4, 5, 6, 7, 8]},
        {"at_ms": 2000, "netfn": 6, "cmd": 87, "data": [0]},
        {"at_ms": 22000, "netfn": 6, "cmd": 1, "data": []}]},
      "faults": [
        {"type": "nak", "op": "write", "byte": 3, "request": 2, "nth": 3, "count": 2},
        {"type": "daemon_silent", "read": 3},
        {"type": "foreign_master", "at_ms": 1500, "op": "read", "length": 4}],
      "expect": {"requests": [{"id": 4, "error": "", "completion_code": 0}]}})");
    const FailureSignature target{"an invariant failed", "request # completion_code",
                                  "completion code is 0xff, expected 0x00"};
    int runs = 0;
    const auto oracle = [&](const ojson& c) {
        ++runs;
        bool silent = false;
        for (const ojson& f : c["faults"])
            silent = silent || f["type"] == "daemon_silent";
        if (silent && !c["workload"]["requests"].empty() && !c["expect"]["requests"].empty())
            return target;
        return FailureSignature{};
    };
    const ShrinkResult r = shrink_scenario(failing, target, oracle, 500);
    CHECK(r.runs == runs);
    CHECK_FALSE(r.budget_spent);
    // One fault, the silent daemon, aimed at the first read (3 lowered to 1); one request,
    // the one the expectation names (renumbered 4 -> 1), moved to 0 ms, its data gone.
    REQUIRE(r.scenario["faults"].size() == 1);
    CHECK(r.scenario["faults"][0] == ojson({{"type", "daemon_silent"}, {"read", 1}}));
    REQUIRE(r.scenario["workload"]["requests"].size() == 1);
    CHECK(r.scenario["workload"]["requests"][0]["at_ms"] == 0);
    CHECK(r.scenario["expect"]["requests"][0]["id"] == 1);
    const ScenarioSize before = scenario_size(failing), after = scenario_size(r.scenario);
    CHECK(before.faults == 3);
    CHECK(before.requests == 4);
    CHECK(before.data_bytes == 9);
    CHECK(after.faults == 1);
    CHECK(after.requests == 1);
    CHECK(after.file_bytes < before.file_bytes);
    // A budget stops it, and says so.
    runs = 0;
    const ShrinkResult short_run = shrink_scenario(failing, target, oracle, 3);
    CHECK(short_run.runs == 3);
    CHECK(short_run.budget_spent);
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
