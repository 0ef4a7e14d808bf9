/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map_ops.c: range operations (protect with and without set_max,
 * inherit, advice, checkprot, extract with every flag), vmspaces, map
 * locking (busy, upgrade, downgrade, timestamp, WAITVA), printers and
 * enumeration.
 */
#include "t_map.h"
#include <string.h>
#include "uvm_object.h"
#include "pmap/pmap.h"
#include "uvm_page.h"
#include "uvm_fault.h"

#define MIN_PG 16
#define MAX_PG 4096

#define MAP_BEGIN(state, flags)                                            \
	struct uvm *uvm = TH_UVM(state);                                   \
	struct vm_map *map = tmap_new(uvm, P(MIN_PG), P(MAX_PG), (flags)); \
	(void)uvm
#define MAP_END()                                                  \
	do {                                                       \
		assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0); \
		tmap_free(map);                                    \
	} while (0)

static void
test_protect(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 10, MF(RW, 0));
	/* Split into three... */
	assert_int_equal(
	    uvm_map_protect(map, P(103), P(105), VM_PROT_READ, false), 0);
	TMAP_EXPECT(map, 100, 103, 103, 105, 105, 110);
	assert_int_equal(tmap_entry(map, 1).mi_prot, VM_PROT_READ);
	assert_int_equal(tmap_entry(map, 0).mi_prot, RW);
	assert_int_equal(tmap_entry(map, 2).mi_prot, RW);
	/* ... and merged back. */
	assert_int_equal(uvm_map_protect(map, P(103), P(105), RW, false), 0);
	TMAP_EXPECT(map, 100, 110);
	/* Over a hole: the hole is skipped, the result is 0. */
	tmap_fixed(map, 120, 5, MF(RW, 0));
	assert_int_equal(
	    uvm_map_protect(map, P(105), P(122), VM_PROT_EXECUTE, false), 0);
	TMAP_EXPECT(map, 100, 105, 105, 110, 120, 122, 122, 125);
	assert_int_equal(tmap_entry(map, 2).mi_prot, VM_PROT_EXECUTE);
	/* Bounds outside the map are clamped. */
	assert_int_equal(uvm_map_protect(map, 0, 0 - P(1), RW, false), 0);
	TMAP_EXPECT(map, 100, 110, 120, 125);
	/* Empty range. */
	assert_int_equal(uvm_map_protect(map, P(100), P(100), 0, false), 0);
	MAP_END();
}

static void
test_protect_set_max(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_map_entry_info mi;

	tmap_fixed(map, 100, 4, MF(RW, 0));
	assert_int_equal(
	    uvm_map_protect(map, P(100), P(102), VM_PROT_READ, true), 0);
	mi = tmap_entry(map, 0);
	assert_int_equal(mi.mi_maxprot, VM_PROT_READ);
	assert_int_equal(mi.mi_prot, VM_PROT_READ);
	/* Above the new maximum: EACCES, nothing changes. */
	assert_int_equal(
	    uvm_map_protect(map, P(100), P(104), RW, false), EACCES);
	TMAP_EXPECT(map, 100, 102, 102, 104);
	assert_int_equal(tmap_entry(map, 1).mi_prot, RW);
	/* set_max can lower to nothing; raising the max is refused. */
	assert_int_equal(
	    uvm_map_protect(map, P(100), P(104), VM_PROT_NONE, true), 0);
	TMAP_EXPECT(map, 100, 104);
	assert_int_equal(
	    uvm_map_protect(map, P(100), P(104), VM_PROT_READ, true), EACCES);
	/* Invalid arguments. */
	assert_int_equal(
	    uvm_map_protect(map, P(100) + 1, P(104), 0, false), EINVAL);
	assert_int_equal(
	    uvm_map_protect(map, P(104), P(100), 0, false), EINVAL);
	assert_int_equal(
	    uvm_map_protect(map, P(100), P(104), 0x10, false), EINVAL);
	MAP_END();
}

