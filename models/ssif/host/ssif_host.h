// The host side of SSIF in SystemC: the Linux ipmi_ssif driver (IpmiSsif, ipmi_ssif.h) with
// the kernel services around it. Its thread is the driver's kthread: it runs ssif_probe
// (blocking SMBus calls and msleep, as the kernel does) and the message handler's
// registration requests, then makes the transfers the driver asks for and runs the retry
// timer; other threads hand over the workload's requests, run the watch timer and read the
// Alert Response Address on SMBALERT#.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/jiffies.h"
#include "models/common/stop_gate.h"
#include "models/common/vcd_writer.h"
#include "models/smbus/adapter.h"
#include "models/smbus/alert.h"
#include "models/smbus/controller.h"
#include "models/ssif/host/ipmi_ssif.h"
#include "models/ssif/host/probe.h"

namespace ssifsim::ssif {

// How the kernel found the SSIF device, which decides what precedes ssif_probe.
enum class Enumeration {
    Acpi,   // ACPI or SMBIOS: i2c-core calls ssif_probe directly
    Detect, // an address given to the driver (addr=): i2c_detect's SMBus Quick Write
            // (i2c_default_probe), then ssif_detect's Get Device ID, then ssif_probe
};
bool parse_enumeration(const std::string& name, Enumeration* out);
const char* enumeration_name(Enumeration e);

struct HostConfig {
    uint8_t bmc_addr7 = 0x10;
    unsigned hz = 1000;
    HostVariant variant = HostVariant::Mainline;
    // Run ssif_probe at time 0, then ipmi_register_smi's own requests. Without it the
    // driver starts registered with `link` as its result.
    bool probe = false;
    Enumeration enumeration = Enumeration::Acpi;
    // The SMBus controller under the driver: i2c-core's retries and the errnos it returns.
    smbus::AdapterKind adapter = smbus::AdapterKind::Generic;
    LinkSetup link;
    Watch watch = Watch::Off;
};

// The workload, pulled by the host one request at a time.
class RequestSource {
  public:
    virtual ~RequestSource() = default;
    // The next request in time order; false when there are no more.
    virtual bool next(HostRequest* out) = 0;
    virtual size_t total() const = 0;
    // A second cursor at the first request that yields the same requests in the same order,
    // or null if the source cannot. With one, the requests waiting for the driver are not
    // kept: the host counts them and draws each again from the replay when the driver takes
    // it, so memory does not grow with how many are due at once.
    virtual std::unique_ptr<RequestSource> replay() const { return nullptr; }
};

// The message handler's queue when the workload can replay itself: a count of the requests
// handed over, each drawn again from the replay when the driver takes it.
class ReplayXmitQueue : public XmitQueue {
  public:
    // Use `replay` from now on (before any request is pushed).
    void set_replay(std::unique_ptr<RequestSource> replay) { replay_ = std::move(replay); }
    void push(const HostRequest& request) override;
    bool pop(HostRequest* out) override;
    size_t size() const override { return replay_ ? waiting_ : kept_.size(); }

  private:
    std::unique_ptr<RequestSource> replay_;
    size_t waiting_ = 0;
    DequeXmitQueue kept_; // without a replay
};

// Receives each request's outcome as it completes; the host keeps none of them.
class OutcomeSink {
  public:
    virtual ~OutcomeSink() = default;
    // The driver takes a request from its queue (RequestOutcome::started_ns).
    virtual void started(int /*id*/, uint64_t /*t_ns*/) {}
    virtual void completed(const RequestOutcome& outcome) = 0;
};

class SsifHost : public sc_core::sc_module, private IpmiSsifHooks {
  public:
    SC_HAS_PROCESS(SsifHost);
    SsifHost(sc_core::sc_module_name name, const HostConfig& config, EventSink& log,
             VcdWriter* tl_vcd);

    // The host's SMBus controller's initiator socket: bind it to the bus
    // (SmbusBus::bind_initiator), or to a fault injector in front of it
    // (SmbusFaultInjector::target_socket), before the simulation starts. The host tags the
    // driver's transfers and i2c_detect's Quick Write (smbus::TransferTag: the IPMI request
    // id, 0 for the probe's; read or write; the SMBus command, 0x00 for the Quick Write), not
    // its Alert Response Address reads. A transfer a fault kills (SmbusStatus::Abandoned)
    // powers the host off for the tag's off_ns (ssif_host power_off).
    smbus::SmbusInitiatorSocket& smbus_socket() { return controller_.socket; }

