#include "models/smbus/pec.h"

namespace ssifsim::smbus {

uint8_t pec_of(const std::vector<uint8_t>& bytes) {
    uint8_t pec = 0;
    for (uint8_t b : bytes)
        pec = pec_update(pec, b);
    return pec;
}

} // namespace ssifsim::smbus
