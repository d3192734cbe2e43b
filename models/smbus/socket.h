// The SMBus/I2C protocol at byte level, as SystemC sockets: a master (initiator) drives the
// bus one wire step at a time through an SmbusInitiatorSocket; the bus calls each target at
// the simulated moment the step reaches it through the target's SmbusTargetSocket.
//
//   master --SmbusInitiatorSocket--> [SmbusFaultInjector] --SmbusInitiatorSocket-->
//     SmbusBus (wire timing, arbitration, wire faults, VCD, log)
//     --SmbusTargetSocket--> target (e.g. LinuxSlaveTarget in front of a Linux slave)
//
// A component on the path between a master and the bus (as SmbusFaultInjector) offers
// SmbusBusIf on an SmbusBusExport, which the master's socket binds to, and passes the steps on
// through its own initiator socket.
//
// A transfer is Start (address byte), then Write or Read steps, an optional repeated Start,
// and a Stop; the master sends the Stop whatever the steps answered. A master must end every
// transfer with a Stop: until then the bus is busy and every other master waits for it,
// forever if the master never sends one (SmbusBus then warns at end_of_simulation, or when
// it is destroyed, and answers transfer_in_progress()).
#pragma once

#include <cstdint>
#include <systemc>

#include "models/smbus/fault.h"
#include "models/smbus/timing.h"
#include "models/smbus/transfer.h"

namespace ssifsim::smbus {

enum class SmbusCommand : uint8_t {
    // START, or a repeated START within the master's transfer, then the address byte in
    // `data` (addr7 << 1 | R/W).
    Start,
    // The master sends the byte in `data`.
    Write,
    // The target supplies `data`; the master ACKs it if `master_ack` (the target learns the
    // ACK from what comes next: a Read after an ACKed byte, or a Stop).
    Read,
    // STOP.
    Stop,
};

enum class SmbusResponse : uint8_t {
    Incomplete, // not yet answered; a target that leaves a Start or Write so: a NAK
    Ack,        // Start, Write: the target ACKed the byte; Read, Stop: done
    Nak,        // Start, Write: no ACK (nobody at the address, or the target refused)
    Busy,       // from a target only: it cannot take the byte now (-EBUSY); the bus NAKs it
    // To the master only, from the wires: SCL held past its adapter timeout (-ETIMEDOUT);
    // SDA held low where it sent a 1 (-EAGAIN); the master died here (a fault).
    Timeout,
    ArbitrationLost,
    Abandoned,
};

// Told by a target's transport_burst between a burst's steps (SmbusPayload::step_observer).
class SmbusStepObserver {
  public:
    virtual ~SmbusStepObserver() = default;
    // The target is about to take step `i` of the burst (1 to data_length - 1): step i - 1
    // was taken, answered Ack, and notified nothing.
    virtual void before_step(unsigned i) = 0;
};

struct SmbusPayload {
    SmbusCommand command = SmbusCommand::Stop;
    uint8_t data = 0;
    // Read: the master ACKs this byte (it will read another). The bus reports back what it
    // sent.
    bool master_ack = false;
    // Read: the byte is a block count (the kernel's I2C_M_RECV_LEN): the master ACKs it when
    // it is 1..kBlockMax, else NAKs it and stops; master_ack is not looked at.
    bool recv_len = false;
    SmbusResponse response = SmbusResponse::Incomplete;
    // Start of a transfer (not a repeated START): the wire faults the bus applies to it
    // (fault.h), set by a fault injector on the path; null: a clean transfer. The fault must
    // outlive the transfer.
    const TransferFault* fault = nullptr;
    // Start of a transfer: what the master says the transfer is, for the fault injectors on
    // its path (fault.h), which also write back what they applied; null: untagged (no
    // injector faults it). The bus does not look at it. It must outlive the Start.
    TransferTag* tag = nullptr;
    // Write: this byte is the master's PEC (SMBus 3.1 section 6.4), which a fault injector
    // may corrupt. The bus does not look at it.
    bool pec = false;
    // Start of a transfer: the bus fills in when the START began (after waiting for a free
    // bus), in ns.
    uint64_t start_ns = 0;
    // Start, Write, Read: the master sends its next step of this transfer as soon as this one
    // returns, and does nothing in between that the log, another process or a report could
    // see (SmbusController does). The bus may then return before the step's wire time is
    // over, at most one bit period early (the ACK bit, or the START hold), and has the next
    // step wait it out together with its own: temporal decoupling, as a loosely-timed TLM
    // initiator's annotated delay, with every event at its exact time (SmbusBus). False: the
    // step returns when its wire time has passed.
    bool next_step_follows = false;
    // From the bus to a target that takes_delay() (SmbusTargetIf): the annotated delay of a
    // TLM-2.0 loosely-timed b_transport. The step reaches the target at sc_time_stamp() +
    // delay_ns, the bus being that far ahead of SystemC's clock; 0 for any other target.
    uint64_t delay_ns = 0;
    // From such a target back to the bus: it notified an event in this call (made a process
    // or itself due), so the bus asks SystemC again what is due before it acts further
    // ahead. Unlooked at from a target that takes no delay: the bus always asks again.
    bool notified = false;
    // Write, Read: a burst, TLM's data pointer and length: data_length bytes in one call, as
    // that many steps of one byte each, all but the last marked next_step_follows (the last
    // takes this payload's). A Write sends data_ptr[0..data_length), `pec` marking the last
    // as the PEC; a Read fills data_ptr[0..data_length), the master ACKing each byte but the
    // last, whose ACK master_ack says (recv_len is not looked at). The burst stops after the
    // first step not answered Ack (a NAKed Write, a Read the wires cut short). Back from the
    // bus: steps_done, the steps taken (all Ack but the last, whose answer is `response`),
    // and `data` and `master_ack` as the last step left them. The wires, the log and the
    // targets see the single steps (a target may take several in one call:
    // SmbusTargetIf::transport_burst); only the calls along the path are fewer. data_length 0
    // (the default): the one byte in `data`. A component on the path (SmbusFaultInjector)
    // passes a burst on whole or as single steps.
    uint8_t* data_ptr = nullptr;
    unsigned data_length = 0;
    unsigned steps_done = 0;
    // A burst from the bus to a target's transport_burst: when set, the target calls
    // step_observer->before_step(i) just before it takes each step i after the first, so
    // that the bus records step i - 1 (its byte's log event) between the target's acts for
    // the two steps, where single steps put it. Null: no calls.
    SmbusStepObserver* step_observer = nullptr;

