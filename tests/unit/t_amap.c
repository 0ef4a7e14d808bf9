/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_amap.c: amaps: allocation (with padding, failures), anon slots (add,
 * replace, unadd, lookups), whole and partial references (per-slot counts
 * and the anons they free early), splitref, wiperange, wipeout,
 * amap_extend in every case (forwards/backwards, padding, reallocation,
 * ENOMEM leaving the amap intact, E2BIG), the checkers, and
 * fault-injection sweeps.
 */
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "pmap/pmap.h"

#define PGSZ(uvm) ((vsize_t)uvm_pagesize(uvm))

/* An amap of nslots slots (pad more), with an anon in each listed slot. */
static struct vm_amap *
mkamap(struct uvm *uvm, int nslots, int pad, const int *slots, int n,
    struct vm_anon **anons)
{
	struct vm_aref ar;
	struct vm_amap *amap;
	int i;

	amap = amap_alloc(
	    uvm, (vsize_t)nslots * PGSZ(uvm), (vsize_t)pad * PGSZ(uvm), 0);
	assert_non_null(amap);
	ar.ar_amap = amap;
	ar.ar_pageoff = 0;
	amap_lock(amap, RW_WRITER);
	for (i = 0; i < n; i++) {
		struct vm_anon *anon = uvm_analloc(uvm);

		assert_non_null(anon);
		amap_add(&ar, (vaddr_t)slots[i] * PGSZ(uvm), anon, false);
		if (anons != NULL)
			anons[i] = anon;
	}
	amap_unlock(amap);
	amap_sanity(amap);
	return amap;
}

static struct vm_anon *
slot_anon(struct vm_amap *amap, int slot)
{
	struct vm_aref ar = {.ar_pageoff = 0, .ar_amap = amap};
	struct vm_anon *anon;

	vsize_t pgsz = amap_size(amap) / (vsize_t)amap_nslots(amap);

	amap_lock(amap, RW_READER);
	anon = amap_lookup(&ar, (vaddr_t)slot * pgsz);
	amap_unlock(amap);
	return anon;
}

static int
ppref_at(struct vm_amap *amap, int slot)
{
	int r;

	amap_lock(amap, RW_READER);
	r = amap_ppref_count(amap, slot);
	amap_unlock(amap);
	return r;
}

static void
test_alloc(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t namap = uvm_cnt_get(uvm, namap);
	struct vm_amap *a, *b;

	a = amap_alloc(uvm, 8 * PGSZ(uvm), 0, 0);
	b = amap_alloc(uvm, 3 * PGSZ(uvm), 5 * PGSZ(uvm), 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(uvm_cnt_get(uvm, namap), namap + 2);
	assert_int_equal(amap_nslots(a), 8);
	assert_int_equal(amap_maxslots(a), 8);
	assert_int_equal(amap_size(a), 8 * PGSZ(uvm));
	assert_int_equal(amap_nslots(b), 3);
	assert_int_equal(amap_maxslots(b), 8);
	assert_int_equal(amap_refs(a), 1);
	assert_false(amap_shared_p(a));
	assert_int_equal(amap_nused(a), 0);
	assert_ptr_not_equal(amap_lockptr(a), amap_lockptr(b));
	assert_int_equal(ppref_at(a, 0), -1);
	amap_sanity(a);
	uvm_amap_sanity_all(uvm);
	amap_unref(a, 0, 8, true);
	amap_unref(b, 0, 3, true);
	assert_int_equal(uvm_cnt_get(uvm, namap), namap);

	/* More slots than an int holds: refused, nothing allocated. */
	assert_null(amap_alloc(uvm, (vsize_t)1 << 60, 0, 0));
	assert_null(amap_alloc(uvm, PGSZ(uvm), (vsize_t)1 << 62, 0));
	assert_null(amap_alloc(uvm, ((vsize_t)INT_MAX + 1) * PGSZ(uvm), 0, 0));
	assert_int_equal(uvm_cnt_get(uvm, namap), namap);
}

static void
test_alloc_sweep(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_acct before, after;
	struct vm_amap *a;
	int cd, failures = 0;

	uvm_acct_snapshot(uvm, &before);
	for (cd = 0;; cd++) {
		kfi_arm(&uvm->u_fi, KFI_AMAP, cd, 1);
		a = amap_alloc(uvm, 64 * PGSZ(uvm), 16 * PGSZ(uvm), 0);
		kfi_disarm(&uvm->u_fi, KFI_AMAP);
		uvm_acct_snapshot(uvm, &after);
		if (a == NULL) {
			failures++;
			assert_true(uvm_acct_equal_p(&before, &after));
			continue;
		}
		amap_unref(a, 0, 64, true);
		break;
	}
	assert_int_equal(failures, 2); /* the amap, then its arrays */
	uvm_acct_snapshot(uvm, &after);
	assert_true(uvm_acct_equal_p(&before, &after));
}

static void
test_add_lookup_unadd(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 3, 7, 9};
	struct vm_anon *anons[4], *got[10], *nanon, *oanon;
	struct vm_aref ar, ar2;
	struct vm_amap *amap;
	int i;

	amap = mkamap(uvm, 10, 0, slots, 4, anons);
	ar.ar_amap = amap;
	ar.ar_pageoff = 0;
	amap_lock(amap, RW_WRITER);
	assert_int_equal(amap_nused(amap), 4);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(
		    amap_lookup(&ar, slots[i] * PGSZ(uvm)), anons[i]);
		assert_ptr_equal(anons[i]->an_lock, amap_lockptr(amap));
	}
	assert_null(amap_lookup(&ar, 1 * PGSZ(uvm)));
	amap_lookups(&ar, 0, got, 10);
	for (i = 0; i < 10; i++)
		assert_ptr_equal(got[i],
		    i == 0       ? anons[0]
			: i == 3 ? anons[1]
			: i == 7 ? anons[2]
			: i == 9 ? anons[3]
				 : NULL);
	/* Relative to a reference starting at slot 3. */
	ar2.ar_amap = amap;
	ar2.ar_pageoff = 3;
	assert_ptr_equal(amap_lookup(&ar2, 4 * PGSZ(uvm)), anons[2]);
	amap_lookups(&ar2, 0, got, 7);
	assert_ptr_equal(got[0], anons[1]);
	assert_ptr_equal(got[6], anons[3]);

	/* Replace slot 3's anon; the old one's reference comes back. */
	nanon = uvm_analloc(uvm);
	amap_add(&ar, 3 * PGSZ(uvm), nanon, true);
	assert_int_equal(amap_nused(amap), 4);
	assert_ptr_equal(amap_lookup(&ar, 3 * PGSZ(uvm)), nanon);
	oanon = anons[1];
	oanon->an_ref--;
	uvm_anfree(oanon);

	/* Unadd slot 0 (removal from the middle of the dense list). */
	amap_unadd(&ar, 0);
	assert_null(amap_lookup(&ar, 0));
	assert_int_equal(amap_nused(amap), 3);
	amap_sanity(amap);
	anons[0]->an_ref--;
	uvm_anfree(anons[0]);
	/* Adding to a taken slot is refused. */
	nanon = uvm_analloc(uvm);
	assert_true(
	    TH_EXPECT_PANIC(amap_add(&ar, 7 * PGSZ(uvm), nanon, false)));
	nanon->an_ref = 0;
	uvm_anfree(nanon);
	amap_unlock(amap);
	amap_unref(amap, 0, 10, true);
}

