#include "tools/sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"
#include "tools/check_names.h"
#include "tools/child.h"
#include "tools/exit_codes.h"
#include "tools/junit.h"
#include "tools/output_file.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/status_line.h"
#include "tools/workload.h"

namespace ssifsim::tools {

namespace {

// When the clean request goes out: after the last template request, later than anything a
// fault can keep the host busy with (250 reads take 15 s).
constexpr double kCleanAfterMs = 20'000;

// A held_low fault: SDA or SCL (one draw), held after 0..sda_after_max bytes (SDA) or
// 0..scl_after_max bytes (SCL), for 1..2000 ms; drawn in that order.
ojson random_held_low(Rng& rng, uint64_t sda_after_max, uint64_t scl_after_max) {
    const bool sda = rng.uniform(0, 1);
    const uint64_t after_bytes = rng.uniform(0, sda ? sda_after_max : scl_after_max);
    return {{"type", "held_low"},
            {"line", sda ? "sda" : "scl"},
            {"after_bytes", after_bytes},
            {"held_ms", static_cast<double>(rng.uniform(1, 2000))}};
}

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
    default:
        // SDA is held at the master's bytes: 0..2 covers reads and writes alike.
        f = random_held_low(rng, 2, 4);
        break;
    }
    f["request"] = rng.uniform(1, static_cast<uint64_t>(requests));
    f["nth"] = rng.uniform(1, 3);
    f["count"] = rng.uniform(1, 3);
    return f;
}

// A daemon fault, aimed at one of the template requests' reads by the daemon: by its read
// count, or, when the host probes (its own requests are read by the daemon too), by its
// workload request id.
ojson random_daemon_fault(Rng& rng, int requests, bool by_request) {
    ojson f;
    switch (rng.uniform(0, 2)) {
    case 0:
        f = {{"type", "daemon_slow"}, {"latency_ms", static_cast<double>(rng.uniform(0, 600))}};
        break;
    case 1: f = {{"type", "daemon_silent"}}; break;
    default: f = {{"type", "daemon_malformed"}, {"len", rng.uniform(0, 300)}}; break;
    }
    f[by_request ? "request" : "read"] = rng.uniform(1, static_cast<uint64_t>(requests));
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
        const ssif::ipmi::Command id = ssif::ipmi::kGetDeviceId;
        f["data"] =
            rng.uniform(0, 1)
                ? ojson::array({ssif::kWriteSingle, 0x02, ssif::ipmi::netfn_lun(id.netfn), id.cmd})
                : ojson::array({rng.uniform(0, 255), rng.uniform(0, 255)});
    }
    return f;
}

