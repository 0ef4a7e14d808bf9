/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_fault.c: the page fault handler.
 *
 * This file owns uvm_fault() and its helpers (fault-info lookup and
 * relock, uvmfault_anonget, promotion), the transient wiring functions
 * uvm_fault_wire()/uvm_fault_unwire(), and the uvmexp fault counters
 * (faults, flt_*).
 *
 * Design note: a word on page faults.
 *
 * Memory is backed in two layers.  The upper layer is the entry's amap:
 * an array of anons (one per page) holding the process's private copies.
 * The lower layer is the entry's object (a file, an aobj, a device), or
 * nothing: zero-fill memory.  A fault looks in the upper layer first; only
 * where the amap has no anon does the lower layer supply the page.
 *
 *	   va:   |  p0  |  p1  |  p2  |  p3  |
 *	amap:    | anon |  --  | anon |  --  |   upper: private copies
 *	object:  | page | page |  --  |  --  |   lower: shared backing
 *	result:  anon    object  anon    zero
 *
 * The cases of one fault (the counter each bumps):
 *
 *   1. anon present, read, or write to an anon only this amap slot
 *      references (an_ref == 1): map the anon's page (flt_anon).  A
 *      shared anon (an_ref > 1) or a needs-copy entry maps it read-only.
 *   2. anon present, write, an_ref > 1: copy-on-write in the upper layer:
 *      a new anon with a copy of the page replaces the old one in this
 *      amap (flt_acow).
 *   3. no anon, object page, no promotion (read, or a shared mapping):
 *      map the object's page (flt_obj); read-only in copy-on-write
 *      entries.
 *   4. no anon, object page, write to a copy-on-write entry: promote a
 *      copy of the object page into a new anon (flt_prcopy).
 *   5. no anon, no object: promote a zero-filled page into a new anon
 *      (flt_przero), even for a read: the page is private from the start.
 *
 * Before any of this, a needs-copy entry (its amap still shared with the
 * entry it was copied from at fork) gets its own amap with amap_copy()
 * when the fault writes (or always for zero-fill memory, which needs an
 * amap to hold the new anon); a read leaves it shared and maps read-only.
 * amap_copy() needs the map write-locked, so the fault unlocks, relocks
 * for writing, copies, and starts over (flt_amcopy).
 *
 * Neighbours: the pages around the fault that are already resident are
 * mapped read-only at the same time (NORMAL advice: 3 behind and 4 ahead,
 * SEQUENTIAL: 8 and 7, and the pages behind a sequential fault are
 * deactivated; RANDOM: none).  Wiring faults never map neighbours.
 *
 * Locks: map (read) -> amap (write) -> object (write) -> page interlock.
 * The fault never sleeps with more than the owner lock of the page it
 * waits for: to wait for a busy page or to read one from the pager it
 * drops the map and amap locks, and afterwards relocks and checks the
 * map's timestamp: if the map changed meanwhile, everything found before
 * may be stale, and the fault starts over (UVM_ERESTART, flt_relck;
 * flt_relckok counts the relocks that found the map unchanged).  A busy
 * page pins its object, which is why the object may be relocked through
 * the page after the map changed.
 *
 * Wiring: UVM_FAULT_WIRE faults at the entry's current protection, wires
 * the page and enters the mapping wired; with UVM_FAULT_MAXPROT the
 * protection check and the copy-on-write decision use the maximum
 * protection, so a private mapping that could ever be written is copied
 * into anons at wiring time (later writes, e.g. from a debugger, need no
 * copy that would have to remove wired mappings).
 *
 * Dirtiness: a page a write fault enters is marked dirty (the pmap would
 * tell us anyway, but its swap copy is stale from then on, so the slot is
 * dropped at once).  A read fault may enter a page writable and leave it
 * clean: a later write sets the pmap's modified bit, which the page daemon
 * checks before it trusts a swap copy, so clean pages read back from swap
 * keep their slots and can be reclaimed again without a write.
 *
 * Alternatives rejected: NetBSD takes the amap and object locks as
 * readers first and upgrades when it must change something (1.222's
 * parallel faults).  libuvm machines fault from few threads at a time,
 * and the soft pmap's TLB needs one thread per pmap anyway, so the fault
 * takes both as writers: one acquisition instead of a try-upgrade dance.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdaemon.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"

/* The pages the upper layer owns in the lower layer's window. */
#define PGO_DONTCARE ((struct vm_page *)-1L)

/*
 * struct uvm_faultctx: the decisions of one fault attempt.
 */
struct uvm_faultctx {
	vm_prot_t access_type; /* the access (widened for wiring) */
	vm_prot_t enter_prot;  /* protection to enter the mapping with */
	vaddr_t startva;       /* first page of the window */
	int npages;            /* pages in the window */
	int centeridx;         /* the faulting page in the window */
	bool wire_mapping;     /* enter the mapping wired */
	bool wire_paging;      /* wire the page (UVM_FAULT_WIRE) */
	bool maxprot;          /* UVM_FAULT_MAXPROT */
	bool narrow;           /* no neighbours */
	bool cow_now;          /* resolve copy-on-write now */
	bool promote;          /* lower layer: promote into a new anon */
	bool accessor;         /* UVM_FAULT_ACCESSOR */
	vsize_t hot;           /* page offset the access touches next */
};

/* The pmap contract's x86 rule: write or execute implies read. */
static inline vm_prot_t
uvm_fault_widen(vm_prot_t prot)
{
	if ((prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) != 0)
		prot |= VM_PROT_READ;
	return prot;
}

static inline struct uvm *
ufi_machine(const struct uvm_faultinfo *ufi)
{
	return vm_map_machine(ufi->orig_map);
}

/* ---------------------------------------------------------------------- */
/* Lookup, unlock, relock. */

/*
 * uvmfault_lookup: look the faulting address up (see uvm_fault.h).
 *	=> nothing locked on entry
 *	=> true: ufi->map locked (read, or write with write_lock), ufi->entry
 *	   and ufi->mapv valid; false: nothing locked (no entry)
 *	=> may sleep for the map lock
 */
