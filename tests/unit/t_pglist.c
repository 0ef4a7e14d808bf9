/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_pglist.c: unit tests of uvm_pglist.c: argument checking, contiguous
 * runs with alignment and boundary at segment edges (exhaustive small
 * cases against a brute-force search over random free maps), scattered
 * allocation, allocation in a few runs, reserves, other page sizes.
 */
#include <errno.h>

#include "t_harness.h"

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"

#define PS 4096u

/* Four segments, on free lists 0, 1, 0, 2, with gaps between them. */
static int
setup_segs(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 4;
	cfg.uc_segs[0] = (struct uvm_config_seg){16, 40, 0};
	cfg.uc_segs[1] = (struct uvm_config_seg){60, 30, 1};
	cfg.uc_segs[2] = (struct uvm_config_seg){96, 50, 0};
	cfg.uc_segs[3] = (struct uvm_config_seg){160, 16, 2};
	cfg.uc_reserve_pagedaemon = 1;
	cfg.uc_reserve_kernel = 1;
	return th_setup_cfg(state, &cfg);
}

static bool
t_free_p(struct uvm *uvm, uint64_t pfn)
{
	struct vm_page *pg = uvm_physseg_pfn_to_page(uvm, pfn);

	return pg != NULL && (pg->flags & PG_FREE) != 0;
}

/* Take frame pfn (free) out of circulation onto list. */
static void
t_hole(struct uvm *uvm, uint64_t pfn, struct pglist *holes)
{
	struct pglist pl;
	struct vm_page *pg;

	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, pfn * PS, (pfn + 1) * PS, 0, 0, &pl, 1, 0),
	    0);
	pg = TAILQ_FIRST(&pl);
	assert_int_equal(pg->phys_pfn, pfn);
	TAILQ_REMOVE(&pl, pg, pageq.queue);
	assert_true(TAILQ_EMPTY(&pl));
	TAILQ_INSERT_TAIL(holes, pg, pageq.queue);
}

/* The brute-force first fit uvm_pglistalloc() promises (see its note). */
static int64_t
bf_contig(struct uvm *uvm, uint64_t lo, uint64_t hi, uint64_t n, uint64_t apfn,
    uint64_t bpfn)
{
	uvm_physseg_t h;
	int fl;

	for (fl = 0; fl < UVM_NFREELIST; fl++)
		for (h = uvm_physseg_get_first(uvm);
		     uvm_physseg_valid_p(uvm, h);
		     h = uvm_physseg_get_next(uvm, h)) {
			uint64_t a, b, s, k;

			if (uvm_physseg_get_free_list(uvm, h) != fl)
				continue;
			a = MAX(uvm_physseg_get_start(uvm, h), lo);
			b = MIN(uvm_physseg_get_end(uvm, h), hi);
			for (s = (a + apfn - 1) / apfn * apfn; s + n <= b;
			     s += apfn) {
				if (bpfn != 0 && s / bpfn != (s + n - 1) / bpfn)
					continue;
				for (k = 0; k < n && t_free_p(uvm, s + k); k++)
					;
				if (k == n)
					return (int64_t)s;
			}
		}
	return -1;
}

static void
t_check_list(struct uvm *uvm, struct pglist *pl, uint64_t n, bool contig)
{
	struct vm_page *pg, *prev = NULL;
	uint64_t cnt = 0;

	TAILQ_FOREACH (pg, pl, pageq.queue) {
		assert_int_equal(pg->flags, 0);
		assert_null(pg->uobject);
		assert_null(pg->uanon);
		assert_ptr_equal(uvm_page_machine(pg), uvm);
		if (prev != NULL && contig)
			assert_int_equal(pg->phys_pfn, prev->phys_pfn + 1);
		prev = pg;
		cnt++;
	}
	assert_int_equal(cnt, n);
}

