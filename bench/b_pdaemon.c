/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_pdaemon.c: the page daemon under pressure, and the replacement
 * policies against Belady's OPT.
 *
 *	fault_under_pressure	faults per second of a process whose working
 *				set is twice the machine's memory (random
 *				accesses, a quarter of them writes, the inline
 *				daemon paging to a swap file), vs the host
 *				kernel's first-touch page faults per second
 *				(mmap, touch every page once)
 *	policy_loop_<policy>	faults of a looping scan over 10% more pages
 *				than memory, vs OPT's misses on the same
 *				reference string
 *	policy_zipf_<policy>	faults of a Zipf(1.0) reference string over
 *				four times memory's pages, vs OPT
 *
 * The policy runs replay the same reference string with uvm_access() on
 * an inline machine (CLOCK, CLOCK-Pro); faults are uvmexp.faults, first
 * touches included.  OPT evicts the resident page used farthest in the
 * future among k frames, k being the pages the machine can keep resident:
 * its pages minus the page daemon's free target (the daemon keeps that
 * many free), so OPT's count is a lower bound for every policy here.
 * ratio = opt / policy: 1.0 is optimal.  The counts are deterministic;
 * bench_info lines give each count, the page-ins and the frames.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_map.h"

struct bp_machine {
	struct uvm *m_uvm;
	struct vmspace *m_vm;
	vaddr_t m_va;
	char m_path[256];
};

static int
bp_create(struct bp_machine *m, const char *policy, uint64_t mempages,
    uint64_t vpages)
{
	struct uvm_config cfg;
	const char *tmp = getenv("TMPDIR");
	uint64_t ps;

	memset(m, 0, sizeof(*m));
	uvm_config_init(&cfg);
	cfg.uc_pagesize = 4096;
	cfg.uc_memsize = mempages * 4096;
	cfg.uc_policy = policy;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 0;
	if (uvm_create(&cfg, &m->m_uvm) != 0)
		return -1;
	ps = uvm_pagesize(m->m_uvm);
	snprintf(m->m_path, sizeof(m->m_path), "%s/uvmbench_pd.%d",
	    tmp != NULL ? tmp : "/tmp", (int)getpid());
	(void)unlink(m->m_path);
	if (uvm_swap_add(m->m_uvm, m->m_path, 0, (vpages + 64) * ps) != 0)
		return -1;
	m->m_vm = uvmspace_alloc(m->m_uvm, 0x10000, 0x7f0000000000ull, false);
	if (m->m_vm == NULL)
		return -1;
	m->m_va = 0;
	if (uvm_map(&m->m_vm->vm_map, &m->m_va, vpages * ps, NULL,
		UVM_UNKNOWN_OFFSET, 0,
		UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
		    UVM_INH_COPY, UVM_ADV_RANDOM, UVM_FLAG_COPYONW)) != 0)
		return -1;
	return 0;
}

static void
bp_destroy(struct bp_machine *m)
{
	if (m->m_vm != NULL)
		uvmspace_free(m->m_vm);
	if (m->m_uvm != NULL)
		uvm_destroy(m->m_uvm);
	(void)unlink(m->m_path);
}

static uint64_t
bp_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---------------------------------------------------------------------- */
/* fault_under_pressure */

static double
bp_pressure_once(uint64_t mempages, uint64_t nacc)
{
	struct bp_machine m;
	struct uvmexp a, b;
	uint64_t vpages = 2 * mempages, s = 7, i, t0, t;
	double rate = 0;

	if (bp_create(&m, "clock", mempages, vpages) != 0)
		goto out;
	/* First touch of everything (already under pressure). */
	for (i = 0; i < vpages; i++)
		if (uvm_access(m.m_vm, m.m_va + i * 4096, 8, VM_PROT_WRITE) !=
		    0)
			goto out;
	uvm_stats(m.m_uvm, &a);
	t0 = bench_now_ns();
	for (i = 0; i < nacc; i++) {
		uint64_t r = bp_rng(&s);
		vm_prot_t acc = (r & 3) == 0 ? VM_PROT_WRITE : VM_PROT_READ;

		if (uvm_access(m.m_vm, m.m_va + ((r >> 8) % vpages) * 4096, 8,
			acc) != 0)
			goto out;
	}
	t = bench_now_ns() - t0;
	uvm_stats(m.m_uvm, &b);
	rate = (double)(b.faults - a.faults) * 1e9 / (double)t;
out:
	bp_destroy(&m);
	return rate;
}

