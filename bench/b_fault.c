/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_fault.c: benchmarks of the fault handler, fork and copyout, each
 * beside the host kernel (or memset/memcpy) in the same run.
 *
 *	fault_zerofill		ns per first write to an untouched page of a
 *				private anonymous mapping; host: first-touch
 *				write fault on fresh mmap memory
 *	fault_zerofill_memset	the same libuvm figure against memset() of a
 *				cold 4 KiB page
 *	fault_read_zero		ns per first read of an untouched page
 *	fault_cow		ns per first write to a page after fork (in
 *				the child); host: the same in a forked child,
 *				measured there and sent back over a pipe
 *	fault_cow_memcpy	the same libuvm figure against memcpy() of a
 *				cold 4 KiB page
 *	fork_16m, fork_256m, fork_1g
 *				ms per fork + exit of a space with that much
 *				touched anonymous memory; host: fork, _exit,
 *				waitpid of a process with that much touched
 *	copyout_64k		MB/s of uvm_copyout() of 64 KiB into resident
 *				memory, against memcpy()
 *
 * Cold pages: the memset/memcpy peers walk buffers far larger than the
 * caches, pre-faulted, so they pay the cache misses but no page fault.
 * libuvm's frames are warmed once (a first round touches and frees them)
 * so that its figures do not include the host's own first-touch faults
 * on the frame memory.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_fault.h"
#include "uvm_map.h"

#define PGSZ    4096ul
#define VMIN    0x10000ull
#define VMAX    0x7f0000000000ull
#define MAXREPS 16

static struct uvm *
b_fault_machine(uint64_t memsize)
{
	struct uvm_config cfg;
	struct uvm *uvm = NULL;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = PGSZ;
	cfg.uc_memsize = memsize;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 0;
	if (uvm_create(&cfg, &uvm) != 0) {
		fprintf(stderr, "b_fault: uvm_create: %s\n", uvm_last_error());
		exit(1);
	}
	return uvm;
}

static vaddr_t
b_map_anon(struct vmspace *vm, size_t len)
{
	vaddr_t va = 0;

	if (uvm_map(uvmspace_map(vm), &va, len, NULL, UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)) != 0) {
		fprintf(stderr, "b_fault: uvm_map failed\n");
		exit(1);
	}
	return va;
}

static void
b_touch(struct vmspace *vm, vaddr_t va, size_t len)
{
	for (size_t off = 0; off < len; off += PGSZ)
		(void)uvm_suword32(vm, va + off, (uint32_t)off | 1u);
}

static int
b_reps(struct bench_ctx *ctx)
{
	return ctx->bc_reps > MAXREPS ? MAXREPS : ctx->bc_reps;
}

/*
 * The single-fault figures are a few tens of milliseconds per round and
 * swing with the host's noise: their medians take twice the rounds (plus
 * one), both sides alike.
 */
static int
b_reps_fault(struct bench_ctx *ctx)
{
	int n = ctx->bc_quick ? ctx->bc_reps : 2 * ctx->bc_reps + 1;

	return n > MAXREPS ? MAXREPS : n < 1 ? 1 : n;
}

/* A large pre-faulted host buffer (to walk cold). */
static uint8_t *
b_host_buf(size_t len)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		perror("b_fault: mmap");
		exit(1);
	}
	memset(p, 1, len);
	return p;
}

/* ---------------------------------------------------------------------- */

/* ns per libuvm zero-fill fault (write or read), one round of n pages. */
static double
b_lib_zero(struct uvm *uvm, size_t n, bool write)
{
	struct vmspace *vm = uvmspace_alloc(uvm, VMIN, VMAX, false);
	vaddr_t va = b_map_anon(vm, n * PGSZ);
	uint64_t t0, sink = 0;
	uint32_t v;

	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		if (write) {
			(void)uvm_suword32(vm, va + i * PGSZ, 1);
		} else {
			(void)uvm_fuword32(vm, va + i * PGSZ, &v);
			sink += v;
		}
	}
	t0 = bench_now_ns() - t0;
	bench_sink(sink);
	uvmspace_free(vm);
	return (double)t0 / (double)n;
}

static double
b_host_zero(size_t n, bool write)
{
	volatile uint8_t *p = mmap(NULL, n * PGSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0, sink = 0;

	if (p == MAP_FAILED)
		exit(1);
	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		if (write)
			p[i * PGSZ] = 1;
		else
			sink += p[i * PGSZ];
	}
	t0 = bench_now_ns() - t0;
	bench_sink(sink);
	munmap((void *)(uintptr_t)p, n * PGSZ);
	return (double)t0 / (double)n;
}

/* ns per memset of a cold page, walking a buffer bigger than the caches. */
static double
b_memset_cold(uint8_t *buf, size_t n)
{
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < n; i++)
		memset(buf + i * PGSZ, 0, PGSZ);
	t0 = bench_now_ns() - t0;
	bench_sink(buf[(n / 2) * PGSZ]);
	return (double)t0 / (double)n;
}

