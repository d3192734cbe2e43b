// The "VM" serial protocol between a virtual machine's BMC interface and OpenIPMI's
// ipmi_sim (OpenIPMI lanserv/README.vm; ipmi_lan(5) `serial ... codec VM`; the peer QEMU's
// hw/ipmi/ipmi_bmc_extern.c implements), as a plain class: framing, escaping, checksum and
// the control commands. No I/O: ipmi_sim_backend.h carries the bytes.
//
// A frame is a run of bytes ended by a framing character: 0xA0 ends an IPMI message, 0xA1 a
// control command. A message is `seq, netfn << 2 | lun, cmd, data..., checksum` (a response
// has the completion code after cmd); the checksum makes all its bytes sum to 0 modulo 256
// (the IPMB two's-complement checksum). 0xA0, 0xA1 and 0xAA in a frame are sent as 0xAA
// followed by the byte with bit 4 set (0xA0 -> 0xAA 0xB0); a receiver clears bit 4 of the
// byte after an 0xAA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/event_log.h"

namespace ssifsim::ssif::vm {

constexpr uint8_t kMsgChar = 0xa0;    // ends a message
constexpr uint8_t kCmdChar = 0xa1;    // ends a control command
constexpr uint8_t kEscapeChar = 0xaa; // the next byte has bit 4 set
constexpr uint8_t kEscapeBit = 0x10;
constexpr uint8_t kProtocolVersion = 1; // what ipmi_sim and QEMU speak

// Control commands (the first byte of a control frame). From ipmi_sim to the VM: attention,
// power, reset, interrupts, NMI, graceful shutdown; from the VM to ipmi_sim: capabilities
// and reset ("a reset has occurred"). Version goes both ways, its data byte the version.
enum class Control : uint8_t {
    NoAttn = 0x00,
    Attn = 0x01,
    AttnIrq = 0x02,
    PowerOff = 0x03,
    Reset = 0x04,
    EnableIrq = 0x05,
    DisableIrq = 0x06,
    SendNmi = 0x07,
    Capabilities = 0x08,
    GracefulShutdown = 0x09,
    Version = 0xff,
};
// "no_attn", "attn", ..., "version"; "unknown" for other values.
const char* control_name(uint8_t command);

// Capability bits (the data byte of Control::Capabilities): what the VM lets ipmi_sim do;
// ipmi_sim sends no command the VM has not announced.
constexpr uint8_t kCapPower = 0x01;
constexpr uint8_t kCapReset = 0x02;
constexpr uint8_t kCapIrq = 0x04;
constexpr uint8_t kCapNmi = 0x08;
constexpr uint8_t kCapAttn = 0x10;
constexpr uint8_t kCapGracefulShutdown = 0x20;

// The largest frame a decoder takes, unescaped: seq, an IPMI message of up to
// MAX_IPMI_MSG_SIZE (300, as QEMU's buffer), checksum.
constexpr size_t kMaxFrame = 302;

// The two's complement of the sum of `bytes`: appended, the sum becomes 0 modulo 256.
uint8_t checksum(const Bytes& bytes);

// `seq`, `message` (netfn/lun, cmd, data: an IPMI request or response as IpmiBackend
// carries it), checksum, escaped, then 0xA0.
Bytes encode_message(uint8_t seq, const Bytes& message);
// `command` (command byte, data), escaped, then 0xA1.
Bytes encode_control(const Bytes& command);

struct Frame {
    enum class Kind { Message, Control, Error };
    Kind kind = Kind::Message;
    uint8_t seq = 0; // Message
    // Message: netfn/lun, cmd, (cc,) data without seq and checksum. Control: the command
    // byte and its data. Error: the bytes received, unescaped, as far as kept.
    Bytes body;
    std::string error; // Error: why the frame was dropped
};

// Reassembles frames from a byte stream, in any split. A frame that ends inside an escape,
// outgrows kMaxFrame, is a message shorter than seq + netfn + cmd + checksum or whose
// checksum fails comes out as an Error frame (the receiver drops it, as QEMU does). An empty
// frame (two framing characters in a row) yields nothing.
class Decoder {
  public:
    void feed(const uint8_t* data, size_t size, std::vector<Frame>& out);
    void feed(const Bytes& data, std::vector<Frame>& out) { feed(data.data(), data.size(), out); }
    // Bytes received since the last framing character.
    size_t pending() const { return buffer_.size(); }

  private:
    Bytes buffer_;
    bool escape_ = false;
    bool too_long_ = false;
};

} // namespace ssifsim::ssif::vm
