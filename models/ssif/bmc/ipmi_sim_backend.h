// OpenIPMI's ipmi_sim as the BMC daemon's IPMI backend: a client of its "VM" serial protocol
// (vm_codec.h) on a connected socket, in the role QEMU's hw/ipmi/ipmi_bmc_extern.c plays.
// Starting and stopping ipmi_sim is the tools' business (tools/ipmi_sim_process.h); this
// class only talks to it.
//
// Simulated time stands still while it waits: respond() blocks the calling SystemC process
// on the socket, with a wall-clock timeout. What ipmi_sim answers decides the run, never how
// fast it answers.
//
// Log events (src "ipmi_sim"): version (ipmi_sim's protocol version), capabilities (what we
// announce), request and response (seq, the IPMI message, and `wire`: the framed bytes on
// the socket; a response's are its frame encoded again, the same bytes for a sender that
// escapes only 0xA0, 0xA1 and 0xAA, as ipmi_sim does), control (a control command from ipmi_sim:
// attn, reset, power_off...), frame_error (a frame dropped: bad checksum, ...), failed (the
// connection is lost or ipmi_sim is silent past the timeout; every later request goes unanswered).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "models/common/event_log.h"
#include "models/ssif/bmc/ipmi_backend.h"
#include "models/ssif/bmc/vm_codec.h"

namespace ssifsim::ssif {

struct IpmiSimConfig {
    // How long (wall clock) to wait for ipmi_sim's version message, and for each answer.
    uint64_t timeout_ms = 10'000;
    // Announced with Control::Capabilities: ipmi_sim sends only the commands announced.
    // Attention, power off, reset and graceful shutdown, as QEMU announces them for a VM
    // that can do them; no IRQ (SSIF has no message interrupt) and no NMI.
    uint8_t capabilities = vm::kCapAttn | vm::kCapPower | vm::kCapReset | vm::kCapGracefulShutdown;
};

class IpmiSimBackend : public IpmiBackend {
  public:
    // fd: a connected stream socket to ipmi_sim's VM port, not owned (the caller closes it).
    IpmiSimBackend(int fd, const IpmiSimConfig& config, EventSink& log);

    // The connection's opening: waits for ipmi_sim's version (which must be
    // vm::kProtocolVersion), then announces our capabilities, as QEMU does on connecting.
    // Returns false on a failure (logged as `failed`; failure() says why). `now_ns`: the
    // simulated time the events carry.
    bool start(uint64_t now_ns);

    // Sends `request` as the next sequence number's message and waits for the response with
    // that sequence number; control frames arriving before it are logged and handled.
    // nullopt (and `failed`, once) when the connection is lost or the timeout passes, and
    // for every request after that.
    std::optional<Bytes> respond(const Bytes& request, uint64_t now_ns) override;

    bool failed() const { return !failure_.empty(); }
    const std::string& failure() const { return failure_; }

    // Called with the control command when ipmi_sim asks for a reset, power off, graceful
    // shutdown or NMI (what it does to the platform is the caller's).
    void set_control_handler(std::function<void(vm::Control, uint64_t now_ns)> handler) {
        on_control_ = std::move(handler);
    }

  private:
    // Reads and handles frames until a message with `seq` arrives (returned) or, with
    // `want_version`, until the version control arrives (returns an empty body). nullopt on
    // a failure.
    std::optional<Bytes> await(std::optional<uint8_t> seq, bool want_version, uint64_t now_ns);
    void handle_control(const Bytes& body, uint64_t now_ns);
    bool send(const Bytes& wire, uint64_t now_ns);
    void fail(const std::string& why, uint64_t now_ns);

    int fd_;
    IpmiSimConfig config_;
    EventSink& log_;
    vm::Decoder decoder_;
    std::vector<vm::Frame> frames_; // decoded, not yet handled
    uint8_t seq_ = 0;
    bool version_seen_ = false;
    std::string failure_;
    std::function<void(vm::Control, uint64_t)> on_control_;
};

} // namespace ssifsim::ssif
