// The BMC side of SSIF: the Linux ssif_bmc driver (drivers/char/ipmi/ssif_bmc.c) as a plain
// C++ class, driven event by event through the I2C slave-event interface and through its
// userspace device (/dev/ipmi-ssif-host). No SystemC here: the response timer is asked for
// through BmcHooks, which the SystemC wrapper (bmc_module.h) or a test implements.
//
// The code follows v8 of the driver (posted June 2022, merged as dd2bc5cc9e25); each later upstream
// fix is a step of BmcVariant, and every behaviour a fix changed asks has_fix() in one place.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/jiffies.h"
#include "models/smbus/slave.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

enum class BmcState { Ready, Start, SmbusCmd, ReqRecving, ResSending, Aborting };
constexpr int kBmcStateCount = 6;
constexpr int kSlaveEventCount = 5;
const char* bmc_state_name(BmcState s);
// READY, START, ... as the driver's enum spells them; false for an unknown name.
bool parse_bmc_state(const std::string& name, BmcState* out);
std::string bmc_state_names(); // "READY, START, ...", for messages

// Driver versions, oldest first; each includes the fixes before it.
enum class BmcVariant {
    V8_2022,            // the seed
    Fix2024WriteLength, // write(): count >= 4 and 1 <= len <= 254 (32-bit overflow)
    Fix2025RequestLoss, // complete_response() no longer wipes a request just started
    // The Apr 2026 series (Jian Zhang, merged for 7.1), one step per patch in its order:
    Fix2026RemoveTimer, // 7fc3e2546cf3: remove() cancels the response timer (timer_delete_sync)
    Fix2026CopyToUser,  // ea641be7a4fa: read() returns -EFAULT when copy_to_user() fails
    Fix2026Desync,      // 1d38e849adb6: a 0x02/0x06 in ABORTING goes straight to SMBUS_CMD
    Fix2026DebugLevel,  // c9c99b7b7051: the slave callback's dev_warn lines become dev_dbg
    Mainline,           // every fix above
    // Releases read against their source (not steps):
    Debian612, // Debian's 6.12.117: every fix above but 7fc3e2546cf3 (remove) (6.12.94 took
               // the copy_to_user, desync and log-level patches)
};
// Names as scenarios spell them: v8-2022, 2024-write-len, 2025-request-loss,
// 2026-remove-timer, 2026-efault, 2026-desync, 2026-dbg, mainline, 6.12. Returns false
// for an unknown name.
bool parse_bmc_variant(const std::string& name, BmcVariant* out);
const char* bmc_variant_name(BmcVariant v);
std::string bmc_variant_names(); // "v8-2022, 2024-write-len, ...", for messages

// How the BMC recognises the last part of a multi-part write. Linux ssif_bmc (every
// variant) knows only 0x08; other firmware follows the IPMI spec's text, where a middle
// part shorter than 32 bytes ends the message (QEMU's smbus_ipmi accepts both). The host's
// probe tests which one works (ipmi_ssif test_multipart_messages).
enum class MultipartEnd {
    End08,          // 0x08 ends; a short 0x07 is stored and waits (Linux ssif_bmc)
    End08OrShort07, // 0x08, or a 0x07 of 0..31 bytes (QEMU smbus_ipmi)
    Short07,        // a 0x07 of 0..31 bytes; 0x08 is an unknown command
    Short07NonZero, // a 0x07 of 1..31 bytes; 0x08 unknown, a zero-length 0x07 ignored
};
bool parse_multipart_end(const std::string& name, MultipartEnd* out);
const char* multipart_end_name(MultipartEnd e);

// RESPONSE_TIMEOUT: how long ssif_bmc waits for userspace's response, in ms (500 upstream;
// downstream trees use 15 s).
constexpr unsigned kResponseTimeoutMs = 500;

// When the response timer runs: handle_request's mod_timer(&response_timer, jiffies +
// msecs_to_jiffies(timeout_ms)) on the BMC's kernel, called at now_ns from the slave
// interrupt (the STOP ending the request). The BMC's jiffies count from time 0 like the
// host's, and the base clock of its timer wheel is at jiffies (the response timer is taken
// to be the only timer on that CPU's wheel), so Jiffies::wheel_expiry decides the tick.
uint64_t response_timer_expiry_ns(const Jiffies& bmc_jiffies, unsigned timeout_ms, uint64_t now_ns);
// The same for mod_timer(&response_timer, expires) with `expires` in the BMC's jiffies (the
// real driver's call, KernelSsifBmc); never before now_ns.
uint64_t response_timer_run_ns(const Jiffies& bmc_jiffies, uint64_t expires, uint64_t now_ns);

