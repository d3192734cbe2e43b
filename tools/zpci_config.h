// The scenario's `zpci` section: the machine (delivery, variant, CPUs, handler costs), the
// PCI functions, the MSIs they raise and the actions at set times; and the MSI stream it
// describes, generated lazily from the scenario's seed. scenarios/README.md documents it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/zpci/zpci_module.h"
#include "tools/json_reader.h"
#include "tools/workload.h"

namespace ssifsim::tools {

// One line of zpci.msis: who raises, when, how many.
struct MsiGenerator {
    enum class Pattern { Periodic, Poisson, Burst };
    std::string path;
    std::optional<uint32_t> fid; // none: a random live function per MSI
    int index = 0;               // -1: a random index of that function per MSI
    Pattern pattern = Pattern::Periodic;
    uint64_t at_ns = 0;
    uint64_t count = 1;       // MSIs (per burst for Burst)
    uint64_t interval_ns = 0; // Periodic: the gap; Poisson: the mean gap; Burst: within a burst
    uint64_t bursts = 1;      // Burst: how many
    uint64_t period_ns = 0;   // Burst: from one burst's start to the next
    bool lost = false;        // every MSI of this line is lost in the fabric
    bool duplicated = false;  // every MSI of this line arrives twice
};

struct ZpciScenario {
    bool enabled = false;
    zpci::ZpciConfig config;
    std::vector<MsiGenerator> msis;
    // expect.zpci: exact violation counts by kind, exact MSI counts, setup failures.
    std::map<std::string, uint64_t> expect_violations;
    std::map<std::string, uint64_t> expect_counts;
    std::optional<uint64_t> expect_setup_failed;
};

void read_zpci(ObjectReader zpci, ZpciScenario& out);
void read_zpci_expect(ObjectReader expect, ZpciScenario& out);
ojson zpci_to_json(const ZpciScenario& z);

// The MSIs of all generators merged in time order (ties: generator order, then sequence).
class GeneratedMsis : public zpci::MsiSchedule {
  public:
    // `live`: the functions whose setup succeeded, the ones a random pick chooses from.
    GeneratedMsis(const ZpciScenario& z, const std::vector<uint32_t>& live, uint64_t seed);
    bool next(zpci::Msi* out) override;

  private:
    struct Pending {
        uint64_t t_ns;
        size_t generator;
        uint64_t seq;
        bool operator>(const Pending& o) const {
            return t_ns != o.t_ns             ? t_ns > o.t_ns
                   : generator != o.generator ? generator > o.generator
                                              : seq > o.seq;
        }
    };
    uint64_t time_of(size_t g, uint64_t seq, uint64_t previous_ns);

    const ZpciScenario& z_;
    std::vector<uint32_t> live_;
    // The number of MSIs a random index picks from (min(nvec, max_msi); 0 for a fid with no
    // function): of live_[i], and of each generator's own fid. Looked up per MSI.
    std::vector<unsigned> live_nvec_;
    std::vector<unsigned> generator_nvec_;
    Rng rng_;
    std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
};

} // namespace ssifsim::tools
