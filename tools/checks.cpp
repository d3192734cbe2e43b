#include "tools/checks.h"

#include <algorithm>

#include "tools/format.h"

namespace ssifsim::tools {

T6Check::T6Check(uint64_t limit_ns) {
    check_.name = check_name(CheckId::T6max);
    check_.description =
        "request to response within " + ms(limit_ns) + " (IPMI v2.0 12.7 SSIF timing)";
    check_.limit_ns = limit_ns;
}

void T6Check::add(const ssif::RequestOutcome& o) {
    const uint64_t took = o.response_ns();
    if (took >= longest_ns_) {
        longest_ns_ = took;
        longest_id_ = o.id;
    }
    const bool failed_request = o.failed();
    if (!failed_request && took <= check_.limit_ns)
        return;
    const std::string request = "request " + std::to_string(o.id) + " at t=" + ms(o.started_ns);
    failed(o.id, took, request,
           failed_request ? request + " got no valid response: it failed (" +
                                ssif::request_error_name(o.error) + ") after " + ms(took)
                          : request + " took " + ms(took) + ", over the limit of " +
                                ms(check_.limit_ns) + " by " + ms(took - check_.limit_ns));
}

bool T6Check::add_open(int id, uint64_t started_ns, uint64_t end_ns) {
    const uint64_t open_for = end_ns > started_ns ? end_ns - started_ns : 0;
    if (open_for <= check_.limit_ns)
        return false;
    const std::string request = "request " + std::to_string(id) + " at t=" + ms(started_ns);
    failed(id, open_for, request,
           request + " had no response " + ms(open_for) + " later, when the run ended, over the " +
               "limit of " + ms(check_.limit_ns) + " by " + ms(open_for - check_.limit_ns));
    return true;
}

bool T6Check::add_waiting(int id, uint64_t handed_ns, uint64_t idle_since_ns, uint64_t end_ns) {
    const uint64_t idle_for = end_ns > idle_since_ns ? end_ns - idle_since_ns : 0;
    if (idle_for <= check_.limit_ns)
        return false;
    const std::string request = "request " + std::to_string(id) + " at t=" + ms(handed_ns);
    failed(id, idle_for, request,
           "request " + std::to_string(id) + " (handed to the driver at t=" + ms(handed_ns) +
               ") never started: the host began no transfer in the " + ms(idle_for) +
               " from t=" + ms(idle_since_ns) + " to the run's end, over the limit of " +
               ms(check_.limit_ns) + " by " + ms(idle_for - check_.limit_ns));
    return true;
}

void T6Check::failed(int id, uint64_t took_ns, const std::string& request,
                     const std::string& detail) {
    if (failures_++ == 0)
        first_failed_ = request;
    if (failures_ > 1 && took_ns < worst_failed_ns_)
        return;
    worst_failed_ns_ = took_ns;
    worst_failed_id_ = id;
    worst_failed_detail_ = detail;
}

Check T6Check::result(size_t completed, size_t submitted) const {
    Check c = check_;
    c.worst_ns = longest_ns_;
    c.worst_request = longest_id_;
    if (failures_) {
        c.pass = false;
        c.worst_ns = worst_failed_ns_;
        c.worst_request = worst_failed_id_;
        c.detail = worst_failed_detail_;
        if (failures_ > 1)
            c.detail += " (the longest of " + std::to_string(failures_) +
                        " requests that failed the limit; the first was " + first_failed_ + ")";
    } else if (completed < submitted) {
        c.pass = false;
        c.detail = std::to_string(submitted - completed) +
                   " request(s) had no response when the run ended";
    }
    return c;
}

Check check_all_answered(size_t completed, size_t submitted) {
    Check c;
    c.name = check_name(CheckId::AllAnswered);
    c.description = "every request got a response (none lost)";
    if (completed < submitted) {
        c.pass = false;
        c.detail = std::to_string(submitted - completed) + " of " + std::to_string(submitted) +
                   " request(s) had no response when the run ended";
    }
    return c;
}

void IpmiMessagesCheck::request_started(uint64_t t_ns) {
    judge_waiting(t_ns);
    in_flight_ = true;
}

void IpmiMessagesCheck::daemon_read(const Bytes& request, uint64_t t_ns) {
    const uint64_t read = ++reads_;
    RecentRead& slot = recent_[read % kRecentReads]; // over the read kRecentReads before
    slot.read = read;
    slot.request = request;
    slot.t_ns = t_ns;
    slot.answers = 0;
    if (!in_flight_ && !has_waiting_)
        return; // pairs with no request: idle flag polling, or before the first request
    exchanges_.push_back({read, request, t_ns, std::nullopt, 0});
    if (!in_flight_)
        judge_waiting(UINT64_MAX); // the first read after the waiting request's start
}

void IpmiMessagesCheck::judge_waiting(uint64_t until_ns) {
    if (has_waiting_)
        judge(waiting_, until_ns);
    has_waiting_ = false;
    waiting_took_.held = false;
    // With no request in flight, what is left pairs with none: the next one starts later.
    if (!in_flight_)
        exchanges_.clear();
}

void IpmiMessagesCheck::daemon_wrote(const Bytes& response, uint64_t t_ns, uint64_t read) {
    if (read == 0)
        read = reads_;
    last_written_.held = true;
    last_written_.read = read;
    last_written_.response = response;
    last_written_.t_ns = t_ns;
    if (RecentRead* r = recent(read); r && ++r->answers == 2)
        problem("the daemon answered its read " + std::to_string(read) + " (" +
                brief_hex(r->request) + ", read at t=" + ms(r->t_ns) +
                ") twice: a duplicate response, " + brief_hex(response) + " at t=" + ms(t_ns));
    for (auto it = exchanges_.rbegin(); it != exchanges_.rend(); ++it)
        if (it->read == read) {
            it->response = response;
            it->write_ns = t_ns;
            break;
        }
}

IpmiMessagesCheck::RecentRead* IpmiMessagesCheck::recent(uint64_t read) {
    RecentRead& slot = recent_[read % kRecentReads];
    return read != 0 && slot.read == read ? &slot : nullptr;
}

void IpmiMessagesCheck::add(const ssif::RequestOutcome& o) {
    in_flight_ = false;
    // Its pairing read is the first one since it started (request_started dropped what came
    // before): if the daemon has made one, the verdict is known now; else the next read or
    // the next start decides.
    waiting_ = o;
    has_waiting_ = true;
    waiting_took_ = last_written_;
    if (!exchanges_.empty())
        judge_waiting(UINT64_MAX);
}

Check IpmiMessagesCheck::result() {
    judge_waiting(UINT64_MAX);
    Check c;
    c.name = check_name(CheckId::IpmiMessages);
    c.description = "no IPMI message lost or duplicated between the host and the BMC daemon";
    c.pass = problems_ == 0;
    c.detail = first_;
    if (problems_ > 1)
        c.detail += " (and " + std::to_string(problems_ - 1) + " more)";
    return c;
}

void IpmiMessagesCheck::problem(const std::string& what) {
    if (problems_++ == 0)
        first_ = what;
}

namespace {
// `read` is `request` altered on the way: as long, the same netfn/lun and command, other bytes.
bool altered_copy(const Bytes& read, const Bytes& request) {
    return read.size() == request.size() && read.size() > 2 && read[0] == request[0] &&
           read[1] == request[1] && read != request;
}
} // namespace

void IpmiMessagesCheck::judge(const ssif::RequestOutcome& o, uint64_t until_ns) {
    while (!exchanges_.empty() && exchanges_.front().read_ns < o.started_ns)
        exchanges_.pop_front();
    // The request's reads: the first, and any more of the same bytes after it, copies the
    // BMC handed over again because the host wrote the request again after the BMC had
    // taken it (a write that failed on the host's side only, as one losing arbitration at
    // its STOP: ipmi_ssif's msg_written_handler retries it).
    std::vector<DaemonExchange>& reads = reads_of_request_;
    reads.clear();
    while (!exchanges_.empty() && exchanges_.front().read_ns < until_ns &&
           exchanges_.front().request == o.request) {
        reads.push_back(std::move(exchanges_.front()));
        exchanges_.pop_front();
    }
    // Or its bytes altered on the way, the length and the netfn and command kept (ipmi_ssif
    // resends a multi-part request with each later part's length byte over the byte before
    // that part, msg_written_handler's multi_data[multi_pos] = to_write).
    std::optional<DaemonExchange> altered;
    if (reads.empty() && !exchanges_.empty() && exchanges_.front().read_ns < until_ns &&
        altered_copy(exchanges_.front().request, o.request)) {
        altered = std::move(exchanges_.front());
        exchanges_.pop_front();
    }
    if (o.error == ssif::RequestError::PowerOff)
        return;             // the host took nothing; whatever the daemon did is not delivered
    const auto who = [&o] { // built only for a problem: most outcomes have none
        return "request " + std::to_string(o.id) + " (" + hex_string(o.request) +
               ", started t=" + ms(o.started_ns) + ")";
    };
    if (altered) {
        size_t first = 0, differ = 0;
        for (size_t i = o.request.size(); i-- > 0;)
            if (altered->request[i] != o.request[i]) {
                first = i;
                ++differ;
            }
        problem(who() + " reached the daemon altered (its read " + std::to_string(altered->read) +
                " at t=" + ms(altered->read_ns) + "): byte " + std::to_string(first) + " " +
                hex8(altered->request[first]) + ", not " + hex8(o.request[first]) +
                (differ > 1 ? " (" + std::to_string(differ) + " bytes differ)" : std::string()));
        reads.push_back(std::move(*altered));
    }
    if (reads.size() > 1) {
        std::string when;
        for (const DaemonExchange& r : reads)
            when += (when.empty() ? "" : ", ") + std::to_string(r.read) + " at t=" + ms(r.read_ns);
        problem(who() + " reached the daemon " +
                (reads.size() == 2 ? "twice" : std::to_string(reads.size()) + " times") +
                ", a duplicate (its reads " + when +
                "): the host wrote it again after the BMC had taken it");
    }
    const Written* took = waiting_took_.held ? &waiting_took_ : nullptr;
    // The read whose answer the host should take: the copy the response it took answers,
    // else the first.
    std::optional<DaemonExchange> ex;
    for (DaemonExchange& r : reads)
        if (!ex || (took && r.read == took->read))
            ex = std::move(r);
    // A request refused before any transfer, or whose write never got through, was never
    // the BMC's to lose.
    if (!ex && o.error != ssif::RequestError::WriteFailed && o.write_attempts > 0)
        problem(who() + " was lost: the host's write went through but the daemon never read it");
    const bool delivered = !o.failed() || o.error == ssif::RequestError::MismatchedResponse;
    if (!delivered)
        return;
    if (ex && took && took->read < ex->read && took->response == o.response) {
        const RecentRead* earlier = recent(took->read);
        problem(who() + " took a stale answer: " + brief_hex(o.response) +
                ", the daemon's answer to its read " + std::to_string(took->read) +
                (earlier
                     ? " (" + brief_hex(earlier->request) + ", read at t=" + ms(earlier->t_ns) + ")"
                     : std::string()) +
                ", written at t=" + ms(took->t_ns) + ", before it answered this request's read " +
                std::to_string(ex->read));
        return;
    }
    if (!ex || !ex->response) {
        problem(who() + " took a response the daemon never gave it: " + hex_string(o.response) +
                " at t=" + ms(o.completed_ns));
    } else if (*ex->response != o.response) {
        problem(who() + " took " + brief_hex(o.response) + " at t=" + ms(o.completed_ns) +
                "; the daemon answered " + brief_hex(*ex->response));
    }
}

Check check_faults_fired(const std::vector<Fault>& faults, const std::vector<uint64_t>& fired,
                         const std::vector<std::string>& why_not) {
    Check c;
    c.name = check_name(CheckId::FaultsFired);
    c.description =
        "every fault in the scenario happened (" + std::to_string(faults.size()) + " fault(s))";
    for (size_t i = 0; i < faults.size(); ++i) {
        if (fired[i] == 0 && c.pass) {
            c.pass = false;
            c.detail = std::string(fault_type_name(faults[i].type)) + " at " + faults[i].path +
                       " never happened: " +
                       (i < why_not.size() ? why_not[i] : "nothing it aims at occurred");
        }
    }
    return c;
}

void apply_expected_verdict(const Scenario& scenario, Check& check) {
    const auto it = scenario.expect.spec.find(check.name);
    if (it == scenario.expect.spec.end() || it->second == Expectations::Verdict::Pass)
        return;
    if (it->second == Expectations::Verdict::Any) {
        check.description += "; not required";
        if (!check.pass)
            check.detail = "failed (not required): " + check.detail;
        check.pass = true;
        return;
    }
    check.description += "; expected to fail";
    if (!check.judged) { // n/a: neither the failure the scenario expects nor a pass was seen
        check.detail = "the scenario expects this check to fail; " + check.detail;
        return;
    }
    if (check.pass) {
        check.pass = false;
        check.detail = "the scenario expects this check to fail, and it passed";
    } else {
        check.pass = true;
        check.detail = "failed as expected: " + check.detail;
    }
}

namespace {

std::string show_int(int v) {
    return std::to_string(v);
}
std::string show_cc(uint8_t v) {
    return hex8(v);
}
std::string show_error(ssif::RequestError e) {
    return e == ssif::RequestError::None ? "success"
                                         : "\"" + std::string(ssif::request_error_name(e)) + "\"";
}
std::string show_bytes(const Bytes& b) {
    return b.empty() ? "empty" : "[" + brief_hex(b) + "]";
}

void expect_request(std::vector<Check>& out, const RequestExpectation& e, const RunResult& r) {
    const std::string prefix = "request " + std::to_string(e.id) + " ";
    const auto it = std::find_if(r.outcomes.begin(), r.outcomes.end(),
                                 [&e](const ssif::RequestOutcome& o) { return o.id == e.id; });
    if (it == r.outcomes.end()) {
        Check c;
        c.name = prefix + "completed";
        c.description = "request " + std::to_string(e.id) + " completed";
        c.pass = false;
        const auto open = r.open_requests.find(e.id);
        c.detail = open != r.open_requests.end()
                       ? "request " + std::to_string(e.id) + " (started t=" + ms(open->second) +
                             ") was still in flight when the run ended at t=" + ms(r.end_ns)
                       : "request " + std::to_string(e.id) +
                             " never started (the run ended at t=" + ms(r.end_ns) + ")";
        out.push_back(c);
        return;
    }
    const ssif::RequestOutcome& o = *it;
    const std::string subject =
        "request " + std::to_string(o.id) + " (done t=" + ms(o.completed_ns) + "): ";
    if (e.completion_code)
        expect_equal(out, prefix + "completion_code", subject + "completion code",
                     o.completion_code, *e.completion_code, show_cc);
    if (e.error)
        expect_equal(out, prefix + "error", subject + "outcome", o.error, *e.error, show_error);
    if (e.response)
        expect_equal(out, prefix + "response", subject + "response", o.response, *e.response,
                     show_bytes);
    const std::pair<const char*, std::pair<int, const std::optional<int>*>> counts[] = {
        {"response_length", {static_cast<int>(o.response.size()), &e.response_length}},
        {"write_attempts", {o.write_attempts, &e.write_attempts}},
        {"read_attempts", {o.read_attempts, &e.read_attempts}},
        {"parts_written", {o.parts_written, &e.parts_written}},
        {"parts_read", {o.parts_read, &e.parts_read}},
    };
    for (const auto& [key, values] : counts)
        if (*values.second)
            expect_equal(out, prefix + key, subject + key, values.first, **values.second, show_int);
    if (e.started_ns)
        expect_equal(out, prefix + "started_ms", subject + "start time", o.started_ns,
                     *e.started_ns, [](uint64_t ns) { return ms(ns); });
}

} // namespace

std::vector<Check> check_expectations(const Scenario& s, const RunResult& r) {
    std::vector<Check> out;
    for (const RequestExpectation& e : s.expect.requests)
        expect_request(out, e, r);
    return out;
}

void order_spec_checks(std::vector<Check>& checks) {
    const auto rank = [](const Check& c) {
        const auto* end = std::end(kSpecChecks);
        return std::find_if(std::begin(kSpecChecks), end,
                            [&c](CheckId id) { return c.name == check_name(id); }) -
               std::begin(kSpecChecks);
    };
    std::stable_sort(checks.begin(), checks.end(),
                     [&rank](const Check& a, const Check& b) { return rank(a) < rank(b); });
}

} // namespace ssifsim::tools
