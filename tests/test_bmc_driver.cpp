// The ssif_bmc state machine driven event by event, without SystemC: each test feeds the
// slave events a Linux I2C controller delivers for one SMBus transfer and checks what
// the driver does, per the seed's code and the later fixes (REFERENCE.md §4).
#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {

Bytes pattern(size_t n, uint8_t first = 0) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>(first + i);
    return b;
}

// The PEC the BMC appends to a read part: addr+W, command, addr+R, count, data.
uint8_t read_pec(uint8_t cmd, const Bytes& count_and_data) {
    Bytes frame{kAddrW, cmd, kAddrR};
    frame.insert(frame.end(), count_and_data.begin(), count_and_data.end());
    return smbus::pec_of(frame);
}

} // namespace

TEST_CASE("single-part request with PEC: states, busy, request to userspace", "[bmc]") {
    BmcRig rig;
    const Bytes req{0x18, 0x01};
    CHECK(rig.bmc.state() == BmcState::Ready);
    CHECK(rig.event(SlaveEvent::WriteRequested, kAddrW) == SlaveAnswer::Ack);
    CHECK(rig.bmc.state() == BmcState::Start);
    rig.event(SlaveEvent::WriteReceived, kWriteSingle);
    CHECK(rig.bmc.state() == BmcState::SmbusCmd);
    rig.event(SlaveEvent::WriteReceived, 2);
    CHECK(rig.bmc.state() == BmcState::ReqRecving);
    rig.event(SlaveEvent::WriteReceived, 0x18);
    rig.event(SlaveEvent::WriteReceived, 0x01);
    rig.event(SlaveEvent::WriteReceived, 0x66); // the PEC worked out in test_pec.cpp
    // The STOP completes the request: busy, available, timer armed, back to READY.
    CHECK(rig.event(SlaveEvent::Stop) == SlaveAnswer::Busy);
    CHECK(rig.bmc.state() == BmcState::Ready);
    CHECK(rig.bmc.busy());
    CHECK(rig.hooks.available == 1);
    CHECK(rig.hooks.armed == 1);
    CHECK(rig.bmc.poll_readable());
    Bytes msg;
    CHECK(rig.bmc.read(rig.bmc.msg_size(), true, msg) == 6);
    CHECK(msg == Bytes{2, 0, 0, 0, 0x18, 0x01});
    CHECK_FALSE(rig.bmc.poll_readable());
}

TEST_CASE("a read while the request is pending is NAKed at the address", "[bmc]") {
    BmcRig rig;
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
    CHECK(rig.read(kReadStart).empty());
    // The NAKed attempt went READY -> START and the STOP brought it back.
    CHECK(rig.bmc.state() == BmcState::Ready);
    CHECK(rig.bmc.busy());
}

TEST_CASE("single-part response with PEC read back byte for byte", "[bmc]") {
    BmcRig rig;
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
    rig.take_request();
    const Bytes rsp{0x1c, 0x01, 0x00, 0x20};
    CHECK(rig.respond(rsp) == 8);
    CHECK(rig.hooks.cancelled == 1);
    CHECK_FALSE(rig.bmc.busy());
    const Bytes wire = rig.read(kReadStart);
    const Bytes count_and_data{4, 0x1c, 0x01, 0x00, 0x20};
    REQUIRE(wire.size() == 6);
    CHECK(Bytes(wire.begin(), wire.begin() + 5) == count_and_data);
    CHECK(wire[5] == read_pec(kReadStart, count_and_data));
    // The STOP after a single-part read completes the response.
    CHECK_FALSE(rig.bmc.response_pending());
    CHECK(rig.bmc.state() == BmcState::Ready);
}

TEST_CASE("without PEC on the write, the read part carries no PEC", "[bmc]") {
    BmcRig rig;
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, false));
    rig.take_request();
    rig.respond({0x1c, 0x01, 0x00});
    // pec_support follows the last write part: the byte after the data reads as 0.
    CHECK(rig.read(kReadStart) == Bytes{3, 0x1c, 0x01, 0x00, 0x00});
}

