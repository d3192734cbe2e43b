// What the conformance harnesses (airq, ssif_bmc) share: a divergence between a model and
// the real kernel code, and its shrinking by delta debugging.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ssifsim::kernel {

template <typename Op> struct Divergence {
    std::string kind;             // "<call> <what>": "alloc end", "stop state", ...
    std::vector<Op> sequence;     // the last call is where the two differ
    size_t original_length = 0;   // the calls before shrinking
    std::string model, reference; // what each gave there
};

// ddmin (Zeller and Hildebrandt, "Simplifying and isolating failure-inducing input", 2002)
// over the calls after the first `keep` (which set the device up): removes ever smaller
// chunks while `replay(candidate)` still diverges with the same kind, down to a 1-minimal
// sequence (no single call can go). `replay` returns the first divergence of a sequence,
// cut at the call where it shows.
template <typename Op, typename Replay>
Divergence<Op> shrink_divergence(Divergence<Op> found, const Replay& replay, size_t keep) {
    const size_t original = found.original_length;
    size_t parts = 2;
    while (found.sequence.size() > keep) {
        const std::vector<Op>& seq = found.sequence;
        const size_t body = seq.size() - keep;
        parts = std::min(parts, body);
        const size_t chunk = (body + parts - 1) / parts;
        bool reduced = false;
        for (size_t from = keep; from < seq.size() && !reduced; from += chunk) {
            std::vector<Op> candidate(seq.begin(), seq.begin() + static_cast<long>(from));
            candidate.insert(candidate.end(),
                             seq.begin() + static_cast<long>(std::min(from + chunk, seq.size())),
                             seq.end());
            const std::optional<Divergence<Op>> d = replay(candidate);
            if (d && d->kind == found.kind) {
                found = *d;
                parts = std::max<size_t>(parts - 1, 2);
                reduced = true;
            }
        }
        if (!reduced) {
            if (parts >= body)
                break;
            parts = std::min(body, parts * 2);
        }
    }
    found.original_length = original;
    return found;
}

} // namespace ssifsim::kernel
