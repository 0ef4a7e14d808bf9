/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_page.c: physical page management: free lists, allocation, freeing,
 * the busy/wanted protocol, dirtiness, wiring, idle zeroing, colours.
 *
 * This file owns the machine's page state (struct uvm_page_state behind
 * uvm->u_page): the free-list lock, the free-page bins, the page
 * interlocks, and the page counters of struct uvmexp (npages, free,
 * zeropages, wired, pgalloc, pgfree, pgfail, colorhit, colormiss,
 * pga_zerohit, pga_zeromiss, zeroidle, anonpages, aobjpages, filepages,
 * execpages).  The vm_page arrays belong to uvm_physseg.c.
 *
 * Design note.
 *
 *  - Bins.  Free pages live in UVM_NFREELIST x ncolors x 2 bins: per free
 *    list (the segment's), per colour (frame number modulo the colour
 *    count), and per content state: known zero (PG_ZERO) or unknown.  A
 *    bin is a LIST (O(1) removal of any page, which uvm_pglist.c needs)
 *    plus its length.  A page is free exactly when it is on the bin that
 *    its free list, colour and PG_ZERO name, has PG_FREE, and has its bit
 *    set in its backing's free bitmap (the bitmap lets uvm_pglist.c and
 *    hotplug scan runs of frames without touching the pages).
 *
 *	ups_bins[(freelist * ncolors + colour) * 2 + PGFL_UNKNOWN/ZEROS]
 *	(ncolors a power of two, so the index is built with shifts)
 *
 *  - Allocation takes one lock (the free-list lock), checks the reserves,
 *    walks the free lists in the strategy's order, and in each walks the
 *    colours from the wanted one ("bin hopping"), preferring the queue
 *    that suits the request.  Everything else (ownership, zeroing) happens
 *    after the lock is dropped.  No step is O(n).
 *
 *  - Counters.  The counters this file owns that change on the allocation
 *    path are updated only with the free-list lock held, so they are
 *    written with a relaxed atomic load and store (no read-modify-write
 *    bus lock: the lock already serialises writers; readers such as
 *    uvm_stats() see a consistent value of each counter).  pgfail and
 *    wired change outside the lock and use atomic read-modify-write.
 *
 *  - Known zero.  A free page is known zero only if this file zeroed it
 *    (uvm_pageidlezero(), or an UVM_PGA_ZERO allocation) and nobody had it
 *    since, or if its last owner set PG_ZERO before freeing it, promising
 *    that it is zero (checked with KDASSERT).  Allocated pages never keep
 *    PG_ZERO: their contents may change through any mapping.
 *
 *  - Busy/wanted.  A thread that finds a page PG_BUSY calls
 *    uvm_pagewait(): under the page's interlock (one of
 *    UVM_PAGE_NINTERLOCK {mutex, condvar} pairs hashed by frame number) it
 *    sets PG_WANTED, drops the owner's lock and sleeps; it returns with
 *    no lock held, and must look the page up again (as in NetBSD).  The
 *    owner, holding its lock as a writer, clears PG_BUSY and calls
 *    uvm_pagewakeup(), which, if PG_WANTED is set, clears it and
 *    broadcasts under the interlock.  The waiter set PG_WANTED before it
 *    released the owner lock, and the waker holds that lock, so the
 *    waker always sees PG_WANTED: no wakeup is lost.  Waiters on other
 *    pages of the same interlock wake too and simply look again.
 *
 *  - Machine of a page: the header of the page's vm_page chunk (see
 *    uvm_physseg.h), O(1), so no global registry of page arrays is
 *    needed (a binary search over the arrays' addresses would need one).
 *
 *  - Contents.  uvm_pagezero(), uvm_pagecopy(), idle zeroing and
 *    UVM_PGA_ZERO go through pmap_zero_page()/pmap_copy_page(), as the
 *    pmap(9) contract has it (a back end may keep frames elsewhere).
 *
 * Lock order: owner (object/amap/anon rwlock) -> page interlock
 * (LC_PAGEINTERLOCK) -> page queues -> free lists (LC_FREELIST).
 * uvm_pagefree() calls the object layer (uvm_obj_page_remove) before it
 * takes the free-list lock; no other subsystem is called with it held.
 *
 * Alternatives rejected: per-CPU (per-thread) page caches in front of the
 * bins, as NetBSD 1.216 has: libuvm machines run few threads, and the
 * cache would make "free" and the bins disagree, which the sanity checker
 * and the tests' accounting rely on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_anon.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_pdaemon.h"
#include "uvm_physseg.h"
#include "pmap/pmap.h"

CTASSERT(sizeof(struct vm_page) <= 64);
CTASSERT(UVM_NFREELIST <= 256);

#define PGFL_UNKNOWN 0 /* bin queue: contents unknown */
#define PGFL_ZEROS   1 /* bin queue: known zero */
#define PGFL_NQUEUES 2

#define UVM_PAGE_NINTERLOCK 64 /* hashed interlocks (power of two) */
#define UVM_PAGE_MAXCOLORS  256
#define UVM_PAGE_ZBATCH     16 /* pages per idle-zero batch */

#define PG_USAGE_MASK (PG_ANON | PG_AOBJ | PG_FILE | PG_EXEC)

LIST_HEAD(uvm_pgbin_head, vm_page);

struct uvm_pgbin {
	struct uvm_pgbin_head pb_pages; /* [f] free pages */
	uint64_t pb_npages;             /* [f] pages on pb_pages */
};

struct uvm_page_interlock {
	struct kmutex pil_lock;
	struct kcondvar pil_cv; /* [pil_lock] PG_WANTED sleepers */
};

struct uvm_page_state {
	struct kmutex ups_lock;             /* the free-list lock */
	struct uvm_pgbin *ups_bins;         /* [f] the bins (see above) */
	unsigned ups_ncolors;               /* [f] colours */
	unsigned ups_colormask;             /* [f] ups_ncolors - 1 */
	unsigned ups_colorshift;            /* [f] log2(ups_ncolors) */
	unsigned ups_nextcolor;             /* [f] rotating colour */
	unsigned ups_zcolor;                /* [f] idle zeroing's next colour */
	uint64_t ups_flfree[UVM_NFREELIST]; /* [f] free pages per list */
	uint64_t ups_rsv_pagedaemon;        /* [c] reserve_pagedaemon */
	uint64_t ups_rsv_kernel;            /* [c] reserve_kernel */
	struct uvm_page_interlock ups_il[UVM_PAGE_NINTERLOCK];
};

/* Counter update by a free-list lock holder (see the design note). */
#define UPS_CNT_ADD(u, f, n)                                                 \
	__atomic_store_n(&(u)->u_exp.f,                                      \
	    __atomic_load_n(&(u)->u_exp.f, __ATOMIC_RELAXED) + (int64_t)(n), \
	    __ATOMIC_RELAXED)

static inline struct uvm_pgbin *
uvm_pgbin(struct uvm_page_state *ups, unsigned fl, unsigned color, unsigned q)
{
	return &ups->ups_bins[(((size_t)fl << ups->ups_colorshift | color)
				  << 1) |
	    q];
}

/* ---------------------------------------------------------------------- */
/* Page identity. */

/*
 * uvm_page_machine: the machine that owns a page (O(1), no lock).
 */
struct uvm *
uvm_page_machine(const struct vm_page *pg)
{
	return uvm_pgchunk_of(pg)->pc_uvm;
}

paddr_t
uvm_page_phys(const struct uvm *uvm, const struct vm_page *pg)
{
	KASSERT(uvm_page_machine(pg) == uvm);
	return uvm_ptoa(uvm, (uint64_t)pg->phys_pfn);
}

struct vm_page *
uvm_phys_to_vm_page(const struct uvm *uvm, paddr_t pa)
{
	return uvm_physseg_pfn_to_page(uvm, uvm_atop(uvm, pa));
}

/*
 * uvm_page_hostaddr: host memory of a page's frame (O(1), no lock).
 */
void *
uvm_page_hostaddr(const struct uvm *uvm, const struct vm_page *pg)
{
	const struct uvm_pgchunk *pc = uvm_pgchunk_of(pg);

	KASSERT(pc->pc_uvm == uvm);
	return pc->pc_mem->pm_host + uvm_physmem_index(pg) * uvm->u_pagesize;
}

unsigned
uvm_page_color(const struct uvm *uvm, const struct vm_page *pg)
{
	return pg->phys_pfn &
	    (__atomic_load_n(&uvm->u_page->ups_colormask, __ATOMIC_RELAXED));
}

unsigned
uvm_page_ncolors(const struct uvm *uvm)
{
	return __atomic_load_n(&uvm->u_page->ups_ncolors, __ATOMIC_RELAXED);
}

struct kmutex *
uvm_page_interlock(const struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	return &uvm->u_page->ups_il[pg->phys_pfn & (UVM_PAGE_NINTERLOCK - 1)]
		    .pil_lock;
}

static struct uvm_page_interlock *
uvm_page_il(struct uvm *uvm, const struct vm_page *pg)
{
	return &uvm->u_page->ups_il[pg->phys_pfn & (UVM_PAGE_NINTERLOCK - 1)];
}

bool
uvm_page_owner_locked_p(struct vm_page *pg, bool exclusive)
{
	struct krwlock *lock = NULL;

	if (pg->uobject != NULL)
		lock = pg->uobject->vmobjlock;
	else if (pg->uanon != NULL)
		lock = pg->uanon->an_lock;
	if (lock == NULL)
		return true;
	return exclusive ? rw_write_held(lock) : rw_lock_held(lock);
}

bool
uvm_page_zero_p(const struct uvm *uvm, const struct vm_page *pg)
{
	const uint64_t *p = uvm_page_hostaddr(uvm, pg);
	size_t i, n = (size_t)(uvm->u_pagesize / sizeof(uint64_t));

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Bins.  Free-list lock held. */

/* Put a page on the bin its state names; it becomes free. */
static inline void
uvm_pgfl_link(struct uvm *uvm, struct uvm_page_state *ups, struct vm_page *pg)
{
	const struct uvm_pgchunk *pc = uvm_pgchunk_of(pg);
	uint64_t *map = pc->pc_mem->pm_freemap;
	uint64_t idx = uvm_physmem_index(pg);
	uint32_t zero = pg->flags & PG_ZERO;
	unsigned fl = pg->freelist;
	struct uvm_pgbin *pb =
	    uvm_pgbin(ups, fl, pg->phys_pfn & ups->ups_colormask, zero != 0);

	KASSERT(mutex_owned(&ups->ups_lock));
	KASSERT((pg->flags & ~PG_ZERO) == 0);
	KASSERT(!uvm_physmem_free_p(pc->pc_mem, idx));
	pg->flags = zero | PG_FREE;
	LIST_INSERT_HEAD(&pb->pb_pages, pg, pageq.list);
	pb->pb_npages++;
	ups->ups_flfree[fl]++;
	map[idx >> 6] |= (uint64_t)1 << (idx & 63);
	UPS_CNT_ADD(uvm, free, 1);
	if (zero != 0)
		UPS_CNT_ADD(uvm, zeropages, 1);
}

/*
 * Take the free page pg off bin pb (which must be its bin); it keeps
 * PG_ZERO, loses PG_FREE.
 */
static inline void
uvm_pgfl_unlink_bin(struct uvm *uvm, struct uvm_page_state *ups,
    struct vm_page *pg, struct uvm_pgbin *pb)
{
	const struct uvm_pgchunk *pc = uvm_pgchunk_of(pg);
	uint64_t *map = pc->pc_mem->pm_freemap;
	uint64_t idx = uvm_physmem_index(pg);
	uint32_t zero = pg->flags & PG_ZERO;

	KASSERT(mutex_owned(&ups->ups_lock));
	KASSERT((pg->flags & ~PG_ZERO) == PG_FREE);
	KASSERT(pb ==
	    uvm_pgbin(ups, pg->freelist, pg->phys_pfn & ups->ups_colormask,
		zero != 0));
	KASSERT(pb->pb_npages > 0);
	KASSERT(uvm_physmem_free_p(pc->pc_mem, idx));
	LIST_REMOVE(pg, pageq.list);
	pb->pb_npages--;
	ups->ups_flfree[pg->freelist]--;
	map[idx >> 6] &= ~((uint64_t)1 << (idx & 63));
	pg->flags = zero;
	UPS_CNT_ADD(uvm, free, -1);
	if (zero != 0)
		UPS_CNT_ADD(uvm, zeropages, -1);
}

/* Take a free page off its bin; it keeps PG_ZERO, loses PG_FREE. */
static inline void
uvm_pgfl_unlink(struct uvm *uvm, struct uvm_page_state *ups, struct vm_page *pg)
{
	uvm_pgfl_unlink_bin(uvm, ups, pg,
	    uvm_pgbin(ups, pg->freelist, pg->phys_pfn & ups->ups_colormask,
		(pg->flags & PG_ZERO) != 0));
}

/*
 * The bin holding the first page of free list fl, searching colours from
 * `color' on and, within a colour, queue q1 before the other.  NULL if
 * the list is empty.
 */
static inline struct uvm_pgbin *
uvm_pgfl_find(
    struct uvm_page_state *ups, unsigned fl, unsigned color, unsigned q1)
{
	struct uvm_pgbin *base;
	unsigned c = color;

	if (ups->ups_flfree[fl] == 0)
		return NULL;
	base = uvm_pgbin(ups, fl, 0, 0);
	do {
		struct uvm_pgbin *pb = base + (c << 1);

		if (pb[q1].pb_npages != 0)
			return &pb[q1];
		if (pb[q1 ^ 1].pb_npages != 0)
			return &pb[q1 ^ 1];
		c = (c + 1) & ups->ups_colormask;
	} while (c != color);
	panic("uvm_pgfl_find: free list %u counts %" PRIu64 " pages, bins "
	      "are empty",
	    fl, ups->ups_flfree[fl]);
}

void
uvm_page_freelist_lock(struct uvm *uvm)
{
	mutex_enter(&uvm->u_page->ups_lock);
}

void
uvm_page_freelist_unlock(struct uvm *uvm)
{
	mutex_exit(&uvm->u_page->ups_lock);
}

bool
uvm_page_freelist_locked_p(struct uvm *uvm)
{
	return mutex_owned(&uvm->u_page->ups_lock);
}

/*
 * uvm_page_freelist_load: pages [idx, idx + n) of a backing, unmanaged
 * until now, become free (lowest frame first on each bin).
 */
void
uvm_page_freelist_load(
    struct uvm *uvm, struct uvm_physmem *pm, uint64_t idx, uint64_t n)
{
	struct uvm_page_state *ups = uvm->u_page;
	uint64_t i;

	KASSERT(mutex_owned(&ups->ups_lock));
	KASSERT(idx + n <= pm->pm_npages);
	for (i = idx + n; i-- > idx;) {
		struct vm_page *pg = uvm_physmem_pg(pm, i);

		KASSERT(
		    pg->flags == 0 && pg->uobject == NULL && pg->uanon == NULL);
		uvm_pgfl_link(uvm, ups, pg);
	}
	UPS_CNT_ADD(uvm, npages, n);
}

/*
 * uvm_page_freelist_unload: free pages [idx, idx + n) of a backing stop
 * being managed (hotplug unplug).
 */
void
uvm_page_freelist_unload(
    struct uvm *uvm, struct uvm_physmem *pm, uint64_t idx, uint64_t n)
{
	struct uvm_page_state *ups = uvm->u_page;
	uint64_t i;

	KASSERT(mutex_owned(&ups->ups_lock));
	for (i = idx; i < idx + n; i++) {
		struct vm_page *pg = uvm_physmem_pg(pm, i);

		uvm_pgfl_unlink(uvm, ups, pg);
		pg->flags = 0;
	}
	UPS_CNT_ADD(uvm, npages, -(int64_t)n);
}

/*
 * uvm_page_freelist_take_run: free pages [idx, idx + n) of a backing
 * leave their bins for rlist (in frame order), flags 0 (pglist).
 */
void
uvm_page_freelist_take_run(struct uvm *uvm, struct uvm_physmem *pm,
    uint64_t idx, uint64_t n, struct pglist *rlist)
{
	struct uvm_page_state *ups = uvm->u_page;
	struct uvm_pgbin *base;
	struct vm_page *pg;
	uint64_t i, zeros = 0;

	KASSERT(mutex_owned(&ups->ups_lock));
	KASSERT(idx + n <= pm->pm_npages);
	base = uvm_pgbin(ups, (unsigned)pm->pm_freelist, 0, 0);
	pg = uvm_physmem_pg(pm, idx);
	for (i = idx; i < idx + n; i++, pg++) {
		unsigned zero = (pg->flags & PG_ZERO) != 0;
		struct uvm_pgbin *pb;

		/* Pages are consecutive within a chunk; hop over headers. */
		if (__predict_false(i % UVM_PGCHUNK_NPG == 0))
			pg = uvm_physmem_pg(pm, i);
		pb = base + (((pg->phys_pfn & ups->ups_colormask) << 1) | zero);

		KASSERT(pg == uvm_physmem_pg(pm, i));
		KASSERT((pg->flags & ~PG_ZERO) == PG_FREE);
		KASSERT(uvm_physmem_free_p(pm, i));
		LIST_REMOVE(pg, pageq.list);
		pb->pb_npages--;
		zeros += zero;
		pg->flags = 0;
		TAILQ_INSERT_TAIL(rlist, pg, pageq.queue);
	}
	/* The free bits, a word at a time where the run covers words. */
	for (i = idx; i < idx + n;) {
		if ((i & 63) == 0 && idx + n - i >= 64) {
			pm->pm_freemap[i >> 6] = 0;
			i += 64;
		} else {
			pm->pm_freemap[i >> 6] &= ~((uint64_t)1 << (i & 63));
			i++;
		}
	}
	ups->ups_flfree[pm->pm_freelist] -= n;
	UPS_CNT_ADD(uvm, free, -(int64_t)n);
	UPS_CNT_ADD(uvm, zeropages, -(int64_t)zeros);
	UPS_CNT_ADD(uvm, pgalloc, n);
}

/*
 * uvm_page_freelist_put_list: the pages of a list (unowned, unbusy,
 * unmapped, unwired) go free; the list ends up empty (pglist).
 */
void
uvm_page_freelist_put_list(struct uvm *uvm, struct pglist *list)
{
	struct uvm_page_state *ups = uvm->u_page;
	struct vm_page *pg;
	uint64_t n = 0;

	KASSERT(mutex_owned(&ups->ups_lock));
	while ((pg = TAILQ_FIRST(list)) != NULL) {
		const struct uvm_pgchunk *pc = uvm_pgchunk_of(pg);
		uint64_t idx = uvm_physmem_index(pg);
		struct uvm_pgbin *pb = uvm_pgbin(ups, pg->freelist,
		    pg->phys_pfn & ups->ups_colormask, PGFL_UNKNOWN);

		KASSERT(pc->pc_uvm == uvm);
		KASSERT(pg->uobject == NULL && pg->uanon == NULL);
		KASSERT(pg->pv_head == NULL && pg->wire_count == 0 &&
		    pg->loan_count == 0 && pg->pqflags == 0);
		KASSERTMSG((pg->flags & (PG_FREE | PG_BUSY)) == 0,
		    "page %p (frame %#x) is free or busy", (void *)pg,
		    pg->phys_pfn);
		KASSERT(!uvm_physmem_free_p(pc->pc_mem, idx));
		TAILQ_REMOVE(list, pg, pageq.queue);
		pg->flags = PG_FREE;
		pg->mdattrs = 0;
		LIST_INSERT_HEAD(&pb->pb_pages, pg, pageq.list);
		pb->pb_npages++;
		ups->ups_flfree[pg->freelist]++;
		pc->pc_mem->pm_freemap[idx >> 6] |= (uint64_t)1 << (idx & 63);
		n++;
	}
	UPS_CNT_ADD(uvm, free, n);
	UPS_CNT_ADD(uvm, pgfree, n);
}

/* Free pages a kernel (reserve-using) allocation may take. */
uint64_t
uvm_page_freelist_avail(struct uvm *uvm)
{
	struct uvm_page_state *ups = uvm->u_page;
	int64_t f = uvm_cnt_get(uvm, free);

	KASSERT(mutex_owned(&ups->ups_lock));
	return f > (int64_t)ups->ups_rsv_pagedaemon
	    ? (uint64_t)f - ups->ups_rsv_pagedaemon
	    : 0;
}

/* ---------------------------------------------------------------------- */
/* Machine setup. */

static struct uvm_pgbin *
uvm_pgbins_alloc(unsigned ncolors)
{
	size_t i, n = (size_t)UVM_NFREELIST * ncolors * PGFL_NQUEUES;
	struct uvm_pgbin *bins;

	bins = calloc(n, sizeof(*bins));
	if (bins == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		LIST_INIT(&bins[i].pb_pages);
	return bins;
}

/*
 * uvm_page_init: the free lists; every page of the configured segments
 * goes free.
 * => returns 0 or ENOMEM (nothing left behind)
 */
int
uvm_page_init(struct uvm *uvm)
{
	struct uvm_page_state *ups;
	const struct uvm_physseg_snap *sn;
	unsigned i;

	KASSERT(uvm->u_page == NULL);
	KASSERT(uvm->u_physseg != NULL);
	KASSERT(powerof2_p(uvm->u_cfg.uc_ncolors) &&
	    uvm->u_cfg.uc_ncolors <= UVM_PAGE_MAXCOLORS);

	ups = calloc(1, sizeof(*ups));
	if (ups == NULL)
		return ENOMEM;
	ups->ups_ncolors = uvm->u_cfg.uc_ncolors;
	ups->ups_colormask = ups->ups_ncolors - 1;
	ups->ups_colorshift = (unsigned)__builtin_ctz(ups->ups_ncolors);
	ups->ups_bins = uvm_pgbins_alloc(ups->ups_ncolors);
	if (ups->ups_bins == NULL) {
		free(ups);
		return ENOMEM;
	}
	ups->ups_rsv_pagedaemon = uvm->u_cfg.uc_reserve_pagedaemon;
	ups->ups_rsv_kernel = uvm->u_cfg.uc_reserve_kernel;
	mutex_init(&ups->ups_lock, LC_FREELIST, "freelist");
	for (i = 0; i < UVM_PAGE_NINTERLOCK; i++) {
		mutex_init(&ups->ups_il[i].pil_lock, LC_PAGEINTERLOCK,
		    "pageinterlock");
		cv_init(&ups->ups_il[i].pil_cv, "pgwait");
	}
	uvm->u_page = ups;
	uvm_cnt_set(uvm, reserve_pagedaemon, ups->ups_rsv_pagedaemon);
	uvm_cnt_set(uvm, reserve_kernel, ups->ups_rsv_kernel);
	uvm_cnt_set(uvm, ncolors, ups->ups_ncolors);

	mutex_enter(&ups->ups_lock);
	sn = uvm_physseg_snap(uvm);
	for (i = 0; i < sn->sn_n; i++) {
		const struct uvm_physseg *ps = &sn->sn_segs[i];

		uvm_page_freelist_load(uvm, ps->ps_mem,
		    ps->ps_start - ps->ps_mem->pm_start,
		    ps->ps_end - ps->ps_start);
	}
	mutex_exit(&ups->ups_lock);
	return 0;
}

void
uvm_page_fini(struct uvm *uvm)
{
	struct uvm_page_state *ups = uvm->u_page;
	unsigned i;

	if (ups == NULL)
		return;
	for (i = 0; i < UVM_PAGE_NINTERLOCK; i++) {
		cv_destroy(&ups->ups_il[i].pil_cv);
		mutex_destroy(&ups->ups_il[i].pil_lock);
	}
	mutex_destroy(&ups->ups_lock);
	free(ups->ups_bins);
	free(ups);
	uvm->u_page = NULL;
}

/* ---------------------------------------------------------------------- */
/* Allocation. */

/* The usage class an object's pages get: its pager says (uvm_page.h). */
static uint32_t
uvm_page_objusage(const struct uvm_object *obj)
{
	return obj->pgops != NULL ? obj->pgops->pgo_usage : 0;
}

/* Adjust the usage counter of a class.  Free-list lock held. */
static inline void
uvm_page_usage_count(struct uvm *uvm, uint32_t usage, int64_t n)
{
	switch (usage) {
	case 0:
		break;
	case PG_ANON:
		UPS_CNT_ADD(uvm, anonpages, n);
		break;
	case PG_AOBJ:
		UPS_CNT_ADD(uvm, aobjpages, n);
		break;
	case PG_FILE:
		UPS_CNT_ADD(uvm, filepages, n);
		break;
	case PG_EXEC:
		UPS_CNT_ADD(uvm, execpages, n);
		break;
	default:
		panic("uvm_page_usage_count: bad usage %#x", usage);
	}
}

#define UVM_COLOR_NEXT (~0u) /* take the machine's rotating colour */

/*
 * uvm_pagealloc_impl: the allocator behind the uvm_pagealloc*() family.
 */
static inline __attribute__((__always_inline__)) struct vm_page *
uvm_pagealloc_impl(struct uvm *uvm, struct uvm_object *obj, voff_t off,
    struct vm_anon *anon, int flags, int strat, int freelist, unsigned color)
{
	struct uvm_page_state *ups = uvm->u_page;
	struct uvm_pgbin *pb = NULL;
	struct vm_page *pg;
	uint64_t limit;
	uint32_t usage;
	unsigned q1, got;
	bool waszero;
	int fl, error;

	KASSERT(obj == NULL || anon == NULL);
	KASSERT(anon == NULL || off == 0);
	KASSERT(uvm_page_aligned_p(uvm, (uint64_t)off));
	KASSERT(obj == NULL ||
	    (obj->uo_uvm == uvm && rw_write_held(obj->vmobjlock)));
	KASSERT(anon == NULL || anon->an_lock == NULL ||
	    rw_write_held(anon->an_lock));
	KASSERT(anon == NULL || anon->an_page == NULL);
	KASSERTMSG((flags &
		       ~(UVM_PGA_USERESERVE | UVM_PGA_ZERO | UVM_PGA_NOWAIT |
			   UVM_PGA_PAGEDAEMON | UVM_PGA_HOTMASK)) == 0,
	    "uvm_pagealloc: bad flags %#x", flags);
	KASSERTMSG(strat == UVM_PGA_STRAT_NORMAL ||
		((strat == UVM_PGA_STRAT_ONLY ||
		     strat == UVM_PGA_STRAT_FALLBACK) &&
		    freelist >= 0 && freelist < UVM_NFREELIST),
	    "uvm_pagealloc: bad strategy %d / free list %d", strat, freelist);

	/*
	 * Fault injection: consult the schedule only while something is
	 * armed (kfi_fail_p() counts every check with an atomic add, which
	 * the fast path cannot afford; checks are counted while armed).
	 */
	if (__predict_false(
		__atomic_load_n(&uvm->u_fi.fi_armed, __ATOMIC_RELAXED) != 0) &&
	    kfi_fail_p(&uvm->u_fi, KFI_PAGE)) {
		uvm_cnt_inc(uvm, pgfail);
		return NULL;
	}
	/* Short of free pages: the page daemon (uvm_pdaemon.c). */
	if (__predict_false(
		uvm_cnt_get(uvm, free) < uvm_cnt_get(uvm, freemin)) &&
	    (flags & UVM_PGA_PAGEDAEMON) == 0)
		uvm_pagedaemon_needed(uvm);
	usage = anon != NULL ? PG_ANON
	    : obj != NULL    ? uvm_page_objusage(obj)
			     : 0;
	q1 = (flags & UVM_PGA_ZERO) != 0 ? PGFL_ZEROS : PGFL_UNKNOWN;

	mutex_enter(&ups->ups_lock);
	if ((flags & UVM_PGA_PAGEDAEMON) != 0)
		limit = 0;
	else if ((flags & UVM_PGA_USERESERVE) != 0)
		limit = ups->ups_rsv_pagedaemon;
	else
		limit = ups->ups_rsv_pagedaemon + ups->ups_rsv_kernel;
	if (__predict_false((uint64_t)uvm_cnt_get(uvm, free) <= limit))
		goto fail;
	color = color == UVM_COLOR_NEXT ? ups->ups_nextcolor
					: color & ups->ups_colormask;
	switch (strat) {
	case UVM_PGA_STRAT_ONLY:
	case UVM_PGA_STRAT_FALLBACK:
		if ((unsigned)freelist >= UVM_NFREELIST)
			break; /* no such list: fail (KASSERT above) */
		pb = uvm_pgfl_find(ups, (unsigned)freelist, color, q1);
		if (pb != NULL || strat == UVM_PGA_STRAT_ONLY)
			break;
		/* FALLTHROUGH */
	case UVM_PGA_STRAT_NORMAL:
		for (fl = 0; fl < UVM_NFREELIST; fl++)
			if ((pb = uvm_pgfl_find(
				 ups, (unsigned)fl, color, q1)) != NULL)
				break;
		break;
	default:
		break; /* bad strategy: fail (KASSERT above) */
	}
	if (__predict_false(pb == NULL))
		goto fail;
	pg = LIST_FIRST(&pb->pb_pages);

	got = pg->phys_pfn & ups->ups_colormask;
	ups->ups_nextcolor = (got + 1) & ups->ups_colormask;
	if (__predict_true(got == color))
		UPS_CNT_ADD(uvm, colorhit, 1);
	else
		UPS_CNT_ADD(uvm, colormiss, 1);
	waszero = (pg->flags & PG_ZERO) != 0;
	if ((flags & UVM_PGA_ZERO) != 0) {
		if (waszero)
			UPS_CNT_ADD(uvm, pga_zerohit, 1);
		else
			UPS_CNT_ADD(uvm, pga_zeromiss, 1);
	}
	if (usage != 0)
		uvm_page_usage_count(uvm, usage, 1);
	UPS_CNT_ADD(uvm, pgalloc, 1);
	uvm_pgfl_unlink_bin(uvm, ups, pg, pb);
	mutex_exit(&ups->ups_lock);

	pg->flags = PG_BUSY | PG_CLEAN | PG_FAKE | usage;
	pg->offset = off;
	pg->uanon = anon;
	KASSERT(pg->uobject == NULL && pg->wire_count == 0 &&
	    pg->loan_count == 0 && pg->pv_head == NULL && pg->pqflags == 0);
	if (obj != NULL) {
		error = uvm_obj_page_insert(obj, pg);
		if (__predict_false(error != 0)) {
			/* Undo everything: the page goes back as it was. */
			mutex_enter(&ups->ups_lock);
			if (got == color)
				UPS_CNT_ADD(uvm, colorhit, -1);
			else
				UPS_CNT_ADD(uvm, colormiss, -1);
			if ((flags & UVM_PGA_ZERO) != 0) {
				if (waszero)
					UPS_CNT_ADD(uvm, pga_zerohit, -1);
				else
					UPS_CNT_ADD(uvm, pga_zeromiss, -1);
			}
			uvm_page_usage_count(uvm, usage, -1);
			UPS_CNT_ADD(uvm, pgalloc, -1);
			pg->flags = waszero ? PG_ZERO : 0;
			pg->offset = 0;
			uvm_pgfl_link(uvm, ups, pg);
			mutex_exit(&ups->ups_lock);
			uvm_cnt_inc(uvm, pgfail);
			return NULL;
		}
	} else if (anon != NULL) {
		anon->an_page = pg;
	}
	if ((flags & UVM_PGA_ZERO) != 0) {
		if (!waszero)
			pmap_zero_page_hot(uvm, uvm_page_phys(uvm, pg),
			    (flags & UVM_PGA_HOTMASK) == 0
				? PMAP_HOT_NONE
				: (vsize_t)(((flags & UVM_PGA_HOTMASK) >> 16) -
				      1)
				    << 6);
		KDASSERT(uvm_page_zero_p(uvm, pg));
		if (obj != NULL || anon != NULL)
			uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	}
	return pg;

fail:
	mutex_exit(&ups->ups_lock);
	uvm_cnt_inc(uvm, pgfail);
	uvm_pagedaemon_shortage(uvm); /* for uvm_wait() */
	return NULL;
}

/*
 * uvm_pagealloc_strat: allocate a page (see uvm_page.h).
 * => obj's lock write-held or anon's lock held if given; never sleeps
 * => returns a PG_BUSY page, or NULL (pgfail counted)
 */
struct vm_page *
uvm_pagealloc_strat(struct uvm *uvm, struct uvm_object *obj, voff_t off,
    struct vm_anon *anon, int flags, int strat, int freelist)
{
	unsigned color = UVM_COLOR_NEXT;

	if (obj != NULL)
		color = (unsigned)(uvm_atop(uvm, (uint64_t)off) &
		    (UVM_PAGE_MAXCOLORS - 1));
	return uvm_pagealloc_impl(
	    uvm, obj, off, anon, flags, strat, freelist, color);
}

/*
 * uvm_pagealloc_color: allocate a page, wanting the given colour (taken
 * modulo the colour count); free lists in the normal order.
 */
struct vm_page *
uvm_pagealloc_color(struct uvm *uvm, struct uvm_object *obj, voff_t off,
    struct vm_anon *anon, int flags, unsigned color)
{
	return uvm_pagealloc_impl(uvm, obj, off, anon, flags,
	    UVM_PGA_STRAT_NORMAL, 0, color & (UVM_PAGE_MAXCOLORS - 1));
}

/* ---------------------------------------------------------------------- */
/* Busy/wanted. */

/* Wake the sleepers of a page (it had PG_WANTED).  Interlock not held. */
static void
uvm_page_wake(struct uvm *uvm, struct vm_page *pg)
{
	struct uvm_page_interlock *il = uvm_page_il(uvm, pg);

	mutex_enter(&il->pil_lock);
	__atomic_fetch_and(&pg->flags, ~PG_WANTED, __ATOMIC_RELAXED);
	cv_broadcast(&il->pil_cv);
	mutex_exit(&il->pil_lock);
}

/*
 * uvm_pagewait: wait for a busy page to become unbusy (or freed).
 * => lock is the page owner's lock, held (reader or writer); it is
 *    released, and the call returns with no lock held: the caller must
 *    look the page up again
 * => sleeps
 */
void
uvm_pagewait(struct vm_page *pg, struct krwlock *lock, const char *wmesg)
{
	struct uvm *uvm = uvm_page_machine(pg);
	struct uvm_page_interlock *il = uvm_page_il(uvm, pg);

	KASSERT(lock != NULL && rw_lock_held(lock));
	KASSERT((pg->flags & PG_BUSY) != 0);
	KASSERT(pg->uobject == NULL || pg->uobject->vmobjlock == lock);
	KASSERT(pg->uanon == NULL || pg->uanon->an_lock == lock);

	mutex_enter(&il->pil_lock);
	__atomic_fetch_or(&pg->flags, PG_WANTED, __ATOMIC_RELAXED);
	rw_exit(lock);
	il->pil_cv.cv_wmesg = wmesg;
	cv_wait(&il->pil_cv, &il->pil_lock);
	mutex_exit(&il->pil_lock);
}

/*
 * uvm_pagewakeup: wake whoever waits for the page (PG_WANTED).
 * => owner's lock write-held (or the page is unowned and the caller owns it)
 */
void
uvm_pagewakeup(struct vm_page *pg)
{
	KASSERT(uvm_page_owner_locked_p(pg, true));
	if ((__atomic_load_n(&pg->flags, __ATOMIC_RELAXED) & PG_WANTED) != 0)
		uvm_page_wake(uvm_page_machine(pg), pg);
}

/*
 * uvm_page_unbusy: unbusy pages (NULL entries skipped): PG_RELEASED pages
 * are freed, the others lose PG_BUSY and their waiters are woken.
 * => owners' locks write-held; pages busy and, unless released, valid
 *    (not PG_FAKE)
 */
void
uvm_page_unbusy(struct vm_page **pgs, int npgs)
{
	int i;

	for (i = 0; i < npgs; i++) {
		struct vm_page *pg = pgs[i];

		if (pg == NULL)
			continue;
		KASSERT(uvm_page_owner_locked_p(pg, true));
		KASSERTMSG((pg->flags & PG_BUSY) != 0,
		    "uvm_page_unbusy: page %p not busy", (void *)pg);
		if ((pg->flags & PG_RELEASED) != 0) {
			/* An anon's page is released only while it lives. */
			KASSERT(pg->uanon == NULL || pg->uanon->an_ref > 0);
			pg->flags &= ~PG_RELEASED;
			uvm_pagefree(pg);
			continue;
		}
		KASSERTMSG((pg->flags & PG_FAKE) == 0,
		    "uvm_page_unbusy: page %p still PG_FAKE", (void *)pg);
		pg->flags &= ~PG_BUSY;
		uvm_pagewakeup(pg);
	}
}

/* ---------------------------------------------------------------------- */
/* Freeing. */

/*
 * uvm_pagefree: free a page: it leaves its owner (object index, anon) and
 * goes on its bin (the known-zero one if its owner set PG_ZERO).  A busy
 * page's waiters are woken: they find it gone.  A wired page is unwired
 * (the wired count drops), as in NetBSD.  A loaned page only leaves its
 * owner; the last loan holder frees it.
 * => owner's lock write-held; no mappings; not free
 * => takes the free-list lock; never sleeps
 */
void
uvm_pagefree(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);
	struct uvm_page_state *ups = uvm->u_page;
	uint32_t usage, zero;

	KASSERTMSG((pg->flags & PG_FREE) == 0,
	    "uvm_pagefree: page %p (frame %#x) is already free", (void *)pg,
	    pg->phys_pfn);
	KASSERTMSG(pg->pv_head == NULL,
	    "uvm_pagefree: page %p (frame %#x) still mapped", (void *)pg,
	    pg->phys_pfn);
	KASSERT((pg->flags & PG_MARKER) == 0);
	KASSERT(uvm_page_owner_locked_p(pg, true));

	/*
	 * Off the paging queues.  A page is enqueued only by a holder of
	 * its owner's lock (or its outright owner), so pqflags read here
	 * as 0 means "not queued" and no policy call is needed.
	 */
	if (__atomic_load_n(&pg->pqflags, __ATOMIC_RELAXED) != 0) {
		uvmpdpol_pagedequeue(uvm, pg);
		KASSERTMSG(pg->pqflags == 0,
		    "uvm_pagefree: page %p still has pqflags %#x after "
		    "dequeue",
		    (void *)pg, pg->pqflags);
	}

	/* A wired page is unwired as it goes (as NetBSD does). */
	if (pg->wire_count != 0) {
		pg->wire_count = 0;
		uvm_cnt_dec(uvm, wired);
	}
	if (pg->uobject != NULL)
		uvm_obj_page_remove(pg->uobject, pg);
	else if (pg->uanon != NULL) {
		KASSERT(pg->uanon->an_page == pg);
		pg->uanon->an_page = NULL;
		pg->uanon = NULL;
	}
	usage = pg->flags & PG_USAGE_MASK;
	zero = pg->flags & PG_ZERO;
	KDASSERT(zero == 0 || uvm_page_zero_p(uvm, pg));
	if ((pg->flags & PG_WANTED) != 0)
		uvm_page_wake(uvm, pg);

	if (__predict_false(pg->loan_count != 0)) {
		/* The loan holder frees it; it is nobody's meanwhile. */
		pg->flags &= ~(PG_BUSY | PG_WANTED | PG_RELEASED |
		    PG_USAGE_MASK | PG_PAGER1);
		if (usage != 0) {
			mutex_enter(&ups->ups_lock);
			uvm_page_usage_count(uvm, usage, -1);
			mutex_exit(&ups->ups_lock);
		}
		return;
	}

	pg->offset = 0;
	pg->mdattrs = 0;
	pg->flags = zero;
	mutex_enter(&ups->ups_lock);
	if (usage != 0)
		uvm_page_usage_count(uvm, usage, -1);
	UPS_CNT_ADD(uvm, pgfree, 1);
	uvm_pgfl_link(uvm, ups, pg);
	mutex_exit(&ups->ups_lock);
}

/* ---------------------------------------------------------------------- */
/* Ownership and contents. */

/*
 * uvm_pagerealloc: move a page from its object (if any) to newobj at
 * newoff (or to no object).  The usage class follows the new object.
 * => both objects' locks write-held; page not anon-owned
 * => returns 0, or the insertion error with nothing changed
 */
int
uvm_pagerealloc(struct vm_page *pg, struct uvm_object *newobj, voff_t newoff)
{
	struct uvm *uvm = uvm_page_machine(pg);
	struct uvm_object *oldobj = pg->uobject;
	voff_t oldoff = pg->offset;
	uint32_t oldusage = pg->flags & PG_USAGE_MASK, newusage;
	int error;

	KASSERT(pg->uanon == NULL);
	KASSERT((pg->flags & PG_FREE) == 0);
	KASSERT(oldobj == NULL || rw_write_held(oldobj->vmobjlock));
	KASSERT(newobj == NULL || rw_write_held(newobj->vmobjlock));
	KASSERT(uvm_page_aligned_p(uvm, (uint64_t)newoff));

	if (newobj != NULL) {
		uint32_t tabled = pg->flags & PG_TABLED;

		/* Insert first, so that a failure changes nothing. */
		pg->uobject = NULL;
		pg->offset = newoff;
		pg->flags &= ~PG_TABLED;
		error = uvm_obj_page_insert(newobj, pg);
		if (error != 0) {
			pg->uobject = oldobj;
			pg->offset = oldoff;
			pg->flags |= tabled;
			return error;
		}
		if (oldobj != NULL) {
			/* Out of the old index, by its old name. */
			pg->uobject = oldobj;
			pg->offset = oldoff;
			uvm_obj_page_remove(oldobj, pg);
			pg->uobject = newobj;
			pg->offset = newoff;
			pg->flags |= PG_TABLED;
		}
		newusage = uvm_page_objusage(newobj);
	} else {
		if (oldobj != NULL)
			uvm_obj_page_remove(oldobj, pg);
		pg->offset = 0;
		newusage = 0;
	}
	if (newusage != oldusage) {
		mutex_enter(&uvm->u_page->ups_lock);
		uvm_page_usage_count(uvm, oldusage, -1);
		uvm_page_usage_count(uvm, newusage, 1);
		mutex_exit(&uvm->u_page->ups_lock);
		pg->flags = (pg->flags & ~PG_USAGE_MASK) | newusage;
	}
	return 0;
}

/*
 * uvm_page_setusage: set the usage class of an object page (vnode text
 * becoming executable, say).
 * => owner's lock write-held
 */
void
uvm_page_setusage(struct vm_page *pg, uint32_t usage)
{
	struct uvm *uvm = uvm_page_machine(pg);
	uint32_t old = pg->flags & PG_USAGE_MASK;

	KASSERT(usage == 0 || usage == PG_AOBJ || usage == PG_FILE ||
	    usage == PG_EXEC);
	KASSERT(pg->uobject != NULL && pg->uanon == NULL);
	KASSERT(uvm_page_owner_locked_p(pg, true));
	if (old == usage)
		return;
	mutex_enter(&uvm->u_page->ups_lock);
	uvm_page_usage_count(uvm, old, -1);
	uvm_page_usage_count(uvm, usage, 1);
	mutex_exit(&uvm->u_page->ups_lock);
	pg->flags = (pg->flags & ~PG_USAGE_MASK) | usage;
}

/*
 * uvm_pagezero: zero a page's contents; it is then dirty.
 * => owner's lock write-held (or the caller owns the unowned page)
 */
void
uvm_pagezero(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	KASSERT((pg->flags & PG_FREE) == 0);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	pmap_zero_page(uvm, uvm_page_phys(uvm, pg));
}

/*
 * uvm_pagezero_n: uvm_pagezero() of pgs[0..n), the frames filled in one
 * go so that their stores overlap.
 * => each page's owner's lock write-held (or the caller owns them)
 */
void
uvm_pagezero_n(struct vm_page **pgs, int n)
{
	paddr_t pa[32];
	struct uvm *uvm;
	int i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < (int)__arraycount(pa) ? n - i
						  : (int)__arraycount(pa);
		uvm = uvm_page_machine(pgs[i]);
		for (int j = 0; j < k; j++) {
			KASSERT((pgs[i + j]->flags & PG_FREE) == 0);
			KASSERT(uvm_page_machine(pgs[i + j]) == uvm);
			uvm_pagemarkdirty(pgs[i + j], UVM_PAGE_STATUS_DIRTY);
			pa[j] = uvm_page_phys(uvm, pgs[i + j]);
		}
		pmap_zero_pages(uvm, pa, k);
	}
}

/*
 * uvm_pagecopy: copy src's contents to dst, which is then dirty.
 * => dst's owner's lock write-held, src's held
 */
void
uvm_pagecopy(struct vm_page *src, struct vm_page *dst)
{
	uvm_pagecopy_hot(src, dst, PMAP_HOT_NONE);
}

/*
 * uvm_pagecopy_hot: uvm_pagecopy(), keeping dst's line at byte offset hot
 * cached for an access that follows at once (pmap_copy_page_hot()).
 */
void
uvm_pagecopy_hot(struct vm_page *src, struct vm_page *dst, vsize_t hot)
{
	struct uvm *uvm = uvm_page_machine(dst);

	KASSERT(uvm_page_machine(src) == uvm);
	KASSERT(src != dst);
	KASSERT(((src->flags | dst->flags) & PG_FREE) == 0);
	uvm_pagemarkdirty(dst, UVM_PAGE_STATUS_DIRTY);
	pmap_copy_page_hot(
	    uvm, uvm_page_phys(uvm, src), uvm_page_phys(uvm, dst), hot);
}

/*
 * uvm_pagegetdirty: the page's dirtiness, UVM_PAGE_STATUS_*.
 * => owner's lock held
 */
int
uvm_pagegetdirty(struct vm_page *pg)
{
	uint32_t st = pg->flags & PG_STATUS_MASK;

	KASSERT(uvm_page_owner_locked_p(pg, false));
	KASSERTMSG(
	    st != PG_STATUS_MASK, "page %p both clean and dirty", (void *)pg);
	return st == PG_CLEAN ? UVM_PAGE_STATUS_CLEAN
	    : st == PG_DIRTY  ? UVM_PAGE_STATUS_DIRTY
			      : UVM_PAGE_STATUS_UNKNOWN;
}

/*
 * uvm_pagemarkdirty: set the page's dirtiness; the object's dirty tag
 * follows PG_DIRTY.
 * => owner's lock write-held
 */
void
uvm_pagemarkdirty(struct vm_page *pg, int newstatus)
{
	int oldstatus = uvm_pagegetdirty(pg);

	KASSERT(uvm_page_owner_locked_p(pg, true));
	KASSERT(newstatus == UVM_PAGE_STATUS_UNKNOWN ||
	    newstatus == UVM_PAGE_STATUS_CLEAN ||
	    newstatus == UVM_PAGE_STATUS_DIRTY);
	if (oldstatus == newstatus)
		return;
	if ((pg->flags & PG_TABLED) != 0 &&
	    (oldstatus == UVM_PAGE_STATUS_DIRTY ||
		newstatus == UVM_PAGE_STATUS_DIRTY))
		uvm_obj_page_set_dirty(
		    pg->uobject, pg, newstatus == UVM_PAGE_STATUS_DIRTY);
	pg->flags &= ~PG_STATUS_MASK;
	if (newstatus == UVM_PAGE_STATUS_CLEAN)
		pg->flags |= PG_CLEAN;
	else if (newstatus == UVM_PAGE_STATUS_DIRTY)
		pg->flags |= PG_DIRTY;
}

/*
 * uvm_pagecheckdirty: has the page been modified since it was last known
 * clean?  Folds the pmap's modified bit into the page's status: with
 * pgprotected (the caller has write-protected every mapping) the page
 * becomes CLEAN, otherwise UNKNOWN unless it was CLEAN.  A CLEAN page is
 * unmodified (it cannot be written without first being marked dirty).
 *
 *	old status	modified?			new status
 *	CLEAN		false				CLEAN
 *	DIRTY		true (modified bit cleared	CLEAN or UNKNOWN
 *			 if the result is UNKNOWN)
 *	UNKNOWN		the modified bit (cleared)	CLEAN or UNKNOWN
 *
 * => owner's lock write-held
 */
bool
uvm_pagecheckdirty(struct vm_page *pg, bool pgprotected)
{
	int oldstatus = uvm_pagegetdirty(pg);
	int newstatus;
	bool modified;

	KASSERT(uvm_page_owner_locked_p(pg, true));
	KASSERT((pg->flags & PG_FREE) == 0);
	if (oldstatus == UVM_PAGE_STATUS_CLEAN)
		return false;
	newstatus =
	    pgprotected ? UVM_PAGE_STATUS_CLEAN : UVM_PAGE_STATUS_UNKNOWN;
	if (oldstatus == UVM_PAGE_STATUS_DIRTY) {
		modified = true;
		/*
		 * Going to UNKNOWN, later writes must show: clear the bit.
		 * Going to CLEAN, the mappings are read-only already.
		 */
		if (newstatus == UVM_PAGE_STATUS_UNKNOWN)
			(void)pmap_clear_modify(pg);
	} else {
		modified = pmap_clear_modify(pg);
	}
	uvm_pagemarkdirty(pg, newstatus);
	return modified;
}

/*
 * uvm_pagewire: wire a page (wirings counted; the first takes it off the
 * paging queues: wired pages are never queued).
 * => owner's lock write-held
 */
void
uvm_pagewire(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	KASSERT(uvm_page_owner_locked_p(pg, true));
	KASSERT((pg->flags & PG_FREE) == 0);
	KASSERTMSG(
	    pg->wire_count < UINT16_MAX, "page %p wired too often", (void *)pg);
	if (pg->wire_count == 0) {
		if (__atomic_load_n(&pg->pqflags, __ATOMIC_RELAXED) != 0)
			uvmpdpol_pagedequeue(uvm, pg);
		uvm_cnt_inc(uvm, wired);
	}
	pg->wire_count++;
}

/*
 * uvm_pageunwire: drop a wiring; the last one makes the page pageable
 * again: it is activated with the replacement policy (if the machine has
 * one), as NetBSD does.
 * => owner's lock write-held
 */
void
uvm_pageunwire(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	KASSERT(uvm_page_owner_locked_p(pg, true));
	KASSERTMSG(pg->wire_count > 0, "uvm_pageunwire: page %p not wired",
	    (void *)pg);
	if (--pg->wire_count == 0) {
		uvm_cnt_dec(uvm, wired);
		if (uvm->u_pdpol != NULL)
			uvmpdpol_pageactivate(uvm, pg);
	}
}

/* ---------------------------------------------------------------------- */
/* Idle zeroing, colours, free memory. */

/*
 * uvm_pageidlezero: zero up to max free pages of unknown contents and
 * move them to the known-zero bins.  Pages leave the free lists while
 * they are zeroed (in batches, without the lock held).
 * => takes the free-list lock; returns the number of pages zeroed
 */
unsigned
uvm_pageidlezero(struct uvm *uvm, unsigned max)
{
	struct uvm_page_state *ups = uvm->u_page;
	struct vm_page *batch[UVM_PAGE_ZBATCH];
	unsigned done = 0, n, i, fl, c;

	while (done < max) {
		n = 0;
		mutex_enter(&ups->ups_lock);
		/*
		 * Round robin over the colours of each free list, one page
		 * per colour per round, so that zero pages spread over the
		 * colours as allocations do.
		 */
		for (fl = 0; fl < UVM_NFREELIST && n < UVM_PAGE_ZBATCH &&
		     done + n < max;
		     fl++) {
			bool took = true;

			while (took && n < UVM_PAGE_ZBATCH && done + n < max) {
				took = false;
				for (i = 0; i < ups->ups_ncolors &&
				     n < UVM_PAGE_ZBATCH && done + n < max;
				     i++) {
					struct vm_page *pg;

					c = (ups->ups_zcolor + i) &
					    ups->ups_colormask;
					pg = LIST_FIRST(
					    &uvm_pgbin(ups, fl, c, PGFL_UNKNOWN)
						 ->pb_pages);
					if (pg == NULL)
						continue;
					uvm_pgfl_unlink(uvm, ups, pg);
					pg->flags = PG_BUSY;
					batch[n++] = pg;
					took = true;
				}
			}
		}
		ups->ups_zcolor = (ups->ups_zcolor + n) & ups->ups_colormask;
		mutex_exit(&ups->ups_lock);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			pmap_zero_page(uvm, uvm_page_phys(uvm, batch[i]));
		mutex_enter(&ups->ups_lock);
		for (i = 0; i < n; i++) {
			batch[i]->flags = PG_ZERO;
			uvm_pgfl_link(uvm, ups, batch[i]);
		}
		UPS_CNT_ADD(uvm, zeroidle, n);
		mutex_exit(&ups->ups_lock);
		done += n;
	}
	return done;
}

/*
 * uvm_page_recolor: change the colour count; the free pages move to the
 * new bins (see uvm_page.h).
 * => takes the free-list lock; returns 0, EINVAL or ENOMEM
 */
int
uvm_page_recolor(struct uvm *uvm, unsigned ncolors)
{
	struct uvm_page_state *ups = uvm->u_page;
	struct uvm_pgbin *nbins, *obins;
	unsigned oncolors, fl, c, q, mask = ncolors - 1;

	if (!powerof2_p(ncolors) || ncolors > UVM_PAGE_MAXCOLORS)
		return EINVAL;
	nbins = uvm_pgbins_alloc(ncolors);
	if (nbins == NULL)
		return ENOMEM;
	mutex_enter(&ups->ups_lock);
	obins = ups->ups_bins;
	oncolors = ups->ups_ncolors;
	for (fl = 0; fl < UVM_NFREELIST; fl++)
		for (c = 0; c < oncolors; c++)
			for (q = 0; q < PGFL_NQUEUES; q++) {
				struct uvm_pgbin *ob =
				    &obins[((size_t)fl * oncolors + c) *
					    PGFL_NQUEUES +
					q];
				struct vm_page *pg;

				while (
				    (pg = LIST_FIRST(&ob->pb_pages)) != NULL) {
					struct uvm_pgbin *nb =
					    &nbins[((size_t)fl * ncolors +
						       (pg->phys_pfn & mask)) *
						    PGFL_NQUEUES +
						q];

					LIST_REMOVE(pg, pageq.list);
					ob->pb_npages--;
					LIST_INSERT_HEAD(
					    &nb->pb_pages, pg, pageq.list);
					nb->pb_npages++;
				}
			}
	__atomic_store_n(&ups->ups_bins, nbins, __ATOMIC_RELAXED);
	__atomic_store_n(&ups->ups_ncolors, ncolors, __ATOMIC_RELAXED);
	__atomic_store_n(&ups->ups_colormask, mask, __ATOMIC_RELAXED);
	ups->ups_colorshift = (unsigned)__builtin_ctz(ncolors);
	ups->ups_nextcolor &= mask;
	ups->ups_zcolor &= mask;
	uvm_cnt_set(uvm, ncolors, ncolors);
	mutex_exit(&ups->ups_lock);
	free(obins);
	UVMHIST(uvm, "recolor %ju -> %ju colours", oncolors, ncolors, 0, 0);
	return 0;
}

uint64_t
uvm_free(struct uvm *uvm)
{
	return (uint64_t)uvm_cnt_get(uvm, free);
}

/*
 * uvm_availmem: free pages; cached_ok allows a recent value (the counter
 * as last published), otherwise the total is read under the free-list
 * lock, consistent with the bins.
 */
uint64_t
uvm_availmem(struct uvm *uvm, bool cached_ok)
{
	struct uvm_page_state *ups = uvm->u_page;
	int64_t f;

	if (cached_ok)
		return (uint64_t)uvm_cnt_get(uvm, free);
	mutex_enter(&ups->ups_lock);
	f = uvm_cnt_get(uvm, free);
	mutex_exit(&ups->ups_lock);
	return (uint64_t)f;
}

/* ---------------------------------------------------------------------- */
/* Checker and printers. */

/*
 * uvm_page_sanity: check every invariant of the free lists and pages:
 *  - each bin holds exactly the free pages of its free list, colour and
 *    zero state; its count is right; every free page is on a bin (the
 *    counts of PG_FREE pages and of binned pages agree)
 *  - free pages: PG_FREE (and maybe PG_ZERO) only, no owner, no
 *    mapping, not wired or loaned, off the paging queues, free bit set
 *  - counters: free, zeropages, npages, wired, anon/aobj/file/exec pages
 *  - pages in use: not on a bin, one usage class at most and matching
 *    the owner, PG_TABLED exactly when in an object, anon link back,
 *    not both clean and dirty
 * => machine quiescent; takes the free-list lock; panics on violation
 */
void
uvm_page_sanity(struct uvm *uvm)
{
	struct uvm_page_state *ups = uvm->u_page;
	const struct uvm_physseg_snap *sn;
	uint64_t nfree = 0, nzero = 0, flfree[UVM_NFREELIST] = {0};
	uint64_t npages = 0, nfreeflag = 0, nwired = 0;
	uint64_t nusage[4] = {0};
	unsigned fl, c, q, i;

	if (ups == NULL)
		return;
	uvm_physseg_sanity(uvm);
	mutex_enter(&ups->ups_lock);
	KASSERT(powerof2_p(ups->ups_ncolors) &&
	    ups->ups_colormask == ups->ups_ncolors - 1);
	KASSERT(ups->ups_nextcolor < ups->ups_ncolors);
	KASSERT(uvm_cnt_get(uvm, ncolors) == (int64_t)ups->ups_ncolors);
	for (fl = 0; fl < UVM_NFREELIST; fl++)
		for (c = 0; c < ups->ups_ncolors; c++)
			for (q = 0; q < PGFL_NQUEUES; q++) {
				struct uvm_pgbin *pb = uvm_pgbin(ups, fl, c, q);
				struct vm_page *pg;
				uint64_t n = 0;

				LIST_FOREACH (pg, &pb->pb_pages, pageq.list) {
					KASSERTMSG(n < pb->pb_npages,
					    "bin %u/%u/%u longer than its "
					    "count %" PRIu64,
					    fl, c, q, pb->pb_npages);
					KASSERTMSG(uvm_page_machine(pg) == uvm,
					    "foreign page %p on a bin",
					    (void *)pg);
					KASSERTMSG(pg->flags ==
						(PG_FREE | (q ? PG_ZERO : 0)),
					    "free page %p (frame %#x) flags "
					    "%#x on bin %u/%u/%u",
					    (void *)pg, pg->phys_pfn, pg->flags,
					    fl, c, q);
					KASSERT(pg->freelist == fl);
					KASSERT((pg->phys_pfn &
						    ups->ups_colormask) == c);
					KASSERT(pg->uobject == NULL &&
					    pg->uanon == NULL &&
					    pg->pv_head == NULL);
					KASSERT(pg->wire_count == 0 &&
					    pg->loan_count == 0 &&
					    pg->pqflags == 0);
					KASSERT(uvm_physmem_free_p(
					    uvm_pgchunk_of(pg)->pc_mem,
					    uvm_physmem_index(pg)));
					KASSERTMSG(uvm_physseg_pfn_to_page(
						       uvm, pg->phys_pfn) == pg,
					    "free page %p (frame %#x) not in a "
					    "segment",
					    (void *)pg, pg->phys_pfn);
					KDASSERT(q == PGFL_UNKNOWN ||
					    uvm_page_zero_p(uvm, pg));
					n++;
				}
				KASSERTMSG(n == pb->pb_npages,
				    "bin %u/%u/%u has %" PRIu64
				    " pages, count %" PRIu64,
				    fl, c, q, n, pb->pb_npages);
				nfree += n;
				flfree[fl] += n;
				if (q == PGFL_ZEROS)
					nzero += n;
			}
	for (fl = 0; fl < UVM_NFREELIST; fl++)
		KASSERTMSG(flfree[fl] == ups->ups_flfree[fl],
		    "free list %u: %" PRIu64 " pages binned, count %" PRIu64,
		    fl, flfree[fl], ups->ups_flfree[fl]);
	KASSERTMSG((int64_t)nfree == uvm_cnt_get(uvm, free),
	    "%" PRIu64 " pages binned, free counter %" PRId64, nfree,
	    uvm_cnt_get(uvm, free));
	KASSERTMSG((int64_t)nzero == uvm_cnt_get(uvm, zeropages),
	    "%" PRIu64 " zero pages binned, counter %" PRId64, nzero,
	    uvm_cnt_get(uvm, zeropages));

	sn = uvm_physseg_snap(uvm);
	for (i = 0; i < sn->sn_n; i++) {
		const struct uvm_physseg *ps = &sn->sn_segs[i];
		uint64_t idx;

		for (idx = ps->ps_start - ps->ps_mem->pm_start;
		     idx < ps->ps_end - ps->ps_mem->pm_start; idx++) {
			const struct vm_page *pg =
			    uvm_physmem_pg(ps->ps_mem, idx);
			uint32_t usage = pg->flags & PG_USAGE_MASK;

			npages++;
			if ((pg->flags & PG_FREE) != 0) {
				nfreeflag++;
				continue;
			}
			KASSERTMSG(!uvm_physmem_free_p(ps->ps_mem, idx),
			    "page %p in use but its free bit is set",
			    (const void *)pg);
			KASSERTMSG(powerof2_p(usage) || usage == 0,
			    "page %p has usage classes %#x", (const void *)pg,
			    usage);
			KASSERTMSG(
			    (pg->flags & PG_STATUS_MASK) != PG_STATUS_MASK,
			    "page %p both clean and dirty", (const void *)pg);
			KASSERT(pg->uobject == NULL || pg->uanon == NULL);
			KASSERTMSG(((pg->flags & PG_TABLED) != 0) ==
				(pg->uobject != NULL),
			    "page %p: PG_TABLED and uobject disagree",
			    (const void *)pg);
			KASSERTMSG(
			    pg->uanon == NULL || pg->uanon->an_page == pg,
			    "page %p: its anon does not point back",
			    (const void *)pg);
			KASSERTMSG(usage != PG_ANON || pg->uanon != NULL,
			    "page %p: PG_ANON without an anon",
			    (const void *)pg);
			KASSERTMSG(usage == 0 || usage == PG_ANON ||
				pg->uobject != NULL,
			    "page %p: object usage %#x without an object",
			    (const void *)pg, usage);
			KASSERTMSG(pg->uanon == NULL || usage == PG_ANON,
			    "page %p: anon page without PG_ANON",
			    (const void *)pg);
			if (pg->wire_count != 0)
				nwired++;
			switch (usage) {
			case PG_ANON:
				nusage[0]++;
				break;
			case PG_AOBJ:
				nusage[1]++;
				break;
			case PG_FILE:
				nusage[2]++;
				break;
			case PG_EXEC:
				nusage[3]++;
				break;
			}
		}
	}
	KASSERTMSG((int64_t)npages == uvm_cnt_get(uvm, npages),
	    "%" PRIu64 " pages in segments, npages %" PRId64, npages,
	    uvm_cnt_get(uvm, npages));
	KASSERTMSG(nfreeflag == nfree,
	    "%" PRIu64 " pages PG_FREE, %" PRIu64 " on bins", nfreeflag, nfree);
	KASSERTMSG((int64_t)nwired == uvm_cnt_get(uvm, wired),
	    "%" PRIu64 " pages wired, counter %" PRId64, nwired,
	    uvm_cnt_get(uvm, wired));
	KASSERTMSG((int64_t)nusage[0] == uvm_cnt_get(uvm, anonpages),
	    "%" PRIu64 " anon pages, counter %" PRId64, nusage[0],
	    uvm_cnt_get(uvm, anonpages));
	KASSERTMSG((int64_t)nusage[1] == uvm_cnt_get(uvm, aobjpages),
	    "%" PRIu64 " aobj pages, counter %" PRId64, nusage[1],
	    uvm_cnt_get(uvm, aobjpages));
	KASSERTMSG((int64_t)nusage[2] == uvm_cnt_get(uvm, filepages),
	    "%" PRIu64 " file pages, counter %" PRId64, nusage[2],
	    uvm_cnt_get(uvm, filepages));
	KASSERTMSG((int64_t)nusage[3] == uvm_cnt_get(uvm, execpages),
	    "%" PRIu64 " exec pages, counter %" PRId64, nusage[3],
	    uvm_cnt_get(uvm, execpages));
	mutex_exit(&ups->ups_lock);
}

static const struct {
	uint32_t bit;
	const char *name;
} uvm_pg_flagnames[] =
    {
	{PG_BUSY, "BUSY"},
	{PG_WANTED, "WANTED"},
	{PG_TABLED, "TABLED"},
	{PG_CLEAN, "CLEAN"},
	{PG_DIRTY, "DIRTY"},
	{PG_RELEASED, "RELEASED"},
	{PG_FAKE, "FAKE"},
	{PG_RDONLY, "RDONLY"},
	{PG_ZERO, "ZERO"},
	{PG_FREE, "FREE"},
	{PG_ANON, "ANON"},
	{PG_AOBJ, "AOBJ"},
	{PG_FILE, "FILE"},
	{PG_EXEC, "EXEC"},
	{PG_PAGEOUT, "PAGEOUT"},
	{PG_MARKER, "MARKER"},
	{PG_PAGER1, "PAGER1"},
},
  uvm_pq_flagnames[] = {
      {PQ_ACTIVE, "ACTIVE"},
      {PQ_INACTIVE, "INACTIVE"},
      {PQ_HOT, "HOT"},
      {PQ_TEST, "TEST"},
      {PQ_REFERENCED, "REFERENCED"},
};

/* Decode flag bits into buf ("<none>" for none; unknown bits in hex). */
static const char *
uvm_page_flagstr(char *buf, size_t len, uint32_t v, bool pq)
{
	size_t i,
	    n = pq ? __arraycount(uvm_pq_flagnames)
		   : __arraycount(uvm_pg_flagnames);
	size_t off = 0;
	uint32_t known = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		uint32_t bit =
		    pq ? uvm_pq_flagnames[i].bit : uvm_pg_flagnames[i].bit;
		const char *name =
		    pq ? uvm_pq_flagnames[i].name : uvm_pg_flagnames[i].name;

		known |= bit;
		if ((v & bit) != 0 && off < len)
			off += (size_t)snprintf(
			    buf + off, len - off, "%s%s", off ? "|" : "", name);
	}
	if ((v & ~known) != 0 && off < len)
		snprintf(
		    buf + off, len - off, "%s%#x", off ? "|" : "", v & ~known);
	if (buf[0] == '\0')
		snprintf(buf, len, "<none>");
	return buf;
}