static void
test_partial_refs(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 1, 2, 4, 5, 9};
	struct vm_anon *anons[6];
	struct vm_amap *amap;
	int64_t nanon;

	amap = mkamap(uvm, 10, 0, slots, 6, anons);
	nanon = uvm_cnt_get(uvm, nanon);
	/* A second reference to slots [2, 5): per-slot counts appear. */
	amap_ref(amap, 2, 3, 0);
	assert_int_equal(amap_refs(amap), 2);
	assert_int_equal(ppref_at(amap, 0), 1);
	assert_int_equal(ppref_at(amap, 1), 1);
	assert_int_equal(ppref_at(amap, 2), 2);
	assert_int_equal(ppref_at(amap, 4), 2);
	assert_int_equal(ppref_at(amap, 5), 1);
	assert_int_equal(ppref_at(amap, 9), 1);
	amap_sanity(amap);
	/* The first reference goes: only [2, 5) stays referenced. */
	amap_unref(amap, 0, 10, false);
	assert_int_equal(amap_refs(amap), 1);
	assert_int_equal(ppref_at(amap, 1), 0);
	assert_int_equal(ppref_at(amap, 3), 1);
	assert_int_equal(ppref_at(amap, 5), 0);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 4);
	assert_int_equal(amap_nused(amap), 2);
	assert_ptr_equal(slot_anon(amap, 2), anons[2]);
	assert_ptr_equal(slot_anon(amap, 4), anons[3]);
	assert_null(slot_anon(amap, 0));
	assert_null(slot_anon(amap, 9));
	amap_sanity(amap);
	amap_unref(amap, 2, 3, false);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 6);
}

static void
test_refall_shared(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 2};
	struct vm_amap *amap;

	amap = mkamap(uvm, 4, 0, slots, 2, NULL);
	amap_ref(amap, 0, 0, AMAP_SHARED | AMAP_REFALL);
	assert_int_equal(amap_refs(amap), 2);
	assert_true(amap_shared_p(amap));
	assert_int_equal(ppref_at(amap, 0), -1); /* still uncounted */
	amap_sanity(amap);
	amap_unref(amap, 0, 0, true);
	assert_int_equal(amap_refs(amap), 1);
	assert_false(amap_shared_p(amap));
	assert_int_equal(amap_nused(amap), 2);
	amap_unref(amap, 0, 4, true);
}

static void
test_splitref(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 3, 4, 8};
	struct vm_anon *anons[4];
	struct vm_aref left, right;
	struct vm_amap *amap;
	int64_t nanon;

	amap = mkamap(uvm, 10, 0, slots, 4, anons);
	nanon = uvm_cnt_get(uvm, nanon);
	left.ar_amap = amap;
	left.ar_pageoff = 0;
	amap_splitref(&left, &right, 4 * PGSZ(uvm));
	assert_ptr_equal(right.ar_amap, amap);
	assert_int_equal(right.ar_pageoff, 4);
	assert_int_equal(amap_refs(amap), 2);
	assert_int_equal(ppref_at(amap, 0), 1);
	assert_int_equal(ppref_at(amap, 9), 1);
	amap_lock(amap, RW_READER);
	assert_ptr_equal(amap_lookup(&right, 0), anons[2]);
	assert_ptr_equal(amap_lookup(&right, 4 * PGSZ(uvm)), anons[3]);
	amap_unlock(amap);
	/* Splitting at the end is a caller bug. */
	assert_true(
	    TH_EXPECT_PANIC(amap_splitref(&right, &left, 6 * PGSZ(uvm))));
	amap_unlock(amap); /* the panic left it locked */
	/* The right part goes away: its anons with it. */
	amap_unref(amap, right.ar_pageoff, 6, false);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 2);
	assert_int_equal(amap_nused(amap), 2);
	assert_ptr_equal(slot_anon(amap, 3), anons[1]);
	amap_sanity(amap);
	amap_unref(amap, 0, 4, false);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 4);
}

