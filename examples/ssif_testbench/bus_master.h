// The testbench's SMBus master: the one place the testbench touches the bus. It makes the two
// transfers SSIF needs, SMBus Block Write and Block Read with PEC (SMBus 3.1 §6.5.7, §6.5.8),
// for the calling SC_THREAD, and hands back what came of them in the testbench's own terms.
//
// Today it calls the bus's transfer-level functions (SmbusBus::block_write/block_read, the
// bus appending and checking PEC). When the bus becomes an interconnect with initiator and
// target sockets (issue 26), this class is what changes: an SmbusInitiatorSocket bound to
// the bus, and each transfer a sequence of byte-level payloads (START with addr+W, the command,
// count and data bytes, the PEC from models/smbus/pec.h, a repeated START with addr+R for a
// read, STOP); the rest of the testbench stays as it is.
#pragma once

#include <cstdint>

#include "models/common/event_log.h"
#include "models/smbus/bus.h"

namespace testbench {

struct Transfer {
    bool ok = false;
    const char* status = ""; // "ok", or why not: address_nak, data_nak, bad_pec, ...
    ssifsim::Bytes data;     // block read: the data bytes received (without count and PEC)
    uint64_t start_ns = 0;   // START, in ns of simulated time
    uint64_t end_ns = 0;     // end of STOP
};

class BusMaster {
  public:
    explicit BusMaster(ssifsim::smbus::SmbusBus& bus) : bus_(bus) {}

    // S addr+W, command, count, data (1..32 bytes), PEC, P. Blocks the calling SC_THREAD
    // until the STOP has ended; a NAKed address (a busy SSIF BMC) is not an error here.
    Transfer block_write(uint8_t addr7, uint8_t command, const ssifsim::Bytes& data) {
        return transfer(bus_.block_write(addr7, command, data, kPec));
    }

    // S addr+W, command, Sr addr+R, count, data, PEC, P: `data` holds the count bytes read.
    Transfer block_read(uint8_t addr7, uint8_t command) {
        return transfer(bus_.block_read(addr7, command, kPec));
    }

  private:
    static constexpr bool kPec = true;

    static Transfer transfer(const ssifsim::smbus::SmbusResult& r) {
        return Transfer{r.ok(), ssifsim::smbus::status_name(r.status), r.data, r.start_ns,
                        r.end_ns};
    }

    ssifsim::smbus::SmbusBus& bus_;
};

} // namespace testbench
