// The ssifsim command line: run, validate, sweep, shrink, sweep-merge, bench, conformance, check.
// Exit codes: 0 all checks hold, 1 a check failed, 2 bad input (the message names the file and
// the JSON path), 3 internal error.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <systemc>

#include "kernel/airq/airq_conformance.h"
#include "kernel/kernel_source.h"
#include "kernel/ssif_bmc/bmc_conformance.h"
#include "tools/bench.h"
#include "tools/capture.h"
#include "tools/capture_check.h"
#include "tools/check_names.h"
#include "tools/compare_kernel.h"
#include "tools/exit_codes.h"
#include "tools/interrupt.h"
#include "tools/jsonl_sink.h"
#include "tools/junit.h"
#include "tools/output_file.h"
#include "tools/report.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/sweep.h"
#include <chrono>
#include <cstring>
#include <fstream>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace po = boost::program_options;
using namespace ssifsim::tools;
namespace ssif = ssifsim::ssif;
namespace smbus = ssifsim::smbus;
using ssifsim::EventBuilder;

namespace {

// Whether a file can be created in `dir` (one is, and removed at once).
bool can_create_in(const std::string& dir) {
    std::string probe = dir + "/.ssifsim-probe-XXXXXX";
    const int fd = mkstemp(probe.data());
    if (fd < 0)
        return false;
    close(fd);
    unlink(probe.c_str());
    return true;
}

const char* kTopHelp = R"(ssifsim - a discrete-event simulator of IPMI SSIF over a timed SMBus:
the host's Linux ipmi_ssif driver, the BMC's Linux ssif_bmc slave state machine and its
daemon, byte by byte and state by state.

Usage:
  ssifsim run SCENARIO [options]     run one scenario, print a summary, check the specs
                                     and the scenario's expectations
  ssifsim validate SCENARIO...       check scenario files without running them
  ssifsim sweep TEMPLATE [options]   seeded random fault campaign over a template; each
                                     failing seed's scenario is shrunk
  ssifsim shrink SCENARIO [options]  shrink a failing scenario to a minimal one that fails
                                     the same way
  ssifsim sweep-merge DIR... [options]
                                     merge the summaries of a campaign's shards
  ssifsim bench [options]            the performance benchmark: standard workloads against
                                     the raw SystemC kernel
  ssifsim conformance [options]      hold a model to the real kernel code it models
                                     (needs a build with the kernel source)
  ssifsim check CAPTURE [options]    hold a real capture (VCD, sigrok .sr, kernel trace
                                     text) to the same checks and to the drivers' rules
  ssifsim COMMAND --help             the options of a command
  ssifsim --version

Exit codes: 0 every check passed, 1 a check failed, 2 bad input, 3 internal error.
The scenario format is described in scenarios/README.md.
)";

// `command`: the command whose options were wrong, whose own --help the user is sent to;
// empty: the top-level help.
int usage_error(const std::string& what, const std::string& command = "") {
    std::cerr << "ssifsim: " << printable(what) << "\nTry 'ssifsim "
              << (command.empty() ? "" : command + " ") << "--help'.\n";
    return kExitBadInput;
}

