// Every event the models and tools log, in one catalog: the source (`src`) and the name
// (`ev`) each event carries in the JSON Lines log, by an id the call sites name
// (EventBuilder(log, t, events::kBusByte)), so a misspelt event does not compile, and the
// names a scenario's expect.counts may use ("bus.byte", "cpuN.irq") are read from here.
//
// One catalog, not one per protocol: an event id is then one small integer, unique across
// the run, so a sink or an observer compares ids, the count expectations index one table,
// and the list a scenario error offers is this table in this order. The entries are grouped
// by source, one block per subsystem (bus, host, BMC, daemon, ipmi_sim, faults, zPCI), so a
// subsystem's block can move beside it when subsystems become components.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/name_table.h"

namespace ssifsim {

// Who logged the event: the log's `src`. Cpu events are logged per CPU as "cpu0", "cpu1"...
enum class EventSource : uint8_t { Bus, Host, Bmc, Daemon, IpmiSim, Fault, Zpci, Cpu };

constexpr Named<EventSource> kEventSourceNames[] = {
    {"bus", EventSource::Bus},          {"host", EventSource::Host},
    {"bmc", EventSource::Bmc},          {"daemon", EventSource::Daemon},
    {"ipmi_sim", EventSource::IpmiSim}, {"fault", EventSource::Fault},
    {"zpci", EventSource::Zpci},        {"cpuN", EventSource::Cpu},
};

namespace events {
// In the order of kEventCatalog (checked below).
enum Id : uint16_t {
    // bus: the SMBus wires (models/smbus/bus.cpp; `ssifsim check` rebuilds transfers).
    kBusStart,
    kBusRestart,
    kBusStop,
    kBusByte,
    kBusTransfer,
    kBusMasterTimeout,
    kBusArbitrationLost,
    // host: ipmi_ssif and its adapter (models/ssif/host).
    kHostRequest,
    kHostResponse,
    kHostTimer,
    kHostWriteError,
    kHostReadError,
    kHostPowerOff,
    kHostPowerOn,
    kHostLink,
    kHostState,
    kHostFlags,
    kHostFlagsError,
    kHostHung,
    kHostQuickWrite,
    kHostHandlerRequest,
    kHostHandlerResponse,
    kHostHandlerWarn,
    kHostRegistered,
    kHostAdapterRetry,
    kHostIrqTimeout,
    kHostIncoming,
    kHostAlert,
    kHostProbeCmd,
    kHostProbeRsp,
    kHostProbeMultipart,
    kHostKernelLog,
    kHostKernelOops,
    kHostRemoved,
    // bmc: ssif_bmc (models/ssif/bmc/bmc_module.cpp).
    kBmcState,
    kBmcWarn,
    kBmcTimerArmed,
    kBmcTimerCancelled,
    kBmcTimerFired,
    kBmcRequestAvailable,
    kBmcAlert,
    kBmcOobWrite,
    kBmcUseAfterFree,
    kBmcRemoved,
    kBmcSlaveDisabled,
    kBmcSlaveEnabled,
    // daemon: the process behind /dev/ipmi-ssif-host (daemon.cpp, ssifbridge.cpp).
    kDaemonOpen,
    kDaemonRead,
    kDaemonWrite,
    kDaemonWriteFailed,
    kDaemonUnanswered,
    kDaemonForward,
    kDaemonIpmidAnswer,
    kDaemonDbusError,
    kDaemonDrop,
    kDaemonKeepalive,
    kDaemonStuck,
    kDaemonExit,
    // ipmi_sim: OpenIPMI's simulator as the daemon's backend (ipmi_sim_backend.cpp, and the
    // runner's report of the process).
    kIpmiSimVersion,
    kIpmiSimCapabilities,
    kIpmiSimRequest,
    kIpmiSimResponse,
    kIpmiSimControl,
    kIpmiSimFrameError,
    kIpmiSimFailed,
    kIpmiSimOutput,
    kIpmiSimExit,
    // fault: one per fault applied; the event names are the fault types' (tools/faults.cpp).
    kFaultNak,
    kFaultCorruptPec,
    kFaultLostStop,
    kFaultMasterDied,
    kFaultChangedReadByte,
    kFaultClockStretch,
    kFaultSclHeldLow,
    kFaultSdaHeldLow,
    kFaultForeignMaster,
    kFaultDaemonSlow,
    kFaultDaemonSilent,
    kFaultDaemonMalformed,
    kFaultDaemonEfault,
    kFaultBmcRemove,
    // zpci: the adapter-interrupt model (models/zpci/zpci_module.cpp).
    kZpciSetup,
    kZpciSetupFailed,
    kZpciMsi,
    kZpciMsiLost,
    kZpciIpi,
    kZpciIpiHere,
    kZpciIpiDropped,
    kZpciAffinity,
    kZpciHotPlug,
    kZpciHotUnplug,
    kZpciViolation,
    kZpciSummary,
    // cpuN: one CPU of the zPCI model.
    kCpuIrq,
    kCpuDispatch,
    kCpuOffline,
    kCpuOnline,
    kCount
};
} // namespace events

using EventId = events::Id;

struct EventName {
    EventId id;
    EventSource src;
    std::string_view ev;
    // The log's text of src, event_source_name(src), taken with the catalog: an event built
    // points at both without measuring them.
    std::string_view src_text;

