#include "models/ssif/bmc/daemon.h"

#include "models/common/sim_time.h"

namespace ssifsim::ssif {

BmcDaemon::BmcDaemon(sc_core::sc_module_name name, const DaemonConfig& config, BmcModule& bmc,
                     IpmiResponder& responder, EventSink& log)
    : sc_module(name), config_(config), bmc_(bmc), responder_(responder), log_(log),
      rng_(config.seed ^ 0x64616d6eULL /* "damn": apart from the workload's */) {
    SC_THREAD(run);
}

void BmcDaemon::run() {
    const int opened = bmc_.dev_open();
    EventBuilder(log_, sim_now_ns(), "daemon", "open").num("ret", opened);
    if (opened < 0)
        return;
    for (int nth = 1;; ++nth) {
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
        const DaemonFault fault = faults_ ? faults_->next_request(nth) : DaemonFault{};
        if (fault.kind == DaemonFault::Kind::Silent || config_.silent) {
            if (fault.kind == DaemonFault::Kind::Silent)
                EventBuilder(log_, sim_now_ns(), "fault", "daemon_silent").num("fault", fault.id);
            continue;
        }
        uint64_t latency = config_.latency_max_ns > config_.latency_ns
                               ? rng_.uniform(config_.latency_ns, config_.latency_max_ns)
                               : config_.latency_ns;
        if (fault.kind == DaemonFault::Kind::Slow) {
            latency = fault.latency_ns;
            EventBuilder(log_, sim_now_ns(), "fault", "daemon_slow")
                .num("fault", fault.id)
                .num("latency_ns", static_cast<int64_t>(latency));
        }
        wait_for(latency);
        const Bytes response = responder_.respond(request, sim_now_ns());
        Bytes buf = encode_ssif_msg(response);
        if (fault.kind == DaemonFault::Kind::Malformed) {
            const uint32_t len = fault.len < 0 ? static_cast<uint32_t>(response.size())
                                               : static_cast<uint32_t>(fault.len);
            buf = encode_ssif_msg(len, response.data(), response.size());
            if (fault.count >= 0)
                buf.resize(static_cast<size_t>(fault.count));
            EventBuilder(log_, sim_now_ns(), "fault", "daemon_malformed")
                .num("fault", fault.id)
                .num("len", len)
                .num("count", static_cast<int64_t>(buf.size()));
        }
        const long wrote = bmc_.dev_write(buf);
        EventBuilder(log_, sim_now_ns(), "daemon", wrote < 0 ? "write_failed" : "write")
            .num("ret", wrote)
            .bytes("response", response);
    }
}

} // namespace ssifsim::ssif
