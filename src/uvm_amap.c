/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_amap.c: amap operations.
 *
 * This file owns struct vm_amap (private: other layers use the functions
 * of uvm_amap.h) and the machine's amap state (u_amap: the amap pool,
 * fault-injection site KFI_AMAP, and the list of live amaps walked by the
 * machine-wide checker).  uvmexp.namap counts live amaps.
 *
 * Design note (docs/design/amap.md has the long version).
 *
 * An amap covers am_nslot page slots (am_maxslot allocated, the rest is
 * padding for amap_extend()).  Three arrays describe the anons:
 *
 *	am_anon[slot]	the anon in each slot, or NULL
 *	am_slots[i]	dense list of the am_nused occupied slots (any order)
 *	am_bckptr[slot]	for an occupied slot, its index in am_slots
 *
 * so that adding, removing and visiting all anons cost O(1) per anon,
 * whatever the size of the amap: a sparse 1 GiB amap with ten anons is
 * wiped in ten steps.
 *
 * Per-page references.  am_ref counts the map-entry references (vm_aref)
 * to the amap.  While every reference covers the whole amap, that is all
 * we need.  The first reference covering only part of it (a split entry,
 * a partial unmap) makes us establish am_ppref, a per-slot reference
 * count, run-length encoded: a run of len slots starting at s with count
 * ref is stored as
 *
 *	len == 1:  ppref[s] = ref + 1			(positive)
 *	len >= 2:  ppref[s] = -(ref + 1), ppref[s + 1] = len
 *
 * (the +1 keeps the sign meaningful for ref 0; slots inside a run are
 * unused).  When a run's count drops to zero nothing can map those slots
 * any more and their anons are freed at once (amap_wiperange()) rather
 * than when the whole amap dies.  If the ppref array cannot be allocated,
 * the amap is marked AMAP_PPREF_NONE for good: anons then live until the
 * amap dies (or until amap_extend() learns that a single reference
 * remains), which is correct, only less economical.
 *
 * Locking.  Each amap points at a refcounted rwlock (a lock object from
 * uvm_rwobj_alloc(), class LC_AMAP).  Its anons' an_lock points at the
 * same lock.  amap_copy() makes the copy share its source's lock, because
 * the anons it copies are now referenced from both: one lock per
 * copy-on-write family covers every anon wherever it is referenced
 * (NetBSD's 2011 and 2020 locking).  The amap list is protected by a mutex
 * of class LC_AMAP (not a leaf: the checker, holding it, try-locks amaps
 * and checks anons' swap slots with the swap layer, below in the order).
 *
 * Allocation: the amap from a pool with site KFI_AMAP; its arrays from the
 * host allocator after a KFI_AMAP check too.  amap_alloc() returns NULL on
 * failure, amap_extend() ENOMEM with the amap unchanged; amap_copy()
 * leaves the entry needs-copy (its callers check).
 *
 * amap_copy() of a large entry without an amap yet (UVM_AMAP_LARGE slots
 * or more) is chunked: the entry is clipped to the UVM_AMAP_CHUNK-aligned
 * range around the faulting address first, so that one write into a huge
 * private mapping does not allocate an amap for all of it.
 *
 * Alternatives rejected: a hash of anons by slot (no O(1) lookup, no
 * contiguous lookups for neighbour faults); per-slot counts without
 * run-length encoding (a 1M-slot amap would pay 4 MiB on its first split).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "pmap/pmap.h"

/* Private amap flags, beside AMAP_SHARED. */
#define AMAP_PPREF_NONE 0x100 /* ppref could not be had: never again */

/*
 * struct vm_amap.  Lock legend: [l] am_lock write-held to change, held
 * to read; [L] the machine's amap-list lock; [c] constant.
 *
 * Invariants (amap_sanity() checks each):
 *  - 0 < am_nslot <= am_maxslot; 0 <= am_nused <= am_nslot;
 *  - am_slots[0..am_nused) are distinct slots < am_nslot holding an anon,
 *    am_bckptr[am_slots[i]] == i, and no other slot holds one;
 *  - every anon: an_lock == am_lock, an_ref >= 1;
 *  - with am_ppref: runs tile [0, am_nslot), each count in [0, am_ref],
 *    and no anon in a slot whose count is 0;
 *  - am_ref >= 1 for a live amap; AMAP_SHARED only with am_ref >= 2.
 */
struct vm_amap {
	struct krwlock *am_lock;     /* [c] lock object, shared with anons */
	struct uvm *am_uvm;          /* [c] machine */
	int am_ref;                  /* [l] references (vm_arefs) */
	int am_flags;                /* [l] AMAP_SHARED, AMAP_PPREF_NONE */
	int am_maxslot;              /* [l] slots allocated */
	int am_nslot;                /* [l] slots in use (the amap's size) */
	int am_nused;                /* [l] slots holding an anon */
	int *am_slots;               /* [l] dense list of occupied slots */
	int *am_bckptr;              /* [l] slot -> index in am_slots */
	struct vm_anon **am_anon;    /* [l] slot -> anon */
	int *am_ppref;               /* [l] per-slot references (RLE) or NULL */
	LIST_ENTRY(vm_amap) am_list; /* [L] on the machine's list */
	unsigned am_swapgen;         /* [L] last amap_swap_off() walk */
};

struct uvm_amap_state {
	struct kmutex ams_lock;         /* LC_AMAP: the list */
	struct pool ams_pool;           /* struct vm_amap, KFI_AMAP */
	LIST_HEAD(, vm_amap) ams_amaps; /* [ams_lock] live amaps */
	uint64_t ams_namaps;            /* [ams_lock] on the list */
	unsigned ams_swapgen;           /* [ams_lock] amap_swap_off() walks */
};

static void amap_free(struct vm_amap *);
static void amap_wipeout_locked(struct vm_amap *);

static inline int
amap_b2slot(const struct uvm *uvm, vsize_t bytes)
{
	KASSERTMSG(
	    uvm_page_aligned_p(uvm, bytes), "unaligned size %#" PRIx64, bytes);
	KASSERTMSG((bytes >> uvm->u_pageshift) <= INT_MAX,
	    "amap size %#" PRIx64 " too large", bytes);
	return (int)(bytes >> uvm->u_pageshift);
}

static inline bool
amap_ppref_p(const struct vm_amap *amap)
{
	return amap->am_ppref != NULL;
}

/*
 * uvm_amap_init: set up the machine's amap state.
 */
int
uvm_amap_init(struct uvm *uvm)
{
	struct uvm_amap_state *ams;

	KASSERT(uvm->u_amap == NULL);
	ams = calloc(1, sizeof(*ams));
	if (ams == NULL)
		return ENOMEM;
	mutex_init(&ams->ams_lock, LC_AMAP, "amaplist");
	pool_init(&ams->ams_pool, sizeof(struct vm_amap),
	    _Alignof(struct vm_amap), "amappl", &uvm->u_pools, &uvm->u_fi,
	    KFI_AMAP);
	LIST_INIT(&ams->ams_amaps);
	uvm->u_amap = ams;
	return 0;
}

/*
 * uvm_amap_fini: tear the amap state down; every amap must be gone.
 */
void
uvm_amap_fini(struct uvm *uvm)
{
	struct uvm_amap_state *ams = uvm->u_amap;

	if (ams == NULL)
		return;
	KASSERTMSG(LIST_EMPTY(&ams->ams_amaps), "%" PRIu64 " amaps alive",
	    ams->ams_namaps);
	pool_destroy(&ams->ams_pool);
	mutex_destroy(&ams->ams_lock);
	free(ams);
	uvm->u_amap = NULL;
}

/*
 * Slot arrays: one host block holding am_anon (zeroed), am_slots and
 * am_bckptr for maxslot slots.  Allocation consults KFI_AMAP.
 */
struct amap_arrays {
	struct vm_anon **aa_anon;
	int *aa_slots;
	int *aa_bckptr;
};

static int
amap_arrays_alloc(struct uvm *uvm, int maxslot, struct amap_arrays *aa)
{
	size_t n = (size_t)maxslot;
	char *p;

	KASSERT(maxslot > 0);
	if (kfi_fail_p(&uvm->u_fi, KFI_AMAP))
		return ENOMEM;
	p = calloc(1, n * (sizeof(struct vm_anon *) + 2 * sizeof(int)));
	if (p == NULL)
		return ENOMEM;
	aa->aa_anon = (struct vm_anon **)(void *)p;
	aa->aa_slots = (int *)(void *)(p + n * sizeof(struct vm_anon *));
	aa->aa_bckptr = aa->aa_slots + n;
	return 0;
}

static void
amap_arrays_free(struct amap_arrays *aa)
{
	free(aa->aa_anon); /* the block starts with am_anon */
}

static int *
amap_ppref_alloc(struct uvm *uvm, int maxslot)
{
	if (kfi_fail_p(&uvm->u_fi, KFI_AMAP))
		return NULL;
	return calloc((size_t)maxslot, sizeof(int));
}

/*
 * Run-length encoded per-slot references (see the design note).
 */
static inline void
pp_getreflen(const int *ppref, int slot, int *refp, int *lenp)
{
	int v = ppref[slot];

	KASSERTMSG(v != 0, "ppref: no run starts at slot %d", slot);
	if (v > 0) {
		*refp = v - 1;
		*lenp = 1;
	} else {
		*refp = -v - 1;
		*lenp = ppref[slot + 1];
	}
}

static inline void
pp_setreflen(int *ppref, int slot, int ref, int len)
{
	KASSERT(ref >= 0 && len > 0);
	if (len == 1) {
		ppref[slot] = ref + 1;
	} else {
		ppref[slot] = -(ref + 1);
		ppref[slot + 1] = len;
	}
}

/*
 * amap_pp_single: encode a ppref in which exactly [off, off + len) has
 * one reference and the rest of [0, nslot) none.
 */
static void
amap_pp_single(int *ppref, int nslot, int off, int len)
{
	KASSERT(off >= 0 && len > 0 && off + len <= nslot);
	if (off > 0)
		pp_setreflen(ppref, 0, 0, off);
	pp_setreflen(ppref, off, 1, len);
	if (off + len < nslot)
		pp_setreflen(ppref, off + len, 0, nslot - off - len);
}

/*
 * amap_pp_establish: start per-slot reference counting: every slot gets
 * the current am_ref.  On allocation failure, mark AMAP_PPREF_NONE.
 *	=> amap write-locked; call before am_ref changes
 */
static void
amap_pp_establish(struct vm_amap *amap)
{
	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(
	    amap->am_ppref == NULL && (amap->am_flags & AMAP_PPREF_NONE) == 0);
	amap->am_ppref = amap_ppref_alloc(amap->am_uvm, amap->am_maxslot);
	if (amap->am_ppref == NULL) {
		amap->am_flags |= AMAP_PPREF_NONE;
		return;
	}
	pp_setreflen(amap->am_ppref, 0, amap->am_ref, amap->am_nslot);
}

/*
 * amap_pp_adjref: add adjval to the count of slots [curslot, curslot +
 * slotlen), splitting runs at both ends; slots whose count drops to zero
 * lose their anons.
 *	=> amap write-locked, ppref established; am_ref already adjusted
 */
static void
amap_pp_adjref(struct vm_amap *amap, int curslot, int slotlen, int adjval)
{
	int *ppref = amap->am_ppref;
	int stopslot = curslot + slotlen;
	int lcv, ref, len;

	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(ppref != NULL);
	KASSERT(curslot >= 0 && slotlen > 0 && stopslot <= amap->am_nslot);

	/* Make a run start at curslot. */
	for (lcv = 0; lcv < curslot; lcv += len) {
		pp_getreflen(ppref, lcv, &ref, &len);
		if (lcv + len > curslot) {
			pp_setreflen(ppref, lcv, ref, curslot - lcv);
			pp_setreflen(ppref, curslot, ref, lcv + len - curslot);
			break;
		}
	}

	/* Adjust the runs of the range, splitting the last at stopslot. */
	for (lcv = curslot; lcv < stopslot; lcv += len) {
		pp_getreflen(ppref, lcv, &ref, &len);
		if (lcv + len > stopslot) {
			pp_setreflen(
			    ppref, stopslot, ref, lcv + len - stopslot);
			len = stopslot - lcv;
		}
		ref += adjval;
		KASSERTMSG(ref >= 0 && ref <= amap->am_ref,
		    "amap %p slot %d: count %d, am_ref %d", (void *)amap, lcv,
		    ref, amap->am_ref);
		pp_setreflen(ppref, lcv, ref, len);
		if (ref == 0)
			amap_wiperange(amap, lcv, len);
	}
}

/*
 * amap_alloc1: allocate an amap of slots + padslots slots with the given
 * lock (a lock object; a reference is taken) or a fresh one.
 *	=> returns NULL on failure (pool or arrays)
 */
static struct vm_amap *
amap_alloc1(struct uvm *uvm, int slots, int padslots, struct krwlock *lock)
{
	struct uvm_amap_state *ams = uvm->u_amap;
	struct amap_arrays aa;
	struct vm_amap *amap;
	int64_t total = (int64_t)slots + padslots;

	KASSERT(ams != NULL);
	KASSERT(slots > 0 && padslots >= 0 && total <= INT_MAX);
	amap = pool_get(&ams->ams_pool, PR_NOWAIT);
	if (amap == NULL)
		return NULL;
	if (amap_arrays_alloc(uvm, (int)total, &aa) != 0) {
		pool_put(&ams->ams_pool, amap);
		return NULL;
	}
	if (lock != NULL) {
		uvm_rwobj_hold(lock);
		amap->am_lock = lock;
	} else {
		amap->am_lock = uvm_rwobj_alloc(uvm, LC_AMAP, "amaplk");
	}
	amap->am_uvm = uvm;
	amap->am_ref = 1;
	amap->am_flags = 0;
	amap->am_maxslot = (int)total;
	amap->am_nslot = slots;
	amap->am_nused = 0;
	amap->am_anon = aa.aa_anon;
	amap->am_slots = aa.aa_slots;
	amap->am_bckptr = aa.aa_bckptr;
	amap->am_ppref = NULL;
	amap->am_swapgen = 0; /* walks are numbered from 1 */
	mutex_enter(&ams->ams_lock);
	LIST_INSERT_HEAD(&ams->ams_amaps, amap, am_list);
	ams->ams_namaps++;
	mutex_exit(&ams->ams_lock);
	uvm_cnt_inc(uvm, namap);
	return amap;
}

/*
 * amap_alloc: allocate an amap of sz bytes, with room to grow by padsz.
 *	=> sz, padsz page aligned, sz > 0; waitf is advisory (we never
 *	   sleep for memory)
 *	=> returns the amap with one reference and its own new lock,
 *	   unlocked, or NULL when memory cannot be had
 */
struct vm_amap *
amap_alloc(struct uvm *uvm, vaddr_t sz, vaddr_t padsz, int waitf)
{
	int slots, padslots;

	(void)waitf;
	/* Slot counts are ints: a larger amap cannot be had (ENOMEM). */
	if ((sz >> uvm->u_pageshift) > INT_MAX ||
	    (padsz >> uvm->u_pageshift) > INT_MAX)
		return NULL;
	slots = amap_b2slot(uvm, sz);
	padslots = amap_b2slot(uvm, padsz);
	KASSERT(slots > 0);
	if ((int64_t)slots + padslots > INT_MAX)
		return NULL;
	return amap_alloc1(uvm, slots, padslots, NULL);
}

/*
 * amap_free: free an amap with no references and no anons.
 *	=> amap unlocked
 */
static void
amap_free(struct vm_amap *amap)
{
	struct uvm *uvm = amap->am_uvm;
	struct uvm_amap_state *ams = uvm->u_amap;
	struct amap_arrays aa;

	KASSERT(amap->am_ref == 0 && amap->am_nused == 0);
	KASSERT(!rw_write_held(amap->am_lock));
	mutex_enter(&ams->ams_lock);
	LIST_REMOVE(amap, am_list);
	KASSERT(ams->ams_namaps > 0);
	ams->ams_namaps--;
	mutex_exit(&ams->ams_lock);
	aa.aa_anon = amap->am_anon;
	amap_arrays_free(&aa);
	free(amap->am_ppref);
	uvm_rwobj_rele(amap->am_lock);
	amap->am_lock = NULL;
	pool_put(&ams->ams_pool, amap);
	uvm_cnt_dec(uvm, namap);
}

/*
 * Dense slot list maintenance.
 */
static inline void
amap_slot_insert(struct vm_amap *amap, int slot, struct vm_anon *anon)
{
	KASSERT(amap->am_anon[slot] == NULL);
	KASSERT(amap->am_nused < amap->am_nslot);
	amap->am_bckptr[slot] = amap->am_nused;
	amap->am_slots[amap->am_nused] = slot;
	amap->am_nused++;
	amap->am_anon[slot] = anon;
}

static inline struct vm_anon *
amap_slot_remove(struct vm_amap *amap, int slot)
{
	struct vm_anon *anon = amap->am_anon[slot];
	int ptr, last;

	KASSERT(anon != NULL);
	ptr = amap->am_bckptr[slot];
	last = amap->am_nused - 1;
	KASSERT(ptr >= 0 && ptr <= last && amap->am_slots[ptr] == slot);
	if (ptr != last) {
		amap->am_slots[ptr] = amap->am_slots[last];
		amap->am_bckptr[amap->am_slots[ptr]] = ptr;
	}
	amap->am_nused--;
	amap->am_anon[slot] = NULL;
	return anon;
}

/*
 * amap_anon_drop: drop one amap reference to an anon, freeing it with
 * the last.
 *	=> amap (= anon) lock write-held
 */
static inline void
amap_anon_drop(struct vm_amap *amap, struct vm_anon *anon)
{
	KASSERTMSG(anon->an_lock == amap->am_lock,
	    "anon %p lock %p, amap %p lock %p", (void *)anon,
	    (void *)anon->an_lock, (void *)amap, (void *)amap->am_lock);
	KASSERT(anon->an_ref > 0);
	if (--anon->an_ref == 0)
		uvm_anfree(anon);
}

/*
 * amap_adjref_anons: add refv (+1/-1) to am_ref and to the per-slot counts
 * of [offset, offset + len) slots (or all of them), establishing ppref
 * first if this reference covers only part of the amap.
 *	=> amap write-locked
 */
static void
amap_adjref_anons(
    struct vm_amap *amap, vaddr_t offset, vsize_t len, int refv, bool all)
{
	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(all || (offset + len <= (vsize_t)amap->am_nslot && len > 0));
	if (amap->am_ppref == NULL && (amap->am_flags & AMAP_PPREF_NONE) == 0 &&
	    !all && len != (vsize_t)amap->am_nslot)
		amap_pp_establish(amap);
	amap->am_ref += refv;
	KASSERT(amap->am_ref > 0);
	if (amap->am_ref == 1)
		amap->am_flags &= ~AMAP_SHARED;
	if (amap_ppref_p(amap)) {
		if (all)
			amap_pp_adjref(amap, 0, amap->am_nslot, refv);
		else
			amap_pp_adjref(amap, (int)offset, (int)len, refv);
	}
}

/*
 * amap_ref: add a reference covering slots [offset, offset + len).
 *	=> amap unlocked; flags: AMAP_SHARED marks the amap shared,
 *	   AMAP_REFALL says the reference covers the whole amap
 */
void
amap_ref(struct vm_amap *amap, vaddr_t offset, vsize_t len, int flags)
{
	KASSERT((flags & ~(AMAP_SHARED | AMAP_REFALL)) == 0);
	amap_lock(amap, RW_WRITER);
	KASSERT(amap->am_ref > 0);
	if ((flags & AMAP_SHARED) != 0)
		amap->am_flags |= AMAP_SHARED;
	amap_adjref_anons(amap, offset, len, 1, (flags & AMAP_REFALL) != 0);
	amap_unlock(amap);
}

/*
 * amap_unref: drop a reference covering slots [offset, offset + len) (or
 * the whole amap).  The last reference frees the amap and its anons;
 * slots no reference covers any more lose their anons now.
 *	=> amap unlocked
 */
void
amap_unref(struct vm_amap *amap, vaddr_t offset, vsize_t len, bool all)
{
	amap_lock(amap, RW_WRITER);
	KASSERT(amap->am_ref > 0);
	if (amap->am_ref == 1) {
		amap->am_ref = 0;
		amap_wipeout(amap);
		return;
	}
	amap_adjref_anons(amap, offset, len, -1, all);
	amap_unlock(amap);
}

/*
 * amap_splitref: split a reference in two at offset bytes (the map entry
 * holding origref was clipped there); splitref gets the part after it.
 *	=> amap unlocked; both parts non-empty
 */
void
amap_splitref(struct vm_aref *origref, struct vm_aref *splitref, vaddr_t offset)
{
	struct vm_amap *amap = origref->ar_amap;
	int leftslots;

	KASSERT(amap != NULL);
	leftslots = amap_b2slot(amap->am_uvm, offset);
	KASSERT(leftslots > 0);
	amap_lock(amap, RW_WRITER);
	KASSERTMSG(origref->ar_pageoff + leftslots < amap->am_nslot,
	    "split at slot %d of an amap of %d",
	    origref->ar_pageoff + leftslots, amap->am_nslot);
	/* Per-slot counts must exist before two references cover parts. */
	if (amap->am_ppref == NULL && (amap->am_flags & AMAP_PPREF_NONE) == 0)
		amap_pp_establish(amap);
	splitref->ar_amap = amap;
	splitref->ar_pageoff = origref->ar_pageoff + leftslots;
	amap->am_ref++;
	amap_unlock(amap);
}

/*
 * amap_wiperange: drop the amap's references to the anons in slots
 * [slotoff, slotoff + slots), freeing anons with no references left.
 *	=> amap write-locked
 */
void
amap_wiperange(struct vm_amap *amap, int slotoff, int slots)
{
	struct vm_anon *anon;
	int i, slot;

	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(slotoff >= 0 && slots >= 0 &&
	    (int64_t)slotoff + slots <= amap->am_nslot);
	if (slots < amap->am_nused) {
		/* Fewer slots in the range than anons: visit the range. */
		for (slot = slotoff; slot < slotoff + slots; slot++) {
			if (amap->am_anon[slot] == NULL)
				continue;
			anon = amap_slot_remove(amap, slot);
			amap_anon_drop(amap, anon);
		}
		return;
	}
	/* Visit the anons; a removal moves the last one into place i. */
	for (i = 0; i < amap->am_nused;) {
		slot = amap->am_slots[i];
		if (slot < slotoff || slot >= slotoff + slots) {
			i++;
			continue;
		}
		anon = amap_slot_remove(amap, slot);
		amap_anon_drop(amap, anon);
	}
}

/*
 * amap_wipeout: drop every anon reference of an amap that lost its last
 * reference, and free the amap.
 *	=> amap write-locked, am_ref == 0; returns with the amap gone (and
 *	   so unlocked)
 */
void
amap_wipeout(struct vm_amap *amap)
{
	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(amap->am_ref == 0);
	amap_wipeout_locked(amap);
	amap_unlock(amap);
	amap_free(amap);
}

static void
amap_wipeout_locked(struct vm_amap *amap)
{
	struct vm_anon *anon;
	int i, slot;

	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		anon = amap->am_anon[slot];
		KASSERT(anon != NULL);
		amap->am_anon[slot] = NULL;
		amap_anon_drop(amap, anon);
	}
	amap->am_nused = 0;
}

/*
 * amap_extend: grow the amap of a map entry by addsize bytes at its end
 * (AMAP_EXTEND_FORWARDS) or its start (AMAP_EXTEND_BACKWARDS), for the
 * map layer merging a new mapping into the entry.
 *	=> amap unlocked, with the entry its only reference
 *	=> backwards, entry->aref.ar_pageoff is updated here; the caller
 *	   moves entry->start/end
 *	=> returns 0; ENOMEM (memory, amap unchanged); E2BIG when the amap
 *	   would have to be reallocated beyond UVM_AMAP_LARGE slots (as in
 *	   NetBSD, the map layer then makes a new entry instead)
 *
 * Cases: the new slots fit in the slots before the entry (backwards) or
 * the allocated ones (forwards): adjust in place; backwards with room in
 * the allocation: slide the entry's anons to its end; otherwise
 * reallocate, leaving the free space on the side that will grow.  As the
 * entry holds the only reference, no anon may live outside its range;
 * without per-slot counts we could not know that before, so those slots
 * are wiped here.
 */
int
amap_extend(struct vm_map_entry *entry, vsize_t addsize, int flags)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm *uvm = amap->am_uvm;
	const bool forwards = (flags & AMAP_EXTEND_FORWARDS) != 0;
	enum { EXT_INPLACE, EXT_SLIDE, EXT_REALLOC } how;
	int slotoff = entry->aref.ar_pageoff;
	int slotmapped, slotadd, slotendoff, newoff, newnslot, newmax, delta;
	int i;
	int64_t need;
	struct amap_arrays aa = {NULL, NULL, NULL};
	int *newppref = NULL;
	bool covers, wantppref;

	KASSERT(entry->end > entry->start);
	slotmapped = amap_b2slot(uvm, entry->end - entry->start);
	slotadd = amap_b2slot(uvm, addsize);
	KASSERT(slotadd > 0);
	slotendoff = slotoff + slotmapped;

	amap_lock(amap, RW_WRITER);
	KASSERTMSG(amap->am_ref == 1, "amap_extend: amap %p has %d refs",
	    (void *)amap, amap->am_ref);
	KASSERT(slotoff >= 0 && slotendoff <= amap->am_nslot);

	/* Plan: the new size, allocation and the entry's new offset. */
	need = forwards ? (int64_t)slotendoff + slotadd
			: (int64_t)slotmapped + slotadd;
	if (need > INT_MAX) {
		amap_unlock(amap);
		return E2BIG;
	}
	newmax = amap->am_maxslot;
	if (forwards && need <= amap->am_maxslot) {
		how = EXT_INPLACE;
		newnslot = (int)MAX((int64_t)amap->am_nslot, need);
		newoff = slotoff;
	} else if (!forwards && slotadd <= slotoff) {
		how = EXT_INPLACE;
		newnslot = amap->am_nslot;
		newoff = slotoff - slotadd;
	} else if (!forwards && need <= amap->am_maxslot) {
		how = EXT_SLIDE;
		newnslot = amap->am_maxslot;
		newoff = amap->am_maxslot - (int)need;
	} else {
		if (need >= UVM_AMAP_LARGE) {
			amap_unlock(amap);
			return E2BIG;
		}
		how = EXT_REALLOC;
		/* Leave some room so that repeated growth is not quadratic. */
		newmax = (int)((need + UVM_AMAP_CHUNK - 1) / UVM_AMAP_CHUNK *
		    UVM_AMAP_CHUNK);
		newnslot = forwards ? (int)need : newmax;
		newoff = forwards ? slotoff : newmax - (int)need;
	}
	covers = newoff == 0 && need == newnslot;
	wantppref = (amap_ppref_p(amap) && how == EXT_REALLOC) ||
	    (!amap_ppref_p(amap) && (amap->am_flags & AMAP_PPREF_NONE) == 0 &&
		!covers);

	/* Allocate everything first, so that failure changes nothing. */
	if (how == EXT_REALLOC && amap_arrays_alloc(uvm, newmax, &aa) != 0) {
		amap_unlock(amap);
		return ENOMEM;
	}
	if (wantppref) {
		newppref = amap_ppref_alloc(uvm, newmax);
		if (newppref == NULL) {
			if (how == EXT_REALLOC)
				amap_arrays_free(&aa);
			amap_unlock(amap);
			return ENOMEM;
		}
	}

	/* Nothing can fail from here on. */
	if (!amap_ppref_p(amap)) {
		amap_wiperange(amap, 0, slotoff);
		amap_wiperange(amap, slotendoff, amap->am_nslot - slotendoff);
	}
	if (how == EXT_SLIDE) {
		/*
		 * Backwards: slide the entry's anons to the end of the
		 * allocation so that the most room opens before them.
		 */
		delta = amap->am_maxslot - slotendoff;
		memmove(amap->am_anon + slotoff + delta,
		    amap->am_anon + slotoff,
		    (size_t)slotmapped * sizeof(struct vm_anon *));
		memmove(amap->am_bckptr + slotoff + delta,
		    amap->am_bckptr + slotoff,
		    (size_t)slotmapped * sizeof(int));
		memset(amap->am_anon + slotoff, 0,
		    (size_t)MIN(delta, slotmapped) * sizeof(struct vm_anon *));
		for (i = 0; i < amap->am_nused; i++)
			amap->am_slots[i] += delta;
	} else if (how == EXT_REALLOC) {
		/* Forwards: same places; backwards: the entry at the end. */
		delta = forwards ? 0 : newmax - slotendoff;
		memcpy(aa.aa_anon + slotoff + delta, amap->am_anon + slotoff,
		    (size_t)slotmapped * sizeof(struct vm_anon *));
		memcpy(aa.aa_bckptr + slotoff + delta,
		    amap->am_bckptr + slotoff,
		    (size_t)slotmapped * sizeof(int));
		for (i = 0; i < amap->am_nused; i++)
			aa.aa_slots[i] = amap->am_slots[i] + delta;
		amap_arrays_free(
		    &(struct amap_arrays){.aa_anon = amap->am_anon});
		amap->am_anon = aa.aa_anon;
		amap->am_slots = aa.aa_slots;
		amap->am_bckptr = aa.aa_bckptr;
		amap->am_maxslot = newmax;
	}
	amap->am_nslot = newnslot;
	if (newppref != NULL) {
		free(amap->am_ppref);
		amap->am_ppref = newppref;
	}
	/* One reference: per-slot counts are 1 on its range, 0 elsewhere. */
	if (amap_ppref_p(amap))
		amap_pp_single(
		    amap->am_ppref, newnslot, newoff, slotmapped + slotadd);
	entry->aref.ar_pageoff = newoff;
	amap_unlock(amap);
	return 0;
}

