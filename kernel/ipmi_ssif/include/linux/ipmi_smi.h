/* The interface between an IPMI system interface driver and ipmi_msghandler
 * (include/linux/ipmi_smi.h, include/linux/ipmi.h, include/uapi/linux/ipmi_msgdefs.h), as the
 * simulator's stand-in message handler (kernel/ipmi_ssif/kernel_ssif_host.cpp) provides it to
 * drivers/char/ipmi/ipmi_ssif.c. Written for this project from the documented interface; it
 * holds no kernel code. Values are the IPMI 2.0 specification's (netfns, commands, the BMC
 * global enables bits of section 22.1) and the kernel ABI's (the watch mask, the address
 * sources, IPMI_MAX_MSG_LENGTH). */
#ifndef SSIFSIM_KHOST_IPMI_SMI_H
#define SSIFSIM_KHOST_IPMI_SMI_H

/* IPMI_MAX_MSG_LENGTH: the longest message the handler passes either way. */
#define IPMI_MAX_MSG_LENGTH 272

/* Netfns and commands (IPMI 2.0 tables 20-2 and 22-*). */
#define IPMI_NETFN_APP_REQUEST 0x06
#define IPMI_NETFN_APP_RESPONSE 0x07
#define IPMI_GET_DEVICE_ID_CMD 0x01
#define IPMI_SET_BMC_GLOBAL_ENABLES_CMD 0x2e
#define IPMI_GET_BMC_GLOBAL_ENABLES_CMD 0x2f
#define IPMI_CLEAR_MSG_FLAGS_CMD 0x30
#define IPMI_GET_MSG_FLAGS_CMD 0x31
#define IPMI_GET_MSG_CMD 0x33
#define IPMI_READ_EVENT_MSG_BUFFER_CMD 0x35
/* BMC global enables (IPMI 2.0 section 22.1). */
#define IPMI_BMC_RCV_MSG_INTR 0x01
#define IPMI_BMC_EVT_MSG_INTR 0x02
#define IPMI_BMC_EVT_MSG_BUFF 0x04

/* set_need_watch's mask: who needs the interface polled for flags. */
#define IPMI_WATCH_MASK_CHECK_MESSAGES (1 << 0)
#define IPMI_WATCH_MASK_CHECK_WATCHDOG (1 << 1)
#define IPMI_WATCH_MASK_CHECK_COMMANDS (1 << 2)

/* Where the interface's address came from. */
enum ipmi_addr_src {
    SI_INVALID = 0,
    SI_HOTMOD,
    SI_HARDCODED,
    SI_SPMI,
    SI_ACPI,
    SI_SMBIOS,
    SI_PCI,
    SI_DEVICETREE,
    SI_PLATFORM,
    SI_LAST
};
const char* ipmi_addr_src_to_str(enum ipmi_addr_src src);
union ipmi_smi_info_union {
    struct {
        void* acpi_handle;
    } acpi_info;
};
struct device;
struct ipmi_smi_info {
    enum ipmi_addr_src addr_src;
    struct device* dev;
    union ipmi_smi_info_union addr_info;
};

/* One message between the handler and the driver: the request (data), the response the
 * driver fills in (rsp, rsp_size; negative: malformed), and the handler's done callback that
 * frees it. */
struct ipmi_smi_msg {
    long msgid;
    void* user_data;
    int data_size;
    unsigned char data[IPMI_MAX_MSG_LENGTH];
    int rsp_size;
    unsigned char rsp[IPMI_MAX_MSG_LENGTH];
    void (*done)(struct ipmi_smi_msg* msg);
};
struct ipmi_smi_msg* ipmi_alloc_smi_msg(void);
void ipmi_free_smi_msg(struct ipmi_smi_msg* msg);

struct ipmi_smi; /* the handler's interface, opaque to the driver */
/* What the driver offers the handler. sender, request_events and set_need_watch run in any
 * context and never block; sender takes one message at a time (the handler sends the next
 * once this one's response came back). */
struct ipmi_smi_handlers {
    void* owner;
    int (*start_processing)(void* send_info, struct ipmi_smi* new_intf);
    void (*shutdown)(void* send_info);
    int (*get_smi_info)(void* send_info, struct ipmi_smi_info* data);
    void (*sender)(void* send_info, struct ipmi_smi_msg* msg);
    void (*request_events)(void* send_info);
    void (*set_need_watch)(void* send_info, unsigned int watch_mask);
};
/* Registers the interface: start_processing, then the handler's own requests through sender
 * (Get Device GUID, Get Device ID, the channel scan), waiting for each. Blocks. 0, or a
 * negative errno after which the handler has called shutdown. */
int ipmi_register_smi(const struct ipmi_smi_handlers* handlers, void* send_info, struct device* dev,
                      unsigned char slave_addr);
/* Calls the handlers' shutdown and forgets the interface. */
void ipmi_unregister_smi(struct ipmi_smi* intf);
/* A response to the message sender was given, or a message the driver fetched on its own
 * (an event, an incoming message). Never blocks. */
void ipmi_smi_msg_received(struct ipmi_smi* intf, struct ipmi_smi_msg* msg);
void ipmi_smi_watchdog_pretimeout(struct ipmi_smi* intf);

/* The Get Device ID response as the handler decodes it (ipmi_demangle_device_id). */
struct ipmi_device_id {
    unsigned char device_id;
    unsigned char device_revision;
    unsigned char firmware_revision_1;
    unsigned char firmware_revision_2;
    unsigned char ipmi_version;
    unsigned char additional_device_support;
    unsigned int manufacturer_id;
    unsigned int product_id;
};
/* netfn, cmd and the response from its completion code on (data_len bytes): 0, or -EINVAL
 * unless it answers Get Device ID with completion code 0 and at least the 6 bytes up to the
 * additional device support (IPMI 2.0 section 20.1); the rest is optional. */
int ipmi_demangle_device_id(unsigned char netfn, unsigned char cmd, const unsigned char* data,
                            unsigned int data_len, struct ipmi_device_id* id);

#endif