static void
test_ppref_none(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 6};
	struct vm_amap *amap;
	int64_t nanon;

	amap = mkamap(uvm, 8, 0, slots, 2, NULL);
	nanon = uvm_cnt_get(uvm, nanon);
	/* The per-slot array cannot be had: the amap gives up for good. */
	kfi_arm(&uvm->u_fi, KFI_AMAP, 0, 1);
	amap_ref(amap, 4, 4, 0);
	kfi_disarm(&uvm->u_fi, KFI_AMAP);
	assert_int_equal(ppref_at(amap, 0), -2);
	assert_int_equal(amap_refs(amap), 2);
	amap_sanity(amap);
	/* Without counts nothing is freed early. */
	amap_unref(amap, 0, 8, false);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
	assert_int_equal(ppref_at(amap, 7), -2);
	amap_unref(amap, 4, 4, false);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 2);
}

static void
test_wiperange(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int slots[20], i;
	struct vm_amap *amap;
	int64_t nanon;

	for (i = 0; i < 20; i++)
		slots[i] = i * 3;
	amap = mkamap(uvm, 60, 0, slots, 20, NULL);
	nanon = uvm_cnt_get(uvm, nanon);
	amap_lock(amap, RW_WRITER);
	/* Small range: visits the slots. */
	amap_wiperange(amap, 3, 4); /* slots 3, 6 */
	assert_int_equal(amap_nused(amap), 18);
	/* Large range: visits the anons. */
	amap_wiperange(amap, 10, 40); /* 12, 15, ..., 48 */
	assert_int_equal(amap_nused(amap), 5);
	amap_sanity(amap);
	amap_unlock(amap);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 15);
	assert_non_null(slot_anon(amap, 0));
	assert_non_null(slot_anon(amap, 9));
	assert_null(slot_anon(amap, 12));
	assert_non_null(slot_anon(amap, 51));
	amap_unref(amap, 0, 60, true);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 20);
}

/* Anons shared by two amaps (as after a copy) die with the last slot. */
static void
test_shared_anons_wipeout(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 2};
	struct vm_anon *anons[2];
	struct vm_amap *a;
	struct vm_aref ar;
	int64_t freepg = uvm_cnt_get(uvm, free), nanon;
	struct vm_page *pg;

	a = mkamap(uvm, 4, 0, slots, 2, anons);
	nanon = uvm_cnt_get(uvm, nanon);
	/* Give anon 0 a page. */
	amap_lock(a, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, anons[0], 0);
	assert_non_null(pg);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	/* A second slot refers to anon 1 (an_ref 2). */
	ar.ar_amap = a;
	ar.ar_pageoff = 0;
	anons[1]->an_ref++;
	amap_add(&ar, 3 * PGSZ(uvm), anons[1], false);
	amap_sanity(a);
	amap_unlock(a);
	uvm_amap_sanity_all(uvm);
	/*
	 * An an_ref below the slots pointing at the anon is caught; one
	 * above them is an outside reference (a held voaddr) and allowed.
	 */
	anons[1]->an_ref--;
	assert_true(TH_EXPECT_PANIC(uvm_amap_sanity_all(uvm)));
	anons[1]->an_ref += 2;
	uvm_amap_sanity_all(uvm);
	anons[1]->an_ref--;
	amap_unref(a, 0, 4, true);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 2);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
}

static void
setup_entry(struct uvm *uvm, struct vm_map_entry *e, struct vm_amap *amap,
    int pageoff, int npages)
{
	memset(e, 0, sizeof(*e));
	e->start = 0x100000;
	e->end = e->start + (vaddr_t)npages * PGSZ(uvm);
	e->aref.ar_amap = amap;
	e->aref.ar_pageoff = pageoff;
}

static void
test_extend_forwards(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 3};
	struct vm_anon *anons[2], *nanon;
	struct vm_map_entry e;
	struct vm_amap *amap;

	/* With padding: grows in place. */
	amap = mkamap(uvm, 4, 4, slots, 2, anons);
	setup_entry(uvm, &e, amap, 0, 4);
	assert_int_equal(
	    amap_extend(&e, 2 * PGSZ(uvm), AMAP_EXTEND_FORWARDS), 0);
	e.end += 2 * PGSZ(uvm);
	assert_int_equal(amap_nslots(amap), 6);
	assert_int_equal(amap_maxslots(amap), 8);
	assert_int_equal(e.aref.ar_pageoff, 0);
	amap_sanity(amap);
	/* Beyond the padding: reallocated, anons where they were. */
	assert_int_equal(
	    amap_extend(&e, 4 * PGSZ(uvm), AMAP_EXTEND_FORWARDS), 0);
	e.end += 4 * PGSZ(uvm);
	assert_int_equal(amap_nslots(amap), 10);
	assert_true(amap_maxslots(amap) >= 10);
	assert_ptr_equal(slot_anon(amap, 0), anons[0]);
	assert_ptr_equal(slot_anon(amap, 3), anons[1]);
	/* The new slots are usable. */
	amap_lock(amap, RW_WRITER);
	nanon = uvm_analloc(uvm);
	amap_add(&e.aref, 9 * PGSZ(uvm), nanon, false);
	amap_unlock(amap);
	amap_sanity(amap);
	amap_unref(amap, 0, 10, false);
}

