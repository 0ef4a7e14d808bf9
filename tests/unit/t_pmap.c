/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_pmap.c: the pmap contract and the soft back end: mappings spread over
 * the whole 64-bit space, range operations over huge sparse ranges, pv
 * lists, referenced/modified bits, wiring, the software TLB and its
 * invalidation after every kind of change, several pmaps sharing pages,
 * kernel (unmanaged) mappings, frame contents, fault injection on table
 * and pv allocation, destruction with mappings left, and 4/16/64 KiB pages.
 * pmap_sanity_all() runs after every mutating step.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "pmap/pmap.h"

#define RW  (VM_PROT_READ | VM_PROT_WRITE)
#define RWX VM_PROT_ALL
#define R   VM_PROT_READ
#define W   VM_PROT_WRITE
#define X   VM_PROT_EXECUTE

#define NPG_MAX 64

/* Per-test pages, freed (unmapped first) by pages_free(). */
struct tpages {
	struct uvm *tp_uvm;
	unsigned tp_n;
	struct vm_page *tp_pg[NPG_MAX];
};

static void
pages_get(struct uvm *uvm, struct tpages *tp, unsigned n)
{
	assert_true(n <= NPG_MAX);
	tp->tp_uvm = uvm;
	tp->tp_n = n;
	for (unsigned i = 0; i < n; i++) {
		tp->tp_pg[i] = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
		assert_non_null(tp->tp_pg[i]);
	}
}

static void
pages_free(struct tpages *tp)
{
	for (unsigned i = 0; i < tp->tp_n; i++) {
		assert_int_equal(pmap_page_nmappings(tp->tp_pg[i]), 0);
		assert_null(tp->tp_pg[i]->pv_head);
		uvm_pagefree(tp->tp_pg[i]);
	}
	tp->tp_n = 0;
}

static paddr_t
PA(struct tpages *tp, unsigned i)
{
	return uvm_page_phys(tp->tp_uvm, tp->tp_pg[i]);
}

static void
check(struct uvm *uvm)
{
	pmap_sanity_all(uvm);
}

/* Addresses spread over the whole 64-bit space (page aligned). */
static void
far_addresses(struct uvm *uvm, vaddr_t *va, unsigned *n)
{
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	unsigned i = 0;

	va[i++] = 0;
	va[i++] = ps;
	va[i++] = ((uint64_t)1 << 32) - ps;
	va[i++] = ((uint64_t)1 << 47) - ps;
	va[i++] = (uint64_t)1 << 47;
	va[i++] = (uint64_t)1 << 56;
	va[i++] = ((uint64_t)1 << 63) - ps;
	va[i++] = (uint64_t)1 << 63;
	va[i++] = 0xdead0000beef0000ull & ~UVM_PAGE_MASK(uvm);
	va[i++] = ~(uint64_t)0 - ps + 1; /* 2^64 - pagesize */
	*n = i;
}

/* A host pointer for va, or the error. */
static int
acc(struct pmap *pm, vaddr_t va, vm_prot_t a, uint8_t **hp)
{
	uint8_t *h = NULL;
	int error = pmap_access(pm, va, a, &h);

	if (hp != NULL)
		*hp = h;
	return error;
}

static int64_t
misses(struct uvm *uvm)
{
	return uvm_cnt_get(uvm, tlb_misses);
}

/* ---------------------------------------------------------------------- */

