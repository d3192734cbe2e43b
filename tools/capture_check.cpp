#include "tools/capture_check.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "models/smbus/alert.h"
#include "models/ssif/ipmi_commands.h"
#include "tools/bus_checks.h"
#include "tools/check_names.h"
#include "tools/checks.h"
#include "tools/format.h"
#include "tools/json_reader.h"
#include "tools/report.h"

namespace ssifsim::tools {

using smbus::SlaveAnswer;
using smbus::SlaveEvent;
using smbus::SmbusStatus;

bool CaptureResult::passed() const {
    for (const Check& c : checks)
        if (!c.pass)
            return false;
    return true;
}

namespace {

bool is_op(const CapturedTransfer& t, const char* op) {
    return std::strcmp(t.op, op) == 0;
}

// A transfer NAKed at its first address byte: S addr+W NAK P shows no command, so whether
// the host meant a read or a write follows from where its request stands.
bool bare_address_nak(const CapturedTransfer& t) {
    return t.status == SmbusStatus::AddressNak && t.command == 0 && t.count < 0 &&
           (!t.wire || t.bytes.size() == 1);
}

// smbus_alert's Receive Byte from the Alert Response Address, answered with the BMC's
// address in bits 7:1 (i2c-smbus.c: addr = status >> 1): ipmi_ssif's ssif_alert runs.
// `adapter`: the BMC's (a kernel trace's i2c-N; smbus_alert notifies the clients of its own
// adapter only).
bool bmc_alerted(const CapturedTransfer& t, uint8_t bmc_addr7, int adapter) {
    return t.addr7 == smbus::AlertLine::kAlertResponseAddress && t.adapter == adapter &&
           (is_op(t, "receive_byte") || is_op(t, "i2c_read")) && t.status == SmbusStatus::Ok &&
           !t.data.empty() && t.data[0] >> 1 == bmc_addr7;
}

// A request the probe reads the answer of at once (read_response right after the write):
// do_cmd's (ssif_detect, ssif_probe), Get Device ID, Get System Interface Capabilities,
// Clear Message Flags, Get and Set BMC Global Enables, each of netfn App and 2 or 3 bytes;
// and test_multipart_messages' Get Device ID padded with zeros to 65 bytes and sent as a
// start, a middle (if the BMC takes more than 63 bytes) and an end of 1 or 0 bytes: 32, 33,
// 64 or 65 bytes (ipmi_ssif.c in every version the models follow).
bool probe_request(const Bytes& request) {
    namespace ipmi = ssif::ipmi;
    if (request.size() < 2 || request[0] != ipmi::netfn_lun(ipmi::kNetfnApp))
        return false;
    if (request[1] == ipmi::kGetDeviceId.cmd) {
        const size_t n = request.size();
        return (n == 2 || n == 32 || n == 33 || n == 64 || n == 65) &&
               std::all_of(request.begin() + 2, request.end(), [](uint8_t b) { return b == 0; });
    }
    if (request.size() > 3)
        return false;
    for (const ipmi::Command c : {ipmi::kGetSystemInterfaceCaps, ipmi::kClearMessageFlags,
                                  ipmi::kGetBmcGlobalEnables, ipmi::kSetBmcGlobalEnables})
        if (request[1] == c.cmd)
            return true;
    return false;
}

// The bytes the BMC sent in a block read after its count byte, up to that count (a PEC byte
// after them left out), as far as a wire capture shows them (a read cut short keeps none in
// `data`), and that count (-1: not sent).
Bytes sent_after_count(const CapturedTransfer& t, int* count) {
    *count = -1;
    Bytes out;
    if (!t.wire || !t.restart_at || t.restart_at + 1 >= t.bytes.size() ||
        t.bytes[t.restart_at + 1].from_master)
        return out;
    *count = t.bytes[t.restart_at + 1].value;
    for (size_t k = t.restart_at + 2;
         k < t.bytes.size() && !t.bytes[k].from_master && out.size() < static_cast<size_t>(*count);
         ++k)
        out.push_back(t.bytes[k].value);
    return out;
}

// A response as the wires show it: its bytes, how many of them were read (the rest stand
// for bytes never read), whether it was read whole (a single part, or up to its end part),
// and whether its length is known (read whole, or given by a count: a single part's, or an
// end part's cut short) rather than a guess of one more part.
struct Reassembled {
    Bytes bytes;
    size_t shown = 0;
    bool whole = false;
    bool length_known = false;
};

// The response a read begins to take, reassembled from it and the 0x09 reads after it
// (IPMI v2.0 §12.6): a single part, or a start of 00 01 + 30 bytes, middles of a block
// number + 31 and an end marked 0xff. Empty if the read carried none. When no end part
// follows (the capture ends, a middle's read failed or was cut short, the host went on to
// something else), the response has more than was read: what the unfinished middle showed,
// then zeros, enough for one more part after the ones read, which is all that is known of
// its length (the bytes never read are never judged; an end part cut short gives its length
// by its count).
Reassembled reassemble(const std::vector<CapturedTransfer>& ts, size_t i, uint8_t addr7) {
    const CapturedTransfer& first = ts[i];
    Reassembled r;
    if (!is_op(first, "block_read") || first.command != ssif::kReadStart ||
        first.status != SmbusStatus::Ok || first.data.empty())
        return r;
    if (!(first.data.size() == ssif::kPartMax && first.data[0] == 0x00 && first.data[1] == 0x01)) {
        r.bytes = first.data;
        r.shown = r.bytes.size();
        r.whole = r.length_known = true;
        return r;
    }
    Bytes& out = r.bytes;
    out.assign(first.data.begin() + 2, first.data.end());
    for (size_t j = i + 1;; ++j) {
        const CapturedTransfer* t = j < ts.size() ? &ts[j] : nullptr;
        if (t && t->addr7 != addr7)
            continue;
        const bool middle_read = t && is_op(*t, "block_read") && t->command == ssif::kReadMiddle;
        if (middle_read && t->status == SmbusStatus::Ok && !t->data.empty()) {
            out.insert(out.end(), t->data.begin() + 1, t->data.end());
            if (t->data[0] == ssif::kReadEndBlock) {
                r.whole = r.length_known = true;
                break;
            }
            continue;
        }
        const size_t before = out.size();
        int count = -1;
        const Bytes shown = middle_read ? sent_after_count(*t, &count) : Bytes{};
        if (shown.size() > 1)
            out.insert(out.end(), shown.begin() + 1, shown.end()); // after the block number
        r.shown = out.size();
        r.length_known = count >= 1 && count < static_cast<int>(ssif::kPartMax);
        if (r.length_known) // an end part's count
            out.resize(before + static_cast<size_t>(count) - 1);
        else
            out.resize(std::max(out.size(), before + ssif::kPartMax));
        break;
    }
    if (r.whole)
        r.shown = out.size();
    return r;
}

Bytes response_from(const std::vector<CapturedTransfer>& ts, size_t i, uint8_t addr7) {
    return reassemble(ts, i, addr7).bytes;
}

// What a read of 0x03 showed of its response: reassemble's, or, for a read cut short after
// the BMC sent its count (a host that died in it), the bytes it showed filled out with zeros
// to that count (`*length`) or, for a multi-part start, to one more part (`*length` 0).
// Empty if it showed no response.
Reassembled shown_response(const std::vector<CapturedTransfer>& ts, size_t i, uint8_t addr7,
                           size_t* length) {
    Reassembled r = reassemble(ts, i, addr7);
    *length = 0;
    if (!r.bytes.empty())
        return r;
    const CapturedTransfer& t = ts[i];
    int count = -1;
    Bytes shown = sent_after_count(t, &count);
    if (!is_op(t, "block_read") || t.command != ssif::kReadStart || count < 1 ||
        count > static_cast<int>(ssif::kPartMax))
        return r;
    // A multi-part start is 00 01 and 30 bytes; a single part's first byte is the response's
    // netfn and LUN, never 0 (a response's netfn is odd): a count of 32 and 00 is a start.
    if (count == static_cast<int>(ssif::kPartMax) && !shown.empty() && shown[0] == 0x00 &&
        (shown.size() == 1 || shown[1] == 0x01)) {
        shown.erase(shown.begin(), shown.begin() + (shown.size() == 1 ? 1 : 2));
        r.shown = shown.size();
        shown.resize(ssif::kPartMax - 2 + ssif::kPartMax);
    } else {
        r.shown = shown.size();
        r.length_known = true;
        *length = static_cast<size_t>(count);
        shown.resize(*length);
    }
    r.bytes = std::move(shown);
    return r;
}

// The length of the daemon's response a read showing `shown_length` bytes of one says:
// that length, or, past what ssif_bmc_write takes (IPMI_SSIF_PAYLOAD_MAX), only that it was
// multi-part: no daemon wrote it, but ssif_bmc left with no response (len 0) and the
// multi-part start of its last one sends 30 + (u8)(0 - 30) = 256 bytes
// (set_multipart_response_buffer's u8 remain_len). Then a start and one more part.
size_t daemon_length(size_t shown_length) {
    return shown_length <= ssif::kMessageMax ? shown_length : ssif::kPartMax - 2 + ssif::kPartMax;
}

// The response a read of 0x03 carried (shown_response). Bytes never read are taken from the
// next response read whole, if it begins with those read (and has the count's length, when
// the count is all there is to go by, or more than one part's after a multi-part start):
// ssif_bmc, never told the read ended, sends the response it still holds again from its
// start. Reads cut short in turn before it that show more of it fill in what they show; the
// rest are zeros. Empty if it carried none.
Bytes carried_response(const std::vector<CapturedTransfer>& ts, size_t i, uint8_t addr7) {
    size_t length = 0; // the response's length, where a single part's count gives it
    Reassembled r = shown_response(ts, i, addr7, &length);
    if (r.bytes.empty() || r.whole)
        return r.bytes;
    // A read cut short right after a count of 32 shows nothing of what it is: a single part
    // of 32 bytes, or a multi-part start (00 01 and 30).
    const auto unknown = [](const Reassembled& read, size_t read_length) {
        return !read.whole && read.shown == 0 && read_length == ssif::kPartMax;
    };
    for (size_t j = i + 1; j < ts.size(); ++j) {
        if (ts[j].addr7 != addr7)
            continue;
        size_t later_length = 0;
        const Reassembled later = shown_response(ts, j, addr7, &later_length);
        if (later.bytes.empty() || unknown(later, later_length))
            continue;
        if (unknown(r, length)) {
            // The first read after it that shows more says what it is, if its count could be
            // this one's: a multi-part start, or a single part of 32 bytes.
            const bool fits = later.whole ? later.bytes.size() >= ssif::kPartMax
                                          : later_length == 0 || later_length == ssif::kPartMax;
            if (!fits)
                break; // another response
            if (later.whole && later.bytes.size() > ssif::kMessageMax) {
                r.bytes.assign(daemon_length(later.bytes.size()), 0); // multi-part, no more
                return r.bytes;
            }
            if (later.whole)
                return later.bytes;
            r = later;
            length = later_length;
            continue;
        }
        const size_t common = std::min(r.shown, later.shown);
        const bool same_start = std::equal(
            r.bytes.begin(), r.bytes.begin() + static_cast<long>(common), later.bytes.begin());
        // The same response: as long as the count said, or, after a multi-part start, longer
        // than one part (ssif_bmc_write: is_singlepart_read when msg.len <=
        // MAX_PAYLOAD_PER_TRANSACTION, 32).
        if (later.whole) {
            if (same_start && later.bytes.size() >= r.shown &&
                (length == 0 ? later.bytes.size() > ssif::kPartMax : later.bytes.size() == length))
                return later.bytes;
            break;
        }
        if (!same_start || later_length != length)
            break; // another response
        // A later read that shows more than this one's length, or whose length is known where
        // this one's is a guess (what it read and one more part), takes it on to its own.
        if (later.shown > r.bytes.size() || (later.length_known && !r.length_known)) {
            r.bytes.resize(std::max(later.bytes.size(), r.shown));
            r.length_known = later.length_known;
        }
        const size_t n = std::min(later.shown, r.bytes.size());
        if (n > r.shown) {
            std::copy(later.bytes.begin() + static_cast<long>(r.shown),
                      later.bytes.begin() + static_cast<long>(n),
                      r.bytes.begin() + static_cast<long>(r.shown));
            r.shown = n;
        }
    }
    return r.bytes;
}

// A response that answers `request` (at least netfn/LUN and command), with completion code
// 0: what the replay takes the daemon to have written when the wires show none of it.
Bytes stand_in_response(const Bytes& request) {
    return {static_cast<uint8_t>((request[0] & 0xfc) + 4), request[1], ssif::kCcOk};
}

// The IPMI message handler's rule: the response's netfn is the request's + 1 and the
// command the same (ipmi_msghandler.c handle_one_recv_msg).
bool answers(const Bytes& request, const Bytes& response) {
    return response.size() >= 2 && request.size() >= 2 &&
           (response[0] >> 2) == (request[0] >> 2) + 1 && response[1] == request[1];
}

// Whether `response` answers `request` as far as it can show: one of fewer than three bytes
// (a daemon's length field of 1 or 2, which ssif_bmc_write takes, or a read cut short after
// its first byte, the rest a guess) by its netfn alone, a longer one as answers() does.
bool begins_answer(const Bytes& request, const Bytes& response) {
    if (response.size() >= 3)
        return answers(request, response);
    return !response.empty() && !request.empty() && (response[0] >> 2) == (request[0] >> 2) + 1;
}

// ipmi_ssif's waits (retry_timeout after mod_timer(jiffies + SSIF_*_JIFFIES)): the timer
// runs on a tick after jiffies + d (kernel/time/timer.c), so at least d ticks pass between
// the transfer that armed it and the next one.
struct HostTimers {
    explicit HostTimers(const CaptureCheckOptions& o)
        : kernel(ssif::host_kernel(o.host_variant)), jiffies(o.host_hz) {}
    uint64_t min_wait_ns(const std::string& reason) const {
        uint64_t usec = 0;
        if (reason == "first_read")
            usec = kernel.msg_part_usec;
        else if (reason == "read_retry")
            usec = kernel.read_retry_usec;
        else if (reason == "write_retry" && kernel.write_retry_waits)
            usec = kernel.write_retry_usec;
        return jiffies.from_usec(usec) * jiffies.tick_ns();
    }
    const char* constant(const std::string& reason) const {
        return reason == "first_read"   ? "SSIF_MSG_PART_JIFFIES"
               : reason == "read_retry" ? "SSIF_MSG_JIFFIES"
                                        : "SSIF_REQ_RETRY_JIFFIES";
    }
    const ssif::HostKernel& kernel;
    Jiffies jiffies;
};

// Builds each request's outcome from the SSIF parts on the wire, the way ipmi_ssif's
// message goes: write parts (a retry starts again at 0x02/0x06), then reads until a whole
// response, or the next request, which ends this one as failed.
class Exchanges {
  public:
    Exchanges(const CaptureCheckOptions& o, CaptureResult& r) : timers_(o), r_(r) {}

