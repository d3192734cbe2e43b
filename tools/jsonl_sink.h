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

    // One event as its JSON line (no newline); also used by tests. The line is what
    // nlohmann::ordered_json's dump() makes of the object t_ns, src, ev, then the fields in
    // order (a key given twice keeps its first place and its last value); it throws as
    // dump() does (nlohmann::json::type_error 316) for a string that is not UTF-8.
    static std::string format(const Event& event);

  private:
    std::ostream& out_;
    std::string line_; // record()'s line: no allocation once it has room
};

} // namespace ssifsim::tools
