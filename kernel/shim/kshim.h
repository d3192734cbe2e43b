/* The userspace shim the kernel's own C files compile against, unmodified, for the
 * kernel-in-the-loop conformance runs (README: "Kernel in the loop"). Force-included into
 * each kernel file; the headers those files name are empty stand-ins in include/, so every
 * kernel identifier they use is defined here or in ../kbasics.h (the basics the host's shim
 * shares), once. Written for this project from the kernel's documented interfaces; it holds
 * no kernel code.
 *
 * Execution model: single-threaded and synchronous. Locks record nothing but a would-spin
 * (bit_spin_lock on a held bit), which the caller reads back; memory comes from the C heap. */
#ifndef SSIFSIM_KSHIM_H
#define SSIFSIM_KSHIM_H

#include "../kbasics.h"

/* Types (include/linux/types.h); the common ones are kbasics.h's. */
typedef uint64_t dma_addr_t;
typedef int irqreturn_t;
typedef struct {
    int held;
} spinlock_t;

/* Annotations that mean nothing in userspace. */
#define __must_check
#define EXPORT_SYMBOL_GPL(sym) extern int ssifsim_exported_##sym
#define likely(x) (x)
#define fallthrough __attribute__((__fallthrough__))
#define unlikely(x) (x)
#define PAGE_SIZE 4096ul
#define IRQ_HANDLED 1

/* Bits (include/linux/bits.h, bitops.h): an unsigned long is 64 bits, as on s390. */
#define BITS_PER_BYTE 8
#define BITS_PER_LONG 64
#define BITS_TO_LONGS(nr) (((nr) + BITS_PER_LONG - 1) / BITS_PER_LONG)
static inline unsigned long __fls(unsigned long word) {
    return 63 - __builtin_clzl(word);
}
/* set_bit(nr) and friends act on bit nr % 64 of word nr / 64, counted from the least
 * significant bit of the word's value (the generic bitops), on s390 too. */