    constexpr EventName(EventId id_, EventSource src_, std::string_view ev_)
        : id(id_), src(src_), ev(ev_), src_text(name_of(kEventSourceNames, src_)) {}
};

constexpr EventName kEventCatalog[] = {
    {events::kBusStart, EventSource::Bus, "start"},
    {events::kBusRestart, EventSource::Bus, "restart"},
    {events::kBusStop, EventSource::Bus, "stop"},
    {events::kBusByte, EventSource::Bus, "byte"},
    {events::kBusTransfer, EventSource::Bus, "transfer"},
    {events::kBusMasterTimeout, EventSource::Bus, "master_timeout"},
    {events::kBusArbitrationLost, EventSource::Bus, "arbitration_lost"},
    {events::kHostRequest, EventSource::Host, "request"},
    {events::kHostResponse, EventSource::Host, "response"},
    {events::kHostTimer, EventSource::Host, "timer"},
    {events::kHostWriteError, EventSource::Host, "write_error"},
    {events::kHostReadError, EventSource::Host, "read_error"},
    {events::kHostPowerOff, EventSource::Host, "power_off"},
    {events::kHostPowerOn, EventSource::Host, "power_on"},
    {events::kHostLink, EventSource::Host, "link"},
    {events::kHostState, EventSource::Host, "state"},
    {events::kHostFlags, EventSource::Host, "flags"},
    {events::kHostFlagsError, EventSource::Host, "flags_error"},
    {events::kHostHung, EventSource::Host, "hung"},
    {events::kHostQuickWrite, EventSource::Host, "quick_write"},
    {events::kHostHandlerRequest, EventSource::Host, "handler_request"},
    {events::kHostHandlerResponse, EventSource::Host, "handler_response"},
    // ipmi_msghandler's warning about a response (models/ssif/recv_check.h), both hosts.
    {events::kHostHandlerWarn, EventSource::Host, "handler_warn"},
    {events::kHostRegistered, EventSource::Host, "registered"},
    {events::kHostAdapterRetry, EventSource::Host, "adapter_retry"},
    {events::kHostIrqTimeout, EventSource::Host, "irq_timeout"},
    {events::kHostIncoming, EventSource::Host, "incoming"},
    {events::kHostAlert, EventSource::Host, "alert"},
    {events::kHostProbeCmd, EventSource::Host, "probe_cmd"},
    {events::kHostProbeRsp, EventSource::Host, "probe_rsp"},
    {events::kHostProbeMultipart, EventSource::Host, "probe_multipart"},
    // The real ipmi_ssif.c as the host (kernel/ipmi_ssif): its dev_* and pr_* lines, an oops
    // (the task that ran into it ended), its removal once the workload is done.
    {events::kHostKernelLog, EventSource::Host, "kernel_log"},
    {events::kHostKernelOops, EventSource::Host, "kernel_oops"},
    {events::kHostRemoved, EventSource::Host, "removed"},
    {events::kBmcState, EventSource::Bmc, "state"},
    {events::kBmcWarn, EventSource::Bmc, "warn"},
    {events::kBmcTimerArmed, EventSource::Bmc, "timer_armed"},
    {events::kBmcTimerCancelled, EventSource::Bmc, "timer_cancelled"},
    {events::kBmcTimerFired, EventSource::Bmc, "timer_fired"},
    {events::kBmcRequestAvailable, EventSource::Bmc, "request_available"},
    {events::kBmcAlert, EventSource::Bmc, "alert"},
    {events::kBmcOobWrite, EventSource::Bmc, "oob_write"},
    {events::kBmcUseAfterFree, EventSource::Bmc, "use_after_free"},
    {events::kBmcRemoved, EventSource::Bmc, "removed"},
    {events::kBmcSlaveDisabled, EventSource::Bmc, "slave_disabled"},
    {events::kBmcSlaveEnabled, EventSource::Bmc, "slave_enabled"},
    {events::kDaemonOpen, EventSource::Daemon, "open"},
    {events::kDaemonRead, EventSource::Daemon, "read"},
    {events::kDaemonWrite, EventSource::Daemon, "write"},
    {events::kDaemonWriteFailed, EventSource::Daemon, "write_failed"},
    {events::kDaemonUnanswered, EventSource::Daemon, "unanswered"},
    {events::kDaemonForward, EventSource::Daemon, "forward"},
    {events::kDaemonIpmidAnswer, EventSource::Daemon, "ipmid_answer"},
    {events::kDaemonDbusError, EventSource::Daemon, "dbus_error"},
    {events::kDaemonDrop, EventSource::Daemon, "drop"},
    {events::kDaemonKeepalive, EventSource::Daemon, "keepalive"},
    {events::kDaemonStuck, EventSource::Daemon, "stuck"},
    {events::kDaemonExit, EventSource::Daemon, "exit"},
    {events::kIpmiSimVersion, EventSource::IpmiSim, "version"},
    {events::kIpmiSimCapabilities, EventSource::IpmiSim, "capabilities"},
    {events::kIpmiSimRequest, EventSource::IpmiSim, "request"},
    {events::kIpmiSimResponse, EventSource::IpmiSim, "response"},
    {events::kIpmiSimControl, EventSource::IpmiSim, "control"},
    {events::kIpmiSimFrameError, EventSource::IpmiSim, "frame_error"},
    {events::kIpmiSimFailed, EventSource::IpmiSim, "failed"},
    {events::kIpmiSimOutput, EventSource::IpmiSim, "output"},
    {events::kIpmiSimExit, EventSource::IpmiSim, "exit"},
    {events::kFaultNak, EventSource::Fault, "nak"},
    {events::kFaultCorruptPec, EventSource::Fault, "corrupt_pec"},
    {events::kFaultLostStop, EventSource::Fault, "lost_stop"},
    {events::kFaultMasterDied, EventSource::Fault, "master_died"},
    {events::kFaultChangedReadByte, EventSource::Fault, "changed_read_byte"},
    {events::kFaultClockStretch, EventSource::Fault, "clock_stretch"},
    {events::kFaultSclHeldLow, EventSource::Fault, "scl_held_low"},
    {events::kFaultSdaHeldLow, EventSource::Fault, "sda_held_low"},
    {events::kFaultForeignMaster, EventSource::Fault, "foreign_master"},
    {events::kFaultDaemonSlow, EventSource::Fault, "daemon_slow"},
    {events::kFaultDaemonSilent, EventSource::Fault, "daemon_silent"},
    {events::kFaultDaemonMalformed, EventSource::Fault, "daemon_malformed"},
    {events::kFaultDaemonEfault, EventSource::Fault, "daemon_efault"},
    {events::kFaultBmcRemove, EventSource::Fault, "bmc_remove"},
    {events::kZpciSetup, EventSource::Zpci, "setup"},
    {events::kZpciSetupFailed, EventSource::Zpci, "setup_failed"},
    {events::kZpciMsi, EventSource::Zpci, "msi"},
    {events::kZpciMsiLost, EventSource::Zpci, "msi_lost"},
    {events::kZpciIpi, EventSource::Zpci, "ipi"},
    {events::kZpciIpiHere, EventSource::Zpci, "ipi_here"},
    {events::kZpciIpiDropped, EventSource::Zpci, "ipi_dropped"},
    {events::kZpciAffinity, EventSource::Zpci, "affinity"},
    {events::kZpciHotPlug, EventSource::Zpci, "hot_plug"},
    {events::kZpciHotUnplug, EventSource::Zpci, "hot_unplug"},
    {events::kZpciViolation, EventSource::Zpci, "violation"},
    {events::kZpciSummary, EventSource::Zpci, "summary"},
    {events::kCpuIrq, EventSource::Cpu, "irq"},
    {events::kCpuDispatch, EventSource::Cpu, "dispatch"},
    {events::kCpuOffline, EventSource::Cpu, "offline"},
    {events::kCpuOnline, EventSource::Cpu, "online"},
};

namespace detail {
constexpr bool event_catalog_in_order() {
    for (size_t i = 0; i < sizeof kEventCatalog / sizeof kEventCatalog[0]; ++i)
        if (kEventCatalog[i].id != i)
            return false;
    return true;
}
} // namespace detail
static_assert(sizeof kEventCatalog / sizeof kEventCatalog[0] == events::kCount,
              "every event id has one catalog entry");
static_assert(detail::event_catalog_in_order(), "kEventCatalog is in the order of events::Id");

constexpr const EventName& event_name(EventId id) {
    return kEventCatalog[id];
}

// The log's `src` of a source; "cpuN" for the per-CPU events (logged as "cpu0"...).
inline const char* event_source_name(EventSource src) {
    return name_of(kEventSourceNames, src);
}

// The log's `src` of CPU `cpu`'s events: "cpu3". The text lives as long as the program, so an
// event points at it instead of building it; any cpu >= 0.
const char* cpu_source_name(int cpu);

// "bus.byte"; "cpuN.irq" for a per-CPU event: the name expect.counts uses.
std::string event_key(EventId id);

// The event a key names: "bus.byte", and "cpu3.irq" (any CPU number) or "cpuN.irq" for a
// per-CPU event. False for anything else ("cpu.irq", "cpu7.nothing", "bus.bytes").
bool find_event(const std::string& key, EventId* out);

// The event a log's src and ev name, as find_event.
bool find_event(const std::string& src, const std::string& ev, EventId* out);

// Which events a list offers (null: every one): a scenario whose host is the real driver
// cannot count the model host's own events.
using EventFilter = bool (*)(EventId);

// Every key in catalog order, "bus.start, bus.restart, ...": the list an error offers.
std::string event_keys(EventFilter offered = nullptr);

// The catalog keys closest to a misspelt one (edit distance), best first, at most `max`.
std::vector<std::string> close_event_keys(const std::string& key, size_t max = 3,
                                          EventFilter offered = nullptr);

} // namespace ssifsim
