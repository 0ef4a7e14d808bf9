/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_pool.h: pool(9)-style allocator for fixed-size structures.
 *
 * A pool hands out items of one size from slabs it allocates from the host
 * and keeps per-pool statistics.  Items are never returned to the host
 * until pool_destroy() (which panics if items are still out, in DIAGNOSTIC
 * builds) or pool_reclaim().  A pool may name a fault-injection site: then
 * pool_get() with PR_NOWAIT fails when the machine's schedule says so.
 * Pools register in a struct pool_registry so that a machine can list
 * them and check that every test returns them to their starting level.
 */
#ifndef _KERN_POOL_H_
#define _KERN_POOL_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>

#include "kern/kern_lock.h"

struct kfi;

#define PR_WAITOK 0x01 /* may not fail (aborts if the host has no memory) */
#define PR_NOWAIT 0x02 /* may fail: returns NULL */
#define PR_ZERO	  0x04 /* zero the item */

struct pool_stats {
	const char *ps_name;
	size_t ps_size;	  /* item size */
	uint64_t ps_nget; /* successful gets */
	uint64_t ps_nput; /* puts */
	uint64_t ps_nfail; /* failed gets */
	uint64_t ps_nout; /* items currently out (nget - nput) */
	uint64_t ps_hiwat; /* high water of nout */
	uint64_t ps_nslabs; /* slabs allocated */
	uint64_t ps_nitems; /* items in all slabs */
};

struct pool_slab;

struct pool {
	struct kmutex pr_lock;
	const char *pr_name;
	size_t pr_size;	    /* item size, rounded to alignment */
	size_t pr_align;
	unsigned pr_itemsperslab;
	void *pr_freelist;  /* free items, linked through their first word */
	struct pool_slab *pr_slabs;
	struct kfi *pr_fi;  /* fault injection, or NULL */
	int pr_fisite;	    /* its site (enum kfi_site) */
	struct pool_stats pr_stats;
	TAILQ_ENTRY(pool) pr_list; /* in the registry */
	struct pool_registry *pr_registry;
};

struct pool_registry {
	struct kmutex preg_lock;
	TAILQ_HEAD(, pool) preg_pools;
};

void pool_registry_init(struct pool_registry *);
void pool_registry_fini(struct pool_registry *);
/* Sum of items out over every registered pool. */
uint64_t pool_registry_nout(struct pool_registry *);
void pool_registry_print(struct pool_registry *, FILE *);

/*
 * pool_init: registry, fault-injection state and site may be NULL/-1.
 */
void pool_init(struct pool *, size_t size, size_t align, const char *name,
    struct pool_registry *, struct kfi *, int fisite);
void pool_destroy(struct pool *);
void *pool_get(struct pool *, int flags);
void pool_put(struct pool *, void *);
void pool_getstats(struct pool *, struct pool_stats *);
/* Free slabs that have no item out; returns the number freed. */
unsigned pool_reclaim(struct pool *);

#endif /* _KERN_POOL_H_ */
