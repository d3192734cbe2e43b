// The ssif_bmc state machine driven event by event, without SystemC: each test feeds the
// slave events a Linux I2C controller delivers for one SMBus transfer and checks what
// the driver does, per v8 of the driver and the later fixes (the variant table in ssif_bmc.cpp).
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

// struct ipmi_ssif_msg on the BMC: offsets 0..3 `len` (u32, little endian), 4..257
// payload[0..253], 258..259 tail padding (the struct is aligned to its u32), so
// sizeof(struct ipmi_ssif_msg) = 260.
namespace {
// What a daemon passes to write(): len = 1, payload[0] = 0x1c, then filler up to `count`.
Bytes write_buffer(size_t count, uint32_t len, uint8_t filler) {
    Bytes buf = encode_ssif_msg(len, nullptr, 0);
    buf.push_back(0x1c);
    while (buf.size() < count)
        buf.push_back(filler);
    return buf;
}
} // namespace

TEST_CASE("write() counts 257..261 with len 1 while a request is pending", "[bmc][device]") {
    // ssif_bmc_write: count > sizeof(struct ipmi_ssif_msg) = 260 is -EINVAL before
    // anything is copied; for count <= 260 only 4 + len = 5 <= count matters. count 257
    // ends inside payload (payload[0..252]), 258 fills payload[0..253], 259 and 260 reach
    // one and two bytes of the tail padding. Every variant has the same size check.
    for (BmcVariant v : {BmcVariant::V8_2022, BmcVariant::Mainline}) {
        for (size_t count = 257; count <= 261; ++count) {
            CAPTURE(bmc_variant_name(v), count);
            BmcRig rig(v);
            REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
            rig.take_request();
            REQUIRE(rig.bmc.busy());
            const long ret = rig.bmc.write(write_buffer(count, 1, 0xee), true);
            if (count <= 260) {
                // Taken: the return is the count, the timer is cancelled, busy clears.
                CHECK(ret == static_cast<long>(count));
                CHECK(rig.hooks.cancelled == 1);
                CHECK_FALSE(rig.bmc.busy());
                CHECK(rig.bmc.response_pending());
                // The host reads len = 1 byte: count 1, 0x1c, then the PEC over
                // addr+W 0x20, 0x03, addr+R 0x21, 0x01, 0x1c. The filler is never sent.
                CHECK(rig.read(kReadStart) == Bytes{1, 0x1c, read_pec(kReadStart, {1, 0x1c})});
                CHECK_FALSE(rig.bmc.response_pending());
            } else {
                // 261 > 260: -EINVAL; the BMC stays busy and NAKs the host's read address.
                CHECK(ret == -EINVAL);
                CHECK(rig.hooks.cancelled == 0);
                CHECK(rig.bmc.busy());
                CHECK_FALSE(rig.bmc.response_pending());
                CHECK(rig.read(kReadStart) == Bytes{});
            }
        }
    }
}

TEST_CASE("v8 takes len 255 and 256 in a 260-byte write: the padding goes on the wire",
          "[bmc][variant][device]") {
    // v8's ssif_bmc_write checks only len != 0 and count >= 4 + len, so with count 260 it
    // takes len up to 256: payload[0..253] and the two padding bytes 258..259 of the
    // struct. The 2024 fix adds len <= IPMI_SSIF_PAYLOAD_MAX (254). len 257 needs a count
    // of 261, over sizeof(struct ipmi_ssif_msg): refused by both.
    for (BmcVariant v : {BmcVariant::V8_2022, BmcVariant::Fix2024WriteLength}) {
        CAPTURE(bmc_variant_name(v));
        BmcRig rig(v);
        REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
        rig.take_request();
        // payload[i] = i for i < 254; the padding bytes carry 0xa5, 0x5a.
        Bytes buf = encode_ssif_msg(256, nullptr, 0);
        const Bytes body = pattern(254);
        buf.insert(buf.end(), body.begin(), body.end());
        buf.push_back(0xa5);
        buf.push_back(0x5a);
        REQUIRE(buf.size() == 260);
        Bytes len257 = buf;
        len257[0] = 1; // 257 = 0x101
        len257[1] = 1;
        CHECK(rig.bmc.write(len257, true) == -EINVAL);
        if (v != BmcVariant::V8_2022) {
            CHECK(rig.bmc.write(buf, true) == -EINVAL);
            buf[0] = 255;
            CHECK(rig.bmc.write(buf, true) == -EINVAL);
            continue;
        }
        REQUIRE(rig.bmc.write(buf, true) == 260);
        // 256 bytes in parts: start 30 (payload 0..29), 7 middles of 31 (30..246), end
        // 9 (247..255), whose last two are the padding 0xa5 0x5a.
        const Bytes start = rig.read(kReadStart);
        REQUIRE(start.size() == 34);
        CHECK(Bytes(start.begin() + 3, start.begin() + 33) == pattern(30));
        for (int block = 0; block < 7; ++block) {
            const Bytes middle = rig.read(kReadMiddle);
            REQUIRE(middle.size() == 34);
            CHECK(middle[1] == block);
            CHECK(Bytes(middle.begin() + 2, middle.begin() + 33) ==
                  pattern(31, static_cast<uint8_t>(30 + 31 * block)));
        }
        const Bytes end = rig.read(kReadMiddle);
        REQUIRE(end.size() == 12); // count, 0xFF + 9 bytes, PEC
        CHECK(end[0] == 10);
        CHECK(end[1] == 0xff);
        Bytes tail = pattern(7, 247);
        tail.push_back(0xa5);
        tail.push_back(0x5a);
        CHECK(Bytes(end.begin() + 2, end.begin() + 11) == tail);
        CHECK_FALSE(rig.bmc.response_pending());
    }
}

