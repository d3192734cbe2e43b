#include "models/common/vcd_writer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace ssifsim {

namespace {
// VCD identifier codes: printable ASCII '!'..'~', base 94.
std::string vcd_id(size_t index) {
    std::string id;
    do {
        id += static_cast<char>('!' + index % 94);
        index /= 94;
    } while (index > 0);
    return id;
}
} // namespace

VcdWriter::VcdWriter(std::ostream& out, std::string scope, uint64_t timescale_ns)
    : writer_(out), buf_(kBufferBytes + kLineMax, '\0'), scope_(std::move(scope)),
      timescale_ns_(timescale_ns) {
    std::fill(std::begin(high_digits_), std::end(high_digits_), '0');
}

VcdWriter::~VcdWriter() {
    drain();
}

void VcdWriter::put(std::string_view text) {
    if (used_ + text.size() > buf_.size())
        drain();
    if (text.size() > buf_.size())
        buf_.resize(text.size());
    text.copy(buf_.data() + used_, text.size());
    used_ += text.size();
}

char* VcdWriter::reserve_line(size_t max_chars) {
    if (used_ + max_chars > buf_.size())
        drain();
    return buf_.data() + used_;
}

void VcdWriter::commit_line(const char* end) {
    used_ = static_cast<size_t>(end - buf_.data());
    if (used_ >= kBufferBytes)
        drain();
}

namespace {
constexpr uint64_t kOnes = 0x0101010101010101; // 1 in each byte

// Stores eight digits held one per byte, the least significant in the low byte, as ASCII.
void store_digits(char* p, uint64_t digits) {
    uint64_t v = digits + '0' * kOnes;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    std::memcpy(p, &v, sizeof v);
}
} // namespace

void VcdWriter::set_stamp(uint64_t t) {
    low_digits_ = 0;
    for (int shift = 0; shift < 64; shift += 8, t /= 10)
        low_digits_ |= (t % 10) << shift;
    for (size_t i = kHighDigits; i-- > 0; t /= 10)
        high_digits_[i] = static_cast<char>('0' + t % 10);
}

inline bool VcdWriter::add_to_stamp(uint64_t step) {
    if (step >= 100000000)
        return false;
    Step* cached = std::find_if(std::begin(steps_), std::end(steps_),
                                [step](const Step& s) { return s.step == step; });
    if (cached == std::end(steps_)) {
        cached = &steps_[next_step_];
        next_step_ = (next_step_ + 1) % std::size(steps_);
        cached->step = step;
        cached->digits = 0;
        for (int shift = 0; step != 0; step /= 10, shift += 8)
            cached->digits |= (step % 10) << shift;
    }
    // Eight decimal additions at once: in each byte d + e + 246 passes 255, carrying into the
    // next byte, exactly when d + e and the carry in make 10 or more, and leaves d + e - 10; a
    // byte that did not carry holds d + e + 246 (bit 7 set) and gives its 246 back.
    const uint64_t sum = low_digits_ + cached->digits + 246 * kOnes;
    const uint64_t no_carry = (sum >> 7) & kOnes;
    if ((no_carry >> 56) == 0)
        return false; // the top digit carried into the high digits: set_stamp
    low_digits_ = sum - 246 * no_carry;
    return true;
}

inline void VcdWriter::advance_stamp(uint64_t t) {
    // Stamps only grow, mostly by one or two quarter bits: adding the step to the last stamp's
    // low digits costs a few instructions where printing t anew divides out all ~13 (that was
    // a quarter of a VCD run's time).
    static constexpr auto kPow10 = [] {
        std::array<uint64_t, kStampDigits> pow10{};
        uint64_t v = 1;
        for (uint64_t& p : pow10) {
            p = v;
            v *= 10; // wraps after 10^19, which is not used
        }
        return pow10;
    }();
    if (!add_to_stamp(t - stamp_value_))
        set_stamp(t);
    stamp_value_ = t;
    while (stamp_len_ < kStampDigits && t >= kPow10[stamp_len_])
        ++stamp_len_;
}

inline char* VcdWriter::write_stamp(char* p) const {
    // Each part written from where it is kept: the low digits straight from the register,
    // not from memory they were just stored to (a load spanning a fresh store stalls).
    *p++ = '#';
    if (stamp_len_ > 8) {
        const size_t high = stamp_len_ - 8;
        std::memcpy(p, high_digits_ + kHighDigits - high, 16); // and what follows them
        p += high;
    }
    if (stamp_len_ >= 8) {
        store_digits(p, low_digits_);
        p += 8;
    } else {
        char low[8];
        store_digits(low, low_digits_);
        std::memcpy(p, low + 8 - stamp_len_, stamp_len_);
        p += stamp_len_;
    }
    *p++ = '\n';
    return p;
}

inline void VcdWriter::put_time(uint64_t t) {
    advance_stamp(t);
    commit_line(write_stamp(reserve_line(kStampLineMax)));
}

void VcdWriter::drain() {
    if (used_ == 0)
        return;
    buf_ = writer_.write(std::move(buf_), used_);
    used_ = 0;
}

