/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_proc.c: processes: creation, fork, exec, exit, threads, resource
 * limits, descriptors, PaX flags and the address-space layout.
 *
 * This file owns struct uvm_proc, struct uvm_lwp and the machine's process
 * state (uvm->u_proc: the process and thread pools, the process list, the
 * pid counter and vm.user_va0_disable).  The system calls that act on a
 * process's address space live in uvm_mmap.c and uvm_mremap.c.
 *
 * Design note: the layout after exec.
 *
 *   vm_max  +---------------------------+ <- stack top (minus ASLR delta)
 *           | stack, accessible: RW     |    NetBSD: RLIMIT_STACK cur;
 *           +---------------------------+    Linux: 128 KiB, grows on
 *           | stack, reserved: NONE     |    demand (uvm_sys_stack_grow)
 *           | (NetBSD: up to the hard   |
 *           |  limit, plus a guard)     |
 *           +---------------------------+ <- top-down mmap base (NetBSD:
 *           |   mmap area (top-down)    |    below the stack region;
 *           |            ...            |    Linux: top - clamp(stack
 *           |   mmap area (bottom-up)   |    limit + guard gap))
 *           +---------------------------+ <- bottom-up base (NetBSD:
 *           |   heap (break) grows up   |    data + MAXDSIZ; Linux:
 *   daddr   +---------------------------+    TASK_SIZE / 3)
 *           |   (text, not mapped)      |
 *   vm_min  +---------------------------+  PAGE_SIZE when user VA 0 is
 *                                          disabled (NetBSD), else 0
 *
 * NetBSD reserves the whole stack region at exec (MAXSSIZ) and makes only
 * the soft limit accessible; setrlimit(RLIMIT_STACK) moves the boundary
 * with uvm_map_protect() (dosetrlimit()).  Stack "growth" is then only
 * accounting (uvm_grow()).  Linux maps a small stack and grows the mapping
 * on faults below it, up to the soft limit.  Both are reproduced.
 *
 * Locking: p_lock is a leaf mutex for the fields tagged [p]; the address
 * space has its own locks.  The process list has ps_lock (a leaf).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_proc.h"

/* Machine-wide process state. */
struct uvm_proc_state {
	struct pool ps_procpool;        /* struct uvm_proc */
	struct pool ps_lwppool;         /* struct uvm_lwp */
	struct kmutex ps_lock;          /* leaf */
	LIST_HEAD(, uvm_proc) ps_procs; /* [ps_lock] */
	int ps_nextpid;                 /* [ps_lock] */
	bool ps_va0_disable;            /* [a] vm.user_va0_disable */
};

/* NetBSD/amd64 sizes (vmparam.h). */
#define NB_VM_MAXUSER       0x00007f7fffffc000ull
#define NB_DFLDSIZ          (256ull << 20)
#define NB_MAXDSIZ          (8ull << 30)
#define NB_DFLSSIZ          (4ull << 20)
#define NB_MAXSSIZ          (128ull << 20)
#define NB_STACK_GUARD      (1ull << 20) /* user_stack_guard_size */
/* Linux/x86-64. */
#define LX_TASK_SIZE        0x00007ffffffff000ull
#define LX_STACK_INIT       (128ull << 10) /* setup_arg_pages' expansion */
#define LX_STACK_CUR        (8ull << 20)
#define LX_MEMLOCK          (8ull << 20)
#define LX_MMAP_MIN         (64ull << 10)
/* Both: where the data segment (break) starts; text is not mapped. */
#define UVM_PROC_TADDR      0x0000000000400000ull
#define UVM_PROC_DADDR      0x0000000000600000ull
/* ASLR: mmap delta bits and stack delta bits (in pages). */
#define UVM_ASLR_MMAP_BITS  28
#define UVM_ASLR_STACK_BITS 12

static int uvm_proc_setup_image(struct uvm_proc *, bool fresh);

/*
 *   M A C H I N E   S T A T E
 */

int
uvm_proc_init(struct uvm *uvm)
{
	struct uvm_proc_state *ps;

	ps = calloc(1, sizeof(*ps));
	if (ps == NULL)
		return ENOMEM;
	pool_init(&ps->ps_procpool, sizeof(struct uvm_proc),
	    _Alignof(struct uvm_proc), "procpl", &uvm->u_pools, &uvm->u_fi,
	    KFI_POOL);
	pool_init(&ps->ps_lwppool, sizeof(struct uvm_lwp),
	    _Alignof(struct uvm_lwp), "lwppl", &uvm->u_pools, &uvm->u_fi,
	    KFI_POOL);
	mutex_init(&ps->ps_lock, LC_LEAF, "proclist");
	LIST_INIT(&ps->ps_procs);
	ps->ps_nextpid = 1;
	ps->ps_va0_disable = true;
	uvm->u_proc = ps;
	return 0;
}

