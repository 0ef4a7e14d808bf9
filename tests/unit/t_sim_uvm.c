/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_sim_uvm.c: uvmsim's uvm engine (a libuvm machine per job) checked
 * against what can be known without it:
 *
 *  - flat reference strings, one process, one anonymous region (mapped
 *    by an mmap event, or on first touch as for F1-F10): when memory
 *    holds every page, faults == distinct pages == the flat engine's
 *    faults, and the page daemon frees nothing;
 *  - under memory pressure, CLOCK and CLOCK-Pro on the machine never
 *    beat Belady: faults >= flat OPT faults with the same number of
 *    frames (and >= distinct pages);
 *  - F11 traces with mmap, munmap, fork, exec and exit: the pages mapped
 *    and resident in every address space when it ends equal those of a
 *    simple model (pages of private mappings are copied at fork, shared
 *    mappings share one page set, exec and munmap drop pages);
 *  - failed calls are counted and described with their event number;
 *  - determinism: the same job gives identical results, alone or on two
 *    workers, each job with its own machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "t_harness.h"

#include "engine.h"
#include "refstr.h"
#include "sweep.h"
#include "trace.h"
#include "util.h"

#define PS   4096ull
#define BASE 0x100000ull

/* A trace held twice: as events (uvm engine) and folded (flat engine). */
struct both {
	struct trace_buf b_tb;
	struct refstr b_rs;
};

static void
both_init(struct both *b)
{
	memset(b, 0, sizeof(*b));
	refstr_init(&b->b_rs, PS, 0);
}

static void
both_free(struct both *b)
{
	trace_buf_free(&b->b_tb);
	refstr_free(&b->b_rs);
}

static void
both_ev(struct both *b, const struct trace_event *ev)
{
	assert_int_equal(trace_buf_sink(&b->b_tb, ev), 0);
	assert_int_equal(refstr_sink(&b->b_rs, ev), 0);
}

static void
both_mmap(
    struct both *b, uint32_t as, uint64_t addr, uint64_t npages, unsigned flags)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = TOP_MMAP;
	ev.ev_as = as;
	ev.ev_addr = addr;
	ev.ev_len = npages * PS;
	ev.ev_prot = TPROT_READ | TPROT_WRITE;
	ev.ev_flags = (uint16_t)(flags | TMAP_ANON | TMAP_FIXED);
	both_ev(b, &ev);
}

static void
both_op(struct both *b, int op, uint32_t as, uint64_t addr, uint64_t len,
    uint32_t as2)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)op;
	ev.ev_as = as;
	ev.ev_as2 = as2;
	ev.ev_addr = addr;
	ev.ev_len = len;
	both_ev(b, &ev);
}

