/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_pdaemon.c: the page daemon: targets, runs, page-out and page-in of
 * anons and aobj pages, clean pages freed without I/O, slots dropped when
 * a page is dirtied again, inline determinism, exhaustion and recovery,
 * uvm_wait(), reclaim hooks, I/O errors, the thread mode, swapoff.
 *
 * Machines are small (2 MiB: 512 pages of 4 KiB) so that a few hundred
 * pages of anonymous memory put them under pressure.
 */
#include <unistd.h>

#include "t_fault.h"
#include "uvm_pdaemon.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"

#define MEM (2u << 20)

/* A swap file in the scratch directory; unlinked by pd_unlink(). */
static void
pd_swappath(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "%s/t_pdaemon.%d.%s.swap", th_tmpdir(),
	    (int)getpid(), tag);
}

static void
pd_addswap(struct uvm *uvm, const char *tag, uint64_t bytes, int prio)
{
	char path[512];

	pd_swappath(path, sizeof(path), tag);
	(void)unlink(path);
	assert_int_equal(uvm_swap_add(uvm, path, prio, bytes), 0);
}

static void
pd_unlink(const char *tag)
{
	char path[512];

	pd_swappath(path, sizeof(path), tag);
	(void)unlink(path);
}

static int
setup_small(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = MEM;
	return th_setup_cfg(state, &cfg);
}

static int
setup_small_thread(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = MEM;
	cfg.uc_pdaemon = "thread";
	return th_setup_cfg(state, &cfg);
}

static int
setup_small_clockpro(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = MEM;
	cfg.uc_policy = "clockpro";
	return th_setup_cfg(state, &cfg);
}

/* Fill pages [first, first + n) of the region at va with pattern seed. */
static void
fill_pages(
    struct vmspace *vm, vaddr_t va, uint64_t first, uint64_t n, uint64_t seed)
{
	struct uvm *uvm = vm->vm_map.uvm;

	tf_fill(vm, va + tf_pg(uvm, first), tf_pg(uvm, n), seed);
}

static bool
check_pages(
    struct vmspace *vm, vaddr_t va, uint64_t first, uint64_t n, uint64_t seed)
{
	struct uvm *uvm = vm->vm_map.uvm;

	return tf_check(vm, va + tf_pg(uvm, first), tf_pg(uvm, n), seed);
}

/* ---------------------------------------------------------------------- */

/*
 * Targets: above the reserves, freetarg above freemin, wiredmax a third of
 * memory, published in uvmexp, the policy tuned to freetarg.
 */
static void
targets_of(uint64_t memsize, uint64_t rp, uint64_t rk)
{
	struct uvm_config cfg;
	struct uvmexp ex;
	struct uvm *uvm;

	th_config(&cfg);
	cfg.uc_memsize = memsize;
	cfg.uc_reserve_pagedaemon = rp;
	cfg.uc_reserve_kernel = rk;
	uvm = th_create(&cfg);
	uvm_stats(uvm, &ex);
	assert_true(ex.freemin > ex.reserve_kernel + ex.reserve_pagedaemon);
	assert_true(ex.freetarg > ex.freemin);
	assert_true(ex.freetarg <= ex.npages);
	assert_int_equal(ex.wiredmax, ex.npages / 3);
	/* 5% of memory within [16 KiB, 512 KiB], unless the reserves say. */
	if (ex.reserve_kernel + ex.reserve_pagedaemon + 4 <= 4)
		assert_true(ex.freemin >= 4);
	assert_true(ex.freemin <=
	    MAX(128, ex.reserve_kernel + ex.reserve_pagedaemon + 4));
	/* CLOCK's inactive target is at least freetarg + 1. */
	{
		struct uvmpdpol_stat st[UVMPDPOL_MAXSTATS];
		unsigned i, n = uvmpdpol_stats(uvm, st, UVMPDPOL_MAXSTATS);
		bool seen = false;

		for (i = 0; i < n; i++) {
			if (strcmp(st[i].ps_name, "inactive target") == 0) {
				assert_true(st[i].ps_value > ex.freetarg);
				seen = true;
			}
		}
		assert_true(seen);
	}
	uvm_sanity_all(uvm);
	uvm_destroy(uvm);
}

