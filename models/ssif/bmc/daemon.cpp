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
        const Bytes request(msg.begin() + SsifBmc::kMsgLenField, msg.end());
        EventBuilder(log_, sim_now_ns(), "daemon", "read")
            .num("ret", got)
            .bytes("request", request);
        if (config_.silent)
            continue;
        sc_core::wait(ns(config_.latency_ns));
        const Bytes response = responder_.respond(request);
        const long wrote = bmc_.dev_write(encode_ssif_msg(response));
        EventBuilder(log_, sim_now_ns(), "daemon", "write")
            .num("ret", wrote)
            .bytes("response", response);
    }
}

} // namespace ssifsim::ssif