static void
test_far_enter_extract_remove(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct tpages tp;
	struct pmap *pm;
	vaddr_t va[16];
	paddr_t pa;
	unsigned n, i;

	pages_get(uvm, &tp, 16);
	far_addresses(uvm, va, &n);
	pm = pmap_create(uvm);
	assert_ptr_equal(pmap_machine(pm), uvm);
	for (i = 0; i < n; i++) {
		assert_int_equal(pmap_enter(pm, va[i], PA(&tp, i), RW, 0), 0);
		check(uvm);
	}
	assert_int_equal(pmap_resident_count(pm), n);
	assert_int_equal(pmap_wired_count(pm), 0);
	for (i = 0; i < n; i++) {
		assert_true(pmap_extract(pm, va[i] + 5, &pa));
		assert_int_equal(pa, PA(&tp, i) + 5);
		assert_int_equal(pmap_page_nmappings(tp.tp_pg[i]), 1);
		/* Neighbours are not mapped. */
		if (va[i] != 0 && va[i] - UVM_PAGE_SIZE(uvm) != va[i - 1])
			assert_false(
			    pmap_extract(pm, va[i] - UVM_PAGE_SIZE(uvm), &pa));
	}
	assert_false(pmap_extract(pm, (uint64_t)3 << 60, &pa));

	/* Remove a sub-range holding the two around 2^47. */
	pmap_remove(pm, ((uint64_t)1 << 40), ((uint64_t)1 << 48));
	check(uvm);
	assert_int_equal(pmap_resident_count(pm), n - 2);
	assert_false(pmap_extract(pm, va[3], &pa));
	assert_false(pmap_extract(pm, va[4], &pa));
	assert_true(pmap_extract(pm, va[2], &pa));
	assert_true(pmap_extract(pm, va[5], &pa));

	/* Up to the very end: eva 0 stands for 2^64. */
	pmap_remove(pm, (uint64_t)1 << 63, 0);
	check(uvm);
	assert_false(pmap_extract(pm, va[7], &pa));
	assert_false(pmap_extract(pm, va[9], &pa));
	assert_true(pmap_extract(pm, va[6], &pa));
	assert_int_equal(pmap_resident_count(pm), n - 5);

	/* An empty range does nothing. */
	pmap_remove(pm, va[6], va[6]);
	assert_true(pmap_extract(pm, va[6], &pa));

	/* The whole space at once. */
	pmap_remove(pm, 0, 0);
	check(uvm);
	assert_int_equal(pmap_resident_count(pm), 0);
	for (i = 0; i < n; i++)
		assert_false(pmap_extract(pm, va[i], &pa));
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_sparse_many(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;
	struct tpages tp;
	struct pmap *pm;
	vaddr_t va[2000];
	paddr_t pa;
	unsigned i, n = 2000, left;

	pages_get(uvm, &tp, 8);
	th_rng_seed(&rng, 42);
	pm = pmap_create(uvm);
	for (i = 0; i < n; i++) {
		/* Clusters of neighbours and lone pages anywhere. */
		if (i % 4 != 0 && i > 0)
			va[i] = va[i - 1] + UVM_PAGE_SIZE(uvm);
		else
			va[i] = th_rng_next(&rng) & ~UVM_PAGE_MASK(uvm);
		if (va[i] == 0 && i > 0) /* wrapped: keep it distinct */
			va[i] = UVM_PAGE_SIZE(uvm) * 7;
		for (unsigned j = 0; j < i; j++)
			if (va[j] == va[i]) {
				va[i] ^= (uint64_t)1 << 40;
				j = (unsigned)-1;
			}
		assert_int_equal(pmap_enter(pm, va[i], PA(&tp, i % 8),
				     R | ((i & 1) ? W : 0), 0),
		    0);
	}
	check(uvm);
	assert_int_equal(pmap_resident_count(pm), n);
	for (i = 0; i < 8; i++)
		assert_int_equal(pmap_page_nmappings(tp.tp_pg[i]), n / 8);

	/* Protect the upper half of the space read-only, then remove it. */
	pmap_protect(pm, (uint64_t)1 << 63, 0, R);
	check(uvm);
	for (i = 0; i < n; i++) {
		uint8_t *h;
		int e = acc(pm, va[i], W, &h);

		if ((va[i] >> 63) != 0 || (i & 1) == 0)
			assert_int_equal(e, EACCES);
		else
			assert_int_equal(e, 0);
	}
	check(uvm);
	pmap_remove(pm, (uint64_t)1 << 63, 0);
	check(uvm);
	left = 0;
	for (i = 0; i < n; i++) {
		bool m = pmap_extract(pm, va[i], &pa);

		assert_int_equal(m, (va[i] >> 63) == 0);
		left += m;
	}
	assert_int_equal(pmap_resident_count(pm), left);
	pmap_destroy(pm); /* with mappings left */
	check(uvm);
	for (i = 0; i < 8; i++)
		assert_int_equal(pmap_page_nmappings(tp.tp_pg[i]), 0);
	pages_free(&tp);
}

static void
test_protect(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct tpages tp;
	struct pmap *pm;
	uint8_t *h;
	paddr_t pa;

	pages_get(uvm, &tp, 4);
	pm = pmap_create(uvm);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(
		    pmap_enter(pm, 0x10000000 + i * ps, PA(&tp, i), RWX, 0), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(acc(pm, 0x10000000 + i * ps, W, &h), 0);
	/* Lower the middle two to read-only. */
	pmap_protect(pm, 0x10000000 + ps, 0x10000000 + 3 * ps, R);
	check(uvm);
	assert_int_equal(acc(pm, 0x10000000, W, &h), 0);
	assert_int_equal(acc(pm, 0x10000000 + ps, W, &h), EACCES);
	assert_int_equal(acc(pm, 0x10000000 + ps, X, &h), EACCES);
	assert_int_equal(acc(pm, 0x10000000 + ps, R, &h), 0);
	assert_int_equal(acc(pm, 0x10000000 + 3 * ps, X, &h), 0);
	/* Protection only lowers: R|W does not give execute back. */
	pmap_protect(pm, 0x10000000, 0x10000000 + 4 * ps, RW);
	check(uvm);
	assert_int_equal(acc(pm, 0x10000000, X, &h), EACCES);
	assert_int_equal(acc(pm, 0x10000000 + ps, W, &h), EACCES);
	/* Without read permission, mappings go. */
	pmap_protect(pm, 0x10000000 + 3 * ps, 0x10000000 + 4 * ps, X);
	assert_false(pmap_extract(pm, 0x10000000 + 3 * ps, &pa));
	pmap_protect(pm, 0x10000000, 0x10000000 + ps, VM_PROT_NONE);
	check(uvm);
	assert_false(pmap_extract(pm, 0x10000000, &pa));
	assert_int_equal(acc(pm, 0x10000000, R, &h), EFAULT);
	assert_int_equal(pmap_resident_count(pm), 2);
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_access_rules(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct tpages tp;
	struct pmap *pm;
	uint8_t *h, *h2;

	pages_get(uvm, &tp, 4);
	pm = pmap_create(uvm);
	assert_int_equal(acc(pm, 0, R, &h), EFAULT);
	assert_int_equal(pmap_enter(pm, 0, PA(&tp, 0), R, 0), 0);
	assert_int_equal(pmap_enter(pm, ps, PA(&tp, 1), W, 0), 0);
	assert_int_equal(pmap_enter(pm, 2 * ps, PA(&tp, 2), X, 0), 0);
	assert_int_equal(
	    pmap_enter(pm, 3 * ps, PA(&tp, 3), VM_PROT_NONE, 0), 0);
	check(uvm);
	/* Read-only. */
	assert_int_equal(acc(pm, 0, R, &h), 0);
	assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[0]));
	assert_int_equal(acc(pm, 17, R, &h), 0);
	assert_ptr_equal(
	    h, (uint8_t *)uvm_page_hostaddr(uvm, tp.tp_pg[0]) + 17);
	assert_int_equal(acc(pm, 0, W, &h), EACCES);
	assert_int_equal(acc(pm, 0, X, &h), EACCES);
	/* Write implies read (x86), not execute. */
	assert_int_equal(acc(pm, ps, R, &h), 0);
	assert_int_equal(acc(pm, ps, W, &h), 0);
	assert_int_equal(acc(pm, ps, R | W, &h), 0);
	assert_int_equal(acc(pm, ps, X, &h), EACCES);
	/* Execute implies read. */
	assert_int_equal(acc(pm, 2 * ps, X, &h), 0);
	assert_int_equal(acc(pm, 2 * ps, R, &h), 0);
	assert_int_equal(acc(pm, 2 * ps, W, &h), EACCES);
	/* No permission at all. */
	assert_int_equal(acc(pm, 3 * ps, R, &h), EACCES);
	assert_false(pmap_is_referenced(tp.tp_pg[3]));
	/* Hits on the TLB give the same pointers. */
	assert_int_equal(acc(pm, ps + 100, W, &h), 0);
	assert_int_equal(acc(pm, ps + 100, W, &h2), 0);
	assert_ptr_equal(h, h2);
	/* A frame outside physical memory: unmanaged, no contents. */
	assert_int_equal(pmap_enter(pm, 4 * ps, (paddr_t)1 << 50, RW, 0), 0);
	assert_int_equal(acc(pm, 4 * ps, R, &h), EFAULT);
	check(uvm);
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_rm_bits(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct vm_page *pg;
	struct tpages tp;
	struct pmap *pm;
	int64_t m0;
	uint8_t *h;

	pages_get(uvm, &tp, 3);
	pg = tp.tp_pg[0];
	pm = pmap_create(uvm);
	(void)pmap_clear_modify(pg);
	(void)pmap_clear_reference(pg);
	assert_int_equal(pmap_enter(pm, 0x4000000, PA(&tp, 0), RW, 0), 0);
	assert_false(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	/* A read sets referenced only. */
	assert_int_equal(acc(pm, 0x4000000, R, &h), 0);
	check(uvm);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	/* The first write misses (the entry lacks write) and sets modified. */
	m0 = misses(uvm);
	assert_int_equal(acc(pm, 0x4000000, W, &h), 0);
	assert_int_equal(misses(uvm), m0 + 1);
	assert_true(pmap_is_modified(pg));
	check(uvm);
	/* Then writes and reads hit. */
	assert_int_equal(acc(pm, 0x4000008, W, &h), 0);
	assert_int_equal(acc(pm, 0x4000010, R, &h), 0);
	assert_int_equal(misses(uvm), m0 + 1);
	/* clear_modify: the next write misses and sets it again. */
	assert_true(pmap_clear_modify(pg));
	assert_false(pmap_clear_modify(pg));
	check(uvm);
	assert_int_equal(acc(pm, 0x4000000, R, &h), 0); /* still a hit */
	assert_int_equal(misses(uvm), m0 + 1);
	assert_int_equal(acc(pm, 0x4000000, W, &h), 0);
	assert_int_equal(misses(uvm), m0 + 2);
	assert_true(pmap_is_modified(pg));
	/* clear_reference: the next access misses and sets it again. */
	assert_true(pmap_clear_reference(pg));
	assert_false(pmap_clear_reference(pg));
	assert_false(pmap_is_referenced(pg));
	check(uvm);
	assert_int_equal(acc(pm, 0x4000000, R, &h), 0);
	assert_int_equal(misses(uvm), m0 + 3);
	assert_true(pmap_is_referenced(pg));
	/* The bits survive removal. */
	pmap_remove(pm, 0x4000000, 0x4000000 + ps);
	check(uvm);
	assert_true(pmap_is_referenced(pg));
	assert_true(pmap_is_modified(pg));

	/* Enter's access flags preset the bits. */
	(void)pmap_clear_modify(tp.tp_pg[1]);
	(void)pmap_clear_reference(tp.tp_pg[1]);
	(void)pmap_clear_modify(tp.tp_pg[2]);
	(void)pmap_clear_reference(tp.tp_pg[2]);
	assert_int_equal(pmap_enter(pm, 0x5000000, PA(&tp, 1), RW, R), 0);
	assert_true(pmap_is_referenced(tp.tp_pg[1]));
	assert_false(pmap_is_modified(tp.tp_pg[1]));
	assert_int_equal(pmap_enter(pm, 0x6000000, PA(&tp, 2), RW, RW), 0);
	assert_true(pmap_is_referenced(tp.tp_pg[2]));
	assert_true(pmap_is_modified(tp.tp_pg[2]));
	check(uvm);
	/* A modified page's entry allows writes at once. */
	assert_int_equal(acc(pm, 0x6000000, R, &h), 0);
	m0 = misses(uvm);
	assert_int_equal(acc(pm, 0x6000000, W, &h), 0);
	assert_int_equal(misses(uvm), m0);
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_wired(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct tpages tp;
	struct pmap *pm;

	pages_get(uvm, &tp, 4);
	pm = pmap_create(uvm);
	assert_int_equal(pmap_enter(pm, 0, PA(&tp, 0), RW, PMAP_WIRED), 0);
	assert_int_equal(pmap_enter(pm, ps, PA(&tp, 1), RW, PMAP_WIRED | R), 0);
	assert_int_equal(pmap_enter(pm, 2 * ps, PA(&tp, 2), RW, 0), 0);
	check(uvm);
	assert_int_equal(pmap_wired_count(pm), 2);
	assert_int_equal(pmap_resident_count(pm), 3);
	pmap_unwire(pm, 0);
	check(uvm);
	assert_int_equal(pmap_wired_count(pm), 1);
	pmap_unwire(pm, 0); /* already unwired: no change */
	pmap_unwire(pm, 2 * ps);
	assert_int_equal(pmap_wired_count(pm), 1);
	/* Re-entering the same page changes the wiring both ways. */
	assert_int_equal(pmap_enter(pm, 2 * ps, PA(&tp, 2), RW, PMAP_WIRED), 0);
	assert_int_equal(pmap_wired_count(pm), 2);
	assert_int_equal(pmap_enter(pm, ps, PA(&tp, 1), R, 0), 0);
	assert_int_equal(pmap_wired_count(pm), 1);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[1]), 1);
	check(uvm);
	/* Another page over a wired mapping. */
	assert_int_equal(pmap_enter(pm, 2 * ps, PA(&tp, 3), RW, 0), 0);
	assert_int_equal(pmap_wired_count(pm), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[2]), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[3]), 1);
	check(uvm);
	/* Removing a wired mapping drops the count. */
	assert_int_equal(pmap_enter(pm, 5 * ps, PA(&tp, 0), R, PMAP_WIRED), 0);
	assert_int_equal(pmap_wired_count(pm), 1);
	pmap_remove(pm, 5 * ps, 6 * ps);
	assert_int_equal(pmap_wired_count(pm), 0);
	check(uvm);
	/* Unwiring nothing panics. */
	assert_true(TH_EXPECT_PANIC(pmap_unwire(pm, 77 * ps)));
	assert_true(TH_EXPECT_PANIC(pmap_unwire(pm, (uint64_t)1 << 62)));
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_replace(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct tpages tp;
	struct pmap *pm;
	uint8_t *h;
	paddr_t pa;

	pages_get(uvm, &tp, 2);
	pm = pmap_create(uvm);
	assert_int_equal(pmap_enter(pm, 7 * ps, PA(&tp, 0), RW, 0), 0);
	assert_int_equal(acc(pm, 7 * ps, R, &h), 0);
	assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[0]));
	/* Another page at the same va: the TLB must not keep the old one. */
	assert_int_equal(pmap_enter(pm, 7 * ps, PA(&tp, 1), R, 0), 0);
	check(uvm);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[1]), 1);
	assert_int_equal(pmap_resident_count(pm), 1);
	assert_int_equal(acc(pm, 7 * ps, R, &h), 0);
	assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[1]));
	assert_true(pmap_extract(pm, 7 * ps, &pa));
	assert_int_equal(pa, PA(&tp, 1));
	/* The same page with more permission: writes now pass. */
	assert_int_equal(acc(pm, 7 * ps, W, &h), EACCES);
	assert_int_equal(pmap_enter(pm, 7 * ps, PA(&tp, 1), RW, 0), 0);
	assert_int_equal(acc(pm, 7 * ps, W, &h), 0);
	check(uvm);
	/* The same page with less: the TLB entry goes. */
	assert_int_equal(pmap_enter(pm, 7 * ps, PA(&tp, 1), R, 0), 0);
	assert_int_equal(acc(pm, 7 * ps, W, &h), EACCES);
	/* An unmanaged frame over a managed mapping, and back. */
	assert_int_equal(pmap_enter(pm, 7 * ps, (paddr_t)1 << 52, R, 0), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[1]), 0);
	check(uvm);
	assert_int_equal(pmap_enter(pm, 7 * ps, PA(&tp, 0), R, 0), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 1);
	assert_int_equal(pmap_resident_count(pm), 1);
	check(uvm);
	pmap_destroy(pm);
	pages_free(&tp);
}

