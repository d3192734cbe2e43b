#include "models/smbus/linux_slave_target.h"

namespace ssifsim::smbus {

const char* slave_event_name(SlaveEvent ev) {
    switch (ev) {
    case SlaveEvent::WriteRequested: return "write_requested";
    case SlaveEvent::WriteReceived: return "write_received";
    case SlaveEvent::ReadRequested: return "read_requested";
    case SlaveEvent::ReadProcessed: return "read_processed";
    case SlaveEvent::Stop: return "stop";
    }
    return "?";
}

namespace {
SmbusResponse response(SlaveAnswer a) {
    switch (a) {
    case SlaveAnswer::Ack: return SmbusResponse::Ack;
    case SlaveAnswer::Busy: return SmbusResponse::Busy;
    case SlaveAnswer::Absent: return SmbusResponse::Nak;
    }
    return SmbusResponse::Nak;
}
} // namespace

LinuxSlaveTarget::LinuxSlaveTarget(sc_core::sc_module_name name, SmbusSlave& slave)
    : sc_module(name), socket("socket"), slave_(slave) {
    socket.bind(*this);
}

SlaveAnswer LinuxSlaveTarget::slave_event(SlaveEvent ev, uint8_t& val, SmbusPayload& p) {
    // A slave that does not take delay is called at SystemC's time (delay 0), where
    // on_delayed_event is on_event: one virtual call a byte, not two.
    return slave_.on_delayed_event(ev, val, p.delay_ns, p.notified);
}

void LinuxSlaveTarget::transport(SmbusPayload& p) {
    uint8_t val = p.data;
    switch (p.command) {
    case SmbusCommand::Start: {
        const SlaveAnswer a = slave_event(
            p.is_read() ? SlaveEvent::ReadRequested : SlaveEvent::WriteRequested, val, p);
        if (a != SlaveAnswer::Absent)
            matched_ = true;
        if (p.is_read()) {
            first_read_ = val;
            first_read_pending_ = true;
        }
        p.response = response(a);
        return;
    }
    case SmbusCommand::Write:
        p.response = response(slave_event(SlaveEvent::WriteReceived, val, p));
        return;
    case SmbusCommand::Read:
        p.data = read_byte(p.delay_ns, p.notified);
        p.response = SmbusResponse::Ack;
        return;
    case SmbusCommand::Stop:
        first_read_pending_ = false;
        val = 0;
        if (matched_)
            slave_event(SlaveEvent::Stop, val, p);
        matched_ = false;
        p.response = SmbusResponse::Ack;
        return;
    }
}

uint8_t LinuxSlaveTarget::read_byte(uint64_t delay_ns, bool& notified) {
    if (first_read_pending_) {
        first_read_pending_ = false;
        return first_read_;
    }
    uint8_t val = 0xff;
    slave_.on_delayed_event(SlaveEvent::ReadProcessed, val, delay_ns, notified);
    return val;
}

void LinuxSlaveTarget::transport_burst(SmbusPayload& p, uint64_t stride_ns) {
    const bool write = p.command == SmbusCommand::Write;
    p.response = SmbusResponse::Ack; // a Read's answer; a Write's is its slave's
    p.notified = false;
    for (unsigned i = 0; i < p.data_length; ++i) {
        if (i > 0 && p.step_observer)
            p.step_observer->before_step(i);
        const uint64_t delay_ns = p.delay_ns + i * stride_ns;
        if (write) {
            uint8_t val = p.data_ptr[i];
            p.response = response(
                slave_.on_delayed_event(SlaveEvent::WriteReceived, val, delay_ns, p.notified));
        } else {
            p.data_ptr[i] = read_byte(delay_ns, p.notified);
        }
        p.steps_done = i + 1;
        if (p.notified || p.response != SmbusResponse::Ack)
            return;
    }
}

} // namespace ssifsim::smbus
