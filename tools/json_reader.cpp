#include "tools/json_reader.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <sys/stat.h>

namespace ssifsim::tools {

const json ObjectReader::kEmptyObject = json::object();

namespace {
std::string describe(const json& v) {
    std::string s = v.dump();
    if (s.size() > 40)
        s = s.substr(0, 37) + "...";
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

json load_json_file(const std::string& file) {
    struct stat st;
    if (stat(file.c_str(), &st) != 0)
        throw InputError(file + ": cannot open: no such file");
    if (S_ISDIR(st.st_mode))
        throw InputError(file + ": cannot read: it is a directory, not a scenario file");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError(file + ": cannot open for reading");
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw InputError(file + ": $: the file is empty; a scenario is a JSON object");
    // A scenario nests a few levels; a pathological depth would overflow the stack of the
    // recursive printing and checking later, so the parser refuses it.
    constexpr int kMaxDepth = 64;
    const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t, json&) {
        if (depth > kMaxDepth)
            throw std::length_error("too deep");
        return true;
    };
    try {
        return json::parse(text, limit_depth);
    } catch (const std::length_error&) {
        throw InputError(file + ": $: nested deeper than " + std::to_string(kMaxDepth) +
                         " levels; a scenario needs at most 5");
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> the tail
        const size_t at = what.find("parse error");
        throw InputError(
            file + ": $: not valid JSON: " + (at == std::string::npos ? what : what.substr(at)));
    }
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
            if (used != number.size() || v < 0)
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
