/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_pmap.c: the soft pmap's hot paths against the host doing the nearest
 * thing.
 *
 *	pmap_enter_remove  pmap_enter + pmap_remove of one page in a pmap
 *			   that already holds 1M (quick: 64K) resident
 *			   mappings; peer: host mmap + munmap of one page.
 *	pmap_access_hit	   pmap_access() that hits the software TLB; peer: a
 *			   plain load from a host array (`load`).
 *	pmap_access_walk   pmap_access() that misses the TLB and walks the
 *			   tables (a page-stride sweep over 16x the TLB);
 *			   peer: the same page-stride loads from a host array.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_page.h"
#include "pmap/pmap.h"

static struct uvm *
bp_machine(uint64_t memsize)
{
	struct uvm_config cfg;
	struct uvm *uvm;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = 4096;
	cfg.uc_memsize = memsize;
	cfg.uc_pdaemon = "inline";
	cfg.uc_backend = "soft";
	if (uvm_create(&cfg, &uvm) != 0) {
		fprintf(stderr, "b_pmap: uvm_create: %s\n", uvm_last_error());
		exit(1);
	}
	return uvm;
}

static struct vm_page **
bp_pages(struct uvm *uvm, size_t n)
{
	struct vm_page **pgs;

	pgs = calloc(n, sizeof(*pgs));
	if (pgs == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		pgs[i] = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
		if (pgs[i] == NULL) {
			fprintf(stderr, "b_pmap: out of pages at %zu\n", i);
			exit(1);
		}
	}
	return pgs;
}

static void
bp_pages_free(struct vm_page **pgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uvm_pagefree(pgs[i]);
	free(pgs);
}

static void
bp_enter_remove(struct bench_ctx *ctx)
{
	size_t n = ctx->bc_quick ? 65536 : 1048576;
	size_t iters = ctx->bc_quick ? 100000 : 1000000;
	size_t hiters = ctx->bc_quick ? 20000 : 200000;
	double lib[32], host[32];
	int reps = MIN(ctx->bc_reps, 32);
	struct vm_page **pgs;
	struct uvm *uvm;
	struct pmap *pm;
	vaddr_t base, hole;
	paddr_t pa;
	uint64_t t0;
	size_t i;
	int r;

	uvm = bp_machine((uint64_t)(n + n / 8 + 8192) * 4096);
	pgs = bp_pages(uvm, n + 1);
	pm = pmap_create(uvm);
	base = 0x100000000000ull;
	hole = base + (uint64_t)(n / 2) * 4096;
	for (i = 0; i < n + 1; i++)
		if (base + i * 4096 != hole &&
		    pmap_enter(pm, base + i * 4096, uvm_page_phys(uvm, pgs[i]),
			VM_PROT_ALL, 0) != 0)
			abort();
	pa = uvm_page_phys(uvm, pgs[n / 2]);
	bench_info("pmap_enter_remove_resident", "mappings",
	    (double)pmap_resident_count(pm));

	for (r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (i = 0; i < iters; i++) {
			(void)pmap_enter(
			    pm, hole, pa, VM_PROT_READ | VM_PROT_WRITE, 0);
			pmap_remove(pm, hole, hole + 4096);
		}
		lib[r] = (double)(bench_now_ns() - t0) / (double)iters;

		t0 = bench_now_ns();
		for (i = 0; i < hiters; i++) {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				abort();
			munmap(p, 4096);
		}
		host[r] = (double)(bench_now_ns() - t0) / (double)hiters;
	}
	bench_report("pmap_enter_remove", "ns/op", bench_median(lib, reps),
	    "host", bench_median(host, reps), true);
	pmap_destroy(pm);
	bp_pages_free(pgs, n + 1);
	uvm_destroy(uvm);
}

BENCH_REGISTER(pmap_enter_remove,
    "pmap_enter+pmap_remove of one page among 1M resident mappings",
    bp_enter_remove)

