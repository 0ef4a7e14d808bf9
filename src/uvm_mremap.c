/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_mremap.c: mremap(2), NetBSD's and Linux's.
 *
 * Both move or resize the mappings of a range; NetBSD's can also
 * duplicate them (MAP_REMAPDUP: a second range referring to the same
 * memory, possibly with another protection: the W and X halves of a JIT
 * under PaX MPROTECT, the seeds' 1.204 entry).
 *
 * Design note.  Moving is done as NetBSD's uvm_mremap() does it: reserve
 * the destination with a blank entry, copy the source entries into it
 * (uvm_mremap_extract(): each copy shares the source's amap or object,
 * the amap marked shared), then unmap the source unless duplicating.
 * Growing appends fresh memory of the same kind behind the (moved)
 * mapping.  The map layer's uvm_map_extract() picks its own destination,
 * so the copy into a chosen reservation is written here, with the map
 * layer's entry primitives (lookup, clip, link, replace).
 *
 * NetBSD resolutions (spec rows 61-65, from uvm_mremap.c as of 2017+):
 *  - only MAP_FIXED, MAP_REMAPDUP and MAP_ALIGNED(n) are accepted (EINVAL);
 *  - sys_mremap() rounds both sizes up to pages, so unaligned sizes are
 *    accepted (the 2007 code refused them); unaligned addresses are
 *    EINVAL; a size of 0 (or one that wraps) is EINVAL;
 *  - without MAP_FIXED a mapping that cannot grow in place simply moves;
 *    with MAP_FIXED an occupied destination is ENOMEM (the reservation
 *    at a fixed address fails);
 *  - the old range need not be fully mapped: the copy is made without
 *    UVM_EXTRACT_CONTIG, so holes in it stay holes at the destination
 *    (row 65: no EFAULT path); growing in place behind a hole is EINVAL
 *    (uvm_mapent_extend() finds no entry ending at the old end).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_proc.h"

/*
 * uvm_mremap_extract: copy the entries of [oldva, oldva + len) into the
 * blank reservation at [newva, newva + len...) of the same map; remove:
 * unmap the source afterwards.
 * => map unlocked; the reservation (uvm_map_reserve()) starts at newva
 *    and is at least len long
 * => 0, or ENOMEM with the reservation and the source as they were
 */
int
uvm_mremap_extract(
    struct vm_map *map, vaddr_t oldva, vsize_t len, vaddr_t newva, bool remove)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *e, *ne, *chain = NULL, *last = NULL, *old;
	struct vm_map_entry *spare = NULL, *dead = NULL;
	const vaddr_t oldend = oldva + len;
	vsize_t nsize = 0;
	int nchain = 0, nspare = 0, error = 0;

	KASSERT(uvm_page_aligned_p(uvm, oldva) && uvm_page_aligned_p(uvm, len));
	KASSERT(len > 0);

	vm_map_lock(map);
	if (!uvm_map_lookup_entry(map, newva, &e) || e->start != newva ||
	    e->end - e->start < len || UVM_ET_ISOBJ(e) ||
	    e->aref.ar_amap != NULL) {
		vm_map_unlock(map);
		return EINVAL;
	}
	/* Entries first: one per source entry, plus clipping. */
	if (!uvm_map_lookup_entry(map, oldva, &e))
		e = e->next;
	for (; e != &map->header && e->start < oldend; e = e->next)
		nspare++;
	nspare += 3;
	while (nspare-- > 0) {
		ne = uvm_mapent_alloc(map, PR_NOWAIT);
		if (ne == NULL) {
			error = ENOMEM;
			goto fail;
		}
		ne->next = spare;
		spare = ne;
	}

	/* Cut the reservation to len. */
	if (!uvm_map_lookup_entry(map, newva, &e))
		panic("uvm_mremap_extract: reservation vanished");
	UVM_MAP_CLIP_END(map, e, newva + len);

	/* Give every needs-copy source entry its own amap, and clip. */
	if (uvm_map_lookup_entry(map, oldva, &e))
		UVM_MAP_CLIP_START(map, e, oldva);
	else
		e = e->next;
	for (; e != &map->header && e->start < oldend; e = e->next) {
		if (e->start == newva && e->end == newva + len &&
		    !UVM_ET_ISOBJ(e) && e->aref.ar_amap == NULL &&
		    e->max_protection == VM_PROT_NONE)
			continue; /* our reservation, in a hole of the range */
		UVM_MAP_CLIP_END(map, e, oldend);
		if (UVM_ET_ISSUBMAP(e)) {
			error = EINVAL;
			goto fail;
		}
		if (UVM_ET_ISNEEDSCOPY(e) || e->aref.ar_amap == NULL) {
			if (uvm_atop(uvm, e->end - e->start) >
			    (uint64_t)INT_MAX) {
				error = ENOMEM; /* no amap that large */
				goto fail;
			}
			if (e->aref.ar_amap == NULL && !UVM_ET_ISOBJ(e)) {
				struct vm_amap *amap;

				amap = amap_alloc(
				    uvm, e->end - e->start, 0, UVM_FLAG_NOWAIT);
				if (amap == NULL) {
					error = ENOMEM;
					goto fail;
				}
				e->aref.ar_amap = amap;
				e->aref.ar_pageoff = 0;
				e->etype &= ~UVM_ET_NEEDSCOPY;
			} else if (UVM_ET_ISNEEDSCOPY(e)) {
				amap_copy(map, e,
				    AMAP_COPY_NOWAIT | AMAP_COPY_NOMERGE |
					AMAP_COPY_NOCHUNK,
				    e->start, e->end);
				if (UVM_ET_ISNEEDSCOPY(e)) {
					error = ENOMEM;
					goto fail;
				}
			}
		}
	}

	/* Copy. */
	if (!uvm_map_lookup_entry(map, oldva, &e))
		e = e->next;
	for (; e != &map->header && e->start < oldend; e = e->next) {
		if (e->start == newva && e->end == newva + len &&
		    !UVM_ET_ISOBJ(e) && e->aref.ar_amap == NULL &&
		    e->max_protection == VM_PROT_NONE)
			continue;
		ne = spare;
		if (ne == NULL) {
			ne = uvm_mapent_alloc(map, PR_WAITOK);
		} else {
			spare = ne->next;
		}
		uvm_mapent_copy(e, ne);
		ne->start = newva + (e->start - oldva);
		ne->end = ne->start + (e->end - e->start);
		ne->wired_count = 0;
		ne->flags &= ~(UVM_MAP_QUANTUM | UVM_MAP_REFALL);
		if (UVM_ET_ISOBJ(ne) &&
		    ne->object.uvm_obj->pgops->pgo_reference != NULL)
			ne->object.uvm_obj->pgops->pgo_reference(
			    ne->object.uvm_obj);
		if (ne->aref.ar_amap != NULL)
			amap_ref(ne->aref.ar_amap, (vaddr_t)ne->aref.ar_pageoff,
			    uvm_atop(uvm, ne->end - ne->start), AMAP_SHARED);
		ne->next = NULL;
		ne->prev = last;
		if (last == NULL)
			chain = ne;
		else
			last->next = ne;
		last = ne;
		nchain++;
		nsize += ne->end - ne->start;
	}
	if (chain != NULL)
		chain->prev = last;
	error = uvm_map_replace(
	    map, newva, newva + len, chain, nchain, nsize, &old);
	KASSERT(error == 0);
	uvm_mapent_free(map, old);
	if (remove)
		uvm_unmap_remove(map, oldva, oldend, &dead, 0);
	uvm_map_check(map);
	vm_map_unlock(map);
	while (spare != NULL) {
		ne = spare->next;
		uvm_mapent_free(map, spare);
		spare = ne;
	}
	if (dead != NULL)
		uvm_unmap_detach(map, dead);
	return 0;

fail:
	uvm_map_check(map);
	vm_map_unlock(map);
	while (spare != NULL) {
		ne = spare->next;
		uvm_mapent_free(map, spare);
		spare = ne;
	}
	return error;
}