// A seed as a scenario accepts it: a decimal integer 0..2^63-1 (boost would read "-1" as
// 2^64-1 and a scenario with that seed would not validate).
bool parse_seed(const std::string& text, uint64_t* seed) {
    if (text.empty() || text.size() > 19 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    const uint64_t v = std::stoull(text);
    if (v > static_cast<uint64_t>(INT64_MAX))
        return false;
    *seed = v;
    return true;
}

const std::string kSeedRange = "accepted: 0..9223372036854775807";

// Parses a command's options; the positional arguments land in "scenario".
po::variables_map parse_command(const std::vector<std::string>& args,
                                const po::options_description& opts) {
    po::options_description hidden;
    hidden.add_options()("scenario", po::value<std::vector<std::string>>(), "");
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    pos.add("scenario", -1);
    po::variables_map vm;
    const po::parsed_options parsed =
        po::command_line_parser(args).options(all).positional(pos).run();
    // boost takes the token after an option that needs a value as that value, even another
    // option: `--vcd-dir --workload X` would set --vcd-dir to "--workload" and leave X a
    // scenario file. An option's value spelled as one of the command's options (or a unique
    // prefix of one: the parser takes that for the option too), a bundle of its short
    // options ('-hq'), or "--", the end of the options, is refused (unless written as
    // --name=value: then it is meant).
    const auto names_option = [&opts](const std::string& v) {
        if (v == "--")
            return true;
        if (v.size() >= 2 && v[0] == '-' && v[1] != '-') {
            for (size_t i = 1; i < v.size(); ++i)
                if (!opts.find_nothrow(std::string("-") + v[i], false))
                    return false;
            return true;
        }
        if (v.size() <= 2 || v.compare(0, 2, "--") != 0)
            return false;
        try {
            return opts.find_nothrow(v.substr(2, v.find('=') - 2), true) != nullptr;
        } catch (const po::ambiguous_option&) {
            return true;
        }
    };
    for (const po::option& o : parsed.options) {
        if (o.string_key == "scenario" || o.value.size() != 1)
            continue;
        const std::string& v = o.value[0];
        // An empty value ('--report ""') named no file, number or name: the output or setting
        // asked for would silently not be there.
        if (v.empty())
            throw po::error("the option '--" + o.string_key + "' needs a value, not an empty one");
        if (o.original_tokens.size() != 2)
            continue;
        if (names_option(v))
            throw po::error("the option '--" + o.string_key + "' needs a value, not " +
                            (v == "--" ? std::string("'--'") : "the option '" + v + "'"));
    }
    po::store(parsed, vm);
    po::notify(vm);
    return vm;
}

// The spec checks every run makes, from the one list (kSpecChecks), wrapped for a terminal.
std::string spec_check_list() {
    std::string text, line = " ";
    for (const CheckId id : kSpecChecks) {
        const char* name = check_name(id);
        const std::string item = std::string(" ") + name;
        if (line.size() + item.size() > 78) {
            text += line + "\n";
            line = " ";
        }
        line += item;
    }
    return text + line;
}

int cmd_validate(const std::vector<std::string>& args) {
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout
            << "Usage: ssifsim validate SCENARIO...\n\nChecks each scenario file "
               "(JSON syntax, every key, type and range) without running it.\n"
               "Prints 'ok FILE' with the workload's size (requests, MSIs, simulated span)\nand a "
               "warning for a workload that will take long or for what its run will\nnot "
               "show (host.watch's polls without workload.until_ms, or with one that\nends the "
               "run before the first poll), or the error; exit 2 if any file is bad.\n\n"
            << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("validate: no scenario file given", "validate");
    int status = kExitPass;
    for (const std::string& file : vm["scenario"].as<std::vector<std::string>>()) {
        try {
            const Scenario s = load_scenario(file);
            std::vector<std::string> warnings = unreached_warnings(s);
            std::cout << "ok " << file << ": " << describe_size(workload_size(s), &warnings)
                      << "\n";
            for (const std::string& w : warnings)
                std::cout << "  warning: " << w << "\n";
        } catch (const InputError& e) {
            std::cerr << "ssifsim: " << printable(e.what()) << "\n";
            status = kExitBadInput;
        }
    }
    return status;
}

int cmd_run(const std::vector<std::string>& args) {
    RunOptions options;
    std::string until, seed_text, kernel_side;
    uint64_t seed = 0;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "log", po::value(&options.log_path)->value_name("FILE"),
        "write the event log as JSON Lines (one event a line: t_ns, src, ev, values)")(
        "report", po::value(&options.report_path)->value_name("FILE"),
        "write the JSON report: resolved configuration, per-request outcomes, checks, "
        "BMC state/event coverage")(
        "junit", po::value(&options.junit_path)->value_name("FILE"),
        "write JUnit XML for CI: one test case per spec check and expectation")(
        "vcd", po::value(&options.vcd_path)->value_name("FILE"),
        "write the SMBus wires (smbus_scl, smbus_sda; 1 ns) to FILE, decodable with "
        "'sigrok-cli -I vcd -i FILE -P i2c:scl=smbus_scl:sda=smbus_sda -A i2c'; the wires and "
        "the BMC, host and zPCI states go to FILE with .vcd replaced by .tl.vcd, which "
        "'gtkwave' opens with the save file FILE with .vcd replaced by .gtkw (.wires.gtkw: the "
        "wires alone)")(
        "until", po::value(&until)->value_name("TIME"),
        "stop at this simulated time (e.g. 250ms, 15s, 100us); default: when every request "
        "has completed")("seed", po::value(&seed_text)->value_name("N"),
                         "override the scenario's seed (0..2^63-1)")(
        "print-config", "print the resolved configuration with every default, then exit")(
        "quiet,q", "print nothing but errors; the exit code tells the result")(
        "compare-kernel",
        "run the scenario twice, the --kernel-side sides as the model and then as the real "
        "kernel code, the rest identical, and compare the event logs: 'identical (N events)' "
        "and exit 0, or the first differing events and exit 1 (README: Kernel in the loop). "
        "Not with --log (the two logs are compared, not written), --report, --junit, --vcd "
        "(each is one run's, and this makes two: run a copy with implementation \"kernel\" "
        "for the real code's) or --print-config (the two runs' configurations differ in the "
        "compared side: print the scenario's without --compare-kernel)")(
        "kernel-side", po::value(&kernel_side)->value_name("SIDE")->default_value("bmc"),
        "with --compare-kernel: bmc (ssif_bmc.c), host (ipmi_ssif.c; the model host probes, "
        "as the real driver always does; of the host's events only request and response are "
        "compared, a response by completion code and payload, not the model's error name, and "
        "every event of the bus, the BMC and its daemon is compared) or all");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim run SCENARIO [options]\n\nRuns the scenario with its "
                     "faults, prints what the host, the bus, the BMC and its\ndaemon did, "
                     "and checks the scenario's expectations and the specs:\n"
                  << spec_check_list()
                  << "\n(interrupts_accounted with a zpci section), and with bmc.daemon.backend "
                     "\"ipmi_sim\"\nipmi_sim: OpenIPMI's ipmi_sim (started for the run, "
                     "stopped after it) answered\nevery request. Exit 0 if every check passed, "
                     "1 if not, 2 for bad input\n(ipmi_sim missing or not starting included), 3 "
                     "for an internal error.\nWith --compare-kernel: exit 0 if the logs are "
                     "identical, 1 if they differ, 2 for\nbad input (an option the real code has "
                     "no counterpart for, a build without the\nkernel source), 3 if a run did not "
                     "end normally; the checks' verdicts are printed,\nnot judged.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("run: no scenario file given", "run");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("run: one scenario at a time", "run");
    if (vm.count("until") && !parse_duration(until, &options.until_ns))
        return usage_error("--until: '" + until + "' is not a duration of at most " + kMaxSimText +
                               " (e.g. 250ms, 15s)",
                           "run");
    if (vm.count("seed") && !parse_seed(seed_text, &seed))
        return usage_error("--seed: '" + seed_text + "' is not a seed (" + kSeedRange + ")", "run");
    if (vm.count("until") && options.until_ns == 0)
        return usage_error("--until: must be greater than 0", "run");
    if (!vm["kernel-side"].defaulted() && !vm.count("compare-kernel"))
        return usage_error("--kernel-side: only with --compare-kernel", "run");
    if (kernel_side != "bmc" && kernel_side != "host" && kernel_side != "all")
        return usage_error("--kernel-side: unknown side '" + kernel_side + "' (bmc, host, all)",
                           "run");

    Scenario scenario = load_scenario(files[0]);
    if (vm.count("seed"))
        scenario.seed = seed;
    // What the run will not show, as validate warns: before it runs, on stderr.
    const auto warn_unreached = [&] {
        if (!vm.count("quiet"))
            for (const std::string& w : unreached_warnings(scenario, options.until_ns))
                std::cerr << "ssifsim: warning: " << w << "\n";
    };
    if (vm.count("compare-kernel")) {
        // Each refusal's reason, as --help's --compare-kernel text lists them.
        static const std::pair<const char*, const char*> kRefused[] = {
            {"log", "the two runs' logs are compared, not written"},
            {"report", "a report is one run's, and this makes two: run a copy with "
                       "implementation \"kernel\" for the real code's"},
            {"junit", "JUnit holds one run's checks, and this makes two: the comparison's "
                      "verdict is its exit code"},
            {"vcd", "a waveform is one run's wires, and this makes two: run a copy with "
                    "implementation \"kernel\" for the real code's"},
            {"print-config", "the two runs' configurations differ in the compared side (the "
                             "model host probes): print the scenario's without "
                             "--compare-kernel"},
        };
        for (const auto& [output, why] : kRefused)
            if (vm.count(output))
                return usage_error(std::string("--compare-kernel: --") + output +
                                       " is not taken with it (" + why + ")",
                                   "run");
        const std::vector<std::string> sides = kernel_side == "all"
                                                   ? std::vector<std::string>{"bmc", "host"}
                                                   : std::vector<std::string>{kernel_side};
        warn_unreached();
        return compare_kernel(scenario, sides, options.until_ns, vm.count("quiet") > 0, std::cout);
    }
    if (vm.count("print-config")) {
        std::cout << scenario_to_json(scenario).dump(2) << "\n";
        return kExitPass;
    }
    warn_unreached();
    if (!vm.count("quiet") && isatty(STDERR_FILENO))
        options.progress = &std::cerr;
    install_interrupt_handlers();
    const RunResult result = run_scenario(scenario, options);
    if (!result.output_error.empty()) { // no verdict: what it rests on is not all on disk
        std::cerr << "ssifsim: " << printable(result.output_error) << "\n";
        return kExitOutput;
    }
    if (!vm.count("quiet"))
        print_summary(std::cout, scenario, result, options);
    std::cout.flush();
    if (options.progress) // a terminal: after the summary, how long the run took
        *options.progress << "  wall time " << std::fixed << std::setprecision(3)
                          << result.wall_seconds << " s\n";
    if (!std::cout) {
        std::cerr << "ssifsim: standard output: cannot write the summary\n";
        return kExitOutput;
    }
    if (result.interrupted_by)
        return 128 + result.interrupted_by;
    return result.passed() ? kExitPass : kExitCheckFailed;
}