    // The workload and where the outcomes go. Call before the simulation starts.
    void set_requests(RequestSource* requests) {
        requests_ = requests;
        xmit_.set_replay(requests ? requests->replay() : nullptr);
    }
    void set_outcome_sink(OutcomeSink* sink) { outcome_sink_ = sink; }
    // Tell the gate once every submitted request has completed (it stops the simulation
    // when every party is done).
    void stop_when_done(StopGate* gate) { stop_gate_ = gate; }
    // The SMBALERT# line: when it goes low the host reads the Alert Response Address until
    // a read fails (nobody answers), as smbus_alert does, and for each read the BMC answers
    // runs the driver's alert handler (ssif_alert): during the probe (registration included)
    // only once it has returned, and only if it bound the driver (smbus_do_alert's
    // device_lock).
    smbus::AlertInPort smbalert; // SMBALERT#: true while low. Unbound: no alerts are seen.
    // The SMBus controller's transfer-complete interrupt (an embedding platform's interrupt
    // controller, or host.irq "zpci": a zPCI function's MSI, zpci::MsiLine). After each
    // transfer that reached the bus (an abandoned one, the host powered off, raises none) the
    // host writes `irq` true at the transfer's end (from one process of its own: a plain
    // sc_signal<bool> will do) and the driver's thread sleeps, holding the adapter, until
    // `irq_handled` rises: the controller's handler has run and completed the i2c transfer's
    // completion. Then the host writes `irq` false and the transfer returns. The time between
    // is the transfer's: the request's timeline and everything after it move by it. The
    // driver sleeps at most the adapter's timeout (SmbusTiming::adapter_timeout_ns) from the
    // transfer's START, as a bus driver's wait_for_completion_timeout(adap->timeout) does
    // (i2c_dw_xfer): past it the host logs irq_timeout, writes `irq` false (the bus driver
    // resets its controller) and the transfer fails with -ETIMEDOUT. Bind both or
    // neither (one alone is an SC_REPORT_ERROR at elaboration, "ssifsim/host irq"; if that
    // does not throw, the host ignores both). Unbound: an ideal polled controller, each
    // transfer ends the moment its STOP does, with no interrupt and no wait. A driver still
    // asleep on it when the simulation ends is an SC_REPORT_WARNING (kIrqReport) naming
    // when `irq` rose and how long before the end: at end_of_simulation (after sc_stop()),
    // else when the host is destroyed.
    smbus::IrqOutPort irq;        // true from a transfer's end until its handler has run
    smbus::IrqInPort irq_handled; // rising edge: the handler has run
    static constexpr const char* kIrqReport = "ssifsim/host irq";
    ~SsifHost() override;

    size_t completed() const { return completed_; }
    // The requests handed to the driver so far (each a host.request event); the workload's
    // later ones, not yet due, are not among them.
    size_t submitted() const { return submitted_; }
    const LinkSetup& link() const { return driver_.link(); }
    const HostStats& stats() const { return driver_.stats(); }
    // The request the host died with while it is off (host_power_off): failed, its outcome
    // not yet handed to the outcome sink (that happens at power-on); nullptr when none.
    const RequestOutcome* powered_off_request() const { return driver_.powered_off(); }

  private:
    void feed();         // SC_THREAD: hands each request to the driver at its time
    void kthread();      // SC_THREAD: the probe, the registration, then serve()
    void watch_thread(); // SC_THREAD: runs the watch timer
    void alert_worker(); // SC_THREAD: smbus_alert's work: ARA read, then ssif_alert

    // One step of the kthread: the transfer the driver asked for, the host's power-off, or
    // a wait for the retry timer or the next thing to do.
    void serve();
    // The driver is stuck for good (a flags fetch before 6d2555cde291): logs it, and lets the
    // run end once every request has been handed over.
    void hang();
    // Runs the driver's handler `f` (plain C++, it never waits) from the kthread: what it asks
    // of the kthread needs no kick (kick()).
    template <typename F> void as_kthread(F f) {
        kthread_in_driver_ = true;
        f();
        kthread_in_driver_ = false;
    }
    void kick();

