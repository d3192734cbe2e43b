// Electrical faults on one transfer, as a fault plan aims them (tools/faults.h). The master
// hands them to the bus with the transfer's Start (SmbusPayload::fault); the bus applies them
// byte by byte, except the master's own write PEC, which its controller corrupts
// (SmbusController); each one applied is logged as a "fault" event.
#pragma once

#include <cstdint>

namespace ssifsim::smbus {

struct TransferFault {
    int id = -1; // the fault's index in the scenario, for the log; -1: no fault

    // NAK at this wire byte of the master's (0 = the address, 1 = the command, ...): the
    // target never sees the byte; a write's STOP still reaches it.
    int nak_byte = -1;
    // The PEC byte is inverted on the wire: the master's on a write, the target's on a read.
    bool corrupt_pec = false;
    // The STOP never reaches the target (a glitch, or a master reset mid-STOP).
    bool lose_stop = false;
    // The master dies after this many wire bytes: no more clocks, no STOP.
    int abandon_after_bytes = -1;
    // A read's data byte at this index (0 = the first after the count) reaches the master
    // changed by `read_byte_delta`, with the target's PEC consistent with it (the target
    // sent it so): a BMC that skips a block number.
    int read_byte_index = -1;
    int read_byte_delta = 0;

    // A line held low before wire byte `hold_after_bytes` for `hold_ns`: the target
    // stretching the clock (at `hold_repeats` byte gaps in a row), or a stuck device on SCL
    // or SDA. The master waits for a held SCL up to its adapter timeout; a held SDA costs it
    // the arbitration at the next 1 bit it sends.
    enum class Holder { None, TargetScl, DeviceScl, DeviceSda };
    Holder hold = Holder::None;
    int hold_after_bytes = -1;
    int hold_repeats = 1;
    uint64_t hold_ns = 0;

    bool active() const { return id >= 0; }
};

} // namespace ssifsim::smbus
