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

// Bad input: the message names the file and the JSON path. Exit code 2.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Reads a JSON file; throws InputError for a missing, unreadable, empty or malformed file.
json load_json_file(const std::string& file);

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

// Parses a duration such as "250ms", "15s", "100us", "1000ns" or "0.5ms" into ns.
// Returns false if the text is not one.
bool parse_duration(const std::string& text, uint64_t* ns);

} // namespace ssifsim::tools
