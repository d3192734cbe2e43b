// The I2C controller under ssif_bmc, and the downstream ssif_bmc patches that drive it: what
// the host sees on the wire when the backend answers busy (-EBUSY), as one table of rows
// with their sources. The driver (SsifBmc) does not depend on it; BmcModule applies a row
// between the bus and the driver.
#pragma once

#include <string>

#include "models/smbus/slave.h"

namespace ssifsim::ssif {

enum class BmcController {
    AddressNak,            // the default: a busy answer NAKs the address (no real controller)
    Aspeed,                // i2c-aspeed.c: address ACKed, the next byte NAKed
    Npcm,                  // i2c-npcm7xx.c: every byte ACKed, the answer ignored
    Npcm2024SlaveDisable,  // + Nuvoton's ssif_bmc slave disable/enable (Sep 2024)
    Npcm2025TimeoutEnable, // + the slave enabled again when the response timer fires (Mar 2025)
};

// What the controller does with the backend's -EBUSY.
enum class BusyRule {
    NakAddress,  // the address byte of a transfer (W or R) and any data byte is NAKed
    NakNextByte, // WRITE_REQUESTED's -EBUSY NAKs the next byte received; READ_REQUESTED's is
                 // ignored
    Ignored,     // every byte is ACKed whatever the backend answers
};

struct ControllerRow {
    BmcController id;
    const char* name;
    BusyRule busy;
    // ssif_bmc disables the slave address while busy (the hardware then NAKs the address
    // without an interrupt) and enables it when userspace writes the response.
    bool slave_disabled_while_busy;
    // ... and enables it again when the response timer fires.
    bool slave_enabled_on_timeout;
    const char* source;
};

inline constexpr ControllerRow kControllers[] = {
    {BmcController::AddressNak, "address-nak", BusyRule::NakAddress, false, false,
     "an idealised controller, ssifsim's only rule before bmc.controller: a busy answer NAKs "
     "the address or the data byte, as the SMBus specification lets a busy device NACK its own "
     "address; no Linux slave controller driver read here does so"},
    {BmcController::Aspeed, "aspeed", BusyRule::NakNextByte, false, false,
     "drivers/i2c/busses/i2c-aspeed.c aspeed_i2c_slave_irq (6.12.117): the address phase is "
     "already ACKed; an error from WRITE_REQUESTED issues RX_CMD_LAST so the next byte is "
     "NAKed; READ_REQUESTED's and READ_PROCESSED's return values are not looked at"},
    {BmcController::Npcm, "npcm", BusyRule::Ignored, false, false,
     "drivers/i2c/busses/i2c-npcm7xx.c (6.12.117): npcm_i2c_slave_rd_wr always ACKs received "
     "bytes, npcm_i2c_int_slave_handler ACKs the address before WRITE_REQUESTED, "
     "npcm_i2c_slave_get_wr_buf sends whatever READ_REQUESTED/READ_PROCESSED put in val"},
    {BmcController::Npcm2024SlaveDisable, "npcm-2024-slave-disable", BusyRule::Ignored, true, false,
     "Nuvoton-Israel/linux PRs #443, #444, #447 (Sep 2024) \"ipmi: ssif_bmc: add slave "
     "disable/enable method\": the slave is disabled while busy so the address is NAKed"},
    {BmcController::Npcm2025TimeoutEnable, "npcm-2025-timeout-enable", BusyRule::Ignored, true,
     true,
     "Nuvoton-Israel/linux PRs #478 (3 Mar 2025), #490, #491, #492 (26 Mar 2025) \"ipmi: "
     "ssif_bmc: Enable the slave when a timeout occurs\""},
};

const ControllerRow& controller_row(BmcController c);

// A row applied event by event: what the master sees for the backend's answer, and the
// slave address's enable state as the Nuvoton patches drive it.
class SlaveController {
  public:
    explicit SlaveController(BmcController c) : row_(controller_row(c)) {}
    const ControllerRow& row() const { return row_; }
    // The address is matched (false: disabled, the hardware NAKs it and no event is raised).
    bool enabled() const { return enabled_; }
    // The backend (ssif_bmc_cb) answered `backend` to `ev`: the ACK/NAK on the wire. A busy
    // answer disables the slave on the Nuvoton rows; enabled() says so after the call.
    smbus::SlaveAnswer answer(smbus::SlaveEvent ev, smbus::SlaveAnswer backend);
    // Userspace wrote the response (ssif_bmc_write cleared busy): true if this enabled the
    // slave again.
    bool response_written();
    // The response timer fired: true if this enabled the slave again (the Mar 2025 patch).
    bool response_timeout();

  private:
    const ControllerRow& row_;
    bool enabled_ = true;
    bool nak_next_ = false; // Aspeed RX_CMD_LAST issued: the next byte received is NAKed
};
bool parse_bmc_controller(const std::string& name, BmcController* out);
const char* bmc_controller_name(BmcController c);
std::string bmc_controller_names(); // "address-nak, aspeed, ...", for messages

} // namespace ssifsim::ssif