/* The TLB after every kind of change. */
static void
test_tlb_invalidation(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	vaddr_t va = (uint64_t)0x7fff12340000 & ~UVM_PAGE_MASK(uvm);
	struct tpages tp;
	struct pmap *pm;
	int64_t f0, m0;
	uint8_t *h;

	pages_get(uvm, &tp, 3);
	pm = pmap_create(uvm);

	/* remove */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), RW, RW), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	f0 = uvm_cnt_get(uvm, tlb_flushes);
	pmap_remove(pm, va, va + ps);
	assert_true(uvm_cnt_get(uvm, tlb_flushes) > f0);
	assert_int_equal(acc(pm, va, R, &h), EFAULT);
	check(uvm);

	/* protect */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), RW, RW), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	pmap_protect(pm, va, va + ps, R);
	assert_int_equal(acc(pm, va, W, &h), EACCES);
	assert_int_equal(acc(pm, va, R, &h), 0);
	pmap_protect(pm, 0, 0, VM_PROT_NONE);
	assert_int_equal(acc(pm, va, R, &h), EFAULT);
	check(uvm);

	/* page_protect, lowering and removing */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), RW, RW), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	pmap_page_protect(tp.tp_pg[0], R);
	check(uvm);
	assert_int_equal(acc(pm, va, W, &h), EACCES);
	assert_int_equal(acc(pm, va, R, &h), 0);
	pmap_page_protect(tp.tp_pg[0], VM_PROT_NONE);
	check(uvm);
	assert_int_equal(acc(pm, va, R, &h), EFAULT);

	/* enter over the va: another page, then the same page lowered */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), RW, RW), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 1), RW, RW), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[1]));
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 1), X, 0), 0);
	assert_int_equal(acc(pm, va, W, &h), EACCES);
	check(uvm);

	/* clear_modify drops write from the entry, reads still hit */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 2), RW, 0), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	assert_true(pmap_is_modified(tp.tp_pg[2]));
	(void)pmap_clear_modify(tp.tp_pg[2]);
	check(uvm);
	m0 = misses(uvm);
	assert_int_equal(acc(pm, va, R, &h), 0);
	assert_int_equal(misses(uvm), m0);
	assert_false(pmap_is_modified(tp.tp_pg[2]));
	assert_int_equal(acc(pm, va, W, &h), 0);
	assert_int_equal(misses(uvm), m0 + 1);
	assert_true(pmap_is_modified(tp.tp_pg[2]));

	/* clear_reference invalidates */
	(void)pmap_clear_reference(tp.tp_pg[2]);
	check(uvm);
	m0 = misses(uvm);
	assert_int_equal(acc(pm, va, R, &h), 0);
	assert_int_equal(misses(uvm), m0 + 1);

	/* unwire changes nothing the TLB holds */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 2), RW, PMAP_WIRED), 0);
	assert_int_equal(acc(pm, va, W, &h), 0);
	m0 = misses(uvm);
	pmap_unwire(pm, va);
	assert_int_equal(acc(pm, va, W, &h), 0);
	assert_int_equal(misses(uvm), m0);
	check(uvm);

	/* remove_all (what destroy does) empties the TLB */
	assert_true(pmap_remove_all(pm));
	assert_int_equal(acc(pm, va, R, &h), EFAULT);
	assert_int_equal(pmap_resident_count(pm), 0);
	check(uvm);

	/* Conflicting vpns share a TLB slot without confusion. */
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), R, 0), 0);
	assert_int_equal(
	    pmap_enter(pm, va + PMAP_TLB_SIZE * ps, PA(&tp, 1), R, 0), 0);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(acc(pm, va, R, &h), 0);
		assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[0]));
		assert_int_equal(acc(pm, va + PMAP_TLB_SIZE * ps, R, &h), 0);
		assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[1]));
	}
	check(uvm);
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_multi_pmap(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct pmap *pm[3];
	struct tpages tp;
	uint8_t *h[3];
	unsigned i;

	pages_get(uvm, &tp, 2);
	for (i = 0; i < 3; i++) {
		pm[i] = pmap_create(uvm);
		assert_int_equal(
		    pmap_enter(pm[i], (i + 1) * 0x100000, PA(&tp, 0), RW, 0),
		    0);
		/* A second mapping of the same page in the same pmap. */
		assert_int_equal(pmap_enter(pm[i], (i + 1) * 0x100000 + ps,
				     PA(&tp, 0), R, 0),
		    0);
		assert_int_equal(
		    pmap_enter(pm[i], (uint64_t)1 << 60, PA(&tp, 1), RW, 0), 0);
	}
	check(uvm);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 6);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[1]), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(acc(pm[i], (i + 1) * 0x100000, W, &h[i]), 0);
	/* All see the same contents. */
	h[0][3] = 0x5a;
	assert_int_equal(h[1][3], 0x5a);
	assert_int_equal(h[2][3], 0x5a);
	/* Write-protect the page everywhere. */
	pmap_page_protect(tp.tp_pg[0], R | X);
	check(uvm);
	for (i = 0; i < 3; i++) {
		assert_int_equal(
		    acc(pm[i], (i + 1) * 0x100000, W, &h[i]), EACCES);
		assert_int_equal(acc(pm[i], (i + 1) * 0x100000, R, &h[i]), 0);
	}
	/* Destroy one pmap with its mappings: the others stay. */
	pmap_reference(pm[1]);
	pmap_destroy(pm[1]);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 6);
	pmap_destroy(pm[1]);
	check(uvm);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 4);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[1]), 2);
	pmap_page_protect(tp.tp_pg[0], VM_PROT_NONE);
	check(uvm);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 0);
	assert_int_equal(pmap_resident_count(pm[0]), 1);
	assert_int_equal(acc(pm[0], 0x100000, R, &h[0]), EFAULT);
	assert_int_equal(acc(pm[2], (uint64_t)1 << 60, W, &h[2]), 0);
	pmap_destroy(pm[0]);
	pmap_destroy(pm[2]);
	check(uvm);
	pages_free(&tp);
}

