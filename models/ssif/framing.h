// SSIF framing over SMBus (IPMI v2.0 §12): command codes and part sizes, shared by the
// host and the BMC models.
#pragma once

#include <cstdint>

namespace ssifsim::ssif {

// SMBus command codes.
constexpr uint8_t kWriteSingle = 0x02;
constexpr uint8_t kReadStart = 0x03; // single-part read, or the start of a multi-part read
constexpr uint8_t kWriteStart = 0x06;
constexpr uint8_t kWriteMiddle = 0x07;
constexpr uint8_t kWriteEnd = 0x08;
constexpr uint8_t kReadMiddle = 0x09; // middle and end parts of a multi-part read
constexpr uint8_t kReadRetry = 0x0a;  // not supported by the Linux BMC, never sent by Linux

// Sizes.
constexpr unsigned kPartMax = 32;        // one SMBus block
constexpr unsigned kReadStartData = 30;  // 0x00 0x01 marker + 30 response bytes
constexpr unsigned kReadMiddleData = 31; // block number + 31 response bytes
constexpr unsigned kMessageMax = 254;    // IPMI_SSIF_PAYLOAD_MAX: netfn/lun, cmd, data
constexpr uint8_t kReadEndBlock = 0xff;

// IPMI completion codes the models produce.
constexpr uint8_t kCcOk = 0x00;
constexpr uint8_t kCcInvalidCommand = 0xc1;
constexpr uint8_t kCcUnspecified = 0xff;

} // namespace ssifsim::ssif
