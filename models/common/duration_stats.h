// Summary figures of a stream of durations: count, min, median, 99th percentile, max, in
// memory that does not grow with the stream. The first kExactValues values are kept and the
// percentiles are exact nearest-rank (the smallest value with at least p% of the values at
// or below it). Beyond that the values move into a log-linear histogram: 256 buckets per
// power of two, so a percentile is the lower edge of its bucket, at most 1/256 (0.4%) below
// the exact value. min and max stay exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssifsim {

struct Distribution {
    uint64_t count = 0;
    uint64_t min = 0, median = 0, p99 = 0, max = 0;
};

class DurationStats {
  public:
    static constexpr size_t kExactValues = 100'000;

    void add(uint64_t value);
    Distribution summary() const;
    bool exact() const { return buckets_.empty(); }

  private:
    void move_to_histogram();
    uint64_t percentile(unsigned percent) const;

    uint64_t count_ = 0, min_ = UINT64_MAX, max_ = 0;
    std::vector<uint64_t> values_;  // while exact
    std::vector<uint64_t> buckets_; // counts, once past kExactValues
};

// The exact figures of a set of values (tests and small sets).
Distribution distribution(const std::vector<uint64_t>& values);

} // namespace ssifsim
