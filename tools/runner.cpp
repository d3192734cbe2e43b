#include "tools/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <systemc>

#include "models/common/sim_time.h"
#include "models/common/stop_gate.h"
#include "models/common/thread_reaper.h"
#include "models/common/vcd_writer.h"
#include "models/smbus/bus.h"
#include "models/smbus/foreign_master.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/ipmi_sim_backend.h"
#include "models/ssif/bmc/scripted_backend.h"
#include "models/ssif/bmc/ssifbridge.h"
#include "tools/bus_checks.h"
#include "tools/causes.h"
#include "tools/checks.h"
#include "tools/format.h"
#include "tools/gtkw.h"
#include "tools/interrupt.h"
#include "tools/ipmi_sim_process.h"
#include "tools/jsonl_sink.h"
#include "tools/junit.h"
#include "tools/output_file.h"
#include "tools/report.h"
#include "tools/workload.h"

namespace ssifsim::tools {

namespace {
// The daemon's side of each exchange, as the BMC and its daemon report it: into the
// messages check, and the moments the summary explains the first requests' response times
// with.
class DaemonMilestones : public ssif::DaemonObserver {
  public:
    explicit DaemonMilestones(IpmiMessagesCheck& messages) : messages_(messages) {}
    void request_available(uint64_t t_ns) override { keep(requests_available_ns, t_ns); }
    void request_read(const Bytes& request, uint64_t t_ns) override {
        messages_.daemon_read(request, t_ns);
    }
    void response_written(const Bytes& response, uint64_t t_ns, uint64_t read) override {
        keep(daemon_writes_ns, t_ns);
        messages_.daemon_wrote(response, t_ns, read);
    }
    // One more than the summary explains, so that it can tell there were more.
    std::vector<uint64_t> requests_available_ns;
    std::vector<uint64_t> daemon_writes_ns;

  private:
    static void keep(std::vector<uint64_t>& v, uint64_t t_ns) {
        if (v.size() <= RunResult::kExplainedRequests)
            v.push_back(t_ns);
    }
    IpmiMessagesCheck& messages_;
};

// Counts the events the scenario's expectations name (expect.counts): the log as an output,
// compared in place (nothing is built per event).
class EventCounter : public EventSink {
  public:
    explicit EventCounter(const std::map<std::string, uint64_t>& expected_counts) {
        for (const auto& [name, expected] : expected_counts) {
            const size_t dot = name.find('.');
            counted_.push_back({name.substr(0, dot), name.substr(dot + 1), name});
            counts[name] = 0;
        }
    }
    void record(const Event& e) override {
        for (const Counted& c : counted_)
            if (e.src == c.src && e.ev == c.ev)
                ++counts[c.name];
    }
    std::map<std::string, uint64_t> counts;

  private:
    struct Counted {
        std::string src, ev, name;
    };
    std::vector<Counted> counted_;
};

// Takes each outcome as the host completes it: into the checks and the figures, and kept
// for the report if it is among the first or an expectation names it.
class OutcomeCollector : public ssif::OutcomeSink {
  public:
    OutcomeCollector(const Scenario& s, RunResult& result, IpmiMessagesCheck& messages)
        : result_(result), messages_(messages), t6_(s.expect.t6_max_ns) {
        for (const RequestExpectation& e : s.expect.requests)
            expected_ids_.insert(e.id);
    }
    void started(int, uint64_t t_ns) override { messages_.request_started(t_ns); }
    void completed(const ssif::RequestOutcome& o) override {
        t6_.add(o);
        messages_.add(o);
        response_.add(o.response_ns());
        result_.failed += !o.error.empty();
        result_.write_retries += static_cast<uint64_t>(o.write_retries());
        result_.read_retries += static_cast<uint64_t>(o.read_retries());
        if (result_.outcomes.size() < RunResult::kKeptOutcomes || expected_ids_.count(o.id))
            result_.outcomes.push_back(o);
    }
    const T6Check& t6() const { return t6_; }
    Distribution response() const { return response_.summary(); }

  private:
    RunResult& result_;
    IpmiMessagesCheck& messages_;
    T6Check t6_;
    DurationStats response_;
    std::set<int> expected_ids_;
};

// host.irq "zpci": each transfer's completion is the controller function's MSI 0.
class ZpciTransferIrq : public ssif::TransferIrq {
  public:
    ZpciTransferIrq(zpci::ZpciSystem& system, uint32_t fid) : system_(system), fid_(fid) {}
    void transfer_complete() override { system_.raise_and_wait(fid_, 0); }

