#include "tools/sweep.h"

#include <cstdio>
#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/child.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/workload.h"

namespace ssifsim::tools {

namespace {

// When the clean request goes out: after the last template request, later than anything a
// fault can keep the host busy with (250 reads take 15 s).
constexpr double kCleanAfterMs = 20'000;

// One random fault from the catalog, aimed at a template request (1..requests).
ojson random_host_fault(Rng& rng, int requests) {
    ojson f;
    switch (rng.uniform(0, 5)) {
    case 0: {
        const bool read = rng.uniform(0, 1);
        f = {{"type", "nak"},
             {"op", read ? "read" : "write"},
             {"byte", rng.uniform(0, read ? 2 : 4)}};
        break;
    }
    case 1: f = {{"type", "corrupt_pec"}, {"direction", "host_to_bmc"}}; break;
    case 2: f = {{"type", "corrupt_pec"}, {"direction", "bmc_to_host"}}; break;
    case 3: f = {{"type", "lost_stop"}}; break;
    case 4:
        f = {{"type", "host_power_off"},
             {"after_bytes", rng.uniform(0, 8)},
             {"off_ms", static_cast<double>(rng.uniform(1, 1000))}};
        break;
    default: f = {{"type", "skip_block"}, {"by", rng.uniform(1, 3)}}; break;
    }
    f["request"] = rng.uniform(1, static_cast<uint64_t>(requests));
    f["nth"] = rng.uniform(1, 3);
    f["count"] = rng.uniform(1, 3);
    return f;
}

// A daemon fault, aimed at one of the template requests' reads by the daemon.
ojson random_daemon_fault(Rng& rng, int requests) {
    ojson f;
    switch (rng.uniform(0, 2)) {
    case 0:
        f = {{"type", "daemon_slow"}, {"latency_ms", static_cast<double>(rng.uniform(0, 600))}};
        break;
    case 1: f = {{"type", "daemon_silent"}}; break;
    default: f = {{"type", "daemon_malformed"}, {"len", rng.uniform(0, 300)}}; break;
    }
    f["read"] = rng.uniform(1, static_cast<uint64_t>(requests));
    return f;
}

bool write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
}

// The child: runs one scenario file quietly; the first failed check goes to `report_fd`.
int run_child(const std::string& file, int report_fd, int timeout_s) {
    alarm(static_cast<unsigned>(timeout_s)); // a hang ends in SIGALRM
    int code = 3;
    std::string why;
    try {
        const Scenario s = load_scenario(file);
        const RunResult r = run_scenario(s, {});
        code = r.passed() ? 0 : 1;
        for (const Check& c : r.checks) {
            if (!c.pass) {
                why = c.name + ": " + c.detail;
                break;
            }
        }
    } catch (const InputError& e) {
        code = 2;
        why = e.what();
    } catch (const std::exception& e) {
        why = std::string("internal error: ") + e.what();
    }
    return write_all(report_fd, why) ? code : 3;
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM
                   ? "hung (killed after the timeout)"
                   : "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
    const int code = WEXITSTATUS(status);
    return code == 1 ? "an invariant failed" : code == 2 ? "bad input" : "internal error";
}

void draw_progress(std::ostream& out, int done, int total, int failures) {
    constexpr int kWidth = 30;
    const int filled = total ? done * kWidth / total : kWidth;
    out << "\r  [" << std::string(static_cast<size_t>(filled), '#')
        << std::string(static_cast<size_t>(kWidth - filled), ' ') << "] " << done << "/" << total
        << " seeds, " << failures << " failure(s)" << std::flush;
}

} // namespace

ojson make_variation(const ojson& t, const std::string& template_file, uint64_t seed) {
    Rng rng(seed);
    ojson v = t;
    v["seed"] = seed;
    v["description"] = "sweep of " + template_file + ", seed " + std::to_string(seed);
    ojson& requests = v["workload"]["requests"];
    const int n = static_cast<int>(requests.size());
    double last_ms = 0;
    for (const ojson& r : requests)
        last_ms = std::max(last_ms, r["at_ms"].get<double>());
    requests.push_back({{"at_ms", last_ms + kCleanAfterMs},
                        {"netfn", 0x06},
                        {"lun", 0},
                        {"cmd", 0x01},
                        {"data", ojson::array()}});
    // Either one daemon fault, or one to three on the host's transfers: a request a host
    // fault loses would shift which request a daemon fault hits, onto the clean one.
    ojson faults = ojson::array();
    if (rng.uniform(0, 3) == 0) {
        faults.push_back(random_daemon_fault(rng, n));
    } else {
        for (uint64_t k = rng.uniform(1, 3); k > 0; --k)
            faults.push_back(random_host_fault(rng, n));
    }
    v["faults"] = faults;
    ojson expect = {{"t6_max_ms", t["expect"]["t6_max_ms"]}};
    expect["spec"] = {{"T6max", "any"},        {"all_answered", "pass"}, {"ipmi_messages", "any"},
                      {"faults_fired", "any"}, {"tTIMEOUT", "any"},      {"tLOW:SEXT", "any"},
                      {"ssif_framing", "any"}};
    expect["requests"] = ojson::array();
    // Only the fixed drivers promise recovery: older variants show their bugs.
    if (t["host"]["variant"] == "mainline" && t["bmc"]["variant"] == "mainline")
        expect["requests"].push_back({{"id", n + 1}, {"error", ""}, {"completion_code", 0}});
    v["expect"] = expect;
    return v;
}

int run_sweep(const SweepOptions& o, std::ostream& out) {
    const Scenario tmpl = load_scenario(o.template_file);
    if (!tmpl.generators.empty())
        throw InputError(o.template_file +
                         ": $.workload.generators: a sweep template lists its requests "
                         "(generated ones would be renumbered by the clean request)");
    if (tmpl.requests.empty())
        throw InputError(o.template_file + ": $.workload.requests: a sweep template needs at "
                                           "least one request to aim faults at");
    const ojson resolved = scenario_to_json(tmpl);
    mkdir(o.out_dir.c_str(), 0755); // may exist already
    struct stat st {};
    if (stat(o.out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw InputError(o.out_dir + ": cannot create the directory for failing scenarios");

    int failures = 0;
    for (int i = 0; i < o.count; ++i) {
        const uint64_t seed = o.seed + static_cast<uint64_t>(i);
        const std::string file = o.out_dir + "/sweep-" + std::to_string(seed) + ".json";
        if (!write_text(file, make_variation(resolved, o.template_file, seed).dump(2) + "\n"))
            throw InputError(file + ": cannot write");
        out.flush();
        const ChildOutcome child =
            run_in_child([&](int fd) { return run_child(file, fd, o.timeout_s); });
        const int status = child.status;
        const std::string& why = child.output;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            std::remove(file.c_str());
        } else {
            ++failures;
            if (o.progress)
                out << "\r" << std::string(70, ' ') << "\r";
            out << "seed " << seed << ": " << describe_status(status)
                << (why.empty() ? "" : ": " + why) << "\n  reproduce: ssifsim run " << file << "\n";
        }
        if (o.progress)
            draw_progress(out, i + 1, o.count, failures);
    }
    if (o.progress)
        out << "\n";
    out << "sweep of " << o.template_file << ": " << o.count << " seed(s) from " << o.seed << ", "
        << failures << " failure(s)" << (failures ? ", kept in " + o.out_dir + "/" : std::string())
        << "\n";
    if (failures == 0)
        rmdir(o.out_dir.c_str()); // only if empty
    return failures ? 1 : 0;
}

} // namespace ssifsim::tools
