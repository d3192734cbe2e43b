// The scenario's workload: the listed requests and the generators' (at a fixed rate or with
// random, Poisson, inter-arrival times; request and response sizes drawn uniformly), handed
// to the host lazily in time order, so that memory does not grow with the number of
// requests. Generator k draws from its own Rng seeded with the scenario's seed mixed with k
// (generator 0 uses the seed itself).
#pragma once

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "models/common/rng.h"
#include "models/ssif/host/ssif_host.h"
#include "models/ssif/ipmi_commands.h"

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
    uint8_t netfn = ssif::ipmi::kOemTest.netfn; // the responder's test command by default
    uint8_t cmd = ssif::ipmi::kOemTest.cmd;
    SizeRange request_size{3, 3};   // whole request payload: netfn, cmd, data
    SizeRange response_size{3, 32}; // whole response payload: netfn, cmd, cc, data
};

// The requests in time order; ties go to the listed ones, then by generator, then in order.
// Listed requests keep their ids; generator k's ids follow the list and the generators
// before it. Each generated request asks the test command for a response of the drawn size:
// data[0] is that size, the rest counts up.
// `generators` must outlive it and its replays.
class WorkloadRequests : public ssif::RequestSource {
  public:
    WorkloadRequests(const std::vector<ssif::HostRequest>& listed,
                     const std::vector<Generator>& generators, uint64_t seed);
    bool next(ssif::HostRequest* out) override;
    size_t total() const override { return total_; }
    // The same inputs from the start: the generators draw the same values from the same seed.
    std::unique_ptr<ssif::RequestSource> replay() const override;

  private:
    using Listed = std::shared_ptr<const std::vector<ssif::HostRequest>>;
    WorkloadRequests(Listed listed, const std::vector<Generator>& generators, uint64_t seed);

    struct Stream {
        const Generator* generator = nullptr;
        Rng rng{0};
        int made = 0;
        int first_id = 0;
        uint64_t at_ns = 0;
    };
    struct Due {
        uint64_t at_ns;
        size_t source; // 0: the list; k + 1: generator k
        uint64_t seq;
        bool operator>(const Due& o) const {
            return at_ns != o.at_ns     ? at_ns > o.at_ns
                   : source != o.source ? source > o.source
                                        : seq > o.seq;
        }
    };
    // Draws the stream's next request into its slot and queues it; false when done.
    void draw(size_t k);

    Listed listed_; // sorted by time, stable; shared with the replays
    const std::vector<Generator>& generators_;
    uint64_t seed_;
    std::vector<Stream> streams_;
    std::vector<ssif::HostRequest> drawn_; // one pending request per stream
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due_;
    size_t total_ = 0;
};

} // namespace ssifsim::tools
