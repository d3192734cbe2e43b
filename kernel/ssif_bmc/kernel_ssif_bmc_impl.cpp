// The real ssif_bmc.c behind BmcImpl (built with -DSSIFSIM_KERNEL_SOURCE). The driver keeps
// its device in statics, so one instance lives at a time.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernel/ssif_bmc/bmc_conformance.h"
#include "kernel/ssif_bmc/kernel_ssif_bmc.h"

namespace ssifsim::kernel {

namespace {
bool g_live = false;

class KernelBmc : public BmcImpl {
  public:
    KernelBmc() {
        if (g_live)
            throw std::logic_error("one ssif_bmc.c device at a time");
        if (kbmc_probe(0x10) != 0)
            throw std::runtime_error("ssif_bmc_probe failed");
        g_live = true;
        // Only the log: the harness fires the timer itself and reads the flags.
        const kbmc_hooks hooks{this, nullptr, nullptr, &KernelBmc::on_log};
        kbmc_set_hooks(&hooks);
        kbmc_open();
    }
    ~KernelBmc() override {
        kbmc_release();
        kbmc_remove();
        kbmc_set_hooks(nullptr);
        g_live = false;
    }
    BmcObservation apply(const BmcOp& op) override {
        // The kernel's enum i2c_slave_event order (include/linux/i2c.h).
        static constexpr int kKernelEvent[] = {1 /* WRITE_REQUESTED */, 3 /* WRITE_RECEIVED */,
                                               0 /* READ_REQUESTED */, 2 /* READ_PROCESSED */,
                                               4 /* STOP */};
        BmcObservation o;
        log_.clear();
        switch (op.kind) {
        case BmcOp::Kind::Event: {
            unsigned char val = op.val;
            o.result = kbmc_event(kKernelEvent[static_cast<int>(op.event)], &val);
            o.val = val;
            break;
        }
        case BmcOp::Kind::Open: o.result = kbmc_open(); break;
        case BmcOp::Kind::Release: kbmc_release(); break;
        case BmcOp::Kind::Read: {
            Bytes buf(op.count);
            o.result = kbmc_read(buf.data(), buf.size());
            if (o.result > 0)
                o.read.assign(buf.begin(), buf.begin() + o.result);
            break;
        }
        case BmcOp::Kind::ReadFault: {
            Bytes buf(op.count);
            o.result = kbmc_read_faulting(buf.data(), buf.size(), op.copyable);
            // What reached the reader's buffer: a read before ea641be7a4fa returns the count
            // even when the copy stopped short.
            if (o.result > 0)
                o.read.assign(buf.begin(),
                              buf.begin() + static_cast<long>(std::min<size_t>(
                                                static_cast<size_t>(o.result), op.copyable)));
            break;
        }
        case BmcOp::Kind::Write: o.result = kbmc_write(op.data.data(), op.data.size()); break;
        case BmcOp::Kind::Poll: o.result = kbmc_poll(); break;
        case BmcOp::Kind::TimerFire:
            kbmc_timer_fire();
            // A timer left pending by remove would run response_timeout on the freed
            // context: counted, not run.
            if (orphan_timer_) {
                orphan_timer_ = false;
                ++use_after_free_;
            }
            break;
        case BmcOp::Kind::Remove:
            // The file is not released first: the device goes while the daemon has it open.
            orphan_timer_ = kbmc_remove() || orphan_timer_;
            if (kbmc_probe(0x10) != 0)
                throw std::runtime_error("ssif_bmc_probe failed");
            kbmc_open();
            break;
        }
        o.state = kbmc_state();
        o.busy = kbmc_busy();
        o.aborting = kbmc_aborting();
        o.request_available = kbmc_request_available();
        o.response_in_progress = kbmc_response_in_progress();
        o.timer_pending = kbmc_timer_pending();
        o.log = log_;
        o.timer_after_remove = orphan_timer_;
        o.use_after_free = use_after_free_;
        return o;
    }

  private:
    static void on_log(void* opaque, const char* level, const char*) {
        std::string& log = static_cast<KernelBmc*>(opaque)->log_;
        log += (log.empty() ? "" : ",") + std::string(level);
    }
    std::string log_;           // the levels of the lines the current call printed
    bool orphan_timer_ = false; // a response timer pending on a removed device's context
    uint64_t use_after_free_ = 0;
};
} // namespace

std::unique_ptr<BmcImpl> make_kernel_bmc() {
    return std::make_unique<KernelBmc>();
}

} // namespace ssifsim::kernel