/* uvm_page_printit: every field of one page, decoded. */
void
uvm_page_printit(const struct uvm *uvm, const struct vm_page *pg, FILE *fp)
{
	char fbuf[160], qbuf[80];

	fprintf(fp,
	    "PAGE %p: frame %#x pa %#" PRIx64 " freelist %u colour %u "
	    "host %p\n",
	    (const void *)pg, pg->phys_pfn, uvm_page_phys(uvm, pg),
	    pg->freelist, uvm_page_color(uvm, pg), uvm_page_hostaddr(uvm, pg));
	fprintf(fp, "  flags=%s pqflags=%s\n",
	    uvm_page_flagstr(fbuf, sizeof(fbuf), pg->flags, false),
	    uvm_page_flagstr(qbuf, sizeof(qbuf), pg->pqflags, true));
	fprintf(fp, "  uobject=%p offset=%#" PRIx64 " uanon=%p pv_head=%p\n",
	    (void *)pg->uobject, (uint64_t)pg->offset, (void *)pg->uanon,
	    (void *)pg->pv_head);
	fprintf(fp, "  wire_count=%u loan_count=%u mdattrs=%#x status=%s\n",
	    pg->wire_count, pg->loan_count, pg->mdattrs,
	    (pg->flags & PG_CLEAN)       ? "clean"
		: (pg->flags & PG_DIRTY) ? "dirty"
					 : "unknown");
}

