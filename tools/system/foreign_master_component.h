// A second SMBus master (the scenario's faults of type foreign_master): reads or writes the
// BMC from outside the host, each when the BMC is in the state the fault names.
#pragma once

#include <memory>

#include "models/smbus/fault_injector.h"
#include "models/smbus/foreign_master.h"
#include "tools/system/component.h"

namespace ssifsim::tools {

class ForeignMasterComponent : public Component {
  public:
    explicit ForeignMasterComponent(const Scenario& s) : s_(s) {}
    void build(System& system) override;
    std::shared_ptr<const ComponentResult> finish(System&, std::vector<Check>&) override {
        return nullptr;
    }

  private:
    const Scenario& s_;
    std::unique_ptr<smbus::ForeignMaster> foreign_;
    std::unique_ptr<smbus::SmbusFaultInjector> faults_; // between the foreign master and the bus
};

} // namespace ssifsim::tools
