#include "models/ssif/bmc/ssif_bmc.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "models/common/name_table.h"
#include "models/smbus/pec.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

using smbus::SlaveAnswer;
using smbus::SlaveEvent;

namespace {
constexpr Named<BmcState> kStateNames[] = {
    {"READY", BmcState::Ready},
    {"START", BmcState::Start},
    {"SMBUS_CMD", BmcState::SmbusCmd},
    {"REQ_RECVING", BmcState::ReqRecving},
    {"RES_SENDING", BmcState::ResSending},
    {"ABORTING", BmcState::Aborting},
};

// The version table: each driver version, as scenarios name it, and the fixes it has
// (sources: BmcVariant in ssif_bmc.h, the README's BMC section).
struct VariantRow {
    BmcVariant id;
    const char* name;
    bool write_length, request_loss, remove_timer, copy_to_user, desync, debug_level;
};
constexpr VariantRow kVariants[] = {
    // clang-format off
    // fixes: write_length, request_loss, remove_timer, copy_to_user, desync, debug_level
    {BmcVariant::V8_2022,            "v8-2022",           false, false, false, false, false, false},
    {BmcVariant::Fix2024WriteLength, "2024-write-len",    true,  false, false, false, false, false},
    {BmcVariant::Fix2025RequestLoss, "2025-request-loss", true,  true,  false, false, false, false},
    {BmcVariant::Fix2026RemoveTimer, "2026-remove-timer", true,  true,  true,  false, false, false},
    {BmcVariant::Fix2026CopyToUser,  "2026-efault",       true,  true,  true,  true,  false, false},
    {BmcVariant::Fix2026Desync,      "2026-desync",       true,  true,  true,  true,  true,  false},
    {BmcVariant::Fix2026DebugLevel,  "2026-dbg",          true,  true,  true,  true,  true,  true},
    {BmcVariant::Mainline,           "mainline",          true,  true,  true,  true,  true,  true},
    {BmcVariant::Debian612,          "6.12",              true,  true,  false, true,  true,  true},
    // clang-format on
};

const VariantRow& variant_row(BmcVariant v) {
    for (const VariantRow& row : kVariants)
        if (row.id == v)
            return row;
    return kVariants[0];
}

constexpr Named<MultipartEnd> kMultipartEndNames[] = {
    {"0x08", MultipartEnd::End08},
    {"0x08-or-short-0x07", MultipartEnd::End08OrShort07},
    {"short-0x07", MultipartEnd::Short07},
    {"short-0x07-nonzero", MultipartEnd::Short07NonZero},
};

bool supported_read_cmd(uint8_t cmd) {
    return cmd == kReadStart || cmd == kReadMiddle;
}
} // namespace

const char* bmc_state_name(BmcState s) {
    return name_of(kStateNames, s);
}

bool parse_bmc_state(const std::string& name, BmcState* out) {
    return value_of(kStateNames, name, out);
}

std::string bmc_state_names() {
    return names_of(kStateNames);
}

bool parse_multipart_end(const std::string& name, MultipartEnd* out) {
    return value_of(kMultipartEndNames, name, out);
}

const char* multipart_end_name(MultipartEnd e) {
    return name_of(kMultipartEndNames, e);
}

bool SsifBmc::supported_write_cmd(uint8_t cmd) const {
    if (cmd == kWriteEnd)
        return multipart_end_ == MultipartEnd::End08 ||
               multipart_end_ == MultipartEnd::End08OrShort07;
    return cmd == kWriteSingle || cmd == kWriteStart || cmd == kWriteMiddle;
}

bool SsifBmc::ends_request(const PartBuffer& part) const {
    if (part.smbus_cmd == kWriteSingle || part.smbus_cmd == kWriteEnd)
        return true;
    if (part.smbus_cmd != kWriteMiddle || part.length >= kPartMax)
        return false;
    switch (multipart_end_) {
    case MultipartEnd::End08: return false;
    case MultipartEnd::End08OrShort07:
    case MultipartEnd::Short07: return true;
    case MultipartEnd::Short07NonZero: return part.length > 0;
    }
    return false;
}

bool parse_bmc_variant(const std::string& name, BmcVariant* out) {
    for (const VariantRow& row : kVariants) {
        if (name == row.name) {
            *out = row.id;
            return true;
        }
    }
    return false;
}