bool
uvmfault_lookup(struct uvm_faultinfo *ufi, bool write_lock)
{
	struct vm_map *tmpmap;

	ufi->map = ufi->orig_map;
	ufi->size = ufi->orig_size;
	for (;;) {
		if (write_lock)
			vm_map_lock(ufi->map);
		else
			vm_map_lock_read(ufi->map);
		if (!uvm_map_lookup_entry(
			ufi->map, ufi->orig_rvaddr, &ufi->entry)) {
			uvmfault_unlockmaps(ufi, write_lock);
			return false;
		}
		if (ufi->entry->end - ufi->orig_rvaddr < ufi->size)
			ufi->size = ufi->entry->end - ufi->orig_rvaddr;
		if (UVM_ET_ISSUBMAP(ufi->entry)) {
			/* Submaps cover the same addresses: descend. */
			tmpmap = ufi->entry->object.sub_map;
			uvmfault_unlockmaps(ufi, write_lock);
			ufi->map = tmpmap;
			continue;
		}
		ufi->mapv = ufi->map->timestamp;
		return true;
	}
}

/*
 * uvmfault_unlockmaps: drop the map lock uvmfault_lookup() took.
 */
void
uvmfault_unlockmaps(struct uvm_faultinfo *ufi, bool write_locked)
{
	if (ufi == NULL)
		return;
	if (write_locked)
		vm_map_unlock(ufi->map);
	else
		vm_map_unlock_read(ufi->map);
}

/*
 * uvmfault_unlockall: drop every lock of a fault: object, amap, map.
 */
void
uvmfault_unlockall(
    struct uvm_faultinfo *ufi, struct vm_amap *amap, struct uvm_object *uobj)
{
	if (uobj != NULL)
		rw_exit(uobj->vmobjlock);
	if (amap != NULL)
		amap_unlock(amap);
	uvmfault_unlockmaps(ufi, false);
}

/*
 * uvmfault_relock: read-lock the map again after the fault dropped it.
 *	=> true: the map is read-locked and did not change (the entry found
 *	   before is still valid); false: nothing locked, start over
 */
bool
uvmfault_relock(struct uvm_faultinfo *ufi)
{
	struct uvm *uvm;

	if (ufi == NULL)
		return true;
	uvm = ufi_machine(ufi);
	uvm_cnt_inc(uvm, flt_relck);
	vm_map_lock_read(ufi->map);
	if (ufi->mapv != ufi->map->timestamp) {
		vm_map_unlock_read(ufi->map);
		return false;
	}
	uvm_cnt_inc(uvm, flt_relckok);
	return true;
}

/* ---------------------------------------------------------------------- */
/* Anons. */

/*
 * uvmfault_anonget: make the anon's page resident and unbusy.
 *	=> see uvm_fault.h; ufi may be NULL (no map locked)
 *	=> the anon's lock is the amap's lock, write-held on entry
 *	=> sleeps only with everything unlocked
 */
int
uvmfault_anonget(
    struct uvm_faultinfo *ufi, struct vm_amap *amap, struct vm_anon *anon)
{
	struct uvm *uvm = anon->an_uvm;
	struct krwlock *lock = anon->an_lock;
	struct vm_page *pg;
	uint64_t slot;
	bool locked;
	int error;

	KASSERT(lock != NULL && rw_write_held(lock));
	KASSERT(amap == NULL || amap_lockptr(amap) == lock);
	uvm_cnt_inc(uvm, flt_anget);

	pg = anon->an_page;
	if (pg != NULL) {
		if ((pg->flags & PG_BUSY) == 0)
			return 0;
		/* Somebody (a pager, the page daemon) has it: wait. */
		uvm_cnt_inc(uvm, flt_pgwait);
		uvmfault_unlockmaps(ufi, false);
		uvm_pagewait(pg, lock, "anonget");
		return UVM_ERESTART;
	}

	/*
   * Paged out: read the page back from swap.  The new page is busy,
   * so nobody else touches the anon's contents while we read with
   * every lock dropped.  The lock object stays alive through our own
   * hold on it even if the anon is freed meanwhile.
   */
	slot = anon->an_swslot;
	KASSERTMSG(
	    slot != 0, "anon %p has neither page nor swap slot", (void *)anon);
	pg = uvm_pagealloc(uvm, NULL, 0, anon, 0);
	if (pg == NULL) {
		uvm_cnt_inc(uvm, flt_noram);
		uvmfault_unlockall(ufi, amap, NULL);
		return ENOMEM;
	}
	uvm_rwobj_hold(lock);
	uvmfault_unlockall(ufi, amap, NULL);
	error = uvm_swap_get(uvm, pg, slot);

	locked = uvmfault_relock(ufi);
	rw_enter(lock, RW_WRITER);
	if ((pg->flags & PG_RELEASED) != 0) {
		/* The anon died while we read: finish freeing it. */
		KASSERT(anon->an_ref == 0);
		pg->flags &= ~PG_FAKE;
		uvm_anon_release(anon); /* drops the lock */
		uvm_rwobj_rele(lock);
		if (locked)
			uvmfault_unlockmaps(ufi, false);
		return UVM_ERESTART;
	}
	if (error != 0) {
		/*
     * Forget the page.  The slot stays: the error may be
     * transient, and a later fault will read it again.
     */
		uvm_pagefree(pg);
		rw_exit(lock);
		uvm_rwobj_rele(lock);
		if (locked)
			uvmfault_unlockmaps(ufi, false);
		return EIO;
	}
	pg->flags &= ~PG_FAKE;
	/* Identical to its swap copy, and no longer only in swap. */
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_CLEAN);
	uvm_cnt_dec(uvm, swpgonly);
	uvmpdpol_pageactivate(uvm, pg);
	uvm_page_unbusy(&pg, 1);
	rw_exit(lock);
	uvm_rwobj_rele(lock);
	if (locked)
		uvmfault_unlockmaps(ufi, false);
	/* Everything was unlocked: look it all up again. */
	uvm_cnt_inc(uvm, flt_anretry);
	return UVM_ERESTART;
}

