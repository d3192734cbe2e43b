// The builtin IPMI responder behind the BMC daemon: answers a request payload
// (netfn/lun, cmd, data) with a response payload (netfn+1/lun, cmd, completion code, data).
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/event_log.h"
#include "models/ssif/bmc/ipmi_backend.h"
#include "models/ssif/ipmi_commands.h"

namespace ssifsim::ssif {

// Get Device ID response fields (IPMI v2.0 §20.1).
struct DeviceIdentity {
    uint8_t device_id = 0x20;
    uint8_t device_revision = 0x01;
    uint8_t firmware_major = 0x01; // bits 6:0
    uint8_t firmware_minor = 0x00; // BCD
    uint8_t ipmi_version = 0x02;   // BCD, 2.0
    uint8_t additional_support = 0xbf;
    uint32_t manufacturer_id = 0x00a019; // 20 bits, sent LS byte first
    uint16_t product_id = 0x0001;
};

// SSIF transaction support, bits 7:6 of Get System Interface Capabilities byte 3.
enum class SsifTransactions : uint8_t { SinglePart = 0, StartEnd = 1, StartMiddleEnd = 2 };

// A command whose response length and bytes the scenario sets, to exercise every
// single-part and multi-part length.
struct TestCommand {
    uint8_t netfn = ipmi::kOemTest.netfn;
    uint8_t cmd = ipmi::kOemTest.cmd;
    unsigned length = 64;     // the whole response payload, 1..254: netfn, cmd, cc, data
    bool incrementing = true; // data bytes count up from `first`; else all equal `first`
    uint8_t first = 0x00;
    // Instead of `length`: the request's first data byte (1..254) sets it, so a workload
    // can ask for every response size (below 3 the response is cut short like `length`).
    bool length_from_request = false;
};

// Something the BMC has for the host that the host must fetch: a message for the system
// interface (Get Message) or an event (Read Event Message Buffer). It sets the receive-
// message or event-buffer flag from its time until the host has taken it.
struct IncomingItem {
    enum class Kind { Message, Event };
    uint64_t at_ns = 0;
    Kind kind = Kind::Message;
    Bytes data; // the response data after the completion code
};

struct ResponderConfig {
    DeviceIdentity device;
    // Get System Interface Capabilities (SSIF).
    SsifTransactions transactions = SsifTransactions::StartMiddleEnd;
    bool pec = true;
    uint8_t max_input = 254;  // largest request the BMC takes
    uint8_t max_output = 254; // largest response it sends
    uint8_t message_flags = 0x00;
    uint8_t global_enables = 0x00;
    TestCommand test;
    std::vector<IncomingItem> incoming; // in time order
};

class IpmiResponder : public IpmiBackend {
  public:
    // The commands it answers are ipmi_commands.h's (one table for every model and tool).
    // Completion codes.
    static constexpr uint8_t kCcInvalidDataField = 0xcc;
    static constexpr uint8_t kCcRequestLengthInvalid = 0xc7;
    static constexpr uint8_t kCcDataNotAvailable = 0x80; // Get Message, Read Event Buffer

    explicit IpmiResponder(const ResponderConfig& config)
        : config_(config), taken_(config.incoming.size(), false) {}

    // request: netfn/lun, cmd, data. Shorter than 2 bytes: completion code 0xC7.
    // Unknown commands: 0xC1. Stateful: message flags, global enables and the incoming
    // items taken persist. `now_ns` decides which incoming items have arrived. Always
    // answers.
    Bytes answer(const Bytes& request, uint64_t now_ns = 0);
    std::optional<Bytes> respond(const Bytes& request, uint64_t now_ns) override {
        return answer(request, now_ns);
    }

  private:
    uint8_t message_flags(uint64_t now_ns) const;
    // Takes the oldest arrived item of `kind` into rsp (cc + data), or answers 0x80.
    void take_incoming(IncomingItem::Kind kind, uint64_t now_ns, Bytes& rsp);

    ResponderConfig config_;
    std::vector<bool> taken_; // per incoming item
};

} // namespace ssifsim::ssif