const char* bmc_variant_name(BmcVariant v) {
    return variant_row(v).name;
}

std::string bmc_variant_names() {
    std::string out;
    for (const VariantRow& row : kVariants)
        out += (out.empty() ? "" : ", ") + std::string(row.name);
    return out;
}

SsifBmc::SsifBmc(uint8_t addr7, BmcVariant variant, BmcHooks& hooks, MultipartEnd multipart_end,
                 unsigned max_message)
    : addr8_(static_cast<uint8_t>(addr7 << 1)), variant_(variant), multipart_end_(multipart_end),
      max_message_(std::min(max_message, kLargestMessage)), hooks_(hooks) {}

bool SsifBmc::has_fix(Fix fix) const {
    const VariantRow& row = variant_row(variant_);
    switch (fix) {
    case Fix::WriteLength: return row.write_length;
    case Fix::RequestLoss: return row.request_loss;
    case Fix::RemoveTimer: return row.remove_timer;
    case Fix::CopyToUser: return row.copy_to_user;
    case Fix::Desync: return row.desync;
    case Fix::DebugLevel: return row.debug_level;
    }
    return false;
}

void SsifBmc::warn(const std::string& text) {
    // c9c99b7b7051 "change log level to dbg in irq callback": every dev_warn becomes dev_dbg
    // (the dev_err lines stay).
    hooks_.log(has_fix(Fix::DebugLevel) ? "debug" : "warn", text);
}

void SsifBmc::err(const std::string& text) {
    hooks_.log("err", text);
}

void SsifBmc::set_state(BmcState next) {
    if (next != state_)
        hooks_.transition(state_, next, current_event_);
    state_ = next;
}

// ---- the slave callback ------------------------------------------------------------------

SlaveAnswer SsifBmc::on_event(SlaveEvent ev, uint8_t& val) {
    current_event_ = ev;
    ++coverage_[static_cast<int>(state_)][static_cast<int>(ev)];
    switch (ev) {
    case SlaveEvent::ReadRequested: on_read_requested(val); break;
    case SlaveEvent::WriteRequested: on_write_requested(val); break;
    case SlaveEvent::ReadProcessed: on_read_processed(val); break;
    case SlaveEvent::WriteReceived: on_write_received(val); break;
    case SlaveEvent::Stop: on_stop(); break;
    }
    // Busy until userspace writes the response, unless the request is being aborted.
    return (!aborting_ && busy_) ? SlaveAnswer::Busy : SlaveAnswer::Ack;
}

void SsifBmc::on_read_requested(uint8_t& val) {
    switch (state_) {
    case BmcState::Ready:
    case BmcState::Start:
    case BmcState::ReqRecving:
    case BmcState::ResSending:
        warn(std::string("unexpected READ REQUESTED in state=") + bmc_state_name(state_));
        set_state(BmcState::Aborting);
        val = 0;
        return;
    case BmcState::SmbusCmd:
        if (!supported_read_cmd(part_.smbus_cmd)) {
            warn("unknown SMBus read command");
            aborting_ = true;
        }
        set_state(aborting_ ? BmcState::Aborting : BmcState::ResSending);
        break;
    case BmcState::Aborting: break;
    }

    msg_idx_ = 0;
    // Nothing to send: the master reads a count of 0.
    if (!response_in_progress_ || state_ == BmcState::Aborting) {
        val = 0;
        return;
    }
    if (is_singlepart_read_)
        set_singlepart_response_buffer();
    else
        set_multipart_response_buffer();
    calculate_response_part_pec();
    part_.index = 0;
    val = part_.length;
}

void SsifBmc::on_read_processed(uint8_t& val) {
    switch (state_) {
    case BmcState::Ready:
    case BmcState::Start:
    case BmcState::ReqRecving:
    case BmcState::SmbusCmd:
        warn(std::string("unexpected READ PROCESSED in state=") + bmc_state_name(state_));
        set_state(BmcState::Aborting);
        val = 0;
        return;
    case BmcState::ResSending:
    case BmcState::Aborting: break;
    }
    if (!response_in_progress_ || state_ == BmcState::Aborting) {
        val = 0;
        return;
    }
    handle_read_processed(val);
}

