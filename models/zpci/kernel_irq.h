// The kernel's side of s390 PCI interrupts (arch/s390/pci/pci_irq.c with the MSI parent
// domain): the summary and interrupt vectors, and per function the MSI domain's prepare,
// alloc, free and teardown, as the chosen variant does them. Plain C++: tests drive it call
// by call; the SystemC module (zpci_module.h) adds time, CPUs and the hardware.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/zpci/accounting.h"
#include "models/zpci/airq_vector.h"
#include "models/zpci/variant.h"

namespace ssifsim::zpci {

// MSI: one descriptor for all vectors (multi-MSI, a power of two up to 32), allocated and
// freed in one call. MSI-X: one descriptor, one call, per vector.
enum class MsiType { Msi, MsiX };
inline constexpr Named<MsiType> kMsiTypeNames[] = {{"msi", MsiType::Msi}, {"msix", MsiType::MsiX}};

// Why pci_alloc_irq_vectors failed for a function (ZpciKernel::enable); None: it did not.
enum class SetupError { None, AlreadySetUp, NoVectorBits };

// How the report, the summary and the log's zpci.setup_failed say it.
inline constexpr Named<SetupError> kSetupErrorNames[] = {
    {"", SetupError::None},
    {"already set up", SetupError::AlreadySetUp},
    {"-EIO: no vector bits left", SetupError::NoVectorBits}, // the airq vector is full
};

// A function whose MSI setup failed: which, why, and how many MSIs it asked for.
struct SetupFailure {
    uint32_t fid = 0;
    SetupError error = SetupError::None;
    unsigned msis = 0; // min(nvec, max_msi)
    // "-EIO: no vector bits left for 8 MSIs", "already set up".
    std::string reason() const;
    // "fid 32: " and the reason.
    std::string text() const { return "fid " + std::to_string(fid) + ": " + reason(); }
};

struct FunctionConfig {
    uint32_t fid = 0;
    uint8_t devfn = 0;
    uint16_t bus = 0;     // the PCI bus (domain) number
    unsigned max_msi = 8; // from firmware
    unsigned nvec = 1;    // what the driver asks for
    MsiType type = MsiType::MsiX;
    std::vector<int> affinity; // target CPU per MSI index; missing ones: CPU 0
    bool boot = true;          // set up at boot; else only by a hot_plug action
    int target_cpu(unsigned index) const {
        return index < affinity.size() ? affinity[index] : (affinity.empty() ? 0 : affinity[0]);
    }
};

struct ZpciKernelConfig {
    Delivery delivery = Delivery::Directed;
    IrqVariant variant = IrqVariant::Fixed;
    unsigned cpus = 2;
    int setup_cpu = 0; // the CPU that runs the MSI setup (v1 stores values only there)
    // Each logical CPU's address (STAP, smp_cpu_get_cpu_address); empty: the same numbers.
    std::vector<int> cpu_address;
};

// ZPCI_NR_DEVICES (CONFIG_PCI_NR_FUNCTIONS default): floating summary bits.
constexpr unsigned long kZpciNrDevices = 512;

class ZpciKernel {
  public:
    // What a function has once set up (struct zpci_dev's interrupt fields).
    struct Function {
        FunctionConfig config;
        bool live = false;
        unsigned long first_bit = AirqVector::kNoBit; // msi_first_bit
        unsigned nr_irqs = 0;                         // msi_nr_irqs
        unsigned long aisb = AirqVector::kNoBit;      // floating summary bit
        std::unique_ptr<AirqVector> aibv;             // floating interrupt vector
        bool registered = false;                      // interrupts registered (MPCIFC)
    };

    ZpciKernel(const ZpciKernelConfig& config, IrqAccounting& accounting);

    const ZpciKernelConfig& config() const { return config_; }
    const VariantRules& rules() const { return rules_; }

    // pci_alloc_irq_vectors through the parent domain: prepare, then alloc per descriptor.
    // Returns error None, or why it failed as the kernel would (-EIO: no bits left).
    SetupFailure enable(const FunctionConfig& f, uint64_t t_ns);
    // pci_free_irq_vectors on hot-unplug: free per descriptor, then teardown.
    void disable(uint32_t fid, uint64_t t_ns);

