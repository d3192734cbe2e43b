#include "tools/system/zpci_component.h"

#include <algorithm>
#include <map>

#include "tools/format.h"
#include "tools/system/host_component.h"

namespace ssifsim::tools {

ZpciComponent::ZpciComponent(const Scenario& s) : s_(s) {}

ZpciComponent::~ZpciComponent() = default;

void ZpciComponent::build(System& system) {
    const Scenario& s = s_;
    if (!s.zpci.enabled)
        return;
    system_ = std::make_unique<zpci::ZpciSystem>("zpci", s.zpci.config, system.log, system.tl_vcd);
    std::vector<uint32_t> raisers = system_->kernel().live_fids();
    if (s.host_irq_fid) // the controller raises only its own transfer interrupts
        raisers.erase(std::remove(raisers.begin(), raisers.end(), *s.host_irq_fid), raisers.end());
    msis_ = std::make_unique<GeneratedMsis>(s.zpci, raisers, s.seed);
    system_->set_schedule(msis_.get());
    if (system.gate) {
        system.gate->expect();
        system_->set_stop_gate(system.gate);
    }
    if (s.host_irq_fid) {
        // host.irq "zpci": the host's controller interrupt is MSI 0 of its function.
        host_irq_ = std::make_unique<zpci::MsiLine>("host_irq", *system_, *s.host_irq_fid, 0);
        ssif::SsifHost& host = system.get<HostComponent>().host();
        host.irq(host_irq_->irq);
        host.irq_handled(host_irq_->handled);
    }
}

std::shared_ptr<const ComponentResult> ZpciComponent::finish(System& system,
                                                             std::vector<Check>& checks) {
    auto r = std::make_shared<ZpciResult>();
    if (!system_)
        return r; // no zpci section: its expectations (if any) see nothing raised
    system_->finish(system.result.end_ns);
    const zpci::ZpciSystem& z = *system_;
    r->enabled = true;
    r->counts = z.accounting().counts();
    r->violations = z.accounting().kept_violations();
    r->violation_counts = z.accounting().violation_counts();
    r->violation_total = z.accounting().violation_total();
    r->accounted = z.accounting().accounted();
    r->latency = z.accounting().latency().summary();
    r->cpus = z.cpu_stats();
    r->setup_failures = z.setup_failures();
    r->fallbacks = z.fallbacks();
    checks.push_back(check_interrupts_accounted(*r, system.result.end_ns));
    return r;
}

Check check_interrupts_accounted(const ZpciResult& z, uint64_t end_ns) {
    Check c;
    c.name = check_name(CheckId::InterruptsAccounted);
    c.description = "every MSI reached its own handler, merged with its own pending bit, or was "
                    "dropped for a named reason (" +
                    std::to_string(z.counts.raised) + " raised)";
    if (!z.violations.empty()) {
        const zpci::Violation& v = z.violations.front();
        c.pass = false;
        c.detail = std::to_string(z.violation_total) + " violation(s); first " +
                   name_of(zpci::kViolationNames, v.kind) + " at t=" + ms(v.t_ns) + ": " + v.detail;
    } else if (!z.accounted) {
        const zpci::MsiCounts& n = z.counts;
        c.pass = false;
        c.detail = "raised " + std::to_string(n.raised) + " != delivered " +
                   std::to_string(n.delivered) + " + merged " + std::to_string(n.merged) +
                   " + discarded " + std::to_string(n.discarded) + " + not_registered " +
                   std::to_string(n.not_registered) + " + misdirected " +
                   std::to_string(n.misdirected) + " + undelivered " +
                   std::to_string(n.undelivered) + " + in flight " + std::to_string(n.in_flight);
    } else if (z.counts.in_flight) {
        c.detail = std::to_string(z.counts.in_flight) +
                   " MSI(s) still in flight when the run ended at " + ms(end_ns) +
                   " (an interrupt that would reach them pending or in progress): not judged";
    }
    return c;
}

namespace {
ojson distribution_json(const Distribution& d) {
    return {
        {"count", d.count}, {"min", d.min}, {"median", d.median}, {"p99", d.p99}, {"max", d.max}};
}
} // namespace

void ZpciResult::report(ojson& report) const {
    if (!enabled)
        return;
    ojson vs = ojson::array();
    for (const zpci::Violation& v : violations)
        vs.push_back({{"kind", name_of(zpci::kViolationNames, v.kind)},
                      {"t_ns", v.t_ns},
                      {"detail", v.detail}});
    ojson vcounts = ojson::object();
    for (const auto& [name, kind] : zpci::kViolationNames)
        vcounts[name] = violation_counts[static_cast<size_t>(kind)];
    ojson cs = ojson::array();
    for (size_t c = 0; c < cpus.size(); ++c) {
        const zpci::CpuStats& st = cpus[c];
        cs.push_back({{"cpu", c},
                      {"directed", st.directed},
                      {"floating", st.floating},
                      {"ipis", st.ipis},
                      {"dispatched", st.dispatched},
                      {"rescans", st.rescans},
                      {"ipis_sent", st.ipis_sent},
                      {"busy_ns", st.busy_ns}});
    }
    std::vector<std::string> setup_failure_texts;
    for (const zpci::SetupFailure& f : setup_failures)
        setup_failure_texts.push_back(f.text());
    ojson msis = ojson::object();
    for (const auto& [name, count] : zpci::named_counts(counts))
        msis[name] = count;
    if (counts.in_flight)
        msis["in_flight"] = counts.in_flight;
    report["zpci"] = {{"msis", msis},
                      {"accounted", accounted},
                      {"violation_counts", vcounts},
                      {"violations", vs},
                      {"latency_ns", distribution_json(latency)},
                      {"fallbacks", fallbacks},
                      {"setup_failures", setup_failure_texts},
                      {"cpus", cs}};
}

void ZpciResult::summary_figures(std::ostream& out, const RunResult&) const {
    if (!enabled)
        return;
    const zpci::MsiCounts& n = counts;
    out << "\n  zPCI: " << n.raised << " MSI(s) raised: " << n.delivered << " delivered, "
        << n.merged << " merged, " << n.discarded << " discarded, " << n.not_registered
        << " not registered, " << n.misdirected << " misdirected, " << n.undelivered
        << " undelivered";
    if (n.in_flight)
        out << ", " << n.in_flight << " in flight (the run ended first)";
    if (n.lost_in_fabric)
        out << "; " << n.lost_in_fabric << " lost in the fabric";
    out << "\n";
    if (latency.count)
        out << "  MSI to handler: min " << latency.min << " ns, median " << latency.median
            << " ns, p99 " << latency.p99 << " ns, max " << latency.max << " ns\n";
    uint64_t irqs = 0, rescans = 0, ipis = 0;
    for (const zpci::CpuStats& st : cpus) {
        irqs += st.directed + st.floating + st.ipis;
        rescans += st.rescans;
        ipis += st.ipis_sent;
    }
    out << "  " << cpus.size() << " CPU(s): " << irqs << " interrupt(s), " << rescans
        << " rescan(s), " << ipis << " IPI(s), " << fallbacks << " fallback MSI(s)\n";
    if (!setup_failures.empty())
        out << "  " << setup_failures.size()
            << " function(s) failed MSI setup; first: " << setup_failures.front().text() << "\n";
    const size_t shown = std::min<size_t>(violations.size(), 10);
    for (size_t i = 0; i < shown; ++i)
        out << "  violation " << name_of(zpci::kViolationNames, violations[i].kind) << " at "
            << violations[i].t_ns << " ns: " << violations[i].detail << "\n";
    if (violation_total > shown)
        out << "  ... " << violation_total - shown << " more; the report counts them by kind\n";
}

void ZpciResult::expectations(const Scenario& s, const RunResult&, std::vector<Check>& out) const {
    const ZpciScenario& z = s.zpci;
    const auto show = [](uint64_t v) { return std::to_string(v); };
    for (const auto& [kind, expected] : z.expect_violations) {
        zpci::ViolationKind named{};
        const uint64_t actual = value_of(zpci::kViolationNames, kind, &named)
                                    ? violation_counts[static_cast<size_t>(named)]
                                    : 0;
        expect_equal(out, "zpci violations " + kind, "the number of " + kind + " violations",
                     actual, expected, show);
    }
    std::map<std::string, uint64_t> named;
    for (const auto& [name, n] : zpci::named_counts(counts))
        named[name] = n;
    for (const auto& [name, expected] : z.expect_counts)
        expect_equal(out, "zpci count " + name, "the number of MSIs " + name, named.at(name),
                     expected, show);
    if (z.expect_setup_failed)
        expect_equal(out, "zpci setup_failed", "the number of functions whose MSI setup failed",
                     static_cast<uint64_t>(setup_failures.size()), *z.expect_setup_failed, show);
}

} // namespace ssifsim::tools
