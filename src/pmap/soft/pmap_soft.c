/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmap_soft.c: the soft pmap: software page tables, pv lists, and
 * software referenced/modified bits.
 *
 * This file owns the soft back end's machine state (pools for pmaps, page
 * tables and pv entries, the hashed pv locks), each soft pmap's page
 * tables, and the pv lists and R/M bits of managed pages (vm_page fields
 * pv_head and mdattrs).
 *
 * Page tables.  A pmap is a radix tree over the virtual page number (vpn =
 * va >> page shift).  Every table holds 512 8-byte entries (9 bits of the
 * vpn) plus a count of its non-empty entries.  The number of levels is
 * chosen from the page shift so that the whole 64-bit space is covered:
 *
 *	levels = ceil((64 - pageshift) / 9)
 *	4 KiB pages: 52 vpn bits, 6 levels (the top table uses 7 bits)
 *	16 KiB pages: 50 vpn bits, 6 levels (top: 5 bits)
 *	64 KiB pages: 48 vpn bits, 6 levels (top: 3 bits)
 *
 * Interior entries hold a pointer to the child table (0: none); leaf
 * entries hold PTEs:
 *
 *	63                             12     5   4   3..1   0
 *	+--------------------------------+---+---+---+------+---+
 *	|    page frame number           | . | M | W | prot | V |
 *	+--------------------------------+---+---+---+------+---+
 *	V valid, prot the VM_PROT_* bits as entered, W wired, M managed (the
 *	frame has a struct vm_page and the mapping has a pv entry).
 *
 * Tables are allocated when a mapping needs them (from a pool with the
 * KFI_POOL fault-injection site: with PMAP_CANFAIL, failure gives ENOMEM
 * and frees the tables allocated on the way; without it the allocation
 * waits, i.e. never fails) and freed as soon as they become empty, the
 * root included, so an empty pmap owns no table.  Range operations walk
 * the tree and descend only into present tables, so huge sparse ranges
 * cost in proportion to the tables present, not to the range.  A one-leaf
 * hint (the last leaf looked up) lets repeated operations in the same 2 MiB
 * (4 KiB pages) skip the walk from the root.
 *
 * pv lists.  Each managed mapping has one struct pv_entry (pmap, va) on its
 * page's pv_head list; unmanaged mappings (frames without a vm_page, and
 * pmap_kenter_pa() mappings) have none.  R/M bits live in pg->mdattrs and
 * change with atomic operations, so the access path needs no pv lock.
 * pv entries come from a pool (KFI_POOL site); each user pmap keeps up to
 * PMAP_SOFT_PVCACHE free ones under its own lock, so that an enter/remove
 * cycle costs no pool lock.  The cache counts as pool items out until
 * pmap_remove_all() or the pmap's death drains it; the kernel pmap, which
 * lives as long as the machine, keeps none.
 *
 * The TLB.  Every pmap starts with its struct pmap_tlb.  Invariants (held
 * under the pmap lock, checked by pmap_sanity()): a valid TLB entry maps
 * the same frame as the page table, allows a subset of the PTE's widened
 * protection, allows writes to a managed page only if the page is
 * modified, and exists for a managed page only if the page is referenced.
 * Every PTE change invalidates the entry of its vpn; clearing a page's
 * modified bit drops write permission from the entries of its mappings,
 * and clearing its referenced bit invalidates them (both through the pv
 * list).  There is no deferred invalidation, so pmap_update() has nothing
 * to do here.  Invalidations may run in any thread while the pmap's
 * accessor reads the TLB without locks, so each one is a shootdown: store
 * the invalidation atomically, then read the pin count with a full
 * barrier and spin (holding pm_lock, which a pinned accessor never takes)
 * until the pmap has no pins (pmap.h, "Pins").
 *
 * Locking.  Lock order: pmap lock (pm_lock, LC_PMAP) before pv lock (a
 * hashed mutex chosen by frame number, LC_PMAP too; equal classes may
 * nest, and nobody holds two pv locks or two pmap locks).  The pmap lock
 * protects the tables, the counts, the hint and changes to the TLB; the pv
 * lock protects the pv list of the pages hashing to it.  Per-page
 * operations start from the page: they hold its pv lock and try-lock each
 * pmap; when the try fails they take a reference on the pmap (or, if it
 * is dying, just yield), drop the pv lock, wait for the pmap lock, release
 * it and start over.  Every per-page operation is idempotent or makes
 * progress, so starting over is safe.
 *
 * Alternatives rejected: a hash table of (pmap, vpn) -> PTE is smaller for
 * sparse spaces but has no cheap range walk; a fixed 4-level table of 48
 * bits cannot hold every address of a 64-bit machine; using the page
 * interlock (class LC_PAGEINTERLOCK, below LC_PMAP) as the pv lock would
 * reverse the order whenever a pmap operation touches a pv list.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "pmap/pmap.h"

#define PTP_BITS          9u
#define PTP_NENT          (1u << PTP_BITS)
#define PTP_MASK          (PTP_NENT - 1)
#define PMAP_SOFT_MAXLVL  6u /* for 4 KiB pages, the smallest */
#define PMAP_SOFT_NPVLOCK 64u
#define PMAP_SOFT_PVCACHE 32u /* free pv entries kept per user pmap */

#define PTE_V          0x01u
#define PTE_PROT_SHIFT 1
#define PTE_PROT_MASK  ((uint64_t)VM_PROT_ALL << PTE_PROT_SHIFT)
#define PTE_W          0x10u
#define PTE_M          0x20u
#define PTE_FLAGS_MASK (PTE_V | PTE_PROT_MASK | PTE_W | PTE_M)
#define PTE_PFN_SHIFT  12
#define PTE_PFN(pte)   ((pte) >> PTE_PFN_SHIFT)
#define PTE_PROT(pte)  ((vm_prot_t)(((pte) >> PTE_PROT_SHIFT) & VM_PROT_ALL))
#define PTE_MAXPFN     (~(uint64_t)0 >> PTE_PFN_SHIFT)

CTASSERT(PMAP_SOFT_MAXLVL *PTP_BITS >= 64 - 12);
CTASSERT(PTE_FLAGS_MASK < (1u << PTE_PFN_SHIFT));

/* A page table (any level). */
struct pmap_ptp {
	uint64_t ptp_ent[PTP_NENT]; /* [l] PTEs (level 0) or child tables */
	uint32_t ptp_nused;         /* [l] non-zero entries */
	uint32_t ptp_level;         /* [c] 0 = leaf */
};

/* One managed mapping of a page. */
struct pv_entry {
	struct pv_entry *pv_next; /* [v] next mapping of the page */
	struct pmap *pv_pmap;     /* [v] the pmap */
	vaddr_t pv_va;            /* [v] the virtual address */
};

struct pmap_soft_pvlock {
	struct kmutex pvl_lock;
} __attribute__((aligned(64)));

/* The back end's machine state.  [c] constant, [v] pv lock. */
struct pmap_soft_state {
	struct uvm *pss_uvm;      /* [c] */
	unsigned pss_shift;       /* [c] page shift */
	unsigned pss_levels;      /* [c] table levels */
	uint64_t pss_maxvpn;      /* [c] last virtual page number */
	struct pool pss_pmappool; /* struct pmap_soft */
	struct pool pss_ptppool;  /* struct pmap_ptp, KFI_POOL */
	struct pool pss_pvpool;   /* struct pv_entry, KFI_POOL */
	struct pmap_soft_pvlock pss_pvlock[PMAP_SOFT_NPVLOCK];
};

/* A soft pmap.  [l] pm_lock. */
struct pmap_soft {
	struct pmap pms_pmap;              /* MUST be first (its TLB too) */
	struct pmap_soft_state *pms_state; /* [c] */
	struct pmap_ptp *pms_root;         /* [l] top table, NULL if empty */
	struct pmap_ptp *pms_hint;         /* [l] last leaf looked up */
	uint64_t pms_hintkey;              /* [l] its vpn >> PTP_BITS */
	uint64_t pms_nptp;                 /* [l] tables allocated */
	struct pv_entry *pms_pvcache;      /* [l] free pv entries */
	unsigned pms_npvcache;             /* [l] their number */
};

