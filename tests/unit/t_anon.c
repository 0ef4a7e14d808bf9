/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_anon.c: anons: allocation and the anon counter, allocation failure,
 * freeing with a page (and with a busy page: PG_RELEASED, then
 * uvm_anon_release()), swap slots given back to swap, the checker.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_swap.h"

static void
test_alloc_free(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_anon *a[10];
	int64_t nanon = uvm_cnt_get(uvm, nanon);
	int i;

	for (i = 0; i < 10; i++) {
		a[i] = uvm_analloc(uvm);
		assert_non_null(a[i]);
		assert_int_equal(a[i]->an_ref, 1);
		assert_null(a[i]->an_page);
		assert_null(a[i]->an_lock);
		assert_int_equal(a[i]->an_swslot, 0);
		assert_ptr_equal(a[i]->an_uvm, uvm);
		uvm_anon_sanity(a[i]);
	}
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon + 10);
	for (i = 0; i < 10; i++) {
		a[i]->an_ref = 0;
		uvm_anfree(a[i]);
	}
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
}

static void
test_alloc_fails(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_anon *a;
	int64_t nanon = uvm_cnt_get(uvm, nanon);

	kfi_arm(&uvm->u_fi, KFI_ANON, 0, 1);
	assert_null(uvm_analloc(uvm));
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
	a = uvm_analloc(uvm); /* the schedule is spent */
	assert_non_null(a);
	a->an_ref = 0;
	uvm_anfree(a);
}

static void
test_free_with_page(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct krwlock *lock = uvm_rwobj_alloc(uvm, LC_AMAP, "t");
	int64_t freepg = uvm_cnt_get(uvm, free);
	int64_t anonpages = uvm_cnt_get(uvm, anonpages);
	struct vm_anon *anon;
	struct vm_page *pg;

	anon = uvm_analloc(uvm);
	assert_non_null(anon);
	anon->an_lock = lock;
	rw_enter(lock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, anon, UVM_PGA_ZERO);
	assert_non_null(pg);
	assert_ptr_equal(anon->an_page, pg);
	assert_ptr_equal(pg->uanon, anon);
	assert_true((pg->flags & PG_ANON) != 0);
	assert_int_equal(uvm_cnt_get(uvm, anonpages), anonpages + 1);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	uvm_anon_sanity(anon);
	anon->an_ref = 0;
	uvm_anfree(anon);
	rw_exit(lock);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
	assert_int_equal(uvm_cnt_get(uvm, anonpages), anonpages);
	assert_int_equal(uvm_rwobj_refs(lock), 1);
	uvm_rwobj_rele(lock);
}

static void
test_free_busy_page(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct krwlock *lock = uvm_rwobj_alloc(uvm, LC_AMAP, "t");
	int64_t freepg = uvm_cnt_get(uvm, free);
	int64_t nanon = uvm_cnt_get(uvm, nanon);
	struct vm_anon *anon;
	struct vm_page *pg;

	anon = uvm_analloc(uvm);
	anon->an_lock = lock;
	rw_enter(lock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, anon, 0);
	assert_non_null(pg);
	/* The page stays busy (I/O in flight): the anon must wait. */
	anon->an_ref = 0;
	uvm_anfree(anon);
	assert_true((pg->flags & PG_RELEASED) != 0);
	assert_ptr_equal(anon->an_page, pg);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon + 1);
	assert_int_equal(uvm_rwobj_refs(lock), 2); /* the lock outlives us */
	uvm_rwobj_rele(lock);                      /* e.g. the amap dies */
	/* The I/O side finishes the job. */
	uvm_anon_release(anon);
	assert_int_equal(uvm_cnt_get(uvm, nanon), nanon);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
}

static int
setup_swap(void **state)
{
	struct uvm_config cfg;
	static char path[512];

	th_config(&cfg);
	snprintf(path, sizeof(path), "%s/t_anon_swap.%d", th_tmpdir(),
	    (int)getpid());
	cfg.uc_nswap = 1;
	cfg.uc_swap[0].cw_path = path;
	cfg.uc_swap[0].cw_size = 1u << 20;
	cfg.uc_swap[0].cw_priority = 0;
	return th_setup_cfg(state, &cfg);
}

static int
teardown_swap(void **state)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/t_anon_swap.%d", th_tmpdir(),
	    (int)getpid());
	th_teardown(state);
	unlink(path);
	return 0;
}

static void
test_swap_slot(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t inuse = uvm_cnt_get(uvm, swpginuse);
	struct vm_anon *anon;
	struct vm_amap *amap;
	struct vm_aref ar;
	unsigned n = 1;
	uint64_t slot;

	/* Swap-only anon: freeing it frees the slot and the only copy. */
	anon = uvm_analloc(uvm);
	slot = uvm_swap_alloc(uvm, &n, false);
	assert_int_not_equal(slot, 0);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse + 1);
	anon->an_swslot = slot;
	uvm_cnt_inc(uvm, swpgonly); /* as the page daemon would */
	anon->an_ref = 0;
	uvm_anfree(anon);
	assert_false(uvm_swap_slot_inuse_p(uvm, slot));
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse);
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 0);

	/* uvm_anon_dropswap alone, on an anon in an amap. */
	amap = amap_alloc(uvm, uvm_pagesize(uvm), 0, 0);
	ar.ar_amap = amap;
	ar.ar_pageoff = 0;
	anon = uvm_analloc(uvm);
	anon->an_swslot = uvm_swap_alloc(uvm, &n, false);
	assert_int_not_equal(anon->an_swslot, 0);
	amap_lock(amap, RW_WRITER);
	amap_add(&ar, 0, anon, false);
	amap_unlock(amap);
	uvm_sanity_all(uvm); /* the checkers look the slot up in swap */
	amap_lock(amap, RW_WRITER);
	amap_unadd(&ar, 0);
	anon->an_lock = NULL;
	amap_unlock(amap);
	amap_unref(amap, 0, 1, true);
	uvm_anon_dropswap(anon);
	assert_int_equal(anon->an_swslot, 0);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse);
	uvm_anon_dropswap(anon); /* nothing to drop */
	anon->an_ref = 0;
	uvm_anfree(anon);
}

static void
test_sanity_catches(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct krwlock *lock = uvm_rwobj_alloc(uvm, LC_AMAP, "t");
	struct vm_anon *anon, *other;
	struct vm_page *pg;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	anon = uvm_analloc(uvm);
	other = uvm_analloc(uvm);
	anon->an_lock = lock;
	rw_enter(lock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, anon, 0);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pg->uanon = other;
	assert_true(TH_EXPECT_PANIC(uvm_anon_sanity(anon)));
	pg->uanon = anon;
	anon->an_ref = 0;
	assert_true(TH_EXPECT_PANIC(uvm_anon_sanity(anon)));
	anon->an_ref = 1;
	uvm_anon_sanity(anon);
	fp = open_memstream(&buf, &len);
	uvm_anon_printit(anon, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "ref=1"));
	free(buf);
	anon->an_ref = 0;
	uvm_anfree(anon);
	rw_exit(lock);
	other->an_ref = 0;
	uvm_anfree(other);
	uvm_rwobj_rele(lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_alloc_free, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_alloc_fails, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_free_with_page, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_free_busy_page, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_swap_slot, setup_swap, teardown_swap),
	    cmocka_unit_test_setup_teardown(
		test_sanity_catches, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
