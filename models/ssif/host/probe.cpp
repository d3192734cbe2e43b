#include "models/ssif/host/probe.h"

namespace ssifsim::ssif {

LinkSetup link_from_capabilities(bool answered, const Bytes& response) {
    LinkSetup link;
    link.pec = false;
    link.max_transmit = 32;
    link.max_receive = 32;
    if (!answered || response.size() < 7 || response[2] != 0)
        return link;
    const unsigned mode = (response[4] >> 6) & 0x3;
    unsigned transmit = response[5];
    unsigned receive = response[6];
    switch (mode) {
    case 0: // single-part only
        transmit = transmit > 32 ? 32 : transmit;
        receive = receive > 32 ? 32 : receive;
        break;
    case 1: // start and end only: one 32-byte start plus an end of up to 31 (read: 30 + 32)
        transmit = transmit > 63 ? 63 : transmit;
        receive = receive > 62 ? 62 : receive;
        break;
    case 2: break; // start, middle, end: as reported (the multi-part test decides the end)
    default: return link;
    }
    link.pec = (response[4] >> 3) & 0x1;
    link.max_transmit = transmit;
    link.max_receive = receive;
    return link;
}

std::string describe(const LinkSetup& link) {
    if (!link.found)
        return "no BMC (Get Device ID failed)";
    return std::string("pec ") + (link.pec ? "on" : "off") + ", transmit " +
           std::to_string(link.max_transmit) + ", receive " + std::to_string(link.max_receive) +
           ", multi-part end " + (link.cmd8_works ? "0x08" : "short 0x07") + ", event buffer " +
           (link.has_event_buffer ? "yes" : "no") + ", alerts " +
           (link.supports_alert ? "yes" : "no");
}

} // namespace ssifsim::ssif
