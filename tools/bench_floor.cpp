#include "tools/bench_floor.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <stdexcept>

#include "models/common/jiffies.h"
#include "models/common/rng.h"
#include "models/smbus/adapter.h"
#include "models/smbus/pec.h"
#include "models/ssif/bmc/controller.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/bmc/scripted_backend.h"
#include "models/ssif/bmc/ssif_bmc.h"
#include "models/ssif/host/ipmi_ssif.h"
#include "tools/workload.h"

namespace ssifsim::tools {

namespace {

using smbus::SlaveAnswer;
using smbus::SlaveEvent;
using smbus::SmbusResult;
using smbus::SmbusStatus;

constexpr uint64_t kNever = ~uint64_t{0};

// Log events: every event the SystemC run's models offer is offered here too, and this sink
// counts the offers (EventSink::wants) and wants none. The models build an event only for a
// sink that wants it, and no sink of the benchmark's SystemC run wants the per-byte ones
// (it writes no log; its cause recorder keeps a few events of the first requests), so the
// floor pays what that run's models pay: the offer, not the building. Counting keeps the
// offers observable, so they cannot be optimised away, and the count is reported.
class CountingSink : public EventSink {
  public:
    bool wants(EventId) const override {
        ++count;
        return false;
    }
    void record(const Event&) override {}
    mutable uint64_t count = 0; // wants() is a query to the models; it only counts here
};

// The SystemC system of a scenario with one host, one BMC and the simple daemon, flattened:
// each SystemC module's duty (SsifHost's transfer thread and timers, SmbusController's
// framing, SmbusBus's byte walk, LinuxSlaveTarget's slave events, BmcModule's hooks,
// BmcDaemon's loop) is a member function here, called from one loop over a time counter.
class Floor : public ssif::IpmiSsifHooks, public ssif::BmcHooks {
  public:
    explicit Floor(const Scenario& s)
        : s_(s), timing_(s.bus), bit_ns_(timing_.bit_ns()),
          host_kernel_(ssif::host_kernel(s.host.variant)), host_jiffies_(s.host.hz),
          host_timers_(host_jiffies_), bmc_jiffies_(s.bmc.hz), responder_(s.responder),
          backend_(s.script, responder_), requests_(s.requests, s.generators, s.seed),
          driver_(host_kernel_, smbus::host_adapter(s.host.adapter), host_jiffies_, host_timers_,
                  *this, log_),
          bmc_(s.bmc.addr7, s.bmc.variant, *this, s.bmc.multipart_end, s.bmc.max_message),
          controller_(s.bmc.controller),
          // BmcDaemon's seed, so that it draws the same latencies in the same order.
          daemon_rng_(s.seed ^ 0x64616d6eULL) {}

    FloorResult run() {
        total_ = requests_.total();
        daemon_open();
        driver_.probe_ended(s_.host.link);
        driver_.set_need_watch(s_.host.watch);
        driver_.registered(s_.host.link.found);
        have_request_ = requests_.next(&next_request_);
        while (result_.requests < total_) {
            if (has_pending_) {
                transfer();
                continue;
            }
            step(kNever, false);
        }
        result_.events = log_.count;
        return result_;
    }

    // ---- IpmiSsifHooks: SsifHost's duties -------------------------------------------------
    uint64_t now_ns() const override { return now_; }
    void start_transfer(const ssif::HostTransfer& t) override {
        pending_ = t;
        has_pending_ = true;
    }
    void arm_timer(ssif::DriverTimer timer, uint64_t expires_ns) override {
        (timer == ssif::DriverTimer::Retry ? retry_ns_ : watch_ns_) = expires_ns;
    }
    void cancel_timer(ssif::DriverTimer timer) override {
        if (timer == ssif::DriverTimer::Retry)
            retry_ns_ = kNever;
    }
    void power_off(uint64_t) override {
        throw std::invalid_argument("floor: a host power-off is not modelled");
    }
    void request_started(int, uint64_t) override {}
    void request_done(const ssif::RequestOutcome& outcome) override {
        ++result_.requests;
        if (outcome.failed())
            ++result_.failed;
        result_.end_ns = now_;
    }
    void handler_done(const Bytes&) override {}
    void hung() override { throw std::runtime_error("floor: the host driver hung"); }
    void phase_changed(ssif::HostPhase) override {} // the waveform's
    void state_changed(ssif::DriverState) override {}