static void
test_targets(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvmexp ex;

	uvm_stats(uvm, &ex);
	/* 2 MiB: 512 pages, 5% = 25. */
	assert_int_equal(ex.npages, 512);
	assert_int_equal(ex.freemin, 25);
	assert_int_equal(ex.freetarg, 33);
	targets_of(1u << 20, 0, 0);
	targets_of(16u << 20, 0, 0);
	targets_of(64u << 20, 0, 0);  /* capped at 512 KiB: 128 pages */
	targets_of(4u << 20, 40, 60); /* reserves push freemin up */
}

/* A run with plenty of free memory does nothing. */
static void
test_run_idle(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvmexp a, b;
	uint64_t freed = 99;

	uvm_stats(uvm, &a);
	assert_int_equal(uvm_pagedaemon_run(uvm, &freed), 0);
	assert_int_equal(freed, 0);
	uvm_stats(uvm, &b);
	assert_int_equal(b.pdrevs, a.pdrevs);
	assert_int_equal(b.pdfreed, a.pdfreed);
	assert_int_equal(uvm_pagedaemon_run(NULL, NULL), EINVAL);
	assert_int_equal(uvm_pagedaemon_run(uvm, NULL), 0);
}

/*
 * Anonymous memory twice the size of the machine: the inline daemon pages
 * out, faults page back in, and every byte survives.  Freeing the space
 * gives every page and slot back (the harness checks the baseline).
 */
static void
pageout_pagein(struct uvm *uvm, const char *tag)
{
	struct vmspace *vm;
	struct uvmexp a, b;
	vaddr_t va;
	uint64_t i;

	pd_addswap(uvm, tag, 8u << 20, 0);
	uvm_stats(uvm, &a);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 1024);
	for (i = 0; i < 1024; i += 64)
		fill_pages(vm, va, i, 64, 7 + i);
	uvm_stats(uvm, &b);
	assert_true(b.pgswapout > a.pgswapout);
	assert_true(b.pdpageouts > a.pdpageouts);
	assert_true(b.pdfreed > a.pdfreed);
	assert_true(b.swpgonly > 0);
	assert_true(b.free >= b.reserve_kernel + b.reserve_pagedaemon);
	for (i = 0; i < 1024; i += 64)
		assert_true(check_pages(vm, va, i, 64, 7 + i));
	uvm_stats(uvm, &b);
	assert_true(b.pgswapin > a.pgswapin);
	tf_sanity(uvm);
	uvmspace_free(vm);
	uvm_stats(uvm, &b);
	assert_int_equal(b.swpginuse, 0);
	assert_int_equal(b.swpgonly, 0);
	assert_int_equal(b.pdpending, 0);
	pd_unlink(tag);
}

static void
test_pageout_pagein(void **state)
{
	pageout_pagein(TH_UVM(state), "pageout");
}

static void
test_pageout_pagein_clockpro(void **state)
{
	pageout_pagein(TH_UVM(state), "pageoutcp");
}

/*
 * Pages read back from swap are clean and keep their slot: reclaiming
 * them again frees them without writing anything.  A page written again
 * loses its slot at once (the fault drops it).
 */
