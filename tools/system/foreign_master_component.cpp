#include "tools/system/foreign_master_component.h"

#include "tools/system/bmc_component.h"
#include "tools/system/bus_component.h"

namespace ssifsim::tools {

namespace {
// The faults of type foreign_master, as the second master's program; each waits for its
// BMC state, when it names one.
std::vector<smbus::ForeignTransfer> foreign_transfers(const Scenario& s,
                                                      const ssif::BmcModule& bmc) {
    std::vector<smbus::ForeignTransfer> out;
    for (size_t i = 0; i < s.faults.size(); ++i) {
        const Fault& f = s.faults[i];
        if (f.type != FaultType::ForeignMaster)
            continue;
        smbus::ForeignTransfer t;
        t.fault_id = static_cast<int>(i);
        t.read = f.foreign_read;
        t.addr7 = static_cast<uint8_t>(f.address >= 0 ? f.address : s.bmc.addr7);
        t.write_bytes = f.data;
        t.read_length = f.length;
        t.from_ns = f.from_ns;
        t.count = f.count;
        if (f.state) {
            const ssif::BmcState state = *f.state;
            t.when = [&bmc, state] { return bmc.driver().state() == state; };
            t.when_text = std::string("BMC in ") + ssif::bmc_state_name(state);
        }
        out.push_back(std::move(t));
    }
    return out;
}
} // namespace

void ForeignMasterComponent::build(System& system) {
    if (auto transfers = foreign_transfers(s_, system.get<BmcComponent>().bmc());
        !transfers.empty()) {
        foreign_ =
            std::make_unique<smbus::ForeignMaster>("foreign", system.log, std::move(transfers));
        // Through a fault injector, as every master: the faults aimed at its transfers.
        faults_ = std::make_unique<smbus::SmbusFaultInjector>("foreign_faults", system.log);
        foreign_->smbus_socket().bind(faults_->target_socket);
        system.get<BusComponent>().bus().bind_initiator(faults_->initiator_socket);
        faults_->set_source(&system.faults.transfers_of(FaultMaster::Foreign));
        faults_->add_fault_observer(&system.faults);
        foreign_->add_fault_observer(&system.faults);
    }
}

} // namespace ssifsim::tools
