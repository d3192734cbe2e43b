#include "kernel/ssif_bmc/bmc_conformance.h"

#include <algorithm>
#include <cstdio>

#include "models/smbus/pec.h"
#include "models/ssif/bmc/ssif_bmc.h"

namespace ssifsim::kernel {

namespace {

using Kind = BmcOp::Kind;
using smbus::SlaveEvent;

constexpr uint8_t kAddr7 = 0x10;
constexpr uint8_t kAddrWrite = kAddr7 << 1; // the address byte of a write, as *val carries it
constexpr uint8_t kAddrRead = kAddrWrite | 1;

// calls_by_kind: the five slave events, then the other kinds.
constexpr const char* kCallNames[] = {"write_requested",
                                      "write_received",
                                      "read_requested",
                                      "read_processed",
                                      "stop",
                                      "open",
                                      "release",
                                      "read",
                                      "write",
                                      "poll",
                                      "timer_fire",
                                      "read_fault",
                                      "remove"};
size_t call_index(const BmcOp& op) {
    return op.kind == Kind::Event ? static_cast<size_t>(op.event)
                                  : 4 + static_cast<size_t>(op.kind);
}

std::string hex(uint8_t v) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02x", v);
    return b;
}

class ModelBmc : public BmcImpl, private ssif::BmcHooks {
  public:
    explicit ModelBmc(ssif::BmcVariant variant)
        : variant_(variant), bmc_(std::make_unique<ssif::SsifBmc>(kAddr7, variant, hooks())) {
        bmc_->open();
    }
    BmcObservation apply(const BmcOp& op) override {
        BmcObservation o;
        log_.clear();
        switch (op.kind) {
        case Kind::Event: {
            uint8_t val = op.val;
            const smbus::SlaveAnswer a = bmc_->on_event(op.event, val);
            o.result = a == smbus::SlaveAnswer::Busy ? -16 /* -EBUSY */ : 0;
            o.val = val;
            break;
        }
        case Kind::Open: o.result = bmc_->open(); break;
        case Kind::Release: bmc_->release(); break;
        case Kind::Read: o.result = bmc_->read(op.count, true, o.read); break;
        case Kind::ReadFault: o.result = bmc_->read(op.count, true, o.read, op.copyable); break;
        case Kind::Write: o.result = bmc_->write(op.data, true); break;
        case Kind::Poll: o.result = bmc_->poll_readable() ? 1 /* EPOLLIN */ : 0; break;
        case Kind::TimerFire:
            if (timer_pending_) {
                timer_pending_ = false;
                bmc_->on_response_timeout();
            }
            // The timer a remove left pending runs on the freed context (the model counts it
            // through use_after_free()).
            if (orphan_timer_) {
                orphan_timer_ = false;
                removed_->on_response_timeout();
            }
            break;
        case Kind::Remove:
            bmc_->remove(); // 7fc3e2546cf3 on: cancels the timer through cancel_response_timer
            orphan_timer_ = orphan_timer_ || timer_pending_;
            timer_pending_ = false;
            removed_ = std::move(bmc_);
            bmc_ = std::make_unique<ssif::SsifBmc>(kAddr7, variant_, hooks());
            bmc_->open();
            break;
        }
        if (o.result < 0)
            o.read.clear();
        o.state = static_cast<int>(bmc_->state());
        o.busy = bmc_->busy();
        o.aborting = bmc_->aborting();
        o.request_available = bmc_->poll_readable();
        o.response_in_progress = bmc_->response_pending();
        o.timer_pending = timer_pending_;
        o.log = log_;
        o.timer_after_remove = orphan_timer_;
        o.use_after_free = use_after_free_;
        return o;
    }

