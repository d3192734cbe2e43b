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

constexpr auto kPow10 = [] { // 10^0 .. 10^19: a stamp's 20 digits (kStampDigits)
    std::array<uint64_t, 20> pow10{};
    uint64_t v = 1;
    for (uint64_t& p : pow10) {
        p = v;
        v *= 10; // wraps after 10^19, which is not used
    }
    return pow10;
}();

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

inline uint64_t VcdWriter::step_digits(uint64_t step) {
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
    return cached->digits;
}

namespace {
// Eight decimal additions at once: in each byte d + e + 246 passes 255, carrying into the next
// byte, exactly when d + e and the carry in make 10 or more, and leaves d + e - 10; a byte that
// did not carry holds d + e + 246 (bit 7 set) and gives its 246 back. carried: whether the top
// digit carried out.
uint64_t add_digits(uint64_t digits, uint64_t step_digits, bool& carried) {
    const uint64_t sum = digits + step_digits + 246 * kOnes;
    const uint64_t no_carry = (sum >> 7) & kOnes;
    carried = (no_carry >> 56) == 0;
    return sum - 246 * no_carry;
}
} // namespace

inline bool VcdWriter::add_to_stamp(uint64_t step) {
    if (step >= 100000000)
        return false;
    bool carried;
    const uint64_t sum = add_digits(low_digits_, step_digits(step), carried);
    if (carried)
        return false; // the top digit carried into the high digits: set_stamp
    low_digits_ = sum;
    return true;
}

