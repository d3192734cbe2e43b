// The VM protocol's framing (OpenIPMI lanserv/README.vm), without ipmi_sim: escaping,
// checksum, control commands, and the exchange ipmi_sim gave on this project's machine.
#include <catch2/catch.hpp>

#include "models/ssif/bmc/vm_codec.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

TEST_CASE("the checksum makes a frame's bytes sum to 0 modulo 256", "[vm]") {
    // seq 0x01 + netfn/lun 0x18 + cmd 0x01 = 0x1a; 0x100 - 0x1a = 0xe6.
    CHECK(vm::checksum({0x01, 0x18, 0x01}) == 0xe6);
    CHECK(vm::checksum({}) == 0x00);
    // 0x80 + 0x80 = 0x100 = 0 modulo 256: the checksum is 0.
    CHECK(vm::checksum({0x80, 0x80}) == 0x00);
}

TEST_CASE("Get Device ID is framed as README.vm says", "[vm]") {
    // seq, netfn App (0x06) << 2 | lun 0 = 0x18, cmd 0x01, checksum 0xe6 (above), 0xa0.
    CHECK(vm::encode_message(0x01, {0x18, 0x01}) == Bytes{0x01, 0x18, 0x01, 0xe6, 0xa0});
}

TEST_CASE("0xa0, 0xa1 and 0xaa inside a frame are escaped with bit 4 set", "[vm]") {
    // Each special byte becomes 0xaa, byte | 0x10: 0xa0 -> aa b0, 0xa1 -> aa b1, 0xaa -> aa ba.
    // The checksum of seq 0xa0, 0xa1, 0xaa: 0xa0 + 0xa1 + 0xaa = 0x1eb, -0xeb = 0x15.
    CHECK(vm::encode_message(0xa0, {0xa1, 0xaa}) ==
          Bytes{0xaa, 0xb0, 0xaa, 0xb1, 0xaa, 0xba, 0x15, 0xa0});
    // A checksum that is itself special is escaped too: seq 0x5f, 0x01 sums to 0x60, whose
    // complement is 0xa0.
    CHECK(vm::encode_message(0x5f, {0x01}) == Bytes{0x5f, 0x01, 0xaa, 0xb0, 0xa0});
    // Control frames: command, data, escaped, then 0xa1; no sequence, no checksum.
    CHECK(vm::encode_control({0x08, 0x1f}) == Bytes{0x08, 0x1f, 0xa1});
    CHECK(vm::encode_control({0xff, 0xa0}) == Bytes{0xff, 0xaa, 0xb0, 0xa1});
}

TEST_CASE("frames decode whatever way the stream is split", "[vm]") {
    // What ipmi_sim 2.0.33 sent on connecting and for Get Device ID (seq 1) here, with the
    // lan.conf and emulator commands of issue 16: control "version 1" (0xff 0x01, 0xa1),
    // control "no attention" (0x00, 0xa1), then the response: seq 0x01, netfn App response
    // (0x07 << 2 = 0x1c), cmd 0x01, cc 0x00, device id 0x00, revision 0x03, firmware 9.08,
    // IPMI 2.0 (0x02), support 0x9f, manufacturer 0x001291 (LS first), product 0x0f02 (LS
    // first), auxiliary 4 x 0x00, checksum 0x79, 0xa0.
    const Bytes stream = {0xff, 0x01, 0xa1, 0x00, 0xa1, 0x01, 0x1c, 0x01, 0x00,
                          0x00, 0x03, 0x09, 0x08, 0x02, 0x9f, 0x91, 0x12, 0x00,
                          0x02, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x79, 0xa0};
    for (size_t split = 0; split <= stream.size(); ++split) {
        vm::Decoder d;
        std::vector<vm::Frame> frames;
        d.feed(stream.data(), split, frames);
        d.feed(stream.data() + split, stream.size() - split, frames);
        INFO("split at " << split);
        REQUIRE(frames.size() == 3);
        CHECK(frames[0].kind == vm::Frame::Kind::Control);
        CHECK(frames[0].body == Bytes{0xff, 0x01});
        CHECK(vm::control_name(frames[0].body[0]) == std::string("version"));
        CHECK(frames[1].kind == vm::Frame::Kind::Control);
        CHECK(frames[1].body == Bytes{0x00});
        CHECK(vm::control_name(frames[1].body[0]) == std::string("no_attn"));
        CHECK(frames[2].kind == vm::Frame::Kind::Message);
        CHECK(frames[2].seq == 0x01);
        CHECK(frames[2].body == Bytes{0x1c, 0x01, 0x00, 0x00, 0x03, 0x09, 0x08, 0x02, 0x9f, 0x91,
                                      0x12, 0x00, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x00});
        CHECK(d.pending() == 0);
    }
}

