// The whole exchange on the timed bus: host, BMC driver, daemon. Expected times are
// derived from the bus bit counts and the driver's jiffies rules, not read off a run.
#include <catch2/catch.hpp>

#include "tests/support.h"
#include "tools/runner.h"
#include "tools/scenario.h"
#include "tools/system/bmc_component.h"

using namespace ssifsim;
using namespace ssifsim::tools;
using ssifsim::test::num_field;
using ssifsim::test::select;
using ssifsim::test::str_field;

namespace {
// 100 kHz: START 5 us, a byte 90 us, Sr and STOP 10 us each; 4.7 us bus free at power-up.
constexpr uint64_t kStart = 5000, kByte = 90000, kSr = 10000, kStop = 10000, kIdle = 4700;
// The STOP condition, SDA rising three quarters into the STOP's period: when the BMC gets
// its STOP (SmbusTiming::stop_condition_ns).
constexpr uint64_t kStopCondition = 7500;

Scenario get_device_id(uint64_t latency_ns) {
    Scenario s;
    s.file = "(test)";
    s.host.hz = 1000;
    s.daemon.latency_ns = latency_ns;
    ssif::HostRequest r;
    r.id = 1;
    r.payload = {0x18, 0x01};
    s.requests.push_back(r);
    return s;
}
} // namespace

TEST_CASE("a read NAKed while the BMC is busy is retried 60 ms later", "[exchange][retry]") {
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(get_device_id(20'000'000), options);
    REQUIRE(r.outcomes.size() == 1);
    const ssif::RequestOutcome& o = r.outcomes[0];

    // Write 0x02: addr, cmd, count, 18 01, PEC = 6 bytes.
    const uint64_t write_end = kIdle + kStart + 6 * kByte + kStop; // 559.7 us
    // First read timer: mod_timer(jiffies + 5) at HZ=1000 armed in jiffy 0; the wheel's
    // level 0 runs it on tick 0 + 5 + 1 (calc_index rounds up): 6 ms.
    const uint64_t read1 = 6'000'000;
    // The BMC is busy: NAK on addr+W, then STOP.
    const uint64_t read1_end = read1 + kStart + kByte + kStop;
    // Retry: armed in jiffy 6 just after that timer ran (the base clock reads 7), expires
    // 66, level 0: tick 67. By then the daemon (20 ms) has answered.
    const uint64_t read2 = 67'000'000;
    // addr+W, cmd, Sr, addr+R, count, 14 response bytes, PEC.
    const uint64_t read2_end = read2 + kStart + 4 * kByte + kSr + 15 * kByte + kStop;

    REQUIRE(o.timeline.size() == 5);
    CHECK(o.timeline[0].kind == ssif::SegmentKind::Write);
    CHECK(o.timeline[0].end_ns == write_end);
    CHECK(o.timeline[1].end_ns == read1);
    CHECK(o.timeline[2].status == "address_nak");
    CHECK(o.timeline[2].start_ns == read1);
    CHECK(o.timeline[2].end_ns == read1_end);
    CHECK(o.timeline[3].detail == "read_retry");
    CHECK(o.timeline[3].end_ns == read2);
    CHECK(o.timeline[4].status == "ok");
    CHECK(o.completed_ns == read2_end);
    CHECK(o.response_ns() == 68'735'000);
    CHECK(o.read_attempts == 2);
    CHECK(o.write_attempts == 1);
    CHECK(o.completion_code == 0x00);
    CHECK(o.response == Bytes{0x1c, 0x01, 0x00, 0x20, 0x01, 0x01, 0x00, 0x02, 0xbf, 0x19, 0xa0,
                              0x00, 0x01, 0x00});

    // The request became available at the write's STOP condition, and the daemon answered
    // exactly its latency after.
    const auto avail = select(events.events, "bmc", "request_available");
    const auto wrote = select(events.events, "daemon", "write");
    REQUIRE(avail.size() == 1);
    REQUIRE(wrote.size() == 1);
    const uint64_t stop_condition = write_end - kStop + kStopCondition;
    CHECK(avail[0].t_ns == stop_condition);
    CHECK(wrote[0].t_ns == stop_condition + 20'000'000);
    CHECK(num_field(wrote[0], "ret") == 4 + 14);
    CHECK(r.checks[0].name == "T6max");
    CHECK(r.checks[0].pass);
}

