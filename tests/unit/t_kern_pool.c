/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_kern_pool.c: the pool(9) stand-in: statistics, alignment, zeroing,
 * reclaim, large pools' huge-page chunks, fault injection (a countdown
 * sweep over a multi-item operation), the registry and its sums, and
 * misuse caught by DIAGNOSTIC.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm.h"

static int
group_setup(void **state)
{
	(void)state;
	th_install_panic_hook();
	return 0;
}

static void
check_stats(struct pool *pp, uint64_t nget, uint64_t nput, uint64_t nfail)
{
	struct pool_stats st;

	pool_getstats(pp, &st);
	assert_int_equal(st.ps_nget, nget);
	assert_int_equal(st.ps_nput, nput);
	assert_int_equal(st.ps_nfail, nfail);
	assert_int_equal(st.ps_nout, nget - nput);
	assert_true(st.ps_hiwat >= st.ps_nout);
	assert_int_equal(st.ps_nitems, st.ps_nslabs * pp->pr_itemsperslab);
	pool_sanity(pp);
}

static void
test_pool_basic(void **state)
{
	struct pool p;
	struct pool_stats st;
	void *items[100];
	unsigned i, j;

	(void)state;
	pool_init(&p, 40, 0, "t_basic", NULL, NULL, -1);
	assert_int_equal(p.pr_size % 16, 0);
	assert_true(p.pr_size >= 40);
	assert_true(p.pr_itemsperslab >= 8);
	check_stats(&p, 0, 0, 0);
	pool_getstats(&p, &st);
	assert_string_equal(st.ps_name, "t_basic");
	assert_int_equal(st.ps_nslabs, 0);

	for (i = 0; i < 100; i++) {
		items[i] = pool_get(&p, PR_WAITOK);
		assert_non_null(items[i]);
		memset(items[i], (int)i, 40);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(items[i], items[j]);
	}
	check_stats(&p, 100, 0, 0);
	for (i = 0; i < 100; i++) {
		unsigned char *b = items[i];

		for (j = 0; j < 40; j++)
			assert_int_equal(b[j], (unsigned char)i);
	}
	for (i = 0; i < 50; i++)
		pool_put(&p, items[i]);
	check_stats(&p, 100, 50, 0);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_hiwat, 100);
	assert_int_equal(
	    st.ps_nslabs, (100 + p.pr_itemsperslab - 1) / p.pr_itemsperslab);
	/* Freed items are reused before the pool grows. */
	for (i = 0; i < 50; i++)
		items[i] = pool_get(&p, PR_NOWAIT);
	pool_getstats(&p, &st);
	assert_int_equal(
	    st.ps_nslabs, (100 + p.pr_itemsperslab - 1) / p.pr_itemsperslab);
	for (i = 0; i < 100; i++)
		pool_put(&p, items[i]);
	check_stats(&p, 150, 150, 0);
	pool_destroy(&p);
}

static void
test_pool_alignment(void **state)
{
	static const size_t sizes[] = {1, 7, 8, 24, 100, 3000, 20000};
	static const size_t aligns[] = {0, 1, 8, 64, 4096};
	struct pool p;
	void *items[20];
	size_t si, ai, al;
	unsigned i;

	(void)state;
	for (si = 0; si < __arraycount(sizes); si++) {
		for (ai = 0; ai < __arraycount(aligns); ai++) {
			pool_init(&p, sizes[si], aligns[ai], "t_align", NULL,
			    NULL, -1);
			al = aligns[ai] == 0 ? 16 : MAX(aligns[ai], 8);
			assert_int_equal(p.pr_size % al, 0);
			assert_true(p.pr_size >= sizes[si]);
			assert_true(p.pr_itemsperslab >= 8);
			for (i = 0; i < __arraycount(items); i++) {
				items[i] = pool_get(&p, PR_WAITOK);
				assert_int_equal((uintptr_t)items[i] % al, 0);
				/* The whole item is usable. */
				memset(items[i], 0x5a, sizes[si]);
			}
			pool_sanity(&p);
			for (i = 0; i < __arraycount(items); i++)
				pool_put(&p, items[i]);
			pool_destroy(&p);
		}
	}
}

