// A scenario: the resolved configuration of one run, loaded and validated from JSON.
// The format is documented in scenarios/README.md.
#pragma once

#include <string>
#include <vector>

#include "models/smbus/timing.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/host/ssif_host.h"
#include "tools/json_reader.h"

namespace ssifsim::tools {

struct Expectations {
    uint64_t t6_max_ns = 250'000'000; // IPMI v2.0 §12 SSIF timing, T6max
};

struct Scenario {
    static constexpr int kVersion = 1;

    std::string file;
    int version = kVersion;
    std::string description;
    uint64_t seed = 1;
    smbus::SmbusTiming bus;
    ssif::HostConfig host;
    ssif::BmcConfig bmc;
    ssif::DaemonConfig daemon;
    ssif::ResponderConfig responder;
    std::vector<ssif::HostRequest> requests;
    Expectations expect;
};

// Loads and validates; throws InputError naming the file and JSON path.
Scenario load_scenario(const std::string& file);

// The resolved configuration, every default filled in (for --print-config and the report).
ojson scenario_to_json(const Scenario& s);

} // namespace ssifsim::tools
