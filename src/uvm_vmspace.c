/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_vmspace.c: address-space life cycle and identity: fork with
 * inheritance, exec, share, unshare, spawn; virtual object addresses;
 * the residency query behind mincore(2).
 *
 * uvmspace_alloc(), uvmspace_addref() and uvmspace_free() belong to the
 * map layer (uvm_map.c); this file builds on them.
 *
 * Design note: fork.
 *
 * uvmspace_fork() walks the parent's entries in order with the parent map
 * write-locked and builds the child's entries at the end of the child map:
 *
 *   NONE	nothing: the child has a hole there.
 *   SHARE	the child's entry references the same amap and object.  A
 *		needs-copy parent entry first gets its own amap (amap_copy),
 *		or parent and child would share an amap that the parent's
 *		next write replaces (and so stop sharing).
 *   COPY	the child's entry is copy-on-write and needs-copy, sharing
 *		the parent's amap and object until one of them writes.  The
 *		parent must then not write in place either: its mappings are
 *		write-protected and its entry marked needs-copy too.  That
 *		lazy scheme is only right when the parent's amap is its
 *		private copy-on-write amap; otherwise the child's amap is
 *		copied at once (its anons become shared, an_ref 2, so either
 *		side's next write copies the page), and every mapping of
 *		those anons' pages is write-protected, the other sharers'
 *		included:
 *		  - the amap is shared (AMAP_SHARED: a SHARE-inherited
 *		    region): a parent marked needs-copy would leave the
 *		    sharing at its next write;
 *		  - the parent entry is not copy-on-write: needs-copy would
 *		    break its invariant;
 *		  - the parent entry is wired: it must not fault, so it
 *		    cannot be write-protected either; the child's copies are
 *		    made now with amap_cow_now().
 *   ZERO	the child gets fresh zero-fill memory of the same size and
 *		attributes (anonymous, copy-on-write, needs-copy, no amap);
 *		the parent is untouched.
 *
 * Wirings are not inherited.  A failure (no entry, amap or page: fault
 * injection) frees the half-built child; what was done to the parent
 * (needs-copy, write protection, a SHARE amap_copy) leaves it correct, it
 * only costs it a copy-on-write fault later.
 *
 * Lock order: parent map, child map (both LC_MAP: the child is private to
 * us, so the nesting cannot deadlock), then amaps.
 */
#include <errno.h>
#include <string.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"

/* The owner type in the low bit of uvm_voaddr.v_object. */
#define UVM_VOADDR_OBJECT  0x0u
#define UVM_VOADDR_ANON    0x1u
#define UVM_VOADDR_TYPE(v) ((unsigned)((v)->v_object & 1u))
#define UVM_VOADDR_PTR(v)  ((void *)((v)->v_object & ~(uintptr_t)1))

/* How many times voaddr/fork paths retry after the map changed. */
#define UVM_VMSPACE_MAXTRIES 16

/* ---------------------------------------------------------------------- */
/* Fork. */

/*
 * uvmspace_write_protect_anons: write-protect every mapping, in every
 * pmap, of the resident pages of the anons the entry's amap holds.
 *	=> the entry's map locked; takes and drops the amap lock
 */
static void
uvmspace_write_protect_anons(struct uvm *uvm, struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anons[UVM_AMAP_CHUNK];
	vaddr_t off, len = entry->end - entry->start;
	int i, n;

	amap_lock(amap, RW_WRITER);
	for (off = 0; off < len; off += uvm_ptoa(uvm, n)) {
		n = (int)uvm_atop(uvm, len - off);
		if (n > UVM_AMAP_CHUNK)
			n = UVM_AMAP_CHUNK;
		amap_lookups(&entry->aref, off, anons, n);
		for (i = 0; i < n; i++)
			if (anons[i] != NULL && anons[i]->an_page != NULL)
				pmap_page_protect(anons[i]->an_page,
				    VM_PROT_READ | VM_PROT_EXECUTE);
	}
	amap_unlock(amap);
}

/*
 * uvmspace_fork_entry: give the child its version of one parent entry.
 *	=> both maps write-locked
 *	=> 0, or ENOMEM (the child is freed by the caller)
 */
static int
uvmspace_fork_entry(struct vm_map *old_map, struct vm_map_entry *old_entry,
    struct vm_map *new_map)
{
	struct uvm *uvm = old_map->uvm;
	struct vm_map_entry *new_entry;
	struct vm_amap *amap;
	vsize_t len = old_entry->end - old_entry->start;
	vsize_t nslots = uvm_atop(uvm, len);
	int error;

	KASSERT(!UVM_ET_ISSUBMAP(old_entry));
	KASSERT(
	    UVM_ET_ISCOPYONWRITE(old_entry) || !UVM_ET_ISNEEDSCOPY(old_entry));

	switch (old_entry->inheritance) {
	case UVM_INH_NONE:
		return 0;

	case UVM_INH_SHARE:
		if (UVM_ET_ISNEEDSCOPY(old_entry)) {
			amap_copy(old_map, old_entry,
			    AMAP_COPY_NOCHUNK | AMAP_COPY_NOWAIT, 0, 0);
			if (UVM_ET_ISNEEDSCOPY(old_entry))
				return ENOMEM;
		}
		new_entry = uvm_mapent_alloc(new_map, PR_NOWAIT);
		if (new_entry == NULL)
			return ENOMEM;
		uvm_mapent_copy(old_entry, new_entry);
		new_entry->wired_count = 0;
		if (new_entry->aref.ar_amap != NULL)
			amap_ref(new_entry->aref.ar_amap,
			    (vaddr_t)new_entry->aref.ar_pageoff, nslots,
			    AMAP_SHARED);
		if (UVM_ET_ISOBJ(new_entry) &&
		    new_entry->object.uvm_obj->pgops->pgo_reference != NULL)
			new_entry->object.uvm_obj->pgops->pgo_reference(
			    new_entry->object.uvm_obj);
		uvm_map_entry_link(new_map, new_map->header.prev, new_entry);
		new_map->size += len;
		return 0;

	case UVM_INH_ZERO:
		new_entry = uvm_mapent_alloc(new_map, PR_NOWAIT);
		if (new_entry == NULL)
			return ENOMEM;
		uvm_mapent_copy(old_entry, new_entry);
		new_entry->wired_count = 0;
		new_entry->object.uvm_obj = NULL;
		new_entry->offset = 0;
		new_entry->aref.ar_amap = NULL;
		new_entry->aref.ar_pageoff = 0;
		new_entry->etype = UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
		uvm_map_entry_link(new_map, new_map->header.prev, new_entry);
		new_map->size += len;
		return 0;

	case UVM_INH_COPY:
		break;

	default:
		panic("uvmspace_fork: entry %p has inheritance %u",
		    (void *)old_entry, old_entry->inheritance);
	}

	new_entry = uvm_mapent_alloc(new_map, PR_NOWAIT);
	if (new_entry == NULL)
		return ENOMEM;
	uvm_mapent_copy(old_entry, new_entry);
	new_entry->wired_count = 0;
	new_entry->etype |= UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY;
	amap = new_entry->aref.ar_amap;
	if (amap != NULL)
		amap_ref(amap, (vaddr_t)new_entry->aref.ar_pageoff, nslots, 0);
	if (UVM_ET_ISOBJ(new_entry) &&
	    new_entry->object.uvm_obj->pgops->pgo_reference != NULL)
		new_entry->object.uvm_obj->pgops->pgo_reference(
		    new_entry->object.uvm_obj);
	/* Linked now, so that freeing the child drops the references. */
	uvm_map_entry_link(new_map, new_map->header.prev, new_entry);
	new_map->size += len;
	if (amap == NULL)
		return 0; /* nothing private yet: the object is shared */

	if (amap_shared_p(amap) || !UVM_ET_ISCOPYONWRITE(old_entry) ||
	    VM_MAPENT_ISWIRED(old_entry)) {
		/* The eager cases (see the design note). */
		amap_copy(new_map, new_entry,
		    AMAP_COPY_NOCHUNK | AMAP_COPY_NOWAIT, 0, 0);
		if (UVM_ET_ISNEEDSCOPY(new_entry))
			return ENOMEM;
		if (VM_MAPENT_ISWIRED(old_entry)) {
			error = amap_cow_now(new_map, new_entry);
			if (error != 0)
				return error;
		} else {
			uvmspace_write_protect_anons(uvm, new_entry);
		}
		return 0;
	}

	/* The lazy case: parent and child both copy on their next write. */
	if (!UVM_ET_ISNEEDSCOPY(old_entry)) {
		if ((old_entry->protection & VM_PROT_WRITE) != 0)
			pmap_protect(old_map->pmap, old_entry->start,
			    old_entry->end,
			    old_entry->protection & ~VM_PROT_WRITE);
		old_entry->etype |= UVM_ET_NEEDSCOPY;
	}
	return 0;
}

/*
 * uvmspace_fork: see <uvm/uvm_fault.h>.
 *	=> vm1's map not locked by the caller
 *	=> 0 with *vm2p (one reference), EINVAL, ENOMEM (nothing allocated)
 */
int
uvmspace_fork(struct vmspace *vm1, struct vmspace **vm2p)
{
	struct vm_map *old_map, *new_map;
	struct vm_map_entry *old_entry;
	struct vmspace *vm2;
	struct uvm *uvm;
	int error = 0;

	if (vm1 == NULL || vm2p == NULL)
		return EINVAL;
	*vm2p = NULL;
	old_map = &vm1->vm_map;
	uvm = old_map->uvm;
	vm2 = uvmspace_alloc(uvm, vm_map_min(old_map), vm_map_max(old_map),
	    (old_map->flags & VM_MAP_TOPDOWN) != 0);
	if (vm2 == NULL)
		return ENOMEM;
	new_map = &vm2->vm_map;

	vm_map_lock(old_map);
	vm_map_lock(new_map);
	vm2->vm_tsize = vm1->vm_tsize;
	vm2->vm_dsize = vm1->vm_dsize;
	vm2->vm_ssize = vm1->vm_ssize;
	vm2->vm_issize = vm1->vm_issize;
	vm2->vm_taddr = vm1->vm_taddr;
	vm2->vm_daddr = vm1->vm_daddr;
	vm2->vm_maxsaddr = vm1->vm_maxsaddr;
	vm2->vm_minsaddr = vm1->vm_minsaddr;
	vm2->vm_aslr_delta_mmap = vm1->vm_aslr_delta_mmap;
	for (old_entry = old_map->header.next; old_entry != &old_map->header;
	     old_entry = old_entry->next) {
		error = uvmspace_fork_entry(old_map, old_entry, new_map);
		if (error != 0)
			break;
	}
	pmap_update(old_map->pmap);
	uvm_map_check(old_map);
	if (error == 0)
		uvm_map_check(new_map);
	vm_map_unlock(new_map);
	vm_map_unlock(old_map);
	if (error != 0) {
		uvmspace_free(vm2);
		return error;
	}
	*vm2p = vm2;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Exec, share, unshare, spawn. */

/*
 * uvmspace_exec: see <uvm/uvm_fault.h>.
 *	=> *vmp's map not locked
 *	=> 0, EINVAL (bad bounds), ENOMEM (no new vmspace)
 */
int
uvmspace_exec(struct vmspace **vmp, vaddr_t vmin, vaddr_t vmax, bool topdown)
{
	struct vmspace *vm, *nvm;
	struct vm_map *map;
	struct vm_map_entry *dead;
	struct uvm *uvm;

	if (vmp == NULL || *vmp == NULL)
		return EINVAL;
	vm = *vmp;
	map = &vm->vm_map;
	uvm = map->uvm;
	if (vmin >= vmax || !uvm_page_aligned_p(uvm, vmin) ||
	    !uvm_page_aligned_p(uvm, vmax))
		return EINVAL;

	if (__atomic_load_n(&vm->vm_refcnt, __ATOMIC_ACQUIRE) == 1 &&
	    vm_map_min(map) == vmin && vm_map_max(map) == vmax &&
	    ((map->flags & VM_MAP_TOPDOWN) != 0) == topdown) {
		/* Sole owner: empty the map and reuse it. */
		vm_map_lock(map);
		__atomic_fetch_and(
		    &map->flags, ~VM_MAP_WIREFUTURE, __ATOMIC_RELAXED);
		uvm_unmap_remove(map, vmin, vmax, &dead, 0);
		vm_map_unlock(map);
		uvm_unmap_detach(map, dead);
		vm->vm_tsize = vm->vm_dsize = vm->vm_ssize = 0;
		vm->vm_issize = 0;
		vm->vm_taddr = vm->vm_daddr = 0;
		vm->vm_maxsaddr = vm->vm_minsaddr = 0;
		return 0;
	}

	/* Shared (vfork) or different bounds: a new, empty one. */
	nvm = uvmspace_alloc(uvm, vmin, vmax, topdown);
	if (nvm == NULL)
		return ENOMEM;
	*vmp = nvm;
	uvmspace_free(vm);
	return 0;
}

/*
 * uvmspace_share: another reference to vm, for a process sharing it.
 */
struct vmspace *
uvmspace_share(struct vmspace *vm)
{
	uvmspace_addref(vm);
	return vm;
}

/*
 * uvmspace_unshare: make *vmp private to the caller.
 *	=> 0 (it was, or *vmp now is a fork of it), ENOMEM
 */
int
uvmspace_unshare(struct vmspace **vmp)
{
	struct vmspace *ovm, *nvm;
	int error;

	if (vmp == NULL || *vmp == NULL)
		return EINVAL;
	ovm = *vmp;
	if (__atomic_load_n(&ovm->vm_refcnt, __ATOMIC_ACQUIRE) == 1)
		return 0;
	error = uvmspace_fork(ovm, &nvm);
	if (error != 0)
		return error;
	*vmp = nvm;
	uvmspace_free(ovm);
	return 0;
}

/*
 * uvmspace_spawn: the empty vmspace a spawned process starts with: its
 * own from the start, never borrowed (the seeds' 1.234 posix_spawn fix).
 */
int
uvmspace_spawn(struct vmspace *parent, struct vmspace **vmp)
{
	struct vm_map *map;
	struct vmspace *vm;

	if (parent == NULL || vmp == NULL)
		return EINVAL;
	map = &parent->vm_map;
	vm = uvmspace_alloc(map->uvm, vm_map_min(map), vm_map_max(map),
	    (map->flags & VM_MAP_TOPDOWN) != 0);
	if (vm == NULL)
		return ENOMEM;
	*vmp = vm;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Virtual object addresses. */

/*
 * uvm_voaddr_acquire: the identity of the byte at va (see uvm_fault.h).
 *	=> map not locked; may fault (and so sleep)
 *	=> 0 with a reference on the anon or object; EFAULT
 */
int
uvm_voaddr_acquire(struct vm_map *map, vaddr_t va, struct uvm_voaddr *voa)
{
	struct uvm *uvm;
	struct vm_map_entry *entry;
	struct vm_anon *anon;
	struct uvm_object *uobj;
	vaddr_t pva;
	vm_prot_t access;
	bool private_rw;
	int tries;

	if (map == NULL || voa == NULL)
		return EINVAL;
	uvm = map->uvm;
	pva = uvm_trunc_page(uvm, va);
	for (tries = 0; tries < UVM_VMSPACE_MAXTRIES; tries++) {
		vm_map_lock_read(map);
		if (!uvm_map_lookup_entry(map, pva, &entry) ||
		    UVM_ET_ISSUBMAP(entry) ||
		    entry->protection == VM_PROT_NONE) {
			vm_map_unlock_read(map);
			return EFAULT;
		}
		/*
     * A private writable mapping's bytes are its own only once
     * copy-on-write is resolved: needs-copy cleared (a write
     * fault does that and copies the page) and an anon at the
     * page.  We do not insist on an_ref == 1: our own reference
     * counts there too, so a second acquire would copy again.
     * Anything else that holds an anon is identified by it; then
     * the object.  (As in NetBSD, a write while the reference is
     * held copies the page away from the identity: the anon is
     * shared with us.)
     */
		private_rw = UVM_ET_ISCOPYONWRITE(entry) &&
		    (entry->protection & VM_PROT_WRITE) != 0;
		anon = NULL;
		if (entry->aref.ar_amap != NULL &&
		    !(private_rw && UVM_ET_ISNEEDSCOPY(entry))) {
			amap_lock(entry->aref.ar_amap, RW_WRITER);
			anon = amap_lookup(&entry->aref, pva - entry->start);
			if (anon != NULL) {
				anon->an_ref++;
				uvm_rwobj_hold(anon->an_lock);
				voa->v_object =
				    (uintptr_t)anon | UVM_VOADDR_ANON;
				voa->v_offset = (voff_t)(va - pva);
			}
			amap_unlock(entry->aref.ar_amap);
			if (anon != NULL) {
				vm_map_unlock_read(map);
				return 0;
			}
		}
		if (!private_rw && UVM_ET_ISOBJ(entry)) {
			uobj = entry->object.uvm_obj;
			if (uobj->pgops->pgo_reference != NULL)
				uobj->pgops->pgo_reference(uobj);
			voa->v_object = (uintptr_t)uobj | UVM_VOADDR_OBJECT;
			voa->v_offset =
			    entry->offset + (voff_t)(va - entry->start);
			vm_map_unlock_read(map);
			return 0;
		}
		/* Resolve by faulting, as the access would, and look again. */
		access =
		    private_rw ? VM_PROT_READ | VM_PROT_WRITE : VM_PROT_READ;
		vm_map_unlock_read(map);
		if (uvm_fault_internal(map, pva, access, 0) != 0)
			return EFAULT;
	}
	return EFAULT;
}

/*
 * uvm_voaddr_release: drop the reference uvm_voaddr_acquire() took.
 *	=> no locks held; the last reference frees the anon or object
 */
void
uvm_voaddr_release(struct uvm_voaddr *voa)
{
	struct vm_anon *anon;
	struct uvm_object *uobj;
	struct krwlock *lock;

	if (UVM_VOADDR_TYPE(voa) == UVM_VOADDR_ANON) {
		anon = UVM_VOADDR_PTR(voa);
		lock = anon->an_lock;
		rw_enter(lock, RW_WRITER);
		KASSERT(anon->an_ref > 0);
		if (--anon->an_ref == 0)
			uvm_anfree(anon);
		rw_exit(lock);
		uvm_rwobj_rele(lock);
	} else {
		uobj = UVM_VOADDR_PTR(voa);
		if (uobj->pgops->pgo_detach != NULL)
			uobj->pgops->pgo_detach(uobj);
	}
	voa->v_object = 0;
	voa->v_offset = 0;
}

/*
 * uvm_voaddr_compare: order two identities: -1, 0 or 1.
 */
int
uvm_voaddr_compare(const struct uvm_voaddr *a, const struct uvm_voaddr *b)
{
	if (a->v_object != b->v_object)
		return a->v_object < b->v_object ? -1 : 1;
	if (a->v_offset != b->v_offset)
		return a->v_offset < b->v_offset ? -1 : 1;
	return 0;
}

/* ---------------------------------------------------------------------- */
/*
 * Residency (mincore).
 *
 * A page is resident when the pmap maps it, or when its anon (the upper
 * layer) or, with no anon in its slot, its object page (the lower layer)
 * is in memory and not busy.  Asked page by page that costs a pmap walk
 * per page, which in the common case, a large stretch of anonymous memory
 * never touched, is all waste.  So the query works entry by entry:
 *
 *   empty	no object, and no amap or an amap holding no anon: nothing
 *		can be resident, every byte is 0.  A run of such entries
 *		costs one memset, or for mincore(2) a copy-out of zeros
 *		with no buffer at all (uvm_mincore_run() reports the run).
 *   amap	the bytes start at 0; the entry's slots are fetched in
 *		blocks (amap_lookups()) and only slots with an anon are
 *		looked at.
 *   object	the object's resident pages in the range are fetched in
 *		ascending order (uvm_obj_page_gang()), so absent pages cost
 *		nothing; then the anons override their slots, as the upper
 *		layer shadows the lower.
 *
 * The pmap is asked only where the layers cannot answer alone: an anon
 * whose page is busy or swapped out, or a busy object page, may still be
 * mapped (a page being cleaned stays mapped).  That an absent page is not
 * mapped rests on UVM's invariant for managed mappings: the fault handler
 * maps only the page of an anon in the entry's amap or of its object, and
 * anons and object pages lose their mappings before they are freed.  Two
 * kinds of entries have mappings no anon or object page explains: those of
 * kernel maps (pmap_kenter_pa()) and those of objects whose pager resolves
 * faults itself (pgo_fault: device memory).  They keep the page-by-page
 * walk, pmap first (uvm_mincore_slow()).
 *
 * Locks: the map read-locked for a run, each entry's amap and object
 * read-locked while it is examined.  Nothing sleeps or faults: the vector
 * is the caller's memory, and uvm_sys_mincore() copies it out to the
 * process with the map unlocked, run by run, since the copy may fault.
 *
 * Rejected: a snapshot of the entries through uvm_map_foreach() (what
 * mincore(2) did before): it copies every entry after the start address
 * on each call, and still left the pages of non-empty entries to a second,
 * per-page walk.
 */

/* Slots or pages fetched at a time. */
#define UVM_MINCORE_BLOCK 64
/* An empty entry at least this long (pages) ends a run of filled bytes. */
#define UVM_MINCORE_ZRUN  64

/*
 * uvm_mincore_slow_p: must the entry be asked page by page, pmap first?
 *	=> map read-locked
 */
static bool
uvm_mincore_slow_p(struct vm_map *map, struct vm_map_entry *entry)
{
	if (vm_map_kernel_p(map))
		return true;
	return UVM_ET_ISOBJ(entry) &&
	    entry->object.uvm_obj->pgops->pgo_fault != NULL;
}

/*
 * uvm_mincore_empty_p: can no page of the entry be resident?
 *	=> map read-locked; takes and drops the amap lock
 */
static bool
uvm_mincore_empty_p(struct vm_map *map, struct vm_map_entry *entry)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	int nused;

	KASSERT(vm_map_lock_held_p(map));
	if (UVM_ET_ISSUBMAP(entry) || UVM_ET_ISOBJ(entry) ||
	    uvm_mincore_slow_p(map, entry))
		return false;
	if (amap == NULL)
		return true;
	amap_lock(amap, RW_READER);
	nused = amap_nused(amap);
	amap_unlock(amap);
	return nused == 0;
}

/*
 * uvm_mincore_page: the byte of the page at va whose top-layer page is pg
 * (NULL: absent): 1 if pg is in memory and not busy, else 1 only if the
 * pmap still maps va.
 *	=> map read-locked, pg's owner locked
 */
static inline uint8_t
uvm_mincore_page(struct vm_map *map, vaddr_t va, const struct vm_page *pg)
{
	paddr_t pa;

	if (pg != NULL && (pg->flags & PG_BUSY) == 0)
		return 1;
	return pmap_extract(vm_map_pmap(map), va, &pa) ? 1 : 0;
}

/*
 * uvm_mincore_slow: vec[0..npages) for the pages from va in entry, page
 * by page: mapped, else the anon's page, else the object's page.
 *	=> map read-locked, the entry's amap and object locked
 */
static void
uvm_mincore_slow(struct vm_map *map, struct vm_map_entry *entry, vaddr_t va,
    vsize_t npages, uint8_t *vec)
{
	struct uvm *uvm = map->uvm;
	struct vm_anon *anon;
	struct vm_page *pg;
	vsize_t i;
	paddr_t pa;

	for (i = 0; i < npages; i++, va += UVM_PAGE_SIZE(uvm)) {
		vec[i] = 0;
		if (pmap_extract(vm_map_pmap(map), va, &pa)) {
			vec[i] = 1;
			continue;
		}
		if (entry->aref.ar_amap != NULL) {
			anon = amap_lookup(&entry->aref, va - entry->start);
			if (anon != NULL) {
				pg = anon->an_page;
				vec[i] =
				    pg != NULL && (pg->flags & PG_BUSY) == 0;
				continue;
			}
		}
		if (UVM_ET_ISOBJ(entry)) {
			pg = uvm_pagelookup(entry->object.uvm_obj,
			    entry->offset + (voff_t)(va - entry->start));
			vec[i] = pg != NULL && (pg->flags & PG_BUSY) == 0;
		}
	}
}

/*
 * uvm_mincore_entry: vec[0..npages) for the pages from va in entry (not
 * a submap), by the layers as the design note says.
 *	=> map read-locked; takes and drops the entry's amap and object locks
 */
static void
uvm_mincore_entry(struct vm_map *map, struct vm_map_entry *entry, vaddr_t va,
    vsize_t npages, uint8_t *vec)
{
	struct uvm *uvm = map->uvm;
	struct vm_anon *anons[UVM_MINCORE_BLOCK];
	struct vm_page *pgs[UVM_MINCORE_BLOCK];
	struct uvm_object *uobj;
	voff_t off, soff, eoff;
	vsize_t i, j, n;
	unsigned k, got;

	KASSERT(vm_map_lock_held_p(map));
	KASSERT(!UVM_ET_ISSUBMAP(entry));
	KASSERT(va >= entry->start && va + uvm_ptoa(uvm, npages) <= entry->end);
	uvm_map_lock_entry(entry, RW_READER);
	if (uvm_mincore_slow_p(map, entry)) {
		uvm_mincore_slow(map, entry, va, npages, vec);
		goto out;
	}
	memset(vec, 0, npages);
	if (UVM_ET_ISOBJ(entry)) {
		uobj = entry->object.uvm_obj;
		soff = entry->offset + (voff_t)(va - entry->start);
		eoff = soff + (voff_t)uvm_ptoa(uvm, npages);
		for (off = soff; off < eoff;) {
			got = uvm_obj_page_gang(
			    uobj, off, pgs, UVM_MINCORE_BLOCK);
			for (k = 0; k < got && pgs[k]->offset < eoff; k++) {
				i = uvm_atop(uvm, pgs[k]->offset - soff);
				vec[i] = uvm_mincore_page(
				    map, va + uvm_ptoa(uvm, i), pgs[k]);
			}
			if (k < UVM_MINCORE_BLOCK)
				break;
			off = pgs[k - 1]->offset + UVM_PAGE_SIZE(uvm);
		}
	}
	if (entry->aref.ar_amap != NULL &&
	    amap_nused(entry->aref.ar_amap) > 0) {
		for (i = 0; i < npages; i += n) {
			n = npages - i < UVM_MINCORE_BLOCK ? npages - i
							   : UVM_MINCORE_BLOCK;
			amap_lookups(&entry->aref,
			    va - entry->start + uvm_ptoa(uvm, i), anons,
			    (int)n);
			for (j = 0; j < n; j++)
				if (anons[j] != NULL)
					vec[i + j] = uvm_mincore_page(map,
					    va + uvm_ptoa(uvm, i + j),
					    anons[j]->an_page);
		}
	}
out:
	uvm_map_unlock_entry(entry);
}

/*
 * uvm_mincore_run: see uvm_map.h.
 *	=> map not locked (read-locked inside); never faults or sleeps
 */
int
uvm_mincore_run(struct vm_map *map, vaddr_t start, vsize_t maxpages,
    uint8_t *vec, vsize_t vecpages, vsize_t *npagesp, bool *zerop)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *entry;
	vsize_t done = 0, limit = 0, n;
	vaddr_t va = start;
	bool zero = false, empty;
	int error = 0;

	KASSERT(uvm_page_aligned_p(uvm, start));
	KASSERT(vec != NULL && npagesp != NULL);
	KASSERT(vecpages > 0 && vecpages <= maxpages);
	KASSERT(start + uvm_ptoa(uvm, maxpages) > start);
	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, start, &entry))
		goto out;
	for (;;) {
		if (entry == &map->header || entry->start > va)
			break; /* a hole */
		if (UVM_ET_ISSUBMAP(entry)) {
			/* A run ends before it; the next, from it, fails. */
			if (done == 0 || zerop == NULL)
				error = EINVAL;
			break;
		}
		empty = uvm_mincore_empty_p(map, entry);
		if (done == 0) {
			zero = zerop != NULL && empty;
			limit = zero ? maxpages : vecpages;
		}
		n = uvm_atop(uvm, entry->end - va);
		if (n > limit - done)
			n = limit - done;
		if (zero && !empty)
			break;
		if (!zero && empty && zerop != NULL && done > 0 &&
		    n >= UVM_MINCORE_ZRUN)
			break; /* left to a run of zeros */
		if (!zero && empty)
			memset(vec + done, 0, n);
		else if (!zero)
			uvm_mincore_entry(map, entry, va, n, vec + done);
		done += n;
		va += uvm_ptoa(uvm, n);
		if (done == limit)
			break;
		entry = entry->next;
	}
out:
	vm_map_unlock_read(map);
	*npagesp = done;
	if (zerop != NULL)
		*zerop = zero;
	return error;
}

/*
 * uvm_mincore: see <uvm/uvm_fault.h>.
 *	=> map not locked; never faults
 *	=> 0, EINVAL (unaligned start, a submap), ENOMEM (a hole: vec filled
 *	   up to it)
 */
int
uvm_mincore(struct vm_map *map, vaddr_t start, vsize_t len, uint8_t *vec)
{
	struct uvm *uvm;
	vaddr_t end;
	vsize_t npages, done;
	int error;

	if (map == NULL || (len != 0 && vec == NULL))
		return EINVAL;
	uvm = map->uvm;
	if (!uvm_page_aligned_p(uvm, start))
		return EINVAL;
	if (len == 0)
		return 0;
	end = uvm_round_page(uvm, start + len);
	if (end <= start)
		return ENOMEM;
	npages = uvm_atop(uvm, end - start);
	/* One run: no zero runs asked for, so it ends only at a hole. */
	error = uvm_mincore_run(map, start, npages, vec, npages, &done, NULL);
	if (error == 0 && done < npages)
		error = ENOMEM;
	return error;
}
