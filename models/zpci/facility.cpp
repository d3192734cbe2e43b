#include "models/zpci/facility.h"

namespace ssifsim::zpci {

ZpciFacility::ZpciFacility(ZpciKernel& kernel, unsigned cpus)
    : kernel_(kernel), directed_enabled_(cpus, true) {}

ZpciFacility::Raise ZpciFacility::raise_floating() {
    if (!floating_enabled_)
        return Raise::None;
    floating_enabled_ = false; // single mode: suppressed until a handler re-enables
    return Raise::Floating;
}

ZpciFacility::MsiResult ZpciFacility::msi(uint32_t fid, unsigned index, int target_cpu,
                                          bool target_online, uint64_t t_ns,
                                          IrqAccounting& accounting) {
    MsiResult r;
    accounting.raised();
    const ZpciKernel::Function* f = kernel_.function(fid);
    if (!f || !f->registered) {
        accounting.not_registered();
        return r;
    }
    r.registered = true;
    const MsiSource source{fid, index, t_ns, 0};
    const Delivery delivery = kernel_.config().delivery;
    // The bit comes from the MSI data the variant composed (zpci_compose_msi_msg).
    r.bit = ZpciKernel::msi_bit(*f, kernel_.msi_data(*f, index), delivery);
    auto beyond = [&](const AirqVector& v) {
        accounting.dropped_beyond(t_ns, describe(source) + " sets bit " + std::to_string(r.bit) +
                                            ", past the " + std::to_string(v.bits()) +
                                            "-bit vector");
        r.raise = Raise::None;
        return r;
    };
    if (delivery == Delivery::Floating) {
        r.vector = f->aibv.get();
        if (!f->aibv->set(r.bit, &r.merged))
            return beyond(*f->aibv);
        accounting.pending(r.vector, r.bit, source);
        bool summary_was_set = false;
        kernel_.summary().set(f->aisb, &summary_was_set);
        r.raise = raise_floating();
        return r;
    }
    r.cpu = target_cpu;
    AirqVector& v = kernel_.cpu_vector(target_cpu);
    r.vector = &v;
    if (!v.set(r.bit, &r.merged))
        return beyond(v);
    accounting.pending(r.vector, r.bit, source);
    if (!target_online) {
        r.fallback = true;
        bool summary_was_set = false;
        kernel_.summary().set(static_cast<unsigned long>(target_cpu), &summary_was_set);
        r.raise = raise_floating();
        return r;
    }
    auto enabled = directed_enabled_[static_cast<size_t>(target_cpu)];
    if (enabled) {
        directed_enabled_[static_cast<size_t>(target_cpu)] = false;
        r.raise = Raise::Directed;
    }
    return r;
}

} // namespace ssifsim::zpci