// "K/N" with 0 <= K < N.
bool parse_shard(const std::string& text, int* shard, int* shards) {
    unsigned k = 0, n = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%u/%u%c", &k, &n, &tail) != 2 || n < 1 || n > 1'000'000 ||
        k >= n || text.find_first_not_of("0123456789/") != std::string::npos)
        return false;
    *shard = static_cast<int>(k);
    *shards = static_cast<int>(n);
    return true;
}

int cmd_sweep(const std::vector<std::string>& args) {
    SweepOptions o;
    std::string seed_text = "1", shard_text;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "count", po::value(&o.count)->value_name("N")->default_value(o.count),
        "how many seeds the campaign has (all shards together)")(
        "seed", po::value(&seed_text)->value_name("S")->default_value("1"),
        "the first seed; the others follow it (all within 0..2^63-1)")(
        "out", po::value(&o.out_dir)->value_name("DIR")->default_value(o.out_dir),
        "where the scenarios of failing seeds (and their shrunk forms) are kept")(
        "timeout", po::value(&o.timeout_s)->value_name("SECONDS")->default_value(o.timeout_s),
        "wall time after which a run (a seed's or a shrinking candidate's) counts as hung")(
        "shard", po::value(&shard_text)->value_name("K/N"),
        "run only the seeds seed + i with i mod N == K (0 <= K < N), and write the summary "
        "to DIR/summary-K-of-N.json unless --summary says where")(
        "summary", po::value(&o.summary_path)->value_name("FILE"),
        "write a JSON summary: seeds run, failures with their files and reasons, fault kinds "
        "drawn, wall time (for sweep-merge)")(
        "junit", po::value(&o.junit_path)->value_name("FILE"),
        "write JUnit XML for CI: a failed test case per failing seed, one passing test case "
        "for the rest")("no-shrink", "keep failing scenarios as they are, without shrinking")(
        "shrink-runs", po::value(&o.shrink_runs)->value_name("N")->default_value(o.shrink_runs),
        "at most N candidate runs to shrink one failing seed's scenario");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim sweep TEMPLATE [options]\n\nFor each seed, makes a scenario "
                     "from TEMPLATE with one to three random faults\nfrom the catalog aimed at "
                     "its requests, and a clean Get Device ID 20 s after them,\nand runs it in "
                     "a child process. Invariants: the run neither crashes nor hangs,\nevery "
                     "request completes, and with mainline host and BMC the clean request\nis "
                     "answered (completion code 0). A failing seed's scenario is kept in DIR as\n"
                     "sweep-SEED.json; 'ssifsim run' on it reproduces the failure. It is then "
                     "shrunk\n(as 'ssifsim shrink' does) to sweep-SEED.min.json, which fails the "
                     "same way.\nA seed's scenario is the same file whatever the sharding; "
                     "'ssifsim sweep-merge'\nputs the shards' summaries together. Exit 0 if no "
                     "seed failed, 1 if one did,\n2 for bad input, 3 if an output could not be "
                     "written. A progress bar is drawn\nonly on a terminal.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("sweep: no template scenario given", "sweep");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("sweep: one template at a time", "sweep");
    if (o.count < 1)
        return usage_error("--count: must be at least 1", "sweep");
    if (o.timeout_s < 1)
        return usage_error("--timeout: must be at least 1 second", "sweep");
    if (o.shrink_runs < 1)
        return usage_error("--shrink-runs: must be at least 1", "sweep");
    if (!parse_seed(seed_text, &o.seed))
        return usage_error("--seed: '" + seed_text + "' is not a seed (" + kSeedRange + ")",
                           "sweep");
    if (static_cast<uint64_t>(o.count - 1) > static_cast<uint64_t>(INT64_MAX) - o.seed)
        return usage_error("--seed: " + seed_text + " + --count " + std::to_string(o.count) +
                               " passes the largest seed a scenario takes (" + kSeedRange + ")",
                           "sweep");
    if (vm.count("shard")) {
        if (!parse_shard(shard_text, &o.shard, &o.shards))
            return usage_error("--shard: '" + shard_text +
                                   "' is not K/N with 0 <= K < N (e.g. 0/4 ... 3/4)",
                               "sweep");
        if (o.summary_path.empty())
            o.summary_path = shard_summary_path(o.out_dir, o.shard, o.shards);
    }
    o.shrink = !vm.count("no-shrink");
    o.template_file = files[0];
    o.progress = isatty(STDOUT_FILENO);
    return run_sweep(o, std::cout);
}