    // ---- BmcHooks: BmcModule's duties ----------------------------------------------------
    void arm_response_timer() override {
        const uint64_t expires =
            ssif::response_timer_expiry_ns(bmc_jiffies_, s_.bmc.response_timeout_ms, now_);
        bmc_timer_ns_ = expires;
        EventBuilder(log_, now_, events::kBmcTimerArmed)
            .num("jiffies",
                 static_cast<int64_t>(bmc_jiffies_.from_msecs(s_.bmc.response_timeout_ms)))
            .num("expires_ns", static_cast<int64_t>(expires));
    }
    void cancel_response_timer() override {
        bmc_timer_ns_ = kNever;
        EventBuilder(log_, now_, events::kBmcTimerCancelled);
    }
    void request_available() override {
        EventBuilder(log_, now_, events::kBmcRequestAvailable);
        if (daemon_reading_ && daemon_wake_ns_ == kNever)
            daemon_wake_ns_ = now_; // the daemon's blocked read() wakes up
    }
    void log(const char* level, const std::string& text) override {
        EventBuilder(log_, now_, events::kBmcWarn).str("level", level).str("text", text);
    }
    void transition(ssif::BmcState from, ssif::BmcState to, SlaveEvent ev) override {
        EventBuilder(log_, now_, events::kBmcState)
            .str("from", ssif::bmc_state_name(from))
            .str("to", ssif::bmc_state_name(to))
            .str("on", smbus::slave_event_name(ev));
    }

  private:
    enum class What { Request, Retry, Watch, DaemonWake, DaemonDue, BmcTimer };

    // The earliest timed thing due at or before `limit`, run at its time; false if none.
    // Between transfers (in_walk false) time moves on to it; inside a transfer's byte walk
    // it is one that falls before the byte being walked (a request arriving, the daemon
    // answering), run at its own time as the SystemC run interleaves it, and the walk then
    // goes on at its own time.
    bool step(uint64_t limit, bool in_walk) {
        What what{};
        uint64_t t = kNever;
        const auto consider = [&t, &what](uint64_t at, What w) {
            if (at < t) {
                t = at;
                what = w;
            }
        };
        if (have_request_)
            consider(next_request_.at_ns, What::Request);
        consider(retry_ns_, What::Retry);
        consider(watch_ns_, What::Watch);
        consider(daemon_wake_ns_, What::DaemonWake);
        consider(daemon_due_ns_, What::DaemonDue);
        consider(bmc_timer_ns_, What::BmcTimer);
        if (t == kNever && !in_walk)
            throw std::runtime_error("floor: nothing left to happen with requests outstanding");
        if (t > limit)
            return false;
        const uint64_t walk_ns = now_;
        now_ = in_walk ? t : std::max(now_, t);
        dispatch(what);
        if (in_walk)
            now_ = walk_ns;
        return true;
    }
    void dispatch(What what) {
        switch (what) {
        case What::Request: // SsifHost::feed
            EventBuilder(log_, now_, events::kHostRequest)
                .num("id", next_request_.id)
                .bytes("payload", next_request_.payload);
            driver_.send(next_request_);
            have_request_ = requests_.next(&next_request_);
            return;
        case What::Retry:
            retry_ns_ = kNever;
            driver_.retry_timeout();
            return;
        case What::Watch:
            watch_ns_ = kNever;
            driver_.watch_timeout(); // re-arms it
            return;
        case What::DaemonWake:
            daemon_wake_ns_ = kNever;
            daemon_read();
            return;
        case What::DaemonDue:
            daemon_due_ns_ = kNever;
            daemon_respond();
            return;
        case What::BmcTimer: // BmcModule::on_timer
            bmc_timer_ns_ = kNever;
            EventBuilder(log_, now_, events::kBmcTimerFired)
                .flag("response_pending", bmc_.response_pending());
            bmc_.on_response_timeout();
            if (controller_.response_timeout())
                EventBuilder(log_, now_, events::kBmcSlaveEnabled);
            return;
        }
    }

