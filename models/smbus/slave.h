// The Linux-style I2C slave-event interface (Documentation/i2c/slave-interface): the bus
// calls the addressed slave's backend byte by byte, as a controller driver does.
#pragma once

#include <cstdint>

namespace ssifsim::smbus {

enum class SlaveEvent {
    WriteRequested, // address matched with W; val carries the 8-bit address byte
    WriteReceived,  // one byte written by the master; val carries it
    ReadRequested,  // address matched with R; the backend puts the first byte in val
    ReadProcessed,  // the master ACKed the previous byte; the backend puts the next in val
    Stop,           // STOP condition
};

const char* slave_event_name(SlaveEvent ev);

// What the callback returned: 0, or -EBUSY, which the controller may turn into a NAK (which
// byte it NAKs, if any, is the controller's: BmcController in models/ssif/bmc/controller.h).
// Absent: no backend answers the address (the slave is unregistered or its address
// disabled): the controller does not match it and the master sees a NAK.
enum class SlaveAnswer { Ack, Busy, Absent };

class SmbusSlave {
  public:
    virtual ~SmbusSlave() = default;
    virtual SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) = 0;
    // Temporal decoupling (SmbusTargetIf::takes_delay): a slave that returns true is handed
    // its events through on_delayed_event, each as at sc_time_stamp() + delay_ns; it sets
    // `notified` when it notified an event (SmbusPayload::notified). False, the default: its
    // events come at SystemC's time, with delay_ns 0, and on_delayed_event's default hands
    // them to on_event (LinuxSlaveTarget calls on_delayed_event either way).
    virtual bool takes_delay() const { return false; }
    virtual SlaveAnswer on_delayed_event(SlaveEvent ev, uint8_t& val, uint64_t /*delay_ns*/,
                                         bool& notified) {
        notified = true; // not knowing, it may have
        return on_event(ev, val);
    }
};

} // namespace ssifsim::smbus
