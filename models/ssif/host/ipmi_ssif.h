// ipmi_ssif (drivers/char/ipmi/ipmi_ssif.c) once ssif_probe has set it up, as a plain class
// driven event by event, the way the kernel drives it: sender and start_next_msg queue and
// start messages; start_send, msg_written_handler and start_resend write a message's parts;
// start_get and msg_done_handler read the response (multi-part included); retry_timeout,
// watch_timeout and ssif_alert react to the timers and SMBALERT#; start_flag_fetch,
// handle_flags, start_clear_flags, start_event_fetch and start_recv_msg_fetch are the
// flags/events/messages states. The kernel services it uses (the SMBus transfer that
// ssif_i2c_send hands to the driver's thread, the retry and watch timers, the message
// handler that takes each response) are behind IpmiSsifHooks; SsifHost puts it in SystemC.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/jiffies.h"
#include "models/common/name_table.h"
#include "models/smbus/adapter.h"
#include "models/smbus/transfer.h"
#include "models/ssif/host/probe.h"
#include "models/ssif/host/write_parts.h"

namespace ssifsim::ssif {

// IPMI_MAX_MSG_LENGTH: the most a request may hold and a multi-part response reassemble to.
constexpr size_t kIpmiMaxMsgLength = 272;

// ipmi_ssif as it changed over the releases. Each variant is a step on the one before: a
// behaviour a change brought is a field of the variant's row in one table (host_kernel),
// never an `if` on the variant itself.
enum class HostVariant {
    Pre2023,    // 20 ms between reads, a failed write resent at once
    Timers2023, // Jan 2023: 60 ms between reads (T3) and before a write is resent (T6)
    Flags2023,  // Apr 2023, 6d2555cde291: a wrong answer to Get Message Flags ends the fetch
    Msleep2024, // Aug 2024, 4381b895f544 (6.12): msleep() without its extra jiffy
    Probe2024,  // Sep 2024, 88f65f903d25 (6.12): ssif_probe starts with Get Device ID
    Mainline,   // all of the above
};
// Names as scenarios spell them; "6.1" and "6.12" name the releases Debian ships
// (6.1.192, 6.12.117), read against their source: they are the steps 2023-flags and mainline.
bool parse_host_variant(const std::string& name, HostVariant* out);
const char* host_variant_name(HostVariant v);

// One row of the version table: the driver's timing and retry constants and every behaviour
// a change brought, with the change it follows.
struct HostKernel {
    HostVariant variant;
    const char* source;        // the commit or release the row follows
    uint64_t msg_part_usec;    // SSIF_MSG_PART_USEC: after the request, before the first read
    uint64_t read_retry_usec;  // SSIF_MSG_USEC: between read attempts
    uint64_t write_retry_usec; // SSIF_REQ_RETRY_USEC: before resending a failed write
    bool write_retry_waits;    // before Jan 2023 a failed write was resent at once
    int send_attempts;         // SSIF_SEND_RETRIES
    int read_attempts;         // SSIF_RECV_RETRIES
    // msleep(m) is schedule_timeout(msecs_to_jiffies(m) + 1) before 4381b895f544, without
    // the + 1 from it on.
    bool msleep_extra_jiffy;
    // msg_done_handler, SSIF_GETTING_FLAGS: an answer with the wrong netfn/cmd sets the state
    // back to idle from 6d2555cde291 on; before it the driver stayed in GETTING_FLAGS with no
    // message in flight, and sent nothing again ("Don't abort here, maybe it was a queued
    // response to a previous command").
    bool flags_mismatch_goes_idle;
    // ssif_probe calls ssif_detect (Get Device ID, validated) first and fails the probe
    // without a valid answer from 88f65f903d25 on; before it only the i2c_detect path sent
    // Get Device ID, and a probe whose every command failed still registered the interface.
    bool probe_checks_device_id;
    // The release whose ipmi_ssif.c the kernel host (host.implementation "kernel") runs for
    // this row: its own where Debian ships it ("6.1": 6.1.192, "6.12": 6.12.117), else the
    // nearest whose driver file has the row's behaviour or lacks the least of it. msleep's
    // extra jiffy is timer.c's, not the driver's: the kernel host's msleep follows the row.
    const char* kernel_release;
};
const HostKernel& host_kernel(HostVariant v);

// set_need_watch: the message handler asks for flag polling every 10 ms while someone
// waits for incoming messages, every 250 ms for the watchdog (SSIF_WATCH_*_TIMEOUT).
enum class Watch { Off, Messages, Watchdog };
bool parse_watch(const std::string& name, Watch* out);
const char* watch_name(Watch w);
// The watch timer's period in jiffies at the host's HZ: msecs_to_jiffies of
// SSIF_WATCH_MSG_TIMEOUT (10 ms) or SSIF_WATCH_WATCHDOG_TIMEOUT (250 ms); 0 for Off.
uint64_t watch_period_jiffies(Watch w, const Jiffies& jiffies);

// The driver's state (enum ssif_intf_state), plus the probe before it registers.
enum class DriverState {
    Idle,
    GettingFlags,
    GettingEvents,
    ClearingFlags,
    GettingMessages,
    Probing
};
const char* driver_state_name(DriverState s);

// The driver's counters that the report shows (a subset of its sysfs statistics).
struct HostStats {
    uint64_t alerts = 0;
    uint64_t flag_fetches = 0;
    uint64_t incoming_messages = 0;
    uint64_t events = 0;
    uint64_t watchdog_pretimeouts = 0;
    uint64_t hosed = 0; // messages returned with 0xFF
};

// What the driver thread is doing, for the waveform (host_phase).
enum class HostPhase { Idle, Writing, WaitFirstRead, Reading, WaitReadRetry, WaitWriteRetry, Off };
const char* host_phase_name(HostPhase p);

struct HostRequest {
    int id = 0;
    uint64_t at_ns = 0; // when the workload hands it to the driver
    Bytes payload;      // netfn/lun, cmd, data
};

// What a step of a request's life is: a bus transfer (write or read) or a timer wait.
enum class SegmentKind { Write, Read, Wait };

// The names the report's timeline ("what") and the summary use.
constexpr Named<SegmentKind> kSegmentKindNames[] = {
    {"write", SegmentKind::Write},
    {"read", SegmentKind::Read},
    {"wait", SegmentKind::Wait},
};

inline const char* segment_kind_name(SegmentKind k) {
    return name_of(kSegmentKindNames, k);
}

// One step of a request's life: a bus transfer or a timer wait, back to back.
struct Segment {
    SegmentKind kind = SegmentKind::Write;
    std::string detail; // SMBus command or timer reason
    std::string status; // bus status for transfers
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
};

// Why a request failed, in RequestOutcome::error; None on success.
enum class RequestError {
    None,
    WriteFailed,        // the write's retries ran out (the driver's error)
    ReadFailed,         // the read's retries ran out
    BadBlock,           // a multi-part read's block number out of sequence (-EIO, not retried)
    BadPartLength,      // a middle part that is not 32 bytes (-EIO, not retried)
    TooBig,             // a response over the driver's buffer (-E2BIG, not retried)
    RequestTooBig,      // over the probe's max transmit size: failed before any transfer
    NoInterface,        // the probe found no BMC
    PowerOff,           // the host died with the request in flight
    MismatchedResponse, // the response's netfn/cmd do not answer the request
};

// The names reports, logs and scenarios (expect.requests[].error) use; "" for None.
constexpr Named<RequestError> kRequestErrorNames[] = {
    {"", RequestError::None},
    {"write_failed", RequestError::WriteFailed},
    {"read_failed", RequestError::ReadFailed},
    {"bad_block", RequestError::BadBlock},
    {"bad_part_length", RequestError::BadPartLength},
    {"too_big", RequestError::TooBig},
    {"request_too_big", RequestError::RequestTooBig},
    {"no_interface", RequestError::NoInterface},
    {"power_off", RequestError::PowerOff},
    {"mismatched_response", RequestError::MismatchedResponse},
};

inline const char* request_error_name(RequestError e) {
    return name_of(kRequestErrorNames, e);
}

// What became of one request.
struct RequestOutcome {
    int id = 0;
    Bytes request;
    Bytes response; // as delivered to the IPMI layer (0xFF synthesized on failure)
    uint8_t completion_code = 0xff;
    // None on success. MismatchedResponse: the IPMI message handler replaces a response too
    // short or not for the request with completion code 0xFF (recv_check.h); `response`
    // keeps what the SSIF driver delivered.
    RequestError error = RequestError::None;
    uint64_t submitted_ns = 0;
    uint64_t started_ns = 0;   // the driver starts the first write
    uint64_t completed_ns = 0; // end of the last read
    int write_attempts = 0;
    int read_attempts = 0;
    int parts_written = 0;
    int parts_read = 0;
    std::vector<Segment> timeline;
    bool failed() const { return error != RequestError::None; }
    uint64_t response_ns() const { return completed_ns - started_ns; }
    int write_retries() const { return write_attempts > 1 ? write_attempts - 1 : 0; }
    int read_retries() const { return read_attempts > 1 ? read_attempts - 1 : 0; }
};

// One SMBus block transfer the driver asks its thread for (ssif_i2c_send).
struct HostTransfer {
    int request_id = 0; // the user's request it belongs to; 0 for the driver's and the handler's
    bool read = false;
    uint8_t command = 0;
    Bytes data; // a write's bytes
    bool pec = false;
};

// How it ended: the bus result, when the call began and returned (ns), and, for a transfer
// the host died in, how long it stays off.
struct TransferDone {
    smbus::SmbusResult result;
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
    uint64_t power_off_ns = 0;
};

enum class DriverTimer { Retry, Watch };

// The kernel services IpmiSsif uses.
class IpmiSsifHooks {
  public:
    virtual ~IpmiSsifHooks() = default;
    virtual uint64_t now_ns() const = 0;
    // ssif_i2c_send: the driver's thread makes the transfer; IpmiSsif::transfer_done gets
    // its end. `t` is the driver's own, valid only during the call: keep a copy.
    virtual void start_transfer(const HostTransfer& t) = 0;
    // mod_timer with the expiry already on the wheel (ns); del_timer.
    virtual void arm_timer(DriverTimer timer, uint64_t expires_ns) = 0;
    virtual void cancel_timer(DriverTimer timer) = 0;
    // The host died in a transfer: IpmiSsif::power_on once it is back, off_ns later.
    virtual void power_off(uint64_t off_ns) = 0;
    // A user's request: taken from the queue; its outcome, for the IPMI layer.
    virtual void request_started(int id, uint64_t t_ns) = 0;
    virtual void request_done(const RequestOutcome& outcome) = 0;
    // A message handler's request (IpmiSsif::send_handler) is done: the response it gets.
    virtual void handler_done(const Bytes& response) = 0;
    // The driver will never send again (a flags fetch before 6d2555cde291).
    virtual void hung() = 0;
    // For the waveform.
    virtual void phase_changed(HostPhase phase) = 0;
    virtual void state_changed(DriverState state) = 0;
};

// A message in flight in IpmiSsif; its kind decides who gets the response: a user's request,
// the message handler's own, or the driver's (flags, events, messages). (At namespace scope:
// clang cannot construct a nested class with member initializers in std::optional.)
enum class MessageKind { User, Handler, Driver };
struct InFlightMessage {
    MessageKind kind = MessageKind::User;
    RequestOutcome out;
    // The message as the driver holds it (ssif_info->data[1..data_len]), from which each
    // attempt's parts are cut: msg_written_handler stores each later part's length byte in
    // it, over the last byte of the part before, so a resend carries those (see write_part).
    Bytes data;
    std::vector<WritePart> parts;
    size_t part = 0; // the part being written
};

// return_hosed_msg: what the message handler gets for a message the driver failed: the
// request's netfn + 1, its cmd, completion code 0xFF.
Bytes hosed_response(const Bytes& request);
// A Get Device ID response ipmi_demangle_device_id accepts: at least 7 bytes from the
// completion code on, and that code 0 (ssif_detect, bmc_device_id_handler).
bool valid_device_id(const Bytes& response);

// The response answers the request: netfn + 1 and the same command (ipmi_msghandler and the
// driver's own checks).
bool answers(const Bytes& request, const Bytes& response);

// The user requests waiting for the driver: ipmi_msghandler's xmit_msgs, where smi_send
// queues a message while another is in flight. Oldest first.
class XmitQueue {
  public:
    virtual ~XmitQueue() = default;
    virtual void push(const HostRequest& request) = 0;
    // The oldest request; false when none waits.
    virtual bool pop(HostRequest* out) = 0;
    virtual size_t size() const = 0;
};

// An XmitQueue that keeps each request until the driver takes it.
class DequeXmitQueue : public XmitQueue {
  public:
    void push(const HostRequest& request) override { requests_.push_back(request); }
    bool pop(HostRequest* out) override;
    size_t size() const override { return requests_.size(); }

