// Built without a kernel source: there is no real airq.c to compare with.
#include "kernel/airq/airq_conformance.h"

namespace ssifsim::kernel {

std::unique_ptr<AirqImpl> make_kernel_airq() {
    return nullptr;
}

} // namespace ssifsim::kernel
