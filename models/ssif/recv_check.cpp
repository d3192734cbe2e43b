#include "models/ssif/recv_check.h"

#include "models/common/event_catalog.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

RecvCheck check_received(const Bytes& request, const Bytes& response) {
    RecvCheck c;
    const uint8_t netfn_lun = request.size() > 0 ? request[0] : 0;
    const uint8_t cmd = request.size() > 1 ? request[1] : 0;
    c.expected_netfn = static_cast<uint8_t>((netfn_lun >> 2) | 1);
    c.expected_cmd = cmd;
    c.got_size = response.size();
    if (response.size() < 2) {
        c.verdict = RecvVerdict::TooSmall;
    } else {
        c.got_netfn = static_cast<uint8_t>(response[0] >> 2);
        c.got_cmd = response[1];
        if (request.size() < 2 || c.got_netfn != c.expected_netfn || c.got_cmd != c.expected_cmd)
            c.verdict = RecvVerdict::Incorrect;
    }
    c.request_netfn_lun = netfn_lun;
    return c;
}

Bytes RecvCheck::delivered(const Bytes& response) const {
    // handle_one_recv_msg's return_unspecified: rsp[0] = data[0] | (1 << 2), rsp[1] = data[1],
    // rsp[2] = IPMI_ERR_UNSPECIFIED.
    if (ok())
        return response;
    return Bytes{static_cast<uint8_t>(request_netfn_lun | 1u << 2), expected_cmd, kCcUnspecified};
}

void log_received_check(EventSink& log, uint64_t now_ns, const RecvCheck& check) {
    if (check.ok())
        return;
    EventBuilder e(log, now_ns, events::kHostHandlerWarn);
    const bool small = check.verdict == RecvVerdict::TooSmall;
    e.str("what", small ? "too_small" : "incorrect_response")
        .hex("expected_netfn", check.expected_netfn)
        .hex("expected_cmd", check.expected_cmd);
    if (small)
        e.num("got_size", static_cast<int64_t>(check.got_size));
    else
        e.hex("got_netfn", check.got_netfn).hex("got_cmd", check.got_cmd);
}

} // namespace ssifsim::ssif
