/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map.c: uvm_map() and uvm_unmap(): placement, flags, object offsets,
 * merging (backward, forward, both, and every reason to refuse), clipping,
 * FIXED|UNMAP replacement, and the errno of every invalid argument.
 */
#include "t_map.h"

#define MIN_PG 16
#define MAX_PG 4096

struct mfix {
	struct th_fixture *mf_tf;
	struct vm_map *mf_map;
};

static struct vm_map *
setup_map(void **state, int flags)
{
	struct uvm *uvm = TH_UVM(state);

	return tmap_new(uvm, P(MIN_PG), P(MAX_PG), flags);
}

/* A fresh bottom-up map per test. */
#define MAP_BEGIN(state, flags)                       \
	struct uvm *uvm = TH_UVM(state);              \
	struct vm_map *map = setup_map(state, flags); \
	(void)uvm
#define MAP_END() tmap_free(map)

static void
test_map_basic(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_map_entry_info mi;
	vaddr_t va = 0;

	assert_int_equal(
	    uvm_map(map, &va, P(3), NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(RW, VM_PROT_ALL, UVM_INH_SHARE, UVM_ADV_RANDOM, 0)),
	    0);
	assert_int_equal(va, P(MIN_PG)); /* hint below the map: the bottom */
	mi = tmap_entry(map, 0);
	assert_int_equal(mi.mi_start, P(MIN_PG));
	assert_int_equal(mi.mi_end, P(MIN_PG + 3));
	assert_int_equal(mi.mi_prot, RW);
	assert_int_equal(mi.mi_maxprot, VM_PROT_ALL);
	assert_int_equal(mi.mi_inherit, UVM_INH_SHARE);
	assert_int_equal(mi.mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(mi.mi_flags, 0);
	assert_null(mi.mi_object);
	assert_int_equal(mi.mi_offset, 0);
	uvm_map_sanity(map);

	/* The next one goes right after (and merges: same attributes). */
	va = 0;
	assert_int_equal(
	    uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(RW, VM_PROT_ALL, UVM_INH_SHARE, UVM_ADV_RANDOM, 0)),
	    0);
	assert_int_equal(va, P(MIN_PG + 3));
	TMAP_EXPECT(map, MIN_PG, MIN_PG + 5);

	assert_int_equal(uvm_unmap(map, P(MIN_PG), P(MIN_PG + 5)), 0);
	TMAP_EXPECT_EMPTY(map);
	MAP_END();
}

static void
test_map_hint(void **state)
{
	MAP_BEGIN(state, 0);
	vaddr_t va = P(100);

	assert_int_equal(
	    uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 0, MF(RW, 0)), 0);
	assert_int_equal(va, P(100));
	/* A hint inside a mapping: the first fit above it. */
	va = P(100);
	assert_int_equal(uvm_map(map, &va, P(1), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(va, P(101));
	TMAP_EXPECT(map, 100, 101, 101, 102);
	MAP_END();
}

static void
test_map_topdown(void **state)
{
	MAP_BEGIN(state, VM_MAP_TOPDOWN);
	vaddr_t va = P(MAX_PG);

	assert_int_equal(uvm_map(map, &va, P(4), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(va, P(MAX_PG - 4));
	va = P(MAX_PG);
	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(va, P(MAX_PG - 6));
	/* A hint in the middle: the highest fit at or below it. */
	va = P(1000);
	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(va, P(1000));
	va = P(1001);
	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_NOMERGE)),
	    0);
	assert_int_equal(va, P(998));
	MAP_END();
}

