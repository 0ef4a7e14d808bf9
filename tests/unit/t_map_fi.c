/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map_fi.c: fault injection over the map layer.  For each operation that
 * can need a new map entry (or an amap), the failure countdown sweeps over
 * every allocation the operation makes: each failure must return ENOMEM
 * with the map exactly as it was and accounting unchanged; the sweep ends
 * when the operation completes without meeting the failure.
 */
#include "t_map.h"

#define MIN_PG 16
#define MAX_PG 1024

/* An exact snapshot of a map's entries. */
struct snap {
	struct uvm_map_entry_info s_recs[64];
	size_t s_n;
};

static void
snap_take(struct vm_map *map, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(uvm_map_foreach(map, 0, s->s_recs, 64, &s->s_n), 0);
	assert_true(s->s_n <= 64);
}

static void
snap_expect(struct vm_map *map, const struct snap *want)
{
	struct snap now;

	snap_take(map, &now);
	assert_int_equal(now.s_n, want->s_n);
	assert_memory_equal(
	    now.s_recs, want->s_recs, want->s_n * sizeof(want->s_recs[0]));
}

/* A map with a few entries of every kind to cut through. */
static struct vm_map *
fi_map(struct uvm *uvm)
{
	struct vm_map *map = tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0);
	vaddr_t va = P(110);

	tmap_fixed(map, 100, 10, MF(RW, UVM_FLAG_NOMERGE));
	assert_int_equal(uvm_map(map, &va, P(10), tobj_create(uvm), 0, 0,
			     MF(VM_PROT_READ, UVM_FLAG_FIXED)),
	    0);
	tmap_fixed(map, 120, 10, MF(RW, UVM_FLAG_OVERLAY));
	tmap_fixed(map, 140, 10, MF(RW, 0));
	return map;
}

typedef int (*fi_op_t)(struct vm_map *map, struct vm_map *dst);

/*
 * Sweep the countdown of `site' over op.  Returns the number of failures
 * injected (so that callers can check the sweep reached the operation).
 */
static int
fi_sweep(void **state, enum kfi_site site, fi_op_t op, bool with_dst)
{
	struct th_fixture *tf = *state;
	struct uvm *uvm = tf->tf_uvm;
	int injected = 0;

	for (int64_t k = 0; k < 64; k++) {
		struct vm_map *map = fi_map(uvm);
		struct vm_map *dst =
		    with_dst ? tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0) : NULL;
		struct uvm_acct before, after;
		struct snap s, sd;
		uint64_t failed0 = kfi_failed(&uvm->u_fi, site);
		int error;

		snap_take(map, &s);
		if (dst != NULL)
			snap_take(dst, &sd);
		uvm_acct_snapshot(uvm, &before);
		kfi_arm(&uvm->u_fi, site, k, 1);
		error = op(map, dst);
		kfi_disarm_all(&uvm->u_fi);
		if (kfi_failed(&uvm->u_fi, site) == failed0) {
			/* Never reached the failure: the sweep is done. */
			assert_int_equal(error, 0);
			uvm_map_sanity(map);
			assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
			tmap_free(map);
			if (dst != NULL) {
				assert_int_equal(
				    uvm_unmap(dst, 0, P(MAX_PG)), 0);
				tmap_free(dst);
			}
			return injected;
		}
		injected++;
		uvm_map_sanity(map);
		/*
		 * A failure a lower layer absorbs (an amap that gives up
		 * per-page counts when clipped) lets the operation succeed.
		 */
		if (error == 0)
			assert_true(site != KFI_MAPENT);
		if (error != 0) {
			assert_int_equal(error, ENOMEM);
			snap_expect(map, &s);
			if (dst != NULL)
				snap_expect(dst, &sd);
			uvm_acct_snapshot(uvm, &after);
			assert_true(uvm_acct_equal_p(&before, &after));
		}
		assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
		tmap_free(map);
		if (dst != NULL) {
			assert_int_equal(uvm_unmap(dst, 0, P(MAX_PG)), 0);
			tmap_free(dst);
		}
	}
	fail_msg("sweep did not end");
	return injected;
}

static int
op_map(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t va = P(300);

	(void)dst;
	return uvm_map(map, &va, P(4), NULL, UVM_UNKNOWN_OFFSET, 0,
	    MF(RW, UVM_FLAG_NOMERGE));
}

static int
op_map_unmap(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t va = P(105);

	(void)dst;
	return uvm_map(map, &va, P(20), NULL, UVM_UNKNOWN_OFFSET, 0,
	    MF(VM_PROT_EXECUTE, UVM_FLAG_FIXED | UVM_FLAG_UNMAP));
}

static int
op_map_overlay(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t va = P(125);

	(void)dst;
	return uvm_map(map, &va, P(20), NULL, UVM_UNKNOWN_OFFSET, 0,
	    MF(RW, UVM_FLAG_FIXED | UVM_FLAG_UNMAP | UVM_FLAG_OVERLAY));
}

static int
op_unmap(struct vm_map *map, struct vm_map *dst)
{
	(void)dst;
	return uvm_unmap(map, P(102), P(144));
}

static int
op_unmap_middle(struct vm_map *map, struct vm_map *dst)
{
	(void)dst;
	return uvm_unmap(map, P(122), P(124));
}

static int
op_protect(struct vm_map *map, struct vm_map *dst)
{
	(void)dst;
	return uvm_map_protect(map, P(103), P(125), VM_PROT_READ, false);
}

static int
op_inherit(struct vm_map *map, struct vm_map *dst)
{
	(void)dst;
	return uvm_map_inherit(map, P(121), P(122), UVM_INH_SHARE);
}

static int
op_advice(struct vm_map *map, struct vm_map *dst)
{
	(void)dst;
	return uvm_map_advice(map, P(101), P(148), UVM_ADV_RANDOM);
}

static int
op_extract(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t da;

	return uvm_map_extract(map, P(105), P(40), dst, &da, 0);
}

static int
op_extract_remove(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t da;

	return uvm_map_extract(
	    map, P(105), P(40), dst, &da, UVM_EXTRACT_REMOVE);
}

static int
op_reserve(struct vm_map *map, struct vm_map *dst)
{
	vaddr_t va = 0;

	(void)dst;
	return uvm_map_reserve(map, P(8), 0, 0, &va, 0);
}

static void
test_fi_map(void **state)
{
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_map, false), 1);
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_map_unmap, false), 3);
	assert_true(fi_sweep(state, KFI_MAPENT, op_map_overlay, false) >= 2);
	assert_true(fi_sweep(state, KFI_AMAP, op_map_overlay, false) >= 1);
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_reserve, false), 1);
}

static void
test_fi_unmap(void **state)
{
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_unmap, false), 2);
	assert_int_equal(
	    fi_sweep(state, KFI_MAPENT, op_unmap_middle, false), 2);
}

static void
test_fi_range_ops(void **state)
{
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_protect, false), 2);
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_inherit, false), 2);
	assert_int_equal(fi_sweep(state, KFI_MAPENT, op_advice, false), 2);
}

static void
test_fi_extract(void **state)
{
	/* Reservation, two clips, then one new entry per source entry. */
	assert_true(fi_sweep(state, KFI_MAPENT, op_extract, true) >= 5);
	assert_true(fi_sweep(state, KFI_MAPENT, op_extract_remove, true) >= 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fi_map, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_unmap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_range_ops, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_extract, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
