// CauseRecorder keeps the events a failed request is explained with: explain_failure reads
// those within a request's time in flight (from its start, no earlier than its host.request,
// to its host.response) and a daemon's stop at any time before the response, for the first
// RunResult::kExplainedRequests requests. Between requests it must keep nothing: a host.watch
// run polls on with no request in flight (the BMC arming and cancelling its timer, the daemon
// reading and writing at each poll) and kept those events for as long as it ran (about 1.4 KB
// a poll), after the last request or before a late one.
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

TEST_CASE("CauseRecorder keeps events only while a request is in flight", "[causes]") {
    CauseRecorder r(10);
    r.record(at(1, events::kBmcTimerArmed)); // a poll's, before any request: not kept
    r.record(at(2, events::kHostRequest));   // counted, not kept
    r.record(at(3, events::kBmcTimerArmed));
    r.record(at(5, events::kHostResponse));
    r.record(at(5, events::kBmcTimerCancelled)); // at the response's time: in its window
    r.record(at(6, events::kDaemonRead));        // between requests: not kept
    r.record(at(7, events::kDaemonStuck));       // a daemon's stop explains later requests
    r.record(at(9, events::kHostRequest));
    r.record(at(10, events::kHostRequest)); // two in flight
    r.record(at(11, events::kDaemonRead));
    r.record(at(12, events::kHostResponse));
    r.record(at(13, events::kBmcTimerArmed)); // the second still in flight
    r.record(at(14, events::kHostResponse));
    r.record(at(15, events::kBmcTimerArmed)); // after the last: not kept
    CHECK(times(r) == std::vector<uint64_t>{3, 5, 5, 7, 11, 12, 13, 14});
}

TEST_CASE("CauseRecorder stops after the response past those it explains", "[causes]") {
    // Two explained: it keeps every event up to and including the third response (as it did
    // before it kept only events in flight), then nothing.
    CauseRecorder r(2);
    for (uint64_t t : {1, 2, 3}) {
        r.record(at(10 * t, events::kHostRequest));
        r.record(at(10 * t + 1, events::kDaemonRead));
        r.record(at(10 * t + 2, events::kHostResponse));
    }
    r.record(at(40, events::kHostRequest));
    r.record(at(41, events::kDaemonRead));
    CHECK(times(r) == std::vector<uint64_t>{11, 12, 21, 22, 31, 32});
    CHECK_FALSE(r.wants(events::kDaemonRead));
}
