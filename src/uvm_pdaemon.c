/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdaemon.c: the page daemon: targets, the scan and page-out loop,
 * the thread and inline modes, uvm_wait(), reclaim hooks, and the swap
 * paging glue (swapoff drain).
 *
 * This file owns the machine's page-daemon state (struct
 * uvm_pdaemon_state behind uvm->u_pdaemon) and the uvmexp fields freemin,
 * freetarg, wiredmax, pdwoke, pdrevs, pdfreed, pdbusy, pdpageouts and
 * pdpending.  The policies count pdscans, pdreact, pddeact and
 * pdre{anon,file,exec}; the swap layer counts the swap I/O; we increment
 * swpgonly when we free a page whose only copy is now in swap.
 *
 * Design note.
 *
 * A run.  The allocator calls uvm_pagedaemon_needed() when free pages
 * fall below freemin.  A run makes up to PD_MAXPASS passes, each:
 *
 *	scaninit; while (free + pages queued for page-out < freetarg)
 *	    victim = selectvictim(claim)       policy picks, we try-lock
 *	    unmap it (pmap_page_protect NONE), collect the modified bit
 *	    clean, and its contents are in swap or it is a clean object
 *	        page               -> free it now
 *	    dirty (or swap-backed without a slot)
 *	                           -> into the cluster (PD_CLUSTER pages)
 *	flush the cluster:  one slot run, uvm_swap_put() of the run in one
 *	    pwritev, slots recorded in the owners, pages freed
 *	balancequeue (the policy's targets; give swap copies back under a
 *	    swap shortage)
 *
 * and stops when free >= freetarg, or after two passes that freed
 * nothing.  Then, if memory is still short, the reclaim hooks run.
 *
 * Owner locks.  A victim's owner (its anon's lock, i.e. its amap's lock,
 * or its object's lock) comes before the page-queue lock in the lock
 * order, so the claim callback only try-locks it, and a page whose owner
 * is busy is skipped.  We keep a victim's owner locked from the claim
 * until the cluster is written and the page freed: nobody can fault the
 * page back in, map it or dirty it meanwhile, so no PG_BUSY dance and no
 * relocking after the I/O are needed, and the inline scan never blocks
 * (the allocating thread holds its own owner locks: try-locking them
 * fails and their pages are skipped).  Pages of one amap share a lock, so
 * the scan keeps a small table of the locks it holds with a count per
 * lock (PD_MAXLOCKS distinct locks per cluster; when it is full the
 * cluster is flushed).  The price: faults on those amaps wait for the
 * write of the cluster.
 *
 * Slots.  A dirty page's old slot (stale) is dropped when the page joins
 * a cluster.  The new slots are recorded in the owners before the write;
 * if the write fails the swap layer has marked the whole run bad, we
 * clear the owners' slots (never freeing bad slots) and retry with a new
 * run up to PD_PUT_RETRIES times; a page that still could not be written
 * stays resident and dirty.  An aobj whose hashed slot table cannot grow
 * (ENOMEM) keeps its page too.
 *
 * Modes.  "inline": the scan runs in the allocating thread, inside
 * uvm_pagealloc(), serialised by a try-locked scan mutex (a thread that
 * finds a scan in progress simply goes on).  "thread": a pthread sleeps on
 * pd_cv and runs when woken; uvm_wait() sleeps on pd_donecv until a run
 * completes.  Each allocator-triggered run counts pdwoke in both modes.
 * To avoid rescanning in vain, a run that freed nothing arms a back-off:
 * the allocator does not trigger another run until some page or swap slot
 * was freed (uvm_wait() and uvm_pagedaemon_run() ignore the back-off).
 *
 * uvm_wait().  Page allocation never sleeps (the caller holds locks);
 * the allocator instead remembers, per thread, that an allocation failed
 * for lack of memory (uvm_pagedaemon_shortage()).  The caller unlocks
 * everything and calls uvm_wait(): if the thread's last allocation did
 * not fail for lack of memory (fault injection), waiting cannot help:
 * ENOMEM.  Otherwise inline mode runs the daemon right there (now every
 * page is claimable) and thread mode wakes the daemon and waits for a
 * complete run; 0 when free memory is above the reserves again, ENOMEM
 * when a run found nothing to free.  No sleep is unbounded: waits are
 * timed and the number of runs waited for is limited.
 *
 * Swapoff.  uvm_swap_remove() stops allocation on the device and calls
 * uvm_swap_drain(): every anon (walking the amaps, amap_swap_off()) and
 * aobj page (uao_swap_off()) whose slot lies on the device is brought in:
 * a resident page just loses its slot and becomes dirty; a swapped-out
 * one is read into a new page, which then loses its slot.  The pages
 * stay resident; under memory pressure the daemon pages them out again,
 * to the other devices.  If memory runs out the drain runs the daemon
 * and goes on; pages being paged in by someone else (busy) are retried
 * after a short sleep; a page that cannot be read keeps its slot and the
 * removal fails with EBUSY, losing nothing.
 *
 * Lock order (classes): pd_swapofflock (LC_MAP) -> owner locks ->
 * pd_scanlock (LC_ANON) -> page queues -> free lists -> swap -> pmap ->
 * pd_lock (LC_LEAF).  Owner locks are only try-locked while pd_scanlock
 * is held.
 *
 * Alternatives rejected: NetBSD busies each victim, drops its owner lock
 * and finishes the page-out asynchronously, relocking the owner in the
 * I/O completion; our I/O is a synchronous pwritev, so keeping the owner
 * locked is simpler and has no window for the page to change.  Writing a
 * dirty page back to its old slot would save an allocation but defeat
 * clustering (old slots are scattered).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_aobj.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdaemon.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "pmap/pmap.h"

#define PD_CLUSTER       64       /* pages per swap write */
#define PD_MAXLOCKS      16       /* distinct owner locks one cluster holds */
#define PD_MAXPASS       4        /* scan passes per run */
#define PD_PUT_RETRIES   2        /* new runs after a failed write */
#define PD_WAIT_MS       50       /* uvm_wait(): one timed sleep */
#define PD_WAIT_RUNS     64       /* uvm_wait(): runs waited for at most */
#define PD_DRAIN_PASSES  64       /* swapoff: walks of the amaps and aobjs */
#define PD_DRAIN_SLEEPNS 1000000L /* swapoff: wait for busy pages */