static double
b_memcpy_cold(uint8_t *dst, const uint8_t *src, size_t n)
{
	uint64_t t0 = bench_now_ns();

	for (size_t i = 0; i < n; i++)
		memcpy(dst + i * PGSZ, src + i * PGSZ, PGSZ);
	t0 = bench_now_ns() - t0;
	bench_sink(dst[(n / 2) * PGSZ]);
	return (double)t0 / (double)n;
}

static void
b_fault_zero(struct bench_ctx *ctx)
{
	size_t n = ctx->bc_quick ? 4096 : 32768; /* pages: 16 or 128 MiB */
	struct uvm *uvm = b_fault_machine((uint64_t)(n + 1024) * PGSZ);
	double lw[MAXREPS], hw[MAXREPS], lr[MAXREPS], hr[MAXREPS];
	double ms[MAXREPS];
	uint8_t *buf = b_host_buf(n * PGSZ);
	int r, reps = b_reps_fault(ctx);

	(void)b_lib_zero(uvm, n, true); /* warm the frames */
	for (r = 0; r < reps; r++) {
		lw[r] = b_lib_zero(uvm, n, true);
		hw[r] = b_host_zero(n, true);
		lr[r] = b_lib_zero(uvm, n, false);
		hr[r] = b_host_zero(n, false);
		ms[r] = b_memset_cold(buf, n);
	}
	double l = bench_median(lw, reps);
	bench_report("fault_zerofill", "ns/fault", l, "host",
	    bench_median(hw, reps), true);
	bench_report("fault_zerofill_memset", "ns/page", l, "memset",
	    bench_median(ms, reps), true);
	bench_report("fault_read_zero", "ns/fault", bench_median(lr, reps),
	    "host", bench_median(hr, reps), true);
	munmap(buf, n * PGSZ);
	uvm_destroy(uvm);
}

/* ---------------------------------------------------------------------- */

static double
b_lib_cow(struct uvm *uvm, size_t n)
{
	struct vmspace *p = uvmspace_alloc(uvm, VMIN, VMAX, false), *c;
	vaddr_t va = b_map_anon(p, n * PGSZ);
	uint64_t t0;

	b_touch(p, va, n * PGSZ);
	if (uvmspace_fork(p, &c) != 0)
		exit(1);
	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++)
		(void)uvm_suword32(c, va + i * PGSZ, 2);
	t0 = bench_now_ns() - t0;
	uvmspace_free(c);
	uvmspace_free(p);
	return (double)t0 / (double)n;
}