int VcdWriter::add_signal(const std::string& name, unsigned width, uint64_t initial,
                          std::vector<std::string> value_names) {
    if (started_)
        throw std::logic_error("VcdWriter: signal added after the first change");
    if (mirror_)
        mirror_ids_.push_back(mirror_->add_signal(name, width, initial, value_names));
    Signal s{name,  vcd_id(signals_.size()), {}, 0, width, initial, initial,
             false, std::move(value_names)};
    if (s.id.size() + 1 > sizeof s.id_line)
        throw std::length_error("VcdWriter: too many signals");
    s.id.copy(s.id_line, s.id.size());
    s.id_line[s.id.size()] = '\n';
    s.id_line_len = s.id.size() + 1;
    signals_.push_back(std::move(s));
    return static_cast<int>(signals_.size() - 1);
}

std::vector<VcdWriter::SignalInfo> VcdWriter::signals() const {
    std::vector<SignalInfo> out;
    for (const Signal& s : signals_)
        out.push_back({s.name, s.width, s.value_names});
    return out;
}

void VcdWriter::write_header() {
    put("$timescale " + std::to_string(timescale_ns_) + " ns $end\n");
    put("$scope module " + scope_ + " $end\n");
    for (const Signal& s : signals_)
        put("$var wire " + std::to_string(s.width) + ' ' + s.id + ' ' + s.name + " $end\n");
    put("$upscope $end\n$enddefinitions $end\n#0\n");
    // Changes made at time 0 are the initial values: one value per signal at #0.
    for (Signal& s : signals_) {
        if (pending_t_ == 0 && s.dirty)
            s.written = s.pending;
        put_value(s, s.written);
    }
    header_written_ = true;
}

inline char* VcdWriter::write_value(char* p, const Signal& s, uint64_t v) {
    if (s.width == 1) {
        *p++ = v ? '1' : '0';
    } else {
        *p++ = 'b';
        int bit = static_cast<int>(s.width) - 1;
        while (bit > 0 && !((v >> bit) & 1)) // no leading zeros
            --bit;
        for (; bit >= 0; --bit)
            *p++ = (v >> bit) & 1 ? '1' : '0';
        *p++ = ' ';
    }
    std::memcpy(p, s.id_line, sizeof s.id_line);
    return p + s.id_line_len;
}

inline void VcdWriter::put_value(const Signal& s, uint64_t v) {
    // 'b', the bits, ' ', id_line
    commit_line(write_value(reserve_line(s.width + 2 + sizeof s.id_line), s, v));
}

inline void VcdWriter::flush_pending() {
    if (!header_written_)
        write_header();
    for (int index : dirty_list_) {
        Signal& s = signals_[index];
        s.dirty = false;
        if (s.pending == s.written)
            continue;
        if (pending_t_ != stamped_t_) { // the first value written at this time
            put_time(units(pending_t_));
            stamped_t_ = pending_t_;
        }
        put_value(s, s.pending);
        s.written = s.pending;
    }
    dirty_list_.clear();
}

void VcdWriter::mirror_to(VcdWriter* other, uint64_t max_lag_ns) {
    mirror_ = other;
    other->holding_ = true;
    other->max_lag_ns_ = std::max(other->max_lag_ns_, max_lag_ns);
}

void VcdWriter::change(uint64_t t_ns, int signal, uint64_t value) {
    if (finished_)
        return; // the file is complete
    if (mirror_ && static_cast<size_t>(signal) < mirror_ids_.size())
        mirror_->held_mirrored_.push(t_ns, mirror_ids_[signal], value);
    if (!holding_) {
        record(t_ns, signal, value);
        return;
    }
    held_own_.push(t_ns, signal, value);
    if (t_ns > max_lag_ns_) // nothing mirrored will come max_lag_ns before an own change
        release_held(t_ns - max_lag_ns_);
}

inline void VcdWriter::HeldQueue::push(uint64_t t_ns, int signal, uint64_t value) {
    if (!empty() && t_ns < items_.back().t_ns)
        throw std::logic_error("VcdWriter: time went backwards");
    items_.push_back({t_ns, signal, value});
}

inline void VcdWriter::HeldQueue::pop() {
    if (++head_ == items_.size()) {
        items_.clear();
        head_ = 0;
    } else if (head_ >= 4096 && 2 * head_ >= items_.size()) { // the popped half goes
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
}

void VcdWriter::release_held(uint64_t until_ns) {
    for (;;) {
        // The earlier of the two fronts; at one time, the mirrored change first.
        HeldQueue* from = nullptr;
        if (!held_mirrored_.empty() && held_mirrored_.front().t_ns <= until_ns)
            from = &held_mirrored_;
        if (!held_own_.empty() && held_own_.front().t_ns <= until_ns &&
            (!from || held_own_.front().t_ns < from->front().t_ns))
            from = &held_own_;
        if (!from)
            return;
        const Held h = from->front();
        from->pop();
        // A change later than promised is written at the latest time written (never
        // backwards).
        record(std::max(h.t_ns, pending_t_), h.signal, h.value);
    }
}

inline void VcdWriter::record(uint64_t t_ns, int signal, uint64_t value) {
    started_ = true;
    if (t_ns < pending_t_)
        throw std::logic_error("VcdWriter: time went backwards");
    if (t_ns != pending_t_) {
        flush_pending();
        pending_t_ = t_ns;
    }
    Signal& s = signals_[signal];
    s.pending = value;
    if (!s.dirty) {
        s.dirty = true;
        dirty_list_.push_back(signal);
    }
}

void VcdWriter::finish(uint64_t t_end_ns) {
    if (finished_)
        return;
    release_held(UINT64_MAX);
    flush_pending();
    if (t_end_ns > stamped_t_)
        put_time(units(t_end_ns));
    drain();
    writer_.flush();
    finished_ = true;
}

} // namespace ssifsim
