#include "models/ssif/bmc/ipmi_sim_backend.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ssifsim::ssif {

IpmiSimBackend::IpmiSimBackend(int fd, const IpmiSimConfig& config, EventSink& log)
    : fd_(fd), config_(config), log_(log) {}

void IpmiSimBackend::fail(const std::string& why, uint64_t now_ns) {
    if (failed())
        return;
    failure_ = why;
    EventBuilder(log_, now_ns, events::kIpmiSimFailed).str("reason", why);
}

bool IpmiSimBackend::send(const Bytes& wire, uint64_t now_ns) {
    size_t done = 0;
    while (done < wire.size()) {
        // MSG_NOSIGNAL: a closed peer is an error to report, not a SIGPIPE to die of.
        const ssize_t n = ::send(fd_, wire.data() + done, wire.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail("ipmi_sim closed the connection (it is no longer running?)", now_ns);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

void IpmiSimBackend::handle_control(const Bytes& body, uint64_t now_ns) {
    const uint8_t command = body[0];
    const Bytes data(body.begin() + 1, body.end());
    if (static_cast<vm::Control>(command) == vm::Control::Version) {
        EventBuilder(log_, now_ns, events::kIpmiSimVersion)
            .num("version", data.empty() ? -1 : data[0]);
        if (data.size() != 1 || data[0] != vm::kProtocolVersion)
            fail("ipmi_sim speaks VM protocol version " +
                     (data.empty() ? std::string("(none given)") : std::to_string(data[0])) +
                     "; this client speaks " + std::to_string(vm::kProtocolVersion),
                 now_ns);
        version_seen_ = true;
        return;
    }
    EventBuilder(log_, now_ns, events::kIpmiSimControl)
        .str("command", vm::control_name(command))
        .bytes("data", data);
    switch (static_cast<vm::Control>(command)) {
    case vm::Control::PowerOff:
    case vm::Control::Reset:
    case vm::Control::GracefulShutdown:
    case vm::Control::SendNmi:
        if (on_control_)
            on_control_(static_cast<vm::Control>(command), now_ns);
        break;
    default: break; // attention and interrupt enables: logged only
    }
}

std::optional<Bytes> IpmiSimBackend::await(std::optional<uint8_t> seq, bool want_version,
                                           uint64_t now_ns) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(config_.timeout_ms);
    for (;;) {
        while (!frames_.empty()) {
            vm::Frame f = std::move(frames_.front());
            frames_.erase(frames_.begin());
            if (f.kind == vm::Frame::Kind::Error) {
                EventBuilder(log_, now_ns, events::kIpmiSimFrameError)
                    .str("error", f.error)
                    .bytes("bytes", f.body);
                continue;
            }
            if (f.kind == vm::Frame::Kind::Control) {
                handle_control(f.body, now_ns);
                if (failed())
                    return std::nullopt;
                if (want_version && version_seen_)
                    return Bytes{};
                continue;
            }
            if (seq && f.seq == *seq)
                return f.body;
            // A response to no request in flight: QEMU drops it too.
            EventBuilder(log_, now_ns, events::kIpmiSimFrameError)
                .str("error", "a response with sequence number " + std::to_string(f.seq) +
                                  ", not the one in flight")
                .bytes("bytes", f.body);
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            fail(std::string("ipmi_sim gave no ") + (want_version ? "version message" : "answer") +
                     " within " + std::to_string(config_.timeout_ms) + " ms (wall clock)",
                 now_ns);
            return std::nullopt;
        }
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR)
            continue; // a signal for the runner (it stops at the next event)
        if (ready <= 0)
            continue; // the deadline is checked above
        uint8_t buf[4096];
        const ssize_t got = ::read(fd_, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            fail("ipmi_sim closed the connection (it is no longer running?)", now_ns);
            return std::nullopt;
        }
        decoder_.feed(buf, static_cast<size_t>(got), frames_);
    }
}

bool IpmiSimBackend::start(uint64_t now_ns) {
    if (!await(std::nullopt, true, now_ns))
        return false;
    EventBuilder(log_, now_ns, events::kIpmiSimCapabilities)
        .hex("capabilities", config_.capabilities);
    return send(
        vm::encode_control({static_cast<uint8_t>(vm::Control::Capabilities), config_.capabilities}),
        now_ns);
}

std::optional<Bytes> IpmiSimBackend::respond(const Bytes& request, uint64_t now_ns) {
    if (failed())
        return std::nullopt;
    const uint8_t seq = ++seq_;
    const Bytes wire = vm::encode_message(seq, request);
    EventBuilder(log_, now_ns, events::kIpmiSimRequest)
        .num("seq", seq)
        .bytes("message", request)
        .bytes("wire", wire);
    if (!send(wire, now_ns))
        return std::nullopt;
    std::optional<Bytes> response = await(seq, false, now_ns);
    if (!response)
        return std::nullopt;
    EventBuilder(log_, now_ns, events::kIpmiSimResponse)
        .num("seq", seq)
        .bytes("message", *response)
        .bytes("wire", vm::encode_message(seq, *response));
    return response;
}

} // namespace ssifsim::ssif
