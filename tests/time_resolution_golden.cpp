// A scenario run as `ssifsim run SCENARIO --log LOG` runs it, at the SystemC time resolution
// its first argument names (tests/time_resolution_arg.h): the event log must equal the
// scenario's golden log in traces/, made at SystemC's default 1 ps (time_resolution_golden.cmake
// compares them). One run per process: SystemC allows one resolution and one elaboration.
// Exit 0 when the run's checks and expectations pass.
#include <cstdio>
#include <exception>
#include <systemc>

#include "tests/time_resolution_arg.h"
#include "tools/runner.h"
#include "tools/scenario.h"

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    if (argc != 4 || !ssifsim::test::set_time_resolution(argv[1])) {
        std::fprintf(stderr, "usage: time_resolution_golden RESOLUTION SCENARIO LOG\n");
        return 2;
    }
    try {
        ssifsim::tools::RunOptions options;
        options.log_path = argv[3];
        const auto result =
            ssifsim::tools::run_scenario(ssifsim::tools::load_scenario(argv[2]), options);
        return result.passed() && result.output_error.empty() ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "time_resolution_golden: %s\n", e.what());
        return 3;
    }
}
