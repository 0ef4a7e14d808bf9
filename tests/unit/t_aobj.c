/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_aobj.c: anonymous objects: create/reference/detach with pages (and the
 * counters), 64-bit sizes, pgo_get (locked and unlocked, zero fill, swap
 * in, read errors, allocation failure), pgo_put (free, deactivate, ranges,
 * wired pages), swap-slot tables flat and hashed (set, find, drop, cluster
 * allocation failure), free-list choice, NOSWAP and the kernel object,
 * and a fault-injection sweep over uao_create.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_aobj.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_swap.h"

#define PGSZ(uvm) ((uint64_t)uvm_pagesize(uvm))

static char swap_path[512];

static int
setup_swap(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	snprintf(swap_path, sizeof(swap_path), "%s/t_aobj_swap.%d", th_tmpdir(),
	    (int)getpid());
	cfg.uc_nswap = 1;
	cfg.uc_swap[0].cw_path = swap_path;
	cfg.uc_swap[0].cw_size = 1u << 20;
	return th_setup_cfg(state, &cfg);
}

static int
teardown_swap(void **state)
{
	th_teardown(state);
	unlink(swap_path);
	return 0;
}

/* Two segments on free lists 0 and 1. */
static int
setup_twolists(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 2;
	cfg.uc_segs[0] = (struct uvm_config_seg){0, 2048, 0};
	cfg.uc_segs[1] = (struct uvm_config_seg){4096, 1024, 1};
	return th_setup_cfg(state, &cfg);
}

/* pgo_get of npages unlocked: returns them busy, object unlocked. */
static int
get(struct uvm_object *uobj, uint64_t pageidx, int npages, struct vm_page **pps)
{
	struct uvm *uvm = uobj->uo_uvm;
	int n = npages;

	rw_enter(uobj->vmobjlock, RW_WRITER);
	return uobj->pgops->pgo_get(uobj, (voff_t)(pageidx * PGSZ(uvm)), pps,
	    &n, 0, VM_PROT_READ | VM_PROT_WRITE, 0, 0);
}

static void
unbusy(struct uvm_object *uobj, struct vm_page **pps, int n)
{
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uvm_page_unbusy(pps, n);
	rw_exit(uobj->vmobjlock);
}

static bool
page_filled_p(struct uvm *uvm, struct vm_page *pg, int c)
{
	const unsigned char *p = uvm_page_hostaddr(uvm, pg);

	for (uint64_t i = 0; i < PGSZ(uvm); i++) {
		if (p[i] != c)
			return false;
	}
	return true;
}

static void
test_create_detach(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t freepg = uvm_cnt_get(uvm, free);
	int64_t aobjpages = uvm_cnt_get(uvm, aobjpages);
	int64_t nobj = uvm_cnt_get(uvm, nobj);
	struct vm_page *pps[8];
	struct uvm_object *uobj;
	int i, n;

	uobj = uao_create(uvm, 10 * PGSZ(uvm), 0);
	assert_non_null(uobj);
	assert_true(UVM_OBJ_IS_AOBJ(uobj));
	assert_int_equal(uao_npages(uobj), 10);
	assert_false(uao_swhashed_p(uobj));
	assert_int_equal(uvm_cnt_get(uvm, nobj), nobj + 1);
	assert_int_equal(uobj->uo_refs, 1);
	uao_reference(uobj);
	uobj->pgops->pgo_reference(uobj);
	assert_int_equal(uobj->uo_refs, 3);
	uao_detach(uobj);
	uobj->pgops->pgo_detach(uobj);
	assert_int_equal(uobj->uo_refs, 1);

	/* Zero-filled pages, busy, of usage class PG_AOBJ. */
	assert_int_equal(get(uobj, 2, 3, pps), 0);
	assert_false(rw_lock_held(uobj->vmobjlock));
	for (i = 0; i < 3; i++) {
		assert_true((pps[i]->flags & PG_BUSY) != 0);
		assert_true((pps[i]->flags & PG_FAKE) == 0);
		assert_true((pps[i]->flags & PG_AOBJ) != 0);
		assert_int_equal(pps[i]->offset, (voff_t)((2 + i) * PGSZ(uvm)));
		assert_true(page_filled_p(uvm, pps[i], 0));
	}
	assert_int_equal(uvm_cnt_get(uvm, aobjpages), aobjpages + 3);
	memset(uvm_page_hostaddr(uvm, pps[0]), 0xab, PGSZ(uvm));
	unbusy(uobj, pps, 3);

	/* Getting them again finds the same pages and contents. */
	assert_int_equal(get(uobj, 2, 1, pps), 0);
	assert_true(page_filled_p(uvm, pps[0], 0xab));
	unbusy(uobj, pps, 1);

	/* Locked get: resident pages only, EBUSY for a missing center. */
	rw_enter(uobj->vmobjlock, RW_READER);
	n = 6;
	assert_int_equal(uobj->pgops->pgo_get(
			     uobj, 0, pps, &n, 3, VM_PROT_READ, 0, PGO_LOCKED),
	    0);
	assert_int_equal(n, 3);
	assert_null(pps[0]);
	assert_null(pps[1]);
	assert_non_null(pps[2]);
	assert_non_null(pps[4]);
	assert_null(pps[5]);
	assert_true((pps[2]->flags & PG_BUSY) == 0);
	n = 6;
	assert_int_equal(uobj->pgops->pgo_get(
			     uobj, 0, pps, &n, 1, VM_PROT_READ, 0, PGO_LOCKED),
	    EBUSY);
	assert_true(rw_lock_held(uobj->vmobjlock));
	rw_exit(uobj->vmobjlock);
	uao_sanity(uobj);
	uao_detach(uobj);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
	assert_int_equal(uvm_cnt_get(uvm, aobjpages), aobjpages);
	assert_int_equal(uvm_cnt_get(uvm, nobj), nobj);
}

