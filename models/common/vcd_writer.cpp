#include "models/common/vcd_writer.h"

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

void VcdWriter::change(uint64_t t_ns, int signal, uint64_t value) {
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
    flush_pending();
    if (t_end_ns > stamped_t_)
        put_time(t_end_ns / timescale_ns_);
    drain();
    writer_.flush();
    finished_ = true;
}

} // namespace ssifsim