static struct sim_result
run_job(const struct engine_ops *eo, const char *pol, struct both *b,
    uint64_t frames, unsigned maps)
{
	struct sim_job job;
	struct sim_result res;
	char err[256];

	memset(&job, 0, sizeof(job));
	job.sj_engine = eo;
	job.sj_policy = pol;
	job.sj_frames = frames;
	job.sj_pagesize = PS;
	job.sj_seed = 1;
	job.sj_refs = &b->b_rs;
	job.sj_events = &b->b_tb;
	job.sj_maps = maps;
	if (strcmp(pol, "opt") == 0)
		refstr_build_next(&b->b_rs);
	err[0] = '\0';
	if (eo->eo_run(&job, &res, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return res;
}

/* A random string over npages pages of one region, each page touched. */
static void
build_flat(struct both *b, struct sim_rng *rng, uint64_t npages, size_t n,
    bool mmap_event, int kind)
{
	both_init(b);
	if (mmap_event)
		both_mmap(b, 1, BASE, npages, TMAP_PRIVATE);
	for (uint64_t p = 0; p < npages; p++)
		both_op(b, TOP_READ, 1, BASE + p * PS + 8, 8, 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t p;

		if (kind == 0)
			p = sim_rng_below(rng, npages);
		else if (kind == 1) /* skewed */
			p = sim_rng_below(rng, 1 + sim_rng_below(rng, npages));
		else /* loop */
			p = i % npages;
		both_op(b, sim_rng_below(rng, 4) == 0 ? TOP_WRITE : TOP_READ, 1,
		    BASE + p * PS + (sim_rng_below(rng, PS) & ~7ull), 8, 0);
	}
}

/* Everything fits: faults are exactly the first touches. */
static void
t_fits(void **state)
{
	static const char *const pol[] = {"clock", "clockpro"};
	struct sim_rng rng;

	(void)state;
	th_install_panic_hook();
	sim_rng_seed(&rng, 3);
	for (uint64_t round = 0; round < th_scale(8); round++) {
		uint64_t npages = 20 + sim_rng_below(&rng, 200);
		uint64_t frames = npages + npages / 2 + 64;
		struct sim_result f, u;
		struct both b;

		build_flat(
		    &b, &rng, npages, 3000, round % 2 == 0, (int)(round % 3));
		f = run_job(&engine_flat, "clock", &b, frames, 0);
		for (int p = 0; p < 2; p++) {
			u = run_job(&engine_uvm, pol[p], &b, frames, 0);
			assert_int_equal(u.sr_errors, 0);
			assert_int_equal(u.sr_refs, b.b_rs.rs_n);
			assert_int_equal(u.sr_faults, npages);
			assert_int_equal(u.sr_faults, f.sr_faults);
			assert_int_equal(u.sr_cold, npages);
			assert_int_equal(u.sr_hits, b.b_rs.rs_n - npages);
			assert_int_equal(u.sr_evictions, 0);
			assert_int_equal(u.sr_writebacks, 0);
			assert_true(u.sr_have_uvmexp);
			/* At the end of the trace, before the exit. */
			assert_int_equal(u.sr_uvmexp.anonpages, npages);
			assert_int_equal(u.sr_automaps != 0, round % 2 != 0);
			sim_result_free(&u);
		}
		sim_result_free(&f);
		both_free(&b);
	}
}

/* Under pressure: never better than Belady, never below the cold misses. */
static void
t_opt_bound(void **state)
{
	static const char *const pol[] = {"clock", "clockpro"};
	struct sim_rng rng;

	(void)state;
	th_install_panic_hook();
	sim_rng_seed(&rng, 5);
	for (int kind = 0; kind < 3; kind++) {
		uint64_t npages = 120;
		struct both b;

		build_flat(&b, &rng, npages, 4000, true, kind);
		for (uint64_t frames = 32; frames <= 160; frames += 32) {
			struct sim_result o, u;

			o = run_job(&engine_flat, "opt", &b, frames, 0);
			for (int p = 0; p < 2; p++) {
				u = run_job(&engine_uvm, pol[p], &b, frames, 0);
				assert_int_equal(u.sr_errors, 0);
				assert_true(u.sr_faults >= o.sr_faults);
				assert_true(u.sr_faults >= npages);
				assert_true(u.sr_faults <= u.sr_refs);
				/* What was freed had to come back by a fault. */
				assert_true(
				    u.sr_faults - npages <= u.sr_evictions);
				sim_result_free(&u);
			}
			sim_result_free(&o);
		}
		both_free(&b);
	}
}

/*
 * The model of t_fork_model: an address space maps pages to (object,
 * index); an object is a set of instantiated pages.  Private mappings get
 * a copy of their object at fork, shared ones keep it.
 */
#define M_VPAGES 256 /* pages of the modelled part of the address space */
#define M_MAXAS  64
#define M_MAXOBJ 4096

struct m_obj {
	uint8_t mo_page[M_VPAGES]; /* instantiated */
	bool mo_shared;
};

struct m_as {
	bool ma_live;
	int ma_obj[M_VPAGES]; /* object + 1; 0: unmapped */
	uint16_t ma_idx[M_VPAGES];
};

struct model {
	struct m_as m_as[M_MAXAS];
	struct m_obj *m_obj;
	int m_nobj;
	struct sim_asinfo m_ret[4 * M_MAXAS + 4096];
	size_t m_nret;
};

static int
m_newobj(struct model *m, bool shared)
{
	assert_true(m->m_nobj < M_MAXOBJ);
	memset(&m->m_obj[m->m_nobj], 0, sizeof(m->m_obj[0]));
	m->m_obj[m->m_nobj].mo_shared = shared;
	return ++m->m_nobj;
}

static void
m_retire(struct model *m, uint32_t as, uint64_t evno)
{
	struct sim_asinfo *ai = &m->m_ret[m->m_nret++];

	memset(ai, 0, sizeof(*ai));
	ai->ai_as = as;
	ai->ai_event = evno;
	for (int v = 0; v < M_VPAGES; v++) {
		int o = m->m_as[as].ma_obj[v];

		if (o == 0)
			continue;
		ai->ai_virtual++;
		ai->ai_resident +=
		    m->m_obj[o - 1].mo_page[m->m_as[as].ma_idx[v]];
	}
}

static uint32_t
m_pick(struct model *m, struct sim_rng *rng)
{
	uint32_t live[M_MAXAS], n = 0;

	for (uint32_t i = 1; i < M_MAXAS; i++)
		if (m->m_as[i].ma_live)
			live[n++] = i;
	return live[sim_rng_below(rng, n)];
}

static uint32_t
m_nlive(const struct model *m)
{
	uint32_t n = 0;

	for (uint32_t i = 1; i < M_MAXAS; i++)
		n += m->m_as[i].ma_live;
	return n;
}

/*
 * Pages every process maps without being asked: its stack region (the
 * system-call layer lays processes out as after exec).
 */
static uint64_t
base_pages(void)
{
	struct sim_result u;
	struct both b;
	uint64_t n;

	both_init(&b);
	both_mmap(&b, 1, BASE, 1, TMAP_PRIVATE);
	u = run_job(&engine_uvm, "clock", &b, 256, SIM_MAPS_CENSUS);
	assert_int_equal(u.sr_nas, 1);
	assert_int_equal(u.sr_as[0].ai_resident, 0);
	n = u.sr_as[0].ai_virtual - 1;
	sim_result_free(&u);
	both_free(&b);
	return n;
}

static void
t_fork_model(void **state)
{
	struct sim_rng rng;
	struct model *m;
	uint64_t base;

	(void)state;
	th_install_panic_hook();
	base = base_pages();
	m = calloc(1, sizeof(*m));
	m->m_obj = calloc(M_MAXOBJ, sizeof(*m->m_obj));
	sim_rng_seed(&rng, 9);
	for (uint64_t round = 0; round < th_scale(12); round++) {
		struct sim_result u;
		struct both b;
		uint64_t evno = 0;
		uint32_t nextid = 2;

		memset(m->m_as, 0, sizeof(m->m_as));
		m->m_nobj = 0;
		m->m_nret = 0;
		both_init(&b);
		m->m_as[1].ma_live = true;
		for (int step = 0; step < 1500; step++) {
			uint32_t as = m_pick(m, &rng), c;
			uint64_t r = sim_rng_below(&rng, 100);
			struct m_as *a = &m->m_as[as];

			if (r < 10) { /* mmap, fixed, replacing */
				uint64_t s = sim_rng_below(&rng, M_VPAGES - 1);
				uint64_t n = 1 + sim_rng_below(&rng, 24);
				bool sh = sim_rng_below(&rng, 3) == 0;
				int o = m_newobj(m, sh);

				if (s + n > M_VPAGES)
					n = M_VPAGES - s;
				both_mmap(&b, as, BASE + s * PS, n,
				    sh ? TMAP_SHARED : TMAP_PRIVATE);
				for (uint64_t v = s; v < s + n; v++) {
					a->ma_obj[v] = o;
					a->ma_idx[v] = (uint16_t)(v - s);
				}
			} else if (r < 14) { /* munmap */
				uint64_t s = sim_rng_below(&rng, M_VPAGES - 1);
				uint64_t n = 1 + sim_rng_below(&rng, 16);

				if (s + n > M_VPAGES)
					n = M_VPAGES - s;
				both_op(&b, TOP_MUNMAP, as, BASE + s * PS,
				    n * PS, 0);
				for (uint64_t v = s; v < s + n; v++)
					a->ma_obj[v] = 0;
			} else if (r < 19 && m_nlive(m) < 10 &&
			    nextid < M_MAXAS) { /* fork */
				struct m_as *ch;
				int map[M_MAXOBJ + 1];

				c = nextid++;
				both_op(&b, TOP_FORK, as, 0, 0, c);
				ch = &m->m_as[c];
				*ch = *a;
				memset(map, 0, sizeof(map));
				for (int v = 0; v < M_VPAGES; v++) {
					int o = a->ma_obj[v];

					if (o == 0 || m->m_obj[o - 1].mo_shared)
						continue;
					if (map[o] == 0) {
						map[o] = m_newobj(m, false);
						memcpy(m->m_obj[map[o] - 1]
							   .mo_page,
						    m->m_obj[o - 1].mo_page,
						    M_VPAGES);
					}
					ch->ma_obj[v] = map[o];
				}
			} else if (r < 21) { /* exec */
				both_op(&b, TOP_EXEC_AS, as, 0, 0, 0);
				m_retire(m, as, b.b_tb.tb_n);
				memset(a->ma_obj, 0, sizeof(a->ma_obj));
			} else if (r < 24 && m_nlive(m) > 1) { /* exit */
				both_op(&b, TOP_EXIT, as, 0, 0, 0);
				m_retire(m, as, b.b_tb.tb_n);
				a->ma_live = false;
			} else { /* an access to a mapped page, if any */
				int v = (int)sim_rng_below(&rng, M_VPAGES);
				int tries = 0;

				while (a->ma_obj[v] == 0 && tries++ < M_VPAGES)
					v = (v + 1) % M_VPAGES;
				if (a->ma_obj[v] == 0)
					continue;
				both_op(&b,
				    sim_rng_below(&rng, 2) ? TOP_WRITE
							   : TOP_READ,
				    as, BASE + (uint64_t)v * PS + 16, 8, 0);
				m->m_obj[a->ma_obj[v] - 1]
				    .mo_page[a->ma_idx[v]] = 1;
			}
		}
		for (uint32_t i = 1; i < M_MAXAS; i++)
			if (m->m_as[i].ma_live)
				m_retire(m, i, 0);
		(void)evno;
		u = run_job(&engine_uvm, round % 2 ? "clockpro" : "clock", &b,
		    8192, SIM_MAPS_CENSUS);
		assert_int_equal(u.sr_errors, 0);
		assert_int_equal(u.sr_evictions, 0);
		assert_int_equal(u.sr_nas, m->m_nret);
		for (size_t i = 0; i < m->m_nret; i++) {
			const struct sim_asinfo *x = &u.sr_as[i];
			const struct sim_asinfo *y = &m->m_ret[i];

			assert_int_equal(x->ai_as, y->ai_as);
			assert_int_equal(x->ai_event, y->ai_event);
			assert_int_equal(x->ai_virtual, y->ai_virtual + base);
			if (x->ai_resident != y->ai_resident)
				fail_msg("round %llu: as %u at event %llu: "
					 "resident %llu, model %llu",
				    (unsigned long long)round, x->ai_as,
				    (unsigned long long)x->ai_event,
				    (unsigned long long)x->ai_resident,
				    (unsigned long long)y->ai_resident);
			assert_true(x->ai_entries <= x->ai_virtual);
		}
		sim_result_free(&u);
		both_free(&b);
	}
	free(m->m_obj);
	free(m);
}

/* Failed calls: counted, described with their event number, not fatal. */
static void
t_errors(void **state)
{
	struct sim_result u;
	struct both b;

	(void)state;
	th_install_panic_hook();
	both_init(&b);
	both_mmap(&b, 1, BASE, 4, TMAP_PRIVATE);
	both_op(&b, TOP_WRITE, 1, BASE, 8, 0);
	both_op(&b, TOP_READ, 1, BASE + 64 * PS, 8, 0);   /* event 3: SEGV */
	both_op(&b, TOP_MUNMAP, 1, 0ull - PS, 2 * PS, 0); /* 4: wraps */
	both_op(&b, TOP_EXIT, 7, 0, 0, 0);                /* 5: no such as */
	both_op(&b, TOP_FORK, 1, 0, 0, 2);
	both_op(&b, TOP_FORK, 1, 0, 0, 2); /* 7: child exists */
	both_op(&b, TOP_READ, 2, BASE, 8, 0);
	u = run_job(&engine_uvm, "clock", &b, 256, SIM_MAPS_PROCMAPS);
	assert_int_equal(u.sr_errors, 4);
	assert_non_null(u.sr_notes);
	assert_non_null(strstr(u.sr_notes,
	    "event 3 (R as 1 0x140000+0x8): "
	    "EFAULT"));
	assert_non_null(strstr(u.sr_notes, "event 4 (munmap as 1 "));
	assert_non_null(strstr(u.sr_notes, "event 5 (exit as 7): ESRCH"));
	assert_non_null(strstr(u.sr_notes,
	    "event 7 (fork as 1 -> as 2): "
	    "EEXIST"));
	assert_int_equal(u.sr_faults, 3); /* write, SEGV, child read */
	assert_non_null(u.sr_maps);
	assert_non_null(strstr(u.sr_maps, "== as 1 at the end of the trace: "));
	assert_non_null(strstr(u.sr_maps, " pages mapped, 1 resident\n"));
	assert_non_null(strstr(u.sr_maps, "00100000-00104000 rw-p"));
	sim_result_free(&u);
	both_free(&b);
}

static void
both_ctl(struct both *b, int op, uint64_t addr, uint64_t len, unsigned prot,
    unsigned flags)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)op;
	ev.ev_as = 1;
	ev.ev_addr = addr;
	ev.ev_len = len;
	ev.ev_prot = (uint8_t)prot;
	ev.ev_flags = (uint16_t)flags;
	both_ev(b, &ev);
}