/*
 * amap_copy_widen: widen the chunk [*startp, *endp) of a large entry with
 * no amap when it is the next step of a sweep through fresh memory.
 *
 * Faulting page after page through a large mapping would clip off one
 * UVM_AMAP_CHUNK, allocate its amap, and merge it into the neighbour
 * behind (extending that amap) every UVM_AMAP_CHUNK pages, each time
 * restarting the fault with the map write-locked.  When the chunk touches
 * the entry's start and the entry before ends there with an amap of its
 * own (or, for a sweep downwards, the chunk touches the end and the next
 * entry has one), the chunk grows to what the neighbour's amap can still
 * take (UVM_AMAP_LARGE slots in all, amap_extend()'s limit): one
 * amap_copy() per UVM_AMAP_LARGE pages instead of one per UVM_AMAP_CHUNK.
 * Slots not reached yet cost only their share of the amap's arrays.  The
 * look at the neighbour is a guess: uvm_mapent_trymerge() decides, and a
 * widened chunk that does not merge is simply a larger amap.
 *	=> map write-locked
 */
/*
 * The slots the amap of neighbour nb can still take before amap_extend()'s
 * limit, in whole chunks, growing forwards (nb before the entry) or
 * backwards (0: full); -1 when nb has no amap of its own to grow.
 */
