// libFuzzer target for the scenario loader: any byte string either loads as a scenario or is
// refused as bad input (InputError, exit 2 in the CLI); anything else (a crash, a sanitizer
// report, another exception, a hang) is a finding. A scenario that loads must print as a
// configuration that loads again to the same configuration (what --print-config promises).
//
//   CXX=clang++ cmake -S . -B build-fuzz -DSSIFSIM_FUZZ=ON && cmake --build build-fuzz -j2
//   build-fuzz/fuzz_scenario -max_total_time=60 build-fuzz/corpus scenarios/
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <systemc>

#include "tools/json_reader.h"
#include "tools/scenario.h"

using namespace ssifsim::tools;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > kMaxScenarioBytes)
        return -1; // the loader refuses these before parsing
    const std::string text(reinterpret_cast<const char*>(data), size);
    Scenario s;
    try {
        s = parse_scenario(parse_json_text(text, "fuzz.json"), "fuzz.json");
    } catch (const InputError&) {
        return 0; // refused, with a message: the promised outcome for bad input
    }
    const std::string printed = scenario_to_json(s).dump();
    try {
        const Scenario again =
            parse_scenario(parse_json_text(printed, "printed.json"), "printed.json");
        if (scenario_to_json(again).dump() != printed) {
            std::cerr << "the printed configuration loads to a different one:\n" << printed << "\n";
            std::abort();
        }
    } catch (const InputError& e) {
        std::cerr << "the printed configuration does not load: " << e.what() << "\n"
                  << printed << "\n";
        std::abort();
    }
    return 0;
}

// SystemC's library brings a main() that calls sc_main; libFuzzer's main() is the one used.
int sc_main(int, char*[]) {
    return 0;
}
