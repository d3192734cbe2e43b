#include "tools/system/event_counts_component.h"

namespace ssifsim::tools {

EventCountsComponent::EventCountsComponent(const Scenario& s) {
    if (s.expect.counts_from == Expectations::CountsFrom::Registered) {
        counter_.from_registered = true;
        counter_.ids.set(events::kHostRegistered);
    }
    for (const auto& [name, expected] : s.expect.counts) {
        counter_.counts[name] = 0;
        EventId id{};
        if (!find_event(name, &id)) // the loader refuses such a name: none is logged
            continue;
        // "cpu3.irq" counts CPU 3's; "cpuN.irq", as the catalog names it, every CPU's.
        const std::string src = name.substr(0, name.find('.'));
        const bool one_cpu = event_name(id).src == EventSource::Cpu && src != "cpuN";
        counter_.counted.push_back({id, one_cpu ? src : "", name});
        counter_.ids.set(id);
    }
}

void EventCountsComponent::Counter::record(const Event& e) {
    // The host's start-up ends here: what it logged so far is left out.
    if (from_registered && e.id == events::kHostRegistered)
        for (auto& [name, count] : counts)
            count = 0;
    for (const Counted& c : counted)
        if (e.id == c.id && (c.cpu_src.empty() || e.src == c.cpu_src))
            ++counts[c.name];
}

std::shared_ptr<const ComponentResult> EventCountsComponent::finish(System&, std::vector<Check>&) {
    auto r = std::make_shared<EventCountsResult>();
    r->counts = counter_.counts;
    return r;
}

void EventCountsResult::expectations(const Scenario& s, const RunResult&,
                                     std::vector<Check>& out) const {
    for (const auto& [event, expected] : s.expect.counts) {
        const auto it = counts.find(event);
        const uint64_t actual = it == counts.end() ? 0 : it->second;
        expect_equal(out, "count " + event, "the number of " + event + " events", actual, expected,
                     [](uint64_t v) { return std::to_string(v); });
    }
}

} // namespace ssifsim::tools
