/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_lock.h: mutex(9), rwlock(9) and condvar(9) over POSIX threads, with
 * owner tracking and, with LOCKDEBUG, a lock-order witness.
 *
 * Every lock is born with a class (enum lockclass).  The witness keeps, per
 * thread, the locks held and panics when a blocking acquisition takes a
 * lock of a lower class than one already held: the documented order is
 *
 *	map -> amap -> object -> anon -> page interlock -> page queues ->
 *	free lists -> swap -> pmap -> leaf
 *
 * Locks of the same class may nest (a submap below its parent map, two
 * objects locked in address order): the caller promises an order the
 * witness cannot see.  Try-locks never wait and are exempt from the check
 * (but are recorded as held).  Nobody sleeps in cv_wait() holding a lock
 * of class LC_PAGEINTERLOCK or above other than the condvar's own mutex.
 * Owner tracking (mutex_owned, rw_write_held) works in every build; the
 * witness only with LOCKDEBUG.  See docs/design/locking.md.
 */
#ifndef _KERN_LOCK_H_
#define _KERN_LOCK_H_

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum lockclass {
	LC_MAP = 1, /* vm_map lock */
	LC_AMAP,    /* amap/anon rwlock (shared by an amap and its anons) */
	LC_OBJECT,  /* uvm_object rwlock */
	LC_ANON,    /* anon lock when not shared with an amap */
	LC_PAGEINTERLOCK, /* vm_page interlock */
	LC_PAGEQ,         /* page queues (page daemon policy) */
	LC_FREELIST,      /* free page lists */
	LC_SWAP,          /* swap devices and slots */
	LC_PMAP,          /* back-end pmap lock */
	LC_LEAF, /* pools, statistics, trace rings: take nothing else */
	LC_NCLASSES
};

/*
 * Lock legend for the structures below:
 *	[c] constant after *_init()
 *	[a] written by the holder (or under rw_mtx) with atomic stores, read
 *	    without locks with atomic loads
 *	[i] rw_mtx, the rwlock's internal mutex
 *	[x] mtx_ilock, the mutex's interlock (of cv_mtx for a condvar)
 */
/*
 * A mutex: mtx_state is the lock (MTXS_* bits in kern_lock.c); an
 * uncontended mutex_enter/mutex_exit only compare-and-swaps it, and the
 * host mutex and condition variable serve the threads that wait (and
 * the condvar sleepers, see struct kcondvar).
 */
struct kmutex {
	unsigned int mtx_state;    /* [a] locked and waiters bits */
	int mtx_held;              /* [a] read by mutex_owned() */
	pthread_t mtx_owner;       /* [a] valid while mtx_held */
	enum lockclass mtx_class;  /* [c] */
	int mtx_nwait;             /* [x] threads waiting for the mutex */
	const char *mtx_name;      /* [c] */
	pthread_mutex_t mtx_ilock; /* the interlock of waiters and sleepers */
	pthread_cond_t mtx_icv;    /* waiters for the mutex sleep here */
};

/*
 * A read/write lock with upgrade and downgrade (own implementation).
 * rw_state holds the lock itself (writer bit, waiters bit, reader count,
 * see kern_lock.c); uncontended acquisitions and releases only
 * compare-and-swap it, and rw_mtx/rw_cv serve the threads that wait.
 */
struct krwlock {
	unsigned long rw_state;  /* [a] RWS_* bits and the reader count */
	pthread_t rw_writer;     /* [a] valid while rw_wheld */
	int rw_wheld;            /* [a] a writer holds it (owner is valid) */
	int rw_wwait;            /* [i,a] writers waiting (they go first) */
	int rw_rwait;            /* [i] readers waiting */
	enum lockclass rw_class; /* [c] */
	const char *rw_name;     /* [c] */
	pthread_mutex_t rw_mtx;
	pthread_cond_t rw_cv;
};

/*
 * A condition variable.  Sleepers wait on cv_cond with their mutex's
 * interlock (mtx_ilock); cv_signal/cv_broadcast take that interlock
 * only when cv_nwait says somebody sleeps.
 */
struct kcondvar {
	pthread_cond_t cv_cond;
	struct kmutex *cv_mtx; /* [a] the mutex the sleepers use */
	int cv_nwait;          /* [x,a] threads asleep on it */
	const char *cv_wmesg;  /* what sleepers wait for (messages only) */
};

typedef enum { RW_READER = 0, RW_WRITER = 1 } krw_t;

void mutex_init(struct kmutex *, enum lockclass, const char *name);
void mutex_destroy(struct kmutex *);
void mutex_enter(struct kmutex *);
bool mutex_tryenter(struct kmutex *);
void mutex_exit(struct kmutex *);
bool mutex_owned(const struct kmutex *); /* held by the calling thread */

void rw_init(struct krwlock *, enum lockclass, const char *name);
void rw_destroy(struct krwlock *);
void rw_enter(struct krwlock *, krw_t);
bool rw_tryenter(struct krwlock *, krw_t);
void rw_exit(struct krwlock *);
bool rw_tryupgrade(struct krwlock *); /* reader -> writer, if sole reader */
void rw_downgrade(struct krwlock *);  /* writer -> reader */
bool rw_write_held(const struct krwlock *); /* by the calling thread */
bool rw_read_held(const struct krwlock *);  /* by somebody, as reader */
bool rw_lock_held(const struct krwlock *);  /* read- or write-held */

void cv_init(struct kcondvar *, const char *wmesg);
void cv_destroy(struct kcondvar *);
void cv_wait(struct kcondvar *, struct kmutex *);
/* Returns 0, or EWOULDBLOCK when the timeout (milliseconds) expired. */
int cv_timedwait(struct kcondvar *, struct kmutex *, unsigned ms);
void cv_signal(struct kcondvar *);
void cv_broadcast(struct kcondvar *);

/*
 * Witness: number of locks the calling thread holds (for assertions);
 * always 0 without LOCKDEBUG.
 */
int lockdebug_nheld(void);
/*
 * Panic if the calling thread holds any lock (entry of sleeping paths);
 * does nothing without LOCKDEBUG.
 */
void lockdebug_assert_nolocks(void);

#endif /* _KERN_LOCK_H_ */