static void
test_pool_zero(void **state)
{
	struct pool p;
	unsigned char *a, *b;
	size_t i;

	(void)state;
	pool_init(&p, 200, 0, "t_zero", NULL, NULL, -1);
	a = pool_get(&p, PR_WAITOK);
	memset(a, 0xa5, 200);
	pool_put(&p, a);
	b = pool_get(&p, PR_WAITOK | PR_ZERO);
	assert_ptr_equal(a, b); /* newest free item first */
	for (i = 0; i < 200; i++)
		assert_int_equal(b[i], 0);
	pool_put(&p, b);
	b = pool_get(&p, PR_NOWAIT | PR_ZERO);
	assert_non_null(b);
	for (i = 0; i < 200; i++)
		assert_int_equal(b[i], 0);
	pool_put(&p, b);
	pool_destroy(&p);
}

static void
test_pool_reclaim(void **state)
{
	struct pool p;
	struct pool_stats st;
	void **items;
	unsigned ips, n, i, keep;

	(void)state;
	pool_init(&p, 64, 0, "t_reclaim", NULL, NULL, -1);
	ips = p.pr_itemsperslab;
	n = 3 * ips;
	items = calloc(n, sizeof(*items));
	assert_non_null(items);
	for (i = 0; i < n; i++)
		items[i] = pool_get(&p, PR_WAITOK);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, 3);
	assert_int_equal(pool_reclaim(&p), 0); /* every slab is full */

	/* Keep one item of the middle slab. */
	keep = ips + ips / 2;
	for (i = 0; i < n; i++)
		if (i != keep)
			pool_put(&p, items[i]);
	pool_sanity(&p);
	assert_int_equal(pool_reclaim(&p), 2);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, 1);
	assert_int_equal(st.ps_nitems, ips);
	assert_int_equal(st.ps_nout, 1);
	pool_sanity(&p);
	assert_int_equal(pool_reclaim(&p), 0);

	/* The survivors' free items are still handed out. */
	for (i = 0; i < ips - 1; i++) {
		items[i] = pool_get(&p, PR_WAITOK);
		assert_ptr_equal((void *)((uintptr_t)items[i] &
				     ~(uintptr_t)(p.pr_slabsize - 1)),
		    (void *)((uintptr_t)items[keep] &
			~(uintptr_t)(p.pr_slabsize - 1)));
	}
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, 1);
	for (i = 0; i < ips - 1; i++)
		pool_put(&p, items[i]);
	pool_put(&p, items[keep]);
	assert_int_equal(pool_reclaim(&p), 1);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, 0);
	assert_int_equal(st.ps_nitems, 0);
	pool_sanity(&p);
	/* And it grows again after a full reclaim. */
	items[0] = pool_get(&p, PR_WAITOK);
	assert_non_null(items[0]);
	pool_put(&p, items[0]);
	pool_destroy(&p);
	free(items);
}

/*
 * Large pools: kern_pool.c's chunk size (one transparent huge page), and
 * whether the host still maps a chunk (mincore() fails with ENOMEM on an
 * unmapped range).
 */
#define T_CHUNK ((uintptr_t)2 << 20)

static uintptr_t
chunk_of(const void *item)
{
	return (uintptr_t)item & ~(T_CHUNK - 1);
}

static bool
chunk_mapped_p(uintptr_t chunk)
{
	unsigned char vec[1];

	return mincore((void *)chunk, 4096, vec) == 0;
}

/*
 * A pool past 2 MiB of slabs carves further slabs from 2 MiB-aligned
 * chunks, in address order; reclaim unmaps a chunk when its last slab
 * goes, keeps a chunk with a slab in use, and refills such a chunk
 * before carving elsewhere; destroy unmaps every chunk.
 */
