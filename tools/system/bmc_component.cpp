#include "tools/system/bmc_component.h"

#include <systemc>

#include "kernel/ssif_bmc/kernel_ssif_bmc_driver.h"
#include "models/common/sim_time.h"
#include "models/smbus/slave.h"
#include "tools/format.h"
#include "tools/system/bus_component.h"

namespace ssifsim::tools {

namespace {
// The driver's memory: no store past a legal SMBus block in ssif_bmc's part buffer
// (payload[33] on, where a host's part of more than 32 bytes + PEC writes into the rest
// of struct ssif_bmc_ctx: the part buffer's index, the padding, the pending response), and
// no use of the context after ssif_bmc_remove freed it.
Check check_driver_memory_safety(const ssif::BmcDriver& driver) {
    Check c;
    c.name = check_name(CheckId::DriverMemorySafety);
    c.description = "no store past ssif_bmc's part buffer payload and PEC (a host's part over "
                    "32 bytes + PEC writes into struct ssif_bmc_ctx), and no use of the context "
                    "after ssif_bmc_remove freed it";
    const uint64_t oob_writes = driver.oob_writes();
    const std::vector<std::string> first_oob_writes = driver.first_oob_writes();
    if (oob_writes > 0) {
        c.pass = false;
        c.detail = std::to_string(oob_writes) +
                   " store(s) out of bounds in the BMC's struct ssif_bmc_ctx: ";
        for (size_t i = 0; i < first_oob_writes.size(); ++i)
            c.detail += (i ? ", " : "") + first_oob_writes[i];
        if (oob_writes > first_oob_writes.size())
            c.detail += ", ...";
    }
    std::vector<std::string> uses;
    if (driver.use_after_free() > 0)
        uses.push_back("response_timeout ran " + std::to_string(driver.use_after_free()) +
                       " time(s) after ssif_bmc_remove freed struct ssif_bmc_ctx (the response "
                       "timer was left armed)");
    if (driver.reads_after_remove() > 0)
        uses.push_back("the daemon read() its file " + std::to_string(driver.reads_after_remove()) +
                       " time(s) after ssif_bmc_remove freed struct ssif_bmc_ctx (ssif_bmc_read "
                       "locks the context the file still points to)");
    if (driver.writes_after_remove() > 0)
        uses.push_back("the daemon write() its file " +
                       std::to_string(driver.writes_after_remove()) +
                       " time(s) after ssif_bmc_remove freed struct ssif_bmc_ctx (ssif_bmc_write "
                       "locks the context the file still points to)");
    std::string all_uses;
    for (const std::string& use : uses)
        all_uses += (all_uses.empty() ? "" : "; ") + use;
    if (!all_uses.empty()) {
        c.pass = false;
        c.detail += (c.detail.empty() ? "" : "; ") + std::string("use after free: ") + all_uses;
    }
    return c;
}

// The ipmi_sim check: the backend answered every request it was given, and ipmi_sim was
// running until the end.
Check check_ipmi_sim(const ssif::IpmiSimBackend& backend, const IpmiSimProcess& process,
                     uint64_t end_ns) {
    Check c;
    c.name = check_name(CheckId::IpmiSim);
    c.description = "ipmi_sim answered every request the daemon forwarded";
    if (backend.failed()) {
        c.pass = false;
        c.detail = backend.failure() + "; ipmi_sim " + process.ending() + "; the run stopped at " +
                   ms(end_ns) + " and the other checks cover it up to then";
    }
    return c;
}

void keep(std::vector<uint64_t>& v, uint64_t t_ns) {
    if (v.size() <= RunResult::kExplainedRequests)
        v.push_back(t_ns);
}
} // namespace

void BmcComponent::Milestones::request_available(uint64_t t_ns) {
    keep(requests_available_ns, t_ns);
}

void BmcComponent::Milestones::request_read(const Bytes& request, uint64_t t_ns) {
    messages_.daemon_read(request, t_ns);
}

void BmcComponent::Milestones::response_written(const Bytes& response, uint64_t t_ns,
                                                uint64_t read) {
    keep(daemon_writes_ns, t_ns);
    messages_.daemon_wrote(response, t_ns, read);
}

// The IPMI backend failed (the connection lost, or no answer within its wall-clock timeout;
// it logs ipmi_sim.failed as it does): every later request would go unanswered, so the run
// ends at the first event after it, and its checks say why.
bool BmcComponent::BackendFailureSink::wants(EventId) const {
    return backend && backend->failed() && !stopped_ && sc_core::sc_is_running();
}

void BmcComponent::BackendFailureSink::record(const Event& e) {
    if (wants(e.id)) {
        stopped_ = true;
        sc_core::sc_pause();
    }
}

BmcComponent::BmcComponent(const Scenario& s) : s_(s) {
    // An external backend starts first: if it cannot (not installed, a bad emulator command),
    // that is bad input, found before any output is touched.
    if (s.backend.kind == DaemonBackend::Kind::IpmiSim) {
        IpmiSimSetup setup;
        setup.emulator = s.backend.emulator;
        setup.lan_conf = s.backend.lan_conf;
        setup.start_timeout_ms = s.backend.start_timeout_ms;
        setup.source = s.file + ": $.bmc.daemon.ipmi_sim";
        ipmi_sim_.emplace(setup);
    }
}

BmcComponent::~BmcComponent() = default;

void BmcComponent::add_sinks(System&, TeeSink& sinks) {
    // Only with a backend that can fail: the log asks every sink of every event it offers.
    if (s_.backend.kind == DaemonBackend::Kind::IpmiSim)
        sinks.add(&backend_failure_);
}

void BmcComponent::build(System& system) {
    const Scenario& s = s_;
    smbus::SmbusBus& bus = system.get<BusComponent>().bus();
    framing_.emplace(s.bmc.addr7);
    bus.add_observer(&*framing_);
    milestones_.emplace(system.messages);
    ssif::BmcModule::DriverFactory make_driver; // empty: the model
    if (s.bmc_implementation == Implementation::Kernel)
        make_driver = [this, &s](ssif::BmcHooks& hooks) {
            std::unique_ptr<ssif::BmcDriver> driver;
            // The module's clock: a slave event it takes ahead of SystemC's has its own
            // moment (BmcModule::now_ns). Null while the module is being made (the probe).
            auto now_ns = [this] { return bmc_ ? bmc_->now_ns() : sim_now_ns(); };
            try {
                driver = kernel::make_kernel_bmc_driver(s.bmc, hooks, now_ns);
            } catch (const std::logic_error& e) { // a second one in this process
                throw InputError(s.file + ": $.bmc.implementation: " + e.what());
            }
            if (!driver) // the loader checks first (use_kernel_bmc); an embedding may not
                throw InputError(s.file + ": $.bmc.implementation: \"kernel\" needs a build "
                                          "with the kernel source (README: Kernel in the loop)");
            return driver;
        };
    bmc_ = std::make_unique<ssif::BmcModule>("bmc", s.bmc, system.log, system.tl_vcd, make_driver);
    // The BMC's slave-mode controller: ssif_bmc's slave events behind a target socket.
    bmc_target_ = std::make_unique<smbus::LinuxSlaveTarget>("bmc_slave", *bmc_);
    bus.bind_target(s.bmc.addr7, bmc_target_->socket);
    if (s.bmc.smbus_alert) // the BMC's SMBALERT# output on its pin of the line
        bmc_->smbalert(system.get<BusComponent>().alert_line().pin(s.bmc.addr7));
    bmc_->add_daemon_observer(&*milestones_);
    if (system.daemon_observer)
        bmc_->add_daemon_observer(system.daemon_observer);
    bmc_->add_fault_observer(&system.faults);
    for (size_t i = 0; i < s.faults.size(); ++i)
        if (s.faults[i].type == FaultType::BmcRemove)
            bmc_->schedule_remove(s.faults[i].from_ns, static_cast<int>(i));
    responder_.emplace(s.responder);
    // The answers come from the builtin responder or ipmi_sim, through the scenario's script.
    ssif::IpmiBackend* answers = &*responder_;
    if (ipmi_sim_) {
        sim_backend_.emplace(ipmi_sim_->fd(), s.backend.ipmi_sim, system.log);
        backend_failure_.backend = &*sim_backend_;
        sim_backend_->start(0); // a failure is logged, and stops the run at its first event
        answers = &*sim_backend_;
    }
    backend_.emplace(s.script, *answers); // no rules: the answers pass through
    if (s.daemon_kind == Scenario::DaemonKind::Simple) {
        ssif::DaemonConfig daemon_config = s.daemon;
        daemon_config.seed = s.seed;
        daemon_ = std::make_unique<ssif::BmcDaemon>("daemon", daemon_config, *bmc_, *backend_,
                                                    system.log);
        daemon_->set_faults(&system.faults);
        daemon_->add_fault_observer(&system.faults);
        daemon_->add_observer(&*milestones_);
        if (system.daemon_observer)
            daemon_->add_observer(system.daemon_observer);
    } else {
        bridge_ = std::make_unique<ssif::SsifBridgeModule>("daemon", s.bridge, *bmc_, *backend_,
                                                           s.seed, system.log);
        bridge_->add_observer(&*milestones_);
        if (system.daemon_observer)
            bridge_->add_observer(system.daemon_observer);
    }
}

std::shared_ptr<const ComponentResult> BmcComponent::finish(System& system,
                                                            std::vector<Check>& checks) {
    const uint64_t end_ns = system.result.end_ns;
    if (ipmi_sim_) {
        // What ipmi_sim printed, and how it ended, at the run's end: its output arrives in
        // wall time, so only the end is a deterministic place for it in the log.
        ipmi_sim_->stop();
        for (const std::string& line : ipmi_sim_->output())
            EventBuilder(system.log, end_ns, events::kIpmiSimOutput).str("line", line);
        EventBuilder(system.log, end_ns, events::kIpmiSimExit).str("status", ipmi_sim_->ending());
    }
    checks.push_back(framing_->result());
    checks.push_back(check_driver_memory_safety(bmc_->driver()));
    if (sim_backend_)
        checks.push_back(check_ipmi_sim(*sim_backend_, *ipmi_sim_, end_ns));
    auto r = std::make_shared<BmcResult>();
    r->final_state = bmc_->driver().state();
    r->aborting = bmc_->driver().aborting();
    r->coverage = bmc_->driver().coverage();
    r->requests_available_ns = milestones_->requests_available_ns;
    r->daemon_writes_ns = milestones_->daemon_writes_ns;
    return r;
}

void BmcResult::report(ojson& report) const {
    ojson cov = ojson::array();
    for (int st = 0; st < ssif::kBmcStateCount; ++st)
        for (int ev = 0; ev < ssif::kSlaveEventCount; ++ev)
            if (coverage[st][ev])
                cov.push_back(
                    {{"state", ssif::bmc_state_name(static_cast<ssif::BmcState>(st))},
                     {"event", smbus::slave_event_name(static_cast<smbus::SlaveEvent>(ev))},
                     {"count", coverage[st][ev]}});
    report["bmc"] = {{"final_state", ssif::bmc_state_name(final_state)},
                     {"aborting", aborting},
                     {"coverage", cov}};
}

void BmcResult::summary_request(std::ostream& out, const RunResult& r, size_t i) const {
    if (r.outcomes.size() != requests_available_ns.size() ||
        r.outcomes.size() != daemon_writes_ns.size())
        return;
    const ssif::RequestOutcome& o = r.outcomes[i];
    const uint64_t avail = requests_available_ns[i];
    const uint64_t answered = daemon_writes_ns[i];
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
        out << "; the next read, at " << ms(next_read->start_ns) << ", ended " << next_read->status;
    }
    out << "\n";
    // When that read delivered the response, the response time splits into the
    // BMC's part and the host's polling: write + latency + poll gap + read.
    if (next_read && next_read->end_ns == o.completed_ns && !o.failed() && avail >= o.started_ns) {
        out << "    = write " << ms(avail - o.started_ns) << " + daemon latency "
            << ms(answered - avail) << " + wait for the next read poll "
            << ms(next_read->start_ns - answered) << " + that read "
            << ms(next_read->end_ns - next_read->start_ns) << "\n";
    }
}

void BmcResult::summary_end(std::ostream& out, const RunResult& r) const {
    out << "  BMC ends in " << ssif::bmc_state_name(final_state) << (aborting ? " (aborting)" : "")
        << "; simulated " << ms(r.end_ns) << "\n";
}

void BmcResult::expectations(const Scenario& s, const RunResult& r, std::vector<Check>& out) const {
    const std::string at_end = "at the end (t=" + ms(r.end_ns) + "), the BMC's ";
    if (s.expect.bmc_final_state)
        expect_equal(out, "bmc final_state", at_end + "state", final_state,
                     *s.expect.bmc_final_state,
                     [](ssif::BmcState st) { return std::string(ssif::bmc_state_name(st)); });
    if (s.expect.bmc_aborting)
        expect_equal(out, "bmc aborting", at_end + "aborting flag", aborting,
                     *s.expect.bmc_aborting,
                     [](bool b) { return std::string(b ? "set" : "clear"); });
}

} // namespace ssifsim::tools
