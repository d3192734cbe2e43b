// An adapter-interrupt bit vector (struct airq_iv, drivers/s390/cio/airq.c): the bits the
// hardware sets, with optional per-bit allocation, lock, pointer and data arrays.
//
// Bits are numbered MSB-first within each 64-bit word (the *_bit_inv helpers): bit 0 is the
// top bit of word 0, bit 63 its lowest. `end` follows the kernel's bookkeeping exactly,
// quirks included: an allocation reaching the end sets it to last allocated bit + 2, and a
// free walks it down only over allocated bits (see alloc and free).
//
// Where the kernel would read or write past the vector (a defect of some variants), the model
// does nothing and reports the access instead, so the caller can name the violation.
#pragma once

#include <cstdint>
#include <vector>

namespace ssifsim::zpci {

class AirqVector {
  public:
    // AIRQ_IV_* flags.
    static constexpr unsigned kAlloc = 1;      // allocation bitmap: bits are handed out
    static constexpr unsigned kBitlock = 2;    // a lock bit per bit
    static constexpr unsigned kPtr = 4;        // a pointer-sized value per bit
    static constexpr unsigned kData = 8;       // a 32-bit value per bit
    static constexpr unsigned kCacheline = 16; // the vector is one cache line
    // s390's cache line is 256 bytes: a CACHELINE vector holds at most 2048 bits.
    static constexpr unsigned long kCachelineBits = 256 * 8;
    // -1UL: no bit (allocation failed, scan found nothing).
    static constexpr unsigned long kNoBit = ~0UL;

    // airq_iv_create. Throws std::invalid_argument where the kernel returns NULL
    // (a CACHELINE vector larger than a cache line).
    AirqVector(unsigned long bits, unsigned flags);

    unsigned long bits() const { return bits_; }
    unsigned flags() const { return flags_; }
    unsigned long end() const { return end_; } // airq_iv_end

    // airq_iv_alloc: the first run of `num` free bits, first fit from bit 0; kNoBit if there is
    // none, num is 0 or the vector has no allocation bitmap.
    unsigned long alloc(unsigned long num);
    // airq_iv_free: clears the bits (a pending interrupt is dropped) and returns them to the
    // pool. `cleared` receives the bits that were pending. Returns how many of the bits lay
    // beyond the vector (the kernel would write there; the model skips them).
    unsigned long free(unsigned long bit, unsigned long num,
                       std::vector<unsigned long>* cleared = nullptr);
    // airq_iv_scan: the next set bit in [start, end), cleared before it is returned (find,
    // then clear: two steps, as the kernel does them); kNoBit if none. With `end` past the
    // vector (a full ALLOC vector's end is bits + 1) and no set bit in [start, bits), the
    // kernel's find_next_bit_inv reads the word past the vector: the model reads nothing
    // there and sets *read_past (when given) so the caller can name the violation.
    unsigned long scan(unsigned long start, unsigned long end, bool* read_past = nullptr);
    // The two steps of scan apart: find the next set bit without clearing it, then clear
    // it (clear_bit_inv); clear returns whether the bit was still set.
    unsigned long find(unsigned long start, unsigned long end, bool* read_past = nullptr) const;
    bool clear(unsigned long bit);

    // The hardware side: an adapter sets a bit. Returns true if it was already set (the new
    // interrupt merges with the pending one). False, and nothing set, beyond the vector.
    bool set(unsigned long bit, bool* was_set);
    bool test(unsigned long bit) const;
    bool allocated(unsigned long bit) const; // with kAlloc: handed out and not freed

    // airq_iv_set_ptr/get_ptr, set_data/get_data: false beyond the vector or without the array.
    bool set_ptr(unsigned long bit, uint64_t value);
    bool get_ptr(unsigned long bit, uint64_t* value) const;
    bool set_data(unsigned long bit, uint32_t value);
    bool get_data(unsigned long bit, uint32_t* value) const;
    // airq_iv_lock/unlock (a bit spinlock): lock returns false if the bit is already held,
    // where the kernel would spin.
    bool lock(unsigned long bit);
    void unlock(unsigned long bit);

    const std::vector<uint64_t>& words() const { return vector_; }
    // The allocation bitmap's words (1 = free), empty without kAlloc.
    const std::vector<uint64_t>& avail_words() const { return avail_; }

  private:
    static uint64_t mask(unsigned long bit) { return uint64_t{1} << (63 - (bit & 63)); }
    static bool test_inv(const std::vector<uint64_t>& words, unsigned long bit) {
        return (words[bit >> 6] & mask(bit)) != 0;
    }
    // find_next_bit_inv: the first set bit at or after `from` below `size`; `size` if none.
    static unsigned long find_next_inv(const std::vector<uint64_t>& words, unsigned long size,
                                       unsigned long from);
    // find_next_inv over vector_, skipping its zero words through pending_words_ (a scan that
    // finds nothing reads one summary word per 4096 bits, not every word: the storms scan
    // 2048-bit vectors twice per interrupt).
    unsigned long find_pending(unsigned long size, unsigned long from) const;
    // A bit of vector_ set or cleared, its word's summary bit in pending_words_ kept.
    void set_bit(unsigned long bit) {
        uint64_t& word = vector_[bit >> 6];
        if (word == 0 && !pending_words_.empty())
            pending_words_[bit >> 12] |= mask(bit >> 6);
        word |= mask(bit);
    }
    void clear_bit(unsigned long bit) {
        uint64_t& word = vector_[bit >> 6];
        word &= ~mask(bit);
        if (word == 0 && !pending_words_.empty())
            pending_words_[bit >> 12] &= ~mask(bit >> 6);
    }

    unsigned long bits_;
    unsigned flags_;
    unsigned long end_;
    std::vector<uint64_t> vector_;
    // Bit i (MSB-first, as in vector_) set while vector_[i] has a bit set; empty for a
    // vector of one word.
    std::vector<uint64_t> pending_words_;
    std::vector<uint64_t> avail_;   // 1 = free (kAlloc)
    std::vector<uint64_t> bitlock_; // kBitlock
    std::vector<uint64_t> ptr_;     // kPtr
    std::vector<uint32_t> data_;    // kData
};

} // namespace ssifsim::zpci
