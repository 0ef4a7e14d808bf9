/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_lock.c: mutex(9), rwlock(9) and condvar(9) over POSIX threads, with
 * owner tracking and, with LOCKDEBUG, a lock-order witness.
 *
 * Owner tracking.  A mutex records its owner and a held flag after the
 * lock is taken, and clears the flag before it is released.  Both
 * fields are written and read with atomic operations: mutex_owned() reads
 * them without the lock, and only needs to be right for the calling
 * thread, which is the only thread that can make "held by me" true or
 * false.  The read/write lock is our own, so that it can offer
 * tryupgrade and downgrade; its writer flag and owner follow the same
 * protocol.
 *
 * Fast paths.  A mutex is a state word too (locked and waiters bits):
 * mutex_enter and mutex_exit are one atomic operation each unless
 * somebody waits, and only then use the host mutex and condition
 * variable each kmutex carries (its interlock), by the same protocol
 * as the read/write lock's below.  Condition variables sleep on the
 * mutex's interlock (see cv_sleep).
 *
 * The read/write lock's fast path.  The lock is one word: a writer bit,
 * a waiters bit and a reader count.  An uncontended rw_enter or rw_exit
 * is one compare-and-swap on it (a host mutex round trip costs several
 * times that, and the fault path takes two of these locks per fault).
 * A thread that must wait goes to the slow path: under the host mutex
 * it sets the waiters bit before it looks at the state, then sleeps on
 * the condition variable.  While the bit is set nobody takes a hold
 * without the mutex (the fast paths refuse), and whoever drops a hold
 * sees the bit in the same compare-and-swap and wakes the sleepers
 * through the mutex, after the last look they took: no lost wakeups.
 * The last waiter to get the lock clears the bit.
 *
 * Writer preference.  A reader waits while a writer holds the lock or
 * any writer is waiting; a writer waits while anybody holds it.  So a
 * steady stream of readers cannot starve a writer.  The flip side, as in
 * the kernel: a thread must not take a read lock it already holds while a
 * writer may be waiting (it would wait behind the writer, who waits for
 * it).
 *
 * The witness (LOCKDEBUG).  Each thread keeps a stack of the locks it
 * holds and their classes.  A blocking acquisition whose class is lower
 * than the highest class held panics, naming both locks; the check runs
 * before anything changes, so a test that catches the panic (by
 * longjmp from the panic hook) finds the witness exactly as before the
 * call.  Equal classes may nest: the caller promises an order the
 * witness cannot see (parent map before submap, objects in address
 * order).  Try-locks never wait, so they skip the order check but are
 * recorded.  Releasing a lock that the thread does not hold panics.
 * cv_wait() takes the mutex's record off the stack while it sleeps and
 * puts it back in the same place when it has the mutex again; it panics
 * if the thread holds, besides that mutex, a lock of a spin-like class
 * (LC_PAGEINTERLOCK and above), since nobody may sleep holding those.
 *
 * Alternatives rejected: pthread_rwlock_t cannot upgrade or downgrade,
 * and its reader/writer preference is platform policy.  A global lock
 * graph (as witness(4) builds) would find more orders than classes do,
 * but classes are the order this project documents (docs/design/
 * locking.md), and a per-thread stack needs no global state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kern/kern_assert.h"
#include "kern/kern_lock.h"

#define LK_LD(p)    __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LK_ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/* pthread_t is an integer on glibc; copy it atomically as raw bytes. */
static inline void
owner_store(pthread_t *p, pthread_t v)
{
	__atomic_store(p, &v, __ATOMIC_RELAXED);
}

static inline pthread_t
owner_load(const pthread_t *p)
{
	pthread_t v;

	__atomic_load(p, &v, __ATOMIC_RELAXED);
	return v;
}

static void
host_check(int error, const char *what, const char *name)
{
	if (__predict_false(error != 0))
		panic("%s(%s): %s", what, name, strerror(error));
}

/* ---------------------------------------------------------------------- */
/* The witness. */

#ifdef LOCKDEBUG

#define WITNESS_MAX 64

static const char *const lockclass_names[LC_NCLASSES] = {
    [0] = "none",
    [LC_MAP] = "map",
    [LC_AMAP] = "amap",
    [LC_OBJECT] = "object",
    [LC_ANON] = "anon",
    [LC_PAGEINTERLOCK] = "pageinterlock",
    [LC_PAGEQ] = "pageq",
    [LC_FREELIST] = "freelist",
    [LC_SWAP] = "swap",
    [LC_PMAP] = "pmap",
    [LC_LEAF] = "leaf",
};