static void
test_protect_objects_amaps(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_object *uo = tobj_create(uvm);
	vaddr_t va = P(100);

	assert_int_equal(
	    uvm_map(map, &va, P(6), uo, 0, 0, MF(RW, UVM_FLAG_FIXED)), 0);
	assert_int_equal(
	    uvm_map_protect(map, P(102), P(104), VM_PROT_READ, false), 0);
	assert_int_equal(tobj_refs(uo), 3);
	assert_int_equal(tmap_entry(map, 2).mi_offset, P(4));
	/* Merging back drops the extra references. */
	assert_int_equal(uvm_map_protect(map, P(100), P(106), RW, false), 0);
	TMAP_EXPECT(map, 100, 106);
	assert_int_equal(tobj_refs(uo), 1);
	/* Entries with amaps stay split. */
	tmap_fixed(map, 200, 6, MF(RW, UVM_FLAG_OVERLAY));
	assert_int_equal(
	    uvm_map_protect(map, P(202), P(204), VM_PROT_READ, false), 0);
	assert_int_equal(uvm_map_protect(map, P(202), P(204), RW, false), 0);
	TMAP_EXPECT(map, 100, 106, 200, 202, 202, 204, 204, 206);
	MAP_END();
}

static void
test_inherit(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 8, MF(RW, 0));
	assert_int_equal(
	    uvm_map_inherit(map, P(102), P(104), UVM_INH_SHARE), 0);
	TMAP_EXPECT(map, 100, 102, 102, 104, 104, 108);
	assert_int_equal(tmap_entry(map, 1).mi_inherit, UVM_INH_SHARE);
	assert_int_equal(uvm_map_inherit(map, P(104), P(106), UVM_INH_NONE), 0);
	assert_int_equal(uvm_map_inherit(map, P(106), P(108), UVM_INH_ZERO), 0);
	TMAP_EXPECT(map, 100, 102, 102, 104, 104, 106, 106, 108);
	assert_int_equal(tmap_entry(map, 3).mi_inherit, UVM_INH_ZERO);
	assert_int_equal(uvm_map_inherit(map, P(100), P(108), UVM_INH_COPY), 0);
	TMAP_EXPECT(map, 100, 108);
	assert_int_equal(
	    uvm_map_inherit(map, P(100), P(108), UVM_INH_DONATE_COPY), EINVAL);
	assert_int_equal(uvm_map_inherit(map, P(100), P(108), 7), EINVAL);
	assert_int_equal(
	    uvm_map_inherit(map, P(100), P(108) - 1, UVM_INH_COPY), EINVAL);
	MAP_END();
}

static void
test_advice(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 8, MF(RW, 0));
	assert_int_equal(
	    uvm_map_advice(map, P(101), P(107), UVM_ADV_RANDOM), 0);
	TMAP_EXPECT(map, 100, 101, 101, 107, 107, 108);
	assert_int_equal(tmap_entry(map, 1).mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(
	    uvm_map_advice(map, P(100), P(108), UVM_ADV_SEQUENTIAL), 0);
	TMAP_EXPECT(map, 100, 108);
	assert_int_equal(tmap_entry(map, 0).mi_advice, UVM_ADV_SEQUENTIAL);
	/* MADV_WILLNEED (3) and others are not advice values: EINVAL. */
	assert_int_equal(uvm_map_advice(map, P(100), P(108), 3), EINVAL);
	assert_int_equal(uvm_map_advice(map, P(500), P(508), 9), EINVAL);
	assert_int_equal(uvm_map_advice(map, P(108), P(100), 0), EINVAL);
	MAP_END();
}

static void
test_checkprot(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 4, MF(RW, UVM_FLAG_NOMERGE));
	tmap_fixed(map, 104, 4, MF(VM_PROT_READ, 0));
	tmap_fixed(map, 110, 4, MF(RW, 0));
	assert_true(uvm_map_checkprot(map, P(100), P(108), VM_PROT_READ));
	assert_false(uvm_map_checkprot(map, P(100), P(108), RW));
	assert_true(uvm_map_checkprot(map, P(101), P(104), RW));
	assert_false(uvm_map_checkprot(map, P(100), P(112), VM_PROT_READ));
	assert_false(uvm_map_checkprot(map, P(99), P(101), VM_PROT_NONE));
	assert_true(uvm_map_checkprot(map, P(111), P(112), VM_PROT_NONE));
	assert_true(uvm_map_checkprot(map, P(111), P(111), RW));
	assert_false(uvm_map_checkprot(map, P(0), P(20), VM_PROT_NONE));
	vm_map_lock_read(map);
	assert_true(
	    uvm_map_checkprot_locked(map, P(104), P(108), VM_PROT_READ));
	vm_map_unlock_read(map);
	MAP_END();
}