static void
test_extend_backwards(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 3};
	struct vm_anon *anons[2];
	struct vm_map_entry e;
	struct vm_amap *amap;
	int off;

	/* No padding: reallocated with the entry at the end. */
	amap = mkamap(uvm, 4, 0, slots, 2, anons);
	setup_entry(uvm, &e, amap, 0, 4);
	assert_int_equal(
	    amap_extend(&e, 2 * PGSZ(uvm), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= 2 * PGSZ(uvm);
	off = e.aref.ar_pageoff;
	assert_int_equal(off + 6, amap_nslots(amap));
	amap_lock(amap, RW_READER);
	assert_null(amap_lookup(&e.aref, 0));
	assert_ptr_equal(amap_lookup(&e.aref, 2 * PGSZ(uvm)), anons[0]);
	assert_ptr_equal(amap_lookup(&e.aref, 5 * PGSZ(uvm)), anons[1]);
	amap_unlock(amap);
	amap_sanity(amap);
	/* The room left in front: in place. */
	assert_true(off >= 3);
	assert_int_equal(
	    amap_extend(&e, 3 * PGSZ(uvm), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= 3 * PGSZ(uvm);
	assert_int_equal(e.aref.ar_pageoff, off - 3);
	amap_lock(amap, RW_READER);
	assert_ptr_equal(amap_lookup(&e.aref, 5 * PGSZ(uvm)), anons[0]);
	amap_unlock(amap);
	amap_sanity(amap);
	amap_unref(amap, e.aref.ar_pageoff, 9, false);

	/* Padding: slid to the end of the allocation. */
	amap = mkamap(uvm, 4, 4, slots, 2, anons);
	setup_entry(uvm, &e, amap, 0, 4);
	assert_int_equal(
	    amap_extend(&e, 2 * PGSZ(uvm), AMAP_EXTEND_BACKWARDS), 0);
	assert_int_equal(e.aref.ar_pageoff, 2);
	assert_int_equal(amap_nslots(amap), 8);
	assert_int_equal(amap_maxslots(amap), 8);
	assert_ptr_equal(slot_anon(amap, 4), anons[0]);
	assert_ptr_equal(slot_anon(amap, 7), anons[1]);
	assert_null(slot_anon(amap, 0));
	amap_sanity(amap);
	/* The entry covers [2, 8) of 8 slots: counted per slot now. */
	assert_int_equal(ppref_at(amap, 1), 0);
	assert_int_equal(ppref_at(amap, 2), 1);
	amap_unref(amap, 2, 6, false);
}

/* An amap whose only reference covers part of it (ppref established). */
static void
test_extend_with_ppref(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 5, 6};
	struct vm_anon *anons[3];
	struct vm_aref left, right;
	struct vm_map_entry e;
	struct vm_amap *amap;

	amap = mkamap(uvm, 8, 0, slots, 3, anons);
	left.ar_amap = amap;
	left.ar_pageoff = 0;
	amap_splitref(&left, &right, 4 * PGSZ(uvm));
	amap_unref(amap, 0, 4, false); /* the left part is unmapped */
	assert_int_equal(amap_nused(amap), 2);
	setup_entry(uvm, &e, amap, right.ar_pageoff, 4);
	/* Backwards into the freed slots [0, 4). */
	assert_int_equal(
	    amap_extend(&e, 4 * PGSZ(uvm), AMAP_EXTEND_BACKWARDS), 0);
	e.start -= 4 * PGSZ(uvm);
	assert_int_equal(e.aref.ar_pageoff, 0);
	assert_int_equal(ppref_at(amap, 0), 1);
	assert_int_equal(ppref_at(amap, 7), 1);
	amap_sanity(amap);
	/* Forwards: reallocated, counts follow. */
	assert_int_equal(
	    amap_extend(&e, 8 * PGSZ(uvm), AMAP_EXTEND_FORWARDS), 0);
	e.end += 8 * PGSZ(uvm);
	assert_int_equal(amap_nslots(amap), 16);
	assert_int_equal(ppref_at(amap, 15), 1);
	assert_ptr_equal(slot_anon(amap, 5), anons[1]);
	amap_sanity(amap);
	amap_unref(amap, 0, 16, false);
}

/* Failures leave the amap exactly as it was. */
static void
test_extend_enomem(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 2, 3};
	struct vm_anon *anons[3], *before[4], *after[4];
	struct vm_map_entry e;
	struct vm_amap *amap;
	int cd, error, dir, fails;

	for (dir = 0; dir < 2; dir++) {
		amap = mkamap(uvm, 4, 0, slots, 3, anons);
		setup_entry(uvm, &e, amap, 0, 4);
		fails = 0;
		for (cd = 0;; cd++) {
			amap_lock(amap, RW_READER);
			amap_lookups(&e.aref, 0, before, 4);
			amap_unlock(amap);
			kfi_arm(&uvm->u_fi, KFI_AMAP, cd, 1);
			error = amap_extend(&e, 4 * PGSZ(uvm),
			    dir == 0 ? AMAP_EXTEND_FORWARDS
				     : AMAP_EXTEND_BACKWARDS);
			kfi_disarm(&uvm->u_fi, KFI_AMAP);
			if (error == 0)
				break;
			fails++;
			assert_int_equal(error, ENOMEM);
			assert_int_equal(amap_nslots(amap), 4);
			assert_int_equal(amap_maxslots(amap), 4);
			assert_int_equal(e.aref.ar_pageoff, 0);
			amap_lock(amap, RW_READER);
			amap_lookups(&e.aref, 0, after, 4);
			amap_unlock(amap);
			assert_memory_equal(before, after, sizeof(before));
			amap_sanity(amap);
		}
		/* Arrays, then (backwards: partial cover) the counts. */
		assert_int_equal(fails, dir == 0 ? 1 : 2);
		amap_sanity(amap);
		if (dir == 1)
			e.start -= 4 * PGSZ(uvm);
		else
			e.end += 4 * PGSZ(uvm);
		amap_unref(amap, e.aref.ar_pageoff, 8, false);
	}
}

static void
test_extend_e2big(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map_entry e;
	struct vm_amap *amap;

	amap = mkamap(uvm, 200, 0, NULL, 0, NULL);
	setup_entry(uvm, &e, amap, 0, 200);
	assert_int_equal(
	    amap_extend(&e, 100 * PGSZ(uvm), AMAP_EXTEND_FORWARDS), E2BIG);
	assert_int_equal(amap_nslots(amap), 200);
	/* Within the allocation it still works. */
	amap_unref(amap, 0, 200, true);
	amap = mkamap(uvm, 200, 100, NULL, 0, NULL);
	setup_entry(uvm, &e, amap, 0, 200);
	assert_int_equal(
	    amap_extend(&e, 100 * PGSZ(uvm), AMAP_EXTEND_FORWARDS), 0);
	assert_int_equal(amap_nslots(amap), 300);
	amap_unref(amap, 0, 300, true);
}

/* Give each listed anon a page filled with byte c + index. */
static void
give_pages(
    struct uvm *uvm, struct vm_amap *amap, struct vm_anon **anons, int n, int c)
{
	int i;

	amap_lock(amap, RW_WRITER);
	for (i = 0; i < n; i++) {
		struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, anons[i], 0);

		assert_non_null(pg);
		memset(uvm_page_hostaddr(uvm, pg), c + i, (size_t)PGSZ(uvm));
		pg->flags &= ~(PG_BUSY | PG_FAKE);
	}
	amap_unlock(amap);
}

