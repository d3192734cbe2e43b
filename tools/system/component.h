// A component: one subsystem of the simulated system (the bus, the BMC, the host, ...). It
// reads its own part of the Scenario, builds and binds its modules, and at the end of the
// run contributes its checks and a ComponentResult (its report section, summary lines and
// expectations). The components a run builds are listed in one place, registry.cpp.
#pragma once

#include <memory>
#include <stdexcept>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/stop_gate.h"
#include "models/common/vcd_writer.h"
#include "tools/checks.h"
#include "tools/faults.h"
#include "tools/runner.h"
#include "tools/scenario.h"

namespace ssifsim::tools {

class Component;

// What the components of one run share while they are built and finished.
struct System {
    const Scenario& scenario;
    EventSink& log;      // every event of the run (the JSON Lines writer is one of its sinks)
    VcdWriter* wire_vcd; // nullptr: no VCD
    VcdWriter* tl_vcd;
    StopGate* gate;    // the run stops when every module that expect()ed it is done; nullptr:
                       // the run has an end time
    uint64_t until_ns; // that end time (--until, workload.until_ms), in ns; 0: none
    FaultPlan& faults; // the scenario's faults, which every component applies from and reports
    // No IPMI message lost or duplicated between the host's requests and the daemon's reads
    // and writes: fed by the host's outcomes and the BMC's daemon.
    IpmiMessagesCheck& messages;
    RunResult& result;                     // the run's own figures (outcomes, end time, ...)
    ssif::DaemonObserver* daemon_observer; // RunOptions::daemon_observer, or nullptr
    const std::vector<std::unique_ptr<Component>>& components;

    // The component of type T, which must be listed (registry.cpp) before the caller.
    template <typename T> T& get() const;
};

class Component {
  public:
    virtual ~Component() = default;
    // The event sinks the component needs, added to `sinks` before any module is built.
    virtual void add_sinks(System&, TeeSink& /*sinks*/) {}
    // Builds its modules (SystemC elaboration) and binds them to those of the components
    // listed before it. Components are built in the registry's order, which is the order
    // SystemC creates their processes in.
    virtual void build(System& system) = 0;
    // The latest simulated time its models acted at (logged, drew, called a model), in ns,
    // when they act ahead of SystemC's clock (temporal decoupling): a run paused
    // mid-transfer (sc_pause) has logged up to there. 0: never ahead.
    virtual uint64_t reached_ns() const { return 0; }
    // After the simulation, at system.result.end_ns: ends what it runs, appends its checks,
    // and returns what the report and the summary show of it (nullptr: nothing).
    virtual std::shared_ptr<const ComponentResult> finish(System& system,
                                                          std::vector<Check>& checks) = 0;
};

template <typename T> T& System::get() const {
    for (const std::unique_ptr<Component>& c : components)
        if (T* t = dynamic_cast<T*>(c.get()))
            return *t;
    throw std::logic_error("a component needs another that is not registered before it");
}

// The components a scenario's run is built from, in build order (registry.cpp). Throws
// InputError for what can only be found when a component starts (an external backend that
// cannot run), before any output is touched.
std::vector<std::unique_ptr<Component>> make_components(const Scenario& scenario);

} // namespace ssifsim::tools