int cmd_shrink(const std::vector<std::string>& args) {
    std::string out_path;
    int timeout_s = 60, max_runs = 200;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "out", po::value(&out_path)->value_name("FILE"),
        "where the shrunk scenario goes (default: SCENARIO with .json replaced by .min.json)")(
        "timeout", po::value(&timeout_s)->value_name("SECONDS")->default_value(timeout_s),
        "wall time after which a candidate's run counts as hung")(
        "max-runs", po::value(&max_runs)->value_name("N")->default_value(max_runs),
        "at most N candidate runs");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim shrink SCENARIO [options]\n\nRuns SCENARIO; if it fails, "
                     "reduces it by delta debugging (ddmin) to a minimal\nscenario that fails "
                     "the same way (the same outcome, the same first failed check,\nthe same "
                     "reason up to its numbers): drops faults, zPCI MSIs and actions and\n"
                     "requests, lowers the faults' numbers (nth and count to 1, times earlier, "
                     "sizes\nsmaller), shortens data and moves requests earlier, running each "
                     "candidate in a\nchild process. Prints the shrunk scenario's size against "
                     "the original's.\nExit 0 shrunk (written), 1 the scenario does not fail "
                     "(nothing written), 2 bad\ninput (also refused only when it runs, e.g. by "
                     "ipmi_sim, or --out naming\nSCENARIO itself; nothing written), 3 if the "
                     "output could not be written.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("shrink: no scenario file given", "shrink");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("shrink: one scenario at a time", "shrink");
    if (timeout_s < 1)
        return usage_error("--timeout: must be at least 1 second", "shrink");
    if (max_runs < 1)
        return usage_error("--max-runs: must be at least 1", "shrink");
    const std::string& file = files[0];
    load_scenario(file); // bad input: exit 2 before anything runs
    if (out_path.empty())
        out_path = (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0
                        ? file.substr(0, file.size() - 5)
                        : file) +
                   ".min.json";
    {
        std::error_code ec;
        if (std::filesystem::equivalent(file, out_path, ec))
            throw InputError(out_path + ": --out names the scenario being shrunk; the shrunk "
                                        "scenario must not replace the original");
        OutputFile probe(out_path, OutputFile::Kind::Document);
        probe.prepare(); // an output that cannot be written: exit 2 before the runs
    }
    const ChildOutcome first = run_file_in_child(file, timeout_s);
    const FailureSignature target = signature_of(first);
    if (!target.failed()) {
        std::cout << file << ": passes; nothing to shrink\n";
        return kExitCheckFailed;
    }
    const auto [check, reason] = check_and_reason(first.output);
    // Refused when it ran (an ipmi_sim that rejects its emulator lines, ...): bad input, not
    // a failure to reproduce.
    if (target.outcome == "bad input")
        throw InputError(reason);
    // As written (its keys in their order), so a sweep's file shrinks as the sweep shrank it.
    std::ifstream in(file, std::ios::binary);
    const ojson original = ojson::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    std::cout << file << ": " << target.outcome << (check.empty() ? "" : ": ") << check << ": "
              << reason << "\n";
    const std::string scratch = out_path + ".candidate.json";
    ShrinkResult r = shrink_scenario(original, target, file_oracle(scratch, timeout_s), max_runs);
    std::remove(scratch.c_str());
    OutputFile output(out_path, OutputFile::Kind::Document);
    output.prepare();
    output.open() << r.scenario.dump(2) << "\n";
    const std::string error = output.commit();
    if (!error.empty()) {
        std::cerr << "ssifsim: " << printable(error) << "\n";
        return kExitOutput;
    }
    std::cout << "shrunk: " << out_path << ": " << describe_size(scenario_size(r.scenario))
              << " (the original: " << describe_size(scenario_size(original)) << "), " << r.runs
              << " candidate run(s)" << (r.budget_spent ? ", stopped at --max-runs" : "") << "\n";
    return kExitPass;
}