static void
test_pool_chunks(void **state)
{
	struct pool p;
	struct pool_stats st;
	uintptr_t c[3];
	void **items;
	unsigned ips, perchunk, n, i, j, keep;

	(void)state;
	pool_init(&p, 128, 64, "t_chunks", NULL, NULL, -1);
	ips = p.pr_itemsperslab;
	perchunk = (unsigned)(T_CHUNK / p.pr_slabsize);
	/* 2 MiB of ordinary slabs, two full chunks, 3 slabs of a third. */
	n = (3 * perchunk + 3) * ips;
	items = calloc(n, sizeof(*items));
	assert_non_null(items);
	for (i = 0; i < n; i++) {
		items[i] = pool_get(&p, PR_WAITOK);
		assert_int_equal((uintptr_t)items[i] & 63, 0);
	}
	pool_sanity(&p);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, 3 * perchunk + 3);
	for (j = 0; j < 3; j++) {
		c[j] = chunk_of(items[(j + 1) * perchunk * ips]);
		assert_true(chunk_mapped_p(c[j]));
	}
	assert_true(c[0] != c[1] && c[1] != c[2] && c[0] != c[2]);
	/* Each chunk's slabs in order: item k of chunk j at slab k / ips. */
	for (i = perchunk * ips; i < n; i++) {
		j = i / ips - perchunk;
		assert_int_equal(chunk_of(items[i]), c[j / perchunk]);
		assert_int_equal(
		    ((uintptr_t)items[i] & (T_CHUNK - 1)) / p.pr_slabsize,
		    j % perchunk);
	}

	/* All of the second chunk back: reclaim unmaps it. */
	for (i = 2 * perchunk * ips; i < 3 * perchunk * ips; i++)
		pool_put(&p, items[i]);
	assert_int_equal(pool_reclaim(&p), perchunk);
	pool_sanity(&p);
	assert_false(chunk_mapped_p(c[1]));
	assert_true(chunk_mapped_p(c[0]) && chunk_mapped_p(c[2]));

	/* All of the first chunk but one item: it stays mapped. */
	keep = perchunk * ips + ips / 2;
	for (i = perchunk * ips; i < 2 * perchunk * ips; i++)
		if (i != keep)
			pool_put(&p, items[i]);
	assert_int_equal(pool_reclaim(&p), perchunk - 1);
	pool_sanity(&p);
	assert_true(chunk_mapped_p(c[0]));
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, perchunk + 4);

	/*
	 * The kept slab's free items, then a slab given back to the first
	 * chunk, not a fresh one of the third.
	 */
	for (i = 0; i < ips; i++)
		items[2 * perchunk * ips + i] = pool_get(&p, PR_WAITOK);
	for (i = 0; i < ips - 1; i++)
		assert_int_equal(
		    (uintptr_t)items[2 * perchunk * ips + i] / p.pr_slabsize,
		    (uintptr_t)items[keep] / p.pr_slabsize);
	assert_int_equal(chunk_of(items[2 * perchunk * ips + ips - 1]), c[0]);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nslabs, perchunk + 5);
	pool_sanity(&p);

	/* Everything back: reclaim unmaps both chunks. */
	for (i = 0; i < perchunk * ips; i++)
		pool_put(&p, items[i]);
	for (i = 2 * perchunk * ips; i < 2 * perchunk * ips + ips; i++)
		pool_put(&p, items[i]);
	pool_put(&p, items[keep]);
	for (i = 3 * perchunk * ips; i < n; i++)
		pool_put(&p, items[i]);
	assert_int_equal(pool_reclaim(&p), perchunk + 5);
	pool_sanity(&p);
	assert_false(chunk_mapped_p(c[0]) || chunk_mapped_p(c[2]));

	/* Large again; destroy (no reclaim) unmaps the chunks too. */
	n = (perchunk + 2) * ips;
	for (i = 0; i < n; i++)
		items[i] = pool_get(&p, PR_WAITOK);
	c[0] = chunk_of(items[n - 1]);
	assert_true(chunk_mapped_p(c[0]));
	for (i = 0; i < n; i++)
		pool_put(&p, items[i]);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nout, 0);
	assert_int_equal(st.ps_nslabs, perchunk + 2);
	pool_sanity(&p);
	pool_destroy(&p);
	assert_false(chunk_mapped_p(c[0]));
	free(items);
}

/*
 * get_many: take `n` items, all or nothing (the shape of a real
 * operation that allocates several structures).
 */
static int
get_many(struct pool *pp, void **items, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		items[i] = pool_get(pp, PR_NOWAIT);
		if (items[i] == NULL)
			goto fail;
	}
	return 0;
fail:
	while (i-- > 0)
		pool_put(pp, items[i]);
	return ENOMEM;
}

