// One scenario run with the zPCI option ZpciConfig::source_starts_entry as its first
// argument names ("on": the MSI source starts a woken CPU's interrupt entry itself, the
// default; "off": each CPU's thread does): zpci_entry_golden.cmake runs both and compares
// the event logs, reports and waveforms byte for byte, which must not depend on the option.
// One run per process: SystemC allows one elaboration. Exit 0 when the run's checks pass.
#include <cstdio>
#include <exception>
#include <string>
#include <systemc>

#include "tools/runner.h"
#include "tools/scenario.h"

int sc_main(int argc, char* argv[]) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const std::string mode = argc == 6 ? argv[1] : "";
    if (mode != "on" && mode != "off") {
        std::fprintf(stderr, "usage: zpci_entry_golden on|off SCENARIO LOG REPORT VCD\n");
        return 2;
    }
    try {
        ssifsim::tools::Scenario scenario = ssifsim::tools::load_scenario(argv[2]);
        scenario.zpci.config.source_starts_entry = mode == "on";
        ssifsim::tools::RunOptions options;
        options.log_path = argv[3];
        options.report_path = argv[4];
        options.vcd_path = argv[5];
        const auto result = ssifsim::tools::run_scenario(scenario, options);
        return result.passed() && result.output_error.empty() ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zpci_entry_golden: %s\n", e.what());
        return 3;
    }
}
