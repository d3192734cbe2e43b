// The host side of SSIF: the Linux ipmi_ssif driver (drivers/char/ipmi/ipmi_ssif.c) as a
// SystemC thread with one message in flight, fed by a request queue. It writes a request,
// waits SSIF_MSG_PART (5 ms) in jiffies, reads the response with 0x03 (following a
// multi-part response with 0x09), and retries failed transfers as the driver does.
#pragma once

#include <deque>
#include <string>
#include <systemc>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/jiffies.h"
#include "models/common/stop_gate.h"
#include "models/common/vcd_writer.h"
#include "models/smbus/adapter.h"
#include "models/smbus/alert.h"
#include "models/smbus/bus.h"
#include "models/ssif/host/probe.h"

namespace ssifsim::ssif {

// ipmi_ssif as it changed over the releases. Each variant is a step on the one before: a
// behaviour a change brought is a field of the variant's row in one table (host_kernel),
// never an `if` on the variant itself.
enum class HostVariant {
    Pre2023,    // 20 ms between reads, a failed write resent at once
    Timers2023, // Jan 2023: 60 ms between reads (T3) and before a write is resent (T6)
    Flags2023,  // Apr 2023, 6d2555cde291: a wrong answer to Get Message Flags ends the fetch
    Msleep2024, // Aug 2024, 4381b895f544 (6.12): msleep() without its extra jiffy
    Probe2024,  // Sep 2024, 88f65f903d25 (6.12): ssif_probe starts with Get Device ID
    Mainline,   // all of the above
};
// Names as scenarios spell them; "6.1" and "6.12" name the releases Debian ships
// (6.1.192, 6.12.117), read against their source: they are the steps 2023-flags and mainline.
bool parse_host_variant(const std::string& name, HostVariant* out);
const char* host_variant_name(HostVariant v);
std::string host_variant_names();

// One row of the version table: the driver's timing and retry constants and every behaviour
// a change brought, with the change it follows.
struct HostKernel {
    HostVariant variant;
    const char* source;        // the commit or release the row follows
    uint64_t msg_part_usec;    // SSIF_MSG_PART_USEC: after the request, before the first read
    uint64_t read_retry_usec;  // SSIF_MSG_USEC: between read attempts
    uint64_t write_retry_usec; // SSIF_REQ_RETRY_USEC: before resending a failed write
    bool write_retry_waits;    // before Jan 2023 a failed write was resent at once
    int send_attempts;         // SSIF_SEND_RETRIES
    int read_attempts;         // SSIF_RECV_RETRIES
    // msleep(m) is schedule_timeout(msecs_to_jiffies(m) + 1) before 4381b895f544, without
    // the + 1 from it on.
    bool msleep_extra_jiffy;
    // msg_done_handler, SSIF_GETTING_FLAGS: an answer with the wrong netfn/cmd sets the state
    // back to idle from 6d2555cde291 on; before it the driver stayed in GETTING_FLAGS with no
    // message in flight, and sent nothing again ("Don't abort here, maybe it was a queued
    // response to a previous command").
    bool flags_mismatch_goes_idle;
    // ssif_probe calls ssif_detect (Get Device ID, validated) first and fails the probe
    // without a valid answer from 88f65f903d25 on; before it only the i2c_detect path sent
    // Get Device ID, and a probe whose every command failed still registered the interface.
    bool probe_checks_device_id;
};
const HostKernel& host_kernel(HostVariant v);

// set_need_watch: the message handler asks for flag polling every 10 ms while someone
// waits for incoming messages, every 250 ms for the watchdog (SSIF_WATCH_*_TIMEOUT).
enum class Watch { Off, Messages, Watchdog };
bool parse_watch(const std::string& name, Watch* out);
const char* watch_name(Watch w);

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

// The driver's state (enum ssif_intf_state), plus the probe before it registers.
enum class DriverState {
    Idle,
    GettingFlags,
    GettingEvents,
    ClearingFlags,
    GettingMessages,
    Probing
};
const char* driver_state_name(DriverState s);

// The driver's counters that the report shows (a subset of its sysfs statistics).
struct HostStats {
    uint64_t alerts = 0;
    uint64_t flag_fetches = 0;
    uint64_t incoming_messages = 0;
    uint64_t events = 0;
    uint64_t watchdog_pretimeouts = 0;
    uint64_t hosed = 0; // messages returned with 0xFF
};

// A fault the scenario aims at one of the host's transfers (tools/faults.h decides which).
struct HostFault {
    smbus::TransferFault wire;
    uint64_t power_off_ns = 0; // with wire.abandon_after_bytes: how long the host stays off
};

class HostFaultSource {
  public:
    virtual ~HostFaultSource() = default;
    // Called before each transfer: the request it belongs to, read or write, SMBus command.
    virtual HostFault next_transfer(int request_id, bool read, uint8_t command) = 0;
};

// The SMBus controller's transfer-complete interrupt. Without one the driver sees each
// transfer end the moment the bus is done (an ideal polled controller).
class TransferIrq {
  public:
    virtual ~TransferIrq() = default;
    // Called from the driver's process after each transfer: returns once the interrupt has
    // been delivered and the controller's handler has run.
    virtual void transfer_complete() = 0;
};

struct HostRequest {
    int id = 0;
    uint64_t at_ns = 0; // when the workload hands it to the driver
    Bytes payload;      // netfn/lun, cmd, data
};

// The workload, pulled by the host one request at a time.
class RequestSource {
  public:
    virtual ~RequestSource() = default;
    // The next request in time order; false when there are no more.
    virtual bool next(HostRequest* out) = 0;
    virtual size_t total() const = 0;
};

// One step of a request's life: a bus transfer or a timer wait, back to back.
struct Segment {
    std::string what;   // write, read, wait
    std::string detail; // SMBus command or timer reason
    std::string status; // bus status for transfers
    uint64_t start_ns = 0;
    uint64_t end_ns = 0;
};

// What became of one request.
struct RequestOutcome {
    int id = 0;
    Bytes request;
    Bytes response; // as delivered to the IPMI layer (0xFF synthesized on failure)
    uint8_t completion_code = 0xff;
    // Empty on success; write_failed, read_failed, bad_block, bad_part_length, too_big,
    // request_too_big (over the probe's max transmit size: failed before any transfer),
    // no_interface (the probe found no BMC) (the driver's errors), power_off (the host died with
    // the request in flight), or mismatched_response: the response's netfn/cmd do not answer the
    // request, which the IPMI message handler replaces with completion code 0xFF ("BMC returned
    // incorrect response"); `response` keeps what the SSIF driver delivered.
    std::string error;
    uint64_t submitted_ns = 0;
    uint64_t started_ns = 0;   // the driver starts the first write
    uint64_t completed_ns = 0; // end of the last read
    int write_attempts = 0;
    int read_attempts = 0;
    int parts_written = 0;
    int parts_read = 0;
    std::vector<Segment> timeline;
    uint64_t response_ns() const { return completed_ns - started_ns; }
    int write_retries() const { return write_attempts > 1 ? write_attempts - 1 : 0; }
    int read_retries() const { return read_attempts > 1 ? read_attempts - 1 : 0; }
};

// Receives each request's outcome as it completes; the host keeps none of them.
class OutcomeSink {
  public:
    virtual ~OutcomeSink() = default;
    // The driver takes a request from its queue (RequestOutcome::started_ns).
    virtual void started(int /*id*/, uint64_t /*t_ns*/) {}
    virtual void completed(const RequestOutcome& outcome) = 0;
};

class SsifHost : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(SsifHost);
    SsifHost(sc_core::sc_module_name name, const HostConfig& config, smbus::SmbusBus& bus,
             EventSink& log, VcdWriter* tl_vcd);