// A fault on another master's transfers, through that master's fault injector (the
// scenario's "master"): `foreign` for the drawn foreign master's one transfer (a read of
// `foreign_read`, or a write), `alert_response` for the host's ARA read (a Receive Byte from
// 0x0C: one master byte, the address, then the alerting device's; smbus_alert). Each type
// and aim within what the loader takes for that master.
ojson random_other_master_fault(Rng& rng, const char* master, bool foreign_read) {
    const bool ara = std::string(master) == "alert_response";
    const int master_bytes = ara || foreign_read ? 0 : 2; // the last byte a master sends
    ojson f;
    switch (rng.uniform(0, 3)) {
    case 0: f = {{"type", "nak"}, {"byte", rng.uniform(0, master_bytes)}}; break;
    case 1: f = {{"type", "lost_stop"}}; break;
    case 2: {
        // The ARA read has one gap to stretch: after its address (after_bytes 1, gaps 1).
        f = {{"type", "clock_stretch"},
             {"after_bytes", ara ? 1 : rng.uniform(1, 2)},
             {"gaps", 1},
             {"stretch_ms", static_cast<double>(rng.uniform(1, 1200))}};
        break;
    }
    default: f = random_held_low(rng, master_bytes, ara ? 1 : 2); break;
    }
    f["master"] = master;
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

// Writes a whole document (summary, JUnit, shrunk scenario) to a temporary beside `path` and
// renames it over `path`; "" or the error naming the file.
std::string write_document(const std::string& path, const std::string& text) {
    try {
        OutputFile file(path, OutputFile::Kind::Document);
        file.prepare();
        file.open() << text;
        return file.commit();
    } catch (const InputError& e) {
        return e.what();
    }
}

// The child: runs one scenario file quietly; the first failed check's name, a newline and
// its reason go to `report_fd`.
int run_child(const std::string& file, int report_fd, int timeout_s) {
    alarm(static_cast<unsigned>(timeout_s)); // a hang ends in SIGALRM
    int code = 3;
    std::string why;
    try {
        const Scenario s = load_scenario(file);
        // ipmi_sim's start has its own deadline, ending in bad input ("did not listen on its
        // VM port"): the run's timeout starts after it, so bad input never looks like a hang.
        if (s.backend.kind == DaemonBackend::Kind::IpmiSim)
            alarm(static_cast<unsigned>(timeout_s) +
                  static_cast<unsigned>((s.backend.start_timeout_ms + 999) / 1000));
        const RunResult r = run_scenario(s, {});
        code = r.passed() ? 0 : 1;
        for (const Check& c : r.checks) {
            if (!c.pass) {
                why = c.name + "\n" + c.detail;
                break;
            }
        }
    } catch (const InputError& e) {
        code = 2;
        why = std::string("\n") + e.what();
    } catch (const std::exception& e) {
        why = std::string("\ninternal error: ") + e.what();
    }
    return write_all(report_fd, why) ? code : 3;
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM
                   ? "hung (killed after the timeout)"
                   : "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
    const int code = WEXITSTATUS(status);
    return code == 0   ? ""
           : code == 1 ? "an invariant failed"
           : code == 2 ? "bad input"
                       : "internal error";
}

// The progress line: "  5/10 seeds, 1 failure(s) [#####     ]", the counts first, so a
// narrow terminal cuts the bar rather than them.
std::string progress_text(int done, int total, int failures) {
    constexpr int kWidth = 30;
    const int filled = total ? done * kWidth / total : kWidth;
    return "  " + std::to_string(done) + "/" + std::to_string(total) + " seeds, " +
           std::to_string(failures) + " failure(s) [" +
           std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(kWidth - filled), ' ') + "]";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ojson size_json(const ScenarioSize& s) {
    return {{"faults", s.faults},
            {"requests", s.requests},
            {"data_bytes", s.data_bytes},
            {"file_bytes", s.file_bytes}};
}

// `path` as seen from directory `base` (both as given, relative to the working directory).
std::string relative_to(const std::string& path, const std::string& base) {
    namespace fs = std::filesystem;
    return fs::proximate(fs::path(path), fs::path(base.empty() ? "." : base))
        .lexically_normal()
        .generic_string();
}

std::string directory_of(const std::string& file) {
    const std::string dir = std::filesystem::path(file).parent_path().generic_string();
    return dir.empty() ? "." : dir;
}

std::string shard_name(int shard, int shards) {
    return std::to_string(shard) + "/" + std::to_string(shards);
}

// The printed verdict of a failure: "an invariant failed: CHECK: REASON".
std::string failure_line(const ojson& f) {
    std::string line = f["outcome"].get<std::string>();
    if (!f["check"].get<std::string>().empty())
        line += ": " + f["check"].get<std::string>();
    if (!f["reason"].get<std::string>().empty())
        line += ": " + f["reason"].get<std::string>();
    return line;
}

// The summary with `map` applied to its failures' paths.
ojson with_paths(ojson summary, const std::function<std::string(const std::string&)>& map) {
    for (ojson& f : summary["failures"])
        for (const char* key : {"file", "shrunk"})
            if (f[key].is_string())
                f[key] = map(f[key].get<std::string>());
    return summary;
}

// Writes the summary and the JUnit file a sweep or a merge was asked for, each with the
// failures' paths relative to its own directory; "" or the error.
std::string write_outputs(const ojson& summary, const std::string& summary_path,
                          const std::string& junit_path) {
    if (!summary_path.empty()) {
        const std::string dir = directory_of(summary_path);
        const ojson doc =
            with_paths(summary, [&](const std::string& p) { return relative_to(p, dir); });
        const std::string error = write_document(summary_path, output_text(doc, 2) + "\n");
        if (!error.empty())
            return error;
    }
    if (!junit_path.empty()) {
        const std::string dir = directory_of(junit_path);
        std::ostringstream xml;
        write_sweep_junit(
            xml, with_paths(summary, [&](const std::string& p) { return relative_to(p, dir); }));
        return write_document(junit_path, xml.str());
    }
    return "";
}

} // namespace

