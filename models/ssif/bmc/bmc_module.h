// SystemC wrapper around SsifBmc: owns the response timer, blocks the userspace device's
// readers and writers as the kernel would, logs and traces what the driver does.
#pragma once

#include <functional>
#include <memory>
#include <systemc>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/common/sim_time.h"
#include "models/common/vcd_writer.h"
#include "models/smbus/alert.h"
#include "models/ssif/bmc/controller.h"
#include "models/ssif/bmc/daemon_observer.h"
#include "models/ssif/bmc/ssif_bmc.h"

namespace ssifsim::ssif {

struct BmcConfig {
    // Its 7-bit address: the one its target socket must be bound at on the bus (ssif_bmc
    // checks the PEC over it); addressed at another, the module warns once ("ssifsim/bmc
    // address").
    uint8_t addr7 = 0x10;
    BmcVariant variant = BmcVariant::Mainline;
    // RESPONSE_TIMEOUT in ms.
    unsigned response_timeout_ms = kResponseTimeoutMs;
    // The BMC kernel's CONFIG_HZ: 100 in OpenBMC's Aspeed kernels (their defconfigs set no
    // HZ, and arch/arm/Kconfig's "Timer frequency" choice then takes its first entry, HZ_100).
    unsigned hz = 100;
    MultipartEnd multipart_end = MultipartEnd::End08;
    // Assert SMBALERT# when a response is ready (Linux ssif_bmc never does; some BMCs do).
    bool smbus_alert = false;
    // The message buffer: 254 bytes in Linux ssif_bmc; other firmware may have more.
    unsigned max_message = kMessageMax;
    // The I2C controller under the slave (and the downstream ssif_bmc patches for it).
    BmcController controller = BmcController::AddressNak;
};

class BmcModule final : public sc_core::sc_module, public smbus::SmbusSlave, private BmcHooks {
  public:
    // Makes the driver the module wraps, given the hooks it must call (the module's). Empty:
    // the SsifBmc model of config.variant.
    using DriverFactory = std::function<std::unique_ptr<BmcDriver>(BmcHooks&)>;

    SC_HAS_PROCESS(BmcModule);
    BmcModule(sc_core::sc_module_name name, const BmcConfig& config, EventSink& log,
              VcdWriter* tl_vcd, const DriverFactory& make_driver = {});

    smbus::SlaveAnswer on_event(smbus::SlaveEvent ev, uint8_t& val) override;
    // Temporal decoupling (smbus::SmbusSlave::takes_delay): an event as at sc_time_stamp() +
    // delay_ns. Its log events, traces, jiffies and response timer take that moment; a
    // reader or writer it wakes is notified for it. `notified`: it woke one or armed the
    // timer.
    bool takes_delay() const override { return true; }
    smbus::SlaveAnswer on_delayed_event(smbus::SlaveEvent ev, uint8_t& val, uint64_t delay_ns,
                                        bool& notified) override;
    // The moment of what the module is doing, in ns: SystemC's time, plus the delay of the
    // slave event it is handling ahead of it (on_delayed_event). The driver's clock.
    uint64_t now_ns() const { return sim_now_ns() + delay_ns_; }