  private:
    ssif::BmcHooks& hooks() { return *this; }
    void arm_response_timer() override { timer_pending_ = true; }
    void cancel_response_timer() override { timer_pending_ = false; }
    void request_available() override {}
    void use_after_free(const std::string&) override { ++use_after_free_; }
    void log(const char* level, const std::string&) override {
        log_ += (log_.empty() ? "" : ",") + std::string(level);
    }
    const ssif::BmcVariant variant_;
    std::unique_ptr<ssif::SsifBmc> bmc_;
    std::unique_ptr<ssif::SsifBmc> removed_; // the last device removed
    bool timer_pending_ = false;
    bool orphan_timer_ = false; // pending on removed_'s freed context
    uint64_t use_after_free_ = 0;
    std::string log_;
};

// Appends a block write as a master makes it: address, command, count, `data`, and the
// PEC over all of them (`pec`: 0 none, 1 right, 2 wrong), then a STOP unless it is lost.
void block_write(std::vector<BmcOp>& seq, uint8_t cmd, uint8_t count, const Bytes& data, int pec,
                 bool stop) {
    seq.push_back({Kind::Event, SlaveEvent::WriteRequested, kAddrWrite, 0, {}});
    Bytes wire{kAddrWrite, cmd, count};
    wire.insert(wire.end(), data.begin(), data.end());
    if (pec)
        wire.push_back(static_cast<uint8_t>(smbus::pec_of(wire) ^ (pec == 2 ? 0x5a : 0)));
    for (size_t i = 1; i < wire.size(); ++i)
        seq.push_back({Kind::Event, SlaveEvent::WriteReceived, wire[i], 0, {}});
    if (stop)
        seq.push_back({Kind::Event, SlaveEvent::Stop, 0, 0, {}});
}

// A block read: address, command, repeated START with the read address, `bytes` reads.
void block_read(std::vector<BmcOp>& seq, uint8_t cmd, size_t bytes, bool stop) {
    seq.push_back({Kind::Event, SlaveEvent::WriteRequested, kAddrWrite, 0, {}});
    seq.push_back({Kind::Event, SlaveEvent::WriteReceived, cmd, 0, {}});
    seq.push_back({Kind::Event, SlaveEvent::ReadRequested, kAddrRead, 0, {}});
    for (size_t i = 0; i < bytes; ++i)
        seq.push_back({Kind::Event, SlaveEvent::ReadProcessed, 0, 0, {}});
    if (stop)
        seq.push_back({Kind::Event, SlaveEvent::Stop, 0, 0, {}});
}

// A whole single-part request (0x02, 1..8 bytes, right PEC, STOP): handle_request arms the
// response timer, so the call after it finds a response awaited.
void request(std::vector<BmcOp>& seq, Rng& rng) {
    Bytes data(rng.uniform(1, 8));
    for (uint8_t& b : data)
        b = static_cast<uint8_t>(rng.uniform(0, 255));
    block_write(seq, 0x02, static_cast<uint8_t>(data.size()), data, 1, true);
}

// A write() at the 2024 write-length check's boundaries: a count under 4 (len not all
// there), or len 255 or 256 (past IPMI_SSIF_PAYLOAD_MAX) or 0xfffffffc.. (4 + len wraps in
// a 32-bit size_t) with the payload a 260-byte struct holds (a 259- or 260-byte count).
Bytes boundary_write(Rng& rng) {
    if (rng.uniform(0, 3) == 0) {
        Bytes buf(rng.uniform(0, 3));
        for (uint8_t& b : buf)
            b = static_cast<uint8_t>(rng.uniform(0, 255));
        return buf;
    }
    const uint64_t l = rng.uniform(0, 2);
    const uint32_t len = l == 0   ? 255
                         : l == 1 ? 256
                                  : 0xfffffffcu + static_cast<uint32_t>(rng.uniform(0, 3));
    Bytes buf{static_cast<uint8_t>(len), static_cast<uint8_t>(len >> 8),
              static_cast<uint8_t>(len >> 16), static_cast<uint8_t>(len >> 24)};
    const size_t n = len < 0x100 ? 255 : 256;
    for (size_t i = 0; i < n; ++i)
        buf.push_back(static_cast<uint8_t>(rng.uniform(0, 255)));
    return buf;
}

bool is_boundary_write(const Bytes& buf) {
    if (buf.size() < 4)
        return true;
    const uint32_t len = static_cast<uint32_t>(buf[0]) | static_cast<uint32_t>(buf[1]) << 8 |
                         static_cast<uint32_t>(buf[2]) << 16 | static_cast<uint32_t>(buf[3]) << 24;
    return len == 255 || len == 256 || len >= 0xfffffffcu;
}

uint8_t pick(Rng& rng, std::initializer_list<uint8_t> common) {
    if (rng.uniform(0, 9) == 0)
        return static_cast<uint8_t>(rng.uniform(0, 255));
    return *(common.begin() + rng.uniform(0, common.size() - 1));
}

std::optional<BmcDivergence> replay(const std::vector<BmcOp>& sequence,
                                    const BmcFactory& model_factory,
                                    const BmcFactory& reference_factory, BmcConformance* stats) {
    const std::unique_ptr<BmcImpl> model = model_factory();
    const std::unique_ptr<BmcImpl> reference = reference_factory();
    if (stats)
        ++stats->sequences;
    std::optional<BmcDivergence> log_divergence; // the first, if nothing else diverges
    bool awaited = false; // the real code awaits a response: a write would reach memcpy
    for (size_t i = 0; i < sequence.size(); ++i) {
        const BmcOp& op = sequence[i];
        const BmcObservation m = model->apply(op);
        const BmcObservation r = reference->apply(op);
        if (stats) {
            ++stats->events;
            ++stats->calls_by_kind[call_index(op)];
            ++stats->calls_by_state[static_cast<size_t>(r.state) % ssif::kBmcStateCount];
            stats->requests_read += op.kind == Kind::Read && r.result > 0;
            stats->responses_written += op.kind == Kind::Write && r.result > 0;
            stats->busy_answers += op.kind == Kind::Event && r.result < 0;
            stats->sequences += op.kind == Kind::Remove;
            stats->boundary_writes +=
                op.kind == Kind::Write && is_boundary_write(op.data) && awaited;
            awaited = r.timer_pending && !r.response_in_progress;
            stats->removes_with_timer += op.kind == Kind::Remove && r.timer_after_remove;
            stats->faulted_copies +=
                op.kind == Kind::ReadFault &&
                (r.result == -14 /* -EFAULT */ ||
                 (r.result > 0 && op.copyable < static_cast<size_t>(r.result)));
            stats->log_lines += r.log.empty() ? 0 : 1 + std::count(r.log.begin(), r.log.end(), ',');
        }
        auto diverged = [&](const char* what, std::string mv, std::string rv) {
            BmcDivergence d;
            d.kind = std::string(kCallNames[call_index(op)]) + " " + what;
            d.sequence.assign(sequence.begin(), sequence.begin() + static_cast<long>(i) + 1);
            d.original_length = sequence.size();
            d.model = std::move(mv);
            d.reference = std::move(rv);
            return d;
        };
        const auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
        if (m.result != r.result)
            return diverged("result", std::to_string(m.result), std::to_string(r.result));
        if (m.val != r.val)
            return diverged("val", hex(m.val), hex(r.val));
        if (m.read != r.read)
            return diverged("bytes", std::to_string(m.read.size()) + " bytes",
                            std::to_string(r.read.size()) + " bytes");
        if (m.state != r.state)
            return diverged("state", ssif::bmc_state_name(static_cast<ssif::BmcState>(m.state)),
                            ssif::bmc_state_name(static_cast<ssif::BmcState>(r.state)));
        if (m.busy != r.busy)
            return diverged("busy", flag(m.busy), flag(r.busy));
        if (m.aborting != r.aborting)
            return diverged("aborting", flag(m.aborting), flag(r.aborting));
        if (m.request_available != r.request_available)
            return diverged("request_available", flag(m.request_available),
                            flag(r.request_available));
        if (m.response_in_progress != r.response_in_progress)
            return diverged("response_in_progress", flag(m.response_in_progress),
                            flag(r.response_in_progress));
        if (m.timer_pending != r.timer_pending)
            return diverged("timer", flag(m.timer_pending), flag(r.timer_pending));
        if (m.timer_after_remove != r.timer_after_remove)
            return diverged("timer_after_remove", flag(m.timer_after_remove),
                            flag(r.timer_after_remove));
        if (m.use_after_free != r.use_after_free)
            return diverged("use_after_free", std::to_string(m.use_after_free),
                            std::to_string(r.use_after_free));
        // A line's printk level changes nothing the driver does, so a sequence whose calls
        // also diverge in behaviour later reports that: the level (c9c99b7b7051) does not
        // hide a fix such as 1d38e849adb6 behind the dev_warn its path prints first.
        if (m.log != r.log && !log_divergence) {
            const auto lines = [](const std::string& l) { return l.empty() ? "no line" : l; };
            log_divergence = diverged("log", lines(m.log), lines(r.log));
        }
    }
    return log_divergence;
}

} // namespace