static int
amap_copy_room(struct vm_map *map, struct vm_map_entry *nb, bool forwards)
{
	struct uvm *uvm = vm_map_machine(map);
	int used;

	if (nb == &map->header || nb->aref.ar_amap == NULL ||
	    UVM_ET_ISNEEDSCOPY(nb) || amap_refs(nb->aref.ar_amap) != 1)
		return -1;
	used = amap_b2slot(uvm, nb->end - nb->start);
	if (forwards)
		used += nb->aref.ar_pageoff;
	used = UVM_AMAP_LARGE - 1 - used;
	return used > 0 ? used / UVM_AMAP_CHUNK * UVM_AMAP_CHUNK : 0;
}

static void
amap_copy_widen(struct vm_map *map, struct vm_map_entry *entry, vaddr_t *startp,
    vaddr_t *endp)
{
	struct uvm *uvm = vm_map_machine(map);
	vsize_t len = uvm_atop(uvm, entry->end - entry->start);
	vsize_t wide;
	int room;

	KASSERT(vm_map_locked_p(map));
	if (*startp == entry->start && entry->prev->end == entry->start &&
	    (room = amap_copy_room(map, entry->prev, true)) >= 0) {
		wide = uvm_ptoa(uvm, (uint64_t)room);
		if (room > 0 && (vsize_t)room <= len &&
		    entry->start + wide > *endp)
			*endp = entry->start + wide;
		return;
	}
	if (*endp == entry->end && entry->next->start == entry->end &&
	    (room = amap_copy_room(map, entry->next, false)) >= 0) {
		wide = uvm_ptoa(uvm, (uint64_t)room);
		if (room > 0 && (vsize_t)room <= len &&
		    entry->end - wide < *startp)
			*startp = entry->end - wide;
	}
}

