/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_physseg.c: unit tests of uvm_physseg.c: configured segments, page
 * frame look-up over many segments, and uvm_hotplug(9) edge cases
 * (adjacent loads, overlap refused, busy unplug refused with nothing
 * changed, trims, splits, whole removal, reload, look-ups racing hotplug).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "t_harness.h"

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"

struct t_segs {
	unsigned n;
	uint64_t start[64], end[64];
	int fl[64];
};

static void
t_segs_get(struct uvm *uvm, struct t_segs *ts)
{
	uvm_physseg_t h;

	ts->n = 0;
	for (h = uvm_physseg_get_first(uvm); uvm_physseg_valid_p(uvm, h);
	     h = uvm_physseg_get_next(uvm, h)) {
		assert_true(ts->n < 64);
		ts->start[ts->n] = uvm_physseg_get_start(uvm, h);
		ts->end[ts->n] = uvm_physseg_get_end(uvm, h);
		ts->fl[ts->n] = uvm_physseg_get_free_list(uvm, h);
		ts->n++;
	}
	assert_int_equal((int)ts->n, uvm_physseg_count(uvm));
}

static void
t_segs_equal(const struct t_segs *a, const struct t_segs *b)
{
	assert_int_equal(a->n, b->n);
	assert_memory_equal(a->start, b->start, a->n * sizeof(a->start[0]));
	assert_memory_equal(a->end, b->end, a->n * sizeof(a->end[0]));
	assert_memory_equal(a->fl, b->fl, a->n * sizeof(a->fl[0]));
}

/* Linear reference for uvm_physseg_find(). */
static uvm_physseg_t
t_find_linear(struct uvm *uvm, uint64_t pfn)
{
	uvm_physseg_t h;

	for (h = uvm_physseg_get_first(uvm); uvm_physseg_valid_p(uvm, h);
	     h = uvm_physseg_get_next(uvm, h))
		if (pfn >= uvm_physseg_get_start(uvm, h) &&
		    pfn < uvm_physseg_get_end(uvm, h))
			return h;
	return UVM_PHYSSEG_TYPE_INVALID;
}

static int
setup_unsorted(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 5;
	cfg.uc_segs[0] = (struct uvm_config_seg){5000, 100, 1};
	cfg.uc_segs[1] = (struct uvm_config_seg){16, 50, 0};
	cfg.uc_segs[2] = (struct uvm_config_seg){66, 30, 3}; /* adjacent */
	cfg.uc_segs[3] = (struct uvm_config_seg){3000, 1, 2};
	cfg.uc_segs[4] = (struct uvm_config_seg){1000, 1100, 0};
	cfg.uc_reserve_pagedaemon = 4;
	cfg.uc_reserve_kernel = 8;
	return th_setup_cfg(state, &cfg);
}

static void
test_init_sorted(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const uint64_t st[] = {16, 66, 1000, 3000, 5000};
	static const uint64_t en[] = {66, 96, 2100, 3001, 5100};
	static const int fl[] = {0, 3, 0, 2, 1};
	struct t_segs ts;
	uint64_t pfn, off;
	unsigned i;

	t_segs_get(uvm, &ts);
	assert_int_equal(ts.n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(ts.start[i], st[i]);
		assert_int_equal(ts.end[i], en[i]);
		assert_int_equal(ts.fl[i], fl[i]);
	}
	assert_int_equal(uvm_physseg_get_last(uvm), 4);
	assert_int_equal(
	    uvm_physseg_get_next(uvm, 4), UVM_PHYSSEG_TYPE_INVALID);
	assert_false(uvm_physseg_valid_p(uvm, 5));
	assert_false(uvm_physseg_valid_p(uvm, -1));
	for (pfn = 0; pfn < 5200; pfn++) {
		uvm_physseg_t h = uvm_physseg_find(uvm, pfn, &off);
		struct vm_page *pg = uvm_physseg_pfn_to_page(uvm, pfn);

		assert_int_equal(h, t_find_linear(uvm, pfn));
		if (h < 0) {
			assert_null(pg);
			assert_null(uvm_physseg_pfn_to_host(uvm, pfn));
			assert_null(uvm_phys_to_vm_page(uvm, pfn << 12));
			continue;
		}
		assert_int_equal(off, pfn - uvm_physseg_get_start(uvm, h));
		assert_ptr_equal(pg, uvm_physseg_get_pg(uvm, h, off));
		assert_int_equal(pg->phys_pfn, pfn);
		assert_int_equal(
		    pg->freelist, uvm_physseg_get_free_list(uvm, h));
		assert_ptr_equal(uvm_page_machine(pg), uvm);
		assert_ptr_equal(uvm_page_hostaddr(uvm, pg),
		    uvm_physseg_pfn_to_host(uvm, pfn));
		assert_ptr_equal(
		    uvm_phys_to_vm_page(uvm, (pfn << 12) + 123), pg);
		assert_true(pg->flags & PG_FREE);
	}
	assert_int_equal(uvm_cnt_get(uvm, npages), 50 + 30 + 1100 + 1 + 100);
}

