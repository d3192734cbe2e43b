// A scenario: the resolved configuration of one run, loaded and validated from JSON.
// The format is documented in scenarios/README.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/smbus/timing.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon.h"
#include "models/ssif/bmc/ipmi_sim_backend.h"
#include "models/ssif/bmc/responder.h"
#include "models/ssif/bmc/scripted_backend.h"
#include "models/ssif/bmc/ssifbridge.h"
#include "models/ssif/host/ssif_host.h"
#include "tools/check_names.h"
#include "tools/faults.h"
#include "tools/json_reader.h"
#include "tools/workload.h"
#include "tools/zpci_config.h"

namespace ssifsim::tools {

// What one request must come to; each field set is one expectation.
struct RequestExpectation {
    int id = 0;
    std::string path; // JSON path, for the report
    std::optional<uint8_t> completion_code;
    std::optional<ssif::RequestError> error; // None expects success
    std::optional<Bytes> response;
    std::optional<int> response_length;
    std::optional<int> write_attempts;
    std::optional<int> read_attempts;
    std::optional<int> parts_written;
    std::optional<int> parts_read;
    std::optional<uint64_t> started_ns; // when the driver took it from its queue
};

struct Expectations {
    uint64_t t6_max_ns = 250'000'000; // IPMI v2.0 §12 SSIF timing, T6max
    // The verdict each spec check must give; unlisted checks must pass. Any: reported,
    // never failing the run (sweeps use it for checks their faults may break).
    enum class Verdict { Pass, Fail, Any };
    std::map<std::string, Verdict> spec;
    std::vector<RequestExpectation> requests;
    std::optional<ssif::BmcState> bmc_final_state;
    std::optional<bool> bmc_aborting;
    // Exact counts of log events by "src.ev", e.g. "daemon.read".
    std::map<std::string, uint64_t> counts;
    // Where `counts` begins: the start of the run, or the host's last `registered` event (the
    // end of ipmi_add_smi's start-up requests after the probe), so that the driver's start-up
    // traffic is left out; a run without that event counts from the start.
    enum class CountsFrom { Start, Registered };
    CountsFrom counts_from = CountsFrom::Start;
};

// What answers the daemon's requests (bmc.daemon.backend).
struct DaemonBackend {
    enum class Kind { Builtin, IpmiSim };
    Kind kind = Kind::Builtin;
    // ipmi_sim: the emulator commands (given inline, or as a file relative to the scenario,
    // read at loading), lan.conf lines added to the generated one, and the wall-clock
    // timeouts.
    std::vector<std::string> emulator;
    std::vector<std::string> lan_conf;
    uint64_t start_timeout_ms = 10'000;
    ssif::IpmiSimConfig ipmi_sim; // its timeout_ms: per answer
};

// Which code a side runs (host.implementation, bmc.implementation): the project's model, or
// the real kernel driver compiled against the shim (README: "Kernel in the loop").
enum class Implementation { Model, Kernel };
const char* implementation_name(Implementation i);

struct Scenario {
    static constexpr int kVersion = 1;

