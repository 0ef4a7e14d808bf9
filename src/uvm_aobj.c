/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_aobj.c: anonymous memory objects (the aobj pager).
 *
 * This file owns struct uvm_aobj, the aobj pager operations (aobj_pager),
 * the per-page swap-slot tables, and the machine's aobj state (the aobj
 * and swap-cluster pools, the list of aobjs, the kernel object).
 *
 * Design note.
 *
 * Pages.  An aobj's resident pages sit in its object index like any
 * object's.  A page that was never written to swap is created zero-filled
 * by pgo_get; a page whose contents went to swap is read back from its
 * slot.  A page allocated for an aobj carries the usage class PG_AOBJ.
 *
 * Swap slots.  Each page index maps to a swap slot number (0: none).  Small
 * objects (up to UAO_SWHASH_THRESHOLD pages) keep a flat array, one slot
 * per page.  Large ones, up to 2^64 bytes, keep a hash table of clusters:
 * a cluster holds the slots of UAO_SWCLUSTER_SIZE consecutive pages and
 * exists only while one of them has a slot, so a 1 TiB shared mapping with
 * three pages in swap costs three clusters.  The bucket count is a power of
 * two, at most UAO_SWHASH_MAXBUCKETS, chosen from the object's size.
 *
 *	page index p:  cluster tag p >> 4, bucket tag & mask, slot p & 15
 *
 * This is NetBSD's scheme; the code is ours.  Setting a slot in a hashed
 * table may need a new cluster (pool, fault-injection site KFI_POOL) and
 * can fail with ENOMEM; clearing never fails (an emptied cluster is freed
 * at once).
 *
 * swpgonly: a slot whose page is not resident is the only copy of the
 * page, counted in uvmexp.swpgonly by its owner (uvm_swap.h).  Reading a
 * page in from swap and freeing a slot of a non-resident page decrement
 * it; the page daemon increments it when it frees a page it paged out.
 *
 * Cleaning: PGO_CLEANIT is accepted and does nothing: an aobj has no
 * backing store but swap, and pages reach swap only through the page
 * daemon (NetBSD's uao_put() ignores it too).
 *
 * Locking: the object's vmobjlock protects the pages, the table, u_refs
 * and u_freelist.  The aobj list is under us_lock, a mutex
 * of class LC_OBJECT: the checker holds it while it try-locks aobjs and
 * asks the swap layer (LC_SWAP, later in the order) about their slots.
 */
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_aobj.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "pmap/pmap.h"

/* A cluster of swap slots of a hashed table. */
struct uao_swcluster {
	LIST_ENTRY(uao_swcluster) sc_list;     /* [o] in its bucket */
	uint64_t sc_tag;                       /* [o] page index >> SHIFT */
	unsigned sc_count;                     /* [o] nonzero slots */
	uint64_t sc_slots[UAO_SWCLUSTER_SIZE]; /* [o] */
};
LIST_HEAD(uao_swhead, uao_swcluster);

struct uvm_aobj {
	struct uvm_object u_obj;     /* must be first */
	uint64_t u_pages;            /* [c] size in pages */
	int u_flags;                 /* [c] UAO_FLAG_* (KERNSWAP: [o]) */
	int u_freelist;              /* [o] free list of its pages, -1: any */
	uint64_t u_nswslots;         /* [o] nonzero slots in the table */
	uint64_t *u_swslots;         /* [o] flat table, or NULL */
	struct uao_swhead *u_swhash; /* [o] hashed table, or NULL */
	uint64_t u_swhashmask;       /* [c] buckets - 1 */
	LIST_ENTRY(uvm_aobj) u_list; /* [us_lock] on the machine's list */
	unsigned u_swapgen;          /* [us_lock] last uao_swap_off() walk */
};

struct uao_state {
	struct kmutex us_lock;          /* LC_OBJECT: the list */
	struct pool us_aobjpool;        /* struct uvm_aobj, KFI_OBJ */
	struct pool us_clusterpool;     /* struct uao_swcluster, KFI_POOL */
	LIST_HEAD(, uvm_aobj) us_aobjs; /* [us_lock] */
	uint64_t us_naobjs;             /* [us_lock] */
	unsigned us_swapgen;            /* [us_lock] uao_swap_off() walks */
	struct uvm_aobj *us_kernobj;    /* [us_lock] the kernel object */
};

static void uao_pgo_reference(struct uvm_object *);
static void uao_pgo_detach(struct uvm_object *);
static int uao_get(struct uvm_object *, voff_t, struct vm_page **, int *, int,
    vm_prot_t, int, int);
static int uao_put(struct uvm_object *, voff_t, voff_t, int);
static void uao_pgo_dropswap(struct uvm_object *, voff_t, voff_t);

const struct uvm_pagerops aobj_pager = {
    .pgo_name = "aobj",
    .pgo_usage = PG_AOBJ,
    .pgo_reference = uao_pgo_reference,
    .pgo_detach = uao_pgo_detach,
    .pgo_get = uao_get,
    .pgo_put = uao_put,
    .pgo_dropswap = uao_pgo_dropswap,
};

static inline struct uvm_aobj *
uao_cast(struct uvm_object *uobj)
{
	KASSERTMSG(
	    UVM_OBJ_IS_AOBJ(uobj), "object %p is not an aobj", (void *)uobj);
	return (struct uvm_aobj *)uobj;
}

static inline struct uao_state *
uao_state(struct uvm *uvm)
{
	return *uvm_obj_uao_statep(uvm);
}

/*
 * uao_init: set up the machine's aobj state (called by uvm_obj_state_init).
 */
int
uao_init(struct uvm *uvm)
{
	struct uao_state *us;

	us = calloc(1, sizeof(*us));
	if (us == NULL)
		return ENOMEM;
	mutex_init(&us->us_lock, LC_OBJECT, "aobjlist");
	pool_init(&us->us_aobjpool, sizeof(struct uvm_aobj),
	    _Alignof(struct uvm_aobj), "aobjpl", &uvm->u_pools, &uvm->u_fi,
	    KFI_OBJ);
	pool_init(&us->us_clusterpool, sizeof(struct uao_swcluster),
	    _Alignof(struct uao_swcluster), "aoswclpl", &uvm->u_pools,
	    &uvm->u_fi, KFI_POOL);
	LIST_INIT(&us->us_aobjs);
	*uvm_obj_uao_statep(uvm) = us;
	return 0;
}

/*
 * uao_fini: tear the aobj state down; every aobj must be gone.
 */
void
uao_fini(struct uvm *uvm)
{
	struct uao_state *us = uao_state(uvm);

	if (us == NULL)
		return;
	KASSERTMSG(LIST_EMPTY(&us->us_aobjs), "%" PRIu64 " aobjs alive",
	    us->us_naobjs);
	pool_destroy(&us->us_clusterpool);
	pool_destroy(&us->us_aobjpool);
	mutex_destroy(&us->us_lock);
	free(us);
	*uvm_obj_uao_statep(uvm) = NULL;
}

/*
 * Swap-slot tables.
 */
static inline bool
uao_usehash_p(uint64_t pages)
{
	return pages > UAO_SWHASH_THRESHOLD;
}

/* Allocate the (empty) table for the aobj's size; consults KFI_OBJ. */
static int
uao_swtable_alloc(struct uvm *uvm, struct uvm_aobj *aobj)
{
	uint64_t nclusters, nbuckets, i;

	if (kfi_fail_p(&uvm->u_fi, KFI_OBJ))
		return ENOMEM;
	if (!uao_usehash_p(aobj->u_pages)) {
		aobj->u_swslots = calloc(aobj->u_pages, sizeof(uint64_t));
		return aobj->u_swslots == NULL ? ENOMEM : 0;
	}
	nclusters = (aobj->u_pages >> UAO_SWCLUSTER_SHIFT) + 1;
	nclusters = MIN(nclusters, (uint64_t)UAO_SWHASH_MAXBUCKETS);
	for (nbuckets = 1; nbuckets < nclusters; nbuckets <<= 1)
		continue;
	aobj->u_swhash = malloc(nbuckets * sizeof(struct uao_swhead));
	if (aobj->u_swhash == NULL)
		return ENOMEM;
	for (i = 0; i < nbuckets; i++)
		LIST_INIT(&aobj->u_swhash[i]);
	aobj->u_swhashmask = nbuckets - 1;
	return 0;
}

static inline struct uao_swhead *
uao_swbucket(struct uvm_aobj *aobj, uint64_t tag)
{
	/* Fibonacci hashing spreads strided patterns across buckets. */
	return &aobj->u_swhash[(tag * 0x9e3779b97f4a7c15ull >> 32) &
	    aobj->u_swhashmask];
}

static struct uao_swcluster *
uao_swcluster_find(struct uvm_aobj *aobj, uint64_t pageidx)
{
	uint64_t tag = pageidx >> UAO_SWCLUSTER_SHIFT;
	struct uao_swcluster *sc;

	LIST_FOREACH (sc, uao_swbucket(aobj, tag), sc_list) {
		if (sc->sc_tag == tag)
			return sc;
	}
	return NULL;
}

/*
 * uao_find_swslot: the swap slot of page pageidx, or 0.
 *	=> object locked
 */
uint64_t
uao_find_swslot(struct uvm_object *uobj, uint64_t pageidx)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct uao_swcluster *sc;

	KASSERT(rw_lock_held(uobj->vmobjlock));
	KASSERTMSG(pageidx < aobj->u_pages, "page %" PRIu64 " of %" PRIu64,
	    pageidx, aobj->u_pages);
	if (aobj->u_swslots != NULL)
		return aobj->u_swslots[pageidx];
	if (aobj->u_swhash == NULL)
		return 0;
	sc = uao_swcluster_find(aobj, pageidx);
	if (sc == NULL)
		return 0;
	return sc->sc_slots[pageidx & (UAO_SWCLUSTER_SIZE - 1)];
}

