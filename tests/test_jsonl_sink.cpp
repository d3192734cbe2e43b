// The event log's JSON lines: JsonlSink writes each event without building a JSON document,
// and the line must be the one nlohmann::ordered_json's dump() makes of the object
// {"t_ns", "src", "ev", fields in order} (what the log held when the sink built that
// document: every golden log was written so). The reference here builds the document.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tools/jsonl_sink.h"

using ssifsim::Bytes;
using ssifsim::Event;
using ssifsim::Hex8;
using ssifsim::tools::JsonlSink;
namespace events = ssifsim::events;

namespace {
// ordered_json's operator[] on a key already there replaces its value in its first place.
std::string reference_line(const Event& e) {
    nlohmann::ordered_json j;
    j["t_ns"] = e.t_ns;
    j["src"] = std::string(e.src);
    j["ev"] = std::string(e.ev);
    for (const ssifsim::Field& f : e.fields) {
        nlohmann::ordered_json& v = j[std::string(f.key)];
        if (const auto* n = std::get_if<int64_t>(&f.value))
            v = *n;
        else if (const auto* b = std::get_if<bool>(&f.value))
            v = *b;
        else if (const auto* s = std::get_if<std::string>(&f.value))
            v = *s;
        else if (const auto* h = std::get_if<Hex8>(&f.value))
            v = ssifsim::hex_byte(h->value);
        else
            v = ssifsim::hex_string(std::get<Bytes>(f.value));
    }
    return j.dump();
}

// A sink keeps what a line holds besides its values by event id (JsonlSink::LineShape):
// the cases give ids, some shared by events of other sources or keys.
Event event(uint64_t t_ns, std::string_view src, std::string_view ev,
            ssifsim::EventId id = events::kCount) {
    Event e;
    e.t_ns = t_ns;
    e.id = id;
    e.src = src;
    e.ev = ev;
    return e;
}
} // namespace

TEST_CASE("JsonlSink writes each event as ordered_json's dump of its object", "[jsonl]") {
    std::vector<Event> cases;
    Event plain = event(89700, "bus", "byte", events::kBusByte);
    plain.fields.add("dir", std::string("w"));
    plain.fields.add("byte", Hex8{0x20});
    plain.fields.add("ack", true);
    plain.fields.add("nak", false);
    cases.push_back(plain);

    Event numbers =
        event(std::numeric_limits<uint64_t>::max(), "host", "request", events::kHostRequest);
    numbers.fields.add("id", int64_t{0});
    numbers.fields.add("min", std::numeric_limits<int64_t>::min());
    numbers.fields.add("max", std::numeric_limits<int64_t>::max());
    numbers.fields.add("neg", int64_t{-42});
    numbers.fields.add("payload", Bytes{0xc0, 0x01, 0xff, 0x00});
    numbers.fields.add("empty", Bytes{});
    numbers.fields.add("blank", std::string());
    numbers.fields.add("low", Hex8{0x0a});
    cases.push_back(numbers);

    // Strings the library escapes: quotes, backslashes, control characters (short forms and
    // \u00XX), DEL (written as it is), UTF-8 (written as it is); a key that needs escaping.
    Event text = event(0, "cpu12", "warn", events::kBmcWarn);
    text.fields.add("text", std::string("say \"hi\" to C:\\dir\n\ttab\x01\x1f\b\f\r end"));
    text.fields.add("path", std::string("C:\\dir\\file"));
    text.fields.add("del", std::string("a\x7f"
                                       "b"));
    text.fields.add("utf8", std::string("100 \xc2\xb5s, \xe2\x86\x92 done"));
    text.fields.add("key \"quoted\"", std::string("v"));
    text.fields.add("line\nkey", int64_t{1});
    cases.push_back(text);

    // Keys given twice, or a field named as the first three: the first place, the last value.
    Event repeated = event(5, "bmc", "state", events::kBmcState);
    repeated.fields.add("from", std::string("READY"));
    repeated.fields.add("to", std::string("START"));
    repeated.fields.add("from", std::string("IDLE"));
    repeated.fields.add("ev", std::string("renamed"));
    repeated.fields.add("t_ns", int64_t{-1});
    cases.push_back(repeated);

    // One id from other sources, with other keys, with none, and outside the catalog.
    Event other_keys = event(6, "bus", "byte", events::kBusByte);
    other_keys.fields.add("dir", std::string("r"));
    other_keys.fields.add("byte", Hex8{0x21});
    other_keys.fields.add("ack", false);
    other_keys.fields.add("pec", true); // where `plain` has "nak"
    cases.push_back(other_keys);
    Event fewer_keys = event(7, "bus", "byte", events::kBusByte);
    fewer_keys.fields.add("dir", std::string("r"));
    cases.push_back(fewer_keys);
    Event cpu3 = event(8, "cpu3", "warn", events::kBmcWarn);
    cpu3.fields.add("text", std::string("plain"));
    cases.push_back(cpu3);
    Event cpu12 = event(9, "cpu12", "warn", events::kBmcWarn);
    cpu12.fields.add("text", std::string("plain"));
    cases.push_back(cpu12);
    cases.push_back(event(10, "bus", "byte", events::kBusByte));
    cases.push_back(event(11, "host", "link"));

    for (const Event& e : cases) {
        INFO(reference_line(e));
        CHECK(JsonlSink::format(e) == reference_line(e));
    }

    // record(): the lines in order, each ending in '\n', once flushed; the same as format().
    // Many blocks' worth (JsonlSink::kBlockBytes each), and a line longer than a block.
    Event long_text = event(7, "bmc", "warn");
    long_text.fields.add("text", std::string(3 * JsonlSink::kBlockBytes, 'x'));
    std::ostringstream out;
    std::string expected;
    {
        JsonlSink sink(out);
        const auto record = [&](const Event& e) {
            sink.record(e);
            expected += reference_line(e) + "\n";
        };
        for (int round = 0; round < 2000; ++round)
            for (const Event& e : cases)
                record(e);
        record(long_text);
        record(plain);
        sink.flush();
        CHECK(out.str() == expected);
        record(plain);
    } // and at its end
    CHECK(out.str() == expected);
}