    // The workload and where the outcomes go. Call before the simulation starts.
    void set_requests(RequestSource* requests) { requests_ = requests; }
    void set_outcome_sink(OutcomeSink* sink) { outcome_sink_ = sink; }
    // Tell the gate once every submitted request has completed (it stops the simulation
    // when every party is done).
    void stop_when_done(StopGate* gate) { stop_gate_ = gate; }
    // The controller's interrupt path (host.irq "zpci"); none by default.
    void set_transfer_irq(TransferIrq* irq) { transfer_irq_ = irq; }
    // Faults to apply to the host's transfers; none by default.
    void set_faults(HostFaultSource* faults) { faults_ = faults; }
    // The SMBALERT# line: when it goes low the host reads the Alert Response Address and,
    // if the BMC answers, runs the driver's alert handler (ssif_alert).
    void set_alert_line(smbus::AlertLine* line) { alert_line_ = line; }

    size_t completed() const { return completed_; }
    size_t submitted() const { return requests_ ? requests_->total() : 0; }
    const LinkSetup& link() const { return link_; }
    const HostStats& stats() const { return stats_; }

  private:
    // What the driver thread is doing, for the waveform.
    enum class Phase { Idle, Writing, WaitFirstRead, Reading, WaitReadRetry, WaitWriteRetry, Off };

