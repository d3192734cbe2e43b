/* What every release's ipmi_ssif.c (kernel_ipmi_ssif.c, once per release) shares: the heap
 * list and the stand-ins for ipmi_msghandler's and sysfs's helpers. Compiled once, against
 * the same shim (khost_shim.h, force-included). */
#include <linux/errno.h>
#include <linux/ipmi_smi.h>

struct khost_block khost_heap = {&khost_heap, &khost_heap, 0, 0};

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
