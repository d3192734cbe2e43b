// The bus driven through its sockets, step by step: a test master on an initiator socket, a
// test target on a target socket (or a Linux slave behind LinuxSlaveTarget). Expected times
// come from models/smbus/timing.h at 100 kHz: a quarter period q = 2.5 us, a bit period
// 10 us; tBUF 4.7 us (also at power-up); START hold 2q = 5 us; a byte 9 bits = 90 us, the
// target seeing a master's byte after its 8 data bits (80 us) and answering on the 9th; a
// repeated START and a STOP one period (10 us) each.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <systemc>
#include <vector>

#include "models/smbus/alert.h"
#include "models/smbus/bus.h"
#include "models/smbus/controller.h"
#include "models/smbus/fault_injector.h"
#include "models/smbus/linux_slave_target.h"
#include "models/smbus/socket.h"
#include "models/ssif/bmc/bmc_module.h"

using namespace ssifsim;
using namespace ssifsim::smbus;

namespace {

// A master that makes the steps its script says and notes when each returned.
struct TestMaster : sc_core::sc_module {
    SmbusInitiatorSocket socket{"socket"};
    SC_HAS_PROCESS(TestMaster);
    TestMaster(sc_core::sc_module_name n, std::vector<SmbusPayload> steps, uint64_t at_ns = 0)
        : sc_module(n), steps_(std::move(steps)), at_ns_(at_ns) {
        SC_THREAD(run);
    }
    void run() {
        if (at_ns_)
            wait_for(at_ns_);
        for (SmbusPayload p : steps_) {
            socket->b_transport(p);
            done.push_back(p);
            done_ns.push_back(sim_now_ns());
        }
    }
    std::vector<SmbusPayload> done;
    std::vector<uint64_t> done_ns;

  private:
    std::vector<SmbusPayload> steps_;
    uint64_t at_ns_;
};

SmbusPayload start(uint8_t addr7, bool read) {
    SmbusPayload p;
    p.command = SmbusCommand::Start;
    p.data = static_cast<uint8_t>(addr7 << 1 | (read ? 1 : 0));
    return p;
}
SmbusPayload write(uint8_t value) {
    SmbusPayload p;
    p.command = SmbusCommand::Write;
    p.data = value;
    return p;
}
SmbusPayload read(bool ack) {
    SmbusPayload p;
    p.command = SmbusCommand::Read;
    p.master_ack = ack;
    return p;
}
SmbusPayload stop() {
    return SmbusPayload{};
}

// A target that ACKs (or answers `answer`), reads out 0xa0, 0xa1, ..., and notes each step.
struct TestTarget : sc_core::sc_module, SmbusTargetIf {
    SmbusTargetSocket socket{"socket"};
    explicit TestTarget(sc_core::sc_module_name n) : sc_module(n) { socket.bind(*this); }
    void transport(SmbusPayload& p) override {
        seen.push_back(p.command);
        seen_data.push_back(p.data);
        seen_ns.push_back(sim_now_ns());
        if (p.command == SmbusCommand::Read)
            p.data = next++;
        p.response = nak_address && p.command == SmbusCommand::Start ? SmbusResponse::Nak : answer;
        if (p.command == SmbusCommand::Write && p.data == nak_data)
            p.response = SmbusResponse::Nak;
    }
    SmbusResponse answer = SmbusResponse::Ack;
    bool nak_address = false;
    int nak_data = -1; // a Write of this byte is NAKed
    uint8_t next = 0xa0;
    std::vector<SmbusCommand> seen;
    std::vector<uint8_t> seen_data;
    std::vector<uint64_t> seen_ns;
};

// A burst (SmbusPayload::data_length) of Writes of bytes[0..n), or of n Reads into bytes.
SmbusPayload write_burst(uint8_t* bytes, unsigned n) {
    SmbusPayload p = write(0);
    p.data_ptr = bytes;
    p.data_length = n;
    return p;
}
SmbusPayload read_burst(uint8_t* bytes, unsigned n) {
    SmbusPayload p = read(false);
    p.data_ptr = bytes;
    p.data_length = n;
    return p;
}

// The write-then-read an SMBus block read is made of: S addr+W cmd Sr addr+R byte byte P.
std::vector<SmbusPayload> write_then_read() {
    return {start(0x10, false), write(0x03), start(0x10, true), read(true), read(false), stop()};
}

} // namespace