static double
b_host_cow(size_t n)
{
	volatile uint8_t *p = mmap(NULL, n * PGSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd[2];
	double ns = 0;
	pid_t pid;

	if (p == MAP_FAILED || pipe(fd) != 0)
		exit(1);
	for (size_t i = 0; i < n; i++)
		p[i * PGSZ] = 1;
	pid = fork();
	if (pid == 0) {
		uint64_t t0 = bench_now_ns();

		for (size_t i = 0; i < n; i++)
			p[i * PGSZ] = 2;
		ns = (double)(bench_now_ns() - t0) / (double)n;
		if (write(fd[1], &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
		_exit(0);
	}
	if (pid < 0 || read(fd[0], &ns, sizeof(ns)) != sizeof(ns))
		exit(1);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	munmap((void *)(uintptr_t)p, n * PGSZ);
	return ns;
}

/*
 * The host side of fault_cow runs in a worker process forked before the
 * libuvm machine exists, one measurement per request.  Forking from this
 * process instead would write-protect all of its memory, libuvm's frames
 * and structures included, and libuvm would then pay a host write fault
 * per page it touches: a cost of the measurement, not of libuvm.
 */
struct b_worker {
	pid_t bw_pid;
	int bw_req; /* write a byte: measure once */
	int bw_rsp; /* read a double: the result */
};

static void
b_worker_start(struct b_worker *w, size_t n)
{
	int req[2], rsp[2];
	char c;

	if (pipe(req) != 0 || pipe(rsp) != 0)
		exit(1);
	w->bw_pid = fork();
	if (w->bw_pid < 0)
		exit(1);
	if (w->bw_pid == 0) {
		close(req[1]);
		close(rsp[0]);
		while (read(req[0], &c, 1) == 1) {
			double ns = b_host_cow(n);

			if (write(rsp[1], &ns, sizeof(ns)) != sizeof(ns))
				_exit(1);
		}
		_exit(0);
	}
	close(req[0]);
	close(rsp[1]);
	w->bw_req = req[1];
	w->bw_rsp = rsp[0];
}

static double
b_worker_cow(struct b_worker *w)
{
	double ns;

	if (write(w->bw_req, "m", 1) != 1 ||
	    read(w->bw_rsp, &ns, sizeof(ns)) != sizeof(ns)) {
		fprintf(stderr, "b_fault: host worker failed\n");
		exit(1);
	}
	return ns;
}

static void
b_worker_stop(struct b_worker *w)
{
	close(w->bw_req);
	close(w->bw_rsp);
	waitpid(w->bw_pid, NULL, 0);
}

static void
b_fault_cow(struct bench_ctx *ctx)
{
	size_t n = ctx->bc_quick ? 4096 : 16384;
	struct b_worker w;
	struct uvm *uvm;
	double l[MAXREPS], h[MAXREPS], mc[MAXREPS];
	uint8_t *src, *dst;
	int r, reps = b_reps_fault(ctx);

	b_worker_start(&w, n);
	uvm = b_fault_machine((uint64_t)(2 * n + 1024) * PGSZ);
	src = b_host_buf(n * PGSZ);
	dst = b_host_buf(n * PGSZ);
	(void)b_lib_cow(uvm, n);
	for (r = 0; r < reps; r++) {
		l[r] = b_lib_cow(uvm, n);
		h[r] = b_worker_cow(&w);
		mc[r] = b_memcpy_cold(dst, src, n);
	}
	b_worker_stop(&w);
	double lm = bench_median(l, reps);
	bench_report(
	    "fault_cow", "ns/fault", lm, "host", bench_median(h, reps), true);
	bench_report("fault_cow_memcpy", "ns/page", lm, "memcpy",
	    bench_median(mc, reps), true);
	munmap(src, n * PGSZ);
	munmap(dst, n * PGSZ);
	uvm_destroy(uvm);
}

/* ---------------------------------------------------------------------- */

static void
b_fork_size(struct bench_ctx *ctx, const char *name, size_t bytes)
{
	size_t n = bytes / PGSZ;
	struct uvm *uvm = b_fault_machine((uint64_t)(n + 4096) * PGSZ);
	double l[MAXREPS], h[MAXREPS];
	int r, reps = b_reps(ctx);
	volatile uint8_t *hp;

	if (bytes >= (256u << 20) && reps > 5)
		reps = 5;
	for (r = 0; r < reps; r++) {
		struct vmspace *p = uvmspace_alloc(uvm, VMIN, VMAX, false), *c;
		vaddr_t va = b_map_anon(p, bytes);
		uint64_t t0;

		b_touch(p, va, bytes);
		t0 = bench_now_ns();
		if (uvmspace_fork(p, &c) != 0)
			exit(1);
		uvmspace_free(c);
		l[r] = (double)(bench_now_ns() - t0) / 1e6;
		uvmspace_free(p);
	}
	uvm_destroy(uvm);

	hp = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hp == MAP_FAILED)
		exit(1);
	for (size_t i = 0; i < n; i++)
		hp[i * PGSZ] = 1;
	for (r = 0; r < reps; r++) {
		uint64_t t0 = bench_now_ns();
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		h[r] = (double)(bench_now_ns() - t0) / 1e6;
		/* Touch again, as the libuvm parent is fresh each round. */
		for (size_t i = 0; i < n; i++)
			hp[i * PGSZ] = 1;
	}
	munmap((void *)(uintptr_t)hp, bytes);
	bench_report(name, "ms", bench_median(l, reps), "host",
	    bench_median(h, reps), true);
}

static void
b_fork(struct bench_ctx *ctx)
{
	b_fork_size(ctx, "fork_16m", 16u << 20);
	b_fork_size(ctx, "fork_256m", 256u << 20);
	if (!ctx->bc_quick)
		b_fork_size(ctx, "fork_1g", 1u << 30);
}

/* ---------------------------------------------------------------------- */

static void
b_copyout(struct bench_ctx *ctx)
{
	const size_t len = 64u << 10;
	long iters = ctx->bc_quick ? 2000 : 20000, i;
	struct uvm *uvm = b_fault_machine(64u << 20);
	struct vmspace *vm = uvmspace_alloc(uvm, VMIN, VMAX, false);
	vaddr_t va = b_map_anon(vm, len);
	uint8_t *src = b_host_buf(len), *dst = b_host_buf(len);
	double l[MAXREPS], h[MAXREPS];
	int r, reps = b_reps(ctx);
	uint64_t t0;

	b_touch(vm, va, len);
	for (r = 0; r < reps; r++) {
		t0 = bench_now_ns();
		for (i = 0; i < iters; i++) {
			src[0] = (uint8_t)i;
			(void)uvm_copyout(vm, src, va, len, NULL);
		}
		l[r] = (double)len * (double)iters / 1e6 /
		    ((double)(bench_now_ns() - t0) / 1e9);
		t0 = bench_now_ns();
		for (i = 0; i < iters; i++) {
			src[0] = (uint8_t)i;
			memcpy(dst, src, len);
			__asm__ volatile("" : : "r"(dst) : "memory");
		}
		h[r] = (double)len * (double)iters / 1e6 /
		    ((double)(bench_now_ns() - t0) / 1e9);
	}
	bench_report("copyout_64k", "MB/s", bench_median(l, reps), "memcpy",
	    bench_median(h, reps), false);
	munmap(src, len);
	munmap(dst, len);
	uvmspace_free(vm);
	uvm_destroy(uvm);
}

BENCH_REGISTER(
    fault_zero, "zero-fill faults (write, read) vs host", b_fault_zero)
BENCH_REGISTER(
    fault_cow, "copy-on-write faults after fork vs host", b_fault_cow)
BENCH_REGISTER(fork, "fork + exit of touched address spaces vs host", b_fork)
BENCH_REGISTER(copyout, "uvm_copyout of 64 KiB vs memcpy", b_copyout)
