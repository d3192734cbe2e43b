// Spec checks and scenario expectations over a finished run. Each gives one Check whose
// detail, when it fails, explains it in one line with the time and the values.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <vector>

#include "tools/runner.h"

namespace ssifsim::tools {

// T6max (IPMI v2.0 §12): each request's response within the limit; a request that never
// got one fails it. Fed one outcome at a time. The worst figure and the detail name the same
// request: when the check fails, the longest of the requests that failed it (the detail also
// counts them and names the first); when it passes, the longest of all.
class T6Check {
  public:
    explicit T6Check(uint64_t limit_ns);
    void add(const ssif::RequestOutcome& o);
    // A request started at `started_ns` and still without a response when the run ends at
    // `end_ns`: over the limit by then, it fails T6max whatever came after; within it, it is
    // not judged (the run was cut, not the BMC slow). Returns whether it failed.
    bool add_open(int id, uint64_t started_ns, uint64_t end_ns);
    // A request handed to the driver at `handed_ns` that it had not started when the run
    // ended, the host having begun no transfer since `idle_since_ns`: judged as add_open from
    // then (a driver that sits on its work is as late as one that is slow with it).
    bool add_waiting(int id, uint64_t handed_ns, uint64_t idle_since_ns, uint64_t end_ns);
    Check result(size_t completed, size_t submitted) const;

  private:
    void failed(int id, uint64_t took_ns, const std::string& request, const std::string& detail);

    Check check_; // name, description, limit
    uint64_t longest_ns_ = 0;
    int longest_id_ = 0;
    uint64_t failures_ = 0;
    uint64_t worst_failed_ns_ = 0;
    int worst_failed_id_ = 0;
    std::string worst_failed_detail_;
    std::string first_failed_; // "request 3 at t=..."
};

// Every submitted request completed.
Check check_all_answered(size_t completed, size_t submitted);

// No IPMI message lost or duplicated: every request the host wrote reached the daemon once,
// and every response the host took is the one the daemon gave to that request. With one
// message in flight, a request pairs with the daemon's first read made after the host
// started it and before the host started the next one, which must carry the same bytes;
// further reads of those bytes right after it are copies (the host wrote the request again
// after the BMC had taken it), a duplicate, and the host's response may answer any of them. So
// an outcome is judged once that read is known (at completion, or at the daemon's next
// read, or when the next request starts); the daemon's exchanges outside every request's
// window (flag polling while idle) are not kept.
//
// A daemon that holds several requests (ssifbridge) says which read each write answers. The
// driver hands the host the response last written to it, so the host's response is the
// last accepted write before its outcome: if that write answered an earlier read than the
// request's own, the host took a stale answer; a read answered by two accepted writes is a
// duplicate.
class IpmiMessagesCheck {
  public:
    // Each request's start comes before the daemon's reads for it and its outcome.
    void request_started(uint64_t t_ns);
    // The daemon's reads are numbered from 1 in the order of these calls.
    void daemon_read(const Bytes& request, uint64_t t_ns);
    // A write the driver accepted; `read`: the read it answers (0: the last one).
    void daemon_wrote(const Bytes& response, uint64_t t_ns, uint64_t read = 0);
    void add(const ssif::RequestOutcome& o);
    Check result(); // judges the last outcome
    size_t exchanges_held() const { return exchanges_.size(); }

  private:
    void judge(const ssif::RequestOutcome& o, uint64_t until_ns);
    void judge_waiting(uint64_t until_ns);
    void problem(const std::string& what);

    // A written response, and the read it answered; none while `held` is false. Assigned in
    // place, not replaced: a run of requests reuses the buffers of the first.
    struct Written {
        bool held = false;
        uint64_t read = 0;
        Bytes response;
        uint64_t t_ns = 0;
    };
    std::deque<DaemonExchange> exchanges_;
    bool in_flight_ = false; // a request has started and not completed
    // Completed, its daemon read not yet seen (while has_waiting_); copied in place, as Written.
    ssif::RequestOutcome waiting_;
    bool has_waiting_ = false;
    uint64_t reads_ = 0;
    Written last_written_; // the driver's response buffer
    Written waiting_took_; // what the host took for waiting_
    // The last kRecentReads reads: their request and the writes that answered them, to name
    // a duplicate. A ring by read number (read % kRecentReads): each read's slot is assigned
    // in place, its buffer reused; a slot holding another read number is not that read's.
    static constexpr size_t kRecentReads = 64;
    struct RecentRead {
        uint64_t read = 0; // 0: no read yet
        Bytes request;
        uint64_t t_ns = 0;
        int answers = 0;
    };
    std::array<RecentRead, kRecentReads> recent_;
    // Read `read`'s slot while the ring still holds it, else null.
    RecentRead* recent(uint64_t read);
    // judge()'s reads of one request, kept between calls for its buffer.
    std::vector<DaemonExchange> reads_of_request_;
    int problems_ = 0;
    std::string first_;
};

// Every fault in the scenario was applied at least once (else it was aimed at nothing).
// why_not[i]: what fault i met and why it did not act (FaultPlan::why_not_fired).
Check check_faults_fired(const std::vector<Fault>& faults, const std::vector<uint64_t>& fired,
                         const std::vector<std::string>& why_not = {});

// Turns a spec check into "must fail" when the scenario expects that verdict.
void apply_expected_verdict(const Scenario& scenario, Check& check);

// The scenario's expectations on its requests (expect.requests); the components judge their
// own (ComponentResult::expectations).
std::vector<Check> check_expectations(const Scenario& scenario, const RunResult& result);

// An expectation: `subject` (what was measured, for the description and detail) is
// `expected`; `show` prints a value.
template <typename T, typename Show>
void expect_equal(std::vector<Check>& out, std::string name, const std::string& subject,
                  const T& actual, const T& expected, Show show) {
    Check c;
    c.name = std::move(name);
    c.description = subject + " is " + show(expected);
    if (!(actual == expected)) {
        c.pass = false;
        c.detail = subject + " is " + show(actual) + ", expected " + show(expected);
    }
    out.push_back(c);
}

// Orders a run's spec checks as kSpecChecks lists them (a check it does not list, such as
// ipmi_sim, after them in the order given), whichever component made each.
void order_spec_checks(std::vector<Check>& checks);

} // namespace ssifsim::tools
