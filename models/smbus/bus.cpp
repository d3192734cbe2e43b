#include "models/smbus/bus.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/common/sim_time.h"
#include "models/smbus/pec.h"

namespace ssifsim::smbus {

namespace {
const TransferFault kClean;

// The timing, when its clock is one the bus runs at (SmbusTiming::supported).
const SmbusTiming& supported_timing(const char* bus, const SmbusTiming& timing) {
    if (!SmbusTiming::supported(timing.freq_hz)) {
        const std::string message =
            "SMBus clock " + std::to_string(timing.freq_hz) +
            " Hz is outside the supported range " + std::to_string(SmbusTiming::kMinFreqHz) + ".." +
            std::to_string(SmbusTiming::kMaxFreqHz) + " Hz (SmbusTiming::freq_hz)";
        SC_REPORT_ERROR(bus, message.c_str());
        // A platform whose error reports do not throw still must not run a bus whose bit
        // period is 0 or a division by zero (as require_time_resolution does).
        throw std::runtime_error(message);
    }
    return timing;
}
} // namespace

// One master's way into the bus: what its initiator socket is bound to.
class SmbusBus::Port : public SmbusBusIf {
  public:
    Port(SmbusBus& bus, int id, const char* socket) : socket_name(socket), bus_(bus), id_(id) {}
    void b_transport(SmbusPayload& p) override {
        in_step = true;
        bus_.transport(id_, p);
        in_step = false;
    }
    void wait_until_free() override { bus_.wait_until_free(); }
    void wait_next_transfer_end() override { wait_on(bus_.transfer_end_); }
    const SmbusTiming& timing() const override { return bus_.timing_; }
    void transfer_done(TransferRecord& t) override { bus_.transfer_done(id_, t); }

    WireStats last; // of this master's last transfer, kept at its Stop
    const std::string socket_name;
    bool in_step = false; // the master is inside b_transport