static void
test_extract(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map *dst = tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0);
	struct uvm_object *uo = tobj_create(uvm);
	struct uvm_map_entry_info mi;
	vaddr_t va = P(102), da = 0;

	tmap_fixed(map, 100, 2, MF(RW, UVM_FLAG_OVERLAY));
	assert_int_equal(uvm_map(map, &va, P(2), uo, (voff_t)P(5), 0,
			     UVM_MAPFLAG(VM_PROT_READ, RW, UVM_INH_SHARE,
				 UVM_ADV_RANDOM, UVM_FLAG_FIXED)),
	    0);
	tmap_fixed(map, 106, 2, MF(VM_PROT_EXECUTE, 0));

	/* A copy of [101, 108): three entries, the hole kept. */
	assert_int_equal(uvm_map_extract(map, P(101), P(7), dst, &da, 0), 0);
	assert_int_equal(da, P(MIN_PG));
	TMAP_EXPECT(dst, MIN_PG, MIN_PG + 1, MIN_PG + 1, MIN_PG + 3, MIN_PG + 5,
	    MIN_PG + 7);
	mi = tmap_entry(dst, 0);
	assert_true((mi.mi_flags & UVM_MI_AMAP) != 0);
	assert_int_equal(mi.mi_amap_pageoff, 1);
	mi = tmap_entry(dst, 1);
	assert_ptr_equal(mi.mi_object, uo);
	assert_int_equal(mi.mi_offset, P(5));
	assert_int_equal(mi.mi_prot, VM_PROT_READ);
	assert_int_equal(mi.mi_maxprot, RW);
	assert_int_equal(mi.mi_inherit, UVM_INH_SHARE);
	assert_int_equal(mi.mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(tobj_refs(uo), 2);
	/* The source was clipped at 101 only. */
	TMAP_EXPECT(map, 100, 101, 101, 102, 102, 104, 106, 108);

	/* FIXPROT: protection becomes the maximum. */
	assert_int_equal(
	    uvm_map_extract(map, P(102), P(2), dst, &da, UVM_EXTRACT_FIXPROT),
	    0);
	assert_int_equal(da, P(MIN_PG + 3));
	mi = tmap_entry(dst, 2);
	assert_int_equal(mi.mi_prot, RW);
	assert_int_equal(tobj_refs(uo), 3);

	/* CONTIG: a hole fails with EINVAL, nothing left behind. */
	assert_int_equal(
	    uvm_map_extract(map, P(102), P(5), dst, &da, UVM_EXTRACT_CONTIG),
	    EINVAL);
	assert_int_equal(
	    uvm_map_extract(map, P(99), P(2), dst, &da, UVM_EXTRACT_CONTIG),
	    EINVAL);
	assert_int_equal(tmap_nentries(dst), 4);
	assert_int_equal(
	    uvm_map_extract(map, P(100), P(4), dst, &da, UVM_EXTRACT_CONTIG),
	    0);
	assert_int_equal(tmap_nentries(dst), 7);

	/* REMOVE: moves the range. */
	assert_int_equal(
	    uvm_map_extract(map, P(106), P(2), dst, &da, UVM_EXTRACT_REMOVE),
	    0);
	TMAP_EXPECT(map, 100, 101, 101, 102, 102, 104);
	mi = tmap_entry(dst, 7);
	assert_int_equal(mi.mi_start, da);
	assert_int_equal(mi.mi_prot, VM_PROT_EXECUTE);

	/* Invalid: unaligned, zero, REMOVE with CONTIG/QREF, bad flags. */
	assert_int_equal(
	    uvm_map_extract(map, P(100) + 1, P(1), dst, &da, 0), EINVAL);
	assert_int_equal(uvm_map_extract(map, P(100), 0, dst, &da, 0), EINVAL);
	assert_int_equal(uvm_map_extract(map, P(100), P(1), dst, &da,
			     UVM_EXTRACT_REMOVE | UVM_EXTRACT_CONTIG),
	    EINVAL);
	assert_int_equal(uvm_map_extract(map, P(100), P(1), dst, &da,
			     UVM_EXTRACT_REMOVE | UVM_EXTRACT_QREF),
	    EINVAL);
	assert_int_equal(
	    uvm_map_extract(map, P(100), P(1), dst, &da, 0x100), EINVAL);
	/* No room in the destination: ENOMEM. */
	assert_int_equal(
	    uvm_map_extract(map, P(100), P(MAX_PG), dst, &da, 0), ENOMEM);

	/* A needs-copy source gets its amap first; the copy shares it. */
	tmap_fixed(map, 300, 4, MF(RW, UVM_FLAG_COPYONW));
	assert_int_equal(
	    tmap_entry(map, 3).mi_flags, UVM_MI_COW | UVM_MI_NEEDSCOPY);
	assert_int_equal(uvm_map_extract(map, P(300), P(4), dst, &da, 0), 0);
	mi = tmap_entry(map, 3);
	assert_int_equal(mi.mi_flags, UVM_MI_COW | UVM_MI_AMAP);
	mi = tmap_entry(dst, 8);
	assert_int_equal(mi.mi_start, da);
	assert_int_equal(mi.mi_flags, UVM_MI_COW | UVM_MI_AMAP);

	assert_int_equal(uvm_unmap(dst, 0, P(MAX_PG)), 0);
	tmap_free(dst);
	MAP_END();
}