static void
test_args(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct pglist pl;
	int64_t free0 = uvm_cnt_get(uvm, free);

	assert_int_equal(
	    uvm_pglistalloc(uvm, 0, 0, 1 << 30, 0, 0, &pl, 1, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 0, 0, &pl, 0, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 0, 0, NULL, 1, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 8192, 8192, 0, 0, &pl, 1, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 3 * PS, 0, &pl, 1, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 3, 0, &pl, 1, 0), EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 0, 3 * PS, &pl, 1, 0), EINVAL);
	/* A boundary smaller than the size can never be honoured. */
	assert_int_equal(
	    uvm_pglistalloc(uvm, 4 * PS, 0, 1 << 30, 0, 2 * PS, &pl, 1, 0),
	    EINVAL);
	assert_int_equal(
	    uvm_pglistalloc(uvm, UINT64_MAX, 0, 1 << 30, 0, 0, &pl, 1, 0),
	    EINVAL);
	/* Impossible requests: ENOMEM, nothing taken. */
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 16 * PS, 0, 0, &pl, 1, 0), ENOMEM);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 41 * PS, 0, 60 * PS, 0, 0, &pl, 1, 0), ENOMEM);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 2 * PS, 17 * PS + 1, 19 * PS, 0, 0, &pl, 1, 0),
	    ENOMEM);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 200 * PS, 0, 1 << 30, 0, 0, &pl, 200, 0),
	    ENOMEM);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 8 * PS, 0, 1 << 30, 0, 0, &pl, 2, 0), 0);
	t_check_list(uvm, &pl, 8, true);
	uvm_pglistfree(uvm, &pl);
	assert_true(TAILQ_EMPTY(&pl));
	assert_int_equal(uvm_cnt_get(uvm, free), free0);
	/* Sizes round up to pages; the range shrinks to whole pages. */
	assert_int_equal(uvm_pglistalloc(uvm, PS + 1, 17 * PS - 5, 19 * PS + 5,
			     0, 0, &pl, 1, 0),
	    0);
	t_check_list(uvm, &pl, 2, true);
	assert_int_equal(TAILQ_FIRST(&pl)->phys_pfn, 17);
	uvm_pglistfree(uvm, &pl);
}

static void
test_contig_bruteforce(void **state)
{
	static const uint64_t aligns[] = {1, 2, 4, 8, 16, 64};
	static const uint64_t bounds[] = {0, 8, 16, 32, 64};
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;
	struct pglist holes, pl;
	uint64_t pfn;
	int round, q, nok = 0, nfail = 0;

	th_rng_seed(&rng, 7);
	for (round = 0; round < 24; round++) {
		/* Random holes, denser as rounds go. */
		TAILQ_INIT(&holes);
		for (pfn = 16; pfn < 176; pfn++)
			if (t_free_p(uvm, pfn) &&
			    th_rng_below(&rng, 48) < (uint64_t)round)
				t_hole(uvm, pfn, &holes);
		for (q = 0; q < 400; q++) {
			uint64_t n = 1 + th_rng_below(&rng, 12);
			uint64_t apfn = aligns[th_rng_below(&rng, 6)];
			uint64_t bpfn = bounds[th_rng_below(&rng, 5)];
			uint64_t lo = th_rng_below(&rng, 180);
			uint64_t hi = lo + 1 + th_rng_below(&rng, 200 - lo);
			int nsegs = th_rng_below(&rng, 2) ? 1 : (int)n;
			int64_t want, free0 = uvm_cnt_get(uvm, free);
			uint64_t wantfree;
			int error;

			while (bpfn != 0 && bpfn < n)
				bpfn *= 2;
			if (nsegs > 1 && apfn == 1 && bpfn == 0)
				nsegs = 1; /* that would be the simple path */
			want = bf_contig(uvm, lo, hi, n, apfn, bpfn);
			/* Ragged byte limits round inwards. */
			error = uvm_pglistalloc(uvm,
			    n * PS - th_rng_below(&rng, 100),
			    lo * PS - (lo > 0 ? th_rng_below(&rng, PS - 1) : 0),
			    hi * PS + th_rng_below(&rng, PS), apfn * PS,
			    bpfn * PS, &pl, nsegs, 0);
			if (want < 0) {
				assert_int_equal(error, ENOMEM);
				assert_int_equal(uvm_cnt_get(uvm, free), free0);
				nfail++;
				continue;
			}
			assert_int_equal(error, 0);
			t_check_list(uvm, &pl, n, true);
			assert_int_equal(TAILQ_FIRST(&pl)->phys_pfn, want);
			wantfree = (uint64_t)free0 - n;
			assert_int_equal(uvm_cnt_get(uvm, free), wantfree);
			uvm_pglistfree(uvm, &pl);
			nok++;
		}
		uvm_page_sanity(uvm);
		uvm_pglistfree(uvm, &holes);
	}
	/* Both outcomes were exercised plenty. */
	assert_true(nok > 1000 && nfail > 1000);
}