int cmd_sweep_merge(const std::vector<std::string>& args) {
    MergeOptions o;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "summary", po::value(&o.summary_path)->value_name("FILE"),
        "write the merged JSON summary (failures' paths relative to FILE's directory)")(
        "junit", po::value(&o.junit_path)->value_name("FILE"),
        "write JUnit XML of the whole campaign");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim sweep-merge DIR|FILE... [options]\n\nReads the summaries "
                     "of one campaign's shards (each DIR's summary-K-of-N.json,\nor the FILEs "
                     "named), checks that they are one campaign (template, first\nseed, count, "
                     "N) with every shard once, and prints and writes the merged\ncampaign: the "
                     "same totals, failures and fault kinds as one unsharded sweep.\nExit 0 if "
                     "no seed failed, 1 if one did, 2 for bad input (a summary missing,\n"
                     "malformed or from another campaign, a shard missing), 3 if an output "
                     "could\nnot be written.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("sweep-merge: no shard directory or summary given", "sweep-merge");
    o.inputs = vm["scenario"].as<std::vector<std::string>>();
    return run_sweep_merge(o, std::cout);
}

int cmd_bench(const std::vector<std::string>& args) {
    BenchOptions o;
    std::vector<std::string> workloads;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "scale", po::value(&o.scale)->value_name("F")->default_value(1.0, "1"),
        "workload sizes times F (0.01: the smoke test's 1,000 requests and 10,000 MSIs)")(
        "workload", po::value(&workloads)->value_name("NAME")->composing(),
        "run only this workload (repeatable): ssif-mixed, floor, ssif-mixed-vcd, "
        "ssif-mixed-log, zpci-storm-floating, zpci-storm-directed, raw-kernel (ssif-mixed-10x and "
        "ssif-burst run with --memory)")("json", "print one JSON document instead of the table")(
        "memory", "also run ssif-mixed 10 times longer, and with all its requests due at once, and "
                  "compare the peak RSS")(
        "vcd-dir", po::value(&o.vcd_dir)->value_name("DIR")->default_value(o.vcd_dir),
        "where ssif-mixed-vcd writes its waveforms and ssif-mixed-log its event log, in a "
        "folder of its own (ssifsim-bench-*, removed after; at scale 1 about 10 GB of "
        "waveforms, two files of 5 GB, and a log of 1.6 GB)")(
        "repeat", po::value(&o.repeat)->value_name("N")->default_value(o.repeat),
        "run every workload N times (1..100), round after round, and keep each one's run "
        "with the median wall time (and its highest peak RSS): steadier ratios on a shared "
        "machine");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout
            << "Usage: ssifsim bench [options]\n\n"
               "Runs each workload in its own process and prints, per workload: simulated "
               "and\nwall seconds, their ratio, requests, MSIs, bus bytes and SystemC process\n"
               "activations per wall second ('-' where the workload makes none by its kind),\n"
               "the peak RSS (MiB) and whether its checks passed; then the goals, met or\n"
               "missed. raw-kernel makes 20 million activations times the scale (as many as\n"
               "ssif-mixed if it made more) from threads that do nothing but wait: the\n"
               "ceiling the models are measured against; floor pushes ssif-mixed's requests\n"
               "through the plain C++ host, bus framing, PEC and BMC code with no SystemC:\n"
               "the models' own cost. The cost ratios, from the same run: "
               "raw act/req (an\nSSIF request's wall time in raw-kernel activations), floor "
               "ratio (in floor\nrequests), raw act/MSI (a storm MSI's), and the model's own "
               "activations per\nrequest or MSI ('-': not measured in this run). "
               "ssif-mixed-vcd's waveforms: the\nbytes its files held, their rate, the wall "
               "time it waited for the file system to\ntake them, and the rate the VCD goal "
               "would need of the disk.\nssif-mixed-log's event log: its bytes, their rate, its "
               "wall "
               "time against\nssif-mixed's, and the wall time it waited for the file system.\n"
               "Workloads: bench/ssif-mixed.json (and bench/ssif-burst.json with "
               "--memory),\nscenarios/zpci-storm-floating.json and -directed.json, "
               "compiled in.\nSpeed is measured here, never in a timed test; the figures are "
               "this machine's,\nand at a small --scale (runs of tens of ms) they swing between "
               "runs (--repeat\nsteadies them) and the goals, set for scale 1, are read on "
               "noise. Exit status:\n0, met or missed goals alike (they are figures to read, "
               "not a gate); 3 if a\nworkload's process failed; 128 + the signal if SIGINT, "
               "SIGTERM or SIGHUP stopped\nit (the running workload stops too and removes its "
               "waveforms; no figures are\nprinted, one line on stderr says so). On a "
               "terminal, standard error shows which\nworkload runs, in which round, and the "
               "wall time so far.\n\n"
            << opts;
        return kExitPass;
    }
    if (vm.count("scenario"))
        return usage_error("bench: takes no scenario file (the workloads are built in)", "bench");
    if (!(o.scale > 0) || o.scale > 100)
        return usage_error("--scale: must be above 0 and at most 100", "bench");
    if (o.repeat < 1 || o.repeat > 100)
        return usage_error("--repeat: must be 1 to 100", "bench");
    const auto& known = bench_workload_names();
    for (const std::string& w : workloads)
        if (std::find(known.begin(), known.end(), w) == known.end())
            return usage_error("--workload: unknown workload '" + w + "'", "bench");
    o.workloads = workloads;
    o.json = vm.count("json") > 0;
    o.memory = vm.count("memory") > 0;
    // Checked before any workload runs, not found by the VCD workload's process midway: by
    // creating a file there (access() passes /proc for root, where nothing can be created).
    if ((o.wants("ssif-mixed-vcd") || o.wants("ssif-mixed-log")) &&
        (o.vcd_dir.empty() || !can_create_in(o.vcd_dir)))
        return usage_error("--vcd-dir: '" + o.vcd_dir +
                               "' is not a directory this process can write (ssif-mixed-vcd "
                               "writes its waveforms there, ssif-mixed-log its event log)",
                           "bench");
    if (isatty(STDERR_FILENO))
        o.progress = &std::cerr;
    return run_bench(o, std::cout);
}