static void
test_extract_qref(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map *dst = tmap_new(uvm, P(MIN_PG), P(MAX_PG), 0);
	struct uvm_map_entry_info mi;
	vaddr_t da;

	tmap_fixed(map, 100, 8, MF(RW, UVM_FLAG_OVERLAY));
	assert_int_equal(uvm_map_extract(map, P(102), P(3), dst, &da,
			     UVM_EXTRACT_QREF | UVM_EXTRACT_CONTIG),
	    0);
	/* The source is not clipped. */
	TMAP_EXPECT(map, 100, 108);
	mi = tmap_entry(dst, 0);
	assert_int_equal(mi.mi_start, da);
	assert_int_equal(mi.mi_end, da + P(3));
	assert_int_equal(mi.mi_amap_pageoff, 2);
	assert_true((mi.mi_flags & UVM_MI_NOMERGE) != 0);
	/* A quick reference is unmapped as a whole only. */
	assert_int_equal(uvm_unmap(dst, da, da + P(1)), EINVAL);
	assert_int_equal(
	    uvm_map_protect(dst, da, da + P(1), VM_PROT_READ, false), EINVAL);
	assert_int_equal(uvm_unmap(dst, da, da + P(3)), 0);
	assert_int_equal(uvm_cnt_get(uvm, namap), 1);
	tmap_free(dst);
	MAP_END();
}

static void
test_extract_same_map(void **state)
{
	MAP_BEGIN(state, VM_MAP_TOPDOWN);
	vaddr_t da;

	tmap_fixed(map, 100, 4, MF(RW, 0));
	assert_int_equal(
	    uvm_map_extract(map, P(100), P(4), map, &da, UVM_EXTRACT_REMOVE),
	    0);
	/*
	 * The copy is placed from vm_map_min() (NetBSD's hint), so in a
	 * top-down map it lands at the bottom too.
	 */
	assert_int_equal(da, P(MIN_PG));
	TMAP_EXPECT(map, MIN_PG, MIN_PG + 4);
	MAP_END();
}

static void
test_vmspace(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct vm_map *map;
	vaddr_t va, lo, hi;

	assert_null(uvmspace_alloc(uvm, P(10), P(10), false));
	assert_null(uvmspace_alloc(uvm, P(10) + 1, P(20), false));
	vm = uvmspace_alloc(uvm, P(16), P(1 << 20), true);
	assert_non_null(vm);
	map = uvmspace_map(vm);
	uvm_map_bounds(map, &lo, &hi);
	assert_int_equal(lo, P(16));
	assert_int_equal(hi, P(1 << 20));
	assert_non_null(map->pmap);
	assert_true((map->flags & VM_MAP_TOPDOWN) != 0);
	assert_true((map->flags & VM_MAP_PAGEABLE) != 0);
	assert_int_equal(vm->vm_refcnt, 1);
	assert_int_equal(vm->vm_dsize, 0);
	va = P(1 << 20);
	assert_int_equal(uvm_map(map, &va, P(4), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_OVERLAY)),
	    0);
	assert_int_equal(va, P((1 << 20) - 4));
	va = P(100);
	assert_int_equal(uvm_map(map, &va, P(4), tobj_create(uvm), 0, 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	uvmspace_addref(vm);
	assert_int_equal(vm->vm_refcnt, 2);
	uvmspace_free(vm);
	assert_int_equal(tmap_nentries(map), 2);
	/* The last reference unmaps everything (accounting returns). */
	uvmspace_free(vm);

	vm = uvmspace_alloc(uvm, P(16), P(1 << 20), false);
	va = 0;
	assert_int_equal(uvm_map(uvmspace_map(vm), &va, P(4), NULL,
			     UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)),
	    0);
	assert_int_equal(va, P(16));
	uvmspace_free(vm);
}

