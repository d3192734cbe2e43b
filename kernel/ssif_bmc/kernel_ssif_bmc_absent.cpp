// Built without a kernel source: there is no real ssif_bmc.c to compare with.
#include "kernel/ssif_bmc/bmc_conformance.h"

namespace ssifsim::kernel {

std::unique_ptr<BmcImpl> make_kernel_bmc() {
    return nullptr;
}

} // namespace ssifsim::kernel