static void
test_clean_pages_freed(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct uvmexp a, b, c;
	vaddr_t va, vb;
	uint64_t freed, i;
	uint8_t vec[400];

	pd_addswap(uvm, "clean", 8u << 20, 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 400);
	vb = tf_map_anon(vm, 400);
	fill_pages(vm, va, 0, 400, 3);
	fill_pages(vm, vb, 0, 400, 4); /* pushes most of va out */
	/* Read va back: clean pages with their swap copy. */
	assert_true(check_pages(vm, va, 0, 400, 3));
	uvm_stats(uvm, &a);
	assert_true(a.swpginuse > a.swpgonly); /* resident pages hold slots */
	/* Reading vb back pushes va's clean pages out without writes. */
	assert_true(check_pages(vm, vb, 0, 400, 4));
	uvm_stats(uvm, &b);
	assert_true(b.pdfreed - a.pdfreed > b.pgswapout - a.pgswapout);
	assert_true(check_pages(vm, va, 0, 400, 3));
	assert_true(check_pages(vm, vb, 0, 400, 4));

	/*
	 * A clean page written through a writable mapping keeps its stale
	 * slot until the daemon looks at it (the pmap's modified bit): its
	 * new contents must be what comes back.
	 */
	fill_pages(vm, va, 0, 8, 9);
	fill_pages(vm, vb, 0, 400, 5);
	assert_true(check_pages(vm, va, 0, 8, 9));
	assert_true(check_pages(vm, va, 8, 392, 3));
	assert_true(check_pages(vm, vb, 0, 400, 5));

	/* A write fault on a swapped-out page drops its slot at once. */
	assert_true(check_pages(vm, vb, 0, 400, 5)); /* va out again */
	assert_int_equal(uvm_unmap(&vm->vm_map, vb, vb + tf_pg(uvm, 400)), 0);
	assert_int_equal(uvm_mincore(&vm->vm_map, va, tf_pg(uvm, 400), vec), 0);
	for (i = 0; i < 400 && vec[i] != 0; i++)
		continue;
	assert_true(i < 400);
	uvm_stats(uvm, &b);
	assert_int_equal(
	    uvm_access(vm, va + tf_pg(uvm, i), 8, VM_PROT_WRITE), 0);
	uvm_stats(uvm, &c);
	assert_int_equal(c.swpginuse, b.swpginuse - 1);
	assert_int_equal(c.swpgonly, b.swpgonly - 1);
	assert_true(check_pages(vm, va, 0, 8, 9));
	assert_true(check_pages(vm, va, 8, 392, 3));

	/* With memory to spare, a run on demand does nothing. */
	assert_int_equal(uvm_pagedaemon_run(uvm, &freed), 0);
	assert_int_equal(freed, 0);
	uvmspace_free(vm);
	pd_unlink("clean");
}

/*
 * An aobj bigger than memory, written and read page by page through its
 * pager (uao_get): the owner's lock is held during the allocation, so the
 * inline scan cannot take this object's pages; the caller drops the lock
 * and uvm_wait()s, as the fault handler does.
 */
static struct vm_page *
aobj_getpage(struct uvm *uvm, struct uvm_object *uobj, uint64_t idx)
{
	struct vm_page *pg;
	int npages, error, tries = 0;

	for (;;) {
		npages = 1;
		pg = NULL;
		rw_enter(uobj->vmobjlock, RW_WRITER);
		error = uobj->pgops->pgo_get(uobj, (voff_t)tf_pg(uvm, idx), &pg,
		    &npages, 0, VM_PROT_READ | VM_PROT_WRITE, 0, 0);
		if (error == 0)
			break;
		assert_int_equal(error, ENOMEM);
		assert_int_equal(uvm_wait(uvm, "aobjget"), 0);
		assert_true(++tries < 10);
	}
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_non_null(pg);
	assert_true((pg->flags & PG_BUSY) != 0);
	return pg; /* busy, object locked */
}

static void
aobj_putpage(struct uvm *uvm, struct uvm_object *uobj, struct vm_page *pg)
{
	uvmpdpol_pageactivate(uvm, pg);
	uvm_page_unbusy(&pg, 1);
	rw_exit(uobj->vmobjlock);
}

static uint64_t
aobj_word(uint64_t idx, unsigned w)
{
	return idx * 0x9e3779b97f4a7c15ull + w;
}

static void
test_aobj_pageout(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	const uint64_t n = 800;
	struct uvm_object *uobj;
	struct vm_page *pg;
	struct uvmexp a, b;
	uint64_t i, *p;
	unsigned w;

	pd_addswap(uvm, "aobj", 8u << 20, 0);
	uvm_stats(uvm, &a);
	uobj = uao_create(uvm, tf_pg(uvm, n), 0);
	assert_non_null(uobj);
	for (i = 0; i < n; i++) {
		pg = aobj_getpage(uvm, uobj, i);
		p = uvm_page_hostaddr(uvm, pg);
		for (w = 0; w < 512; w++)
			p[w] = aobj_word(i, w);
		uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
		aobj_putpage(uvm, uobj, pg);
	}
	uvm_stats(uvm, &b);
	assert_true(b.pgswapout > a.pgswapout);
	assert_true(b.swpgonly > 0);
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_true(uao_nswslots(uobj) > 0);
	rw_exit(uobj->vmobjlock);
	for (i = 0; i < n; i++) {
		pg = aobj_getpage(uvm, uobj, i);
		p = uvm_page_hostaddr(uvm, pg);
		for (w = 0; w < 512; w++)
			assert_true(p[w] == aobj_word(i, w));
		aobj_putpage(uvm, uobj, pg);
	}
	uvm_stats(uvm, &b);
	assert_true(b.pgswapin > a.pgswapin);
	tf_sanity(uvm);
	uao_detach(uobj);
	uvm_stats(uvm, &b);
	assert_int_equal(b.swpgonly, 0);
	assert_int_equal(b.swpginuse, 0);
	pd_unlink("aobj");
}

