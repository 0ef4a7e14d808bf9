/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen.c: synthetic workloads.
 *
 * Every generator is a pure function of its parameters and seed, and
 * writes complete F11: it maps what it touches (mmap) before touching it,
 * so its traces drive the libuvm engine as well as the flat one.
 *
 *	uniform   uniformly random pages of one anonymous region
 *	zipf      page i (from 0) with probability proportional to
 *		  1/(i+1)^alpha
 *	hotspot   a hot fraction of the pages gets a fixed share of the
 *		  accesses, the rest uniformly over the other pages
 *	loop      the pages in order, over and over (defeats LRU and CLOCK
 *		  when the loop is larger than memory)
 *	scan      a small hot set (a quarter of the pages) with one-time
 *		  sequential scans over fresh pages in between: the workload
 *		  of scan-resistant policies
 *	shell     a shell process (as 1) forking commands: each child
 *		  touches a little of the shell's data and stack (copy on
 *		  write), execs (a fresh address space with its own text,
 *		  heap and stack), works a little and exits
 *	pressure  several processes, each with an anonymous region and a
 *		  shared read-only file mapping, taking turns; together they
 *		  need more memory than a typical test machine has
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

#define GEN_TEXT  0x400000ULL
#define GEN_DATA  0x10000000ULL
#define GEN_HEAP  0x20000000ULL
#define GEN_FILE  0x40000000ULL
#define GEN_SCAN  0x100000000ULL
#define GEN_STACK 0x7f0000000000ULL

struct gen {
	const struct gen_params *g_p;
	trace_sink_fn g_sink;
	void *g_arg;
	struct sim_rng g_rng;
	double *g_cdf; /* zipf */
	uint64_t g_ncdf;
	int g_error;
};

void
gen_defaults(struct gen_params *gp)
{
	memset(gp, 0, sizeof(*gp));
	gp->gp_pages = 1024;
	gp->gp_count = 100000;
	gp->gp_seed = 1;
	gp->gp_pagesize = 4096;
	gp->gp_write = 0.25;
	gp->gp_alpha = 1.0;
	gp->gp_hotfrac = 0.1;
	gp->gp_hotprob = 0.9;
	gp->gp_procs = 0;
}

void
gen_kinds_print(FILE *f)
{
	fputs("  uniform   uniformly random pages\n"
	      "  zipf      page i with probability ~ 1/(i+1)^alpha\n"
	      "  hotspot   --hot-fraction of the pages get --hot-prob of the "
	      "accesses\n"
	      "  loop      the pages in order, repeatedly\n"
	      "  scan      a hot set interrupted by one-time sequential "
	      "scans\n"
	      "  shell     fork, touch a little, exec, work, exit (--procs "
	      "commands)\n"
	      "  pressure  --procs processes with anonymous and shared file "
	      "memory\n",
	    f);
}

static void
gen_ev(struct gen *g, const struct trace_event *ev)
{
	if (g->g_error == 0 && g->g_sink(g->g_arg, ev) != 0)
		g->g_error = -1;
}

static void
gen_mmap(struct gen *g, uint32_t as, uint64_t addr, uint64_t npages,
    unsigned prot, unsigned flags, uint32_t file)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = TOP_MMAP;
	ev.ev_as = as;
	ev.ev_addr = addr;
	ev.ev_len = npages * g->g_p->gp_pagesize;
	ev.ev_prot = (uint8_t)prot;
	ev.ev_flags =
	    (uint16_t)(flags | TMAP_FIXED | (file == 0 ? TMAP_ANON : 0));
	ev.ev_file = file;
	gen_ev(g, &ev);
}

static void
gen_proc(struct gen *g, int op, uint32_t as, uint32_t as2)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)op;
	ev.ev_as = as;
	ev.ev_as2 = as2;
	gen_ev(g, &ev);
}

/* One access to page `page` of the region at base; write if w. */
static void
gen_touch(struct gen *g, uint32_t as, uint64_t base, uint64_t page, int op)
{
	struct trace_event ev;
	uint64_t ps = g->g_p->gp_pagesize;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)op;
	ev.ev_as = as;
	ev.ev_addr = base + page * ps + (sim_rng_below(&g->g_rng, ps) & ~7ULL);
	ev.ev_len = 8;
	gen_ev(g, &ev);
}

static int
gen_rw(struct gen *g)
{
	return sim_rng_unit(&g->g_rng) < g->g_p->gp_write ? TOP_WRITE
							  : TOP_READ;
}

static void
gen_zipf_init(struct gen *g, uint64_t n)
{
	double sum = 0;

	g->g_ncdf = n;
	g->g_cdf = sim_calloc(n, sizeof(double));
	for (uint64_t i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), g->g_p->gp_alpha);
		g->g_cdf[i] = sum;
	}
	for (uint64_t i = 0; i < n; i++)
		g->g_cdf[i] /= sum;
}

