/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_fault.h: the public interface of page faults, simulated memory
 * access, wiring, address-space life cycle (fork, exec, share), virtual
 * object addresses and the core-dump walk.
 *
 * Every function returns 0 or a positive errno.  The errno choices:
 *	EFAULT	nothing is mapped at the address (or the range has a hole)
 *	EACCES	the mapping does not allow the access (uvm_fault, uvm_access)
 *	ENOMEM	no page, anon, amap or map entry could be had
 *	EIO	the pager failed to read the page
 * The copy functions report EFAULT for every failure, as copyin(9) does,
 * and tell through *donep how many bytes were copied before it.
 */
#ifndef _UVM_UVM_FAULT_H_
#define _UVM_UVM_FAULT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uvm/uvm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;
struct vm_map;
struct vmspace;

/*
 * uvm_fault: resolve a fault at va for access_type (UVM_ACCESS_* bits), as
 * the trap handler of a machine would after a failed access: afterwards the
 * access succeeds through the pmap.
 */
UVM_EXPORT int uvm_fault(struct vm_map *, vaddr_t va, vm_prot_t access_type);

/*
 * Transient wiring (vslock(9)): fault [start, end) in and wire the pages
 * and their mappings; with maxprot, fault at the entries' maximum
 * protection (private writable mappings are copied to anonymous memory).
 * uvm_fault_unwire() undoes one uvm_fault_wire() of the same range.
 */
UVM_EXPORT int uvm_fault_wire(struct vm_map *, vaddr_t start, vaddr_t end,
    vm_prot_t access_type, bool maxprot);
UVM_EXPORT void uvm_fault_unwire(struct vm_map *, vaddr_t start, vaddr_t end);

/*
 * Wiring of map entries (mlock(2)/munlock(2)/mlockall(2)).
 * uvm_map_pageable(): new_pageable false wires [start, end), true unwires
 * it (one call undoes any number of wirings, as POSIX wants).  lockflags:
 * UVM_LK_ENTER the caller holds the map write-locked; UVM_LK_EXIT keep it
 * locked on return.  EFAULT: start not mapped; EINVAL: a hole, a PROT_NONE
 * entry, or (unwiring) an entry that is not wired.
 * uvm_map_pageable_all(): UVM_MCL_CURRENT wires every entry, UVM_MCL_FUTURE
 * makes later mappings wired; flags 0 unwires everything and clears
 * UVM_MCL_FUTURE.  limit (bytes, 0: none) bounds the wired size: ENOMEM.
 */
#define UVM_LK_ENTER 0x1
#define UVM_LK_EXIT  0x2
UVM_EXPORT int uvm_map_pageable(struct vm_map *, vaddr_t start, vaddr_t end,
    bool new_pageable, int lockflags);
#define UVM_MCL_CURRENT 0x1
#define UVM_MCL_FUTURE  0x2
UVM_EXPORT int uvm_map_pageable_all(struct vm_map *, int flags, vsize_t limit);

/*
 * uvm_map_clean: msync(2)/madvise(2) on [start, end).  Flags: write dirty
 * pages back (UVM_CLEAN_CLEANIT, synchronously with UVM_CLEAN_SYNCIO),
 * deactivate the pages (UVM_CLEAN_DEACTIVATE) or free them
 * (UVM_CLEAN_FREE: private anonymous pages only, the next access sees
 * zeros).  EFAULT if the range has a hole.
 */
#define UVM_CLEAN_CLEANIT    0x001
#define UVM_CLEAN_SYNCIO     0x002
#define UVM_CLEAN_DEACTIVATE 0x004
#define UVM_CLEAN_FREE       0x008
UVM_EXPORT int uvm_map_clean(
    struct vm_map *, vaddr_t start, vaddr_t end, int flags);

/*
 * Simulated memory access.  uvm_access() performs one load, store or
 * instruction fetch of len bytes at va (it may cross pages): it sets the
 * referenced and modified bits and faults as needed.  The copy functions
 * move data between the caller's memory and the address space.
 * uvm_copyinstr()/uvm_copyoutstr() copy a NUL-terminated string of at most
 * maxlen bytes (NUL included), report its length with the NUL in *donep,
 * and fail with ENAMETOOLONG when no NUL came within maxlen bytes.  The word
 * functions need natural alignment (EFAULT otherwise).
 */
UVM_EXPORT int uvm_access(
    struct vmspace *, vaddr_t va, size_t len, vm_prot_t access_type);
UVM_EXPORT int uvm_copyin(
    struct vmspace *, vaddr_t uaddr, void *kaddr, size_t len, size_t *donep);
UVM_EXPORT int uvm_copyout(struct vmspace *, const void *kaddr, vaddr_t uaddr,
    size_t len, size_t *donep);
