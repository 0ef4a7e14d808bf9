/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * demo.c: what `uvmsim` (and so `make run`) does without arguments.
 *
 * 1. Bring up the default libuvm machine (or the one the machine options
 *    describe) and print its configuration and counters.
 * 2. Two workloads, each at three memory sizes, on the uvm engine (a
 *    whole libuvm machine per run: processes, fork, copy-on-write, the
 *    page daemon, swap) under CLOCK and CLOCK-Pro, with Belady's OPT from
 *    the flat reference-string engine alongside as the lower bound:
 *	shell	a shell forking commands that write a little of its memory
 *		(copy on write), exec, work and exit;
 *	loop	a loop over 10% more pages than the middle memory size, a
 *		hundred times: the pattern that defeats CLOCK and that
 *		CLOCK-Pro was designed for.
 *    Then a table per workload and a summary whose sentences are computed
 *    from the results.
 *
 * Sizes follow the machine's memory, between DEMO_MINPAGES and
 * DEMO_MAXPAGES pages so that the run stays well under 30 seconds; the
 * workloads use fixed seeds and every machine runs its page daemon inline,
 * so the output is the same on every run and for any -j.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "gen.h"
#include "out.h"
#include "refstr.h"
#include "sweep.h"
#include "util.h"

#define DEMO_MINPAGES 128  /* the smallest size is a quarter of this */
#define DEMO_MAXPAGES 2048 /* memory pages simulated at most */
#define DEMO_NPOL     3
#define DEMO_NSIZE    3
#define DEMO_LOOPS    100 /* passes of the loop workload */

/* Columns: the two policies of the machine, then the baseline. */
static const struct {
	const struct engine_ops *dp_engine;
	const char *dp_policy;
} demo_pol[DEMO_NPOL] = {
    {&engine_uvm, "clock"},
    {&engine_uvm, "clockpro"},
    {&engine_flat, "opt"},
};

struct demo_load {
	struct sim_job dl_jobs[DEMO_NPOL * DEMO_NSIZE];
	struct sim_result dl_res[DEMO_NPOL * DEMO_NSIZE];
	struct refstr dl_rs;
	struct trace_buf dl_tb;
	const char *dl_name;
	char dl_desc[200];
};

static int
demo_sink(void *arg, const struct trace_event *ev)
{
	struct demo_load *dl = arg;

	if (trace_buf_sink(&dl->dl_tb, ev) != 0)
		return -1;
	return refstr_sink(&dl->dl_rs, ev);
}

static int
demo_build(struct demo_load *dl, const struct sim_machine *sm,
    const struct gen_params *gp, const uint64_t *frames)
{
	char err[160];
	size_t k = 0;

	refstr_init(&dl->dl_rs, gp->gp_pagesize, 0);
	if (gen_run(gp, demo_sink, dl, err, sizeof(err)) != 0) {
		fprintf(stderr, "uvmsim: demo: %s\n", err);
		return -1;
	}
	refstr_build_next(&dl->dl_rs);
	for (size_t p = 0; p < DEMO_NPOL; p++) {
		for (size_t s = 0; s < DEMO_NSIZE; s++, k++) {
			struct sim_job *j = &dl->dl_jobs[k];

			j->sj_engine = demo_pol[p].dp_engine;
			j->sj_policy = demo_pol[p].dp_policy;
			j->sj_frames = frames[s];
			j->sj_pagesize = gp->gp_pagesize;
			j->sj_seed = 1;
			j->sj_refs = &dl->dl_rs;
			j->sj_events = &dl->dl_tb;
			j->sj_cfg = &sm->sm_cfg;
		}
	}
	return 0;
}

static const struct sim_result *
demo_res(const struct demo_load *dl, size_t p, size_t s)
{
	return &dl->dl_res[p * DEMO_NSIZE + s];
}

static double
demo_miss(const struct sim_result *r)
{
	return r->sr_refs != 0
	    ? 100.0 * (double)r->sr_faults / (double)r->sr_refs
	    : 0;
}

