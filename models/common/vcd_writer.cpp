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
    : out_(out), scope_(std::move(scope)), timescale_ns_(timescale_ns) {
    buf_.reserve(kBufferBytes + 256);
}

VcdWriter::~VcdWriter() {
    drain();
}

void VcdWriter::put(std::string_view text) {
    buf_.append(text);
    if (buf_.size() >= kBufferBytes)
        drain();
}

void VcdWriter::put_time(uint64_t t) {
    char line[24];
    line[0] = '#';
    char* end = std::to_chars(line + 1, line + sizeof line - 1, t).ptr;
    *end++ = '\n';
    put(std::string_view(line, static_cast<size_t>(end - line)));
}

void VcdWriter::drain() {
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
}

int VcdWriter::add_signal(const std::string& name, unsigned width, uint64_t initial) {
    if (started_)
        throw std::logic_error("VcdWriter: signal added after the first change");
    signals_.push_back({name, vcd_id(signals_.size()), width, initial, initial, false});
    return static_cast<int>(signals_.size() - 1);
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
    char line[80]; // 'b', 64 bits, ' ', an id of a few characters, '\n'
    size_t n = 0;
    if (s.width == 1) {
        line[n++] = v ? '1' : '0';
    } else {
        line[n++] = 'b';
        int bit = static_cast<int>(s.width) - 1;
        while (bit > 0 && !((v >> bit) & 1)) // no leading zeros
            --bit;
        for (; bit >= 0; --bit)
            line[n++] = (v >> bit) & 1 ? '1' : '0';
        line[n++] = ' ';
    }
    for (char c : s.id)
        line[n++] = c;
    line[n++] = '\n';
    put(std::string_view(line, n));
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
    out_.flush();
    finished_ = true;
}

} // namespace ssifsim
