#include "kernel/kernel_source.h"

namespace ssifsim::kernel {

const char* kernel_source_description() {
    return SSIFSIM_KERNEL_DESCRIPTION; // CMakeLists.txt: the tree and its version
}

} // namespace ssifsim::kernel
