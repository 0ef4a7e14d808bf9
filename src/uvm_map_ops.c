/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map_ops.c: operations on ranges of a map: protection, inheritance,
 * advice, protection checks and extraction.
 *
 * Each changing operation follows one pattern: validate the arguments,
 * write-lock the map, clamp the range to the map (NetBSD's
 * VM_MAP_RANGE_CHECK), check every entry in the range before changing any
 * (so a failure leaves the map as it was), reserve the at most two entries
 * that clipping the ends takes (ENOMEM, map untouched, if that fails),
 * clip, change, then merge entries that became compatible with their
 * neighbours.  Unmapped holes inside the range are skipped, as NetBSD
 * does.
 *
 * Lock order: map -> amap -> object -> pmap (uvm_map_lock_entry()).
 * uvm_map_extract() never holds two map locks at once: it builds the new
 * entries under the source map's lock, drops it, and then installs them
 * in the destination under the destination's lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "uvm_map_impl.h"
#include "uvm_object.h"
#include "uvm_aobj.h"
#include "uvm_fault.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "pmap/pmap.h"

/* Append the dead list b to the dead list *ap. */
static void
uvm_map_dead_concat(struct vm_map_entry **ap, struct vm_map_entry *b)
{
	while (*ap != NULL)
		ap = &(*ap)->next;
	*ap = b;
}

/* Free a list of unused entries linked through next. */
static void
uvm_map_free_spares(struct vm_map *map, struct vm_map_entry *list)
{
	struct vm_map_entry *next;

	for (; list != NULL; list = next) {
		next = list->next;
		uvm_mapent_free(map, list);
	}
}

/* Validate a page-aligned range [start, end); 0 or EINVAL. */
static int
uvm_map_range_valid(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	if (!uvm_page_aligned_p(map->uvm, start) ||
	    !uvm_page_aligned_p(map->uvm, end) || start > end)
		return EINVAL;
	return 0;
}

/*
 * First entry of [start, end), clipped to start (the entry following the
 * hole if start is unmapped).
 * => map write-locked; umr holds the clip entries
 */
static struct vm_map_entry *
uvm_map_range_first(
    struct vm_map *map, vaddr_t start, struct uvm_mapent_reservation *umr)
{
	struct vm_map_entry *e;

	if (uvm_map_lookup_entry(map, start, &e)) {
		if (start > e->start)
			uvm_map_clip_start_umr(map, e, start, umr);
		return e;
	}
	return e->next;
}

/*
 * After changing [start, end): merge the entries of the range with each
 * other and with the neighbours at both ends where they became compatible.
 * => map write-locked
 */
static void
uvm_map_range_merge(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;

	if (!uvm_map_lookup_entry(map, start, &e))
		e = e->next;
	while (e != &map->header && e->start < end) {
		(void)uvm_mapent_trymerge(map, e, 0);
		e = e->next;
	}
}

/*
 * Lock a range for a change: lock, clamp, check QUANTUM entries, reserve
 * the clip entries.  Returns 0 with the map write-locked, or an error with
 * it unlocked.
 */
static int
uvm_map_range_lock(struct vm_map *map, vaddr_t *startp, vaddr_t *endp,
    struct uvm_mapent_reservation *umr)
{
	int error;

	umr->umr_n = 0;
	if ((map->flags & VM_MAP_STATICENT) != 0 &&
	    uvm_map_reserve_entries(map, 2, PR_WAITOK) != 0)
		return ENOMEM;
	vm_map_lock(map);
	uvm_map_range_clamp(map, startp, endp);
	error = uvm_unmap_check_quantum(map, *startp, *endp);
	if (error == 0)
		error = uvm_map_reserve_clips(map, *startp, *endp, umr);
	if (error != 0)
		vm_map_unlock(map);
	return error;
}

static void
uvm_map_range_unlock(struct vm_map *map, struct uvm_mapent_reservation *umr)
{
	uvm_map_check(map);
	vm_map_unlock(map);
	uvm_mapent_unreserve(map, umr);
}

