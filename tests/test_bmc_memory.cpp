// ssif_bmc's part buffer overflow, event by event: parts of 33, 34 and 35 bytes after the
// count. handle_write_received stores byte j (from 0) at payload[index++] while msg_idx
// <= 36, i.e. j <= 34; what payload[32..] is on a 32-bit ARM BMC (kPartReach, ssif_bmc.h):
//   payload[0..31] payload | [32] pec | [33] index | [34] padding |
//   [35..38] response.len (little endian) | [39..] response.payload
// Byte 33 lands on `index` itself (the store after the increment), so byte 34 goes to
// payload[byte 33] and index becomes byte 33 + 1. At the STOP validate_request_part takes
// the part if index == length (no PEC) or index == length + 1 (PEC = payload[length],
// checked over addr+W, cmd, length and payload[0..length-1]); else "invalid pec".
#include <catch2/catch.hpp>

#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {

struct OobHooks : FakeHooks {
    void oob_write(uint8_t index, const std::string& field, uint8_t value) override {
        stores.push_back({index, field, value});
    }
    struct Store {
        unsigned index;
        std::string field;
        uint8_t value;
        bool operator==(const Store& o) const {
            return index == o.index && field == o.field && value == o.value;
        }
    };
    std::vector<Store> stores;
};

struct MemRig {
    MemRig() : bmc(kAddr7, BmcVariant::Mainline, hooks) {}
    // S addr+W, `bytes` (command, count, data...), P: the count need not match the data.
    void write(const Bytes& bytes) {
        uint8_t a = kAddrW;
        bmc.on_event(SlaveEvent::WriteRequested, a);
        for (uint8_t b : bytes)
            bmc.on_event(SlaveEvent::WriteReceived, b);
        uint8_t z = 0;
        bmc.on_event(SlaveEvent::Stop, z);
    }
    Bytes take_request() {
        Bytes out;
        REQUIRE(bmc.read(bmc.msg_size(), true, out) > 0);
        return Bytes(out.begin() + SsifBmc::kMsgLenField, out.end());
    }
    // S addr+W, 0x03, Sr addr+R: the count ssif_bmc answers READ_REQUESTED with.
    uint8_t read_start() {
        uint8_t a = kAddrW, cmd = kReadStart, count = kAddrR;
        bmc.on_event(SlaveEvent::WriteRequested, a);
        bmc.on_event(SlaveEvent::WriteReceived, cmd);
        bmc.on_event(SlaveEvent::ReadRequested, count);
        return count;
    }
    // The next `n` bytes (READ_PROCESSED), each event's value starting as `fill`, so that a
    // byte the driver does not set shows.
    Bytes read_bytes(int n, uint8_t fill) {
        Bytes got;
        for (int i = 0; i < n; ++i) {
            uint8_t v = fill;
            bmc.on_event(SlaveEvent::ReadProcessed, v);
            got.push_back(v);
        }
        return got;
    }
    OobHooks hooks;
    SsifBmc bmc;
};

// Data bytes 0x40, 0x41, ...: distinct from the count and index values used below.
Bytes data(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>(0x40 + i);
    return b;
}

// cmd, count, data: what the host sends after the address.
Bytes part(uint8_t cmd, uint8_t count, const Bytes& d) {
    Bytes b{cmd, count};
    b.insert(b.end(), d.begin(), d.end());
    return b;
}

uint8_t pec(const Bytes& after_address) {
    Bytes frame{kAddrW};
    frame.insert(frame.end(), after_address.begin(), after_address.end());
    return smbus::pec_of(frame);
}

} // namespace

TEST_CASE("a 33-byte part without PEC: byte 32 lands on pec and is read back", "[bmc][memory]") {
    // Bytes 0..31 fill payload, byte 32 goes to pec; index = 33 = length: taken without
    // PEC. memcpy(request.payload, part->payload, 33) reads payload[32] = pec: the request
    // is the 33 bytes sent. No store reached payload[33]: nothing out of bounds.
    MemRig rig;
    const Bytes d = data(33);
    rig.write(part(kWriteSingle, 33, d));
    CHECK(rig.take_request() == d);
    CHECK(rig.hooks.stores.empty());
    CHECK(rig.bmc.oob_writes() == 0);
}

