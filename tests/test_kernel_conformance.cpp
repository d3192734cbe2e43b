// Kernel in the loop: the models against the real drivers/s390/cio/airq.c and
// drivers/char/ipmi/ssif_bmc.c, compiled from the kernel source this build was configured
// with (-DSSIFSIM_KERNEL_SOURCE, Debian's linux-source-6.12 in CI). Built only then.
#include <catch2/catch.hpp>

#include "kernel/airq/airq_conformance.h"
#include "kernel/ssif_bmc/bmc_conformance.h"

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

TEST_CASE("kernel ssif_bmc.c: 200,000 calls, no divergence from the model's 6.12 row") {
    REQUIRE(make_kernel_bmc() != nullptr);
    const BmcConformance c = run_bmc_conformance(
        200'000, 1, [] { return make_model_bmc(); }, make_kernel_bmc);
    for (const BmcDivergence& d : c.divergences)
        FAIL_CHECK(d.kind << ": the model gives " << d.model << ", ssif_bmc.c gives "
                          << d.reference);
    CHECK(c.events >= 200'000);
    // The sequences reached every state, delivered requests, took responses and made the
    // driver answer -EBUSY: a comparison of idle drivers would prove nothing.
    for (size_t st = 0; st < c.calls_by_state.size(); ++st) {
        INFO("state " << st);
        CHECK(c.calls_by_state[st] > 100);
    }
    CHECK(c.requests_read > 100);
    CHECK(c.responses_written > 100);
    CHECK(c.busy_answers > 100);
    for (size_t k = 0; k < c.calls_by_kind.size(); ++k) {
        INFO("call kind " << k);
        CHECK(c.calls_by_kind[k] > 100);
    }
}

TEST_CASE("kernel ssif_bmc.c: the model's v8-2022 row differs from 6.12.117's code") {
    // 6.12.117 has the desync fix 1d38e849adb6: a start command (0x02) written in ABORTING
    // goes to SMBUS_CMD, where v8 stays in ABORTING. Against the real code the harness must
    // find it, shrunk to READ_PROCESSED in READY (-> ABORTING) and WRITE_RECEIVED(0x02); and
    // every divergence it shrinks must replay to the same kind against the real code.
    const BmcFactory v8 = [] { return make_model_bmc(ssifsim::ssif::BmcVariant::V8_2022); };
    const BmcConformance c = run_bmc_conformance(50'000, 1, v8, make_kernel_bmc);
    bool desync = false;
    for (const BmcDivergence& d : c.divergences) {
        INFO(d.kind);
        const std::optional<BmcDivergence> again =
            first_bmc_divergence(d.sequence, v8, make_kernel_bmc);
        REQUIRE(again);
        CHECK(again->kind == d.kind);
        if (d.kind == "write_received state") {
            desync = true;
            CHECK(d.sequence.size() == 2);
            CHECK(d.reference == "SMBUS_CMD");
        }
    }
    CHECK(desync);
}
