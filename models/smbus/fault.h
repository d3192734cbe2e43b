// Electrical faults on one transfer, and what decides them. A fault injector placed on a
// master's socket path (SmbusFaultInjector, fault_injector.h) asks a TransferFaultSource for
// the fault of each transfer its master tags (TransferTag), hands the wire parts to the bus
// with the transfer's Start (SmbusPayload::fault) and corrupts the master's own write PEC
// itself; the bus applies the rest byte by byte. Each fault applied is logged as a "fault"
// event and told to the FaultObservers of whoever applied it.
#pragma once

#include <cstdint>

namespace ssifsim::smbus {

struct TransferFault {
    int id = -1; // the fault's index in the scenario, for the log; -1: no fault

    // NAK at this wire byte of the master's (0 = the address, 1 = the command, ...): the
    // target never sees the byte; a write's STOP still reaches it.
    int nak_byte = -1;
    // The PEC byte is inverted on the wire: the master's on a write (by the injector, on
    // the Write its master marks as its PEC), the target's on a read (by the bus).
    bool corrupt_pec = false;
    // The STOP never reaches the target (a glitch, or a master reset mid-STOP).
    bool lose_stop = false;
    // The master dies after this many wire bytes: no more clocks, no STOP. It stays off for
    // off_ns: the bus does not look at that, the master does (the injector hands it back in
    // the TransferTag; the SSIF host powers off for it).
    int abandon_after_bytes = -1;
    uint64_t off_ns = 0;
    // A read's data byte at this index (0 = the first after the count) reaches the master
    // changed by `read_byte_delta`, with the target's PEC consistent with it (the target
    // sent it so): a BMC that skips a block number.
    int read_byte_index = -1;
    int read_byte_delta = 0;

    // A line held low before wire byte `hold_after_bytes` for `hold_ns`: the target
    // stretching the clock (at `hold_repeats` byte gaps in a row), or a stuck device on SCL
    // or SDA. The master waits for a held SCL up to its adapter timeout; a held SDA costs it
    // the arbitration at the next 1 bit it sends, if still held as SCL rises in that bit, or
    // at the STOP, if still held when the master lets SDA go there.
    enum class Holder { None, TargetScl, DeviceScl, DeviceSda };
    Holder hold = Holder::None;
    int hold_after_bytes = -1;
    int hold_repeats = 1;
    uint64_t hold_ns = 0;

    bool active() const { return id >= 0; }
};

// What a master says its transfer is, for the fault injectors on its path: an extension on
// the Start of a transfer (SmbusPayload::tag), as TLM-2.0 extensions ride on a generic
// payload. The bus does not look at it; a master that tags nothing (null) has its transfers
// pass every injector clean and uncounted.
struct TransferTag {
    // Set by the master.
    int request = 0;     // the master's own request numbering (the SSIF host: the IPMI
                         // request id; 0: none, e.g. the probe's transfers)
    bool read = false;   // a read (block read), else a write
    uint8_t command = 0; // the SMBus command byte (0x00 for a transfer without one)
    // What the transfer is for, so that a plan can aim at the host's Alert Response Address
    // reads (a Receive Byte from 0x0C, SMBus 3.1 section 6.5.8: smbus_alert's
    // i2c_smbus_read_byte) apart from its driver's transfers on the same path.
    enum class Kind { Transfer, AlertResponse };
    Kind kind = Kind::Transfer;
    // Set by the injector that faulted the transfer, on its Start: the fault's id (-1: none)
    // and, for a fault that kills the master (abandon_after_bytes), how long it stays off
    // (TransferFault::off_ns).
    int fault_id = -1;
    uint64_t off_ns = 0;
};

// Decides the faults of the transfers one injector passes.
class TransferFaultSource {
  public:
    virtual ~TransferFaultSource() = default;
    // Asked on the Start of each tagged transfer, at the simulated moment the master sends
    // it (before it waits for a free bus): the fault to apply (id -1: a clean transfer).
    // Called once per transfer, so a source may count them.
    virtual TransferFault next_transfer(const TransferTag& tag) = 0;
};

} // namespace ssifsim::smbus
