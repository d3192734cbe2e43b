// Which kernel tree this build compiled for the kernel-in-the-loop runs.
#pragma once

namespace ssifsim::kernel {

// "DIR (Linux 6.12.117)" or "DIR (Debian linux-source-6.12 6.12.117-1~deb12u1)"; empty in a
// build without -DSSIFSIM_KERNEL_SOURCE.
const char* kernel_source_description();

} // namespace ssifsim::kernel
