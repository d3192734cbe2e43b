#define SC_INCLUDE_DYNAMIC_PROCESSES // sc_spawn: one process per CPU
#include "models/zpci/zpci_module.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "models/common/sim_time.h"
#include "models/common/stop_gate.h"

namespace ssifsim::zpci {

namespace {
uint64_t msi_key(uint32_t fid, unsigned index) {
    return (uint64_t{fid} << 16) | index;
}
} // namespace

ZpciSystem::ZpciSystem(sc_core::sc_module_name name, const ZpciConfig& config, EventSink& log,
                       VcdWriter* tl_vcd)
    : sc_core::sc_module(name), config_(config), log_(log), vcd_(tl_vcd),
      kernel_(config.kernel, accounting_), facility_(kernel_, config.kernel.cpus),
      fallback_ipis_(config.kernel.cpus), cpus_(config.kernel.cpus), stats_(config.kernel.cpus) {
    require_time_resolution(); // an embedding platform's resolution, checked at elaboration
    // Violations wait for log_violations(), which logs them after the event that raised them.
    accounting_.on_violation([this](const Violation& v) {
        if (config_.log_each_msi ||
            ++violations_by_kind_[static_cast<size_t>(v.kind)] <= kSummaryViolationsPerKind)
            unlogged_violations_.push_back(v);
    });
    for (size_t c = 0; c < cpus_.size(); ++c) {
        cpus_[c].wake = std::make_unique<sc_core::sc_event>();
        if (vcd_)
            cpus_[c].vcd = vcd_->add_signal("cpu" + std::to_string(c) + "_in_handler", 1, 0);
    }
    if (vcd_)
        vcd_msis_ = vcd_->add_signal("zpci_msis", 32, 0);
    for (const FunctionConfig& f : config_.functions) {
        std::vector<int> t;
        for (unsigned i = 0; i < f.nvec; ++i)
            t.push_back(f.target_cpu(i));
        targets_.emplace(f.fid, t);
    }
    setup();
    SC_THREAD(msi_source);
    SC_THREAD(actions);
    for (size_t c = 0; c < cpus_.size(); ++c)
        sc_core::sc_spawn([this, c] { cpu_thread(static_cast<int>(c)); },
                          ("cpu" + std::to_string(c)).c_str());
}

EventBuilder ZpciSystem::event(EventId id) {
    return EventBuilder(log_, sim_now_ns(), id);
}

EventBuilder ZpciSystem::event(EventId id, int cpu) {
    return EventBuilder(log_, sim_now_ns(), id, cpu);
}

// With log "summary" (storms), the first kSummaryViolationsPerKind violations of each kind
// are logged; the report and the summary event count them all.
void ZpciSystem::log_violations() {
    for (const Violation& v : unlogged_violations_)
        EventBuilder(log_, v.t_ns, events::kZpciViolation)
            .str("kind", name_of(kViolationNames, v.kind))
            .str("detail", v.detail);
    unlogged_violations_.clear();
}

// Boot: every function's driver sets up its MSIs at time 0, in the scenario's order; the
// ones not present at boot wait for their hot_plug action.
void ZpciSystem::setup() {
    for (const FunctionConfig& f : config_.functions)
        if (f.boot)
            set_up(f, 0);
}

void ZpciSystem::set_up(const FunctionConfig& f, uint64_t t_ns) {
    const SetupFailure setup = kernel_.enable(f, t_ns);
    if (setup.error != SetupError::None) {
        setup_failures_.push_back(setup);
        EventBuilder(log_, t_ns, events::kZpciSetupFailed)
            .num("fid", f.fid)
            .num("nvec", f.nvec)
            .str("error", setup.reason());
    } else {
        const ZpciKernel::Function* zdev = kernel_.function(f.fid);
        EventBuilder e(log_, t_ns, events::kZpciSetup);
        e.num("fid", f.fid).num("first_bit", static_cast<int64_t>(zdev->first_bit));
        e.num("msis", zdev->nr_irqs);
        if (zdev->aisb != AirqVector::kNoBit)
            e.num("summary_bit", static_cast<int64_t>(zdev->aisb));
    }
    log_violations();
}

void ZpciSystem::msi_source() {
    Msi m;
    while (schedule_ && schedule_->next(&m)) {
        const uint64_t now = sim_now_ns();
        if (m.t_ns > now)
            wait_for_next_msi(m.t_ns - now);
        deferring_wakes_ = config_.source_starts_entry;
        raise(m);
        if (m.duplicated)
            raise(Msi{m.t_ns, m.fid, m.index, false, false});
        deferring_wakes_ = false;
    }
    notify_deferred_wakes();
    schedule_done_ = true;
    maybe_done();
}

void ZpciSystem::raise(const Msi& m) {
    const uint64_t now = sim_now_ns();
    if (vcd_)
        vcd_->change(now, vcd_msis_, ++msis_seen_ & 0xffffffff);
    if (m.lost) {
        accounting_.lost_in_fabric();
        event(events::kZpciMsiLost).num("fid", m.fid).num("index", m.index);
        return;
    }
    const auto f = targets_.find(m.fid);
    const int wanted = f != targets_.end() && m.index < f->second.size() ? f->second[m.index] : 0;
    // The MSI address holds the variant's CPU field; the machine routes it by CPU address.
    int target = wanted;
    if (config_.kernel.delivery == Delivery::Directed && kernel_.live(m.fid)) {
        const int field = kernel_.msi_cpu_field(wanted);
        target = kernel_.cpu_with_address(field);
        if (target < 0) {
            accounting_.raised();
            accounting_.dropped(ViolationKind::NoCpu, now,
                                "the MSI of fid " + std::to_string(m.fid) + " index " +
                                    std::to_string(m.index) + " for cpu" + std::to_string(wanted) +
                                    " names CPU address " + std::to_string(field) +
                                    ", which no CPU has");
            if (config_.log_each_msi)
                event(events::kZpciMsi)
                    .num("fid", m.fid)
                    .num("index", m.index)
                    .num("cpu_address", field)
                    .str("result", "no_cpu");
            log_violations();
            return;
        }
    }
    const bool online = cpus_[static_cast<size_t>(target)].online;
    const ZpciFacility::MsiResult r =
        facility_.msi(m.fid, m.index, target, online, now, accounting_);
    if (config_.log_each_msi) {
        EventBuilder e(log_, now, events::kZpciMsi);
        e.num("fid", m.fid).num("index", m.index);
        if (!r.registered) {
            e.str("result", "not_registered");
        } else {
            if (config_.kernel.delivery == Delivery::Directed)
                e.num("cpu", r.cpu);
            e.num("bit", static_cast<int64_t>(r.bit)).flag("merged", r.merged);
            e.str("raise", r.raise == ZpciFacility::Raise::None       ? "suppressed"
                           : r.raise == ZpciFacility::Raise::Floating ? "floating"
                                                                      : "directed");
            if (r.fallback)
                e.flag("fallback", true);
            if (m.duplicated)
                e.flag("duplicated", true);
        }
    }
    if (r.fallback)
        ++fallbacks_;
    if (r.raise == ZpciFacility::Raise::Floating) {
        post_floating();
    } else if (r.raise == ZpciFacility::Raise::Directed) {
        cpus_[static_cast<size_t>(r.cpu)].directed_pending = true;
        wake(static_cast<size_t>(r.cpu));
    }
}

void ZpciSystem::wake(size_t c) {
    const Cpu& cpu = cpus_[c];
    if (cpu.entry_started && sim_now_ns() < cpu.entry_start_ns + config_.timing.entry_ns)
        return; // its thread would be in the entry's timed wait, where the wake is lost
    if (!deferring_wakes_) {
        cpus_[c].wake->notify(sc_core::SC_ZERO_TIME);
        return;
    }
    // One delta notification per event: a second wake of the same CPU adds nothing.
    for (size_t d : deferred_wakes_)
        if (d == c)
            return;
    deferred_wakes_.push_back(c);
}

void ZpciSystem::notify_deferred_wakes() {
    for (size_t c : deferred_wakes_)
        cpus_[c].wake->notify(sc_core::SC_ZERO_TIME);
    deferred_wakes_.clear();
}

// The woken CPUs' threads would run in the next delta cycle, take their work and start the
// entry's timed wait, in the reverse order of the wakes (SystemC's reference kernel triggers
// a delta cycle's notifications last one first); the MSI source does the same in their
// stead when nothing else runs at this time (no other process, no other notification),
// after making its own timed wait's notification first. SystemC's timed-event queue then
// holds the same notifications, made in the same order, as without it: the order of
// processes due at one time (which decides, say, whether an MSI arriving as a handler scans
// is found by that scan) comes from that queue, and stays as it was.
void ZpciSystem::wait_for_next_msi(uint64_t dt_ns) {
    if (deferred_wakes_.empty() || !can_start_entries()) {
        notify_deferred_wakes();
        wait_for(dt_ns);
        return;
    }
    next_msi_.notify(ns(dt_ns));
    for (auto c = deferred_wakes_.rbegin(); c != deferred_wakes_.rend(); ++c)
        if (!cpus_[*c].busy) // a busy CPU's thread is in a timed wait: the wake did nothing
            start_entry_for(*c);
    deferred_wakes_.clear();
    wait_on(next_msi_);
}

// Whether each woken CPU would take its work at once (take_work, in the order their threads
// would run) from an idle wait on its wake event alone, with nothing else to run at this time.
bool ZpciSystem::can_start_entries() const {
    if (config_.timing.entry_ns == 0 || sc_core::sc_pending_activity_at_current_time())
        return false; // a zero entry is a delta wait; others run in the next delta too
    bool floating = floating_pending_;
    const uint64_t now = sim_now_ns();
    for (auto c = deferred_wakes_.rbegin(); c != deferred_wakes_.rend(); ++c) {
        const Cpu& cpu = cpus_[*c];
        if (cpu.busy)
            continue;
        if (cpu.waiting != Waiting::Wake || !cpu.online)
            return false;
        if ((cpu.ipi_pending && now >= cpu.ipi_due_ns) || cpu.directed_pending)
            continue;
        if (!floating)
            return false; // woken for nothing: its thread would look for the end of the run
        floating = false;
    }
    return true;
}

void ZpciSystem::start_entry_for(size_t c) {
    Cpu& cpu = cpus_[c];
    Work work = Work::Ipi;
    take_work(static_cast<int>(c), &work); // it takes some: can_start_entries
    cpu.entry_start_ns = enter_interrupt(static_cast<int>(c), work);
    cpu.entry_work = work;
    cpu.entry_started = true;
    cpu.wake->notify(ns(config_.timing.entry_ns)); // the entry's wait, on the thread's event
}

// A floating interrupt goes to one CPU that can take it: the lowest-numbered idle online
// one, else the first to finish its handler.
void ZpciSystem::post_floating() {
    floating_pending_ = true;
    for (size_t c = 0; c < cpus_.size(); ++c)
        if (cpus_[c].online && !cpus_[c].busy) {
            wake(c);
            return;
        }
}

void ZpciSystem::floating_affinity(const ZpciAction& a) {
    // A floating MSI names no CPU: the change is refused, or, in v1, oopses the kernel
    // (VariantRules::floating_affinity).
    const bool oops = kernel_.rules().floating_affinity == FloatingAffinity::NullParentOops;
    event(events::kZpciAffinity)
        .num("fid", a.fid)
        .num("index", a.index)
        .num("cpu", a.cpu)
        .flag("msi_moved", false)
        .str("result", oops ? "oops" : "einval");
    if (oops) {
        accounting_.violation(ViolationKind::KernelOops, sim_now_ns(),
                              "affinity change of fid " + std::to_string(a.fid) +
                                  " in floating mode: irq_chip_set_affinity_parent on the "
                                  "parent domain, whose parent_data is NULL");
        log_violations();
    }
}

void ZpciSystem::actions() {
    for (const ZpciAction& a : config_.actions) {
        const uint64_t now = sim_now_ns();
        if (a.t_ns > now)
            wait_for(a.t_ns - now);
        switch (a.kind) {
        case ZpciAction::Kind::Affinity: {
            if (config_.kernel.delivery == Delivery::Floating) {
                floating_affinity(a);
                break;
            }
            // msi_domain_set_affinity: the message is recomposed; where it points is the
            // variant's (VariantRules::affinity_moves_msi).
            const bool moves = kernel_.rules().affinity_moves_msi;
            if (auto f = targets_.find(a.fid); moves && f != targets_.end())
                for (size_t i = 0; i < f->second.size(); ++i)
                    if (a.index < 0 || static_cast<size_t>(a.index) == i)
                        f->second[i] = a.cpu;
            event(events::kZpciAffinity)
                .num("fid", a.fid)
                .num("index", a.index)
                .num("cpu", a.cpu)
                .flag("msi_moved", moves);
            break;
        }
        case ZpciAction::Kind::Plug:
            event(events::kZpciHotPlug).num("fid", a.fid);
            for (const FunctionConfig& f : config_.functions)
                if (f.fid == a.fid)
                    set_up(f, sim_now_ns());
            break;
        case ZpciAction::Kind::Unplug:
            event(events::kZpciHotUnplug).num("fid", a.fid);
            kernel_.disable(a.fid, sim_now_ns());
            log_violations();
            break;
        case ZpciAction::Kind::CpuOffline:
            cpus_[static_cast<size_t>(a.cpu)].online = false;
            event(events::kCpuOffline, a.cpu);
            break;
        case ZpciAction::Kind::CpuOnline:
            cpus_[static_cast<size_t>(a.cpu)].online = true;
            event(events::kCpuOnline, a.cpu);
            wake(static_cast<size_t>(a.cpu));
            break;
        }
    }
    actions_done_ = true;
    maybe_done();
}

bool ZpciSystem::take_work(int c, Work* work) {
    Cpu& cpu = cpus_[static_cast<size_t>(c)];
    if (!cpu.online)
        return false;
    if (cpu.ipi_pending && sim_now_ns() >= cpu.ipi_due_ns) {
        cpu.ipi_pending = false;
        *work = Work::Ipi;
    } else if (cpu.directed_pending) {
        cpu.directed_pending = false;
        *work = Work::Directed;
    } else if (floating_pending_) {
        floating_pending_ = false;
        *work = Work::Floating;
    } else {
        return false;
    }
    return true;
}

void ZpciSystem::cpu_thread(int c) {
    Cpu& cpu = cpus_[static_cast<size_t>(c)];
    for (;;) {
        if (cpu.entry_started) { // the MSI source took the interrupt for this CPU
            cpu.entry_started = false;
            run_handler(c, cpu.entry_work, cpu.entry_start_ns);
            continue;
        }
        Work work;
        if (take_work(c, &work)) {
            run_interrupt(c, work);
            continue;
        }
        maybe_done();
        if (cpu.online && cpu.ipi_pending) { // an IPI on its way: wake for it too
            cpu.waiting = Waiting::WakeOrIpi;
            wait_for_or(cpu.ipi_due_ns - sim_now_ns(), *cpu.wake);
        } else {
            cpu.waiting = Waiting::Wake;
            wait_on(*cpu.wake);
        }
        cpu.waiting = Waiting::Nothing;
    }
}

void ZpciSystem::run_interrupt(int c, Work work) {
    const uint64_t start = enter_interrupt(c, work);
    wait_for(config_.timing.entry_ns);
    run_handler(c, work, start);
}

uint64_t ZpciSystem::enter_interrupt(int c, Work work) {
    Cpu& cpu = cpus_[static_cast<size_t>(c)];
    const uint64_t start = sim_now_ns();
    cpu.busy = true;
    if (vcd_)
        vcd_->change(start, cpu.vcd, 1);
    const char* kind = work == Work::Ipi ? "ipi" : work == Work::Directed ? "directed" : "floating";
    if (config_.log_each_msi)
        event(events::kCpuIrq, c).str("kind", kind);
    return start;
}

void ZpciSystem::run_handler(int c, Work work, uint64_t start) {
    Cpu& cpu = cpus_[static_cast<size_t>(c)];
    CpuStats& st = stats_[static_cast<size_t>(c)];
    switch (work) {
    case Work::Ipi:
        ++st.ipis;
        remote_handler(c);
        break;
    case Work::Directed:
        ++st.directed; // zpci_directed_irq_handler, directed: IRQIO_PCD
        cpu_local_handler(c, true);
        break;
    case Work::Floating:
        ++st.floating; // IRQIO_PCF
        if (config_.kernel.delivery == Delivery::Floating)
            floating_handler(c);
        else
            fallback_handler(c);
        break;
    }
    cpu.busy = false;
    st.busy_ns += sim_now_ns() - start;
    if (vcd_)
        vcd_->change(sim_now_ns(), cpu.vcd, 0);
    log_violations();
}

// The loop all of pci_irq.c's handlers share: hand each set bit of `v` to `on_bit`; when a
// scan comes up empty, re-enable interrupts and scan once more (with `rescan`), then stop.
template <typename Reenable, typename OnBit>
void ZpciSystem::scan_then_rescan(int c, AirqVector& v, const char* what, bool rescan,
                                  Reenable reenable, OnBit on_bit) {
    int irqs_on = 0;
    for (unsigned long bit = 0;;) {
        bit = scan(c, v, bit, what);
        if (bit == AirqVector::kNoBit) {
            if (!rescan || irqs_on++)
                break;
            reenable();
            ++stats_[static_cast<size_t>(c)].rescans;
            bit = 0;
            continue;
        }
        on_bit(bit);
    }
}

// zpci_floating_irq_handler: scan the summary bits; for each, scan that function's vector
// and dispatch every set bit; re-enable with SIC single.
void ZpciSystem::floating_handler(int c) {
    scan_then_rescan(
        c, kernel_.summary(), "summary vector", true, [this] { facility_.reenable_floating(); },
        [&](unsigned long si) {
            // The kernel reads zpci_ibv[si] once per summary bit: an unplug while the loop
            // runs releases the vector under it, and v1 and merged leave the entry itself
            // pointing at the released vector (VariantRules::teardown_clears_ibv).
            AirqVector* aibv = kernel_.function_vector(si);
            if (!aibv)
                return; // the kernel would scan NULL; the summary bit went with the teardown
            for (unsigned long ai = 0;;) {
                if (const std::optional<uint32_t> fid = kernel_.freed_owner(aibv)) {
                    accounting_.violation(ViolationKind::UseAfterFree, sim_now_ns(),
                                          cpu_src(c) + "'s floating handler scans fid " +
                                              std::to_string(*fid) + "'s vector (summary bit " +
                                              std::to_string(si) +
                                              ") after its teardown released it");
                    break; // what freed memory holds is not modelled: the scan stops here
                }
                ai = scan(c, *aibv, ai, "function vector");
                if (ai == AirqVector::kNoBit)
                    break;
                aibv->lock(ai);
                dispatch(c, *aibv, ai);
                aibv->unlock(ai);
            }
        });
}

// zpci_handle_cpu_local_irq: scan this CPU's vector; with `rescan`, re-enable with
// directed single.
void ZpciSystem::cpu_local_handler(int c, bool rescan) {
    AirqVector& dibv = kernel_.cpu_vector(c);
    scan_then_rescan(
        c, dibv, "directed vector", rescan, [this, c] { facility_.reenable_directed(c); },
        [&](unsigned long bit) { dispatch(c, dibv, bit); });
}

// zpci_handle_fallback_irq: the summary bit of each CPU with work; schedule its scan by
// IPI, only on the 0 -> 1 transition of its "scheduled" count; re-enable with SIC single.
// The scan of this CPU's own bit runs here at once; an offline CPU's IPI is dropped for
// good (FallbackIpis).
void ZpciSystem::fallback_handler(int c) {
    scan_then_rescan(
        c, kernel_.summary(), "summary vector", true, [this] { facility_.reenable_floating(); },
        [&](unsigned long cpu) {
            const int target = static_cast<int>(cpu);
            switch (fallback_ipis_.schedule(c, target, cpus_[cpu].online)) {
            case FallbackIpis::Call::Coalesced: break;
            case FallbackIpis::Call::Queued:
                ++stats_[static_cast<size_t>(c)].ipis_sent;
                send_ipi(target);
                break;
            case FallbackIpis::Call::RunHere:
                if (config_.log_each_msi)
                    event(events::kZpciIpiHere).num("cpu", target);
                remote_handler(c);
                break;
            case FallbackIpis::Call::Dropped:
                if (config_.log_each_msi)
                    event(events::kZpciIpiDropped).num("to", target).str("error", "-ENXIO");
                break;
            }
        });
}

void ZpciSystem::send_ipi(int target) {
    Cpu& cpu = cpus_[static_cast<size_t>(target)];
    cpu.ipi_pending = true;
    cpu.ipi_due_ns = sim_now_ns() + config_.timing.ipi_ns;
    wake(static_cast<size_t>(target));
    if (config_.log_each_msi)
        event(events::kZpciIpi).num("to", target);
}

// zpci_handle_remote_irq: scan without re-enabling, again while more were scheduled.
void ZpciSystem::remote_handler(int c) {
    do {
        cpu_local_handler(c, false);
    } while (fallback_ipis_.pass_done(c));
}

// The directed handler scans [0, airq_iv_end(dibv)): CPU 0's vector, the allocating one,
// has end 2049 once an allocation ends at bit 2047, so a scan that finds nothing reads the
// word past the 256-byte vector (an out-of-bounds read in the kernel).
unsigned long ZpciSystem::scan(int c, AirqVector& v, unsigned long start, const char* what) {
    bool read_past = false;
    const unsigned long end = v.end();
    unsigned long bit = AirqVector::kNoBit;
    if (config_.timing.find_clear_ns == 0 || !other_cpu_busy(c)) {
        bit = v.scan(start, end, &read_past);
    } else {
        // find_next_bit_inv, then clear_bit_inv: another CPU's handler can find the same
        // bit in between, and both dispatch it.
        bit = v.find(start, end, &read_past);
        if (bit != AirqVector::kNoBit) {
            wait_for(config_.timing.find_clear_ns);
            if (!v.clear(bit))
                accounting_.violation(ViolationKind::DoubleDispatch, sim_now_ns(),
                                      cpu_src(c) + " found bit " + std::to_string(bit) +
                                          " of the " + what +
                                          " and another CPU's handler cleared it before " +
                                          cpu_src(c) + " did: both dispatch it");
        }
    }
    if (read_past)
        accounting_.violation(ViolationKind::BeyondVector, sim_now_ns(),
                              cpu_src(c) + "'s scan of the " + what + " [" + std::to_string(start) +
                                  ", " + std::to_string(end) + ") read past the end of the " +
                                  std::to_string(v.bits()) + "-bit vector");
    return bit;
}

bool ZpciSystem::other_cpu_busy(int c) const {
    for (size_t o = 0; o < cpus_.size(); ++o)
        if (static_cast<int>(o) != c && cpus_[o].busy)
            return true;
    return false;
}

void ZpciSystem::dispatch(int c, AirqVector& v, unsigned long bit) {
    CpuStats& st = stats_[static_cast<size_t>(c)];
    ++st.dispatched;
    const uint64_t now = sim_now_ns();
    const std::vector<MsiSource>& sources = accounting_.take(&v, bit); // used before the wait
    const std::optional<Handler> handler = kernel_.resolve(v, bit);
    if (config_.log_each_msi) {
        EventBuilder e(log_, now, events::kCpuDispatch, c);
        if (e.wanted()) { // the hwirq's text only for an event a sink wants
            char hwirq[24];
            std::snprintf(hwirq, sizeof hwirq, "0x%llx",
                          static_cast<unsigned long long>(kernel_.stored_hwirq(v, bit)));
            e.num("bit", static_cast<int64_t>(bit)).str("hwirq", hwirq);
            if (handler)
                e.num("fid", handler->fid).num("index", handler->index);
            else
                e.str("handler", "none");
        }
    }
    accounting_.dispatched(now, c, sources, handler,
                           [this](uint32_t fid) { return kernel_.live(fid); });
    wait_for(config_.timing.per_bit_ns); // the device's handler runs
    if (handler) {
        auto h = on_handled_.find(msi_key(handler->fid, handler->index));
        if (h != on_handled_.end())
            h->second();
    }
}

void ZpciSystem::raise_msi(uint32_t fid, unsigned index) {
    raise(Msi{sim_now_ns(), fid, index, false, false});
}

void ZpciSystem::on_handled(uint32_t fid, unsigned index, std::function<void()> f) {
    // A line nothing can answer would leave its device asleep for good with no other sign.
    const std::string msi = "fid " + std::to_string(fid) + " MSI " + std::to_string(index);
    const auto function = std::find_if(config_.functions.begin(), config_.functions.end(),
                                       [fid](const FunctionConfig& c) { return c.fid == fid; });
    if (function == config_.functions.end()) {
        SC_REPORT_ERROR(kMsiLineReport, (msi + ": no such function in the zPCI configuration "
                                               "(ZpciConfig::functions)")
                                            .c_str());
        return;
    }
    if (index >= std::min(function->nvec, function->max_msi)) {
        SC_REPORT_ERROR(kMsiLineReport,
                        (msi + ": the function has MSIs 0.." +
                         std::to_string(std::min(function->nvec, function->max_msi) - 1) +
                         " (min(nvec, max_msi))")
                            .c_str());
        return;
    }
    if (!on_handled_.emplace(msi_key(fid, index), std::move(f)).second)
        SC_REPORT_ERROR(kMsiLineReport,
                        (msi + ": a second line on the same MSI (one line per MSI)").c_str());
}

bool ZpciSystem::scan_coming(const AirqVector* v) const {
    if (config_.kernel.delivery == Delivery::Directed) {
        // A CPU's own vector: its directed interrupt or IPI pending, or its handler running
        // (which re-enables and scans again before it returns). An offline CPU's bits wait
        // for an MSI after it is back (the fallback's IPI to it was dropped).
        for (size_t c = 0; c < cpus_.size(); ++c)
            if (v == &kernel_.cpu_vector(static_cast<int>(c))) {
                const Cpu& cpu = cpus_[c];
                return cpu.online && (cpu.busy || cpu.directed_pending || cpu.ipi_pending);
            }
        return false;
    }
    // A function's vector: a floating interrupt pending, or a handler running (it re-enables
    // and scans the summary again), on an online CPU.
    for (const Cpu& cpu : cpus_)
        if (cpu.online && (cpu.busy || floating_pending_))
            return true;
    return false;
}

bool ZpciSystem::done() const {
    if (!schedule_done_ || !actions_done_)
        return false;
    bool any_online = false;
    for (const Cpu& cpu : cpus_) {
        if (cpu.online && (cpu.busy || cpu.directed_pending || cpu.ipi_pending))
            return false;
        any_online = any_online || cpu.online;
    }
    return !(floating_pending_ && any_online);
}

void ZpciSystem::maybe_done() {
    if (reported_done_ || !done())
        return;
    reported_done_ = true;
    if (gate_)
        gate_->done();
}

void ZpciSystem::finish(uint64_t t_ns) {
    accounting_.finish(
        t_ns, [this](uint32_t fid) { return kernel_.live(fid); },
        [this](const AirqVector* v) { return scan_coming(v); });
    log_violations();
    EventBuilder e(log_, t_ns, events::kZpciSummary);
    for (const auto& [name, n] : named_counts(accounting_.counts()))
        e.num(name, static_cast<int64_t>(n));
    if (const uint64_t in_flight = accounting_.counts().in_flight)
        e.num("in_flight", static_cast<int64_t>(in_flight));
    e.num("violations", static_cast<int64_t>(accounting_.violation_total()));
}

} // namespace ssifsim::zpci