/*
 * uao_set_swslot: set (slot != 0) or clear (slot == 0) the swap slot of
 * page pageidx; the old slot comes back through *oslotp.
 *	=> object write-locked
 *	=> 0, or ENOMEM (a new cluster could not be had: nothing changed);
 *	   clearing never fails
 *	=> NOSWAP objects, and the kernel object before UAO_FLAG_KERNSWAP,
 *	   have no table: only clearing is allowed there
 */
int
uao_set_swslot(
    struct uvm_object *uobj, uint64_t pageidx, uint64_t slot, uint64_t *oslotp)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct uao_state *us = uao_state(uobj->uo_uvm);
	struct uao_swcluster *sc;
	uint64_t oslot, *sp;

	KASSERT(rw_write_held(uobj->vmobjlock));
	KASSERTMSG(pageidx < aobj->u_pages, "page %" PRIu64 " of %" PRIu64,
	    pageidx, aobj->u_pages);
	*oslotp = 0;
	if (aobj->u_swslots == NULL && aobj->u_swhash == NULL) {
		KASSERTMSG(
		    slot == 0, "aobj %p has no swap table", (void *)aobj);
		return 0;
	}
	if (aobj->u_swslots != NULL) {
		sp = &aobj->u_swslots[pageidx];
		sc = NULL;
	} else {
		sc = uao_swcluster_find(aobj, pageidx);
		if (sc == NULL) {
			if (slot == 0)
				return 0;
			sc = pool_get(&us->us_clusterpool, PR_NOWAIT);
			if (sc == NULL)
				return ENOMEM;
			memset(sc, 0, sizeof(*sc));
			sc->sc_tag = pageidx >> UAO_SWCLUSTER_SHIFT;
			LIST_INSERT_HEAD(
			    uao_swbucket(aobj, sc->sc_tag), sc, sc_list);
		}
		sp = &sc->sc_slots[pageidx & (UAO_SWCLUSTER_SIZE - 1)];
	}
	oslot = *sp;
	*sp = slot;
	if (oslot == 0 && slot != 0) {
		aobj->u_nswslots++;
		if (sc != NULL)
			sc->sc_count++;
	} else if (oslot != 0 && slot == 0) {
		KASSERT(aobj->u_nswslots > 0);
		aobj->u_nswslots--;
		if (sc != NULL) {
			KASSERT(sc->sc_count > 0);
			if (--sc->sc_count == 0) {
				LIST_REMOVE(sc, sc_list);
				pool_put(&us->us_clusterpool, sc);
			}
		}
	}
	*oslotp = oslot;
	return 0;
}

