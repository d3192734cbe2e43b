/* Reaches into the real ipmi_ssif.c for khost.h: its driver struct, module parameters and
 * struct ssif_info are private to its file, so this file includes it. Compiled once per
 * release (CMakeLists.txt); what it defines is static but the one table, KHOST_OPS, so that
 * two releases' drivers and glue live in one program. What the releases share is
 * khost_common.c's. */
#include "ipmi_ssif.c"

#include "khost.h"

#ifndef KHOST_OPS
#error "KHOST_OPS names this release's khost_ops (CMakeLists.txt)"
#endif

static struct i2c_driver* registered;
static struct i2c_adapter adapter;
static struct i2c_client client;
static int bound;

static int i2c_add_driver(struct i2c_driver* driver) {
    registered = driver;
    return 0;
}

static void i2c_del_driver(struct i2c_driver* driver) {
    if (bound && driver == registered && driver->remove)
        driver->remove(&client);
    bound = 0;
    registered = NULL;
}

static int khost_load(unsigned short addr7, const char* name, const char* adapter_label) {
    adapter.nr = 0;
    strscpy(adapter.name, adapter_label, sizeof(adapter.name));
    memset(&client, 0, sizeof(client));
    client.addr = addr7;
    client.adapter = &adapter;
    strscpy(client.name, DEVICE_NAME, sizeof(client.name));
    addr[0] = addr7;
    num_addrs = 1;
    adapter_name[0] = name ? kstrdup(name, GFP_KERNEL) : NULL;
    num_adapter_names = name ? 1 : 0;
    return khost_module_init();
}

static int khost_detect(void) {
    struct i2c_board_info info;
    memset(&info, 0, sizeof(info));
    return registered && registered->detect ? registered->detect(&client, &info) : -ENODEV;
}

static int khost_probe(void) {
    int rv;
    if (!registered)
        return -ENODEV;
    /* i2c_device_probe: 6.1's driver gives its one-argument probe as probe_new. */
    rv = registered->probe ? registered->probe(&client) : registered->probe_new(&client);
    bound = rv == 0;
    return rv;
}

static void khost_unload(void) {
    khost_module_exit();
    kfree(adapter_name[0]);
    adapter_name[0] = NULL;
}

static int khost_alert(unsigned int data) {
    struct ssif_info* s;
    int action;
    if (!bound || !registered->alert)
        return 0;
    /* What ssif_alert will do, read before it runs (the model host's alert event names it). */
    s = i2c_get_clientdata(&client);
    action = s->waiting_alert ? 3 : s->curr_msg ? 2 : 1;
    registered->alert(&client, I2C_PROTOCOL_SMBUS_ALERT, data);
    return action;
}

static struct ssif_info* info(void) {
    return bound ? i2c_get_clientdata(&client) : NULL;
}

static void khost_get_link(struct khost_link* out) {
    struct ssif_info* s = info();
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    out->bound = 1;
    out->pec = s->supports_pec != 0;
    out->max_xmit = s->max_xmit_msg_size;
    out->max_recv = s->max_recv_msg_size;
    out->cmd8_works = s->cmd8_works;
    out->has_event_buffer = s->has_event_buffer;
    out->supports_alert = s->supports_alert;
}

static void khost_get_stats(struct khost_stats* out) {
    /* ssif_probe sets the client data as soon as it has its ssif_info, before ipmi_register_smi,
     * and clears it when it fails: the counts of the registration's messages are there too. */
    struct ssif_info* s = i2c_get_clientdata(&client);
    memset(out, 0, sizeof(*out));
    if (!s)
        return;
    out->alerts = ssif_get_stat(s, alerts);
    out->flag_fetches = ssif_get_stat(s, flag_fetches);
    out->incoming_messages = ssif_get_stat(s, incoming_messages);
    out->events = ssif_get_stat(s, events);
    out->watchdog_pretimeouts = ssif_get_stat(s, watchdog_pretimeouts);
    out->hosed = ssif_get_stat(s, hosed);
}

static const void* khost_current_msg(void) {
    struct ssif_info* s = info();
    return s ? s->curr_msg : NULL;
}

static int khost_state(void) {
    struct ssif_info* s = info();
    return s ? (int)s->ssif_state : -1;
}

const struct khost_ops KHOST_OPS = {
    .load = khost_load,
    .detect = khost_detect,
    .probe = khost_probe,
    .unload = khost_unload,
    .alert = khost_alert,
    .get_link = khost_get_link,
    .get_stats = khost_get_stats,
    .current_msg = khost_current_msg,
    .state = khost_state,
};
