// sc_spawn for the wired-AND method, made once the pins are known.
#define SC_INCLUDE_DYNAMIC_PROCESSES

#include "models/smbus/alert.h"

#include <string>

#include "models/common/sim_time.h"
#include "models/smbus/controller.h"

namespace ssifsim::smbus {

AlertLine::AlertLine(sc_core::sc_module_name name) : sc_module(name), smbalert("smbalert") {}

sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>& AlertLine::pin(uint8_t addr7) {
    auto& p = pins_[addr7];
    if (!p)
        p = std::make_unique<sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>>(
            ("pin_" + std::to_string(addr7)).c_str());
    return *p;
}

void AlertLine::before_end_of_elaboration() {
    if (pins_.empty())
        return;
    sc_core::sc_spawn_options options;
    options.spawn_method();
    options.dont_initialize();
    for (auto& [addr7, p] : pins_)
        options.set_sensitivity(&p->value_changed_event());
    sc_core::sc_spawn([this] { resolve(); }, "resolve", &options);
}

void AlertLine::resolve() {
    ++process_activations();
    bool low = false;
    for (const auto& [addr7, p] : pins_)
        low = low || p->read();
    smbalert.write(low);
}

SlaveAnswer AlertLine::on_event(SlaveEvent ev, uint8_t& val) {
    if (ev != SlaveEvent::ReadRequested)
        return SlaveAnswer::Ack;
    for (auto& [addr7, p] : pins_) { // by address, lowest first: it wins the arbitration
        if (p->read()) {
            val = static_cast<uint8_t>(addr7 << 1);
            p->write(false);
            return SlaveAnswer::Ack;
        }
    }
    return SlaveAnswer::Busy; // nobody asserts: no one ACKs the ARA
}

void smbus_alert(SmbusController& controller, sc_core::sc_mutex& lock,
                 const std::function<void(SmbusResult&)>& after_read,
                 const std::function<void(uint8_t answer)>& do_alert) {
    for (;;) {
        lock.lock();
        // Tagged as the ARA read, so that faults can aim at it apart from the driver's
        // transfers.
        TransferTag tag{0, true, 0x00};
        tag.kind = TransferTag::Kind::AlertResponse;
        SmbusResult r = controller.receive_byte(AlertLine::kAlertResponseAddress, &tag);
        after_read(r);
        lock.unlock();
        if (!r.ok())
            return;
        if (!r.data.empty())
            do_alert(r.data[0]);
    }
}

} // namespace ssifsim::smbus