static void
test_pool_fi_sweep(void **state)
{
	struct kfi fi;
	struct pool p;
	struct pool_stats st;
	void *items[10];
	int64_t cd;
	uint64_t fails;
	unsigned i;
	int error;

	(void)state;
	kfi_init(&fi);
	pool_init(&p, 32, 0, "t_fi", NULL, &fi, KFI_POOL);
	fails = 0;
	for (cd = 0;; cd++) {
		kfi_arm(&fi, KFI_POOL, cd, 1);
		error = get_many(&p, items, 10);
		if (error == 0)
			break;
		assert_int_equal(error, ENOMEM);
		fails++;
		pool_getstats(&p, &st);
		assert_int_equal(st.ps_nout, 0); /* unwound */
		assert_int_equal(st.ps_nfail, fails);
		assert_int_equal(kfi_failed(&fi, KFI_POOL), fails);
		pool_sanity(&p);
	}
	assert_int_equal(cd, 10); /* one failure per item position */
	kfi_disarm(&fi, KFI_POOL);
	for (i = 0; i < 10; i++)
		pool_put(&p, items[i]);

	/* PR_WAITOK is never failed by injection. */
	kfi_arm(&fi, KFI_POOL, 0, -1);
	items[0] = pool_get(&p, PR_WAITOK);
	assert_non_null(items[0]);
	assert_null(pool_get(&p, PR_NOWAIT));
	assert_null(pool_get(&p, PR_NOWAIT | PR_ZERO));
	kfi_disarm_all(&fi);
	items[1] = pool_get(&p, PR_NOWAIT);
	assert_non_null(items[1]);
	pool_put(&p, items[0]);
	pool_put(&p, items[1]);
	pool_getstats(&p, &st);
	assert_int_equal(st.ps_nfail, fails + 2);
	assert_int_equal(st.ps_nout, 0);

	/* Another site's schedule does not touch this pool. */
	kfi_arm(&fi, KFI_ANON, 0, -1);
	items[0] = pool_get(&p, PR_NOWAIT);
	assert_non_null(items[0]);
	pool_put(&p, items[0]);
	kfi_disarm_all(&fi);
	pool_destroy(&p);
}

static void
test_pool_registry(void **state)
{
	struct pool_registry preg;
	struct pool a, b, c;
	void *ia[5], *ib[7], *ic;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	unsigned i;

	(void)state;
	pool_registry_init(&preg);
	assert_int_equal(pool_registry_nout(&preg), 0);
	pool_init(&a, 16, 0, "t_rega", &preg, NULL, -1);
	pool_init(&b, 100, 0, "t_regb", &preg, NULL, -1);
	pool_init(&c, 1000, 0, "t_regc", NULL, NULL, -1); /* unregistered */
	for (i = 0; i < 5; i++)
		ia[i] = pool_get(&a, PR_WAITOK);
	for (i = 0; i < 7; i++)
		ib[i] = pool_get(&b, PR_WAITOK);
	pool_put(&a, ia[0]);
	ia[0] = pool_get(&a, PR_WAITOK);
	ic = pool_get(&c, PR_WAITOK); /* c is not counted */
	assert_int_equal(pool_registry_nout(&preg), 12);
	pool_registry_sanity(&preg);

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	pool_registry_print(&preg, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "Name"));
	assert_non_null(strstr(buf, "t_rega"));
	assert_non_null(strstr(buf, "t_regb"));
	assert_null(strstr(buf, "t_regc"));
	free(buf);

	for (i = 0; i < 5; i++)
		pool_put(&a, ia[i]);
	assert_int_equal(pool_registry_nout(&preg), 7);
	pool_destroy(&a);
	assert_int_equal(pool_registry_nout(&preg), 7);
	for (i = 0; i < 7; i++)
		pool_put(&b, ib[i]);
	assert_int_equal(pool_registry_nout(&preg), 0);
	pool_destroy(&b);
	pool_put(&c, ic);
	pool_destroy(&c);
	pool_registry_fini(&preg);
}

#ifdef DIAGNOSTIC
static void
test_pool_misuse(void **state)
{
	struct pool_registry preg;
	struct pool p, q;
	void *it, *other;

	(void)state;
	pool_registry_init(&preg);
	pool_init(&p, 48, 0, "t_misuse", &preg, NULL, -1);
	pool_init(&q, 48, 0, "t_other", &preg, NULL, -1);
	it = pool_get(&p, PR_WAITOK);
	other = pool_get(&q, PR_WAITOK);

	/* Destroying a pool with items out panics and changes nothing. */
	assert_true(TH_EXPECT_PANIC(pool_destroy(&p)));
	assert_non_null(strstr(th_panic_msg, "t_misuse"));
	assert_non_null(strstr(th_panic_msg, "out"));
	assert_int_equal(pool_registry_nout(&preg), 2);
	/* A registry cannot go away under its pools. */
	assert_true(TH_EXPECT_PANIC(pool_registry_fini(&preg)));

	/* Puts of foreign or misaligned pointers panic. */
	assert_true(TH_EXPECT_PANIC(pool_put(&p, other)));
	assert_true(TH_EXPECT_PANIC(pool_put(&p, (char *)it + 8)));
	/* Flags must say exactly one of WAITOK and NOWAIT. */
	assert_true(TH_EXPECT_PANIC(pool_get(&p, PR_ZERO)));
	assert_true(TH_EXPECT_PANIC(pool_get(&p, PR_WAITOK | PR_NOWAIT)));
	pool_sanity(&p);

	pool_put(&p, it);
	pool_put(&q, other);
	pool_destroy(&p);
	pool_destroy(&q);
	pool_registry_fini(&preg);
}
#endif