void
uvm_proc_fini(struct uvm *uvm)
{
	struct uvm_proc_state *ps = uvm->u_proc;

	if (ps == NULL)
		return;
	KASSERTMSG(LIST_EMPTY(&ps->ps_procs), "uvm_proc_fini: live processes");
	mutex_destroy(&ps->ps_lock);
	pool_destroy(&ps->ps_lwppool);
	pool_destroy(&ps->ps_procpool);
	free(ps);
	uvm->u_proc = NULL;
}

void
uvm_sysctl_user_va0_disable(struct uvm *uvm, bool disable)
{
	__atomic_store_n(
	    &uvm->u_proc->ps_va0_disable, disable, __ATOMIC_RELAXED);
}

bool
uvm_proc_va0_disabled_p(struct uvm *uvm)
{
	return __atomic_load_n(&uvm->u_proc->ps_va0_disable, __ATOMIC_RELAXED);
}

/*
 *   D E F A U L T S
 */

static int
uvm_proc_default_personality(struct uvm *uvm)
{
	const char *s = uvm->u_cfg.uc_personality;

	if (s != NULL && strcmp(s, "linux") == 0)
		return UVM_PERS_LINUX;
	return UVM_PERS_NETBSD;
}

static void
uvm_proc_default_limits(
    struct uvm *uvm, int pers, struct uvm_rlimit lim[UVM_RLIMIT_NLIMITS])
{
	uint64_t mem = uvm_ptoa(uvm, (uint64_t)uvm_cnt_get(uvm, npages));

	if (pers == UVM_PERS_LINUX) {
		lim[UVM_RLIMIT_DATA] =
		    (struct uvm_rlimit){UVM_RLIM_INFINITY, UVM_RLIM_INFINITY};
		lim[UVM_RLIMIT_STACK] =
		    (struct uvm_rlimit){LX_STACK_CUR, UVM_RLIM_INFINITY};
		lim[UVM_RLIMIT_MEMLOCK] =
		    (struct uvm_rlimit){LX_MEMLOCK, LX_MEMLOCK};
	} else {
		lim[UVM_RLIMIT_DATA] =
		    (struct uvm_rlimit){NB_DFLDSIZ, NB_MAXDSIZ};
		lim[UVM_RLIMIT_STACK] =
		    (struct uvm_rlimit){NB_DFLSSIZ, NB_MAXSSIZ};
		/* init_main.c: a third of memory, at most all of it. */
		lim[UVM_RLIMIT_MEMLOCK] = (struct uvm_rlimit){mem / 3, mem};
	}
	lim[UVM_RLIMIT_AS] =
	    (struct uvm_rlimit){UVM_RLIM_INFINITY, UVM_RLIM_INFINITY};
}

void
uvm_proc_config_init(struct uvm *uvm, struct uvm_proc_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->pc_personality = uvm_proc_default_personality(uvm);
	pc->pc_layout = UVM_LAYOUT_TOPDOWN;
	pc->pc_pax = uvm->u_cfg.uc_aslr == 1 ? UVM_PAX_ASLR : 0;
	pc->pc_pax_set = true;
	pc->pc_limits_set = true;
	uvm_proc_default_limits(uvm, pc->pc_personality, pc->pc_limits);
}

/*
 *   C R E A T I O N   A N D   E X I T
 */

static struct uvm_lwp *
uvm_lwp_alloc(struct uvm_proc *p)
{
	struct uvm_lwp *l;

	l = pool_get(&p->p_uvm->u_proc->ps_lwppool, PR_NOWAIT | PR_ZERO);
	if (l == NULL)
		return NULL;
	l->l_proc = p;
	return l;
}

/*
 * uvm_proc_alloc: a process without an address space: one thread, the
 * given personality, empty descriptor table.
 * => returns NULL when out of memory
 */
