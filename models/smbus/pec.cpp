#include "models/smbus/pec.h"

#include <array>

namespace ssifsim::smbus {

namespace {
// The CRC-8 of each byte value on its own: folding a byte into a running PEC is the CRC of
// (PEC xor byte), as the polynomial division is linear over GF(2). One lookup per wire byte
// instead of eight shift steps (the bus folds every byte of every transfer).
constexpr std::array<uint8_t, 256> make_table() {
    std::array<uint8_t, 256> table{};
    for (int v = 0; v < 256; ++v) {
        uint8_t crc = static_cast<uint8_t>(v);
        for (int bit = 0; bit < 8; ++bit)
            crc = static_cast<uint8_t>((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
        table[static_cast<size_t>(v)] = crc;
    }
    return table;
}
constexpr std::array<uint8_t, 256> kTable = make_table();
} // namespace

uint8_t pec_update(uint8_t pec, uint8_t byte) {
    return kTable[static_cast<uint8_t>(pec ^ byte)];
}

uint8_t pec_of(const std::vector<uint8_t>& bytes) {
    uint8_t pec = 0;
    for (uint8_t b : bytes)
        pec = pec_update(pec, b);
    return pec;
}

} // namespace ssifsim::smbus
