/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_pdpolicy.c: the replacement policies.  Reference strings replayed on a
 * tiny simulated memory whose CLOCK and CLOCK-Pro victim sequences were
 * worked out by hand (derivations below), queue accounting for enqueue,
 * activate, deactivate and dequeue, targets and balancing, the claim and
 * drop-swap hooks, CLOCK-Pro's non-resident history and anfree, the
 * statistics and printers.  The policy checker runs after every operation.
 *
 * References are made through the pmap: entering a mapping with an access
 * type sets the page's referenced bit, which outlives the mapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "pmap/pmap.h"

#define PGSZ     4096u
#define MAXPAGES 64

/* The fixture's machine with a given policy. */
static int
setup_policy(void **state, const char *policy, int inactivepct)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_policy = policy;
	cfg.uc_inactivepct = inactivepct;
	th_setup_cfg(state, &cfg);
	/*
	 * The page daemon tunes the policy to its free target; the
	 * sequences derived by hand below assume a target of 0.
	 */
	uvmpdpol_tune(TH_UVM(state), 0);
	return 0;
}

static int
setup_clock(void **state)
{
	return setup_policy(state, "clock", 0);
}

static int
setup_clock67(void **state)
{
	return setup_policy(state, "clock", 67);
}

static int
setup_clockpro(void **state)
{
	return setup_policy(state, "clockpro", 0);
}

static void
check(struct uvm *uvm)
{
	uvmpdpol_sanity(uvm);
}

static struct pmap *tpm;

/* Reference pg once, as an access through a mapping would. */
static void
touch(struct uvm *uvm, struct vm_page *pg)
{
	const vaddr_t va = 0x10000;

	if (tpm == NULL)
		tpm = pmap_create(uvm);
	assert_int_equal(pmap_enter(tpm, va, VM_PAGE_TO_PHYS(uvm, pg),
			     VM_PROT_READ, VM_PROT_READ),
	    0);
	pmap_remove(tpm, va, va + PGSZ);
}

static void
touch_done(void)
{
	if (tpm != NULL)
		pmap_destroy(tpm);
	tpm = NULL;
}

static struct vm_page *
newpage(struct uvm *uvm)
{
	struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);

	assert_non_null(pg);
	return pg;
}

static void
freepage(struct uvm *uvm, struct vm_page *pg)
{
	pg->uobject = NULL;
	pg->uanon = NULL;
	pg->offset = 0;
	uvm_pagefree(pg);
	check(uvm);
}

static int64_t
stat_of(struct uvm *uvm, const char *name)
{
	struct uvmpdpol_stat st[UVMPDPOL_MAXSTATS];
	unsigned n = uvmpdpol_stats(uvm, st, UVMPDPOL_MAXSTATS), i;

	for (i = 0; i < n; i++)
		if (strcmp(st[i].ps_name, name) == 0)
			return st[i].ps_value;
	fail_msg("policy %s has no statistic \"%s\"", uvmpdpol_name(uvm), name);
	abort();
}

/*
 * A memory of `frames` page frames replaying a reference string of page
 * numbers 1..MAXPAGES-1.  A page's identity (what CLOCK-Pro remembers) is
 * a made-up object and the page number as offset.  A hit references the
 * page; a miss with memory full reclaims exactly one page the way the
 * page daemon does (balancequeue, scaninit, selectvictim), frees it, and
 * brings the new page in (enqueue; referenced too if touch_on_miss).
 */
struct sim {
	struct uvm *s_uvm;
	unsigned s_frames, s_nres;
	bool s_touch_on_miss;
	struct vm_page *s_res[MAXPAGES]; /* by page number */
	int s_victims[MAXPAGES];
	unsigned s_nvictims;
};

/* A stand-in owner: the policy only reads its identity (serial 0). */
static struct uvm_object sim_object;

static int
sim_pageno(const struct vm_page *pg)
{
	return (int)(pg->offset / PGSZ);
}