/*
 *   L O C K I N G
 */

struct waiter {
	struct vm_map *w_map;
	int w_state;
	int w_error;
	vaddr_t w_va;
};

static void *
busy_waiter_main(void *arg)
{
	struct waiter *w = arg;

	__atomic_store_n(&w->w_state, 1, __ATOMIC_SEQ_CST);
	vm_map_lock(w->w_map); /* waits for the busy map */
	__atomic_store_n(&w->w_state, 2, __ATOMIC_SEQ_CST);
	vm_map_unlock(w->w_map);
	return NULL;
}

static void
test_lock_busy(void **state)
{
	MAP_BEGIN(state, 0);
	struct waiter w = {.w_map = map};
	unsigned int ts;
	pthread_t t;

	vm_map_lock(map);
	ts = map->timestamp;
	vm_map_busy(map);
	/* We may drop and retake the lock while busy. */
	vm_map_unlock(map);
	assert_int_equal(map->timestamp, ts + 1);
	vm_map_lock(map);
	vm_map_unlock(map);
	assert_int_equal(pthread_create(&t, NULL, busy_waiter_main, &w), 0);
	while (__atomic_load_n(&w.w_state, __ATOMIC_SEQ_CST) == 0)
		sched_yield();
	usleep(20000);
	assert_int_equal(__atomic_load_n(&w.w_state, __ATOMIC_SEQ_CST), 1);
	/* Readers are not held off by busy; try-lock fails for others. */
	vm_map_lock_read(map);
	vm_map_unlock_read(map);
	vm_map_unbusy(map);
	pthread_join(t, NULL);
	assert_int_equal(w.w_state, 2);
	MAP_END();
}

static void
test_lock_upgrade_downgrade(void **state)
{
	MAP_BEGIN(state, 0);
	unsigned int ts;

	vm_map_lock_read(map);
	assert_true(vm_map_lock_held_p(map));
	assert_false(vm_map_locked_p(map));
	assert_true(vm_map_lock_tryupgrade(map));
	assert_true(vm_map_locked_p(map));
	ts = map->timestamp;
	vm_map_downgrade(map);
	assert_int_equal(map->timestamp, ts + 1);
	assert_false(vm_map_locked_p(map));
	assert_true(vm_map_lock_read_try(map));
	/* Two readers: no upgrade. */
	assert_false(vm_map_lock_tryupgrade(map));
	vm_map_unlock_read(map);
	vm_map_unlock_read(map);
	assert_true(vm_map_lock_try(map));
	assert_false(vm_map_lock_read_try(map));
	vm_map_unlock(map);
	MAP_END();
}

static void *
waitva_main(void *arg)
{
	struct waiter *w = arg;

	w->w_va = 0;
	__atomic_store_n(&w->w_state, 1, __ATOMIC_SEQ_CST);
	w->w_error = uvm_map(w->w_map, &w->w_va, P(2), NULL, UVM_UNKNOWN_OFFSET,
	    0, MF(RW, UVM_FLAG_WAITVA));
	__atomic_store_n(&w->w_state, 2, __ATOMIC_SEQ_CST);
	return NULL;
}

static void
test_waitva(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map *map = tmap_new(uvm, P(16), P(32), 0);
	struct waiter w = {.w_map = map};
	vaddr_t va = 0;
	pthread_t t;

	assert_int_equal(
	    uvm_map(map, &va, P(16), NULL, UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)),
	    0);
	/* Without WAITVA: ENOMEM at once. */
	va = 0;
	assert_int_equal(
	    uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)),
	    ENOMEM);
	assert_int_equal(pthread_create(&t, NULL, waitva_main, &w), 0);
	while (__atomic_load_n(&w.w_state, __ATOMIC_SEQ_CST) == 0)
		sched_yield();
	usleep(30000);
	assert_int_equal(__atomic_load_n(&w.w_state, __ATOMIC_SEQ_CST), 1);
	/* Freeing space wakes it. */
	assert_int_equal(uvm_unmap(map, P(20), P(22)), 0);
	pthread_join(t, NULL);
	assert_int_equal(w.w_error, 0);
	assert_int_equal(w.w_va, P(20));
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	tmap_free(map);
}