    // A Receive Byte from the Alert Response Address on the BMC's adapter (smbus_alert's),
    // which the BMC answered (bmc_alerted) or not. smbus_alert reads until a read fails, each
    // read taking the adapter as the one before lets it go: a run of them, each within a
    // jiffy of the one before, may hold a driver's write back.
    void alert_read(const CapturedTransfer& t, bool bmc_answered) {
        if (!ara_run_from_ns_ || t.start_ns > ara_run_end_ns_ + timers_.jiffies.tick_ns())
            ara_run_from_ns_ = t.start_ns;
        ara_run_end_ns_ = t.end_ns;
        if (bmc_answered)
            alert_ns_ = t.end_ns;
    }

    // `write_follows`: the next transfer to the BMC is a 0x02 or 0x06 write.
    void transfer(const CapturedTransfer& t, bool write_follows) {
        add(t, write_follows);
        ara_run_from_ns_.reset(); // the ARA reads before it held this transfer back, if any
        // A transfer its master let go of with no STOP (a host that died in it: a master whose
        // transfer fails sends its STOP) ends the request there, as the host's death ends
        // ipmi_ssif's (the run's error power_off); the host's next write is no timed retry.
        if (t.wire && !t.stopped && cur_) {
            if (cur_->request.empty()) { // the request as far as the wires show it
                cur_->request = request_;
                cur_->request.insert(cur_->request.end(), t.data.begin(), t.data.end());
            }
            end_request(t.end_ns, ssif::RequestError::PowerOff);
        }
    }

    void finish() {
        if (!cur_)
            return;
        r_.submitted++; // in flight at the capture's end
        r_.open_at_end = true;
        r_.open_id = cur_->id;
        r_.open_since_ns = cur_->submitted_ns;
    }

    Check host_timing() const {
        Check c;
        c.name = check_name(CheckId::HostTiming);
        c.description = std::string("the host waited ipmi_ssif's timers (") +
                        ssif::host_variant_name(timers_.kernel.variant) +
                        " at HZ=" + std::to_string(timers_.jiffies.hz()) +
                        ") before each first read, read "
                        "retry and write retry";
        c.pass = r_.host_findings.empty();
        if (!c.pass)
            c.detail = "t=" + ms(r_.host_findings.front().t_ns) + ": " +
                       r_.host_findings.front().what +
                       (r_.host_findings.size() > 1
                            ? " (" + std::to_string(r_.host_findings.size()) + " in all)"
                            : std::string());
        return c;
    }