typedef void pmap_soft_pte_fn(
    struct pmap_soft *, struct pmap_ptp *, unsigned, uint64_t, void *);

static inline struct pmap_soft *
pmap_soft(struct pmap *pm)
{
	return (struct pmap_soft *)(void *)pm;
}

static inline struct pmap_soft_state *
pmap_soft_state(struct uvm *uvm)
{
	return *pmap_backend_state(uvm);
}

static inline struct kmutex *
pmap_soft_pvlock(struct pmap_soft_state *pss, uint64_t pfn)
{
	return &pss->pss_pvlock[pfn & (PMAP_SOFT_NPVLOCK - 1)].pvl_lock;
}

static inline struct pmap_ptp *
pmap_soft_child(const struct pmap_ptp *ptp, unsigned i)
{
	return (struct pmap_ptp *)(uintptr_t)ptp->ptp_ent[i];
}

static inline unsigned
pmap_soft_index(uint64_t vpn, unsigned lvl)
{
	return (unsigned)(vpn >> (PTP_BITS * lvl)) & PTP_MASK;
}

/* The x86 rule: write or execute permission implies read. */
static inline vm_prot_t
pmap_soft_widen(vm_prot_t prot)
{
	return (prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) != 0
	    ? prot | VM_PROT_READ
	    : prot;
}

