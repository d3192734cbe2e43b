// The differential conformance harnesses (kernel/airq, kernel/ssif_bmc) without the kernel:
// they must find a model rule broken on purpose, here in the test and never in the model,
// or two driver versions that differ, and shrink the sequence that shows it.
// tests/test_kernel_conformance.cpp holds the models against the real kernel code.
#include <catch2/catch.hpp>

#include "kernel/airq/airq_conformance.h"
#include "kernel/ssif_bmc/bmc_conformance.h"

using namespace ssifsim::kernel;

namespace {
// The model with one rule changed: `broken` rewrites each call's result or the end.
class BrokenModel : public AirqImpl {
  public:
    enum class Break { EndWithoutQuirk, ScanKeepsBit };
    explicit BrokenModel(Break b) : break_(b), model_(make_model_airq()) {}
    unsigned long apply(const AirqOp& op) override {
        const unsigned long end_before = model_->end();
        const unsigned long r = model_->apply(op);
        if (break_ == Break::EndWithoutQuirk && op.kind == AirqOp::Kind::Alloc && r != ~0UL &&
            r + op.a >= end_before)
            end_override_ = r + op.a; // "highest allocated bit + 1", not airq.c's + 2
        if (break_ == Break::ScanKeepsBit && op.kind == AirqOp::Kind::Scan && r != ~0UL)
            model_->apply({AirqOp::Kind::Set, r, 0}); // put the bit back: scan does not clear
        return r;
    }
    unsigned long end() const override { return end_override_ ? end_override_ : model_->end(); }
    std::vector<uint64_t> vector_words() const override { return model_->vector_words(); }
    std::vector<uint64_t> avail_words() const override { return model_->avail_words(); }

  private:
    Break break_;
    std::unique_ptr<AirqImpl> model_;
    unsigned long end_override_ = 0;
};
} // namespace

TEST_CASE("conformance: a broken end rule is caught and shrunk to create and one alloc") {
    // airq_iv_alloc: `if (bit + num >= iv->end) iv->end = bit + num + 1;`. A model keeping
    // bit + num differs after the first successful alloc on an ALLOC vector, so the shortest
    // sequence is create(ALLOC...) then alloc(n): two calls, the kind "alloc end".
    const AirqConformance c = run_airq_conformance(
        20'000, 7,
        [] { return std::make_unique<BrokenModel>(BrokenModel::Break::EndWithoutQuirk); },
        make_model_airq);
    REQUIRE(c.divergences.size() == 1);
    const AirqDivergence& d = c.divergences[0];
    CHECK(d.kind == "alloc end");
    REQUIRE(d.sequence.size() == 2);
    CHECK(d.sequence[0].kind == AirqOp::Kind::Create);
    CHECK((d.sequence[0].b & 1) == 1); // AIRQ_IV_ALLOC
    CHECK(d.sequence[1].kind == AirqOp::Kind::Alloc);
    CHECK(d.original_length >= d.sequence.size());
    // The end is one higher in the reference (airq.c's rule) than in the broken model.
    CHECK(std::stoul(d.reference) == std::stoul(d.model) + 1);
}

TEST_CASE("conformance: a scan that leaves its bit set is caught at the vector, 1-minimal") {
    // airq_iv_scan clears the bit it returns (clear_bit_inv); the broken one keeps it. The
    // divergence needs a create, a set and the scan that finds the bit, and an alloc before
    // when the scan runs to airq_iv_end: three or four calls, the kind "scan vector". ddmin's
    // guarantee: no single call of the shrunk sequence can go and leave that divergence.
    const AirqFactory broken = [] {
        return std::make_unique<BrokenModel>(BrokenModel::Break::ScanKeepsBit);
    };
    const AirqConformance c = run_airq_conformance(20'000, 11, broken, make_model_airq);
    REQUIRE(c.divergences.size() == 1);
    const AirqDivergence& d = c.divergences[0];
    CHECK(d.kind == "scan vector");
    CHECK(d.sequence.size() >= 3);
    CHECK(d.sequence.size() <= 4);
    CHECK(d.sequence.back().kind == AirqOp::Kind::Scan);
    for (size_t i = 1; i < d.sequence.size(); ++i) {
        std::vector<AirqOp> fewer = d.sequence;
        fewer.erase(fewer.begin() + static_cast<long>(i));
        const std::optional<AirqDivergence> again =
            first_airq_divergence(fewer, broken, make_model_airq);
        INFO("without call " << i << ", " << to_string(d.sequence[i]));
        CHECK_FALSE((again && again->kind == d.kind));
    }
}

TEST_CASE("conformance: the model agrees with the same model (no false divergence)") {
    const AirqConformance c = run_airq_conformance(20'000, 3, make_model_airq, make_model_airq);
    CHECK(c.divergences.empty());
    CHECK(c.events >= 20'000);
}

TEST_CASE("conformance: ssif_bmc v8-2022 against 6.12 diverges where the desync fix is") {
    // 1d38e849adb6 (in Debian's 6.12): on_write_received_event in ABORTING goes to SMBUS_CMD
    // when the byte is a start command (0x02, 0x06). v8 stays in ABORTING. The shortest way
    // there: an unexpected READ_PROCESSED in READY (-> ABORTING), then WRITE_RECEIVED(0x02):
    // two calls, the kind "write_received state", v8 ABORTING against SMBUS_CMD. Every
    // divergence the harness shrinks must replay to the same kind.
    const BmcFactory v8 = [] { return make_model_bmc(ssifsim::ssif::BmcVariant::V8_2022); };
    const BmcFactory debian = [] { return make_model_bmc(ssifsim::ssif::BmcVariant::Debian612); };
    const BmcConformance c = run_bmc_conformance(50'000, 1, v8, debian);
    bool desync = false;
    for (const BmcDivergence& d : c.divergences) {
        INFO(d.kind);
        const std::optional<BmcDivergence> again = first_bmc_divergence(d.sequence, v8, debian);
        REQUIRE(again);
        CHECK(again->kind == d.kind);
        if (d.kind == "write_received state") {
            desync = true;
            CHECK(d.sequence.size() == 2);
            CHECK(d.model == "ABORTING");
            CHECK(d.reference == "SMBUS_CMD");
        }
    }
    CHECK(desync);
}

TEST_CASE("conformance: ssif_bmc 6.12 against itself finds nothing") {
    const BmcConformance c = run_bmc_conformance(
        50'000, 2, [] { return make_model_bmc(); }, [] { return make_model_bmc(); });
    CHECK(c.divergences.empty());
    CHECK(c.requests_read > 0);
    CHECK(c.responses_written > 0);
}