TEST_CASE("read() copies min(4 + request.len, 260) and needs a buffer that large",
          "[bmc][device]") {
    // With Linux's 254-byte payload 4 + len is at most 258 < 260, so read() always returns
    // 4 + len: 4 + 254 = 258 for the largest request, whatever the caller's buffer size.
    BmcRig rig;
    CHECK(rig.bmc.msg_size() == 260);
    const Bytes request = pattern(254, 0x10);
    REQUIRE(rig.write(kWriteStart, Bytes(request.begin(), request.begin() + 32), true));
    for (size_t at = 32; at + 32 <= 224; at += 32)
        REQUIRE(
            rig.write(kWriteMiddle, Bytes(request.begin() + at, request.begin() + at + 32), true));
    REQUIRE(rig.write(kWriteEnd, Bytes(request.begin() + 224, request.end()), true));
    Bytes msg;
    CHECK(rig.bmc.read(257, true, msg) == -EINVAL);
    CHECK(rig.bmc.read(260, true, msg) == 258);
    REQUIRE(msg.size() == 258);
    CHECK(Bytes(msg.begin(), msg.begin() + 4) == Bytes{254, 0, 0, 0});
    CHECK(Bytes(msg.begin() + 4, msg.end()) == request);
}

TEST_CASE("the response timer runs on the BMC's timer wheel", "[bmc][timer]") {
    // handle_request: mod_timer(jiffies + msecs_to_jiffies(500)) in the slave interrupt,
    // base clock = jiffies J. msecs_to_jiffies rounds up: 500 ms is 50 ticks at HZ=100, 125
    // at 250, 500 at 1000. The wheel (calc_wheel_index): a delta below 63 is level 0 and
    // runs on tick J + d + 1; 63..503 is level 1, 8-tick buckets, run on
    // ((J + d) >> 3) + 1) << 3; 504..4031 is level 2, 64-tick buckets.
    const auto runs = [](unsigned hz, uint64_t now_ns, unsigned ms = kResponseTimeoutMs) {
        return response_timer_expiry_ns(Jiffies(hz), ms, now_ns);
    };
    SECTION("HZ=100: 10 ms ticks, 50 jiffies, level 0: tick J + 51") {
        CHECK(runs(100, 559'700) == 510'000'000);       // J 0: tick 51
        CHECK(runs(100, 9'999'999) == 510'000'000);     // still J 0: 500.000001 ms later
        CHECK(runs(100, 10'000'000) == 520'000'000);    // J 1: tick 52
        CHECK(runs(100, 495'300'000) == 1'000'000'000); // J 49: tick 100
    }
    SECTION("HZ=250: 4 ms ticks, 125 jiffies, level 1") {
        CHECK(runs(250, 559'700) == 512'000'000);    // J 0: 125 >> 3 = 15, tick 16 * 8 = 128
        CHECK(runs(250, 8'100'000) == 512'000'000);  // J 2: 127 >> 3 = 15, tick 128
        CHECK(runs(250, 12'000'000) == 544'000'000); // J 3: 128 >> 3 = 16, tick 136
    }
    SECTION("HZ=1000: 1 ms ticks, 500 jiffies, level 1: 501..508 ms after the jiffy") {
        CHECK(runs(1000, 559'700) == 504'000'000);    // J 0: 500 >> 3 = 62, tick 63 * 8 = 504
        CHECK(runs(1000, 3'900'000) == 504'000'000);  // J 3: 503 >> 3 = 62, tick 504
        CHECK(runs(1000, 4'000'000) == 512'000'000);  // J 4: 504 >> 3 = 63, tick 512
        CHECK(runs(1000, 7'000'000) == 512'000'000);  // J 7: 507 >> 3 = 63, tick 512
        CHECK(runs(1000, 8'000'000) == 512'000'000);  // J 8: 508 >> 3 = 63, tick 512
        CHECK(runs(1000, 12'000'000) == 520'000'000); // J 12: 512 >> 3 = 64, tick 65 * 8 = 520
    }
    SECTION("a downstream 15 s timeout at HZ=1000 is level 3 (512-tick buckets)") {
        // 15000 jiffies: LVL_START(3) = 4032 <= 15000 < LVL_START(4) = 32256.
        // J 0: (15000 >> 9) + 1 = 30, tick 30 * 512 = 15360.
        CHECK(runs(1000, 559'700, 15'000) == 15'360'000'000);
    }
}
