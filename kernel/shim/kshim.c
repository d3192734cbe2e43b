/* The shim's out-of-line part (kshim.h): heap blocks with their guard word, the DMA pool,
 * and the few symbols airq.c names but the conformance runs never reach. */
#include <stdarg.h>

unsigned long kshim_would_spin;
unsigned long kshim_log_lines;
void (*kshim_log_hook)(const char* level, const char* text);
unsigned long kshim_waits;
void (*kshim_wake_hook)(wait_queue_head_t* q);
void (*kshim_timer_hook)(struct timer_list* t, int pending);
size_t kshim_user_copyable = (size_t)-1;
i2c_slave_cb_t kshim_slave_cb;
struct miscdevice* kshim_misc;
unsigned long jiffies;
unsigned int kshim_hz = 100;
struct irq_chip dummy_irq_chip;

static void* guarded(size_t size, int zero, unsigned char guard) {
    const size_t words = BITS_TO_LONGS(size * BITS_PER_BYTE) + 1;
    unsigned char* p = malloc(words * sizeof(unsigned long));
    if (!p)
        return NULL;
    memset(p, zero ? 0 : KSHIM_KMALLOC_FILL, size);
    memset(p + size, guard, words * sizeof(unsigned long) - size);
    return p;
}

void* kmalloc(size_t size, gfp_t gfp) {
    (void)gfp;
    return guarded(size, 0, 0xff);
}
void* kzalloc(size_t size, gfp_t gfp) {
    (void)gfp;
    return guarded(size, 1, 0xff);
}
void kfree(const void* p) {
    free((void*)p);
}

void* cio_dma_zalloc(size_t size) {
    return guarded(size, 1, 0x00);
}
void cio_dma_free(void* p, size_t size) {
    (void)size;
    free(p);
}

u8 i2c_smbus_pec(u8 crc, u8* p, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = (u8)(crc & 0x80 ? (crc << 1) ^ 0x07 : crc << 1);
    }
    return crc;
}

struct device* cio_get_dma_css_dev(void) {
    return NULL;
}
static struct dma_pool the_pool;
struct dma_pool* dma_pool_create(const char* name, struct device* dev, size_t size, size_t align,
                                 size_t boundary) {
    (void)name, (void)dev, (void)align, (void)boundary;
    the_pool.size = size;
    return &the_pool;
}
void* dma_pool_zalloc(struct dma_pool* pool, gfp_t gfp, dma_addr_t* handle) {
    (void)gfp;
    *handle = 0;
    return guarded(pool->size, 1, 0x00);
}
void dma_pool_free(struct dma_pool* pool, void* p, dma_addr_t handle) {
    (void)pool, (void)handle;
    free(p);
}

struct pt_regs* get_irq_regs(void) {
    static struct pt_regs regs;
    return &regs;
}
void handle_percpu_irq(void* desc) {
    (void)desc;
}
void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

void kshim_dev_printk(const char* level, const char* fmt, ...) {
    ++kshim_log_lines;
    if (!kshim_log_hook)
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    /* printk's lines end in "\n", or not (a continuation-less line is ended anyway). */
    const size_t n = strlen(text);
    if (n && text[n - 1] == '\n')
        text[n - 1] = '\0';
    kshim_log_hook(level, text);
}
