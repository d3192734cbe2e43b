// The bus's timing, from the bit counts: START is half a period, every byte 9 periods
// (8 data bits + ACK), a repeated START and a STOP one period each.
#include <catch2/catch.hpp>
#include <sstream>
#include <systemc>
#include <utility>

#include "models/common/vcd_writer.h"
#include "models/smbus/bus.h"
#include "models/smbus/controller.h"
#include "models/smbus/fault_injector.h"
#include "models/smbus/linux_slave_target.h"
#include "tools/capture.h"

using namespace ssifsim;
using namespace ssifsim::smbus;

TEST_CASE("durations of a 32-byte block write from the bit counts", "[bus][timing]") {
    // addr+W, command, count, 32 data bytes: 35 bytes of 9 bits each.
    SmbusTiming t100{100000};
    // 100 kHz: period 10 us. START 5 us + 35 x 90 us + STOP 10 us = 3165 us.
    CHECK(t100.bit_ns() == 10000);
    CHECK(t100.block_write_ns(32, false) == 5000 + 35 * 90000 + 10000);
    CHECK(t100.block_write_ns(32, false) == 3165000);
    // With PEC one byte more: 3255 us.
    CHECK(t100.block_write_ns(32, true) == 3255000);
    SmbusTiming t400{400000};
    // 400 kHz: period 2.5 us. START 1.25 us + 35 x 22.5 us + STOP 2.5 us = 791.25 us.
    CHECK(t400.bit_ns() == 2500);
    CHECK(t400.block_write_ns(32, false) == 791250);
    // Bus free time between STOP and START by speed class (SMBus tBUF).
    CHECK(t100.bus_free_ns() == 4700);
    CHECK(t400.bus_free_ns() == 1300);
    CHECK(SmbusTiming{1000000}.bus_free_ns() == 500);
}

namespace {
// A target that ACKs everything and answers reads with a fixed block.
class AckSlave : public SmbusSlave {
  public:
    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override {
        events.push_back(ev);
        if (ev == SlaveEvent::ReadRequested)
            val = 2, next = 0;
        else if (ev == SlaveEvent::ReadProcessed)
            val = next < 2 ? static_cast<uint8_t>(0xa0 + next++) : 0;
        return SlaveAnswer::Ack;
    }
    std::vector<SlaveEvent> events;
    int next = 0;
};

struct Master : sc_core::sc_module {
    SC_HAS_PROCESS(Master);
    Master(sc_core::sc_module_name n, SmbusController& b) : sc_module(n), controller(b) {
        SC_THREAD(run);
    }
    void run() {
        write = controller.block_write(0x10, 0x02, Bytes(32, 0x5a), false);
        read = controller.block_read(0x10, 0x03, false);
    }
    SmbusController& controller;
    SmbusResult write, read;
};

void simulate_32_byte_write(uint32_t freq, uint64_t expected_ns) {
    NullSink log;
    SmbusBus bus("bus", SmbusTiming{freq}, log, nullptr);
    AckSlave slave;
    LinuxSlaveTarget target("target", slave);
    bus.bind_target(0x10, target.socket);
    SmbusController controller("controller", log);
    bus.bind_initiator(controller.socket);
    Master master("master", controller);
    sc_core::sc_start();
    REQUIRE(master.write.ok());
    CHECK(master.write.end_ns - master.write.start_ns == expected_ns);
    // The read: addr+W, cmd, Sr, addr+R, count 2, 2 data bytes = 6 bytes + START, Sr, STOP.
    REQUIRE(master.read.ok());
    CHECK(master.read.data == Bytes{0xa0, 0xa1});
    CHECK(master.read.end_ns - master.read.start_ns == SmbusTiming{freq}.block_read_ns(2, false));
    // The read started after the bus free time following the write's STOP.
    CHECK(master.read.start_ns - master.write.end_ns == SmbusTiming{freq}.bus_free_ns());
    // Slave events: the write's 35 bytes, its STOP, then the read: WRITE_REQUESTED,
    // WRITE_RECEIVED (command), READ_REQUESTED (count), READ_PROCESSED x2, STOP.
    REQUIRE(slave.events.size() == 35 + 1 + 6);
    CHECK(slave.events[0] == SlaveEvent::WriteRequested);
    CHECK(slave.events[35] == SlaveEvent::Stop);
    CHECK(slave.events[36] == SlaveEvent::WriteRequested);
    CHECK(slave.events[38] == SlaveEvent::ReadRequested);
    CHECK(slave.events[39] == SlaveEvent::ReadProcessed);
    CHECK(slave.events[40] == SlaveEvent::ReadProcessed);
    CHECK(slave.events[41] == SlaveEvent::Stop);
}
} // namespace

