/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_syscalls.h: processes and the mmap-family system calls.
 *
 * A process (struct uvm_proc) owns an address space (a vmspace), its
 * threads, resource limits, a descriptor table of host files, PaX flags and
 * a semantics personality: NetBSD (the default) or Linux.  The system calls
 * below behave as the personality's kernel does, errno for errno; the
 * differences are listed in docs/design/syscalls.md and in
 * ../shared/spec/mmap-semantics.md.
 *
 * Every call returns 0 or a positive errno; results come back through
 * out-parameters.  Addresses are simulated (guest) addresses.
 *
 * The constants are libuvm's own.  Where NetBSD and Linux agree on a value
 * it is that value; where they differ, libuvm picks one value for the
 * meaning and the embedder translates its guest's numbers (an emulator
 * knows which system it emulates).  Flags of one personality that the
 * other does not have are ignored by the other, as both kernels ignore
 * mmap flags they do not know, except where noted.
 */
#ifndef _UVM_UVM_SYSCALLS_H_
#define _UVM_UVM_SYSCALLS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uvm/uvm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;
struct vmspace;
struct uvm_proc;
struct uvm_lwp;

/* Personalities. */
#define UVM_PERS_DEFAULT 0 /* the machine's uc_personality */
#define UVM_PERS_NETBSD  1
#define UVM_PERS_LINUX   2

/* Protection (mmap, mprotect): the same on both systems. */
#define UVM_PROT_NONE                0x0
#define UVM_PROT_READ                0x1
#define UVM_PROT_WRITE               0x2
#define UVM_PROT_EXEC                0x4
/* NetBSD: request a maximum protection beyond the initial one. */
#define UVM_PROT_MPROTECT(x)         ((int)(((x)&7) << 3))
#define UVM_PROT_MPROTECT_EXTRACT(x) (((x) >> 3) & 7)

/* mmap flags.  [N] NetBSD only, [L] Linux only. */
#define UVM_MAP_SHARED  0x00000001
#define UVM_MAP_PRIVATE 0x00000002
#define UVM_MAP_SHARED_VALIDATE \
	0x00000003                         /* [L] SHARED, unknown flags fail   \
                                            */
#define UVM_MAP_REMAPDUP        0x00000004 /* [N] mremap: duplicate */
#define UVM_MAP_FIXED           0x00000010
#define UVM_MAP_NORESERVE       0x00000040 /* ignored by both */
#define UVM_MAP_TRYFIXED        0x00000400 /* [N] hint is tried first */
#define UVM_MAP_WIRED           0x00000800 /* [N] wire the mapping */
#define UVM_MAP_ANON            0x00001000
#define UVM_MAP_STACK           0x00002000 /* a hint; ignored by both */
#define UVM_MAP_LOCKED          0x00010000 /* [L] mlock the mapping */
#define UVM_MAP_POPULATE        0x00020000 /* [L] prefault */
#define UVM_MAP_FIXED_NOREPLACE 0x00100000 /* [L] fixed, EEXIST if used */
/* [N] MAP_ALIGNED(n): align to 2^n bytes (n >= page shift). */
#define UVM_MAP_ALIGNMENT_SHIFT 24
#define UVM_MAP_ALIGNMENT_MASK  (0xffu << UVM_MAP_ALIGNMENT_SHIFT)
#define UVM_MAP_ALIGNED(n)      ((int)((unsigned)(n) << UVM_MAP_ALIGNMENT_SHIFT))

/* minherit(2) (NetBSD). */
#define UVM_MINHERIT_SHARE       0
#define UVM_MINHERIT_COPY        1
#define UVM_MINHERIT_NONE        2
#define UVM_MINHERIT_DONATE_COPY 3 /* not implemented (EINVAL), as NetBSD */
#define UVM_MINHERIT_ZERO        4

/*
 * madvise(2).  NetBSD's numbering for the shared advice (MADV_FREE is 6 on
 * NetBSD, 8 on Linux: libuvm uses 6); Linux's for its own.
 */
#define UVM_MADV_NORMAL     0
#define UVM_MADV_RANDOM     1
#define UVM_MADV_SEQUENTIAL 2
#define UVM_MADV_WILLNEED   3
#define UVM_MADV_DONTNEED   4
#define UVM_MADV_SPACEAVAIL 5 /* [N] always EINVAL, as NetBSD */
#define UVM_MADV_FREE       6
#define UVM_MADV_DONTFORK   10 /* [L] */
#define UVM_MADV_DOFORK     11 /* [L] */
#define UVM_MADV_WIPEONFORK 18 /* [L] */
#define UVM_MADV_KEEPONFORK 19 /* [L] */

/* posix_madvise(3). */
#define UVM_POSIX_MADV_NORMAL     0
#define UVM_POSIX_MADV_RANDOM     1
#define UVM_POSIX_MADV_SEQUENTIAL 2
#define UVM_POSIX_MADV_WILLNEED   3
#define UVM_POSIX_MADV_DONTNEED   4

