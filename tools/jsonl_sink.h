// Writes events as JSON Lines: {"t_ns":..,"src":..,"ev":.., fields...} one per line,
// streamed to the file as the run goes, a block at a time.
#pragma once

#include <array>
#include <fstream>
#include <memory>
#include <string>

#include "models/common/block_writer.h"
#include "models/common/event_log.h"

namespace ssifsim::tools {

class JsonlSink : public ssifsim::EventSink {
  public:
    explicit JsonlSink(std::ostream& out);
    ~JsonlSink() override; // flush()
    JsonlSink(const JsonlSink&) = delete;
    JsonlSink& operator=(const JsonlSink&) = delete;
    bool records_early(EventId) const override { return true; } // writes t_ns, in order
    bool records_all_early() const override { return true; }
    // Its src, ev and keys are static storage (Event, Field): the text a line holds besides
    // its time and values is kept by event id and reused while they stay at their addresses.
    void record(const Event& event) override;

    // One event as its JSON line (no newline); also used by tests. The line is what
    // nlohmann::ordered_json's dump() makes of the object t_ns, src, ev, then the fields in
    // order (a key given twice keeps its first place and its last value), bytes that are not
    // UTF-8 written as U+FFFD (output_text).
    static std::string format(const Event& event);

    // Writes every line recorded so far to the stream, and flushes it: call before closing
    // it. The lines go to the stream in blocks of at least kBlockBytes (one write each rather
    // than one a line), written by a thread of their own (BlockWriter: the kernel's copy of a
    // log of gigabytes runs beside the simulation); a follower of the file (tail -f) sees
    // them a block at a time.
    void flush();
    static constexpr size_t kBlockBytes = size_t{1} << 16;

  private:
    struct LineShape;
    class TimeText;
    // The shape kept for the event's id, made anew if the event does not fit it.
    const LineShape& shape_of(const Event& event);
    // The lines in block_ to writer_.
    void write_block();

    BlockWriter writer_;
    std::string block_; // the lines not yet written: the first used_ bytes
    size_t used_ = 0;
    std::array<std::unique_ptr<LineShape>, events::kCount> shapes_; // by event id
    std::unique_ptr<LineShape> other_shape_; // of an event outside the catalog
    std::unique_ptr<TimeText> time_;         // the last line's t_ns, as text
};

} // namespace ssifsim::tools
