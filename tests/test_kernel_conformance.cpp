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
    // The calls that reach the later fixes were made, often: writes at the length check's
    // boundaries while a response was awaited, removes with the response timer pending,
    // reads whose copy faulted, and log lines whose levels were compared.
    CHECK(c.boundary_writes > 100);
    CHECK(c.removes_with_timer > 100);
    CHECK(c.faulted_copies > 100);
    CHECK(c.log_lines > 100);
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

namespace {

using ssifsim::ssif::BmcVariant;

// The divergences of the model's `variant` row against 6.12.117's code, 200,000 calls, seed
// 1; each one shrunk must replay to its own kind against the real code.
BmcConformance against_kernel(BmcVariant variant) {
    const BmcFactory model = [variant] { return make_model_bmc(variant); };
    BmcConformance c = run_bmc_conformance(200'000, 1, model, make_kernel_bmc);
    for (const BmcDivergence& d : c.divergences) {
        INFO(d.kind);
        const std::optional<BmcDivergence> again =
            first_bmc_divergence(d.sequence, model, make_kernel_bmc);
        REQUIRE(again);
        CHECK(again->kind == d.kind);
    }
    return c;
}

const BmcDivergence* find_kind(const BmcConformance& c, const std::string& kind) {
    for (const BmcDivergence& d : c.divergences)
        if (d.kind == kind)
            return &d;
    return nullptr;
}

// A request and the call after it, shrunk 1-minimal: one whole single part (WRITE_REQUESTED,
// the command, the count, at most 32 data bytes and a PEC, STOP: handle_request arms the
// response timer and makes the request available) and the call, 38 calls at most; at least
// the four calls of a request with no data, and the call.
constexpr size_t kRequestThenCallMin = 5, kRequestThenCallMax = 38;

} // namespace

TEST_CASE("kernel ssif_bmc.c: v8-2022 is caught at the 2024 write-length check") {
    // 6.12.117's ssif_bmc_write returns -EINVAL when `!msg.len || msg.len >
    // IPMI_SSIF_PAYLOAD_MAX (254) || count < sizeof(len) + msg.len`. v8 checks only `!msg.len
    // || count < 4 + msg.len`: a len of 255 or 256 with a 259- or 260-byte count (or one of
    // 0xfffffffc.., where 4 + len wraps in a 32-bit size_t) is taken while a response is
    // awaited, and write returns the count. So: "write result", the model's count, -22.
    const BmcConformance c = against_kernel(BmcVariant::V8_2022);
    const BmcDivergence* d = find_kind(c, "write result");
    REQUIRE(d);
    CHECK(d->reference == "-22");
    CHECK(std::stol(d->model) == static_cast<long>(d->sequence.back().data.size()));
    REQUIRE(d->sequence.back().kind == BmcOp::Kind::Write);
    const ssifsim::Bytes& buf = d->sequence.back().data;
    REQUIRE(buf.size() >= 4);
    const uint32_t len = buf[0] | buf[1] << 8 | buf[2] << 16 | static_cast<uint32_t>(buf[3]) << 24;
    CHECK(len > 254);
    CHECK(d->sequence.size() >= kRequestThenCallMin);
    CHECK(d->sequence.size() <= kRequestThenCallMax);
}

TEST_CASE("kernel ssif_bmc.c: the remove-timer fix 7fc3e2546cf3 is told apart") {
    // 6.12.117 lacks 7fc3e2546cf3: its ssif_bmc_remove unregisters the slave and the misc
    // device and leaves the response timer armed, and devm frees the context under it. So
    // the row that differs from 6.12.117 is the first that has the fix, 2026-remove-timer
    // (its remove cancels the timer first): a request arms the timer, remove; "remove
    // timer_after_remove", the model false, the real code true. The row before the fix,
    // 2025-request-loss, agrees with 6.12.117 there: neither a remove nor a timer run
    // after it diverges.
    const BmcConformance fixed = against_kernel(BmcVariant::Fix2026RemoveTimer);
    const BmcDivergence* d = find_kind(fixed, "remove timer_after_remove");
    REQUIRE(d);
    CHECK(d->model == "false");
    CHECK(d->reference == "true");
    CHECK(d->sequence.back().kind == BmcOp::Kind::Remove);
    CHECK(d->sequence.size() >= kRequestThenCallMin);
    CHECK(d->sequence.size() <= kRequestThenCallMax);

    const BmcConformance before = against_kernel(BmcVariant::Fix2025RequestLoss);
    CHECK(before.removes_with_timer > 100);
    for (const BmcDivergence& b : before.divergences) {
        INFO(b.kind);
        CHECK(b.kind.rfind("remove ", 0) != 0);
        CHECK(b.kind.find("use_after_free") == std::string::npos);
        CHECK(b.kind.find("timer_after_remove") == std::string::npos);
    }
}

TEST_CASE("kernel ssif_bmc.c: 2026-remove-timer is caught at the EFAULT fix ea641be7a4fa") {
    // 6.12.117's ssif_bmc_read: `ret = copy_to_user(buf, &msg, count); if (ret > 0) ret =
    // -EFAULT;`. Before ea641be7a4fa read returned `count` whatever copy_to_user left
    // uncopied. A request, then a read whose buffer faults before the message's 4 + len
    // bytes: "read_fault result", the model 4 + len, the real code -14.
    const BmcConformance c = against_kernel(BmcVariant::Fix2026RemoveTimer);
    const BmcDivergence* d = find_kind(c, "read_fault result");
    REQUIRE(d);
    CHECK(d->reference == "-14");
    REQUIRE(d->sequence.back().kind == BmcOp::Kind::ReadFault);
    CHECK(std::stol(d->model) >= 4);
    CHECK(d->sequence.back().copyable < static_cast<size_t>(std::stol(d->model)));
    CHECK(d->sequence.size() >= kRequestThenCallMin);
    CHECK(d->sequence.size() <= kRequestThenCallMax);
}

TEST_CASE("kernel ssif_bmc.c: 2026-desync is caught at the log-level fix c9c99b7b7051") {
    // c9c99b7b7051 turned the slave callback's dev_warn lines into dev_dbg; 6.12.117 has
    // it. on_stop_event in SSIF_READY prints "unexpected SLAVE STOP" and goes to READY: a
    // lone STOP is the whole sequence. "stop log", the model warn, the real code debug. The
    // same for a lone READ_PROCESSED (on_read_processed_event in READY).
    const BmcConformance c = against_kernel(BmcVariant::Fix2026Desync);
    for (const char* kind : {"stop log", "read_processed log"}) {
        INFO(kind);
        const BmcDivergence* d = find_kind(c, kind);
        REQUIRE(d);
        CHECK(d->model == "warn");
        CHECK(d->reference == "debug");
        CHECK(d->sequence.size() == 1);
    }
}