static void
test_find_many(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;
	uint64_t pfn, last;
	unsigned i;
	int64_t np0 = uvm_cnt_get(uvm, npages);

	/* 300 segments of 3 frames with gaps of 2, on rotating free lists. */
	for (i = 0; i < 300; i++)
		assert_int_equal(uvm_page_physload(uvm, 10000 + 5 * i,
				     10000 + 5 * i + 3, (int)(i % 4)),
		    0);
	assert_int_equal(uvm_physseg_count(uvm), 305);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0 + 900);
	last = 10000 + 5 * 300;
	for (pfn = 9990; pfn < last + 10; pfn++) {
		uvm_physseg_t h = uvm_physseg_find(uvm, pfn, NULL);
		struct vm_page *pg;

		assert_int_equal(h, t_find_linear(uvm, pfn));
		if (h < 0)
			continue;
		pg = uvm_physseg_pfn_to_page(uvm, pfn);
		assert_int_equal(pg->phys_pfn, pfn);
		assert_int_equal(pg->freelist, (int)((pfn - 10000) / 5 % 4));
		assert_ptr_equal(uvm_page_machine(pg), uvm);
	}
	th_rng_seed(&rng, 42);
	for (i = 0; i < 20000; i++) {
		pfn = th_rng_below(&rng, (uint64_t)1 << 32);
		assert_int_equal(
		    uvm_physseg_find(uvm, pfn, NULL), t_find_linear(uvm, pfn));
	}
	uvm_page_sanity(uvm);
	/* Unplug them all again (whole segments). */
	for (i = 0; i < 300; i++)
		assert_int_equal(uvm_physseg_unplug(uvm, 10000 + 5 * i, 3), 0);
	assert_int_equal(uvm_physseg_count(uvm), 5);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0);
}

static void
test_physload_edges(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_fixture *tf = *state;
	struct t_segs before, after;
	int64_t free0 = uvm_cnt_get(uvm, free), np0 = uvm_cnt_get(uvm, npages);
	struct vm_page *pg;

	/* Default machine: one segment [16, 4112). */
	t_segs_get(uvm, &before);
	assert_int_equal(before.n, 1);
	assert_int_equal(uvm_page_physload(uvm, 10, 10, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 11, 10, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 0, 8, UVM_NFREELIST), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 0, 8, -1), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, (uint64_t)UINT32_MAX - 2,
			     (uint64_t)UINT32_MAX + 2, 0),
	    EINVAL);
	/* Overlaps of every shape. */
	assert_int_equal(uvm_page_physload(uvm, 16, 4112, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 10, 17, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 4111, 4200, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 100, 200, 0), EINVAL);
	assert_int_equal(uvm_page_physload(uvm, 0, 5000, 0), EINVAL);
	t_segs_get(uvm, &after);
	t_segs_equal(&before, &after);
	assert_int_equal(uvm_cnt_get(uvm, free), free0);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0);

	/* Adjacent on both sides: separate segments. */
	assert_int_equal(uvm_page_physload(uvm, 8, 16, 1), 0);
	assert_int_equal(uvm_page_physload(uvm, 4112, 4120, 2), 0);
	/* The highest frames there are. */
	assert_int_equal(uvm_page_physload(uvm, (uint64_t)UINT32_MAX - 3,
			     (uint64_t)UINT32_MAX + 1, 3),
	    0);
	t_segs_get(uvm, &after);
	assert_int_equal(after.n, 4);
	assert_int_equal(after.start[0], 8);
	assert_int_equal(after.end[0], 16);
	assert_int_equal(after.fl[0], 1);
	assert_int_equal(after.start[2], 4112);
	assert_int_equal(after.start[3], (uint64_t)UINT32_MAX - 3);
	assert_int_equal(uvm_cnt_get(uvm, free), free0 + 20);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0 + 20);
	pg = uvm_pagealloc_strat(uvm, NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY, 3);
	assert_non_null(pg);
	assert_true(pg->phys_pfn >= UINT32_MAX - 3);
	assert_int_equal(uvm_page_phys(uvm, pg), (uint64_t)pg->phys_pfn << 12);
	memset(uvm_page_hostaddr(uvm, pg), 1, 4096);
	uvm_pagefree(pg);
	uvm_page_sanity(uvm);
	/* The new memory is lasting: take a new baseline. */
	th_rebaseline(tf);
}