// The driver's memory as part_buf.payload[index] reaches it. handle_write_received stores
// each byte after the count at payload[index++] while msg_idx <= MAX_TRANSACTION (36), so up
// to 35 bytes, and byte 33 overwrites `index` itself: a u8, so the next store, and
// validate_request_part's and process_request_part's reads of payload[length], reach
// payload[0..255]. There lies struct ssif_bmc_ctx (v8 and mainline alike) on a 32-bit ARM
// BMC (little endian, ILP32, bool and u8 one byte): `struct timer_list response_timer`
// ends on a 4-byte boundary and ten one-byte fields (response_timer_inited ... aborting)
// follow, so part_buf (37 bytes, alignment 1) starts at 2 mod 4 and ends at 3 mod 4; one
// byte of padding aligns `struct ipmi_ssif_msg response` (u32 len) to 4. payload[255] is
// response.payload[216]: nothing past response is reachable.
enum class CtxField { PartPayload, PartPec, PartIndex, Padding, ResponseLen, ResponsePayload };
struct CtxSpan {
    CtxField field;
    unsigned first; // payload index of its first byte
    unsigned size;
    const char* name;
};
inline constexpr CtxSpan kPartReach[] = {
    {CtxField::PartPayload, 0, 32, "part_buf.payload"},
    {CtxField::PartPec, 32, 1, "part_buf.pec"},
    {CtxField::PartIndex, 33, 1, "part_buf.index"},
    {CtxField::Padding, 34, 1, "padding"},
    {CtxField::ResponseLen, 35, 4, "response.len"},
    {CtxField::ResponsePayload, 39, 256 - 39, "response.payload"},
};
// The span payload[index] falls in, and the byte's offset in it.
const CtxSpan& part_reach_span(uint8_t index, unsigned* offset);
// "part_buf.index", "padding", "response.len[0]" (byte 0, the least significant),
// "response.payload[3]".
std::string part_reach_field(uint8_t index);
// A store past a legal part: a block carries at most 32 bytes + PEC, which land in payload
// and, for a full part's PEC, in `pec` (validate_request_part reads it there as
// payload[32]). From payload[33] on the host writes where no SMBus block can reach.
constexpr unsigned kFirstOutOfBoundsIndex = 33;

// What the driver asks of the kernel around it.
class BmcHooks {
  public:
    virtual ~BmcHooks() = default;
    virtual void arm_response_timer() = 0; // response_timer_expiry_ns
    // mod_timer(&response_timer, expires) as the real driver calls it (KernelSsifBmc):
    // `expires` in the BMC's jiffies. Default: arm_response_timer().
    virtual void mod_response_timer(uint64_t /*expires*/) { arm_response_timer(); }
    virtual void cancel_response_timer() = 0; // del_timer
    virtual void request_available() = 0;     // wake_up_all: a reader may proceed
    virtual void response_consumed() {}       // wake_up_all: a blocked writer may proceed
    // The context used after remove() freed it: the response timer ran (before
    // 7fc3e2546cf3), or the daemon read() its file.
    virtual void use_after_free(const std::string&) {}
    // A store to payload[index] at or past kFirstOutOfBoundsIndex: what it hit.
    virtual void oob_write(uint8_t, const std::string&, uint8_t) {}
    // A line of the driver's kernel log, with its printk level as the variant prints it
    // ("warn" dev_warn, "err" dev_err, "debug" dev_dbg); and state changes, for the event log.
    virtual void log(const char* /*level*/, const std::string&) {}
    virtual void transition(BmcState, BmcState, smbus::SlaveEvent) {}
};

// sizeof(struct ipmi_ssif_msg) (include/uapi/linux/ipmi_ssif_bmc.h): `unsigned int len`
// then `u8 payload[payload_max]`; the u32 gives the struct 4-byte alignment, so its size is
// rounded up to a multiple of 4. Linux's payload of IPMI_SSIF_PAYLOAD_MAX = 254 bytes gives
// 4 + 254 + 2 bytes of tail padding = 260. ssif_bmc_write accepts counts up to it and
// ssif_bmc_read copies min(4 + request.len, it).
constexpr size_t sizeof_ipmi_ssif_msg(unsigned payload_max) {
    return 4 + (size_t{payload_max} + 3) / 4 * 4;
}
constexpr size_t kSizeofIpmiSsifMsg = sizeof_ipmi_ssif_msg(kMessageMax);
static_assert(kSizeofIpmiSsifMsg == 260, "u32 len + u8 payload[254], padded to 4");

