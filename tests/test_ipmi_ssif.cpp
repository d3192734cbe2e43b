// IpmiSsif, the host driver's message state machine, driven event by event without SystemC:
// each test plays the kernel services (the transfer the driver's thread makes, the timers,
// the message handler) and checks what the driver asks for next against ipmi_ssif.c.
#include <catch2/catch.hpp>

#include <optional>
#include <vector>

#include "models/common/event_log.h"
#include "models/ssif/host/ipmi_ssif.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

namespace {

// The kernel around the driver, recording what it is asked for.
class FakeKernel : public IpmiSsifHooks {
  public:
    uint64_t now = 0;
    std::vector<HostTransfer> transfers;
    std::optional<uint64_t> retry_timer, watch_timer;
    std::vector<RequestOutcome> done;
    std::vector<Bytes> handler_responses;
    bool is_hung = false;
    std::optional<uint64_t> off_for;

    uint64_t now_ns() const override { return now; }
    void start_transfer(const HostTransfer& t) override { transfers.push_back(t); }
    void arm_timer(DriverTimer timer, uint64_t expires_ns) override {
        (timer == DriverTimer::Retry ? retry_timer : watch_timer) = expires_ns;
    }
    void cancel_timer(DriverTimer timer) override {
        (timer == DriverTimer::Retry ? retry_timer : watch_timer).reset();
    }
    void power_off(uint64_t off_ns) override { off_for = off_ns; }
    void request_started(int, uint64_t) override {}
    void request_done(const RequestOutcome& outcome) override { done.push_back(outcome); }
    void handler_done(const Bytes& response) override { handler_responses.push_back(response); }
    void hung() override { is_hung = true; }
    void phase_changed(HostPhase) override {}
    void state_changed(DriverState) override {}
};

// A registered driver at HZ=1000 with PEC and 0x08 ends, as after a probe of Linux ssif_bmc.
struct Rig {
    explicit Rig(HostVariant variant = HostVariant::Mainline)
        : jiffies(1000), timers(jiffies),
          driver(host_kernel(variant), smbus::host_adapter(smbus::AdapterKind::Generic), jiffies,
                 timers, kernel, log) {
        driver.probe_ended(LinkSetup{});
        driver.registered(true);
    }
    // The driver's thread finishes the last transfer asked for, `dur_ns` after it began.
    void finish_transfer(smbus::SmbusStatus status, const Bytes& data = {}, uint64_t dur_ns = 0) {
        TransferDone d;
        d.start_ns = kernel.now;
        kernel.now += dur_ns;
        d.end_ns = kernel.now;
        d.result.status = status;
        d.result.data = data;
        d.result.count = static_cast<uint8_t>(data.size());
        driver.transfer_done(d);
    }
    void fire_retry_timer() {
        REQUIRE(kernel.retry_timer);
        kernel.now = *kernel.retry_timer;
        kernel.retry_timer.reset();
        driver.retry_timeout();
    }
    const HostTransfer& last() const { return kernel.transfers.back(); }

    FakeKernel kernel;
    NullSink log;
    Jiffies jiffies;
    TimerBase timers;
    IpmiSsif driver;
};

HostRequest get_device_id(int id) {
    return {id, 0, {0x18, 0x01}};
}

const Bytes kDeviceIdResponse{0x1c, 0x01, 0x00, 0x20, 0x01, 0x01, 0x00, 0x02, 0xbf};

} // namespace

TEST_CASE("a single-part request: write, wait SSIF_MSG_PART, read, deliver", "[host][core]") {
    Rig rig;
    rig.driver.send(get_device_id(1));
    // start_send: one 0x02 with the message, PEC on.
    REQUIRE(rig.kernel.transfers.size() == 1);
    CHECK_FALSE(rig.last().read);
    CHECK(rig.last().command == 0x02);
    CHECK(rig.last().data == Bytes{0x18, 0x01});
    CHECK(rig.last().pec);
    // msg_written_handler at 0.5597 ms (jiffy 0, no timer has run: base clock 0):
    // mod_timer(jiffies + SSIF_MSG_PART_JIFFIES = 5), level 0, runs on tick 6.
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 559'700);
    CHECK(rig.kernel.transfers.size() == 1);
    REQUIRE(rig.kernel.retry_timer);
    CHECK(*rig.kernel.retry_timer == 6'000'000);
    // retry_timeout -> start_get: a 0x03 read.
    rig.fire_retry_timer();
    REQUIRE(rig.kernel.transfers.size() == 2);
    CHECK(rig.last().read);
    CHECK(rig.last().command == 0x03);
    rig.finish_transfer(smbus::SmbusStatus::Ok, kDeviceIdResponse, 1'735'000);
    REQUIRE(rig.kernel.done.size() == 1);
    const RequestOutcome& o = rig.kernel.done[0];
    CHECK(!o.failed());
    CHECK(o.response == kDeviceIdResponse);
    CHECK(o.completion_code == 0x00);
    CHECK(o.completed_ns == 7'735'000);
    CHECK(o.write_attempts == 1);
    CHECK(o.read_attempts == 1);
    REQUIRE(o.timeline.size() == 3); // write, wait first_read, read
    CHECK(o.timeline[1].detail == "first_read");
    CHECK(o.timeline[1].end_ns == 6'000'000);
}