static void
test_sizes(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj;
	struct vm_page *pps[1];
	uint64_t big = 1ull << 40; /* 1 TiB */

	uobj = uao_create(uvm, 1, 0);
	assert_int_equal(uao_npages(uobj), 1);
	uao_detach(uobj);
	uobj = uao_create(uvm, 5 * PGSZ(uvm) + 1, 0);
	assert_int_equal(uao_npages(uobj), 6);
	uao_detach(uobj);
	uobj = uao_create(uvm, big, 0);
	assert_int_equal(uao_npages(uobj), big / PGSZ(uvm));
	assert_true(uao_swhashed_p(uobj));
	assert_int_equal(get(uobj, big / PGSZ(uvm) - 1, 1, pps), 0);
	assert_int_equal(pps[0]->offset, (voff_t)(big - PGSZ(uvm)));
	unbusy(uobj, pps, 1);
	uao_sanity(uobj);
	uao_detach(uobj);
}

static void
test_get_enomem(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj;
	struct vm_page *pps[4];

	uobj = uao_create(uvm, 8 * PGSZ(uvm), 0);
	kfi_arm(&uvm->u_fi, KFI_PAGE, 2, 1);
	assert_int_equal(get(uobj, 0, 4, pps), ENOMEM);
	kfi_disarm(&uvm->u_fi, KFI_PAGE);
	assert_false(rw_lock_held(uobj->vmobjlock));
	rw_enter(uobj->vmobjlock, RW_READER);
	/* The two pages it got are resident and unbusied. */
	assert_int_equal(uobj->uo_npages, 2);
	assert_true((uvm_pagelookup(uobj, 0)->flags & PG_BUSY) == 0);
	rw_exit(uobj->vmobjlock);
	uao_sanity(uobj);
	uao_detach(uobj);
}

static void
test_get_overwrite(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj;
	struct vm_page *pps[2];
	int n = 2;

	uobj = uao_create(uvm, 4 * PGSZ(uvm), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uobj->pgops->pgo_get(uobj, 0, pps, &n, 0,
			     VM_PROT_WRITE, 0, PGO_OVERWRITE),
	    0);
	/* Not zeroed, and dirty: there is no other copy of it. */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uvm_pagegetdirty(pps[0]), UVM_PAGE_STATUS_DIRTY);
	assert_int_equal(uvm_pagegetdirty(pps[1]), UVM_PAGE_STATUS_DIRTY);
	assert_true(uvm_obj_dirty_p(uobj));
	rw_exit(uobj->vmobjlock);
	memset(uvm_page_hostaddr(uvm, pps[0]), 1, PGSZ(uvm));
	memset(uvm_page_hostaddr(uvm, pps[1]), 2, PGSZ(uvm));
	unbusy(uobj, pps, 2);
	uao_sanity(uobj);
	uao_detach(uobj);
}

