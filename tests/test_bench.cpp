// The benchmark at 1% of its size, so that it cannot rot: every workload runs, its counts
// are the workload's, and the JSON carries every figure. Speed itself is never asserted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "tests/support.h"
#include "tools/child.h"

using namespace ssifsim::test;
using nlohmann::json;

TEST_CASE("bench at 1%: every workload runs and reports every figure", "[bench]") {
    const CommandResult r =
        run_command_stdout(ssifsim_binary() + " bench --scale 0.01 --memory --json --vcd-dir " +
                           make_temp_dir("bench"));
    REQUIRE(r.exit_code == 0);
    const json doc = json::parse(r.out);
    const json& w = doc["workloads"];
    for (const char* name :
         {"ssif-mixed", "floor", "ssif-mixed-vcd", "ssif-mixed-log", "ssif-mixed-10x", "ssif-burst",
          "zpci-storm-floating", "zpci-storm-directed", "raw-kernel"}) {
        INFO(name);
        REQUIRE(w.contains(name));
        for (const char* key :
             {"sim_seconds", "wall_seconds", "sim_over_wall", "requests_per_s", "bus_bytes_per_s",
              "activations_per_s", "raw_activations_per_s", "peak_rss_mb"})
            CHECK(w[name].contains(key));
        CHECK(w[name]["checks_passed"] == true);
        CHECK(w[name]["wall_seconds"].get<double>() > 0);
        // Counts print as whole numbers (1000, not 1000.0); the floor has no activations.
        for (const char* key : {"requests", "msis", "bus_bytes"})
            CHECK(w[name][key].is_number_unsigned());
        CHECK((std::string(name) == "floor" ? w[name]["activations"].is_null()
                                            : w[name]["activations"].is_number_unsigned()));
        CHECK(w[name]["peak_rss_mb"].get<double>() > 0);
    }
    // 1% of 70,000 single-part and 30,000 multi-part requests, and ten times that.
    CHECK(w["ssif-mixed"]["requests"] == 1000);
    // The floor takes ssif-mixed's file scaled the same way (each generator's count times
    // 0.01, rounded: 700 + 300) and counts each request the host driver completes.
    CHECK(w["floor"]["requests"] == 1000);
    CHECK(w["floor"]["log_events"].get<double>() > 0);
    CHECK(w["floor"]["log_events"].is_number_unsigned());
    CHECK(w["floor"]["activations"].is_null()); // no SystemC process: nothing to count
    // The floor does the SystemC run's work: its plain time counter ends where the run's
    // simulated time does, with the same bytes on the wire (the same transfers, NAKed
    // reads and retries included).
    CHECK(w["floor"]["sim_seconds"] == w["ssif-mixed"]["sim_seconds"]);
    CHECK(w["floor"]["bus_bytes"] == w["ssif-mixed"]["bus_bytes"]);
    CHECK(w["ssif-mixed-vcd"]["requests"] == 1000);
    CHECK(w["ssif-mixed-10x"]["requests"] == 10000);
    // ssif-burst: the same 1% of ssif-mixed's requests, all due at time 0.
    CHECK(w["ssif-burst"]["requests"] == 1000);
    // The same seed gives the same run with or without the waveforms.
    CHECK(w["ssif-mixed-vcd"]["sim_seconds"] == w["ssif-mixed"]["sim_seconds"]);
    CHECK(w["ssif-mixed-vcd"]["activations"] == w["ssif-mixed"]["activations"]);
    // The waveform run reports what its files held (stat before they are removed: two VCDs
    // of a thousand requests' wire bits, megabytes) and the wall time it waited for the file
    // system, part of its own; runs without waveforms report neither.
    const json& vcd = w["ssif-mixed-vcd"];
    CHECK(vcd["waveform_bytes"].get<double>() > 1e6);
    CHECK(vcd["waveform_bytes"].is_number_unsigned());
    CHECK(vcd["waveform_bytes_per_s"].get<double>() ==
          Approx(vcd["waveform_bytes"].get<double>() / vcd["wall_seconds"].get<double>()));
    CHECK(vcd["waveform_wait_seconds"].get<double>() >= 0);
    CHECK(vcd["waveform_wait_seconds"].get<double>() <= vcd["wall_seconds"].get<double>());
    CHECK(!w["ssif-mixed"].contains("waveform_bytes"));
    // The event log run: the same run, and the bytes of its log (stat before it is removed:
    // a thousand requests' events, each wire byte a line, megabytes); the others write none.
    const json& log = w["ssif-mixed-log"];
    CHECK(log["requests"] == 1000);
    CHECK(log["sim_seconds"] == w["ssif-mixed"]["sim_seconds"]);
    CHECK(log["bus_bytes"] == w["ssif-mixed"]["bus_bytes"]);
    CHECK(log["log_bytes"].get<double>() > 1e6);
    CHECK(log["log_bytes"].is_number_unsigned());
    CHECK(log["log_bytes_per_s"].get<double>() ==
          Approx(log["log_bytes"].get<double>() / log["wall_seconds"].get<double>()));
    CHECK(log["log_wait_seconds"].get<double>() >= 0);
    CHECK(log["log_wait_seconds"].get<double>() <= log["wall_seconds"].get<double>());
    CHECK(!log.contains("waveform_bytes"));
    CHECK(!w["ssif-mixed"].contains("log_bytes"));
    CHECK(!w["ssif-mixed"].contains("log_wait_seconds"));
    CHECK(!vcd.contains("log_bytes"));
    // 1% of the 1,000,000-MSI storms.
    CHECK(w["zpci-storm-floating"]["msis"] == 10000);
    CHECK(w["zpci-storm-directed"]["msis"] == 10000);
    // The raw kernel makes 20 million activations times the scale (200,000 here), or as many
    // as ssif-mixed if that is more (17,100 here: 17.1 a request since the bus runs ahead),
    // and stops at that count, give or take the other threads woken at the same instant
    // (eight in all).
    const double target = std::max(200000.0, w["ssif-mixed"]["activations"].get<double>());
    CHECK(w["ssif-mixed"]["activations"].get<double>() < 200000);
    CHECK(w["raw-kernel"]["activations"].get<double>() >= target);
    CHECK(w["raw-kernel"]["activations"].get<double>() <= target + 8);
    CHECK(w["ssif-mixed"]["raw_activations_per_s"] == w["raw-kernel"]["activations_per_s"]);
    // The cost ratios: per request for the SSIF workloads, per MSI for the storms, finite and
    // positive (their size is never asserted).
    const auto positive = [&w](const char* name, const char* key) {
        INFO(name << " " << key);
        REQUIRE(w[name].contains(key));
        const double v = w[name][key].get<double>();
        CHECK(std::isfinite(v));
        CHECK(v > 0);
    };
    for (const char* name :
         {"ssif-mixed", "ssif-mixed-vcd", "ssif-mixed-log", "ssif-mixed-10x", "ssif-burst"})
        for (const char* key :
             {"activations_per_request", "raw_activations_per_request", "floor_ratio"})
            positive(name, key);
    for (const char* name : {"zpci-storm-floating", "zpci-storm-directed"})
        for (const char* key : {"activations_per_msi", "raw_activations_per_msi"})
            positive(name, key);
    // raw_activations_per_request is raw-kernel's activations per second over the
    // workload's requests per second.
    CHECK(w["ssif-mixed"]["raw_activations_per_request"].get<double>() ==
          Approx(w["raw-kernel"]["activations_per_s"].get<double>() /
                 w["ssif-mixed"]["requests_per_s"].get<double>()));
    // One goal line each: speed, requests, VCD cost, memory (longer, and all due at once),
    // the activation share of both storms (not ssif-mixed's: its activations carry whole
    // transfers), raw activations and floor requests per ssif-mixed request, and raw
    // activations per MSI for both storms.
    REQUIRE(doc["goals"].size() == 11);
    // Each goal has a stable id, "<workload>/<metric>", its parts and a comparison that
    // decides "met" from value and target.
    std::set<std::string> ids;
    for (const auto& g : doc["goals"]) {
        const std::string id = g["id"];
        INFO(id);
        CHECK(id == g["workload"].get<std::string>() + "/" + g["metric"].get<std::string>());
        CHECK(ids.insert(id).second);
        CHECK(!g["unit"].get<std::string>().empty());
        const double value = g["value"], target = g["target"];
        CHECK(g["met"] == (g["comparison"] == "at_most" ? value <= target : value >= target));
    }
    CHECK(ids.count("ssif-mixed/raw_activations_per_request") == 1);
    CHECK(ids.count("ssif-mixed/activation_share") == 0);
    CHECK(ids.count("zpci-storm-floating/activation_share") == 1);
    CHECK(ids.count("zpci-storm-directed/raw_activations_per_msi") == 1);
}