    void feed();         // SC_THREAD: hands each request to the driver at its time
    void driver();       // SC_THREAD: the driver's message loop
    void watch_timer();  // SC_THREAD: the flag-polling timer (watch_timeout)
    void alert_worker(); // SC_THREAD: smbus_alert's work: ARA read, then ssif_alert
    void on_alert();     // ssif_alert

    // ssif_probe: Get Device ID, capabilities, the multi-part test, flags, global enables.
    void probe();
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
    // One request of the message handler's: the driver's normal path (PEC, timers, retries);
    // `rsp` is what the handler gets (0xFF from return_hosed_msg when the driver failed).
    void handler_message(const Bytes& payload, Bytes& rsp);
    void msleep(uint64_t msecs, const char* reason);
    void log_timer(const char* reason, uint64_t jiffies, uint64_t expires_ns);

    // One workload request, from the queue to the IPMI layer.
    void run_request(const HostRequest& request);
    // Get Message Flags, then handle_flags until nothing is left to fetch.
    void fetch_flags();
    // The driver is stuck for good (a flags fetch before 6d2555cde291): logs it, and lets the
    // run end once every request has been handed over.
    void hang();
    // One message of the driver's own (flags, messages, events); false if it failed or
    // came back with a non-zero completion code or the wrong netfn/cmd.
    bool internal_message(const Bytes& payload, size_t min_len, Bytes& rsp);

    // A message through the driver: the write (all parts, retried whole), then the read.
    bool exchange(const Bytes& payload, RequestOutcome& out);
    bool write_request(const Bytes& payload, RequestOutcome& out);
    bool read_response(RequestOutcome& out);
    // Arms the retry timer for `usec` and sleeps until it fires on a tick boundary. An
    // interruptible wait is the driver's waiting_alert: an alert ends it at once.
    void sleep_usec(uint64_t usec, const char* reason, bool interruptible, RequestOutcome& out);
    // One SMBus call under the adapter lock (i2c-core's retries of a lost arbitration
    // included), recorded in the timeline.
    smbus::SmbusResult transfer(bool read, uint8_t command, const Bytes& data, bool pec,
                                RequestOutcome& out);
    // mod_timer(jiffies + delta) now: when the timer runs, in ns (Jiffies::wheel_expiry).
    uint64_t arm_timer(uint64_t delta);
    // One of the driver's timers ran on the current tick (the timer base clock moves on).
    void timer_ran();
    void set_phase(Phase p);
    void set_state(DriverState s);
    void maybe_stop();

    HostConfig config_;
    const HostKernel& kernel_;
    const smbus::HostAdapter& adapter_;
    Jiffies jiffies_;
    uint64_t last_timer_tick_ = ~0ull; // the tick on which a driver timer last ran
    smbus::SmbusBus& bus_;
    EventSink& log_;
    VcdWriter* vcd_;
    int sig_phase_ = -1, sig_state_ = -1;

    LinkSetup link_;
    DriverState state_ = DriverState::Idle;
    HostStats stats_;
    uint8_t msg_flags_ = 0;
    bool req_flags_ = false;
    bool hung_ = false;
    bool fed_all_ = false; // the workload has handed over its last request
    int retries_left_ = 0;
    // ssif_alert's flags: an alert during a wait for the response ends the wait; one
    // during a transfer of a message in flight is remembered for after the write.
    bool waiting_alert_ = false;
    bool got_alert_ = false;
    bool in_message_ = false; // curr_msg != NULL
    sc_core::sc_event alert_kick_;
    smbus::AlertLine* alert_line_ = nullptr;
    sc_core::sc_mutex adapter_lock_; // i2c adapter lock: the driver and the alert work
    bool probed_ = false;
    sc_core::sc_event probe_done_;

    RequestSource* requests_ = nullptr;
    std::deque<HostRequest> queue_;
    sc_core::sc_event wake_;
    OutcomeSink* outcome_sink_ = nullptr;
    size_t completed_ = 0;
    StopGate* stop_gate_ = nullptr;
    TransferIrq* transfer_irq_ = nullptr;
    HostFaultSource* faults_ = nullptr;
    uint64_t power_off_ns_ = 0; // set when a fault killed the host mid-transfer
};

} // namespace ssifsim::ssif