static void
test_put(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t freepg = uvm_cnt_get(uvm, free);
	struct uvm_object *uobj;
	struct vm_page *pps[8];

	uobj = uao_create(uvm, 8 * PGSZ(uvm), 0);
	assert_int_equal(get(uobj, 0, 8, pps), 0);
	memset(uvm_page_hostaddr(uvm, pps[3]), 0x5a, PGSZ(uvm));
	unbusy(uobj, pps, 8);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg - 8);

	/* Cleaning and deactivating free nothing. */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uobj->pgops->pgo_put(uobj, 0, 0,
			     PGO_ALLPAGES | PGO_CLEANIT | PGO_DEACTIVATE),
	    0);
	assert_false(rw_lock_held(uobj->vmobjlock));
	assert_int_equal(uobj->uo_npages, 8);

	/* Free [2, 4): page 3's contents are gone, it reads as zero. */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uobj->pgops->pgo_put(uobj, (voff_t)(2 * PGSZ(uvm)),
			     (voff_t)(4 * PGSZ(uvm)), PGO_FREE),
	    0);
	assert_int_equal(uobj->uo_npages, 6);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg - 6);
	assert_int_equal(get(uobj, 3, 1, pps), 0);
	assert_true(page_filled_p(uvm, pps[0], 0));
	unbusy(uobj, pps, 1);

	/* Wired pages survive PGO_FREE. */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uvm_pagewire(uvm_pagelookup(uobj, (voff_t)(5 * PGSZ(uvm))));
	assert_int_equal(
	    uobj->pgops->pgo_put(uobj, 0, 0, PGO_ALLPAGES | PGO_FREE), 0);
	assert_int_equal(uobj->uo_npages, 1);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uvm_pageunwire(uvm_pagelookup(uobj, (voff_t)(5 * PGSZ(uvm))));
	rw_exit(uobj->vmobjlock);
	uao_sanity(uobj);
	uao_detach(uobj);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
}

static void
test_swslots_flat(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t inuse = uvm_cnt_get(uvm, swpginuse);
	struct uvm_object *uobj;
	uint64_t s1, s2, old;
	unsigned n = 1;

	uobj = uao_create(uvm, 16 * PGSZ(uvm), 0);
	assert_false(uao_swhashed_p(uobj));
	s1 = uvm_swap_alloc(uvm, &n, false);
	s2 = uvm_swap_alloc(uvm, &n, false);
	assert_true(s1 != 0 && s2 != 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uao_set_swslot(uobj, 3, s1, &old), 0);
	assert_int_equal(old, 0);
	uvm_cnt_inc(uvm, swpgonly); /* page 3 lives in swap only */
	assert_int_equal(uao_find_swslot(uobj, 3), s1);
	assert_int_equal(uao_find_swslot(uobj, 4), 0);
	assert_int_equal(uao_nswslots(uobj), 1);
	/* Replacing returns the old slot, which the caller owns again. */
	assert_int_equal(uao_set_swslot(uobj, 3, s2, &old), 0);
	assert_int_equal(old, s1);
	uvm_swap_free(uvm, s1, 1);
	assert_int_equal(uao_nswslots(uobj), 1);
	uao_sanity(uobj);
	rw_exit(uobj->vmobjlock);
	uvm_sanity_all(uvm); /* the machine-wide checkers see the slot */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uao_dropswap(uobj, 3);
	assert_int_equal(uao_find_swslot(uobj, 3), 0);
	assert_int_equal(uao_nswslots(uobj), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse);
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 0);
	/* Detach gives back what is left. */
	s1 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(uao_set_swslot(uobj, 15, s1, &old), 0);
	uvm_cnt_inc(uvm, swpgonly);
	rw_exit(uobj->vmobjlock);
	uao_detach(uobj);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse);
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 0);
}