int cmd_conformance(const std::vector<std::string>& args) {
    namespace k = ssifsim::kernel;
    std::string target = "all";
    std::string events_text = "200000";
    std::string seed_text = "1";
    std::string variant_text =
        ssifsim::ssif::bmc_variant_name(ssifsim::ssif::BmcVariant::Debian612);
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "target", po::value(&target)->value_name("MODEL")->default_value(target),
        "the model to hold to its kernel code: airq (AirqVector against "
        "drivers/s390/cio/airq.c), bmc (SsifBmc against drivers/char/ipmi/ssif_bmc.c), or all")(
        "events", po::value(&events_text)->value_name("N")->default_value(events_text),
        "calls to make on each side, per model, in random sequences (1..10^12; whole sequences: "
        "the last one may run past N)")("seed",
                                        po::value(&seed_text)->value_name("S")->default_value("1"),
                                        "the sequences' seed (0..2^63-1)")(
        "bmc-variant", po::value(&variant_text)->value_name("NAME")->default_value(variant_text),
        "the SsifBmc row held to the kernel's ssif_bmc.c (6.12 is Debian's 6.12.117; another "
        "row against its own kernel tree, or to see where it differs)");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim conformance [options]\n\nDrives a model and the real "
                     "kernel code it models with the same random call\nsequences and compares "
                     "every result and the state after each call. Each kind\nof divergence is "
                     "reported once, its sequence shrunk to the fewest calls that\nstill "
                     "diverge. Exit 0 with no divergence, 1 with one, 2 for bad input or a\n"
                     "build without the kernel source (README: Kernel in the loop).\n\n"
                  << opts;
        return kExitPass;
    }
    if (vm.count("scenario"))
        return usage_error("conformance: takes no scenario file", "conformance");
    if (target != "airq" && target != "bmc" && target != "all")
        return usage_error("--target: unknown model '" + target + "' (known: airq, bmc, all)",
                           "conformance");
    uint64_t events = 0;
    if (!parse_seed(events_text, &events) || events < 1 || events > 1'000'000'000'000ULL)
        return usage_error("--events: '" + events_text + "' is not a count of calls (1..10^12)",
                           "conformance");
    uint64_t seed = 0;
    if (!parse_seed(seed_text, &seed))
        return usage_error("--seed: '" + seed_text + "' is not a seed (" + kSeedRange + ")",
                           "conformance");
    ssifsim::ssif::BmcVariant variant{};
    if (!ssifsim::ssif::parse_bmc_variant(variant_text, &variant))
        return usage_error("--bmc-variant: unknown row '" + variant_text +
                               "' (known: " + ssifsim::ssif::bmc_variant_names() + ")",
                           "conformance");
    if (!k::make_kernel_airq()) {
        std::cerr << "ssifsim: conformance: this build has no kernel source to compare with; "
                     "run\n  bash scripts/kernel-source.sh build/kernel-source\n  cmake -S . -B "
                     "build -DSSIFSIM_KERNEL_SOURCE=$PWD/build/kernel-source\nand build again "
                     "(README: Kernel in the loop)\n";
        return kExitBadInput;
    }
    std::cout << "kernel source: " << k::kernel_source_description() << "\n";
    size_t divergences = 0;
    if (target == "airq" || target == "all") {
        const k::AirqConformance c =
            k::run_airq_conformance(events, seed, k::make_model_airq, k::make_kernel_airq);
        k::print_airq_conformance(std::cout, c);
        divergences += c.divergences.size();
    }
    if (target == "bmc" || target == "all") {
        const k::BmcConformance c = k::run_bmc_conformance(
            events, seed, [variant] { return k::make_model_bmc(variant); }, k::make_kernel_bmc);
        k::print_bmc_conformance(std::cout, c, variant);
        divergences += c.divergences.size();
    }
    return divergences == 0 ? kExitPass : kExitCheckFailed;
}

// sigrok's .sr through `sigrok-cli -i FILE -O vcd` (sigrok-cli reads every format
// libsigrok knows; its VCD output keeps the capture's samplerate as the timescale).
std::string sr_to_vcd(const std::string& file) {
    char path[] = "/tmp/ssifsim-sr-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0)
        throw InputError(file + ": cannot create a temporary file for sigrok-cli's VCD");
    close(fd);
    std::vector<std::string> args = {"sigrok-cli", "-i", file, "-O", "vcd", "-o", path};
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    int status = 0;
    if (posix_spawnp(&pid, "sigrok-cli", nullptr, nullptr, argv.data(), environ) != 0 ||
        waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(path);
        throw InputError(file + ": sigrok-cli could not convert it to VCD (is sigrok-cli "
                                "installed, and is this a sigrok session file?)");
    }
    return path;
}