/* The other calls reach the machine: protection, advice, wiring, sync. */
static void
t_calls(void **state)
{
	struct sim_result u;
	struct both b;

	(void)state;
	th_install_panic_hook();
	both_init(&b);
	both_mmap(&b, 1, BASE, 8, TMAP_PRIVATE);
	for (int i = 0; i < 8; i++)
		both_op(&b, TOP_WRITE, 1, BASE + (uint64_t)i * PS, 8, 0);
	/* Before the entry is split: freeing needs an unshared amap. */
	both_ctl(&b, TOP_MADVISE, BASE + 4 * PS, 4 * PS, 0, TADV_FREE);
	both_ctl(&b, TOP_MPROTECT, BASE, 2 * PS, TPROT_READ, 0);
	both_op(&b, TOP_WRITE, 1, BASE, 8, 0); /* 12: EACCES */
	both_op(&b, TOP_READ, 1, BASE, 8, 0);
	both_ctl(&b, TOP_MADVISE, BASE, 8 * PS, 0, TADV_SEQUENTIAL);
	both_ctl(&b, TOP_MLOCK, BASE + 2 * PS, 2 * PS, 0, 0);
	both_ctl(&b, TOP_MSYNC, BASE, 8 * PS, 0, TSYNC_SYNC);
	both_ctl(&b, TOP_MSYNC, BASE, 8 * PS, 0,
	    TSYNC_SYNC | TSYNC_ASYNC);                     /* 17: EINVAL */
	both_ctl(&b, TOP_MLOCK, BASE + 64 * PS, PS, 0, 0); /* 18: ENOMEM */
	both_op(&b, TOP_WRITE, 1, BASE + 5 * PS, 8, 0);    /* zero-fill again */
	both_ctl(&b, TOP_MUNLOCK, BASE + 2 * PS, 2 * PS, 0, 0);
	both_ctl(&b, TOP_MMAP, BASE + 1, PS, TPROT_READ,
	    TMAP_PRIVATE | TMAP_ANON | TMAP_FIXED); /* 21: EINVAL */
	u = run_job(&engine_uvm, "clock", &b, 256, SIM_MAPS_CENSUS);
	assert_int_equal(u.sr_errors, 4);
	assert_non_null(strstr(u.sr_notes,
	    "event 12 (W as 1 0x100000+0x8): "
	    "EACCES"));
	assert_non_null(strstr(u.sr_notes, "event 17 (msync as 1 "));
	assert_non_null(strstr(u.sr_notes, "event 18 (mlock as 1 "));
	assert_non_null(strstr(u.sr_notes, "event 21 (mmap as 1 "));
	/* 8 first touches, the refused write, the page freed by MADV_FREE. */
	assert_int_equal(u.sr_cold, 9);
	assert_true(u.sr_faults >= 10);
	assert_int_equal(u.sr_uvmexp.wired, 0);
	assert_int_equal(u.sr_nas, 1);
	assert_int_equal(u.sr_as[0].ai_virtual, 8 + base_pages());
	assert_int_equal(u.sr_as[0].ai_resident, 5); /* 3 of 4 freed */
	sim_result_free(&u);
	both_free(&b);
}

