/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_access.c: simulated memory access: uvm_access(), the copyin/copyout
 * family and word fetch/store.
 *
 * This file owns the hot path by which a simulated CPU (or the kernel on
 * its behalf) touches an address space.  Each page is reached through the
 * pmap's software TLB (pmap_access(), inline: two loads and a compare on a
 * hit); a miss walks the page tables, and when the page is not mapped
 * (EFAULT) or the mapping does not allow the access (EACCES) we take the
 * fault with uvm_fault_internal() and try again, exactly as a trap handler
 * would re-execute the faulting instruction.
 *
 * Error reporting: uvm_access() returns the fault's error (EFAULT: nothing
 * mapped, EACCES: protection, ENOMEM, EIO) so that a simulator can tell
 * SEGV_MAPERR from SEGV_ACCERR; the copy functions return EFAULT for every
 * failure, as copyin(9) does, and report the bytes moved before it.
 *
 * Locks: none held on entry; the fault takes what it needs.  The TLB is
 * read without locks, so one address space is accessed by one thread at a
 * time (pmap.h, "Concurrency"); other threads (the page daemon) may unmap
 * its pages meanwhile.  So every translate-and-touch of one page runs
 * pinned (pmap.h, "Pins"): uvm_access_page() returns with the pmap pinned,
 * and the caller unpins once it has copied.  Nothing that may block runs
 * pinned: on a TLB miss we unpin, walk or fault, then pin and look again.
 */
#include <errno.h>
#include <string.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_fault.h"
#include "uvm_map.h"

/* Faults one access may take before we call it a livelock. */
#define UVM_ACCESS_MAXFAULTS 8

/*
 * uvm_access_fault: the slow path: walk the tables, fault, then look again.
 *	=> called unpinned; nothing locked; may sleep
 *	=> 0 with *hostp and pm pinned, or the fault's error (not pinned)
 */
static int __attribute__((noinline)) uvm_access_fault(
    struct vmspace *vm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	struct pmap *pm = vm_map_pmap(&vm->vm_map);
	int error, n;

	for (n = 0; n < UVM_ACCESS_MAXFAULTS;) {
		if (pmap_access(pm, va, access, hostp) == 0) {
			/*
			 * The walk filled the TLB; use the entry only
			 * through a pinned look-up, as an invalidation may
			 * have come in between.
			 */
			pmap_access_pin(pm);
			if (pmap_access_tlb_p(pm, va, access, hostp))
				return 0;
			pmap_access_unpin(pm);
			continue;
		}
		error = uvm_fault_internal(
		    &vm->vm_map, va, access, UVM_FAULT_ACCESSOR);
		if (error != 0)
			return error;
		n++;
	}
	/* The fault keeps succeeding but the pmap keeps refusing. */
	KASSERTMSG(false, "uvm_access: no progress at %#lx", (unsigned long)va);
	return EFAULT;
}

/*
 * uvm_access_page: the host address of va, faulting as needed.
 *	=> called unpinned; 0 with *hostp and the pmap pinned (the caller
 *	   unpins when done with *hostp), or an error (not pinned)
 */
static inline int
uvm_access_page(
    struct vmspace *vm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	struct pmap *pm = vm_map_pmap(&vm->vm_map);

	/*
	 * A look without the pin first: a miss needs no pin, and pinning
	 * for nothing would cost two locked instructions on every miss.
	 */
	if (__builtin_expect(pmap_access_tlb_p(pm, va, access, hostp), 1)) {
		pmap_access_pin(pm);
		if (__builtin_expect(
			pmap_access_tlb_p(pm, va, access, hostp), 1))
			return 0;
		pmap_access_unpin(pm);
	}
	return uvm_access_fault(vm, va, access, hostp);
}

/* uvm_access_done: the access of uvm_access_page() is over. */
static inline void
uvm_access_done(struct vmspace *vm)
{
	pmap_access_unpin(vm_map_pmap(&vm->vm_map));
}

/* Bytes from va to the end of its page. */
static inline size_t
uvm_access_pagerest(const struct uvm *uvm, vaddr_t va)
{
	return (size_t)(UVM_PAGE_SIZE(uvm) - (va & UVM_PAGE_MASK(uvm)));
}

