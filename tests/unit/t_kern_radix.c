/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_kern_radix.c: the radix tree: insert/remove/lookup against a
 * reference model with fixed seeds, huge indexes, height growth and
 * shrink, tags and tagged gang lookups, and the ENOMEM path (node
 * allocations failed by a fault-injection sweep leave the tree as it was).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "kern/kern.h"

static int
group_setup(void **state)
{
	(void)state;
	th_install_panic_hook();
	return 0;
}

static void
test_radix_empty(void **state)
{
	struct radix_tree rt;
	void *res[4];

	(void)state;
	radix_tree_init(&rt);
	assert_true(radix_tree_empty_p(&rt));
	assert_null(radix_tree_lookup(&rt, 0));
	assert_null(radix_tree_lookup(&rt, UINT64_MAX));
	assert_null(radix_tree_remove(&rt, 5));
	assert_int_equal(radix_tree_gang_lookup(&rt, 0, res, 4), 0);
	assert_int_equal(
	    radix_tree_gang_lookup_tagged(&rt, 0, res, 4, RADIX_TAG_0), 0);
	assert_false(radix_tree_get_tag(&rt, 0, RADIX_TAG_0));
	radix_tree_sanity(&rt);
	radix_tree_fini(&rt);
}

static void
test_radix_height(void **state)
{
	struct radix_tree rt;
	int a, b, c, d, e;
	void *res[8];

	(void)state;
	radix_tree_init(&rt);
	assert_int_equal(radix_tree_insert(&rt, 0, &a), 0);
	assert_int_equal(rt.rt_height, 0);
	assert_ptr_equal(radix_tree_lookup(&rt, 0), &a);
	assert_int_equal(radix_tree_insert(&rt, 0, &b), EEXIST);
	radix_tree_set_tag(&rt, 0, RADIX_TAG_1);
	assert_int_equal(radix_tree_insert(&rt, 63, &b), 0);
	assert_int_equal(rt.rt_height, 1);
	/* The tag of index 0 moved into the new root. */
	assert_true(radix_tree_get_tag(&rt, 0, RADIX_TAG_1));
	assert_int_equal(radix_tree_insert(&rt, 64, &c), 0);
	assert_int_equal(rt.rt_height, 2);
	assert_int_equal(radix_tree_insert(&rt, UINT64_MAX, &d), 0);
	assert_int_equal(rt.rt_height, 11);
	assert_int_equal(radix_tree_insert(&rt, UINT64_C(1) << 63, &e), 0);
	assert_int_equal(rt.rt_count, 5);
	radix_tree_sanity(&rt);
	assert_ptr_equal(radix_tree_lookup(&rt, UINT64_MAX), &d);
	assert_ptr_equal(radix_tree_lookup(&rt, UINT64_C(1) << 63), &e);
	assert_null(radix_tree_lookup(&rt, UINT64_MAX - 1));
	assert_null(radix_tree_lookup(&rt, 65));
	assert_int_equal(radix_tree_gang_lookup(&rt, 0, res, 8), 5);
	assert_ptr_equal(res[0], &a);
	assert_ptr_equal(res[1], &b);
	assert_ptr_equal(res[2], &c);
	assert_ptr_equal(res[3], &e);
	assert_ptr_equal(res[4], &d);
	assert_int_equal(radix_tree_gang_lookup(&rt, UINT64_MAX, res, 8), 1);
	assert_ptr_equal(res[0], &d);
	assert_int_equal(radix_tree_gang_lookup(&rt, 65, res, 8), 2);
	assert_int_equal(
	    radix_tree_gang_lookup_tagged(&rt, 1, res, 8, RADIX_TAG_1), 0);

	/* Shrink back step by step. */
	assert_ptr_equal(radix_tree_remove(&rt, UINT64_MAX), &d);
	assert_int_equal(rt.rt_height, 11);
	assert_ptr_equal(radix_tree_remove(&rt, UINT64_C(1) << 63), &e);
	assert_int_equal(rt.rt_height, 2);
	radix_tree_sanity(&rt);
	assert_ptr_equal(radix_tree_remove(&rt, 64), &c);
	assert_int_equal(rt.rt_height, 1);
	assert_ptr_equal(radix_tree_remove(&rt, 63), &b);
	assert_int_equal(rt.rt_height, 0);
	assert_true(radix_tree_get_tag(&rt, 0, RADIX_TAG_1));
	assert_false(radix_tree_get_tag(&rt, 0, RADIX_TAG_0));
	radix_tree_sanity(&rt);
	assert_null(radix_tree_remove(&rt, 63));
	assert_ptr_equal(radix_tree_remove(&rt, 0), &a);
	assert_true(radix_tree_empty_p(&rt));
	assert_int_equal(rt.rt_height, 0);
	radix_tree_sanity(&rt);

	/* A lone huge index, then removal frees everything. */
	assert_int_equal(radix_tree_insert(&rt, UINT64_MAX, &a), 0);
	assert_int_equal(rt.rt_height, 11);
	assert_int_equal(radix_tree_gang_lookup(&rt, 0, res, 8), 1);
	radix_tree_set_tag(&rt, UINT64_MAX, RADIX_TAG_0);
	assert_int_equal(
	    radix_tree_gang_lookup_tagged(&rt, 0, res, 8, RADIX_TAG_0), 1);
	assert_ptr_equal(radix_tree_remove(&rt, UINT64_MAX), &a);
	assert_true(radix_tree_empty_p(&rt));
	assert_null(rt.rt_root);
	radix_tree_fini(&rt);
}