    uint8_t addr7() const { return static_cast<uint8_t>(data >> 1); }
    bool is_read() const { return (data & 1) != 0; }
};

// Step i of a burst (SmbusPayload::data_length) as a single step, into `step`: its command,
// next_step_follows, and a Write's byte and pec or a Read's master_ack; response Incomplete.
inline void burst_step(const SmbusPayload& burst, unsigned i, SmbusPayload& step) {
    const unsigned last = burst.data_length - 1;
    step.command = burst.command;
    step.next_step_follows = i < last || burst.next_step_follows;
    step.response = SmbusResponse::Incomplete;
    if (burst.command == SmbusCommand::Write) {
        step.data = burst.data_ptr[i];
        step.pec = burst.pec && i == last;
    } else {
        step.data = 0;
        step.master_ack = i < last || burst.master_ack;
    }
}

// Step i of a burst has been answered (`step`): a Read's byte is stored. True when the burst
// ends there (its last step, or one not answered Ack), with its steps_done, response, data
// and master_ack filled in.
inline bool burst_step_answered(SmbusPayload& burst, unsigned i, const SmbusPayload& step) {
    if (burst.command == SmbusCommand::Read)
        burst.data_ptr[i] = step.data;
    if (i + 1 < burst.data_length && step.response == SmbusResponse::Ack)
        return false;
    burst.steps_done = i + 1;
    burst.response = step.response;
    burst.data = step.data;
    burst.master_ack = step.master_ack;
    return true;
}

// A burst (SmbusPayload::data_length, at least 1) taken as its single steps from step
// `first` (below data_length) on, each through one_step (a callable taking SmbusPayload&,
// which answers the step as b_transport would): fills in the burst's steps_done, response,
// data and master_ack, and a Read's bytes.
template <typename OneStep>
void run_burst_as_steps(SmbusPayload& burst, OneStep one_step, unsigned first = 0) {
    SmbusPayload step;
    for (unsigned i = first;; ++i) {
        burst_step(burst, i, step);
        one_step(step);
        if (burst_step_answered(burst, i, step))
            return;
    }
}

// What a target implements. The bus calls transport() at the simulated moment the step
// reaches the target on the wires: Start and Write when the byte's 8 data bits are in (the
// target answers Ack, Nak or Busy on the 9th clock), Read when the byte is due (the target
// puts it in `data`), Stop when the STOP has ended. It returns at once, as a controller's
// interrupt handler does, and must not wait. The bus ACKs a Start or Write only when the
// target answered Ack: Nak, Busy and a `response` left Incomplete are a NAK on the wire (a
// target that does not pull SDA low on the 9th clock). On a Read and a Stop the response is
// not looked at; a Read's byte is `data` as the target left it.
//
// Temporal decoupling: a target whose takes_delay() is true may be called ahead of SystemC's
// clock, with the step's moment in SmbusPayload::delay_ns. It then logs, traces and times
// what it does at sc_time_stamp() + delay_ns: an event it notifies is due that long after
// SystemC's time (what it wakes at once: sc_event::notify(delay_ns)) and sets `notified`,
// and it writes no signal. The bus calls ahead only while no other process is due before
// the step's moment, and waits for what the target made due before it acts past it. One
// that does not take delay is called at the step's moment, once the bus has waited for it.
//
// A burst's steps in one call (transport_burst): when a clean transfer runs ahead and no
// wires are drawn (the VCD the target may trace into would see the order), the bus hands a
// target that takes delay the burst's leading Write or Read steps at once
// (SmbusBus::burst_ahead), and logs each step's byte as the target takes the next.
// p.data_ptr and p.data_length are those steps (a Write's bytes; a Read's bytes to fill),
// step i reaching the target at p.delay_ns + i * stride_ns (ns). The target takes them in
// order, as transport() would take them one by one, and stops after the first step that
// notified an event or, a Write, was not answered Ack. It fills in p.steps_done (1 to
// p.data_length; anything else is the bus's SC_REPORT_ERROR naming the target), p.response
// (the last step's answer), p.notified (the last step notified) and a Read's bytes. Given
// p.step_observer, it calls its before_step(i) just before each step i after the first, and
// at no other time (the bus checks the count). The default calls transport() for each step.
class SmbusTargetIf : public virtual sc_core::sc_interface {
  public:
    virtual void transport(SmbusPayload& p) = 0;
    virtual bool takes_delay() const { return false; }
    virtual void transport_burst(SmbusPayload& p, uint64_t stride_ns);
};

inline void SmbusTargetIf::transport_burst(SmbusPayload& p, uint64_t stride_ns) {
    const bool write = p.command == SmbusCommand::Write;
    SmbusPayload step;
    step.command = p.command;
    for (unsigned i = 0; i < p.data_length; ++i) {
        if (i > 0 && p.step_observer)
            p.step_observer->before_step(i);
        step.data = write ? p.data_ptr[i] : 0xff; // a Read: the pull-up's 1s unless driven
        step.response = SmbusResponse::Incomplete;
        step.delay_ns = p.delay_ns + i * stride_ns;
        step.notified = false;
        transport(step);
        if (!write)
            p.data_ptr[i] = step.data;
        p.steps_done = i + 1;
        p.response = step.response;
        p.notified = step.notified;
        if (step.notified || (write && step.response != SmbusResponse::Ack))
            return;
    }
}

// What the bus offers each master.
class SmbusBusIf : public virtual sc_core::sc_interface {
  public:
    // Blocking, from the master's SC_THREAD: returns when the step has taken its wire time
    // (up to one bit period earlier for a step marked SmbusPayload::next_step_follows).
    // A Start of a transfer first waits for the bus to be free and idle for tBUF, then takes
    // the START hold (half a period) and the address byte (9 periods); a repeated Start one
    // period more; a Write or Read 9 periods; a Stop one period. Faults and held lines
    // lengthen them (fault.h). A burst (SmbusPayload::data_length) takes its steps' time.
    // Write, Read, Stop outside the master's transfer, a Read after an address byte with
    // R/W 0 and a Write after one with R/W 1 are an SC_REPORT_ERROR; should it not throw
    // (the platform's error actions), the step takes no time and answers Nak. After an
    // address nobody ACKed, the steps up to the next Start reach no target: a Write is
    // NAKed, a Read gets 0xff.
    virtual void b_transport(SmbusPayload& p) = 0;
    // For a master that waits for its moment: returns once no transfer is in progress and
    // tBUF has passed; wait_next_transfer_end() returns when the next transfer has ended.
    // When two masters wait for a free bus, the one SystemC resumes first takes it (its
    // Start is in before the other runs): SystemC's process order, which the standard
    // leaves unspecified; the bus models no arbitration between simultaneous STARTs. A
    // Start waits the same way.
    virtual void wait_until_free() = 0;
    virtual void wait_next_transfer_end() = 0;
    virtual const SmbusTiming& timing() const = 0;
    // The monitor: the master hands in its finished transfer right after its Stop (before it
    // waits again); the bus fills in what it measured on the wires (the longest low line, the
    // target's clock stretch) and passes it to every TransferObserver.
    virtual void transfer_done(TransferRecord& t) = 0;
};

// On a master: bound to the bus with SmbusBus::bind_initiator, or to a component on the
// path (its SmbusBusExport) with bind(). Unbound: SystemC's binding
// error at elaboration.
class SmbusInitiatorSocket : public sc_core::sc_port<SmbusBusIf> {
  public:
    SmbusInitiatorSocket() : sc_port(sc_core::sc_gen_unique_name("smbus_initiator")) {}
    explicit SmbusInitiatorSocket(const char* name) : sc_port(name) {}
};

// On a component between masters and the bus (SmbusFaultInjector): the bus as its master
// sees it, bound to the component's SmbusBusIf; a master's SmbusInitiatorSocket binds to it.
class SmbusBusExport : public sc_core::sc_export<SmbusBusIf> {
  public:
    SmbusBusExport() : sc_export(sc_core::sc_gen_unique_name("smbus_bus")) {}
    explicit SmbusBusExport(const char* name) : sc_export(name) {}
};

// On a target: bound to its SmbusTargetIf implementation, and to the bus with
// SmbusBus::bind_target. Unbound: SystemC's binding error at elaboration.
class SmbusTargetSocket : public sc_core::sc_export<SmbusTargetIf> {
  public:
    SmbusTargetSocket() : sc_export(sc_core::sc_gen_unique_name("smbus_target")) {}
    explicit SmbusTargetSocket(const char* name) : sc_export(name) {}
};

} // namespace ssifsim::smbus
