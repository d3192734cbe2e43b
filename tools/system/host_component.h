// The host: Linux ipmi_ssif on its SMBus adapter (the model, SsifHost, or the real driver,
// kernel::KernelHost), fed the scenario's workload;
// its outcomes are the run's (RunResult::outcomes and the figures over them), judged by
// T6max and all_answered.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "kernel/ipmi_ssif/kernel_ssif_host.h"
#include "models/common/duration_stats.h"
#include "models/smbus/fault_injector.h"
#include "models/ssif/host/ssif_host.h"
#include "tools/system/component.h"
#include "tools/workload.h"

namespace ssifsim::tools {

class HostComponent : public Component {
  public:
    explicit HostComponent(const Scenario& s) : s_(s) {}
    ~HostComponent() override;
    void build(System& system) override;
    std::shared_ptr<const ComponentResult> finish(System& system,
                                                  std::vector<Check>& checks) override;

    // The model host (not with host.implementation "kernel").
    ssif::SsifHost& host() { return *host_; }

  private:
    // Takes each outcome as the host completes it: into the checks and the figures, and
    // kept for the report if it is among the first or an expectation names it.
    class OutcomeCollector : public ssif::OutcomeSink {
      public:
        OutcomeCollector(const Scenario& s, RunResult& result, IpmiMessagesCheck& messages);
        void started(int id, uint64_t t_ns) override {
            messages_.request_started(t_ns);
            open_.emplace(id, t_ns);
        }
        void completed(const ssif::RequestOutcome& o) override;
        const T6Check& t6() const { return t6_; }
        // The requests started and not yet completed: id -> started_ns.
        const std::map<int, uint64_t>& open() const { return open_; }
        uint64_t last_completed_ns() const { return last_completed_ns_; }
        Distribution response() const { return response_.summary(); }

      private:
        RunResult& result_;
        IpmiMessagesCheck& messages_;
        T6Check t6_;
        DurationStats response_;
        std::set<int> expected_ids_;
        std::map<int, uint64_t> open_;
        uint64_t last_completed_ns_ = 0;
    };

    const Scenario& s_;
    std::optional<OutcomeCollector> collector_;
    std::optional<WorkloadRequests> requests_;
    std::unique_ptr<ssif::SsifHost> host_;
    std::unique_ptr<kernel::KernelHost> kernel_host_;   // host.implementation "kernel"
    std::unique_ptr<smbus::SmbusFaultInjector> faults_; // between the host and the bus
};

} // namespace ssifsim::tools