static void
test_kenter(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	vaddr_t kva = (uint64_t)0xffff800000000000ull;
	struct pmap *kpm = pmap_kernel(uvm);
	int64_t r0, w0;
	struct tpages tp;
	uint8_t *h;
	paddr_t pa;

	pages_get(uvm, &tp, 3);
	r0 = pmap_resident_count(kpm);
	w0 = pmap_wired_count(kpm);
	(void)pmap_clear_modify(tp.tp_pg[0]);
	(void)pmap_clear_reference(tp.tp_pg[0]);
	for (unsigned i = 0; i < 3; i++)
		pmap_kenter_pa(uvm, kva + i * ps, PA(&tp, i), RW, 0);
	check(uvm);
	assert_int_equal(pmap_resident_count(kpm), r0 + 3);
	assert_int_equal(pmap_wired_count(kpm), w0 + 3);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 0);
	assert_true(pmap_extract(kpm, kva + ps + 9, &pa));
	assert_int_equal(pa, PA(&tp, 1) + 9);
	/* Unmanaged: writes pass at once and no R/M bit is set. */
	assert_int_equal(acc(kpm, kva, W, &h), 0);
	h[0] = 1;
	assert_false(pmap_is_referenced(tp.tp_pg[0]));
	assert_false(pmap_is_modified(tp.tp_pg[0]));
	check(uvm);
	/* kenter over a kenter mapping replaces it. */
	pmap_kenter_pa(uvm, kva, PA(&tp, 2), R, 0);
	assert_int_equal(acc(kpm, kva, W, &h), EACCES);
	assert_int_equal(acc(kpm, kva, R, &h), 0);
	assert_ptr_equal(h, uvm_page_hostaddr(uvm, tp.tp_pg[2]));
	assert_int_equal(pmap_resident_count(kpm), r0 + 3);
	/* A managed mapping in the kernel pmap next to them. */
	assert_int_equal(pmap_enter(kpm, kva + 8 * ps, PA(&tp, 0), RW, 0), 0);
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 1);
	check(uvm);
	pmap_remove(kpm, kva + 8 * ps, kva + 9 * ps);
	pmap_kremove(uvm, kva, 2 * ps);
	check(uvm);
	assert_int_equal(pmap_resident_count(kpm), r0 + 1);
	assert_int_equal(acc(kpm, kva, R, &h), EFAULT);
	assert_int_equal(acc(kpm, kva + 2 * ps, R, &h), 0);
	pmap_kremove(uvm, kva, 0); /* nothing */
	pmap_kremove(uvm, kva + 2 * ps, ps);
	assert_int_equal(pmap_resident_count(kpm), r0);
	assert_int_equal(pmap_wired_count(kpm), w0);
	check(uvm);
	pages_free(&tp);
}