/* The entry ending at va (with its attributes), if there is one. */
static bool
uvm_mremap_entry_before(
    struct vm_map *map, vaddr_t va, struct uvm_map_entry_info *mi)
{
	size_t nfound;
	vaddr_t vmin, vmax;

	uvm_map_bounds(map, &vmin, &vmax);
	if (va <= vmin)
		return false;
	if (uvm_map_foreach(map, va - 1, mi, 1, &nfound) != 0 || nfound == 0)
		return false;
	return mi->mi_start < va && mi->mi_end == va;
}

/*
 * Fill the blank reservation [va, va + size) with fresh memory of the
 * kind of the entry ending at va (NetBSD's uvm_mapent_extend()).
 * => EINVAL if no entry ends at va; else uvm_map()'s error
 */
static int
uvm_mremap_extend(struct uvm_proc *p, vaddr_t va, vsize_t size)
{
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	struct uvm_map_entry_info mi;
	vaddr_t start = va;

	if (!uvm_mremap_entry_before(map, va, &mi) ||
	    (mi.mi_flags & (UVM_MI_OBJ | UVM_MI_SUBMAP)) != 0)
		return EINVAL;
	if ((mi.mi_flags & UVM_MI_COW) == 0 &&
	    uvm_atop(p->p_uvm, size) > (uint64_t)INT_MAX)
		return ENOMEM;
	return uvm_map(map, &start, size, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(mi.mi_prot, mi.mi_maxprot, mi.mi_inherit, mi.mi_advice,
		UVM_FLAG_FIXED | UVM_FLAG_UNMAP |
		    ((mi.mi_flags & UVM_MI_COW) != 0 ? UVM_FLAG_COPYONW
						     : UVM_FLAG_OVERLAY)));
}

