#include "tools/zpci_config.h"

#include <algorithm>
#include <set>

namespace ssifsim::tools {

namespace {

using zpci::ZpciAction;

constexpr Named<MsiGenerator::Pattern> kPatternNames[] = {
    {"periodic", MsiGenerator::Pattern::Periodic},
    {"poisson", MsiGenerator::Pattern::Poisson},
    {"burst", MsiGenerator::Pattern::Burst}};
constexpr Named<ZpciAction::Kind> kActionNames[] = {{"affinity", ZpciAction::Kind::Affinity},
                                                    {"hot_plug", ZpciAction::Kind::Plug},
                                                    {"hot_unplug", ZpciAction::Kind::Unplug},
                                                    {"cpu_offline", ZpciAction::Kind::CpuOffline},
                                                    {"cpu_online", ZpciAction::Kind::CpuOnline}};
constexpr uint64_t kMaxNs = 3'600'000'000'000ULL; // an hour of simulated time

// Which keys an action takes besides at_ns and kind.
bool takes_fid(ZpciAction::Kind k) {
    return k == ZpciAction::Kind::Affinity || k == ZpciAction::Kind::Plug ||
           k == ZpciAction::Kind::Unplug;
}
bool takes_cpu(ZpciAction::Kind k) {
    return k == ZpciAction::Kind::Affinity || k == ZpciAction::Kind::CpuOffline ||
           k == ZpciAction::Kind::CpuOnline;
}

uint64_t nanos(ObjectReader& r, const char* key, uint64_t fallback) {
    return static_cast<uint64_t>(r.integer(key, static_cast<int64_t>(fallback), 0, kMaxNs));
}

bool is_power_of_two(unsigned n) {
    return n && !(n & (n - 1));
}

std::vector<int> read_affinity(ObjectReader& f, unsigned cpus, unsigned nvec, int first_msi) {
    std::vector<int> affinity;
    if (!f.has("affinity"))
        return affinity;
    if (f.is_string("affinity")) {
        f.choice("affinity", "spread", {"spread"});
        for (unsigned i = 0; i < nvec; ++i) // MSIs dealt round the CPUs, function after function
            affinity.push_back(static_cast<int>((static_cast<unsigned>(first_msi) + i) % cpus));
        return affinity;
    }
    if (!f.is_array("affinity")) {
        affinity.push_back(static_cast<int>(f.integer("affinity", 0, 0, cpus - 1)));
        return affinity;
    }
    for (const auto& [element, path] : f.array("affinity")) {
        if (!element->is_number_integer() || element->get<int64_t>() < 0 ||
            element->get<int64_t>() >= static_cast<int64_t>(cpus))
            throw InputError(f.file() + ": " + path + ": expected a CPU number 0.." +
                             std::to_string(cpus - 1));
        affinity.push_back(element->get<int>());
    }
    if (affinity.size() > nvec)
        f.fail("affinity", "lists " + std::to_string(affinity.size()) + " CPUs for " +
                               std::to_string(nvec) + " MSIs");
    return affinity;
}

void read_functions(ObjectReader& zpci, ZpciScenario& out) {
    const unsigned cpus = out.config.kernel.cpus;
    std::set<uint32_t> fids;
    std::set<std::pair<uint16_t, uint8_t>> slots;
    int msis_so_far = 0;
    for (const auto& [element, path] : zpci.array("functions")) {
        ObjectReader f(*element, path, zpci.file());
        zpci::FunctionConfig base;
        base.fid = static_cast<uint32_t>(f.integer("fid", 0, 0, 0xffffffff));
        base.devfn = static_cast<uint8_t>(f.integer("devfn", 0, 0, 255));
        base.bus = static_cast<uint16_t>(f.integer("bus", 0, 0, 0xffff));
        base.max_msi = static_cast<unsigned>(f.integer("max_msi", 8, 1, 4095));
        base.nvec = static_cast<unsigned>(f.integer("nvec", 1, 1, 4095));
        const std::string type = f.choice("type", "msix", {"msix", "msi"});
        value_of(zpci::kMsiTypeNames, type, &base.type);
        if (base.type == zpci::MsiType::Msi && (!is_power_of_two(base.nvec) || base.nvec > 32))
            f.fail("nvec",
                   "multi-MSI takes a power of two up to 32, got " + std::to_string(base.nvec));
        const int count = static_cast<int>(f.integer("count", 1, 1, 4096));
        if (base.devfn + count - 1 > 255)
            f.fail("count", "devfn " + std::to_string(base.devfn) + " + " + std::to_string(count) +
                                " functions passes 255");
        base.boot = f.boolean("boot", true);
        const bool spread = f.is_string("affinity");
        for (int k = 0; k < count; ++k) {
            zpci::FunctionConfig fn = base;
            fn.fid = base.fid + static_cast<uint32_t>(k);
            fn.devfn = static_cast<uint8_t>(base.devfn + k);
            fn.affinity = read_affinity(f, cpus, fn.nvec, msis_so_far);
            if (!spread && k > 0)
                fn.affinity = out.config.functions.back().affinity;
            msis_so_far += static_cast<int>(fn.nvec);
            if (!fids.insert(fn.fid).second)
                f.fail("fid", "fid " + std::to_string(fn.fid) + " appears twice");
            if (!slots.insert({fn.bus, fn.devfn}).second)
                f.fail("devfn", "bus " + std::to_string(fn.bus) + " devfn " +
                                    std::to_string(fn.devfn) + " appears twice");
            out.config.functions.push_back(fn);
        }
        f.finish();
    }
}

const zpci::FunctionConfig* find_function(const ZpciScenario& z, uint32_t fid) {
    for (const zpci::FunctionConfig& f : z.config.functions)
        if (f.fid == fid)
            return &f;
    return nullptr;
}

uint32_t read_fid(ObjectReader& r, const ZpciScenario& z) {
    const uint32_t fid = static_cast<uint32_t>(r.integer("fid", 0, 0, 0xffffffff));
    if (!find_function(z, fid))
        r.fail("fid", "fid " + std::to_string(fid) + " is not in zpci.functions");
    return fid;
}

void read_msis(ObjectReader& zpci, ZpciScenario& out) {
    for (const auto& [element, path] : zpci.array("msis")) {
        ObjectReader m(*element, path, zpci.file());
        MsiGenerator g;
        g.path = path;
        if (m.is_string("fid"))
            m.choice("fid", "any", {"any"});
        else
            g.fid = read_fid(m, out);
        if (m.is_string("index")) {
            m.choice("index", "random", {"random"});
            g.index = -1;
        } else {
            g.index = static_cast<int>(m.integer("index", 0, 0, 4094));
            const unsigned limit = g.fid ? std::min(find_function(out, *g.fid)->nvec,
                                                    find_function(out, *g.fid)->max_msi)
                                         : 1;
            if (static_cast<unsigned>(g.index) >= limit)
                m.fail("index",
                       "index " + std::to_string(g.index) + " but the function has " +
                           std::to_string(limit) + " MSI(s)" +
                           (g.fid ? "" : " (with fid \"any\" only index 0 or \"random\")"));
        }
        value_of(kPatternNames, m.choice("pattern", "periodic", {"periodic", "poisson", "burst"}),
                 &g.pattern);
        g.at_ns = nanos(m, "at_ns", 0);
        g.count = static_cast<uint64_t>(m.integer("count", 1, 1, 100'000'000));
        const char* gap =
            g.pattern == MsiGenerator::Pattern::Poisson ? "mean_interval_ns" : "interval_ns";
        m.accepts({"interval_ns", "mean_interval_ns", "bursts", "period_ns"});
        if (m.has(g.pattern == MsiGenerator::Pattern::Poisson ? "interval_ns" : "mean_interval_ns"))
            m.fail(g.pattern == MsiGenerator::Pattern::Poisson ? "interval_ns" : "mean_interval_ns",
                   std::string("does not go with pattern ") + name_of(kPatternNames, g.pattern) +
                       " (it takes " + gap + ")");
        g.interval_ns = nanos(m, gap, g.pattern == MsiGenerator::Pattern::Burst ? 0 : 1000);
        if (g.pattern == MsiGenerator::Pattern::Poisson && g.interval_ns == 0)
            m.fail(gap, "must be above 0");
        // When the last MSI is due, in checked arithmetic (a Poisson gap is at most about 37
        // times its mean: the Rng's exponential draws from 53 bits, -ln(2^-53) = 36.7).
        uint64_t last_ns = 0;
        bool fits = true;
        if (g.pattern == MsiGenerator::Pattern::Burst) {
            g.bursts = static_cast<uint64_t>(m.integer("bursts", 1, 1, 1'000'000));
            g.period_ns = nanos(m, "period_ns", 1'000'000);
            uint64_t burst_ns = 0; // count gaps of interval_ns
            fits = checked_schedule_end(0, g.count, g.interval_ns, &burst_ns);
            if (fits && g.bursts > 1 && g.period_ns < burst_ns)
                m.fail("period_ns", "shorter than one burst (" + std::to_string(burst_ns) + " ns)");
            fits = fits && checked_schedule_end(g.at_ns, g.bursts - 1, g.period_ns, &last_ns) &&
                   checked_schedule_end(last_ns, 1, burst_ns, &last_ns);
        } else {
            if (m.has("bursts") || m.has("period_ns"))
                m.fail(m.has("bursts") ? "bursts" : "period_ns", "only pattern burst takes it");
            const bool poisson = g.pattern == MsiGenerator::Pattern::Poisson;
            fits = checked_schedule_end(g.at_ns, poisson ? g.count : g.count - 1,
                                        poisson ? g.interval_ns * 37 : g.interval_ns, &last_ns);
        }
        if (!fits)
            m.fail("count", std::string("the MSIs would reach past ") + kMaxSimText +
                                "; fewer MSIs or shorter gaps");
        const std::string fault = m.choice("fault", "none", {"none", "lost", "duplicated"});
        g.lost = fault == "lost";
        g.duplicated = fault == "duplicated";
        m.finish();
        out.msis.push_back(g);
    }
}

void read_actions(ObjectReader& zpci, ZpciScenario& out) {
    const unsigned cpus = out.config.kernel.cpus;
    for (const auto& [element, path] : zpci.array("actions")) {
        ObjectReader a(*element, path, zpci.file());
        ZpciAction act;
        act.t_ns = nanos(a, "at_ns", 0);
        if (!a.has("kind"))
            a.fail("kind", "missing (accepted: " + names_of(kActionNames) + ")");
        value_of(kActionNames,
                 a.choice("kind", "",
                          {"affinity", "hot_plug", "hot_unplug", "cpu_offline", "cpu_online"}),
                 &act.kind);
        a.accepts({"fid", "index", "cpu"});
        if (takes_fid(act.kind))
            act.fid = read_fid(a, out);
        if (act.kind == ZpciAction::Kind::Affinity)
            act.index = static_cast<int>(a.integer("index", -1, -1, 4094));
        if (takes_cpu(act.kind))
            act.cpu = static_cast<int>(a.integer("cpu", 0, 0, cpus - 1));
        a.finish();
        out.config.actions.push_back(act);
    }
    std::stable_sort(out.config.actions.begin(), out.config.actions.end(),
                     [](const ZpciAction& x, const ZpciAction& y) { return x.t_ns < y.t_ns; });
}

} // namespace

void read_zpci(ObjectReader zpci, ZpciScenario& out) {
    out.enabled = true;
    zpci::ZpciKernelConfig& k = out.config.kernel;
    value_of(zpci::kDeliveryNames, zpci.choice("delivery", "directed", {"directed", "floating"}),
             &k.delivery);
    value_of(zpci::kVariantNames,
             zpci.choice("variant", "fixed", {"fixed", "merged", "v1", "pre-2020"}), &k.variant);
    k.cpus = static_cast<unsigned>(zpci.integer("cpus", 2, 1, 256));
    k.setup_cpu = static_cast<int>(zpci.integer("setup_cpu", 0, 0, k.cpus - 1));
    if (zpci.has("cpu_addresses")) {
        if (!zpci.is_array("cpu_addresses"))
            zpci.fail("cpu_addresses", "expected a list of CPU addresses, one per CPU");
        for (const auto& [element, path] : zpci.array("cpu_addresses")) {
            if (!element->is_number_integer() || element->get<int64_t>() < 0 ||
                element->get<int64_t>() > 65535)
                throw InputError(zpci.file() + ": " + path + ": expected a CPU address 0..65535");
            const int address = element->get<int>();
            if (std::find(k.cpu_address.begin(), k.cpu_address.end(), address) !=
                k.cpu_address.end())
                throw InputError(zpci.file() + ": " + path + ": CPU address " +
                                 std::to_string(address) + " given twice");
            k.cpu_address.push_back(address);
        }
        if (k.cpu_address.size() != k.cpus)
            zpci.fail("cpu_addresses", "lists " + std::to_string(k.cpu_address.size()) +
                                           " addresses for " + std::to_string(k.cpus) + " CPUs");
    }
    zpci::CpuTiming& t = out.config.timing;
    t.entry_ns = nanos(zpci, "entry_ns", t.entry_ns);
    t.per_bit_ns = nanos(zpci, "per_bit_ns", t.per_bit_ns);
    t.ipi_ns = nanos(zpci, "ipi_ns", t.ipi_ns);
    t.find_clear_ns = nanos(zpci, "find_clear_ns", t.find_clear_ns);
    out.config.log_each_msi = zpci.choice("log", "each", {"each", "summary"}) == "each";
    read_functions(zpci, out);
    read_msis(zpci, out);
    read_actions(zpci, out);
    zpci.finish();
}

void read_zpci_expect(ObjectReader expect, ZpciScenario& out) {
    ObjectReader violations = expect.object("violations");
    for (const std::string& kind : violations.keys()) {
        zpci::ViolationKind v;
        if (!value_of(zpci::kViolationNames, kind, &v))
            violations.fail(
                kind, "unknown violation (accepted: " + names_of(zpci::kViolationNames) + ")");
        out.expect_violations[kind] =
            static_cast<uint64_t>(violations.integer(kind, 0, 0, INT64_MAX));
    }
    violations.finish();
    ObjectReader counts = expect.object("counts");
    for (const std::string& name : counts.keys()) {
        std::string list;
        bool known = false;
        for (const auto& [count_name, zero] : zpci::named_counts({})) {
            list += std::string(list.empty() ? "" : ", ") + count_name;
            known = known || name == count_name;
        }
        if (!known)
            counts.fail(name, "unknown count (accepted: " + list + ")");
        out.expect_counts[name] = static_cast<uint64_t>(counts.integer(name, 0, 0, INT64_MAX));
    }
    counts.finish();
    if (expect.has("setup_failed"))
        out.expect_setup_failed = static_cast<uint64_t>(expect.integer("setup_failed", 0, 0, 4096));
    expect.finish();
}

ojson zpci_to_json(const ZpciScenario& z) {
    const zpci::ZpciConfig& c = z.config;
    ojson j = {{"delivery", name_of(zpci::kDeliveryNames, c.kernel.delivery)},
               {"variant", name_of(zpci::kVariantNames, c.kernel.variant)},
               {"cpus", c.kernel.cpus},
               {"setup_cpu", c.kernel.setup_cpu},
               {"entry_ns", c.timing.entry_ns},
               {"per_bit_ns", c.timing.per_bit_ns},
               {"ipi_ns", c.timing.ipi_ns},
               {"find_clear_ns", c.timing.find_clear_ns},
               {"log", c.log_each_msi ? "each" : "summary"}};
    if (!c.kernel.cpu_address.empty())
        j["cpu_addresses"] = c.kernel.cpu_address;
    ojson functions = ojson::array();
    for (const zpci::FunctionConfig& f : c.functions)
        functions.push_back({{"fid", f.fid},
                             {"devfn", f.devfn},
                             {"bus", f.bus},
                             {"max_msi", f.max_msi},
                             {"nvec", f.nvec},
                             {"type", name_of(zpci::kMsiTypeNames, f.type)},
                             {"affinity", f.affinity},
                             {"boot", f.boot}});
    j["functions"] = functions;
    ojson msis = ojson::array();
    for (const MsiGenerator& g : z.msis) {
        ojson m = {
            {"pattern", name_of(kPatternNames, g.pattern)}, {"at_ns", g.at_ns}, {"count", g.count}};
        if (g.fid)
            m["fid"] = *g.fid;
        else
            m["fid"] = "any";
        if (g.index >= 0)
            m["index"] = g.index;
        else
            m["index"] = "random";
        m[g.pattern == MsiGenerator::Pattern::Poisson ? "mean_interval_ns" : "interval_ns"] =
            g.interval_ns;
        if (g.pattern == MsiGenerator::Pattern::Burst) {
            m["bursts"] = g.bursts;
            m["period_ns"] = g.period_ns;
        }
        m["fault"] = g.lost ? "lost" : g.duplicated ? "duplicated" : "none";
        msis.push_back(m);
    }
    j["msis"] = msis;
    ojson actions = ojson::array();
    for (const ZpciAction& a : c.actions) {
        ojson o = {{"at_ns", a.t_ns}, {"kind", name_of(kActionNames, a.kind)}};
        if (takes_fid(a.kind))
            o["fid"] = a.fid;
        if (a.kind == ZpciAction::Kind::Affinity)
            o["index"] = a.index;
        if (takes_cpu(a.kind))
            o["cpu"] = a.cpu;
        actions.push_back(o);
    }
    j["actions"] = actions;
    return j;
}

// ---- the MSI stream --------------------------------------------------------------------

GeneratedMsis::GeneratedMsis(const ZpciScenario& z, const std::vector<uint32_t>& live,
                             uint64_t seed)
    : z_(z), live_(live), rng_(seed ^ 0x7a706369ULL /* "zpci": apart from the workload's */) {
    std::unordered_map<uint32_t, unsigned> nvec; // by fid
    for (const zpci::FunctionConfig& f : z.config.functions)
        nvec[f.fid] = std::min(f.nvec, f.max_msi);
    const auto nvec_of = [&nvec](uint32_t fid) {
        const auto it = nvec.find(fid);
        return it == nvec.end() ? 0u : it->second;
    };
    for (uint32_t fid : live_)
        live_nvec_.push_back(nvec_of(fid));
    for (const MsiGenerator& m : z.msis)
        generator_nvec_.push_back(m.fid ? nvec_of(*m.fid) : 0u);
    for (size_t g = 0; g < z.msis.size(); ++g)
        queue_.push({time_of(g, 0, 0), g, 0});
}

uint64_t GeneratedMsis::time_of(size_t g, uint64_t seq, uint64_t previous_ns) {
    const MsiGenerator& m = z_.msis[g];
    switch (m.pattern) {
    case MsiGenerator::Pattern::Periodic: return m.at_ns + seq * m.interval_ns;
    case MsiGenerator::Pattern::Poisson:
        return (seq == 0 ? m.at_ns : previous_ns) + rng_.exponential(m.interval_ns);
    case MsiGenerator::Pattern::Burst:
        return m.at_ns + (seq / m.count) * m.period_ns + (seq % m.count) * m.interval_ns;
    }
    return m.at_ns;
}

bool GeneratedMsis::next(zpci::Msi* out) {
    while (!queue_.empty()) {
        const Pending p = queue_.top();
        queue_.pop();
        const MsiGenerator& m = z_.msis[p.generator];
        const uint64_t total =
            m.pattern == MsiGenerator::Pattern::Burst ? m.count * m.bursts : m.count;
        if (p.seq + 1 < total)
            queue_.push({time_of(p.generator, p.seq + 1, p.t_ns), p.generator, p.seq + 1});
        uint32_t fid = 0;
        unsigned nvec = generator_nvec_[p.generator];
        if (m.fid) {
            fid = *m.fid;
        } else if (!live_.empty()) {
            const size_t pick = rng_.uniform(0, live_.size() - 1);
            fid = live_[pick];
            nvec = live_nvec_[pick];
        } else {
            continue; // no function has interrupts: nobody can raise one
        }
        unsigned index = static_cast<unsigned>(m.index);
        if (m.index < 0)
            index = static_cast<unsigned>(rng_.uniform(0, nvec - 1));
        *out = zpci::Msi{p.t_ns, fid, index, m.lost, m.duplicated};
        return true;
    }
    return false;
}

} // namespace ssifsim::tools
