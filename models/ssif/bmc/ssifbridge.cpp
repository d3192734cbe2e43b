#include "models/ssif/bmc/ssifbridge.h"

#include <algorithm>
#include <cerrno>

#include "models/common/sim_time.h"
#include "models/ssif/ipmi_commands.h"

namespace ssifsim::ssif {

namespace {
constexpr uint8_t kCcResponseNotAvailable = 0xce; // the bridge's own answers
} // namespace

const BridgeVersionInfo& bridge_version_info(BridgeVersion v) {
    return kBridgeVersions[static_cast<int>(v)];
}

bool parse_bridge_version(const std::string& name, BridgeVersion* out) {
    for (const BridgeVersionInfo& row : kBridgeVersions)
        if (name == row.name) {
            *out = row.version;
            return true;
        }
    return false;
}

std::string bridge_version_names() {
    std::string names;
    for (const BridgeVersionInfo& row : kBridgeVersions)
        names += (names.empty() ? "" : ", ") + std::string(row.name);
    return names;
}

SsifBridge::SsifBridge(BridgeVersion version, BridgeDevice& device, EventSink& log)
    : info_(bridge_version_info(version)), device_(device), log_(log) {}

std::optional<SsifBridge::Forward> SsifBridge::on_read(long got, const Bytes& buffer,
                                                       uint64_t now_ns) {
    if (stopped_)
        return std::nullopt;
    const size_t at = info_.len_field; // netfn/lun
    // processMessage: an error or fewer than 2 bytes ends the bridge (channelAbort). A request
    // too short for the netfn and cmd the bridge takes from the buffer would make its data
    // vector from a range that ends before it begins: undefined, std::length_error in
    // practice, which nothing catches.
    if (got < 2 || static_cast<size_t>(got) < at + 2) {
        EventBuilder(log_, now_ns, events::kDaemonRead).num("ret", got);
        EventBuilder(log_, now_ns, events::kDaemonExit)
            .str("why",
                 got < 0 ? "read failed (channelAbort)" : "request shorter than its netfn and cmd");
        stopped_ = true;
        return std::nullopt;
    }
    const uint64_t read = ++reads_;
    // The request as the driver framed it (u32 len, payload), for the log and the checks.
    uint32_t len = 0;
    for (unsigned i = 0; i < SsifBmc::kMsgLenField; ++i)
        len |= static_cast<uint32_t>(buffer[i]) << (8 * i);
    const size_t payload = std::min<size_t>(len, static_cast<size_t>(got) -
                                                     std::min<size_t>(got, SsifBmc::kMsgLenField));
    const Bytes framed(buffer.begin() + SsifBmc::kMsgLenField,
                       buffer.begin() + SsifBmc::kMsgLenField + static_cast<long>(payload));
    EventBuilder(log_, now_ns, events::kDaemonRead)
        .num("ret", got)
        .num("read", static_cast<int64_t>(read))
        .bytes("request", framed);
    observers_.request_read(framed, now_ns);

    // The bridge's own parse: netfn/lun and cmd after its length field, data up to `got`.
    const Last parsed{static_cast<uint8_t>(buffer[at] >> 2), static_cast<uint8_t>(buffer[at] & 3),
                      buffer[at + 1], read};
    Bytes request(buffer.begin() + static_cast<long>(at), buffer.begin() + got);
    last_ = parsed;
    ++outstanding_;
    if (info_.drop_after_keepalive)
        timed_out_ = false;
    if (info_.keepalive_ns)
        keepalive_at_ = now_ns + info_.keepalive_ns; // expires_after restarts it

    // 49c757c: handleGetSysIfCap, for the SSIF interface type (data byte 0 = 0).
    if (info_.answers_sysif_caps && parsed.netfn == ipmi::kGetSystemInterfaceCaps.netfn &&
        parsed.cmd == ipmi::kGetSystemInterfaceCaps.cmd && request.size() > 2 &&
        request[2] == 0x00) {
        // cc 0, reserved, transaction support 10b (start/middle/end) without PEC, max input
        // and output message sizes 0xFF (IPMI v2.0 §22.9).
        const Bytes caps = {ipmi::netfn_lun(ipmi::kGetSystemInterfaceCaps.netfn + 1, last_.lun),
                            ipmi::kGetSystemInterfaceCaps.cmd,
                            0x00,
                            0x00,
                            0x80,
                            0xff,
                            0xff};
        --outstanding_;
        keepalive_at_.reset();
        write(caps, read, "bridge", now_ns);
        return std::nullopt;
    }
    forwarded_[read] = parsed;
    EventBuilder(log_, now_ns, events::kDaemonForward)
        .num("read", static_cast<int64_t>(read))
        .bytes("request", request);
    return Forward{read, request};
}

void SsifBridge::on_ipmid_answer(uint64_t read, const std::optional<Bytes>& response,
                                 uint64_t now_ns) {
    if (stopped_)
        return;
    const auto call = forwarded_.find(read);
    const Last asked = call != forwarded_.end() ? call->second : Last{};
    if (call != forwarded_.end())
        forwarded_.erase(call);
    --outstanding_;
    if (!response || response->size() < 2) {
        EventBuilder(log_, now_ns, events::kDaemonDbusError)
            .num("read", static_cast<int64_t>(read))
            .num("timeout_ns", static_cast<int64_t>(info_.dbus_timeout_ns));
        // faf6a6a answered a D-Bus error for the request it had forwarded; 14480ee on answers
        // nothing, to let the host go on.
        if (info_.ce_on_dbus_error)
            write({static_cast<uint8_t>(((asked.netfn + 1) << 2) | asked.lun), asked.cmd,
                   kCcResponseNotAvailable},
                  read, "dbus_error", now_ns);
        return;
    }
    const Bytes& rsp = *response;
    EventBuilder(log_, now_ns, events::kDaemonIpmidAnswer)
        .num("read", static_cast<int64_t>(read))
        .bytes("response", rsp);
    const uint8_t netfn = rsp[0] >> 2, lun = rsp[0] & 3, cmd = rsp[1];
    // The answer is compared with the last request read, not the one it answers.
    const bool same =
        last_.netfn == static_cast<uint8_t>(netfn - 1) && last_.lun == lun && last_.cmd == cmd;
    if (info_.drop_after_keepalive && timed_out_)
        return drop(read, rsp, "after the bridge's own 0xCE response", now_ns);
    if (info_.last_request_only && !same)
        return drop(read, rsp, "not the last request read", now_ns);
    if (info_.none_outstanding && outstanding_ != 0)
        return drop(read, rsp, "other requests await ipmid", now_ns);
    write(rsp, read, "ipmid", now_ns);
    keepalive_at_.reset(); // rspTimer cancelled after the write, whatever it returned
}

void SsifBridge::drop(uint64_t read, const Bytes& response, const char* why, uint64_t now_ns) {
    EventBuilder(log_, now_ns, events::kDaemonDrop)
        .num("read", static_cast<int64_t>(read))
        .bytes("response", response)
        .str("why", why)
        .num("outstanding", outstanding_);
}

void SsifBridge::on_keepalive(uint64_t now_ns) {
    if (stopped_ || !keepalive_at_)
        return;
    keepalive_at_.reset();
    EventBuilder(log_, now_ns, events::kDaemonKeepalive)
        .num("read", static_cast<int64_t>(last_.read))
        .num("outstanding", outstanding_);
    if (info_.drop_after_keepalive)
        timed_out_ = true;
    // The last request's netfn + 1, its LUN and cmd, completion code 0xCE; numberOfReqNotRsp
    // stays as it is.
    write({static_cast<uint8_t>(((last_.netfn + 1) << 2) | last_.lun), last_.cmd,
           kCcResponseNotAvailable},
          last_.read, "keepalive", now_ns);
}

void SsifBridge::write(const Bytes& response, uint64_t read, const char* from, uint64_t now_ns) {
    Bytes buf;
    if (info_.len_field == SsifBmc::kMsgLenField) {
        buf = encode_ssif_msg(response);
    } else { // a u8 length, then the message
        buf.push_back(static_cast<uint8_t>(response.size()));
        buf.insert(buf.end(), response.begin(), response.end());
    }
    const long ret = device_.write(buf);
    // What the driver takes for the length: the first four bytes, little endian.
    uint32_t len = 0;
    for (unsigned i = 0; i < SsifBmc::kMsgLenField && i < buf.size(); ++i)
        len |= static_cast<uint32_t>(buf[i]) << (8 * i);
    EventBuilder(log_, now_ns, ret < 0 ? events::kDaemonWriteFailed : events::kDaemonWrite)
        .num("ret", ret)
        .num("read", static_cast<int64_t>(read))
        .str("from", from)
        .num("len", len)
        .bytes("response", response);
    if (ret >= 0)
        observers_.response_written(response, now_ns, read);
    if (ret == -EAGAIN) {
        EventBuilder(log_, now_ns, events::kDaemonStuck)
            .str("why", "write() -EAGAIN: asio's blocking write polls for POLLOUT, which "
                        "ssif_bmc_poll never reports");
        stopped_ = true;
    }
}

Ipmid::Ipmid(const IpmidConfig& config, IpmiBackend& backend, uint64_t seed)
    : config_(config), backend_(backend),
      rng_(seed ^ 0x69706d69ULL /* "ipmi": apart from the workload's and the daemon's */) {}

Ipmid::Reply Ipmid::call(const Bytes& request, uint64_t now_ns) {
    uint64_t lo = config_.latency_ns, hi = config_.latency_max_ns;
    if (request.size() >= 2)
        for (const IpmidLatency& c : config_.commands)
            if (c.netfn == request[0] >> 2 && c.cmd == request[1]) {
                lo = c.min_ns;
                hi = c.max_ns;
                break;
            }
    const uint64_t latency = hi > lo ? rng_.uniform(lo, hi) : lo;
    const uint64_t start = config_.serial ? std::max(now_ns, free_at_ns_) : now_ns;
    Reply reply;
    reply.due_ns = start + latency + backend_.hold_ns(request);
    reply.response = backend_.respond(request, now_ns);
    if (config_.serial)
        free_at_ns_ = reply.due_ns;
    return reply;
}

SsifBridgeModule::SsifBridgeModule(sc_core::sc_module_name name, const BridgeConfig& config,
                                   BmcModule& bmc, IpmiBackend& backend, uint64_t seed,
                                   EventSink& log)
    : sc_module(name), bmc_(bmc), log_(log), bridge_(config.version, *this, log),
      ipmid_(config.ipmid, backend, seed), buffer_(bridge_.read_count(), 0) {
    SC_THREAD(reader);
    SC_THREAD(dispatcher);
}

long SsifBridgeModule::write(const Bytes& buf) {
    return bmc_.dev_write(buf, true); // the descriptor is O_NONBLOCK
}

void SsifBridgeModule::reader() {
    const int opened = bmc_.dev_open();
    EventBuilder(log_, sim_now_ns(), events::kDaemonOpen).num("ret", opened);
    if (opened < 0)
        return;
    for (;;) {
        bmc_.wait_readable();
        if (bridge_.stopped())
            wait_on(never_);
        Bytes got_bytes;
        const long got = bmc_.dev_read(got_bytes, true, SsifBmc::kCopyAll, buffer_.size());
        if (got == -EAGAIN)
            continue; // asio waits for readiness again
        std::copy(got_bytes.begin(), got_bytes.end(), buffer_.begin());
        const uint64_t now = sim_now_ns();
        const std::optional<SsifBridge::Forward> fwd = bridge_.on_read(got, buffer_, now);
        if (fwd) {
            const Ipmid::Reply reply = ipmid_.call(fwd->request, now);
            // sd-bus fails the call at its timeout if ipmid has not replied by then.
            const uint64_t deadline = now + bridge_.info().dbus_timeout_ns;
            if (reply.response && reply.due_ns <= deadline)
                due_[{reply.due_ns, made_++}] = {fwd->read, reply.response};
            else
                due_[{deadline, made_++}] = {fwd->read, std::nullopt};
        }
        wake_.notify(sc_core::SC_ZERO_TIME);
        if (bridge_.stopped())
            wait_on(never_);
    }
}

void SsifBridgeModule::dispatcher() {
    for (;;) {
        if (bridge_.stopped())
            wait_on(never_);
        std::optional<uint64_t> next;
        if (!due_.empty())
            next = due_.begin()->first.first;
        const std::optional<uint64_t> keepalive = bridge_.keepalive_at();
        if (keepalive && (!next || *keepalive < *next))
            next = keepalive;
        const uint64_t now = sim_now_ns();
        if (!next) {
            wait_on(wake_);
            continue;
        }
        if (*next > now) {
            wait_for_or(*next - now, wake_);
            continue;
        }
        // A D-Bus reply due at the same moment as the timer is handled first.
        if (!due_.empty() && due_.begin()->first.first <= now) {
            const auto [read, answer] = due_.begin()->second;
            due_.erase(due_.begin());
            bridge_.on_ipmid_answer(read, answer, now);
        } else {
            bridge_.on_keepalive(now);
        }
    }
}

} // namespace ssifsim::ssif