/*
 * uao_slot_release: give a slot dropped from the table back to swap; a
 * slot of a non-resident page held the only copy (swpgonly).
 */
static void
uao_slot_release(struct uvm_aobj *aobj, uint64_t pageidx, uint64_t slot)
{
	struct uvm *uvm = aobj->u_obj.uo_uvm;

	if (slot == 0)
		return;
	if (uvm_pagelookup(&aobj->u_obj, (voff_t)uvm_ptoa(uvm, pageidx)) ==
	    NULL) {
		KASSERT(uvm_cnt_get(uvm, swpgonly) > 0);
		uvm_cnt_dec(uvm, swpgonly);
	}
	uvm_swap_free(uvm, slot, 1);
}

/*
 * uao_dropswap: clear page pageidx's slot and free it.
 *	=> object write-locked
 */
void
uao_dropswap(struct uvm_object *uobj, uint64_t pageidx)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	uint64_t oslot;
	int error;

	error = uao_set_swslot(uobj, pageidx, 0, &oslot);
	KASSERT(error == 0);
	(void)error;
	uao_slot_release(aobj, pageidx, oslot);
}

/*
 * uao_dropswap_range: drop the slots of the pages in [start, end) bytes.
 *	=> object write-locked; visits the range or the clusters, whichever
 *	   is smaller
 */
void
uao_dropswap_range(struct uvm_object *uobj, voff_t start, voff_t end)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct uvm *uvm = uobj->uo_uvm;
	struct uao_swcluster *sc, *next;
	uint64_t first, last, idx, b;
	unsigned i;

	KASSERT(rw_write_held(uobj->vmobjlock));
	KASSERT(start >= 0 && start <= end);
	first = uvm_atop(uvm, (uint64_t)start);
	last = MIN(
	    uvm_atop(uvm, uvm_round_page(uvm, (uint64_t)end)), aobj->u_pages);
	if (first >= last || aobj->u_nswslots == 0)
		return;
	if (aobj->u_swslots != NULL) {
		for (idx = first; idx < last; idx++) {
			if (aobj->u_swslots[idx] != 0)
				uao_dropswap(uobj, idx);
		}
		return;
	}
	if (aobj->u_swhash == NULL)
		return;
	if ((last - first) / UAO_SWCLUSTER_SIZE <= aobj->u_swhashmask + 1) {
		for (idx = first; idx < last; idx++) {
			if (uao_find_swslot(uobj, idx) != 0)
				uao_dropswap(uobj, idx);
		}
		return;
	}
	for (b = 0; b <= aobj->u_swhashmask; b++) {
		for (sc = LIST_FIRST(&aobj->u_swhash[b]); sc != NULL;
		     sc = next) {
			/* Dropping the last slot frees the cluster. */
			next = LIST_NEXT(sc, sc_list);
			for (i = 0; i < UAO_SWCLUSTER_SIZE; i++) {
				bool lastone;

				idx = (sc->sc_tag << UAO_SWCLUSTER_SHIFT) + i;
				if (idx < first || idx >= last ||
				    sc->sc_slots[i] == 0)
					continue;
				lastone = sc->sc_count == 1;
				uao_dropswap(uobj, idx);
				if (lastone)
					break; /* sc is gone */
			}
		}
	}
}