std::string to_string(const BmcOp& op) {
    switch (op.kind) {
    case Kind::Event: {
        const std::string name = kCallNames[static_cast<size_t>(op.event)];
        return op.event == SlaveEvent::WriteRequested || op.event == SlaveEvent::WriteReceived
                   ? name + "(" + hex(op.val) + ")"
                   : name;
    }
    case Kind::Read: return "read(" + std::to_string(op.count) + ")";
    case Kind::ReadFault:
        return "read_fault(" + std::to_string(op.count) + ", faults after " +
               std::to_string(op.copyable) + ")";
    case Kind::Write: {
        std::string s = "write(";
        for (size_t i = 0; i < op.data.size() && i < 8; ++i)
            s += (i ? " " : "") + hex(op.data[i]);
        return s + (op.data.size() > 8 ? " ..." : "") + "; " + std::to_string(op.data.size()) +
               " bytes)";
    }
    default: return kCallNames[call_index(op)];
    }
}

std::unique_ptr<BmcImpl> make_model_bmc(ssif::BmcVariant variant) {
    return std::make_unique<ModelBmc>(variant);
}

std::vector<BmcOp> random_bmc_sequence(Rng& rng, size_t max_calls) {
    std::vector<BmcOp> seq;
    while (seq.size() < max_calls) {
        const uint64_t r = rng.uniform(0, 108);   // 100..108: the targeted draws
        const bool stop = rng.uniform(0, 9) != 0; // one in ten STOPs lost
        if (r < 40) {
            const uint8_t cmd = pick(rng, {0x02, 0x06, 0x07, 0x08, 0x02, 0x06});
            const uint64_t c = rng.uniform(0, 19);
            // Mostly a count of 1..32; sometimes 0 or past a block (33..35, any byte).
            const uint8_t count = static_cast<uint8_t>(c == 0   ? 0
                                                       : c == 1 ? rng.uniform(33, 35)
                                                       : c == 2 ? rng.uniform(0, 255)
                                                                : rng.uniform(1, 32));
            // Mostly as many data bytes as the count says, up to the 35 that reach the part.
            size_t n = std::min<size_t>(count, 32);
            if (rng.uniform(0, 9) == 0)
                n = rng.uniform(0, 35);
            Bytes data(n);
            for (uint8_t& b : data)
                b = static_cast<uint8_t>(rng.uniform(0, 255));
            const uint64_t p = rng.uniform(0, 9);
            block_write(seq, cmd, count, data, p < 7 ? 1 : p < 8 ? 2 : 0, stop);
        } else if (r < 65) {
            block_read(seq, pick(rng, {0x03, 0x09, 0x0a, 0x03}), rng.uniform(0, 40), stop);
        } else if (r < 75) {
            const uint64_t c = rng.uniform(0, 3);
            seq.push_back({Kind::Read,
                           SlaveEvent::Stop,
                           0,
                           c == 0 ? static_cast<size_t>(rng.uniform(0, 300)) : 260,
                           {}});
        } else if (r < 87) {
            // A response: u32 len (little endian) and the payload; len and count mostly agree.
            const uint64_t l = rng.uniform(0, 19);
            const uint32_t len =
                static_cast<uint32_t>(l == 0 ? rng.uniform(0, 300) : rng.uniform(1, 254));
            Bytes buf{static_cast<uint8_t>(len), static_cast<uint8_t>(len >> 8), 0, 0};
            for (uint32_t i = 0; i < std::min<uint32_t>(len, 256); ++i)
                buf.push_back(static_cast<uint8_t>(rng.uniform(0, 255)));
            if (rng.uniform(0, 9) == 0)
                buf.resize(rng.uniform(0, 270));
            seq.push_back({Kind::Write, SlaveEvent::Stop, 0, 0, buf});
        } else if (r < 93) {
            seq.push_back({Kind::TimerFire, SlaveEvent::Stop, 0, 0, {}});
        } else if (r < 95) {
            seq.push_back({Kind::Poll, SlaveEvent::Stop, 0, 0, {}});
        } else if (r < 97) {
            seq.push_back(
                {rng.uniform(0, 1) ? Kind::Open : Kind::Release, SlaveEvent::Stop, 0, 0, {}});
        } else if (r < 100) {
            const auto ev = static_cast<SlaveEvent>(rng.uniform(0, 4));
            seq.push_back({Kind::Event, ev, static_cast<uint8_t>(rng.uniform(0, 255)), 0, {}});
        } else if (r < 103) {
            // The write-length boundaries, mostly right after a request (the timer armed).
            if (rng.uniform(0, 3) != 0)
                request(seq, rng);
            seq.push_back({Kind::Write, SlaveEvent::Stop, 0, 0, boundary_write(rng)});
        } else if (r < 106) {
            // A read whose copy_to_user() faults part way (or, one in five, never), mostly
            // when a request is there.
            if (rng.uniform(0, 3) != 0)
                request(seq, rng);
            BmcOp op{Kind::ReadFault, SlaveEvent::Stop, 0, 260, {}};
            op.copyable = rng.uniform(0, 4) == 0 ? 260 : rng.uniform(0, 11);
            seq.push_back(op);
        } else {
            // remove (then a new device): mostly with a request's response timer pending,
            // often followed by the timer's expiry.
            if (rng.uniform(0, 3) != 0)
                request(seq, rng);
            seq.push_back({Kind::Remove, SlaveEvent::Stop, 0, 0, {}});
            if (rng.uniform(0, 1) == 0)
                seq.push_back({Kind::TimerFire, SlaveEvent::Stop, 0, 0, {}});
        }
    }
    seq.resize(max_calls);
    return seq;
}

