// The host driver's rules that need no simulation: jiffies arithmetic, how a request is
// split into SMBus writes, how the probe reads the BMC's capabilities, and the message
// handler's check of a response against its request.
#include <catch2/catch.hpp>

#include <cerrno>

#include "models/common/jiffies.h"
#include "models/smbus/adapter.h"
#include "models/ssif/framing.h"
#include "models/ssif/host/probe.h"
#include "models/ssif/host/write_parts.h"
#include "models/ssif/recv_check.h"
#include "tests/write_shape.h"

using namespace ssifsim;
using namespace ssifsim::ssif;

TEST_CASE("the driver's microsecond waits in jiffies, rounded down per HZ", "[host][jiffies]") {
    // usec * 1000 / TICK_NSEC: TICK_NSEC is 1000000 at HZ=1000, 4000000 at 250,
    // 3333333 at 300, 10000000 at 100.
    CHECK(Jiffies(1000).from_usec(5000) == 5);
    CHECK(Jiffies(1000).from_usec(60000) == 60);
    CHECK(Jiffies(250).from_usec(5000) == 1);
    CHECK(Jiffies(250).from_usec(60000) == 15);
    CHECK(Jiffies(250).from_usec(20000) == 5);
    CHECK(Jiffies(300).tick_ns() == 3333333);
    CHECK(Jiffies(300).from_usec(5000) == 1);   // 5e6 / 3333333 = 1.5
    CHECK(Jiffies(300).from_usec(60000) == 18); // 6e7 / 3333333 = 18.0000018
    CHECK(Jiffies(100).from_usec(5000) == 0);
    CHECK(Jiffies(100).from_usec(60000) == 6);
}

