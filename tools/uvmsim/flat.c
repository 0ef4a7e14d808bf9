/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flat.c: the flat reference-string engine: CLOCK, LRU, FIFO, MRU,
 * RANDOM and OPT over k page frames.
 *
 * Model: a reference to a resident page is a hit; anything else is a
 * fault (cold misses included, as vmsim and OSTEP count them).  A fault
 * fills the lowest free frame while there is one, else evicts the
 * policy's victim; evicting a page written since it was loaded counts a
 * write-back ("disk write").  No prefetching, no free-page targets, no
 * daemon: this is the textbook model that the libuvm engine is compared
 * against, not a replacement for it.
 *
 * CLOCK is second chance: frames in a circle, a hand, one reference bit
 * per frame, set when the page is loaded (the faulting access references
 * it) and on every hit.  A fault with all frames full advances the hand,
 * clearing set bits, to the first frame whose bit is clear; the new page
 * goes there and the hand moves one past it.  This is what UVM's CLOCK
 * policy (active/inactive queues, reactivation of referenced pages)
 * amounts to for a single flat reference string with one page freed per
 * fault.  FIFO is the same circle without reference bits.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "opt.h"
#include "util.h"

enum flat_policy { FP_CLOCK, FP_LRU, FP_FIFO, FP_MRU, FP_RANDOM, FP_OPT };

static const char *const flat_policies[] = {
    "clock", "lru", "fifo", "mru", "random", "opt", NULL};

#define NIL UINT32_MAX

struct flat {
	const struct sim_job *fl_job;
	const struct refstr *fl_rs;
	struct sim_result *fl_res;
	enum flat_policy fl_policy;
	uint32_t fl_nframes, fl_nused;
	uint32_t *fl_where;          /* page id -> frame + 1; 0: not resident */
	uint32_t *fl_page;           /* frame -> page id */
	uint8_t *fl_dirty;           /* frame written since loaded */
	uint8_t *fl_ref;             /* CLOCK reference bit */
	uint8_t *fl_seen;            /* page id referenced before */
	uint32_t fl_hand;            /* CLOCK, FIFO */
	uint32_t *fl_prev, *fl_next; /* LRU/MRU list, head = LRU */
	uint32_t fl_head, fl_tail;
	struct sim_rng fl_rng;
	struct opt_heap fl_opt;
	uint32_t *fl_tsmark; /* page id -> interval + 1 of last reference */
};

static void
flat_unlink(struct flat *fl, uint32_t f)
{
	if (fl->fl_prev[f] != NIL)
		fl->fl_next[fl->fl_prev[f]] = fl->fl_next[f];
	else
		fl->fl_head = fl->fl_next[f];
	if (fl->fl_next[f] != NIL)
		fl->fl_prev[fl->fl_next[f]] = fl->fl_prev[f];
	else
		fl->fl_tail = fl->fl_prev[f];
}

static void
flat_push_mru(struct flat *fl, uint32_t f)
{
	fl->fl_prev[f] = fl->fl_tail;
	fl->fl_next[f] = NIL;
	if (fl->fl_tail != NIL)
		fl->fl_next[fl->fl_tail] = f;
	else
		fl->fl_head = f;
	fl->fl_tail = f;
}

/* A hit on frame f at reference i. */
static void
flat_hit(struct flat *fl, uint32_t f, size_t i)
{
	switch (fl->fl_policy) {
	case FP_CLOCK:
		fl->fl_ref[f] = 1;
		break;
	case FP_LRU:
	case FP_MRU:
		flat_unlink(fl, f);
		flat_push_mru(fl, f);
		break;
	case FP_OPT:
		opt_set(&fl->fl_opt, f, fl->fl_rs->rs_next[i], true);
		break;
	default:
		break;
	}
}

/* A page was just loaded into frame f at reference i. */
static void
flat_loaded(struct flat *fl, uint32_t f, size_t i)
{
	switch (fl->fl_policy) {
	case FP_CLOCK:
		fl->fl_ref[f] = 1;
		break;
	case FP_LRU:
	case FP_MRU:
		flat_push_mru(fl, f);
		break;
	case FP_OPT:
		opt_set(&fl->fl_opt, f, fl->fl_rs->rs_next[i], false);
		break;
	default:
		break;
	}
}

