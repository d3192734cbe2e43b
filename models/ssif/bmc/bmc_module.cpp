#include "models/ssif/bmc/bmc_module.h"

#include <cerrno>

#include "models/common/sim_time.h"

namespace ssifsim::ssif {

BmcModule::BmcModule(sc_core::sc_module_name name, const BmcConfig& config, EventSink& log,
                     VcdWriter* tl_vcd, const DriverFactory& make_driver)
    : sc_module(name), config_(config), jiffies_(config.hz), log_(log),
      bmc_(make_driver ? make_driver(*this)
                       : std::make_unique<SsifBmc>(config.addr7, config.variant,
                                                   static_cast<BmcHooks&>(*this),
                                                   config.multipart_end, config.max_message)),
      controller_(config.controller), vcd_(tl_vcd) {
    require_time_resolution(); // an embedding platform's resolution, checked at elaboration
    SC_METHOD(on_timer);
    sensitive << timer_event_;
    dont_initialize();
    SC_METHOD(on_remove);
    sensitive << remove_event_;
    dont_initialize();
    if (vcd_) {
        std::vector<std::string> states;
        for (int s = 0; s < kBmcStateCount; ++s)
            states.push_back(bmc_state_name(static_cast<BmcState>(s)));
        sig_state_ = vcd_->add_signal("bmc_state", 3, 0, states);
        sig_busy_ = vcd_->add_signal("bmc_busy", 1, 0);
        sig_aborting_ = vcd_->add_signal("bmc_aborting", 1, 0);
        sig_pending_ = vcd_->add_signal("bmc_response_pending", 1, 0);
        sig_cmd_ = vcd_->add_signal("bmc_smbus_cmd", 8, 0);
    }
}

void BmcModule::trace() {
    if (!vcd_)
        return;
    const uint64_t t = now_ns();
    vcd_->change(t, sig_state_, static_cast<uint64_t>(bmc_->state()));
    vcd_->change(t, sig_busy_, bmc_->busy());
    vcd_->change(t, sig_aborting_, bmc_->aborting());
    vcd_->change(t, sig_pending_, bmc_->response_pending());
    vcd_->change(t, sig_cmd_, bmc_->smbus_command());
}

smbus::SlaveAnswer BmcModule::on_event(smbus::SlaveEvent ev, uint8_t& val) {
    // i2c_slave_unregister: the controller no longer matches the address.
    // i2c_slave_unregister, or the address disabled: the controller does not match it.
    if (bmc_->removed() || !controller_.enabled())
        return smbus::SlaveAnswer::Absent;
    if (ev == smbus::SlaveEvent::WriteRequested)
        check_address(val);
    const smbus::SlaveAnswer answer = controller_.answer(ev, bmc_->on_event(ev, val));
    if (!controller_.enabled())
        log_slave(false);
    trace();
    return answer;
}

smbus::SlaveAnswer BmcModule::on_delayed_event(smbus::SlaveEvent ev, uint8_t& val,
                                               uint64_t delay_ns, bool& notified) {
    delay_ns_ = delay_ns;
    notified_ = false;
    const smbus::SlaveAnswer answer = on_event(ev, val);
    notified = notified_;
    delay_ns_ = 0;
    return answer;
}

void BmcModule::check_address(uint8_t address_byte) {
    const uint8_t addr7 = static_cast<uint8_t>(address_byte >> 1);
    if (addr7 == config_.addr7 || address_warned_)
        return;
    address_warned_ = true;
    SC_REPORT_WARNING("ssifsim/bmc address",
                      (std::string(name()) + " is configured at " + hex_byte(config_.addr7) +
                       " (BmcConfig::addr7) but was addressed at " + hex_byte(addr7) +
                       ": bind its target socket at its own address, or the PEC it checks "
                       "over the address will not match")
                          .c_str());
}

void BmcModule::log_slave(bool enabled) {
    EventBuilder(log_, now_ns(), enabled ? events::kBmcSlaveEnabled : events::kBmcSlaveDisabled);
}

void BmcModule::arm_response_timer() {
    // handle_request's mod_timer(&response_timer, jiffies + msecs_to_jiffies(timeout)).
    mod_response_timer(jiffies_.at(now_ns()) + jiffies_.from_msecs(config_.response_timeout_ms));
}

void BmcModule::mod_response_timer(uint64_t expires) {
    const uint64_t now = now_ns();
    const uint64_t at = response_timer_run_ns(jiffies_, expires, now);
    timer_event_.cancel();
    timer_event_.notify(ns(at - sim_now_ns())); // SystemC's own time: `now` may be ahead
    notified_ = true;
    EventBuilder(log_, now, events::kBmcTimerArmed)
        .num("jiffies", static_cast<int64_t>(expires - jiffies_.at(now)))
        .num("expires_ns", static_cast<int64_t>(at));
}

void BmcModule::cancel_response_timer() {
    timer_event_.cancel();
    EventBuilder(log_, now_ns(), events::kBmcTimerCancelled);
}

void BmcModule::request_available() {
    wake(request_event_);
    EventBuilder(log_, now_ns(), events::kBmcRequestAvailable);
    daemon_observers_.request_available(now_ns());
}

void BmcModule::response_consumed() {
    wake(consumed_event_);
}

void BmcModule::log(const char* level, const std::string& text) {
    // Every line of the driver's log is a `warn` event (the name scenarios count), marked
    // with the level the variant prints it at.
    EventBuilder(log_, now_ns(), events::kBmcWarn).str("level", level).str("text", text);
}

void BmcModule::use_after_free(const std::string& what) {
    EventBuilder(log_, now_ns(), events::kBmcUseAfterFree).str("what", what);
}

void BmcModule::oob_write(uint8_t index, const std::string& field, uint8_t value) {
    EventBuilder(log_, now_ns(), events::kBmcOobWrite)
        .num("offset", index)
        .str("field", field)
        .hex("value", value);
}

void BmcModule::transition(BmcState from, BmcState to, smbus::SlaveEvent ev) {
    EventBuilder(log_, now_ns(), events::kBmcState)
        .str("from", bmc_state_name(from))
        .str("to", bmc_state_name(to))
        .str("on", smbus::slave_event_name(ev));
}

void BmcModule::on_timer() {
    ++process_activations();
    EventBuilder(log_, now_ns(), events::kBmcTimerFired)
        .flag("response_pending", bmc_->response_pending());
    bmc_->on_response_timeout();
    if (controller_.response_timeout())
        log_slave(true);
    trace();
}

void BmcModule::schedule_remove(uint64_t at_ns, int fault_id) {
    remove_fault_ = fault_id;
    remove_event_.notify(ns(at_ns));
}

void BmcModule::on_remove() {
    ++process_activations();
    EventBuilder(log_, now_ns(), events::kFaultBmcRemove).num("fault", remove_fault_);
    fault_observers_.fault_applied(remove_fault_, now_ns());
    bmc_->remove();
    EventBuilder(log_, now_ns(), events::kBmcRemoved);
    trace();
}

int BmcModule::dev_open() {
    return bmc_->open();
}

long BmcModule::dev_read(Bytes& out, bool nonblock, size_t copyable, size_t count) {
    long ret;
    while ((ret = bmc_->read(count ? count : bmc_->msg_size(), nonblock, out, copyable)) ==
               -EAGAIN &&
           !nonblock)
        wait_on(request_event_);
    return ret;
}

void BmcModule::wait_readable() {
    while (!bmc_->poll_readable())
        wait_on(request_event_);
}

long BmcModule::dev_write(const Bytes& buf, bool nonblock) {
    long ret; // after remove: -EINVAL, or -ENODEV for a use after free (BmcDriver::write)
    while ((ret = bmc_->write(buf, nonblock)) == -EAGAIN && !nonblock)
        wait_on(consumed_event_);
    if (ret > 0 && controller_.response_written())
        log_slave(true);
    trace();
    if (ret > 0 && config_.smbus_alert && smbalert.size() > 0) {
        smbalert->write(true);
        EventBuilder(log_, now_ns(), events::kBmcAlert);
    }
    return ret;
}

} // namespace ssifsim::ssif
