// The SMBus: an interconnect of masters (initiator sockets) and targets (target sockets)
// that owns time on the wires. It walks each step a master sends (socket.h) bit period by bit
// period at the configured clock, waits a second master out until the bus is free, calls
// the addressed target when the step reaches it, turns anything but its ACK into a NAK,
// applies the transfer's wire faults (fault.h), logs every START, repeated START, byte and
// STOP, and draws the wires into the VCD. Its monitor hands every finished transfer to the
// TransferObservers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/common/sim_time.h"
#include "models/smbus/fault.h"
#include "models/smbus/socket.h"
#include "models/smbus/timing.h"
#include "models/smbus/transfer.h"
#include "models/smbus/wire_trace.h"

namespace ssifsim::smbus {

class SmbusBus : public sc_core::sc_module, private SmbusStepObserver {
  public:
    SC_HAS_PROCESS(SmbusBus);
    // timing.freq_hz must lie in SmbusTiming::kMinFreqHz..kMaxFreqHz (10 kHz .. 1 MHz):
    // anything else is an SC_REPORT_ERROR naming the value and the range, and (should the
    // platform's error actions not throw) a std::runtime_error, as a bus cannot run at it.
    // log receives the bus's events (event_catalog.h, source `bus`): start, restart, byte
    // (dir w/r, the byte, ack; at its ACK bit), stop, master_timeout, arbitration_lost; and
    // the `fault` events of the wire faults it applies. It must outlive the bus.
    // wire_vcd may be null: no wires are drawn.
    SmbusBus(sc_core::sc_module_name name, const SmbusTiming& timing, EventSink& log,
             VcdWriter* wire_vcd);
    ~SmbusBus() override;

    // Binding, during elaboration only. A master's socket gets its own port into the bus
    // (the bus tells its transfers apart by it); a target answers the 7-bit address addr7
    // (0..127, one target per address). Anything else, and a binding after elaboration
    // (from a running process), is an SC_REPORT_ERROR; the binding is ignored when the
    // platform's error actions do not throw.
    void bind_initiator(SmbusInitiatorSocket& socket);
    void bind_target(uint8_t addr7, SmbusTargetSocket& socket);

    void add_observer(TransferObserver* observer) { observers_.push_back(observer); }
    // Told of each wire fault the bus applies (fault.h), as it logs the "fault" event.
    void add_fault_observer(FaultObserver* observer) { fault_observers_.add(observer); }
    const SmbusTiming& timing() const { return timing_; }
    // Temporal decoupling (on by default): in a clean transfer (no wire fault), a step the
    // master marks SmbusPayload::next_step_follows returns without waiting out its wire
    // time, which is owed: a later step waits it out together with its own. While nothing
    // else is due, the sinks take events early and the run does not end first (runs_ahead),
    // the steps act ahead of SystemC's clock at their own times, a target that takes delay
    // (SmbusTargetIf::takes_delay) is called with it, and a clean transfer takes a single
    // wait, at its STOP. Every event, VCD change and target call keeps its exact time and
    // order; only the number of SystemC waits changes (and, where nothing records between
    // them, the number of target calls: burst_ahead). Off: every step returns when its wire
    // time has passed, for comparing the two. Set it before the first transfer.
    void set_temporal_decoupling(bool on) { decoupling_ = on; }
    bool temporal_decoupling() const { return decoupling_; }
    // When the bus last acted (logged a byte or a repeated START, called a target), in ns.
    // Ahead of sc_time_stamp() only when a process paused the simulation (sc_pause) in the
    // middle of a transfer the bus ran ahead in (temporal decoupling): the run has logged and
    // drawn up to there.
    uint64_t last_act_ns() const { return last_act_ns_; }
    // The run ends at end_ns (its end time) with the bus inside a byte's data bits: draws
    // their edges up to end_ns (WireTrace::data_bits after draw_until), as a logic analyzer stopped
    // there shows them. The byte is drawn whole at its ACK bit otherwise, which the run
    // never reaches; no event is logged (the target never saw it).
    void draw_cut(uint64_t end_ns);
    // The run ends at end_ns (known before it starts): the wires are drawn up to it and no
    // further (WireTrace::draw_until), as the bus acts up to it and no further.
    void draw_until(uint64_t end_ns) { wire_.draw_until(end_ns); }
    // Bytes that crossed the wires so far, addresses included.
    uint64_t wire_bytes() const { return wire_bytes_; }
    // The bus is busy: a master's transfer is open (Start without its Stop yet), or a line
    // held low keeps it busy after the master gave up (fault.h). Masters wait meanwhile.
    bool transfer_in_progress() const { return busy_; }
    // The name of the initiator socket whose transfer is open, or null.
    const char* open_transfer_master() const;

