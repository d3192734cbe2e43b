#include "tools/jsonl_sink.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ssifsim::tools {

namespace {
struct FieldToJson {
    nlohmann::ordered_json operator()(int64_t v) const { return v; }
    nlohmann::ordered_json operator()(bool v) const { return v; }
    nlohmann::ordered_json operator()(const std::string& v) const { return v; }
    nlohmann::ordered_json operator()(Hex8 v) const {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", v.value);
        return std::string(buf);
    }
    nlohmann::ordered_json operator()(const Bytes& v) const { return hex_string(v); }
};
} // namespace

std::string JsonlSink::format(const Event& event) {
    nlohmann::ordered_json j;
    j["t_ns"] = event.t_ns;
    j["src"] = std::string(event.src);
    j["ev"] = std::string(event.ev);
    for (const Field& f : event.fields)
        j[std::string(f.key)] = std::visit(FieldToJson{}, f.value);
    return j.dump();
}

void JsonlSink::record(const Event& event) {
    out_ << format(event) << '\n';
}

} // namespace ssifsim::tools
