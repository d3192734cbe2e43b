// The host driver against the BMC model on the timed bus: retry timing to the nanosecond,
// multi-part writes and reads of every length, the probe's outcomes, alerts and flag
// polling. One simulation per test case (SystemC elaborates once per process).
#include <catch2/catch.hpp>

#include "models/ssif/framing.h"
#include "models/ssif/host/write_parts.h"
#include "tests/support.h"
#include "tests/write_shape.h"
#include "tools/runner.h"
#include "tools/scenario.h"

using namespace ssifsim;
using namespace ssifsim::tools;
using ssifsim::test::bytes_field;
using ssifsim::test::flag_field;
using ssifsim::test::hex_field;
using ssifsim::test::select;
using ssifsim::test::str_field;
using ssifsim::test::write_shape;

namespace {
// 100 kHz: START 5 us, a byte 90 us, Sr and STOP 10 us each; tBUF 4.7 us.
constexpr uint64_t kStart = 5000, kByte = 90000, kSr = 10000, kStop = 10000, kBuf = 4700;

Scenario base() {
    Scenario s;
    s.file = "(test)";
    return s;
}

ssif::HostRequest request(int id, Bytes payload, uint64_t at_ns = 0) {
    ssif::HostRequest r;
    r.id = id;
    r.at_ns = at_ns;
    r.payload = std::move(payload);
    return r;
}

// The test command (netfn 0x30, cmd 0x01) asked for a response of `rsp_len` bytes, padded
// with counting bytes to a request of `len` bytes.
Bytes test_request(size_t len, uint8_t rsp_len) {
    Bytes b{0xc0, 0x01, rsp_len};
    for (size_t i = 3; i < len; ++i)
        b.push_back(static_cast<uint8_t>(i * 7));
    b.resize(len);
    return b;
}

// The writes a request went out with, from the bus log.
std::vector<ssif::WritePart> logged_writes(const std::vector<Event>& transfers, size_t from,
                                           size_t n) {
    std::vector<ssif::WritePart> parts;
    for (size_t i = from; i < from + n; ++i)
        parts.push_back({hex_field(transfers[i], "cmd"), bytes_field(transfers[i], "data")});
    return parts;
}

void run_writes_of_every_length(ssif::MultipartEnd bmc_end, bool cmd8, unsigned max_transmit) {
    Scenario s = base();
    s.bmc.multipart_end = bmc_end;
    s.daemon.latency_ns = 1'000'000;
    s.host.link.cmd8_works = cmd8;
    s.host.link.max_transmit = max_transmit;
    s.responder.test.length_from_request = true;
    for (int len = 1; len <= 254; ++len)
        s.requests.push_back(request(len, test_request(static_cast<size_t>(len), 3)));
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(s, options);
    REQUIRE(r.outcomes.size() == 254);

    // Every request the daemon read, in order, is one of ours byte for byte.
    const std::vector<Event> reads = select(events.events, "daemon", "read");
    const std::vector<Event> writes = [&] {
        std::vector<Event> w;
        for (const Event& e : select(events.events, "bus", "transfer"))
            if (str_field(e, "op") == "block_write")
                w.push_back(e);
        return w;
    }();
    size_t next_read = 0, next_write = 0;
    for (const ssif::RequestOutcome& o : r.outcomes) {
        const size_t len = o.request.size();
        INFO("request of " << len << " bytes");
        if (len > max_transmit) {
            // start_send refuses it: -E2BIG, 0xFF, nothing on the bus.
            CHECK(o.error == ssif::RequestError::RequestTooBig);
            CHECK(o.completion_code == 0xff);
            CHECK(o.parts_written == 0);
            continue;
        }
        const std::vector<ssif::WritePart> parts = ssif::write_parts(o.request, cmd8);
        REQUIRE(next_write + parts.size() <= writes.size());
        const std::string expected = write_shape(parts);
        CHECK(write_shape(logged_writes(writes, next_write, parts.size())) == expected);
        if (len > ssif::kPartMax && len % ssif::kPartMax == 0) {
            const std::string end = cmd8 ? " 08:32" : " 07:0";
            CHECK(expected.substr(expected.size() - end.size()) == end);
        }
        next_write += parts.size();
        REQUIRE(next_read < reads.size());
        CHECK(bytes_field(reads[next_read++], "request") == o.request);
        CHECK(o.error ==
              (len < 2 ? ssif::RequestError::MismatchedResponse : ssif::RequestError::None));
    }
    CHECK(next_read == reads.size());
}
} // namespace