/*
 * uvm_map_protect: set the protection (set_max: the maximum protection,
 * lowering the current one with it) of [start, end).
 * => map unlocked
 * => returns 0, EINVAL (unaligned, start > end, prot not VM_PROT_*, a
 *    submap in the range, a QUANTUM entry cut), EACCES (prot above an
 *    entry's maximum protection), ENOMEM (no entry for clipping: fault
 *    injection only); on those errors nothing changed
 * => in a map with VM_MAP_WIREFUTURE (mlockall(MCL_FUTURE)), entries that
 *    were PROT_NONE and unwired (uvm_map_pageable_all() skips them) are
 *    wired now that they become accessible, as NetBSD does; if that fails
 *    the new protection stays and the wiring error is returned
 */
int
uvm_map_protect(struct vm_map *map, vaddr_t start, vaddr_t end, vm_prot_t prot,
    bool set_max)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *e, *first;
	struct {
		vaddr_t tw_start, tw_end;
	} *towire = NULL;
	int error, nwire = 0;

	error = uvm_map_range_valid(map, start, end);
	if (error != 0)
		return error;
	if ((prot & ~VM_PROT_ALL) != 0)
		return EINVAL;
	if (start == end)
		return 0;

	/* Check the whole range before touching anything. */
	error = uvm_map_range_lock(map, &start, &end, &umr);
	if (error != 0)
		return error;
	if (!uvm_map_lookup_entry(map, start, &first))
		first = first->next;
	for (e = first; e != &map->header && e->start < end; e = e->next) {
		if (UVM_ET_ISSUBMAP(e)) {
			error = EINVAL;
			break;
		}
		if ((prot & e->max_protection) != prot) {
			error = EACCES;
			break;
		}
	}
	if (error != 0) {
		uvm_map_range_unlock(map, &umr);
		return error;
	}

	/*
	 * Entries that must be wired once accessible (wire-future maps):
	 * remembered as ranges, wired after the walk because wiring may
	 * clip entries (chunked amap copies).
	 */
	if ((map->flags & VM_MAP_WIREFUTURE) != 0 && prot != VM_PROT_NONE) {
		int n = 0;

		for (e = first; e != &map->header && e->start < end;
		     e = e->next)
			if (e->protection == VM_PROT_NONE &&
			    !VM_MAPENT_ISWIRED(e))
				n++;
		if (n > 0 &&
		    (towire = calloc((size_t)n, sizeof(*towire))) == NULL) {
			uvm_map_range_unlock(map, &umr);
			return ENOMEM;
		}
	}

	for (e = uvm_map_range_first(map, start, &umr);
	     e != &map->header && e->start < end; e = e->next) {
		vm_prot_t old = e->protection;

		if (end < e->end)
			uvm_map_clip_end_umr(map, e, end, &umr);
		if (towire != NULL && old == VM_PROT_NONE &&
		    !VM_MAPENT_ISWIRED(e) &&
		    (set_max ? old & prot : prot) != VM_PROT_NONE) {
			towire[nwire].tw_start = e->start;
			towire[nwire].tw_end = e->end;
			nwire++;
		}
		if (set_max) {
			e->max_protection = prot;
			e->protection = old & prot;
		} else {
			e->protection = prot;
		}
		/*
		 * Lower the pmap's mappings (raising is left to faults).
		 * Copy-on-write entries never map writable pages.
		 */
		if (e->protection != old && map->pmap != NULL &&
		    (UVM_ET_ISOBJ(e) || e->aref.ar_amap != NULL)) {
			vm_prot_t pp = e->protection;

			if (UVM_ET_ISCOPYONWRITE(e))
				pp &= ~VM_PROT_WRITE;
			uvm_map_lock_entry(e, RW_READER);
			pmap_protect(map->pmap, e->start, e->end, pp);
			uvm_map_unlock_entry(e);
		}
	}
	if (map->pmap != NULL)
		pmap_update(map->pmap);
	uvm_map_range_merge(map, start, end);
	for (int i = 0; i < nwire && error == 0; i++)
		error = uvm_map_pageable(map, towire[i].tw_start,
		    towire[i].tw_end, false, UVM_LK_ENTER | UVM_LK_EXIT);
	free(towire);
	uvm_map_range_unlock(map, &umr);
	return error;
}

/*
 * uvm_map_inherit: set the fork inheritance of [start, end).
 * => map unlocked
 * => returns 0, EINVAL (unaligned, start > end, not SHARE, COPY, NONE or
 *    ZERO, a QUANTUM entry cut), ENOMEM (clip entry, fault injection only)
 */