static void
uao_pgo_dropswap(struct uvm_object *uobj, voff_t start, voff_t end)
{
	uao_dropswap_range(uobj, start, end);
}

/*
 * uao_nswslots: number of slots in the table.
 *	=> object locked
 */
uint64_t
uao_nswslots(struct uvm_object *uobj)
{
	KASSERT(rw_lock_held(uobj->vmobjlock));
	return uao_cast(uobj)->u_nswslots;
}

/*
 * uao_swtable_free: drop every slot and free the table.
 *	=> object write-locked, no page resident any more
 */
static void
uao_swtable_free(struct uvm_aobj *aobj)
{
	uint64_t b;
	struct uao_swcluster *sc;

	KASSERT(aobj->u_obj.uo_npages == 0);
	if (aobj->u_nswslots != 0)
		uao_dropswap_range(&aobj->u_obj, 0,
		    (voff_t)uvm_ptoa(aobj->u_obj.uo_uvm, aobj->u_pages));
	KASSERT(aobj->u_nswslots == 0);
	free(aobj->u_swslots);
	aobj->u_swslots = NULL;
	if (aobj->u_swhash != NULL) {
		for (b = 0; b <= aobj->u_swhashmask; b++) {
			sc = LIST_FIRST(&aobj->u_swhash[b]);
			KASSERT(sc == NULL);
			(void)sc;
		}
		free(aobj->u_swhash);
		aobj->u_swhash = NULL;
	}
}

/*
 * uao_create: create an aobj of size bytes (see uvm_aobj.h).
 *	=> returns the object with one reference, unlocked, or NULL when
 *	   memory cannot be had (pool or table: fault-injection site KFI_OBJ)
 */
struct uvm_object *
uao_create(struct uvm *uvm, uint64_t size, int flags)
{
	struct uao_state *us = uao_state(uvm);
	struct uvm_aobj *aobj;
	uint64_t pages;

	KASSERT((flags &
		    ~(UAO_FLAG_KERNOBJ | UAO_FLAG_KERNSWAP |
			UAO_FLAG_NOSWAP)) == 0);
	if ((flags & UAO_FLAG_KERNSWAP) != 0) {
		KASSERT(flags == UAO_FLAG_KERNSWAP);
		mutex_enter(&us->us_lock);
		aobj = us->us_kernobj;
		mutex_exit(&us->us_lock);
		KASSERTMSG(aobj != NULL, "uao_create: no kernel object");
		rw_enter(aobj->u_obj.vmobjlock, RW_WRITER);
		KASSERT((aobj->u_flags & UAO_FLAG_KERNSWAP) == 0);
		if (uao_swtable_alloc(uvm, aobj) != 0) {
			rw_exit(aobj->u_obj.vmobjlock);
			return NULL;
		}
		aobj->u_flags |= UAO_FLAG_KERNSWAP;
		rw_exit(aobj->u_obj.vmobjlock);
		return &aobj->u_obj;
	}

	pages = uvm_atop(uvm, size) + ((size & uvm->u_pagemask) != 0 ? 1 : 0);
	KASSERT(pages > 0);
	aobj = pool_get(&us->us_aobjpool, PR_NOWAIT);
	if (aobj == NULL)
		return NULL;
	memset(aobj, 0, sizeof(*aobj));
	aobj->u_pages = pages;
	aobj->u_flags = flags;
	aobj->u_freelist = -1;
	/* The kernel object gets its table with UAO_FLAG_KERNSWAP. */
	if ((flags & (UAO_FLAG_NOSWAP | UAO_FLAG_KERNOBJ)) == 0 &&
	    uao_swtable_alloc(uvm, aobj) != 0) {
		pool_put(&us->us_aobjpool, aobj);
		return NULL;
	}
	uvm_obj_init(&aobj->u_obj, uvm, &aobj_pager, NULL, 1);
	mutex_enter(&us->us_lock);
	if ((flags & UAO_FLAG_KERNOBJ) != 0) {
		KASSERTMSG(
		    us->us_kernobj == NULL, "uao_create: kernel object exists");
		us->us_kernobj = aobj;
	}
	LIST_INSERT_HEAD(&us->us_aobjs, aobj, u_list);
	us->us_naobjs++;
	mutex_exit(&us->us_lock);
	return &aobj->u_obj;
}

/*
 * uao_reference: add a reference.
 *	=> object unlocked; a no-op on the kernel object
 */
void
uao_reference(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj = uao_cast(uobj);

	if ((aobj->u_flags & UAO_FLAG_KERNOBJ) != 0)
		return;
	rw_enter(uobj->vmobjlock, RW_WRITER);
	KASSERT(uobj->uo_refs > 0);
	uobj->uo_refs++;
	rw_exit(uobj->vmobjlock);
}

static void
uao_pgo_reference(struct uvm_object *uobj)
{
	uao_reference(uobj);
}

