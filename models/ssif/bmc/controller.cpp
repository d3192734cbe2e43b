#include "models/ssif/bmc/controller.h"

namespace ssifsim::ssif {

const ControllerRow& controller_row(BmcController c) {
    for (const ControllerRow& row : kControllers)
        if (row.id == c)
            return row;
    return kControllers[0];
}

smbus::SlaveAnswer SlaveController::answer(smbus::SlaveEvent ev, smbus::SlaveAnswer backend) {
    using smbus::SlaveAnswer;
    using smbus::SlaveEvent;
    if (backend == SlaveAnswer::Busy && row_.slave_disabled_while_busy)
        enabled_ = false;
    switch (row_.busy) {
    case BusyRule::NakAddress: return backend;
    case BusyRule::Ignored: return SlaveAnswer::Ack;
    case BusyRule::NakNextByte:
        switch (ev) {
        case SlaveEvent::WriteRequested:
            // aspeed_i2c_slave_irq: the address is already ACKed; on an error it writes
            // ASPEED_I2CD_M_S_RX_CMD_LAST so the controller NAKs the next byte.
            nak_next_ = backend == SlaveAnswer::Busy;
            return SlaveAnswer::Ack;
        case SlaveEvent::WriteReceived:
            if (nak_next_) {
                nak_next_ = false;
                return SlaveAnswer::Busy;
            }
            return SlaveAnswer::Ack;
        case SlaveEvent::Stop: nak_next_ = false; return SlaveAnswer::Ack;
        case SlaveEvent::ReadRequested:
        case SlaveEvent::ReadProcessed: return SlaveAnswer::Ack; // return value not read
        }
    }
    return backend;
}

bool SlaveController::response_written() {
    if (enabled_ || !row_.slave_disabled_while_busy)
        return false;
    enabled_ = true;
    return true;
}

bool SlaveController::response_timeout() {
    if (enabled_ || !row_.slave_enabled_on_timeout)
        return false;
    enabled_ = true;
    return true;
}

bool parse_bmc_controller(const std::string& name, BmcController* out) {
    for (const ControllerRow& row : kControllers) {
        if (name == row.name) {
            *out = row.id;
            return true;
        }
    }
    return false;
}

const char* bmc_controller_name(BmcController c) {
    return controller_row(c).name;
}

std::string bmc_controller_names() {
    std::string out;
    for (const ControllerRow& row : kControllers)
        out += (out.empty() ? "" : ", ") + std::string(row.name);
    return out;
}

} // namespace ssifsim::ssif