    // ---- BmcDaemon's loop ----------------------------------------------------------------
    void daemon_open() {
        EventBuilder(log_, now_, events::kDaemonOpen).num("ret", bmc_.open());
        daemon_reading_ = true;
        daemon_read();
    }
    void daemon_read() {
        Bytes msg;
        const long got = bmc_.read(bmc_.msg_size(), false, msg);
        if (got == -EAGAIN)
            return;  // blocked until request_available
        if (got < 0) // BmcDaemon logs it and reads again: no fault here makes it fail
            throw std::runtime_error("floor: the daemon's read failed: " + std::to_string(got));
        daemon_reading_ = false;
        uint32_t len = 0;
        for (unsigned i = 0; i < ssif::SsifBmc::kMsgLenField; ++i)
            len |= static_cast<uint32_t>(msg[i]) << (8 * i);
        const size_t payload =
            std::min<size_t>(len, static_cast<size_t>(got) - ssif::SsifBmc::kMsgLenField);
        daemon_request_.assign(msg.begin() + ssif::SsifBmc::kMsgLenField,
                               msg.begin() + ssif::SsifBmc::kMsgLenField +
                                   static_cast<long>(payload));
        EventBuilder(log_, now_, events::kDaemonRead)
            .num("ret", got)
            .bytes("request", daemon_request_);
        const ssif::DaemonConfig& d = s_.daemon;
        const uint64_t latency = d.latency_max_ns > d.latency_ns
                                     ? daemon_rng_.uniform(d.latency_ns, d.latency_max_ns)
                                     : d.latency_ns;
        daemon_due_ns_ = now_ + latency + backend_.hold_ns(daemon_request_);
    }
    void daemon_respond() {
        const std::optional<Bytes> answer = backend_.respond(daemon_request_, now_);
        if (!answer) {
            EventBuilder(log_, now_, events::kDaemonUnanswered).bytes("request", daemon_request_);
        } else {
            const long wrote = bmc_.write(ssif::encode_ssif_msg(*answer), false);
            if (wrote == -EAGAIN)
                throw std::runtime_error("floor: the daemon's write would block");
            if (wrote > 0 && controller_.response_written())
                EventBuilder(log_, now_, events::kBmcSlaveEnabled);
            EventBuilder(log_, now_, wrote < 0 ? events::kDaemonWriteFailed : events::kDaemonWrite)
                .num("ret", wrote)
                .bytes("response", *answer);
        }
        daemon_reading_ = true;
        daemon_read();
    }

    // ---- SsifHost::transfer and SmbusController's block transfers ------------------------
    void transfer() {
        has_pending_ = false;
        std::swap(running_, pending_); // as SsifHost::serve: no buffer made per transfer
        const ssif::HostTransfer& t = running_;
        ssif::TransferDone done;
        done.start_ns = now_;
        done.result = t.read ? block_read(t.command, t.pec) : block_write(t.command, t.data, t.pec);
        done.end_ns = now_;
        ++result_.transfers;
        driver_.transfer_done(done);
    }

    SmbusResult block_write(uint8_t command, const Bytes& data, bool pec) {
        // S addr+W [A] command [A] count [A] data... [A] (PEC [A]) P (SMBus 3.1 section 6.4).
        SmbusResult result;
        const uint8_t addr_byte = static_cast<uint8_t>(s_.bmc.addr7 << 1);
        const uint8_t count_byte = static_cast<uint8_t>(data.size());
        int count = -1;
        uint8_t crc = smbus::pec_update(0, addr_byte);
        bool ok = start(addr_byte, result) && write(command, result);
        crc = smbus::pec_update(crc, command);
        if (ok && (ok = write(count_byte, result)))
            count = count_byte;
        crc = smbus::pec_update(crc, count_byte);
        for (size_t i = 0; i < data.size() && ok; ++i) {
            ok = write(data[i], result);
            crc = smbus::pec_update(crc, data[i]);
        }
        if (ok && pec)
            write(crc, result);
        stop();
        return finish(result, "block_write", command, pec, data, count);
    }

