#include "models/smbus/wire_trace.h"

namespace ssifsim::smbus {

WireTrace::WireTrace(VcdWriter* vcd, const SmbusTiming& timing)
    : vcd_(vcd), quarter_ns_(timing.quarter_ns()) {
    if (vcd_) {
        // Leaf names must be unique: sigrok's VCD input drops scopes.
        scl_ = vcd_->add_signal("smbus_scl", 1, 1);
        sda_ = vcd_->add_signal("smbus_sda", 1, 1);
    }
}

void WireTrace::start(uint64_t t) {
    if (!vcd_)
        return;
    const uint64_t q = quarter_ns_;
    edge(t, sda_, 0);
    edge(t + 2 * q, scl_, 0);
}

void WireTrace::repeated_start(uint64_t t) {
    if (!vcd_)
        return;
    const uint64_t q = quarter_ns_;
    edge(t + q, sda_, 1);
    edge(t + 2 * q, scl_, 1);
    edge(t + 3 * q, sda_, 0);
    edge(t + 4 * q, scl_, 0);
}

void WireTrace::stop(uint64_t t) {
    if (!vcd_)
        return;
    const uint64_t q = quarter_ns_;
    edge(t + q, sda_, 0);
    edge(t + 2 * q, scl_, 1);
    edge(t + 3 * q, sda_, 1); // the STOP condition: SmbusTiming::stop_condition_ns
}

void WireTrace::bit(uint64_t t, bool level) {
    const uint64_t q = quarter_ns_;
    edge(t + q, sda_, level);
    edge(t + 2 * q, scl_, 1);
    edge(t + 4 * q, scl_, 0);
}

void WireTrace::byte(uint64_t t, uint8_t value, bool ack) {
    if (!vcd_)
        return;
    // The nine bits' 27 changes in one call: the most of a wire trace's changes.
    const uint64_t q = quarter_ns_;
    VcdWriter::Change changes[27];
    for (int i = 0; i < 9; ++i) {
        const uint64_t bit_start = t + static_cast<uint64_t>(i) * 4 * q;
        const bool level = i < 8 ? (value >> (7 - i)) & 1 : !ack;
        changes[3 * i] = {bit_start + q, sda_, level};
        changes[3 * i + 1] = {bit_start + 2 * q, scl_, 1};
        changes[3 * i + 2] = {bit_start + 4 * q, scl_, 0};
    }
    size_t n = 27; // the changes are in time order: those up to the end
    while (n > 0 && changes[n - 1].t_ns > end_ns_)
        --n;
    if (n > 0)
        vcd_->changes(changes, n);
}

void WireTrace::data_bits(uint64_t t, uint8_t value) {
    if (!vcd_)
        return;
    for (int i = 0; i < 8; ++i)
        bit(t + static_cast<uint64_t>(i) * 4 * quarter_ns_, (value >> (7 - i)) & 1);
}

void WireTrace::sda_low(uint64_t t) {
    if (vcd_)
        edge(t, sda_, 0);
}

void WireTrace::sda_release(uint64_t t) {
    if (vcd_)
        edge(t, sda_, 1);
}

void WireTrace::lost_arbitration(uint64_t t, int zeros) {
    if (!vcd_)
        return;
    const uint64_t period = 4 * quarter_ns_;
    for (int i = 0; i < zeros; ++i)
        bit(t + i * period, false);
    edge(t + zeros * period + 2 * quarter_ns_, scl_, 1);
}

void WireTrace::stop_lost(uint64_t t) {
    if (vcd_)
        edge(t + 2 * quarter_ns_, scl_, 1);
}

void WireTrace::released(uint64_t t) {
    if (!vcd_)
        return;
    edge(t + quarter_ns_, sda_, 1);
    edge(t + 2 * quarter_ns_, scl_, 1);
}

} // namespace ssifsim::smbus
