// A streaming VCD writer. It writes only what Debian's sigrok-cli 0.7.2 VCD reader accepts
// when every signal is 1 bit wide (libsigrok 0.5.2's VCD input): no $comment after $enddefinitions,
// no $dumpvars, and plain 0/1 values; initial values are written at #0 as ordinary changes.
// Vector signals are written as b... values, which GTKWave reads (sigrok does not).
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/block_writer.h"

namespace ssifsim {

class VcdWriter {
  public:
    // timescale_ns: the VCD time unit in nanoseconds (1 ns or coarser).
    VcdWriter(std::ostream& out, std::string scope, uint64_t timescale_ns = 1);
    ~VcdWriter();
    VcdWriter(const VcdWriter&) = delete;
    VcdWriter& operator=(const VcdWriter&) = delete;

    // Declares a signal before the first change; returns its handle. value_names[v], if
    // given, names value v (a state), for viewers' translate tables.
    int add_signal(const std::string& name, unsigned width, uint64_t initial,
                   std::vector<std::string> value_names = {});

    // The declared signals, in order: what a viewer's save file may reference.
    struct SignalInfo {
        std::string name;
        unsigned width;
        std::vector<std::string> value_names;
    };
    std::vector<SignalInfo> signals() const;
    const std::string& scope() const { return scope_; }

    // Records a change at time t_ns. Times never go backwards; several changes of one
    // signal at one time keep the last; a change to the current value writes nothing.
    void change(uint64_t t_ns, int signal, uint64_t value);

    // One change, for changes().
    struct Change {
        uint64_t t_ns;
        int signal;
        uint64_t value;
    };
    // Records list[0..n) in order: the same file as change() for each (times in ns; throws
    // as change() does when a time goes backwards). A run of 1-bit changes each at a time of
    // its own, after every change before it (a wire trace's byte), is formatted in one pass,
    // and the writer this one mirrors into copies that text (in parts around its own
    // changes) rather than formatting it again: a byte's 27 wire changes cost one call, not
    // 27 through the held and pending bookkeeping of both files.
    void changes(const Change* list, size_t n);

    // Mirrors every signal declared from now on, and its changes, into `other` too (under the
    // same names): one file with this writer's waveforms besides its own. This writer's
    // changes may lie up to max_lag_ns before `other`'s latest own change (a wire trace draws
    // a byte's bits when its ACK is due) or anywhere after it: `other` then holds every
    // change in time order until its own changes are max_lag_ns past it, or it finishes.
    void mirror_to(VcdWriter* other, uint64_t max_lag_ns);

    // Flushes pending changes and writes a final timestamp so viewers show the tail; later
    // changes are ignored.
    void finish(uint64_t t_end_ns);

  private:
    struct Held {
        uint64_t t_ns;
        int signal;
        bool is_run; // stands for a run of changes: the front of runs_
        uint64_t value;
    };
    // Each source's changes come in time order (a writer's times never go backwards), so the
    // held changes are two queues merged as they are released. A vector read from `head`:
    // a wire change is pushed and popped once each, cheaper than a deque's.
    class HeldQueue {
      public:
        bool empty() const { return head_ == items_.size(); }
        const Held& front() const { return items_[head_]; }
        size_t size() const { return items_.size() - head_; }
        const Held& at(size_t i) const { return items_[head_ + i]; }
        // Throws if t_ns goes backwards.
        void push(uint64_t t_ns, int signal, uint64_t value, bool is_run = false);
        void pop(size_t count = 1);
        // The front entry replaced by `count` changes (in time order, from its time on).
        void replace_front(const Held* changes, size_t count);

      private:
        std::vector<Held> items_;
        size_t head_ = 0;
    };
    void record(uint64_t t_ns, int signal, uint64_t value);
    void release_held(uint64_t until_ns); // the held changes up to until_ns, in time order

