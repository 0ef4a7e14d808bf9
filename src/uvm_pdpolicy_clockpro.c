/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdpolicy_clockpro.c: the CLOCK-Pro replacement policy.
 *
 * CLOCK-Pro (Song Jiang, Feng Chen, Xiaodong Zhang, USENIX 2005) brings the
 * idea of LIRS to a clock: judge a page by its reuse distance (how much
 * else was touched between two touches of it) rather than by how recently
 * it was touched.  Pages with short reuse distances are "hot" and are kept;
 * "cold" pages are the ones reclaimed.  A cold page is put on trial (its
 * "test period") when it comes in: if it is touched again before the trial
 * ends, its reuse distance was short, and it becomes hot.  The trial goes
 * on after the page has been evicted: we remember a small cookie for it
 * (a "non-resident" cold page), and a fault on a page whose cookie is still
 * remembered proves a short reuse distance too.  The memory given to
 * resident cold pages, the cold target m_c, adapts: every re-reference of
 * a page during its trial says cold pages deserve more room (m_c + 1);
 * every trial that ends without one says they deserve less (m_c - 1).
 *
 * Our implementation.  Resident pages sit on one circular list (a TAILQ
 * read as a ring, linked through pg->pageq.queue) in the order of their
 * last promotion or arrival.  Two hands go round it in the same direction:
 *
 *	        newest         oldest
 *	   ... [p][p][p] hot-hand-> [p][p][p] ... cold-hand-> [p] ...
 *	            ^ new and moved pages are inserted here, just
 *	              behind the hot hand, so it reaches them last
 *
 *  - the cold hand (selectvictim) looks only at resident cold pages:
 *    referenced and in its trial -> promoted to hot, moved to the head;
 *    referenced, trial over      -> a new trial, moved to the head;
 *    not referenced              -> the victim; if its trial is still
 *                                   running, the trial continues in the
 *                                   non-resident history.
 *  - the hot hand runs whenever there are more hot pages than the hot
 *    target (resident pages - m_c): a referenced hot page loses its bit and
 *    stays hot, an unreferenced one is demoted to cold (trial over), and a
 *    cold page still on trial that it passes ends its trial (m_c - 1).
 *
 * The paper's third hand (the test hand, which ends the trials of the
 * oldest non-resident pages when there are more than m of them) becomes a
 * clock over the buckets of the non-resident history, as in NetBSD's
 * implementation: the history is a hash table of CP_BUCKETSIZE-cookie
 * buckets, a cookie being 32 bits of a hash of the page's identity (its
 * anon, or its object and offset).  Each bucket is a small FIFO (its
 * rotor points at the slot the next cookie overwrites, which is the
 * oldest); when more than m cookies are remembered, the test hand visits
 * the next bucket and forgets its oldest cookie.  Either way a forgotten
 * cookie is a trial that ended without a re-reference (m_c - 1).  A cookie
 * found by uvmpdpol_pageenqueue() is removed and the new page is hot at
 * once (m_c + 1).  Hash collisions can promote a page by mistake; that
 * costs a little precision, never correctness.
 *
 * The resident cold target used is m_c clamped to [freetarg + 1, m - 1]
 * (m = resident pages we manage), so a scan can always free what the page
 * daemon needs.  m_c starts at 1% of memory, the share LIRS gives its cold
 * (HIR) pages, and then adapts.
 *
 * Mapping of the uvmpdpol operations:
 *	pageenqueue	new page: hot if remembered, else cold on trial
 *	pageactivate	sets the soft reference bit (PQ_REFERENCED); hits
 *			never move pages, as in any clock
 *	pagedeactivate	the page becomes cold, off trial, unreferenced, and
 *			the next page the cold hand examines
 *	pagedequeue	leaves the ring (freed or wired): no history
 *	anfree		the anon's cookie is forgotten (no adaptation)
 *	balancequeue	runs the hot hand down to the hot target
 *	needsscan_p	fewer resident cold pages than the target
 *	idle		a few steps of the hot hand
 *
 * Flags: hot pages carry PQ_ACTIVE|PQ_HOT, cold ones PQ_INACTIVE, plus
 * PQ_TEST while on trial; PQ_REFERENCED is the soft reference bit.  The
 * machine's active/inactive gauges report hot/cold pages.
 *
 * Locking: every function runs with the page-queue lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_anon.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "pmap/pmap.h"