static void
test_swslots_hashed(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const uint64_t idx[] = {0, 15, 16, 17, 500, 999, 4096, 123457};
	enum { N = sizeof(idx) / sizeof(idx[0]) };
	int64_t inuse = uvm_cnt_get(uvm, swpginuse);
	uint64_t slots[N], old;
	struct uvm_object *uobj;
	unsigned n = 1, i;

	uobj = uao_create(uvm, 200000 * PGSZ(uvm), 0);
	assert_true(uao_swhashed_p(uobj));
	rw_enter(uobj->vmobjlock, RW_WRITER);
	for (i = 0; i < N; i++) {
		slots[i] = uvm_swap_alloc(uvm, &n, false);
		assert_int_not_equal(slots[i], 0);
		assert_int_equal(
		    uao_set_swslot(uobj, idx[i], slots[i], &old), 0);
		assert_int_equal(old, 0);
		uvm_cnt_inc(uvm, swpgonly);
	}
	assert_int_equal(uao_nswslots(uobj), N);
	for (i = 0; i < N; i++)
		assert_int_equal(uao_find_swslot(uobj, idx[i]), slots[i]);
	assert_int_equal(uao_find_swslot(uobj, 1), 0);
	assert_int_equal(uao_find_swslot(uobj, 199999), 0);
	uao_sanity(uobj);

	/* A new cluster that cannot be had: nothing changes. */
	kfi_arm(&uvm->u_fi, KFI_POOL, 0, 1);
	assert_int_equal(uao_set_swslot(uobj, 77777, 12345, &old), ENOMEM);
	kfi_disarm(&uvm->u_fi, KFI_POOL);
	assert_int_equal(uao_find_swslot(uobj, 77777), 0);
	assert_int_equal(uao_nswslots(uobj), N);
	/* Clearing a slot that has no cluster needs none. */
	assert_int_equal(uao_set_swslot(uobj, 77777, 0, &old), 0);
	uao_sanity(uobj);

	/* Drop [0, 17): three slots, one cluster emptied. */
	uao_dropswap_range(uobj, 0, (voff_t)(17 * PGSZ(uvm)));
	assert_int_equal(uao_nswslots(uobj), N - 3);
	assert_int_equal(uao_find_swslot(uobj, 17), slots[3]);
	uao_sanity(uobj);
	/* A huge range visits the clusters instead of the pages. */
	uao_dropswap_range(
	    uobj, (voff_t)(400 * PGSZ(uvm)), (voff_t)(150000 * PGSZ(uvm)));
	assert_int_equal(uao_nswslots(uobj), 1);
	assert_int_equal(uao_find_swslot(uobj, 17), slots[3]);
	uao_sanity(uobj);
	rw_exit(uobj->vmobjlock);
	uao_detach(uobj);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), inuse);
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 0);
}

/* A page paged out by hand (as the page daemon will) and read back. */
static void
test_swapin(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t freepg = uvm_cnt_get(uvm, free);
	struct uvm_object *uobj;
	struct vm_page *pps[1], *pg;
	uint64_t slot, old;
	unsigned n = 1;

	uobj = uao_create(uvm, 100 * PGSZ(uvm), 0); /* hashed */
	assert_int_equal(get(uobj, 70, 1, pps), 0);
	pg = pps[0];
	memset(uvm_page_hostaddr(uvm, pg), 0x77, PGSZ(uvm));
	slot = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(uvm_swap_put(uvm, slot, &pg, 1), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uao_set_swslot(uobj, 70, slot, &old), 0);
	uvm_pagefree(pg);
	uvm_cnt_inc(uvm, swpgonly);
	rw_exit(uobj->vmobjlock);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);

	/* A read error: EIO, the slot stays, nothing leaks. */
	kfi_arm(&uvm->u_fi, KFI_PGIO_READ, 0, 1);
	assert_int_equal(get(uobj, 70, 1, pps), EIO);
	kfi_disarm(&uvm->u_fi, KFI_PGIO_READ);
	assert_int_equal(uvm_cnt_get(uvm, free), freepg);
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 1);

	assert_int_equal(get(uobj, 70, 1, pps), 0);
	assert_true(page_filled_p(uvm, pps[0], 0x77));
	assert_int_equal(uvm_cnt_get(uvm, swpgonly), 0);
	unbusy(uobj, pps, 1);
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_int_equal(uao_find_swslot(uobj, 70), slot); /* still there */
	rw_exit(uobj->vmobjlock);
	/* Freeing the resident page drops the slot too. */
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uobj->pgops->pgo_put(uobj, 0, 0, PGO_ALLPAGES | PGO_FREE);
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_int_equal(uao_find_swslot(uobj, 70), 0);
	assert_false(uvm_swap_slot_inuse_p(uvm, slot));
	rw_exit(uobj->vmobjlock);
	uao_detach(uobj);
}