static double
bp_host_firsttouch(uint64_t npages)
{
	size_t len = (size_t)npages * 4096;
	volatile uint8_t *p;
	uint64_t t0, t, i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return 0;
	t0 = bench_now_ns();
	for (i = 0; i < npages; i++)
		p[i * 4096] = (uint8_t)i;
	t = bench_now_ns() - t0;
	munmap((void *)(uintptr_t)p, len);
	return (double)npages * 1e9 / (double)t;
}

static void
bench_fault_under_pressure(struct bench_ctx *ctx)
{
	uint64_t mempages = ctx->bc_quick ? 512 : 2048;
	uint64_t nacc = ctx->bc_quick ? 20000 : 100000;
	int reps = ctx->bc_reps, r;
	double *lib = calloc((size_t)reps, sizeof(double));
	double *host = calloc((size_t)reps, sizeof(double));

	if (lib == NULL || host == NULL)
		goto out;
	for (r = 0; r < reps; r++) {
		lib[r] = bp_pressure_once(mempages, nacc);
		host[r] = bp_host_firsttouch(4 * mempages);
	}
	bench_report("fault_under_pressure", "faults/s",
	    bench_median(lib, reps), "host", bench_median(host, reps), false);
out:
	free(lib);
	free(host);
}

/* ---------------------------------------------------------------------- */
/* Policies vs OPT */

/* A max-heap of (next use, page) with lazy deletion, for OPT. */
struct bp_heapent {
	uint64_t h_next, h_page;
};

static void
bp_heap_push(struct bp_heapent *h, size_t *n, struct bp_heapent e)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2].h_next < e.h_next) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct bp_heapent
bp_heap_pop(struct bp_heapent *h, size_t *n)
{
	struct bp_heapent top = h[0], e = h[--(*n)];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].h_next > h[c].h_next)
			c++;
		if (h[c].h_next <= e.h_next)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = e;
	return top;
}

/*
 * bp_opt: Belady's misses of refs[0..n) (pages < npages) with k frames.
 * A page's heap entry is current when its next use equals nextuse[page].
 */
static uint64_t
bp_opt(const uint64_t *refs, uint64_t n, uint64_t npages, uint64_t k)
{
	uint64_t *next = malloc(n * sizeof(*next));
	uint64_t *last = malloc(npages * sizeof(*last));
	uint64_t *cur = calloc(npages, sizeof(*cur));
	bool *res = calloc(npages, sizeof(*res));
	struct bp_heapent *heap = malloc((n + 1) * sizeof(*heap));
	uint64_t i, misses = 0, nres = 0;
	size_t hn = 0;

	if (next == NULL || last == NULL || cur == NULL || res == NULL ||
	    heap == NULL)
		goto out;
	for (i = 0; i < npages; i++)
		last[i] = UINT64_MAX;
	for (i = n; i-- > 0;) {
		next[i] = last[refs[i]];
		last[refs[i]] = i;
	}
	for (i = 0; i < n; i++) {
		uint64_t p = refs[i];

		if (!res[p]) {
			misses++;
			if (nres == k) {
				for (;;) {
					struct bp_heapent e =
					    bp_heap_pop(heap, &hn);

					if (res[e.h_page] &&
					    cur[e.h_page] == e.h_next) {
						res[e.h_page] = false;
						break;
					}
				}
			} else {
				nres++;
			}
			res[p] = true;
		}
		cur[p] = next[i];
		bp_heap_push(heap, &hn,
		    (struct bp_heapent){.h_next = next[i], .h_page = p});
	}
out:
	free(next);
	free(last);
	free(cur);
	free(res);
	free(heap);
	return misses;
}

