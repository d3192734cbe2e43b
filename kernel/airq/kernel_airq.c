/* Calls into the real airq.c (and asm/airq.h's inline helpers) for kernel_airq.h. Compiled
 * with kernel/shim like the kernel files, since it sees struct airq_iv. */
#include <asm/airq.h>

#include "kernel_airq.h"

int airq_init(void);

struct airq_iv* kairq_create(unsigned long bits, unsigned long flags) {
    static int ready;
    if (!ready && airq_init() == 0)
        ready = 1;
    return airq_iv_create(bits, flags, NULL);
}
void kairq_release(struct airq_iv* iv) {
    airq_iv_release(iv);
}
unsigned long kairq_alloc(struct airq_iv* iv, unsigned long num) {
    return airq_iv_alloc(iv, num);
}
void kairq_free(struct airq_iv* iv, unsigned long bit, unsigned long num) {
    airq_iv_free(iv, bit, num);
}
unsigned long kairq_scan(struct airq_iv* iv, unsigned long start, unsigned long end) {
    return airq_iv_scan(iv, start, end);
}
unsigned long kairq_end(struct airq_iv* iv) {
    return airq_iv_end(iv);
}
int kairq_set(struct airq_iv* iv, unsigned long bit) {
    const int was = test_bit_inv(bit, iv->vector);
    set_bit_inv(bit, iv->vector);
    return was;
}
const unsigned long* kairq_vector(struct airq_iv* iv) {
    return iv->vector;
}
const unsigned long* kairq_avail(struct airq_iv* iv) {
    return iv->avail;
}
void kairq_set_data(struct airq_iv* iv, unsigned long bit, unsigned int data) {
    airq_iv_set_data(iv, bit, data);
}
unsigned int kairq_get_data(struct airq_iv* iv, unsigned long bit) {
    return airq_iv_get_data(iv, bit);
}
void kairq_set_ptr(struct airq_iv* iv, unsigned long bit, unsigned long ptr) {
    airq_iv_set_ptr(iv, bit, ptr);
}
unsigned long kairq_get_ptr(struct airq_iv* iv, unsigned long bit) {
    return airq_iv_get_ptr(iv, bit);
}
int kairq_lock(struct airq_iv* iv, unsigned long bit) {
    const unsigned long before = kshim_would_spin;
    airq_iv_lock(iv, bit);
    return kshim_would_spin != before;
}
void kairq_unlock(struct airq_iv* iv, unsigned long bit) {
    airq_iv_unlock(iv, bit);
}