#define CP_BUCKETSIZE  8  /* cookies per history bucket */
#define CP_MINHIST     64 /* least non-resident pages remembered */
#define CP_IDLE_STEPS  32 /* hot-hand steps per idle() */
#define CP_COLDINITPCT 1  /* initial m_c, percent of memory */

struct cp_bucket {
	uint32_t cb_cookie[CP_BUCKETSIZE]; /* 0: empty slot */
	unsigned cb_rotor;                 /* next slot to fill: the oldest */
};

/*
 * CLOCK-Pro's private state.  [q] page-queue lock, [c] constant.
 * Invariants (clockpro_sanity): the ring holds cp_nhot + cp_ncold pages;
 * hot pages carry PQ_ACTIVE|PQ_HOT, cold ones PQ_INACTIVE and maybe
 * PQ_TEST (cp_ntest of them), each maybe PQ_REFERENCED, nothing else;
 * no queued page is free, wired or a marker; both hands are on the ring,
 * or NULL when it is empty; the history holds cp_nnonres nonzero cookies,
 * at most cp_nonresmax; 1 <= cp_coldtarget <= cp_nonresmax; the machine's
 * active/inactive gauges equal cp_nhot/cp_ncold.
 */
struct clockpro_state {
	struct uvm *cp_uvm;            /* [c] machine */
	TAILQ_HEAD(, vm_page) cp_ring; /* [q] resident pages */
	struct vm_page *cp_handhot;    /* [q] hot hand */
	struct vm_page *cp_handcold;   /* [q] cold hand */
	uint64_t cp_nhot;              /* [q] hot pages */
	uint64_t cp_ncold;             /* [q] resident cold pages */
	uint64_t cp_ntest;             /* [q] resident cold pages on trial */
	uint64_t cp_coldtarget;        /* [q] m_c, adaptive */
	uint64_t cp_freetarg;          /* [q] daemon's free target */

	struct cp_bucket *cp_buckets; /* [q] non-resident history */
	uint64_t cp_nbuckets;         /* [q] a power of two */
	uint64_t cp_nnonres;          /* [q] cookies remembered */
	uint64_t cp_nonresmax;        /* [q] m: most cookies remembered */
	uint64_t cp_testhand;         /* [q] next bucket the test hand visits */

	/* Statistics. [q] */
	uint64_t cp_nscans, cp_nexamined, cp_nreact, cp_nvictims;
	uint64_t cp_nskipped, cp_npromote, cp_ndemote, cp_nrefault;
	uint64_t cp_nexpired, cp_nrecorded, cp_nanfree, cp_ndropswap;
};

#define CP_QUEUED_P(pg) (((pg)->pqflags & (PQ_ACTIVE | PQ_INACTIVE)) != 0)
#define CP_HOT_P(pg)    (((pg)->pqflags & PQ_HOT) != 0)

static inline void
cp_gauges(struct clockpro_state *cp)
{
	uvm_cnt_set(cp->cp_uvm, active, cp->cp_nhot);
	uvm_cnt_set(cp->cp_uvm, inactive, cp->cp_ncold);
}

/* The resident cold target actually used (see the design note). */
static uint64_t
cp_coldtarget_eff(const struct clockpro_state *cp)
{
	uint64_t nres = cp->cp_nhot + cp->cp_ncold;
	uint64_t hi = nres > 1 ? nres - 1 : 1;
	uint64_t lo = MIN(cp->cp_freetarg + 1, hi);

	return MAX(lo, MIN(cp->cp_coldtarget, hi));
}

static uint64_t
cp_hottarget(const struct clockpro_state *cp)
{
	uint64_t nres = cp->cp_nhot + cp->cp_ncold;
	uint64_t ct = cp_coldtarget_eff(cp);

	return nres > ct ? nres - ct : 0;
}

