/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdpolicy.h: the page-replacement policy interface (uvmpdpol_*).
 *
 * A machine picks its policy once, at uvm_create(), from u_cfg.uc_policy:
 * "clock" (uvm_pdpolicy_clock.c) or "clockpro" (uvm_pdpolicy_clockpro.c).
 * The policy owns the paging queues of every managed, unwired page and the
 * PQ_* bits of pg->pqflags; nobody else reads or writes them.  The page
 * layer tells the policy about page life-cycle events (enqueue a new page,
 * activate on reference, deactivate on advice, dequeue on free or wire);
 * the page daemon asks it for victims and for queue balancing.
 *
 * Locking.  Every uvmpdpol_* entry point takes and drops the page-queue lock
 * (a kmutex of class LC_PAGEQ, private to the policy) itself; callers hold
 * no page-queue lock.  A caller that changes a page's queue state holds the
 * page owner's lock (or owns the page outright, e.g. a freshly allocated or
 * PG_BUSY page), which orders it before the queue lock as the witness
 * demands.  State changes are applied synchronously: we chose not to batch
 * intents per CPU as NetBSD 1.218 does, because libuvm machines run few
 * threads and the queue lock is held for O(1) work per call; PQ_INTENT_MASK
 * stays unused.  See docs/design/pagedaemon.md.
 *
 * Scanning.  uvmpdpol_selectvictim() runs with the queue lock held and
 * returns a victim with the lock dropped.  The page daemon passes a
 * struct uvmpdpol_claim whose pc_claim() try-locks the candidate's owner
 * (try-locks are exempt from the lock-order witness, so taking an owner's
 * lock below the queue lock is allowed that way); a page that cannot be
 * claimed is skipped.  The returned victim is still claimed: the caller
 * pages it out or frees it and then calls pc_release() itself.  A NULL
 * claim means "no owner locking" (single-threaded tests and simulators).
 */
#ifndef _UVM_PDPOLICY_H_
#define _UVM_PDPOLICY_H_

#include <stdio.h>

#include "uvm.h"
#include "uvm_page.h"

struct vm_anon;

/* The daemon's hooks into a scan (see above). */
struct uvmpdpol_claim {
	/* Try to lock pg's owner: false skips the page.  Queue lock held. */
	bool (*pc_claim)(struct vm_page *pg, void *arg);
	/* Undo pc_claim (the policy keeps the page).  Queue lock held. */
	void (*pc_release)(struct vm_page *pg, void *arg);
	/*
	 * Optional: free the swap copy of the claimed, resident, swap-backed
	 * page (uvmpdpol_balancequeue() under a swap shortage); true if a
	 * slot was freed.  Queue lock held.
	 */
	bool (*pc_dropswap)(struct vm_page *pg, void *arg);
	void *pc_arg;
};

/* One statistic of a policy (uvmpdpol_stats()). */
struct uvmpdpol_stat {
	const char *ps_name;
	int64_t ps_value;
};
#define UVMPDPOL_MAXSTATS 24

/*
 * For pdo_stats(): record statistic n (if it fits in max) and count it, so
 * that the return value says how many the policy has.
 */
#define UVMPDPOL_STAT(st, n, max, name, v)               \
	do {                                             \
		if ((n) < (max)) {                       \
			(st)[n].ps_name = (name);        \
			(st)[n].ps_value = (int64_t)(v); \
		}                                        \
		(n)++;                                   \
	} while (0)

/*
 * The operations vector.  Every operation is called with the page-queue
 * lock held (the wrappers below take it), with the policy's private state
 * as first argument.
 */