/*
 * uvm_access: one simulated access (see <uvm/uvm_fault.h>).
 *	=> 0, EINVAL (bad arguments), EFAULT, EACCES, ENOMEM, EIO
 */
int
uvm_access(struct vmspace *vm, vaddr_t va, size_t len, vm_prot_t access_type)
{
	struct uvm *uvm;
	uint8_t *host;
	vaddr_t end, pva;
	int error;

	if (vm == NULL || access_type == 0 || (access_type & ~VM_PROT_ALL) != 0)
		return EINVAL;
	if (len == 0)
		return 0;
	uvm = vm_map_machine(&vm->vm_map);
	if (va + len - 1 < va)
		return EFAULT;
	end = va + len - 1;
	for (pva = uvm_trunc_page(uvm, va);; pva += UVM_PAGE_SIZE(uvm)) {
		error = uvm_access_page(
		    vm, pva < va ? va : pva, access_type, &host);
		if (error != 0)
			return error;
		uvm_access_done(vm);
		if (end - pva < UVM_PAGE_SIZE(uvm))
			break;
	}
	return 0;
}

/*
 * uvm_copyin: copy len bytes at uaddr in vm to kaddr.
 *	=> 0, or EFAULT with *donep (if given) the bytes copied before
 */
int
uvm_copyin(
    struct vmspace *vm, vaddr_t uaddr, void *kaddr, size_t len, size_t *donep)
{
	struct uvm *uvm = vm_map_machine(&vm->vm_map);
	uint8_t *dst = kaddr, *host;
	size_t done = 0, n;
	int error = 0;

