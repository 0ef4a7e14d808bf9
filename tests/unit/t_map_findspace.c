/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map_findspace.c: uvm_map_findspace() and the tree behind it: both
 * directions, hints, alignment and colours near the map's bounds,
 * exhaustion, and a brute-force comparison over many random maps and
 * queries; plus the tree's shape under sequential and random churn.
 */
#include "t_map.h"

#define MIN_PG 17 /* odd on purpose: alignment must look past it */
#define MAX_PG 1021

static int
setup_colours(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_ncolors = 8;
	return th_setup_cfg(state, &cfg);
}

/* Find space with the map read-locked; returns the address or ~0. */
static vaddr_t
fs(struct vm_map *map, vaddr_t hint, vsize_t len, vsize_t align,
    uvm_flag_t flags)
{
	struct vm_map_entry *e;
	vaddr_t a = 0;

	vm_map_lock_read(map);
	e = uvm_map_findspace(
	    map, hint, len, &a, NULL, UVM_UNKNOWN_OFFSET, align, flags);
	vm_map_unlock_read(map);
	return e != NULL ? a : ~(vaddr_t)0;
}
#define NONE (~(vaddr_t)0)

static void
test_bottomup(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map = tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0);

	assert_int_equal(fs(map, 0, P(1), 0, 0), P(MIN_PG));
	assert_int_equal(fs(map, P(500), P(4), 0, 0), P(500));
	/* Aligned: the first multiple of 16 pages past the odd bottom. */
	assert_int_equal(fs(map, 0, P(1), P(16), 0), P(32));
	assert_int_equal(fs(map, P(33), P(1), P(16), 0), P(48));
	/* The whole map, and one page more. */
	assert_int_equal(fs(map, 0, P(MAX_PG - MIN_PG), 0, 0), P(MIN_PG));
	assert_int_equal(fs(map, 0, P(MAX_PG - MIN_PG + 1), 0, 0), NONE);
	assert_int_equal(
	    fs(map, P(MIN_PG + 1), P(MAX_PG - MIN_PG), 0, 0), NONE);
	/* Alignment near the top: 1008 = 63 * 16 fits 13 pages, not 14. */
	assert_int_equal(fs(map, P(1000), P(13), P(16), 0), P(1008));
	assert_int_equal(fs(map, P(1000), P(14), P(16), 0), NONE);
	/* A hint above the map. */
	assert_int_equal(fs(map, P(MAX_PG + 1), P(1), 0, 0), NONE);

	tmap_fixed(map, MIN_PG, 10, MF(RW, UVM_FLAG_NOMERGE));
	tmap_fixed(map, 30, 10, MF(RW, UVM_FLAG_NOMERGE));
	/* Gap [27, 30) fits 3 pages, not 4; holes skipped in order. */
	assert_int_equal(fs(map, 0, P(3), 0, 0), P(27));
	assert_int_equal(fs(map, 0, P(4), 0, 0), P(40));
	assert_int_equal(fs(map, P(28), P(2), 0, 0), P(28));
	assert_int_equal(fs(map, P(31), P(2), 0, 0), P(40));
	assert_int_equal(fs(map, 0, P(2), P(4), 0), P(28));
	assert_int_equal(fs(map, 0, P(2), P(8), 0), P(40));
	/* FIXED: exactly there or nothing. */
	assert_int_equal(fs(map, P(27), P(3), 0, UVM_FLAG_FIXED), P(27));
	assert_int_equal(fs(map, P(27), P(4), 0, UVM_FLAG_FIXED), NONE);
	assert_int_equal(fs(map, P(26), P(1), 0, UVM_FLAG_FIXED), NONE);
	assert_int_equal(fs(map, P(MIN_PG - 1), P(1), 0, UVM_FLAG_FIXED), NONE);
	assert_int_equal(
	    fs(map, P(MAX_PG - 1), P(1), 0, UVM_FLAG_FIXED), P(MAX_PG - 1));
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	tmap_free(map);
}

