// The SSIF framing and bus timing checks, fed transfer records by hand: each rule of
// IPMI v2.0 §12 / SMBus 2.0 block transfers that the check states, broken once.
#include <catch2/catch.hpp>

#include "tools/bus_checks.h"

using namespace ssifsim;
using namespace ssifsim::tools;
using smbus::SmbusStatus;
using smbus::TransferRecord;

namespace {
struct Feeder {
    SsifFramingCheck framing{0x10};
    std::vector<Bytes> kept; // records point at their data
    uint64_t t_ns = 0;

    void part(const char* op, uint8_t cmd, Bytes data, SmbusStatus status = SmbusStatus::Ok) {
        kept.push_back(std::move(data));
        TransferRecord t;
        t.op = op;
        t.addr7 = 0x10;
        t.command = cmd;
        t.status = status;
        t.count = static_cast<int>(kept.back().size());
        t.data = &kept.back();
        t.start_ns = t_ns;
        t_ns += 1'000'000;
        framing.transfer_done(t);
    }
    void write(uint8_t cmd, size_t n) { part("block_write", cmd, Bytes(n, 0x11)); }
    void read(uint8_t cmd, Bytes data) { part("block_read", cmd, std::move(data)); }
};

Bytes read_start() {
    Bytes b(32, 0x22);
    b[0] = 0x00;
    b[1] = 0x01;
    return b;
}
Bytes middle(uint8_t block) {
    Bytes b(32, 0x33);
    b[0] = block;
    return b;
}
} // namespace

TEST_CASE("ssif_framing: a 100-byte request and a 100-byte response pass", "[checks][framing]") {
    Feeder f;
    f.kept.reserve(16);
    // 100 bytes: 0x06 of 32, 0x07 of 32, 0x07 of 32, 0x08 of 4.
    f.write(0x06, 32);
    f.write(0x07, 32);
    f.write(0x07, 32);
    f.write(0x08, 4);
    // 100 bytes: start 30, middles 0 and 1 (31 each), end 0xff + 8.
    f.read(0x03, read_start());
    f.read(0x09, middle(0));
    f.read(0x09, middle(1));
    f.read(0x09, Bytes{0xff, 1, 2, 3, 4, 5, 6, 7, 8});
    // A short 0x07 ends a message too (the IPMI text).
    f.write(0x06, 32);
    f.write(0x07, 5);
    const Check c = f.framing.result();
    CHECK(c.pass);
    CHECK(c.detail.empty());
}

TEST_CASE("ssif_framing: each broken rule is one violation, the first one explained",
          "[checks][framing]") {
    Feeder f;
    f.kept.reserve(16);
    f.read(0x03, Bytes{}); // t=0: count 0
    f.write(0x07, 32);     // 0x07 with no message open
    f.write(0x06, 31);     // a start that is not 32
    f.write(0x08, 0);      // count 0 (the message is open)
    f.read(0x03, read_start());
    f.read(0x09, middle(1));       // block 1 where 0 was due
    f.read(0x09, Bytes(20, 0x02)); // block 2 due, got 2, but 20 bytes
    f.read(0x0a, Bytes{1});        // not an SSIF read command
    const Check c = f.framing.result();
    CHECK_FALSE(c.pass);
    CHECK(c.detail == "t=0.000000 ms: read 0x03 answered with count 0 (SMBus 2.0 block count "
                      "is 1..32) (7 violations in all)");
}

TEST_CASE("ssif_framing: a write part of more than 32 bytes breaks the SMBus 2.0 block limit",
          "[checks][framing]") {
    // SMBus 2.0 block write: count 1..32 (its Block Write/Read protocol); host.max_part 35
    // sends 35.
    Feeder f;
    f.kept.reserve(4);
    f.write(0x02, 35);
    const Check c = f.framing.result();
    CHECK_FALSE(c.pass);
    CHECK(c.detail == "t=0.000000 ms: write 0x02 with count 35 (SMBus 2.0 block count is 1..32)");
}

TEST_CASE("ssif_framing: transfers to another address and NAKed writes are not judged",
          "[checks][framing]") {
    Feeder f;
    f.kept.reserve(4);
    f.part("block_write", 0x07, Bytes(3, 0), SmbusStatus::DataNak);
    f.kept.push_back(Bytes{});
    TransferRecord other;
    other.op = "block_read";
    other.addr7 = 0x0c;
    other.count = 0;
    other.data = &f.kept.back();
    f.framing.transfer_done(other);
    CHECK(f.framing.result().pass);
}

TEST_CASE("ssif_framing: a write part whose PEC byte a capture shows wrong was still written",
          "[checks][framing]") {
    // The host's adapter sends the PEC byte and hears an ACK (ssif_bmc checks it later, in
    // handle_request), so ipmi_ssif goes on with the next part: a capture's decoder marks
    // the start part BadPec, and the middle and end parts follow it.
    Feeder f;
    f.kept.reserve(3);
    f.part("block_write", 0x06, Bytes(32, 0x11), SmbusStatus::BadPec);
    f.write(0x07, 32);
    f.write(0x08, 10);
    CHECK(f.framing.result().pass);
}

TEST_CASE("tTIMEOUT and tLOW:SEXT: 10 ms three times breaks only tLOW:SEXT, 26 ms once both",
          "[checks][timeout]") {
    BusTimingCheck check;
    TransferRecord t;
    t.op = "block_write";
    t.addr7 = 0x10;
    t.command = 0x02;
    t.longest_low_ns = 10'000'000;
    t.longest_low_by = "the target stretching SCL";
    t.target_stretch_ns = 30'000'000;
    check.transfer_done(t);
    CHECK(check.timeout().pass);
    CHECK_FALSE(check.low_sext().pass);
    CHECK(check.low_sext().detail ==
          "block_write 0x02 to 0x10 at t=0.000000 ms: the target stretched the clock "
          "30.000000 ms in all, over the limit by 5.000000 ms");
    t.start_ns = 100'000'000;
    t.longest_low_ns = 26'000'000;
    t.target_stretch_ns = 26'000'000;
    check.transfer_done(t);
    CHECK_FALSE(check.timeout().pass);
    CHECK(check.timeout().detail == "block_write 0x02 to 0x10 at t=100.000000 ms: the target "
                                    "stretching SCL for 26.000000 ms, over the limit by "
                                    "1.000000 ms");
    CHECK(check.timeout().worst_ns == 26'000'000);
    CHECK(check.low_sext().worst_ns == 30'000'000);
}