inline void VcdWriter::advance_stamp(uint64_t t) {
    // Stamps only grow, mostly by one or two quarter bits: adding the step to the last stamp's
    // low digits costs a few instructions where printing t anew divides out all ~13 (that was
    // a quarter of a VCD run's time).
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

inline void VcdWriter::HeldQueue::push(uint64_t t_ns, int signal, uint64_t value, bool is_run) {
    if (!empty() && t_ns < items_.back().t_ns)
        throw std::logic_error("VcdWriter: time went backwards");
    items_.push_back({t_ns, signal, is_run, value});
}

void VcdWriter::HeldQueue::replace_front(const Held* changes, size_t count) {
    const auto front = items_.begin() + static_cast<std::ptrdiff_t>(head_);
    items_.insert(items_.erase(front), changes, changes + count);
}

inline void VcdWriter::HeldQueue::pop(size_t count) {
    if ((head_ += count) == items_.size()) {
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
        if (from == &held_mirrored_ && from->front().is_run) {
            // A run is released all at once, when its last change is due (holding changes
            // longer moves none): then every own change among its changes is held.
            if (runs_[runs_head_].t_last > until_ns)
                return;
            if (release_run()) {
                held_mirrored_.pop();
                continue;
            } // else its changes stand in its place
        }
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

void VcdWriter::changes(const Change* list, size_t n) {
    // Is it a run? Its signals as a set (of the first 64: a run elsewhere is taken change by
    // change); this is per change, and kept to a few instructions.
    bool run = !finished_ && !holding_ && timescale_ns_ == 1 && n >= 2 && n <= kMaxRun &&
               list[0].t_ns > pending_t_;
    uint64_t set = 0, out_of_order = 0;
    for (size_t i = 0; run && i < n; ++i) {
        const uint64_t signal = static_cast<uint32_t>(list[i].signal); // a negative one: large
        out_of_order |= (signal >> 6) | (i > 0 && list[i].t_ns <= list[i - 1].t_ns);
        set |= uint64_t{1} << (signal & 63);
    }
    int sig[kRunSignals];
    size_t signals = 0;
    run = run && out_of_order == 0 && __builtin_popcountll(set) <= static_cast<int>(kRunSignals);
    for (uint64_t rest = set; run && rest != 0; rest &= rest - 1) {
        const int signal = __builtin_ctzll(rest);
        run = static_cast<size_t>(signal) < signals_.size() && signals_[signal].width == 1;
        sig[signals++] = signal;
    }
    if (!run) {
        for (size_t i = 0; i < n; ++i)
            change(list[i].t_ns, list[i].signal, list[i].value);
        return;
    }
    const size_t count = n - 1; // the last stays pending: another signal may join its time
    started_ = true;
    flush_pending(); // the changes at pending_t_, before the run

    // The mirror holds the text if it is its own file's text too: every signal mirrored
    // under the same identifier (and one time unit, checked as it is released).
    HeldRun held{list[0].t_ns, list[count - 1].t_ns, count, 0, 0, 0, signals, {}, {}, {}, {}};
    bool give_text = mirror_ && !mirror_->finished_;
    Signal* signal[kRunSignals] = {};
    for (size_t k = 0; k < signals; ++k) {
        signal[k] = &signals_[sig[k]];
        held.before[k] = signal[k]->written;
        held.source[k] = sig[k];
        if (give_text) {
            give_text =
                static_cast<size_t>(sig[k]) < mirror_ids_.size() &&
                std::memcmp(signal[k]->id_line, mirror_->signals_[mirror_ids_[sig[k]]].id_line,
                            sizeof signal[k]->id_line) == 0;
            held.signal[k] = give_text ? mirror_ids_[sig[k]] : -1;
        }
    }

    constexpr size_t kRunLineMax = kStampLineMax + 1 + sizeof(Signal::id_line);
    char* const begin = reserve_line(count * kRunLineMax);
    char* p = begin;
    // Mostly the run's stamps keep the digits above the eighth-last of the last one (a byte
    // takes 90 us at 100 kHz; those digits change every 100 ms), and so its length: then each
    // stamp is that prefix, written whole, and the eight low digits advanced by its step.
    const uint64_t t_last = held.t_last;
    if (stamp_len_ > 8 && stamp_value_ / 100000000 == t_last / 100000000) {
        char prefix[16];
        prefix[0] = '#';
        const size_t prefix_len = 1 + stamp_len_ - 8;
        std::memcpy(prefix + 1, high_digits_ + kHighDigits - (stamp_len_ - 8), 15);
        uint64_t low = low_digits_, last = stamp_value_;
        // The steps between stamps: mostly one or two quarter bits, kept here.
        uint64_t step[2] = {0, 0}, digits[2] = {0, 0};
        // The run's signals as locals (a store through p may alias any member): by slot.
        uint8_t slot_of[64];
        uint64_t written[kRunSignals], id_line[kRunSignals], id_len[kRunSignals];
        for (size_t k = 0; k < signals; ++k) {
            slot_of[sig[k]] = static_cast<uint8_t>(k);
            written[k] = signal[k]->written;
            std::memcpy(&id_line[k], signal[k]->id_line, sizeof id_line[k]);
            id_len[k] = signal[k]->id_line_len;
        }
        for (size_t i = 0; i < count; ++i) {
            const uint64_t t = list[i].t_ns, value = list[i].value;
            const size_t k = slot_of[list[i].signal];
            if (value == written[k])
                continue; // as flush_pending: no line, and no stamp for this time
            const uint64_t t_step = t - last;
            if (t_step != step[0]) {
                std::swap(step[0], step[1]);
                std::swap(digits[0], digits[1]);
                if (t_step != step[0]) {
                    step[0] = t_step;
                    digits[0] = step_digits(t_step);
                }
            }
            bool carried; // never: the high digits stay
            low = add_digits(low, digits[0], carried);
            last = t;
            std::memcpy(p, prefix, sizeof prefix);
            p += prefix_len;
            store_digits(p, low);
            p[8] = '\n';
            p[9] = value ? '1' : '0';
            std::memcpy(p + 10, &id_line[k], sizeof id_line[k]);
            p += 10 + id_len[k];
            written[k] = value;
        }
        for (size_t k = 0; k < signals; ++k)
            signal[k]->written = written[k];
        low_digits_ = low;
        stamp_value_ = last;
        if (p != begin) {
            stamped_t_ = last;
            held.last_stamp = last;
        }
    } else {
        for (size_t i = 0; i < count; ++i) {
            const Change& c = list[i];
            Signal& s = signals_[c.signal];
            if (c.value != s.written) {
                advance_stamp(c.t_ns);
                p = write_value(write_stamp(p), s, c.value);
                s.written = c.value;
                stamped_t_ = c.t_ns;
                held.last_stamp = c.t_ns;
            }
        }
    }
    for (size_t k = 0; k < signals; ++k)
        held.after[k] = signal[k]->pending = signal[k]->written;
    pending_t_ = held.t_last;
    if (give_text) {
        mirror_->hold_run(held, list, std::string_view(begin, static_cast<size_t>(p - begin)));
    } else if (mirror_) {
        for (size_t i = 0; i < count; ++i)
            if (static_cast<size_t>(list[i].signal) < mirror_ids_.size())
                mirror_->held_mirrored_.push(list[i].t_ns, mirror_ids_[list[i].signal],
                                             list[i].value);
    }
    commit_line(p);
    change(list[count].t_ns, list[count].signal, list[count].value);
}

void VcdWriter::hold_run(const HeldRun& held, const Change* list, std::string_view text) {
    held_mirrored_.push(held.t_first, -1, 0, true);
    if (runs_head_ == runs_.size()) { // nothing held: start over
        runs_.clear();
        runs_head_ = 0;
        runs_base_ += held_runs_.size();
        held_runs_.clear();
    }
    HeldRun& run = runs_.emplace_back(held);
    run.at = runs_base_ + held_runs_.size();
    run.text_size = text.size();
    held_runs_.append(reinterpret_cast<const char*>(list), run.changes * sizeof *list);
    held_runs_.append(text);
}

namespace {
// A held run's changes, copied out of held_runs_ (which keeps no alignment).
template <size_t N> struct RunChanges {
    VcdWriter::Change change[N];
    RunChanges(const char* at, size_t count) { std::memcpy(change, at, count * sizeof *change); }
};
} // namespace

bool VcdWriter::release_run() {
    const HeldRun& run = runs_[runs_head_];
    const char* const at = held_runs_.data() + (run.at - runs_base_);
    const char* const text = at + run.changes * sizeof(Change);
    // The text is what change-by-change recording would write if nothing was written at or
    // after the run's first change (none moved to a later time) and the signals hold what the
    // source's did before the run.
    bool same = pending_t_ < run.t_first && timescale_ns_ == 1;
    if (same) {
        started_ = true;
        flush_pending(); // as recording the run's first change would
        for (size_t k = 0; k < run.signals; ++k)
            same = same && signals_[run.signal[k]].written == run.before[k];
    }
    // This writer's own changes up to the run's last, all held by now (release_held), on
    // signals of its own.
    size_t own = 0, changing = 0;
    for (; same && own < held_own_.size() && held_own_.at(own).t_ns <= run.t_last; ++own) {
        const Held& h = held_own_.at(own);
        same =
            std::find(run.signal, run.signal + run.signals, h.signal) == run.signal + run.signals;
        changing += signals_[h.signal].written != h.value;
    }
    if (same && changing == 0) {
        // They write nothing (BmcModule traces each of its signals at each slave event, mostly
        // as they were): the text goes whole.
        put(std::string_view(text, run.text_size));
        for (size_t k = 0; k < run.signals; ++k) {
            Signal& s = signals_[run.signal[k]];
            s.written = s.pending = run.after[k];
        }
        pending_t_ = run.t_last;
        if (run.text_size > 0) // (the stamp's digits follow at the next put_time's step)
            stamped_t_ = run.last_stamp;
        held_own_.pop(own);
    } else if (same) {
        release_run_around_own(run, at, own);
    } else {
        const RunChanges<kMaxRun> parts(at, run.changes);
        Held held[kMaxRun];
        for (size_t i = 0; i < run.changes; ++i) {
            const Change& c = parts.change[i];
            held[i] = {c.t_ns, run.mirrored(c.signal), false, c.value};
        }
        held_mirrored_.replace_front(held, run.changes);
    }
    if (++runs_head_ >= 1024 && 2 * runs_head_ >= runs_.size()) { // the released half goes
        const uint64_t keep_from =
            runs_head_ < runs_.size() ? runs_[runs_head_].at : runs_base_ + held_runs_.size();
        held_runs_.erase(0, keep_from - runs_base_);
        runs_base_ = keep_from;
        runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(runs_head_));
        runs_head_ = 0;
    }
    return same;
}

void VcdWriter::release_run_around_own(const HeldRun& run, const char* at, size_t own) {
    const std::string_view text(at + run.changes * sizeof(Change), run.text_size);
    const RunChanges<kMaxRun> parts(at, run.changes);
    size_t done = 0;    // the changes written
    size_t text_at = 0; // and their text's end
    // Writes the text of the changes up to `upto`, leaving this writer as recording them would.
    const auto write_up_to = [&](size_t upto) {
        if (upto == done)
            return;
        flush_pending(); // an own change recorded before them
        bool stamped = false;
        uint64_t last_stamp = 0;
        size_t end = text_at;
        for (size_t i = done; i < upto; ++i) {
            const Change& c = parts.change[i];
            Signal& s = signals_[run.mirrored(c.signal)];
            if (c.value != s.written) { // as in the source: a stamp line and a value line
                s.written = c.value;
                stamped = true;
                last_stamp = c.t_ns;
                end = text.find('\n', text.find('\n', end) + 1) + 1;
            }
            s.pending = s.written;
        }
        put(text.substr(text_at, end - text_at));
        text_at = end;
        pending_t_ = parts.change[upto - 1].t_ns;
        if (stamped)
            stamped_t_ = last_stamp;
        done = upto;
    };
    for (size_t o = 0; o < own; ++o) {
        const Held h = held_own_.at(o);
        size_t upto = done;
        while (upto < run.changes && parts.change[upto].t_ns <= h.t_ns) // mirrored first
            ++upto;
        write_up_to(upto);
        record(h.t_ns, h.signal, h.value);
    }
    write_up_to(run.changes);
    held_own_.pop(own);
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