/* mlockall(2). */
#define UVM_MCL_CURRENT_FLAG 0x1
#define UVM_MCL_FUTURE_FLAG  0x2

/* msync(2): the same values on both systems. */
#define UVM_MS_ASYNC      0x1
#define UVM_MS_INVALIDATE 0x2
#define UVM_MS_SYNC       0x4

/* Linux mremap(2) flags. */
#define UVM_MREMAP_MAYMOVE   0x1
#define UVM_MREMAP_FIXED     0x2
#define UVM_MREMAP_DONTUNMAP 0x4

/* Resource limits. */
#define UVM_RLIMIT_DATA    0
#define UVM_RLIMIT_STACK   1
#define UVM_RLIMIT_MEMLOCK 2
#define UVM_RLIMIT_AS      3
#define UVM_RLIMIT_NLIMITS 4
#define UVM_RLIM_INFINITY  UINT64_MAX
struct uvm_rlimit {
	uint64_t rlim_cur; /* soft limit */
	uint64_t rlim_max; /* hard limit */
};

/* PaX flags of a process. */
#define UVM_PAX_MPROTECT 0x1 /* W^X: no W|X mapping, max = what was asked */
#define UVM_PAX_ASLR     0x2 /* randomised mmap and stack bases */

/* Address-space layout. */
#define UVM_LAYOUT_DEFAULT  0 /* top-down */
#define UVM_LAYOUT_TOPDOWN  1
#define UVM_LAYOUT_BOTTOMUP 2

/*
 * How to create a process.  uvm_proc_config_init() fills the defaults:
 * the machine's personality, top-down layout, PaX ASLR when the machine's
 * uc_aslr is on, no MPROTECT, not privileged, the personality's address
 * range and limits.
 */
struct uvm_proc_config {
	int pc_personality;  /* UVM_PERS_* */
	int pc_layout;       /* UVM_LAYOUT_* */
	uint32_t pc_pax;     /* UVM_PAX_* */
	bool pc_pax_set;     /* pc_pax given (else from uc_aslr) */
	bool pc_privileged;  /* Linux: CAP_IPC_LOCK, CAP_SYS_RESOURCE */
	vaddr_t pc_vm_max;   /* end of user space (0: personality default) */
	vaddr_t pc_mmap_min; /* Linux mmap_min_addr (0: 64 KiB) */
	bool pc_limits_set;  /* pc_limits given (else defaults) */
	struct uvm_rlimit pc_limits[UVM_RLIMIT_NLIMITS];
};

/*
 * Processes.
 * uvm_proc_create(): a new process with one thread and a fresh address
 * space laid out as after exec (stack at the top, empty data segment).
 * uvm_proc_fork(): a child with a copy of the address space (per
 * inheritance), the limits, descriptors, PaX flags and personality; wired
 * memory and MCL_FUTURE are not inherited.  flags: UVM_FORK_SHAREVM shares
 * the address space instead (vfork, RFMEM).
 * uvm_proc_exec(): replace the address space with a fresh one (the layout
 * may change: pass UVM_LAYOUT_DEFAULT to keep the current one).
 * uvm_proc_exit(): release everything; the process is gone.
 */
#define UVM_FORK_SHAREVM 0x1
UVM_EXPORT void uvm_proc_config_init(struct uvm *, struct uvm_proc_config *);
UVM_EXPORT int uvm_proc_create(
    struct uvm *, const struct uvm_proc_config *, struct uvm_proc **);
UVM_EXPORT int uvm_proc_fork(struct uvm_proc *, int flags, struct uvm_proc **);
UVM_EXPORT int uvm_proc_exec(struct uvm_proc *, int layout);
UVM_EXPORT void uvm_proc_exit(struct uvm_proc *);

/* Accessors. */
UVM_EXPORT struct vmspace *uvm_proc_vmspace(struct uvm_proc *);
UVM_EXPORT int uvm_proc_pid(const struct uvm_proc *);
UVM_EXPORT int uvm_proc_personality(const struct uvm_proc *);
UVM_EXPORT uint32_t uvm_proc_pax(const struct uvm_proc *);
UVM_EXPORT int uvm_proc_set_pax(struct uvm_proc *, uint32_t flags);
UVM_EXPORT void uvm_proc_set_privileged(struct uvm_proc *, bool);
UVM_EXPORT bool uvm_proc_mlockall_future_p(struct uvm_proc *);

/*
 * Layout information: the stack occupies [*stack_lowp, *stack_topp) (the
 * part that may ever be used), the data segment starts at *datap and the
 * break is *brkp.
 */
UVM_EXPORT void uvm_proc_layout(struct uvm_proc *, vaddr_t *stack_lowp,
    vaddr_t *stack_topp, vaddr_t *datap, vaddr_t *brkp);

/*
 * Threads.  A process starts with one; uvm_lwp_create() adds one,
 * uvm_lwp_exit() removes one (not the last: uvm_proc_exit() does that).
 */