TEST_CASE("JsonlSink writes bytes that are not UTF-8 as U+FFFD", "[jsonl]") {
    // serializer::dump_escaped with error_handler_t::replace: each invalid sequence becomes
    // U+FFFD, written as its UTF-8 bytes (ensure_ascii off). A lone 0xff; "ok " and a lead
    // byte cut off (an ipmi_sim line cut inside a character); 0xe2 0x28 0xa1, the lead byte
    // replaced and the rest kept ('(' is ASCII; 0xa1 a stray continuation byte).
    const std::string fffd = "\xef\xbf\xbd";
    const std::pair<const char*, std::string> cases[] = {
        {"\xff", fffd}, {"ok \xc3", "ok " + fffd}, {"\xe2\x28\xa1", fffd + "(" + fffd}};
    for (const auto& [bad, shown] : cases) {
        Event e = event(1, "bmc", "warn", events::kBmcWarn);
        e.fields.add("text", std::string(bad));
        const std::string line =
            "{\"t_ns\":1,\"src\":\"bmc\",\"ev\":\"warn\",\"text\":\"" + shown + "\"}";
        CHECK(JsonlSink::format(e) == line);
        std::ostringstream out;
        JsonlSink sink(out);
        sink.record(e);
        sink.flush();
        CHECK(out.str() == line + "\n");
    }
}

TEST_CASE("JsonlSink writes each line's t_ns as the library does when times repeat and move",
          "[jsonl]") {
    // A sink keeps the last line's t_ns as text and makes anew only its last six digits
    // when the rest stays (JsonlSink::TimeText). Times that repeat, that change below and
    // across the sixth digit, that gain and lose digits (999999 -> 1000000 -> 10000000), go
    // back, go below 1,000,000 (fewer than seven digits: made whole), and the largest uint64_t;
    // each line must be the reference's (nlohmann's integer digits).
    const uint64_t times[] = {0,
                              0,
                              5,
                              999'999,
                              1'000'000,
                              1'000'000,
                              1'000'001,
                              1'999'999,
                              2'000'000,
                              9'999'999,
                              10'000'000,
                              10'000'099,
                              10'100'000,
                              10'000'000,
                              999'999,
                              123'456'789'012,
                              123'456'000'000,
                              123'456'999'999,
                              123'455'999'999,
                              123'456'789'012,
                              std::numeric_limits<uint64_t>::max(),
                              std::numeric_limits<uint64_t>::max() - 1'000'000,
                              7};
    std::ostringstream out;
    std::string expected;
    {
        JsonlSink sink(out);
        for (const uint64_t t : times) {
            Event e = event(t, "bus", "byte", events::kBusByte);
            e.fields.add("byte", Hex8{0x5a});
            sink.record(e);
            expected += reference_line(e) + "\n";
        }
    }
    CHECK(out.str() == expected);
}
