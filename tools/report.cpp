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

ojson zpci_json(const ZpciResult& z) {
    ojson violations = ojson::array();
    for (const zpci::Violation& v : z.violations)
        violations.push_back({{"kind", name_of(zpci::kViolationNames, v.kind)},
                              {"t_ns", v.t_ns},
                              {"detail", v.detail}});
    ojson violation_counts = ojson::object();
    for (const auto& [name, kind] : zpci::kViolationNames)
        violation_counts[name] = z.violation_counts[static_cast<size_t>(kind)];
    ojson cpus = ojson::array();
    for (size_t c = 0; c < z.cpus.size(); ++c) {
        const zpci::CpuStats& st = z.cpus[c];
        cpus.push_back({{"cpu", c},
                        {"directed", st.directed},
                        {"floating", st.floating},
                        {"ipis", st.ipis},
                        {"dispatched", st.dispatched},
                        {"rescans", st.rescans},
                        {"ipis_sent", st.ipis_sent},
                        {"busy_ns", st.busy_ns}});
    }
    ojson msis = ojson::object();
    for (const auto& [name, count] : zpci::named_counts(z.counts))
        msis[name] = count;
    std::vector<std::string> setup_failures;
    for (const zpci::SetupFailure& f : z.setup_failures)
        setup_failures.push_back(f.text());
    return {{"msis", msis},
            {"accounted", z.accounted},
            {"violation_counts", violation_counts},
            {"violations", violations},
            {"latency_ns", distribution_json(z.latency)},
            {"fallbacks", z.fallbacks},
            {"setup_failures", setup_failures},
            {"cpus", cpus}};
}

void print_zpci(std::ostream& out, const ZpciResult& z) {
    const zpci::MsiCounts& n = z.counts;
    out << "\n  zPCI: " << n.raised << " MSI(s) raised: " << n.delivered << " delivered, "
        << n.merged << " merged, " << n.discarded << " discarded, " << n.not_registered
        << " not registered, " << n.misdirected << " misdirected, " << n.undelivered
        << " undelivered";
    if (n.lost_in_fabric)
        out << "; " << n.lost_in_fabric << " lost in the fabric";
    out << "\n";
    if (z.latency.count)
        out << "  MSI to handler: min " << z.latency.min << " ns, median " << z.latency.median
            << " ns, p99 " << z.latency.p99 << " ns, max " << z.latency.max << " ns\n";
    uint64_t irqs = 0, rescans = 0, ipis = 0;
    for (const zpci::CpuStats& st : z.cpus) {
        irqs += st.directed + st.floating + st.ipis;
        rescans += st.rescans;
        ipis += st.ipis_sent;
    }
    out << "  " << z.cpus.size() << " CPU(s): " << irqs << " interrupt(s), " << rescans
        << " rescan(s), " << ipis << " IPI(s), " << z.fallbacks << " fallback MSI(s)\n";
    if (!z.setup_failures.empty())
        out << "  " << z.setup_failures.size()
            << " function(s) failed MSI setup; first: " << z.setup_failures.front().text() << "\n";
    const size_t shown = std::min<size_t>(z.violations.size(), 10);
    for (size_t i = 0; i < shown; ++i)
        out << "  violation " << name_of(zpci::kViolationNames, z.violations[i].kind) << " at "
            << z.violations[i].t_ns << " ns: " << z.violations[i].detail << "\n";
    if (z.violation_total > shown)
        out << "  ... " << z.violation_total - shown << " more; the report counts them by kind\n";
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
    ojson coverage = ojson::array();
    for (int st = 0; st < ssif::kBmcStateCount; ++st)
        for (int ev = 0; ev < ssif::kSlaveEventCount; ++ev)
            if (r.coverage[st][ev])
                coverage.push_back(
                    {{"state", ssif::bmc_state_name(static_cast<ssif::BmcState>(st))},
                     {"event", smbus::slave_event_name(static_cast<smbus::SlaveEvent>(ev))},
                     {"count", r.coverage[st][ev]}});
    report["bmc"] = {{"final_state", ssif::bmc_state_name(r.bmc_final_state)},
                     {"aborting", r.bmc_aborting},
                     {"coverage", coverage}};
    if (r.zpci.enabled)
        report["zpci"] = zpci_json(r.zpci);
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
        << "; host ipmi_ssif " << ssif::host_variant_name(s.host.variant) << " at HZ=" << s.host.hz
        << "; BMC ssif_bmc " << ssif::bmc_variant_name(s.bmc.variant) << " at " << hex8(s.bmc.addr7)
        << " HZ=" << s.bmc.hz;
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
        if (r.outcomes.size() == r.requests_available_ns.size() &&
            r.outcomes.size() == r.daemon_writes_ns.size()) {
            const uint64_t avail = r.requests_available_ns[i];
            const uint64_t answered = r.daemon_writes_ns[i];
            out << "    the BMC had the request at " << ms(avail) << "; the daemon answered "
                << ms(answered - avail) << " later, at " << ms(answered);
            const ssif::Segment* next_read = nullptr;
            for (const ssif::Segment& seg : o.timeline) {
                if (seg.kind == ssif::SegmentKind::Read && seg.start_ns >= answered) {
                    next_read = &seg;
                    break;
                }
            }
            if (next_read) {
                out << "; the next read, at " << ms(next_read->start_ns) << ", ended "
                    << next_read->status;
            }
            out << "\n";
            // When that read delivered the response, the response time splits into the
            // BMC's part and the host's polling: write + latency + poll gap + read.
            if (next_read && next_read->end_ns == o.completed_ns && !o.failed() &&
                avail >= o.started_ns) {
                out << "    = write " << ms(avail - o.started_ns) << " + daemon latency "
                    << ms(answered - avail) << " + wait for the next read poll "
                    << ms(next_read->start_ns - answered) << " + that read "
                    << ms(next_read->end_ns - next_read->start_ns) << "\n";
            }
        }
    }

    if (r.completed < r.submitted)
        out << "\n  " << r.submitted - r.completed << " request(s) still in flight at "
            << ms(r.end_ns) << "\n";
    const Distribution& d = r.response;
    if (d.count > 0)
        out << "\n  request to response over " << d.count << " request(s): min " << ms(d.min)
            << ", median " << ms(d.median) << ", p99 " << ms(d.p99) << ", max " << ms(d.max)
            << "\n";
    const ssif::HostStats& hs = r.host_stats;
    if (hs.alerts || hs.flag_fetches)
        out << "  host: " << hs.alerts << " alert(s), " << hs.flag_fetches << " flag fetch(es), "
            << hs.incoming_messages << " incoming message(s), " << hs.events << " event(s)\n";
    if (r.zpci.enabled)
        print_zpci(out, r.zpci);

    print_checks(out, r.checks);
    out << "  BMC ends in " << ssif::bmc_state_name(r.bmc_final_state)
        << (r.bmc_aborting ? " (aborting)" : "") << "; simulated " << ms(r.end_ns) << "\n";
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