TEST_CASE("a 33-byte part with PEC: the PEC byte becomes the index", "[bmc][memory]") {
    // The PEC byte is byte 33: stored on `index`, which becomes the PEC value P. The part
    // is taken only if P is 33 or 34; for these bytes P is neither, so "invalid pec".
    MemRig rig;
    Bytes b = part(kWriteSingle, 33, data(33));
    const uint8_t p = pec(b);
    REQUIRE(p != 33);
    REQUIRE(p != 34);
    b.push_back(p);
    rig.write(b);
    CHECK(rig.hooks.stores == std::vector<OobHooks::Store>{{33, "part_buf.index", p}});
    CHECK(rig.hooks.available == 0);
    CHECK(rig.bmc.aborting());
    CHECK(rig.hooks.warnings.back() == "invalid pec");
    CHECK(rig.bmc.first_oob_writes() == std::vector<std::string>{"payload[33] = part_buf.index"});
}

TEST_CASE("a 34-byte part without PEC: byte 33 sets the index", "[bmc][memory]") {
    SECTION("byte 33 = 34: index == length, taken; the request carries the index") {
        // index = 34 = length at the STOP. The request's bytes 32 and 33 are read from
        // pec (byte 32) and index (34 = 0x22, which byte 33 wrote).
        MemRig rig;
        Bytes d = data(34);
        d[33] = 34;
        rig.write(part(kWriteSingle, 34, d));
        CHECK(rig.take_request() == d);
        CHECK(rig.hooks.stores == std::vector<OobHooks::Store>{{33, "part_buf.index", 34}});
        CHECK_FALSE(rig.bmc.aborting());
    }
    SECTION("byte 33 = 0x10: index 16 is neither 34 nor 35: invalid pec") {
        MemRig rig;
        Bytes d = data(34);
        d[33] = 0x10;
        rig.write(part(kWriteSingle, 34, d));
        CHECK(rig.hooks.available == 0);
        CHECK(rig.bmc.aborting());
        CHECK(rig.bmc.oob_writes() == 1);
    }
}

TEST_CASE("a 34-byte part with PEC: read from the padding, computed over pec and index",
          "[bmc][memory]") {
    // Byte 33 = 34 sets index = 34; the PEC byte P (byte 34) goes to payload[34], the
    // padding, and index = 35 = length + 1: PEC present. validate_request_part sets pec =
    // payload[34] = P, then computes the PEC over addr+W, 0x02, 34 and payload[0..33]:
    // the 32 data bytes, pec (now P, not byte 32) and index (35, not byte 33 = 34). The
    // host's P covers byte 32 and 34 instead, so the two differ here: invalid pec.
    MemRig rig;
    Bytes d = data(34);
    d[33] = 34;
    Bytes b = part(kWriteSingle, 34, d);
    const uint8_t p = pec(b);
    b.push_back(p);
    Bytes seen{kWriteSingle, 34};
    seen.insert(seen.end(), d.begin(), d.begin() + 32);
    seen.push_back(p);
    seen.push_back(35);
    const bool taken = pec(seen) == p;
    REQUIRE_FALSE(taken);
    rig.write(b);
    CHECK(rig.hooks.stores ==
          std::vector<OobHooks::Store>{{33, "part_buf.index", 34}, {34, "padding", p}});
    CHECK(rig.hooks.available == 0);
    CHECK(rig.bmc.aborting());
}

