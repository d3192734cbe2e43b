#include "models/ssif/bmc/vm_codec.h"

namespace ssifsim::ssif::vm {

namespace {
void put(Bytes& out, uint8_t b) {
    if (b == kMsgChar || b == kCmdChar || b == kEscapeChar) {
        out.push_back(kEscapeChar);
        out.push_back(static_cast<uint8_t>(b | kEscapeBit));
    } else {
        out.push_back(b);
    }
}
} // namespace

const char* control_name(uint8_t command) {
    switch (static_cast<Control>(command)) {
    case Control::NoAttn: return "no_attn";
    case Control::Attn: return "attn";
    case Control::AttnIrq: return "attn_irq";
    case Control::PowerOff: return "power_off";
    case Control::Reset: return "reset";
    case Control::EnableIrq: return "enable_irq";
    case Control::DisableIrq: return "disable_irq";
    case Control::SendNmi: return "send_nmi";
    case Control::Capabilities: return "capabilities";
    case Control::GracefulShutdown: return "graceful_shutdown";
    case Control::Version: return "version";
    }
    return "unknown";
}

uint8_t checksum(const Bytes& bytes) {
    uint8_t sum = 0;
    for (uint8_t b : bytes)
        sum = static_cast<uint8_t>(sum + b);
    return static_cast<uint8_t>(-sum);
}

Bytes encode_message(uint8_t seq, const Bytes& message) {
    Bytes frame{seq};
    frame.insert(frame.end(), message.begin(), message.end());
    frame.push_back(checksum(frame));
    Bytes out;
    for (uint8_t b : frame)
        put(out, b);
    out.push_back(kMsgChar);
    return out;
}

Bytes encode_control(const Bytes& command) {
    Bytes out;
    for (uint8_t b : command)
        put(out, b);
    out.push_back(kCmdChar);
    return out;
}

void Decoder::feed(const uint8_t* data, size_t size, std::vector<Frame>& out) {
    for (size_t i = 0; i < size; ++i) {
        const uint8_t b = data[i];
        if (b == kMsgChar || b == kCmdChar) {
            Frame f;
            f.body = std::move(buffer_);
            if (escape_) {
                f.kind = Frame::Kind::Error;
                f.error = "the frame ended inside an escape (0xaa before its end)";
            } else if (too_long_) {
                f.kind = Frame::Kind::Error;
                f.error = "the frame is longer than " + std::to_string(kMaxFrame) + " bytes";
            } else if (f.body.empty()) {
                // Nothing between two framing characters: nothing to hand on.
            } else if (b == kCmdChar) {
                f.kind = Frame::Kind::Control;
            } else if (f.body.size() < 4) {
                f.kind = Frame::Kind::Error;
                f.error = "a message shorter than seq, netfn/lun, cmd and checksum";
            } else if (checksum(f.body) != 0) {
                f.kind = Frame::Kind::Error;
                f.error = "bad checksum (the bytes sum to " +
                          std::to_string(static_cast<uint8_t>(-checksum(f.body))) +
                          " modulo 256, not 0)";
            } else {
                f.kind = Frame::Kind::Message;
                f.seq = f.body.front();
                f.body = Bytes(f.body.begin() + 1, f.body.end() - 1);
            }
            if (!f.body.empty() || f.kind == Frame::Kind::Error)
                out.push_back(std::move(f));
            buffer_.clear();
            escape_ = false;
            too_long_ = false;
            continue;
        }
        if (b == kEscapeChar) {
            escape_ = true;
            continue;
        }
        uint8_t value = b;
        if (escape_) {
            value = static_cast<uint8_t>(value & ~kEscapeBit);
            escape_ = false;
        }
        if (buffer_.size() >= kMaxFrame)
            too_long_ = true;
        else
            buffer_.push_back(value);
    }
}

} // namespace ssifsim::ssif::vm