static void
sim_ref(struct sim *s, int p)
{
	struct uvm *uvm = s->s_uvm;
	struct vm_page *pg = s->s_res[p];

	if (pg != NULL) {
		touch(uvm, pg);
		return;
	}
	if (s->s_nres == s->s_frames) {
		struct vm_page *v;
		int vp;

		uvmpdpol_balancequeue(uvm, 0, NULL);
		check(uvm);
		uvmpdpol_scaninit(uvm);
		v = uvmpdpol_selectvictim(uvm, NULL);
		assert_non_null(v);
		check(uvm);
		vp = sim_pageno(v);
		assert_ptr_equal(s->s_res[vp], v);
		s->s_victims[s->s_nvictims++] = vp;
		s->s_res[vp] = NULL;
		s->s_nres--;
		freepage(uvm, v);
	}
	pg = newpage(uvm);
	pg->uobject = &sim_object;
	pg->offset = (voff_t)p * PGSZ;
	uvmpdpol_pageenqueue(uvm, pg);
	if (s->s_touch_on_miss)
		touch(uvm, pg);
	check(uvm);
	s->s_res[p] = pg;
	s->s_nres++;
}

static void
sim_run(struct sim *s, const int *refs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sim_ref(s, refs[i]);
}

static void
sim_done(struct sim *s)
{
	for (int p = 0; p < MAXPAGES; p++)
		if (s->s_res[p] != NULL)
			freepage(s->s_uvm, s->s_res[p]);
	touch_done();
}

/*
 * CLOCK, 3 frames, inactivepct 67 (inactive target: 2 of 3 pages), a miss
 * references the new page.  A = active queue, I = inactive queue, head
 * first, R = referenced.  Reclaim = deactivate from the head of A (clearing
 * R) until |I| >= 2, then scan I from its head: R -> back to the tail of A
 * without R; else victim.
 *
 *	ref  state after                         victim
 *	1,2,3 A=[1R 2R 3R] I=[]
 *	1    (hit)
 *	4    I=[1 2] -> 1; A=[3R 4R] I=[2]         1
 *	1    I=[2 3] -> 2; A=[4R 1R] I=[3]         2
 *	5    I=[3 4] -> 3; A=[1R 5R] I=[4]         3
 *	4    I=[4R]
 *	2    I=[4R 1]: 4 second chance, 1 -> victim;
 *	     A=[5R 4 2R] I=[]                      1
 *	3    I=[5 4] -> 5; A=[2R 3R] I=[4]         5
 *	4    I=[4R]
 *	5    I=[4R 2]: 4 second chance, 2 -> victim;
 *	     A=[3R 4 5R] I=[]                      2
 */
static void
test_clock_reference_string(void **state)
{
	static const int refs[] = {1, 2, 3, 1, 4, 1, 5, 4, 2, 3, 4, 5};
	static const int want[] = {1, 2, 3, 1, 5, 2};
	struct sim s = {
	    .s_uvm = TH_UVM(state), .s_frames = 3, .s_touch_on_miss = true};
	int64_t react0 = uvm_cnt_get(s.s_uvm, pdreact);

	assert_string_equal(uvmpdpol_name(s.s_uvm), "clock");
	sim_run(&s, refs, __arraycount(refs));
	assert_int_equal(s.s_nvictims, __arraycount(want));
	assert_memory_equal(s.s_victims, want, sizeof(want));
	assert_int_equal(uvm_cnt_get(s.s_uvm, pdreact) - react0, 2);
	assert_int_equal(stat_of(s.s_uvm, "second chances (reactivated)"), 2);
	assert_int_equal(stat_of(s.s_uvm, "victims selected"), 6);
	/* Final queues: A=[3 4 5], I=[]. */
	assert_int_equal(uvm_cnt_get(s.s_uvm, active), 3);
	assert_int_equal(uvm_cnt_get(s.s_uvm, inactive), 0);
	sim_done(&s);
}

