// The one random-number source of the simulator. std::mt19937_64's output is fixed by the
// C++ standard; the distributions are written out here (the standard library's are not
// fixed) so that every platform draws the same values from the same seed.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace ssifsim {

class Rng {
  public:
    explicit Rng(uint64_t seed) : engine_(seed) {}
    // Uniform in [lo, hi].
    uint64_t uniform(uint64_t lo, uint64_t hi) {
        return lo + (hi > lo ? engine_() % (hi - lo + 1) : 0);
    }
    // Exponential with the given mean, rounded down to whole ns.
    uint64_t exponential(uint64_t mean) {
        const double u = static_cast<double>(engine_() >> 11) * 0x1.0p-53; // [0, 1)
        return static_cast<uint64_t>(-static_cast<double>(mean) * std::log1p(-u));
    }

  private:
    std::mt19937_64 engine_;
};

} // namespace ssifsim