/* A reclaim hook. */
struct pd_hook {
	LIST_ENTRY(pd_hook) ph_list; /* [S] */
	uvm_reclaim_hook_t ph_fn;    /* [c] */
	void *ph_arg;                /* [c] */
};

/*
 * The machine's page-daemon state.
 *	[c] constant after uvm_pdaemon_init()
 *	[S] pd_scanlock
 *	[l] pd_lock
 *	[a] atomic
 * Invariants (uvm_pdaemon_sanity): reserve_kernel + reserve_pagedaemon <
 * freemin < freetarg <= npages; the uvmexp targets equal ours; with no
 * scan in progress pdpending is 0; pd_nhooks hooks on pd_hooks; the
 * thread runs exactly in thread mode until fini.
 */
struct uvm_pdaemon_state {
	struct uvm *pd_uvm;        /* [c] */
	bool pd_threadmode;        /* [c] u_cfg.uc_pdaemon is "thread" */
	struct kmutex pd_scanlock; /* serialises runs (LC_ANON) */
	uint64_t pd_npages;        /* [S] npages the targets were made for */
	uint64_t pd_freemin;       /* [S,a] */
	uint64_t pd_freetarg;      /* [S,a] */
	uint64_t pd_wiredmax;      /* [S] */
	uint64_t pd_rsv;           /* [S] reserve_kernel + reserve_pagedaemon */
	LIST_HEAD(, pd_hook) pd_hooks; /* [S] reclaim hooks */
	unsigned pd_nhooks;            /* [S] */
	bool pd_backoff;               /* [a] last run freed nothing ... */
	uint64_t pd_backoff_stamp; /* [a] ... and this was the progress stamp */

	/* Statistics. [S] */
	uint64_t pd_nruns;     /* runs */
	uint64_t pd_npasses;   /* passes */
	uint64_t pd_nclusters; /* cluster writes that succeeded */
	uint64_t pd_nputfail;  /* cluster writes that failed */
	uint64_t pd_nkept;     /* dirty pages that could not be paged out */
	uint64_t pd_nhookruns; /* reclaim hook calls */
	uint64_t pd_ndrained;  /* pages brought back by swapoff */

	/* Thread mode. */
	struct kmutex pd_lock;     /* LC_LEAF */
	struct kcondvar pd_cv;     /* the daemon sleeps here */
	struct kcondvar pd_donecv; /* uvm_wait() sleeps here */
	pthread_t pd_tid;          /* [c] */
	bool pd_started;           /* [l] the thread exists */
	bool pd_stop;              /* [l] fini asks it to leave */
	bool pd_wanted;            /* [l,a] a run was asked for */
	bool pd_running;           /* [l] the thread is in a run */
	uint64_t pd_runsdone;      /* [l] runs completed by the thread */
	uint64_t pd_lastfreed;     /* [l] pages the last of them freed */

	struct kmutex pd_swapofflock; /* serialises drains (LC_MAP) */
};

/* The scan's claim context: the owner locks held, the cluster. */
struct pd_lockref {
	struct krwlock *lr_lock;
	unsigned lr_refs;
};

struct pd_scanctx {
	struct uvm_pdaemon_state *sc_pd;
	struct uvm *sc_uvm;
	struct uvmpdpol_claim sc_claim;
	struct pd_lockref sc_locks[PD_MAXLOCKS];
	unsigned sc_nlocks;
	bool sc_lockfull; /* a claim failed: table full */
	struct vm_page *sc_pages[PD_CLUSTER];
	unsigned sc_npages;
	uint64_t sc_freed; /* pages freed this pass */
};

/*
 * The machine whose allocation last failed for lack of free pages in
 * this thread (uvm_pagedaemon_shortage()), for uvm_wait().  Per thread,
 * like uvm_last_error(): it describes the calling thread, not a machine.
 */
static _Thread_local struct uvm *pd_tl_shortage;

static uint64_t pd_pool_hook(struct uvm *, void *);

static inline uint64_t
pd_free(struct uvm *uvm)
{
	int64_t f = uvm_cnt_get(uvm, free);

	return f > 0 ? (uint64_t)f : 0;
}

/* A number that changes whenever a page or a swap slot is freed. */
static inline uint64_t
pd_progress_stamp(struct uvm *uvm)
{
	return (uint64_t)uvm_cnt_get(uvm, pgfree) +
	    ((uint64_t)uvm_cnt_get(uvm, swpginuse) << 32);
}

/* ---------------------------------------------------------------------- */
/* Targets. */

/*
 * pd_tune: compute the targets from the machine's size and reserves.
 *	=> scan lock held (or the state private to the caller)
 */
static void
pd_tune(struct uvm_pdaemon_state *pd)
{
	struct uvm *uvm = pd->pd_uvm;
	uint64_t npages = (uint64_t)uvm_cnt_get(uvm, npages);
	uint64_t lo, hi, freemin, freetarg;

	if (npages == pd->pd_npages && pd->pd_freemin != 0)
		return;
	pd->pd_npages = npages;
	pd->pd_rsv = (uint64_t)uvm_cnt_get(uvm, reserve_kernel) +
	    (uint64_t)uvm_cnt_get(uvm, reserve_pagedaemon);
	/* 5% of memory, between 16 KiB and 512 KiB worth of pages. */
	lo = MAX(uvm_atop(uvm, 16 * 1024), 1);
	hi = MAX(uvm_atop(uvm, 512 * 1024), lo);
	freemin = npages / 20;
	freemin = MIN(MAX(freemin, lo), hi);
	/* Above the reserves, so the daemon runs before they are touched. */
	freemin = MAX(freemin, pd->pd_rsv + 4);
	freetarg = MAX(freemin * 4 / 3, freemin + 2);
	if (freetarg > npages) /* absurdly small machine */
		freetarg = npages;
	__atomic_store_n(&pd->pd_freemin, freemin, __ATOMIC_RELAXED);
	__atomic_store_n(&pd->pd_freetarg, freetarg, __ATOMIC_RELAXED);
	pd->pd_wiredmax = npages / 3;
	uvm_cnt_set(uvm, freemin, freemin);
	uvm_cnt_set(uvm, freetarg, freetarg);
	uvm_cnt_set(uvm, wiredmax, pd->pd_wiredmax);
	uvmpdpol_tune(uvm, freetarg);
}