// struct ipmi_ssif_msg as it crosses the userspace device: u32 len (little endian), then
// `payload_bytes` of payload, written over `out` (its capacity reused: a daemon's buffer
// costs no allocation per message). The one place that lays it out.
void encode_ssif_msg(uint32_t len, const uint8_t* payload, size_t payload_bytes, Bytes& out);
inline Bytes encode_ssif_msg(uint32_t len, const uint8_t* payload, size_t payload_bytes) {
    Bytes out;
    encode_ssif_msg(len, payload, payload_bytes, out);
    return out;
}
inline Bytes encode_ssif_msg(const Bytes& payload) {
    return encode_ssif_msg(static_cast<uint32_t>(payload.size()), payload.data(), payload.size());
}

// What BmcModule drives: one ssif_bmc device behind the I2C slave callback and its userspace
// device, whichever implementation it is (SsifBmc below, or the real ssif_bmc.c compiled
// against the kernel shim, kernel/ssif_bmc/kernel_ssif_bmc_driver.h). Return values are the
// kernel's: byte counts or 0 on success, -errno on failure. Timers, wake-ups, log lines and
// state changes go out through the BmcHooks the implementation was made with.
class BmcDriver : public smbus::SmbusSlave {
  public:
    // read()'s `copyable` when copy_to_user() never faults.
    static constexpr size_t kCopyAll = ~size_t{0};

    // The I2C slave callback (ssif_bmc_cb): -EBUSY (SlaveAnswer::Nak) while a request awaits
    // its response. on_event comes from SmbusSlave.
    // The response timer expired (response_timeout), run as the timer softirq would.
    virtual void on_response_timeout() = 0;
    // The file operations: open (-EBUSY while another file has it open, -ENODEV after
    // remove(): misc_deregister took the device away); read (the request,
    // u32 len + payload, into `out`; -EAGAIN when none and `nonblock`, -EINVAL for a `count`
    // below the message, -EFAULT when copy_to_user() faults after `copyable` bytes); write
    // (`buf` is u32 len + payload; the bytes taken or -EINVAL/-EAGAIN); poll's EPOLLIN.
    // A read() after remove() runs nothing: ssif_bmc_read would take the lock of the context
    // devres freed (misc_deregister leaves the daemon's file open on it, file->private_data
    // still the freed miscdev). It is counted (reads_after_remove(), the use_after_free()
    // hook's kReadAfterRemove) and fails with -ENODEV, as if the device were gone. A write()
    // after remove() whose buffer passes ssif_bmc_write's checks (check_write_buffer, which
    // touch only the caller's buffer) would take that lock too: counted the same way
    // (writes_after_remove(), kWriteAfterRemove), -ENODEV; one that fails them is -EINVAL.
    virtual int open() = 0;
    virtual long read(size_t count, bool nonblock, Bytes& out, size_t copyable = kCopyAll) = 0;
    virtual long write(const Bytes& buf, bool nonblock) = 0;
    virtual bool poll_readable() const = 0;
    // ssif_bmc_remove, then the context freed (devm).
    virtual void remove() = 0;
    virtual bool removed() const = 0;
    // sizeof(struct ipmi_ssif_msg): the largest count write() takes, what a reader asks for.
    virtual size_t msg_size() const = 0;

    // The context's fields, for the wrapper, the waveform, the checks and the report (as
    // they were at remove() once removed).
    virtual BmcState state() const = 0;
    virtual bool busy() const = 0;
    virtual bool aborting() const = 0;
    virtual bool response_pending() const = 0; // response_in_progress
    virtual uint8_t smbus_command() const = 0; // part_buf.smbus_cmd
    // Stores past a legal part (kFirstOutOfBoundsIndex): how many, and the first few
    // ("payload[33] = part_buf.index").
    static constexpr size_t kListedOobWrites = 4;
    virtual uint64_t oob_writes() const = 0;
    virtual const std::vector<std::string>& first_oob_writes() const = 0;
    // Runs of the response timer after remove() freed the context (a timer left armed).
    virtual uint64_t use_after_free() const = 0;
    // read()s and write()s of the daemon's file after remove() freed the context.
    virtual uint64_t reads_after_remove() const = 0;
    virtual uint64_t writes_after_remove() const = 0;
    // How often each (state, event) pair occurred, by the state the event found.
    using Coverage = std::array<std::array<uint64_t, kSlaveEventCount>, kBmcStateCount>;
    virtual const Coverage& coverage() const = 0;
};