void SsifBmc::on_write_requested(uint8_t& val) {
    switch (state_) {
    case BmcState::Ready:
    case BmcState::SmbusCmd: set_state(BmcState::Start); break;
    case BmcState::Start:
    case BmcState::ReqRecving:
    case BmcState::ResSending:
        warn(std::string("unexpected WRITE REQUEST in state=") + bmc_state_name(state_));
        set_state(BmcState::Aborting);
        return;
    case BmcState::Aborting: break; // v8: stays ABORTING until a STOP
    }
    msg_idx_ = 0;
    part_.address = val;
}

void SsifBmc::on_write_received(uint8_t& val) {
    switch (state_) {
    case BmcState::Ready:
    case BmcState::ResSending:
        warn(std::string("unexpected WRITE RECEIVED in state=") + bmc_state_name(state_));
        set_state(BmcState::Aborting);
        break;
    case BmcState::Start: set_state(BmcState::SmbusCmd); break;
    case BmcState::SmbusCmd:
        if (!supported_write_cmd(part_.smbus_cmd)) {
            warn("unknown SMBus write command");
            aborting_ = true;
        }
        set_state(aborting_ ? BmcState::Aborting : BmcState::ReqRecving);
        break;
    case BmcState::ReqRecving: break;
    case BmcState::Aborting:
        // Apr 2026 fix: a new write start recovers a BMC stuck in ABORTING (a read whose
        // STOP was lost); before it, the request was dropped and the next read got the
        // stale response.
        if (has_fix(Fix::Desync) && (val == kWriteSingle || val == kWriteStart))
            set_state(BmcState::SmbusCmd);
        break;
    }

    if (state_ == BmcState::ReqRecving)
        handle_write_received(val);
    else if (state_ == BmcState::SmbusCmd)
        process_smbus_cmd(val);
}

void SsifBmc::on_stop() {
    switch (state_) {
    case BmcState::Ready:
    case BmcState::Start:
    case BmcState::SmbusCmd:
    case BmcState::Aborting:
        warn(std::string("unexpected SLAVE STOP in state=") + bmc_state_name(state_));
        set_state(BmcState::Ready);
        break;
    case BmcState::ReqRecving:
        if (validate_request_part()) {
            process_request_part();
            if (ends_request(part_))
                handle_request();
            set_state(BmcState::Ready);
        } else {
            // Drop this write and everything until the next valid write start.
            // (The driver stays in REQ_RECVING here; the next WRITE_REQUESTED aborts.)
            err("invalid pec");
            aborting_ = true;
        }
        break;
    case BmcState::ResSending:
        if (is_singlepart_read_ || block_num_ == kReadEndBlock) {
            // Jan 2025 fix: the part buffer is cleared here, when the response is done,
            // instead of in complete_response().
            if (has_fix(Fix::RequestLoss))
                part_ = PartBuffer{};
            complete_response();
        }
        set_state(BmcState::Ready);
        break;
    }
    msg_idx_ = 0;
}

// ---- request path ------------------------------------------------------------------------

void SsifBmc::process_smbus_cmd(uint8_t cmd) {
    part_.smbus_cmd = cmd;
    msg_idx_ = 1;
    part_.payload.fill(0);
    if (cmd == kWriteSingle || cmd == kWriteStart) {
        // The host timed out and sent a new request: discard the pending response.
        if (response_in_progress_)
            complete_response();
        aborting_ = false;
    }
}

void SsifBmc::handle_write_received(uint8_t val) {
    // msg_idx is 1 at the count byte and never passes 36 (addr, cmd, count, 32 data, PEC).
    if (msg_idx_ < 1 || msg_idx_ > static_cast<int>(kPartMax) + 4)
        return;
    if (msg_idx_ == 1) {
        part_.length = val;
        part_.index = 0;
    } else {
        // payload[index++] = val: at index 33 the store to `index` itself comes after the
        // increment (the compiled order), so the byte becomes the next index.
        const uint8_t at = part_.index++;
        store_part_byte(at, val);
    }
    msg_idx_++;
}

const CtxSpan& part_reach_span(uint8_t index, unsigned* offset) {
    for (const CtxSpan& span : kPartReach) {
        if (index >= span.first && index < span.first + span.size) {
            *offset = index - span.first;
            return span;
        }
    }
    *offset = 0; // unreachable: the spans cover 0..255
    return kPartReach[0];
}

std::string part_reach_field(uint8_t index) {
    unsigned k = 0;
    const CtxSpan& span = part_reach_span(index, &k);
    return span.size == 1 ? span.name : std::string(span.name) + "[" + std::to_string(k) + "]";
}

