// What the conformance harnesses (airq, ssif_bmc) share: a divergence between a model and
// the real kernel code, and its shrinking by delta debugging.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tools/ddmin.h"

namespace ssifsim::kernel {

template <typename Op> struct Divergence {
    std::string kind;             // "<call> <what>": "alloc end", "stop state", ...
    std::vector<Op> sequence;     // the last call is where the two differ
    size_t original_length = 0;   // the calls before shrinking
    std::string model, reference; // what each gave there
};

// Shrinks `found` by ddmin (tools/ddmin.h) over the calls after the first `keep` (which set
// the device up), while `replay(candidate)` still diverges with the same kind, then cuts the
// sequence where the divergence shows, until nothing shrinks: a 1-minimal sequence (no single
// call can go). `replay` returns the first divergence of a sequence, cut at its call.
template <typename Op, typename Replay>
Divergence<Op> shrink_divergence(Divergence<Op> found, const Replay& replay, size_t keep) {
    const size_t original = found.original_length;
    for (;;) {
        const std::vector<Op> seq = found.sequence;
        const auto candidate = [&](const std::vector<size_t>& subset) {
            std::vector<Op> c(seq.begin(), seq.begin() + static_cast<long>(keep));
            for (size_t i : subset)
                c.push_back(seq[keep + i]);
            return c;
        };
        const std::vector<size_t> kept =
            tools::ddmin(seq.size() - keep, [&](const std::vector<size_t>& subset) {
                const std::optional<Divergence<Op>> d = replay(candidate(subset));
                return d && d->kind == found.kind;
            });
        const std::optional<Divergence<Op>> smaller = replay(candidate(kept));
        if (!smaller || smaller->sequence.size() >= found.sequence.size())
            break;
        found = *smaller;
    }
    found.original_length = original;
    return found;
}

// Lists `found` in `seen`, shrunk, unless a divergence of its kind is listed already: each
// kind is reported once, as the first sequence that showed it.
template <typename Op, typename Replay>
void note_divergence(std::vector<Divergence<Op>>& seen, const Divergence<Op>& found,
                     const Replay& replay, size_t keep) {
    for (const Divergence<Op>& d : seen)
        if (d.kind == found.kind)
            return;
    seen.push_back(shrink_divergence(found, replay, keep));
}

} // namespace ssifsim::kernel
