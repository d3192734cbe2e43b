#define SC_INCLUDE_DYNAMIC_PROCESSES // sc_spawn: the raw kernel's threads
#include "tools/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemc>
#include <unistd.h>

#include "models/common/block_writer.h"
#include "models/common/sim_time.h"
#include "tools/bench_files.h"
#include "tools/bench_floor.h"
#include "tools/child.h"
#include "tools/exit_codes.h"
#include "tools/interrupt.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/status_line.h"
#include "tools/system/bus_component.h"
#include "tools/system/zpci_component.h"

namespace ssifsim::tools {

namespace {

// Goals (the performance issue): faster than real time, requests per wall second, the cost
// of the full VCD, and model activations against the raw kernel's.
constexpr double kGoalSimOverWall = 1000;
constexpr double kGoalRequestsPerS = 20'000;
constexpr double kGoalVcdSlowdown = 3;
constexpr double kGoalActivationShare = 1.0 / 3;
constexpr double kGoalMemoryGrowth = 1.2;
// The cost ratios (the performance issue's goals, from the same run): an ssif-mixed request
// at most 50 raw activations' and 3 floor requests' worth of wall time, an MSI at most 3 raw
// activations'.
constexpr double kGoalRawPerRequest = 50;
constexpr double kGoalFloorRatio = 3;
constexpr double kGoalRawPerMsi = 3;
constexpr int kRawThreads = 8; // about as many processes as the SSIF model runs
// The raw kernel's run at scale 1: long enough (seconds) for a steady rate. ssif-mixed makes
// 1.7 M activations at scale 1, a tenth of a second of the raw kernel's: a rate that short
// swings with the machine's every pause, and every cost ratio with it.
constexpr double kRawActivations = 20e6;

struct Figures {
    std::string name;
    bool checks_passed = true;
    double sim_seconds = 0, wall_seconds = 0;
    double requests = 0, msis = 0, bus_bytes = 0, activations = 0;
    double peak_rss_mb = 0;
    double log_events = 0; // floor: the log events its models built
    // A waveform run: the bytes of its files, and the wall seconds it waited for the file
    // system to take them (block_writer_wait_ns).
    double waveform_bytes = 0, waveform_wait_seconds = 0;
    // An event log run: the bytes of its log (JSON Lines), and the wall seconds it waited for
    // the file system to take them (block_writer_wait_ns: no waveforms in that run).
    double log_bytes = 0, log_wait_seconds = 0;
    // Every run's wall seconds, in run order (one without --repeat; this one is their median).
    std::vector<double> wall_runs;
    double per_wall(double n) const { return wall_seconds > 0 ? n / wall_seconds : 0; }
    double sim_over_wall() const { return per_wall(sim_seconds); }
    // Wall seconds per request and per MSI; 0 without any.
    double wall_per(double n) const { return n > 0 ? wall_seconds / n : 0; }
    bool ssif() const { return name.rfind("ssif-", 0) == 0; }
    bool storm() const { return name.rfind("zpci-storm-", 0) == 0; }
    // SSIF requests over the bus: the SSIF workloads and the floor.
    bool makes_requests() const { return ssif() || name == "floor"; }
    // SystemC process activations: every workload but the floor, which runs no SystemC.
    bool activates() const { return name != "floor"; }
};

// The cost ratios of one workload, each measured within the run; 0 where the run lacks
// what a ratio needs (no raw-kernel or floor workload, no requests or MSIs).
struct Ratios {
    double activations_per_request = 0; // the model's own process activations
    double activations_per_msi = 0;
    // Wall time per request (per MSI) in raw-kernel activations: raw_activations_per_s /
    // requests_per_s (msis_per_s).
    double raw_activations_per_request = 0;
    double raw_activations_per_msi = 0;
    // Wall time per request against the floor workload's.
    double floor_ratio = 0;
};

Ratios ratios(const Figures& f, double raw_per_s, const Figures* floor_run) {
    Ratios r;
    if (f.ssif() && f.requests > 0) {
        r.activations_per_request = f.activations / f.requests;
        r.raw_activations_per_request = raw_per_s * f.wall_per(f.requests);
        if (floor_run && floor_run->wall_per(floor_run->requests) > 0)
            r.floor_ratio = f.wall_per(f.requests) / floor_run->wall_per(floor_run->requests);
    }
    if (f.storm() && f.msis > 0) {
        r.activations_per_msi = f.activations / f.msis;
        r.raw_activations_per_msi = raw_per_s * f.wall_per(f.msis);
    }
    return r;
}

ojson figures_json(const Figures& f, double raw_per_s, const Figures* floor_run) {
    // Counts are whole numbers, printed as such (Figures keeps them as doubles for the rates).
    const auto count = [](double n) { return static_cast<uint64_t>(std::llround(n)); };
    ojson j = {{"sim_seconds", f.sim_seconds},
               {"wall_seconds", f.wall_seconds},
               {"sim_over_wall", f.sim_over_wall()},
               {"requests", count(f.requests)},
               {"requests_per_s", f.per_wall(f.requests)},
               {"msis", count(f.msis)},
               {"msis_per_s", f.per_wall(f.msis)},
               {"bus_bytes", count(f.bus_bytes)},
               {"bus_bytes_per_s", f.per_wall(f.bus_bytes)},
               {"activations", count(f.activations)},
               {"activations_per_s", f.per_wall(f.activations)},
               {"raw_activations_per_s", raw_per_s},
               {"peak_rss_mb", f.peak_rss_mb},
               {"checks_passed", f.checks_passed}};
    if (!f.activates()) { // no SystemC, so no activations to count
        j["activations"] = nullptr;
        j["activations_per_s"] = nullptr;
    }
    if (raw_per_s <= 0) // raw-kernel did not run: not measured, rather than a rate of 0
        j["raw_activations_per_s"] = nullptr;
    // The ratios a workload has: present only when measured (finite and positive).
    const Ratios r = ratios(f, raw_per_s, floor_run);
    const auto add = [&j](const char* key, double v) {
        if (v > 0)
            j[key] = v;
    };
    add("activations_per_request", r.activations_per_request);
    add("raw_activations_per_request", r.raw_activations_per_request);
    add("floor_ratio", r.floor_ratio);
    add("activations_per_msi", r.activations_per_msi);
    add("raw_activations_per_msi", r.raw_activations_per_msi);
    if (f.name == "floor")
        j["log_events"] = count(f.log_events);
    if (f.waveform_bytes > 0) {
        j["waveform_bytes"] = count(f.waveform_bytes);
        j["waveform_bytes_per_s"] = f.per_wall(f.waveform_bytes);
        j["waveform_wait_seconds"] = f.waveform_wait_seconds;
    }
    if (f.log_bytes > 0) {
        j["log_bytes"] = count(f.log_bytes);
        j["log_bytes_per_s"] = f.per_wall(f.log_bytes);
        j["log_wait_seconds"] = f.log_wait_seconds;
    }
    j["wall_seconds_runs"] = f.wall_runs;
    return j;
}

// What a child measured, sent to the parent through the pipe as one JSON line; the parent
// adds the name and the peak RSS.
std::string measured_line(const Figures& f) {
    return ojson{{"sim_seconds", f.sim_seconds},
                 {"wall_seconds", f.wall_seconds},
                 {"requests", f.requests},
                 {"msis", f.msis},
                 {"bus_bytes", f.bus_bytes},
                 {"activations", f.activations},
                 {"log_events", f.log_events},
                 {"checks_passed", f.checks_passed},
                 {"waveform_bytes", f.waveform_bytes},
                 {"waveform_wait_seconds", f.waveform_wait_seconds},
                 {"log_bytes", f.log_bytes},
                 {"log_wait_seconds", f.log_wait_seconds}}
        .dump();
}

Figures read_measured(const json& j) {
    Figures f;
    f.sim_seconds = j["sim_seconds"];
    f.wall_seconds = j["wall_seconds"];
    f.requests = j["requests"];
    f.msis = j["msis"];
    f.bus_bytes = j["bus_bytes"];
    f.activations = j["activations"];
    f.log_events = j["log_events"];
    f.checks_passed = j["checks_passed"];
    f.waveform_bytes = j["waveform_bytes"];
    f.waveform_wait_seconds = j["waveform_wait_seconds"];
    f.log_bytes = j["log_bytes"];
    f.log_wait_seconds = j["log_wait_seconds"];
    return f;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A workload file with its sizes scaled; its scenario-specific expectations go (they name
// exact counts), the spec checks stay, and so does what `expect.spec` says of them (a storm
// that shows a kernel defect expects interrupts_accounted to fail at any scale).
json scaled(const char* text, double scale) {
    json doc = json::parse(text);
    const auto scale_count = [scale](json& item) {
        const double n = std::round(item["count"].get<double>() * scale);
        item["count"] = static_cast<int64_t>(std::max(1.0, n));
    };
    if (doc.contains("workload"))
        for (json& g : doc["workload"]["generators"])
            scale_count(g);
    if (doc.contains("zpci"))
        for (json& m : doc["zpci"]["msis"])
            scale_count(m);
    json spec;
    if (doc.contains("expect") && doc["expect"].contains("spec"))
        spec = doc["expect"]["spec"];
    doc.erase("expect");
    if (!spec.is_null())
        doc["expect"] = {{"spec", spec}};
    return doc;
}

// The child's side: one scenario run, its figures as JSON on `fd`.
int measure_scenario(const json& doc, const std::string& name, const std::string& vcd_path,
                     const std::string& log_path, int fd) {
    const Scenario s = parse_scenario(doc, name);
    install_interrupt_handlers(); // a signal stops the run, and its waveforms are removed below
    RunOptions options;
    options.vcd_path = vcd_path;
    options.log_path = log_path;
    const auto t0 = std::chrono::steady_clock::now();
    const RunResult r = run_scenario(s, options);
    const double wall = seconds_since(t0);
    Figures f;
    if (!vcd_path.empty()) {
        std::vector<std::string> files = r.viewer_files;
        files.push_back(vcd_path);
        files.push_back(transaction_vcd_path(vcd_path));
        for (const std::string& file : files) {
            struct stat st;
            if (::stat(file.c_str(), &st) == 0)
                f.waveform_bytes += static_cast<double>(st.st_size);
            std::remove(file.c_str());
        }
        f.waveform_wait_seconds = static_cast<double>(block_writer_wait_ns()) / 1e9;
    }
    if (!log_path.empty()) {
        struct stat st;
        if (::stat(log_path.c_str(), &st) == 0)
            f.log_bytes = static_cast<double>(st.st_size);
        std::remove(log_path.c_str());
        f.log_wait_seconds = static_cast<double>(block_writer_wait_ns()) / 1e9;
    }
    // A run cut short (a signal to this process alone) or whose files are incomplete (a full
    // disk) measured something else than the workload: no figures.
    if (r.interrupted_by) {
        write_all(fd, std::string("stopped by ") + signal_name(r.interrupted_by) +
                          " before the end of its run");
        return kExitInternal;
    }
    if (!r.output_error.empty()) {
        write_all(fd, r.output_error);
        return kExitOutput;
    }
    f.sim_seconds = r.end_ns / 1e9;
    f.wall_seconds = wall;
    f.requests = static_cast<double>(r.completed);
    if (const ZpciResult* z = r.find<ZpciResult>())
        f.msis = static_cast<double>(z->counts.raised);
    if (const BusResult* b = r.find<BusResult>())
        f.bus_bytes = static_cast<double>(b->wire_bytes);
    f.activations = static_cast<double>(process_activations());
    f.checks_passed = r.passed();
    return write_all(fd, measured_line(f)) ? 0 : 3;
}

// The floor: the same requests through the plain C++ cores (tools/bench_floor.h), no
// SystemC; timed from the first request generated to the last response delivered.
int measure_floor(const json& doc, int fd) {
    const Scenario s = parse_scenario(doc, "floor");
    const auto t0 = std::chrono::steady_clock::now();
    const FloorResult r = run_floor(s);
    Figures f;
    f.wall_seconds = seconds_since(t0);
    f.sim_seconds = r.end_ns / 1e9;
    f.requests = static_cast<double>(r.requests);
    f.bus_bytes = static_cast<double>(r.wire_bytes);
    f.log_events = static_cast<double>(r.events);
    f.checks_passed = r.failed == 0 && r.requests == s.total_requests();
    return write_all(fd, measured_line(f)) ? 0 : 3;
}

// The raw kernel: threads that only wait, each on its own period, until `target`
// activations in all; the same wait helper as the models, so the same counting.
int measure_raw_kernel(uint64_t target, int fd) {
    for (int i = 0; i < kRawThreads; ++i) {
        sc_core::sc_spawn([i, target] {
            const uint64_t period_ns = 1000 + 7 * static_cast<uint64_t>(i);
            for (;;) {
                wait_for(period_ns);
                if (process_activations() == target) // once: a second sc_stop warns
                    sc_core::sc_stop();
            }
        });
    }
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    Figures f;
    f.wall_seconds = seconds_since(t0);
    f.sim_seconds = sim_now_ns() / 1e9;
    f.activations = static_cast<double>(process_activations());
    return write_all(fd, measured_line(f)) ? 0 : 3;
}

// SIGINT, SIGTERM and SIGHUP during bench. A workload's process has a process group of its
// own, so a terminal's Ctrl-C reaches the parent alone, which passes it on once; a scenario
// workload stops its run at the next event, as `ssifsim run` does (interrupt.h), and
// removes its waveforms (a second signal would end it at once, leaving them); the parent
// starts no further workload and exits 128 + the signal, printing no figures.
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_workload_pid = 0; // the running workload's process, or 0

void on_signal(int signo) {
    g_signal = signo;
    if (g_workload_pid > 0)
        kill(static_cast<pid_t>(g_workload_pid), signo);
}

void install_bench_signal_handlers() {
    struct sigaction sa = {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; // the parent's read of the pipe and wait4 go on
    for (int signo : kInterruptSignals)
        sigaction(signo, &sa, nullptr);
}

// A workload's process failed: what bench prints (with no figures) before it exits 3.
struct WorkloadFailed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Figures run_measured(const std::string& name, const std::function<int(int)>& body) {
    const pid_t parent = getpid();
    const ChildOutcome child = run_in_child(
        [&](int fd) {
            // Not the parent's handlers: the default, or the run's own (measure_scenario).
            for (int signo : kInterruptSignals)
                std::signal(signo, SIG_DFL);
            setpgid(0, 0); // signals come from the parent, once
            // A parent killed outright cannot pass its signal on: SIGTERM then stops the run
            // and removes its waveforms, as the parent's own SIGTERM would.
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) // it died before the line above
                return kExitInternal;
            try {
                return body(fd);
            } catch (const InputError& e) { // e.g. --vcd-dir's file cannot be created
                write_all(fd, e.what());
                return kExitBadInput;
            } catch (const std::exception& e) {
                write_all(fd, std::string("error: ") + e.what());
                return kExitInternal;
            }
        },
        [](pid_t pid) { g_workload_pid = pid; });
    g_workload_pid = 0;
    if (g_signal != 0) // what it measured, if anything, is not a figure to print
        return Figures{};
    if (WIFEXITED(child.status) && WEXITSTATUS(child.status) == kExitBadInput)
        throw InputError("bench: workload " + name + ": " + child.output);
    if (WIFSIGNALED(child.status))
        throw WorkloadFailed("bench: workload " + name + " failed: its process ended on signal " +
                             std::to_string(WTERMSIG(child.status)) + " (" +
                             strsignal(WTERMSIG(child.status)) + ")");
    if (!WIFEXITED(child.status) || WEXITSTATUS(child.status) != 0)
        throw WorkloadFailed("bench: workload " + name +
                             " failed: " + (child.output.empty() ? "no output" : child.output));
    Figures f = read_measured(json::parse(child.output));
    f.name = name;
    f.peak_rss_mb = static_cast<double>(child.usage.ru_maxrss) / 1024.0; // KiB on Linux
    return f;
}

// The run with the median wall time (the lower of the two middle ones for an even count),
// with every run's wall time in wall_runs and the highest peak RSS of them (a peak is a
// maximum). Each run of a workload does the same simulation (the same seed), so only the
// times and the RSS differ between them.
Figures median_run(const std::vector<Figures>& runs) {
    std::vector<const Figures*> by_wall;
    for (const Figures& f : runs)
        by_wall.push_back(&f);
    std::stable_sort(by_wall.begin(), by_wall.end(), [](const Figures* a, const Figures* b) {
        return a->wall_seconds < b->wall_seconds;
    });
    Figures median = *by_wall[(by_wall.size() - 1) / 2];
    for (const Figures& f : runs) {
        median.wall_runs.push_back(f.wall_seconds);
        median.peak_rss_mb = std::max(median.peak_rss_mb, f.peak_rss_mb);
    }
    return median;
}

// One goal, met or missed. `id` is stable across releases, for CI that tracks a goal by
// name ("<workload>/<metric>"); `text` is for people and may be reworded.
struct Goal {
    std::string workload, metric, unit;
    bool at_most; // met when value <= target; else when value >= target
    double value, target;
    std::string text;
    std::string id() const { return workload + "/" + metric; }
    bool met() const { return at_most ? value <= target : value >= target; }
};

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// A byte count in GB (10^9) from what would print as 1000 MB, else in MB, with three
// significant digits or more.
std::string bytes_text(double bytes) {
    if (bytes >= 999.5e6)
        return fixed(bytes / 1e9, 2) + " GB";
    return fixed(bytes / 1e6, bytes >= 1e8 ? 0 : bytes >= 1e7 ? 1 : 2) + " MB";
}

// A waveform or log run that waited less than this share of its wall time for the file
// system was paced by the simulation's own work.
constexpr double kFileSystemPaced = 0.1;

// "  it waited 0.015 s of its 11.450 s for the file system[: the simulation's own work set
// the pace]"
std::string waited_text(double wait_seconds, double wall_seconds) {
    std::string text = "  it waited " + fixed(wait_seconds, 3) + " s of its " +
                       fixed(wall_seconds, 3) + " s for the file system";
    if (wait_seconds < kFileSystemPaced * wall_seconds)
        text += ": the simulation's own work set the pace";
    return text;
}

// The rate the file system would have to take a waveform run's bytes at for the VCD goal
// (kGoalVcdSlowdown times ssif-mixed's wall time); 0 without both runs.
double waveform_rate_for_goal(const Figures& vcd, const Figures* mixed) {
    if (vcd.waveform_bytes <= 0 || !mixed || mixed->wall_seconds <= 0)
        return 0;
    return vcd.waveform_bytes / (kGoalVcdSlowdown * mixed->wall_seconds);
}

// The line bench draws on a terminal while it runs: which workload, in which round, and the
// wall time so far ("  bench: zpci-storm-directed, workload 5 of 6, round 2 of 3, 1:04 so
// far").
std::string progress_text(const std::string& name, size_t job, size_t jobs, int round, int rounds,
                          std::chrono::steady_clock::duration elapsed) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    char so_far[32];
    std::snprintf(so_far, sizeof so_far, "%lld:%02lld", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
    std::string text = "  bench: " + name + ", workload " + std::to_string(job + 1) + " of " +
                       std::to_string(jobs);
    if (rounds > 1)
        text += ", round " + std::to_string(round + 1) + " of " + std::to_string(rounds);
    return text + ", " + so_far + " so far";
}

} // namespace

const std::vector<std::string>& bench_workload_names() {
    static const std::vector<std::string> names = {"ssif-mixed",          "floor",
                                                   "ssif-mixed-vcd",      "ssif-mixed-log",
                                                   "zpci-storm-floating", "zpci-storm-directed",
                                                   "raw-kernel"};
    return names;
}

// The folder ssif-mixed-vcd writes its waveforms into, and ssif-mixed-log its event log: made in
// --vcd-dir with a name no one can guess (mkdtemp, mode 0700), so that nothing placed there
// beforehand (a symbolic link named as a waveform would be) is written through, and removed with
// whatever is in it once bench is done, so that a workload's process killed mid-run leaves no
// waveform behind.
class WaveformDir {
  public:
    explicit WaveformDir(const std::string& parent) {
        std::string name = parent + "/ssifsim-bench-XXXXXX";
        if (!mkdtemp(name.data()))
            throw InputError("--vcd-dir: cannot create a folder in '" + parent +
                             "': " + std::strerror(errno));
        path_ = name;
    }
    ~WaveformDir() {
        std::error_code ignored; // nothing more to do about a file that will not go
        std::filesystem::remove_all(path_, ignored);
    }
    WaveformDir(const WaveformDir&) = delete;
    WaveformDir& operator=(const WaveformDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

int run_bench(const BenchOptions& o, std::ostream& out) {
    // Each workload a job; with --repeat, the jobs run round after round (every workload
    // once, then again), so that a machine's slow minute falls on every workload alike.
    struct Job {
        std::string name;
        std::function<Figures()> run;
    };
    std::vector<Job> jobs;
    const auto scenario = [&](const std::string& name, const char* text, double scale,
                              const std::string& vcd, const std::string& log = "") {
        jobs.push_back({name, [name, doc = scaled(text, scale), vcd, log] {
                            return run_measured(name, [&](int fd) {
                                return measure_scenario(doc, name, vcd, log, fd);
                            });
                        }});
    };
    std::vector<std::vector<Figures>> done; // by job, every run
    const auto first_run = [&jobs, &done](const std::string& name) -> const Figures* {
        for (size_t j = 0; j < jobs.size() && j < done.size(); ++j)
            if (jobs[j].name == name && !done[j].empty())
                return &done[j].front();
        return nullptr;
    };
    if (o.wants("ssif-mixed"))
        scenario("ssif-mixed", bench_files::kSsifMixed, o.scale, "");
    if (o.wants("floor"))
        jobs.push_back({"floor", [doc = scaled(bench_files::kSsifMixed, o.scale)] {
                            return run_measured("floor",
                                                [&doc](int fd) { return measure_floor(doc, fd); });
                        }});
    std::optional<WaveformDir> waveform_dir;
    if (o.wants("ssif-mixed-vcd") || o.wants("ssif-mixed-log"))
        waveform_dir.emplace(o.vcd_dir);
    if (o.wants("ssif-mixed-vcd"))
        scenario("ssif-mixed-vcd", bench_files::kSsifMixed, o.scale,
                 waveform_dir->path() + "/ssif-mixed.vcd");
    if (o.wants("ssif-mixed-log"))
        scenario("ssif-mixed-log", bench_files::kSsifMixed, o.scale, "",
                 waveform_dir->path() + "/ssif-mixed.jsonl");
    if (o.memory) {
        scenario("ssif-mixed-10x", bench_files::kSsifMixed, o.scale * 10, "");
        scenario("ssif-burst", bench_files::kSsifBurst, o.scale, "");
    }
    if (o.wants("zpci-storm-floating"))
        scenario("zpci-storm-floating", bench_files::kStormFloating, o.scale, "");
    if (o.wants("zpci-storm-directed"))
        scenario("zpci-storm-directed", bench_files::kStormDirected, o.scale, "");
    if (o.wants("raw-kernel"))
        jobs.push_back(
            {"raw-kernel", [&first_run, &o] {
                 // kRawActivations times the scale, or as many as ssif-mixed
                 // made if more (the same in every run), at least one: a target of
                 // 0 would never be reached.
                 const Figures* mixed = first_run("ssif-mixed");
                 const auto target = std::max<uint64_t>(
                     1, static_cast<uint64_t>(
                            std::max(kRawActivations * o.scale, mixed ? mixed->activations : 0.0)));
                 return run_measured("raw-kernel",
                                     [target](int fd) { return measure_raw_kernel(target, fd); });
             }});
    done.resize(jobs.size());
    install_bench_signal_handlers();
    StatusLine progress(o.progress, STDERR_FILENO);
    const auto started = std::chrono::steady_clock::now();
    for (int round = 0; round < o.repeat; ++round)
        for (size_t j = 0; j < jobs.size(); ++j) {
            if (o.progress)
                progress.draw(progress_text(jobs[j].name, j, jobs.size(), round, o.repeat,
                                            std::chrono::steady_clock::now() - started));
            if (g_signal == 0) { // else it came between two workloads: start no other
                try {
                    done[j].push_back(jobs[j].run());
                } catch (const WorkloadFailed& e) {
                    progress.clear();
                    std::cerr << "ssifsim: " << e.what() << " (no figures printed)\n";
                    return kExitInternal;
                }
            }
            if (g_signal != 0) {
                progress.clear();
                std::cerr << "ssifsim: bench stopped by " << signal_name(g_signal) << " at "
                          << jobs[j].name << " (no figures printed)\n";
                return 128 + g_signal;
            }
        }
    progress.clear();
    std::vector<Figures> runs;
    for (const std::vector<Figures>& d : done)
        runs.push_back(median_run(d));
    const auto find = [&runs](const std::string& name) -> const Figures* {
        for (const Figures& f : runs)
            if (f.name == name)
                return &f;
        return nullptr;
    };
    double raw_per_s = 0;
    if (const Figures* raw = find("raw-kernel"))
        raw_per_s = raw->per_wall(raw->activations);

    std::vector<Goal> goals;
    if (const Figures* m = find("ssif-mixed")) {
        goals.push_back({"ssif-mixed", "sim_over_wall", "simulated s per wall s", false,
                         m->sim_over_wall(), kGoalSimOverWall,
                         "ssif-mixed runs at least 1000 times faster than real time"});
        goals.push_back({"ssif-mixed", "requests_per_s", "requests per wall s", false,
                         m->per_wall(m->requests), kGoalRequestsPerS,
                         "ssif-mixed completes at least 20,000 requests per wall second"});
        if (const Figures* v = find("ssif-mixed-vcd")) {
            const double slowdown = v->wall_seconds / m->wall_seconds;
            goals.push_back({"ssif-mixed-vcd", "vcd_slowdown", "wall s per ssif-mixed wall s", true,
                             slowdown, kGoalVcdSlowdown,
                             "the full VCD makes ssif-mixed at most 3 times slower"});
        }
        if (const Figures* l = find("ssif-mixed-10x")) {
            const double growth = l->peak_rss_mb / m->peak_rss_mb;
            goals.push_back({"ssif-mixed-10x", "rss_growth", "peak RSS per ssif-mixed peak RSS",
                             true, growth, kGoalMemoryGrowth,
                             "ssif-mixed 10 times longer peaks at most 1.2 times the RSS"});
        }
        if (const Figures* b = find("ssif-burst")) {
            const double growth = b->peak_rss_mb / m->peak_rss_mb;
            goals.push_back(
                {"ssif-burst", "rss_growth", "peak RSS per ssif-mixed peak RSS", true, growth,
                 kGoalMemoryGrowth,
                 "ssif-mixed's requests all due at once peak at most 1.2 times the RSS"});
        }
    }
    for (const Figures& f : runs) {
        // The storms; the VCD and memory runs measure other things. An SSIF workload's
        // activation carries a whole transfer since the bus runs ahead of SystemC's clock
        // (SmbusBus::runs_ahead), so its activation rate no longer tells its speed: its
        // raw_activations_per_request goal below does.
        if (f.name == "raw-kernel" || raw_per_s <= 0 || f.name == "ssif-mixed-10x" ||
            f.name == "ssif-mixed-vcd" || f.name == "ssif-mixed-log" || f.name == "ssif-burst" ||
            f.name == "floor" || f.requests > 0)
            continue;
        const double share = f.per_wall(f.activations) / raw_per_s;
        goals.push_back(
            {f.name, "activation_share", "raw-kernel activations per s", false, share,
             kGoalActivationShare,
             f.name + " makes at least a third of raw-kernel's activations per second"});
    }
    const Figures* floor_run = find("floor");
    const Figures* mixed_run = find("ssif-mixed");
    if (mixed_run) {
        const Ratios r = ratios(*mixed_run, raw_per_s, floor_run);
        if (r.raw_activations_per_request > 0)
            goals.push_back({"ssif-mixed", "raw_activations_per_request",
                             "raw-kernel activations' wall time", true,
                             r.raw_activations_per_request, kGoalRawPerRequest,
                             "an ssif-mixed request costs at most 50 raw-kernel activations"});
        if (r.floor_ratio > 0)
            goals.push_back({"ssif-mixed", "floor_ratio", "floor requests' wall time", true,
                             r.floor_ratio, kGoalFloorRatio,
                             "an ssif-mixed request costs at most 3 floor requests"});
    }
    for (const Figures& f : runs) {
        const Ratios r = ratios(f, raw_per_s, floor_run);
        if (r.raw_activations_per_msi > 0)
            goals.push_back({f.name, "raw_activations_per_msi", "raw-kernel activations' wall time",
                             true, r.raw_activations_per_msi, kGoalRawPerMsi,
                             "a " + f.name + " MSI costs at most 3 raw-kernel activations"});
    }

    if (o.json) {
        ojson doc = {{"ssifsim_bench", 1}, {"scale", o.scale}, {"repeat", o.repeat}};
        ojson workloads = ojson::object();
        for (const Figures& f : runs) {
            workloads[f.name] = figures_json(f, raw_per_s, floor_run);
            if (const double need = waveform_rate_for_goal(f, mixed_run); need > 0)
                workloads[f.name]["waveform_bytes_per_s_for_goal"] = need;
        }
        doc["workloads"] = workloads;
        ojson goal_list = ojson::array();
        for (const Goal& g : goals)
            goal_list.push_back({{"id", g.id()},
                                 {"workload", g.workload},
                                 {"metric", g.metric},
                                 {"unit", g.unit},
                                 {"comparison", g.at_most ? "at_most" : "at_least"},
                                 {"value", g.value},
                                 {"target", g.target},
                                 {"met", g.met()},
                                 {"goal", g.text}});
        doc["goals"] = goal_list;
        out << doc.dump(2) << "\n";
        return 0;
    }
    out << "ssifsim bench, scale " << o.scale << " (each workload in its own process)\n";
    if (o.repeat > 1)
        out << "each workload run " << o.repeat
            << " times, round after round; each row is its run with the median wall time\n";
    out << "\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-20s %10s %8s %9s %8s %9s %9s %13s %7s %6s\n", "workload",
                  "sim s", "wall s", "sim/wall", "req/s", "MSI/s", "bus B/s", "activations/s",
                  "RSS MB", "checks");
    out << line;
    for (const Figures& f : runs) {
        // "-" for what the workload's kind never makes, rather than a rate of 0: requests and
        // bus bytes but for SSIF workloads, MSIs but for storms, and activations in the floor,
        // which runs no SystemC. (--json keeps the numbers, and null for the floor's.)
        const auto rate = [&f](bool makes, double n) {
            return makes ? fixed(f.per_wall(n), 0) : std::string("-");
        };
        std::snprintf(line, sizeof line, "%-20s %10.3f %8.3f %9.2f %8s %9s %9s %13s %7.1f %6s\n",
                      f.name.c_str(), f.sim_seconds, f.wall_seconds, f.sim_over_wall(),
                      rate(f.makes_requests(), f.requests).c_str(), rate(f.storm(), f.msis).c_str(),
                      rate(f.makes_requests(), f.bus_bytes).c_str(),
                      rate(f.activates(), f.activations).c_str(), f.peak_rss_mb,
                      f.checks_passed ? "pass" : "FAIL");
        out << line;
    }
    // The cost ratios, each from this run's figures ("-": not measured in this run).
    const bool any_ratios = std::any_of(runs.begin(), runs.end(),
                                        [](const Figures& f) { return f.ssif() || f.storm(); });
    const auto ratio = [](double v) { return v > 0 ? fixed(v, v < 10 ? 2 : 1) : std::string("-"); };
    if (any_ratios) {
        out << "\ncost ratios (act: the model's own activations per request or MSI; raw act: "
               "its wall time\nper request or MSI in raw-kernel activations; floor ratio: "
               "per request, in floor requests):\n";
        std::snprintf(line, sizeof line, "%-20s %9s %11s %11s %9s %11s\n", "workload", "act/req",
                      "raw act/req", "floor ratio", "act/MSI", "raw act/MSI");
        out << line;
    }
    for (const Figures& f : runs) {
        if (!f.ssif() && !f.storm())
            continue;
        const Ratios r = ratios(f, raw_per_s, floor_run);
        std::snprintf(line, sizeof line, "%-20s %9s %11s %11s %9s %11s\n", f.name.c_str(),
                      ratio(r.activations_per_request).c_str(),
                      ratio(r.raw_activations_per_request).c_str(), ratio(r.floor_ratio).c_str(),
                      ratio(r.activations_per_msi).c_str(),
                      ratio(r.raw_activations_per_msi).c_str());
        out << line;
    }
    // A waveform run is bounded by its own VCD work and by the file system: what it wrote, how
    // long it waited for the file system, and the rate the VCD goal would need of it.
    for (const Figures& f : runs) {
        if (f.waveform_bytes <= 0)
            continue;
        out << "\nwaveforms: " << f.name << " wrote " << bytes_text(f.waveform_bytes) << " at "
            << bytes_text(f.per_wall(f.waveform_bytes)) << "/s\n"
            << waited_text(f.waveform_wait_seconds, f.wall_seconds);
        if (const double need = waveform_rate_for_goal(f, mixed_run); need > 0)
            out << "\n  " << fixed(kGoalVcdSlowdown, 0) << " times ssif-mixed's "
                << fixed(mixed_run->wall_seconds, 3) << " s needs a file system that takes "
                << bytes_text(need) << "/s (--vcd-dir picks it)";
        out << "\n";
    }
    // The event log's cost: what the run wrote, and its wall time against the run without it.
    for (const Figures& f : runs) {
        if (f.log_bytes <= 0)
            continue;
        out << "\nevent log: " << f.name << " wrote " << bytes_text(f.log_bytes) << " at "
            << bytes_text(f.per_wall(f.log_bytes)) << "/s";
        if (mixed_run && mixed_run->wall_seconds > 0)
            out << ", " << fixed(f.wall_seconds / mixed_run->wall_seconds, 2)
                << " times ssif-mixed's wall time";
        out << "\n" << waited_text(f.log_wait_seconds, f.wall_seconds) << "\n";
    }
    if (!goals.empty())
        out << "\ngoals:\n";
    for (const Goal& g : goals) {
        // The value with the goal's own precision, fine enough that a missed goal never
        // prints as its target: whole numbers for goals of 10 and more, 3 decimals below 1.
        const int decimals = g.target >= 10 ? 0 : g.target >= 1 ? 2 : 3;
        out << "  " << (g.met() ? "met   " : "MISSED") << "  " << g.text << ": "
            << fixed(g.value, decimals) << " (goal " << fixed(g.target, decimals) << ")\n";
    }
    return 0;
}

} // namespace ssifsim::tools