/* RLIMIT_AS for growth by delta bytes (libuvm counts every mapping). */
static bool
uvm_mremap_as_ok(struct uvm_proc *p, vsize_t delta)
{
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	uint64_t lim = uvm_proc_limit(p, UVM_RLIMIT_AS);
	size_t nent;
	vsize_t size;

	uvm_map_stat(map, &nent, &size);
	return size + delta >= size && size + delta <= lim;
}

/*
 * mremap, NetBSD.  Order: unknown flags (EINVAL); sizes rounded; an
 * unaligned address (EINVAL); a zero or wrapping size (EINVAL);
 * alignment (EINVAL, ENOMEM; MAP_FIXED with a misaligned address
 * EINVAL); then resize in place when possible, else move (MAP_FIXED
 * destination occupied: ENOMEM).  With MAP_REMAPDUP the source stays.
 */
int
uvm_sys_mremap_netbsd(struct uvm_proc *p, vaddr_t oldva, vsize_t oldsize,
    vaddr_t newp, vsize_t newsize, int flags, vaddr_t *retp)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	const bool fixed = (flags & UVM_MAP_FIXED) != 0;
	const bool dup = (flags & UVM_MAP_REMAPDUP) != 0;
	vaddr_t newva, dstva, vmin, vmax, va;
	vsize_t align = 0, movesize;
	unsigned shift;
	int error;

	KASSERT(p != NULL && retp != NULL);
	if (uvm_proc_linux_p(p))
		return EINVAL;
	if ((flags &
		~(UVM_MAP_FIXED | UVM_MAP_REMAPDUP |
		    (int)UVM_MAP_ALIGNMENT_MASK)) != 0)
		return EINVAL;
	oldsize = uvm_round_page(uvm, oldsize);
	newsize = uvm_round_page(uvm, newsize);
	newva = fixed ? newp : 0;
	if (!uvm_page_aligned_p(uvm, oldva) || !uvm_page_aligned_p(uvm, newva))
		return EINVAL;
	if (oldva + oldsize <= oldva || newva + newsize <= newva)
		return EINVAL;
	shift = ((unsigned)flags & UVM_MAP_ALIGNMENT_MASK) >>
	    UVM_MAP_ALIGNMENT_SHIFT;
	if (shift != 0) {
		if (shift >= 64)
			return EINVAL;
		align = (vsize_t)1 << shift;
		if (align < UVM_PAGE_SIZE(uvm))
			return EINVAL;
		uvm_map_bounds(map, &vmin, &vmax);
		if (align >= vmax)
			return ENOMEM;
		if (fixed) {
			if ((newp & (align - 1)) != 0)
				return EINVAL;
			align = 0;
		}
	}

	/* The easy cases: in place. */
	if (!dup && (!fixed || newva == oldva) &&
	    (align == 0 || (oldva & (align - 1)) == 0)) {
		if (newsize == oldsize) {
			*retp = oldva;
			return 0;
		}
		if (newsize < oldsize) {
			error =
			    uvm_unmap(map, oldva + newsize, oldva + oldsize);
			if (error != 0)
				return error;
			*retp = oldva;
			return 0;
		}
		if (!uvm_mremap_as_ok(p, newsize - oldsize))
			return ENOMEM;
		va = oldva + oldsize;
		if (uvm_map_reserve(map, newsize - oldsize, 0, 0, &va,
			UVM_FLAG_FIXED) == 0) {
			error = uvm_mremap_extend(
			    p, oldva + oldsize, newsize - oldsize);
			if (error != 0) {
				(void)uvm_unmap(
				    map, oldva + oldsize, oldva + newsize);
				return error;
			}
			*retp = oldva;
			return 0;
		}
		if (fixed)
			return ENOMEM;
	}

	/* Move (or duplicate). */
	if (!uvm_mremap_as_ok(
		p, dup ? newsize : (newsize > oldsize ? newsize - oldsize : 0)))
		return ENOMEM;
	if (!fixed) {
		newva = p->p_topdown
		    ? uvm_trunc_page(uvm,
			  p->p_vmspace->vm_maxsaddr - (1ull << 20) - newsize)
		    : uvm_round_page(
			  uvm, p->p_vmspace->vm_daddr + (8ull << 30));
	}
	dstva = newva;
	if (uvm_map_reserve(map, newsize, oldva, align, &dstva,
		fixed ? UVM_FLAG_FIXED : 0) != 0)
		return ENOMEM;
	KASSERT(!fixed || dstva == newva);
	newva = dstva;
	movesize = oldsize < newsize ? oldsize : newsize;
	error = uvm_mremap_extract(map, oldva, movesize, newva, false);
	if (error != 0) {
		(void)uvm_unmap(map, newva, newva + newsize);
		return error;
	}
	if (newsize > oldsize) {
		error =
		    uvm_mremap_extend(p, newva + oldsize, newsize - oldsize);
		if (error != 0) {
			(void)uvm_unmap(map, newva, newva + newsize);
			return error;
		}
	}
	if (!dup && oldva != newva)
		(void)uvm_unmap(map, oldva, oldva + oldsize);
	*retp = newva;
	return 0;
}

