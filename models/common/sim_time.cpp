#include "models/common/sim_time.h"

#include <stdexcept>
#include <string>

namespace ssifsim {

uint64_t time_resolution_ticks_per_ns() {
    const sc_core::sc_time resolution = sc_core::sc_get_time_resolution();
    const sc_core::sc_time one_ns(1, sc_core::SC_NS); // 0 ticks when the resolution is coarser
    if (resolution > one_ns) {
        const std::string message =
            "SystemC's time resolution is " + resolution.to_string() +
            ": the models count time in whole nanoseconds and need a resolution of 1 ns or "
            "finer (call sc_set_time_resolution() with 1 ns or less before building them)";
        SC_REPORT_ERROR("ssifsim", message.c_str());
        // A platform whose error reports do not throw (sc_report_handler::set_actions)
        // still must not run the models with 0 ticks per ns.
        throw std::runtime_error(message);
    }
    return one_ns.value();
}

} // namespace ssifsim