TEST_CASE("a NAKed read is retried on the wheel's tick, an alert ends the wait", "[host][core]") {
    Rig rig;
    rig.driver.send(get_device_id(1));
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 559'700);
    rig.fire_retry_timer(); // tick 6
    // The read is NAKed within tick 6, whose softirq ran the timer: the base clock reads 7;
    // mod_timer(6 + SSIF_MSG_JIFFIES = 66), delta 59, level 0: tick 67.
    rig.finish_transfer(smbus::SmbusStatus::AddressNak, {}, 105'000);
    REQUIRE(rig.kernel.retry_timer);
    CHECK(*rig.kernel.retry_timer == 67'000'000);
    // ssif_alert while waiting_alert: del_timer and start_get at once.
    rig.kernel.now = 30'000'000;
    rig.driver.alert();
    CHECK_FALSE(rig.kernel.retry_timer);
    REQUIRE(rig.kernel.transfers.size() == 3);
    CHECK(rig.last().read);
    CHECK(rig.last().command == 0x03);
    CHECK(rig.driver.stats().alerts == 1);
}

TEST_CASE("an alert during a user's write is noted: the read follows at once", "[host][core]") {
    Rig rig;
    rig.driver.send(get_device_id(1));
    rig.driver.alert(); // curr_msg is set, not waiting: got_alert
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 559'700);
    // msg_written_handler with got_alert: start_get without SSIF_MSG_PART.
    CHECK_FALSE(rig.kernel.retry_timer);
    REQUIRE(rig.kernel.transfers.size() == 2);
    CHECK(rig.last().read);
}

TEST_CASE("an alert during a Get Message Flags write is ignored (curr_msg is NULL)",
          "[host][core]") {
    Rig rig;
    rig.driver.set_need_watch(Watch::Messages);
    // msecs_to_jiffies(10) = 10, armed in jiffy 0 with the base clock at 0: tick 11.
    REQUIRE(rig.kernel.watch_timer);
    CHECK(*rig.kernel.watch_timer == 11'000'000);
    rig.kernel.now = 11'000'000;
    rig.driver.watch_timeout();
    // Re-armed inside the callback (base clock 12): 11 + 10 = 21, delta 9, tick 22.
    CHECK(*rig.kernel.watch_timer == 22'000'000);
    // Idle: start_flag_fetch at once.
    CHECK(rig.driver.state() == DriverState::GettingFlags);
    REQUIRE(rig.kernel.transfers.size() == 1);
    CHECK(rig.last().data == Bytes{0x18, 0x31});
    rig.driver.alert();
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 555'000);
    // Not noted: the read waits SSIF_MSG_PART as usual.
    CHECK(rig.kernel.transfers.size() == 1);
    CHECK(rig.kernel.retry_timer);
}

namespace {
// The flags fetch gets a stale Get Device ID answer (a BMC that missed a STOP).
void stale_answer_to_flags(Rig& rig) {
    rig.driver.set_need_watch(Watch::Watchdog);
    rig.kernel.now = *rig.kernel.watch_timer;
    rig.driver.watch_timeout();
    rig.driver.send(get_device_id(1)); // waits: the driver is busy
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 555'000);
    rig.fire_retry_timer();
    rig.finish_transfer(smbus::SmbusStatus::Ok, kDeviceIdResponse, 1'000'000);
}
} // namespace

TEST_CASE("before 6d2555cde291 a wrong answer to Get Message Flags leaves the driver stuck",
          "[host][core]") {
    Rig rig(HostVariant::Timers2023);
    stale_answer_to_flags(rig);
    // "Invalid response getting flags": no state change, no message in flight, never again.
    CHECK(rig.kernel.is_hung);
    CHECK(rig.driver.state() == DriverState::GettingFlags);
    CHECK(rig.kernel.transfers.size() == 2);
    CHECK(rig.driver.queued() == 1);
    rig.kernel.now = *rig.kernel.watch_timer;
    rig.driver.watch_timeout(); // not idle: only req_flags
    CHECK(rig.kernel.transfers.size() == 2);
}

TEST_CASE("from 6d2555cde291 a wrong answer to Get Message Flags ends the fetch", "[host][core]") {
    Rig rig(HostVariant::Flags2023);
    stale_answer_to_flags(rig);
    CHECK_FALSE(rig.kernel.is_hung);
    CHECK(rig.driver.state() == DriverState::Idle);
    // Back to idle: the queued request starts.
    REQUIRE(rig.kernel.transfers.size() == 3);
    CHECK(rig.last().data == Bytes{0x18, 0x01});
}

TEST_CASE("a failed write is resent whole after SSIF_REQ_RETRY, 5 attempts, then 0xFF",
          "[host][core]") {
    Rig rig;
    HostRequest r{1, 0, Bytes(40, 0x00)}; // two parts: 0x06 with 32 bytes, 0x08 with 8
    r.payload[0] = 0x18;
    r.payload[1] = 0x01;
    rig.driver.send(r);
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 3'000'000);
    CHECK(rig.last().command == 0x08);
    for (int attempt = 1; attempt <= 5; ++attempt) {
        INFO("attempt " << attempt);
        if (attempt > 1) {
            rig.fire_retry_timer(); // start_resend: from the first part again
            CHECK(rig.last().command == 0x06);
            rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 3'000'000);
        }
        rig.finish_transfer(smbus::SmbusStatus::DataNak, {}, 200'000);
    }
    REQUIRE(rig.kernel.done.size() == 1);
    const RequestOutcome& o = rig.kernel.done[0];
    CHECK(o.error == ssif::RequestError::WriteFailed);
    CHECK(o.response == Bytes{0x1c, 0x01, 0xff}); // return_hosed_msg
    CHECK(o.write_attempts == 5);
    CHECK(o.parts_written == 10);
    CHECK(rig.driver.stats().hosed == 1);
}