#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif

/*
 * A double put panics before anything changes: at once under
 * AddressSanitizer (free items are poisoned), otherwise when the slab has
 * no other item out.
 */
static void
test_pool_double_put(void **state)
{
	struct pool p;
	void *a;

	(void)state;
	pool_init(&p, 64, 0, "t_double", NULL, NULL, -1);
	a = pool_get(&p, PR_WAITOK);
	pool_put(&p, a);
	assert_true(TH_EXPECT_PANIC(pool_put(&p, a)));
#ifdef T_ASAN
	assert_non_null(strstr(th_panic_msg, "twice"));
#else
	assert_non_null(strstr(th_panic_msg, "no item out"));
#endif
	pool_sanity(&p);
	/* The pool still works (its lock was released). */
	a = pool_get(&p, PR_WAITOK);
	pool_put(&p, a);
	pool_destroy(&p);
}

/* A broken invariant makes pool_sanity() panic, in every build. */
static void
test_pool_sanity_catches(void **state)
{
	struct pool p;
	void *a;

	(void)state;
	pool_init(&p, 24, 0, "t_sanity", NULL, NULL, -1);
	a = pool_get(&p, PR_WAITOK);
	pool_sanity(&p);
	p.pr_stats.ps_nout++;
	assert_true(TH_EXPECT_PANIC(pool_sanity(&p)));
	assert_non_null(strstr(th_panic_msg, "t_sanity"));
	p.pr_stats.ps_nout--;
	p.pr_stats.ps_nitems++;
	assert_true(TH_EXPECT_PANIC(pool_sanity(&p)));
	assert_non_null(strstr(th_panic_msg, "nitems"));
	p.pr_stats.ps_nitems--;
	pool_sanity(&p);
	pool_put(&p, a);
	pool_destroy(&p);
}

/* A pool of a machine, failing through the machine's schedule. */
static void
test_pool_machine(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct pool p;
	void *it[3];
	uint64_t base;

	base = pool_registry_nout(&uvm->u_pools);
	pool_init(&p, 72, 0, "t_mach", &uvm->u_pools, &uvm->u_fi, KFI_POOL);
	kfi_arm(&uvm->u_fi, KFI_POOL, 2, 1);
	it[0] = pool_get(&p, PR_NOWAIT);
	it[1] = pool_get(&p, PR_NOWAIT);
	it[2] = pool_get(&p, PR_NOWAIT);
	assert_non_null(it[0]);
	assert_non_null(it[1]);
	assert_null(it[2]);
	assert_int_equal(kfi_failed(&uvm->u_fi, KFI_POOL), 1);
	assert_int_equal(pool_registry_nout(&uvm->u_pools), base + 2);
	it[2] = pool_get(&p, PR_NOWAIT); /* the schedule is spent */
	assert_non_null(it[2]);
	uvm_sanity_all(uvm);
	pool_put(&p, it[0]);
	pool_put(&p, it[1]);
	pool_put(&p, it[2]);
	assert_int_equal(pool_registry_nout(&uvm->u_pools), base);
	pool_destroy(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pool_basic),
	    cmocka_unit_test(test_pool_alignment),
	    cmocka_unit_test(test_pool_zero),
	    cmocka_unit_test(test_pool_reclaim),
	    cmocka_unit_test(test_pool_chunks),
	    cmocka_unit_test(test_pool_fi_sweep),
	    cmocka_unit_test(test_pool_registry),
#ifdef DIAGNOSTIC
	    cmocka_unit_test(test_pool_misuse),
#endif
	    cmocka_unit_test(test_pool_double_put),
	    cmocka_unit_test(test_pool_sanity_catches),
	    cmocka_unit_test_setup_teardown(
		test_pool_machine, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