static void
demo_table(const struct demo_load *dl, const uint64_t *frames)
{
	printf("\n%s: %s\n", dl->dl_name, dl->dl_desc);
	printf("  %-12s", "memory");
	for (size_t p = 0; p < DEMO_NPOL; p++)
		printf(" %20s", demo_res(dl, p, 0)->sr_engine);
	printf("  %10s\n", "swapped out");
	for (size_t s = 0; s < DEMO_NSIZE; s++) {
		char b[24];

		snprintf(b, sizeof(b), "%" PRIu64 " pages", frames[s]);
		printf("  %-12s", b);
		for (size_t p = 0; p < DEMO_NPOL; p++) {
			const struct sim_result *r = demo_res(dl, p, s);

			printf(" %10" PRIu64 " %7.2f%%", r->sr_faults,
			    demo_miss(r));
		}
		/* The machine's page-outs under CLOCK and CLOCK-Pro. */
		printf("  %5" PRIu64 "/%" PRIu64 "\n",
		    demo_res(dl, 0, s)->sr_writebacks,
		    demo_res(dl, 1, s)->sr_writebacks);
	}
}

/* Which of CLOCK and CLOCK-Pro did better, in words. */
static void
demo_compare(const struct sim_result *c, const struct sim_result *p)
{
	if (c->sr_faults == p->sr_faults)
		printf("CLOCK and CLOCK-Pro fault alike");
	else if (p->sr_faults < c->sr_faults)
		printf("CLOCK-Pro saves %.1f%% of CLOCK's faults",
		    100.0 * (double)(c->sr_faults - p->sr_faults) /
			(double)c->sr_faults);
	else
		printf("CLOCK-Pro takes %.1f%% more faults than CLOCK",
		    100.0 * (double)(p->sr_faults - c->sr_faults) /
			(double)c->sr_faults);
}

static void
demo_summary(const struct demo_load *shell, const struct demo_load *loop,
    const uint64_t *frames)
{
	const struct sim_result *sc = demo_res(shell, 0, DEMO_NSIZE - 1);
	const struct sim_result *so = demo_res(shell, 2, DEMO_NSIZE - 1);
	const struct uvmexp *x = &sc->sr_uvmexp;
	const struct refstr *srs = &shell->dl_rs;

	printf("\nsummary (faults include the first touch of every page; "
	       "every uvm-* number\ncomes from the machine's own counters):\n");
	printf(
	    "  - shell: %" PRIu64 " forks and %" PRIu64 " execs.  With %" PRIu64
	    " pages, the machine took %" PRId64 " zero-fill\n"
	    "    and %" PRId64 " copy-on-write faults and copied %" PRId64
	    " amaps; exits returned the memory, so\n"
	    "    it paged out %" PRIu64 " pages, while flat OPT, whose frames "
	    "are never freed, counts\n    %" PRIu64 " evictions.  ",
	    srs->rs_skipped[TOP_FORK], srs->rs_skipped[TOP_EXEC_AS],
	    frames[DEMO_NSIZE - 1], x->flt_przero, x->flt_acow, x->flt_amcopy,
	    sc->sr_writebacks, so->sr_evictions);
	demo_compare(demo_res(shell, 0, 0), demo_res(shell, 1, 0));
	printf(" at %" PRIu64 " pages.\n", frames[0]);
	for (size_t s = 0; s < DEMO_NSIZE; s++) {
		const struct sim_result *c = demo_res(loop, 0, s);
		const struct sim_result *p = demo_res(loop, 1, s);
		const struct sim_result *o = demo_res(loop, 2, s);

		printf("  - loop, %" PRIu64
		       " pages (%s the loop): CLOCK misses "
		       "%.1f%%, CLOCK-Pro %.1f%%, OPT %.1f%%;\n    ",
		    frames[s],
		    frames[s] > loop->dl_rs.rs_npages ? "more than"
						      : "less than",
		    demo_miss(c), demo_miss(p), demo_miss(o));
		demo_compare(c, p);
		printf(".\n");
	}
	printf("  - Like LRU, CLOCK tends to evict each page of a loop "
	       "larger than memory just\n    before its next use.  CLOCK-Pro "
	       "remembers evicted pages that come back\n    soon and keeps "
	       "them hot.  The gap to OPT is what any policy without\n    "
	       "knowledge of the future loses.\n");
}

