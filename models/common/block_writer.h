// Writes blocks of bytes to an ostream from a thread of its own, so that the kernel's copy
// of a multi-gigabyte waveform runs on the second core beside the simulation instead of
// after each block. Memory stays bounded: at most kMaxQueued blocks wait; a writer that gets
// ahead waits for the thread. The bytes and their order are exactly what was handed in.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace ssifsim {

// Wall nanoseconds, in all, that this process's writers have waited for a BlockWriter's thread:
// in write() with kMaxQueued blocks queued (the file system behind the thread is slower than
// what fills them), and in flush(). What bench reports of a waveform run's time.
uint64_t block_writer_wait_ns();

class BlockWriter {
  public:
    static constexpr size_t kMaxQueued = 8;

    explicit BlockWriter(std::ostream& out);
    ~BlockWriter();
    BlockWriter(const BlockWriter&) = delete;
    BlockWriter& operator=(const BlockWriter&) = delete;

    // Queues the first `size` bytes of `block` (waiting while kMaxQueued are queued) and hands
    // back a buffer as long as `block` to fill next: one written before, or a new one. Reusing a
    // buffer whole, rather than a string cleared and resized, spares zeroing a megabyte per block.
    std::string write(std::string&& block, size_t size);
    // Returns when everything queued is in the stream, flushed.
    void flush();

  private:
    void run();
    // changed_.wait(lock, done), its time added to block_writer_wait_ns() if it waits.
    template <typename Done> void wait_counted(std::unique_lock<std::mutex>& lock, Done done);

    struct Block {
        std::string bytes;
        size_t size; // the part of `bytes` to write
    };

    std::ostream& out_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Block> queue_;
    std::deque<std::string> spare_; // written blocks, kept for reuse
    bool writing_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ssifsim
