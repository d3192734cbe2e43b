#include "models/common/vcd_writer.h"

#include <algorithm>
#include <charconv>
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
      timescale_ns_(timescale_ns) {}

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

void VcdWriter::put_time(uint64_t t) {
    constexpr size_t kMax = 22; // '#', 20 digits, '\n'
    char* p = reserve_line(kMax);
    *p++ = '#';
    p = std::to_chars(p, p + kMax - 2, t).ptr;
    *p++ = '\n';
    commit_line(p);
}

void VcdWriter::drain() {
    if (used_ == 0)
        return;
    buf_.resize(used_);
    buf_ = writer_.write(std::move(buf_));
    buf_.resize(kBufferBytes + kLineMax);
    used_ = 0;
}

int VcdWriter::add_signal(const std::string& name, unsigned width, uint64_t initial,
                          std::vector<std::string> value_names) {
    if (started_)
        throw std::logic_error("VcdWriter: signal added after the first change");
    if (mirror_)
        mirror_ids_.push_back(mirror_->add_signal(name, width, initial, value_names));
    signals_.push_back(
        {name, vcd_id(signals_.size()), width, initial, initial, false, std::move(value_names)});
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
        write_value(s, s.written);
    }
    header_written_ = true;
}

void VcdWriter::write_value(const Signal& s, uint64_t v) {
    char* p = reserve_line(s.width + s.id.size() + 3); // 'b', the bits, ' ', the id, '\n'
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
    for (char c : s.id)
        *p++ = c;
    *p++ = '\n';
    commit_line(p);
}

void VcdWriter::flush_pending() {
    if (!header_written_)
        write_header();
    bool stamped = false;
    for (int index : dirty_list_) {
        Signal& s = signals_[index];
        s.dirty = false;
        if (s.pending == s.written)
            continue;
        if (!stamped && pending_t_ != stamped_t_) {
            put_time(pending_t_ / timescale_ns_);
            stamped_t_ = pending_t_;
        }
        stamped = true;
        write_value(s, s.pending);
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
        hold(mirror_->held_mirrored_, t_ns, mirror_ids_[signal], value);
    if (!holding_) {
        record(t_ns, signal, value);
        return;
    }
    hold(held_own_, t_ns, signal, value);
    if (t_ns > max_lag_ns_) // nothing mirrored will come max_lag_ns before an own change
        release_held(t_ns - max_lag_ns_);
}

void VcdWriter::hold(std::deque<Held>& queue, uint64_t t_ns, int signal, uint64_t value) {
    if (!queue.empty() && t_ns < queue.back().t_ns)
        throw std::logic_error("VcdWriter: time went backwards");
    queue.push_back({t_ns, signal, value});
}

void VcdWriter::release_held(uint64_t until_ns) {
    for (;;) {
        // The earlier of the two fronts; at one time, the mirrored change first.
        std::deque<Held>* from = nullptr;
        if (!held_mirrored_.empty() && held_mirrored_.front().t_ns <= until_ns)
            from = &held_mirrored_;
        if (!held_own_.empty() && held_own_.front().t_ns <= until_ns &&
            (!from || held_own_.front().t_ns < from->front().t_ns))
            from = &held_own_;
        if (!from)
            return;
        const Held h = from->front();
        from->pop_front();
        // A change later than promised is written at the latest time written (never
        // backwards).
        record(std::max(h.t_ns, pending_t_), h.signal, h.value);
    }
}

void VcdWriter::record(uint64_t t_ns, int signal, uint64_t value) {
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
        put_time(t_end_ns / timescale_ns_);
    drain();
    writer_.flush();
    finished_ = true;
}

} // namespace ssifsim
