/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_map.c: map layer benchmarks, each beside the host kernel doing the
 * same work with real mmap/munmap/mprotect/mincore in the same run.
 *
 *	map_unmap_1page		map one anonymous page anywhere, unmap it
 *	map_n<N>		N non-mergeable one-page mappings, per map
 *	lookup_n<N>		a look-up at a random page among N mappings
 *				(libuvm: uvm_map_checkprot(); host: mincore())
 *	findspace_n<N>		map 2 pages anywhere + unmap, with N one-page
 *				mappings separated by one-page holes (every
 *				hole too small: the search must skip them)
 *	unmap_n<N>		unmap N mappings one by one, per unmap
 *	protect_split_merge	mprotect one page in the middle of 16 down
 *				and back up (split in three, merge back)
 *
 *	chase_n<N>		INFO, once per map_series: ns per dependent
 *				load of a random pointer chase over a
 *				buffer the size of N map entries (the
 *				floor of a random look-up among N entries,
 *				which must at least load its entry);
 *				chase_n<N>_thp the same over transparent
 *				huge pages, when the host grants them
 *
 * Mappings alternate between two protections so that neither side can
 * merge them.  The host's map count is limited by vm.max_map_count: the
 * host side of a size above that limit runs with as many mappings as it
 * allows, and an INFO line says how many (host_cap_<name>).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_map.h"

#define BM_PG 4096ull

static struct uvm *
bm_machine(void)
{
	struct uvm_config cfg;
	struct uvm *uvm = NULL;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = BM_PG;
	cfg.uc_memsize = 16u << 20;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 0;
	if (uvm_create(&cfg, &uvm) != 0) {
		fprintf(stderr, "b_map: uvm_create: %s\n", uvm_last_error());
		exit(1);
	}
	return uvm;
}

static struct vmspace *
bm_vmspace(struct uvm *uvm)
{
	struct vmspace *vm = uvmspace_alloc(uvm, 16 * BM_PG, 1ull << 46, true);

	if (vm == NULL)
		exit(1);
	return vm;
}

static uvm_flag_t
bm_flags(size_t i, uvm_flag_t extra)
{
	vm_prot_t prot =
	    (i & 1) != 0 ? VM_PROT_READ : VM_PROT_READ | VM_PROT_WRITE;

	return UVM_MAPFLAG(
	    prot, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, extra);
}

static int
bm_hprot(size_t i)
{
	return (i & 1) != 0 ? PROT_READ : PROT_READ | PROT_WRITE;
}

/* How many more mappings the host lets this process create. */
static size_t
bm_host_cap(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	unsigned long max = 65530;

	if (f != NULL) {
		if (fscanf(f, "%lu", &max) != 1)
			max = 65530;
		fclose(f);
	}
	return max > 2000 ? max - 2000 : max / 2;
}

static double
bm_ns_per(uint64_t t0, uint64_t t1, size_t n)
{
	return n != 0 ? (double)(t1 - t0) / (double)n : 0;
}

/*
 *   map_unmap_1page
 */

static void
bm_run_map_unmap_1page(struct bench_ctx *ctx)
{
	const size_t n = ctx->bc_quick ? 20000 : 200000;
	double lib[16], host[16];
	int reps = ctx->bc_reps > 16 ? 16 : ctx->bc_reps;

	for (int r = 0; r < reps; r++) {
		struct uvm *uvm = bm_machine();
		struct vmspace *vm = bm_vmspace(uvm);
		struct vm_map *map = uvmspace_map(vm);
		uint64_t t0, t1;

		t0 = bench_now_ns();
		for (size_t i = 0; i < n; i++) {
			vaddr_t va = 0;

			if (uvm_map(map, &va, BM_PG, NULL, UVM_UNKNOWN_OFFSET,
				0, bm_flags(0, 0)) != 0 ||
			    uvm_unmap(map, va, va + BM_PG) != 0)
				exit(1);
		}
		t1 = bench_now_ns();
		lib[r] = bm_ns_per(t0, t1, n);
		uvmspace_free(vm);
		uvm_destroy(uvm);

		t0 = bench_now_ns();
		for (size_t i = 0; i < n; i++) {
			void *p = mmap(NULL, BM_PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED || munmap(p, BM_PG) != 0)
				exit(1);
		}
		t1 = bench_now_ns();
		host[r] = bm_ns_per(t0, t1, n);
	}
	bench_report("map_unmap_1page", "ns/op", bench_median(lib, reps),
	    "host", bench_median(host, reps), true);
}
BENCH_REGISTER(
    map_unmap_1page, "map and unmap one anonymous page", bm_run_map_unmap_1page)

