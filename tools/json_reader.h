// Validated access to a scenario's JSON: every read names its JSON path, every object
// rejects keys it was not asked about, and every error says what is accepted.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ssifsim::tools {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json; // for output: keys keep their order

// The text of an output document or log line, `indent` as dump()'s (-1: one line). A string
// from outside the simulator (an ipmi_sim console line, which ipmi_sim may cut inside a
// character) need not be UTF-8: bytes that are not are written as U+FFFD
// (error_handler_t::replace), where dump()'s default throws type_error 316.
template <typename Json> std::string output_text(const Json& doc, int indent = -1) {
    return doc.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// `text` with its bytes that are not UTF-8 replaced as output_text() replaces them (U+FFFD):
// for an output that is not JSON (JUnit XML) naming what a JSON report names, say a capture
// file whose name is not UTF-8.
std::string utf8_text(const std::string& text);

// Bad input: the message names the file and the JSON path. Exit code 2.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The largest scenario file read (16 MiB); a bigger one is refused before it is read.
constexpr uint64_t kMaxScenarioBytes = 16u << 20;

// Reads a JSON file; throws InputError for a missing, unreadable, empty or malformed file, a
// file that is not a regular file (a directory, /dev/zero, a FIFO) or is over
// kMaxScenarioBytes, and a file name that is not valid UTF-8.
json load_json_file(const std::string& file);
// Parses a scenario's text: any error of the JSON library (syntax, a number outside double's
// range, bad UTF-8), a duplicate key or nesting deeper than 64 levels is an InputError naming
// the file, the JSON path and, for syntax errors, the line and column.
json parse_json_text(const std::string& text, const std::string& file);

// UTF-8 helpers for messages: nothing printed cuts a character in half or passes on bytes
// that are not UTF-8.
bool is_valid_utf8(const std::string& s);
// The length of the well-formed UTF-8 sequence at s[i], or 0 if there is none.
size_t utf8_sequence_length(const std::string& s, size_t i);
// `s` with every byte that is not part of valid UTF-8, and every control character but
// newline and tab, written as \xNN.
std::string printable(const std::string& s);
// At most max_bytes of `s`, ending on a character boundary.
std::string cut_utf8(const std::string& s, size_t max_bytes);

class ObjectReader {
  public:
    // Throws InputError unless `value` is an object.
    ObjectReader(const json& value, std::string path, const std::string& file);

    bool has(const std::string& key) const;
    // True if the key is present and holds a string (for keys that take a number or a word).
    bool is_string(const std::string& key) const;
    bool is_object(const std::string& key) const;
    bool is_array(const std::string& key) const;
    // The object's keys, in the file's order.
    std::vector<std::string> keys() const;
    // Keys read only when present: listed as accepted in an unknown-key message.
    void accepts(std::initializer_list<const char*> keys);

    int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
    // A byte: an integer 0..255 or a string "0x.." of the same.
    uint8_t byte(const std::string& key, uint8_t fallback);
    bool boolean(const std::string& key, bool fallback);
    std::string text(const std::string& key, const std::string& fallback);
    std::string choice(const std::string& key, const std::string& fallback,
                       std::initializer_list<const char*> accepted);
    // A duration given in milliseconds (a number, fractions allowed), returned in ns.
    uint64_t millis(const std::string& key, double fallback_ms, double min_ms, double max_ms);

    // A sub-object; an absent key reads as an empty object.
    ObjectReader object(const std::string& key);
    // An array's elements with their paths; an absent key reads as empty.
    std::vector<std::pair<const json*, std::string>> array(const std::string& key);

    // Rejects any key that was never asked for. Call after the last read.
    void finish() const;

    [[noreturn]] void fail(const std::string& key, const std::string& what) const;
    // The same for a JSON path given whole (say "$.host.irq_fid"): a check across sections.
    [[noreturn]] void fail_path(const std::string& path, const std::string& what) const;
    const std::string& path() const { return path_; }
    const std::string& file() const { return file_; }

  private:
    const json* lookup(const std::string& key);
    std::string key_path(const std::string& key) const;

    const json& value_;
    std::string path_;
    const std::string& file_;
    std::set<std::string> asked_;
    static const json kEmptyObject;
};

// A byte from an array element (integer 0..255 or "0x.." string).
uint8_t element_byte(const json& value, const std::string& path, const std::string& file);

// Simulated time. SystemC keeps time as a 64-bit count of its resolution, 1 ps here, so it
// holds 2^64 ps, about 213.5 days; everything a run schedules (--until, requests, MSIs,
// actions) must lie within the first 200 days, the rest is headroom for what was started
// last to finish. Checked at validation, so that no time wraps in the run.
constexpr uint64_t kMaxSimNs = 200ULL * 24 * 3600 * 1'000'000'000;
constexpr const char* kMaxSimText = "200 days (17280000 s) of simulated time";
// start + steps * step in checked arithmetic: false if it overflows or passes kMaxSimNs.
bool checked_schedule_end(uint64_t start, uint64_t steps, uint64_t step, uint64_t* end);

// Parses a duration such as "250ms", "15s", "100us", "1000ns" or "0.5ms" into ns.
// Returns false if the text is not one, or is beyond kMaxSimNs.
bool parse_duration(const std::string& text, uint64_t* ns);

} // namespace ssifsim::tools
