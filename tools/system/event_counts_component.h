// The scenario's expect.counts: how many events of each named "src.ev" the log holds (from
// the host's last `registered` event on, with expect.counts_from "registered"). This reads
// the log as an output (what was logged), the one thing the log is read back for.
#pragma once

#include <bitset>
#include <map>
#include <string>
#include <vector>

#include "tools/system/component.h"

namespace ssifsim::tools {

struct EventCountsResult : ComponentResult {
    std::map<std::string, uint64_t> counts; // by "src.ev", those expect.counts names
    void expectations(const Scenario& s, const RunResult& r,
                      std::vector<Check>& out) const override;
};

class EventCountsComponent : public Component {
  public:
    explicit EventCountsComponent(const Scenario& s);
    // Only when something is counted: the log asks every sink of every event it offers.
    void add_sinks(System&, TeeSink& sinks) override {
        if (counter_.ids.any())
            sinks.add(&counter_);
    }
    void build(System&) override {}
    std::shared_ptr<const ComponentResult> finish(System&, std::vector<Check>&) override;

  private:
    // Counts in place, by catalog id: nothing is built or compared as text per event.
    class Counter : public EventSink {
      public:
        bool wants(EventId id) const override { return ids[id]; }
        const std::bitset<events::kCount>* wants_at_most() const override { return &ids; }
        bool records_early(EventId) const override { return true; } // counts, in order
        bool records_all_early() const override { return true; }
        void record(const Event& e) override;
        struct Counted {
            EventId id;
            std::string cpu_src; // a per-CPU event's source ("cpu3"), which must match too
            std::string name;
        };
        std::vector<Counted> counted;
        std::bitset<events::kCount> ids; // those of `counted`, and `registered` if it resets
        bool from_registered = false;    // expect.counts_from "registered": restart there
        std::map<std::string, uint64_t> counts;
    };
    Counter counter_;
};

} // namespace ssifsim::tools