/*
 * uao_free: free every page and slot of the aobj and the aobj itself.
 *	=> object write-locked on entry; gone on return
 *	=> busy pages are waited for (the lock is dropped meanwhile)
 */
static void
uao_free(struct uvm_aobj *aobj)
{
	struct uvm_object *uobj = &aobj->u_obj;
	struct uvm *uvm = uobj->uo_uvm;
	struct uao_state *us = uao_state(uvm);
	struct vm_page *pps[32];
	unsigned i, n;

	KASSERT(rw_write_held(uobj->vmobjlock));
	for (;;) {
		n = uvm_obj_page_gang(uobj, 0, pps, __arraycount(pps));
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct vm_page *pg = pps[i];

			if ((pg->flags & PG_BUSY) != 0) {
				uvm_pagewait(pg, uobj->vmobjlock, "uao_det");
				rw_enter(uobj->vmobjlock, RW_WRITER);
				break;
			}
			pmap_page_protect(pg, VM_PROT_NONE);
			uao_dropswap(uobj, uvm_atop(uvm, (uint64_t)pg->offset));
			uvm_pagefree(pg);
		}
	}
	KASSERT(uobj->uo_npages == 0);
	uao_swtable_free(aobj);
	rw_exit(uobj->vmobjlock);

	mutex_enter(&us->us_lock);
	LIST_REMOVE(aobj, u_list);
	us->us_naobjs--;
	if (us->us_kernobj == aobj)
		us->us_kernobj = NULL;
	mutex_exit(&us->us_lock);
	uvm_obj_destroy(uobj, true);
	pool_put(&us->us_aobjpool, aobj);
}

/*
 * uao_detach: drop a reference; the last frees all pages and slots.
 *	=> object unlocked; a no-op on the kernel object; may sleep for busy
 *	   pages
 */
void
uao_detach(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj = uao_cast(uobj);

	if ((aobj->u_flags & UAO_FLAG_KERNOBJ) != 0)
		return;
	rw_enter(uobj->vmobjlock, RW_WRITER);
	KASSERT(uobj->uo_refs > 0);
	if (--uobj->uo_refs > 0) {
		rw_exit(uobj->vmobjlock);
		return;
	}
	uao_free(aobj);
}

static void
uao_pgo_detach(struct uvm_object *uobj)
{
	uao_detach(uobj);
}

/*
 * uao_destroy_kernobj: free the machine's kernel object, whatever its
 * references (machine teardown).
 *	=> object unlocked
 */
void
uao_destroy_kernobj(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj = uao_cast(uobj);

	KASSERT((aobj->u_flags & UAO_FLAG_KERNOBJ) != 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uao_free(aobj);
}

/*
 * uao_set_pgfl: allocate the object's pages from freelist only (-1: any).
 */
void
uao_set_pgfl(struct uvm_object *uobj, int freelist)
{
	struct uvm_aobj *aobj = uao_cast(uobj);

	KASSERT(freelist >= -1 && freelist < UVM_NFREELIST);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	aobj->u_freelist = freelist;
	rw_exit(uobj->vmobjlock);
}

uint64_t
uao_npages(struct uvm_object *uobj)
{
	return uao_cast(uobj)->u_pages;
}

bool
uao_noswap_p(struct uvm_object *uobj)
{
	return (uao_cast(uobj)->u_flags & UAO_FLAG_NOSWAP) != 0;
}

bool
uao_swhashed_p(struct uvm_object *uobj)
{
	return uao_cast(uobj)->u_swhash != NULL;
}

/*
 * uao_pagealloc: a page for the aobj at off, from its free list.
 */
static struct vm_page *
uao_pagealloc(struct uvm_aobj *aobj, voff_t off, int flags)
{
	struct uvm *uvm = aobj->u_obj.uo_uvm;

	if (aobj->u_freelist >= 0)
		return uvm_pagealloc_strat(uvm, &aobj->u_obj, off, NULL, flags,
		    UVM_PGA_STRAT_ONLY, aobj->u_freelist);
	return uvm_pagealloc(uvm, &aobj->u_obj, off, NULL, flags);
}

/*
 * uao_get: the aobj's pgo_get (contract in uvm_object.h).
 *	=> PGO_LOCKED: object locked (reader is enough), stays locked; fills
 *	   pps[] with the resident, unbusy pages (NULL elsewhere); EBUSY if
 *	   the center page is not among them
 *	=> otherwise: object write-locked on entry, unlocked on return; every
 *	   page of the range comes back busy: resident ones after waiting for
 *	   them, missing ones read from their swap slot or zero-filled
 *	   (PGO_OVERWRITE: left as they are, the caller overwrites them)
 *	=> 0, ENOMEM (no page; pages gathered so far are unbusied), EIO (a
 *	   swap read failed; the slot stays, so a later fault retries)
 */
static int
uao_get(struct uvm_object *uobj, voff_t offset, struct vm_page **pps,
    int *npagesp, int centeridx, vm_prot_t access_type, int advice, int flags)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct uvm *uvm = uobj->uo_uvm;
	int npages = *npagesp, lcv, found, error;
	struct vm_page *pg;
	uint64_t pageidx, slot;
	voff_t off;

	KASSERT(npages > 0);
	KASSERT(offset >= 0 && uvm_page_aligned_p(uvm, (uint64_t)offset));
	KASSERT(uvm_atop(uvm, (uint64_t)offset) + (uint64_t)npages <=
	    aobj->u_pages);
	KASSERT(centeridx >= -1 && centeridx < npages);

	if ((flags & PGO_LOCKED) != 0) {
		KASSERT(rw_lock_held(uobj->vmobjlock));
		found = 0;
		for (lcv = 0; lcv < npages; lcv++) {
			off = offset + (voff_t)uvm_ptoa(uvm, (uint64_t)lcv);
			pg = uvm_pagelookup(uobj, off);
			if (pg != NULL && (pg->flags & PG_BUSY) != 0)
				pg = NULL;
			pps[lcv] = pg;
			if (pg != NULL)
				found++;
		}
		*npagesp = found;
		if (centeridx >= 0 && pps[centeridx] == NULL)
			return EBUSY;
		return 0;
	}

	KASSERT(rw_write_held(uobj->vmobjlock));
	for (lcv = 0; lcv < npages;) {
		off = offset + (voff_t)uvm_ptoa(uvm, (uint64_t)lcv);
		pageidx = uvm_atop(uvm, (uint64_t)off);
		pg = uvm_pagelookup(uobj, off);
		if (pg != NULL) {
			if ((pg->flags & PG_BUSY) != 0) {
				uvm_pagewait(pg, uobj->vmobjlock, "uao_get");
				rw_enter(uobj->vmobjlock, RW_WRITER);
				continue; /* look again */
			}
			pg->flags |= PG_BUSY;
			pps[lcv++] = pg;
			continue;
		}
		slot = uao_find_swslot(uobj, pageidx);
		pg = uao_pagealloc(aobj, off,
		    slot == 0 && (flags & PGO_OVERWRITE) == 0 ? UVM_PGA_ZERO
							      : 0);
		if (pg == NULL) {
			error = ENOMEM;
			goto fail;
		}
		if (slot != 0) {
			error = uvm_swap_get(uvm, pg, slot);
			if (error != 0) {
				uvm_pagefree(pg);
				goto fail;
			}
			/* The page is no longer only in swap. */
			KASSERT(uvm_cnt_get(uvm, swpgonly) > 0);
			uvm_cnt_dec(uvm, swpgonly);
		}
		if (slot == 0 && (flags & PGO_OVERWRITE) != 0) {
			/* No copy anywhere else: never "clean". */
			uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
		}
		pg->flags &= ~PG_FAKE;
		pps[lcv++] = pg;
	}
	rw_exit(uobj->vmobjlock);
	*npagesp = npages;
	return 0;

fail:
	if (lcv > 0)
		uvm_page_unbusy(pps, lcv);
	rw_exit(uobj->vmobjlock);
	*npagesp = 0;
	return error;
}

