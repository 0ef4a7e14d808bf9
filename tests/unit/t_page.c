/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_page.c: unit tests of uvm_page.c: allocation strategies and free
 * lists, colours and bin hopping, zero pages, reserves, fault injection,
 * ownership and usage classes, the busy/wanted protocol with a second
 * thread, dirtiness, wiring, recolouring, uvm_availmem, page sizes,
 * printers and the sanity checker.
 */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "t_harness.h"

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_anon.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "pmap/pmap.h"

/* Pagers whose pages take each usage class (their pgo_usage). */
static const struct uvm_pagerops t_aobj_ops = {
    .pgo_name = "t_aobj", .pgo_usage = PG_AOBJ};
static const struct uvm_pagerops t_vnode_ops = {
    .pgo_name = "t_vnode", .pgo_usage = PG_FILE};
static const struct uvm_pagerops t_dev_ops = {.pgo_name = "t_device"};

static int64_t
cnt(struct uvm *uvm, const char *name)
{
	struct uvmexp e;

	uvm_stats(uvm, &e);
#define T_CNT(n, d)                \
	if (strcmp(name, #n) == 0) \
		return e.n;
	UVMEXP_FIELDS(T_CNT)
#undef T_CNT
	fail_msg("no counter %s", name);
	return 0;
}

/* Allocate an unowned page and make it an ordinary unbusy page. */
static struct vm_page *
t_alloc(struct uvm *uvm, int flags)
{
	struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, NULL, flags);

	if (pg != NULL)
		pg->flags &= ~(PG_BUSY | PG_FAKE);
	return pg;
}

/* A machine of three 64-page segments on free lists 2, 0 and 1. */
static int
setup_3fl(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 3;
	cfg.uc_segs[0] = (struct uvm_config_seg){400, 64, 2};
	cfg.uc_segs[1] = (struct uvm_config_seg){16, 64, 0};
	cfg.uc_segs[2] = (struct uvm_config_seg){200, 64, 1};
	cfg.uc_reserve_pagedaemon = 3;
	cfg.uc_reserve_kernel = 5;
	return th_setup_cfg(state, &cfg);
}

/* 64 pages, 4 colours, small reserves. */
static int
setup_colors(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 1;
	cfg.uc_segs[0] = (struct uvm_config_seg){32, 64, 0};
	cfg.uc_ncolors = 4;
	cfg.uc_reserve_pagedaemon = 1;
	cfg.uc_reserve_kernel = 1;
	return th_setup_cfg(state, &cfg);
}

/* 64 pages, one colour, small reserves. */
static int
setup_64(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 0;
	cfg.uc_nsegs = 1;
	cfg.uc_segs[0] = (struct uvm_config_seg){32, 64, 0};
	cfg.uc_reserve_pagedaemon = 1;
	cfg.uc_reserve_kernel = 1;
	return th_setup_cfg(state, &cfg);
}

static void
test_alloc_free_basic(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	int64_t free0 = cnt(uvm, "free"), alloc0 = cnt(uvm, "pgalloc");
	int64_t pgfree0 = cnt(uvm, "pgfree");
	struct vm_page *pg;
	uint8_t *p;

	assert_int_equal(cnt(uvm, "npages"), 4096);
	assert_int_equal(free0, 4096);
	assert_int_equal(sizeof(struct vm_page), 64);
	pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	assert_non_null(pg);
	assert_int_equal(pg->flags, PG_BUSY | PG_CLEAN | PG_FAKE);
	assert_null(pg->uobject);
	assert_null(pg->uanon);
	assert_ptr_equal(uvm_page_machine(pg), uvm);
	assert_ptr_equal(uvm_phys_to_vm_page(uvm, uvm_page_phys(uvm, pg)), pg);
	assert_int_equal(uvm_page_phys(uvm, pg), (uint64_t)pg->phys_pfn << 12);
	assert_int_equal(cnt(uvm, "free"), free0 - 1);
	assert_int_equal(cnt(uvm, "pgalloc"), alloc0 + 1);
	p = uvm_page_hostaddr(uvm, pg);
	assert_ptr_equal(p, uvm_physseg_pfn_to_host(uvm, pg->phys_pfn));
	memset(p, 0xa5, 4096);
	uvm_page_sanity(uvm);
	uvm_pagefree(pg);
	assert_int_equal(cnt(uvm, "free"), free0);
	assert_int_equal(cnt(uvm, "pgfree"), pgfree0 + 1);
	assert_true(pg->flags & PG_FREE);
	uvm_page_sanity(uvm);
}

static void
test_strategies(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pgs[200], *pg;
	int n = 0, i, fails0;

	assert_int_equal(cnt(uvm, "npages"), 192);
	/* ONLY: that list or nothing. */
	pg = uvm_pagealloc_strat(uvm, NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY, 2);
	assert_non_null(pg);
	assert_int_equal(pg->freelist, 2);
	assert_true(pg->phys_pfn >= 400 && pg->phys_pfn < 464);
	uvm_pagefree(pg);
	fails0 = (int)cnt(uvm, "pgfail");
	pg = uvm_pagealloc_strat(uvm, NULL, 0, NULL, 0, UVM_PGA_STRAT_ONLY, 3);
	assert_null(pg);
	assert_int_equal(cnt(uvm, "pgfail"), fails0 + 1);
	/* FALLBACK: the list, else the normal order. */
	pg = uvm_pagealloc_strat(
	    uvm, NULL, 0, NULL, 0, UVM_PGA_STRAT_FALLBACK, 1);
	assert_non_null(pg);
	assert_int_equal(pg->freelist, 1);
	uvm_pagefree(pg);
	pg = uvm_pagealloc_strat(
	    uvm, NULL, 0, NULL, 0, UVM_PGA_STRAT_FALLBACK, 3);
	assert_non_null(pg);
	assert_int_equal(pg->freelist, 0);
	uvm_pagefree(pg);

	/* NORMAL: free list 0 first, then 1, then 2, down to the reserves. */
	while ((pg = t_alloc(uvm, 0)) != NULL) {
		assert_true(n < 200);
		pgs[n++] = pg;
	}
	assert_int_equal(n, 192 - 8);
	for (i = 0; i < n; i++)
		assert_int_equal(pgs[i]->freelist,
		    i < 64        ? 0
			: i < 128 ? 1
				  : 2);
	/* ONLY on an exhausted list fails even though others have pages. */
	assert_null(uvm_pagealloc_strat(
	    uvm, NULL, 0, NULL, UVM_PGA_PAGEDAEMON, UVM_PGA_STRAT_ONLY, 0));
	uvm_page_sanity(uvm);
	for (i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
}

static void
test_reserves(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pgs[200], *pg;
	int n = 0, i;

	assert_int_equal(cnt(uvm, "reserve_pagedaemon"), 3);
	assert_int_equal(cnt(uvm, "reserve_kernel"), 5);
	while ((pg = t_alloc(uvm, 0)) != NULL)
		pgs[n++] = pg;
	assert_int_equal(cnt(uvm, "free"), 8);
	/* Kernel callers reach the kernel reserve, not the daemon's. */
	for (i = 0; i < 5; i++) {
		pg = t_alloc(uvm, UVM_PGA_USERESERVE);
		assert_non_null(pg);
		pgs[n++] = pg;
	}
	assert_null(t_alloc(uvm, UVM_PGA_USERESERVE));
	assert_null(t_alloc(uvm, 0));
	assert_int_equal(cnt(uvm, "free"), 3);
	/* The page daemon takes the last pages. */
	for (i = 0; i < 3; i++) {
		pg = t_alloc(uvm, UVM_PGA_PAGEDAEMON);
		assert_non_null(pg);
		pgs[n++] = pg;
	}
	assert_null(t_alloc(uvm, UVM_PGA_PAGEDAEMON));
	assert_int_equal(cnt(uvm, "free"), 0);
	assert_int_equal(uvm_availmem(uvm, false), 0);
	uvm_page_sanity(uvm);
	for (i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
	assert_int_equal(uvm_availmem(uvm, true), 192);
}

static void
test_colors(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pgs[64], *pg;
	int64_t hit0, miss0;
	int n = 0, i;

	assert_int_equal(uvm_page_ncolors(uvm), 4);
	/* The rotating colour: successive anonymous allocations. */
	for (i = 0; i < 8; i++) {
		pgs[i] = t_alloc(uvm, 0);
		assert_int_equal(uvm_page_color(uvm, pgs[i]),
		    (uvm_page_color(uvm, pgs[0]) + (unsigned)i) % 4);
	}
	for (i = 0; i < 8; i++)
		uvm_pagefree(pgs[i]);

	/* Wanted colour: hits while colour 2 has pages (16 of them). */
	hit0 = cnt(uvm, "colorhit");
	miss0 = cnt(uvm, "colormiss");
	for (i = 0; i < 16; i++) {
		pg = uvm_pagealloc_color(uvm, NULL, 0, NULL, 0, 2 + 4 * i);
		assert_non_null(pg);
		assert_int_equal(pg->phys_pfn % 4, 2);
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		pgs[n++] = pg;
	}
	assert_int_equal(cnt(uvm, "colorhit"), hit0 + 16);
	assert_int_equal(cnt(uvm, "colormiss"), miss0);
	/* Colour 2 is empty: the bin hop goes to colour 3, then 0. */
	pg = uvm_pagealloc_color(uvm, NULL, 0, NULL, 0, 2);
	assert_int_equal(pg->phys_pfn % 4, 3);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pgs[n++] = pg;
	assert_int_equal(cnt(uvm, "colormiss"), miss0 + 1);
	for (i = 0; i < 15; i++) {
		pg = uvm_pagealloc_color(uvm, NULL, 0, NULL, 0, 3);
		assert_int_equal(pg->phys_pfn % 4, 3);
		pgs[n++] = pg;
	}
	pg = uvm_pagealloc_color(uvm, NULL, 0, NULL, 0, 2);
	assert_int_equal(pg->phys_pfn % 4, 0);
	pgs[n++] = pg;
	assert_int_equal(cnt(uvm, "colormiss"), miss0 + 2);
	uvm_page_sanity(uvm);
	for (i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
}

static void
test_object_pages(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj, vobj, dobj;
	struct vm_page *pg, *vpg, *dpg;
	int64_t aobj0 = cnt(uvm, "aobjpages"), file0 = cnt(uvm, "filepages");

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	uvm_obj_init(&vobj, uvm, &t_vnode_ops, NULL, 1);
	uvm_obj_init(&dobj, uvm, &t_dev_ops, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	rw_enter(vobj.vmobjlock, RW_WRITER);
	rw_enter(dobj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, &obj, 3 * 4096, NULL, 0);
	assert_non_null(pg);
	assert_ptr_equal(pg->uobject, &obj);
	assert_int_equal(pg->offset, 3 * 4096);
	assert_int_equal(
	    pg->flags, PG_BUSY | PG_CLEAN | PG_FAKE | PG_AOBJ | PG_TABLED);
	assert_ptr_equal(uvm_pagelookup(&obj, 3 * 4096), pg);
	assert_int_equal(cnt(uvm, "aobjpages"), aobj0 + 1);
	vpg = uvm_pagealloc(uvm, &vobj, 0, NULL, UVM_PGA_ZERO);
	assert_true(vpg->flags & PG_FILE);
	assert_int_equal(uvm_pagegetdirty(vpg), UVM_PAGE_STATUS_DIRTY);
	assert_true(uvm_obj_page_dirty_p(&vobj, vpg));
	assert_true(uvm_page_zero_p(uvm, vpg));
	assert_int_equal(cnt(uvm, "filepages"), file0 + 1);
	dpg = uvm_pagealloc(uvm, &dobj, 0, NULL, 0);
	assert_int_equal(
	    dpg->flags & (PG_ANON | PG_AOBJ | PG_FILE | PG_EXEC), 0);
	/* Usage class changes keep the counters exact. */
	uvm_page_setusage(vpg, PG_EXEC);
	assert_int_equal(cnt(uvm, "filepages"), file0);
	assert_int_equal(cnt(uvm, "execpages"), 1);
	uvm_page_sanity(uvm);

	/* Realloc: into another object, refused on a taken slot. */
	assert_int_equal(uvm_pagerealloc(pg, &vobj, 0), EEXIST);
	assert_ptr_equal(pg->uobject, &obj);
	assert_ptr_equal(uvm_pagelookup(&obj, 3 * 4096), pg);
	assert_int_equal(uvm_pagerealloc(pg, &vobj, 5 * 4096), 0);
	assert_ptr_equal(pg->uobject, &vobj);
	assert_null(uvm_pagelookup(&obj, 3 * 4096));
	assert_ptr_equal(uvm_pagelookup(&vobj, 5 * 4096), pg);
	assert_true(pg->flags & PG_FILE);
	assert_int_equal(cnt(uvm, "aobjpages"), aobj0);
	assert_int_equal(cnt(uvm, "filepages"), file0 + 1);
	uvm_page_sanity(uvm);

	uvm_pagefree(pg);
	uvm_pagefree(vpg);
	uvm_pagefree(dpg);
	assert_null(uvm_pagelookup(&vobj, 5 * 4096));
	assert_int_equal(cnt(uvm, "filepages"), file0);
	assert_int_equal(cnt(uvm, "execpages"), 0);
	rw_exit(dobj.vmobjlock);
	rw_exit(vobj.vmobjlock);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&dobj, true);
	uvm_obj_destroy(&vobj, true);
	uvm_obj_destroy(&obj, true);
}

static void
test_object_colour(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg[8];
	int i;

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	for (i = 0; i < 8; i++) {
		pg[i] = uvm_pagealloc(uvm, &obj, (voff_t)i * 4096, NULL, 0);
		assert_int_equal(uvm_page_color(uvm, pg[i]), (unsigned)i % 4);
	}
	for (i = 0; i < 8; i++)
		uvm_pagefree(pg[i]);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_anon_pages(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct krwlock lock;
	struct vm_anon anon;
	struct vm_page *pg;
	int64_t anon0 = cnt(uvm, "anonpages");

	rw_init(&lock, LC_AMAP, "t_anon");
	memset(&anon, 0, sizeof(anon));
	anon.an_lock = &lock;
	anon.an_ref = 1;
	anon.an_uvm = uvm;
	rw_enter(&lock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, &anon, UVM_PGA_ZERO);
	assert_non_null(pg);
	assert_ptr_equal(anon.an_page, pg);
	assert_ptr_equal(pg->uanon, &anon);
	assert_int_equal(pg->flags, PG_BUSY | PG_DIRTY | PG_FAKE | PG_ANON);
	assert_int_equal(cnt(uvm, "anonpages"), anon0 + 1);
	assert_true(uvm_page_owner_locked_p(pg, true));
	uvm_page_sanity(uvm);
	uvm_pagefree(pg);
	assert_null(anon.an_page);
	assert_int_equal(cnt(uvm, "anonpages"), anon0);
	rw_exit(&lock);
	/* An unowned page needs no lock. */
	pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	assert_true(uvm_page_owner_locked_p(pg, true));
	uvm_pagefree(pg);
	rw_destroy(&lock);
}

/* A loaned page only leaves its owner; the loan holder frees it. */
static void
test_loaned_free(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct krwlock lock;
	struct vm_anon anon;
	struct vm_page *pg;
	int64_t free0 = cnt(uvm, "free"), anon0 = cnt(uvm, "anonpages");

	rw_init(&lock, LC_AMAP, "t_loan");
	memset(&anon, 0, sizeof(anon));
	anon.an_lock = &lock;
	anon.an_ref = 1;
	rw_enter(&lock, RW_WRITER);
	pg = uvm_pagealloc(uvm, NULL, 0, &anon, 0);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	pg->loan_count = 1;
	uvm_pagefree(pg);
	rw_exit(&lock);
	assert_null(anon.an_page);
	assert_null(pg->uanon);
	assert_false(pg->flags & (PG_FREE | PG_ANON));
	assert_int_equal(cnt(uvm, "anonpages"), anon0);
	assert_int_equal(cnt(uvm, "free"), free0 - 1);
	uvm_page_sanity(uvm);
	/* The loan ends: now it really goes. */
	pg->loan_count = 0;
	uvm_pagefree(pg);
	assert_int_equal(cnt(uvm, "free"), free0);
	rw_destroy(&lock);
}

static void
test_zero_pages(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pgs[64], *pg;
	int64_t hit0, miss0;
	unsigned n;
	int i;

	/* Dirty every page, then free them all: nothing is known zero. */
	for (i = 0; i < 60; i++) {
		pgs[i] = t_alloc(uvm, UVM_PGA_USERESERVE);
		memset(uvm_page_hostaddr(uvm, pgs[i]), 0x5a, 4096);
	}
	for (i = 0; i < 60; i++)
		uvm_pagefree(pgs[i]);
	assert_int_equal(cnt(uvm, "zeropages"), 0);

	/* A zero request without zero pages zeroes one (miss). */
	miss0 = cnt(uvm, "pga_zeromiss");
	pg = t_alloc(uvm, UVM_PGA_ZERO);
	assert_true(uvm_page_zero_p(uvm, pg));
	assert_int_equal(cnt(uvm, "pga_zeromiss"), miss0 + 1);
	assert_false(pg->flags & PG_ZERO);
	/* Unowned zeroed page stays CLEAN. */
	assert_true(pg->flags & PG_CLEAN);
	uvm_pagefree(pg);

	/* Idle zeroing: 10 pages move to the zero bins. */
	n = uvm_pageidlezero(uvm, 10);
	assert_int_equal(n, 10);
	assert_int_equal(cnt(uvm, "zeropages"), 10);
	assert_int_equal(cnt(uvm, "zeroidle"), 10);
	uvm_page_sanity(uvm);

	/* Ordinary allocations leave zero pages alone ... */
	for (i = 0; i < 5; i++)
		pgs[i] = t_alloc(uvm, 0);
	assert_int_equal(cnt(uvm, "zeropages"), 10);
	for (i = 0; i < 5; i++)
		uvm_pagefree(pgs[i]);
	/* ... and zero requests take them (hits), contents really zero. */
	hit0 = cnt(uvm, "pga_zerohit");
	for (i = 0; i < 10; i++) {
		pgs[i] = t_alloc(uvm, UVM_PGA_ZERO);
		assert_true(uvm_page_zero_p(uvm, pgs[i]));
	}
	assert_int_equal(cnt(uvm, "pga_zerohit"), hit0 + 10);
	assert_int_equal(cnt(uvm, "zeropages"), 0);
	/* An owner that knows its page is zero frees it as such. */
	pgs[0]->flags |= PG_ZERO;
	for (i = 0; i < 10; i++)
		uvm_pagefree(pgs[i]);
	assert_int_equal(cnt(uvm, "zeropages"), 1);
	/* Zero everything that is left. */
	n = uvm_pageidlezero(uvm, 1000);
	assert_int_equal(n, 63);
	assert_int_equal(uvm_pageidlezero(uvm, 1000), 0);
	assert_int_equal(cnt(uvm, "zeropages"), 64);
	/* uvm_pagezero/uvm_pagecopy. */
	pgs[0] = t_alloc(uvm, 0);
	pgs[1] = t_alloc(uvm, 0);
	memset(uvm_page_hostaddr(uvm, pgs[0]), 7, 4096);
	uvm_pagecopy(pgs[0], pgs[1]);
	assert_memory_equal(uvm_page_hostaddr(uvm, pgs[0]),
	    uvm_page_hostaddr(uvm, pgs[1]), 4096);
	assert_int_equal(uvm_pagegetdirty(pgs[1]), UVM_PAGE_STATUS_DIRTY);
	uvm_pagezero(pgs[0]);
	assert_true(uvm_page_zero_p(uvm, pgs[0]));
	uvm_pagefree(pgs[0]);
	uvm_pagefree(pgs[1]);
	uvm_page_sanity(uvm);
}

/* With colours, idle zeroing spreads zero pages over them. */
static void
test_zero_colors(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg[8];
	int64_t hit0 = cnt(uvm, "pga_zerohit");
	unsigned i;

	assert_int_equal(uvm_pageidlezero(uvm, 8), 8);
	uvm_page_sanity(uvm);
	for (i = 0; i < 8; i++) {
		pg[i] =
		    uvm_pagealloc_color(uvm, NULL, 0, NULL, UVM_PGA_ZERO, i);
		assert_int_equal(uvm_page_color(uvm, pg[i]), i % 4);
	}
	assert_int_equal(cnt(uvm, "pga_zerohit"), hit0 + 8);
	assert_int_equal(cnt(uvm, "zeropages"), 0);
	/*
	 * Colour before zero: with no zero page of colour 1 left, a zero
	 * request for colour 1 zeroes a colour-1 page rather than hop.
	 */
	for (i = 0; i < 8; i++)
		uvm_pagefree(pg[i]);
	assert_int_equal(uvm_pageidlezero(uvm, 1), 1);
	pg[0] = uvm_pagealloc_color(uvm, NULL, 0, NULL, UVM_PGA_ZERO, 1);
	assert_int_equal(uvm_page_color(uvm, pg[0]), 1);
	assert_int_equal(cnt(uvm, "zeropages"), 1);
	uvm_pagefree(pg[0]);
}

static void
test_fault_injection(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *a, *b, *c;
	int64_t fail0 = cnt(uvm, "pgfail"), free0 = cnt(uvm, "free");

	kfi_arm(&uvm->u_fi, KFI_PAGE, 2, 1);
	a = t_alloc(uvm, 0);
	b = t_alloc(uvm, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(t_alloc(uvm, UVM_PGA_PAGEDAEMON));
	assert_int_equal(cnt(uvm, "pgfail"), fail0 + 1);
	assert_int_equal(cnt(uvm, "free"), free0 - 2);
	c = t_alloc(uvm, 0);
	assert_non_null(c);
	assert_int_equal(kfi_failed(&uvm->u_fi, KFI_PAGE), 1);
	uvm_pagefree(a);
	uvm_pagefree(b);
	uvm_pagefree(c);
	kfi_disarm_all(&uvm->u_fi);
}

/* Sweep object-index failures over an object page allocation. */
static void
test_fault_injection_obj(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg;
	struct uvmexp before, after;
	int64_t cd;
	bool done = false;

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	/* One zero page, so that a failed ZERO allocation must restore it. */
	for (cd = 0; !done && cd < 64; cd++) {
		assert_int_equal(uvm_pageidlezero(uvm, 1), 1);
		uvm_stats(uvm, &before);
		kfi_arm(&uvm->u_fi, KFI_OBJ, cd, 1);
		pg = uvm_pagealloc(
		    uvm, &obj, (voff_t)(1000 + cd) << 12, NULL, UVM_PGA_ZERO);
		kfi_disarm_all(&uvm->u_fi);
		uvm_stats(uvm, &after);
		if (pg == NULL) {
			/* Nothing changed but the failure count. */
			assert_int_equal(after.free, before.free);
			assert_int_equal(after.zeropages, before.zeropages);
			assert_int_equal(after.pgalloc, before.pgalloc);
			assert_int_equal(after.colorhit, before.colorhit);
			assert_int_equal(after.colormiss, before.colormiss);
			assert_int_equal(after.pga_zerohit, before.pga_zerohit);
			assert_int_equal(after.aobjpages, before.aobjpages);
			assert_int_equal(after.pgfail, before.pgfail + 1);
			assert_int_equal(obj.uo_npages, 0);
		} else {
			done = true;
			assert_int_equal(
			    after.pga_zerohit, before.pga_zerohit + 1);
			uvm_pagefree(pg);
		}
		uvm_page_sanity(uvm);
	}
	assert_true(done);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

/* The busy/wanted protocol with a second thread. */
struct t_waiter {
	struct uvm_object *tw_obj;
	voff_t tw_off;
	int tw_woke;        /* atomic */
	int tw_found_after; /* page there after the wait */
};

static void *
t_waiter_main(void *arg)
{
	struct t_waiter *tw = arg;
	struct vm_page *pg;

	rw_enter(tw->tw_obj->vmobjlock, RW_READER);
	pg = uvm_pagelookup(tw->tw_obj, tw->tw_off);
	if (pg != NULL && (pg->flags & PG_BUSY) != 0) {
		uvm_pagewait(pg, tw->tw_obj->vmobjlock, "t_busy");
		/* Returned with no lock held. */
		__atomic_store_n(&tw->tw_woke, 1, __ATOMIC_RELEASE);
		rw_enter(tw->tw_obj->vmobjlock, RW_READER);
		pg = uvm_pagelookup(tw->tw_obj, tw->tw_off);
	}
	tw->tw_found_after = pg != NULL && (pg->flags & PG_BUSY) == 0;
	rw_exit(tw->tw_obj->vmobjlock);
	return NULL;
}

static void
t_wait_wanted(struct uvm_object *obj, struct vm_page *pg)
{
	for (;;) {
		bool wanted;

		rw_enter(obj->vmobjlock, RW_WRITER);
		wanted = (pg->flags & PG_WANTED) != 0;
		if (wanted)
			return; /* lock held */
		rw_exit(obj->vmobjlock);
		usleep(1000);
	}
}

static void
test_busy_wanted(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct t_waiter tw = {0};
	struct vm_page *pg;
	pthread_t t;

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	tw.tw_obj = &obj;
	tw.tw_off = 0;

	/* Case 1: unbusy wakes the waiter, who finds the page. */
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, &obj, 0, NULL, 0);
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_create(&t, NULL, t_waiter_main, &tw), 0);
	t_wait_wanted(&obj, pg);
	assert_int_equal(__atomic_load_n(&tw.tw_woke, __ATOMIC_ACQUIRE), 0);
	pg->flags &= ~PG_FAKE;
	uvm_page_unbusy(&pg, 1);
	assert_false(pg->flags & (PG_BUSY | PG_WANTED));
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(tw.tw_woke, 1);
	assert_int_equal(tw.tw_found_after, 1);

	/* Case 2: a released page is freed by unbusy; the waiter finds none. */
	tw.tw_woke = 0;
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg->flags |= PG_BUSY;
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_create(&t, NULL, t_waiter_main, &tw), 0);
	t_wait_wanted(&obj, pg);
	pg->flags |= PG_RELEASED;
	uvm_page_unbusy(&pg, 1);
	assert_true(pg->flags & PG_FREE);
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(tw.tw_woke, 1);
	assert_int_equal(tw.tw_found_after, 0);

	/* Case 3: freeing a busy, wanted page wakes the waiter too. */
	tw.tw_woke = 0;
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, &obj, 0, NULL, 0);
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_create(&t, NULL, t_waiter_main, &tw), 0);
	t_wait_wanted(&obj, pg);
	uvm_pagefree(pg);
	rw_exit(obj.vmobjlock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(tw.tw_woke, 1);
	assert_int_equal(tw.tw_found_after, 0);

	/* Interlocks are hashed by frame. */
	assert_ptr_equal(uvm_page_interlock(pg),
	    uvm_page_interlock(
		uvm_phys_to_vm_page(uvm, uvm_page_phys(uvm, pg))));
	uvm_obj_destroy(&obj, true);
}

static void
test_dirty(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg;

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, &obj, 0, NULL, 0);
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_CLEAN);
	assert_false(uvm_obj_page_dirty_p(&obj, pg));
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_UNKNOWN);
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_UNKNOWN);
	assert_false(uvm_obj_page_dirty_p(&obj, pg));
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	assert_int_equal(pg->flags & PG_STATUS_MASK, PG_DIRTY);
	assert_true(uvm_obj_page_dirty_p(&obj, pg));
	uvm_object_sanity(&obj);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_CLEAN);
	assert_int_equal(pg->flags & PG_STATUS_MASK, PG_CLEAN);
	assert_false(uvm_obj_page_dirty_p(&obj, pg));
	uvm_object_sanity(&obj);
	uvm_pagefree(pg);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