TEST_CASE("bench refuses a bad scale or workload with exit 2", "[bench][cli]") {
    for (const char* args :
         {"--scale 0", "--scale -1", "--scale 1000", "--workload nope", "somefile.json",
          "--repeat 0", "--repeat 101", "--repeat=-4294967294"}) {
        INFO(args);
        const CommandResult r = run_command(ssifsim_binary() + " bench " + args);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find("ssifsim: ") != std::string::npos);
        // Every usage error of the command, boost's or bench's own checks, points to the
        // command's help, where its options are.
        CHECK(r.out.find("Try 'ssifsim bench --help'.") != std::string::npos);
    }
    // A --vcd-dir the VCD workload could not write to is refused before any workload runs
    // (none is printed); without that workload it is not used.
    const CommandResult vcd =
        run_command(ssifsim_binary() + " bench --scale 0.001 --vcd-dir /nonexistent/dir");
    CHECK(vcd.exit_code == 2);
    CHECK(vcd.out.find("--vcd-dir: '/nonexistent/dir' is not a directory") != std::string::npos);
    CHECK(vcd.out.find("ssif-mixed ") == std::string::npos);
    // An empty one is no directory (not the root it would make of DIR/NAME): as every
    // option's, an empty value is refused.
    const CommandResult empty = run_command(ssifsim_binary() + " bench --scale 0.001 --vcd-dir ''");
    CHECK(empty.exit_code == 2);
    CHECK(empty.out.find("the option '--vcd-dir' needs a value, not an empty one") !=
          std::string::npos);
    // A directory access() calls writable for root, where no file can be created.
    const CommandResult proc =
        run_command(ssifsim_binary() + " bench --scale 0.001 --vcd-dir /proc");
    CHECK(proc.exit_code == 2);
    CHECK(proc.out.find("--vcd-dir: '/proc' is not a directory this process can write") !=
          std::string::npos);
    CHECK(run_command(ssifsim_binary() +
                      " bench --scale 0.001 --workload raw-kernel --vcd-dir /nonexistent/dir")
              .exit_code == 0);
    // The event log workload writes there too.
    const CommandResult log = run_command(
        ssifsim_binary() + " bench --scale 0.001 --workload ssif-mixed-log --vcd-dir /proc");
    CHECK(log.exit_code == 2);
    CHECK(log.out.find("--vcd-dir: '/proc' is not a directory this process can write") !=
          std::string::npos);
    // An option boost cannot parse points to bench's own help, where the options are.
    const CommandResult r = run_command(ssifsim_binary() + " bench --scale x");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("Try 'ssifsim bench --help'.") != std::string::npos);
}

