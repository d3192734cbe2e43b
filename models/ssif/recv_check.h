// ipmi_msghandler's first look at a response from the system interface (handle_one_recv_msg
// in drivers/char/ipmi/ipmi_msghandler.c), before whoever sent the request sees it: a
// response too short to hold netfn and cmd, or whose netfn/cmd do not answer the request, is
// warned about and replaced with a generated error response. Both hosts' message handlers
// (the model host's, models/ssif/host, and the kernel host's stand-in, kernel/ipmi_ssif) apply
// it to every response: a user's request's and the handler's own (Get Device ID, the channel
// scan).
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/common/event_log.h"

namespace ssifsim::ssif {

enum class RecvVerdict {
    Ok,        // the response goes on as it came
    TooSmall,  // rsp_size < 2: "BMC returned too small a message for netfn %x cmd %x, ..."
    Incorrect, // netfn/cmd off: "BMC returned incorrect response, expected netfn %x cmd %x, ..."
};

struct RecvCheck {
    RecvVerdict verdict = RecvVerdict::Ok;
    // The warning's values: the network function expected (the request's, bits 7:2, | 1) and
    // the request's cmd; what came (netfn bits 7:2, cmd; only for Incorrect) and its size.
    uint8_t expected_netfn = 0, expected_cmd = 0, got_netfn = 0, got_cmd = 0;
    size_t got_size = 0;
    uint8_t request_netfn_lun = 0; // the request's first byte (0 when it had none)
    bool ok() const { return verdict == RecvVerdict::Ok; }
    // What the requester gets for `response`, the one checked: it as it came (Ok), else the
    // generated one: the request's netfn/LUN byte with the response bit (bit 2) set, its cmd,
    // and IPMI_ERR_UNSPECIFIED (0xff). A call, not a field: the user's path needs only the
    // verdict, and a copy of every response would cost an allocation per request.
    Bytes delivered(const Bytes& response) const;
};

// The check for `response` (as the interface delivered it: netfn/LUN, cmd, completion code,
// data) to `request` (netfn/LUN, cmd, data). Too small when the response has under 2 bytes;
// incorrect when (rsp[0] >> 2) != ((req[0] >> 2) | 1) or rsp[1] != req[1] (the LUN bits are
// not compared), and for a request under 2 bytes, which nothing answers (ipmi_msghandler
// sends none; the model host's workload may; the missing bytes count as 0 in `delivered`). The
// kernel lets the local response to its own IPMB Send Message through unchecked; the simulator
// never sends one (a user may not: i_ipmi_req_sysintf refuses Send Message), so it is not modelled.
RecvCheck check_received(const Bytes& request, const Bytes& response);

// The warning as a `host` `handler_warn` event (what: "too_small" or "incorrect_response";
// the expected netfn and cmd; got_netfn and got_cmd, or got_size), at `now_ns`; nothing for
// an Ok check. The kernel rate-limits the incorrect-response line (dev_warn_ratelimited);
// the log has every one.
void log_received_check(EventSink& log, uint64_t now_ns, const RecvCheck& check);

} // namespace ssifsim::ssif