TEST_CASE("the timer wheel runs a timer on its level's next bucket edge", "[host][jiffies]") {
    // calc_wheel_index / calc_index (kernel/time/timer.c): level = the first n with
    // delta = expires - clk < LVL_START(n + 1), LVL_START(n) = 63 << 3(n - 1), so level 0
    // below 63, level 1 below 504, level 2 below 4032; the timer runs at
    // ((expires >> 3 lvl) + 1) << 3 lvl. Armed with the base clock at jiffy 1000 for d ticks:
    for (const unsigned hz : {100u, 250u, 300u, 1000u}) {
        const Jiffies j(hz);
        INFO("HZ=" << hz);
        CHECK(j.wheel_expiry(1000 + 0, 1000) == 1001);  // level 0: 1000 + 1
        CHECK(j.wheel_expiry(1000 + 1, 1000) == 1002);  // level 0: 1001 + 1
        CHECK(j.wheel_expiry(1000 + 62, 1000) == 1063); // level 0: 1062 + 1
        CHECK(j.wheel_expiry(1000 + 63, 1000) == 1064); // level 1: (1063 >> 3 = 132) + 1 = 133, * 8
        CHECK(j.wheel_expiry(1000 + 64, 1000) == 1072); // level 1: (1064 >> 3 = 133) + 1 = 134, * 8
        CHECK(j.wheel_expiry(1000 + 503, 1000) ==
              1504); // level 1: (1503 >> 3 = 187) + 1 = 188, * 8
        CHECK(j.wheel_expiry(1000 + 504, 1000) == 1536); // level 2: (1504 >> 6 = 23) + 1 = 24, * 64
        CHECK(j.wheel_expiry(1000 + 511, 1000) == 1536); // level 2: (1511 >> 6 = 23) + 1 = 24, * 64
        CHECK(j.wheel_expiry(1000 + 512, 1000) == 1536); // level 2: (1512 >> 6 = 23) + 1 = 24, * 64
        CHECK(j.wheel_expiry(1000 + 4032, 1000) ==
              5120); // level 3: (5032 >> 9 = 9) + 1 = 10, * 512
        // Already due (the base clock ran ahead of expires): runs at clk.
        CHECK(j.wheel_expiry(999, 1000) == 1000);
    }
    // The wheel's depth: LVL_DEPTH 9 above HZ 100, else 8. A delta of 2e8 ticks is level 8
    // at HZ 1000: (2e8 >> 24 = 11) + 1 = 12, * 2^24 = 201326592. At HZ 100 it is past
    // WHEEL_TIMEOUT_CUTOFF = LVL_START(8) = 63 << 21 = 132120576, so it is cut to
    // WHEEL_TIMEOUT_MAX = cutoff - LVL_GRAN(7) = 130023424, level 7: (62 + 1) << 21.
    CHECK(Jiffies(1000).wheel_expiry(200'000'000, 0) == 201'326'592);
    CHECK(Jiffies(100).wheel_expiry(200'000'000, 0) == 132'120'576);
    // At HZ 1000 the cutoff is LVL_START(9) = 63 << 24; the max is that - 2^24, level 8: 63 << 24.
    CHECK(Jiffies(1000).wheel_expiry(5'000'000'000, 0) == 1'056'964'608);
}

TEST_CASE("driver timers in ns: one tick more than their jiffies, on tick boundaries",
          "[host][jiffies]") {
    // mod_timer(jiffies + d) armed at t_ns with the base clock at jiffy(t_ns): level 0 runs
    // it on tick J + d + 1.
    // HZ=1000, the quickstart's first-read timer: the write ends at 0.5597 ms (jiffy 0),
    // SSIF_MSG_PART_JIFFIES = 5: tick 6, 6 ms.
    CHECK(Jiffies(1000).timer_expiry_ns(5, 559'700, 0) == 6'000'000);
    // Its read retry: armed at 6.105 ms (jiffy 6) right after that timer ran on tick 6, so
    // the base clock reads 7 (__run_timers leaves it one ahead); 6 + 60 = 66, delta 59,
    // level 0: tick 67.
    CHECK(Jiffies(1000).timer_expiry_ns(60, 6'105'000, 7) == 67'000'000);
    // HZ=250 (4 ms ticks): SSIF_MSG_PART_JIFFIES = 1, armed in jiffy 0: tick 2, 8 ms.
    CHECK(Jiffies(250).timer_expiry_ns(1, 559'700, 0) == 8'000'000);
    // HZ=100: SSIF_MSG_PART_JIFFIES = 0, already due: the next tick, 10 ms.
    CHECK(Jiffies(100).timer_expiry_ns(0, 559'700, 0) == 10'000'000);
    // The watchdog watch at HZ=250 is msecs_to_jiffies(250) = 63 ticks: armed from process
    // context in jiffy 1 (clk 1) it is a level-1 timer: 64 >> 3 = 8, + 1 = 9, * 8 = tick 72,
    // 288 ms. Re-armed inside its own callback on tick 72 the base clock reads 73, the delta
    // is 62, level 0: tick 136 (every 64 ticks, 256 ms).
    CHECK(Jiffies(250).timer_expiry_ns(63, 4'100'000, 1) == 288'000'000);
    CHECK(Jiffies(250).timer_expiry_ns(63, 288'000'000, 73) == 544'000'000);
    // HZ=1000, the 250 ms watchdog watch re-armed in its callback on tick J: delta 249 is
    // level 1, so it runs on the next multiple of 8 after J + 250: from tick 256, 512 (+256),
    // from 512, 768.
    CHECK(Jiffies(1000).timer_expiry_ns(250, 256'000'000, 257) == 512'000'000);
    // HZ=300: TICK_NSEC is 3333333 ns; SSIF_MSG_JIFFIES = 18 armed in jiffy 3: tick 22.
    CHECK(Jiffies(300).timer_expiry_ns(18, 10'100'000, 3) == 22ull * 3'333'333);
}

TEST_CASE("msecs_to_jiffies rounds up", "[host][jiffies]") {
    CHECK(Jiffies(1000).from_msecs(10) == 10);
    CHECK(Jiffies(250).from_msecs(10) == 3); // 2.5 rounded up
    CHECK(Jiffies(100).from_msecs(10) == 1);
    CHECK(Jiffies(300).from_msecs(10) == 3);
    CHECK(Jiffies(250).from_msecs(250) == 63); // 62.5
    CHECK(Jiffies(1000).from_msecs(60) == 60);
    CHECK(Jiffies(250).from_msecs(60) == 15);
}

namespace {
Bytes counting(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i)
        b[i] = static_cast<uint8_t>(i);
    return b;
}

std::string shape(const std::vector<WritePart>& parts) {
    return ssifsim::test::write_shape(parts);
}
} // namespace

TEST_CASE("host.max_part: a non-Linux host's parts of up to 35 bytes", "[host][write]") {
    // The same split with max_part in place of 32: up to max_part bytes as one 0x02, then a
    // max_part 0x06, max_part 0x07s, and the end (0x08 with the rest; without 0x08 the first
    // 0x07 shorter than max_part ends it).
    CHECK(shape(write_parts(counting(35), true, 35)) == "02:35");
    CHECK(shape(write_parts(counting(36), true, 35)) == "06:35 08:1");
    CHECK(shape(write_parts(counting(70), true, 35)) == "06:35 08:35");
    CHECK(shape(write_parts(counting(71), true, 35)) == "06:35 07:35 08:1");
    CHECK(shape(write_parts(counting(70), false, 35)) == "06:35 07:35 07:0");
    CHECK(shape(write_parts(counting(33), true, 33)) == "02:33");
    CHECK(shape(write_parts(counting(34), false, 33)) == "06:33 07:1");
}

TEST_CASE("a request is split into SMBus writes as the probe's end decides", "[host][write]") {
    CHECK(shape(write_parts(counting(2), true)) == "02:2");
    CHECK(shape(write_parts(counting(32), true)) == "02:32");
    CHECK(shape(write_parts(counting(33), true)) == "06:32 08:1");
    CHECK(shape(write_parts(counting(63), true)) == "06:32 08:31");
    CHECK(shape(write_parts(counting(64), true)) == "06:32 08:32");
    CHECK(shape(write_parts(counting(65), true)) == "06:32 07:32 08:1");
    CHECK(shape(write_parts(counting(254), true)) ==
          "06:32 07:32 07:32 07:32 07:32 07:32 07:32 08:30");
    CHECK(shape(write_parts(counting(256), true)) ==
          "06:32 07:32 07:32 07:32 07:32 07:32 07:32 08:32");
    // Without 0x08: the first short 0x07 ends; a multiple of 32 ends with a zero-length one.
    CHECK(shape(write_parts(counting(32), false)) == "02:32");
    CHECK(shape(write_parts(counting(33), false)) == "06:32 07:1");
    CHECK(shape(write_parts(counting(63), false)) == "06:32 07:31");
    CHECK(shape(write_parts(counting(64), false)) == "06:32 07:32 07:0");
    CHECK(shape(write_parts(counting(96), false)) == "06:32 07:32 07:32 07:0");
    CHECK(shape(write_parts(counting(254), false)) ==
          "06:32 07:32 07:32 07:32 07:32 07:32 07:32 07:30");

    // The parts carry the message in order, every length.
    for (size_t n = 1; n <= 272; ++n) {
        for (const bool cmd8 : {true, false}) {
            Bytes joined;
            for (const WritePart& p : write_parts(counting(n), cmd8))
                joined.insert(joined.end(), p.data.begin(), p.data.end());
            INFO("length " << n << (cmd8 ? " ending 0x08" : " ending short 0x07"));
            CHECK(joined == counting(n));
        }
    }
}

TEST_CASE("the probe clamps the reported sizes per transaction support mode", "[host][probe]") {
    // Get System Interface Capabilities: netfn, cmd, cc, reserved, flags, max in, max out.
    const auto caps = [](uint8_t flags, uint8_t in, uint8_t out) {
        return Bytes{0x1c, 0x57, 0x00, 0x00, flags, in, out};
    };
    LinkSetup l = link_from_capabilities(true, caps(0x00 | 0x08, 254, 254)); // single-part, PEC
    CHECK(l.pec);
    CHECK(l.max_transmit == 32);
    CHECK(l.max_receive == 32);
    l = link_from_capabilities(true, caps(0x40, 254, 254)); // start/end only
    CHECK_FALSE(l.pec);
    CHECK(l.max_transmit == 63);
    CHECK(l.max_receive == 62);
    l = link_from_capabilities(true, caps(0x40, 40, 50)); // below the clamp: as reported
    CHECK(l.max_transmit == 40);
    CHECK(l.max_receive == 50);
    l = link_from_capabilities(true, caps(0x80 | 0x08, 254, 200)); // start/middle/end
    CHECK(l.pec);
    CHECK(l.max_transmit == 254);
    CHECK(l.max_receive == 200);
    // Mode 3 is undefined, a short answer or a failed command: defaults, no PEC.
    for (const Bytes& bad : {caps(0xc8, 254, 254), Bytes{0x1c, 0x57, 0x00, 0x00, 0x88, 254},
                             Bytes{0x1c, 0x57, 0xc1}}) {
        l = link_from_capabilities(true, bad);
        CHECK_FALSE(l.pec);
        CHECK(l.max_transmit == 32);
        CHECK(l.max_receive == 32);
    }
    l = link_from_capabilities(false, caps(0x88, 254, 254));
    CHECK(l.max_transmit == 32);
}

#include "models/common/duration_stats.h"

TEST_CASE("response-time figures use nearest-rank percentiles", "[report]") {
    using ssifsim::distribution;
    CHECK(distribution({}).count == 0);
    const auto one = distribution({7});
    CHECK((one.min == 7 && one.median == 7 && one.p99 == 7 && one.max == 7));
    // 1..100: median the 50th value, p99 the 99th.
    std::vector<uint64_t> v;
    for (uint64_t i = 100; i >= 1; --i)
        v.push_back(i);
    const auto d = distribution(v);
    CHECK(d.count == 100);
    CHECK(d.min == 1);
    CHECK(d.median == 50);
    CHECK(d.p99 == 99);
    CHECK(d.max == 100);
    // Three values: the median is the 2nd; p99 rounds up to the 3rd.
    const auto three = distribution({30, 10, 20});
    CHECK(three.median == 20);
    CHECK(three.p99 == 30);
}

TEST_CASE("a long stream of durations keeps flat memory and percentiles within 1/256", "[report]") {
    // Up to kExactValues the figures are exact; one value more moves them to the histogram.
    ssifsim::DurationStats s;
    for (uint64_t i = 1; i <= ssifsim::DurationStats::kExactValues; ++i)
        s.add(i * 1000);
    REQUIRE(s.exact());
    CHECK(s.summary().median == 50'000'000);
    s.add(0);
    REQUIRE(!s.exact());
    const ssifsim::Distribution d = s.summary();
    CHECK(d.count == 100'001);
    CHECK(d.min == 0);
    CHECK(d.max == 100'000'000);
    // Exact nearest-rank median: rank ceil(100001 / 2) = 50001, the value 50,000,000 (0 is
    // first). 50,000,000 lies in [2^25, 2^26): buckets 2^25 / 256 = 131,072 wide, so its
    // bucket starts at 256 + 125 = 381 units: 381 * 131,072 = 49,938,432.
    CHECK(d.median == 49'938'432);
    // p99: rank ceil(100001 * 0.99) = 99001, the value 99,000,000 in [2^26, 2^27): buckets
    // 262,144 wide; 99,000,000 / 262,144 = 377.6, so the edge is 377 * 262,144 = 98,828,288.
    CHECK(d.p99 == 98'828'288);
    // Values below 256 keep a bucket each: exact.
    ssifsim::DurationStats small;
    for (uint64_t i = 0; i <= ssifsim::DurationStats::kExactValues; ++i)
        small.add(i % 200);
    CHECK(small.summary().median == 99);
}

TEST_CASE("the host adapter's retries and errnos follow its driver", "[host][adapter]") {
    using smbus::AdapterKind;
    using smbus::SmbusStatus;
    // i801_probe sets adapter.retries = 3 and adapter.timeout = HZ / 5 (200 ms);
    // i801_check_post turns SMBHSTSTS_DEV_ERR (no ACK, address or data) into -ENXIO.
    const smbus::HostAdapter& i801 = smbus::host_adapter(AdapterKind::I801);
    CHECK(i801.retries == 3);
    CHECK(i801.timeout_ms == 200);
    CHECK(smbus::transfer_errno(i801, SmbusStatus::AddressNak) == -ENXIO);
    CHECK(smbus::transfer_errno(i801, SmbusStatus::DataNak) == -ENXIO);
    // i2c_dw_handle_tx_abort: every NOACK abort is -EREMOTEIO; i2c_dw_probe_master sets
    // adap->retries = 3 and leaves the timeout to i2c-core (HZ, 1 s).
    const smbus::HostAdapter& dw = smbus::host_adapter(AdapterKind::DesignWare);
    CHECK(dw.retries == 3);
    CHECK(dw.timeout_ms == 1000);
    CHECK(smbus::transfer_errno(dw, SmbusStatus::AddressNak) == -EREMOTEIO);
    CHECK(smbus::transfer_errno(dw, SmbusStatus::DataNak) == -EREMOTEIO);
    // i2c-core's own: a lost arbitration is -EAGAIN (the one status __i2c_smbus_xfer
    // retries), a bad PEC -EBADMSG (i2c_smbus_check_pec), a timeout -ETIMEDOUT.
    for (const AdapterKind a : {AdapterKind::Generic, AdapterKind::I801, AdapterKind::DesignWare}) {
        const smbus::HostAdapter& adapter = smbus::host_adapter(a);
        CHECK(smbus::transfer_errno(adapter, SmbusStatus::ArbitrationLost) == -EAGAIN);
        CHECK(smbus::transfer_errno(adapter, SmbusStatus::BadPec) == -EBADMSG);
        CHECK(smbus::transfer_errno(adapter, SmbusStatus::Timeout) == -ETIMEDOUT);
        CHECK(smbus::transfer_errno(adapter, SmbusStatus::Ok) == 0);
    }
    // i2c_register_adapter: no retries unless the driver sets them; a zero timeout is HZ.
    CHECK(smbus::host_adapter(AdapterKind::Generic).retries == 0);
    CHECK(smbus::host_adapter(AdapterKind::Generic).timeout_ms == 1000);
}

TEST_CASE("ipmi_msghandler replaces a response too short or not for its request",
          "[host][msghandler]") {
    // handle_one_recv_msg: rsp_size < 2 is too small; else (rsp[0] >> 2) != ((data[0] >> 2) | 1)
    // or rsp[1] != data[1] is incorrect; either way the requester gets data[0] | (1 << 2),
    // data[1], IPMI_ERR_UNSPECIFIED (0xff). The request: Get Channel Info (netfn 0x06, LUN 2:
    // 0x06 << 2 | 2 = 0x1a), channel 0; its expected netfn is 0x06 | 1 = 0x07, cmd 0x42, and
    // the generated response 0x1a | 0x04 = 0x1e, 0x42, 0xff.
    const Bytes request{0x1a, 0x42, 0x00};
    const Bytes generated{0x1e, 0x42, 0xff};

    // A match: netfn 0x07 in bits 7:2 with another LUN (0x1c = 0x07 << 2 | 0; the LUN is not
    // compared), cmd 0x42: passed on as it came, completion code 0xc1 included.
    const RecvCheck ok = check_received(request, {0x1c, 0x42, 0xc1});
    CHECK(ok.ok());
    CHECK(ok.delivered({0x1c, 0x42, 0xc1}) == Bytes{0x1c, 0x42, 0xc1});

    // One byte (rsp_size 1 < 2): too small, whatever it holds.
    const RecvCheck small = check_received(request, {0x1c});
    CHECK(small.verdict == RecvVerdict::TooSmall);
    CHECK(small.expected_netfn == 0x07);
    CHECK(small.expected_cmd == 0x42);
    CHECK(small.got_size == 1);
    CHECK(small.delivered({0x1c}) == generated);
    CHECK(check_received(request, {}).verdict == RecvVerdict::TooSmall);

    // The netfn off: 0x04 >> 2 = 0x01 (Chassis response), not 0x07; a request's own netfn/LUN
    // byte (0x18 >> 2 = 0x06: the response bit, netfn bit 0, clear) is off too.
    const RecvCheck netfn = check_received(request, {0x04, 0x42, 0x00});
    CHECK(netfn.verdict == RecvVerdict::Incorrect);
    CHECK(netfn.got_netfn == 0x01);
    CHECK(netfn.got_cmd == 0x42);
    CHECK(netfn.delivered({0x04, 0x42, 0x00}) == generated);
    CHECK(check_received(request, {0x18, 0x42, 0x00}).verdict == RecvVerdict::Incorrect);

    // The cmd off: 0x1c >> 2 = 0x07 is right, but cmd 0x01 (Get Device ID's) is not 0x42, as
    // fix-2026-desync-before's stale Get Device ID answer to Get Self Test Results (0x04).
    const RecvCheck cmd = check_received(request, {0x1c, 0x01, 0x00, 0x20});
    CHECK(cmd.verdict == RecvVerdict::Incorrect);
    CHECK(cmd.got_netfn == 0x07);
    CHECK(cmd.got_cmd == 0x01);
    CHECK(cmd.delivered({0x1c, 0x01, 0x00, 0x20}) == generated);

    // Exactly 2 bytes (no completion code) are not too small: netfn and cmd are checked.
    CHECK(check_received(request, {0x1c, 0x42}).ok());
}
