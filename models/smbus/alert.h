// SMBALERT#: a wired-AND line a target pulls low to ask the host for attention. The host
// learns who by a Receive Byte from the Alert Response Address 0x0C: the asserting target
// with the lowest address wins the arbitration, answers its address and releases the line
// (SMBus 2.0 appendix A). The line is its own slave at 0x0C here.
#pragma once

#include <cstdint>
#include <set>
#include <systemc>

#include "models/smbus/slave.h"

namespace ssifsim::smbus {

class AlertLine : public SmbusSlave {
  public:
    static constexpr uint8_t kAlertResponseAddress = 0x0c;

    // A target pulls the line low; a second assert while low changes nothing.
    void assert_by(uint8_t addr7) {
        asserters_.insert(addr7);
        asserted_.notify(sc_core::SC_ZERO_TIME);
    }
    bool low() const { return !asserters_.empty(); }
    sc_core::sc_event& asserted() { return asserted_; }

    // The ARA read: the lowest address answers (7-bit address in bits 7:1) and lets go.
    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override {
        if (ev == SlaveEvent::ReadRequested && !asserters_.empty()) {
            const uint8_t winner = *asserters_.begin();
            val = static_cast<uint8_t>(winner << 1);
            asserters_.erase(asserters_.begin());
        } else if (ev == SlaveEvent::ReadRequested) {
            return SlaveAnswer::Busy; // nobody asserts: no one ACKs the ARA
        }
        return SlaveAnswer::Ack;
    }

  private:
    std::set<uint8_t> asserters_;
    sc_core::sc_event asserted_;
};

} // namespace ssifsim::smbus
