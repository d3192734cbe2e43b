#include <catch2/catch.hpp>

#include "models/smbus/pec.h"

using ssifsim::smbus::pec_of;

TEST_CASE("PEC check value: CRC-8/SMBus of \"123456789\" is 0xF4", "[pec]") {
    const std::vector<uint8_t> ascii{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    CHECK(pec_of(ascii) == 0xF4);
}