/* ---------------------------------------------------------------------- */
/* Random operations against a reference model. */

#define NKEYS 1500

struct model {
	uint64_t m_key[NKEYS]; /* candidate indexes, ascending, distinct */
	bool m_in[NKEYS];
	unsigned m_tags[NKEYS];
	int m_item[NKEYS]; /* the items are &m_item[k] */
};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
model_init(struct model *m, struct th_rng *rng)
{
	unsigned i, j, n;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < NKEYS; i++) {
		switch (th_rng_below(rng, 4)) {
		case 0: /* dense small */
			m->m_key[i] = th_rng_below(rng, 4096);
			break;
		case 1: /* clustered around a mid value */
			m->m_key[i] =
			    (UINT64_C(1) << 40) + th_rng_below(rng, 200);
			break;
		case 2: /* near the top */
			m->m_key[i] = UINT64_MAX - th_rng_below(rng, 300);
			break;
		default: /* anywhere */
			m->m_key[i] = th_rng_next(rng);
			break;
		}
	}
	qsort(m->m_key, NKEYS, sizeof(m->m_key[0]), cmp_u64);
	/* Make them distinct (duplicates become fresh random keys). */
	for (;;) {
		n = 0;
		for (i = 1; i < NKEYS; i++)
			if (m->m_key[i] == m->m_key[i - 1]) {
				m->m_key[i] = th_rng_next(rng);
				n++;
			}
		if (n == 0)
			break;
		qsort(m->m_key, NKEYS, sizeof(m->m_key[0]), cmp_u64);
	}
	for (j = 0; j < NKEYS; j++)
		m->m_item[j] = (int)j;
}

/* Compare gang lookups (all, from a start, tagged) with the model. */
static void
model_check(struct model *m, struct radix_tree *rt, struct th_rng *rng)
{
	static void *res[NKEYS];
	unsigned i, k, n, want, start, tags, max;
	uint64_t from;

	radix_tree_sanity(rt);
	n = 0;
	for (i = 0; i < NKEYS; i++)
		n += m->m_in[i];
	assert_int_equal(rt->rt_count, n);

	for (tags = 0; tags <= 3; tags++) {
		start = (unsigned)th_rng_below(rng, NKEYS);
		from = m->m_key[start];
		if (th_rng_below(rng, 2) && from > 0 &&
		    (start == 0 || m->m_key[start - 1] < from - 1))
			from--; /* start between keys */
		max = 1 + (unsigned)th_rng_below(rng, NKEYS);
		if (tags == 0)
			k = radix_tree_gang_lookup(rt, from, res, max);
		else
			k = radix_tree_gang_lookup_tagged(
			    rt, from, res, max, tags);
		want = 0;
		for (i = start; i < NKEYS && want < max; i++) {
			if (!m->m_in[i])
				continue;
			if (tags != 0 && (m->m_tags[i] & tags) == 0)
				continue;
			assert_true(want < k);
			assert_ptr_equal(res[want], &m->m_item[i]);
			want++;
		}
		assert_int_equal(k, want);
	}
}