/* Counts are read without the lock by pmap_resident_count() & co. */
static inline void
pmap_soft_count(int64_t *cnt, int64_t n)
{
	__atomic_store_n(cnt, *cnt + n, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------------------- */
/* The TLB. */

/*
 * pmap_soft_tlb_shootdown: wait until no access through pm's TLB that may
 * have used the entry just invalidated is still in progress (pmap.h,
 * "Pins").  The first read of the pin count is a sequentially consistent
 * read-modify-write (adding 0), a full barrier after the invalidating
 * store, and ordered with the accessors' pins on the same word: either it
 * sees a pin, or the pin reads from it and the accessor's look-up then
 * sees the invalidation.  The acquire loads order the accessor's last use
 * of the page before whatever the caller does to it next.
 * => pm_lock held (pinned accessors never wait for it); spins.
 */
static void
pmap_soft_tlb_shootdown(struct pmap *pm)
{
	unsigned *pins = &pm->pm_tlb.tlb_pins;
	unsigned n;

	if (__atomic_fetch_add(pins, 0, __ATOMIC_SEQ_CST) == 0)
		return;
	for (n = 0; __atomic_load_n(pins, __ATOMIC_ACQUIRE) != 0; n++) {
#if defined(__x86_64__) || defined(__i386__)
		if (n < 64) {
			__builtin_ia32_pause();
			continue;
		}
#endif
		sched_yield();
	}
}

/*
 * pmap_soft_tlb_set: the accessor's TLB entry of vpn now translates to
 * host with prot (already widened, and without WRITE until the page is
 * modified: see pmap.h).
 * => pm_lock held; on the accessor's thread: only it reads te_host, so
 *    the three stores need no order among themselves
 */
static inline void
pmap_soft_tlb_set(struct pmap *pm, uint64_t vpn, uint8_t *host, vm_prot_t prot)
{
	struct pmap_tlb_entry *te =
	    &pm->pm_tlb.tlb_ent[vpn & (PMAP_TLB_SIZE - 1)];

	te->te_host = host;
	__atomic_store_n(&te->te_prot, prot, __ATOMIC_RELAXED);
	__atomic_store_n(&te->te_vpn, vpn, __ATOMIC_RELAXED);
}

/*
 * pmap_soft_tlb_fill: fill the TLB entry of vpn, just mapped to the
 * managed page pg with prot, as the accessor's walk would (PMAP_TLBFILL).
 * => pm_lock held; on the accessor's thread
 */
static void
pmap_soft_tlb_fill(
    struct pmap *pm, uint64_t vpn, struct vm_page *pg, vm_prot_t prot)
{
	uint8_t *host = uvm_page_hostaddr(pm->pm_uvm, pg);

	if (host == NULL)
		return;
	prot = pmap_soft_widen(prot);
	if ((__atomic_load_n(&pg->mdattrs, __ATOMIC_RELAXED) &
		PMAP_MD_MODIFIED) == 0)
		prot &= ~VM_PROT_WRITE;
	pmap_soft_tlb_set(pm, vpn, host, prot);
}

/*
 * pmap_soft_tlb_inval: forget the TLB entry of vpn, if there is one, and
 * wait for accesses still using it.
 * => pm_lock held; spins while pm is pinned.
 */
static inline void
pmap_soft_tlb_inval(struct pmap *pm, uint64_t vpn)
{
	struct pmap_tlb_entry *te;

	te = &pm->pm_tlb.tlb_ent[vpn & (PMAP_TLB_SIZE - 1)];
	if (te->te_vpn == vpn) {
		__atomic_store_n(
		    &te->te_vpn, PMAP_TLB_INVALID, __ATOMIC_RELAXED);
		uvm_cnt_inc(pm->pm_uvm, tlb_flushes);
		pmap_soft_tlb_shootdown(pm);
	}
}

/*
 * pmap_soft_tlb_nowrite: take write permission from the TLB entry of vpn
 * and wait for writes still using it.
 * => pm_lock held; spins while pm is pinned.
 */
static inline void
pmap_soft_tlb_nowrite(struct pmap *pm, uint64_t vpn)
{
	struct pmap_tlb_entry *te;

	te = &pm->pm_tlb.tlb_ent[vpn & (PMAP_TLB_SIZE - 1)];
	if (te->te_vpn == vpn && (te->te_prot & VM_PROT_WRITE) != 0) {
		__atomic_store_n(&te->te_prot,
		    (vm_prot_t)(te->te_prot & ~VM_PROT_WRITE),
		    __ATOMIC_RELAXED);
		uvm_cnt_inc(pm->pm_uvm, tlb_flushes);
		pmap_soft_tlb_shootdown(pm);
	}
}

/* ---------------------------------------------------------------------- */
/* Page tables. */

/*
 * pmap_soft_ptp_alloc: an empty table of level lvl, or NULL.
 * => pm_lock held; canfail: may fail (fault injection, host memory),
 *    else waits (never returns NULL).
 */
static struct pmap_ptp *
pmap_soft_ptp_alloc(struct pmap_soft *pms, unsigned lvl, bool canfail)
{
	struct pmap_ptp *ptp;

	KASSERT(mutex_owned(&pms->pms_pmap.pm_lock));
	ptp = pool_get(&pms->pms_state->pss_ptppool,
	    (canfail ? PR_NOWAIT : PR_WAITOK) | PR_ZERO);
	if (ptp == NULL)
		return NULL;
	ptp->ptp_level = lvl;
	pms->pms_nptp++;
	return ptp;
}

/*
 * pmap_soft_ptp_free: give an empty table back.
 * => pm_lock held; the caller has unhooked it from its parent.
 */
static void
pmap_soft_ptp_free(struct pmap_soft *pms, struct pmap_ptp *ptp)
{
	KASSERT(mutex_owned(&pms->pms_pmap.pm_lock));
	KASSERTMSG(ptp->ptp_nused == 0,
	    "pmap_soft: freeing a table with %u "
	    "entries",
	    ptp->ptp_nused);
	if (pms->pms_hint == ptp)
		pms->pms_hint = NULL;
	KASSERT(pms->pms_nptp > 0);
	pms->pms_nptp--;
	pool_put(&pms->pms_state->pss_ptppool, ptp);
}

/*
 * pmap_soft_leaf_walk: the leaf table covering vpn, or NULL (no hint).
 * => pm_lock held.
 */
static struct pmap_ptp *
pmap_soft_leaf_walk(const struct pmap_soft *pms, uint64_t vpn)
{
	struct pmap_ptp *ptp;
	unsigned lvl;

	ptp = pms->pms_root;
	for (lvl = pms->pms_state->pss_levels - 1; ptp != NULL && lvl > 0;
	     lvl--)
		ptp = pmap_soft_child(ptp, pmap_soft_index(vpn, lvl));
	return ptp;
}

/*
 * pmap_soft_pte: the PTE slot of vpn, or NULL if its leaf table does not
 * exist; *leafp gets the leaf.  Remembers the leaf as the hint.
 * => pm_lock held.
 */
static inline uint64_t *
pmap_soft_pte(struct pmap_soft *pms, uint64_t vpn, struct pmap_ptp **leafp)
{
	struct pmap_ptp *ptp;

	KASSERT(mutex_owned(&pms->pms_pmap.pm_lock));
	if (pms->pms_hint != NULL && pms->pms_hintkey == vpn >> PTP_BITS) {
		ptp = pms->pms_hint;
	} else {
		ptp = pmap_soft_leaf_walk(pms, vpn);
		if (ptp == NULL)
			return NULL;
		pms->pms_hint = ptp;
		pms->pms_hintkey = vpn >> PTP_BITS;
	}
	*leafp = ptp;
	return &ptp->ptp_ent[vpn & PTP_MASK];
}

/*
 * pmap_soft_prune: free the empty tables on the path to vpn, bottom up.
 * => pm_lock held.
 */
static void
pmap_soft_prune(struct pmap_soft *pms, uint64_t vpn)
{
	struct pmap_ptp *path[PMAP_SOFT_MAXLVL], *ptp, *parent;
	unsigned depth;

	depth = 0;
	for (ptp = pms->pms_root; ptp != NULL;) {
		path[depth++] = ptp;
		if (ptp->ptp_level == 0)
			break;
		ptp =
		    pmap_soft_child(ptp, pmap_soft_index(vpn, ptp->ptp_level));
	}
	while (depth > 0) {
		ptp = path[--depth];
		if (ptp->ptp_nused != 0)
			break;
		if (depth == 0) {
			pms->pms_root = NULL;
		} else {
			parent = path[depth - 1];
			parent
			    ->ptp_ent[pmap_soft_index(vpn, parent->ptp_level)] =
			    0;
			parent->ptp_nused--;
		}
		pmap_soft_ptp_free(pms, ptp);
	}
}

/*
 * pmap_soft_pte_alloc: the PTE slot of vpn, allocating the tables on the
 * way.
 * => pm_lock held.  Returns 0, or ENOMEM (only if canfail) having freed
 *    what it allocated.
 */
static int
pmap_soft_pte_alloc(struct pmap_soft *pms, uint64_t vpn, bool canfail,
    uint64_t **ptepp, struct pmap_ptp **leafp)
{
	struct pmap_ptp *ptp, *child;
	unsigned lvl, i;

	if ((*ptepp = pmap_soft_pte(pms, vpn, leafp)) != NULL)
		return 0;
	lvl = pms->pms_state->pss_levels - 1;
	if (pms->pms_root == NULL) {
		pms->pms_root = pmap_soft_ptp_alloc(pms, lvl, canfail);
		if (pms->pms_root == NULL)
			return ENOMEM;
	}
	for (ptp = pms->pms_root; lvl > 0; lvl--, ptp = child) {
		i = pmap_soft_index(vpn, lvl);
		child = pmap_soft_child(ptp, i);
		if (child == NULL) {
			child = pmap_soft_ptp_alloc(pms, lvl - 1, canfail);
			if (child == NULL) {
				pmap_soft_prune(pms, vpn);
				return ENOMEM;
			}
			ptp->ptp_ent[i] = (uint64_t)(uintptr_t)child;
			ptp->ptp_nused++;
		}
	}
	pms->pms_hint = ptp;
	pms->pms_hintkey = vpn >> PTP_BITS;
	*leafp = ptp;
	*ptepp = &ptp->ptp_ent[vpn & PTP_MASK];
	return 0;
}

/*
 * pmap_soft_walk: call fn on every valid PTE with svpn <= vpn <= evpn
 * under ptp (level lvl, first vpn base), and free the child tables that
 * end up empty.
 * => pm_lock held.  fn may clear the PTE it is given (and nothing else).
 */
static void
pmap_soft_walk(struct pmap_soft *pms, struct pmap_ptp *ptp, unsigned lvl,
    uint64_t base, uint64_t svpn, uint64_t evpn, pmap_soft_pte_fn *fn,
    void *arg)
{
	struct pmap_ptp *child;
	uint64_t cbase, span;
	unsigned sh, i, si, ei;

	sh = PTP_BITS * lvl;
	span = (uint64_t)1 << sh;
	si = (unsigned)((svpn - base) >> sh);
	ei = (unsigned)((evpn - base) >> sh);
	KASSERT(svpn >= base && si <= ei && ei < PTP_NENT);
	for (i = si; i <= ei; i++) {
		if (ptp->ptp_ent[i] == 0)
			continue;
		if (lvl == 0) {
			fn(pms, ptp, i, base + i, arg);
			continue;
		}
		child = pmap_soft_child(ptp, i);
		cbase = base + (uint64_t)i * span;
		pmap_soft_walk(pms, child, lvl - 1, cbase, MAX(svpn, cbase),
		    MIN(evpn, cbase + span - 1), fn, arg);
		if (child->ptp_nused == 0) {
			ptp->ptp_ent[i] = 0;
			ptp->ptp_nused--;
			pmap_soft_ptp_free(pms, child);
		}
	}
}

/*
 * pmap_soft_walk_range: pmap_soft_walk() over [svpn, evpn] from the root,
 * freeing the root too if it ends up empty.
 * => pm_lock held.
 */
static void
pmap_soft_walk_range(struct pmap_soft *pms, uint64_t svpn, uint64_t evpn,
    pmap_soft_pte_fn *fn, void *arg)
{
	struct pmap_ptp *root = pms->pms_root;

	if (root == NULL)
		return;
	pmap_soft_walk(pms, root, root->ptp_level, 0, svpn, evpn, fn, arg);
	if (root->ptp_nused == 0) {
		pms->pms_root = NULL;
		pmap_soft_ptp_free(pms, root);
	}
}

/* ---------------------------------------------------------------------- */
/* pv lists. */

/*
 * pmap_soft_pv_get: a pv entry from the pmap's cache, else from the pool.
 * => pm_lock held; canfail: NULL when the pool says no (fault injection).
 */
static inline struct pv_entry *
pmap_soft_pv_get(struct pmap_soft *pms, bool canfail)
{
	struct pv_entry *pv = pms->pms_pvcache;

	if (pv != NULL) {
		pms->pms_pvcache = pv->pv_next;
		pms->pms_npvcache--;
		return pv;
	}
	return pool_get(
	    &pms->pms_state->pss_pvpool, canfail ? PR_NOWAIT : PR_WAITOK);
}

/*
 * pmap_soft_pv_put: keep a free pv entry for the pmap's next mapping
 * (user pmaps, up to PMAP_SOFT_PVCACHE), else give it to the pool.
 * => pm_lock held.
 */
static inline void
pmap_soft_pv_put(struct pmap_soft *pms, struct pv_entry *pv)
{
	if (pms->pms_npvcache < PMAP_SOFT_PVCACHE && !pms->pms_pmap.pm_kernel) {
		pv->pv_next = pms->pms_pvcache;
		pv->pv_pmap = NULL;
		pms->pms_pvcache = pv;
		pms->pms_npvcache++;
		return;
	}
	pool_put(&pms->pms_state->pss_pvpool, pv);
}

/*
 * pmap_soft_pv_drain: give the pmap's cached pv entries back to the pool.
 * => pm_lock held.
 */
static void
pmap_soft_pv_drain(struct pmap_soft *pms)
{
	struct pv_entry *pv;

	while ((pv = pms->pms_pvcache) != NULL) {
		pms->pms_pvcache = pv->pv_next;
		pms->pms_npvcache--;
		pool_put(&pms->pms_state->pss_pvpool, pv);
	}
	KASSERT(pms->pms_npvcache == 0);
}

/*
 * pmap_soft_pv_link: put pv (pm, va) on pg's list.
 * => pm_lock held; takes the page's pv lock.
 */
static void
pmap_soft_pv_link(struct pmap_soft *pms, struct vm_page *pg, uint64_t pfn,
    struct pv_entry *pv, vaddr_t va)
{
	struct kmutex *lock = pmap_soft_pvlock(pms->pms_state, pfn);

	pv->pv_pmap = &pms->pms_pmap;
	pv->pv_va = va;
	mutex_enter(lock);
	pv->pv_next = pg->pv_head;
	pg->pv_head = pv;
	mutex_exit(lock);
}

/*
 * pmap_soft_pv_unlink: take the pv entry (pm, va) off the list of frame
 * pfn's page and return it.
 * => pm_lock held; takes the page's pv lock; panics if there is none.
 */
static struct pv_entry *
pmap_soft_pv_unlink(struct pmap_soft *pms, uint64_t pfn, vaddr_t va)
{
	struct pmap_soft_state *pss = pms->pms_state;
	struct kmutex *lock = pmap_soft_pvlock(pss, pfn);
	struct pv_entry *pv, **pvp;
	struct vm_page *pg;

	pg = uvm_physseg_pfn_to_page(pss->pss_uvm, pfn);
	KASSERTMSG(pg != NULL,
	    "pmap_soft: managed mapping of frame %#jx "
	    "without a page",
	    (uintmax_t)pfn);
	mutex_enter(lock);
	for (pvp = &pg->pv_head; (pv = *pvp) != NULL; pvp = &pv->pv_next)
		if (pv->pv_pmap == &pms->pms_pmap && pv->pv_va == va)
			break;
	if (pv == NULL)
		panic("pmap_soft: no pv entry for pmap %p va %#jx frame %#jx",
		    (void *)pms, (uintmax_t)va, (uintmax_t)pfn);
	*pvp = pv->pv_next;
	mutex_exit(lock);
	return pv;
}

/*
 * pmap_soft_pmap_wait: after a failed try-lock of pm from a pv list, wait
 * until its holder lets go (the caller then starts over).
 * => no pmap or pv lock held.
 */
static void
pmap_soft_pmap_wait(struct pmap *pm)
{
	if (pmap_tryref(pm)) {
		mutex_enter(&pm->pm_lock);
		mutex_exit(&pm->pm_lock);
		pmap_rele(pm);
	} else {
		/* It is dying: its destroyer will take its pv entries off. */
		sched_yield();
	}
}

/* ---------------------------------------------------------------------- */
/* Removing and changing mappings. */

/*
 * pmap_soft_pte_clear: clear a valid PTE, keep the counts and the TLB.
 * => pm_lock held; returns the old PTE.  The pv entry is the caller's.
 */
static uint64_t
pmap_soft_pte_clear(
    struct pmap_soft *pms, struct pmap_ptp *leaf, unsigned idx, uint64_t vpn)
{
	struct pmap *pm = &pms->pms_pmap;
	uint64_t pte = leaf->ptp_ent[idx];

	KASSERT((pte & PTE_V) != 0 && leaf->ptp_nused > 0);
	leaf->ptp_ent[idx] = 0;
	leaf->ptp_nused--;
	pmap_soft_count(&pm->pm_resident, -1);
	if ((pte & PTE_W) != 0)
		pmap_soft_count(&pm->pm_wired, -1);
	pmap_soft_tlb_inval(pm, vpn);
	return pte;
}

/*
 * pmap_soft_zap: remove the mapping in a leaf slot with its pv entry.
 * => pm_lock held (a pmap_soft_pte_fn).
 */
static void
pmap_soft_zap(struct pmap_soft *pms, struct pmap_ptp *leaf, unsigned idx,
    uint64_t vpn, void *arg)
{
	uint64_t pte;

	(void)arg;
	pte = pmap_soft_pte_clear(pms, leaf, idx, vpn);
	if ((pte & PTE_M) != 0)
		pmap_soft_pv_put(pms,
		    pmap_soft_pv_unlink(
			pms, PTE_PFN(pte), vpn << pms->pms_state->pss_shift));
}

/*
 * pmap_soft_kzap: remove a pmap_kenter_pa() mapping.
 * => pm_lock held (a pmap_soft_pte_fn).
 */
static void
pmap_soft_kzap(struct pmap_soft *pms, struct pmap_ptp *leaf, unsigned idx,
    uint64_t vpn, void *arg)
{
	KASSERTMSG((leaf->ptp_ent[idx] & PTE_M) == 0,
	    "pmap_kremove: va %#jx is a managed mapping",
	    (uintmax_t)(vpn << pms->pms_state->pss_shift));
	pmap_soft_zap(pms, leaf, idx, vpn, arg);
}

/*
 * pmap_soft_lower: keep only the protection bits in *(vm_prot_t *)arg.
 * => pm_lock held (a pmap_soft_pte_fn).
 */
static void
pmap_soft_lower(struct pmap_soft *pms, struct pmap_ptp *leaf, unsigned idx,
    uint64_t vpn, void *arg)
{
	vm_prot_t prot = *(const vm_prot_t *)arg;
	uint64_t pte, npte;

	pte = leaf->ptp_ent[idx];
	npte = pte & ~((uint64_t)(~prot & VM_PROT_ALL) << PTE_PROT_SHIFT);
	if (npte != pte) {
		leaf->ptp_ent[idx] = npte;
		pmap_soft_tlb_inval(&pms->pms_pmap, vpn);
	}
}

/*
 * pmap_soft_vpn_range: [sva, eva) (eva 0: the end) as inclusive vpns.
 */
static inline void
pmap_soft_vpn_range(const struct pmap_soft_state *pss, vaddr_t sva, vaddr_t eva,
    uint64_t *svpn, uint64_t *evpn)
{
	*svpn = sva >> pss->pss_shift;
	*evpn = (eva - 1) >> pss->pss_shift;
}

/*
 * pmap_soft_remove: remove the mappings in [sva, eva).
 * => takes pm_lock; pv locks inside.
 */
static void
pmap_soft_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_ptp *leaf = NULL;
	uint64_t svpn, evpn, *ptep;

	pmap_soft_vpn_range(pms->pms_state, sva, eva, &svpn, &evpn);
	mutex_enter(&pm->pm_lock);
	if (svpn == evpn) {
		/* One page: the common case, without the recursive walk. */
		ptep = pmap_soft_pte(pms, svpn, &leaf);
		if (ptep != NULL && *ptep != 0) {
			pmap_soft_zap(pms, leaf, svpn & PTP_MASK, svpn, NULL);
			if (leaf->ptp_nused == 0)
				pmap_soft_prune(pms, svpn);
		}
	} else {
		pmap_soft_walk_range(pms, svpn, evpn, pmap_soft_zap, NULL);
	}
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_remove_all: remove everything, unmanaged mappings included.
 * => takes pm_lock.  Returns true.
 */
static bool
pmap_soft_remove_all(struct pmap *pm)
{
	struct pmap_soft *pms = pmap_soft(pm);

	mutex_enter(&pm->pm_lock);
	pmap_soft_walk_range(
	    pms, 0, pms->pms_state->pss_maxvpn, pmap_soft_zap, NULL);
	KASSERT(pms->pms_root == NULL && pms->pms_nptp == 0);
	KASSERT(pm->pm_resident == 0 && pm->pm_wired == 0);
	pmap_soft_pv_drain(pms);
	mutex_exit(&pm->pm_lock);
	return true;
}

/*
 * pmap_soft_protect: lower the protection in [sva, eva) to old & prot;
 * without VM_PROT_READ, remove.
 * => takes pm_lock.
 */
static void
pmap_soft_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct pmap_soft *pms = pmap_soft(pm);
	uint64_t svpn, evpn;

	if ((prot & VM_PROT_READ) == 0) {
		pmap_soft_remove(pm, sva, eva);
		return;
	}
	if (prot == VM_PROT_ALL)
		return;
	pmap_soft_vpn_range(pms->pms_state, sva, eva, &svpn, &evpn);
	mutex_enter(&pm->pm_lock);
	pmap_soft_walk_range(pms, svpn, evpn, pmap_soft_lower, &prot);
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_enter: see pmap_enter().
 * => takes pm_lock and, for a managed page, its pv lock.
 */
static int
pmap_soft_enter(
    struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_state *pss = pms->pms_state;
	struct pv_entry *pv;
	struct pmap_ptp *leaf = NULL;
	struct vm_page *pg;
	uint64_t vpn, pfn, *ptep, opte, npte;
	uint8_t attrs;
	bool canfail;
	int error;

	vpn = va >> pss->pss_shift;
	pfn = pa >> pss->pss_shift;
	KASSERTMSG(
	    pfn <= PTE_MAXPFN, "pmap_enter: pa %#jx too large", (uintmax_t)pa);
	canfail = (flags & PMAP_CANFAIL) != 0;
	pg = uvm_physseg_pfn_to_page(pss->pss_uvm, pfn);
	npte = (pfn << PTE_PFN_SHIFT) | PTE_V |
	    ((uint64_t)prot << PTE_PROT_SHIFT) |
	    ((flags & PMAP_WIRED) != 0 ? PTE_W : 0) | (pg != NULL ? PTE_M : 0);
	pv = NULL;

	mutex_enter(&pm->pm_lock);
	ptep = pmap_soft_pte(pms, vpn, &leaf);
	opte = ptep != NULL ? *ptep : 0;
	if (pg != NULL && (opte & PTE_M) == 0) {
		/* A managed old mapping lends its pv entry; else get one. */
		pv = pmap_soft_pv_get(pms, canfail);
		if (pv == NULL) {
			mutex_exit(&pm->pm_lock);
			return ENOMEM;
		}
	}
	if (ptep == NULL) {
		error = pmap_soft_pte_alloc(pms, vpn, canfail, &ptep, &leaf);
		if (error != 0) {
			if (pv != NULL)
				pmap_soft_pv_put(pms, pv);
			mutex_exit(&pm->pm_lock);
			return error;
		}
	}

	if (opte != 0) {
		if (PTE_PFN(opte) == pfn && (opte & PTE_M) == (npte & PTE_M)) {
			/* The same page: new protection and wiring. */
			*ptep = npte;
			pmap_soft_count(&pm->pm_wired,
			    (int64_t)((npte & PTE_W) != 0) -
				(int64_t)((opte & PTE_W) != 0));
			pmap_soft_tlb_inval(pm, vpn);
			KASSERT(pv == NULL);
			goto attrs;
		}
		/* Another page: the old mapping goes first. */
		(void)pmap_soft_pte_clear(pms, leaf, vpn & PTP_MASK, vpn);
		if ((opte & PTE_M) != 0) {
			KASSERT(pv == NULL);
			pv = pmap_soft_pv_unlink(pms, PTE_PFN(opte), va);
			if (pg == NULL) {
				pmap_soft_pv_put(pms, pv);
				pv = NULL;
			}
		}
	}
	*ptep = npte;
	leaf->ptp_nused++;
	pmap_soft_count(&pm->pm_resident, 1);
	if ((npte & PTE_W) != 0)
		pmap_soft_count(&pm->pm_wired, 1);
	if (pg != NULL)
		pmap_soft_pv_link(pms, pg, pfn, pv, va);
attrs:
	if (pg != NULL && (flags & VM_PROT_ALL) != 0) {
		attrs = PMAP_MD_REFERENCED;
		if ((flags & VM_PROT_WRITE) != 0)
			attrs |= PMAP_MD_MODIFIED;
		__atomic_fetch_or(&pg->mdattrs, attrs, __ATOMIC_RELAXED);
	}
	if (pg != NULL && (flags & PMAP_TLBFILL) != 0)
		pmap_soft_tlb_fill(pm, vpn, pg, prot);
	mutex_exit(&pm->pm_lock);
	return 0;
}

/*
 * pmap_soft_kenter_pa: an unmanaged, wired mapping in the kernel pmap.
 * => takes pm_lock; allocates tables with PR_WAITOK.
 */
static void
pmap_soft_kenter_pa(
    struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_state *pss = pms->pms_state;
	struct pmap_ptp *leaf = NULL;
	uint64_t vpn, pfn, *ptep, opte;
	int error;

	(void)flags;
	KASSERT(pm->pm_kernel);
	vpn = va >> pss->pss_shift;
	pfn = pa >> pss->pss_shift;
	KASSERTMSG(pfn <= PTE_MAXPFN, "pmap_kenter_pa: pa %#jx too large",
	    (uintmax_t)pa);
	mutex_enter(&pm->pm_lock);
	error = pmap_soft_pte_alloc(pms, vpn, false, &ptep, &leaf);
	KASSERT(error == 0);
	(void)error;
	opte = *ptep;
	if (opte != 0) {
		KASSERTMSG((opte & PTE_M) == 0,
		    "pmap_kenter_pa: va %#jx has a managed mapping",
		    (uintmax_t)va);
		(void)pmap_soft_pte_clear(pms, leaf, vpn & PTP_MASK, vpn);
	}
	*ptep = (pfn << PTE_PFN_SHIFT) | PTE_V | PTE_W |
	    ((uint64_t)prot << PTE_PROT_SHIFT);
	leaf->ptp_nused++;
	pmap_soft_count(&pm->pm_resident, 1);
	pmap_soft_count(&pm->pm_wired, 1);
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_kremove: remove the unmanaged mappings in [va, va + len).
 * => takes pm_lock; panics on a managed mapping in the range.
 */
static void
pmap_soft_kremove(struct pmap *pm, vaddr_t va, vsize_t len)
{
	struct pmap_soft *pms = pmap_soft(pm);
	uint64_t svpn, evpn;

	KASSERT(pm->pm_kernel);
	pmap_soft_vpn_range(pms->pms_state, va, va + len, &svpn, &evpn);
	mutex_enter(&pm->pm_lock);
	pmap_soft_walk_range(pms, svpn, evpn, pmap_soft_kzap, NULL);
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_unwire: clear the wired bit at va.
 * => takes pm_lock; panics if nothing is mapped at va.
 */
static void
pmap_soft_unwire(struct pmap *pm, vaddr_t va)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_ptp *leaf = NULL;
	uint64_t *ptep, vpn;

	vpn = va >> pms->pms_state->pss_shift;
	mutex_enter(&pm->pm_lock);
	ptep = pmap_soft_pte(pms, vpn, &leaf);
	if (ptep == NULL || *ptep == 0) {
		mutex_exit(&pm->pm_lock);
		panic("pmap_unwire: pmap %p va %#jx: no mapping", (void *)pm,
		    (uintmax_t)va);
	}
	if ((*ptep & PTE_W) != 0) {
		*ptep &= ~(uint64_t)PTE_W;
		pmap_soft_count(&pm->pm_wired, -1);
	}
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_extract: the physical address at va.
 * => takes pm_lock.
 */
static bool
pmap_soft_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_state *pss = pms->pms_state;
	struct pmap_ptp *leaf = NULL;
	uint64_t *ptep, pte;

	mutex_enter(&pm->pm_lock);
	ptep = pmap_soft_pte(pms, va >> pss->pss_shift, &leaf);
	pte = ptep != NULL ? *ptep : 0;
	mutex_exit(&pm->pm_lock);
	if (pte == 0)
		return false;
	if (pap != NULL)
		*pap = (PTE_PFN(pte) << pss->pss_shift) |
		    (va & (((uint64_t)1 << pss->pss_shift) - 1));
	return true;
}

/*
 * pmap_soft_access_slow: walk the tables for a TLB miss (see pmap.h).
 * => takes pm_lock.
 */
static int
pmap_soft_access_slow(
    struct pmap *pm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_state *pss = pms->pms_state;
	struct pmap_ptp *leaf = NULL;
	struct vm_page *pg;
	uint64_t vpn, *ptep, pte;
	vm_prot_t prot;
	uint8_t *host, attrs, old;

	vpn = va >> pss->pss_shift;
	mutex_enter(&pm->pm_lock);
	ptep = pmap_soft_pte(pms, vpn, &leaf);
	if (ptep == NULL || (pte = *ptep) == 0) {
		mutex_exit(&pm->pm_lock);
		return EFAULT;
	}
	prot = pmap_soft_widen(PTE_PROT(pte));
	if ((access & ~prot) != 0) {
		mutex_exit(&pm->pm_lock);
		return EACCES;
	}
	if ((pte & PTE_M) != 0) {
		pg = uvm_physseg_pfn_to_page(pss->pss_uvm, PTE_PFN(pte));
		KASSERT(pg != NULL);
		host = uvm_page_hostaddr(pss->pss_uvm, pg);
		attrs = PMAP_MD_REFERENCED;
		if ((access & VM_PROT_WRITE) != 0)
			attrs |= PMAP_MD_MODIFIED;
		/* Most misses find the bits set already: skip the RMW. */
		old = __atomic_load_n(&pg->mdattrs, __ATOMIC_RELAXED);
		if ((attrs & ~old) != 0)
			old = __atomic_fetch_or(
			    &pg->mdattrs, attrs, __ATOMIC_RELAXED);
		/* Writes miss until the page is modified: see pmap.h. */
		if (((old | attrs) & PMAP_MD_MODIFIED) == 0)
			prot &= ~VM_PROT_WRITE;
	} else {
		host = uvm_physseg_pfn_to_host(pss->pss_uvm, PTE_PFN(pte));
	}
	if (host == NULL) {
		/* A frame outside physical memory: nothing to access. */
		mutex_exit(&pm->pm_lock);
		return EFAULT;
	}
	pmap_soft_tlb_set(pm, vpn, host, prot);
	mutex_exit(&pm->pm_lock);
	*hostp = host + (va & (((uint64_t)1 << pss->pss_shift) - 1));
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Per-page operations. */

/*
 * pmap_soft_page_protect: lower every mapping of pg to old & prot; without
 * VM_PROT_READ, remove them all.
 * => no pmap or pv lock held; takes the pv lock, then each pmap's.
 */
static void
pmap_soft_page_protect(struct uvm *uvm, struct vm_page *pg, vm_prot_t prot)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	struct pv_entry *pv, **pvp;
	struct pmap_soft *pms;
	struct pmap_ptp *leaf = NULL;
	struct kmutex *lock;
	struct pmap *pm;
	uint64_t pfn, vpn, *ptep, pte, npte;
	bool remove;

	if (prot == VM_PROT_ALL)
		return;
	remove = (prot & VM_PROT_READ) == 0;
	pfn = uvm_page_phys(uvm, pg) >> pss->pss_shift;
	lock = pmap_soft_pvlock(pss, pfn);
restart:
	mutex_enter(lock);
	for (pvp = &pg->pv_head; (pv = *pvp) != NULL;) {
		pm = pv->pv_pmap;
		if (!mutex_tryenter(&pm->pm_lock)) {
			mutex_exit(lock);
			pmap_soft_pmap_wait(pm);
			goto restart;
		}
		pms = pmap_soft(pm);
		vpn = pv->pv_va >> pss->pss_shift;
		ptep = pmap_soft_pte(pms, vpn, &leaf);
		KASSERTMSG(ptep != NULL && (*ptep & PTE_M) != 0 &&
			PTE_PFN(*ptep) == pfn,
		    "pmap_page_protect: pv entry without its mapping");
		if (remove) {
			*pvp = pv->pv_next;
			(void)pmap_soft_pte_clear(
			    pms, leaf, vpn & PTP_MASK, vpn);
			if (leaf->ptp_nused == 0)
				pmap_soft_prune(pms, vpn);
			pmap_soft_pv_put(pms, pv);
		} else {
			pte = *ptep;
			npte = pte &
			    ~((uint64_t)(~prot & VM_PROT_ALL)
				<< PTE_PROT_SHIFT);
			if (npte != pte) {
				*ptep = npte;
				pmap_soft_tlb_inval(pm, vpn);
			}
			pvp = &pv->pv_next;
		}
		mutex_exit(&pm->pm_lock);
	}
	mutex_exit(lock);
}

/*
 * pmap_soft_clear_attrs: clear PMAP_MD_MODIFIED (dropping write permission
 * from the TLB entries of pg's mappings) or PMAP_MD_REFERENCED
 * (invalidating them).
 * => no pmap or pv lock held.  Returns whether the bit was set.
 */
static bool
pmap_soft_clear_attrs(struct uvm *uvm, struct vm_page *pg, uint8_t attr)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	struct pv_entry *pv;
	struct kmutex *lock;
	struct pmap *pm;
	uint64_t pfn, vpn;
	uint8_t old;

	KASSERT(attr == PMAP_MD_MODIFIED || attr == PMAP_MD_REFERENCED);
	old =
	    __atomic_fetch_and(&pg->mdattrs, (uint8_t)~attr, __ATOMIC_RELAXED);
	if ((old & attr) == 0) {
		/* No TLB entry can depend on a bit that was clear. */
		return false;
	}
	pfn = uvm_page_phys(uvm, pg) >> pss->pss_shift;
	lock = pmap_soft_pvlock(pss, pfn);
restart:
	mutex_enter(lock);
	for (pv = pg->pv_head; pv != NULL; pv = pv->pv_next) {
		pm = pv->pv_pmap;
		if (!mutex_tryenter(&pm->pm_lock)) {
			mutex_exit(lock);
			pmap_soft_pmap_wait(pm);
			goto restart;
		}
		vpn = pv->pv_va >> pss->pss_shift;
		if (attr == PMAP_MD_MODIFIED)
			pmap_soft_tlb_nowrite(pm, vpn);
		else
			pmap_soft_tlb_inval(pm, vpn);
		mutex_exit(&pm->pm_lock);
	}
	mutex_exit(lock);
	return true;
}

/*
 * pmap_soft_page_nmappings: the length of pg's pv list.
 * => takes the pv lock.
 */
static unsigned
pmap_soft_page_nmappings(struct uvm *uvm, struct vm_page *pg)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	struct kmutex *lock;
	struct pv_entry *pv;
	unsigned n;

	lock = pmap_soft_pvlock(pss, uvm_page_phys(uvm, pg) >> pss->pss_shift);
	n = 0;
	mutex_enter(lock);
	for (pv = pg->pv_head; pv != NULL; pv = pv->pv_next)
		n++;
	mutex_exit(lock);
	return n;
}

/* ---------------------------------------------------------------------- */
/* Life cycle. */

static int
pmap_soft_init(struct uvm *uvm)
{
	struct pmap_soft_state *pss;
	unsigned i, vpnbits;

	KASSERT(uvm->u_pageshift >= 12 && uvm->u_pageshift < 64);
	pss = aligned_alloc(_Alignof(struct pmap_soft_state),
	    (sizeof(*pss) + _Alignof(struct pmap_soft_state) - 1) &
		~(_Alignof(struct pmap_soft_state) - 1));
	if (pss == NULL)
		return ENOMEM;
	memset(pss, 0, sizeof(*pss));
	vpnbits = 64 - uvm->u_pageshift;
	pss->pss_uvm = uvm;
	pss->pss_shift = uvm->u_pageshift;
	pss->pss_levels = (vpnbits + PTP_BITS - 1) / PTP_BITS;
	pss->pss_maxvpn = ~(uint64_t)0 >> uvm->u_pageshift;
	KASSERT(pss->pss_levels <= PMAP_SOFT_MAXLVL);
	/* The top table's slots must reach the last vpn. */
	KASSERT(
	    ((uint64_t)PTP_NENT << (PTP_BITS * (pss->pss_levels - 1))) - 1 >=
	    pss->pss_maxvpn);
	pool_init(&pss->pss_pmappool, sizeof(struct pmap_soft),
	    _Alignof(struct pmap_soft), "pmappl", &uvm->u_pools, NULL, -1);
	pool_init(&pss->pss_ptppool, sizeof(struct pmap_ptp), 64, "pmapptppl",
	    &uvm->u_pools, &uvm->u_fi, KFI_POOL);
	pool_init(&pss->pss_pvpool, sizeof(struct pv_entry), 0, "pmappvpl",
	    &uvm->u_pools, &uvm->u_fi, KFI_POOL);
	for (i = 0; i < PMAP_SOFT_NPVLOCK; i++)
		mutex_init(&pss->pss_pvlock[i].pvl_lock, LC_PMAP, "pmappv");
	*pmap_backend_state(uvm) = pss;
	return 0;
}

static void
pmap_soft_fini(struct uvm *uvm)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	unsigned i;

	for (i = 0; i < PMAP_SOFT_NPVLOCK; i++)
		mutex_destroy(&pss->pss_pvlock[i].pvl_lock);
	pool_destroy(&pss->pss_pvpool);
	pool_destroy(&pss->pss_ptppool);
	pool_destroy(&pss->pss_pmappool);
	*pmap_backend_state(uvm) = NULL;
	free(pss);
}