static void
test_map_object_offsets(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_object *uo = tobj_create(uvm);
	struct uvm_map_entry_info mi;
	vaddr_t va = P(200);

	/* The map takes over the caller's reference. */
	assert_int_equal(uvm_map(map, &va, P(4), uo, (voff_t)P(7), 0,
			     MF(VM_PROT_READ, UVM_FLAG_FIXED)),
	    0);
	assert_int_equal(tobj_refs(uo), 1);
	mi = tmap_entry(map, 0);
	assert_ptr_equal(mi.mi_object, uo);
	assert_int_equal(mi.mi_offset, P(7));
	assert_int_equal(mi.mi_flags, UVM_MI_OBJ);

	/* UVM_UNKNOWN_OFFSET: derived from the address. */
	tobj_reference(uo);
	va = P(300);
	assert_int_equal(uvm_map(map, &va, P(1), uo, UVM_UNKNOWN_OFFSET, 0,
			     MF(VM_PROT_READ, UVM_FLAG_FIXED)),
	    0);
	mi = tmap_entry(map, 1);
	assert_int_equal(mi.mi_offset, P(300) - P(MIN_PG));
	assert_int_equal(tobj_refs(uo), 2);

	/* Clipping splits the offset and takes a reference. */
	assert_int_equal(uvm_unmap(map, P(201), P(202)), 0);
	TMAP_EXPECT(map, 200, 201, 202, 204, 300, 301);
	assert_int_equal(tmap_entry(map, 1).mi_offset, P(9));
	assert_int_equal(tobj_refs(uo), 3);
	assert_int_equal(uvm_unmap(map, P(0), P(MAX_PG)), 0);
	TMAP_EXPECT_EMPTY(map);
	MAP_END();
}

static void
test_map_copyonw_overlay(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_map_entry_info mi;
	vaddr_t va = P(50);

	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_COPYONW | UVM_FLAG_FIXED)),
	    0);
	mi = tmap_entry(map, 0);
	assert_int_equal(mi.mi_flags, UVM_MI_COW | UVM_MI_NEEDSCOPY);

	va = P(60);
	assert_int_equal(
	    uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
		MF(RW, UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY | UVM_FLAG_FIXED)),
	    0);
	mi = tmap_entry(map, 1);
	assert_int_equal(mi.mi_flags, UVM_MI_COW | UVM_MI_AMAP);
	assert_int_equal(uvm_cnt_get(uvm, namap), 1);

	/* AMAPPAD: room to grow, so a merge extends in place. */
	va = P(70);
	assert_int_equal(
	    uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
		MF(RW, UVM_FLAG_OVERLAY | UVM_FLAG_AMAPPAD | UVM_FLAG_FIXED)),
	    0);
	assert_int_equal(uvm_cnt_get(uvm, namap), 2);
	/* Unmapping the middle of the amap range splits the reference. */
	assert_int_equal(uvm_unmap(map, P(60), P(61)), 0);
	mi = tmap_entry(map, 1);
	assert_int_equal(mi.mi_start, P(61));
	assert_int_equal(mi.mi_amap_pageoff, 1);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	assert_int_equal(uvm_cnt_get(uvm, namap), 0);
	MAP_END();
}

/*
 *   M E R G I N G
 */

static void
test_merge_backward(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 2, MF(RW, 0));
	tmap_fixed(map, 102, 3, MF(RW, 0));
	TMAP_EXPECT(map, 100, 105);
	MAP_END();
}

static void
test_merge_forward(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 102, 3, MF(RW, 0));
	tmap_fixed(map, 100, 2, MF(RW, 0));
	TMAP_EXPECT(map, 100, 105);
	MAP_END();
}

static void
test_merge_both(void **state)
{
	MAP_BEGIN(state, 0);

	tmap_fixed(map, 100, 2, MF(RW, 0));
	tmap_fixed(map, 103, 2, MF(RW, 0));
	TMAP_EXPECT(map, 100, 102, 103, 105);
	tmap_fixed(map, 102, 1, MF(RW, 0));
	TMAP_EXPECT(map, 100, 105);
	assert_int_equal(uvm_unmap(map, P(101), P(104)), 0);
	TMAP_EXPECT(map, 100, 101, 104, 105);
	MAP_END();
}