    // changes(): a run (each change at a time of its own, after everything recorded, on at
    // most kRunSignals 1-bit signals among the first 64) is formatted in one pass. Its text
    // covers all but its last change, which stays pending (another signal may change at its
    // time); the writer mirrored into holds a copy of that text with the run's changes
    // (HeldRun) and writes it whole, or in parts around its own changes, or (where the copy
    // would not be its own text) records the changes one by one.
    static constexpr size_t kMaxRun = 64;
    static constexpr size_t kRunSignals = 4;
    struct HeldRun {
        uint64_t t_first, t_last; // of the changes the text covers
        size_t changes;           // how many
        uint64_t at;              // in held_runs_ from runs_base_: the changes, the text
        size_t text_size;         // 0: no line; else the last stamp is last_stamp
        uint64_t last_stamp;
        size_t signals;
        int source[kRunSignals];                          // the run's signals: the source's handles
        int signal[kRunSignals];                          // and this writer's
        uint64_t before[kRunSignals], after[kRunSignals]; // their written values around it
        // This writer's handle of the run's signal `source_handle` (one of source[]).
        int mirrored(int source_handle) const {
            return signal[std::find(source, source + signals, source_handle) - source];
        }
    };
    // The mirror's part: holds the run's first run.changes changes behind one held entry,
    // with their text (a stamp line and a value line for each change that wrote one).
    void hold_run(const HeldRun& held, const Change* list, std::string_view text);
    // release_held, at a held run once its last change is due: writes it. Returns false
    // (having written nothing) where change-by-change recording could write other bytes than
    // its text: something was written at or after its first change (a change moved to a
    // later time) or a signal stands otherwise than in the source; then the run's changes
    // replace its entry, to be recorded one by one.
    bool release_run();
    // release_run's part when this writer's own changes fall among the run's: the text in
    // parts, each own change recorded at its place (mirrored first at one time).
    // `at`: the run's changes in held_runs_, its text after them.
    void release_run_around_own(const HeldRun& run, const char* at, size_t own);
    struct Signal {
        std::string name;
        std::string id;
        // The value line's tail: the id and '\n', copied whole (ids of up to 7 characters:
        // 94^7 signals).
        char id_line[8];
        size_t id_line_len;
        unsigned width;
        uint64_t written;
        uint64_t pending;
        bool dirty;
        std::vector<std::string> value_names;
    };
    void write_header();
    void flush_pending();
    uint64_t units(uint64_t t_ns) const { return timescale_ns_ == 1 ? t_ns : t_ns / timescale_ns_; }
    // A value line ("1!", "b101 #") written at p; returns its end. Room: s.width + 2 + 8.
    static char* write_value(char* p, const Signal& s, uint64_t v);
    void put_value(const Signal& s, uint64_t v);
    // The file is written in large blocks from buf_, by a thread of its own: a wire trace
    // makes three changes per bus bit, and writing each would cost more than the simulation.
    static constexpr size_t kBufferBytes = 1 << 20;
    static constexpr size_t kLineMax = 128; // a value line: 'b', 64 bits, ' ', an id, '\n'

    void put(std::string_view text);
    // A line written in place: room for max_chars after the used part of buf_, then the
    // used part ends at `end`.
    char* reserve_line(size_t max_chars);
    void commit_line(const char* end);
    void put_time(uint64_t t); // "#t\n"; t at least the last one put_time wrote
    // The stamp's digits set to t (at least the last stamp); then write_stamp writes "#t\n"
    // at p, in at most kStampLineMax bytes, and returns its end.
    void advance_stamp(uint64_t t);
    char* write_stamp(char* p) const;
    void drain();

    BlockWriter writer_;
    std::string buf_; // kBufferBytes + kLineMax long; the first used_ bytes are data
    size_t used_ = 0;
    std::string scope_;
    uint64_t timescale_ns_;
    std::vector<Signal> signals_;
    std::vector<int> dirty_list_;
    bool started_ = false;        // a change was recorded: no more signals
    bool header_written_ = false; // written at the first flush, with the values at time 0
    uint64_t pending_t_ = 0;
    uint64_t stamped_t_ = 0; // the last '#t' written (the header writes #0)
    // The last timestamp put_time wrote, in timescale units: its eight low decimal digits in
    // low_digits_, one per byte, the least significant in the low byte (add_to_stamp adds to
    // them in a register), and the twelve above as ASCII with leading '0's in high_digits_,
    // whose last 16 bytes a line copies whole. stamp_len_: how many digits the number has.
    static constexpr size_t kStampDigits = 20, kHighDigits = kStampDigits - 8;
    static constexpr size_t kStampLineMax = kStampDigits + 16; // the copies' whole words
    uint64_t stamp_value_ = 0;
    uint64_t low_digits_ = 0;
    char high_digits_[kHighDigits + 16];
    size_t stamp_len_ = 1;
    bool add_to_stamp(uint64_t step);    // false: step too large or a carry past 8 digits
    uint64_t step_digits(uint64_t step); // step (< 10^8) one digit a byte, from steps_
    void set_stamp(uint64_t t);
    // Steps between stamps as add_to_stamp adds them: one decimal digit per byte, the least
    // significant in the low byte. A wire trace steps by one, two or three quarter bits.
    struct Step {
        uint64_t step;
        uint64_t digits;
    };
    Step steps_[4] = {{0, 0}, {0, 0}, {0, 0}, {0, 0}};
    size_t next_step_ = 0; // the entry a new step replaces
    bool finished_ = false;
    VcdWriter* mirror_ = nullptr;
    std::vector<int> mirror_ids_; // this writer's signal -> its handle in mirror_
    // A writer mirrored into holds its changes for this long (mirror_to), in time order.
    bool holding_ = false;
    uint64_t max_lag_ns_ = 0;
    HeldQueue held_own_, held_mirrored_;
    std::vector<HeldRun> runs_; // from runs_head_, in time order
    size_t runs_head_ = 0;
    std::string held_runs_;  // each run's changes and text, in runs_' order
    uint64_t runs_base_ = 0; // the position of held_runs_[0] in all ever held
};

} // namespace ssifsim
