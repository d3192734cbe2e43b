// What ipmi_ssif learns of the BMC when it probes it (ssif_probe), as plain data and
// functions; the probe's bus traffic is run by SsifHost. A scenario that skips the probe
// states a LinkSetup instead.
#pragma once

#include <cstdint>
#include <string>

#include "models/common/event_log.h"
#include "models/ssif/framing.h"

namespace ssifsim::ssif {

struct LinkSetup {
    bool pec = true;             // supports_pec: I2C_CLIENT_PEC on every transfer after the probe
    unsigned max_transmit = 254; // max_xmit_msg_size: a longer request fails at once (-E2BIG)
    unsigned max_receive = 254;  // max_recv_msg_size: recorded; the read path does not use it
    bool cmd8_works = true;      // multi-part writes end with 0x08, else with a short 0x07
    // The most bytes the host puts in one write part: 32 (I2C_SMBUS_BLOCK_MAX) for Linux;
    // up to 35 for a non-Linux host (host.max_part), which ssif_bmc stores past its buffer.
    unsigned max_part = kPartMax;
    bool has_event_buffer = false;
    bool supports_alert = false;
    bool found = true; // the probe and the registration succeeded: the interface exists
};

// The probe's reading of a Get System Interface Capabilities response (netfn, cmd, cc,
// data): transaction support, PEC and sizes, clamped per mode as the driver sanitizes them
// (single-part 32/32, start-end 63/62, start-middle-end as reported). Anything that is not
// a good 7-byte answer, or the undefined mode 3, gives the defaults: single-part, 32/32,
// no PEC. Only pec and the sizes are set.
LinkSetup link_from_capabilities(bool answered, const Bytes& response);

// One line for the log and the report: "pec on, transmit 254, receive 254, end 0x08".
std::string describe(const LinkSetup& link);

} // namespace ssifsim::ssif
