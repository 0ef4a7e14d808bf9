/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm.h: the libuvm public interface (umbrella header).
 *
 * libuvm simulates whole machines with NetBSD's UVM virtual memory system.
 * Every call names its machine (struct uvm) or an object that belongs to
 * one; there is no global state, and several machines may live in one
 * process.  Calls return 0 or a positive errno.
 */
#ifndef _UVM_H_
#define _UVM_H_

#include <stdio.h>

#include <uvm/uvm_types.h>
#include <uvm/uvm_config.h>
#include <uvm/uvm_stats.h>
#include <uvm/uvm_map.h>
#include <uvm/uvm_fault.h>
#include <uvm/uvm_swap.h>
#include <uvm/uvm_syscalls.h>
#include <uvm/uvm_pdaemon.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;

/* The machine. */
UVM_EXPORT void uvm_config_init(struct uvm_config *);
UVM_EXPORT int uvm_create(const struct uvm_config *, struct uvm **);
UVM_EXPORT void uvm_destroy(struct uvm *);
UVM_EXPORT void uvm_config_dump(const struct uvm *, FILE *);
UVM_EXPORT void uvm_stats(const struct uvm *, struct uvmexp *);
UVM_EXPORT void uvm_stats_print(const struct uvmexp *, FILE *);
UVM_EXPORT uint64_t uvm_pagesize(const struct uvm *);
UVM_EXPORT uint64_t uvm_availmem(struct uvm *, bool cached_ok);

/*
 * The last error message of the calling thread: uvm_create() explains an
 * EINVAL here, naming the offending configuration field.
 */
UVM_EXPORT const char *uvm_last_error(void);

/*
 * panic(9) for the library: the hook is called with the message; if it
 * returns (or there is none) the process aborts.  A simulator dumps state
 * here, a test harness turns it into a test failure.
 */
typedef void (*uvm_panic_hook_t)(const char *msg, void *arg);
UVM_EXPORT void uvm_set_panic_hook(uvm_panic_hook_t, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_H_ */
