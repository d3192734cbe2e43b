// A one-line status on a terminal, redrawn in place: '\r', the text, and blanks over what a
// longer line before it left; blanked again when done (clear, or on destruction, also when an
// exception passes). Text and blanks stop one column short of the terminal's width
// (TIOCGWINSZ, asked at each draw, so a narrowed terminal is followed): a line that wrapped
// would leave a row behind at each redraw. `run`'s progress, bench's and sweep's bar draw with it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <sys/ioctl.h>

namespace ssifsim::tools {

class StatusLine {
  public:
    // out: the terminal's stream (null draws nothing); fd: its file descriptor, for its width.
    StatusLine(std::ostream* out, int fd) : out_(out), fd_(fd) {}
    ~StatusLine() { clear(); }
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    void draw(std::string text) {
        if (!out_)
            return;
        const size_t room = columns();
        text.resize(std::min(text.size(), room));
        width_ = std::max(width_, text.size());
        *out_ << "\r" << text << std::string(std::min(width_, room) - text.size(), ' ')
              << std::flush;
    }
    void clear() {
        if (out_ && width_ > 0)
            *out_ << "\r" << std::string(std::min(width_, columns()), ' ') << "\r" << std::flush;
        width_ = 0;
    }

  private:
    // The columns a line may take: the terminal's width less one; unlimited if fd_ is not a
    // terminal or does not say.
    size_t columns() const {
        winsize size{};
        if (ioctl(fd_, TIOCGWINSZ, &size) != 0 || size.ws_col == 0)
            return SIZE_MAX;
        return size.ws_col - 1u;
    }

    std::ostream* out_;
    int fd_;
    size_t width_ = 0; // the longest line drawn: what clear() and a shorter line blank out
};

} // namespace ssifsim::tools
