// Kernel in the loop: the model against the real drivers/s390/cio/airq.c, compiled from the
// kernel source this build was configured with (-DSSIFSIM_KERNEL_SOURCE). Built only then.
#include <catch2/catch.hpp>

#include "kernel/airq/airq_conformance.h"

using namespace ssifsim::kernel;

TEST_CASE("kernel airq.c: 200,000 calls, no divergence from the model") {
    REQUIRE(make_kernel_airq() != nullptr);
    const AirqConformance c = run_airq_conformance(200'000, 1, make_model_airq, make_kernel_airq);
    for (const AirqDivergence& d : c.divergences)
        FAIL_CHECK(d.kind << ": the model gives " << d.model << ", airq.c gives " << d.reference);
    CHECK(c.events >= 200'000);
    for (size_t k = 0; k < c.calls_by_kind.size(); ++k) {
        INFO("call kind " << k);
        CHECK(c.calls_by_kind[k] > 1000); // every kind of call was made, many times
    }
    CHECK(c.reads_past_vector > 0); // the full-vector scans were reached
}

TEST_CASE("kernel airq.c: a model rule broken in the test diverges from the real code") {
    // airq_iv_alloc's end rule (end = bit + num + 1) against a model that drops the + 1.
    class NoQuirk : public AirqImpl {
      public:
        unsigned long apply(const AirqOp& op) override {
            const unsigned long before = m_->end();
            const unsigned long r = m_->apply(op);
            if (op.kind == AirqOp::Kind::Alloc && r != ~0UL && r + op.a >= before)
                end_ = r + op.a;
            return r;
        }
        unsigned long end() const override { return end_ ? end_ : m_->end(); }
        std::vector<uint64_t> vector_words() const override { return m_->vector_words(); }
        std::vector<uint64_t> avail_words() const override { return m_->avail_words(); }

      private:
        std::unique_ptr<AirqImpl> m_ = make_model_airq();
        unsigned long end_ = 0;
    };
    const AirqConformance c = run_airq_conformance(
        20'000, 5, [] { return std::make_unique<NoQuirk>(); }, make_kernel_airq);
    REQUIRE(c.divergences.size() == 1);
    CHECK(c.divergences[0].kind == "alloc end");
    CHECK(c.divergences[0].sequence.size() == 2);
}
