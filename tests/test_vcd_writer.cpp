// VcdWriter's timestamps: put_time adds the step since the last stamp to its decimal digits
// (eight at a time) instead of printing each time anew, so these cases cross every boundary
// that arithmetic has. The expected text is the VCD grammar (IEEE 1364-2005 18.2: a
// simulation time is '#' and a decimal number), each number written out here by hand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>

#include "models/common/vcd_writer.h"

using ssifsim::VcdWriter;

namespace {
// The stamps of a one-signal file toggled at each of `times`, in order, then finished there.
std::string stamps(const std::vector<uint64_t>& times, uint64_t timescale_ns = 1) {
    std::ostringstream out;
    {
        VcdWriter vcd(out, "s", timescale_ns);
        const int sig = vcd.add_signal("x", 1, 0);
        uint64_t value = 0;
        for (uint64_t t : times)
            vcd.change(t, sig, value ^= 1);
        vcd.finish(times.back());
    }
    std::string text = out.str(), result;
    std::istringstream lines(text.substr(text.find("$enddefinitions")));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line[0] == '#')
            result += line + ' ';
    return result;
}
} // namespace

TEST_CASE("VCD stamps: carries within the last eight digits", "[vcd]") {
    // 7 + 3 carries once; 99,999,999 + 1 carries through all eight; steps repeat and vary.
    CHECK(stamps({7, 10, 2500, 5000, 7500, 99'999'999}) ==
          "#0 #7 #10 #2500 #5000 #7500 #99999999 ");
    CHECK(stamps({99'999'998, 99'999'999, 100'000'000, 100'002'500}) ==
          "#0 #99999998 #99999999 #100000000 #100002500 ");
}