static void
test_scattered(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct pglist holes, pl;
	struct vm_page *pg;
	uint64_t pfn, want[200], n = 0, i = 0;

	TAILQ_INIT(&holes);
	for (pfn = 16; pfn < 176; pfn += 3)
		if (t_free_p(uvm, pfn))
			t_hole(uvm, pfn, &holes);
	/* Expected: free frames in [20, 170), free list 0 first, ascending. */
	for (int fl = 0; fl < UVM_NFREELIST; fl++)
		for (pfn = 20; pfn < 170; pfn++) {
			struct vm_page *p = uvm_physseg_pfn_to_page(uvm, pfn);

			if (p != NULL && p->freelist == fl &&
			    (p->flags & PG_FREE))
				want[n++] = pfn;
		}
	assert_int_equal(uvm_pglistalloc(uvm, (n + 1) * PS, 20 * PS, 170 * PS,
			     0, 0, &pl, (int)n + 1, 0),
	    ENOMEM);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 50 * PS, 20 * PS, 170 * PS, 0, 0, &pl, 64, 0),
	    0);
	t_check_list(uvm, &pl, 50, false);
	TAILQ_FOREACH (pg, &pl, pageq.queue)
		assert_int_equal(pg->phys_pfn, want[i++]);
	uvm_pglistfree(uvm, &pl);
	uvm_pglistfree(uvm, &holes);
}

/* Longest free runs in [lo, hi), per segment. */
static uint64_t
bf_topk(struct uvm *uvm, uint64_t lo, uint64_t hi, unsigned k)
{
	uint64_t runs[256], nr = 0, pfn, sum = 0, len = 0;
	uvm_physseg_t seg, prevseg = UVM_PHYSSEG_TYPE_INVALID;
	unsigned i, j;

	for (pfn = lo; pfn < hi; pfn++) {
		seg = uvm_physseg_find(uvm, pfn, NULL);
		if (!t_free_p(uvm, pfn)) {
			if (len > 0)
				runs[nr++] = len;
			len = 0;
			continue;
		}
		if (len > 0 && seg == prevseg) {
			len++;
		} else {
			if (len > 0)
				runs[nr++] = len;
			len = 1;
		}
		prevseg = seg;
	}
	if (len > 0)
		runs[nr++] = len;
	for (i = 0; i < k && i < nr; i++) {
		for (j = i + 1; j < nr; j++)
			if (runs[j] > runs[i]) {
				uint64_t t = runs[i];

				runs[i] = runs[j];
				runs[j] = t;
			}
		sum += runs[i];
	}
	return sum;
}

static void
test_few_runs(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;
	struct pglist holes, pl;
	uint64_t pfn;
	int q, nok = 0, nfail = 0;

	th_rng_seed(&rng, 99);
	TAILQ_INIT(&holes);
	for (pfn = 16; pfn < 176; pfn++)
		if (t_free_p(uvm, pfn) && th_rng_below(&rng, 4) == 0)
			t_hole(uvm, pfn, &holes);
	for (q = 0; q < 2000; q++) {
		uint64_t n = 2 + th_rng_below(&rng, 30);
		unsigned k = 2 + (unsigned)th_rng_below(&rng, 5);
		uint64_t lo = th_rng_below(&rng, 180);
		uint64_t hi = lo + 1 + th_rng_below(&rng, 200 - lo);
		int64_t free0 = uvm_cnt_get(uvm, free);
		struct vm_page *pg, *prev = NULL;
		unsigned runs = 0;
		bool possible;
		int error;

		if (k >= n)
			k = (unsigned)n - 1;
		possible = bf_topk(uvm, lo, hi, k) >= n;
		error = uvm_pglistalloc(
		    uvm, n * PS, lo * PS, hi * PS, 0, 0, &pl, (int)k, 0);
		if (!possible) {
			assert_int_equal(error, ENOMEM);
			assert_int_equal(uvm_cnt_get(uvm, free), free0);
			nfail++;
			continue;
		}
		assert_int_equal(error, 0);
		t_check_list(uvm, &pl, n, false);
		TAILQ_FOREACH (pg, &pl, pageq.queue) {
			assert_true(pg->phys_pfn >= lo && pg->phys_pfn < hi);
			if (prev == NULL || pg->phys_pfn != prev->phys_pfn + 1)
				runs++;
			else
				assert_int_equal(
				    uvm_physseg_find(uvm, pg->phys_pfn, NULL),
				    uvm_physseg_find(
					uvm, prev->phys_pfn, NULL));
			if (prev != NULL)
				assert_true(pg->phys_pfn > prev->phys_pfn);
			prev = pg;
		}
		assert_true(runs <= k);
		uvm_pglistfree(uvm, &pl);
		nok++;
	}
	assert_true(nok > 200 && nfail > 200);
	uvm_pglistfree(uvm, &holes);
}