uint8_t SsifBmc::part_byte(uint8_t index) const {
    unsigned k = 0;
    switch (part_reach_span(index, &k).field) {
    case CtxField::PartPayload: return part_.payload[k];
    case CtxField::PartPec: return part_.pec;
    case CtxField::PartIndex: return part_.index;
    case CtxField::Padding: return ctx_padding_;
    case CtxField::ResponseLen: return static_cast<uint8_t>(response_.len >> (8 * k));
    case CtxField::ResponsePayload: return response_.payload[k];
    }
    return 0;
}

void SsifBmc::store_part_byte(uint8_t index, uint8_t val) {
    unsigned k = 0;
    switch (part_reach_span(index, &k).field) {
    case CtxField::PartPayload: part_.payload[k] = val; break;
    case CtxField::PartPec: part_.pec = val; break;
    case CtxField::PartIndex: part_.index = val; break;
    case CtxField::Padding: ctx_padding_ = val; break;
    case CtxField::ResponseLen:
        response_.len = (response_.len & ~(0xffu << (8 * k))) | (uint32_t{val} << (8 * k));
        break;
    case CtxField::ResponsePayload: response_.payload[k] = val; break;
    }
    if (index < kFirstOutOfBoundsIndex)
        return;
    const std::string field = part_reach_field(index);
    if (oob_writes_++ < kListedOobWrites)
        first_oob_writes_.push_back("payload[" + std::to_string(index) + "] = " + field);
    hooks_.oob_write(index, field, val);
}

bool SsifBmc::validate_request_part() {
    if (part_.index == part_.length) {
        pec_support_ = false;
        return true;
    }
    if (part_.index != part_.length + 1)
        return false;
    pec_support_ = true;
    // payload[length]: the PEC byte, or for a count over 32 whatever lies there.
    part_.pec = part_byte(part_.length);
    uint8_t pec = smbus::pec_update(0, addr8_);
    pec = smbus::pec_update(pec, part_.smbus_cmd);
    pec = smbus::pec_update(pec, part_.length);
    // A zero-length End part is illegal SMBus 2.0 but some hosts send it; tolerated. A count
    // over 32 takes the PEC over what follows the payload (pec, index, ...).
    for (unsigned i = 0; i < part_.length; ++i)
        pec = smbus::pec_update(pec, part_byte(static_cast<uint8_t>(i)));
    return pec == part_.pec;
}

void SsifBmc::process_request_part() {
    switch (part_.smbus_cmd) {
    case kWriteSingle:
        request_.len = part_.length;
        copy_part(request_.payload.data());
        break;
    case kWriteStart: request_.len = 0; [[fallthrough]];
    case kWriteMiddle:
    case kWriteEnd: {
        const unsigned len = request_.len + part_.length;
        if (len > max_message_) {
            warn("request exceeded " + std::to_string(max_message_) + " bytes, aborting");
            aborting_ = true;
        } else {
            copy_part(request_.payload.data() + request_.len);
            request_.len += part_.length;
        }
        break;
    }
    default: err("unexpected SMBus command in process_request_part"); break;
    }
}

void SsifBmc::copy_part(uint8_t* dst) const {
    // memcpy(dst, part->payload, part->length): a count over 32 copies what follows.
    for (unsigned i = 0; i < part_.length; ++i)
        dst[i] = part_byte(static_cast<uint8_t>(i));
}

void SsifBmc::handle_request() {
    busy_ = true;
    request_available_ = true;
    response_.clear(payload_area());
    hooks_.request_available();
    response_timer_armed_ = true;
    hooks_.arm_response_timer();
}

void SsifBmc::on_response_timeout() {
    if (removed_) {
        // response_timeout takes ssif_bmc->lock and writes busy, response_timer_inited and
        // aborting in a context devres has freed.
        ++use_after_free_;
        hooks_.use_after_free(kResponseTimeoutAfterRemove);
        return;
    }
    // A response already being sent wins over the timer.
    if (response_in_progress_)
        return;
    busy_ = false;
    response_timer_armed_ = false;
    aborting_ = true;
    // response_timeout prints nothing (v8 and mainline alike): the wrapper logs the expiry.
}

// ---- response path -----------------------------------------------------------------------

