// SMBus bus timing: the one table of the bus model's timing constants and the durations
// derived from bit counts. Every bit is one SCL period; a byte is 8 data bits plus the
// ACK/NAK bit. The waveform inside a period is drawn in quarters (see wire_trace.h).
#pragma once

#include <cstdint>

namespace ssifsim::smbus {

struct SmbusTiming {
    // The SCL clock in Hz, kMinFreqHz..kMaxFreqHz: SmbusBus refuses any other (and the
    // durations below are meaningless outside it; 0 divides by zero).
    uint32_t freq_hz = 100000;

    // Supported clock range: SMBus 10 kHz .. 1 MHz (SMBus 3.x "Fm+"). The one place for it:
    // the bus and the scenario loader both check against these.
    static constexpr uint32_t kMinFreqHz = 10000;
    static constexpr uint32_t kMaxFreqHz = 1000000;
    static constexpr bool supported(uint32_t hz) { return hz >= kMinFreqHz && hz <= kMaxFreqHz; }

    // A quarter SCL period, rounded to whole ns; the bit period is four of them.
    uint64_t quarter_ns() const;
    uint64_t bit_ns() const { return 4 * quarter_ns(); }

    // START: SDA falls while SCL is high and is held half a period (tHD:STA) before SCL falls.
    uint64_t start_ns() const { return 2 * quarter_ns(); }
    // One byte: 8 data bits + ACK/NAK.
    uint64_t byte_ns() const { return 9 * bit_ns(); }
    // Repeated START and STOP each take one period.
    uint64_t repeated_start_ns() const { return bit_ns(); }
    uint64_t stop_ns() const { return bit_ns(); }
    // The STOP condition, SDA rising while SCL is high (I2C-bus specification 3.1.4), three
    // quarters into the STOP's period, where WireTrace::stop draws it: when the targets see
    // the STOP (a slave controller raises its stop interrupt on it) and the log stamps it.
    uint64_t stop_condition_ns() const { return 3 * quarter_ns(); }
    // Bus free time between a STOP and the next START (tBUF): 4.7 us in the 100 kHz class,
    // 1.3 us at 400 kHz, 0.5 us at 1 MHz (SMBus 3.1 Table 1).
    uint64_t bus_free_ns() const;

    // The master's controller gives up on a transfer this long after its START and returns
    // -ETIMEDOUT: i2c-core sets adap->timeout to HZ (one second) when the bus driver sets
    // none. A controller that enforces SMBus tTIMEOUT gives up after 25..35 ms.
    uint64_t adapter_timeout_ns = 1'000'000'000;

    // SMBus 3.1 Table 1 limits the bus checks hold transfers to.
    // tTIMEOUT,min: a clock low this long lets every device reset its interface.
    static constexpr uint64_t kTimeoutMinNs = 25'000'000;
    // tLOW:SEXT: a target's cumulative clock stretch from START to STOP.
    static constexpr uint64_t kLowSextNs = 25'000'000;

    // Whole transfers, START to end of STOP. count: data bytes, pec: one more byte.
    uint64_t block_write_ns(unsigned count, bool pec) const;
    uint64_t block_read_ns(unsigned count, bool pec) const;
};

} // namespace ssifsim::smbus
