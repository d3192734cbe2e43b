#include "tools/json_reader.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <iomanip>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ssifsim::tools {

const json ObjectReader::kEmptyObject = json::object();

namespace {
std::string describe(const json& v) {
    if (v.is_null())
        return "null"; // not "null null": its type and its text are one word
    std::string s = v.dump();
    if (s.size() > 40)
        s = cut_utf8(s, 37) + "...";
    return std::string(v.type_name()) + " " + s;
}

[[noreturn]] void fail_at(const std::string& file, const std::string& path,
                          const std::string& what) {
    throw InputError(file + ": " + path + ": " + what);
}

bool parse_byte_text(const std::string& s, uint8_t* out) {
    if (s.size() < 3 || s.size() > 4 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
        return false;
    unsigned v = 0;
    for (size_t i = 2; i < s.size(); ++i) {
        const char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        v = v * 16 + d;
    }
    *out = static_cast<uint8_t>(v);
    return true;
}
} // namespace

namespace {

// Builds the document with the library's own DOM builder and adds what it lacks: the JSON
// path of the place being parsed, duplicate keys refused, a depth limit, and every error
// (syntax, a number out of double's range, bad UTF-8) recorded with its place instead of
// thrown, so that the caller turns it into one InputError.
class CheckedSax {
  public:
    static constexpr size_t kMaxDepth = 64;
    using Dom = nlohmann::detail::json_sax_dom_parser<json>;

    explicit CheckedSax(json& root) : dom_(root, false) {}

    bool null() { return value(dom_.null()); }
    bool boolean(bool v) { return value(dom_.boolean(v)); }
    bool number_integer(json::number_integer_t v) { return value(dom_.number_integer(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return value(dom_.number_unsigned(v)); }
    bool number_float(json::number_float_t v, const json::string_t& s) {
        return value(dom_.number_float(v, s));
    }
    bool string(json::string_t& v) { return value(dom_.string(v)); }
    bool binary(json::binary_t& v) { return value(dom_.binary(v)); }
    bool start_object(std::size_t n) { return open(true) && dom_.start_object(n); }
    bool key(json::string_t& k) {
        Frame& f = frames_.back();
        f.key = k;
        if (!f.keys.insert(k).second)
            return error(path(), "duplicate key \"" + k +
                                     "\" (each key may appear once in an object; the parser "
                                     "would silently keep only one of them)");
        return dom_.key(k);
    }
    bool end_object() { return close() && dom_.end_object(); }
    bool start_array(std::size_t n) { return open(false) && dom_.start_array(n); }
    bool end_array() { return close() && dom_.end_array(); }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> the tail
        const size_t tag = what.find("] ");
        if (what.compare(0, 16, "[json.exception.") == 0 && tag != std::string::npos)
            what = what.substr(tag + 2);
        error_position_ = position;
        return error(path(), "not valid JSON: " + what);
    }

    const std::string& error_path() const { return error_path_; }
    const std::string& error_message() const { return error_message_; }
    // Byte offset of a syntax error, or npos for the others.
    size_t error_position() const { return error_position_; }

  private:
    struct Frame {
        bool object;
        size_t index = 0;
        std::string key;
        std::set<std::string> keys;
    };

    std::string path() const {
        std::string p = "$";
        for (const Frame& f : frames_)
            p += f.object ? (f.key.empty() && f.keys.empty() ? "" : "." + f.key)
                          : "[" + std::to_string(f.index) + "]";
        return p;
    }
    bool error(const std::string& at, const std::string& what) {
        if (error_message_.empty()) {
            error_path_ = at;
            error_message_ = what;
        }
        return false;
    }
    bool value(bool ok) {
        if (!frames_.empty() && !frames_.back().object)
            ++frames_.back().index;
        return ok;
    }
    bool open(bool object) {
        if (frames_.size() >= kMaxDepth)
            return error("$", "nested deeper than " + std::to_string(kMaxDepth) +
                                  " levels; a scenario needs at most 5");
        frames_.push_back({object, 0, {}, {}});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return value(true);
    }

    Dom dom_;
    std::vector<Frame> frames_;
    std::string error_path_, error_message_;
    size_t error_position_ = std::string::npos;
};

// "line 3, column 14" of a byte offset (1-based, as the JSON library counts).
std::string line_column(const std::string& text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

} // namespace

bool is_valid_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const size_t n = utf8_sequence_length(s, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t utf8_sequence_length(const std::string& s, size_t i) {
    const auto byte = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xbf; // the allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; // no overlong forms
        if (c == 0xed)
            hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f; // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xbf)
            return 0;
    return n;
}

std::string printable(const std::string& s) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        const size_t n = utf8_sequence_length(s, i);
        const auto c = static_cast<unsigned char>(s[i]);
        if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f) && c != '\n' && c != '\t')) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

std::string utf8_text(const std::string& text) {
    // Through the library's own replacement, so that both outputs name a thing alike.
    return json::parse(output_text(json(text))).get<std::string>();
}

std::string cut_utf8(const std::string& s, size_t max_bytes) {
    if (s.size() <= max_bytes)
        return s;
    size_t end = max_bytes;
    // Back up over continuation bytes to the start of the character that does not fit.
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xc0) == 0x80)
        --end;
    return s.substr(0, end);
}