static struct pmap *
pmap_soft_alloc(struct uvm *uvm)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	struct pmap_soft *pms;

	pms = pool_get(&pss->pss_pmappool, PR_WAITOK | PR_ZERO);
	pms->pms_state = pss;
	return &pms->pms_pmap;
}

static void
pmap_soft_free(struct pmap *pm)
{
	struct pmap_soft *pms = pmap_soft(pm);

	KASSERT(pms->pms_root == NULL && pms->pms_nptp == 0);
	KASSERT(pms->pms_pvcache == NULL && pms->pms_npvcache == 0);
	pool_put(&pms->pms_state->pss_pmappool, pms);
}

/* ---------------------------------------------------------------------- */
/* Checkers and printers. */

struct pmap_soft_census {
	int64_t sc_resident, sc_wired;
	uint64_t sc_nptp;
};

/*
 * pmap_soft_sanity_pte: one valid PTE of pm at vpn.
 * => pm_lock held; takes the page's pv lock.
 */
static void
pmap_soft_sanity_pte(struct pmap_soft *pms, uint64_t vpn, uint64_t pte)
{
	struct pmap_soft_state *pss = pms->pms_state;
	struct pmap *pm = &pms->pms_pmap;
	struct kmutex *lock;
	struct pv_entry *pv;
	struct vm_page *pg;
	vaddr_t va;
	unsigned n;

	va = vpn << pss->pss_shift;
	KASSERTMSG((pte & PTE_V) != 0 &&
		(pte & ~(PTE_MAXPFN << PTE_PFN_SHIFT) &
		    ~(uint64_t)PTE_FLAGS_MASK) == 0,
	    "pmap %p va %#jx: bad PTE %#jx", (void *)pm, (uintmax_t)va,
	    (uintmax_t)pte);
	pg = uvm_physseg_pfn_to_page(pss->pss_uvm, PTE_PFN(pte));
	if ((pte & PTE_M) == 0) {
		/*
     * Unmanaged: a frame without a page when it was entered (a
     * segment plugged in later may give it one), or a
     * pmap_kenter_pa() mapping.  Nothing to cross-check.
     */
		return;
	}
	KASSERTMSG(pg != NULL,
	    "pmap %p va %#jx: managed mapping of frame "
	    "%#jx without a page",
	    (void *)pm, (uintmax_t)va, (uintmax_t)PTE_PFN(pte));
	lock = pmap_soft_pvlock(pss, PTE_PFN(pte));
	n = 0;
	mutex_enter(lock);
	for (pv = pg->pv_head; pv != NULL; pv = pv->pv_next)
		if (pv->pv_pmap == pm && pv->pv_va == va)
			n++;
	mutex_exit(lock);
	KASSERTMSG(n == 1, "pmap %p va %#jx: %u pv entries on its page",
	    (void *)pm, (uintmax_t)va, n);
}