/* Choose and detach the victim frame (all frames are in use). */
static uint32_t
flat_victim(struct flat *fl)
{
	uint32_t f;

	switch (fl->fl_policy) {
	case FP_CLOCK:
		while (fl->fl_ref[fl->fl_hand]) {
			fl->fl_ref[fl->fl_hand] = 0;
			fl->fl_hand = (fl->fl_hand + 1) % fl->fl_nframes;
		}
		/* FALLTHROUGH */
	case FP_FIFO:
		f = fl->fl_hand;
		fl->fl_hand = (fl->fl_hand + 1) % fl->fl_nframes;
		return f;
	case FP_LRU:
		f = fl->fl_head;
		flat_unlink(fl, f);
		return f;
	case FP_MRU:
		f = fl->fl_tail;
		flat_unlink(fl, f);
		return f;
	case FP_RANDOM:
		return (uint32_t)sim_rng_below(&fl->fl_rng, fl->fl_nframes);
	case FP_OPT:
		return opt_pop(&fl->fl_opt);
	}
	return 0;
}

static void
flat_trace_page(FILE *f, const struct refstr *rs, uint32_t id)
{
	fprintf(f, "%" PRIu32 ":0x%" PRIx64, rs->rs_as[id], rs->rs_vpn[id]);
}

static void
flat_ts_row(struct flat *fl, uint64_t end, struct sim_tsrow *acc)
{
	struct sim_result *res = fl->fl_res;

	acc->ts_end = end;
	acc->ts_resident = fl->fl_nused;
	res->sr_ts[res->sr_nts++] = *acc;
	memset(acc, 0, sizeof(*acc));
}

static void
flat_setup(struct flat *fl, const struct sim_job *job, struct sim_result *res,
    enum flat_policy pol)
{
	const struct refstr *rs = job->sj_refs;
	uint64_t k = job->sj_frames;

	memset(fl, 0, sizeof(*fl));
	fl->fl_job = job;
	fl->fl_rs = rs;
	fl->fl_res = res;
	fl->fl_policy = pol;
	/* More frames than distinct pages can never be used. */
	if (k > rs->rs_npages)
		k = rs->rs_npages;
	if (k == 0)
		k = 1;
	fl->fl_nframes = (uint32_t)k;
	fl->fl_where = sim_calloc(rs->rs_npages, sizeof(uint32_t));
	fl->fl_seen = sim_calloc(rs->rs_npages, 1);
	fl->fl_page = sim_calloc(k, sizeof(uint32_t));
	fl->fl_dirty = sim_calloc(k, 1);
	fl->fl_ref = sim_calloc(k, 1);
	fl->fl_prev = sim_calloc(k, sizeof(uint32_t));
	fl->fl_next = sim_calloc(k, sizeof(uint32_t));
	fl->fl_head = fl->fl_tail = NIL;
	sim_rng_seed(&fl->fl_rng, job->sj_seed);
	if (pol == FP_OPT)
		opt_init(&fl->fl_opt, (uint32_t)k);
	if (job->sj_interval != 0) {
		fl->fl_tsmark = sim_calloc(rs->rs_npages, sizeof(uint32_t));
		res->sr_ts = sim_calloc(
		    rs->rs_n / job->sj_interval + 2, sizeof(struct sim_tsrow));
	}
}

static void
flat_teardown(struct flat *fl)
{
	free(fl->fl_where);
	free(fl->fl_seen);
	free(fl->fl_page);
	free(fl->fl_dirty);
	free(fl->fl_ref);
	free(fl->fl_prev);
	free(fl->fl_next);
	free(fl->fl_tsmark);
	if (fl->fl_policy == FP_OPT)
		opt_free(&fl->fl_opt);
}

