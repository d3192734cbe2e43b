// The fault observer: whoever applies a scenario's fault reports it here, as it logs the
// "fault" event, so that the fault plan and the checks learn it without reading the log.
#pragma once

#include <cstdint>
#include <vector>

namespace ssifsim {

class FaultObserver {
  public:
    virtual ~FaultObserver() = default;
    // Fault `fault_id` (its index in the scenario's faults, >= 0) acted at t_ns (simulated
    // ns): a byte NAKed, a line held, a daemon slowed, the driver removed, ... Called once
    // per application; a fault with a count acts several times.
    virtual void fault_applied(int fault_id, uint64_t t_ns) = 0;
};

// The observers one model reports to, in the order they were added.
class FaultObservers : public FaultObserver {
  public:
    void add(FaultObserver* o) { list_.push_back(o); }
    void fault_applied(int fault_id, uint64_t t_ns) override {
        for (FaultObserver* o : list_)
            o->fault_applied(fault_id, t_ns);
    }

  private:
    std::vector<FaultObserver*> list_;
};

} // namespace ssifsim
