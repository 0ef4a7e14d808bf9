/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_sim_engine.c: uvmsim's flat engine against independent, deliberately
 * simple implementations written here (linear searches, no shared code):
 * second-chance CLOCK, Belady's OPT by scanning the future, LRU by
 * timestamps and FIFO by a queue.  Fault counts must be equal on random,
 * looping and textbook reference strings, for every memory size from one
 * frame to more frames than pages; write-backs too where the policy
 * determines them.  Also: the known textbook answers, determinism of the
 * worker pool, the time series, and size parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine.h"
#include "refstr.h"
#include "sweep.h"
#include "util.h"

struct simple_result {
	uint64_t faults, writebacks;
};

static long
simple_find(const long *frame, size_t used, long page)
{
	for (size_t i = 0; i < used; i++)
		if (frame[i] == page)
			return (long)i;
	return -1;
}

/* Second chance: reference bit set on load and on every hit. */
static struct simple_result
simple_clock(const long *pages, const int *wr, size_t n, size_t k)
{
	long *frame = calloc(k, sizeof(long));
	int *ref = calloc(k, sizeof(int)), *dirty = calloc(k, sizeof(int));
	struct simple_result r = {0, 0};
	size_t used = 0, hand = 0;

	for (size_t i = 0; i < n; i++) {
		long f = simple_find(frame, used, pages[i]);

		if (f >= 0) {
			ref[f] = 1;
			dirty[f] |= wr[i];
			continue;
		}
		r.faults++;
		if (used < k) {
			frame[used] = pages[i];
			ref[used] = 1;
			dirty[used] = wr[i];
			used++;
			continue;
		}
		while (ref[hand]) {
			ref[hand] = 0;
			hand = (hand + 1) % k;
		}
		r.writebacks += (uint64_t)dirty[hand];
		frame[hand] = pages[i];
		ref[hand] = 1;
		dirty[hand] = wr[i];
		hand = (hand + 1) % k;
	}
	free(frame);
	free(ref);
	free(dirty);
	return r;
}

/* Belady: evict the page whose next use is farthest (or never). */
static struct simple_result
simple_opt(const long *pages, size_t n, size_t k)
{
	long *frame = calloc(k, sizeof(long));
	struct simple_result r = {0, 0};
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		size_t victim = 0, far = 0;

		if (simple_find(frame, used, pages[i]) >= 0)
			continue;
		r.faults++;
		if (used < k) {
			frame[used++] = pages[i];
			continue;
		}
		for (size_t f = 0; f < k; f++) {
			size_t j;

			for (j = i + 1; j < n && pages[j] != frame[f]; j++)
				continue;
			if (j > far) {
				far = j;
				victim = f;
			}
		}
		frame[victim] = pages[i];
	}
	free(frame);
	return r;
}

/* LRU by last-use timestamps; FIFO by load timestamps. */
static struct simple_result
simple_stamp(const long *pages, const int *wr, size_t n, size_t k, bool lru)
{
	long *frame = calloc(k, sizeof(long));
	size_t *stamp = calloc(k, sizeof(size_t));
	int *dirty = calloc(k, sizeof(int));
	struct simple_result r = {0, 0};
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		long f = simple_find(frame, used, pages[i]);
		size_t v = 0;

		if (f >= 0) {
			if (lru)
				stamp[f] = i;
			dirty[f] |= wr[i];
			continue;
		}
		r.faults++;
		if (used < k) {
			v = used++;
		} else {
			for (size_t j = 1; j < k; j++)
				if (stamp[j] < stamp[v])
					v = j;
			r.writebacks += (uint64_t)dirty[v];
		}
		frame[v] = pages[i];
		stamp[v] = i;
		dirty[v] = wr[i];
	}
	free(frame);
	free(stamp);
	free(dirty);
	return r;
}

static struct sim_result
engine_faults(
    const char *policy, const long *pages, const int *wr, size_t n, size_t k)
{
	struct refstr rs;
	struct sim_job job;
	struct sim_result res;
	char err[200];

	refstr_init(&rs, 4096, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    refstr_add(&rs, 1, (uint64_t)pages[i], wr[i] != 0), 0);
	refstr_build_next(&rs);
	memset(&job, 0, sizeof(job));
	job.sj_engine = &engine_flat;
	job.sj_policy = policy;
	job.sj_frames = k;
	job.sj_pagesize = 4096;
	job.sj_seed = 1;
	job.sj_refs = &rs;
	assert_int_equal(engine_flat.eo_run(&job, &res, err, sizeof(err)), 0);
	assert_int_equal(res.sr_refs, n);
	assert_int_equal(res.sr_hits + res.sr_faults, n);
	refstr_free(&rs);
	sim_result_free(&res);
	return res;
}