static inline void set_bit(unsigned long nr, volatile unsigned long* p) {
    p[nr / BITS_PER_LONG] |= 1ul << (nr % BITS_PER_LONG);
}
static inline void clear_bit(unsigned long nr, volatile unsigned long* p) {
    p[nr / BITS_PER_LONG] &= ~(1ul << (nr % BITS_PER_LONG));
}
static inline bool test_bit(unsigned long nr, const volatile unsigned long* p) {
    return (p[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1;
}
static inline bool test_and_set_bit(unsigned long nr, volatile unsigned long* p) {
    bool old = test_bit(nr, p);
    set_bit(nr, p);
    return old;
}
/* s390's MSB-0 numbering (arch/s390/include/asm/bitops.h): bit nr ^ (BITS_PER_LONG - 1). */
static inline void set_bit_inv(unsigned long nr, volatile unsigned long* p) {
    set_bit(nr ^ (BITS_PER_LONG - 1), p);
}
static inline void clear_bit_inv(unsigned long nr, volatile unsigned long* p) {
    clear_bit(nr ^ (BITS_PER_LONG - 1), p);
}
static inline bool test_bit_inv(unsigned long nr, const volatile unsigned long* p) {
    return test_bit(nr ^ (BITS_PER_LONG - 1), p);
}
unsigned long find_first_bit_inv(const unsigned long* addr, unsigned long size);
unsigned long find_next_bit_inv(const unsigned long* addr, unsigned long size,
                                unsigned long offset);

/* Locks: nothing runs concurrently. A bit spinlock taken twice would spin for ever in the
 * kernel; here it counts in kshim_would_spin for the caller to see. */
extern unsigned long kshim_would_spin;
#define DEFINE_SPINLOCK(name) spinlock_t name = {0}
#define spin_lock_init(l) ((l)->held = 0)
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define spin_lock_irqsave(l, flags) ((void)(l), (flags) = 0)
#define spin_unlock_irqrestore(l, flags) ((void)(l), (void)(flags))
static inline void bit_spin_lock(int nr, unsigned long* addr) {
    if (test_and_set_bit((unsigned long)nr, addr))
        ++kshim_would_spin;
}
static inline void bit_spin_unlock(int nr, unsigned long* addr) {
    clear_bit((unsigned long)nr, addr);
}

/* Memory (include/linux/slab.h, dmapool.h; drivers/s390/cio/css.c's cio_dma_*). */
/* Every block has one guard word after it. airq_iv_scan up to airq_iv_end reads one word
 * past the vector when a vector of a multiple of 64 bits is full (its end is then bits + 1)
 * and no bit below is set: the kernel reads whatever the DMA pool holds there; the guard
 * makes it defined (zero after a DMA block: no interrupt pending there; all ones after a
 * kmalloc block). The conformance harness counts those reads. */
void* kmalloc(size_t size, gfp_t gfp);
void* kzalloc(size_t size, gfp_t gfp);
void kfree(const void* p);
void* cio_dma_zalloc(size_t size);
void cio_dma_free(void* p, size_t size);
struct device;
struct dma_pool {
    size_t size;
};
struct device* cio_get_dma_css_dev(void);
struct dma_pool* dma_pool_create(const char* name, struct device* dev, size_t size, size_t align,
                                 size_t boundary);
void* dma_pool_zalloc(struct dma_pool* pool, gfp_t gfp, dma_addr_t* handle);
void dma_pool_free(struct dma_pool* pool, void* p, dma_addr_t handle);
/* s390's cache line (arch/s390/include/asm/cache.h: L1_CACHE_BYTES 256). */
static inline int cache_line_size(void) {
    return 256;
}

/* Lists (include/linux/list.h, rculist.h), for register_adapter_interrupt. */
struct hlist_node {
    struct hlist_node *next, **pprev;
};
struct hlist_head {
    struct hlist_node* first;
};
static inline int hlist_unhashed(const struct hlist_node* h) {
    return !h->pprev;
}
static inline void hlist_add_head_rcu(struct hlist_node* n, struct hlist_head* h) {
    n->next = h->first;
    if (h->first)
        h->first->pprev = &n->next;
    h->first = n;
    n->pprev = &h->first;
}
static inline void hlist_del_rcu(struct hlist_node* n) {
    *n->pprev = n->next;
    if (n->next)
        n->next->pprev = n->pprev;
    n->pprev = NULL;
}
#define hlist_entry_safe(ptr, type, member) ((ptr) ? container_of(ptr, type, member) : NULL)
#define hlist_for_each_entry_rcu(pos, head, member)                                                \
    for (pos = hlist_entry_safe((head)->first, __typeof__(*(pos)), member); pos;                   \
         pos = hlist_entry_safe((pos)->member.next, __typeof__(*(pos)), member))
#define rcu_read_lock() ((void)0)
#define rcu_read_unlock() ((void)0)
#define synchronize_rcu() ((void)0)

/* The channel subsystem and interrupt plumbing airq.c registers with; the conformance
 * runs never raise an adapter interrupt through it. */
#define MAX_ISC 7
#define THIN_INTERRUPT 3
struct tpi_info {
    u32 isc;
};
struct pt_regs {
    struct tpi_info tpi_info;
};
struct pt_regs* get_irq_regs(void);
#define trace_s390_cio_adapter_int(info) ((void)(info))
#define CIO_TRACE_EVENT(level, text) ((void)(level), (void)(text))
static inline void isc_register(u8 isc) {
    (void)isc;
}
static inline void isc_unregister(u8 isc) {
    (void)isc;
}
struct irq_chip {
    int unused;
};
extern struct irq_chip dummy_irq_chip;
typedef void (*irq_flow_handler_t)(void* desc);
void handle_percpu_irq(void* desc);
typedef irqreturn_t (*irq_handler_t)(int, void*);
static inline void irq_set_chip_and_handler(unsigned int irq, struct irq_chip* chip,
                                            irq_flow_handler_t handle) {
    (void)irq, (void)chip, (void)handle;
}
static inline int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags,
                              const char* name, void* dev) {
    (void)irq, (void)handler, (void)flags, (void)name, (void)dev;
    return 0;
}
void panic(const char* fmt, ...) __attribute__((noreturn));

/* ------------------------------------------------------------------------------------------
 * For drivers/char/ipmi/ssif_bmc.c: the I2C slave interface, the misc device and its file
 * operations, a timer, jiffies, wait queues. */
typedef uint8_t __u8;
/* loff_t, ssize_t: from <sys/types.h>. */
typedef unsigned int __poll_t;
#define __user
#define O_NONBLOCK 04000
#define EPOLLIN 0x0001u
/* ssif_bmc.c before v6.2 (the sparse fix that made it EPOLLIN) returns POLLIN: the same bit. */
#define POLLIN EPOLLIN
#define sizeof_field(type, member) sizeof(((type*)0)->member)
#define spin_lock_irq(l) ((void)(l))
#define spin_unlock_irq(l) ((void)(l))

/* Logging: the driver's dev_* lines are counted, and formatted for kshim_log_hook when one
 * is set (a simulation's event log); the conformance harness compares the state they
 * describe, not their text. `level`: "debug", "warn" or "err". */
extern unsigned long kshim_log_lines;
extern void (*kshim_log_hook)(const char* level, const char* text);
void kshim_dev_printk(const char* level, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define dev_dbg(dev, ...) ((void)(dev), kshim_dev_printk("debug", __VA_ARGS__))
#define dev_warn(dev, ...) ((void)(dev), kshim_dev_printk("warn", __VA_ARGS__))
#define dev_err(dev, ...) ((void)(dev), kshim_dev_printk("err", __VA_ARGS__))

struct device {
    int unused;
};
/* i2c_smbus_pec (drivers/i2c/i2c-core-smbus.c): the SMBus PEC, CRC-8 with the polynomial
 * x^8 + x^2 + x + 1 (SMBus 3.1 section 6.4), folded over `count` bytes from `crc`. Written out
 * here on purpose, apart from the model's PEC, so that the kernel's side of a comparison
 * shares no code with the model's. */
u8 i2c_smbus_pec(u8 crc, u8* p, size_t count);
/* The I2C slave interface (include/linux/i2c.h); the events in the kernel's order. */
enum i2c_slave_event {
    I2C_SLAVE_READ_REQUESTED,
    I2C_SLAVE_WRITE_REQUESTED,
    I2C_SLAVE_READ_PROCESSED,
    I2C_SLAVE_WRITE_RECEIVED,
    I2C_SLAVE_STOP,
};
#define I2C_CLIENT_SLAVE 0x20
struct i2c_client {
    unsigned short flags;
    unsigned short addr;
    struct device dev;
    void* clientdata;
};
typedef int (*i2c_slave_cb_t)(struct i2c_client* client, enum i2c_slave_event event, u8* val);
struct i2c_device_id {
    char name[20];
    unsigned long driver_data;
};
struct of_device_id {
    char compatible[128];
};
struct i2c_driver {
    struct {
        const char* name;
        const struct of_device_id* of_match_table;
    } driver;
    /* Before v6.3 i2c_driver.probe also took the matched i2c_device_id (probe_new was the
     * one-argument form); the build says which form the tree's ssif_bmc.c uses. */
#ifdef KSHIM_I2C_PROBE_WITH_ID
    int (*probe)(struct i2c_client* client, const struct i2c_device_id* id);
#else
    int (*probe)(struct i2c_client* client);
#endif
    void (*remove)(struct i2c_client* client);
    const struct i2c_device_id* id_table;
};
static inline void* i2c_get_clientdata(const struct i2c_client* c) {
    return c->clientdata;
}
static inline void i2c_set_clientdata(struct i2c_client* c, void* data) {
    c->clientdata = data;
}
/* The one registered slave callback (the harness calls it as the controller would). */
extern i2c_slave_cb_t kshim_slave_cb;
static inline int i2c_slave_register(struct i2c_client* c, i2c_slave_cb_t cb) {
    (void)c;
    kshim_slave_cb = cb;
    return 0;
}
static inline int i2c_slave_unregister(struct i2c_client* c) {
    (void)c;
    kshim_slave_cb = NULL;
    return 0;
}
/* module_i2c_driver(drv): the driver's registration, which the harness reaches instead. */
#define module_i2c_driver(drv)                                                                     \
    struct i2c_driver* kshim_i2c_driver(void) {                                                    \
        return &(drv);                                                                             \
    }

/* The misc device and its file operations (include/linux/miscdevice.h, fs.h, poll.h). */
struct file {
    void* private_data;
    unsigned int f_flags;
};
struct inode {
    int unused;
};
typedef struct {
    int unused;
} poll_table;
struct file_operations {
    void* owner;
    int (*open)(struct inode*, struct file*);
    ssize_t (*read)(struct file*, char*, size_t, loff_t*);
    ssize_t (*write)(struct file*, const char*, size_t, loff_t*);
    int (*release)(struct inode*, struct file*);
    __poll_t (*poll)(struct file*, poll_table*);
};
#define MISC_DYNAMIC_MINOR 255
struct miscdevice {
    int minor;
    const char* name;
    const struct file_operations* fops;
    struct device* parent;
};
extern struct miscdevice* kshim_misc;
static inline int misc_register(struct miscdevice* m) {
    kshim_misc = m;
    return 0;
}
static inline void misc_deregister(struct miscdevice* m) {
    (void)m;
    kshim_misc = NULL;
}
static inline void* devm_kzalloc(struct device* dev, size_t size, gfp_t gfp) {
    (void)dev;
    return kzalloc(size, gfp);
}
/* copy_to_user returns the bytes it could not copy: the user buffer faults after
 * kshim_user_copyable bytes (a bad or short buffer; (size_t)-1: never). */
extern size_t kshim_user_copyable;
static inline unsigned long copy_to_user(void* to, const void* from, unsigned long n) {
    const unsigned long copied = n < kshim_user_copyable ? n : (unsigned long)kshim_user_copyable;
    memcpy(to, from, copied);
    return n - copied;
}
static inline unsigned long copy_from_user(void* to, const void* from, unsigned long n) {
    memcpy(to, from, n);
    return 0;
}

/* Wait queues: the callers read and write with O_NONBLOCK and wait themselves (a
 * simulation's blocked daemon, on kshim_wake_hook), so nothing waits here; a wait that is
 * reached anyway is counted and interrupted. */
typedef struct {
    int unused;
} wait_queue_head_t;
extern unsigned long kshim_waits;
extern void (*kshim_wake_hook)(wait_queue_head_t* q);
static inline void wake_up_all(wait_queue_head_t* q) {
    if (kshim_wake_hook)
        kshim_wake_hook(q);
}
#define init_waitqueue_head(q) ((void)(q))
#define poll_wait(file, q, table) ((void)(file), (void)(q), (void)(table))
#define wait_event_interruptible(q, cond) ((void)(q), ++kshim_waits, -512 /* -ERESTARTSYS */)

/* Timers and jiffies (include/linux/timer.h, jiffies.h): the caller owns the clock (sets
 * jiffies and kshim_hz) and runs an expired timer's function itself; kshim_timer_hook, when
 * set, is told each mod_timer (pending 1, t->expires set) and del_timer (pending 0). 8-byte aligned
 * and a multiple of 8 long, so the one-byte fields after a struct timer_list start on a 4-byte
 * boundary as on 32-bit ARM. */
struct timer_list {
    void (*function)(struct timer_list*);
    unsigned long expires;
    unsigned long pending;
};
extern unsigned long jiffies;
extern unsigned int kshim_hz;
extern void (*kshim_timer_hook)(struct timer_list* t, int pending);
static inline unsigned long msecs_to_jiffies(unsigned int ms) {
    return ((unsigned long)ms * kshim_hz + 999) / 1000; /* rounds up, as the kernel does */
}
/* Its name from v6.16 on. */
#define timer_container_of from_timer
static inline void timer_setup(struct timer_list* t, void (*fn)(struct timer_list*),
                               unsigned int flags) {
    (void)flags;
    t->function = fn;
    t->pending = 0;
}
static inline int mod_timer(struct timer_list* t, unsigned long expires) {
    const int was = t->pending != 0;
    t->expires = expires;
    t->pending = 1;
    if (kshim_timer_hook)
        kshim_timer_hook(t, 1);
    return was;
}
static inline int del_timer(struct timer_list* t) {
    const int was = t->pending != 0;
    t->pending = 0;
    if (kshim_timer_hook)
        kshim_timer_hook(t, 0);
    return was;
}
#define del_timer_sync del_timer
#define timer_delete del_timer
#define timer_delete_sync del_timer

#endif