/*
 * Access benchmarks: npages mapped at base, accessed in the order
 * idx = (i * stride) % npages; the host peer loads from an array of the
 * same size in the same order.
 */
static void
bp_access(struct bench_ctx *ctx, const char *name, size_t npages, size_t stride,
    size_t iters)
{
	double lib[32], host[32];
	int reps = MIN(ctx->bc_reps, 32);
	struct vm_page **pgs;
	struct uvm *uvm;
	struct pmap *pm;
	uint8_t *arr, *h;
	vaddr_t base;
	uint64_t t0, sum, misses0;
	size_t i, idx;
	int r;

	uvm = bp_machine((uint64_t)(npages + npages / 8 + 8192) * 4096);
	pgs = bp_pages(uvm, npages);
	pm = pmap_create(uvm);
	base = 0x7f0000000000ull;
	for (i = 0; i < npages; i++)
		if (pmap_enter(pm, base + i * 4096, uvm_page_phys(uvm, pgs[i]),
			VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ) != 0)
			abort();
	arr = malloc(npages * 4096);
	if (arr == NULL)
		abort();
	memset(arr, 1, npages * 4096);
	for (i = 0; i < npages; i++)
		memset(uvm_page_hostaddr(uvm, pgs[i]), 1, 4096);

	/* Warm up: fill the TLB (or not, for the walk) and the caches. */
	sum = 0;
	for (i = 0, idx = 0; i < npages * 2; i++) {
		if (pmap_access(pm, base + idx * 4096 + 64, VM_PROT_READ, &h) !=
		    0)
			abort();
		sum += *h;
		idx += stride;
		if (idx >= npages)
			idx -= npages;
	}
	misses0 = (uint64_t)uvm_cnt_get(uvm, tlb_misses);
	for (r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (i = 0, idx = 0; i < iters; i++) {
			if (__predict_false(
				pmap_access(pm, base + idx * 4096 + 64,
				    VM_PROT_READ, &h) != 0))
				abort();
			sum += *h;
			idx += stride;
			if (idx >= npages)
				idx -= npages;
		}
		lib[r] = (double)(bench_now_ns() - t0) / (double)iters;

		t0 = bench_now_ns();
		for (i = 0, idx = 0; i < iters; i++) {
			sum += *(volatile uint8_t *)(arr + idx * 4096 + 64);
			idx += stride;
			if (idx >= npages)
				idx -= npages;
		}
		host[r] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	bench_sink(sum);
	bench_report(name, "ns/access", bench_median(lib, reps), "load",
	    bench_median(host, reps), true);
	{
		char info[64];

		snprintf(info, sizeof(info), "%s_missrate", name);
		bench_info(info, "misses/access",
		    (double)((uint64_t)uvm_cnt_get(uvm, tlb_misses) - misses0) /
			((double)iters * reps));
	}
	free(arr);
	pmap_destroy(pm);
	bp_pages_free(pgs, npages);
	uvm_destroy(uvm);
}

static void
bp_access_hit(struct bench_ctx *ctx)
{
	/* 64 pages fit the TLB; stride 5 (coprime) visits them all. */
	bp_access(
	    ctx, "pmap_access_hit", 64, 5, ctx->bc_quick ? 2000000 : 20000000);
}

BENCH_REGISTER(
    pmap_access_hit, "pmap_access on a software TLB hit", bp_access_hit)

static void
bp_access_walk(struct bench_ctx *ctx)
{
	/*
   * 16 x PMAP_TLB_SIZE pages swept with stride PMAP_TLB_SIZE + 1:
   * every access lands in a slot last filled by another page.
   */
	bp_access(ctx, "pmap_access_walk", 16 * PMAP_TLB_SIZE,
	    PMAP_TLB_SIZE + 1, ctx->bc_quick ? 200000 : 2000000);
}

BENCH_REGISTER(pmap_access_walk,
    "pmap_access that misses the TLB and walks the page tables", bp_access_walk)