static void
check_all(const long *pages, const int *wr, size_t n, size_t k)
{
	struct simple_result c = simple_clock(pages, wr, n, k);
	struct simple_result o = simple_opt(pages, n, k);
	struct simple_result l = simple_stamp(pages, wr, n, k, true);
	struct simple_result f = simple_stamp(pages, wr, n, k, false);
	struct sim_result r;

	r = engine_faults("clock", pages, wr, n, k);
	assert_int_equal(r.sr_faults, c.faults);
	assert_int_equal(r.sr_writebacks, c.writebacks);
	r = engine_faults("opt", pages, wr, n, k);
	assert_int_equal(r.sr_faults, o.faults);
	r = engine_faults("lru", pages, wr, n, k);
	assert_int_equal(r.sr_faults, l.faults);
	assert_int_equal(r.sr_writebacks, l.writebacks);
	r = engine_faults("fifo", pages, wr, n, k);
	assert_int_equal(r.sr_faults, f.faults);
	assert_int_equal(r.sr_writebacks, f.writebacks);
	/* OPT is optimal: no policy does better. */
	assert_true(o.faults <= c.faults && o.faults <= l.faults &&
	    o.faults <= f.faults);
}

static void
t_crosscheck_random(void **state)
{
	struct sim_rng rng;
	long pages[1500];
	int wr[1500];

	(void)state;
	sim_rng_seed(&rng, 42);
	for (int round = 0; round < 40; round++) {
		size_t n = 1 + sim_rng_below(&rng, 1500);
		uint64_t range = 1 + sim_rng_below(&rng, 80);

		for (size_t i = 0; i < n; i++) {
			/* Mix uniform and skewed references. */
			pages[i] = (long)(round % 2
				? sim_rng_below(&rng, range)
				: sim_rng_below(
				      &rng, 1 + sim_rng_below(&rng, range)));
			wr[i] = sim_rng_below(&rng, 4) == 0;
		}
		for (size_t k = 1; k <= range + 2; k += 1 + k / 4)
			check_all(pages, wr, n, k);
	}
}

static void
t_crosscheck_loops(void **state)
{
	long pages[2000];
	int wr[2000];

	(void)state;
	for (size_t len = 1; len <= 40; len += 3) {
		for (size_t i = 0; i < 2000; i++) {
			pages[i] = (long)(i % len);
			wr[i] = (i % 7) == 0;
		}
		for (size_t k = 1; k <= len + 1; k++)
			check_all(pages, wr, 2000, k);
	}
}

