// The real drivers/s390/cio/airq.c, compiled unmodified against kernel/shim (kernel in the
// loop), as plain functions the conformance harness calls. Built only when the build has a
// kernel source (-DSSIFSIM_KERNEL_SOURCE). A vector is an opaque struct airq_iv.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct airq_iv;

// airq_iv_create(bits, flags, NULL), after airq_init() on the first call; NULL where the
// kernel returns NULL. flags: AIRQ_IV_* (ALLOC 1, BITLOCK 2, PTR 4, DATA 8, CACHELINE 16).
struct airq_iv* kairq_create(unsigned long bits, unsigned long flags);
void kairq_release(struct airq_iv* iv);                                    // airq_iv_release
unsigned long kairq_alloc(struct airq_iv* iv, unsigned long num);          // airq_iv_alloc
void kairq_free(struct airq_iv* iv, unsigned long bit, unsigned long num); // airq_iv_free
unsigned long kairq_scan(struct airq_iv* iv, unsigned long start, unsigned long end);
unsigned long kairq_end(struct airq_iv* iv); // airq_iv_end
// The adapter sets bit `bit` of the vector (set_bit_inv, as the hardware does); returns
// whether it was set already.
int kairq_set(struct airq_iv* iv, unsigned long bit);
// The vector's words and the allocation bitmap's (NULL without AIRQ_IV_ALLOC), BITS_TO_LONGS
// of the vector's bits each.
const unsigned long* kairq_vector(struct airq_iv* iv);
const unsigned long* kairq_avail(struct airq_iv* iv);
void kairq_set_data(struct airq_iv* iv, unsigned long bit, unsigned int data);
unsigned int kairq_get_data(struct airq_iv* iv, unsigned long bit);
void kairq_set_ptr(struct airq_iv* iv, unsigned long bit, unsigned long ptr);
unsigned long kairq_get_ptr(struct airq_iv* iv, unsigned long bit);
// airq_iv_lock: returns 0, or 1 where the kernel would spin on a held bit lock.
int kairq_lock(struct airq_iv* iv, unsigned long bit);
void kairq_unlock(struct airq_iv* iv, unsigned long bit);

#ifdef __cplusplus
}
#endif