static struct uvm_proc *
uvm_proc_alloc(struct uvm *uvm, int pers)
{
	struct uvm_proc_state *ps = uvm->u_proc;
	struct uvm_proc *p;
	struct uvm_lwp *l;

	p = pool_get(&ps->ps_procpool, PR_NOWAIT | PR_ZERO);
	if (p == NULL)
		return NULL;
	p->p_uvm = uvm;
	p->p_personality = pers;
	mutex_init(&p->p_lock, LC_LEAF, "proc");
	LIST_INIT(&p->p_lwps);
	uvm_rangeset_init(&p->p_locked);
	l = uvm_lwp_alloc(p);
	if (l == NULL) {
		mutex_destroy(&p->p_lock);
		pool_put(&ps->ps_procpool, p);
		return NULL;
	}
	l->l_lid = 1;
	p->p_nextlid = 2;
	LIST_INSERT_HEAD(&p->p_lwps, l, l_list);
	p->p_nlwps = 1;
	mutex_enter(&ps->ps_lock);
	p->p_pid = ps->ps_nextpid++;
	mutex_exit(&ps->ps_lock);
	/* A seed per process, deterministic for a machine seed. */
	p->p_rng =
	    uvm->u_cfg.uc_seed ^ ((uint64_t)p->p_pid * 0x9e3779b97f4a7c15ull);
	return p;
}

/* Free what uvm_proc_alloc() made (the process is on no list). */
static void
uvm_proc_free(struct uvm_proc *p)
{
	struct uvm_proc_state *ps = p->p_uvm->u_proc;
	struct uvm_lwp *l;
	int i;

	while ((l = LIST_FIRST(&p->p_lwps)) != NULL) {
		LIST_REMOVE(l, l_list);
		pool_put(&ps->ps_lwppool, l);
	}
	for (i = 0; i < p->p_nfiles; i++)
		if (p->p_files[i].f_hostfd >= 0)
			(void)close(p->p_files[i].f_hostfd);
	free(p->p_files);
	uvm_rangeset_fini(&p->p_locked);
	mutex_destroy(&p->p_lock);
	pool_put(&ps->ps_procpool, p);
}

static void
uvm_proc_link(struct uvm_proc *p)
{
	struct uvm_proc_state *ps = p->p_uvm->u_proc;

	mutex_enter(&ps->ps_lock);
	LIST_INSERT_HEAD(&ps->ps_procs, p, p_list);
	mutex_exit(&ps->ps_lock);
}

/*
 * uvm_proc_create: see <uvm/uvm_syscalls.h>.
 * => returns 0, EINVAL (bad configuration), ENOMEM
 */
int
uvm_proc_create(
    struct uvm *uvm, const struct uvm_proc_config *pc, struct uvm_proc **pp)
{
	struct uvm_proc_config def;
	struct uvm_proc *p;
	int pers, i, error;

	KASSERT(uvm != NULL && pp != NULL);
	*pp = NULL;
	if (pc == NULL) {
		uvm_proc_config_init(uvm, &def);
		pc = &def;
	}
	pers = pc->pc_personality;
	if (pers == UVM_PERS_DEFAULT)
		pers = uvm_proc_default_personality(uvm);
	if (pers != UVM_PERS_NETBSD && pers != UVM_PERS_LINUX)
		return EINVAL;
	if (pc->pc_layout < UVM_LAYOUT_DEFAULT ||
	    pc->pc_layout > UVM_LAYOUT_BOTTOMUP)
		return EINVAL;
	if ((pc->pc_pax & ~(UVM_PAX_MPROTECT | UVM_PAX_ASLR)) != 0)
		return EINVAL;
	if (pc->pc_limits_set)
		for (i = 0; i < UVM_RLIMIT_NLIMITS; i++)
			if (pc->pc_limits[i].rlim_cur >
			    pc->pc_limits[i].rlim_max)
				return EINVAL;
	if (pc->pc_vm_max != 0 &&
	    (!uvm_page_aligned_p(uvm, pc->pc_vm_max) ||
		pc->pc_vm_max < (64ull << 20)))
		return EINVAL;

