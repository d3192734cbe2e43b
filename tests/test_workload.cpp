// The workload's replay and the host's queue of waiting requests: a request due while the
// driver is busy is counted, not kept, and drawn again from the replay when the driver takes
// it; the replay must therefore give exactly the requests the workload gave.
#include <catch2/catch.hpp>

#include "models/ssif/host/ssif_host.h"
#include "tools/workload.h"

using namespace ssifsim;
using namespace ssifsim::tools;

namespace {
std::vector<ssif::HostRequest> drain(ssif::RequestSource& source) {
    std::vector<ssif::HostRequest> out;
    ssif::HostRequest r;
    while (source.next(&r))
        out.push_back(r);
    return out;
}

void check_same(const std::vector<ssif::HostRequest>& a, const std::vector<ssif::HostRequest>& b) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].at_ns == b[i].at_ns);
        CHECK(a[i].payload == b[i].payload);
    }
}

// A source that counts the requests drawn from it, and whose replays count into the same
// counter.
class CountingSource : public ssif::RequestSource {
  public:
    CountingSource(int count, int* drawn) : count_(count), drawn_(drawn) {}
    bool next(ssif::HostRequest* out) override {
        if (made_ == count_)
            return false;
        ++made_;
        ++*drawn_;
        out->id = made_;
        out->at_ns = 0;
        out->payload = {0x18, 0x01, static_cast<uint8_t>(made_)};
        return true;
    }
    size_t total() const override { return static_cast<size_t>(count_); }
    std::unique_ptr<ssif::RequestSource> replay() const override {
        return std::make_unique<CountingSource>(count_, drawn_);
    }

  private:
    int count_;
    int made_ = 0;
    int* drawn_;
};
} // namespace

TEST_CASE("a workload's replay gives the same requests in the same order", "[workload]") {
    ssif::HostRequest listed;
    listed.id = 1;
    listed.at_ns = 5'000'000;
    listed.payload = {0x18, 0x01};
    std::vector<Generator> generators(2);
    generators[0].count = 50;
    generators[0].interval_ns = 0; // all due at once: the case the replay exists for
    generators[1].count = 50;
    generators[1].poisson = true;
    generators[1].interval_ns = 1'000'000;
    generators[1].request_size = {3, 40};
    WorkloadRequests workload({listed}, generators, 7);
    const auto replay_before = workload.replay();
    const auto first = drain(workload);
    REQUIRE(first.size() == 101);
    check_same(first, drain(*replay_before));
    // A replay made after the workload was drained still starts at the first request.
    check_same(first, drain(*workload.replay()));
}

TEST_CASE("the host's queue counts waiting requests and draws each when the driver takes it",
          "[workload][host]") {
    int drawn = 0;
    CountingSource source(3, &drawn);
    ssif::ReplayXmitQueue queue;
    queue.set_replay(source.replay());
    ssif::HostRequest r;
    for (int i = 0; i < 3; ++i) {
        REQUIRE(source.next(&r));
        queue.push(r);
    }
    CHECK(drawn == 3); // the feed's own draws only
    CHECK(queue.size() == 3);
    for (int id = 1; id <= 3; ++id) {
        REQUIRE(queue.pop(&r));
        CHECK(r.id == id);
        CHECK(r.payload == Bytes{0x18, 0x01, static_cast<uint8_t>(id)});
        CHECK(drawn == 3 + id); // drawn again from the replay only now
    }
    CHECK(queue.size() == 0);
    CHECK_FALSE(queue.pop(&r));
}

TEST_CASE("without a replay the host's queue keeps the requests", "[workload][host]") {
    ssif::ReplayXmitQueue queue;
    ssif::HostRequest r;
    r.id = 9;
    r.payload = {0x18, 0x01};
    queue.push(r);
    r.id = 10;
    queue.push(r);
    CHECK(queue.size() == 2);
    REQUIRE(queue.pop(&r));
    CHECK(r.id == 9);
    REQUIRE(queue.pop(&r));
    CHECK(r.id == 10);
    CHECK_FALSE(queue.pop(&r));
}
