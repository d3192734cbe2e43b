// The real ssif_bmc.c behind BmcImpl (built with -DSSIFSIM_KERNEL_SOURCE). The driver keeps
// its device in statics, so one instance lives at a time.
#include <stdexcept>

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
        kbmc_open();
    }
    ~KernelBmc() override {
        kbmc_release();
        kbmc_remove();
        g_live = false;
    }
    BmcObservation apply(const BmcOp& op) override {
        // The kernel's enum i2c_slave_event order (include/linux/i2c.h).
        static constexpr int kKernelEvent[] = {1 /* WRITE_REQUESTED */, 3 /* WRITE_RECEIVED */,
                                               0 /* READ_REQUESTED */, 2 /* READ_PROCESSED */,
                                               4 /* STOP */};
        BmcObservation o;
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
        case BmcOp::Kind::Write: o.result = kbmc_write(op.data.data(), op.data.size()); break;
        case BmcOp::Kind::Poll: o.result = kbmc_poll(); break;
        case BmcOp::Kind::TimerFire: kbmc_timer_fire(); break;
        }
        o.state = kbmc_state();
        o.busy = kbmc_busy();
        o.aborting = kbmc_aborting();
        o.request_available = kbmc_request_available();
        o.response_in_progress = kbmc_response_in_progress();
        o.timer_pending = kbmc_timer_pending();
        return o;
    }
};
} // namespace

std::unique_ptr<BmcImpl> make_kernel_bmc() {
    return std::make_unique<KernelBmc>();
}

} // namespace ssifsim::kernel