json load_json_file(const std::string& file) {
    // The name reaches the report and the JUnit file, which are UTF-8 documents.
    if (!is_valid_utf8(file))
        throw InputError(printable(file) +
                         ": the file name is not valid UTF-8 (it is named in the report and "
                         "the JUnit file, which must be); rename the file");
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        struct stat st;
        if (err == ENOENT)
            throw InputError(file + ": cannot open: no such file");
        if (stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            throw InputError(file + ": cannot read: it is a directory, not a scenario file");
        throw InputError(file + ": cannot open for reading: " + std::strerror(err));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st;
    if (fstat(fd, &st) != 0)
        throw InputError(file + ": cannot read: " + std::strerror(errno));
    if (S_ISDIR(st.st_mode))
        throw InputError(file + ": cannot read: it is a directory, not a scenario file");
    if (!S_ISREG(st.st_mode))
        throw InputError(file + ": cannot read: not a regular file (a device, FIFO or socket); "
                                "a scenario is a JSON file");
    if (static_cast<uint64_t>(st.st_size) > kMaxScenarioBytes)
        throw InputError(file + ": cannot read: " + std::to_string(st.st_size) +
                         " bytes, over the limit of " + std::to_string(kMaxScenarioBytes) +
                         " bytes (16 MiB) for a scenario file");
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw InputError(file + ": cannot read: " + std::strerror(errno));
        if (n == 0)
            break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxScenarioBytes) // it grew while we read it
            throw InputError(file + ": cannot read: over the limit of " +
                             std::to_string(kMaxScenarioBytes) + " bytes (16 MiB)");
    }
    return parse_json_text(text, file);
}

json parse_json_text(const std::string& text, const std::string& file) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw InputError(file + ": $: the file is empty; a scenario is a JSON object");
    json doc;
    CheckedSax sax(doc);
    bool ok = false;
    try {
        ok = json::sax_parse(text, &sax);
    } catch (const json::exception& e) { // the parser reports through the handler; just in case
        throw InputError(file + ": $: not valid JSON: " + std::string(e.what()));
    }
    if (ok && sax.error_message().empty())
        return doc;
    std::string what = sax.error_message().empty() ? "not valid JSON" : sax.error_message();
    // A syntax error's message has its line and column; a number out of range has not.
    if (sax.error_position() != std::string::npos && what.find(" at line ") == std::string::npos)
        what += " (at " + line_column(text, sax.error_position()) + ")";
    throw InputError(file + ": " + sax.error_path() + ": " + what);
}

uint8_t element_byte(const json& value, const std::string& path, const std::string& file) {
    if (value.is_number_integer()) {
        const int64_t v = value.get<int64_t>();
        if (v >= 0 && v <= 255)
            return static_cast<uint8_t>(v);
    } else if (value.is_number_unsigned()) {
        if (value.get<uint64_t>() <= 255)
            return static_cast<uint8_t>(value.get<uint64_t>());
    } else if (value.is_string()) {
        uint8_t b;
        if (parse_byte_text(value.get<std::string>(), &b))
            return b;
    }
    fail_at(file, path, "expected a byte (0..255 or \"0x00\"..\"0xff\"), got " + describe(value));
}

ObjectReader::ObjectReader(const json& value, std::string path, const std::string& file)
    : value_(value), path_(std::move(path)), file_(file) {
    if (!value_.is_object())
        fail_at(file_, path_, "expected an object, got " + describe(value_));
}

std::string ObjectReader::key_path(const std::string& key) const {
    return path_ + "." + key;
}

void ObjectReader::fail(const std::string& key, const std::string& what) const {
    fail_at(file_, key.empty() ? path_ : key_path(key), what);
}

void ObjectReader::fail_path(const std::string& path, const std::string& what) const {
    fail_at(file_, path, what);
}

bool ObjectReader::has(const std::string& key) const {
    return value_.contains(key);
}

bool ObjectReader::is_string(const std::string& key) const {
    const auto it = value_.find(key);
    return it != value_.end() && it->is_string();
}

bool ObjectReader::is_object(const std::string& key) const {
    const auto it = value_.find(key);
    return it != value_.end() && it->is_object();
}

bool ObjectReader::is_array(const std::string& key) const {
    const auto it = value_.find(key);
    return it != value_.end() && it->is_array();
}

std::vector<std::string> ObjectReader::keys() const {
    std::vector<std::string> out;
    for (auto it = value_.begin(); it != value_.end(); ++it)
        out.push_back(it.key());
    return out;
}