  private:
    class Port;
    // The wire measurements of a transfer, for its TransferRecord.
    struct WireStats {
        uint64_t longest_low_ns = 0;
        const char* longest_low_by = "";
        uint64_t target_stretch_ns = 0;
    };
    // The transfer on the wires: its master, its fault, the targets it addressed.
    struct Walk {
        int owner = -1; // the master's port, -1: no transfer
        const TransferFault* fault = nullptr;
        SmbusTargetIf* target = nullptr;       // addressed by the last START, and ACKed it
        bool target_takes_delay = false;       // its takes_delay(), asked at the START
        bool sinks_early = false;              // log.records_all_early(), at the START
        bool read = false;                     // the last START's R/W bit
        std::vector<SmbusTargetIf*> addressed; // saw an address byte: they will see the STOP
        uint64_t start_ns = 0;
        uint8_t pec = 0;    // over every wire byte, for a fault that keeps the target's PEC
        int wire_bytes = 0; // bytes completed so far, the addresses included
        bool abandoned = false;
        // A held line the master gave up on (adapter timeout, lost arbitration): the bus
        // stays busy until it is released; 0 if none.
        uint64_t stuck_until_ns = 0;
        uint64_t sda_held_until_ns = 0;
        // A block read's count (-1 before it) and the index of the next byte after it.
        int count = -1;
        int read_index = 0;
        bool data_changed = false;
        WireStats stats;
    };
    // The STOP of a transfer the master gave up on, when the held line comes free.
    struct DeferredStop {
        uint64_t release_ns = 0;
        bool sda = false; // SDA rising with SCL high is the STOP; else the master draws one
        std::vector<SmbusTargetIf*> targets;
    };

    void end_of_elaboration() override;
    // An SC_REPORT_WARNING naming the master that left its transfer open (it is not inside
    // a step: it ended or waits elsewhere without its Stop), once: at end_of_simulation
    // (SystemC calls it after sc_stop()), else when the bus is destroyed. A platform can ask
    // transfer_in_progress() and open_transfer_master() as soon as sc_start() returns.
    void end_of_simulation() override;
    void report_open_transfer();
    // True before end_of_elaboration; else an SC_REPORT_ERROR naming the socket.
    bool elaborating(const char* what, const sc_core::sc_object& socket) const;

    // The steps, from a master's port.
    void transport(int port, SmbusPayload& p);
    void start(int port, SmbusPayload& p);
    void read(SmbusPayload& p);
    // The Read step p, once the target supplied `value` (and the master did not give up):
    // the byte as the transfer's fault changes it, logged and drawn, its wire time owed or
    // waited out; answers p.
    void read_done(SmbusPayload& p, uint8_t value);
    // A Read's byte `value` as the transfer's fault changes it: a block read's count
    // (recv_len) starts its count, the bytes after it are counted, one of them may be
    // changed (and the PEC after it follow the change) or the PEC corrupted (TransferFault).
    uint8_t block_read_byte(bool recv_len, uint8_t value);
    void stop(int port, SmbusPayload& p);
    // A Write or Read burst (SmbusPayload::data_length): its leading steps through
    // burst_ahead, the rest through send or read.
    void burst(SmbusPayload& p);
    // The burst's leading steps that would each call the target ahead of SystemC's clock,
    // with their target calls in one SmbusTargetIf::transport_burst and each step's logging,
    // drawing and owed time as send and read_done do it: the same events at the same times,
    // fewer calls. `next` is the first step it did not take (0: none; it takes none unless
    // decoupling, a clean transfer, a target that takes delay, sinks that all take events
    // early, and no VCD). True when the burst ended among them, answered as
    // run_burst_as_steps answers it.
    bool burst_ahead(SmbusPayload& p, unsigned& next);
    // True when port's master has a transfer on the wires; else an SC_REPORT_ERROR and, if
    // it does not throw, p answered Nak.
    bool owns(int port, SmbusPayload& p) const;
    // True when a Write follows an address byte with R/W 0, a Read one with R/W 1; else an
    // SC_REPORT_ERROR and, if it does not throw, p answered Nak.
    bool in_direction(SmbusPayload& p) const;
    void wait_until_free();
    // A START on a free bus within tBUF of the last STOP (timing.bus_free_ns): the rest of
    // tBUF, for the START to owe rather than wait out (owe), when it may act that far ahead
    // of SystemC's clock (runs_ahead's rule); else 0, and it waits (wait_until_free).
    uint64_t bus_free_owed(const SmbusPayload& p);
    void transfer_done(int port, TransferRecord& t);