/* Same job, same result: alone, twice in a row, and on two workers. */
static void
t_deterministic(void **state)
{
	struct sim_job jobs[4];
	struct sim_result r[4];
	struct sim_rng rng;
	struct both b;
	char err[256];

	(void)state;
	th_install_panic_hook();
	sim_rng_seed(&rng, 11);
	build_flat(&b, &rng, 200, 6000, true, 1);
	both_op(&b, TOP_FORK, 1, 0, 0, 2);
	for (int i = 0; i < 500; i++)
		both_op(&b, TOP_WRITE, 2, BASE + sim_rng_below(&rng, 200) * PS,
		    8, 0);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < 4; i++) {
		jobs[i].sj_engine = &engine_uvm;
		jobs[i].sj_policy = i % 2 ? "clockpro" : "clock";
		jobs[i].sj_frames = 96;
		jobs[i].sj_pagesize = PS;
		jobs[i].sj_seed = 1;
		jobs[i].sj_refs = &b.b_rs;
		jobs[i].sj_events = &b.b_tb;
		jobs[i].sj_interval = 500;
	}
	for (unsigned w = 1; w <= 2; w++) {
		struct sim_result s[4];

		assert_int_equal(sweep_run(jobs, w == 1 ? r : s, 4, w, true,
				     err, sizeof(err)),
		    0);
		if (w == 1)
			continue;
		for (int i = 0; i < 4; i++) {
			assert_memory_equal(&r[i].sr_uvmexp, &s[i].sr_uvmexp,
			    sizeof(struct uvmexp));
			assert_int_equal(r[i].sr_faults, s[i].sr_faults);
			assert_int_equal(r[i].sr_nts, s[i].sr_nts);
			assert_memory_equal(r[i].sr_ts, s[i].sr_ts,
			    r[i].sr_nts * sizeof(struct sim_tsrow));
			sim_result_free(&s[i]);
		}
	}
	/* Jobs 0 and 2 are the same job. */
	assert_memory_equal(
	    &r[0].sr_uvmexp, &r[2].sr_uvmexp, sizeof(struct uvmexp));
	assert_true(r[0].sr_evictions > 0); /* there was pressure */
	assert_true(r[0].sr_uvmexp.flt_acow > 0);
	/* The time series adds up to the totals. */
	for (int i = 0; i < 4; i++) {
		uint64_t refs = 0, faults = 0;

		for (size_t j = 0; j < r[i].sr_nts; j++) {
			refs += r[i].sr_ts[j].ts_refs;
			faults += r[i].sr_ts[j].ts_faults;
		}
		assert_int_equal(refs, r[i].sr_refs);
		assert_int_equal(faults, r[i].sr_faults);
		sim_result_free(&r[i]);
	}
	both_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_fits),
	    cmocka_unit_test(t_opt_bound),
	    cmocka_unit_test(t_fork_model),
	    cmocka_unit_test(t_errors),
	    cmocka_unit_test(t_calls),
	    cmocka_unit_test(t_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
