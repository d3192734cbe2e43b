// The SMBus: the bus (wire timing, arbitration, the wire VCD), the SMBALERT# line with its
// alert response address, and the SMBus timing checks (tTIMEOUT, tLOW:SEXT).
#pragma once

#include <memory>

#include "models/smbus/alert.h"
#include "models/smbus/bus.h"
#include "models/smbus/linux_slave_target.h"
#include "tools/bus_checks.h"
#include "tools/system/component.h"

namespace ssifsim::tools {

// What the bus carried.
struct BusResult : ComponentResult {
    uint64_t wire_bytes = 0; // bytes on the wires, addresses included
};

class BusComponent : public Component {
  public:
    explicit BusComponent(const Scenario& s) : s_(s) {}
    void build(System& system) override;
    uint64_t reached_ns() const override { return bus_ ? bus_->last_act_ns() : 0; }
    std::shared_ptr<const ComponentResult> finish(System& system,
                                                  std::vector<Check>& checks) override;

    // The interconnect the other components bind their masters and targets to.
    smbus::SmbusBus& bus() { return *bus_; }
    smbus::AlertLine& alert_line() { return *alert_line_; }

  private:
    const Scenario& s_;
    std::unique_ptr<smbus::SmbusBus> bus_;
    BusTimingCheck timing_;
    std::unique_ptr<smbus::AlertLine> alert_line_;
    std::unique_ptr<smbus::LinuxSlaveTarget> alert_target_;
};

} // namespace ssifsim::tools