int
uvm_map_inherit(
    struct vm_map *map, vaddr_t start, vaddr_t end, vm_inherit_t inh)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *e;
	int error;

	switch (inh) {
	case UVM_INH_SHARE:
	case UVM_INH_COPY:
	case UVM_INH_NONE:
	case UVM_INH_ZERO:
		break;
	default:
		return EINVAL;
	}
	error = uvm_map_range_valid(map, start, end);
	if (error != 0 || start == end)
		return error;
	error = uvm_map_range_lock(map, &start, &end, &umr);
	if (error != 0)
		return error;
	for (e = uvm_map_range_first(map, start, &umr);
	     e != &map->header && e->start < end; e = e->next) {
		if (end < e->end)
			uvm_map_clip_end_umr(map, e, end, &umr);
		e->inheritance = inh;
	}
	uvm_map_range_merge(map, start, end);
	uvm_map_range_unlock(map, &umr);
	return 0;
}

/*
 * uvm_map_advice: set the paging advice of [start, end).
 * => map unlocked
 * => returns 0, EINVAL (unaligned, start > end, not NORMAL, RANDOM or
 *    SEQUENTIAL, a QUANTUM entry cut), ENOMEM (fault injection only)
 */
int
uvm_map_advice(struct vm_map *map, vaddr_t start, vaddr_t end, int advice)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *e;
	int error;

	switch (advice) {
	case UVM_ADV_NORMAL:
	case UVM_ADV_RANDOM:
	case UVM_ADV_SEQUENTIAL:
		break;
	default:
		return EINVAL;
	}
	error = uvm_map_range_valid(map, start, end);
	if (error != 0 || start == end)
		return error;
	error = uvm_map_range_lock(map, &start, &end, &umr);
	if (error != 0)
		return error;
	for (e = uvm_map_range_first(map, start, &umr);
	     e != &map->header && e->start < end; e = e->next) {
		if (end < e->end)
			uvm_map_clip_end_umr(map, e, end, &umr);
		e->advice = (uint8_t)advice;
	}
	uvm_map_range_merge(map, start, end);
	uvm_map_range_unlock(map, &umr);
	return 0;
}

/*
 * uvm_map_readahead: bring the pages [off, end) of uobj in from its backing
 * store, without mapping them.  An aobj page that was never paged out has
 * nothing to read (making a zero page now would only waste memory), so only
 * pages with a swap slot are read; other pagers get every missing page.
 * Errors are ignored: this is advice, and the fault will retry.
 * => map read-locked (keeps uobj alive); uobj unlocked
 */
static void
uvm_map_readahead(struct uvm_object *uobj, voff_t off, voff_t end, int advice)
{
	struct uvm *uvm = uobj->uo_uvm;
	struct vm_page *pg;
	int npages;

	for (; off < end; off += (voff_t)UVM_PAGE_SIZE(uvm)) {
		rw_enter(uobj->vmobjlock, RW_WRITER);
		if (uvm_pagelookup(uobj, off) != NULL ||
		    (UVM_OBJ_IS_AOBJ(uobj) &&
			uao_find_swslot(uobj, uvm_atop(uvm, off)) == 0)) {
			rw_exit(uobj->vmobjlock);
			continue;
		}
		pg = NULL;
		npages = 1;
		/* The unlocked form returns the page busy, uobj unlocked. */
		if (uobj->pgops->pgo_get(uobj, off, &pg, &npages, 0,
			VM_PROT_READ, advice, 0) != 0 ||
		    pg == NULL)
			continue;
		rw_enter(uobj->vmobjlock, RW_WRITER);
		if (pg->wire_count == 0)
			uvmpdpol_pageactivate(uvm, pg);
		uvm_page_unbusy(&pg, 1);
		rw_exit(uobj->vmobjlock);
	}
}

/*
 * uvm_map_willneed: madvise(MADV_WILLNEED): read in ahead of use the
 * object pages backing [start, end), as NetBSD does for entries with an
 * object and no amap (anonymous memory is left to the faults).  Nothing is
 * mapped; holes are skipped.
 * => map unlocked; may sleep (pager I/O)
 * => returns 0, or EINVAL (unaligned, start > end, outside the map)
 */