    // The userspace device (/dev/ipmi-ssif-host), for a daemon's SC_THREAD: SsifBmc's
    // open/read/write (ssif_bmc.h) with their return values, the syscalls': a byte count or
    // 0 on success, -errno on failure. Blocking calls wait as the kernel's
    // wait_event_interruptible does. Buffers are struct ipmi_ssif_msg as it crosses the
    // device (encode_ssif_msg, ssif_bmc.h): u32 len, little endian, then len payload bytes
    // (the IPMI message: NetFn/LUN, command, data; a response also the completion code).
    //
    // open(): 0, or -EBUSY while another file has the device open.
    int dev_open();
    // read(): the request, into `out` (u32 len + payload); returns its size in bytes.
    // Blocks until a request is there unless `nonblock` (-EAGAIN then). -EINVAL when
    // `count` is smaller than the message; -EFAULT (from ea641be7a4fa on) when the copy
    // faults. `copyable`: the bytes copy_to_user() can write before the reader's buffer
    // faults. `count`: read()'s count, the reader's buffer (0: sizeof(struct ipmi_ssif_msg)).
    // -ENODEV after remove, where the real read would use the freed context (reported as
    // bmc.use_after_free, BmcDriver::reads_after_remove).
    long dev_read(Bytes& out, bool nonblock = false, size_t copyable = BmcDriver::kCopyAll,
                  size_t count = 0);
    // poll()/epoll for reading: returns once a request is available (ssif_bmc_poll's EPOLLIN),
    // without taking it.
    void wait_readable();
    // write(): the response in `buf`, u32 len + payload (a payload alone is read as a length
    // and refused); returns the bytes taken. -EINVAL for a len of 0 or past the buffer, a
    // `buf` shorter than 4 + len or longer than sizeof(struct ipmi_ssif_msg), or no request
    // awaiting its response (the response timer fired); blocks while the previous response
    // is still being read unless `nonblock` (-EAGAIN then); -ENODEV after remove.
    long dev_write(const Bytes& buf, bool nonblock = false);

    // SMBALERT#, pulled low (written true) when a response is ready and config.smbus_alert
    // is set: bind it to the line's pin for config.addr7 (AlertLine::pin). Unbound: no alert.
    smbus::AlertOutPort smbalert;

    // ssif_bmc_remove at `at_ns` (the scenario's bmc_remove fault `fault_id`).
    void schedule_remove(uint64_t at_ns, int fault_id);
    // Told each time the driver makes a request available to the daemon.
    void add_daemon_observer(DaemonObserver* o) { daemon_observers_.add(o); }
    // Told when the scheduled remove (a fault) happens.
    void add_fault_observer(FaultObserver* o) { fault_observers_.add(o); }

    const BmcDriver& driver() const { return *bmc_; }
    const BmcConfig& config() const { return config_; }

  private:
    // The address byte of a WRITE_REQUESTED names another address than config.addr7: the
    // PEC the driver checks would not match. Warns once.
    void check_address(uint8_t address_byte);
    bool address_warned_ = false;

    void arm_response_timer() override;
    void mod_response_timer(uint64_t expires) override;
    void cancel_response_timer() override;
    void request_available() override;
    void response_consumed() override;
    void log(const char* level, const std::string& text) override;
    void use_after_free(const std::string& what) override;
    void oob_write(uint8_t index, const std::string& field, uint8_t value) override;
    void transition(BmcState from, BmcState to, smbus::SlaveEvent ev) override;

    // Notifies e for now_ns(): the next delta cycle, or, ahead of SystemC's clock, the
    // moment of the slave event being handled.
    void wake(sc_core::sc_event& e) {
        e.notify(ns(delay_ns_));
        notified_ = true;
    }
    void on_timer();  // SC_METHOD
    void on_remove(); // SC_METHOD
    void trace();
    void log_slave(bool enabled);

    BmcConfig config_;
    Jiffies jiffies_; // the BMC's
    EventSink& log_;
    std::unique_ptr<BmcDriver> bmc_;
    SlaveController controller_;
    sc_core::sc_event timer_event_;
    sc_core::sc_event request_event_;
    sc_core::sc_event consumed_event_;
    sc_core::sc_event remove_event_;
    int remove_fault_ = -1;
    uint64_t delay_ns_ = 0; // of the slave event being handled (on_delayed_event)
    bool notified_ = false; // it notified an event since on_delayed_event began
    DaemonObservers daemon_observers_;
    FaultObservers fault_observers_;
    VcdWriter* vcd_;
    int sig_state_ = -1, sig_busy_ = -1, sig_aborting_ = -1, sig_cmd_ = -1, sig_pending_ = -1;
};

} // namespace ssifsim::ssif
