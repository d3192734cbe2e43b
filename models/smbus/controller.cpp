#include "models/smbus/controller.h"

#include <algorithm>
#include <string>
#include <utility>

#include "models/common/sim_time.h"
#include "models/smbus/pec.h"

namespace ssifsim::smbus {

const char* status_name(SmbusStatus s) {
    switch (s) {
    case SmbusStatus::Ok: return "ok";
    case SmbusStatus::AddressNak: return "address_nak";
    case SmbusStatus::DataNak: return "data_nak";
    case SmbusStatus::BadPec: return "bad_pec";
    case SmbusStatus::BadLength: return "bad_length";
    case SmbusStatus::Timeout: return "timeout";
    case SmbusStatus::ArbitrationLost: return "arbitration_lost";
    case SmbusStatus::Abandoned: return "abandoned";
    }
    return "?";
}

SmbusController::SmbusController(sc_core::sc_module_name name, EventSink& log)
    : sc_module(name), socket("socket"), log_(log) {}

bool SmbusController::step(SmbusPayload& p, SmbusResult& result, SmbusStatus nak) {
    // Every step but the Stop is followed by another at once: a later step, or the Stop
    // (below, and after a refused step), with only the framing and PEC in between.
    p.next_step_follows = true;
    socket->b_transport(p);
    switch (p.response) {
    case SmbusResponse::Ack: return true;
    case SmbusResponse::Timeout: result.status = SmbusStatus::Timeout; break;
    case SmbusResponse::ArbitrationLost: result.status = SmbusStatus::ArbitrationLost; break;
    case SmbusResponse::Abandoned: result.status = SmbusStatus::Abandoned; break;
    default: result.status = nak; break;
    }
    return false;
}

bool SmbusController::start(uint8_t addr_byte, bool first, TransferTag* tag, SmbusResult& result) {
    SmbusPayload p;
    p.command = SmbusCommand::Start;
    p.data = addr_byte;
    p.tag = tag;
    const bool ok = step(p, result, SmbusStatus::AddressNak);
    if (first)
        result.start_ns = p.start_ns;
    return ok;
}

bool SmbusController::write(uint8_t value, SmbusResult& result) {
    SmbusPayload p;
    p.command = SmbusCommand::Write;
    p.data = value;
    return step(p, result, SmbusStatus::DataNak);
}

uint8_t SmbusController::read(bool master_ack, bool recv_len, SmbusResult& result) {
    SmbusPayload p;
    p.command = SmbusCommand::Read;
    p.master_ack = master_ack;
    p.recv_len = recv_len;
    step(p, result, SmbusStatus::DataNak);
    return p.data;
}

unsigned SmbusController::burst(SmbusCommand command, uint8_t* bytes, unsigned n, bool pec,
                                SmbusResult& result) {
    SmbusPayload p;
    p.command = command;
    p.data_ptr = bytes;
    p.data_length = n;
    p.pec = pec;
    if (step(p, result, SmbusStatus::DataNak))
        return n;
    return p.steps_done > 0 ? p.steps_done - 1 : 0;
}

void SmbusController::stop(SmbusResult& result) {
    SmbusPayload p;
    p.command = SmbusCommand::Stop;
    socket->b_transport(p);
    // SDA still held at the STOP: the master loses the arbitration there.
    if (p.response == SmbusResponse::ArbitrationLost)
        result.status = SmbusStatus::ArbitrationLost;
}

SmbusResult SmbusController::refuse(const char* op, uint8_t addr7, const std::string& why) {
    SC_REPORT_ERROR(name(), (std::string(op) + " to " + hex_byte(addr7) + ": " + why).c_str());
    SmbusResult result;
    result.status = SmbusStatus::BadLength;
    result.start_ns = result.end_ns = sim_now_ns();
    return result;
}

SmbusResult SmbusController::finish(SmbusResult& result, const char* op, uint8_t addr7,
                                    uint8_t command, bool pec, const Bytes& data, int count) {
    result.end_ns = sim_now_ns();
    TransferRecord t;
    t.op = op;
    t.addr7 = addr7;
    t.command = command;
    t.status = result.status;
    t.count = count;
    t.data = &data;
    t.start_ns = result.start_ns;
    t.end_ns = result.end_ns;
    socket->transfer_done(t);
    EventBuilder(log_, result.end_ns, events::kBusTransfer)
        .str("op", op)
        .hex("addr", addr7)
        .hex("cmd", command)
        .flag("pec", pec)
        .bytes("data", data)
        .str("status", status_name(result.status))
        .num("dur_ns", static_cast<int64_t>(result.end_ns - result.start_ns));
    return std::move(result); // a read's data moves to the caller, not copied
}

SmbusResult SmbusController::block_write(uint8_t addr7, uint8_t command, const Bytes& data,
                                         bool pec, TransferTag* tag) {
    // S addr+W [A] command [A] count [A] data... [A] (PEC [A]) P; the PEC covers every byte
    // before it, the address included (SMBus 3.1 section 6.4).
    if (data.size() > 255)
        return refuse("block_write", addr7,
                      std::to_string(data.size()) + " bytes do not fit the count byte");
    SmbusResult result;
    const uint8_t addr_byte = static_cast<uint8_t>(addr7 << 1);
    int count = -1;
    if (start(addr_byte, true, tag, result)) {
        // The bytes after the address in one burst, which ends at the first NAK.
        unsigned n = 0;
        burst_[n++] = command;
        burst_[n++] = static_cast<uint8_t>(data.size());
        for (uint8_t b : data)
            burst_[n++] = b;
        if (pec) {
            uint8_t crc = pec_update(0, addr_byte);
            for (unsigned i = 0; i < n; ++i)
                crc = pec_update(crc, burst_[i]);
            burst_[n++] = crc;
        }
        if (burst(SmbusCommand::Write, burst_.data(), n, pec, result) >= 2) // count ACKed
            count = static_cast<int>(data.size());
    }
    stop(result);
    return finish(result, "block_write", addr7, command, pec, data, count);
}

SmbusResult SmbusController::block_read(uint8_t addr7, uint8_t command, bool pec,
                                        TransferTag* tag) {
    // S addr+W [A] command [A] Sr addr+R [A] [count] A [data] A... ([PEC]) NA P.
    SmbusResult result;
    const uint8_t addr_w = static_cast<uint8_t>(addr7 << 1);
    const uint8_t addr_r = static_cast<uint8_t>(addr_w | 1);
    int count = -1;
    if (start(addr_w, true, tag, result) && write(command, result) &&
        start(addr_r, false, nullptr, result)) {
        uint8_t crc = pec_update(pec_update(pec_update(0, addr_w), command), addr_r);
        result.count = read(false, true, result);
        if (result.ok()) {
            count = result.count;
            crc = pec_update(crc, result.count);
            if (result.count < 1 || result.count > kBlockMax) {
                // The master NAKed the count and stops: -EPROTO.
                result.status = SmbusStatus::BadLength;
            } else {
                // The data and the PEC in one burst, cut short where the master gave up.
                const unsigned total = result.count + (pec ? 1u : 0u);
                const unsigned got = burst(SmbusCommand::Read, burst_.data(), total, false, result);
                result.data.assign(burst_.begin(),
                                   burst_.begin() + std::min<unsigned>(got, result.count));
                for (unsigned i = 0; i < got; ++i) {
                    if (i == result.count && burst_[i] != crc)
                        result.status = SmbusStatus::BadPec;
                    crc = pec_update(crc, burst_[i]);
                }
            }
        }
    }
    stop(result);
    return finish(result, "block_read", addr7, command, pec, result.data, count);
}

SmbusResult SmbusController::receive_byte(uint8_t addr7, TransferTag* tag) {
    SmbusResult result;
    if (start(static_cast<uint8_t>(addr7 << 1 | 1), true, tag, result)) {
        const uint8_t value = read(false, false, result);
        if (result.ok())
            result.data.push_back(value);
    }
    stop(result);
    return finish(result, "receive_byte", addr7, 0, false, result.data, -1);
}

SmbusResult SmbusController::i2c_write(uint8_t addr7, const Bytes& bytes, TransferTag* tag) {
    SmbusResult result;
    bool ok = start(static_cast<uint8_t>(addr7 << 1), true, tag, result);
    for (size_t i = 0; i < bytes.size() && ok; ++i)
        ok = write(bytes[i], result);
    stop(result);
    return finish(result, "i2c_write", addr7, bytes.empty() ? 0 : bytes[0], false, bytes, -1);
}

SmbusResult SmbusController::i2c_read(uint8_t addr7, unsigned length, TransferTag* tag) {
    if (length == 0)
        return refuse("i2c_read", addr7, "a read of 0 bytes");
    SmbusResult result;
    bool ok = start(static_cast<uint8_t>(addr7 << 1 | 1), true, tag, result);
    for (unsigned i = 0; i < length && ok; ++i) {
        const uint8_t value = read(i + 1 < length, false, result);
        if (!(ok = result.ok()))
            break;
        result.data.push_back(value);
    }
    stop(result);
    return finish(result, "i2c_read", addr7, 0, false, result.data, -1);
}

} // namespace ssifsim::smbus
