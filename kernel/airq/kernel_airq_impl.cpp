// The real airq.c behind AirqImpl (built with -DSSIFSIM_KERNEL_SOURCE).
#include <algorithm>

#include "kernel/airq/airq_conformance.h"
#include "kernel/airq/kernel_airq.h"

namespace ssifsim::kernel {

namespace {
class KernelAirq : public AirqImpl {
  public:
    ~KernelAirq() override {
        if (iv_)
            kairq_release(iv_);
    }
    unsigned long apply(const AirqOp& op) override {
        using Kind = AirqOp::Kind;
        switch (op.kind) {
        case Kind::Create:
            bits_ = op.a;
            iv_ = kairq_create(op.a, op.b);
            return iv_ != nullptr;
        case Kind::Alloc: return kairq_alloc(iv_, op.a);
        case Kind::Free: kairq_free(iv_, op.a, op.b); return 0;
        case Kind::Set: return static_cast<unsigned long>(kairq_set(iv_, op.a));
        case Kind::Scan:
            return kairq_scan(iv_, op.a, op.b == AirqOp::kToEnd ? kairq_end(iv_) : op.b);
        case Kind::SetData: kairq_set_data(iv_, op.a, static_cast<unsigned>(op.b)); return 0;
        case Kind::GetData: return kairq_get_data(iv_, op.a);
        case Kind::SetPtr: kairq_set_ptr(iv_, op.a, op.b); return 0;
        case Kind::GetPtr: return kairq_get_ptr(iv_, op.a);
        case Kind::Lock: return static_cast<unsigned long>(kairq_lock(iv_, op.a));
        case Kind::Unlock: kairq_unlock(iv_, op.a); return 0;
        }
        return 0;
    }
    unsigned long end() const override { return iv_ ? kairq_end(iv_) : 0; }
    std::vector<uint64_t> vector_words() const override {
        return iv_ ? words(kairq_vector(iv_)) : std::vector<uint64_t>{};
    }
    std::vector<uint64_t> avail_words() const override {
        return iv_ && kairq_avail(iv_) ? words(kairq_avail(iv_)) : std::vector<uint64_t>{};
    }

  private:
    std::vector<uint64_t> words(const unsigned long* p) const {
        return std::vector<uint64_t>(p, p + (bits_ + 63) / 64);
    }
    airq_iv* iv_ = nullptr;
    unsigned long bits_ = 0;
};
} // namespace

std::unique_ptr<AirqImpl> make_kernel_airq() {
    return std::make_unique<KernelAirq>();
}

} // namespace ssifsim::kernel