	if (uaddr + len < uaddr) {
		len = 0;
		error = EFAULT;
	}
	while (done < len) {
		n = uvm_access_pagerest(uvm, uaddr + done);
		if (n > len - done)
			n = len - done;
		if (uvm_access_page(vm, uaddr + done, VM_PROT_READ, &host) !=
		    0) {
			error = EFAULT;
			break;
		}
		memcpy(dst + done, host, n);
		uvm_access_done(vm);
		done += n;
	}
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * uvm_copyout: copy len bytes from kaddr to uaddr in vm.
 *	=> 0, or EFAULT with *donep (if given) the bytes copied before
 */
int
uvm_copyout(struct vmspace *vm, const void *kaddr, vaddr_t uaddr, size_t len,
    size_t *donep)
{
	struct uvm *uvm = vm_map_machine(&vm->vm_map);
	const uint8_t *src = kaddr;
	uint8_t *host;
	size_t done = 0, n;
	int error = 0;

	if (uaddr + len < uaddr) {
		len = 0;
		error = EFAULT;
	}
	while (done < len) {
		n = uvm_access_pagerest(uvm, uaddr + done);
		if (n > len - done)
			n = len - done;
		if (uvm_access_page(vm, uaddr + done, VM_PROT_WRITE, &host) !=
		    0) {
			error = EFAULT;
			break;
		}
		memcpy(host, src + done, n);
		uvm_access_done(vm);
		done += n;
	}
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * uvm_copyinstr: copy a NUL-terminated string of at most maxlen bytes.
 *	=> 0 with *donep = length including the NUL; ENAMETOOLONG when no
 *	   NUL came within maxlen bytes (*donep = maxlen); EFAULT with
 *	   *donep = the bytes copied before the fault
 */
int
uvm_copyinstr(struct vmspace *vm, vaddr_t uaddr, char *kaddr, size_t maxlen,
    size_t *donep)
{
	struct uvm *uvm = vm_map_machine(&vm->vm_map);
	uint8_t *host, *nul;
	size_t done = 0, n;
	int error = ENAMETOOLONG;

	while (done < maxlen) {
		if (uaddr + done < uaddr) {
			error = EFAULT;
			break;
		}
		n = uvm_access_pagerest(uvm, uaddr + done);
		if (n > maxlen - done)
			n = maxlen - done;
		if (uvm_access_page(vm, uaddr + done, VM_PROT_READ, &host) !=
		    0) {
			error = EFAULT;
			break;
		}
		nul = memchr(host, '\0', n);
		if (nul != NULL) {
			n = (size_t)(nul - host) + 1;
			memcpy(kaddr + done, host, n);
			uvm_access_done(vm);
			done += n;
			error = 0;
			break;
		}
		memcpy(kaddr + done, host, n);
		uvm_access_done(vm);
		done += n;
	}
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * uvm_copyoutstr: copy a NUL-terminated string of at most maxlen bytes out.
 *	=> as uvm_copyinstr()
 */
int
uvm_copyoutstr(struct vmspace *vm, const char *kaddr, vaddr_t uaddr,
    size_t maxlen, size_t *donep)
{
	struct uvm *uvm = vm_map_machine(&vm->vm_map);
	const char *nul;
	uint8_t *host;
	size_t done = 0, n;
	int error = ENAMETOOLONG;

	while (done < maxlen) {
		if (uaddr + done < uaddr) {
			error = EFAULT;
			break;
		}
		n = uvm_access_pagerest(uvm, uaddr + done);
		if (n > maxlen - done)
			n = maxlen - done;
		if (uvm_access_page(vm, uaddr + done, VM_PROT_WRITE, &host) !=
		    0) {
			error = EFAULT;
			break;
		}
		nul = memchr(kaddr + done, '\0', n);
		if (nul != NULL) {
			n = (size_t)(nul - (kaddr + done)) + 1;
			memcpy(host, kaddr + done, n);
			uvm_access_done(vm);
			done += n;
			error = 0;
			break;
		}
		memcpy(host, kaddr + done, n);
		uvm_access_done(vm);
		done += n;
	}
	if (donep != NULL)
		*donep = done;
	return error;
}

/*
 * Word fetch and store: one aligned access within one page.
 *	=> 0 with the pmap pinned (the caller unpins), or EFAULT (unaligned,
 *	   unmapped, protection, no memory; not pinned)
 */
static int
uvm_word_addr(struct vmspace *vm, vaddr_t uaddr, size_t size, vm_prot_t access,
    uint8_t **hostp)
{
	if ((uaddr & (size - 1)) != 0)
		return EFAULT;
	return uvm_access_page(vm, uaddr, access, hostp) == 0 ? 0 : EFAULT;
}

int
uvm_fuword32(struct vmspace *vm, vaddr_t uaddr, uint32_t *valp)
{
	uint8_t *host;
	int error;

	error = uvm_word_addr(vm, uaddr, sizeof(*valp), VM_PROT_READ, &host);
	if (error == 0) {
		*valp =
		    __atomic_load_n((uint32_t *)(void *)host, __ATOMIC_RELAXED);
		uvm_access_done(vm);
	}
	return error;
}

int
uvm_fuword64(struct vmspace *vm, vaddr_t uaddr, uint64_t *valp)
{
	uint8_t *host;
	int error;

	error = uvm_word_addr(vm, uaddr, sizeof(*valp), VM_PROT_READ, &host);
	if (error == 0) {
		*valp =
		    __atomic_load_n((uint64_t *)(void *)host, __ATOMIC_RELAXED);
		uvm_access_done(vm);
	}
	return error;
}

int
uvm_suword32(struct vmspace *vm, vaddr_t uaddr, uint32_t val)
{
	uint8_t *host;
	int error;

	error = uvm_word_addr(vm, uaddr, sizeof(val), VM_PROT_WRITE, &host);
	if (error == 0) {
		__atomic_store_n(
		    (uint32_t *)(void *)host, val, __ATOMIC_RELAXED);
		uvm_access_done(vm);
	}
	return error;
}

int
uvm_suword64(struct vmspace *vm, vaddr_t uaddr, uint64_t val)
{
	uint8_t *host;
	int error;

	error = uvm_word_addr(vm, uaddr, sizeof(val), VM_PROT_WRITE, &host);
	if (error == 0) {
		__atomic_store_n(
		    (uint64_t *)(void *)host, val, __ATOMIC_RELAXED);
		uvm_access_done(vm);
	}
	return error;
}
