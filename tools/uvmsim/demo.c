/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * demo.c: what `uvmsim` (and so `make run`) does without arguments.
 *
 * 1. Bring up the default libuvm machine (or the one the machine options
 *    describe) and print its configuration and counters.
 * 2. A demonstration of page replacement on the flat reference-string
 *    engine: a loop slightly larger than the machine's memory and a zipf
 *    workload, each at three memory sizes, under CLOCK, LRU and Belady's
 *    OPT, with a table and a plain-language summary.  Every result is
 *    labelled flat-*: these numbers come from the textbook model, not
 *    from the libuvm VM stack, whose engine is not connected yet.
 *
 * Sizes follow the machine's memory (capped so that the run stays well
 * under 30 seconds); the workloads use fixed seeds, so the output is the
 * same on every run.
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

#define DEMO_MAXPAGES 65536 /* memory pages simulated at most */
#define DEMO_NPOL     3
#define DEMO_NSIZE    3

static const char *const demo_policies[DEMO_NPOL] = {"clock", "lru", "opt"};

struct demo_load {
	struct sim_job dl_jobs[DEMO_NPOL * DEMO_NSIZE];
	struct sim_result dl_res[DEMO_NPOL * DEMO_NSIZE];
	struct refstr dl_rs;
	const char *dl_name;
	char dl_desc[160];
};

static int
demo_build(
    struct demo_load *dl, const struct gen_params *gp, const uint64_t *frames)
{
	char err[160];
	size_t k = 0;

	refstr_init(&dl->dl_rs, gp->gp_pagesize, 0);
	if (gen_run(gp, refstr_sink, &dl->dl_rs, err, sizeof(err)) != 0) {
		fprintf(stderr, "uvmsim: demo: %s\n", err);
		return -1;
	}
	refstr_build_next(&dl->dl_rs);
	for (size_t p = 0; p < DEMO_NPOL; p++) {
		for (size_t s = 0; s < DEMO_NSIZE; s++, k++) {
			struct sim_job *j = &dl->dl_jobs[k];

			j->sj_engine = &engine_flat;
			j->sj_policy = demo_policies[p];
			j->sj_frames = frames[s];
			j->sj_pagesize = gp->gp_pagesize;
			j->sj_seed = 1;
			j->sj_refs = &dl->dl_rs;
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
	putchar('\n');
	for (size_t s = 0; s < DEMO_NSIZE; s++) {
		char b[24];

		snprintf(b, sizeof(b), "%" PRIu64 " pages", frames[s]);
		printf("  %-12s", b);
		for (size_t p = 0; p < DEMO_NPOL; p++) {
			const struct sim_result *r = demo_res(dl, p, s);

			printf(" %10" PRIu64 " %7.2f%%", r->sr_faults,
			    demo_miss(r));
		}
		putchar('\n');
	}
}

static void
demo_summary(const struct demo_load *loop, const struct demo_load *zipf,
    const uint64_t *frames)
{
	const struct sim_result *lc = demo_res(loop, 0, DEMO_NSIZE - 1);
	const struct sim_result *lo = demo_res(loop, 2, DEMO_NSIZE - 1);
	const struct sim_result *zc = demo_res(zipf, 0, DEMO_NSIZE - 1);
	const struct sim_result *zl = demo_res(zipf, 1, DEMO_NSIZE - 1);
	const struct sim_result *zo = demo_res(zipf, 2, DEMO_NSIZE - 1);
	const struct sim_result *zc0 = demo_res(zipf, 0, 0);

	printf("\nsummary (faults include the first touch of every page):\n");
	printf("  - loop: with %" PRIu64 " pages of memory, a loop over %zu "
	       "pages makes CLOCK\n    miss %.1f%% of its references: each "
	       "page is evicted just before it is\n    needed again.  OPT, "
	       "which knows the future, misses %.1f%%.\n",
	    frames[DEMO_NSIZE - 1], loop->dl_rs.rs_npages, demo_miss(lc),
	    demo_miss(lo));
	printf("  - zipf: popular pages stay resident; CLOCK misses %.1f%% "
	       "(LRU %.1f%%, OPT %.1f%%)\n    at %" PRIu64 " pages, and %.1f%% "
	       "with a quarter of that memory.\n",
	    demo_miss(zc), demo_miss(zl), demo_miss(zo), frames[DEMO_NSIZE - 1],
	    demo_miss(zc0));
	printf("  - CLOCK approximates LRU with one reference bit per page; "
	       "the gap to OPT is\n    what a better policy (CLOCK-Pro, "
	       "coming with the libuvm engine) can win.\n");
}

int
demo_main(const struct sim_machine *sm, int jobs, bool quiet)
{
	struct demo_load *loop, *zipf;
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
	if (mem < 64)
		mem = 64;
	frames[0] = mem / 4;
	frames[1] = mem / 2;
	frames[2] = mem;

	loop = sim_calloc(1, sizeof(*loop));
	zipf = sim_calloc(1, sizeof(*zipf));
	gen_defaults(&gp);
	gp.gp_pagesize = pagesize;
	gp.gp_kind = "loop";
	gp.gp_pages = mem + mem / 10;
	gp.gp_count = gp.gp_pages * 20;
	loop->dl_name = "loop";
	snprintf(loop->dl_desc, sizeof(loop->dl_desc),
	    "%" PRIu64 " pages in order, 20 times (10%% larger than the "
	    "largest memory)",
	    gp.gp_pages);
	rv = demo_build(loop, &gp, frames);
	gp.gp_kind = "zipf";
	gp.gp_pages = 2 * mem;
	gp.gp_count = 20 * mem;
	gp.gp_alpha = 0.9;
	zipf->dl_name = "zipf";
	snprintf(zipf->dl_desc, sizeof(zipf->dl_desc),
	    "%" PRIu64 " accesses over %" PRIu64 " pages, alpha 0.9, "
	    "25%% stores",
	    gp.gp_count, gp.gp_pages);
	if (rv == 0)
		rv = demo_build(zipf, &gp, frames);
	if (rv == 0 &&
	    (sweep_run(loop->dl_jobs, loop->dl_res, DEMO_NPOL * DEMO_NSIZE,
		 (unsigned)jobs, quiet, err, sizeof(err)) != 0 ||
		sweep_run(zipf->dl_jobs, zipf->dl_res, DEMO_NPOL * DEMO_NSIZE,
		    (unsigned)jobs, quiet, err, sizeof(err)) != 0)) {
		fprintf(stderr, "uvmsim: demo: %s\n", err);
		rv = -1;
	}
	if (rv == 0) {
		printf("\n== demonstration: page replacement on the flat "
		       "reference-string engine ==\n"
		       "engine: flat-* (textbook model of one memory; the "
		       "libuvm engine, which will run\n"
		       "these workloads through the whole VM stack, is not "
		       "connected yet)\n"
		       "page faults and miss ratio per policy:\n");
		demo_table(loop, frames);
		demo_table(zipf, frames);
		demo_summary(loop, zipf, frames);
	}
	for (size_t i = 0; i < DEMO_NPOL * DEMO_NSIZE; i++) {
		sim_result_free(&loop->dl_res[i]);
		sim_result_free(&zipf->dl_res[i]);
	}
	refstr_free(&loop->dl_rs);
	refstr_free(&zipf->dl_rs);
	free(loop);
	free(zipf);
	return rv == 0 ? 0 : SIM_EXIT_INPUT;
}