static void
test_merge_objects(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_object *uo = tobj_create(uvm);
	struct uvm_object *uo2 = tobj_create(uvm);
	vaddr_t va;

	/* Contiguous offsets of one object merge; the reference goes. */
	va = P(100);
	assert_int_equal(uvm_map(map, &va, P(2), uo, (voff_t)P(10), 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	tobj_reference(uo);
	va = P(102);
	assert_int_equal(uvm_map(map, &va, P(2), uo, (voff_t)P(12), 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	TMAP_EXPECT(map, 100, 104);
	assert_int_equal(tobj_refs(uo), 1);
	/* Forward, with offsets. */
	tobj_reference(uo);
	va = P(98);
	assert_int_equal(uvm_map(map, &va, P(2), uo, (voff_t)P(8), 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	TMAP_EXPECT(map, 98, 104);
	assert_int_equal(tmap_entry(map, 0).mi_offset, P(8));
	assert_int_equal(tobj_refs(uo), 1);
	/* Non-contiguous offsets: refused. */
	tobj_reference(uo);
	va = P(104);
	assert_int_equal(uvm_map(map, &va, P(1), uo, (voff_t)P(99), 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	TMAP_EXPECT(map, 98, 104, 104, 105);
	/* Another object: refused; anonymous next to an object: refused. */
	va = P(105);
	assert_int_equal(uvm_map(map, &va, P(1), uo2, (voff_t)P(100), 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    0);
	tmap_fixed(map, 106, 1, MF(RW, 0));
	TMAP_EXPECT(map, 98, 104, 104, 105, 105, 106, 106, 107);
	assert_int_equal(tobj_refs(uo), 2);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

/* One refusal case: the second mapping differs from the first by flags2. */
static void
expect_no_merge(struct vm_map *map, uvm_flag_t flags1, uvm_flag_t flags2)
{
	tmap_fixed(map, 100, 2, flags1);
	tmap_fixed(map, 102, 2, flags2);
	TMAP_EXPECT(map, 100, 102, 102, 104);
	/* The same the other way round (forward merge). */
	tmap_fixed(map, 112, 2, flags1);
	tmap_fixed(map, 110, 2, flags2);
	TMAP_EXPECT(map, 100, 102, 102, 104, 110, 112, 112, 114);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
}

static void
test_merge_refused(void **state)
{
	MAP_BEGIN(state, 0);
	uvm_flag_t base = MF(RW, 0);

	expect_no_merge(map, base, MF(VM_PROT_READ, 0));
	expect_no_merge(
	    map, base, UVM_MAPFLAG(RW, RW, UVM_INH_COPY, UVM_ADV_NORMAL, 0));
	expect_no_merge(map, base,
	    UVM_MAPFLAG(RW, VM_PROT_ALL, UVM_INH_SHARE, UVM_ADV_NORMAL, 0));
	expect_no_merge(map, base,
	    UVM_MAPFLAG(RW, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_RANDOM, 0));
	expect_no_merge(map, base, MF(RW, UVM_FLAG_NOMERGE));
	expect_no_merge(map, MF(RW, UVM_FLAG_NOMERGE), base);
	expect_no_merge(map, base, MF(RW, UVM_FLAG_COPYONW));
	expect_no_merge(map, base, MF(RW, UVM_FLAG_OVERLAY));
	MAP_END();
}

static void
test_merge_refused_wired(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map_entry *e;

	tmap_fixed(map, 100, 2, MF(RW, 0));
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, P(100), &e));
	e->wired_count = 1;
	vm_map_unlock(map);
	tmap_fixed(map, 102, 2, MF(RW, 0));
	tmap_fixed(map, 98, 2, MF(RW, 0));
	TMAP_EXPECT(map, 98, 100, 100, 102, 102, 104);
	assert_int_equal(tmap_entry(map, 1).mi_wired, 1);
	/* Clipping a wired entry keeps the wiring on both pieces. */
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, P(100), &e));
	uvm_map_clip_end(map, e, P(101));
	assert_int_equal(e->next->wired_count, 1);
	vm_map_unlock(map);
	/* Unmapping ends the entries' wiring. */
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

static void
test_merge_amap(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_map_entry_info mi;

	/* An unshared amap grows over the new range (backward merge). */
	tmap_fixed(map, 100, 2, MF(RW, UVM_FLAG_OVERLAY));
	tmap_fixed(map, 102, 2, MF(RW, 0));
	TMAP_EXPECT(map, 100, 104);
	mi = tmap_entry(map, 0);
	assert_true((mi.mi_flags & UVM_MI_AMAP) != 0);
	assert_int_equal(uvm_cnt_get(uvm, namap), 1);
	/* Forward merge: next's amap grows backwards. */
	tmap_fixed(map, 98, 2, MF(RW, 0));
	TMAP_EXPECT(map, 98, 104);
	mi = tmap_entry(map, 0);
	assert_int_equal(mi.mi_start, P(98));
	/* Two amap-bearing neighbours cannot be joined by a mapping. */
	tmap_fixed(map, 105, 2, MF(RW, UVM_FLAG_OVERLAY));
	tmap_fixed(map, 104, 1, MF(RW, 0));
	assert_int_equal(tmap_nentries(map), 2);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	assert_int_equal(uvm_cnt_get(uvm, namap), 0);
	MAP_END();
}

static void
test_merge_shared_amap_refused(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map *dst = setup_map(state, 0);
	vaddr_t da;

	tmap_fixed(map, 100, 2, MF(RW, UVM_FLAG_OVERLAY));
	/* Extraction shares the amap: it may no longer grow. */
	assert_int_equal(uvm_map_extract(map, P(100), P(2), dst, &da, 0), 0);
	tmap_fixed(map, 102, 2, MF(RW, 0));
	TMAP_EXPECT(map, 100, 102, 102, 104);
	assert_int_equal(uvm_unmap(dst, 0, P(MAX_PG)), 0);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	tmap_free(dst);
	MAP_END();
}

/*
 *   C L I P P I N G   A N D   R E P L A C E M E N T
 */

static void
test_clip(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map_entry *e;
	struct vm_amap *am;

	tmap_fixed(map, 100, 10, MF(RW, UVM_FLAG_OVERLAY));
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, P(105), &e));
	UVM_MAP_CLIP_START(map, e, P(103));
	assert_int_equal(e->start, P(103));
	assert_int_equal(e->aref.ar_pageoff, 3);
	assert_int_equal(e->prev->end, P(103));
	UVM_MAP_CLIP_END(map, e, P(107));
	assert_int_equal(e->end, P(107));
	assert_int_equal(e->next->aref.ar_pageoff, 7);
	/* Clipping at a boundary is a no-op. */
	UVM_MAP_CLIP_START(map, e, P(103));
	UVM_MAP_CLIP_END(map, e, P(107));
	assert_int_equal(map->nentries, 3);
	am = e->aref.ar_amap;
	uvm_map_sanity(map);
	vm_map_unlock(map);
	TMAP_EXPECT(map, 100, 103, 103, 107, 107, 110);
	assert_int_equal(amap_refs(am), 3);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

static void
test_fixed_unmap(void **state)
{
	MAP_BEGIN(state, 0);
	struct uvm_object *uo = tobj_create(uvm);
	int freed = 0;
	vaddr_t va;

	((struct tobj *)uo)->to_freed = &freed;
	tmap_fixed(map, 100, 4, MF(RW, UVM_FLAG_NOMERGE));
	va = P(104);
	assert_int_equal(
	    uvm_map(map, &va, P(4), uo, 0, 0, MF(RW, UVM_FLAG_FIXED)), 0);
	tmap_fixed(map, 108, 4, MF(VM_PROT_READ, UVM_FLAG_OVERLAY));
	TMAP_EXPECT(map, 100, 104, 104, 108, 108, 112);
	/* Without UNMAP a FIXED mapping over them fails... */
	va = P(102);
	assert_int_equal(uvm_map(map, &va, P(8), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_FIXED)),
	    ENOMEM);
	/* ... with it, the three are replaced at once. */
	assert_int_equal(
	    uvm_map(map, &va, P(8), NULL, UVM_UNKNOWN_OFFSET, 0,
		MF(VM_PROT_EXECUTE, UVM_FLAG_FIXED | UVM_FLAG_UNMAP)),
	    0);
	assert_int_equal(va, P(102));
	TMAP_EXPECT(map, 100, 102, 102, 110, 110, 112);
	assert_int_equal(tmap_entry(map, 1).mi_prot, VM_PROT_EXECUTE);
	assert_int_equal(freed, 1);
	/* UNMAP over nothing is a plain FIXED mapping. */
	va = P(200);
	assert_int_equal(uvm_map(map, &va, P(2), NULL, UVM_UNKNOWN_OFFSET, 0,
			     MF(RW, UVM_FLAG_FIXED | UVM_FLAG_UNMAP)),
	    0);
	/*
	 * UNMAP of the exact entry; the new one merges with the neighbour
	 * after (whose unshared amap grows backwards over it).
	 */
	va = P(102);
	assert_int_equal(
	    uvm_map(map, &va, P(8), NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(VM_PROT_READ, VM_PROT_ALL, UVM_INH_COPY,
		    UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_UNMAP)),
	    0);
	TMAP_EXPECT(map, 100, 102, 102, 112, 200, 202);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

/*
 *   E R R N O S
 */

struct locker {
	struct vm_map *lk_map;
	pthread_mutex_t lk_mtx;
	pthread_cond_t lk_cv;
	int lk_state; /* 1: locked, 2: please unlock, 3: done */
};

static void *
locker_main(void *arg)
{
	struct locker *lk = arg;

	vm_map_lock(lk->lk_map);
	pthread_mutex_lock(&lk->lk_mtx);
	lk->lk_state = 1;
	pthread_cond_broadcast(&lk->lk_cv);
	while (lk->lk_state != 2)
		pthread_cond_wait(&lk->lk_cv, &lk->lk_mtx);
	pthread_mutex_unlock(&lk->lk_mtx);
	vm_map_unlock(lk->lk_map);
	return NULL;
}

static void
test_errnos(void **state)
{
	MAP_BEGIN(state, 0);
	struct locker lk = {.lk_map = map};
	pthread_t t;
	vaddr_t va;

#define TRY(addr, size, align, flags) \
	(va = (addr),                 \
	    uvm_map(                  \
		map, &va, (size), NULL, UVM_UNKNOWN_OFFSET, (align), (flags)))
	/* Unaligned address or size, zero size: EINVAL. */
	assert_int_equal(
	    TRY(P(100) + 1, P(1), 0, MF(RW, UVM_FLAG_FIXED)), EINVAL);
	assert_int_equal(TRY(P(100), P(1) + 7, 0, MF(RW, 0)), EINVAL);
	assert_int_equal(TRY(P(100), 0, 0, MF(RW, 0)), EINVAL);
	/* Outside the map (FIXED) or wrapping: ENOMEM. */
	assert_int_equal(
	    TRY(P(MIN_PG - 1), P(1), 0, MF(RW, UVM_FLAG_FIXED)), ENOMEM);
	assert_int_equal(
	    TRY(P(MAX_PG), P(1), 0, MF(RW, UVM_FLAG_FIXED)), ENOMEM);
	assert_int_equal(
	    TRY(P(MAX_PG - 1), P(2), 0, MF(RW, UVM_FLAG_FIXED)), ENOMEM);
	assert_int_equal(TRY(P(MAX_PG + 10), P(1), 0, MF(RW, 0)), ENOMEM);
	assert_int_equal(TRY(P(MIN_PG), P(MAX_PG), 0, MF(RW, 0)), ENOMEM);
	assert_int_equal(TRY(P(MIN_PG), 0 - P(1), 0, MF(RW, 0)), ENOMEM);
	/* UNMAP without FIXED: EINVAL. */
	assert_int_equal(TRY(P(100), P(1), 0, MF(RW, UVM_FLAG_UNMAP)), EINVAL);
	/* Alignment not a power of two: EINVAL. */
	assert_int_equal(TRY(P(100), P(1), P(3), MF(RW, 0)), EINVAL);
	assert_int_equal(TRY(P(100), P(1), 3, MF(RW, 0)), EINVAL);
	/* FIXED at an address the alignment rejects: EINVAL. */
	assert_int_equal(
	    TRY(P(101), P(1), P(2), MF(RW, UVM_FLAG_FIXED)), EINVAL);
	/* Colour out of range (one colour by default): EINVAL. */
	assert_int_equal(
	    TRY(P(100), P(1), 1, MF(RW, UVM_FLAG_COLORMATCH)), EINVAL);
	/* prot above maxprot: EACCES. */
	assert_int_equal(
	    TRY(P(100), P(1), 0,
		UVM_MAPFLAG(RW, VM_PROT_READ, UVM_INH_COPY, UVM_ADV_NORMAL, 0)),
	    EACCES);
	/* Bad inheritance or advice, NOWAIT|WAITVA, QUANTUM in a user map. */
	assert_int_equal(
	    TRY(P(100), P(1), 0,
		UVM_MAPFLAG(RW, RW, UVM_INH_DONATE_COPY, UVM_ADV_NORMAL, 0)),
	    EINVAL);
	assert_int_equal(
	    TRY(P(100), P(1), 0, UVM_MAPFLAG(RW, RW, UVM_INH_COPY, 5, 0)),
	    EINVAL);
	assert_int_equal(
	    TRY(P(100), P(1), 0, MF(RW, UVM_FLAG_NOWAIT | UVM_FLAG_WAITVA)),
	    EINVAL);
	assert_int_equal(
	    TRY(P(100), P(1), 0, MF(RW, UVM_FLAG_QUANTUM)), EINVAL);
	assert_int_equal(TRY(P(100), P(1), 0, MF(RW, 0x80000000u)), EINVAL);
	TMAP_EXPECT_EMPTY(map);

	/* A taken FIXED range: ENOMEM. */
	tmap_fixed(map, 100, 2, MF(RW, 0));
	assert_int_equal(TRY(P(101), P(2), 0, MF(RW, UVM_FLAG_FIXED)), ENOMEM);
	assert_int_equal(TRY(P(99), P(2), 0, MF(RW, UVM_FLAG_FIXED)), ENOMEM);

	/* TRYLOCK while another thread holds the lock: EAGAIN. */
	pthread_mutex_init(&lk.lk_mtx, NULL);
	pthread_cond_init(&lk.lk_cv, NULL);
	assert_int_equal(pthread_create(&t, NULL, locker_main, &lk), 0);
	pthread_mutex_lock(&lk.lk_mtx);
	while (lk.lk_state != 1)
		pthread_cond_wait(&lk.lk_cv, &lk.lk_mtx);
	pthread_mutex_unlock(&lk.lk_mtx);
	assert_int_equal(
	    TRY(P(300), P(1), 0, MF(RW, UVM_FLAG_TRYLOCK)), EAGAIN);
	pthread_mutex_lock(&lk.lk_mtx);
	lk.lk_state = 2;
	pthread_cond_broadcast(&lk.lk_cv);
	pthread_mutex_unlock(&lk.lk_mtx);
	pthread_join(t, NULL);
	assert_int_equal(TRY(P(300), P(1), 0, MF(RW, UVM_FLAG_TRYLOCK)), 0);
	pthread_mutex_destroy(&lk.lk_mtx);
	pthread_cond_destroy(&lk.lk_cv);

	/* uvm_unmap: unaligned or inverted EINVAL; empty and holes fine. */
	assert_int_equal(uvm_unmap(map, P(100) + 1, P(101)), EINVAL);
	assert_int_equal(uvm_unmap(map, P(100), P(101) - 1), EINVAL);
	assert_int_equal(uvm_unmap(map, P(101), P(100)), EINVAL);
	assert_int_equal(uvm_unmap(map, P(100), P(100)), 0);
	assert_int_equal(uvm_unmap(map, P(500), P(600)), 0);
	assert_int_equal(uvm_unmap(map, 0, 0 - P(1)), 0);
	TMAP_EXPECT_EMPTY(map);
#undef TRY
	MAP_END();
}

static void
test_reserve_replace(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map_entry *a, *b, *old;
	struct uvm_map_entry_info mi;
	vaddr_t va = P(100);

	assert_int_equal(
	    uvm_map_reserve(map, P(4), 0, 0, &va, UVM_FLAG_FIXED), 0);
	assert_int_equal(va, P(100));
	mi = tmap_entry(map, 0);
	assert_int_equal(mi.mi_prot, VM_PROT_NONE);
	assert_int_equal(mi.mi_maxprot, VM_PROT_NONE);
	assert_int_equal(mi.mi_flags, UVM_MI_NOMERGE);
	assert_int_equal(uvm_map_reserve(map, 0, 0, 0, &va, 0), EINVAL);

	a = uvm_mapent_alloc(map, PR_WAITOK);
	b = uvm_mapent_alloc(map, PR_WAITOK);
	a->start = P(100);
	a->end = P(101);
	a->protection = a->max_protection = VM_PROT_READ;
	b->start = P(102);
	b->end = P(104);
	b->protection = b->max_protection = RW;
	a->next = b;
	b->next = NULL;
	a->prev = b;
	b->prev = a;
	vm_map_lock(map);
	/* Not a blank entry: EINVAL. */
	assert_int_equal(
	    uvm_map_replace(map, P(100), P(103), a, 2, P(3), &old), EINVAL);
	assert_int_equal(
	    uvm_map_replace(map, P(100), P(104), a, 2, P(3), &old), 0);
	vm_map_unlock(map);
	uvm_mapent_free(map, old);
	TMAP_EXPECT(map, 100, 101, 102, 104);
	/* Replacing a real mapping is refused. */
	vm_map_lock(map);
	assert_int_equal(
	    uvm_map_replace(map, P(100), P(101), NULL, 0, 0, &old), EINVAL);
	vm_map_unlock(map);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

static void
test_submap(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map *sub = tmap_new(uvm, P(200), P(300), 0);
	struct uvm_map_entry_info mi;

	tmap_fixed(map, 150, 200,
	    UVM_MAPFLAG(
		VM_PROT_NONE, VM_PROT_ALL, UVM_INH_NONE, UVM_ADV_NORMAL, 0));
	assert_int_equal(uvm_map_submap(map, P(200), P(300), sub), 0);
	TMAP_EXPECT(map, 150, 200, 200, 300, 300, 350);
	mi = tmap_entry(map, 1);
	assert_int_equal(mi.mi_flags, UVM_MI_SUBMAP | UVM_MI_NOMERGE);
	assert_ptr_equal(mi.mi_object, sub);
	assert_int_equal(sub->ref_count, 1);
	/* Not blank any more, or not one entry: EINVAL. */
	assert_int_equal(uvm_map_submap(map, P(200), P(300), sub), EINVAL);
	assert_int_equal(uvm_map_submap(map, P(140), P(160), sub), EINVAL);
	assert_int_equal(uvm_map_submap(map, P(200) + 1, P(300), sub), EINVAL);
	/* protect refuses submaps. */
	assert_int_equal(
	    uvm_map_protect(map, P(150), P(350), VM_PROT_READ, false), EINVAL);
	assert_int_equal(uvm_unmap(map, P(250), P(260)), 0);
	assert_int_equal(sub->ref_count, 2);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	assert_int_equal(sub->ref_count, 0);
	tmap_free(sub);
	MAP_END();
}

static void
test_lookup(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map_entry *e;

	vm_map_lock_read(map);
	assert_false(uvm_map_lookup_entry(map, P(100), &e));
	assert_ptr_equal(e, &map->header);
	vm_map_unlock_read(map);
	for (int i = 0; i < 50; i++)
		tmap_fixed(map, 100 + 3 * i, 2, MF(RW, 0));
	vm_map_lock_read(map);
	for (int i = 0; i < 50; i++) {
		assert_true(uvm_map_lookup_entry(map, P(100 + 3 * i) + 5, &e));
		assert_int_equal(e->start, P(100 + 3 * i));
		assert_true(uvm_map_lookup_entry(map, P(101 + 3 * i), &e));
		assert_false(uvm_map_lookup_entry(map, P(102 + 3 * i), &e));
		assert_int_equal(e->start, P(100 + 3 * i));
	}
	/* Backwards (the hint does not help). */
	for (int i = 49; i >= 0; i--) {
		assert_true(uvm_map_lookup_entry(map, P(100 + 3 * i), &e));
		assert_int_equal(e->start, P(100 + 3 * i));
	}
	assert_false(uvm_map_lookup_entry(map, P(99), &e));
	assert_ptr_equal(e, &map->header);
	assert_false(uvm_map_lookup_entry(map, P(1000), &e));
	assert_ptr_equal(e, map->header.prev);
	vm_map_unlock_read(map);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

static void
test_static_entries(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map *km = tmap_new(uvm, P(1000), P(2000), VM_MAP_STATICENT);
	int64_t before = uvm_cnt_get(uvm, nmapent);
	struct uvm_map_entry_info mi;

	(void)map;
	assert_int_equal(uvm_map_reserve_entries(km, 4, PR_WAITOK), 0);
	assert_int_equal(km->nkentry_free, 4);
	assert_int_equal(uvm_cnt_get(uvm, nmapent), before + 4);
	tmap_fixed(km, 1100, 4, MF(RW, UVM_FLAG_NOMERGE));
	mi = tmap_entry(km, 0);
	assert_int_equal(mi.mi_flags, UVM_MI_NOMERGE | UVM_MI_STATIC);
	/* Splitting takes from the reserve, never from the pool. */
	assert_int_equal(uvm_unmap(km, P(1101), P(1102)), 0);
	assert_int_equal(tmap_nentries(km), 2);
	assert_int_equal(
	    uvm_cnt_get(uvm, nmapent), before + km->nkentry_free + 2);
	uvm_map_sanity_all(uvm);
	assert_int_equal(uvm_unmap(km, 0, P(MAX_PG)), 0);
	tmap_free(km);
	assert_int_equal(uvm_cnt_get(uvm, nmapent), before);
	MAP_END();
}

static void
test_sanity_catches(void **state)
{
	MAP_BEGIN(state, 0);
	struct vm_map_entry *e;
	vsize_t saved;

	tmap_fixed(map, 100, 2, MF(RW, 0));
	tmap_fixed(map, 110, 2, MF(RW, 0));
	vm_map_lock(map);
	assert_true(uvm_map_lookup_entry(map, P(100), &e));
	saved = e->gap;
	e->gap += PG;
	assert_true(TH_EXPECT_PANIC(uvm_map_sanity(map)));
	assert_non_null(strstr(th_panic_msg, "gap"));
	e->gap = saved;
	saved = e->maxgap;
	e->maxgap = 0;
	assert_true(TH_EXPECT_PANIC(uvm_map_tree_sanity(map)));
	assert_non_null(strstr(th_panic_msg, "maxgap"));
	e->maxgap = saved;
	map->first_free = e->next;
	assert_true(TH_EXPECT_PANIC(uvm_map_sanity(map)));
	assert_non_null(strstr(th_panic_msg, "first_free"));
	map->first_free = &map->header;
	map->size += PG;
	assert_true(TH_EXPECT_PANIC(uvm_map_sanity(map)));
	map->size -= PG;
	uvm_map_sanity(map);
	vm_map_unlock(map);
	assert_int_equal(uvm_unmap(map, 0, P(MAX_PG)), 0);
	MAP_END();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_map_basic, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_map_hint, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_map_topdown, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_map_object_offsets, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_map_copyonw_overlay, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_backward, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_forward, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_both, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_objects, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_refused, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_refused_wired, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_amap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_merge_shared_amap_refused, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_clip, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fixed_unmap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_errnos, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_reserve_replace, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_submap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_lookup, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_static_entries, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_sanity_catches, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