/*
 *   P R I N T E R S   A N D   E N U M E R A T I O N
 */

static char *
capture(void (*fn)(struct vm_map *, FILE *), struct vm_map *map)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(map, fp);
	fclose(fp);
	return buf;
}

static void
printit_full(struct vm_map *map, FILE *fp)
{
	uvm_map_printit(map, true, fp);
}

static void
test_printers(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_object *uo = tobj_create(uvm);
	vaddr_t va = P(0x200);
	char *s;

	tmap_fixed(map, 0x100, 4, MF(RW, UVM_FLAG_COPYONW));
	assert_int_equal(
	    uvm_map(map, &va, P(2), uo, (voff_t)P(3), 0,
		UVM_MAPFLAG(VM_PROT_READ | VM_PROT_EXECUTE, VM_PROT_ALL,
		    UVM_INH_SHARE, UVM_ADV_NORMAL, UVM_FLAG_FIXED)),
	    0);
	s = capture(uvm_map_print_procmaps, map);
	assert_string_equal(s,
	    "00100000-00104000 rw-p 00000000 00:00 0 [anon]\n"
	    "00200000-00202000 r-xs 00003000 00:00 0 [tobj]\n");
	free(s);
	s = capture(uvm_map_print_pmap, map);
	assert_string_equal(s,
	    "0000000000100000      16K read/write         [anon]\n"
	    "0000000000200000       8K read/exec          [tobj]\n"
	    " total 24K\n");
	free(s);
	s = capture(printit_full, map);
	assert_non_null(strstr(s, "#ent=2, sz=24576"));
	assert_non_null(strstr(s, "cow=T, nc=T, prot(max)=rw-/rwx"));
	assert_non_null(strstr(s, "prot(max)=r-x/rwx, inh=0"));
	free(s);
	MAP_END();
}