static void
test_zero_copy(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct tpages tp;
	uint8_t *a, *b;

	pages_get(uvm, &tp, 2);
	a = uvm_page_hostaddr(uvm, tp.tp_pg[0]);
	b = uvm_page_hostaddr(uvm, tp.tp_pg[1]);
	for (uint64_t i = 0; i < ps; i++)
		a[i] = (uint8_t)(i * 7 + 1);
	memset(b, 0xff, ps);
	pmap_copy_page(uvm, PA(&tp, 0), PA(&tp, 1));
	assert_memory_equal(a, b, ps);
	pmap_zero_page(uvm, PA(&tp, 0));
	for (uint64_t i = 0; i < ps; i++)
		if (a[i] != 0)
			fail_msg("byte %ju not zero", (uintmax_t)i);
	assert_int_equal(b[ps - 1], (uint8_t)((ps - 1) * 7 + 1));
	pages_free(&tp);
}

/*
 * Fault injection on page-table and pv allocation with PMAP_CANFAIL: sweep
 * the failure over every allocation of one pmap_enter() and check that
 * each failure changes nothing.
 */
static unsigned
canfail_sweep(struct uvm *uvm, vaddr_t near, vaddr_t va, paddr_t pa0)
{
	struct uvm_acct a0, a1;
	unsigned failures = 0;
	struct pmap *pm;
	int64_t n;
	paddr_t pa;
	int error;

	uvm_acct_snapshot(uvm, &a0);
	for (n = 0;; n++) {
		/* A fresh pmap with one mapping: the root and a path exist. */
		pm = pmap_create(uvm);
		assert_int_equal(pmap_enter(pm, near, pa0, R, 0), 0);
		kfi_arm(&uvm->u_fi, KFI_POOL, n, 1);
		error = pmap_enter(pm, va, pa0, RW, PMAP_CANFAIL);
		kfi_disarm(&uvm->u_fi, KFI_POOL);
		check(uvm);
		if (error == 0) {
			assert_true(pmap_extract(pm, va, &pa));
			assert_int_equal(pa, pa0);
			assert_int_equal(pmap_resident_count(pm), 2);
		} else {
			failures++;
			assert_int_equal(error, ENOMEM);
			assert_false(pmap_extract(pm, va, &pa));
			assert_int_equal(pmap_resident_count(pm), 1);
		}
		pmap_destroy(pm);
		check(uvm);
		uvm_acct_snapshot(uvm, &a1);
		assert_true(uvm_acct_equal_p(&a0, &a1));
		if (error == 0)
			break;
	}
	return failures;
}