/* Adapt m_c: a trial succeeded (+1) or ended without a reference (-1). */
static void
cp_adapt(struct clockpro_state *cp, int delta)
{
	if (delta > 0 && cp->cp_coldtarget < cp->cp_nonresmax)
		cp->cp_coldtarget++;
	else if (delta < 0 && cp->cp_coldtarget > 1)
		cp->cp_coldtarget--;
}

/*
 * The non-resident history.
 */

/* Hash of a page's identity: its anon, else its object and offset. */
static uint64_t
cp_identity_hash(uint64_t id, uint64_t off)
{
	uint64_t x = id ^ (off * 0x9e3779b97f4a7c15ull);

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

static uint64_t
cp_page_hash(const struct vm_page *pg)
{
	/*
	 * Anons and objects by serial number: host addresses would vary
	 * between runs.  Object serials get the top bit so that they never
	 * meet an anon's.
	 */
	if (pg->uanon != NULL)
		return cp_identity_hash(pg->uanon->an_serial, 0);
	if (pg->uobject != NULL)
		return cp_identity_hash(
		    pg->uobject->uo_serial | (uint64_t)1 << 63,
		    (uint64_t)pg->offset);
	return cp_identity_hash((uint64_t)(uintptr_t)pg, 0);
}

static inline struct cp_bucket *
cp_bucket_of(struct clockpro_state *cp, uint64_t h)
{
	return &cp->cp_buckets[h & (cp->cp_nbuckets - 1)];
}

static inline uint32_t
cp_cookie_of(uint64_t h)
{
	uint32_t c = (uint32_t)(h >> 32);

	return c != 0 ? c : 1;
}

/* Forget the cookie h if remembered; true if it was. */
static bool
cp_hist_remove(struct clockpro_state *cp, uint64_t h)
{
	struct cp_bucket *b = cp_bucket_of(cp, h);
	uint32_t c = cp_cookie_of(h);
	unsigned i;

	for (i = 0; i < CP_BUCKETSIZE; i++) {
		if (b->cb_cookie[i] == c) {
			b->cb_cookie[i] = 0;
			KASSERT(cp->cp_nnonres > 0);
			cp->cp_nnonres--;
			return true;
		}
	}
	return false;
}

/*
 * cp_testhand_step: end the trial of the oldest cookie of the next
 * non-empty bucket.
 */
static void
cp_testhand_step(struct clockpro_state *cp)
{
	struct cp_bucket *b;
	uint64_t n;
	unsigned i, s;

	for (n = 0; n < cp->cp_nbuckets; n++) {
		b = &cp->cp_buckets[cp->cp_testhand];
		cp->cp_testhand = (cp->cp_testhand + 1) & (cp->cp_nbuckets - 1);
		for (i = 0; i < CP_BUCKETSIZE; i++) {
			s = (b->cb_rotor + i) % CP_BUCKETSIZE;
			if (b->cb_cookie[s] != 0) {
				b->cb_cookie[s] = 0;
				cp->cp_nnonres--;
				cp->cp_nexpired++;
				cp_adapt(cp, -1);
				return;
			}
		}
	}
	panic("clockpro: test hand found no cookie among %llu",
	    (unsigned long long)cp->cp_nnonres);
}

/* Remember an evicted page whose trial is still running. */
static void
cp_hist_record(struct clockpro_state *cp, const struct vm_page *pg)
{
	uint64_t h = cp_page_hash(pg);
	struct cp_bucket *b = cp_bucket_of(cp, h);
	unsigned s = b->cb_rotor;

	if (b->cb_cookie[s] != 0) {
		/* The bucket is full: its oldest trial ends now. */
		cp->cp_nnonres--;
		cp->cp_nexpired++;
		cp_adapt(cp, -1);
	}
	b->cb_cookie[s] = cp_cookie_of(h);
	b->cb_rotor = (s + 1) % CP_BUCKETSIZE;
	cp->cp_nnonres++;
	cp->cp_nrecorded++;
	while (cp->cp_nnonres > cp->cp_nonresmax)
		cp_testhand_step(cp);
}

/* (Re)size the history for npages of memory; forgets everything. */
static int
cp_hist_alloc(struct clockpro_state *cp, uint64_t npages)
{
	struct cp_bucket *nb;
	uint64_t max = MAX(npages, CP_MINHIST), n = 1;

	while (n * CP_BUCKETSIZE < 2 * max)
		n <<= 1;
	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return ENOMEM;
	free(cp->cp_buckets);
	cp->cp_buckets = nb;
	cp->cp_nbuckets = n;
	cp->cp_nnonres = 0;
	cp->cp_nonresmax = max;
	cp->cp_testhand = 0;
	if (cp->cp_coldtarget > max)
		cp->cp_coldtarget = max;
	return 0;
}

/*
 * The resident ring.
 */

static inline struct vm_page *
cp_next(struct clockpro_state *cp, struct vm_page *pg)
{
	struct vm_page *n = TAILQ_NEXT(pg, pageq.queue);

	return n != NULL ? n : TAILQ_FIRST(&cp->cp_ring);
}

/* Unlink pg from the ring, moving any hand on it forward. */
static void
cp_ring_remove(struct clockpro_state *cp, struct vm_page *pg)
{
	struct vm_page *next = cp_next(cp, pg);

	if (next == pg) {
		cp->cp_handhot = cp->cp_handcold = NULL;
	} else {
		if (cp->cp_handhot == pg)
			cp->cp_handhot = next;
		if (cp->cp_handcold == pg)
			cp->cp_handcold = next;
	}
	TAILQ_REMOVE(&cp->cp_ring, pg, pageq.queue);
}

/* Link pg at the head of the ring: just behind the hot hand. */
static void
cp_ring_insert_head(struct clockpro_state *cp, struct vm_page *pg)
{
	if (cp->cp_handhot == NULL) {
		KASSERT(TAILQ_EMPTY(&cp->cp_ring));
		TAILQ_INSERT_HEAD(&cp->cp_ring, pg, pageq.queue);
		cp->cp_handhot = cp->cp_handcold = pg;
	} else {
		TAILQ_INSERT_BEFORE(cp->cp_handhot, pg, pageq.queue);
	}
}

/* Link pg where the cold hand will look next. */
static void
cp_ring_insert_coldhand(struct clockpro_state *cp, struct vm_page *pg)
{
	if (cp->cp_handcold == NULL) {
		cp_ring_insert_head(cp, pg);
	} else {
		TAILQ_INSERT_BEFORE(cp->cp_handcold, pg, pageq.queue);
		cp->cp_handcold = pg;
	}
}

/* Forget pg's queue state and counts (it stays linked). */
static void
cp_uncount(struct clockpro_state *cp, struct vm_page *pg)
{
	if (CP_HOT_P(pg)) {
		KASSERT(cp->cp_nhot > 0);
		cp->cp_nhot--;
	} else {
		KASSERT(cp->cp_ncold > 0);
		cp->cp_ncold--;
		if (pg->pqflags & PQ_TEST) {
			KASSERT(cp->cp_ntest > 0);
			cp->cp_ntest--;
		}
	}
	pg->pqflags &= (uint16_t) ~(PQ_ACTIVE | PQ_INACTIVE | PQ_HOT | PQ_TEST);
}

static void
cp_make_hot(struct clockpro_state *cp, struct vm_page *pg)
{
	pg->pqflags |= PQ_ACTIVE | PQ_HOT;
	cp->cp_nhot++;
}

static void
cp_make_cold(struct clockpro_state *cp, struct vm_page *pg, bool test)
{
	pg->pqflags |= PQ_INACTIVE;
	cp->cp_ncold++;
	if (test) {
		pg->pqflags |= PQ_TEST;
		cp->cp_ntest++;
	}
}

/*
 * cp_hothand_step: one step of the hot hand.
 * => returns true if it demoted a hot page
 */
static bool
cp_hothand_step(struct clockpro_state *cp)
{
	struct vm_page *pg = cp->cp_handhot;

	KASSERT(pg != NULL);
	cp->cp_handhot = cp_next(cp, pg);
	if (CP_HOT_P(pg)) {
		if (uvmpdpol_testclear_ref(pg))
			return false;
		cp_uncount(cp, pg);
		cp_make_cold(cp, pg, false);
		cp->cp_ndemote++;
		uvm_cnt_inc(cp->cp_uvm, pddeact);
		return true;
	}
	if (pg->pqflags & PQ_TEST) {
		/* Passed by the hot hand: the trial ends unrewarded. */
		pg->pqflags &= (uint16_t)~PQ_TEST;
		cp->cp_ntest--;
		cp->cp_nexpired++;
		cp_adapt(cp, -1);
	}
	return false;
}

/* Run the hot hand until the hot pages fit their target (bounded). */
static void
cp_run_hothand(struct clockpro_state *cp, uint64_t maxsteps)
{
	uint64_t n;

	for (n = 0; n < maxsteps && cp->cp_nhot > cp_hottarget(cp); n++)
		cp_hothand_step(cp);
}

static int
clockpro_init(struct uvm *uvm, void **privp)
{
	struct clockpro_state *cp;
	uint64_t npages = (uint64_t)uvm_cnt_get(uvm, npages);
	int error;

	cp = calloc(1, sizeof(*cp));
	if (cp == NULL)
		return ENOMEM;
	cp->cp_uvm = uvm;
	TAILQ_INIT(&cp->cp_ring);
	cp->cp_coldtarget = MAX(1, npages * CP_COLDINITPCT / 100);
	error = cp_hist_alloc(cp, npages);
	if (error != 0) {
		free(cp);
		return error;
	}
	cp_gauges(cp);
	*privp = cp;
	return 0;
}

static void
clockpro_fini(struct uvm *uvm, void *priv)
{
	struct clockpro_state *cp = priv;

	KASSERTMSG(TAILQ_EMPTY(&cp->cp_ring),
	    "clockpro_fini: %llu pages still queued",
	    (unsigned long long)(cp->cp_nhot + cp->cp_ncold));
	free(cp->cp_buckets);
	free(cp);
}

static void
clockpro_reinit(void *priv, uint64_t npages)
{
	struct clockpro_state *cp = priv;

	/* On failure keep the old history: it is only less well sized. */
	(void)cp_hist_alloc(cp, npages);
}

static void
clockpro_estimatepageable(void *priv, uint64_t *active, uint64_t *inactive)
{
	struct clockpro_state *cp = priv;

	*active = cp->cp_nhot;
	*inactive = cp->cp_ncold;
}

/*
 * clockpro_pageenqueue: a page became resident.  If its cookie is still
 * remembered it was re-referenced during its trial: hot at once, and cold
 * pages deserve more room.  Otherwise it starts cold, on trial.
 */
static void
clockpro_pageenqueue(void *priv, struct vm_page *pg)
{
	struct clockpro_state *cp = priv;

	KASSERT(!CP_QUEUED_P(pg));
	pg->pqflags &= (uint16_t) ~(PQ_HOT | PQ_TEST | PQ_REFERENCED);
	if (cp_hist_remove(cp, cp_page_hash(pg))) {
		cp->cp_nrefault++;
		cp_adapt(cp, +1);
		cp_make_hot(cp, pg);
	} else {
		cp_make_cold(cp, pg, true);
	}
	cp_ring_insert_head(cp, pg);
	cp_gauges(cp);
}

static void
clockpro_pageactivate(void *priv, struct vm_page *pg)
{
	struct clockpro_state *cp = priv;

	if (!CP_QUEUED_P(pg)) {
		clockpro_pageenqueue(cp, pg);
		return;
	}
	pg->pqflags |= PQ_REFERENCED;
}

static void
clockpro_pagedeactivate(void *priv, struct vm_page *pg)
{
	struct clockpro_state *cp = priv;

	if (CP_QUEUED_P(pg)) {
		cp_uncount(cp, pg);
		cp_ring_remove(cp, pg);
	}
	(void)uvmpdpol_testclear_ref(pg);
	cp_make_cold(cp, pg, false);
	cp_ring_insert_coldhand(cp, pg);
	cp_gauges(cp);
}

static void
clockpro_pagedequeue(void *priv, struct vm_page *pg)
{
	struct clockpro_state *cp = priv;

	if (CP_QUEUED_P(pg)) {
		cp_uncount(cp, pg);
		cp_ring_remove(cp, pg);
		cp_gauges(cp);
	}
	pg->pqflags &= (uint16_t)~PQ_REFERENCED;
}

static bool
clockpro_pageisqueued_p(void *priv, const struct vm_page *pg)
{
	return CP_QUEUED_P(pg);
}

/* A dead anon's cookie could only ever produce a false promotion. */
static void
clockpro_anfree(void *priv, struct vm_anon *anon)
{
	struct clockpro_state *cp = priv;

	if (cp_hist_remove(cp, cp_identity_hash(anon->an_serial, 0)))
		cp->cp_nanfree++;
}

static void
clockpro_tune(void *priv, uint64_t freetarg)
{
	struct clockpro_state *cp = priv;

	cp->cp_freetarg = freetarg;
}

/* The hands keep their places between scans: a scan just starts. */
static void
clockpro_scaninit(void *priv)
{
	struct clockpro_state *cp = priv;

	cp->cp_nscans++;
}

/*
 * clockpro_selectvictim: run the cold hand to the next victim.
 * => returns it claimed, or NULL if every resident page was looked at
 *    twice (or could not be claimed) without finding one
 */
static struct vm_page *
clockpro_selectvictim(void *priv, const struct uvmpdpol_claim *claim)
{
	struct clockpro_state *cp = priv;
	struct uvm *uvm = cp->cp_uvm;
	struct vm_page *pg;
	uint64_t n, k, limit;

	limit = 2 * (cp->cp_nhot + cp->cp_ncold) + 2;
	for (n = 0; n < limit; n++) {
		if (cp->cp_ncold == 0) {
			cp_run_hothand(cp, 2 * cp->cp_nhot + 1);
			/* Two turns clear every bit, then demote. */
			for (k = 0;
			     cp->cp_ncold == 0 && k < 2 * cp->cp_nhot + 2; k++)
				cp_hothand_step(cp);
			if (cp->cp_ncold == 0)
				break;
		}
		pg = cp->cp_handcold;
		cp->cp_handcold = cp_next(cp, pg);
		if (CP_HOT_P(pg))
			continue;
		cp->cp_nexamined++;
		uvm_cnt_inc(uvm, pdscans);
		if (claim != NULL && !claim->pc_claim(pg, claim->pc_arg)) {
			cp->cp_nskipped++;
			continue;
		}
		if (uvmpdpol_testclear_ref(pg)) {
			bool promote = (pg->pqflags & PQ_TEST) != 0;

			cp_uncount(cp, pg);
			cp_ring_remove(cp, pg);
			if (promote) {
				cp_make_hot(cp, pg);
				cp->cp_npromote++;
			} else {
				cp_make_cold(cp, pg, true);
			}
			cp_ring_insert_head(cp, pg);
			cp->cp_nreact++;
			uvm_cnt_inc(uvm, pdreact);
			if (claim != NULL)
				claim->pc_release(pg, claim->pc_arg);
			if (promote)
				cp_run_hothand(
				    cp, 2 * (cp->cp_nhot + cp->cp_ncold) + 1);
			continue;
		}
		if (pg->pqflags & PQ_TEST) {
			/* Its trial continues in the history. */
			pg->pqflags &= (uint16_t)~PQ_TEST;
			cp->cp_ntest--;
			cp_hist_record(cp, pg);
		}
		cp->cp_nvictims++;
		cp_gauges(cp);
		return pg;
	}
	cp_gauges(cp);
	return NULL;
}

static void
clockpro_balancequeue(
    void *priv, int64_t swap_shortage, const struct uvmpdpol_claim *claim)
{
	struct clockpro_state *cp = priv;
	struct vm_page *pg;
	uint64_t n, nres;

	cp_run_hothand(cp, 2 * (cp->cp_nhot + cp->cp_ncold) + 1);
	if (claim == NULL || claim->pc_dropswap == NULL)
		swap_shortage = 0;
	/*
	 * Under a swap shortage give back the swap copies of hot pages:
	 * they are the resident pages least likely to be evicted soon.
	 */
	nres = cp->cp_nhot + cp->cp_ncold;
	for (pg = cp->cp_handhot, n = 0;
	     pg != NULL && swap_shortage > 0 && n < nres;
	     pg = cp_next(cp, pg), n++) {
		if (!CP_HOT_P(pg) || !UVMPDPOL_SWAPBACKED_P(pg))
			continue;
		if (!claim->pc_claim(pg, claim->pc_arg))
			continue;
		if (claim->pc_dropswap(pg, claim->pc_arg)) {
			swap_shortage--;
			cp->cp_ndropswap++;
		}
		claim->pc_release(pg, claim->pc_arg);
	}
	cp_gauges(cp);
}

static bool
clockpro_needsscan_p(void *priv)
{
	struct clockpro_state *cp = priv;

	return cp->cp_nhot > cp_hottarget(cp);
}

static void
clockpro_idle(void *priv)
{
	struct clockpro_state *cp = priv;

	cp_run_hothand(cp, CP_IDLE_STEPS);
	cp_gauges(cp);
}

static unsigned
clockpro_stats(void *priv, struct uvmpdpol_stat *st, unsigned max)
{
	struct clockpro_state *cp = priv;
	unsigned n = 0;

#define CP_STAT(name, v) UVMPDPOL_STAT(st, n, max, name, v)
	CP_STAT("hot pages", cp->cp_nhot);
	CP_STAT("cold pages", cp->cp_ncold);
	CP_STAT("cold pages on trial", cp->cp_ntest);
	CP_STAT("cold target (adaptive)", cp->cp_coldtarget);
	CP_STAT("cold target (effective)", cp_coldtarget_eff(cp));
	CP_STAT("non-resident pages remembered", cp->cp_nnonres);
	CP_STAT("non-resident limit", cp->cp_nonresmax);
	CP_STAT("scans started", cp->cp_nscans);
	CP_STAT("cold pages examined", cp->cp_nexamined);
	CP_STAT("cold pages reactivated", cp->cp_nreact);
	CP_STAT("victims selected", cp->cp_nvictims);
	CP_STAT("candidates skipped (owner busy)", cp->cp_nskipped);
	CP_STAT("promotions to hot", cp->cp_npromote);
	CP_STAT("demotions to cold", cp->cp_ndemote);
	CP_STAT("refaults during trial", cp->cp_nrefault);
	CP_STAT("trials expired", cp->cp_nexpired);
	CP_STAT("evicted pages recorded", cp->cp_nrecorded);
	CP_STAT("cookies dropped by anfree", cp->cp_nanfree);
	CP_STAT("swap copies dropped", cp->cp_ndropswap);
#undef CP_STAT
	return n < max ? n : max;
}

/*
 * clockpro_sanity: check the invariants listed at struct clockpro_state.
 */
static void
clockpro_sanity(void *priv)
{
	struct clockpro_state *cp = priv;
	struct vm_page *pg;
	uint64_t nhot = 0, ncold = 0, ntest = 0, ncookies = 0, i;
	bool hotseen = false, coldseen = false;
	unsigned s;

	TAILQ_FOREACH (pg, &cp->cp_ring, pageq.queue) {
		uint16_t f = pg->pqflags & (uint16_t)~PQ_REFERENCED;

		KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
		KASSERTMSG(pg->wire_count == 0, "clockpro: wired page queued");
		if (f == (PQ_ACTIVE | PQ_HOT)) {
			nhot++;
		} else if (f == PQ_INACTIVE) {
			ncold++;
		} else if (f == (PQ_INACTIVE | PQ_TEST)) {
			ncold++;
			ntest++;
		} else {
			panic("clockpro: page %p has pqflags %#x", (void *)pg,
			    pg->pqflags);
		}
		if (pg == cp->cp_handhot)
			hotseen = true;
		if (pg == cp->cp_handcold)
			coldseen = true;
	}
	KASSERTMSG(nhot == cp->cp_nhot && ncold == cp->cp_ncold &&
		ntest == cp->cp_ntest,
	    "clockpro: counts hot %llu/%llu cold %llu/%llu test %llu/%llu",
	    (unsigned long long)nhot, (unsigned long long)cp->cp_nhot,
	    (unsigned long long)ncold, (unsigned long long)cp->cp_ncold,
	    (unsigned long long)ntest, (unsigned long long)cp->cp_ntest);
	if (TAILQ_EMPTY(&cp->cp_ring))
		KASSERT(cp->cp_handhot == NULL && cp->cp_handcold == NULL);
	else
		KASSERTMSG(
		    hotseen && coldseen, "clockpro: a hand is off the ring");
	KASSERT(powerof2_p(cp->cp_nbuckets));
	for (i = 0; i < cp->cp_nbuckets; i++) {
		KASSERT(cp->cp_buckets[i].cb_rotor < CP_BUCKETSIZE);
		for (s = 0; s < CP_BUCKETSIZE; s++)
			if (cp->cp_buckets[i].cb_cookie[s] != 0)
				ncookies++;
	}
	KASSERTMSG(ncookies == cp->cp_nnonres,
	    "clockpro: %llu cookies, count %llu", (unsigned long long)ncookies,
	    (unsigned long long)cp->cp_nnonres);
	KASSERT(cp->cp_nnonres <= cp->cp_nonresmax);
	KASSERT(cp->cp_testhand < cp->cp_nbuckets);
	KASSERT(
	    cp->cp_coldtarget >= 1 && cp->cp_coldtarget <= cp->cp_nonresmax);
	KASSERT(uvm_cnt_get(cp->cp_uvm, active) == (int64_t)cp->cp_nhot);
	KASSERT(uvm_cnt_get(cp->cp_uvm, inactive) == (int64_t)cp->cp_ncold);
}

static void
clockpro_printit(void *priv, FILE *fp)
{
	struct clockpro_state *cp = priv;
	struct vm_page *pg;
	unsigned i = 0;

	fprintf(fp,
	    "CLOCK-Pro: hot %llu (target %llu) cold %llu (target %llu, "
	    "adaptive %llu) on trial %llu, non-resident %llu/%llu\n",
	    (unsigned long long)cp->cp_nhot,
	    (unsigned long long)cp_hottarget(cp),
	    (unsigned long long)cp->cp_ncold,
	    (unsigned long long)cp_coldtarget_eff(cp),
	    (unsigned long long)cp->cp_coldtarget,
	    (unsigned long long)cp->cp_ntest,
	    (unsigned long long)cp->cp_nnonres,
	    (unsigned long long)cp->cp_nonresmax);
	fprintf(fp,
	    "  ring (H hot, C cold, T on trial, * referenced; "
	    "<h hot hand, <c cold hand):");
	TAILQ_FOREACH (pg, &cp->cp_ring, pageq.queue) {
		if (i++ == 64) {
			fprintf(fp, " ...");
			break;
		}
		fprintf(fp, " %u%s%s%s%s", pg->phys_pfn,
		    CP_HOT_P(pg)                  ? "H"
			: (pg->pqflags & PQ_TEST) ? "T"
						  : "C",
		    (pg->pqflags & PQ_REFERENCED) ? "*" : "",
		    pg == cp->cp_handhot ? "<h" : "",
		    pg == cp->cp_handcold ? "<c" : "");
	}
	fprintf(fp, "\n");
}

const struct uvm_pdpolicy_ops uvmpdpol_clockpro_ops = {
    .pdo_name = "clockpro",
    .pdo_init = clockpro_init,
    .pdo_fini = clockpro_fini,
    .pdo_reinit = clockpro_reinit,
    .pdo_estimatepageable = clockpro_estimatepageable,
    .pdo_pageactivate = clockpro_pageactivate,
    .pdo_pagedeactivate = clockpro_pagedeactivate,
    .pdo_pagedequeue = clockpro_pagedequeue,
    .pdo_pageenqueue = clockpro_pageenqueue,
    .pdo_pageisqueued_p = clockpro_pageisqueued_p,
    .pdo_anfree = clockpro_anfree,
    .pdo_tune = clockpro_tune,
    .pdo_scaninit = clockpro_scaninit,
    .pdo_selectvictim = clockpro_selectvictim,
    .pdo_balancequeue = clockpro_balancequeue,
    .pdo_needsscan_p = clockpro_needsscan_p,
    .pdo_idle = clockpro_idle,
    .pdo_stats = clockpro_stats,
    .pdo_sanity = clockpro_sanity,
    .pdo_printit = clockpro_printit,
};
