/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_kern_lock.c: mutex(9), rwlock(9) and condvar(9) stand-ins: owner
 * tracking, try-locks, upgrade and downgrade, writer preference, timed
 * waits, and (LOCKDEBUG builds) the lock-order witness.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "t_harness.h"
#include "kern/kern.h"

static int
group_setup(void **state)
{
	(void)state;
	th_install_panic_hook();
	return 0;
}

/* Run fn(arg) on another thread and wait for it. */
static void
on_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, fn, arg), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------- */

struct probe {
	struct kmutex *p_mtx;
	struct krwlock *p_rw;
	bool p_owned; /* mutex_owned / rw_write_held seen there */
	bool p_try;   /* result of a try-lock there */
	bool p_readheld;
};

static void *
probe_mutex(void *arg)
{
	struct probe *p = arg;

	p->p_owned = mutex_owned(p->p_mtx);
	p->p_try = mutex_tryenter(p->p_mtx);
	if (p->p_try)
		mutex_exit(p->p_mtx);
	return NULL;
}

static void
test_mutex_owner(void **state)
{
	struct kmutex m;
	struct probe p = {.p_mtx = &m};

	(void)state;
	mutex_init(&m, LC_LEAF, "t_mutex");
	assert_false(mutex_owned(&m));
	mutex_enter(&m);
	assert_true(mutex_owned(&m));
	on_thread(probe_mutex, &p);
	assert_false(p.p_owned); /* held, but not by that thread */
	assert_false(p.p_try);
	assert_true(mutex_owned(&m));
	/* Held by us: a try-lock does not recurse. */
	assert_false(mutex_tryenter(&m));
	mutex_exit(&m);
	assert_false(mutex_owned(&m));

	/* Free: another thread takes and releases it. */
	on_thread(probe_mutex, &p);
	assert_false(p.p_owned);
	assert_true(p.p_try);
	assert_false(mutex_owned(&m));

	assert_true(mutex_tryenter(&m));
	assert_true(mutex_owned(&m));
	mutex_exit(&m);
	mutex_destroy(&m);
}

static void *
probe_rw(void *arg)
{
	struct probe *p = arg;

	p->p_owned = rw_write_held(p->p_rw);
	p->p_readheld = rw_read_held(p->p_rw);
	p->p_try = rw_tryenter(p->p_rw, RW_READER);
	if (p->p_try)
		rw_exit(p->p_rw);
	return NULL;
}

static void
test_rw_basic(void **state)
{
	struct krwlock rw;
	struct probe p = {.p_rw = &rw};

	(void)state;
	rw_init(&rw, LC_OBJECT, "t_rw");
	assert_false(rw_lock_held(&rw));
	assert_false(rw_write_held(&rw));
	assert_false(rw_read_held(&rw));

	rw_enter(&rw, RW_WRITER);
	assert_true(rw_write_held(&rw));
	assert_true(rw_lock_held(&rw));
	assert_false(rw_read_held(&rw));
	on_thread(probe_rw, &p);
	assert_false(p.p_owned);
	assert_false(p.p_try);
	assert_false(rw_tryenter(&rw, RW_READER));

	/* Downgrade: readers may now join. */
	rw_downgrade(&rw);
	assert_false(rw_write_held(&rw));
	assert_true(rw_read_held(&rw));
	assert_true(rw_lock_held(&rw));
	on_thread(probe_rw, &p);
	assert_true(p.p_try);
	assert_true(p.p_readheld);
	assert_false(rw_tryenter(&rw, RW_WRITER));

	/* Sole reader: the upgrade succeeds. */
	assert_true(rw_tryupgrade(&rw));
	assert_true(rw_write_held(&rw));
	assert_false(rw_read_held(&rw));
	rw_exit(&rw);
	assert_false(rw_lock_held(&rw));

	/* Two readers (one recursion-free pair): shared holds. */
	rw_enter(&rw, RW_READER);
	assert_true(rw_tryenter(&rw, RW_READER));
	assert_true(rw_read_held(&rw));
	assert_false(rw_tryupgrade(&rw)); /* not the sole reader */
	assert_true(rw_read_held(&rw));
	rw_exit(&rw);
	assert_true(rw_tryupgrade(&rw));
	rw_exit(&rw);

	assert_true(rw_tryenter(&rw, RW_WRITER));
	assert_true(rw_write_held(&rw));
	rw_exit(&rw);
	assert_false(rw_lock_held(&rw));
	rw_destroy(&rw);
}