void ObjectReader::accepts(std::initializer_list<const char*> keys) {
    asked_.insert(keys.begin(), keys.end());
}

const json* ObjectReader::lookup(const std::string& key) {
    asked_.insert(key);
    auto it = value_.find(key);
    return it == value_.end() ? nullptr : &*it;
}

int64_t ObjectReader::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
    const json* v = lookup(key);
    if (!v)
        return fallback;
    const std::string range = std::to_string(min) + ".." + std::to_string(max);
    if (!v->is_number_integer() && !v->is_number_unsigned())
        fail(key, "expected an integer in " + range + ", got " + describe(*v));
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max))
        fail(key, "out of range: " + v->dump() + " (accepted: " + range + ")");
    const int64_t n = v->get<int64_t>();
    if (n < min || n > max)
        fail(key, "out of range: " + v->dump() + " (accepted: " + range + ")");
    return n;
}

uint8_t ObjectReader::byte(const std::string& key, uint8_t fallback) {
    const json* v = lookup(key);
    return v ? element_byte(*v, key_path(key), file_) : fallback;
}

bool ObjectReader::boolean(const std::string& key, bool fallback) {
    const json* v = lookup(key);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        fail(key, "expected true or false, got " + describe(*v));
    return v->get<bool>();
}

std::string ObjectReader::text(const std::string& key, const std::string& fallback) {
    const json* v = lookup(key);
    if (!v)
        return fallback;
    if (!v->is_string())
        fail(key, "expected a string, got " + describe(*v));
    return v->get<std::string>();
}

std::string ObjectReader::choice(const std::string& key, const std::string& fallback,
                                 std::initializer_list<const char*> accepted) {
    const std::string s = text(key, fallback);
    std::string list;
    for (const char* a : accepted) {
        if (s == a)
            return s;
        list += list.empty() ? "" : ", ";
        list += a;
    }
    fail(key, "unknown value \"" + s + "\" (accepted: " + list + ")");
}

uint64_t ObjectReader::millis(const std::string& key, double fallback_ms, double min_ms,
                              double max_ms) {
    const json* v = lookup(key);
    double ms = fallback_ms;
    if (v) {
        if (!v->is_number())
            fail(key, "expected a number of milliseconds, got " + describe(*v));
        ms = v->get<double>();
        if (!(ms >= min_ms && ms <= max_ms)) {
            std::ostringstream range;
            range << std::setprecision(12) << min_ms << ".." << max_ms << " ms";
            fail(key, "out of range: " + v->dump() + " (accepted: " + range.str() + ")");
        }
    }
    return static_cast<uint64_t>(std::llround(ms * 1e6));
}

ObjectReader ObjectReader::object(const std::string& key) {
    const json* v = lookup(key);
    return ObjectReader(v ? *v : kEmptyObject, key_path(key), file_);
}

std::vector<std::pair<const json*, std::string>> ObjectReader::array(const std::string& key) {
    std::vector<std::pair<const json*, std::string>> out;
    const json* v = lookup(key);
    if (!v)
        return out;
    if (!v->is_array())
        fail(key, "expected an array, got " + describe(*v));
    for (size_t i = 0; i < v->size(); ++i)
        out.emplace_back(&(*v)[i], key_path(key) + "[" + std::to_string(i) + "]");
    return out;
}

void ObjectReader::finish() const {
    for (auto it = value_.begin(); it != value_.end(); ++it) {
        if (asked_.count(it.key()))
            continue;
        std::string list;
        for (const std::string& a : asked_)
            list += (list.empty() ? "" : ", ") + a;
        fail_at(file_, key_path(it.key()),
                "unknown key (accepted here: " + (list.empty() ? "none" : list) + ")");
    }
}

bool checked_schedule_end(uint64_t start, uint64_t steps, uint64_t step, uint64_t* end) {
    uint64_t span = 0;
    if (__builtin_mul_overflow(steps, step, &span) || __builtin_add_overflow(start, span, end))
        return false;
    return *end <= kMaxSimNs;
}

bool parse_duration(const std::string& text, uint64_t* ns) {
    static const struct {
        const char* unit;
        double scale;
    } kUnits[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    for (const auto& u : kUnits) {
        const std::string unit = u.unit;
        if (text.size() <= unit.size() ||
            text.compare(text.size() - unit.size(), unit.size(), unit))
            continue;
        const std::string number = text.substr(0, text.size() - unit.size());
        // "ms" also ends in "s": make sure the number part is a plain number.
        if (number.find_first_not_of("0123456789.") != std::string::npos)
            continue;
        try {
            size_t used = 0;
            const double v = std::stod(number, &used);
            if (used != number.size() || !(v >= 0) || v * u.scale > static_cast<double>(kMaxSimNs))
                return false;
            *ns = static_cast<uint64_t>(std::llround(v * u.scale));
            return true;
        } catch (const std::exception&) {
            return false;
        }
    }
    return false;
}

} // namespace ssifsim::tools
