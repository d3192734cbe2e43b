#include "tools/shrink.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

namespace ssifsim::tools {

std::string number_class(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const unsigned char ch = static_cast<unsigned char>(text[i]);
        if (ch == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
            size_t end = i + 2;
            while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end])))
                ++end;
            out.append(text, i, end - i);
            i = end;
        } else if (std::isdigit(ch)) {
            while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
                ++i;
            out += '#';
        } else if (std::isalpha(ch) || ch == '_') {
            // A word with digits in it (an identifier such as "tLOW" or "cpu3") is kept whole.
            const size_t start = i;
            while (i < text.size() &&
                   (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
                ++i;
            out.append(text, start, i - start);
        } else {
            out += text[i++];
        }
    }
    return out;
}

ScenarioSize scenario_size(const ojson& s) {
    ScenarioSize size;
    if (s.contains("faults"))
        size.faults += s["faults"].size();
    if (s.contains("zpci")) {
        const ojson& z = s["zpci"];
        if (z.contains("msis"))
            for (const ojson& m : z["msis"])
                size.faults += m.contains("fault") ? 1 : 0;
        if (z.contains("actions"))
            size.faults += z["actions"].size();
    }
    if (s.contains("workload") && s["workload"].contains("requests")) {
        size.requests = s["workload"]["requests"].size();
        for (const ojson& r : s["workload"]["requests"])
            if (r.contains("data"))
                size.data_bytes += r["data"].size();
    }
    size.file_bytes = s.dump(2).size() + 1;
    return size;
}

std::string describe_size(const ScenarioSize& s) {
    return std::to_string(s.faults) + " fault(s), " + std::to_string(s.requests) + " request(s), " +
           std::to_string(s.data_bytes) + " data byte(s), " + std::to_string(s.file_bytes) +
           " bytes";
}

namespace {

ojson pick(const ojson& array, const std::vector<size_t>& keep) {
    ojson out = ojson::array();
    for (size_t k : keep)
        out.push_back(array[k]);
    return out;
}

// Keys whose numbers name something (a PCI function, a CPU, a devfn, the request a fault is
// aimed at by id or by the daemon's read count) rather than measure it: a lower aim is
// another request, not a simpler fault.
bool is_identity(const std::string& key) {
    return key == "fid" || key == "cpu" || key == "devfn" || key == "request" || key == "read";
}

// Keys whose smallest meaningful value is 1: an occurrence, a count.
bool counts_from_one(const std::string& key) {
    return key == "nth" || key == "count";
}

// A fault aimed at the daemon's read count (a daemon fault).
bool aims_at_reads(const ojson& fault) {
    return fault.contains("read");
}

// A fault that can add daemon reads the requests do not account for, or take some away: a
// host-transfer fault (a retried or lost request) or a foreign master's write (a request of
// its own). A daemon fault's `read` then no longer equals its request's position.
bool shifts_reads(const ojson& fault) {
    const std::string type = fault.value("type", "");
    if (type.rfind("daemon_", 0) == 0)
        return false;
    return !(type == "foreign_master" && fault.value("op", "") == "read");
}

bool has_fault(const ojson& s, bool (*which)(const ojson&)) {
    if (!s.contains("faults") || !s["faults"].is_array())
        return false;
    for (const ojson& f : s["faults"])
        if (which(f))
            return true;
    return false;
}

ojson read_shifters(const ojson& s) {
    ojson out = ojson::array();
    if (s.contains("faults") && s["faults"].is_array())
        for (const ojson& f : s["faults"])
            if (shifts_reads(f))
                out.push_back(f);
    return out;
}

ojson requests_of(const ojson& s) {
    return s.contains("workload") && s["workload"].contains("requests") ? s["workload"]["requests"]
                                                                        : ojson();
}

// Smaller values to try for a number, in order: the least, 1, half.
std::vector<ojson> lower_values(const ojson& v, const std::string& key) {
    std::vector<ojson> out;
    const double least = counts_from_one(key) ? 1 : 0;
    if (v.is_number_float()) {
        const double x = v.get<double>();
        for (double c : {least, 1.0, std::floor(x / 2)})
            if (c < x && c >= least && std::find(out.begin(), out.end(), ojson(c)) == out.end())
                out.push_back(c);
    } else if (v.is_number_integer()) {
        const int64_t x = v.get<int64_t>();
        for (int64_t c : {static_cast<int64_t>(least), int64_t{1}, x / 2})
            if (c < x && c >= static_cast<int64_t>(least) &&
                std::find(out.begin(), out.end(), ojson(c)) == out.end())
                out.push_back(c);
    }
    return out;
}

class Shrinker {
  public:
    Shrinker(const FailureSignature& target, const ShrinkOracle& oracle, int max_runs)
        : target_(target), oracle_(oracle), max_runs_(max_runs) {}

