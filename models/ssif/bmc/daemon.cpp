#include "models/ssif/bmc/daemon.h"
#include "models/common/sim_time.h"

namespace ssifsim::ssif {

BmcDaemon::BmcDaemon(sc_core::sc_module_name name, const DaemonConfig& config, BmcModule& bmc,
                     IpmiResponder& responder, EventSink& log)
    : sc_module(name), config_(config), bmc_(bmc), responder_(responder), log_(log) {
    SC_THREAD(run);
}

void BmcDaemon::run() {
    const int opened = bmc_.dev_open();
    EventBuilder(log_, sim_now_ns(), "daemon", "open").num("ret", opened);
    if (opened < 0)
        return;
    for (;;) {
        Bytes msg;
        const long got = bmc_.dev_read(msg);
        if (got < 0) {
            EventBuilder(log_, sim_now_ns(), "daemon", "read").num("ret", got);
            continue;
        }
        const Bytes request(msg.begin() + 4, msg.end());
        EventBuilder(log_, sim_now_ns(), "daemon", "read")
            .num("ret", got)
            .bytes("request", request);
        if (config_.silent)
            continue;
        sc_core::wait(ns(config_.latency_ns));
        const Bytes response = responder_.respond(request);
        // struct ipmi_ssif_msg as userspace writes it: u32 len (little endian), payload.
        Bytes out;
        out.reserve(4 + response.size());
        const uint32_t len = static_cast<uint32_t>(response.size());
        for (int i = 0; i < 4; ++i)
            out.push_back(static_cast<uint8_t>(len >> (8 * i)));
        for (uint8_t b : response)
            out.push_back(b);
        const long wrote = bmc_.dev_write(out);
        EventBuilder(log_, sim_now_ns(), "daemon", "write")
            .num("ret", wrote)
            .bytes("response", response);
    }
}

} // namespace ssifsim::ssif