/*
 *   T H E   S I Z E   S E R I E S
 */

struct bm_series {
	double bs_map, bs_lookup, bs_findspace, bs_unmap;
};

/*
 * libuvm: n alternating one-page mappings; with holes, every other page
 * stays free.  Measures all four operations on one map.
 */
static void
bm_lib_series(size_t n, struct bm_series *bs)
{
	struct uvm *uvm = bm_machine();
	struct vmspace *vm = bm_vmspace(uvm);
	struct vm_map *map = uvmspace_map(vm);
	const vaddr_t base = 1ull << 32;
	const size_t nlook = 200000;
	uint64_t t0, t1, x = 88172645463325252ull, sum = 0;

	/* map: with holes, so that findspace must skip n small holes. */
	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		vaddr_t va = base + 2 * i * BM_PG;

		if (uvm_map(map, &va, BM_PG, NULL, UVM_UNKNOWN_OFFSET, 0,
			bm_flags(i, UVM_FLAG_FIXED)) != 0)
			exit(1);
	}
	t1 = bench_now_ns();
	bs->bs_map = bm_ns_per(t0, t1, n);

	/* lookup: random pages. */
	t0 = bench_now_ns();
	for (size_t i = 0; i < nlook; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		vaddr_t va = base + 2 * (x % n) * BM_PG;

		sum += uvm_map_checkprot(map, va, va + BM_PG, VM_PROT_READ);
	}
	t1 = bench_now_ns();
	bs->bs_lookup = bm_ns_per(t0, t1, nlook);
	bench_sink(sum);

	/*
	 * findspace: 2 pages, top-down from a hint among the mappings: every
	 * hole below the hint is one page, so the search skips all of them
	 * (through the tree) and lands below the first mapping.
	 */
	t0 = bench_now_ns();
	for (size_t i = 0; i < 10000; i++) {
		vaddr_t va = base + (2 * n - 3) * BM_PG;

		if (uvm_map(map, &va, 2 * BM_PG, NULL, UVM_UNKNOWN_OFFSET, 0,
			bm_flags(0, UVM_FLAG_NOMERGE)) != 0 ||
		    va + 2 * BM_PG > base ||
		    uvm_unmap(map, va, va + 2 * BM_PG) != 0)
			exit(1);
	}
	t1 = bench_now_ns();
	bs->bs_findspace = bm_ns_per(t0, t1, 10000);

	/* unmap: one by one, in address order. */
	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		vaddr_t va = base + 2 * i * BM_PG;

		if (uvm_unmap(map, va, va + BM_PG) != 0)
			exit(1);
	}
	t1 = bench_now_ns();
	bs->bs_unmap = bm_ns_per(t0, t1, n);
	uvmspace_free(vm);
	uvm_destroy(uvm);
}

/* The host: the same layout in a reserved window. */
static void
bm_host_series(size_t n, struct bm_series *bs)
{
	const size_t nlook = 200000;
	uint64_t t0, t1, x = 88172645463325252ull, sum = 0;
	unsigned char vec[1];
	uint8_t *win;
	size_t wlen = (2 * n + 64) * BM_PG;

	/* A window of address space, then released so mmap can use it. */
	win = mmap(NULL, wlen, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (win == MAP_FAILED)
		exit(1);
	munmap(win, wlen);

	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++) {
		void *p = mmap(win + 2 * i * BM_PG, BM_PG, bm_hprot(i),
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == MAP_FAILED) {
			fprintf(stderr, "b_map: host mmap %zu: %s\n", i,
			    strerror(errno));
			exit(1);
		}
	}
	t1 = bench_now_ns();
	bs->bs_map = bm_ns_per(t0, t1, n);

	t0 = bench_now_ns();
	for (size_t i = 0; i < nlook; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += (uint64_t)mincore(win + 2 * (x % n) * BM_PG, BM_PG, vec);
	}
	t1 = bench_now_ns();
	bs->bs_lookup = bm_ns_per(t0, t1, nlook);
	bench_sink(sum);

	/*
	 * findspace: 2 pages anywhere; the kernel's top-down search skips
	 * the one-page holes of the window (if no larger gap lies above it).
	 */
	t0 = bench_now_ns();
	for (size_t i = 0; i < 10000; i++) {
		void *p = mmap(NULL, 2 * BM_PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || munmap(p, 2 * BM_PG) != 0)
			exit(1);
	}
	t1 = bench_now_ns();
	bs->bs_findspace = bm_ns_per(t0, t1, 10000);

	t0 = bench_now_ns();
	for (size_t i = 0; i < n; i++)
		if (munmap(win + 2 * i * BM_PG, BM_PG) != 0)
			exit(1);
	t1 = bench_now_ns();
	bs->bs_unmap = bm_ns_per(t0, t1, n);
}