  private:
    zpci::ZpciSystem& system_;
    uint32_t fid_;
};

// The faults of type foreign_master, as the second master's program; each waits for its
// BMC state, when it names one.
std::vector<smbus::ForeignTransfer> foreign_transfers(const Scenario& s,
                                                      const ssif::BmcModule& bmc) {
    std::vector<smbus::ForeignTransfer> out;
    for (size_t i = 0; i < s.faults.size(); ++i) {
        const Fault& f = s.faults[i];
        if (f.type != FaultType::ForeignMaster)
            continue;
        smbus::ForeignTransfer t;
        t.fault_id = static_cast<int>(i);
        t.read = f.foreign_read;
        t.addr7 = static_cast<uint8_t>(f.address >= 0 ? f.address : s.bmc.addr7);
        t.write_bytes = f.data;
        t.read_length = f.length;
        t.from_ns = f.from_ns;
        t.count = f.count;
        if (f.state) {
            const ssif::BmcState state = *f.state;
            t.when = [&bmc, state] { return bmc.driver().state() == state; };
            t.when_text = std::string("BMC in ") + ssif::bmc_state_name(state);
        }
        out.push_back(std::move(t));
    }
    return out;
}

ZpciResult zpci_result(const zpci::ZpciSystem& z) {
    ZpciResult r;
    r.enabled = true;
    r.counts = z.accounting().counts();
    r.violations = z.accounting().kept_violations();
    r.violation_counts = z.accounting().violation_counts();
    r.violation_total = z.accounting().violation_total();
    r.accounted = z.accounting().accounted();
    r.latency = z.accounting().latency().summary();
    r.cpus = z.cpu_stats();
    r.setup_failures = z.setup_failures();
    r.fallbacks = z.fallbacks();
    return r;
}

// A progress line for a terminal: the wall clock is read every 4096 events, the line redrawn
// at most once a second.
class ProgressSink : public EventSink {
  public:
    ProgressSink(std::ostream& out, size_t total_requests)
        : out_(out), total_(total_requests), last_(std::chrono::steady_clock::now()) {}
    ~ProgressSink() override {
        if (drawn_)
            out_ << "\r" << std::string(width_, ' ') << "\r" << std::flush;
    }
    void record(const Event& e) override {
        if (e.src == "host" && e.ev == "response")
            ++answered_;
        if (++events_ % 4096 != 0)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1))
            return;
        last_ = now;
        char line[160];
        std::snprintf(line, sizeof line, "  simulated %.3f s, %llu/%zu request(s) answered",
                      static_cast<double>(e.t_ns) / 1e9, static_cast<unsigned long long>(answered_),
                      total_);
        const std::string text = line;
        width_ = std::max(width_, text.size());
        out_ << "\r" << text << std::string(width_ - text.size(), ' ') << std::flush;
        drawn_ = true;
    }

  private:
    std::ostream& out_;
    size_t total_;
    std::chrono::steady_clock::time_point last_;
    uint64_t events_ = 0, answered_ = 0;
    size_t width_ = 0;
    bool drawn_ = false;
};

// Stops the simulation at the first event after SIGINT, SIGTERM or SIGHUP (tools/interrupt.h).
class InterruptSink : public EventSink {
  public:
    void record(const Event&) override {
        if (!stopped_ && interrupt_signal() != 0) {
            stopped_ = true;
            sc_core::sc_pause(); // not sc_stop: the reaper still needs a delta cycle
        }
    }

  private:
    bool stopped_ = false;
};

// Stops the simulation at the first event after the IPMI backend failed (ipmi_sim.failed:
// the connection lost, or no answer within its wall-clock timeout): every later request
// would go unanswered, so the run ends there, and its checks say why.
class BackendFailureSink : public EventSink {
  public:
    void record(const Event& e) override {
        if (e.src == "ipmi_sim" && e.ev == "failed")
            failed_ = true;
        if (failed_ && !stopped_ && sc_core::sc_is_running()) {
            stopped_ = true;
            sc_core::sc_pause();
        }
    }

  private:
    bool failed_ = false, stopped_ = false;
};

