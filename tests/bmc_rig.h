// A bench for the ssif_bmc driver without SystemC: it feeds the slave events a Linux I2C
// controller delivers for whole SMBus transfers, and plays the daemon's device calls.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "models/smbus/pec.h"
#include "models/ssif/bmc/ssif_bmc.h"
#include "models/ssif/framing.h"

namespace ssifsim::test {

using smbus::SlaveAnswer;
using smbus::SlaveEvent;
using ssif::BmcHooks;
using ssif::BmcVariant;
using ssif::SsifBmc;

struct FakeHooks : BmcHooks {
    void arm_response_timer() override { ++armed; }
    void cancel_response_timer() override { ++cancelled; }
    void request_available() override { ++available; }
    void log(const char* level, const std::string& text) override {
        warnings.push_back(text);
        levels.push_back(level);
    }
    int armed = 0, cancelled = 0, available = 0;
    std::vector<std::string> warnings;
    std::vector<std::string> levels;
};

inline constexpr uint8_t kAddr7 = 0x10;
inline constexpr uint8_t kAddrW = 0x20;
inline constexpr uint8_t kAddrR = 0x21;

// The BMC driver and the events an Aspeed-style controller would deliver.
struct BmcRig {
    explicit BmcRig(BmcVariant v = BmcVariant::Mainline) : bmc(kAddr7, v, hooks) {}

    SlaveAnswer event(SlaveEvent ev, uint8_t value = 0) { return bmc.on_event(ev, value); }

    // A block write; a NAK (busy) ends it with a STOP. Returns true if every byte was ACKed.
    bool write(uint8_t cmd, const Bytes& data, bool pec, bool corrupt_pec = false) {
        Bytes frame{kAddrW, cmd, static_cast<uint8_t>(data.size())};
        frame.insert(frame.end(), data.begin(), data.end());
        if (pec)
            frame.push_back(static_cast<uint8_t>(smbus::pec_of(frame) ^ (corrupt_pec ? 1 : 0)));
        bool acked = event(SlaveEvent::WriteRequested, kAddrW) == SlaveAnswer::Ack;
        for (size_t i = 1; acked && i < frame.size(); ++i)
            acked = event(SlaveEvent::WriteReceived, frame[i]) == SlaveAnswer::Ack;
        event(SlaveEvent::Stop);
        return acked;
    }

    // A block read of `cmd`: returns what the BMC put on the wire (count, data, PEC when
    // extra == 1), or nothing when it NAKed the address. With stop = false the STOP is lost.
    Bytes read(uint8_t cmd, int extra = 1, bool stop = true) {
        if (event(SlaveEvent::WriteRequested, kAddrW) != SlaveAnswer::Ack) {
            event(SlaveEvent::Stop);
            return {};
        }
        event(SlaveEvent::WriteReceived, cmd);
        uint8_t count = kAddrR;
        bmc.on_event(SlaveEvent::ReadRequested, count);
        Bytes wire{count};
        for (int i = 0; i < count + extra; ++i) {
            uint8_t v = 0;
            bmc.on_event(SlaveEvent::ReadProcessed, v);
            wire.push_back(v);
        }
        if (stop)
            event(SlaveEvent::Stop);
        return wire;
    }

    // Userspace: the daemon's read and write of struct ipmi_ssif_msg.
    Bytes take_request() {
        Bytes out;
        REQUIRE(bmc.read(bmc.msg_size(), true, out) > 0);
        return Bytes(out.begin() + SsifBmc::kMsgLenField, out.end());
    }
    long respond(const Bytes& payload) { return bmc.write(ssif::encode_ssif_msg(payload), true); }

    FakeHooks hooks;
    SsifBmc bmc;
};

} // namespace ssifsim::test