/*
 * CLOCK-Pro, 4 frames, a miss does not reference the page.  With 4
 * resident pages the cold target is 3 (m - 1; the adaptive m_c starts at
 * 1% of 4096 pages = 40 and stays far above), so the hot target is 1.
 * Listing the ring from the hot hand; new pages go at the end (just behind
 * the hot hand).  T = cold on trial, C = cold, H = hot, R = referenced;
 * hc = cold hand.
 *
 *  1 2 3 4  [1T 2T 3T 4T] hc=1
 *  1        1 R
 *  5        cold hand: 1 R on trial -> hot, to the end: [2T 3T 4T 1H];
 *           2 -> victim, remembered.  5 in: [3T 4T 1H 5T] hc=3      victim 2
 *  1        1 R
 *  2        3 -> victim, remembered.  [4T 1HR 5T] hc=4; 2 was
 *           remembered: in hot: [4T 1HR 5T 2H]                       victim 3
 *  3        2 hot > 1: hot hand: 4 trial ends (C), 1 R cleared, 5 trial
 *           ends (C), 2 demoted (C).  [4C 1H 5C 2C] hc=4;
 *           4 -> victim (not on trial: forgotten).  3 remembered: hot:
 *           [1H 5C 2C 3H] hc=1                                       victim 4
 *  1 5      1 R, 5 R
 *  6        hot hand: 1 R cleared, 5 and 2 cold, 3 demoted:
 *           [1H 5CR 2C 3C]; cold hand: 1 hot, 5 R (trial over) -> new
 *           trial, to the end: [1H 2C 3C 5T]; 2 -> victim.  6 in:
 *           [1H 3C 5T 6T] hc=3                                       victim 2
 *  4        3 -> victim.  [1H 5T 6T 4T] hc=5                         victim 3
 *  2        5 -> victim, remembered.  [1H 6T 4T 2T] hc=6             victim 5
 *  5        6 -> victim, remembered.  5 remembered: hot.
 *           [1H 4T 2T 5H] hc=4                                       victim 6
 *
 * Three refaults during a trial (2, 3, 5: m_c + 3), two trials ended by
 * the hot hand (4, 5: m_c - 2), one promotion by the cold hand (1), two
 * demotions (2, 3), one cookie left (6).
 */
static void
test_clockpro_reference_string(void **state)
{
	static const int refs[] = {1, 2, 3, 4, 1, 5, 1, 2, 3, 1, 5, 6, 4, 2, 5};
	static const int want[] = {2, 3, 4, 2, 3, 5, 6};
	struct sim s = {.s_uvm = TH_UVM(state), .s_frames = 4};
	int64_t mc0;

	assert_string_equal(uvmpdpol_name(s.s_uvm), "clockpro");
	mc0 = stat_of(s.s_uvm, "cold target (adaptive)");
	assert_int_equal(mc0, 40);
	sim_run(&s, refs, __arraycount(refs));
	assert_int_equal(s.s_nvictims, __arraycount(want));
	assert_memory_equal(s.s_victims, want, sizeof(want));
	assert_int_equal(stat_of(s.s_uvm, "refaults during trial"), 3);
	assert_int_equal(stat_of(s.s_uvm, "trials expired"), 2);
	assert_int_equal(stat_of(s.s_uvm, "promotions to hot"), 1);
	assert_int_equal(stat_of(s.s_uvm, "demotions to cold"), 2);
	assert_int_equal(stat_of(s.s_uvm, "cold pages reactivated"), 2);
	assert_int_equal(stat_of(s.s_uvm, "non-resident pages remembered"), 1);
	assert_int_equal(stat_of(s.s_uvm, "cold target (adaptive)"), mc0 + 1);
	assert_int_equal(stat_of(s.s_uvm, "hot pages"), 2);
	assert_int_equal(stat_of(s.s_uvm, "cold pages on trial"), 2);
	assert_int_equal(uvm_cnt_get(s.s_uvm, active), 2);
	assert_int_equal(uvm_cnt_get(s.s_uvm, inactive), 2);
	sim_done(&s);
}