int
uvm_map_willneed(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;
	int error;

	error = uvm_map_range_valid(map, start, end);
	if (error != 0 || start == end)
		return error;
	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, start, &e))
		e = e->next;
	for (; e != &map->header && e->start < end; e = e->next) {
		vaddr_t s = MAX(start, e->start), t = MIN(end, e->end);

		if (!UVM_ET_ISOBJ(e) || e->aref.ar_amap != NULL ||
		    e->object.uvm_obj == NULL)
			continue;
		uvm_map_readahead(e->object.uvm_obj,
		    e->offset + (voff_t)(s - e->start),
		    e->offset + (voff_t)(t - e->start), e->advice);
	}
	vm_map_unlock_read(map);
	return 0;
}

/*
 * uvm_map_checkprot_locked: is [start, end) mapped without holes, with at
 * least protection prot everywhere?
 * => map at least read-locked
 */
bool
uvm_map_checkprot_locked(
    struct vm_map *map, vaddr_t start, vaddr_t end, vm_prot_t prot)
{
	struct vm_map_entry *e;

	KASSERT(vm_map_lock_held_p(map));
	if (start >= end)
		return true;
	if (start < vm_map_min(map) || end > vm_map_max(map))
		return false;
	if (!uvm_map_lookup_entry(map, start, &e))
		return false;
	for (;;) {
		if ((e->protection & prot) != prot)
			return false;
		if (e->end >= end)
			return true;
		if (e->next == &map->header || e->next->start != e->end)
			return false;
		e = e->next;
	}
}

/*
 * uvm_map_checkprot: uvm_map_checkprot_locked() taking the read lock.
 * => map unlocked
 */
bool
uvm_map_checkprot(
    struct vm_map *map, vaddr_t start, vaddr_t end, vm_prot_t prot)
{
	bool rv;

	vm_map_lock_read(map);
	rv = uvm_map_checkprot_locked(map, start, end, prot);
	vm_map_unlock_read(map);
	return rv;
}

/*
 * Give a needs-copy source entry its own amap before sharing it: a fresh
 * one if it has none yet (nothing to copy), else amap_copy().
 * => map write-locked; returns 0 or ENOMEM
 */
static int
uvm_map_extract_copy(
    struct vm_map *map, struct vm_map_entry *e, vaddr_t start, vaddr_t end)
{
	struct vm_amap *amap;

	if (e->aref.ar_amap == NULL) {
		amap =
		    amap_alloc(map->uvm, e->end - e->start, 0, UVM_FLAG_NOWAIT);
		if (amap == NULL)
			return ENOMEM;
		e->aref.ar_amap = amap;
		e->aref.ar_pageoff = 0;
		e->etype &= ~UVM_ET_NEEDSCOPY;
		return 0;
	}
	amap_copy(map, e,
	    AMAP_COPY_NOWAIT | AMAP_COPY_NOMERGE | AMAP_COPY_NOCHUNK, start,
	    end);
	return UVM_ET_ISNEEDSCOPY(e) ? ENOMEM : 0;
}

/*
 * Take references for a copy of (part of) entry e: the object's and the
 * amap's (whole-amap with QREF).
 */
static void
uvm_map_extract_ref(struct vm_map *dstmap, struct vm_map_entry *ne, int flags)
{
	if (UVM_ET_ISOBJ(ne) &&
	    ne->object.uvm_obj->pgops->pgo_reference != NULL)
		ne->object.uvm_obj->pgops->pgo_reference(ne->object.uvm_obj);
	if (ne->aref.ar_amap != NULL)
		amap_ref(ne->aref.ar_amap, (vaddr_t)ne->aref.ar_pageoff,
		    uvm_atop(dstmap->uvm, ne->end - ne->start),
		    AMAP_SHARED |
			((flags & UVM_EXTRACT_QREF) != 0 ? AMAP_REFALL : 0));
}

/*
 * uvm_map_extract: map [start, start + len) of srcmap again at a new
 * place in dstmap (found bottom-up or top-down from vm_map_min(dstmap)),
 * sharing the backing (object references, amap references marked
 * shared).  Flags: UVM_EXTRACT_REMOVE takes the range out of srcmap,
 * UVM_EXTRACT_CONTIG fails on a hole, UVM_EXTRACT_QREF does not clip the
 * source and takes whole-amap references (such entries are unmapped only
 * as a whole), UVM_EXTRACT_FIXPROT gives the copies their maximum
 * protection.  Holes of the source stay unmapped in the copy.
 * => maps unlocked; srcmap and dstmap may be the same
 * => returns 0 with *dstaddrp set, EINVAL (unaligned or zero length,
 *    REMOVE with CONTIG or QREF, unknown flags, a submap in the range, a
 *    hole with CONTIG), ENOMEM (no space in dstmap, no memory), EIO (the
 *    reserved space vanished under us)
 */