/*
 * Inline determinism: the same workload on two fresh machines gives the
 * same counters, every one of them.
 */
static void
det_workload(struct uvm *uvm, const char *tag)
{
	struct vmspace *vm, *child = NULL;
	struct uvm_object *uobj;
	struct th_rng rng;
	vaddr_t va;
	uint64_t i, p;

	pd_addswap(uvm, tag, 8u << 20, 0);
	th_rng_seed(&rng, 42);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 900);
	fill_pages(vm, va, 0, 900, 1);
	for (i = 0; i < 300; i++) {
		p = th_rng_below(&rng, 900);
		if (th_rng_below(&rng, 2) == 0)
			fill_pages(vm, va, p, 1, 100 + p);
		else
			(void)check_pages(vm, va, p, 1, 1);
		if (i == 150)
			assert_int_equal(uvmspace_fork(vm, &child), 0);
	}
	/*
	 * Object pages too: CLOCK-Pro remembers evicted object pages by
	 * identity, which must not depend on host addresses.
	 */
	uobj = uao_create(uvm, tf_pg(uvm, 600), 0);
	assert_non_null(uobj);
	for (i = 0; i < 1200; i++) {
		struct vm_page *pg;

		p = i < 600 ? i : th_rng_below(&rng, 600);
		pg = aobj_getpage(uvm, uobj, p);
		((uint64_t *)uvm_page_hostaddr(uvm, pg))[0] = aobj_word(p, 0);
		uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
		aobj_putpage(uvm, uobj, pg);
	}
	uao_detach(uobj);
	uvmspace_free(child);
	uvmspace_free(vm);
}

static void
test_inline_determinism(void **state)
{
	struct uvm *uvm = TH_UVM(state), *u1, *u2;
	struct uvm_config cfg;
	struct uvmexp e1, e2;

	(void)uvm;
	for (int k = 0; k < 2; k++) {
		th_config(&cfg);
		cfg.uc_memsize = MEM;
		cfg.uc_policy = k == 0 ? "clock" : "clockpro";
		u1 = th_create(&cfg);
		det_workload(u1, "det1");
		uvm_stats(u1, &e1);
		uvm_destroy(u1);
		u2 = th_create(&cfg);
		det_workload(u2, "det2");
		uvm_stats(u2, &e2);
		uvm_destroy(u2);
		pd_unlink("det1");
		pd_unlink("det2");
		assert_true(e1.pdfreed > 0 && e1.pgswapin > 0);
#define PD_CMP(name, desc)                                       \
	if (e1.name != e2.name)                                  \
		fail_msg("%s: counter %s differs: %lld vs %lld", \
		    cfg.uc_policy, #name, (long long)e1.name,    \
		    (long long)e2.name);
		UVMEXP_FIELDS(PD_CMP)
#undef PD_CMP
	}
}

/*
 * Exhaustion: no swap; touching more than memory ends with ENOMEM, in
 * bounded time, with nothing broken; releasing the memory makes the
 * machine work again.  Then the same with a small swap.
 */