std::optional<BmcDivergence> first_bmc_divergence(const std::vector<BmcOp>& sequence,
                                                  const BmcFactory& model,
                                                  const BmcFactory& reference) {
    return replay(sequence, model, reference, nullptr);
}

BmcConformance run_bmc_conformance(uint64_t events, uint64_t seed, const BmcFactory& model,
                                   const BmcFactory& reference) {
    BmcConformance out;
    out.calls_by_kind.assign(std::size(kCallNames), 0);
    out.calls_by_state.assign(ssif::kBmcStateCount, 0);
    Rng rng(seed);
    while (out.events < events) {
        const std::vector<BmcOp> seq = random_bmc_sequence(rng, rng.uniform(1, 200));
        const std::optional<BmcDivergence> d = replay(seq, model, reference, &out);
        if (!d)
            continue;
        note_divergence(
            out.divergences, *d,
            [&](const std::vector<BmcOp>& s) { return replay(s, model, reference, nullptr); }, 0);
    }
    return out;
}

void print_bmc_conformance(std::ostream& out, const BmcConformance& c, ssif::BmcVariant variant) {
    out << "ssif_bmc: " << c.events << " calls on " << c.sequences
        << " devices, the model (SsifBmc, variant " << ssif::bmc_variant_name(variant)
        << ") against drivers/char/ipmi/ssif_bmc.c\n  calls:";
    for (size_t k = 0; k < c.calls_by_kind.size(); ++k)
        out << " " << kCallNames[k] << " " << c.calls_by_kind[k];
    out << "\n  states left:";
    for (size_t st = 0; st < c.calls_by_state.size(); ++st)
        out << " " << ssif::bmc_state_name(static_cast<ssif::BmcState>(st)) << " "
            << c.calls_by_state[st];
    out << "\n  requests read " << c.requests_read << ", responses written " << c.responses_written
        << ", -EBUSY answers " << c.busy_answers << "\n  boundary writes " << c.boundary_writes
        << ", removes with the timer pending " << c.removes_with_timer << ", faulted copies "
        << c.faulted_copies << ", log lines " << c.log_lines;
    out << "\n  divergences: " << c.divergences.size() << "\n";
    for (const BmcDivergence& d : c.divergences) {
        out << "\n  divergence \"" << d.kind << "\", shrunk from " << d.original_length
            << " calls to " << d.sequence.size() << ":\n";
        for (const BmcOp& op : d.sequence)
            out << "    " << to_string(op) << "\n";
        out << "  there the model gives " << d.model << "\n        ssif_bmc.c gives " << d.reference
            << "\n";
    }
}

} // namespace ssifsim::kernel
