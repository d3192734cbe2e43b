#include "tools/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <systemc>
#include <unistd.h>

#include "models/common/sim_time.h"
#include "models/common/stop_gate.h"
#include "models/common/thread_reaper.h"
#include "models/common/vcd_writer.h"
#include "tools/causes.h"
#include "tools/checks.h"
#include "tools/format.h"
#include "tools/gtkw.h"
#include "tools/interrupt.h"
#include "tools/jsonl_sink.h"
#include "tools/junit.h"
#include "tools/output_file.h"
#include "tools/report.h"
#include "tools/status_line.h"
#include "tools/system/component.h"

namespace ssifsim::tools {

namespace {
// A progress line for a terminal: the wall clock is read every 4096 events, the line redrawn
// at most once a second.
class ProgressSink : public EventSink {
  public:
    ProgressSink(std::ostream& out, size_t total_requests)
        : line_(&out, STDERR_FILENO), total_(total_requests),
          last_(std::chrono::steady_clock::now()) {}
    // Counts events and prints an event's t_ns, on the wall clock's time.
    bool records_early(EventId) const override { return true; }
    bool records_all_early() const override { return true; }
    void record(const Event& e) override {
        if (e.id == events::kHostResponse)
            ++answered_;
        if (++events_ % 4096 != 0)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1))
            return;
        last_ = now;
        char text[160];
        std::snprintf(text, sizeof text, "  simulated %.3f s, %llu/%zu request(s) answered",
                      static_cast<double>(e.t_ns) / 1e9, static_cast<unsigned long long>(answered_),
                      total_);
        line_.draw(text);
    }

  private:
    StatusLine line_; // blanked when the sink goes
    size_t total_;
    std::chrono::steady_clock::time_point last_;
    uint64_t events_ = 0, answered_ = 0;
};

// Stops the simulation at the first event after SIGINT, SIGTERM or SIGHUP (tools/interrupt.h)
// other than a wire byte: a transfer logs its START and STOP, and its bytes are most of a
// run's events, each of which this sink was asked about.
class InterruptSink : public EventSink {
  public:
    InterruptSink() {
        asked_.set();
        asked_.reset(events::kBusByte);
    }
    bool wants(EventId) const override { return !stopped_ && interrupt_signal() != 0; }
    const std::bitset<events::kCount>* wants_at_most() const override { return &asked_; }
    // Wanting no event (no signal yet), it records none early or late.
    bool records_all_early() const override { return !wants(EventId{}); }
    void record(const Event&) override {
        if (!stopped_ && interrupt_signal() != 0) {
            stopped_ = true;
            sc_core::sc_pause(); // not sc_stop: the reaper still needs a delta cycle
        }
    }

  private:
    bool stopped_ = false;
    std::bitset<events::kCount> asked_;
};

} // namespace

bool RunResult::passed() const {
    for (const Check& c : checks)
        if (!c.pass)
            return false;
    return true;
}

std::string transaction_vcd_path(const std::string& vcd_path) {
    const std::string ext = ".vcd";
    if (vcd_path.size() > ext.size() &&
        vcd_path.compare(vcd_path.size() - ext.size(), ext.size(), ext) == 0)
        return vcd_path.substr(0, vcd_path.size() - ext.size()) + ".tl.vcd";
    return vcd_path + ".tl.vcd";
}

