#include "models/ssif/host/ipmi_ssif.h"

#include <iterator>

#include "models/common/name_table.h"
#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"
#include "models/ssif/recv_check.h"

namespace ssifsim::ssif {

namespace {
// The version table: one row per step, each the one before plus its change.
constexpr HostKernel kHostKernels[] = {
    // Before Jan 2023 and Jan 2023: no release of their own; 6.1.192 has both 2023 changes
    // (stable backports) and the probe of their time.
    {HostVariant::Pre2023, "ipmi_ssif before Jan 2023", 5000, 20000, 0, false, 5, 250, true, false,
     false, "6.1"},
    {HostVariant::Timers2023,
     "\"ipmi:ssif: Increase the message retry time\" and \"Add a timer between request "
     "retries\" (Jan 2023, in stable from 5.10.176 and 6.1.x)",
     5000, 60000, 60000, true, 5, 250, true, false, false, "6.1"},
    {HostVariant::Flags2023, "6d2555cde291 \"ipmi: fix SSIF not responding under certain cond.\"",
     5000, 60000, 60000, true, 5, 250, true, true, false, "6.1"},
    // 4381b895f544 changed timer.c, not ipmi_ssif.c: 6.1.192's driver file is this row's.
    {HostVariant::Msleep2024,
     "4381b895f544 \"timers: Remove historical extra jiffie for timeout in msleep()\" (6.12)", 5000,
     60000, 60000, true, 5, 250, false, true, false, "6.1"},
    {HostVariant::Probe2024, "88f65f903d25 \"ipmi:ssif: Improve detecting during probing\" (6.12)",
     5000, 60000, 60000, true, 5, 250, false, true, true, "6.12"},
    {HostVariant::Mainline, "6.12.117 and later", 5000, 60000, 60000, true, 5, 250, false, true,
     true, "6.12"},
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
} // namespace

bool parse_host_variant(const std::string& name, HostVariant* out) {
    return value_of(kVariantNames, name, out);
}

const char* host_variant_name(HostVariant v) {
    return name_of(kVariantNames, v);
}

const HostKernel& host_kernel(HostVariant v) {
    for (const HostKernel& row : kHostKernels)
        if (row.variant == v)
            return row;
    return kHostKernels[std::size(kHostKernels) - 1];
}

bool parse_watch(const std::string& name, Watch* out) {
    return value_of(kWatchNames, name, out);
}

const char* watch_name(Watch w) {
    return name_of(kWatchNames, w);
}

uint64_t watch_period_jiffies(Watch w, const Jiffies& jiffies) {
    if (w == Watch::Off)
        return 0;
    return jiffies.from_msecs(w == Watch::Messages ? kWatchMessagesMsecs : kWatchWatchdogMsecs);
}

const char* host_phase_name(HostPhase p) {
    static const Named<HostPhase> names[] = {{"idle", HostPhase::Idle},
                                             {"writing", HostPhase::Writing},
                                             {"wait_first_read", HostPhase::WaitFirstRead},
                                             {"reading", HostPhase::Reading},
                                             {"wait_read_retry", HostPhase::WaitReadRetry},
                                             {"wait_write_retry", HostPhase::WaitWriteRetry},
                                             {"off", HostPhase::Off}};
    return name_of(names, p);
}

const char* driver_state_name(DriverState s) {
    return name_of(kStateNames, s);
}

Bytes hosed_response(const Bytes& request) {
    const uint8_t netfn_lun = request.size() > 0 ? request[0] : 0;
    const uint8_t cmd = request.size() > 1 ? request[1] : 0;
    return {static_cast<uint8_t>(netfn_lun | 0x04), cmd, kCcUnspecified};
}

bool valid_device_id(const Bytes& response) {
    return response.size() >= 9 && response[2] == kCcOk;
}

bool answers(const Bytes& request, const Bytes& response) {
    return request.size() >= 2 && response.size() >= 2 &&
           (response[0] >> 2) == ((request[0] >> 2) | 1) && response[1] == request[1];
}

bool DequeXmitQueue::pop(HostRequest* out) {
    if (requests_.empty())
        return false;
    *out = std::move(requests_.front());
    requests_.pop_front();
    return true;
}

IpmiSsif::IpmiSsif(const HostKernel& kernel, const smbus::HostAdapter& adapter,
                   const Jiffies& jiffies, TimerBase& timers, IpmiSsifHooks& hooks, EventSink& log,
                   XmitQueue* xmit)
    : kernel_(kernel), adapter_(adapter), jiffies_(jiffies), timers_(timers), hooks_(hooks),
      log_(log), waiting_(xmit ? *xmit : own_waiting_) {}

void IpmiSsif::set_phase(HostPhase p) {
    hooks_.phase_changed(p);
}

void IpmiSsif::set_state(DriverState s) {
    if (s != state_)
        EventBuilder(log_, hooks_.now_ns(), events::kHostState)
            .str("from", driver_state_name(state_))
            .str("to", driver_state_name(s));
    state_ = s;
    hooks_.state_changed(s);
}

// ---- starting messages ---------------------------------------------------------------------

void IpmiSsif::registered(bool found) {
    link_.found = found;
    registered_ = true;
    set_state(DriverState::Idle);
    idle();
}

void IpmiSsif::set_need_watch(Watch watch) {
    if (watch == Watch::Off)
        return;
    watch_period_ = watch_period_jiffies(watch, jiffies_);
    const uint64_t now = hooks_.now_ns();
    arm_watch(timers_.arm(watch_period_, now));
}

void IpmiSsif::arm_watch(uint64_t expires_ns) {
    EventBuilder(log_, hooks_.now_ns(), events::kHostTimer)
        .str("reason", "watch")
        .num("jiffies", static_cast<int64_t>(watch_period_))
        .num("expires_ns", static_cast<int64_t>(expires_ns));
    hooks_.arm_timer(DriverTimer::Watch, expires_ns);
}

void IpmiSsif::send(const HostRequest& request) {
    waiting_.push(request);
    idle();
}

void IpmiSsif::send_handler(const Bytes& payload) {
    start_message(Kind::Handler, payload, 0, true);
}

void IpmiSsif::idle() {
    // One loop, never nested: a request that fails before any transfer (no interface, too
    // big) completes at once and calls idle() again from inside start_next_msg; that inner
    // call returns and this loop starts the next one, so a long run of such requests does
    // not grow the stack.
    if (dispatching_)
        return;
    dispatching_ = true;
    while (registered_ && !msg_ && !powered_off_ && !hung_ && state_ == DriverState::Idle) {
        if (req_flags_ && link_.found) {
            start_flag_fetch();
            continue;
        }
        req_flags_ = false;
        if (waiting_.size() == 0)
            break;
        start_next_msg();
    }
    dispatching_ = false;
}

void IpmiSsif::start_next_msg() {
    HostRequest request;
    waiting_.pop(&request);
    RequestOutcome out;
    out.id = request.id;
    out.request = request.payload;
    out.submitted_ns = request.at_ns;
    out.started_ns = hooks_.now_ns();
    hooks_.request_started(out.id, out.started_ns);
    if (!link_.found) {
        out.error = RequestError::NoInterface;
    } else if (request.payload.size() > link_.max_transmit ||
               request.payload.size() > kIpmiMaxMsgLength) {
        out.error = RequestError::RequestTooBig; // start_send: -E2BIG before any transfer
    } else {
        start_message(Kind::User, request.payload, request.id, true);
        msg_->out.submitted_ns = out.submitted_ns;
        msg_->out.started_ns = out.started_ns;
        return;
    }
    user_done(out, false);
}

void IpmiSsif::start_message(Kind kind, const Bytes& payload, int id, bool curr_msg) {
    msg_.emplace();
    msg_->kind = kind;
    msg_->out.id = id;
    msg_->out.request = payload;
    msg_->data = payload; // start_send's memcpy(ssif_info->data + 1, data, len)
    // Room for its write parts, the wait and as many read parts: one allocation for most.
    msg_->out.timeline.reserve(2 * (payload.size() / link_.max_part + 1) + 1);
    curr_msg_ = curr_msg;
    retries_left_ = kernel_.send_attempts; // start_send
    start_resend();
}

// ---- writing (start_resend, msg_written_handler) --------------------------------------------

void IpmiSsif::start_resend() {
    got_alert_ = false;
    set_phase(HostPhase::Writing);
    ++msg_->out.write_attempts;
    msg_->parts = write_parts(msg_->data, link_.cmd8_works, link_.max_part);
    msg_->part = 0;
    write_part();
}

void IpmiSsif::write_part() {
    ++msg_->out.parts_written;
    const WritePart& part = msg_->parts[msg_->part];
    // msg_written_handler: `multi_data[multi_pos] = to_write; data_to_send = multi_data +
    // multi_pos`: the block's length byte goes into the driver's copy of the message, over
    // the last byte of the part before (multi_pos starts at 32, not 33, as start_resend's
    // comment says). Sent already, it goes out again only if the message is resent: then
    // the first part carries byte 31 as the second part's length (0x20 for a whole one).
    // Linux's layout; a host with other part sizes (host.max_part) keeps its message whole.
    if (msg_->part > 0 && link_.max_part == kPartMax)
        msg_->data[kPartMax * msg_->part - 1] = static_cast<uint8_t>(part.data.size());
    ssif_i2c_send(false, part.command, part.data);
}

void IpmiSsif::ssif_i2c_send(bool read, uint8_t command, const Bytes& data) {
    transfer_.request_id = msg_->out.id;
    transfer_.read = read;
    transfer_.command = command;
    transfer_.data.assign(data.begin(), data.end());
    transfer_.pec = link_.pec;
    hooks_.start_transfer(transfer_);
}

void IpmiSsif::transfer_done(const TransferDone& done) {
    // "0x%02x" by hand: snprintf per transfer was a few per cent of a run.
    static constexpr char kHex[] = "0123456789abcdef";
    const char cmd[] = {'0', 'x', kHex[transfer_.command >> 4], kHex[transfer_.command & 0xf],
                        '\0'};
    msg_->out.timeline.push_back({transfer_.read ? SegmentKind::Read : SegmentKind::Write, cmd,
                                  smbus::status_name(done.result.status), done.start_ns,
                                  done.end_ns});
    if (done.result.status == smbus::SmbusStatus::Abandoned) {
        // The host died mid-transfer: no retry, no handler runs; the message is over.
        msg_->out.error = RequestError::PowerOff;
        power_off_ns_ = done.power_off_ns;
        finish(false);
        return;
    }
    if (transfer_.read)
        msg_done_handler(done);
    else
        msg_written_handler(done);
}

void IpmiSsif::msg_written_handler(const TransferDone& done) {
    const smbus::SmbusResult& r = done.result;
    if (r.ok()) {
        if (++msg_->part < msg_->parts.size()) {
            write_part();
            return;
        }
        // The whole message is written: read at once if an alert came meanwhile (without
        // reloading retries_left, so the read gets what the write left of
        // SSIF_SEND_RETRIES), else after SSIF_MSG_PART.
        if (got_alert_) {
            got_alert_ = false;
            start_get();
        } else {
            retries_left_ = kernel_.read_attempts;
            waiting_alert_ = true;
            wait(kernel_.msg_part_usec, "first_read", HostPhase::WaitFirstRead);
        }
        return;
    }
    // A failed part costs one attempt; the whole message is resent from its first part.
    EventBuilder(log_, hooks_.now_ns(), events::kHostWriteError)
        .num("id", msg_->out.id)
        .num("part", static_cast<int64_t>(msg_->part))
        .str("status", smbus::status_name(r.status))
        .num("errno", smbus::transfer_errno(adapter_, r.status));
    if (--retries_left_ <= 0) {
        msg_->out.error = RequestError::WriteFailed;
        finish(false);
        return;
    }
    if (!kernel_.write_retry_waits) {
        start_resend(); // before Jan 2023: at once
        return;
    }
    do_resend_ = true;
    wait(kernel_.write_retry_usec, "write_retry", HostPhase::WaitWriteRetry);
}

// ---- reading (start_get, msg_done_handler) ---------------------------------------------------

void IpmiSsif::start_get() {
    set_phase(HostPhase::Reading);
    ++msg_->out.read_attempts;
    multi_part_ = false;
    read(kReadStart);
}

void IpmiSsif::read(uint8_t command) {
    ++msg_->out.parts_read;
    ssif_i2c_send(true, command, {});
}

void IpmiSsif::msg_done_handler(const TransferDone& done) {
    const smbus::SmbusResult& r = done.result;
    if (!r.ok()) {
        read_error(done);
        return;
    }
    if (!multi_part_) {
        if (r.data.size() > 1 && r.data[0] == 0x00 && r.data[1] == 0x01) {
            // Multi-part: strip the marker, then read 0x09 parts until block 0xFF.
            multi_part_ = true;
            response_.assign(r.data.begin() + 2, r.data.end());
            expected_block_ = 0;
            read(kReadMiddle);
            return;
        }
        msg_->out.response = r.data;
        msg_->out.completed_ns = hooks_.now_ns(); // when the driver learns of it
        finish(true);
        return;
    }
    const uint8_t block = r.data[0];
    const size_t len = r.data.size() - 1;
    if (block != kReadEndBlock && len != kReadMiddleData) {
        msg_->out.error = RequestError::BadPartLength; // -EIO, not retried
        finish(false);
        return;
    }
    if (response_.size() + len > kIpmiMaxMsgLength) {
        msg_->out.error = RequestError::TooBig; // -E2BIG, not retried
        finish(false);
        return;
    }
    response_.insert(response_.end(), r.data.begin() + 1, r.data.end());
    if (block == kReadEndBlock) {
        msg_->out.response = response_;
        msg_->out.completed_ns = hooks_.now_ns();
        finish(true);
        return;
    }
    if (block != expected_block_) {
        msg_->out.error = RequestError::BadBlock; // -EIO, not retried
        finish(false);
        return;
    }
    ++expected_block_;
    read(kReadMiddle);
}

void IpmiSsif::read_error(const TransferDone& done) {
    // An SMBus-level error: retry from 0x03 after SSIF_MSG_USEC.
    const smbus::SmbusResult& r = done.result;
    EventBuilder(log_, hooks_.now_ns(), events::kHostReadError)
        .num("id", msg_->out.id)
        .str("status", smbus::status_name(r.status))
        .num("errno", smbus::transfer_errno(adapter_, r.status))
        .num("count", r.count);
    if (--retries_left_ <= 0) {
        msg_->out.error = RequestError::ReadFailed;
        finish(false);
        return;
    }
    waiting_alert_ = true;
    wait(kernel_.read_retry_usec, "read_retry", HostPhase::WaitReadRetry);
}

// ---- timers and the alert -------------------------------------------------------------------

void IpmiSsif::wait(uint64_t usec, const char* reason, HostPhase phase) {
    set_phase(phase);
    const uint64_t now = hooks_.now_ns();
    const uint64_t delta = jiffies_.from_usec(usec);
    const uint64_t expires = timers_.arm(delta, now);
    EventBuilder(log_, now, events::kHostTimer)
        .str("reason", reason)
        .num("jiffies", static_cast<int64_t>(delta))
        .num("expires_ns", static_cast<int64_t>(expires));
    wait_reason_ = reason;
    wait_start_ns_ = now;
    hooks_.arm_timer(DriverTimer::Retry, expires);
}

void IpmiSsif::end_wait() {
    msg_->out.timeline.push_back(
        {SegmentKind::Wait, wait_reason_, "", wait_start_ns_, hooks_.now_ns()});
}

void IpmiSsif::retry_timeout() {
    timers_.ran(hooks_.now_ns());
    end_wait();
    const bool waiting = waiting_alert_, resend = do_resend_;
    waiting_alert_ = false;
    do_resend_ = false;
    if (waiting)
        start_get();
    if (resend)
        start_resend();
}

void IpmiSsif::watch_timeout() {
    // Re-armed from inside its own callback; then flags at once if idle, else when idle.
    const uint64_t now = hooks_.now_ns();
    timers_.ran(now);
    arm_watch(timers_.rearm_in_callback(watch_period_, now));
    req_flags_ = true;
    idle();
}

void IpmiSsif::alert() {
    ++stats_.alerts;
    const char* action = "ignored";
    const bool read_now = waiting_alert_;
    if (waiting_alert_) {
        waiting_alert_ = false; // del_timer, then start_get at once
        hooks_.cancel_timer(DriverTimer::Retry);
        action = "read_now";
    } else if (curr_msg_) {
        got_alert_ = true;
        action = "noted";
    }
    EventBuilder(log_, hooks_.now_ns(), events::kHostAlert).str("action", action);
    if (read_now) {
        end_wait();
        start_get();
    }
}

// ---- the end of a message --------------------------------------------------------------------

void IpmiSsif::finish(bool ok) {
    Message m = std::move(*msg_);
    msg_.reset();
    curr_msg_ = false;
    set_phase(HostPhase::Idle);
    switch (m.kind) {
    case Kind::User: user_done(std::move(m.out), ok); break;
    case Kind::Handler: {
        hooks_.handler_done(ok ? m.out.response : hosed_response(m.out.request));
        break;
    }
    case Kind::Driver: driver_message_done(m.out.request, m.out.response, ok); break;
    }
}

void IpmiSsif::user_done(RequestOutcome out, bool ok) {
    if (ok) {
        out.completion_code = out.response.size() >= 3 ? out.response[2] : kCcUnspecified;
        // ipmi_msghandler's handle_one_recv_msg: the user gets IPMI_ERR_UNSPECIFIED for a
        // response too short or not for its request (recv_check.h).
        const RecvCheck check = check_received(out.request, out.response);
        log_received_check(log_, hooks_.now_ns(), check);
        if (!check.ok()) {
            out.error = RequestError::MismatchedResponse;
            out.completion_code = kCcUnspecified;
        }
    }
    if (out.error == RequestError::PowerOff) {
        // The host died with the request in flight: nobody gets an answer. It comes back
        // after the off time and goes on with the queue, as a rebooted driver would.
        out.response.clear();
        out.completed_ns = hooks_.now_ns();
        set_phase(HostPhase::Off);
        EventBuilder(log_, hooks_.now_ns(), events::kHostPowerOff)
            .num("id", out.id)
            .num("off_ns", static_cast<int64_t>(power_off_ns_));
        powered_off_ = std::move(out);
        hooks_.power_off(power_off_ns_);
        return;
    }
    if (out.failed() && out.error != RequestError::MismatchedResponse) {
        ++stats_.hosed;
        out.response = hosed_response(out.request);
        out.completion_code = kCcUnspecified;
        out.completed_ns = hooks_.now_ns();
    }
    deliver_user(out);
}

void IpmiSsif::power_on() {
    EventBuilder(log_, hooks_.now_ns(), events::kHostPowerOn);
    RequestOutcome out = std::move(*powered_off_);
    powered_off_.reset();
    deliver_user(out);
}

void IpmiSsif::deliver_user(RequestOutcome& out) {
    set_phase(HostPhase::Idle);
    EventBuilder(log_, hooks_.now_ns(), events::kHostResponse)
        .num("id", out.id)
        .bytes("payload", out.response)
        .hex("cc", out.completion_code)
        .str("error", request_error_name(out.error))
        .num("response_ns", static_cast<int64_t>(out.response_ns()));
    hooks_.request_done(out);
    idle();
}

// ---- flags, incoming messages and events -----------------------------------------------------

void IpmiSsif::start_flag_fetch() {
    req_flags_ = false;
    set_state(DriverState::GettingFlags);
    // start_flag_fetch and start_clear_flags send without a message (curr_msg stays NULL, so
    // ssif_alert ignores an alert during their transfers); start_recv_msg_fetch and
    // start_event_fetch allocate one.
    start_message(Kind::Driver, ipmi::request(ipmi::kGetMessageFlags), 0, false);
}

void IpmiSsif::driver_message_done(const Bytes& request, const Bytes& rsp, bool ok) {
    const size_t min_len = state_ == DriverState::GettingFlags ? 4 : 3;
    const bool good = ok && rsp.size() >= min_len && rsp[2] == kCcOk && answers(request, rsp);
    switch (state_) {
    case DriverState::GettingFlags: {
        if (!good) {
            // msg_done_handler, SSIF_GETTING_FLAGS: an error, a short answer or a non-zero
            // completion code ends the fetch ("Error getting flags"); a good answer to
            // another command ("Invalid response getting flags") does so from 6d2555cde291
            // on.
            const bool invalid = rsp.size() >= 4 && rsp[2] == kCcOk;
            EventBuilder(log_, hooks_.now_ns(), events::kHostFlagsError)
                .str("reason", invalid ? "invalid_response" : "error")
                .bytes("response", rsp);
            if (invalid && !kernel_.flags_mismatch_goes_idle) {
                hung_ = true; // stays in GETTING_FLAGS with no message in flight
                hooks_.hung();
                return;
            }
            set_state(DriverState::Idle);
            idle();
            return;
        }
        ++stats_.flag_fetches;
        msg_flags_ = rsp[3];
        EventBuilder(log_, hooks_.now_ns(), events::kHostFlags).hex("flags", msg_flags_);
        handle_flags();
        return;
    }
    case DriverState::ClearingFlags:
        set_state(DriverState::Idle);
        idle();
        return;
    case DriverState::GettingMessages:
    case DriverState::GettingEvents: {
        // Each fetch repeats until the BMC has nothing left (a non-zero completion code).
        const bool messages = state_ == DriverState::GettingMessages;
        if (good) {
            ++(messages ? stats_.incoming_messages : stats_.events);
            EventBuilder(log_, hooks_.now_ns(), events::kHostIncoming)
                .str("kind", messages ? "message" : "event")
                .bytes("payload", rsp);
        } else {
            msg_flags_ &= static_cast<uint8_t>(~(messages ? ipmi::kFlagReceiveMessageAvailable
                                                          : ipmi::kFlagEventMessageBufferFull));
        }
        handle_flags();
        return;
    }
    case DriverState::Idle:
    case DriverState::Probing: return;
    }
}

void IpmiSsif::handle_flags() {
    // The watchdog pre-timeout first (start_clear_flags), then messages, then events.
    if (msg_flags_ & ipmi::kFlagWatchdogPreTimeout) {
        ++stats_.watchdog_pretimeouts;
        msg_flags_ &= static_cast<uint8_t>(~ipmi::kFlagWatchdogPreTimeout);
        set_state(DriverState::ClearingFlags);
        start_message(Kind::Driver,
                      ipmi::request(ipmi::kClearMessageFlags, {ipmi::kFlagWatchdogPreTimeout}), 0,
                      false);
        return;
    }
    const bool messages = msg_flags_ & ipmi::kFlagReceiveMessageAvailable;
    const bool events = !messages && (msg_flags_ & ipmi::kFlagEventMessageBufferFull);
    if (!messages && !events) {
        set_state(DriverState::Idle);
        idle();
        return;
    }
    set_state(messages ? DriverState::GettingMessages : DriverState::GettingEvents);
    start_message(Kind::Driver,
                  ipmi::request(messages ? ipmi::kGetMessage : ipmi::kReadEventMessageBuffer), 0,
                  true);
}

} // namespace ssifsim::ssif