/*
 * Linux: the checks of vma_to_resize() for [addr, addr + old_len) growing
 * to new_len: addr unmapped or the range beyond its VMA (EFAULT); a zero
 * old_len on private memory (EINVAL); growth of a locked VMA over
 * RLIMIT_MEMLOCK (EAGAIN); over RLIMIT_AS (ENOMEM).
 */
static int
uvm_mremap_linux_vma(struct uvm_proc *p, vaddr_t addr, vsize_t old_len,
    vsize_t new_len, vaddr_t *vsp, vaddr_t *vep, struct uvm_map_entry_info *mi)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	uint64_t lim;
	size_t nent;
	vsize_t size;
	bool locked;

	if (!uvm_proc_linux_vma(p, addr, vsp, vep, mi))
		return EFAULT;
	if (old_len == 0 && (mi->mi_flags & UVM_MI_COW) != 0)
		return EINVAL;
	if (old_len > *vep - addr)
		return EFAULT;
	if (new_len == old_len)
		return 0;
	locked = uvm_rangeset_intersects_p(&p->p_locked, addr, addr + 1);
	lim = uvm_proc_limit(p, UVM_RLIMIT_MEMLOCK);
	if (locked && !p->p_privileged &&
	    uvm_rangeset_bytes(&p->p_locked) + (new_len - old_len) >
		uvm_trunc_page(uvm, lim))
		return EAGAIN;
	lim = uvm_proc_limit(p, UVM_RLIMIT_AS);
	uvm_map_stat(map, &nent, &size);
	if (lim != UVM_RLIM_INFINITY &&
	    size + (new_len - old_len) > uvm_trunc_page(uvm, lim))
		return ENOMEM;
	return 0;
}

/*
 * Linux's move_vma(): move [addr, addr + old_len) to new_addr (reserved
 * there), grow it to new_len, unmap the source unless DONTUNMAP (then the
 * source is left as empty memory of the same kind, unlocked); a locked
 * source makes a locked, populated destination.
 */
