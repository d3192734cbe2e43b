// Writes events as JSON Lines: {"t_ns":..,"src":..,"ev":.., fields...} one per line,
// streamed to the file as they happen.
#pragma once

#include <fstream>
#include <string>

#include "models/common/event_log.h"

namespace ssifsim::tools {

class JsonlSink : public ssifsim::EventSink {
  public:
    explicit JsonlSink(std::ostream& out) : out_(out) {}
    bool records_early(EventId) const override { return true; } // writes t_ns, in order
    bool records_all_early() const override { return true; }
    void record(const Event& event) override;

    // One event as its JSON line (no newline); also used by tests.
    static std::string format(const Event& event);

  private:
    std::ostream& out_;
};

} // namespace ssifsim::tools