/* ---------------------------------------------------------------------- */
/* Claims: the owner locks of victims. */

/* The lock of pg's owner, or NULL (unowned, or an anon without a lock). */
static inline struct krwlock *
pd_owner_lock(const struct vm_page *pg)
{
	if (pg->uobject != NULL)
		return pg->uobject->vmobjlock;
	if (pg->uanon != NULL)
		return pg->uanon->an_lock;
	return NULL;
}

static int
pd_lock_find(const struct pd_scanctx *sc, const struct krwlock *lock)
{
	unsigned i;

	for (i = 0; i < sc->sc_nlocks; i++)
		if (sc->sc_locks[i].lr_lock == lock)
			return (int)i;
	return -1;
}

/* Take a reference to lock, try-locking it as a writer if it is new. */
static bool
pd_lock_get(struct pd_scanctx *sc, struct krwlock *lock)
{
	int i = pd_lock_find(sc, lock);

	if (i >= 0) {
		sc->sc_locks[i].lr_refs++;
		return true;
	}
	if (sc->sc_nlocks == PD_MAXLOCKS) {
		sc->sc_lockfull = true;
		return false;
	}
	if (!rw_tryenter(lock, RW_WRITER))
		return false;
	sc->sc_locks[sc->sc_nlocks].lr_lock = lock;
	sc->sc_locks[sc->sc_nlocks].lr_refs = 1;
	sc->sc_nlocks++;
	return true;
}

/* Drop a reference to lock; the last one unlocks it. */
static void
pd_lock_put(struct pd_scanctx *sc, struct krwlock *lock)
{
	int i = pd_lock_find(sc, lock);

	KASSERTMSG(i >= 0, "pdaemon: lock %p not held", (void *)lock);
	KASSERT(sc->sc_locks[i].lr_refs > 0);
	if (--sc->sc_locks[i].lr_refs > 0)
		return;
	rw_exit(lock);
	sc->sc_locks[i] = sc->sc_locks[--sc->sc_nlocks];
}

/*
 * pd_claim: the policy's pc_claim: try-lock pg's owner.
 *	=> page-queue lock held (pg is queued, so its owner is stable)
 *	=> true with the owner write-locked by us; false for pages we cannot
 *	   reclaim now (no owner, owner busy, page busy, loaned or wired)
 */
static bool
pd_claim(struct vm_page *pg, void *arg)
{
	struct pd_scanctx *sc = arg;
	struct krwlock *lock = pd_owner_lock(pg);

	if (lock == NULL || !pd_lock_get(sc, lock))
		return false;
	if (pd_owner_lock(pg) != lock) {
		pd_lock_put(sc, lock);
		return false;
	}
	if ((pg->flags & PG_BUSY) != 0) {
		uvm_cnt_inc(sc->sc_uvm, pdbusy);
		pd_lock_put(sc, lock);
		return false;
	}
	/*
	 * Separate loads: GCC merges tests of adjacent fields into one wide
	 * load, which would also read mdattrs (changed by the pmap without
	 * our locks) and make TSan report a race.
	 */
	if (__atomic_load_n(&pg->loan_count, __ATOMIC_RELAXED) != 0 ||
	    __atomic_load_n(&pg->wire_count, __ATOMIC_RELAXED) != 0 ||
	    (pg->flags & PG_PAGEOUT) != 0) {
		/* Not pageable, or already in our cluster (a clock wrapped). */
		pd_lock_put(sc, lock);
		return false;
	}
	return true;
}

/* pd_release: the policy's pc_release: the policy keeps the page. */
static void
pd_release(struct vm_page *pg, void *arg)
{
	pd_lock_put(arg, pd_owner_lock(pg));
}

/* True if pg's contents can go to swap (anons, aobjs that may swap). */
static bool
pd_swapbacked_p(const struct vm_page *pg)
{
	if (pg->uanon != NULL && pg->uobject == NULL)
		return true;
	return pg->uobject != NULL && UVM_OBJ_IS_AOBJ(pg->uobject);
}

/* The swap slot holding pg's contents, or 0.  Owner locked. */
static uint64_t
pd_getslot(struct vm_page *pg)
{
	struct uvm *uvm;

	if (pg->uobject == NULL)
		return pg->uanon->an_swslot;
	uvm = pg->uobject->uo_uvm;
	return uao_find_swslot(
	    pg->uobject, uvm_atop(uvm, (uint64_t)pg->offset));
}

/*
 * pd_setslot: record slot (0: none) as pg's swap copy.
 *	=> owner write-locked; 0, or ENOMEM (an aobj's table could not
 *	   grow; nothing changed)
 */
static int
pd_setslot(struct vm_page *pg, uint64_t slot)
{
	struct uvm *uvm;
	uint64_t old;
	int error;

	if (pg->uobject == NULL) {
		KASSERT(slot == 0 || pg->uanon->an_swslot == 0);
		pg->uanon->an_swslot = slot;
		return 0;
	}
	uvm = pg->uobject->uo_uvm;
	error = uao_set_swslot(
	    pg->uobject, uvm_atop(uvm, (uint64_t)pg->offset), slot, &old);
	KASSERT(error != 0 || slot == 0 || old == 0);
	return error;
}

/* Free pg's (stale) swap copy.  Owner write-locked, page resident. */
static void
pd_dropslot(struct vm_page *pg)
{
	struct uvm *uvm;

	if (pg->uobject == NULL) {
		uvm_anon_dropswap(pg->uanon);
		return;
	}
	uvm = pg->uobject->uo_uvm;
	uao_dropswap(pg->uobject, uvm_atop(uvm, (uint64_t)pg->offset));
}

/*
 * pd_dropswap: the policy's pc_dropswap: give back the swap copy of a
 * claimed, resident, swap-backed page (swap shortage).  The page is its
 * only copy afterwards, hence dirty.
 *	=> page-queue lock held; owner write-locked by our claim
 */