static void
radix_random(uint64_t seed, unsigned nops)
{
	static struct model m;
	struct radix_tree rt;
	struct th_rng rng;
	unsigned op, i, k, tag;
	void *p;
	int error;

	th_rng_seed(&rng, seed);
	model_init(&m, &rng);
	radix_tree_init(&rt);
	for (op = 0; op < nops; op++) {
		k = (unsigned)th_rng_below(&rng, NKEYS);
		switch (th_rng_below(&rng, 8)) {
		case 0:
		case 1:
		case 2:
			error =
			    radix_tree_insert(&rt, m.m_key[k], &m.m_item[k]);
			assert_int_equal(error, m.m_in[k] ? EEXIST : 0);
			m.m_in[k] = true;
			break;
		case 3:
		case 4:
			p = radix_tree_remove(&rt, m.m_key[k]);
			assert_ptr_equal(p, m.m_in[k] ? &m.m_item[k] : NULL);
			m.m_in[k] = false;
			m.m_tags[k] = 0;
			break;
		case 5:
			assert_ptr_equal(radix_tree_lookup(&rt, m.m_key[k]),
			    m.m_in[k] ? &m.m_item[k] : NULL);
			break;
		case 6:
			if (!m.m_in[k])
				break;
			tag = 1 + (unsigned)th_rng_below(&rng, 3);
			if (th_rng_below(&rng, 3) != 0) {
				radix_tree_set_tag(&rt, m.m_key[k], tag);
				m.m_tags[k] |= tag;
			} else {
				radix_tree_clear_tag(&rt, m.m_key[k], tag);
				m.m_tags[k] &= ~tag;
			}
			/* FALLTHROUGH */
		case 7:
			for (tag = 1; tag <= 3; tag++)
				assert_int_equal(
				    radix_tree_get_tag(&rt, m.m_key[k], tag),
				    m.m_in[k] && (m.m_tags[k] & tag) != 0);
			break;
		}
		if (op % 500 == 0)
			model_check(&m, &rt, &rng);
	}
	model_check(&m, &rt, &rng);
	/* Empty the tree in random order. */
	for (i = 0; i < NKEYS; i++) {
		k = (i * 7919u) % NKEYS;
		p = radix_tree_remove(&rt, m.m_key[k]);
		assert_ptr_equal(p, m.m_in[k] ? &m.m_item[k] : NULL);
		m.m_in[k] = false;
		m.m_tags[k] = 0;
		if (i % 300 == 0)
			model_check(&m, &rt, &rng);
	}
	assert_true(radix_tree_empty_p(&rt));
	assert_null(rt.rt_root);
	assert_int_equal(rt.rt_height, 0);
	radix_tree_fini(&rt);
}

static void
test_radix_random(void **state)
{
	static const uint64_t seeds[] = {1, 42, 0xdeadbeef, 20240601};
	size_t i;

	(void)state;
	for (i = 0; i < __arraycount(seeds); i++)
		radix_random(seeds[i], 20000);
}

/* Dense ranges: tagged lookups skip clean subtrees. */
static void
test_radix_dense_tags(void **state)
{
	static int items[10000];
	struct radix_tree rt;
	void *res[64];
	uint64_t i, next;
	unsigned n, got;

	(void)state;
	radix_tree_init(&rt);
	for (i = 0; i < 10000; i++)
		assert_int_equal(radix_tree_insert(&rt, i, &items[i]), 0);
	assert_int_equal(rt.rt_height, 3);
	for (i = 0; i < 10000; i += 97)
		radix_tree_set_tag(&rt, i, RADIX_TAG_0);
	radix_tree_set_tag(&rt, 9999, RADIX_TAG_1);
	radix_tree_sanity(&rt);
	/* Walk the dirty ones in batches, as a flush would. */
	got = 0;
	next = 0;
	for (;;) {
		n = radix_tree_gang_lookup_tagged(
		    &rt, next, res, 64, RADIX_TAG_0);
		if (n == 0)
			break;
		for (unsigned j = 0; j < n; j++) {
			uint64_t idx = (uint64_t)((int *)res[j] - items);

			assert_int_equal(idx % 97, 0);
			assert_int_equal(idx, got * 97);
			got++;
			next = idx + 1;
			radix_tree_clear_tag(&rt, idx, RADIX_TAG_0);
		}
	}
	assert_int_equal(got, (10000 + 96) / 97);
	assert_int_equal(
	    radix_tree_gang_lookup_tagged(&rt, 0, res, 64, RADIX_TAG_0), 0);
	assert_int_equal(radix_tree_gang_lookup_tagged(
			     &rt, 0, res, 64, RADIX_TAG_0 | RADIX_TAG_1),
	    1);
	assert_ptr_equal(res[0], &items[9999]);
	radix_tree_sanity(&rt);
	assert_int_equal(radix_tree_gang_lookup(&rt, 5000, res, 64), 64);
	assert_ptr_equal(res[63], &items[5063]);
	for (i = 0; i < 10000; i++)
		assert_ptr_equal(radix_tree_remove(&rt, i), &items[i]);
	assert_true(radix_tree_empty_p(&rt));
	radix_tree_fini(&rt);
}

