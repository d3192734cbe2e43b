#include "tools/compare_kernel.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/ipmi_ssif/kernel_ssif_host.h"
#include "kernel/kernel_source.h"
#include "tools/child.h"
#include "tools/exit_codes.h"
#include "tools/format.h"
#include "tools/runner.h"

namespace ssifsim::tools {

namespace {

bool has_bmc(const Scenario&) {
    return true; // every SSIF scenario has one
}
void bmc_to_model(Scenario& s) {
    s.bmc_implementation = Implementation::Model;
}
std::string describe_bmc_model(const Scenario& s) {
    return std::string("variant ") + ssif::bmc_variant_name(s.bmc.variant);
}
bool bmc_one_sided(const json&) {
    return false;
}

bool has_host(const Scenario&) {
    return true;
}
// The real ipmi_ssif.c always probes (ssif_probe): the model host is compared probing too.
void host_to_model(Scenario& s) {
    s.host_implementation = Implementation::Model;
    s.host.probe = true;
}
std::string describe_host_model(const Scenario& s) {
    return std::string("variant ") + ssif::host_variant_name(s.host.variant) + ", probing";
}
// The host events both implementations log where they mean the same thing: each request's
// start and outcome, and the message handler's warnings (both hosts' stand-in applies the
// same rule, recv_check.h). The model's driver-state, flags, probe and timer lines and the
// real driver's own dev_* lines and removal have no counterpart on the other side.
bool host_one_sided(const json& e) {
    if (e.value("src", "") != "host")
        return false;
    const std::string ev = e.value("ev", "");
    return ev != "request" && ev != "response" && ev != "handler_warn";
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

json comparable(const std::string& line) {
    json e = json::parse(line, nullptr, false);
    if (e.is_object() && e.value("src", "") == "bmc" && e.value("ev", "") == "warn")
        e.erase("text");
    // The real driver hands a failed request back with completion code 0xff alone
    // (return_hosed_msg): which failure it was (bad_block, too_big, ...) only the model
    // host can name. The completion code and payload are compared.
    if (e.is_object() && e.value("src", "") == "host" && e.value("ev", "") == "response")
        e.erase("error");
    return e;
}

// One run in a child: its log into `log_path`; reports "checks passed" or "checks failed".
struct SideRun {
    int status = 0;
    std::string verdict;
};
SideRun run_side(const Scenario& s, uint64_t until_ns, const std::string& log_path) {
    const ChildOutcome child = run_in_child([&](int fd) {
        try {
            RunOptions options;
            options.log_path = log_path;
            options.until_ns = until_ns;
            const RunResult r = run_scenario(s, options);
            if (!r.output_error.empty()) {
                write_all(fd, "error: " + r.output_error);
                return kExitInternal;
            }
            size_t failed = 0;
            for (const Check& c : r.checks)
                failed += !c.pass;
            write_all(fd, failed ? std::to_string(failed) + " check(s) failed"
                                 : std::string("every check passed"));
            return kExitPass;
        } catch (const InputError& e) {
            write_all(fd, e.what());
            return kExitBadInput;
        } catch (const std::exception& e) {
            write_all(fd, std::string("internal error: ") + e.what());
            return kExitInternal;
        }
    });
    SideRun r;
    r.verdict = child.output;
    r.status = WIFEXITED(child.status) ? WEXITSTATUS(child.status) : kExitInternal;
    if (!WIFEXITED(child.status))
        r.verdict = "the run ended by signal " + std::to_string(WTERMSIG(child.status));
    return r;
}

} // namespace

const std::vector<KernelSide>& kernel_sides() {
    static const std::vector<KernelSide> sides = {
        {"bmc", has_bmc, bmc_to_model, use_kernel_bmc, describe_bmc_model, bmc_one_sided},
        {"host", has_host, host_to_model, use_kernel_host, describe_host_model, host_one_sided},
    };
    return sides;
}

std::optional<LogDifference> diff_event_logs(const std::vector<std::string>& model,
                                             const std::vector<std::string>& kernel, size_t limit) {
    LogDifference d;
    d.model_events = model.size();
    d.kernel_events = kernel.size();
    for (size_t i = 0; i < std::max(model.size(), kernel.size()) && d.pairs.size() < limit; ++i) {
        const std::string m = i < model.size() ? model[i] : "";
        const std::string k = i < kernel.size() ? kernel[i] : "";
        if (m.empty() || k.empty() || comparable(m) != comparable(k))
            d.pairs.push_back({i, m, k});
    }
    if (d.pairs.empty())
        return std::nullopt;
    return d;
}

std::string describe_event_line(const std::string& line) {
    const json e = json::parse(line, nullptr, false);
    if (!e.is_object())
        return line;
    std::string text =
        "t=" + (e.contains("t_ns") && e["t_ns"].is_number_unsigned() ? ms(e["t_ns"].get<uint64_t>())
                                                                     : std::string("?"));
    text += " " + e.value("src", "?") + " " + e.value("ev", "?");
    for (const auto& [key, value] : e.items())
        if (key != "t_ns" && key != "src" && key != "ev")
            text += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    return text;
}

int compare_kernel(const Scenario& scenario, const std::vector<std::string>& wanted,
                   uint64_t until_ns, bool quiet, std::ostream& out) {
    for (const std::string& name : wanted) {
        bool known = false;
        for (const KernelSide& side : kernel_sides())
            known = known || name == side.name;
        if (!known)
            throw InputError("--kernel-side: unknown side '" + name + "' (known: bmc, host)");
    }
    Scenario model = scenario, kernel = scenario;
    std::string sides, model_desc;
    std::vector<const KernelSide*> compared;
    for (const KernelSide& side : kernel_sides()) {
        if (std::find(wanted.begin(), wanted.end(), side.name) == wanted.end() ||
            !side.present(scenario))
            continue;
        compared.push_back(&side);
        side.to_model(model);
        side.to_kernel(kernel); // InputError: exit 2 with the file and key
        sides += std::string(sides.empty() ? "" : ", ") + side.name;
        model_desc += std::string(model_desc.empty() ? "" : ", ") + side.name + " " +
                      side.describe_model(model);
    }
    if (sides.empty())
        throw InputError(scenario.file + ": no side with a kernel counterpart to compare");
    // A count of the model host's own events would read 0 with the real driver, whatever it
    // did: the kernel copy leaves it out (a scenario of the kernel host may not state one).
    std::string not_counted;
    if (kernel.host_implementation == Implementation::Kernel)
        for (auto it = kernel.expect.counts.begin(); it != kernel.expect.counts.end();) {
            if (!model_host_only_event(it->first)) {
                ++it;
                continue;
            }
            not_counted += (not_counted.empty() ? "" : ", ") + it->first;
            it = kernel.expect.counts.erase(it);
        }
    // The logs go to a directory of our own, removed at the end.
    std::string dir_template =
        (std::filesystem::temp_directory_path() / "ssifsim-compare-XXXXXX").string();
    if (!mkdtemp(dir_template.data()))
        throw std::runtime_error("cannot make a temporary directory");
    const std::filesystem::path dir = dir_template;
    const SideRun m = run_side(model, until_ns, (dir / "model.jsonl").string());
    const SideRun k = run_side(kernel, until_ns, (dir / "kernel.jsonl").string());
    // The events only one implementation of a compared side logs are left out.
    const auto two_sided = [&compared](const std::string& path) {
        std::vector<std::string> lines;
        for (std::string& line : read_lines(path)) {
            const json e = json::parse(line, nullptr, false);
            bool one_sided = false;
            for (const KernelSide* side : compared)
                one_sided = one_sided || side->one_sided(e);
            if (!one_sided)
                lines.push_back(std::move(line));
        }
        return lines;
    };
    const std::vector<std::string> model_log = two_sided((dir / "model.jsonl").string());
    const std::vector<std::string> kernel_log = two_sided((dir / "kernel.jsonl").string());
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    for (const SideRun* r : {&m, &k})
        if (r->status == kExitBadInput)
            throw InputError(r->verdict);
    if (m.status != kExitPass || k.status != kExitPass) {
        out << "compare-kernel: a run did not end normally: model: " << m.verdict
            << "; kernel: " << k.verdict << "\n";
        return kExitInternal;
    }
    // The host's row may run another release's ipmi_ssif.c (HostKernel::kernel_release).
    std::string kernel_desc = kernel::kernel_source_description();
    const char* host_tree = kernel::kernel_host_release_tree(scenario.host.variant);
    if (host_tree && std::find(wanted.begin(), wanted.end(), "host") != wanted.end())
        kernel_desc += std::string(", the host's ipmi_ssif.c from ") + host_tree;
    if (!quiet)
        out << "compare-kernel: " << scenario.file << ": " << sides << " as the model ("
            << model_desc << ": " << m.verdict << ") and as the kernel's code (" << kernel_desc
            << ": " << k.verdict
            << (not_counted.empty()
                    ? std::string()
                    : "; not counted: " + not_counted + ", the model host's own events")
            << ")\n";
    const std::optional<LogDifference> d = diff_event_logs(model_log, kernel_log);
    if (!d) {
        if (!quiet)
            out << "identical (" << model_log.size() << " events)\n";
        return kExitPass;
    }
    out << "different: model " << d->model_events << " events, kernel " << d->kernel_events
        << "; the first events that differ (compared in order):\n";
    for (const LogDifference::Pair& p : d->pairs) {
        out << "  #" << p.index + 1
            << " model : " << (p.model.empty() ? "(none)" : describe_event_line(p.model)) << "\n";
        out << std::string(4 + std::to_string(p.index + 1).size(), ' ')
            << "kernel: " << (p.kernel.empty() ? "(none)" : describe_event_line(p.kernel)) << "\n";
    }
    return kExitCheckFailed;
}

} // namespace ssifsim::tools
