#include "tools/sweep.h"

#include <algorithm>
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
    switch (rng.uniform(0, 7)) {
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
    case 5: f = {{"type", "skip_block"}, {"by", rng.uniform(1, 3)}}; break;
    case 6:
        f = {{"type", "clock_stretch"},
             {"op", rng.uniform(0, 1) ? "read" : "write"},
             {"after_bytes", rng.uniform(1, 4)},
             {"gaps", rng.uniform(1, 3)},
             {"stretch_ms", static_cast<double>(rng.uniform(1, 1200))}};
        break;
    default: {
        // SDA is held at the master's bytes: 0..2 covers reads and writes alike.
        const bool sda = rng.uniform(0, 1);
        f = {{"type", "held_low"},
             {"line", sda ? "sda" : "scl"},
             {"after_bytes", rng.uniform(0, sda ? 2 : 4)},
             {"held_ms", static_cast<double>(rng.uniform(1, 2000))}};
        break;
    }
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

// A foreign master's read or write, sometime in the template's span, in a random BMC state
// (or none); the state may never come, which is not a failure (faults_fired is "any").
ojson random_foreign_master(Rng& rng, double last_ms) {
    static const char* const kStates[] = {
        "", "READY", "START", "SMBUS_CMD", "REQ_RECVING", "RES_SENDING", "ABORTING"};
    ojson f = {
        {"type", "foreign_master"},
        {"at_ms", static_cast<double>(rng.uniform(0, static_cast<uint64_t>(last_ms) + 100))}};
    const char* state = kStates[rng.uniform(0, 6)];
    if (*state)
        f["state"] = state;
    if (rng.uniform(0, 1)) {
        f["op"] = "read";
        f["length"] = rng.uniform(1, 4);
    } else {
        // An SSIF single-part write without PEC (a Get Device ID), or a few stray bytes.
        f["op"] = "write";
        f["data"] = rng.uniform(0, 1) ? ojson::array({0x02, 0x02, 0x18, 0x01})
                                      : ojson::array({rng.uniform(0, 255), rng.uniform(0, 255)});
    }
    return f;
}

// zPCI faults for a template with a zpci section: a lost or duplicated MSI, a CPU offline
// and back, or a hot-unplug; aimed at the listed functions other than the host's
// controller. Returns false when the template has none to aim at. `strands` is set for
// faults every kernel version mishandles, even the fixed code: a CPU offline (the fallback
// handler's IPI to it is dropped, -ENXIO, so its MSIs can stay pending to the end) and a
// hot-unplug (a floating handler inside the function's vector goes on scanning it after
// the teardown released it).
bool add_random_zpci_fault(Rng& rng, ojson& zpci, const ojson& irq_fid, bool* strands) {
    *strands = false;
    std::vector<ojson> fids;
    for (const ojson& fn : zpci["functions"])
        for (int64_t k = 0; k < fn.value("count", int64_t{1}); ++k)
            if (fn["fid"].get<int64_t>() + k != irq_fid)
                fids.push_back(fn["fid"].get<int64_t>() + k);
    if (fids.empty())
        return false;
    const ojson fid = fids[rng.uniform(0, fids.size() - 1)];
    const uint64_t at_ns = rng.uniform(0, 20'000'000);
    const uint64_t cpus = zpci["cpus"].get<uint64_t>();
    // 0: lost/duplicated MSI, 1: CPU offline and back (the only CPU stays online), 2: unplug.
    switch (cpus >= 2 ? rng.uniform(0, 2) : 2 * rng.uniform(0, 1)) {
    case 0:
        zpci["msis"].push_back({{"fid", fid},
                                {"at_ns", at_ns},
                                {"count", rng.uniform(1, 20)},
                                {"interval_ns", rng.uniform(100, 100'000)},
                                {"fault", rng.uniform(0, 1) ? "lost" : "duplicated"}});
        break;
    case 1: {
        const uint64_t cpu = rng.uniform(0, cpus - 1);
        *strands = true;
        zpci["msis"].push_back({{"fid", fid}, {"at_ns", at_ns}, {"count", rng.uniform(1, 20)}});
        zpci["actions"].push_back({{"at_ns", at_ns}, {"kind", "cpu_offline"}, {"cpu", cpu}});
        zpci["actions"].push_back({{"at_ns", at_ns + rng.uniform(1000, 1'000'000)},
                                   {"kind", "cpu_online"},
                                   {"cpu", cpu}});
        break;
    }
    default:
        *strands = true;
        zpci["msis"].push_back({{"fid", fid}, {"at_ns", at_ns}, {"count", rng.uniform(1, 20)}});
        zpci["actions"].push_back(
            {{"at_ns", at_ns + rng.uniform(0, 100'000)}, {"kind", "hot_unplug"}, {"fid", fid}});
        break;
    }
    std::stable_sort(zpci["actions"].begin(), zpci["actions"].end(),
                     [](const ojson& a, const ojson& b) { return a["at_ns"] < b["at_ns"]; });
    std::stable_sort(zpci["msis"].begin(), zpci["msis"].end(),
                     [](const ojson& a, const ojson& b) { return a["at_ns"] < b["at_ns"]; });
    return true;
}

bool write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close(); // the close flushes: a full disk shows here
    return !out.fail();
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
    // With host.probe the daemon also reads the probe's commands and a foreign master's
    // time may fall in the probe: neither could be aimed at the template's requests, so such
    // a template gets only host-transfer faults, which are aimed by request id.
    const bool probe = t["host"].value("probe", false);
    ojson faults = ojson::array();
    if (rng.uniform(0, 3) == 0 && !probe) {
        faults.push_back(random_daemon_fault(rng, n));
    } else {
        for (uint64_t k = rng.uniform(1, 3); k > 0; --k)
            faults.push_back(random_host_fault(rng, n));
    }
    if (rng.uniform(0, 3) == 0 && !probe)
        faults.push_back(random_foreign_master(rng, last_ms));
    v["faults"] = faults;
    bool strands = false;
    const bool zpci_fault =
        v.contains("zpci") &&
        add_random_zpci_fault(rng, v["zpci"], v["host"].value("irq_fid", ojson()), &strands);
    ojson expect = {{"t6_max_ms", t["expect"]["t6_max_ms"]}};
    expect["spec"] = {{"T6max", "any"},        {"all_answered", "pass"}, {"ipmi_messages", "any"},
                      {"faults_fired", "any"}, {"tTIMEOUT", "any"},      {"tLOW:SEXT", "any"},
                      {"ssif_framing", "any"}};
    // The fixed parent-domain code accounts for every MSI whatever the fault, but for an
    // offline CPU's dropped IPI and a scan of an unplugged function's released vector
    // (every version); older variants show their bugs.
    if (zpci_fault)
        expect["spec"]["interrupts_accounted"] =
            t["zpci"]["variant"] == "fixed" && !strands ? "pass" : "any";
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
    // The clean request must be able to complete before workload.until_ms ends the run, or
    // every seed would fail all_answered.
    uint64_t last_ns = 0;
    for (const ssif::HostRequest& r : tmpl.requests)
        last_ns = std::max(last_ns, r.at_ns);
    const uint64_t needed_ns = last_ns + static_cast<uint64_t>(2 * kCleanAfterMs * 1e6);
    if (tmpl.until_ns != 0 && tmpl.until_ns < needed_ns)
        throw InputError(o.template_file +
                         ": $.workload.until_ms: " + std::to_string(tmpl.until_ns / 1'000'000) +
                         " ms ends the run before the sweep's clean request (20 s after the last "
                         "request) can complete, so every seed would fail; use 0 or at least " +
                         std::to_string(needed_ns / 1'000'000));
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
