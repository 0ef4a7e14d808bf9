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
	struct vm_anon *uanon;	    /* [o] anon owning the page, or NULL */
	voff_t offset;		    /* [o] offset in uobject */
	struct pv_entry *pv_head;   /* [p] mappings of the page */
	uint32_t phys_pfn;	    /* [c] page frame number */
	uint32_t flags;		    /* [o] PG_* */
	uint16_t pqflags;	    /* [q] PQ_* */
	uint16_t wire_count;	    /* [o] wirings; > 0 keeps it off queues */
	uint16_t loan_count;	    /* [o] loans */
	uint8_t mdattrs;	    /* [p] back end's referenced/modified bits */
	uint8_t freelist;	    /* [c] free list of its segment */
};

/*
 * Page flags (pg->flags), [o] except PG_FREE which is [f].
 * The dirtiness state is one of UNKNOWN (neither bit), CLEAN or DIRTY.
 */
#define PG_BUSY	    0x00000001u /* I/O or allocation in progress: hands off */
#define PG_WANTED   0x00000002u /* somebody sleeps on PG_BUSY */
#define PG_TABLED   0x00000004u /* in its object's page index */
#define PG_CLEAN    0x00000008u /* known identical to backing store */
#define PG_DIRTY    0x00000010u /* known modified since last clean */
#define PG_RELEASED 0x00000020u /* free it when it becomes unbusy */
#define PG_FAKE	    0x00000040u /* contents not valid yet */
#define PG_RDONLY   0x00000080u /* map read-only (backing store read-only) */
#define PG_ZERO	    0x00000100u /* known to be all zero */
#define PG_FREE	    0x00000200u /* on a free list */
#define PG_ANON	    0x00000400u /* usage class: anonymous (anon-owned) */
#define PG_AOBJ	    0x00000800u /* usage class: anonymous object */
#define PG_FILE	    0x00001000u /* usage class: file (vnode) data */
#define PG_EXEC	    0x00002000u /* usage class: executable file data */
#define PG_PAGEOUT  0x00004000u /* being paged out by the daemon */
#define PG_MARKER   0x00008000u /* queue marker, not a real page */
#define PG_PAGER1   0x00010000u /* pager-private */
#define PG_SWAPBACKED (PG_ANON | PG_AOBJ)
#define PG_STATUS_MASK (PG_CLEAN | PG_DIRTY)

/* Page-queue flags (pg->pqflags), owned by the replacement policy. */
#define PQ_ACTIVE     0x0001u
#define PQ_INACTIVE   0x0002u
#define PQ_HOT	      0x0004u /* CLOCK-Pro */
#define PQ_TEST	      0x0008u /* CLOCK-Pro */
#define PQ_REFERENCED 0x0010u
#define PQ_INTENT_MASK 0x0f00u /* batched state changes (policy-private) */
#define PQ_POLICY_MASK 0xf000u /* policy-private */

/* Dirtiness as UVM's uvm_pagegetdirty() reports it. */
#define UVM_PAGE_STATUS_UNKNOWN 0
#define UVM_PAGE_STATUS_CLEAN	1
#define UVM_PAGE_STATUS_DIRTY	2

/* uvm_pagealloc_strat() flags. */
#define UVM_PGA_USERESERVE 0x0001 /* may dip into the reserves */
#define UVM_PGA_ZERO	   0x0002 /* returned page must be zeroed */
#define UVM_PGA_NOWAIT	   0x0004 /* never sleep (for later: daemon waits) */

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
 * Allocation.  Pages come back PG_BUSY|PG_FAKE (PG_CLEAN when zeroed), owned
 * by obj at off (inserted into its index) or by anon, or by nobody; the
 * caller unbusies them.  NULL when no page can be had (ENOMEM).
 *	=> obj's lock write-held, or anon's lock held, if either is given
 */
struct vm_page *uvm_pagealloc_strat(struct uvm *, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags, int strat, int freelist);
#define uvm_pagealloc(u, obj, off, anon, flags)                            \
	uvm_pagealloc_strat((u), (obj), (off), (anon), (flags),            \
	    UVM_PGA_STRAT_NORMAL, 0)
/* Preferred colour for the next allocation (bin hopping by address). */
struct vm_page *uvm_pagealloc_color(struct uvm *, struct uvm_object *obj,
    voff_t off, struct vm_anon *anon, int flags, unsigned color);
void uvm_pagefree(struct vm_page *);
/* Unbusy pages: wake waiters, free those marked PG_RELEASED. */
void uvm_page_unbusy(struct vm_page **, int npgs);
void uvm_pagewait(struct vm_page *, struct krwlock *, const char *wmesg);
void uvm_pagewakeup(struct vm_page *);
struct kmutex *uvm_page_interlock(const struct vm_page *);

/* Ownership changes (caller holds the owner's lock). */
void uvm_pagerealloc(struct vm_page *, struct uvm_object *, voff_t);
void uvm_pagezero(struct vm_page *);
void uvm_pagecopy(struct vm_page *src, struct vm_page *dst);
int uvm_pagegetdirty(struct vm_page *);
void uvm_pagemarkdirty(struct vm_page *, int newstatus);
bool uvm_pagecheckdirty(struct vm_page *, bool pgprotected);
void uvm_pagewire(struct vm_page *);
void uvm_pageunwire(struct vm_page *);
bool uvm_page_owner_locked_p(struct vm_page *, bool exclusive);

/* Zero free pages of unknown content while idle; returns pages zeroed. */
unsigned uvm_pageidlezero(struct uvm *, unsigned max);
/* Change the number of colours (only with every page free; EBUSY otherwise). */
int uvm_page_recolor(struct uvm *, unsigned ncolors);

/* Free memory accounting (seeds 1.228: free plus, optionally, clean cache). */
uint64_t uvm_free(struct uvm *);

/* Contiguous and scattered allocation of page lists (uvm_pglist.c). */
TAILQ_HEAD(pglist, vm_page);
int uvm_pglistalloc(struct uvm *, psize_t size, paddr_t low, paddr_t high,
    paddr_t alignment, paddr_t boundary, struct pglist *rlist, int nsegs,
    int waitok);
void uvm_pglistfree(struct uvm *, struct pglist *);

/* Checkers and printers. */
void uvm_page_sanity(struct uvm *);    /* free lists, counts, flags */
void uvm_page_printit(const struct uvm *, const struct vm_page *, FILE *);
void uvm_page_printall(struct uvm *, FILE *);

#endif /* _UVM_PAGE_H_ */