/*
 * A long random reference string (a hot set of 6 pages and a cold tail of
 * 40) on 12 frames, replayed twice on fresh machines: the checker runs
 * after every step, and the two victim sequences must be identical.
 */
static void
random_string(struct uvm *uvm, int *victims, unsigned *nvictims)
{
	struct sim s = {.s_uvm = uvm, .s_frames = 12};
	struct th_rng rng;
	unsigned i;

	th_rng_seed(&rng, 5);
	for (i = 0; i < 600; i++) {
		int p = th_rng_below(&rng, 3) != 0
		    ? 1 + (int)th_rng_below(&rng, 6)
		    : 7 + (int)th_rng_below(&rng, 40);

		sim_ref(&s, p);
		if (s.s_nvictims == MAXPAGES) {
			memcpy(victims + *nvictims, s.s_victims,
			    sizeof(s.s_victims));
			*nvictims += s.s_nvictims;
			s.s_nvictims = 0;
			assert_true(*nvictims + MAXPAGES <= 600);
		}
	}
	memcpy(victims + *nvictims, s.s_victims, s.s_nvictims * sizeof(int));
	*nvictims += s.s_nvictims;
	sim_done(&s);
}

static void
test_random_deterministic(void **state)
{
	struct uvm *uvm = TH_UVM(state), *uvm2;
	static int v1[600], v2[600];
	unsigned n1 = 0, n2 = 0, i, hot = 0;
	struct uvm_config cfg;

	random_string(uvm, v1, &n1);
	th_config(&cfg);
	cfg.uc_policy = uvmpdpol_name(uvm);
	uvm2 = th_create(&cfg);
	uvmpdpol_tune(uvm2, 0); /* as setup_policy() */
	random_string(uvm2, v2, &n2);
	uvm_destroy(uvm2);
	assert_int_equal(n1, n2);
	assert_memory_equal(v1, v2, n1 * sizeof(int));
	/*
	 * The hot set (6 of 46 pages) gets 2/3 of the references: it is
	 * evicted far less than its share of the references.  (Seen: CLOCK
	 * 234 victims, 73 hot; CLOCK-Pro 193 victims, 26 hot.)
	 */
	for (i = 0; i < n1; i++)
		if (v1[i] <= 6)
			hot++;
	assert_true(n1 > 100);
	assert_true(hot * 3 < n1);
}

