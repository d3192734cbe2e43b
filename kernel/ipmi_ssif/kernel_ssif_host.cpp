// The execution model khost_shim.h promises, on SystemC, and the stand-in message handler:
// the kernel functions ipmi_ssif.c calls (extern "C", khost_ prefixed) reach the one
// KernelSsifHost of the process.
// sc_spawn (IEEE 1666-2011, 5.5) needs this before systemc.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "kernel/ipmi_ssif/kernel_ssif_host.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernel/ipmi_ssif/khost.h"
#include "models/common/jiffies.h"
#include "models/common/sim_time.h"
#include "models/smbus/adapter.h"
#include "models/smbus/alert.h"
#include "models/smbus/controller.h"
#include "models/ssif/framing.h"
#include "models/ssif/ipmi_commands.h"
#include "models/ssif/recv_check.h"

// The message handler's interface as the driver sees it (plain C declarations).
extern "C" {
#include "kernel/ipmi_ssif/include/linux/ipmi_smi.h"
}

// The shim's types the host works on, as khost_shim.h defines them (that header is for the
// driver's C only: its macros rename kernel functions and jiffies); keep the two in step.
extern "C" {
struct completion {
    unsigned int done;
    void* event;
};
struct timer_list {
    void (*function)(struct timer_list*);
    unsigned long expires;
    int pending;
    unsigned long long run_ns;
};
struct mutex {
    int held;
};
struct device;
struct task_struct;
extern int khost_spinlocks_held;
struct timespec64 {
    int64_t tv_sec;
    long tv_nsec;
};
struct i2c_client_head { // struct i2c_client's first fields
    unsigned short flags;
    unsigned short addr;
};
} // extern "C"

namespace ssifsim::kernel {

namespace {

constexpr const char* kOopsReport = "ssifsim/kernel host oops";
constexpr unsigned kI2cClientPec = 0x04; // I2C_CLIENT_PEC
constexpr unsigned kWatchMessages = 1u;  // IPMI_WATCH_MASK_CHECK_MESSAGES
constexpr unsigned kWatchWatchdog = 2u;  // IPMI_WATCH_MASK_CHECK_WATCHDOG
constexpr uint8_t kMaxChannels = 16;     // IPMI_MAX_CHANNELS
constexpr size_t kIpmiMaxMsgLength = IPMI_MAX_MSG_LENGTH;
constexpr const char* kAdapterName = "ssifsim SMBus adapter";
constexpr int kErestartsys = 512; // ERESTARTSYS (include/linux/errno.h)

// The releases whose ipmi_ssif.c this build compiled (CMakeLists.txt), by the name the host
// version table's rows give (HostKernel::kernel_release).
struct Release {
    const char* name;
    const khost_ops* ops;
    const char* tree; // null: SSIFSIM_KERNEL_SOURCE itself
};
constexpr Release kReleases[] = {
    {"6.12", &khost_ops_6_12, nullptr},
#ifdef SSIFSIM_KERNEL_HOST_6_1
    {"6.1", &khost_ops_6_1, SSIFSIM_KERNEL_HOST_6_1_DESCRIPTION},
#endif
};

const Release* release_of(ssif::HostVariant variant) {
    const std::string name = ssif::host_kernel(variant).kernel_release;
    for (const Release& r : kReleases)
        if (name == r.name)
            return &r;
    return nullptr;
}
const khost_ops* release_ops(ssif::HostVariant variant) {
    const Release* r = release_of(variant);
    return r ? r->ops : nullptr;
}

// An oops unwinds the task that ran into it (kernel: the task is killed).
struct KernelOops {};

} // namespace

struct task_struct_impl {
    sc_core::sc_process_handle handle;
    bool should_stop = false;
    bool exited = false;
    int ret = 0;
    sc_core::sc_event exited_event;
};

class KernelSsifHost : public sc_core::sc_module, public KernelHost {
  public:
    SC_HAS_PROCESS(KernelSsifHost);
    KernelSsifHost(sc_core::sc_module_name name, const ssif::HostConfig& config, EventSink& log,
                   const KernelHostOptions& options);
    ~KernelSsifHost() override;

    smbus::SmbusInitiatorSocket& smbus_socket() override { return controller_.socket; }
    smbus::AlertInPort& smbalert() override { return smbalert_; }
    void set_requests(ssif::RequestSource* requests) override {
        requests_ = requests;
        xmit_.set_replay(requests ? requests->replay() : nullptr);
    }
    void set_outcome_sink(ssif::OutcomeSink* sink) override { sink_ = sink; }
    void stop_when_done(StopGate* gate) override { gate_ = gate; }
    size_t completed() const override { return completed_; }
    size_t submitted() const override { return submitted_; }
    ssif::LinkSetup link() const override { return link_; }
    ssif::HostStats stats() const override;

