// Builds the models a scenario describes, runs the simulation, and collects the results.
// SystemC allows one elaboration per process: run_scenario is called once per process.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/common/duration_stats.h"
#include "models/ssif/bmc/daemon_observer.h"
#include "models/ssif/host/ssif_host.h"
#include "tools/json_reader.h"
#include "tools/scenario.h"

namespace ssifsim::tools {

struct RunOptions {
    std::string vcd_path;            // wire-level VCD; the transaction-level one goes beside it
    std::string log_path;            // JSON Lines event log
    std::string report_path;         // JSON report
    std::string junit_path;          // JUnit XML: one test case per check
    uint64_t until_ns = 0;           // 0: until every request has completed and nothing is pending
    EventSink* extra_sink = nullptr; // also receives every event (tests, tools)
    // Also told what crosses /dev/ipmi-ssif-host (tests that act when the daemon reads).
    ssif::DaemonObserver* daemon_observer = nullptr;
    // Draw a progress line (simulated time, requests answered) on this stream about once a
    // wall second, erased at the end; for a terminal only (cut to the width of the terminal
    // on standard error). Never part of any output file.
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

struct RunResult;
struct Scenario;

// What one component (tools/system/component.h) leaves of a run: its sections of the report,
// its lines of the summary, its expectations. A snapshot, taken when the run ended: it
// outlives the models.
class ComponentResult {
  public:
    virtual ~ComponentResult() = default;
    // Adds its top-level sections to the report (after "faults", in registry order).
    virtual void report(ojson& /*report*/) const {}
    // Lines after request i's steps, for the first RunResult::kExplainedRequests.
    virtual void summary_request(std::ostream&, const RunResult&, size_t /*i*/) const {}
    // Lines after the response figures, before the checks.
    virtual void summary_figures(std::ostream&, const RunResult&) const {}
    // Lines after the checks.
    virtual void summary_end(std::ostream&, const RunResult&) const {}
    // Its expectations from the scenario's expect section, judged.
    virtual void expectations(const Scenario&, const RunResult&, std::vector<Check>&) const {}
};

struct RunResult {
    // The first kKeptOutcomes outcomes in completion order, and any an expectation names;
    // the figures below cover every request.
    static constexpr size_t kKeptOutcomes = 1000;
    std::vector<ssif::RequestOutcome> outcomes;
    size_t submitted = 0;   // handed to the driver by the run's end
    size_t not_yet_due = 0; // the workload's requests due after the run's end (--until)
    size_t completed = 0;
    // The requests the driver had started and not completed when the run ended: id ->
    // started_ns (a run cut at its end time, or one whose host never finished).
    std::map<int, uint64_t> open_requests;
    Distribution response; // request to response, over every completed request
    uint64_t failed = 0, write_retries = 0, read_retries = 0;
    uint64_t end_ns = 0;
    std::vector<Check> checks;
    // Every request up to this many has its steps in the summary, and its failure explained.
    static constexpr size_t kExplainedRequests = 10;
    // The events a failed request among the first kExplainedRequests is explained with
    // (tools/causes.h), in time order.
    std::vector<Event> cause_records;
    std::vector<uint64_t> faults_fired; // per scenario fault
    ssif::LinkSetup link;               // what the host used (probed or stated)
    ssif::HostStats host_stats;
    // What each component made of the run, in registry order (tools/system/registry.cpp).
    std::vector<std::shared_ptr<const ComponentResult>> components;
    // The result of type T (e.g. BmcResult), or nullptr if no component gave one.
    template <typename T> const T* find() const {
        for (const auto& c : components)
            if (const T* t = dynamic_cast<const T*>(c.get()))
                return t;
        return nullptr;
    }
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
