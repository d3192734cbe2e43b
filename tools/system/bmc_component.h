// The BMC: ssif_bmc (BmcModule) on the bus at the scenario's address, its userspace daemon
// (the simple daemon or OpenBMC's ssifbridge) and the answers behind it (the builtin
// responder or OpenIPMI's ipmi_sim, through the scenario's script); the SSIF framing and
// driver memory checks, the ipmi_sim check, and the BMC's report section.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/smbus/linux_slave_target.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/daemon_observer.h"
#include "models/ssif/bmc/ipmi_sim_backend.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/bmc/scripted_backend.h"
#include "models/ssif/bmc/ssifbridge.h"
#include "tools/bus_checks.h"
#include "tools/ipmi_sim_process.h"
#include "tools/system/component.h"

namespace ssifsim::tools {

// What the BMC ended in, and when it had each of the first requests and its daemon answered.
struct BmcResult : ComponentResult {
    ssif::BmcState final_state = ssif::BmcState::Ready;
    bool aborting = false;
    std::array<std::array<uint64_t, ssif::kSlaveEventCount>, ssif::kBmcStateCount> coverage{};
    // When the BMC had each request and the daemon answered it (t_ns of its write), for
    // the first RunResult::kExplainedRequests and one more, by request order.
    std::vector<uint64_t> requests_available_ns;
    std::vector<uint64_t> daemon_writes_ns;

    void report(ojson& report) const override;
    void summary_request(std::ostream& out, const RunResult& r, size_t i) const override;
    void summary_end(std::ostream& out, const RunResult& r) const override;
    void expectations(const Scenario& s, const RunResult& r,
                      std::vector<Check>& out) const override;
};

class BmcComponent : public Component {
  public:
    // Starts ipmi_sim when the scenario's daemon backend is ipmi_sim; throws InputError if it
    // cannot.
    explicit BmcComponent(const Scenario& s);
    ~BmcComponent() override;
    void add_sinks(System& system, TeeSink& sinks) override;
    void build(System& system) override;
    std::shared_ptr<const ComponentResult> finish(System& system,
                                                  std::vector<Check>& checks) override;

    ssif::BmcModule& bmc() { return *bmc_; }

  private:
    // The daemon's side of each exchange, as the BMC and its daemon report it: into the
    // messages check, and the moments the summary explains the first requests' response
    // times with.
    class Milestones : public ssif::DaemonObserver {
      public:
        explicit Milestones(IpmiMessagesCheck& messages) : messages_(messages) {}
        void request_available(uint64_t t_ns) override;
        void request_read(const Bytes& request, uint64_t t_ns) override;
        void response_written(const Bytes& response, uint64_t t_ns, uint64_t read) override;
        std::vector<uint64_t> requests_available_ns; // one more than the summary explains
        std::vector<uint64_t> daemon_writes_ns;

      private:
        IpmiMessagesCheck& messages_;
    };
    // Stops the simulation at the first event once the IPMI backend has failed.
    class BackendFailureSink : public EventSink {
      public:
        bool wants(EventId) const override;
        // Wanting no event (the backend is well), it records none early or late.
        bool records_all_early() const override { return !wants(EventId{}); }
        void record(const Event& e) override;
        const ssif::IpmiSimBackend* backend = nullptr; // the backend that may fail, if any

      private:
        bool stopped_ = false;
    };

    const Scenario& s_;
    std::optional<IpmiSimProcess> ipmi_sim_;
    BackendFailureSink backend_failure_;
    std::optional<SsifFramingCheck> framing_;
    std::optional<Milestones> milestones_;
    std::unique_ptr<ssif::BmcModule> bmc_;
    std::unique_ptr<smbus::LinuxSlaveTarget> bmc_target_; // after bmc_: destroyed before it
    std::optional<ssif::IpmiResponder> responder_;
    std::optional<ssif::IpmiSimBackend> sim_backend_;
    std::optional<ssif::ScriptedBackend> backend_;
    std::unique_ptr<ssif::BmcDaemon> daemon_;
    std::unique_ptr<ssif::SsifBridgeModule> bridge_;
};

} // namespace ssifsim::tools