// Without raw-kernel the raw-kernel rate was not measured: null, not a rate of 0, and no ratio
// built on it; the model's own activations per request stand.
TEST_CASE("bench without raw-kernel: its rate is null and its ratios absent", "[bench]") {
    const CommandResult r =
        run_command_stdout(ssifsim_binary() + " bench --scale 0.002 --workload ssif-mixed --json");
    REQUIRE(r.exit_code == 0);
    const json doc = json::parse(r.out);
    const json& m = doc["workloads"]["ssif-mixed"];
    CHECK(m["raw_activations_per_s"].is_null());
    CHECK(!m.contains("raw_activations_per_request"));
    CHECK(m["activations_per_request"].get<double>() > 0);
}

// A workload's process reports through a pipe (run_in_child): a process out of descriptors
// fails with the errno's text, std::system_error's "pipe: Too many open files" (EMFILE), not
// a bare "pipe failed". Here the limit leaves one free descriptor, where pipe(2) needs two.
TEST_CASE("run_in_child out of descriptors says why", "[bench]") {
#if defined(__SANITIZE_ADDRESS__)
    // Not in the sanitizer build: its runtime opens a pipe of its own to test memory before it
    // reads it (UBSan's vptr check of the exception thrown), which the limit makes fail, and
    // it then reports the exception an invalid object. The other builds hold the rule.
    return;
#endif
    const int lowest_free = dup(0);
    REQUIRE(lowest_free >= 0);
    close(lowest_free);
    struct rlimit saved;
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    struct rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free) + 1;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    std::string what;
    try {
        ssifsim::tools::run_in_child([](int) { return 0; });
    } catch (const std::system_error& e) {
        what = e.what();
    }
    REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK(what == "pipe: Too many open files");
}