  private:
    SmbusBus& bus_;
    int id_;
};

SmbusBus::SmbusBus(sc_core::sc_module_name name, const SmbusTiming& timing, EventSink& log,
                   VcdWriter* wire_vcd)
    : sc_module(name), timing_(supported_timing(this->name(), timing)), bit_ns_(timing_.bit_ns()),
      log_(log), wire_(wire_vcd, timing_), bus_free_at_ns_(timing.bus_free_ns()) {
    require_time_resolution(); // an embedding platform's resolution, checked at elaboration
    SC_METHOD(deferred_stop);
    sensitive << deferred_stop_event_;
    dont_initialize();
}

SmbusBus::~SmbusBus() {
    // SystemC calls end_of_simulation only after sc_stop(); a platform whose sc_start()
    // returned for want of events (the other masters hanging) hears of it here.
    try {
        report_open_transfer();
    } catch (...) { // a warning the platform made throw: never out of a destructor
    }
}

bool SmbusBus::elaborating(const char* what, const sc_core::sc_object& socket) const {
    if (!elaborated_)
        return true;
    // The targets are looked up (end_of_elaboration) and SystemC's ports bound once, at
    // elaboration: a later binding would never take effect.
    SC_REPORT_ERROR(name(), (std::string(what) + ": " + socket.name() +
                             " bound after elaboration (from a running process?); ignored")
                                .c_str());
    return false;
}

void SmbusBus::bind_initiator(SmbusInitiatorSocket& socket) {
    if (!elaborating("bind_initiator", socket))
        return;
    ports_.push_back(std::make_unique<Port>(*this, static_cast<int>(ports_.size()), socket.name()));
    socket.bind(*ports_.back());
}

void SmbusBus::bind_target(uint8_t addr7, SmbusTargetSocket& socket) {
    // After each report the binding is ignored, for a platform whose errors do not throw.
    if (!elaborating("bind_target", socket))
        return;
    if (addr7 >= targets_.size()) {
        SC_REPORT_ERROR(
            name(),
            ("bind_target: address " + hex_byte(addr7) + " is not a 7-bit address").c_str());
        return;
    }
    for (const auto& [addr, s] : target_sockets_)
        if (addr == addr7) {
            SC_REPORT_ERROR(name(), ("bind_target: two targets at 7-bit address " +
                                     hex_byte(addr7) + ": " + s->name() + " and " + socket.name())
                                        .c_str());
            return;
        }
    target_sockets_.emplace_back(addr7, &socket);
}

void SmbusBus::end_of_elaboration() {
    elaborated_ = true;
    for (const auto& [addr, socket] : target_sockets_) {
        auto* target = dynamic_cast<SmbusTargetIf*>(socket->get_interface());
        if (!target)
            SC_REPORT_ERROR(name(), (std::string("target socket ") + socket->name() +
                                     " is bound to the bus but to no target")
                                        .c_str());
        targets_[addr] = target;
    }
}

const char* SmbusBus::open_transfer_master() const {
    return walk_.owner >= 0 ? ports_[walk_.owner]->socket_name.c_str() : nullptr;
}

void SmbusBus::end_of_simulation() {
    report_open_transfer();
}

void SmbusBus::report_open_transfer() {
    // A master that ended (or waits elsewhere) between its Start and its Stop keeps the bus
    // busy for good; any master waiting for a free bus hangs with no other sign of it. One
    // stopped inside a step (sc_stop during its wire time) has left nothing open.
    if (open_reported_ || walk_.owner < 0 || ports_[walk_.owner]->in_step)
        return;
    open_reported_ = true;
    SC_REPORT_WARNING(
        name(), (std::string(open_transfer_master()) + " left its transfer open (a Start at " +
                 std::to_string(walk_.start_ns) + " ns and no Stop): the bus stayed busy, " +
                 std::to_string(waiting_) + " master(s) still waiting for it")
                    .c_str());
}

void SmbusBus::transport(int port, SmbusPayload& p) {
    // Each step waits the owed time out itself, unless it runs ahead (runs_ahead).
    switch (p.command) {
    case SmbusCommand::Start: start(port, p); return;
    case SmbusCommand::Write:
    case SmbusCommand::Read:
        if (!owns(port, p) || !in_direction(p))
            return;
        if (p.data_length > 0)
            burst(p);
        else if (p.command == SmbusCommand::Write)
            send(p);
        else
            read(p);
        return;
    case SmbusCommand::Stop:
        if (owns(port, p))
            stop(port, p);
        return;
    }
}

bool SmbusBus::owns(int port, SmbusPayload& p) const {
    if (walk_.owner == port)
        return true;
    SC_REPORT_ERROR(name(), p.command == SmbusCommand::Stop
                                ? "b_transport: a Stop outside the master's transfer"
                                : "b_transport: a Write or Read outside the master's "
                                  "transfer (no Start)");
    // Errors that do not throw: the step takes no wire time and nothing answers it (there
    // is no transfer of this master's to put it in).
    p.response = SmbusResponse::Nak;
    return false;
}

bool SmbusBus::in_direction(SmbusPayload& p) const {
    const bool read = p.command == SmbusCommand::Read;
    if (read == walk_.read)
        return true;
    // The R/W bit of the address byte sets who drives SDA until the next (repeated) START
    // (I2C-bus specification section 3.1.10): a master cannot turn the direction round.
    SC_REPORT_ERROR(name(), read ? "b_transport: a Read in a write transfer (the last Start's "
                                   "address byte had R/W = 0)"
                                 : "b_transport: a Write in a read transfer (the last Start's "
                                   "address byte had R/W = 1)");
    p.response = SmbusResponse::Nak; // errors that do not throw: no wire time, nothing answers
    return false;
}

void SmbusBus::wait_until_free() {
    // A master waits for the transfer in progress, then out the bus free time (tBUF).
    ++waiting_;
    for (;;) {
        if (busy_)
            wait_on(transfer_end_);
        else if (sim_now_ns() < bus_free_at_ns_)
            wait_for(bus_free_at_ns_ - sim_now_ns());
        else
            break;
    }
    --waiting_;
}

inline bool SmbusBus::runs_ahead(const SmbusPayload& p, uint64_t call_ns, uint64_t last_ns,
                                 EventId logged) {
    // The master sends its next step at once (next_step_follows): the time owed after this
    // step is waited out by that one.
    return p.next_step_follows && acts_ahead(call_ns, last_ns, logged);
}

inline bool SmbusBus::acts_ahead(uint64_t call_ns, uint64_t last_ns, EventId logged) {
    // The bus may take a step's acts (calling the target, logging, drawing the wires) at
    // their own times without waiting for SystemC's clock to reach them, as a loosely-timed
    // TLM initiator does with an annotated delay, as long as nothing else can act in
    // between: no process of the simulation is due before the last of them (or at that
    // very time, where SystemC's process order would decide which logs first), and the run
    // does not end before it. sc_time_to_pending_activity() is zero while another process
    // is runnable now, and the time to the next timed notification otherwise. In a clean
    // transfer nothing of the bus happens between the acts (owe).
    if (!decoupling_ || walk_.fault != &kClean)
        return false;
    const uint64_t ahead = owed_ns_ + last_ns;
    if (ahead == 0)
        return true; // nothing ahead of the clock
    // Only when every sink that wants the bus's event takes it early (EventSink::
    // records_early): a sink's record() may act on the run (one pauses it at the first event
    // after SIGINT), which must not happen ahead of the event's time; one that writes or
    // counts events by their time and order sees the same log either way. A target called
    // ahead (SmbusTargetIf::takes_delay) may log anything: every sink must take it early.
    // (One that does not take delay is called once the owed time is waited out: deliver.)
    // The sinks are asked once a transfer (start): only a signal changes their answer, and
    // any moment is as good a place as another for an asynchronous stop.
    if (!walk_.sinks_early && !sinks_allow_ahead(call_ns, logged))
        return false;
    return ahead < ahead_limit_ns();
}

bool SmbusBus::sinks_allow_ahead(uint64_t call_ns, EventId logged) const {
    if (log_.wants(logged) && !log_.records_early(logged))
        return false;
    return call_ns == kNoTargetCall || !walk_.target_takes_delay || owed_ns_ + call_ns == 0;
}

inline uint64_t SmbusBus::ahead_limit_ns() {
    // Only another process's wait or a target's call can make something due: the bus's own
    // acts (logging, drawing) notify nothing. So SystemC is asked again only after a delta
    // cycle (every wait ends in a later one) or a target call that notified (deliver).
    const sc_dt::uint64 delta = sc_core::sc_delta_count();
    if (quiet_known_ && quiet_delta_ == delta)
        return ahead_limit_ns_;
    return pending_limit_ns(delta);
}

uint64_t SmbusBus::pending_limit_ns(sc_dt::uint64 delta) {
    quiet_delta_ = delta;
    quiet_known_ = true;
    // Acts strictly before the next other act (ahead * ticks < quiet: ahead < ceil(quiet /
    // ticks)) and before the run's end (now + ahead < until).
    const uint64_t ticks = ticks_per_ns();
    const uint64_t quiet = sc_core::sc_time_to_pending_activity().value();
    const uint64_t pending_ns = quiet / ticks + (quiet % ticks != 0);
    const uint64_t now = sim_now_ns(), until = run_until_ns();
    ahead_limit_ns_ = std::min(pending_ns, until > now ? until - now : 0);
    return ahead_limit_ns_;
}

void SmbusBus::start(int port, SmbusPayload& p) {
    if (walk_.owner == port) {
        if (!runs_ahead(p, kNoTargetCall, 0, events::kBusRestart))
            sync();
        // A repeated START: a master that died after the last byte draws none.
        if (abandons()) {
            p.response = SmbusResponse::Abandoned;
            return;
        }
        repeated_start(p.next_step_follows);
    } else {
        sync(); // nothing is owed between transfers: the last one's Stop waited it out
        const uint64_t free_in = bus_free_owed(p);
        if (free_in == 0)
            wait_until_free();
        busy_ = true;
        std::vector<SmbusTargetIf*> addressed = std::move(walk_.addressed);
        addressed.clear(); // keeps its capacity: no allocation per transfer
        walk_ = Walk{};
        walk_.addressed = std::move(addressed);
        walk_.owner = port;
        walk_.fault = p.fault ? p.fault : &kClean;
        walk_.sinks_early = log_.records_all_early();
        owed_ns_ = free_in;
        walk_.start_ns = now_ns();
        p.start_ns = walk_.start_ns;
        EventBuilder(log_, walk_.start_ns, events::kBusStart);
        wire_.start(walk_.start_ns);
        owe(timing_.start_ns(), p.next_step_follows);
    }
    walk_.read = p.is_read();
    walk_.target = targets_[p.addr7()];
    walk_.target_takes_delay = walk_.target && walk_.target->takes_delay();
    send(p);
    // A target that did not ACK its address is not selected: the rest of this part of the
    // transfer goes to nobody (the master's bytes are NAKed, a read gets the pull-up's 1s).
    // It still sees the STOP (send noted it as addressed).
    if (p.response != SmbusResponse::Ack) {
        walk_.target = nullptr;
        walk_.target_takes_delay = false;
    }
}

uint64_t SmbusBus::bus_free_owed(const SmbusPayload& p) {
    // As runs_ahead: the START is the master's first act of a clean transfer it goes on with
    // at once, every sink that wants it takes it early, and nothing else is due by then (no
    // other master can take the bus meanwhile).
    const uint64_t now = sim_now_ns();
    if (busy_ || now >= bus_free_at_ns_ || !decoupling_ || !p.next_step_follows || p.fault)
        return 0;
    if (!log_.records_all_early() && !sinks_allow_ahead(kNoTargetCall, events::kBusStart))
        return 0;
    const uint64_t free_in = bus_free_at_ns_ - now;
    return free_in < ahead_limit_ns() ? free_in : 0;
}

uint64_t SmbusBus::data_bits(bool ahead, uint8_t value) {
    const uint64_t t = now_ns();
    if (ahead) {
        owed_ns_ += 8 * bit_ns_;
        return t;
    }
    byte_on_wire_ = ByteOnWire{t, value};
    wait_out(8 * bit_ns_);
    byte_on_wire_.reset();
    return t;
}

void SmbusBus::draw_cut(uint64_t end_ns) {
    wire_.draw_until(end_ns); // the run is over: nothing is drawn past its end
    if (byte_on_wire_)
        wire_.data_bits(byte_on_wire_->t_ns, byte_on_wire_->value);
}

void SmbusBus::owe(uint64_t dt_ns, bool follows) {
    // Safe to leave owed: in a clean transfer nothing of the bus changes before the next
    // step's acts (no fault to log, no line to hold), the master sends that step at once
    // (next_step_follows), and that step either waits the owed time out before it acts or
    // acts ahead of SystemC's clock only where nothing else can (runs_ahead). So every
    // event keeps its time and order; the thread merely sleeps less often.
    if (decoupling_ && follows && walk_.fault == &kClean) {
        owed_ns_ += dt_ns;
        return;
    }
    wait_out(dt_ns);
}

void SmbusBus::wait_out(uint64_t dt_ns) {
    wait_for(owed_ns_ + dt_ns);
    owed_ns_ = 0;
}

void SmbusBus::sync() {
    if (owed_ns_ != 0)
        wait_out(0);
}

void SmbusBus::log_fault(EventId what, const char* key, int64_t value) {
    EventBuilder(log_, sim_now_ns(), what).num("fault", walk_.fault->id).num(key, value);
    fault_observers_.fault_applied(walk_.fault->id, sim_now_ns());
}

bool SmbusBus::abandons() {
    if (!walk_.abandoned && walk_.fault->abandon_after_bytes == walk_.wire_bytes) {
        walk_.abandoned = true;
        log_fault(events::kFaultMasterDied, "after_bytes", walk_.wire_bytes);
    }
    return walk_.abandoned;
}

bool SmbusBus::interrupted(SmbusPayload& p) {
    if (walk_.fault == &kClean)
        return false; // no master dies, no line is held in a clean transfer
    if (abandons()) {
        p.response = SmbusResponse::Abandoned;
        return true;
    }
    if (held_low()) {
        p.response = SmbusResponse::Timeout;
        return true;
    }
    return false;
}

void SmbusBus::note_low(uint64_t low_ns, const char* by) {
    if (low_ns > walk_.stats.longest_low_ns) {
        walk_.stats.longest_low_ns = low_ns;
        walk_.stats.longest_low_by = by;
    }
}

bool SmbusBus::held_low() {
    if (walk_.stuck_until_ns)
        return true;
    const TransferFault& f = *walk_.fault;
    if (f.hold == TransferFault::Holder::None || walk_.wire_bytes < f.hold_after_bytes ||
        walk_.wire_bytes >= f.hold_after_bytes + f.hold_repeats)
        return false;
    const uint64_t now = sim_now_ns();
    const uint64_t release = now + f.hold_ns;
    const EventId what = f.hold == TransferFault::Holder::TargetScl   ? events::kFaultClockStretch
                         : f.hold == TransferFault::Holder::DeviceScl ? events::kFaultSclHeldLow
                                                                      : events::kFaultSdaHeldLow;
    EventBuilder(log_, now, what)
        .num("fault", f.id)
        .num("after_bytes", walk_.wire_bytes)
        .num("held_ns", static_cast<int64_t>(f.hold_ns));
    fault_observers_.fault_applied(f.id, now);
    if (f.hold == TransferFault::Holder::DeviceSda) {
        // The master finds out at the next 1 bit it sends (loses_arbitration).
        note_low(f.hold_ns, "a device holding SDA");
        walk_.sda_held_until_ns = release;
        wire_.sda_low(now);
        return false;
    }
    // SCL low after the previous ACK: the master cannot clock on until it is released,
    // and gives up when its adapter timeout passes first.
    if (f.hold == TransferFault::Holder::TargetScl) {
        walk_.stats.target_stretch_ns += f.hold_ns;
        note_low(f.hold_ns, "the target stretching SCL");
    } else {
        note_low(f.hold_ns, "a device holding SCL");
    }
    const uint64_t deadline = walk_.start_ns + timing_.adapter_timeout_ns;
    if (release <= deadline) {
        wait_for(f.hold_ns);
        return false;
    }
    if (deadline > now)
        wait_for(deadline - now);
    EventBuilder(log_, sim_now_ns(), events::kBusMasterTimeout)
        .num("released_at_ns", static_cast<int64_t>(release));
    walk_.stuck_until_ns = release;
    return true;
}

bool SmbusBus::loses_arbitration(uint8_t value) {
    if (walk_.sda_held_until_ns == 0 || value == 0)
        return false;
    const uint64_t now = sim_now_ns();
    int zeros = 0; // the bits before the first 1, MSB first
    while (!(value & (0x80 >> zeros)))
        ++zeros;
    // The master compares SDA with the bit it sends while SCL is high (I2C-bus specification
    // section 3.1.8), so the first 1 bit's SCL rise decides. A device that let SDA go by then
    // is never seen: the master drove SDA low itself through the 0 bits before it, so the
    // wire shows the plain byte (WireTrace::byte), and the release is no STOP. Compared with
    // the byte's start instead, a release within its 0 bits lost the arbitration after the
    // release, and deferred_stop drew that release before the lost bit's SCL rise.
    const uint64_t sampled = now + zeros * bit_ns_ + 2 * timing_.quarter_ns();
    if (sampled >= walk_.sda_held_until_ns)
        return false;
    wire_.lost_arbitration(now, zeros);
    // The master samples SDA low while SCL is high in the bit it sent as a 1.
    wait_for(sampled - now);
    EventBuilder(log_, sim_now_ns(), events::kBusArbitrationLost)
        .hex("byte", value)
        .num("bit", zeros)
        .num("released_at_ns", static_cast<int64_t>(walk_.sda_held_until_ns));
    walk_.stuck_until_ns = walk_.sda_held_until_ns;
    return true;
}

void SmbusBus::record_byte(uint64_t byte_start, uint64_t ack_ns, uint8_t value, const char* dir,
                           bool ack) {
    count_byte(ack_ns, value);
    log_byte(ack_ns, value, dir, ack);
    wire_.byte(byte_start, value, ack);
}

void SmbusBus::log_byte(uint64_t ack_ns, uint8_t value, const char* dir, bool ack) {
    EventBuilder(log_, ack_ns, events::kBusByte)
        .str("dir", dir)
        .hex("byte", value)
        .flag("ack", ack);
}

inline void SmbusBus::count_byte(uint64_t ack_ns, uint8_t value) {
    last_act_ns_ = ack_ns;
    walk_.pec = pec_update(walk_.pec, value);
    ++walk_.wire_bytes;
    ++wire_bytes_;
}

void SmbusBus::ack_bit(uint64_t byte_start, uint8_t value, const char* dir, bool ack,
                       bool follows) {
    record_byte(byte_start, now_ns(), value, dir, ack);
    owe(bit_ns_, follows);
}

void SmbusBus::send(SmbusPayload& p) {
    if (interrupted(p))
        return;
    const uint8_t value = p.data;
    if (loses_arbitration(value)) {
        p.response = SmbusResponse::ArbitrationLost;
        return;
    }
    // The target sees the byte after its 8 data bits and answers on the 9th clock.
    const uint64_t byte_ns = 8 * bit_ns_;
    const uint64_t t = data_bits(runs_ahead(p, byte_ns, byte_ns, events::kBusByte), value);
    bool ack = false;
    if (walk_.fault->nak_byte == walk_.wire_bytes) {
        log_fault(events::kFaultNak, "byte", walk_.wire_bytes);
    } else if (walk_.target) {
        SmbusPayload step;
        step.command = p.command;
        step.data = value;
        deliver(walk_.target, walk_.target_takes_delay, step);
        ack = step.response == SmbusResponse::Ack;
        // An address byte (W or R) reached the target: it will see the STOP.
        if (p.command == SmbusCommand::Start) {
            bool known = false;
            for (SmbusTargetIf* a : walk_.addressed)
                known = known || a == walk_.target;
            if (!known)
                walk_.addressed.push_back(walk_.target);
        }
    }
    ack_bit(t, value, "w", ack, p.next_step_follows);
    p.response = ack ? SmbusResponse::Ack : SmbusResponse::Nak;
}

void SmbusBus::read(SmbusPayload& p) {
    // The target is asked for the byte as the previous one's ACK ends, ahead of SystemC's
    // clock when the whole byte may be (runs_ahead), else once the owed time is waited out.
    if (!runs_ahead(p, 0, 8 * bit_ns_, events::kBusByte))
        sync();
    SmbusPayload step;
    step.command = SmbusCommand::Read;
    step.data = 0xff; // nobody drives SDA: the pull-up reads 1s
    // A busy answer cannot NAK a byte the target sends.
    if (walk_.target)
        deliver(walk_.target, walk_.target_takes_delay, step);
    if (interrupted(p))
        return;
    read_done(p, step.data);
}

void SmbusBus::read_done(SmbusPayload& p, uint8_t value) {
    const uint64_t byte_ns = 8 * bit_ns_;
    value = block_read_byte(p.recv_len, value);
    const bool ack = p.recv_len ? value >= 1 && value <= kBlockMax : p.master_ack;
    // The target's call may have made something due (a process it woke): asked again, so
    // that it runs before the byte's event, as after a call at SystemC's time.
    if (runs_ahead(p, 0, byte_ns, events::kBusByte)) {
        // The byte's log event ahead, its data bits and ACK bit owed; but waited out at once
        // when the run ends before they do: the transfer's next act (its STOP drawn) would
        // come past the end, where a bus waiting out each byte never gets.
        const uint64_t t = now_ns();
        record_byte(t, t + byte_ns, value, "r", ack);
        if (t + byte_ns + bit_ns_ < run_until_ns())
            owe(byte_ns + bit_ns_, p.next_step_follows);
        else
            wait_out(byte_ns + bit_ns_);
    } else {
        const uint64_t t = data_bits(false, value);
        ack_bit(t, value, "r", ack, p.next_step_follows);
    }
    p.data = value;
    p.master_ack = ack;
    p.response = SmbusResponse::Ack;
}

uint8_t SmbusBus::block_read_byte(bool recv_len, uint8_t value) {
    // A block read's bytes after its count, as the fault changes them (TransferFault).
    if (recv_len) {
        walk_.count = value;
        walk_.read_index = 0;
        return value;
    }
    if (walk_.count < 0)
        return value;
    const TransferFault& fault = *walk_.fault;
    const int i = walk_.read_index++;
    if (i < walk_.count && i == fault.read_byte_index) {
        walk_.data_changed = true;
        log_fault(events::kFaultChangedReadByte, "index", i);
        return static_cast<uint8_t>(value + fault.read_byte_delta);
    }
    if (i == walk_.count && walk_.data_changed)
        return walk_.pec; // the target computed its PEC over what it sent
    if (i == walk_.count && fault.corrupt_pec) {
        log_fault(events::kFaultCorruptPec, "byte", walk_.wire_bytes);
        return static_cast<uint8_t>(~value);
    }
    return value;
}

void SmbusBus::burst(SmbusPayload& p) {
    unsigned next = 0;
    if (burst_ahead(p, next))
        return;
    if (p.command == SmbusCommand::Write)
        run_burst_as_steps(
            p, [this](SmbusPayload& step) { send(step); }, next);
    else
        run_burst_as_steps(
            p, [this](SmbusPayload& step) { read(step); }, next);
}

bool SmbusBus::burst_ahead(SmbusPayload& p, unsigned& next) {
    // Only where the steps one by one would each call the target ahead of SystemC's clock
    // (runs_ahead, deliver) and nothing between those calls could be seen out of order: a
    // clean transfer to a target that takes delay, every sink taking events early, and no
    // wires drawn (the target may trace into the same VCD). The bytes' own events, each
    // logged between two target calls, are logged there as the target takes the steps
    // (before_step).
    next = 0;
    if (!decoupling_ || walk_.fault != &kClean || !walk_.target || !walk_.target_takes_delay ||
        !walk_.sinks_early || wire_.drawing())
        return false;
    const bool write = p.command == SmbusCommand::Write;
    const uint64_t byte_ns = 8 * bit_ns_, step_ns = 9 * bit_ns_;
    // The leading steps that would each run ahead: followed by the next step (the burst's
    // last only when the burst is), their data bits ending before anything else is due
    // (runs_ahead), a Read's ACK bit before the run's end (read_done owes it only then).
    const uint64_t limit = ahead_limit_ns();
    const uint64_t now = sim_now_ns(), until = run_until_ns();
    const uint64_t to_end = until > now ? until - now : 0;
    const unsigned last = p.data_length - 1;
    unsigned n = 0;
    for (; n < p.data_length && (n < last || p.next_step_follows); ++n) {
        const uint64_t owed = owed_ns_ + n * step_ns;
        if (owed + byte_ns >= limit || (!write && owed + step_ns >= to_end))
            break;
    }
    if (n == 0)
        return false;
    SmbusPayload calls;
    calls.command = p.command;
    calls.data_ptr = p.data_ptr;
    calls.data_length = n;
    calls.delay_ns = owed_ns_ + (write ? byte_ns : 0); // a Write's byte is in after 8 bits
    const uint64_t first_ns = now_ns();
    const bool log_bytes = log_.wants(events::kBusByte);
    if (log_bytes) {
        step_log_ = StepLog{p.data_ptr, write ? "w" : "r", first_ns + byte_ns, step_ns, n, 0};
        calls.step_observer = this;
    }
    const sc_dt::uint64 delta = sc_core::sc_delta_count();
    walk_.target->transport_burst(calls, step_ns);
    if (calls.notified)
        quiet_known_ = false; // the last step's call made something due (ahead_limit_ns)
    returned_at_once(walk_.target, delta);
    if (!took_burst(walk_.target, calls.steps_done, n))
        return false;
    // Each step's part after its target call, as send and read_done take it. All but the
    // last called are known to end as a clean, followed step ahead of the clock does, with no
    // wire drawn: the byte counted (record_byte) and logged (before_step, as it was taken),
    // the wire time owed (owe), a Read's byte counted in its block (block_read_byte) and
    // ACKed.
    const unsigned plain = calls.steps_done - 1;
    if (log_bytes)
        check_step_log(plain);
    for (unsigned i = 0; i < plain; ++i) {
        if (!write)
            p.data_ptr[i] = block_read_byte(false, p.data_ptr[i]);
        count_byte(first_ns + i * step_ns + byte_ns, p.data_ptr[i]);
    }
    owed_ns_ += plain * step_ns;
    // The last called step in full: it may have notified (and may wait) or end the burst.
    SmbusPayload step;
    burst_step(p, plain, step);
    if (write) {
        const bool ack = calls.response == SmbusResponse::Ack;
        ack_bit(data_bits(true, step.data), step.data, "w", ack, step.next_step_follows);
        step.response = ack ? SmbusResponse::Ack : SmbusResponse::Nak;
    } else {
        last_act_ns_ = now_ns(); // its call's moment, as deliver notes it
        read_done(step, p.data_ptr[plain]);
    }
    if (burst_step_answered(p, plain, step))
        return true;
    next = calls.steps_done;
    return false;
}

void SmbusBus::before_step(unsigned i) {
    StepLog& l = step_log_;
    if (i != l.logged + 1 || i >= l.steps)
        return; // out of turn: check_step_log reports it
    // A clean transfer changes no byte a target sends (block_read_byte): the byte as the
    // target gave it is the one read_done would log, at its step's ACK bit.
    const unsigned step = l.logged++;
    log_byte(l.first_ack_ns + step * l.step_ns, l.bytes[step], l.dir, true);
}

void SmbusBus::check_step_log(unsigned plain) {
    StepLog& l = step_log_;
    if (l.logged == plain)
        return;
    SC_REPORT_ERROR(
        name(), ("the target " + target_name(walk_.target) + " took " + std::to_string(plain + 1) +
                 " steps of a transport_burst() and " + std::to_string(l.logged) +
                 " of its before_step() calls were in turn; it must make " + std::to_string(plain) +
                 ", one just before each step after the first: the log holds "
                 "the bytes' events out of order")
                    .c_str());
    while (l.logged < plain)
        before_step(l.logged + 1);
}

void SmbusBus::repeated_start(bool follows) {
    const uint64_t t = now_ns();
    last_act_ns_ = t;
    // No STOP event on a repeated START: ssif_bmc expects READ_REQUESTED straight after the
    // command byte (SMBUS_CMD -> RES_SENDING), as the Aspeed controller delivers it.
    EventBuilder(log_, t, events::kBusRestart);
    wire_.repeated_start(t);
    owe(timing_.repeated_start_ns(), follows);
}

void SmbusBus::stop(int port, SmbusPayload& p) {
    // Time is owed only in a clean transfer (owe), where the master neither died nor lost
    // a held line, so it is owed only on the way to the STOP's own wait below.
    if (walk_.fault != &kClean)
        sync();
    p.response = SmbusResponse::Ack;
    ports_[port]->last = walk_.stats;
    walk_.owner = -1;
    uint64_t now = sim_now_ns();
    if (walk_.abandoned) {
        // A dead master draws no STOP: its lines float up, SDA before SCL (WireTrace::
        // released), so no slave sees one. A START needs them up: the bus is free once they
        // are and the bus free time has passed, as after a STOP.
        wire_.released(now);
        bus_free_at_ns_ = now + 2 * timing_.quarter_ns() + timing_.bus_free_ns();
        busy_ = false;
        transfer_end_.notify(); // immediate: free when nobody waits
        return;
    }
    // A STOP is SDA rising while SCL is high: the master drives SDA low itself, raises SCL
    // and lets SDA go three quarters into it (WireTrace::stop). A device holding SDA past
    // then costs it the arbitration there, found as SDA stays low, with SCL left high; one
    // that let go before is never seen.
    const uint64_t sda_let_go_ns = now + 3 * timing_.quarter_ns();
    if (!walk_.stuck_until_ns && sda_let_go_ns < walk_.sda_held_until_ns) {
        wire_.stop_lost(now);
        wait_for(sda_let_go_ns - now);
        now = sim_now_ns();
        EventBuilder(log_, now, events::kBusArbitrationLost)
            .str("at", "stop")
            .num("released_at_ns", static_cast<int64_t>(walk_.sda_held_until_ns));
        p.response = SmbusResponse::ArbitrationLost;
        walk_.stuck_until_ns = walk_.sda_held_until_ns;
    }
    if (walk_.stuck_until_ns) {
        // The master has given up; the bus stays busy until the line is released. A freed
        // SDA with SCL high is itself a STOP; a freed SCL lets the master draw its STOP, seen
        // at its SDA rise, the bus free time counted from the end of its period as below.
        deferred_.release_ns = walk_.stuck_until_ns;
        deferred_.sda = walk_.sda_held_until_ns != 0;
        deferred_.targets = walk_.addressed;
        const uint64_t release = deferred_.release_ns;
        const uint64_t stop_at = release + (deferred_.sda ? 0 : timing_.stop_condition_ns());
        bus_free_at_ns_ = release + (deferred_.sda ? 0 : timing_.stop_ns()) + timing_.bus_free_ns();
        deferred_stop_event_.notify(ns(stop_at - now));
        return;
    }
    // The master draws the STOP after the owed time. Its SDA rise is the STOP condition: the
    // bus logs it and the targets get their STOP then, the rest of the period is waited out
    // before the master's transfer ends; one wait for all where nothing else can act in
    // between (acts_ahead).
    wire_.stop(now_ns());
    const uint64_t condition_ns = timing_.stop_condition_ns();
    if (acts_ahead(condition_ns, condition_ns, events::kBusStop))
        owed_ns_ += condition_ns;
    else
        wait_out(condition_ns);
    EventBuilder(log_, now_ns(), events::kBusStop);
    if (walk_.fault->lose_stop && !walk_.addressed.empty()) {
        log_fault(events::kFaultLostStop, "after_bytes", walk_.wire_bytes);
    } else {
        for (SmbusTargetIf* target : walk_.addressed) {
            SmbusPayload step;
            step.command = SmbusCommand::Stop;
            deliver(target, target->takes_delay(), step);
        }
    }
    wait_out(timing_.stop_ns() - condition_ns);
    bus_free_at_ns_ = sim_now_ns() + timing_.bus_free_ns();
    busy_ = false;
    transfer_end_.notify(); // immediate: free when nobody waits
}

void SmbusBus::deliver(SmbusTargetIf* target, bool takes_delay, SmbusPayload& step) {
    // A target that does not take delay is called at the step's moment.
    if (owed_ns_ != 0 && !takes_delay)
        sync();
    step.delay_ns = owed_ns_;
    last_act_ns_ = now_ns();
    // Every wait ends in a later delta cycle, so an unchanged count means none happened.
    const sc_dt::uint64 delta = sc_core::sc_delta_count();
    target->transport(step);
    if (step.notified || !takes_delay)
        quiet_known_ = false; // it may have made something due (ahead_limit_ns)
    returned_at_once(target, delta);
}

std::string SmbusBus::target_name(const SmbusTargetIf* target) {
    const auto* object = dynamic_cast<const sc_core::sc_object*>(target);
    return object ? object->name() : "(unnamed)";
}

bool SmbusBus::took_burst(SmbusTargetIf* target, unsigned& taken, unsigned n) {
    if (taken >= 1 && taken <= n)
        return true;
    SC_REPORT_ERROR(name(),
                    ("the target " + target_name(target) + " answered transport_burst() of " +
                     std::to_string(n) + " steps with steps_done " + std::to_string(taken) +
                     ", which must be 1 to " + std::to_string(n))
                        .c_str());
    // Errors that do not throw: none taken goes on step by step; too many counts as all.
    if (taken == 0)
        return false;
    taken = n;
    return true;
}

void SmbusBus::returned_at_once(SmbusTargetIf* target, sc_dt::uint64 delta) {
    if (sc_core::sc_delta_count() == delta)
        return;
    SC_REPORT_ERROR(name(), ("the target " + target_name(target) +
                             " waited inside transport(), which must return at once (it runs "
                             "in the master's thread, as a controller's interrupt handler does)")
                                .c_str());
}

void SmbusBus::deferred_stop() {
    ++process_activations();
    if (deferred_.sda)
        wire_.sda_release(deferred_.release_ns);
    else
        wire_.stop(deferred_.release_ns);
    EventBuilder(log_, sim_now_ns(), events::kBusStop);
    for (SmbusTargetIf* target : deferred_.targets) {
        SmbusPayload step;
        step.command = SmbusCommand::Stop;
        deliver(target, target->takes_delay(), step);
    }
    deferred_ = DeferredStop{};
    busy_ = false;
    transfer_end_.notify(); // immediate: free when nobody waits
}

void SmbusBus::transfer_done(int port, TransferRecord& t) {
    const WireStats& s = ports_[port]->last;
    t.longest_low_ns = s.longest_low_ns;
    t.longest_low_by = s.longest_low_by;
    t.target_stretch_ns = s.target_stretch_ns;
    for (TransferObserver* o : observers_)
        o->transfer_done(t);
}

} // namespace ssifsim::smbus