    ShrinkResult run(const ojson& failing) {
        current_ = failing;
        tried_.insert(current_.dump());
        for (bool changed = true; changed && !spent_;) {
            changed = false;
            changed = shrink_list(ojson::json_pointer("/faults")) || changed;
            changed = shrink_list(ojson::json_pointer("/zpci/msis")) || changed;
            changed = shrink_list(ojson::json_pointer("/zpci/actions")) || changed;
            changed = shrink_requests() || changed;
            for (const char* list : {"/faults", "/zpci/msis", "/zpci/actions"})
                changed = lower_numbers(ojson::json_pointer(list)) || changed;
            changed = simplify_requests() || changed;
        }
        return {current_, runs_, spent_};
    }

  private:
    // Runs a candidate (never the same one twice); true if it fails as the target.
    bool fails_same_way(const ojson& candidate) {
        if (!tried_.insert(candidate.dump()).second)
            return false;
        if (moves_read_aims(candidate))
            return false; // its daemon fault could hit another request: not a reproducer
        if (runs_ >= max_runs_) {
            spent_ = true;
            return false;
        }
        ++runs_;
        return oracle_(candidate) == target_;
    }

    // With a daemon fault aimed by read count and a fault that adds or removes daemon reads
    // (tools/shrink.h), which request a read count names depends on how those reads fall:
    // a candidate that keeps the daemon fault must then keep those faults and the requests
    // as they are (dropping the daemon fault itself is fine).
    bool moves_read_aims(const ojson& candidate) const {
        if (!has_fault(current_, shifts_reads) || !has_fault(current_, aims_at_reads) ||
            !has_fault(candidate, aims_at_reads))
            return false;
        return read_shifters(candidate) != read_shifters(current_) ||
               requests_of(candidate) != requests_of(current_);
    }

    // Replaces the value at `at` with each of `values` in turn, keeping the first that fails
    // the same way; true if one did.
    bool try_values(const ojson::json_pointer& at, const std::vector<ojson>& values) {
        for (const ojson& value : values) {
            ojson candidate = current_;
            candidate[at] = value;
            if (fails_same_way(candidate)) {
                current_ = std::move(candidate);
                return true;
            }
        }
        return false;
    }

    bool shrink_list(const ojson::json_pointer& at) {
        if (!current_.contains(at) || !current_[at].is_array() || current_[at].empty())
            return false;
        const ojson items = current_[at];
        const std::vector<size_t> keep = ddmin(items.size(), [&](const std::vector<size_t>& s) {
            ojson candidate = current_;
            candidate[at] = pick(items, s);
            return fails_same_way(candidate);
        });
        if (keep.size() == items.size())
            return false;
        current_[at] = pick(items, keep);
        return true;
    }

    // The scenario with only the requests `keep` (indices), renumbered. A fault aimed at a
    // request (`request`) or at the daemon's reads of some (`read`, and `count` reads from
    // it) follows them to their new numbers; if one of them was dropped the fault is dropped
    // too, never moved onto the request that now comes in its place (that would reproduce
    // "a faulted request fails", not the original failure). An expectation goes with its
    // request.
    ojson with_requests(const std::vector<size_t>& keep) const {
        ojson c = current_;
        const size_t n = current_["workload"]["requests"].size();
        std::vector<int64_t> same(n + 1, 0); // by old id 1..n: the new id, 0 if dropped
        for (size_t j = 0; j < keep.size(); ++j)
            same[keep[j] + 1] = static_cast<int64_t>(j + 1);
        const auto remap = [&](ojson& item, const char* key, int64_t span) {
            if (!item.contains(key) || !item[key].is_number_integer() || item[key] <= 0 ||
                item[key] > static_cast<int64_t>(n))
                return true; // any request, or aimed past the list: left as it was
            const int64_t first = item[key].get<int64_t>();
            for (int64_t id = first; id < first + span; ++id)
                if (id > static_cast<int64_t>(n) || same[static_cast<size_t>(id)] == 0)
                    return id > static_cast<int64_t>(n) && id != first; // past the list: kept
            item[key] = same[static_cast<size_t>(first)];
            return true;
        };
        c["workload"]["requests"] = pick(current_["workload"]["requests"], keep);
        if (c.contains("faults")) {
            ojson faults = ojson::array();
            for (ojson f : c["faults"])
                if (remap(f, "request", 1) &&
                    remap(f, "read",
                          f.contains("count") && f["count"].is_number_integer()
                              ? std::max<int64_t>(1, f["count"].get<int64_t>())
                              : 1))
                    faults.push_back(f);
            c["faults"] = faults;
        }
        if (c.contains("expect") && c["expect"].contains("requests")) {
            ojson expected = ojson::array();
            for (ojson e : c["expect"]["requests"])
                if (remap(e, "id", 1))
                    expected.push_back(e);
            c["expect"]["requests"] = expected;
        }
        return c;
    }

