// The machine's side: what the zPCI facility does with an MSI write and with SIC (set
// interruption controls). Plain C++; the SystemC module decides when and on which CPU the
// interrupts it asks for are taken.
//
// Floating: the MSI sets its bit in the function's vector, then the function's summary bit,
// then raises an adapter interrupt for ISC 2 unless SIC "single" mode suppresses it: after
// one interrupt, none until a handler re-enables. Directed: the bit goes into the vector of
// the CPU the MSI address names and that CPU is interrupted, unless "directed single" mode
// suppresses it; when that CPU cannot take it (offline), the fallback path sets the CPU's
// summary bit and raises a floating interrupt instead.
#pragma once

#include <vector>

#include "models/zpci/kernel_irq.h"

namespace ssifsim::zpci {

class ZpciFacility {
  public:
    enum class Raise { None, Floating, Directed };
    struct MsiResult {
        bool registered = false; // false: the function has no interrupts registered, dropped
        const AirqVector* vector = nullptr;
        unsigned long bit = 0;
        bool merged = false;   // the bit was already set
        bool fallback = false; // directed to an offline CPU: the summary path
        Raise raise = Raise::None;
        int cpu = 0; // the target CPU (directed)
    };

    ZpciFacility(ZpciKernel& kernel, unsigned cpus);

    // An MSI write of `index` by function `fid`, addressed to `target_cpu` (directed).
    MsiResult msi(uint32_t fid, unsigned index, int target_cpu, bool target_online, uint64_t t_ns,
                  IrqAccounting& accounting);

    // SIC_IRQ_MODE_SINGLE: floating interrupts on again (one, then suppressed).
    void reenable_floating() { floating_enabled_ = true; }
    // SIC_IRQ_MODE_D_SINGLE on this CPU.
    void reenable_directed(int cpu) { directed_enabled_[static_cast<size_t>(cpu)] = true; }
    bool floating_enabled() const { return floating_enabled_; }
    bool directed_enabled(int cpu) const { return directed_enabled_[static_cast<size_t>(cpu)]; }

  private:
    Raise raise_floating();

    ZpciKernel& kernel_;
    bool floating_enabled_ = true;       // zpci_irq_init ends with SIC single
    std::vector<bool> directed_enabled_; // cpu_enable_directed_irq: D_SINGLE per CPU
};

} // namespace ssifsim::zpci