    // ---- the kernel services (khost_shim.h) ----
    [[noreturn]] void oops(const char* what, const char* file, int line);
    void log_line(const char* level, const std::string& text);
    uint64_t jiffies() const { return jiffies_.at(sim_now_ns()); }
    const Jiffies& jiffies_rules() const { return jiffies_; }
    bool msleep_extra_jiffy() const { return kernel_.msleep_extra_jiffy; }
    void sleep_jiffies(uint64_t delta, const char* reason);
    int mod_timer(timer_list* t, unsigned long expires);
    int del_timer(timer_list* t);
    void complete(completion* c);
    int wait_for_completion(completion* c);
    task_struct_impl* kthread_run(int (*fn)(void*), void* data, const char* name);
    bool kthread_should_stop();
    int kthread_stop(task_struct_impl* t);
    void mutex_lock(mutex* m);
    void mutex_unlock(mutex* m);
    int smbus_block(const i2c_client_head* client, bool read, uint8_t command, uint8_t* values,
                    uint8_t length);
    // ipmi_msghandler's side.
    int register_smi(const ipmi_smi_handlers* handlers, void* send_info);
    void unregister_smi();
    void msg_received(ipmi_smi_msg* msg);

  private:
    void module_thread(); // SC_THREAD: insmod, i2c-core's binding, registration; later rmmod
    void feed();          // SC_THREAD: the workload's requests at their times
    void alert_worker();  // SC_THREAD: smbus_alert
    void softirq();       // SC_METHOD: the timer wheel runs due timers
    void msghandler();    // SC_METHOD: hands the next request to the driver's sender
    void reschedule_softirq();
    void check_may_sleep(const char* what);
    // The probe's registration requests, each through sender, waiting for its response.
    Bytes handler_message(const Bytes& payload);
    void user_done(ssif::RequestOutcome out);
    void maybe_done();
    smbus::SmbusResult bus_transfer(bool read, uint8_t command, const Bytes& data, bool pec,
                                    smbus::TransferTag& tag);

    ssif::HostConfig config_;
    const ssif::HostKernel& kernel_; // the variant's row: which release, msleep's jiffy
    const khost_ops& driver_;        // that release's ipmi_ssif.c
    KernelHostOptions options_;
    const smbus::HostAdapter& adapter_;
    Jiffies jiffies_;
    TimerBase timers_;
    smbus::SmbusController controller_;
    smbus::AlertInPort smbalert_;
    EventSink& log_;
    sc_core::sc_mutex adapter_lock_;

    ssif::RequestSource* requests_ = nullptr;
    ssif::ReplayXmitQueue xmit_;
    ssif::OutcomeSink* sink_ = nullptr;
    StopGate* gate_ = nullptr;
    size_t completed_ = 0;
    size_t submitted_ = 0;
    bool fed_all_ = false;

    // The timer wheel's timers, armed order kept for equal times.
    std::vector<std::pair<uint64_t, timer_list*>> timers_armed_;
    uint64_t timer_seq_ = 0;
    bool in_softirq_ = false;
    sc_core::sc_event softirq_event_;

    std::vector<std::unique_ptr<task_struct_impl>> tasks_;
    sc_core::sc_event completion_event_, mutex_event_;

