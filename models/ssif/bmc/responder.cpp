#include "models/ssif/bmc/responder.h"

#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"

namespace ssifsim::ssif {

namespace {
void append(Bytes& out, std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes)
        out.push_back(b);
}
} // namespace

uint8_t IpmiResponder::message_flags(uint64_t now_ns) const {
    uint8_t flags = config_.message_flags;
    for (size_t i = 0; i < config_.incoming.size(); ++i) {
        const IncomingItem& item = config_.incoming[i];
        if (taken_[i] || item.at_ns > now_ns)
            continue;
        flags |= item.kind == IncomingItem::Kind::Message ? ipmi::kFlagReceiveMessageAvailable
                                                          : ipmi::kFlagEventMessageBufferFull;
    }
    return flags;
}

void IpmiResponder::take_incoming(IncomingItem::Kind kind, uint64_t now_ns, Bytes& rsp) {
    for (size_t i = 0; i < config_.incoming.size(); ++i) {
        const IncomingItem& item = config_.incoming[i];
        if (taken_[i] || item.kind != kind || item.at_ns > now_ns)
            continue;
        taken_[i] = true;
        rsp.push_back(kCcOk);
        rsp.insert(rsp.end(), item.data.begin(), item.data.end());
        return;
    }
    rsp.push_back(kCcDataNotAvailable);
}

Bytes IpmiResponder::answer(const Bytes& request, uint64_t now_ns) {
    const uint8_t netfn_lun = request.size() > 0 ? request[0] : 0;
    const uint8_t cmd = request.size() > 1 ? request[1] : 0;
    const uint8_t netfn = netfn_lun >> 2;
    // The request's data bytes, after netfn/LUN and cmd: read in place.
    const size_t data_size = request.size() > 2 ? request.size() - 2 : 0;
    const uint8_t* data = request.data() + (request.size() > 2 ? 2 : 0);
    // A response carries the request's netfn + 1 (IPMI v2.0 §5.1): request netfns are even,
    // so that is bit 0 set; an odd (response) netfn sent as a request keeps its value rather
    // than carrying into the next netfn pair (0x3f would overflow the 6-bit field).
    Bytes rsp;
    rsp.reserve(kMessageMax); // one allocation for any answer Linux ssif_bmc can carry
    rsp.push_back(static_cast<uint8_t>(((netfn | 1) << 2) | (netfn_lun & 0x03)));
    rsp.push_back(cmd);
    if (request.size() < 2) {
        rsp.push_back(kCcRequestLengthInvalid);
        return rsp;
    }

    const TestCommand& test = config_.test;
    if (netfn == test.netfn && cmd == test.cmd) {
        unsigned length = test.length;
        if (test.length_from_request) {
            length = data_size == 0 ? 0 : data[0];
            if (length < 1 || length > kMessageMax) {
                rsp.push_back(kCcInvalidDataField);
                return rsp;
            }
        }
        rsp.push_back(kCcOk);
        for (unsigned i = 0; rsp.size() < length; ++i)
            rsp.push_back(static_cast<uint8_t>(test.incrementing ? test.first + i : test.first));
        rsp.resize(length);
        return rsp;
    }
    if (netfn != ipmi::kNetfnApp) {
        rsp.push_back(kCcInvalidCommand);
        return rsp;
    }
    switch (cmd) {
    case ipmi::kGetDeviceId.cmd: {
        const DeviceIdentity& d = config_.device;
        append(rsp, {kCcOk, d.device_id, d.device_revision,
                     static_cast<uint8_t>(d.firmware_major & 0x7f), d.firmware_minor,
                     d.ipmi_version, d.additional_support, static_cast<uint8_t>(d.manufacturer_id),
                     static_cast<uint8_t>(d.manufacturer_id >> 8),
                     static_cast<uint8_t>((d.manufacturer_id >> 16) & 0x0f),
                     static_cast<uint8_t>(d.product_id), static_cast<uint8_t>(d.product_id >> 8)});
        break;
    }
    case ipmi::kGetSelfTestResults.cmd:
        append(rsp, {kCcOk, 0x55, 0x00}); // 0x55: no error
        break;
    case ipmi::kGetSystemInterfaceCaps.cmd:
        // Data byte 1 selects the interface; only SSIF (0) is answered here.
        if (data_size != 1 || data[0] != 0) {
            rsp.push_back(kCcInvalidDataField);
            break;
        }
        append(rsp, {kCcOk, 0x00,
                     static_cast<uint8_t>(static_cast<uint8_t>(config_.transactions) << 6 |
                                          (config_.pec ? 0x08 : 0x00)),
                     config_.max_input, config_.max_output});
        break;
    case ipmi::kGetMessageFlags.cmd: append(rsp, {kCcOk, message_flags(now_ns)}); break;
    case ipmi::kGetMessage.cmd: take_incoming(IncomingItem::Kind::Message, now_ns, rsp); break;
    case ipmi::kReadEventMessageBuffer.cmd:
        take_incoming(IncomingItem::Kind::Event, now_ns, rsp);
        break;
    case ipmi::kClearMessageFlags.cmd:
        if (data_size != 1) {
            rsp.push_back(kCcRequestLengthInvalid);
            break;
        }
        config_.message_flags &= static_cast<uint8_t>(~data[0]);
        rsp.push_back(kCcOk);
        break;
    case ipmi::kGetBmcGlobalEnables.cmd: append(rsp, {kCcOk, config_.global_enables}); break;
    case ipmi::kSetBmcGlobalEnables.cmd:
        if (data_size != 1) {
            rsp.push_back(kCcRequestLengthInvalid);
            break;
        }
        config_.global_enables = data[0];
        rsp.push_back(kCcOk);
        break;
    default: rsp.push_back(kCcInvalidCommand); break;
    }
    return rsp;
}

} // namespace ssifsim::ssif
