#include "tools/ddmin.h"

#include <algorithm>
#include <iterator>
#include <set>

namespace ssifsim::tools {

std::vector<size_t> ddmin(size_t n, const std::function<bool(const std::vector<size_t>&)>& fails) {
    std::set<std::vector<size_t>> asked; // every subset asked about and found not failing
    const auto ask = [&](const std::vector<size_t>& subset) {
        return asked.insert(subset).second && fails(subset);
    };
    if (n > 0 && ask({}))
        return {};
    std::vector<size_t> items(n);
    for (size_t i = 0; i < n; ++i)
        items[i] = i;
    size_t granularity = 2;
    while (items.size() >= 2) {
        // Split into `granularity` chunks as even as possible.
        std::vector<std::vector<size_t>> chunks;
        for (size_t k = 0, start = 0; k < granularity; ++k) {
            const size_t end = start + (items.size() - start) / (granularity - k);
            chunks.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                                items.begin() + static_cast<std::ptrdiff_t>(end));
            start = end;
        }
        bool reduced = false;
        for (const auto& chunk : chunks) { // reduce to a subset
            if (ask(chunk)) {
                items = chunk;
                granularity = 2;
                reduced = true;
                break;
            }
        }
        if (!reduced && granularity > 2) { // reduce to a complement (for 2, the chunks)
            for (const auto& chunk : chunks) {
                std::vector<size_t> rest;
                std::set_difference(items.begin(), items.end(), chunk.begin(), chunk.end(),
                                    std::back_inserter(rest));
                if (ask(rest)) {
                    items = rest;
                    granularity = std::max<size_t>(granularity - 1, 2);
                    reduced = true;
                    break;
                }
            }
        }
        if (!reduced) {
            if (granularity >= items.size())
                break;
            granularity = std::min(granularity * 2, items.size());
        }
    }
    return items;
}

} // namespace ssifsim::tools
