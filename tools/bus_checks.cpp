#include "tools/bus_checks.h"

#include <algorithm>
#include <cstring>

#include "models/ssif/framing.h"
#include "tools/check_names.h"
#include "tools/format.h"

namespace ssifsim::tools {

using smbus::SmbusStatus;
using smbus::SmbusTiming;

BusTimingCheck::BusTimingCheck() {
    timeout_.name = check_name(CheckId::TTimeout);
    timeout_.description = "no line held low longer than tTIMEOUT,min " +
                           ms(SmbusTiming::kTimeoutMinNs) + " (SMBus 3.1 Table 1)";
    timeout_.limit_ns = SmbusTiming::kTimeoutMinNs;
    low_sext_.name = check_name(CheckId::TLowSext);
    low_sext_.description = "no target stretches the clock longer than " +
                            ms(SmbusTiming::kLowSextNs) +
                            " in all from START to STOP (SMBus 3.1 Table 1)";
    low_sext_.limit_ns = SmbusTiming::kLowSextNs;
}

void BusTimingCheck::transfer_done(const smbus::TransferRecord& t) {
    // The text is built only for the first failure of each check.
    const auto transfer = [&t] {
        return std::string(t.op) + " " + hex8(t.command) + " to " + hex8(t.addr7) +
               " at t=" + ms(t.start_ns);
    };
    timeout_.worst_ns = std::max(timeout_.worst_ns, t.longest_low_ns);
    if (timeout_.pass && t.longest_low_ns > timeout_.limit_ns) {
        timeout_.pass = false;
        timeout_.detail = transfer() + ": " + t.longest_low_by + " for " + ms(t.longest_low_ns) +
                          ", over the limit by " + ms(t.longest_low_ns - timeout_.limit_ns);
    }
    low_sext_.worst_ns = std::max(low_sext_.worst_ns, t.target_stretch_ns);
    if (low_sext_.pass && t.target_stretch_ns > low_sext_.limit_ns) {
        low_sext_.pass = false;
        low_sext_.detail = transfer() + ": the target stretched the clock " +
                           ms(t.target_stretch_ns) + " in all, over the limit by " +
                           ms(t.target_stretch_ns - low_sext_.limit_ns);
    }
}

SsifFramingCheck::SsifFramingCheck(uint8_t bmc_addr7) : bmc_addr7_(bmc_addr7) {}

void SsifFramingCheck::transfer_done(const smbus::TransferRecord& t) {
    if (t.addr7 != bmc_addr7_ || t.count < 0)
        return;
    // A write is judged once every byte went through (a wrong PEC byte included: a capture
    // shows it, the host's adapter never knows, and the host goes on to its next part); a
    // read once its count arrived (a count outside 1..32 is the BMC's framing, whatever the
    // master did with it).
    if (std::strcmp(t.op, "block_write") == 0 &&
        (t.status == SmbusStatus::Ok || t.status == SmbusStatus::BadPec))
        write_part(t.start_ns, t.command, static_cast<unsigned>(t.count));
    else if (std::strcmp(t.op, "block_read") == 0 &&
             (t.status == SmbusStatus::Ok || t.status == SmbusStatus::BadPec ||
              t.status == SmbusStatus::BadLength))
        read_part(t.start_ns, t.command, static_cast<unsigned>(t.count), *t.data);
}

void SsifFramingCheck::violation(uint64_t t_ns, const std::string& what) {
    if (violations_++ == 0)
        first_ = "t=" + ms(t_ns) + ": " + what;
}

void SsifFramingCheck::write_part(uint64_t t_ns, uint8_t command, unsigned count) {
    using namespace ssif;
    if (count == 0 || count > kPartMax)
        violation(t_ns, "write " + hex8(command) + " with count " + std::to_string(count) +
                            " (SMBus 2.0 block count is 1..32)");
    switch (command) {
    case kWriteSingle: write_open_ = false; break;
    case kWriteStart:
        if (count != kPartMax)
            violation(t_ns, "multi-part write start (0x06) of " + std::to_string(count) +
                                " bytes; it carries 32");
        write_open_ = true;
        break;
    case kWriteMiddle:
        if (!write_open_)
            violation(t_ns, "0x07 with no multi-part write open");
        write_open_ = count == kPartMax; // a shorter middle ends the message
        break;
    case kWriteEnd:
        if (!write_open_)
            violation(t_ns, "0x08 with no multi-part write open");
        write_open_ = false;
        break;
    default:
        violation(t_ns, "write command " + hex8(command) + " is not SSIF (0x02, 0x06, 0x07, 0x08)");
    }
}

void SsifFramingCheck::read_part(uint64_t t_ns, uint8_t command, unsigned count,
                                 const Bytes& data) {
    using namespace ssif;
    if (count == 0 || count > kPartMax) {
        violation(t_ns, "read " + hex8(command) + " answered with count " + std::to_string(count) +
                            " (SMBus 2.0 block count is 1..32)");
        read_open_ = false;
        return;
    }
    switch (command) {
    case kReadStart:
        read_open_ = count > 1 && data[0] == 0x00 && data[1] == 0x01;
        next_block_ = 0;
        if (read_open_ && count != kPartMax)
            violation(t_ns, "multi-part read start of " + std::to_string(count) +
                                " bytes; it carries 32");
        break;
    case kReadMiddle:
        if (!read_open_) {
            violation(t_ns, "0x09 with no multi-part read open");
        } else if (data[0] == kReadEndBlock) {
            read_open_ = false;
            if (count < 2)
                violation(t_ns, "multi-part read end (block 0xff) with no data");
        } else {
            if (data[0] != next_block_)
                violation(t_ns, "multi-part read block " + std::to_string(data[0]) + " where " +
                                    std::to_string(next_block_) + " was due");
            if (count != kPartMax)
                violation(t_ns, "multi-part read middle of " + std::to_string(count) +
                                    " bytes; it carries 32 (block number and 31)");
            next_block_ = data[0] + 1u;
        }
        break;
    default: violation(t_ns, "read command " + hex8(command) + " is not SSIF (0x03, 0x09)");
    }
}

Check SsifFramingCheck::result() const {
    Check c;
    c.name = check_name(CheckId::SsifFraming);
    c.description = "every part framed as SSIF (IPMI v2.0 §12) over SMBus 2.0 block transfers";
    if (violations_) {
        c.pass = false;
        c.detail =
            first_ + (violations_ > 1 ? " (" + std::to_string(violations_) + " violations in all)"
                                      : std::string());
    }
    return c;
}

} // namespace ssifsim::tools