TEST_CASE("a request whose first three reads are NAKed completes when the jiffies say",
          "[host][timing]") {
    Scenario s = base();
    s.host.hz = 250;
    s.requests.push_back(request(1, {0x18, 0x01}));
    Fault nak;
    nak.type = FaultType::Nak;
    nak.request = 1;
    nak.op_read = 1;
    nak.byte = 0;
    nak.nth = 1;
    nak.count = 3;
    s.faults.push_back(nak);
    const RunResult r = run_scenario(s, {});
    REQUIRE(r.outcomes.size() == 1);
    const ssif::RequestOutcome& o = r.outcomes[0];
    // Write 0x02 (addr, cmd, count, 18 01, PEC) ends at 559.7 us, in jiffy 0 (4 ms ticks).
    // First read: 5 ms = 1 jiffy, expires 1, level 0 of the wheel: tick 2, 8 ms. Each
    // NAKed read (START, address, STOP) takes 105 us, within the tick whose timer started
    // it, so the base clock reads one past jiffies: 60 ms = 15 jiffies from ticks 2, 18, 34
    // expire at 17, 33, 49 and run on ticks 18, 34, 50: reads at 72, 136, 200 ms. The
    // fourth reads the 14-byte Device ID: addr+W, cmd, Sr, addr+R, count, 14 bytes, PEC.
    CHECK(o.read_attempts == 4);
    CHECK(o.timeline[2].start_ns == 8'000'000);
    CHECK(o.timeline[4].start_ns == 72'000'000);
    CHECK(o.timeline[6].start_ns == 136'000'000);
    CHECK(o.completed_ns == 200'000'000 + kStart + 4 * kByte + kSr + 15 * kByte + kStop);
    CHECK(o.completed_ns == 201'735'000);
    CHECK(o.started_ns == 0); // start_send at 0; the START waits tBUF after power-up
    CHECK(o.response_ns() == 201'735'000);
}

TEST_CASE("at HZ=100 the 5 ms wait is zero jiffies: the first read is on the next tick",
          "[host][timing]") {
    Scenario s = base();
    s.host.hz = 100;
    s.daemon.latency_ns = 1'000'000;
    s.requests.push_back(request(1, {0x18, 0x01}));
    const RunResult r = run_scenario(s, {});
    REQUIRE(r.outcomes.size() == 1);
    const ssif::RequestOutcome& o = r.outcomes[0];
    REQUIRE(o.timeline.size() == 3);
    CHECK(o.timeline[1].detail == "first_read");
    CHECK(o.timeline[2].start_ns == 10'000'000); // tick 1 at HZ=100
    CHECK(o.read_attempts == 1);
}

TEST_CASE("multi-part writes of every length 1..254 with 0x08 ends (Linux ssif_bmc)",
          "[host][multipart]") {
    run_writes_of_every_length(ssif::MultipartEnd::End08, true, 254);
}

TEST_CASE("multi-part writes of every length 1..254 with short and zero-length 0x07 ends",
          "[host][multipart]") {
    run_writes_of_every_length(ssif::MultipartEnd::Short07, false, 254);
}

TEST_CASE("multi-part writes with transmit capped at 63: longer requests fail at once",
          "[host][multipart]") {
    run_writes_of_every_length(ssif::MultipartEnd::Short07NonZero, false, 63);
}

