// Interrupt accounting: every MSI a function raises must reach the handler of its own
// (function, index), or merge with its own pending bit as the hardware merges it, or be
// dropped for a reason the model names. Anything else is a violation, with its time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/common/duration_stats.h"
#include "models/common/name_table.h"

namespace ssifsim::zpci {

class AirqVector;

// The device driver's handler a hwirq maps to.
struct Handler {
    uint32_t fid = 0;
    unsigned index = 0;
    bool operator==(const Handler& o) const { return fid == o.fid && index == o.index; }
};

struct MsiSource {
    uint32_t fid = 0;
    unsigned index = 0;
    uint64_t t_ns = 0;
    uint64_t merged = 0; // later MSIs of the same source that found the bit still set
};

enum class ViolationKind {
    Misrouted,        // dispatched to another (function, index)'s handler
    NoHandler,        // dispatched to a hwirq nobody has (a reset or never-set value)
    DoubleAllocation, // a vector bit handed to a second live function
    LostPending,      // a live function's pending bit cleared by another function's free
    WrongBitCleared,  // free reset the per-bit values of a bit that is not the freed one's
    BeyondVector,     // an access past the end of a vector
    Undelivered,      // still pending at the end of the run
    NoCpu,            // a directed MSI names a CPU address no CPU has
    UseAfterFree,     // a handler reached a released vector
    DoubleDispatch,   // two handlers found the same bit before either cleared it
    KernelOops,       // the real kernel dereferences a NULL pointer here
};
inline constexpr Named<ViolationKind> kViolationNames[] = {
    {"misrouted", ViolationKind::Misrouted},
    {"no_handler", ViolationKind::NoHandler},
    {"double_allocation", ViolationKind::DoubleAllocation},
    {"lost_pending", ViolationKind::LostPending},
    {"wrong_bit_cleared", ViolationKind::WrongBitCleared},
    {"beyond_vector", ViolationKind::BeyondVector},
    {"undelivered", ViolationKind::Undelivered},
    {"no_cpu", ViolationKind::NoCpu},
    {"use_after_free", ViolationKind::UseAfterFree},
    {"double_dispatch", ViolationKind::DoubleDispatch},
    {"kernel_oops", ViolationKind::KernelOops}};

struct Violation {
    ViolationKind kind;
    uint64_t t_ns = 0;
    std::string detail;
};

// Where the MSIs went. raised == delivered + merged + the rest, when all is accounted for.
struct MsiCounts {
    uint64_t raised = 0;         // MSI writes that reached the facility
    uint64_t delivered = 0;      // dispatched to their own handler
    uint64_t merged = 0;         // found their own bit pending (delivered with it)
    uint64_t discarded = 0;      // their function was unplugged before the dispatch
    uint64_t not_registered = 0; // the function had no interrupts registered: dropped
    uint64_t lost_in_fabric = 0; // the msi_lost fault: never reached the facility
    uint64_t misdirected = 0;    // went to a wrong handler, to none, or were cleared
    uint64_t undelivered = 0;    // pending at the end, no interrupt on its way to them
    // Pending at the end with an interrupt pending or in progress that would reach them:
    // the run ended first (an --until cut or a signal), not judged. Not among named_counts:
    // logged and reported only when there are some, so a run that went to its end reads as
    // before.
    uint64_t in_flight = 0;
};

// The counts by the names scenarios, logs and reports use, in this order.
inline std::array<std::pair<const char*, uint64_t>, 8> named_counts(const MsiCounts& c) {
    return {{{"raised", c.raised},
             {"delivered", c.delivered},
             {"merged", c.merged},
             {"discarded", c.discarded},
             {"not_registered", c.not_registered},
             {"lost_in_fabric", c.lost_in_fabric},
             {"misdirected", c.misdirected},
             {"undelivered", c.undelivered}}};
}

inline constexpr size_t kViolationKinds = std::size(kViolationNames);

// Where each MSI went, and every violation of the interrupt path's invariants. A storm can
// raise millions of violations: each is counted by kind, the first kKeptPerKind of each kind
// are kept with their detail, and the listener (the log) sees every one as it happens.
class IrqAccounting {
  public:
    static constexpr size_t kKeptPerKind = 100;
    using ViolationListener = std::function<void(const Violation&)>;
    void on_violation(ViolationListener listener) { listener_ = std::move(listener); }
    void violation(ViolationKind kind, uint64_t t_ns, std::string detail);
    // The hardware set (or found set) a bit for this MSI.
    void pending(const AirqVector* v, unsigned long bit, const MsiSource& source);
    void raised() { ++counts_.raised; }
    void not_registered() { ++counts_.not_registered; }
    void lost_in_fabric() { ++counts_.lost_in_fabric; }
    // The machine's bit for an MSI lies past its vector: no bit set, the MSI misdirected.
    void dropped_beyond(uint64_t t_ns, std::string detail) {
        dropped(ViolationKind::BeyondVector, t_ns, std::move(detail));
    }
    // The machine could not place the MSI: misdirected, with the violation's kind.
    void dropped(ViolationKind kind, uint64_t t_ns, std::string detail) {
        ++counts_.misdirected;
        violation(kind, t_ns, std::move(detail));
    }
    // A scan cleared the bit: what was pending on it, valid until the next take. The bit's
    // entry keeps its storage for the next MSI on it: a storm allocates nothing per MSI.
    const std::vector<MsiSource>& take(const AirqVector* v, unsigned long bit);
    // The handler ran for the sources taken from one bit. `live(fid)`: is it set up.
    template <typename Live>
    void dispatched(uint64_t t_ns, int cpu, const std::vector<MsiSource>& sources,
                    const std::optional<Handler>& handler, Live live);
    // A free cleared pending bits: `own` when they belong to the function being freed.
    template <typename Live>
    void cleared(uint64_t t_ns, const AirqVector* v, unsigned long bit, Live live);
    // End of run: whatever is still pending for a live function is in flight (not judged)
    // where `reached(vector)` says an interrupt pending or in progress would scan its vector,
    // else undelivered, a violation.
    template <typename Live, typename Reached>
    void finish(uint64_t t_ns, Live live, Reached reached);

