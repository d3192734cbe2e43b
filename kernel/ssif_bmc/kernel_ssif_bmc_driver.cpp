#include "kernel/ssif_bmc/kernel_ssif_bmc_driver.h"

#include <stdexcept>

#include "kernel/ssif_bmc/kernel_ssif_bmc.h"
#include "models/common/jiffies.h"

namespace ssifsim::kernel {

namespace {

using smbus::SlaveAnswer;
using smbus::SlaveEvent;
using ssif::BmcState;

bool g_live = false;

// The kernel's enum i2c_slave_event order (include/linux/i2c.h), by smbus::SlaveEvent.
int kernel_event(SlaveEvent ev) {
    switch (ev) {
    case SlaveEvent::ReadRequested: return 0;
    case SlaveEvent::WriteRequested: return 1;
    case SlaveEvent::ReadProcessed: return 2;
    case SlaveEvent::WriteReceived: return 3;
    case SlaveEvent::Stop: return 4;
    }
    return 4;
}

class KernelSsifBmc : public ssif::BmcDriver {
  public:
    KernelSsifBmc(const ssif::BmcConfig& config, ssif::BmcHooks& hooks,
                  std::function<uint64_t()> now_ns)
        : hooks_(hooks), jiffies_(config.hz), now_ns_(std::move(now_ns)) {
        if (g_live)
            throw std::logic_error(
                "a second BMC with implementation \"kernel\": the real ssif_bmc.c keeps its "
                "device in statics, one per process");
        const struct kbmc_hooks h = {this, on_timer, on_wake, on_log};
        kbmc_set_hooks(&h);
        set_clock();
        const int ret = kbmc_probe(config.addr7);
        if (ret != 0) {
            kbmc_set_hooks(nullptr);
            throw std::runtime_error("ssif_bmc_probe failed: " + std::to_string(ret));
        }
        g_live = true;
        snapshot();
    }
    ~KernelSsifBmc() override {
        if (!removed_) {
            if (opened_)
                kbmc_release();
            kbmc_remove();
        }
        kbmc_set_hooks(nullptr);
        g_live = false;
    }

    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override {
        set_clock();
        const BmcState from = state_;
        ++coverage_[static_cast<int>(from)][static_cast<int>(ev)];
        const int msg_idx = kbmc_msg_idx();
        const int index = kbmc_part_index();
        unsigned char byte = val;
        const int ret = kbmc_event(kernel_event(ev), &byte);
        val = byte;
        // handle_write_received stored the byte at part_buf.payload[index] (msg_idx 2..36,
        // counted on to msg_idx + 1): past a legal part it hits the rest of the context,
        // whose layout in the shim's build is the one kPartReach describes.
        if (ev == SlaveEvent::WriteReceived && msg_idx >= 2 && kbmc_msg_idx() == msg_idx + 1 &&
            kbmc_state() == static_cast<int>(BmcState::ReqRecving) &&
            index >= static_cast<int>(ssif::kFirstOutOfBoundsIndex)) {
            const uint8_t at = static_cast<uint8_t>(index);
            const std::string field = ssif::part_reach_field(at);
            if (oob_writes_++ < kListedOobWrites)
                first_oob_writes_.push_back("payload[" + std::to_string(index) + "] = " + field);
            hooks_.oob_write(at, field, byte);
        }
        snapshot();
        if (state_ != from)
            hooks_.transition(from, state_, ev);
        return ret == -EBUSY ? SlaveAnswer::Busy : SlaveAnswer::Ack;
    }

    void on_response_timeout() override {
        if (removed_) {
            // The kernel would run response_timeout on the context devres freed; the shim's
            // copy is gone, so it is reported and not run.
            ++use_after_free_;
            hooks_.use_after_free(ssif::kResponseTimeoutAfterRemove);
            return;
        }
        set_clock();
        kbmc_timer_fire();
        snapshot();
    }

