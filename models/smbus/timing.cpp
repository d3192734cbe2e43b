#include "models/smbus/timing.h"

namespace ssifsim::smbus {

uint64_t SmbusTiming::quarter_ns() const {
    // round(1e9 / (4 * f))
    return (1000000000ull + 2ull * freq_hz) / (4ull * freq_hz);
}

uint64_t SmbusTiming::bus_free_ns() const {
    if (freq_hz <= 100000)
        return 4700;
    if (freq_hz <= 400000)
        return 1300;
    return 500;
}

uint64_t SmbusTiming::block_write_ns(unsigned count, bool pec) const {
    // addr+W, command, count, data..., [PEC]
    unsigned bytes = 3 + count + (pec ? 1 : 0);
    return start_ns() + bytes * byte_ns() + stop_ns();
}

uint64_t SmbusTiming::block_read_ns(unsigned count, bool pec) const {
    // addr+W, command, Sr, addr+R, count, data..., [PEC]
    unsigned bytes = 2 + 2 + count + (pec ? 1 : 0);
    return start_ns() + bytes * byte_ns() + repeated_start_ns() + stop_ns();
}

} // namespace ssifsim::smbus
