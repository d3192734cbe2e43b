#include "models/common/block_writer.h"

namespace ssifsim {

BlockWriter::BlockWriter(std::ostream& out) : out_(out), thread_([this] { run(); }) {}

BlockWriter::~BlockWriter() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

std::string BlockWriter::write(std::string&& block, size_t size) {
    const size_t length = block.size();
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
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
    changed_.wait(lock, [this] { return queue_.empty() && !writing_; });
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