int
uvm_map_extract(struct vm_map *srcmap, vaddr_t start, vsize_t len,
    struct vm_map *dstmap, vaddr_t *dstaddrp, int flags)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *e, *ne, *chain = NULL, *last = NULL, *dead = NULL;
	struct vm_map_entry *old;
	const bool qref = (flags & UVM_EXTRACT_QREF) != 0;
	vaddr_t end = start + len, dstaddr, cur;
	vsize_t fudge, nsize = 0;
	struct vm_map_entry *spare = NULL;
	int nchain = 0, nspare = 0, error;

	if (len == 0 || !uvm_page_aligned_p(srcmap->uvm, start) ||
	    !uvm_page_aligned_p(srcmap->uvm, len) || end < start)
		return EINVAL;
	if ((flags &
		~(UVM_EXTRACT_REMOVE | UVM_EXTRACT_CONTIG | UVM_EXTRACT_QREF |
		    UVM_EXTRACT_FIXPROT)) != 0)
		return EINVAL;
	if ((flags & UVM_EXTRACT_REMOVE) != 0 &&
	    (flags & (UVM_EXTRACT_CONTIG | UVM_EXTRACT_QREF)) != 0)
		return EINVAL;
	if (srcmap->uvm != dstmap->uvm)
		return EINVAL;

	/* Step 1: room in the destination. */
	dstaddr = vm_map_min(dstmap);
	error = uvm_map_reserve(dstmap, len, start, 0, &dstaddr, 0);
	if (error != 0)
		return error;

	/* Step 2: check the source range, then clip it. */
	if ((srcmap->flags & VM_MAP_STATICENT) != 0 &&
	    uvm_map_reserve_entries(srcmap, 2, PR_WAITOK) != 0) {
		error = ENOMEM;
		goto fail_unreserve;
	}
	vm_map_lock(srcmap);
	umr.umr_n = 0;
	if (start < vm_map_min(srcmap) || end > vm_map_max(srcmap)) {
		error = (flags & UVM_EXTRACT_CONTIG) != 0 ? EINVAL : 0;
		if (error != 0)
			goto fail_unlock;
	}
	cur = start;
	if (!uvm_map_lookup_entry(srcmap, start, &e))
		e = e->next;
	for (; e != &srcmap->header && e->start < end; e = e->next) {
		if (srcmap == dstmap && e->start == dstaddr)
			continue; /* our own reservation: a hole */
		nspare++;
		if (UVM_ET_ISSUBMAP(e) ||
		    ((e->flags & UVM_MAP_QUANTUM) != 0 && !qref &&
			(e->start < start || e->end > end))) {
			error = EINVAL;
			goto fail_unlock;
		}
		if ((flags & UVM_EXTRACT_CONTIG) != 0 && e->start > cur) {
			error = EINVAL;
			goto fail_unlock;
		}
		cur = e->end;
	}
	if ((flags & UVM_EXTRACT_CONTIG) != 0 && cur < end) {
		error = EINVAL;
		goto fail_unlock;
	}
	if (!qref) {
		error = uvm_map_reserve_clips(srcmap, start, end, &umr);
		if (error != 0)
			goto fail_unlock;
	}
	/* One new entry per source entry, before anything changes. */
	for (int i = 0; i < nspare; i++) {
		ne = uvm_mapent_alloc(dstmap, PR_NOWAIT);
		if (ne == NULL) {
			error = ENOMEM;
			goto fail_unlock;
		}
		ne->next = spare;
		spare = ne;
	}

	/* Step 3: copy the entries into a chain. */
	fudge = 0;
	if (uvm_map_lookup_entry(srcmap, start, &e) &&
	    !(srcmap == dstmap && e->start == dstaddr)) {
		if (qref)
			fudge = start - e->start;
		else if (start > e->start)
			uvm_map_clip_start_umr(srcmap, e, start, &umr);
	} else {
		e = e->next;
	}
	for (; e != &srcmap->header && e->start < end; e = e->next) {
		if (srcmap == dstmap && e->start == dstaddr)
			continue;
		if (!qref && end < e->end)
			uvm_map_clip_end_umr(srcmap, e, end, &umr);
		if (UVM_ET_ISNEEDSCOPY(e)) {
			error = uvm_map_extract_copy(srcmap, e, start, end);
			if (error != 0)
				goto fail_chain;
		}
		ne = spare;
		if (ne == NULL) {
			/* amap_copy() clipped the entry into more pieces. */
			ne = uvm_mapent_alloc(dstmap, PR_NOWAIT);
			if (ne == NULL) {
				error = ENOMEM;
				goto fail_chain;
			}
		} else {
			spare = ne->next;
		}
		uvm_mapent_copy(e, ne);
		ne->start = dstaddr + (e->start + fudge - start);
		ne->end = ne->start + (e->end - (e->start + fudge));
		if (ne->end > dstaddr + len)
			ne->end = dstaddr + len;
		if (UVM_ET_ISOBJ(e))
			ne->offset = e->offset + (voff_t)fudge;
		else
			ne->offset = 0;
		if ((flags & UVM_EXTRACT_FIXPROT) != 0)
			ne->protection = e->max_protection;
		ne->wired_count = 0;
		if (e->aref.ar_amap != NULL)
			ne->aref.ar_pageoff = e->aref.ar_pageoff +
			    (int)uvm_atop(srcmap->uvm, fudge);
		ne->flags &=
		    ~(UVM_MAP_QUANTUM | UVM_MAP_NOMERGE | UVM_MAP_REFALL);
		if (qref)
			ne->flags |=
			    UVM_MAP_NOMERGE | UVM_MAP_QUANTUM | UVM_MAP_REFALL;
		uvm_map_extract_ref(dstmap, ne, flags);
		ne->next = NULL;
		ne->prev = last;
		if (last == NULL)
			chain = ne;
		else
			last->next = ne;
		last = ne;
		nchain++;
		nsize += ne->end - ne->start;
		fudge = 0;
	}
	if (chain != NULL)
		chain->prev = last;

	/*
	 * Step 4: take the source range out if asked to.  In the same map
	 * the reservation may lie in a hole of the range: keep it (its ends
	 * are entry boundaries, so no clipping happens there).
	 */
	if ((flags & UVM_EXTRACT_REMOVE) != 0) {
		if (srcmap == dstmap && dstaddr < end &&
		    dstaddr + len > start) {
			struct vm_map_entry *dead2;

			uvm_unmap_remove_umr(
			    srcmap, start, dstaddr, &dead, &umr, 0);
			uvm_unmap_remove_umr(
			    srcmap, dstaddr + len, end, &dead2, &umr, 0);
			uvm_map_dead_concat(&dead, dead2);
		} else {
			uvm_unmap_remove_umr(
			    srcmap, start, end, &dead, &umr, 0);
		}
	}
	uvm_map_check(srcmap);
	vm_map_unlock(srcmap);
	uvm_mapent_unreserve(srcmap, &umr);
	uvm_map_free_spares(dstmap, spare);
	if (dead != NULL)
		uvm_unmap_detach(srcmap, dead);

	/* Step 5: install the chain in place of the reservation. */
	vm_map_lock(dstmap);
	error = uvm_map_replace(
	    dstmap, dstaddr, dstaddr + len, chain, nchain, nsize, &old);
	uvm_map_check(dstmap);
	vm_map_unlock(dstmap);
	if (error != 0) {
		uvm_unmap_detach(dstmap, chain);
		return EIO;
	}
	uvm_mapent_free(dstmap, old);
	*dstaddrp = dstaddr;
	return 0;

fail_chain:
	uvm_map_check(srcmap);
	vm_map_unlock(srcmap);
	uvm_mapent_unreserve(srcmap, &umr);
	uvm_map_free_spares(dstmap, spare);
	if (chain != NULL)
		uvm_unmap_detach(dstmap, chain);
	goto fail_unreserve;
fail_unlock:
	vm_map_unlock(srcmap);
	uvm_mapent_unreserve(srcmap, &umr);
	uvm_map_free_spares(dstmap, spare);
fail_unreserve:
	(void)uvm_unmap(dstmap, dstaddr, dstaddr + len);
	return error;
}