static const char *
lockclass_name(enum lockclass lc)
{
	if (lc <= 0 || lc >= LC_NCLASSES)
		return "?";
	return lockclass_names[lc];
}

enum witness_kind { WK_MUTEX, WK_RWREAD, WK_RWWRITE };

struct witness_rec {
	const void *wr_lock;
	const char *wr_name;
	enum lockclass wr_class;
	enum witness_kind wr_kind;
};

struct witness_thread {
	int wt_n;
	struct witness_rec wt_held[WITNESS_MAX];
};

static _Thread_local struct witness_thread witness_self;

static const char *
witness_kind_name(enum witness_kind k)
{
	return k == WK_MUTEX ? "mutex"
	    : k == WK_RWREAD ? "rwlock(r)"
			     : "rwlock(w)";
}

/*
 * witness_check: may the calling thread block on `lock` now?
 * => panics (changing nothing) on a class order reversal or when the
 *    thread would wait for a lock it holds.
 */
static void
witness_check(const void *lock, const char *name, enum lockclass lc,
    enum witness_kind kind)
{
	struct witness_thread *wt = &witness_self;
	const struct witness_rec *wr, *top;
	int i;

	top = NULL;
	for (i = 0; i < wt->wt_n; i++) {
		wr = &wt->wt_held[i];
		if (wr->wr_lock == lock &&
		    (kind != WK_RWREAD || wr->wr_kind != WK_RWREAD))
			panic(
			    "lockdebug: %s \"%s\" (class %s): locking against "
			    "myself (held as %s)",
			    witness_kind_name(kind), name, lockclass_name(lc),
			    witness_kind_name(wr->wr_kind));
		if (top == NULL || wr->wr_class > top->wr_class)
			top = wr;
	}
	if (top != NULL && top->wr_class > lc)
		panic("lockdebug: lock order reversal: acquiring %s \"%s\" "
		      "(class %s) while holding %s \"%s\" (class %s)",
		    witness_kind_name(kind), name, lockclass_name(lc),
		    witness_kind_name(top->wr_kind), top->wr_name,
		    lockclass_name(top->wr_class));
	if (wt->wt_n == WITNESS_MAX)
		panic("lockdebug: %s \"%s\": thread holds %d locks",
		    witness_kind_name(kind), name, WITNESS_MAX);
}

/*
 * witness_push: record an acquired lock.
 */
static void
witness_push(const void *lock, const char *name, enum lockclass lc,
    enum witness_kind kind)
{
	struct witness_thread *wt = &witness_self;
	struct witness_rec *wr;

	if (wt->wt_n == WITNESS_MAX)
		panic("lockdebug: %s \"%s\": thread holds %d locks",
		    witness_kind_name(kind), name, WITNESS_MAX);
	wr = &wt->wt_held[wt->wt_n++];
	wr->wr_lock = lock;
	wr->wr_name = name;
	wr->wr_class = lc;
	wr->wr_kind = kind;
}

/*
 * witness_find: the index of the newest record of `lock`, or -1.
 */
static int
witness_find(const void *lock)
{
	struct witness_thread *wt = &witness_self;
	int i;

	for (i = wt->wt_n; i-- > 0;)
		if (wt->wt_held[i].wr_lock == lock)
			return i;
	return -1;
}

/*
 * witness_release_check: panic unless the thread holds `lock`.
 * => returns its index; changes nothing.
 */
static int
witness_release_check(const void *lock, const char *name, const char *what)
{
	int i;

	i = witness_find(lock);
	if (i < 0)
		panic("lockdebug: %s \"%s\": lock not held by this thread",
		    what, name);
	return i;
}

static void
witness_remove(int i)
{
	struct witness_thread *wt = &witness_self;

	KASSERT(i >= 0 && i < wt->wt_n);
	memmove(&wt->wt_held[i], &wt->wt_held[i + 1],
	    (size_t)(wt->wt_n - i - 1) * sizeof(wt->wt_held[0]));
	wt->wt_n--;
}

static void
witness_insert(int i, const struct witness_rec *rec)
{
	struct witness_thread *wt = &witness_self;

	KASSERT(i >= 0 && i <= wt->wt_n && wt->wt_n < WITNESS_MAX);
	memmove(&wt->wt_held[i + 1], &wt->wt_held[i],
	    (size_t)(wt->wt_n - i) * sizeof(wt->wt_held[0]));
	wt->wt_held[i] = *rec;
	wt->wt_n++;
}