TEST_CASE("a bad PEC drops the request and sets aborting", "[bmc]") {
    BmcRig rig;
    CHECK(rig.write(kWriteSingle, {0x18, 0x01}, true, /*corrupt_pec=*/true));
    CHECK(rig.bmc.aborting());
    CHECK(rig.hooks.available == 0);
    CHECK_FALSE(rig.bmc.busy());
    // The driver does not leave REQ_RECVING on this path.
    CHECK(rig.bmc.state() == BmcState::ReqRecving);
    // Reads now get a zero count until a new write start.
    CHECK(rig.read(kReadStart, 0) == Bytes{0});
}

TEST_CASE("response timer fires before the daemon answers", "[bmc]") {
    BmcRig rig;
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
    rig.take_request();
    rig.bmc.on_response_timeout();
    CHECK_FALSE(rig.bmc.busy());
    CHECK(rig.bmc.aborting());
    // The late response is refused.
    CHECK(rig.respond({0x1c, 0x01, 0x00}) == -EINVAL);
    // The host reads a count of 0; the read ends in ABORTING, the STOP returns to READY.
    CHECK(rig.read(kReadStart, 0, false) == Bytes{0});
    CHECK(rig.bmc.state() == BmcState::Aborting);
    rig.event(SlaveEvent::Stop);
    CHECK(rig.bmc.state() == BmcState::Ready);
    // A new request clears aborting.
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
    CHECK_FALSE(rig.bmc.aborting());
    CHECK(rig.hooks.available == 2);
}

TEST_CASE("multi-part response of 40 bytes: start part then end part", "[bmc]") {
    BmcRig rig;
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
    rig.take_request();
    const Bytes rsp = pattern(40, 0x40);
    REQUIRE(rig.respond(rsp) == 44);
    // Start: count 32 = 0x00 0x01 + the first 30 response bytes.
    Bytes start = rig.read(kReadStart);
    REQUIRE(start.size() == 34);
    CHECK(start[0] == 32);
    CHECK(start[1] == 0x00);
    CHECK(start[2] == 0x01);
    CHECK(Bytes(start.begin() + 3, start.begin() + 33) == Bytes(rsp.begin(), rsp.begin() + 30));
    CHECK(start[33] == read_pec(kReadStart, Bytes(start.begin(), start.begin() + 33)));
    CHECK(rig.bmc.response_pending());
    // End: count 11 = 0xFF + the last 10 bytes.
    Bytes end = rig.read(kReadMiddle);
    REQUIRE(end.size() == 13);
    CHECK(end[0] == 11);
    CHECK(end[1] == 0xff);
    CHECK(Bytes(end.begin() + 2, end.begin() + 12) == Bytes(rsp.begin() + 30, rsp.end()));
    CHECK(end[12] == read_pec(kReadMiddle, Bytes(end.begin(), end.begin() + 12)));
    CHECK_FALSE(rig.bmc.response_pending());
}

TEST_CASE("an unsupported read command (0x0A retry) aborts with a zero count", "[bmc]") {
    BmcRig rig;
    CHECK(rig.read(kReadRetry, 0, false) == Bytes{0});
    CHECK(rig.bmc.aborting());
    CHECK(rig.bmc.state() == BmcState::Aborting);
}

TEST_CASE("the device has one opener", "[bmc][device]") {
    BmcRig rig;
    CHECK(rig.bmc.open() == 0);
    CHECK(rig.bmc.open() == -EBUSY);
    rig.bmc.release();
    CHECK(rig.bmc.open() == 0);
}

