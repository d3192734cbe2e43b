#include "models/smbus/pec.h"

namespace ssifsim::smbus {

uint8_t pec_update(uint8_t pec, uint8_t byte) {
    pec ^= byte;
    for (int bit = 0; bit < 8; ++bit)
        pec = static_cast<uint8_t>((pec & 0x80) ? (pec << 1) ^ 0x07 : pec << 1);
    return pec;
}

uint8_t pec_of(const std::vector<uint8_t>& bytes) {
    uint8_t pec = 0;
    for (uint8_t b : bytes)
        pec = pec_update(pec, b);
    return pec;
}

} // namespace ssifsim::smbus
