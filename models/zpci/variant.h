// The s390 PCI interrupt code as each kernel version has it (arch/s390/pci/pci_irq.c): the delivery
// mode, and the MSI parent domain's variants with their known defects, one row per variant.
#pragma once

#include <cstdint>

#include "models/common/name_table.h"

namespace ssifsim::zpci {

// DIRECTED when the machine offers it, else FLOATING (pci=force_floating forces it).
enum class Delivery { Floating, Directed };
inline constexpr Named<Delivery> kDeliveryNames[] = {{"floating", Delivery::Floating},
                                                     {"directed", Delivery::Directed}};

enum class IrqVariant {
    Pre2020, // CPU-directed interrupts before a2bd4097b3ec "s390/pci: fix CPU address in
             // MSI for directed IRQ" (Dec 2020): the MSI address names the logical CPU; its
             // other rules are taken as fixed's (the code before the series kept the
             // values in every CPU's vector and freed what it allocated)
    V1,      // the seed patch (v1 of "Migrate s390 IRQ logic to IRQ domain API")
    Merged,  // the merged version (v8/v9)
    Fixed,   // the merged version with both of its defects corrected
};
inline constexpr Named<IrqVariant> kVariantNames[] = {{"pre-2020", IrqVariant::Pre2020},
                                                      {"v1", IrqVariant::V1},
                                                      {"merged", IrqVariant::Merged},
                                                      {"fixed", IrqVariant::Fixed}};

// What the CPU field of a directed MSI address holds.
enum class MsiCpu {
    Address,       // smp_cpu_get_cpu_address(cpu): the CPU's address (STAP), since 2020
    LogicalNumber, // the logical CPU number (before the 2020 fix)
};

// zpci_msi_domain_free: which per-bit values it resets.
enum class ClearOnFree {
    None,       // v1 resets only the irq data, the vector keeps the old values
    IndexTwice, // merged: bit = first_bit + decode(hwirq) + i, the index counted twice
    Correct,    // fixed: bit = first_bit + decode(hwirq)
};

// zpci_compose_msi_msg: the MSI data written for a directed or floating MSI; the machine
// sets bit dibvo + data (aibvo 0 when floating).
enum class MsiData {
    Index,              // the MSI index (before the series: hwirq - bit; merged, fixed)
    HwirqMinusFirstBit, // v1: data = hwirq - msi_first_bit with hwirq (fid << 32) | index
};

// What an affinity change does to a floating-mode MSI (there is no CPU in its message).
enum class FloatingAffinity {
    // Refused with -EINVAL: the chip has no irq_set_affinity (before the series
    // zpci_irq_chip only gets zpci_set_irq_affinity in zpci_directed_irq_init; the merged
    // code adds MSI_FLAG_NO_AFFINITY to the parent ops in floating mode), so
    // irq_do_set_affinity returns -EINVAL.
    Refused,
    // v1: zpci_irq_chip's static irq_set_affinity is irq_chip_set_affinity_parent and only
    // directed init replaces it; msi_domain_set_affinity calls it on the zpci parent domain,
    // which has no parent, and it dereferences parent_data (NULL): the kernel oopses.
    NullParentOops,
};

struct VariantRules {
    // zpci_msi_domain_alloc stores the per-bit values in every CPU's directed vector; v1 only
    // in the vector of the CPU that runs the allocation.
    bool values_on_every_cpu;
    // One parent domain per PCI bus, the bit's ptr holding the domain and its data the hwirq
    // (devfn << 16 | index); v1: one global domain, ptr holding hwirq (fid << 32 | index).
    bool domain_per_bus;
    // Directed teardown frees max_msi bits although prepare allocated min(nvec, max_msi).
    bool teardown_frees_max_msi;
    ClearOnFree clear_on_free;
    MsiData msi_data;
    // An affinity change rewrites the MSI message with the CPU it asks for. v1: no.
    // msi_domain_set_affinity recomposes after the parent's callback, and v1's
    // zpci_compose_msi_msg takes the CPU from the descriptor's affinity mask fixed at
    // allocation (desc->affinity), so the message keeps the allocation-time CPU.
    bool affinity_moves_msi;
    MsiCpu msi_cpu;
    // Floating teardown sets zpci_ibv[aisb] to NULL (arch_teardown_msi_irqs before the
    // series). v1 and the merged code release the vector and leave the pointer; fixed
    // corrects only the merged code's two defects and leaves it too.
    bool teardown_clears_ibv;
    FloatingAffinity floating_affinity;
};

// One row per variant. Columns: values_on_every_cpu, domain_per_bus, teardown_frees_max_msi,
// clear_on_free, msi_data, affinity_moves_msi, msi_cpu, teardown_clears_ibv, floating_affinity.
// clang-format off
inline VariantRules rules_for(IrqVariant v) {
    switch (v) {
    case IrqVariant::Pre2020:
        return {true,  true,  false, ClearOnFree::Correct,    MsiData::Index,              true,  MsiCpu::LogicalNumber, true,  FloatingAffinity::Refused};
    case IrqVariant::V1:
        return {false, false, true,  ClearOnFree::None,       MsiData::HwirqMinusFirstBit, false, MsiCpu::Address,       false, FloatingAffinity::NullParentOops};
    case IrqVariant::Merged:
        return {true,  true,  true,  ClearOnFree::IndexTwice, MsiData::Index,              true,  MsiCpu::Address,       false, FloatingAffinity::Refused};
    case IrqVariant::Fixed:
        return {true,  true,  false, ClearOnFree::Correct,    MsiData::Index,              true,  MsiCpu::Address,       false, FloatingAffinity::Refused};
    }
    return {true, true, false, ClearOnFree::Correct, MsiData::Index, true, MsiCpu::Address, false,
            FloatingAffinity::Refused};
}
// clang-format on

// zpci_encode_hwirq / zpci_decode_hwirq_msi_index.
inline uint64_t encode_hwirq(IrqVariant v, uint32_t fid, uint8_t devfn, unsigned index) {
    if (rules_for(v).domain_per_bus)
        return (uint64_t{devfn} << 16) | index;
    return (uint64_t{fid} << 32) | index;
}
inline unsigned decode_hwirq_index(uint64_t hwirq) {
    return static_cast<unsigned>(hwirq & 0xffff);
}

} // namespace ssifsim::zpci