static void
test_canfail(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	unsigned ps = UVM_PAGE_SHIFT(uvm);
	vaddr_t near = ((uint64_t)1 << (ps + 9 + 9 + 9)) * 3;
	struct tpages tp;
	struct pmap *pm;

	pages_get(uvm, &tp, 1);
	/* Far away: a pv entry and 5 tables below the root. */
	assert_int_equal(
	    canfail_sweep(uvm, near, 0xfedc000000000000ull, PA(&tp, 0)), 6);
	/* Sharing levels >= 2 with the first: pv, level 1, leaf. */
	assert_int_equal(canfail_sweep(uvm, near,
			     near + ((uint64_t)1 << (ps + 9 + 9)), PA(&tp, 0)),
	    3);
	/* In the same leaf: only the pv entry. */
	assert_int_equal(
	    canfail_sweep(uvm, near, near + ((uint64_t)1 << ps), PA(&tp, 0)),
	    1);
	pm = pmap_create(uvm);
	assert_int_equal(pmap_enter(pm, near, PA(&tp, 0), R, 0), 0);
	/* Without PMAP_CANFAIL, injection does not apply. */
	kfi_arm(&uvm->u_fi, KFI_POOL, 0, -1);
	assert_int_equal(
	    pmap_enter(pm, 0x2000000000000ull, PA(&tp, 0), R, 0), 0);
	/* Over an existing managed mapping, no allocation is needed. */
	assert_int_equal(
	    pmap_enter(pm, 0x2000000000000ull, PA(&tp, 0), RW, PMAP_CANFAIL),
	    0);
	assert_int_equal(
	    pmap_enter(pm, 0x3000000000000ull, PA(&tp, 0), RW, PMAP_CANFAIL),
	    ENOMEM);
	kfi_disarm(&uvm->u_fi, KFI_POOL);
	check(uvm);
	pmap_destroy(pm);
	pages_free(&tp);
}

static void
test_refs_activate(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct tpages tp;
	struct pmap *pm;
	vaddr_t va = 0xabc * UVM_PAGE_SIZE(uvm);
	char *buf = NULL, want[64];
	size_t len = 0;
	FILE *fp;

	pages_get(uvm, &tp, 1);
	pm = pmap_create(uvm);
	assert_false(pmap_active_p(pm));
	pmap_activate(pm);
	assert_true(pmap_active_p(pm));
	pmap_activate(pm);
	pmap_deactivate(pm);
	assert_true(pmap_active_p(pm));
	pmap_deactivate(pm);
	assert_false(pmap_active_p(pm));
	assert_true(TH_EXPECT_PANIC(pmap_deactivate(pm)));
	pmap_update(pm);
	assert_int_equal(pmap_enter(pm, va, PA(&tp, 0), RW, PMAP_WIRED), 0);
	pmap_update(pm);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	pmap_printit(pm, fp);
	pmap_printit(pmap_kernel(uvm), fp);
	fclose(fp);
	snprintf(want, sizeof(want), "va %#018jx -> pa %#jx rw- wired managed",
	    (uintmax_t)va, (uintmax_t)PA(&tp, 0));
	assert_non_null(strstr(buf, want));
	assert_non_null(strstr(buf, "kernel"));
	free(buf);
	assert_true(TH_EXPECT_PANIC(pmap_destroy(pmap_kernel(uvm))));
	pmap_reference(pm);
	pmap_destroy(pm);
	assert_int_equal(pmap_resident_count(pm), 1);
	pmap_destroy(pm);
	check(uvm);
	pages_free(&tp);
}