/*
 * witness_sleep_check: may the thread sleep on a condition variable whose
 * mutex is `mtx`?  Not while it holds, besides mtx, a lock of a spin-like
 * class (page interlock and above): those are held for short, bounded
 * work and other threads spin or block on them without expecting a sleep.
 * => panics, changing nothing.
 */
static void
witness_sleep_check(const struct kcondvar *cv, const struct kmutex *mtx)
{
	struct witness_thread *wt = &witness_self;
	const struct witness_rec *wr;
	int i;

	for (i = 0; i < wt->wt_n; i++) {
		wr = &wt->wt_held[i];
		if (wr->wr_lock != mtx && wr->wr_class >= LC_PAGEINTERLOCK)
			panic("lockdebug: cv_wait(%s) on \"%s\" while holding "
			      "%s \"%s\" (class %s): sleeping with a spin-like "
			      "lock held",
			    cv->cv_wmesg, mtx->mtx_name,
			    witness_kind_name(wr->wr_kind), wr->wr_name,
			    lockclass_name(wr->wr_class));
	}
}

int
lockdebug_nheld(void)
{
	return witness_self.wt_n;
}

void
lockdebug_assert_nolocks(void)
{
	struct witness_thread *wt = &witness_self;
	const struct witness_rec *wr;

	if (wt->wt_n == 0)
		return;
	wr = &wt->wt_held[wt->wt_n - 1];
	panic("lockdebug: %d lock(s) held where none may be, newest %s \"%s\" "
	      "(class %s)",
	    wt->wt_n, witness_kind_name(wr->wr_kind), wr->wr_name,
	    lockclass_name(wr->wr_class));
}

#else /* !LOCKDEBUG */

int
lockdebug_nheld(void)
{
	return 0;
}

void
lockdebug_assert_nolocks(void)
{
}

#endif /* LOCKDEBUG */

/* ---------------------------------------------------------------------- */
/* mutex(9) */

/* The state word: bit 0 held, bit 1 somebody waits (or is about to). */
#define MTXS_LOCKED  0x1u
#define MTXS_WAITERS 0x2u

static inline void
mtx_ilock(struct kmutex *mtx)
{
	host_check(pthread_mutex_lock(&mtx->mtx_ilock), "pthread_mutex_lock",
	    mtx->mtx_name);
}

static inline void
mtx_iunlock(struct kmutex *mtx)
{
	host_check(pthread_mutex_unlock(&mtx->mtx_ilock),
	    "pthread_mutex_unlock", mtx->mtx_name);
}

/*
 * mutex_init: a new, unheld mutex of class `lc`.
 * => `name` must outlive the mutex (a literal).
 */
void
mutex_init(struct kmutex *mtx, enum lockclass lc, const char *name)
{
	KASSERT(mtx != NULL);
	KASSERTMSG(lc > 0 && lc < LC_NCLASSES, "bad lock class %d", (int)lc);
	host_check(pthread_mutex_init(&mtx->mtx_ilock, NULL),
	    "pthread_mutex_init", name);
	host_check(
	    pthread_cond_init(&mtx->mtx_icv, NULL), "pthread_cond_init", name);
	memset(&mtx->mtx_owner, 0, sizeof(mtx->mtx_owner));
	LK_ST(&mtx->mtx_state, 0u);
	LK_ST(&mtx->mtx_held, 0);
	mtx->mtx_nwait = 0;
	mtx->mtx_class = lc;
	mtx->mtx_name = name != NULL ? name : "mutex";
}

/*
 * mutex_destroy: release the host resources.
 * => the mutex must not be held.
 */
void
mutex_destroy(struct kmutex *mtx)
{
	KASSERTMSG(LK_LD(&mtx->mtx_held) == 0 && LK_LD(&mtx->mtx_state) == 0,
	    "mutex \"%s\" destroyed held", mtx->mtx_name);
	host_check(pthread_cond_destroy(&mtx->mtx_icv), "pthread_cond_destroy",
	    mtx->mtx_name);
	host_check(pthread_mutex_destroy(&mtx->mtx_ilock),
	    "pthread_mutex_destroy", mtx->mtx_name);
}

static inline void
mutex_set_owner(struct kmutex *mtx)
{
	owner_store(&mtx->mtx_owner, pthread_self());
	LK_ST(&mtx->mtx_held, 1);
}