/*
 * pmap_soft_sanity_ptp: a table and everything below it.
 * => pm_lock held.
 */
static void
pmap_soft_sanity_ptp(struct pmap_soft *pms, const struct pmap_ptp *ptp,
    unsigned lvl, uint64_t base, struct pmap_soft_census *sc)
{
	const struct pmap_ptp *child;
	unsigned i, n;

	KASSERTMSG(ptp->ptp_level == lvl,
	    "pmap %p: table %p level %u, "
	    "expected %u",
	    (void *)pms, (const void *)ptp, ptp->ptp_level, lvl);
	sc->sc_nptp++;
	n = 0;
	for (i = 0; i < PTP_NENT; i++) {
		if (ptp->ptp_ent[i] == 0)
			continue;
		n++;
		if (lvl == 0) {
			sc->sc_resident++;
			if ((ptp->ptp_ent[i] & PTE_W) != 0)
				sc->sc_wired++;
			pmap_soft_sanity_pte(pms, base + i, ptp->ptp_ent[i]);
			continue;
		}
		child = pmap_soft_child(ptp, i);
		KASSERTMSG(child->ptp_nused > 0, "pmap %p: empty table %p kept",
		    (void *)pms, (const void *)child);
		pmap_soft_sanity_ptp(pms, child, lvl - 1,
		    base + ((uint64_t)i << (PTP_BITS * lvl)), sc);
	}
	KASSERTMSG(n == ptp->ptp_nused,
	    "pmap %p: table %p counts %u entries, "
	    "has %u",
	    (void *)pms, (const void *)ptp, ptp->ptp_nused, n);
}

