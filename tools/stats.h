// Summary figures of a set of durations: count, min, median, 99th percentile, max. The
// percentiles are nearest-rank (the smallest value with at least p% of the values at or
// below it), so each is one of the measured values.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ssifsim::tools {

struct Distribution {
    size_t count = 0;
    uint64_t min = 0, median = 0, p99 = 0, max = 0;
};

inline Distribution distribution(std::vector<uint64_t> values) {
    Distribution d;
    d.count = values.size();
    if (values.empty())
        return d;
    std::sort(values.begin(), values.end());
    const auto rank = [&](unsigned percent) {
        const size_t r = (values.size() * percent + 99) / 100; // ceil(n * p / 100)
        return values[r == 0 ? 0 : r - 1];
    };
    d.min = values.front();
    d.median = rank(50);
    d.p99 = rank(99);
    d.max = values.back();
    return d;
}

} // namespace ssifsim::tools