static void
test_share_protect(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 2, 3};
	struct vm_anon *anons[3];
	struct vm_map_entry e;
	struct vm_amap *amap;
	struct pmap *pm;
	uint8_t *host;
	vaddr_t va;
	int64_t freepg = uvm_cnt_get(uvm, free);
	int i;

	amap = mkamap(uvm, 4, 0, slots, 3, anons);
	give_pages(uvm, amap, anons, 3, 1);
	pm = pmap_create(uvm);
	for (i = 0; i < 3; i++) {
		va = 0x400000 + (vaddr_t)slots[i] * PGSZ(uvm);
		assert_int_equal(
		    pmap_enter(pm, va, VM_PAGE_TO_PHYS(uvm, anons[i]->an_page),
			VM_PROT_READ | VM_PROT_WRITE, 0),
		    0);
	}
	va = 0x400000 + 2 * PGSZ(uvm);
	assert_int_equal(pmap_access(pm, va, VM_PROT_WRITE, &host), 0);
	/* The entry covers slots [1, 3): slot 3's mapping keeps its rights. */
	setup_entry(uvm, &e, amap, 1, 2);
	amap_lock(amap, RW_WRITER);
	amap_share_protect(&e, VM_PROT_READ);
	amap_unlock(amap);
	assert_int_not_equal(pmap_access(pm, va, VM_PROT_WRITE, &host), 0);
	assert_int_equal(pmap_access(pm, va, VM_PROT_READ, &host), 0);
	assert_int_equal(*host, 2);
	assert_int_equal(
	    pmap_access(pm, 0x400000 + 3 * PGSZ(uvm), VM_PROT_WRITE, &host), 0);
	amap_lock(amap, RW_WRITER);
	amap_share_protect(&e, VM_PROT_NONE);
	amap_unlock(amap);
	assert_int_equal(pmap_page_nmappings(anons[0]->an_page), 0);
	assert_int_equal(pmap_page_nmappings(anons[1]->an_page), 0);
	assert_int_equal(pmap_page_nmappings(anons[2]->an_page), 1);
	/* Freeing the anons unmaps what is still mapped. */
	amap_unref(amap, 0, 4, true);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
	assert_int_equal(pmap_resident_count(pm), 0);
	pmap_destroy(pm);
}

