/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_page.h: physical pages (struct vm_page) and their allocator.
 *
 * Lock legend for struct vm_page:
 *	[o] owner's lock: the object's rwlock, or the anon's (amap's) lock
 *	[f] the machine's free-list lock (uvm_page.c)
 *	[q] the page-queue lock (uvm_pdpolicy*.c)
 *	[i] the page interlock (uvm_page_interlock())
 *	[p] the pmap back end (pv list head and R/M attributes)
 *	[c] constant
 *
 * A page is free (PG_FREE, on a free list, [f]) or owned by at most one
 * object or anon (uobject/offset or uanon, [o]).  pageq links it on a free
 * list or on a paging queue, never both.  The structure must stay within
 * 64 bytes on 64-bit hosts: there are millions of them.
 */
#ifndef _UVM_PAGE_H_
#define _UVM_PAGE_H_

#include <sys/queue.h>

#include "uvm.h"

struct uvm_object;
struct vm_anon;
struct pv_entry;

struct vm_page {
	union {
		TAILQ_ENTRY(vm_page) queue; /* [q] paging queue */
		LIST_ENTRY(vm_page) list;   /* [f] free list */
	} pageq;
	struct uvm_object *uobject; /* [o] object owning the page, or NULL */
	struct vm_anon *uanon;      /* [o] anon owning the page, or NULL */
	voff_t offset;              /* [o] offset in uobject */
	struct pv_entry *pv_head;   /* [p] mappings of the page */
	uint32_t phys_pfn;          /* [c] page frame number */
	uint32_t flags;             /* [o] PG_* */
	uint16_t pqflags;           /* [q] PQ_* */
	uint16_t wire_count;        /* [o] wirings; > 0 keeps it off queues */
	uint16_t loan_count;        /* [o] loans */
	uint8_t mdattrs;  /* [p] back end's referenced/modified bits */
	uint8_t freelist; /* [c] free list of its segment */
};

/*
 * Page flags (pg->flags), [o] except PG_FREE which is [f].
 * The dirtiness state is one of UNKNOWN (neither bit), CLEAN or DIRTY.
 */
#define PG_BUSY        0x00000001u /* I/O or allocation in progress: hands off */
#define PG_WANTED      0x00000002u /* somebody sleeps on PG_BUSY */
#define PG_TABLED      0x00000004u /* in its object's page index */
#define PG_CLEAN       0x00000008u /* known identical to backing store */
#define PG_DIRTY       0x00000010u /* known modified since last clean */
#define PG_RELEASED    0x00000020u /* free it when it becomes unbusy */
#define PG_FAKE        0x00000040u /* contents not valid yet */
#define PG_RDONLY      0x00000080u /* map read-only (backing store read-only) */
#define PG_ZERO        0x00000100u /* known to be all zero */
#define PG_FREE        0x00000200u /* on a free list */
#define PG_ANON        0x00000400u /* usage class: anonymous (anon-owned) */
#define PG_AOBJ        0x00000800u /* usage class: anonymous object */
#define PG_FILE        0x00001000u /* usage class: file (vnode) data */
#define PG_EXEC        0x00002000u /* usage class: executable file data */
#define PG_PAGEOUT     0x00004000u /* being paged out by the daemon */
#define PG_MARKER      0x00008000u /* queue marker, not a real page */
#define PG_PAGER1      0x00010000u /* pager-private */
#define PG_SWAPBACKED  (PG_ANON | PG_AOBJ)
#define PG_STATUS_MASK (PG_CLEAN | PG_DIRTY)

/* Page-queue flags (pg->pqflags), owned by the replacement policy. */
#define PQ_ACTIVE      0x0001u
#define PQ_INACTIVE    0x0002u
#define PQ_HOT         0x0004u /* CLOCK-Pro */
#define PQ_TEST        0x0008u /* CLOCK-Pro */
#define PQ_REFERENCED  0x0010u
#define PQ_INTENT_MASK 0x0f00u /* batched state changes (policy-private) */
#define PQ_POLICY_MASK 0xf000u /* policy-private */

/* Dirtiness as UVM's uvm_pagegetdirty() reports it. */
#define UVM_PAGE_STATUS_UNKNOWN 0
#define UVM_PAGE_STATUS_CLEAN   1
#define UVM_PAGE_STATUS_DIRTY   2

