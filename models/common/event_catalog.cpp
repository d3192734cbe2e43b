#include "models/common/event_catalog.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>

namespace ssifsim {

const char* cpu_source_name(int cpu) {
    // The zPCI configuration's CPUs (at most 256) come from a table made once; any other
    // number is made once too, under a lock, and kept.
    static const std::vector<std::string> table = [] {
        std::vector<std::string> t;
        for (int c = 0; c < 256; ++c)
            t.push_back("cpu" + std::to_string(c));
        return t;
    }();
    if (cpu >= 0 && static_cast<size_t>(cpu) < table.size())
        return table[static_cast<size_t>(cpu)].c_str();
    static std::mutex lock;
    static std::map<int, std::string> others; // nodes never move
    const std::lock_guard<std::mutex> hold(lock);
    auto it = others.try_emplace(cpu, "cpu" + std::to_string(cpu)).first;
    return it->second.c_str();
}

std::string event_key(EventId id) {
    const EventName& e = event_name(id);
    return std::string(e.src_text) + "." + std::string(e.ev);
}

bool find_event(const std::string& src, const std::string& ev, EventId* out) {
    // Per-CPU sources: "cpu3" (any CPU number) or the catalog's "cpuN".
    bool cpu = src == "cpuN";
    if (!cpu && src.size() > 3 && src.compare(0, 3, "cpu") == 0)
        cpu = std::all_of(src.begin() + 3, src.end(),
                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    for (const EventName& e : kEventCatalog) {
        if (ev != e.ev)
            continue;
        if (cpu ? e.src == EventSource::Cpu : src == e.src_text) {
            *out = e.id;
            return true;
        }
    }
    return false;
}

bool find_event(const std::string& key, EventId* out) {
    const size_t dot = key.find('.');
    return dot != std::string::npos && find_event(key.substr(0, dot), key.substr(dot + 1), out);
}

std::string event_keys(EventFilter offered) {
    std::string list;
    for (const EventName& e : kEventCatalog)
        if (!offered || offered(e.id))
            list += (list.empty() ? "" : ", ") + event_key(e.id);
    return list;
}

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}
} // namespace

std::vector<std::string> close_event_keys(const std::string& key, size_t max, EventFilter offered) {
    std::vector<std::pair<size_t, std::string>> scored;
    for (const EventName& e : kEventCatalog) {
        if (offered && !offered(e.id))
            continue;
        const std::string k = event_key(e.id);
        scored.emplace_back(edit_distance(key, k), k);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    // Only names a typo away: at most a third of the key's length changed.
    for (const auto& [distance, k] : scored)
        if (out.size() < max && distance <= std::max<size_t>(2, key.size() / 3))
            out.push_back(k);
    return out;
}

} // namespace ssifsim
