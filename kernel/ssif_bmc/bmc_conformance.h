// Differential conformance of the BMC driver model (SsifBmc, variant 6.12) against the real
// drivers/char/ipmi/ssif_bmc.c of Debian's 6.12.117 (kernel_ssif_bmc.h): the same random,
// SSIF-shaped sequences of I2C slave events (valid and unknown commands, counts, good, bad
// and missing PECs, truncated transfers, lost STOPs, parts past 32 bytes), userspace reads
// and writes of valid and invalid lengths (among them the write-length boundaries: len 255,
// 256 and 0xfffffffc.., counts under 4), reads whose copy_to_user() faults part way, polls,
// open/release, response-timer expiries and remove (then a fresh probe) go to both; after
// each, the return value, the byte the callback gave, the bytes read, the state, the
// busy/aborting/request/response flags, whether the timer is pending, the printk level of
// each line the call logged, a response timer left pending on a removed (freed) context and
// such timers run after remove are compared. Each kind of divergence is reported once,
// shrunk by ddmin.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "kernel/divergence.h"
#include "models/common/event_log.h"
#include "models/common/rng.h"
#include "models/smbus/slave.h"
#include "models/ssif/bmc/ssif_bmc.h"

namespace ssifsim::kernel {

struct BmcOp {
    // ReadFault: read() into a buffer that faults after `copyable` bytes. Remove:
    // ssif_bmc_remove and the context freed (devm), then a new device probed and opened, so
    // the sequence goes on; a response timer still pending stays pending on the freed
    // context and runs at the next TimerFire.
    enum class Kind { Event, Open, Release, Read, Write, Poll, TimerFire, ReadFault, Remove };
    Kind kind = Kind::Event;
    smbus::SlaveEvent event = smbus::SlaveEvent::Stop; // Event
    uint8_t val = 0;                                   // Event: the byte written or given
    size_t count = 0;                                  // Read, ReadFault: the reader's count
    Bytes data;                                        // Write: what write() is given
    size_t copyable = 0; // ReadFault: bytes copy_to_user() writes before the fault
};
// "write_received(0x06)", "read(260)", "read_fault(260, faults after 7)", "remove", ...
std::string to_string(const BmcOp& op);

// What one call did and the driver's state after it.
struct BmcObservation {
    long result = 0; // the callback's 0/-EBUSY, a syscall's count or -errno, poll's mask
    uint8_t val = 0; // Event: the byte in *val after the callback
    Bytes read;      // Read: the bytes returned
    int state = 0;   // enum ssif_state
    bool busy = false, aborting = false, request_available = false, response_in_progress = false;
    bool timer_pending = false;
    // The printk level of each line the call logged, in order ("debug,err"; dev_dbg
    // "debug", dev_warn "warn", dev_err "err"); the text is each implementation's own.
    std::string log;
    // A response timer still pending on a removed device's freed context (left by a remove
    // without 7fc3e2546cf3's timer_delete_sync), and how often such a timer ran.
    bool timer_after_remove = false;
    uint64_t use_after_free = 0;
};

// One implementation under comparison: constructed probed (slave address 0x10) and opened.
class BmcImpl {
  public:
    virtual ~BmcImpl() = default;
    virtual BmcObservation apply(const BmcOp& op) = 0;
};
using BmcFactory = std::function<std::unique_ptr<BmcImpl>()>;

// SsifBmc of `variant`; Debian612 is the row for the kernel source the build extracts.
std::unique_ptr<BmcImpl> make_model_bmc(ssif::BmcVariant variant = ssif::BmcVariant::Debian612);
// The real ssif_bmc.c; nullptr when the build has no kernel source.
std::unique_ptr<BmcImpl> make_kernel_bmc();

using BmcDivergence = Divergence<BmcOp>;

struct BmcConformance {
    uint64_t events = 0;                  // calls on each side
    uint64_t sequences = 0;               // devices probed (a remove probes another)
    std::vector<uint64_t> calls_by_kind;  // BmcOp::Kind, with Event split by slave event
    std::vector<uint64_t> calls_by_state; // the state each call left, by enum ssif_state
    uint64_t requests_read = 0;           // read() calls that returned a request
    uint64_t responses_written = 0;       // write() calls the driver took
    uint64_t busy_answers = 0;            // callbacks that returned -EBUSY
    // The calls that reach the later fixes: writes at the length boundaries (len 255, 256 or
    // 0xfffffffc.., or a count under 4) while the real code awaited a response (its timer
    // pending, no response in progress: only the length check stops them; 2024 write length);
    // removes that left the response timer pending (7fc3e2546cf3); reads whose copy faulted
    // with a request there (ea641be7a4fa); log lines the driver printed (c9c99b7b7051).
    uint64_t boundary_writes = 0;
    uint64_t removes_with_timer = 0;
    uint64_t faulted_copies = 0;
    uint64_t log_lines = 0;
    std::vector<BmcDivergence> divergences;
};

// A random sequence of at most `max_calls` calls (whole transactions mostly).
std::vector<BmcOp> random_bmc_sequence(Rng& rng, size_t max_calls);
std::optional<BmcDivergence> first_bmc_divergence(const std::vector<BmcOp>& sequence,
                                                  const BmcFactory& model,
                                                  const BmcFactory& reference);
BmcConformance run_bmc_conformance(uint64_t events, uint64_t seed, const BmcFactory& model,
                                   const BmcFactory& reference);
// `variant`: the model's row the run compared (for the heading).
void print_bmc_conformance(std::ostream& out, const BmcConformance& c,
                           ssif::BmcVariant variant = ssif::BmcVariant::Debian612);

} // namespace ssifsim::kernel
