// The BMC's userspace daemon: opens /dev/ipmi-ssif-host, reads each request, takes its
// processing latency, and writes the responder's answer, as ssifbridge or a test daemon does.
#pragma once

#include <systemc>

#include "models/common/event_log.h"
#include "models/ssif/bmc/bmc_module.h"
#include "models/ssif/bmc/responder.h"

namespace ssifsim::ssif {

struct DaemonConfig {
    uint64_t latency_ns = 10'000'000;
    bool silent = false; // reads requests, never answers
};

class BmcDaemon : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(BmcDaemon);
    BmcDaemon(sc_core::sc_module_name name, const DaemonConfig& config, BmcModule& bmc,
              IpmiResponder& responder, EventSink& log);

  private:
    void run(); // SC_THREAD

    DaemonConfig config_;
    BmcModule& bmc_;
    IpmiResponder& responder_;
    EventSink& log_;
};

} // namespace ssifsim::ssif
