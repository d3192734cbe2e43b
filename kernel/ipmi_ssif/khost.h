/* The host's glue (kernel_ipmi_ssif.c, which compiles the real ipmi_ssif.c) as C++ calls it:
 * load and unload the module, bind and unbind the device the way i2c-core does, pass on an
 * SMBus alert, and read what the probe found. One table per release (khost_ops); one kernel
 * host per process (the glue's and the driver's statics, the host's C entry points). */
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

/* One release's ipmi_ssif.c and its glue (kernel_ipmi_ssif.c, compiled once per release with
 * KHOST_OPS naming this table; every other name it defines is static, so releases share a
 * program). */
struct khost_ops {
    /* insmod ipmi_ssif addr=ADDR7 [adapter_name=NAME]: the module parameters, then
     * module_init (init_ipmi_ssif: the address list, i2c_add_driver). adapter_name NULL: not
     * given. The adapter the device sits on is named `adapter`. 0 or a negative errno. */
    int (*load)(unsigned short addr7, const char* adapter_name, const char* adapter);
    /* i2c_detect's step after the Quick Write: the driver's detect (ssif_detect). 0 if found. */
    int (*detect)(void);
    /* i2c-core binds the device: the driver's probe (ssif_probe). Blocks. 0 or a negative
     * errno. */
    int (*probe)(void);
    /* rmmod: module_exit (cleanup_ipmi_ssif: i2c_del_driver unbinds, then the lists go). */
    void (*unload)(void);
    /* smbus_do_alert: the bound driver's alert callback. 0 (not called) when no driver is
     * bound: the device lock keeps an alert from a removed driver in the kernel. Else what
     * ssif_alert does with it: 1 ignored, 2 noted (got_alert, a message in flight), 3 read now
     * (it was waiting to retry a read). */
    int (*alert)(unsigned int data);
    void (*get_link)(struct khost_link* out);
    /* Readable from the probe's ssif_info on (before registration), zero without one. */
    void (*get_stats)(struct khost_stats* out);
    /* The message the driver is working on (ssif_info->curr_msg), or NULL. */
    const void* (*current_msg)(void);
    /* enum ssif_intf_state, -1 when unbound. */
    int (*state)(void);
};

/* The releases a build has: Debian's linux-source-6.12 (6.12.117) always; linux-source-6.1
 * (6.1.192) when scripts/kernel-source.sh extracted it (SSIFSIM_KERNEL_HOST_6_1). */
extern const struct khost_ops khost_ops_6_12;
extern const struct khost_ops khost_ops_6_1;

#ifdef __cplusplus
}
#endif

#endif
