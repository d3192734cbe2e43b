// SSIF framing through the ssif_bmc driver: multi-part requests of every interesting
// length in, responses of every length 1..254 out (IPMI v2.0 §12.6).
#include <catch2/catch.hpp>

#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {

// One read part as the host takes it: the data bytes after the count, the PEC checked
// and stripped when the BMC sends one.
Bytes read_part(BmcRig& b, uint8_t cmd, bool pec) {
    Bytes wire = b.read(cmd, pec ? 1 : 0);
    if (wire.empty())
        return {};
    if (pec) {
        Bytes frame{kAddrW, cmd, kAddrR};
        frame.insert(frame.end(), wire.begin(), wire.end() - 1);
        CHECK(smbus::pec_of(frame) == wire.back());
        wire.pop_back();
    }
    return Bytes(wire.begin() + 1, wire.end());
}

Bytes pattern(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>(0x80 + i * 7);
    return b;
}

// Splits a request as a host does: 0x02 up to 32 bytes; else 0x06 with 32, 0x07 with 32s,
// and 0x08 with the rest (1..32, or 0 when zero_length_end and the length is a multiple of 32).
void send_request(BmcRig& b, const Bytes& msg, bool pec, bool zero_length_end) {
    if (msg.size() <= kPartMax) {
        b.write(kWriteSingle, msg, pec);
        return;
    }
    b.write(kWriteStart, Bytes(msg.begin(), msg.begin() + 32), pec);
    size_t pos = 32;
    for (;;) {
        const size_t left = msg.size() - pos;
        if (zero_length_end ? left < 32 : left <= 32) {
            b.write(kWriteEnd, Bytes(msg.begin() + pos, msg.end()), pec);
            return;
        }
        b.write(kWriteMiddle, Bytes(msg.begin() + pos, msg.begin() + pos + 32), pec);
        pos += 32;
    }
}

} // namespace

TEST_CASE("requests of 1..254 bytes arrive whole, with PEC and without", "[bmc][framing]") {
    for (size_t len : {1, 30, 31, 32, 33, 62, 63, 64, 94, 95, 96, 128, 253, 254}) {
        for (bool pec : {true, false}) {
            INFO("length " << len << (pec ? " with PEC" : " without PEC"));
            BmcRig b;
            const Bytes msg = pattern(len);
            send_request(b, msg, pec, false);
            CHECK(b.hooks.available == 1);
            CHECK_FALSE(b.bmc.aborting());
            CHECK(b.take_request() == msg);
        }
    }
}

TEST_CASE("a zero-length End part is tolerated", "[bmc][framing]") {
    // 64 bytes as 0x06(32) 0x07(32) 0x08(0): illegal SMBus 2.0 (count 0), accepted by ssif_bmc.
    for (size_t len : {64, 96, 224}) {
        for (bool pec : {true, false}) {
            INFO("length " << len << (pec ? " with PEC" : " without PEC"));
            BmcRig b;
            const Bytes msg = pattern(len);
            send_request(b, msg, pec, true);
            CHECK(b.hooks.available == 1);
            CHECK(b.take_request() == msg);
        }
    }
}

TEST_CASE("a message ended by a short 0x07 is never delivered", "[bmc][framing]") {
    // Only 0x02 and 0x08 complete a request in ssif_bmc; a host whose probe chose the
    // short-middle ending would never be answered.
    BmcRig b;
    const Bytes msg = pattern(40);
    b.write(kWriteStart, Bytes(msg.begin(), msg.begin() + 32), true);
    b.write(kWriteMiddle, Bytes(msg.begin() + 32, msg.end()), true);
    CHECK(b.hooks.available == 0);
    CHECK(b.bmc.state() == BmcState::Ready);
}

TEST_CASE("a 255-byte request sets aborting and hands over what fit", "[bmc][framing]") {
    // The End part would take the request past 254 bytes: it is not appended and aborting
    // is set, but the driver still completes the request (handle_request runs for 0x08),
    // so userspace reads the first 224 bytes while every read of the host gets count 0.
    BmcRig b;
    const Bytes msg = pattern(255);
    send_request(b, msg, true, false);
    CHECK(b.bmc.aborting());
    CHECK(b.hooks.available == 1);
    CHECK(b.take_request() == Bytes(msg.begin(), msg.begin() + 224));
    CHECK(read_part(b, kReadStart, false) == Bytes{});
}

TEST_CASE("a bad PEC on any part aborts the request", "[bmc][framing]") {
    BmcRig b;
    const Bytes msg = pattern(70);
    b.write(kWriteStart, Bytes(msg.begin(), msg.begin() + 32), true);
    // The middle part with a corrupted PEC byte.
    b.write(kWriteMiddle, Bytes(msg.begin() + 32, msg.begin() + 64), true, /*corrupt_pec=*/true);
    CHECK(b.bmc.aborting());
    b.write(kWriteEnd, Bytes(msg.begin() + 64, msg.end()), true);
    CHECK(b.hooks.available == 0);
}

TEST_CASE("responses of every length 1..254 reassemble from their parts", "[bmc][framing]") {
    for (size_t len = 1; len <= 254; ++len) {
        INFO("response length " << len);
        BmcRig b;
        b.write(kWriteSingle, {0x18, 0x01}, true);
        b.take_request();
        const Bytes rsp = pattern(len);
        REQUIRE(b.respond(rsp) == static_cast<long>(len + 4));

        Bytes first = read_part(b, kReadStart, true);
        if (len <= kPartMax) {
            // Single part: the response as it is.
            CHECK(first == rsp);
            CHECK_FALSE(b.bmc.response_pending());
            continue;
        }
        // Start: 32 bytes, 0x00 0x01 then 30 response bytes.
        REQUIRE(first.size() == 32);
        CHECK(first[0] == 0x00);
        CHECK(first[1] == 0x01);
        Bytes got(first.begin() + 2, first.end());
        // Then ceil((len - 30) / 31) parts: middles numbered 0, 1, ... with 31 bytes each,
        // the end numbered 0xFF with the remaining 1..31.
        const size_t rest_parts = (len - 30 + 30) / 31;
        for (size_t k = 0; k < rest_parts; ++k) {
            Bytes part = read_part(b, kReadMiddle, true);
            REQUIRE_FALSE(part.empty());
            const bool end = k + 1 == rest_parts;
            CHECK(part[0] == (end ? 0xff : k));
            if (!end)
                CHECK(part.size() == 32);
            got.insert(got.end(), part.begin() + 1, part.end());
        }
        CHECK(got == rsp);
        CHECK_FALSE(b.bmc.response_pending());
    }
}