static uint64_t
gen_zipf(struct gen *g)
{
	double u = sim_rng_unit(&g->g_rng);
	uint64_t lo = 0, hi = g->g_ncdf - 1;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (g->g_cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
gen_simple(struct gen *g)
{
	const struct gen_params *p = g->g_p;
	uint64_t hot = (uint64_t)(p->gp_hotfrac * (double)p->gp_pages);
	const char *k = p->gp_kind;

	if (hot == 0)
		hot = 1;
	if (hot >= p->gp_pages)
		hot = p->gp_pages - (p->gp_pages > 1);
	gen_mmap(g, 1, GEN_DATA, p->gp_pages, TPROT_READ | TPROT_WRITE,
	    TMAP_PRIVATE, 0);
	if (strcmp(k, "zipf") == 0)
		gen_zipf_init(g, p->gp_pages);
	for (uint64_t i = 0; i < p->gp_count && g->g_error == 0; i++) {
		uint64_t page;

		if (strcmp(k, "uniform") == 0)
			page = sim_rng_below(&g->g_rng, p->gp_pages);
		else if (strcmp(k, "zipf") == 0)
			page = gen_zipf(g);
		else if (strcmp(k, "hotspot") == 0)
			page = sim_rng_unit(&g->g_rng) < p->gp_hotprob ||
				hot == p->gp_pages
			    ? sim_rng_below(&g->g_rng, hot)
			    : hot + sim_rng_below(&g->g_rng, p->gp_pages - hot);
		else
			page = i % p->gp_pages; /* loop */
		gen_touch(g, 1, GEN_DATA, page, gen_rw(g));
	}
}

static void
gen_scan(struct gen *g)
{
	const struct gen_params *p = g->g_p;
	uint64_t hot = p->gp_pages / 4 != 0 ? p->gp_pages / 4 : 1;
	uint64_t scanlen = p->gp_pages, scanned = 0, i = 0;

	gen_mmap(
	    g, 1, GEN_DATA, hot, TPROT_READ | TPROT_WRITE, TMAP_PRIVATE, 0);
	gen_mmap(g, 1, GEN_SCAN, p->gp_count, TPROT_READ, TMAP_PRIVATE, 0);
	while (i < p->gp_count && g->g_error == 0) {
		/* A hot phase of 2*hot accesses, then one scan. */
		for (uint64_t j = 0; j < 2 * hot && i < p->gp_count; j++, i++)
			gen_touch(g, 1, GEN_DATA, sim_rng_below(&g->g_rng, hot),
			    gen_rw(g));
		for (uint64_t j = 0; j < scanlen && i < p->gp_count; j++, i++)
			gen_touch(g, 1, GEN_SCAN, scanned++, TOP_READ);
	}
}

/*
 * The shell: as 1 has text (file 1), data and stack.  Command c runs in
 * address space 2 + c, executes one of three programs (files 2..4).
 */
static void
gen_shell(struct gen *g)
{
	const struct gen_params *p = g->g_p;
	uint64_t ncmd = p->gp_procs != 0 ? p->gp_procs : 50;
	uint64_t per =
	    p->gp_count / (ncmd * 2) != 0 ? p->gp_count / (ncmd * 2) : 1;
	uint64_t sh_text = 64, sh_data = 128, sh_stack = 16;
	uint64_t cmd_text = 32,
		 cmd_heap = p->gp_pages / 4 != 0 ? p->gp_pages / 4 : 1;
	uint64_t cmd_stack = 16;

	gen_mmap(
	    g, 1, GEN_TEXT, sh_text, TPROT_READ | TPROT_EXEC, TMAP_PRIVATE, 1);
	gen_mmap(
	    g, 1, GEN_DATA, sh_data, TPROT_READ | TPROT_WRITE, TMAP_PRIVATE, 0);
	gen_mmap(g, 1, GEN_STACK - sh_stack * p->gp_pagesize, sh_stack,
	    TPROT_READ | TPROT_WRITE, TMAP_PRIVATE, 0);
	for (uint64_t c = 0; c < ncmd && g->g_error == 0; c++) {
		uint32_t child = (uint32_t)(2 + c);

		/* The shell reads its input and edits its line. */
		for (uint64_t j = 0; j < per / 2 + 1; j++) {
			gen_touch(g, 1, GEN_TEXT,
			    sim_rng_below(&g->g_rng, sh_text), TOP_EXEC);
			gen_touch(g, 1, GEN_DATA,
			    sim_rng_below(&g->g_rng, sh_data), gen_rw(g));
		}
		gen_proc(g, TOP_FORK, 1, child);
		/* The child sets up redirections: a few COW writes. */
		for (uint64_t j = 0; j < 4; j++)
			gen_touch(g, child, GEN_DATA,
			    sim_rng_below(&g->g_rng, sh_data), TOP_WRITE);
		gen_touch(g, child, GEN_STACK - sh_stack * p->gp_pagesize,
		    sh_stack - 1, TOP_WRITE);
		gen_proc(g, TOP_EXEC_AS, child, 0);
		gen_mmap(g, child, GEN_TEXT, cmd_text, TPROT_READ | TPROT_EXEC,
		    TMAP_PRIVATE, (uint32_t)(2 + c % 3));
		gen_mmap(g, child, GEN_HEAP, cmd_heap, TPROT_READ | TPROT_WRITE,
		    TMAP_PRIVATE, 0);
		gen_mmap(g, child, GEN_STACK - cmd_stack * p->gp_pagesize,
		    cmd_stack, TPROT_READ | TPROT_WRITE, TMAP_PRIVATE, 0);
		for (uint64_t j = 0; j < per; j++) {
			gen_touch(g, child, GEN_TEXT,
			    sim_rng_below(&g->g_rng, cmd_text), TOP_EXEC);
			gen_touch(g, child, GEN_HEAP,
			    sim_rng_below(&g->g_rng, cmd_heap), gen_rw(g));
		}
		gen_proc(g, TOP_EXIT, child, 0);
	}
	gen_proc(g, TOP_EXIT, 1, 0);
}

/*
 * Pressure: as 1 maps the shared file and forks procs-1 children; each
 * process has its own anonymous region of pages/procs pages and takes
 * turns of 64 accesses: zipf-like over its region, with sequential reads
 * of the shared file every fourth turn.
 */
static void
gen_pressure(struct gen *g)
{
	const struct gen_params *p = g->g_p;
	uint64_t np = p->gp_procs != 0 ? p->gp_procs : 4;
	uint64_t region =
	    p->gp_pages / (np + 1) != 0 ? p->gp_pages / (np + 1) : 1;
	uint64_t file = region, fpos = 0, done = 0, turn = 0;

	gen_zipf_init(g, region);
	gen_mmap(g, 1, GEN_FILE, file, TPROT_READ, TMAP_SHARED, 1);
	for (uint64_t i = 1; i < np; i++)
		gen_proc(g, TOP_FORK, 1, (uint32_t)(1 + i));
	for (uint64_t i = 0; i < np; i++)
		gen_mmap(g, (uint32_t)(1 + i), GEN_HEAP, region,
		    TPROT_READ | TPROT_WRITE, TMAP_PRIVATE, 0);
	while (done < p->gp_count && g->g_error == 0) {
		uint32_t as = (uint32_t)(1 + turn % np);

		for (int j = 0; j < 64 && done < p->gp_count; j++, done++) {
			if (turn % 4 == 3)
				gen_touch(
				    g, as, GEN_FILE, fpos++ % file, TOP_READ);
			else
				gen_touch(
				    g, as, GEN_HEAP, gen_zipf(g), gen_rw(g));
		}
		turn++;
	}
	for (uint64_t i = np; i-- > 0;)
		gen_proc(g, TOP_EXIT, (uint32_t)(1 + i), 0);
}

int
gen_run(const struct gen_params *p, trace_sink_fn sink, void *arg, char *err,
    size_t errlen)
{
	static const char *const kinds[] = {
	    "uniform", "zipf", "hotspot", "loop", "scan", "shell", "pressure"};
	struct gen g;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(p->gp_kind, kinds[k]) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		snprintf(err, errlen, "unknown generator \"%s\"", p->gp_kind);
		return -1;
	}
	if (p->gp_pages == 0 || p->gp_pages > ((uint64_t)1 << 28) ||
	    p->gp_count == 0 || p->gp_pagesize == 0 ||
	    (p->gp_pagesize & (p->gp_pagesize - 1)) != 0 ||
	    p->gp_pagesize > ((uint64_t)1 << 20) || p->gp_procs > 1000000 ||
	    !(p->gp_write >= 0 && p->gp_write <= 1) ||
	    !(p->gp_alpha >= 0 && p->gp_alpha <= 10) ||
	    !(p->gp_hotfrac > 0 && p->gp_hotfrac < 1) ||
	    !(p->gp_hotprob >= 0 && p->gp_hotprob <= 1)) {
		snprintf(err, errlen,
		    "generator parameters out of range "
		    "(pages 1..2^28, count > 0, fractions "
		    "in [0,1], alpha in [0,10])");
		return -1;
	}
	memset(&g, 0, sizeof(g));
	g.g_p = p;
	g.g_sink = sink;
	g.g_arg = arg;
	sim_rng_seed(&g.g_rng, p->gp_seed);
	if (k <= 3)
		gen_simple(&g);
	else if (k == 4)
		gen_scan(&g);
	else if (k == 5)
		gen_shell(&g);
	else
		gen_pressure(&g);
	free(g.g_cdf);
	if (g.g_error != 0) {
		snprintf(err, errlen, "cannot write the generated trace");
		return -1;
	}
	return 0;
}
