// A host's SMBus controller on an initiator socket: the transfer-level calls a Linux master
// makes (i2c_smbus_xfer's block write and block read with PEC, Receive Byte, plain I2C
// messages), each built from the bus's steps (socket.h; a block transfer's bytes after its
// address as one burst). It computes and checks PEC (i2c_smbus_check_pec), refuses a block count
// outside 1..32 as the kernel does (I2C_M_RECV_LEN), turns the bus's answers into the transfer's
// status, logs the `bus` `transfer` event and hands the TransferRecord to the bus's monitor. It
// knows no faults: a fault injector on its socket path (fault_injector.h) applies them to the
// transfers the caller tags.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <systemc>

#include "models/common/event_log.h"
#include "models/smbus/fault.h"
#include "models/smbus/socket.h"
#include "models/smbus/transfer.h"

namespace ssifsim::smbus {

// The controller's transfer-complete interrupt as signals, for a host that waits for it (the
// i2c bus driver's master_xfer sleeps on a completion that the controller's ISR completes,
// e.g. i2c_dw_xfer on cmd_complete, completed by i2c_dw_isr).
//
// The interrupt request output: the host writes true when a transfer has ended and false
// once the handler has run (the ISR cleared the controller's interrupt status). Optional.
using IrqOutPort =
    sc_core::sc_port<sc_core::sc_signal_inout_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;
// The handler-ran input: a rising edge says the interrupt's handler has run. Optional.
using IrqInPort =
    sc_core::sc_port<sc_core::sc_signal_in_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;

class SmbusController : public sc_core::sc_module {
  public:
    SmbusInitiatorSocket socket;

    SmbusController(sc_core::sc_module_name name, EventSink& log);

    // Blocking calls for the master's SC_THREAD: they return when the STOP has ended (or
    // the master gave up, fault.h). `tag` goes with the transfer's Start (SmbusPayload::tag)
    // for the fault injectors on the path, which write back into it what they applied; null
    // (the default): untagged. A block write marks its PEC byte (SmbusPayload::pec).
    // addr7: the 7-bit address; command: the SMBus command byte. A block read's result
    // holds the count byte and the data bytes as received.
    //
    // block_write: data.size() is sent as the count byte, and the bytes as they are. SMBus
    // allows 1..32 (kBlockMax), but the controller sends 0 (i2c-core's emulated block write
    // takes it, and SSIF ends a message of a multiple of 32 bytes with a zero-length 0x07)
    // and 33..255 (a non-Linux host: host.max_part) as a master would: keeping to SMBus is
    // the caller's. More than 255 cannot be counted in the count byte: an SC_REPORT_ERROR,
    // and (when it does not throw) BadLength without touching the bus.
    SmbusResult block_write(uint8_t addr7, uint8_t command, const Bytes& data, bool pec,
                            TransferTag* tag = nullptr);
    SmbusResult block_read(uint8_t addr7, uint8_t command, bool pec, TransferTag* tag = nullptr);
    // SMBus Receive Byte without PEC: S, addr+R, byte, NAK, P (the host reads the Alert
    // Response Address this way). `data` holds the byte.
    SmbusResult receive_byte(uint8_t addr7, TransferTag* tag = nullptr);
    // Plain I2C transfers, as a second master makes them: S addr+W bytes P, and S addr+R,
    // `length` bytes (the master NAKs the last), P. An i2c_read of 0 bytes is an
    // SC_REPORT_ERROR, and (when it does not throw) BadLength without touching the bus: the
    // target drives SDA from its ACK on and the master cannot draw the STOP before a byte
    // (I2C_AQ_NO_ZERO_LEN_READ, which most adapters set).
    SmbusResult i2c_write(uint8_t addr7, const Bytes& bytes, TransferTag* tag = nullptr);
    SmbusResult i2c_read(uint8_t addr7, unsigned length, TransferTag* tag = nullptr);

    // For a master that waits for its moment (SmbusBusIf).
    void wait_until_free() { socket->wait_until_free(); }
    void wait_next_transfer_end() { socket->wait_next_transfer_end(); }
    const SmbusTiming& timing() const { return socket->timing(); }

  private:
    // One step on the bus; false (and the result's status set) unless it was ACKed.
    bool step(SmbusPayload& p, SmbusResult& result, SmbusStatus nak);
    // A transfer's START with its tag (its time goes to result.start_ns), or a repeated
    // START (`first` false, no tag).
    bool start(uint8_t addr_byte, bool first, TransferTag* tag, SmbusResult& result);
    // One byte from the master (a block read's command, an I2C write's bytes).
    bool write(uint8_t value, SmbusResult& result);
    // A byte from the target: returns it; the result's status is set when the master gave
    // up before it (a held line, a death).
    uint8_t read(bool master_ack, bool recv_len, SmbusResult& result);
    void stop(SmbusResult& result);
    // One burst (SmbusPayload::data_length) of n steps over bytes[0..n): Writes of them,
    // `pec` marking the last as the PEC, or Reads into them, the master ACKing all but the
    // last. Returns how many went through (all n; else the result's status is set at the
    // first Write not ACKed, or where the master gave up a Read).
    unsigned burst(SmbusCommand command, uint8_t* bytes, unsigned n, bool pec, SmbusResult& result);
    // A call the controller refuses before the bus: SC_REPORT_ERROR with `why`, and (when it
    // does not throw) BadLength.
    SmbusResult refuse(const char* op, uint8_t addr7, const std::string& why);
    // The end of a transfer: stamps result.end_ns, reports it to the bus and the log, and
    // hands `result` back, moved out of the caller's.
    SmbusResult finish(SmbusResult& result, const char* op, uint8_t addr7, uint8_t command,
                       bool pec, const Bytes& data, int count);

    EventSink& log_;
    // A burst's bytes: a block write's command, count, data and PEC; a block read's data and
    // PEC.
    std::array<uint8_t, 2 + 255 + 1> burst_{};
};

} // namespace ssifsim::smbus