/*
 * pmap_soft_sanity_tlb: every valid TLB entry agrees with the tables.
 * => pm_lock held.
 */
static void
pmap_soft_sanity_tlb(struct pmap_soft *pms)
{
	struct pmap_soft_state *pss = pms->pms_state;
	struct pmap *pm = &pms->pms_pmap;
	const struct pmap_tlb_entry *te;
	const struct pmap_ptp *leaf;
	struct vm_page *pg;
	uint64_t pte;
	vm_prot_t prot;
	uint8_t attrs;
	unsigned i;

	for (i = 0; i < PMAP_TLB_SIZE; i++) {
		te = &pm->pm_tlb.tlb_ent[i];
		if (te->te_vpn == PMAP_TLB_INVALID)
			continue;
		KASSERTMSG((te->te_vpn & (PMAP_TLB_SIZE - 1)) == i,
		    "pmap %p: TLB entry %u holds vpn %#jx", (void *)pm, i,
		    (uintmax_t)te->te_vpn);
		leaf = pmap_soft_leaf_walk(pms, te->te_vpn);
		pte = leaf != NULL ? leaf->ptp_ent[te->te_vpn & PTP_MASK] : 0;
		KASSERTMSG(pte != 0, "pmap %p: TLB entry for unmapped vpn %#jx",
		    (void *)pm, (uintmax_t)te->te_vpn);
		KASSERTMSG(te->te_host ==
			(uint8_t *)uvm_physseg_pfn_to_host(
			    pss->pss_uvm, PTE_PFN(pte)),
		    "pmap %p: TLB entry for vpn %#jx has the wrong frame",
		    (void *)pm, (uintmax_t)te->te_vpn);
		prot = pmap_soft_widen(PTE_PROT(pte));
		KASSERTMSG((te->te_prot & ~prot) == 0,
		    "pmap %p: TLB entry for "
		    "vpn %#jx allows %#x, mapping %#x",
		    (void *)pm, (uintmax_t)te->te_vpn, te->te_prot, prot);
		if ((pte & PTE_M) == 0)
			continue;
		pg = uvm_physseg_pfn_to_page(pss->pss_uvm, PTE_PFN(pte));
		attrs = __atomic_load_n(&pg->mdattrs, __ATOMIC_RELAXED);
		KASSERTMSG((attrs & PMAP_MD_REFERENCED) != 0,
		    "pmap %p: TLB "
		    "entry for vpn %#jx, page not referenced",
		    (void *)pm, (uintmax_t)te->te_vpn);
		KASSERTMSG((te->te_prot & VM_PROT_WRITE) == 0 ||
			(attrs & PMAP_MD_MODIFIED) != 0,
		    "pmap %p: TLB entry for vpn %#jx writable, page not "
		    "modified",
		    (void *)pm, (uintmax_t)te->te_vpn);
	}
}

