// VcdWriter's timestamps: put_time adds the step since the last stamp to its decimal digits
// (eight at a time) instead of printing each time anew, so these cases cross every boundary
// that arithmetic has. The expected text is the VCD grammar (IEEE 1364-2005 18.2: a
// simulation time is '#' and a decimal number), each number written out here by hand.
#include <catch2/catch.hpp>

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
