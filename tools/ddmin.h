// Delta debugging's ddmin (Zeller and Hildebrandt, "Simplifying and Isolating
// Failure-Inducing Input", IEEE TSE 28(2), 2002), over item indices: the one implementation
// that the scenario shrinker (shrink.h) and the kernel conformance harnesses (kernel/) share.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace ssifsim::tools {

// Classic ddmin over `n` items (indices 0..n-1): returns a subset, in index order, for which
// `fails` holds and from which no single chunk of the final granularity can be removed (for
// one item, it is 1-minimal). `fails` is first asked about the empty set. `fails` must hold
// for all n items; it is never asked about the same subset twice.
std::vector<size_t> ddmin(size_t n, const std::function<bool(const std::vector<size_t>&)>& fails);

} // namespace ssifsim::tools
