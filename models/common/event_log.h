// The event log interface the models write to. Models know nothing of JSON: they hand
// structured events to a sink; tools/ decides how to store them (JSON Lines).
//
// The models offer an event per wire byte, so an event costs nothing no sink wants: the
// builder asks its sink first (EventSink::wants) and builds nothing when the answer is no.
// An event that is built takes no heap allocation for its names, its keys or its fields
// (short string values fit std::string's own buffer): the source, name and keys point at
// the catalog's and the call sites' string literals.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
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
    std::string_view key; // a string literal of the call site: static storage
    FieldValue value;
};

// An event's fields in place: at most kCapacity (the widest event, zpci summary, has 9),
// in the order they were added.
class FieldList {
  public:
    static constexpr size_t kCapacity = 12;

    FieldList() {} // the slots stay raw until a field is added
    FieldList(const FieldList& other) { append_all(other); }
    FieldList(FieldList&& other) noexcept {
        for (size_t i = 0; i < other.size_; ++i)
            new (&slots_[i]) Field{other.at(i).key, std::move(other.at(i).value)};
        size_ = other.size_;
        other.clear();
    }
    FieldList& operator=(const FieldList& other) {
        if (this != &other) {
            clear();
            append_all(other);
        }
        return *this;
    }
    ~FieldList() { clear(); }

    // Appends a field; throws std::length_error past kCapacity (a model's bug, never input's).
    template <typename V> void add(std::string_view key, V&& value) {
        if (size_ == kCapacity)
            throw std::length_error("an event has more than FieldList::kCapacity fields");
        new (&slots_[size_]) Field{key, FieldValue(std::forward<V>(value))};
        ++size_;
    }
    void clear() {
        for (size_t i = 0; i < size_; ++i)
            at(i).~Field();
        size_ = 0;
    }

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const Field& operator[](size_t i) const { return at(i); }
    const Field* begin() const { return size_ ? &at(0) : nullptr; }
    const Field* end() const { return begin() + size_; }

  private:
    struct alignas(Field) Slot {
        unsigned char bytes[sizeof(Field)];
    };
    void append_all(const FieldList& other) {
        for (const Field& f : other)
            add(f.key, f.value);
    }
    Field& at(size_t i) { return *std::launder(reinterpret_cast<Field*>(&slots_[i])); }
    const Field& at(size_t i) const {
        return *std::launder(reinterpret_cast<const Field*>(&slots_[i]));
    }

    Slot slots_[kCapacity];
    size_t size_ = 0;
};

struct Event {
    uint64_t t_ns = 0;
    EventId id = events::kCount; // its catalog entry: compare this, not the strings
    int cpu = -1;                // a per-CPU event's CPU (EventSource::Cpu); else -1
    // bus, host, bmc, daemon, ..., cpu0, cpu1: the log's text. Static storage, as the keys
    // (the catalog's names): a sink may keep them by address (JsonlSink does).
    std::string_view src;
    std::string_view ev; // the catalog's name
    FieldList fields;
};

// A fault applied (EventSource::Fault); false for an id not in the catalog.
inline bool is_fault(EventId id) {
    return id < events::kCount && event_name(id).src == EventSource::Fault;
}
// An event of a fault applied; false for an event not built from the catalog.
inline bool is_fault(const Event& e) {
    return is_fault(e.id);
}

class EventSink {
  public:
    virtual ~EventSink() = default;
    // Whether record() would do anything with an event `id` offered now: an event nobody
    // wants is never built. Asked before each event (and again by a TeeSink before it
    // forwards one), so the answer may change as the run goes (a sink that stops once a
    // signal came); false must mean record() would have ignored it.
    virtual bool wants(EventId /*id*/) const { return true; }
    // Whether record() may be given an event `id` before the simulation's clock reaches its
    // t_ns, with nothing else logged in between (a model acting ahead of SystemC's clock:
    // SmbusBus::runs_ahead): true for a sink that only keeps, writes or counts events by
    // their t_ns and order; false, the default, for one that acts on the run (pauses it) or
    // reads the simulation's clock.
    virtual bool records_early(EventId /*id*/) const { return false; }
    // Whether records_early() holds for every event the sink wants now: asked by a model
    // acting ahead of the clock that cannot list the events it may log (a target the bus
    // calls ahead: SmbusTargetIf::takes_delay), once a transfer. The default asks both of
    // every event in the catalog; a sink may answer at once.
    virtual bool records_all_early() const;
    virtual void record(const Event& event) = 0;
    // The events the sink could ever want, by catalog id: wants() is false, the whole run
    // through, for every id outside the set. Null (the default): any. Asked once, when a
    // TeeSink adds the sink, which then asks the sink about those events only; the set must
    // live as long as the sink.
    virtual const std::bitset<events::kCount>* wants_at_most() const { return nullptr; }
};