static void
exhaust(struct uvm *uvm, bool withswap)
{
	struct vmspace *vm, *vm2;
	vaddr_t va;
	uint64_t i, touched = 0;
	int error = 0;

	if (withswap)
		pd_addswap(uvm, "exhaust", 1u << 20, 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 2048);
	for (i = 0; i < 2048; i++) {
		error = uvm_access(vm, va + tf_pg(uvm, i), 8, VM_PROT_WRITE);
		if (error != 0)
			break;
		touched++;
	}
	assert_int_equal(error, ENOMEM);
	assert_true(touched > 300);
	if (withswap)
		assert_true(touched > 512 + 200); /* swap was used */
	assert_true(uvm_swapisfull(uvm));
	assert_false(uvm_reclaimable(uvm));
	tf_sanity(uvm);
	/* A second space cannot have memory either. */
	vm2 = tf_vmspace(uvm);
	va = tf_map_anon(vm2, 4);
	assert_int_equal(uvm_access(vm2, va, 8, VM_PROT_WRITE), ENOMEM);
	/* Release: everything works again. */
	uvmspace_free(vm);
	for (i = 0; i < 4; i++)
		assert_int_equal(
		    uvm_access(vm2, va + tf_pg(uvm, i), 8, VM_PROT_WRITE), 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 300);
	fill_pages(vm, va, 0, 300, 5);
	assert_true(check_pages(vm, va, 0, 300, 5));
	uvmspace_free(vm);
	uvmspace_free(vm2);
	if (withswap)
		pd_unlink("exhaust");
}

static void
test_exhaustion_noswap(void **state)
{
	exhaust(TH_UVM(state), false);
}

static void
test_exhaustion_swap(void **state)
{
	exhaust(TH_UVM(state), true);
}

static void
test_exhaustion_thread(void **state)
{
	exhaust(TH_UVM(state), true);
}

/*
 * uvm_wait(): only a genuine shortage is waited for; an injected page
 * allocation failure is not (ENOMEM at once, and the fault fails).
 */
static void
test_uvm_wait(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct vm_page *pg;
	vaddr_t va;

	assert_int_equal(uvm_wait(uvm, "test"), ENOMEM);
	kfi_arm(&uvm->u_fi, KFI_PAGE, 0, 1);
	pg = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
	kfi_disarm_all(&uvm->u_fi);
	assert_null(pg);
	assert_int_equal(uvm_wait(uvm, "test"), ENOMEM);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 2);
	kfi_arm(&uvm->u_fi, KFI_PAGE, 0, 1);
	assert_int_equal(uvm_access(vm, va, 8, VM_PROT_WRITE), ENOMEM);
	kfi_disarm_all(&uvm->u_fi);
	assert_int_equal(uvm_access(vm, va, 8, VM_PROT_WRITE), 0);
	/* Anon pages and no swap: nothing could be reclaimed. */
	assert_false(uvm_reclaimable(uvm));
	pd_addswap(uvm, "wait", 1u << 20, 0);
	assert_true(uvm_reclaimable(uvm));
	uvmspace_free(vm);
	pd_unlink("wait");
}

/* Reclaim hooks run when a run leaves memory short. */
struct hookarg {
	int ha_calls;
};

static uint64_t
count_hook(struct uvm *uvm, void *arg)
{
	struct hookarg *ha = arg;

	(void)uvm;
	ha->ha_calls++;
	return 0;
}

static void
test_reclaim_hooks(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct hookarg ha = {0};
	struct vmspace *vm;
	vaddr_t va;
	uint64_t i;

	assert_int_equal(uvm_pdaemon_hook_add(uvm, count_hook, &ha), 0);
	assert_int_equal(uvm_pdaemon_hook_add(uvm, count_hook, &ha), EEXIST);
	/* No swap: anon memory cannot be reclaimed, so runs fall short. */
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 600);
	for (i = 0; i < 600; i++)
		if (uvm_access(vm, va + tf_pg(uvm, i), 8, VM_PROT_WRITE) != 0)
			break;
	assert_true(ha.ha_calls > 0);
	uvmspace_free(vm);
	assert_int_equal(uvm_pdaemon_hook_remove(uvm, count_hook, &ha), 0);
	assert_int_equal(uvm_pdaemon_hook_remove(uvm, count_hook, &ha), ENOENT);
	uvm_pdaemon_printit(uvm, stderr);
}

/*
 * Write errors: the failed page-outs keep their pages (dirty, resident),
 * the runs become bad slots that are never handed out again, and no data
 * is lost.  Read errors fail that access with EIO only.
 */
