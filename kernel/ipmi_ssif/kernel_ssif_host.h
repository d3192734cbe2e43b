// The real drivers/char/ipmi/ipmi_ssif.c as a scenario's host (host.implementation "kernel"):
// the driver compiled unmodified against kernel/ipmi_ssif/khost_shim.h, run on SystemC threads
// (its probe and remove on one, its kthread on another, its timers from a method standing in
// for the timer softirq), its SMBus calls made by an SmbusController on the host's socket,
// like the model host's (models/ssif/host/ssif_host.h), so the bus, its faults, PEC and the
// VCD see the same kind of transfers. A stand-in for ipmi_msghandler registers the interface
// (Get Device GUID, Get Device ID, the channel scan, as the model host does), hands the
// workload's requests to the driver's sender one at a time and takes the responses; events
// and incoming messages the driver fetches on its own are logged apart (host incoming).
//
// Built only with the kernel source (-DSSIFSIM_KERNEL_SOURCE); without it make_kernel_host
// returns null and kernel_host_available() is false. The driver keeps its state in statics:
// one kernel host per process.
#pragma once

#include <cstddef>
#include <memory>

#include "models/common/event_log.h"
#include "models/common/stop_gate.h"
#include "models/smbus/alert.h"
#include "models/smbus/socket.h"
#include "models/ssif/host/ssif_host.h"

namespace ssifsim::kernel {

// What a scenario's run needs of its host; SsifHost offers the same calls.
class KernelHost {
  public:
    virtual ~KernelHost() = default;
    // Bind to the bus (or a fault injector in front of it) before the simulation starts. The
    // host tags the driver's transfers as the model host does (the user request's id while the
    // driver works on it, else 0; read or write; the SSIF command) and the ARA reads.
    virtual smbus::SmbusInitiatorSocket& smbus_socket() = 0;
    // SMBALERT#: on each fall the host reads the Alert Response Address until a read fails and
    // runs the driver's alert callback (ssif_alert) for each answer from the BMC's address.
    virtual smbus::AlertInPort& smbalert() = 0;
    virtual void set_requests(ssif::RequestSource* requests) = 0;
    virtual void set_outcome_sink(ssif::OutcomeSink* sink) = 0;
    // Once every request has its outcome, the host removes the driver (rmmod: ssif_remove,
    // shutdown_ssif, kthread_stop), then tells the gate; after an oops it tells it at once.
    virtual void stop_when_done(StopGate* gate) = 0;
    virtual size_t completed() const = 0;
    // The requests handed to the driver so far (each a host.request event).
    virtual size_t submitted() const = 0;
    // What ssif_probe found (LinkSetup::found false if the probe failed or never ran).
    virtual ssif::LinkSetup link() const = 0;
    // The driver's statistics, as they were before its removal.
    virtual ssif::HostStats stats() const = 0;
};

// True in a build with the kernel source.
bool kernel_host_available();

// The host events this host can log (src "host"): those its glue around the driver builds in
// kernel_ssif_host.cpp, and host.handler_warn, ipmi_msghandler's check of a response
// (models/ssif/recv_check.h), made for both hosts. The model host's others (host.state,
// host.flags, host.hung, the probe's host.probe_cmd, ...) are its own state machine's, which
// the real driver does not have, so expect.counts cannot count them with implementation
// "kernel" (the scenario loader says so).
constexpr events::Id kKernelHostEvents[] = {
    events::kHostRequest,     events::kHostResponse,       events::kHostTimer,
    events::kHostWriteError,  events::kHostReadError,      events::kHostLink,
    events::kHostQuickWrite,  events::kHostHandlerRequest, events::kHostHandlerResponse,
    events::kHostHandlerWarn, events::kHostRegistered,     events::kHostAdapterRetry,
    events::kHostIncoming,    events::kHostAlert,          events::kHostKernelLog,
    events::kHostKernelOops,  events::kHostRemoved,
};
inline bool kernel_host_logs(EventId id) {
    for (events::Id e : kKernelHostEvents)
        if (e == id)
            return true;
    return false;
}
// The release (HostKernel::kernel_release, "6.1" or "6.12") whose ipmi_ssif.c `variant`'s row
// runs, if this build lacks it (linux-source-6.1's file is optional: scripts/kernel-source.sh
// extracts it); null if the build has it.
const char* kernel_host_missing_release(ssif::HostVariant variant);
// Where that release's ipmi_ssif.c came from, as the comparison output names it ("DIR (Debian
// linux-source-6.1 6.1.192-3)"), when it is not SSIFSIM_KERNEL_SOURCE itself; else null.
const char* kernel_host_release_tree(ssif::HostVariant variant);

// How the driver is loaded, beyond the scenario's HostConfig.
struct KernelHostOptions {
    // insmod's adapter_name= beside addr= (the default). Without it ssif_probe's
    // ssif_check_and_remove strcmp()s the NULL name of the address it was given: a NULL
    // pointer dereference in the driver, which the host reports as an oops (host kernel_oops)
    // that ends the probe's task, not a crash of the simulator.
    bool adapter_name = true;
};

// The host module named `name`. Null without the kernel source. A second one in the same
// process, or a variant whose release the build lacks (kernel_host_missing_release), is a
// std::runtime_error. HostConfig: bmc_addr7, hz, enumeration (acpi: i2c-core instantiates the
// device and calls ssif_probe; detect: the Quick Write, ssif_detect, then ssif_probe), adapter
// (retries, errnos) and watch are used; variant picks the release the driver is
// (HostKernel::kernel_release) and whether msleep adds a jiffy; the driver always probes (the
// link keys are what the probe finds).
std::unique_ptr<KernelHost> make_kernel_host(const char* name, const ssif::HostConfig& config,
                                             EventSink& log, const KernelHostOptions& options = {});

// How the scenario error says to get the kernel source.
constexpr const char* kKernelHostHowTo =
    "the real ipmi_ssif.c needs a build with the kernel source: bash "
    "scripts/kernel-source.sh build/kernel-source && bash scripts/setup.sh "
    "(README: Kernel in the loop)";

} // namespace ssifsim::kernel