TEST_CASE("every byte value survives encoding and decoding", "[vm]") {
    Bytes message;
    for (int b = 0; b < 256; ++b)
        message.push_back(static_cast<uint8_t>(b));
    const Bytes wire = vm::encode_message(0xaa, message);
    // No framing character before the frame's end: 0xa0 and 0xa1 travel escaped.
    for (size_t i = 0; i + 1 < wire.size(); ++i)
        CHECK((wire[i] != 0xa0 && wire[i] != 0xa1));
    vm::Decoder d;
    std::vector<vm::Frame> frames;
    d.feed(wire, frames);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].kind == vm::Frame::Kind::Message);
    CHECK(frames[0].seq == 0xaa);
    CHECK(frames[0].body == message);
}

TEST_CASE("broken frames are reported and dropped, and the next one decodes", "[vm]") {
    vm::Decoder d;
    std::vector<vm::Frame> frames;
    // A checksum off by one: 0x01 0x18 0x01 0xe7 sums to 1.
    d.feed(Bytes{0x01, 0x18, 0x01, 0xe7, 0xa0}, frames);
    // Too short: seq, netfn, checksum (0x01 + 0x18 = 0x19, -0x19 = 0xe7).
    d.feed(Bytes{0x01, 0x18, 0xe7, 0xa0}, frames);
    // Ends inside an escape.
    d.feed(Bytes{0x01, 0xaa, 0xa0}, frames);
    // Longer than kMaxFrame.
    d.feed(Bytes(vm::kMaxFrame + 1, 0x00), frames);
    d.feed(Bytes{0xa0}, frames);
    // Two framing characters in a row: an empty frame, nothing to hand on.
    d.feed(Bytes{0xa0, 0xa1}, frames);
    d.feed(Bytes{0x01, 0x18, 0x01, 0xe6, 0xa0}, frames);
    REQUIRE(frames.size() == 5);
    for (int i = 0; i < 4; ++i)
        CHECK(frames[static_cast<size_t>(i)].kind == vm::Frame::Kind::Error);
    CHECK_THAT(frames[0].error, Catch::Contains("checksum"));
    CHECK_THAT(frames[1].error, Catch::Contains("shorter"));
    CHECK_THAT(frames[2].error, Catch::Contains("escape"));
    CHECK_THAT(frames[3].error, Catch::Contains("longer"));
    CHECK(frames[4].kind == vm::Frame::Kind::Message);
    CHECK(frames[4].body == Bytes{0x18, 0x01});
}

TEST_CASE("control names follow QEMU's VM_CMD_ table", "[vm]") {
    CHECK(vm::control_name(0x01) == std::string("attn"));
    CHECK(vm::control_name(0x03) == std::string("power_off"));
    CHECK(vm::control_name(0x04) == std::string("reset"));
    CHECK(vm::control_name(0x08) == std::string("capabilities"));
    CHECK(vm::control_name(0x09) == std::string("graceful_shutdown"));
    CHECK(vm::control_name(0x42) == std::string("unknown"));
}