    std::vector<std::string> messages_problems;

  private:
    void add(const CapturedTransfer& t, bool write_follows) {
        const bool bare = bare_address_nak(t);
        // A read the BMC NAKed at its command byte never got to its repeated START: the
        // decoder sees a write of 0x03 or 0x09, commands ipmi_ssif never writes.
        const bool cut_read = is_op(t, "block_write") &&
                              (t.command == ssif::kReadStart || t.command == ssif::kReadMiddle);
        const bool write = is_op(t, "block_write") && !bare && !cut_read;
        const bool read = is_op(t, "block_read") || cut_read || (bare && cur_ && write_complete_);
        // With no request open, a bare NAK is a write attempt if a write follows (a resend)
        // or the capture holds a request before it (ipmi_ssif reads only for a message it
        // sent); else it is a read of a request the capture does not hold.
        if (bare && !read && !cur_ && !write_follows && ids_ == 0) {
            ++r_.unpaired_reads;
            return;
        }
        if (bare && !read)
            return write_part(t, true);
        if (write)
            return write_part(t, false);
        if (read)
            return read_part(t);
    }

    void segment(const CapturedTransfer& t, ssif::SegmentKind kind, const std::string& reason) {
        if (!cur_->timeline.empty() && !reason.empty()) {
            const uint64_t from = cur_->timeline.back().end_ns;
            // The driver's timer started when the transfer before returned to it.
            const uint64_t gap = t.start_ns > last_done_ns_ ? t.start_ns - last_done_ns_ : 0;
            cur_->timeline.push_back(
                {ssif::SegmentKind::Wait, reason, "", from, std::max(from, t.start_ns)});
            const uint64_t need = timers_.min_wait_ns(reason);
            // ssif_probe and ssif_detect send through do_cmd (and test_multipart_messages),
            // without PEC, whose read_response reads at once after the write (its retries
            // msleep SSIF_MSG_MSEC, as long as a read retry): a first read within a jiffy of
            // a write without PEC of one of the probe's requests is that, not the message
            // path's SSIF_MSG_PART wait cut short.
            const bool do_cmd_read = reason == "first_read" && !write_pec_ &&
                                     gap < timers_.jiffies.tick_ns() &&
                                     probe_request(cur_->request);
            // ssif_alert: an alert while the driver waits for its timer (waiting_alert, after
            // the write or a failed read) deletes the timer and reads at once; one while the
            // message is current (got_alert, cleared by start_send, which may run just before
            // the alert's ARA read takes the adapter ahead of the write: within a jiffy of
            // it) makes msg_written_handler read at once. An alert while idle does nothing.
            const uint64_t alert_from =
                reason == "first_read" ? attempt_alert_from_ns_ : last_done_ns_;
            const bool alerted = (reason == "first_read" || reason == "read_retry") && alert_ns_ &&
                                 *alert_ns_ >= alert_from && *alert_ns_ <= t.start_ns;
            if (gap < need && !do_cmd_read && !alerted)
                r_.host_findings.push_back(
                    {t.start_ns, std::string(ssif::segment_kind_name(kind)) + " " +
                                     part_label(t, kind) + " " + ms(gap) +
                                     " after the transfer before it; ipmi_ssif waits " +
                                     timers_.constant(reason) + " (" +
                                     std::to_string(need / timers_.jiffies.tick_ns()) +
                                     " jiffies, at least " + ms(need) + ") for " + reason});
        }
        last_done_ns_ = t.master_done_ns;
        cur_->timeline.push_back(
            {kind, part_label(t, kind), smbus::status_name(t.status), t.start_ns, t.end_ns});
    }

    // A read the BMC NAKed at its address is start_get's 0x03; a write's part is unknown.
    static std::string part_label(const CapturedTransfer& t, ssif::SegmentKind kind) {
        if (!bare_address_nak(t))
            return hex8(t.command);
        return kind == ssif::SegmentKind::Read ? hex8(ssif::kReadStart) : "?";
    }

    void end_request(uint64_t t_ns, ssif::RequestError error) {
        cur_->completed_ns = t_ns;
        cur_->error = error;
        if (error != ssif::RequestError::None) {
            cur_->response = {};
            cur_->completion_code = ssif::kCcUnspecified;
        }
        r_.submitted++;
        r_.completed++;
        r_.outcomes.push_back(*cur_);
        cur_.reset();
    }

    void write_part(const CapturedTransfer& t, bool bare) {
        const uint8_t cmd = t.command;
        const bool first_part = bare || cmd == ssif::kWriteSingle || cmd == ssif::kWriteStart;
        std::string wait;
        if (first_part) {
            if (cur_ && write_complete_) {
                // A new request while this one has no response: the host gave up on it.
                end_request(cur_->timeline.back().end_ns, ssif::RequestError::ReadFailed);
            } else if (cur_ && !write_complete_) {
                wait = "write_retry"; // start_resend after a failed part
            }
            if (!cur_) {
                cur_.emplace();
                cur_->id = ++ids_;
                cur_->started_ns = cur_->submitted_ns = t.start_ns;
            }
            cur_->write_attempts++;
            // start_resend ran within a jiffy of the attempt's START, or of the first of the
            // ARA reads that took the adapter ahead of it.
            const uint64_t tick = timers_.jiffies.tick_ns();
            const uint64_t sent = ara_run_from_ns_ && t.start_ns <= ara_run_end_ns_ + tick
                                      ? *ara_run_from_ns_
                                      : t.start_ns;
            attempt_alert_from_ns_ = std::max(last_done_ns_, sent > tick ? sent - tick : 0);
            cur_->parts_written = 0;
            request_.clear();
            write_attempt_ok_ = true;
            write_complete_ = false;
            reads_ = 0;
        } else if (!cur_ || write_complete_) {
            return; // a middle or end part with no write open: ssif_framing judges it
        }
        write_pec_ = t.pec;
        segment(t, ssif::SegmentKind::Write, wait);
        // A wrong PEC byte the BMC ACKed is a write that went through, as the host sees it.
        const bool through = t.status == SmbusStatus::Ok || t.status == SmbusStatus::BadPec;
        if (!through || !write_attempt_ok_) {
            write_attempt_ok_ = false;
            // msg_written_handler: SSIF_SEND_RETRIES failed attempts fail the message; the
            // host's next write begins the next one, with no retry wait before it.
            if (cur_->write_attempts >= timers_.kernel.send_attempts)
                end_request(t.end_ns, ssif::RequestError::WriteFailed);
            return;
        }
        cur_->parts_written++;
        request_.insert(request_.end(), t.data.begin(), t.data.end());
        if (cmd == ssif::kWriteSingle || cmd == ssif::kWriteEnd ||
            (cmd == ssif::kWriteMiddle && t.data.size() < ssif::kPartMax)) {
            write_complete_ = true;
            cur_->request = request_;
        }
    }

