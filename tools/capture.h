// Real captures of SSIF traffic, decoded to SMBus transfers: a logic analyzer's VCD of SCL
// and SDA (sigrok's .sr goes through `sigrok-cli -O vcd` first), or a kernel trace of the
// host's i2c_smbus_xfer calls (the smbus_* tracepoints of include/trace/events/smbus.h as
// `trace-cmd report` or /sys/kernel/tracing/trace print them). What comes out is what the
// bus model tells its observers (smbus::TransferRecord), so the run's checks apply as they
// are; a wire capture also keeps every byte with its ACK bit and time, for replaying the
// BMC's side into the driver model.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "models/smbus/adapter.h"
#include "models/smbus/bus.h"

namespace ssifsim::tools {

// One byte on the wires: its value, the ACK bit after it (true: ACK, SDA low), the time
// its ACK bit's SCL rose (when the receiver had it), and who sent it.
struct WireByte {
    uint64_t t_ns = 0;
    uint8_t value = 0;
    bool ack = false;
    bool from_master = true;
};

// One transfer, START to STOP. op and status as the bus model names them (bus.h).
struct CapturedTransfer {
    // block_write, block_read, receive_byte, i2c_write, i2c_read; "incomplete": no whole
    // byte between START and STOP (addr7 and command 0)
    const char* op = "i2c_write";
    uint8_t addr7 = 0;
    uint8_t command = 0;
    smbus::SmbusStatus status = smbus::SmbusStatus::Ok;
    int count = -1;     // a block transfer's count byte (-1: none got through)
    Bytes data;         // the block's data bytes (without count and PEC)
    bool pec = false;   // a PEC byte followed the block (a kernel trace: flags had I2C_CLIENT_PEC)
    bool pec_ok = true; // that byte was the CRC-8 of the transfer (smbus/pec.h)
    uint64_t start_ns = 0; // START (a kernel trace: the smbus_write/smbus_read line)
    uint64_t end_ns = 0;   // STOP, or without one master_done_ns (a kernel trace: the
                           // smbus_result line)
    // When the master was last seen driving the transfer: its last SCL edge (a master that
    // gave up on a held line has returned its error before the line is free and the STOP
    // comes); a kernel trace: end_ns.
    uint64_t master_done_ns = 0;
    // Wire captures only: the longest time a line stayed low within the transfer, which one,
    // and the clock low time beyond the transfer's usual SCL low phase, summed (a stretch).
    uint64_t longest_low_ns = 0;
    const char* longest_low_by = "";
    uint64_t target_stretch_ns = 0;
    bool wire = false;           // decoded from the wires (bytes below are set)
    std::vector<WireByte> bytes; // address bytes included
    size_t restart_at = 0;       // index of the byte after the repeated START; 0 if none
    // Ended by a STOP; false: by a START that began the next transfer (a master that died
    // and let its lines go, then a new START). A kernel trace: true.
    bool stopped = true;
    int errno_value = 0; // a kernel trace: smbus_result's res (0 or -errno)
    int adapter = -1;    // a kernel trace: the adapter's N (i2c-N); wires: -1

    // The record the bus model would have given its observers for this transfer.
    smbus::TransferRecord record() const;
};

struct Capture {
    std::string file;
    std::string format; // vcd, ftrace
    std::vector<CapturedTransfer> transfers;
    uint64_t begin_ns = 0, end_ns = 0; // the span the capture covers
    bool wire_timing = false;          // the lines' timing is known (tTIMEOUT, tLOW:SEXT apply)
    // Wire captures: the sample period found (the timestamps' greatest common divisor), the
    // glitch filter's width, the pulses it removed, bytes cut short (a capture starting
    // mid-transfer, a lost arbitration), and transfers without their STOP.
    uint64_t sample_ns = 0;
    uint64_t glitch_ns = 0;
    uint64_t glitches = 0;
    uint64_t partial_bytes = 0;
    uint64_t unterminated = 0;
    std::vector<std::string> notes; // what the decoder met and how it took it, one line each
};

struct WireDecodeOptions {
    std::string scl = "", sda = ""; // signal names (leaf); "" finds the one named *scl*/*sda*
    // Pulses shorter than this are glitches and removed; -1: max(50 ns (I2C tSP), 1.5 sample
    // periods).
    int64_t glitch_ns = -1;
};

// Decodes a VCD (any timescale; scalar changes of the two lines; vectors and other signals
// are skipped). Throws InputError naming `file` and the line for what it cannot read.
Capture decode_vcd(std::istream& in, const std::string& file, const WireDecodeOptions& options);

// Parses kernel trace text: lines with `TIMESTAMP: smbus_write: ...` (also smbus_read,
// smbus_reply, smbus_result; i2c_* lines are counted and noted, their messages are the same
// transfers seen below i2c-core's SMBus emulation). Other lines are skipped. smbus_result's
// res is read as `adapter` returns each status (smbus/adapter.h: -ENXIO a NAKed address with
// i2c-core's defaults, -EREMOTEIO any NAK on DesignWare). Throws InputError for a
// tracepoint line whose fields do not parse, naming the file and line.
Capture parse_ftrace(std::istream& in, const std::string& file,
                     smbus::AdapterKind adapter = smbus::AdapterKind::Generic);

} // namespace ssifsim::tools