static void
test_replace_shared_unmaps(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0};
	struct vm_anon *anons[1], *nanon;
	struct vm_aref ar;
	struct vm_amap *amap;
	struct pmap *pm;
	struct vm_page *opg;

	amap = mkamap(uvm, 2, 0, slots, 1, anons);
	give_pages(uvm, amap, anons, 1, 9);
	opg = anons[0]->an_page;
	pm = pmap_create(uvm);
	assert_int_equal(
	    pmap_enter(pm, 0x10000, VM_PAGE_TO_PHYS(uvm, opg), VM_PROT_READ, 0),
	    0);
	amap_ref(amap, 0, 0, AMAP_SHARED | AMAP_REFALL);
	ar.ar_amap = amap;
	ar.ar_pageoff = 0;
	nanon = uvm_analloc(uvm);
	amap_lock(amap, RW_WRITER);
	amap_add(&ar, 0, nanon, true);
	/* Other maps of a shared amap must not keep seeing the old page. */
	assert_int_equal(pmap_page_nmappings(opg), 0);
	anons[0]->an_ref--;
	uvm_anfree(anons[0]);
	amap_unlock(amap);
	amap_unref(amap, 0, 0, true);
	amap_unref(amap, 0, 2, true);
	pmap_destroy(pm);
}

static void
test_cow_now(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 2};
	struct vm_anon *anons[2], *a0, *a1;
	struct vm_map_entry e;
	struct vm_map map;
	struct vm_amap *amap;
	struct vm_aref ar;
	int64_t nanon;
	int cd, error, fails = 0;

	amap = mkamap(uvm, 4, 0, slots, 2, anons);
	give_pages(uvm, amap, anons, 2, 0x30);
	/* Anon 0 also in slot 1 (an_ref 2), as after a copy. */
	ar.ar_amap = amap;
	ar.ar_pageoff = 0;
	amap_lock(amap, RW_WRITER);
	anons[0]->an_ref++;
	amap_add(&ar, 1 * PGSZ(uvm), anons[0], false);
	amap_unlock(amap);
	memset(&map, 0, sizeof(map));
	map.uvm = uvm;
	setup_entry(uvm, &e, amap, 0, 4);
	nanon = uvm_cnt_get(uvm, nanon);
	/* Out of pages: ENOMEM, nothing half-done, then success. */
	for (cd = 0;; cd++) {
		kfi_arm(&uvm->u_fi, KFI_PAGE, cd, 1);
		error = amap_cow_now(&map, &e);
		kfi_disarm(&uvm->u_fi, KFI_PAGE);
		amap_sanity(amap);
		uvm_amap_sanity_all(uvm);
		if (error == 0)
			break;
		assert_int_equal(error, ENOMEM);
		assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
		fails++;
	}
	assert_int_equal(fails, 1);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon + 1);
	a0 = slot_anon(amap, 0);
	a1 = slot_anon(amap, 1);
	assert_ptr_not_equal(a0, a1);
	assert_int_equal(a0->an_ref, 1);
	assert_int_equal(a1->an_ref, 1);
	assert_memory_equal(uvm_page_hostaddr(uvm, a0->an_page),
	    uvm_page_hostaddr(uvm, a1->an_page), (size_t)PGSZ(uvm));
	assert_int_equal(*(uint8_t *)uvm_page_hostaddr(uvm, a1->an_page), 0x30);
	assert_ptr_equal(slot_anon(amap, 2), anons[1]); /* unshared: kept */
	amap_unref(amap, 0, 4, true);
}

static void
test_copy_fresh_and_sole(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_map_entry e;
	struct vm_map map;
	struct vm_amap *amap;

	memset(&map, 0, sizeof(map));
	map.uvm = uvm;
	/* No amap yet: one of the entry's size. */
	setup_entry(uvm, &e, NULL, 0, 5);
	e.etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	amap_copy(&map, &e, AMAP_COPY_NOMERGE, e.start, e.end);
	assert_false(UVM_ET_ISNEEDSCOPY(&e));
	assert_non_null(e.aref.ar_amap);
	assert_int_equal(amap_nslots(e.aref.ar_amap), 5);
	assert_int_equal(e.aref.ar_pageoff, 0);
	/* The only reference: kept as it is. */
	amap = e.aref.ar_amap;
	e.etype |= UVM_ET_NEEDSCOPY;
	amap_copy(&map, &e, 0, e.start, e.end);
	assert_false(UVM_ET_ISNEEDSCOPY(&e));
	assert_ptr_equal(e.aref.ar_amap, amap);
	amap_unref(amap, 0, 5, true);
}

static void
test_copy_shared(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 2, 5, 7};
	struct vm_anon *anons[4];
	struct vm_map_entry parent, child;
	struct vm_map map;
	struct vm_amap *amap, *namap;
	int i;

	memset(&map, 0, sizeof(map));
	map.uvm = uvm;
	amap = mkamap(uvm, 8, 0, slots, 4, anons);
	setup_entry(uvm, &parent, amap, 0, 8);
	parent.etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	/* Fork: the child references the same amap, both need copy. */
	amap_ref(amap, 0, 8, AMAP_REFALL);
	child = parent;
	amap_copy(&map, &child, 0, child.start, child.end);
	assert_false(UVM_ET_ISNEEDSCOPY(&child));
	namap = child.aref.ar_amap;
	assert_ptr_not_equal(namap, amap);
	assert_ptr_equal(amap_lockptr(namap), amap_lockptr(amap));
	assert_int_equal(amap_refs(amap), 1);
	assert_int_equal(amap_nused(namap), 4);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(slot_anon(namap, slots[i]), anons[i]);
		assert_int_equal(anons[i]->an_ref, 2);
	}
	uvm_amap_sanity_all(uvm);
	/* The parent is now alone: its copy is a take-over. */
	amap_copy(&map, &parent, 0, parent.start, parent.end);
	assert_ptr_equal(parent.aref.ar_amap, amap);
	amap_unref(amap, 0, 8, true);
	for (i = 0; i < 4; i++)
		assert_int_equal(anons[i]->an_ref, 1);
	uvm_amap_sanity_all(uvm);
	amap_unref(namap, 0, 8, true);
}

