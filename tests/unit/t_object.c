/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_object.c: memory objects: initialisation and the object counter, lock
 * objects shared between objects, the page index (random and 64-bit
 * offsets, gang lookups, dirty tags, insertion failure), and the checker.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_object.h"
#include "uvm_page.h"

/* A pager with no operations: these tests drive the index directly. */
static const struct uvm_pagerops test_pager = {.pgo_name = "test"};

static struct vm_page *
alloc_at(struct uvm *uvm, struct uvm_object *obj, voff_t off)
{
	struct vm_page *pg;

	pg = uvm_pagealloc(uvm, obj, off, NULL, 0);
	assert_non_null(pg);
	assert_ptr_equal(pg->uobject, obj);
	assert_true((pg->flags & PG_TABLED) != 0);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	return pg;
}

/* Free every page of obj (lock write-held). */
static void
free_all(struct uvm_object *obj)
{
	struct vm_page *pps[16];
	unsigned n, i;

	while ((n = uvm_obj_page_gang(obj, 0, pps, 16)) != 0) {
		for (i = 0; i < n; i++)
			uvm_pagefree(pps[i]);
	}
	assert_int_equal(obj->uo_npages, 0);
}

static void
test_init_destroy(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object a, b;
	int64_t nobj = uvm_cnt_get(uvm, nobj);

	uvm_obj_init(&a, uvm, &test_pager, NULL, 1);
	uvm_obj_init(&b, uvm, &test_pager, NULL, 3);
	assert_int_equal(uvm_cnt_get(uvm, nobj), nobj + 2);
	assert_int_equal(uvm_obj_count(uvm), (uint64_t)nobj + 2);
	assert_true(a.uo_ownlock && b.uo_ownlock);
	assert_ptr_not_equal(a.vmobjlock, b.vmobjlock);
	assert_int_equal(a.uo_refs, 1);
	assert_int_equal(b.uo_refs, 3);
	assert_int_equal(a.uo_npages, 0);
	assert_ptr_equal(a.uo_uvm, uvm);
	assert_true(uvm_rwobj_p(a.vmobjlock));
	assert_int_equal(uvm_rwobj_refs(a.vmobjlock), 1);
	uvm_object_sanity(&a);
	uvm_obj_sanity_all(uvm);
	uvm_obj_destroy(&a, true);
	uvm_obj_destroy(&b, true);
	assert_int_equal(uvm_cnt_get(uvm, nobj), nobj);
	assert_null(a.vmobjlock);
}

static void
test_shared_lock(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object a, b, c;
	struct krwlock *l;

	uvm_obj_init(&a, uvm, &test_pager, NULL, 1);
	uvm_obj_init(&b, uvm, &test_pager, NULL, 1);
	uvm_obj_init(&c, uvm, &test_pager, NULL, 1);
	l = a.vmobjlock;
	uvm_obj_setlock(&b, l);
	uvm_obj_setlock(&c, b.vmobjlock);
	assert_ptr_equal(b.vmobjlock, l);
	assert_ptr_equal(c.vmobjlock, l);
	assert_int_equal(uvm_rwobj_refs(l), 3);

	/* One lock: holding it through one object holds it for all. */
	rw_enter(b.vmobjlock, RW_WRITER);
	assert_true(rw_write_held(a.vmobjlock));
	assert_false(rw_tryenter(c.vmobjlock, RW_READER));
	rw_exit(b.vmobjlock);

	uvm_obj_destroy(&a, true);
	assert_int_equal(uvm_rwobj_refs(l), 2);
	uvm_obj_destroy(&b, true);
	assert_int_equal(uvm_rwobj_refs(l), 1);
	rw_enter(c.vmobjlock, RW_READER);
	rw_exit(c.vmobjlock);

	/* setlock(NULL) gives c a fresh lock; the shared one dies. */
	uvm_obj_setlock(&c, NULL);
	assert_ptr_not_equal(c.vmobjlock, NULL);
	assert_int_equal(uvm_rwobj_refs(c.vmobjlock), 1);
	uvm_obj_destroy(&c, true);
}

static void
test_borrowed_and_inherited_lock(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object a, b;
	struct krwlock own, *l;

	/* A borrowed lock is never touched by destroy. */
	rw_init(&own, LC_OBJECT, "borrowed");
	uvm_obj_init(&a, uvm, &test_pager, &own, 1);
	assert_false(a.uo_ownlock);
	assert_ptr_equal(a.vmobjlock, &own);
	uvm_obj_destroy(&a, true);
	rw_enter(&own, RW_WRITER);
	rw_exit(&own);
	rw_destroy(&own);

	/* dlock false: the caller inherits the object's reference. */
	uvm_obj_init(&b, uvm, &test_pager, NULL, 1);
	l = b.vmobjlock;
	uvm_obj_destroy(&b, false);
	assert_int_equal(uvm_rwobj_refs(l), 1);
	uvm_rwobj_hold(l);
	uvm_rwobj_rele(l);
	uvm_rwobj_rele(l);

	/* An amap-class lock object works the same way. */
	l = uvm_rwobj_alloc(uvm, LC_AMAP, "t");
	assert_true(uvm_rwobj_p(l));
	uvm_rwobj_rele(l);
}

