// The host driver's rules that need no simulation: jiffies arithmetic, how a request is
// split into SMBus writes, and how the probe reads the BMC's capabilities.
#include <catch2/catch.hpp>

#include "models/ssif/framing.h"
#include "models/ssif/host/jiffies.h"
#include "models/ssif/host/probe.h"
#include "models/ssif/host/write_parts.h"
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

TEST_CASE("timers expire on tick boundaries; a zero-jiffy timer on the next tick",
          "[host][jiffies]") {
    const Jiffies hz250(250);
    // Armed 0.5597 ms into jiffy 0 for one jiffy: runs at the start of jiffy 1.
    CHECK(hz250.expiry_ns(559'700, 1) == 4'000'000);
    // Armed in jiffy 1 for 15 jiffies: jiffy 16.
    CHECK(hz250.expiry_ns(4'105'000, 15) == 64'000'000);
    // Armed exactly on a tick: that tick counts as the current jiffy.
    CHECK(hz250.expiry_ns(8'000'000, 1) == 12'000'000);
    const Jiffies hz100(100);
    // HZ=100: the 5 ms wait is 0 jiffies, already due; the timer softirq runs it at the
    // next tick.
    CHECK(hz100.expiry_ns(559'700, hz100.from_usec(5000)) == 10'000'000);
    CHECK(hz100.expiry_ns(10'000'000, 0) == 20'000'000);
}

TEST_CASE("msleep and msecs_to_jiffies round up, plus one jiffy", "[host][jiffies]") {
    CHECK(Jiffies(1000).from_msecs(10) == 10);
    CHECK(Jiffies(250).from_msecs(10) == 3); // 2.5 rounded up
    CHECK(Jiffies(100).from_msecs(10) == 1);
    CHECK(Jiffies(300).from_msecs(10) == 3);
    CHECK(Jiffies(250).from_msecs(250) == 63); // 62.5
    // msleep(60) at HZ=1000 from 1.5 ms (jiffy 1): 60 + 1 jiffies -> jiffy 62.
    CHECK(Jiffies(1000).msleep_expiry_ns(1'500'000, 60) == 62'000'000);
    // HZ=250: 15 + 1 jiffies from jiffy 0 -> 64 ms.
    CHECK(Jiffies(250).msleep_expiry_ns(100, 60) == 64'000'000);
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