/* Copying one piece of a split entry: only its range, counts adjusted. */
static void
test_copy_partial(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 4, 5, 7};
	struct vm_anon *anons[4];
	struct vm_map_entry left, right;
	struct vm_map map;
	struct vm_amap *amap, *namap;
	int64_t nanon;

	memset(&map, 0, sizeof(map));
	map.uvm = uvm;
	amap = mkamap(uvm, 8, 0, slots, 4, anons);
	setup_entry(uvm, &left, amap, 0, 4);
	amap_splitref(&left.aref, &right.aref, 4 * PGSZ(uvm));
	right.start = left.end;
	right.end = right.start + 4 * PGSZ(uvm);
	right.etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	nanon = uvm_cnt_get(uvm, nanon);
	amap_copy(&map, &right, 0, right.start, right.end);
	namap = right.aref.ar_amap;
	assert_int_equal(amap_nslots(namap), 4);
	assert_ptr_equal(slot_anon(namap, 0), anons[1]);
	assert_ptr_equal(slot_anon(namap, 3), anons[3]);
	/* Nothing references [4, 8) of the old amap: its slots emptied. */
	assert_int_equal(ppref_at(amap, 5), 0);
	assert_int_equal(amap_nused(amap), 1);
	assert_int_equal(anons[1]->an_ref, 1);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
	uvm_amap_sanity_all(uvm);
	amap_unref(amap, 0, 4, false);
	amap_unref(namap, 0, 4, true);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon - 4);
}

static void
test_copy_sweep(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {0, 3};
	struct vm_anon *anons[2];
	struct vm_map_entry e;
	struct vm_map map;
	struct vm_amap *amap;
	struct uvm_acct before, after;
	int cd, fails = 0;

	memset(&map, 0, sizeof(map));
	map.uvm = uvm;
	amap = mkamap(uvm, 4, 0, slots, 2, anons);
	amap_ref(amap, 0, 4, AMAP_REFALL);
	setup_entry(uvm, &e, amap, 0, 4);
	e.etype = UVM_ET_NEEDSCOPY;
	uvm_acct_snapshot(uvm, &before);
	for (cd = 0;; cd++) {
		kfi_arm(&uvm->u_fi, KFI_AMAP, cd, 1);
		amap_copy(&map, &e, AMAP_COPY_NOWAIT | AMAP_COPY_CANFAIL,
		    e.start, e.end);
		kfi_disarm(&uvm->u_fi, KFI_AMAP);
		if (!UVM_ET_ISNEEDSCOPY(&e))
			break;
		fails++;
		assert_ptr_equal(e.aref.ar_amap, amap);
		uvm_acct_snapshot(uvm, &after);
		assert_true(uvm_acct_equal_p(&before, &after));
		assert_int_equal(anons[0]->an_ref, 1);
		uvm_amap_sanity_all(uvm);
	}
	assert_int_equal(fails, 2);
	assert_int_equal(anons[0]->an_ref, 2);
	amap_unref(e.aref.ar_amap, 0, 4, true);
	amap_unref(amap, 0, 4, true);
}

/* A large private mapping: the copy is chunked around the fault. */
/* What a neighbour's amap of one chunk can still take, in whole chunks. */
#define WIDE                                                      \
	((UVM_AMAP_LARGE - 1 - UVM_AMAP_CHUNK) / UVM_AMAP_CHUNK * \
	    UVM_AMAP_CHUNK)

/* A map with one private 1024-page mapping at va, never written. */
static void
chunkmap(struct uvm *uvm, struct vm_map *map, vaddr_t va)
{
	uvm_map_setup(map, uvm, NULL, 0x100000, 0x10000000, 0);
	assert_int_equal(
	    uvm_map(map, &va, 1024 * PGSZ(uvm), NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		    UVM_INH_COPY, UVM_ADV_NORMAL,
		    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)),
	    0);
}

