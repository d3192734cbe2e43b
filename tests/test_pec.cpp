#include <catch2/catch.hpp>

#include "models/smbus/pec.h"

using ssifsim::smbus::pec_of;

TEST_CASE("PEC check value: CRC-8/SMBus of \"123456789\" is 0xF4", "[pec]") {
    const std::vector<uint8_t> ascii{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    CHECK(pec_of(ascii) == 0xF4);
}

TEST_CASE("PEC of a Get Device ID request frame, worked out by hand", "[pec]") {
    // Single-part write 0x02 of netfn 0x06 (App) cmd 0x01 to the BMC at 7-bit 0x10:
    // on the wire 0x20 (addr+W), 0x02 (SMBus command), 0x02 (count), 0x18, 0x01.
    // CRC-8 (poly 0x07), one byte at a time: crc ^= byte, then 8 shifts, XOR 0x07 on a
    // carry out of bit 7:
    //   0x00 ^ 0x20 = 0x20 -> 40 80 07 0e 1c 38 70 e0                    = 0xe0
    //   0xe0 ^ 0x02 = 0xe2 -> c4^07=c3 -> 86^07=81 -> 02^07=05 -> 0a 14 28 50 a0 = 0xa0
    //   0xa0 ^ 0x02 = 0xa2 -> 44^07=43 -> 86 -> 0c^07=0b -> 16 2c 58 b0 -> 60^07=67 = 0x67
    //   0x67 ^ 0x18 = 0x7f -> fe -> fc^07=fb -> f6^07=f1 -> e2^07=e5 -> ca^07=cd
    //                      -> 9a^07=9d -> 3a^07=3d -> 7a                 = 0x7a
    //   0x7a ^ 0x01 = 0x7b -> f6 -> ec^07=eb -> d6^07=d1 -> a2^07=a5 -> 4a^07=4d
    //                      -> 9a -> 34^07=33 -> 66                       = 0x66
    CHECK(pec_of({0x20, 0x02, 0x02, 0x18, 0x01}) == 0x66);
    // A frame followed by its own PEC checks to zero (no final XOR, no reflection).
    CHECK(pec_of({0x20, 0x02, 0x02, 0x18, 0x01, 0x66}) == 0x00);
}