/* Dirtiness through the pmap's modified bit. */
static void
test_checkdirty(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_object obj;
	struct vm_page *pg;
	struct pmap *pm;
	vaddr_t va = 0x10000;

	uvm_obj_init(&obj, uvm, &t_aobj_ops, NULL, 1);
	rw_enter(obj.vmobjlock, RW_WRITER);
	pg = uvm_pagealloc(uvm, &obj, 0, NULL, 0);
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	/* CLEAN: unmodified, whatever the pmap says. */
	assert_false(uvm_pagecheckdirty(pg, false));
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_CLEAN);

	/* UNKNOWN and written through a mapping: modified, bit cleared. */
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_UNKNOWN);
	pm = pmap_create(uvm);
	assert_int_equal(
	    pmap_enter(pm, va, uvm_page_phys(uvm, pg),
		VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_WRITE),
	    0);
	assert_true(pmap_is_modified(pg));
	assert_true(uvm_pagecheckdirty(pg, false));
	assert_false(pmap_is_modified(pg));
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_UNKNOWN);
	assert_false(uvm_pagecheckdirty(pg, false));

	/* DIRTY, write-protected by the caller: modified, now CLEAN. */
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	pmap_page_protect(pg, VM_PROT_READ);
	assert_true(uvm_pagecheckdirty(pg, true));
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_CLEAN);
	assert_false(uvm_obj_page_dirty_p(&obj, pg));

	pmap_remove(pm, va, va + 4096);
	pmap_update(pm);
	pmap_destroy(pm);
	uvm_pagefree(pg);
	rw_exit(obj.vmobjlock);
	uvm_obj_destroy(&obj, true);
}

