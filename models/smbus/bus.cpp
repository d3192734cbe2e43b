#include "models/smbus/bus.h"

#include "models/common/sim_time.h"
#include "models/smbus/pec.h"

namespace ssifsim::smbus {

const char* slave_event_name(SlaveEvent ev) {
    switch (ev) {
    case SlaveEvent::WriteRequested: return "write_requested";
    case SlaveEvent::WriteReceived: return "write_received";
    case SlaveEvent::ReadRequested: return "read_requested";
    case SlaveEvent::ReadProcessed: return "read_processed";
    case SlaveEvent::Stop: return "stop";
    }
    return "?";
}

const char* status_name(SmbusStatus s) {
    switch (s) {
    case SmbusStatus::Ok: return "ok";
    case SmbusStatus::AddressNak: return "address_nak";
    case SmbusStatus::DataNak: return "data_nak";
    case SmbusStatus::BadPec: return "bad_pec";
    case SmbusStatus::BadLength: return "bad_length";
    case SmbusStatus::Timeout: return "timeout";
    case SmbusStatus::ArbitrationLost: return "arbitration_lost";
    case SmbusStatus::Abandoned: return "abandoned";
    }
    return "?";
}

SmbusBus::SmbusBus(sc_core::sc_module_name name, const SmbusTiming& timing, EventSink& log,
                   VcdWriter* wire_vcd)
    : sc_module(name), timing_(timing), log_(log), wire_(wire_vcd, timing),
      bus_free_at_ns_(timing.bus_free_ns()) {
    SC_METHOD(deferred_stop);
    sensitive << deferred_stop_event_;
    dont_initialize();
}

void SmbusBus::attach(uint8_t addr7, SmbusSlave* slave) {
    slaves_[addr7] = slave;
}

SmbusBus::Walk SmbusBus::begin(uint8_t addr7, SmbusResult& result, const TransferFault& fault) {
    Walk walk;
    walk.fault = &fault;
    auto it = slaves_.find(addr7);
    walk.slave = it == slaves_.end() ? nullptr : it->second;
    wait_until_free();
    busy_ = true;
    result.start_ns = sim_now_ns();
    EventBuilder(log_, result.start_ns, "bus", "start");
    wire_.start(result.start_ns);
    wait_for(timing_.start_ns());
    return walk;
}

void SmbusBus::wait_until_free() {
    // A master waits for the transfer in progress, then out the bus free time (tBUF).
    for (;;) {
        if (busy_)
            wait_on(transfer_end_);
        else if (sim_now_ns() < bus_free_at_ns_)
            wait_for(bus_free_at_ns_ - sim_now_ns());
        else
            return;
    }
}

uint64_t SmbusBus::data_bits() {
    const uint64_t t = sim_now_ns();
    wait_for(8 * timing_.bit_ns());
    return t;
}

void SmbusBus::log_fault(const Walk& walk, const char* what, const char* key, int64_t value) {
    EventBuilder(log_, sim_now_ns(), "fault", what).num("fault", walk.fault->id).num(key, value);
}

bool SmbusBus::abandons(Walk& walk, SmbusResult& result) {
    if (!walk.abandoned && walk.fault->abandon_after_bytes == walk.wire_bytes) {
        walk.abandoned = true;
        result.status = SmbusStatus::Abandoned;
        log_fault(walk, "master_died", "after_bytes", walk.wire_bytes);
    }
    return walk.abandoned;
}

bool SmbusBus::interrupted(Walk& walk, SmbusResult& result) {
    return abandons(walk, result) || held_low(walk, result);
}

void SmbusBus::note_low(Walk& walk, uint64_t low_ns, const char* by) {
    if (low_ns > walk.longest_low_ns) {
        walk.longest_low_ns = low_ns;
        walk.longest_low_by = by;
    }
}

bool SmbusBus::held_low(Walk& walk, SmbusResult& result) {
    if (walk.stuck_until_ns)
        return true;
    const TransferFault& f = *walk.fault;
    if (f.hold == TransferFault::Holder::None || walk.wire_bytes < f.hold_after_bytes ||
        walk.wire_bytes >= f.hold_after_bytes + f.hold_repeats)
        return false;
    const uint64_t now = sim_now_ns();
    const uint64_t release = now + f.hold_ns;
    const char* what = f.hold == TransferFault::Holder::TargetScl   ? "clock_stretch"
                       : f.hold == TransferFault::Holder::DeviceScl ? "scl_held_low"
                                                                    : "sda_held_low";
    EventBuilder(log_, now, "fault", what)
        .num("fault", f.id)
        .num("after_bytes", walk.wire_bytes)
        .num("held_ns", static_cast<int64_t>(f.hold_ns));
    if (f.hold == TransferFault::Holder::DeviceSda) {
        // The master finds out at the next 1 bit it sends (loses_arbitration).
        note_low(walk, f.hold_ns, "a device holding SDA");
        walk.sda_held_until_ns = release;
        wire_.sda_low(now);
        return false;
    }
    // SCL low after the previous ACK: the master cannot clock on until it is released,
    // and gives up when its adapter timeout passes first.
    if (f.hold == TransferFault::Holder::TargetScl) {
        walk.target_stretch_ns += f.hold_ns;
        note_low(walk, f.hold_ns, "the target stretching SCL");
    } else {
        note_low(walk, f.hold_ns, "a device holding SCL");
    }
    const uint64_t deadline = result.start_ns + timing_.adapter_timeout_ns;
    if (release <= deadline) {
        wait_for(f.hold_ns);
        return false;
    }
    if (deadline > now)
        wait_for(deadline - now);
    EventBuilder(log_, sim_now_ns(), "bus", "master_timeout")
        .num("released_at_ns", static_cast<int64_t>(release));
    result.status = SmbusStatus::Timeout;
    walk.stuck_until_ns = release;
    return true;
}

bool SmbusBus::loses_arbitration(Walk& walk, uint8_t value) {
    if (walk.sda_held_until_ns == 0 || value == 0)
        return false;
    const uint64_t now = sim_now_ns();
    if (now >= walk.sda_held_until_ns)
        return false;
    int zeros = 0; // the bits before the first 1, MSB first
    while (!(value & (0x80 >> zeros)))
        ++zeros;
    wire_.lost_arbitration(now, zeros);
    // The master samples SDA low while SCL is high in the bit it sent as a 1.
    wait_for(zeros * timing_.bit_ns() + 2 * timing_.quarter_ns());
    EventBuilder(log_, sim_now_ns(), "bus", "arbitration_lost")
        .hex("byte", value)
        .num("bit", zeros)
        .num("released_at_ns", static_cast<int64_t>(walk.sda_held_until_ns));
    walk.stuck_until_ns = walk.sda_held_until_ns;
    return true;
}

void SmbusBus::send(Walk& walk, uint8_t value, SlaveEvent ev, SmbusResult& result) {
    if (interrupted(walk, result))
        return;
    if (loses_arbitration(walk, value)) {
        result.status = SmbusStatus::ArbitrationLost;
        return;
    }
    if (!master_byte(walk, value, ev))
        result.status =
            ev == SlaveEvent::WriteReceived ? SmbusStatus::DataNak : SmbusStatus::AddressNak;
}

void SmbusBus::ack_bit(Walk& walk, uint64_t byte_start, uint8_t value, const char* dir, bool ack) {
    walk.pec = pec_update(walk.pec, value);
    ++walk.wire_bytes;
    ++wire_bytes_;
    EventBuilder(log_, sim_now_ns(), "bus", "byte")
        .str("dir", dir)
        .hex("byte", value)
        .flag("ack", ack);
    wire_.byte(byte_start, value, ack);
    wait_for(timing_.bit_ns());
}

bool SmbusBus::master_byte(Walk& walk, uint8_t value, SlaveEvent ev) {
    // The target sees the byte after its 8 data bits and answers on the 9th clock.
    const uint64_t t = data_bits();
    bool ack = false;
    if (walk.fault->nak_byte == walk.wire_bytes) {
        log_fault(walk, "nak", "byte", walk.wire_bytes);
    } else if (walk.slave) {
        uint8_t val = value;
        ack = walk.slave->on_event(ev, val) == SlaveAnswer::Ack;
        // An address byte (W or R) reached the target: it will see the STOP.
        if (ev == SlaveEvent::WriteRequested || ev == SlaveEvent::ReadRequested)
            walk.slave_addressed = true;
        if (ev == SlaveEvent::ReadRequested)
            walk.first_read_byte = val;
    }
    ack_bit(walk, t, value, "w", ack);
    return ack;
}

void SmbusBus::slave_byte(Walk& walk, uint8_t value, bool master_acks) {
    const uint64_t t = data_bits();
    ack_bit(walk, t, value, "r", master_acks);
}

uint8_t SmbusBus::ask_slave(Walk& walk, SlaveEvent ev) {
    uint8_t value = 0xff; // nobody drives SDA: the pull-up reads 1s
    if (walk.slave)
        walk.slave->on_event(ev, value); // a busy answer cannot NAK a byte the slave sends
    return value;
}

void SmbusBus::repeated_start() {
    const uint64_t t = sim_now_ns();
    // No STOP event on a repeated START: ssif_bmc expects READ_REQUESTED straight after the
    // command byte (SMBUS_CMD -> RES_SENDING), as the Aspeed controller delivers it.
    EventBuilder(log_, t, "bus", "restart");
    wire_.repeated_start(t);
    wait_for(timing_.repeated_start_ns());
}

void SmbusBus::end(Walk& walk, SmbusResult& result) {
    const uint64_t now = sim_now_ns();
    if (walk.abandoned) {
        // A dead master draws no STOP; the lines float up and the bus is free at once.
        bus_free_at_ns_ = now;
        busy_ = false;
        transfer_end_.notify(); // immediate: free when nobody waits
        return;
    }
    if (!walk.stuck_until_ns && now < walk.sda_held_until_ns) {
        // A STOP is SDA rising: the master loses the arbitration there.
        EventBuilder(log_, now, "bus", "arbitration_lost")
            .str("at", "stop")
            .num("released_at_ns", static_cast<int64_t>(walk.sda_held_until_ns));
        result.status = SmbusStatus::ArbitrationLost;
        walk.stuck_until_ns = walk.sda_held_until_ns;
    }
    if (walk.stuck_until_ns) {
        // The master has given up; the bus stays busy until the line is released. A freed
        // SDA with SCL high is itself a STOP; a freed SCL lets the master draw its STOP.
        deferred_.release_ns = walk.stuck_until_ns;
        deferred_.sda = walk.sda_held_until_ns != 0;
        deferred_.slave = walk.slave_addressed ? walk.slave : nullptr;
        const uint64_t stop_at = deferred_.release_ns + (deferred_.sda ? 0 : timing_.stop_ns());
        bus_free_at_ns_ = stop_at + timing_.bus_free_ns();
        deferred_stop_event_.notify(ns(stop_at - now));
        return;
    }
    wire_.stop(sim_now_ns());
    wait_for(timing_.stop_ns());
    EventBuilder(log_, sim_now_ns(), "bus", "stop");
    if (walk.fault->lose_stop && walk.slave_addressed) {
        log_fault(walk, "lost_stop", "after_bytes", walk.wire_bytes);
    } else if (walk.slave && walk.slave_addressed) {
        uint8_t val = 0;
        walk.slave->on_event(SlaveEvent::Stop, val);
    }
    bus_free_at_ns_ = sim_now_ns() + timing_.bus_free_ns();
    busy_ = false;
    transfer_end_.notify(); // immediate: free when nobody waits
}

void SmbusBus::deferred_stop() {
    ++process_activations();
    if (deferred_.sda)
        wire_.sda_release(deferred_.release_ns);
    else
        wire_.stop(deferred_.release_ns);
    EventBuilder(log_, sim_now_ns(), "bus", "stop");
    if (deferred_.slave) {
        uint8_t val = 0;
        deferred_.slave->on_event(SlaveEvent::Stop, val);
    }
    deferred_ = DeferredStop{};
    busy_ = false;
    transfer_end_.notify(); // immediate: free when nobody waits
}

SmbusResult SmbusBus::finish(const Walk& walk, SmbusResult result, const char* op, uint8_t addr7,
                             uint8_t command, bool pec, const Bytes& data) {
    result.end_ns = sim_now_ns();
    if (!observers_.empty()) {
        TransferRecord t;
        t.op = op;
        t.addr7 = addr7;
        t.command = command;
        t.status = result.status;
        t.count = walk.count;
        t.data = &data;
        t.start_ns = result.start_ns;
        t.end_ns = result.end_ns;
        t.longest_low_ns = walk.longest_low_ns;
        t.longest_low_by = walk.longest_low_by;
        t.target_stretch_ns = walk.target_stretch_ns;
        for (TransferObserver* o : observers_)
            o->transfer_done(t);
    }
    EventBuilder(log_, result.end_ns, "bus", "transfer")
        .str("op", op)
        .hex("addr", addr7)
        .hex("cmd", command)
        .flag("pec", pec)
        .bytes("data", data)
        .str("status", status_name(result.status))
        .num("dur_ns", static_cast<int64_t>(result.end_ns - result.start_ns));
    return result;
}

SmbusResult SmbusBus::block_write(uint8_t addr7, uint8_t command, const Bytes& data, bool pec,
                                  const TransferFault& fault) {
    SmbusResult result;
    Walk walk = begin(addr7, result, fault);

    Bytes frame;
    frame.reserve(data.size() + 3);
    frame.push_back(static_cast<uint8_t>(addr7 << 1));
    frame.push_back(command);
    frame.push_back(static_cast<uint8_t>(data.size()));
    frame.insert(frame.end(), data.begin(), data.end());

    for (size_t i = 0; i < frame.size() && result.ok(); ++i) {
        send(walk, frame[i], i == 0 ? SlaveEvent::WriteRequested : SlaveEvent::WriteReceived,
             result);
        if (i == 2 && result.ok())
            walk.count = frame[2];
    }
    if (result.ok() && pec) {
        uint8_t value = walk.pec;
        if (fault.corrupt_pec) {
            value = static_cast<uint8_t>(~value);
            log_fault(walk, "corrupt_pec", "byte", walk.wire_bytes);
        }
        send(walk, value, SlaveEvent::WriteReceived, result);
    }
    end(walk, result);
    return finish(walk, result, "block_write", addr7, command, pec, data);
}

SmbusResult SmbusBus::block_read(uint8_t addr7, uint8_t command, bool pec,
                                 const TransferFault& fault) {
    SmbusResult result;
    Walk walk = begin(addr7, result, fault);

    send(walk, static_cast<uint8_t>(addr7 << 1), SlaveEvent::WriteRequested, result);
    if (result.ok())
        send(walk, command, SlaveEvent::WriteReceived, result);
    if (result.ok() && !abandons(walk, result)) {
        repeated_start();
        send(walk, static_cast<uint8_t>(addr7 << 1 | 1), SlaveEvent::ReadRequested, result);
        if (result.ok())
            read_block(walk, pec, result);
    }
    end(walk, result);
    return finish(walk, result, "block_read", addr7, command, pec, result.data);
}

SmbusResult SmbusBus::receive_byte(uint8_t addr7) {
    SmbusResult result;
    const TransferFault clean;
    Walk walk = begin(addr7, result, clean);
    send(walk, static_cast<uint8_t>(addr7 << 1 | 1), SlaveEvent::ReadRequested, result);
    if (result.ok()) {
        slave_byte(walk, walk.first_read_byte, false);
        result.data.push_back(walk.first_read_byte);
    }
    end(walk, result);
    return finish(walk, result, "receive_byte", addr7, 0, false, result.data);
}

SmbusResult SmbusBus::i2c_write(uint8_t addr7, const Bytes& bytes, const TransferFault& fault) {
    SmbusResult result;
    Walk walk = begin(addr7, result, fault);
    send(walk, static_cast<uint8_t>(addr7 << 1), SlaveEvent::WriteRequested, result);
    for (size_t i = 0; i < bytes.size() && result.ok(); ++i)
        send(walk, bytes[i], SlaveEvent::WriteReceived, result);
    end(walk, result);
    return finish(walk, result, "i2c_write", addr7, bytes.empty() ? 0 : bytes[0], false, bytes);
}

SmbusResult SmbusBus::i2c_read(uint8_t addr7, unsigned length) {
    SmbusResult result;
    const TransferFault clean;
    Walk walk = begin(addr7, result, clean);
    send(walk, static_cast<uint8_t>(addr7 << 1 | 1), SlaveEvent::ReadRequested, result);
    for (unsigned i = 0; i < length && result.ok(); ++i) {
        // The first byte was supplied at READ_REQUESTED; each ACK asks for the next.
        const uint8_t value =
            i == 0 ? walk.first_read_byte : ask_slave(walk, SlaveEvent::ReadProcessed);
        slave_byte(walk, value, i + 1 < length);
        result.data.push_back(value);
    }
    end(walk, result);
    return finish(walk, result, "i2c_read", addr7, 0, false, result.data);
}

void SmbusBus::read_block(Walk& walk, bool pec, SmbusResult& result) {
    // The first byte (the count) was supplied at READ_REQUESTED; a Linux master NAKs a
    // count outside 1..32 and stops (i2c adapters return -EPROTO).
    if (interrupted(walk, result))
        return;
    result.count = walk.first_read_byte;
    walk.count = result.count;
    const bool count_ok = result.count >= 1 && result.count <= kBlockMax;
    slave_byte(walk, result.count, count_ok);
    if (!count_ok) {
        result.status = SmbusStatus::BadLength;
        return;
    }
    const TransferFault& fault = *walk.fault;
    bool data_changed = false;
    const unsigned total = result.count + (pec ? 1u : 0u);
    for (unsigned i = 0; i < total; ++i) {
        // The master ACKed the previous byte: the slave is asked for the next one.
        const uint8_t expected_pec = walk.pec;
        uint8_t value = ask_slave(walk, SlaveEvent::ReadProcessed);
        if (interrupted(walk, result))
            return;
        if (i < result.count && static_cast<int>(i) == fault.read_byte_index) {
            value = static_cast<uint8_t>(value + fault.read_byte_delta);
            data_changed = true;
            log_fault(walk, "changed_read_byte", "index", i);
        } else if (i == result.count && data_changed) {
            value = expected_pec; // the target computed its PEC over what it sent
        } else if (i == result.count && fault.corrupt_pec) {
            value = static_cast<uint8_t>(~value);
            log_fault(walk, "corrupt_pec", "byte", walk.wire_bytes);
        }
        const bool last = i + 1 == total;
        slave_byte(walk, value, !last);
        if (i < result.count)
            result.data.push_back(value);
        else if (value != expected_pec)
            result.status = SmbusStatus::BadPec;
    }
}

} // namespace ssifsim::smbus
