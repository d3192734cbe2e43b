#include "models/common/block_writer.h"

#include <atomic>
#include <chrono>

namespace ssifsim {

namespace {
std::atomic<uint64_t> g_wait_ns{0};
} // namespace

uint64_t block_writer_wait_ns() {
    return g_wait_ns.load(std::memory_order_relaxed);
}

BlockWriter::BlockWriter(std::ostream& out) : out_(out), thread_([this] { run(); }) {}

BlockWriter::~BlockWriter() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

template <typename Done>
void BlockWriter::wait_counted(std::unique_lock<std::mutex>& lock, Done done) {
    if (done())
        return; // timed only when it waits: reading the clock costs too
    const auto t0 = std::chrono::steady_clock::now();
    changed_.wait(lock, done);
    const auto waited = std::chrono::steady_clock::now() - t0;
    g_wait_ns.fetch_add(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count()),
        std::memory_order_relaxed);
}

std::string BlockWriter::write(std::string&& block, size_t size) {
    const size_t length = block.size();
    std::unique_lock<std::mutex> lock(mutex_);
    wait_counted(lock, [this] { return queue_.size() < kMaxQueued; });
    queue_.push_back({std::move(block), size});
    std::string next;
    if (!spare_.empty()) {
        next = std::move(spare_.front());
        spare_.pop_front();
    }
    lock.unlock();
    changed_.notify_all();
    if (next.size() != length)
        next.assign(length, '\0');
    return next;
}

void BlockWriter::flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    wait_counted(lock, [this] { return queue_.empty() && !writing_; });
    out_.flush();
}

void BlockWriter::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
        if (queue_.empty())
            return; // stopping, and nothing left
        Block block = std::move(queue_.front());
        queue_.pop_front();
        writing_ = true;
        lock.unlock();
        out_.write(block.bytes.data(), static_cast<std::streamsize>(block.size));
        lock.lock();
        writing_ = false;
        if (spare_.size() < kMaxQueued)
            spare_.push_back(std::move(block.bytes));
        changed_.notify_all();
    }
}

} // namespace ssifsim
