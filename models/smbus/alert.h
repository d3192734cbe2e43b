// SMBALERT#: a wired-AND line a target pulls low to ask the host for attention. The host
// learns who by a Receive Byte from the Alert Response Address 0x0C: the asserting target
// with the lowest address wins the arbitration, answers its address and releases the line
// (SMBus 2.0 appendix A).
//
// As signals: each target that can alert has a pin here, pin(addr7), which its SMBALERT#
// output port writes true to pull the line low; `smbalert` is the line as a host's input sees
// it (true while any pin pulls it low). The line is also the targets' answer at 0x0C (bind it
// to the bus behind a LinuxSlaveTarget): the winner's pin is released there, as its own SMBus
// slave logic would release it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <systemc>

#include "models/smbus/slave.h"
#include "models/smbus/transfer.h"

namespace ssifsim::smbus {

// A target's SMBALERT# output: write true to pull the line low. Optional: a target left
// unbound never alerts.
using AlertOutPort =
    sc_core::sc_port<sc_core::sc_signal_inout_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;
// A host's SMBALERT# input: true while the line is low. Optional: a host left unbound
// never sees an alert.
using AlertInPort =
    sc_core::sc_port<sc_core::sc_signal_in_if<bool>, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;

class AlertLine : public sc_core::sc_module, public SmbusSlave {
  public:
    static constexpr uint8_t kAlertResponseAddress = 0x0c;

    // The line as a host's input sees it: true while low (bind an AlertInPort to it).
    sc_core::sc_signal<bool> smbalert;

    explicit AlertLine(sc_core::sc_module_name name);

    // The pin of the target at 7-bit address addr7, made on first use during elaboration:
    // bind the target's AlertOutPort to it. Two writers: the target asserts, the ARA
    // releases.
    sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>& pin(uint8_t addr7);

    // The ARA read: the lowest address whose pin is low answers (7-bit address in bits 7:1)
    // and lets go; with none, nobody ACKs the ARA.
    SlaveAnswer on_event(SlaveEvent ev, uint8_t& val) override;

  private:
    void before_end_of_elaboration() override;
    void resolve(); // the wired-AND: smbalert follows the pins

    std::map<uint8_t, std::unique_ptr<sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>>> pins_;
};

class SmbusController;

// smbus_alert (drivers/i2c/i2c-smbus.c), a host's work when SMBALERT# falls: reads the Alert
// Response Address through `controller` until a read fails. Each device with an alert pending
// answers one read and releases the line, so the last read of every alert is one nobody
// answers (an address NAK), whatever the line does. Each read is a Receive Byte from 0x0C
// tagged TransferTag::Kind::AlertResponse (no request, no command byte), made holding `lock`
// (the host's i2c adapter lock); `after_read` sees its result before the lock drops (a
// host's transfer interrupt, which may fail it). For each answered read, `do_alert` gets the
// byte (the device's 7-bit address in bits 7:1, its flag in bit 0): smbus_do_alert's part,
// the host's (its device lock, its driver's alert handler). Blocks: call from a SystemC
// thread.
void smbus_alert(SmbusController& controller, sc_core::sc_mutex& lock,
                 const std::function<void(SmbusResult&)>& after_read,
                 const std::function<void(uint8_t answer)>& do_alert);

// The driver core's device lock on the alerting client (device_lock(&client->dev), a mutex in
// struct device), as smbus_do_alert meets it: really_probe holds it across the driver's probe
// (for ipmi_ssif, ssif_probe with ipmi_register_smi's requests) and device_release_driver
// across its remove, and smbus_do_alert takes it before it looks at the client's driver, so
// an alert during either waits, and with it smbus_alert's next ARA reads. Only the state and
// the wake-up: the holder is the host's probe/remove thread, the one waiter its alert work.
// A waiter loops `while (held()) wait(unlocked_event());` (a SystemC thread).
class DeviceLock {
  public:
    void lock() { held_ = true; }
    // Drops the lock and wakes a waiter in the next delta cycle (as mutex_unlock wakes it).
    void unlock() {
        held_ = false;
        unlocked_.notify(sc_core::SC_ZERO_TIME);
    }
    bool held() const { return held_; }
    const sc_core::sc_event& unlocked_event() const { return unlocked_; }

  private:
    bool held_ = false;
    sc_core::sc_event unlocked_;
};

} // namespace ssifsim::smbus
