#include "models/common/duration_stats.h"

#include <algorithm>

namespace ssifsim {

namespace {
constexpr unsigned kMantissaBits = 8; // 256 buckets per power of two
constexpr uint64_t kLinear = uint64_t{1} << kMantissaBits;

unsigned top_bit(uint64_t v) {
    return 63u - static_cast<unsigned>(__builtin_clzll(v));
}

// Values below 256 have a bucket each; above, the top 8 bits after the leading one pick it.
size_t bucket_of(uint64_t v) {
    if (v < kLinear)
        return static_cast<size_t>(v);
    const unsigned shift = top_bit(v) - kMantissaBits;
    return static_cast<size_t>(kLinear + shift * kLinear + ((v >> shift) & (kLinear - 1)));
}

uint64_t lower_edge(size_t bucket) {
    if (bucket < kLinear)
        return bucket;
    const uint64_t shift = (bucket - kLinear) / kLinear;
    const uint64_t mantissa = (bucket - kLinear) % kLinear;
    return (kLinear + mantissa) << shift;
}

constexpr size_t kBuckets = kLinear + (64 - kMantissaBits) * kLinear;

// ceil(n * p / 100), at least 1: the nearest rank.
uint64_t rank_of(uint64_t n, unsigned percent) {
    const uint64_t r = (n * percent + 99) / 100;
    return r == 0 ? 1 : r;
}
} // namespace

void DurationStats::add(uint64_t value) {
    ++count_;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    if (buckets_.empty()) {
        values_.push_back(value);
        if (values_.size() > kExactValues)
            move_to_histogram();
        return;
    }
    ++buckets_[bucket_of(value)];
}

void DurationStats::move_to_histogram() {
    buckets_.assign(kBuckets, 0);
    for (uint64_t v : values_)
        ++buckets_[bucket_of(v)];
    std::vector<uint64_t>().swap(values_);
}

uint64_t DurationStats::percentile(unsigned percent) const {
    const uint64_t rank = rank_of(count_, percent);
    uint64_t seen = 0;
    for (size_t b = 0; b < buckets_.size(); ++b) {
        seen += buckets_[b];
        if (seen >= rank)
            return std::clamp(lower_edge(b), min_, max_);
    }
    return max_;
}

Distribution DurationStats::summary() const {
    if (exact())
        return distribution(values_);
    return {count_, min_, percentile(50), percentile(99), max_};
}

Distribution distribution(const std::vector<uint64_t>& values) {
    Distribution d;
    d.count = values.size();
    if (values.empty())
        return d;
    std::vector<uint64_t> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const auto at_rank = [&](unsigned percent) {
        return sorted[rank_of(sorted.size(), percent) - 1];
    };
    d.min = sorted.front();
    d.median = at_rank(50);
    d.p99 = at_rank(99);
    d.max = sorted.back();
    return d;
}

} // namespace ssifsim
