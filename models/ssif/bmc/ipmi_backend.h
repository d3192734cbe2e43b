// What answers the IPMI requests the BMC's daemon reads from /dev/ipmi-ssif-host: the builtin
// responder (responder.h) or an external IPMI stack. The daemon (or bridge) in front of it
// owns the processing latency and the writes to the device.
#pragma once

#include <cstdint>
#include <optional>

#include "models/common/event_log.h"

namespace ssifsim::ssif {

class IpmiBackend {
  public:
    virtual ~IpmiBackend() = default;
    // request: an IPMI request message (netfn/lun, cmd, data; IPMI v2.0 §9.2, the KCS/SSIF
    // layout without addresses). Returns the response (netfn+1/lun, cmd, completion code,
    // data), or std::nullopt when the backend gives this request no answer. now_ns: the
    // simulated time of the call, for backends whose state changes with time.
    virtual std::optional<Bytes> respond(const Bytes& request, uint64_t now_ns) = 0;
    // How much longer than its caller's own latency the backend takes over `request` (a
    // script's delay_ms, scripted_backend.h), in ns; 0 unless it says otherwise. Called once
    // for each request as it arrives, before that request's respond(); callers keep the
    // order: the nth hold_ns() call and the nth respond() call are for the same request.
    virtual uint64_t hold_ns(const Bytes& request) {
        (void)request;
        return 0;
    }
};

} // namespace ssifsim::ssif
