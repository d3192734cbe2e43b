#include "models/common/vcd_writer.h"

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
    : out_(out), scope_(std::move(scope)), timescale_ns_(timescale_ns) {}

int VcdWriter::add_signal(const std::string& name, unsigned width, uint64_t initial) {
    if (started_)
        throw std::logic_error("VcdWriter: signal added after the first change");
    signals_.push_back({name, vcd_id(signals_.size()), width, initial, initial, false});
    return static_cast<int>(signals_.size() - 1);
}

void VcdWriter::write_header() {
    out_ << "$timescale " << timescale_ns_ << " ns $end\n";
    out_ << "$scope module " << scope_ << " $end\n";
    for (const Signal& s : signals_)
        out_ << "$var wire " << s.width << ' ' << s.id << ' ' << s.name << " $end\n";
    out_ << "$upscope $end\n$enddefinitions $end\n#0\n";
    // Changes made at time 0 are the initial values: one value per signal at #0.
    for (Signal& s : signals_) {
        if (pending_t_ == 0 && s.dirty)
            s.written = s.pending;
        write_value(s, s.written);
    }
    header_written_ = true;
}

void VcdWriter::write_value(const Signal& s, uint64_t v) {
    if (s.width == 1) {
        out_ << (v ? '1' : '0') << s.id << '\n';
        return;
    }
    out_ << 'b';
    bool leading = true;
    for (int bit = static_cast<int>(s.width) - 1; bit >= 0; --bit) {
        bool one = (v >> bit) & 1;
        if (leading && !one && bit > 0)
            continue;
        leading = false;
        out_ << (one ? '1' : '0');
    }
    out_ << ' ' << s.id << '\n';
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
            out_ << '#' << pending_t_ / timescale_ns_ << '\n';
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
        out_ << '#' << t_end_ns / timescale_ns_ << '\n';
    out_.flush();
    finished_ = true;
}

} // namespace ssifsim