// --repeat 3: every workload runs three times, and its figures are the run with the
// median wall time: wall_seconds is the middle one of wall_seconds_runs.
TEST_CASE("bench --repeat keeps each workload's median run", "[bench]") {
    const CommandResult r = run_command_stdout(
        ssifsim_binary() +
        " bench --scale 0.002 --repeat 3 --workload ssif-mixed --workload raw-kernel --json");
    REQUIRE(r.exit_code == 0);
    const json doc = json::parse(r.out);
    CHECK(doc["repeat"] == 3);
    for (const char* name : {"ssif-mixed", "raw-kernel"}) {
        INFO(name);
        const json& w = doc["workloads"][name];
        REQUIRE(w["wall_seconds_runs"].size() == 3);
        std::vector<double> walls = w["wall_seconds_runs"].get<std::vector<double>>();
        std::sort(walls.begin(), walls.end());
        CHECK(w["wall_seconds"].get<double>() == walls[1]);
    }
    CHECK(doc["workloads"]["ssif-mixed"]["requests"] == 200);
    // Its ratio comes from the two medians: raw_activations_per_s / requests_per_s.
    const json& m = doc["workloads"]["ssif-mixed"];
    CHECK(m["raw_activations_per_request"].get<double>() ==
          Approx(m["raw_activations_per_s"].get<double>() / m["requests_per_s"].get<double>()));
    // Without --repeat, one run, listed all the same (the JSON's shape does not depend on it).
    const CommandResult one =
        run_command_stdout(ssifsim_binary() + " bench --scale 0.002 --workload raw-kernel --json");
    REQUIRE(one.exit_code == 0);
    const json d1 = json::parse(one.out);
    CHECK(d1["repeat"] == 1);
    const json& raw = d1["workloads"]["raw-kernel"];
    CHECK(raw["wall_seconds_runs"] == json::array({raw["wall_seconds"]}));
}

TEST_CASE("bench names the running workload on a terminal, never into a pipe", "[bench][cli]") {
    const std::string command = ssifsim_binary() +
                                " bench --scale 0.002 --repeat 2 --workload ssif-mixed --workload "
                                "raw-kernel";
    // script(1) gives bench a terminal: one line, redrawn in place ('\r') as each of the two
    // workloads starts in each of the two rounds, then blanked before the table.
    const CommandResult tty = run_command("script -qec '" + command + "' /dev/null");
    REQUIRE(tty.exit_code == 0);
    for (const char* line : {"\r  bench: ssif-mixed, workload 1 of 2, round 1 of 2, ",
                             "\r  bench: raw-kernel, workload 2 of 2, round 1 of 2, ",
                             "\r  bench: ssif-mixed, workload 1 of 2, round 2 of 2, ",
                             "\r  bench: raw-kernel, workload 2 of 2, round 2 of 2, "}) {
        INFO(line);
        CHECK(tty.out.find(line) != std::string::npos);
    }
    const size_t table = tty.out.find("ssifsim bench, scale 0.002");
    REQUIRE(table != std::string::npos);
    CHECK(tty.out.rfind(" so far", table) < table);
    CHECK(tty.out.substr(table - 2, 2) == " \r"); // the line blanked, the cursor back
    const CommandResult pipe = run_command(command);
    REQUIRE(pipe.exit_code == 0);
    CHECK(pipe.out.find("bench:") == std::string::npos);
    CHECK(pipe.out.find('\r') == std::string::npos);
    // On a terminal 40 columns wide, the line is cut to 39 (one that wrapped would leave a row
    // behind at each redraw): every redraw (or blanking), up to the next '\r', fits. The
    // workloads' own stderr shares the terminal: a sanitizer build's warning ("==PID==...")
    // follows a redraw on its row, and is not judged.
    const CommandResult narrow =
        run_command("script -qec 'stty cols 40; " + command + "' /dev/null");
    REQUIRE(narrow.exit_code == 0);
    const size_t end = narrow.out.find("ssifsim bench, scale");
    REQUIRE(end != std::string::npos);
    CHECK(narrow.out.find("\r  bench: ssif-mixed, workload 1 of 2, r") != std::string::npos);
    for (size_t at = narrow.out.find('\r'); at < end; at = narrow.out.find('\r', at + 1)) {
        std::string drawn =
            narrow.out.substr(at + 1, std::min(narrow.out.find('\r', at + 1), end) - at - 1);
        drawn = drawn.substr(0, drawn.find("=="));
        if (drawn.rfind("  bench:", 0) == 0 || drawn.find_first_not_of(' ') == std::string::npos)
            CHECK(drawn.size() <= 39);
    }
    // One column: no room at all, so nothing is drawn (not the whole line).
    const CommandResult one = run_command("script -qec 'stty cols 1; " + command + "' /dev/null");
    REQUIRE(one.exit_code == 0);
    CHECK(one.out.substr(0, one.out.find("ssifsim bench, scale")).find("bench:") ==
          std::string::npos);
}

