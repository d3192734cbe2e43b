#include "tools/capture.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>

#include "models/smbus/adapter.h"
#include "models/smbus/pec.h"
#include "tools/json_reader.h"

namespace ssifsim::tools {

using smbus::SmbusStatus;

smbus::TransferRecord CapturedTransfer::record() const {
    smbus::TransferRecord t;
    t.op = op;
    t.addr7 = addr7;
    t.command = command;
    t.status = status;
    t.count = count;
    t.data = &data;
    t.start_ns = start_ns;
    t.end_ns = end_ns;
    t.longest_low_ns = longest_low_ns;
    t.longest_low_by = longest_low_by;
    t.target_stretch_ns = target_stretch_ns;
    return t;
}

namespace {

[[noreturn]] void fail(const std::string& file, size_t line, const std::string& what) {
    throw InputError(file + (line ? ":" + std::to_string(line) : std::string()) + ": " + what);
}

// The first bytes of a word for a message: control bytes as \xNN (a NUL would end the
// message's C string).
std::string shown(const std::string& word) {
    std::string out;
    for (size_t i = 0; i < word.size() && i < 16; ++i) {
        const auto c = static_cast<unsigned char>(word[i]);
        char buf[8];
        std::snprintf(buf, sizeof buf, c < 0x20 || c == 0x7f ? "\\x%02x" : "%c", c);
        out += buf;
    }
    return out + (word.size() > 16 ? "..." : "");
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// ---- VCD ---------------------------------------------------------------------------------

// IEEE 1364 §18.2.3.4: $timescale is 1, 10 or 100 of s, ms, us, ns, ps, fs. As femtoseconds.
bool timescale_fs(const std::string& text, uint64_t* fs) {
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        ++i;
    if (i == 0 || i > 3)
        return false;
    const uint64_t n = std::stoull(text.substr(0, i));
    if (n != 1 && n != 10 && n != 100)
        return false;
    std::string unit = text.substr(i);
    unit.erase(std::remove_if(unit.begin(), unit.end(),
                              [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
               unit.end());
    static const std::map<std::string, uint64_t> units = {{"s", 1'000'000'000'000'000ull},
                                                          {"ms", 1'000'000'000'000ull},
                                                          {"us", 1'000'000'000ull},
                                                          {"ns", 1'000'000ull},
                                                          {"ps", 1'000ull},
                                                          {"fs", 1ull}};
    const auto it = units.find(unit);
    if (it == units.end())
        return false;
    *fs = n * it->second;
    return true;
}

struct LineChange {
    uint64_t t_ns;
    bool level;
};

// Drops each pulse shorter than `width`: a change undone by the next one within it.
std::vector<LineChange> deglitch(const std::vector<LineChange>& in, uint64_t width,
                                 uint64_t* removed) {
    std::vector<LineChange> out;
    for (const LineChange& c : in) {
        if (!out.empty() && out.back().level == c.level)
            continue; // not a change
        if (out.size() > 1 && c.t_ns - out.back().t_ns < width) {
            out.pop_back(); // the pulse's first edge; this one undoes it
            ++*removed;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

// The edge decoder: START (SDA falls, SCL high), repeated START, STOP (SDA rises, SCL
// high), a bit on each SCL rise, nine bits to a byte (the ninth the ACK bit, 0 = ACK).
class EdgeDecoder {
  public:
    explicit EdgeDecoder(Capture& capture) : cap_(capture) {}

    void scl(uint64_t t, bool level) {
        if (level == scl_)
            return;
        scl_ = level;
        last_edge_ns_ = t;
        // A clock held low for over 1 ms (the low phase is at most 50 us down to 10 kHz):
        // the master may have given up from its start on (an adapter timeout); its edges
        // after the line came free are its STOP.
        if (in_transfer_ && level && t - scl_fell_ > 1'000'000 && !held_)
            held_ = true, cur_.master_done_ns = scl_fell_;
        if (in_transfer_ && !held_)
            cur_.master_done_ns = t;
        if (!level) {
            scl_fell_ = t;
            return;
        }
        if (in_transfer_) {
            scl_lows_.push_back(t - scl_fell_);
            low(t - scl_fell_, "SCL");
            // SDA low across a clock's rise is a bit of 0 clocked, not a line held: its low
            // counts from its fall or the last rise, so a run of 0 bits at 10 kHz (a zero-
            // padded 32-byte write: 25 ms) is no tTIMEOUT.
            if (!sda_) {
                low(t - sda_fell_, "SDA");
                sda_fell_ = t;
            }
            bit(t, sda_);
        }
    }

    void sda(uint64_t t, bool level) {
        if (level == sda_)
            return;
        sda_ = level;
        const uint64_t quiet_ns = t - last_edge_ns_; // both lines as they were, before this
        last_edge_ns_ = t;
        if (!level) {
            sda_fell_ = t;
        } else if (in_transfer_) {
            low(t - sda_fell_, "SDA");
        }
        if (!scl_)
            return; // data changes while SCL is low
        if (!level)
            start(t, quiet_ns > kHighMaxNs);
        else if (in_transfer_)
            stop(t);
    }

    void finish(uint64_t t) {
        if (!in_transfer_)
            return;
        // Both lines high for longer than SMBus's tHIGH,max (50 us, SMBus 3.1 Table 1: a
        // bus idle that long is free) with no STOP: its master let them go (it died) and
        // nobody began another transfer. It ended there, as before a START (start()).
        if (scl_ && sda_ && t - last_edge_ns_ > kHighMaxNs) {
            cur_.master_done_ns = scl_fell_;
            end_transfer(last_edge_ns_, false);
            return;
        }
        ++cap_.unterminated;
        cap_.notes.push_back("the capture ends inside a transfer that began at " +
                             std::to_string(cur_.start_ns) + " ns: not judged");
    }

  private:
    void low(uint64_t ns, const char* line) {
        if (ns > cur_.longest_low_ns) {
            cur_.longest_low_ns = ns;
            cur_.longest_low_by = line;
        }
        if (cur_.restart_at != 0 && ns > since_restart_.longest_ns) {
            since_restart_.longest_ns = ns;
            since_restart_.longest_by = line;
        }
    }

    // A STOP or repeated START follows one SCL rise of its own (SCL goes high before SDA
    // moves): a byte cut short has more bits than that. `after_idle`: both lines were high
    // for longer than tHIGH,max before it.
    void start(uint64_t t, bool after_idle) {
        if (in_transfer_) { // a repeated START
            if (nbits_ > 1)
                ++cap_.partial_bytes;
            nbits_ = 0;
            // SMBus has one repeated START, between a transaction's write phase and its read
            // phase (SMBus 2.0 section 5.5: Block Read, Process Call). One anywhere else, or
            // before an address with R/W = 0 (bit), begins a new transfer: this one ended
            // without a STOP (a master that died and let its lines go, then a new START). So
            // does one after the lines stayed high past tHIGH,max: the bus was free (SMBus 3.1
            // Table 1), and a repeated START's clock is high no longer than any other's.
            if (after_idle || cur_.bytes.empty() || reading_ || cur_.restart_at != 0) {
                cur_.master_done_ns = scl_fell_; // its master's last clock edge
                end_transfer(t, false);
                begin_transfer(t);
                return;
            }
            cur_.restart_at = cur_.bytes.size();
            restart_ns_ = t;
            restart_done_ns_ = scl_fell_;
            since_restart_ = {scl_lows_.size(), cur_.longest_low_ns, cur_.longest_low_by, 0, ""};
            direction_known_ = false;
            return;
        }
        begin_transfer(t);
    }

    void begin_transfer(uint64_t t) {
        cur_ = CapturedTransfer{};
        cur_.wire = true;
        cur_.start_ns = t;
        held_ = false;
        scl_lows_.clear();
        in_transfer_ = true;
        nbits_ = 0;
        shift_ = 0;
        direction_known_ = false;
        reading_ = false;
    }

    void bit(uint64_t t, bool value) {
        if (nbits_ < 8) {
            shift_ = static_cast<uint8_t>(shift_ << 1 | value);
            ++nbits_;
            return;
        }
        // The ninth bit: ACK (low) or NAK.
        WireByte b;
        b.t_ns = t;
        b.value = shift_;
        b.ack = !value;
        if (!direction_known_) {
            // A write address after the repeated START, or another target's: a new transfer
            // began there (SMBus's repeated START reads from the target just written to).
            if (cur_.restart_at != 0 && cur_.restart_at == cur_.bytes.size() &&
                (!(b.value & 1) || (b.value >> 1) != (cur_.bytes[0].value >> 1))) {
                cur_.restart_at = 0;
                cur_.master_done_ns = restart_done_ns_;
                // The lines' lows since the repeated START are the new transfer's.
                std::vector<uint64_t> lows(scl_lows_.begin() + since_restart_.scl_lows,
                                           scl_lows_.end());
                scl_lows_.resize(since_restart_.scl_lows);
                cur_.longest_low_ns = since_restart_.before_ns;
                cur_.longest_low_by = since_restart_.before_by;
                end_transfer(restart_ns_, false);
                begin_transfer(restart_ns_);
                scl_lows_ = std::move(lows);
                cur_.longest_low_ns = since_restart_.longest_ns;
                cur_.longest_low_by = since_restart_.longest_by;
            }
            direction_known_ = true;
            reading_ = b.value & 1;
            b.from_master = true;
        } else {
            b.from_master = !reading_;
        }
        cur_.bytes.push_back(b);
        nbits_ = 0;
        shift_ = 0;
    }

    void stop(uint64_t t) {
        if (nbits_ > 1)
            ++cap_.partial_bytes;
        end_transfer(t, true);
    }

    // The transfer ends at t, with its STOP or (stopped false) at the START of the next.
    void end_transfer(uint64_t t, bool stopped) {
        in_transfer_ = false;
        // Without a STOP it ended where its master last drove the clock low (the lines' release
        // after it is no master's).
        cur_.end_ns = stopped ? t : cur_.master_done_ns;
        cur_.stopped = stopped;
        if (cur_.bytes.empty()) {
            // No whole byte (a master that lost the arbitration in its address byte): no
            // SSIF part, but its lines' low times count for the bus checks.
            cur_.op = "incomplete";
            cur_.status = SmbusStatus::Abandoned;
            cap_.transfers.push_back(std::move(cur_));
            return;
        }
        // The usual SCL low phase is the median of the transfer's; what goes beyond twice
        // that was a stretch (the wires do not tell who held SCL: it is counted as the
        // target's, the master keeping its own clock).
        if (!scl_lows_.empty()) {
            std::vector<uint64_t> lows = scl_lows_;
            std::nth_element(lows.begin(), lows.begin() + lows.size() / 2, lows.end());
            const uint64_t usual = lows[lows.size() / 2];
            for (uint64_t l : scl_lows_)
                if (l > 2 * usual)
                    cur_.target_stretch_ns += l - usual;
        }
        frame(cur_);
        // Cut off before its STOP, a transfer the bytes would frame whole never ended: the
        // BMC saw no STOP (ssif_bmc takes a request only at one).
        if (!stopped && cur_.status == SmbusStatus::Ok)
            cur_.status = SmbusStatus::Abandoned;
        cap_.transfers.push_back(std::move(cur_));
    }

    // What the bytes of a transfer make: its op, command, count, data, PEC and status.
    static void frame(CapturedTransfer& t) {
        const std::vector<WireByte>& b = t.bytes;
        t.addr7 = b[0].value >> 1;
        const auto nak_status = [&t](size_t i) {
            const bool address = i == 0 || (t.restart_at && i == t.restart_at);
            return address ? SmbusStatus::AddressNak : SmbusStatus::DataNak;
        };
        if (b[0].value & 1) { // read from the start: Receive Byte or a plain I2C read
            t.op = b.size() == 2 ? "receive_byte" : "i2c_read";
            if (!b[0].ack)
                t.status = SmbusStatus::AddressNak;
            for (size_t i = 1; i < b.size(); ++i)
                t.data.push_back(b[i].value);
            return;
        }
        if (b.size() > 1)
            t.command = b[1].value;
        for (size_t i = 0; i < b.size(); ++i) {
            if (b[i].from_master && !b[i].ack) {
                t.status = nak_status(i);
                break;
            }
        }
        Bytes pec_bytes;
        if (t.restart_at) { // S addr+W cmd Sr addr+R count data [PEC] P: SMBus Block Read
            t.op = "block_read";
            if (t.status != SmbusStatus::Ok)
                return;
            for (size_t i = 0; i < b.size(); ++i)
                pec_bytes.push_back(b[i].value);
            const size_t c = t.restart_at + 1;
            if (c >= b.size()) {
                t.status = SmbusStatus::Abandoned;
                return;
            }
            t.count = b[c].value;
            if (t.count < 1 || t.count > static_cast<int>(smbus::kBlockMax)) {
                t.status = SmbusStatus::BadLength; // the master NAKs it and stops
                return;
            }
            const size_t have = b.size() - c - 1;
            if (have < static_cast<size_t>(t.count)) {
                t.status = SmbusStatus::Abandoned;
                return;
            }
            for (int i = 0; i < t.count; ++i)
                t.data.push_back(b[c + 1 + i].value);
            if (have > static_cast<size_t>(t.count)) {
                t.pec = true;
                pec_bytes.pop_back();
                pec_bytes.resize(c + 1 + t.count);
                t.pec_ok = smbus::pec_of(pec_bytes) == b[c + 1 + t.count].value;
                if (!t.pec_ok)
                    t.status = SmbusStatus::BadPec;
            }
            return;
        }
        // A write: SMBus Block Write when the count byte matches the bytes after it (with
        // or without PEC), or the write was cut short by a NAK or by its master's death (no
        // STOP before the count's bytes); else a plain I2C write.
        const size_t after = b.size() >= 3 ? b.size() - 3 : 0;
        const bool block =
            b.size() >= 3 && (after == b[2].value || after == b[2].value + 1u ||
                              t.status != SmbusStatus::Ok || (!t.stopped && after < b[2].value));
        if (!block && t.status == SmbusStatus::Ok) {
            t.op = "i2c_write";
            for (size_t i = 1; i < b.size(); ++i)
                t.data.push_back(b[i].value);
            return;
        }
        t.op = "block_write";
        if (b.size() >= 3 && (b[0].ack && b[1].ack))
            t.count = b[2].value;
        for (size_t i = 3; i < b.size() && i < 3u + b[2].value; ++i)
            t.data.push_back(b[i].value);
        if (b.size() >= 3 && after == b[2].value + 1u) {
            t.pec = true;
            for (size_t i = 0; i + 1 < b.size(); ++i)
                pec_bytes.push_back(b[i].value);
            t.pec_ok = smbus::pec_of(pec_bytes) == b.back().value;
            if (!t.pec_ok && t.status == SmbusStatus::Ok)
                t.status = SmbusStatus::BadPec;
        }
    }

    Capture& cap_;
    bool scl_ = true, sda_ = true; // pulled up until a change says otherwise
    uint64_t scl_fell_ = 0, sda_fell_ = 0;
    uint64_t last_edge_ns_ = 0; // the last edge on either line
    static constexpr uint64_t kHighMaxNs = 50'000;
    bool held_ = false; // this transfer's clock was held: master_done_ns is fixed
    bool in_transfer_ = false;
    CapturedTransfer cur_;
    std::vector<uint64_t> scl_lows_;
    int nbits_ = 0;
    uint8_t shift_ = 0;
    bool direction_known_ = false, reading_ = false;
    // The repeated START at cur_.restart_at, and the last SCL fall before it.
    uint64_t restart_ns_ = 0, restart_done_ns_ = 0;
    // The lines' lows up to the repeated START and since, for a split there (a new transfer
    // found to begin at it): how many SCL low phases came before it, the longest low before
    // it, the longest since.
    struct SinceRestart {
        size_t scl_lows = 0;
        uint64_t before_ns = 0;
        const char* before_by = "";
        uint64_t longest_ns = 0;
        const char* longest_by = "";
    } since_restart_;
};

} // namespace

// The longest word a VCD holds here (identifiers, timestamps, keywords): a binary file's
// "word" is cut off there rather than read whole.
constexpr size_t kMaxToken = 4096;

Capture decode_vcd(std::istream& in, const std::string& file, const WireDecodeOptions& options) {
    Capture cap;
    cap.file = file;
    cap.format = "vcd";
    cap.wire_timing = true;
    // Header: $timescale and the 1-bit variables by leaf name.
    std::map<std::string, std::string> id_of; // name -> id code
    std::map<std::string, int> width_of;
    uint64_t fs_per_unit = 0;
    std::string token;
    size_t line = 1, token_line = 1; // the line read to, and the one the last token began on
    bool at_eof = false;             // the last token ended at the file's end, not at a space
    const auto next = [&in, &line, &token_line, &file, &at_eof](std::string& tok) {
        tok.clear();
        int c;
        while ((c = in.get()) != EOF && std::isspace(c))
            line += c == '\n';
        if (c == EOF)
            return false;
        token_line = line;
        do
            tok += static_cast<char>(c);
        while ((c = in.get()) != EOF && !std::isspace(c) && tok.size() <= kMaxToken);
        if (tok.size() > kMaxToken)
            fail(file, token_line,
                 "'" + shown(tok) + "': a word of over 4096 bytes: not a VCD file");
        line += c == '\n';
        at_eof = c == EOF;
        return true;
    };
    const auto until_end = [&](std::vector<std::string>* words) {
        std::string w;
        while (next(w)) {
            if (w == "$end")
                return;
            if (words)
                words->push_back(w);
        }
        fail(file, line, "a VCD header keyword without its $end");
    };
    bool defs_done = false;
    while (!defs_done && next(token)) {
        const size_t kw_line = token_line;
        if (token == "$enddefinitions") {
            until_end(nullptr);
            defs_done = true;
        } else if (token == "$timescale") {
            std::vector<std::string> words;
            until_end(&words);
            std::string text;
            for (const std::string& w : words)
                text += w;
            if (!timescale_fs(text, &fs_per_unit))
                fail(file, kw_line,
                     "$timescale '" + text + "' is not 1, 10 or 100 s/ms/us/ns/ps/fs");
        } else if (token == "$var") {
            std::vector<std::string> words;
            until_end(&words);
            if (words.size() < 4)
                fail(file, kw_line, "$var needs a type, a width, an id and a name");
            int width = 0;
            try {
                width = std::stoi(words[1]);
            } catch (const std::exception&) {
                fail(file, kw_line, "$var width '" + words[1] + "' is not a number");
            }
            id_of[words[3]] = words[2];
            width_of[words[3]] = width;
        } else if (token.size() > 1 && token[0] == '$') {
            until_end(nullptr); // $date, $version, $comment, $scope, $upscope
        } else {
            fail(file, kw_line, "'" + shown(token) + "' before $enddefinitions: not a VCD file");
        }
    }
    if (!defs_done)
        fail(file, line, "no $enddefinitions: not a VCD file (or an empty one)");
    if (fs_per_unit == 0)
        fs_per_unit = 1'000'000; // IEEE 1364 gives no default; 1 ns is what tools assume
    const auto pick = [&](const std::string& given, const char* what) {
        if (!given.empty()) {
            if (!id_of.count(given))
                fail(file, 0, std::string("no signal named '") + given + "' (--" + what + ")");
            if (width_of[given] != 1)
                fail(file, 0,
                     "signal '" + given + "' is " + std::to_string(width_of[given]) +
                         " bits wide; a line is 1");
            return id_of[given];
        }
        std::vector<std::string> found;
        for (const auto& [name, id] : id_of)
            if (width_of[name] == 1 && lower(name).find(what) != std::string::npos)
                found.push_back(name);
        if (found.size() != 1)
            fail(file, 0,
                 std::string(found.empty() ? "no 1-bit signal" : "more than one 1-bit signal") +
                     " named *" + what + "*: name it with --" + what);
        return id_of[found[0]];
    };
    const std::string scl_id = pick(options.scl, "scl");
    const std::string sda_id = pick(options.sda, "sda");

    // Body: timestamps and scalar changes of the two lines, in time units.
    std::vector<std::pair<uint64_t, bool>> scl, sda;
    uint64_t now = 0, gcd = 0;
    bool any_time = false;
    const auto change = [&](const std::string& id, char v) {
        const bool level = v != '0'; // x and z: released, the pull-up holds it high
        if (id == scl_id)
            scl.push_back({now, level});
        if (id == sda_id)
            sda.push_back({now, level});
        if ((id == scl_id || id == sda_id) && now)
            gcd = std::gcd(gcd, now);
    };
    while (next(token)) {
        if (at_eof) {
            // A VCD's lines end with a newline: a last word without one may have been cut
            // (a capture truncated mid-line). What comes before it is checked; it is left out.
            cap.notes.push_back("the capture ends in a truncated line (line " +
                                std::to_string(token_line) + ", '" + shown(token) +
                                "' with no end of line after it): that word is left out");
            break;
        }
        const char c0 = token[0];
        if (c0 == '#') {
            uint64_t t = 0;
            for (size_t i = 1; i < token.size(); ++i) {
                if (!std::isdigit(static_cast<unsigned char>(token[i])) ||
                    t > (std::numeric_limits<uint64_t>::max() - 9) / 10)
                    fail(file, token_line, "timestamp '" + shown(token) + "' is not a time");
                t = t * 10 + static_cast<uint64_t>(token[i] - '0');
            }
            if (any_time && t < now)
                fail(file, token_line, "timestamp " + token + " goes back in time");
            now = t;
            if (!any_time)
                cap.begin_ns = t;
            any_time = true;
        } else if (c0 == '0' || c0 == '1' || c0 == 'x' || c0 == 'X' || c0 == 'z' || c0 == 'Z') {
            change(token.substr(1), c0);
        } else if (c0 == 'b' || c0 == 'B' || c0 == 'r' || c0 == 'R') {
            if (!next(token))
                fail(file, token_line, "a vector value without its id");
        } else if (token == "$comment") {
            until_end(nullptr);
        } else if (c0 == '$') {
            continue; // $dumpvars, $dumpall, $dumpon, $dumpoff, $end
        } else {
            fail(file, token_line, "'" + shown(token) + "' is not a VCD value change");
        }
    }
    // Units to ns, refusing a span that does not fit.
    const auto to_ns = [&](uint64_t units) {
        if (units > std::numeric_limits<uint64_t>::max() / fs_per_unit)
            fail(file, 0, "a timestamp beyond 2^64 fs");
        return (units * fs_per_unit + 500'000) / 1'000'000;
    };
    cap.sample_ns = gcd ? std::max<uint64_t>(1, to_ns(gcd)) : 1;
    cap.glitch_ns = options.glitch_ns >= 0
                        ? static_cast<uint64_t>(options.glitch_ns)
                        : std::max<uint64_t>(50, cap.sample_ns + (cap.sample_ns + 1) / 2);
    cap.begin_ns = to_ns(cap.begin_ns);
    cap.end_ns = to_ns(now);
    const auto lines = [&](const std::vector<std::pair<uint64_t, bool>>& raw) {
        std::vector<LineChange> v;
        v.reserve(raw.size());
        for (const auto& [t, level] : raw)
            v.push_back({to_ns(t), level});
        return deglitch(v, cap.glitch_ns, &cap.glitches);
    };
    const std::vector<LineChange> scl_changes = lines(scl), sda_changes = lines(sda);
    // Merged in time order; at one instant a falling SCL comes first and a rising SCL last,
    // so that SDA changes with SCL low (as data does), not as a START or STOP.
    EdgeDecoder dec(cap);
    size_t i = 0, j = 0;
    while (i < scl_changes.size() || j < sda_changes.size()) {
        const bool take_scl =
            j == sda_changes.size() ||
            (i < scl_changes.size() &&
             (scl_changes[i].t_ns < sda_changes[j].t_ns ||
              (scl_changes[i].t_ns == sda_changes[j].t_ns && !scl_changes[i].level)));
        if (take_scl) {
            dec.scl(scl_changes[i].t_ns, scl_changes[i].level);
            ++i;
        } else {
            dec.sda(sda_changes[j].t_ns, sda_changes[j].level);
            ++j;
        }
    }
    dec.finish(cap.end_ns);
    if (cap.partial_bytes)
        cap.notes.push_back(std::to_string(cap.partial_bytes) +
                            " byte(s) cut short by a START or STOP (a lost arbitration, or the "
                            "capture starting mid-byte): left out");
    if (cap.glitches)
        cap.notes.push_back(std::to_string(cap.glitches) + " pulse(s) shorter than " +
                            std::to_string(cap.glitch_ns) + " ns removed as glitches");
    return cap;
}

// ---- kernel trace ------------------------------------------------------------------------

namespace {

// "key=value" from the fields after the event name.
bool field(const std::vector<std::string>& words, const std::string& key, std::string* out) {
    for (const std::string& w : words) {
        if (w.compare(0, key.size() + 1, key + "=") == 0) {
            *out = w.substr(key.size() + 1);
            return true;
        }
    }
    return false;
}

bool hex_number(const std::string& s, unsigned long* v) {
    if (s.empty() || s.size() > 8 || s.find_first_not_of("0123456789abcdefABCDEF") != s.npos)
        return false;
    *v = std::stoul(s, nullptr, 16);
    return true;
}

// "[02-18-01]" as %*phD prints a buffer (lib/vsprintf.c hex_string: '-' between bytes);
// "[]" for none.
bool dash_hex(const std::string& text, Bytes* out) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']')
        return false;
    const std::string body = text.substr(1, text.size() - 2);
    out->clear();
    if (body.empty())
        return true;
    std::istringstream in(body);
    std::string byte;
    while (std::getline(in, byte, '-')) {
        unsigned long v;
        if (byte.size() != 2 || !hex_number(byte, &v))
            return false;
        out->push_back(static_cast<uint8_t>(v));
    }
    return true;
}

// The status whose errno the host's controller returns (smbus/adapter.h, the one table);
// another errno is a failure of the data phase.
SmbusStatus status_of_errno(int res, const smbus::HostAdapter& adapter) {
    for (SmbusStatus st : {SmbusStatus::Ok, SmbusStatus::AddressNak, SmbusStatus::DataNak,
                           SmbusStatus::BadPec, SmbusStatus::BadLength, SmbusStatus::Timeout,
                           SmbusStatus::ArbitrationLost, SmbusStatus::Abandoned})
        if (smbus::transfer_errno(adapter, st) == res)
            return st;
    return SmbusStatus::DataNak;
}

constexpr unsigned kI2cClientPec = 0x04; // include/linux/i2c.h I2C_CLIENT_PEC

} // namespace

Capture parse_ftrace(std::istream& in, const std::string& file, smbus::AdapterKind controller) {
    Capture cap;
    cap.file = file;
    cap.format = "ftrace";
    std::string text;
    size_t line_no = 0;
    std::map<int, CapturedTransfer> open; // by adapter: a call between its first line and result
    uint64_t i2c_lines = 0;
    bool any = false;
    while (std::getline(in, text)) {
        ++line_no;
        // "<task>-<pid> [cpu] <flags> <seconds>.<fraction>: <event>: <fields>"
        size_t ev_at = std::string::npos;
        std::string event;
        for (const char* name : {"smbus_write:", "smbus_read:", "smbus_reply:", "smbus_result:",
                                 "i2c_write:", "i2c_read:", "i2c_reply:", "i2c_result:"}) {
            const size_t at = text.find(std::string(" ") + name);
            if (at != std::string::npos && (ev_at == std::string::npos || at < ev_at)) {
                ev_at = at;
                event = std::string(name, std::char_traits<char>::length(name) - 1);
            }
        }
        if (ev_at == std::string::npos)
            continue;
        // The timestamp ends with ':' just before the event name.
        size_t ts_end = ev_at;
        while (ts_end > 0 && text[ts_end - 1] == ' ')
            --ts_end;
        if (ts_end == 0 || text[ts_end - 1] != ':')
            fail(file, line_no, "no timestamp before '" + event + ":'");
        size_t ts_begin = ts_end - 1;
        while (ts_begin > 0 && (std::isdigit(static_cast<unsigned char>(text[ts_begin - 1])) ||
                                text[ts_begin - 1] == '.'))
            --ts_begin;
        const std::string ts = text.substr(ts_begin, ts_end - 1 - ts_begin);
        const size_t dot = ts.find('.');
        if (ts.empty() || dot == std::string::npos || dot == 0 || ts.size() - dot - 1 > 9 ||
            ts.size() - dot - 1 < 6 || dot > 10)
            fail(file, line_no, "timestamp '" + ts + "' is not seconds.micro(or nano)seconds");
        std::string frac = ts.substr(dot + 1);
        frac.resize(9, '0');
        const uint64_t t_ns = std::stoull(ts.substr(0, dot)) * 1'000'000'000ull + std::stoull(frac);
        std::istringstream fields(text.substr(ev_at + event.size() + 2));
        std::vector<std::string> words;
        for (std::string w; fields >> w;)
            words.push_back(w);
        if (event.compare(0, 4, "i2c_") == 0) {
            ++i2c_lines; // i2c-core's SMBus emulation beneath smbus_*: the same transfers
            continue;
        }
        if (words.empty() || words[0].compare(0, 4, "i2c-") != 0)
            fail(file, line_no, event + ": no adapter (i2c-N)");
        int adapter = 0;
        try {
            adapter = std::stoi(words[0].substr(4));
        } catch (const std::exception&) {
            fail(file, line_no, event + ": adapter '" + words[0] + "' is not i2c-N");
        }
        std::string a, f, c;
        unsigned long addr, flags, command;
        if (!field(words, "a", &a) || !hex_number(a, &addr) || !field(words, "f", &f) ||
            !hex_number(f, &flags) || !field(words, "c", &c) || !hex_number(c, &command))
            fail(file, line_no, event + ": a=, f= and c= must be hex numbers");
        if (addr > 0x7f)
            fail(file, line_no, event + ": a=" + a + " is not a 7-bit address");
        const std::string protocol = words.size() > 4 ? words[4] : "";
        any = true;
        if (event == "smbus_write" || event == "smbus_read") {
            CapturedTransfer t;
            t.addr7 = static_cast<uint8_t>(addr);
            t.adapter = adapter;
            t.command = static_cast<uint8_t>(command);
            t.start_ns = t.end_ns = t_ns;
            t.pec = flags & kI2cClientPec;
            const bool block = protocol == "BLOCK_DATA";
            t.op = event == "smbus_write" ? (block ? "block_write" : "i2c_write")
                                          : (block ? "block_read" : "i2c_read");
            if (event == "smbus_write") {
                // buf is data->block: the count, then the data (len = block[0] + 1).
                std::string l;
                Bytes buf;
                if (!field(words, "l", &l) || words.empty() || !dash_hex(words.back(), &buf))
                    fail(file, line_no, "smbus_write: l= and the [..] bytes are required");
                if (block && !buf.empty()) {
                    t.count = buf[0];
                    t.data.assign(buf.begin() + 1, buf.end());
                } else {
                    t.data = buf;
                }
            }
            open[adapter] = t;
        } else if (event == "smbus_reply") {
            Bytes buf;
            if (words.empty() || !dash_hex(words.back(), &buf))
                fail(file, line_no, "smbus_reply: the [..] bytes are required");
            // A block's buf is its count, then the data; a Receive Byte's (BYTE) the byte.
            const auto it = open.find(adapter);
            if (it != open.end() && !buf.empty() && std::string(it->second.op) == "block_read") {
                it->second.count = buf[0];
                it->second.data.assign(buf.begin() + 1, buf.end());
            } else if (it != open.end()) {
                it->second.data = buf;
            }
        } else { // smbus_result
            std::string r;
            int res = 0;
            try {
                if (!field(words, "res", &r))
                    throw std::invalid_argument("res");
                res = std::stoi(r);
            } catch (const std::exception&) {
                fail(file, line_no, "smbus_result: res= must be a number");
            }
            const auto it = open.find(adapter);
            if (it == open.end()) {
                cap.notes.push_back("line " + std::to_string(line_no) +
                                    ": a result without its call (the trace starts mid-call)");
                continue;
            }
            CapturedTransfer t = std::move(it->second);
            open.erase(it);
            t.end_ns = t.master_done_ns = t_ns;
            t.errno_value = res;
            t.status = status_of_errno(res, smbus::host_adapter(controller));
            if (t.status != SmbusStatus::Ok && std::string(t.op) == "block_read")
                t.data.clear(); // what a failed read returns is not the BMC's
            if (t.status == SmbusStatus::BadPec)
                t.pec_ok = false;
            cap.transfers.push_back(std::move(t));
        }
        if (cap.transfers.empty() && open.size() == 1 && cap.begin_ns == 0)
            cap.begin_ns = t_ns;
        cap.end_ns = std::max(cap.end_ns, t_ns);
    }
    if (!any)
        fail(file, 0,
             "no smbus_write/smbus_read/smbus_reply/smbus_result line: not a kernel trace "
             "of i2c_smbus_xfer (record with 'trace-cmd record -e smbus -e i2c')");
    if (i2c_lines)
        cap.notes.push_back(std::to_string(i2c_lines) +
                            " i2c_* line(s): the messages of i2c-core's SMBus emulation, the same "
                            "transfers as the smbus_* lines");
    if (!open.empty())
        cap.notes.push_back(std::to_string(open.size()) + " call(s) without a result at the end");
    return cap;
}

} // namespace ssifsim::tools
