/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_stress_locks.c: multi-threaded storms on the kernel stand-ins:
 * mutexes, read/write locks with upgrades and downgrades, condition
 * variables, pools and the fault-injection counters.  Each storm checks
 * invariants that only hold if the locks exclude what they should (pairs
 * of plain counters that must stay equal, totals that must add up).
 * This is the ThreadSanitizer target for src/kern: every shared access is
 * either under a lock or atomic.
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "t_harness.h"
#include "kern/kern.h"

#define NTHREADS 6

static int
group_setup(void **state)
{
	(void)state;
	th_install_panic_hook();
	return 0;
}

/*
 * Worker threads must not call cmocka's assertions (a failure longjmps to
 * the main thread's context): they count violations, and the main thread
 * asserts that there were none.
 */
static unsigned storm_errors; /* [atomic] */

#define CHECK(e)                                                               \
	do {                                                                   \
		if (!(e)) {                                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #e);                                     \
			__atomic_fetch_add(                                    \
			    &storm_errors, 1, __ATOMIC_RELAXED);               \
		}                                                              \
	} while (0)
#define CHECK_EQ(a, b) CHECK((uint64_t)(a) == (uint64_t)(b))

struct storm;
typedef void (*storm_fn)(struct storm *, unsigned tid);

struct storm {
	storm_fn st_fn;
	unsigned st_iters;
	int st_go; /* [atomic] start line */
};

struct storm_arg {
	struct storm *sa_storm;
	unsigned sa_tid;
};