/* Replace the state *sp by nv if it is still *sp; else reload *sp. */
static inline bool
mutex_cas(struct kmutex *mtx, unsigned int *sp, unsigned int nv)
{
	return __atomic_compare_exchange_n(
	    &mtx->mtx_state, sp, nv, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/*
 * mutex_lock_slow: wait for the mutex and take it (the rwlock's slow
 * path in small: the waiters bit is set, under the interlock, before the
 * first look at the state, and cleared by the last waiter to get in).
 * => the interlock held on entry if `ilocked`; not held on return.
 */
static void
mutex_lock_slow(struct kmutex *mtx, bool ilocked)
{
	unsigned int s;

	if (!ilocked)
		mtx_ilock(mtx);
	(void)__atomic_fetch_or(
	    &mtx->mtx_state, MTXS_WAITERS, __ATOMIC_ACQ_REL);
	mtx->mtx_nwait++;
	s = __atomic_load_n(&mtx->mtx_state, __ATOMIC_RELAXED);
	for (;;) {
		if ((s & MTXS_LOCKED) == 0) {
			if (mutex_cas(mtx, &s, s | MTXS_LOCKED))
				break;
			continue;
		}
		pthread_cond_wait(&mtx->mtx_icv, &mtx->mtx_ilock);
		s = __atomic_load_n(&mtx->mtx_state, __ATOMIC_RELAXED);
	}
	if (--mtx->mtx_nwait == 0)
		(void)__atomic_fetch_and(
		    &mtx->mtx_state, ~MTXS_WAITERS, __ATOMIC_ACQ_REL);
	mtx_iunlock(mtx);
}

/*
 * mutex_release: drop the locked bit; returns the state before.
 * => the caller wakes a waiter if the waiters bit was set.
 */
static inline unsigned int
mutex_release(struct kmutex *mtx)
{
	LK_ST(&mtx->mtx_held, 0);
	return __atomic_fetch_and(
	    &mtx->mtx_state, ~MTXS_LOCKED, __ATOMIC_ACQ_REL);
}

/*
 * mutex_enter: take the mutex, waiting if need be.
 * => must not be held by the calling thread.
 * => may sleep.
 */
void
mutex_enter(struct kmutex *mtx)
{
	unsigned int s = 0;

	KASSERTMSG(!mutex_owned(mtx), "mutex \"%s\": locking against myself",
	    mtx->mtx_name);
#ifdef LOCKDEBUG
	witness_check(mtx, mtx->mtx_name, mtx->mtx_class, WK_MUTEX);
#endif
	if (__predict_false(!mutex_cas(mtx, &s, MTXS_LOCKED)))
		mutex_lock_slow(mtx, false);
	mutex_set_owner(mtx);
#ifdef LOCKDEBUG
	witness_push(mtx, mtx->mtx_name, mtx->mtx_class, WK_MUTEX);
#endif
}

/*
 * mutex_tryenter: take the mutex if that needs no wait.
 * => returns true if the caller now holds it (false if held by anybody,
 *    the caller included).
 */
bool
mutex_tryenter(struct kmutex *mtx)
{
	unsigned int s;

	s = __atomic_load_n(&mtx->mtx_state, __ATOMIC_RELAXED);
	for (;;) {
		if ((s & MTXS_LOCKED) != 0)
			return false;
		if (mutex_cas(mtx, &s, s | MTXS_LOCKED))
			break;
	}
	mutex_set_owner(mtx);
#ifdef LOCKDEBUG
	witness_push(mtx, mtx->mtx_name, mtx->mtx_class, WK_MUTEX);
#endif
	return true;
}

/*
 * mutex_exit: release the mutex.
 * => must be held by the calling thread.
 */
void
mutex_exit(struct kmutex *mtx)
{
	unsigned int s;

	KASSERTMSG(mutex_owned(mtx),
	    "mutex \"%s\": mutex_exit by a thread that does not own it",
	    mtx->mtx_name);
#ifdef LOCKDEBUG
	witness_remove(witness_release_check(mtx, mtx->mtx_name, "mutex_exit"));
#endif
	LK_ST(&mtx->mtx_held, 0);
	s = MTXS_LOCKED;
	if (__predict_false(!mutex_cas(mtx, &s, 0)) &&
	    (mutex_release(mtx) & MTXS_WAITERS) != 0) {
		/* Through the interlock: after the waiter's last look. */
		mtx_ilock(mtx);
		pthread_cond_signal(&mtx->mtx_icv);
		mtx_iunlock(mtx);
	}
}

/*
 * mutex_owned: true if the calling thread holds the mutex.
 * => lock-free; only the answer for the calling thread is stable.
 */
bool
mutex_owned(const struct kmutex *mtx)
{
	if (LK_LD(&mtx->mtx_held) == 0)
		return false;
	return pthread_equal(owner_load(&mtx->mtx_owner), pthread_self());
}

/* ---------------------------------------------------------------------- */
/* rwlock(9) */

/*
 * The state word: bit 0 a writer holds the lock, bit 1 some thread is in
 * the slow path (waiting, or about to), the rest the number of readers.
 */
#define RWS_WRITER  0x1ul
#define RWS_WAITERS 0x2ul
#define RWS_READER  0x4ul /* one reader */
#define RWS_READERS (~(RWS_WRITER | RWS_WAITERS))

#define RWS_LD(rw) __atomic_load_n(&(rw)->rw_state, __ATOMIC_RELAXED)

/*
 * rws_cas: replace the state *sp by nv if it is still *sp; otherwise
 * reload *sp.  Acquire and release both: the same primitive takes and
 * drops holds.
 */
static inline bool
rws_cas(struct krwlock *rw, unsigned long *sp, unsigned long nv)
{
	return __atomic_compare_exchange_n(
	    &rw->rw_state, sp, nv, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/*
 * rw_init: a new, unheld read/write lock of class `lc`.
 */
void
rw_init(struct krwlock *rw, enum lockclass lc, const char *name)
{
	KASSERT(rw != NULL);
	KASSERTMSG(lc > 0 && lc < LC_NCLASSES, "bad lock class %d", (int)lc);
	host_check(
	    pthread_mutex_init(&rw->rw_mtx, NULL), "pthread_mutex_init", name);
	host_check(
	    pthread_cond_init(&rw->rw_cv, NULL), "pthread_cond_init", name);
	memset(&rw->rw_writer, 0, sizeof(rw->rw_writer));
	LK_ST(&rw->rw_state, 0ul);
	LK_ST(&rw->rw_wheld, 0);
	LK_ST(&rw->rw_wwait, 0);
	rw->rw_rwait = 0;
	rw->rw_class = lc;
	rw->rw_name = name != NULL ? name : "rwlock";
}

/*
 * rw_destroy: release the host resources.
 * => nobody may hold or wait for the lock.
 */
void
rw_destroy(struct krwlock *rw)
{
	KASSERTMSG(LK_LD(&rw->rw_state) == 0 && LK_LD(&rw->rw_wwait) == 0,
	    "rwlock \"%s\" destroyed while in use", rw->rw_name);
	host_check(pthread_cond_destroy(&rw->rw_cv), "pthread_cond_destroy",
	    rw->rw_name);
	host_check(pthread_mutex_destroy(&rw->rw_mtx), "pthread_mutex_destroy",
	    rw->rw_name);
}

static inline void
rw_ilock(struct krwlock *rw)
{
	host_check(
	    pthread_mutex_lock(&rw->rw_mtx), "pthread_mutex_lock", rw->rw_name);
}

static inline void
rw_iunlock(struct krwlock *rw)
{
	host_check(pthread_mutex_unlock(&rw->rw_mtx), "pthread_mutex_unlock",
	    rw->rw_name);
}

/* After taking the writer bit: record the owner, then publish it. */
static inline void
rw_set_writer(struct krwlock *rw)
{
	owner_store(&rw->rw_writer, pthread_self());
	LK_ST(&rw->rw_wheld, 1);
}

/*
 * rw_wakeup: wake the waiters after a change that may let them in.
 * => called after the change, when it showed RWS_WAITERS.  Taking rw_mtx
 *    orders the wakeup after every waiter's last look at the state.
 */
static void
rw_wakeup(struct krwlock *rw)
{
	rw_ilock(rw);
	pthread_cond_broadcast(&rw->rw_cv);
	rw_iunlock(rw);
}

/*
 * rw_enter_slow: wait for the lock (the fast path found it taken, or
 * waiters).
 * => the waiters bit stays set from before the first look at the state
 *    until the last waiter leaves, so no hold is dropped without a wakeup
 *    and no new hold is taken without rw_mtx meanwhile.
 */
static void
rw_enter_slow(struct krwlock *rw, krw_t op)
{
	unsigned long s;
	int *waitp = op == RW_WRITER ? &rw->rw_wwait : &rw->rw_rwait;

	rw_ilock(rw);
	/* The bit first: whoever sees us counted sees it set. */
	(void)__atomic_fetch_or(&rw->rw_state, RWS_WAITERS, __ATOMIC_ACQ_REL);
	LK_ST(waitp, *waitp + 1);
	s = RWS_LD(rw);
	for (;;) {
		if (op == RW_READER ? (s & RWS_WRITER) == 0 && rw->rw_wwait == 0
				    : (s & (RWS_WRITER | RWS_READERS)) == 0) {
			if (rws_cas(rw, &s,
				op == RW_READER ? s + RWS_READER
						: s | RWS_WRITER))
				break;
			continue;
		}
		pthread_cond_wait(&rw->rw_cv, &rw->rw_mtx);
		s = RWS_LD(rw);
	}
	LK_ST(waitp, *waitp - 1);
	if (rw->rw_wwait == 0 && rw->rw_rwait == 0)
		(void)__atomic_fetch_and(
		    &rw->rw_state, ~RWS_WAITERS, __ATOMIC_ACQ_REL);
	if (op == RW_WRITER)
		rw_set_writer(rw);
	rw_iunlock(rw);
}

/*
 * rw_enter: take the lock as reader or writer, waiting if need be.
 * => a writer must not hold it already; see the design note on readers.
 * => may sleep.
 */
void
rw_enter(struct krwlock *rw, krw_t op)
{
	unsigned long s;

	KASSERTMSG(op == RW_READER || op == RW_WRITER, "bad op %d", (int)op);
	KASSERTMSG(!rw_write_held(rw), "rwlock \"%s\": locking against myself",
	    rw->rw_name);
#ifdef LOCKDEBUG
	witness_check(rw, rw->rw_name, rw->rw_class,
	    op == RW_WRITER ? WK_RWWRITE : WK_RWREAD);
#endif
	if (op == RW_READER) {
		s = RWS_LD(rw);
		for (;;) {
			if ((s & (RWS_WRITER | RWS_WAITERS)) != 0) {
				rw_enter_slow(rw, op);
				break;
			}
			if (rws_cas(rw, &s, s + RWS_READER))
				break;
		}
	} else {
		s = 0;
		if (rws_cas(rw, &s, RWS_WRITER))
			rw_set_writer(rw);
		else
			rw_enter_slow(rw, op);
	}
#ifdef LOCKDEBUG
	witness_push(rw, rw->rw_name, rw->rw_class,
	    op == RW_WRITER ? WK_RWWRITE : WK_RWREAD);
#endif
}

/*
 * rw_tryenter: take the lock if that needs no wait.
 * => returns true if the caller now holds it as asked.
 */
bool
rw_tryenter(struct krwlock *rw, krw_t op)
{
	unsigned long s;
	bool ok = false;

	KASSERTMSG(op == RW_READER || op == RW_WRITER, "bad op %d", (int)op);
	s = RWS_LD(rw);
	if (op == RW_READER) {
		while ((s & (RWS_WRITER | RWS_WAITERS)) == 0) {
			if (rws_cas(rw, &s, s + RWS_READER)) {
				ok = true;
				break;
			}
		}
		if (!ok && (s & RWS_WRITER) == 0) {
			/* Waiters: only rw_mtx tells whether a writer waits. */
			rw_ilock(rw);
			s = RWS_LD(rw);
			while ((s & RWS_WRITER) == 0 && rw->rw_wwait == 0) {
				if (rws_cas(rw, &s, s + RWS_READER)) {
					ok = true;
					break;
				}
			}
			rw_iunlock(rw);
		}
	} else {
		while ((s & (RWS_WRITER | RWS_READERS)) == 0) {
			if (rws_cas(rw, &s, s | RWS_WRITER)) {
				rw_set_writer(rw);
				ok = true;
				break;
			}
		}
	}
#ifdef LOCKDEBUG
	if (ok)
		witness_push(rw, rw->rw_name, rw->rw_class,
		    op == RW_WRITER ? WK_RWWRITE : WK_RWREAD);
#endif
	return ok;
}

/*
 * rw_exit: release the lock, whichever way the caller holds it.
 * => wakes the waiters when the lock becomes free.
 */
void
rw_exit(struct krwlock *rw)
{
	unsigned long s;
	bool writer;

	writer = rw_write_held(rw);
#ifdef LOCKDEBUG
	{
		int i = witness_release_check(rw, rw->rw_name, "rw_exit");

		KASSERTMSG(
		    (witness_self.wt_held[i].wr_kind == WK_RWWRITE) == writer,
		    "rwlock \"%s\": witness and lock disagree", rw->rw_name);
		witness_remove(i);
	}
#endif
	s = RWS_LD(rw);
	if (writer) {
		LK_ST(&rw->rw_wheld, 0);
		while (!rws_cas(rw, &s, s & ~RWS_WRITER))
			continue;
		if ((s & RWS_WAITERS) != 0)
			rw_wakeup(rw);
		return;
	}
	do {
		if (__predict_false(
			(s & RWS_READERS) == 0 || (s & RWS_WRITER) != 0))
			panic("rwlock \"%s\": rw_exit by a thread that does "
			      "not hold it",
			    rw->rw_name);
	} while (!rws_cas(rw, &s, s - RWS_READER));
	/* Only the last reader can let a waiter in. */
	if ((s & RWS_WAITERS) != 0 && (s & RWS_READERS) == RWS_READER)
		rw_wakeup(rw);
}

/*
 * rw_tryupgrade: turn the caller's read hold into a write hold if it is
 * the only reader.
 * => the caller holds the lock as reader; returns true if now writer,
 *    false (still reader) otherwise.  Never waits.
 */
bool
rw_tryupgrade(struct krwlock *rw)
{
	unsigned long s;
	bool ok = false;

	KASSERTMSG(!rw_write_held(rw) && rw_read_held(rw),
	    "rwlock \"%s\": rw_tryupgrade without a read hold", rw->rw_name);
#ifdef LOCKDEBUG
	{
		int i = witness_release_check(rw, rw->rw_name, "rw_tryupgrade");

		KASSERTMSG(witness_self.wt_held[i].wr_kind == WK_RWREAD,
		    "rwlock \"%s\": rw_tryupgrade by a writer", rw->rw_name);
	}
#endif
	s = RWS_LD(rw);
	while ((s & (RWS_WRITER | RWS_READERS)) == RWS_READER) {
		if (rws_cas(rw, &s, (s - RWS_READER) | RWS_WRITER)) {
			rw_set_writer(rw);
			ok = true;
			break;
		}
	}
#ifdef LOCKDEBUG
	if (ok)
		witness_self.wt_held[witness_find(rw)].wr_kind = WK_RWWRITE;
#endif
	return ok;
}

/*
 * rw_downgrade: turn the caller's write hold into a read hold, letting
 * waiting readers in (waiting writers still wait for this reader).
 */
void
rw_downgrade(struct krwlock *rw)
{
	unsigned long s;

	KASSERTMSG(rw_write_held(rw),
	    "rwlock \"%s\": rw_downgrade without a write hold", rw->rw_name);
#ifdef LOCKDEBUG
	{
		int i = witness_release_check(rw, rw->rw_name, "rw_downgrade");

		witness_self.wt_held[i].wr_kind = WK_RWREAD;
	}
#endif
	LK_ST(&rw->rw_wheld, 0);
	s = RWS_LD(rw);
	while (!rws_cas(rw, &s, (s & ~RWS_WRITER) + RWS_READER))
		continue;
	if ((s & RWS_WAITERS) != 0)
		rw_wakeup(rw);
}

/*
 * rw_write_held: true if the calling thread holds the lock as writer.
 */
bool
rw_write_held(const struct krwlock *rw)
{
	if (LK_LD(&rw->rw_wheld) == 0)
		return false;
	return pthread_equal(owner_load(&rw->rw_writer), pthread_self());
}

/*
 * rw_read_held: true if somebody holds the lock as reader (readers are
 * anonymous; only the witness knows which thread they are).
 */
bool
rw_read_held(const struct krwlock *rw)
{
	return (LK_LD(&rw->rw_state) & RWS_READERS) != 0;
}

/*
 * rw_lock_held: true if somebody holds the lock either way.
 */
bool
rw_lock_held(const struct krwlock *rw)
{
	return (LK_LD(&rw->rw_state) & (RWS_WRITER | RWS_READERS)) != 0;
}

/* ---------------------------------------------------------------------- */
/* condvar(9) */

/*
 * cv_init: a condition variable (timeouts measured on CLOCK_MONOTONIC).
 */
void
cv_init(struct kcondvar *cv, const char *wmesg)
{
	pthread_condattr_t attr;

	KASSERT(cv != NULL);
	host_check(
	    pthread_condattr_init(&attr), "pthread_condattr_init", wmesg);
	host_check(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC),
	    "pthread_condattr_setclock", wmesg);
	host_check(
	    pthread_cond_init(&cv->cv_cond, &attr), "pthread_cond_init", wmesg);
	pthread_condattr_destroy(&attr);
	LK_ST(&cv->cv_mtx, (struct kmutex *)NULL);
	LK_ST(&cv->cv_nwait, 0);
	cv->cv_wmesg = wmesg != NULL ? wmesg : "cv";
}

void
cv_destroy(struct kcondvar *cv)
{
	host_check(pthread_cond_destroy(&cv->cv_cond), "pthread_cond_destroy",
	    cv->cv_wmesg);
}

/*
 * cv_sleep: common part of cv_wait and cv_timedwait.
 * => returns the host's error (0 or ETIMEDOUT).
 * => the sleeper counts itself in cv_nwait and releases the mutex while
 *    it holds the mutex's interlock, and sleeps on that interlock: a
 *    waker that changed the condition under the mutex either finds it
 *    counted (and signals through the interlock, so after it sleeps) or
 *    changed the condition before the sleeper's last look.
 */
static int
cv_sleep(struct kcondvar *cv, struct kmutex *mtx, const struct timespec *abs)
{
	int error;
#ifdef LOCKDEBUG
	struct witness_rec rec;
	int i;
#endif

	KASSERTMSG(mutex_owned(mtx), "cv_wait(%s): mutex \"%s\" not owned",
	    cv->cv_wmesg, mtx->mtx_name);
#ifdef LOCKDEBUG
	i = witness_release_check(mtx, mtx->mtx_name, "cv_wait");
	witness_sleep_check(cv, mtx);
	rec = witness_self.wt_held[i];
	witness_remove(i);
#endif
	mtx_ilock(mtx);
	KASSERTMSG(LK_LD(&cv->cv_nwait) == 0 || LK_LD(&cv->cv_mtx) == mtx,
	    "cv_wait(%s): sleepers use two mutexes", cv->cv_wmesg);
	LK_ST(&cv->cv_mtx, mtx);
	LK_ST(&cv->cv_nwait, LK_LD(&cv->cv_nwait) + 1);
	if ((mutex_release(mtx) & MTXS_WAITERS) != 0)
		pthread_cond_signal(&mtx->mtx_icv);
	if (abs == NULL)
		error = pthread_cond_wait(&cv->cv_cond, &mtx->mtx_ilock);
	else
		error =
		    pthread_cond_timedwait(&cv->cv_cond, &mtx->mtx_ilock, abs);
	LK_ST(&cv->cv_nwait, LK_LD(&cv->cv_nwait) - 1);
	{
		unsigned int s = 0;

		if (mutex_cas(mtx, &s, MTXS_LOCKED))
			mtx_iunlock(mtx);
		else
			mutex_lock_slow(mtx, true);
	}
	mutex_set_owner(mtx);
#ifdef LOCKDEBUG
	witness_insert(i, &rec);
#endif
	if (error != 0 && error != ETIMEDOUT)
		host_check(error, "pthread_cond_wait", cv->cv_wmesg);
	return error;
}

/*
 * cv_wait: release `mtx`, sleep until signalled, take `mtx` again.
 * => mtx held by the caller on entry and on return.
 * => wakeups may be spurious: callers re-check their condition.
 */
void
cv_wait(struct kcondvar *cv, struct kmutex *mtx)
{
	(void)cv_sleep(cv, mtx, NULL);
}

/*
 * cv_timedwait: cv_wait for at most `ms` milliseconds.
 * => returns 0 if woken, EWOULDBLOCK if the time ran out.
 */
int
cv_timedwait(struct kcondvar *cv, struct kmutex *mtx, unsigned ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return cv_sleep(cv, mtx, &ts) == ETIMEDOUT ? EWOULDBLOCK : 0;
}

/*
 * cv_wake: wake one or all sleepers, through their mutex's interlock
 * (see cv_sleep); nothing to do (and no lock to take) when none sleeps.
 */
static void
cv_wake(struct kcondvar *cv, bool all)
{
	struct kmutex *mtx;

	if (LK_LD(&cv->cv_nwait) == 0)
		return;
	mtx = LK_LD(&cv->cv_mtx);
	mtx_ilock(mtx);
	if (all)
		pthread_cond_broadcast(&cv->cv_cond);
	else
		pthread_cond_signal(&cv->cv_cond);
	mtx_iunlock(mtx);
}

void
cv_signal(struct kcondvar *cv)
{
	cv_wake(cv, false);
}

void
cv_broadcast(struct kcondvar *cv)
{
	cv_wake(cv, true);
}
