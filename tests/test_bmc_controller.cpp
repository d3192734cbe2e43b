// The I2C controller rows (models/ssif/bmc/controller.h) event by event, alone and under
// ssif_bmc. Each expected answer follows the controller driver's code as cited per row.
#include <catch2/catch.hpp>

#include "models/ssif/bmc/controller.h"
#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

TEST_CASE("address-nak: a busy answer NAKs the address (the model's default rule)",
          "[bmc][controller]") {
    SlaveController c(BmcController::AddressNak);
    CHECK(c.answer(SlaveEvent::WriteRequested, SlaveAnswer::Busy) == SlaveAnswer::Busy);
    CHECK(c.answer(SlaveEvent::ReadRequested, SlaveAnswer::Busy) == SlaveAnswer::Busy);
    CHECK(c.answer(SlaveEvent::WriteRequested, SlaveAnswer::Ack) == SlaveAnswer::Ack);
    CHECK(c.enabled());
}

TEST_CASE("aspeed: RX_CMD_LAST after a busy WRITE_REQUESTED", "[bmc][controller]") {
    // aspeed_i2c_slave_irq: WRITE_REQUESTED's address phase is already ACKed; an error
    // return writes ASPEED_I2CD_M_S_RX_CMD_LAST, so the one byte received next is NAKed.
    // READ_REQUESTED, READ_PROCESSED and WRITE_RECEIVED returns are not looked at.
    SlaveController c(BmcController::Aspeed);
    CHECK(c.answer(SlaveEvent::WriteRequested, SlaveAnswer::Busy) == SlaveAnswer::Ack);
    CHECK(c.answer(SlaveEvent::WriteReceived, SlaveAnswer::Busy) == SlaveAnswer::Busy);
    CHECK(c.answer(SlaveEvent::Stop, SlaveAnswer::Busy) == SlaveAnswer::Ack);
    // Not busy at the address: every byte ACKed even if a later answer is busy.
    CHECK(c.answer(SlaveEvent::WriteRequested, SlaveAnswer::Ack) == SlaveAnswer::Ack);
    CHECK(c.answer(SlaveEvent::WriteReceived, SlaveAnswer::Busy) == SlaveAnswer::Ack);
    CHECK(c.answer(SlaveEvent::ReadRequested, SlaveAnswer::Busy) == SlaveAnswer::Ack);
    CHECK(c.answer(SlaveEvent::ReadProcessed, SlaveAnswer::Busy) == SlaveAnswer::Ack);
}

TEST_CASE("npcm: every byte ACKed whatever the backend answers", "[bmc][controller]") {
    // npcm_i2c_slave_rd_wr: "does not support saying no to bytes. it will always ACK";
    // npcm_i2c_int_slave_handler raises WRITE_REQUESTED after the match and ignores it.
    SlaveController c(BmcController::Npcm);
    for (SlaveEvent ev : {SlaveEvent::WriteRequested, SlaveEvent::WriteReceived,
                          SlaveEvent::ReadRequested, SlaveEvent::ReadProcessed, SlaveEvent::Stop})
        CHECK(c.answer(ev, SlaveAnswer::Busy) == SlaveAnswer::Ack);
    CHECK(c.enabled());
    CHECK_FALSE(c.response_written());
}

TEST_CASE("npcm with the Nuvoton slave disable patches", "[bmc][controller]") {
    // Sep 2024 (#443/#444/#447): busy disables the slave address; the response write
    // enables it. Mar 2025 (#478, #490-#492): the response timeout enables it too.
    for (BmcController id :
         {BmcController::Npcm2024SlaveDisable, BmcController::Npcm2025TimeoutEnable}) {
        SlaveController c(id);
        CHECK(c.answer(SlaveEvent::Stop, SlaveAnswer::Busy) == SlaveAnswer::Ack);
        CHECK_FALSE(c.enabled());
        CHECK(c.response_timeout() == (id == BmcController::Npcm2025TimeoutEnable));
        CHECK(c.enabled() == (id == BmcController::Npcm2025TimeoutEnable));
        SlaveController d(id);
        d.answer(SlaveEvent::Stop, SlaveAnswer::Busy);
        CHECK(d.response_written());
        CHECK(d.enabled());
    }
}

TEST_CASE("npcm under ssif_bmc: a busy BMC's read answers a count of 0", "[bmc][controller]") {
    // A request is pending (busy). The host's read: WRITE_REQUESTED (READY -> START),
    // WRITE_RECEIVED 0x03 (START -> SMBUS_CMD, process_smbus_cmd), READ_REQUESTED:
    // on_read_requested_event finds a supported read command and no aborting, so
    // RES_SENDING, and with no response in progress it supplies 0: the count byte on the
    // wire. Every answer is busy, every byte ACKed by the NPCM controller.
    BmcRig rig(BmcVariant::Mainline);
    SlaveController c(BmcController::Npcm);
    rig.write(kWriteSingle, {0x18, 0x01}, true);
    REQUIRE(rig.bmc.busy());
    uint8_t v = kAddrW;
    CHECK(c.answer(SlaveEvent::WriteRequested, rig.bmc.on_event(SlaveEvent::WriteRequested, v)) ==
          SlaveAnswer::Ack);
    v = kReadStart;
    CHECK(c.answer(SlaveEvent::WriteReceived, rig.bmc.on_event(SlaveEvent::WriteReceived, v)) ==
          SlaveAnswer::Ack);
    v = kAddrR;
    const SlaveAnswer a = rig.bmc.on_event(SlaveEvent::ReadRequested, v);
    CHECK(a == SlaveAnswer::Busy);
    CHECK(c.answer(SlaveEvent::ReadRequested, a) == SlaveAnswer::Ack);
    CHECK(v == 0);
    CHECK(rig.bmc.state() == BmcState::ResSending);
}