/*
 * uao_put: the aobj's pgo_put: free or deactivate resident pages of
 * [start, end) bytes (PGO_ALLPAGES: all of them).
 *	=> object write-locked on entry, unlocked on return
 *	=> PGO_FREE: unmap and free each page and drop its slot; wired and
 *	   loaned pages are skipped; busy ones are waited for
 *	=> PGO_DEACTIVATE: move unwired, unbusy pages to the inactive queue
 *	=> PGO_CLEANIT: nothing to do (see the design note)
 *	=> returns 0
 */
static int
uao_put(struct uvm_object *uobj, voff_t start, voff_t end, int flags)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct uvm *uvm = uobj->uo_uvm;
	struct vm_page *pps[32];
	voff_t next, limit;
	unsigned i, n;

	KASSERT(rw_write_held(uobj->vmobjlock));
	limit = (voff_t)uvm_ptoa(uvm, aobj->u_pages);
	if ((flags & PGO_ALLPAGES) != 0) {
		start = 0;
		end = limit;
	} else {
		KASSERT(start >= 0 && start <= end);
		start = (voff_t)uvm_trunc_page(uvm, (uint64_t)start);
		end = MIN((voff_t)uvm_round_page(uvm, (uint64_t)end), limit);
	}
	if ((flags & (PGO_FREE | PGO_DEACTIVATE)) == 0)
		goto done;

	for (next = start; next < end;) {
		n = uvm_obj_page_gang(uobj, next, pps, __arraycount(pps));
		if (n == 0)
			break;
		for (i = 0; i < n; i++) {
			struct vm_page *pg = pps[i];

			if (pg->offset >= end)
				goto done;
			next = pg->offset + (voff_t)UVM_PAGE_SIZE(uvm);
			if (pg->wire_count != 0 || pg->loan_count != 0)
				continue;
			if ((flags & PGO_FREE) != 0) {
				if ((pg->flags & PG_BUSY) != 0) {
					next = pg->offset;
					uvm_pagewait(
					    pg, uobj->vmobjlock, "uao_put");
					rw_enter(uobj->vmobjlock, RW_WRITER);
					break; /* the batch is stale */
				}
				pmap_page_protect(pg, VM_PROT_NONE);
				uao_dropswap(
				    uobj, uvm_atop(uvm, (uint64_t)pg->offset));
				uvm_pagefree(pg);
			} else if ((pg->flags & PG_BUSY) == 0) {
				pmap_clear_reference(pg);
				uvmpdpol_pagedeactivate(uvm, pg);
			}
		}
	}