/*
 * amap_copy: give a needs-copy entry its own amap (clearing needs-copy).
 *	=> map write-locked; entry in the map; amap (if any) unlocked
 *	=> no amap yet: allocate a fresh one for the entry (a large entry is
 *	   first clipped to the UVM_AMAP_CHUNK-aligned chunk around
 *	   [startva, endva), unless AMAP_COPY_NOCHUNK)
 *	=> sole reference to the amap: simply keep it
 *	=> otherwise: a new amap sharing the old one's lock, with a reference
 *	   to each anon of the entry's range (an_ref++); the entry's
 *	   reference to the old amap is dropped
 *	=> on memory shortage the entry stays needs-copy (callers check)
 *	=> no amap yet, and unless AMAP_COPY_NOMERGE: first try to merge the
 *	   entry into a neighbour's amap (uvm_mapent_trymerge() with
 *	   UVM_MERGE_COPYING), which may clear needs-copy without allocating
 */
void
amap_copy(struct vm_map *map, struct vm_map_entry *entry, int flags,
    vaddr_t startva, vaddr_t endva)
{
	struct uvm *uvm = vm_map_machine(map);
	struct vm_amap *amap, *srcamap = entry->aref.ar_amap;
	struct vm_anon *anon;
	int slots, srcoff, i, slot;
	vsize_t len, chunk;

	KASSERT(UVM_ET_ISNEEDSCOPY(entry));
	KASSERT(!UVM_ET_ISSUBMAP(entry));

	if (srcamap == NULL) {
		len = entry->end - entry->start;
		if ((flags & AMAP_COPY_NOCHUNK) == 0 &&
		    uvm_atop(uvm, len) >= UVM_AMAP_LARGE) {
			chunk = uvm_ptoa(uvm, (uint64_t)UVM_AMAP_CHUNK);
			startva = startva / chunk * chunk;
			if (endva > UINT64_MAX - (chunk - 1))
				endva = 0;
			else
				endva = (endva + chunk - 1) / chunk * chunk;
			if (startva < entry->start)
				startva = entry->start;
			if (endva > entry->end || endva < startva)
				endva = entry->end;
			amap_copy_widen(map, entry, &startva, &endva);
			UVM_MAP_CLIP_START(map, entry, startva);
			UVM_MAP_CLIP_END(map, entry, endva);
		}
		if ((flags & AMAP_COPY_NOMERGE) == 0 &&
		    uvm_mapent_trymerge(map, entry, UVM_MERGE_COPYING) != 0) {
			/* Merged into a neighbour: now its amap's user. */
			KASSERT(!UVM_ET_ISNEEDSCOPY(entry));
			KASSERT(entry->aref.ar_amap != NULL);
			return;
		}
		amap = amap_alloc(uvm, entry->end - entry->start, 0,
		    (flags & AMAP_COPY_NOWAIT) != 0 ? UVM_FLAG_NOWAIT : 0);
		if (amap == NULL)
			return;
		entry->aref.ar_pageoff = 0;
		entry->aref.ar_amap = amap;
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		return;
	}

	/*
	 * The only reference (the map is write-locked, so a count of one
	 * is ours and cannot change): take the amap over.
	 */
	if (amap_refs(srcamap) == 1) {
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		return;
	}

	slots = amap_b2slot(uvm, entry->end - entry->start);
	srcoff = entry->aref.ar_pageoff;
	amap = amap_alloc1(uvm, slots, 0, srcamap->am_lock);
	if (amap == NULL)
		return;

	amap_lock(srcamap, RW_WRITER); /* the new amap's lock too */
	KASSERT(srcoff + slots <= srcamap->am_nslot);
	if (srcamap->am_ref == 1) {
		/* Lost the race for the last other reference: take over. */
		entry->etype &= ~UVM_ET_NEEDSCOPY;
		amap->am_ref = 0;
		amap_unlock(srcamap);
		amap_free(amap);
		return;
	}

	/* Copy the anon references, visiting whichever is fewer. */
	if (slots <= srcamap->am_nused) {
		for (i = 0; i < slots; i++) {
			anon = srcamap->am_anon[srcoff + i];
			if (anon == NULL)
				continue;
			KASSERT(anon->an_lock == srcamap->am_lock);
			anon->an_ref++;
			amap_slot_insert(amap, i, anon);
		}
	} else {
		for (i = 0; i < srcamap->am_nused; i++) {
			slot = srcamap->am_slots[i];
			if (slot < srcoff || slot >= srcoff + slots)
				continue;
			anon = srcamap->am_anon[slot];
			KASSERT(anon->an_lock == srcamap->am_lock);
			anon->an_ref++;
			amap_slot_insert(amap, slot - srcoff, anon);
		}
	}

	/*
	 * Drop the entry's reference to the source.  It had at least two,
	 * so it lives on; slots only we referred to lose their anons there
	 * (they keep the references we just took).
	 */
	srcamap->am_ref--;
	KASSERT(srcamap->am_ref > 0);
	if (srcamap->am_ref == 1)
		srcamap->am_flags &= ~AMAP_SHARED;
	if (amap_ppref_p(srcamap))
		amap_pp_adjref(srcamap, srcoff, slots, -1);
	amap_unlock(srcamap);

	entry->aref.ar_pageoff = 0;
	entry->aref.ar_amap = amap;
	entry->etype &= ~UVM_ET_NEEDSCOPY;
}

