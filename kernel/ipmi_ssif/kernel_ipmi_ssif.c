/* Reaches into the real ipmi_ssif.c for khost.h: its driver struct, module parameters and
 * struct ssif_info are private to its file, so this file includes it. */
#include "ipmi_ssif.c"

#include "khost.h"

struct khost_block khost_heap = {&khost_heap, &khost_heap, 0, 0};

static struct i2c_driver* registered;
static struct i2c_adapter adapter;
static struct i2c_client client;
static int bound;

int i2c_add_driver(struct i2c_driver* driver) {
    registered = driver;
    return 0;
}

void i2c_del_driver(struct i2c_driver* driver) {
    if (bound && driver == registered && driver->remove)
        driver->remove(&client);
    bound = 0;
    registered = NULL;
}

int khost_load(unsigned short addr7, const char* name, const char* adapter_label) {
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

int khost_detect(void) {
    struct i2c_board_info info;
    memset(&info, 0, sizeof(info));
    return registered && registered->detect ? registered->detect(&client, &info) : -ENODEV;
}

int khost_probe(void) {
    int rv;
    if (!registered)
        return -ENODEV;
    rv = registered->probe(&client);
    bound = rv == 0;
    return rv;
}

void khost_unload(void) {
    khost_module_exit();
    kfree(adapter_name[0]);
    adapter_name[0] = NULL;
}

int khost_alert(unsigned int data) {
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

void khost_get_link(struct khost_link* out) {
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

void khost_get_stats(struct khost_stats* out) {
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

const void* khost_current_msg(void) {
    struct ssif_info* s = info();
    return s ? s->curr_msg : NULL;
}

int khost_state(void) {
    struct ssif_info* s = info();
    return s ? (int)s->ssif_state : -1;
}

struct ipmi_smi_msg* ipmi_alloc_smi_msg(void) {
    struct ipmi_smi_msg* m = kzalloc(sizeof(*m), GFP_KERNEL);
    if (m)
        m->done = ipmi_free_smi_msg;
    return m;
}

void ipmi_free_smi_msg(struct ipmi_smi_msg* msg) {
    kfree(msg);
}

const char* ipmi_addr_src_to_str(enum ipmi_addr_src src) {
    static const char* const names[] = {"invalid", "hotmod", "hardcoded",   "SPMI",    "ACPI",
                                        "SMBIOS",  "PCI",    "device-tree", "platform"};
    return src < SI_LAST ? names[src] : "invalid";
}

int ipmi_demangle_device_id(unsigned char netfn, unsigned char cmd, const unsigned char* data,
                            unsigned int data_len, struct ipmi_device_id* id) {
    if (netfn != IPMI_NETFN_APP_RESPONSE || cmd != IPMI_GET_DEVICE_ID_CMD || data_len < 7 ||
        data[0] != 0)
        return -EINVAL;
    memset(id, 0, sizeof(*id));
    id->device_id = data[1];
    id->device_revision = data[2];
    id->firmware_revision_1 = data[3];
    id->firmware_revision_2 = data[4];
    id->ipmi_version = data[5];
    id->additional_device_support = data[6];
    if (data_len >= 12) {
        id->manufacturer_id = data[7] | (data[8] << 8) | (data[9] << 16);
        id->product_id = data[10] | (data[11] << 8);
    }
    return 0;
}

int sysfs_emit(char* buf, const char* fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, 4096, fmt, ap);
    va_end(ap);
    return n;
}
