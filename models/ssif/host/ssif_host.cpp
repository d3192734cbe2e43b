#include "models/ssif/host/ssif_host.h"

#include <algorithm>
#include <string>
#include <utility>

#include "models/common/name_table.h"
#include "models/common/sim_time.h"
#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"
#include "models/ssif/recv_check.h"

namespace ssifsim::ssif {

namespace {
constexpr Named<Enumeration> kEnumerationNames[] = {
    {"acpi", Enumeration::Acpi},
    {"detect", Enumeration::Detect},
};
// IPMI_MAX_CHANNELS: the channel scan asks for channels 0..15.
constexpr uint8_t kMaxChannels = 16;
} // namespace

bool parse_enumeration(const std::string& name, Enumeration* out) {
    return value_of(kEnumerationNames, name, out);
}

const char* enumeration_name(Enumeration e) {
    return name_of(kEnumerationNames, e);
}

void ReplayXmitQueue::push(const HostRequest& request) {
    if (replay_)
        ++waiting_;
    else
        kept_.push(request);
}

bool ReplayXmitQueue::pop(HostRequest* out) {
    if (!replay_)
        return kept_.pop(out);
    if (waiting_ == 0 || !replay_->next(out))
        return false;
    --waiting_;
    return true;
}

SsifHost::SsifHost(sc_core::sc_module_name name, const HostConfig& config, EventSink& log,
                   VcdWriter* tl_vcd)
    : sc_module(name), config_(config), kernel_(host_kernel(config.variant)),
      adapter_(smbus::host_adapter(config.adapter)), jiffies_(config.hz), timers_(jiffies_),
      controller_("smbus", log), log_(log), vcd_(tl_vcd),
      driver_(kernel_, adapter_, jiffies_, timers_, *this, log, &xmit_) {
    require_time_resolution(); // an embedding platform's resolution, checked at elaboration
    SC_THREAD(feed);
    SC_THREAD(kthread);
    SC_THREAD(watch_thread);
    SC_THREAD(alert_worker);
    SC_METHOD(drive_irq);
    sensitive << irq_changed_;
    dont_initialize();
    if (vcd_) {
        std::vector<std::string> phases, states;
        for (int p = 0; p <= static_cast<int>(HostPhase::Off); ++p)
            phases.push_back(host_phase_name(static_cast<HostPhase>(p)));
        for (int s = 0; s <= static_cast<int>(DriverState::Probing); ++s)
            states.push_back(driver_state_name(static_cast<DriverState>(s)));
        sig_phase_ = vcd_->add_signal("host_phase", 3, 0, phases);
        sig_state_ = vcd_->add_signal("host_state", 3, 0, states);
    }
}

// ---- the kernel services the driver uses ----------------------------------------------------

uint64_t SsifHost::now_ns() const {
    return sim_now_ns();
}

// The kthread's wait_for_completion(&wake_thread): the driver's complete() wakes it, unless
// the kthread itself is the caller, which looks for its work again before it sleeps (the
// completion's count is already up then; the real thread does not sleep either).
void SsifHost::kick() {
    if (!kthread_in_driver_)
        kick_.notify(sc_core::SC_ZERO_TIME);
}

void SsifHost::start_transfer(const HostTransfer& t) {
    pending_ = t;
    has_pending_ = true;
    kick();
}

void SsifHost::arm_timer(DriverTimer timer, uint64_t expires_ns) {
    if (timer == DriverTimer::Retry) {
        retry_armed_ = true;
        retry_expires_ns_ = expires_ns;
        kick();
    } else {
        if (!watch_armed_)
            watch_start_.notify(sc_core::SC_ZERO_TIME);
        watch_armed_ = true;
        watch_expires_ns_ = expires_ns;
    }
}

void SsifHost::cancel_timer(DriverTimer timer) {
    if (timer == DriverTimer::Retry) {
        retry_armed_ = false;
        kick();
    }
}

void SsifHost::power_off(uint64_t off_ns) {
    // The host is off: nothing of it clocks the bus until it is back. Its alert work takes
    // the adapter lock for each ARA read (smbus_alert), so the kthread keeps the lock across
    // the off time (serve lets it go at power-on): an alert in progress or one that comes
    // meanwhile makes its reads once the host is back. Taken here, before the kthread waits,
    // so the alert work cannot take the lock the dead transfer just dropped.
    adapter_lock_.lock();
    power_off_for_ = off_ns;
    kick();
}

void SsifHost::request_started(int id, uint64_t t_ns) {
    if (outcome_sink_)
        outcome_sink_->started(id, t_ns);
}

void SsifHost::request_done(const RequestOutcome& outcome) {
    ++completed_;
    if (outcome_sink_)
        outcome_sink_->completed(outcome);
    maybe_stop();
}

void SsifHost::handler_done(const Bytes& response) {
    handler_response_ = response;
}

void SsifHost::hung() {
    hung_ = true;
    kick();
}

void SsifHost::phase_changed(HostPhase phase) {
    if (vcd_)
        vcd_->change(sim_now_ns(), sig_phase_, static_cast<uint64_t>(phase));
}

void SsifHost::state_changed(DriverState state) {
    if (vcd_)
        vcd_->change(sim_now_ns(), sig_state_, static_cast<uint64_t>(state));
}

void SsifHost::maybe_stop() {
    if (stop_gate_ && probed_ && completed_ == (requests_ ? requests_->total() : 0)) {
        stop_gate_->done();
        stop_gate_ = nullptr; // once
    }
}

// ---- threads ---------------------------------------------------------------------------------

void SsifHost::feed() {
    HostRequest request;
    while (requests_ && requests_->next(&request)) {
        if (request.at_ns > sim_now_ns())
            wait_for(request.at_ns - sim_now_ns());
        EventBuilder(log_, sim_now_ns(), events::kHostRequest)
            .num("id", request.id)
            .bytes("payload", request.payload);
        ++submitted_;
        driver_.send(request);
    }
    fed_all_ = true;
    fed_.notify(sc_core::SC_ZERO_TIME);
}

void SsifHost::kthread() {
    LinkSetup link = config_.probe ? LinkSetup{} : config_.link;
    if (config_.probe) {
        driver_.probe_started();
        if (config_.enumeration == Enumeration::Detect && !i2c_detect()) {
            link.found = false; // i2c_detect found nothing: ssif_probe never runs
        } else {
            // really_probe (drivers/base/dd.c) runs ssif_probe under device_lock; ssif_probe
            // ends with ipmi_register_smi, whose requests (ipmi_add_smi) are inside it.
            device_lock_.lock();
            link = probe();
        }
        link.max_part = config_.link.max_part; // the host's own, not found by the probe
        driver_.probe_ended(link);
        if (link.found)
            link.found = register_smi();
    } else {
        driver_.probe_ended(link);
    }
    EventBuilder(log_, sim_now_ns(), events::kHostLink)
        .str("source", config_.probe ? "probe" : "scenario")
        .flag("found", link.found)
        .flag("pec", link.pec)
        .num("max_transmit", link.max_transmit)
        .num("max_receive", link.max_receive)
        .flag("cmd8_works", link.cmd8_works)
        .flag("event_buffer", link.has_event_buffer)
        .flag("alerts", link.supports_alert);
    probed_ = true;
    driver_.set_need_watch(config_.watch);
    driver_.registered(link.found);
    // ssif_probe has returned (0 only with the interface registered): the device lock drops
    // and an alert held back on it goes on (alert_worker).
    bound_ = link.found;
    device_lock_.unlock();
    // mutex_unlock wakes the alert work held in smbus_do_alert, which goes on to its next ARA
    // read at once; the driver's kthread only runs once woken for its first message (the
    // complete() in start_next_msg): the ARA read takes the adapter first.
    while (alert_held_)
        wait_on(alert_resumed_);
    maybe_stop();
    for (;;) {
        if (hung_)
            return hang();
        serve();
    }
}

void SsifHost::serve() {
    if (has_pending_) {
        has_pending_ = false;
        std::swap(running_, pending_);
        const TransferDone done = transfer(running_);
        as_kthread([&] { driver_.transfer_done(done); });
    } else if (power_off_for_) {
        const uint64_t off = *power_off_for_;
        power_off_for_.reset();
        wait_for(off);
        adapter_lock_.unlock(); // taken by power_off
        as_kthread([&] { driver_.power_on(); });
    } else if (retry_armed_) {
        const uint64_t expires = retry_expires_ns_;
        wait_for_or(expires - sim_now_ns(), kick_);
        if (retry_armed_ && retry_expires_ns_ == expires && sim_now_ns() == expires) {
            retry_armed_ = false;
            as_kthread([&] { driver_.retry_timeout(); });
        }
    } else {
        wait_on(kick_);
    }
}

void SsifHost::hang() {
    // The driver never leaves its state again: start_next_msg and watch_timeout only start
    // work from idle. Requests still arrive and wait in the queue; once the workload has
    // handed over its last one, nothing of the host's can change and the run may end.
    while (!fed_all_)
        wait_on(fed_);
    EventBuilder(log_, sim_now_ns(), events::kHostHung)
        .str("state", driver_state_name(driver_.state()))
        .num("queued", static_cast<int64_t>(driver_.queued()));
    if (stop_gate_) {
        stop_gate_->done();
        stop_gate_ = nullptr;
    }
}

void SsifHost::watch_thread() {
    if (config_.watch == Watch::Off)
        return;
    if (!watch_armed_)
        wait_on(watch_start_);
    for (;;) {
        wait_for(watch_expires_ns_ - sim_now_ns());
        driver_.watch_timeout(); // re-arms it
    }
}

void SsifHost::alert_worker() {
    if (smbalert.size() == 0)
        return;
    for (;;) {
        wait_on(smbalert->posedge_event());
        smbus::smbus_alert(
            controller_, adapter_lock_, [this](smbus::SmbusResult& r) { transfer_interrupt(r); },
            [this](uint8_t answer) {
                if ((answer >> 1) != config_.bmc_addr7)
                    return;
                // smbus_do_alert takes device_lock(&client->dev) before it looks at the
                // client's driver: an alert that comes while ssif_probe runs (the
                // registration's requests included) waits until the probe has returned, and
                // so do smbus_alert's next ARA reads; then ssif_alert runs only if the probe
                // bound the driver ("alert with no driver" otherwise).
                alert_held_ = device_lock_.held();
                while (device_lock_.held())
                    wait_on(device_lock_.unlocked_event());
                if (alert_held_) {
                    alert_held_ = false;
                    alert_resumed_.notify(sc_core::SC_ZERO_TIME);
                }
                if (bound_)
                    driver_.alert(); // the answering client's driver: ssif_alert
            });
    }
}

// ---- SMBus calls ------------------------------------------------------------------------------

SsifHost::~SsifHost() {
    // SystemC calls end_of_simulation only after sc_stop(); a platform whose sc_start()
    // returned for want of events hears of the sleeping driver here.
    try {
        report_unhandled_irq();
    } catch (...) { // a warning the platform made throw: never out of a destructor
    }
}

void SsifHost::end_of_simulation() {
    report_unhandled_irq();
}

void SsifHost::report_unhandled_irq() {
    if (!irq_waiting_ || irq_reported_)
        return;
    irq_reported_ = true;
    // How long it slept tells a handler that never ran from a run cut short just after the
    // interrupt (ssifsim run --until at an MSI's time: 0 ns).
    SC_REPORT_WARNING(kIrqReport,
                      (std::string(name()) +
                       ": the driver is still asleep on its transfer interrupt, raised at " +
                       std::to_string(irq_raised_ns_) + " ns, " +
                       std::to_string(sim_now_ns() - irq_raised_ns_) +
                       " ns before the simulation ended: irq_handled did not rise in that time "
                       "(its handler had not completed)")
                          .c_str());
}

void SsifHost::end_of_elaboration() {
    if ((irq.size() == 0) != (irq_handled.size() == 0))
        SC_REPORT_ERROR(kIrqReport,
                        (std::string(name()) + ": irq and irq_handled are bound together or not "
                                               "at all (the host waits for the handler it raised)")
                            .c_str());
    irq_wired_ = irq.size() != 0 && irq_handled.size() != 0;
}

void SsifHost::transfer_interrupt(smbus::SmbusResult& result) {
    if (!irq_wired_)
        return;
    // The controller raises its interrupt at the transfer's end; master_xfer sleeps on its
    // completion until the ISR has run, at most adap->timeout from when it started the
    // transfer (i2c_dw_xfer's wait_for_completion_timeout on cmd_complete).
    irq_level_ = true;
    irq_changed_.notify(); // immediate: drive_irq writes it in this delta, seen in the next
    irq_waiting_ = true;
    irq_raised_ns_ = sim_now_ns();
    const uint64_t deadline = result.start_ns + controller_.timing().adapter_timeout_ns;
    if (deadline > sim_now_ns())
        wait_for_or(deadline - sim_now_ns(), irq_handled->posedge_event());
    irq_waiting_ = false;
    if (!irq_handled->read()) {
        // Timed out: i2c_dw_xfer logs "controller timed out", re-initialises the controller
        // (which drops its interrupt) and returns -ETIMEDOUT.
        EventBuilder(log_, sim_now_ns(), events::kHostIrqTimeout)
            .num("raised_ns", static_cast<int64_t>(irq_raised_ns_));
        result.status = smbus::SmbusStatus::Timeout;
    }
    irq_level_ = false; // the ISR cleared the controller's interrupt status
    irq_changed_.notify();
}

void SsifHost::drive_irq() {
    ++process_activations();
    irq->write(irq_level_);
}

TransferDone SsifHost::transfer(const HostTransfer& t) {
    adapter_lock_.lock();
    TransferDone done;
    done.start_ns = sim_now_ns();
    // __i2c_smbus_xfer: a lost arbitration (-EAGAIN) is tried again at once (AdapterRetry).
    const smbus::AdapterRetry retry(adapter_, controller_.timing().adapter_timeout_ns, jiffies_,
                                    done.start_ns);
    smbus::TransferTag tag;
    for (int attempt = 0;; ++attempt) {
        tag = {t.request_id, t.read, t.command};
        done.result =
            t.read ? controller_.block_read(config_.bmc_addr7, t.command, t.pec, &tag)
                   : controller_.block_write(config_.bmc_addr7, t.command, t.data, t.pec, &tag);
        if (done.result.status != smbus::SmbusStatus::Abandoned)
            transfer_interrupt(done.result);
        if (!retry.again(done.result.status, attempt, sim_now_ns()))
            break;
        EventBuilder(log_, sim_now_ns(), events::kHostAdapterRetry).num("try", attempt + 1);
    }
    adapter_lock_.unlock();
    if (done.result.status == smbus::SmbusStatus::Abandoned)
        done.power_off_ns = tag.off_ns;
    done.end_ns = sim_now_ns();
    return done;
}

smbus::SmbusResult SsifHost::probe_transfer(bool read, uint8_t command, const Bytes& data) {
    return transfer({0, read, command, data, false}).result;
}

// ---- the probe and the registration (ssif_probe, ipmi_add_smi) -------------------------------

void SsifHost::msleep(uint64_t msecs, const char* reason) {
    // msleep: schedule_timeout(msecs_to_jiffies(m)), plus one jiffy before 4381b895f544; the
    // timer goes through the wheel like any other.
    const uint64_t now = sim_now_ns();
    const uint64_t delta = jiffies_.from_msecs(msecs) + (kernel_.msleep_extra_jiffy ? 1 : 0);
    const uint64_t expires = timers_.arm(delta, now);
    EventBuilder(log_, now, events::kHostTimer)
        .str("reason", reason)
        .num("jiffies", static_cast<int64_t>(delta))
        .num("expires_ns", static_cast<int64_t>(expires));
    wait_for(expires - now);
    timers_.ran(sim_now_ns());
}

bool SsifHost::probe_write(uint8_t command, const Bytes& data, bool retry) {
    for (int tries = retry ? kernel_.send_attempts : 1;;) {
        if (probe_transfer(false, command, data).ok())
            return true;
        if (--tries <= 0)
            return false;
        if (kernel_.write_retry_waits)
            msleep(kernel_.write_retry_usec / 1000, "probe_write_retry");
    }
}

bool SsifHost::probe_read(Bytes& rsp) {
    for (int tries = kernel_.read_attempts; tries > 0; --tries) {
        const smbus::SmbusResult r = probe_transfer(true, kReadStart, {});
        if (r.ok() && !r.data.empty()) {
            rsp = r.data;
            return true;
        }
        msleep(kernel_.read_retry_usec / 1000, "probe_read_retry");
    }
    return false;
}

bool SsifHost::do_cmd(const Bytes& msg, Bytes& rsp) {
    EventBuilder(log_, sim_now_ns(), events::kHostProbeCmd).bytes("request", msg);
    rsp.clear();
    const bool ok = probe_write(kWriteSingle, msg, true) && probe_read(rsp) && rsp.size() >= 3 &&
                    answers(msg, rsp);
    EventBuilder(log_, sim_now_ns(), events::kHostProbeRsp).flag("ok", ok).bytes("response", rsp);
    return ok;
}

bool SsifHost::start_multipart_test(const Bytes& msg, bool do_middle) {
    if (!probe_write(kWriteStart, Bytes(msg.begin(), msg.begin() + kPartMax), true))
        return false;
    return !do_middle ||
           probe_write(kWriteMiddle, Bytes(msg.begin() + kPartMax, msg.begin() + 2 * kPartMax),
                       false);
}

bool SsifHost::i2c_detect() {
    // i2c_default_probe: an SMBus Quick Write (S, addr+W, P) for addresses outside
    // 0x30-0x37 and 0x50-0x5f, which SSIF's are; an address NAK means nothing is there.
    // Faults see it as a write with command 0x00 (it has no command byte).
    adapter_lock_.lock();
    smbus::TransferTag tag{0, false, 0x00};
    smbus::SmbusResult r = controller_.i2c_write(config_.bmc_addr7, {}, &tag);
    transfer_interrupt(r);
    adapter_lock_.unlock();
    EventBuilder(log_, sim_now_ns(), events::kHostQuickWrite)
        .str("status", smbus::status_name(r.status));
    return r.ok() && detect();
}

void SsifHost::handler_message(const Bytes& payload, Bytes& rsp) {
    EventBuilder(log_, sim_now_ns(), events::kHostHandlerRequest).bytes("request", payload);
    handler_response_.reset();
    driver_.send_handler(payload);
    while (!handler_response_)
        serve();
    // handle_one_recv_msg checks the handler's own responses as it does a user's.
    const RecvCheck check = check_received(payload, *handler_response_);
    log_received_check(log_, sim_now_ns(), check);
    rsp = check.delivered(*handler_response_);
    EventBuilder(log_, sim_now_ns(), events::kHostHandlerResponse).bytes("response", rsp);
}

bool SsifHost::register_smi() {
    Bytes rsp;
    // __get_guid: Get Device GUID; an error only leaves the GUID unset.
    handler_message(ipmi::request(ipmi::kGetDeviceGuid), rsp);
    // __get_device_id: bmc_device_id_handler wants netfn + 1 and the cmd, completion code 0
    // and what ipmi_demangle_device_id accepts (7 bytes from the completion code on);
    // anything else fails ipmi_add_smi, and ssif_probe with it ("Unable to register
    // device"). A wrong netfn/cmd never gets there: handler_message turned it into 0xFF.
    handler_message(ipmi::request(ipmi::kGetDeviceId), rsp);
    const bool device_id = valid_device_id(rsp);
    unsigned channels = 0;
    if (device_id) {
        // __scan_channels, for IPMI 1.5 and later (the version byte: major in the low
        // nibble, minor in the high one): channel_handler asks for the next channel after
        // each answer or error, up to IPMI_MAX_CHANNELS; 0xC1 means one IPMB channel at 0
        // and ends the scan.
        const uint8_t version = rsp[7];
        const unsigned major = version & 0x0f, minor = version >> 4;
        if (major > 1 || (major == 1 && minor >= 5)) {
            for (uint8_t ch = 0; ch < kMaxChannels; ++ch) {
                handler_message(ipmi::request(ipmi::kGetChannelInfo, {ch}), rsp);
                ++channels;
                if (rsp.size() >= 3 && rsp[2] == kCcInvalidCommand)
                    break;
            }
        }
    }
    EventBuilder(log_, sim_now_ns(), events::kHostRegistered)
        .flag("ok", device_id)
        .num("channel_requests", channels);
    return device_id;
}

bool SsifHost::detect() {
    // ssif_detect: do_cmd's answer carries the request's netfn + 1 and cmd; then
    // ipmi_demangle_device_id's rule.
    Bytes rsp;
    return do_cmd(ipmi::request(ipmi::kGetDeviceId), rsp) && valid_device_id(rsp);
}

LinkSetup SsifHost::probe() {
    LinkSetup link;
    Bytes rsp;
    if (kernel_.probe_checks_device_id && !detect()) {
        link.found = false; // "Not present": the interface is never registered
        return link;
    }
    const bool caps = do_cmd(ipmi::request(ipmi::kGetSystemInterfaceCaps, {0x00 /* SSIF */}), rsp);
    link = link_from_capabilities(caps, rsp);
    link.cmd8_works = false;

    // test_multipart_messages: a Get Device ID padded to 65 bytes, ended with a one-byte
    // 0x08; if no answer comes, again ended with a zero-length 0x07; else cap at 63.
    if (link.max_transmit > kPartMax) {
        Bytes msg(65, 0x00);
        msg[0] = ipmi::netfn_lun(ipmi::kGetDeviceId.netfn);
        msg[1] = ipmi::kGetDeviceId.cmd;
        const bool do_middle = link.max_transmit > 63;
        EventBuilder(log_, sim_now_ns(), events::kHostProbeMultipart).str("end", "0x08");
        if (!start_multipart_test(msg, do_middle)) {
            link.max_transmit = kPartMax;
        } else if (probe_write(kWriteEnd, Bytes(msg.begin() + 64, msg.end()), false) &&
                   probe_read(rsp)) {
            link.cmd8_works = true;
        } else {
            EventBuilder(log_, sim_now_ns(), events::kHostProbeMultipart).str("end", "0x07");
            if (!start_multipart_test(msg, do_middle))
                link.max_transmit = kPartMax;
            else if (!(probe_write(kWriteMiddle, {}, false) && probe_read(rsp)))
                link.max_transmit = std::min(link.max_transmit, 63u);
        }
    }

    // Make sure the NMI timeout is cleared; then enable the event buffer and alerts.
    do_cmd(ipmi::request(ipmi::kClearMessageFlags, {ipmi::kFlagWatchdogPreTimeout}), rsp);
    if (!do_cmd(ipmi::request(ipmi::kGetBmcGlobalEnables), rsp) || rsp.size() < 4 || rsp[2] != 0)
        return link;
    uint8_t enables = rsp[3];
    if (enables & ipmi::kEnableEventMessageBuffer) {
        link.has_event_buffer = true;
        return link;
    }
    if (!do_cmd(ipmi::request(ipmi::kSetBmcGlobalEnables,
                              {static_cast<uint8_t>(enables | ipmi::kEnableEventMessageBuffer)}),
                rsp))
        return link;
    if (rsp[2] == 0) {
        link.has_event_buffer = true;
        enables |= ipmi::kEnableEventMessageBuffer;
    }
    if (!do_cmd(
            ipmi::request(ipmi::kSetBmcGlobalEnables,
                          {static_cast<uint8_t>(enables | ipmi::kEnableReceiveMessageInterrupt)}),
            rsp))
        return link;
    link.supports_alert = rsp[2] == 0;
    return link;
}

} // namespace ssifsim::ssif
