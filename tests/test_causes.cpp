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

// A host's reads NAKed at the address are the BMC busy with the request until ssif_bmc is
// removed (bmc_remove: i2c_slave_unregister), and after it nothing is at the address at all:
// the explanation says which, and says the removal, as bmc-6.12-remove runs it (the reads at
// 6.105 and 67.105 ms, the unbind at 100 ms, the next read at 128.105 ms).
TEST_CASE("explain_failure tells address NAKs after ssif_bmc's removal from a busy BMC's",
          "[causes]") {
    ssifsim::MemorySink sink;
    const auto read_nak = [&sink](uint64_t t_ns) {
        ssifsim::EventBuilder(sink, t_ns, events::kHostReadError)
            .num("id", 1)
            .str("status", "address_nak")
            .num("errno", -6);
    };
    read_nak(6'105'000);
    read_nak(67'105'000);
    ssifsim::EventBuilder(sink, 100'000'000, events::kBmcRemoved);
    read_nak(128'105'000);
    ssifsim::ssif::RequestOutcome o;
    o.id = 1;
    o.started_ns = 0;
    o.completed_ns = 128'105'000;
    o.error = ssifsim::ssif::RequestError::ReadFailed;
    o.write_attempts = 1;
    o.read_attempts = 3;
    const std::vector<std::string> lines = ssifsim::tools::explain_failure(o, sink.events);
    REQUIRE(lines.size() >= 4);
    CHECK(lines[0] == "    6.105000 ms  reads 1 to 2 (2), until 67.105000 ms: NAKed at the "
                      "address (the BMC busy: no response yet), -6 (ENXIO)");
    CHECK(lines[1] == "  100.000000 ms  ssif_bmc was removed (unbound): nothing answers at its "
                      "address any more");
    CHECK(lines[2] == "  128.105000 ms  read 3 NAKed at the address (no BMC there: ssif_bmc was "
                      "removed), -6 (ENXIO)");
}
