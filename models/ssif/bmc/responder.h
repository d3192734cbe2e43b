// The builtin IPMI responder behind the BMC daemon: answers a request payload
// (netfn/lun, cmd, data) with a response payload (netfn+1/lun, cmd, completion code, data).
#pragma once

#include <cstdint>

#include "models/common/event_log.h"

namespace ssifsim::ssif {

// Get Device ID response fields (IPMI v2.0 §20.1).
struct DeviceIdentity {
    uint8_t device_id = 0x20;
    uint8_t device_revision = 0x01;
    uint8_t firmware_major = 0x01; // bits 6:0
    uint8_t firmware_minor = 0x00; // BCD
    uint8_t ipmi_version = 0x02;   // BCD, 2.0
    uint8_t additional_support = 0xbf;
    uint32_t manufacturer_id = 0x00a019; // 20 bits, sent LS byte first
    uint16_t product_id = 0x0001;
};

class IpmiResponder {
  public:
    static constexpr uint8_t kNetfnApp = 0x06;
    static constexpr uint8_t kCmdGetDeviceId = 0x01;

    explicit IpmiResponder(const DeviceIdentity& identity) : identity_(identity) {}

    // request: at least netfn/lun and cmd. A request shorter than that gets 0xC7
    // (request data length invalid) with netfn/cmd taken as 0.
    Bytes respond(const Bytes& request) const;

  private:
    DeviceIdentity identity_;
};

} // namespace ssifsim::ssif