/*
 *   T H E   L A T E N C Y   F L O O R
 *
 * A random look-up among n entries follows a chain of dependent loads
 * (tree nodes, then the entry) scattered over n * sizeof(entry) bytes.
 * Its floor on this machine is the latency of one dependent load at a
 * random place in a buffer that large: a pointer chase through the slots
 * of the buffer in a random cyclic order (Sattolo's shuffle, so the
 * chase visits every slot before it repeats and the prefetchers cannot
 * guess the next address).  A slot is one entry: a look-up loads whole
 * entries, and the chase must not share cache lines between neighbours.
 */
#define BM_CHASE_SLOT  128u
#define BM_CHASE_WARM  100000u
#define BM_CHASE_LOADS 500000u

CTASSERT(sizeof(struct vm_map_entry) <= BM_CHASE_SLOT);

/*
 * ns per load of a random chase over nslots slots; thp: ask for
 * transparent huge pages, else refuse them (a host with THP "always"
 * would give them unasked).  Returns 0 (and nothing is reported) if the
 * host refuses the memory, or if thp was asked for and refused.
 */
static double
bm_chase_ns(size_t nslots, bool thp)
{
	const size_t len = nslots * BM_CHASE_SLOT;
	uint64_t x = 0x9e3779b97f4a7c15ull, t0, t1;
	uint32_t *perm;
	uint8_t *buf;
	void *p;
	double ns = 0;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 0;
#ifdef MADV_HUGEPAGE
	if (madvise(buf, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 &&
	    thp)
		goto out;
#else
	if (thp)
		goto out;
#endif
	perm = malloc(nslots * sizeof(*perm));
	if (perm == NULL)
		goto out;
	for (size_t i = 0; i < nslots; i++)
		perm[i] = (uint32_t)i;
	/* Sattolo: one cycle through every slot. */
	for (size_t i = nslots - 1; i > 0; i--) {
		size_t j;
		uint32_t t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (size_t)(x % i);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < nslots; i++) {
		void *next =
		    buf + (size_t)perm[(i + 1) % nslots] * BM_CHASE_SLOT;

		memcpy(
		    buf + (size_t)perm[i] * BM_CHASE_SLOT, &next, sizeof(next));
	}
	free(perm);

	/* Warm the TLB and caches as a map in use would be, then time. */
	p = buf;
	for (size_t i = 0; i < BM_CHASE_WARM; i++)
		p = *(void **)p;
	t0 = bench_now_ns();
	for (size_t i = 0; i < BM_CHASE_LOADS; i++)
		p = *(void **)p;
	t1 = bench_now_ns();
	bench_sink((uint64_t)(uintptr_t)p);
	ns = bm_ns_per(t0, t1, BM_CHASE_LOADS);
out:
	munmap(buf, len);
	return ns;
}

/* INFO lines: the load latency floor for 1k and 1M entries. */
static void
bm_chase_report(void)
{
	static const size_t sizes[] = {1000, 1000000};
	char name[64];
	double ns;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		snprintf(name, sizeof(name), "chase_n%zu", sizes[s]);
		if ((ns = bm_chase_ns(sizes[s], false)) > 0)
			bench_info(name, "ns/load", ns);
	}
	if ((ns = bm_chase_ns(1000000, true)) > 0)
		bench_info("chase_n1000000_thp", "ns/load", ns);
}