static int
flat_run(
    const struct sim_job *job, struct sim_result *res, char *err, size_t errlen)
{
	const struct refstr *rs = job->sj_refs;
	struct sim_tsrow acc;
	struct timespec t0, t1;
	struct flat fl;
	FILE *tf = job->sj_trace;
	uint64_t interval = job->sj_interval, tsint = 0, chunk = 0;
	int pol;

	for (pol = 0; flat_policies[pol] != NULL; pol++)
		if (strcmp(flat_policies[pol], job->sj_policy) == 0)
			break;
	if (flat_policies[pol] == NULL || rs == NULL) {
		snprintf(err, errlen, "flat engine: unknown policy \"%s\"",
		    job->sj_policy);
		return -1;
	}
	if (pol == FP_OPT && rs->rs_next == NULL) {
		snprintf(err, errlen,
		    "flat engine: OPT needs the next-use "
		    "index");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(res, 0, sizeof(*res));
	snprintf(
	    res->sr_engine, sizeof(res->sr_engine), "flat-%s", job->sj_policy);
	snprintf(res->sr_policy, sizeof(res->sr_policy), "%s", job->sj_policy);
	res->sr_frames = job->sj_frames;
	res->sr_pagesize = job->sj_pagesize;
	res->sr_skipped = rs->rs_nskipped;
	res->sr_pages = rs->rs_npages;
	flat_setup(&fl, job, res, (enum flat_policy)pol);
	memset(&acc, 0, sizeof(acc));
	for (size_t i = 0; i < rs->rs_n; i++) {
		uint32_t r = rs->rs_ref[i], id = r & RS_IDMASK;
		uint32_t f = fl.fl_where[id], old = NIL;
		bool w = (r & RS_WRITE) != 0, wb = false, hit = f != 0;

		if (w)
			res->sr_writes++;
		else
			res->sr_reads++;
		if (f != 0) {
			f--;
			res->sr_hits++;
			acc.ts_hits++;
			flat_hit(&fl, f, i);
			fl.fl_dirty[f] |= (uint8_t)w;
		} else {
			res->sr_faults++;
			acc.ts_faults++;
			if (!fl.fl_seen[id]) {
				fl.fl_seen[id] = 1;
				res->sr_cold++;
			}
			if (fl.fl_nused < fl.fl_nframes) {
				f = fl.fl_nused++;
			} else {
				f = flat_victim(&fl);
				old = fl.fl_page[f];
				fl.fl_where[old] = 0;
				res->sr_evictions++;
				if (fl.fl_dirty[f]) {
					wb = true;
					res->sr_writebacks++;
					acc.ts_writebacks++;
				}
			}
			fl.fl_page[f] = id;
			fl.fl_where[id] = f + 1;
			fl.fl_dirty[f] = (uint8_t)w;
			flat_loaded(&fl, f, i);
		}
		if (tf != NULL) {
			fprintf(
			    tf, "ref=%zu op=%c page=", i + 1, w ? 'W' : 'R');
			flat_trace_page(tf, rs, id);
			fputs(hit ? " hit" : " miss", tf);
			if (old != NIL) {
				fputs(" evict=", tf);
				flat_trace_page(tf, rs, old);
				if (wb)
					fputs(" writeback", tf);
			}
			fprintf(tf, " frame=%" PRIu32 "\n", f);
		}
		if (interval != 0) {
			acc.ts_refs++;
			if (fl.fl_tsmark[id] != tsint + 1) {
				fl.fl_tsmark[id] = (uint32_t)(tsint + 1);
				acc.ts_wss++;
			}
			if (acc.ts_refs == interval) {
				flat_ts_row(&fl, i + 1, &acc);
				tsint++;
			}
		}
		if (job->sj_progress != NULL && ++chunk == 65536) {
			atomic_fetch_add(&job->sj_progress->sp_done, chunk);
			chunk = 0;
		}
	}
	if (interval != 0 && acc.ts_refs > 0)
		flat_ts_row(&fl, rs->rs_n, &acc);
	if (job->sj_progress != NULL)
		atomic_fetch_add(&job->sj_progress->sp_done, chunk);
	res->sr_refs = rs->rs_n;
	flat_teardown(&fl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->sr_seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

const struct engine_ops engine_flat = {
    .eo_name = "flat",
    .eo_desc = "reference-string model (textbook CLOCK, LRU, FIFO, MRU, "
	       "RANDOM, Belady OPT); not the libuvm VM stack",
    .eo_needs = ENG_NEEDS_REFS,
    .eo_policies = flat_policies,
    .eo_run = flat_run,
};