    // The master sends wire byte `p.data` (a Start's address or a Write); answers p.
    void send(SmbusPayload& p);
    // True when the transfer cannot go on before the next wire byte: the master died (p
    // answered Abandoned), or gave up on a held line (Timeout).
    bool interrupted(SmbusPayload& p);
    // True (and logged once) when the master dies before the next wire byte.
    bool abandons();
    // A line held low before the next wire byte, as the fault says (see TransferFault).
    bool held_low();
    void note_low(uint64_t low_ns, const char* by);
    // The master sends a 1 bit while SDA is held: it has lost the arbitration.
    bool loses_arbitration(uint8_t value);
    void deferred_stop();
    // target->transport(step), which must return at once (SmbusTargetIf): a target that
    // waited inside it (time or a delta cycle passed) is an SC_REPORT_ERROR naming it.
    // `takes_delay`: the target's (SmbusTargetIf::takes_delay), asked once a START.
    void deliver(SmbusTargetIf* target, bool takes_delay, SmbusPayload& step);
    // The SC_REPORT_ERROR above, when a delta cycle has passed since `delta`
    // (sc_delta_count() before the call: every wait ends in a later one).
    void returned_at_once(SmbusTargetIf* target, sc_dt::uint64 delta);
    // True when the target's transport_burst of n steps took `taken` of them, 1 to n; else
    // an SC_REPORT_ERROR naming it and, should it not throw, false for none taken (the
    // steps go one by one) and `taken` set to n for too many.
    bool took_burst(SmbusTargetIf* target, unsigned& taken, unsigned n);
    // The target's SystemC name for those reports; "(unnamed)" if it is no sc_object.
    static std::string target_name(const SmbusTargetIf* target);
    void log_fault(EventId what, const char* key, int64_t value);
    // A byte on the wire: its 8 data bits, then the ACK bit, which also logs and draws the
    // byte. data_bits returns when the data bits of `value` began (after the owed time) and
    // waits out the owed time and the data bits in one wait, or, `ahead`, owes them.
    uint64_t data_bits(bool ahead, uint8_t value);
    // `follows`: the payload's next_step_follows.
    void ack_bit(uint64_t byte_start, uint8_t value, const char* dir, bool ack, bool follows);
    // The byte's PEC, counts, log event (at ack_ns) and wires (from byte_start).
    void record_byte(uint64_t byte_start, uint64_t ack_ns, uint8_t value, const char* dir,
                     bool ack);
    // record_byte's part that nobody sees at once: the PEC, the counts, the last act.
    void count_byte(uint64_t ack_ns, uint8_t value);
    // record_byte's log event: a byte whose ACK bit began at ack_ns.
    void log_byte(uint64_t ack_ns, uint8_t value, const char* dir, bool ack);
    // SmbusStepObserver, for the burst burst_ahead hands over while the bytes' events are
    // wanted: logs step i - 1's byte, the target being about to take step i.
    void before_step(unsigned i) override;
    // After the target's transport_burst: step_log_ has logged each of the `plain` steps
    // before the last one taken; else an SC_REPORT_ERROR naming the target, and, should it
    // not throw, the steps not logged are logged now.
    void check_step_log(unsigned plain);
    // Whether a step may act ahead of SystemC's clock (see bus.cpp): calling the target
    // call_ns after the bus's time (kNoTargetCall: it calls none), its last act last_ns
    // after it, logging `logged`.
    static constexpr uint64_t kNoTargetCall = UINT64_MAX;
    bool runs_ahead(const SmbusPayload& p, uint64_t call_ns, uint64_t last_ns, EventId logged);
    // runs_ahead without its condition on the master's next step: for acts whose owed time
    // the bus itself waits out before it returns to the master (the STOP's).
    bool acts_ahead(uint64_t call_ns, uint64_t last_ns, EventId logged);
    // runs_ahead's part when some sink takes an event only at its time (Walk::sinks_early
    // false): whether this step's event and target call allow running ahead.
    bool sinks_allow_ahead(uint64_t call_ns, EventId logged) const;
    // The bus's time, in ns: SystemC's plus the wire time the open transfer's master has
    // not waited out yet.
    uint64_t now_ns() const { return sim_now_ns() + owed_ns_; }
    // How far past SystemC's time the bus may act, in ns: its acts must come before another
    // process's next one (sc_time_to_pending_activity()) and before the run's end.
    uint64_t ahead_limit_ns();
    // ahead_limit_ns asking SystemC, in delta cycle `delta`; the answer kept for it.
    uint64_t pending_limit_ns(sc_dt::uint64 delta);