    std::string file;
    int version = kVersion;
    std::string description;
    uint64_t seed = 1;
    smbus::SmbusTiming bus;
    ssif::HostConfig host;
    ssif::BmcConfig bmc;
    Implementation bmc_implementation = Implementation::Model;
    // bmc.daemon.kind: the simple daemon (read, latency, write: `daemon`) or OpenBMC's
    // ssifbridge with ipmid behind it (`bridge`).
    enum class DaemonKind { Simple, SsifBridge };
    DaemonKind daemon_kind = DaemonKind::Simple;
    ssif::DaemonConfig daemon;
    ssif::BridgeConfig bridge;
    DaemonBackend backend;
    ssif::ResponderConfig responder;
    std::vector<ssif::ScriptRule> script; // bmc.script, in front of the responder
    // workload.requests; the generators' requests are made as the run needs them (ids go
    // on from the list's).
    std::vector<ssif::HostRequest> requests;
    std::vector<Generator> generators;
    size_t total_requests() const;
    uint64_t until_ns = 0; // workload.until_ms: run on after the last response
    std::vector<Fault> faults;
    ZpciScenario zpci; // enabled when the scenario has a zpci section
    // host.irq "zpci": the SMBus controller is this PCI function; its transfer-complete MSI
    // (index 0) wakes the driver. None: the driver sees each transfer end at once.
    std::optional<uint32_t> host_irq_fid;
    // host.implementation: the model (SsifHost), or "kernel": the real ipmi_ssif.c runs as
    // the host (kernel/ipmi_ssif/kernel_ssif_host.h).
    Implementation host_implementation = Implementation::Model;
    Expectations expect;
};

// How big a scenario's run is, for `validate`: requests, MSIs, and the simulated time by
// which the last of them is due (expected, for random gaps) or workload.until_ms.
struct WorkloadSize {
    uint64_t listed = 0, generated = 0, msis = 0;
    uint64_t span_ns = 0;
    bool random_gaps = false;     // a Poisson generator's last is due at its mean gaps
    bool until_sets_span = false; // workload.until_ms comes after the last is due
    // Above these a run takes minutes or more of wall time (README's performance table:
    // about 20,000 requests and a few million MSIs per wall second).
    static constexpr uint64_t kManyRequests = 1'000'000;
    static constexpr uint64_t kManyMsis = 100'000'000;
    static constexpr uint64_t kLongSpanNs = 24ULL * 3600 * 1'000'000'000; // a simulated day
};
WorkloadSize workload_size(const Scenario& s);
// "12 requests (2 listed, 10 generated), 0 MSIs, simulated span 1.500000 s"; and, if any
// figure is above its threshold, a warning line per figure.
std::string describe_size(const WorkloadSize& w, std::vector<std::string>* warnings);
// What the scenario seems to ask for that its run will not show, a warning line each: with
// host.watch and no workload.until_ms, the run ends when nothing else is left to do (the
// last response, the probe, the last MSI), so the watch's polls after that never run
// (ssifsim run --until runs them); with a workload.until_ms before the watch's first poll can
// run, no poll runs at all. run_until_ns: the run's --until, which overrides until_ms (0:
// none).
std::vector<std::string> unreached_warnings(const Scenario& s, uint64_t run_until_ns = 0);

// Loads and validates; throws InputError naming the file and JSON path.
Scenario load_scenario(const std::string& file);
// The same from a parsed document; `file` names it in messages.
Scenario parse_scenario(const json& doc, const std::string& file);

// The BMC of `s` as the real ssif_bmc.c (bmc.implementation "kernel", variant "6.12": the
// source the build has, Debian's 6.12.117): throws InputError naming s.file and the JSON path
// of a BMC option the real driver has no counterpart for (a response timeout other than its
// RESPONSE_TIMEOUT, another multi-part end, SMBALERT#, a larger buffer, the downstream
// Nuvoton patches), or saying how to get the kernel source when the build has none.
void use_kernel_bmc(Scenario& s);
// The host of `s` as the real ipmi_ssif.c (host.implementation "kernel"): throws InputError
// naming s.file and the JSON path when the build has no kernel source (saying how to get
// it), or when host.irq is "zpci" (the kernel host has no interrupt-driven adapter).
void use_kernel_host(Scenario& s);
// Whether `name` (an expect.counts key, "host.state") is a host event only the model host logs:
// the real ipmi_ssif.c never does (kernel::kKernelHostEvents), so its count says nothing of it.
bool model_host_only_event(const std::string& name);
// Whether the host of `s` makes its own requests before workload request 1: host.probe (the
// model host's probe and ipmi_add_smi's registration), or the kernel host, whose ssif_probe
// always probes and registers (host.probe does not apply to it).
bool host_probes(const Scenario& s);

// The resolved configuration, every default filled in (for --print-config and the report).
ojson scenario_to_json(const Scenario& s);

} // namespace ssifsim::tools