static void
test_io_errors(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct uvm_swapent se;
	struct uvmexp a, b;
	unsigned ndevs;
	vaddr_t va;
	uint64_t i, bad;
	int error;

	pd_addswap(uvm, "ioerr", 8u << 20, 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 1000);
	uvm_stats(uvm, &a);
	for (i = 0; i < 1000; i += 50) {
		kfi_arm(&uvm->u_fi, KFI_PGIO_WRITE, 1, 1);
		fill_pages(vm, va, i, 50, 11 + i);
	}
	kfi_disarm_all(&uvm->u_fi);
	uvm_stats(uvm, &b);
	assert_true(b.swpgbad > 0);
	bad = (uint64_t)b.swpgbad;
	assert_int_equal(uvm_swap_list(uvm, &se, 1, &ndevs), 0);
	assert_int_equal(se.se_bad, bad);
	for (i = 0; i < 1000; i += 50)
		assert_true(check_pages(vm, va, i, 50, 11 + i));
	/* Bad slots are never handed out again. */
	uvm_stats(uvm, &b);
	assert_int_equal(b.swpgbad, (int64_t)bad);
	assert_true(b.swpginuse + b.swpgbad <= b.swpages);
	tf_sanity(uvm);

	/* A read error fails that access with EIO, nothing else. */
	for (i = 0; i < 1000; i++) {
		kfi_arm(&uvm->u_fi, KFI_PGIO_READ, 0, 1);
		error = uvm_access(vm, va + tf_pg(uvm, i), 8, VM_PROT_READ);
		kfi_disarm_all(&uvm->u_fi);
		if (error != 0) {
			assert_int_equal(error, EIO);
			break;
		}
	}
	assert_true(i < 1000);
	for (i = 0; i < 1000; i += 50)
		assert_true(check_pages(vm, va, i, 50, 11 + i));
	uvmspace_free(vm);
	pd_unlink("ioerr");
}

/*
 * Fault injection swept over page-outs: slot allocation, swap writes and
 * pool allocations (the hashed slot table of a big aobj, pv entries) fail
 * at each point in turn while memory is being filled; whatever failed, the
 * data is intact, the accounting balances and the checkers pass.
 */
static bool
try_fill(struct vmspace *vm, vaddr_t va, uint64_t n, uint64_t seed)
{
	struct uvm *uvm = vm->vm_map.uvm;
	uint8_t buf[4096];
	uint64_t p, i;
	bool ok = true;

	for (p = 0; p < n; p++) {
		vaddr_t pva = va + tf_pg(uvm, p);

		for (i = 0; i < sizeof(buf); i++)
			buf[i] = tf_pat(seed, pva + i);
		if (uvm_copyout(vm, buf, pva, sizeof(buf), NULL) != 0)
			ok = false;
	}
	return ok;
}

static void
test_fi_sweep(void **state)
{
	static const enum kfi_site sites[] = {
	    KFI_SWAPSLOT, KFI_PGIO_WRITE, KFI_POOL};
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	vaddr_t va, vs;
	size_t s;
	int64_t cd;
	uint64_t failed;

	pd_addswap(uvm, "fi", 16u << 20, 0);
	for (s = 0; s < __arraycount(sites); s++) {
		failed = 0;
		for (cd = 0; cd < 12; cd++) {
			vm = tf_vmspace(uvm);
			va = tf_map_anon(vm, 300);
			vs = tf_map_shared(vm, 300); /* a hashed slot table */
			fill_pages(vm, va, 0, 300, 40 + cd);
			fill_pages(vm, vs, 0, 100, 60 + cd);
			kfi_arm(&uvm->u_fi, sites[s], cd, 1);
			(void)try_fill(vm, vs + tf_pg(uvm, 100), 200, 60 + cd);
			failed += kfi_failed(&uvm->u_fi, sites[s]);
			kfi_disarm_all(&uvm->u_fi);
			uvm_sanity_all(uvm);
			fill_pages(vm, vs, 100, 200, 60 + cd);
			assert_true(check_pages(vm, va, 0, 300, 40 + cd));
			assert_true(check_pages(vm, vs, 0, 300, 60 + cd));
			uvmspace_free(vm);
		}
		assert_true(failed > 0);
	}
	pd_unlink("fi");
}

