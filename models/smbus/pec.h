// SMBus Packet Error Code (SMBus 2.0 §5.4.1.4, "PEC"): CRC-8, polynomial x^8+x^2+x+1 (0x07),
// initial value 0, no reflection, no final XOR, over every byte of the transaction on the
// wire, address bytes included. The one place the project computes it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssifsim::smbus {

namespace pec_detail {
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
inline constexpr std::array<uint8_t, 256> kTable = make_table();
} // namespace pec_detail

// Folds one more byte into a running PEC. Inline: the bus, the host and the BMC each fold
// every wire byte, and a call costs more than the lookup.
inline uint8_t pec_update(uint8_t pec, uint8_t byte) {
    return pec_detail::kTable[static_cast<uint8_t>(pec ^ byte)];
}

// PEC of a whole byte sequence, starting from 0.
uint8_t pec_of(const std::vector<uint8_t>& bytes);

} // namespace ssifsim::smbus
