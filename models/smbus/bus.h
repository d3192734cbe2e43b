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
#include <vector>

#include "models/common/event_log.h"
#include "models/common/sim_time.h"
#include "models/smbus/fault.h"
#include "models/smbus/slave.h"
#include "models/smbus/timing.h"
#include "models/smbus/wire_trace.h"

namespace ssifsim::smbus {

// Linux i2c_smbus_* results: 0, -ENXIO (address NAK), -EIO (data NAK), -EBADMSG (PEC),
// -EPROTO (block count outside 1..32), -ETIMEDOUT (the adapter timeout passed while SCL was
// held low), -EAGAIN (arbitration lost to a held SDA; i2c-core does not retry it with
// adap->retries 0); Abandoned: the master died mid-transfer (a fault).
enum class SmbusStatus {
    Ok,
    AddressNak,
    DataNak,
    BadPec,
    BadLength,
    Timeout,
    ArbitrationLost,
    Abandoned
};

const char* status_name(SmbusStatus s);

struct SmbusResult {
    SmbusStatus status = SmbusStatus::Ok;
    Bytes data;            // block read: the data bytes as received (count bytes)
    uint8_t count = 0;     // block read: the count byte as received
    uint64_t start_ns = 0; // START
    uint64_t end_ns = 0;   // end of STOP
    bool ok() const { return status == SmbusStatus::Ok; }
};

// What one finished transfer looked like on the wires, for the spec checks.
struct TransferRecord {
    const char* op = ""; // block_write, block_read, receive_byte, i2c_read, i2c_write
    uint8_t addr7 = 0;
    uint8_t command = 0;
    SmbusStatus status = SmbusStatus::Ok;
    int count = -1;              // a block transfer's count byte (-1: none got through)
    const Bytes* data = nullptr; // the data bytes written or read
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    // The longest time a line was held low (a stretched or held SCL, a held SDA), and by
    // whom; the target's cumulative clock stretch from START to STOP.
    uint64_t longest_low_ns = 0;
    const char* longest_low_by = "";
    uint64_t target_stretch_ns = 0;
};

class TransferObserver {
  public:
    virtual ~TransferObserver() = default;
    virtual void transfer_done(const TransferRecord& t) = 0;
};

class SmbusBus : public sc_core::sc_module {
  public:
    // I2C_SMBUS_BLOCK_MAX: a Linux master takes block counts 1..32 only.
    static constexpr unsigned kBlockMax = 32;

    SC_HAS_PROCESS(SmbusBus);
    SmbusBus(sc_core::sc_module_name name, const SmbusTiming& timing, EventSink& log,
             VcdWriter* wire_vcd);

    void attach(uint8_t addr7, SmbusSlave* slave);
    void add_observer(TransferObserver* observer) { observers_.push_back(observer); }
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
    // Plain I2C transfers, as a second master makes them: S addr+W bytes P, and S addr+R,
    // `length` bytes (the master NAKs the last), P.
    SmbusResult i2c_write(uint8_t addr7, const Bytes& bytes, const TransferFault& fault = {});
    SmbusResult i2c_read(uint8_t addr7, unsigned length);

    // For a second master: returns once no transfer is in progress and tBUF has passed;
    // wait_next_transfer_end() returns when the next transfer has ended.
    void wait_until_free();
    void wait_next_transfer_end() { wait_on(transfer_end_); }

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
        // A held line the master gave up on (adapter timeout, lost arbitration): the bus
        // stays busy until it is released; 0 if none.
        uint64_t stuck_until_ns = 0;
        uint64_t sda_held_until_ns = 0;
        uint64_t longest_low_ns = 0;
        const char* longest_low_by = "";
        uint64_t target_stretch_ns = 0;
        int count = -1;
    };
    // The STOP of a transfer the master gave up on, when the held line comes free.
    struct DeferredStop {
        uint64_t release_ns = 0;
        bool sda = false; // SDA rising with SCL high is the STOP; else the master draws one
        SmbusSlave* slave = nullptr;
    };

    // Finds the target, waits for a free bus, draws the START.
    Walk begin(uint8_t addr7, SmbusResult& result, const TransferFault& fault);
    // True when the transfer cannot go on before the next wire byte: the master died, or
    // gave up on a held line.
    bool interrupted(Walk& walk, SmbusResult& result);
    // A line held low before the next wire byte, as the fault says (see TransferFault).
    bool held_low(Walk& walk, SmbusResult& result);
    void note_low(Walk& walk, uint64_t low_ns, const char* by);
    // The master sends a 1 bit while SDA is held: it has lost the arbitration.
    bool loses_arbitration(Walk& walk, uint8_t value);
    void deferred_stop();
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
    // The STOP (deferred while a held line keeps the bus); may turn the result into a
    // lost arbitration when SDA is still held.
    void end(Walk& walk, SmbusResult& result);
    SmbusResult finish(const Walk& walk, SmbusResult result, const char* op, uint8_t addr7,
                       uint8_t command, bool pec, const Bytes& data);

    SmbusTiming timing_;
    EventSink& log_;
    WireTrace wire_;
    std::map<uint8_t, SmbusSlave*> slaves_;
    // A master may start once the bus has been idle for tBUF, at power-up too (which also
    // keeps the first START edge distinct from the VCD's initial values at time 0).
    uint64_t bus_free_at_ns_;
    uint64_t wire_bytes_ = 0;
    bool busy_ = false; // a transfer is in progress (a second master waits)
    sc_core::sc_event transfer_end_;
    DeferredStop deferred_;
    sc_core::sc_event deferred_stop_event_;
    std::vector<TransferObserver*> observers_;
};

} // namespace ssifsim::smbus