/* Node allocation failures: every insert either works or changes nothing. */
static void
test_radix_enomem(void **state)
{
	static const uint64_t keys[] = {0, UINT64_MAX, 5, 4096, 1u << 20,
	    (UINT64_C(1) << 40) + 3, 6, UINT64_C(1) << 63};
	struct kfi fi;
	struct radix_tree rt;
	int items[__arraycount(keys)];
	uint64_t count;
	int64_t cd;
	unsigned height, fails;
	size_t i, j;
	int error;

	(void)state;
	kfi_init(&fi);
	radix_tree_init(&rt);
	radix_tree_set_fi(&rt, &fi, KFI_OBJ);
	fails = 0;
	for (i = 0; i < __arraycount(keys); i++) {
		for (cd = 0;; cd++) {
			count = rt.rt_count;
			height = rt.rt_height;
			kfi_arm(&fi, KFI_OBJ, cd, 1);
			error = radix_tree_insert(&rt, keys[i], &items[i]);
			kfi_disarm(&fi, KFI_OBJ);
			if (error == 0)
				break;
			fails++;
			assert_int_equal(error, ENOMEM);
			assert_int_equal(rt.rt_count, count);
			assert_int_equal(rt.rt_height, height);
			assert_null(radix_tree_lookup(&rt, keys[i]));
			radix_tree_sanity(&rt);
			for (j = 0; j < i; j++)
				assert_ptr_equal(
				    radix_tree_lookup(&rt, keys[j]), &items[j]);
		}
		assert_ptr_equal(radix_tree_lookup(&rt, keys[i]), &items[i]);
		radix_tree_sanity(&rt);
	}
	/* 0: none; MAX: 11; 5: none; ... at least the huge ones failed. */
	assert_true(fails >= 11);
	assert_int_equal(kfi_failed(&fi, KFI_OBJ), fails);
	/* An insert that needs no node never consults the schedule. */
	assert_ptr_equal(radix_tree_remove(&rt, 6), &items[6]);
	kfi_arm(&fi, KFI_OBJ, 0, -1);
	assert_int_equal(radix_tree_insert(&rt, 6, &items[6]), 0);
	assert_int_equal(radix_tree_insert(&rt, 7, &items[6]), 0);
	assert_int_equal(
	    radix_tree_insert(&rt, 64 * 64 * 64 * 64ull, &items[6]), ENOMEM);
	kfi_disarm_all(&fi);
	assert_ptr_equal(radix_tree_remove(&rt, 7), &items[6]);
	for (i = 0; i < __arraycount(keys); i++)
		assert_ptr_equal(radix_tree_remove(&rt, keys[i]), &items[i]);
	assert_true(radix_tree_empty_p(&rt));
	radix_tree_fini(&rt);
}

#ifdef DIAGNOSTIC
static void
test_radix_misuse(void **state)
{
	struct radix_tree rt;
	int a;

	(void)state;
	radix_tree_init(&rt);
	assert_true(TH_EXPECT_PANIC(radix_tree_set_tag(&rt, 3, RADIX_TAG_0)));
	assert_int_equal(radix_tree_insert(&rt, 3, &a), 0);
	assert_true(TH_EXPECT_PANIC(radix_tree_set_tag(&rt, 3, 4)));
	assert_true(TH_EXPECT_PANIC(radix_tree_set_tag(&rt, 4, RADIX_TAG_0)));
	assert_true(TH_EXPECT_PANIC(radix_tree_insert(&rt, 5, NULL)));
	assert_true(TH_EXPECT_PANIC(radix_tree_fini(&rt)));
	radix_tree_sanity(&rt);
	assert_ptr_equal(radix_tree_remove(&rt, 3), &a);
	radix_tree_fini(&rt);
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_radix_empty),
	    cmocka_unit_test(test_radix_height),
	    cmocka_unit_test(test_radix_random),
	    cmocka_unit_test(test_radix_dense_tags),
	    cmocka_unit_test(test_radix_enomem),
#ifdef DIAGNOSTIC
	    cmocka_unit_test(test_radix_misuse),
#endif
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
