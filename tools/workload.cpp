#include "tools/workload.h"

#include <cmath>

namespace ssifsim::tools {

uint64_t Rng::exponential(uint64_t mean) {
    const double u = static_cast<double>(engine_() >> 11) * 0x1.0p-53; // [0, 1)
    return static_cast<uint64_t>(-static_cast<double>(mean) * std::log1p(-u));
}

std::vector<ssif::HostRequest> generate_requests(const std::vector<Generator>& generators,
                                                 uint64_t seed, int first_id) {
    Rng rng(seed);
    std::vector<ssif::HostRequest> out;
    int id = first_id;
    for (const Generator& g : generators) {
        uint64_t at = g.start_ns;
        for (int i = 0; i < g.count; ++i) {
            if (i > 0)
                at += g.poisson ? rng.exponential(g.interval_ns) : g.interval_ns;
            const unsigned req_len =
                static_cast<unsigned>(rng.uniform(g.request_size.min, g.request_size.max));
            const unsigned rsp_len =
                static_cast<unsigned>(rng.uniform(g.response_size.min, g.response_size.max));
            ssif::HostRequest r;
            r.id = id++;
            r.at_ns = at;
            r.payload = {static_cast<uint8_t>(g.netfn << 2), g.cmd, static_cast<uint8_t>(rsp_len)};
            for (unsigned k = 3; k < req_len; ++k)
                r.payload.push_back(static_cast<uint8_t>(k));
            out.push_back(r);
        }
    }
    return out;
}

} // namespace ssifsim::tools