/* uvm_pagealloc_strat() flags. */
#define UVM_PGA_USERESERVE 0x0001 /* may dip into the reserves */
#define UVM_PGA_ZERO       0x0002 /* returned page must be zeroed */
#define UVM_PGA_NOWAIT     0x0004 /* never sleep (allocation never sleeps) */
#define UVM_PGA_PAGEDAEMON 0x0008 /* caller is the page daemon: last pages */
/*
 * With UVM_PGA_ZERO: the caller is about to touch byte `off' of the page,
 * so its cache line is zeroed through the cache and the rest around it
 * (pmap_zero_page_hot()).  Any page size up to 64 KiB has at most 1024
 * lines of 64 bytes: the line number + 1 fits in bits 16..26.
 */
#define UVM_PGA_HOT(off)   ((int)((((off) >> 6) + 1) << 16))
#define UVM_PGA_HOTMASK    0x07ff0000

/* Free-list strategies. */
#define UVM_PGA_STRAT_NORMAL   0 /* any free list, preferring default order */
#define UVM_PGA_STRAT_ONLY     1 /* only the given free list */
#define UVM_PGA_STRAT_FALLBACK 2 /* the given list first, then any */

/* Machine setup and teardown (called by uvm_create()/uvm_destroy()). */
int uvm_page_init(struct uvm *);
void uvm_page_fini(struct uvm *);

/* The machine a page belongs to (through its segment). */
struct uvm *uvm_page_machine(const struct vm_page *);
paddr_t uvm_page_phys(const struct uvm *, const struct vm_page *);
#define VM_PAGE_TO_PHYS(u, pg) uvm_page_phys((u), (pg))
struct vm_page *uvm_phys_to_vm_page(const struct uvm *, paddr_t);
/* Host memory holding the page's contents (reserved lazily). */
void *uvm_page_hostaddr(const struct uvm *, const struct vm_page *);
unsigned uvm_page_color(const struct uvm *, const struct vm_page *);

/*
 * Allocation.  Pages come back PG_BUSY|PG_FAKE|PG_CLEAN with their usage
 * class, owned by obj at off (inserted into its index) or by anon
 * (anon->an_page is set), or by nobody; the caller unbusies them.  With
 * UVM_PGA_ZERO the contents are zero, and an owned page is marked
 * PG_DIRTY instead of PG_CLEAN (a zeroed page is not its backing store,
 * as NetBSD has it).  NULL when no page can be had.
 *	=> obj's lock write-held, or anon's lock held, if either is given
 *	=> never sleeps; takes the free-list lock
 *
 * Usage classes: anon pages are PG_ANON; object pages get the class their
 * pager declares in pgo_usage (PG_AOBJ, PG_FILE, or none);
 * uvm_page_setusage() changes it later, e.g. to PG_EXEC.
 *
 * Colour: uvm_pagealloc_strat() asks for colour atop(off) for object
 * pages, otherwise the machine's rotating next colour (the colour after
 * the last one handed out); uvm_pagealloc_color() asks for the given one.
 * The wanted colour's bin is tried first (known-zero queue first with
 * UVM_PGA_ZERO, unknown-content queue first without), then the next
 * colours in turn ("bin hopping"): colorhit or colormiss.
 *
 * Reserves (after NetBSD's thresholds, made additive): with F free pages,
 * rp = reserve_pagedaemon and rk = reserve_kernel,
 *	ordinary allocations succeed while F > rk + rp,
 *	UVM_PGA_USERESERVE (kernel) allocations while F > rp,
 *	UVM_PGA_PAGEDAEMON allocations while F > 0.
 */
struct vm_page *uvm_pagealloc_strat(struct uvm *, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags, int strat, int freelist);
#define uvm_pagealloc(u, obj, off, anon, flags) \
	uvm_pagealloc_strat(                    \
	    (u), (obj), (off), (anon), (flags), UVM_PGA_STRAT_NORMAL, 0)
/* Preferred colour for the next allocation (bin hopping by address). */
struct vm_page *uvm_pagealloc_color(struct uvm *, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags, unsigned color);
/*
 * uvm_pagefree: the page leaves its owner (object index or anon) and the
 * paging queues and goes free; waiters on it are woken (they find it
 * gone); a wired page is unwired (NetBSD does so too).  It must be
 * unmapped (pv_head NULL) and not free; the owner's lock is write-held.  A page its owner set PG_ZERO on goes to a
 * known-zero bin (its contents must be zero).  A loaned page only leaves
 * its owner: the last loan holder frees it.
 */
void uvm_pagefree(struct vm_page *);
/* Unbusy pages: wake waiters, free those marked PG_RELEASED. */
void uvm_page_unbusy(struct vm_page **, int npgs);
/*
 * uvm_pagewait: wait for PG_BUSY to go.  lock is the owner's lock, held
 * (reader or writer); it is RELEASED, and the call returns with no lock
 * held (NetBSD semantics): relock and look the page up again.  Sleeps on
 * the page's hashed interlock/condvar; may wake early (another page of
 * the same hash).
 */