static void
test_wire(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg = t_alloc(uvm, 0);
	int64_t w0 = cnt(uvm, "wired");

	uvm_pagewire(pg);
	uvm_pagewire(pg);
	assert_int_equal(pg->wire_count, 2);
	assert_int_equal(cnt(uvm, "wired"), w0 + 1);
	uvm_page_sanity(uvm);
	uvm_pageunwire(pg);
	assert_int_equal(cnt(uvm, "wired"), w0 + 1);
	uvm_pageunwire(pg);
	assert_int_equal(cnt(uvm, "wired"), w0);
	assert_true(TH_EXPECT_PANIC(uvm_pageunwire(pg)));
	/* Freeing a wired page unwires it. */
	uvm_pagewire(pg);
	assert_int_equal(cnt(uvm, "wired"), w0 + 1);
	uvm_pagefree(pg);
	assert_int_equal(pg->wire_count, 0);
	assert_int_equal(cnt(uvm, "wired"), w0);
	/* Freeing a free page is a bug the page layer catches. */
	assert_true(TH_EXPECT_PANIC(uvm_pagefree(pg)));
	assert_non_null(strstr(th_panic_msg, "already free"));
}

static void
test_recolor(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *held[10], *pg;
	int i;

	for (i = 0; i < 10; i++)
		held[i] = t_alloc(uvm, 0);
	assert_int_equal(uvm_page_recolor(uvm, 3), EINVAL);
	assert_int_equal(uvm_page_recolor(uvm, 512), EINVAL);
	assert_int_equal(uvm_page_recolor(uvm, 0), EINVAL);
	assert_int_equal(uvm_page_recolor(uvm, 16), 0);
	assert_int_equal(uvm_page_ncolors(uvm), 16);
	assert_int_equal(cnt(uvm, "ncolors"), 16);
	uvm_page_sanity(uvm);
	for (i = 0; i < 16; i++) {
		pg = uvm_pagealloc_color(uvm, NULL, 0, NULL, 0, (unsigned)i);
		assert_int_equal(pg->phys_pfn % 16, (unsigned)i);
		uvm_pagefree(pg);
	}
	/* Pages allocated under the old colours free into the new bins. */
	for (i = 0; i < 5; i++)
		uvm_pagefree(held[i]);
	assert_int_equal(uvm_page_recolor(uvm, 1), 0);
	uvm_page_sanity(uvm);
	for (i = 5; i < 10; i++)
		uvm_pagefree(held[i]);
	assert_int_equal(uvm_page_recolor(uvm, 4), 0);
	uvm_page_sanity(uvm);
}