TEST_CASE("a simulated 32-byte block write takes 3165 us at 100 kHz", "[bus][timing]") {
    simulate_32_byte_write(100000, 3165000);
}

TEST_CASE("a simulated 32-byte block write takes 791.25 us at 400 kHz", "[bus][timing]") {
    simulate_32_byte_write(400000, 791250);
}

namespace {
// A master making one tagged 2-byte block write (`data`), at 100 kHz.
struct FaultedWriter : sc_core::sc_module {
    SC_HAS_PROCESS(FaultedWriter);
    FaultedWriter(sc_core::sc_module_name n, SmbusController& b, Bytes d = Bytes{0x18, 0x01})
        : sc_module(n), controller(b), data(std::move(d)) {
        SC_THREAD(run);
    }
    void run() { result = controller.block_write(0x10, 0x02, data, false, &tag); }
    SmbusController& controller;
    Bytes data;
    TransferTag tag{1, false, 0x02};
    SmbusResult result;
};

// Faults every tagged transfer the same way.
struct FixedFault : TransferFaultSource {
    explicit FixedFault(TransferFault f) : fault(f) {}
    TransferFault next_transfer(const TransferTag&) override { return fault; }
    TransferFault fault;
};

struct StopTimes : SmbusSlave {
    SlaveAnswer on_event(SlaveEvent ev, uint8_t&) override {
        if (ev == SlaveEvent::Stop)
            stops_ns.push_back(sim_now_ns());
        return SlaveAnswer::Ack;
    }
    std::vector<uint64_t> stops_ns;
};

struct Records : TransferObserver {
    void transfer_done(const TransferRecord& t) override {
        longest_low_ns = t.longest_low_ns;
        target_stretch_ns = t.target_stretch_ns;
        count = t.count;
    }
    uint64_t longest_low_ns = 0, target_stretch_ns = 0;
    int count = -1;
};

// A line held low before wire byte `after_bytes` for `ns`, `repeats` byte gaps in a row.
TransferFault held(TransferFault::Holder who, int after_bytes, uint64_t ns, int repeats = 1) {
    TransferFault f;
    f.id = 0;
    f.hold = who;
    f.hold_after_bytes = after_bytes;
    f.hold_repeats = repeats;
    f.hold_ns = ns;
    return f;
}

// The bus, a Linux slave at 0x10 that records its STOPs, and a controller whose every
// transfer is faulted with `fault`.
struct FaultedBus {
    explicit FaultedBus(TransferFault fault, SmbusTiming timing = SmbusTiming{100000},
                        VcdWriter* vcd = nullptr)
        : bus("bus", timing, log, vcd), source(fault) {
        bus.bind_target(0x10, target.socket);
        faults.set_source(&source);
        controller.socket.bind(faults.target_socket);
        bus.bind_initiator(faults.initiator_socket);
    }
    NullSink log;
    SmbusBus bus;
    StopTimes slave;
    LinuxSlaveTarget target{"target", slave};
    SmbusController controller{"controller", log};
    FixedFault source;
    SmbusFaultInjector faults{"faults", log};
};

// The wires drawn into `vcd_text` (in time order: the writer throws otherwise) decode as one
// block write 0x02 of `data`, every byte ACKed (tools/capture.h); that transfer.
tools::CapturedTransfer decode_whole_write(const std::string& vcd_text, const Bytes& data) {
    std::istringstream in(vcd_text);
    const tools::Capture cap = tools::decode_vcd(in, "held.vcd", {});
    REQUIRE(cap.transfers.size() == 1);
    const tools::CapturedTransfer& t = cap.transfers[0];
    CHECK(std::string(t.op) == "block_write");
    CHECK(t.command == 0x02);
    CHECK(t.data == data);
    REQUIRE(t.bytes.size() == 5);
    for (const tools::WireByte& b : t.bytes)
        CHECK(b.ack);
    return t;
}
} // namespace