/*
 * uvmfault_promote: a new anon with a new page holding a copy of src (or
 * zeros when src is NULL), for the fault's amap.
 *	=> amap write-locked (and src's owner locked); stays locked
 *	=> 0 with *nanonp (one reference, an_lock = the amap's lock) and
 *	   *npgp (busy, dirty, owned by the anon), or ENOMEM (nothing kept)
 */
static int
uvmfault_promote(struct uvm_faultinfo *ufi, struct vm_amap *amap,
    struct vm_page *src, vsize_t hot, struct vm_anon **nanonp,
    struct vm_page **npgp)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_anon *anon;
	struct vm_page *pg;

	KASSERT(amap != NULL && rw_write_held(amap_lockptr(amap)));
	anon = uvm_analloc(uvm);
	if (anon == NULL) {
		uvm_cnt_inc(uvm, flt_noanon);
		return ENOMEM;
	}
	anon->an_lock = amap_lockptr(amap);
	pg = uvm_pagealloc(uvm, NULL, 0, anon,
	    src != NULL                ? 0
		: hot == PMAP_HOT_NONE ? UVM_PGA_ZERO
				       : UVM_PGA_ZERO | UVM_PGA_HOT(hot));
	if (pg == NULL) {
		uvm_cnt_inc(uvm, flt_noram);
		anon->an_ref = 0;
		uvm_anfree(anon);
		return ENOMEM;
	}
	if (src != NULL)
		uvm_pagecopy_hot(src, pg, hot);
	/* No swap copy exists: the page is the only copy of the data. */
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	*nanonp = anon;
	*npgp = pg;
	return 0;
}

/*
 * uvm_fault_dirty: the page is about to be mapped writable: it is dirty
 * from now on, and any copy in swap is stale.
 *	=> the page's owner write-locked
 */
static void
uvm_fault_dirty(
    struct vm_page *pg, struct vm_anon *anon, struct uvm_object *uobj)
{
	if (uvm_pagegetdirty(pg) == UVM_PAGE_STATUS_DIRTY &&
	    (anon == NULL || anon->an_swslot == 0))
		return;
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	if (anon != NULL && anon->an_swslot != 0)
		uvm_anon_dropswap(anon);
	if (uobj != NULL && uobj->pgops->pgo_dropswap != NULL)
		uobj->pgops->pgo_dropswap(uobj, pg->offset,
		    pg->offset + (voff_t)UVM_PAGE_SIZE(uvm_page_machine(pg)));
}

/* ---------------------------------------------------------------------- */
/* The fault. */

/*
 * uvm_fault_amapcopy: give a needs-copy entry its own amap.
 *	=> nothing locked on entry or return
 *	=> UVM_ERESTART (done, or the map changed: look again), ENOMEM
 */
static int
uvm_fault_amapcopy(struct uvm_faultinfo *ufi)
{
	struct uvm *uvm = ufi_machine(ufi);

	if (!uvmfault_lookup(ufi, true))
		return UVM_ERESTART; /* the next lookup reports it */
	if (UVM_ET_ISNEEDSCOPY(ufi->entry)) {
		amap_copy(ufi->map, ufi->entry, AMAP_COPY_NOWAIT,
		    ufi->orig_rvaddr, ufi->orig_rvaddr + 1);
		if (UVM_ET_ISNEEDSCOPY(ufi->entry)) {
			uvm_cnt_inc(uvm, flt_noamap);
			uvmfault_unlockmaps(ufi, true);
			return ENOMEM;
		}
		uvm_cnt_inc(uvm, flt_amcopy);
	}
	uvmfault_unlockmaps(ufi, true);
	return UVM_ERESTART;
}

/*
 * uvm_fault_check: look up, check protection, resolve needs-copy, choose
 * the window and look the anons of the window up.
 *	=> nothing locked on entry
 *	=> 0: map read-locked, amap (if any) write-locked, anons[] filled
 *	   (NULL if no amap); else nothing locked (EFAULT, EACCES, ENOMEM,
 *	   UVM_ERESTART)
 */
