/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_syscalls.c: the system-call layer beside the host kernel doing the
 * same calls in the same run.
 *
 *	sys_mmap_munmap	  mmap one anonymous private page anywhere, munmap it
 *	sys_mprotect	  mprotect the middle page of 16 down and back up
 *	sys_mincore_1g	  mincore over an untouched 1 GiB mapping
 *	sys_mlock_64m	  mlock then munlock a 64 MiB mapping (wiring and
 *			  zero-filling every page)
 *
 * libuvm runs the NetBSD personality (the default); the figures are
 * nanoseconds per call (or per mlock+munlock pair), medians of
 * ctx->bc_reps runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"

#define BS_PG 4096ull
#define BS_REPS(ctx) \
	((ctx)->bc_reps < 16 ? ((ctx)->bc_reps > 0 ? (ctx)->bc_reps : 1) : 16)

static struct uvm *
bs_machine(uint64_t mem)
{
	struct uvm_config cfg;
	struct uvm *uvm = NULL;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = BS_PG;
	cfg.uc_memsize = mem;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 0;
	if (uvm_create(&cfg, &uvm) != 0) {
		fprintf(
		    stderr, "b_syscalls: uvm_create: %s\n", uvm_last_error());
		exit(1);
	}
	return uvm;
}

static struct uvm_proc *
bs_proc(struct uvm *uvm)
{
	struct uvm_proc *p = NULL;
	struct uvm_rlimit rl = {UVM_RLIM_INFINITY, UVM_RLIM_INFINITY};
	struct uvm_proc_config pc;

	uvm_proc_config_init(uvm, &pc);
	pc.pc_privileged = true;
	if (uvm_proc_create(uvm, &pc, &p) != 0 ||
	    uvm_proc_setrlimit(p, UVM_RLIMIT_MEMLOCK, &rl) != 0) {
		fprintf(stderr, "b_syscalls: uvm_proc_create failed\n");
		exit(1);
	}
	return p;
}

static void
bs_run_mmap_munmap(struct bench_ctx *ctx)
{
	struct uvm *uvm = bs_machine(16u << 20);
	struct uvm_proc *p = bs_proc(uvm);
	int n = ctx->bc_quick ? 2000 : 50000, r, i;
	double lu[16], ho[16];
	uint64_t t;
	vaddr_t va;

	for (r = 0; r < BS_REPS(ctx); r++) {
		t = bench_now_ns();
		for (i = 0; i < n; i++) {
			(void)uvm_sys_mmap(p, 0, BS_PG,
			    UVM_PROT_READ | UVM_PROT_WRITE,
			    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va);
			(void)uvm_sys_munmap(p, va, BS_PG);
		}
		lu[r] = (double)(bench_now_ns() - t) / n;
		t = bench_now_ns();
		for (i = 0; i < n; i++) {
			void *h = mmap(NULL, BS_PG, PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);

			(void)munmap(h, BS_PG);
		}
		ho[r] = (double)(bench_now_ns() - t) / n;
	}
	bench_report("sys_mmap_munmap", "ns/op", bench_median(lu, BS_REPS(ctx)),
	    "host", bench_median(ho, BS_REPS(ctx)), true);
	uvm_proc_exit(p);
	uvm_destroy(uvm);
}