/*
 * Usage-class balancing (vm.anonmin ... vm.filemax, NetBSD 1.57/1.69):
 * clean pages of a file-like object (a pager whose pages are PG_FILE)
 * compete with anonymous memory.  With file pages over filemax, the
 * daemon spares anon pages (pdreanon) and reclaims file pages; with file
 * pages under filemin, it spares them (pdrefile) and pages anon memory
 * out instead.
 */
static const struct uvm_pagerops file_pager = {
    .pgo_name = "testfile",
    .pgo_usage = PG_FILE,
};

struct filecache {
	struct uvm_object fc_obj;
	uint64_t fc_next; /* next page index to cache */
};

/* Cache n more clean file pages (as a read of the file would). */
static void
fc_grow(struct uvm *uvm, struct filecache *fc, uint64_t n)
{
	struct vm_page *pg;

	while (n-- > 0) {
		/*
		 * Our own lock makes our pages unclaimable by the inline
		 * scan: when memory runs out, unlock and uvm_wait().
		 */
		for (;;) {
			rw_enter(fc->fc_obj.vmobjlock, RW_WRITER);
			pg = uvm_pagealloc(uvm, &fc->fc_obj,
			    (voff_t)tf_pg(uvm, fc->fc_next), NULL, 0);
			if (pg != NULL)
				break;
			rw_exit(fc->fc_obj.vmobjlock);
			assert_int_equal(uvm_wait(uvm, "fcgrow"), 0);
		}
		fc->fc_next++;
		pg->flags &= ~PG_FAKE; /* "read" from the file: clean */
		uvmpdpol_pageactivate(uvm, pg);
		uvm_page_unbusy(&pg, 1);
		rw_exit(fc->fc_obj.vmobjlock);
	}
}

static void
fc_free(struct filecache *fc)
{
	struct vm_page *pps[16];
	unsigned i, n;

	rw_enter(fc->fc_obj.vmobjlock, RW_WRITER);
	while ((n = uvm_obj_page_gang(&fc->fc_obj, 0, pps, 16)) > 0)
		for (i = 0; i < n; i++)
			uvm_pagefree(pps[i]);
	rw_exit(fc->fc_obj.vmobjlock);
	uvm_obj_destroy(&fc->fc_obj, true);
}

static void
class_balance(void **state, bool filesmall)
{
	struct uvm *uvm = TH_UVM(state);
	struct filecache fc;
	struct vmspace *vm;
	struct uvmexp a, b;
	vaddr_t va;

	memset(&fc, 0, sizeof(fc));
	uvm_obj_init(&fc.fc_obj, uvm, &file_pager, NULL, 1);
	pd_addswap(uvm, filesmall ? "cls1" : "cls0", 8u << 20, 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 150);
	fill_pages(vm, va, 0, 150, 71);
	fc_grow(uvm, &fc, filesmall ? 20 : 300);
	uvm_stats(uvm, &a);
	if (filesmall) {
		/* Anonymous memory grows: the file pages are spared. */
		vaddr_t vb = tf_map_anon(vm, 700);

		fill_pages(vm, vb, 0, 700, 72);
		uvm_stats(uvm, &b);
		assert_true(b.pdrefile > a.pdrefile);
		assert_true(b.pgswapout > a.pgswapout);
		assert_int_equal(b.filepages, 20);
		assert_true(check_pages(vm, vb, 0, 700, 72));
	} else {
		/* The file cache grows: anon pages are spared. */
		fc_grow(uvm, &fc, 300);
		uvm_stats(uvm, &b);
		assert_true(b.pdreanon > a.pdreanon);
		assert_true(b.pdfreed > a.pdfreed);
		assert_int_equal(b.pgswapout, a.pgswapout);
		assert_int_equal(b.anonpages, 150);
	}
	assert_true(check_pages(vm, va, 0, 150, 71));
	tf_sanity(uvm);
	uvmspace_free(vm);
	fc_free(&fc);
	pd_unlink(filesmall ? "cls1" : "cls0");
}

static void
test_class_filemax(void **state)
{
	class_balance(state, false);
}

static void
test_class_filemin(void **state)
{
	class_balance(state, true);
}

