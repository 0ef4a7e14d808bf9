/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdaemon.h: the page daemon's internal interface: targets, the
 * allocator's wake-up hooks, uvm_wait(), reclaim hooks and the swap
 * paging glue (swapoff drain).
 *
 * Targets (in pages, also published in uvmexp):
 *	freemin		below this many free pages the allocator calls the
 *			daemon (thread mode: wakes it; inline: scans)
 *	freetarg	a run frees pages until this many are free
 *	wiredmax	most pages that may be wired (mlock and friends)
 *	reserve_pagedaemon, reserve_kernel
 *			the allocator's reserves (uvm_page.h): ordinary
 *			allocations stop at reserve_kernel +
 *			reserve_pagedaemon free pages; freemin is above that
 *
 * Locking: see the design note of uvm_pdaemon.c.  Nothing here may be
 * called with the page-queue, free-list, swap or pmap locks held.
 */
#ifndef _UVM_PDAEMON_INTERNAL_H_
#define _UVM_PDAEMON_INTERNAL_H_

#include <uvm/uvm_pdaemon.h>

#include "uvm.h"

/* Machine setup and teardown (the "pdaemon" subsystem of uvm_create()). */
int uvm_pdaemon_init(struct uvm *);
void uvm_pdaemon_fini(struct uvm *);

/*
 * Allocator hooks (uvm_page.c).
 * uvm_pagedaemon_needed: free pages fell below freemin: wake the daemon
 *	(thread mode) or run a scan now (inline mode; skipped when another
 *	scan is in progress or the last one found nothing to free and
 *	nothing was freed since).
 *	=> the caller may hold owner locks (the scan only try-locks owners);
 *	   no page-queue, free-list, swap or pmap lock
 * uvm_pagedaemon_shortage: an allocation failed for lack of free pages:
 *	remember it for uvm_wait() in the calling thread, wake the daemon.
 */
void uvm_pagedaemon_needed(struct uvm *);
void uvm_pagedaemon_shortage(struct uvm *);

/*
 * uvm_wait: the calling thread's last page allocation on this machine
 * failed for lack of memory; wait until the page daemon has freed some.
 *	=> 0: an ordinary allocation may succeed now (retry);
 *	   ENOMEM: nothing could be freed (no victims, swap full), or the
 *	   thread's last allocation did not fail for lack of memory (an
 *	   injected failure: waiting cannot help)
 *	=> call with no locks held (owner locks held only make their pages
 *	   unclaimable); sleeps in thread mode, scans in inline mode; never
 *	   sleeps forever
 */
int uvm_wait(struct uvm *, const char *wmesg);

/* uvm_reclaimable: could a run of the daemon free anything at all? */
bool uvm_reclaimable(struct uvm *);

/*
 * Reclaim hooks: callbacks run at the end of a daemon run that left free
 * memory below freetarg; each returns the number of pages it freed.  They
 * run with no lock of the daemon's held but the scan lock (they must not
 * allocate pages).  A hook may be added once (EEXIST) and must be removed
 * before its argument dies.
 *	=> add: 0, EEXIST, ENOMEM; remove: 0, ENOENT
 */
typedef uint64_t (*uvm_reclaim_hook_t)(struct uvm *, void *arg);
int uvm_pdaemon_hook_add(struct uvm *, uvm_reclaim_hook_t, void *arg);
int uvm_pdaemon_hook_remove(struct uvm *, uvm_reclaim_hook_t, void *arg);

/*
 * uvm_swap_drain: bring every page whose swap copy lies in slots
 * [start, end) back into memory (anons through the amap list, aobj pages
 * through the aobj list); the slots are freed and the pages, dirty again,
 * stay resident until the daemon pages them out elsewhere.  Called by
 * uvm_swap_remove() once the device no longer hands out slots.
 *	=> no locks held; sleeps; serialised with other drains
 *	=> 0 when no slot of the range was found in use by an anon or aobj;
 *	   otherwise ENOMEM (no memory for the pages), EIO (a read failed:
 *	   that page stays in swap) or EBUSY (pages kept busy by I/O)
 */
int uvm_swap_drain(struct uvm *, uint64_t start, uint64_t end);

/* Checker (part of uvm_sanity_all()) and printer. */
void uvm_pdaemon_sanity(struct uvm *);
void uvm_pdaemon_printit(struct uvm *, FILE *);

#endif /* _UVM_PDAEMON_INTERNAL_H_ */