	p = uvm_proc_alloc(uvm, pers);
	if (p == NULL)
		return ENOMEM;
	p->p_topdown = pc->pc_layout != UVM_LAYOUT_BOTTOMUP;
	p->p_pax = pc->pc_pax_set
	    ? pc->pc_pax
	    : (uvm->u_cfg.uc_aslr == 1 ? UVM_PAX_ASLR : 0);
	p->p_privileged = pc->pc_privileged;
	if (pc->pc_limits_set)
		memcpy(p->p_rlimit, pc->pc_limits, sizeof(p->p_rlimit));
	else
		uvm_proc_default_limits(uvm, pers, p->p_rlimit);
	if (pers == UVM_PERS_NETBSD) {
		/* dosetrlimit()'s clamps hold from the start. */
		for (i = UVM_RLIMIT_DATA; i <= UVM_RLIMIT_STACK; i++) {
			uint64_t m =
			    i == UVM_RLIMIT_DATA ? NB_MAXDSIZ : NB_MAXSSIZ;
			if (p->p_rlimit[i].rlim_cur > m)
				p->p_rlimit[i].rlim_cur = m;
			if (p->p_rlimit[i].rlim_max > m)
				p->p_rlimit[i].rlim_max = m;
		}
	}
	p->p_vm_max = pc->pc_vm_max != 0
	    ? pc->pc_vm_max
	    : uvm_trunc_page(
		  uvm, pers == UVM_PERS_LINUX ? LX_TASK_SIZE : NB_VM_MAXUSER);
	p->p_mmap_min = uvm_round_page(
	    uvm, pc->pc_mmap_min != 0 ? pc->pc_mmap_min : LX_MMAP_MIN);

	error = uvm_proc_setup_image(p, true);
	if (error != 0) {
		uvm_proc_free(p);
		return error;
	}
	uvm_proc_link(p);
	if (uvm->u_sanity)
		uvm_proc_sanity(p);
	*pp = p;
	return 0;
}

/*
 * uvm_proc_exit: see <uvm/uvm_syscalls.h>.
 */
void
uvm_proc_exit(struct uvm_proc *p)
{
	struct uvm_proc_state *ps;

	if (p == NULL)
		return;
	ps = p->p_uvm->u_proc;
	mutex_enter(&ps->ps_lock);
	LIST_REMOVE(p, p_list);
	mutex_exit(&ps->ps_lock);
	uvmspace_free(p->p_vmspace);
	p->p_vmspace = NULL;
	uvm_proc_free(p);
}

/*
 *   E X E C   A N D   F O R K
 */

