// Every slave event in every state, one row each, as the driver's on_*_event functions
// decide (seed ssif_bmc v8 with the mainline fixes): the state it leaves, whether it
// warns, the value it supplies to the master on a read event, and the answer.
#include <catch2/catch.hpp>

#include "tests/bmc_rig.h"

using namespace ssifsim;
using namespace ssifsim::ssif;
using namespace ssifsim::test;

namespace {

// Drives a fresh driver into `state` with the events a controller would deliver.
void reach(BmcRig& rig, BmcState state) {
    switch (state) {
    case BmcState::Ready: break;
    case BmcState::Start: rig.event(SlaveEvent::WriteRequested, kAddrW); break;
    case BmcState::SmbusCmd:
        rig.event(SlaveEvent::WriteRequested, kAddrW);
        rig.event(SlaveEvent::WriteReceived, kWriteSingle);
        break;
    case BmcState::ReqRecving:
        reach(rig, BmcState::SmbusCmd);
        rig.event(SlaveEvent::WriteReceived, 2); // the count
        break;
    case BmcState::ResSending:
        REQUIRE(rig.write(kWriteSingle, {0x18, 0x01}, true));
        rig.take_request();
        REQUIRE(rig.respond({0x1c, 0x01, 0x00}) > 0);
        rig.event(SlaveEvent::WriteRequested, kAddrW);
        rig.event(SlaveEvent::WriteReceived, kReadStart);
        {
            uint8_t count = 0;
            rig.bmc.on_event(SlaveEvent::ReadRequested, count);
            REQUIRE(count == 3);
        }
        break;
    case BmcState::Aborting:
        // An unknown write command (0x0b) aborts at the count byte.
        rig.event(SlaveEvent::WriteRequested, kAddrW);
        rig.event(SlaveEvent::WriteReceived, 0x0b);
        rig.event(SlaveEvent::WriteReceived, 1);
        break;
    }
    REQUIRE(rig.bmc.state() == state);
    rig.hooks.warnings.clear();
}

struct Row {
    BmcState state;
    SlaveEvent event;
    uint8_t value; // what the controller passes in (address, byte written)
    BmcState next; // the state after the event
    bool warns;    // a dev_warn line
    int supplied;  // the byte a read event supplies, -1 for write events
};

constexpr BmcState R = BmcState::Ready, S = BmcState::Start, C = BmcState::SmbusCmd,
                   Q = BmcState::ReqRecving, T = BmcState::ResSending, A = BmcState::Aborting;
constexpr SlaveEvent WQ = SlaveEvent::WriteRequested, WR = SlaveEvent::WriteReceived,
                     RQ = SlaveEvent::ReadRequested, RP = SlaveEvent::ReadProcessed,
                     P = SlaveEvent::Stop;

const Row kTable[] = {
    // READY: only an address+W is expected; anything else is "unexpected" and aborts,
    // a STOP warns and stays.
    {R, WQ, kAddrW, S, false, -1},
    {R, WR, 0x55, A, true, -1},
    {R, RQ, kAddrR, A, true, 0},
    {R, RP, 0, A, true, 0},
    {R, P, 0, R, true, -1},
    // START: the command byte is expected.
    {S, WQ, kAddrW, A, true, -1},
    {S, WR, kWriteSingle, C, false, -1},
    {S, RQ, kAddrR, A, true, 0},
    {S, RP, 0, A, true, 0},
    {S, P, 0, R, true, -1},
    // SMBUS_CMD (command 0x02): the count, or Sr address+R for a read command.
    {C, WQ, kAddrW, S, false, -1},
    {C, WR, 2, Q, false, -1},
    {C, RQ, kAddrR, A, true, 0}, // 0x02 is no read command
    {C, RP, 0, A, true, 0},
    {C, P, 0, R, true, -1},
    // REQ_RECVING: data bytes; a STOP before the count is met is an invalid part, which
    // sets aborting and stays until the next transfer.
    {Q, WQ, kAddrW, A, true, -1},
    {Q, WR, 0x18, Q, false, -1},
    {Q, RQ, kAddrR, A, true, 0},
    {Q, RP, 0, A, true, 0},
    {Q, P, 0, Q, true, -1},
    // RES_SENDING (3-byte response, count sent): the next byte on READ_PROCESSED.
    {T, WQ, kAddrW, A, true, -1},
    {T, WR, 0x55, A, true, -1},
    {T, RQ, kAddrR, A, true, 0},
    {T, RP, 0, T, false, 0x1c},
    {T, P, 0, R, false, -1},
    // ABORTING: everything is swallowed until a STOP (which warns) or, since the Apr 2026
    // fix, a 0x02/0x06 command byte; reads get zeros.
    {A, WQ, kAddrW, A, false, -1},
    {A, WR, 0x55, A, false, -1},
    {A, WR, kWriteSingle, C, false, -1},
    {A, RQ, kAddrR, A, false, 0},
    {A, RP, 0, A, false, 0},
    {A, P, 0, R, true, -1},
};

} // namespace

TEST_CASE("every slave event in every state, as the driver decides", "[bmc][table]") {
    for (const Row& row : kTable) {
        INFO(bmc_state_name(row.state)
             << " + " << smbus::slave_event_name(row.event) << " (" << int(row.value) << ")");
        BmcRig rig;
        reach(rig, row.state);
        uint8_t value = row.value;
        const SlaveAnswer answer = rig.bmc.on_event(row.event, value);
        CHECK(rig.bmc.state() == row.next);
        CHECK(rig.hooks.warnings.empty() == !row.warns);
        if (row.supplied >= 0)
            CHECK(int(value) == row.supplied);
        // Nothing here is waiting for userspace, so nothing is busy.
        CHECK(answer == SlaveAnswer::Ack);
    }
    // All 30 pairs, plus the Apr 2026 row.
    CHECK(std::size(kTable) == 31);
}
