/* Reaches into the real ssif_bmc.c for kernel_ssif_bmc.h: the driver's functions and its
 * struct ssif_bmc_ctx are private to its file, so this file includes it. */
#include "ssif_bmc.c"

#include "kernel_ssif_bmc.h"

static struct i2c_client client;
static struct file file;
static struct inode inode;

static struct ssif_bmc_ctx* ctx(void) {
    return i2c_get_clientdata(&client);
}

static struct kbmc_hooks hooks;

static void on_timer(struct timer_list* t, int pending) {
    if (hooks.timer && ctx() && t == &ctx()->response_timer)
        hooks.timer(hooks.opaque, pending, t->expires);
}
static void on_wake(wait_queue_head_t* q) {
    if (hooks.wake && ctx() && q == &ctx()->wait_queue)
        hooks.wake(hooks.opaque, ctx()->busy);
}
static void on_log(const char* level, const char* text) {
    hooks.log(hooks.opaque, level, text);
}

void kbmc_set_hooks(const struct kbmc_hooks* h) {
    if (h)
        hooks = *h;
    else
        memset(&hooks, 0, sizeof(hooks));
    kshim_timer_hook = hooks.timer ? on_timer : NULL;
    kshim_wake_hook = hooks.wake ? on_wake : NULL;
    kshim_log_hook = hooks.log ? on_log : NULL;
}

void kbmc_set_clock(unsigned long jiffies_now, unsigned hz) {
    jiffies = jiffies_now;
    kshim_hz = hz;
}

int kbmc_probe(unsigned short addr7) {
    memset(&client, 0, sizeof(client));
    client.addr = addr7;
#ifdef KSHIM_I2C_PROBE_WITH_ID
    /* i2c_device_probe passed the id_table entry that matched: ssif_bmc has one. */
    return kshim_i2c_driver()->probe(&client, kshim_i2c_driver()->id_table);
#else
    return kshim_i2c_driver()->probe(&client);
#endif
}

int kbmc_remove(void) {
    struct ssif_bmc_ctx* c = ctx();
    kshim_i2c_driver()->remove(&client);
    const int left = c->response_timer.pending != 0;
    kfree(c);
    client.clientdata = NULL;
    return left;
}

int kbmc_event(int event, unsigned char* val) {
    return kshim_slave_cb(&client, (enum i2c_slave_event)event, val);
}

int kbmc_open(void) {
    file.private_data = kshim_misc; /* misc_open's doing */
    file.f_flags = O_NONBLOCK;
    return kshim_misc->fops->open(&inode, &file);
}
void kbmc_release(void) {
    kshim_misc->fops->release(&inode, &file);
}
long kbmc_read(unsigned char* buf, size_t count) {
    loff_t pos = 0;
    return kshim_misc->fops->read(&file, (char*)buf, count, &pos);
}
long kbmc_write(const unsigned char* buf, size_t count) {
    loff_t pos = 0;
    return kshim_misc->fops->write(&file, (const char*)buf, count, &pos);
}
long kbmc_read_faulting(unsigned char* buf, size_t count, size_t copyable) {
    kshim_user_copyable = copyable;
    const long ret = kbmc_read(buf, count);
    kshim_user_copyable = (size_t)-1;
    return ret;
}
size_t kbmc_msg_size(void) {
    return sizeof(struct ipmi_ssif_msg);
}

unsigned kbmc_response_timeout_ms(void) {
    return RESPONSE_TIMEOUT;
}
unsigned kbmc_poll(void) {
    return kshim_misc->fops->poll(&file, NULL);
}

int kbmc_timer_pending(void) {
    return ctx()->response_timer.pending != 0;
}
void kbmc_timer_fire(void) {
    struct timer_list* t = &ctx()->response_timer;
    if (!t->pending)
        return;
    t->pending = 0;
    t->function(t);
}

int kbmc_state(void) {
    return (int)ctx()->state;
}
int kbmc_busy(void) {
    return ctx()->busy;
}
int kbmc_aborting(void) {
    return ctx()->aborting;
}
int kbmc_request_available(void) {
    return ctx()->request_available;
}
int kbmc_response_in_progress(void) {
    return ctx()->response_in_progress;
}
int kbmc_smbus_cmd(void) {
    return ctx()->part_buf.smbus_cmd;
}
int kbmc_msg_idx(void) {
    return ctx()->msg_idx;
}
int kbmc_part_index(void) {
    return ctx()->part_buf.index;
}