/* Enqueue, activate, deactivate, dequeue: counts, flags, gauges. */
static void
queue_accounting(struct uvm *uvm)
{
	struct vm_page *pg[10];
	uint64_t a, i, n;
	unsigned k;

	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 0);
	for (k = 0; k < 10; k++) {
		pg[k] = newpage(uvm);
		assert_false(uvmpdpol_pageisqueued_p(uvm, pg[k]));
		uvmpdpol_pageenqueue(uvm, pg[k]);
		check(uvm);
		assert_true(uvmpdpol_pageisqueued_p(uvm, pg[k]));
	}
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 10);
	assert_int_equal(uvm_cnt_get(uvm, active), (int64_t)a);
	assert_int_equal(uvm_cnt_get(uvm, inactive), (int64_t)i);
	/* Deactivation makes a page inactive (cold), repeatedly. */
	for (k = 0; k < 4; k++) {
		uvmpdpol_pagedeactivate(uvm, pg[k]);
		uvmpdpol_pagedeactivate(uvm, pg[k]);
		check(uvm);
		assert_true(pg[k]->pqflags & PQ_INACTIVE);
	}
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 10);
	assert_true(i >= 4);
	/* Activation keeps the page queued; repeated calls are harmless. */
	for (k = 0; k < 10; k++) {
		uvmpdpol_pageactivate(uvm, pg[k]);
		uvmpdpol_pageactivate(uvm, pg[k]);
		check(uvm);
	}
	uvmpdpol_estimatepageable(uvm, &a, &n);
	assert_int_equal(a + n, 10);
	/* Dequeue takes pages out for good; twice is harmless. */
	for (k = 0; k < 10; k += 2) {
		uvmpdpol_pagedequeue(uvm, pg[k]);
		uvmpdpol_pagedequeue(uvm, pg[k]);
		check(uvm);
		assert_false(uvmpdpol_pageisqueued_p(uvm, pg[k]));
		assert_int_equal(pg[k]->pqflags, 0);
	}
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 5);
	/* Activating an unqueued page (an unwired one) queues it. */
	uvmpdpol_pageactivate(uvm, pg[0]);
	assert_true(uvmpdpol_pageisqueued_p(uvm, pg[0]));
	/* ... and deactivating one queues it inactive. */
	uvmpdpol_pagedeactivate(uvm, pg[2]);
	assert_true(pg[2]->pqflags & PQ_INACTIVE);
	check(uvm);
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 7);
	/* uvm_pagefree dequeues. */
	for (k = 0; k < 10; k++)
		freepage(uvm, pg[k]);
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(a + i, 0);
	assert_int_equal(uvm_cnt_get(uvm, active), 0);
	assert_int_equal(uvm_cnt_get(uvm, inactive), 0);
}

static void
test_queue_accounting(void **state)
{
	queue_accounting(TH_UVM(state));
}

/* CLOCK's inactive target, balancing, needsscan and tune. */
static void
test_clock_targets(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg[30];
	uint64_t a, i;
	unsigned k;

	for (k = 0; k < 30; k++) {
		pg[k] = newpage(uvm);
		uvmpdpol_pageenqueue(uvm, pg[k]);
	}
	/* New pages are active; 33% of 30 should be inactive. */
	assert_int_equal(stat_of(uvm, "inactive percentage"), 33);
	assert_true(uvmpdpol_needsscan_p(uvm));
	uvmpdpol_balancequeue(uvm, 0, NULL);
	check(uvm);
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(i, 9);
	assert_int_equal(a, 21);
	assert_false(uvmpdpol_needsscan_p(uvm));
	/* The oldest activations went: pg[0..8]. */
	for (k = 0; k < 30; k++)
		assert_int_equal((pg[k]->pqflags & PQ_INACTIVE) != 0, k < 9);
	assert_int_equal(uvm_cnt_get(uvm, pddeact), 9);
	/* The target is never below freetarg + 1. */
	uvmpdpol_tune(uvm, 20);
	assert_int_equal(stat_of(uvm, "inactive target"), 21);
	assert_true(uvmpdpol_needsscan_p(uvm));
	/* idle() moves toward the target a few pages at a time. */
	uvmpdpol_idle(uvm);
	check(uvm);
	uvmpdpol_estimatepageable(uvm, &a, &i);
	assert_int_equal(i, 21);
	uvmpdpol_tune(uvm, 0);
	/* A scan without references frees the inactive pages in order. */
	uvmpdpol_scaninit(uvm);
	for (k = 0; k < 9; k++) {
		struct vm_page *v = uvmpdpol_selectvictim(uvm, NULL);

		assert_ptr_equal(v, pg[k]);
		freepage(uvm, v);
		pg[k] = NULL;
	}
	/* The scan walks on over the pages idle() deactivated. */
	for (k = 9; k < 21; k++)
		assert_ptr_equal(uvmpdpol_selectvictim(uvm, NULL), pg[k]);
	assert_null(uvmpdpol_selectvictim(uvm, NULL));
	assert_null(uvmpdpol_selectvictim(uvm, NULL));
	for (k = 0; k < 30; k++)
		if (pg[k] != NULL)
			freepage(uvm, pg[k]);
}

