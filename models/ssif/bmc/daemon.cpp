#include "models/ssif/bmc/daemon.h"

#include <algorithm>
#include <cerrno>

#include "models/common/sim_time.h"

namespace ssifsim::ssif {

BmcDaemon::BmcDaemon(sc_core::sc_module_name name, const DaemonConfig& config, BmcModule& bmc,
                     IpmiBackend& backend, EventSink& log)
    : sc_module(name), config_(config), bmc_(bmc), backend_(backend), log_(log),
      rng_(config.seed ^ 0x64616d6eULL /* "damn": apart from the workload's */) {
    SC_THREAD(run);
}

void BmcDaemon::run() {
    const int opened = bmc_.dev_open();
    EventBuilder(log_, sim_now_ns(), events::kDaemonOpen).num("ret", opened);
    if (opened < 0)
        return;
    buffer_.assign(bmc_.driver().msg_size(), 0);
    Bytes& msg = read_msg_;
    Bytes& request = request_;
    Bytes& buf = write_msg_;
    for (int nth = 1;; ++nth) {
        // Waiting for the request before read() changes no event: read() would wait for the
        // same wake-up (BmcModule::dev_read).
        if (faults_ && faults_->waits_for_request())
            bmc_.wait_readable();
        const DaemonFault fault = faults_ ? faults_->next_request(nth) : DaemonFault{};
        const bool read_fault = fault.kind == DaemonFault::Kind::ReadFault;
        msg.clear(); // what read() copies out this time, nothing if it fails
        const long got = bmc_.dev_read(msg, false, read_fault ? fault.copyable : SsifBmc::kCopyAll);
        if (got == -ENODEV) {
            // The device was removed under the open file (BmcModule::dev_read): every further
            // read fails at once, so the daemon stops instead of retrying in the same instant.
            EventBuilder(log_, sim_now_ns(), events::kDaemonRead).num("ret", got);
            EventBuilder(log_, sim_now_ns(), events::kDaemonExit)
                .str("why", "read failed (-ENODEV: the device was removed)");
            return;
        }
        if (read_fault) {
            EventBuilder(log_, sim_now_ns(), events::kFaultDaemonEfault)
                .num("fault", fault.id)
                .num("copied", static_cast<int64_t>(msg.size()));
            fault_observers_.fault_applied(fault.id, sim_now_ns());
        }
        if (got < 0) {
            EventBuilder(log_, sim_now_ns(), events::kDaemonRead).num("ret", got);
            continue;
        }
        // What copy_to_user wrote lands over what the buffer held; the daemon takes the
        // request from the buffer by its length field, as far as read() said it got.
        std::copy(msg.begin(), msg.end(), buffer_.begin());
        uint32_t len = 0;
        for (unsigned i = 0; i < SsifBmc::kMsgLenField; ++i)
            len |= static_cast<uint32_t>(buffer_[i]) << (8 * i);
        const size_t payload =
            std::min<size_t>(len, static_cast<size_t>(got) - SsifBmc::kMsgLenField);
        request.assign(buffer_.begin() + SsifBmc::kMsgLenField,
                       buffer_.begin() + SsifBmc::kMsgLenField + static_cast<long>(payload));
        EventBuilder(log_, sim_now_ns(), events::kDaemonRead)
            .num("ret", got)
            .bytes("request", request);
        observers_.request_read(request, sim_now_ns());
        if (fault.kind == DaemonFault::Kind::Silent || config_.silent) {
            if (fault.kind == DaemonFault::Kind::Silent) {
                EventBuilder(log_, sim_now_ns(), events::kFaultDaemonSilent).num("fault", fault.id);
                fault_observers_.fault_applied(fault.id, sim_now_ns());
            }
            continue;
        }
        uint64_t latency = config_.latency_max_ns > config_.latency_ns
                               ? rng_.uniform(config_.latency_ns, config_.latency_max_ns)
                               : config_.latency_ns;
        if (fault.kind == DaemonFault::Kind::Slow) {
            latency = fault.latency_ns;
            EventBuilder(log_, sim_now_ns(), events::kFaultDaemonSlow)
                .num("fault", fault.id)
                .num("latency_ns", static_cast<int64_t>(latency));
            fault_observers_.fault_applied(fault.id, sim_now_ns());
        }
        wait_for(latency + backend_.hold_ns(request));
        const std::optional<Bytes> answer = backend_.respond(request, sim_now_ns());
        if (!answer) {
            EventBuilder(log_, sim_now_ns(), events::kDaemonUnanswered).bytes("request", request);
            continue;
        }
        const Bytes& response = *answer;
        // The len field says the response's size, unless a malformed-write fault sets it.
        const bool malformed = fault.kind == DaemonFault::Kind::Malformed;
        const uint32_t write_len = malformed && fault.len >= 0
                                       ? static_cast<uint32_t>(fault.len)
                                       : static_cast<uint32_t>(response.size());
        encode_ssif_msg(write_len, response.data(), response.size(), buf);
        if (malformed) {
            if (fault.count >= 0)
                buf.resize(static_cast<size_t>(fault.count));
            EventBuilder(log_, sim_now_ns(), events::kFaultDaemonMalformed)
                .num("fault", fault.id)
                .num("len", write_len)
                .num("count", static_cast<int64_t>(buf.size()));
            fault_observers_.fault_applied(fault.id, sim_now_ns());
        }
        const long wrote = bmc_.dev_write(buf);
        EventBuilder(log_, sim_now_ns(),
                     wrote < 0 ? events::kDaemonWriteFailed : events::kDaemonWrite)
            .num("ret", wrote)
            .bytes("response", response);
        if (wrote >= 0)
            observers_.response_written(response, sim_now_ns(), 0);
    }
}

} // namespace ssifsim::ssif