RunResult run_scenario(const Scenario& s, const RunOptions& options) {
    const auto wall_start = std::chrono::steady_clock::now();
    // The components first: one that cannot start (ipmi_sim not installed) is bad input,
    // found before any output is touched.
    std::vector<std::unique_ptr<Component>> components = make_components(s);
    // Every output is opened before any is truncated; bad paths are found before anything
    // changes on disk (what a failed prepare created is removed again).
    OutputFiles outputs;
    OutputFile* log_out = outputs.prepare(options.log_path, OutputFile::Kind::Stream);
    // The VCDs (gigabytes, in megabyte blocks) past the page cache; the log stays followable.
    OutputFile* vcd_out = outputs.prepare(options.vcd_path, OutputFile::Kind::Bulk);
    OutputFile* tl_out =
        options.vcd_path.empty()
            ? nullptr
            : outputs.prepare(transaction_vcd_path(options.vcd_path), OutputFile::Kind::Bulk);
    OutputFile* report_out = outputs.prepare(options.report_path, OutputFile::Kind::Document);
    OutputFile* junit_out = outputs.prepare(options.junit_path, OutputFile::Kind::Document);
    std::ostream* log_file = log_out ? &log_out->open() : nullptr;
    std::ostream* vcd_file = vcd_out ? &vcd_out->open() : nullptr;
    std::ostream* tl_file = tl_out ? &tl_out->open() : nullptr;

    RunResult result;
    IpmiMessagesCheck messages;
    FaultPlan faults(s.faults);
    TeeSink log;
    CauseRecorder causes(RunResult::kExplainedRequests);
    log.add(&causes);
    InterruptSink interrupt;
    log.add(&interrupt);
    std::optional<ProgressSink> progress;
    if (options.progress) {
        progress.emplace(*options.progress, s.total_requests());
        log.add(&*progress);
    }
    std::optional<JsonlSink> jsonl;
    if (log_file) {
        jsonl.emplace(*log_file);
        log.add(&*jsonl);
    }
    if (options.extra_sink)
        log.add(options.extra_sink);
    std::unique_ptr<VcdWriter> wire_vcd, tl_vcd;
    if (vcd_file) {
        wire_vcd = std::make_unique<VcdWriter>(*vcd_file, "smbus");
        tl_vcd = std::make_unique<VcdWriter>(*tl_file, "ssifsim");
        // The transaction-level file holds the wires too: one file, one time axis for GTKWave.
        // The bus draws a byte's bits when its ACK is due, 8 bit periods after they began.
        wire_vcd->mirror_to(tl_vcd.get(), 16 * s.bus.bit_ns());
    }
    const uint64_t until_ns = options.until_ns ? options.until_ns : s.until_ns;
    StopGate gate; // without an end time: stop when the host and the MSI stream are done
    System system{
        s,          log,    wire_vcd.get(), tl_vcd.get(), until_ns ? nullptr : &gate,
        until_ns,   faults, messages,       result,       options.daemon_observer,
        components,
    };

    for (const auto& c : components)
        c->add_sinks(system, log);
    for (const auto& c : components)
        c->build(system);
    ThreadReaper reaper("reaper");

    run_until_ns() = until_ns ? until_ns : UINT64_MAX;
    if (until_ns)
        sc_core::sc_start(ns(until_ns));
    else
        sc_core::sc_start();
    run_until_ns() = 0;

    // A run paused mid-transfer (a signal) ends where the bus had logged to.
    result.end_ns = sim_now_ns();
    for (const auto& c : components)
        result.end_ns = std::max(result.end_ns, c->reached_ns());
    result.interrupted_by = interrupt_signal();
    std::vector<Check> checks;
    for (const auto& c : components)
        result.components.push_back(c->finish(system, checks));
    if (wire_vcd) {
        wire_vcd->finish(result.end_ns);
        tl_vcd->finish(result.end_ns);
    }
    result.cause_records = causes.records();
    std::vector<std::string> why_not_fired;
    for (size_t i = 0; i < s.faults.size(); ++i) {
        result.faults_fired.push_back(faults.fired(i));
        why_not_fired.push_back(faults.fired(i) ? "" : faults.why_not_fired(i));
    }
    checks.push_back(messages.result());
    checks.push_back(check_faults_fired(s.faults, result.faults_fired, why_not_fired));
    order_spec_checks(checks);
    for (Check& c : checks)
        apply_expected_verdict(s, c);
    result.checks = std::move(checks);
    for (Check& c : check_expectations(s, result))
        result.checks.push_back(c);
    for (const auto& c : result.components)
        if (c)
            c->expectations(s, result, result.checks);

    if (result.interrupted_by) {
        Check c;
        c.name = check_name(CheckId::Interrupted);
        c.description = "the run went to its end";
        c.pass = false;
        c.detail = std::string("stopped by ") + signal_name(result.interrupted_by) + " at " +
                   ms(result.end_ns) + "; the other checks cover the run up to then";
        result.checks.push_back(c);
    }

    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    // The streams first (the VCDs' writers flushed them in finish(), the log's here): if one
    // of them failed, no report or JUnit file claims a result.
    if (jsonl)
        jsonl->flush();
    for (OutputFile* f : {log_out, vcd_out, tl_out})
        if (f && result.output_error.empty())
            result.output_error = f->commit();
    // A GTKWave save file (and its filter files) beside each VCD.
    if (wire_vcd && result.output_error.empty()) {
        try {
            const std::string tl_path = transaction_vcd_path(options.vcd_path);
            for (const std::string& f :
                 write_gtkw(gtkw_path(options.vcd_path), tl_path, *tl_vcd, result.end_ns))
                result.viewer_files.push_back(f);
            for (const std::string& f : write_gtkw(wires_gtkw_path(options.vcd_path),
                                                   options.vcd_path, *wire_vcd, result.end_ns))
                result.viewer_files.push_back(f);
        } catch (const std::runtime_error& e) {
            result.output_error = e.what();
        }
    }
    if (report_out && result.output_error.empty()) {
        report_out->open() << output_text(build_report(s, result), 2) << '\n';
        result.output_error = report_out->commit();
    }
    if (junit_out && result.output_error.empty()) {
        write_junit(junit_out->open(), s, result);
        result.output_error = junit_out->commit();
    }

    // Unwind the threads still waiting, so that what their frames hold is freed. Nothing of
    // that last delta cycle may reach the outputs or the result: the log's sinks are gone,
    // the VCDs have finished, and the collector writes into a result no longer returned.
    RunResult done = std::move(result);
    log.clear();
    reaper.reap();
    while (!components.empty()) // the modules go in the reverse order of their making
        components.pop_back();
    return done;
}

} // namespace ssifsim::tools
