/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map_wire.c: wiring of map entries (uvm_map_pageable,
 * uvm_map_pageable_all) and cleaning of ranges (uvm_map_clean).
 *
 * This file owns the entries' wired_count changes and the map's
 * VM_MAP_WIREFUTURE flag; the pages are wired by the fault handler
 * (uvm_fault_wire) and unwired by uvm_fault_unwire_locked().
 *
 * Design note: wiring in two passes.
 *
 *   1. With the map write-locked: check the whole range (no hole, no
 *	PROT_NONE entry) before changing anything, give needs-copy entries
 *	that could ever be written (or are zero-fill) their own amap now,
 *	clip the entries to the range and count the new wiring.
 *   2. Mark the map busy (other writers wait, readers and our own faults
 *	go ahead), unlock it, and fault every newly wired entry in with
 *	uvm_fault_wire() at its maximum protection.  Faulting with the map
 *	unlocked lets a fault wait for a busy page without holding the map
 *	against the thread that owns the page.
 *
 * Faulting at maximum protection copies a private mapping's pages into
 * anons at wiring time (the seeds' ptrace/mlock story): a later write
 * through a debugger's extracted mapping then finds the anon and copies
 * nothing, so no wired mapping has to be taken down behind our back.
 * A failure in pass 2 unwires what was wired and restores the counts.
 *
 * Cleaning: for the amap layer, deactivating a page is a hint to the
 * page daemon; freeing it (madvise MADV_FREE, msync MS_INVALIDATE of
 * anonymous memory) drops the anon from the amap so that the next access
 * sees zeros, but only where the amap is ours alone (a shared or
 * copy-on-write-shared amap's pages are only deactivated).  The object
 * layer is the pager's business: pgo_put() with the same flags.
 */
#include <errno.h>
#include <inttypes.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"

CTASSERT(UVM_CLEAN_CLEANIT == PGO_CLEANIT);
CTASSERT(UVM_CLEAN_SYNCIO == PGO_SYNCIO);
CTASSERT(UVM_CLEAN_DEACTIVATE == PGO_DEACTIVATE);
CTASSERT(UVM_CLEAN_FREE == PGO_FREE);

/*
 * uvm_map_wire_prepare: pass 1 for one entry: resolve needs-copy.
 *	=> map write-locked
 *	=> 0, or ENOMEM when the amap could not be had
 */
static int
uvm_map_wire_prepare(
    struct vm_map *map, struct vm_map_entry *entry, vaddr_t start, vaddr_t end)
{
	if (VM_MAPENT_ISWIRED(entry) || UVM_ET_ISSUBMAP(entry))
		return 0;
	if (UVM_ET_ISNEEDSCOPY(entry) &&
	    ((entry->max_protection & VM_PROT_WRITE) != 0 ||
		!UVM_ET_ISOBJ(entry))) {
		amap_copy(map, entry, AMAP_COPY_NOWAIT, start, end);
		if (UVM_ET_ISNEEDSCOPY(entry))
			return ENOMEM;
	}
	return 0;
}

/*
 * uvm_map_wire_range: pass 2: fault in the entries of [start, end) whose
 * wiring is new (wired_count == 1), then undo everything on a failure.
 *	=> map write-locked on entry; the entries clipped to the range and
 *	   counted; write-locked again on return
 *	=> 0, or the fault's error
 */
static int
uvm_map_wire_range(struct vm_map *map, struct vm_map_entry *first, vaddr_t end)
{
	struct vm_map_entry *entry, *failed;
	int error = 0;

	vm_map_busy(map);
	vm_map_unlock(map);
	for (entry = first; entry != &map->header && entry->start < end;
	     entry = entry->next) {
		if (entry->wired_count != 1)
			continue;
		error = uvm_fault_wire(
		    map, entry->start, entry->end, entry->max_protection, true);
		if (error != 0)
			break;
	}
	vm_map_lock(map);
	vm_map_unbusy(map);
	if (error == 0)
		return 0;

	/*
   * Undo.  Entries with a zero count were never counted (PROT_NONE
   * entries of uvm_map_pageable_all()); the failed entry and those
   * after it were counted but never faulted (uvm_fault_wire() undid
   * its own part); those before it were wired now if their count is
   * 1.
   */
	failed = entry;
	for (; entry != &map->header && entry->start < end; entry = entry->next)
		if (entry->wired_count > 0)
			entry->wired_count--;
	for (entry = first; entry != failed; entry = entry->next) {
		if (entry->wired_count == 1)
			uvm_map_entry_unwire(map, entry);
		else if (entry->wired_count > 1)
			entry->wired_count--;
	}
	return error;
}

/*
 * uvm_map_pageable: wire (new_pageable false) or unwire [start, end).
 *	=> see <uvm/uvm_fault.h> for the lock flags and errors
 *	=> may sleep (faults)
 */
int
uvm_map_pageable(struct vm_map *map, vaddr_t start, vaddr_t end,
    bool new_pageable, int lockflags)
{
	struct vm_map_entry *entry, *first, *e;
	struct uvm *uvm;
	int error;

	if (map == NULL || (lockflags & ~(UVM_LK_ENTER | UVM_LK_EXIT)) != 0)
		return EINVAL;
	uvm = map->uvm;
	if (start > end || !uvm_page_aligned_p(uvm, start) ||
	    !uvm_page_aligned_p(uvm, end) || start < vm_map_min(map) ||
	    end > vm_map_max(map))
		return EINVAL;
	if ((lockflags & UVM_LK_ENTER) == 0)
		vm_map_lock(map);
	KASSERT(vm_map_locked_p(map));
	if (start == end) {
		error = 0;
		goto out;
	}
	if (!uvm_map_lookup_entry(map, start, &first)) {
		error = EFAULT;
		goto out;
	}

	/* Check the whole range before changing anything. */
	for (e = first; e != &map->header && e->start < end; e = e->next) {
		if ((new_pageable && e->wired_count == 0) ||
		    (!new_pageable && e->protection == VM_PROT_NONE) ||
		    UVM_ET_ISSUBMAP(e) ||
		    (e->end < end &&
			(e->next == &map->header || e->next->start > e->end))) {
			error = EINVAL;
			goto out;
		}
	}

	if (new_pageable) {
		/* One unwiring undoes every wiring (POSIX munlock). */
		UVM_MAP_CLIP_START(map, first, start);
		for (entry = first; entry != &map->header && entry->start < end;
		     entry = entry->next) {
			UVM_MAP_CLIP_END(map, entry, end);
			if (VM_MAPENT_ISWIRED(entry))
				uvm_map_entry_unwire(map, entry);
		}
		error = 0;
		goto out;
	}

	/* Pass 1. */
	for (entry = first; entry != &map->header && entry->start < end;
	     entry = entry->next) {
		error = uvm_map_wire_prepare(map, entry, start, end);
		if (error != 0)
			goto out;
	}
	/* amap_copy() may have clipped: find the first entry again. */
	if (!uvm_map_lookup_entry(map, start, &first))
		panic("uvm_map_pageable: %#" PRIx64 " vanished", start);
	UVM_MAP_CLIP_START(map, first, start);
	for (entry = first; entry != &map->header && entry->start < end;
	     entry = entry->next) {
		UVM_MAP_CLIP_END(map, entry, end);
		entry->wired_count++;
	}

	/* Pass 2. */
	error = uvm_map_wire_range(map, first, end);
out:
	uvm_map_check(map);
	if ((lockflags & UVM_LK_EXIT) == 0)
		vm_map_unlock(map);
	return error;
}

/*
 * uvm_map_pageable_all: mlockall(2)/munlockall(2).
 *	=> map not locked; may sleep
 *	=> 0, EINVAL, ENOMEM (over limit, or no memory), a fault's error
 */
int
uvm_map_pageable_all(struct vm_map *map, int flags, vsize_t limit)
{
	struct vm_map_entry *entry, *first;
	vsize_t size;
	int error = 0;

	if (map == NULL || (flags & ~(UVM_MCL_CURRENT | UVM_MCL_FUTURE)) != 0)
		return EINVAL;
	vm_map_lock(map);

	if (flags == 0) {
		__atomic_fetch_and(
		    &map->flags, ~VM_MAP_WIREFUTURE, __ATOMIC_RELAXED);
		for (entry = map->header.next; entry != &map->header;
		     entry = entry->next)
			if (VM_MAPENT_ISWIRED(entry))
				uvm_map_entry_unwire(map, entry);
		goto out;
	}
	if ((flags & UVM_MCL_FUTURE) != 0)
		__atomic_fetch_or(
		    &map->flags, VM_MAP_WIREFUTURE, __ATOMIC_RELAXED);
	if ((flags & UVM_MCL_CURRENT) == 0)
		goto out;

	/* What would be newly wired, against the limit. */
	size = 0;
	for (entry = map->header.next; entry != &map->header;
	     entry = entry->next)
		if (entry->protection != VM_PROT_NONE &&
		    !VM_MAPENT_ISWIRED(entry) && !UVM_ET_ISSUBMAP(entry))
			size += entry->end - entry->start;
	if (limit != 0 &&
	    size + uvm_ptoa(map->uvm, (uint64_t)pmap_wired_count(map->pmap)) >
		limit) {
		error = ENOMEM;
		goto out;
	}

	/* Pass 1 (PROT_NONE entries stay unwired: nothing could touch them). */
	for (entry = map->header.next; entry != &map->header;
	     entry = entry->next) {
		if (entry->protection == VM_PROT_NONE || UVM_ET_ISSUBMAP(entry))
			continue;
		error =
		    uvm_map_wire_prepare(map, entry, entry->start, entry->end);
		if (error != 0)
			goto out;
	}
	for (entry = map->header.next; entry != &map->header;
	     entry = entry->next)
		if (entry->protection != VM_PROT_NONE &&
		    !UVM_ET_ISSUBMAP(entry))
			entry->wired_count++;
	first = map->header.next;
	if (first != &map->header) {
		/* Pass 2, over everything; PROT_NONE entries stay at 0. */
		error = uvm_map_wire_range(map, first, vm_map_max(map));
	}
out:
	uvm_map_check(map);
	vm_map_unlock(map);
	return error;
}

/*
 * uvm_map_clean_amap: the amap part of uvm_map_clean() for one entry.
 *	=> map read-locked
 */
static void
uvm_map_clean_amap(struct vm_map *map, struct vm_map_entry *entry,
    vaddr_t start, vaddr_t end, int flags)
{
	struct uvm *uvm = map->uvm;
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anon;
	struct vm_page *pg;
	vaddr_t va;
	bool mine;

	amap_lock(amap, RW_WRITER);
	/*
   * Freeing discards data: only where nobody else sees this amap,
   * needs-copy included (the parent of a fork still uses it).
   */
	mine = amap_refs(amap) == 1 && !UVM_ET_ISNEEDSCOPY(entry);
	for (va = start; va < end; va += UVM_PAGE_SIZE(uvm)) {
		anon = amap_lookup(&entry->aref, va - entry->start);
		if (anon == NULL)
			continue;
		pg = anon->an_page;
		if (pg != NULL &&
		    ((pg->flags & PG_BUSY) != 0 || pg->loan_count != 0))
			continue;
		/*
		 * Only a plain PGO_FREE discards anonymous data; with
		 * PGO_CLEANIT (msync(MS_INVALIDATE)) anonymous pages are
		 * merely deactivated and their modifications kept, since
		 * there is no backing store to clean them to (as NetBSD).
		 */
		if ((flags & (PGO_FREE | PGO_CLEANIT)) == PGO_FREE && mine) {
			if (pg != NULL && pg->wire_count != 0)
				continue;
			pmap_remove(map->pmap, va, va + UVM_PAGE_SIZE(uvm));
			amap_unadd(&entry->aref, va - entry->start);
			if (--anon->an_ref == 0)
				uvm_anfree(anon);
			continue;
		}
		if ((flags & (PGO_DEACTIVATE | PGO_FREE)) != 0 && pg != NULL &&
		    pg->wire_count == 0) {
			pmap_clear_reference(pg);
			uvmpdpol_pagedeactivate(uvm, pg);
		}
	}
	amap_unlock(amap);
	pmap_update(map->pmap);
}

/*
 * uvm_map_clean: see <uvm/uvm_fault.h>.
 *	=> map not locked; may sleep (pager I/O)
 *	=> 0, EINVAL, EFAULT (a hole), the pager's error
 */
int
uvm_map_clean(struct vm_map *map, vaddr_t start, vaddr_t end, int flags)
{
	struct vm_map_entry *first, *entry;
	struct uvm_object *uobj;
	struct uvm *uvm;
	vaddr_t s, e;
	voff_t uoff;
	int error = 0, rv;

	if (map == NULL ||
	    (flags & ~(PGO_CLEANIT | PGO_SYNCIO | PGO_DEACTIVATE | PGO_FREE)) !=
		0 ||
	    (flags & (PGO_FREE | PGO_DEACTIVATE)) ==
		(PGO_FREE | PGO_DEACTIVATE))
		return EINVAL;
	uvm = map->uvm;
	if (start > end || !uvm_page_aligned_p(uvm, start) ||
	    !uvm_page_aligned_p(uvm, end))
		return EINVAL;
	if (start == end)
		return 0;

	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, start, &first)) {
		vm_map_unlock_read(map);
		return EFAULT;
	}
	for (entry = first; entry->end < end; entry = entry->next) {
		if (UVM_ET_ISSUBMAP(entry) || entry->next == &map->header ||
		    entry->next->start != entry->end) {
			vm_map_unlock_read(map);
			return EFAULT;
		}
	}
	if (UVM_ET_ISSUBMAP(entry)) {
		vm_map_unlock_read(map);
		return EFAULT;
	}

	for (entry = first; entry != &map->header && entry->start < end;
	     entry = entry->next) {
		s = start > entry->start ? start : entry->start;
		e = end < entry->end ? end : entry->end;
		if (entry->aref.ar_amap != NULL &&
		    (flags & (PGO_DEACTIVATE | PGO_FREE)) != 0)
			uvm_map_clean_amap(map, entry, s, e, flags);
		if (!UVM_ET_ISOBJ(entry))
			continue;
		uobj = entry->object.uvm_obj;
		/*
     * Object pages are freed only through a shared writable
     * mapping: a private one does not own them.
     */
		if ((flags & PGO_FREE) != 0 &&
		    (UVM_ET_ISCOPYONWRITE(entry) ||
			(entry->max_protection & VM_PROT_WRITE) == 0))
			continue;
		uoff = entry->offset + (voff_t)(s - entry->start);
		rw_enter(uobj->vmobjlock, RW_WRITER);
		rv = uobj->pgops->pgo_put(
		    uobj, uoff, uoff + (voff_t)(e - s), flags);
		if (rv != 0 && error == 0)
			error = rv;
	}
	vm_map_unlock_read(map);
	return error;
}