static int
uvm_fault_check(struct uvm_faultinfo *ufi, struct uvm_faultctx *flt,
    struct vm_anon ***ranons)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	struct uvm_object *uobj;
	vm_prot_t check_prot;
	int nback, nforw;

	if (!uvmfault_lookup(ufi, false))
		return EFAULT;
	entry = ufi->entry;

	check_prot = uvm_fault_widen(
	    flt->maxprot ? entry->max_protection : entry->protection);
	if ((check_prot & flt->access_type) != flt->access_type) {
		uvmfault_unlockmaps(ufi, false);
		return EACCES;
	}

	/*
	 * Enter with the same x86 rule, so that dropping WRITE for a
	 * copy-on-write read of a write-only entry still leaves READ (a
	 * mapping with no access would fault forever).
	 */
	flt->enter_prot = uvm_fault_widen(entry->protection);
	flt->wire_mapping = flt->wire_paging || VM_MAPENT_ISWIRED(entry);
	if (flt->wire_mapping) {
		/* Wired memory is faulted once, completely: full access. */
		flt->narrow = true;
		flt->access_type = flt->enter_prot;
		flt->cow_now = (check_prot & VM_PROT_WRITE) != 0;
	} else {
		flt->cow_now = (flt->access_type & VM_PROT_WRITE) != 0;
	}

	if (UVM_ET_ISNEEDSCOPY(entry)) {
		if (flt->cow_now || !UVM_ET_ISOBJ(entry)) {
			uvmfault_unlockmaps(ufi, false);
			return uvm_fault_amapcopy(ufi);
		}
		/* Reading: keep sharing the amap, map read-only. */
		flt->enter_prot &= ~VM_PROT_WRITE;
	}

	amap = entry->aref.ar_amap;
	uobj = UVM_ET_ISOBJ(entry) ? entry->object.uvm_obj : NULL;
	if (amap == NULL && uobj == NULL) {
		uvmfault_unlockmaps(ufi, false);
		return EFAULT;
	}

	if (flt->narrow) {
		nback = nforw = 0;
	} else {
		switch (entry->advice) {
		case UVM_ADV_RANDOM:
			nback = nforw = 0;
			break;
		case UVM_ADV_SEQUENTIAL:
			nback = UVM_FAULT_NBACK_SEQ;
			nforw = UVM_FAULT_NFWD_SEQ;
			break;
		default:
			nback = UVM_FAULT_NBACK_NORMAL;
			nforw = UVM_FAULT_NFWD_NORMAL;
			break;
		}
	}
	if ((vaddr_t)nback > uvm_atop(uvm, ufi->orig_rvaddr - entry->start))
		nback = (int)uvm_atop(uvm, ufi->orig_rvaddr - entry->start);
	if ((vaddr_t)nforw > uvm_atop(uvm, entry->end - ufi->orig_rvaddr) - 1)
		nforw = (int)(uvm_atop(uvm, entry->end - ufi->orig_rvaddr) - 1);
	flt->startva = ufi->orig_rvaddr - uvm_ptoa(uvm, nback);
	flt->npages = nback + nforw + 1;
	flt->centeridx = nback;
	flt->promote = false;

	if (amap != NULL) {
		amap_lock(amap, RW_WRITER);
		amap_lookups(&entry->aref, flt->startva - entry->start, *ranons,
		    flt->npages);
	} else {
		*ranons = NULL;
	}

	/*
   * Sequential access: the pages behind will not be needed again
   * soon; let the page daemon have them first, and forget them.
   */
	if (entry->advice == UVM_ADV_SEQUENTIAL && nback != 0) {
		if (amap != NULL) {
			for (int i = 0; i < nback; i++) {
				struct vm_anon *an = (*ranons)[i];
				struct vm_page *pg;

				if (an == NULL || (pg = an->an_page) == NULL ||
				    (pg->flags & PG_BUSY) != 0 ||
				    pg->wire_count != 0)
					continue;
				uvmpdpol_pagedeactivate(uvm, pg);
			}
			*ranons += nback;
		}
		if (uobj != NULL) {
			voff_t uoff = entry->offset +
			    (voff_t)(flt->startva - entry->start);

			rw_enter(uobj->vmobjlock, RW_WRITER);
			(void)uobj->pgops->pgo_put(uobj, uoff,
			    uoff + (voff_t)uvm_ptoa(uvm, nback),
			    PGO_DEACTIVATE);
		}
		flt->startva += uvm_ptoa(uvm, nback);
		flt->npages -= nback;
		flt->centeridx = 0;
	}
	return 0;
}

/*
 * uvm_fault_enter_neighbor: map a resident neighbour page read-only,
 * unless something is mapped at va already.
 *	=> the page's owner locked; the page not busy
 *	=> private: the page is an anon's that only this amap slot refers
 *	   to, in an amap only this entry refers to, so that any mapping
 *	   of the page is the one at va in this pmap: the page's pv list
 *	   answers without walking the pmap (nothing else can map or unmap
 *	   the page while we hold the amap lock and the map read-locked).
 */
static void
uvm_fault_enter_neighbor(struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, vaddr_t va, struct vm_page *pg,
    bool private)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct pmap *pmap = vm_map_pmap(ufi->orig_map);
	vm_prot_t prot = flt->enter_prot & ~VM_PROT_WRITE;
	paddr_t pa;

	if ((prot & VM_PROT_READ) == 0)
		return;
	if (private ? pmap_page_mapped_p(pg) : pmap_extract(pmap, va, &pa))
		return;
	(void)pmap_enter(
	    pmap, va, VM_PAGE_TO_PHYS(uvm, pg), prot, PMAP_CANFAIL);
}

/*
 * uvm_fault_upper_lookup: map the window's resident anon pages (but the
 * faulting one) and mark the window's anon-backed pages for the lower
 * layer to skip.
 *	=> map read-locked, amap write-locked
 */
static void
uvm_fault_upper_lookup(struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct vm_anon **anons,
    struct vm_page **pages)
{
	struct uvm *uvm = ufi_machine(ufi);
	vaddr_t va = flt->startva;
	bool soleamap =
	    anons != NULL && amap_refs(ufi->entry->aref.ar_amap) == 1;
	int lcv, nmapped = 0;

	for (lcv = 0; lcv < flt->npages; lcv++, va += UVM_PAGE_SIZE(uvm)) {
		struct vm_anon *anon;
		struct vm_page *pg;

		if (anons == NULL || (anon = anons[lcv]) == NULL) {
			pages[lcv] = NULL;
			continue;
		}
		pages[lcv] = PGO_DONTCARE;
		if (lcv == flt->centeridx)
			continue;
		/*
		 * A write fault leaves shared anons alone: their pages
		 * could only be mapped read-only, and the writes likely to
		 * follow (a child writing its copy of the parent's memory
		 * page after page) would then replace each such mapping at
		 * once, paying for two pmap_enter()s instead of one.
		 */
		if (anon->an_ref > 1 && (flt->access_type & VM_PROT_WRITE) != 0)
			continue;
		pg = anon->an_page;
		if (pg == NULL || (pg->flags & PG_BUSY) != 0 ||
		    pg->loan_count != 0)
			continue;
		nmapped++;
		uvm_fault_enter_neighbor(
		    ufi, flt, va, pg, soleamap && anon->an_ref == 1);
	}
	/* One atomic add per fault, not one per neighbour. */
	if (nmapped != 0)
		uvm_cnt_add(uvm, flt_namap, nmapped);
	pmap_update(vm_map_pmap(ufi->orig_map));
}

/*
 * uvm_fault_finish: wire or activate the faulted page.
 *	=> its owner write-locked
 */
static void
uvm_fault_finish(
    const struct uvm_faultctx *flt, struct vm_page *pg, struct vm_anon *anon)
{
	struct uvm *uvm = uvm_page_machine(pg);

	if (flt->wire_paging) {
		uvm_pagewire(pg);
		/* A wired page never goes to swap: its slot is useless. */
		if (anon != NULL && anon->an_swslot != 0)
			uvm_anon_dropswap(anon);
	} else if (pg->wire_count == 0) {
		uvmpdpol_pageactivate(uvm, pg);
	}
}

