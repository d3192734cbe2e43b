// The ssifsim command line: run, validate, sweep, bench. Exit codes: 0 all checks hold, 1 a check
// failed, 2 bad input (the message names the file and the JSON path), 3 internal error.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <systemc>

#include "tools/bench.h"
#include "tools/interrupt.h"
#include "tools/report.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/sweep.h"
#include <unistd.h>

namespace po = boost::program_options;
using namespace ssifsim::tools;

namespace {

constexpr int kExitPass = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;
constexpr int kExitOutput = 3; // an output could not be written completely (a full disk)

const char* kTopHelp = R"(ssifsim - a discrete-event simulator of IPMI SSIF over a timed SMBus:
the host's Linux ipmi_ssif driver, the BMC's Linux ssif_bmc slave state machine and its
daemon, byte by byte and state by state.

Usage:
  ssifsim run SCENARIO [options]     run one scenario, print a summary, check the specs
                                     and the scenario's expectations
  ssifsim validate SCENARIO...       check scenario files without running them
  ssifsim sweep TEMPLATE [options]   seeded random fault campaign over a template
  ssifsim bench [options]            the performance benchmark: standard workloads against
                                     the raw SystemC kernel
  ssifsim COMMAND --help             the options of a command
  ssifsim --version

Exit codes: 0 every check passed, 1 a check failed, 2 bad input, 3 internal error.
The scenario format is described in scenarios/README.md.
)";

