// Spec checks over the transfers on the wires, fed by the bus as each one ends: the SMBus
// timeouts a transfer must keep to, and the SSIF framing of the parts the host and the BMC
// exchange.
#pragma once

#include <string>

#include "models/smbus/bus.h"
#include "tools/runner.h"

namespace ssifsim::tools {

// tTIMEOUT: no line held low longer than tTIMEOUT,min (SMBus defines it on SCL; a held SDA
// is judged by the same limit, as controllers with an SDA timeout do). tLOW:SEXT: no
// target stretches the clock longer than that in all from START to STOP.
class BusTimingCheck : public smbus::TransferObserver {
  public:
    BusTimingCheck();
    void transfer_done(const smbus::TransferRecord& t) override;
    const Check& timeout() const { return timeout_; }
    const Check& low_sext() const { return low_sext_; }

  private:
    Check timeout_;
    Check low_sext_;
};

// SSIF framing (IPMI v2.0 §12 over SMBus 2.0 block transfers): every block count 1..32;
// a write is 0x02, or 0x06 of 32 bytes, 0x07 parts of 32 and an end (0x08, or a 0x07
// shorter than 32); a read is 0x03, single-part or a start of 32 bytes marked 00 01, then
// 0x09 middles of 32 (block numbers 0, 1, ...) and an end marked 0xff. Only the host's
// block transfers to the BMC are judged; a foreign master's are not SSIF.
class SsifFramingCheck : public smbus::TransferObserver {
  public:
    explicit SsifFramingCheck(uint8_t bmc_addr7);
    void transfer_done(const smbus::TransferRecord& t) override;
    Check result() const;

  private:
    // t_ns: the transfer's START, for the message.
    void write_part(uint64_t t_ns, uint8_t command, unsigned count);
    void read_part(uint64_t t_ns, uint8_t command, unsigned count, const Bytes& data);
    void violation(uint64_t t_ns, const std::string& what);

    uint8_t bmc_addr7_;
    bool write_open_ = false; // a multi-part write has started and not ended
    bool read_open_ = false;  // a multi-part read has started and not ended
    unsigned next_block_ = 0;
    uint64_t violations_ = 0;
    std::string first_;
};

} // namespace ssifsim::tools
