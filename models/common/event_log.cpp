#include "models/common/event_log.h"

namespace ssifsim {

void TeeSink::record(const Event& event) {
    for (EventSink* sink : sinks_)
        sink->record(event);
}

EventBuilder::EventBuilder(EventSink& sink, uint64_t t_ns, std::string src, std::string ev)
    : sink_(sink) {
    event_.t_ns = t_ns;
    event_.src = std::move(src);
    event_.ev = std::move(ev);
    event_.fields.reserve(kTypicalFields); // one allocation, not one per field
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

std::string hex_string(const Bytes& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
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