/* Replay refs on a machine with the policy; faults and page-ins. */
static int
bp_replay(const char *policy, uint64_t mempages, const uint64_t *refs,
    uint64_t n, uint64_t npages, uint64_t *faultsp, uint64_t *pageinsp,
    uint64_t *framesp)
{
	struct bp_machine m;
	struct uvmexp a, b;
	uint64_t i;
	int error = -1;

	if (bp_create(&m, policy, mempages, npages) != 0)
		goto out;
	uvm_stats(m.m_uvm, &a);
	for (i = 0; i < n; i++) {
		/* Every 4th reference to a page writes it. */
		vm_prot_t acc =
		    (refs[i] + i) % 4 == 0 ? VM_PROT_WRITE : VM_PROT_READ;

		if (uvm_access(m.m_vm, m.m_va + refs[i] * 4096, 8, acc) != 0)
			goto out;
	}
	uvm_stats(m.m_uvm, &b);
	*faultsp = (uint64_t)(b.faults - a.faults);
	*pageinsp = (uint64_t)(b.pgswapin - a.pgswapin);
	*framesp = (uint64_t)(b.npages - b.freetarg);
	error = 0;
out:
	bp_destroy(&m);
	return error;
}

static void
bp_compare(const char *workload, const uint64_t *refs, uint64_t n,
    uint64_t npages, uint64_t mempages)
{
	static const char *const policies[] = {"clock", "clockpro"};
	uint64_t faults, pageins, frames = 0, opt = 0;
	char name[96];
	size_t i;

	for (i = 0; i < 2; i++) {
		if (bp_replay(policies[i], mempages, refs, n, npages, &faults,
			&pageins, &frames) != 0) {
			fprintf(stderr, "policy_%s_%s: replay failed\n",
			    workload, policies[i]);
			continue;
		}
		if (opt == 0) {
			opt = bp_opt(refs, n, npages, frames);
			snprintf(name, sizeof(name), "policy_%s_opt", workload);
			bench_info(name, "faults", (double)opt);
			snprintf(
			    name, sizeof(name), "policy_%s_frames", workload);
			bench_info(name, "pages", (double)frames);
		}
		snprintf(name, sizeof(name), "policy_%s_%s_pageins", workload,
		    policies[i]);
		bench_info(name, "pages", (double)pageins);
		snprintf(name, sizeof(name), "policy_%s_%s_faults", workload,
		    policies[i]);
		bench_info(name, "faults", (double)faults);
		snprintf(
		    name, sizeof(name), "policy_%s_%s", workload, policies[i]);
		bench_report(
		    name, "faults", (double)faults, "opt", (double)opt, true);
	}
}

static void
bench_policies(struct bench_ctx *ctx)
{
	uint64_t mempages = ctx->bc_quick ? 256 : 1024;
	uint64_t loop = mempages + mempages / 10, nloop = 10 * loop;
	uint64_t zpages = 4 * mempages, nzipf = ctx->bc_quick ? 20000 : 100000;
	uint64_t *refs, *perm, i, s = 11;
	double *cdf, sum = 0;

	refs = malloc(MAX(nloop, nzipf) * sizeof(*refs));
	perm = malloc(zpages * sizeof(*perm));
	cdf = malloc(zpages * sizeof(*cdf));
	if (refs == NULL || perm == NULL || cdf == NULL)
		goto out;

	/* A loop slightly larger than memory. */
	for (i = 0; i < nloop; i++)
		refs[i] = i % loop;
	bp_compare("loop", refs, nloop, loop, mempages);

	/* Zipf(1.0) over four times memory, ranks scattered over pages. */
	for (i = 0; i < zpages; i++) {
		sum += 1.0 / (double)(i + 1);
		cdf[i] = sum;
		perm[i] = i;
	}
	for (i = zpages; i-- > 1;) {
		uint64_t j = bp_rng(&s) % (i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < nzipf; i++) {
		double u =
		    (double)(bp_rng(&s) >> 11) / 9007199254740992.0 * sum;
		uint64_t lo = 0, hi = zpages - 1;

		while (lo < hi) {
			uint64_t mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		refs[i] = perm[lo];
	}
	bp_compare("zipf", refs, nzipf, zpages, mempages);
out:
	free(refs);
	free(perm);
	free(cdf);
}

BENCH_REGISTER(pdaemon_fault_under_pressure,
    "faults/s with a working set twice memory vs host first-touch faults",
    bench_fault_under_pressure)
BENCH_REGISTER(pdaemon_policy,
    "CLOCK and CLOCK-Pro fault counts vs OPT (loop, zipf)", bench_policies)