    // The message handler.
    const ipmi_smi_handlers* handlers_ = nullptr;
    void* send_info_ = nullptr;
    bool registered_ = false; // the interface is up: user requests may go
    bool probe_done_ = false;
    ipmi_smi_msg* handler_msg_ = nullptr;
    std::optional<Bytes> handler_rsp_;
    sc_core::sc_event handler_event_, msghandler_event_, module_event_;
    ipmi_smi_msg* user_msg_ = nullptr;
    ssif::RequestOutcome user_out_;
    bool user_last_read_ = false; // the request's last transfer was a read
    int64_t user_part_ = 0;       // the part of the message its last write sent
    unsigned hosed_seen_ = 0;
    ssif::LinkSetup link_;
    ssif::HostStats stats_;
    bool removed_ = false;
    smbus::DeviceLock device_lock_; // held while the driver's probe or remove runs
};

namespace {
KernelSsifHost* g_host = nullptr;
bool g_made = false;

KernelSsifHost& host() {
    if (!g_host)
        throw std::logic_error("ipmi_ssif.c called the kernel with no kernel host");
    return *g_host;
}
} // namespace

KernelSsifHost::KernelSsifHost(sc_core::sc_module_name name, const ssif::HostConfig& config,
                               EventSink& log, const KernelHostOptions& options)
    : sc_module(name), config_(config), kernel_(ssif::host_kernel(config.variant)),
      driver_(*release_ops(config.variant)), options_(options),
      adapter_(smbus::host_adapter(config.adapter)), jiffies_(config.hz), timers_(jiffies_),
      controller_("smbus", log), log_(log) {
    require_time_resolution();
    link_.found = false; // until ssif_probe has found the BMC
    g_host = this;
    SC_THREAD(module_thread);
    SC_THREAD(feed);
    SC_THREAD(alert_worker);
    SC_METHOD(softirq);
    sensitive << softirq_event_;
    dont_initialize();
    SC_METHOD(msghandler);
    sensitive << msghandler_event_;
    dont_initialize();
}

KernelSsifHost::~KernelSsifHost() {
    g_host = nullptr;
}

ssif::HostStats KernelSsifHost::stats() const {
    if (removed_)
        return stats_;
    khost_stats s;
    driver_.get_stats(&s);
    ssif::HostStats out;
    out.alerts = s.alerts;
    out.flag_fetches = s.flag_fetches;
    out.incoming_messages = s.incoming_messages;
    out.events = s.events;
    out.watchdog_pretimeouts = s.watchdog_pretimeouts;
    out.hosed = s.hosed;
    return out;
}

// ---- kernel services ---------------------------------------------------------------------------

void KernelSsifHost::oops(const char* what, const char* file, int line) {
    // Where in the driver; a sleep in atomic context is found by the shim, not at a line.
    std::string where = file ? file : "";
    if (file)
        where = where.substr(where.find_last_of('/') + 1) + ":" + std::to_string(line);
    EventBuilder(log_, sim_now_ns(), events::kHostKernelOops).str("what", what).str("at", where);
    const std::string text = std::string(name()) + ": the real ipmi_ssif.c oopsed: " + what +
                             (where.empty() ? "" : " at " + where) + "; its task is ended";
    SC_REPORT_WARNING(kOopsReport, text.c_str());
    // The driver cannot be trusted to finish its work (its timers may poll on for ever):
    // the host is done, and the run ends once the other parties are.
    if (gate_) {
        gate_->done();
        gate_ = nullptr;
    }
    throw KernelOops{};
}

void KernelSsifHost::log_line(const char* level, const std::string& text) {
    std::string t = text;
    while (!t.empty() && t.back() == '\n')
        t.pop_back();
    EventBuilder(log_, sim_now_ns(), events::kHostKernelLog).str("level", level).str("text", t);
}

void KernelSsifHost::check_may_sleep(const char* what) {
    if (khost_spinlocks_held)
        oops((std::string(what) + " with a spinlock held (scheduling while atomic)").c_str(),
             nullptr, 0);
    if (sc_core::sc_get_current_process_handle().proc_kind() != sc_core::SC_THREAD_PROC_)
        oops((std::string(what) + " from a timer callback (scheduling while atomic)").c_str(),
             nullptr, 0);
}

void KernelSsifHost::sleep_jiffies(uint64_t delta, const char* reason) {
    check_may_sleep(reason);
    // The sleep's timer goes through the wheel like any other (schedule_timeout's
    // process_timeout timer), as the model host's msleep does.
    const uint64_t now = sim_now_ns();
    const uint64_t expires = timers_.arm(delta, now);
    EventBuilder(log_, now, events::kHostTimer)
        .str("reason", reason)
        .num("jiffies", static_cast<int64_t>(delta))
        .num("expires_ns", static_cast<int64_t>(expires));
    wait_for(expires - now);
    timers_.ran(sim_now_ns());
}

int KernelSsifHost::mod_timer(timer_list* t, unsigned long expires) {
    const int was = t->pending;
    const uint64_t now = sim_now_ns();
    const uint64_t j = jiffies_.at(now);
    const uint64_t delta = expires > j ? expires - j : 0;
    t->expires = expires;
    t->run_ns = in_softirq_ ? timers_.rearm_in_callback(delta, now) : timers_.arm(delta, now);
    t->pending = 1;
    timers_armed_.erase(std::remove_if(timers_armed_.begin(), timers_armed_.end(),
                                       [t](const auto& e) { return e.second == t; }),
                        timers_armed_.end());
    timers_armed_.emplace_back(++timer_seq_, t);
    reschedule_softirq();
    return was;
}

int KernelSsifHost::del_timer(timer_list* t) {
    const int was = t->pending;
    t->pending = 0;
    timers_armed_.erase(std::remove_if(timers_armed_.begin(), timers_armed_.end(),
                                       [t](const auto& e) { return e.second == t; }),
                        timers_armed_.end());
    reschedule_softirq();
    return was;
}

void KernelSsifHost::reschedule_softirq() {
    if (in_softirq_)
        return; // softirq() reschedules when its walk is over
    softirq_event_.cancel();
    uint64_t next = UINT64_MAX;
    for (const auto& e : timers_armed_)
        next = std::min<uint64_t>(next, e.second->run_ns);
    if (next != UINT64_MAX) {
        const uint64_t now = sim_now_ns();
        softirq_event_.notify(ns(next > now ? next - now : 0));
    }
}

void KernelSsifHost::softirq() {
    ++process_activations();
    const uint64_t now = sim_now_ns();
    in_softirq_ = true;
    // Each round takes the earliest due timer (in arming order among equals) afresh: a
    // callback may arm or delete timers, its own included, while the wheel is walked.
    for (;;) {
        auto due = timers_armed_.end();
        for (auto it = timers_armed_.begin(); it != timers_armed_.end(); ++it)
            if (it->second->run_ns <= now &&
                (due == timers_armed_.end() || it->second->run_ns < due->second->run_ns ||
                 (it->second->run_ns == due->second->run_ns && it->first < due->first)))
                due = it;
        if (due == timers_armed_.end())
            break;
        timer_list* t = due->second;
        timers_armed_.erase(due);
        t->pending = 0;
        timers_.ran(now);
        try {
            t->function(t);
        } catch (const KernelOops&) { // logged; the softirq goes on
        }
    }
    in_softirq_ = false;
    reschedule_softirq();
}

void KernelSsifHost::complete(completion* c) {
    ++c->done;
    completion_event_.notify(sc_core::SC_ZERO_TIME);
}

int KernelSsifHost::wait_for_completion(completion* c) {
    check_may_sleep("wait_for_completion");
    while (c->done == 0) {
        // do_wait_for_common: a pending signal ends an interruptible wait with -ERESTARTSYS,
        // and kthread_stop sets TIF_NOTIFY_SIGNAL on the thread, which signal_pending()
        // counts. 6.1's shutdown_ssif stops its kthread without a complete(): that is how the
        // thread leaves its wait on wake_thread.
        if (kthread_should_stop())
            return -kErestartsys;
        wait_on(completion_event_);
    }
    --c->done;
    return 0;
}

task_struct_impl* KernelSsifHost::kthread_run(int (*fn)(void*), void* data, const char* name) {
    tasks_.push_back(std::make_unique<task_struct_impl>());
    task_struct_impl* t = tasks_.back().get();
    t->handle = sc_core::sc_spawn(
        [this, t, fn, data] {
            try {
                t->ret = fn(data);
            } catch (const KernelOops&) {
                t->ret = -EFAULT;
            }
            t->exited = true;
            t->exited_event.notify(sc_core::SC_ZERO_TIME);
        },
        (std::string(name) + std::to_string(tasks_.size())).c_str());
    return t;
}

bool KernelSsifHost::kthread_should_stop() {
    const sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
    for (const auto& t : tasks_)
        if (t->handle == self)
            return t->should_stop;
    return false;
}

int KernelSsifHost::kthread_stop(task_struct_impl* t) {
    check_may_sleep("kthread_stop");
    t->should_stop = true;
    completion_event_.notify(sc_core::SC_ZERO_TIME); // wake_up_process: it re-checks, and
                                                     // its interruptible wait ends
    while (!t->exited)
        wait_on(t->exited_event);
    return t->ret;
}

void KernelSsifHost::mutex_lock(mutex* m) {
    check_may_sleep("mutex_lock");
    while (m->held)
        wait_on(mutex_event_);
    m->held = 1;
}

void KernelSsifHost::mutex_unlock(mutex* m) {
    m->held = 0;
    mutex_event_.notify(sc_core::SC_ZERO_TIME);
}

smbus::SmbusResult KernelSsifHost::bus_transfer(bool read, uint8_t command, const Bytes& data,
                                                bool pec, smbus::TransferTag& tag) {
    adapter_lock_.lock();
    smbus::SmbusResult result;
    // __i2c_smbus_xfer's retries of a lost arbitration (AdapterRetry), as the model host's
    // transfer() makes them.
    const smbus::AdapterRetry retry(adapter_, controller_.timing().adapter_timeout_ns, jiffies_,
                                    sim_now_ns());
    const smbus::TransferTag asked = tag;
    for (int attempt = 0;; ++attempt) {
        tag = asked;
        result = read ? controller_.block_read(config_.bmc_addr7, command, pec, &tag)
                      : controller_.block_write(config_.bmc_addr7, command, data, pec, &tag);
        if (!retry.again(result.status, attempt, sim_now_ns()))
            break;
        EventBuilder(log_, sim_now_ns(), events::kHostAdapterRetry).num("try", attempt + 1);
    }
    adapter_lock_.unlock();
    return result;
}

int KernelSsifHost::smbus_block(const i2c_client_head* client, bool read, uint8_t command,
                                uint8_t* values, uint8_t length) {
    check_may_sleep(read ? "i2c_smbus_read_block_data" : "i2c_smbus_write_block_data");
    const bool pec = (client->flags & kI2cClientPec) != 0;
    // The transfer belongs to the user's request while the driver works on its message.
    const bool user = user_msg_ && driver_.current_msg() == user_msg_;
    smbus::TransferTag tag{user ? user_out_.id : 0, read, command};
    const uint64_t start = sim_now_ns();
    // The request starts with its first transfer, before the BMC's daemon can read it (it
    // can, at the transfer's STOP, before the transfer returns).
    if (user && user_out_.timeline.empty() && sink_)
        sink_->started(user_out_.id, start);
    const smbus::SmbusResult r =
        bus_transfer(read, command, read ? Bytes{} : Bytes(values, values + length), pec, tag);
    if (user) {
        if (user_out_.timeline.empty())
            user_out_.started_ns = start;
        // Counted as the model host counts them (ipmi_ssif.h's RequestOutcome): an attempt
        // is a message's first part or a 0x03 read, a part any write or read transfer.
        const bool first_part = command == ssif::kWriteSingle || command == ssif::kWriteStart;
        user_part_ = first_part ? 0 : user_part_ + 1;
        if (!read && first_part)
            ++user_out_.write_attempts;
        if (read && command == ssif::kReadStart)
            ++user_out_.read_attempts;
        ++(read ? user_out_.parts_read : user_out_.parts_written);
        if (!r.ok() && read)
            EventBuilder(log_, sim_now_ns(), events::kHostReadError)
                .num("id", user_out_.id)
                .str("status", smbus::status_name(r.status))
                .num("errno", smbus::transfer_errno(adapter_, r.status))
                .num("count", r.count);
        else if (!r.ok())
            EventBuilder(log_, sim_now_ns(), events::kHostWriteError)
                .num("id", user_out_.id)
                .num("part", user_part_)
                .str("status", smbus::status_name(r.status))
                .num("errno", smbus::transfer_errno(adapter_, r.status));
        ssif::Segment seg;
        seg.kind = read ? ssif::SegmentKind::Read : ssif::SegmentKind::Write;
        char detail[8];
        std::snprintf(detail, sizeof detail, "0x%02x", command);
        seg.detail = detail;
        seg.status = smbus::status_name(r.status);
        seg.start_ns = start;
        seg.end_ns = sim_now_ns();
        user_out_.timeline.push_back(seg);
        user_last_read_ = read;
    }
    if (!r.ok())
        return smbus::transfer_errno(adapter_, r.status);
    if (!read)
        return 0;
    std::copy(r.data.begin(), r.data.end(), values);
    return static_cast<int>(r.data.size());
}

// ---- the message handler -----------------------------------------------------------------------

int KernelSsifHost::register_smi(const ipmi_smi_handlers* handlers, void* send_info) {
    handlers_ = handlers;
    send_info_ = send_info;
    handlers->start_processing(send_info, reinterpret_cast<ipmi_smi*>(this));
    // ipmi_add_smi's own requests, as the model host's register_smi makes them (ssif_host.cpp):
    // Get Device GUID, Get Device ID (validated), then the channel scan for IPMI 1.5 and later.
    handler_message(ssif::ipmi::request(ssif::ipmi::kGetDeviceGuid));
    Bytes rsp = handler_message(ssif::ipmi::request(ssif::ipmi::kGetDeviceId));
    const bool device_id = ssif::valid_device_id(rsp); // netfn/cmd: handler_message's check
    unsigned channels = 0;
    if (device_id) {
        const uint8_t version = rsp[7];
        const unsigned major = version & 0x0f, minor = version >> 4;
        if (major > 1 || (major == 1 && minor >= 5)) {
            for (uint8_t ch = 0; ch < kMaxChannels; ++ch) {
                rsp = handler_message(ssif::ipmi::request(ssif::ipmi::kGetChannelInfo, {ch}));
                ++channels;
                if (rsp.size() >= 3 && rsp[2] == ssif::kCcInvalidCommand)
                    break;
            }
        }
    }
    EventBuilder(log_, sim_now_ns(), events::kHostRegistered)
        .flag("ok", device_id)
        .num("channel_requests", channels);
    if (!device_id) {
        // ipmi_add_smi fails and shuts the started interface down.
        handlers->shutdown(send_info);
        handlers_ = nullptr;
        return -ENODEV;
    }
    registered_ = true;
    return 0;
}

void KernelSsifHost::unregister_smi() {
    registered_ = false;
    if (handlers_)
        handlers_->shutdown(send_info_);
    handlers_ = nullptr;
}

Bytes KernelSsifHost::handler_message(const Bytes& payload) {
    EventBuilder(log_, sim_now_ns(), events::kHostHandlerRequest).bytes("request", payload);
    ipmi_smi_msg* msg = ipmi_alloc_smi_msg();
    std::copy(payload.begin(), payload.end(), msg->data);
    msg->data_size = static_cast<int>(payload.size());
    handler_msg_ = msg;
    handler_rsp_.reset();
    handlers_->sender(send_info_, msg);
    while (!handler_rsp_)
        wait_on(handler_event_);
    // handle_one_recv_msg checks the handler's own responses as it does a user's.
    const ssif::RecvCheck check = ssif::check_received(payload, *handler_rsp_);
    ssif::log_received_check(log_, sim_now_ns(), check);
    const Bytes rsp = check.delivered(*handler_rsp_);
    EventBuilder(log_, sim_now_ns(), events::kHostHandlerResponse).bytes("response", rsp);
    return rsp;
}

void KernelSsifHost::msg_received(ipmi_smi_msg* msg) {
    const Bytes rsp(msg->rsp, msg->rsp + std::max(0, msg->rsp_size));
    // return_hosed_msg counts each message it gives up on (the hosed statistic) before it
    // delivers it: this message is a hosed one if the count moved since the last delivery,
    // whoever's message that was (ipmi_add_smi's own channel scan included).
    khost_stats s;
    driver_.get_stats(&s);
    const bool hosed = s.hosed != hosed_seen_;
    hosed_seen_ = s.hosed;
    if (msg == handler_msg_) {
        handler_msg_ = nullptr;
        handler_rsp_ = rsp;
        handler_event_.notify(sc_core::SC_ZERO_TIME);
    } else if (msg == user_msg_) {
        user_msg_ = nullptr;
        ssif::RequestOutcome out = user_out_;
        out.response = rsp;
        if (hosed) {
            // return_hosed_msg: the driver gave up on it (0xFF). Which way: its last transfer.
            out.error = out.timeline.empty() ? ssif::RequestError::RequestTooBig
                        : user_last_read_    ? ssif::RequestError::ReadFailed
                                             : ssif::RequestError::WriteFailed;
        }
        user_done(out);
    } else {
        // A message the driver fetched on its own (Get Message, Read Event Message Buffer):
        // the handler's incoming path, apart from the requests' responses.
        const bool event = msg->data[1] == ssif::ipmi::kReadEventMessageBuffer.cmd;
        EventBuilder(log_, sim_now_ns(), events::kHostIncoming)
            .str("kind", event ? "event" : "message")
            .bytes("payload", rsp);
    }
    if (msg->done)
        msg->done(msg);
}

void KernelSsifHost::user_done(ssif::RequestOutcome out) {
    out.completed_ns = sim_now_ns();
    if (out.started_ns == 0 && out.timeline.empty())
        out.started_ns = out.completed_ns;
    if (out.error == ssif::RequestError::None) {
        out.completion_code = out.response.size() >= 3 ? out.response[2] : ssif::kCcUnspecified;
        // ipmi_msghandler's handle_one_recv_msg (recv_check.h), as the model host has it.
        const ssif::RecvCheck check = ssif::check_received(out.request, out.response);
        ssif::log_received_check(log_, sim_now_ns(), check);
        if (!check.ok()) {
            out.error = ssif::RequestError::MismatchedResponse;
            out.completion_code = ssif::kCcUnspecified;
        }
    } else {
        out.completion_code = ssif::kCcUnspecified;
    }
    EventBuilder(log_, sim_now_ns(), events::kHostResponse)
        .num("id", out.id)
        .bytes("payload", out.response)
        .hex("cc", out.completion_code)
        .str("error", ssif::request_error_name(out.error))
        .num("response_ns", static_cast<int64_t>(out.response_ns()));
    ++completed_;
    if (sink_)
        sink_->completed(out);
    msghandler_event_.notify(sc_core::SC_ZERO_TIME);
    maybe_done();
}

void KernelSsifHost::msghandler() {
    ++process_activations();
    // smi_send's rule: one message at a time to the driver; the rest wait in xmit_msgs.
    if (user_msg_ || handler_msg_ || !probe_done_)
        return;
    ssif::HostRequest request;
    if (!xmit_.pop(&request))
        return;
    ssif::RequestOutcome out;
    out.id = request.id;
    out.request = request.payload;
    out.submitted_ns = request.at_ns;
    if (!registered_ || request.payload.size() > kIpmiMaxMsgLength || request.payload.size() < 2) {
        out.error =
            registered_ ? ssif::RequestError::RequestTooBig : ssif::RequestError::NoInterface;
        if (request.payload.size() >= 2)
            out.response = {static_cast<uint8_t>(request.payload[0] | 4), request.payload[1],
                            ssif::kCcUnspecified};
        user_done(out);
        return;
    }
    ipmi_smi_msg* msg = ipmi_alloc_smi_msg();
    std::copy(request.payload.begin(), request.payload.end(), msg->data);
    msg->data_size = static_cast<int>(request.payload.size());
    user_out_ = out;
    user_last_read_ = false;
    user_msg_ = msg;
    try {
        handlers_->sender(send_info_, msg); // may deliver at once (return_hosed_msg)
    } catch (const KernelOops&) {           // logged; the request never completes
    }
}

void KernelSsifHost::maybe_done() {
    if (!gate_ || !probe_done_ || completed_ != submitted() || !fed_all_)
        return;
    module_event_.notify(sc_core::SC_ZERO_TIME);
}

// ---- threads -----------------------------------------------------------------------------------

void KernelSsifHost::feed() {
    ssif::HostRequest request;
    while (requests_ && requests_->next(&request)) {
        if (request.at_ns > sim_now_ns())
            wait_for(request.at_ns - sim_now_ns());
        EventBuilder(log_, sim_now_ns(), events::kHostRequest)
            .num("id", request.id)
            .bytes("payload", request.payload);
        ++submitted_;
        xmit_.push(request);
        msghandler_event_.notify(sc_core::SC_ZERO_TIME);
    }
    fed_all_ = true;
    maybe_done();
}

void KernelSsifHost::module_thread() {
    try {
        // insmod ipmi_ssif addr=0xNN adapter_name=NAME: the address given to the driver, as on
        // a machine whose firmware does not describe the BMC.
        driver_.load(config_.bmc_addr7, options_.adapter_name ? kAdapterName : nullptr,
                     kAdapterName);
        int rv = 0;
        if (config_.enumeration == ssif::Enumeration::Detect) {
            // i2c_detect: i2c_default_probe's Quick Write, then the driver's detect.
            smbus::TransferTag tag{0, false, 0x00};
            adapter_lock_.lock();
            const smbus::SmbusResult r = controller_.i2c_write(config_.bmc_addr7, {}, &tag);
            adapter_lock_.unlock();
            EventBuilder(log_, sim_now_ns(), events::kHostQuickWrite)
                .str("status", smbus::status_name(r.status));
            rv = r.ok() ? driver_.detect() : -ENODEV;
        }
        if (rv == 0) {
            device_lock_.lock(); // really_probe runs the driver's probe under device_lock
            rv = driver_.probe();
            device_lock_.unlock();
        }
        khost_link l;
        driver_.get_link(&l);
        link_.found = l.bound != 0;
        link_.pec = l.pec != 0;
        link_.max_transmit = l.max_xmit;
        link_.max_receive = l.max_recv;
        link_.cmd8_works = l.cmd8_works != 0;
        link_.has_event_buffer = l.has_event_buffer != 0;
        link_.supports_alert = l.supports_alert != 0;
        EventBuilder(log_, sim_now_ns(), events::kHostLink)
            .str("source", "probe")
            .flag("found", link_.found)
            .flag("pec", link_.pec)
            .num("max_transmit", link_.max_transmit)
            .num("max_receive", link_.max_receive)
            .flag("cmd8_works", link_.cmd8_works)
            .flag("event_buffer", link_.has_event_buffer)
            .flag("alerts", link_.supports_alert);
        if (registered_ && config_.watch != ssif::Watch::Off)
            handlers_->set_need_watch(send_info_, config_.watch == ssif::Watch::Messages
                                                      ? kWatchMessages
                                                      : kWatchWatchdog);
        probe_done_ = true;
        msghandler_event_.notify(sc_core::SC_ZERO_TIME);
        maybe_done();
        // rmmod once every request has its outcome (a run that ends at a time never does).
        for (;;) {
            wait_on(module_event_);
            if (gate_ && completed_ == submitted() && fed_all_)
                break;
        }
        stats_ = stats();
        device_lock_.lock(); // the driver's remove runs under device_lock too
        driver_.unload();
        device_lock_.unlock();
        removed_ = true;
        EventBuilder(log_, sim_now_ns(), events::kHostRemoved);
    } catch (const KernelOops&) {
        return; // logged, and the gate told
    }
    gate_->done();
    gate_ = nullptr;
}

void KernelSsifHost::alert_worker() {
    if (smbalert_.size() == 0)
        return;
    for (;;) {
        wait_on(smbalert_->posedge_event());
        smbus::smbus_alert(
            controller_, adapter_lock_, [](smbus::SmbusResult&) {},
            [this](uint8_t answer) {
                if ((answer >> 1) != config_.bmc_addr7)
                    return;
                // smbus_do_alert takes the device lock before it looks for the driver: an
                // alert during the probe (ipmi_add_smi's requests included) or the removal
                // waits for it, then finds the driver bound or gone.
                while (device_lock_.held())
                    wait_on(device_lock_.unlocked_event());
                static constexpr const char* kActions[] = {"ignored", "noted", "read_now"};
                try {
                    const int action = driver_.alert(answer & 1u);
                    if (action > 0)
                        EventBuilder(log_, sim_now_ns(), events::kHostAlert)
                            .str("action", kActions[action - 1]);
                } catch (const KernelOops&) {
                }
            });
    }
}

// ---- the factory -------------------------------------------------------------------------------

bool kernel_host_available() {
    return true;
}

const char* kernel_host_missing_release(ssif::HostVariant variant) {
    return release_ops(variant) ? nullptr : ssif::host_kernel(variant).kernel_release;
}

const char* kernel_host_release_tree(ssif::HostVariant variant) {
    const Release* r = release_of(variant);
    return r ? r->tree : nullptr;
}

std::unique_ptr<KernelHost> make_kernel_host(const char* name, const ssif::HostConfig& config,
                                             EventSink& log, const KernelHostOptions& options) {
    if (g_made)
        throw std::runtime_error("one kernel host per process: ipmi_ssif.c keeps its devices "
                                 "and parameters in statics");
    if (const char* missing = kernel_host_missing_release(config.variant))
        throw std::runtime_error(std::string("host variant ") +
                                 ssif::host_variant_name(config.variant) + " runs " + missing +
                                 "'s ipmi_ssif.c, which this build does not have");
    g_made = true;
    return std::make_unique<KernelSsifHost>(name, config, log, options);
}

} // namespace ssifsim::kernel

