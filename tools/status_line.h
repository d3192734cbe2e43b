// A one-line status on a terminal, redrawn in place: '\r', the text, and blanks over what a
// longer line before it left; blanked again when done (clear, or on destruction, also when an
// exception passes). `run`'s progress and bench's draw theirs with it.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>

namespace ssifsim::tools {

class StatusLine {
  public:
    // out: the terminal's stream; null draws nothing.
    explicit StatusLine(std::ostream* out) : out_(out) {}
    ~StatusLine() { clear(); }
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    void draw(const std::string& text) {
        if (!out_)
            return;
        width_ = std::max(width_, text.size());
        *out_ << "\r" << text << std::string(width_ - text.size(), ' ') << std::flush;
    }
    void clear() {
        if (out_ && width_ > 0)
            *out_ << "\r" << std::string(width_, ' ') << "\r" << std::flush;
        width_ = 0;
    }

  private:
    std::ostream* out_;
    size_t width_ = 0; // the longest line drawn: what clear() and a shorter line blank out
};

} // namespace ssifsim::tools