TEST_CASE("a clock stretch within the adapter timeout lengthens the transfer by its length",
          "[bus][timing][fault]") {
    FaultedBus rig(held(TransferFault::Holder::TargetScl, 1, 10'000'000, 2));
    Records records;
    rig.bus.add_observer(&records);
    // After the address and after the command.
    FaultedWriter w("w", rig.controller);
    sc_core::sc_start();
    REQUIRE(w.result.ok());
    // 5 bytes (addr, cmd, count, 2 data): 5000 + 5 x 90000 + 10000 = 465 us, plus 2 x 10 ms.
    CHECK(w.result.end_ns - w.result.start_ns == 465'000 + 20'000'000);
    CHECK(records.target_stretch_ns == 20'000'000);
    CHECK(records.longest_low_ns == 10'000'000);
    CHECK(records.count == 2);
}

TEST_CASE("SCL held past the adapter timeout: -ETIMEDOUT at the timeout, the STOP at the "
          "release",
          "[bus][timing][fault]") {
    SmbusTiming timing{100000};
    timing.adapter_timeout_ns = 35'000'000;
    FaultedBus rig(held(TransferFault::Holder::DeviceScl, 3, 50'000'000), timing);
    // After the count byte.
    FaultedWriter w("w", rig.controller);
    sc_core::sc_start();
    CHECK(w.result.status == SmbusStatus::Timeout);
    CHECK(w.result.end_ns - w.result.start_ns == 35'000'000);
    // Held from START (5 us) + 3 bytes (270 us) for 50 ms; then the master draws its STOP,
    // whose SDA rise, the STOP condition the target sees, comes three quarters (7.5 us) in.
    REQUIRE(rig.slave.stops_ns.size() == 1);
    CHECK(rig.slave.stops_ns[0] == w.result.start_ns + 5'000 + 270'000 + 50'000'000 + 7'500);
}

TEST_CASE("SDA held: the master loses the arbitration at its first 1 bit, the release is the "
          "STOP",
          "[bus][timing][fault]") {
    FaultedBus rig(held(TransferFault::Holder::DeviceSda, 1, 30'000'000));
    // After the address: the command 0x02 = 0b00000010.
    FaultedWriter w("w", rig.controller);
    sc_core::sc_start();
    CHECK(w.result.status == SmbusStatus::ArbitrationLost);
    // START 5 us + address 90 us; the 1 is bit 6: six 0 bits (60 us) and half a period.
    CHECK(w.result.end_ns - w.result.start_ns == 5'000 + 90'000 + 60'000 + 5'000);
    REQUIRE(rig.slave.stops_ns.size() == 1);
    CHECK(rig.slave.stops_ns[0] == w.result.start_ns + 5'000 + 90'000 + 30'000'000);
}

TEST_CASE("SDA held, released before the master's first 1 bit: no arbitration lost, the wires "
          "show the whole write",
          "[bus][timing][fault]") {
    // The master compares SDA with a 1 bit while SCL is high (I2C-bus specification section
    // 3.1.8): a device that let SDA go before that bit's SCL rise is never seen. At 100 kHz
    // (a bit 10 us, a quarter 2.5 us) the hold starts after the address, at START 5 us +
    // 90 us = 95 us, and ends 50 us later, at 145 us. The command 0x02 = 0b00000010 has its
    // first 1 in bit 6, whose SCL rises 6 x 10 + 5 = 65 us into the byte, at 160 us: SDA is
    // free by then (the master drove it low itself through bits 0..5).
    std::ostringstream vcd_text;
    uint64_t start_ns = 0;
    {
        VcdWriter vcd(vcd_text, "smbus");
        FaultedBus rig(held(TransferFault::Holder::DeviceSda, 1, 50'000), SmbusTiming{100000},
                       &vcd);
        FaultedWriter w("w", rig.controller);
        sc_core::sc_start();
        REQUIRE(w.result.ok());
        start_ns = w.result.start_ns;
        // A clean write's time: START 5 us + 5 bytes (addr, cmd, count, 2 data) x 90 us +
        // STOP 10 us = 465 us; its own STOP is the target's only one, at the STOP's SDA rise
        // three quarters into its period: 455 + 7.5 us.
        CHECK(w.result.end_ns - start_ns == 465'000);
        REQUIRE(rig.slave.stops_ns.size() == 1);
        CHECK(rig.slave.stops_ns[0] == start_ns + 462'500);
        vcd.finish(sim_now_ns());
    }
    // The wires: that write, whole.
    CHECK(decode_whole_write(vcd_text.str(), Bytes{0x18, 0x01}).start_ns == start_ns);
}

TEST_CASE("SDA held until the first 1 bit's SCL rise: no arbitration lost",
          "[bus][timing][fault]") {
    // As above, the command's bit 6 SCL rises 65 us into the byte: a hold of exactly 65 us
    // from its start has let SDA go as SCL rises, so the master reads its 1.
    FaultedBus rig(held(TransferFault::Holder::DeviceSda, 1, 65'000));
    FaultedWriter w("w", rig.controller);
    sc_core::sc_start();
    CHECK(w.result.ok());
    CHECK(w.result.end_ns - w.result.start_ns == 465'000);
}

TEST_CASE("SDA held over the STOP: the arbitration lost there, SCL left high, the release is the "
          "STOP",
          "[bus][timing][fault]") {
    // A STOP is SDA rising while SCL is high: the master drives SDA low a quarter into it,
    // raises SCL at two quarters and lets SDA go at three (WireTrace::stop). At 100 kHz the
    // write 02 02 18 00 sends its last byte, 0x00 (no 1 bit to lose at; the target ACKs),
    // from START 5 us + 4 x 90 us = 365 us to 455 us. A hold from 365 us for 120 us, to 485
    // us, outlasts the master's letting go at 462.5 us: the master finds SDA low then and
    // loses the arbitration at the STOP (it returns at 462.5 us); SCL rose at 460 us and
    // stays high, and the device's release at 485 us is the STOP the target gets.
    std::ostringstream vcd_text;
    uint64_t start_ns = 0;
    {
        VcdWriter vcd(vcd_text, "smbus");
        FaultedBus rig(held(TransferFault::Holder::DeviceSda, 4, 120'000), SmbusTiming{100000},
                       &vcd);
        FaultedWriter w("w", rig.controller, Bytes{0x18, 0x00});
        sc_core::sc_start();
        CHECK(w.result.status == SmbusStatus::ArbitrationLost);
        start_ns = w.result.start_ns;
        CHECK(w.result.end_ns - start_ns == 462'500);
        REQUIRE(rig.slave.stops_ns.size() == 1);
        CHECK(rig.slave.stops_ns[0] == start_ns + 485'000);
        vcd.finish(sim_now_ns());
    }
    // The wires: the whole write, its STOP at the release.
    CHECK(decode_whole_write(vcd_text.str(), Bytes{0x18, 0x00}).end_ns == start_ns + 485'000);
}

TEST_CASE("SDA held until the master lets it go in the STOP: a clean STOP",
          "[bus][timing][fault]") {
    // As above, the master lets SDA go at 462.5 us: a hold of 97.5 us from 365 us has ended
    // by then, and that SDA rise is the STOP the target gets.
    FaultedBus rig(held(TransferFault::Holder::DeviceSda, 4, 97'500));
    FaultedWriter w("w", rig.controller, Bytes{0x18, 0x00});
    sc_core::sc_start();
    CHECK(w.result.ok());
    CHECK(w.result.end_ns - w.result.start_ns == 465'000);
    REQUIRE(rig.slave.stops_ns.size() == 1);
    CHECK(rig.slave.stops_ns[0] == w.result.start_ns + 462'500);
}

namespace {
// A master making two tagged 2-byte block writes one after the other, at once.
struct TwoWrites : sc_core::sc_module {
    SC_HAS_PROCESS(TwoWrites);
    TwoWrites(sc_core::sc_module_name n, SmbusController& c) : sc_module(n), controller(c) {
        SC_THREAD(run);
    }
    void run() {
        for (SmbusResult& r : results)
            r = controller.block_write(0x10, 0x02, Bytes{0x18, 0x01}, false, &tag);
    }
    SmbusController& controller;
    TransferTag tag{1, false, 0x02};
    SmbusResult results[2];
};
} // namespace

TEST_CASE("a master that dies lets its lines float up with no STOP, and the next START waits for "
          "them and the bus free time",
          "[bus][timing][fault]") {
    // Each write's master dies after its address byte (abandon_after_bytes 1). At 100 kHz (a
    // bit 10 us, a quarter 2.5 us): START 5 us + the address's 9 bits 90 us, so it dies 95 us
    // after its START, with SCL low (the ACK bit's end). SmbusBus::stop draws its lines
    // released, SDA a quarter later (SCL still low: no STOP condition) and SCL at two
    // quarters, 100 us; the next START waits for that and then tBUF (4.7 us in the 100 kHz
    // class, SMBus 3.1 Table 1), so it comes 104.7 us after the first.
    TransferFault f;
    f.id = 0;
    f.abandon_after_bytes = 1;
    std::ostringstream vcd_text;
    uint64_t first_ns = 0, second_ns = 0;
    {
        VcdWriter vcd(vcd_text, "smbus");
        FaultedBus rig(f, SmbusTiming{100000}, &vcd);
        TwoWrites w("w", rig.controller);
        sc_core::sc_start();
        CHECK(w.results[0].status == SmbusStatus::Abandoned);
        CHECK(w.results[1].status == SmbusStatus::Abandoned);
        first_ns = w.results[0].start_ns;
        second_ns = w.results[1].start_ns;
        CHECK(second_ns - first_ns == 104'700);
        CHECK(rig.slave.stops_ns.empty()); // no STOP reached the target
        vcd.finish(sim_now_ns());
    }
    // The wires: the first transfer is its address byte, ended by the next START with no
    // STOP (tools/capture.h: stopped false), at its master's last clock edge: 95 us.
    std::istringstream in(vcd_text.str());
    const tools::Capture cap = tools::decode_vcd(in, "died.vcd", {});
    REQUIRE(cap.transfers.size() == 1);
    const tools::CapturedTransfer& t = cap.transfers[0];
    CHECK(t.start_ns == first_ns);
    REQUIRE(t.bytes.size() == 1);
    CHECK(t.bytes[0].value == 0x20);
    CHECK_FALSE(t.stopped);
    CHECK(t.status == SmbusStatus::Abandoned);
    CHECK(t.end_ns == first_ns + 95'000);
    // The second, cut off by the capture's end the same way, is not a transfer of it.
    CHECK(cap.unterminated == 1);
}