/* Random page-aligned offsets, some far beyond 32 bits. */
static void
test_index_random(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct th_rng rng;
	enum { N = 300 };
	voff_t offs[N];
	struct vm_page *pgs[N], *pps[N + 1];
	unsigned i, j, n, got;

	th_rng_seed(&rng, 42);
	uvm_obj_init(&obj, uvm, &test_pager, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	for (i = 0; i < N; i++) {
		voff_t off;

		do {
			uint64_t pn = (i % 3 == 0) ? th_rng_below(&rng, 4096)
			    : (i % 3 == 1)
			    ? th_rng_below(&rng, 1ull << 40)
			    : (1ull << 50) + th_rng_below(&rng, 1u << 20);
			off = (voff_t)uvm_ptoa(uvm, pn);
		} while (uvm_pagelookup(&obj, off) != NULL);
		offs[i] = off;
		pgs[i] = alloc_at(uvm, &obj, off);
		assert_int_equal(pgs[i]->offset, off);
	}
	assert_int_equal(obj.uo_npages, N);
	uvm_object_sanity(&obj);
	for (i = 0; i < N; i++)
		assert_ptr_equal(uvm_pagelookup(&obj, offs[i]), pgs[i]);
	assert_null(uvm_pagelookup(&obj, (voff_t)uvm_ptoa(uvm, 1ull << 45)));
	assert_null(uvm_pagelookup(&obj, -4096));

	/* Sort the offsets and check a full gang lookup against them. */
	for (i = 1; i < N; i++) {
		for (j = i; j > 0 && offs[j - 1] > offs[j]; j--) {
			voff_t t = offs[j];

			offs[j] = offs[j - 1];
			offs[j - 1] = t;
		}
	}
	got = uvm_obj_page_gang(&obj, 0, pps, N + 1);
	assert_int_equal(got, N);
	for (i = 0; i < N; i++)
		assert_int_equal(pps[i]->offset, offs[i]);
	/* Batches of 7, resuming after the last offset seen. */
	n = 0;
	for (voff_t next = 0;;) {
		got = uvm_obj_page_gang(&obj, next, pps, 7);
		for (i = 0; i < got; i++)
			assert_int_equal(pps[i]->offset, offs[n++]);
		if (got < 7)
			break;
		next = pps[got - 1]->offset + (voff_t)uvm_pagesize(uvm);
	}
	assert_int_equal(n, N);
	/* From the middle: starts at the first offset >= the key. */
	got = uvm_obj_page_gang(&obj, offs[N / 2] - 1, pps, 3);
	assert_int_equal(got, 3);
	assert_int_equal(pps[0]->offset, offs[N / 2]);

	/* Remove every other page; the rest stay findable. */
	for (i = 0; i < N; i += 2) {
		struct vm_page *pg = uvm_pagelookup(&obj, offs[i]);

		uvm_pagefree(pg);
		assert_null(uvm_pagelookup(&obj, offs[i]));
	}
	assert_int_equal(obj.uo_npages, N / 2);
	for (i = 1; i < N; i += 2)
		assert_non_null(uvm_pagelookup(&obj, offs[i]));
	uvm_object_sanity(&obj);
	free_all(&obj);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_insert_remove_direct(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg, *pg2;

	uvm_obj_init(&obj, uvm, &test_pager, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	pg2 = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_non_null(pg2);
	pg->offset = (voff_t)uvm_ptoa(uvm, 77);
	assert_int_equal(uvm_obj_page_insert(&obj, pg), 0);
	assert_ptr_equal(pg->uobject, &obj);
	assert_true((pg->flags & PG_TABLED) != 0);
	/* The slot is taken. */
	pg2->offset = pg->offset;
	assert_int_equal(uvm_obj_page_insert(&obj, pg2), EEXIST);
	assert_null(pg2->uobject);
	assert_true((pg2->flags & PG_TABLED) == 0);
	assert_int_equal(obj.uo_npages, 1);
	uvm_object_sanity(&obj);
	uvm_obj_page_remove(&obj, pg);
	assert_null(pg->uobject);
	assert_true((pg->flags & PG_TABLED) == 0);
	assert_int_equal(obj.uo_npages, 0);
	assert_null(uvm_pagelookup(&obj, pg->offset));
	uvm_pagefree(pg);
	uvm_pagefree(pg2);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_dirty_tags(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pps[64], *pg;
	unsigned i, got;

	uvm_obj_init(&obj, uvm, &test_pager, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	for (i = 0; i < 40; i++)
		(void)alloc_at(uvm, &obj, (voff_t)uvm_ptoa(uvm, i * 1000));
	assert_false(uvm_obj_dirty_p(&obj));
	/* Dirty every fifth page through the page layer. */
	for (i = 0; i < 40; i += 5) {
		pg = uvm_pagelookup(&obj, (voff_t)uvm_ptoa(uvm, i * 1000));
		uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
		assert_true(uvm_obj_page_dirty_p(&obj, pg));
	}
	assert_true(uvm_obj_dirty_p(&obj));
	got = uvm_obj_page_gang_dirty(&obj, 0, pps, 64);
	assert_int_equal(got, 8);
	for (i = 0; i < got; i++) {
		assert_int_equal(
		    pps[i]->offset, (voff_t)uvm_ptoa(uvm, i * 5 * 1000));
		assert_true((pps[i]->flags & PG_DIRTY) != 0);
	}
	got =
	    uvm_obj_page_gang_dirty(&obj, (voff_t)uvm_ptoa(uvm, 5001), pps, 64);
	assert_int_equal(got, 6);
	assert_int_equal(pps[0]->offset, (voff_t)uvm_ptoa(uvm, 10000));
	uvm_object_sanity(&obj);

	/* Cleaning clears the tag. */
	uvm_pagemarkdirty(pps[0], UVM_PAGE_STATUS_CLEAN);
	assert_false(uvm_obj_page_dirty_p(&obj, pps[0]));
	assert_int_equal(uvm_obj_page_gang_dirty(&obj, 0, pps, 64), 7);

	/* A tag without PG_DIRTY is an inconsistency the checker sees. */
	pg = uvm_pagelookup(&obj, (voff_t)uvm_ptoa(uvm, 1000));
	uvm_obj_page_set_dirty(&obj, pg, true);
	assert_true(TH_EXPECT_PANIC(uvm_object_sanity(&obj)));
	uvm_obj_page_set_dirty(&obj, pg, false);
	uvm_object_sanity(&obj);
	/* A page re-inserted while dirty gets its tag. */
	uvm_obj_page_remove(&obj, pg);
	pg->flags &= ~PG_STATUS_MASK;
	pg->flags |= PG_DIRTY;
	assert_int_equal(uvm_obj_page_insert(&obj, pg), 0);
	assert_true(uvm_obj_page_dirty_p(&obj, pg));
	uvm_object_sanity(&obj);
	free_all(&obj);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_insert_enomem(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg;
	int64_t freepg = uvm_cnt_get(uvm, free);
	int i, fails = 0;

	uvm_obj_init(&obj, uvm, &test_pager, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	/* Sweep: every index-node allocation failure leaves no trace. */
	for (i = 0; i < 40; i++) {
		kfi_arm(&uvm->u_fi, KFI_OBJ, i % 4, 1);
		pg = uvm_pagealloc(uvm, &obj,
		    (voff_t)uvm_ptoa(uvm, (uint64_t)i << 30), NULL, 0);
		kfi_disarm(&uvm->u_fi, KFI_OBJ);
		if (pg == NULL) {
			fails++;
			assert_null(uvm_pagelookup(
			    &obj, (voff_t)uvm_ptoa(uvm, (uint64_t)i << 30)));
		} else {
			pg->flags &= ~(PG_BUSY | PG_FAKE);
		}
		uvm_object_sanity(&obj);
		assert_int_equal(obj.uo_npages, (uint64_t)(i + 1 - fails));
	}
	assert_true(fails > 0);
	free_all(&obj);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_sanity_catches(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg;

	uvm_obj_init(&obj, uvm, &test_pager, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = alloc_at(uvm, &obj, (voff_t)uvm_ptoa(uvm, 5));
	obj.uo_npages++;
	assert_true(TH_EXPECT_PANIC(uvm_object_sanity(&obj)));
	obj.uo_npages--;
	pg->offset += (voff_t)uvm_pagesize(uvm);
	assert_true(TH_EXPECT_PANIC(uvm_object_sanity(&obj)));
	pg->offset -= (voff_t)uvm_pagesize(uvm);
	pg->flags &= ~PG_TABLED;
	assert_true(TH_EXPECT_PANIC(uvm_object_sanity(&obj)));
	pg->flags |= PG_TABLED;
	uvm_object_sanity(&obj);
	/* Destroying an object with pages is refused. */
	assert_true(TH_EXPECT_PANIC(uvm_obj_destroy(&obj, true)));
	free_all(&obj);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_printit(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	uvm_obj_init(&obj, uvm, &test_pager, NULL, 2);
	rw_enter(obj.vmobjlock, RW_WRITER);
	(void)alloc_at(uvm, &obj, (voff_t)uvm_ptoa(uvm, 3));
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	uvm_object_printit(&obj, true, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "pager=test"));
	assert_non_null(strstr(buf, "refs=2"));
	assert_non_null(strstr(buf, "npages=1"));
	assert_non_null(strstr(buf, ",0x3000>"));
	free(buf);
	free_all(&obj);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_init_destroy, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_shared_lock, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_borrowed_and_inherited_lock, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_index_random, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_insert_remove_direct, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_dirty_tags, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_insert_enomem, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_sanity_catches, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_printit, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