static bool
pd_dropswap(struct vm_page *pg, void *arg)
{
	(void)arg;
	if (!pd_swapbacked_p(pg) || pd_getslot(pg) == 0)
		return false;
	pd_dropslot(pg);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	return true;
}

/* ---------------------------------------------------------------------- */
/* The scan. */

static void
pd_scanctx_init(struct uvm_pdaemon_state *pd, struct pd_scanctx *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->sc_pd = pd;
	sc->sc_uvm = pd->pd_uvm;
	sc->sc_claim.pc_claim = pd_claim;
	sc->sc_claim.pc_release = pd_release;
	sc->sc_claim.pc_dropswap = pd_dropswap;
	sc->sc_claim.pc_arg = sc;
}

/*
 * pd_flush: write the cluster to swap and free its pages.
 *	=> every page of the cluster owner-locked (by our table), unmapped,
 *	   dirty, without a slot
 *	=> on return the table is empty (every owner unlocked)
 */
static void
pd_flush(struct pd_scanctx *sc)
{
	struct uvm *uvm = sc->sc_uvm;
	struct vm_page **pages = sc->sc_pages;
	unsigned n = sc->sc_npages, total = n, i = 0, j, k, tries = 0;
	uint64_t slot;

	while (i < n) {
		k = MIN(n - i, UVM_SWAP_MAXCLUSTER);
		slot = uvm_swap_alloc(uvm, &k, true);
		if (slot == 0)
			break; /* swap is full: the rest stays */
		for (j = 0; j < k; j++)
			if (pd_setslot(pages[i + j], slot + j) != 0)
				break;
		if (j < k) {
			/* An aobj's table could not grow: shorten the run. */
			uvm_swap_free(uvm, slot + j, k - j);
			if (j == 0) {
				/* That page stays; try the others. */
				struct vm_page *t = pages[i];

				pages[i] = pages[n - 1];
				pages[n - 1] = t;
				n--;
				sc->sc_pd->pd_nkept++;
				continue;
			}
			k = j;
		}
		uvm_cnt_inc(uvm, pdpageouts);
		if (uvm_swap_put(uvm, slot, &pages[i], k) != 0) {
			/* The run is bad now: forget it, try another. */
			for (j = 0; j < k; j++)
				(void)pd_setslot(pages[i + j], 0);
			sc->sc_pd->pd_nputfail++;
			if (++tries > PD_PUT_RETRIES)
				break;
			continue;
		}
		sc->sc_pd->pd_nclusters++;
		for (j = 0; j < k; j++) {
			struct vm_page *pg = pages[i + j];

			KASSERT(pg->pv_head == NULL);
			pg->flags &= ~PG_PAGEOUT;
			uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_CLEAN);
			uvm_pagefree(pg);
		}
		/* Those pages live only in swap now. */
		uvm_cnt_add(uvm, swpgonly, k);
		uvm_cnt_add(uvm, pdfreed, k);
		sc->sc_freed += k;
		i += k;
	}
	if (i < n) {
		/* Not written: they stay resident, dirty, in use. */
		sc->sc_pd->pd_nkept += n - i;
		for (j = i; j < n; j++)
			uvmpdpol_pageactivate(uvm, pages[j]);
	}
	for (j = n; j < total; j++) /* those whose table could not grow */
		uvmpdpol_pageactivate(uvm, pages[j]);
	for (j = i; j < total; j++)
		pages[j]->flags &= ~PG_PAGEOUT;
	uvm_cnt_add(uvm, pdpending, -(int64_t)total);
	sc->sc_npages = 0;
	while (sc->sc_nlocks > 0) {
		struct pd_lockref *lr = &sc->sc_locks[--sc->sc_nlocks];

		rw_exit(lr->lr_lock);
	}
	sc->sc_lockfull = false;
}

/*
 * pd_victim: reclaim one victim, or queue it for page-out.
 *	=> pg claimed (its owner write-locked through our table); the claim
 *	   is dropped here unless the page joins the cluster
 */
static void
pd_victim(struct pd_scanctx *sc, struct vm_page *pg)
{
	struct uvm *uvm = sc->sc_uvm;
	struct krwlock *lock = pd_owner_lock(pg);
	bool swapbacked, dirty;
	uint64_t slot;

	KASSERT(lock != NULL && rw_write_held(lock));
	KASSERT((pg->flags & (PG_BUSY | PG_FREE)) == 0);
	KASSERT(pg->wire_count == 0 && pg->loan_count == 0);

	swapbacked = pd_swapbacked_p(pg);
	if (swapbacked && pg->uobject != NULL && uao_noswap_p(pg->uobject))
		goto keep; /* never paged out */
	slot = swapbacked ? pd_getslot(pg) : 0;
	dirty = uvm_pagegetdirty(pg) != UVM_PAGE_STATUS_CLEAN ||
	    pmap_is_modified(pg);
	if (swapbacked) {
		/* Dirty, or no copy anywhere: it needs a slot. */
		if ((dirty || slot == 0) && uvm_swap_nfree(uvm) == 0)
			goto keep_active;
	} else if (dirty) {
		/*
		 * A dirty page of a non-swap object goes back through its
		 * pager; no such pager cleans pages yet: it stays.
		 */
		goto keep;
	}

	pmap_page_protect(pg, VM_PROT_NONE);
	if (pmap_clear_modify(pg))
		dirty = true;
	if (!dirty && (slot != 0 || !swapbacked)) {
		/* Clean: its contents are in swap or in its object's store. */
		uvm_pagefree(pg);
		if (swapbacked)
			uvm_cnt_inc(uvm, swpgonly);
		uvm_cnt_inc(uvm, pdfreed);
		sc->sc_freed++;
		pd_lock_put(sc, lock);
		return;
	}
	/* Its old slot, if any, is stale: it gets a new one. */
	if (slot != 0)
		pd_dropslot(pg);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	pg->flags |= PG_PAGEOUT;
	KASSERT(sc->sc_npages < PD_CLUSTER);
	sc->sc_pages[sc->sc_npages++] = pg;
	uvm_cnt_inc(uvm, pdpending);
	return;

keep_active:
	/* Out of swap: move it out of the way of the next scans. */
	sc->sc_pd->pd_nkept++;
	uvmpdpol_pageactivate(uvm, pg);
keep:
	pd_lock_put(sc, lock);
}

