#include "tools/causes.h"

#include <cstring>

#include "tools/format.h"

namespace ssifsim::tools {

namespace {

const FieldValue* field(const Event& e, const char* key) {
    for (const Field& f : e.fields)
        if (f.key == key)
            return &f.value;
    return nullptr;
}

int64_t num(const Event& e, const char* key, int64_t otherwise = 0) {
    const FieldValue* v = field(e, key);
    const int64_t* n = v ? std::get_if<int64_t>(v) : nullptr;
    return n ? *n : otherwise;
}

std::string str(const Event& e, const char* key) {
    const FieldValue* v = field(e, key);
    const std::string* s = v ? std::get_if<std::string>(v) : nullptr;
    return s ? *s : std::string();
}

bool flag(const Event& e, const char* key) {
    const FieldValue* v = field(e, key);
    const bool* b = v ? std::get_if<bool>(v) : nullptr;
    return b && *b;
}

// What a host transfer error means, in words.
// `bmc_removed`: ssif_bmc was unbound before it (i2c_slave_unregister), so nothing answers
// at the address.
std::string transfer_error_text(const Event& e, bool bmc_removed) {
    const std::string status = str(e, "status");
    const std::string errnum = errno_text(num(e, "errno"));
    if (status == "address_nak" && bmc_removed)
        return "NAKed at the address (no BMC there: ssif_bmc was removed), " + errnum;
    if (status == "address_nak")
        return "NAKed at the address (the BMC busy: no response yet), " + errnum;
    if (status == "bad_length")
        return "returned count " + std::to_string(num(e, "count")) +
               " (bad_length: nothing to send), " + errnum;
    if (status == "bad_pec")
        return "had a bad PEC, " + errnum;
    return status + ", " + errnum;
}

// What lasts: a daemon that stopped reads and writes nothing more, a removed BMC answers
// nothing more. Such an event explains every request after it.
bool lasting(EventId id) {
    return id == events::kDaemonStuck || id == events::kDaemonExit || id == events::kBmcRemoved;
}

bool kept(EventId id) {
    switch (id) {
    case events::kBmcRequestAvailable:
    case events::kBmcTimerArmed:
    case events::kBmcTimerFired:
    case events::kBmcTimerCancelled:
    case events::kBmcRemoved:
    case events::kDaemonRead:
    case events::kDaemonWrite:
    case events::kDaemonWriteFailed:
    case events::kDaemonDrop:
    case events::kDaemonDbusError:
    case events::kDaemonKeepalive:
    case events::kDaemonStuck:
    case events::kDaemonExit:
    case events::kHostReadError:
    case events::kHostWriteError:
    case events::kHostResponse: return true;
    default: return is_fault(id);
    }
}

// The events the recorder takes: the kept ones, and the requests they are filed under.
const std::bitset<events::kCount>& taken() {
    static const std::bitset<events::kCount> ids = [] {
        std::bitset<events::kCount> b;
        for (int id = 0; id < events::kCount; ++id)
            b[static_cast<size_t>(id)] =
                kept(static_cast<EventId>(id)) || id == events::kHostRequest;
        return b;
    }();
    return ids;
}
} // namespace

const std::bitset<events::kCount>* CauseRecorder::wants_at_most() const {
    return &taken();
}

bool CauseRecorder::wants(EventId id) const {
    return responses_ <= max_responses_ && id < events::kCount && taken()[id];
}

void CauseRecorder::record(const Event& e) {
    if (!wants(e.id))
        return;
    if (e.id == events::kHostRequest) { // counted, not kept: explanations do not read it
        ++in_flight_;
        return;
    }
    // Between requests (past the last response's time) an event explains nothing.
    if (!lasting(e.id) && in_flight_ == 0 && e.t_ns > last_response_ns_)
        return;
    if (e.id == events::kHostResponse) {
        in_flight_ -= in_flight_ > 0 ? 1 : 0;
        ++responses_;
        last_response_ns_ = e.t_ns;
    }
    records_.push_back(e);
}

std::vector<std::string> explain_failure(const ssif::RequestOutcome& o,
                                         const std::vector<Event>& records) {
    std::vector<std::string> lines;
    if (!o.failed())
        return lines;
    const auto line = [&lines](uint64_t t_ns, const std::string& text) {
        char at[32];
        std::snprintf(at, sizeof at, "%12.6f ms  ", t_ns / 1e6);
        lines.push_back(at + text);
    };
    // A run of transfer errors of one kind is one line, closed when another kind comes or the
    // request ends: "6.105000 ms  reads 1 to 9, until 494.105000 ms: NAKed ...".
    struct Run {
        size_t line = SIZE_MAX;
        std::string what, text;
        uint64_t first_ns = 0, last_ns = 0;
        int first = 0, last = 0;
    } run;
    const auto close_run = [&lines, &run] {
        if (run.line == SIZE_MAX)
            return;
        std::string& l = lines[run.line];
        if (run.first == run.last)
            l += run.what + " " + std::to_string(run.first) + " " + run.text;
        else
            l += run.what + "s " + std::to_string(run.first) + " to " + std::to_string(run.last) +
                 " (" + std::to_string(run.last - run.first + 1) + "), until " + ms(run.last_ns) +
                 ": " + run.text;
        run.line = SIZE_MAX;
    };
    int reads = 0, writes = 0;
    uint64_t daemon_read_ns = 0, timer_fired_ns = 0;
    bool timer_fired = false, bmc_had_it = false, bmc_removed = false;
    for (const Event& e : records) {
        // A daemon that stopped or a BMC removed, even before the request began, explains why
        // nothing answered it.
        if (lasting(e.id) && e.t_ns <= o.completed_ns) {
            if (e.id == events::kBmcRemoved) {
                bmc_removed = true;
                line(e.t_ns, "ssif_bmc was removed (unbound): nothing answers at its address "
                             "any more");
            } else {
                line(e.t_ns, "the daemon stopped (" + str(e, "why") +
                                 "): it reads and writes nothing more");
            }
            continue;
        }
        if (e.t_ns < o.started_ns || e.t_ns > o.completed_ns)
            continue;
        if (e.id == events::kHostReadError || e.id == events::kHostWriteError) {
            if (num(e, "id", -1) != o.id)
                continue;
            const bool read = e.id == events::kHostReadError;
            int& n = read ? reads : writes;
            ++n;
            const std::string what = read ? "read" : "write";
            const std::string text = transfer_error_text(e, bmc_removed);
            if (run.line != SIZE_MAX && run.what == what && run.text == text) {
                run.last = n;
                run.last_ns = e.t_ns;
                continue;
            }
            close_run();
            line(e.t_ns, "");
            run = {lines.size() - 1, what, text, e.t_ns, e.t_ns, n, n};
            continue;
        }
        if (e.id == events::kBmcTimerArmed) {
            bmc_had_it = true;
            line(e.t_ns, "the BMC had the request and armed its response timer (" +
                             std::to_string(num(e, "jiffies")) + " jiffies): it fires at " +
                             ms(static_cast<uint64_t>(num(e, "expires_ns"))));
        } else if (e.id == events::kBmcTimerFired) {
            timer_fired = true;
            timer_fired_ns = e.t_ns;
            line(e.t_ns, std::string("the BMC's response timer fired ") +
                             (flag(e, "response_pending")
                                  ? "with the response unread: the driver drops it and aborts"
                                  : "before the daemon answered: the driver aborts, and takes no "
                                    "response for this request any more"));
        } else if (e.id == events::kDaemonRead) {
            daemon_read_ns = e.t_ns;
            line(e.t_ns, "the daemon read the request");
        } else if (e.id == events::kDaemonWrite) {
            line(e.t_ns, "the daemon wrote the response, " + ms(e.t_ns - daemon_read_ns) +
                             " after reading the request");
        } else if (e.id == events::kDaemonWriteFailed) {
            std::string why = "the daemon's write of the response failed with " +
                              errno_text(num(e, "ret")) + ", " + ms(e.t_ns - daemon_read_ns) +
                              " after it read the request";
            if (timer_fired)
                why += ": too late, the BMC's timer had fired at " + ms(timer_fired_ns);
            line(e.t_ns, why);
        } else if (e.id == events::kDaemonDrop) {
            line(e.t_ns, "the daemon dropped ipmid's answer to its read " +
                             std::to_string(num(e, "read")) + ": " + str(e, "why"));
        } else if (e.id == events::kDaemonDbusError) {
            line(e.t_ns, "ipmid did not answer the daemon's read " +
                             std::to_string(num(e, "read")) + " within the D-Bus timeout, " +
                             ms(static_cast<uint64_t>(num(e, "timeout_ns"))));
        } else if (e.id == events::kDaemonKeepalive) {
            line(e.t_ns, "the daemon's own timer ran: it answers its read " +
                             std::to_string(num(e, "read")) + " 0xCE itself");
        } else if (is_fault(e)) {
            line(e.t_ns, "fault " + std::to_string(num(e, "fault")) + " (" + std::string(e.ev) +
                             ") applied");
        }
    }
    close_run();
    if (!bmc_had_it)
        line(o.completed_ns, "the BMC never had the request: no part of it completed a request "
                             "the driver made available to its daemon");
    std::string end = "the host gave up: " + std::string(ssif::request_error_name(o.error)) +
                      " after " + std::to_string(o.write_attempts) + " write(s) and " +
                      std::to_string(o.read_attempts) + " read(s), completion code " +
                      hex8(o.completion_code);
    line(o.completed_ns, end);
    return lines;
}

} // namespace ssifsim::tools
