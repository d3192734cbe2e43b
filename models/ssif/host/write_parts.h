// How ipmi_ssif splits a request into SMBus writes (start_resend and msg_written_handler):
// up to 32 bytes go as one 0x02; longer ones as a 32-byte 0x06, then 32-byte 0x07 parts,
// then the end the probe chose. With 0x08 working, the last part (1..32 bytes) is a 0x08;
// without it, the first 0x07 shorter than 32 bytes ends the message, so a length that is a
// multiple of 32 ends with a zero-length 0x07. `max_part` is 32 for Linux
// (I2C_SMBUS_BLOCK_MAX); a non-Linux host may put up to 35 bytes in a part (host.max_part),
// past what an SMBus block holds and what ssif_bmc's part buffer holds.
#pragma once

#include <vector>

#include "models/common/event_log.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

struct WritePart {
    uint8_t command = kWriteSingle;
    Bytes data;
};

inline std::vector<WritePart> write_parts(const Bytes& message, bool cmd8_works,
                                          size_t max_part = kPartMax) {
    if (message.size() <= max_part)
        return {{kWriteSingle, message}};
    std::vector<WritePart> parts{{kWriteStart, Bytes(message.begin(), message.begin() + max_part)}};
    for (size_t pos = max_part;;) {
        const size_t left = message.size() - pos;
        const size_t chunk = left < max_part ? left : max_part;
        const bool last = cmd8_works ? chunk == left : chunk < max_part;
        const uint8_t command = cmd8_works && last ? kWriteEnd : kWriteMiddle;
        parts.push_back({command, Bytes(message.begin() + pos, message.begin() + pos + chunk)});
        pos += chunk;
        if (last)
            return parts;
    }
}

} // namespace ssifsim::ssif