/*
 * pd_scan: one pass over the policy's candidates.
 *	=> scan lock held; returns the pages freed
 */
static uint64_t
pd_scan(struct uvm_pdaemon_state *pd, struct pd_scanctx *sc)
{
	struct uvm *uvm = pd->pd_uvm;
	uint64_t active, inactive, limit, n;
	struct vm_page *pg;

	KASSERT(mutex_owned(&pd->pd_scanlock));
	sc->sc_freed = 0;
	uvmpdpol_scaninit(uvm);
	uvmpdpol_estimatepageable(uvm, &active, &inactive);
	/* Bound the victims a circular policy may hand out per pass. */
	limit = active + inactive + 1;
	for (n = 0; n < limit && pd_free(uvm) + sc->sc_npages < pd->pd_freetarg;
	     n++) {
		if (sc->sc_npages == PD_CLUSTER || sc->sc_lockfull)
			pd_flush(sc);
		pg = uvmpdpol_selectvictim(uvm, &sc->sc_claim);
		if (pg == NULL)
			break;
		pd_victim(sc, pg);
	}
	pd_flush(sc);
	KASSERT(sc->sc_nlocks == 0);
	return sc->sc_freed;
}

/*
 * pd_balance: let the policy meet its targets; under a swap shortage (no
 * free slot, but resident pages hold slots) have it give swap copies back.
 */
static void
pd_balance(struct uvm_pdaemon_state *pd, struct pd_scanctx *sc)
{
	struct uvm *uvm = pd->pd_uvm;
	int64_t shortage = 0;

	if (pd_free(uvm) < pd->pd_freetarg && sc->sc_freed == 0 &&
	    uvm_swap_nfree(uvm) == 0 && !uvm_swapisfull(uvm))
		shortage = (int64_t)(pd->pd_freetarg - pd_free(uvm));
	uvmpdpol_balancequeue(uvm, shortage, &sc->sc_claim);
	KASSERT(sc->sc_nlocks == 0);
}

static uint64_t
pd_run_hooks(struct uvm_pdaemon_state *pd)
{
	struct pd_hook *ph;
	uint64_t freed = 0;

	LIST_FOREACH (ph, &pd->pd_hooks, ph_list) {
		pd->pd_nhookruns++;
		freed += ph->ph_fn(pd->pd_uvm, ph->ph_arg);
	}
	return freed;
}

/*
 * pd_run: one run of the daemon (see the design note).
 *	=> scan lock held; returns the pages freed; arms or clears the
 *	   allocator's back-off
 */
static uint64_t
pd_run(struct uvm_pdaemon_state *pd)
{
	struct uvm *uvm = pd->pd_uvm;
	struct pd_scanctx sc;
	uint64_t freed = 0, n;
	unsigned pass, idle = 0;

	KASSERT(mutex_owned(&pd->pd_scanlock));
	pd_tune(pd);
	pd_scanctx_init(pd, &sc);
	pd->pd_nruns++;
	for (pass = 0; pass < PD_MAXPASS && pd_free(uvm) < pd->pd_freetarg;
	     pass++) {
		uvm_cnt_inc(uvm, pdrevs);
		pd->pd_npasses++;
		n = pd_scan(pd, &sc);
		freed += n;
		pd_balance(pd, &sc);
		if (n == 0 && ++idle == 2)
			break;
	}
	if (pd_free(uvm) < pd->pd_freetarg)
		freed += pd_run_hooks(pd);
	__atomic_store_n(
	    &pd->pd_backoff_stamp, pd_progress_stamp(uvm), __ATOMIC_RELAXED);
	__atomic_store_n(&pd->pd_backoff,
	    freed == 0 && pd_free(uvm) < pd->pd_freetarg, __ATOMIC_RELAXED);
	UVMHIST(uvm, "pdaemon run: freed %lld free %lld", (long long)freed,
	    (long long)pd_free(uvm), 0, 0);
	return freed;
}

/* Is the allocator's back-off in force (nothing freed since a vain run)? */
static bool
pd_backoff_p(struct uvm_pdaemon_state *pd)
{
	return __atomic_load_n(&pd->pd_backoff, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&pd->pd_backoff_stamp, __ATOMIC_RELAXED) ==
	    pd_progress_stamp(pd->pd_uvm);
}

/* ---------------------------------------------------------------------- */
/* Thread mode. */

static void *
pd_thread_main(void *arg)
{
	struct uvm_pdaemon_state *pd = arg;
	struct uvm *uvm = pd->pd_uvm;
	uint64_t freed;

	mutex_enter(&pd->pd_lock);
	for (;;) {
		while (!pd->pd_stop &&
		    !__atomic_load_n(&pd->pd_wanted, __ATOMIC_RELAXED))
			cv_wait(&pd->pd_cv, &pd->pd_lock);
		if (pd->pd_stop)
			break;
		__atomic_store_n(&pd->pd_wanted, false, __ATOMIC_RELAXED);
		pd->pd_running = true;
		mutex_exit(&pd->pd_lock);

		uvm_cnt_inc(uvm, pdwoke);
		mutex_enter(&pd->pd_scanlock);
		freed = pd_run(pd);
		mutex_exit(&pd->pd_scanlock);

		mutex_enter(&pd->pd_lock);
		pd->pd_runsdone++;
		pd->pd_lastfreed = freed;
		pd->pd_running = false;
		/* Still short and getting somewhere: go on at once. */
		if (freed > 0 && pd_free(uvm) < pd->pd_freemin)
			__atomic_store_n(
			    &pd->pd_wanted, true, __ATOMIC_RELAXED);
		cv_broadcast(&pd->pd_donecv);
	}
	mutex_exit(&pd->pd_lock);
	return NULL;
}

/* Ask the thread for a run.  pd_lock held. */
static void
pd_wake_locked(struct uvm_pdaemon_state *pd)
{
	KASSERT(mutex_owned(&pd->pd_lock));
	__atomic_store_n(&pd->pd_wanted, true, __ATOMIC_RELAXED);
	cv_signal(&pd->pd_cv);
}

