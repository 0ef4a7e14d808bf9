/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_page.c: benchmarks of the physical page allocator.
 *
 *	page_alloc_free		ns per uvm_pagealloc() + uvm_pagefree() pair
 *				(no owner), against host malloc(4096) + free()
 *	pglist_contig_n<N>	ns per uvm_pglistalloc() of N contiguous pages
 *				+ uvm_pglistfree(), against host
 *				aligned_alloc(4096, N * 4096) + free()
 *	sizeof_vm_page		bytes per struct vm_page (information)
 */
#include <stdlib.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_page.h"

static struct uvm *
b_page_machine(uint64_t memsize)
{
	struct uvm_config cfg;
	struct uvm *uvm = NULL;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = 4096;
	cfg.uc_memsize = memsize;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 0;
	if (uvm_create(&cfg, &uvm) != 0) {
		fprintf(stderr, "b_page: uvm_create: %s\n", uvm_last_error());
		exit(1);
	}
	return uvm;
}

static void
b_page_alloc_free(struct bench_ctx *ctx)
{
	struct uvm *uvm = b_page_machine(64u << 20);
	long n = ctx->bc_quick ? 200000 : 2000000, i;
	double lib[16], host[16];
	int r, reps = ctx->bc_reps > 16 ? 16 : ctx->bc_reps;
	uint64_t t0, sink = 0;

	for (r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (i = 0; i < n; i++) {
			struct vm_page *pg =
			    uvm_pagealloc(uvm, NULL, 0, NULL, 0);

			sink += pg->phys_pfn;
			uvm_pagefree(pg);
		}
		lib[r] = (double)(bench_now_ns() - t0) / (double)n;

		t0 = bench_now_ns();
		for (i = 0; i < n; i++) {
			char *p = malloc(4096);

			if (p == NULL)
				abort();
			/* Keep the pair from being optimised away. */
			__asm__ volatile("" : : "r"(p) : "memory");
			sink += (uintptr_t)p & 1;
			free(p);
		}
		host[r] = (double)(bench_now_ns() - t0) / (double)n;
	}
	bench_sink(sink);
	bench_report("page_alloc_free", "ns/op", bench_median(lib, reps),
	    "host", bench_median(host, reps), true);
	bench_info("sizeof_vm_page", "bytes", (double)sizeof(struct vm_page));
	uvm_destroy(uvm);
}

static void
b_pglist_one(struct bench_ctx *ctx, struct uvm *uvm, uint64_t npages)
{
	char name[64];
	long n, i;
	double lib[16], host[16];
	int r, reps = ctx->bc_reps > 16 ? 16 : ctx->bc_reps;
	uint64_t t0, sink = 0;
	size_t bytes = (size_t)npages * 4096;

	n = (long)((ctx->bc_quick ? 2000000 : 20000000) / (npages + 20));
	if (n < 50)
		n = 50;
	for (r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (i = 0; i < n; i++) {
			struct pglist pl;

			if (uvm_pglistalloc(uvm, bytes, 0, UINT64_MAX, 0, 0,
				&pl, 1, 0) != 0)
				abort();
			sink += TAILQ_FIRST(&pl)->phys_pfn;
			uvm_pglistfree(uvm, &pl);
		}
		lib[r] = (double)(bench_now_ns() - t0) / (double)n;

		t0 = bench_now_ns();
		for (i = 0; i < n; i++) {
			char *p = aligned_alloc(4096, bytes);

			if (p == NULL)
				abort();
			__asm__ volatile("" : : "r"(p) : "memory");
			sink += (uintptr_t)p & 1;
			free(p);
		}
		host[r] = (double)(bench_now_ns() - t0) / (double)n;
	}
	bench_sink(sink);
	snprintf(name, sizeof(name), "pglist_contig_n%llu",
	    (unsigned long long)npages);
	bench_report(name, "ns/op", bench_median(lib, reps), "host",
	    bench_median(host, reps), true);
}

static void
b_pglist_contig(struct bench_ctx *ctx)
{
	/* 64 MiB: 16384 frames, so the 4096-page run has room. */
	struct uvm *uvm = b_page_machine(64u << 20);
	struct pglist frag;
	uint64_t sizes[] = {1, 16, 256, 4096};
	unsigned i;

	/*
	 * Fragment the low memory a little so that searches skip used runs:
	 * every 64th frame of the first 4096 is taken.
	 */
	TAILQ_INIT(&frag);
	for (i = 0; i < 64; i++) {
		struct pglist pl;
		uint64_t pa = (uint64_t)(16 + i * 64) * 4096;

		if (uvm_pglistalloc(
			uvm, 4096, pa, pa + 4096, 0, 0, &pl, 1, 0) == 0)
			TAILQ_CONCAT(&frag, &pl, pageq.queue);
	}
	for (i = 0; i < __arraycount(sizes); i++)
		b_pglist_one(ctx, uvm, sizes[i]);
	uvm_pglistfree(uvm, &frag);
	uvm_destroy(uvm);
}

BENCH_REGISTER(page_alloc_free, "uvm_pagealloc+uvm_pagefree vs malloc+free",
    b_page_alloc_free)
BENCH_REGISTER(pglist_contig,
    "uvm_pglistalloc contiguous runs vs aligned_alloc", b_pglist_contig)
