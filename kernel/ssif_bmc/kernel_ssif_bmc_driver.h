// The real drivers/char/ipmi/ssif_bmc.c as a BmcDriver (bmc.implementation "kernel"): the
// BMC's driver inside BmcModule in place of the SsifBmc model, with the same bus target,
// daemon, faults, checks, log and waveform. Plain C++ over kernel_ssif_bmc.h's functions;
// the kernel's response timer, wake-ups and dev_* lines reach the module through the same
// BmcHooks the model calls, and the model's transition, coverage and out-of-bounds-store
// reports are derived from the context's fields around each call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "models/ssif/bmc/bmc_module.h"

namespace ssifsim::kernel {

// The real driver, probed at config.addr7, reading the BMC's jiffies at config.hz from
// `now_ns` (the simulated time, in ns) before each call. Returns nullptr in a build without
// the kernel source (kernel_bmc_available() false). Throws std::logic_error while another
// one lives: ssif_bmc.c keeps its device in statics, one per process.
std::unique_ptr<ssif::BmcDriver> make_kernel_bmc_driver(const ssif::BmcConfig& config,
                                                        ssif::BmcHooks& hooks,
                                                        std::function<uint64_t()> now_ns);
// Whether this build has the real ssif_bmc.c (built with -DSSIFSIM_KERNEL_SOURCE).
bool kernel_bmc_available();
// The RESPONSE_TIMEOUT (ms) of the ssif_bmc.c this build has: 500 in 6.12.117, what a patched
// tree says otherwise; 0 in a build without the kernel source.
unsigned kernel_bmc_response_timeout_ms();

} // namespace ssifsim::kernel