  private:
    std::deque<HostRequest> requests_;
};

class IpmiSsif {
  public:
    // `timers` is the CPU's timer base the probe's msleep shares. `xmit` holds the requests
    // that wait (it must outlive the driver); without one the driver keeps its own.
    IpmiSsif(const HostKernel& kernel, const smbus::HostAdapter& adapter, const Jiffies& jiffies,
             TimerBase& timers, IpmiSsifHooks& hooks, EventSink& log, XmitQueue* xmit = nullptr);

    // ---- events --------------------------------------------------------------------------
    // ssif_probe runs (the model's state `probing`), then its result, before the message
    // handler's requests (send_handler) go out.
    void probe_started() { set_state(DriverState::Probing); }
    void probe_ended(const LinkSetup& link) {
        link_ = link;
        set_state(DriverState::Idle);
    }
    // ipmi_register_smi is done (or failed: requests then fail with no_interface): user
    // requests may start.
    void registered(bool found);
    // ssif_set_need_watch: flag polling every 10 or 250 ms from now on.
    void set_need_watch(Watch watch);
    // sender: a user's request; it waits in the queue while the driver is busy.
    void send(const HostRequest& request);
    // A request of the message handler's own, sent while nothing else is in flight.
    void send_handler(const Bytes& payload);
    // The driver's thread finished the transfer start_transfer asked for: msg_written_handler
    // for a write, msg_done_handler for a read.
    void transfer_done(const TransferDone& done);
    // The retry and watch timers ran (retry_timeout, watch_timeout).
    void retry_timeout();
    void watch_timeout();
    // ssif_alert: the BMC answered the Alert Response Address.
    void alert();
    // The host is back after power_off.
    void power_on();