// ---- the shim's C entry points -----------------------------------------------------------------

using ssifsim::kernel::host;

extern "C" {

int khost_spinlocks_held = 0;

void khost_oops(const char* what, const char* file, int line) {
    host().oops(what, file, line);
}

void khost_log(const char* level, const struct device* dev, const char* fmt, ...) {
    (void)dev;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    host().log_line(level, buf);
}

unsigned long khost_jiffies(void) {
    return host().jiffies();
}
unsigned long khost_tick_nsec(void) {
    return host().jiffies_rules().tick_ns();
}
unsigned long khost_msecs_to_jiffies(unsigned int ms) {
    return host().jiffies_rules().from_msecs(ms);
}
void khost_msleep(unsigned int ms) {
    // msleep: schedule_timeout of msecs_to_jiffies(ms), plus one jiffy before 4381b895f544
    // (timer.c's, so the variant's row says, whichever release's driver runs).
    host().sleep_jiffies(
        host().jiffies_rules().from_msecs(ms) + (host().msleep_extra_jiffy() ? 1 : 0), "msleep");
}
long khost_schedule_timeout(long timeout) {
    host().sleep_jiffies(timeout > 0 ? static_cast<uint64_t>(timeout) : 0, "schedule_timeout");
    return 0;
}
void khost_ktime_get_real_ts64(struct timespec64* ts) {
    const uint64_t now = ssifsim::sim_now_ns();
    ts->tv_sec = static_cast<int64_t>(now / 1000000000u);
    ts->tv_nsec = static_cast<long>(now % 1000000000u);
}
int khost_mod_timer(struct timer_list* t, unsigned long expires) {
    return host().mod_timer(t, expires);
}
int khost_del_timer(struct timer_list* t) {
    return host().del_timer(t);
}
void khost_complete(struct completion* c) {
    host().complete(c);
}
int khost_wait_for_completion_interruptible(struct completion* c) {
    return host().wait_for_completion(c);
}
struct task_struct* khost_kthread_run(int (*fn)(void*), void* data, const char* name) {
    return reinterpret_cast<struct task_struct*>(host().kthread_run(fn, data, name));
}
bool khost_kthread_should_stop(void) {
    return host().kthread_should_stop();
}
int khost_kthread_stop(struct task_struct* t) {
    return host().kthread_stop(reinterpret_cast<ssifsim::kernel::task_struct_impl*>(t));
}
void khost_mutex_lock(struct mutex* m) {
    host().mutex_lock(m);
}
void khost_mutex_unlock(struct mutex* m) {
    host().mutex_unlock(m);
}
int32_t khost_i2c_smbus_write_block_data(const struct i2c_client_head* client, uint8_t command,
                                         uint8_t length, const uint8_t* values) {
    return host().smbus_block(client, false, command, const_cast<uint8_t*>(values), length);
}
int32_t khost_i2c_smbus_read_block_data(const struct i2c_client_head* client, uint8_t command,
                                        uint8_t* values) {
    return host().smbus_block(client, true, command, values, 0);
}
int ipmi_register_smi(const struct ipmi_smi_handlers* handlers, void* send_info, struct device* dev,
                      unsigned char slave_addr) {
    (void)dev, (void)slave_addr;
    return host().register_smi(handlers, send_info);
}
void ipmi_unregister_smi(struct ipmi_smi* intf) {
    (void)intf;
    host().unregister_smi();
}
void ipmi_smi_msg_received(struct ipmi_smi* intf, struct ipmi_smi_msg* msg) {
    (void)intf;
    host().msg_received(msg);
}
void ipmi_smi_watchdog_pretimeout(struct ipmi_smi* intf) {
    (void)intf; // the driver counts it (watchdog_pretimeouts); no watchdog user here
}

} // extern "C"
