// SMBus Packet Error Code (SMBus 2.0 §5.4.1.4, "PEC"): CRC-8, polynomial x^8+x^2+x+1 (0x07),
// initial value 0, no reflection, no final XOR, over every byte of the transaction on the
// wire, address bytes included. The one place the project computes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssifsim::smbus {

// Folds one more byte into a running PEC.
uint8_t pec_update(uint8_t pec, uint8_t byte);

// PEC of a whole byte sequence, starting from 0.
uint8_t pec_of(const std::vector<uint8_t>& bytes);

} // namespace ssifsim::smbus