// The ipmi_sim check: the backend answered every request it was given, and ipmi_sim was
// running until the end.
Check check_ipmi_sim(const ssif::IpmiSimBackend& backend, const IpmiSimProcess& process,
                     uint64_t end_ns) {
    Check c;
    c.name = "ipmi_sim";
    c.description = "ipmi_sim answered every request the daemon forwarded";
    if (backend.failed()) {
        c.pass = false;
        c.detail = backend.failure() + "; ipmi_sim " + process.ending() + "; the run stopped at " +
                   ms(end_ns) + " and the other checks cover it up to then";
    }
    return c;
}
} // namespace

bool RunResult::passed() const {
    for (const Check& c : checks)
        if (!c.pass)
            return false;
    return true;
}

std::string transaction_vcd_path(const std::string& vcd_path) {
    const std::string ext = ".vcd";
    if (vcd_path.size() > ext.size() &&
        vcd_path.compare(vcd_path.size() - ext.size(), ext.size(), ext) == 0)
        return vcd_path.substr(0, vcd_path.size() - ext.size()) + ".tl.vcd";
    return vcd_path + ".tl.vcd";
}

RunResult run_scenario(const Scenario& s, const RunOptions& options) {
    const auto wall_start = std::chrono::steady_clock::now();
    // An external backend starts first: if it cannot (not installed, a bad emulator command),
    // that is bad input, found before any output is touched.
    std::optional<IpmiSimProcess> ipmi_sim;
    if (s.backend.kind == DaemonBackend::Kind::IpmiSim) {
        IpmiSimSetup setup;
        setup.emulator = s.backend.emulator;
        setup.lan_conf = s.backend.lan_conf;
        setup.start_timeout_ms = s.backend.start_timeout_ms;
        setup.source = s.file + ": $.bmc.daemon.ipmi_sim";
        ipmi_sim.emplace(setup);
    }
    // Every output is opened before any is truncated; bad paths are found before anything
    // changes on disk (what a failed prepare created is removed again).
    OutputFiles outputs;
    OutputFile* log_out = outputs.prepare(options.log_path, OutputFile::Kind::Stream);
    OutputFile* vcd_out = outputs.prepare(options.vcd_path, OutputFile::Kind::Stream);
    OutputFile* tl_out =
        options.vcd_path.empty()
            ? nullptr
            : outputs.prepare(transaction_vcd_path(options.vcd_path), OutputFile::Kind::Stream);
    OutputFile* report_out = outputs.prepare(options.report_path, OutputFile::Kind::Document);
    OutputFile* junit_out = outputs.prepare(options.junit_path, OutputFile::Kind::Document);
    std::ostream* log_file = log_out ? &log_out->open() : nullptr;
    std::ostream* vcd_file = vcd_out ? &vcd_out->open() : nullptr;
    std::ostream* tl_file = tl_out ? &tl_out->open() : nullptr;

    RunResult result;
    IpmiMessagesCheck messages;
    OutcomeCollector collector(s, result, messages);
    TeeSink log;
    EventCounter counter(s.expect.counts);
    log.add(&counter);
    DaemonMilestones milestones(messages);
    FaultPlan faults(s.faults);
    SmbusFaultEvents smbus_faults(faults);
    log.add(&smbus_faults);
    CauseRecorder causes(RunResult::kExplainedRequests);
    log.add(&causes);
    InterruptSink interrupt;
    log.add(&interrupt);
    BackendFailureSink backend_failure;
    log.add(&backend_failure);
    std::optional<ProgressSink> progress;
    if (options.progress) {
        progress.emplace(*options.progress, s.total_requests());
        log.add(&*progress);
    }
    std::optional<JsonlSink> jsonl;
    if (log_file) {
        jsonl.emplace(*log_file);
        log.add(&*jsonl);
    }
    if (options.extra_sink)
        log.add(options.extra_sink);
    std::unique_ptr<VcdWriter> wire_vcd, tl_vcd;
    if (vcd_file) {
        wire_vcd = std::make_unique<VcdWriter>(*vcd_file, "smbus");
        tl_vcd = std::make_unique<VcdWriter>(*tl_file, "ssifsim");
        // The transaction-level file holds the wires too: one file, one time axis for GTKWave.
        // The bus draws a byte's bits when its ACK is due, 8 bit periods after they began.
        wire_vcd->mirror_to(tl_vcd.get(), 16 * s.bus.bit_ns());
    }

    smbus::SmbusBus bus("bus", s.bus, log, wire_vcd.get());
    BusTimingCheck bus_timing;
    SsifFramingCheck framing(s.bmc.addr7);
    bus.add_observer(&bus_timing);
    bus.add_observer(&framing);
    smbus::AlertLine alert_line;
    bus.attach(smbus::AlertLine::kAlertResponseAddress, &alert_line);
    ssif::BmcModule bmc("bmc", s.bmc, log, tl_vcd.get());
    bus.attach(s.bmc.addr7, &bmc);
    bmc.set_alert_line(&alert_line);
    bmc.add_daemon_observer(&milestones);
    bmc.add_fault_observer(&faults);
    for (size_t i = 0; i < s.faults.size(); ++i)
        if (s.faults[i].type == FaultType::BmcRemove)
            bmc.schedule_remove(s.faults[i].from_ns, static_cast<int>(i));
    ssif::IpmiResponder responder(s.responder);
    // The answers come from the builtin responder or ipmi_sim, through the scenario's script.
    std::optional<ssif::IpmiSimBackend> sim_backend;
    ssif::IpmiBackend* answers = &responder;
    if (ipmi_sim) {
        sim_backend.emplace(ipmi_sim->fd(), s.backend.ipmi_sim, log);
        sim_backend->start(0); // a failure is logged, and stops the run at its first event
        answers = &*sim_backend;
    }
    ssif::ScriptedBackend backend(s.script, *answers); // no rules: the answers pass through
    std::unique_ptr<ssif::BmcDaemon> daemon;
    std::unique_ptr<ssif::SsifBridgeModule> bridge;
    if (s.daemon_kind == Scenario::DaemonKind::Simple) {
        ssif::DaemonConfig daemon_config = s.daemon;
        daemon_config.seed = s.seed;
        daemon = std::make_unique<ssif::BmcDaemon>("daemon", daemon_config, bmc, backend, log);
        daemon->set_faults(&faults);
        daemon->add_fault_observer(&faults);
        daemon->add_observer(&milestones);
    } else {
        bridge =
            std::make_unique<ssif::SsifBridgeModule>("daemon", s.bridge, bmc, backend, s.seed, log);
        bridge->add_observer(&milestones);
    }
    ssif::SsifHost host("host", s.host, bus, log, tl_vcd.get());
    host.set_faults(&faults);
    host.set_alert_line(&alert_line);
    WorkloadRequests requests(s.requests, s.generators, s.seed);
    host.set_requests(&requests);
    host.set_outcome_sink(&collector);
    std::unique_ptr<smbus::ForeignMaster> foreign;
    if (auto transfers = foreign_transfers(s, bmc); !transfers.empty())
        foreign = std::make_unique<smbus::ForeignMaster>("foreign", bus, log, std::move(transfers));
    ThreadReaper reaper("reaper");
    const uint64_t until_ns = options.until_ns ? options.until_ns : s.until_ns;
    StopGate gate; // without an end time: stop when the host and the MSI stream are done
    if (until_ns == 0) {
        gate.expect();
        host.stop_when_done(&gate);
    }
    std::unique_ptr<zpci::ZpciSystem> zpci_system;
    std::unique_ptr<GeneratedMsis> msis;
    std::unique_ptr<ZpciTransferIrq> transfer_irq;
    if (s.zpci.enabled) {
        zpci_system = std::make_unique<zpci::ZpciSystem>("zpci", s.zpci.config, log, tl_vcd.get());
        std::vector<uint32_t> raisers = zpci_system->kernel().live_fids();
        if (s.host_irq_fid) // the controller raises only its own transfer interrupts
            raisers.erase(std::remove(raisers.begin(), raisers.end(), *s.host_irq_fid),
                          raisers.end());
        msis = std::make_unique<GeneratedMsis>(s.zpci, raisers, s.seed);
        zpci_system->set_schedule(msis.get());
        if (until_ns == 0) {
            gate.expect();
            zpci_system->set_stop_gate(&gate);
        }
        if (s.host_irq_fid) {
            transfer_irq = std::make_unique<ZpciTransferIrq>(*zpci_system, *s.host_irq_fid);
            host.set_transfer_irq(transfer_irq.get());
        }
    }

    if (until_ns)
        sc_core::sc_start(ns(until_ns));
    else
        sc_core::sc_start();

    result.end_ns = sim_now_ns();
    result.interrupted_by = interrupt_signal();
    if (ipmi_sim) {
        // What ipmi_sim printed, and how it ended, at the run's end: its output arrives in
        // wall time, so only the end is a deterministic place for it in the log.
        ipmi_sim->stop();
        for (const std::string& line : ipmi_sim->output())
            EventBuilder(log, result.end_ns, "ipmi_sim", "output").str("line", line);
        EventBuilder(log, result.end_ns, "ipmi_sim", "exit").str("status", ipmi_sim->ending());
    }
    if (zpci_system) {
        zpci_system->finish(result.end_ns);
        result.zpci = zpci_result(*zpci_system);
    }
    if (wire_vcd) {
        wire_vcd->finish(result.end_ns);
        tl_vcd->finish(result.end_ns);
    }
    result.bus_bytes = bus.wire_bytes();
    result.submitted = host.submitted();
    result.completed = host.completed();
    result.response = collector.response();
    result.link = host.link();
    result.host_stats = host.stats();
    result.bmc_final_state = bmc.driver().state();
    result.bmc_aborting = bmc.driver().aborting();
    result.bmc_oob_writes = bmc.driver().oob_writes();
    result.bmc_first_oob_writes = bmc.driver().first_oob_writes();
    result.bmc_use_after_free = bmc.driver().use_after_free();
    result.coverage = bmc.driver().coverage();
    result.requests_available_ns = milestones.requests_available_ns;
    result.daemon_writes_ns = milestones.daemon_writes_ns;
    result.event_counts = counter.counts;
    result.cause_records = causes.records();
    std::vector<std::string> why_not_fired;
    for (size_t i = 0; i < s.faults.size(); ++i) {
        result.faults_fired.push_back(faults.fired(i));
        why_not_fired.push_back(faults.fired(i) ? "" : faults.why_not_fired(i));
    }

    result.checks = {collector.t6().result(result.completed, result.submitted),
                     check_all_answered(result.completed, result.submitted),
                     messages.result(),
                     check_faults_fired(s.faults, result.faults_fired, why_not_fired),
                     bus_timing.timeout(),
                     bus_timing.low_sext(),
                     framing.result(),
                     check_driver_memory_safety(result)};
    if (result.zpci.enabled)
        result.checks.push_back(check_interrupts_accounted(result.zpci));
    if (sim_backend)
        result.checks.push_back(check_ipmi_sim(*sim_backend, *ipmi_sim, result.end_ns));
    for (Check& c : result.checks)
        apply_expected_verdict(s, c);
    for (Check& c : check_expectations(s, result))
        result.checks.push_back(c);

    if (result.interrupted_by) {
        Check c;
        c.name = "interrupted";
        c.description = "the run went to its end";
        c.pass = false;
        c.detail = std::string("stopped by ") + signal_name(result.interrupted_by) + " at " +
                   ms(result.end_ns) + "; the other checks cover the run up to then";
        result.checks.push_back(c);
    }

    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    // The streams first (the VCDs' writers flushed them in finish()): if one of them failed,
    // no report or JUnit file claims a result.
    for (OutputFile* f : {log_out, vcd_out, tl_out})
        if (f && result.output_error.empty())
            result.output_error = f->commit();
    // A GTKWave save file (and its filter files) beside each VCD.
    if (wire_vcd && result.output_error.empty()) {
        try {
            const std::string tl_path = transaction_vcd_path(options.vcd_path);
            for (const std::string& f :
                 write_gtkw(gtkw_path(options.vcd_path), tl_path, *tl_vcd, result.end_ns))
                result.viewer_files.push_back(f);
            for (const std::string& f : write_gtkw(wires_gtkw_path(options.vcd_path),
                                                   options.vcd_path, *wire_vcd, result.end_ns))
                result.viewer_files.push_back(f);
        } catch (const std::runtime_error& e) {
            result.output_error = e.what();
        }
    }
    if (report_out && result.output_error.empty()) {
        report_out->open() << build_report(s, result).dump(2) << '\n';
        result.output_error = report_out->commit();
    }
    if (junit_out && result.output_error.empty()) {
        write_junit(junit_out->open(), s, result);
        result.output_error = junit_out->commit();
    }

    // Unwind the threads still waiting, so that what their frames hold is freed. Nothing of
    // that last delta cycle may reach the outputs or the result: the log's sinks are gone,
    // the VCDs have finished, and the collector writes into a result no longer returned.
    RunResult done = std::move(result);
    log.clear();
    reaper.reap();
    return done;
}

} // namespace ssifsim::tools