/* Textbook answers (Silberschatz's string; Belady's anomaly). */
static void
t_textbook(void **state)
{
	static const long s[] = {
	    7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
	static const long b[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
	int wr[20] = {0};

	(void)state;
	assert_int_equal(engine_faults("opt", s, wr, 20, 3).sr_faults, 9);
	assert_int_equal(engine_faults("lru", s, wr, 20, 3).sr_faults, 12);
	assert_int_equal(engine_faults("fifo", s, wr, 20, 3).sr_faults, 15);
	assert_int_equal(engine_faults("fifo", b, wr, 12, 3).sr_faults, 9);
	assert_int_equal(engine_faults("fifo", b, wr, 12, 4).sr_faults, 10);
	assert_int_equal(engine_faults("opt", b, wr, 12, 3).sr_faults, 7);
	assert_int_equal(engine_faults("opt", b, wr, 12, 4).sr_faults, 6);
}

/* Random and MRU: sane counts, and random is reproducible by seed. */
static void
t_other_policies(void **state)
{
	long pages[500];
	int wr[500] = {0};
	struct sim_result a, b;

	(void)state;
	for (size_t i = 0; i < 500; i++)
		pages[i] = (long)((i * 7919) % 37);
	a = engine_faults("random", pages, wr, 500, 10);
	b = engine_faults("random", pages, wr, 500, 10);
	assert_int_equal(a.sr_faults, b.sr_faults);
	assert_true(
	    a.sr_faults >= engine_faults("opt", pages, wr, 500, 10).sr_faults);
	a = engine_faults("mru", pages, wr, 500, 40);
	assert_int_equal(a.sr_faults, 37); /* all pages fit */
	assert_int_equal(a.sr_cold, 37);
}

/* The pool gives the same results in job order for any worker count. */
static void
t_sweep_deterministic(void **state)
{
	static const char *const pol[] = {"clock", "lru", "opt", "random"};
	struct sim_job jobs[16];
	struct sim_result r1[16], r2[16];
	struct refstr rs;
	struct sim_rng rng;
	char err[200];

	(void)state;
	sim_rng_seed(&rng, 7);
	refstr_init(&rs, 4096, 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(refstr_add(&rs, 1 + (uint32_t)(i % 3),
				     sim_rng_below(&rng, 300), i % 5 == 0),
		    0);
	refstr_build_next(&rs);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < 16; i++) {
		jobs[i].sj_engine = &engine_flat;
		jobs[i].sj_policy = pol[i % 4];
		jobs[i].sj_frames = 10 + 40 * (uint64_t)(i / 4);
		jobs[i].sj_pagesize = 4096;
		jobs[i].sj_seed = 3;
		jobs[i].sj_refs = &rs;
		jobs[i].sj_interval = 1000;
	}
	assert_int_equal(sweep_run(jobs, r1, 16, 1, true, err, sizeof(err)), 0);
	assert_int_equal(sweep_run(jobs, r2, 16, 3, true, err, sizeof(err)), 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(r1[i].sr_faults, r2[i].sr_faults);
		assert_int_equal(r1[i].sr_writebacks, r2[i].sr_writebacks);
		assert_int_equal(r1[i].sr_nts, 20);
		assert_int_equal(r1[i].sr_nts, r2[i].sr_nts);
		assert_memory_equal(r1[i].sr_ts, r2[i].sr_ts,
		    r1[i].sr_nts * sizeof(struct sim_tsrow));
		/* The series adds up to the totals. */
		uint64_t f = 0, h = 0;
		for (size_t j = 0; j < r1[i].sr_nts; j++) {
			f += r1[i].sr_ts[j].ts_faults;
			h += r1[i].sr_ts[j].ts_hits;
			assert_true(r1[i].sr_ts[j].ts_wss <= 900 &&
			    r1[i].sr_ts[j].ts_wss <= r1[i].sr_ts[j].ts_refs);
		}
		assert_int_equal(f, r1[i].sr_faults);
		assert_int_equal(h, r1[i].sr_hits);
		sim_result_free(&r1[i]);
		sim_result_free(&r2[i]);
	}
	refstr_free(&rs);
}

/* Accesses spanning pages fold to every page; control events skip. */
static void
t_refstr_fold(void **state)
{
	struct refstr rs;
	struct trace_event ev;

	(void)state;
	refstr_init(&rs, 4096, 0);
	memset(&ev, 0, sizeof(ev));
	ev.ev_op = TOP_WRITE;
	ev.ev_as = 2;
	ev.ev_addr = 4096 - 4;
	ev.ev_len = 8;
	assert_int_equal(refstr_sink(&rs, &ev), 0);
	assert_int_equal(rs.rs_n, 2);
	assert_int_equal(rs.rs_vpn[0], 0);
	assert_int_equal(rs.rs_vpn[1], 1);
	assert_true(rs.rs_ref[1] & RS_WRITE);
	ev.ev_op = TOP_FORK;
	assert_int_equal(refstr_sink(&rs, &ev), 0);
	assert_int_equal(rs.rs_nskipped, 1);
	assert_int_equal(rs.rs_skipped[TOP_FORK], 1);
	/* Same vpn in another address space is another page. */
	ev.ev_op = TOP_READ;
	ev.ev_as = 3;
	ev.ev_addr = 0;
	ev.ev_len = 1;
	assert_int_equal(refstr_sink(&rs, &ev), 0);
	assert_int_equal(rs.rs_npages, 3);
	/* The length limit is a clean error. */
	rs.rs_maxrefs = 4;
	ev.ev_len = 3 * 4096;
	assert_int_not_equal(refstr_sink(&rs, &ev), 0);
	assert_non_null(strstr(rs.rs_err, "too long"));
	refstr_free(&rs);
}

static void
t_sizes(void **state)
{
	struct sim_size sz;

	(void)state;
	assert_true(sim_parse_size("64k", &sz));
	assert_int_equal(sim_size_pages(&sz, 4096, 0), 16);
	assert_true(sim_parse_size("1g", &sz));
	assert_int_equal(sim_size_pages(&sz, 4096, 0), 262144);
	assert_true(sim_parse_size("100p", &sz));
	assert_int_equal(sim_size_pages(&sz, 65536, 0), 100);
	assert_true(sim_parse_size("0.5ws", &sz));
	assert_int_equal(sim_size_pages(&sz, 4096, 1001), 501);
	assert_true(sim_parse_size("1MiB", &sz));
	assert_int_equal(sz.sz_val, 1 << 20);
	assert_false(sim_parse_size("12q", &sz));
	assert_false(sim_parse_size("p", &sz));
	assert_false(sim_parse_size("-1ws", &sz));
	assert_false(sim_parse_size("99999999999999999999k", &sz));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_crosscheck_random),
	    cmocka_unit_test(t_crosscheck_loops),
	    cmocka_unit_test(t_textbook),
	    cmocka_unit_test(t_other_policies),
	    cmocka_unit_test(t_sweep_deterministic),
	    cmocka_unit_test(t_refstr_fold),
	    cmocka_unit_test(t_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