static int
uvm_mremap_linux_move(struct uvm_proc *p, vaddr_t addr, vsize_t old_len,
    vsize_t new_len, vaddr_t new_addr, bool dontunmap,
    const struct uvm_map_entry_info *mi)
{
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	bool locked;
	vaddr_t s;
	int error;

	locked = uvm_rangeset_intersects_p(&p->p_locked, addr, addr + 1);
	if (old_len != 0) {
		error = uvm_mremap_extract(map, addr, old_len, new_addr, false);
		if (error != 0) {
			(void)uvm_unmap(map, new_addr, new_addr + new_len);
			return error;
		}
	}
	if (new_len > old_len) {
		/* Fresh memory of the same kind behind the moved part. */
		s = new_addr + old_len;
		error = (mi->mi_flags & UVM_MI_COW) == 0 &&
			uvm_atop(p->p_uvm, new_len - old_len) >
			    (uint64_t)INT_MAX
		    ? ENOMEM
		    : 0;
		if (error == 0)
			error = uvm_map(map, &s, new_len - old_len, NULL,
			    UVM_UNKNOWN_OFFSET, 0,
			    UVM_MAPFLAG(mi->mi_prot, mi->mi_maxprot,
				mi->mi_inherit, mi->mi_advice,
				UVM_FLAG_FIXED | UVM_FLAG_UNMAP |
				    ((mi->mi_flags & UVM_MI_COW) != 0
					    ? UVM_FLAG_COPYONW
					    : UVM_FLAG_OVERLAY)));
		if (error != 0) {
			(void)uvm_unmap(map, new_addr, new_addr + new_len);
			return error;
		}
	}
	if (old_len != 0) {
		if (dontunmap) {
			/* The source keeps its mapping, emptied. */
			s = addr;
			(void)uvm_map(map, &s, old_len, NULL,
			    UVM_UNKNOWN_OFFSET, 0,
			    UVM_MAPFLAG(mi->mi_prot, mi->mi_maxprot,
				mi->mi_inherit, mi->mi_advice,
				UVM_FLAG_FIXED | UVM_FLAG_UNMAP |
				    ((mi->mi_flags & UVM_MI_COW) != 0
					    ? UVM_FLAG_COPYONW
					    : UVM_FLAG_OVERLAY)));
		} else {
			(void)uvm_unmap(map, addr, addr + old_len);
		}
		(void)uvm_rangeset_remove(&p->p_locked, addr, addr + old_len);
	}
	if (locked) {
		(void)uvm_rangeset_add(
		    &p->p_locked, new_addr, new_addr + new_len);
		(void)uvm_sys_wire_accessible(
		    p, new_addr, new_addr + new_len, false);
	}
	return 0;
}

/* Linux's get_unmapped_area() for a moved mapping (hint, or fixed). */
static int
uvm_mremap_linux_reserve(
    struct uvm_proc *p, vaddr_t hint, vsize_t len, bool fixed, vaddr_t *vap)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	vaddr_t vmin, vmax, va;

	uvm_map_bounds(map, &vmin, &vmax);
	if (len > vmax)
		return ENOMEM;
	if (fixed) {
		va = hint;
		if (va > vmax - len)
			return ENOMEM;
		if (va < p->p_mmap_min && !p->p_privileged)
			return EPERM;
		if (uvm_map_reserve(map, len, 0, 0, &va, UVM_FLAG_FIXED) != 0)
			return ENOMEM;
		*vap = va;
		return 0;
	}
	va = uvm_trunc_page(uvm, hint);
	if (va != 0 && va >= p->p_mmap_min && va <= vmax - len &&
	    uvm_map_reserve(map, len, 0, 0, &va, UVM_FLAG_FIXED) == 0) {
		*vap = va;
		return 0;
	}
	va = uvm_sys_defaddr(p, len);
	if (uvm_map_reserve(map, len, 0, 0, &va, 0) != 0)
		return ENOMEM;
	*vap = va;
	return 0;
}

/*
 * mremap, Linux.  Order: unknown flags, FIXED without MAYMOVE, DONTUNMAP
 * without MAYMOVE or with a size change (EINVAL); unaligned address
 * (EINVAL); sizes rounded, new size 0 (EINVAL).  FIXED or DONTUNMAP go to
 * mremap_to(): unaligned or out-of-range destination or overlap with the
 * source (EINVAL), the destination unmapped first, a shrink unmapped, the
 * VMA checks, the DONTUNMAP RLIMIT_AS check, then the move.  Otherwise a
 * shrink (or no change) unmaps the tail and returns the address; growth
 * checks the VMA, grows in place when the space behind is free, and
 * moves with MAYMOVE (else ENOMEM).
 */
