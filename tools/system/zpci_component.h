// s390 zPCI adapter interrupts (scenarios with a zpci section): the functions, the CPUs and
// the kernel's airq handling (ZpciSystem), the generated MSIs, and with host.irq "zpci" the
// host controller's transfer interrupts; the interrupts_accounted check and the report's
// zpci section.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "models/zpci/msi_line.h"
#include "models/zpci/zpci_module.h"
#include "tools/system/component.h"
#include "tools/zpci_config.h"

namespace ssifsim::tools {

// What became of the MSIs.
struct ZpciResult : ComponentResult {
    bool enabled = false; // false: the scenario has no zpci section (only its expectations)
    zpci::MsiCounts counts;
    std::vector<zpci::Violation> violations; // the first of each kind (IrqAccounting::kKeptPerKind)
    std::array<uint64_t, zpci::kViolationKinds> violation_counts{}; // every one, by kind
    uint64_t violation_total = 0;
    bool accounted = true;
    Distribution latency; // MSI to its handler
    std::vector<zpci::CpuStats> cpus;
    std::vector<zpci::SetupFailure> setup_failures;
    uint64_t fallbacks = 0; // directed MSIs that took the summary path

    void report(ojson& report) const override;
    void summary_figures(std::ostream& out, const RunResult& r) const override;
    void expectations(const Scenario& s, const RunResult& r,
                      std::vector<Check>& out) const override;
};

// Interrupts accounted for: every MSI delivered to its own handler, merged with its own
// pending bit, or dropped for a named reason; no violation. MSIs in flight when the run
// ended at `end_ns` (MsiCounts::in_flight) are not judged; the detail says how many.
Check check_interrupts_accounted(const ZpciResult& zpci, uint64_t end_ns);

class ZpciComponent : public Component {
  public:
    explicit ZpciComponent(const Scenario& s);
    ~ZpciComponent() override;
    void build(System& system) override;
    std::shared_ptr<const ComponentResult> finish(System& system,
                                                  std::vector<Check>& checks) override;

  private:
    const Scenario& s_;
    std::unique_ptr<zpci::ZpciSystem> system_;
    std::unique_ptr<GeneratedMsis> msis_;
    std::unique_ptr<zpci::MsiLine> host_irq_;
};

} // namespace ssifsim::tools
