// The host's SMBus controller as i2c-core drives it: how often __i2c_smbus_xfer
// (drivers/i2c/i2c-core-smbus.c) retries a transfer that lost the arbitration, and the
// errno the controller's driver returns for each way a transfer fails. One row per
// controller, with the driver it follows.
#pragma once

#include <string>

#include "models/smbus/bus.h"

namespace ssifsim::smbus {

enum class AdapterKind {
    Generic,    // a controller that sets no retries: i2c-core's default of 0
    I801,       // Intel PCH SMBus (i2c-i801.c): i801_probe sets adapter.retries = 3
    DesignWare, // Synopsys DesignWare (i2c-designware-*.c): no retries, -EREMOTEIO for a NAK
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
};
const HostAdapter& host_adapter(AdapterKind a);

// The negative errno the SMBus call returns for a transfer's status, 0 for ok. The statuses
// that no controller decides: -EBADMSG for a bad PEC (i2c_smbus_check_pec, or the
// controller's CRC error), -EPROTO for a block count outside 1..32, -ETIMEDOUT, -EAGAIN for
// a lost arbitration; -ESHUTDOWN for a transfer the host died in.
int transfer_errno(const HostAdapter& adapter, SmbusStatus status);

} // namespace ssifsim::smbus
