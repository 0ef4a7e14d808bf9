/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_swap.h: swap slots and swap I/O, the interface for pagers and the
 * page daemon.
 *
 * Swap slots are numbered machine-wide from 1 (0 means "no slot", as in
 * an_swslot); each device owns a contiguous range of numbers.  A run of
 * slots from one uvm_swap_alloc() call is contiguous on one device, so it
 * can be written with one I/O.  Slots are in one of three states: free,
 * in use (allocated, counted in swpginuse) or bad (counted in swpgbad and
 * never handed out again while the device is configured).
 *
 * Counters this layer keeps exact: swpages (slots on all devices, bad ones
 * included), swpginuse, swpgbad, nswapdev, and the I/O counters pgswapin,
 * pgswapout, swapins, swapouts.  swpgonly (slots whose page is nowhere
 * else) belongs to the slots' owners (anons, aobjs): they adjust it with
 * uvm_cnt_add() when a page becomes swap-only or stops being so.
 *
 * Locking: the swap lock (class LC_SWAP) is private to uvm_swap.c and taken
 * inside every function; I/O runs without it.  Callers may hold owner,
 * page-queue and free-list locks (all ordered before the swap lock).
 */
#ifndef _UVM_SWAP_INTERNAL_H_
#define _UVM_SWAP_INTERNAL_H_

#include <stdio.h>

#include "uvm.h"

struct vm_page;

/* Longest run uvm_swap_alloc() hands out and uvm_swap_put/getpages move. */
#define UVM_SWAP_MAXCLUSTER 256

/* Machine setup and teardown: adds/drops the configured devices. */
int uvm_swap_init(struct uvm *);
void uvm_swap_fini(struct uvm *);

/*
 * uvm_swap_alloc: allocate *nslots (1..UVM_SWAP_MAXCLUSTER) contiguous
 * slots on one device, from the highest-priority device that has them,
 * taking turns among devices of equal priority.  With lessok, a shorter
 * run is acceptable when no device has the whole run: *nslots is lowered
 * to what was allocated.
 * => returns the first slot, or 0 when nothing could be allocated (swap
 *    full, no device, or an injected KFI_SWAPSLOT failure)
 */
uint64_t uvm_swap_alloc(struct uvm *, unsigned *nslots, bool lessok);
/* Free in-use slots [start, start + n). */
void uvm_swap_free(struct uvm *, uint64_t start, unsigned n);
/*
 * Mark in-use slots [start, start + n) bad: they leave swpginuse, join
 * swpgbad, and are never allocated again.  The caller forgets them (they
 * must not be freed).
 */
void uvm_swap_markbad(struct uvm *, uint64_t start, unsigned n);

/*
 * uvm_swap_put: write the contents of pages[0..n) to in-use slots
 * [start, start + n) (one contiguous run on one device: a single pwritev).
 * => pages are the caller's (busy or otherwise held); their contents are
 *    read through uvm_page_hostaddr()
 * => 0 on success; EIO on any write failure (host error or an injected
 *    KFI_PGIO_WRITE): then every slot of the run has been marked bad, the
 *    caller forgets them and keeps the pages (and may retry elsewhere)
 */
int uvm_swap_put(
    struct uvm *, uint64_t start, struct vm_page **pages, unsigned n);
/*
 * uvm_swap_get: read in-use slot `slot` into pg; uvm_swap_getpages: read
 * the run [start, start + n) into pages[0..n) with a single preadv.
 * => 0, or EIO (host error or an injected KFI_PGIO_READ); the slots are
 *    left as they were: the caller decides whether to mark them bad
 */
int uvm_swap_get(struct uvm *, struct vm_page *pg, uint64_t slot);
int uvm_swap_getpages(
    struct uvm *, uint64_t start, struct vm_page **pages, unsigned n);

/*
 * uvm_swapisfull: true when every good slot holds a page that exists only
 * in swap (swpgonly + swpgbad >= swpages): paging anonymous memory out
 * cannot make progress.  Also true with no swap at all.
 */
bool uvm_swapisfull(struct uvm *);
/* True if slot is in use (for the owners' sanity checkers). */
bool uvm_swap_slot_inuse_p(struct uvm *, uint64_t slot);
/* Free slots on all devices (good slots neither in use nor bad). */
uint64_t uvm_swap_nfree(struct uvm *);

void uvm_swap_sanity(struct uvm *);
void uvm_swap_printit(struct uvm *, FILE *);

#endif /* _UVM_SWAP_INTERNAL_H_ */