static void
test_foreach(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_map_entry_info recs[4];
	size_t n;

	for (int i = 0; i < 10; i++)
		tmap_fixed(map, 100 + 2 * i, 1, MF(RW, 0));
	assert_int_equal(uvm_map_foreach(map, 0, recs, 4, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(recs[3].mi_start, P(106));
	/* Continue from the last end seen. */
	assert_int_equal(uvm_map_foreach(map, recs[3].mi_end, recs, 4, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(recs[0].mi_start, P(108));
	assert_int_equal(uvm_map_foreach(map, P(109), recs, 0, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(uvm_map_foreach(map, P(1000), NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	MAP_END();
}

/*
 * mlockall(MCL_FUTURE) and PROT_NONE (private anonymous memory, as mmap
 * makes it: copy-on-write with no amap yet): a PROT_NONE entry is not wired by
 * uvm_map_pageable_all(), and becomes wired (its pages resident) when
 * uvm_map_protect() makes it accessible.
 */
static void
test_protect_wirefuture(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct vm_map *map;
	struct vm_map_entry *e;
	int64_t wired0 = uvm_cnt_get(uvm, wired);
	vaddr_t va = P(64);

	vm = uvmspace_alloc(uvm, P(16), P(1 << 10), false);
	assert_non_null(vm);
	map = uvmspace_map(vm);
	assert_int_equal(
	    uvm_map(map, &va, P(4), NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(VM_PROT_NONE, VM_PROT_ALL, UVM_INH_COPY,
		    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	assert_int_equal(
	    uvm_map_pageable_all(map, UVM_MCL_CURRENT | UVM_MCL_FUTURE, 0), 0);
	assert_true((map->flags & VM_MAP_WIREFUTURE) != 0);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, va, &e));
	assert_int_equal(e->wired_count, 0);
	vm_map_unlock_read(map);
	assert_int_equal(uvm_cnt_get(uvm, wired), wired0);

	/* Becoming accessible wires it, every page resident. */
	assert_int_equal(uvm_map_protect(map, va, va + P(4), RW, false), 0);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, va, &e));
	assert_true(e->wired_count > 0);
	vm_map_unlock_read(map);
	assert_int_equal(uvm_cnt_get(uvm, wired), wired0 + 4);

	/* Lowering again to PROT_NONE keeps the wiring (as NetBSD). */
	assert_int_equal(
	    uvm_map_protect(map, va, va + P(4), VM_PROT_NONE, false), 0);
	assert_int_equal(uvm_cnt_get(uvm, wired), wired0 + 4);

	/* munlockall: everything unwired, MCL_FUTURE cleared. */
	assert_int_equal(uvm_map_pageable_all(map, 0, 0), 0);
	assert_true((map->flags & VM_MAP_WIREFUTURE) == 0);
	assert_int_equal(uvm_cnt_get(uvm, wired), wired0);
	assert_int_equal(uvm_map_protect(map, va, va + P(4), RW, false), 0);
	assert_int_equal(uvm_cnt_get(uvm, wired), wired0);
	uvmspace_free(vm);
}

/* A pager that makes any missing page with a pattern, counting its reads. */
static int tp_gets;

static int
tp_get(struct uvm_object *uo, voff_t off, struct vm_page **pps, int *npagesp,
    int centeridx, vm_prot_t access, int advice, int flags)
{
	struct uvm *uvm = uo->uo_uvm;
	struct vm_page *pg;

	(void)centeridx;
	(void)access;
	(void)advice;
	assert_int_equal(*npagesp, 1);
	assert_int_equal(flags & PGO_LOCKED, 0);
	assert_true(rw_write_held(uo->vmobjlock));
	pg = uvm_pagealloc(uvm, uo, off, NULL, 0);
	if (pg == NULL) {
		rw_exit(uo->vmobjlock);
		return ENOMEM;
	}
	memset(uvm_page_hostaddr(uvm, pg), 0xa5, UVM_PAGE_SIZE(uvm));
	pg->flags &= ~PG_FAKE;
	pps[0] = pg;
	tp_gets++;
	rw_exit(uo->vmobjlock);
	return 0;
}

static const struct uvm_pagerops tp_pagerops = {
    .pgo_name = "[tpager]",
    .pgo_reference = tobj_reference,
    .pgo_detach = tobj_detach,
    .pgo_get = tp_get,
};

/*
 * uvm_map_willneed (MADV_WILLNEED): object pages of the range are read in
 * ahead, resident ones are not read again, nothing gets mapped, and
 * anonymous entries and holes are skipped.
 */
static void
test_willneed(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct vm_map *map;
	struct uvm_object *uo;
	struct vm_page *pg;
	vaddr_t va = P(64), anon = P(80);
	paddr_t pa;

	vm = uvmspace_alloc(uvm, P(16), P(1 << 10), false);
	assert_non_null(vm);
	map = uvmspace_map(vm);
	uo = tobj_create(uvm);
	uo->pgops = &tp_pagerops;
	assert_int_equal(uvm_map(map, &va, P(4), uo, 0, 0,
			     MF(RW, UVM_FLAG_FIXED | UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(uvm_map(map, &anon, P(4), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
	tp_gets = 0;

	assert_int_equal(uvm_map_willneed(map, va + 1, va + P(4)), EINVAL);
	assert_int_equal(uvm_map_willneed(map, va, va), 0);
	/* Half of it, then all of it and beyond (the anon entry, a hole). */
	assert_int_equal(uvm_map_willneed(map, va + P(2), va + P(4)), 0);
	assert_int_equal(tp_gets, 2);
	assert_int_equal(uvm_map_willneed(map, P(60), P(100)), 0);
	assert_int_equal(tp_gets, 4);
	assert_int_equal(uo->uo_npages, 4);
	for (int i = 0; i < 4; i++) {
		rw_enter(uo->vmobjlock, RW_READER);
		pg = uvm_pagelookup(uo, (voff_t)P(i));
		rw_exit(uo->vmobjlock);
		assert_non_null(pg);
		assert_int_equal(pg->flags & (PG_BUSY | PG_FAKE), 0);
		assert_int_equal(
		    ((uint8_t *)uvm_page_hostaddr(uvm, pg))[7], 0xa5);
		assert_false(pmap_extract(map->pmap, va + P(i), &pa));
	}

	/* The object's pages go with it. */
	rw_enter(uo->vmobjlock, RW_WRITER);
	while (uvm_obj_page_gang(uo, 0, &pg, 1) == 1)
		uvm_pagefree(pg);
	rw_exit(uo->vmobjlock);
	uvmspace_free(vm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_protect, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_protect_set_max, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_protect_objects_amaps, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_inherit, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_advice, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_checkprot, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extract, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extract_qref, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extract_same_map, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_vmspace, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_lock_busy, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_lock_upgrade_downgrade, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_waitva, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_printers, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_foreach, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_protect_wirefuture, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_willneed, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