    const MsiCounts& counts() const { return counts_; }
    // The first kKeptPerKind violations of each kind, in the order they happened.
    const std::vector<Violation>& kept_violations() const { return kept_; }
    // Every violation, by kind (indexed by ViolationKind), and in all.
    const std::array<uint64_t, kViolationKinds>& violation_counts() const {
        return violation_counts_;
    }
    uint64_t violation_total() const { return violation_total_; }
    const DurationStats& latency() const { return latency_; } // MSI to its handler
    bool accounted() const;                                   // no violation and the counts add up

  private:
    // What is pending, by vector, then by bit (an empty list: none). Looked up for every MSI
    // and every dispatch: one small map of vectors (a storm's few hundred stay in cache) and
    // a table indexed by bit, rather than a node per (vector, bit) spread over the heap.
    using BitTable = std::vector<std::vector<MsiSource>>;
    std::unordered_map<const AirqVector*, BitTable> pending_;
    std::vector<MsiSource> taken_; // take's result
    MsiCounts counts_;
    std::vector<Violation> kept_;
    std::array<uint64_t, kViolationKinds> violation_counts_{};
    uint64_t violation_total_ = 0;
    ViolationListener listener_;
    DurationStats latency_;
};

std::string describe(const MsiSource& s);

template <typename Live>
void IrqAccounting::dispatched(uint64_t t_ns, int cpu, const std::vector<MsiSource>& sources,
                               const std::optional<Handler>& handler, Live live) {
    for (const MsiSource& s : sources) {
        const uint64_t n = 1 + s.merged;
        if (handler && handler->fid == s.fid && handler->index == s.index) {
            ++counts_.delivered;
            counts_.merged += s.merged;
            latency_.add(t_ns - s.t_ns);
        } else if (!live(s.fid)) {
            counts_.discarded += n;
        } else {
            counts_.misdirected += n;
            if (handler)
                violation(ViolationKind::Misrouted, t_ns,
                          describe(s) + " dispatched on cpu" + std::to_string(cpu) +
                              " to the handler of fid " + std::to_string(handler->fid) + " index " +
                              std::to_string(handler->index));
            else
                violation(ViolationKind::NoHandler, t_ns,
                          describe(s) + " dispatched on cpu" + std::to_string(cpu) +
                              " to a hwirq with no handler");
        }
    }
}

template <typename Live>
void IrqAccounting::cleared(uint64_t t_ns, const AirqVector* v, unsigned long bit, Live live) {
    for (const MsiSource& s : take(v, bit)) {
        const uint64_t n = 1 + s.merged;
        if (!live(s.fid)) {
            counts_.discarded += n;
            continue;
        }
        counts_.misdirected += n;
        violation(ViolationKind::LostPending, t_ns,
                  describe(s) + ": its pending bit " + std::to_string(bit) +
                      " was cleared by another function's free");
    }
}

template <typename Live, typename Reached>
void IrqAccounting::finish(uint64_t t_ns, Live live, Reached reached) {
    std::map<std::pair<uint32_t, unsigned>, uint64_t> left; // ordered: a stable report
    for (const auto& [vector, bits] : pending_)
        for (const std::vector<MsiSource>& sources : bits)
            for (const MsiSource& s : sources) {
                const uint64_t n = 1 + s.merged;
                if (!live(s.fid)) {
                    counts_.discarded += n;
                    continue;
                }
                if (reached(vector)) {
                    counts_.in_flight += n;
                    continue;
                }
                counts_.undelivered += n;
                left[{s.fid, s.index}] += n;
            }
    pending_.clear();
    for (const auto& [who, n] : left)
        violation(ViolationKind::Undelivered, t_ns,
                  std::to_string(n) + " MSI(s) of fid " + std::to_string(who.first) + " index " +
                      std::to_string(who.second) + " still pending at the end of the run");
}

} // namespace ssifsim::zpci