/* Random operations against a model, sanity after each. */
#define MODEL_N 96
static void
test_random_model(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct {
		vaddr_t va;
		int pg; /* -1: unmapped */
		vm_prot_t prot;
		bool wired;
	} m[MODEL_N];
	struct th_rng rng;
	struct tpages tp;
	struct pmap *pm;
	int64_t res, wir;
	unsigned i, j, step;
	uint8_t *h;
	paddr_t pa;

	pages_get(uvm, &tp, 8);
	th_rng_seed(&rng, 7);
	pm = pmap_create(uvm);
	for (i = 0; i < MODEL_N; i++) {
		/* Three clusters: low, middle, top of the space. */
		vaddr_t base = i < 32 ? 0
		    : i < 64          ? (uint64_t)1 << 47
				      : ~(uint64_t)0 - 64 * ps + 1;
		m[i].va = base + (i % 32) * 2 * ps;
		m[i].pg = -1;
	}
	for (step = 0; step < 1500; step++) {
		i = (unsigned)th_rng_below(&rng, MODEL_N);
		j = (unsigned)th_rng_below(&rng, 8);
		switch (th_rng_below(&rng, 7)) {
		case 0:
		case 1: {
			vm_prot_t p = (vm_prot_t)th_rng_below(&rng, 8);
			bool w = th_rng_below(&rng, 4) == 0;

			assert_int_equal(pmap_enter(pm, m[i].va, PA(&tp, j), p,
					     w ? PMAP_WIRED : 0),
			    0);
			m[i].pg = (int)j;
			m[i].prot = p;
			m[i].wired = w;
			break;
		}
		case 2: {
			unsigned k = i + (unsigned)th_rng_below(&rng, 6);

			if (k >= MODEL_N)
				k = MODEL_N - 1;

			pmap_remove(pm, m[i].va, m[k].va + ps);
			for (j = i; j <= k; j++)
				m[j].pg = -1;
			break;
		}
		case 3: {
			vm_prot_t p = (vm_prot_t)th_rng_below(&rng, 8);

			pmap_protect(pm, m[i].va, m[i].va + ps, p);
			if (m[i].pg >= 0) {
				if ((p & R) == 0)
					m[i].pg = -1;
				else
					m[i].prot &= p;
			}
			break;
		}
		case 4: {
			vm_prot_t p =
			    th_rng_below(&rng, 3) == 0 ? VM_PROT_NONE : R;

			pmap_page_protect(tp.tp_pg[j], p);
			for (i = 0; i < MODEL_N; i++)
				if (m[i].pg == (int)j) {
					if (p == VM_PROT_NONE)
						m[i].pg = -1;
					else
						m[i].prot &= R;
				}
			break;
		}
		case 5:
			if (th_rng_below(&rng, 2))
				(void)pmap_clear_modify(tp.tp_pg[j]);
			else
				(void)pmap_clear_reference(tp.tp_pg[j]);
			break;
		case 6:
			if (m[i].pg >= 0) {
				pmap_unwire(pm, m[i].va);
				m[i].wired = false;
			}
			break;
		}
		/* Accesses through the TLB agree with the model. */
		for (int k = 0; k < 4; k++) {
			vm_prot_t a = (vm_prot_t)(1u << th_rng_below(&rng, 3));
			vm_prot_t eff;
			int e;

			i = (unsigned)th_rng_below(&rng, MODEL_N);
			e = acc(pm, m[i].va, a, &h);
			if (m[i].pg < 0) {
				assert_int_equal(e, EFAULT);
				continue;
			}
			eff = m[i].prot;
			if (eff & (W | X))
				eff |= R;
			assert_int_equal(e, (a & ~eff) ? EACCES : 0);
			if (e == 0) {
				assert_ptr_equal(h,
				    uvm_page_hostaddr(uvm, tp.tp_pg[m[i].pg]));
				assert_true(
				    pmap_is_referenced(tp.tp_pg[m[i].pg]));
				if (a == W)
					assert_true(pmap_is_modified(
					    tp.tp_pg[m[i].pg]));
			}
		}
		if (step % 10 == 0 || step > 1450)
			check(uvm);
	}
	res = wir = 0;
	for (i = 0; i < MODEL_N; i++) {
		assert_int_equal(pmap_extract(pm, m[i].va, &pa), m[i].pg >= 0);
		if (m[i].pg >= 0) {
			assert_int_equal(pa, PA(&tp, m[i].pg));
			res++;
			wir += m[i].wired;
		}
	}
	assert_int_equal(pmap_resident_count(pm), res);
	assert_int_equal(pmap_wired_count(pm), wir);
	pmap_destroy(pm);
	check(uvm);
	pages_free(&tp);
}

/*
 * Per-page operations meet a pmap whose lock another thread holds: they
 * must wait (try-lock, reference, wait, retry) and then finish.
 */
struct pp_arg {
	struct vm_page *pa_pg;
	vm_prot_t pa_prot;
	int pa_done;
};

