/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vmproc.h: the uvm engine's processes: an address space plus the
 * mmap-family calls of the F11 event model, with F11's constants.
 *
 * This is the one place that knows how a process and its system calls are
 * made of libuvm calls: the system-call layer (<uvm/uvm_syscalls.h>:
 * uvm_proc_*, uvm_sys_*).  Every call returns 0 or the positive errno of
 * the system call, with the machine's personality's rules.
 */
#ifndef _UVMSIM_VMPROC_H_
#define _UVMSIM_VMPROC_H_

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct uvm;
struct vmspace;
struct vmproc;

/* Machine settings processes need (page 0 mappable): once per machine. */
void vmproc_machine_setup(struct uvm *);
/*
 * A new process with an address space covering [0, VMPROC_VMAX): empty
 * but for its stack, below VMPROC_VMAX.
 */
#define VMPROC_VMAX ((uint64_t)1 << 60)
int vmproc_create(struct uvm *, struct vmproc **);
/* fork(2): a child with a copy-on-write copy (shared: MAP_SHARED). */
int vmproc_fork(struct vmproc *, struct vmproc **);
/* exec: a fresh, empty address space. */
int vmproc_exec(struct vmproc *);
/* exit: everything released; the handle is gone. */
void vmproc_exit(struct vmproc *);
struct vmspace *vmproc_vmspace(struct vmproc *);

/*
 * mmap: prot TPROT_*, flags TMAP_*; file mappings are not possible yet
 * (libuvm has no file pager): the caller decides what to do with them.  *addrp: the hint or, with
 * TMAP_FIXED, the address (an existing mapping there is replaced, unless
 * VMPROC_NOREPLACE); on success the address chosen.
 */
#define VMPROC_NOREPLACE 0x8000u /* with TMAP_FIXED: EEXIST if mapped */
int vmproc_mmap(struct vmproc *, uint64_t *addrp, uint64_t len, unsigned prot,
    unsigned flags);
int vmproc_munmap(struct vmproc *, uint64_t addr, uint64_t len);
int vmproc_mprotect(
    struct vmproc *, uint64_t addr, uint64_t len, unsigned prot);
int vmproc_madvise(struct vmproc *, uint64_t addr, uint64_t len, int advice);
int vmproc_msync(struct vmproc *, uint64_t addr, uint64_t len, unsigned flags);
int vmproc_mlock(struct vmproc *, uint64_t addr, uint64_t len);
int vmproc_munlock(struct vmproc *, uint64_t addr, uint64_t len);

/* Summary of the address space: entries, pages mapped, pages resident. */
int vmproc_census(
    struct vmproc *, uint64_t *entriesp, uint64_t *virtp, uint64_t *residentp);
/* Dumps: SIM_MAPS_* bits of engine.h. */
void vmproc_print_maps(struct vmproc *, unsigned styles, FILE *);

#endif /* _UVMSIM_VMPROC_H_ */
