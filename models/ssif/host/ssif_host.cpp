#include "models/ssif/host/ssif_host.h"

#include <algorithm>
#include <cstdio>

#include "models/common/sim_time.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

namespace {
// IPMI_MAX_MSG_LENGTH: the most a multi-part response may reassemble to.
constexpr size_t kIpmiMaxMsgLength = 272;

constexpr HostTiming kMainline{5000, 60000, 60000, true, 5, 250};
constexpr HostTiming kPre2023{5000, 20000, 0, false, 5, 250};
} // namespace

bool parse_host_variant(const std::string& name, HostVariant* out) {
    if (name == "mainline")
        *out = HostVariant::Mainline;
    else if (name == "pre-2023")
        *out = HostVariant::Pre2023;
    else
        return false;
    return true;
}

const char* host_variant_name(HostVariant v) {
    return v == HostVariant::Mainline ? "mainline" : "pre-2023";
}

const HostTiming& host_timing(HostVariant v) {
    return v == HostVariant::Mainline ? kMainline : kPre2023;
}

SsifHost::SsifHost(sc_core::sc_module_name name, const HostConfig& config, smbus::SmbusBus& bus,
                   EventSink& log, VcdWriter* tl_vcd)
    : sc_module(name), config_(config), timing_(host_timing(config.variant)), jiffies_(config.hz),
      bus_(bus), log_(log), vcd_(tl_vcd) {
    SC_THREAD(feed);
    SC_THREAD(driver);
    if (vcd_)
        sig_phase_ = vcd_->add_signal("host_phase", 3, 0);
}

void SsifHost::set_phase(Phase p) {
    if (vcd_)
        vcd_->change(sim_now_ns(), sig_phase_, static_cast<uint64_t>(p));
}

void SsifHost::submit(const HostRequest& request) {
    schedule_.push_back(request);
    std::stable_sort(schedule_.begin(), schedule_.end(),
                     [](const HostRequest& a, const HostRequest& b) { return a.at_ns < b.at_ns; });
}

void SsifHost::feed() {
    for (const HostRequest& request : schedule_) {
        if (request.at_ns > sim_now_ns())
            sc_core::wait(ns(request.at_ns - sim_now_ns()));
        EventBuilder(log_, sim_now_ns(), "host", "request")
            .num("id", request.id)
            .bytes("payload", request.payload);
        queue_.push_back(request);
        queued_.notify(sc_core::SC_ZERO_TIME);
    }
}

void SsifHost::driver() {
    for (;;) {
        while (queue_.empty())
            sc_core::wait(queued_);
        const HostRequest request = queue_.front();
        queue_.pop_front();
        RequestOutcome out;
        out.id = request.id;
        out.request = request.payload;
        out.submitted_ns = request.at_ns;
        send_message(request, out);
        set_phase(Phase::Idle);
        EventBuilder(log_, sim_now_ns(), "host", "response")
            .num("id", out.id)
            .bytes("payload", out.response)
            .hex("cc", out.completion_code)
            .str("error", out.error)
            .num("response_ns", static_cast<int64_t>(out.response_ns()));
        outcomes_.push_back(out);
        if (stop_when_done_ && outcomes_.size() == schedule_.size())
            sc_core::sc_stop();
    }
}

void SsifHost::send_message(const HostRequest& request, RequestOutcome& out) {
    if (write_request(request.payload, out) && read_response(out)) {
        out.completion_code = out.response.size() >= 3 ? out.response[2] : kCcUnspecified;
        // ipmi_msghandler: a response must carry the request's netfn + 1 and its cmd.
        const Bytes& rsp = out.response;
        if (rsp.size() < 2 || (rsp[0] >> 2) != ((request.payload[0] >> 2) | 1) ||
            rsp[1] != request.payload[1]) {
            out.error = "mismatched_response";
            out.completion_code = kCcUnspecified;
        }
        return;
    }
    if (out.error == "power_off") {
        // The host died with the request in flight: nobody gets an answer. It comes back
        // after the off time and goes on with the queue, as a rebooted driver would.
        out.response.clear();
        out.completed_ns = sim_now_ns();
        set_phase(Phase::Off);
        EventBuilder(log_, sim_now_ns(), "host", "power_off")
            .num("id", out.id)
            .num("off_ns", static_cast<int64_t>(power_off_ns_));
        sc_core::wait(ns(power_off_ns_));
        EventBuilder(log_, sim_now_ns(), "host", "power_on");
        return;
    }
    // return_hosed_msg: the IPMI layer gets netfn+1, cmd, 0xFF.
    const uint8_t netfn_lun = request.payload.size() > 0 ? request.payload[0] : 0;
    const uint8_t cmd = request.payload.size() > 1 ? request.payload[1] : 0;
    out.response = {static_cast<uint8_t>(netfn_lun | 0x04), cmd, kCcUnspecified};
    out.completion_code = kCcUnspecified;
    out.completed_ns = sim_now_ns();
}

