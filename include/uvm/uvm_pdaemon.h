/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdaemon.h: the page daemon of a machine, as seen from outside.
 *
 * Every machine has a page daemon.  With u_cfg.uc_pdaemon "thread" it is a
 * real thread that the page allocator wakes when free memory falls below
 * its minimum; with "inline" (the default) the same scan runs synchronously
 * inside the allocation that crossed the line, so that a run is
 * reproducible bit for bit.  uvm_pagedaemon_run() performs one scan now,
 * in the calling thread, whatever the mode (for simulators and tests).
 * The daemon's targets and counters are in struct uvmexp (freemin,
 * freetarg, wiredmax, pdwoke, pdrevs, pdscans, pdfreed, ...).
 */
#ifndef _UVM_UVM_PDAEMON_H_
#define _UVM_UVM_PDAEMON_H_

#include <uvm/uvm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;

/*
 * uvm_pagedaemon_run: one run of the page daemon (scans until free memory
 * reaches its target or nothing more can be reclaimed).  *freedp (may be
 * NULL) receives the number of pages the run freed.
 * => 0, or EINVAL (uvm NULL); may sleep for a run in progress
 */
UVM_EXPORT int uvm_pagedaemon_run(struct uvm *, uint64_t *freedp);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_UVM_PDAEMON_H_ */
