#include "tools/system/bus_component.h"

#include <cstdlib>
#include <cstring>

namespace ssifsim::tools {

void BusComponent::build(System& system) {
    bus_ = std::make_unique<smbus::SmbusBus>("bus", s_.bus, system.log, system.wire_vcd);
    // SSIFSIM_BUS_DECOUPLING=0 turns the bus's temporal decoupling off, for comparing a run
    // with and without it (README "Performance"; tests/bus_decoupling_golden.cmake): the
    // outputs must not differ.
    if (const char* d = std::getenv("SSIFSIM_BUS_DECOUPLING"))
        bus_->set_temporal_decoupling(std::strcmp(d, "0") != 0);
    if (system.until_ns)
        bus_->draw_until(system.until_ns);
    bus_->add_observer(&timing_);
    bus_->add_fault_observer(&system.faults);
    // SMBALERT#, and the targets' answer at the Alert Response Address (SMBus 2.0 appendix
    // A) behind a target socket.
    alert_line_ = std::make_unique<smbus::AlertLine>("smbalert");
    alert_target_ = std::make_unique<smbus::LinuxSlaveTarget>("alert_response", *alert_line_);
    bus_->bind_target(smbus::AlertLine::kAlertResponseAddress, alert_target_->socket);
}

std::shared_ptr<const ComponentResult> BusComponent::finish(System& system,
                                                            std::vector<Check>& checks) {
    bus_->draw_cut(system.result.end_ns); // before the runner finishes the VCDs
    checks.push_back(timing_.timeout());
    checks.push_back(timing_.low_sext());
    auto r = std::make_shared<BusResult>();
    r->wire_bytes = bus_->wire_bytes();
    return r;
}

} // namespace ssifsim::tools
