/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmap.h: the pmap(9) contract between the machine-independent layers and
 * the back ends (src/pmap/soft: software page tables; src/pmap/host: real
 * host mappings, later).  Nothing above this header knows which back end a
 * machine uses; nothing below it knows about maps, amaps or processes.
 *
 * Semantics follow pmap(9):
 *  - pmap_enter() maps one page; flags carry the access that caused it
 *    (VM_PROT_* bits, which preset referenced/modified), PMAP_WIRED and
 *    PMAP_CANFAIL (return ENOMEM instead of panicking when page-table memory
 *    cannot be had).  Entering over an existing mapping replaces it: the
 *    same page keeps its pv entry and takes the new protection and wiring;
 *    another page (or a managed page over an unmanaged mapping) removes the
 *    old mapping first.
 *  - pmap_remove()/pmap_protect() work on [sva, eva) and may defer work until
 *    pmap_update(); the soft back end does everything at once, so
 *    pmap_update() only completes deferred TLB shootdowns (it has none).
 *    An eva of 0 stands for 2^64, the end of the address space; sva == eva
 *    (not 0) is an empty range.  Both skip unmapped space without visiting
 *    it page by page.
 *  - pmap_protect() only lowers: each mapping keeps old & prot.  A prot
 *    without VM_PROT_READ removes the mappings (as NetBSD's x86 pmap does).
 *    pmap_page_protect() applies the same rule to every mapping of a page.
 *  - referenced/modified bits belong to the physical page, are set by
 *    accesses through the pmap and by pmap_enter()'s access flags, and
 *    survive removal of the mappings.  Only managed pages (those with a
 *    struct vm_page) have them.
 *  - pmap_kenter_pa() mappings are unmanaged (no pv entry, no R/M tracking),
 *    wired, and live in the kernel pmap only; pmap_kremove() removes only
 *    such mappings.
 *  - pmap_destroy() drops a reference; the last one removes any mappings
 *    left and frees the pmap.  pmap_remove_all() empties a pmap that is
 *    about to die (returns true: the caller need not remove ranges).
 *
 * Protection checks (pmap_access()) follow the x86 rule: a mapping with
 * VM_PROT_WRITE or VM_PROT_EXECUTE also allows reads.  An access (a set of
 * VM_PROT_* bits) is allowed when every bit it asks for is in the
 * mapping's protection so widened.  There is no "write-only" or
 * "execute-only" mapping.
 *
 * Simulated accesses go through pmap_access(): an inline look-up of the
 * pmap's small software TLB, then the back end's table walk.  A write that
 * hits the TLB does not need to set the modified bit: entries allow writes
 * only once the page is marked modified, and clearing the bit (or lowering
 * protection) invalidates every TLB entry of the page through its pv list.
 * Hits are not counted (a hit costs two loads and a compare); misses and
 * invalidations are counted in the machine's tlb_misses and tlb_flushes.
 *
 * Concurrency: every operation but pmap_access() is thread-safe.  The TLB
 * of a pmap is read without locks by pmap_access() and changed under the
 * pmap lock.  Accesses through one pmap must come from one thread at a
 * time (the accessor: the TLB is filled by its own misses), but any other
 * thread may change that pmap's mappings, or those of pages it maps, at
 * any time: invalidations are made safe by pins, a software TLB shootdown.
 *
 * Pins.  An accessor that dereferences a host pointer obtained from the
 * TLB must hold a pin on the pmap (pmap_access_pin()) from before the TLB
 * look-up until it is done with the pointer, then drop it
 * (pmap_access_unpin()).  While pinned it must not block, take a lock or
 * call anything that may change a mapping: so a pinned caller translates
 * with pmap_access_tlb_p() (the look-up alone) and, on a miss, unpins
 * before calling pmap_access() (whose miss path takes the pmap lock) or
 * uvm_fault(), then pins and looks again.  Every TLB invalidation stores
 * the invalidation, reads the pin count with a sequentially consistent
 * read-modify-write (a full barrier), and waits (spinning) until the pmap
 * has no pins.  Pinning is such a read-modify-write of the same word, so
 * either the accessor's look-up sees the invalidation (a miss), or the
 * invalidator sees the pin and waits until the access is over.  Hence,
 * when a pmap operation returns, no access that translated through a
 * mapping it removed or write-protected is still running, and the caller
 * may free the page, reuse it, or trust its modified bit.  Callers that
 * do not pin (single-threaded tests) get the old guarantee only.
 *
 * Lock order: map/object/amap/anon locks and the page-queue, free-list and
 * swap locks (all lower classes) may be held when calling into the pmap.
 * Inside, the pmap lock (class LC_PMAP) comes before a page's pv lock (also
 * LC_PMAP, hashed by frame).  Per-page operations hold the pv lock and
 * take each pmap with a try-lock; when that fails they take a reference,
 * drop the pv lock, wait for the pmap lock, and start over.
 */
