#include "models/common/event_log.h"

namespace ssifsim {

void TeeSink::record(const Event& event) {
    for (EventSink* sink : sinks_)
        sink->record(event);
}

EventBuilder::EventBuilder(EventSink& sink, uint64_t t_ns, EventId id) : sink_(sink) {
    const EventName& name = event_name(id);
    event_.t_ns = t_ns;
    event_.id = id;
    event_.src = event_source_name(name.src);
    event_.ev = name.ev;
    event_.fields.reserve(kTypicalFields); // one allocation, not one per field
}

EventBuilder::EventBuilder(EventSink& sink, uint64_t t_ns, EventId id, int cpu)
    : EventBuilder(sink, t_ns, id) {
    event_.src = "cpu" + std::to_string(cpu);
}

EventBuilder::~EventBuilder() {
    sink_.record(event_);
}

EventBuilder& EventBuilder::num(std::string key, int64_t v) {
    event_.fields.push_back({std::move(key), v});
    return *this;
}
EventBuilder& EventBuilder::flag(std::string key, bool v) {
    event_.fields.push_back({std::move(key), v});
    return *this;
}
EventBuilder& EventBuilder::str(std::string key, std::string v) {
    event_.fields.push_back({std::move(key), std::move(v)});
    return *this;
}
EventBuilder& EventBuilder::hex(std::string key, uint8_t v) {
    event_.fields.push_back({std::move(key), Hex8{v}});
    return *this;
}
EventBuilder& EventBuilder::bytes(std::string key, Bytes v) {
    event_.fields.push_back({std::move(key), std::move(v)});
    return *this;
}

namespace {
constexpr char kDigits[] = "0123456789abcdef";
} // namespace

std::string hex_byte(uint8_t value) {
    return std::string("0x") + kDigits[value >> 4] + kDigits[value & 0xf];
}

std::string hex_string(const Bytes& bytes) {
    std::string out;
    out.reserve(bytes.size() * 3);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i)
            out += ' ';
        out += kDigits[bytes[i] >> 4];
        out += kDigits[bytes[i] & 0xf];
    }
    return out;
}

} // namespace ssifsim
