/* The userspace shim drivers/char/ipmi/ipmi_ssif.c compiles against, unmodified, to run as a
 * scenario's host (host.implementation "kernel", README: "Kernel in the loop"). Force-included;
 * the headers the driver names are empty stand-ins in include/, except linux/ipmi_smi.h, the
 * message handler's interface; the basics both shims share are ../kbasics.h's. Written for
 * this project from the kernel's documented interfaces; it holds no kernel code.
 *
 * Apart from kernel/shim/kshim.h (the BMC's and airq's synchronous harness) because the
 * execution model differs: here the driver runs on SystemC threads. Probe, remove and the
 * driver's kthread are threads with stacks of their own that block in simulated time
 * (completions, msleep, schedule_timeout, i2c transfers on the simulated bus); timer
 * callbacks run from one method standing in for the timer softirq. Nothing runs
 * concurrently, so locks only check that they are used as the kernel allows. The functions
 * declared here and not defined are kernel_ssif_host.cpp's. */
#ifndef SSIFSIM_KHOST_SHIM_H
#define SSIFSIM_KHOST_SHIM_H

#include <ctype.h>
#include <stdarg.h>

#include "../kbasics.h"

/* The kernel functions this shim defines out of line carry a khost_ prefix in the object
 * files, so that they never meet another shim's (kernel/shim) in one program. */
#define complete khost_complete
#define wait_for_completion_interruptible khost_wait_for_completion_interruptible
#define mod_timer khost_mod_timer
#define del_timer khost_del_timer
#define msleep khost_msleep
#define schedule_timeout khost_schedule_timeout
#define msecs_to_jiffies khost_msecs_to_jiffies
#define mutex_lock khost_mutex_lock
#define mutex_unlock khost_mutex_unlock
#define kthread_should_stop khost_kthread_should_stop
#define kthread_stop khost_kthread_stop
#define ktime_get_real_ts64 khost_ktime_get_real_ts64
#define i2c_smbus_write_block_data khost_i2c_smbus_write_block_data
#define i2c_smbus_read_block_data khost_i2c_smbus_read_block_data
#define sysfs_emit khost_sysfs_emit

/* Types (include/linux/types.h); the common ones are kbasics.h's. */
typedef int32_t s32;
typedef int64_t s64;
typedef struct {
    int counter;
} atomic_t;
#define atomic_set(a, v) ((a)->counter = (v))
#define atomic_read(a) ((a)->counter)
#define atomic_inc(a) ((void)++(a)->counter)

/* Annotations and module glue that mean nothing here. */
#define __acquires(x)
#define __releases(x)
#define S_IRUGO 0444
#define MODULE_PARM_DESC(name, text) extern int ssifsim_parm_desc_##name
#define MODULE_ALIAS(text) extern int ssifsim_module_alias
#define module_param(name, type, perm) extern int ssifsim_param_##name
#define module_param_named(name, var, type, perm) extern int ssifsim_param_##name
#define module_param_array(name, type, nump, perm) extern int ssifsim_param_##name
/* module_init/module_exit: the host's glue (kernel_ipmi_ssif.c) loads and unloads. Static,
 * as every name the glue defines for one release: two releases share a program. */
#define module_init(fn)                                                                            \
    static int khost_module_init(void) {                                                           \
        return fn();                                                                               \
    }
#define module_exit(fn)                                                                            \
    static void khost_module_exit(void) {                                                          \
        fn();                                                                                      \
    }
#define ERESTARTSYS 512 /* include/linux/errno.h: never seen by userspace */
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#define NSEC_PER_USEC 1000L

/* An oops: the kernel would kill the task running it. The host logs a finding and ends the
 * SystemC thread that ran into it (kernel_ssif_host.cpp); the simulation goes on. */