TEST_CASE("VCD stamps: a carry into the ninth-last digit and beyond", "[vcd]") {
    // 1,299,999,999 + 1: the eight low digits wrap to 0 and the ninth-last goes 2 -> 3.
    CHECK(stamps({1'299'999'999, 1'300'000'000, 1'300'002'500}) ==
          "#0 #1299999999 #1300000000 #1300002500 ");
    // 99,999,999,999,999 + 2,500: a carry ripples through fourteen digits into a fifteenth.
    CHECK(stamps({99'999'999'999'999, 100'000'000'002'498}) ==
          "#0 #99999999999999 #100000000002498 ");
}

TEST_CASE("VCD stamps: steps of 10^8 and more, up to the largest time", "[vcd]") {
    // A step of eight digits or more is written from the time itself.
    CHECK(stamps({100'000'000, 100'000'001, 12'345'678'901'234}) ==
          "#0 #100000000 #100000001 #12345678901234 ");
    CHECK(stamps({18'446'744'073'709'551'614u, 18'446'744'073'709'551'615u}) ==
          "#0 #18446744073709551614 #18446744073709551615 ");
}

TEST_CASE("VCD stamps: in a coarser timescale", "[vcd]") {
    // $timescale 1000 ns: times in microseconds, 2,500 ns -> #2 and 99,999,999,999 ns ->
    // #99999999 (the integer part, as before: the changes are not rounded).
    CHECK(stamps({2'500, 5'000, 99'999'999'999, 100'000'000'000}, 1000) ==
          "#0 #2 #5 #99999999 #100000000 ");
}

// VcdWriter::changes() and a mirror against the VCD the writer's own rules describe, built
// here from the calls alone: a source file of its changes and a mirror file of its own
// changes merged with the source's, in time order with the source's first at one time (the
// order mirror_to promises, for changes no more than max_lag_ns behind the mirror's latest).
// At each time, the signals that changed, in the order of their first change there, with
// their last value, a line each where it differs from what was last written, under one
// '#' stamp if any line is written (IEEE 1364-2005 18.2). The calls are random: runs of
// 1-bit changes like a wire trace's bytes (values often repeated, so lines are skipped), runs
// that are no run (a multi-bit signal, equal or falling times), single changes, and the
// mirror's own changes before, among and after a run's.
namespace {
struct Call {
    bool own;   // the mirror's own change, else the source's
    bool batch; // the first of a changes() list of `batch_size`
    size_t batch_size;
    uint64_t t;
    int signal; // in the calling writer
    uint64_t value;
};

struct ModelSignal {
    std::string id;
    unsigned width;
    uint64_t written;
};

std::string value_line(const ModelSignal& s, uint64_t v) {
    if (s.width == 1)
        return (v ? "1" : "0") + s.id + "\n";
    std::string bits;
    for (int bit = static_cast<int>(s.width) - 1; bit >= 0; --bit)
        if (!bits.empty() || ((v >> bit) & 1) || bit == 0)
            bits += (v >> bit) & 1 ? '1' : '0';
    return "b" + bits + " " + s.id + "\n";
}

// The body (after the initial values at #0) of a file of `changes` in this order (time
// nondecreasing), finished at t_end.
std::string model_body(std::vector<ModelSignal> signals,
                       const std::vector<std::pair<uint64_t, std::pair<int, uint64_t>>>& changes,
                       uint64_t t_end) {
    std::string out;
    uint64_t stamped = 0;
    for (size_t i = 0; i < changes.size();) {
        const uint64_t t = changes[i].first;
        std::vector<int> order;
        std::vector<uint64_t> last(signals.size());
        for (; i < changes.size() && changes[i].first == t; ++i) {
            const auto [sig, value] = changes[i].second;
            if (std::find(order.begin(), order.end(), sig) == order.end())
                order.push_back(sig);
            last[sig] = value;
        }
        for (int sig : order) {
            if (last[sig] == signals[sig].written)
                continue;
            if (stamped != t)
                out += "#" + std::to_string(t) + "\n";
            stamped = t;
            out += value_line(signals[sig], last[sig]);
            signals[sig].written = last[sig];
        }
    }
    if (t_end > stamped)
        out += "#" + std::to_string(t_end) + "\n";
    return out;
}

std::string body(const std::string& file) {
    // After "#0\n" and the initial values: from the second stamp on.
    const size_t first = file.find("\n#0\n");
    const size_t second = file.find("\n#", first + 1);
    return second == std::string::npos ? "" : file.substr(second + 1);
}

// Random calls: source signals 0, 1 (1-bit) and 2 (8-bit); mirror signals 0..1 or 0..2 its own
// (declared after the mirrored ones, or before them when `own_first`).
std::vector<Call> random_calls(std::mt19937_64& rng, uint64_t max_lag, uint64_t start) {
    std::vector<Call> calls;
    uint64_t src_t = start, own_t = start;
    const auto pick = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
    for (int step = 0; step < 400; ++step) {
        const uint64_t kind = pick(10);
        if (kind < 5) { // a run like a byte's, sometimes broken
            const size_t n = 2 + pick(30);
            uint64_t t = std::max(src_t, own_t > max_lag ? own_t - max_lag : 0) + pick(4);
            for (size_t i = 0; i < n; ++i) {
                const bool wide = pick(40) == 0;
                const int sig = wide ? 2 : static_cast<int>(pick(2));
                const uint64_t value = wide ? pick(256) : pick(3) == 0;
                calls.push_back({false, i == 0, n, t, sig, value});
                src_t = t;
                t += pick(25) == 0 ? 0 : 1 + pick(3); // now and then an equal time
            }
        } else if (kind < 6) { // a single source change
            const uint64_t t = std::max(src_t, own_t > max_lag ? own_t - max_lag : 0) + pick(3);
            calls.push_back({false, false, 1, t, static_cast<int>(pick(3)), pick(2)});
            src_t = t;
        } else { // the mirror's own: at most max_lag ahead of the source, often among its run
            own_t = std::max(own_t, src_t > 20 ? src_t - 20 : 0) + pick(8);
            own_t = std::min(own_t, src_t + max_lag);
            calls.push_back({true, false, 1, own_t, static_cast<int>(pick(3)), pick(3) % 2});
        }
    }
    return calls;
}
} // namespace

TEST_CASE("VCD changes(): runs and a mirror write the files the VCD rules give", "[vcd]") {
    const uint64_t max_lag = 16;
    // From time 1, and a few thousand ns before stamps carry past their eight low digits, or
    // gain a digit, or in the middle of a 15-digit time.
    const uint64_t starts[] = {1, 99'997'000, 9'999'997'000, 99'999'999'997'000,
                               123'456'789'012'345};
    for (int own_first = 0; own_first < 2; ++own_first) {
        for (uint64_t seed = 1; seed <= 150; ++seed) {
            std::mt19937_64 rng(seed);
            const uint64_t start = starts[seed % std::size(starts)];
            const std::vector<Call> calls = random_calls(rng, max_lag, start);
            std::ostringstream src_out, mirror_out;
            std::vector<std::pair<uint64_t, std::pair<int, uint64_t>>> src_changes, merged;
            uint64_t t_end = 0;
            {
                VcdWriter src(src_out, "s"), mirror(mirror_out, "m");
                src.mirror_to(&mirror, max_lag);
                std::vector<int> own(3);
                if (own_first)
                    for (int i = 0; i < 3; ++i)
                        own[i] = mirror.add_signal("own" + std::to_string(i), i == 2 ? 3 : 1, 0);
                const int a = src.add_signal("a", 1, 1), b = src.add_signal("b", 1, 1),
                          c = src.add_signal("c", 8, 0);
                REQUIRE((a == 0 && b == 1 && c == 2));
                if (!own_first)
                    for (int i = 0; i < 3; ++i)
                        own[i] = mirror.add_signal("own" + std::to_string(i), i == 2 ? 3 : 1, 0);
                // The mirror's handles: the mirrored signals as declared through src.
                const int m_src[3] = {own_first ? 3 : 0, own_first ? 4 : 1, own_first ? 5 : 2};

                std::vector<std::pair<uint64_t, std::pair<int, uint64_t>>> own_changes;
                for (size_t i = 0; i < calls.size();) {
                    const Call& call = calls[i];
                    if (call.own) {
                        mirror.change(call.t, own[call.signal], call.value);
                        own_changes.push_back({call.t, {own[call.signal], call.value}});
                        ++i;
                        continue;
                    }
                    const size_t n = call.batch ? call.batch_size : 1;
                    std::vector<VcdWriter::Change> list;
                    for (size_t j = i; j < i + n; ++j) {
                        list.push_back({calls[j].t, calls[j].signal, calls[j].value});
                        src_changes.push_back({calls[j].t, {calls[j].signal, calls[j].value}});
                    }
                    if (n == 1)
                        src.change(list[0].t_ns, list[0].signal, list[0].value);
                    else
                        src.changes(list.data(), list.size());
                    i += n;
                }
                // The merge: by time, the source's first at one time.
                size_t s = 0, o = 0;
                while (s < src_changes.size() || o < own_changes.size()) {
                    const bool take_src =
                        o == own_changes.size() ||
                        (s < src_changes.size() && src_changes[s].first <= own_changes[o].first);
                    if (take_src) {
                        merged.push_back(
                            {src_changes[s].first,
                             {m_src[src_changes[s].second.first], src_changes[s].second.second}});
                        ++s;
                    } else {
                        merged.push_back(own_changes[o++]);
                    }
                }
                t_end = std::max(src_changes.back().first, merged.back().first) + 5;
                src.finish(t_end);
                mirror.finish(t_end);
            }
            // Identifiers in declaration order: '!', '"', '#', ...
            std::vector<ModelSignal> src_signals{{"!", 1, 1}, {"\"", 1, 1}, {"#", 8, 0}};
            std::vector<ModelSignal> mirror_signals;
            for (int i = 0; i < 6; ++i) {
                const bool mirrored = own_first ? i >= 3 : i < 3;
                const int k = own_first ? (mirrored ? i - 3 : i) : (mirrored ? i : i - 3);
                mirror_signals.push_back({std::string(1, static_cast<char>('!' + i)),
                                          mirrored ? src_signals[k].width : (k == 2 ? 3u : 1u),
                                          mirrored ? src_signals[k].written : 0});
            }
            INFO("seed " << seed << " from " << start << (own_first ? ", own signals first" : ""));
            CHECK(body(src_out.str()) == model_body(src_signals, src_changes, t_end));
            CHECK(body(mirror_out.str()) == model_body(mirror_signals, merged, t_end));
        }
    }
}

TEST_CASE("VCD changes(): a run later than the mirror promised is written as change() writes it",
          "[vcd]") {
    // mirror_to's promise broken: the run comes after the mirror wrote its own change at
    // 1,000, far more than max_lag_ns behind. release_held writes such changes at the latest
    // time written rather than back in time; changes() promises change()'s file.
    const auto files = [](bool batched) {
        std::ostringstream src_out, mirror_out;
        {
            VcdWriter src(src_out, "s"), mirror(mirror_out, "m");
            src.mirror_to(&mirror, 16);
            const int a = src.add_signal("a", 1, 1), b = src.add_signal("b", 1, 1);
            const int own = mirror.add_signal("own", 1, 0);
            mirror.change(1000, own, 1);
            mirror.change(2000, own, 0); // releases the first: written at 1,000
            const std::vector<VcdWriter::Change> run{
                {500, a, 0}, {510, b, 0}, {520, a, 1}, {1000, b, 1}, {1005, a, 0}};
            if (batched) {
                src.changes(run.data(), run.size());
            } else {
                for (const VcdWriter::Change& c : run)
                    src.change(c.t_ns, c.signal, c.value);
            }
            mirror.change(3000, own, 1);
            src.finish(4000);
            mirror.finish(4000);
        }
        return src_out.str() + "--\n" + mirror_out.str();
    };
    const std::string batched = files(true);
    CHECK(batched == files(false));
    // And the rule itself: the run's changes up to 1,000 join the own change there, each
    // signal with its last value: a 0 then 1, b 0 then 1, both as they were (1): no line.
    // a's last change, 0 at 1,005, is on time.
    CHECK(batched.find("#1000\n1#\n#1005\n0!\n#2000\n0#\n") != std::string::npos);
}