struct uvm_pdpolicy_ops {
	const char *pdo_name;
	int (*pdo_init)(struct uvm *, void **privp);
	void (*pdo_fini)(struct uvm *, void *priv);
	void (*pdo_reinit)(void *priv, uint64_t npages);
	void (*pdo_estimatepageable)(
	    void *priv, uint64_t *active, uint64_t *inactive);
	void (*pdo_pageactivate)(void *priv, struct vm_page *);
	void (*pdo_pagedeactivate)(void *priv, struct vm_page *);
	void (*pdo_pagedequeue)(void *priv, struct vm_page *);
	void (*pdo_pageenqueue)(void *priv, struct vm_page *);
	bool (*pdo_pageisqueued_p)(void *priv, const struct vm_page *);
	void (*pdo_anfree)(void *priv, struct vm_anon *);
	void (*pdo_tune)(void *priv, uint64_t freetarg);
	void (*pdo_scaninit)(void *priv);
	struct vm_page *(*pdo_selectvictim)(
	    void *priv, const struct uvmpdpol_claim *);
	void (*pdo_balancequeue)(
	    void *priv, int64_t swap_shortage, const struct uvmpdpol_claim *);
	bool (*pdo_needsscan_p)(void *priv);
	void (*pdo_idle)(void *priv);
	unsigned (*pdo_stats)(void *priv, struct uvmpdpol_stat *, unsigned max);
	void (*pdo_sanity)(void *priv);
	void (*pdo_printit)(void *priv, FILE *);
};

extern const struct uvm_pdpolicy_ops uvmpdpol_clock_ops;
extern const struct uvm_pdpolicy_ops uvmpdpol_clockpro_ops;

/* Machine setup and teardown (the "pdpolicy" subsystem of uvm_create()). */
int uvmpdpol_init(struct uvm *);
void uvmpdpol_fini(struct uvm *);
/* Physical memory changed size: resize what depends on it. */
void uvmpdpol_reinit(struct uvm *);
const char *uvmpdpol_name(struct uvm *);

/*
 * Page life cycle.
 *	=> caller holds pg's owner lock (or owns the page: busy or unowned)
 *	=> pageq lock taken and dropped inside; never sleeps
 * pageenqueue: a page that just became managed (new, or paged in).
 * pageactivate: the page was referenced (fault, wiring dropped, ...).
 * pagedeactivate: a hint that the page will not be needed soon.
 * pagedequeue: the page is being freed or wired: forget it.
 */
void uvmpdpol_pageenqueue(struct uvm *, struct vm_page *);
void uvmpdpol_pageactivate(struct uvm *, struct vm_page *);
void uvmpdpol_pagedeactivate(struct uvm *, struct vm_page *);
void uvmpdpol_pagedequeue(struct uvm *, struct vm_page *);
bool uvmpdpol_pageisqueued_p(struct uvm *, struct vm_page *);
/* An anon is being freed: forget any history it left (CLOCK-Pro). */
void uvmpdpol_anfree(struct uvm *, struct vm_anon *);

/* Page-daemon side.  See the scanning note above. */
void uvmpdpol_estimatepageable(
    struct uvm *, uint64_t *active, uint64_t *inactive);
void uvmpdpol_tune(struct uvm *, uint64_t freetarg);
void uvmpdpol_scaninit(struct uvm *);
struct vm_page *uvmpdpol_selectvictim(
    struct uvm *, const struct uvmpdpol_claim *);
void uvmpdpol_balancequeue(
    struct uvm *, int64_t swap_shortage, const struct uvmpdpol_claim *);
bool uvmpdpol_needsscan_p(struct uvm *);
void uvmpdpol_idle(struct uvm *);

/* Statistics (name/value pairs, the policy's own), printers, checker. */
unsigned uvmpdpol_stats(struct uvm *, struct uvmpdpol_stat *, unsigned max);
void uvmpdpol_stats_print(struct uvm *, FILE *);
void uvmpdpol_printit(struct uvm *, FILE *);
void uvmpdpol_sanity(struct uvm *);

/*
 * Helpers shared by the policies (uvm_pdpolicy.c).
 */
/* True if pg was referenced since the last call; clears the bits. */
bool uvmpdpol_testclear_ref(struct vm_page *);
/* True if the page belongs to the swap-backed class (anon or aobj). */
#define UVMPDPOL_SWAPBACKED_P(pg) (((pg)->flags & PG_SWAPBACKED) != 0)

#endif /* _UVM_PDPOLICY_H_ */
