#include "tools/report.h"

#include <cstdio>

#include "tools/causes.h"
#include "tools/format.h"
#include "tools/gtkw.h"
#include "tools/interrupt.h"

namespace ssifsim::tools {

namespace {

// The summary shows every step of each request up to RunResult::kExplainedRequests, a line
// each up to this many.
constexpr size_t kListedRequests = 100;

ojson outcome_json(const ssif::RequestOutcome& o) {
    ojson timeline = ojson::array();
    for (const ssif::Segment& seg : o.timeline) {
        ojson step = {{"what", ssif::segment_kind_name(seg.kind)}, {"detail", seg.detail}};
        if (!seg.status.empty())
            step["status"] = seg.status;
        step["start_ns"] = seg.start_ns;
        step["end_ns"] = seg.end_ns;
        timeline.push_back(step);
    }
    return {{"id", o.id},
            {"request", hex_string(o.request)},
            {"response", hex_string(o.response)},
            {"completion_code", hex8(o.completion_code)},
            {"error", ssif::request_error_name(o.error)},
            {"submitted_ns", o.submitted_ns},
            {"started_ns", o.started_ns},
            {"completed_ns", o.completed_ns},
            {"response_ns", o.response_ns()},
            {"write_attempts", o.write_attempts},
            {"read_attempts", o.read_attempts},
            {"parts_written", o.parts_written},
            {"parts_read", o.parts_read},
            {"write_retries", o.write_retries()},
            {"read_retries", o.read_retries()},
            {"timeline", timeline}};
}
} // namespace

namespace {
ojson distribution_json(const Distribution& d) {
    return {
        {"count", d.count}, {"min", d.min}, {"median", d.median}, {"p99", d.p99}, {"max", d.max}};
}

// "20.000000 ms", or for a range "1.000000 to 5.000000 ms (uniform per request)".
std::string daemon_latency_text(const ssif::DaemonConfig& d) {
    if (d.latency_max_ns <= d.latency_ns)
        return ms(d.latency_ns);
    const std::string low = ms(d.latency_ns);
    return low.substr(0, low.size() - 3) + " to " + ms(d.latency_max_ns) + " (uniform per request)";
}
} // namespace

ojson outcome_to_json(const ssif::RequestOutcome& o) {
    return outcome_json(o);
}

ojson checks_json(const std::vector<Check>& checks) {
    ojson out = ojson::array();
    for (const Check& c : checks) {
        ojson check = {{"name", c.name}, {"description", c.description}, {"pass", c.pass}};
        if (!c.judged)
            check["judged"] = false; // nothing to judge: `detail` says why
        if (c.limit_ns) {
            check["limit_ns"] = c.limit_ns;
            check["worst_ns"] = c.worst_ns;
            check["worst_request"] = c.worst_request;
        }
        check["detail"] = c.detail;
        out.push_back(check);
    }
    return out;
}

namespace {
// Two steps alike: the same transfer or wait, ending the same way, as long.
bool alike(const ssif::Segment& a, const ssif::Segment& b) {
    return a.kind == b.kind && a.detail == b.detail && a.status == b.status &&
           a.end_ns - a.start_ns == b.end_ns - b.start_ns;
}
// How many pairs from `i` on repeat the pair at `i` (1: only itself).
size_t alike_pairs(const std::vector<ssif::Segment>& t, size_t i) {
    size_t n = 1;
    while (i + 2 * n + 1 < t.size() && alike(t[i], t[i + 2 * n]) &&
           alike(t[i + 1], t[i + 2 * n + 1]))
        ++n;
    return n;
}
} // namespace

void print_request_steps(std::ostream& out, const ssif::RequestOutcome& o, uint64_t* bus_ns,
                         uint64_t* wait_ns) {
    out << "\n  request " << o.id << ": " << hex_string(o.request) << "\n";
    const auto print = [&out](const ssif::Segment& seg) {
        char line[160];
        std::snprintf(line, sizeof line, "    %12.6f ms  %-5s %-11s %-12s %10.6f ms\n",
                      seg.start_ns / 1e6, ssif::segment_kind_name(seg.kind), seg.detail.c_str(),
                      seg.status.c_str(), (seg.end_ns - seg.start_ns) / 1e6);
        out << line;
    };
    // A long run of alike pairs (a NAKed read and its retry wait, 250 times) shows its first
    // two pairs, a line for the rest, and its last pair.
    constexpr size_t kShownPairs = 3, kCollapsedFrom = 6;
    const std::vector<ssif::Segment>& t = o.timeline;
    for (size_t i = 0; i < t.size();) {
        const size_t pairs = alike_pairs(t, i);
        size_t used = 1;
        if (pairs >= kCollapsedFrom) {
            used = 2 * pairs;
            const size_t last = i + used - 2;
            for (size_t k = i; k < i + 2 * (kShownPairs - 1); ++k)
                print(t[k]);
            char line[200];
            std::snprintf(
                line, sizeof line, "    ... %zu more alike (%s %s %s, then %s %s) up to %.6f ms\n",
                pairs - kShownPairs, ssif::segment_kind_name(t[i].kind), t[i].detail.c_str(),
                t[i].status.c_str(), ssif::segment_kind_name(t[i + 1].kind),
                t[i + 1].detail.c_str(), t[last].start_ns / 1e6);
            out << line;
            print(t[last]);
            print(t[last + 1]);
        } else {
            print(t[i]);
        }
        for (size_t k = i; k < i + used; ++k)
            (t[k].kind == ssif::SegmentKind::Wait ? *wait_ns : *bus_ns) +=
                t[k].end_ns - t[k].start_ns;
        i += used;
    }
    out << "    response " << hex_string(o.response) << "  cc " << hex8(o.completion_code)
        << (o.failed() ? "  (" + std::string(ssif::request_error_name(o.error)) + ")" : "") << "\n";
}

void print_checks(std::ostream& out, const std::vector<Check>& checks) {
    out << "\n  checks:\n";
    for (const Check& c : checks) {
        out << "    "
            << (!c.pass    ? "FAIL"
                : c.judged ? "pass"
                           : "n/a ")
            << "  " << c.name << ": " << c.description;
        if (c.limit_ns)
            out << "; worst " << ms(c.worst_ns);
        if (c.worst_request)
            out << " (request " << c.worst_request << ")";
        out << "\n";
        if (!c.detail.empty())
            out << "          " << c.detail << "\n";
    }
}

ojson build_report(const Scenario& s, const RunResult& r) {
    ojson report;
    report["ssifsim_report"] = 1;
    report["scenario"] = s.file;
    report["config"] = scenario_to_json(s);
    ojson requests = ojson::array();
    for (const ssif::RequestOutcome& o : r.outcomes)
        requests.push_back(outcome_json(o));
    report["requests"] = requests;
    report["summary"] = {{"submitted", r.submitted},
                         {"not_yet_due", r.not_yet_due},
                         {"completed", r.completed},
                         {"listed", r.outcomes.size()},
                         {"failed", r.failed},
                         {"write_retries", r.write_retries},
                         {"read_retries", r.read_retries},
                         {"response_ns", distribution_json(r.response)}};
    const ssif::HostStats& hs = r.host_stats;
    report["host"] = {{"link",
                       {{"pec", r.link.pec},
                        {"max_transmit", r.link.max_transmit},
                        {"max_receive", r.link.max_receive},
                        {"multipart_end", r.link.cmd8_works ? "0x08" : "short-0x07"},
                        {"event_buffer", r.link.has_event_buffer},
                        {"alerts", r.link.supports_alert},
                        {"found", r.link.found}}},
                      {"stats",
                       {{"alerts", hs.alerts},
                        {"flag_fetches", hs.flag_fetches},
                        {"incoming_messages", hs.incoming_messages},
                        {"events", hs.events},
                        {"watchdog_pretimeouts", hs.watchdog_pretimeouts},
                        {"hosed", hs.hosed}}}};
    report["checks"] = checks_json(r.checks);
    ojson faults = ojson::array();
    for (size_t i = 0; i < s.faults.size(); ++i)
        faults.push_back({{"path", s.faults[i].path},
                          {"type", fault_type_name(s.faults[i].type)},
                          {"fired", r.faults_fired[i]}});
    report["faults"] = faults;
    for (const auto& c : r.components)
        if (c)
            c->report(report);
    report["sim_end_ns"] = r.end_ns;
    // Stopped early by a signal: the figures and checks cover the run up to sim_end_ns.
    report["interrupted"] = r.interrupted_by ? ojson(signal_name(r.interrupted_by)) : ojson(false);
    report["passed"] = r.passed();
    return report;
}

void print_summary(std::ostream& out, const Scenario& s, const RunResult& r,
                   const RunOptions& options) {
    out << "ssifsim: " << s.file;
    if (!s.description.empty())
        out << " - " << s.description;
    out << "\n  bus " << s.bus.freq_hz / 1000.0 << " kHz, PEC " << (r.link.pec ? "on" : "off")
        << "; host ipmi_ssif " << ssif::host_variant_name(s.host.variant)
        << (s.host_implementation == Implementation::Kernel ? " (the real ipmi_ssif.c)" : "")
        << " at HZ=" << s.host.hz << "; BMC ssif_bmc " << ssif::bmc_variant_name(s.bmc.variant)
        << (s.bmc_implementation == Implementation::Kernel ? " (the real ssif_bmc.c)" : "")
        << " at " << hex8(s.bmc.addr7) << " HZ=" << s.bmc.hz;
    if (s.daemon_kind == Scenario::DaemonKind::SsifBridge)
        out << ", ssifbridge " << ssif::bridge_version_info(s.bridge.version).name
            << " with ipmid latency " << daemon_latency_text(s.daemon)
            << (s.bridge.ipmid.serial ? " (one at a time)" : " (concurrent)") << "\n";
    else
        out << ", daemon latency " << daemon_latency_text(s.daemon)
            << (s.daemon.silent ? " (silent)" : "") << "\n";

    out << "  host link: " << ssif::describe(r.link) << "\n";
    // Every step of each request when there are few; one line each up to a screenful.
    const bool detailed = r.completed <= RunResult::kExplainedRequests;
    if (!detailed && r.completed <= kListedRequests) {
        out << "\n     id  parts w/r  retries w/r    cc  request to response\n";
        for (const ssif::RequestOutcome& o : r.outcomes) {
            char line[160];
            std::snprintf(
                line, sizeof line, "  %5d  %4d/%-4d  %5d/%-5d  0x%02x  %s%s\n", o.id,
                o.parts_written, o.parts_read, o.write_retries(), o.read_retries(),
                o.completion_code, ms(o.response_ns()).c_str(),
                !o.failed()
                    ? ""
                    : ("  (" + std::string(ssif::request_error_name(o.error)) + ")").c_str());
            out << line;
        }
    }
    for (size_t i = 0; detailed && i < r.outcomes.size(); ++i) {
        const ssif::RequestOutcome& o = r.outcomes[i];
        uint64_t bus_ns = 0, wait_ns = 0;
        print_request_steps(out, o, &bus_ns, &wait_ns);
        if (const auto why = explain_failure(o, r.cause_records); !why.empty()) {
            out << "    why it failed, from the models' records:\n";
            for (const std::string& l : why)
                out << "    " << l << "\n";
        }
        out << "    parts written " << o.parts_written << ", read " << o.parts_read
            << "; retries: write " << o.write_retries() << ", read " << o.read_retries() << "\n";
        out << "    request to response " << ms(o.response_ns()) << " = bus " << ms(bus_ns)
            << " + timer waits " << ms(wait_ns) << "\n";
        for (const auto& c : r.components)
            if (c)
                c->summary_request(out, r, i);
    }

    const size_t in_flight = r.submitted - r.completed;
    if (in_flight && r.not_yet_due)
        out << "\n  " << in_flight << " request(s) still in flight at " << ms(r.end_ns) << ", "
            << r.not_yet_due << " more not yet due\n";
    else if (in_flight)
        out << "\n  " << in_flight << " request(s) still in flight at " << ms(r.end_ns) << "\n";
    else if (r.not_yet_due)
        out << "\n  " << r.not_yet_due << " request(s) not yet due at " << ms(r.end_ns) << "\n";
    const Distribution& d = r.response;
    if (d.count > 0)
        out << "\n  request to response over " << d.count << " request(s): min " << ms(d.min)
            << ", median " << ms(d.median) << ", p99 " << ms(d.p99) << ", max " << ms(d.max)
            << "\n";
    const ssif::HostStats& hs = r.host_stats;
    if (hs.alerts || hs.flag_fetches)
        out << "  host: " << hs.alerts << " alert(s), " << hs.flag_fetches << " flag fetch(es), "
            << hs.incoming_messages << " incoming message(s), " << hs.events << " event(s)\n";
    // No poll, or none that fetched: the run ended before the first (validate's warning, or
    // a probe that ran long), the polls found a request in flight, or a fetch failed.
    if (s.host.watch != ssif::Watch::Off && hs.flag_fetches == 0)
        out << "  host: host.watch \"" << ssif::watch_name(s.host.watch)
            << "\" fetched no flags by the run's end at " << ms(r.end_ns) << "\n";
    for (const auto& c : r.components)
        if (c)
            c->summary_figures(out, r);

    print_checks(out, r.checks);
    for (const auto& c : r.components)
        if (c)
            c->summary_end(out, r);
    if (!options.log_path.empty())
        out << "  event log: " << options.log_path << "\n";
    if (!options.report_path.empty())
        out << "  report:    " << options.report_path << "\n";
    if (!options.vcd_path.empty())
        out << "  waveforms: " << options.vcd_path << " (wires: smbus_scl, smbus_sda; for sigrok), "
            << transaction_vcd_path(options.vcd_path) << " (the wires and the states)\n"
            << "  GTKWave:   gtkwave " << gtkw_path(options.vcd_path) << "\n";
    out << (r.interrupted_by ? "INTERRUPTED" : r.passed() ? "PASS" : "FAIL") << "\n";
}

} // namespace ssifsim::tools