static void
test_reserve(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct pglist pl, pl2;
	int64_t f = uvm_cnt_get(uvm, free);

	/* All but the page daemon's reserve (1 page). */
	assert_int_equal(uvm_pglistalloc(uvm, (uint64_t)f * PS, 0, 1 << 30, 0,
			     0, &pl, (int)f, 0),
	    ENOMEM);
	assert_int_equal(uvm_pglistalloc(uvm, (uint64_t)(f - 1) * PS, 0,
			     1 << 30, 0, 0, &pl, (int)f, 0),
	    0);
	assert_int_equal(uvm_cnt_get(uvm, free), 1);
	assert_null(uvm_pagealloc(uvm, NULL, 0, NULL, UVM_PGA_USERESERVE));
	assert_int_equal(
	    uvm_pglistalloc(uvm, PS, 0, 1 << 30, 0, 0, &pl2, 1, 0), ENOMEM);
	uvm_page_sanity(uvm);
	uvm_pglistfree(uvm, &pl);
}

/* Long runs cross the vm_page array's chunks. */
static void
test_long_runs(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct pglist pl, pl2;
	int64_t free0 = uvm_cnt_get(uvm, free);

	assert_int_equal(uvm_pageidlezero(uvm, 700), 700);
	assert_int_equal(
	    uvm_pglistalloc(uvm, 3000 * PS, 0, 1 << 30, 0, 0, &pl, 1, 0), 0);
	t_check_list(uvm, &pl, 3000, true);
	assert_int_equal(TAILQ_FIRST(&pl)->phys_pfn, 16);
	assert_int_equal(uvm_cnt_get(uvm, zeropages), 0);
	/* Scattered over what is left, across chunks too. */
	assert_int_equal(
	    uvm_pglistalloc(uvm, 1000 * PS, 0, 1 << 30, 0, 0, &pl2, 1000, 0),
	    0);
	t_check_list(uvm, &pl2, 1000, true);
	assert_int_equal(uvm_cnt_get(uvm, free), free0 - 4000);
	uvm_page_sanity(uvm);
	uvm_pglistfree(uvm, &pl2);
	uvm_pglistfree(uvm, &pl);
	uvm_page_sanity(uvm);
}

static void
test_pagesize_16k(void **state)
{
	struct uvm_config cfg;
	struct uvm *uvm;
	struct pglist pl;
	struct vm_page *pg;

	(void)state;
	th_config(&cfg);
	cfg.uc_pagesize = 16384;
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 1;
	cfg.uc_segs[0] = (struct uvm_config_seg){3, 100, 0};
	uvm = th_create(&cfg);
	/* 64 KiB aligned (4 pages), within a 128 KiB boundary. */
	assert_int_equal(uvm_pglistalloc(uvm, 9 * 16384, 0, 1 << 30, 65536,
			     131072, &pl, 1, 0),
	    EINVAL);
	assert_int_equal(uvm_pglistalloc(uvm, 5 * 16384, 0, 1 << 30, 65536,
			     131072, &pl, 1, 0),
	    0);
	pg = TAILQ_FIRST(&pl);
	assert_int_equal(uvm_page_phys(uvm, pg) % 65536, 0);
	/* Frame 4 is aligned, but [4, 9) would cross the boundary at 8. */
	assert_int_equal(pg->phys_pfn, 8);
	t_check_list(uvm, &pl, 5, true);
	uvm_pglistfree(uvm, &pl);
	uvm_sanity_all(uvm);
	uvm_destroy(uvm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_args, setup_segs, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_contig_bruteforce, setup_segs, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_scattered, setup_segs, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_few_runs, setup_segs, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_reserve, setup_segs, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_long_runs, th_setup, th_teardown),
	    cmocka_unit_test(test_pagesize_16k),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