/*
 * uvm_fault_enter: enter the mapping of the faulting page.
 *	=> map, amap, uobj locked as the fault holds them; pg's owner among
 *	   them; pg not busy
 *	=> 0, or ENOMEM when the pmap could not get page-table memory;
 *	   either way every lock is dropped
 */
static int
uvm_fault_enter(struct uvm_faultinfo *ufi, const struct uvm_faultctx *flt,
    struct vm_amap *amap, struct uvm_object *uobj, struct vm_anon *anon,
    struct vm_page *pg, vm_prot_t prot)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct pmap *pmap = vm_map_pmap(ufi->orig_map);
	int error;

	KASSERT((pg->flags & (PG_BUSY | PG_FAKE)) == 0);
	KASSERT(uvm_page_owner_locked_p(pg, true));
	if ((flt->access_type & prot & VM_PROT_WRITE) != 0)
		uvm_fault_dirty(pg, anon, anon == NULL ? uobj : NULL);
	error =
	    pmap_enter(pmap, ufi->orig_rvaddr, VM_PAGE_TO_PHYS(uvm, pg), prot,
		(flt->access_type & prot) | PMAP_CANFAIL |
		    (flt->wire_mapping ? PMAP_WIRED : 0) |
		    (flt->accessor ? PMAP_TLBFILL : 0));
	if (error != 0) {
		/* No page-table memory; the page stays where it is. */
		uvm_cnt_inc(uvm, flt_noram);
		uvmfault_unlockall(ufi, amap, uobj);
		return ENOMEM;
	}
	uvm_fault_finish(flt, pg, anon);
	pmap_update(pmap);
	uvmfault_unlockall(ufi, amap, uobj);
	return 0;
}

/*
 * uvm_fault_upper: the faulting page has an anon (cases 1 and 2).
 *	=> map read-locked, amap write-locked
 *	=> every lock dropped on return
 */
static int
uvm_fault_upper(
    struct uvm_faultinfo *ufi, struct uvm_faultctx *flt, struct vm_anon **anons)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anon = anons[flt->centeridx], *oanon;
	struct vm_page *pg;
	vm_prot_t prot;
	int error;

	KASSERT(anon != NULL && anon->an_lock == amap_lockptr(amap));
	error = uvmfault_anonget(ufi, amap, anon);
	if (error != 0)
		return error; /* everything unlocked */
	pg = anon->an_page;

	if (flt->cow_now && anon->an_ref > 1) {
		/* Case 2: copy-on-write of a shared anon. */
		uvm_cnt_inc(uvm, flt_acow);
		flt->promote = true;
		oanon = anon;
		error = uvmfault_promote(
		    ufi, amap, oanon->an_page, flt->hot, &anon, &pg);
		if (error != 0) {
			uvmfault_unlockall(ufi, amap, NULL);
			return error;
		}
		/*
     * The new anon replaces the old in this amap (a shared amap
     * takes the old page's mappings down in every sharer).
     */
		amap_add(
		    &entry->aref, ufi->orig_rvaddr - entry->start, anon, true);
		KASSERT(oanon->an_ref > 1);
		oanon->an_ref--;
		pg->flags &= ~(PG_BUSY | PG_FAKE);
		prot = flt->enter_prot;
	} else {
		/* Case 1: the anon's own page. */
		uvm_cnt_inc(uvm, flt_anon);
		prot = flt->enter_prot;
		if (anon->an_ref > 1)
			prot &= ~VM_PROT_WRITE;
	}
	return uvm_fault_enter(ufi, flt, amap, NULL, anon, pg, prot);
}

/*
 * uvm_fault_lower_lookup: ask the object for its resident pages of the
 * window without sleeping; map the neighbours read-only.
 *	=> map read-locked, amap write-locked, object write-locked
 *	=> returns the faulting page if resident and not busy, else NULL
 */
static struct vm_page *
uvm_fault_lower_lookup(struct uvm_faultinfo *ufi,
    const struct uvm_faultctx *flt, struct vm_page **pages)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_map_entry *entry = ufi->entry;
	struct uvm_object *uobj = entry->object.uvm_obj;
	struct vm_page *got[UVM_MAXRANGE], *center = NULL;
	vaddr_t va = flt->startva;
	int lcv, npages = flt->npages, error, nmapped = 0;

	memset(got, 0, sizeof(got));
	uvm_cnt_inc(uvm, flt_lget);
	error = uobj->pgops->pgo_get(uobj,
	    entry->offset + (voff_t)(flt->startva - entry->start), got, &npages,
	    flt->centeridx, flt->access_type & flt->enter_prot, entry->advice,
	    PGO_LOCKED);
	KASSERT(rw_write_held(uobj->vmobjlock));
	if (error != 0 && error != EBUSY)
		return NULL;
	for (lcv = 0; lcv < flt->npages; lcv++, va += UVM_PAGE_SIZE(uvm)) {
		struct vm_page *pg = got[lcv];

		if (pg == NULL || pages[lcv] == PGO_DONTCARE ||
		    (pg->flags & PG_BUSY) != 0)
			continue;
		KASSERT(pg->uobject == uobj);
		if (lcv == flt->centeridx) {
			center = pg;
			continue;
		}
		nmapped++;
		uvm_fault_enter_neighbor(ufi, flt, va, pg, false);
	}
	if (nmapped != 0)
		uvm_cnt_add(uvm, flt_nomap, nmapped);
	pmap_update(vm_map_pmap(ufi->orig_map));
	return center;
}

/*
 * uvm_fault_lower_io: get the faulting page from the pager, which may
 * sleep: every lock is dropped meanwhile, and retaken afterwards.
 *	=> on entry: map read-locked, amap write-locked, object write-locked
 *	=> 0: the same locks held again and *pgp busy (the fault unbusies
 *	   it); otherwise nothing locked (UVM_ERESTART, EIO, ENOMEM)
 */