static void
test_unplug(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_fixture *tf = *state;
	struct t_segs before, after;
	struct vm_page *busy;
	int64_t free0, np0;
	uint8_t *h;

	/* Make the page at frame 1100 busy: take everything, keep it. */
	busy = uvm_physseg_pfn_to_page(uvm, 1100);
	{
		struct pglist pl;
		struct vm_page *pg;

		assert_int_equal(uvm_pglistalloc(uvm, 4096, 1100 << 12,
				     1101 << 12, 0, 0, &pl, 1, 0),
		    0);
		pg = TAILQ_FIRST(&pl);
		assert_ptr_equal(pg, busy);
	}
	t_segs_get(uvm, &before);
	free0 = uvm_cnt_get(uvm, free);
	np0 = uvm_cnt_get(uvm, npages);

	/* Busy refused, nothing changed; word-sized and ragged ranges. */
	assert_int_equal(uvm_physseg_unplug(uvm, 1100, 1), EBUSY);
	assert_int_equal(uvm_physseg_unplug(uvm, 1024, 128), EBUSY);
	assert_int_equal(uvm_physseg_unplug(uvm, 1099, 3), EBUSY);
	assert_int_equal(uvm_physseg_unplug(uvm, 16, 4096), EBUSY);
	t_segs_get(uvm, &after);
	t_segs_equal(&before, &after);
	assert_int_equal(uvm_cnt_get(uvm, free), free0);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0);
	uvm_page_sanity(uvm);

	/* Bad ranges. */
	assert_int_equal(uvm_physseg_unplug(uvm, 1000, 0), EINVAL);
	assert_int_equal(uvm_physseg_unplug(uvm, 0, 20), EINVAL);
	assert_int_equal(uvm_physseg_unplug(uvm, 4100, 20), EINVAL);
	assert_int_equal(uvm_physseg_unplug(uvm, 5000, 1), EINVAL);
	assert_int_equal(uvm_physseg_unplug(uvm, UINT64_MAX, 2), EINVAL);

	/* Trim the front and the back. */
	assert_int_equal(uvm_physseg_unplug(uvm, 16, 10), 0);
	assert_int_equal(uvm_physseg_unplug(uvm, 4100, 12), 0);
	t_segs_get(uvm, &after);
	assert_int_equal(after.n, 1);
	assert_int_equal(after.start[0], 26);
	assert_int_equal(after.end[0], 4100);
	assert_int_equal(uvm_cnt_get(uvm, npages), np0 - 22);
	assert_int_equal(uvm_cnt_get(uvm, free), free0 - 22);
	assert_null(uvm_physseg_pfn_to_page(uvm, 20));

	/* Split in the middle: [26, 2000) and [2100, 4100). */
	h = uvm_physseg_pfn_to_host(uvm, 2050);
	memset(h, 0x77, 4096);
	assert_int_equal(uvm_physseg_unplug(uvm, 2000, 100), 0);
	t_segs_get(uvm, &after);
	assert_int_equal(after.n, 2);
	assert_int_equal(after.end[0], 2000);
	assert_int_equal(after.start[1], 2100);
	assert_null(uvm_physseg_pfn_to_page(uvm, 2050));
	assert_int_equal(uvm_physseg_find(uvm, 2100, NULL), 1);
	uvm_page_sanity(uvm);
	/* A range across the hole spans two segments: refused. */
	assert_int_equal(uvm_physseg_unplug(uvm, 1990, 200), EINVAL);
	/* Pages of both halves still allocate. */
	{
		struct vm_page *a, *b;

		a = uvm_physseg_pfn_to_page(uvm, 1999);
		b = uvm_physseg_pfn_to_page(uvm, 2100);
		assert_true((a->flags & PG_FREE) && (b->flags & PG_FREE));
	}
	/* Reload the hole: a separate segment, fresh (zero) memory. */
	assert_int_equal(uvm_page_physload(uvm, 2000, 2100, 1), 0);
	assert_int_equal(uvm_physseg_count(uvm), 3);
	h = uvm_physseg_pfn_to_host(uvm, 2050);
	assert_int_equal(h[0], 0);
	assert_int_equal(h[4095], 0);
	uvm_page_sanity(uvm);

	/* Remove whole segments: the hole again, then the upper half. */
	assert_int_equal(uvm_physseg_unplug(uvm, 2000, 100), 0);
	assert_int_equal(uvm_physseg_unplug(uvm, 2100, 2000), 0);
	assert_int_equal(uvm_physseg_count(uvm), 1);
	uvm_page_sanity(uvm);
	/* The busy page is still fine; free it, then unplug around it. */
	{
		struct pglist pl;

		TAILQ_INIT(&pl);
		TAILQ_INSERT_TAIL(&pl, busy, pageq.queue);
		uvm_pglistfree(uvm, &pl);
	}
	assert_int_equal(uvm_physseg_unplug(uvm, 1100, 1), 0);
	assert_int_equal(uvm_physseg_count(uvm), 2);
	/* The first window of the split backing goes; the other stays. */
	assert_int_equal(uvm_physseg_unplug(uvm, 26, 1100 - 26), 0);
	assert_int_equal(uvm_physseg_count(uvm), 1);
	assert_int_equal(uvm_physseg_get_start(uvm, 0), 1101);
	/* Put memory back so the machine keeps working. */
	assert_int_equal(uvm_page_physload(uvm, 16, 1101, 0), 0);
	uvm_page_sanity(uvm);
	th_rebaseline(tf);
}

