#include "models/common/event_log.h"

namespace ssifsim {

bool EventSink::records_all_early() const {
    for (int id = 0; id < events::kCount; ++id)
        if (wants(static_cast<EventId>(id)) && !records_early(static_cast<EventId>(id)))
            return false;
    return true;
}

void TeeSink::add(EventSink* sink) {
    sinks_.push_back(sink);
    const std::bitset<events::kCount>* at_most = sink->wants_at_most();
    for (int id = 0; id < events::kCount; ++id)
        if (!at_most || at_most->test(static_cast<size_t>(id)))
            by_id_[static_cast<size_t>(id)].push_back(sink);
}

void TeeSink::clear() {
    sinks_.clear();
    for (std::vector<EventSink*>& sinks : by_id_)
        sinks.clear();
}

bool TeeSink::wants(EventId id) const {
    for (const EventSink* sink : asked(id))
        if (sink->wants(id))
            return true;
    return false;
}

bool TeeSink::records_early(EventId id) const {
    for (const EventSink* sink : asked(id))
        if (sink->wants(id) && !sink->records_early(id))
            return false;
    return true;
}

bool TeeSink::records_all_early() const {
    for (const EventSink* sink : sinks_)
        if (!sink->records_all_early())
            return false;
    return true;
}

void TeeSink::record(const Event& event) {
    for (EventSink* sink : asked(event.id))
        if (sink->wants(event.id))
            sink->record(event);
}

void EventBuilder::begin(uint64_t t_ns, EventId id) {
    const EventName& name = event_name(id);
    event_.t_ns = t_ns;
    event_.id = id;
    event_.src = name.src_text;
    event_.ev = name.ev;
}

std::string hex_byte(uint8_t value) {
    std::string out = "0x00";
    put_hex_digits(&out[2], value);
    return out;
}

std::string hex_string(const Bytes& bytes) {
    std::string out(bytes.empty() ? 0 : 3 * bytes.size() - 1, ' ');
    for (size_t i = 0; i < bytes.size(); ++i)
        put_hex_digits(&out[3 * i], bytes[i]);
    return out;
}

} // namespace ssifsim