void khost_oops(const char* what, const char* file, int line) __attribute__((noreturn));
#define BUG_ON(cond)                                                                               \
    do {                                                                                           \
        if (cond)                                                                                  \
            khost_oops("BUG_ON(" #cond ")", __FILE__, __LINE__);                                   \
    } while (0)
/* strcmp on a NULL string is a NULL pointer dereference in the kernel: an oops, not a crash
 * of the simulator. */
static inline int khost_strcmp(const char* a, const char* b, const char* file, int line) {
    if (!a || !b)
        khost_oops("NULL pointer dereference in strcmp()", file, line);
    return strcmp(a, b);
}
#define strcmp(a, b) khost_strcmp((a), (b), __FILE__, __LINE__)
static inline size_t strscpy(char* dst, const char* src, size_t size) {
    snprintf(dst, size, "%s", src);
    return strlen(dst);
}

/* Logging (include/linux/dev_printk.h, printk.h): into the run's event log, host
 * kernel_log, with the level; dev_dbg too (the driver only calls it when its debug flags
 * ask). */
struct device;
void khost_log(const char* level, const struct device* dev, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define dev_dbg(dev, ...) khost_log("debug", dev, __VA_ARGS__)
#define dev_info(dev, ...) khost_log("info", dev, __VA_ARGS__)
#define dev_notice(dev, ...) khost_log("notice", dev, __VA_ARGS__)
#define dev_warn(dev, ...) khost_log("warn", dev, __VA_ARGS__)
#define dev_err(dev, ...) khost_log("err", dev, __VA_ARGS__)
#define pr_info(...) khost_log("info", NULL, __VA_ARGS__)
#define pr_err(...) khost_log("err", NULL, __VA_ARGS__)

/* Memory (include/linux/slab.h, string.h): the C heap, every block on one list
 * (kernel_ipmi_ssif.c's khost_heap). A task that oopsed, or that the end of a run unwound
 * (ThreadReaper), leaves what it held allocated, as the kernel would; on the list it stays
 * reachable, so LeakSanitizer does not report the driver's memory as the simulator's leak. */
struct khost_block {
    struct khost_block *next, *prev;
    size_t size;
    size_t pad; /* keeps the block's data 16-byte aligned, as malloc's */
};
extern struct khost_block khost_heap;
static inline void* khost_alloc(size_t size, int zero) {
    struct khost_block* b = malloc(sizeof(*b) + size);
    if (!b)
        return NULL;
    memset(b + 1, zero ? 0 : KSHIM_KMALLOC_FILL, size);
    b->size = size;
    b->next = khost_heap.next;
    b->prev = &khost_heap;
    khost_heap.next->prev = b;
    khost_heap.next = b;
    return b + 1;
}
static inline void* kmalloc(size_t size, gfp_t gfp) {
    (void)gfp;
    return khost_alloc(size, 0);
}
static inline void* kzalloc(size_t size, gfp_t gfp) {
    (void)gfp;
    return khost_alloc(size, 1);
}
static inline void* kcalloc(size_t n, size_t size, gfp_t gfp) {
    (void)gfp;
    return size && n > (size_t)-1 / 2 / size ? NULL : khost_alloc(n * size, 1);
}
static inline void kfree(const void* p) {
    struct khost_block* b;
    if (!p)
        return;
    b = (struct khost_block*)p - 1;
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
}
static inline char* kstrdup(const char* s, gfp_t gfp) {
    char* d;
    if (!s)
        return NULL;
    d = (char*)kmalloc(strlen(s) + 1, gfp);
    if (d)
        strcpy(d, s);
    return d;
}

/* Lists (include/linux/list.h). */
struct list_head {
    struct list_head *next, *prev;
};
#define LIST_HEAD(name) struct list_head name = {&(name), &(name)}
#define list_entry(ptr, type, member) container_of(ptr, type, member)
static inline void list_add_tail(struct list_head* n, struct list_head* head) {
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}
static inline void list_del(struct list_head* e) {
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = NULL;
}
#define list_for_each_entry(pos, head, member)                                                     \
    for (pos = list_entry((head)->next, __typeof__(*pos), member); &pos->member != (head);         \
         pos = list_entry(pos->member.next, __typeof__(*pos), member))
#define list_for_each_entry_safe(pos, n, head, member)                                             \
    for (pos = list_entry((head)->next, __typeof__(*pos), member),                                 \
        n = list_entry(pos->member.next, __typeof__(*pos), member);                                \
         &pos->member != (head); pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/* Locks. One SystemC thread runs at a time and only yields where it blocks, so a spinlock
 * excludes nothing that could run meanwhile; what it must not do is be taken twice or be held
 * across a sleep, which the host checks (an oops). A mutex may be held across sleeps: a
 * second locker waits for it (kernel_ssif_host.cpp). */
typedef struct {
    int held;
} spinlock_t;
extern int khost_spinlocks_held;
static inline void khost_spin_lock(spinlock_t* l, const char* file, int line) {
    if (l->held)
        khost_oops("spinlock taken twice (it would spin for ever)", file, line);
    l->held = 1;
    ++khost_spinlocks_held;
}
static inline void khost_spin_unlock(spinlock_t* l, const char* file, int line) {
    if (!l->held)
        khost_oops("spinlock released while not held", file, line);
    l->held = 0;
    --khost_spinlocks_held;
}
#define spin_lock_init(l) ((l)->held = 0)
#define spin_lock_irqsave(l, flags) ((flags) = 0, khost_spin_lock((l), __FILE__, __LINE__))
#define spin_unlock_irqrestore(l, flags) ((void)(flags), khost_spin_unlock((l), __FILE__, __LINE__))
struct mutex {
    int held;
};
#define DEFINE_MUTEX(name) struct mutex name = {0}
void mutex_lock(struct mutex* m);
void mutex_unlock(struct mutex* m);

/* Time (include/linux/jiffies.h, delay.h, sched.h): jiffies at the scenario's host.hz
 * (models/common/jiffies.h). TICK_NSEC is a run-time value here, not a constant. */
unsigned long khost_jiffies(void);
unsigned long khost_tick_nsec(void);
unsigned long msecs_to_jiffies(unsigned int ms);
#define jiffies khost_jiffies()
#define TICK_NSEC khost_tick_nsec()
/* msleep: sleeps msecs_to_jiffies(ms) on a timer (the wheel's rules). schedule_timeout:
 * sleeps `timeout` jiffies the same way, whatever the task's state: a TASK_RUNNING caller
 * (shutdown_ssif's wait for idle) would not sleep in the kernel, but another task would run,
 * which in a discrete-event simulation needs time to pass. Returns 0. Both oops with a
 * spinlock held. */
void msleep(unsigned int ms);
long schedule_timeout(long timeout);
struct timespec64 {
    s64 tv_sec;
    long tv_nsec;
};
void ktime_get_real_ts64(struct timespec64* ts);

/* Timers (include/linux/timer.h): a callback from the softirq method when the wheel runs the
 * timer; callbacks may arm and delete timers, their own included. */
struct timer_list {
    void (*function)(struct timer_list*);
    unsigned long expires;
    int pending;
    unsigned long long run_ns; /* when the softirq runs it */
};
static inline void timer_setup(struct timer_list* t, void (*fn)(struct timer_list*),
                               unsigned int flags) {
    (void)flags;
    t->function = fn;
    t->pending = 0;
    t->expires = 0;
    t->run_ns = 0;
}
int mod_timer(struct timer_list* t, unsigned long expires);
int del_timer(struct timer_list* t);
#define del_timer_sync del_timer

/* Completions (include/linux/completion.h): a count of complete()s and the waiters' event. */
struct completion {
    unsigned int done;
    void* event; /* the host's sc_event, made on first use */
};
static inline void init_completion(struct completion* c) {
    c->done = 0;
}
void complete(struct completion* c);
/* Blocks until a complete() (0). No signals here but kthread_stop's: a kthread told to stop
 * waits no more (-ERESTARTSYS), as TIF_NOTIFY_SIGNAL makes signal_pending() true. */
int wait_for_completion_interruptible(struct completion* c);

/* Kernel threads (include/linux/kthread.h): a SystemC thread each. kthread_stop sets the
 * stop flag, wakes the thread if it sleeps on a completion (a kthread's wake_up_process; its
 * interruptible wait then returns -ERESTARTSYS) and waits for it to return. */
struct task_struct;
struct task_struct* khost_kthread_run(int (*fn)(void* data), void* data, const char* name);
#define kthread_run(fn, data, ...) khost_kthread_run((fn), (data), "kssif")
bool kthread_should_stop(void);
int kthread_stop(struct task_struct* t);
#define get_task_struct(t) ((void)(t))
#define put_task_struct(t) ((void)(t))
static inline void request_module_nowait(const char* name) {
    (void)name;
}
#define request_module(name) request_module_nowait(name) /* 6.1's ssif_probe */

/* The device model (include/linux/device.h, sysfs.h): drvdata and the attribute group the
 * driver adds (never read here). */
struct device {
    void* driver_data;
};
static inline void dev_set_drvdata(struct device* dev, void* data) {
    dev->driver_data = data;
}
static inline void* dev_get_drvdata(const struct device* dev) {
    return dev->driver_data;
}
#define get_device(dev) ((void)(dev))
struct attribute {
    const char* name;
};
struct device_attribute {
    struct attribute attr;
    ssize_t (*show)(struct device* dev, struct device_attribute* attr, char* buf);
};
#define DEVICE_ATTR(_name, _mode, _show, _store)                                                   \
    struct device_attribute dev_attr_##_name = {{#_name}, _show}
struct attribute_group {
    struct attribute** attrs;
};
static inline int device_add_group(struct device* dev, const struct attribute_group* g) {
    (void)dev, (void)g;
    return 0;
}
static inline void device_remove_group(struct device* dev, const struct attribute_group* g) {
    (void)dev, (void)g;
}
int sysfs_emit(char* buf, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/* Platform devices (include/linux/platform_device.h): the driver registers for DMI-found
 * interfaces; there are none here (no CONFIG_DMI), so it is never probed. */
struct platform_device {
    struct device dev;
};
struct platform_device_id {
    char name[20];
    unsigned long driver_data;
};
struct platform_driver {
    struct {
        const char* name;
    } driver;
    int (*probe)(struct platform_device*);
    int (*remove)(struct platform_device*);      /* 6.1 */
    void (*remove_new)(struct platform_device*); /* 6.12 */
    const struct platform_device_id* id_table;
};
static inline int platform_driver_register(struct platform_driver* d) {
    (void)d;
    return 0;
}
static inline void platform_driver_unregister(struct platform_driver* d) {
    (void)d;
}
#define ACPI_PTR(x) NULL /* no CONFIG_ACPI */

/* I2C (include/linux/i2c.h, uapi/linux/i2c.h). */
#define I2C_NAME_SIZE 20
#define I2C_CLIENT_PEC 0x04
#define I2C_CLIENT_END 0xfffeU
#define I2C_CLASS_HWMON (1 << 0)
#define I2C_SMBUS_READ 1
#define I2C_SMBUS_WRITE 0
#define I2C_SMBUS_BLOCK_DATA 5
#define I2C_SMBUS_BLOCK_MAX 32
enum i2c_alert_protocol { I2C_PROTOCOL_SMBUS_ALERT, I2C_PROTOCOL_SMBUS_HOST_NOTIFY };
struct i2c_adapter {
    int nr;
    char name[48];
};
static inline int i2c_adapter_id(struct i2c_adapter* adap) {
    return adap->nr;
}
struct i2c_client {
    unsigned short flags; /* I2C_CLIENT_PEC: the SMBus calls add and check PEC */
    unsigned short addr;  /* 7-bit */
    char name[I2C_NAME_SIZE];
    struct i2c_adapter* adapter;
    struct device dev;
};
static inline void* i2c_get_clientdata(const struct i2c_client* c) {
    return dev_get_drvdata(&c->dev);
}
static inline void i2c_set_clientdata(struct i2c_client* c, void* data) {
    dev_set_drvdata(&c->dev, data);
}
struct i2c_board_info {
    char type[I2C_NAME_SIZE];
    unsigned short addr;
    void* platform_data;
};
struct i2c_device_id {
    char name[I2C_NAME_SIZE];
    unsigned long driver_data;
};
struct i2c_driver {
    unsigned int class;
    struct {
        const char* name;
        const void* acpi_match_table;
    } driver;
    /* One of the two is set: probe (6.12, one argument since 6.3) or probe_new (6.1, the
     * one-argument probe's name while the two-argument one was being retired). */
    int (*probe)(struct i2c_client* client);
    int (*probe_new)(struct i2c_client* client);
    void (*remove)(struct i2c_client* client);
    void (*alert)(struct i2c_client* client, enum i2c_alert_protocol protocol, unsigned int data);
    const struct i2c_device_id* id_table;
    int (*detect)(struct i2c_client* client, struct i2c_board_info* info);
    const unsigned short* address_list;
};
/* i2c_add_driver records the driver; the host (kernel_ipmi_ssif.c) then binds the device the
 * way i2c-core would. i2c_del_driver unbinds it (the driver's remove). Static: each release's
 * glue has its own. */
#ifdef KHOST_OPS /* a release's glue, not khost_common.c */
static int i2c_add_driver(struct i2c_driver* driver);
static void i2c_del_driver(struct i2c_driver* driver);
#endif
/* SMBus block write and block read (drivers/i2c/i2c-core-smbus.c) on the simulated bus, with
 * PEC when the client has I2C_CLIENT_PEC, i2c-core's retries of a lost arbitration and the
 * adapter's errnos (models/smbus/adapter.h). Block on the adapter's lock and the transfer.
 * write: 0 or a negative errno. read: the count (1..32, the bytes in `values`) or a negative
 * errno. */
s32 i2c_smbus_write_block_data(const struct i2c_client* client, u8 command, u8 length,
                               const u8* values);
s32 i2c_smbus_read_block_data(const struct i2c_client* client, u8 command, u8* values);

#endif
