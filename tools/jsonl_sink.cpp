#include "tools/jsonl_sink.h"

#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace ssifsim::tools {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

// The object as nlohmann builds it: the reference the direct path below must match, and the
// path for an event whose keys repeat.
std::string format_with_json_library(const Event& event) {
    struct FieldToJson {
        nlohmann::ordered_json operator()(int64_t v) const { return v; }
        nlohmann::ordered_json operator()(bool v) const { return v; }
        nlohmann::ordered_json operator()(const std::string& v) const { return v; }
        nlohmann::ordered_json operator()(Hex8 v) const { return hex_byte(v.value); }
        nlohmann::ordered_json operator()(const Bytes& v) const { return hex_string(v); }
    };
    nlohmann::ordered_json j;
    j["t_ns"] = event.t_ns;
    j["src"] = std::string(event.src);
    j["ev"] = std::string(event.ev);
    for (const Field& f : event.fields)
        j[std::string(f.key)] = std::visit(FieldToJson{}, f.value);
    return j.dump();
}

bool keys_repeat(const Event& event) {
    const FieldList& fields = event.fields;
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::string_view key = fields[i].key;
        if (key == "t_ns" || key == "src" || key == "ev")
            return true;
        for (size_t k = 0; k < i; ++k)
            if (fields[k].key == key)
                return true;
    }
    return false;
}

// A JSON string. Printable ASCII other than '"' and '\\' stands as it is in dump()'s output;
// anything else (escapes, UTF-8, bytes that are not UTF-8) is the library's to write.
void append_string(std::string& out, std::string_view s) {
    for (const char c : s)
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
            out += nlohmann::json(std::string(s)).dump();
            return;
        }
    out += '"';
    out.append(s);
    out += '"';
}

template <typename Int> void append_number(std::string& out, Int v) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    out.append(digits, static_cast<size_t>(end - digits));
}

void append_hex_byte(std::string& out, uint8_t v) {
    out += kHexDigits[v >> 4];
    out += kHexDigits[v & 0xf];
}

struct AppendValue {
    std::string& out;
    void operator()(int64_t v) const { append_number(out, v); }
    void operator()(bool v) const { out += v ? "true" : "false"; }
    void operator()(const std::string& v) const { append_string(out, v); }
    void operator()(Hex8 v) const { // hex_byte's text
        out += "\"0x";
        append_hex_byte(out, v.value);
        out += '"';
    }
    void operator()(const Bytes& v) const { // hex_string's text
        out += '"';
        for (size_t i = 0; i < v.size(); ++i) {
            if (i)
                out += ' ';
            append_hex_byte(out, v[i]);
        }
        out += '"';
    }
};
} // namespace

void JsonlSink::append(std::string& out, const Event& event) {
    if (keys_repeat(event)) {
        out += format_with_json_library(event);
        return;
    }
    out += "{\"t_ns\":";
    append_number(out, event.t_ns);
    out += ",\"src\":";
    append_string(out, event.src);
    out += ",\"ev\":";
    append_string(out, event.ev);
    for (const Field& f : event.fields) {
        out += ',';
        append_string(out, f.key);
        out += ':';
        std::visit(AppendValue{out}, f.value);
    }
    out += '}';
}

std::string JsonlSink::format(const Event& event) {
    std::string line;
    append(line, event);
    return line;
}

void JsonlSink::record(const Event& event) {
    line_.clear();
    append(line_, event);
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

} // namespace ssifsim::tools
