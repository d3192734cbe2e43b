// Built without a kernel source: there is no real ssif_bmc.c to run as the BMC.
#include "kernel/ssif_bmc/kernel_ssif_bmc_driver.h"

namespace ssifsim::kernel {

std::unique_ptr<ssif::BmcDriver> make_kernel_bmc_driver(const ssif::BmcConfig&, ssif::BmcHooks&,
                                                        std::function<uint64_t()>) {
    return nullptr;
}

bool kernel_bmc_available() {
    return false;
}

unsigned kernel_bmc_response_timeout_ms() {
    return 0;
}

} // namespace ssifsim::kernel