TEST_CASE("sockets: each step takes its wire time and reaches the target when it is on the "
          "wires",
          "[bus][sockets][timing]") {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", write_then_read());
    bus.bind_initiator(master.socket);
    sc_core::sc_start();

    // START at tBUF = 4.7 us; + START hold 5 us + address byte 90 us.
    REQUIRE(master.done.size() == 6);
    CHECK(master.done[0].start_ns == 4'700);
    CHECK(master.done_ns[0] == 4'700 + 5'000 + 90'000);    // 99.7 us
    CHECK(master.done_ns[1] == 99'700 + 90'000);           // Write: 9 bits
    CHECK(master.done_ns[2] == 189'700 + 10'000 + 90'000); // Sr + address byte
    CHECK(master.done_ns[3] == 289'700 + 90'000);          // Read
    CHECK(master.done_ns[4] == 379'700 + 90'000);
    CHECK(master.done_ns[5] == 469'700 + 10'000); // STOP
    for (size_t i = 0; i < 5; ++i)
        CHECK(master.done[i].response == SmbusResponse::Ack);
    CHECK(master.done[3].data == 0xa0);
    CHECK(master.done[4].data == 0xa1);
    CHECK(master.done[4].master_ack == false);

    // The target sees a master's byte after its 8 data bits, a read when it is due, the
    // STOP at its SDA rise, three quarters (7.5 us) into its period (SmbusTiming::
    // stop_condition_ns): the STOP condition a slave controller interrupts on.
    const std::vector<SmbusCommand> expected = {SmbusCommand::Start, SmbusCommand::Write,
                                                SmbusCommand::Start, SmbusCommand::Read,
                                                SmbusCommand::Read,  SmbusCommand::Stop};
    CHECK(target.seen == expected);
    CHECK(target.seen_data[0] == 0x20);
    CHECK(target.seen_data[1] == 0x03);
    CHECK(target.seen_data[2] == 0x21);
    const std::vector<uint64_t> at = {
        4'700 + 5'000 + 80'000, 99'700 + 80'000, 189'700 + 10'000 + 80'000, 289'700, 379'700,
        469'700 + 7'500};
    CHECK(target.seen_ns == at);

    // The log: START, two bytes, Sr, three bytes, STOP; a byte at its ACK bit, the STOP at its
    // SDA rise.
    std::vector<std::string> evs;
    for (const Event& e : log.events)
        evs.push_back(std::string(e.ev) + "@" + std::to_string(e.t_ns));
    CHECK(evs == std::vector<std::string>{"start@4700", "byte@89700", "byte@179700",
                                          "restart@189700", "byte@279700", "byte@369700",
                                          "byte@459700", "stop@477200"});
}

TEST_CASE("sockets: a burst is its single steps: the same target calls, events and wire times",
          "[bus][sockets][timing][burst]") {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    // S addr+W 01 02 03 Sr addr+R byte byte byte P: one byte a step, then (at 2 ms, after the
    // first has ended) the same with the three Writes and the three Reads as one burst each.
    TestMaster single("single", {start(0x10, false), write(0x01), write(0x02), write(0x03),
                                 start(0x10, true), read(true), read(true), read(false), stop()});
    uint8_t sent[] = {0x01, 0x02, 0x03}, got[3] = {};
    TestMaster bursts(
        "bursts",
        {start(0x10, false), write_burst(sent, 3), start(0x10, true), read_burst(got, 3), stop()},
        2'000'000);
    bus.bind_initiator(single.socket);
    bus.bind_initiator(bursts.socket);
    sc_core::sc_start();

    REQUIRE(single.done.size() == 9);
    REQUIRE(bursts.done.size() == 5);
    const uint64_t t0 = single.done[0].start_ns, t1 = bursts.done[0].start_ns;
    // The target: 9 calls each (2 addresses, 3 Writes, 3 Reads, the Stop), the same commands
    // and bytes but the bytes it read out, at the same moments after each transfer's START.
    REQUIRE(target.seen.size() == 18);
    for (size_t i = 0; i < 9; ++i) {
        CHECK(target.seen[9 + i] == target.seen[i]);
        if (target.seen[i] != SmbusCommand::Read)
            CHECK(target.seen_data[9 + i] == target.seen_data[i]);
        CHECK(target.seen_ns[9 + i] - t1 == target.seen_ns[i] - t0);
    }
    // The bytes read: the target's 0xa0.. in turn, the master ACKing all but the last.
    CHECK(single.done[5].data == 0xa0);
    CHECK(single.done[7].data == 0xa2);
    CHECK(std::vector<uint8_t>(got, got + 3) == std::vector<uint8_t>{0xa3, 0xa4, 0xa5});
    CHECK(bursts.done[3].steps_done == 3);
    CHECK(bursts.done[3].data == 0xa5);
    CHECK(!bursts.done[3].master_ack);
    CHECK(bursts.done[1].steps_done == 3);
    CHECK(bursts.done[1].response == SmbusResponse::Ack);
    // The log: the same events at the same times after each START.
    std::vector<std::string> first, second;
    for (const Event& e : log.events)
        (e.t_ns < t1 ? first : second)
            .push_back(std::string(e.ev) + "@" + std::to_string(e.t_ns - (e.t_ns < t1 ? t0 : t1)));
    CHECK(first.size() == 11); // start, 8 bytes, restart, stop
    CHECK(second == first);
    // Each burst returns when its last step would have.
    CHECK(bursts.done_ns[1] - t1 == single.done_ns[3] - t0);
    CHECK(bursts.done_ns[3] - t1 == single.done_ns[7] - t0);
}

TEST_CASE("sockets: a burst of Writes stops at the first byte not ACKed", "[bus][sockets][burst]") {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    target.nak_data = 0x02;
    bus.bind_target(0x10, target.socket);
    uint8_t sent[] = {0x01, 0x02, 0x03};
    TestMaster master("master", {start(0x10, false), write_burst(sent, 3), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();

    REQUIRE(master.done.size() == 3);
    // Two steps: 0x01 ACKed, 0x02 NAKed; 0x03 never on the wires.
    CHECK(master.done[1].steps_done == 2);
    CHECK(master.done[1].response == SmbusResponse::Nak);
    CHECK(target.seen_data == std::vector<uint8_t>{0x20, 0x01, 0x02, 0x00});
    int bytes = 0;
    for (const Event& e : log.events)
        bytes += e.id == events::kBusByte;
    CHECK(bytes == 3); // the address and two
}

TEST_CASE("sockets: nobody at the address, or a busy target, is a NAK", "[bus][sockets]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    target.answer = SmbusResponse::Busy;
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", {start(0x11, false), stop(), start(0x10, false), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    REQUIRE(master.done.size() == 4);
    CHECK(master.done[0].response == SmbusResponse::Nak);
    CHECK(master.done[2].response == SmbusResponse::Nak);
    // The second transfer waits out tBUF after the first STOP: 4.7 + 5 + 90 + 10 + 4.7 us.
    CHECK(master.done[2].start_ns == 4'700 + 5'000 + 90'000 + 10'000 + 4'700);
    // The busy target saw its address, so it sees the STOP too.
    CHECK(target.seen == std::vector<SmbusCommand>{SmbusCommand::Start, SmbusCommand::Stop});
}

TEST_CASE("sockets: a second master waits for the STOP and tBUF", "[bus][sockets][timing]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster first("first", write_then_read());
    TestMaster second("second", {start(0x10, false), write(0x55), stop()}, 50'000);
    bus.bind_initiator(first.socket);
    bus.bind_initiator(second.socket);
    sc_core::sc_start();
    REQUIRE(second.done.size() == 3);
    // The first's STOP ends at 479.7 us; the second STARTs 4.7 us later.
    CHECK(second.done[0].start_ns == 479'700 + 4'700);
    CHECK(second.done[0].response == SmbusResponse::Ack);
    CHECK(second.done_ns[2] == 484'400 + 5'000 + 90'000 + 90'000 + 10'000);
}

namespace {
// A Linux slave backend that notes every slave event and answers reads 0x40, 0x41, ...
struct RecordingSlave : SmbusSlave {
    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override {
        events.push_back(std::string(slave_event_name(ev)) + "@" + std::to_string(sim_now_ns()));
        if (ev == SlaveEvent::ReadRequested || ev == SlaveEvent::ReadProcessed)
            val = next++;
        return SlaveAnswer::Ack;
    }
    uint8_t next = 0x40;
    std::vector<std::string> events;
};
} // namespace

TEST_CASE("LinuxSlaveTarget: the slave events in the Linux order, at the wire moments",
          "[bus][sockets][slave]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    RecordingSlave slave;
    LinuxSlaveTarget target("target", slave);
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", write_then_read());
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    // READ_REQUESTED supplies the first byte read; READ_PROCESSED each one after an ACKed
    // byte (Documentation/i2c/slave-interface): one here, asked as the second read is due.
    CHECK(slave.events == std::vector<std::string>{"write_requested@89700", "write_received@179700",
                                                   "read_requested@279700", "read_processed@379700",
                                                   "stop@477200"});
    REQUIRE(master.done.size() == 6);
    CHECK(master.done[3].data == 0x40);
    CHECK(master.done[4].data == 0x41);
}

namespace {
// A backend absent until `present_from_ns` (its address disabled: BmcModule answers Absent
// without calling the driver), noting the events it gets once present.
struct LateSlave : RecordingSlave {
    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override {
        if (sim_now_ns() < present_from_ns)
            return SlaveAnswer::Absent;
        return RecordingSlave::on_event(ev, val);
    }
    uint64_t present_from_ns = 0;
};
} // namespace

// A slave-mode controller reports a STOP only for a transfer whose address it matched
// (npcm_i2c_int_slave_handler's slave STOP follows its address match): a backend whose
// address was disabled at the START and enabled again before the STOP (Nuvoton's response
// timer re-enabling it mid-transfer) gets no STOP for that transfer. At 100 kHz the first
// transfer's START is at 4.7 us (tBUF), its address bits from 9.7 us: the address is asked
// at 89.7 us (the 8th bit's end; the backend is absent, so it is NAKed), the NAK bit ends at
// 99.7 us and the STOP condition comes three quarters into the STOP's 10 us, at 107.2 us; the
// backend is back from 95 us. The second transfer STARTs at 114.4 us (the STOP's period ends
// at 109.7 us, then tBUF): its address at 199.4 us, its byte at 289.4 us, its ACK to
// 299.4 us and its STOP condition at 306.9 us, each the backend's.
TEST_CASE("LinuxSlaveTarget: no STOP for a transfer whose address found the backend absent",
          "[bus][sockets][slave]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    LateSlave slave;
    slave.present_from_ns = 95'000;
    LinuxSlaveTarget target("target", slave);
    bus.bind_target(0x10, target.socket);
    TestMaster master("master",
                      {start(0x10, false), stop(), start(0x10, false), write(0x55), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    REQUIRE(master.done.size() == 5);
    CHECK(master.done[0].response == SmbusResponse::Nak);
    CHECK(slave.events == std::vector<std::string>{"write_requested@199400",
                                                   "write_received@289400", "stop@306900"});
}

namespace {
struct StrayWriter : sc_core::sc_module {
    SmbusInitiatorSocket socket{"socket"};
    SC_HAS_PROCESS(StrayWriter);
    explicit StrayWriter(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        SmbusPayload p = write(0x01);
        socket->b_transport(p);
    }
};
} // namespace

TEST_CASE("sockets: an unbound initiator socket is SystemC's binding error at elaboration",
          "[bus][sockets][binding]") {
    TestMaster master("master", {start(0x10, false), stop()});
    CHECK_THROWS_WITH(sc_core::sc_start(),
                      Catch::Contains("master.socket") && Catch::Contains("not bound"));
}

TEST_CASE("sockets: an unbound target socket is SystemC's binding error at elaboration",
          "[bus][sockets][binding]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    struct Lonely : sc_core::sc_module {
        SmbusTargetSocket socket{"socket"};
        explicit Lonely(sc_core::sc_module_name n) : sc_module(n) {}
    } lonely("lonely");
    bus.bind_target(0x10, lonely.socket);
    CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("lonely.socket"));
}

TEST_CASE("sockets: a Write outside a transfer is an error, not a crash",
          "[bus][sockets][binding]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    StrayWriter stray("stray");
    bus.bind_initiator(stray.socket);
    CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("outside the master's transfer"));
}

TEST_CASE("sockets: a target that waits inside transport is an error naming it",
          "[bus][sockets][binding]") {
    // SmbusTargetIf: transport() runs in the master's thread and must return at once; a
    // target that waits there (here 1 ns on its command byte) would stall the master's
    // transfer and shift every wire time after it.
    struct Sleepy : TestTarget {
        using TestTarget::TestTarget;
        void transport(SmbusPayload& p) override {
            TestTarget::transport(p);
            if (p.command == SmbusCommand::Write)
                wait_for(1);
        }
    };
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestMaster master("master", {start(0x10, false), write(0x02), stop()});
    Sleepy sleepy("sleepy");
    bus.bind_initiator(master.socket);
    bus.bind_target(0x10, sleepy.socket);
    CHECK_THROWS_WITH(sc_core::sc_start(),
                      Catch::Contains("sleepy") && Catch::Contains("waited inside transport()"));
}

TEST_CASE("sockets: two targets at one address are refused at binding", "[bus][sockets][binding]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget a("a"), b("b");
    bus.bind_target(0x10, a.socket);
    // Addresses are written in hex, as the SMBus specification and i2cdetect write them.
    CHECK_THROWS_WITH(bus.bind_target(0x10, b.socket),
                      Catch::Contains("two targets at 7-bit address 0x10"));
    CHECK_THROWS_WITH(bus.bind_target(200, b.socket), Catch::Contains("address 0xc8 is not"));
}

TEST_CASE("sockets: a clock outside 10 kHz .. 1 MHz is refused with the value and the range",
          "[bus][sockets][timing]") {
    NullSink log;
    for (uint32_t hz : {0u, 5'000u, 9'999u, 1'000'001u, 5'000'000u}) {
        CAPTURE(hz);
        CHECK_THROWS_WITH(SmbusBus("bus", SmbusTiming{hz}, log, nullptr),
                          Catch::Contains("SMBus clock " + std::to_string(hz) + " Hz") &&
                              Catch::Contains("10000..1000000 Hz"));
    }
    // The limits themselves are supported.
    SmbusBus slow("slow", SmbusTiming{SmbusTiming::kMinFreqHz}, log, nullptr);
    SmbusBus fast("fast", SmbusTiming{SmbusTiming::kMaxFreqHz}, log, nullptr);
    CHECK(fast.timing().bit_ns() == 1000);
}

TEST_CASE("sockets: a refused clock stops the bus even when errors do not throw",
          "[bus][sockets][timing]") {
    // A platform that only displays and logs errors (sc_report_handler::set_actions).
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR,
                                            sc_core::SC_DISPLAY | sc_core::SC_LOG);
    NullSink log;
    CHECK_THROWS_AS(SmbusBus("bus", SmbusTiming{0}, log, nullptr), std::runtime_error);
}

namespace {
// A platform whose errors are displayed and logged but do not throw.
void errors_do_not_throw() {
    sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR,
                                            sc_core::SC_DISPLAY | sc_core::SC_LOG);
}
} // namespace

TEST_CASE("sockets: when errors do not throw, a bad binding is reported and ignored",
          "[bus][sockets][binding]") {
    errors_do_not_throw();
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget a("a"), b("b");
    bus.bind_target(0x10, a.socket);
    bus.bind_target(0x10, b.socket); // a duplicate: a keeps the address
    bus.bind_target(200, b.socket);  // not a 7-bit address: nothing written past the table
    TestMaster master("master", {start(0x10, false), write(0x55), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 2);
    REQUIRE(master.done.size() == 3);
    CHECK(master.done[1].response == SmbusResponse::Ack);
    CHECK(a.seen.size() == 3);
    CHECK(b.seen.empty());
}

TEST_CASE("sockets: when errors do not throw, steps outside a transfer answer Nak at once",
          "[bus][sockets][binding]") {
    errors_do_not_throw();
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", {write(0x01), read(false), stop(), start(0x10, false), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 3);
    REQUIRE(master.done.size() == 5);
    for (size_t i = 0; i < 3; ++i) {
        CHECK(master.done[i].response == SmbusResponse::Nak);
        CHECK(master.done_ns[i] == 0); // no wire time
    }
    // The master's transfer after them is a clean one.
    CHECK(master.done[3].response == SmbusResponse::Ack);
    CHECK(master.done[3].start_ns == 4'700);
    CHECK(target.seen == std::vector<SmbusCommand>{SmbusCommand::Start, SmbusCommand::Stop});
}

namespace {
void check_direction_error(bool read_first) {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master",
                      {start(0x10, !read_first), read_first ? read(false) : write(1), stop()});
    bus.bind_initiator(master.socket);
    CHECK_THROWS_WITH(
        sc_core::sc_start(),
        Catch::Contains(read_first ? "a Read in a write transfer" : "a Write in a read transfer"));
}
} // namespace

TEST_CASE("sockets: a Read in a write transfer is an error", "[bus][sockets][direction]") {
    check_direction_error(true);
}

TEST_CASE("sockets: a Write in a read transfer is an error", "[bus][sockets][direction]") {
    check_direction_error(false);
}

TEST_CASE("sockets: when errors do not throw, a step against the direction answers Nak at "
          "once and reaches no target",
          "[bus][sockets][direction]") {
    errors_do_not_throw();
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", {start(0x10, false), read(false), start(0x10, true), write(1),
                                 read(false), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 2);
    REQUIRE(master.done.size() == 6);
    CHECK(master.done[1].response == SmbusResponse::Nak);
    CHECK(master.done_ns[1] == master.done_ns[0]);
    CHECK(master.done[3].response == SmbusResponse::Nak);
    CHECK(master.done_ns[3] == master.done_ns[2]);
    CHECK(master.done[4].data == 0xa0);
    CHECK(target.seen == std::vector<SmbusCommand>{SmbusCommand::Start, SmbusCommand::Start,
                                                   SmbusCommand::Read, SmbusCommand::Stop});
}

TEST_CASE("sockets: after a target NAKs its address, the transfer's bytes reach nobody and "
          "are NAKed",
          "[bus][sockets]") {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    target.nak_address = true;
    bus.bind_target(0x10, target.socket);
    // A master that writes on after the NAK (the host's controller stops), then reads from
    // the NAKing target and from an address nobody answers.
    TestMaster master("master", {start(0x10, false), write(0x05), write(0x77), start(0x10, true),
                                 read(false), stop(), start(0x33, true), read(false), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    REQUIRE(master.done.size() == 9);
    CHECK(master.done[0].response == SmbusResponse::Nak);
    CHECK(master.done[1].response == SmbusResponse::Nak);
    CHECK(master.done[2].response == SmbusResponse::Nak);
    CHECK(master.done[3].response == SmbusResponse::Nak);
    CHECK(master.done[4].data == 0xff); // nobody drives SDA: the pull-up's 1s
    CHECK(master.done[7].data == 0xff);
    // The target saw its two address bytes and, having seen one, the STOP; no data byte.
    CHECK(target.seen ==
          std::vector<SmbusCommand>{SmbusCommand::Start, SmbusCommand::Start, SmbusCommand::Stop});
    // The bytes still cross the wires, NAKed, in their wire time.
    std::vector<bool> master_bytes_acked;
    for (const Event& e : log.events) {
        if (e.id != events::kBusByte || std::get<std::string>(e.fields[0].value) != "w")
            continue;
        master_bytes_acked.push_back(std::get<bool>(e.fields[2].value));
    }
    // The address with W, two writes, the address with R, the address 0x33 with R.
    CHECK(master_bytes_acked == std::vector<bool>(5, false));
}

namespace {
// A target that ACKs its address but answers nothing else.
struct SilentTarget : sc_core::sc_module, SmbusTargetIf {
    SmbusTargetSocket socket{"socket"};
    explicit SilentTarget(sc_core::sc_module_name n) : sc_module(n) { socket.bind(*this); }
    void transport(SmbusPayload& p) override {
        if (p.command == SmbusCommand::Start && !p.is_read())
            p.response = SmbusResponse::Ack;
    }
};
} // namespace

TEST_CASE("sockets: a target that leaves a Start or Write Incomplete NAKs it", "[bus][sockets]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    SilentTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master",
                      {start(0x10, false), write(0x01), stop(), start(0x10, true), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    REQUIRE(master.done.size() == 5);
    CHECK(master.done[0].response == SmbusResponse::Ack);
    CHECK(master.done[1].response == SmbusResponse::Nak);
    CHECK(master.done[3].response == SmbusResponse::Nak);
}

namespace {
// A platform process that binds a target to the bus once the simulation runs.
struct LateBinder : sc_core::sc_module {
    SC_HAS_PROCESS(LateBinder);
    LateBinder(sc_core::sc_module_name n, SmbusBus& bus) : sc_module(n), bus_(bus) {
        SC_THREAD(run);
    }
    void run() {
        bus_.bind_target(0x60, target.socket);
        returned = true;
    }
    SmbusBus& bus_;
    TestTarget target{"target"};
    bool returned = false;
};
} // namespace

TEST_CASE("sockets: binding a target after elaboration is an error", "[bus][sockets][binding]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    LateBinder late("late", bus);
    CHECK_THROWS_WITH(sc_core::sc_start(),
                      Catch::Contains("late.target.socket bound after elaboration"));
}

TEST_CASE("sockets: when errors do not throw, a binding after elaboration is ignored",
          "[bus][sockets][binding]") {
    errors_do_not_throw();
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    LateBinder late("late", bus);
    TestMaster master("master", {start(0x60, false), stop()}, 1'000);
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    CHECK(late.returned);
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 1);
    REQUIRE(master.done.size() == 2);
    CHECK(master.done[0].response == SmbusResponse::Nak);
    CHECK(late.target.seen.empty());
}

TEST_CASE("sockets: a master that never sends its Stop is named, the bus stays busy",
          "[bus][sockets]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster forgetful("forgetful", {start(0x10, false), write(0x00)});
    TestMaster second("second", {start(0x10, true), read(false), stop()}, 1'000);
    bus.bind_initiator(forgetful.socket);
    bus.bind_initiator(second.socket);
    sc_core::sc_start();
    // The second master still waits for a free bus.
    CHECK(second.done.empty());
    CHECK(bus.transfer_in_progress());
    REQUIRE(bus.open_transfer_master() != nullptr);
    CHECK(std::string(bus.open_transfer_master()) == "forgetful.socket");
    // Ending the simulation says so.
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_CACHE_REPORT);
    sc_core::sc_stop();
    const sc_core::sc_report* warning = sc_core::sc_report_handler::get_cached_report();
    REQUIRE(warning != nullptr);
    CHECK_THAT(warning->get_msg(),
               Catch::Contains("forgetful.socket left its transfer open (a Start at 4700 ns "
                               "and no Stop)") &&
                   Catch::Contains("1 master(s) still waiting"));
}

TEST_CASE("sockets: after a clean transfer the bus is free and names nobody", "[bus][sockets]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    TestMaster master("master", write_then_read());
    bus.bind_initiator(master.socket);
    sc_core::sc_start();
    CHECK_FALSE(bus.transfer_in_progress());
    CHECK(bus.open_transfer_master() == nullptr);
}

namespace {
// write_then_read() as a master that promises each next step at once (next_step_follows on
// all but the Stop), on a bus with temporal decoupling `on`; how many times the master's
// thread resumed.
uint64_t run_followed_write_then_read(bool on, MemorySink& log, TestTarget& target,
                                      std::vector<uint64_t>& done_ns) {
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    bus.set_temporal_decoupling(on);
    bus.bind_target(0x10, target.socket);
    std::vector<SmbusPayload> steps = write_then_read();
    for (size_t i = 0; i + 1 < steps.size(); ++i)
        steps[i].next_step_follows = true;
    TestMaster master("master", steps);
    bus.bind_initiator(master.socket);
    const uint64_t before = process_activations();
    sc_core::sc_start();
    done_ns = master.done_ns;
    return process_activations() - before;
}

// What the first test case derives: the target's moments and the log, whatever the waits.
const std::vector<uint64_t> kWriteThenReadTargetNs = {89'700,  179'700, 279'700,
                                                      289'700, 379'700, 477'200};
const std::vector<std::string> kWriteThenReadLog = {"start@4700",     "byte@89700",  "byte@179700",
                                                    "restart@189700", "byte@279700", "byte@369700",
                                                    "byte@459700",    "stop@477200"};

std::vector<std::string> timed_events(const MemorySink& log) {
    std::vector<std::string> evs;
    for (const Event& e : log.events)
        evs.push_back(std::string(e.ev) + "@" + std::to_string(e.t_ns));
    return evs;
}
} // namespace

TEST_CASE("sockets: with temporal decoupling followed steps return a bit early and every event "
          "keeps its time",
          "[bus][sockets][timing][decoupling]") {
    MemorySink log;
    TestTarget target("target");
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, log, target, done_ns);
    CHECK(target.seen_ns == kWriteThenReadTargetNs);
    CHECK(timed_events(log) == kWriteThenReadLog);
    // Each followed step leaves its last bit period owed (the START hold of the first, then
    // each ACK bit, 10 us), so it returns when its byte is logged; the Stop returns when the
    // STOP has ended, as without decoupling (first test case: 99.7, 189.7, ... 479.7 us).
    CHECK(done_ns == std::vector<uint64_t>{89'700, 179'700, 279'700, 369'700, 459'700, 479'700});
    // The master's thread resumes from tBUF at power-up (1); the address byte's wait takes the
    // START hold with its data bits (1), the Write's its data bits with the owed ACK bit (1);
    // the Sr logs, so it waits the ACK bit out first (1), then its address byte (1); each
    // Read asks the target when the ACK before it has ended (1) and logs its byte after 8
    // data bits (1), 4 in all; the STOP takes the owed ACK bit with its period up to its SDA
    // rise, where it logs and calls the target (1), then the last quarter (1): the run's end is
    // unknown (run_until_ns() 0), so nothing acts ahead of the clock there (acts_ahead): 11.
    CHECK(resumed == 11);
}

TEST_CASE("sockets: without temporal decoupling followed steps wait out their wire time",
          "[bus][sockets][timing][decoupling]") {
    MemorySink log;
    TestTarget target("target");
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(false, log, target, done_ns);
    CHECK(target.seen_ns == kWriteThenReadTargetNs);
    CHECK(timed_events(log) == kWriteThenReadLog);
    CHECK(done_ns == std::vector<uint64_t>{99'700, 189'700, 289'700, 379'700, 469'700, 479'700});
    // tBUF (1), START hold (1), each of the 5 bytes its data bits and its ACK bit (10), the
    // Sr's period (1), the STOP's up to its SDA rise (1) and its last quarter (1): 15.
    CHECK(resumed == 15);
}

namespace {
// A MemorySink that must see each event only once the clock has reached it (as a sink that
// acts on the run, EventSink::records_early).
struct OnTimeSink : MemorySink {
    bool records_early(EventId) const override { return false; }
};
} // namespace

TEST_CASE("sockets: when the run says where it ends and every sink records early, the bus waits "
          "only to call a target that takes no delay, and at the STOP",
          "[bus][sockets][timing][decoupling]") {
    // SmbusBus::runs_ahead: with run_until_ns() known (here: no limit), nothing else due and
    // every sink taking events early, the bus logs ahead of SystemC's clock and owes the wire
    // time; TestTarget does not take delay, so before each call the bus waits the owed time
    // out (SmbusBus::deliver). The START owes the power-up tBUF (SmbusBus::bus_free_owed);
    // the address byte waits it, its START hold and data bits to call the target (1); the
    // Write its ACK bit and data bits (1); the Sr logs ahead and its address byte waits the
    // ACK bit, the Sr and its data bits (1); each Read waits the owed time to ask the target
    // (2), then logs ahead and owes its 9 bit periods; the STOP logs ahead at its SDA rise
    // and waits the last Read's 9 and its period to there to call the target (1), then its
    // last quarter (1): 7. The target is asked and each event logged at the same times.
    run_until_ns() = UINT64_MAX;
    MemorySink early;
    TestTarget target("target");
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, early, target, done_ns);
    CHECK(target.seen_ns == kWriteThenReadTargetNs);
    CHECK(timed_events(early) == kWriteThenReadLog);
    CHECK(resumed == 7);
    run_until_ns() = 0;
}

namespace {
// A TestTarget that takes delay: it sees each step at SystemC's time plus the bus's delay.
struct DelayedTarget : TestTarget {
    using TestTarget::TestTarget;
    bool takes_delay() const override { return true; }
    void transport(SmbusPayload& p) override {
        TestTarget::transport(p);
        seen_ns.back() += p.delay_ns;
        delays.push_back(p.delay_ns);
        if (p.command == SmbusCommand::Write && (wake_on_write || p.data == wake_on_data)) {
            woken.notify(ns(p.delay_ns)); // a process woken at the step's moment
            p.notified = true;
        }
    }
    bool wake_on_write = false;
    int wake_on_data = -1; // or a Write of this byte only
    sc_core::sc_event woken;
    std::vector<uint64_t> delays;
};

// Logs an event (bmc.request_available, as BmcModule's woken reader would) when `woken` fires.
struct Woken : sc_core::sc_module {
    SC_HAS_PROCESS(Woken);
    Woken(sc_core::sc_module_name n, EventSink& log, sc_core::sc_event& woken)
        : sc_module(n), log_(log) {
        SC_METHOD(run);
        sensitive << woken;
        dont_initialize();
    }
    void run() { EventBuilder(log_, sim_now_ns(), events::kBmcRequestAvailable); }
    EventSink& log_;
};
} // namespace

TEST_CASE("sockets: a target that takes delay is called ahead at its step's moment, and a clean "
          "transfer waits once, at its STOP",
          "[bus][sockets][timing][decoupling]") {
    // As the case above, but no target call needs SystemC's clock: the master's thread
    // resumes only at the STOP (1), the power-up tBUF owed with the rest. The target is
    // called at the moments derived in the first test case, each with the delay between
    // SystemC's time (0: the START owes tBUF) and the step's moment, the STOP too (at its SDA
    // rise, before the transfer's one wait).
    run_until_ns() = UINT64_MAX;
    MemorySink early;
    DelayedTarget target("target");
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, early, target, done_ns);
    CHECK(target.seen_ns == kWriteThenReadTargetNs);
    CHECK(target.delays ==
          std::vector<uint64_t>{89'700, 179'700, 279'700, 289'700, 379'700, 477'200});
    CHECK(timed_events(early) == kWriteThenReadLog);
    CHECK(resumed == 1);
    run_until_ns() = 0;
}

TEST_CASE("sockets: a process a target woke ahead of the clock runs at the step's moment, before "
          "the bus acts past it",
          "[bus][sockets][timing][decoupling]") {
    // The Write's target call (179.7 us) wakes a process there. Called at SystemC's time, the
    // target would have it run in the next delta cycle: after the byte's event (logged at the
    // ACK bit, the call's moment) and before the Sr (189.7 us). Called ahead, the process is
    // due at 179.7 us; the target says it notified (SmbusPayload::notified), and the bus,
    // which may act ahead only while nothing else is due (runs_ahead), waits for it before
    // the Sr: the same log. The master's thread resumes for the Sr (1: the owed tBUF, the
    // bytes before it, the Write's ACK bit) and at the STOP (1).
    run_until_ns() = UINT64_MAX;
    MemorySink log;
    DelayedTarget target("target");
    target.wake_on_write = true;
    Woken woken("woken", log, target.woken);
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, log, target, done_ns);
    std::vector<std::string> expected = kWriteThenReadLog;
    expected.insert(expected.begin() + 3, "request_available@179700");
    CHECK(timed_events(log) == expected);
    CHECK(target.seen_ns == kWriteThenReadTargetNs);
    CHECK(resumed == 2);
    run_until_ns() = 0;
}

TEST_CASE("sockets: a START within tBUF waits it out when another process is due before the "
          "START",
          "[bus][sockets][timing][decoupling]") {
    // SmbusBus::bus_free_owed owes the rest of tBUF only when the START (4.7 us, the power-up
    // tBUF) comes before anything else is due. A process due at 2 us logs first; the master's
    // thread then resumes from tBUF (1) and at the STOP (1), and the target's delays are
    // counted from the START's 4.7 us, as before tBUF was owed.
    run_until_ns() = UINT64_MAX;
    MemorySink log;
    DelayedTarget target("target");
    sc_core::sc_event due;
    Woken woken("woken", log, due);
    due.notify(ns(2'000));
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, log, target, done_ns);
    std::vector<std::string> expected = kWriteThenReadLog;
    expected.insert(expected.begin(), "request_available@2000");
    CHECK(timed_events(log) == expected);
    CHECK(target.delays ==
          std::vector<uint64_t>{85'000, 175'000, 275'000, 285'000, 375'000, 472'500});
    CHECK(resumed == 2);
    run_until_ns() = 0;
}

TEST_CASE("sockets: a Read byte takes two waits when a sink wanting its event must see it on time",
          "[bus][sockets][timing][decoupling]") {
    // The same run, but the sink's records_early() is false: the bus logs each Read byte only
    // when its data bits have passed, and the STOP at its SDA rise, so 11 resumptions, as in
    // the first decoupling case.
    run_until_ns() = UINT64_MAX;
    OnTimeSink on_time;
    TestTarget target("target");
    std::vector<uint64_t> done_ns;
    const uint64_t resumed = run_followed_write_then_read(true, on_time, target, done_ns);
    CHECK(timed_events(on_time) == kWriteThenReadLog);
    CHECK(resumed == 11);
    run_until_ns() = 0;
}

namespace {
// A sink that takes every event early but wants no bus.byte: its events are the bus's START,
// Sr and STOP and the target's, whatever the bursts' hand-over (SmbusBus::burst_ahead).
struct ByteBlindSink : MemorySink {
    bool wants(EventId id) const override { return id != events::kBusByte; }
};

// A DelayedTarget that counts its SmbusTargetIf::transport_burst calls (the default's steps
// come through transport, noted there).
struct BurstTarget : DelayedTarget {
    using DelayedTarget::DelayedTarget;
    void transport_burst(SmbusPayload& p, uint64_t stride_ns) override {
        ++burst_calls;
        SmbusTargetIf::transport_burst(p, stride_ns);
    }
    unsigned burst_calls = 0;
};

// S addr+W, a burst of 4 Writes (0x01..0x04), Sr addr+R, a burst of 3 Reads, P: every step
// but the Stop followed, on a decoupled bus whose run ends nowhere; how many times the
// master's thread resumed.
uint64_t run_followed_bursts(EventSink& log, SmbusTargetSocket& socket,
                             std::vector<SmbusPayload>& done, uint8_t (&got)[3],
                             uint64_t* wire_bytes = nullptr) {
    run_until_ns() = UINT64_MAX;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    bus.bind_target(0x10, socket);
    static uint8_t sent[] = {0x01, 0x02, 0x03, 0x04};
    std::vector<SmbusPayload> steps = {start(0x10, false), write_burst(sent, 4), start(0x10, true),
                                       read_burst(got, 3), stop()};
    for (size_t i = 0; i + 1 < steps.size(); ++i)
        steps[i].next_step_follows = true;
    TestMaster master("master", steps);
    bus.bind_initiator(master.socket);
    const uint64_t before = process_activations();
    sc_core::sc_start();
    done = master.done;
    if (wire_bytes)
        *wire_bytes = bus.wire_bytes();
    run_until_ns() = 0;
    return process_activations() - before;
}

// The target's moments in run_followed_bursts, from the first test case's rule: the address
// byte at the START (4.7 us) + its hold (5 us) + 8 data bits (80 us); each Write 90 us after
// the byte before; the Sr (logged as it begins) when the last Write's ACK bit ends (+10 us),
// its address byte's 8 data bits 10 + 80 us later; each Read as the ACK bit before it ends
// (+10 us, then 90 us apart); the STOP at its SDA rise, when the last Read's 9 bits and three
// quarters of its own period have passed (+97.5 us).
const std::vector<uint64_t> kBurstsTargetNs = {89'700,  179'700, 269'700, 359'700, 449'700,
                                               549'700, 559'700, 649'700, 739'700, 837'200};
// Their delays when nothing else is due: SystemC's time stays 0 up to the transfer's one wait
// (the START owes tBUF), after the STOP's call.
const std::vector<uint64_t> kBurstsDelaysNs = {89'700,  179'700, 269'700, 359'700, 449'700,
                                               549'700, 559'700, 649'700, 739'700, 837'200};
} // namespace

TEST_CASE("sockets: a clean burst's steps reach a target that takes delay in one call and each at "
          "its own moment",
          "[bus][sockets][timing][decoupling][burst]") {
    // A clean transfer with no wires drawn: the bus hands each burst over at once
    // (transport_burst: one call for the 4 Writes, one for the 3 Reads). The target sees every step
    // at the moment the steps one by one reach it (kBurstsTargetNs), each with its delay from
    // SystemC's time (kBurstsDelaysNs, as in the case "a target that takes delay is called ahead
    // ...").
    ByteBlindSink log;
    BurstTarget target("target");
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    uint64_t wire_bytes = 0;
    const uint64_t resumed = run_followed_bursts(log, target.socket, done, got, &wire_bytes);
    CHECK(target.burst_calls == 2);
    CHECK(target.seen_ns == kBurstsTargetNs);
    CHECK(target.delays == kBurstsDelaysNs);
    CHECK(target.seen_data[1] == 0x01);
    CHECK(target.seen_data[4] == 0x04);
    CHECK(timed_events(log) ==
          std::vector<std::string>{"start@4700", "restart@459700", "stop@837200"});
    CHECK(resumed == 1);
    // The bytes read (the target's 0xa0.. in turn), the bursts' answers, the wire bytes
    // counted: 2 addresses, 4 Writes, 3 Reads.
    CHECK(std::vector<uint8_t>(got, got + 3) == std::vector<uint8_t>{0xa0, 0xa1, 0xa2});
    REQUIRE(done.size() == 5);
    CHECK(done[1].steps_done == 4);
    CHECK(done[1].response == SmbusResponse::Ack);
    CHECK(done[3].steps_done == 3);
    CHECK(done[3].data == 0xa2);
    CHECK(!done[3].master_ack);
    CHECK(wire_bytes == 9);
}

namespace {
// A BurstTarget that logs each step it takes (bmc.request_available, at the step's moment),
// into the log the bus writes the bytes' events to.
struct LoggingBurstTarget : BurstTarget {
    LoggingBurstTarget(sc_core::sc_module_name n, EventSink& log) : BurstTarget(n), log_(log) {}
    void transport(SmbusPayload& p) override {
        BurstTarget::transport(p);
        EventBuilder(log_, seen_ns.back(), events::kBmcRequestAvailable).num("data", p.data);
    }
    EventSink& log_;
};

// Each event as "ev@t_ns" with its fields' values.
std::vector<std::string> events_with_values(const MemorySink& log) {
    std::vector<std::string> evs;
    for (const Event& e : log.events) {
        std::string text = std::string(e.ev) + "@" + std::to_string(e.t_ns);
        for (const Field& f : e.fields)
            if (const auto* n = std::get_if<int64_t>(&f.value))
                text += " " + std::to_string(*n);
            else if (const auto* h = std::get_if<Hex8>(&f.value))
                text += " " + hex_byte(h->value);
        evs.push_back(text);
    }
    return evs;
}
} // namespace

TEST_CASE("sockets: with a sink that wants bus.byte each burst still goes over in one call and "
          "the log is that of the steps one by one",
          "[bus][sockets][timing][decoupling][burst]") {
    // Every event wanted: each byte's event lies between two of the target's calls. The
    // bus still hands each burst over (2 transport_burst calls) and logs each step's byte as
    // the target is about to take the next (SmbusStepObserver::before_step), so the log is
    // the steps one by one's: each target call at its moment (kBurstsTargetNs) with the byte
    // it saw or gave, and each byte's event at its ACK bit, after the call for it (send:
    // deliver, then ack_bit; read_done after the Read's call): a Write's or an address's ACK
    // bit begins at the moment the target sees it (its 8 data bits end), a Read's 80 us
    // after the call that supplied it. The START at 4.7 us, the Sr as it begins (459.7 us),
    // the STOP logged before its target call (SmbusBus::stop), which carries data 0.
    MemorySink log;
    LoggingBurstTarget target("target", log);
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    const uint64_t resumed = run_followed_bursts(log, target.socket, done, got);
    CHECK(target.burst_calls == 2);
    CHECK(target.seen_ns == kBurstsTargetNs);
    CHECK(target.delays == kBurstsDelaysNs);
    CHECK(std::vector<uint8_t>(got, got + 3) == std::vector<uint8_t>{0xa0, 0xa1, 0xa2});
    CHECK(resumed == 1);
    const std::string call = "request_available@";
    CHECK(events_with_values(log) ==
          std::vector<std::string>{
              "start@4700",
              call + "89700 32", // 0x10 << 1, W
              "byte@89700 0x20",   call + "179700 1",   "byte@179700 0x01", call + "269700 2",
              "byte@269700 0x02",  call + "359700 3",   "byte@359700 0x03", call + "449700 4",
              "byte@449700 0x04",  "restart@459700",
              call + "549700 33", // R
              "byte@549700 0x21",
              call + "559700 160", // 0xa0
              "byte@639700 0xa0",  call + "649700 161", "byte@729700 0xa1", call + "739700 162",
              "byte@819700 0xa2",  "stop@837200",       call + "837200 0"});
}

namespace {
// A BurstTarget whose transport_burst takes every step through transport() but never tells
// the bus's step observer.
struct SilentBurstTarget : BurstTarget {
    using BurstTarget::BurstTarget;
    void transport_burst(SmbusPayload& p, uint64_t stride_ns) override {
        p.step_observer = nullptr;
        BurstTarget::transport_burst(p, stride_ns);
    }
};
} // namespace

TEST_CASE("sockets: a transport_burst that does not call before_step is an error naming the "
          "target",
          "[bus][sockets][burst]") {
    // With the bytes' events wanted, the 4 Writes' call must make 3 before_step calls.
    MemorySink log;
    SilentBurstTarget target("silent");
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    CHECK_THROWS_WITH(run_followed_bursts(log, target.socket, done, got),
                      Catch::Contains("silent") && Catch::Contains("took 4 steps") &&
                          Catch::Contains("it must make 3"));
    run_until_ns() = 0;
}

TEST_CASE("sockets: a burst's target call that notifies ends there and the bus waits for what it "
          "woke",
          "[bus][sockets][timing][decoupling][burst]") {
    // The Write of 0x02 (269.7 us) wakes a process there. transport_burst stops after it:
    // 0x01 and 0x02 in one call. The next step's data bits end after the woken process is
    // due (runs_ahead), so the bus waits them out (the thread resumes: 1) and the process logs
    // at 269.7 us; 0x03 reaches the target at SystemC's time (delay 0) and 0x04 ahead again
    // by one byte (90 us). The Sr, its address byte and the Reads (one call) run ahead from
    // 359.7 us, and so does the STOP's call at its SDA rise (837.2 us, 477.5 us ahead), before
    // the transfer's wait (1). The moments are those of the steps one by one.
    ByteBlindSink log;
    BurstTarget target("target");
    target.wake_on_data = 0x02;
    Woken woken("woken", log, target.woken);
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    const uint64_t resumed = run_followed_bursts(log, target.socket, done, got);
    CHECK(target.burst_calls == 2);
    CHECK(target.seen_ns == kBurstsTargetNs);
    CHECK(target.delays == std::vector<uint64_t>{89'700, 179'700, 269'700, 0, 90'000, 190'000,
                                                 200'000, 290'000, 380'000, 477'500});
    CHECK(timed_events(log) == std::vector<std::string>{"start@4700", "request_available@269700",
                                                        "restart@459700", "stop@837200"});
    CHECK(resumed == 2);
}

TEST_CASE("sockets: a burst's Write the target NAKs ends the burst in its one call",
          "[bus][sockets][decoupling][burst]") {
    // 0x03 is NAKed: the call takes 0x01..0x03 and stops; the burst answers Nak after 3
    // steps, and 0x04 never reaches the wires (wire bytes: the two addresses and three).
    ByteBlindSink log;
    BurstTarget target("target");
    target.nak_data = 0x03;
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    uint64_t wire_bytes = 0;
    run_followed_bursts(log, target.socket, done, got, &wire_bytes);
    REQUIRE(done.size() == 5);
    CHECK(done[1].steps_done == 3);
    CHECK(done[1].response == SmbusResponse::Nak);
    CHECK(target.seen_data[3] == 0x03);
    CHECK(target.seen[4] == SmbusCommand::Start);
    CHECK(target.burst_calls == 2);
    CHECK(wire_bytes == 2 + 3 + 3);
}

namespace {
// A BurstTarget whose transport_burst answers steps_done `taken` without taking any step.
struct MiscountingTarget : BurstTarget {
    using BurstTarget::BurstTarget;
    void transport_burst(SmbusPayload& p, uint64_t) override {
        ++burst_calls;
        p.steps_done = taken;
    }
    unsigned taken = 0;
};
} // namespace

TEST_CASE("sockets: a transport_burst that takes no step is an error naming the target",
          "[bus][sockets][burst]") {
    // SmbusTargetIf::transport_burst must take 1 to data_length steps (steps_done).
    ByteBlindSink log;
    MiscountingTarget target("miscounting");
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    CHECK_THROWS_WITH(run_followed_bursts(log, target.socket, done, got),
                      Catch::Contains("miscounting") &&
                          Catch::Contains("transport_burst() of 4 steps with steps_done 0"));
    run_until_ns() = 0;
}

TEST_CASE("sockets: when errors do not throw, a transport_burst that took no step is followed "
          "by the steps one by one",
          "[bus][sockets][burst]") {
    // Each burst's call is reported (2 errors) and its steps then go through transport(), at
    // the moments the steps one by one have (kBurstsTargetNs).
    errors_do_not_throw();
    ByteBlindSink log;
    MiscountingTarget target("miscounting");
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    run_followed_bursts(log, target.socket, done, got);
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 2);
    CHECK(target.burst_calls == 2);
    CHECK(target.seen_ns == kBurstsTargetNs);
    REQUIRE(done.size() == 5);
    CHECK(done[1].steps_done == 4);
    CHECK(done[3].steps_done == 3);
}

namespace {
// A RecordingSlave that takes delay: it notes each event at SystemC's time plus its delay.
struct DelayedRecordingSlave : RecordingSlave {
    bool takes_delay() const override { return true; }
    SlaveAnswer on_delayed_event(SlaveEvent ev, uint8_t& val, uint64_t delay_ns,
                                 bool& notified) override {
        notified = false;
        const SlaveAnswer answer = on_event(ev, val);
        events.back() =
            std::string(slave_event_name(ev)) + "@" + std::to_string(sim_now_ns() + delay_ns);
        return answer;
    }
};
} // namespace

TEST_CASE("LinuxSlaveTarget: a burst's slave events in one call in the Linux order at the wire "
          "moments",
          "[bus][sockets][slave][burst]") {
    // LinuxSlaveTarget::transport_burst: the Writes are WRITE_RECEIVED, the first Read the
    // byte READ_REQUESTED supplied, each further one READ_PROCESSED; at kBurstsTargetNs.
    ByteBlindSink log;
    DelayedRecordingSlave slave;
    LinuxSlaveTarget target("target", slave);
    std::vector<SmbusPayload> done;
    uint8_t got[3] = {};
    run_followed_bursts(log, target.socket, done, got);
    CHECK(slave.events == std::vector<std::string>{"write_requested@89700", "write_received@179700",
                                                   "write_received@269700", "write_received@359700",
                                                   "write_received@449700", "read_requested@549700",
                                                   "read_processed@649700", "read_processed@739700",
                                                   "stop@837200"});
    CHECK(std::vector<uint8_t>(got, got + 3) == std::vector<uint8_t>{0x40, 0x41, 0x42});
}

namespace {
// A master on an SmbusController that makes the calls the controller refuses.
struct RefusedCalls : sc_core::sc_module {
    SC_HAS_PROCESS(RefusedCalls);
    explicit RefusedCalls(sc_core::sc_module_name n, EventSink& log)
        : sc_module(n), controller("controller", log) {
        SC_THREAD(run);
    }
    void run() {
        results.push_back(controller.i2c_read(0x50, 0));
        results.push_back(controller.block_write(0x10, 0x02, Bytes(256, 0xaa), true));
    }
    SmbusController controller;
    std::vector<SmbusResult> results;
};
} // namespace

TEST_CASE("controller: an i2c_read of 0 bytes is refused", "[bus][sockets][controller]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    RefusedCalls master("master", log);
    bus.bind_initiator(master.controller.socket);
    CHECK_THROWS_WITH(sc_core::sc_start(), Catch::Contains("i2c_read to 0x50: a read of 0 bytes"));
}

TEST_CASE("controller: when errors do not throw, refused calls are BadLength and stay off the "
          "bus",
          "[bus][sockets][controller]") {
    errors_do_not_throw();
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    RefusedCalls master("master", log);
    bus.bind_initiator(master.controller.socket);
    sc_core::sc_start();
    CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 2);
    REQUIRE(master.results.size() == 2);
    for (const SmbusResult& r : master.results) {
        CHECK(r.status == SmbusStatus::BadLength);
        CHECK(r.end_ns == 0);
    }
    CHECK(bus.wire_bytes() == 0);
    CHECK(log.events.empty());
}

TEST_CASE("sockets: without sc_stop, the bus names the master that left its transfer open as "
          "it is destroyed",
          "[bus][sockets]") {
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_CACHE_REPORT);
    {
        NullSink log;
        SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
        TestTarget target("target");
        bus.bind_target(0x10, target.socket);
        TestMaster forgetful("forgetful", {start(0x10, false)});
        bus.bind_initiator(forgetful.socket);
        sc_core::sc_start();
        CHECK(sc_core::sc_report_handler::get_cached_report() == nullptr);
    }
    const sc_core::sc_report* warning = sc_core::sc_report_handler::get_cached_report();
    REQUIRE(warning != nullptr);
    CHECK_THAT(warning->get_msg(), Catch::Contains("forgetful.socket left its transfer open"));
}

namespace {
// Two targets' SMBALERT# outputs, each pulled low at its time; and a host's input that notes
// when the line fell and rose.
struct AlertingTargets : sc_core::sc_module {
    AlertOutPort low_target{"low_target"};   // 0x10
    AlertOutPort high_target{"high_target"}; // 0x20
    SC_HAS_PROCESS(AlertingTargets);
    explicit AlertingTargets(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        wait_for(10'000);
        high_target->write(true);
        wait_for(1'000);
        low_target->write(true);
    }
};
struct AlertInput : sc_core::sc_module {
    AlertInPort smbalert{"smbalert"};
    SC_HAS_PROCESS(AlertInput);
    explicit AlertInput(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        for (;;) {
            wait_on(smbalert->value_changed_event());
            changes.emplace_back(sim_now_ns(), smbalert->read());
        }
    }
    std::vector<std::pair<uint64_t, bool>> changes;
};
} // namespace

TEST_CASE("SMBALERT#: the wired-AND of the targets' pins, the ARA answers the lowest address "
          "and releases it",
          "[bus][alert]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    AlertLine line("smbalert");
    LinuxSlaveTarget ara("ara", line);
    bus.bind_target(AlertLine::kAlertResponseAddress, ara.socket);
    AlertingTargets targets("targets");
    targets.low_target(line.pin(0x10));
    targets.high_target(line.pin(0x20));
    AlertInput host("host");
    host.smbalert(line.smbalert);
    // Three Receive Bytes from 0x0C from 100 us on, each S 0x19 byte(NAK) P: 5 + 90 + 90 + 10
    // = 195 us, then tBUF 4.7 us before the next START.
    const std::vector<SmbusPayload> ara_read = {start(AlertLine::kAlertResponseAddress, true),
                                                read(false), stop()};
    std::vector<SmbusPayload> steps;
    for (int i = 0; i < 3; ++i)
        steps.insert(steps.end(), ara_read.begin(), ara_read.end());
    TestMaster master("master", steps, 100'000);
    bus.bind_initiator(master.socket);
    sc_core::sc_start();

    REQUIRE(master.done.size() == 9);
    // SMBus 2.0 appendix A: the lowest address wins the ARA arbitration (its address in bits
    // 7:1) and lets go; then the other; then nobody asserts and nobody ACKs 0x0C.
    CHECK(master.done[0].response == SmbusResponse::Ack);
    CHECK(master.done[1].data == 0x10 << 1);
    CHECK(master.done[3].response == SmbusResponse::Ack);
    CHECK(master.done[4].data == 0x20 << 1);
    CHECK(master.done[6].response == SmbusResponse::Nak);
    // The line fell when the first pin was pulled (10 us) and rose when the second ARA read
    // released the last pin: at its address byte's 8th bit, 100 + 199.7 + 5 + 80 us.
    const std::vector<std::pair<uint64_t, bool>> expected = {{10'000, true}, {384'700, false}};
    CHECK(host.changes == expected);
}

TEST_CASE("a BMC bound at another address than its BmcConfig::addr7 is warned about once",
          "[bus][bmc]") {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    ssif::BmcConfig config; // addr7 0x10
    ssif::BmcModule bmc("bmc", config, log, nullptr);
    LinuxSlaveTarget target("bmc_slave", bmc);
    bus.bind_target(0x11, target.socket);
    // Two single-part writes to 0x11 (S 0x22 0x02 count data... P): the first warns.
    TestMaster master("master", {start(0x11, false), write(0x02), write(0x02), write(0x18),
                                 write(0x01), stop(), start(0x11, false), write(0x02), stop()});
    bus.bind_initiator(master.socket);
    sc_core::sc_report_handler::set_actions("ssifsim/bmc address", sc_core::SC_LOG);
    sc_core::sc_start();
    CHECK(sc_core::sc_report_handler::get_count("ssifsim/bmc address") == 1);
}

namespace {
// Faults every tagged transfer the same way, and counts the transfers it was asked about.
struct FixedFault : TransferFaultSource {
    TransferFault next_transfer(const TransferTag& tag) override {
        asked.push_back(tag.command);
        return fault;
    }
    TransferFault fault;
    std::vector<uint8_t> asked;
};
struct Applied : FaultObserver {
    void fault_applied(int fault_id, uint64_t t_ns) override {
        ids.push_back(fault_id);
        at_ns.push_back(t_ns);
    }
    std::vector<int> ids;
    std::vector<uint64_t> at_ns;
};
} // namespace

namespace {
// What a write to 0x10 (its Start tagged with `tag`) made of `steps` after the Start showed,
// through a fault injector whose source corrupts the write PEC (fault 3).
struct CorruptPecRun {
    std::vector<uint8_t> asked;      // the source was asked about these commands
    std::vector<uint8_t> seen_data;  // the target's steps' bytes
    std::vector<std::string> faults; // "<ev>@<t_ns> fault <id> byte <n>"
    std::vector<int> applied_ids;    // as the injector's observer heard them
    std::vector<uint64_t> applied_ns;
    std::vector<SmbusPayload> done; // the master's steps as answered
};
CorruptPecRun run_corrupt_pec(TransferTag& tag, std::vector<SmbusPayload> steps) {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    SmbusPayload s = start(0x10, false);
    s.tag = &tag;
    steps.insert(steps.begin(), s);
    steps.push_back(stop());
    TestMaster master("master", steps);
    FixedFault source;
    source.fault.id = 3;
    source.fault.corrupt_pec = true;
    SmbusFaultInjector faults("faults", log);
    faults.set_source(&source);
    Applied applied;
    faults.add_fault_observer(&applied);
    master.socket.bind(faults.target_socket);
    bus.bind_initiator(faults.initiator_socket);
    sc_core::sc_start();

    CorruptPecRun run{source.asked, target.seen_data, {}, applied.ids, applied.at_ns, master.done};
    for (const Event& e : log.events)
        if (is_fault(e))
            run.faults.push_back(std::string(e.ev) + "@" + std::to_string(e.t_ns) + " fault " +
                                 std::to_string(std::get<int64_t>(e.fields[0].value)) + " byte " +
                                 std::to_string(std::get<int64_t>(e.fields[1].value)));
    return run;
}
} // namespace

TEST_CASE("fault injector: a tagged write's PEC byte goes out inverted and is logged with its "
          "wire byte",
          "[bus][sockets][fault]") {
    // S addr+W, command 0x02, count 1, 0x18, PEC 0x55 (marked), P.
    TransferTag tag{7, false, 0x02};
    SmbusPayload pec = write(0x55);
    pec.pec = true;
    const CorruptPecRun run = run_corrupt_pec(tag, {write(0x02), write(0x01), write(0x18), pec});

    CHECK(run.asked == std::vector<uint8_t>{0x02}); // once, on the transfer's Start
    CHECK(tag.fault_id == 3);
    // The target got ~0x55 = 0xaa for the PEC; the other bytes as sent.
    CHECK(run.seen_data == std::vector<uint8_t>{0x20, 0x02, 0x01, 0x18, 0xaa, 0x00});
    // The fault event when the master sends its PEC: after START (4.7 + 5 us) and four bytes
    // of 90 us; its wire byte is 4 (the address is 0).
    const uint64_t pec_ns = 4'700 + 5'000 + 4 * 90'000;
    CHECK(run.faults ==
          std::vector<std::string>{"corrupt_pec@" + std::to_string(pec_ns) + " fault 3 byte 4"});
    CHECK(run.applied_ids == std::vector<int>{3});
    CHECK(run.applied_ns == std::vector<uint64_t>{pec_ns});
}

TEST_CASE("fault injector: a burst's PEC byte goes out inverted and is logged at its own step",
          "[bus][sockets][fault][burst]") {
    // The previous case's transfer with its four bytes after the address in one burst.
    TransferTag tag{7, false, 0x02};
    uint8_t bytes[] = {0x02, 0x01, 0x18, 0x55};
    SmbusPayload burst = write_burst(bytes, 4);
    burst.pec = true;
    const CorruptPecRun run = run_corrupt_pec(tag, {burst});

    CHECK(run.seen_data == std::vector<uint8_t>{0x20, 0x02, 0x01, 0x18, 0xaa, 0x00});
    // As there: the PEC is sent after START (4.7 + 5 us) and four bytes of 90 us, wire byte 4.
    const uint64_t pec_ns = 4'700 + 5'000 + 4 * 90'000;
    CHECK(run.faults ==
          std::vector<std::string>{"corrupt_pec@" + std::to_string(pec_ns) + " fault 3 byte 4"});
    CHECK(run.applied_ns == std::vector<uint64_t>{pec_ns});
    REQUIRE(run.done.size() == 3);
    CHECK(run.done[1].steps_done == 4);
    CHECK(run.done[1].response == SmbusResponse::Ack);
}

TEST_CASE("fault injector: an untagged transfer passes clean and uncounted and a fault that "
          "kills the master hands back its off time",
          "[bus][sockets][fault]") {
    MemorySink log;
    SmbusBus bus("bus", SmbusTiming{100000}, log, nullptr);
    TestTarget target("target");
    bus.bind_target(0x10, target.socket);
    // An untagged write with a marked PEC, then a tagged one the fault kills after the
    // address: the master gets Abandoned for its next byte, the tag the off time.
    SmbusPayload pec = write(0x55);
    pec.pec = true;
    TransferTag tag{0, false, 0x00};
    SmbusPayload tagged = start(0x10, false);
    tagged.tag = &tag;
    TestMaster master("master", {start(0x10, false), pec, stop(), tagged, write(0x01), stop()});
    FixedFault source;
    source.fault.id = 0;
    source.fault.corrupt_pec = true;
    source.fault.abandon_after_bytes = 1;
    source.fault.off_ns = 2'000'000;
    SmbusFaultInjector faults("faults", log);
    faults.set_source(&source);
    master.socket.bind(faults.target_socket);
    bus.bind_initiator(faults.initiator_socket);
    sc_core::sc_start();

    CHECK(source.asked.size() == 1); // the tagged transfer only
    REQUIRE(master.done.size() == 6);
    CHECK(master.done[1].response == SmbusResponse::Ack);
    CHECK(target.seen_data[1] == 0x55); // the untagged PEC as sent
    CHECK(master.done[4].response == SmbusResponse::Abandoned);
    CHECK(tag.fault_id == 0);
    CHECK(tag.off_ns == 2'000'000);
}
