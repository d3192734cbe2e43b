// The builtin IPMI responder, byte for byte against IPMI v2.0's response layouts.
#include <catch2/catch.hpp>

#include "models/ssif/bmc/responder.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

TEST_CASE("Get Device ID answers the configured identity", "[responder]") {
    ResponderConfig c;
    c.device.manufacturer_id = 0x0a1b2c; // 20 bits: 0xa1b2c
    IpmiResponder r(c);
    // netfn 0x07 (App response) << 2 = 0x1c, cmd, cc, device id, revision, fw 1, fw 2,
    // IPMI version, additional support, manufacturer LS first (20 bits), product LS first.
    CHECK(r.answer({0x18, 0x01}) == Bytes{0x1c, 0x01, 0x00, 0x20, 0x01, 0x01, 0x00, 0x02, 0xbf,
                                          0x2c, 0x1b, 0x0a, 0x01, 0x00});
}

TEST_CASE("Get System Interface Capabilities for SSIF", "[responder]") {
    ResponderConfig c;
    c.transactions = SsifTransactions::StartEnd;
    c.pec = true;
    c.max_input = 63;
    c.max_output = 62;
    IpmiResponder r(c);
    // cc, reserved, caps = 01b << 6 | PEC (bit 3) | version 0 = 0x48, input max, output max.
    CHECK(r.answer({0x18, 0x57, 0x00}) == Bytes{0x1c, 0x57, 0x00, 0x00, 0x48, 63, 62});
    // Another interface type, or none: invalid data field.
    CHECK(r.answer({0x18, 0x57, 0x01}) == Bytes{0x1c, 0x57, 0xcc});
    CHECK(r.answer({0x18, 0x57}) == Bytes{0x1c, 0x57, 0xcc});
}

TEST_CASE("self test, message flags and global enables", "[responder]") {
    ResponderConfig c;
    c.message_flags = 0x0b; // receive message available, event buffer full, watchdog
    c.global_enables = 0x0d;
    IpmiResponder r(c);
    CHECK(r.answer({0x18, 0x04}) == Bytes{0x1c, 0x04, 0x00, 0x55, 0x00});
    CHECK(r.answer({0x18, 0x31}) == Bytes{0x1c, 0x31, 0x00, 0x0b});
    CHECK(r.answer({0x18, 0x30, 0x08}) == Bytes{0x1c, 0x30, 0x00});
    CHECK(r.answer({0x18, 0x31}) == Bytes{0x1c, 0x31, 0x00, 0x03});
    CHECK(r.answer({0x18, 0x2f}) == Bytes{0x1c, 0x2f, 0x00, 0x0d});
    CHECK(r.answer({0x18, 0x2e, 0x0f}) == Bytes{0x1c, 0x2e, 0x00});
    CHECK(r.answer({0x18, 0x2f}) == Bytes{0x1c, 0x2f, 0x00, 0x0f});
    CHECK(r.answer({0x18, 0x2e}) == Bytes{0x1c, 0x2e, 0xc7});
}

TEST_CASE("the test command answers the configured length and pattern", "[responder]") {
    ResponderConfig c;
    c.test = {0x30, 0x01, 6, true, 0xf0};
    IpmiResponder r(c);
    // netfn 0x31 << 2 = 0xc4.
    CHECK(r.answer({0xc0, 0x01}) == Bytes{0xc4, 0x01, 0x00, 0xf0, 0xf1, 0xf2});
    c.test = {0x30, 0x01, 1, false, 0xaa};
    CHECK(IpmiResponder(c).answer({0xc0, 0x01}) == Bytes{0xc4});
    c.test = {0x30, 0x01, 254, false, 0xaa};
    const Bytes long_rsp = IpmiResponder(c).answer({0xc0, 0x01});
    REQUIRE(long_rsp.size() == 254);
    CHECK(long_rsp[3] == 0xaa);
    CHECK(long_rsp[253] == 0xaa);
}

TEST_CASE("unknown commands answer 0xC1, short requests 0xC7", "[responder]") {
    IpmiResponder r{ResponderConfig{}};
    CHECK(r.answer({0x18, 0x99}) == Bytes{0x1c, 0x99, 0xc1});
    CHECK(r.answer({0x28, 0x01}) == Bytes{0x2c, 0x01, 0xc1}); // netfn 0x0a (storage)
    CHECK(r.answer({0x18}) == Bytes{0x1c, 0x00, 0xc7});
}

TEST_CASE("the test command can take its response length from the request", "[responder]") {
    ResponderConfig c;
    c.test = {0x30, 0x01, 64, true, 0x00, true};
    IpmiResponder r(c);
    CHECK(r.answer({0xc0, 0x01, 5}) == Bytes{0xc4, 0x01, 0x00, 0x00, 0x01});
    CHECK(r.answer({0xc0, 0x01, 3, 0xee}) == Bytes{0xc4, 0x01, 0x00});
    CHECK(r.answer({0xc0, 0x01, 254}).size() == 254);
    // Sizes below 3 cut the response short; 0, above 254 or no size byte: invalid data.
    CHECK(r.answer({0xc0, 0x01, 1}) == Bytes{0xc4});
    CHECK(r.answer({0xc0, 0x01, 0}) == Bytes{0xc4, 0x01, 0xcc});
    CHECK(r.answer({0xc0, 0x01, 255}) == Bytes{0xc4, 0x01, 0xcc});
    CHECK(r.answer({0xc0, 0x01}) == Bytes{0xc4, 0x01, 0xcc});
}

TEST_CASE("incoming messages and events set their flags from their time until taken",
          "[responder]") {
    ResponderConfig c;
    c.incoming = {{1'000'000, IncomingItem::Kind::Message, {0x02, 0xaa}},
                  {2'000'000, IncomingItem::Kind::Event, {0x55}},
                  {3'000'000, IncomingItem::Kind::Message, {0x02, 0xbb}}};
    IpmiResponder r(c);
    // Get Message Flags (0x31): bit 0 receive message, bit 1 event buffer.
    CHECK(r.answer({0x18, 0x31}, 999'999) == Bytes{0x1c, 0x31, 0x00, 0x00});
    CHECK(r.answer({0x18, 0x31}, 2'000'000) == Bytes{0x1c, 0x31, 0x00, 0x03});
    // Get Message (0x33) takes the oldest arrived message; 0x80 when none has arrived.
    CHECK(r.answer({0x18, 0x33}, 2'000'000) == Bytes{0x1c, 0x33, 0x00, 0x02, 0xaa});
    CHECK(r.answer({0x18, 0x33}, 2'000'000) == Bytes{0x1c, 0x33, 0x80});
    CHECK(r.answer({0x18, 0x31}, 2'000'000) == Bytes{0x1c, 0x31, 0x00, 0x02});
    // Read Event Message Buffer (0x35).
    CHECK(r.answer({0x18, 0x35}, 2'000'000) == Bytes{0x1c, 0x35, 0x00, 0x55});
    CHECK(r.answer({0x18, 0x35}, 5'000'000) == Bytes{0x1c, 0x35, 0x80});
    CHECK(r.answer({0x18, 0x31}, 5'000'000) == Bytes{0x1c, 0x31, 0x00, 0x01});
    CHECK(r.answer({0x18, 0x33}, 5'000'000) == Bytes{0x1c, 0x33, 0x00, 0x02, 0xbb});
    CHECK(r.answer({0x18, 0x31}, 5'000'000) == Bytes{0x1c, 0x31, 0x00, 0x00});
}