done:
	rw_exit(uobj->vmobjlock);
	return 0;
}

/*
 * uao_sanity_locked: check an aobj: its object index (every page of usage
 * class PG_AOBJ), and its table: every slot is in use in swap, the
 * slot count is exact; in a hashed table every cluster is in its bucket,
 * has the right count (nonzero) and lies inside the object; a NOSWAP
 * object has no table.
 *	=> object locked
 */
static void
uao_sanity_pages(struct uvm_aobj *aobj)
{
	struct vm_page *pps[32];
	voff_t next = 0;
	unsigned i, n;

	do {
		n = uvm_obj_page_gang(
		    &aobj->u_obj, next, pps, __arraycount(pps));
		for (i = 0; i < n; i++) {
			KASSERTMSG((pps[i]->flags & PG_AOBJ) != 0,
			    "aobj %p page %p without PG_AOBJ", (void *)aobj,
			    (void *)pps[i]);
			KASSERT(uvm_atop(aobj->u_obj.uo_uvm,
				    (uint64_t)pps[i]->offset) < aobj->u_pages);
			next = pps[i]->offset +
			    (voff_t)UVM_PAGE_SIZE(aobj->u_obj.uo_uvm);
		}
	} while (n == __arraycount(pps));
}

static void
uao_sanity_locked(struct uvm_aobj *aobj)
{
	struct uvm_object *uobj = &aobj->u_obj;
	struct uao_swcluster *sc;
	uint64_t n = 0, b, i;
	unsigned c, j;

	uvm_object_sanity_locked(uobj);
	uao_sanity_pages(aobj);
	KASSERT(aobj->u_pages > 0);
	KASSERT(aobj->u_freelist >= -1 && aobj->u_freelist < UVM_NFREELIST);
	KASSERT((aobj->u_flags & UAO_FLAG_KERNOBJ) != 0 || uobj->uo_refs > 0);
	KASSERT(aobj->u_swslots == NULL || aobj->u_swhash == NULL);
	if ((aobj->u_flags & UAO_FLAG_NOSWAP) != 0)
		KASSERT(aobj->u_swslots == NULL && aobj->u_swhash == NULL);
	if (aobj->u_swslots != NULL) {
		KASSERT(!uao_usehash_p(aobj->u_pages));
		for (i = 0; i < aobj->u_pages; i++) {
			if (aobj->u_swslots[i] == 0)
				continue;
			KASSERTMSG(uvm_swap_slot_inuse_p(
				       uobj->uo_uvm, aobj->u_swslots[i]),
			    "aobj %p page %" PRIu64 ": slot %" PRIu64
			    " not in use",
			    (void *)aobj, i, aobj->u_swslots[i]);
			n++;
		}
	}
	if (aobj->u_swhash != NULL) {
		KASSERT(uao_usehash_p(aobj->u_pages));
		for (b = 0; b <= aobj->u_swhashmask; b++) {
			LIST_FOREACH (sc, &aobj->u_swhash[b], sc_list) {
				KASSERT(uao_swbucket(aobj, sc->sc_tag) ==
				    &aobj->u_swhash[b]);
				KASSERT((sc->sc_tag << UAO_SWCLUSTER_SHIFT) <
				    aobj->u_pages);
				for (c = 0, j = 0; j < UAO_SWCLUSTER_SIZE;
				     j++) {
					if (sc->sc_slots[j] == 0)
						continue;
					KASSERT(uvm_swap_slot_inuse_p(
					    uobj->uo_uvm, sc->sc_slots[j]));
					c++;
				}
				KASSERTMSG(c == sc->sc_count && c > 0,
				    "aobj %p cluster %" PRIu64
				    ": count %u, slots %u",
				    (void *)aobj, sc->sc_tag, sc->sc_count, c);
				n += c;
			}
		}
	}
	KASSERTMSG(n == aobj->u_nswslots,
	    "aobj %p: %" PRIu64 " slots, u_nswslots %" PRIu64, (void *)aobj, n,
	    aobj->u_nswslots);
}

/*
 * uao_sanity: check one aobj.
 *	=> takes the object lock as a reader unless the caller holds it
 *	   as a writer
 */
void
uao_sanity(struct uvm_object *uobj)
{
	struct uvm_aobj *aobj = uao_cast(uobj);
	struct krwlock *lock = uobj->vmobjlock;

	if (rw_write_held(lock)) {
		uao_sanity_locked(aobj);
		return;
	}
	rw_enter(lock, RW_READER);
	uao_sanity_locked(aobj);
	rw_exit(lock);
}

/*
 * uao_sanity_all: check every aobj of the machine not locked by another
 * thread (called by uvm_obj_sanity_all()).
 */
void
uao_sanity_all(struct uvm *uvm)
{
	struct uao_state *us = uvm->u_obj != NULL ? uao_state(uvm) : NULL;
	struct uvm_aobj *aobj;

	if (us == NULL)
		return;
	mutex_enter(&us->us_lock);
	LIST_FOREACH (aobj, &us->us_aobjs, u_list) {
		struct krwlock *lock = aobj->u_obj.vmobjlock;

		if (rw_write_held(lock)) {
			uao_sanity_locked(aobj);
		} else if (rw_tryenter(lock, RW_READER)) {
			uao_sanity_locked(aobj);
			rw_exit(lock);
		}
	}
	mutex_exit(&us->us_lock);
}

