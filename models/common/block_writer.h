// Writes blocks of bytes to an ostream from a thread of its own, so that the kernel's copy
// of a multi-gigabyte waveform runs on the second core beside the simulation instead of
// after each block. Memory stays bounded: at most kMaxQueued blocks wait; a writer that gets
// ahead waits for the thread. The bytes and their order are exactly what was handed in.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace ssifsim {

class BlockWriter {
  public:
    static constexpr size_t kMaxQueued = 8;

    explicit BlockWriter(std::ostream& out);
    ~BlockWriter();
    BlockWriter(const BlockWriter&) = delete;
    BlockWriter& operator=(const BlockWriter&) = delete;

    // Queues `block` and hands back an empty string with capacity to fill next.
    std::string write(std::string&& block);
    // Returns when everything queued is in the stream, flushed.
    void flush();

  private:
    void run();

    std::ostream& out_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> queue_;
    std::deque<std::string> spare_; // written blocks, kept for their capacity
    bool writing_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ssifsim