UVM_EXPORT int uvm_copyinstr(
    struct vmspace *, vaddr_t uaddr, char *kaddr, size_t maxlen, size_t *donep);
UVM_EXPORT int uvm_copyoutstr(struct vmspace *, const char *kaddr,
    vaddr_t uaddr, size_t maxlen, size_t *donep);
UVM_EXPORT int uvm_fuword32(struct vmspace *, vaddr_t uaddr, uint32_t *valp);
UVM_EXPORT int uvm_fuword64(struct vmspace *, vaddr_t uaddr, uint64_t *valp);
UVM_EXPORT int uvm_suword32(struct vmspace *, vaddr_t uaddr, uint32_t val);
UVM_EXPORT int uvm_suword64(struct vmspace *, vaddr_t uaddr, uint64_t val);

/*
 * Address-space life cycle.
 * uvmspace_fork(): a new vmspace built from vm1 entry by entry according to
 * inheritance: UVM_INH_SHARE shares the memory, UVM_INH_COPY gives a
 * copy-on-write copy, UVM_INH_NONE leaves a hole, UVM_INH_ZERO gives fresh
 * zero-filled memory.  Wired memory is not wired in the child.
 * uvmspace_exec(): empty the address space for a new program image with
 * bounds [vmin, vmax): reused when *vmp is not shared (and has these
 * bounds), else *vmp is replaced by a new vmspace and the old reference
 * dropped.  uvmspace_share(): a new reference to vm (vfork, RFMEM).
 * uvmspace_unshare(): make *vmp private, forking it if it is shared.
 * uvmspace_spawn(): a new, empty vmspace with the bounds and allocation
 * direction of parent, for a process being spawned (posix_spawn).
 */
UVM_EXPORT int uvmspace_fork(struct vmspace *vm1, struct vmspace **vm2p);
UVM_EXPORT int uvmspace_exec(
    struct vmspace **vmp, vaddr_t vmin, vaddr_t vmax, bool topdown);
UVM_EXPORT struct vmspace *uvmspace_share(struct vmspace *vm);
UVM_EXPORT int uvmspace_unshare(struct vmspace **vmp);
UVM_EXPORT int uvmspace_spawn(struct vmspace *parent, struct vmspace **vmp);

/*
 * Virtual object addresses: the identity of the byte at va in map, the
 * object (anon or memory object) and offset holding it, stable while the
 * reference is held whatever happens to the page.  Copy-on-write is
 * resolved first: a private writable mapping gets its own anon.  Shared
 * mappings of one byte give equal identities.  compare() orders them
 * (-1, 0, 1).
 */
struct uvm_voaddr {
	uintptr_t v_object; /* the owner, with its type in the low bit */
	voff_t v_offset;    /* byte offset within it */
};
UVM_EXPORT int uvm_voaddr_acquire(
    struct vm_map *, vaddr_t va, struct uvm_voaddr *);
UVM_EXPORT void uvm_voaddr_release(struct uvm_voaddr *);
UVM_EXPORT int uvm_voaddr_compare(
    const struct uvm_voaddr *, const struct uvm_voaddr *);

/*
 * uvm_mincore: residency of the pages of [start, start + len): vec[i] is 1
 * when page i is resident (mapped, or its anon or object page is in
 * memory), else 0.  ENOMEM if the range has a hole (mincore(2)).
 */
UVM_EXPORT int uvm_mincore(
    struct vm_map *, vaddr_t start, vsize_t len, uint8_t *vec);

/*
 * The core-dump walk.  uvm_coredump_walkmap() calls func once per segment
 * (a map entry, or what is left of it) in address order.  [start, end) is
 * the segment; [start, realend) is the part that has ever been
 * instantiated (pages never touched at the end are trimmed: they are
 * zeros).  The walk goes by address, so func may touch the memory (and
 * split entries doing so) without any region being reported twice.
 * uvm_coredump_count_segs() counts the segments the walk would report.
 */
#define UVM_COREDUMP_STACK  0x01 /* within the stack region */
#define UVM_COREDUMP_NODUMP 0x02 /* unreadable: write no data */
struct uvm_coredump_state {
	void *cookie;    /* the caller's */
	vaddr_t start;   /* first address */
	vaddr_t realend; /* end of the instantiated part */
	vaddr_t end;     /* end of the segment */
	vm_prot_t prot;  /* protection */
	int flags;       /* UVM_COREDUMP_* */
};
UVM_EXPORT int uvm_coredump_walkmap(
    struct vmspace *, int (*func)(struct uvm_coredump_state *), void *cookie);
UVM_EXPORT int uvm_coredump_count_segs(struct vmspace *);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_UVM_FAULT_H_ */