static void *
pp_thread(void *arg)
{
	struct pp_arg *pa = arg;

	pmap_page_protect(pa->pa_pg, pa->pa_prot);
	__atomic_store_n(&pa->pa_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void
test_page_protect_busy_pmap(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = UVM_PAGE_SIZE(uvm);
	struct pmap *pm[2];
	struct pp_arg pa;
	struct tpages tp;
	pthread_t t;
	paddr_t p;

	pages_get(uvm, &tp, 1);
	pm[0] = pmap_create(uvm);
	pm[1] = pmap_create(uvm);
	assert_int_equal(pmap_enter(pm[0], 5 * ps, PA(&tp, 0), RW, 0), 0);
	assert_int_equal(pmap_enter(pm[1], 9 * ps, PA(&tp, 0), RW, 0), 0);
	for (int round = 0; round < 2; round++) {
		pa.pa_pg = tp.tp_pg[0];
		pa.pa_prot = round == 0 ? R : VM_PROT_NONE;
		pa.pa_done = 0;
		/* Hold the second pmap's lock: the walk must wait for it. */
		mutex_enter(&pm[1]->pm_lock);
		assert_int_equal(pthread_create(&t, NULL, pp_thread, &pa), 0);
		usleep(20000);
		assert_int_equal(
		    __atomic_load_n(&pa.pa_done, __ATOMIC_ACQUIRE), 0);
		mutex_exit(&pm[1]->pm_lock);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_int_equal(pa.pa_done, 1);
		check(uvm);
	}
	assert_int_equal(pmap_page_nmappings(tp.tp_pg[0]), 0);
	assert_false(pmap_extract(pm[0], 5 * ps, &p));
	assert_false(pmap_extract(pm[1], 9 * ps, &p));
	pmap_destroy(pm[0]);
	pmap_destroy(pm[1]);
	pages_free(&tp);
}

/*
 * Threads changing two pmaps that share pages while a third runs the
 * per-page operations on those pages (no simulated accesses: the TLB is
 * single-threaded by contract).
 */
#define MT_NPG   8
#define MT_ITERS 3000

struct mt_arg {
	struct uvm *ma_uvm;
	struct pmap *ma_pm;
	struct tpages *ma_tp;
	uint64_t ma_seed;
};

static void *
mt_mapper(void *arg)
{
	struct mt_arg *ma = arg;
	uint64_t ps = UVM_PAGE_SIZE(ma->ma_uvm);
	struct th_rng rng;

	th_rng_seed(&rng, ma->ma_seed);
	for (int i = 0; i < MT_ITERS; i++) {
		vaddr_t va = th_rng_below(&rng, 64) * ps +
		    (th_rng_below(&rng, 2) ? (uint64_t)1 << 62 : 0);
		unsigned j = (unsigned)th_rng_below(&rng, MT_NPG);

		switch (th_rng_below(&rng, 4)) {
		case 0:
		case 1:
			if (pmap_enter(ma->ma_pm, va, PA(ma->ma_tp, j), RW,
				th_rng_below(&rng, 2) ? PMAP_WIRED : 0) != 0)
				fail_msg("pmap_enter failed");
			break;
		case 2:
			pmap_remove(ma->ma_pm, va, va + 4 * ps);
			break;
		default:
			pmap_protect(ma->ma_pm, va, va + 2 * ps, R);
			break;
		}
	}
	return NULL;
}

static void *
mt_pager(void *arg)
{
	struct mt_arg *ma = arg;
	struct th_rng rng;

	th_rng_seed(&rng, ma->ma_seed);
	for (int i = 0; i < MT_ITERS; i++) {
		struct vm_page *pg =
		    ma->ma_tp->tp_pg[th_rng_below(&rng, MT_NPG)];

		switch (th_rng_below(&rng, 5)) {
		case 0:
			pmap_page_protect(pg, VM_PROT_NONE);
			break;
		case 1:
			pmap_page_protect(pg, R);
			break;
		case 2:
			(void)pmap_clear_modify(pg);
			break;
		case 3:
			(void)pmap_clear_reference(pg);
			break;
		default:
			(void)pmap_page_nmappings(pg);
			break;
		}
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct mt_arg ma[3];
	struct tpages tp;
	pthread_t t[3];
	int i;

	pages_get(uvm, &tp, MT_NPG);
	for (i = 0; i < 3; i++) {
		ma[i].ma_uvm = uvm;
		ma[i].ma_pm = i < 2 ? pmap_create(uvm) : NULL;
		ma[i].ma_tp = &tp;
		ma[i].ma_seed = 100 + (uint64_t)i;
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL,
				     i < 2 ? mt_mapper : mt_pager, &ma[i]),
		    0);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	check(uvm);
	/* One pmap dies with its mappings, then the pages lose the rest. */
	pmap_destroy(ma[0].ma_pm);
	check(uvm);
	for (i = 0; i < MT_NPG; i++)
		pmap_page_protect(tp.tp_pg[i], VM_PROT_NONE);
	assert_int_equal(pmap_resident_count(ma[1].ma_pm), 0);
	assert_int_equal(pmap_wired_count(ma[1].ma_pm), 0);
	pmap_destroy(ma[1].ma_pm);
	check(uvm);
	pages_free(&tp);
}

static int
setup_16k(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_pagesize = 16384;
	return th_setup_cfg(state, &cfg);
}

static int
setup_64k(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_pagesize = 65536;
	cfg.uc_memsize = 32u << 20;
	return th_setup_cfg(state, &cfg);
}

#define T(fn)                                                            \
	cmocka_unit_test_setup_teardown(fn, th_setup, th_teardown),      \
	    cmocka_unit_test_setup_teardown(fn, setup_16k, th_teardown), \
	    cmocka_unit_test_setup_teardown(fn, setup_64k, th_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_far_enter_extract_remove),
	    T(test_sparse_many),
	    T(test_protect),
	    T(test_access_rules),
	    T(test_rm_bits),
	    T(test_wired),
	    T(test_replace),
	    T(test_tlb_invalidation),
	    T(test_multi_pmap),
	    T(test_kenter),
	    T(test_zero_copy),
	    T(test_canfail),
	    T(test_refs_activate),
	    T(test_random_model),
	    cmocka_unit_test_setup_teardown(
		test_page_protect_busy_pmap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_threads, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