/*
 * amap_cow_now: resolve copy-on-write at once for every anon of the
 * entry's amap that is shared (an_ref > 1): give this amap a new anon with
 * a copy of the page.  Used by fork for wired entries, whose pages must
 * not be shared copy-on-write.
 *	=> map write-locked; amap unlocked; entry has an amap, not needs-copy
 *	=> the shared anons' pages must be resident (the entry is wired)
 *	=> a busy page is waited for (the amap lock is dropped meanwhile and
 *	   the scan restarted)
 *	=> returns 0, or ENOMEM when an anon or a page cannot be had: NetBSD
 *	   sleeps in uvm_wait() here; we return, leaving a consistent amap
 *	   (anons done so far are private, the rest shared) for the caller
 *	   to unwind
 */
int
amap_cow_now(struct vm_map *map, struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm *uvm = vm_map_machine(map);
	struct vm_anon *anon, *nanon;
	struct vm_page *pg, *npg;
	int i, slot;

	KASSERT(amap != NULL);
	KASSERT(!UVM_ET_ISNEEDSCOPY(entry));
restart:
	amap_lock(amap, RW_WRITER);
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		anon = amap->am_anon[slot];
		KASSERT(anon->an_lock == amap->am_lock);
		if (anon->an_ref == 1)
			continue; /* private already (or done before) */
		pg = anon->an_page;
		KASSERTMSG(pg != NULL, "amap_cow_now: anon %p not resident",
		    (void *)anon);
		if (pg->loan_count != 0)
			continue; /* loaned pages are mapped read-only */
		KASSERT(pg->uanon == anon && pg->uobject == NULL);
		if ((pg->flags & PG_BUSY) != 0) {
			uvm_pagewait(pg, amap->am_lock, "cownow");
			goto restart;
		}
		nanon = uvm_analloc(uvm);
		if (nanon == NULL) {
			amap_unlock(amap);
			return ENOMEM;
		}
		nanon->an_lock = amap->am_lock;
		npg = uvm_pagealloc(uvm, NULL, 0, nanon, 0);
		if (npg == NULL) {
			nanon->an_ref = 0;
			uvm_anfree(nanon);
			amap_unlock(amap);
			return ENOMEM;
		}
		uvm_pagecopy(pg, npg);
		anon->an_ref--;
		KASSERT(anon->an_ref > 0);
		amap->am_anon[slot] = nanon;
		uvmpdpol_pageactivate(uvm, npg);
		npg->flags &= ~(PG_BUSY | PG_FAKE);
	}
	amap_unlock(amap);
	return 0;
}