#ifndef _PMAP_PMAP_H_
#define _PMAP_PMAP_H_

#include <stddef.h>
#include <sys/queue.h>

#include "uvm.h"
#include "kern/kern.h"

struct vm_page;
struct pmap;
struct pmap_ops;

/* pmap_enter() flags, beyond the VM_PROT_* access bits. */
#define PMAP_WIRED   0x00000010u
#define PMAP_CANFAIL 0x00000020u
#define PMAP_NOCACHE 0x00000040u
/*
 * The caller is the pmap's accessor thread (see "Concurrency"), about to
 * retry an access at va: fill the TLB entry of va as the access's own walk
 * would, saving that walk.  Managed pages only; ignored otherwise.
 */
#define PMAP_TLBFILL 0x00000080u

/* Machine setup: creates the kernel pmap. */
int pmap_init(struct uvm *);
void pmap_fini(struct uvm *);
struct pmap *pmap_kernel(struct uvm *);

struct pmap *pmap_create(struct uvm *);
void pmap_reference(struct pmap *);
void pmap_destroy(struct pmap *); /* drop a reference */
struct uvm *pmap_machine(const struct pmap *);

int pmap_enter(
    struct pmap *, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags);
void pmap_remove(struct pmap *, vaddr_t sva, vaddr_t eva);
/* Remove every mapping (the pmap is about to die): true if done. */
bool pmap_remove_all(struct pmap *);
void pmap_protect(struct pmap *, vaddr_t sva, vaddr_t eva, vm_prot_t prot);
void pmap_unwire(struct pmap *, vaddr_t va);
bool pmap_extract(struct pmap *, vaddr_t va, paddr_t *pap);
void pmap_kenter_pa(
    struct uvm *, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags);
void pmap_kremove(struct uvm *, vaddr_t va, vsize_t len);
void pmap_update(struct pmap *);
void pmap_activate(struct pmap *);
void pmap_deactivate(struct pmap *);
/* True while the pmap has more activations than deactivations. */
bool pmap_active_p(const struct pmap *);

/* Per-page operations, through the page's pv list. */
void pmap_page_protect(struct vm_page *, vm_prot_t prot);
bool pmap_is_modified(struct vm_page *);
bool pmap_is_referenced(struct vm_page *);
bool pmap_clear_modify(struct vm_page *);    /* returns the old bit */
bool pmap_clear_reference(struct vm_page *); /* returns the old bit */
/* Number of mappings of the page (for sanity checks and tests). */
unsigned pmap_page_nmappings(struct vm_page *);
/*
 * Whether the page has any managed mapping, without the pv lock: exact
 * only while nothing can map or unmap the page, e.g. for an anon page
 * with the anon's lock and the map's lock held (the fault handler).
 */
bool pmap_page_mapped_p(struct vm_page *);

/*
 * Frame contents.  A frame being filled is usually cold (freed long ago),
 * so the stores go around the cache: ordinary stores would first read
 * every line of it from memory only to overwrite it.  The _hot variants
 * keep one line, the one holding byte offset `hot', in the cache: the
 * caller (the fault handler) is about to touch it.  Both return with the
 * stores globally visible.
 */
#define PMAP_HOT_NONE ((vsize_t)-1)
void pmap_zero_page(struct uvm *, paddr_t pa);
void pmap_copy_page(struct uvm *, paddr_t src, paddr_t dst);
void pmap_zero_page_hot(struct uvm *, paddr_t pa, vsize_t hot);
void pmap_copy_page_hot(struct uvm *, paddr_t src, paddr_t dst, vsize_t hot);
/* Zero n frames at once (the stores of one overlap the next's). */
void pmap_zero_pages(struct uvm *, const paddr_t *pa, int n);

int64_t pmap_resident_count(const struct pmap *);
int64_t pmap_wired_count(const struct pmap *);

void pmap_sanity(struct pmap *);         /* page tables, counts, pv lists */
void pmap_sanity_page(struct vm_page *); /* pv list of one page */
/* Every pmap of the machine and the pv list of every page. */
void pmap_sanity_all(struct uvm *);
void pmap_printit(struct pmap *, FILE *);