int
uvm_sys_mremap_linux(struct uvm_proc *p, vaddr_t addr, vsize_t old_len,
    vsize_t new_len, int flags, vaddr_t new_addr, vaddr_t *retp)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	struct uvm_map_entry_info mi;
	vaddr_t vmin, vmax, vs, ve, dst, va;
	const vsize_t pmask = UVM_PAGE_MASK(uvm);
	int error;

	KASSERT(p != NULL && retp != NULL);
	if (!uvm_proc_linux_p(p))
		return EINVAL;
	if ((flags &
		~(UVM_MREMAP_MAYMOVE | UVM_MREMAP_FIXED |
		    UVM_MREMAP_DONTUNMAP)) != 0)
		return EINVAL;
	if ((flags & UVM_MREMAP_FIXED) != 0 &&
	    (flags & UVM_MREMAP_MAYMOVE) == 0)
		return EINVAL;
	if ((flags & UVM_MREMAP_DONTUNMAP) != 0 &&
	    ((flags & UVM_MREMAP_MAYMOVE) == 0 || old_len != new_len))
		return EINVAL;
	if ((addr & pmask) != 0)
		return EINVAL;
	old_len =
	    old_len > UINT64_MAX - pmask ? 0 : uvm_round_page(uvm, old_len);
	new_len =
	    new_len > UINT64_MAX - pmask ? 0 : uvm_round_page(uvm, new_len);
	if (new_len == 0)
		return EINVAL;
	uvm_map_bounds(map, &vmin, &vmax);

	if ((flags & (UVM_MREMAP_FIXED | UVM_MREMAP_DONTUNMAP)) != 0) {
		const bool fixed = (flags & UVM_MREMAP_FIXED) != 0;

		if ((new_addr & pmask) != 0)
			return EINVAL;
		if (new_len > vmax || new_addr > vmax - new_len)
			return EINVAL;
		if (addr + old_len > new_addr && new_addr + new_len > addr)
			return EINVAL;
		if (fixed) {
			error = uvm_sys_munmap(p, new_addr, new_len);
			if (error != 0)
				return error;
		}
		if (old_len > new_len) {
			error = uvm_sys_munmap(
			    p, addr + new_len, old_len - new_len);
			if (error != 0)
				return error;
			old_len = new_len;
		}
		error = uvm_mremap_linux_vma(
		    p, addr, old_len, new_len, &vs, &ve, &mi);
		if (error != 0)
			return error;
		if ((flags & UVM_MREMAP_DONTUNMAP) != 0 &&
		    !uvm_mremap_as_ok(p, old_len))
			return ENOMEM;
		error =
		    uvm_mremap_linux_reserve(p, new_addr, new_len, fixed, &dst);
		if (error != 0)
			return error;
		error = uvm_mremap_linux_move(p, addr, old_len, new_len, dst,
		    (flags & UVM_MREMAP_DONTUNMAP) != 0, &mi);
		if (error != 0)
			return error;
		*retp = dst;
		return 0;
	}

	if (old_len >= new_len) {
		if (old_len != new_len) {
			error = uvm_sys_munmap(
			    p, addr + new_len, old_len - new_len);
			if (error != 0)
				return error;
		}
		*retp = addr;
		return 0;
	}
	error = uvm_mremap_linux_vma(p, addr, old_len, new_len, &vs, &ve, &mi);
	if (error != 0)
		return error;
	if (old_len == ve - addr && ve + (new_len - old_len) > ve &&
	    ve + (new_len - old_len) <= vmax) {
		va = ve;
		if (uvm_map_reserve(map, new_len - old_len, 0, 0, &va,
			UVM_FLAG_FIXED) == 0) {
			error = uvm_mremap_extend(p, ve, new_len - old_len);
			if (error != 0) {
				(void)uvm_unmap(
				    map, ve, ve + (new_len - old_len));
				return error;
			}
			if (uvm_rangeset_intersects_p(
				&p->p_locked, addr, addr + 1)) {
				(void)uvm_rangeset_add(
				    &p->p_locked, ve, ve + (new_len - old_len));
				(void)uvm_sys_wire_accessible(
				    p, ve, ve + (new_len - old_len), false);
			}
			*retp = addr;
			return 0;
		}
	}
	if ((flags & UVM_MREMAP_MAYMOVE) == 0)
		return ENOMEM;
	error = uvm_mremap_linux_reserve(p, 0, new_len, false, &dst);
	if (error != 0)
		return error;
	error =
	    uvm_mremap_linux_move(p, addr, old_len, new_len, dst, false, &mi);
	if (error != 0)
		return error;
	*retp = dst;
	return 0;
}