TEST_CASE("a 35-byte part: byte 34 lands where byte 33 points", "[bmc][memory]") {
    SECTION("byte 33 = 0x22, byte 34 = 0x5a: the padding, read back into the request") {
        // index = 0x22 (34), payload[34] = padding = 0x5a, index = 35 = length: taken
        // without PEC. The request: 32 data bytes, pec (byte 32), index (35 = 0x23, not
        // the 0x22 sent) and the padding 0x5a.
        MemRig rig;
        Bytes d = data(35);
        d[33] = 0x22;
        d[34] = 0x5a;
        rig.write(part(kWriteSingle, 0x23, d));
        Bytes expected(d.begin(), d.begin() + 33);
        expected.push_back(0x23);
        expected.push_back(0x5a);
        CHECK(rig.take_request() == expected);
        CHECK(rig.hooks.stores ==
              std::vector<OobHooks::Store>{{33, "part_buf.index", 0x22}, {34, "padding", 0x5a}});
    }
    SECTION("a 36th byte (the PEC) is never stored: msg_idx passed MAX_TRANSACTION") {
        MemRig rig;
        Bytes d = data(35);
        d[33] = 0x22;
        d[34] = 0x5a;
        Bytes b = part(kWriteSingle, 0x23, d);
        b.push_back(pec(b));
        rig.write(b);
        CHECK(rig.take_request().size() == 35);
        CHECK(rig.hooks.stores.size() == 2);
    }
    SECTION("byte 33 = 0x10: byte 34 goes to payload[16], index 17: invalid pec") {
        MemRig rig;
        Bytes d = data(35);
        d[33] = 0x10;
        d[34] = 0x77;
        rig.write(part(kWriteSingle, 0x23, d));
        CHECK(rig.hooks.stores == std::vector<OobHooks::Store>{{33, "part_buf.index", 0x10}});
        CHECK(rig.bmc.aborting());
        CHECK(rig.hooks.available == 0);
    }
}

TEST_CASE("a 35-byte 0x07 part overwrites a pending response", "[bmc][memory]") {
    // The daemon has answered (14 bytes); the host reads nothing yet. A 0x07 (middle) part
    // does not discard the pending response (only 0x02/0x06 do).
    const Bytes rsp{0x1c, 0x01, 0x00, 0x20, 0x01, 0x01, 0x23,
                    0x02, 0xbf, 0x29, 0xa0, 0x00, 0x01, 0x00};
    // Get Device ID taken by the daemon and answered with rsp (4 + 14 bytes written).
    const auto answered = [&rsp](MemRig& rig) {
        rig.write(part(kWriteSingle, 2, {0x18, 0x01}));
        rig.take_request();
        REQUIRE(rig.bmc.write(encode_ssif_msg(rsp), true) == 18);
    };
    SECTION("byte 33 = 35, count 36: byte 34 = 5 is response.len's low byte") {
        // index = 35, payload[35] = response.len[0] = 5, index = 36 = length: taken
        // without PEC (pec_support false), stored in the request, no request ends. The
        // host's read gets a 5-byte response with no PEC byte.
        MemRig rig;
        answered(rig);
        Bytes d = data(35);
        d[33] = 35;
        d[34] = 5;
        rig.write(part(kWriteMiddle, 36, d));
        CHECK(rig.hooks.stores ==
              std::vector<OobHooks::Store>{{33, "part_buf.index", 35}, {35, "response.len[0]", 5}});
        CHECK(rig.bmc.response_pending());
        CHECK(rig.read_start() == 5);
        // Five response bytes, then 0 where a PEC would be (pec_support is false).
        CHECK(rig.read_bytes(6, 0xee) == Bytes{0x1c, 0x01, 0x00, 0x20, 0x01, 0x00});
    }
    SECTION("byte 33 = 42, count 43: byte 34 = 0x5a is response.payload[3]") {
        // index = 42 = 39 + 3, payload[42] = response.payload[3], index = 43 = length.
        MemRig rig;
        answered(rig);
        Bytes d = data(35);
        d[33] = 42;
        d[34] = 0x5a;
        rig.write(part(kWriteMiddle, 43, d));
        CHECK(rig.hooks.stores == std::vector<OobHooks::Store>{{33, "part_buf.index", 42},
                                                               {42, "response.payload[3]", 0x5a}});
        CHECK(rig.read_start() == 14);
        Bytes expected = rsp;
        expected[3] = 0x5a;
        CHECK(rig.read_bytes(14, 0) == expected);
    }
}