/*
 * amap_lookup: the anon at offset bytes into the reference, or NULL.
 *	=> amap locked
 */
struct vm_anon *
amap_lookup(const struct vm_aref *aref, vaddr_t offset)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot;

	KASSERT(rw_lock_held(amap->am_lock));
	slot = aref->ar_pageoff + amap_b2slot(amap->am_uvm, offset);
	KASSERTMSG(
	    slot < amap->am_nslot, "slot %d of %d", slot, amap->am_nslot);
	return amap->am_anon[slot];
}

/*
 * amap_lookups: the anons of npages slots from offset bytes into the
 * reference.
 *	=> amap locked
 */
void
amap_lookups(const struct vm_aref *aref, vaddr_t offset, struct vm_anon **anons,
    int npages)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot;

	KASSERT(rw_lock_held(amap->am_lock));
	KASSERT(npages >= 0);
	slot = aref->ar_pageoff + amap_b2slot(amap->am_uvm, offset);
	KASSERTMSG((int64_t)slot + npages <= amap->am_nslot,
	    "slots %d+%d of %d", slot, npages, amap->am_nslot);
	memcpy(anons, &amap->am_anon[slot],
	    (size_t)npages * sizeof(struct vm_anon *));
}

/*
 * amap_add: put an anon in the slot at offset bytes into the reference.
 *	=> amap write-locked; the anon's reference passes to the amap
 *	=> replace: the slot holds an anon, which is replaced (its reference
 *	   stays with the caller); in a shared amap its page is unmapped
 *	   everywhere, as other maps may still map it
 *	=> the anon's lock becomes (or must already be) the amap's
 */
void
amap_add(
    struct vm_aref *aref, vaddr_t offset, struct vm_anon *anon, bool replace)
{
	struct vm_amap *amap = aref->ar_amap;
	struct vm_anon *oanon;
	int slot;

	KASSERT(rw_write_held(amap->am_lock));
	KASSERT(anon != NULL && anon->an_ref > 0);
	KASSERT(anon->an_lock == NULL || anon->an_lock == amap->am_lock);
	slot = aref->ar_pageoff + amap_b2slot(amap->am_uvm, offset);
	KASSERTMSG(
	    slot < amap->am_nslot, "slot %d of %d", slot, amap->am_nslot);
	if (replace) {
		oanon = amap->am_anon[slot];
		KASSERT(oanon != NULL && oanon != anon);
		if (oanon->an_page != NULL &&
		    (amap->am_flags & AMAP_SHARED) != 0)
			pmap_page_protect(oanon->an_page, VM_PROT_NONE);
		amap->am_anon[slot] = anon;
	} else {
		amap_slot_insert(amap, slot, anon);
	}
	anon->an_lock = amap->am_lock;
}