    int open() override {
        if (removed_)
            return -ENODEV; // misc_open: no misc device at the minor after misc_deregister
        set_clock();
        const int ret = kbmc_open();
        if (ret == 0)
            opened_ = true;
        snapshot();
        return ret;
    }
    long read(size_t count, bool nonblock, Bytes& out, size_t copyable) override {
        (void)nonblock; // the file is O_NONBLOCK: a blocking reader waits in the wrapper
        if (removed_) {
            // ssif_bmc_read would run on the context devres freed (the file still holds its
            // miscdev); the shim's copy is gone and misc_deregister cleared kshim_misc, so it
            // is reported and not run.
            ++reads_after_remove_;
            hooks_.use_after_free(ssif::kReadAfterRemove);
            return -ENODEV;
        }
        set_clock();
        Bytes buf(count);
        const long ret = kbmc_read_faulting(buf.data(), buf.size(), copyable);
        snapshot();
        // What reached the reader's buffer: the count on success, the bytes copy_to_user
        // wrote before the fault on -EFAULT.
        size_t got = 0;
        if (ret > 0)
            got = static_cast<size_t>(ret);
        else if (ret == -EFAULT)
            got = std::min(copyable, std::min(count, kbmc_msg_size()));
        if (ret > 0 || ret == -EFAULT)
            out.assign(buf.begin(), buf.begin() + static_cast<long>(std::min(got, buf.size())));
        return ret;
    }
    long write(const Bytes& buf, bool nonblock) override {
        (void)nonblock; // O_NONBLOCK: a blocking writer waits in the wrapper
        if (removed_) {
            // As read(): the shim's context is gone. ssif_bmc_write checks the caller's
            // buffer first (6.12.117 has the 2024 length checks), then locks the freed
            // context: only a write past those checks uses it.
            uint32_t len = 0;
            if (const long bad =
                    ssif::check_write_buffer(buf, kbmc_msg_size(), ssif::kMessageMax, true, &len))
                return bad;
            ++writes_after_remove_;
            hooks_.use_after_free(ssif::kWriteAfterRemove);
            return -ENODEV;
        }
        set_clock();
        const long ret = kbmc_write(buf.data(), buf.size());
        snapshot();
        return ret;
    }
    bool poll_readable() const override { return request_available_; }
    void remove() override {
        set_clock();
        kbmc_remove();
        removed_ = true;
    }
    bool removed() const override { return removed_; }
    size_t msg_size() const override { return kbmc_msg_size(); }

    BmcState state() const override { return state_; }
    bool busy() const override { return busy_; }
    bool aborting() const override { return aborting_; }
    bool response_pending() const override { return response_in_progress_; }
    uint8_t smbus_command() const override { return smbus_cmd_; }
    uint64_t oob_writes() const override { return oob_writes_; }
    const std::vector<std::string>& first_oob_writes() const override { return first_oob_writes_; }
    uint64_t use_after_free() const override { return use_after_free_; }
    uint64_t reads_after_remove() const override { return reads_after_remove_; }
    uint64_t writes_after_remove() const override { return writes_after_remove_; }
    const Coverage& coverage() const override { return coverage_; }

  private:
    void set_clock() {
        kbmc_set_clock(static_cast<unsigned long>(jiffies_.at(now_ns_())), jiffies_.hz());
    }
    // The context's fields after a call: what the accessors give, also after remove().
    void snapshot() {
        state_ = static_cast<BmcState>(kbmc_state());
        busy_ = kbmc_busy();
        aborting_ = kbmc_aborting();
        request_available_ = kbmc_request_available();
        response_in_progress_ = kbmc_response_in_progress();
        smbus_cmd_ = static_cast<uint8_t>(kbmc_smbus_cmd());
    }

    static void on_timer(void* self, int pending, unsigned long expires) {
        auto* b = static_cast<KernelSsifBmc*>(self);
        if (pending)
            b->hooks_.mod_response_timer(expires);
        else
            b->hooks_.cancel_response_timer();
    }
    static void on_wake(void* self, int request) {
        auto* b = static_cast<KernelSsifBmc*>(self);
        if (request) {
            b->request_available_ = true; // poll() may be asked from the hook
            b->hooks_.request_available();
        } else {
            b->response_in_progress_ = false;
            b->hooks_.response_consumed();
        }
    }
    static void on_log(void* self, const char* level, const char* text) {
        static_cast<KernelSsifBmc*>(self)->hooks_.log(level, text);
    }

    ssif::BmcHooks& hooks_;
    Jiffies jiffies_;
    std::function<uint64_t()> now_ns_;
    bool opened_ = false;
    bool removed_ = false;
    BmcState state_ = BmcState::Ready;
    bool busy_ = false, aborting_ = false, request_available_ = false;
    bool response_in_progress_ = false;
    uint8_t smbus_cmd_ = 0;
    uint64_t oob_writes_ = 0;
    std::vector<std::string> first_oob_writes_;
    uint64_t use_after_free_ = 0;
    uint64_t reads_after_remove_ = 0;
    uint64_t writes_after_remove_ = 0;
    Coverage coverage_{};
};

} // namespace

std::unique_ptr<ssif::BmcDriver> make_kernel_bmc_driver(const ssif::BmcConfig& config,
                                                        ssif::BmcHooks& hooks,
                                                        std::function<uint64_t()> now_ns) {
    return std::make_unique<KernelSsifBmc>(config, hooks, std::move(now_ns));
}

bool kernel_bmc_available() {
    return true;
}

unsigned kernel_bmc_response_timeout_ms() {
    return kbmc_response_timeout_ms();
}

} // namespace ssifsim::kernel
