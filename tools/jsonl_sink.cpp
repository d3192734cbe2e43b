#include "tools/jsonl_sink.h"

#include <array>
#include <charconv>
#include <cstring>

#include "tools/json_reader.h"

namespace ssifsim::tools {

namespace {
// The object as nlohmann builds it and dumps it: the line the direct path (LineShape) must
// match, and the path of an event whose keys repeat or whose strings dump() would escape.
std::string format_with_json_library(const Event& event) {
    struct FieldToJson {
        ojson operator()(int64_t v) const { return v; }
        ojson operator()(bool v) const { return v; }
        ojson operator()(const std::string& v) const { return v; }
        ojson operator()(Hex8 v) const { return hex_byte(v.value); }
        ojson operator()(const Bytes& v) const { return hex_string(v); }
    };
    ojson j;
    j["t_ns"] = event.t_ns;
    j["src"] = std::string(event.src);
    j["ev"] = std::string(event.ev);
    for (const Field& f : event.fields)
        j[std::string(f.key)] = std::visit(FieldToJson{}, f.value);
    return output_text(j);
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
        q = put_hex_digits(q, v.value);
        *q++ = '"';
        return q;
    }
    char* operator()(const Bytes& v) const { // hex_string's text
        char* q = p;
        *q++ = '"';
        for (size_t i = 0; i < v.size(); ++i) {
            if (i)
                *q++ = ' ';
            q = put_hex_digits(q, v[i]);
        }
        *q++ = '"';
        return q;
    }
};

// "00" to "99", two characters each.
constexpr auto kDigitPairs = [] {
    std::array<char, 200> pairs{};
    for (int i = 0; i < 100; ++i) {
        pairs[static_cast<size_t>(2 * i)] = static_cast<char>('0' + i / 10);
        pairs[static_cast<size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
    }
    return pairs;
}();

bool same(std::string_view a, std::string_view b) { // the same string literal
    return a.data() == b.data() && a.size() == b.size();
}
} // namespace

// The decimal text of the lines' t_ns, kept from line to line: consecutive events share
// their time's leading digits (in ssif-mixed's log, one line in five has the time of the
// line before and three in four all but its last six digits), so only what changed is
// made anew. to_chars's text, digit for digit.
class JsonlSink::TimeText {
  public:
    std::string_view of(uint64_t t) {
        if (len_ != 0 && t == t_)
            return {digits_, len_};
        if (len_ != 0 && t >= kLow && t / kLow == t_ / kLow) {
            // Seven digits or more, the same above the last six: those six rewritten.
            uint64_t low = t % kLow;
            for (size_t end = len_; end > len_ - 6; end -= 2, low /= 100)
                std::memcpy(digits_ + end - 2, &kDigitPairs[2 * (low % 100)], 2);
        } else {
            len_ = static_cast<size_t>(std::to_chars(digits_, digits_ + 20, t).ptr - digits_);
        }
        t_ = t;
        return {digits_, len_};
    }

  private:
    static constexpr uint64_t kLow = 1'000'000;
    uint64_t t_ = 0;
    char digits_[20]; // a uint64_t's
    size_t len_ = 0;  // 0: none made yet
};

// What a line holds besides its time and values: `,"src":"bus","ev":"byte"` and each key as
// `,"dir":`, written once for an event's source, name and keys and reused by every line
// with the same ones. A sink keeps one an event id: its lines mostly come from one call site.
struct JsonlSink::LineShape {
    // The event it was made for, its strings by address (literals: one per call site).
    std::string_view src, ev;
    size_t fields = 0;
    std::array<std::string_view, FieldList::kCapacity> keys{};
    bool writable = false; // no name to escape and no key twice: write_line may write it
    std::string text;      // `,"src":..,"ev":..`, then `,"key":` for each field
    // text[0, ends[0]): src and ev; text[ends[i], ends[i + 1]): key i.
    std::array<size_t, FieldList::kCapacity + 1> ends{};

