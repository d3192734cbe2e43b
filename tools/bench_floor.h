// The benchmark's `floor` workload: a scenario's SSIF requests pushed through the plain C++
// cores with no SystemC process, event or time in between — the host driver's state machine
// (IpmiSsif), the SMBus block write and block read framing with PEC as the host's controller
// and the bus do them, the BMC driver (SsifBmc) driven slave event by slave event, the
// daemon's read, latency and write, and every log event those models build. What remains is
// the models' own work: the limit a SystemC run of the same requests is measured against.
// Time is a plain counter advanced by each byte's and timer's duration, so the driver's
// timers, the daemon's latency and the BMC's busy NAKs happen as in the SystemC run.
#pragma once

#include <cstdint>

#include "tools/scenario.h"

namespace ssifsim::tools {

struct FloorResult {
    uint64_t requests = 0;   // user requests completed (failed ones included)
    uint64_t failed = 0;     // of them, those with an error (RequestOutcome::failed)
    uint64_t transfers = 0;  // SMBus block transfers made
    uint64_t wire_bytes = 0; // bytes on the wire, address bytes and PEC included
    uint64_t events = 0;     // log events the models offered (none is built: no sink wants one)
    uint64_t end_ns = 0;     // simulated time when the last request completed
};

// Runs every request of `s` (its listed requests and its generators', in time order) to
// completion. Takes the scenarios the benchmark's SSIF workloads are: the simple daemon
// answered by the builtin responder, no probe, polled host (no host.irq), no faults, no
// SMBALERT#; throws std::invalid_argument naming the first feature it does not model.
FloorResult run_floor(const Scenario& s);

} // namespace ssifsim::tools