static void
test_availmem(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg;
	uint64_t f = uvm_free(uvm);

	assert_int_equal(uvm_availmem(uvm, true), f);
	assert_int_equal(uvm_availmem(uvm, false), f);
	pg = t_alloc(uvm, 0);
	assert_int_equal(uvm_availmem(uvm, false), f - 1);
	assert_int_equal(uvm_availmem(uvm, true), f - 1);
	uvm_pagefree(pg);
	assert_int_equal(uvm_availmem(uvm, false), f);
}

static void
t_pagesize(uint64_t ps)
{
	struct uvm_config cfg;
	struct uvm *uvm;
	struct vm_page *a, *b;
	uint8_t *ha, *hb;

	th_config(&cfg);
	cfg.uc_pagesize = ps;
	cfg.uc_memsize = 64 * ps;
	cfg.uc_reserve_pagedaemon = 2;
	cfg.uc_reserve_kernel = 2;
	uvm = th_create(&cfg);
	assert_int_equal(cnt(uvm, "npages"), 64);
	a = t_alloc(uvm, UVM_PGA_ZERO);
	b = t_alloc(uvm, 0);
	assert_int_equal(uvm_page_phys(uvm, a), (uint64_t)a->phys_pfn * ps);
	assert_ptr_equal(
	    uvm_phys_to_vm_page(uvm, uvm_page_phys(uvm, b) + ps - 1), b);
	ha = uvm_page_hostaddr(uvm, a);
	hb = uvm_page_hostaddr(uvm, b);
	assert_int_equal((intptr_t)(hb - ha),
	    ((intptr_t)b->phys_pfn - (intptr_t)a->phys_pfn) * (intptr_t)ps);
	assert_true(uvm_page_zero_p(uvm, a));
	memset(hb, 0xff, ps);
	uvm_pagecopy(b, a);
	assert_int_equal(ha[ps - 1], 0xff);
	uvm_pagefree(a);
	uvm_pagefree(b);
	assert_int_equal(uvm_pageidlezero(uvm, 100), 64);
	uvm_sanity_all(uvm);
	uvm_destroy(uvm);
}