TEST_CASE("multi-part reads of every response length 1..254 carry the bytes exactly",
          "[host][multipart]") {
    Scenario s = base();
    s.daemon.latency_ns = 1'000'000;
    s.responder.test.length_from_request = true;
    s.responder.test.first = 0x40;
    for (int len = 1; len <= 254; ++len)
        s.requests.push_back(request(len, test_request(3, static_cast<uint8_t>(len))));
    const RunResult r = run_scenario(s, {});
    REQUIRE(r.outcomes.size() == 254);
    for (const ssif::RequestOutcome& o : r.outcomes) {
        const size_t len = static_cast<size_t>(o.id);
        INFO("response of " << len << " bytes");
        Bytes expected{0xc4, 0x01, 0x00};
        for (size_t i = 0; expected.size() < len; ++i)
            expected.push_back(static_cast<uint8_t>(0x40 + i));
        expected.resize(len);
        CHECK(o.response == expected);
        // Up to 32 bytes: one 0x03 part. Longer: 0x03 carries 30, each 0x09 31, the end
        // part 1..31.
        const int parts = len <= 32 ? 1 : 1 + static_cast<int>((len - 30 + 31 - 1) / 31);
        CHECK(o.parts_read == parts);
        CHECK(o.read_attempts == 1);
    }
}

namespace {
ssif::LinkSetup probe_against(ssif::MultipartEnd bmc_end, std::vector<Event>* log = nullptr) {
    Scenario s = base();
    s.host.probe = true;
    s.bmc.multipart_end = bmc_end;
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(s, options);
    if (log)
        *log = events.events;
    return r.link;
}
} // namespace

TEST_CASE("the probe finds that 0x08 ends a multi-part write (Linux ssif_bmc)", "[host][probe]") {
    std::vector<Event> log;
    const ssif::LinkSetup link = probe_against(ssif::MultipartEnd::End08, &log);
    CHECK(link.found);
    CHECK(link.pec); // the responder reports PEC
    CHECK(link.max_transmit == 254);
    CHECK(link.max_receive == 254);
    CHECK(link.cmd8_works);
    CHECK(link.has_event_buffer);
    CHECK(link.supports_alert);
    // The probe's commands, in the driver's order; the test message goes as 0x06, 0x07 and a
    // one-byte 0x08, all without PEC (it is switched on after the probe).
    std::vector<std::string> cmds;
    for (const Event& e : select(log, "host", "probe_cmd"))
        cmds.push_back(hex_string(bytes_field(e, "request")));
    CHECK(cmds == std::vector<std::string>{"18 01", "18 57 00", "18 30 08", "18 2f", "18 2e 04",
                                           "18 2e 05"});
    std::string test_writes;
    for (const Event& e : select(log, "bus", "transfer")) {
        if (str_field(e, "op") != "block_write" || hex_field(e, "cmd") == 0x02)
            continue;
        CHECK_FALSE(flag_field(e, "pec"));
        test_writes += std::to_string(hex_field(e, "cmd")) + " ";
    }
    CHECK(test_writes == "6 7 8 ");
}

TEST_CASE("the probe falls back to a zero-length 0x07 end when 0x08 gets no answer",
          "[host][probe]") {
    const ssif::LinkSetup link = probe_against(ssif::MultipartEnd::Short07);
    CHECK_FALSE(link.cmd8_works);
    CHECK(link.max_transmit == 254);
}

TEST_CASE("the probe caps transmit at 63 when neither end works", "[host][probe]") {
    const ssif::LinkSetup link = probe_against(ssif::MultipartEnd::Short07NonZero);
    CHECK_FALSE(link.cmd8_works);
    CHECK(link.max_transmit == 63);
}