TEST_CASE("the BMC arms its response timer in the jiffy of the write's STOP condition",
          "[exchange][timeout]") {
    // The slave's controller interrupts on the STOP condition, SDA rising while SCL is high
    // (three quarters into the STOP's period), so ssif_bmc's handle_request reads jiffies
    // there. A request handed over at 9.446 ms starts its write then (the bus is free): START
    // 5 us + 6 bytes 540 us put the STOP's period at 9.991 ms, its SDA rise at 9.9985 ms (the
    // BMC's jiffy 0 at HZ=100) and its end at 10.001 ms (jiffy 1). mod_timer(jiffies +
    // msecs_to_jiffies(500)) = 0 + 50 runs on tick 51 (wheel level 0), at 510 ms; had the BMC
    // seen the STOP at the period's end, it would run on tick 52, at 520 ms.
    Scenario s = get_device_id(600'000'000);
    s.requests[0].at_ns = 9'446'000;
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    options.until_ns = 600'000'000;
    run_scenario(s, options);
    const auto writes = select(events.events, "bus", "transfer");
    REQUIRE(!writes.empty());
    const uint64_t write_end = 9'446'000 + kStart + 6 * kByte + kStop;
    REQUIRE(writes[0].t_ns == write_end);
    const uint64_t stop_condition = write_end - kStop + kStopCondition;
    const auto armed = select(events.events, "bmc", "timer_armed");
    REQUIRE(armed.size() == 1);
    CHECK(armed[0].t_ns == stop_condition);
    CHECK(num_field(armed[0], "expires_ns") == 510'000'000);
    const auto fired = select(events.events, "bmc", "timer_fired");
    REQUIRE(fired.size() == 1);
    CHECK(fired[0].t_ns == 510'000'000);
}

TEST_CASE("the response timer fires before the daemon answers", "[exchange][timeout]") {
    // Daemon latency 600 ms against the 500 ms response timer.
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    options.until_ns = 700'000'000;
    const RunResult r = run_scenario(get_device_id(600'000'000), options);

    // The BMC gets the write's STOP at its SDA rise (0.5572 ms), in the BMC's jiffy 0 at its
    // default HZ=100 (10 ms ticks). mod_timer(jiffies + msecs_to_jiffies(500)) = 0 + 50: below
    // 63 ticks, wheel level 0, so it runs on tick 0 + 50 + 1 = 51, at 510 ms.
    const uint64_t stop_condition = kIdle + kStart + 6 * kByte + kStopCondition;
    const uint64_t timer_runs = 51 * 10'000'000ull;
    const auto fired = select(events.events, "bmc", "timer_fired");
    REQUIRE(fired.size() == 1);
    CHECK(fired[0].t_ns == timer_runs);
    const auto armed = select(events.events, "bmc", "timer_armed");
    REQUIRE(armed.size() == 1);
    CHECK(armed[0].t_ns == stop_condition);
    CHECK(num_field(armed[0], "jiffies") == 50);
    CHECK(num_field(armed[0], "expires_ns") == static_cast<int64_t>(timer_runs));

    // The first read at 6 ms (tick 0 + 5 + 1); each read ends within its tick, so every
    // retry is armed with the base clock one past jiffies: 60 jiffies from tick T run on
    // T + 61. Reads at 6, 67, 128, ... ms: every one up to 494 ms is NAKed (busy); from
    // 555 ms on, the BMC is aborting and answers a count of 0, which the host refuses.
    const auto errors = select(events.events, "host", "read_error");
    REQUIRE(errors.size() == 12); // 6 + 61k ms for k = 0..11, the last at 677 ms
    for (size_t k = 0; k < errors.size(); ++k) {
        const uint64_t start = 6'000'000 + 61'000'000 * k;
        if (start < timer_runs) {
            CHECK(str_field(errors[k], "status") == "address_nak");
            CHECK(errors[k].t_ns == start + kStart + kByte + kStop);
        } else {
            CHECK(str_field(errors[k], "status") == "bad_length");
            CHECK(num_field(errors[k], "count") == 0);
            // addr+W, cmd, Sr, addr+R, count (NAKed) and STOP.
            CHECK(errors[k].t_ns == start + kStart + 4 * kByte + kSr + kStop);
        }
    }
    // The late response is refused with EINVAL.
    CHECK(select(events.events, "daemon", "write").empty());
    const auto wrote = select(events.events, "daemon", "write_failed");
    REQUIRE(wrote.size() == 1);
    CHECK(wrote[0].t_ns == stop_condition + 600'000'000);
    CHECK(num_field(wrote[0], "ret") == -22);
    // The BMC stays aborting; the request has no response yet (the host keeps trying).
    const BmcResult* bmc = r.find<BmcResult>();
    REQUIRE(bmc);
    CHECK(bmc->aborting);
    CHECK(bmc->final_state == ssif::BmcState::Ready);
    CHECK(r.outcomes.empty());
}