static void
test_topdown(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map =
	    tmap_new(uvm, P(MIN_PG), P(MAX_PG), VM_MAP_TOPDOWN);

	assert_int_equal(fs(map, P(MAX_PG), P(1), 0, 0), P(MAX_PG - 1));
	assert_int_equal(fs(map, ~(vaddr_t)0, P(1), 0, 0), NONE);
	assert_int_equal(fs(map, P(500), P(4), 0, 0), P(500));
	/* The highest 16-page multiple with room: 1008 (1021 - 13 = 1008). */
	assert_int_equal(fs(map, P(MAX_PG), P(13), P(16), 0), P(1008));
	assert_int_equal(fs(map, P(MAX_PG), P(14), P(16), 0), P(992));
	/* Near the bottom: 32 is the lowest multiple; 17 is below it. */
	assert_int_equal(fs(map, P(40), P(1), P(16), 0), P(32));
	assert_int_equal(fs(map, P(31), P(1), P(16), 0), NONE);
	assert_int_equal(fs(map, P(MIN_PG), P(1), 0, 0), P(MIN_PG));
	assert_int_equal(fs(map, 0, P(1), 0, 0), P(MIN_PG));
	assert_int_equal(
	    fs(map, P(MAX_PG), P(MAX_PG - MIN_PG), 0, 0), P(MIN_PG));
	assert_int_equal(
	    fs(map, P(MAX_PG), P(MAX_PG - MIN_PG + 1), 0, 0), NONE);

	tmap_fixed(map, MAX_PG - 10, 10, MF(RW, UVM_FLAG_NOMERGE));
	tmap_fixed(map, MAX_PG - 23, 10, MF(RW, UVM_FLAG_NOMERGE));
	/* Gap [1008, 1011) fits 3, not 4. */
	assert_int_equal(fs(map, P(MAX_PG), P(3), 0, 0), P(1008));
	assert_int_equal(fs(map, P(MAX_PG), P(4), 0, 0), P(MAX_PG - 27));
	assert_int_equal(fs(map, P(1009), P(2), 0, 0), P(1009));
	/* A hint inside an entry: the space below it. */
	assert_int_equal(fs(map, P(1015), P(2), 0, 0), P(1009));
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	tmap_free(map);
}

static void
test_colours(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map = tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0);
	struct vm_map *tmap =
	    tmap_new(uvm, P(MIN_PG), P(MAX_PG), VM_MAP_TOPDOWN);
	vaddr_t va;

	/* Colour c: page number % 8 == c. */
	for (vsize_t c = 0; c < 8; c++) {
		va = fs(map, 0, P(1), c, UVM_FLAG_COLORMATCH);
		assert_int_equal(va, P(MIN_PG + ((c + 8 - MIN_PG % 8) % 8)));
		va = fs(tmap, P(MAX_PG), P(1), c, UVM_FLAG_COLORMATCH);
		assert_int_equal((va / PG) % 8, c);
		assert_true(va + PG <= P(MAX_PG) && va + P(9) > P(MAX_PG));
	}
	/* Through uvm_map(): the colour is honoured and checked. */
	va = 0;
	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 5,
			     MF(RW, UVM_FLAG_COLORMATCH)),
	    0);
	assert_int_equal((va / PG) % 8, 5);
	va = P(100); /* page 100 has colour 4 */
	assert_int_equal(uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 4,
			     MF(RW, UVM_FLAG_COLORMATCH | UVM_FLAG_FIXED)),
	    0);
	va = P(101);
	assert_int_equal(uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 4,
			     MF(RW, UVM_FLAG_COLORMATCH | UVM_FLAG_FIXED)),
	    EINVAL);
	assert_int_equal(uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 8,
			     MF(RW, UVM_FLAG_COLORMATCH)),
	    EINVAL);
	/* Near the top: [1016, 1021) has colours 0..4 only. */
	assert_int_equal(
	    fs(map, P(1016), P(1), 4, UVM_FLAG_COLORMATCH), P(1020));
	assert_int_equal(fs(map, P(1016), P(1), 5, UVM_FLAG_COLORMATCH), NONE);
	assert_int_equal(fs(map, P(1016), P(2), 4, UVM_FLAG_COLORMATCH), NONE);
	assert_int_equal(
	    fs(map, P(1016), P(2), 3, UVM_FLAG_COLORMATCH), P(1019));
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	tmap_free(map);
	tmap_free(tmap);
}

static void
test_exhaustion(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map = tmap_new(uvm, P(16), P(80), 0);
	vaddr_t va;
	int n = 0;

	for (;;) {
		va = 0;
		if (uvm_map(map, &va, P(3), NULL, UVM_UNKNOWN_OFFSET, 0,
			MF(RW, UVM_FLAG_NOMERGE)) != 0)
			break;
		n++;
	}
	assert_int_equal(n, 21); /* 64 pages hold 21 of 3 */
	va = 0;
	assert_int_equal(
	    uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)), 0);
	assert_int_equal(va, P(79));
	va = 0;
	assert_int_equal(
	    uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)),
	    ENOMEM);
	/* Free space that only fails the alignment: still ENOMEM. */
	assert_int_equal(uvm_unmap(map, P(17), P(19)), 0);
	va = 0;
	assert_int_equal(
	    uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, P(4), MF(RW, 0)),
	    ENOMEM);
	assert_int_equal(
	    uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, P(1), MF(RW, 0)),
	    0);
	assert_int_equal(va, P(17));
	assert_int_equal(uvm_unmap(map, 0, P(80)), 0);
	tmap_free(map);
}