    // ---- state ---------------------------------------------------------------------------
    DriverState state() const { return state_; }
    const LinkSetup& link() const { return link_; }
    const HostStats& stats() const { return stats_; }
    size_t queued() const { return waiting_.size(); }
    // The user's request the host died with (error power_off, completed_ns the failure),
    // held while the host is off and delivered at power_on; nullptr when none.
    const RequestOutcome* powered_off() const { return powered_off_ ? &*powered_off_ : nullptr; }

  private:
    using Kind = MessageKind;
    using Message = InFlightMessage;

    void start_next_msg();
    void start_message(Kind kind, const Bytes& payload, int id, bool curr_msg);
    void start_resend();
    void write_part();
    void start_get();
    void read(uint8_t command);
    // ssif_i2c_send: asks the hooks for the transfer, a block write of `data` or a block read
    // (no data).
    void ssif_i2c_send(bool read, uint8_t command, const Bytes& data);
    void msg_written_handler(const TransferDone& done);
    void msg_done_handler(const TransferDone& done);
    void read_error(const TransferDone& done);
    // The message is over: ok if its write and read went through.
    void finish(bool ok);
    void user_done(RequestOutcome out, bool ok);
    void deliver_user(RequestOutcome& out);
    void driver_message_done(const Bytes& request, const Bytes& response, bool ok);
    // The end of msg_done_handler: flags first if the watch timer asked, then the next
    // message.
    void idle();