/* uvm_page_printall: one line per managed page, and the bin summary. */
void
uvm_page_printall(struct uvm *uvm, FILE *fp)
{
	struct uvm_page_state *ups = uvm->u_page;
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);
	unsigned i, fl, c;
	char fbuf[160];

	fprintf(fp, "%-18s %-10s %-18s %-18s %-18s %s\n", "PAGE", "FRAME",
	    "UOBJECT", "OFFSET", "UANON", "FLAGS");
	for (i = 0; i < sn->sn_n; i++) {
		const struct uvm_physseg *ps = &sn->sn_segs[i];
		uint64_t pfn;

		for (pfn = ps->ps_start; pfn < ps->ps_end; pfn++) {
			const struct vm_page *pg = uvm_physmem_pg(
			    ps->ps_mem, pfn - ps->ps_mem->pm_start);

			fprintf(fp,
			    "%-18p %#-10x %-18p %#-18" PRIx64 " %-18p %s\n",
			    (const void *)pg, pg->phys_pfn, (void *)pg->uobject,
			    (uint64_t)pg->offset, (void *)pg->uanon,
			    uvm_page_flagstr(
				fbuf, sizeof(fbuf), pg->flags, false));
		}
	}
	mutex_enter(&ups->ups_lock);
	fprintf(fp, "free lists (%u colours):\n", ups->ups_ncolors);
	for (fl = 0; fl < UVM_NFREELIST; fl++) {
		uint64_t z = 0;

		for (c = 0; c < ups->ups_ncolors; c++)
			z += uvm_pgbin(ups, fl, c, PGFL_ZEROS)->pb_npages;
		fprintf(fp,
		    "  freelist %u: %" PRIu64 " free, %" PRIu64 " known zero\n",
		    fl, ups->ups_flfree[fl], z);
	}
	mutex_exit(&ups->ups_lock);
}