    bool shrink_requests() {
        if (!current_.contains("workload") || !current_["workload"].contains("requests"))
            return false;
        const size_t n = current_["workload"]["requests"].size();
        if (n == 0)
            return false;
        ojson best;
        const std::vector<size_t> keep = ddmin(n, [&](const std::vector<size_t>& s) {
            ojson candidate = with_requests(s);
            if (!fails_same_way(candidate))
                return false;
            best = std::move(candidate);
            return true;
        });
        if (keep.size() == n)
            return false;
        current_ = best; // the last candidate that failed is the one ddmin kept
        return true;
    }

    bool lower_numbers(const ojson::json_pointer& list) {
        if (!current_.contains(list) || !current_[list].is_array())
            return false;
        bool changed = false;
        for (size_t i = 0; i < current_[list].size(); ++i) {
            const ojson::json_pointer item = list / i;
            std::vector<std::string> keys;
            for (const auto& [key, value] : current_[item].items())
                keys.push_back(key);
            for (const std::string& key : keys) {
                if (is_identity(key))
                    continue;
                const ojson::json_pointer at = item / key;
                if (current_[at].is_array()) { // bytes: none, then half
                    while (!current_[at].empty()) {
                        const ojson& bytes = current_[at];
                        const ojson half(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(
                                                                            bytes.size() / 2));
                        if (!try_values(at, {ojson::array(), half}))
                            break;
                        changed = true;
                    }
                    continue;
                }
                while (try_values(at, lower_values(current_[at], key)))
                    changed = true;
            }
        }
        return changed;
    }

    bool simplify_requests() {
        if (!current_.contains("workload") || !current_["workload"].contains("requests"))
            return false;
        bool changed = false;
        const ojson::json_pointer list("/workload/requests");
        for (size_t i = 0; i < current_[list].size(); ++i) {
            const ojson::json_pointer data = list / i / "data";
            while (current_.contains(data) && !current_[data].empty()) {
                const ojson& bytes = current_[data];
                const ojson half(bytes.begin(),
                                 bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2));
                if (!try_values(data, {ojson::array(), half}))
                    break;
                changed = true;
            }
            // Earlier, but not before the request before it (requests are listed in time).
            const ojson::json_pointer at = list / i / "at_ms";
            for (;;) {
                if (!current_.contains(at) || !current_[at].is_number())
                    break;
                const double prev = i == 0 ? 0 : current_[list / (i - 1) / "at_ms"].get<double>();
                const double now = current_[at].get<double>();
                std::vector<ojson> earlier;
                if (prev < now)
                    earlier.push_back(prev);
                const double mid = std::floor((prev + now) / 2);
                if (mid > prev && mid < now)
                    earlier.push_back(mid);
                if (!try_values(at, earlier))
                    break;
                changed = true;
            }
        }
        return changed;
    }

    const FailureSignature& target_;
    const ShrinkOracle& oracle_;
    const int max_runs_;
    int runs_ = 0;
    bool spent_ = false;
    std::set<std::string> tried_;
    ojson current_;
};

} // namespace

ShrinkResult shrink_scenario(const ojson& failing, const FailureSignature& target,
                             const ShrinkOracle& oracle, int max_runs) {
    return Shrinker(target, oracle, max_runs).run(failing);
}

} // namespace ssifsim::tools