    const Function* function(uint32_t fid) const;
    bool live(uint32_t fid) const;
    std::vector<uint32_t> live_fids() const; // in fid order

    // The vectors the hardware and the handlers use.
    AirqVector& summary() { return *sbv_; }
    AirqVector* function_vector(unsigned long aisb); // floating zpci_ibv[si], maybe stale
    // A released floating vector (airq_iv_release): the model keeps its memory; the fid it
    // belonged to, or nullopt while it is live.
    std::optional<uint32_t> freed_owner(const AirqVector* v) const;
    AirqVector& cpu_vector(int cpu) { return *cpu_ibv_[static_cast<size_t>(cpu)]; }
    const AirqVector& cpu_vector(int cpu) const { return *cpu_ibv_[static_cast<size_t>(cpu)]; }

    // zpci_compose_msi_msg: the MSI data of a live function's MSI `index`, as its variant
    // writes it (a 32-bit field).
    uint32_t msi_data(const Function& f, unsigned index) const;
    // The bit the machine sets for that data: dibvo (msi_first_bit; 0 when floating) + data,
    // wrapped at 32 bits (what the machine does with a larger sum is not public).
    static unsigned long msi_bit(const Function& f, uint32_t data, Delivery delivery);

    // The CPU field the variant writes into a directed MSI address for logical CPU `cpu`.
    int msi_cpu_field(int cpu) const;
    // The machine: the logical CPU whose address is `field`; -1 if none has it.
    int cpu_with_address(int field) const;

    // generic_handle_domain_irq for the values stored at a vector bit: the handler it reaches.
    std::optional<Handler> resolve(const AirqVector& v, unsigned long bit) const;
    // The hwirq value stored at a bit (for the log), as the handler reads it.
    uint64_t stored_hwirq(const AirqVector& v, unsigned long bit) const;

  private:
    void prepare(Function& f, uint64_t t_ns);
    void alloc(Function& f, unsigned index, unsigned nr, uint64_t t_ns);
    void free(Function& f, unsigned index, unsigned nr, uint64_t t_ns);
    void teardown(Function& f, uint64_t t_ns);
    void store_values(Function& f, unsigned long bit, uint64_t hwirq, uint64_t t_ns);
    void write_values(Function& f, unsigned long bit, uint64_t ptr, uint32_t data, bool every_cpu,
                      const char* by, uint64_t t_ns);
    void reset_values(Function& f, unsigned long bit, unsigned long own_bit, uint64_t t_ns);
    void free_bits(AirqVector& v, unsigned long bit, unsigned long num, uint64_t t_ns,
                   const std::string& what);
    uint64_t domain_token(const Function& f) const { return uint64_t{f.config.bus} + 1; }

    ZpciKernelConfig config_;
    VariantRules rules_;
    IrqAccounting& accounting_;
    std::unique_ptr<AirqVector> sbv_;
    std::vector<std::unique_ptr<AirqVector>> cpu_ibv_; // directed
    std::vector<AirqVector*> function_ibv_;            // floating, by summary bit
    // Looked up for every MSI: hashed. (live_fids sorts what it lists.)
    std::unordered_map<uint32_t, Function> functions_;
    // Released floating vectors, kept so a stale zpci_ibv entry stays a valid address here.
    std::map<const AirqVector*, std::pair<uint32_t, std::unique_ptr<AirqVector>>> freed_;
    // The parent domain(s): (domain token, hwirq) -> handler. v1 has one domain, token 0.
    // Looked up for every dispatch, never walked: hashed.
    struct DomainKeyHash {
        size_t operator()(const std::pair<uint64_t, uint64_t>& k) const {
            return std::hash<uint64_t>()(k.first * 0x9e3779b97f4a7c15ULL ^ k.second);
        }
    };
    std::unordered_map<std::pair<uint64_t, uint64_t>, Handler, DomainKeyHash> domain_;
    // Which live function owns each directed pool bit (to see a double allocation).
    std::map<unsigned long, uint32_t> bit_owner_;
};

} // namespace ssifsim::zpci
