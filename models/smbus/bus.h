// The SMBus: owns time on the wires. A master (one SC_THREAD) asks for a block write or a
// block read; the bus walks the transfer byte by byte at the configured clock, calls the
// addressed slave through the Linux slave events, turns a busy answer into a NAK, appends
// and checks PEC, and reports the result. Every byte goes to the event log and the wires
// to the VCD.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <systemc>

#include "models/common/event_log.h"
#include "models/smbus/fault.h"
#include "models/smbus/slave.h"
#include "models/smbus/timing.h"
#include "models/smbus/wire_trace.h"

namespace ssifsim::smbus {

// Linux i2c_smbus_* results: 0, -ENXIO (address NAK), -EIO (data NAK), -EBADMSG (PEC),
// -EPROTO (block count outside 1..32); Abandoned: the master died mid-transfer (a fault).
enum class SmbusStatus { Ok, AddressNak, DataNak, BadPec, BadLength, Abandoned };

const char* status_name(SmbusStatus s);

struct SmbusResult {
    SmbusStatus status = SmbusStatus::Ok;
    Bytes data;            // block read: the data bytes as received (count bytes)
    uint8_t count = 0;     // block read: the count byte as received
    uint64_t start_ns = 0; // START
    uint64_t end_ns = 0;   // end of STOP
    bool ok() const { return status == SmbusStatus::Ok; }
};

class SmbusBus : public sc_core::sc_module {
  public:
    // I2C_SMBUS_BLOCK_MAX: a Linux master takes block counts 1..32 only.
    static constexpr unsigned kBlockMax = 32;

    SmbusBus(sc_core::sc_module_name name, const SmbusTiming& timing, EventSink& log,
             VcdWriter* wire_vcd);

    void attach(uint8_t addr7, SmbusSlave* slave);
    const SmbusTiming& timing() const { return timing_; }
    // Bytes that crossed the wires so far, addresses included.
    uint64_t wire_bytes() const { return wire_bytes_; }

    // Blocking calls for the master's SC_THREAD: they return when the STOP has ended.
    // `fault` is applied as it says; the default is a clean transfer.
    SmbusResult block_write(uint8_t addr7, uint8_t command, const Bytes& data, bool pec,
                            const TransferFault& fault = {});
    SmbusResult block_read(uint8_t addr7, uint8_t command, bool pec,
                           const TransferFault& fault = {});
    // SMBus Receive Byte without PEC: S, addr+R, byte, NAK, P (the host reads the Alert
    // Response Address this way). `data` holds the byte.
    SmbusResult receive_byte(uint8_t addr7);

  private:
    // One transfer in progress: the addressed slave, the running PEC, the fault to apply.
    struct Walk {
        SmbusSlave* slave = nullptr;
        bool slave_addressed = false;
        uint8_t pec = 0;
        uint8_t first_read_byte = 0xff; // supplied at READ_REQUESTED
        const TransferFault* fault = nullptr;
        int wire_bytes = 0; // bytes completed so far, the address included
        bool abandoned = false;
    };

    // Finds the target, waits for a free bus, draws the START.
    Walk begin(uint8_t addr7, SmbusResult& result, const TransferFault& fault);
    // The master sends wire byte `value`; sets the result's status on a NAK or abandon.
    void send(Walk& walk, uint8_t value, SlaveEvent ev, SmbusResult& result);
    // True (and logged once) when the master dies before the next wire byte.
    bool abandons(Walk& walk, SmbusResult& result);
    void log_fault(const Walk& walk, const char* what, const char* key, int64_t value);
    // A byte on the wire: its 8 data bits (returns when they began), then the ACK bit,
    // which also logs and draws the byte.
    uint64_t data_bits();
    void ack_bit(Walk& walk, uint64_t byte_start, uint8_t value, const char* dir, bool ack);
    // Master sends a byte; the slave answers through `ev` (unless the fault NAKs it);
    // returns true when ACKed.
    bool master_byte(Walk& walk, uint8_t value, SlaveEvent ev);
    // The slave sends a byte it has supplied; the master ACKs it or not.
    void slave_byte(Walk& walk, uint8_t value, bool master_acks);
    uint8_t ask_slave(Walk& walk, SlaveEvent ev);
    void read_block(Walk& walk, bool pec, SmbusResult& result);
    void repeated_start();
    void end(Walk& walk);
    SmbusResult finish(SmbusResult result, const char* op, uint8_t addr7, uint8_t command, bool pec,
                       const Bytes& data);

    SmbusTiming timing_;
    EventSink& log_;
    WireTrace wire_;
    std::map<uint8_t, SmbusSlave*> slaves_;
    // A master may start once the bus has been idle for tBUF, at power-up too (which also
    // keeps the first START edge distinct from the VCD's initial values at time 0).
    uint64_t bus_free_at_ns_;
    uint64_t wire_bytes_ = 0;
};

} // namespace ssifsim::smbus