    void read_part(const CapturedTransfer& t) {
        if (!cur_ || !write_complete_) {
            ++r_.unpaired_reads;
            if (t.status == SmbusStatus::Ok && t.command == ssif::kReadStart)
                messages_problems.push_back("t=" + ms(t.start_ns) + ": a response (" +
                                            brief_hex(t.data) +
                                            ") read with no request "
                                            "waiting for it (duplicated, or a request before "
                                            "the capture)");
            return;
        }
        const bool start = bare_address_nak(t) || t.command == ssif::kReadStart;
        if (start && reads_ == 0) {
            // msg_written_handler: with got_alert set (an alert after start_resend, before the
            // write returned) the driver reads at once without reloading retries_left, so the
            // reads get what the write attempts left of SSIF_SEND_RETRIES; else it reloads
            // SSIF_RECV_RETRIES and waits SSIF_MSG_PART first. A read after that wait had no
            // got_alert (the alert came before start_resend cleared it); with a wait of 0
            // jiffies (HZ 100: the next tick) the alert alone tells.
            const uint64_t part_wait = timers_.min_wait_ns("first_read");
            const uint64_t gap = t.start_ns - std::min(t.start_ns, last_done_ns_);
            const bool got_alert = alert_ns_ && *alert_ns_ >= attempt_alert_from_ns_ &&
                                   *alert_ns_ <= last_done_ns_ &&
                                   (part_wait == 0 || gap < part_wait);
            read_budget_ = got_alert ? timers_.kernel.send_attempts - (cur_->write_attempts - 1)
                                     : timers_.kernel.read_attempts;
        }
        std::string wait;
        if (start)
            wait = reads_++ == 0 ? "first_read" : "read_retry";
        cur_->read_attempts += start;
        segment(t, ssif::SegmentKind::Read, wait);
        if (t.status != SmbusStatus::Ok) {
            multi_open_ = false;
            // The reads' retries_left spent: the driver fails the message.
            if (start && cur_->read_attempts >= read_budget_)
                end_request(t.end_ns, ssif::RequestError::ReadFailed);
            return;
        }
        if (t.command == ssif::kReadStart) {
            response_.clear();
            cur_->parts_read = 1;
            if (t.data.size() == ssif::kPartMax && t.data[0] == 0x00 && t.data[1] == 0x01) {
                response_.assign(t.data.begin() + 2, t.data.end());
                multi_open_ = true;
                next_block_ = 0;
                return;
            }
            response_ = t.data;
        } else if (t.command == ssif::kReadMiddle && multi_open_ && !t.data.empty()) {
            cur_->parts_read++;
            // msg_done_handler: a part that takes the response past IPMI_MAX_MSG_LENGTH
            // fails the message (-E2BIG), as does a middle part out of sequence.
            if (response_.size() + t.data.size() - 1 > ssif::kIpmiMaxMsgLength) {
                multi_open_ = false;
                return end_request(t.end_ns, ssif::RequestError::TooBig);
            }
            if (t.data[0] != ssif::kReadEndBlock && t.data[0] != next_block_++) {
                multi_open_ = false;
                return end_request(t.end_ns, ssif::RequestError::BadBlock);
            }
            response_.insert(response_.end(), t.data.begin() + 1, t.data.end());
            if (t.data[0] != ssif::kReadEndBlock)
                return;
            multi_open_ = false;
        } else {
            return;
        }
        cur_->response = response_;
        cur_->completion_code = response_.size() > 2 ? response_[2] : ssif::kCcUnspecified;
        const Bytes& q = cur_->request;
        const bool answered = answers(q, response_);
        if (!answered)
            messages_problems.push_back("request " + std::to_string(cur_->id) + " (" +
                                        brief_hex(q) + ", started t=" + ms(cur_->started_ns) +
                                        ") took " + brief_hex(response_) + " at t=" + ms(t.end_ns) +
                                        ", which does not answer it (netfn + 1, the same command)");
        end_request(t.end_ns,
                    answered ? ssif::RequestError::None : ssif::RequestError::MismatchedResponse);
    }

