// Renders SCL/SDA edges of each bus primitive into a VCD, exactly, without one SystemC
// event per edge. Levels are the pulled-up view of the open-drain wires (0 or 1).
//
// Within one SCL period of 4 quarters (q):
//   data bit:  SDA set at +1q (SCL low), SCL rises at +2q, falls at +4q
//   START:     SDA falls at +0 with SCL high, SCL falls at +2q (2q long)
//   Sr:        SDA released at +1q, SCL rises at +2q, SDA falls at +3q, SCL falls at +4q
//   STOP:      SDA low at +1q, SCL rises at +2q, SDA rises at +3q (4q long)
#pragma once

#include <cstdint>

#include "models/common/vcd_writer.h"
#include "models/smbus/timing.h"

namespace ssifsim::smbus {

class WireTrace {
  public:
    // vcd may be null: then nothing is drawn.
    WireTrace(VcdWriter* vcd, const SmbusTiming& timing);
    // False when there is no VCD: the calls below draw nothing.
    bool drawing() const { return vcd_ != nullptr; }

    void start(uint64_t t_ns);
    void repeated_start(uint64_t t_ns);
    void stop(uint64_t t_ns);
    // 8 data bits MSB first, then the ACK bit (0) or NAK (1).
    void byte(uint64_t t_ns, uint8_t value, bool ack);
    // byte()'s 8 data bits without the ACK bit, edge by edge (a byte the run's end cut: with
    // draw_until, its edges up to the end).
    void data_bits(uint64_t t_ns, uint8_t value);
    // The run ends at end_ns: no edge after it is drawn (a START, an ACK bit or a STOP is
    // drawn whole when it begins). Unset (UINT64_MAX): every edge.
    void draw_until(uint64_t end_ns) { end_ns_ = end_ns; }
    // A device pulls SDA low; releases it (with SCL high: a STOP condition).
    void sda_low(uint64_t t_ns);
    void sda_release(uint64_t t_ns);
    // The master clocks `zeros` 0 bits, then loses the arbitration on the next bit: SCL
    // rises and the master drives it no more.
    void lost_arbitration(uint64_t t_ns, int zeros);
    // The master's STOP with SDA held low by a device: SCL rises and the master drives it no
    // more; SDA stays low until the device lets it go (sda_release: the STOP).
    void stop_lost(uint64_t t_ns);
    // A master that died mid-transfer (fault host_power_off) lets both lines go after its
    // last bit (SCL low): they float up, SDA at +1q while SCL is still low (no STOP
    // condition), then SCL at +2q, where they stay until the next START.
    void released(uint64_t t_ns);

  private:
    void bit(uint64_t t_ns, bool level);
    // One edge, unless it comes after end_ns_.
    void edge(uint64_t t_ns, int signal, bool level) {
        if (t_ns <= end_ns_)
            vcd_->change(t_ns, signal, level);
    }

    VcdWriter* vcd_;
    uint64_t quarter_ns_; // SmbusTiming::quarter_ns, a division: once
    int scl_ = -1;
    int sda_ = -1;
    uint64_t end_ns_ = UINT64_MAX;
};

} // namespace ssifsim::smbus
