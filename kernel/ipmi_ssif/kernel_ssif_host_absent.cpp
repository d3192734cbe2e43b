// Built without a kernel source: there is no real ipmi_ssif.c to run as the host.
#include "kernel/ipmi_ssif/kernel_ssif_host.h"

namespace ssifsim::kernel {

bool kernel_host_available() {
    return false;
}

const char* kernel_host_missing_release(ssif::HostVariant variant) {
    return ssif::host_kernel(variant).kernel_release;
}

const char* kernel_host_release_tree(ssif::HostVariant) {
    return nullptr;
}

std::unique_ptr<KernelHost> make_kernel_host(const char*, const ssif::HostConfig&, EventSink&,
                                             const KernelHostOptions&) {
    return nullptr;
}

} // namespace ssifsim::kernel
