#include "models/ssif/host/ssif_host.h"

#include <algorithm>
#include <cstdio>

#include "models/common/name_table.h"
#include "models/common/sim_time.h"
#include "models/ssif/framing.h"
#include "models/ssif/host/write_parts.h"

namespace ssifsim::ssif {

namespace {
// IPMI_MAX_MSG_LENGTH: the most a request may hold and a multi-part response reassemble to.
constexpr size_t kIpmiMaxMsgLength = 272;

// The version table: one row per step, each the one before plus its change.
constexpr HostKernel kHostKernels[] = {
    {HostVariant::Pre2023, "before Jan 2023 (e.g. 5.15, 6.1.0)", 5000, 20000, 0, false, 5, 250,
     true, false, false},
    {HostVariant::Timers2023,
     "\"ipmi:ssif: Increase the message retry time\" and \"Add a timer between request "
     "retries\" (Jan 2023, in stable from 5.10.176 and 6.1.x)",
     5000, 60000, 60000, true, 5, 250, true, false, false},
    {HostVariant::Flags2023, "6d2555cde291 \"ipmi: fix SSIF not responding under certain cond.\"",
     5000, 60000, 60000, true, 5, 250, true, true, false},
    {HostVariant::Msleep2024,
     "4381b895f544 \"timers: Remove historical extra jiffie for timeout in msleep()\" (6.12)", 5000,
     60000, 60000, true, 5, 250, false, true, false},
    {HostVariant::Probe2024, "88f65f903d25 \"ipmi:ssif: Improve detecting during probing\" (6.12)",
     5000, 60000, 60000, true, 5, 250, false, true, true},
    {HostVariant::Mainline, "6.12.117 and later", 5000, 60000, 60000, true, 5, 250, false, true,
     true},
};

// SSIF_WATCH_MSG_TIMEOUT and SSIF_WATCH_WATCHDOG_TIMEOUT, in ms (msecs_to_jiffies).
constexpr uint64_t kWatchMessagesMsecs = 10;
constexpr uint64_t kWatchWatchdogMsecs = 250;

constexpr Named<HostVariant> kVariantNames[] = {
    {"mainline", HostVariant::Mainline},      {"pre-2023", HostVariant::Pre2023},
    {"2023-timers", HostVariant::Timers2023}, {"2023-flags", HostVariant::Flags2023},
    {"2024-msleep", HostVariant::Msleep2024}, {"2024-probe", HostVariant::Probe2024},
    {"6.1", HostVariant::Flags2023},          {"6.12", HostVariant::Mainline},
};
constexpr Named<Enumeration> kEnumerationNames[] = {
    {"acpi", Enumeration::Acpi},
    {"detect", Enumeration::Detect},
};
// IPMI_MAX_CHANNELS: the channel scan asks for channels 0..15.
constexpr uint8_t kMaxChannels = 16;
constexpr Named<Watch> kWatchNames[] = {
    {"off", Watch::Off},
    {"messages", Watch::Messages},
    {"watchdog", Watch::Watchdog},
};
constexpr Named<DriverState> kStateNames[] = {
    {"idle", DriverState::Idle},
    {"getting_flags", DriverState::GettingFlags},
    {"getting_events", DriverState::GettingEvents},
    {"clearing_flags", DriverState::ClearingFlags},
    {"getting_messages", DriverState::GettingMessages},
    {"probing", DriverState::Probing},
};

// The response answers the request: netfn + 1 and the same command (ipmi_msghandler and
// the driver's own checks).
bool answers(const Bytes& request, const Bytes& response) {
    return request.size() >= 2 && response.size() >= 2 &&
           (response[0] >> 2) == ((request[0] >> 2) | 1) && response[1] == request[1];
}
} // namespace

bool parse_host_variant(const std::string& name, HostVariant* out) {
    return value_of(kVariantNames, name, out);
}

const char* host_variant_name(HostVariant v) {
    return name_of(kVariantNames, v);
}

std::string host_variant_names() {
    return names_of(kVariantNames);
}

const HostKernel& host_kernel(HostVariant v) {
    for (const HostKernel& row : kHostKernels)
        if (row.variant == v)
            return row;
    return kHostKernels[std::size(kHostKernels) - 1];
}

bool parse_enumeration(const std::string& name, Enumeration* out) {
    return value_of(kEnumerationNames, name, out);
}

const char* enumeration_name(Enumeration e) {
    return name_of(kEnumerationNames, e);
}

bool parse_watch(const std::string& name, Watch* out) {
    return value_of(kWatchNames, name, out);
}

const char* watch_name(Watch w) {
    return name_of(kWatchNames, w);
}

const char* driver_state_name(DriverState s) {
    return name_of(kStateNames, s);
}

SsifHost::SsifHost(sc_core::sc_module_name name, const HostConfig& config, smbus::SmbusBus& bus,
                   EventSink& log, VcdWriter* tl_vcd)
    : sc_module(name), config_(config), kernel_(host_kernel(config.variant)),
      adapter_(smbus::host_adapter(config.adapter)), jiffies_(config.hz), bus_(bus), log_(log),
      vcd_(tl_vcd) {
    SC_THREAD(feed);
    SC_THREAD(driver);
    SC_THREAD(watch_timer);
    SC_THREAD(alert_worker);
    if (vcd_) {
        sig_phase_ = vcd_->add_signal("host_phase", 3, 0);
        sig_state_ = vcd_->add_signal("host_state", 3, 0);
    }
}

void SsifHost::set_phase(Phase p) {
    if (vcd_)
        vcd_->change(sim_now_ns(), sig_phase_, static_cast<uint64_t>(p));
}

void SsifHost::set_state(DriverState s) {
    if (s != state_)
        EventBuilder(log_, sim_now_ns(), "host", "state")
            .str("from", driver_state_name(state_))
            .str("to", driver_state_name(s));
    state_ = s;
    if (vcd_)
        vcd_->change(sim_now_ns(), sig_state_, static_cast<uint64_t>(s));
}

void SsifHost::maybe_stop() {
    if (stop_gate_ && probed_ && completed_ == submitted()) {
        stop_gate_->done();
        stop_gate_ = nullptr; // once
    }
}

void SsifHost::feed() {
    HostRequest request;
    while (requests_ && requests_->next(&request)) {
        if (request.at_ns > sim_now_ns())
            wait_for(request.at_ns - sim_now_ns());
        EventBuilder(log_, sim_now_ns(), "host", "request")
            .num("id", request.id)
            .bytes("payload", request.payload);
        queue_.push_back(request);
        wake_.notify(sc_core::SC_ZERO_TIME);
    }
    fed_all_ = true;
    wake_.notify(sc_core::SC_ZERO_TIME);
}

void SsifHost::hang() {
    // The driver never leaves its state again: start_next_msg and watch_timeout only start
    // work from idle. Requests still arrive and wait in the queue; once the workload has
    // handed over its last one, nothing of the host's can change and the run may end.
    while (!fed_all_)
        wait_on(wake_);
    EventBuilder(log_, sim_now_ns(), "host", "hung")
        .str("state", driver_state_name(state_))
        .num("queued", static_cast<int64_t>(queue_.size()));
    if (stop_gate_) {
        stop_gate_->done();
        stop_gate_ = nullptr;
    }
}

void SsifHost::driver() {
    if (config_.probe) {
        if (config_.enumeration == Enumeration::Detect && !i2c_detect())
            link_.found = false; // i2c_detect found nothing: ssif_probe never runs
        else
            probe();
        set_state(DriverState::Idle);
        if (link_.found)
            link_.found = register_smi();
    } else {
        link_ = config_.link;
    }
    EventBuilder(log_, sim_now_ns(), "host", "link")
        .str("source", config_.probe ? "probe" : "scenario")
        .flag("found", link_.found)
        .flag("pec", link_.pec)
        .num("max_transmit", link_.max_transmit)
        .num("max_receive", link_.max_receive)
        .flag("cmd8_works", link_.cmd8_works)
        .flag("event_buffer", link_.has_event_buffer)
        .flag("alerts", link_.supports_alert);
    probed_ = true;
    probe_done_.notify(sc_core::SC_ZERO_TIME);
    set_state(DriverState::Idle);
    maybe_stop();
    // When the driver is idle: flags first if the watch timer asked, then the next message
    // (the end of msg_done_handler, and sender()).
    for (;;) {
        while (queue_.empty() && !req_flags_)
            wait_on(wake_);
        if (req_flags_ && link_.found) {
            fetch_flags();
            if (hung_)
                return hang();
            continue;
        }
        req_flags_ = false;
        if (queue_.empty())
            continue;
        const HostRequest request = queue_.front();
        queue_.pop_front();
        run_request(request);
        maybe_stop();
    }
}

void SsifHost::run_request(const HostRequest& request) {
    RequestOutcome out;
    out.id = request.id;
    out.request = request.payload;
    out.submitted_ns = request.at_ns;
    out.started_ns = sim_now_ns();
    if (outcome_sink_)
        outcome_sink_->started(out.id, out.started_ns);
    in_message_ = true;
    if (!link_.found) {
        out.error = "no_interface";
    } else if (request.payload.size() > link_.max_transmit ||
               request.payload.size() > kIpmiMaxMsgLength) {
        out.error = "request_too_big"; // start_send: -E2BIG before any transfer
    } else if (exchange(request.payload, out)) {
        out.completion_code = out.response.size() >= 3 ? out.response[2] : kCcUnspecified;
        // ipmi_msghandler: a response must carry the request's netfn + 1 and its cmd.
        if (!answers(request.payload, out.response)) {
            out.error = "mismatched_response";
            out.completion_code = kCcUnspecified;
        }
    }
    in_message_ = false;
    if (out.error == "power_off") {
        // The host died with the request in flight: nobody gets an answer. It comes back
        // after the off time and goes on with the queue, as a rebooted driver would.
        out.response.clear();
        out.completed_ns = sim_now_ns();
        set_phase(Phase::Off);
        EventBuilder(log_, sim_now_ns(), "host", "power_off")
            .num("id", out.id)
            .num("off_ns", static_cast<int64_t>(power_off_ns_));
        wait_for(power_off_ns_);
        EventBuilder(log_, sim_now_ns(), "host", "power_on");
    } else if (!out.error.empty() && out.error != "mismatched_response") {
        // return_hosed_msg: the IPMI layer gets netfn+1, cmd, 0xFF.
        ++stats_.hosed;
        const uint8_t netfn_lun = request.payload.size() > 0 ? request.payload[0] : 0;
        const uint8_t cmd = request.payload.size() > 1 ? request.payload[1] : 0;
        out.response = {static_cast<uint8_t>(netfn_lun | 0x04), cmd, kCcUnspecified};
        out.completion_code = kCcUnspecified;
        out.completed_ns = sim_now_ns();
    }
    set_phase(Phase::Idle);
    EventBuilder(log_, sim_now_ns(), "host", "response")
        .num("id", out.id)
        .bytes("payload", out.response)
        .hex("cc", out.completion_code)
        .str("error", out.error)
        .num("response_ns", static_cast<int64_t>(out.response_ns()));
    ++completed_;
    if (outcome_sink_)
        outcome_sink_->completed(out);
}

// ---- flags, incoming messages and events (handle_flags) ---------------------------------

bool SsifHost::internal_message(const Bytes& payload, size_t min_len, Bytes& rsp) {
    RequestOutcome out; // id 0: the driver's own
    out.request = payload;
    // start_flag_fetch and start_clear_flags send without a message (curr_msg stays NULL,
    // so ssif_alert ignores an alert during their transfers); start_recv_msg_fetch and
    // start_event_fetch allocate one.
    const uint8_t cmd = payload[1];
    in_message_ = cmd != app::kGetMessageFlags && cmd != app::kClearMessageFlags;
    const bool ok = exchange(payload, out);
    in_message_ = false;
    set_phase(Phase::Idle);
    rsp = out.response;
    return ok && rsp.size() >= min_len && rsp[2] == kCcOk && answers(payload, rsp);
}

void SsifHost::fetch_flags() {
    req_flags_ = false;
    set_state(DriverState::GettingFlags);
    Bytes rsp;
    if (!internal_message({app::kNetfnLun, app::kGetMessageFlags}, 4, rsp)) {
        // msg_done_handler, SSIF_GETTING_FLAGS: an error, a short answer or a non-zero
        // completion code ends the fetch ("Error getting flags"); a good answer to another
        // command ("Invalid response getting flags") does so from 6d2555cde291 on.
        const bool invalid = rsp.size() >= 4 && rsp[2] == kCcOk;
        EventBuilder(log_, sim_now_ns(), "host", "flags_error")
            .str("reason", invalid ? "invalid_response" : "error")
            .bytes("response", rsp);
        if (invalid && !kernel_.flags_mismatch_goes_idle) {
            hung_ = true; // stays in GETTING_FLAGS with no message in flight
            return;
        }
        set_state(DriverState::Idle);
        return;
    }
    ++stats_.flag_fetches;
    msg_flags_ = rsp[3];
    EventBuilder(log_, sim_now_ns(), "host", "flags").hex("flags", msg_flags_);
    // handle_flags: the watchdog pre-timeout first, then messages, then events; each
    // fetch repeats until the BMC has nothing left (a non-zero completion code).
    for (;;) {
        if (msg_flags_ & app::kWatchdogPreTimeout) {
            ++stats_.watchdog_pretimeouts;
            msg_flags_ &= static_cast<uint8_t>(~app::kWatchdogPreTimeout);
            set_state(DriverState::ClearingFlags);
            internal_message({app::kNetfnLun, app::kClearMessageFlags, app::kWatchdogPreTimeout}, 3,
                             rsp);
            break;
        }
        const bool messages = msg_flags_ & app::kReceiveMessageAvailable;
        const bool events = !messages && (msg_flags_ & app::kEventMessageBufferFull);
        if (!messages && !events)
            break;
        set_state(messages ? DriverState::GettingMessages : DriverState::GettingEvents);
        const uint8_t cmd = messages ? app::kGetMessage : app::kReadEventMessageBuffer;
        if (internal_message({app::kNetfnLun, cmd}, 3, rsp)) {
            ++(messages ? stats_.incoming_messages : stats_.events);
            EventBuilder(log_, sim_now_ns(), "host", "incoming")
                .str("kind", messages ? "message" : "event")
                .bytes("payload", rsp);
        } else {
            msg_flags_ &= static_cast<uint8_t>(
                ~(messages ? app::kReceiveMessageAvailable : app::kEventMessageBufferFull));
        }
    }
    set_state(DriverState::Idle);
}

void SsifHost::watch_timer() {
    if (config_.watch == Watch::Off)
        return;
    if (!probed_)
        wait_on(probe_done_);
    const uint64_t period = jiffies_.from_msecs(
        config_.watch == Watch::Messages ? kWatchMessagesMsecs : kWatchWatchdogMsecs);
    // ssif_set_need_watch arms it from process context; watch_timeout re-arms it from its
    // own callback, where the timer base clock already reads one past jiffies.
    uint64_t expires = arm_timer(period);
    for (;;) {
        wait_for(expires - sim_now_ns());
        timer_ran();
        const uint64_t j = jiffies_.at(sim_now_ns());
        expires = jiffies_.start_ns(jiffies_.wheel_expiry(j + period, j + 1));
        req_flags_ = true;
        wake_.notify(sc_core::SC_ZERO_TIME);
    }
}

// ---- SMBus alert -------------------------------------------------------------------------

void SsifHost::alert_worker() {
    if (!alert_line_)
        return;
    for (;;) {
        wait_on(alert_line_->asserted());
        while (alert_line_->low()) {
            adapter_lock_.lock();
            const smbus::SmbusResult r = bus_.receive_byte(smbus::AlertLine::kAlertResponseAddress);
            if (transfer_irq_)
                transfer_irq_->transfer_complete();
            adapter_lock_.unlock();
            const bool ours = r.ok() && !r.data.empty() && (r.data[0] >> 1) == config_.bmc_addr7;
            if (ours)
                on_alert();
            else if (!r.ok())
                break;
        }
    }
}

void SsifHost::on_alert() {
    ++stats_.alerts;
    const char* action = "ignored";
    if (waiting_alert_) {
        waiting_alert_ = false; // del_timer, then start_get at once
        alert_kick_.notify(sc_core::SC_ZERO_TIME);
        action = "read_now";
    } else if (in_message_) {
        got_alert_ = true;
        action = "noted";
    }
    EventBuilder(log_, sim_now_ns(), "host", "alert").str("action", action);
}

// ---- the message path --------------------------------------------------------------------

smbus::SmbusResult SsifHost::transfer(bool read, uint8_t command, const Bytes& data, bool pec,
                                      RequestOutcome& out) {
    adapter_lock_.lock();
    const uint64_t start = sim_now_ns();
    // __i2c_smbus_xfer: a lost arbitration (-EAGAIN) is tried again at once, up to
    // adapter->retries more times, unless adapter->timeout (in jiffies) has passed since the
    // first try.
    const uint64_t first_jiffy = jiffies_.at(start);
    const uint64_t timeout_jiffies =
        (bus_.timing().adapter_timeout_ns + jiffies_.tick_ns() - 1) / jiffies_.tick_ns();
    HostFault fault;
    smbus::SmbusResult r;
    for (int attempt = 0;; ++attempt) {
        fault = faults_ ? faults_->next_transfer(out.id, read, command) : HostFault{};
        r = read ? bus_.block_read(config_.bmc_addr7, command, pec, fault.wire)
                 : bus_.block_write(config_.bmc_addr7, command, data, pec, fault.wire);
        if (transfer_irq_ && r.status != smbus::SmbusStatus::Abandoned)
            transfer_irq_->transfer_complete(); // the i2c driver sleeps until its interrupt
        if (r.status != smbus::SmbusStatus::ArbitrationLost || attempt >= adapter_.retries ||
            jiffies_.at(sim_now_ns()) > first_jiffy + timeout_jiffies)
            break;
        EventBuilder(log_, sim_now_ns(), "host", "adapter_retry").num("try", attempt + 1);
    }
    adapter_lock_.unlock();
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

void SsifHost::log_timer(const char* reason, uint64_t jiffies, uint64_t expires_ns) {
    EventBuilder(log_, sim_now_ns(), "host", "timer")
        .str("reason", reason)
        .num("jiffies", static_cast<int64_t>(jiffies))
        .num("expires_ns", static_cast<int64_t>(expires_ns));
}

uint64_t SsifHost::arm_timer(uint64_t delta) {
    // The timer base clock: __run_timers leaves it one past jiffies once it has run the tick's
    // timers; otherwise mod_timer's forward_timer_base brings it to jiffies. The driver's
    // timers are taken to be the only ones on the CPU's wheel.
    const uint64_t now = sim_now_ns();
    const uint64_t j = jiffies_.at(now);
    return jiffies_.timer_expiry_ns(delta, now, j == last_timer_tick_ ? j + 1 : j);
}

void SsifHost::timer_ran() {
    last_timer_tick_ = jiffies_.at(sim_now_ns());
}

void SsifHost::sleep_usec(uint64_t usec, const char* reason, bool interruptible,
                          RequestOutcome& out) {
    const uint64_t now = sim_now_ns();
    const uint64_t delta = jiffies_.from_usec(usec);
    const uint64_t expires = arm_timer(delta);
    log_timer(reason, delta, expires);
    if (!interruptible) {
        wait_for(expires - now);
    } else {
        waiting_alert_ = true;
        wait_for_or(expires - now, alert_kick_);
        waiting_alert_ = false;
    }
    if (sim_now_ns() == expires)
        timer_ran();
    out.timeline.push_back({"wait", reason, "", now, sim_now_ns()});
}

bool SsifHost::exchange(const Bytes& payload, RequestOutcome& out) {
    return write_request(payload, out) && read_response(out);
}

bool SsifHost::write_request(const Bytes& payload, RequestOutcome& out) {
    const std::vector<WritePart> parts = write_parts(payload, link_.cmd8_works);
    retries_left_ = kernel_.send_attempts;
    for (;;) {
        got_alert_ = false; // start_resend
        set_phase(Phase::Writing);
        ++out.write_attempts;
        smbus::SmbusResult r;
        size_t failed_part = 0;
        for (const WritePart& part : parts) {
            ++out.parts_written;
            r = transfer(false, part.command, part.data, link_.pec, out);
            if (!r.ok())
                break;
            ++failed_part;
        }
        if (r.ok())
            return true;
        if (r.status == smbus::SmbusStatus::Abandoned)
            return false;
        // msg_written_handler: a failed part costs one attempt; the whole message is
        // resent from its first part.
        EventBuilder(log_, sim_now_ns(), "host", "write_error")
            .num("id", out.id)
            .num("part", static_cast<int64_t>(failed_part))
            .str("status", smbus::status_name(r.status))
            .num("errno", smbus::transfer_errno(adapter_, r.status));
        if (--retries_left_ <= 0) {
            out.error = "write_failed";
            return false;
        }
        if (kernel_.write_retry_waits) {
            set_phase(Phase::WaitWriteRetry);
            sleep_usec(kernel_.write_retry_usec, "write_retry", false, out);
        }
    }
}

bool SsifHost::read_response(RequestOutcome& out) {
    if (got_alert_) {
        // The alert came during the write: read at once. The driver does not reload
        // retries_left here, so the read gets what the write left of SSIF_SEND_RETRIES.
        got_alert_ = false;
    } else {
        retries_left_ = kernel_.read_attempts;
        set_phase(Phase::WaitFirstRead);
        sleep_usec(kernel_.msg_part_usec, "first_read", true, out);
    }
    for (;;) {
        set_phase(Phase::Reading);
        ++out.read_attempts;
        ++out.parts_read;
        smbus::SmbusResult r = transfer(true, kReadStart, {}, link_.pec, out);
        Bytes message;
        if (r.ok() && r.data.size() > 1 && r.data[0] == 0x00 && r.data[1] == 0x01) {
            // Multi-part: strip the marker, then read 0x09 parts until block 0xFF.
            message.assign(r.data.begin() + 2, r.data.end());
            for (unsigned expected_block = 0; r.ok();) {
                ++out.parts_read;
                r = transfer(true, kReadMiddle, {}, link_.pec, out);
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
            out.completed_ns = sim_now_ns(); // when the driver learns of it
            return true;
        }
        if (r.status == smbus::SmbusStatus::Abandoned)
            return false;
        // An SMBus-level error: retry from 0x03 after SSIF_MSG_USEC.
        EventBuilder(log_, sim_now_ns(), "host", "read_error")
            .num("id", out.id)
            .str("status", smbus::status_name(r.status))
            .num("errno", smbus::transfer_errno(adapter_, r.status))
            .num("count", r.count);
        if (--retries_left_ <= 0) {
            out.error = "read_failed";
            return false;
        }
        set_phase(Phase::WaitReadRetry);
        sleep_usec(kernel_.read_retry_usec, "read_retry", true, out);
    }
}

// ---- the probe (ssif_probe) --------------------------------------------------------------

void SsifHost::msleep(uint64_t msecs, const char* reason) {
    // msleep: schedule_timeout(msecs_to_jiffies(m)), plus one jiffy before 4381b895f544; the
    // timer goes through the wheel like any other.
    const uint64_t now = sim_now_ns();
    const uint64_t delta = jiffies_.from_msecs(msecs) + (kernel_.msleep_extra_jiffy ? 1 : 0);
    const uint64_t expires = arm_timer(delta);
    log_timer(reason, delta, expires);
    wait_for(expires - now);
    timer_ran();
}

bool SsifHost::probe_write(uint8_t command, const Bytes& data, bool retry) {
    RequestOutcome scratch;
    for (int tries = retry ? kernel_.send_attempts : 1;;) {
        if (transfer(false, command, data, false, scratch).ok())
            return true;
        if (--tries <= 0)
            return false;
        if (kernel_.write_retry_waits)
            msleep(kernel_.write_retry_usec / 1000, "probe_write_retry");
    }
}

bool SsifHost::probe_read(Bytes& rsp) {
    RequestOutcome scratch;
    for (int tries = kernel_.read_attempts; tries > 0; --tries) {
        const smbus::SmbusResult r = transfer(true, kReadStart, {}, false, scratch);
        if (r.ok() && !r.data.empty()) {
            rsp = r.data;
            return true;
        }
        msleep(kernel_.read_retry_usec / 1000, "probe_read_retry");
    }
    return false;
}

bool SsifHost::do_cmd(const Bytes& msg, Bytes& rsp) {
    EventBuilder(log_, sim_now_ns(), "host", "probe_cmd").bytes("request", msg);
    rsp.clear();
    const bool ok = probe_write(kWriteSingle, msg, true) && probe_read(rsp) && rsp.size() >= 3 &&
                    answers(msg, rsp);
    EventBuilder(log_, sim_now_ns(), "host", "probe_rsp").flag("ok", ok).bytes("response", rsp);
    return ok;
}

bool SsifHost::start_multipart_test(const Bytes& msg, bool do_middle) {
    if (!probe_write(kWriteStart, Bytes(msg.begin(), msg.begin() + kPartMax), true))
        return false;
    return !do_middle ||
           probe_write(kWriteMiddle, Bytes(msg.begin() + kPartMax, msg.begin() + 2 * kPartMax),
                       false);
}

bool SsifHost::i2c_detect() {
    // i2c_default_probe: an SMBus Quick Write (S, addr+W, P) for addresses outside
    // 0x30-0x37 and 0x50-0x5f, which SSIF's are; an address NAK means nothing is there.
    set_state(DriverState::Probing);
    adapter_lock_.lock();
    const smbus::SmbusResult r = bus_.i2c_write(config_.bmc_addr7, {});
    if (transfer_irq_)
        transfer_irq_->transfer_complete();
    adapter_lock_.unlock();
    EventBuilder(log_, sim_now_ns(), "host", "quick_write")
        .str("status", smbus::status_name(r.status));
    return r.ok() && detect();
}

void SsifHost::handler_message(const Bytes& payload, Bytes& rsp) {
    EventBuilder(log_, sim_now_ns(), "host", "handler_request").bytes("request", payload);
    RequestOutcome out; // id 0: not a user's
    out.request = payload;
    in_message_ = true;
    const bool ok = exchange(payload, out);
    in_message_ = false;
    set_phase(Phase::Idle);
    rsp = out.response;
    if (!ok) // return_hosed_msg
        rsp = {static_cast<uint8_t>(payload[0] | 0x04), payload[1], kCcUnspecified};
    EventBuilder(log_, sim_now_ns(), "host", "handler_response").bytes("response", rsp);
}

bool SsifHost::register_smi() {
    Bytes rsp;
    // __get_guid: Get Device GUID; an error only leaves the GUID unset.
    handler_message({app::kNetfnLun, app::kGetDeviceGuid}, rsp);
    // __get_device_id: bmc_device_id_handler wants netfn + 1 and the cmd, completion code 0
    // and what ipmi_demangle_device_id accepts (7 bytes from the completion code on);
    // anything else fails ipmi_add_smi, and ssif_probe with it ("Unable to register
    // device"). (A wrong netfn/cmd is ignored there and the handler would wait for good;
    // the model takes it as a failure.)
    handler_message({app::kNetfnLun, app::kGetDeviceId}, rsp);
    const bool device_id =
        rsp.size() >= 9 && rsp[2] == kCcOk && answers({app::kNetfnLun, app::kGetDeviceId}, rsp);
    unsigned channels = 0;
    if (device_id) {
        // __scan_channels, for IPMI 1.5 and later (the version byte: major in the low
        // nibble, minor in the high one): channel_handler asks for the next channel after
        // each answer or error, up to IPMI_MAX_CHANNELS; 0xC1 means one IPMB channel at 0
        // and ends the scan.
        const uint8_t version = rsp[7];
        const unsigned major = version & 0x0f, minor = version >> 4;
        if (major > 1 || (major == 1 && minor >= 5)) {
            for (uint8_t ch = 0; ch < kMaxChannels; ++ch) {
                handler_message({app::kNetfnLun, app::kGetChannelInfo, ch}, rsp);
                ++channels;
                if (rsp.size() >= 3 && rsp[2] == kCcInvalidCommand)
                    break;
            }
        }
    }
    EventBuilder(log_, sim_now_ns(), "host", "registered")
        .flag("ok", device_id)
        .num("channel_requests", channels);
    return device_id;
}

bool SsifHost::detect() {
    // ssif_detect: do_cmd's answer must carry the request's netfn + 1 and cmd, and
    // ipmi_demangle_device_id wants at least 7 bytes from the completion code on, which is 0.
    Bytes rsp;
    return do_cmd({app::kNetfnLun, app::kGetDeviceId}, rsp) && rsp.size() >= 9 && rsp[2] == kCcOk;
}

void SsifHost::probe() {
    set_state(DriverState::Probing);
    Bytes rsp;
    if (kernel_.probe_checks_device_id && !detect()) {
        link_.found = false; // "Not present": the interface is never registered
        return;
    }
    const bool caps = do_cmd({app::kNetfnLun, app::kGetSystemInterfaceCaps, 0x00 /* SSIF */}, rsp);
    link_ = link_from_capabilities(caps, rsp);
    link_.cmd8_works = false;

    // test_multipart_messages: a Get Device ID padded to 65 bytes, ended with a one-byte
    // 0x08; if no answer comes, again ended with a zero-length 0x07; else cap at 63.
    if (link_.max_transmit > kPartMax) {
        Bytes msg(65, 0x00);
        msg[0] = app::kNetfnLun;
        msg[1] = app::kGetDeviceId;
        const bool do_middle = link_.max_transmit > 63;
        EventBuilder(log_, sim_now_ns(), "host", "probe_multipart").str("end", "0x08");
        if (!start_multipart_test(msg, do_middle)) {
            link_.max_transmit = kPartMax;
        } else if (probe_write(kWriteEnd, Bytes(msg.begin() + 64, msg.end()), false) &&
                   probe_read(rsp)) {
            link_.cmd8_works = true;
        } else {
            EventBuilder(log_, sim_now_ns(), "host", "probe_multipart").str("end", "0x07");
            if (!start_multipart_test(msg, do_middle))
                link_.max_transmit = kPartMax;
            else if (!(probe_write(kWriteMiddle, {}, false) && probe_read(rsp)))
                link_.max_transmit = std::min(link_.max_transmit, 63u);
        }
    }

    // Make sure the NMI timeout is cleared; then enable the event buffer and alerts.
    do_cmd({app::kNetfnLun, app::kClearMessageFlags, app::kWatchdogPreTimeout}, rsp);
    if (!do_cmd({app::kNetfnLun, app::kGetGlobalEnables}, rsp) || rsp.size() < 4 || rsp[2] != 0)
        return;
    uint8_t enables = rsp[3];
    if (enables & app::kEnableEventMessageBuffer) {
        link_.has_event_buffer = true;
        return;
    }
    if (!do_cmd({app::kNetfnLun, app::kSetGlobalEnables,
                 static_cast<uint8_t>(enables | app::kEnableEventMessageBuffer)},
                rsp))
        return;
    if (rsp[2] == 0) {
        link_.has_event_buffer = true;
        enables |= app::kEnableEventMessageBuffer;
    }
    if (!do_cmd({app::kNetfnLun, app::kSetGlobalEnables,
                 static_cast<uint8_t>(enables | app::kEnableReceiveMessageInterrupt)},
                rsp))
        return;
    link_.supports_alert = rsp[2] == 0;
}

} // namespace ssifsim::ssif