int usage_error(const std::string& what) {
    std::cerr << "ssifsim: " << printable(what) << "\nTry 'ssifsim --help'.\n";
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
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

// The spec checks every run makes, from the one list (kSpecChecks), wrapped for a terminal.
std::string spec_check_list() {
    std::string text, line = " ";
    for (const char* name : kSpecChecks) {
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
               "warning for a workload that will take long, or the error; exit 2\nif any "
               "file is bad.\n\n"
            << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("validate: no scenario file given");
    int status = kExitPass;
    for (const std::string& file : vm["scenario"].as<std::vector<std::string>>()) {
        try {
            const Scenario s = load_scenario(file);
            std::vector<std::string> warnings;
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
    std::string until, seed_text;
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
        "'gtkwave' opens with FILE's .gtkw save file (FILE.wires.gtkw shows FILE)")(
        "until", po::value(&until)->value_name("TIME"),
        "stop at this simulated time (e.g. 250ms, 15s, 100us); default: when every request "
        "has completed")("seed", po::value(&seed_text)->value_name("N"),
                         "override the scenario's seed (0..2^63-1)")(
        "print-config", "print the resolved configuration with every default, then exit")(
        "quiet,q", "print nothing but errors; the exit code tells the result");
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
                     "for an internal error.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("run: no scenario file given");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("run: one scenario at a time");
    if (!until.empty() && !parse_duration(until, &options.until_ns))
        return usage_error("--until: '" + until + "' is not a duration of at most " + kMaxSimText +
                           " (e.g. 250ms, 15s)");
    if (vm.count("seed") && !parse_seed(seed_text, &seed))
        return usage_error("--seed: '" + seed_text + "' is not a seed (" + kSeedRange + ")");
    if (!until.empty() && options.until_ns == 0)
        return usage_error("--until: must be greater than 0");

    Scenario scenario = load_scenario(files[0]);
    if (vm.count("seed"))
        scenario.seed = seed;
    if (vm.count("print-config")) {
        std::cout << scenario_to_json(scenario).dump(2) << "\n";
        return kExitPass;
    }
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

int cmd_sweep(const std::vector<std::string>& args) {
    SweepOptions o;
    std::string seed_text = "1";
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "count", po::value(&o.count)->value_name("N")->default_value(o.count),
        "how many seeds to run")("seed", po::value(&seed_text)->value_name("S")->default_value("1"),
                                 "the first seed; the others follow it (all within 0..2^63-1)")(
        "out", po::value(&o.out_dir)->value_name("DIR")->default_value(o.out_dir),
        "where the scenarios of failing seeds are kept")(
        "timeout", po::value(&o.timeout_s)->value_name("SECONDS")->default_value(o.timeout_s),
        "wall time after which a run counts as hung");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim sweep TEMPLATE [options]\n\nFor each seed, makes a scenario "
                     "from TEMPLATE with one to three random faults\nfrom the catalog aimed at "
                     "its requests, and a clean Get Device ID 20 s after them,\nand runs it in "
                     "a child process. Invariants: the run neither crashes nor hangs,\nevery "
                     "request completes, and with mainline host and BMC the clean request\nis "
                     "answered (completion code 0). A failing seed's scenario is kept in DIR;\n"
                     "'ssifsim run' on it reproduces the failure. Exit 0 if no seed failed, 1 if "
                     "one did,\n2 for bad input. A progress bar is drawn only on a terminal.\n\n"
                  << opts;
        return kExitPass;
    }
    if (!vm.count("scenario"))
        return usage_error("sweep: no template scenario given");
    const auto files = vm["scenario"].as<std::vector<std::string>>();
    if (files.size() != 1)
        return usage_error("sweep: one template at a time");
    if (o.count < 1)
        return usage_error("--count: must be at least 1");
    if (o.timeout_s < 1)
        return usage_error("--timeout: must be at least 1 second");
    if (!parse_seed(seed_text, &o.seed))
        return usage_error("--seed: '" + seed_text + "' is not a seed (" + kSeedRange + ")");
    if (static_cast<uint64_t>(o.count - 1) > static_cast<uint64_t>(INT64_MAX) - o.seed)
        return usage_error("--seed: " + seed_text + " + --count " + std::to_string(o.count) +
                           " passes the largest seed a scenario takes (" + kSeedRange + ")");
    o.template_file = files[0];
    o.progress = isatty(STDOUT_FILENO);
    return run_sweep(o, std::cout);
}

int cmd_bench(const std::vector<std::string>& args) {
    BenchOptions o;
    std::vector<std::string> workloads;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "scale", po::value(&o.scale)->value_name("F")->default_value(1.0, "1"),
        "workload sizes times F (0.01: the smoke test's 1,000 requests and 10,000 MSIs)")(
        "workload", po::value(&workloads)->value_name("NAME")->composing(),
        "run only this workload (repeatable): ssif-mixed, ssif-mixed-vcd, zpci-storm-floating, "
        "zpci-storm-directed, raw-kernel")("json", "print one JSON document instead of the table")(
        "memory", "also run ssif-mixed 10 times longer, and with all its requests due at once, and "
                  "compare the peak RSS")(
        "vcd-dir", po::value(&o.vcd_dir)->value_name("DIR")->default_value(o.vcd_dir),
        "where ssif-mixed-vcd writes its waveforms (removed after; about 5 GB at scale 1)");
    const po::variables_map vm = parse_command(args, opts);
    if (vm.count("help")) {
        std::cout << "Usage: ssifsim bench [options]\n\nRuns each workload in its own process "
                     "and prints, per workload: simulated and\nwall seconds, their ratio, "
                     "requests, bus bytes and SystemC process activations per\nwall second, "
                     "and the peak RSS; then the goals, met or missed. raw-kernel makes as\n"
                     "many activations as ssif-mixed from threads that do nothing but wait: "
                     "the\nceiling the models are measured against. Workloads: "
                     "bench/ssif-mixed.json,\nscenarios/zpci-storm-floating.json and "
                     "-directed.json, compiled in. Speed is\nmeasured here, never in a "
                     "timed test; the figures are this machine's.\n\n"
                  << opts;
        return kExitPass;
    }
    if (vm.count("scenario"))
        return usage_error("bench: takes no scenario file (the workloads are built in)");
    if (!(o.scale > 0) || o.scale > 100)
        return usage_error("--scale: must be above 0 and at most 100");
    const auto& known = bench_workload_names();
    for (const std::string& w : workloads)
        if (std::find(known.begin(), known.end(), w) == known.end())
            return usage_error("--workload: unknown workload '" + w + "'");
    o.workloads = workloads;
    o.json = vm.count("json") > 0;
    o.memory = vm.count("memory") > 0;
    return run_bench(o, std::cout);
}

} // namespace

int sc_main(int argc, char* argv[]) {
    // "Simulation stopped by user" and friends are not for our users.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << kTopHelp;
            return args.empty() ? kExitBadInput : kExitPass;
        }
        if (args[0] == "--version") {
            std::cout << "ssifsim 0.1.0\n";
            return kExitPass;
        }
        const std::string command = args[0];
        args.erase(args.begin());
        if (command == "run")
            return cmd_run(args);
        if (command == "validate")
            return cmd_validate(args);
        if (command == "sweep")
            return cmd_sweep(args);
        if (command == "bench")
            return cmd_bench(args);
        return usage_error("unknown command '" + command + "'");
    } catch (const InputError& e) {
        std::cerr << "ssifsim: " << printable(e.what()) << "\n";
        return kExitBadInput;
    } catch (const po::error& e) {
        return usage_error(e.what());
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