void SsifBmc::complete_response() {
    response_.len = 0;
    response_in_progress_ = false;
    nbytes_processed_ = 0;
    remain_len_ = 0;
    busy_ = false;
    // v8: also wipes the part buffer, including a command byte that process_smbus_cmd
    // has just stored (the Jan 2025 "new request loss" bug).
    if (!has_fix(Fix::RequestLoss))
        part_ = PartBuffer{};
    hooks_.response_consumed();
}

void SsifBmc::set_singlepart_response_buffer() {
    part_.address = addr8_;
    part_.length = static_cast<uint8_t>(response_.len);
    part_.payload.fill(0);
    std::memcpy(part_.payload.data(), response_.payload.data(),
                part_.length < kPartMax ? part_.length : kPartMax);
}

void SsifBmc::set_multipart_response_buffer() {
    uint8_t part_len = 0;
    part_.address = addr8_;
    switch (part_.smbus_cmd) {
    case kReadStart:
        nbytes_processed_ = 0;
        block_num_ = 0;
        part_.length = kPartMax;
        part_len = kReadStartData;
        remain_len_ = counter(response_.len - part_len);
        part_.payload[0] = 0x00; // multi-part start marker
        part_.payload[1] = 0x01;
        copy_response(&part_.payload[2], 0, part_len);
        break;
    case kReadMiddle:
        if (remain_len_ <= kReadMiddleData) {
            // End part: block number 0xFF and the rest.
            part_.payload.fill(0);
            part_.length = static_cast<uint8_t>(remain_len_ + 1);
            part_len = static_cast<uint8_t>(remain_len_);
            block_num_ = kReadEndBlock;
            part_.payload[0] = block_num_;
        } else {
            part_.length = kPartMax;
            part_len = kReadMiddleData;
            part_.payload[0] = block_num_;
            block_num_++;
        }
        remain_len_ = counter(remain_len_ - part_len);
        copy_response(&part_.payload[1], nbytes_processed_, part_len);
        break;
    default: err("unexpected SMBus command in set_multipart_response_buffer"); break;
    }
    nbytes_processed_ = counter(nbytes_processed_ + part_len);
}

void SsifBmc::copy_response(uint8_t* dst, unsigned from, unsigned n) const {
    // v8's write() takes len 255 and 256 (count up to sizeof(struct ipmi_ssif_msg)): those
    // responses end in the struct's padding, which write() filled. A length that passed the
    // v8 check by 32-bit overflow reads past the struct; what lies beyond is modelled as
    // zeros.
    for (unsigned i = 0; i < n; ++i)
        dst[i] = from + i < payload_area() ? response_.payload[from + i] : 0;
}

void SsifBmc::calculate_response_part_pec() {
    // The read's PEC covers addr+W, the command, addr+R, the count and the data.
    uint8_t pec = smbus::pec_update(0, part_.address);
    pec = smbus::pec_update(pec, part_.smbus_cmd);
    pec = smbus::pec_update(pec, static_cast<uint8_t>(part_.address | 0x01));
    pec = smbus::pec_update(pec, part_.length);
    for (unsigned i = 0; i < part_.length && i < kPartMax; ++i)
        pec = smbus::pec_update(pec, part_.payload[i]);
    part_.pec = pec;
}

void SsifBmc::handle_read_processed(uint8_t& val) {
    if (part_.index < part_.length && part_.index < kPartMax)
        val = part_.payload[part_.index];
    else if (part_.index == part_.length && pec_support_)
        val = part_.pec;
    else
        val = 0;
    part_.index++;
}

uint64_t response_timer_expiry_ns(const Jiffies& bmc_jiffies, unsigned timeout_ms,
                                  uint64_t now_ns) {
    return response_timer_run_ns(
        bmc_jiffies, bmc_jiffies.at(now_ns) + bmc_jiffies.from_msecs(timeout_ms), now_ns);
}

uint64_t response_timer_run_ns(const Jiffies& bmc_jiffies, uint64_t expires, uint64_t now_ns) {
    const uint64_t clk = bmc_jiffies.at(now_ns);
    return std::max(now_ns, bmc_jiffies.start_ns(bmc_jiffies.wheel_expiry(expires, clk)));
}

// ---- userspace device --------------------------------------------------------------------