// ssif_bmc_write's checks of the caller's buffer (`buf`: u32 len + payload), made before it
// takes the context's lock: -EINVAL if they fail, else 0 with the message's length in
// `len`. `msg_size`: sizeof(struct ipmi_ssif_msg); `max_message`: IPMI_SSIF_PAYLOAD_MAX (254)
// on Linux; `length_fix`: BmcVariant::Fix2024WriteLength's count >= 4 and len <= max_message
// (before it, 4 + len wraps in the 32-bit BMC's size_t).
long check_write_buffer(const Bytes& buf, size_t msg_size, size_t max_message, bool length_fix,
                        uint32_t* len);

// The use_after_free() hook's text for a response timer that runs after remove().
inline constexpr const char* kResponseTimeoutAfterRemove =
    "response_timeout ran after remove: struct ssif_bmc_ctx freed (lock, busy, "
    "response_timer_inited, aborting)";
// The use_after_free() hook's text for a read() of the daemon's file after remove().
inline constexpr const char* kReadAfterRemove =
    "ssif_bmc_read ran after remove: struct ssif_bmc_ctx freed (lock, request_available, "
    "request)";
// The use_after_free() hook's text for a write() of the daemon's file after remove().
inline constexpr const char* kWriteAfterRemove =
    "ssif_bmc_write ran after remove: struct ssif_bmc_ctx freed (lock, response_in_progress, "
    "response_timer_inited)";

class SsifBmc : public BmcDriver {
  public:
    // userspace struct ipmi_ssif_msg: u32 len + the payload buffer, 254 bytes in Linux
    // (IPMI_SSIF_PAYLOAD_MAX); other BMC firmware may have up to kLargestMessage.
    static constexpr unsigned kMsgLenField = 4;
    static constexpr unsigned kLargestMessage = 1024;

    SsifBmc(uint8_t addr7, BmcVariant variant, BmcHooks& hooks,
            MultipartEnd multipart_end = MultipartEnd::End08, unsigned max_message = kMessageMax);

    // sizeof(struct ipmi_ssif_msg) for this BMC's payload buffer (kSizeofIpmiSsifMsg in
    // Linux): the largest count write() takes, and what a reader of the device asks for.
    size_t msg_size() const override { return sizeof_ipmi_ssif_msg(max_message_); }

    // The I2C slave callback (ssif_bmc_cb): -EBUSY while a request awaits its response.
    smbus::SlaveAnswer on_event(smbus::SlaveEvent ev, uint8_t& val) override;

    // The response timer expired (response_timeout).
    void on_response_timeout() override;

    // Userspace device. Return the byte count or -errno, as the syscalls do.
    int open() override;
    void release();
    // read(): on success `out` holds the u32 length (little endian) and the payload.
    // `copyable`: how many bytes copy_to_user() can write to the reader's buffer before it
    // faults (a bad or short user buffer); `out` then holds only those.
    long read(size_t count, bool nonblock, Bytes& out, size_t copyable = kCopyAll) override;
    // write(): `buf` is what userspace passes: u32 length (little endian) + payload.
    long write(const Bytes& buf, bool nonblock) override;
    bool poll_readable() const override { return request_available_; }

    // ssif_bmc_remove (the device unbound or the module unloaded): the slave is
    // unregistered; from 7fc3e2546cf3 on the response timer is cancelled first. The context
    // is devm-allocated, so it is freed right after.
    void remove() override;
    bool removed() const override { return removed_; }
    bool write_would_block() const { return response_in_progress_; }

    // Observers for the wrapper, tests and the report.
    BmcState state() const override { return state_; }
    BmcVariant variant() const { return variant_; }
    bool busy() const override { return busy_; }
    bool aborting() const override { return aborting_; }
    bool response_pending() const override { return response_in_progress_; }
    uint8_t smbus_command() const override { return part_.smbus_cmd; }
    uint64_t oob_writes() const override { return oob_writes_; }
    const std::vector<std::string>& first_oob_writes() const override { return first_oob_writes_; }
    uint64_t use_after_free() const override { return use_after_free_; }
    uint64_t reads_after_remove() const override { return reads_after_remove_; }
    uint64_t writes_after_remove() const override { return writes_after_remove_; }
    const Coverage& coverage() const override { return coverage_; }

