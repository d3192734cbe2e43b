// A second master on the bus (another host, a PMBus controller, a misbehaving device) that
// makes plain I2C reads and writes: each waits for its time, then for a moment when the bus
// is free and its condition holds (for SSIF: the BMC in a given state), and goes in the order
// listed. It tags its transfers (TransferTag: read or write, the first byte written as the
// command, no request) for a fault injector placed in front of it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/smbus/controller.h"

namespace ssifsim::smbus {

struct ForeignTransfer {
    int fault_id = -1; // logged with the "fault" event
    bool read = true;
    uint8_t addr7 = 0;
    Bytes write_bytes;        // a write: the bytes after the address
    unsigned read_length = 2; // a read: bytes taken; the master NAKs the last
    uint64_t from_ns = 0;
    int count = 1;
    // Checked whenever the bus is free; empty: always. `when_text` names it in the log.
    std::function<bool()> when;
    std::string when_text;
};

class ForeignMaster : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(ForeignMaster);
    ForeignMaster(sc_core::sc_module_name name, EventSink& log,
                  std::vector<ForeignTransfer> transfers);

    // Its controller's initiator socket: bind it to the bus (SmbusBus::bind_initiator), or
    // to a fault injector (SmbusFaultInjector::target_socket).
    SmbusInitiatorSocket& smbus_socket() { return controller_.socket; }
    // Told of each foreign_master fault as it starts its transfer.
    void add_fault_observer(FaultObserver* observer) { fault_observers_.add(observer); }

  private:
    void run();

    SmbusController controller_;
    EventSink& log_;
    std::vector<ForeignTransfer> transfers_;
    FaultObservers fault_observers_;
};

} // namespace ssifsim::smbus