    // ssif_probe: Get Device ID, capabilities, the multi-part test, flags, global enables;
    // what it found.
    LinkSetup probe();
    // do_cmd: a single-part write (5 tries) and reads right after it (250 tries), msleep
    // between tries, no PEC (it is enabled after the probe). True with the response.
    bool do_cmd(const Bytes& msg, Bytes& rsp);
    // ssif_detect: Get Device ID through do_cmd, its answer validated. True if a BMC answered.
    bool detect();
    bool probe_write(uint8_t command, const Bytes& data, bool retry);
    bool probe_read(Bytes& rsp); // read_response: 0x03 until a count > 0
    bool start_multipart_test(const Bytes& msg, bool do_middle);
    // i2c_detect before the probe (Enumeration::Detect): the SMBus Quick Write, then
    // ssif_detect. True if a BMC answered both.
    bool i2c_detect();
    // ipmi_add_smi's requests through the driver once the probe registers the interface
    // (Get Device GUID, Get Device ID, the channel scan). False if the interface could not be
    // registered.
    bool register_smi();
    // One request of the message handler's through the driver (PEC, timers, retries);
    // `rsp` is what the handler gets (0xFF from return_hosed_msg when the driver failed).
    void handler_message(const Bytes& payload, Bytes& rsp);
    void msleep(uint64_t msecs, const char* reason);
    // One SMBus call under the adapter lock, i2c-core's retries of a lost arbitration
    // included; the probe records it in `timeline`.
    TransferDone transfer(const HostTransfer& t);
    smbus::SmbusResult probe_transfer(bool read, uint8_t command, const Bytes& data);
    void maybe_stop();
    // After a transfer that reached the bus: its interrupt, and the wait for its handler,
    // at most the adapter's timeout from the transfer's START (result.start_ns); past it
    // the result becomes Timeout (-ETIMEDOUT).
    void transfer_interrupt(smbus::SmbusResult& result);
    // SC_METHOD: the one process that writes `irq` (the driver's thread and the alert work
    // both make transfers).
    void drive_irq();
    void end_of_elaboration() override;
    void end_of_simulation() override;
    // The warning that the driver sleeps on an interrupt nobody handled, once.
    void report_unhandled_irq();

    // IpmiSsifHooks
    uint64_t now_ns() const override;
    void start_transfer(const HostTransfer& t) override;
    void arm_timer(DriverTimer timer, uint64_t expires_ns) override;
    void cancel_timer(DriverTimer timer) override;
    void power_off(uint64_t off_ns) override;
    void request_started(int id, uint64_t t_ns) override;
    void request_done(const RequestOutcome& outcome) override;
    void handler_done(const Bytes& response) override;
    void hung() override;
    void phase_changed(HostPhase phase) override;
    void state_changed(DriverState state) override;

    HostConfig config_;
    const HostKernel& kernel_;
    const smbus::HostAdapter& adapter_;
    Jiffies jiffies_;
    TimerBase timers_;
    smbus::SmbusController controller_; // the i2c adapter the driver's transfers go through
    EventSink& log_;
    VcdWriter* vcd_;
    int sig_phase_ = -1, sig_state_ = -1;
    ReplayXmitQueue xmit_;
    IpmiSsif driver_;

    // What the driver asked of its kthread. The transfer asked for (while has_pending_) and
    // the one being made trade places (serve): the driver asks for the next while this one's
    // done runs, and each is assigned over a buffer it had before.
    HostTransfer pending_;
    bool has_pending_ = false;
    HostTransfer running_;
    std::optional<uint64_t> power_off_for_;
    bool retry_armed_ = false;
    uint64_t retry_expires_ns_ = 0;
    bool watch_armed_ = false;
    uint64_t watch_expires_ns_ = 0;
    sc_core::sc_event kick_;         // something for the kthread to do
    bool kthread_in_driver_ = false; // as_kthread: the kthread runs a driver handler
    sc_core::sc_event watch_start_;  // the watch timer is armed for the first time
    std::optional<Bytes> handler_response_;
    bool hung_ = false;
    bool fed_all_ = false; // the workload has handed over its last request

    sc_core::sc_mutex adapter_lock_; // i2c adapter lock: the driver and the alert work
    bool probed_ = false;

    // The i2c client's binding to the driver as smbus_do_alert sees it: the device lock held
    // while really_probe runs ssif_probe (the probe and ipmi_register_smi's requests), then
    // bound_ if ssif_probe returned 0.
    smbus::DeviceLock device_lock_;
    bool bound_ = false;
    bool alert_held_ = false;         // the alert work waits for the device lock
    sc_core::sc_event alert_resumed_; // it has it: its next ARA read is under way

    RequestSource* requests_ = nullptr;
    sc_core::sc_event fed_;
    OutcomeSink* outcome_sink_ = nullptr;
    size_t completed_ = 0;
    size_t submitted_ = 0;
    StopGate* stop_gate_ = nullptr;
    bool irq_wired_ = false;   // irq and irq_handled bound (end_of_elaboration)
    bool irq_level_ = false;   // what drive_irq writes to irq
    bool irq_waiting_ = false; // the driver sleeps until irq_handled rises
    bool irq_reported_ = false;
    uint64_t irq_raised_ns_ = 0;
    sc_core::sc_event irq_changed_;
};

} // namespace ssifsim::ssif
