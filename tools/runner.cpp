#include "tools/runner.h"

#include <fstream>
#include <memory>
#include <set>
#include <systemc>

#include "models/common/sim_time.h"
#include "models/common/stop_gate.h"
#include "models/common/vcd_writer.h"
#include "models/smbus/bus.h"
#include "models/smbus/foreign_master.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "tools/bus_checks.h"
#include "tools/checks.h"
#include "tools/jsonl_sink.h"
#include "tools/junit.h"
#include "tools/report.h"
#include "tools/workload.h"

namespace ssifsim::tools {

namespace {
const Bytes* bytes_field(const Event& e, const char* key) {
    for (const Field& f : e.fields)
        if (f.key == key)
            return std::get_if<Bytes>(&f.value);
    return nullptr;
}

// Picks out what the summary and the checks need from the event stream: the moments the
// first requests' response times are explained with, the daemon's exchanges (handed to the
// messages check), and the counts of the events the scenario's expectations name (compared
// in place: nothing is built per event).
class MilestoneSink : public EventSink {
  public:
    MilestoneSink(const std::map<std::string, uint64_t>& expected_counts,
                  IpmiMessagesCheck& messages)
        : messages_(messages) {
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
        if (e.src == "bmc" && e.ev == "request_available")
            keep(requests_available_ns, e.t_ns);
        if (e.src != "daemon")
            return;
        if (e.ev == "write")
            keep(daemon_writes_ns, e.t_ns);
        const Bytes* request = bytes_field(e, "request");
        if (e.ev == "read" && request)
            messages_.daemon_read(*request, e.t_ns);
        const Bytes* response = bytes_field(e, "response");
        if (e.ev == "write" && response)
            messages_.daemon_wrote(*response, e.t_ns);
    }
    // One more than the summary explains, so that it can tell there were more.
    std::vector<uint64_t> requests_available_ns;
    std::vector<uint64_t> daemon_writes_ns;
    std::map<std::string, uint64_t> counts;

  private:
    static void keep(std::vector<uint64_t>& v, uint64_t t_ns) {
        if (v.size() <= RunResult::kExplainedRequests)
            v.push_back(t_ns);
    }
    struct Counted {
        std::string src, ev, name;
    };
    IpmiMessagesCheck& messages_;
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
    r.violations = z.accounting().violations();
    r.accounted = z.accounting().accounted();
    r.latency = z.accounting().latency().summary();
    r.cpus = z.cpu_stats();
    r.setup_failures = z.setup_failures();
    r.fallbacks = z.fallbacks();
    return r;
}

void open_output(std::ofstream& out, const std::string& path) {
    out.open(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw InputError(path + ": cannot open for writing");
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
    std::ofstream log_file, vcd_file, tl_file, report_file;
    if (!options.log_path.empty())
        open_output(log_file, options.log_path);
    if (!options.vcd_path.empty()) {
        open_output(vcd_file, options.vcd_path);
        open_output(tl_file, transaction_vcd_path(options.vcd_path));
    }
    if (!options.report_path.empty())
        open_output(report_file, options.report_path);
    std::ofstream junit_file;
    if (!options.junit_path.empty())
        open_output(junit_file, options.junit_path);

    RunResult result;
    IpmiMessagesCheck messages;
    OutcomeCollector collector(s, result, messages);
    TeeSink log;
    MilestoneSink milestones(s.expect.counts, messages);
    log.add(&milestones);
    FaultPlan faults(s.faults);
    log.add(&faults);
    JsonlSink jsonl(log_file);
    if (log_file.is_open())
        log.add(&jsonl);
    if (options.extra_sink)
        log.add(options.extra_sink);
    std::unique_ptr<VcdWriter> wire_vcd, tl_vcd;
    if (vcd_file.is_open()) {
        wire_vcd = std::make_unique<VcdWriter>(vcd_file, "smbus");
        tl_vcd = std::make_unique<VcdWriter>(tl_file, "ssifsim");
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
    ssif::IpmiResponder responder(s.responder);
    ssif::DaemonConfig daemon_config = s.daemon;
    daemon_config.seed = s.seed;
    ssif::BmcDaemon daemon("daemon", daemon_config, bmc, responder, log);
    daemon.set_faults(&faults);
    ssif::SsifHost host("host", s.host, bus, log, tl_vcd.get());
    host.set_faults(&faults);
    host.set_alert_line(&alert_line);
    WorkloadRequests requests(s.requests, s.generators, s.seed);
    host.set_requests(&requests);
    host.set_outcome_sink(&collector);
    std::unique_ptr<smbus::ForeignMaster> foreign;
    if (auto transfers = foreign_transfers(s, bmc); !transfers.empty())
        foreign = std::make_unique<smbus::ForeignMaster>("foreign", bus, log, std::move(transfers));
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
    result.coverage = bmc.driver().coverage();
    result.requests_available_ns = milestones.requests_available_ns;
    result.daemon_writes_ns = milestones.daemon_writes_ns;
    result.event_counts = milestones.counts;
    for (size_t i = 0; i < s.faults.size(); ++i)
        result.faults_fired.push_back(faults.fired(i));

    result.checks = {collector.t6().result(result.completed, result.submitted),
                     check_all_answered(result.completed, result.submitted),
                     messages.result(),
                     check_faults_fired(s.faults, result.faults_fired),
                     bus_timing.timeout(),
                     bus_timing.low_sext(),
                     framing.result(),
                     check_driver_memory_safety(result)};
    if (result.zpci.enabled)
        result.checks.push_back(check_interrupts_accounted(result.zpci));
    for (Check& c : result.checks)
        apply_expected_verdict(s, c);
    for (Check& c : check_expectations(s, result))
        result.checks.push_back(c);

    if (report_file.is_open())
        report_file << build_report(s, result).dump(2) << '\n';
    if (junit_file.is_open())
        write_junit(junit_file, s, result);
    return result;
}

} // namespace ssifsim::tools