bool promises_recovery(const Scenario& tmpl) {
    return tmpl.host.variant == ssif::HostVariant::Mainline &&
           (tmpl.bmc.variant == ssif::BmcVariant::Mainline ||
            tmpl.bmc_implementation == Implementation::Kernel);
}

ojson make_variation(const Scenario& tmpl, const std::string& template_file, uint64_t seed) {
    const ojson t = scenario_to_json(tmpl);
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
                        {"netfn", ssif::ipmi::kGetDeviceId.netfn},
                        {"lun", 0},
                        {"cmd", ssif::ipmi::kGetDeviceId.cmd},
                        {"data", ojson::array()}});
    // Either one daemon fault, or one to three on the host's transfers: a request a host
    // fault loses would shift which request a daemon fault aimed by read count hits, onto
    // the clean one.
    // A probing host (host.probe, or the kernel host: host_probes) makes requests of its own
    // that the daemon reads too, and a foreign master's time may fall in the probe: its
    // daemon faults are aimed by workload request id (as host-transfer faults are), and it
    // gets no foreign master. Without the probe the daemon fault keeps its read count, so
    // such a template draws what it always drew for each seed.
    // Daemon faults act on the simple daemon only: behind ssifbridge the scenario refuses
    // them (bmc.script delays answers there), so such a template also gets host faults.
    const bool probe = host_probes(tmpl);
    const bool simple_daemon = t["bmc"]["daemon"].value("kind", "simple") == "simple";
    ojson faults = ojson::array();
    const bool daemon_fault = rng.uniform(0, 3) == 0 && simple_daemon;
    if (daemon_fault) {
        faults.push_back(random_daemon_fault(rng, n, probe));
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
    // Faults on the other masters' transfers, drawn last so that the draws above stay what
    // they were for every seed: the foreign master's (when one was drawn) and the host's ARA
    // read (when the BMC alerts; not with a probing host, whose faults are aimed by request).
    // Like the host's, they can stall or lose the host's transfers, so never with a daemon
    // fault: they would shift which request its read count hits.
    for (const ojson& f : faults)
        if (f["type"] == "foreign_master" && !daemon_fault && rng.uniform(0, 1) == 0)
            v["faults"].push_back(random_other_master_fault(rng, "foreign", f["op"] == "read"));
    if (t["bmc"].value("smbus_alert", false) && !probe && !daemon_fault && rng.uniform(0, 2) == 0)
        v["faults"].push_back(random_other_master_fault(rng, "alert_response", true));
    ojson expect = {{"t6_max_ms", t["expect"]["t6_max_ms"]}};
    expect["spec"] = ojson::object();
    for (const CheckId id :
         {CheckId::T6max, CheckId::AllAnswered, CheckId::IpmiMessages, CheckId::FaultsFired,
          CheckId::TTimeout, CheckId::TLowSext, CheckId::SsifFraming})
        expect["spec"][check_name(id)] = id == CheckId::AllAnswered ? "pass" : "any";
    // The fixed parent-domain code accounts for every MSI whatever the fault, but for an
    // offline CPU's dropped IPI and a scan of an unplugged function's released vector
    // (every version); older variants show their bugs.
    if (zpci_fault)
        expect["spec"][check_name(CheckId::InterruptsAccounted)] =
            t["zpci"]["variant"] == "fixed" && !strands ? "pass" : "any";
    expect["requests"] = ojson::array();
    if (promises_recovery(tmpl))
        expect["requests"].push_back({{"id", n + 1}, {"error", ""}, {"completion_code", 0}});
    v["expect"] = expect;
    return v;
}

std::string fault_kind(const ojson& f) {
    return f["type"].get<std::string>() +
           (f.contains("line") ? "/" + f["line"].get<std::string>() : "") +
           (f.value("master", "host") != "host" ? "@" + f["master"].get<std::string>() : "");
}

std::map<std::string, int> drawn_fault_kinds(const ojson& v, const ojson& t) {
    std::map<std::string, int> kinds;
    for (const ojson& f : v["faults"])
        ++kinds[fault_kind(f)];
    // zPCI faults are added to the template's own MSIs and actions: count the difference.
    const auto zpci_kinds = [](const ojson& s, int sign, std::map<std::string, int>& into) {
        if (!s.contains("zpci"))
            return;
        for (const ojson& m : s["zpci"]["msis"])
            if (m.contains("fault"))
                into["msi " + m["fault"].get<std::string>()] += sign;
        for (const ojson& a : s["zpci"]["actions"])
            into[a["kind"].get<std::string>()] += sign;
    };
    zpci_kinds(v, 1, kinds);
    zpci_kinds(t, -1, kinds);
    for (auto it = kinds.begin(); it != kinds.end();)
        it = it->second > 0 ? std::next(it) : kinds.erase(it);
    return kinds;
}