/*
 * amap_unadd: empty the slot at offset bytes into the reference.
 *	=> amap write-locked; the slot's reference to the anon passes to the
 *	   caller
 */
void
amap_unadd(struct vm_aref *aref, vaddr_t offset)
{
	struct vm_amap *amap = aref->ar_amap;
	int slot;

	KASSERT(rw_write_held(amap->am_lock));
	slot = aref->ar_pageoff + amap_b2slot(amap->am_uvm, offset);
	KASSERTMSG(
	    slot < amap->am_nslot, "slot %d of %d", slot, amap->am_nslot);
	(void)amap_slot_remove(amap, slot);
}

/*
 * amap_share_protect: lower the protection of the resident pages of the
 * entry's range of its (shared) amap to prot, in every pmap.
 *	=> amap locked
 */
void
amap_share_protect(struct vm_map_entry *entry, vm_prot_t prot)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anon;
	int start, stop, slot, i;

	KASSERT(rw_lock_held(amap->am_lock));
	start = entry->aref.ar_pageoff;
	stop = start + amap_b2slot(amap->am_uvm, entry->end - entry->start);
	KASSERT(stop <= amap->am_nslot);
	if (stop - start < amap->am_nused) {
		for (slot = start; slot < stop; slot++) {
			anon = amap->am_anon[slot];
			if (anon != NULL && anon->an_page != NULL)
				pmap_page_protect(anon->an_page, prot);
		}
		return;
	}
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		if (slot < start || slot >= stop)
			continue;
		anon = amap->am_anon[slot];
		if (anon->an_page != NULL)
			pmap_page_protect(anon->an_page, prot);
	}
}

void
amap_lock(struct vm_amap *amap, krw_t op)
{
	rw_enter(amap->am_lock, op);
}

bool
amap_lock_try(struct vm_amap *amap, krw_t op)
{
	return rw_tryenter(amap->am_lock, op);
}

void
amap_unlock(struct vm_amap *amap)
{
	rw_exit(amap->am_lock);
}

struct krwlock *
amap_lockptr(struct vm_amap *amap)
{
	return amap->am_lock;
}

/*
 * amap_refs: the amap's reference count.  May be read unlocked by a holder
 * of a reference (a value of 1 is then stable: it is ours).
 */
int
amap_refs(const struct vm_amap *amap)
{
	return __atomic_load_n(&amap->am_ref, __ATOMIC_RELAXED);
}

bool
amap_shared_p(const struct vm_amap *amap)
{
	return (amap->am_flags & AMAP_SHARED) != 0;
}

vsize_t
amap_size(const struct vm_amap *amap)
{
	return uvm_ptoa(amap->am_uvm, (uint64_t)amap->am_nslot);
}

int
amap_nslots(const struct vm_amap *amap)
{
	return amap->am_nslot;
}

/*
 * amap_nused: number of slots holding an anon.
 */
int
amap_nused(const struct vm_amap *amap)
{
	return amap->am_nused;
}

/*
 * amap_maxslots: slots allocated (amap_nslots() plus padding).
 */
int
amap_maxslots(const struct vm_amap *amap)
{
	return amap->am_maxslot;
}

/*
 * amap_ppref_count: per-slot reference count of a slot: -1 if the amap
 * counts no per-slot references (every reference covers it all), -2 if it
 * gave up (AMAP_PPREF_NONE).
 *	=> amap locked
 */
int
amap_ppref_count(const struct vm_amap *amap, int slot)
{
	int lcv, ref, len;

	KASSERT(rw_lock_held(amap->am_lock));
	KASSERT(slot >= 0 && slot < amap->am_nslot);
	if ((amap->am_flags & AMAP_PPREF_NONE) != 0)
		return -2;
	if (amap->am_ppref == NULL)
		return -1;
	for (lcv = 0;; lcv += len) {
		pp_getreflen(amap->am_ppref, lcv, &ref, &len);
		if (slot < lcv + len)
			return ref;
	}
}

/*
 * amap_sanity_locked: check the invariants listed at struct vm_amap.
 */
static void
amap_sanity_locked(struct vm_amap *amap)
{
	int i, slot, n, lcv, ref, len;

	KASSERT(amap->am_lock != NULL && uvm_rwobj_refs(amap->am_lock) > 0);
	KASSERTMSG(
	    amap->am_ref > 0, "amap %p: am_ref %d", (void *)amap, amap->am_ref);
	KASSERT((amap->am_flags & AMAP_SHARED) == 0 || amap->am_ref >= 2);
	KASSERTMSG(amap->am_nslot > 0 && amap->am_nslot <= amap->am_maxslot,
	    "amap %p: nslot %d maxslot %d", (void *)amap, amap->am_nslot,
	    amap->am_maxslot);
	KASSERTMSG(amap->am_nused >= 0 && amap->am_nused <= amap->am_nslot,
	    "amap %p: nused %d", (void *)amap, amap->am_nused);
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		KASSERTMSG(slot >= 0 && slot < amap->am_nslot,
		    "amap %p: am_slots[%d] = %d", (void *)amap, i, slot);
		KASSERTMSG(amap->am_anon[slot] != NULL,
		    "amap %p: listed slot %d empty", (void *)amap, slot);
		KASSERTMSG(amap->am_bckptr[slot] == i,
		    "amap %p: bckptr[%d] = %d, want %d", (void *)amap, slot,
		    amap->am_bckptr[slot], i);
	}
	n = 0;
	for (slot = 0; slot < amap->am_maxslot; slot++) {
		struct vm_anon *anon = amap->am_anon[slot];

		if (anon == NULL)
			continue;
		KASSERTMSG(slot < amap->am_nslot,
		    "amap %p: anon in padding slot %d", (void *)amap, slot);
		KASSERTMSG(anon->an_lock == amap->am_lock,
		    "amap %p slot %d: anon lock %p, amap lock %p", (void *)amap,
		    slot, (void *)anon->an_lock, (void *)amap->am_lock);
		uvm_anon_sanity(anon);
		n++;
	}
	KASSERTMSG(n == amap->am_nused, "amap %p: %d anons, am_nused %d",
	    (void *)amap, n, amap->am_nused);
	if ((amap->am_flags & AMAP_PPREF_NONE) != 0)
		KASSERT(amap->am_ppref == NULL);
	if (amap->am_ppref == NULL)
		return;
	for (lcv = 0; lcv < amap->am_nslot; lcv += len) {
		pp_getreflen(amap->am_ppref, lcv, &ref, &len);
		KASSERTMSG(len > 0 && lcv + len <= amap->am_nslot,
		    "amap %p: ppref run at %d of length %d, nslot %d",
		    (void *)amap, lcv, len, amap->am_nslot);
		KASSERTMSG(ref >= 0 && ref <= amap->am_ref,
		    "amap %p: ppref run at %d count %d, am_ref %d",
		    (void *)amap, lcv, ref, amap->am_ref);
		if (ref != 0)
			continue;
		for (slot = lcv; slot < lcv + len; slot++)
			KASSERTMSG(amap->am_anon[slot] == NULL,
			    "amap %p: anon in unreferenced slot %d",
			    (void *)amap, slot);
	}
}

/*
 * amap_sanity: check one amap.
 *	=> takes the lock as a reader unless the caller holds it
 */