  private:
    enum class Fix { WriteLength, RequestLoss, RemoveTimer, CopyToUser, Desync, DebugLevel };
    bool has_fix(Fix fix) const;

    // The part being received or sent (struct ssif_part_buffer).
    struct PartBuffer {
        uint8_t address = 0;
        uint8_t smbus_cmd = 0;
        uint8_t length = 0;
        std::array<uint8_t, 32> payload{};
        uint8_t pec = 0;
        uint8_t index = 0;
    };
    // struct ipmi_ssif_msg; len is an unsigned int in the kernel. `payload` holds the
    // payload buffer and the struct's tail padding (payload_area() bytes are the BMC's).
    struct Message {
        uint32_t len = 0;
        std::array<uint8_t, kLargestMessage> payload{};
        // memset(&msg, 0, sizeof(struct ipmi_ssif_msg)) (the rest is never read).
        void clear(size_t area) {
            len = 0;
            std::fill_n(payload.begin(), area, uint8_t{0});
        }
    };
    static_assert(sizeof_ipmi_ssif_msg(kLargestMessage) - 4 <= kLargestMessage,
                  "Message::payload holds the largest buffer with its padding");
    // The bytes after `len` in struct ipmi_ssif_msg: the payload buffer and its padding.
    size_t payload_area() const { return msg_size() - kMsgLenField; }

    // One function per slave event, as the driver has.
    void on_read_requested(uint8_t& val);
    void on_read_processed(uint8_t& val);
    void on_write_requested(uint8_t& val);
    void on_write_received(uint8_t& val);
    void on_stop();

    void set_state(BmcState next);
    // The driver's log lines: warn() for its dev_warn calls, err() for its dev_err calls.
    void warn(const std::string& text);
    void err(const std::string& text);
    // The multipart_end switch: which write commands exist, and which part ends a request.
    bool supported_write_cmd(uint8_t cmd) const;
    bool ends_request(const PartBuffer& part) const;
    void process_smbus_cmd(uint8_t cmd);
    void handle_write_received(uint8_t val);
    // part_buf.payload[index] read and written where the driver's memory has it (kPartReach).
    uint8_t part_byte(uint8_t index) const;
    void store_part_byte(uint8_t index, uint8_t val);
    bool validate_request_part();
    void copy_part(uint8_t* dst) const;
    void process_request_part();
    void handle_request();
    void complete_response();
    void set_singlepart_response_buffer();
    void set_multipart_response_buffer();
    void calculate_response_part_pec();
    void copy_response(uint8_t* dst, unsigned from, unsigned n) const;
    void handle_read_processed(uint8_t& val);
    // Linux keeps the response's byte counts in u8 fields, enough for its 254-byte buffer
    // (and wrapping for the v8 length overflow); a larger buffer needs wider ones.
    unsigned counter(unsigned value) const { return max_message_ <= 255 ? value & 0xffu : value; }

    const uint8_t addr8_; // GET_8BIT_ADDR(client->addr)
    const BmcVariant variant_;
    const MultipartEnd multipart_end_;
    const unsigned max_message_;
    BmcHooks& hooks_;
    smbus::SlaveEvent current_event_ = smbus::SlaveEvent::Stop;

    BmcState state_ = BmcState::Ready;
    int msg_idx_ = 0;
    bool pec_support_ = false;
    bool running_ = false;
    bool response_timer_armed_ = false; // response_timer_inited
    bool is_singlepart_read_ = false;
    unsigned nbytes_processed_ = 0; // through counter()
    unsigned remain_len_ = 0;
    uint8_t block_num_ = 0;
    bool request_available_ = false;
    bool response_in_progress_ = false;
    bool busy_ = false;
    bool aborting_ = false;
    bool removed_ = false;
    PartBuffer part_;
    uint8_t ctx_padding_ = 0; // the byte between part_buf and response
    Message response_;
    Message request_;
    Coverage coverage_{};
    uint64_t oob_writes_ = 0;
    uint64_t use_after_free_ = 0;
    uint64_t reads_after_remove_ = 0;
    uint64_t writes_after_remove_ = 0;
    std::vector<std::string> first_oob_writes_;
};

} // namespace ssifsim::ssif