static int
uvm_fault_lower_io(struct uvm_faultinfo *ufi, const struct uvm_faultctx *flt,
    struct uvm_object **uobjp, struct vm_page **pgp)
{
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj = *uobjp;
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_page *pg = NULL;
	voff_t uoff;
	int gotpages = 1, advice = entry->advice, error;
	vm_prot_t access = flt->access_type & flt->enter_prot;
	bool locked;

	uoff = entry->offset + (voff_t)(ufi->orig_rvaddr - entry->start);
	if (amap != NULL)
		amap_unlock(amap);
	uvmfault_unlockmaps(ufi, false);

	uvm_cnt_inc(uvm, flt_get);
	error = uobj->pgops->pgo_get(
	    uobj, uoff, &pg, &gotpages, 0, access, advice, PGO_SYNCIO);
	/* The pager returned with the object unlocked. */
	if (error != 0) {
		if (error == EAGAIN)
			return UVM_ERESTART;
		return error == ENOMEM ? ENOMEM : EIO;
	}
	KASSERT(pg != NULL && (pg->flags & PG_BUSY) != 0);

	/* The busy page pins its object, whatever the map did meanwhile. */
	locked = uvmfault_relock(ufi);
	if (locked && amap != NULL)
		amap_lock(amap, RW_WRITER);
	uobj = pg->uobject;
	rw_enter(uobj->vmobjlock, RW_WRITER);
	if ((pg->flags & PG_RELEASED) != 0)
		uvm_cnt_inc(uvm, flt_pgrele);
	if (!locked || (pg->flags & PG_RELEASED) != 0 ||
	    (amap != NULL &&
		amap_lookup(&entry->aref, ufi->orig_rvaddr - entry->start) !=
		    NULL)) {
		/* Stale: let go and start over. */
		uvm_page_unbusy(&pg, 1);
		if (locked)
			uvmfault_unlockall(ufi, amap, uobj);
		else
			rw_exit(uobj->vmobjlock);
		return UVM_ERESTART;
	}
	*uobjp = uobj;
	*pgp = pg;
	return 0;
}

/*
 * uvm_fault_lower: no anon at the faulting page (cases 3, 4, 5).
 *	=> map read-locked, amap (if any) write-locked
 *	=> every lock dropped on return
 */
static int
uvm_fault_lower(
    struct uvm_faultinfo *ufi, struct uvm_faultctx *flt, struct vm_page **pages)
{
	struct uvm *uvm = ufi_machine(ufi);
	struct vm_map_entry *entry = ufi->entry;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct uvm_object *uobj =
	    UVM_ET_ISOBJ(entry) ? entry->object.uvm_obj : NULL;
	struct vm_page *uobjpage = NULL, *pg;
	struct vm_anon *anon;
	bool busied = false;
	vm_prot_t prot;
	int error;

	if (uobj != NULL) {
		rw_enter(uobj->vmobjlock, RW_WRITER);
		uobjpage = uvm_fault_lower_lookup(ufi, flt, pages);
	}
	flt->promote =
	    uobj == NULL || (flt->cow_now && UVM_ET_ISCOPYONWRITE(entry));

	if (uobj != NULL && uobjpage == NULL) {
		error = uvm_fault_lower_io(ufi, flt, &uobj, &uobjpage);
		if (error != 0)
			return error;
		busied = true;
		KASSERT((uobjpage->flags & PG_FAKE) == 0);
	}

	if (!flt->promote) {
		/* Case 3: map the object's page. */
		uvm_cnt_inc(uvm, flt_obj);
		prot = flt->enter_prot;
		if (UVM_ET_ISCOPYONWRITE(entry) ||
		    (uobjpage->flags & PG_RDONLY) != 0)
			prot &= ~VM_PROT_WRITE;
		if (busied) {
			uobjpage->flags &= ~PG_BUSY;
			uvm_pagewakeup(uobjpage);
		}
		return uvm_fault_enter(
		    ufi, flt, amap, uobj, NULL, uobjpage, prot);
	}

	/* Cases 4 and 5: promote into a new anon. */
	KASSERTMSG(amap != NULL, "promoting in entry %p without an amap",
	    (void *)entry);
	if (uobjpage != NULL)
		uvm_cnt_inc(uvm, flt_prcopy);
	else
		uvm_cnt_inc(uvm, flt_przero);
	error = uvmfault_promote(ufi, amap, uobjpage, flt->hot, &anon, &pg);
	if (error != 0) {
		if (busied)
			uvm_page_unbusy(&uobjpage, 1);
		uvmfault_unlockall(ufi, amap, uobj);
		return error;
	}
	amap_add(&entry->aref, ufi->orig_rvaddr - entry->start, anon, false);
	if (uobjpage != NULL) {
		/*
     * Other users of a shared amap may map the object page here:
     * they must see the new anon from now on.
     */
		if (amap_shared_p(amap))
			pmap_page_protect(uobjpage, VM_PROT_NONE);
		if (busied)
			uvm_page_unbusy(&uobjpage, 1);
	}
	pg->flags &= ~(PG_BUSY | PG_FAKE);
	return uvm_fault_enter(ufi, flt, amap, uobj, anon, pg, flt->enter_prot);
}

/*
 * uvm_fault_internal: resolve a fault (see uvm_fault.h and the design
 * note above).
 *	=> nothing locked on entry or return (the map may be busy by us)
 *	=> 0, EFAULT, EACCES, ENOMEM, EIO; may sleep
 */