/*
 * pmap_soft_sanity_pvcache: the free pv entries cached by a pmap.
 * => pm_lock held.
 */
static void
pmap_soft_sanity_pvcache(struct pmap_soft *pms)
{
	const struct pv_entry *pv;
	unsigned n = 0;

	for (pv = pms->pms_pvcache; pv != NULL; pv = pv->pv_next) {
		KASSERTMSG(pv->pv_pmap == NULL,
		    "pmap %p: cached pv entry %p "
		    "in use",
		    (void *)pms, (const void *)pv);
		n++;
	}
	KASSERTMSG(n == pms->pms_npvcache && n <= PMAP_SOFT_PVCACHE &&
		(n == 0 || !pms->pms_pmap.pm_kernel),
	    "pmap %p: %u cached pv entries, count %u", (void *)pms, n,
	    pms->pms_npvcache);
}

/*
 * pmap_soft_sanity: tables, counts, pv entries of managed mappings, hint,
 * TLB.
 * => takes pm_lock, then pv locks.
 */
static void
pmap_soft_sanity(struct pmap *pm)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_census sc;

	memset(&sc, 0, sizeof(sc));
	mutex_enter(&pm->pm_lock);
	if (pms->pms_root != NULL) {
		KASSERTMSG(pms->pms_root->ptp_nused > 0,
		    "pmap %p: empty root kept", (void *)pm);
		pmap_soft_sanity_ptp(
		    pms, pms->pms_root, pms->pms_state->pss_levels - 1, 0, &sc);
	}
	KASSERTMSG(sc.sc_resident == pm->pm_resident,
	    "pmap %p: %jd "
	    "mappings, resident count %jd",
	    (void *)pm, (intmax_t)sc.sc_resident, (intmax_t)pm->pm_resident);
	KASSERTMSG(sc.sc_wired == pm->pm_wired,
	    "pmap %p: %jd wired "
	    "mappings, wired count %jd",
	    (void *)pm, (intmax_t)sc.sc_wired, (intmax_t)pm->pm_wired);
	KASSERTMSG(sc.sc_nptp == pms->pms_nptp,
	    "pmap %p: %ju tables, "
	    "count %ju",
	    (void *)pm, (uintmax_t)sc.sc_nptp, (uintmax_t)pms->pms_nptp);
	pmap_soft_sanity_pvcache(pms);
	KASSERTMSG(pms->pms_hint == NULL ||
		pms->pms_hint ==
		    pmap_soft_leaf_walk(pms, pms->pms_hintkey << PTP_BITS),
	    "pmap %p: stale leaf hint", (void *)pm);
	pmap_soft_sanity_tlb(pms);
	mutex_exit(&pm->pm_lock);
}