    SmbusResult block_read(uint8_t command, bool pec) {
        // S addr+W [A] command [A] Sr addr+R [A] [count] A [data] A... ([PEC]) NA P.
        SmbusResult result;
        const uint8_t addr_w = static_cast<uint8_t>(s_.bmc.addr7 << 1);
        const uint8_t addr_r = static_cast<uint8_t>(addr_w | 1);
        int count = -1;
        if (start(addr_w, result) && write(command, result) && start(addr_r, result)) {
            uint8_t crc =
                smbus::pec_update(smbus::pec_update(smbus::pec_update(0, addr_w), command), addr_r);
            result.count = read(false, true);
            count = result.count;
            crc = smbus::pec_update(crc, result.count);
            if (result.count < 1 || result.count > smbus::kBlockMax) {
                result.status = SmbusStatus::BadLength;
            } else {
                const unsigned total = result.count + (pec ? 1u : 0u);
                for (unsigned i = 0; i < total; ++i) {
                    const uint8_t value = read(i + 1 < total, false);
                    if (i < result.count)
                        result.data.push_back(value);
                    else if (value != crc)
                        result.status = SmbusStatus::BadPec;
                    crc = smbus::pec_update(crc, value);
                }
            }
        }
        stop();
        return finish(result, "block_read", command, pec, result.data, count);
    }

    SmbusResult finish(SmbusResult result, const char* op, uint8_t command, bool pec,
                       const Bytes& data, int count) {
        (void)count; // the spec checks' TransferRecord field: no checks here
        result.end_ns = now_;
        EventBuilder(log_, result.end_ns, events::kBusTransfer)
            .str("op", op)
            .hex("addr", s_.bmc.addr7)
            .hex("cmd", command)
            .flag("pec", pec)
            .bytes("data", data)
            .str("status", smbus::status_name(result.status))
            .num("dur_ns", static_cast<int64_t>(result.end_ns - result.start_ns));
        return result;
    }

    // ---- SmbusBus's byte walk and LinuxSlaveTarget's slave events --------------------------
    // A START (after the bus free time) or a repeated START, and the address byte.
    bool start(uint8_t addr_byte, SmbusResult& result) {
        if (in_transfer_) {
            EventBuilder(log_, now_, events::kBusRestart);
            now_ += timing_.repeated_start_ns();
        } else {
            now_ = std::max(now_, bus_free_at_ns_);
            in_transfer_ = true;
            addressed_ = false;
            bus_pec_ = 0;
            result.start_ns = now_;
            EventBuilder(log_, now_, events::kBusStart);
            now_ += timing_.start_ns();
        }
        const bool read = addr_byte & 1;
        now_ += 8 * bit_ns_; // the target sees the byte after its 8 data bits
        uint8_t val = addr_byte;
        const bool ack = slave(read ? SlaveEvent::ReadRequested : SlaveEvent::WriteRequested,
                               val) == SlaveAnswer::Ack;
        addressed_ = true;
        if (read) {
            first_read_ = val;
            first_read_pending_ = true;
        }
        selected_ = ack;
        ack_bit(addr_byte, "w", ack);
        if (!ack)
            result.status = SmbusStatus::AddressNak;
        return ack;
    }
    bool write(uint8_t value, SmbusResult& result) {
        now_ += 8 * bit_ns_;
        bool ack = false;
        if (selected_) {
            uint8_t val = value;
            ack = slave(SlaveEvent::WriteReceived, val) == SlaveAnswer::Ack;
        }
        ack_bit(value, "w", ack);
        if (!ack)
            result.status = SmbusStatus::DataNak;
        return ack;
    }
    uint8_t read(bool master_ack, bool recv_len) {
        uint8_t value = 0xff; // nobody drives SDA: the pull-up reads 1s
        if (selected_ && first_read_pending_) {
            first_read_pending_ = false;
            value = first_read_;
        } else if (selected_) {
            slave(SlaveEvent::ReadProcessed, value);
        }
        const bool ack = recv_len ? value >= 1 && value <= smbus::kBlockMax : master_ack;
        now_ += 8 * bit_ns_;
        ack_bit(value, "r", ack);
        return value;
    }
    void ack_bit(uint8_t value, const char* dir, bool ack) {
        bus_pec_ = smbus::pec_update(bus_pec_, value); // the bus's running PEC (for faults)
        ++result_.wire_bytes;
        EventBuilder(log_, now_, events::kBusByte)
            .str("dir", dir)
            .hex("byte", value)
            .flag("ack", ack);
        now_ += bit_ns_;
    }
    void stop() {
        // SmbusBus::stop: logged and delivered at the STOP condition, the period ends after.
        now_ += timing_.stop_condition_ns();
        EventBuilder(log_, now_, events::kBusStop);
        if (addressed_) {
            first_read_pending_ = false;
            uint8_t val = 0;
            slave(SlaveEvent::Stop, val);
        }
        now_ += timing_.stop_ns() - timing_.stop_condition_ns();
        bus_free_at_ns_ = now_ + timing_.bus_free_ns();
        in_transfer_ = false;
        selected_ = false;
    }
    // BmcModule::on_event: the slave controller between the bus and ssif_bmc_cb.
    SlaveAnswer slave(SlaveEvent ev, uint8_t& val) {
        while (step(now_, true)) {
        }
        if (!controller_.enabled())
            return SlaveAnswer::Absent;
        const SlaveAnswer answer = controller_.answer(ev, bmc_.on_event(ev, val));
        if (!controller_.enabled())
            EventBuilder(log_, now_, events::kBmcSlaveDisabled);
        return answer;
    }

