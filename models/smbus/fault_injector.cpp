#include "models/smbus/fault_injector.h"

#include "models/common/sim_time.h"

namespace ssifsim::smbus {

SmbusFaultInjector::SmbusFaultInjector(sc_core::sc_module_name name, EventSink& log)
    : sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket"),
      log_(log) {
    target_socket.bind(*this);
}

void SmbusFaultInjector::b_transport(SmbusPayload& p) {
    // A burst whose PEC the fault corrupts goes on as single steps: the PEC's own step is
    // changed, and logged at its moment.
    if (p.data_length > 0 && p.command == SmbusCommand::Write && p.pec && fault_.corrupt_pec) {
        run_burst_as_steps(p, [this](SmbusPayload& step) { b_transport(step); });
        return;
    }
    switch (p.command) {
    case SmbusCommand::Start:
        if (!in_transfer_) { // a transfer's Start, not a repeated START
            in_transfer_ = true;
            last_start_ns_ = sim_now_ns();
            wire_bytes_ = 0;
            fault_ = source_ && p.tag ? source_->next_transfer(*p.tag) : TransferFault{};
            if (fault_.active())
                p.fault = &fault_;
            if (p.tag) {
                p.tag->fault_id = fault_.id;
                p.tag->off_ns = fault_.abandon_after_bytes >= 0 ? fault_.off_ns : 0;
            }
        }
        break;
    case SmbusCommand::Write:
        if (p.pec && fault_.corrupt_pec) {
            p.data = static_cast<uint8_t>(~p.data);
            EventBuilder(log_, sim_now_ns(), events::kFaultCorruptPec)
                .num("fault", fault_.id)
                .num("byte", wire_bytes_);
            fault_observers_.fault_applied(fault_.id, sim_now_ns());
        }
        break;
    case SmbusCommand::Read: break;
    case SmbusCommand::Stop: in_transfer_ = false; break;
    }
    initiator_socket->b_transport(p);
    if (p.command != SmbusCommand::Stop)
        wire_bytes_ += p.data_length > 0 ? static_cast<int>(p.steps_done) : 1;
}

} // namespace ssifsim::smbus
