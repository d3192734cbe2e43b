/* The host's glue (kernel_ipmi_ssif.c, which compiles the real ipmi_ssif.c) as C++ calls it:
 * load and unload the module, bind and unbind the device the way i2c-core does, pass on an
 * SMBus alert, and read what the probe found. One driver per process (its statics). */
#ifndef SSIFSIM_KHOST_H
#define SSIFSIM_KHOST_H

#ifdef __cplusplus
extern "C" {
#endif

/* What ssif_probe found (struct ssif_info's fields), valid while the device is bound. */
struct khost_link {
    int bound; /* probed, and not removed since */
    int pec;
    unsigned max_xmit;
    unsigned max_recv;
    int cmd8_works;
    int has_event_buffer;
    int supports_alert;
};
/* The driver's statistics (its sysfs attributes) that the report shows. */
struct khost_stats {
    unsigned alerts, flag_fetches, incoming_messages, events, watchdog_pretimeouts, hosed;
};

/* insmod ipmi_ssif addr=ADDR7 [adapter_name=NAME]: the module parameters, then module_init
 * (init_ipmi_ssif: the address list, i2c_add_driver). adapter_name NULL: not given. The
 * adapter the device sits on is named `adapter`. 0 or a negative errno. */
int khost_load(unsigned short addr7, const char* adapter_name, const char* adapter);
/* i2c_detect's step after the Quick Write: the driver's detect (ssif_detect). 0 if found. */
int khost_detect(void);
/* i2c-core binds the device: the driver's probe (ssif_probe). Blocks. 0 or a negative errno. */
int khost_probe(void);
/* rmmod: module_exit (cleanup_ipmi_ssif: i2c_del_driver unbinds, then the lists go). */
void khost_unload(void);
/* smbus_do_alert: the bound driver's alert callback. 0 (not called) when no driver is bound:
 * the device lock keeps an alert from a removed driver in the kernel. Else what ssif_alert
 * does with it: 1 ignored, 2 noted (got_alert, a message in flight), 3 read now (it was
 * waiting to retry a read). */
int khost_alert(unsigned int data);
void khost_get_link(struct khost_link* out);
void khost_get_stats(struct khost_stats* out);
/* The message the driver is working on (ssif_info->curr_msg), or NULL. */
const void* khost_current_msg(void);
/* enum ssif_intf_state, -1 when unbound. */
int khost_state(void);

#ifdef __cplusplus
}
#endif

#endif