/* Look-ups run lock-free while another thread plugs and unplugs. */
struct t_reader {
	struct uvm *tr_uvm;
	int tr_stop; /* atomic */
	uint64_t tr_bad;
	uint64_t tr_loops;
};

static void *
t_reader_main(void *arg)
{
	struct t_reader *tr = arg;
	uint64_t pfn = 16;

	while (!__atomic_load_n(&tr->tr_stop, __ATOMIC_ACQUIRE)) {
		struct vm_page *pg = uvm_physseg_pfn_to_page(tr->tr_uvm, pfn);

		if (pg == NULL || pg->phys_pfn != pfn)
			tr->tr_bad++;
		pfn = pfn == 4111 ? 16 : pfn + 1;
		__atomic_fetch_add(&tr->tr_loops, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void
test_lookup_during_hotplug(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct t_reader tr = {.tr_uvm = uvm};
	uint64_t loops;
	pthread_t t;
	unsigned i;

	assert_int_equal(pthread_create(&t, NULL, t_reader_main, &tr), 0);
	while (__atomic_load_n(&tr.tr_loops, __ATOMIC_ACQUIRE) < 100)
		sched_yield();
	for (i = 0; i < 200; i++) {
		assert_int_equal(uvm_page_physload(uvm, 100000 + 10 * i,
				     100000 + 10 * i + 8, 0),
		    0);
		if (i % 2 == 1)
			assert_int_equal(uvm_physseg_unplug(
					     uvm, 100000 + 10 * (i - 1) + 2, 4),
			    0);
	}
	for (i = 0; i < 200; i++) {
		if (i % 2 == 0) {
			assert_int_equal(
			    uvm_physseg_unplug(uvm, 100000 + 10 * i, 2), 0);
			assert_int_equal(
			    uvm_physseg_unplug(uvm, 100000 + 10 * i + 6, 2), 0);
		} else
			assert_int_equal(
			    uvm_physseg_unplug(uvm, 100000 + 10 * i, 8), 0);
	}
	loops = __atomic_load_n(&tr.tr_loops, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&tr.tr_loops, __ATOMIC_ACQUIRE) < loops + 100)
		sched_yield();
	__atomic_store_n(&tr.tr_stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(tr.tr_bad, 0);
	assert_true(tr.tr_loops > 0);
	assert_int_equal(uvm_physseg_count(uvm), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_init_sorted, setup_unsorted, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_find_many, setup_unsorted, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_physload_edges, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_unplug, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_lookup_during_hotplug, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
