// The host's SMBus controller as i2c-core drives it: how often __i2c_smbus_xfer
// (drivers/i2c/i2c-core-smbus.c), or __i2c_transfer for a controller whose SMBus calls are
// emulated with I2C messages, retries a transfer that lost the arbitration, its timeout, and the
// errno the controller's driver returns for each way a transfer fails. One row per
// controller, with the driver it follows.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/jiffies.h"
#include "models/smbus/transfer.h"

namespace ssifsim::smbus {

enum class AdapterKind {
    Generic,    // a controller that sets no retries: i2c-core's default of 0
    I801,       // Intel PCH SMBus (i2c-i801.c): 3 retries, a 200 ms timeout
    DesignWare, // Synopsys DesignWare (i2c-designware-*.c): 3 retries, -EREMOTEIO for a NAK
};
bool parse_adapter(const std::string& name, AdapterKind* out);
const char* adapter_name(AdapterKind a);

struct HostAdapter {
    AdapterKind kind;
    const char* source;
    // adapter->retries: __i2c_smbus_xfer tries a transfer that returned -EAGAIN this many
    // more times at once, while less than adapter->timeout has passed since the first try.
    int retries;
    int address_nak_errno; // a NAKed address
    int data_nak_errno;    // a NAKed command, count or data byte
    // adapter->timeout: how long the controller waits for a transfer (a held SCL) before
    // -ETIMEDOUT, and how long i2c-core goes on retrying; i2c-core makes 0 into HZ (1 s).
    unsigned timeout_ms;
};
const HostAdapter& host_adapter(AdapterKind a);

// i2c-core's retries of a transfer that lost the arbitration: __i2c_smbus_xfer's loop (and
// __i2c_transfer's, the same for an emulated SMBus call),
//   orig_jiffies = jiffies;
//   for (ret = 0, try = 0; try <= adap->retries; try++) {
//       ret = <the controller's transfer>;
//       if (ret != -EAGAIN) break;
//       if (time_after(jiffies, orig_jiffies + adap->timeout)) break;
//   }
// Made when the first try starts; after each try, again() says whether i2c-core tries once
// more, at once (the caller logs the retry and makes it).
class AdapterRetry {
  public:
    // adapter: its retries (adap->retries). timeout_ns: adap->timeout in ns
    // (SmbusTiming::adapter_timeout_ns), which the kernel keeps in jiffies: rounded up to
    // whole ticks of `jiffies`. first_try_ns: the simulated time the first try started at.
    AdapterRetry(const HostAdapter& adapter, uint64_t timeout_ns, const Jiffies& jiffies,
                 uint64_t first_try_ns);
    // After try `attempt` (0: the first, 1: the first retry, ...) ended with `status` at
    // simulated time now_ns (ns): true when the try lost the arbitration (-EAGAIN), fewer
    // than adap->retries retries have been made, and jiffies at now_ns is not after the
    // first try's jiffy + adap->timeout.
    bool again(SmbusStatus status, int attempt, uint64_t now_ns) const;

  private:
    Jiffies jiffies_;
    int retries_;
    uint64_t orig_jiffies_;
    uint64_t timeout_jiffies_;
};

// The negative errno the SMBus call returns for a transfer's status, 0 for ok. The statuses
// that no controller decides: -EBADMSG for a bad PEC (i2c_smbus_check_pec, or the
// controller's CRC error), -EPROTO for a block count outside 1..32, -ETIMEDOUT, -EAGAIN for
// a lost arbitration; -ESHUTDOWN for a transfer the host died in.
int transfer_errno(const HostAdapter& adapter, SmbusStatus status);

} // namespace ssifsim::smbus