void uvm_pagewait(struct vm_page *, struct krwlock *, const char *wmesg);
/* uvm_pagewakeup: wake PG_WANTED sleepers (owner's lock write-held). */
void uvm_pagewakeup(struct vm_page *);
/* The page's interlock: one of 64 per machine, hashed by frame number. */
struct kmutex *uvm_page_interlock(const struct vm_page *);

/* Ownership changes (caller holds the owner's lock). */
/*
 * uvm_pagerealloc: move a page to another object (or to none): 0, or the
 * error of uvm_obj_page_insert() with nothing changed.
 */
int uvm_pagerealloc(struct vm_page *, struct uvm_object *, voff_t);
/* Set an owned page's usage class: 0, PG_AOBJ, PG_FILE or PG_EXEC. */
void uvm_page_setusage(struct vm_page *, uint32_t usage);
void uvm_pagezero(struct vm_page *);
/* uvm_pagezero() of n pages at once (pmap_zero_pages()). */
void uvm_pagezero_n(struct vm_page **, int n);
void uvm_pagecopy(struct vm_page *src, struct vm_page *dst);
void uvm_pagecopy_hot(struct vm_page *src, struct vm_page *dst, vsize_t hot);
int uvm_pagegetdirty(struct vm_page *);
void uvm_pagemarkdirty(struct vm_page *, int newstatus);
/*
 * uvm_pagecheckdirty: was the page modified since last known clean?
 * Consults and clears the pmap's modified bit; the page ends CLEAN if
 * pgprotected (every mapping write-protected), else UNKNOWN (or stays
 * CLEAN).
 */
bool uvm_pagecheckdirty(struct vm_page *, bool pgprotected);
void uvm_pagewire(struct vm_page *);
void uvm_pageunwire(struct vm_page *);
bool uvm_page_owner_locked_p(struct vm_page *, bool exclusive);

/* Zero free pages of unknown content while idle; returns pages zeroed. */
unsigned uvm_pageidlezero(struct uvm *, unsigned max);
/*
 * Change the number of colours (a power of two, 1..256; EINVAL otherwise).
 * Live, as NetBSD does it: the free pages are refiled into the new bins;
 * pages in use are unaffected (a page's colour is its frame number modulo
 * the colour count).  The colour count is uvm_page_ncolors(), not
 * u_cfg.uc_ncolors (the configured start value).
 */
int uvm_page_recolor(struct uvm *, unsigned ncolors);
unsigned uvm_page_ncolors(const struct uvm *);

/*
 * Free pages.  uvm_free() is the free-page gauge.  uvm_availmem(uvm,
 * cached_ok) (public) follows NetBSD 1.228: cached_ok says that a
 * recent, possibly stale total will do; otherwise the exact total is
 * taken under the free-list lock.  Both are the number of free pages.
 */
uint64_t uvm_free(struct uvm *);

/*
 * Contiguous and scattered allocation of page lists (uvm_pglist.c).
 * uvm_pglistalloc: size bytes (rounded up to pages) of pages whose
 * physical addresses lie in [low, high) (high exclusive; partial pages at
 * either end are not used) onto rlist (initialised here), linked through
 * pageq.queue in ascending frame order, not busy, flags 0, unowned.
 * alignment: a power of two (0 or less than a page: a page); boundary: 0
 * or a power of two >= size that no run may cross.  nsegs: at most that
 * many contiguous runs; alignment or boundary constraints always give one
 * run (as NetBSD does).  Runs never span segments.  The allocation may
 * use the kernel reserve, never the page daemon's.  Returns 0, EINVAL or
 * ENOMEM (nothing allocated).  Never sleeps (waitok is accepted: there is
 * nothing to wait for).
 */
TAILQ_HEAD(pglist, vm_page);
int uvm_pglistalloc(struct uvm *, psize_t size, paddr_t low, paddr_t high,
    paddr_t alignment, paddr_t boundary, struct pglist *rlist, int nsegs,
    int waitok);
void uvm_pglistfree(struct uvm *, struct pglist *);

/* Checkers and printers. */
void uvm_page_sanity(struct uvm *); /* free lists, counts, flags */
/* Is the page's memory all zero bytes (reads the contents)? */
bool uvm_page_zero_p(const struct uvm *, const struct vm_page *);
void uvm_page_printit(const struct uvm *, const struct vm_page *, FILE *);
void uvm_page_printall(struct uvm *, FILE *);

#endif /* _UVM_PAGE_H_ */