/* ---------------------------------------------------------------------- */
/* Machine setup and teardown. */

/* Undo the allocations of uvm_pdaemon_init() (no thread running). */
static void
pd_state_free(struct uvm_pdaemon_state *pd)
{
	struct pd_hook *ph;

	while ((ph = LIST_FIRST(&pd->pd_hooks)) != NULL) {
		LIST_REMOVE(ph, ph_list);
		free(ph);
	}
	cv_destroy(&pd->pd_donecv);
	cv_destroy(&pd->pd_cv);
	mutex_destroy(&pd->pd_swapofflock);
	mutex_destroy(&pd->pd_lock);
	mutex_destroy(&pd->pd_scanlock);
	free(pd);
}

/*
 * uvm_pdaemon_init: set the targets up, register the pool reclaim hook,
 * and in thread mode start the daemon.
 *	=> called by uvm_create() last, once every subsystem is up
 *	=> 0, ENOMEM, or the error of pthread_create()
 */
int
uvm_pdaemon_init(struct uvm *uvm)
{
	struct uvm_pdaemon_state *pd;
	struct pd_hook *ph;
	int error;

	KASSERT(uvm->u_pdaemon == NULL);
	pd = calloc(1, sizeof(*pd));
	ph = calloc(1, sizeof(*ph));
	if (pd == NULL || ph == NULL) {
		free(pd);
		free(ph);
		return ENOMEM;
	}
	pd->pd_uvm = uvm;
	pd->pd_threadmode = uvm->u_cfg.uc_pdaemon != NULL &&
	    strcmp(uvm->u_cfg.uc_pdaemon, "thread") == 0;
	mutex_init(&pd->pd_scanlock, LC_ANON, "pdscan");
	mutex_init(&pd->pd_lock, LC_LEAF, "pdaemon");
	mutex_init(&pd->pd_swapofflock, LC_MAP, "swapoff");
	cv_init(&pd->pd_cv, "pgdaemon");
	cv_init(&pd->pd_donecv, "pdwait");
	LIST_INIT(&pd->pd_hooks);
	ph->ph_fn = pd_pool_hook;
	ph->ph_arg = NULL;
	LIST_INSERT_HEAD(&pd->pd_hooks, ph, ph_list);
	pd->pd_nhooks = 1;
	pd_tune(pd);
	if (pd->pd_threadmode) {
		error = pthread_create(&pd->pd_tid, NULL, pd_thread_main, pd);
		if (error != 0) {
			pd_state_free(pd);
			uvm_set_error("pdaemon: cannot start the thread");
			return error;
		}
		pd->pd_started = true;
	}
	uvm->u_pdaemon = pd;
	return 0;
}

/*
 * uvm_pdaemon_fini: stop the thread (if any) and free the state.
 *	=> no run in progress may be waited for any more (machine teardown)
 */
void
uvm_pdaemon_fini(struct uvm *uvm)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;

	if (pd == NULL)
		return;
	if (pd->pd_started) {
		mutex_enter(&pd->pd_lock);
		pd->pd_stop = true;
		cv_broadcast(&pd->pd_cv);
		cv_broadcast(&pd->pd_donecv);
		mutex_exit(&pd->pd_lock);
		(void)pthread_join(pd->pd_tid, NULL);
		pd->pd_started = false;
	}
	KASSERT(uvm_cnt_get(uvm, pdpending) == 0);
	uvm->u_pdaemon = NULL;
	pd_state_free(pd);
}

/* ---------------------------------------------------------------------- */
/* The allocator's hooks, uvm_wait(), runs on demand. */

/*
 * uvm_pagedaemon_needed: see uvm_pdaemon.h.
 *	=> owner locks may be held; never sleeps (thread mode) or scans
 *	   with try-locks only (inline mode)
 */
void
uvm_pagedaemon_needed(struct uvm *uvm)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;

	if (pd == NULL ||
	    pd_free(uvm) >= __atomic_load_n(&pd->pd_freemin, __ATOMIC_RELAXED))
		return;
	if (pd_backoff_p(pd))
		return;
	if (pd->pd_threadmode) {
		if (__atomic_load_n(&pd->pd_wanted, __ATOMIC_RELAXED))
			return;
		mutex_enter(&pd->pd_lock);
		pd_wake_locked(pd);
		mutex_exit(&pd->pd_lock);
		return;
	}
	/* Inline: scan here, unless somebody (maybe we) already does. */
	if (!mutex_tryenter(&pd->pd_scanlock))
		return;
	uvm_cnt_inc(uvm, pdwoke);
	(void)pd_run(pd);
	mutex_exit(&pd->pd_scanlock);
}

/*
 * uvm_pagedaemon_shortage: see uvm_pdaemon.h.
 *	=> owner locks may be held; never sleeps
 */
void
uvm_pagedaemon_shortage(struct uvm *uvm)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;

	pd_tl_shortage = uvm;
	if (pd == NULL || !pd->pd_threadmode ||
	    __atomic_load_n(&pd->pd_wanted, __ATOMIC_RELAXED))
		return;
	mutex_enter(&pd->pd_lock);
	pd_wake_locked(pd);
	mutex_exit(&pd->pd_lock);
}

/*
 * uvm_pagedaemon_run: see <uvm/uvm_pdaemon.h>.
 *	=> no locks held; may sleep for a run in progress
 */
int
uvm_pagedaemon_run(struct uvm *uvm, uint64_t *freedp)
{
	struct uvm_pdaemon_state *pd;
	uint64_t freed;

	if (freedp != NULL)
		*freedp = 0;
	if (uvm == NULL || (pd = uvm->u_pdaemon) == NULL)
		return EINVAL;
	mutex_enter(&pd->pd_scanlock);
	freed = pd_run(pd);
	mutex_exit(&pd->pd_scanlock);
	if (freedp != NULL)
		*freedp = freed;
	return 0;
}

/* Can an ordinary allocation succeed now? */
static bool
pd_allocok_p(struct uvm_pdaemon_state *pd)
{
	return pd_free(pd->pd_uvm) > pd->pd_rsv;
}

/*
 * uvm_wait: see uvm_pdaemon.h.
 *	=> no locks held (see there); may sleep, never unboundedly
 */
