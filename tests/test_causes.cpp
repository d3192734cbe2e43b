// CauseRecorder keeps the events a failed request is explained with (explain_failure reads
// those within the request's time in flight, from its start to its response), for the first
// RunResult::kExplainedRequests requests. A run with fewer requests than that must still stop
// keeping them once every request has had its response: a host.watch run polls on after its
// last request, the BMC arming and cancelling its timer and the daemon reading and writing at
// each poll, and kept those events for as long as it ran (about 1.4 KB a poll).
#include <catch2/catch.hpp>

#include <vector>

#include "tools/causes.h"

using ssifsim::Event;
using ssifsim::EventId;
using ssifsim::tools::CauseRecorder;
namespace events = ssifsim::events;

namespace {
Event at(uint64_t t_ns, EventId id) {
    Event e;
    e.t_ns = t_ns;
    e.id = id;
    return e;
}

std::vector<uint64_t> times(const CauseRecorder& r) {
    std::vector<uint64_t> t;
    for (const Event& e : r.records())
        t.push_back(e.t_ns);
    return t;
}
} // namespace

TEST_CASE("CauseRecorder: with fewer requests than it explains, it stops past the last response",
          "[causes]") {
    CauseRecorder one(10, 1);
    one.record(at(1, events::kBmcTimerArmed));
    one.record(at(5, events::kHostResponse));
    one.record(at(5, events::kBmcTimerCancelled)); // at the response's time: in its window
    CHECK(one.wants(events::kDaemonRead));
    one.record(at(6, events::kDaemonRead)); // a poll's, after every request: not kept
    CHECK_FALSE(one.wants(events::kDaemonRead));
    one.record(at(7, events::kBmcTimerArmed));
    CHECK(times(one) == std::vector<uint64_t>{1, 5, 5});

    // No request: nothing after time 0 explains anything.
    CauseRecorder none(10, 0);
    none.record(at(0, events::kBmcTimerArmed));
    none.record(at(3, events::kBmcTimerArmed));
    CHECK(times(none) == std::vector<uint64_t>{0});
}

TEST_CASE("CauseRecorder: with more requests than it explains, it stops after one more response",
          "[causes]") {
    // Two explained of five: it keeps every event up to and including the third response
    // (as before the fix), then nothing.
    CauseRecorder r(2, 5);
    for (uint64_t t : {1, 2, 3})
        r.record(at(10 * t, events::kHostResponse));
    r.record(at(31, events::kDaemonRead));
    CHECK(times(r) == std::vector<uint64_t>{10, 20, 30});
}