/* Map [va, va + size) of anonymous zero-fill memory for the image. */
static int
uvm_proc_map_anon(struct uvm_proc *p, vaddr_t va, vsize_t size, vm_prot_t prot)
{
	struct vm_map *map = uvmspace_map(p->p_vmspace);
	vm_prot_t maxprot = VM_PROT_ALL;

	if (size == 0)
		return 0;
	if ((p->p_pax & UVM_PAX_MPROTECT) != 0)
		maxprot = prot;
	return uvm_map(map, &va, size, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(prot, maxprot, UVM_INH_COPY, UVM_ADV_NORMAL,
		UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
}

/*
 * uvm_proc_setup_image: give p a fresh address space laid out as after
 * exec (see the design note).  fresh: p has none yet.
 * => returns 0 or ENOMEM/EINVAL; on failure after the space was replaced
 *    the process keeps the (empty) new space
 */
static int
uvm_proc_setup_image(struct uvm_proc *p, bool fresh)
{
	struct uvm *uvm = p->p_uvm;
	const bool linux_p = uvm_proc_linux_p(p);
	struct vmspace *vm;
	vaddr_t vmin, top, low, acc;
	vsize_t maxssiz, cur, guard;
	int error;

	vmin = 0;
	if (!linux_p && uvm_proc_va0_disabled_p(uvm))
		vmin = UVM_PAGE_SIZE(uvm); /* exec_vm_minaddr() */
	if (fresh) {
		vm = uvmspace_alloc(uvm, vmin, p->p_vm_max, p->p_topdown);
		if (vm == NULL)
			return ENOMEM;
		p->p_vmspace = vm;
	} else {
		error = uvmspace_exec(
		    &p->p_vmspace, vmin, p->p_vm_max, p->p_topdown);
		if (error != 0)
			return error;
		vm = p->p_vmspace;
	}
	uvm_mmap_forget_locks(p);

	top = p->p_vm_max;
	if ((p->p_pax & UVM_PAX_ASLR) != 0) {
		top -= uvm_ptoa(uvm,
		    uvm_proc_random(p) & ((1ull << UVM_ASLR_STACK_BITS) - 1));
		vm->vm_aslr_delta_mmap = uvm_ptoa(uvm,
		    uvm_proc_random(p) & ((1ull << UVM_ASLR_MMAP_BITS) - 1));
	} else {
		vm->vm_aslr_delta_mmap = 0;
	}
	cur = uvm_round_page(uvm, p->p_rlimit[UVM_RLIMIT_STACK].rlim_cur);
	if (linux_p) {
		maxssiz = cur;
		guard = 0;
		acc = cur < LX_STACK_INIT ? cur : LX_STACK_INIT;
	} else {
		maxssiz =
		    uvm_round_page(uvm, p->p_rlimit[UVM_RLIMIT_STACK].rlim_max);
		guard = NB_STACK_GUARD;
		acc = cur;
	}
	if (acc == 0)
		acc = UVM_PAGE_SIZE(uvm);
	if (maxssiz < acc)
		maxssiz = acc;
	low = top - maxssiz - guard;
	p->p_stackbase = top;
	p->p_maxssiz = maxssiz;
	vm->vm_minsaddr = top;
	vm->vm_maxsaddr = top - maxssiz;
	vm->vm_ssize = 1; /* the arguments' page */
	vm->vm_issize = 0;
	vm->vm_taddr = UVM_PROC_TADDR;
	vm->vm_tsize = 0;
	vm->vm_daddr = UVM_PROC_DADDR;
	vm->vm_dsize = 0;
	p->p_linux_brk = UVM_PROC_DADDR;

	/* NetBSD: the inaccessible part (with its guard) and the rest. */
	if (!linux_p) {
		error =
		    uvm_proc_map_anon(p, low, top - acc - low, VM_PROT_NONE);
		if (error != 0)
			return error;
	}
	return uvm_proc_map_anon(
	    p, top - acc, acc, VM_PROT_READ | VM_PROT_WRITE);
}

/*
 * uvm_proc_exec: see <uvm/uvm_syscalls.h>.
 * => 0, EINVAL, ENOMEM
 */
int
uvm_proc_exec(struct uvm_proc *p, int layout)
{
	int error;

	KASSERT(p != NULL);
	if (layout < UVM_LAYOUT_DEFAULT || layout > UVM_LAYOUT_BOTTOMUP)
		return EINVAL;
	if (layout != UVM_LAYOUT_DEFAULT)
		p->p_topdown = layout == UVM_LAYOUT_TOPDOWN;
	error = uvm_proc_setup_image(p, false);
	if (p->p_uvm->u_sanity)
		uvm_proc_sanity(p);
	return error;
}

/*
 * uvm_proc_fork: see <uvm/uvm_syscalls.h>.
 * => 0, EINVAL, ENOMEM (nothing allocated)
 */
int
uvm_proc_fork(struct uvm_proc *p1, int flags, struct uvm_proc **p2p)
{
	struct uvm_proc *p2;
	int i, error;

	KASSERT(p1 != NULL && p2p != NULL);
	*p2p = NULL;
	if ((flags & ~UVM_FORK_SHAREVM) != 0)
		return EINVAL;
	p2 = uvm_proc_alloc(p1->p_uvm, p1->p_personality);
	if (p2 == NULL)
		return ENOMEM;
	mutex_enter(&p1->p_lock);
	memcpy(p2->p_rlimit, p1->p_rlimit, sizeof(p2->p_rlimit));
	p2->p_pax = p1->p_pax;
	p2->p_privileged = p1->p_privileged;
	mutex_exit(&p1->p_lock);
	p2->p_topdown = p1->p_topdown;
	p2->p_vm_max = p1->p_vm_max;
	p2->p_mmap_min = p1->p_mmap_min;
	p2->p_stackbase = p1->p_stackbase;
	p2->p_maxssiz = p1->p_maxssiz;
	p2->p_linux_brk = p1->p_linux_brk;

	/* Descriptors: duplicates of the parent's host files. */
	mutex_enter(&p1->p_lock);
	if (p1->p_nfiles > 0) {
		p2->p_files =
		    calloc((size_t)p1->p_nfiles, sizeof(*p2->p_files));
		if (p2->p_files == NULL) {
			mutex_exit(&p1->p_lock);
			uvm_proc_free(p2);
			return ENOMEM;
		}
		p2->p_nfiles = p1->p_nfiles;
		for (i = 0; i < p1->p_nfiles; i++) {
			p2->p_files[i].f_hostfd = -1;
			if (p1->p_files[i].f_hostfd < 0)
				continue;
			p2->p_files[i].f_hostfd =
			    fcntl(p1->p_files[i].f_hostfd, F_DUPFD_CLOEXEC, 0);
			if (p2->p_files[i].f_hostfd < 0) {
				mutex_exit(&p1->p_lock);
				uvm_proc_free(p2);
				return EMFILE;
			}
			p2->p_files[i].f_flag = p1->p_files[i].f_flag;
		}
	}
	mutex_exit(&p1->p_lock);

	if ((flags & UVM_FORK_SHAREVM) != 0) {
		p2->p_vmspace = uvmspace_share(p1->p_vmspace);
	} else {
		error = uvmspace_fork(p1->p_vmspace, &p2->p_vmspace);
		if (error != 0) {
			uvm_proc_free(p2);
			return error;
		}
	}
	/*
   * Locks are not inherited (the child's entries are unwired and its
   * map has no MCL_FUTURE); Linux's locked ranges neither.
   */
	uvm_mmap_forget_locks(p2);
	uvm_proc_link(p2);
	if (p1->p_uvm->u_sanity)
		uvm_proc_sanity(p2);
	*p2p = p2;
	return 0;
}

/*
 *   A C C E S S O R S
 */

struct vmspace *
uvm_proc_vmspace(struct uvm_proc *p)
{
	return p->p_vmspace;
}

int
uvm_proc_pid(const struct uvm_proc *p)
{
	return p->p_pid;
}

int
uvm_proc_personality(const struct uvm_proc *p)
{
	return p->p_personality;
}

uint32_t
uvm_proc_pax(const struct uvm_proc *p)
{
	return __atomic_load_n(&p->p_pax, __ATOMIC_RELAXED);
}

int
uvm_proc_set_pax(struct uvm_proc *p, uint32_t flags)
{
	if ((flags & ~(UVM_PAX_MPROTECT | UVM_PAX_ASLR)) != 0)
		return EINVAL;
	mutex_enter(&p->p_lock);
	p->p_pax = flags;
	mutex_exit(&p->p_lock);
	return 0;
}

void
uvm_proc_set_privileged(struct uvm_proc *p, bool priv)
{
	mutex_enter(&p->p_lock);
	p->p_privileged = priv;
	mutex_exit(&p->p_lock);
}

bool
uvm_proc_mlockall_future_p(struct uvm_proc *p)
{
	if (uvm_proc_linux_p(p))
		return (p->p_flag & UVM_PF_MCLFUTURE) != 0;
	return (__atomic_load_n(
		    &uvmspace_map(p->p_vmspace)->flags, __ATOMIC_RELAXED) &
		   VM_MAP_WIREFUTURE) != 0;
}

void
uvm_proc_layout(struct uvm_proc *p, vaddr_t *stack_lowp, vaddr_t *stack_topp,
    vaddr_t *datap, vaddr_t *brkp)
{
	struct vmspace *vm = p->p_vmspace;

	if (stack_lowp != NULL)
		*stack_lowp = vm->vm_maxsaddr;
	if (stack_topp != NULL)
		*stack_topp = vm->vm_minsaddr;
	if (datap != NULL)
		*datap = vm->vm_daddr;
	if (brkp != NULL)
		*brkp = uvm_proc_linux_p(p)
		    ? p->p_linux_brk
		    : vm->vm_daddr + uvm_ptoa(p->p_uvm, (uint64_t)vm->vm_dsize);
}

uint64_t
uvm_proc_random(struct uvm_proc *p)
{
	uint64_t z;

	/* splitmix64 */
	z = (p->p_rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 *   T H R E A D S
 */

int
uvm_lwp_create(struct uvm_proc *p, struct uvm_lwp **lp)
{
	struct uvm_lwp *l;

	KASSERT(p != NULL && lp != NULL);
	l = uvm_lwp_alloc(p);
	if (l == NULL)
		return ENOMEM;
	mutex_enter(&p->p_lock);
	l->l_lid = p->p_nextlid++;
	LIST_INSERT_HEAD(&p->p_lwps, l, l_list);
	p->p_nlwps++;
	mutex_exit(&p->p_lock);
	*lp = l;
	return 0;
}

int
uvm_lwp_exit(struct uvm_lwp *l)
{
	struct uvm_proc *p = l->l_proc;

	mutex_enter(&p->p_lock);
	if (p->p_nlwps == 1) {
		/* The last thread leaves through uvm_proc_exit(). */
		mutex_exit(&p->p_lock);
		return EBUSY;
	}
	LIST_REMOVE(l, l_list);
	p->p_nlwps--;
	mutex_exit(&p->p_lock);
	pool_put(&p->p_uvm->u_proc->ps_lwppool, l);
	return 0;
}

int
uvm_proc_nlwps(struct uvm_proc *p)
{
	int n;

	mutex_enter(&p->p_lock);
	n = p->p_nlwps;
	mutex_exit(&p->p_lock);
	return n;
}

/*
 *   R E S O U R C E   L I M I T S
 */

uint64_t
uvm_proc_limit(struct uvm_proc *p, int which)
{
	uint64_t v;

	KASSERT(which >= 0 && which < UVM_RLIMIT_NLIMITS);
	mutex_enter(&p->p_lock);
	v = p->p_rlimit[which].rlim_cur;
	mutex_exit(&p->p_lock);
	return v;
}

int
uvm_proc_getrlimit(struct uvm_proc *p, int which, struct uvm_rlimit *rl)
{
	if (which < 0 || which >= UVM_RLIMIT_NLIMITS || rl == NULL)
		return EINVAL;
	mutex_enter(&p->p_lock);
	*rl = p->p_rlimit[which];
	mutex_exit(&p->p_lock);
	return 0;
}

/*
 * uvm_proc_setrlimit: setrlimit(2).
 *
 * NetBSD (dosetrlimit()): cur > max is EINVAL; an unchanged pair is 0;
 * raising the hard limit needs privilege (EPERM); DATA and STACK are
 * clamped to MAXDSIZ/MAXSSIZ; a stack limit below the stack in use is
 * EINVAL; a new stack soft limit moves the boundary between the accessible
 * and the reserved part of the stack region.
 * Linux (do_prlimit()): cur > max is EINVAL; raising the hard limit needs
 * CAP_SYS_RESOURCE (EPERM); nothing is clamped or remapped.
 */
int
uvm_proc_setrlimit(struct uvm_proc *p, int which, const struct uvm_rlimit *rlp)
{
	struct uvm *uvm = p->p_uvm;
	struct uvm_rlimit nl, ol;
	vaddr_t addr;
	vsize_t size;
	vm_prot_t prot;
	int error;

	if (which < 0 || which >= UVM_RLIMIT_NLIMITS || rlp == NULL)
		return EINVAL;
	nl = *rlp;
	if (nl.rlim_cur > nl.rlim_max)
		return EINVAL;
	mutex_enter(&p->p_lock);
	ol = p->p_rlimit[which];
	if (nl.rlim_cur == ol.rlim_cur && nl.rlim_max == ol.rlim_max) {
		mutex_exit(&p->p_lock);
		return 0;
	}
	if (nl.rlim_max > ol.rlim_max && !p->p_privileged) {
		mutex_exit(&p->p_lock);
		return EPERM;
	}
	mutex_exit(&p->p_lock);

	if (uvm_proc_linux_p(p))
		goto set;
	if (which == UVM_RLIMIT_DATA) {
		if (nl.rlim_cur > NB_MAXDSIZ)
			nl.rlim_cur = NB_MAXDSIZ;
		if (nl.rlim_max > NB_MAXDSIZ)
			nl.rlim_max = NB_MAXDSIZ;
	}
	if (which == UVM_RLIMIT_STACK) {
		if (nl.rlim_cur > NB_MAXSSIZ)
			nl.rlim_cur = NB_MAXSSIZ;
		if (nl.rlim_max > NB_MAXSSIZ)
			nl.rlim_max = NB_MAXSSIZ;
		if (uvm_atop(uvm, uvm_round_page(uvm, nl.rlim_cur)) <
			(uint64_t)p->p_vmspace->vm_ssize ||
		    uvm_atop(uvm, uvm_round_page(uvm, nl.rlim_max)) <
			(uint64_t)p->p_vmspace->vm_ssize)
			return EINVAL;
		nl.rlim_cur = uvm_round_page(uvm, nl.rlim_cur);
		nl.rlim_max = uvm_round_page(uvm, nl.rlim_max);
		/*
     * Move the boundary inside the stack region (never beyond
     * what exec reserved: the region is p_maxssiz long).
     */
		if (nl.rlim_cur != ol.rlim_cur) {
			vsize_t oc = ol.rlim_cur, nc = nl.rlim_cur;

			if (oc > p->p_maxssiz)
				oc = p->p_maxssiz;
			if (nc > p->p_maxssiz)
				nc = p->p_maxssiz;
			if (nc > oc) {
				prot = VM_PROT_READ | VM_PROT_WRITE;
				size = nc - oc;
				addr = p->p_stackbase - nc;
			} else {
				prot = VM_PROT_NONE;
				size = oc - nc;
				addr = p->p_stackbase - oc;
			}
			if (size != 0) {
				error =
				    uvm_map_protect(uvmspace_map(p->p_vmspace),
					addr, addr + size, prot, false);
				(void)error; /* NetBSD ignores it too */
			}
		}
	}
set:
	mutex_enter(&p->p_lock);
	p->p_rlimit[which] = nl;
	mutex_exit(&p->p_lock);
	return 0;
}

/*
 *   D E S C R I P T O R S
 */

int
uvm_proc_fd_attach(struct uvm_proc *p, int hostfd, int *fdp)
{
	struct uvm_file *nf;
	int i, fl, acc, dupfd;

	if (fdp == NULL || hostfd < 0)
		return EBADF;
	fl = fcntl(hostfd, F_GETFL);
	if (fl < 0)
		return EBADF;
	dupfd = fcntl(hostfd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0)
		return errno == EBADF ? EBADF : EMFILE;
	acc = fl & O_ACCMODE;
	mutex_enter(&p->p_lock);
	for (i = 0; i < p->p_nfiles; i++)
		if (p->p_files[i].f_hostfd < 0)
			break;
	if (i == p->p_nfiles) {
		nf = realloc(
		    p->p_files, (size_t)(p->p_nfiles + 8) * sizeof(*nf));
		if (nf == NULL) {
			mutex_exit(&p->p_lock);
			(void)close(dupfd);
			return ENOMEM;
		}
		p->p_files = nf;
		for (; p->p_nfiles < i + 8; p->p_nfiles++)
			p->p_files[p->p_nfiles].f_hostfd = -1;
	}
	p->p_files[i].f_hostfd = dupfd;
	p->p_files[i].f_flag =
	    (acc == O_RDONLY || acc == O_RDWR ? UVM_FREAD : 0) |
	    (acc == O_WRONLY || acc == O_RDWR ? UVM_FWRITE : 0);
	mutex_exit(&p->p_lock);
	*fdp = i;
	return 0;
}

int
uvm_proc_fd_close(struct uvm_proc *p, int fd)
{
	int hostfd;

	mutex_enter(&p->p_lock);
	if (fd < 0 || fd >= p->p_nfiles || p->p_files[fd].f_hostfd < 0) {
		mutex_exit(&p->p_lock);
		return EBADF;
	}
	hostfd = p->p_files[fd].f_hostfd;
	p->p_files[fd].f_hostfd = -1;
	mutex_exit(&p->p_lock);
	(void)close(hostfd);
	return 0;
}

int
uvm_proc_fd_get(struct uvm_proc *p, int fd, int *hostfdp, int *flagp)
{
	int error = EBADF;

	mutex_enter(&p->p_lock);
	if (fd >= 0 && fd < p->p_nfiles && p->p_files[fd].f_hostfd >= 0) {
		*hostfdp = p->p_files[fd].f_hostfd;
		*flagp = p->p_files[fd].f_flag;
		error = 0;
	}
	mutex_exit(&p->p_lock);
	return error;
}

/*
 *   S A N I T Y
 */

/*
 * The checks of uvm_proc_sanity(); the caller makes the fields stable
 * (p_lock, or the machine's process list lock with no call running).
 */
static void
uvm_proc_sanity1(struct uvm_proc *p)
{
	struct uvm_lwp *l;
	int i, n = 0;

	KASSERT(p->p_personality == UVM_PERS_NETBSD ||
	    p->p_personality == UVM_PERS_LINUX);
	KASSERT(p->p_vmspace != NULL);
	LIST_FOREACH (l, &p->p_lwps, l_list) {
		KASSERT(l->l_proc == p);
		n++;
	}
	KASSERTMSG(n == p->p_nlwps && n >= 1, "proc %d: %d threads, %d counted",
	    p->p_pid, p->p_nlwps, n);
	for (i = 0; i < UVM_RLIMIT_NLIMITS; i++)
		KASSERTMSG(p->p_rlimit[i].rlim_cur <= p->p_rlimit[i].rlim_max,
		    "proc %d: limit %d: cur above max", p->p_pid, i);
	for (i = 0; i < p->p_nfiles; i++)
		KASSERT(p->p_files[i].f_hostfd >= -1);
	KASSERT(uvm_proc_linux_p(p) || p->p_locked.rs_n == 0);
	uvm_rangeset_sanity(&p->p_locked, p->p_uvm);
}

void
uvm_proc_sanity(struct uvm_proc *p)
{
	mutex_enter(&p->p_lock);
	uvm_proc_sanity1(p);
	mutex_exit(&p->p_lock);
}

void
uvm_proc_sanity_all(struct uvm *uvm)
{
	struct uvm_proc_state *ps = uvm->u_proc;
	struct uvm_proc *p;

	if (ps == NULL)
		return;
	/* Both locks are leaves: the list lock alone keeps p alive. */
	mutex_enter(&ps->ps_lock);
	LIST_FOREACH (p, &ps->ps_procs, p_list)
		uvm_proc_sanity1(p);
	mutex_exit(&ps->ps_lock);
}