UVM_EXPORT int uvm_lwp_create(struct uvm_proc *, struct uvm_lwp **);
UVM_EXPORT int uvm_lwp_exit(struct uvm_lwp *);
UVM_EXPORT int uvm_proc_nlwps(struct uvm_proc *);

/*
 * Resource limits: getrlimit(2)/setrlimit(2) with the personality's rules
 * (cur > max: EINVAL; raising max: EPERM unless privileged; NetBSD clamps
 * DATA and STACK to their maxima and changes the accessible part of the
 * stack when RLIMIT_STACK's soft limit changes).
 */
UVM_EXPORT int uvm_proc_getrlimit(
    struct uvm_proc *, int which, struct uvm_rlimit *);
UVM_EXPORT int uvm_proc_setrlimit(
    struct uvm_proc *, int which, const struct uvm_rlimit *);

/*
 * Descriptors.  uvm_proc_fd_attach() enters a duplicate of the host file
 * descriptor hostfd (its open mode decides the access checks of mmap) and
 * returns the process's descriptor number; uvm_proc_fd_close() closes it.
 */
UVM_EXPORT int uvm_proc_fd_attach(struct uvm_proc *, int hostfd, int *fdp);
UVM_EXPORT int uvm_proc_fd_close(struct uvm_proc *, int fd);

/*
 * The system calls.  Sizes and addresses are the caller's raw arguments
 * (the call does its own rounding and checking).
 */
UVM_EXPORT int uvm_sys_mmap(struct uvm_proc *, vaddr_t addr, vsize_t len,
    int prot, int flags, int fd, int64_t pos, vaddr_t *retp);
UVM_EXPORT int uvm_sys_munmap(struct uvm_proc *, vaddr_t addr, vsize_t len);
UVM_EXPORT int uvm_sys_mprotect(
    struct uvm_proc *, vaddr_t addr, vsize_t len, int prot);
UVM_EXPORT int uvm_sys_minherit(
    struct uvm_proc *, vaddr_t addr, vsize_t len, int inherit);
UVM_EXPORT int uvm_sys_madvise(
    struct uvm_proc *, vaddr_t addr, vsize_t len, int advice);
UVM_EXPORT int uvm_sys_posix_madvise(
    struct uvm_proc *, vaddr_t addr, vsize_t len, int advice);
UVM_EXPORT int uvm_sys_mlock(struct uvm_proc *, vaddr_t addr, vsize_t len);
UVM_EXPORT int uvm_sys_munlock(struct uvm_proc *, vaddr_t addr, vsize_t len);
UVM_EXPORT int uvm_sys_mlockall(struct uvm_proc *, int flags);
UVM_EXPORT int uvm_sys_munlockall(struct uvm_proc *);
/* vec is an address in the process (written as mincore(2) does). */
UVM_EXPORT int uvm_sys_mincore(
    struct uvm_proc *, vaddr_t addr, vsize_t len, vaddr_t vec);
UVM_EXPORT int uvm_sys_msync(
    struct uvm_proc *, vaddr_t addr, vsize_t len, int flags);
/*
 * mremap: NetBSD's form takes (old, oldsize, new, newsize, flags) with
 * UVM_MAP_FIXED, UVM_MAP_REMAPDUP and UVM_MAP_ALIGNED(n); Linux's form
 * (old, oldsize, newsize, flags, new) with UVM_MREMAP_*.  Each is EINVAL
 * in the other personality.
 */
UVM_EXPORT int uvm_sys_mremap_netbsd(struct uvm_proc *, vaddr_t oldp,
    vsize_t oldsize, vaddr_t newp, vsize_t newsize, int flags, vaddr_t *retp);
UVM_EXPORT int uvm_sys_mremap_linux(struct uvm_proc *, vaddr_t oldp,
    vsize_t oldsize, vsize_t newsize, int flags, vaddr_t newp, vaddr_t *retp);
/*
 * break(2).  NetBSD: set the break to nsize (0 or ENOMEM).  Linux: brk(2)
 * returns the break after the call in *retp, which is the old one when the
 * request failed (the call itself always returns 0), as the kernel does.
 */
UVM_EXPORT int uvm_sys_obreak(struct uvm_proc *, vaddr_t nsize, vaddr_t *retp);
/*
 * Stack growth: the embedder calls this when an access at va faulted below
 * the stack (the trap handler's uvm_grow()).  *grownp: the access may be
 * retried (NetBSD: va is within the stack limit; Linux: the stack mapping
 * was extended down to va).
 */
UVM_EXPORT int uvm_sys_stack_grow(struct uvm_proc *, vaddr_t va, bool *grownp);

/* vm.user_va0_disable (machine-wide, default on): new address spaces only. */
UVM_EXPORT void uvm_sysctl_user_va0_disable(struct uvm *, bool disable);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_UVM_SYSCALLS_H_ */