void encode_ssif_msg(uint32_t len, const uint8_t* payload, size_t payload_bytes, Bytes& out) {
    out.clear();
    out.reserve(SsifBmc::kMsgLenField + payload_bytes);
    for (unsigned i = 0; i < SsifBmc::kMsgLenField; ++i)
        out.push_back(static_cast<uint8_t>(len >> (8 * i)));
    out.insert(out.end(), payload, payload + payload_bytes);
}

int SsifBmc::open() {
    if (removed_)
        return -ENODEV; // misc_open: no misc device at the minor after misc_deregister
    if (running_)
        return -EBUSY;
    running_ = true;
    return 0;
}

void SsifBmc::release() {
    running_ = false;
}

void SsifBmc::remove() {
    // 7fc3e2546cf3: timer_delete_sync(&response_timer) before i2c_slave_unregister.
    if (has_fix(Fix::RemoveTimer) && response_timer_armed_) {
        hooks_.cancel_response_timer();
        response_timer_armed_ = false;
    }
    removed_ = true;
}

long SsifBmc::read(size_t count, bool nonblock, Bytes& out, size_t copyable) {
    (void)nonblock; // a blocking reader waits in the wrapper for request_available()
    if (removed_) {
        // ssif_bmc_read's to_ssif_bmc(file) is the freed context: its spin_lock_irqsave,
        // request_available and request are used after free.
        ++reads_after_remove_;
        hooks_.use_after_free(kReadAfterRemove);
        return -ENODEV;
    }
    if (!request_available_)
        return -EAGAIN;
    const size_t n = std::min<size_t>(kMsgLenField + request_.len, msg_size());
    if (count < n)
        return -EINVAL;
    encode_ssif_msg(request_.len, request_.payload.data(), n - kMsgLenField, out);
    request_available_ = false; // taken even if the copy fails
    if (copyable < n) {
        // copy_to_user() returns the bytes it could not copy. ea641be7a4fa turns that into
        // -EFAULT; before it read() returned the count as if all had been copied.
        out.resize(copyable);
        if (has_fix(Fix::CopyToUser))
            return -EFAULT;
    }
    return static_cast<long>(n);
}

long check_write_buffer(const Bytes& buf, size_t msg_size, size_t max_message, bool length_fix,
                        uint32_t* len) {
    const size_t count = buf.size();
    if (count > msg_size)
        return -EINVAL;
    if (length_fix && count < SsifBmc::kMsgLenField)
        return -EINVAL;
    *len = 0;
    for (unsigned i = 0; i < SsifBmc::kMsgLenField && i < count; ++i)
        *len |= static_cast<uint32_t>(buf[i]) << (8 * i);
    // The BMC is a 32-bit ARM: size_t is 32 bits, so 4 + len wraps for len >= 0xfffffffc.
    const uint32_t needed = SsifBmc::kMsgLenField + *len;
    if (length_fix) {
        if (*len == 0 || *len > max_message || count < SsifBmc::kMsgLenField + size_t{*len})
            return -EINVAL;
    } else if (*len == 0 || count < needed) {
        return -EINVAL;
    }
    return 0;
}

long SsifBmc::write(const Bytes& buf, bool nonblock) {
    const size_t count = buf.size();
    uint32_t len = 0;
    if (const long bad =
            check_write_buffer(buf, msg_size(), max_message_, has_fix(Fix::WriteLength), &len))
        return bad;
    if (removed_) {
        // Past the buffer's checks ssif_bmc_write takes the freed context's lock and reads
        // response_in_progress and response_timer_inited: used after free.
        ++writes_after_remove_;
        hooks_.use_after_free(kWriteAfterRemove);
        return -ENODEV;
    }
    (void)nonblock; // a blocking writer waits in the wrapper for response_consumed()
    if (response_in_progress_)
        return -EAGAIN;
    // The write must come before the response timer fired.
    if (!response_timer_armed_)
        return -EINVAL;
    hooks_.cancel_response_timer();
    response_timer_armed_ = false;
    // memcpy(&response, &msg, count): bytes past `count` keep handle_request's memset (0).
    response_.clear(payload_area());
    response_.len = len;
    if (count > kMsgLenField)
        std::memcpy(response_.payload.data(), buf.data() + kMsgLenField, count - kMsgLenField);
    is_singlepart_read_ = response_.len <= kPartMax;
    response_in_progress_ = true;
    busy_ = false;
    request_.clear(payload_area());
    return static_cast<long>(count);
}

} // namespace ssifsim::ssif