/*
 * The access fast path.  Every pmap starts with a struct pmap_tlb (back ends
 * guarantee it), a direct-mapped cache of translations indexed by virtual
 * page number.  te_vpn is the tag (PMAP_TLB_INVALID when empty), te_host
 * the host address of the page's contents, te_prot what the entry allows
 * (already widened by the x86 rule; VM_PROT_WRITE only once the page is
 * modified, or always for unmanaged mappings).  Entries change under the
 * pmap lock but are read without it, so te_vpn and te_prot are loaded and
 * stored with (relaxed) atomic operations; an invalidation stores
 * PMAP_TLB_INVALID in te_vpn, or clears VM_PROT_WRITE in te_prot.  Only a
 * fill (the accessor's own miss) writes te_host, so it is a plain field.
 */
#define PMAP_TLB_SIZE    256u /* entries, a power of two */
#define PMAP_TLB_INVALID (~(uint64_t)0)

struct pmap_tlb_entry {
	uint64_t te_vpn;
	uint8_t *te_host;
	vm_prot_t te_prot;
};

/*
 * Hits are not counted (a hit stores nothing); layers that count their
 * accesses derive hits as accesses - tlb_misses.
 */
struct pmap_tlb {
	unsigned tlb_shift;  /* [c] page shift of the machine */
	unsigned tlb_pins;   /* [a] accesses in progress (pins) */
	uint64_t tlb_misses; /* [t] see above */
	struct pmap_tlb_entry tlb_ent[PMAP_TLB_SIZE]; /* [t] */
};

/*
 * pmap_access_slow: the walk behind a TLB miss.  Translates va for access
 * (VM_PROT_* bits), updates referenced/modified, fills the TLB.
 * => returns 0 with *hostp, EFAULT if nothing is mapped at va, or EACCES if
 *    the mapping does not allow the access (the caller then faults).
 * => takes and releases the pmap lock; never sleeps.  Not while pinned.
 * => on success the TLB entry of va allows access (a pinned caller that
 *    missed calls this unpinned, then pins and looks again).
 */
int pmap_access_slow(
    struct pmap *, vaddr_t va, vm_prot_t access, uint8_t **hostp);

/*
 * pmap_access_pin: start an access through pm's TLB (see "Pins" above).
 * => a full barrier: the TLB look-ups that follow cannot be reordered
 *    before the pin becomes visible to invalidators.
 * => no lock may be taken until pmap_access_unpin().
 */
static inline void
pmap_access_pin(struct pmap *pm)
{
	struct pmap_tlb *tlb = (struct pmap_tlb *)(void *)pm;

	(void)__atomic_fetch_add(&tlb->tlb_pins, 1, __ATOMIC_SEQ_CST);
}

/*
 * pmap_access_unpin: the access is over: the pointer is no longer used.
 * => release: the access happens before an invalidator's wait ends.
 */
static inline void
pmap_access_unpin(struct pmap *pm)
{
	struct pmap_tlb *tlb = (struct pmap_tlb *)(void *)pm;

	(void)__atomic_fetch_sub(&tlb->tlb_pins, 1, __ATOMIC_RELEASE);
}

/*
 * pmap_access_tlb_p: the TLB look-up alone.  True with *hostp on a hit
 * that allows access; false (nothing stored) on a miss.
 * => takes no lock: a pinned caller may use it.  te_vpn and te_prot are
 *    read atomically (relaxed) as other threads invalidate them.
 */
static inline bool
pmap_access_tlb_p(
    struct pmap *pm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	struct pmap_tlb *tlb = (struct pmap_tlb *)(void *)pm;
	uint64_t vpn = va >> tlb->tlb_shift;
	struct pmap_tlb_entry *te = &tlb->tlb_ent[vpn & (PMAP_TLB_SIZE - 1)];

	if (__builtin_expect(
		__atomic_load_n(&te->te_vpn, __ATOMIC_RELAXED) == vpn &&
		    (__atomic_load_n(&te->te_prot, __ATOMIC_RELAXED) &
			access) == access,
		1)) {
		/* Only the accessor's own misses write te_host. */
		*hostp =
		    te->te_host + (va & (((uint64_t)1 << tlb->tlb_shift) - 1));
		return true;
	}
	return false;
}

/*
 * pmap_access: translate va for access: the TLB, else the table walk.
 * => 0 with *hostp, EFAULT or EACCES (see pmap_access_slow()).
 * => a miss takes the pmap lock: not to be called while pinned.
 */
