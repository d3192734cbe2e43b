/* Empty: kernel/ipmi_ssif/khost_shim.h (force-included) defines what the kernel file uses. */