bool parse_address(const std::string& text, uint8_t* out) {
    try {
        size_t used = 0;
        const unsigned long v = std::stoul(text, &used, 0);
        if (used != text.size() || v < 0x03 || v > 0x77)
            return false;
        *out = static_cast<uint8_t>(v);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

int cmd_check(const std::vector<std::string>& args) {
    CaptureCheckOptions o;
    WireDecodeOptions wire;
    std::string format, address = "0x10", report_path, junit_path, log_path;
    std::string host_variant = ssif::host_variant_name(o.host_variant);
    std::string bmc_variant = ssif::bmc_variant_name(o.bmc_variant);
    std::string controller = ssif::bmc_controller_name(o.bmc_controller);
    std::string adapter = smbus::adapter_name(smbus::AdapterKind::Generic);
    double t6_ms = 250;
    // Signed: a negative HZ is refused by the check below, not wrapped round to a valid one.
    long long host_hz = o.host_hz, bmc_hz = o.bmc_hz;
    long long response_timeout_ms = o.bmc_response_timeout_ms;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "format", po::value(&format)->value_name("vcd|sr|ftrace"),
        "the capture's format; default: from its name (.vcd, .sr; anything else is read as "
        "kernel trace text)")("scl", po::value(&wire.scl)->value_name("NAME"),
                              "the SCL signal's name in a VCD or .sr (default: the one "
                              "1-bit signal whose name contains 'scl')")(
        "sda", po::value(&wire.sda)->value_name("NAME"), "the SDA signal's name, likewise")(
        "glitch-ns", po::value(&wire.glitch_ns)->value_name("N"),
        "remove pulses shorter than N ns on either line (default: 50 ns, I2C's tSP, or 1.5 "
        "sample periods when the capture's samples are coarser)")(
        "bmc-address", po::value(&address)->value_name("A")->default_value(address),
        "the BMC's 7-bit address (0x03..0x77); transfers to other addresses are counted, "
        "not judged")("report", po::value(&report_path)->value_name("FILE"),
                      "write the JSON report: requests, checks, conformance findings")(
        "junit", po::value(&junit_path)->value_name("FILE"),
        "write JUnit XML: one test case per check")(
        "log", po::value(&log_path)->value_name("FILE"),
        "write the decoded transfers as JSON Lines, in the run's event log shape")(
        "host-variant", po::value(&host_variant)->value_name("V")->default_value(host_variant),
        "the host's ipmi_ssif version, for its timers (as scenarios name it)")(
        "host-adapter", po::value(&adapter)->value_name("A")->default_value(adapter),
        "the host's SMBus controller, for the errnos in a kernel trace: generic, i801, "
        "designware")("host-hz", po::value(&host_hz)->value_name("HZ")->default_value(host_hz),
                      "the host kernel's HZ (100, 250, 300, 1000)")(
        "bmc-variant", po::value(&bmc_variant)->value_name("V")->default_value(bmc_variant),
        "the ssif_bmc version the BMC is held to")(
        "bmc-controller", po::value(&controller)->value_name("C")->default_value(controller),
        "the BMC's I2C controller, for what a busy answer looks like on the wire")(
        "bmc-hz", po::value(&bmc_hz)->value_name("HZ")->default_value(bmc_hz),
        "the BMC kernel's HZ, for its response timer")(
        "bmc-response-timeout-ms",
        po::value(&response_timeout_ms)->value_name("MS")->default_value(response_timeout_ms),
        "ssif_bmc's RESPONSE_TIMEOUT, 1..3600000 (downstream trees use 15000), as "
        "bmc.response_timeout_ms")("t6-max-ms",
                                   po::value(&t6_ms)->value_name("MS")->default_value(250),
                                   "T6max, request to response (IPMI v2.0 12.7)")(
        "quiet,q", "print nothing but errors; the exit code tells the result");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim check CAPTURE [options]\n\nDecodes a capture of SSIF "
                     "traffic and holds it to the checks a run applies: a\nlogic analyzer's "
                     "VCD or sigrok .sr (SCL/SDA decoded to START, bytes, ACK/NAK and\nSTOP "
                     "by ssifsim's own edge decoder, with their times), or kernel trace "
                     "text\n(the smbus_* tracepoints, from 'trace-cmd report' or "
                     "/sys/kernel/tracing/trace).\nChecks: "
                  << check_name(CheckId::T6max) << ", " << check_name(CheckId::AllAnswered) << ", "
                  << check_name(CheckId::IpmiMessages) << ", " << check_name(CheckId::TTimeout)
                  << " and " << check_name(CheckId::TLowSext) << " (wire captures),\n"
                  << check_name(CheckId::SsifFraming) << ", " << check_name(CheckId::Pec) << ", "
                  << check_name(CheckId::HostTiming)
                  << " (the waits against ipmi_ssif's timers) and\n"
                  << check_name(CheckId::BmcConformance)
                  << " (wire captures: the BMC's ACKs, NAKs and bytes replayed "
                     "into\nssif_bmc). Exit 0 if every check passed, 1 if not, 2 for bad "
                     "input.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("check: no capture file given", "check");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("check: one capture at a time", "check");
    const std::string& file = files[0];
    if (!parse_address(address, &o.bmc_addr7))
        return usage_error("--bmc-address: '" + address + "' is not a 7-bit address 0x03..0x77",
                           "check");
    if (!ssif::parse_host_variant(host_variant, &o.host_variant))
        return usage_error("--host-variant: unknown '" + host_variant + "'", "check");
    if (!ssif::parse_bmc_variant(bmc_variant, &o.bmc_variant))
        return usage_error("--bmc-variant: unknown '" + bmc_variant + "' (" +
                               ssif::bmc_variant_names() + ")",
                           "check");
    if (!ssif::parse_bmc_controller(controller, &o.bmc_controller))
        return usage_error("--bmc-controller: unknown '" + controller + "' (" +
                               ssif::bmc_controller_names() + ")",
                           "check");
    smbus::AdapterKind adapter_kind;
    if (!smbus::parse_adapter(adapter, &adapter_kind))
        return usage_error("--host-adapter: unknown '" + adapter + "' (generic, i801, designware)",
                           "check");
    for (const long long hz : {host_hz, bmc_hz})
        if (hz != 100 && hz != 250 && hz != 300 && hz != 1000)
            return usage_error("--host-hz/--bmc-hz: " + std::to_string(hz) +
                                   " is not a kernel HZ (100, 250, 300, 1000)",
                               "check");
    o.host_hz = static_cast<unsigned>(host_hz);
    o.bmc_hz = static_cast<unsigned>(bmc_hz);
    if (response_timeout_ms < 1 || response_timeout_ms > 3'600'000)
        return usage_error("--bmc-response-timeout-ms: " + std::to_string(response_timeout_ms) +
                               " is not 1..3600000",
                           "check");
    o.bmc_response_timeout_ms = static_cast<unsigned>(response_timeout_ms);
    if (!(t6_ms > 0) || t6_ms > 3.6e6)
        return usage_error("--t6-max-ms: must be above 0 and at most 3600000", "check");
    // -1 stands for the default inside; a negative width given is a mistake, not a default.
    if (vm.count("glitch-ns") && wire.glitch_ns < 0)
        return usage_error("--glitch-ns: " + std::to_string(wire.glitch_ns) +
                               " is negative; a pulse width is 0 (no filter) or more ns",
                           "check");
    o.t6_max_ns = static_cast<uint64_t>(t6_ms * 1e6);
    if (format.empty()) {
        const auto ends = [&file](const std::string& ext) {
            return file.size() > ext.size() &&
                   file.compare(file.size() - ext.size(), ext.size(), ext) == 0;
        };
        format = ends(".vcd") ? "vcd" : ends(".sr") ? "sr" : "ftrace";
    }
    if (format != "vcd" && format != "sr" && format != "ftrace")
        return usage_error("--format: '" + format + "' is not vcd, sr or ftrace", "check");
    const auto wall_start = std::chrono::steady_clock::now();
    // A directory, a device or a FIFO is no capture (/dev/zero would never end).
    struct stat st;
    if (stat(file.c_str(), &st) != 0 || access(file.c_str(), R_OK) != 0)
        throw InputError(file + ": cannot read it");
    if (!S_ISREG(st.st_mode))
        throw InputError(file + ": not a regular file");
    Capture capture;
    if (format == "ftrace") {
        std::ifstream in(file);
        capture = parse_ftrace(in, file, adapter_kind);
    } else {
        if (format == "sr") {
            // A sigrok session is a zip archive (PK\3\4); sigrok-cli would read other formats
            // too, and its VCD of them would not be the session asked for.
            char magic[4] = {};
            std::ifstream probe(file, std::ios::binary);
            if (!probe.read(magic, sizeof magic) || std::memcmp(magic, "PK\x03\x04", 4) != 0)
                throw InputError(file + ": not a sigrok session (--format sr: a .sr file is a "
                                        "zip archive, and this one does not begin as one)");
        }
        const std::string vcd = format == "sr" ? sr_to_vcd(file) : file;
        std::ifstream in(vcd);
        try {
            capture = decode_vcd(in, file, wire);
        } catch (const InputError& e) {
            if (format != "sr")
                throw;
            unlink(vcd.c_str());
            throw InputError(std::string(e.what()) + " (in sigrok-cli's VCD of the session, "
                                                     "--format sr)");
        } catch (...) {
            if (format == "sr")
                unlink(vcd.c_str());
            throw;
        }
        if (format == "sr")
            unlink(vcd.c_str());
        capture.format = format;
    }
    // Bad input (nothing to judge) is found before any output is prepared.
    CaptureResult result = check_capture(capture, o);
    // Every output is opened before any is written.
    OutputFiles outputs;
    OutputFile* log_out = outputs.prepare(log_path, OutputFile::Kind::Stream);
    OutputFile* report_out = outputs.prepare(report_path, OutputFile::Kind::Document);
    OutputFile* junit_out = outputs.prepare(junit_path, OutputFile::Kind::Document);
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    std::string error;
    if (log_out) {
        JsonlSink sink(log_out->open());
        for (const CapturedTransfer& t : capture.transfers)
            EventBuilder(sink, t.end_ns, ssifsim::events::kBusTransfer)
                .str("op", t.op)
                .hex("addr", t.addr7)
                .hex("cmd", t.command)
                .flag("pec", t.pec)
                .bytes("data", t.data)
                .str("status", smbus::status_name(t.status))
                .num("dur_ns", static_cast<int64_t>(t.end_ns - t.start_ns));
        sink.flush();
        error = log_out->commit();
    }
    if (report_out && error.empty()) {
        report_out->open() << output_text(capture_report(capture, o, result), 2) << '\n';
        error = report_out->commit();
    }
    if (junit_out && error.empty()) {
        write_junit_suite(junit_out->open(), file,
                          "capture (" + capture.format + ") held to ssifsim's checks",
                          capture.end_ns - capture.begin_ns, result.checks, result.wall_seconds);
        error = junit_out->commit();
    }
    if (!error.empty()) {
        std::cerr << "ssifsim: " << printable(error) << "\n";
        return kExitOutput;
    }
    if (!vm.count("quiet"))
        print_capture_summary(std::cout, capture, o, result);
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "ssifsim: standard output: cannot write the summary\n";
        return kExitOutput;
    }
    return result.passed() ? kExitPass : kExitCheckFailed;
}

} // namespace