TEST_CASE("an SMBus alert ends the read-retry wait: the host reads at once", "[host][alert]") {
    Scenario s = base();
    s.bmc.smbus_alert = true;
    s.daemon.latency_ns = 20'000'000;
    s.requests.push_back(request(1, {0x18, 0x01}));
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(s, options);
    REQUIRE(r.outcomes.size() == 1);
    const ssif::RequestOutcome& o = r.outcomes[0];
    // The write's STOP period runs from 549.7 us; the BMC has the request at its SDA rise,
    // three quarters in (557.2 us, SmbusTiming::stop_condition_ns); the daemon answers 20 ms
    // later and the BMC pulls SMBALERT#. The host reads the ARA (START, 0x19, the BMC's
    // address, STOP: 195 us), and ssif_alert has the driver read the response at once
    // instead of waiting until 65 ms. smbus_alert reads the ARA until a read fails, and it
    // goes on from ssif_alert to its next read without sleeping, while the driver's read
    // waits for its kthread to be woken: so that read, which nobody answers (START, 0x19
    // NAKed, STOP), takes the bus first, tBUF after the first; the response read follows.
    const uint64_t answered = 549'700 + 7'500 + 20'000'000;
    const uint64_t ara_end = answered + kStart + 2 * kByte + kStop;
    const uint64_t read_start = ara_end + kBuf + kStart + kByte + kStop;
    CHECK(o.read_attempts == 2); // the first, at 5 ms, was NAKed: the BMC was busy
    REQUIRE(o.timeline.size() == 5);
    CHECK(o.timeline[3].detail == "read_retry");
    CHECK(o.timeline[3].end_ns == ara_end);
    CHECK(o.timeline[4].start_ns == read_start);
    CHECK(o.completed_ns == read_start + kBuf + kStart + 4 * kByte + kSr + 15 * kByte + kStop);
    const std::vector<Event> alerts = select(events.events, "host", "alert");
    REQUIRE(alerts.size() == 1);
    CHECK(str_field(alerts[0], "action") == "read_now");
    CHECK(r.host_stats.alerts == 1);
}

TEST_CASE("a host that is off makes no ARA read: an alert meanwhile is read once it is back",
          "[host][alert]") {
    Scenario s = base();
    s.bmc.smbus_alert = true;
    s.daemon.latency_ns = 20'000'000;
    s.requests.push_back(request(1, {0x18, 0x01}));
    s.requests.push_back(request(2, {0x18, 0x04}, 50'000'000));
    Fault off;
    off.type = FaultType::HostPowerOff;
    off.request = 1;
    off.op_read = 1;
    off.after_bytes = 0; // dies just after the read's START
    off.off_ns = 100'000'000;
    s.faults.push_back(off);
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(s, options);
    // As above, the BMC has request 1 at 557.2 us and the daemon answers 20 ms later, when
    // the BMC pulls SMBALERT#. The host's first read waits SSIF_MSG_PART_JIFFIES (5 ms at
    // HZ 1000: the write ended in jiffy 0, so it runs on tick 6, Jiffies::wheel_expiry): at
    // 6 ms it sends its START and dies (host_power_off), for 100 ms.
    const uint64_t answered = 549'700 + 7'500 + 20'000'000;
    const uint64_t died = 6'000'000 + kStart;
    const uint64_t back = died + 100'000'000;
    REQUIRE(select(events.events, "host", "power_off").size() == 1);
    REQUIRE(select(events.events, "host", "power_on").size() == 1);
    CHECK(select(events.events, "host", "power_off")[0].t_ns == died);
    CHECK(select(events.events, "host", "power_on")[0].t_ns == back);
    REQUIRE(select(events.events, "bmc", "alert").size() == 2); // requests 1 and 2 answered
    CHECK(select(events.events, "bmc", "alert")[0].t_ns == answered);
    // A host that is off clocks nothing: no transfer of its, the ARA reads (smbus_alert)
    // included, starts while it is off, though SMBALERT# fell then.
    for (const Event& e : select(events.events, "bus", "start"))
        CHECK((e.t_ns <= died || e.t_ns >= back));
    // Once it is back, the line is still low (nobody read the ARA), and its alert work reads
    // it: the BMC answers its address (0x10 << 1), and ssif_alert runs after power-on.
    std::vector<Event> ara;
    for (const Event& e : select(events.events, "bus", "transfer"))
        if (hex_field(e, "addr") == 0x0c)
            ara.push_back(e);
    REQUIRE_FALSE(ara.empty());
    CHECK(ara[0].t_ns - static_cast<uint64_t>(test::num_field(ara[0], "dur_ns")) >= back);
    CHECK(bytes_field(ara[0], "data") == Bytes{0x20});
    const std::vector<Event> alerts = select(events.events, "host", "alert");
    REQUIRE_FALSE(alerts.empty());
    CHECK(alerts[0].t_ns >= back);
    CHECK(r.completed == 2);
}