/* The brute-force answer over the map's entries (see fuzz_map.c). */
static vaddr_t
brute(struct vm_map *map, bool topdown, vaddr_t hint, vsize_t len, vsize_t mod,
    vsize_t res)
{
	vaddr_t lo = P(MIN_PG), hi = P(MAX_PG);
	bool used[MAX_PG];
	struct vm_map_entry *e;

	memset(used, 0, sizeof(used));
	for (e = map->header.next; e != &map->header; e = e->next)
		for (vaddr_t a = e->start; a < e->end; a += PG)
			used[a / PG] = true;
	if (hint < lo)
		hint = lo;
	if (hint > hi || len > hi - lo)
		return NONE;
	if (topdown && hint > hi - len)
		hint = hi - len;
	if (!topdown && hint + len > hi)
		return NONE;
	for (vaddr_t a = hint;;) {
		bool ok = mod == 0 || (a & (mod - 1)) == res;

		for (vaddr_t p = a; ok && p < a + len; p += PG)
			ok = !used[p / PG];
		if (ok)
			return a;
		if (topdown) {
			if (a == lo)
				return NONE;
			a -= PG;
		} else {
			a += PG;
			if (a + len > hi)
				return NONE;
		}
	}
}

static void
test_random_vs_brute(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;

	th_rng_seed(&rng, 42);
	for (int round = 0; round < 40; round++) {
		bool topdown = (round & 1) != 0;
		struct vm_map *map = tmap_new(
		    uvm, P(MIN_PG), P(MAX_PG), topdown ? VM_MAP_TOPDOWN : 0);
		int nmaps = (int)th_rng_below(&rng, 200);

		for (int i = 0; i < nmaps; i++) {
			vaddr_t va = P(MIN_PG + th_rng_below(&rng, MAX_PG));

			(void)uvm_map(map, &va, P(1 + th_rng_below(&rng, 6)),
			    NULL, UVM_UNKNOWN_OFFSET, 0,
			    MF(RW, UVM_FLAG_NOMERGE | UVM_FLAG_FIXED));
		}
		for (int q = 0; q < 300; q++) {
			vaddr_t hint = P(th_rng_below(&rng, MAX_PG + 16));
			vsize_t len = P(1 + th_rng_below(&rng, 12));
			vsize_t align = 0, mod = 0, res = 0;
			uvm_flag_t fl = 0;

			switch (th_rng_below(&rng, 3)) {
			case 0:
				align = P(1) << th_rng_below(&rng, 6);
				mod = align > PG ? align : 0;
				break;
			case 1:
				align = th_rng_below(&rng, 8);
				fl = UVM_FLAG_COLORMATCH;
				mod = P(8);
				res = P(align);
				break;
			default:
				break;
			}
			assert_int_equal(fs(map, hint, len, align, fl),
			    brute(map, topdown, hint, len, mod, res));
		}
		assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
		tmap_free(map);
	}
}

/* The tree stays balanced: depth <= 2 log2(n + 1). */
static int
depth(const struct vm_map_entry *e)
{
	int l, r;

	if (e == NULL)
		return 0;
	l = depth(e->rb_left);
	r = depth(e->rb_right);
	return 1 + (l > r ? l : r);
}

static void
test_tree_balance(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map = tmap_new(uvm, P(16), P(16 + 40000), 0);
	struct th_rng rng;
	int d;

	uvm->u_sanity = 0; /* checked by hand below, O(n) each */
	for (int i = 0; i < 8000; i++)
		tmap_fixed(map, 16 + 2 * i, 1, MF(RW, 0));
	uvm_map_sanity(map);
	d = depth(map->rb_root);
	assert_true(d <= 2 * 13 + 1);
	/* Random churn in the middle. */
	th_rng_seed(&rng, 7);
	for (int i = 0; i < 20000; i++) {
		vaddr_t p = 16 + th_rng_below(&rng, 16000);

		if (th_rng_below(&rng, 2) == 0)
			assert_int_equal(uvm_unmap(map, P(p),
					     P(p + 1 + th_rng_below(&rng, 3))),
			    0);
		else
			(void)uvm_map(map, &(vaddr_t){P(p)}, P(1), NULL,
			    UVM_UNKNOWN_OFFSET, 0,
			    MF(RW, UVM_FLAG_FIXED | UVM_FLAG_NOMERGE));
		if (i % 1000 == 0)
			uvm_map_sanity(map);
	}
	uvm_map_sanity(map);
	assert_true(depth(map->rb_root) <= 2 * 14 + 1);
	uvm->u_sanity = 1;
	assert_int_equal(uvm_unmap(map, 0, P(16 + 40000)), 0);
	tmap_free(map);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_bottomup, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_topdown, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_colours, setup_colours, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exhaustion, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_random_vs_brute, setup_colours, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_tree_balance, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
