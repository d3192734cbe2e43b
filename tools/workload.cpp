#include "tools/workload.h"

#include <algorithm>

namespace ssifsim::tools {

namespace {
std::vector<ssif::HostRequest> by_time(std::vector<ssif::HostRequest> listed) {
    std::stable_sort(
        listed.begin(), listed.end(),
        [](const ssif::HostRequest& a, const ssif::HostRequest& b) { return a.at_ns < b.at_ns; });
    return listed;
}
} // namespace

WorkloadRequests::WorkloadRequests(const std::vector<ssif::HostRequest>& listed,
                                   const std::vector<Generator>& generators, uint64_t seed)
    : WorkloadRequests(std::make_shared<const std::vector<ssif::HostRequest>>(by_time(listed)),
                       generators, seed) {}

std::unique_ptr<ssif::RequestSource> WorkloadRequests::replay() const {
    return std::unique_ptr<ssif::RequestSource>(new WorkloadRequests(listed_, generators_, seed_));
}

WorkloadRequests::WorkloadRequests(Listed listed, const std::vector<Generator>& generators,
                                   uint64_t seed)
    : listed_(std::move(listed)), generators_(generators), seed_(seed), total_(listed_->size()) {
    for (size_t i = 0; i < listed_->size(); ++i)
        due_.push({(*listed_)[i].at_ns, 0, i});
    int next_id = static_cast<int>(listed_->size()) + 1;
    streams_.resize(generators.size());
    drawn_.resize(generators.size());
    for (size_t k = 0; k < generators.size(); ++k) {
        Stream& s = streams_[k];
        s.generator = &generators[k];
        s.rng = Rng(seed ^ (k * 0x9e3779b97f4a7c15ULL));
        s.first_id = next_id;
        s.at_ns = generators[k].start_ns;
        next_id += generators[k].count;
        total_ += static_cast<size_t>(generators[k].count);
        draw(k);
    }
}

void WorkloadRequests::draw(size_t k) {
    Stream& s = streams_[k];
    const Generator& g = *s.generator;
    if (s.made == g.count)
        return;
    if (s.made > 0)
        s.at_ns += g.poisson ? s.rng.exponential(g.interval_ns) : g.interval_ns;
    const auto req_len =
        static_cast<unsigned>(s.rng.uniform(g.request_size.min, g.request_size.max));
    const auto rsp_len =
        static_cast<unsigned>(s.rng.uniform(g.response_size.min, g.response_size.max));
    ssif::HostRequest& r = drawn_[k];
    r.id = s.first_id + s.made;
    r.at_ns = s.at_ns;
    r.payload = {ssif::ipmi::netfn_lun(g.netfn), g.cmd, static_cast<uint8_t>(rsp_len)};
    for (unsigned i = 3; i < req_len; ++i)
        r.payload.push_back(static_cast<uint8_t>(i));
    due_.push({r.at_ns, k + 1, static_cast<uint64_t>(s.made)});
    ++s.made;
}

bool WorkloadRequests::next(ssif::HostRequest* out) {
    if (due_.empty())
        return false;
    const Due d = due_.top();
    due_.pop();
    if (d.source == 0) {
        *out = (*listed_)[d.seq];
        return true;
    }
    *out = drawn_[d.source - 1];
    draw(d.source - 1);
    return true;
}

} // namespace ssifsim::tools