int
uvm_fault_internal(struct vm_map *orig_map, vaddr_t vaddr,
    vm_prot_t access_type, int fault_flag)
{
	struct uvm *uvm = vm_map_machine(orig_map);
	struct uvm_faultinfo ufi;
	struct uvm_faultctx flt;
	struct vm_anon *anons_store[UVM_MAXRANGE], **anons;
	struct vm_page *pages[UVM_MAXRANGE];
	int error, nwait = 0;

	KASSERT((access_type & ~VM_PROT_ALL) == 0);
	KASSERT((fault_flag &
		    ~(UVM_FAULT_WIRE | UVM_FAULT_MAXPROT |
			UVM_FAULT_ACCESSOR)) == 0);
	CTASSERT(UVM_MAXRANGE >= UVM_FAULT_NBACK_SEQ + UVM_FAULT_NFWD_SEQ + 1);
	CTASSERT(
	    UVM_MAXRANGE >= UVM_FAULT_NBACK_NORMAL + UVM_FAULT_NFWD_NORMAL + 1);

	uvm_cnt_inc(uvm, faults);
	ufi.orig_map = orig_map;
	ufi.orig_rvaddr = uvm_trunc_page(uvm, vaddr);
	ufi.orig_size = UVM_PAGE_SIZE(uvm);

	do {
		memset(&flt, 0, sizeof(flt));
		flt.access_type = access_type;
		flt.wire_paging = (fault_flag & UVM_FAULT_WIRE) != 0;
		flt.maxprot = (fault_flag & UVM_FAULT_MAXPROT) != 0;
		flt.accessor = (fault_flag & UVM_FAULT_ACCESSOR) != 0;
		/*
		 * An ordinary fault's access retries at once: keep its line
		 * cached when filling a new page.  Wiring touches nothing.
		 */
		flt.hot =
		    flt.wire_paging ? PMAP_HOT_NONE : vaddr - ufi.orig_rvaddr;
		anons = anons_store;
		error = uvm_fault_check(&ufi, &flt, &anons);
		if (error != 0)
			continue;
		uvm_fault_upper_lookup(&ufi, &flt, anons, pages);
		if (anons != NULL && anons[flt.centeridx] != NULL)
			error = uvm_fault_upper(&ufi, &flt, anons);
		else
			error = uvm_fault_lower(&ufi, &flt, pages);
		/*
		 * Out of free pages (every lock is dropped now): let the
		 * page daemon free some, then start over (uvm_pdaemon.c).
		 */
		if (error == ENOMEM && nwait < UVM_FAULT_MAXWAIT &&
		    uvm_wait(uvm, "flt_noram") == 0) {
			/*
			 * Bounded: the daemon may free pages that others (or
			 * the reserves) take before we get one.
			 */
			nwait++;
			uvm_cnt_inc(uvm, fltnoram);
			error = UVM_ERESTART;
		}
	} while (error == UVM_ERESTART);
	KASSERT(error >= 0);
	return error;
}

/*
 * uvm_fault: the public entry point (see <uvm/uvm_fault.h>).
 */
int
uvm_fault(struct vm_map *map, vaddr_t va, vm_prot_t access_type)
{
	if (map == NULL || access_type == 0 ||
	    (access_type & ~VM_PROT_ALL) != 0)
		return EINVAL;
	return uvm_fault_internal(map, va, access_type, 0);
}

/* ---------------------------------------------------------------------- */
/* Transient wiring. */

/*
 * uvm_fault_wire_zerorun: wire a run of untouched pages of anonymous
 * memory starting at va, all at once.
 *
 * Wiring faults in page after page (mlock, MAP_WIRED, wire-future), and
 * in anonymous memory nearly every page is a zero fill.  One fault each
 * would look the entry up, lock and unlock the map and the amap, and
 * zero each page alone: the streaming stores of one page must reach
 * memory before the next locked instruction (the fault's next lock)
 * goes on, so that zeroing never overlaps anything.  Here one look-up
 * covers up to UVM_FAULT_WIRE_BATCH pages of one entry (no object, an
 * amap of its own, no anon yet in the slots): their anons and pages are
 * allocated first, zeroed back to back (the stores overlap), then added,
 * mapped wired and wired, as the fault would (case 5, flt_przero).
 * Anything else (an object, needs-copy, an anon present, a protection
 * failure, a shortage) is left to the ordinary fault.
 *	=> nothing locked on entry or return
 *	=> returns the number of pages wired from va on (0: none)
 */
#define UVM_FAULT_WIRE_BATCH 32
static int
uvm_fault_wire_zerorun(struct vm_map *map, vaddr_t va, vaddr_t end,
    vm_prot_t access_type, bool maxprot)
{
	struct uvm *uvm = vm_map_machine(map);
	struct pmap *pmap = vm_map_pmap(map);
	struct vm_anon *anons[UVM_FAULT_WIRE_BATCH];
	struct vm_page *pgs[UVM_FAULT_WIRE_BATCH];
	struct uvm_faultinfo ufi;
	struct vm_map_entry *entry;
	struct vm_amap *amap;
	vm_prot_t check_prot, prot;
	vsize_t pgsz = UVM_PAGE_SIZE(uvm);
	vaddr_t stop;
	int i, k, n;

	ufi.orig_map = map;
	ufi.orig_rvaddr = va;
	ufi.orig_size = pgsz;
	if (!uvmfault_lookup(&ufi, false))
		return 0;
	entry = ufi.entry;
	amap = entry->aref.ar_amap;
	check_prot = uvm_fault_widen(
	    maxprot ? entry->max_protection : entry->protection);
	prot = uvm_fault_widen(entry->protection);
	stop = end < entry->end ? end : entry->end;
	n = (int)MIN(uvm_atop(uvm, stop - va), (vsize_t)UVM_FAULT_WIRE_BATCH);
	if (ufi.map != map || UVM_ET_ISOBJ(entry) || amap == NULL ||
	    UVM_ET_ISNEEDSCOPY(entry) ||
	    (check_prot & access_type) != access_type ||
	    (prot & VM_PROT_READ) == 0 || n < 2) {
		uvmfault_unlockmaps(&ufi, false);
		return 0;
	}

	amap_lock(amap, RW_WRITER);
	amap_lookups(&entry->aref, va - entry->start, anons, n);
	for (k = 0; k < n && anons[k] == NULL; k++)
		continue;
	/* Allocate first: every locked instruction before the zeroing. */
	for (i = 0; i < k; i++) {
		anons[i] = uvm_analloc(uvm);
		if (anons[i] == NULL)
			break;
		anons[i]->an_lock = amap_lockptr(amap);
		pgs[i] = uvm_pagealloc(uvm, NULL, 0, anons[i], 0);
		if (pgs[i] == NULL) {
			anons[i]->an_ref = 0;
			uvm_anfree(anons[i]);
			break;
		}
	}
	k = i;
	uvm_pagezero_n(pgs, k);
	for (i = 0; i < k; i++) {
		vaddr_t pva = va + uvm_ptoa(uvm, (uint64_t)i);

		amap_add(&entry->aref, pva - entry->start, anons[i], false);
		pgs[i]->flags &= ~(PG_BUSY | PG_FAKE);
		if (pmap_enter(pmap, pva, VM_PAGE_TO_PHYS(uvm, pgs[i]), prot,
			prot | PMAP_WIRED | PMAP_CANFAIL) != 0) {
			/*
			 * No page-table memory: this page stays in the
			 * amap, resident and pageable; the rest goes back.
			 * The ordinary fault retries it (and waits).
			 */
			uvm_cnt_inc(uvm, flt_noram);
			uvmpdpol_pageactivate(uvm, pgs[i]);
			for (int j = i + 1; j < k; j++) {
				pgs[j]->flags &= ~(PG_BUSY | PG_FAKE);
				anons[j]->an_ref = 0;
				uvm_anfree(anons[j]);
			}
			k = i;
			break;
		}
		uvm_pagewire(pgs[i]);
	}
	uvm_cnt_add(uvm, faults, k);
	uvm_cnt_add(uvm, flt_przero, k);
	pmap_update(pmap);
	uvmfault_unlockall(&ufi, amap, NULL);
	return k;
}