void
amap_sanity(struct vm_amap *amap)
{
	struct krwlock *lock = amap->am_lock;

	if (rw_write_held(lock)) {
		amap_sanity_locked(amap);
	} else if (rw_tryenter(lock, RW_READER)) {
		amap_sanity_locked(amap);
		rw_exit(lock);
	} else {
		rw_enter(lock, RW_READER);
		amap_sanity_locked(amap);
		rw_exit(lock);
	}
}

/*
 * An open-addressing count of references per anon, for the machine-wide
 * check that an anon's an_ref covers the slots pointing at it.
 */
struct amap_anoncount {
	struct vm_anon *ac_anon;
	unsigned ac_n;
};

static struct amap_anoncount *
amap_anoncount_slot(struct amap_anoncount *t, size_t mask, struct vm_anon *anon)
{
	size_t h = ((uintptr_t)anon >> 4) * 0x9e3779b97f4a7c15ull;

	for (h &= mask;; h = (h + 1) & mask) {
		if (t[h].ac_anon == anon || t[h].ac_anon == NULL)
			return &t[h];
	}
}

/*
 * uvm_amap_sanity_all: check every amap of the machine; when no amap was
 * skipped (locked by another thread), also check that each anon's an_ref
 * is at least the number of amap slots referring to it (equal unless a
 * voaddr holds the anon).
 */
void
uvm_amap_sanity_all(struct uvm *uvm)
{
	struct uvm_amap_state *ams = uvm->u_amap;
	struct amap_anoncount *t = NULL, bad = {NULL, 0};
	unsigned badref = 0;
	struct vm_amap *amap;
	uint64_t n = 0, total = 0;
	size_t size = 0, mask = 0;
	bool complete = true;
	int i;

	if (ams == NULL)
		return;
	mutex_enter(&ams->ams_lock);
	LIST_FOREACH (amap, &ams->ams_amaps, am_list)
		total += (uint64_t)amap->am_nused;
	for (size = 16; size < 2 * total; size *= 2)
		continue;
	mask = size - 1;
	t = calloc(size, sizeof(*t));
	LIST_FOREACH (amap, &ams->ams_amaps, am_list) {
		bool locked = false;

		n++;
		if (!rw_write_held(amap->am_lock)) {
			if (!rw_tryenter(amap->am_lock, RW_READER)) {
				complete = false;
				continue;
			}
			locked = true;
		}
		amap_sanity_locked(amap);
		for (i = 0; t != NULL && i < amap->am_nused; i++) {
			struct vm_anon *anon = amap->am_anon[amap->am_slots[i]];
			struct amap_anoncount *ac =
			    amap_anoncount_slot(t, mask, anon);

			ac->ac_anon = anon;
			ac->ac_n++;
		}
		if (locked)
			rw_exit(amap->am_lock);
	}
	KASSERT(n == ams->ams_namaps);
	if (complete && t != NULL) {
		for (size_t h = 0; h < size; h++) {
			/*
			 * Every amap slot holds a reference; a held voaddr
			 * (uvm_voaddr_acquire()) holds one more, so the count
			 * may exceed the slots but never fall below them.
			 */
			if (t[h].ac_anon == NULL ||
			    t[h].ac_anon->an_ref >= t[h].ac_n)
				continue;
			bad = t[h];
			badref = t[h].ac_anon->an_ref;
			break;
		}
	}
	/* Panic only after dropping the list lock and the table. */
	mutex_exit(&ams->ams_lock);
	free(t);
	KASSERTMSG(bad.ac_anon == NULL,
	    "anon %p: an_ref %u, below the %u amap slots pointing at it",
	    (void *)bad.ac_anon, badref, bad.ac_n);
}

/*
 * amap_printit: print an amap and its anons.
 *	=> reads without locking: for debuggers and panic paths
 */
void
amap_printit(struct vm_amap *amap, FILE *fp)
{
	int i, slot, lcv, ref, len;

	fprintf(fp,
	    "AMAP %p: lock=%p ref=%d flags=%#x nslot=%d maxslot=%d "
	    "nused=%d ppref=%s\n",
	    (void *)amap, (void *)amap->am_lock, amap->am_ref, amap->am_flags,
	    amap->am_nslot, amap->am_maxslot, amap->am_nused,
	    (amap->am_flags & AMAP_PPREF_NONE) != 0 ? "none"
		: amap->am_ppref != NULL            ? "yes"
						    : "no");
	for (i = 0; i < amap->am_nused; i++) {
		slot = amap->am_slots[i];
		fprintf(fp, "  slot %d: ", slot);
		uvm_anon_printit(amap->am_anon[slot], fp);
	}
	if (amap->am_ppref == NULL)
		return;
	fprintf(fp, "  ppref runs:");
	for (lcv = 0; lcv < amap->am_nslot; lcv += len) {
		pp_getreflen(amap->am_ppref, lcv, &ref, &len);
		fprintf(fp, " [%d,%d)=%d", lcv, lcv + len, ref);
	}
	fprintf(fp, "\n");
}

/*
 * amap_swap_off: call fn(anon, arg) for every anon of the machine whose
 * swap slot lies in [startslot, endslot) (swapoff, uvm_swap_drain()).
 *	=> no locks held on entry or return; may sleep for amap locks
 *	=> fn runs with the anon's (its amap's) lock write-held; it may page
 *	   the anon in and drop its slot, but must not change the amap
 *	=> returns the first nonzero result of fn (the walk stops there), or 0
 *
 * Each amap is try-locked under the list lock and marked with this walk's
 * number; the list lock is dropped while fn runs and taken again before
 * the amap is unlocked, so the amap is still on the list to step from (it
 * cannot be freed without its lock and then the list lock).  When the
 * try-lock fails we wait for the lock without the list lock and start
 * over from the head, skipping the amaps already visited.
 */
int
amap_swap_off(struct uvm *uvm, uint64_t startslot, uint64_t endslot,
    int (*fn)(struct vm_anon *, void *), void *arg)
{
	struct uvm_amap_state *ams = uvm->u_amap;
	struct vm_amap *amap;
	struct krwlock *lock;
	unsigned gen;
	int error = 0, i;

	KASSERT(startslot <= endslot);
	mutex_enter(&ams->ams_lock);
	gen = ++ams->ams_swapgen;
	amap = LIST_FIRST(&ams->ams_amaps);
	while (amap != NULL && error == 0) {
		if (amap->am_swapgen == gen) {
			amap = LIST_NEXT(amap, am_list);
			continue;
		}
		lock = amap->am_lock;
		if (!rw_tryenter(lock, RW_WRITER)) {
			uvm_rwobj_hold(lock);
			mutex_exit(&ams->ams_lock);
			rw_enter(lock, RW_WRITER);
			rw_exit(lock);
			uvm_rwobj_rele(lock);
			mutex_enter(&ams->ams_lock);
			amap = LIST_FIRST(&ams->ams_amaps);
			continue;
		}
		amap->am_swapgen = gen;
		mutex_exit(&ams->ams_lock);
		for (i = 0; i < amap->am_nused && error == 0; i++) {
			struct vm_anon *anon = amap->am_anon[amap->am_slots[i]];

			if (anon->an_swslot >= startslot &&
			    anon->an_swslot < endslot)
				error = fn(anon, arg);
		}
		mutex_enter(&ams->ams_lock);
		rw_exit(lock);
		amap = LIST_NEXT(amap, am_list);
	}
	mutex_exit(&ams->ams_lock);
	return error;
}
