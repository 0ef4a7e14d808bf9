/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdpolicy_clock.c: the CLOCK replacement policy (two queues).
 *
 * This is UVM's classic policy.  Managed pages sit on one of two queues,
 * linked through pg->pageq.queue:
 *
 *	active:   pages believed to be in use; new pages start here
 *	inactive: candidates for reclaim, oldest at the head
 *
 *	  pageenqueue/pageactivate            balancequeue (clears ref)
 *	 ------------------------> [ active ] ------------------------+
 *	          ^                                                   |
 *	          | referenced since deactivation: second chance      v
 *	          +-------------------------------------------- [ inactive ]
 *	                                                              |
 *	                                  selectvictim, not referenced v
 *	                                                     page daemon frees
 *
 * The page daemon keeps the inactive queue at a target share of the
 * pageable pages, inactarg = inactivepct% of (active + inactive), at least
 * freetarg + 1 so a scan can always meet the free target.  balancequeue()
 * deactivates pages from the head of the active queue (the least recently
 * activated) until the target is met, clearing their referenced bits on the
 * way.  A scan (scaninit, then selectvictim until NULL) walks the inactive
 * queue once from its head: a page referenced since it was deactivated gets
 * its second chance and goes back to the tail of the active queue; the
 * first page that was not referenced is the victim.  This approximates LRU
 * with one reference bit per page and O(1) work per event.
 *
 * The scan position is a page pointer (cs_hand) rather than a marker page
 * on the queue: pages leave the queue only through this file, and
 * clock_pagedequeue() moves the hand past a page that leaves under it.
 *
 * Scans also enforce the anon/file/exec minimum and maximum shares
 * (vm.anonmin ... vm.execmax, u_cfg.uc_anonmin ...): scaninit decides, per
 * usage class, whether pages of that class are to be spared (reactivated
 * instead of reclaimed) during this scan.  A class is spared when it is
 * under its minimum, or when it is within its maximum and another class is
 * over its own; if that would spare every class (or everything but anon
 * pages while swap is full, so anon pages could not go anywhere), nothing
 * is spared.
 *
 * Locking: every function runs with the page-queue lock held (the wrappers
 * in uvm_pdpolicy.c take it); that lock protects everything here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "pmap/pmap.h"

/* Pages idle() may deactivate per call. */
#define CLOCK_IDLE_BATCH 32

/*
 * CLOCK's private state.  [q] page-queue lock, [c] constant.
 * Invariants (clock_sanity): cs_active/cs_inactive are the lengths of the
 * queues; active pages carry exactly PQ_ACTIVE, inactive ones exactly
 * PQ_INACTIVE (plus possibly PQ_REFERENCED), no queued page is free, wired
 * or a marker; cs_hand is NULL or on the inactive queue, and NULL unless a
 * scan is in progress; the machine's active/inactive gauges equal ours.
 */
struct clock_state {
	struct uvm *cs_uvm;                 /* [c] machine */
	TAILQ_HEAD(, vm_page) cs_activeq;   /* [q] active pages */
	TAILQ_HEAD(, vm_page) cs_inactiveq; /* [q] inactive pages */
	uint64_t cs_active;                 /* [q] length of activeq */
	uint64_t cs_inactive;               /* [q] length of inactiveq */
	int cs_inactivepct;                 /* [q] inactive share, % */
	uint64_t cs_freetarg;               /* [q] daemon's free target */
	uint64_t cs_inactarg;               /* [q] inactive target */
	struct vm_page *cs_hand;            /* [q] next page to scan */
	bool cs_scanning;                   /* [q] scan in progress */
	bool cs_anonreact, cs_filereact, cs_execreact; /* [q] spare class */

	/* Statistics. [q] */
	uint64_t cs_nscans;      /* scans started */
	uint64_t cs_nexamined;   /* inactive pages examined */
	uint64_t cs_nreact;      /* second chances given */
	uint64_t cs_nvictims;    /* victims returned */
	uint64_t cs_nskipped;    /* candidates whose owner was busy */
	uint64_t cs_nbalance;    /* pages deactivated by balancequeue/idle */
	uint64_t cs_nactivate;   /* pageactivate calls */
	uint64_t cs_ndeactivate; /* pagedeactivate calls */
	uint64_t cs_nreclass;    /* pages spared for class balance */
	uint64_t cs_ndropswap;   /* swap copies dropped by balancequeue */
};

