#include "models/zpci/airq_vector.h"

#include <stdexcept>

namespace ssifsim::zpci {

namespace {
size_t words_for(unsigned long bits) {
    return (bits + 63) / 64;
}
} // namespace

AirqVector::AirqVector(unsigned long bits, unsigned flags)
    : bits_(bits), flags_(flags), end_(flags & kAlloc ? 0 : bits), vector_(words_for(bits)),
      pending_words_(vector_.size() > 1 ? words_for(vector_.size()) : 0) {
    if ((flags & kCacheline) && bits > kCachelineBits)
        throw std::invalid_argument("a cache-line vector holds at most 2048 bits");
    if (flags & kAlloc)
        avail_.assign(words_for(bits), ~uint64_t{0}); // every bit free, even past `bits`
    if (flags & kBitlock)
        bitlock_.assign(words_for(bits), 0);
    if (flags & kPtr)
        ptr_.assign(bits, 0);
    if (flags & kData)
        data_.assign(bits, 0);
}

// A word at a time (the kernel's find_next_bit_inv does the same): bit 0 is a word's top bit,
// so the first set bit of a word is its count of leading zeros.
unsigned long AirqVector::find_next_inv(const std::vector<uint64_t>& words, unsigned long size,
                                        unsigned long from) {
    if (from >= size)
        return size;
    unsigned long i = from >> 6;
    uint64_t word = words[i] & (~uint64_t{0} >> (from & 63)); // the bits at or after `from`
    for (;;) {
        if (word != 0) {
            const unsigned long bit = (i << 6) + static_cast<unsigned long>(__builtin_clzll(word));
            return bit < size ? bit : size; // a set bit past `size` (avail_'s tail) is not one
        }
        if (((i + 1) << 6) >= size)
            return size;
        word = words[++i];
    }
}

unsigned long AirqVector::find_pending(unsigned long size, unsigned long from) const {
    if (from >= size)
        return size;
    unsigned long i = from >> 6;
    uint64_t word = vector_[i] & (~uint64_t{0} >> (from & 63)); // the bits at or after `from`
    if (word == 0) {
        if (pending_words_.empty())
            return size; // one word: no other
        i = find_next_inv(pending_words_, vector_.size(), i + 1);
        if (i >= vector_.size())
            return size;
        word = vector_[i];
    }
    const unsigned long bit = (i << 6) + static_cast<unsigned long>(__builtin_clzll(word));
    return bit < size ? bit : size;
}

unsigned long AirqVector::alloc(unsigned long num) {
    if (avail_.empty() || num == 0)
        return kNoBit;
    unsigned long bit = find_next_inv(avail_, bits_, 0);
    while (bit + num <= bits_) {
        unsigned long i = 1;
        while (i < num && test_inv(avail_, bit + i))
            ++i;
        if (i >= num) {
            for (i = 0; i < num; ++i)
                avail_[(bit + i) >> 6] &= ~mask(bit + i);
            // The kernel's bookkeeping: one past what "highest allocated bit + 1" would be.
            if (bit + num >= end_)
                end_ = bit + num + 1;
            break;
        }
        bit = find_next_inv(avail_, bits_, bit + i + 1);
    }
    return bit + num > bits_ ? kNoBit : bit;
}

unsigned long AirqVector::free(unsigned long bit, unsigned long num,
                               std::vector<unsigned long>* cleared) {
    if (avail_.empty() || num == 0)
        return 0;
    unsigned long beyond = 0;
    for (unsigned long i = 0; i < num; ++i) {
        const unsigned long b = bit + i;
        if (b >= bits_) {
            ++beyond;
            continue;
        }
        if (cleared && test_inv(vector_, b))
            cleared->push_back(b);
        clear_bit(b); // a left-over interrupt bit is dropped
        avail_[b >> 6] |= mask(b);
    }
    // The kernel walks `end` down while the bit below it is allocated: after its own
    // allocation rule that bit is normally free, so `end` rarely moves.
    if (bit + num >= end_)
        while (end_ > 0 && end_ - 1 < bits_ && !test_inv(avail_, end_ - 1))
            --end_;
    return beyond;
}

unsigned long AirqVector::scan(unsigned long start, unsigned long end, bool* read_past) {
    const unsigned long bit = find(start, end, read_past);
    if (bit != kNoBit)
        clear(bit);
    return bit;
}

unsigned long AirqVector::find(unsigned long start, unsigned long end, bool* read_past) const {
    const unsigned long limit = end < bits_ ? end : bits_;
    const unsigned long bit = find_pending(limit, start);
    if (read_past)
        *read_past = bit >= limit && end > bits_ && start < end;
    return bit >= limit ? kNoBit : bit;
}

bool AirqVector::clear(unsigned long bit) {
    if (bit >= bits_)
        return false;
    const bool was = test_inv(vector_, bit);
    clear_bit(bit);
    return was;
}

bool AirqVector::set(unsigned long bit, bool* was_set) {
    if (bit >= bits_)
        return false;
    *was_set = test_inv(vector_, bit);
    set_bit(bit);
    return true;
}

bool AirqVector::test(unsigned long bit) const {
    return bit < bits_ && test_inv(vector_, bit);
}

bool AirqVector::allocated(unsigned long bit) const {
    return !avail_.empty() && bit < bits_ && !test_inv(avail_, bit);
}

bool AirqVector::set_ptr(unsigned long bit, uint64_t value) {
    if (bit >= ptr_.size())
        return false;
    ptr_[bit] = value;
    return true;
}

bool AirqVector::get_ptr(unsigned long bit, uint64_t* value) const {
    if (bit >= ptr_.size())
        return false;
    *value = ptr_[bit];
    return true;
}

bool AirqVector::set_data(unsigned long bit, uint32_t value) {
    if (bit >= data_.size())
        return false;
    data_[bit] = value;
    return true;
}

bool AirqVector::get_data(unsigned long bit, uint32_t* value) const {
    if (bit >= data_.size())
        return false;
    *value = data_[bit];
    return true;
}

bool AirqVector::lock(unsigned long bit) {
    if (bitlock_.empty() || bit >= bits_ || test_inv(bitlock_, bit))
        return false;
    bitlock_[bit >> 6] |= mask(bit);
    return true;
}

void AirqVector::unlock(unsigned long bit) {
    if (!bitlock_.empty() && bit < bits_)
        bitlock_[bit >> 6] &= ~mask(bit);
}

} // namespace ssifsim::zpci