/*
 * uao_printit: print an aobj (full: its pages and slots too).
 */
void
uao_printit(struct uvm_object *uobj, bool full, FILE *fp)
{
	struct uvm_aobj *aobj = uao_cast(uobj);

	fprintf(fp,
	    "AOBJ %p: pages=%" PRIu64 " flags=%#x freelist=%d swslots=%" PRIu64
	    " table=%s\n",
	    (void *)aobj, aobj->u_pages, aobj->u_flags, aobj->u_freelist,
	    aobj->u_nswslots,
	    aobj->u_swslots != NULL      ? "flat"
		: aobj->u_swhash != NULL ? "hashed"
					 : "none");
	uvm_object_printit(uobj, full, fp);
}

/*
 * uao_swap_off_one: call fn for the pages of one aobj whose slots lie in
 * [startslot, endslot).  The pages are listed first, so that fn may
 * change the table.
 *	=> object write-locked; 0, ENOMEM, or fn's first nonzero result
 */
static int
uao_swap_off_one(struct uvm_aobj *aobj, uint64_t startslot, uint64_t endslot,
    int (*fn)(struct uvm_object *, uint64_t, void *), void *arg)
{
	struct uao_swcluster *sc;
	uint64_t *idx, n = 0, i, b, s;
	unsigned j;
	int error = 0;

	if (aobj->u_nswslots == 0)
		return 0;
	idx = malloc(aobj->u_nswslots * sizeof(*idx));
	if (idx == NULL)
		return ENOMEM;
	if (aobj->u_swslots != NULL) {
		for (i = 0; i < aobj->u_pages; i++) {
			s = aobj->u_swslots[i];
			if (s != 0 && s >= startslot && s < endslot)
				idx[n++] = i;
		}
	} else if (aobj->u_swhash != NULL) {
		for (b = 0; b <= aobj->u_swhashmask; b++) {
			LIST_FOREACH (sc, &aobj->u_swhash[b], sc_list) {
				for (j = 0; j < UAO_SWCLUSTER_SIZE; j++) {
					s = sc->sc_slots[j];
					if (s != 0 && s >= startslot &&
					    s < endslot)
						idx[n++] =
						    (sc->sc_tag
							<< UAO_SWCLUSTER_SHIFT) +
						    j;
				}
			}
		}
	}
	KASSERT(n <= aobj->u_nswslots);
	for (i = 0; i < n && error == 0; i++)
		error = fn(&aobj->u_obj, idx[i], arg);
	free(idx);
	return error;
}

/*
 * uao_swap_off: call fn(uobj, pageidx, arg) for every page of every aobj
 * whose swap slot lies in [startslot, endslot) (swapoff,
 * uvm_swap_drain()).
 *	=> no locks held on entry or return; may sleep for object locks
 *	=> fn runs with the object write-locked; it may page the page in
 *	   and drop its slot, and must keep the lock
 *	=> returns ENOMEM (no memory for the walk) or the first nonzero
 *	   result of fn (the walk stops there), else 0
 *
 * The walk is amap_swap_off()'s: try-lock under the list lock, mark the
 * aobj visited, drop the list lock while fn runs, retake it before the
 * object lock is released; on a failed try-lock wait for the lock outside
 * the list lock and start over, skipping visited aobjs.
 */
int
uao_swap_off(struct uvm *uvm, uint64_t startslot, uint64_t endslot,
    int (*fn)(struct uvm_object *, uint64_t pageidx, void *), void *arg)
{
	struct uao_state *us = uao_state(uvm);
	struct uvm_aobj *aobj;
	struct krwlock *lock;
	unsigned gen;
	int error = 0;

	KASSERT(startslot <= endslot);
	mutex_enter(&us->us_lock);
	gen = ++us->us_swapgen;
	aobj = LIST_FIRST(&us->us_aobjs);
	while (aobj != NULL && error == 0) {
		if (aobj->u_swapgen == gen) {
			aobj = LIST_NEXT(aobj, u_list);
			continue;
		}
		lock = aobj->u_obj.vmobjlock;
		if (!rw_tryenter(lock, RW_WRITER)) {
			bool held = uvm_rwobj_p(lock);

			if (held)
				uvm_rwobj_hold(lock);
			mutex_exit(&us->us_lock);
			if (held) {
				rw_enter(lock, RW_WRITER);
				rw_exit(lock);
				uvm_rwobj_rele(lock);
			} else {
				sched_yield();
			}
			mutex_enter(&us->us_lock);
			aobj = LIST_FIRST(&us->us_aobjs);
			continue;
		}
		aobj->u_swapgen = gen;
		mutex_exit(&us->us_lock);
		error = uao_swap_off_one(aobj, startslot, endslot, fn, arg);
		mutex_enter(&us->us_lock);
		rw_exit(lock);
		aobj = LIST_NEXT(aobj, u_list);
	}
	mutex_exit(&us->us_lock);
	return error;
}
