#include "models/zpci/accounting.h"

namespace ssifsim::zpci {

std::string describe(const MsiSource& s) {
    return "the MSI of fid " + std::to_string(s.fid) + " index " + std::to_string(s.index) +
           " raised at " + std::to_string(s.t_ns) + " ns";
}

void IrqAccounting::violation(ViolationKind kind, uint64_t t_ns, std::string detail) {
    const Violation v{kind, t_ns, std::move(detail)};
    if (listener_)
        listener_(v);
    ++violation_total_;
    if (++violation_counts_[static_cast<size_t>(kind)] <= kKeptPerKind)
        kept_.push_back(v);
}

void IrqAccounting::pending(const AirqVector* v, unsigned long bit, const MsiSource& source) {
    BitTable& bits = pending_[v];
    if (bit >= bits.size())
        bits.resize(bit + 1);
    std::vector<MsiSource>& on_bit = bits[bit];
    for (MsiSource& s : on_bit)
        if (s.fid == source.fid && s.index == source.index) {
            ++s.merged; // the hardware merges it with the pending one
            return;
        }
    on_bit.push_back(source); // a second source on one bit: two functions share it
}

const std::vector<MsiSource>& IrqAccounting::take(const AirqVector* v, unsigned long bit) {
    taken_.clear();
    auto it = pending_.find(v);
    if (it != pending_.end() && bit < it->second.size())
        taken_.swap(it->second[bit]); // the entry stays, empty, with taken_'s old storage
    return taken_;
}

bool IrqAccounting::accounted() const {
    const MsiCounts& c = counts_;
    return violation_total_ == 0 && c.raised == c.delivered + c.merged + c.discarded +
                                                    c.not_registered + c.misdirected +
                                                    c.undelivered + c.in_flight;
}

} // namespace ssifsim::zpci