TEST_CASE("a 100-byte response is read in four parts on the bus", "[exchange][multipart]") {
    Scenario s = get_device_id(1'000'000);
    s.requests[0].payload = {0xc0, 0x01}; // the test command: netfn 0x30, cmd 0x01
    s.responder.test.length = 100;
    RunOptions options;
    const RunResult r = run_scenario(s, options);
    REQUIRE(r.outcomes.size() == 1);
    const ssif::RequestOutcome& o = r.outcomes[0];
    REQUIRE(!o.failed());
    // 100 bytes: start 30, middle 0 with 31, middle 1 with 31, end 0xFF with 8.
    CHECK(o.parts_read == 4);
    Bytes expected{0xc4, 0x01, 0x00};
    for (uint8_t i = 0; expected.size() < 100; ++i)
        expected.push_back(i);
    CHECK(o.response == expected);
    // The daemon answered at 1.56 ms, so the first read at 6 ms (tick 0 + 5 + 1) gets the
    // start part.
    // A 32-byte part with PEC: addr+W, cmd, (Sr), addr+R, count, 32 data, PEC = 37 bytes.
    const uint64_t full_part = kStart + 37 * kByte + kSr + kStop; // 3355 us
    // The end part, count 9 (0xFF + 8 bytes): addr+W, cmd, addr+R, count, 9, PEC = 14 bytes.
    const uint64_t end_part = kStart + 14 * kByte + kSr + kStop; // 1285 us
    // Parts follow each other after the bus free time.
    CHECK(o.completed_ns == 6'000'000 + 3 * full_part + end_part + 3 * kIdle);
    CHECK(o.completed_ns == 17'364'100);
}

TEST_CASE("the driver's kthread sleeps only when it has nothing to do", "[exchange][activations]") {
    // ipmi_ssif's thread waits for wake_thread only with no work left: a complete() from its
    // own handlers (the next part, a retry timer armed) finds it awake. In the first test
    // case's run the threads resume 8 times: the kthread for the request (1: the feed's
    // kick, or at power-up the tBUF its first START waits when the registration's kick is
    // still due), at the write's STOP (1), for the first-read timer (1), at the NAKed read's
    // STOP (1), for the retry timer (1), at the read's STOP (1); the daemon for the request
    // (1) and after its latency (1). Each transfer runs ahead to its STOP's wait
    // (SmbusBus::runs_ahead), tBUF included (SmbusBus::bus_free_owed).
    const uint64_t before = process_activations();
    const RunResult r = run_scenario(get_device_id(20'000'000), {});
    REQUIRE(r.outcomes.size() == 1);
    CHECK(r.outcomes[0].read_attempts == 2);
    CHECK(process_activations() - before == 8);
}