TEST_CASE("before Jan 2023 a failed write is resent at once", "[host][core]") {
    Rig rig(HostVariant::Pre2023);
    rig.driver.send(get_device_id(1));
    rig.finish_transfer(smbus::SmbusStatus::AddressNak, {}, 105'000);
    CHECK_FALSE(rig.kernel.retry_timer);
    REQUIRE(rig.kernel.transfers.size() == 2);
    CHECK(rig.last().command == 0x02);
}

TEST_CASE("a multi-part response: 0x03 start, 0x09 middles by block number, 0xFF end",
          "[host][core]") {
    Rig rig;
    rig.driver.send(get_device_id(1));
    rig.finish_transfer(smbus::SmbusStatus::Ok, {}, 559'700);
    rig.fire_retry_timer();
    Bytes start{0x00, 0x01, 0x1c, 0x01, 0x00};
    start.resize(32, 0xaa);
    rig.finish_transfer(smbus::SmbusStatus::Ok, start, 3'000'000);
    CHECK(rig.last().command == 0x09);
    Bytes middle{0x00};
    middle.resize(32, 0xbb);
    rig.finish_transfer(smbus::SmbusStatus::Ok, middle, 3'000'000);
    CHECK(rig.last().command == 0x09);
    SECTION("the end part completes the message") {
        rig.finish_transfer(smbus::SmbusStatus::Ok, {0xff, 0xcc}, 1'000'000);
        REQUIRE(rig.kernel.done.size() == 1);
        CHECK(rig.kernel.done[0].response.size() == 30 + 31 + 1);
        CHECK(rig.kernel.done[0].parts_read == 3);
    }
    SECTION("a middle with the wrong block number fails at once (-EIO, not retried)") {
        Bytes skipped{0x02};
        skipped.resize(32, 0xbb);
        rig.finish_transfer(smbus::SmbusStatus::Ok, skipped, 3'000'000);
        REQUIRE(rig.kernel.done.size() == 1);
        CHECK(rig.kernel.done[0].error == ssif::RequestError::BadBlock);
        CHECK_FALSE(rig.kernel.retry_timer);
    }
}

TEST_CASE("the message handler's request: its response, or 0xFF when the driver fails",
          "[host][core]") {
    FakeKernel kernel;
    NullSink log;
    const Jiffies jiffies(1000);
    TimerBase timers(jiffies);
    IpmiSsif driver(host_kernel(HostVariant::Mainline),
                    smbus::host_adapter(smbus::AdapterKind::Generic), jiffies, timers, kernel, log);
    driver.probe_ended(LinkSetup{});
    driver.send(get_device_id(1)); // a user's request waits for the registration
    driver.send_handler({0x18, 0x08});
    REQUIRE(kernel.transfers.size() == 1);
    CHECK(kernel.transfers[0].data == Bytes{0x18, 0x08});
    // Five NAKed writes, 61 ticks apart.
    TransferDone nak;
    nak.result.status = smbus::SmbusStatus::AddressNak;
    for (int i = 0; i < 5; ++i) {
        if (i > 0) {
            kernel.now = *kernel.retry_timer;
            driver.retry_timeout();
        }
        driver.transfer_done(nak);
    }
    REQUIRE(kernel.handler_responses.size() == 1);
    CHECK(kernel.handler_responses[0] == Bytes{0x1c, 0x08, 0xff});
    CHECK(kernel.transfers.size() == 5); // the user's request has not started
    driver.registered(true);
    CHECK(kernel.transfers.size() == 6);
}
