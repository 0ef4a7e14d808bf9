/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_coredump.c: the walk over an address space that a core dump writer
 * needs: uvm_coredump_walkmap() and uvm_coredump_count_segs().
 *
 * Design note.  The walk reports one segment per map entry, in address
 * order, with the map unlocked while the caller's function runs (it reads
 * the memory, which faults).  Two lessons from UVM's history shape it:
 *
 *  - Pages of anonymous memory never touched are zeros that need not be
 *    written: each segment carries realend, the end of the part that was
 *    ever instantiated.  For memory with only an amap, that is the page
 *    after the last slot holding an anon; memory with neither amap nor
 *    object has nothing instantiated (realend == start); object memory is
 *    taken as instantiated throughout (its pages may be in a pager).
 *
 *  - Reading a sparse amap faults in its holes, and a fault may copy a
 *    large needs-copy amap in chunks, splitting the entry.  A walk that
 *    followed entry links kept across the callback would then meet the
 *    pieces of an entry it had already dumped and dump them again.  So
 *    the walk keeps only an address: after each callback it locks the
 *    map again and looks up the first entry at or after the end of the
 *    last segment.  No byte is ever reported twice, whatever the callback
 *    does to the map.
 */
#include <errno.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_fault.h"
#include "uvm_map.h"

/*
 * uvm_coredump_realend: the end of the instantiated part of [start, end)
 * in an amap-only entry.
 *	=> map read-locked
 */
static vaddr_t
uvm_coredump_realend(
    struct uvm *uvm, struct vm_map_entry *entry, vaddr_t start, vaddr_t end)
{
	struct vm_amap *amap = entry->aref.ar_amap;
	struct vm_anon *anons[UVM_AMAP_CHUNK];
	vaddr_t va, realend = start;
	int n, i;

	amap_lock(amap, RW_READER);
	/* Backwards, a chunk at a time: the last anon decides. */
	for (va = end; va > start && realend == start;) {
		n = (int)uvm_atop(uvm, va - start);
		if (n > UVM_AMAP_CHUNK)
			n = UVM_AMAP_CHUNK;
		va -= uvm_ptoa(uvm, n);
		amap_lookups(&entry->aref, va - entry->start, anons, n);
		for (i = n - 1; i >= 0; i--) {
			if (anons[i] != NULL) {
				realend = va + uvm_ptoa(uvm, i + 1);
				break;
			}
		}
	}
	amap_unlock(amap);
	return realend;
}

/*
 * uvm_coredump_next: describe the segment at or after *vap.
 *	=> map not locked on entry or return
 *	=> true with *st filled and *vap = st->end; false at the end
 */
static bool
uvm_coredump_next(
    struct vmspace *vm, vaddr_t *vap, struct uvm_coredump_state *st)
{
	struct vm_map *map = &vm->vm_map;
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *entry;
	vaddr_t start = *vap;

	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, start, &entry)) {
		entry = entry->next;
		if (entry == &map->header) {
			vm_map_unlock_read(map);
			return false;
		}
		start = entry->start;
	}
	st->start = start;
	st->end = entry->end;
	st->prot = entry->protection;
	st->flags = 0;
	if ((entry->protection & VM_PROT_READ) == 0 || UVM_ET_ISSUBMAP(entry)) {
		st->realend = start;
		st->flags |= UVM_COREDUMP_NODUMP;
	} else if (UVM_ET_ISOBJ(entry)) {
		st->realend = st->end;
	} else if (entry->aref.ar_amap == NULL) {
		st->realend = start;
	} else {
		st->realend = uvm_coredump_realend(uvm, entry, start, st->end);
	}
	if (vm->vm_maxsaddr < vm->vm_minsaddr && start >= vm->vm_maxsaddr &&
	    start < vm->vm_minsaddr)
		st->flags |= UVM_COREDUMP_STACK;
	vm_map_unlock_read(map);
	*vap = st->end;
	return true;
}

/*
 * uvm_coredump_walkmap: call func for each segment (see uvm_fault.h).
 *	=> map not locked; func runs with nothing locked and may fault
 *	=> 0, EINVAL, or the first non-zero value func returned
 */
int
uvm_coredump_walkmap(
    struct vmspace *vm, int (*func)(struct uvm_coredump_state *), void *cookie)
{
	struct uvm_coredump_state st;
	vaddr_t va;
	int error;

	if (vm == NULL || func == NULL)
		return EINVAL;
	va = vm_map_min(&vm->vm_map);
	while (uvm_coredump_next(vm, &va, &st)) {
		st.cookie = cookie;
		error = func(&st);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * uvm_coredump_count_segs: the number of segments the walk reports now.
 */
int
uvm_coredump_count_segs(struct vmspace *vm)
{
	struct vm_map *map;
	struct vm_map_entry *entry;
	int n = 0;

	if (vm == NULL)
		return 0;
	map = &vm->vm_map;
	vm_map_lock_read(map);
	for (entry = map->header.next; entry != &map->header;
	     entry = entry->next)
		n++;
	vm_map_unlock_read(map);
	return n;
}