int sc_main(int argc, char* argv[]) {
    // "Simulation stopped by user" and friends are not for our users.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string command; // once known: its options' errors point to its --help
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << kTopHelp;
            return args.empty() ? kExitBadInput : kExitPass;
        }
        if (args[0] == "--version") {
            std::cout << "ssifsim 0.1.0\n";
            return kExitPass;
        }
        command = args[0];
        args.erase(args.begin());
        if (command == "run")
            return cmd_run(args);
        if (command == "validate")
            return cmd_validate(args);
        if (command == "sweep")
            return cmd_sweep(args);
        if (command == "shrink")
            return cmd_shrink(args);
        if (command == "sweep-merge")
            return cmd_sweep_merge(args);
        if (command == "bench")
            return cmd_bench(args);
        if (command == "conformance")
            return cmd_conformance(args);
        if (command == "check")
            return cmd_check(args);
        return usage_error("unknown command '" + command + "'");
    } catch (const InputError& e) {
        std::cerr << "ssifsim: " << printable(e.what()) << "\n";
        return kExitBadInput;
    } catch (const po::error& e) {
        return usage_error(e.what(), command);
    } catch (const std::exception& e) {
        std::cerr << "ssifsim: internal error: " << printable(e.what()) << "\n";
        return kExitInternal;
    }
}

// SystemC's own main() prints its banner before sc_main runs; ours silences it first
// (SYSTEMC_DISABLE_COPYRIGHT_MESSAGE) unless the user set the variable.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