static void
demo_free(struct demo_load *dl)
{
	for (size_t i = 0; i < DEMO_NPOL * DEMO_NSIZE; i++)
		sim_result_free(&dl->dl_res[i]);
	refstr_free(&dl->dl_rs);
	trace_buf_free(&dl->dl_tb);
	free(dl);
}

int
demo_main(const struct sim_machine *sm, int jobs, bool quiet)
{
	struct demo_load *shell, *loop;
	struct gen_params gp;
	uint64_t pagesize, mem, frames[DEMO_NSIZE];
	char err[256];
	int rv;

	printf("uvmsim: the libuvm simulator\n\n"
	       "== machine bring-up: the default libuvm machine ==\n");
	if ((rv = machine_show(sm, stdout, true)) != 0)
		return rv;
	pagesize = machine_pagesize(sm);
	mem = machine_memsize(sm) / pagesize;
	if (mem > DEMO_MAXPAGES)
		mem = DEMO_MAXPAGES;
	if (mem < DEMO_MINPAGES)
		mem = DEMO_MINPAGES;
	frames[0] = mem / 4;
	frames[1] = mem / 2;
	frames[2] = mem;

	shell = sim_calloc(1, sizeof(*shell));
	loop = sim_calloc(1, sizeof(*loop));
	gen_defaults(&gp);
	gp.gp_pagesize = pagesize;
	gp.gp_kind = "shell";
	gp.gp_procs = 200;
	gp.gp_pages = 2 * mem; /* heaps of mem / 2 pages */
	gp.gp_count = gp.gp_procs * 2 * (mem * 3 / 10);
	shell->dl_name = "shell";
	snprintf(shell->dl_desc, sizeof(shell->dl_desc),
	    "a shell forks %" PRIu64 " commands; each writes a little of "
	    "the shell's memory\n  (copy on write), execs, works on a %" PRIu64
	    "-page heap and exits",
	    gp.gp_procs, gp.gp_pages / 4);
	rv = demo_build(shell, sm, &gp, frames);
	gen_defaults(&gp);
	gp.gp_pagesize = pagesize;
	gp.gp_kind = "loop";
	gp.gp_pages = frames[1] + frames[1] / 10;
	gp.gp_count = gp.gp_pages * DEMO_LOOPS;
	loop->dl_name = "loop";
	snprintf(loop->dl_desc, sizeof(loop->dl_desc),
	    "%" PRIu64 " pages in order, %d times, 25%% stores "
	    "(10%% more than the middle size)",
	    gp.gp_pages, DEMO_LOOPS);
	if (rv == 0)
		rv = demo_build(loop, sm, &gp, frames);
	if (rv == 0 &&
	    (sweep_run(shell->dl_jobs, shell->dl_res, DEMO_NPOL * DEMO_NSIZE,
		 (unsigned)jobs, quiet, err, sizeof(err)) != 0 ||
		sweep_run(loop->dl_jobs, loop->dl_res, DEMO_NPOL * DEMO_NSIZE,
		    (unsigned)jobs, quiet, err, sizeof(err)) != 0)) {
		fprintf(stderr, "uvmsim: demo: %s\n", err);
		rv = -1;
	}
	if (rv == 0) {
		printf("\n== demonstration: CLOCK and CLOCK-Pro on the libuvm "
		       "VM stack ==\n"
		       "uvm-*: a libuvm machine per run (processes, fork, "
		       "copy on write, page daemon,\n"
		       "swap to a temporary file); flat-opt: Belady's "
		       "optimum on the reference string,\n"
		       "the lower bound for any policy with that many page "
		       "frames.\n"
		       "page faults and miss ratio per policy; pages swapped "
		       "out by CLOCK/CLOCK-Pro:\n");
		demo_table(shell, frames);
		demo_table(loop, frames);
		demo_summary(shell, loop, frames);
		if (!quiet)
			out_notes(stdout, &shell->dl_res[0], true);
	}
	demo_free(shell);
	demo_free(loop);
	return rv == 0 ? 0 : SIM_EXIT_INPUT;
}
