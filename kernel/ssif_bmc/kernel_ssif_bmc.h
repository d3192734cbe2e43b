// The real drivers/char/ipmi/ssif_bmc.c, compiled unmodified against kernel/shim (kernel in
// the loop), as plain functions the conformance harness and a simulation's BMC
// (kernel_ssif_bmc_driver.h) call. One device at a time: probe, events and syscalls, remove.
// Built only with -DSSIFSIM_KERNEL_SOURCE.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// ssif_bmc_probe on a client at `addr7`; 0 or -errno. kbmc_remove: ssif_bmc_remove, then the
// context freed (devm); a response timer still pending is dropped with it, and kbmc_remove
// returns 1 then (ssif_bmc_remove left it armed: the kernel would run it on freed memory),
// else 0.
int kbmc_probe(unsigned short addr7);
int kbmc_remove(void);
// ssif_bmc_cb(client, event, val): event in the kernel's enum i2c_slave_event order
// (READ_REQUESTED 0, WRITE_REQUESTED 1, READ_PROCESSED 2, WRITE_RECEIVED 3, STOP 4).
int kbmc_event(int event, unsigned char* val);
// The file operations on an O_NONBLOCK open file: open, release, read, write, poll.
int kbmc_open(void);
void kbmc_release(void);
long kbmc_read(unsigned char* buf, size_t count);
long kbmc_write(const unsigned char* buf, size_t count);
unsigned kbmc_poll(void);
// The response timer: pending or not; fire runs response_timeout as the timer softirq does
// (the timer no longer pending), if it was pending.
int kbmc_timer_pending(void);
void kbmc_timer_fire(void);
// read() into a user buffer that faults after `copyable` bytes (copy_to_user then returns
// what it could not copy); (size_t)-1: never faults.
long kbmc_read_faulting(unsigned char* buf, size_t count, size_t copyable);
// sizeof(struct ipmi_ssif_msg) as the driver's header has it.
size_t kbmc_msg_size(void);
// The driver's RESPONSE_TIMEOUT (ms; 500 in 6.12.117, another value in a patched tree).
unsigned kbmc_response_timeout_ms(void);

// What the driver does to the kernel around it, for a simulation (kernel/ssif_bmc/
// kernel_ssif_bmc_driver.h): all NULL by default (the conformance harness). `timer`: the
// response timer's mod_timer (pending 1, `expires` in jiffies) or del_timer (pending 0).
// `wake`: wake_up_all on the device's wait queue, from handle_request (request 1: a request
// is there for readers) or complete_response (request 0: a blocked writer may go on); it is
// told apart by ctx->busy, which handle_request sets and complete_response clears before
// waking. `log`: a dev_dbg/dev_warn/dev_err line ("debug", "warn", "err"), without its
// newline. `opaque` is passed back.
struct kbmc_hooks {
    void* opaque;
    void (*timer)(void* opaque, int pending, unsigned long expires);
    void (*wake)(void* opaque, int request);
    void (*log)(void* opaque, const char* level, const char* text);
};
void kbmc_set_hooks(const struct kbmc_hooks* hooks); // copied; NULL: none
// The kernel's clock as the driver reads it: jiffies, and the HZ msecs_to_jiffies uses.
void kbmc_set_clock(unsigned long jiffies_now, unsigned hz);

// The context's fields: enum ssif_state (SSIF_READY 0 .. SSIF_ABORTING 5), and flags.
int kbmc_state(void);
int kbmc_busy(void);
int kbmc_aborting(void);
int kbmc_request_available(void);
int kbmc_response_in_progress(void);
// part_buf.smbus_cmd, msg_idx, part_buf.index.
int kbmc_smbus_cmd(void);
int kbmc_msg_idx(void);
int kbmc_part_index(void);

#ifdef __cplusplus
}
#endif