// Discards everything; the default when no log is wanted.
class NullSink : public EventSink {
  public:
    bool wants(EventId) const override { return false; }
    bool records_early(EventId) const override { return true; }
    bool records_all_early() const override { return true; }
    void record(const Event&) override {}
};

// Keeps every event in memory; for tests and for the run summary.
class MemorySink : public EventSink {
  public:
    bool records_early(EventId) const override { return true; }
    void record(const Event& event) override { events.push_back(event); }
    std::vector<Event> events;
};

// Sends each event to several sinks in order, each only the events it wants. A sink is asked
// only about the events it could want (EventSink::wants_at_most): the models offer an event
// per wire byte, most of which no sink wants.
class TeeSink : public EventSink {
  public:
    void add(EventSink* sink);
    // No event reaches any sink from now on.
    void clear();
    bool wants(EventId id) const override;
    // Every sink that wants the event records it early.
    bool records_early(EventId id) const override;
    bool records_all_early() const override;
    void record(const Event& event) override;

  private:
    // The sinks that may want an event `id` (all of them for an id outside the catalog).
    const std::vector<EventSink*>& asked(EventId id) const {
        return id < events::kCount ? by_id_[id] : sinks_;
    }
    std::vector<EventSink*> sinks_;
    // By catalog id, the sinks whose wants_at_most holds it, in the order added.
    std::array<std::vector<EventSink*>, events::kCount> by_id_;
};

// Builds one event fluently: EventBuilder(log, t, events::kBusByte).hex("byte", b);
// the event is recorded when the builder goes out of scope. When the sink does not want
// the event, every call does nothing. Keys are string literals (kept as pointers).
class EventBuilder {
  public:
    EventBuilder(EventSink& sink, uint64_t t_ns, EventId id)
        : sink_(sink), wanted_(sink.wants(id)) {
        if (wanted_)
            begin(t_ns, id);
    }
    // A per-CPU event (EventSource::Cpu), logged with src "cpu<cpu>".
    EventBuilder(EventSink& sink, uint64_t t_ns, EventId id, int cpu)
        : EventBuilder(sink, t_ns, id) {
        if (wanted_) {
            event_.cpu = cpu;
            event_.src = cpu_source_name(cpu);
        }
    }
    ~EventBuilder() {
        if (wanted_)
            sink_.record(event_);
    }
    EventBuilder(const EventBuilder&) = delete;
    EventBuilder& operator=(const EventBuilder&) = delete;

    // Whether the event is being built: a call site skips formatting a value (snprintf)
    // the event would drop anyway.
    bool wanted() const { return wanted_; }

    EventBuilder& num(const char* key, int64_t v) { return add(key, v); }
    EventBuilder& flag(const char* key, bool v) { return add(key, v); }
    // A name (status_name(), a literal): measured only for a wanted event.
    EventBuilder& str(const char* key, const char* v) {
        if (wanted_)
            event_.fields.add(key, std::string(v));
        return *this;
    }
    EventBuilder& str(const char* key, std::string_view v) {
        if (wanted_) // the copy only for a wanted event
            event_.fields.add(key, std::string(v));
        return *this;
    }
    EventBuilder& hex(const char* key, uint8_t v) { return add(key, Hex8{v}); }
    EventBuilder& bytes(const char* key, const Bytes& v) { return add(key, v); }

  private:
    void begin(uint64_t t_ns, EventId id);
    template <typename V> EventBuilder& add(const char* key, V&& v) {
        if (wanted_)
            event_.fields.add(key, std::forward<V>(v));
        return *this;
    }

    EventSink& sink_;
    const bool wanted_;
    Event event_;
};

// Writes `value` as two lowercase hex digits at p ("0a"); returns their end. The digits of
// hex_string and hex_byte, and of a log writer's in place.
inline char* put_hex_digits(char* p, uint8_t value) {
    constexpr char kDigits[] = "0123456789abcdef";
    p[0] = kDigits[value >> 4];
    p[1] = kDigits[value & 0xf];
    return p + 2;
}
// Renders bytes as space-separated lowercase hex: "18 01".
std::string hex_string(const Bytes& bytes);
// Renders one byte (an address, a command) as the messages write it: "0x50".
std::string hex_byte(uint8_t value);

} // namespace ssifsim
