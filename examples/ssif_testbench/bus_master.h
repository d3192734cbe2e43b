// The testbench's SMBus master: the one place the testbench touches the bus. It makes the two
// transfers SSIF needs, SMBus Block Write and Block Read with PEC (SMBus 3.1 §6.5.7, §6.5.8),
// for the calling SC_THREAD, one wire step at a time through its SmbusInitiatorSocket (START
// with the address byte, the bytes, STOP; models/smbus/socket.h), computing and checking the
// PEC itself, and hands back what came of them in the testbench's own terms.
#pragma once

#include <cstdint>
#include <cstring>
#include <systemc>

#include "models/common/event_log.h"
#include "models/common/sim_time.h"
#include "models/smbus/pec.h"
#include "models/smbus/socket.h"

namespace testbench {

struct Transfer {
    bool ok = false;
    const char* status = ""; // "ok", or why not: "address NAK", "data NAK", "bad PEC", ...
    ssifsim::Bytes data;     // block read: the data bytes received (without count and PEC)
    uint64_t start_ns = 0;   // START, in ns of simulated time
    uint64_t end_ns = 0;     // end of STOP
};

class BusMaster : public sc_core::sc_module {
  public:
    ssifsim::smbus::SmbusInitiatorSocket socket{"socket"}; // bind to the bus

    explicit BusMaster(sc_core::sc_module_name name) : sc_module(name) {}

    // S addr+W, command, count, data (1..32 bytes), PEC, P. Blocks the calling SC_THREAD
    // until the STOP has ended; a NAKed address (a busy SSIF BMC) is not an error here.
    Transfer block_write(uint8_t addr7, uint8_t command, const ssifsim::Bytes& data) {
        Transfer t;
        t.status = write_block(t, addr7, command, data);
        t.ok = std::strcmp(t.status, "ok") == 0;
        stop(t);
        return t;
    }

    // S addr+W, command, Sr addr+R, count, data, PEC, P: `data` holds the count bytes read.
    Transfer block_read(uint8_t addr7, uint8_t command) {
        Transfer t;
        t.status = read_block(t, addr7, command);
        t.ok = std::strcmp(t.status, "ok") == 0;
        stop(t);
        return t;
    }

  private:
    using Command = ssifsim::smbus::SmbusCommand;
    using Response = ssifsim::smbus::SmbusResponse;

    // A block write's steps up to (not including) the STOP; returns "ok" or what went wrong.
    const char* write_block(Transfer& t, uint8_t addr7, uint8_t command,
                            const ssifsim::Bytes& data) {
        uint8_t pec = 0;
        if (!start(t, static_cast<uint8_t>(addr7 << 1), pec))
            return "address NAK";
        ssifsim::Bytes bytes{command, static_cast<uint8_t>(data.size())};
        bytes.insert(bytes.end(), data.begin(), data.end());
        for (uint8_t b : bytes)
            if (!write(b, pec))
                return "data NAK";
        return write(pec, pec) ? "ok" : "PEC NAK"; // the PEC over everything before it
    }

    // A block read's steps up to (not including) the STOP; returns "ok" or what went wrong.
    const char* read_block(Transfer& t, uint8_t addr7, uint8_t command) {
        uint8_t pec = 0;
        if (!start(t, static_cast<uint8_t>(addr7 << 1), pec))
            return "address NAK";
        if (!write(command, pec))
            return "data NAK";
        if (!start(t, static_cast<uint8_t>(addr7 << 1 | 1), pec)) // the repeated START
            return "address NAK";
        // The count byte, read as a block count: the bus ACKs it for the master only if it
        // is 1..32 (the kernel's I2C_M_RECV_LEN), else NAKs it.
        ssifsim::smbus::SmbusPayload count;
        count.command = Command::Read;
        count.recv_len = true;
        socket->b_transport(count);
        if (!count.master_ack)
            return "bad count";
        pec = ssifsim::smbus::pec_update(pec, count.data);
        for (unsigned i = 0; i < count.data; ++i) {
            t.data.push_back(read(true));
            pec = ssifsim::smbus::pec_update(pec, t.data.back());
        }
        return read(false) == pec ? "ok" : "bad PEC"; // the last byte, NAKed: the PEC
    }

    ssifsim::smbus::SmbusPayload step(Command command, uint8_t data) {
        ssifsim::smbus::SmbusPayload p;
        p.command = command;
        p.data = data;
        socket->b_transport(p);
        return p;
    }
    // START (or a repeated START) and the address byte; true when ACKed.
    bool start(Transfer& t, uint8_t address_byte, uint8_t& pec) {
        const ssifsim::smbus::SmbusPayload p = step(Command::Start, address_byte);
        if (t.start_ns == 0)
            t.start_ns = p.start_ns;
        pec = ssifsim::smbus::pec_update(pec, address_byte);
        return p.response == Response::Ack;
    }
    bool write(uint8_t b, uint8_t& pec) {
        pec = ssifsim::smbus::pec_update(pec, b);
        return step(Command::Write, b).response == Response::Ack;
    }
    uint8_t read(bool master_ack) {
        ssifsim::smbus::SmbusPayload p;
        p.command = Command::Read;
        p.master_ack = master_ack;
        socket->b_transport(p);
        return p.data;
    }
    // The STOP ends the transfer on the bus whatever the steps answered.
    void stop(Transfer& t) {
        step(Command::Stop, 0);
        t.end_ns = ssifsim::sim_now_ns();
    }
};

} // namespace testbench
