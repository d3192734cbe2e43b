#include "models/zpci/kernel_irq.h"

#include <algorithm>

namespace ssifsim::zpci {

namespace {
std::string fid_text(uint32_t fid) {
    return "fid " + std::to_string(fid);
}
} // namespace

ZpciKernel::ZpciKernel(const ZpciKernelConfig& config, IrqAccounting& accounting)
    : config_(config), rules_(rules_for(config.variant)), accounting_(accounting) {
    const unsigned values =
        rules_.domain_per_bus ? AirqVector::kPtr | AirqVector::kData : AirqVector::kPtr;
    if (config_.delivery == Delivery::Floating) {
        // zpci_floating_irq_init: a summary bit per function, handed out on demand.
        sbv_ = std::make_unique<AirqVector>(kZpciNrDevices, AirqVector::kAlloc);
        function_ibv_.assign(kZpciNrDevices, nullptr);
        return;
    }
    // zpci_directed_irq_init: a summary bit per CPU (fallback path), and per CPU one
    // cache-line vector; bits are allocated from CPU 0's only, one pool for all.
    sbv_ = std::make_unique<AirqVector>(config_.cpus, 0);
    for (unsigned cpu = 0; cpu < config_.cpus; ++cpu)
        cpu_ibv_.push_back(std::make_unique<AirqVector>(AirqVector::kCachelineBits,
                                                        values | AirqVector::kCacheline |
                                                            (cpu == 0 ? AirqVector::kAlloc : 0)));
}

const ZpciKernel::Function* ZpciKernel::function(uint32_t fid) const {
    auto it = functions_.find(fid);
    return it == functions_.end() ? nullptr : &it->second;
}

bool ZpciKernel::live(uint32_t fid) const {
    const Function* f = function(fid);
    return f && f->live;
}

std::vector<uint32_t> ZpciKernel::live_fids() const {
    std::vector<uint32_t> fids;
    for (const auto& [fid, f] : functions_)
        if (f.live)
            fids.push_back(fid);
    std::sort(fids.begin(), fids.end()); // in fid order, whatever the hash's
    return fids;
}

AirqVector* ZpciKernel::function_vector(unsigned long aisb) {
    return aisb < function_ibv_.size() ? function_ibv_[aisb] : nullptr;
}

std::optional<uint32_t> ZpciKernel::freed_owner(const AirqVector* v) const {
    auto it = freed_.find(v);
    if (it == freed_.end())
        return std::nullopt;
    return it->second.first;
}

std::string SetupFailure::reason() const {
    std::string text = name_of(kSetupErrorNames, error);
    if (error == SetupError::NoVectorBits)
        text += " for " + std::to_string(msis) + " MSIs";
    return text;
}

SetupFailure ZpciKernel::enable(const FunctionConfig& config, uint64_t t_ns) {
    Function& f = functions_[config.fid];
    if (f.live)
        return {config.fid, SetupError::AlreadySetUp, f.nr_irqs};
    f = Function{};
    f.config = config;
    prepare(f, t_ns);
    if (f.first_bit == AirqVector::kNoBit)
        return {config.fid, SetupError::NoVectorBits, f.nr_irqs};
    f.live = true;
    // msi_domain_alloc_irqs: one call for an MSI descriptor, one per MSI-X entry.
    if (config.type == MsiType::Msi) {
        alloc(f, 0, f.nr_irqs, t_ns);
    } else {
        for (unsigned i = 0; i < f.nr_irqs; ++i)
            alloc(f, i, 1, t_ns);
    }
    return {config.fid, SetupError::None, f.nr_irqs};
}

void ZpciKernel::prepare(Function& f, uint64_t t_ns) {
    const unsigned msi_vecs = std::min(f.config.nvec, f.config.max_msi);
    f.nr_irqs = msi_vecs;
    if (config_.delivery == Delivery::Directed) {
        const unsigned long bit = cpu_ibv_[0]->alloc(msi_vecs);
        if (bit == AirqVector::kNoBit)
            return;
        for (unsigned long b = bit; b < bit + msi_vecs; ++b) {
            auto owner = bit_owner_.find(b);
            if (owner != bit_owner_.end() && live(owner->second))
                accounting_.violation(ViolationKind::DoubleAllocation, t_ns,
                                      "directed bit " + std::to_string(b) + " given to " +
                                          fid_text(f.config.fid) + " while " +
                                          fid_text(owner->second) + " still uses it");
            bit_owner_[b] = f.config.fid;
        }
        f.first_bit = bit;
    } else {
        const unsigned long aisb = sbv_->alloc(1);
        if (aisb == AirqVector::kNoBit)
            return;
        const unsigned values =
            rules_.domain_per_bus ? AirqVector::kPtr | AirqVector::kData : AirqVector::kPtr;
        f.aisb = aisb;
        f.aibv = std::make_unique<AirqVector>(msi_vecs, values | AirqVector::kBitlock);
        function_ibv_[aisb] = f.aibv.get();
        f.first_bit = 0; // each function has its own vector
    }
    f.registered = true; // zpci_set_irq
}

void ZpciKernel::alloc(Function& f, unsigned index, unsigned nr, uint64_t t_ns) {
    if (index + nr > f.config.max_msi)
        return; // -EINVAL
    const uint64_t hwirq = encode_hwirq(config_.variant, f.config.fid, f.config.devfn, index);
    const uint64_t token = rules_.domain_per_bus ? domain_token(f) : 0;
    for (unsigned i = 0; i < nr; ++i) {
        domain_[{token, hwirq + i}] = Handler{f.config.fid, index + i};
        store_values(f, f.first_bit + index + i, hwirq + i, t_ns);
    }
}

// zpci_msi_domain_alloc: v1 keeps the hwirq in ptr; the merged code the domain in ptr and
// the hwirq in data.
void ZpciKernel::store_values(Function& f, unsigned long bit, uint64_t hwirq, uint64_t t_ns) {
    const uint64_t ptr = rules_.domain_per_bus ? domain_token(f) : hwirq;
    write_values(f, bit, ptr, static_cast<uint32_t>(hwirq), rules_.values_on_every_cpu, "alloc for",
                 t_ns);
}

// The per-bit values of one bit: in the function's vector (floating), or in every CPU's
// vector or only the setup CPU's (directed). A write past a vector is a violation.
void ZpciKernel::write_values(Function& f, unsigned long bit, uint64_t ptr, uint32_t data,
                              bool every_cpu, const char* by, uint64_t t_ns) {
    auto write = [&](AirqVector& v) {
        const bool ok = v.set_ptr(bit, ptr) && (!rules_.domain_per_bus || v.set_data(bit, data));
        if (!ok)
            accounting_.violation(ViolationKind::BeyondVector, t_ns,
                                  std::string(by) + " " + fid_text(f.config.fid) + " wrote bit " +
                                      std::to_string(bit) + " of a " + std::to_string(v.bits()) +
                                      "-bit vector");
    };
    if (config_.delivery == Delivery::Floating) {
        write(*f.aibv);
    } else if (every_cpu) {
        for (auto& v : cpu_ibv_)
            write(*v);
    } else {
        write(*cpu_ibv_[static_cast<size_t>(config_.setup_cpu)]); // smp_processor_id()
    }
}

void ZpciKernel::disable(uint32_t fid, uint64_t t_ns) {
    auto it = functions_.find(fid);
    if (it == functions_.end() || !it->second.live)
        return;
    Function& f = it->second;
    if (f.config.type == MsiType::Msi) {
        free(f, 0, f.nr_irqs, t_ns);
    } else {
        for (unsigned i = 0; i < f.nr_irqs; ++i)
            free(f, i, 1, t_ns);
    }
    f.live = false;
    teardown(f, t_ns);
}

void ZpciKernel::free(Function& f, unsigned index, unsigned nr, uint64_t t_ns) {
    const uint64_t hwirq = encode_hwirq(config_.variant, f.config.fid, f.config.devfn, index);
    const uint64_t token = rules_.domain_per_bus ? domain_token(f) : 0;
    for (unsigned i = 0; i < nr; ++i) {
        const unsigned long own_bit = f.first_bit + decode_hwirq_index(hwirq + i);
        switch (rules_.clear_on_free) {
        case ClearOnFree::None: break;
        case ClearOnFree::IndexTwice: reset_values(f, own_bit + i, own_bit, t_ns); break;
        case ClearOnFree::Correct: reset_values(f, own_bit, own_bit, t_ns); break;
        }
        domain_.erase({token, hwirq + i}); // irq_domain_reset_irq_data
    }
}

void ZpciKernel::reset_values(Function& f, unsigned long bit, unsigned long own_bit,
                              uint64_t t_ns) {
    if (bit != own_bit) {
        std::string whose = "outside its bits " + std::to_string(f.first_bit) + ".." +
                            std::to_string(f.first_bit + f.nr_irqs - 1);
        auto owner = bit_owner_.find(bit);
        if (bit >= f.first_bit && bit < f.first_bit + f.nr_irqs)
            whose = "the bit of its index " + std::to_string(bit - f.first_bit);
        else if (config_.delivery == Delivery::Directed && owner != bit_owner_.end() &&
                 owner->second != f.config.fid && live(owner->second))
            whose = "the bit of " + fid_text(owner->second) + " index " +
                    std::to_string(bit - function(owner->second)->first_bit);
        accounting_.violation(ViolationKind::WrongBitCleared, t_ns,
                              "free of " + fid_text(f.config.fid) + " index " +
                                  std::to_string(own_bit - f.first_bit) +
                                  " reset the values of bit " + std::to_string(bit) + ", " + whose);
    }
    write_values(f, bit, 0, 0, true, "free of", t_ns);
}

void ZpciKernel::teardown(Function& f, uint64_t t_ns) {
    f.registered = false; // zpci_clear_irq: the function raises no more interrupts
    auto is_live = [this](uint32_t fid) { return live(fid); };
    if (config_.delivery == Delivery::Directed) {
        const unsigned num = rules_.teardown_frees_max_msi ? f.config.max_msi : f.nr_irqs;
        free_bits(*cpu_ibv_[0], f.first_bit, num, t_ns, "teardown of " + fid_text(f.config.fid));
        for (unsigned long b = f.first_bit; b < f.first_bit + num; ++b) {
            auto owner = bit_owner_.find(b);
            if (owner != bit_owner_.end() && owner->second == f.config.fid)
                bit_owner_.erase(owner);
        }
    } else {
        for (unsigned long b = 0; b < f.aibv->bits(); ++b)
            if (f.aibv->test(b))
                accounting_.cleared(t_ns, f.aibv.get(), b, is_live);
        if (rules_.teardown_clears_ibv)
            function_ibv_[f.aisb] = nullptr;
        const AirqVector* released = f.aibv.get();
        freed_[released] = {f.config.fid, std::move(f.aibv)}; // airq_iv_release
        sbv_->free(f.aisb, 1);
        f.aisb = AirqVector::kNoBit;
    }
    f.first_bit = AirqVector::kNoBit;
    f.nr_irqs = 0;
}

void ZpciKernel::free_bits(AirqVector& v, unsigned long bit, unsigned long num, uint64_t t_ns,
                           const std::string& what) {
    std::vector<unsigned long> cleared;
    const unsigned long beyond = v.free(bit, num, &cleared);
    if (beyond)
        accounting_.violation(ViolationKind::BeyondVector, t_ns,
                              what + " freed " + std::to_string(beyond) +
                                  " bit(s) past the end of a " + std::to_string(v.bits()) +
                                  "-bit vector");
    for (unsigned long b : cleared)
        accounting_.cleared(t_ns, &v, b, [this](uint32_t fid) { return live(fid); });
}

// v1's zpci_compose_msi_msg (the seed) writes data->hwirq - zdev->msi_first_bit into the
// 32-bit msg->data; its hwirq is (fid << 32) | index, so the data is index - first_bit
// modulo 2^32. The code before the series (arch_setup_msi_irqs: hwirq - bit, counted from
// the first bit) and the merged one write the MSI index.
uint32_t ZpciKernel::msi_data(const Function& f, unsigned index) const {
    switch (rules_.msi_data) {
    case MsiData::Index: break;
    case MsiData::HwirqMinusFirstBit:
        return static_cast<uint32_t>(
            encode_hwirq(config_.variant, f.config.fid, f.config.devfn, index) - f.first_bit);
    }
    return index;
}

unsigned long ZpciKernel::msi_bit(const Function& f, uint32_t data, Delivery delivery) {
    const unsigned long offset = delivery == Delivery::Directed ? f.first_bit : 0;
    return static_cast<uint32_t>(offset + data);
}

// Since a2bd4097b3ec "s390/pci: fix CPU address in MSI for directed IRQ" (Dec 2020) the MSI address
// takes smp_cpu_get_cpu_address(cpu) (arch_setup_msi_irqs, zpci_set_irq_affinity, the merged
// compose); before it, the logical CPU number. The machine routes by address.
int ZpciKernel::msi_cpu_field(int cpu) const {
    if (rules_.msi_cpu == MsiCpu::LogicalNumber || config_.cpu_address.empty())
        return cpu;
    return config_.cpu_address[static_cast<size_t>(cpu)];
}

int ZpciKernel::cpu_with_address(int field) const {
    if (config_.cpu_address.empty())
        return field >= 0 && static_cast<unsigned>(field) < config_.cpus ? field : -1;
    for (size_t c = 0; c < config_.cpu_address.size(); ++c)
        if (config_.cpu_address[c] == field)
            return static_cast<int>(c);
    return -1;
}

std::optional<Handler> ZpciKernel::resolve(const AirqVector& v, unsigned long bit) const {
    uint64_t ptr = 0;
    if (!v.get_ptr(bit, &ptr))
        return std::nullopt;
    uint64_t token = 0, hwirq = ptr;
    if (rules_.domain_per_bus) {
        uint32_t data = 0;
        if (!v.get_data(bit, &data) || ptr == 0)
            return std::nullopt; // no domain: nothing handles it
        token = ptr;
        hwirq = data;
    }
    auto it = domain_.find({token, hwirq});
    if (it == domain_.end())
        return std::nullopt;
    return it->second;
}

uint64_t ZpciKernel::stored_hwirq(const AirqVector& v, unsigned long bit) const {
    uint64_t ptr = 0;
    uint32_t data = 0;
    if (rules_.domain_per_bus)
        return v.get_data(bit, &data) ? data : 0;
    return v.get_ptr(bit, &ptr) ? ptr : 0;
}

} // namespace ssifsim::zpci
