#include "tools/system/host_component.h"

#include <algorithm>

#include "tools/format.h"
#include "tools/system/bus_component.h"

namespace ssifsim::tools {

HostComponent::OutcomeCollector::OutcomeCollector(const Scenario& s, RunResult& result,
                                                  IpmiMessagesCheck& messages)
    : result_(result), messages_(messages), t6_(s.expect.t6_max_ns) {
    for (const RequestExpectation& e : s.expect.requests)
        expected_ids_.insert(e.id);
}

void HostComponent::OutcomeCollector::completed(const ssif::RequestOutcome& o) {
    open_.erase(o.id);
    last_completed_ns_ = o.completed_ns;
    t6_.add(o);
    messages_.add(o);
    response_.add(o.response_ns());
    result_.failed += o.failed();
    result_.write_retries += static_cast<uint64_t>(o.write_retries());
    result_.read_retries += static_cast<uint64_t>(o.read_retries());
    if (result_.outcomes.size() < RunResult::kKeptOutcomes || expected_ids_.count(o.id))
        result_.outcomes.push_back(o);
}

HostComponent::~HostComponent() = default;

void HostComponent::build(System& system) {
    collector_.emplace(s_, system.result, system.messages);
    BusComponent& bus = system.get<BusComponent>();
    // The host's SMBus controller (its i2c adapter) is a master on the bus, through a fault
    // injector that applies the scenario's faults to its transfers.
    faults_ = std::make_unique<smbus::SmbusFaultInjector>("host_faults", system.log);
    bus.bus().bind_initiator(faults_->initiator_socket);
    faults_->set_source(&system.faults.transfers_of(FaultMaster::Host));
    faults_->add_fault_observer(&system.faults);
    requests_.emplace(s_.requests, s_.generators, s_.seed);
    if (s_.host_implementation == Implementation::Kernel) {
        // The scenario loader refused "kernel" in a build without the kernel source.
        kernel_host_ = kernel::make_kernel_host("host", s_.host, system.log);
        kernel_host_->smbus_socket().bind(faults_->target_socket);
        kernel_host_->smbalert()(bus.alert_line().smbalert);
        kernel_host_->set_requests(&*requests_);
        kernel_host_->set_outcome_sink(&*collector_);
        if (system.gate) {
            system.gate->expect();
            kernel_host_->stop_when_done(system.gate);
        }
        return;
    }
    host_ = std::make_unique<ssif::SsifHost>("host", s_.host, system.log, system.tl_vcd);
    host_->smbus_socket().bind(faults_->target_socket);
    host_->smbalert(bus.alert_line().smbalert);
    host_->set_requests(&*requests_);
    host_->set_outcome_sink(&*collector_);
    if (system.gate) {
        system.gate->expect();
        host_->stop_when_done(system.gate);
    }
}

std::shared_ptr<const ComponentResult> HostComponent::finish(System& system,
                                                             std::vector<Check>& checks) {
    RunResult& r = system.result;
    if (kernel_host_) {
        r.submitted = kernel_host_->submitted();
        r.completed = kernel_host_->completed();
        r.link = kernel_host_->link();
        r.host_stats = kernel_host_->stats();
    } else {
        r.submitted = host_->submitted();
        r.completed = host_->completed();
        r.link = host_->link();
        r.host_stats = host_->stats();
    }
    r.not_yet_due = requests_->total() - r.submitted;
    // Without an end time the run ends when the host is done: a request without a response
    // is lost. A run cut at its end time (or by a signal) judges an unanswered request only
    // once it has waited longer than T6max, as `check` judges a capture's open request.
    const bool cut = !system.gate || r.interrupted_by != 0;
    // A cut while the host is off: the request it died with has failed (power_off) at its
    // failure, though the model hands it over only at power-on.
    const ssif::RequestOutcome* off = host_ ? host_->powered_off_request() : nullptr;
    if (cut && off) {
        collector_->completed(*off);
        ++r.completed;
    }
    r.response = collector_->response();
    r.open_requests = collector_->open();
    if (!cut) {
        checks.push_back(collector_->t6().result(r.completed, r.submitted));
        checks.push_back(check_all_answered(r.completed, r.submitted));
        return nullptr;
    }
    T6Check t6 = collector_->t6();
    size_t late = 0;
    for (const auto& [id, started_ns] : r.open_requests)
        late += t6.add_open(id, started_ns, r.end_ns);
    // The driver takes its requests in the order they were handed to it (ipmi_msghandler's
    // queue, then ipmi_ssif's one message at a time): with none started, the first of those
    // waiting is the one after every completed request. It is judged from when the host
    // last did anything with the bus or a request (the driver's own traffic, a probe or a
    // flags fetch, keeps it from starting one). A host that is off starts nothing: its
    // requests wait for it to come back, and are judged from when it starts them.
    if (r.open_requests.empty() && r.submitted > r.completed && !off) {
        std::unique_ptr<ssif::RequestSource> replay = requests_->replay();
        ssif::HostRequest first;
        for (size_t i = 0; replay && i <= r.completed; ++i)
            replay->next(&first);
        if (replay)
            late += t6.add_waiting(first.id, first.at_ns,
                                   std::max({first.at_ns, collector_->last_completed_ns(),
                                             faults_->last_transfer_start_ns()}),
                                   r.end_ns);
    }
    Check t6_check = t6.result(r.completed, r.completed);
    Check answered = check_all_answered(r.completed, r.completed);
    const size_t in_flight = r.submitted - r.completed;
    std::string note;
    if (r.submitted == 0 && r.not_yet_due > 0)
        note = "not judged: no request was due by the run's end (" + std::to_string(r.not_yet_due) +
               " not yet due)";
    else if (in_flight > 0)
        note = std::to_string(in_flight) + " request(s) still in flight when the run ended at " +
               ms(r.end_ns) + ": not judged";
    if (!note.empty()) {
        if (r.completed == 0 && late == 0)
            t6_check.judged = false;
        if (t6_check.pass)
            t6_check.detail = note;
        answered.judged = r.completed > 0;
        answered.detail = note;
    }
    checks.push_back(t6_check);
    checks.push_back(answered);
    return nullptr;
}

} // namespace ssifsim::tools