static inline int
pmap_access(struct pmap *pm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	if (__builtin_expect(pmap_access_tlb_p(pm, va, access, hostp), 1))
		return 0;
	return pmap_access_slow(pm, va, access, hostp);
}

/*
 * ------------------------------------------------------------------------
 * The back-end interface.  Only src/pmap/ uses what follows; the MI layers
 * call the functions above.
 *
 * Lock legend for struct pmap:
 *	[c] constant after creation
 *	[a] atomic operations
 *	[l] pm_lock
 *	[t] pm_lock to change; read without locks by pmap_access() (see
 *	    "Concurrency" above)
 *	[L] the machine's pmap-list lock (pmap.c)
 *
 * A back end allocates its pmaps with a struct pmap at offset 0 (and so a
 * struct pmap_tlb at offset 0 too) and keeps its own fields after it.
 * pmap.c owns the common fields' life cycle (references, activations, the
 * machine's list of pmaps, the lock); the back end keeps pm_resident and
 * pm_wired exact under pm_lock.
 */
struct pmap {
	struct pmap_tlb pm_tlb;        /* [t] MUST be first: pmap_access() */
	const struct pmap_ops *pm_ops; /* [c] back end */
	struct uvm *pm_uvm;            /* [c] machine */
	struct kmutex pm_lock;         /* the pmap lock, class LC_PMAP */
	unsigned pm_refcnt;            /* [a] references */
	int pm_nactive;                /* [a] activations - deactivations */
	bool pm_kernel;                /* [c] the machine's kernel pmap */
	int64_t pm_resident;           /* [l] valid mappings */
	int64_t pm_wired;              /* [l] wired valid mappings */
	LIST_ENTRY(pmap) pm_list;      /* [L] on the machine's list */
};
CTASSERT(offsetof(struct pmap, pm_tlb) == 0);

/* Referenced/modified attributes in vm_page.mdattrs (atomic updates). */
#define PMAP_MD_REFERENCED 0x01u
#define PMAP_MD_MODIFIED   0x02u

/*
 * The operations of a back end.  pmap.c validates what it can, keeps the
 * statistics and references, and calls these.  NULL marks an operation
 * with nothing to do in that back end (po_update, po_activate,
 * po_deactivate only).
 */
struct pmap_ops {
	const char *po_name;
	/* Machine-wide state (behind pmap_backend_state()). */
	int (*po_init)(struct uvm *);
	void (*po_fini)(struct uvm *);
	/* A zeroed pmap of the back end's size; pmap.c fills the header. */
	struct pmap *(*po_alloc)(struct uvm *);
	/* The last reference is gone and no mapping is left: free it. */
	void (*po_free)(struct pmap *);
	int (*po_enter)(struct pmap *, vaddr_t, paddr_t, vm_prot_t, uint32_t);
	void (*po_remove)(struct pmap *, vaddr_t, vaddr_t);
	bool (*po_remove_all)(struct pmap *);
	void (*po_protect)(struct pmap *, vaddr_t, vaddr_t, vm_prot_t);
	void (*po_unwire)(struct pmap *, vaddr_t);
	bool (*po_extract)(struct pmap *, vaddr_t, paddr_t *);
	void (*po_kenter_pa)(
	    struct pmap *, vaddr_t, paddr_t, vm_prot_t, uint32_t);
	void (*po_kremove)(struct pmap *, vaddr_t, vsize_t);
	void (*po_update)(struct pmap *);
	void (*po_activate)(struct pmap *);
	void (*po_deactivate)(struct pmap *);
	int (*po_access_slow)(struct pmap *, vaddr_t, vm_prot_t, uint8_t **);
	void (*po_page_protect)(struct uvm *, struct vm_page *, vm_prot_t);
	bool (*po_clear_attrs)(struct uvm *, struct vm_page *, uint8_t attr);
	unsigned (*po_page_nmappings)(struct uvm *, struct vm_page *);
	void (*po_sanity)(struct pmap *);
	void (*po_sanity_page)(struct uvm *, struct vm_page *);
	void (*po_printit)(struct pmap *, FILE *);
};

/* The soft back end (src/pmap/soft/pmap_soft.c). */
extern const struct pmap_ops pmap_soft_ops;

/* The back end's machine-wide state slot (set by its po_init). */
void **pmap_backend_state(struct uvm *);
/* Take a reference unless the pmap is already dying (refcnt 0). */
bool pmap_tryref(struct pmap *);
/* Drop a reference, the kernel pmap's included (pmap_destroy() for all). */
void pmap_rele(struct pmap *);

#endif /* _PMAP_PMAP_H_ */
