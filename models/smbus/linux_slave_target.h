// A target socket in front of a Linux I2C slave backend (Documentation/i2c/slave-interface):
// it turns the bus's byte steps into the slave events a slave-mode controller driver hands
// its backend (i2c_slave_event), so SsifBmc and AlertLine stay plain C++ behind SmbusSlave.
//
//   Start (W)  -> WRITE_REQUESTED (val: the address byte); Ack unless the backend refuses
//   Write      -> WRITE_RECEIVED (val: the byte)
//   Start (R)  -> READ_REQUESTED: the backend supplies the first byte, handed out by the
//                 next Read
//   Read       -> the byte from READ_REQUESTED, then READ_PROCESSED for each further one
//                 (the master ACKed the previous byte)
//   Stop       -> STOP, if the controller matched the address since the last one: a
//                 transfer whose address it did not match (the backend absent then) is
//                 no slave transfer of its, even if the backend is back by its STOP
//
// A -EBUSY answer is Busy, an absent backend (its address disabled) Nak; the bus NAKs both.
#pragma once

#include <cstdint>
#include <systemc>

#include "models/smbus/slave.h"
#include "models/smbus/socket.h"

namespace ssifsim::smbus {

class LinuxSlaveTarget : public sc_core::sc_module, public SmbusTargetIf {
  public:
    SmbusTargetSocket socket;

    // slave must outlive the module.
    LinuxSlaveTarget(sc_core::sc_module_name name, SmbusSlave& slave);

    void transport(SmbusPayload& p) override;
    // The steps' slave events straight to the slave (SmbusTargetIf::transport_burst).
    void transport_burst(SmbusPayload& p, uint64_t stride_ns) override;
    // As the slave's (SmbusSlave::takes_delay).
    bool takes_delay() const override { return slave_.takes_delay(); }

  private:
    SlaveAnswer slave_event(SlaveEvent ev, uint8_t& val, SmbusPayload& p);
    // A Read step's byte: the one READ_REQUESTED supplied, else READ_PROCESSED's.
    uint8_t read_byte(uint64_t delay_ns, bool& notified);

    SmbusSlave& slave_;
    uint8_t first_read_ = 0xff; // supplied at READ_REQUESTED
    bool first_read_pending_ = false;
    bool matched_ = false; // a Start since the last Stop found the backend present
};

} // namespace ssifsim::smbus