TEST_CASE("flag polling fetches an incoming message and an event, then goes idle",
          "[host][flags]") {
    Scenario s = base();
    s.host.watch = ssif::Watch::Messages;
    s.daemon.latency_ns = 1'000'000;
    s.responder.incoming = {{30'000'000, ssif::IncomingItem::Kind::Message, {0x02, 0x11, 0x22}},
                            {30'000'000, ssif::IncomingItem::Kind::Event, {0x55, 0x66}}};
    s.until_ns = 100'000'000;
    MemorySink events;
    RunOptions options;
    options.extra_sink = &events;
    const RunResult r = run_scenario(s, options);
    const std::vector<Event> incoming = select(events.events, "host", "incoming");
    REQUIRE(incoming.size() == 2);
    CHECK(str_field(incoming[0], "kind") == "message");
    CHECK(bytes_field(incoming[0], "payload") == Bytes{0x1c, 0x33, 0x00, 0x02, 0x11, 0x22});
    CHECK(str_field(incoming[1], "kind") == "event");
    CHECK(bytes_field(incoming[1], "payload") == Bytes{0x1c, 0x35, 0x00, 0x55, 0x66});
    // The watch timer: msecs_to_jiffies(10) = 10, armed in jiffy 0 runs on tick 11; re-armed
    // inside its callback (base clock one past jiffies, delta 9) every 11 ticks: 11, 22,
    // 33 ms. The 33 ms poll writes Get Message Flags (555 us, in the tick its timer ran:
    // expires 38, delta 4, tick 39), reads it at 39 ms (addr+W, cmd, Sr, addr+R, count,
    // 4 bytes, PEC) and sees both flags.
    const std::vector<Event> flags = select(events.events, "host", "flags");
    REQUIRE(flags.size() >= 3);
    CHECK(flags[2].t_ns == 39'000'000 + kStart + 4 * kByte + kSr + 5 * kByte + kStop);
    CHECK(hex_field(flags[2], "flags") == 0x03);
    // handle_flags: messages until Get Message answers 0x80, then events likewise, then
    // idle.
    std::vector<std::string> states;
    for (const Event& e : select(events.events, "host", "state"))
        if (e.t_ns >= 30'000'000 && (states.empty() || states.back() != "idle"))
            states.push_back(str_field(e, "to"));
    CHECK(states ==
          std::vector<std::string>{"getting_flags", "getting_messages", "getting_events", "idle"});
    CHECK(r.host_stats.incoming_messages == 1);
    CHECK(r.host_stats.events == 1);
    // Fetches at the polls of 11, 22 and 33 ms; the four fetches after that (each about
    // 6.8 ms: write, first read 6 ticks later) keep the driver busy past the 44, 55 and
    // 66 ms polls, which leave one fetch asked for (the timer only sets req_flags while
    // busy); then the polls of 77 and 88 ms; the 99 ms poll's read would come at 105 ms:
    // 6 in 100 ms.
    CHECK(r.host_stats.flag_fetches == 6);
}