smbus::SmbusResult SsifHost::transfer(bool read, uint8_t command, const Bytes& data,
                                      RequestOutcome& out) {
    const uint64_t start = sim_now_ns();
    HostFault fault;
    if (faults_)
        fault = faults_->next_transfer(out.id, read, command);
    smbus::SmbusResult r =
        read ? bus_.block_read(config_.bmc_addr7, command, config_.pec, fault.wire)
             : bus_.block_write(config_.bmc_addr7, command, data, config_.pec, fault.wire);
    if (r.status == smbus::SmbusStatus::Abandoned) {
        out.error = "power_off";
        power_off_ns_ = fault.power_off_ns;
    }
    char cmd[8];
    std::snprintf(cmd, sizeof cmd, "0x%02x", command);
    out.timeline.push_back(
        {read ? "read" : "write", cmd, smbus::status_name(r.status), start, sim_now_ns()});
    return r;
}

void SsifHost::sleep_usec(uint64_t usec, const char* reason, RequestOutcome& out) {
    const uint64_t now = sim_now_ns();
    const uint64_t delta = jiffies_.from_usec(usec);
    const uint64_t expires = jiffies_.expiry_ns(now, delta);
    EventBuilder(log_, now, "host", "timer")
        .str("reason", reason)
        .num("jiffies", static_cast<int64_t>(delta))
        .num("expires_ns", static_cast<int64_t>(expires));
    sc_core::wait(ns(expires - now));
    out.timeline.push_back({"wait", reason, "", now, sim_now_ns()});
}

bool SsifHost::write_request(const Bytes& payload, RequestOutcome& out) {
    // Multi-part writes (0x06/0x07/0x08) come with the host issue; the scenario loader
    // refuses requests over 32 bytes until then.
    int retries_left = timing_.send_attempts;
    for (;;) {
        set_phase(Phase::Writing);
        ++out.write_attempts;
        ++out.parts_written;
        if (out.write_attempts == 1)
            out.started_ns = sim_now_ns();
        const smbus::SmbusResult r = transfer(false, kWriteSingle, payload, out);
        if (r.ok())
            return true;
        if (r.status == smbus::SmbusStatus::Abandoned)
            return false;
        EventBuilder(log_, sim_now_ns(), "host", "write_error")
            .num("id", out.id)
            .str("status", smbus::status_name(r.status));
        if (--retries_left <= 0) {
            out.error = "write_failed";
            return false;
        }
        if (timing_.write_retry_waits) {
            set_phase(Phase::WaitWriteRetry);
            sleep_usec(timing_.write_retry_usec, "write_retry", out);
        }
    }
}

bool SsifHost::read_response(RequestOutcome& out) {
    int retries_left = timing_.read_attempts;
    set_phase(Phase::WaitFirstRead);
    sleep_usec(timing_.msg_part_usec, "first_read", out);
    for (;;) {
        set_phase(Phase::Reading);
        ++out.read_attempts;
        ++out.parts_read;
        smbus::SmbusResult r = transfer(true, kReadStart, {}, out);
        Bytes message;
        if (r.ok() && r.data.size() > 1 && r.data[0] == 0x00 && r.data[1] == 0x01) {
            // Multi-part: strip the marker, then read 0x09 parts until block 0xFF.
            message.assign(r.data.begin() + 2, r.data.end());
            for (unsigned expected_block = 0; r.ok();) {
                ++out.parts_read;
                r = transfer(true, kReadMiddle, {}, out);
                if (!r.ok())
                    break;
                const uint8_t block = r.data[0];
                const size_t len = r.data.size() - 1;
                if (block != kReadEndBlock && len != kReadMiddleData) {
                    out.error = "bad_part_length"; // -EIO, not retried
                    return false;
                }
                if (message.size() + len > kIpmiMaxMsgLength) {
                    out.error = "too_big"; // -E2BIG, not retried
                    return false;
                }
                message.insert(message.end(), r.data.begin() + 1, r.data.end());
                if (block == kReadEndBlock)
                    break;
                if (block != expected_block) {
                    out.error = "bad_block"; // -EIO, not retried
                    return false;
                }
                ++expected_block;
            }
        } else if (r.ok()) {
            message = r.data;
        }
        if (r.ok()) {
            out.response = message;
            out.completed_ns = r.end_ns;
            return true;
        }
        if (r.status == smbus::SmbusStatus::Abandoned)
            return false;
        // An SMBus-level error: retry from 0x03 after SSIF_MSG_USEC.
        EventBuilder(log_, sim_now_ns(), "host", "read_error")
            .num("id", out.id)
            .str("status", smbus::status_name(r.status))
            .num("count", r.count);
        if (--retries_left <= 0) {
            out.error = "read_failed";
            return false;
        }
        set_phase(Phase::WaitReadRetry);
        sleep_usec(timing_.read_retry_usec, "read_retry", out);
    }
}

} // namespace ssifsim::ssif