static void
bm_run_map_series(struct bench_ctx *ctx)
{
	static const size_t sizes[] = {1000, 10000, 100000, 1000000};
	const size_t nsizes = ctx->bc_quick ? 2 : 4;
	const size_t cap = bm_host_cap();
	int reps = ctx->bc_reps > 9 ? 9 : ctx->bc_reps;

	for (size_t s = 0; s < nsizes; s++) {
		size_t n = sizes[s], hn = n < cap ? n : cap;
		double lm[9], ll[9], lf[9], lu[9];
		double hm[9], hl[9], hf[9], hu[9];
		char name[64];

		if (n >= 1000000 && reps > 3)
			reps = 3;
		for (int r = 0; r < reps; r++) {
			struct bm_series lib, host;

			bm_lib_series(n, &lib);
			bm_host_series(hn, &host);
			lm[r] = lib.bs_map;
			ll[r] = lib.bs_lookup;
			lf[r] = lib.bs_findspace;
			lu[r] = lib.bs_unmap;
			hm[r] = host.bs_map;
			hl[r] = host.bs_lookup;
			hf[r] = host.bs_findspace;
			hu[r] = host.bs_unmap;
		}
		if (hn != n) {
			snprintf(name, sizeof(name), "host_cap_n%zu", n);
			bench_info(name, "mappings", (double)hn);
		}
		snprintf(name, sizeof(name), "map_n%zu", n);
		bench_report(name, "ns/op", bench_median(lm, reps), "host",
		    bench_median(hm, reps), true);
		snprintf(name, sizeof(name), "lookup_n%zu", n);
		bench_report(name, "ns/op", bench_median(ll, reps), "host",
		    bench_median(hl, reps), true);
		snprintf(name, sizeof(name), "findspace_n%zu", n);
		bench_report(name, "ns/op", bench_median(lf, reps), "host",
		    bench_median(hf, reps), true);
		snprintf(name, sizeof(name), "unmap_n%zu", n);
		bench_report(name, "ns/op", bench_median(lu, reps), "host",
		    bench_median(hu, reps), true);
	}
	bm_chase_report();
}
BENCH_REGISTER(map_series,
    "map/lookup/findspace/unmap with 1k..1M non-mergeable mappings",
    bm_run_map_series)

/*
 *   protect_split_merge
 */

static void
bm_run_protect_split_merge(struct bench_ctx *ctx)
{
	const size_t n = ctx->bc_quick ? 20000 : 200000;
	double lib[16], host[16];
	int reps = ctx->bc_reps > 16 ? 16 : ctx->bc_reps;

	for (int r = 0; r < reps; r++) {
		struct uvm *uvm = bm_machine();
		struct vmspace *vm = bm_vmspace(uvm);
		struct vm_map *map = uvmspace_map(vm);
		vaddr_t va = 0;
		uint8_t *p;
		uint64_t t0, t1;

		if (uvm_map(map, &va, 16 * BM_PG, NULL, UVM_UNKNOWN_OFFSET, 0,
			bm_flags(0, 0)) != 0)
			exit(1);
		t0 = bench_now_ns();
		for (size_t i = 0; i < n; i++) {
			if (uvm_map_protect(map, va + 8 * BM_PG, va + 9 * BM_PG,
				VM_PROT_READ, false) != 0 ||
			    uvm_map_protect(map, va + 8 * BM_PG, va + 9 * BM_PG,
				VM_PROT_READ | VM_PROT_WRITE, false) != 0)
				exit(1);
		}
		t1 = bench_now_ns();
		lib[r] = bm_ns_per(t0, t1, 2 * n);
		uvmspace_free(vm);
		uvm_destroy(uvm);

		p = mmap(NULL, 16 * BM_PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		t0 = bench_now_ns();
		for (size_t i = 0; i < n; i++) {
			if (mprotect(p + 8 * BM_PG, BM_PG, PROT_READ) != 0 ||
			    mprotect(p + 8 * BM_PG, BM_PG,
				PROT_READ | PROT_WRITE) != 0)
				exit(1);
		}
		t1 = bench_now_ns();
		host[r] = bm_ns_per(t0, t1, 2 * n);
		munmap(p, 16 * BM_PG);
	}
	bench_report("protect_split_merge", "ns/op", bench_median(lib, reps),
	    "host", bench_median(host, reps), true);
	bench_info("sizeof_vm_map_entry", "bytes",
	    (double)sizeof(struct vm_map_entry));
}
BENCH_REGISTER(protect_split_merge,
    "mprotect a page down and back up inside 16 pages",
    bm_run_protect_split_merge)
