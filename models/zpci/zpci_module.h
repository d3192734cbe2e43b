// The zPCI interrupt path in time: CPUs as SystemC processes that take directed, floating
// and IPI interrupts and run the kernel's handlers (entry latency, then a cost per dispatched
// bit), a stream of MSIs from the PCI functions, and the scenario's actions (affinity
// changes, hot-unplug, CPUs going offline). The logic lives in ZpciKernel, ZpciFacility and
// IrqAccounting; this module adds time, ordering, the log and the waveform.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <unordered_map>
#include <vector>

#include "models/common/event_log.h"
#include "models/common/vcd_writer.h"
#include "models/zpci/facility.h"
#include "models/zpci/fallback.h"
#include "models/zpci/kernel_irq.h"

namespace ssifsim {
class StopGate;
}

namespace ssifsim::zpci {

// Handler costs: scenario parameters (no published figures exist).
struct CpuTiming {
    uint64_t entry_ns = 2000;  // interrupt entry to the first scan
    uint64_t per_bit_ns = 500; // one dispatched bit: the device handler's run
    uint64_t ipi_ns = 3000;    // smp_call_function_single_async to the handler running
    // airq_iv_scan's find to its clear, taken apart only while another CPU is in a handler
    // (0: one instant, as before).
    uint64_t find_clear_ns = 0;
};

struct Msi {
    uint64_t t_ns = 0;
    uint32_t fid = 0;
    unsigned index = 0;
    bool lost = false;       // msi_lost: the write never reaches the facility
    bool duplicated = false; // msi_duplicated: the facility sees it twice
};

// MSIs in time order, pulled one at a time (a storm is never held in memory).
class MsiSchedule {
  public:
    virtual ~MsiSchedule() = default;
    virtual bool next(Msi* out) = 0;
};

struct ZpciAction {
    enum class Kind { Affinity, Plug, Unplug, CpuOffline, CpuOnline };
    uint64_t t_ns = 0;
    Kind kind = Kind::Affinity;
    uint32_t fid = 0;
    int index = -1; // Affinity: -1 for every index
    int cpu = 0;
};

struct ZpciConfig {
    ZpciKernelConfig kernel;
    CpuTiming timing;
    std::vector<FunctionConfig> functions;
    std::vector<ZpciAction> actions; // in time order
    bool log_each_msi = true;        // false: setup, teardown, violations and the summary only
    // The MSI source starts the interrupt entry of the idle CPUs its MSIs wake, when they
    // would be the only processes to run at that time (ZpciSystem::wait_for_next_msi): one
    // activation less per interrupt, with the same log, report and waveform. false: each
    // woken CPU's thread starts its own entry (the reference the tests compare against).
    bool source_starts_entry = true;
};

struct CpuStats {
    uint64_t directed = 0; // interrupts taken, by kind
    uint64_t floating = 0;
    uint64_t ipis = 0;
    uint64_t dispatched = 0; // bits handed to a handler
    uint64_t rescans = 0;    // re-enable, then the second scan
    uint64_t ipis_sent = 0;
    uint64_t busy_ns = 0;
};

class ZpciSystem : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(ZpciSystem);
    // The functions are set up at construction (boot, time 0).
    ZpciSystem(sc_core::sc_module_name name, const ZpciConfig& config, EventSink& log,
               VcdWriter* tl_vcd);

    // The MSIs to raise; set before the simulation starts. None: the functions stay quiet.
    void set_schedule(MsiSchedule* schedule) { schedule_ = schedule; }
    // Done once the schedule and the actions are spent and no CPU has work left.
    void set_stop_gate(StopGate* gate) { gate_ = gate; }
    // A device's interrupt wired to a function's MSI (MsiLine, msi_line.h). raise_msi: from a
    // process, `fid`'s MSI `index` is written now, as the schedule's are (logged, routed,
    // counted). on_handled: during elaboration, `f` is called from the CPU's process each time
    // the handler of that MSI has run (its dispatch, then per_bit_ns); one per MSI. An
    // on_handled for a fid not in ZpciConfig::functions, an index at or past min(nvec,
    // max_msi), or an MSI that has one already is an SC_REPORT_ERROR (kMsiLineReport), and
    // ignored if that does not throw.
    static constexpr const char* kMsiLineReport = "ssifsim/zpci msi_line";
    void raise_msi(uint32_t fid, unsigned index);
    void on_handled(uint32_t fid, unsigned index, std::function<void()> f);
    // End of run at `t_ns`: what is still pending is in flight (MsiCounts::in_flight, not
    // judged) when an interrupt pending or in progress on an online CPU would scan it, else
    // undelivered (a violation; MSIs still to come or a CPU coming back online do not count).
    // The summary event gives in_flight when nonzero.
    void finish(uint64_t t_ns);

    const IrqAccounting& accounting() const { return accounting_; }
    const std::vector<CpuStats>& cpu_stats() const { return stats_; }
    const ZpciKernel& kernel() const { return kernel_; }
    const std::vector<SetupFailure>& setup_failures() const { return setup_failures_; }
    uint64_t fallbacks() const { return fallbacks_; }