/*
 * uvm_fault_wire: fault in and wire [start, end).
 *	=> map not locked (busy by the caller, or not)
 *	=> on failure nothing stays wired
 */
int
uvm_fault_wire(struct vm_map *map, vaddr_t start, vaddr_t end,
    vm_prot_t access_type, bool maxprot)
{
	struct uvm *uvm;
	vaddr_t va;
	int error, n;

	if (map == NULL || (access_type & ~VM_PROT_ALL) != 0)
		return EINVAL;
	uvm = vm_map_machine(map);
	if (start > end || !uvm_page_aligned_p(uvm, start) ||
	    !uvm_page_aligned_p(uvm, end))
		return EINVAL;
	for (va = start; va < end;) {
		n = uvm_fault_wire_zerorun(map, va, end, access_type, maxprot);
		if (n > 0) {
			va += uvm_ptoa(uvm, (uint64_t)n);
			continue;
		}
		error = uvm_fault_internal(map, va, access_type,
		    UVM_FAULT_WIRE | (maxprot ? UVM_FAULT_MAXPROT : 0));
		if (error != 0) {
			if (va != start)
				uvm_fault_unwire(map, start, va);
			return error;
		}
		va += UVM_PAGE_SIZE(uvm);
	}
	return 0;
}

/*
 * uvm_fault_unwire: undo uvm_fault_wire().
 *	=> map not locked
 */
void
uvm_fault_unwire(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	vm_map_lock_read(map);
	uvm_fault_unwire_locked(map, start, end);
	vm_map_unlock_read(map);
}

/*
 * uvm_fault_wired_page: the page a wiring fault wired at va: the anon's
 * page where the amap has one, else the object's.
 *	=> the entry's amap and object locked
 */
static struct vm_page *
uvm_fault_wired_page(struct vm_map_entry *entry, vaddr_t va)
{
	struct vm_anon *anon;

	if (entry->aref.ar_amap != NULL) {
		anon = amap_lookup(&entry->aref, va - entry->start);
		if (anon != NULL)
			return anon->an_page;
	}
	if (UVM_ET_ISOBJ(entry))
		return uvm_pagelookup(entry->object.uvm_obj,
		    entry->offset + (voff_t)(va - entry->start));
	return NULL;
}

/*
 * uvm_fault_unwire_locked: unwire the pages of [start, end) and their
 * mappings.
 *	=> map locked (read or write); the range mapped without holes
 *	=> the pages are found through their owners, not the pmap: a wired
 *	   mapping may have been taken down already (uvmspace_free() empties
 *	   the pmap first), the wiring of the page must still end
 */
void
uvm_fault_unwire_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvm *uvm = vm_map_machine(map);
	struct pmap *pmap = vm_map_pmap(map);
	struct vm_map_entry *entry, *locked = NULL;
	struct vm_page *pg;
	paddr_t pa;
	vaddr_t va;
	bool found;

	KASSERT(vm_map_lock_held_p(map));
	KASSERT(start <= end);
	if (start == end)
		return;
	found = uvm_map_lookup_entry(map, start, &entry);
	KASSERTMSG(found, "unwiring unmapped %#" PRIx64, start);
	for (va = start; va < end; va += UVM_PAGE_SIZE(uvm)) {
		while (va >= entry->end) {
			entry = entry->next;
			KASSERTMSG(entry != &map->header && entry->start <= va,
			    "hole at %#" PRIx64 " while unwiring", va);
		}
		if (locked != entry) {
			if (locked != NULL)
				uvm_map_unlock_entry(locked);
			uvm_map_lock_entry(entry, RW_WRITER);
			locked = entry;
		}
		if (pmap != NULL && pmap_extract(pmap, va, &pa))
			pmap_unwire(pmap, va);
		/*
		 * No page: the wiring never faulted anything in (an entry
		 * whose count was set without uvm_fault_wire()).
		 */
		pg = uvm_fault_wired_page(entry, va);
		if (pg != NULL)
			uvm_pageunwire(pg);
	}
	if (locked != NULL)
		uvm_map_unlock_entry(locked);
	if (pmap != NULL)
		pmap_update(pmap);
}

/*
 * uvm_map_entry_unwire: unwire a whole entry.
 *	=> map write-locked
 */
void
uvm_map_entry_unwire(struct vm_map *map, struct vm_map_entry *entry)
{
	KASSERT(vm_map_locked_p(map) || (map->flags & VM_MAP_BUSY) != 0);
	KASSERT(entry->wired_count > 0);
	entry->wired_count = 0;
	uvm_fault_unwire_locked(map, entry->start, entry->end);
}
