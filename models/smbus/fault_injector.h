// A fault injector on one master's socket path: TLM's interconnect component between an
// initiator and the bus (master -> injector -> SmbusBus), which decides and applies the
// faults of the transfers passing through it, so that every master (the SSIF host, a second
// master, the host's Alert Response Address read) is faulted the same way and none of them
// knows fault plans.
//
// On the Start of a transfer the master tagged (SmbusPayload::tag, fault.h) it asks its
// TransferFaultSource for the transfer's fault, hands the wire parts to the bus with the
// Start (SmbusPayload::fault; the bus applies them byte by byte: a NAK, a lost STOP, a dead
// master, a held line, a changed read byte, the target's read PEC) and writes back into the
// tag what it applied. It corrupts the master's own write PEC itself: the Write its master
// marks as its PEC goes out inverted (SMBus 3.1 section 6.4: the target then finds the PEC
// wrong and NAKs it or drops the message), logged as a `fault` `corrupt_pec` event at that
// moment (the wire byte's index, counting the address) and told to its FaultObservers.
// A burst (SmbusPayload::data_length) passes whole, but one whose PEC it corrupts goes on as
// single steps, so that the PEC's step is the one changed and logged at its moment.
// Untagged transfers, and all with no source set, pass untouched; every step takes the
// bus's time only. Only a transfer's first Start is looked at: the tag of a repeated START
// (a block read's Sr addr+R) is ignored, and may be null. The tag must live until the
// transfer's Stop has returned (the injector writes into it on the Start only, but a
// master reads what was applied after the transfer).
#pragma once

#include <systemc>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/smbus/fault.h"
#include "models/smbus/socket.h"

namespace ssifsim::smbus {

class SmbusFaultInjector : public sc_core::sc_module, public SmbusBusIf {
  public:
    // Bind the master's SmbusInitiatorSocket here (socket.bind(injector.target_socket)).
    SmbusBusExport target_socket;
    // Bind to the bus (SmbusBus::bind_initiator) or to the next component on the path.
    SmbusInitiatorSocket initiator_socket;

    // log receives the `fault` events of the faults the injector applies itself (the
    // master's write PEC); it must outlive the injector.
    SmbusFaultInjector(sc_core::sc_module_name name, EventSink& log);

    // The faults to apply; null (the default): every transfer passes clean. Set it before
    // the simulation starts; it must outlive the run.
    void set_source(TransferFaultSource* source) { source_ = source; }
    // Told of each fault the injector applies itself (a corrupted write PEC), as it logs
    // the "fault" event; the bus tells its own observers of the wire faults.
    void add_fault_observer(FaultObserver* observer) { fault_observers_.add(observer); }

    // SmbusBusIf, as the master sees the bus (socket.h): each call goes on to the bus.
    void b_transport(SmbusPayload& p) override;
    void wait_until_free() override { initiator_socket->wait_until_free(); }
    void wait_next_transfer_end() override { initiator_socket->wait_next_transfer_end(); }
    const SmbusTiming& timing() const override { return initiator_socket->timing(); }
    void transfer_done(TransferRecord& t) override { initiator_socket->transfer_done(t); }

    // When the master last began a transfer (its Start step, in ns; 0: never): whether it
    // is at work, its own traffic included.
    uint64_t last_transfer_start_ns() const { return last_start_ns_; }

  private:
    EventSink& log_;
    TransferFaultSource* source_ = nullptr;
    FaultObservers fault_observers_;
    bool in_transfer_ = false; // the master's Start went through, its Stop not yet
    TransferFault fault_;      // of the transfer in progress (the bus holds a pointer to it)
    int wire_bytes_ = 0;       // the master's transfer's wire bytes so far, addresses included
    uint64_t last_start_ns_ = 0;
};

} // namespace ssifsim::smbus
