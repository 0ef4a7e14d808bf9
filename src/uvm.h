/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm.h: the internal umbrella header and struct uvm, the machine.
 *
 * A struct uvm is one simulated machine.  It owns everything: physical
 * segments and pages, free lists, page queues and policy state, swap, the
 * page daemon, the kernel pmap, pools, statistics and configuration.  Each
 * subsystem keeps its state behind an opaque pointer here, defined and
 * touched only in its own files; other subsystems call its functions.
 *
 * Lock legend for this structure:
 *	[c] constant after uvm_create()
 *	[a] updated with atomic operations (uvm_cnt_*)
 *	[s] the owning subsystem's lock
 */
#ifndef _UVM_INTERNAL_H_
#define _UVM_INTERNAL_H_

#include "../include/uvm.h" /* the public interface (same name) */

#include "kern/kern.h"

struct uvm_physseg_state;
struct uvm_page_state;
struct uvm_pmap_state;
struct uvm_map_state;
struct uvm_amap_state;
struct uvm_anon_state;
struct uvm_obj_state;
struct uvm_pdaemon_state;
struct uvm_swap_state;
struct uvm_proc_state;
struct pmap;

struct uvm {
	/* Configuration, resolved (no unset fields). [c] */
	struct uvm_config u_cfg;
	char *u_strings;      /* storage for the u_cfg strings */
	uint64_t u_pagesize;  /* [c] bytes per page */
	unsigned u_pageshift; /* [c] log2(u_pagesize) */
	uint64_t u_pagemask;  /* [c] u_pagesize - 1 */

	struct uvmexp u_exp; /* [a] counters and gauges */

	struct kfi u_fi;              /* fault-injection schedule */
	struct khist u_hist;          /* event-trace ring (UVMHIST) */
	struct pool_registry u_pools; /* every pool of this machine */
	int u_sanity;                 /* run *_sanity() after mutations */

	/* Subsystem state, private to each subsystem's files. [s] */
	struct uvm_physseg_state *u_physseg; /* uvm_physseg.c */
	struct uvm_page_state *u_page;       /* uvm_page.c, uvm_pglist.c */
	struct uvm_pmap_state *u_pmap;       /* src/pmap/ */
	struct pmap *u_kernel_pmap;          /* pmap_kernel() */
	struct uvm_obj_state *u_obj;         /* uvm_object.c, uvm_aobj.c */
	struct uvm_anon_state *u_anon;       /* uvm_anon.c */
	struct uvm_amap_state *u_amap;       /* uvm_amap.c */
	struct uvm_map_state *u_map;         /* uvm_map.c */
	struct uvm_pdaemon_state *u_pdaemon; /* uvm_pdaemon.c */
	struct uvm_swap_state *u_swap;       /* uvm_swap.c */
	struct uvm_pdpol_state *u_pdpol;     /* uvm_pdpolicy*.c */
	struct uvm_proc_state *u_proc;       /* uvm_proc.c */
};

/* Page arithmetic for a machine (the page size is a run-time property). */
#define UVM_PAGE_SIZE(u)     ((u)->u_pagesize)
#define UVM_PAGE_SHIFT(u)    ((u)->u_pageshift)
#define UVM_PAGE_MASK(u)     ((u)->u_pagemask)
#define uvm_trunc_page(u, x) ((x) & ~(uint64_t)(u)->u_pagemask)
#define uvm_round_page(u, x) \
	(((x) + (u)->u_pagemask) & ~(uint64_t)(u)->u_pagemask)
#define uvm_atop(u, x)           ((uint64_t)(x) >> (u)->u_pageshift)
#define uvm_ptoa(u, x)           ((uint64_t)(x) << (u)->u_pageshift)
#define uvm_page_aligned_p(u, x) (((x) & (u)->u_pagemask) == 0)

/* Counters: relaxed atomics, so that stress tests run clean under TSan. */
#define uvm_cnt_add(u, f, n)       \
	((void)__atomic_fetch_add( \
	    &(u)->u_exp.f, (int64_t)(n), __ATOMIC_RELAXED))
#define uvm_cnt_inc(u, f) uvm_cnt_add(u, f, 1)
#define uvm_cnt_dec(u, f) uvm_cnt_add(u, f, -1)
#define uvm_cnt_get(u, f) __atomic_load_n(&(u)->u_exp.f, __ATOMIC_RELAXED)
#define uvm_cnt_set(u, f, v) \
	__atomic_store_n(&(u)->u_exp.f, (int64_t)(v), __ATOMIC_RELAXED)

/* The machine's trace ring. */
#define UVMHIST(u, fmt, a, b, c, d) UVMHIST_LOG(&(u)->u_hist, fmt, a, b, c, d)

/* Resolve and validate a configuration into uvm->u_cfg (uvm_config.c). */
int uvm_config_resolve(const struct uvm_config *, struct uvm *);

/* Set the calling thread's uvm_last_error() message. */
void uvm_set_error(const char *fmt, ...) __printflike(1, 2);

/*
 * Accounting snapshot used by tests: every allocation a test can leak.
 * uvm_acct_equal_p() prints the differences to stderr.
 */
struct uvm_acct {
	int64_t ua_free;     /* free pages */
	int64_t ua_poolnout; /* pool items out (entries, anons, amaps, ...) */
	int64_t ua_anons, ua_amaps, ua_mapents, ua_objs;
	int64_t ua_swpginuse;
	int64_t ua_wired;
};
void uvm_acct_snapshot(struct uvm *, struct uvm_acct *);
bool uvm_acct_equal_p(const struct uvm_acct *, const struct uvm_acct *);

/* Run every subsystem's sanity checker; panics on the first violation. */
void uvm_sanity_all(struct uvm *);

#endif /* _UVM_INTERNAL_H_ */