std::pair<std::string, std::string> check_and_reason(const std::string& output) {
    const size_t nl = output.find('\n');
    if (nl == std::string::npos)
        return {"", output};
    return {output.substr(0, nl), output.substr(nl + 1)};
}

ChildOutcome run_file_in_child(const std::string& file, int timeout_s) {
    return run_in_child([&](int fd) { return run_child(file, fd, timeout_s); });
}

FailureSignature signature_of(const ChildOutcome& child) {
    FailureSignature sig;
    sig.outcome = describe_status(child.status);
    if (sig.failed()) {
        const auto [check, reason] = check_and_reason(child.output);
        sig.check = number_class(check);
        sig.reason = number_class(reason);
    }
    return sig;
}

ShrinkOracle file_oracle(const std::string& scratch_file, int timeout_s) {
    return [scratch_file, timeout_s](const ojson& candidate) {
        if (!write_text(scratch_file, candidate.dump(2) + "\n"))
            throw InputError(scratch_file + ": cannot write");
        try {
            load_scenario(scratch_file); // refused here costs no child
        } catch (const InputError& e) {
            return FailureSignature{"bad input", "", number_class(e.what())};
        }
        return signature_of(run_file_in_child(scratch_file, timeout_s));
    };
}

std::string shard_summary_path(const std::string& out_dir, int shard, int shards) {
    return out_dir + "/summary-" + std::to_string(shard) + "-of-" + std::to_string(shards) +
           ".json";
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
    const auto t0 = std::chrono::steady_clock::now();
    mkdir(o.out_dir.c_str(), 0755); // may exist already
    struct stat st {};
    if (stat(o.out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw InputError(o.out_dir + ": cannot create the directory for failing scenarios");

    // Every output is opened before the campaign starts, so a bad path is exit 2 at once,
    // leaving nothing behind (the directory only if this sweep made it empty).
    for (const std::string& path : {o.summary_path, o.junit_path}) {
        if (path.empty())
            continue;
        try {
            OutputFile probe(path, OutputFile::Kind::Document);
            probe.prepare();
        } catch (const InputError&) {
            rmdir(o.out_dir.c_str());
            throw;
        }
    }

    ojson failures = ojson::array();
    std::map<std::string, int> kinds;
    int seeds_run = 0;
    const int mine = (o.count - o.shard + o.shards - 1) / o.shards; // this shard's seeds
    StatusLine status(o.progress ? &out : nullptr, STDOUT_FILENO);
    for (int i = o.shard; i < o.count; i += o.shards) {
        const uint64_t seed = o.seed + static_cast<uint64_t>(i);
        const std::string file = o.out_dir + "/sweep-" + std::to_string(seed) + ".json";
        const ojson variation = make_variation(tmpl, o.template_file, seed);
        for (const auto& [kind, n] : drawn_fault_kinds(variation, resolved))
            kinds[kind] += n;
        if (!write_text(file, variation.dump(2) + "\n"))
            throw InputError(file + ": cannot write");
        out.flush();
        const auto seed_t0 = std::chrono::steady_clock::now();
        const ChildOutcome child = run_file_in_child(file, o.timeout_s);
        const double seed_wall = seconds_since(seed_t0);
        ++seeds_run;
        const FailureSignature sig = signature_of(child);
        if (!sig.failed()) {
            std::remove(file.c_str());
        } else {
            const auto [check, reason] = check_and_reason(child.output);
            ojson f = {{"seed", seed},           {"file", file},     {"outcome", sig.outcome},
                       {"check", check},         {"reason", reason}, {"shrunk", nullptr},
                       {"size", ojson::object()}};
            f["size"]["original"] = size_json(scenario_size(variation));
            status.clear();
            out << "seed " << seed << ": " << failure_line(f) << "\n  reproduce: ssifsim run "
                << file << "\n";
            if (o.shrink && sig.outcome != "bad input") { // nothing to learn by shrinking
                const std::string scratch =
                    o.out_dir + "/.shrinking-" + std::to_string(seed) + ".json";
                const ShrinkResult r = shrink_scenario(
                    variation, sig, file_oracle(scratch, o.timeout_s), o.shrink_runs);
                std::remove(scratch.c_str());
                const std::string shrunk =
                    o.out_dir + "/sweep-" + std::to_string(seed) + ".min.json";
                const std::string error = write_document(shrunk, r.scenario.dump(2) + "\n");
                if (!error.empty()) {
                    std::cerr << "ssifsim: " << error << "\n";
                    return kExitOutput;
                }
                f["shrunk"] = shrunk;
                f["size"]["shrunk"] = size_json(scenario_size(r.scenario));
                out << "  shrunk:    " << shrunk << ": " << describe_size(scenario_size(r.scenario))
                    << " (the original: " << describe_size(scenario_size(variation)) << "), "
                    << r.runs << " candidate run(s)"
                    << (r.budget_spent ? ", stopped at --shrink-runs" : "") << "\n";
            }
            f["wall_seconds"] = seed_wall;
            failures.push_back(f);
        }
        status.draw(progress_text(seeds_run, mine, static_cast<int>(failures.size())));
    }
    status.clear();
    const double wall = seconds_since(t0);
    ojson summary = {{"format", "ssifsim-sweep-summary"},
                     {"version", 1},
                     {"template", o.template_file},
                     {"first_seed", o.seed},
                     {"count", o.count},
                     {"seeds_run", seeds_run},
                     {"failure_count", failures.size()},
                     {"failures", failures},
                     {"fault_kinds", ojson(kinds)}};
    const std::string name = shard_name(o.shard, o.shards);
    summary["run"] = {
        {"shards", {name}}, {"wall_seconds", wall}, {"wall_seconds_by_shard", {{name, wall}}}};
    out << "sweep of " << o.template_file << ": " << seeds_run << " seed(s) from " << o.seed;
    if (o.shards > 1)
        out << " (shard " << name << " of --count " << o.count << ")";
    out << ", " << failures.size() << " failure(s)"
        << (failures.empty() ? std::string() : ", kept in " + o.out_dir + "/") << "\n";
    const std::string error = write_outputs(summary, o.summary_path, o.junit_path);
    if (!error.empty()) {
        std::cerr << "ssifsim: " << error << "\n";
        return kExitOutput;
    }
    // Only if empty (no summary in it), and not while other shards may be writing into it.
    if (failures.empty() && o.shards == 1)
        rmdir(o.out_dir.c_str());
    return failures.empty() ? kExitPass : kExitCheckFailed;
}

int run_sweep_merge(const MergeOptions& o, std::ostream& out) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const std::string& input : o.inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            std::vector<std::string> found;
            for (const fs::directory_entry& e : fs::directory_iterator(input, ec)) {
                const std::string name = e.path().filename().string();
                unsigned k = 0, n = 0;
                char tail = 0;
                if (std::sscanf(name.c_str(), "summary-%u-of-%u.jso%c", &k, &n, &tail) == 3 &&
                    tail == 'n' &&
                    name == "summary-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json")
                    found.push_back(e.path().generic_string());
            }
            if (ec)
                throw InputError(input + ": cannot read the directory: " + ec.message());
            if (found.empty())
                throw InputError(input + ": no shard summary (summary-K-of-N.json) in it");
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else {
            files.push_back(input);
        }
    }
    for (const std::string& path : {o.summary_path, o.junit_path}) {
        if (path.empty())
            continue;
        OutputFile probe(path, OutputFile::Kind::Document);
        probe.prepare();
    }
    ojson merged;
    std::map<std::string, int> kinds;
    std::map<int, std::string> shard_files; // shard index -> the summary that ran it
    int shards = 0;
    ojson failures = ojson::array();
    double wall = 0;
    for (const std::string& file : files) {
        const json doc = load_json_file(file);
        const auto bad = [&](const std::string& path, const std::string& what) {
            return InputError(file + ": " + path + ": " + what);
        };
        try {
            if (!doc.is_object() || doc.value("format", "") != "ssifsim-sweep-summary")
                throw bad("$.format", "not an ssifsim sweep summary");
            if (doc.value("version", 0) != 1)
                throw bad("$.version", "unknown summary version (accepted: 1)");
            // Again, keeping its keys' order (load_json_file has checked the text).
            std::ifstream in(file, std::ios::binary);
            const ojson s = ojson::parse(std::string(std::istreambuf_iterator<char>(in), {}));
            if (merged.is_null()) {
                merged = {{"format", s.at("format")},     {"version", s.at("version")},
                          {"template", s.at("template")}, {"first_seed", s.at("first_seed")},
                          {"count", s.at("count")},       {"seeds_run", 0}};
            }
            for (const char* key : {"template", "first_seed", "count"})
                if (s.at(key) != merged[key])
                    throw bad(std::string("$.") + key,
                              s.at(key).dump() + " differs from the first summary's " +
                                  merged[key].dump() + ": not the same campaign");
            merged["seeds_run"] =
                merged["seeds_run"].get<int64_t>() + s.at("seeds_run").get<int64_t>();
            for (const auto& [kind, n] : s.at("fault_kinds").items())
                kinds[kind] += n.get<int>();
            const std::string dir = directory_of(file);
            for (ojson f : s.at("failures")) {
                for (const char* key : {"file", "shrunk"})
                    if (f.at(key).is_string())
                        f[key] = (fs::path(dir) / f[key].get<std::string>())
                                     .lexically_normal()
                                     .generic_string();
                failures.push_back(f);
            }
            for (const auto& name : s.at("run").at("shards")) {
                unsigned k = 0, n = 0;
                if (std::sscanf(name.get<std::string>().c_str(), "%u/%u", &k, &n) != 2 || k >= n)
                    throw bad("$.run.shards", "not a shard K/N: " + name.dump());
                if (shards != 0 && static_cast<int>(n) != shards)
                    throw bad("$.run.shards", "shard " + name.get<std::string>() +
                                                  " of a campaign split in " +
                                                  std::to_string(shards) + " elsewhere");
                shards = static_cast<int>(n);
                if (!shard_files.emplace(static_cast<int>(k), file).second)
                    throw bad("$.run.shards", "shard " + name.get<std::string>() + " is in " +
                                                  shard_files[static_cast<int>(k)] + " too");
            }
            wall += s.at("run").at("wall_seconds").get<double>();
            for (const auto& [name, seconds] : s.at("run").at("wall_seconds_by_shard").items())
                merged["run_by_shard"][name] = seconds;
        } catch (const ojson::exception& e) {
            throw InputError(file + ": not a complete sweep summary (" + e.what() + ")");
        }
    }
    if (static_cast<int>(shard_files.size()) != shards) {
        std::string missing;
        for (int k = 0; k < shards; ++k)
            if (!shard_files.count(k))
                missing += (missing.empty() ? "" : ", ") + shard_name(k, shards);
        throw InputError("sweep-merge: shard(s) " + missing +
                         " missing: the totals would not be "
                         "the campaign's");
    }
    std::stable_sort(failures.begin(), failures.end(), [](const ojson& a, const ojson& b) {
        return a["seed"].get<uint64_t>() < b["seed"].get<uint64_t>();
    });
    ojson by_shard = merged["run_by_shard"];
    merged.erase("run_by_shard");
    merged["failure_count"] = failures.size();
    merged["failures"] = failures;
    merged["fault_kinds"] = ojson(kinds);
    ojson names = ojson::array();
    for (const auto& [k, file] : shard_files)
        names.push_back(shard_name(k, shards));
    merged["run"] = {
        {"shards", names}, {"wall_seconds", wall}, {"wall_seconds_by_shard", by_shard}};
    for (const ojson& f : failures)
        out << "seed " << f["seed"].get<uint64_t>() << ": " << failure_line(f)
            << "\n  reproduce: ssifsim run "
            << (f["shrunk"].is_string() ? f["shrunk"] : f["file"]).get<std::string>() << "\n";
    out << "sweep of " << merged["template"].get<std::string>() << ": "
        << merged["seeds_run"].get<int64_t>() << " seed(s) from "
        << merged["first_seed"].get<uint64_t>() << " in " << shards << " shard(s), "
        << failures.size() << " failure(s)\n";
    const std::string error = write_outputs(merged, o.summary_path, o.junit_path);
    if (!error.empty()) {
        std::cerr << "ssifsim: " << error << "\n";
        return kExitOutput;
    }
    return failures.empty() ? kExitPass : kExitCheckFailed;
}

} // namespace ssifsim::tools
