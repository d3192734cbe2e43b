#include "models/smbus/adapter.h"

#include <cerrno>

#include "models/common/name_table.h"

namespace ssifsim::smbus {

namespace {
constexpr HostAdapter kAdapters[] = {
    // Documentation/i2c/fault-codes.rst: -ENXIO when the address is not acknowledged,
    // -EIO for other failures; i2c_register_adapter's defaults: no retries, HZ.
    {AdapterKind::Generic, "i2c-core defaults (fault-codes.rst, i2c_register_adapter)", 0, -ENXIO,
     -EIO, 1000},
    // i801_probe: adapter.retries = 3, adapter.timeout = HZ / 5; i801_check_post:
    // SMBHSTSTS_DEV_ERR (no ACK) -> -ENXIO, SMBHSTSTS_BUS_ERR -> -EAGAIN.
    {AdapterKind::I801, "i2c-i801.c (i801_probe, i801_check_post)", 3, -ENXIO, -ENXIO, 200},
    // i2c_dw_probe_master: adap->retries = 3 (timeout left to i2c-core's HZ);
    // i2c_dw_handle_tx_abort: any DW_IC_TX_ABRT_NOACK -> -EREMOTEIO, ARB_LOST -> -EAGAIN.
    {AdapterKind::DesignWare,
     "i2c-designware-master.c (i2c_dw_probe_master), i2c-designware-common.c "
     "(i2c_dw_handle_tx_abort)",
     3, -EREMOTEIO, -EREMOTEIO, 1000},
};

constexpr Named<AdapterKind> kAdapterNames[] = {
    {"generic", AdapterKind::Generic},
    {"i801", AdapterKind::I801},
    {"designware", AdapterKind::DesignWare},
};
} // namespace

bool parse_adapter(const std::string& name, AdapterKind* out) {
    return value_of(kAdapterNames, name, out);
}

const char* adapter_name(AdapterKind a) {
    return name_of(kAdapterNames, a);
}

const HostAdapter& host_adapter(AdapterKind a) {
    for (const HostAdapter& row : kAdapters)
        if (row.kind == a)
            return row;
    return kAdapters[0];
}

int transfer_errno(const HostAdapter& adapter, SmbusStatus status) {
    switch (status) {
    case SmbusStatus::Ok: return 0;
    case SmbusStatus::AddressNak: return adapter.address_nak_errno;
    case SmbusStatus::DataNak: return adapter.data_nak_errno;
    case SmbusStatus::BadPec: return -EBADMSG;
    case SmbusStatus::BadLength: return -EPROTO;
    case SmbusStatus::Timeout: return -ETIMEDOUT;
    case SmbusStatus::ArbitrationLost: return -EAGAIN;
    case SmbusStatus::Abandoned: return -ESHUTDOWN;
    }
    return -EIO;
}

AdapterRetry::AdapterRetry(const HostAdapter& adapter, uint64_t timeout_ns, const Jiffies& jiffies,
                           uint64_t first_try_ns)
    : jiffies_(jiffies), retries_(adapter.retries), orig_jiffies_(jiffies.at(first_try_ns)),
      timeout_jiffies_((timeout_ns + jiffies.tick_ns() - 1) / jiffies.tick_ns()) {}

bool AdapterRetry::again(SmbusStatus status, int attempt, uint64_t now_ns) const {
    return status == SmbusStatus::ArbitrationLost && attempt < retries_ &&
           jiffies_.at(now_ns) <= orig_jiffies_ + timeout_jiffies_; // !time_after
}

} // namespace ssifsim::smbus
