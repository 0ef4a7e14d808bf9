/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_replay.c: trace replay through the whole VM stack (uvmsim's uvm
 * engine: a libuvm machine, processes, uvm_access()) against a plain loop
 * that only parses the same trace.
 *
 *	replay_tlb_hit	  accesses per second replaying a 10M-access F11
 *			  trace whose accesses cycle over 64 resident pages
 *			  (software TLB hits after the first round)
 *	replay_faulting	  accesses per second replaying a 10M-access trace
 *			  in which every access faults through the whole
 *			  stack: a zero-fill fault on a fresh page of a
 *			  private anonymous region (mmap 1024 pages, touch
 *			  each once, munmap, again)
 *
 * The peer, "parse", is the F11 reader turning the same text into events
 * and counting the accesses: what any replay costs before it does
 * anything.  libuvm's figure is the engine's replay of the parsed events
 * (a job of uvm_engine: machine creation, every event, teardown), so
 * ratio > 1 means the VM replays faster than the text can be parsed.
 * Targets (issue 7): >= 20M accesses/s hitting the TLB, >= 2M/s faulting.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "engine.h"
#include "trace.h"

#define RP_BASE   0x10000000ull
#define RP_PS     4096ull
#define RP_HOT    64   /* pages of the TLB-hit trace */
#define RP_REGION 1024 /* pages per region of the faulting trace */
#define RP_MAXREP 16

/* A growable text buffer. */
struct rp_text {
	char *t_p;
	size_t t_n, t_cap;
};

static void
rp_line(struct rp_text *t, const char *s, size_t n)
{
	if (t->t_n + n + 1 > t->t_cap) {
		t->t_cap = (t->t_n + n + 1) * 2;
		t->t_p = realloc(t->t_p, t->t_cap);
		if (t->t_p == NULL) {
			perror("b_replay");
			exit(1);
		}
	}
	memcpy(t->t_p + t->t_n, s, n);
	t->t_n += n;
}

static void rp_printf(struct rp_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rp_printf(struct rp_text *t, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rp_line(t, buf, (size_t)n);
}

/* The F11 text of n accesses; faulting: fresh pages, else hot ones. */
static void
rp_build(struct rp_text *t, uint64_t n, bool faulting)
{
	memset(t, 0, sizeof(*t));
	rp_printf(t, "#uvmtrace v1 pagesize=%llu\n", (unsigned long long)RP_PS);
	if (!faulting)
		rp_printf(t, "mmap 1 0x%llx 0x%llx rw- private,anon,fixed\n",
		    (unsigned long long)RP_BASE,
		    (unsigned long long)(RP_HOT * RP_PS));
	for (uint64_t i = 0; i < n; i++) {
		uint64_t page = faulting ? i % RP_REGION : i % RP_HOT;

		if (faulting && page == 0) {
			if (i != 0)
				rp_printf(t, "munmap 1 0x%llx 0x%llx\n",
				    (unsigned long long)RP_BASE,
				    (unsigned long long)(RP_REGION * RP_PS));
			rp_printf(t,
			    "mmap 1 0x%llx 0x%llx rw- private,anon,fixed\n",
			    (unsigned long long)RP_BASE,
			    (unsigned long long)(RP_REGION * RP_PS));
		}
		rp_printf(t, "%c 1 0x%llx\n", (i & 3) == 0 ? 'W' : 'R',
		    (unsigned long long)(RP_BASE + page * RP_PS +
			(i * 8) % RP_PS));
	}
}

static int
rp_count_sink(void *arg, const struct trace_event *ev)
{
	uint64_t *n = arg;

	*n += trace_op_access_p(ev->ev_op);
	return 0;
}

static void
rp_one(struct bench_ctx *ctx, const char *name, bool faulting)
{
	uint64_t n = ctx->bc_quick ? 1000000 : 10000000;
	double lib[RP_MAXREP], peer[RP_MAXREP];
	int reps = ctx->bc_reps < RP_MAXREP ? ctx->bc_reps : RP_MAXREP;
	struct trace_ropts ro;
	struct trace_info ti;
	struct trace_buf tb;
	struct rp_text t;
	char err[256];

	if (reps < 1)
		reps = 1;
	rp_build(&t, n, faulting);
	trace_ropts_init(&ro);
	ro.ro_format = TF_NATIVE;
	memset(&tb, 0, sizeof(tb));
	if (trace_read_mem(name, t.t_p, t.t_n, &ro, trace_buf_sink, &tb, &ti,
		err, sizeof(err)) != TRACE_OK) {
		fprintf(stderr, "b_replay: %s\n", err);
		exit(1);
	}
	for (int r = 0; r < reps; r++) {
		struct sim_result res;
		struct sim_job job;
		uint64_t t0, t1, count = 0;

		t0 = bench_now_ns();
		if (trace_read_mem(name, t.t_p, t.t_n, &ro, rp_count_sink,
			&count, &ti, err, sizeof(err)) != TRACE_OK) {
			fprintf(stderr, "b_replay: %s\n", err);
			exit(1);
		}
		t1 = bench_now_ns();
		bench_sink(count);
		peer[r] = (double)count / ((double)(t1 - t0) / 1e9);

		memset(&job, 0, sizeof(job));
		job.sj_engine = &engine_uvm;
		job.sj_policy = "clock";
		job.sj_frames = 4 * RP_REGION;
		job.sj_pagesize = RP_PS;
		job.sj_seed = 1;
		job.sj_events = &tb;
		t0 = bench_now_ns();
		if (engine_uvm.eo_run(&job, &res, err, sizeof(err)) != 0) {
			fprintf(stderr, "b_replay: %s\n", err);
			exit(1);
		}
		t1 = bench_now_ns();
		if (res.sr_refs != n || res.sr_errors != 0 ||
		    (faulting && res.sr_faults != n) ||
		    (!faulting && res.sr_faults != RP_HOT)) {
			fprintf(stderr,
			    "b_replay: %s: %" PRIu64 " references, %" PRIu64
			    " faults, %" PRIu64 " errors\n",
			    name, res.sr_refs, res.sr_faults, res.sr_errors);
			exit(1);
		}
		lib[r] = (double)res.sr_refs / ((double)(t1 - t0) / 1e9);
		sim_result_free(&res);
	}
	bench_report(name, "access/s", bench_median(lib, reps), "parse",
	    bench_median(peer, reps), false);
	trace_buf_free(&tb);
	free(t.t_p);
}

static void
b_replay(struct bench_ctx *ctx)
{
	rp_one(ctx, "replay_tlb_hit", false);
	rp_one(ctx, "replay_faulting", true);
}

BENCH_REGISTER(
    replay, "trace replay through the uvm engine vs parsing", b_replay)