static void *
storm_main(void *arg)
{
	struct storm_arg *sa = arg;

	while (__atomic_load_n(&sa->sa_storm->st_go, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
	sa->sa_storm->st_fn(sa->sa_storm, sa->sa_tid);
	/* Every thread leaves with no lock held. */
	CHECK_EQ(lockdebug_nheld(), 0);
	return NULL;
}

static void
storm_run(struct storm *st, storm_fn fn, unsigned iters)
{
	pthread_t t[NTHREADS];
	struct storm_arg sa[NTHREADS];
	unsigned i;

	st->st_fn = fn;
	st->st_iters = iters;
	__atomic_store_n(&st->st_go, 0, __ATOMIC_RELEASE);
	for (i = 0; i < NTHREADS; i++) {
		sa[i].sa_storm = st;
		sa[i].sa_tid = i;
		assert_int_equal(
		    pthread_create(&t[i], NULL, storm_main, &sa[i]), 0);
	}
	__atomic_store_n(&st->st_go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(__atomic_load_n(&storm_errors, __ATOMIC_RELAXED), 0);
}

/* ---------------------------------------------------------------------- */

struct mutex_storm {
	struct storm ms_storm;
	struct kmutex ms_outer; /* LC_MAP */
	struct kmutex ms_inner; /* LC_LEAF */
	uint64_t ms_a, ms_b;    /* [ms_outer] always equal outside it */
	uint64_t ms_c;          /* [ms_inner] */
	uint64_t ms_tries;      /* [ms_inner] successful try-locks */
};

static void
mutex_storm_fn(struct storm *st, unsigned tid)
{
	struct mutex_storm *ms = (struct mutex_storm *)st;
	unsigned i;

	for (i = 0; i < st->st_iters; i++) {
		if ((i + tid) % 7 == 0) {
			if (!mutex_tryenter(&ms->ms_outer))
				continue;
			mutex_enter(&ms->ms_inner);
			ms->ms_tries++;
			mutex_exit(&ms->ms_inner);
		} else
			mutex_enter(&ms->ms_outer);
		CHECK(mutex_owned(&ms->ms_outer));
		CHECK_EQ(ms->ms_a, ms->ms_b);
		ms->ms_a++;
		if (i % 3 == 0)
			sched_yield();
		ms->ms_b++;
		mutex_enter(&ms->ms_inner);
		ms->ms_c++;
		mutex_exit(&ms->ms_inner);
		mutex_exit(&ms->ms_outer);
		CHECK(!mutex_owned(&ms->ms_outer));
	}
}

static void
test_stress_mutex(void **state)
{
	struct mutex_storm ms;
	uint64_t blocking;
	unsigned t, i;

	(void)state;
	memset(&ms, 0, sizeof(ms));
	mutex_init(&ms.ms_outer, LC_MAP, "s_outer");
	mutex_init(&ms.ms_inner, LC_LEAF, "s_inner");
	storm_run(&ms.ms_storm, mutex_storm_fn, 20000);
	blocking = 0;
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < 20000; i++)
			blocking += (i + t) % 7 != 0;
	assert_int_equal(ms.ms_a, ms.ms_b);
	assert_int_equal(ms.ms_a, ms.ms_c);
	/* Blocking entries always count; try-locks count when they won. */
	assert_true(ms.ms_a <= (uint64_t)NTHREADS * 20000);
	assert_true(ms.ms_a >= (uint64_t)NTHREADS * 20000 * 6 / 7 - NTHREADS);
	assert_int_equal(ms.ms_a - ms.ms_tries, blocking);
	mutex_destroy(&ms.ms_inner);
	mutex_destroy(&ms.ms_outer);
}

/* ---------------------------------------------------------------------- */

struct rw_storm {
	struct storm rs_storm;
	struct krwlock rs_lock;       /* LC_OBJECT */
	uint64_t rs_x, rs_y;          /* [rs_lock] equal whenever readable */
	uint64_t rs_writes[NTHREADS]; /* per thread, private until joined */
	int rs_readers;               /* [atomic] readers inside */
	int rs_writers;               /* [atomic] writers inside */
};

static void
rw_check_read(struct rw_storm *rs)
{
	CHECK_EQ(__atomic_load_n(&rs->rs_writers, __ATOMIC_ACQUIRE), 0);
	CHECK_EQ(rs->rs_x, rs->rs_y);
}

static void
rw_write(struct rw_storm *rs, unsigned tid)
{
	CHECK_EQ(__atomic_fetch_add(&rs->rs_writers, 1, __ATOMIC_ACQ_REL), 0);
	CHECK_EQ(__atomic_load_n(&rs->rs_readers, __ATOMIC_ACQUIRE), 0);
	CHECK(rw_write_held(&rs->rs_lock));
	CHECK_EQ(rs->rs_x, rs->rs_y);
	rs->rs_x++;
	rs->rs_y++;
	rs->rs_writes[tid]++;
	__atomic_fetch_sub(&rs->rs_writers, 1, __ATOMIC_ACQ_REL);
}

static void
rw_storm_fn(struct storm *st, unsigned tid)
{
	struct rw_storm *rs = (struct rw_storm *)st;
	unsigned i;

	for (i = 0; i < st->st_iters; i++) {
		switch ((i * 7 + tid) % 6) {
		case 0: /* writer */
			rw_enter(&rs->rs_lock, RW_WRITER);
			rw_write(rs, tid);
			rw_exit(&rs->rs_lock);
			break;
		case 1: /* reader that tries to upgrade */
			rw_enter(&rs->rs_lock, RW_READER);
			__atomic_fetch_add(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			rw_check_read(rs);
			__atomic_fetch_sub(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			if (rw_tryupgrade(&rs->rs_lock)) {
				rw_write(rs, tid);
				/* And back down: still readable, consistent. */
				rw_downgrade(&rs->rs_lock);
				CHECK(!rw_write_held(&rs->rs_lock));
				__atomic_fetch_add(
				    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
				rw_check_read(rs);
				__atomic_fetch_sub(
				    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			}
			rw_exit(&rs->rs_lock);
			break;
		case 2: /* writer that downgrades */
			rw_enter(&rs->rs_lock, RW_WRITER);
			rw_write(rs, tid);
			rw_downgrade(&rs->rs_lock);
			__atomic_fetch_add(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			rw_check_read(rs);
			__atomic_fetch_sub(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			rw_exit(&rs->rs_lock);
			break;
		case 3: /* try-locks */
			if (rw_tryenter(&rs->rs_lock, RW_WRITER)) {
				rw_write(rs, tid);
				rw_exit(&rs->rs_lock);
			} else if (rw_tryenter(&rs->rs_lock, RW_READER)) {
				rw_check_read(rs);
				rw_exit(&rs->rs_lock);
			}
			break;
		default: /* plain readers */
			rw_enter(&rs->rs_lock, RW_READER);
			CHECK(rw_read_held(&rs->rs_lock));
			__atomic_fetch_add(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			rw_check_read(rs);
			if (i % 5 == 0)
				sched_yield();
			rw_check_read(rs);
			__atomic_fetch_sub(
			    &rs->rs_readers, 1, __ATOMIC_ACQ_REL);
			rw_exit(&rs->rs_lock);
			break;
		}
	}
}

static void
test_stress_rwlock(void **state)
{
	struct rw_storm rs;
	uint64_t total;
	unsigned i;

	(void)state;
	memset(&rs, 0, sizeof(rs));
	rw_init(&rs.rs_lock, LC_OBJECT, "s_rw");
	storm_run(&rs.rs_storm, rw_storm_fn, 20000);
	total = 0;
	for (i = 0; i < NTHREADS; i++)
		total += rs.rs_writes[i];
	assert_int_equal(rs.rs_x, total);
	assert_int_equal(rs.rs_y, total);
	/* Blocking writers alone account for a third of the iterations. */
	assert_true(total >= (uint64_t)NTHREADS * 20000 / 3 - NTHREADS);
	assert_false(rw_lock_held(&rs.rs_lock));
	rw_destroy(&rs.rs_lock);
}

/* ---------------------------------------------------------------------- */

#define RING 8

struct cv_storm {
	struct storm cs_storm;
	struct kmutex cs_lock;             /* LC_LEAF */
	struct kcondvar cs_notempty;       /* [cs_lock] */
	struct kcondvar cs_notfull;        /* [cs_lock] */
	uint64_t cs_ring[RING];            /* [cs_lock] */
	unsigned cs_head, cs_n;            /* [cs_lock] */
	uint64_t cs_produced, cs_consumed; /* [cs_lock] sums of values */
	unsigned cs_timeouts;              /* [cs_lock] */
};

/* Even threads produce, odd threads consume the same amount. */
static void
cv_storm_fn(struct storm *st, unsigned tid)
{
	struct cv_storm *cs = (struct cv_storm *)st;
	unsigned i;
	uint64_t v;

	for (i = 0; i < st->st_iters; i++) {
		mutex_enter(&cs->cs_lock);
		if (tid % 2 == 0) {
			while (cs->cs_n == RING)
				cv_wait(&cs->cs_notfull, &cs->cs_lock);
			v = (uint64_t)tid * 1000003u + i;
			cs->cs_ring[(cs->cs_head + cs->cs_n) % RING] = v;
			cs->cs_n++;
			cs->cs_produced += v;
			if (i % 2 == 0)
				cv_signal(&cs->cs_notempty);
			else
				cv_broadcast(&cs->cs_notempty);
		} else {
			while (cs->cs_n == 0)
				if (cv_timedwait(
					&cs->cs_notempty, &cs->cs_lock, 1) != 0)
					cs->cs_timeouts++;
			CHECK(mutex_owned(&cs->cs_lock));
			v = cs->cs_ring[cs->cs_head];
			cs->cs_head = (cs->cs_head + 1) % RING;
			cs->cs_n--;
			cs->cs_consumed += v;
			cv_signal(&cs->cs_notfull);
		}
		mutex_exit(&cs->cs_lock);
	}
}

static void
test_stress_condvar(void **state)
{
	struct cv_storm cs;
	uint64_t want;
	unsigned t, i;

	(void)state;
	memset(&cs, 0, sizeof(cs));
	mutex_init(&cs.cs_lock, LC_LEAF, "s_cv");
	cv_init(&cs.cs_notempty, "notempty");
	cv_init(&cs.cs_notfull, "notfull");
	storm_run(&cs.cs_storm, cv_storm_fn, 5000);
	assert_int_equal(cs.cs_n, 0);
	want = 0;
	for (t = 0; t < NTHREADS; t += 2)
		for (i = 0; i < 5000; i++)
			want += (uint64_t)t * 1000003u + i;
	assert_int_equal(cs.cs_produced, want);
	assert_int_equal(cs.cs_consumed, want);
	cv_destroy(&cs.cs_notfull);
	cv_destroy(&cs.cs_notempty);
	mutex_destroy(&cs.cs_lock);
}

/* ---------------------------------------------------------------------- */

struct pool_storm {
	struct storm ps_storm;
	struct pool_registry ps_reg;
	struct pool ps_pool;
	struct kfi ps_fi;
	uint64_t ps_ok[NTHREADS];   /* per thread */
	uint64_t ps_fail[NTHREADS]; /* per thread */
};

#define POOL_HOLD 40

static void
pool_storm_fn(struct storm *st, unsigned tid)
{
	struct pool_storm *ps = (struct pool_storm *)st;
	uint64_t *held[POOL_HOLD];
	unsigned i, j, n;

	n = 0;
	for (i = 0; i < st->st_iters; i++) {
		if (n < POOL_HOLD && (i % 3 != 2 || n == 0)) {
			held[n] = pool_get(&ps->ps_pool,
			    (i % 4 == 0 ? PR_WAITOK : PR_NOWAIT) | PR_ZERO);
			if (held[n] == NULL) {
				ps->ps_fail[tid]++;
				continue;
			}
			for (j = 0; j < 4; j++) {
				CHECK_EQ(held[n][j], 0);
				held[n][j] = ((uint64_t)tid << 32) | i;
			}
			ps->ps_ok[tid]++;
			n++;
		} else {
			n--;
			/* Nobody else wrote our item while we held it. */
			for (j = 1; j < 4; j++)
				CHECK_EQ(held[n][j], held[n][0]);
			CHECK_EQ(held[n][0] >> 32, tid);
			pool_put(&ps->ps_pool, held[n]);
		}
		if (i % 1000 == 0 && tid == 0)
			(void)pool_registry_nout(&ps->ps_reg);
		if (i % 2500 == 0 && tid == 1)
			(void)pool_reclaim(&ps->ps_pool);
	}
	while (n > 0)
		pool_put(&ps->ps_pool, held[--n]);
}

static void
test_stress_pool(void **state)
{
	struct pool_storm ps;
	struct pool_stats st;
	uint64_t ok, fail;
	unsigned i;

	(void)state;
	memset(&ps, 0, sizeof(ps));
	kfi_init(&ps.ps_fi);
	pool_registry_init(&ps.ps_reg);
	pool_init(&ps.ps_pool, 4 * sizeof(uint64_t), 0, "s_pool", &ps.ps_reg,
	    &ps.ps_fi, KFI_POOL);
	/* Fail a fixed number of the NOWAIT gets, somewhere in the storm. */
	kfi_arm(&ps.ps_fi, KFI_POOL, 1000, 500);
	storm_run(&ps.ps_storm, pool_storm_fn, 20000);
	ok = fail = 0;
	for (i = 0; i < NTHREADS; i++) {
		ok += ps.ps_ok[i];
		fail += ps.ps_fail[i];
	}
	pool_getstats(&ps.ps_pool, &st);
	assert_int_equal(st.ps_nget, ok);
	assert_int_equal(st.ps_nput, ok);
	assert_int_equal(st.ps_nfail, fail);
	assert_int_equal(st.ps_nout, 0);
	assert_int_equal(fail, 500);
	assert_int_equal(kfi_failed(&ps.ps_fi, KFI_POOL), 500);
	assert_true(st.ps_hiwat <= (uint64_t)NTHREADS * POOL_HOLD);
	assert_int_equal(pool_registry_nout(&ps.ps_reg), 0);
	pool_registry_sanity(&ps.ps_reg);
	pool_destroy(&ps.ps_pool);
	pool_registry_fini(&ps.ps_reg);
}

/* ---------------------------------------------------------------------- */

struct fi_storm {
	struct storm fs_storm;
	struct kfi fs_fi;
	uint64_t fs_fails[NTHREADS][2];
};

static void
fi_storm_fn(struct storm *st, unsigned tid)
{
	struct fi_storm *fs = (struct fi_storm *)st;
	unsigned i;

	for (i = 0; i < st->st_iters; i++) {
		if (kfi_fail_p(&fs->fs_fi, KFI_PAGE))
			fs->fs_fails[tid][0]++;
		if (kfi_fail_p(&fs->fs_fi, KFI_SWAPSLOT))
			fs->fs_fails[tid][1]++;
		(void)kfi_fail_p(&fs->fs_fi, KFI_ANON); /* never armed */
	}
}

static void
test_stress_fi(void **state)
{
	struct fi_storm fs;
	uint64_t page, swap;
	unsigned i;

	(void)state;
	memset(&fs, 0, sizeof(fs));
	kfi_init(&fs.fs_fi);
	kfi_arm(&fs.fs_fi, KFI_PAGE, 5000, 777);
	kfi_arm(&fs.fs_fi, KFI_SWAPSLOT, 0, 1);
	storm_run(&fs.fs_storm, fi_storm_fn, 30000);
	page = swap = 0;
	for (i = 0; i < NTHREADS; i++) {
		page += fs.fs_fails[i][0];
		swap += fs.fs_fails[i][1];
	}
	/* Exactly the scheduled failures, each given to one caller. */
	assert_int_equal(page, 777);
	assert_int_equal(swap, 1);
	assert_int_equal(kfi_failed(&fs.fs_fi, KFI_PAGE), 777);
	assert_int_equal(kfi_failed(&fs.fs_fi, KFI_SWAPSLOT), 1);
	assert_int_equal(kfi_failed(&fs.fs_fi, KFI_ANON), 0);
	assert_int_equal(
	    fs.fs_fi.fi_sched[KFI_PAGE].fs_checks, (uint64_t)NTHREADS * 30000);
	assert_int_equal(fs.fs_fi.fi_armed, 0); /* both schedules spent */
}

/* ---------------------------------------------------------------------- */

struct hist_storm {
	struct storm hs_storm;
	struct khist hs_hist;
};

static void
hist_storm_fn(struct storm *st, unsigned tid)
{
	struct hist_storm *hs = (struct hist_storm *)st;
	unsigned i;

	for (i = 0; i < st->st_iters; i++)
		khist_log(&hs->hs_hist, "storm", "tid=%ju i=%ju", tid, i, 0, 0);
}

static void
test_stress_hist(void **state)
{
	struct hist_storm hs;
	FILE *fp;

	(void)state;
	memset(&hs, 0, sizeof(hs));
	assert_int_equal(khist_init(&hs.hs_hist, "storm", 256), 0);
	storm_run(&hs.hs_storm, hist_storm_fn, 10000);
	assert_int_equal(hs.hs_hist.h_seq, (uint64_t)NTHREADS * 10000);
	fp = fopen("/dev/null", "w");
	assert_non_null(fp);
	khist_dump(&hs.hs_hist, fp, 0);
	fclose(fp);
	khist_fini(&hs.hs_hist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stress_mutex),
	    cmocka_unit_test(test_stress_rwlock),
	    cmocka_unit_test(test_stress_condvar),
	    cmocka_unit_test(test_stress_pool),
	    cmocka_unit_test(test_stress_fi),
	    cmocka_unit_test(test_stress_hist),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