    void repeated_start(bool follows);
    // The last wire time of a step, dt_ns: left owed to the next step when the step is marked
    // next_step_follows, the transfer is clean and decoupling is on; else waited out now.
    void owe(uint64_t dt_ns, bool follows);
    // Waits out the owed time, before anything that another process or the log could see.
    void sync();
    // Waits out the owed time and dt_ns more in one wait; nothing is owed after it.
    void wait_out(uint64_t dt_ns);

    SmbusTiming timing_;
    const uint64_t bit_ns_; // timing_.bit_ns(), a division: once
    EventSink& log_;
    WireTrace wire_;
    std::vector<std::unique_ptr<Port>> ports_;
    std::vector<std::pair<uint8_t, SmbusTargetSocket*>> target_sockets_;
    std::array<SmbusTargetIf*, 128> targets_{}; // by address, after elaboration
    // A master may start once the bus has been idle for tBUF, at power-up too (which also
    // keeps the first START edge distinct from the VCD's initial values at time 0).
    uint64_t bus_free_at_ns_;
    uint64_t wire_bytes_ = 0;
    bool busy_ = false;       // a transfer is in progress (a second master waits)
    bool elaborated_ = false; // bindings are closed
    int waiting_ = 0;         // masters in wait_until_free
    bool open_reported_ = false;
    bool decoupling_ = true;
    // Wire time the open transfer's master has not waited out yet (owe): the bus's time is
    // now_ns(); 0 whenever a step ends without next_step_follows.
    uint64_t owed_ns_ = 0;
    uint64_t last_act_ns_ = 0;
    // The byte whose data bits data_bits is waiting out (draw_cut): when they began, its value.
    struct ByteOnWire {
        uint64_t t_ns;
        uint8_t value;
    };
    std::optional<ByteOnWire> byte_on_wire_;
    // ahead_limit_ns()'s answer, while sc_delta_count() is quiet_delta_ and no target
    // notified anything since.
    bool quiet_known_ = false;
    sc_dt::uint64 quiet_delta_ = 0;
    uint64_t ahead_limit_ns_ = 0;
    Walk walk_;
    // The burst burst_ahead handed over with its bytes' events wanted (before_step).
    struct StepLog {
        const uint8_t* bytes = nullptr; // the burst's, as the target fills a Read's
        const char* dir = "w";
        uint64_t first_ack_ns = 0; // step 0's ACK bit; step i's i * step_ns later
        uint64_t step_ns = 0;
        unsigned steps = 0;  // handed over
        unsigned logged = 0; // steps logged so far, from step 0
    };
    StepLog step_log_;
    sc_core::sc_event transfer_end_;
    DeferredStop deferred_;
    sc_core::sc_event deferred_stop_event_;
    std::vector<TransferObserver*> observers_;
    FaultObservers fault_observers_;
};

} // namespace ssifsim::smbus