    HostTimers timers_;
    CaptureResult& r_;
    std::optional<ssif::RequestOutcome> cur_;
    int ids_ = 0;
    Bytes request_, response_;
    bool write_complete_ = false, write_attempt_ok_ = false, multi_open_ = false;
    bool write_pec_ = false; // the request's last write part carried a PEC byte
    int reads_ = 0;
    int read_budget_ = 0;       // the reads the write attempt's retries_left allows
    unsigned next_block_ = 0;   // the block number the next middle part carries
    uint64_t last_done_ns_ = 0; // the master_done_ns of the request's last transfer
    // Where an alert that lets the write attempt's first read come at once may lie from: a
    // jiffy before the attempt's START, and after the transfer before it.
    uint64_t attempt_alert_from_ns_ = 0;
    std::optional<uint64_t> alert_ns_; // the BMC's last answered alert
    // The run of ARA reads since the last transfer to the BMC: its first START, its last end.
    std::optional<uint64_t> ara_run_from_ns_;
    uint64_t ara_run_end_ns_ = 0;
};

Check pec_check(const std::vector<CapturedTransfer>& ts, uint8_t addr7, uint64_t* checked) {
    Check c;
    c.name = check_name(CheckId::Pec);
    c.description = "every PEC byte the BMC and the host sent is the CRC-8 of its transfer "
                    "(SMBus 2.0 §5.4.1.4)";
    uint64_t bad = 0;
    for (const CapturedTransfer& t : ts) {
        if (t.addr7 != addr7 || !(t.pec || t.status == SmbusStatus::BadPec))
            continue;
        ++*checked;
        if (t.pec_ok && t.status != SmbusStatus::BadPec)
            continue;
        if (bad++ == 0)
            c.detail = "t=" + ms(t.start_ns) + ": " + t.op + " " + hex8(t.command) +
                       (t.wire ? ": its PEC byte is not the CRC-8 of the bytes before it"
                               : ": the adapter returned -EBADMSG (a bad PEC)");
    }
    if (bad) {
        c.pass = false;
        if (bad > 1)
            c.detail += " (" + std::to_string(bad) + " transfers in all)";
    } else if (*checked == 0) {
        // No PEC byte to hold to the CRC-8: nothing judged, and no claim about them made.
        c.judged = false;
        c.detail = "not judged: the capture carries no PEC bytes";
    }
    return c;
}

} // namespace

// ---- the BMC's side replayed into ssif_bmc ------------------------------------------------

BmcReplay::BmcReplay(const CaptureCheckOptions& o, std::map<uint64_t, Answer> answer_unread,
                     const std::vector<ResponseRead>& read,
                     const std::vector<ResponseRead>& carried, Daemon daemon)
    : options_(o), answer_unread_(std::move(answer_unread)), read_(read), carried_(carried),
      daemon_(daemon), jiffies_(o.bmc_hz), bmc_(o.bmc_addr7, o.bmc_variant, *this),
      controller_(o.bmc_controller) {
    bmc_.open();
}

void BmcReplay::arm_response_timer() {
    timer_armed_ = true;
    timer_expires_ns_ =
        ssif::response_timer_expiry_ns(jiffies_, options_.bmc_response_timeout_ms, now_ns_);
}

void BmcReplay::request_available() {
    if (daemon_ == Daemon::OneAtATime && (daemon_has_request_ || blocked_)) {
        waiting_ = Waiting{now_ns_, next_}; // read once the daemon has written (daemon_write)
        return;
    }
    take_request(now_ns_, next_, false);
}

void BmcReplay::take_request(uint64_t available_ns, const Bytes* next, bool late) {
    Bytes msg;
    const bool took =
        bmc_.read(bmc_.msg_size(), true, msg) > 0 && msg.size() > ssif::SsifBmc::kMsgLenField;
    // Read late, the request may be gone (ssif_bmc_write cleared it): nothing to take.
    if (!took && late)
        return;
    request_at_ns_ = available_ns;
    if (took) {
        request_.assign(msg.begin() + ssif::SsifBmc::kMsgLenField,
                        msg.end()); // the daemon takes it
        daemon_has_request_ = true;
    }
    // Unread: the host read no response after this request's write, or only one that does
    // not answer it (another request's, whose write the wires hid: a host that died with the
    // lines low and came back).
    const bool unread = !next || !answers(request_, *next);
    answer_ = Answer::Proven; // what was said of the request before goes
    if (unread && request_.size() >= 2) {
        unread_requests_.push_back(available_ns);
        if (const auto a = answer_unread_.find(available_ns); a != answer_unread_.end())
            answer_ = a->second;
    }
}

void BmcReplay::log(const char*, const std::string&) {} // the replay judges the wires only

Bytes BmcReplay::stand_in() const {
    // The next read of 0x03 shows what ssif_bmc held. Read whole, of IPMI's shape and no
    // longer than a daemon writes (daemon_length), answering another command, it is the
    // daemon's answer to the request as the daemon read it (garbled: a read() whose buffer
    // faulted, daemon_efault, before 2026-efault).
    const auto next = std::find_if(carried_.begin(), carried_.end(),
                                   [&](const ResponseRead& c) { return c.t_ns > request_at_ns_; });
    if (next != carried_.end() && next->response.size() >= 3 &&
        next->response.size() <= ssif::kMessageMax && !answers(request_, next->response))
        for (const ResponseRead& r : read_)
            if (r.t_ns == next->t_ns)
                return r.response;
    // Else the first response read after the request that answers it (netfn + 1, the same
    // command; one of fewer than three bytes by its netfn: begins_answer): a daemon answers a
    // command the same way each time, and ssif_bmc, never told a read was cut short, sends a
    // response it still holds again.
    for (const ResponseRead& r : read_)
        if (r.t_ns > request_at_ns_ && begins_answer(request_, r.response))
            return r.response;
    // Else the next read of 0x03's response if it answers the request, else its length (a
    // read cut short after its count shows no more; one longer than a daemon writes, only
    // that it was multi-part: daemon_length).
    Bytes shape = stand_in_response(request_);
    for (const ResponseRead& c : carried_)
        if (c.t_ns > request_at_ns_) {
            if (begins_answer(request_, c.response))
                return c.response;
            shape.resize(std::max(shape.size(), daemon_length(c.response.size())));
            break;
        }
    return shape;
}

void BmcReplay::timers_until(uint64_t t_ns) {
    if (timer_armed_ && timer_expires_ns_ <= t_ns) {
        timer_armed_ = false;
        now_ns_ = timer_expires_ns_;
        bmc_.on_response_timeout();
        controller_.response_timeout();
    }
    now_ns_ = t_ns;
}

void BmcReplay::daemon_write(const Bytes& response) {
    daemon_has_request_ = false;
    const long ret = bmc_.write(ssif::encode_ssif_msg(response), true);
    if (ret == -EAGAIN) { // response_in_progress: the blocking write sleeps
        blocked_ = response;
        return;
    }
    if (ret > 0)
        controller_.response_written();
    else
        refused_ = Refused{ret, response.size(), request_at_ns_};
    if (waiting_) { // a OneAtATime daemon reads the next request now
        const Waiting w = *waiting_;
        waiting_.reset();
        take_request(w.available_ns, w.next, true);
    }
}

void BmcReplay::land_blocked_write() {
    // ssif_bmc_write's wait_event_interruptible(..., !response_in_progress).
    if (!blocked_ || bmc_.response_pending())
        return;
    const Bytes response = std::move(*blocked_);
    blocked_.reset();
    daemon_write(response);
}

std::string BmcReplay::why_busy() const {
    if (bmc_.busy() && !bmc_.aborting()) {
        const std::string busy =
            "busy: the request it had at t=" + ms(request_at_ns_) + " is with its daemon, ";
        // The response the host read is longer than ssif_bmc's message holds
        // (IPMI_SSIF_PAYLOAD_MAX): the captured BMC had it, ssif_bmc_write refuses it.
        if (refused_ && refused_->request_at_ns == request_at_ns_ &&
            refused_->length > ssif::kMessageMax)
            return busy + "whose response the host read, " + std::to_string(refused_->length) +
                   " bytes, ssif_bmc_write refuses (" + errno_text(refused_->ret) +
                   "): more than the " + std::to_string(ssif::kMessageMax) +
                   " bytes its message holds";
        return busy + "and no response to it was read";
    }
    if (!controller_.enabled())
        return "its slave address disabled while busy (" + std::string(controller_.row().name) +
               ")";
    if (bmc_.removed())
        return "the driver removed";
    return "";
}

bool BmcReplay::went_on_past_busy(const CapturedTransfer& t) const {
    // With a controller that ACKs every byte whatever the driver says, going on shows nothing.
    const ssif::ControllerRow& row = controller_.row();
    if (row.busy == ssif::BusyRule::Ignored && !row.slave_disabled_while_busy)
        return false;
    // The byte a busy ssif_bmc stops: the command byte behind a controller that NAKs the byte
    // after the address (NakNextByte), else the address.
    const size_t stop_at =
        row.busy == ssif::BusyRule::NakNextByte && !row.slave_disabled_while_busy ? 1 : 0;
    if (t.bytes.size() <= stop_at)
        return false;
    for (size_t i = 0; i <= stop_at; ++i)
        if (!t.bytes[i].ack)
            return false;
    return true;
}

void BmcReplay::differ(uint64_t t_ns, const std::string& what) {
    findings_.push_back({t_ns, what + " (ssif_bmc " + ssif::bmc_variant_name(options_.bmc_variant) +
                                   ", controller " + controller_.row().name + ")"});
}

// SMBus 3.1 Table 1: every device has reset its interface once SCL stayed low for
// tTIMEOUT,max (35 ms); a byte takes 9 clocks, 0.9 ms at the slowest clock (10 kHz). So two
// bytes of one transfer more than this apart had the bus stopped between them.
constexpr uint64_t kTransferBrokenNs = 35'000'000 + 900'000;

void BmcReplay::transfer(const CapturedTransfer& t, const Bytes* carried, const Bytes* next,
                         const Bytes* later, const CapturedTransfer* following) {
    if (!t.wire || t.bytes.empty())
        return;
    if (lost_at_ns_) {
        ++unjudged_;
        return;
    }
    next_ = next;
    // A read that carried a response shows the BMC had the daemon's answer (ssif_bmc sends
    // no bytes of its own but a count of 0): the daemon wrote it before this read, and before
    // the response timer fired if that comes first (a BMC that sent it had taken it in time).
    // It is the daemon's if it answers the request the daemon took, as far as it can show
    // (begins_answer: a daemon's length field of 1 or 2 leaves too few bytes), if the read
    // showed only its count, or if it has an IPMI response's shape at least (netfn, command,
    // completion code: the daemon may have answered a request other than the one the replay
    // gave it); other bytes are the BMC's own doing. The daemon answers what it took whether
    // or not ssif_bmc is still busy with it: a STOP after a read that found no response
    // clears busy (on_stop_event completes a response when the last one was single-part:
    // is_singlepart_read is left from it).
    const bool waiting_before = daemon_has_request_ && !bmc_.response_pending();
    // A read that showed its count and no byte after it (its host died there) carried a
    // length alone: whose the bytes were, it cannot tell.
    const bool count_only = t.restart_at != 0 && t.bytes.size() == t.restart_at + 2;
    const bool timer_first = timer_armed_ && timer_expires_ns_ <= t.start_ns;
    Bytes before_timer;             // Answer::BeforeTimer's stand-in
    const Bytes* written = nullptr; // what the daemon wrote before this transfer
    if (carried && waiting_before &&
        (count_only || begins_answer(request_, *carried) || carried->size() >= 3)) {
        written = carried;
    } else if (answer_ == Answer::BeforeTimer && waiting_before && timer_first) {
        before_timer = stand_in();
        written = &before_timer;
    } else if (later && waiting_before && timer_first && answers(request_, *later) &&
               !(is_op(t, "block_write") && bmc_.state() == ssif::BmcState::Ready)) {
        // The next read carries the answer to the request the daemon has, which it wrote
        // before the timer fired (as above): so before this transfer, which the timer
        // precedes, unless this is a write ssif_bmc takes as a new request (whose own
        // timer would come next); a dead read left it in START, and this write it aborts.
        written = later;
    }
    if (written) {
        if (timer_first)
            timers_until(std::max(now_ns_, timer_expires_ns_ - 1));
        daemon_write(*written);
    }
    timers_until(t.start_ns);
    // A transfer (a read, or another master's write) the BMC let go on past its address and
    // command where a busy ssif_bmc would have stopped it: the daemon had answered.
    const bool goes_on = went_on_past_busy(t);
    const bool waiting = bmc_.busy() && !bmc_.response_pending();
    // A read cut short before the BMC sent its count shows no bytes to compare: if the BMC
    // let it go on, the daemon may have answered, with bytes the wire never showed; the
    // response the host read next, if it answers the request (netfn + 1, the same command:
    // other bytes are the BMC's own doing), else one that does (stand_in), stands in.
    bool sent_nothing = t.restart_at != 0;
    for (const WireByte& b : t.bytes)
        sent_nothing = sent_nothing && b.from_master;
    Bytes guessed;
    const Bytes* response = next && answers(request_, *next) ? next : nullptr;
    if (!response && (sent_nothing || answer_ == Answer::Shown) && request_.size() >= 2) {
        guessed = stand_in();
        response = &guessed;
    }
    if (response && goes_on && waiting) {
        daemon_write(*response);
        if (answer_ == Answer::Shown)
            answer_ = Answer::Proven;
    }
    // Answer::Discarded: the answer comes after this transfer's address, answered busy, and
    // before its command byte, which the controller NAKs for that answer; the next transfer
    // shows a BMC no longer busy.
    const ssif::ControllerRow& row = controller_.row();
    const bool discard_here = answer_ == Answer::Discarded && waiting && !goes_on &&
                              row.busy == ssif::BusyRule::NakNextByte &&
                              !row.slave_disabled_while_busy && t.bytes.size() > 1 &&
                              t.bytes[0].ack && following && went_on_past_busy(*following);
    // The lines stayed low past tTIMEOUT,max mid-transfer (a host that died in it, as fault
    // host_power_off draws it), then bytes went on without a START: the wires do not say
    // whose they are (a new transfer's, whose START the held line hid) nor whether the BMC's
    // controller saw a STOP, so neither this transfer's rest nor what follows is held to the
    // driver.
    size_t judged_bytes = t.bytes.size();
    for (size_t i = 1; i < t.bytes.size(); ++i) {
        const uint64_t gap = t.bytes[i].t_ns - t.bytes[i - 1].t_ns;
        if (gap <= kTransferBrokenNs)
            continue;
        judged_bytes = i;
        lost_at_ns_ = t.bytes[i - 1].t_ns;
        lost_why_ = "the " + std::string(t.op) + " " + hex8(t.command) +
                    " from t=" + ms(t.start_ns) + " stopped after byte " + std::to_string(i - 1) +
                    " for " + ms(gap) +
                    " (beyond tTIMEOUT,max 35 ms, as when a host dies mid-transfer), then went "
                    "on without a START: whose the bytes after are, and whether the BMC saw a "
                    "STOP, the capture cannot tell";
        break;
    }
    bool addressed = false;
    std::optional<uint8_t> supplied; // what the driver put in val for the next slave byte
    bool differed = false;
    for (size_t i = 0; i < judged_bytes; ++i) {
        const WireByte& b = t.bytes[i];
        timers_until(b.t_ns);
        if (!b.from_master) {
            if (!supplied) {
                // The master ACKed the previous byte: the controller asks for the next.
                uint8_t val = 0;
                bmc_.on_event(SlaveEvent::ReadProcessed, val);
                supplied = val;
            }
            if (*supplied != b.value && !differed) {
                differed = true;
                // Busy, ssif_bmc has no response to send (a count of 0): say why.
                const std::string why = why_busy();
                differ(b.t_ns, "the BMC sent " + hex8(b.value) + " as byte " + std::to_string(i) +
                                   " of this " + t.op + " " + hex8(t.command) +
                                   "; ssif_bmc would have sent " + hex8(*supplied) +
                                   (why.empty() ? "" : " (" + why + ")"));
            }
            supplied.reset();
            if (!b.ack)
                break; // the master's NAK: no more bytes asked for
            continue;
        }
        const bool read_address = i == 0 ? (b.value & 1) : (t.restart_at && i == t.restart_at);
        const SlaveEvent ev = i == 0 || read_address ? (read_address ? SlaveEvent::ReadRequested
                                                                     : SlaveEvent::WriteRequested)
                                                     : SlaveEvent::WriteReceived;
        const std::string why = why_busy();
        const ssif::BmcState before = bmc_.state();
        SlaveAnswer answer = SlaveAnswer::Absent;
        uint8_t val = b.value;
        if (!bmc_.removed() && controller_.enabled()) {
            answer = controller_.answer(ev, bmc_.on_event(ev, val));
            addressed = true;
            land_blocked_write();
        }
        if (read_address)
            supplied = val;
        const bool model_ack = answer == SlaveAnswer::Ack;
        if (model_ack != b.ack && !differed) {
            differed = true;
            const std::string what =
                i == 0 || read_address
                    ? std::string("its address (") + (read_address ? "read" : "write") + ")"
                    : "byte " + std::to_string(i) + " (" + hex8(b.value) + ")";
            differ(b.t_ns, std::string("the BMC ") + (b.ack ? "ACKed " : "NAKed ") + what +
                               " of this " + t.op + (t.command ? " " + hex8(t.command) : "") +
                               " where ssif_bmc would " + (model_ack ? "ACK it" : "NAK it") +
                               (why.empty() || model_ack ? "" : " (" + why + ")") + ", in state " +
                               ssif::bmc_state_name(before));
        }
        if (!b.ack)
            break;
        if (i == 0 && discard_here) {
            answer_ = Answer::Proven;
            daemon_write(stand_in());
        }
    }
    if (lost_at_ns_)
        return;
    // A write ssif_bmc aborts is ACKed to its end all the same (ssif_bmc_cb answers -EBUSY
    // only when busy and not aborting): the wires show the abort only by what follows.
    // A transfer cut off by the next one's START (its master died and let the lines go)
    // had no STOP: the BMC's controller saw none (SmbusBus::stop draws none either).
    if (addressed && t.stopped && !bmc_.removed() && controller_.enabled()) {
        timers_until(t.end_ns);
        uint8_t val = 0;
        // ssif_bmc_cb's answer to the STOP (-EBUSY after a request: the Nuvoton rows then
        // disable the address), as BmcModule::on_event hands it to the controller.
        controller_.answer(SlaveEvent::Stop, bmc_.on_event(SlaveEvent::Stop, val));
        land_blocked_write();
    }
    // The daemon answers the request it just took (and the next, a OneAtATime daemon's).
    while (answer_ == Answer::AtOnce) {
        answer_ = Answer::Proven;
        daemon_write(stand_in());
    }
}

// ---- the checks ----------------------------------------------------------------------------

namespace {

// A capture from which no SSIF request to the BMC was rebuilt leaves every check with
// nothing to judge: bad input (as a scenario without requests is), with what was found.
void refuse_nothing_to_judge(const Capture& cap, const CaptureCheckOptions& o,
                             const CaptureResult& r) {
    if (r.submitted > 0)
        return;
    const std::string bmc = hex8(o.bmc_addr7);
    std::string why;
    if (cap.transfers.empty()) {
        why = "no transfer in the capture";
    } else if (r.incomplete_transfers == cap.transfers.size()) {
        why = std::to_string(cap.transfers.size()) + " transfer(s), none with a whole address byte";
        if (!cap.glitches) // else the filter's remark below says what removed the clock
            why += ": are SCL and SDA swapped (--scl, --sda)?";
    } else if (r.bmc_transfers == 0) {
        std::map<uint8_t, uint64_t> by_addr;
        for (const CapturedTransfer& t : cap.transfers)
            if (!is_op(t, "incomplete"))
                ++by_addr[t.addr7];
        why = "no transfer to " + bmc + "; transfers were addressed to ";
        std::string hint;
        bool first = true;
        for (const auto& [addr, n] : by_addr) {
            why += (first ? "" : ", ") + hex8(addr) + " (" + std::to_string(n) + ")";
            first = false;
            if (addr * 2u == o.bmc_addr7)
                hint = ": " + bmc + " is the 8-bit address byte of 7-bit " + hex8(addr) +
                       "; --bmc-address takes the 7-bit address";
        }
        why += hint;
    } else {
        std::map<std::string, uint64_t> by_op;
        for (const CapturedTransfer& t : cap.transfers)
            if (t.addr7 == o.bmc_addr7 && !is_op(t, "incomplete"))
                ++by_op[bare_address_nak(t) ? std::string("address NAKed")
                        : is_op(t, "block_write") || is_op(t, "block_read")
                            ? std::string(t.op) + " " + hex8(t.command)
                            : std::string(t.op)];
        why = std::to_string(r.bmc_transfers) + " transfer(s) to " + bmc +
              ", none an SSIF request (a block write 0x02 or 0x06): ";
        bool first = true;
        for (const auto& [op, n] : by_op) {
            why += (first ? "" : ", ") + op + " (" + std::to_string(n) + ")";
            first = false;
        }
        if (r.unpaired_reads)
            why += "; " + std::to_string(r.unpaired_reads) +
                   " read(s) with no request of the capture before them (a capture starting "
                   "after the request was written?)";
    }
    if (cap.wire_timing && cap.glitches)
        why += "; the glitch filter removed " + std::to_string(cap.glitches) +
               " pulse(s) shorter than " + std::to_string(cap.glitch_ns) +
               " ns: is --glitch-ns wider than the bus's pulses?";
    if (cap.unterminated)
        why += "; the capture ends inside a transfer";
    throw InputError(cap.file + ": no SSIF request to the BMC at " + bmc +
                     " rebuilt, so nothing to check: " + why);
}

} // namespace

CaptureResult check_capture(const Capture& cap, const CaptureCheckOptions& o) {
    CaptureResult r;
    Exchanges exchanges(o, r);
    BusTimingCheck bus_timing;
    SsifFramingCheck framing(o.bmc_addr7);
    std::unique_ptr<BmcReplay> replay;
    // For each transfer, the response the host read next, before it wrote another request:
    // the daemon had answered by the time the BMC let that transfer go on where a busy BMC
    // would not have.
    std::vector<Bytes> next_response(cap.transfers.size());
    // For each read of 0x03, the response it carried itself (carried_response).
    std::vector<Bytes> carried(cap.transfers.size());
    // For each transfer, the next read of 0x03 after it, if that carried a response.
    std::vector<std::optional<size_t>> later_carried(cap.transfers.size());
    std::vector<bool> write_follows(cap.transfers.size());
    bool write_next = false;
    for (size_t i = cap.transfers.size(); i-- > 0;) {
        const CapturedTransfer& t = cap.transfers[i];
        if (t.addr7 != o.bmc_addr7)
            continue;
        write_follows[i] = write_next;
        write_next = is_op(t, "block_write") &&
                     (t.command == ssif::kWriteSingle || t.command == ssif::kWriteStart);
    }
    if (cap.wire_timing) {
        Bytes pending;
        std::optional<size_t> read_after; // the next read of 0x03, if it carried a response
        for (size_t i = cap.transfers.size(); i-- > 0;) {
            const CapturedTransfer& t = cap.transfers[i];
            if (t.addr7 != o.bmc_addr7)
                continue;
            later_carried[i] = read_after;
            carried[i] = carried_response(cap.transfers, i, o.bmc_addr7);
            if (is_op(t, "block_read") && t.command == ssif::kReadStart)
                read_after = carried[i].empty() ? std::nullopt : std::optional<size_t>(i);
            if (const Bytes r = response_from(cap.transfers, i, o.bmc_addr7); !r.empty())
                pending = r;
            next_response[i] = pending;
            // A request's write begins it: what the host read after it is not the previous
            // request's, nor did an earlier transfer's daemon write it.
            if (is_op(t, "block_write") &&
                (t.command == ssif::kWriteSingle || t.command == ssif::kWriteStart)) {
                pending.clear();
                read_after.reset();
            }
        }
    }
    std::vector<BmcReplay::ResponseRead> responses_carried; // whole or filled out
    for (size_t i = 0; i < cap.transfers.size(); ++i)
        if (!carried[i].empty())
            responses_carried.push_back({cap.transfers[i].start_ns, carried[i]});
    std::vector<BmcReplay::ResponseRead> responses_read; // read whole: no bytes stood in
    for (size_t i = 0; i < cap.transfers.size(); ++i)
        if (cap.transfers[i].addr7 == o.bmc_addr7)
            if (Reassembled r = reassemble(cap.transfers, i, o.bmc_addr7); r.whole)
                responses_read.push_back({cap.transfers[i].start_ns, std::move(r.bytes)});
    // The BMC's adapter: that of the first transfer to its address.
    int bmc_adapter = -1;
    for (const CapturedTransfer& t : cap.transfers)
        if (t.addr7 == o.bmc_addr7) {
            bmc_adapter = t.adapter;
            break;
        }
    for (size_t i = 0; i < cap.transfers.size(); ++i) {
        const CapturedTransfer& t = cap.transfers[i];
        const smbus::TransferRecord record = t.record();
        // The bus's timing holds for every transfer on it, as a run's observers see them.
        if (cap.wire_timing)
            bus_timing.transfer_done(record);
        if (t.addr7 == smbus::AlertLine::kAlertResponseAddress && t.adapter == bmc_adapter)
            exchanges.alert_read(t, bmc_alerted(t, o.bmc_addr7, bmc_adapter));
        if (t.addr7 != o.bmc_addr7 || is_op(t, "incomplete")) {
            r.other_transfers += !is_op(t, "incomplete");
            r.incomplete_transfers += is_op(t, "incomplete");
            // A START its master let go of before a whole address byte, with no STOP: the host
            // died right after it (Exchanges::transfer ends its request).
            if (is_op(t, "incomplete") && t.wire && !t.stopped)
                exchanges.transfer(t, write_follows[i]);
            continue;
        }
        ++r.bmc_transfers;
        framing.transfer_done(record);
        exchanges.transfer(t, write_follows[i]);
    }
    exchanges.finish();
    // The replay cannot see when the daemon answered. It takes it to have answered where the
    // wires prove it; a request whose response the host never read may have been answered
    // all the same (and ssif_bmc then holds it: a host rebooted with it pending meets the
    // Jan 2025 request loss), so when that finds points, the replay runs again with such
    // requests answered at once, and the BMC is held to whichever explains the wires better.
    // Where points remain, each such request in turn is tried the other ways (not answered,
    // answered at once, answered when the wires first show it or inside the transfer before
    // that: BmcReplay::Answer), kept where that explains the wires better (one daemon answers
    // one unread request and not another, or late: three replays each, for up to
    // kUnreadSearched of them). Where points remain still, all that is tried again with a
    // daemon that takes one request at a time (BmcReplay::Daemon), kept if it explains the
    // wires better.
    constexpr size_t kUnreadSearched = 64;
    using Answer = BmcReplay::Answer;
    using Daemon = BmcReplay::Daemon;
    std::vector<size_t> replayed; // the transfers to the BMC, in order
    for (size_t i = 0; i < cap.transfers.size(); ++i)
        if (cap.transfers[i].addr7 == o.bmc_addr7 && !is_op(cap.transfers[i], "incomplete"))
            replayed.push_back(i);
    const auto replay_with = [&](const std::map<uint64_t, Answer>& answer_unread, Daemon daemon) {
        auto rp = std::make_unique<BmcReplay>(o, answer_unread, responses_read, responses_carried,
                                              daemon);
        for (size_t k = 0; k < replayed.size(); ++k) {
            const size_t i = replayed[k];
            rp->transfer(cap.transfers[i], carried[i].empty() ? nullptr : &carried[i],
                         next_response[i].empty() ? nullptr : &next_response[i],
                         later_carried[i] ? &carried[*later_carried[i]] : nullptr,
                         k + 1 < replayed.size() ? &cap.transfers[replayed[k + 1]] : nullptr);
        }
        return rp;
    };
    const auto best_replay = [&](Daemon daemon) {
        std::unique_ptr<BmcReplay> best = replay_with({}, daemon);
        const std::vector<uint64_t> unread = best->unread_requests();
        std::map<uint64_t, Answer> answered;
        if (!best->findings().empty()) {
            std::map<uint64_t, Answer> all;
            for (uint64_t at : unread)
                all[at] = Answer::AtOnce;
            std::unique_ptr<BmcReplay> tried = replay_with(all, daemon);
            if (tried->findings().size() < best->findings().size()) {
                best = std::move(tried);
                answered = std::move(all);
            }
        }
        // The requests the best replay so far leaves unread, those it uncovers included (one
        // answered, ssif_bmc takes the next request where it had been busy), each tried the
        // other ways; then, where points remain, each answered just before its response timer
        // would fire: tried among the others, that answer led the search away from better
        // ones. A request the second pass uncovers is tried the first pass's ways too: the
        // passes run again while a round finds fewer points, each request once in each.
        const std::vector<Answer> passes[] = {
            {Answer::Proven, Answer::AtOnce, Answer::Shown, Answer::Discarded},
            {Answer::BeforeTimer}};
        std::set<uint64_t> searched[std::size(passes)];
        for (bool improved = true; improved;) {
            improved = false;
            for (size_t p = 0; p < std::size(passes); ++p) {
                for (bool more = unread.size() <= kUnreadSearched; more;) {
                    more = false;
                    for (uint64_t at : best->unread_requests()) {
                        if (best->findings().empty() || searched[p].size() == kUnreadSearched)
                            break;
                        if (!searched[p].insert(at).second)
                            continue;
                        more = true;
                        for (Answer a : passes[p]) {
                            const auto now = answered.find(at);
                            if (best->findings().empty() ||
                                a == (now == answered.end() ? Answer::Proven : now->second))
                                continue;
                            std::map<uint64_t, Answer> other = answered;
                            other[at] = a;
                            std::unique_ptr<BmcReplay> tried = replay_with(other, daemon);
                            if (tried->findings().size() < best->findings().size()) {
                                best = std::move(tried);
                                answered = std::move(other);
                                improved = true;
                            }
                        }
                        break; // the unread list may have changed: read it again
                    }
                }
            }
        }
        return best;
    };
    if (cap.wire_timing) {
        replay = best_replay(Daemon::AtOnce);
        if (!replay->findings().empty())
            if (std::unique_ptr<BmcReplay> tried = best_replay(Daemon::OneAtATime);
                tried->findings().size() < replay->findings().size())
                replay = std::move(tried);
        r.bmc_findings = replay->findings();
    }

    refuse_nothing_to_judge(cap, o, r);
    // A request still open when the capture ends is not judged, unless it had already been
    // waiting longer than T6max: then it failed T6max whatever came after.
    T6Check t6(o.t6_max_ns);
    for (const ssif::RequestOutcome& out : r.outcomes)
        t6.add(out);
    const uint64_t open_for =
        r.open_at_end && cap.end_ns > r.open_since_ns ? cap.end_ns - r.open_since_ns : 0;
    const bool open_late = r.open_at_end && open_for > o.t6_max_ns;
    Check t6_check = t6.result(r.completed, r.completed + (open_late ? 1 : 0));
    const std::string open_note =
        "request " + std::to_string(r.open_id) + " (from t=" + ms(r.open_since_ns) +
        ") still open when the capture ends, " + ms(open_for) + " later: not judged";
    if (open_late && t6_check.detail.find("no response") != std::string::npos) {
        t6_check.worst_ns = open_for;
        t6_check.worst_request = r.open_id;
        t6_check.detail = "request " + std::to_string(r.open_id) +
                          " (from t=" + ms(r.open_since_ns) + ") had no response " + ms(open_for) +
                          " later, when the capture ends, over T6max";
    } else if (r.open_at_end && !open_late) {
        if (r.completed == 0)
            t6_check.judged = false;
        if (t6_check.pass)
            t6_check.detail = open_note;
    }
    r.checks.push_back(t6_check);
    Check answered = check_all_answered(r.completed, r.completed);
    if (r.open_at_end) {
        answered.judged = r.completed > 0;
        answered.detail = open_note;
    }
    r.checks.push_back(answered);
    Check messages;
    messages.name = check_name(CheckId::IpmiMessages);
    messages.description = "no IPMI message duplicated or mismatched on the wire: each response "
                           "read answers the request before it (netfn + 1, the same command)";
    if (!exchanges.messages_problems.empty()) {
        messages.pass = false;
        messages.detail = exchanges.messages_problems.front();
        if (exchanges.messages_problems.size() > 1)
            messages.detail +=
                " (and " + std::to_string(exchanges.messages_problems.size() - 1) + " more)";
    }
    r.checks.push_back(messages);
    if (cap.wire_timing) {
        r.checks.push_back(bus_timing.timeout());
        r.checks.push_back(bus_timing.low_sext());
    }
    r.checks.push_back(framing.result());
    uint64_t pecs = 0;
    r.checks.push_back(pec_check(cap.transfers, o.bmc_addr7, &pecs));
    r.checks.push_back(exchanges.host_timing());
    if (replay) {
        Check c;
        c.name = check_name(CheckId::BmcConformance);
        c.description = std::string("the BMC ACKed, NAKed and sent what ssif_bmc ") +
                        ssif::bmc_variant_name(o.bmc_variant) + " behind the " +
                        ssif::bmc_controller_name(o.bmc_controller) + " controller would have";
        if (replay->lost_at_ns())
            c.description += ", up to t=" + ms(replay->lost_at_ns());
        if (!r.bmc_findings.empty()) {
            c.pass = false;
            c.detail = "t=" + ms(r.bmc_findings.front().t_ns) + ": " + r.bmc_findings.front().what;
            if (r.bmc_findings.size() > 1)
                c.detail += " (" + std::to_string(r.bmc_findings.size()) + " points in all)";
        }
        if (replay->lost_at_ns())
            c.detail += std::string(c.detail.empty() ? "" : "; ") +
                        "not judged from t=" + ms(replay->lost_at_ns()) + " on (" +
                        std::to_string(replay->unjudged()) +
                        " more transfer(s)): " + replay->lost_why();
        r.checks.push_back(c);
    }
    return r;
}

ojson capture_report(const Capture& cap, const CaptureCheckOptions& o, const CaptureResult& r) {
    ojson report;
    report["ssifsim_report"] = 1;
    report["capture"] = cap.file;
    report["config"] = {
        {"format", cap.format},
        {"bmc_address", hex8(o.bmc_addr7)},
        {"t6_max_ns", o.t6_max_ns},
        {"host", {{"variant", ssif::host_variant_name(o.host_variant)}, {"hz", o.host_hz}}},
        {"bmc",
         {{"variant", ssif::bmc_variant_name(o.bmc_variant)},
          {"controller", ssif::bmc_controller_name(o.bmc_controller)},
          {"hz", o.bmc_hz},
          {"response_timeout_ms", o.bmc_response_timeout_ms}}}};
    ojson decoded = {{"transfers", cap.transfers.size()},
                     {"other_addresses", r.other_transfers},
                     {"unpaired_reads", r.unpaired_reads},
                     {"begin_ns", cap.begin_ns},
                     {"end_ns", cap.end_ns},
                     {"notes", cap.notes}};
    if (cap.wire_timing) {
        decoded["sample_ns"] = cap.sample_ns;
        decoded["glitch_filter_ns"] = cap.glitch_ns;
        decoded["glitches"] = cap.glitches;
    }
    report["decoded"] = decoded;
    ojson requests = ojson::array();
    DurationStats response;
    uint64_t failed = 0, write_retries = 0, read_retries = 0;
    for (const ssif::RequestOutcome& out : r.outcomes) {
        requests.push_back(outcome_to_json(out));
        response.add(out.response_ns());
        failed += out.failed();
        write_retries += static_cast<uint64_t>(out.write_retries());
        read_retries += static_cast<uint64_t>(out.read_retries());
    }
    report["requests"] = requests;
    const Distribution d = response.summary();
    report["summary"] = {{"submitted", r.submitted},
                         {"completed", r.completed},
                         {"listed", r.outcomes.size()},
                         {"failed", failed},
                         {"write_retries", write_retries},
                         {"read_retries", read_retries},
                         {"response_ns",
                          {{"count", d.count},
                           {"min", d.min},
                           {"median", d.median},
                           {"p99", d.p99},
                           {"max", d.max}}}};
    report["checks"] = checks_json(r.checks);
    const auto findings = [](const std::vector<Finding>& fs) {
        ojson out = ojson::array();
        for (const Finding& f : fs)
            out.push_back({{"t_ns", f.t_ns}, {"what", f.what}});
        return out;
    };
    report["conformance"] = {{"bmc", findings(r.bmc_findings)},
                             {"host", findings(r.host_findings)}};
    report["passed"] = r.passed();
    return report;
}

void print_capture_summary(std::ostream& out, const Capture& cap, const CaptureCheckOptions& o,
                           const CaptureResult& r) {
    out << "ssifsim check: " << cap.file << " (" << cap.format << ", " << ms(cap.begin_ns) << " to "
        << ms(cap.end_ns) << ")\n  " << cap.transfers.size() << " transfer(s), " << r.bmc_transfers
        << " to the BMC at " << hex8(o.bmc_addr7);
    if (r.incomplete_transfers)
        out << ", " << r.incomplete_transfers << " without a whole address byte";
    if (cap.wire_timing)
        out << "; sample period " << cap.sample_ns << " ns, glitch filter " << cap.glitch_ns
            << " ns";
    out << "\n  held to: host ipmi_ssif " << ssif::host_variant_name(o.host_variant)
        << " at HZ=" << o.host_hz << "; BMC ssif_bmc " << ssif::bmc_variant_name(o.bmc_variant)
        << " (" << ssif::bmc_controller_name(o.bmc_controller) << ") at HZ=" << o.bmc_hz;
    if (o.bmc_response_timeout_ms != ssif::kResponseTimeoutMs)
        out << ", response timer " << o.bmc_response_timeout_ms << " ms";
    out << "\n";
    for (const std::string& n : cap.notes)
        out << "  note: " << n << "\n";
    const bool detailed = r.outcomes.size() <= RunResult::kExplainedRequests;
    for (const ssif::RequestOutcome& req : r.outcomes) {
        if (!detailed)
            break;
        uint64_t bus_ns = 0, wait_ns = 0;
        print_request_steps(out, req, &bus_ns, &wait_ns);
        out << "    parts written " << req.parts_written << ", read " << req.parts_read
            << "; retries: write " << req.write_retries() << ", read " << req.read_retries()
            << "\n    request to response " << ms(req.response_ns()) << " = bus " << ms(bus_ns)
            << " + waits " << ms(wait_ns);
        // The bus idle between a transfer's STOP and the next START (tBUF and the host's own
        // turnaround), which a capture's transfers, START to STOP, do not hold.
        if (req.response_ns() > bus_ns + wait_ns)
            out << " + between transfers " << ms(req.response_ns() - bus_ns - wait_ns);
        out << "\n";
    }
    if (!detailed)
        out << "\n  " << r.outcomes.size() << " request(s); each is in the report\n";
    if (r.submitted > r.completed)
        out << "\n  " << r.submitted - r.completed << " request(s) still in flight at the end\n";
    for (const auto* list : {&r.bmc_findings, &r.host_findings}) {
        const char* who = list == &r.bmc_findings ? "BMC" : "host";
        const size_t shown = std::min<size_t>(list->size(), 10);
        if (shown)
            out << "\n  where the " << who << " differed from its Linux driver:\n";
        for (size_t i = 0; i < shown; ++i)
            out << "    " << ms((*list)[i].t_ns) << "  " << (*list)[i].what << "\n";
        if (list->size() > shown)
            out << "    ... " << list->size() - shown << " more in the report\n";
    }
    print_checks(out, r.checks);
    out << (r.passed() ? "PASS" : "FAIL") << "\n";
}

} // namespace ssifsim::tools
