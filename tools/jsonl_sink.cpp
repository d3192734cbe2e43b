#include "tools/jsonl_sink.h"

#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace ssifsim::tools {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

// The object as nlohmann builds it and dumps it: the line the direct path (write_plain) must
// match, and the path of an event whose keys repeat or whose strings dump() would escape.
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

// The characters dump() writes as they are between quotes: printable ASCII but '"' and '\\'.
constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c <= 0x7e; ++c)
        plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
    return plain;
}();

bool plain(std::string_view s) {
    bool all = true;
    for (const char c : s)
        all &= kPlain[static_cast<unsigned char>(c)];
    return all;
}

// The most a field's value takes, given that its strings are plain.
size_t value_room(const FieldValue& v) {
    if (const auto* s = std::get_if<std::string>(&v))
        return s->size() + 2;
    if (const auto* b = std::get_if<Bytes>(&v))
        return 3 * b->size() + 2;
    return 20; // an int64_t's digits and sign; "false"; "0x" and two digits, quoted
}

// The most the line takes if every string of it is plain (write_plain writes it); 0 if the
// library must write it (a string to escape, or a key given twice).
size_t plain_room(const Event& e) {
    if (keys_repeat(e))
        return 0;
    size_t n = sizeof "{\"t_ns\":18446744073709551615,\"src\":\"\",\"ev\":\"\"}" + e.src.size() +
               e.ev.size();
    bool ok = plain(e.src) & plain(e.ev);
    for (const Field& f : e.fields) {
        n += f.key.size() + 4 + value_room(f.value); // ,"key":
        const auto* s = std::get_if<std::string>(&f.value);
        ok &= plain(f.key) & (!s || plain(*s));
    }
    return ok ? n : 0;
}

char* put(char* p, std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

char* put_quoted(char* p, std::string_view s) {
    *p++ = '"';
    p = put(p, s);
    *p++ = '"';
    return p;
}

char* put_hex_byte(char* p, uint8_t v) {
    p[0] = kHexDigits[v >> 4];
    p[1] = kHexDigits[v & 0xf];
    return p + 2;
}

template <typename Int> char* put_number(char* p, Int v) {
    return std::to_chars(p, p + 20, v).ptr; // 20 characters hold every int64_t and uint64_t
}

struct PutValue {
    char* p;
    char* operator()(int64_t v) const { return put_number(p, v); }
    char* operator()(bool v) const {
        using namespace std::string_view_literals;
        return put(p, v ? "true"sv : "false"sv);
    }
    char* operator()(const std::string& v) const { return put_quoted(p, v); }
    char* operator()(Hex8 v) const { // hex_byte's text
        char* q = put(p, "\"0x");
        q = put_hex_byte(q, v.value);
        *q++ = '"';
        return q;
    }
    char* operator()(const Bytes& v) const { // hex_string's text
        char* q = p;
        *q++ = '"';
        for (size_t i = 0; i < v.size(); ++i) {
            if (i)
                *q++ = ' ';
            q = put_hex_byte(q, v[i]);
        }
        *q++ = '"';
        return q;
    }
};

// The line of an event whose strings are all plain (plain_line), at p; returns its end.
char* write_plain(char* p, const Event& e) {
    p = put(p, "{\"t_ns\":");
    p = put_number(p, e.t_ns);
    p = put(p, ",\"src\":");
    p = put_quoted(p, e.src);
    p = put(p, ",\"ev\":");
    p = put_quoted(p, e.ev);
    for (const Field& f : e.fields) {
        *p++ = ',';
        p = put_quoted(p, f.key);
        *p++ = ':';
        p = std::visit(PutValue{p}, f.value);
    }
    *p++ = '}';
    return p;
}
} // namespace

JsonlSink::JsonlSink(std::ostream& out) : out_(out), block_(2 * kBlockBytes, '\0') {}

JsonlSink::~JsonlSink() {
    flush();
}

std::string JsonlSink::format(const Event& event) {
    const size_t room = plain_room(event);
    if (room == 0)
        return format_with_json_library(event);
    std::string line(room, '\0');
    line.resize(static_cast<size_t>(write_plain(line.data(), event) - line.data()));
    return line;
}

void JsonlSink::record(const Event& event) {
    const size_t room = plain_room(event);
    const std::string escaped = room == 0 ? format_with_json_library(event) : std::string();
    const size_t line_room = (room == 0 ? escaped.size() : room) + 1; // and its newline
    if (used_ + line_room > block_.size()) // a line longer than kBlockBytes
        block_.resize(used_ + line_room);
    char* p = block_.data() + used_;
    p = room == 0 ? put(p, escaped) : write_plain(p, event);
    *p++ = '\n';
    used_ = static_cast<size_t>(p - block_.data());
    if (used_ >= kBlockBytes)
        write_block();
}

void JsonlSink::write_block() {
    out_.write(block_.data(), static_cast<std::streamsize>(used_));
    used_ = 0;
}

void JsonlSink::flush() {
    write_block();
    out_.flush();
}

} // namespace ssifsim::tools
