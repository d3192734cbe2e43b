// The real drivers/char/ipmi/ssif_bmc.c, compiled unmodified against kernel/shim (kernel in
// the loop), as plain functions the conformance harness calls. One device at a time: probe,
// events and syscalls, remove. Built only with -DSSIFSIM_KERNEL_SOURCE.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// ssif_bmc_probe on a client at `addr7`; 0 or -errno. kbmc_remove: ssif_bmc_remove, then the
// context freed (devm); a response timer still pending is dropped with it.
int kbmc_probe(unsigned short addr7);
void kbmc_remove(void);
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
// The context's fields: enum ssif_state (SSIF_READY 0 .. SSIF_ABORTING 5), and flags.
int kbmc_state(void);
int kbmc_busy(void);
int kbmc_aborting(void);
int kbmc_request_available(void);
int kbmc_response_in_progress(void);

#ifdef __cplusplus
}
#endif
