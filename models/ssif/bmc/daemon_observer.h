// The daemon observer: what crosses /dev/ipmi-ssif-host between ssif_bmc and its userspace
// daemon (the simple daemon, OpenBMC's ssifbridge, whatever IpmiBackend answers behind
// them), reported as it happens, with bytes and times, so that checks and the summary learn
// it without reading the event log back.
#pragma once

#include <cstdint>

#include "models/common/event_log.h"

namespace ssifsim::ssif {

class DaemonObserver {
  public:
    virtual ~DaemonObserver() = default;
    // The driver made a request available to the daemon (ssif_bmc's wake_up_all on
    // request_received; reported by BmcModule), at t_ns simulated ns.
    virtual void request_available(uint64_t /*t_ns*/) {}
    // A read() of the device returned a request: `request` is the IPMI message (netfn/lun,
    // cmd, data) after struct ipmi_ssif_msg's u32 length field, as far as read() said it
    // got. Failed reads are not reported.
    virtual void request_read(const Bytes& /*request*/, uint64_t /*t_ns*/) {}
    // A write() of the device the driver accepted (ssif_bmc_write returned >= 0): `response`
    // the IPMI message the daemon meant to send; `read` the daemon's read (counted from 1)
    // it answers, 0 when the daemon does not say (the simple daemon answers its last read).
    virtual void response_written(const Bytes& /*response*/, uint64_t /*t_ns*/, uint64_t /*read*/) {
    }
};

// The observers one model reports to, in the order they were added.
class DaemonObservers : public DaemonObserver {
  public:
    void add(DaemonObserver* o) { list_.push_back(o); }
    void request_available(uint64_t t_ns) override {
        for (DaemonObserver* o : list_)
            o->request_available(t_ns);
    }
    void request_read(const Bytes& request, uint64_t t_ns) override {
        for (DaemonObserver* o : list_)
            o->request_read(request, t_ns);
    }
    void response_written(const Bytes& response, uint64_t t_ns, uint64_t read) override {
        for (DaemonObserver* o : list_)
            o->response_written(response, t_ns, read);
    }

  private:
    std::vector<DaemonObserver*> list_;
};

} // namespace ssifsim::ssif