int
uvm_wait(struct uvm *uvm, const char *wmesg)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;
	uint64_t target;
	unsigned rounds;
	int error = ENOMEM;

	KASSERT(pd != NULL);
	if (pd_tl_shortage != uvm)
		return ENOMEM; /* not a shortage: waiting cannot help */
	pd_tl_shortage = NULL;
	if (pd_allocok_p(pd))
		return 0;
	if (!pd->pd_threadmode) {
		mutex_enter(&pd->pd_scanlock);
		uvm_cnt_inc(uvm, pdwoke);
		(void)pd_run(pd);
		mutex_exit(&pd->pd_scanlock);
		return pd_allocok_p(pd) ? 0 : ENOMEM;
	}

	mutex_enter(&pd->pd_lock);
	pd->pd_donecv.cv_wmesg = wmesg;
	for (rounds = 0; rounds < PD_WAIT_RUNS && !pd->pd_stop; rounds++) {
		/* A run that starts after this request must complete. */
		target = pd->pd_runsdone + (pd->pd_running ? 2 : 1);
		pd_wake_locked(pd);
		while (!pd_allocok_p(pd) && pd->pd_runsdone < target &&
		    !pd->pd_stop)
			(void)cv_timedwait(
			    &pd->pd_donecv, &pd->pd_lock, PD_WAIT_MS);
		if (pd_allocok_p(pd)) {
			error = 0;
			break;
		}
		if (pd->pd_runsdone >= target && pd->pd_lastfreed == 0)
			break; /* nothing could be freed */
	}
	mutex_exit(&pd->pd_lock);
	return error;
}

/*
 * uvm_reclaimable: see uvm_pdaemon.h.  Some queued page could be freed:
 * file pages, or swap-backed pages with a free slot to go to, or clean
 * resident pages whose swap copy exists.
 */
bool
uvm_reclaimable(struct uvm *uvm)
{
	uint64_t active, inactive;

	uvmpdpol_estimatepageable(uvm, &active, &inactive);
	if (active + inactive == 0)
		return false;
	return uvm_cnt_get(uvm, filepages) + uvm_cnt_get(uvm, execpages) > 0 ||
	    uvm_swap_nfree(uvm) > 0 ||
	    uvm_cnt_get(uvm, swpginuse) > uvm_cnt_get(uvm, swpgonly);
}

/* ---------------------------------------------------------------------- */
/* Reclaim hooks. */

/*
 * pd_pool_hook: give the machine's pools' empty slabs back to the host.
 * Pools hold host memory, not simulated pages: it frees no page.
 */
static uint64_t
pd_pool_hook(struct uvm *uvm, void *arg)
{
	struct pool_registry *preg = &uvm->u_pools;
	struct pool *pp;

	(void)arg;
	mutex_enter(&preg->preg_lock);
	TAILQ_FOREACH (pp, &preg->preg_pools, pr_list)
		(void)pool_reclaim(pp);
	mutex_exit(&preg->preg_lock);
	return 0;
}

/*
 * uvm_pdaemon_hook_add, uvm_pdaemon_hook_remove: see uvm_pdaemon.h.
 *	=> take the scan lock (no run is in progress while the list changes)
 */
int
uvm_pdaemon_hook_add(struct uvm *uvm, uvm_reclaim_hook_t fn, void *arg)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;
	struct pd_hook *ph, *nph;

	KASSERT(fn != NULL);
	nph = calloc(1, sizeof(*nph));
	if (nph == NULL)
		return ENOMEM;
	nph->ph_fn = fn;
	nph->ph_arg = arg;
	mutex_enter(&pd->pd_scanlock);
	LIST_FOREACH (ph, &pd->pd_hooks, ph_list) {
		if (ph->ph_fn == fn && ph->ph_arg == arg) {
			mutex_exit(&pd->pd_scanlock);
			free(nph);
			return EEXIST;
		}
	}
	LIST_INSERT_HEAD(&pd->pd_hooks, nph, ph_list);
	pd->pd_nhooks++;
	mutex_exit(&pd->pd_scanlock);
	return 0;
}

int
uvm_pdaemon_hook_remove(struct uvm *uvm, uvm_reclaim_hook_t fn, void *arg)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;
	struct pd_hook *ph;

	mutex_enter(&pd->pd_scanlock);
	LIST_FOREACH (ph, &pd->pd_hooks, ph_list) {
		if (ph->ph_fn == fn && ph->ph_arg == arg)
			break;
	}
	if (ph == NULL) {
		mutex_exit(&pd->pd_scanlock);
		return ENOENT;
	}
	LIST_REMOVE(ph, ph_list);
	pd->pd_nhooks--;
	mutex_exit(&pd->pd_scanlock);
	free(ph);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Swapoff. */

struct pd_drain {
	struct uvm_pdaemon_state *dr_pd;
	uint64_t dr_found; /* slots of the range seen in use */
	uint64_t dr_moved; /* of them, brought back */
	uint64_t dr_busy;  /* of them, busy: try again */
	uint64_t dr_ioerr; /* of them, unreadable: they stay */
};

/*
 * pd_drain_page: the page of an anon or aobj whose contents are in slot,
 * which must be freed.  pg is the resident page, or NULL: then one is
 * allocated (through alloc) and read.
 *	=> owner write-locked; 0, or ENOMEM (stop the walk)
 */
static int
pd_drain_page(struct pd_drain *dr, struct vm_page *pg, struct vm_anon *anon,
    struct uvm_object *uobj, uint64_t pageidx, uint64_t slot)
{
	struct uvm *uvm = dr->dr_pd->pd_uvm;
	bool swaponly = pg == NULL;

