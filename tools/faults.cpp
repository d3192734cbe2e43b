#include "tools/faults.h"

#include <algorithm>
#include <cstdio>

#include "models/common/name_table.h"
#include "models/common/sim_time.h"
#include "models/ssif/framing.h"

namespace ssifsim::tools {

namespace {
constexpr Named<FaultType> kFaultNames[] = {
    {"nak", FaultType::Nak},
    {"corrupt_pec", FaultType::CorruptPec},
    {"lost_stop", FaultType::LostStop},
    {"host_power_off", FaultType::HostPowerOff},
    {"skip_block", FaultType::SkipBlock},
    {"daemon_slow", FaultType::DaemonSlow},
    {"daemon_silent", FaultType::DaemonSilent},
    {"daemon_malformed", FaultType::DaemonMalformed},
    {"clock_stretch", FaultType::ClockStretch},
    {"held_low", FaultType::HeldLow},
    {"foreign_master", FaultType::ForeignMaster},
    {"daemon_efault", FaultType::DaemonEfault},
    {"bmc_remove", FaultType::BmcRemove},
};

FaultType parse_type(ObjectReader& r) {
    if (!r.has("type"))
        r.fail("type", "missing; a fault needs a type");
    const std::string name = r.text("type", "");
    FaultType type;
    if (!value_of(kFaultNames, name, &type))
        r.fail("type", "unknown fault \"" + name + "\" (accepted: " + names_of(kFaultNames) + ")");
    return type;
}

// The keys that aim a fault at a master's transfers. `fixed_read`: the type decides read or
// write (-1: the scenario may say).
void read_transfer_aim(ObjectReader& r, Fault& f, int fixed_read) {
    const std::string master = r.choice("master", "host", {"host", "foreign", "alert_response"});
    f.master = master == "foreign"          ? FaultMaster::Foreign
               : master == "alert_response" ? FaultMaster::AlertResponse
                                            : FaultMaster::Host;
    // Killing a master and skipping a block number are the host driver's transfers', and PEC
    // is theirs too: the ARA read (smbus_alert) and a foreign master's plain I2C transfers
    // (ForeignMaster) carry none.
    if (f.master != FaultMaster::Host &&
        (f.type == FaultType::CorruptPec || f.type == FaultType::HostPowerOff ||
         f.type == FaultType::SkipBlock))
        r.fail("master",
               std::string(fault_type_name(f.type)) +
                   " aims at the host's transfers only (accepted: host); " +
                   (f.master == FaultMaster::AlertResponse ? "the ARA read" : "a foreign master") +
                   " takes nak, lost_stop, clock_stretch, held_low");
    if (f.master == FaultMaster::AlertResponse) {
        // The host's ARA read is a Receive Byte (S 0x0C+R, the alerting device's address,
        // P; SMBus 3.1 section 6.5.8): no request, no command, always a read.
        for (const char* key : {"request", "op", "command"})
            if (r.has(key))
                r.fail(key, "the ARA read (a Receive Byte from 0x0C) belongs to no IPMI request, "
                            "is always a read and has no command; aim with at_ms, nth");
    }
    if (f.master == FaultMaster::Foreign && r.has("request"))
        r.fail("request", "a foreign master's transfers belong to no IPMI request; aim "
                          "with op, command (its first byte written), at_ms, nth");
    f.request = static_cast<int>(r.integer("request", 0, 0, 1'000'000));
    if (f.master == FaultMaster::AlertResponse) {
        f.op_read = 1;
    } else if (fixed_read < 0) {
        const std::string op = r.choice("op", "any", {"any", "read", "write"});
        f.op_read = op == "any" ? -1 : op == "read" ? 1 : 0;
    } else {
        f.op_read = fixed_read;
    }
    if (r.has("command"))
        f.command = r.byte("command", 0);
    f.from_ns = r.millis("at_ms", 0, 0, 3'600'000);
    f.nth = static_cast<int>(r.integer("nth", 1, 1, 1'000'000));
    f.count = static_cast<int>(r.integer("count", 1, 1, 1'000'000));
}

// A daemon fault aims at the daemon's nth read, or at its reads of one host request
// (FaultPlan::next_request says how a read is matched to a request).
void read_daemon_aim(ObjectReader& r, Fault& f) {
    if (r.has("read") && r.has("request"))
        r.fail("read", "aims at the daemon's nth read, \"request\" at its reads of one host "
                       "request: give one of them");
    f.request = static_cast<int>(r.integer("request", 0, 1, 1'000'000));
    f.nth = static_cast<int>(r.integer("read", 1, 1, 1'000'000));
    f.count = static_cast<int>(r.integer("count", 1, 1, 1'000'000));
}

Fault read_fault(ObjectReader r) {
    Fault f;
    f.path = r.path();
    f.type = parse_type(r);
    switch (f.type) {
    case FaultType::Nak:
        read_transfer_aim(r, f, -1);
        f.byte = static_cast<int>(r.integer("byte", 0, 0, 36));
        if (f.master == FaultMaster::AlertResponse && f.byte > 0)
            r.fail("byte", "the ARA read (S 0x0C+R, a byte, P) has one master byte, 0 (the "
                           "address: nobody answers the ARA); the alerting device sends the rest");
        if (f.op_read == 1 && f.byte > 2)
            r.fail("byte", "a read's master bytes are 0 (address+W), 1 (command) and "
                           "2 (address+R); the target sends the rest");
        if (f.master == FaultMaster::Foreign && f.op_read == 1 && f.byte > 0)
            r.fail("byte", "a foreign master's read (S addr+R, bytes, P) has one master "
                           "byte, 0 (its address); the target sends the rest");
        break;
    case FaultType::CorruptPec: {
        if (!r.has("direction"))
            r.fail("direction", "missing (accepted: host_to_bmc, bmc_to_host)");
        const std::string dir = r.choice("direction", "", {"host_to_bmc", "bmc_to_host"});
        read_transfer_aim(r, f, dir == "bmc_to_host" ? 1 : 0);
        break;
    }
    case FaultType::LostStop: read_transfer_aim(r, f, -1); break;
    case FaultType::HostPowerOff:
        read_transfer_aim(r, f, -1);
        f.after_bytes = static_cast<int>(r.integer("after_bytes", 0, 0, 36));
        f.off_ns = r.millis("off_ms", 1000, 0, 3'600'000);
        break;
    case FaultType::SkipBlock:
        read_transfer_aim(r, f, 1);
        if (f.command >= 0)
            r.fail("command", "skip_block aims at 0x09 parts only; leave out \"command\"");
        f.command = ssif::kReadMiddle;
        f.block_delta = static_cast<int>(r.integer("by", 1, 1, 254));
        break;
    case FaultType::DaemonSlow:
        read_daemon_aim(r, f);
        if (!r.has("latency_ms"))
            r.fail("latency_ms", "missing; daemon_slow needs the latency");
        f.latency_ns = r.millis("latency_ms", 0, 0, 3'600'000);
        break;
    case FaultType::DaemonSilent: read_daemon_aim(r, f); break;
    case FaultType::DaemonEfault:
        read_daemon_aim(r, f);
        f.copied = static_cast<unsigned>(r.integer("copied", 0, 0, 259));
        break;
    case FaultType::BmcRemove:
        if (!r.has("at_ms"))
            r.fail("at_ms", "missing; bmc_remove needs the time of the remove");
        f.from_ns = r.millis("at_ms", 0, 0, 3'600'000);
        break;
    case FaultType::ClockStretch:
        read_transfer_aim(r, f, -1);
        // The target stretches once it has been addressed: after the address at the earliest.
        f.after_bytes = static_cast<int>(r.integer("after_bytes", 1, 1, 36));
        if (!r.has("stretch_ms"))
            r.fail("stretch_ms", "missing; clock_stretch needs how long each stretch lasts");
        f.held_ns = r.millis("stretch_ms", 0, 0.001, 3'600'000);
        f.gaps = static_cast<int>(r.integer("gaps", 1, 1, 36));
        if (f.master == FaultMaster::AlertResponse && (f.after_bytes != 1 || f.gaps != 1))
            r.fail(f.after_bytes != 1 ? "after_bytes" : "gaps",
                   "the ARA read has one byte gap, before the byte the alerting device sends: "
                   "after_bytes 1, gaps 1");
        break;
    case FaultType::HeldLow:
        read_transfer_aim(r, f, -1);
        if (!r.has("line"))
            r.fail("line", "missing (accepted: scl, sda)");
        f.sda = r.choice("line", "", {"scl", "sda"}) == "sda";
        f.after_bytes = static_cast<int>(r.integer("after_bytes", 0, 0, 36));
        if (!r.has("held_ms"))
            r.fail("held_ms", "missing; held_low needs how long the line stays low");
        f.held_ns = r.millis("held_ms", 0, 0.001, 3'600'000);
        if (f.master == FaultMaster::AlertResponse && f.after_bytes > (f.sda ? 0 : 1))
            r.fail("after_bytes", f.sda ? "the ARA read's one master byte is 0 (the address); "
                                          "a held SDA does not stop the alerting device's byte"
                                        : "the ARA read has bytes 0 (the address) and 1 (the "
                                          "alerting device's)");
        if (f.sda && f.op_read != 0 && f.after_bytes > 2)
            r.fail("after_bytes", "a read's bytes from the fourth on come from the target, "
                                  "which a held SDA does not stop; hold SDA at 0..2, or aim at "
                                  "writes with \"op\": \"write\"");
        break;
    case FaultType::ForeignMaster: {
        if (!r.has("op"))
            r.fail("op", "missing (accepted: read, write)");
        f.foreign_read = r.choice("op", "", {"read", "write"}) == "read";
        r.accepts({"state"});
        if (r.has("state")) {
            const std::string name = r.text("state", "");
            ssif::BmcState state;
            if (!ssif::parse_bmc_state(name, &state))
                r.fail("state", "unknown BMC state \"" + name +
                                    "\" (accepted: " + ssif::bmc_state_names() + ")");
            f.state = state;
        }
        f.from_ns = r.millis("at_ms", 0, 0, 3'600'000);
        f.count = static_cast<int>(r.integer("count", 1, 1, 1000));
        if (r.has("address"))
            f.address = r.byte("address", 0);
        if (f.address > 0x7f)
            r.fail("address", "a 7-bit address is 0x00..0x7f");
        if (f.foreign_read) {
            f.length = static_cast<unsigned>(r.integer("length", 2, 1, 64));
            if (r.has("data"))
                r.fail("data", "a read writes no data; use \"length\" for the bytes it takes");
        } else {
            if (!r.has("data"))
                r.fail("data", "missing; a foreign write needs the bytes after the address");
            for (const auto& [byte, byte_path] : r.array("data"))
                f.data.push_back(element_byte(*byte, byte_path, r.file()));
            if (f.data.size() > 64)
                r.fail("data", "at most 64 bytes");
            if (r.has("length"))
                r.fail("length", "a write takes no length; its data says how much it writes");
        }
        break;
    }
    case FaultType::DaemonMalformed:
        read_daemon_aim(r, f);
        if (!r.has("len") && !r.has("write_bytes"))
            r.fail("", "daemon_malformed needs \"len\" (the u32 length field) and/or "
                       "\"write_bytes\" (the count passed to write())");
        f.len = r.integer("len", -1, 0, 0xffffffff);
        f.write_bytes = static_cast<int>(r.integer("write_bytes", -1, 0, 1024));
        break;
    }
    r.text("note", "");
    r.finish();
    return f;
}
} // namespace

const char* fault_type_name(FaultType t) {
    return name_of(kFaultNames, t);
}

bool Fault::daemon() const {
    return type == FaultType::DaemonSlow || type == FaultType::DaemonSilent ||
           type == FaultType::DaemonMalformed || type == FaultType::DaemonEfault;
}

std::vector<Fault> read_faults(ObjectReader& root) {
    std::vector<Fault> faults;
    const auto elements = root.array("faults");
    for (const auto& [element, path] : elements)
        faults.push_back(read_fault(ObjectReader(*element, path, root.file())));
    const bool foreign = std::any_of(faults.begin(), faults.end(), [](const Fault& f) {
        return f.type == FaultType::ForeignMaster;
    });
    for (size_t i = 0; i < faults.size() && !foreign; ++i)
        if (faults[i].transfer_fault() && faults[i].master == FaultMaster::Foreign)
            ObjectReader(*elements[i].first, elements[i].second, root.file())
                .fail("master", "\"foreign\" aims at the foreign master's transfers, and the "
                                "scenario has none: add a fault of type foreign_master");
    // ssif_bmc is unbound once: nothing binds it again, so a second unbind has no device.
    size_t removes = 0;
    for (size_t i = 0; i < faults.size(); ++i)
        if (faults[i].type == FaultType::BmcRemove && removes++ > 0)
            ObjectReader(*elements[i].first, elements[i].second, root.file())
                .fail("type", "a second bmc_remove: the BMC is removed once (nothing binds it "
                              "again), so keep one");
    return faults;
}

ojson faults_to_json(const std::vector<Fault>& faults) {
    ojson out = ojson::array();
    for (const Fault& f : faults) {
        ojson j = {{"type", fault_type_name(f.type)}};
        if (f.daemon()) {
            if (f.request)
                j["request"] = f.request;
            else
                j["read"] = f.nth;
            j["count"] = f.count;
        } else if (f.type == FaultType::BmcRemove) {
            j["at_ms"] = f.from_ns / 1e6;
        } else if (f.type == FaultType::ForeignMaster) {
            j["op"] = f.foreign_read ? "read" : "write";
            if (f.state)
                j["state"] = ssif::bmc_state_name(*f.state);
            j["at_ms"] = f.from_ns / 1e6;
            j["count"] = f.count;
            if (f.address >= 0)
                j["address"] = f.address;
            if (f.foreign_read)
                j["length"] = f.length;
            else
                j["data"] = f.data;
        } else {
            if (f.master == FaultMaster::Foreign)
                j["master"] = "foreign";
            else if (f.master == FaultMaster::AlertResponse)
                j["master"] = "alert_response";
            else
                j["request"] = f.request;
            // corrupt_pec's direction and skip_block's 0x09 reads fix op and command, and
            // the ARA read is a read.
            if (f.type != FaultType::CorruptPec && f.type != FaultType::SkipBlock &&
                f.master != FaultMaster::AlertResponse)
                j["op"] = f.op_read < 0 ? "any" : f.op_read ? "read" : "write";
            if (f.command >= 0 && f.type != FaultType::SkipBlock)
                j["command"] = f.command;
            j["at_ms"] = f.from_ns / 1e6;
            j["nth"] = f.nth;
            j["count"] = f.count;
        }
        switch (f.type) {
        case FaultType::Nak: j["byte"] = f.byte; break;
        case FaultType::CorruptPec:
            j["direction"] = f.op_read ? "bmc_to_host" : "host_to_bmc";
            break;
        case FaultType::HostPowerOff:
            j["after_bytes"] = f.after_bytes;
            j["off_ms"] = f.off_ns / 1e6;
            break;
        case FaultType::SkipBlock: j["by"] = f.block_delta; break;
        case FaultType::DaemonSlow: j["latency_ms"] = f.latency_ns / 1e6; break;
        case FaultType::DaemonMalformed: // -1: the true length, the true count
            if (f.len >= 0)
                j["len"] = f.len;
            if (f.write_bytes >= 0)
                j["write_bytes"] = f.write_bytes;
            break;
        case FaultType::DaemonEfault: j["copied"] = f.copied; break;
        case FaultType::ClockStretch:
            j["after_bytes"] = f.after_bytes;
            j["stretch_ms"] = f.held_ns / 1e6;
            j["gaps"] = f.gaps;
            break;
        case FaultType::HeldLow:
            j["line"] = f.sda ? "sda" : "scl";
            j["after_bytes"] = f.after_bytes;
            j["held_ms"] = f.held_ns / 1e6;
            break;
        case FaultType::LostStop:
        case FaultType::DaemonSilent:
        case FaultType::ForeignMaster:
        case FaultType::BmcRemove: break;
        }
        out.push_back(j);
    }
    return out;
}

FaultPlan::FaultPlan(const std::vector<Fault>& faults)
    : faults_(faults), seen_(faults.size(), 0), fired_(faults.size(), 0), armed_(faults.size(), 0),
      first_armed_(faults.size()), taken_(faults.size(), 0) {}

// A fault applies to the nth matching occurrence and the count-1 after it. When two
// faults aim at the same occurrence the first listed applies.
smbus::TransferFault FaultPlan::next_transfer(FaultMaster master, const smbus::TransferTag& tag) {
    const int request_id = tag.request;
    const bool read = tag.read;
    const uint8_t command = tag.command;
    if (tag.kind == smbus::TransferTag::Kind::AlertResponse)
        master = FaultMaster::AlertResponse; // through the host's injector
    if (master == FaultMaster::Host && !read)
        last_write_request_ = request_id;
    smbus::TransferFault w;
    for (size_t i = 0; i < faults_.size(); ++i) {
        const Fault& f = faults_[i];
        // A host dies in its workload's transfers only (request 0 is the probe's and the
        // driver's own: the model brings a host back into the message it died in, not into
        // ssif_probe or a flag fetch).
        const bool host_death_of_own = f.type == FaultType::HostPowerOff && request_id == 0;
        if (!f.transfer_fault() || f.master != master || (f.request && f.request != request_id) ||
            host_death_of_own || (f.op_read >= 0 && f.op_read != static_cast<int>(read)) ||
            (f.command >= 0 && f.command != command) || sim_now_ns() < f.from_ns)
            continue;
        const int n = ++seen_[i];
        if (n < f.nth || n >= f.nth + f.count)
            continue;
        if (w.active()) {
            ++taken_[i];
            continue;
        }
        if (armed_[i]++ == 0)
            first_armed_[i] = {request_id, read, command, sim_now_ns()};
        w.id = static_cast<int>(i);
        switch (f.type) {
        case FaultType::Nak: w.nak_byte = f.byte; break;
        case FaultType::CorruptPec: w.corrupt_pec = true; break;
        case FaultType::LostStop: w.lose_stop = true; break;
        case FaultType::HostPowerOff:
            w.abandon_after_bytes = f.after_bytes;
            w.off_ns = f.off_ns;
            break;
        case FaultType::SkipBlock:
            w.read_byte_index = 0; // the block number
            w.read_byte_delta = f.block_delta;
            break;
        case FaultType::ClockStretch:
            w.hold = smbus::TransferFault::Holder::TargetScl;
            w.hold_after_bytes = f.after_bytes;
            w.hold_repeats = f.gaps;
            w.hold_ns = f.held_ns;
            break;
        case FaultType::HeldLow:
            w.hold = f.sda ? smbus::TransferFault::Holder::DeviceSda
                           : smbus::TransferFault::Holder::DeviceScl;
            w.hold_after_bytes = f.after_bytes;
            w.hold_ns = f.held_ns;
            break;
        default: break;
        }
    }
    return w;
}

bool FaultPlan::waits_for_request() const {
    return std::any_of(faults_.begin(), faults_.end(),
                       [](const Fault& f) { return f.daemon() && f.request; });
}

// A read aimed at by request is the request of the host's last write before it (the daemon
// asks once the request is there to read): the write that completed the request it reads.
// Each such fault counts the reads of its request, whether or not an earlier-listed fault
// takes the read.
ssif::DaemonFault FaultPlan::next_request(int nth) {
    std::vector<bool> aimed(faults_.size(), false);
    for (size_t i = 0; i < faults_.size(); ++i) {
        const Fault& f = faults_[i];
        if (!f.daemon())
            continue;
        if (!f.request) {
            aimed[i] = nth >= f.nth && nth < f.nth + f.count;
        } else if (f.request == last_write_request_) {
            const int n = ++seen_[i];
            aimed[i] = n <= f.count;
        }
    }
    for (size_t i = 0; i < faults_.size(); ++i) {
        const Fault& f = faults_[i];
        if (f.daemon() && !f.request)
            seen_[i] = std::max(seen_[i], nth);
        if (!aimed[i])
            continue;
        ssif::DaemonFault d;
        d.id = static_cast<int>(i);
        d.kind = f.type == FaultType::DaemonSlow     ? ssif::DaemonFault::Kind::Slow
                 : f.type == FaultType::DaemonSilent ? ssif::DaemonFault::Kind::Silent
                 : f.type == FaultType::DaemonEfault ? ssif::DaemonFault::Kind::ReadFault
                                                     : ssif::DaemonFault::Kind::Malformed;
        d.copyable = f.copied;
        d.latency_ns = f.latency_ns;
        d.len = f.len;
        d.count = f.write_bytes;
        return d;
    }
    return {};
}

namespace {
// Why a transfer a fault was armed on can pass without it.
std::string cannot_act(const Fault& f) {
    switch (f.type) {
    case FaultType::CorruptPec:
        return f.op_read ? "a read with no PEC byte: the BMC NAKed its address or the read "
                           "stopped before the PEC (e.g. a busy BMC's empty answer)"
                         : "a write without PEC (the link has PEC off) or one NAKed before its "
                           "PEC byte";
    case FaultType::Nak:
        return "a transfer that ended before wire byte " + std::to_string(f.byte) +
               " (an earlier NAK or a shorter transfer)";
    case FaultType::SkipBlock: return "a read without a block number (not a multi-part middle)";
    case FaultType::HostPowerOff:
    case FaultType::ClockStretch:
    case FaultType::HeldLow:
        return "a transfer that ended before byte " + std::to_string(f.after_bytes) +
               " (a NAK or a shorter transfer)";
    case FaultType::LostStop: return "a transfer that ended without a STOP to lose";
    default: return "a transfer it could not act on";
    }
}
} // namespace

std::string FaultPlan::why_not_fired(size_t i) const {
    const Fault& f = faults_[i];
    if (f.type == FaultType::ForeignMaster)
        return "the BMC never reached the state it waits for in the run";
    if (f.type == FaultType::BmcRemove)
        return "the run ended before its at_ms";
    if (f.daemon() && f.request)
        return "the daemon read host request " + std::to_string(f.request) + " " +
               std::to_string(seen_[i]) +
               " time(s) (a read belongs to the request of the host's last write before it)";
    if (f.daemon())
        return "the daemon read " + std::to_string(seen_[i]) + " request(s); it aims at read " +
               std::to_string(f.nth);
    // What the aim counted: the host's transfers (parts of its requests), the foreign
    // master's, or the host's ARA reads.
    const char* counted = f.master == FaultMaster::Foreign ? " of the foreign master's transfer(s)"
                          : f.master == FaultMaster::AlertResponse ? " of the host's ARA read(s)"
                                                                   : " transfer(s)";
    const char* aim = f.master == FaultMaster::Foreign         ? " (op, command, at_ms)"
                      : f.master == FaultMaster::AlertResponse ? " (at_ms)"
                                                               : " (request, op, command, at_ms)";
    std::string out =
        std::to_string(seen_[i]) + counted + " matched its aim" + aim + "; nth " +
        std::to_string(f.nth) + ", count " + std::to_string(f.count) +
        (f.master == FaultMaster::Host ? " count those transfers (parts), not requests"
                                       : " count those");
    if (taken_[i])
        out += "; " + std::to_string(taken_[i]) +
               " of its transfer(s) went to a fault listed before it (one fault per transfer)";
    if (armed_[i]) {
        const Armed& a = first_armed_[i];
        char cmd[8];
        std::snprintf(cmd, sizeof cmd, "0x%02x", a.command);
        // The transfer as its master tagged it: the ARA read has nothing to tell, a foreign
        // read no command.
        const std::string first =
            f.master == FaultMaster::AlertResponse ? ""
            : f.master == FaultMaster::Foreign
                ? (a.read ? std::string("read ") : "write " + std::string(cmd) + " ")
                : "request " + std::to_string(a.request) + ", " + (a.read ? "read " : "write ") +
                      cmd + " ";
        out += "; it was armed on " + std::to_string(armed_[i]) + " (first: " + first + "at " +
               std::to_string(a.t_ns) + " ns) but none qualified: " + cannot_act(f);
    }
    return out;
}

void FaultPlan::fault_applied(int fault_id, uint64_t) {
    if (fault_id >= 0 && static_cast<size_t>(fault_id) < fired_.size())
        ++fired_[static_cast<size_t>(fault_id)];
}

} // namespace ssifsim::tools
