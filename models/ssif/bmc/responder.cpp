#include "models/ssif/bmc/responder.h"

#include "models/ssif/framing.h"

namespace ssifsim::ssif {

Bytes IpmiResponder::respond(const Bytes& request) const {
    const uint8_t netfn_lun = request.size() > 0 ? request[0] : 0;
    const uint8_t cmd = request.size() > 1 ? request[1] : 0;
    const uint8_t netfn = netfn_lun >> 2;
    const uint8_t lun = netfn_lun & 0x03;
    // A response carries the request's netfn + 1 (IPMI v2.0 §5.1).
    Bytes rsp{static_cast<uint8_t>(((netfn | 1) << 2) | lun), cmd};
    if (request.size() < 2) {
        rsp.push_back(0xc7);
        return rsp;
    }
    if (netfn == kNetfnApp && cmd == kCmdGetDeviceId) {
        const DeviceIdentity& d = identity_;
        const uint8_t body[] = {kCcOk,
                                d.device_id,
                                d.device_revision,
                                static_cast<uint8_t>(d.firmware_major & 0x7f),
                                d.firmware_minor,
                                d.ipmi_version,
                                d.additional_support,
                                static_cast<uint8_t>(d.manufacturer_id),
                                static_cast<uint8_t>(d.manufacturer_id >> 8),
                                static_cast<uint8_t>((d.manufacturer_id >> 16) & 0x0f),
                                static_cast<uint8_t>(d.product_id),
                                static_cast<uint8_t>(d.product_id >> 8)};
        for (uint8_t b : body)
            rsp.push_back(b);
        return rsp;
    }
    rsp.push_back(kCcInvalidCommand);
    return rsp;
}

} // namespace ssifsim::ssif
