// TeeSink hands each event to the sinks that want it, asking each only about the events it
// could want (EventSink::wants_at_most): what reaches each sink, and what the Tee answers for
// wants and records_early, is the same as asking every sink about every event.
#include <catch2/catch.hpp>

#include <bitset>
#include <vector>

#include "models/common/event_log.h"
#include "tools/causes.h"

using ssifsim::Event;
using ssifsim::EventId;
using ssifsim::EventSink;
using ssifsim::TeeSink;
namespace events = ssifsim::events;

namespace {
// Wants the ids of `wanted`, says so through wants_at_most when `declares`, and counts the
// questions it was asked and the events it got.
struct CountingSink : EventSink {
    CountingSink(std::bitset<events::kCount> wanted, bool declares)
        : wanted(wanted), declares(declares) {}
    bool wants(EventId id) const override {
        ++asked;
        return wanted[id];
    }
    bool records_early(EventId) const override { return false; }
    const std::bitset<events::kCount>* wants_at_most() const override {
        return declares ? &wanted : nullptr;
    }
    void record(const Event& e) override { got.push_back(e.id); }
    std::bitset<events::kCount> wanted;
    bool declares;
    mutable int asked = 0;
    std::vector<EventId> got;
};

Event event(EventId id) {
    Event e;
    e.id = id;
    return e;
}
} // namespace

TEST_CASE("TeeSink asks a sink only about the events it could want, with the same answers",
          "[event_log]") {
    std::bitset<events::kCount> bytes, requests;
    bytes.set(events::kBusByte);
    requests.set(events::kHostRequest);
    CountingSink declared(requests, true), undeclared(bytes, false);
    TeeSink tee;
    tee.add(&declared);
    tee.add(&undeclared);

    // A bus byte: the undeclared sink wants it; the declared one is not asked.
    CHECK(tee.wants(events::kBusByte));
    CHECK(!tee.records_early(events::kBusByte));
    tee.record(event(events::kBusByte));
    CHECK(declared.asked == 0);
    CHECK(undeclared.got == std::vector<EventId>{events::kBusByte});
    // A host request: both asked, the declared one takes it.
    CHECK(tee.wants(events::kHostRequest));
    tee.record(event(events::kHostRequest));
    CHECK(declared.asked > 0);
    CHECK(declared.got == std::vector<EventId>{events::kHostRequest});
    CHECK(undeclared.got == std::vector<EventId>{events::kBusByte});
    // Nobody wants a STOP, and the declared sink is not asked about it.
    const int before = declared.asked;
    CHECK(!tee.wants(events::kBusStop));
    CHECK(declared.asked == before);
    CHECK(tee.records_early(events::kBusStop));
    tee.clear();
    CHECK(!tee.wants(events::kBusByte));
}

TEST_CASE("CauseRecorder wants no event outside its wants_at_most", "[event_log][causes]") {
    ssifsim::tools::CauseRecorder causes(5);
    const std::bitset<events::kCount>* at_most = causes.wants_at_most();
    REQUIRE(at_most != nullptr);
    for (int id = 0; id < events::kCount; ++id)
        if (!at_most->test(static_cast<size_t>(id)))
            CHECK(!causes.wants(static_cast<EventId>(id)));
    CHECK(at_most->test(events::kHostRequest));
    CHECK(at_most->test(events::kBmcTimerFired));
    CHECK(!at_most->test(events::kBusByte));
}