TEST_CASE("the device with O_NONBLOCK: EAGAIN instead of a wait, and poll", "[bmc][device]") {
    // ssif_bmc_read/write with O_NONBLOCK return -EAGAIN where a blocking caller would
    // wait; poll reports EPOLLIN while a request is available.
    BmcRig rig;
    Bytes msg;
    CHECK_FALSE(rig.bmc.poll_readable());
    CHECK(rig.bmc.read(rig.bmc.msg_size(), true, msg) == -EAGAIN);
    REQUIRE(rig.write(kWriteSingle, {0x18, 0x01, 0xaa}, true));
    CHECK(rig.bmc.poll_readable());
    // A buffer shorter than len + 4 is refused and the request stays available.
    CHECK(rig.bmc.read(6, true, msg) == -EINVAL);
    CHECK(rig.bmc.poll_readable());
    CHECK(rig.bmc.read(7, true, msg) == 7);
    CHECK(msg == Bytes{3, 0, 0, 0, 0x18, 0x01, 0xaa});
    CHECK_FALSE(rig.bmc.poll_readable());
    CHECK(rig.bmc.read(rig.bmc.msg_size(), true, msg) == -EAGAIN);
    // The response is in progress until the host has read it: a second write would wait.
    CHECK(rig.respond({0x1c, 0x01, 0x00}) == 7);
    CHECK(rig.bmc.write_would_block());
    CHECK(rig.respond({0x1c, 0x01, 0x00}) == -EAGAIN);
    // A malformed write is refused before that wait: len 0.
    CHECK(rig.bmc.write(Bytes{0, 0, 0, 0}, true) == -EINVAL);
    CHECK(rig.read(kReadStart) ==
          Bytes{3, 0x1c, 0x01, 0x00, read_pec(kReadStart, {3, 0x1c, 0x01, 0x00})});
    CHECK_FALSE(rig.bmc.write_would_block());
}

TEST_CASE("Jan 2025 fix: a new request while a response is pending", "[bmc][variant]") {
    // The daemon has answered; the host, having timed out, sends a new request instead of
    // reading. process_smbus_cmd discards the pending response; on v8 complete_response()
    // also wipes the command byte it just stored, so the request is lost.
    for (BmcVariant v : {BmcVariant::V8_2022, BmcVariant::Fix2025RequestLoss}) {
        BmcRig rig(v);
        REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
        rig.take_request();
        REQUIRE(rig.respond({0x1c, 0x01, 0x00}) > 0);
        rig.write(kWriteSingle, {0x18, 0x02}, true);
        if (v == BmcVariant::V8_2022) {
            CHECK(rig.bmc.aborting());
            CHECK(rig.hooks.available == 1); // the second request never arrived
        } else {
            CHECK_FALSE(rig.bmc.aborting());
            CHECK(rig.hooks.available == 2);
            CHECK(rig.take_request() == Bytes{0x18, 0x02});
        }
    }
}

TEST_CASE("Apr 2026 fix: a read whose STOP was lost", "[bmc][variant]") {
    for (BmcVariant v : {BmcVariant::Fix2025RequestLoss, BmcVariant::Fix2026Desync}) {
        BmcRig rig(v);
        REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
        rig.take_request();
        REQUIRE(rig.respond({0x1c, 0x01, 0x00, 0xaa}) > 0);
        rig.read(kReadStart, 1, /*stop=*/false); // host powered off mid-read
        CHECK(rig.bmc.state() == BmcState::ResSending);
        rig.write(kWriteSingle, {0x18, 0x02}, true); // next boot's first request
        if (v == BmcVariant::Fix2025RequestLoss) {
            // Dropped: the next read returns the stale response of the old request.
            CHECK(rig.hooks.available == 1);
            CHECK(rig.read(kReadStart, 0) == Bytes{4, 0x1c, 0x01, 0x00, 0xaa});
        } else {
            CHECK(rig.hooks.available == 2);
            CHECK(rig.take_request() == Bytes{0x18, 0x02});
        }
    }
}

TEST_CASE("2024 fix: write() length checks against 32-bit overflow", "[bmc][variant][device]") {
    // len = 0xfffffffc: on a 32-bit BMC 4 + len wraps to 0, so v8 accepts a 4-byte write.
    const Bytes overflow{0xfc, 0xff, 0xff, 0xff};
    for (BmcVariant v : {BmcVariant::V8_2022, BmcVariant::Fix2024WriteLength}) {
        BmcRig rig(v);
        REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
        rig.take_request();
        CHECK(rig.bmc.write(overflow, true) == (v == BmcVariant::V8_2022 ? 4 : -EINVAL));
        // Short buffers, zero and oversize lengths are refused by both.
        CHECK(rig.bmc.write(Bytes{0, 0, 0, 0}, true) == -EINVAL);
        CHECK(rig.bmc.write(Bytes{2, 0, 0, 0, 0x1c}, true) == -EINVAL);
    }
}
