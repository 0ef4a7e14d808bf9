/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_pool.h: pool(9)-style allocator for fixed-size structures.
 *
 * A pool hands out items of one size from slabs it allocates from the host
 * and keeps per-pool statistics.  Items are never returned to the host
 * until pool_destroy() (which panics if items are still out, in DIAGNOSTIC
 * builds) or pool_reclaim() (a large pool's slabs go back to the host a
 * 2 MiB chunk at a time, see kern_pool.c).  A pool may name a
 * fault-injection site: then pool_get() with PR_NOWAIT fails when the
 * machine's schedule says so.
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
#define PR_ZERO   0x04 /* zero the item */

struct pool_stats {
	const char *ps_name;
	size_t ps_size;     /* item size */
	uint64_t ps_nget;   /* successful gets */
	uint64_t ps_nput;   /* puts */
	uint64_t ps_nfail;  /* failed gets */
	uint64_t ps_nout;   /* items currently out (nget - nput) */
	uint64_t ps_hiwat;  /* high water of nout */
	uint64_t ps_nslabs; /* slabs allocated */
	uint64_t ps_nitems; /* items in all slabs */
};

struct pool_slab;
struct pool_chunk;

/*
 * Lock legend:
 *	[c] constant after pool_init()
 *	[p] pr_lock (class LC_LEAF)
 *	[r] the registry's preg_lock (class LC_LEAF)
 */
struct pool {
	struct kmutex pr_lock;
	const char *pr_name;      /* [c] */
	size_t pr_size;           /* [c] item size, rounded to alignment */
	size_t pr_align;          /* [c] item alignment, a power of two */
	unsigned pr_itemsperslab; /* [c] items in one slab (>= 8) */
	void *pr_freelist;        /* [p] free items, linked through 1st word */
	struct pool_slab *pr_slabs; /* [p] every slab of the pool */
	size_t pr_slabsize;         /* [c] bytes per slab: power of two, and
				       slabs are aligned to it */
	size_t pr_itemoff;          /* [c] offset of the first item in a slab */
	struct kfi *pr_fi;          /* [c] fault injection, or NULL */
	int pr_fisite;              /* [c] its site (enum kfi_site) */
	struct pool_stats pr_stats; /* [p] */
	TAILQ_ENTRY(pool) pr_list;  /* [r] in the registry */
	struct pool_registry *pr_registry; /* [c] or NULL */
	struct pool_chunk *pr_chunks;      /* [p] chunks of a large pool */
};

struct pool_registry {
	struct kmutex preg_lock;       /* taken before each member's pr_lock */
	TAILQ_HEAD(, pool) preg_pools; /* [r] */
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
/* Check the pool's invariants (panics on a violation). */
void pool_sanity(struct pool *);
/* pool_sanity() on every registered pool. */
void pool_registry_sanity(struct pool_registry *);

#endif /* _KERN_POOL_H_ */
