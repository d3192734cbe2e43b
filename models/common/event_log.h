// The event log interface the models write to. Models know nothing of JSON: they hand
// structured events to a sink; tools/ decides how to store them (JSON Lines).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/common/event_catalog.h"

namespace ssifsim {

using Bytes = std::vector<uint8_t>;

// A byte value, shown in hex in the log.
struct Hex8 {
    uint8_t value;
};

using FieldValue = std::variant<int64_t, bool, std::string, Hex8, Bytes>;

struct Field {
    std::string key;
    FieldValue value;
};

struct Event {
    uint64_t t_ns = 0;
    EventId id = events::kCount; // its catalog entry: compare this, not the strings
    std::string src;             // bus, host, bmc, daemon, ..., cpu0, cpu1: the log's text
    std::string ev;
    std::vector<Field> fields;
};

// A fault applied (EventSource::Fault); false for an event not built from the catalog.
inline bool is_fault(const Event& e) {
    return e.id < events::kCount && event_name(e.id).src == EventSource::Fault;
}

class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual void record(const Event& event) = 0;
};

// Discards everything; the default when no log is wanted.
class NullSink : public EventSink {
  public:
    void record(const Event&) override {}
};

// Keeps every event in memory; for tests and for the run summary.
class MemorySink : public EventSink {
  public:
    void record(const Event& event) override { events.push_back(event); }
    std::vector<Event> events;
};

// Sends each event to several sinks in order.
class TeeSink : public EventSink {
  public:
    void add(EventSink* sink) { sinks_.push_back(sink); }
    // No event reaches any sink from now on.
    void clear() { sinks_.clear(); }
    void record(const Event& event) override;

  private:
    std::vector<EventSink*> sinks_;
};

// Builds one event fluently: EventBuilder(log, t, events::kBusByte).hex("byte", b);
// the event is recorded when the builder goes out of scope.
class EventBuilder {
  public:
    EventBuilder(EventSink& sink, uint64_t t_ns, EventId id);
    // A per-CPU event (EventSource::Cpu), logged with src "cpu<cpu>".
    EventBuilder(EventSink& sink, uint64_t t_ns, EventId id, int cpu);
    ~EventBuilder();
    EventBuilder(const EventBuilder&) = delete;
    EventBuilder& operator=(const EventBuilder&) = delete;

    EventBuilder& num(std::string key, int64_t v);
    EventBuilder& flag(std::string key, bool v);
    EventBuilder& str(std::string key, std::string v);
    EventBuilder& hex(std::string key, uint8_t v);
    EventBuilder& bytes(std::string key, Bytes v);

  private:
    static constexpr size_t kTypicalFields = 6;
    EventSink& sink_;
    Event event_;
};

// Renders bytes as space-separated lowercase hex: "18 01".
std::string hex_string(const Bytes& bytes);
// Renders one byte (an address, a command) as the messages write it: "0x50".
std::string hex_byte(uint8_t value);

} // namespace ssifsim