static void
test_pagesizes(void **state)
{
	(void)state;
	t_pagesize(4096);
	t_pagesize(16384);
	t_pagesize(65536);
}

static void
test_printers(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	uvm_page_printit(uvm, pg, fp);
	fflush(fp);
	assert_non_null(strstr(buf, "BUSY|CLEAN|FAKE"));
	assert_non_null(strstr(buf, "wire_count=0"));
	uvm_pagefree(pg);
	uvm_page_printit(uvm, pg, fp);
	fflush(fp);
	assert_non_null(strstr(buf, "flags=FREE"));
	uvm_page_printall(uvm, fp);
	uvm_physseg_print(uvm, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "freelist 0: 4096 free"));
	assert_non_null(strstr(buf, "1 segment(s)"));
	free(buf);
}

static void
test_sanity_detects(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vm_page *pg = t_alloc(uvm, 0);

	/* A page in use claiming to be anonymous without an anon. */
	pg->flags |= PG_ANON;
	assert_true(TH_EXPECT_PANIC(uvm_page_sanity(uvm)));
	assert_non_null(strstr(th_panic_msg, "PG_ANON"));
	/* The checker panicked holding the free-list lock. */
	uvm_page_freelist_unlock(uvm);
	pg->flags &= ~PG_ANON;
	/* A counter off by one. */
	uvm_cnt_inc(uvm, zeropages);
	assert_true(TH_EXPECT_PANIC(uvm_page_sanity(uvm)));
	assert_non_null(strstr(th_panic_msg, "zero pages"));
	uvm_page_freelist_unlock(uvm);
	uvm_cnt_dec(uvm, zeropages);
	uvm_page_sanity(uvm);
	uvm_pagefree(pg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_alloc_free_basic, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_strategies, setup_3fl, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_reserves, setup_3fl, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_colors, setup_colors, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_object_pages, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_object_colour, setup_colors, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_anon_pages, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_loaned_free, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_checkdirty, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_zero_pages, setup_64, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_zero_colors, setup_colors, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fault_injection, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fault_injection_obj, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_busy_wanted, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_dirty, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_wire, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_recolor, setup_colors, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_availmem, th_setup, th_teardown),
	    cmocka_unit_test(test_pagesizes),
	    cmocka_unit_test_setup_teardown(
		test_printers, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_sanity_detects, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