/* The claim hook: refused pages are skipped, claims are balanced. */
struct claimlog {
	struct vm_page *cl_refuse;
	unsigned cl_claims, cl_releases, cl_drops;
};

static bool
cl_claim(struct vm_page *pg, void *arg)
{
	struct claimlog *cl = arg;

	if (pg == cl->cl_refuse)
		return false;
	cl->cl_claims++;
	return true;
}

static void
cl_release(struct vm_page *pg, void *arg)
{
	struct claimlog *cl = arg;

	cl->cl_releases++;
}

static bool
cl_dropswap(struct vm_page *pg, void *arg)
{
	struct claimlog *cl = arg;

	cl->cl_drops++;
	return true;
}

static void
test_claim_hooks(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct claimlog cl = {0};
	const struct uvmpdpol_claim claim = {
	    cl_claim, cl_release, cl_dropswap, &cl};
	struct vm_page *pg[6], *v;
	unsigned k, nvict = 0;

	for (k = 0; k < 6; k++) {
		pg[k] = newpage(uvm);
		uvmpdpol_pageenqueue(uvm, pg[k]);
		uvmpdpol_pagedeactivate(uvm, pg[k]);
	}
	check(uvm);
	touch(uvm, pg[2]);
	cl.cl_refuse = pg[0];
	uvmpdpol_scaninit(uvm);
	/* pg[1], pg[3], pg[4], pg[5] in some order (CLOCK-Pro never stops). */
	for (k = 0; k < 4; k++) {
		v = uvmpdpol_selectvictim(uvm, &claim);
		assert_non_null(v);
		assert_true(v != pg[0] && v != pg[2]);
		nvict++;
		/* The daemon keeps the page and releases its claim. */
		cl_release(v, &cl);
	}
	check(uvm);
	assert_int_equal(nvict, 4);
	assert_int_equal(cl.cl_claims, cl.cl_releases);
	if (strcmp(uvmpdpol_name(uvm), "clock") == 0) {
		/* The scan passed the refused page and ends. */
		assert_null(uvmpdpol_selectvictim(uvm, &claim));
		assert_int_equal(
		    stat_of(uvm, "candidates skipped (owner busy)"), 1);
	}

	if (strcmp(uvmpdpol_name(uvm), "clock") != 0)
		goto out;
	/* Under a swap shortage, swap-backed active pages give slots back. */
	for (k = 0; k < 6; k++) {
		uvmpdpol_pageactivate(uvm, pg[k]);
		pg[k]->flags |= PG_AOBJ;
	}
	cl.cl_refuse = NULL;
	cl.cl_claims = cl.cl_releases = 0;
	uvmpdpol_balancequeue(uvm, 2, &claim);
	check(uvm);
	assert_int_equal(cl.cl_drops, 2);
	assert_int_equal(cl.cl_claims, cl.cl_releases);
	assert_int_equal(stat_of(uvm, "swap copies dropped"), 2);
out:
	for (k = 0; k < 6; k++) {
		pg[k]->flags &= ~PG_AOBJ;
		freepage(uvm, pg[k]);
	}
	touch_done();
}

