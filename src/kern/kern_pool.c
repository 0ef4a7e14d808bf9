/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_pool.c: pool(9)-style allocator for fixed-size structures.
 *
 * A pool carves slabs from the host into items of one size.  A slab is a
 * power-of-two block aligned to its own size, so the slab of an item is
 * found by masking its address; the slab begins with a small header (its
 * pool and the number of its items out), followed by the items at
 * pr_itemoff:
 *
 *	slab (pr_slabsize bytes, aligned to pr_slabsize)
 *	+--------+-----+--------+--------+-- ... --+--------+-------+
 *	| header | pad | item 0 | item 1 |         | item n | waste |
 *	+--------+-----+--------+--------+-- ... --+--------+-------+
 *
 * Free items of all slabs form one list through their first word
 * (pr_freelist), newest first, so a get and a put are a few stores.  A
 * slab is at least 16 KiB and holds at least 8 items.  pool_reclaim()
 * returns slabs with no item out to the host, unlinking their items from
 * the free list in one pass.
 *
 * Large pools and huge pages.  Once a pool holds POOL_CHUNK (2 MiB) of
 * slabs, its further slabs are carved from POOL_CHUNK-aligned chunks
 * mapped from the host and advised for transparent huge pages, so that a
 * structure of a million 128-byte items (a big map's entries) spans 64
 * huge pages instead of 32,768 small ones: a random walk through such a
 * structure misses the TLB as well as the cache at nearly every step.  A chunk
 * hands out its slabs in address order, then those given back (each
 * chunk keeps its free slabs on a list through their first word); a
 * chunk whose last slab is given back returns to the host at once.  So
 * pool_reclaim() and pool_destroy() keep their meaning (the slabs leave
 * the pool, ps_nslabs says so), but the memory of a chunk that still has
 * a slab in use stays mapped.  Small pools, the common case, never
 * reach the threshold and cost no extra memory.  If the host refuses a
 * chunk, slabs come from aligned_alloc() as for a small pool.
 *
 * Fault injection: a PR_NOWAIT get fails (NULL, ps_nfail counted) when
 * the pool names a schedule and it says so, or when the host is out of
 * memory.  PR_WAITOK gets are never failed by injection; if the host has
 * no memory they abort the process with a message.
 *
 * Under AddressSanitizer, free items are poisoned, so a use after
 * pool_put() or a double pool_put() is reported at once.  Without it, a
 * double put is caught only when the item's slab has no other item out.
 *
 * Locking: pr_lock (class LC_LEAF) protects everything in the pool but
 * the constant geometry; the registry's preg_lock (LC_LEAF too) protects
 * its list, and registry walks take each pool's lock inside it (equal
 * classes may nest).  No other lock is taken under either.
 *
 * Alternative rejected: per-slab free lists with empty/partial/full slab
 * lists (NetBSD's layout) make reclaim cheaper and keep items of a slab
 * together, but kern_pool.h fixes one pool-wide free list and the
 * simulator never reclaims on a hot path.
 */
#include <sys/mman.h>

#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kern/kern_assert.h"
#include "kern/kern_fi.h"
#include "kern/kern_pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ASAN 1
#endif
#endif

#ifdef POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POOL_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define POOL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#define POOL_POISONED_P(p)  (__asan_address_is_poisoned(p) != 0)
#else
#define POOL_POISON(p, n)   ((void)(p), (void)(n))
#define POOL_UNPOISON(p, n) ((void)(p), (void)(n))
#define POOL_POISONED_P(p)  ((void)(p), false)
#endif

#define POOL_MINSLAB  (16u * 1024)
#define POOL_MINITEMS 8u
#define POOL_MAGIC    0x706f6f6cu        /* "pool" */
#define POOL_CHUNK    (2u * 1024 * 1024) /* one transparent huge page */

struct pool_slab {
	struct pool *ps_pool;        /* [c] owner */
	struct pool_slab *ps_next;   /* [p] next slab of the pool */
	struct pool_chunk *ps_chunk; /* [c] its chunk, NULL: aligned_alloc */
	unsigned ps_nout;            /* [p] items of this slab out */
	uint32_t ps_magic;           /* [c] POOL_MAGIC */
};

/*
 * A POOL_CHUNK-aligned chunk of slabs.  Slabs [0, pc_ncarved) have been
 * handed out at least once; of those, pc_nslabs belong to the pool now
 * and the others are on pc_free.  A chunk with no slab in the pool is
 * unmapped at once, so pc_nslabs > 0 for every chunk on pr_chunks.
 */
struct pool_chunk {
	struct pool_chunk *pc_next; /* [p] next chunk of the pool */
	char *pc_base;              /* [c] POOL_CHUNK bytes, aligned to it */
	void *pc_free;              /* [p] slabs given back, through 1st word */
	unsigned pc_nslabs;         /* [p] slabs of the pool carved here */
	unsigned pc_ncarved;        /* [p] slabs carved so far */
};

static bool pool_check_locked(struct pool *, char *, size_t);

static inline struct pool_slab *
pool_item_slab(const struct pool *pp, const void *item)
{
	return (struct pool_slab *)((uintptr_t)item &
	    ~(uintptr_t)(pp->pr_slabsize - 1));
}

static inline char *
pool_slab_item(const struct pool *pp, struct pool_slab *ps, unsigned i)
{
	return (char *)ps + pp->pr_itemoff + (size_t)i * pp->pr_size;
}

/* Read the free-list link of a free (poisoned) item. */
static inline void *
pool_link_get(const struct pool *pp, void *item)
{
	void *next;

	POOL_UNPOISON(item, sizeof(void *));
	memcpy(&next, item, sizeof(next));
	POOL_POISON(item, sizeof(void *));
	return next;
}

static inline void
pool_link_set(const struct pool *pp, void *item, void *next)
{
	POOL_UNPOISON(item, sizeof(void *));
	memcpy(item, &next, sizeof(next));
	POOL_POISON(item, sizeof(void *));
}

/*
 * pool_item_p: is `item` an item address of pool `pp`?
 */
static bool
pool_item_p(const struct pool *pp, const void *item)
{
	const struct pool_slab *ps;
	uintptr_t off;

	ps = pool_item_slab(pp, item);
	if (ps->ps_magic != POOL_MAGIC || ps->ps_pool != pp)
		return false;
	off = (uintptr_t)item - (uintptr_t)ps;
	return off >= pp->pr_itemoff &&
	    (off - pp->pr_itemoff) % pp->pr_size == 0 &&
	    (off - pp->pr_itemoff) / pp->pr_size < pp->pr_itemsperslab;
}

/* ---------------------------------------------------------------------- */
/* The registry. */

/*
 * pool_registry_init: an empty registry.
 */
void
pool_registry_init(struct pool_registry *preg)
{
	KASSERT(preg != NULL);
	mutex_init(&preg->preg_lock, LC_LEAF, "poolreg");
	TAILQ_INIT(&preg->preg_pools);
}

/*
 * pool_registry_fini: tear the registry down.
 * => every pool must have been destroyed (DIAGNOSTIC panics otherwise).
 */
void
pool_registry_fini(struct pool_registry *preg)
{
	struct pool *pp;

	pp = TAILQ_FIRST(&preg->preg_pools);
	KASSERTMSG(pp == NULL, "pool registry torn down with pool \"%s\"",
	    pp != NULL ? pp->pr_name : "");
	(void)pp;
	mutex_destroy(&preg->preg_lock);
}

/*
 * pool_registry_nout: the sum of items out over every registered pool.
 * => takes preg_lock, then each pool's lock.
 */
uint64_t
pool_registry_nout(struct pool_registry *preg)
{
	struct pool *pp;
	uint64_t n;

	n = 0;
	mutex_enter(&preg->preg_lock);
	TAILQ_FOREACH (pp, &preg->preg_pools, pr_list) {
		mutex_enter(&pp->pr_lock);
		n += pp->pr_stats.ps_nout;
		mutex_exit(&pp->pr_lock);
	}
	mutex_exit(&preg->preg_lock);
	return n;
}

/*
 * pool_registry_print: a vmstat -m style table of every registered pool.
 */
void
pool_registry_print(struct pool_registry *preg, FILE *fp)
{
	struct pool_stats st;
	struct pool *pp;
	uint64_t inuse, total;

	fprintf(fp, "%-16s %6s %10s %6s %10s %8s %8s %6s %8s %6s\n", "Name",
	    "Size", "Requests", "Fail", "Releases", "InUse", "HiWat", "Slabs",
	    "Items", "Util");
	inuse = total = 0;
	mutex_enter(&preg->preg_lock);
	TAILQ_FOREACH (pp, &preg->preg_pools, pr_list) {
		pool_getstats(pp, &st);
		fprintf(fp,
		    "%-16s %6zu %10ju %6ju %10ju %8ju %8ju %6ju %8ju %5ju%%\n",
		    st.ps_name, st.ps_size, (uintmax_t)st.ps_nget,
		    (uintmax_t)st.ps_nfail, (uintmax_t)st.ps_nput,
		    (uintmax_t)st.ps_nout, (uintmax_t)st.ps_hiwat,
		    (uintmax_t)st.ps_nslabs, (uintmax_t)st.ps_nitems,
		    (uintmax_t)(st.ps_nitems == 0
			    ? 0
			    : st.ps_nout * 100 / st.ps_nitems));
		inuse += st.ps_nout * st.ps_size;
		total += st.ps_nslabs * pp->pr_slabsize;
	}
	mutex_exit(&preg->preg_lock);
	fprintf(fp, "In use %juK, total allocated %juK\n",
	    (uintmax_t)(inuse / 1024), (uintmax_t)(total / 1024));
}

/*
 * pool_registry_sanity: pool_sanity() on every registered pool.
 * => takes preg_lock, then each pool's lock; drops them before panicking.
 */
void
pool_registry_sanity(struct pool_registry *preg)
{
	struct pool *pp;
	char msg[256];
	bool ok;

	ok = true;
	mutex_enter(&preg->preg_lock);
	TAILQ_FOREACH (pp, &preg->preg_pools, pr_list) {
		if (pp->pr_registry != preg) {
			snprintf(msg, sizeof(msg),
			    "pool \"%s\" is on a registry it does not name",
			    pp->pr_name);
			ok = false;
			break;
		}
		mutex_enter(&pp->pr_lock);
		ok = pool_check_locked(pp, msg, sizeof(msg));
		mutex_exit(&pp->pr_lock);
		if (!ok)
			break;
	}
	mutex_exit(&preg->preg_lock);
	if (!ok)
		panic("%s", msg);
}

/* ---------------------------------------------------------------------- */
/* Pools. */

/*
 * pool_init: a pool of items of `size` bytes aligned to `align` (0: the
 * host's malloc alignment).
 * => registers in `preg` if not NULL.
 * => `fi` and `fisite` name the fault-injection site for PR_NOWAIT gets
 *    (fi NULL: never injected).
 * => `name` must outlive the pool (a literal).
 */
void
pool_init(struct pool *pp, size_t size, size_t align, const char *name,
    struct pool_registry *preg, struct kfi *fi, int fisite)
{
	size_t slabsize, itemoff;

	KASSERT(pp != NULL);
	KASSERTMSG(size > 0, "pool \"%s\": zero item size", name);
	if (align == 0)
		align = alignof(max_align_t);
	KASSERTMSG(
	    powerof2_p(align), "pool \"%s\": alignment %zu", name, align);
	KASSERTMSG(fi == NULL || (fisite >= 0 && fisite < KFI_NSITES),
	    "pool \"%s\": bad fault-injection site %d", name, fisite);
	if (align < alignof(void *))
		align = alignof(void *);
	size = (size + align - 1) & ~(align - 1);
	itemoff = (sizeof(struct pool_slab) + align - 1) & ~(align - 1);
	slabsize = MAX((size_t)POOL_MINSLAB, align);
	while (slabsize - itemoff < POOL_MINITEMS * size)
		slabsize <<= 1;

	memset(pp, 0, sizeof(*pp));
	mutex_init(&pp->pr_lock, LC_LEAF, name);
	pp->pr_name = name != NULL ? name : "pool";
	pp->pr_size = size;
	pp->pr_align = align;
	pp->pr_slabsize = slabsize;
	pp->pr_itemoff = itemoff;
	pp->pr_itemsperslab = (unsigned)((slabsize - itemoff) / size);
	pp->pr_freelist = NULL;
	pp->pr_slabs = NULL;
	pp->pr_fi = fi;
	pp->pr_fisite = fisite;
	pp->pr_stats.ps_name = pp->pr_name;
	pp->pr_stats.ps_size = size;
	pp->pr_registry = preg;
	if (preg != NULL) {
		mutex_enter(&preg->preg_lock);
		TAILQ_INSERT_TAIL(&preg->preg_pools, pp, pr_list);
		mutex_exit(&preg->preg_lock);
	}
}

/* Slabs per chunk. */
static inline unsigned
pool_chunk_nslabs(const struct pool *pp)
{
	return (unsigned)(POOL_CHUNK / pp->pr_slabsize);
}

/*
 * pool_chunk_map: a new chunk for the pool, advised for huge pages.
 * => pr_lock held; NULL if the host refuses.
 */
static struct pool_chunk *
pool_chunk_map(struct pool *pp)
{
	struct pool_chunk *pc;
	char *raw, *base;
	size_t head, tail;

	KASSERT(mutex_owned(&pp->pr_lock));
	pc = malloc(sizeof(*pc));
	if (pc == NULL)
		return NULL;
	/* Twice the size, then trim to the aligned chunk inside. */
	raw = mmap(NULL, 2 * (size_t)POOL_CHUNK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		free(pc);
		return NULL;
	}
	base = (char *)(((uintptr_t)raw + POOL_CHUNK - 1) &
	    ~(uintptr_t)(POOL_CHUNK - 1));
	head = (size_t)(base - raw);
	tail = POOL_CHUNK - head;
	if (head != 0)
		(void)munmap(raw, head);
	if (tail != 0)
		(void)munmap(base + POOL_CHUNK, tail);
#ifdef MADV_HUGEPAGE
	/* Advice only: without huge pages the chunk still works. */
	(void)madvise(base, POOL_CHUNK, MADV_HUGEPAGE);
#endif
	pc->pc_base = base;
	pc->pc_free = NULL;
	pc->pc_nslabs = 0;
	pc->pc_ncarved = 0;
	pc->pc_next = pp->pr_chunks;
	pp->pr_chunks = pc;
	return pc;
}

/*
 * pool_slab_alloc: memory for a new slab (its header not yet set): from
 * a chunk once the pool is large, else from aligned_alloc().
 * => pr_lock held; NULL if the host has no memory.
 */
static struct pool_slab *
pool_slab_alloc(struct pool *pp)
{
	struct pool_chunk *pc;
	struct pool_slab *ps;
	char *slab;

	KASSERT(mutex_owned(&pp->pr_lock));
	if (pp->pr_slabsize > POOL_CHUNK / 16)
		goto small;
	/*
	 * A slab given back first, so that a chunk partly emptied by reclaim
	 * fills up again rather than staying mapped for a few slabs; then
	 * one never carved.
	 */
	for (pc = pp->pr_chunks; pc != NULL; pc = pc->pc_next)
		if (pc->pc_free != NULL)
			break;
	if (pc == NULL)
		for (pc = pp->pr_chunks; pc != NULL; pc = pc->pc_next)
			if (pc->pc_ncarved < pool_chunk_nslabs(pp))
				break;
	if (pc == NULL) {
		if (pp->pr_stats.ps_nslabs < pool_chunk_nslabs(pp) ||
		    (pc = pool_chunk_map(pp)) == NULL)
			goto small;
	}
	if (pc->pc_free != NULL) {
		slab = pc->pc_free;
		POOL_UNPOISON(slab, pp->pr_slabsize);
		memcpy(&pc->pc_free, slab, sizeof(void *));
	} else
		slab = pc->pc_base + (size_t)pc->pc_ncarved++ * pp->pr_slabsize;
	pc->pc_nslabs++;
	ps = (struct pool_slab *)(void *)slab;
	ps->ps_chunk = pc;
	return ps;

small:
	ps = aligned_alloc(pp->pr_slabsize, pp->pr_slabsize);
	if (ps != NULL)
		ps->ps_chunk = NULL;
	return ps;
}

/*
 * pool_slab_release: a slab leaves the pool (already off pr_slabs).  A
 * slab of aligned_alloc() is freed; a chunk's slab goes back to its
 * chunk, and a chunk left without slabs moves to *deadp for
 * pool_chunks_unmap() (which the caller runs after dropping pr_lock).
 * => a chunk's slab: pr_lock held, or the pool being destroyed; a slab
 *    of aligned_alloc() touches no pool state and needs no lock.
 */
static void
pool_slab_release(
    struct pool *pp, struct pool_slab *ps, struct pool_chunk **deadp)
{
	struct pool_chunk *pc = ps->ps_chunk, **pcp;
	void *link;

	if (pc == NULL) {
		POOL_UNPOISON(ps, pp->pr_slabsize);
		free(ps);
		return;
	}
	KASSERT(pc->pc_nslabs > 0);
	/* Poisoned while on the chunk's free list, like a free item. */
	link = pc->pc_free;
	POOL_POISON(ps, pp->pr_slabsize);
	pool_link_set(pp, ps, link);
	pc->pc_free = ps;
	if (--pc->pc_nslabs != 0)
		return;
	for (pcp = &pp->pr_chunks; *pcp != pc; pcp = &(*pcp)->pc_next)
		KASSERT(*pcp != NULL);
	*pcp = pc->pc_next;
	pc->pc_next = *deadp;
	*deadp = pc;
}

/* Give chunks (linked through pc_next) back to the host. */
static void
pool_chunks_unmap(struct pool_chunk *pc)
{
	struct pool_chunk *next;

	for (; pc != NULL; pc = next) {
		next = pc->pc_next;
		/* The shadow must not outlive the mapping. */
		POOL_UNPOISON(pc->pc_base, POOL_CHUNK);
		(void)munmap(pc->pc_base, POOL_CHUNK);
		free(pc);
	}
}

/*
 * pool_destroy: give every slab back to the host.
 * => no item may be out (DIAGNOSTIC panics otherwise).
 */
void
pool_destroy(struct pool *pp)
{
	struct pool_slab *ps, *next;
	struct pool_chunk *dead;

	KASSERTMSG(pp->pr_stats.ps_nout == 0,
	    "pool \"%s\" destroyed with %ju item(s) out", pp->pr_name,
	    (uintmax_t)pp->pr_stats.ps_nout);
	if (pp->pr_registry != NULL) {
		mutex_enter(&pp->pr_registry->preg_lock);
		TAILQ_REMOVE(&pp->pr_registry->preg_pools, pp, pr_list);
		mutex_exit(&pp->pr_registry->preg_lock);
		pp->pr_registry = NULL;
	}
	dead = NULL;
	for (ps = pp->pr_slabs; ps != NULL; ps = next) {
		next = ps->ps_next;
		pool_slab_release(pp, ps, &dead);
	}
	KASSERT(pp->pr_chunks == NULL);
	pool_chunks_unmap(dead);
	pp->pr_slabs = NULL;
	pp->pr_freelist = NULL;
	mutex_destroy(&pp->pr_lock);
}

/*
 * pool_grow: add a slab and put its items on the free list.
 * => pr_lock held; returns false if the host has no memory.
 */
static bool
pool_grow(struct pool *pp)
{
	struct pool_slab *ps;
	unsigned i;

	KASSERT(mutex_owned(&pp->pr_lock));
	ps = pool_slab_alloc(pp);
	if (ps == NULL)
		return false;
	ps->ps_pool = pp;
	ps->ps_nout = 0;
	ps->ps_magic = POOL_MAGIC;
	ps->ps_next = pp->pr_slabs;
	pp->pr_slabs = ps;
	POOL_POISON(pool_slab_item(pp, ps, 0),
	    (size_t)pp->pr_itemsperslab * pp->pr_size);
	/* Push in reverse so that gets hand out ascending addresses. */
	for (i = pp->pr_itemsperslab; i-- > 0;) {
		pool_link_set(pp, pool_slab_item(pp, ps, i), pp->pr_freelist);
		pp->pr_freelist = pool_slab_item(pp, ps, i);
	}
	pp->pr_stats.ps_nslabs++;
	pp->pr_stats.ps_nitems += pp->pr_itemsperslab;
	return true;
}

/*
 * pool_get: an item, or NULL.
 * => flags: exactly one of PR_WAITOK (never fails) and PR_NOWAIT (fails
 *    by fault injection or host exhaustion), optionally PR_ZERO.
 * => takes pr_lock (leaf); never sleeps.
 */
void *
pool_get(struct pool *pp, int flags)
{
	struct pool_slab *ps;
	void *item;

	KASSERTMSG(((flags & PR_WAITOK) != 0) != ((flags & PR_NOWAIT) != 0),
	    "pool \"%s\": pool_get flags %#x", pp->pr_name, flags);
	KASSERTMSG((flags & ~(PR_WAITOK | PR_NOWAIT | PR_ZERO)) == 0,
	    "pool \"%s\": pool_get flags %#x", pp->pr_name, flags);

	/*
	 * Fault injection: consult the schedule only while something is
	 * armed (kfi_fail_p() counts each check with an atomic add, one
	 * locked instruction too many for every allocation).
	 */
	if ((flags & PR_NOWAIT) != 0 && pp->pr_fi != NULL &&
	    __predict_false(
		__atomic_load_n(&pp->pr_fi->fi_armed, __ATOMIC_RELAXED) != 0) &&
	    kfi_fail_p(pp->pr_fi, (enum kfi_site)pp->pr_fisite))
		goto fail;
	mutex_enter(&pp->pr_lock);
	if (pp->pr_freelist == NULL && !pool_grow(pp)) {
		mutex_exit(&pp->pr_lock);
		if ((flags & PR_WAITOK) != 0) {
			fprintf(stderr,
			    "pool_get(%s): the host is out of memory for a "
			    "%zu-byte slab\n",
			    pp->pr_name, pp->pr_slabsize);
			abort();
		}
		goto fail;
	}
	item = pp->pr_freelist;
	pp->pr_freelist = pool_link_get(pp, item);
	/*
	 * The next get reads the next item's link: start fetching it now,
	 * as items freed long ago are cold.
	 */
	if (pp->pr_freelist != NULL)
		__builtin_prefetch(pp->pr_freelist, 1, 3);
	POOL_UNPOISON(item, pp->pr_size);
	ps = pool_item_slab(pp, item);
	ps->ps_nout++;
	pp->pr_stats.ps_nget++;
	pp->pr_stats.ps_nout++;
	if (pp->pr_stats.ps_nout > pp->pr_stats.ps_hiwat)
		pp->pr_stats.ps_hiwat = pp->pr_stats.ps_nout;
	mutex_exit(&pp->pr_lock);

	if ((flags & PR_ZERO) != 0)
		memset(item, 0, pp->pr_size);
	return item;

fail:
	mutex_enter(&pp->pr_lock);
	pp->pr_stats.ps_nfail++;
	mutex_exit(&pp->pr_lock);
	return NULL;
}

/*
 * pool_put: give an item back.
 * => `item` came from pool_get() on this pool and is not already back.
 * => takes pr_lock (leaf); never sleeps.
 */
void
pool_put(struct pool *pp, void *item)
{
	struct pool_slab *ps;

	KASSERT(item != NULL);
	KASSERTMSG(pool_item_p(pp, item),
	    "pool \"%s\": %p is not an item of this pool", pp->pr_name, item);
	if (POOL_POISONED_P(item))
		panic("pool \"%s\": item %p put twice", pp->pr_name, item);
	ps = pool_item_slab(pp, item);
	mutex_enter(&pp->pr_lock);
	if (__predict_false(ps->ps_nout == 0 || pp->pr_stats.ps_nout == 0)) {
		mutex_exit(&pp->pr_lock);
		panic("pool \"%s\": put of %p, but its slab has no item out",
		    pp->pr_name, item);
	}
	ps->ps_nout--;
	POOL_POISON(item, pp->pr_size);
	pool_link_set(pp, item, pp->pr_freelist);
	pp->pr_freelist = item;
	pp->pr_stats.ps_nput++;
	pp->pr_stats.ps_nout--;
	mutex_exit(&pp->pr_lock);
}

/*
 * pool_getstats: a consistent snapshot of the pool's statistics.
 */
void
pool_getstats(struct pool *pp, struct pool_stats *st)
{
	mutex_enter(&pp->pr_lock);
	*st = pp->pr_stats;
	mutex_exit(&pp->pr_lock);
}

/*
 * pool_reclaim: give back to the host every slab with no item out.
 * => returns the number of slabs freed.
 * => takes pr_lock (leaf).
 */
unsigned
pool_reclaim(struct pool *pp)
{
	struct pool_slab *ps, **psp, *victims, *psnext;
	struct pool_chunk *dead;
	void *item, *next, *head, *tail;
	unsigned n;

	mutex_enter(&pp->pr_lock);
	victims = NULL;
	n = 0;
	for (psp = &pp->pr_slabs; (ps = *psp) != NULL;) {
		if (ps->ps_nout == 0) {
			*psp = ps->ps_next;
			ps->ps_next = victims;
			victims = ps;
			n++;
		} else
			psp = &ps->ps_next;
	}
	if (n == 0) {
		mutex_exit(&pp->pr_lock);
		return 0;
	}
	/*
	 * Rebuild the free list without the victims' items (their slabs
	 * have no item out, every surviving slab has one at least); the
	 * survivors keep their order.
	 */
	head = tail = NULL;
	for (item = pp->pr_freelist; item != NULL; item = next) {
		next = pool_link_get(pp, item);
		if (pool_item_slab(pp, item)->ps_nout == 0)
			continue;
		if (tail == NULL)
			head = item;
		else
			pool_link_set(pp, tail, item);
		tail = item;
	}
	if (tail != NULL)
		pool_link_set(pp, tail, NULL);
	pp->pr_freelist = head;
	pp->pr_stats.ps_nslabs -= n;
	pp->pr_stats.ps_nitems -= (uint64_t)n * pp->pr_itemsperslab;
	/* Chunks are the pool's state: their slabs go back under the lock. */
	dead = NULL;
	for (psp = &victims; (ps = *psp) != NULL;) {
		if (ps->ps_chunk != NULL) {
			*psp = ps->ps_next;
			pool_slab_release(pp, ps, &dead);
		} else
			psp = &ps->ps_next;
	}
	mutex_exit(&pp->pr_lock);

	for (ps = victims; ps != NULL; ps = psnext) {
		psnext = ps->ps_next;
		pool_slab_release(pp, ps, NULL);
	}
	pool_chunks_unmap(dead);
	return n;
}

/* Record a violation in msg[] and fail the check. */
#define POOL_CHECK(cond, ...)                               \
	do {                                                \
		if (__predict_false(!(cond))) {             \
			snprintf(msg, msglen, __VA_ARGS__); \
			return false;                       \
		}                                           \
	} while (0)

/*
 * pool_check_locked: check the pool's invariants.
 * => pr_lock held; returns false with a message on the first violation.
 */
static bool
pool_check_locked(struct pool *pp, char *msg, size_t msglen)
{
	const struct pool_stats *st = &pp->pr_stats;
	struct pool_chunk *pc;
	struct pool_slab *ps;
	uint64_t nslabs, nout, nfree, nchunked, nchunkslabs;
	void *item;

	KASSERT(mutex_owned(&pp->pr_lock));
	POOL_CHECK(st->ps_nout == st->ps_nget - st->ps_nput,
	    "pool \"%s\": nout %ju != nget %ju - nput %ju", pp->pr_name,
	    (uintmax_t)st->ps_nout, (uintmax_t)st->ps_nget,
	    (uintmax_t)st->ps_nput);
	POOL_CHECK(st->ps_hiwat >= st->ps_nout,
	    "pool \"%s\": hiwat %ju below nout %ju", pp->pr_name,
	    (uintmax_t)st->ps_hiwat, (uintmax_t)st->ps_nout);
	nslabs = nout = nchunked = 0;
	for (ps = pp->pr_slabs; ps != NULL; ps = ps->ps_next) {
		POOL_CHECK(ps->ps_magic == POOL_MAGIC && ps->ps_pool == pp,
		    "pool \"%s\": foreign slab %p", pp->pr_name, (void *)ps);
		if ((pc = ps->ps_chunk) != NULL) {
			POOL_CHECK((char *)ps >= pc->pc_base &&
				(char *)ps < pc->pc_base +
					(size_t)pc->pc_ncarved *
					    pp->pr_slabsize,
			    "pool \"%s\": slab %p outside its chunk %p",
			    pp->pr_name, (void *)ps, (void *)pc->pc_base);
			nchunked++;
		}
		POOL_CHECK(ps->ps_nout <= pp->pr_itemsperslab,
		    "pool \"%s\": slab %p has %u items out", pp->pr_name,
		    (void *)ps, ps->ps_nout);
		POOL_CHECK(++nslabs <= st->ps_nslabs,
		    "pool \"%s\": more slabs listed than counted (%ju)",
		    pp->pr_name, (uintmax_t)st->ps_nslabs);
		nout += ps->ps_nout;
	}
	POOL_CHECK(nslabs == st->ps_nslabs,
	    "pool \"%s\": %ju slabs listed, %ju counted", pp->pr_name,
	    (uintmax_t)nslabs, (uintmax_t)st->ps_nslabs);
	POOL_CHECK(nout == st->ps_nout,
	    "pool \"%s\": slabs have %ju items out, statistics %ju",
	    pp->pr_name, (uintmax_t)nout, (uintmax_t)st->ps_nout);
	POOL_CHECK(st->ps_nitems == nslabs * pp->pr_itemsperslab,
	    "pool \"%s\": nitems %ju for %ju slabs", pp->pr_name,
	    (uintmax_t)st->ps_nitems, (uintmax_t)nslabs);
	/*
	 * Chunks: aligned, each with slabs of the pool (an empty one is
	 * unmapped), carved = in the pool + on its free list, and the
	 * pool's chunked slabs are those the chunks count.
	 */
	nchunkslabs = 0;
	for (pc = pp->pr_chunks; pc != NULL; pc = pc->pc_next) {
		uint64_t nspare = 0;

		POOL_CHECK(((uintptr_t)pc->pc_base & (POOL_CHUNK - 1)) == 0 &&
			pc->pc_nslabs > 0 &&
			pc->pc_ncarved <= pool_chunk_nslabs(pp),
		    "pool \"%s\": chunk %p: %u slabs, %u carved", pp->pr_name,
		    (void *)pc->pc_base, pc->pc_nslabs, pc->pc_ncarved);
		for (item = pc->pc_free; item != NULL;
		     item = pool_link_get(pp, item)) {
			POOL_CHECK((char *)item >= pc->pc_base &&
				(char *)item < pc->pc_base + POOL_CHUNK &&
				++nspare <= pc->pc_ncarved,
			    "pool \"%s\": chunk %p: bad free slab %p",
			    pp->pr_name, (void *)pc->pc_base, item);
		}
		POOL_CHECK(pc->pc_nslabs + nspare == pc->pc_ncarved,
		    "pool \"%s\": chunk %p: %u slabs + %ju free != %u carved",
		    pp->pr_name, (void *)pc->pc_base, pc->pc_nslabs,
		    (uintmax_t)nspare, pc->pc_ncarved);
		nchunkslabs += pc->pc_nslabs;
	}
	POOL_CHECK(nchunkslabs == nchunked,
	    "pool \"%s\": chunks hold %ju slabs, the pool lists %ju",
	    pp->pr_name, (uintmax_t)nchunkslabs, (uintmax_t)nchunked);
	nfree = 0;
	for (item = pp->pr_freelist; item != NULL;
	     item = pool_link_get(pp, item)) {
		POOL_CHECK(pool_item_p(pp, item),
		    "pool \"%s\": free list holds %p, not an item", pp->pr_name,
		    item);
		POOL_CHECK(++nfree <= st->ps_nitems,
		    "pool \"%s\": free list longer than the pool (loop?)",
		    pp->pr_name);
	}
	POOL_CHECK(nfree + nout == st->ps_nitems,
	    "pool \"%s\": %ju free + %ju out != %ju items", pp->pr_name,
	    (uintmax_t)nfree, (uintmax_t)nout, (uintmax_t)st->ps_nitems);
	return true;
}

/*
 * pool_sanity: check the pool's invariants; panic on a violation.
 * => nout = nget - nput = sum of the slabs' counts <= hiwat; nitems =
 *    nslabs * items per slab; every free item is an item of the pool and
 *    free + out = nitems (so no item is on the free list twice).
 * => every chunk is aligned and holds slabs of the pool; its slabs in the
 *    pool plus those on its free list are those it carved; the chunks'
 *    counts add up to the pool's slabs that name a chunk.
 * => takes pr_lock (leaf), and drops it before panicking.  O(items).
 * => checks in every build, DIAGNOSTIC or not.
 */
void
pool_sanity(struct pool *pp)
{
	char msg[256];
	bool ok;

	mutex_enter(&pp->pr_lock);
	ok = pool_check_locked(pp, msg, sizeof(msg));
	mutex_exit(&pp->pr_lock);
	if (!ok)
		panic("%s", msg);
}
