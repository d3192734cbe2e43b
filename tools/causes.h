// Why a request failed, from the models' own records: the events of the BMC, its daemon, the
// host and the faults while the request was in flight, told as a chain of causes for the
// summary (as the summary splits a success's response time into its parts).
#pragma once

#include <string>
#include <vector>

#include "models/common/event_log.h"
#include "models/ssif/host/ipmi_ssif.h"

namespace ssifsim::tools {

// Keeps the events a failure is explained with (the BMC's timer and request, the daemon's
// reads and writes, the host's transfer errors, the faults) while a request is in flight
// (from a host.request to its host.response: explain_failure reads only within a request's
// start and response), and a daemon's stop whenever it comes (it explains every request
// after it), until `max_responses` host responses have been seen: the summary explains only
// the first few requests, and memory stays flat however long the run (a host.watch run polls
// on, its BMC and daemon at work each time, between requests and after the last).
class CauseRecorder : public EventSink {
  public:
    explicit CauseRecorder(size_t max_responses) : max_responses_(max_responses) {}
    bool wants(EventId id) const override;
    const std::bitset<events::kCount>* wants_at_most() const override;
    bool records_early(EventId) const override { return true; } // keeps them, in order
    bool records_all_early() const override { return true; }
    void record(const Event& e) override;
    const std::vector<Event>& records() const { return records_; }

  private:
    size_t max_responses_;
    size_t responses_ = 0;
    size_t in_flight_ = 0; // host.requests not yet answered
    uint64_t last_response_ns_ = 0;
    std::vector<Event> records_;
};

// The chain for a failed outcome, one line each ("510.000000 ms  the BMC's response timer
// fired ..."), in time order; empty for a success.
std::vector<std::string> explain_failure(const ssif::RequestOutcome& o,
                                         const std::vector<Event>& records);

} // namespace ssifsim::tools