struct upgrade_race {
	struct krwlock *ur_rw;
	int ur_held;    /* [atomic] the other reader holds its lock */
	int ur_release; /* [atomic] the other reader may let go */
};

static void *
reader_holder(void *arg)
{
	struct upgrade_race *ur = arg;

	rw_enter(ur->ur_rw, RW_READER);
	__atomic_store_n(&ur->ur_held, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&ur->ur_release, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
	rw_exit(ur->ur_rw);
	return NULL;
}

static void *
writer_waiter(void *arg)
{
	struct upgrade_race *ur = arg;

	rw_enter(ur->ur_rw, RW_WRITER);
	assert_true(rw_write_held(ur->ur_rw));
	rw_exit(ur->ur_rw);
	return NULL;
}

/* A waiting writer keeps new readers out (writer preference). */
static void
test_rw_writer_preference(void **state)
{
	struct krwlock rw;
	struct upgrade_race ur = {.ur_rw = &rw};
	pthread_t r, w;

	(void)state;
	rw_init(&rw, LC_OBJECT, "t_rwpref");
	assert_int_equal(pthread_create(&r, NULL, reader_holder, &ur), 0);
	while (__atomic_load_n(&ur.ur_held, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
	assert_true(rw_tryenter(&rw, RW_READER)); /* no writer yet */
	rw_exit(&rw);
	assert_int_equal(pthread_create(&w, NULL, writer_waiter, &ur), 0);
	while (__atomic_load_n(&rw.rw_wwait, __ATOMIC_ACQUIRE) == 0)
		sched_yield();
	assert_false(rw_tryenter(&rw, RW_READER)); /* a writer waits */
	__atomic_store_n(&ur.ur_release, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(r, NULL), 0);
	assert_int_equal(pthread_join(w, NULL), 0);
	assert_false(rw_lock_held(&rw));
	assert_int_equal(__atomic_load_n(&rw.rw_wwait, __ATOMIC_ACQUIRE), 0);
	rw_destroy(&rw);
}

/* ---------------------------------------------------------------------- */

struct cvtest {
	struct kmutex ct_lock;
	struct kcondvar ct_cv;
	int ct_flag;  /* [ct_lock] */
	int ct_woken; /* [ct_lock] */
};

static void *
cv_waiter(void *arg)
{
	struct cvtest *ct = arg;

	mutex_enter(&ct->ct_lock);
	while (ct->ct_flag == 0)
		cv_wait(&ct->ct_cv, &ct->ct_lock);
	assert_true(mutex_owned(&ct->ct_lock));
	ct->ct_woken++;
	mutex_exit(&ct->ct_lock);
	return NULL;
}

static void
test_cv(void **state)
{
	struct cvtest ct;
	pthread_t t[3];
	uint64_t t0;
	int i, error;

	(void)state;
	memset(&ct, 0, sizeof(ct));
	mutex_init(&ct.ct_lock, LC_LEAF, "t_cvlock");
	cv_init(&ct.ct_cv, "t_cv");

	/* A timed wait with nobody to signal times out, mutex held. */
	mutex_enter(&ct.ct_lock);
	t0 = now_ms();
	error = cv_timedwait(&ct.ct_cv, &ct.ct_lock, 30);
	assert_int_equal(error, EWOULDBLOCK);
	assert_true(now_ms() - t0 >= 25);
	assert_true(mutex_owned(&ct.ct_lock));
	mutex_exit(&ct.ct_lock);

	/* Broadcast wakes every waiter. */
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, cv_waiter, &ct), 0);
	sleep_ms(10);
	mutex_enter(&ct.ct_lock);
	ct.ct_flag = 1;
	cv_broadcast(&ct.ct_cv);
	mutex_exit(&ct.ct_lock);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(ct.ct_woken, 3);

	/* A signal ends a timed wait early with 0. */
	ct.ct_flag = 0;
	assert_int_equal(pthread_create(&t[0], NULL, cv_waiter, &ct), 0);
	for (;;) {
		mutex_enter(&ct.ct_lock);
		ct.ct_flag = 1;
		cv_signal(&ct.ct_cv);
		i = ct.ct_woken;
		mutex_exit(&ct.ct_lock);
		if (i == 4)
			break;
		sleep_ms(1);
	}
	assert_int_equal(pthread_join(t[0], NULL), 0);

	cv_destroy(&ct.ct_cv);
	mutex_destroy(&ct.ct_lock);
}

static void *
late_signal(void *arg)
{
	struct cvtest *ct = arg;

	sleep_ms(5);
	mutex_enter(&ct->ct_lock);
	ct->ct_flag = 1;
	cv_signal(&ct->ct_cv);
	mutex_exit(&ct->ct_lock);
	return NULL;
}

static void
test_cv_timedwait_woken(void **state)
{
	struct cvtest ct;
	pthread_t t;
	int error;

	(void)state;
	memset(&ct, 0, sizeof(ct));
	mutex_init(&ct.ct_lock, LC_LEAF, "t_cvlock");
	cv_init(&ct.ct_cv, "t_cv");
	assert_int_equal(pthread_create(&t, NULL, late_signal, &ct), 0);
	mutex_enter(&ct.ct_lock);
	error = 0;
	while (ct.ct_flag == 0 && error == 0)
		error = cv_timedwait(&ct.ct_cv, &ct.ct_lock, 10000);
	assert_int_equal(error, 0);
	assert_int_equal(ct.ct_flag, 1);
	mutex_exit(&ct.ct_lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	cv_destroy(&ct.ct_cv);
	mutex_destroy(&ct.ct_lock);
}

/* ---------------------------------------------------------------------- */
/* Misuse caught by DIAGNOSTIC (owner tracking, no witness needed). */

#ifdef DIAGNOSTIC
static void *
exit_foreign(void *arg)
{
	struct kmutex *m = arg;

	/* The panic hook longjmps back here, on this thread. */
	if (!TH_EXPECT_PANIC(mutex_exit(m)))
		fail_msg("mutex_exit by a non-owner did not panic");
	assert_non_null(strstr(th_panic_msg, "does not own"));
	return NULL;
}

static void
test_mutex_misuse(void **state)
{
	struct kmutex m;
	struct krwlock rw;

	(void)state;
	mutex_init(&m, LC_LEAF, "t_misuse");
	assert_true(TH_EXPECT_PANIC(mutex_exit(&m)));
	mutex_enter(&m);
	assert_true(TH_EXPECT_PANIC(mutex_enter(&m)));
	assert_non_null(strstr(th_panic_msg, "against myself"));
	assert_true(mutex_owned(&m));
	on_thread(exit_foreign, &m);
	assert_true(mutex_owned(&m));
	mutex_exit(&m);
	mutex_destroy(&m);

	rw_init(&rw, LC_OBJECT, "t_rwmisuse");
	assert_true(TH_EXPECT_PANIC(rw_exit(&rw)));
	assert_true(TH_EXPECT_PANIC(rw_downgrade(&rw)));
	rw_enter(&rw, RW_WRITER);
	assert_true(TH_EXPECT_PANIC(rw_enter(&rw, RW_READER)));
	assert_true(TH_EXPECT_PANIC(rw_tryupgrade(&rw)));
	assert_true(rw_write_held(&rw));
	rw_exit(&rw);
	rw_destroy(&rw);
}

static void
test_cv_unowned(void **state)
{
	struct kmutex m;
	struct kcondvar cv;

	(void)state;
	mutex_init(&m, LC_LEAF, "t_cvm");
	cv_init(&cv, "t_cvu");
	assert_true(TH_EXPECT_PANIC(cv_wait(&cv, &m)));
	assert_non_null(strstr(th_panic_msg, "not owned"));
	assert_true(TH_EXPECT_PANIC(cv_timedwait(&cv, &m, 1)));
	assert_false(mutex_owned(&m));
	cv_destroy(&cv);
	mutex_destroy(&m);
}
#endif /* DIAGNOSTIC */

/* ---------------------------------------------------------------------- */
/* The witness. */

#ifdef LOCKDEBUG
static void
test_witness_order(void **state)
{
	struct kmutex map, obj, obj2, leaf;
	struct krwlock amap;

	(void)state;
	mutex_init(&map, LC_MAP, "t_map");
	rw_init(&amap, LC_AMAP, "t_amap");
	mutex_init(&obj, LC_OBJECT, "t_obj");
	mutex_init(&obj2, LC_OBJECT, "t_obj2");
	mutex_init(&leaf, LC_LEAF, "t_leaf");
	assert_int_equal(lockdebug_nheld(), 0);

	/* The documented order passes; equal classes may nest. */
	mutex_enter(&map);
	rw_enter(&amap, RW_READER);
	mutex_enter(&obj);
	mutex_enter(&obj2);
	mutex_enter(&leaf);
	assert_int_equal(lockdebug_nheld(), 5);
	mutex_exit(&leaf);
	mutex_exit(&obj2);
	/* Out-of-order release is fine. */
	mutex_exit(&map);
	assert_int_equal(lockdebug_nheld(), 2);

	/* A reversal panics before anything changes, naming both locks. */
	assert_true(TH_EXPECT_PANIC(mutex_enter(&map)));
	assert_non_null(strstr(th_panic_msg, "t_map"));
	assert_non_null(strstr(th_panic_msg, "t_obj"));
	assert_false(mutex_owned(&map));
	assert_int_equal(lockdebug_nheld(), 2);
	assert_true(TH_EXPECT_PANIC(rw_enter(&amap, RW_WRITER)));
	assert_non_null(strstr(th_panic_msg, "t_amap"));

	/* Try-locks are exempt from the order but recorded. */
	assert_true(mutex_tryenter(&map));
	assert_int_equal(lockdebug_nheld(), 3);
	mutex_exit(&map);
	mutex_exit(&obj);
	rw_exit(&amap);
	assert_int_equal(lockdebug_nheld(), 0);
	lockdebug_assert_nolocks();

	mutex_enter(&leaf);
	assert_true(TH_EXPECT_PANIC(lockdebug_assert_nolocks()));
	assert_non_null(strstr(th_panic_msg, "t_leaf"));
	/* A try-lock out of order succeeds; a blocking one panics. */
	assert_true(rw_tryenter(&amap, RW_READER));
	assert_true(TH_EXPECT_PANIC(rw_enter(&amap, RW_READER)));
	assert_non_null(strstr(th_panic_msg, "reversal"));
	assert_int_equal(lockdebug_nheld(), 2);
	rw_exit(&amap);
	mutex_exit(&leaf);
	assert_int_equal(lockdebug_nheld(), 0);

	mutex_destroy(&leaf);
	mutex_destroy(&obj2);
	mutex_destroy(&obj);
	rw_destroy(&amap);
	mutex_destroy(&map);
}

static void
test_witness_rw(void **state)
{
	struct krwlock rw;
	struct kmutex leaf;

	(void)state;
	rw_init(&rw, LC_OBJECT, "t_wrw");
	mutex_init(&leaf, LC_LEAF, "t_wleaf");

	/* Release of a lock not held. */
	assert_true(TH_EXPECT_PANIC(rw_exit(&rw)));
	assert_non_null(strstr(th_panic_msg, "not held"));

	/* Upgrade and downgrade keep one record. */
	rw_enter(&rw, RW_READER);
	assert_int_equal(lockdebug_nheld(), 1);
	assert_true(rw_tryupgrade(&rw));
	assert_int_equal(lockdebug_nheld(), 1);
	assert_true(TH_EXPECT_PANIC(rw_enter(&rw, RW_READER)));
	rw_downgrade(&rw);
	assert_int_equal(lockdebug_nheld(), 1);
	mutex_enter(&leaf);
	assert_int_equal(lockdebug_nheld(), 2);
	mutex_exit(&leaf);
	rw_exit(&rw);
	assert_int_equal(lockdebug_nheld(), 0);

	mutex_destroy(&leaf);
	rw_destroy(&rw);
}

/* cv_wait hands the witness record back in its place. */
static void
test_witness_cv(void **state)
{
	struct kmutex map, obj;
	struct kcondvar cv;

	(void)state;
	mutex_init(&map, LC_MAP, "t_cvmap");
	mutex_init(&obj, LC_OBJECT, "t_cvobj");
	cv_init(&cv, "t_wcv");
	mutex_enter(&map);
	mutex_enter(&obj);
	assert_int_equal(cv_timedwait(&cv, &map, 1), EWOULDBLOCK);
	assert_int_equal(lockdebug_nheld(), 2);
	assert_true(mutex_owned(&map));
	/* map is still below obj in the stack: releasing obj works. */
	mutex_exit(&obj);
	assert_int_equal(lockdebug_nheld(), 1);
	assert_int_equal(cv_timedwait(&cv, &map, 1), EWOULDBLOCK);
	mutex_exit(&map);
	assert_int_equal(lockdebug_nheld(), 0);
	cv_destroy(&cv);
	mutex_destroy(&obj);
	mutex_destroy(&map);
}

/* Nobody sleeps holding a spin-like lock (other than the cv's mutex). */
static void
test_witness_sleep_spinlike(void **state)
{
	struct kmutex obj, pageq;
	struct kcondvar cv;

	(void)state;
	mutex_init(&obj, LC_OBJECT, "t_sobj");
	mutex_init(&pageq, LC_PAGEQ, "t_spageq");
	cv_init(&cv, "t_scv");
	mutex_enter(&obj);
	mutex_enter(&pageq);
	/* The spin-like lock is the condvar's own mutex: allowed. */
	assert_int_equal(cv_timedwait(&cv, &pageq, 1), EWOULDBLOCK);
	/* Sleeping on obj while pageq stays held is not. */
	assert_true(TH_EXPECT_PANIC(cv_timedwait(&cv, &obj, 1)));
	assert_non_null(strstr(th_panic_msg, "t_spageq"));
	assert_true(mutex_owned(&obj));
	assert_int_equal(lockdebug_nheld(), 2);
	mutex_exit(&pageq);
	assert_int_equal(cv_timedwait(&cv, &obj, 1), EWOULDBLOCK);
	mutex_exit(&obj);
	assert_int_equal(lockdebug_nheld(), 0);
	cv_destroy(&cv);
	mutex_destroy(&pageq);
	mutex_destroy(&obj);
}

static void *
witness_thread(void *arg)
{
	int *n = arg;

	*n = lockdebug_nheld();
	return NULL;
}

/* The witness is per thread. */
static void
test_witness_per_thread(void **state)
{
	struct kmutex m;
	int n = -1;

	(void)state;
	mutex_init(&m, LC_MAP, "t_pt");
	mutex_enter(&m);
	on_thread(witness_thread, &n);
	assert_int_equal(n, 0);
	assert_int_equal(lockdebug_nheld(), 1);
	mutex_exit(&m);
	mutex_destroy(&m);
}
#endif /* LOCKDEBUG */

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mutex_owner),
	    cmocka_unit_test(test_rw_basic),
	    cmocka_unit_test(test_rw_writer_preference),
	    cmocka_unit_test(test_cv),
	    cmocka_unit_test(test_cv_timedwait_woken),
#ifdef DIAGNOSTIC
	    cmocka_unit_test(test_mutex_misuse),
	    cmocka_unit_test(test_cv_unowned),
#endif
#ifdef LOCKDEBUG
	    cmocka_unit_test(test_witness_order),
	    cmocka_unit_test(test_witness_rw),
	    cmocka_unit_test(test_witness_cv),
	    cmocka_unit_test(test_witness_sleep_spinlike),
	    cmocka_unit_test(test_witness_per_thread),
#endif
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