  private:
    enum class Work { Ipi, Directed, Floating };
    // What a CPU's thread waits for when it is not running.
    enum class Waiting { Nothing, Wake, WakeOrIpi };
    struct Cpu {
        bool online = true;
        bool busy = false;
        Waiting waiting = Waiting::Nothing; // Nothing: running, or in a handler's timed wait
        // The MSI source started this CPU's interrupt entry (start_entry_for): its thread
        // waits on `wake`, notified for the end of the entry, and runs `entry_work` then.
        bool entry_started = false;
        Work entry_work = Work::Ipi;
        uint64_t entry_start_ns = 0;
        bool directed_pending = false;
        bool ipi_pending = false;
        uint64_t ipi_due_ns = 0;
        std::unique_ptr<sc_core::sc_event> wake;
        int vcd = -1;
    };

    void setup();
    // The driver's MSI setup of one function (at boot or on hot-plug), logged.
    void set_up(const FunctionConfig& f, uint64_t t_ns);
    void msi_source();
    void actions();
    // An affinity action in floating mode (VariantRules::floating_affinity).
    void floating_affinity(const ZpciAction& a);
    void cpu_thread(int c);
    bool take_work(int c, Work* work);
    void run_interrupt(int c, Work work);
    // run_interrupt's parts: the interrupt taken (busy, waveform, log; returns its start),
    // and after the entry latency the handler and the return from it.
    uint64_t enter_interrupt(int c, Work work);
    void run_handler(int c, Work work, uint64_t start_ns);
    // Wakes CPU `c`'s thread (a delta notification); while the MSI source raises, the wakes
    // wait for wait_for_next_msi. None for a CPU whose entry the source started, before the
    // entry's end: its thread would be in the entry's timed wait, where a wake is lost (and
    // the notification would cancel the one that ends the entry).
    void wake(size_t c);
    void notify_deferred_wakes();
    // The MSI source's wait for its next MSI, `dt_ns` ahead, after raising this time's MSIs.
    void wait_for_next_msi(uint64_t dt_ns);
    bool can_start_entries() const;
    void start_entry_for(size_t c);
    template <typename Reenable, typename OnBit>
    void scan_then_rescan(int c, AirqVector& v, const char* what, bool rescan, Reenable reenable,
                          OnBit on_bit);
    void floating_handler(int c);
    void fallback_handler(int c);
    void cpu_local_handler(int c, bool rescan);
    void remote_handler(int c);
    void dispatch(int c, AirqVector& v, unsigned long bit);
    // airq_iv_scan(v, start, airq_iv_end(v)) by a handler on CPU `c`; a read past the
    // vector is a violation.
    unsigned long scan(int c, AirqVector& v, unsigned long start, const char* what);
    // Is a CPU other than `c` in a handler (airq_iv_scan's find and clear can interleave)?
    // Asked only when find_clear_ns takes them apart: a storm scans millions of times.
    bool other_cpu_busy(int c) const;
    void raise(const Msi& m);
    void post_floating();
    void send_ipi(int target);
    // Nothing left to do: the schedule and the actions spent, no online CPU with an
    // interrupt pending or in progress, no floating interrupt an online CPU could take.
    bool done() const;
    // At the end of a run: will an interrupt pending or in progress scan vector `v`?
    bool scan_coming(const AirqVector* v) const;
    void maybe_done();
    void log_violations();
    EventBuilder event(EventId id);
    EventBuilder event(EventId id, int cpu); // a per-CPU event, src "cpu<cpu>"
    std::string cpu_src(int c) const { return "cpu" + std::to_string(c); }

    ZpciConfig config_;
    MsiSchedule* schedule_ = nullptr;
    EventSink& log_;
    VcdWriter* vcd_;
    IrqAccounting accounting_;
    ZpciKernel kernel_;
    ZpciFacility facility_;
    FallbackIpis fallback_ipis_;
    std::vector<Cpu> cpus_;
    std::vector<CpuStats> stats_;
    // The current target CPU of each function's MSIs, by fid, per index.
    std::unordered_map<uint32_t, std::vector<int>> targets_;
    bool floating_pending_ = false;
    bool schedule_done_ = false;
    bool actions_done_ = false;
    bool reported_done_ = false;
    StopGate* gate_ = nullptr;
    std::vector<SetupFailure> setup_failures_;
    uint64_t fallbacks_ = 0;
    std::vector<Violation> unlogged_violations_;
    static constexpr uint64_t kSummaryViolationsPerKind = 10;
    std::array<uint64_t, std::size(kViolationNames)> violations_by_kind_{};
    // on_handled's calls, by (fid << 16 | index).
    std::map<uint64_t, std::function<void()>> on_handled_;
    // The CPUs the MSI source's raises woke at this time, in the order they were woken.
    std::vector<size_t> deferred_wakes_;
    bool deferring_wakes_ = false;
    sc_core::sc_event next_msi_; // the MSI source's own wait when it starts entries
    int vcd_msis_ = -1;
    uint64_t msis_seen_ = 0;
};

} // namespace ssifsim::zpci