/* The thread mode: the daemon thread wakes and pages out. */
static void
test_thread_mode(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvmexp ex;

	pageout_pagein(uvm, "thread");
	uvm_stats(uvm, &ex);
	assert_true(ex.pdwoke > 0);
}

/*
 * Swapoff: with two devices, removing one brings its pages back (and the
 * daemon moves them to the other); with one device holding more than
 * memory, removal is refused (EBUSY) and nothing is lost.
 */
static void
test_swapoff(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_swapent se[2];
	struct vmspace *vm;
	struct uvm_object *uobj;
	struct uvmexp ex;
	char path[512];
	unsigned ndevs;
	vaddr_t va, vs;

	pd_addswap(uvm, "off0", 4u << 20, 1);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 900);
	fill_pages(vm, va, 0, 900, 21);
	assert_int_equal(uvm_swap_list(uvm, se, 2, &ndevs), 0);
	assert_true(se[0].se_inuse > 400);
	/* The only device holds more than memory: refused. */
	pd_swappath(path, sizeof(path), "off0");
	assert_int_equal(uvm_swap_remove(uvm, path), EBUSY);
	assert_true(check_pages(vm, va, 0, 900, 21));

	/* A second device (lower priority) takes the pages. */
	pd_addswap(uvm, "off1", 8u << 20, 0);
	uobj = uao_create(uvm, tf_pg(uvm, 64), 0);
	vs = tf_map_obj(vm, uobj, 0, 64, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, false);
	uao_detach(uobj);
	fill_pages(vm, vs, 0, 64, 22);
	fill_pages(vm, va, 0, 900, 23); /* everything through swap again */
	assert_int_equal(uvm_swap_remove(uvm, path), 0);
	assert_int_equal(uvm_swap_list(uvm, se, 2, &ndevs), 0);
	assert_int_equal(ndevs, 1);
	uvm_stats(uvm, &ex);
	assert_int_equal(ex.nswapdev, 1);
	assert_int_equal(ex.swpginuse, (int64_t)se[0].se_inuse);
	assert_true(check_pages(vm, va, 0, 900, 23));
	assert_true(check_pages(vm, vs, 0, 64, 22));
	assert_int_equal(uvm_swap_remove(uvm, path), ENOENT);
	tf_sanity(uvm);
	uvmspace_free(vm);
	pd_unlink("off0");
	pd_unlink("off1");
}

/* Swapoff of a device with aobj and anon pages, memory to spare. */
static void
test_swapoff_resident(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	struct uvm_object *uobj;
	struct uvmexp ex;
	char path[512];
	vaddr_t va, vs;

	pd_addswap(uvm, "offr", 8u << 20, 0);
	vm = tf_vmspace(uvm);
	uobj = uao_create(uvm, tf_pg(uvm, 200), 0);
	vs = tf_map_obj(vm, uobj, 0, 200, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, false);
	uao_detach(uobj);
	va = tf_map_anon(vm, 500);
	fill_pages(vm, vs, 0, 200, 31);
	fill_pages(vm, va, 0, 500, 32);
	/* Drop the second region: memory now holds what is in swap. */
	assert_int_equal(uvm_unmap(&vm->vm_map, va, va + tf_pg(uvm, 500)), 0);
	uvm_stats(uvm, &ex);
	assert_true(ex.swpgonly > 0);
	pd_swappath(path, sizeof(path), "offr");
	assert_int_equal(uvm_swap_remove(uvm, path), 0);
	uvm_stats(uvm, &ex);
	assert_int_equal(ex.swpginuse, 0);
	assert_int_equal(ex.swpgonly, 0);
	assert_int_equal(ex.nswapdev, 0);
	assert_true(check_pages(vm, vs, 0, 200, 31));
	uvmspace_free(vm);
	pd_unlink("offr");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_targets, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_run_idle, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_pageout_pagein, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(test_pageout_pagein_clockpro,
		setup_small_clockpro, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_clean_pages_freed, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_aobj_pageout, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_inline_determinism, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exhaustion_noswap, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exhaustion_swap, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exhaustion_thread, setup_small_thread, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_uvm_wait, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_reclaim_hooks, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_io_errors, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_thread_mode, setup_small_thread, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_sweep, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_class_filemax, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_class_filemin, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_swapoff, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_swapoff_resident, setup_small, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