/* CLOCK-Pro: anfree forgets an anon's cookie; deactivate = next victim. */
static void
test_clockpro_history(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static char fake_anon[64];
	struct vm_page *pg[4], *v;
	unsigned k;

	for (k = 0; k < 4; k++) {
		pg[k] = newpage(uvm);
		uvmpdpol_pageenqueue(uvm, pg[k]);
		assert_true(pg[k]->pqflags & PQ_TEST);
	}
	pg[0]->uanon = (struct vm_anon *)(void *)fake_anon;
	/* Evicted on trial: remembered. */
	v = uvmpdpol_selectvictim(uvm, NULL);
	assert_ptr_equal(v, pg[0]);
	assert_int_equal(stat_of(uvm, "non-resident pages remembered"), 1);
	freepage(uvm, pg[0]);
	/* The anon dies: forgotten, and a new page of it is not hot. */
	uvmpdpol_anfree(uvm, (struct vm_anon *)(void *)fake_anon);
	assert_int_equal(stat_of(uvm, "non-resident pages remembered"), 0);
	assert_int_equal(stat_of(uvm, "cookies dropped by anfree"), 1);
	pg[0] = newpage(uvm);
	pg[0]->uanon = (struct vm_anon *)(void *)fake_anon;
	uvmpdpol_pageenqueue(uvm, pg[0]);
	assert_false(pg[0]->pqflags & PQ_HOT);
	check(uvm);
	/* A deactivated page is the cold hand's next victim. */
	uvmpdpol_pagedeactivate(uvm, pg[3]);
	assert_int_equal(pg[3]->pqflags & (PQ_TEST | PQ_HOT), 0);
	check(uvm);
	assert_ptr_equal(uvmpdpol_selectvictim(uvm, NULL), pg[3]);
	assert_int_equal(stat_of(uvm, "non-resident pages remembered"), 0);
	/*
	 * Ring from the hot hand: [1T 2T 0T 3C], cold hand after 3.
	 * Referenced on trial, 1 and 2 become hot; with 4 pages the hot
	 * target is 1, so the hot hand ends 0's trial and demotes 1 (its
	 * bit was used up by the promotion); 0 is the next victim.
	 */
	touch(uvm, pg[1]);
	touch(uvm, pg[2]);
	assert_ptr_equal(uvmpdpol_selectvictim(uvm, NULL), pg[0]);
	check(uvm);
	assert_int_equal(pg[1]->pqflags & PQ_HOT, 0);
	assert_int_equal(pg[2]->pqflags & PQ_HOT, PQ_HOT);
	assert_int_equal(stat_of(uvm, "promotions to hot"), 2);
	assert_int_equal(stat_of(uvm, "demotions to cold"), 1);
	/* Under a swap shortage, hot swap-backed pages give slots back. */
	{
		struct claimlog cl = {0};
		const struct uvmpdpol_claim claim = {
		    cl_claim, cl_release, cl_dropswap, &cl};

		for (k = 0; k < 4; k++)
			pg[k]->flags |= PG_AOBJ;
		uvmpdpol_balancequeue(uvm, 3, &claim);
		assert_int_equal(cl.cl_drops, 1);
		assert_int_equal(cl.cl_claims, cl.cl_releases);
		for (k = 0; k < 4; k++)
			pg[k]->flags &= ~PG_AOBJ;
	}
	for (k = 0; k < 4; k++)
		freepage(uvm, pg[k]);
	touch_done();
}

/* Statistics and printers of both policies. */
static void
test_printers(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvmpdpol_stat st[2];
	struct vm_page *pg = newpage(uvm);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	uvmpdpol_pageenqueue(uvm, pg);
	assert_int_equal(uvmpdpol_stats(uvm, st, 2), 2);
	uvmpdpol_stats_print(uvm, fp);
	uvmpdpol_printit(uvm, fp);
	fclose(fp);
	assert_non_null(strstr(buf, uvmpdpol_name(uvm)));
	assert_non_null(strstr(buf, "victims selected"));
	free(buf);
	freepage(uvm, pg);
}

#define BOTH(t)                                                       \
	cmocka_unit_test_setup_teardown(t, setup_clock, th_teardown), \
	    cmocka_unit_test_setup_teardown(t, setup_clockpro, th_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_clock_reference_string, setup_clock67, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_clockpro_reference_string, setup_clockpro, th_teardown),
	    BOTH(test_random_deterministic),
	    cmocka_unit_test_setup_teardown(
		test_clock_targets, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_clockpro_history, setup_clockpro, th_teardown),
	    BOTH(test_queue_accounting),
	    BOTH(test_claim_hooks),
	    BOTH(test_printers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