static inline void
clock_gauges(struct clock_state *cs)
{
	uvm_cnt_set(cs->cs_uvm, active, cs->cs_active);
	uvm_cnt_set(cs->cs_uvm, inactive, cs->cs_inactive);
}

/*
 * clock_tune_locked: recompute the inactive target.
 */
static void
clock_tune_locked(struct clock_state *cs)
{
	uint64_t t;

	t = (cs->cs_active + cs->cs_inactive) * (uint64_t)cs->cs_inactivepct /
	    100;
	if (t <= cs->cs_freetarg)
		t = cs->cs_freetarg + 1;
	cs->cs_inactarg = t;
}

static int
clock_init(struct uvm *uvm, void **privp)
{
	struct clock_state *cs;

	cs = calloc(1, sizeof(*cs));
	if (cs == NULL)
		return ENOMEM;
	cs->cs_uvm = uvm;
	TAILQ_INIT(&cs->cs_activeq);
	TAILQ_INIT(&cs->cs_inactiveq);
	cs->cs_inactivepct =
	    uvm->u_cfg.uc_inactivepct > 0 ? uvm->u_cfg.uc_inactivepct : 33;
	clock_tune_locked(cs);
	clock_gauges(cs);
	*privp = cs;
	return 0;
}

static void
clock_fini(struct uvm *uvm, void *priv)
{
	struct clock_state *cs = priv;

	KASSERTMSG(cs->cs_active == 0 && cs->cs_inactive == 0,
	    "clock_fini: %llu active and %llu inactive pages still queued",
	    (unsigned long long)cs->cs_active,
	    (unsigned long long)cs->cs_inactive);
	free(cs);
}

/* Nothing here depends on the amount of memory but the target. */
static void
clock_reinit(void *priv, uint64_t npages)
{
	clock_tune_locked(priv);
}

static void
clock_estimatepageable(void *priv, uint64_t *active, uint64_t *inactive)
{
	struct clock_state *cs = priv;

	*active = cs->cs_active;
	*inactive = cs->cs_inactive;
}

/* Take pg off whichever queue it is on (if any), keeping the hand valid. */
static void
clock_dequeue_locked(struct clock_state *cs, struct vm_page *pg)
{
	if (pg->pqflags & PQ_ACTIVE) {
		KASSERT(cs->cs_active > 0);
		TAILQ_REMOVE(&cs->cs_activeq, pg, pageq.queue);
		cs->cs_active--;
	} else if (pg->pqflags & PQ_INACTIVE) {
		KASSERT(cs->cs_inactive > 0);
		if (cs->cs_hand == pg)
			cs->cs_hand = TAILQ_NEXT(pg, pageq.queue);
		TAILQ_REMOVE(&cs->cs_inactiveq, pg, pageq.queue);
		cs->cs_inactive--;
	}
	pg->pqflags &= (uint16_t) ~(PQ_ACTIVE | PQ_INACTIVE | PQ_REFERENCED);
}

static void
clock_activate_locked(struct clock_state *cs, struct vm_page *pg)
{
	clock_dequeue_locked(cs, pg);
	TAILQ_INSERT_TAIL(&cs->cs_activeq, pg, pageq.queue);
	pg->pqflags |= PQ_ACTIVE;
	cs->cs_active++;
}

static void
clock_deactivate_locked(struct clock_state *cs, struct vm_page *pg)
{
	if (pg->pqflags & PQ_INACTIVE)
		return;
	clock_dequeue_locked(cs, pg);
	TAILQ_INSERT_TAIL(&cs->cs_inactiveq, pg, pageq.queue);
	pg->pqflags |= PQ_INACTIVE;
	cs->cs_inactive++;
}

/*
 * clock_pageactivate: pg was referenced: (re)queue it at the tail of the
 * active queue.
 */
static void
clock_pageactivate(void *priv, struct vm_page *pg)
{
	struct clock_state *cs = priv;

	cs->cs_nactivate++;
	clock_activate_locked(cs, pg);
	clock_gauges(cs);
}

/* A new page: it was just referenced, so it starts active. */
static void
clock_pageenqueue(void *priv, struct vm_page *pg)
{
	struct clock_state *cs = priv;

	KASSERT((pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) == 0);
	clock_activate_locked(cs, pg);
	clock_gauges(cs);
}

/*
 * clock_pagedeactivate: move pg to the tail of the inactive queue (an
 * unqueued page is queued there).  Its referenced bit is cleared, so only a
 * later reference earns it a second chance.
 */