/*
 * pmap_soft_sanity_page: each pv entry of pg has its managed mapping.
 * => no pmap or pv lock held; takes the pv lock, then each pmap's.
 */
static void
pmap_soft_sanity_page(struct uvm *uvm, struct vm_page *pg)
{
	struct pmap_soft_state *pss = pmap_soft_state(uvm);
	const struct pmap_ptp *leaf;
	struct pv_entry *pv;
	struct kmutex *lock;
	struct pmap *pm;
	uint64_t pfn, pte;

	pfn = uvm_page_phys(uvm, pg) >> pss->pss_shift;
	lock = pmap_soft_pvlock(pss, pfn);
restart:
	mutex_enter(lock);
	for (pv = pg->pv_head; pv != NULL; pv = pv->pv_next) {
		pm = pv->pv_pmap;
		KASSERTMSG(pm != NULL && pm->pm_uvm == uvm &&
			(pv->pv_va & uvm->u_pagemask) == 0,
		    "page %#jx: bad pv entry %p", (uintmax_t)pfn, (void *)pv);
		if (!mutex_tryenter(&pm->pm_lock)) {
			mutex_exit(lock);
			pmap_soft_pmap_wait(pm);
			goto restart;
		}
		leaf = pmap_soft_leaf_walk(
		    pmap_soft(pm), pv->pv_va >> pss->pss_shift);
		pte = leaf != NULL
		    ? leaf->ptp_ent[(pv->pv_va >> pss->pss_shift) & PTP_MASK]
		    : 0;
		KASSERTMSG((pte & PTE_M) != 0 && PTE_PFN(pte) == pfn,
		    "page %#jx: pv entry (pmap %p, va %#jx) but PTE %#jx",
		    (uintmax_t)pfn, (void *)pm, (uintmax_t)pv->pv_va,
		    (uintmax_t)pte);
		mutex_exit(&pm->pm_lock);
	}
	mutex_exit(lock);
}

static void
pmap_soft_print_pte(struct pmap_soft *pms, struct pmap_ptp *leaf, unsigned idx,
    uint64_t vpn, void *arg)
{
	unsigned shift = pms->pms_state->pss_shift;
	uint64_t pte = leaf->ptp_ent[idx];
	vm_prot_t prot = PTE_PROT(pte);

	fprintf(arg, "  va %#018jx -> pa %#jx %c%c%c%s%s\n",
	    (uintmax_t)(vpn << shift), (uintmax_t)(PTE_PFN(pte) << shift),
	    (prot & VM_PROT_READ) != 0 ? 'r' : '-',
	    (prot & VM_PROT_WRITE) != 0 ? 'w' : '-',
	    (prot & VM_PROT_EXECUTE) != 0 ? 'x' : '-',
	    (pte & PTE_W) != 0 ? " wired" : "",
	    (pte & PTE_M) != 0 ? " managed" : "");
}

/*
 * pmap_soft_printit: the tables' geometry and every mapping.
 * => takes pm_lock.
 */
static void
pmap_soft_printit(struct pmap *pm, FILE *fp)
{
	struct pmap_soft *pms = pmap_soft(pm);
	struct pmap_soft_state *pss = pms->pms_state;
	unsigned i, ntlb;

	mutex_enter(&pm->pm_lock);
	ntlb = 0;
	for (i = 0; i < PMAP_TLB_SIZE; i++)
		if (pm->pm_tlb.tlb_ent[i].te_vpn != PMAP_TLB_INVALID)
			ntlb++;
	fprintf(fp,
	    "  %u levels of %u entries, %ju tables, %u TLB entries "
	    "valid\n",
	    pss->pss_levels, PTP_NENT, (uintmax_t)pms->pms_nptp, ntlb);
	pmap_soft_walk_range(pms, 0, pss->pss_maxvpn, pmap_soft_print_pte, fp);
	mutex_exit(&pm->pm_lock);
}

const struct pmap_ops pmap_soft_ops = {
    .po_name = "soft",
    .po_init = pmap_soft_init,
    .po_fini = pmap_soft_fini,
    .po_alloc = pmap_soft_alloc,
    .po_free = pmap_soft_free,
    .po_enter = pmap_soft_enter,
    .po_remove = pmap_soft_remove,
    .po_remove_all = pmap_soft_remove_all,
    .po_protect = pmap_soft_protect,
    .po_unwire = pmap_soft_unwire,
    .po_extract = pmap_soft_extract,
    .po_kenter_pa = pmap_soft_kenter_pa,
    .po_kremove = pmap_soft_kremove,
    .po_update = NULL,   /* no deferred work: see the design note */
    .po_activate = NULL, /* nothing to load: the TLB is per pmap */
    .po_deactivate = NULL,
    .po_access_slow = pmap_soft_access_slow,
    .po_page_protect = pmap_soft_page_protect,
    .po_clear_attrs = pmap_soft_clear_attrs,
    .po_page_nmappings = pmap_soft_page_nmappings,
    .po_sanity = pmap_soft_sanity,
    .po_sanity_page = pmap_soft_sanity_page,
    .po_printit = pmap_soft_printit,
};
