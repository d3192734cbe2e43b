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
// reads and writes, the host's transfer errors, the faults) until `max_responses` host
// responses have been seen, or, when the run has fewer requests (`total_requests`), until
// the moment each has had its response: the summary explains only the first few requests
// within their time in flight, and memory stays flat however long the run (a host.watch
// run polls on after its last request, its BMC and daemon at work each time).
class CauseRecorder : public EventSink {
  public:
    CauseRecorder(size_t max_responses, size_t total_requests)
        : max_responses_(max_responses), total_requests_(total_requests) {}
    bool wants(EventId id) const override;
    bool records_early(EventId) const override { return true; } // keeps them, in order
    bool records_all_early() const override { return true; }
    void record(const Event& e) override;
    const std::vector<Event>& records() const { return records_; }

  private:
    size_t max_responses_;
    size_t total_requests_;
    size_t responses_ = 0;
    uint64_t last_response_ns_ = 0;
    bool done_ = false; // every request had its response, and time went past the last
    std::vector<Event> records_;
};

// The chain for a failed outcome, one line each ("510.000000 ms  the BMC's response timer
// fired ..."), in time order; empty for a success.
std::vector<std::string> explain_failure(const ssif::RequestOutcome& o,
                                         const std::vector<Event>& records);

} // namespace ssifsim::tools
