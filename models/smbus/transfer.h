// What a master's transfer-level call returns (SmbusResult, with the Linux i2c_smbus_* status)
// and what the bus's monitor hands the spec checks for each finished transfer
// (TransferRecord, to every TransferObserver).
#pragma once

#include <cstdint>

#include "models/common/event_log.h"

namespace ssifsim::smbus {

// I2C_SMBUS_BLOCK_MAX: a Linux master takes block counts 1..32 only.
constexpr unsigned kBlockMax = 32;

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
    // whom; the target's cumulative clock stretch from START to STOP. The bus fills these in
    // (SmbusBusIf::transfer_done).
    uint64_t longest_low_ns = 0;
    const char* longest_low_by = "";
    uint64_t target_stretch_ns = 0;
};

class TransferObserver {
  public:
    virtual ~TransferObserver() = default;
    virtual void transfer_done(const TransferRecord& t) = 0;
};

} // namespace ssifsim::smbus