// A signal to bench, or to its process group (a terminal's Ctrl-C), stops the workload
// running (its run stops at the next event and removes its waveforms, as `ssifsim run`
// stops) and bench after it: no table, exit 128 + the signal, nothing left in --vcd-dir.
TEST_CASE("bench: SIGINT, SIGTERM, SIGHUP stop it, the running workload's waveforms removed",
          "[bench][signal]") {
    const std::string dir = make_temp_dir("bench-signal");
    const struct {
        const char* name;
        int exit_code;
        const char* target; // the shell's kill argument: bench, or its process group
    } cases[] = {{"INT", 130, "$pid"},
                 {"TERM", 143, "$pid"},
                 {"HUP", 129, "$pid"},
                 {"INT", 130, "-- -$pid"}};
    for (const auto& c : cases) {
        INFO("SIG" << c.name << " to " << c.target);
        const std::string out = make_temp_dir("bench-signal-run");
        REQUIRE(run_command("mkdir " + out + "/w").exit_code == 0);
        // bash's set -m: bench in a process group of its own, whose id is its pid. Killed
        // once a waveform is being written (50 rounds of a run of about a second: mid-run).
        write_file(out + "/kill.sh",
                   "set -m\n" + ssifsim_binary() +
                       " bench --scale 0.05 --workload ssif-mixed-vcd --repeat 50 --vcd-dir " +
                       out + "/w > " + out + "/stdout 2> " + out + "/stderr &\npid=$!\n" +
                       "while [ -z \"$(ls -A " + out +
                       "/w/*/ 2>/dev/null)\" ]; do sleep 0.05; "
                       "done\n" +
                       "sleep 0.2\nkill -" + c.name + " " + c.target + "\nwait $pid\n" +
                       "echo \"exit $?\"\n");
        const CommandResult r = run_command("bash " + out + "/kill.sh");
        CHECK(r.out == "exit " + std::to_string(c.exit_code) + "\n");
        CHECK(run_command("ls -A " + out + "/w").out.empty());
        CHECK(read_file(out + "/stdout").empty());
        // Its last line (a sanitizer build's workload process may warn before it).
        const std::string said = std::string("ssifsim: bench stopped by SIG") + c.name +
                                 " at ssif-mixed-vcd (no figures printed)\n";
        const std::string err = read_file(out + "/stderr");
        REQUIRE(err.size() >= said.size());
        CHECK(err.substr(err.size() - said.size()) == said);
    }
}

// A workload's process that ends otherwise than with its figures fails bench (exit 3, one
// line on stderr naming the workload and why, no table): a waveform the file system would
// not take whole (RLIMIT_FSIZE: write(2) fails with EFBIG once SIGXFSZ is ignored), a signal
// to that process alone (its run stops early: it measured something else), or its death.
// Its waveforms' folder in --vcd-dir goes with bench, whatever the process left in it.
TEST_CASE("bench: a workload that fails, is stopped or killed alone fails bench, nothing left",
          "[bench][signal]") {
    const std::string out = make_temp_dir("bench-fail");
    REQUIRE(run_command("mkdir " + out + "/w").exit_code == 0);
    const std::string bench = ssifsim_binary() + " bench --workload ssif-mixed-vcd --vcd-dir " +
                              out + "/w > " + out + "/stdout 2> " + out + "/stderr";
    const auto last_line = [&out] {
        const std::string err = read_file(out + "/stderr");
        const size_t from = err.rfind('\n', err.size() >= 2 ? err.size() - 2 : 0);
        return from == std::string::npos ? err : err.substr(from + 1);
    };
    // At 1% each VCD is tens of MB; 10,000 blocks of 1 KiB is less.
    const CommandResult full = run_command("bash -c \"trap '' XFSZ; ulimit -f 10000; exec " +
                                           bench + " --scale 0.01\"; echo \"exit $?\"");
    CHECK(full.out == "exit 3\n");
    CHECK(last_line().rfind("ssifsim: bench: workload ssif-mixed-vcd failed: ", 0) == 0);
    CHECK(last_line().find("File too large") != std::string::npos);
    CHECK(read_file(out + "/stdout").empty());
    CHECK(run_command("ls -A " + out + "/w").out.empty());
    // The workload's process (bench's child) signalled once its waveforms are being written.
    for (const char* signal : {"INT", "KILL"}) {
        INFO("SIG" << signal);
        write_file(out + "/kill.sh", "set -m\n" + bench + " --scale 0.05 --repeat 50 &\npid=$!\n" +
                                         "while [ -z \"$(ls -A " + out +
                                         "/w/*/ 2>/dev/null)\" ]; do sleep 0.05; done\n" +
                                         "sleep 0.2\nkill -" + signal + " $(pgrep -P $pid)\n" +
                                         "wait $pid\necho \"exit $?\"\n");
        CHECK(run_command("bash " + out + "/kill.sh").out == "exit 3\n");
        CHECK(last_line() == std::string("ssifsim: bench: workload ssif-mixed-vcd failed: ") +
                                 (signal == std::string("INT")
                                      ? "stopped by SIGINT before the end of its run"
                                      : "its process ended on signal 9 (Killed)") +
                                 " (no figures printed)\n");
        CHECK(read_file(out + "/stdout").empty());
        CHECK(run_command("ls -A " + out + "/w").out.empty());
    }
}

