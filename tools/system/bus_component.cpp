#include "tools/system/bus_component.h"

namespace ssifsim::tools {

void BusComponent::add_sinks(System& system, TeeSink& sinks) {
    faults_ = std::make_unique<SmbusFaultEvents>(system.faults);
    sinks.add(faults_.get());
}

void BusComponent::build(System& system) {
    bus_ = std::make_unique<smbus::SmbusBus>("bus", s_.bus, system.log, system.wire_vcd);
    bus_->add_observer(&timing_);
    // SMBALERT# and the alert response address (SMBus 2.0 §B.2.1): H1's signal port.
    bus_->attach(smbus::AlertLine::kAlertResponseAddress, &alert_line_);
}

std::shared_ptr<const ComponentResult> BusComponent::finish(System&, std::vector<Check>& checks) {
    checks.push_back(timing_.timeout());
    checks.push_back(timing_.low_sext());
    auto r = std::make_shared<BusResult>();
    r->wire_bytes = bus_->wire_bytes();
    return r;
}

} // namespace ssifsim::tools