static void
bs_run_mprotect(struct bench_ctx *ctx)
{
	struct uvm *uvm = bs_machine(16u << 20);
	struct uvm_proc *p = bs_proc(uvm);
	int n = ctx->bc_quick ? 2000 : 50000, r, i;
	double lu[16], ho[16];
	uint64_t t;
	vaddr_t va;
	uint8_t *h;

	(void)uvm_sys_mmap(p, 0, 16 * BS_PG, UVM_PROT_READ | UVM_PROT_WRITE,
	    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va);
	h = mmap(NULL, 16 * BS_PG, PROT_READ | PROT_WRITE,
	    MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	for (r = 0; r < BS_REPS(ctx); r++) {
		t = bench_now_ns();
		for (i = 0; i < n; i++)
			(void)uvm_sys_mprotect(p, va + 8 * BS_PG, BS_PG,
			    (i & 1) != 0 ? UVM_PROT_READ | UVM_PROT_WRITE
					 : UVM_PROT_READ);
		lu[r] = (double)(bench_now_ns() - t) / n;
		t = bench_now_ns();
		for (i = 0; i < n; i++)
			(void)mprotect(h + 8 * BS_PG, BS_PG,
			    (i & 1) != 0 ? PROT_READ | PROT_WRITE : PROT_READ);
		ho[r] = (double)(bench_now_ns() - t) / n;
	}
	bench_report("sys_mprotect", "ns/op", bench_median(lu, BS_REPS(ctx)),
	    "host", bench_median(ho, BS_REPS(ctx)), true);
	(void)munmap(h, 16 * BS_PG);
	uvm_proc_exit(p);
	uvm_destroy(uvm);
}

static void
bs_run_mincore_1g(struct bench_ctx *ctx)
{
	const uint64_t len = 1ull << 30, npg = len / BS_PG;
	struct uvm *uvm = bs_machine(16u << 20);
	struct uvm_proc *p = bs_proc(uvm);
	int n = ctx->bc_quick ? 3 : 20, r, i;
	double lu[16], ho[16];
	uint64_t t;
	vaddr_t va, vec;
	uint8_t *h, *hv;

	(void)uvm_sys_mmap(p, 0, len, UVM_PROT_READ | UVM_PROT_WRITE,
	    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va);
	(void)uvm_sys_mmap(p, 0, npg, UVM_PROT_READ | UVM_PROT_WRITE,
	    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &vec);
	h = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_ANONYMOUS | MAP_PRIVATE | MAP_NORESERVE, -1, 0);
	hv = malloc(npg);
	for (r = 0; r < BS_REPS(ctx); r++) {
		t = bench_now_ns();
		for (i = 0; i < n; i++)
			(void)uvm_sys_mincore(p, va, len, vec);
		lu[r] = (double)(bench_now_ns() - t) / n;
		t = bench_now_ns();
		for (i = 0; i < n; i++)
			(void)mincore(h, len, hv);
		ho[r] = (double)(bench_now_ns() - t) / n;
	}
	bench_report("sys_mincore_1g", "ns/op", bench_median(lu, BS_REPS(ctx)),
	    "host", bench_median(ho, BS_REPS(ctx)), true);
	free(hv);
	(void)munmap(h, len);
	uvm_proc_exit(p);
	uvm_destroy(uvm);
}

static void
bs_run_mlock_64m(struct bench_ctx *ctx)
{
	const uint64_t len = 64ull << 20;
	struct uvm *uvm = bs_machine(256u << 20);
	struct uvm_proc *p = bs_proc(uvm);
	int n = ctx->bc_quick ? 1 : 5, r, i, herr = 0;
	double lu[16], ho[16];
	uint64_t t;
	vaddr_t va;
	uint8_t *h;

	(void)uvm_sys_mmap(p, 0, len, UVM_PROT_READ | UVM_PROT_WRITE,
	    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va);
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
	    -1, 0);
	for (r = 0; r < BS_REPS(ctx); r++) {
		t = bench_now_ns();
		for (i = 0; i < n; i++) {
			/* A fresh, untouched range each time. */
			(void)uvm_sys_mmap(p, va, len,
			    UVM_PROT_READ | UVM_PROT_WRITE,
			    UVM_MAP_ANON | UVM_MAP_PRIVATE | UVM_MAP_FIXED, -1,
			    0, &va);
			(void)uvm_sys_mlock(p, va, len);
			(void)uvm_sys_munlock(p, va, len);
		}
		lu[r] = (double)(bench_now_ns() - t) / n;
		t = bench_now_ns();
		for (i = 0; i < n; i++) {
			(void)mmap(h, len, PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE | MAP_FIXED, -1, 0);
			if (mlock(h, len) != 0)
				herr = errno;
			(void)munlock(h, len);
		}
		ho[r] = (double)(bench_now_ns() - t) / n;
	}
	if (herr != 0)
		fprintf(stderr,
		    "sys_mlock_64m: host mlock failed (errno %d): "
		    "the host figure is for mmap alone\n",
		    herr);
	bench_report("sys_mlock_64m", "ns/op", bench_median(lu, BS_REPS(ctx)),
	    "host", bench_median(ho, BS_REPS(ctx)), true);
	(void)munmap(h, len);
	uvm_proc_exit(p);
	uvm_destroy(uvm);
}

BENCH_REGISTER(
    sys_mmap_munmap, "mmap+munmap of one anonymous page", bs_run_mmap_munmap)
BENCH_REGISTER(sys_mprotect, "mprotect one page down and up", bs_run_mprotect)
BENCH_REGISTER(
    sys_mincore_1g, "mincore over 1 GiB untouched", bs_run_mincore_1g)
BENCH_REGISTER(sys_mlock_64m, "mlock+munlock of 64 MiB", bs_run_mlock_64m)