    void start_flag_fetch();
    void handle_flags();
    void wait(uint64_t usec, const char* reason, HostPhase phase);
    void arm_watch(uint64_t expires_ns);
    // The retry timer's wait ends now (it ran, or an alert cut it short): into the timeline.
    void end_wait();
    void set_phase(HostPhase p);
    void set_state(DriverState s);

    const HostKernel& kernel_;
    const smbus::HostAdapter& adapter_;
    const Jiffies& jiffies_;
    TimerBase& timers_;
    IpmiSsifHooks& hooks_;
    EventSink& log_;

    LinkSetup link_;
    bool registered_ = false;
    DriverState state_ = DriverState::Idle;
    HostStats stats_;
    DequeXmitQueue own_waiting_;
    XmitQueue& waiting_;
    std::optional<Message> msg_;
    // A user's message whose host died, delivered at power_on.
    std::optional<RequestOutcome> powered_off_;
    bool hung_ = false;
    bool dispatching_ = false; // inside idle()

    uint64_t watch_period_ = 0; // jiffies; 0: off
    uint8_t msg_flags_ = 0;
    bool req_flags_ = false;
    int retries_left_ = 0;
    // ssif_alert's flags: an alert during a wait for the response ends the wait; one during
    // a transfer of a message (curr_msg != NULL) is remembered for after the write.
    bool waiting_alert_ = false;
    bool got_alert_ = false;
    bool curr_msg_ = false;
    bool do_resend_ = false;
    // The transfer the driver's thread is making (filled in place: its data's buffer serves
    // every write), and the off time of a host that died in one.
    HostTransfer transfer_;
    uint64_t power_off_ns_ = 0;
    // The retry timer's wait, for the timeline.
    const char* wait_reason_ = "";
    uint64_t wait_start_ns_ = 0;
    // The read in progress: the response so far and the next middle block (multi-part).
    bool multi_part_ = false;
    Bytes response_;
    unsigned expected_block_ = 0;
};

} // namespace ssifsim::ssif
