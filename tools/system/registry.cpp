// THE place a subsystem registers: one line here per component. The order is the build
// order: SystemC creates the modules' processes in it (which fixes the order of events at
// the same time in the log), a component may bind only to those listed before it, and the
// report, the summary and the expectations show the components in it.
#include "tools/system/bmc_component.h"
#include "tools/system/bus_component.h"
#include "tools/system/event_counts_component.h"
#include "tools/system/foreign_master_component.h"
#include "tools/system/host_component.h"
#include "tools/system/zpci_component.h"

namespace ssifsim::tools {

std::vector<std::unique_ptr<Component>> make_components(const Scenario& s) {
    std::vector<std::unique_ptr<Component>> c;
    c.push_back(std::make_unique<BusComponent>(s));
    c.push_back(std::make_unique<BmcComponent>(s));
    c.push_back(std::make_unique<HostComponent>(s));
    c.push_back(std::make_unique<ForeignMasterComponent>(s));
    c.push_back(std::make_unique<EventCountsComponent>(s));
    c.push_back(std::make_unique<ZpciComponent>(s));
    return c;
}

} // namespace ssifsim::tools