    explicit LineShape(const Event& e) : src(e.src), ev(e.ev), fields(e.fields.size()) {
        writable = !keys_repeat(e) && plain(src) && plain(ev);
        text = ",\"src\":\"" + std::string(src) + "\",\"ev\":\"" + std::string(ev) + '"';
        ends[0] = text.size();
        for (size_t i = 0; i < fields; ++i) {
            keys[i] = e.fields[i].key;
            writable = writable && plain(keys[i]);
            text += ",\"" + std::string(keys[i]) + "\":";
            ends[i + 1] = text.size();
        }
    }
    bool fits(const Event& e) const {
        if (!same(src, e.src) || !same(ev, e.ev) || fields != e.fields.size())
            return false;
        for (size_t i = 0; i < fields; ++i)
            if (!same(keys[i], e.fields[i].key))
                return false;
        return true;
    }
    // The most a line of `e` (which fits) takes if write_line may write it; else 0.
    size_t room(const Event& e) const {
        if (!writable)
            return 0;
        size_t n = sizeof "{\"t_ns\":18446744073709551615}" + text.size();
        for (const Field& f : e.fields) {
            const auto* s = std::get_if<std::string>(&f.value);
            if (s && !plain(*s))
                return 0;
            n += value_room(f.value);
        }
        return n;
    }
    // The line of `e` (room() > 0) at p, its t_ns from `time`; returns its end.
    char* write_line(char* p, const Event& e, TimeText& time) const {
        p = put(p, "{\"t_ns\":");
        p = put(p, time.of(e.t_ns));
        size_t from = 0; // src and ev go with the first key, in one copy
        for (size_t i = 0; i < fields; ++i) {
            p = put(p, std::string_view(text).substr(from, ends[i + 1] - from));
            from = ends[i + 1];
            p = std::visit(PutValue{p}, e.fields[i].value);
        }
        p = put(p, std::string_view(text).substr(from, ends[fields] - from)); // no field: src, ev
        *p++ = '}';
        return p;
    }
};

JsonlSink::JsonlSink(std::ostream& out)
    : writer_(out), block_(2 * kBlockBytes, '\0'), time_(std::make_unique<TimeText>()) {}

JsonlSink::~JsonlSink() {
    flush();
}

std::string JsonlSink::format(const Event& event) {
    const LineShape shape(event);
    const size_t room = shape.room(event);
    if (room == 0)
        return format_with_json_library(event);
    std::string line(room, '\0');
    TimeText time;
    line.resize(static_cast<size_t>(shape.write_line(line.data(), event, time) - line.data()));
    return line;
}

const JsonlSink::LineShape& JsonlSink::shape_of(const Event& event) {
    std::unique_ptr<LineShape>& shape =
        event.id < events::kCount ? shapes_[event.id] : other_shape_;
    if (!shape || !shape->fits(event))
        shape = std::make_unique<LineShape>(event);
    return *shape;
}

void JsonlSink::record(const Event& event) {
    const LineShape& shape = shape_of(event);
    const size_t room = shape.room(event);
    const std::string escaped = room == 0 ? format_with_json_library(event) : std::string();
    const size_t line_room = (room == 0 ? escaped.size() : room) + 1; // and its newline
    if (used_ + line_room > block_.size()) // a line longer than kBlockBytes
        block_.resize(used_ + line_room);
    char* p = block_.data() + used_;
    p = room == 0 ? put(p, escaped) : shape.write_line(p, event, *time_);
    *p++ = '\n';
    used_ = static_cast<size_t>(p - block_.data());
    if (used_ >= kBlockBytes)
        write_block();
}

void JsonlSink::write_block() {
    block_ = writer_.write(std::move(block_), used_);
    used_ = 0;
}

void JsonlSink::flush() {
    if (used_ > 0) // the runner's flush, then the destructor's: the second has nothing to hand
        write_block();
    writer_.flush();
}

} // namespace ssifsim::tools