static void
clock_pagedeactivate(void *priv, struct vm_page *pg)
{
	struct clock_state *cs = priv;

	cs->cs_ndeactivate++;
	if ((pg->pqflags & PQ_INACTIVE) == 0) {
		(void)uvmpdpol_testclear_ref(pg);
		clock_deactivate_locked(cs, pg);
	}
	clock_gauges(cs);
}

static void
clock_pagedequeue(void *priv, struct vm_page *pg)
{
	struct clock_state *cs = priv;

	clock_dequeue_locked(cs, pg);
	clock_gauges(cs);
}

static bool
clock_pageisqueued_p(void *priv, const struct vm_page *pg)
{
	return (pg->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0;
}

/* CLOCK keeps no history of evicted pages: nothing refers to the anon. */
static void
clock_anfree(void *priv, struct vm_anon *anon)
{
}

static void
clock_tune(void *priv, uint64_t freetarg)
{
	struct clock_state *cs = priv;

	cs->cs_freetarg = freetarg;
	clock_tune_locked(cs);
}

/*
 * clock_scaninit: start a scan of the inactive queue, and decide which
 * usage classes it spares (see the file's design note).
 */
static void
clock_scaninit(void *priv)
{
	struct clock_state *cs = priv;
	struct uvm *uvm = cs->cs_uvm;
	const struct uvm_config *c = &uvm->u_cfg;
	int64_t t, anon, file, exec;
	bool anonunder, fileunder, execunder, anonover, fileover, execover;

	clock_tune_locked(cs);
	t = (int64_t)(cs->cs_active + cs->cs_inactive) + uvm_cnt_get(uvm, free);
	anon = uvm_cnt_get(uvm, anonpages) + uvm_cnt_get(uvm, aobjpages);
	file = uvm_cnt_get(uvm, filepages);
	exec = uvm_cnt_get(uvm, execpages);
	anonunder = anon <= t * c->uc_anonmin / 100;
	fileunder = file <= t * c->uc_filemin / 100;
	execunder = exec <= t * c->uc_execmin / 100;
	anonover = anon > t * c->uc_anonmax / 100;
	fileover = file > t * c->uc_filemax / 100;
	execover = exec > t * c->uc_execmax / 100;
	cs->cs_anonreact = anonunder || (!anonover && (fileover || execover));
	cs->cs_filereact = fileunder || (!fileover && (anonover || execover));
	cs->cs_execreact = execunder || (!execover && (anonover || fileover));
	if (cs->cs_filereact && cs->cs_execreact &&
	    (cs->cs_anonreact || uvm_swapisfull(uvm)))
		cs->cs_anonreact = cs->cs_filereact = cs->cs_execreact = false;
	cs->cs_hand = TAILQ_FIRST(&cs->cs_inactiveq);
	cs->cs_scanning = true;
	cs->cs_nscans++;
}

/* Does the current scan spare pages of pg's class?  Counts it if so. */
static bool
clock_spare_class_p(struct clock_state *cs, const struct vm_page *pg)
{
	struct uvm *uvm = cs->cs_uvm;

	if ((pg->flags & PG_EXEC) != 0) {
		if (cs->cs_execreact) {
			uvm_cnt_inc(uvm, pdreexec);
			return true;
		}
	} else if ((pg->flags & PG_FILE) != 0) {
		if (cs->cs_filereact) {
			uvm_cnt_inc(uvm, pdrefile);
			return true;
		}
	} else if ((pg->flags & PG_SWAPBACKED) != 0) {
		if (cs->cs_anonreact) {
			uvm_cnt_inc(uvm, pdreanon);
			return true;
		}
	}
	return false;
}

/*
 * clock_selectvictim: continue the scan of the inactive queue.
 * => returns the next victim (claimed), or NULL at the end of the queue
 */
static struct vm_page *
clock_selectvictim(void *priv, const struct uvmpdpol_claim *claim)
{
	struct clock_state *cs = priv;
	struct uvm *uvm = cs->cs_uvm;
	struct vm_page *pg;

	if (!cs->cs_scanning)
		return NULL;
	while ((pg = cs->cs_hand) != NULL) {
		KASSERT(pg->pqflags & PQ_INACTIVE);
		cs->cs_hand = TAILQ_NEXT(pg, pageq.queue);
		cs->cs_nexamined++;
		uvm_cnt_inc(uvm, pdscans);
		if (claim != NULL && !claim->pc_claim(pg, claim->pc_arg)) {
			cs->cs_nskipped++;
			continue;
		}
		if (uvmpdpol_testclear_ref(pg)) {
			clock_activate_locked(cs, pg);
			cs->cs_nreact++;
			uvm_cnt_inc(uvm, pdreact);
		} else if (clock_spare_class_p(cs, pg)) {
			clock_activate_locked(cs, pg);
			cs->cs_nreclass++;
		} else {
			cs->cs_nvictims++;
			clock_gauges(cs);
			return pg;
		}
		if (claim != NULL)
			claim->pc_release(pg, claim->pc_arg);
	}
	cs->cs_scanning = false;
	clock_gauges(cs);
	return NULL;
}

/*
 * clock_balance_locked: deactivate up to `max` pages from the head of the
 * active queue while the inactive queue is below target; under a swap
 * shortage also drop the swap copies of active swap-backed pages (they are
 * resident and in use, so their slots are the cheapest to give back).
 */
static void
clock_balance_locked(struct clock_state *cs, int64_t swap_shortage,
    const struct uvmpdpol_claim *claim, uint64_t max)
{
	struct vm_page *pg, *next;
	int64_t inactive_shortage;
	uint64_t n;

	clock_tune_locked(cs);
	inactive_shortage = (int64_t)cs->cs_inactarg - (int64_t)cs->cs_inactive;
	if (claim == NULL || claim->pc_dropswap == NULL)
		swap_shortage = 0;
	for (pg = TAILQ_FIRST(&cs->cs_activeq), n = 0; pg != NULL && n < max &&
	     (inactive_shortage > 0 || swap_shortage > 0);
	     pg = next, n++) {
		next = TAILQ_NEXT(pg, pageq.queue);
		if (swap_shortage > 0 && UVMPDPOL_SWAPBACKED_P(pg) &&
		    claim->pc_claim(pg, claim->pc_arg)) {
			if (claim->pc_dropswap(pg, claim->pc_arg)) {
				swap_shortage--;
				cs->cs_ndropswap++;
			}
			claim->pc_release(pg, claim->pc_arg);
		}
		if (inactive_shortage > 0) {
			(void)uvmpdpol_testclear_ref(pg);
			clock_deactivate_locked(cs, pg);
			inactive_shortage--;
			cs->cs_nbalance++;
			uvm_cnt_inc(cs->cs_uvm, pddeact);
		}
	}
	clock_gauges(cs);
}

static void
clock_balancequeue(
    void *priv, int64_t swap_shortage, const struct uvmpdpol_claim *claim)
{
	struct clock_state *cs = priv;

	clock_balance_locked(cs, swap_shortage, claim, cs->cs_active);
}

static bool
clock_needsscan_p(void *priv)
{
	struct clock_state *cs = priv;

	clock_tune_locked(cs);
	return cs->cs_inactive < cs->cs_inactarg;
}

/* While the machine idles, move a few pages toward the inactive target. */
static void
clock_idle(void *priv)
{
	clock_balance_locked(priv, 0, NULL, CLOCK_IDLE_BATCH);
}

static unsigned
clock_stats(void *priv, struct uvmpdpol_stat *st, unsigned max)
{
	struct clock_state *cs = priv;
	unsigned n = 0;

#define CLOCK_STAT(name, v) UVMPDPOL_STAT(st, n, max, name, v)
	CLOCK_STAT("active pages", cs->cs_active);
	CLOCK_STAT("inactive pages", cs->cs_inactive);
	CLOCK_STAT("inactive target", cs->cs_inactarg);
	CLOCK_STAT("inactive percentage", cs->cs_inactivepct);
	CLOCK_STAT("scans started", cs->cs_nscans);
	CLOCK_STAT("inactive pages examined", cs->cs_nexamined);
	CLOCK_STAT("second chances (reactivated)", cs->cs_nreact);
	CLOCK_STAT("victims selected", cs->cs_nvictims);
	CLOCK_STAT("candidates skipped (owner busy)", cs->cs_nskipped);
	CLOCK_STAT("pages spared for class balance", cs->cs_nreclass);
	CLOCK_STAT("pages deactivated for balance", cs->cs_nbalance);
	CLOCK_STAT("activate calls", cs->cs_nactivate);
	CLOCK_STAT("deactivate calls", cs->cs_ndeactivate);
	CLOCK_STAT("swap copies dropped", cs->cs_ndropswap);
#undef CLOCK_STAT
	return n < max ? n : max;
}

/*
 * clock_sanity: check the invariants listed at struct clock_state.
 */
static void
clock_sanity(void *priv)
{
	struct clock_state *cs = priv;
	struct vm_page *pg;
	uint64_t n;
	bool handseen = cs->cs_hand == NULL;

	n = 0;
	TAILQ_FOREACH (pg, &cs->cs_activeq, pageq.queue) {
		KASSERTMSG((pg->pqflags & ~PQ_REFERENCED) == PQ_ACTIVE,
		    "clock: active page %p has pqflags %#x", (void *)pg,
		    pg->pqflags);
		KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
		KASSERTMSG(pg->wire_count == 0, "clock: wired page queued");
		n++;
	}
	KASSERTMSG(n == cs->cs_active, "clock: active count %llu, queue %llu",
	    (unsigned long long)cs->cs_active, (unsigned long long)n);
	n = 0;
	TAILQ_FOREACH (pg, &cs->cs_inactiveq, pageq.queue) {
		KASSERTMSG((pg->pqflags & ~PQ_REFERENCED) == PQ_INACTIVE,
		    "clock: inactive page %p has pqflags %#x", (void *)pg,
		    pg->pqflags);
		KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
		KASSERTMSG(pg->wire_count == 0, "clock: wired page queued");
		if (pg == cs->cs_hand)
			handseen = true;
		n++;
	}
	KASSERTMSG(n == cs->cs_inactive,
	    "clock: inactive count %llu, queue %llu",
	    (unsigned long long)cs->cs_inactive, (unsigned long long)n);
	KASSERTMSG(handseen, "clock: scan hand is not on the inactive queue");
	KASSERT(cs->cs_scanning || cs->cs_hand == NULL);
	KASSERT(cs->cs_inactivepct >= 0 && cs->cs_inactivepct <= 100);
	KASSERT(uvm_cnt_get(cs->cs_uvm, active) == (int64_t)cs->cs_active);
	KASSERT(uvm_cnt_get(cs->cs_uvm, inactive) == (int64_t)cs->cs_inactive);
}

static void
clock_printit(void *priv, FILE *fp)
{
	struct clock_state *cs = priv;
	struct vm_page *pg;
	unsigned i;

	fprintf(fp,
	    "CLOCK: active %llu inactive %llu (target %llu, %d%%) "
	    "scanning %d\n",
	    (unsigned long long)cs->cs_active,
	    (unsigned long long)cs->cs_inactive,
	    (unsigned long long)cs->cs_inactarg, cs->cs_inactivepct,
	    cs->cs_scanning);
	fprintf(fp, "  active:");
	i = 0;
	TAILQ_FOREACH (pg, &cs->cs_activeq, pageq.queue) {
		if (i++ == 32) {
			fprintf(fp, " ...");
			break;
		}
		fprintf(fp, " %u", pg->phys_pfn);
	}
	fprintf(fp, "\n  inactive:");
	i = 0;
	TAILQ_FOREACH (pg, &cs->cs_inactiveq, pageq.queue) {
		if (i++ == 32) {
			fprintf(fp, " ...");
			break;
		}
		fprintf(
		    fp, "%s%u", pg == cs->cs_hand ? " >" : " ", pg->phys_pfn);
	}
	fprintf(fp, "\n");
}

const struct uvm_pdpolicy_ops uvmpdpol_clock_ops = {
    .pdo_name = "clock",
    .pdo_init = clock_init,
    .pdo_fini = clock_fini,
    .pdo_reinit = clock_reinit,
    .pdo_estimatepageable = clock_estimatepageable,
    .pdo_pageactivate = clock_pageactivate,
    .pdo_pagedeactivate = clock_pagedeactivate,
    .pdo_pagedequeue = clock_pagedequeue,
    .pdo_pageenqueue = clock_pageenqueue,
    .pdo_pageisqueued_p = clock_pageisqueued_p,
    .pdo_anfree = clock_anfree,
    .pdo_tune = clock_tune,
    .pdo_scaninit = clock_scaninit,
    .pdo_selectvictim = clock_selectvictim,
    .pdo_balancequeue = clock_balancequeue,
    .pdo_needsscan_p = clock_needsscan_p,
    .pdo_idle = clock_idle,
    .pdo_stats = clock_stats,
    .pdo_sanity = clock_sanity,
    .pdo_printit = clock_printit,
};