static void
test_pgfl(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj;
	struct vm_page *pps[4];
	int i;

	uobj = uao_create(uvm, 8 * PGSZ(uvm), 0);
	uao_set_pgfl(uobj, 1);
	assert_int_equal(get(uobj, 0, 4, pps), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pps[i]->freelist, 1);
		assert_true(pps[i]->phys_pfn >= 4096);
	}
	unbusy(uobj, pps, 4);
	uao_set_pgfl(uobj, 0);
	assert_int_equal(get(uobj, 4, 4, pps), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(pps[i]->freelist, 0);
	unbusy(uobj, pps, 4);
	uao_detach(uobj);
}

static void
test_noswap_kernobj(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj, *kobj;
	struct vm_page *pps[2];
	uint64_t old, slot;
	unsigned n = 1;

	uobj = uao_create(uvm, 4 * PGSZ(uvm), UAO_FLAG_NOSWAP);
	assert_true(uao_noswap_p(uobj));
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_int_equal(uao_set_swslot(uobj, 1, 0, &old), 0);
	assert_true(TH_EXPECT_PANIC(uao_set_swslot(uobj, 1, 5, &old)));
	rw_exit(uobj->vmobjlock);
	uao_detach(uobj);

	/* The kernel object: no references, table enabled later. */
	kobj = uao_create(uvm, 1ull << 36, UAO_FLAG_KERNOBJ);
	assert_non_null(kobj);
	uao_reference(kobj);
	uao_detach(kobj);
	uao_detach(kobj);
	assert_false(uao_swhashed_p(kobj));
	assert_ptr_equal(uao_create(uvm, 0, UAO_FLAG_KERNSWAP), kobj);
	assert_true(uao_swhashed_p(kobj));
	assert_int_equal(get(kobj, 12345, 2, pps), 0);
	unbusy(kobj, pps, 2);
	slot = uvm_swap_alloc(uvm, &n, false);
	rw_enter(kobj->vmobjlock, RW_WRITER);
	assert_int_equal(uao_set_swslot(kobj, 999999, slot, &old), 0);
	uvm_cnt_inc(uvm, swpgonly);
	rw_exit(kobj->vmobjlock);
	uao_sanity(kobj);
	uao_destroy_kernobj(kobj);
}

static void
test_create_sweep(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_acct before, after;
	struct uvm_object *uobj;
	int cd, fails = 0, big;

	for (big = 0; big < 2; big++) {
		uvm_acct_snapshot(uvm, &before);
		for (cd = 0;; cd++) {
			kfi_arm(&uvm->u_fi, KFI_OBJ, cd, 1);
			uobj =
			    uao_create(uvm, (big ? 100000 : 10) * PGSZ(uvm), 0);
			kfi_disarm(&uvm->u_fi, KFI_OBJ);
			if (uobj != NULL)
				break;
			fails++;
			uvm_acct_snapshot(uvm, &after);
			assert_true(uvm_acct_equal_p(&before, &after));
		}
		uao_detach(uobj);
	}
	assert_int_equal(fails, 4);
}

static void
test_printit(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object *uobj;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	uobj = uao_create(uvm, 1000 * PGSZ(uvm), 0);
	fp = open_memstream(&buf, &len);
	uao_printit(uobj, true, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "pages=1000"));
	assert_non_null(strstr(buf, "table=hashed"));
	assert_non_null(strstr(buf, "pager=aobj"));
	free(buf);
	uao_detach(uobj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_create_detach, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_sizes, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_get_enomem, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_get_overwrite, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_put, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_swslots_flat, setup_swap, teardown_swap),
	    cmocka_unit_test_setup_teardown(
		test_swslots_hashed, setup_swap, teardown_swap),
	    cmocka_unit_test_setup_teardown(
		test_swapin, setup_swap, teardown_swap),
	    cmocka_unit_test_setup_teardown(
		test_pgfl, setup_twolists, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_noswap_kernobj, setup_swap, teardown_swap),
	    cmocka_unit_test_setup_teardown(
		test_create_sweep, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_printit, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
