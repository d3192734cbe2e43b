// The scenario's workload generators: requests at a fixed rate or with random (Poisson)
// inter-arrival times, with request and response sizes drawn uniformly from a range. All
// randomness comes from the scenario's seed through std::mt19937_64, whose output the C++
// standard fixes; the distributions are written out here so every platform draws the same.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "models/ssif/host/ssif_host.h"

namespace ssifsim::tools {

struct SizeRange {
    unsigned min = 0;
    unsigned max = 0;
};

struct Generator {
    std::string path; // JSON path, for messages
    int count = 0;
    uint64_t start_ns = 0;
    bool poisson = false;     // exponential inter-arrival times with mean interval_ns
    uint64_t interval_ns = 0; // fixed gap, or the mean gap
    uint8_t netfn = 0x30;     // the responder's test command by default
    uint8_t cmd = 0x01;
    SizeRange request_size{3, 3};   // whole request payload: netfn, cmd, data
    SizeRange response_size{3, 32}; // whole response payload: netfn, cmd, cc, data
};

class Rng {
  public:
    explicit Rng(uint64_t seed) : engine_(seed) {}
    // Uniform in [lo, hi].
    uint64_t uniform(uint64_t lo, uint64_t hi) {
        return lo + (hi > lo ? engine_() % (hi - lo + 1) : 0);
    }
    // Exponential with the given mean, rounded down to whole ns.
    uint64_t exponential(uint64_t mean);

  private:
    std::mt19937_64 engine_;
};

// The requests the generators make, ids from first_id on, in generator order. Each asks the
// test command for a response of the drawn size: data[0] is that size, the rest counts up.
std::vector<ssif::HostRequest> generate_requests(const std::vector<Generator>& generators,
                                                 uint64_t seed, int first_id);

} // namespace ssifsim::tools
