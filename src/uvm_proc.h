/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_proc.h: processes (struct uvm_proc), threads (struct uvm_lwp), and
 * what the system-call layer (uvm_mmap.c, uvm_mremap.c) shares with them.
 *
 * Lock legend:
 *	[c] constant after creation
 *	[p] p_lock (a leaf mutex: nothing else is taken while it is held)
 *	[s] the machine's process list lock (ps_lock)
 *	[x] changed only by the process's own system calls: the caller
 *	    serialises them (one system call at a time per process, as a
 *	    single-threaded emulator does; the map's own locks protect the
 *	    map whatever the caller does)
 */
#ifndef _UVM_PROC_H_
#define _UVM_PROC_H_

#include <sys/queue.h>

#include <uvm/uvm_syscalls.h>

#include "uvm.h"

struct vmspace;

/*
 * Linux's VM_LOCKED is a property of address ranges, including PROT_NONE
 * ranges that UVM never wires.  The Linux personality keeps the locked
 * ranges in this set (sorted, disjoint, non-adjacent) and wires the map
 * entries under them that are accessible.
 */
struct uvm_rangeset {
	vaddr_t *rs_v; /* [x] start0, end0, start1, end1, ... */
	size_t rs_n;   /* [x] ranges */
	size_t rs_cap; /* [x] capacity in ranges */
};

/* One descriptor: a duplicate of a host file descriptor. */
struct uvm_file {
	int f_hostfd; /* [p] -1: slot free */
	int f_flag;   /* [p] UVM_FREAD | UVM_FWRITE */
};
#define UVM_FREAD  0x1
#define UVM_FWRITE 0x2

struct uvm_lwp {
	LIST_ENTRY(uvm_lwp) l_list; /* [p] on p_lwps */
	struct uvm_proc *l_proc;    /* [c] */
	int l_lid;                  /* [c] thread id */
};

/* p_flag */
#define UVM_PF_MCLFUTURE 0x01 /* [x] Linux: mlockall(MCL_FUTURE) in force */

/*
 * struct uvm_proc.  Invariants (uvm_proc_sanity()):
 *  - p_nlwps >= 1 and equals the length of p_lwps;
 *  - every limit has rlim_cur <= rlim_max;
 *  - p_personality is NETBSD or LINUX; p_vmspace is not NULL;
 *  - the locked-range set is sorted, disjoint and page aligned (and empty
 *    in the NetBSD personality);
 *  - descriptors in use have f_hostfd >= 0.
 */
struct uvm_proc {
	struct uvm *p_uvm;           /* [c] machine */
	struct kmutex p_lock;        /* leaf */
	LIST_ENTRY(uvm_proc) p_list; /* [s] on the machine's list */
	int p_pid;                   /* [c] */
	int p_personality;           /* [c] UVM_PERS_NETBSD/LINUX */
	bool p_topdown;              /* [x] layout */
	bool p_privileged;           /* [p] Linux capabilities */
	uint32_t p_pax;              /* [p] UVM_PAX_* */
	uint32_t p_flag;             /* [x] UVM_PF_* */
	struct vmspace *p_vmspace;   /* [x] replaced by exec */
	struct uvm_rlimit p_rlimit[UVM_RLIMIT_NLIMITS]; /* [p] */
	LIST_HEAD(, uvm_lwp) p_lwps;                    /* [p] threads */
	int p_nlwps;                                    /* [p] */
	int p_nextlid;                                  /* [p] */
	struct uvm_file *p_files;     /* [p] descriptor table */
	int p_nfiles;                 /* [p] its size */
	vaddr_t p_vm_max;             /* [c] end of user space */
	vaddr_t p_mmap_min;           /* [c] Linux mmap_min_addr */
	vaddr_t p_stackbase;          /* [x] top of the stack */
	vsize_t p_maxssiz;            /* [x] stack region size */
	vaddr_t p_linux_brk;          /* [x] Linux: the exact break */
	uint64_t p_rng;               /* [x] ASLR generator state */
	struct uvm_rangeset p_locked; /* [x] Linux VM_LOCKED ranges */
};

/* Machine-wide process state (uvm->u_proc). */
int uvm_proc_init(struct uvm *);
void uvm_proc_fini(struct uvm *);
bool uvm_proc_va0_disabled_p(struct uvm *);

/* Checkers. */
void uvm_proc_sanity(struct uvm_proc *);
void uvm_proc_sanity_all(struct uvm *);

static inline bool
uvm_proc_linux_p(const struct uvm_proc *p)
{
	return p->p_personality == UVM_PERS_LINUX;
}

/* Limits without locking (the caller's own process: [x] rules). */
uint64_t uvm_proc_limit(struct uvm_proc *, int which);

/* The next ASLR random number of the process. */
uint64_t uvm_proc_random(struct uvm_proc *);

/*
 * The host file behind descriptor fd: 0 with *hostfdp and *flagp, or
 * EBADF.
 */
int uvm_proc_fd_get(struct uvm_proc *, int fd, int *hostfdp, int *flagp);

/* Ranges (uvm_mmap.c). */
void uvm_rangeset_init(struct uvm_rangeset *);
void uvm_rangeset_fini(struct uvm_rangeset *);
int uvm_rangeset_add(struct uvm_rangeset *, vaddr_t start, vaddr_t end);
int uvm_rangeset_remove(struct uvm_rangeset *, vaddr_t start, vaddr_t end);
bool uvm_rangeset_intersects_p(
    const struct uvm_rangeset *, vaddr_t start, vaddr_t end);
vsize_t uvm_rangeset_bytes(const struct uvm_rangeset *);
vsize_t uvm_rangeset_bytes_in(
    const struct uvm_rangeset *, vaddr_t start, vaddr_t end);
void uvm_rangeset_sanity(const struct uvm_rangeset *, struct uvm *);

/*
 * Called by uvm_proc_fork() for the child and by exec: forget wiring
 * state that is not inherited.
 */
void uvm_mmap_forget_locks(struct uvm_proc *);

/* uvm_mmap.c, for uvm_mremap.c */
vaddr_t uvm_sys_defaddr(struct uvm_proc *, vsize_t size);
int uvm_sys_wire_accessible(
    struct uvm_proc *, vaddr_t start, vaddr_t end, bool private_only);
bool uvm_proc_linux_vma(struct uvm_proc *, vaddr_t addr, vaddr_t *sp,
    vaddr_t *ep, struct uvm_map_entry_info *mip);

/* uvm_mremap.c */
int uvm_mremap_extract(
    struct vm_map *, vaddr_t oldva, vsize_t len, vaddr_t newva, bool remove);

#endif /* _UVM_PROC_H_ */