TEST_CASE("bench: a tiny scale still ends (the raw kernel runs at least one activation)",
          "[bench]") {
    const CommandResult r =
        run_command_stdout("timeout 60 " + ssifsim_binary() +
                           " bench --scale 0.0000000001 --workload raw-kernel --json");
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["workloads"]["raw-kernel"]["activations"].get<double>() >= 1);
}

TEST_CASE("bench's table shows '-' for what a workload's kind never makes", "[bench]") {
    // The floor makes requests and bus bytes but no MSIs and, running no SystemC, no
    // activations; a storm makes MSIs and activations only; raw-kernel activations only. A
    // rate of 0 there would read as a measurement.
    const CommandResult r =
        run_command_stdout(ssifsim_binary() + " bench --scale 0.01 --workload floor --workload "
                                              "zpci-storm-floating --workload raw-kernel");
    REQUIRE(r.exit_code == 0);
    // name, sim s, wall s, sim/wall, req/s, MSI/s, bus B/s, activations/s, RSS MB, checks
    std::map<std::string, std::vector<std::string>> rows;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> row{std::istream_iterator<std::string>(words), {}};
        if (row.size() == 10 && (row[9] == "pass" || row[9] == "FAIL"))
            rows[row[0]] = row;
    }
    REQUIRE(rows.size() == 3);
    const auto dashes = [&rows](const std::string& name) {
        std::string d;
        for (size_t column = 4; column <= 7; ++column)
            d += rows[name][column] == "-" ? '-' : 'n';
        return d; // req/s, MSI/s, bus B/s, activations/s: '-' or a number
    };
    CHECK(dashes("floor") == "n-n-");
    CHECK(dashes("zpci-storm-floating") == "-n-n");
    CHECK(dashes("raw-kernel") == "---n");
    CHECK(std::stod(rows["floor"][4]) > 0);
    CHECK(std::stod(rows["zpci-storm-floating"][5]) > 0);
}

TEST_CASE("bench's event log run says what its log held, and leaves no file", "[bench]") {
    const std::string dir = make_temp_dir("bench-log");
    const CommandResult r = run_command_stdout(ssifsim_binary() +
                                               " bench --scale 0.002 --workload ssif-mixed "
                                               "--workload ssif-mixed-log --vcd-dir " +
                                               dir);
    REQUIRE(r.exit_code == 0);
    // "event log: ssif-mixed-log wrote 3.2 MB at 90.1 MB/s, 2.85 times ssif-mixed's wall time"
    const size_t at = r.out.find("\nevent log: ssif-mixed-log wrote ");
    REQUIRE(at != std::string::npos);
    const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    INFO(line);
    CHECK(line.find(" MB at ") != std::string::npos);
    CHECK(line.find(" times ssif-mixed's wall time") != std::string::npos);
    // "  it waited 0.000 s of its 0.021 s for the file system: ..." on the next line.
    const size_t next = at + 1 + line.size() + 1;
    CHECK(r.out.compare(next, 12, "  it waited ") == 0);
    CHECK(r.out.find(" s for the file system", next) < r.out.find('\n', next));
    CHECK(std::filesystem::is_empty(dir)); // its folder (ssifsim-bench-*) and log removed
}