    const Scenario& s_;
    const smbus::SmbusTiming& timing_;
    const uint64_t bit_ns_; // a division: once, as SmbusBus keeps it
    const ssif::HostKernel& host_kernel_;
    Jiffies host_jiffies_;
    TimerBase host_timers_;
    Jiffies bmc_jiffies_;
    CountingSink log_;
    ssif::IpmiResponder responder_;
    ssif::ScriptedBackend backend_;
    WorkloadRequests requests_;
    ssif::IpmiSsif driver_;
    ssif::SsifBmc bmc_;
    ssif::SlaveController controller_;
    Rng daemon_rng_;

    FloorResult result_;
    size_t total_ = 0;
    uint64_t now_ = 0;
    // The host: the next request, the transfer asked for, the driver's timers.
    bool have_request_ = false;
    ssif::HostRequest next_request_;
    ssif::HostTransfer pending_, running_;
    bool has_pending_ = false;
    uint64_t retry_ns_ = kNever, watch_ns_ = kNever;
    // The bus.
    uint64_t bus_free_at_ns_ = 0;
    bool in_transfer_ = false, addressed_ = false, selected_ = false;
    bool first_read_pending_ = false;
    uint8_t first_read_ = 0;
    uint8_t bus_pec_ = 0;
    // The BMC and its daemon.
    uint64_t bmc_timer_ns_ = kNever;
    bool daemon_reading_ = false;
    uint64_t daemon_wake_ns_ = kNever, daemon_due_ns_ = kNever;
    Bytes daemon_request_;
};

void require(bool ok, const char* what) {
    if (!ok)
        throw std::invalid_argument(std::string("floor: ") + what + " is not modelled");
}

} // namespace

FloorResult run_floor(const Scenario& s) {
    require(s.daemon_kind == Scenario::DaemonKind::Simple, "the ssifbridge daemon");
    require(s.backend.kind == DaemonBackend::Kind::Builtin, "the ipmi_sim backend");
    require(!s.daemon.silent, "a silent daemon");
    require(!s.host.probe, "the host's probe");
    require(!s.host_irq_fid, "the host's zPCI interrupt");
    require(s.faults.empty(), "a fault");
    require(!s.bmc.smbus_alert, "SMBALERT#");
    require(!s.zpci.enabled, "zPCI");
    Floor floor(s);
    return floor.run();
}

} // namespace ssifsim::tools