static void
test_copy_chunk(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	const vsize_t pg = PGSZ(uvm);
	struct vm_map_entry *e, *e2;
	struct vm_map map;
	vaddr_t va = 0x200000, fault;
	int nent;

	chunkmap(uvm, &map, va);
	vm_map_lock(&map);
	nent = map.nentries;
	fault = va + 100 * pg + 5;
	assert_true(uvm_map_lookup_entry(&map, fault, &e));
	assert_true(UVM_ET_ISNEEDSCOPY(e));
	assert_null(e->aref.ar_amap);
	amap_copy(&map, e, 0, fault, fault + 1);
	assert_false(UVM_ET_ISNEEDSCOPY(e));
	assert_int_equal(e->start, va + 96 * pg);
	assert_int_equal(e->end, va + 112 * pg);
	assert_int_equal(amap_nslots(e->aref.ar_amap), UVM_AMAP_CHUNK);
	assert_int_equal(map.nentries, nent + 2);
	assert_true(UVM_ET_ISNEEDSCOPY(e->prev));
	assert_true(UVM_ET_ISNEEDSCOPY(e->next));
	assert_null(e->next->aref.ar_amap);

	/*
	 * The next chunk of a sweep upwards merges into this entry's amap,
	 * widened to what that amap can still take (UVM_AMAP_LARGE in all,
	 * whole chunks): one copy instead of one per chunk.
	 */
	fault = va + 120 * pg;
	assert_true(uvm_map_lookup_entry(&map, fault, &e2));
	amap_copy(&map, e2, 0, fault, fault + 1);
	assert_false(UVM_ET_ISNEEDSCOPY(e2));
	assert_int_equal(e2->start, va + 96 * pg);
	assert_int_equal(e2->end, va + (112 + WIDE) * pg);
	assert_int_equal(amap_nslots(e2->aref.ar_amap), UVM_AMAP_CHUNK + WIDE);
	assert_int_equal(map.nentries, nent + 2);
	amap_sanity(e2->aref.ar_amap);
	/* Full: the chunk after it is an ordinary chunk, not merged. */
	fault = e2->end;
	assert_true(uvm_map_lookup_entry(&map, fault, &e));
	amap_copy(&map, e, 0, fault, fault + 1);
	assert_int_equal(e->start, fault);
	assert_int_equal(e->end, fault + UVM_AMAP_CHUNK * pg);
	assert_int_equal(amap_nslots(e->aref.ar_amap), UVM_AMAP_CHUNK);
	assert_ptr_equal(e->prev, e2);
	/* NOCHUNK: the whole rest of the mapping. */
	e = e->next;
	amap_copy(&map, e, AMAP_COPY_NOCHUNK | AMAP_COPY_NOMERGE, e->start,
	    e->start + pg);
	assert_int_equal(amap_nslots(e->aref.ar_amap), 1024 - 128 - WIDE);
	vm_map_unlock(&map);
	uvm_map_sanity(&map);
	uvm_map_teardown(&map);
}

/* A sweep downwards widens the chunk below the last one the same way. */
static void
test_copy_chunk_down(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	const vsize_t pg = PGSZ(uvm);
	struct vm_map_entry *e, *e2;
	struct vm_map map;
	vaddr_t va = 0x200000, top, fault;

	chunkmap(uvm, &map, va);
	top = va + 1024 * pg;
	vm_map_lock(&map);
	fault = top - pg;
	assert_true(uvm_map_lookup_entry(&map, fault, &e));
	amap_copy(&map, e, 0, fault, fault + 1);
	assert_int_equal(e->start, top - UVM_AMAP_CHUNK * pg);
	assert_int_equal(e->end, top);
	/* The chunk below: widened downwards, merged (backwards). */
	fault = top - (UVM_AMAP_CHUNK + 1) * pg;
	assert_true(uvm_map_lookup_entry(&map, fault, &e2));
	amap_copy(&map, e2, 0, fault, fault + 1);
	assert_false(UVM_ET_ISNEEDSCOPY(e2));
	assert_int_equal(e2->end, top);
	assert_int_equal(e2->start, top - (UVM_AMAP_CHUNK + WIDE) * pg);
	assert_true(UVM_ET_ISNEEDSCOPY(e2->prev));
	assert_null(e2->prev->aref.ar_amap);
	amap_sanity(e2->aref.ar_amap);
	/* Every page of the merged entry still looks up to no anon. */
	amap_lock(e2->aref.ar_amap, RW_READER);
	for (vaddr_t a = e2->start; a < e2->end; a += pg)
		assert_null(amap_lookup(&e2->aref, a - e2->start));
	amap_unlock(e2->aref.ar_amap);
	vm_map_unlock(&map);
	uvm_map_sanity(&map);
	uvm_map_teardown(&map);
}

static void
test_sanity_catches(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int slots[] = {1, 4};
	struct vm_anon *anons[2];
	struct vm_amap *amap;
	struct krwlock *other;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	amap = mkamap(uvm, 6, 0, slots, 2, anons);
	amap_lock(amap, RW_WRITER);
	/* An anon whose lock is not the amap's. */
	other = uvm_rwobj_alloc(uvm, LC_AMAP, "other");
	anons[0]->an_lock = other;
	assert_true(TH_EXPECT_PANIC(amap_sanity(amap)));
	anons[0]->an_lock = amap_lockptr(amap);
	uvm_rwobj_rele(other);
	amap_sanity(amap);
	amap_unlock(amap);
	fp = open_memstream(&buf, &len);
	amap_printit(amap, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "nused=2"));
	assert_non_null(strstr(buf, "slot 4"));
	free(buf);
	amap_unref(amap, 0, 6, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_alloc, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_alloc_sweep, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_add_lookup_unadd, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_partial_refs, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_refall_shared, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_splitref, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_ppref_none, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_wiperange, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_shared_anons_wipeout, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extend_forwards, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extend_backwards, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extend_with_ppref, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extend_enomem, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_extend_e2big, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_share_protect, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_replace_shared_unmaps, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_cow_now, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_fresh_and_sole, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_shared, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_partial, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_sweep, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_chunk, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_chunk_down, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_sanity_catches, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
