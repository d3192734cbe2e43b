/* The kernel basics both userspace shims define alike (kernel/shim/kshim.h for ssif_bmc.c and
 * airq.c, kernel/ipmi_ssif/khost_shim.h for ipmi_ssif.c), included at the top of each: the C
 * library, the fixed-width types, the annotations and module glue that mean nothing in
 * userspace, and container_of with what is built on it alone. What a shim does its own way
 * (memory, locks, timers, logging, the devices) stays in that shim. Written for this project
 * from the kernel's documented interfaces; it holds no kernel code. */
#ifndef SSIFSIM_KBASICS_H
#define SSIFSIM_KBASICS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Types (include/linux/types.h); loff_t and ssize_t come from <sys/types.h>. */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned int gfp_t;
#define GFP_KERNEL 0u

/* What kmalloc's memory holds before the driver writes it (include/linux/slab.h: kmalloc does
 * not zero; the kernel's block holds whatever the slab last held). Both shims fill it with this
 * pattern, so a driver that reads a byte it never wrote (ipmi_ssif.c's ssif_probe prints
 * resp[2] of a failed Get System Interface Capabilities) reads the same byte every run; never
 * zero, so a kmalloc where kzalloc was needed shows. */
#define KSHIM_KMALLOC_FILL 0xa5

/* Annotations and module glue (include/linux/init.h, export.h, module.h). */
#define __init
#define __exit
#define THIS_MODULE NULL
#define EXPORT_SYMBOL(sym) extern int ssifsim_exported_##sym
#define MODULE_DEVICE_TABLE(type, name) extern int ssifsim_device_table_##type
#define MODULE_AUTHOR(text) extern int ssifsim_module_author
#define MODULE_DESCRIPTION(text) extern int ssifsim_module_description
#define MODULE_LICENSE(text) extern int ssifsim_module_license

/* include/linux/minmax.h, container_of.h: the member's containing struct, and a timer's
 * (include/linux/timer.h's from_timer, whatever the shim's struct timer_list). */
#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define container_of(ptr, type, member) ((type*)((char*)(ptr)-offsetof(type, member)))
#define from_timer(var, timer, field) container_of(timer, __typeof__(*var), field)

#endif
