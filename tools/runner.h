// Builds the models a scenario describes, runs the simulation, and collects the results.
// SystemC allows one elaboration per process: run_scenario is called once per process.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/common/duration_stats.h"
#include "models/ssif/bmc/ssif_bmc.h"
#include "models/ssif/host/ssif_host.h"
#include "tools/scenario.h"

namespace ssifsim::tools {

struct RunOptions {
    std::string vcd_path;            // wire-level VCD; the transaction-level one goes beside it
    std::string log_path;            // JSON Lines event log
    std::string report_path;         // JSON report
    std::string junit_path;          // JUnit XML: one test case per check
    uint64_t until_ns = 0;           // 0: until every request has completed and nothing is pending
    EventSink* extra_sink = nullptr; // also receives every event (tests, tools)
    // Draw a progress line (simulated time, requests answered) on this stream about once a
    // wall second, erased at the end; for a terminal only. Never part of any output file.
    std::ostream* progress = nullptr;
};

// A spec check or expectation, with its worst figure.
struct Check {
    std::string name;
    std::string description;
    bool pass = true;
    // False: there was nothing to judge (pass stays true, detail says why); shown as such,
    // never as a pass.
    bool judged = true;
    uint64_t limit_ns = 0;
    uint64_t worst_ns = 0;
    int worst_request = 0;
    std::string detail; // one line: why it failed, with the time and the values
};

// One request as the BMC daemon saw it, and its answer if the driver took one.
struct DaemonExchange {
    uint64_t read = 0; // the daemon's read, counted from 1
    Bytes request;
    uint64_t read_ns = 0;
    std::optional<Bytes> response;
    uint64_t write_ns = 0;
};

// What became of the MSIs (scenarios with a zpci section).
struct ZpciResult {
    bool enabled = false;
    zpci::MsiCounts counts;
    std::vector<zpci::Violation> violations; // the first of each kind (IrqAccounting::kKeptPerKind)
    std::array<uint64_t, zpci::kViolationKinds> violation_counts{}; // every one, by kind
    uint64_t violation_total = 0;
    bool accounted = true;
    Distribution latency; // MSI to its handler
    std::vector<zpci::CpuStats> cpus;
    std::vector<zpci::SetupFailure> setup_failures;
    uint64_t fallbacks = 0; // directed MSIs that took the summary path
};

struct RunResult {
    // The first kKeptOutcomes outcomes in completion order, and any an expectation names;
    // the figures below cover every request.
    static constexpr size_t kKeptOutcomes = 1000;
    std::vector<ssif::RequestOutcome> outcomes;
    size_t submitted = 0;
    size_t completed = 0;
    Distribution response; // request to response, over every completed request
    uint64_t failed = 0, write_retries = 0, read_retries = 0;
    uint64_t end_ns = 0;
    uint64_t bus_bytes = 0; // bytes on the SMBus wires, addresses included
    ssif::BmcState bmc_final_state = ssif::BmcState::Ready;
    bool bmc_aborting = false;
    uint64_t bmc_oob_writes = 0;                   // stores past a legal part in ssif_bmc's memory
    std::vector<std::string> bmc_first_oob_writes; // "payload[35] = response.len[0]", ...
    uint64_t bmc_use_after_free = 0; // the response timer ran on a removed driver's context
    std::array<std::array<uint64_t, ssif::kSlaveEventCount>, ssif::kBmcStateCount> coverage{};
    std::vector<Check> checks;
    // When the BMC had each request and the daemon answered it (t_ns of its write), for
    // the first kExplainedRequests, by request order: the summary explains their timing.
    static constexpr size_t kExplainedRequests = 10;
    std::vector<uint64_t> daemon_writes_ns;
    std::vector<uint64_t> requests_available_ns;
    // The events a failed request among the first kExplainedRequests is explained with
    // (tools/causes.h), in time order.
    std::vector<Event> cause_records;
    std::map<std::string, uint64_t> event_counts; // by "src.ev", those expect.counts names
    std::vector<uint64_t> faults_fired;           // per scenario fault
    ssif::LinkSetup link;                         // what the host used (probed or stated)
    ssif::HostStats host_stats;
    ZpciResult zpci;
    // Wall seconds from the start of the run to its last check (JUnit's `time`, the terminal's
    // last line); never in the report or the log, which stay deterministic.
    double wall_seconds = 0;
    int interrupted_by = 0; // the signal that stopped the run early (tools/interrupt.h), or 0
    // The GTKWave save and filter files written beside the VCDs (tools/gtkw.h).
    std::vector<std::string> viewer_files;
    // An output that could not be written completely, named (then the outputs after it in
    // the order log, VCDs, report, JUnit were not written); "" if all were.
    std::string output_error;
    bool passed() const;
};

// The wire VCD path's transaction-level companion: out/q.vcd -> out/q.tl.vcd.
std::string transaction_vcd_path(const std::string& vcd_path);

// Throws InputError if an output file cannot be opened (before any is changed); an output
// that could not be written completely is result.output_error.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

} // namespace ssifsim::tools
