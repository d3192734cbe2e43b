// The BMC's userspace daemon of kind "simple": opens /dev/ipmi-ssif-host, reads each request,
// takes its processing latency, and writes the responder's answer before it reads the next,
// as a test daemon does (OpenBMC's ssifbridge, which holds several requests, is ssifbridge.h).
// A write the driver rejects is logged and not retried (the daemon goes on to the next read);
// a read that fails with -ENODEV (the device removed under the open file) ends the daemon.
#pragma once

#include <systemc>

#include "models/common/event_log.h"
#include "models/common/fault_observer.h"
#include "models/common/rng.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/daemon_observer.h"
#include "models/ssif/bmc/ipmi_backend.h"

namespace ssifsim::ssif {

struct DaemonConfig {
    // The time from reading a request to writing its response: latency_ns, or with
    // latency_max_ns above it, drawn uniformly from [latency_ns, latency_max_ns] per request
    // from `seed`.
    uint64_t latency_ns = 10'000'000;
    uint64_t latency_max_ns = 0;
    uint64_t seed = 1;
    bool silent = false; // reads requests, never answers
};

// A fault the scenario aims at the daemon's handling of one request (tools/faults.h).
struct DaemonFault {
    enum class Kind { None, Slow, Silent, Malformed, ReadFault };
    int id = -1; // the fault's index in the scenario, for the log
    Kind kind = Kind::None;
    uint64_t latency_ns = 0; // Slow: this latency instead of the configured one
    // Malformed: the u32 length field written (-1: the response's true length), and how
    // many bytes write() is given (-1: the length field and the whole response).
    int64_t len = -1;
    int count = -1;
    // ReadFault: the daemon's read() buffer takes only this many bytes before it faults
    // (copy_to_user() fails part way; 0: at once).
    size_t copyable = 0;
};

class DaemonFaultSource {
  public:
    virtual ~DaemonFaultSource() = default;
    // Called for each request the daemon reads; `nth` counts them from 1. Before the daemon's
    // read() blocks, or, if waits_for_request(), once a request is there to read (poll's
    // EPOLLIN): a source that tells requests apart by what the host wrote needs the request
    // written before it can decide.
    virtual DaemonFault next_request(int nth) = 0;
    virtual bool waits_for_request() const { return false; }
};

class BmcDaemon : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(BmcDaemon);
    BmcDaemon(sc_core::sc_module_name name, const DaemonConfig& config, BmcModule& bmc,
              IpmiBackend& backend, EventSink& log);
    void set_faults(DaemonFaultSource* faults) { faults_ = faults; }
    // Told each request read and each response the driver accepted.
    void add_observer(DaemonObserver* o) { observers_.add(o); }
    // Told each fault the daemon applies (as it logs the "fault" event).
    void add_fault_observer(FaultObserver* o) { fault_observers_.add(o); }

  private:
    void run(); // SC_THREAD

    DaemonConfig config_;
    BmcModule& bmc_;
    IpmiBackend& backend_;
    EventSink& log_;
    DaemonFaultSource* faults_ = nullptr;
    DaemonObservers observers_;
    FaultObservers fault_observers_;
    Bytes buffer_; // the daemon's read() buffer, kept from read to read
    // What read() copied out, the request taken from buffer_, and the message written: kept
    // from request to request for their capacity. Members, not locals of run(): a SystemC
    // thread still waiting when the simulation ends is never unwound, and its locals' heap
    // buffers would leak.
    Bytes read_msg_, request_, write_msg_;
    Rng rng_;
};

} // namespace ssifsim::ssif