	dr->dr_found++;
	if (pg != NULL && (pg->flags & PG_BUSY) != 0) {
		dr->dr_busy++;
		return 0;
	}
	if (pg == NULL) {
		pg = anon != NULL
		    ? uvm_pagealloc(uvm, NULL, 0, anon, 0)
		    : uvm_pagealloc(
			  uvm, uobj, (voff_t)uvm_ptoa(uvm, pageidx), NULL, 0);
		if (pg == NULL)
			return ENOMEM;
		if (uvm_swap_get(uvm, pg, slot) != 0) {
			uvm_pagefree(pg);
			dr->dr_ioerr++;
			return 0;
		}
		pg->flags &= ~PG_FAKE;
	}
	/* The page becomes the only copy: dirty, without a slot. */
	if (anon != NULL)
		uvm_anon_dropswap(anon);
	else
		uao_dropswap(uobj, pageidx);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	if (swaponly) {
		uvm_cnt_dec(uvm, swpgonly);
		uvmpdpol_pagedeactivate(uvm, pg);
		uvm_page_unbusy(&pg, 1);
	}
	dr->dr_moved++;
	return 0;
}

static int
pd_drain_anon(struct vm_anon *anon, void *arg)
{
	KASSERT(rw_write_held(anon->an_lock));
	return pd_drain_page(
	    arg, anon->an_page, anon, NULL, 0, anon->an_swslot);
}

static int
pd_drain_aobj(struct uvm_object *uobj, uint64_t pageidx, void *arg)
{
	struct uvm *uvm = uobj->uo_uvm;

	KASSERT(rw_write_held(uobj->vmobjlock));
	return pd_drain_page(arg,
	    uvm_pagelookup(uobj, (voff_t)uvm_ptoa(uvm, pageidx)), NULL, uobj,
	    pageidx, uao_find_swslot(uobj, pageidx));
}

/*
 * uvm_swap_drain: see uvm_pdaemon.h.
 *	=> no locks held; sleeps
 */
int
uvm_swap_drain(struct uvm *uvm, uint64_t start, uint64_t end)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;
	struct timespec ts = {0, PD_DRAIN_SLEEPNS};
	struct pd_drain dr;
	unsigned pass;
	uint64_t freed;
	int error = 0;

	KASSERT(pd != NULL && start > 0 && start <= end);
	mutex_enter(&pd->pd_swapofflock);
	for (pass = 0; pass < PD_DRAIN_PASSES; pass++) {
		memset(&dr, 0, sizeof(dr));
		dr.dr_pd = pd;
		error = amap_swap_off(uvm, start, end, pd_drain_anon, &dr);
		if (error == 0)
			error =
			    uao_swap_off(uvm, start, end, pd_drain_aobj, &dr);
		mutex_enter(&pd->pd_scanlock);
		pd->pd_ndrained += dr.dr_moved;
		mutex_exit(&pd->pd_scanlock);
		if (error == ENOMEM) {
			/* Make room (to the other devices) and go on. */
			(void)uvm_pagedaemon_run(uvm, &freed);
			if (freed == 0 && dr.dr_moved == 0 && !pd_allocok_p(pd))
				break;
			continue;
		}
		if (error != 0)
			break;
		if (dr.dr_found == 0)
			break; /* nothing of the range left */
		if (dr.dr_busy > 0) {
			nanosleep(&ts, NULL);
			continue;
		}
		if (dr.dr_ioerr > 0 && dr.dr_moved == 0) {
			error = EIO;
			break;
		}
	}
	mutex_exit(&pd->pd_swapofflock);
	if (error == 0 && dr.dr_found != 0)
		error = dr.dr_busy > 0 ? EBUSY : dr.dr_ioerr > 0 ? EIO : EBUSY;
	return error;
}

/* ---------------------------------------------------------------------- */
/* Checker, printer. */

/*
 * uvm_pdaemon_sanity: check the invariants listed at the state.
 *	=> takes the scan lock if it is free (pdpending is checked then)
 */
void
uvm_pdaemon_sanity(struct uvm *uvm)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;
	struct pd_hook *ph;
	unsigned n = 0;

	if (pd == NULL)
		return;
	if (!mutex_tryenter(&pd->pd_scanlock))
		return; /* a run is in progress */
	KASSERTMSG(pd->pd_rsv < pd->pd_freemin &&
		pd->pd_freemin < pd->pd_freetarg &&
		pd->pd_freetarg <= pd->pd_npages,
	    "pdaemon: targets reserve %" PRIu64 " freemin %" PRIu64
	    " freetarg %" PRIu64 " npages %" PRIu64,
	    pd->pd_rsv, pd->pd_freemin, pd->pd_freetarg, pd->pd_npages);
	KASSERT(uvm_cnt_get(uvm, freemin) == (int64_t)pd->pd_freemin);
	KASSERT(uvm_cnt_get(uvm, freetarg) == (int64_t)pd->pd_freetarg);
	KASSERT(uvm_cnt_get(uvm, wiredmax) == (int64_t)pd->pd_wiredmax);
	KASSERTMSG(uvm_cnt_get(uvm, pdpending) == 0,
	    "pdaemon: %" PRId64 " pages pending with no run in progress",
	    uvm_cnt_get(uvm, pdpending));
	LIST_FOREACH (ph, &pd->pd_hooks, ph_list) {
		KASSERT(ph->ph_fn != NULL);
		n++;
	}
	KASSERT(n == pd->pd_nhooks);
	KASSERT(pd->pd_started == pd->pd_threadmode);
	mutex_exit(&pd->pd_scanlock);
}

void
uvm_pdaemon_printit(struct uvm *uvm, FILE *fp)
{
	struct uvm_pdaemon_state *pd = uvm->u_pdaemon;

	if (pd == NULL)
		return;
	fprintf(fp,
	    "PDAEMON (%s): freemin %" PRIu64 " freetarg %" PRIu64
	    " wiredmax %" PRIu64 " reserves %" PRIu64 "\n",
	    pd->pd_threadmode ? "thread" : "inline", pd->pd_freemin,
	    pd->pd_freetarg, pd->pd_wiredmax, pd->pd_rsv);
	fprintf(fp,
	    "  runs %" PRIu64 " passes %" PRIu64 " clusters %" PRIu64
	    " failed writes %" PRIu64 " kept %" PRIu64 " hook calls %" PRIu64
	    " (%u hooks) drained %" PRIu64 " backoff %d\n",
	    pd->pd_nruns, pd->pd_npasses, pd->pd_nclusters, pd->pd_nputfail,
	    pd->pd_nkept, pd->pd_nhookruns, pd->pd_nhooks, pd->pd_ndrained,
	    (int)pd_backoff_p(pd));
}
