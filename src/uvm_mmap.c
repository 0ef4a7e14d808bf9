/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_mmap.c: the mmap-family system calls (mmap, munmap, mprotect,
 * minherit, madvise, posix_madvise, mlock, munlock, mlockall, munlockall,
 * mincore, msync, break, stack growth) in two personalities.
 *
 * This file owns no structure of its own beyond struct uvm_rangeset (the
 * Linux personality's locked ranges, kept in the process).  mremap(2) is
 * in uvm_mremap.c.
 *
 * Design note.
 *
 * Every call validates its arguments in the order of the kernel it
 * imitates, because that order is observable: a call with two faults
 * reports the first one checked.  docs/design/syscalls.md lists the order
 * for each call and personality; the code follows it line by line, and
 * each function's header names its order.  The NetBSD personality follows
 * NetBSD's sys/uvm/uvm_mmap.c (revision 1.184, 2022), uvm_unix.c (1.51)
 * and vfs_vnops.c's vn_mmap(); the Linux personality follows mm/mmap.c,
 * mm/mprotect.c, mm/madvise.c, mm/mlock.c, mm/msync.c and mm/mincore.c.
 *
 * NetBSD's rules translate directly onto the map layer (they were written
 * for it): mprotect skips holes because uvm_map_protect() walks only
 * existing entries, madvise(MADV_FREE) reports EFAULT for a hole because
 * uvm_map_clean() does, and so on.  Linux's rules are stated in terms of
 * VMAs; where they depend on VMA boundaries (mremap may not cross one) a
 * VMA is taken to be a maximal run of adjacent entries with the same
 * attributes, which is what Linux's merging produces for the mappings
 * these calls create.  Linux's VM_LOCKED is a property of ranges,
 * including PROT_NONE ranges that UVM never wires: the locked ranges are
 * kept in p_locked and the accessible entries under them are wired.
 *
 * Alternatives rejected: a Linux VMA layer of its own beside the map (two
 * structures to keep consistent on every change), and making the map layer
 * personality-aware (the map layer is NetBSD's and stays so).
 *
 * Locking: the calls take no lock of their own; the map layer locks the
 * map for each operation.  A call that reads the map and then changes it
 * (the Linux partial-application rules, the EBUSY pre-check of msync) may
 * see another thread's change in between, as the kernels' callers may
 * between two system calls; a process is expected to make one call at a
 * time (uvm_proc.h, rule [x]).
 */
#include <errno.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "pmap/pmap.h"
#include "uvm.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_proc.h"

/* NetBSD sizes used for the default mmap address (vmparam.h). */
#define NB_MAXDSIZ            (8ull << 30)
/* Linux: the stack guard gap and the largest mmap base gap. */
#define LX_STACK_GUARD_GAP(u) (256 * UVM_PAGE_SIZE(u))
#define LX_GAP_MIN            (128ull << 20)

/*
 *   R A N G E   S E T S
 */

void
uvm_rangeset_init(struct uvm_rangeset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
uvm_rangeset_fini(struct uvm_rangeset *rs)
{
	free(rs->rs_v);
	memset(rs, 0, sizeof(*rs));
}

static int
uvm_rangeset_reserve(struct uvm_rangeset *rs, size_t n)
{
	vaddr_t *nv;
	size_t cap;

	if (n <= rs->rs_cap)
		return 0;
	cap = rs->rs_cap == 0 ? 8 : rs->rs_cap * 2;
	while (cap < n)
		cap *= 2;
	nv = realloc(rs->rs_v, cap * 2 * sizeof(vaddr_t));
	if (nv == NULL)
		return ENOMEM;
	rs->rs_v = nv;
	rs->rs_cap = cap;
	return 0;
}

/* Remove [start, end) from the set: 0 or ENOMEM (a range split). */
int
uvm_rangeset_remove(struct uvm_rangeset *rs, vaddr_t start, vaddr_t end)
{
	size_t i, j, n = 0;
	vaddr_t *v;

	if (start >= end || rs->rs_n == 0)
		return 0;
	if (uvm_rangeset_reserve(rs, rs->rs_n + 1) != 0)
		return ENOMEM;
	v = malloc((rs->rs_n + 1) * 2 * sizeof(vaddr_t));
	if (v == NULL)
		return ENOMEM;
	for (i = 0; i < rs->rs_n; i++) {
		vaddr_t s = rs->rs_v[2 * i], e = rs->rs_v[2 * i + 1];

		if (e <= start || s >= end) {
			v[2 * n] = s;
			v[2 * n + 1] = e;
			n++;
			continue;
		}
		if (s < start) {
			v[2 * n] = s;
			v[2 * n + 1] = start;
			n++;
		}
		if (e > end) {
			v[2 * n] = end;
			v[2 * n + 1] = e;
			n++;
		}
	}
	for (j = 0; j < 2 * n; j++)
		rs->rs_v[j] = v[j];
	rs->rs_n = n;
	free(v);
	return 0;
}

/* Add [start, end), merging with what it touches: 0 or ENOMEM. */
int
uvm_rangeset_add(struct uvm_rangeset *rs, vaddr_t start, vaddr_t end)
{
	size_t i, k;

	if (start >= end)
		return 0;
	if (uvm_rangeset_reserve(rs, rs->rs_n + 1) != 0)
		return ENOMEM;
	/* Absorb every range that overlaps or touches [start, end). */
	for (i = 0; i < rs->rs_n;) {
		vaddr_t s = rs->rs_v[2 * i], e = rs->rs_v[2 * i + 1];

		if (e < start || s > end) {
			i++;
			continue;
		}
		if (s < start)
			start = s;
		if (e > end)
			end = e;
		memmove(&rs->rs_v[2 * i], &rs->rs_v[2 * i + 2],
		    (rs->rs_n - i - 1) * 2 * sizeof(vaddr_t));
		rs->rs_n--;
	}
	for (k = 0; k < rs->rs_n && rs->rs_v[2 * k] < start; k++)
		continue;
	memmove(&rs->rs_v[2 * k + 2], &rs->rs_v[2 * k],
	    (rs->rs_n - k) * 2 * sizeof(vaddr_t));
	rs->rs_v[2 * k] = start;
	rs->rs_v[2 * k + 1] = end;
	rs->rs_n++;
	return 0;
}

bool
uvm_rangeset_intersects_p(
    const struct uvm_rangeset *rs, vaddr_t start, vaddr_t end)
{
	size_t i;

	for (i = 0; i < rs->rs_n; i++)
		if (rs->rs_v[2 * i] < end && rs->rs_v[2 * i + 1] > start)
			return true;
	return false;
}

vsize_t
uvm_rangeset_bytes_in(const struct uvm_rangeset *rs, vaddr_t start, vaddr_t end)
{
	vsize_t n = 0;
	size_t i;

	for (i = 0; i < rs->rs_n; i++) {
		vaddr_t s = rs->rs_v[2 * i], e = rs->rs_v[2 * i + 1];

		if (s < start)
			s = start;
		if (e > end)
			e = end;
		if (s < e)
			n += e - s;
	}
	return n;
}

vsize_t
uvm_rangeset_bytes(const struct uvm_rangeset *rs)
{
	return uvm_rangeset_bytes_in(rs, 0, ~(vaddr_t)0);
}

void
uvm_rangeset_sanity(const struct uvm_rangeset *rs, struct uvm *uvm)
{
	size_t i;

	KASSERT(rs->rs_n <= rs->rs_cap);
	for (i = 0; i < rs->rs_n; i++) {
		KASSERTMSG(rs->rs_v[2 * i] < rs->rs_v[2 * i + 1],
		    "rangeset: empty range %zu", i);
		KASSERT(uvm_page_aligned_p(uvm, rs->rs_v[2 * i]));
		KASSERT(uvm_page_aligned_p(uvm, rs->rs_v[2 * i + 1]));
		KASSERTMSG(i == 0 || rs->rs_v[2 * i - 1] < rs->rs_v[2 * i],
		    "rangeset: ranges %zu and %zu overlap or touch", i - 1, i);
	}
}

/*
 *   H E L P E R S
 */

static inline struct vm_map *
uvm_proc_map(struct uvm_proc *p)
{
	return uvmspace_map(p->p_vmspace);
}

/* The map checker after a call, when the machine runs checkers. */
static void
uvm_sys_check(struct uvm_proc *p)
{
	struct vm_map *map = uvm_proc_map(p);

	if (!p->p_uvm->u_sanity)
		return;
	/* Write-locked: readers move the lookup hint under a read lock. */
	vm_map_lock(map);
	uvm_map_check(map);
	vm_map_unlock(map);
	uvm_rangeset_sanity(&p->p_locked, p->p_uvm);
}

/*
 * A snapshot of the entries meeting [start, end), in address order.
 * => *recsp is malloc()ed (free it); 0 or ENOMEM
 */
static int
uvm_sys_entries(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct uvm_map_entry_info **recsp, size_t *np)
{
	struct uvm_map_entry_info *recs = NULL, *nr;
	size_t n = 0, cap = 0, nfound, got, i;
	vaddr_t cur = start;
	int error;

	*recsp = NULL;
	*np = 0;
	while (cur < end) {
		size_t avail;

		if (cap - n < 32) {
			cap = cap == 0 ? 32 : cap * 2;
			nr = realloc(recs, cap * sizeof(*recs));
			if (nr == NULL) {
				free(recs);
				return ENOMEM;
			}
			recs = nr;
		}
		avail = cap - n;
		error = uvm_map_foreach(map, cur, &recs[n], avail, &nfound);
		if (error != 0) {
			free(recs);
			return error;
		}
		got = nfound < avail ? nfound : avail;
		for (i = 0; i < got; i++)
			if (recs[n + i].mi_start >= end)
				break;
		n += i;
		if (i < got || nfound <= avail || got == 0)
			break;
		cur = recs[n - 1].mi_end;
	}
	*recsp = recs;
	*np = n;
	return 0;
}

/* Default inheritance of an entry: shared memory is shared, else copied. */
static vm_inherit_t
uvm_sys_default_inherit(const struct uvm_map_entry_info *mi)
{
	return (mi->mi_flags & UVM_MI_COW) != 0 ? UVM_INH_COPY : UVM_INH_SHARE;
}

/* Is the entry shared memory (not copy-on-write)? */
static bool
uvm_sys_shared_p(const struct uvm_map_entry_info *mi)
{
	return (mi->mi_flags & UVM_MI_COW) == 0;
}

/* NetBSD's range_test(): EINVAL, EFBIG/EINVAL, EOVERFLOW/EINVAL. */
static int
uvm_sys_range_test(struct vm_map *map, vaddr_t addr, vsize_t size, bool ismmap)
{
	vaddr_t vmin, vmax, eaddr = addr + size;

	uvm_map_bounds(map, &vmin, &vmax);
	if (addr < vmin)
		return EINVAL;
	if (eaddr > vmax)
		return ismmap ? EFBIG : EINVAL;
	if (addr > eaddr)
		return ismmap ? EOVERFLOW : EINVAL;
	return 0;
}

/*
 * NetBSD's round_and_check(): page-align the address (extending the
 * length), round the length, then range_test().
 */
static int
uvm_sys_round_and_check(struct uvm_proc *p, vaddr_t *addr, vsize_t *size)
{
	struct uvm *uvm = p->p_uvm;
	vsize_t pageoff = *addr & UVM_PAGE_MASK(uvm);

	*addr -= pageoff;
	if (*size != 0) {
		*size += pageoff;
		*size = uvm_round_page(uvm, *size);
	} else if (*addr + *size < *addr) {
		return ENOMEM;
	}
	return uvm_sys_range_test(uvm_proc_map(p), *addr, *size, false);
}

/* Bytes wired in the process's pmap. */
static vsize_t
uvm_sys_wired_bytes(struct uvm_proc *p)
{
	return uvm_ptoa(
	    p->p_uvm, (uint64_t)pmap_wired_count(vm_map_pmap(uvm_proc_map(p))));
}

/* NetBSD's uvmexp.wiredmax: a third of the managed pages. */
static bool
uvm_sys_over_wiredmax_p(struct uvm *uvm, vsize_t size)
{
	int64_t wiredmax = uvm_cnt_get(uvm, npages) / 3;

	return (int64_t)uvm_atop(uvm, size) + uvm_cnt_get(uvm, wired) >
	    wiredmax;
}

/*
 * Could [start, start + size) ever be wired?  Not when it is larger than
 * the machine's memory; such requests fail (ENOMEM) before the wiring code
 * would try to build an amap for them.
 */
static bool
uvm_sys_wirable_p(struct uvm *uvm, vsize_t size)
{
	return uvm_atop(uvm, size) <= (uint64_t)uvm_cnt_get(uvm, npages);
}

/*
 * Wire the accessible, unwired entries of [start, end) (Linux: populating
 * a VM_LOCKED range).  Holes and PROT_NONE entries are skipped.
 * => 0 or the first wiring error
 */
int
uvm_sys_wire_accessible(
    struct uvm_proc *p, vaddr_t start, vaddr_t end, bool private_only)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	size_t n, i;
	vaddr_t s, e;
	int error;

	error = uvm_sys_entries(map, start, end, &recs, &n);
	if (error != 0)
		return error;
	for (i = 0; i < n && error == 0; i++) {
		if (recs[i].mi_prot == VM_PROT_NONE || recs[i].mi_wired != 0 ||
		    (recs[i].mi_flags & UVM_MI_SUBMAP) != 0 ||
		    (private_only && uvm_sys_shared_p(&recs[i])))
			continue;
		s = recs[i].mi_start > start ? recs[i].mi_start : start;
		e = recs[i].mi_end < end ? recs[i].mi_end : end;
		error = uvm_sys_wirable_p(p->p_uvm, e - s)
		    ? uvm_map_pageable(map, s, e, false, 0)
		    : ENOMEM;
	}
	free(recs);
	return error;
}

/* Unwire every wired entry of [start, end) (holes skipped). */
static void
uvm_sys_unwire_range(struct uvm_proc *p, vaddr_t start, vaddr_t end)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	size_t n, i;
	vaddr_t s, e;

	if (uvm_sys_entries(map, start, end, &recs, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (recs[i].mi_wired == 0)
			continue;
		s = recs[i].mi_start > start ? recs[i].mi_start : start;
		e = recs[i].mi_end < end ? recs[i].mi_end : end;
		(void)uvm_map_pageable(map, s, e, true, 0);
	}
	free(recs);
}

void
uvm_mmap_forget_locks(struct uvm_proc *p)
{
	uvm_rangeset_fini(&p->p_locked);
	uvm_rangeset_init(&p->p_locked);
	p->p_flag &= ~UVM_PF_MCLFUTURE;
}

/*
 * The Linux VMA around addr: the maximal run of adjacent entries with the
 * attributes of the entry holding addr, cut where the locked state
 * changes.  Returns false if addr is not mapped.
 */
bool
uvm_proc_linux_vma(struct uvm_proc *p, vaddr_t addr, vaddr_t *sp, vaddr_t *ep,
    struct uvm_map_entry_info *mip)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs, me;
	vaddr_t vmin, vmax, s, e;
	size_t n, i, k;
	bool locked;

	uvm_map_bounds(map, &vmin, &vmax);
	if (uvm_sys_entries(map, vmin, vmax, &recs, &n) != 0)
		return false;
	for (k = 0; k < n; k++)
		if (recs[k].mi_start <= addr && addr < recs[k].mi_end)
			break;
	if (k == n) {
		free(recs);
		return false;
	}
	me = recs[k];
#define SAME(a, b)                                                            \
	((a).mi_prot == (b).mi_prot && (a).mi_maxprot == (b).mi_maxprot &&    \
	    (a).mi_inherit == (b).mi_inherit &&                               \
	    (a).mi_advice == (b).mi_advice &&                                 \
	    ((a).mi_flags & (UVM_MI_COW | UVM_MI_OBJ | UVM_MI_SUBMAP)) ==     \
		((b).mi_flags & (UVM_MI_COW | UVM_MI_OBJ | UVM_MI_SUBMAP)) && \
	    ((a).mi_object == NULL) == ((b).mi_object == NULL))
	s = me.mi_start;
	e = me.mi_end;
	for (i = k; i > 0 && recs[i - 1].mi_end == s && SAME(recs[i - 1], me);
	     i--)
		s = recs[i - 1].mi_start;
	for (i = k + 1; i < n && recs[i].mi_start == e && SAME(recs[i], me);
	     i++)
		e = recs[i].mi_end;
#undef SAME
	free(recs);
	/* Cut at the locked-state boundaries around addr. */
	locked = uvm_rangeset_intersects_p(
	    &p->p_locked, addr, addr + UVM_PAGE_SIZE(p->p_uvm));
	for (i = 0; i < p->p_locked.rs_n; i++) {
		vaddr_t ls = p->p_locked.rs_v[2 * i];
		vaddr_t le = p->p_locked.rs_v[2 * i + 1];

		if (locked && ls <= addr && addr < le) {
			if (ls > s)
				s = ls;
			if (le < e)
				e = le;
		} else if (!locked) {
			if (le <= addr && le > s)
				s = le;
			if (ls > addr && ls < e)
				e = ls;
		}
	}
	*sp = s;
	*ep = e;
	if (mip != NULL)
		*mip = me;
	return true;
}

/*
 *   M M A P
 */

/*
 * The default address of a new mapping of size bytes (NetBSD's
 * e_vm_default_addr(): top-down below the stack region, bottom-up above
 * the largest heap).
 */
vaddr_t
uvm_sys_defaddr(struct uvm_proc *p, vsize_t size)
{
	struct uvm *uvm = p->p_uvm;
	struct vmspace *vm = p->p_vmspace;
	vaddr_t vmin, vmax, base;

	uvm_map_bounds(uvm_proc_map(p), &vmin, &vmax);
	if (uvm_proc_linux_p(p)) {
		vaddr_t gap = uvm_proc_limit(p, UVM_RLIMIT_STACK);

		if (p->p_topdown) {
			gap += LX_STACK_GUARD_GAP(uvm);
			if (gap < LX_GAP_MIN)
				gap = LX_GAP_MIN;
			if (gap > vmax / 6 * 5)
				gap = vmax / 6 * 5;
			base = uvm_trunc_page(
			    uvm, vmax - gap - vm->vm_aslr_delta_mmap);
			return base > size ? base - size : vmin;
		}
		return uvm_round_page(uvm, vmax / 3) + vm->vm_aslr_delta_mmap;
	}
	if (p->p_topdown) {
		base = vm->vm_maxsaddr;
		if (base > (1ull << 20))
			base -= 1ull << 20; /* the stack guard */
		return base > size ? uvm_trunc_page(uvm, base - size) : vmin;
	}
	return uvm_round_page(uvm, vm->vm_daddr + NB_MAXDSIZ);
}

/* Bytes of [start, end) that are mapped. */
static vsize_t
uvm_sys_mapped_bytes(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvm_map_entry_info *recs;
	vsize_t sum = 0;
	size_t n, i;

	if (uvm_sys_entries(map, start, end, &recs, &n) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		vaddr_t s = recs[i].mi_start > start ? recs[i].mi_start : start;
		vaddr_t e = recs[i].mi_end < end ? recs[i].mi_end : end;

		if (s < e)
			sum += e - s;
	}
	free(recs);
	return sum;
}

static vsize_t
uvm_sys_map_size(struct vm_map *map)
{
	size_t nent;
	vsize_t size;

	uvm_map_stat(map, &nent, &size);
	return size;
}

/* Linux: bytes of private writable mappings (mm->data_vm). */
static vsize_t
uvm_sys_linux_data_vm(struct uvm_proc *p)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	vaddr_t vmin, vmax;
	vsize_t sum = 0;
	size_t n, i;

	uvm_map_bounds(map, &vmin, &vmax);
	if (uvm_sys_entries(map, vmin, vmax, &recs, &n) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((recs[i].mi_prot & VM_PROT_WRITE) != 0 &&
		    !uvm_sys_shared_p(&recs[i]) &&
		    recs[i].mi_end != p->p_stackbase)
			sum += recs[i].mi_end - recs[i].mi_start;
	free(recs);
	return sum;
}

/*
 * Linux's may_expand_vm(): RLIMIT_AS against all mappings, RLIMIT_DATA
 * against private writable ones (data: the new mapping is one).
 */
static bool
uvm_sys_linux_may_expand(struct uvm_proc *p, vsize_t npbytes, bool data)
{
	struct vm_map *map = uvm_proc_map(p);
	uint64_t as = uvm_proc_limit(p, UVM_RLIMIT_AS);
	uint64_t dl = uvm_proc_limit(p, UVM_RLIMIT_DATA);

	if (as != UVM_RLIM_INFINITY &&
	    uvm_sys_map_size(map) + npbytes > uvm_trunc_page(p->p_uvm, as))
		return false;
	if (data && dl != UVM_RLIM_INFINITY &&
	    uvm_sys_linux_data_vm(p) + npbytes > uvm_trunc_page(p->p_uvm, dl))
		return false;
	return true;
}

/*
 * The anonymous mapping itself: uvm_map() with NetBSD's uvm_mmap() flags.
 * => addr: the hint, or the address with FIXED (replace with UNMAP)
 */
static int
uvm_sys_map_anon(struct uvm_proc *p, vaddr_t *addr, vsize_t size,
    vm_prot_t prot, vm_prot_t maxprot, int flags, vsize_t align,
    uvm_flag_t fixflags)
{
	uvm_flag_t uf;

	/*
	 * Shared memory gets its amap at once; an amap has at most INT_MAX
	 * slots (NetBSD's amap allocation fails for more: ENOMEM).
	 */
	if ((flags & UVM_MAP_SHARED) != 0 &&
	    uvm_atop(p->p_uvm, size) > (uint64_t)INT_MAX)
		return ENOMEM;
	uf =
	    (flags & UVM_MAP_SHARED) != 0 ? UVM_FLAG_OVERLAY : UVM_FLAG_COPYONW;
	return uvm_map(uvm_proc_map(p), addr, size, NULL, UVM_UNKNOWN_OFFSET,
	    align,
	    UVM_MAPFLAG(prot, maxprot,
		(flags & UVM_MAP_SHARED) != 0 ? UVM_INH_SHARE : UVM_INH_COPY,
		UVM_ADV_NORMAL, uf | fixflags));
}

/*
 * The file part of mmap (NetBSD's fo_mmap/vn_mmap, Linux's file checks):
 * every check up to the point where the file's memory object would be
 * attached.  /dev/zero becomes anonymous memory (*anonp).  Any other file
 * that passes the checks is refused with ENODEV, the errno both kernels
 * give for a descriptor whose object cannot be mapped, until libuvm has a
 * vnode pager: the refusal comes exactly where the object would be
 * attached, so every errno that precedes it is the kernel's.
 */
static int
uvm_sys_mmap_file(struct uvm_proc *p, int fd, int64_t pos, vsize_t size,
    vm_prot_t prot, int *flagsp, vm_prot_t *maxprotp, bool *anonp)
{
	const bool linux_p = uvm_proc_linux_p(p);
	struct stat st;
	int hostfd, fflag, error, attr = 0;

	*anonp = false;
	error = uvm_proc_fd_get(p, fd, &hostfd, &fflag);
	if (error != 0)
		return EBADF;
	if (fstat(hostfd, &st) != 0)
		return EBADF;
	if (linux_p) {
		/* Linux: the sharing type, then access, then f_op->mmap. */
		switch (*flagsp & UVM_MAP_SHARED_VALIDATE) {
		case UVM_MAP_SHARED:
		case UVM_MAP_SHARED_VALIDATE:
			if ((prot & VM_PROT_WRITE) != 0 &&
			    (fflag & UVM_FWRITE) == 0)
				return EACCES;
			if (S_ISREG(st.st_mode) && (fflag & UVM_FWRITE) != 0 &&
			    ioctl(hostfd, FS_IOC_GETFLAGS, &attr) == 0 &&
			    (attr & FS_APPEND_FL) != 0)
				return EACCES;
			/* FALLTHROUGH */
		case UVM_MAP_PRIVATE:
			if ((fflag & UVM_FREAD) == 0)
				return EACCES;
			break;
		default:
			return EINVAL;
		}
		*maxprotp = VM_PROT_ALL;
		if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5)) {
			*anonp = true;
			return 0;
		}
		return ENODEV;
	}

	/* NetBSD: no fo_mmap (pipes, sockets, ...): ENODEV. */
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) &&
	    !S_ISBLK(st.st_mode) && !S_ISDIR(st.st_mode))
		return ENODEV;
	/* vn_mmap(): only REG/CHR/BLK vnodes. */
	if (S_ISDIR(st.st_mode))
		return ENODEV;
	if (!S_ISCHR(st.st_mode) && pos < 0)
		return EINVAL;
	if (!S_ISCHR(st.st_mode) &&
	    (size > (vsize_t)INT64_MAX || pos > INT64_MAX - (int64_t)size))
		return EOVERFLOW;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5)) {
		*maxprotp = VM_PROT_ALL;
		*anonp = true;
		return 0;
	}
	if ((*flagsp & (UVM_MAP_SHARED | UVM_MAP_PRIVATE)) == 0)
		*flagsp |=
		    S_ISCHR(st.st_mode) ? UVM_MAP_SHARED : UVM_MAP_PRIVATE;
	if (S_ISCHR(st.st_mode) && (*flagsp & UVM_MAP_PRIVATE) != 0)
		*flagsp = (*flagsp & ~UVM_MAP_PRIVATE) | UVM_MAP_SHARED;
	*maxprotp = VM_PROT_EXECUTE;
	if ((fflag & UVM_FREAD) != 0)
		*maxprotp |= VM_PROT_READ;
	else if ((prot & VM_PROT_READ) != 0)
		return EACCES;
	if ((*flagsp & UVM_MAP_SHARED) != 0) {
		if ((fflag & UVM_FWRITE) != 0) {
			if (ioctl(hostfd, FS_IOC_GETFLAGS, &attr) != 0)
				attr = 0;
			if ((attr & (FS_IMMUTABLE_FL | FS_APPEND_FL)) == 0)
				*maxprotp |= VM_PROT_WRITE;
			else if ((prot & VM_PROT_WRITE) != 0)
				return EPERM;
		} else if ((prot & VM_PROT_WRITE) != 0) {
			return EACCES;
		}
	} else {
		*maxprotp |= VM_PROT_WRITE;
	}
	return ENODEV;
}

/*
 * NetBSD's uvm_mmap(): align, RLIMIT_AS, map, then wire for MAP_WIRED or
 * mlockall(MCL_FUTURE) (PROT_NONE mappings are not wired).
 */
static int
uvm_sys_uvm_mmap(struct uvm_proc *p, vaddr_t *addr, vsize_t size,
    vm_prot_t prot, vm_prot_t maxprot, int flags)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	vaddr_t vmin, vmax;
	uvm_flag_t fix = 0;
	vsize_t align = 0;
	unsigned shift;
	uint64_t lim;
	int error;

	if (size == 0)
		return 0;
	if ((prot & maxprot) != prot)
		return EINVAL;
	if ((flags & UVM_MAP_FIXED) == 0) {
		*addr = uvm_round_page(uvm, *addr);
	} else {
		if (!uvm_page_aligned_p(uvm, *addr))
			return EINVAL;
		fix = UVM_FLAG_FIXED | UVM_FLAG_UNMAP;
	}
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
		if ((flags & UVM_MAP_FIXED) != 0) {
			if ((*addr & (align - 1)) != 0)
				return EINVAL;
			align = 0;
		}
	}
	/*
   * RLIMIT_AS: the whole map plus the new size, as NetBSD counts it
   * (a MAP_FIXED replacement counts the replaced range twice).
   */
	lim = uvm_proc_limit(p, UVM_RLIMIT_AS);
	if (uvm_sys_map_size(map) + size > lim ||
	    uvm_sys_map_size(map) + size < size)
		return ENOMEM;
	error =
	    uvm_sys_map_anon(p, addr, size, prot, maxprot, flags, align, fix);
	if (error != 0)
		return error;
	if (prot == VM_PROT_NONE)
		return 0;
	if ((flags & UVM_MAP_WIRED) != 0 || uvm_proc_mlockall_future_p(p)) {
		lim = uvm_proc_limit(p, UVM_RLIMIT_MEMLOCK);
		if (uvm_sys_over_wiredmax_p(uvm, size) ||
		    (lim != 0 && size + uvm_sys_wired_bytes(p) > lim)) {
			(void)uvm_unmap(map, *addr, *addr + size);
			return ENOMEM;
		}
		error = uvm_map_pageable(map, *addr, *addr + size, false, 0);
		if (error != 0) {
			(void)uvm_unmap(map, *addr, *addr + size);
			return error;
		}
	}
	return 0;
}

/*
 * mmap, NetBSD (sys_mmap()).  Order: SHARED|PRIVATE (EINVAL); file and
 * len 0 (EINVAL); size + page offset overflow (ENOMEM); MAP_FIXED:
 * congruence (EINVAL) and range (EINVAL, EFBIG, EOVERFLOW); else the
 * default address; the descriptor (EBADF, ENODEV, vn_mmap's EINVAL,
 * EOVERFLOW, EACCES, EPERM); anonymous with fd != -1 (EINVAL); maxprot
 * with PaX (EACCES); PaX W^X (EACCES); ASLR; uvm_mmap() (alignment
 * EINVAL/ENOMEM, RLIMIT_AS ENOMEM, no space ENOMEM, wiring ENOMEM); a
 * failing hint is retried at the default address.
 */
static int
uvm_sys_mmap_netbsd(struct uvm_proc *p, vaddr_t addr, vsize_t size, int protarg,
    int flags, int fd, int64_t pos, vaddr_t *retp)
{
	struct uvm *uvm = p->p_uvm;
	const bool topdown = p->p_topdown;
	vm_prot_t prot, extraprot, maxprot;
	vaddr_t defaddr = 0, orig_addr = addr;
	vsize_t pageoff;
	bool addrhint = false, anon;
	uint32_t pax = uvm_proc_pax(p);
	int error;

	prot = (vm_prot_t)protarg & VM_PROT_ALL;
	extraprot = UVM_PROT_MPROTECT_EXTRACT((unsigned)protarg);
	if ((flags & (UVM_MAP_SHARED | UVM_MAP_PRIVATE)) ==
	    (UVM_MAP_SHARED | UVM_MAP_PRIVATE))
		return EINVAL;
	if (size == 0 && (flags & UVM_MAP_ANON) == 0)
		return EINVAL;
	pageoff = (vsize_t)pos & UVM_PAGE_MASK(uvm);
	pos -= (int64_t)pageoff;
	if (size > UINT64_MAX - UVM_PAGE_SIZE(uvm) + 1 - pageoff)
		return ENOMEM;
	size = uvm_round_page(uvm, size + pageoff);

	if ((flags & UVM_MAP_FIXED) != 0) {
		addr -= pageoff;
		if (!uvm_page_aligned_p(uvm, addr))
			return EINVAL;
		error = uvm_sys_range_test(uvm_proc_map(p), addr, size, true);
		if (error != 0)
			return error;
	} else if (addr == 0 || (flags & UVM_MAP_TRYFIXED) == 0) {
		defaddr = uvm_sys_defaddr(p, size);
		if (addr == 0 || !topdown)
			addr = addr > defaddr ? addr : defaddr;
		else
			addr = addr < defaddr ? addr : defaddr;
		addrhint = addr != 0 && addr != defaddr;
	}

	if ((flags & UVM_MAP_ANON) == 0) {
		error = uvm_sys_mmap_file(
		    p, fd, pos, size, prot, &flags, &maxprot, &anon);
		if (error != 0)
			return error;
		KASSERT(anon); /* /dev/zero: SunOS-style anonymous memory */
		flags |= UVM_MAP_ANON;
	} else {
		if (fd != -1)
			return EINVAL;
		maxprot = VM_PROT_ALL;
	}

	/* PaX MPROTECT: the maximum is what was asked for; no W|X. */
	if ((pax & UVM_PAX_MPROTECT) != 0)
		maxprot = (prot | extraprot) & maxprot;
	if (((prot | extraprot) & maxprot) != (prot | extraprot))
		return EACCES;
	if ((pax & UVM_PAX_MPROTECT) != 0 &&
	    (prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) ==
		(VM_PROT_WRITE | VM_PROT_EXECUTE))
		return EACCES;

		/* PaX ASLR (pax_aslr_mmap()). */
#define UVM_SYS_ASLR(a)                                                    \
	do {                                                               \
		if ((pax & UVM_PAX_ASLR) != 0 &&                           \
		    (flags & UVM_MAP_FIXED) == 0 &&                        \
		    (orig_addr == 0 || (flags & UVM_MAP_TRYFIXED) == 0)) { \
			if (topdown)                                       \
				(a) -= p->p_vmspace->vm_aslr_delta_mmap;   \
			else                                               \
				(a) += p->p_vmspace->vm_aslr_delta_mmap;   \
		}                                                          \
	} while (0)
	UVM_SYS_ASLR(addr);

	error = uvm_sys_uvm_mmap(p, &addr, size, prot, maxprot, flags);
	if (error != 0 && addrhint) {
		/* 2022: a hint that could not be satisfied is dropped. */
		addr = defaddr;
		UVM_SYS_ASLR(addr);
		error = uvm_sys_uvm_mmap(p, &addr, size, prot, maxprot, flags);
	}
#undef UVM_SYS_ASLR
	if (error != 0)
		return error;
	*retp = addr + pageoff;
	return 0;
}

/*
 * mmap, Linux (ksys_mmap_pgoff(), do_mmap(), mmap_region()).  Order:
 * offset alignment (EINVAL); the descriptor (EBADF); len 0 (EINVAL);
 * page-aligned length wraps (ENOMEM); offset + length overflow
 * (EOVERFLOW); the address (get_unmapped_area(): length or fixed range
 * beyond user space ENOMEM, unaligned fixed EINVAL, below mmap_min_addr
 * EPERM); MAP_FIXED_NOREPLACE on a used range (EEXIST); MAP_LOCKED or
 * mlockall(MCL_FUTURE) over RLIMIT_MEMLOCK (EPERM with a zero limit,
 * EAGAIN); the sharing type and file access (EINVAL, EOPNOTSUPP, EACCES,
 * ENODEV); RLIMIT_AS/RLIMIT_DATA (ENOMEM); then map, and populate a
 * locked or MAP_POPULATE mapping (errors ignored, as Linux does).
 */
static int
uvm_sys_mmap_linux(struct uvm_proc *p, vaddr_t addr, vsize_t len, int protarg,
    int flags, int fd, int64_t pos, vaddr_t *retp)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	const vaddr_t pmask = UVM_PAGE_MASK(uvm);
	vaddr_t vmin, vmax, start;
	vm_prot_t prot = (vm_prot_t)protarg & VM_PROT_ALL, maxprot;
	uint64_t pgoff, lim;
	bool anon = (flags & UVM_MAP_ANON) != 0, locked, priv, dev0 = false;
	int error, type;

	uvm_map_bounds(map, &vmin, &vmax);
	if (((uint64_t)pos & pmask) != 0)
		return EINVAL;
	if (!anon) {
		int hostfd, fflag;

		if (uvm_proc_fd_get(p, fd, &hostfd, &fflag) != 0)
			return EBADF;
	}
	if ((flags & UVM_MAP_FIXED_NOREPLACE) != 0)
		flags |= UVM_MAP_FIXED;
	if (len == 0)
		return EINVAL;
	if ((flags & UVM_MAP_FIXED) == 0) {
		/* round_hint_to_min() */
		addr &= ~pmask;
		if (addr != 0 && addr < p->p_mmap_min)
			addr = p->p_mmap_min;
	}
	if (len > UINT64_MAX - pmask)
		return ENOMEM;
	len = uvm_round_page(uvm, len);
	pgoff = (uint64_t)pos >> UVM_PAGE_SHIFT(uvm);
	if (pgoff + uvm_atop(uvm, len) < pgoff)
		return EOVERFLOW;
	if (len > vmax)
		return ENOMEM;
	mutex_enter(&p->p_lock);
	priv = p->p_privileged;
	mutex_exit(&p->p_lock);
	if ((flags & UVM_MAP_FIXED) != 0) {
		if (addr > vmax - len)
			return ENOMEM;
		if ((addr & pmask) != 0)
			return EINVAL;
		if (addr < p->p_mmap_min && !priv)
			return EPERM;
		if ((flags & UVM_MAP_FIXED_NOREPLACE) != 0 &&
		    uvm_sys_mapped_bytes(map, addr, addr + len) != 0)
			return EEXIST;
	}
	locked = (flags & UVM_MAP_LOCKED) != 0 ||
	    (p->p_flag & UVM_PF_MCLFUTURE) != 0;
	lim = uvm_proc_limit(p, UVM_RLIMIT_MEMLOCK);
	if ((flags & UVM_MAP_LOCKED) != 0 && lim == 0 && !priv)
		return EPERM;
	if (locked && !priv &&
	    uvm_rangeset_bytes(&p->p_locked) + len > uvm_trunc_page(uvm, lim))
		return EAGAIN;
	type = flags & UVM_MAP_SHARED_VALIDATE;
	if (!anon) {
		error = uvm_sys_mmap_file(
		    p, fd, pos, len, prot, &flags, &maxprot, &dev0);
		if (error != 0)
			return error;
		KASSERT(dev0);
	} else if (type != UVM_MAP_SHARED && type != UVM_MAP_PRIVATE) {
		return EINVAL;
	}
	if (type == UVM_MAP_SHARED_VALIDATE)
		flags = (flags & ~UVM_MAP_SHARED_VALIDATE) | UVM_MAP_SHARED;
	maxprot = VM_PROT_ALL;
	if ((uvm_proc_pax(p) & UVM_PAX_MPROTECT) != 0) {
		if ((prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) ==
		    (VM_PROT_WRITE | VM_PROT_EXECUTE))
			return EACCES;
		maxprot = prot;
	}
	/* may_expand_vm(): what MAP_FIXED replaces does not count. */
	if (!uvm_sys_linux_may_expand(p,
		len -
		    ((flags & UVM_MAP_FIXED) != 0
			    ? uvm_sys_mapped_bytes(map, addr, addr + len)
			    : 0),
		(flags & UVM_MAP_SHARED) == 0 && (prot & VM_PROT_WRITE) != 0))
		return ENOMEM;

	if ((flags & UVM_MAP_FIXED) != 0) {
		start = addr;
		error = uvm_sys_map_anon(p, &start, len, prot, maxprot, flags,
		    0, UVM_FLAG_FIXED | UVM_FLAG_UNMAP);
		if (error == 0)
			(void)uvm_rangeset_remove(
			    &p->p_locked, start, start + len);
	} else {
		error = ENOMEM;
		start = addr;
		/* A free hint is taken as it is. */
		if (addr != 0 && addr <= vmax - len)
			error = uvm_sys_map_anon(p, &start, len, prot, maxprot,
			    flags, 0, UVM_FLAG_FIXED);
		if (error != 0) {
			start = uvm_sys_defaddr(p, len);
			error = uvm_sys_map_anon(
			    p, &start, len, prot, maxprot, flags, 0, 0);
		}
		if (error != 0 && p->p_topdown) {
			/* Top-down failed: bottom-up from TASK_UNMAPPED_BASE. */
			start = uvm_round_page(uvm, vmax / 3);
			error = uvm_sys_map_anon(
			    p, &start, len, prot, maxprot, flags, 0, 0);
		}
	}
	if (error != 0)
		return error;
	if (locked) {
		if (uvm_rangeset_add(&p->p_locked, start, start + len) == 0 &&
		    prot != VM_PROT_NONE)
			(void)uvm_sys_wire_accessible(
			    p, start, start + len, false);
	} else if ((flags & UVM_MAP_POPULATE) != 0 && prot != VM_PROT_NONE) {
		vaddr_t va;
		vm_prot_t at =
		    (prot & VM_PROT_WRITE) != 0 && (flags & UVM_MAP_SHARED) == 0
		    ? VM_PROT_WRITE
		    : VM_PROT_READ;

		if ((prot & VM_PROT_READ) == 0 && at == VM_PROT_READ)
			at = prot;
		for (va = start; va < start + len; va += UVM_PAGE_SIZE(uvm))
			if (uvm_fault(map, va, at) != 0)
				break;
	}
	*retp = start;
	return 0;
}

int
uvm_sys_mmap(struct uvm_proc *p, vaddr_t addr, vsize_t len, int prot, int flags,
    int fd, int64_t pos, vaddr_t *retp)
{
	int error;

	KASSERT(p != NULL && retp != NULL);
	if (uvm_proc_linux_p(p))
		error = uvm_sys_mmap_linux(
		    p, addr, len, prot, flags, fd, pos, retp);
	else
		error = uvm_sys_mmap_netbsd(
		    p, addr, len, prot, flags, fd, pos, retp);
	uvm_sys_check(p);
	return error;
}

/*
 *   M U N M A P
 */

/*
 * munmap.  NetBSD: round_and_check (EINVAL); size 0 after rounding is 0;
 * unmap (holes are fine).  Linux: unaligned address, start or length
 * beyond user space (EINVAL); length 0 after rounding (EINVAL); unmap,
 * which also unlocks.
 */
int
uvm_sys_munmap(struct uvm_proc *p, vaddr_t addr, vsize_t len)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	vaddr_t vmin, vmax;
	int error;

	if (uvm_proc_linux_p(p)) {
		uvm_map_bounds(map, &vmin, &vmax);
		if (!uvm_page_aligned_p(uvm, addr) || addr > vmax ||
		    len > vmax - addr)
			return EINVAL;
		len = uvm_round_page(uvm, len);
		if (len == 0)
			return EINVAL;
		error = uvm_unmap(map, addr, addr + len);
		if (error == 0)
			(void)uvm_rangeset_remove(
			    &p->p_locked, addr, addr + len);
		return error;
	}
	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return EINVAL;
	if (len == 0)
		return 0;
	return uvm_unmap(map, addr, addr + len);
}

/*
 *   M P R O T E C T
 */

/*
 * mprotect, NetBSD.  Order: round_and_check (EINVAL); PaX W^X (EACCES);
 * uvm_map_protect() (EACCES above the maximum anywhere in the range,
 * nothing changed; holes skipped).  With mlockall(MCL_FUTURE) in force
 * the map layer wires the entries that go from PROT_NONE to accessible,
 * as NetBSD's uvm_map_protect() does.  Unknown protection bits are
 * dropped.  (An entry larger than the machine's memory could never be
 * wired: that case is refused with ENOMEM before anything changes,
 * where NetBSD would change the protection and then fail to wire.)
 */
static int
uvm_sys_mprotect_netbsd(
    struct uvm_proc *p, vaddr_t addr, vsize_t len, int protarg)
{
	struct vm_map *map = uvm_proc_map(p);
	vm_prot_t prot = (vm_prot_t)protarg & VM_PROT_ALL;
	struct uvm_map_entry_info *recs = NULL;
	size_t n = 0, i;
	int error;

	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return EINVAL;
	if ((uvm_proc_pax(p) & UVM_PAX_MPROTECT) != 0 &&
	    (prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) ==
		(VM_PROT_WRITE | VM_PROT_EXECUTE))
		return EACCES;
	if (prot != VM_PROT_NONE && uvm_proc_mlockall_future_p(p) && len != 0) {
		error = uvm_sys_entries(map, addr, addr + len, &recs, &n);
		if (error != 0)
			return error;
		for (i = 0; i < n; i++) {
			vaddr_t s =
			    recs[i].mi_start > addr ? recs[i].mi_start : addr;
			vaddr_t e = recs[i].mi_end < addr + len ? recs[i].mi_end
								: addr + len;

			if (recs[i].mi_prot == VM_PROT_NONE &&
			    recs[i].mi_wired == 0 &&
			    !uvm_sys_wirable_p(p->p_uvm, e - s)) {
				free(recs);
				return ENOMEM;
			}
		}
		free(recs);
	}
	return uvm_map_protect(map, addr, addr + len, prot, false);
}

/*
 * mprotect, Linux.  Order: unaligned address (EINVAL); length 0 is 0;
 * the rounded end wraps (ENOMEM); unknown protection bits (EINVAL); PaX
 * W^X (EACCES); start unmapped (ENOMEM).  Then entry by entry: above the
 * maximum (EACCES) or a hole (ENOMEM) stops the walk, and what was
 * walked before keeps its new protection.
 */
static int
uvm_sys_mprotect_linux(
    struct uvm_proc *p, vaddr_t start, vsize_t len, int protarg)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	vm_prot_t prot;
	vaddr_t end, cur;
	size_t n, i, j, k, nw = 0;
	int error, stop = 0;

	if (!uvm_page_aligned_p(uvm, start))
		return EINVAL;
	if (len == 0)
		return 0;
	if (len > UINT64_MAX - UVM_PAGE_MASK(uvm))
		return ENOMEM;
	len = uvm_round_page(uvm, len);
	end = start + len;
	if (end <= start)
		return ENOMEM;
	if (((unsigned)protarg & ~(unsigned)VM_PROT_ALL) != 0)
		return EINVAL;
	prot = (vm_prot_t)protarg;
	if ((uvm_proc_pax(p) & UVM_PAX_MPROTECT) != 0 &&
	    (prot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) ==
		(VM_PROT_WRITE | VM_PROT_EXECUTE))
		return EACCES;
	error = uvm_sys_entries(map, start, end, &recs, &n);
	if (error != 0)
		return error;
	if (n == 0 || recs[0].mi_start > start) {
		free(recs);
		return ENOMEM;
	}
	cur = start;
	for (i = 0; i < n; i++) {
		if (recs[i].mi_start > cur) {
			stop = ENOMEM;
			break;
		}
		if ((prot & recs[i].mi_maxprot) != prot) {
			stop = EACCES;
			break;
		}
		cur = recs[i].mi_end;
		if (cur >= end)
			break;
	}
	if (stop == 0 && cur < end)
		stop = ENOMEM;
	/*
   * mprotect_fixup() populates a locked private range that becomes
   * writable from unwritable (to break copy-on-write): remember those
   * entries (of the part walked) before the change.
   */
	for (j = 0; j < n && recs[j].mi_start < cur; j++)
		if ((recs[j].mi_prot & VM_PROT_WRITE) == 0 &&
		    !uvm_sys_shared_p(&recs[j]))
			recs[nw++] = recs[j];
	if (stop != 0) {
		/* The walk stopped at cur (a hole or a refused entry). */
		end = cur;
	}
	if (end > start) {
		error = uvm_map_protect(map, start, end, prot, false);
		if (error != 0) {
			free(recs);
			return error;
		}
		for (j = 0; j < nw && (prot & VM_PROT_WRITE) != 0; j++) {
			for (k = 0; k < p->p_locked.rs_n; k++) {
				vaddr_t s = p->p_locked.rs_v[2 * k];
				vaddr_t e = p->p_locked.rs_v[2 * k + 1];

				if (s < recs[j].mi_start)
					s = recs[j].mi_start;
				if (s < start)
					s = start;
				if (e > recs[j].mi_end)
					e = recs[j].mi_end;
				if (e > end)
					e = end;
				if (s < e)
					(void)uvm_sys_wire_accessible(
					    p, s, e, true);
			}
		}
	}
	free(recs);
	return stop;
}

int
uvm_sys_mprotect(struct uvm_proc *p, vaddr_t addr, vsize_t len, int prot)
{
	int error;

	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p))
		error = uvm_sys_mprotect_linux(p, addr, len, prot);
	else
		error = uvm_sys_mprotect_netbsd(p, addr, len, prot);
	uvm_sys_check(p);
	return error;
}

/*
 *   M I N H E R I T
 */

/*
 * minherit: round_and_check (EINVAL), then uvm_map_inherit() (EINVAL for
 * an unknown value or DONATE_COPY; holes skipped).  Linux has no
 * minherit(2); the Linux personality offers NetBSD's as an extension
 * (its own equivalents are madvise's DONTFORK/WIPEONFORK).
 */
int
uvm_sys_minherit(struct uvm_proc *p, vaddr_t addr, vsize_t len, int inherit)
{
	KASSERT(p != NULL);
	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return EINVAL;
	if (inherit < 0)
		return EINVAL;
	return uvm_map_inherit(
	    uvm_proc_map(p), addr, addr + len, (vm_inherit_t)inherit);
}

/*
 *   M A D V I S E
 */

/*
 * NetBSD's uvm_map_clean() pre-check: EFAULT if start is unmapped; then
 * entry by entry: with free_p a wired entry is EBUSY (every entry, not
 * only the first as old code did), a hole before the end EFAULT.
 */
static int
uvm_sys_clean_check(struct uvm_proc *p, vaddr_t start, vaddr_t end, bool free_p)
{
	struct uvm_map_entry_info *recs;
	size_t n, i;
	int error;

	if (start >= end)
		return 0;
	error = uvm_sys_entries(uvm_proc_map(p), start, end, &recs, &n);
	if (error != 0)
		return error;
	if (n == 0 || recs[0].mi_start > start) {
		free(recs);
		return EFAULT;
	}
	for (i = 0; i < n; i++) {
		if ((recs[i].mi_flags & UVM_MI_SUBMAP) != 0) {
			error = EINVAL;
			break;
		}
		if (free_p && recs[i].mi_wired != 0) {
			error = EBUSY;
			break;
		}
		if (end <= recs[i].mi_end)
			break;
		if (i + 1 == n || recs[i + 1].mi_start != recs[i].mi_end) {
			error = EFAULT;
			break;
		}
	}
	free(recs);
	return error;
}

/*
 * madvise, NetBSD.  Order: round_and_check (EINVAL); then by advice:
 * NORMAL/RANDOM/SEQUENTIAL set the advice (holes skipped); WILLNEED is a
 * read-ahead request for file pages (nothing to do for anonymous memory;
 * holes ignored); DONTNEED deactivates (data kept; EFAULT on a hole);
 * FREE frees at once (EBUSY wired, EFAULT hole); SPACEAVAIL and anything
 * else EINVAL.
 */
static int
uvm_sys_madvise_netbsd(
    struct uvm_proc *p, vaddr_t addr, vsize_t len, int advice)
{
	struct vm_map *map = uvm_proc_map(p);
	int error;

	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return EINVAL;
	switch (advice) {
	case UVM_MADV_NORMAL:
	case UVM_MADV_RANDOM:
	case UVM_MADV_SEQUENTIAL:
		return uvm_map_advice(map, addr, addr + len, advice);
	case UVM_MADV_WILLNEED:
		/* Read object pages in ahead of use (holes skipped). */
		return uvm_map_willneed(map, addr, addr + len);
	case UVM_MADV_DONTNEED:
		error = uvm_sys_clean_check(p, addr, addr + len, false);
		if (error != 0)
			return error;
		return uvm_map_clean(
		    map, addr, addr + len, UVM_CLEAN_DEACTIVATE);
	case UVM_MADV_FREE:
		error = uvm_sys_clean_check(p, addr, addr + len, true);
		if (error != 0)
			return error;
		return uvm_map_clean(map, addr, addr + len, UVM_CLEAN_FREE);
	case UVM_MADV_SPACEAVAIL:
	default:
		return EINVAL;
	}
}

/*
 * Linux: MADV_DONTNEED on [s, e) of one entry: private anonymous memory
 * loses its pages (zero-fill on the next touch); shared memory keeps its
 * data (only the mappings go, as zap_page_range() leaves shmem alone).
 */
static int
uvm_sys_linux_dontneed(struct uvm_proc *p, const struct uvm_map_entry_info *mi,
    vaddr_t s, vaddr_t e)
{
	struct vm_map *map = uvm_proc_map(p);

	vaddr_t va = s;

	if (uvm_sys_shared_p(mi) || (mi->mi_flags & UVM_MI_OBJ) != 0)
		return uvm_map_clean(map, s, e, UVM_CLEAN_DEACTIVATE);
	/*
   * Private anonymous memory: fresh zero-fill memory with the same
   * attributes replaces the range.  (uvm_map_clean()'s PGO_FREE only
   * frees the pages of an amap no other entry uses, NetBSD's rule for
   * MADV_FREE; Linux discards them whatever the sharing.)
   */
	return uvm_map(map, &va, e - s, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(mi->mi_prot, mi->mi_maxprot, mi->mi_inherit,
		mi->mi_advice,
		UVM_FLAG_FIXED | UVM_FLAG_UNMAP | UVM_FLAG_COPYONW));
}

/* Linux: the inheritance madvise's fork advice gives an entry. */
static vm_inherit_t
uvm_sys_linux_fork_advice(const struct uvm_map_entry_info *mi, int advice)
{
	vm_inherit_t cur = mi->mi_inherit;

	switch (advice) {
	case UVM_MADV_DONTFORK:
		return UVM_INH_NONE;
	case UVM_MADV_DOFORK:
		return cur == UVM_INH_NONE ? uvm_sys_default_inherit(mi) : cur;
	case UVM_MADV_WIPEONFORK:
		/* Not copying at all wins over wiping. */
		return cur == UVM_INH_NONE ? cur : UVM_INH_ZERO;
	case UVM_MADV_KEEPONFORK:
	default:
		return cur == UVM_INH_ZERO ? uvm_sys_default_inherit(mi) : cur;
	}
}

/*
 * madvise, Linux (madvise_walk_vmas()).  Order: unknown advice (EINVAL);
 * unaligned start (EINVAL); a length that rounds to 0 (EINVAL); the end
 * wraps (EINVAL); an empty range is 0.  Then entry by entry, holes
 * skipped but remembered (ENOMEM at the end); an entry's own error
 * (DONTNEED/FREE on locked memory, FREE on shared memory, WIPEONFORK on
 * shared memory: EINVAL) stops the walk.
 */
static int
uvm_sys_madvise_linux(
    struct uvm_proc *p, vaddr_t start, vsize_t len_in, int advice)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	vaddr_t end, cur, s, e;
	vsize_t len;
	size_t n, i;
	int error = 0, unmapped = 0;

	switch (advice) {
	case UVM_MADV_NORMAL:
	case UVM_MADV_RANDOM:
	case UVM_MADV_SEQUENTIAL:
	case UVM_MADV_WILLNEED:
	case UVM_MADV_DONTNEED:
	case UVM_MADV_FREE:
	case UVM_MADV_DONTFORK:
	case UVM_MADV_DOFORK:
	case UVM_MADV_WIPEONFORK:
	case UVM_MADV_KEEPONFORK:
		break;
	default:
		return EINVAL;
	}
	if (!uvm_page_aligned_p(uvm, start))
		return EINVAL;
	len = len_in > UINT64_MAX - UVM_PAGE_MASK(uvm)
	    ? 0
	    : uvm_round_page(uvm, len_in);
	if (len_in != 0 && len == 0)
		return EINVAL;
	end = start + len;
	if (end < start)
		return EINVAL;
	if (end == start)
		return 0;
	error = uvm_sys_entries(map, start, end, &recs, &n);
	if (error != 0)
		return error;
	cur = start;
	for (i = 0; i < n && error == 0; i++) {
		const struct uvm_map_entry_info *mi = &recs[i];

		if (mi->mi_start > cur)
			unmapped = ENOMEM;
		s = mi->mi_start > start ? mi->mi_start : start;
		e = mi->mi_end < end ? mi->mi_end : end;
		switch (advice) {
		case UVM_MADV_NORMAL:
		case UVM_MADV_RANDOM:
		case UVM_MADV_SEQUENTIAL:
			error = uvm_map_advice(map, s, e, advice);
			break;
		case UVM_MADV_WILLNEED:
			error = uvm_map_willneed(map, s, e);
			break;
		case UVM_MADV_DONTNEED:
		case UVM_MADV_FREE:
			if (uvm_rangeset_intersects_p(&p->p_locked, s, e) ||
			    mi->mi_wired != 0) {
				error = EINVAL;
				break;
			}
			if (advice == UVM_MADV_FREE) {
				/* Only private anonymous memory; lazy. */
				if (uvm_sys_shared_p(mi) ||
				    (mi->mi_flags & UVM_MI_OBJ) != 0) {
					error = EINVAL;
					break;
				}
				error = uvm_map_clean(
				    map, s, e, UVM_CLEAN_DEACTIVATE);
			} else {
				error = uvm_sys_linux_dontneed(p, mi, s, e);
			}
			break;
		case UVM_MADV_WIPEONFORK:
			if (uvm_sys_shared_p(mi) ||
			    (mi->mi_flags & UVM_MI_OBJ) != 0) {
				error = EINVAL;
				break;
			}
			/* FALLTHROUGH */
		default:
			error = uvm_map_inherit(
			    map, s, e, uvm_sys_linux_fork_advice(mi, advice));
			break;
		}
		cur = mi->mi_end;
	}
	free(recs);
	if (error == 0 && cur < end)
		unmapped = ENOMEM;
	return error != 0 ? error : unmapped;
}

int
uvm_sys_madvise(struct uvm_proc *p, vaddr_t addr, vsize_t len, int advice)
{
	int error;

	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p))
		error = uvm_sys_madvise_linux(p, addr, len, advice);
	else
		error = uvm_sys_madvise_netbsd(p, addr, len, advice);
	uvm_sys_check(p);
	return error;
}

/*
 * posix_madvise: the C library's wrapper.  NetBSD's passes the advice to
 * madvise(2) (POSIX_MADV_DONTNEED is MADV_DONTNEED there, which keeps the
 * data).  glibc ignores POSIX_MADV_DONTNEED, because Linux's MADV_DONTNEED
 * discards data, and passes the rest on.  Unknown advice: EINVAL.
 */
int
uvm_sys_posix_madvise(struct uvm_proc *p, vaddr_t addr, vsize_t len, int advice)
{
	if (advice < UVM_POSIX_MADV_NORMAL || advice > UVM_POSIX_MADV_DONTNEED)
		return EINVAL;
	if (uvm_proc_linux_p(p) && advice == UVM_POSIX_MADV_DONTNEED)
		return 0;
	return uvm_sys_madvise(p, addr, len, advice);
}

/*
 *   M L O C K
 */

/*
 * Linux: populate a locked range for mlock(2): wire the entries in order,
 * stopping at the first PROT_NONE one (ENOMEM: populate_vma_page_range()
 * does not fault PROT_NONE memory in); a wiring failure is EAGAIN.
 */
static int
uvm_sys_linux_populate(struct uvm_proc *p, vaddr_t start, vaddr_t end)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info *recs;
	size_t n, i;
	vaddr_t s, e;
	int error;

	error = uvm_sys_entries(map, start, end, &recs, &n);
	if (error != 0)
		return error;
	for (i = 0; i < n && error == 0; i++) {
		if (recs[i].mi_prot == VM_PROT_NONE) {
			error = ENOMEM;
			break;
		}
		if (recs[i].mi_wired != 0)
			continue;
		s = recs[i].mi_start > start ? recs[i].mi_start : start;
		e = recs[i].mi_end < end ? recs[i].mi_end : end;
		if (!uvm_sys_wirable_p(p->p_uvm, e - s) ||
		    uvm_map_pageable(map, s, e, false, 0) != 0)
			error = EAGAIN;
	}
	free(recs);
	return error;
}

/*
 * Linux: apply (lock true) or remove VM_LOCKED over [start, end): start
 * unmapped is ENOMEM; the walk stops at a hole with ENOMEM, keeping what
 * it did before (apply_vma_lock_flags()).  Locking populates the
 * accessible part (wiring failure: EAGAIN).
 */
static int
uvm_sys_linux_lock_range(
    struct uvm_proc *p, vaddr_t start, vaddr_t end, bool lock)
{
	struct uvm_map_entry_info *recs;
	vaddr_t cur = start;
	size_t n, i;
	int error, stop = 0;

	if (end < start)
		return EINVAL;
	if (end == start)
		return 0;
	error = uvm_sys_entries(uvm_proc_map(p), start, end, &recs, &n);
	if (error != 0)
		return error;
	if (n == 0 || recs[0].mi_start > start) {
		free(recs);
		return ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (recs[i].mi_start > cur) {
			stop = ENOMEM;
			break;
		}
		cur = recs[i].mi_end;
	}
	free(recs);
	if (cur > end)
		cur = end;
	if (stop == 0 && cur < end)
		stop = ENOMEM;
	if (lock) {
		if (uvm_rangeset_add(&p->p_locked, start, cur) != 0)
			return ENOMEM;
		/*
     * Populate (__mm_populate()) only when every VMA was locked;
     * it stops at the first PROT_NONE one with EFAULT, which
     * mlock reports as ENOMEM (Linux 6.x; the range stays
     * locked).  A failure to fault pages in is EAGAIN.
     */
		if (stop == 0)
			stop = uvm_sys_linux_populate(p, start, cur);
	} else {
		if (uvm_rangeset_remove(&p->p_locked, start, cur) != 0)
			return ENOMEM;
		uvm_sys_unwire_range(p, start, cur);
	}
	return stop;
}

/*
 * mlock.  NetBSD: round_and_check (ENOMEM); machine wiring limit
 * (EAGAIN); RLIMIT_MEMLOCK (EAGAIN, no privilege bypass, no EPERM);
 * uvm_map_pageable() (start unmapped EFAULT -> ENOMEM; a hole or a
 * PROT_NONE entry EINVAL).
 * Linux: RLIMIT_MEMLOCK 0 and unprivileged (EPERM); round; over the
 * limit unless privileged (ENOMEM; ranges already locked do not count
 * twice); then apply_vma_lock_flags() (ENOMEM) and populate (EAGAIN).
 */
int
uvm_sys_mlock(struct uvm_proc *p, vaddr_t addr, vsize_t len)
{
	struct uvm *uvm = p->p_uvm;
	uint64_t lim = uvm_proc_limit(p, UVM_RLIMIT_MEMLOCK);
	vsize_t locked;
	bool priv;
	int error;

	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p)) {
		mutex_enter(&p->p_lock);
		priv = p->p_privileged;
		mutex_exit(&p->p_lock);
		if (lim == 0 && !priv)
			return EPERM;
		if (len > UINT64_MAX - UVM_PAGE_MASK(uvm) -
			(addr & UVM_PAGE_MASK(uvm)))
			len = 0; /* PAGE_ALIGN() wrapped */
		else
			len = uvm_round_page(
			    uvm, len + (addr & UVM_PAGE_MASK(uvm)));
		addr = uvm_trunc_page(uvm, addr);
		locked = len + uvm_rangeset_bytes(&p->p_locked);
		if (locked > lim && !priv)
			locked -= uvm_rangeset_bytes_in(
			    &p->p_locked, addr, addr + len);
		if (locked > uvm_trunc_page(uvm, lim) && !priv &&
		    lim != UVM_RLIM_INFINITY)
			return ENOMEM;
		return uvm_sys_linux_lock_range(p, addr, addr + len, true);
	}
	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return ENOMEM;
	if (uvm_sys_over_wiredmax_p(uvm, len))
		return EAGAIN;
	if (len + uvm_sys_wired_bytes(p) > lim)
		return EAGAIN;
	error = uvm_map_pageable(uvm_proc_map(p), addr, addr + len, false, 0);
	if (error == EFAULT)
		error = ENOMEM;
	return error;
}

/*
 * munlock.  NetBSD: round_and_check (ENOMEM); uvm_map_pageable()
 * unwiring: any failure (start unmapped, a hole, a range not wired) is
 * ENOMEM.  Linux: round; apply_vma_lock_flags() (ENOMEM at a hole; a
 * range not locked is fine).
 */
int
uvm_sys_munlock(struct uvm_proc *p, vaddr_t addr, vsize_t len)
{
	struct uvm *uvm = p->p_uvm;

	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p)) {
		if (len > UINT64_MAX - UVM_PAGE_MASK(uvm) -
			(addr & UVM_PAGE_MASK(uvm)))
			len = 0;
		else
			len = uvm_round_page(
			    uvm, len + (addr & UVM_PAGE_MASK(uvm)));
		addr = uvm_trunc_page(uvm, addr);
		return uvm_sys_linux_lock_range(p, addr, addr + len, false);
	}
	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return ENOMEM;
	if (uvm_map_pageable(uvm_proc_map(p), addr, addr + len, true, 0) != 0)
		return ENOMEM;
	return 0;
}

/*
 * mlockall.  NetBSD: flags 0 or unknown (EINVAL); uvm_map_pageable_all()
 * with RLIMIT_MEMLOCK (ENOMEM over it; a zero limit means none there, as
 * in NetBSD; MCL_FUTURE is set even when wiring the current mappings
 * fails; PROT_NONE entries are not wired).
 * Linux: flags 0 or unknown (EINVAL); zero limit and unprivileged
 * (EPERM); MCL_CURRENT with the whole address space over the limit
 * (ENOMEM); then MCL_FUTURE is replaced (cleared unless given) and
 * MCL_CURRENT locks every mapping.
 */
int
uvm_sys_mlockall(struct uvm_proc *p, int flags)
{
	struct vm_map *map = uvm_proc_map(p);
	uint64_t lim = uvm_proc_limit(p, UVM_RLIMIT_MEMLOCK);
	struct uvm_map_entry_info *recs;
	vaddr_t vmin, vmax;
	size_t n, i;
	bool priv;
	int error = 0, mcl = 0;

	KASSERT(p != NULL);
	if (flags == 0 ||
	    (flags & ~(UVM_MCL_CURRENT_FLAG | UVM_MCL_FUTURE_FLAG)) != 0)
		return EINVAL;
	if ((flags & UVM_MCL_CURRENT_FLAG) != 0)
		mcl |= UVM_MCL_CURRENT;
	if ((flags & UVM_MCL_FUTURE_FLAG) != 0)
		mcl |= UVM_MCL_FUTURE;
	if (!uvm_proc_linux_p(p)) {
		/*
		 * uvm_map_pageable_all(): MCL_FUTURE is set first; then the
		 * machine's wiring limit (uvmexp.wiredmax) and RLIMIT_MEMLOCK
		 * both give ENOMEM.
		 */
		if ((flags & UVM_MCL_CURRENT_FLAG) != 0) {
			vsize_t want = 0;

			uvm_map_bounds(map, &vmin, &vmax);
			error = uvm_sys_entries(map, vmin, vmax, &recs, &n);
			if (error != 0)
				return error;
			for (i = 0; i < n; i++)
				if (recs[i].mi_prot != VM_PROT_NONE &&
				    recs[i].mi_wired == 0)
					want +=
					    recs[i].mi_end - recs[i].mi_start;
			free(recs);
			if (uvm_sys_over_wiredmax_p(p->p_uvm, want)) {
				if ((flags & UVM_MCL_FUTURE_FLAG) != 0)
					(void)uvm_map_pageable_all(
					    map, UVM_MCL_FUTURE, 0);
				return ENOMEM;
			}
		}
		return uvm_map_pageable_all(
		    map, mcl, lim == UVM_RLIM_INFINITY ? 0 : (vsize_t)lim);
	}

	mutex_enter(&p->p_lock);
	priv = p->p_privileged;
	mutex_exit(&p->p_lock);
	if (lim == 0 && !priv)
		return EPERM;
	if ((flags & UVM_MCL_CURRENT_FLAG) != 0 && !priv &&
	    uvm_sys_map_size(map) > lim)
		return ENOMEM;
	p->p_flag &= ~UVM_PF_MCLFUTURE;
	if ((flags & UVM_MCL_FUTURE_FLAG) != 0)
		p->p_flag |= UVM_PF_MCLFUTURE;
	if ((flags & UVM_MCL_CURRENT_FLAG) == 0)
		return 0;
	uvm_map_bounds(map, &vmin, &vmax);
	error = uvm_sys_entries(map, vmin, vmax, &recs, &n);
	if (error != 0)
		return error;
	for (i = 0; i < n && error == 0; i++)
		error = uvm_rangeset_add(
		    &p->p_locked, recs[i].mi_start, recs[i].mi_end);
	free(recs);
	if (error == 0)
		(void)uvm_sys_wire_accessible(p, vmin, vmax, false);
	return error;
}

/* munlockall: always 0; unwires everything and clears MCL_FUTURE. */
int
uvm_sys_munlockall(struct uvm_proc *p)
{
	struct vm_map *map = uvm_proc_map(p);
	vaddr_t vmin, vmax;

	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p)) {
		uvm_map_bounds(map, &vmin, &vmax);
		uvm_mmap_forget_locks(p);
		uvm_sys_unwire_range(p, vmin, vmax);
		return 0;
	}
	(void)uvm_map_pageable_all(map, 0, 0);
	return 0;
}

/*
 *   M I N C O R E
 */

/* Pages per run whose bytes go through the buffer; bytes per zero copy. */
#define UVM_MINCORE_CHUNK 4096

/* The source of the vector bytes of pages that cannot be resident. */
static const uint8_t uvm_mincore_zeros[UVM_MINCORE_CHUNK];

/*
 * NetBSD: the residency of up to npages pages from start copied out to the
 * wired vec, run by run (uvm_mincore_run()), stopping at a hole.  A run of
 * pages that cannot be resident (untouched anonymous memory) is copied out
 * from zeros, without a buffer; other runs are filled into buf
 * (UVM_MINCORE_CHUNK bytes) with the map locked, then copied out with it
 * unlocked.  Runs may interleave with copies here because vec is resident
 * throughout: copying out changes nobody's residency.
 * *donep: the pages whose bytes were copied out.
 * => 0 (*donep < npages: a hole at start + *donep pages), EFAULT (vec),
 *    EINVAL (a submap)
 */
static int
uvm_sys_mincore_fill(struct uvm_proc *p, vaddr_t start, vsize_t npages,
    vaddr_t vec, uint8_t *buf, vsize_t *donep)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	vsize_t done = 0, n, off, m;
	bool zero;
	int error = 0;

	while (done < npages) {
		n = npages - done;
		error = uvm_mincore_run(map, start + uvm_ptoa(uvm, done), n,
		    buf, n < UVM_MINCORE_CHUNK ? n : UVM_MINCORE_CHUNK, &n,
		    &zero);
		if (error != 0 || n == 0)
			break;
		if (!zero)
			error =
			    uvm_copyout(p->p_vmspace, buf, vec + done, n, NULL);
		for (off = 0; zero && error == 0 && off < n; off += m) {
			m = n - off < UVM_MINCORE_CHUNK ? n - off
							: UVM_MINCORE_CHUNK;
			error = uvm_copyout(p->p_vmspace, uvm_mincore_zeros,
			    vec + done + off, m, NULL);
		}
		if (error != 0)
			break;
		done += n;
	}
	*donep = done;
	return error;
}

/*
 * mincore.  NetBSD: unaligned start (EINVAL); the rounded end wraps to
 * or below start, so also length 0 (EINVAL); vec not writable for the
 * pages (EFAULT: it is wired for the call, uvm_vslock()); start unmapped
 * or a hole (ENOMEM), vec filled up to it.
 * Linux: unaligned start (EINVAL); range beyond user space (ENOMEM);
 * vec's range beyond user space (EFAULT); then piece by piece: start of
 * the piece unmapped (ENOMEM), vec not writable (EFAULT).  Length 0 is 0.
 */
int
uvm_sys_mincore(struct uvm_proc *p, vaddr_t start, vsize_t len, vaddr_t vec)
{
	struct uvm *uvm = p->p_uvm;
	struct vm_map *map = uvm_proc_map(p);
	uint8_t buf[UVM_MINCORE_CHUNK];
	vaddr_t end, vmin, vmax, vs, ve, cur;
	vsize_t npgs, piece, done;
	int error;

	KASSERT(p != NULL);
	uvm_map_bounds(map, &vmin, &vmax);
	if (!uvm_page_aligned_p(uvm, start))
		return EINVAL;

	if (uvm_proc_linux_p(p)) {
		if (start > vmax || len > vmax - start)
			return ENOMEM;
		npgs = uvm_atop(uvm, len) + ((len & UVM_PAGE_MASK(uvm)) != 0);
		if (vec > vmax || npgs > vmax - vec)
			return EFAULT;
		/*
		 * Pieces of UVM_MINCORE_CHUNK pages, each computed in full
		 * and then copied out, as Linux does: the copy may fault the
		 * vector in, and if it lies in the range queried, only later
		 * pieces see it resident.
		 */
		for (cur = start; npgs > 0;) {
			piece =
			    npgs < UVM_MINCORE_CHUNK ? npgs : UVM_MINCORE_CHUNK;
			if (uvm_mincore_run(
				map, cur, piece, buf, piece, &done, NULL) != 0)
				return EFAULT;
			if (done == 0)
				return ENOMEM;
			if (uvm_copyout(p->p_vmspace, buf, vec, done, NULL) !=
			    0)
				return EFAULT;
			cur += uvm_ptoa(uvm, done);
			vec += done;
			npgs -= done;
		}
		return 0;
	}

	len = uvm_round_page(uvm, len);
	end = start + len;
	if (end <= start)
		return EINVAL;
	npgs = uvm_atop(uvm, len);
	/* uvm_vslock() of vec. */
	vs = uvm_trunc_page(uvm, vec);
	ve = vec + npgs;
	if (ve < vec || ve > vmax || vs < vmin)
		return EFAULT;
	ve = uvm_round_page(uvm, ve);
	if (uvm_fault_wire(map, vs, ve, VM_PROT_WRITE, false) != 0)
		return EFAULT;
	error = uvm_sys_mincore_fill(p, start, npgs, vec, buf, &done);
	if (error == 0 && done < npgs)
		error = ENOMEM;
	uvm_fault_unwire(map, vs, ve);
	return error;
}

/*
 *   M S Y N C
 */

/*
 * msync, NetBSD.  Order: unknown flags, none of ASYNC/SYNC/INVALIDATE,
 * or ASYNC|SYNC (EINVAL); round_and_check (ENOMEM); length 0: the entry
 * holding addr (EINVAL if none); then uvm_map_clean() (EFAULT start
 * unmapped or a hole, EBUSY INVALIDATE on wired memory, any entry).
 * Anonymous and copy-on-write pages are only deactivated by INVALIDATE.
 */
static int
uvm_sys_msync_netbsd(struct uvm_proc *p, vaddr_t addr, vsize_t len, int flags)
{
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info mi;
	size_t nfound;
	int uflags, error;

	if ((flags & ~(UVM_MS_ASYNC | UVM_MS_SYNC | UVM_MS_INVALIDATE)) != 0 ||
	    (flags & (UVM_MS_ASYNC | UVM_MS_SYNC | UVM_MS_INVALIDATE)) == 0 ||
	    (flags & (UVM_MS_ASYNC | UVM_MS_SYNC)) ==
		(UVM_MS_ASYNC | UVM_MS_SYNC))
		return EINVAL;
	if ((flags & (UVM_MS_ASYNC | UVM_MS_SYNC)) == 0)
		flags |= UVM_MS_SYNC;
	if (uvm_sys_round_and_check(p, &addr, &len) != 0)
		return ENOMEM;
	if (len == 0) {
		error = uvm_map_foreach(map, addr, &mi, 1, &nfound);
		if (error != 0)
			return error;
		if (nfound == 0 || mi.mi_start > addr)
			return EINVAL;
		addr = mi.mi_start;
		len = mi.mi_end - mi.mi_start;
	}
	/*
	 * As NetBSD: PGO_CLEANIT, plus PGO_FREE for MS_INVALIDATE.  With
	 * CLEANIT, uvm_map_clean() only deactivates anonymous and
	 * copy-on-write pages and keeps their modifications (row 54).
	 */
	uflags = UVM_CLEAN_CLEANIT;
	if ((flags & UVM_MS_INVALIDATE) != 0)
		uflags |= UVM_CLEAN_FREE;
	if ((flags & UVM_MS_SYNC) != 0)
		uflags |= UVM_CLEAN_SYNCIO;
	error = uvm_sys_clean_check(
	    p, addr, addr + len, (flags & UVM_MS_INVALIDATE) != 0);
	if (error != 0)
		return error;
	return uvm_map_clean(map, addr, addr + len, uflags);
}

/*
 * msync, Linux.  Order: unknown flags, unaligned start, ASYNC|SYNC
 * (EINVAL); the end wraps (ENOMEM); length 0 is 0.  Then entry by entry:
 * a hole is remembered (ENOMEM at the end; with flags exactly MS_ASYNC it
 * ends the call at once), INVALIDATE on a locked entry stops with EBUSY,
 * no entry left is ENOMEM.  Anonymous memory has nothing to write.
 */
static int
uvm_sys_msync_linux(struct uvm_proc *p, vaddr_t start, vsize_t len, int flags)
{
	struct uvm *uvm = p->p_uvm;
	struct uvm_map_entry_info *recs;
	vaddr_t end, vmin, vmax;
	size_t n, i;
	int error, unmapped = 0;

	if ((flags & ~(UVM_MS_ASYNC | UVM_MS_SYNC | UVM_MS_INVALIDATE)) != 0 ||
	    !uvm_page_aligned_p(uvm, start) ||
	    ((flags & UVM_MS_ASYNC) != 0 && (flags & UVM_MS_SYNC) != 0))
		return EINVAL;
	len = (len + UVM_PAGE_MASK(uvm)) & ~(vsize_t)UVM_PAGE_MASK(uvm);
	end = start + len;
	if (end < start)
		return ENOMEM;
	if (end == start)
		return 0;
	uvm_map_bounds(uvm_proc_map(p), &vmin, &vmax);
	error = uvm_sys_entries(uvm_proc_map(p), start, vmax, &recs, &n);
	if (error != 0)
		return error;
	error = ENOMEM;
	for (i = 0; i < n; i++) {
		if (start < recs[i].mi_start) {
			if (flags == UVM_MS_ASYNC)
				break;
			start = recs[i].mi_start;
			if (start >= end)
				break;
			unmapped = ENOMEM;
		}
		if ((flags & UVM_MS_INVALIDATE) != 0 &&
		    (recs[i].mi_wired != 0 ||
			uvm_rangeset_intersects_p(&p->p_locked, start,
			    recs[i].mi_end < end ? recs[i].mi_end : end))) {
			error = EBUSY;
			break;
		}
		start = recs[i].mi_end;
		if (start >= end) {
			error = 0;
			break;
		}
	}
	free(recs);
	return error != 0 ? error : unmapped;
}

int
uvm_sys_msync(struct uvm_proc *p, vaddr_t addr, vsize_t len, int flags)
{
	KASSERT(p != NULL);
	if (uvm_proc_linux_p(p))
		return uvm_sys_msync_linux(p, addr, len, flags);
	return uvm_sys_msync_netbsd(p, addr, len, flags);
}

/*
 *   B R E A K   A N D   S T A C K
 */

/*
 * break, NetBSD (sys_obreak()): a break of 0, or growth of the data
 * segment beyond RLIMIT_DATA (ENOMEM); no change is 0; growing maps
 * anonymous memory at the old break (occupied: ENOMEM; and, libuvm's
 * policy, RLIMIT_AS: ENOMEM); shrinking unmaps.
 * Linux (sys_brk()): a break below the start or beyond RLIMIT_DATA,
 * growth into the next mapping's guard page, or over RLIMIT_AS leave the
 * break where it was; *retp is the break after the call.
 */
int
uvm_sys_obreak(struct uvm_proc *p, vaddr_t nsize, vaddr_t *retp)
{
	struct uvm *uvm = p->p_uvm;
	struct vmspace *vm = p->p_vmspace;
	struct vm_map *map = uvm_proc_map(p);
	vaddr_t nbreak, obreak, base = vm->vm_daddr, va, vmin, vmax;
	vm_prot_t maxprot = VM_PROT_ALL;
	uint64_t dlim = uvm_proc_limit(p, UVM_RLIMIT_DATA);
	uint64_t aslim = uvm_proc_limit(p, UVM_RLIMIT_AS);
	int error;

	KASSERT(p != NULL);
	if ((uvm_proc_pax(p) & UVM_PAX_MPROTECT) != 0)
		maxprot = VM_PROT_READ | VM_PROT_WRITE;
	if (uvm_proc_linux_p(p)) {
		vaddr_t newb, oldb;

		if (retp != NULL)
			*retp = p->p_linux_brk;
		if (nsize < base)
			return 0;
		if (dlim != UVM_RLIM_INFINITY && nsize - base > dlim)
			return 0;
		uvm_map_bounds(map, &vmin, &vmax);
		if (nsize > vmax - UVM_PAGE_SIZE(uvm))
			return 0;
		newb = uvm_round_page(uvm, nsize);
		oldb = uvm_round_page(uvm, p->p_linux_brk);
		if (newb == oldb) {
			p->p_linux_brk = nsize;
		} else if (nsize <= p->p_linux_brk) {
			(void)uvm_unmap(map, newb, oldb);
			(void)uvm_rangeset_remove(&p->p_locked, newb, oldb);
			p->p_linux_brk = nsize;
		} else {
			/* The next mapping and its guard page. */
			if (uvm_sys_mapped_bytes(
				map, oldb, newb + UVM_PAGE_SIZE(uvm)) != 0)
				return 0;
			if (!uvm_sys_linux_may_expand(p, newb - oldb, true))
				return 0;
			va = oldb;
			if (uvm_map(map, &va, newb - oldb, NULL,
				UVM_UNKNOWN_OFFSET, 0,
				UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
				    maxprot, UVM_INH_COPY, UVM_ADV_NORMAL,
				    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)) != 0)
				return 0;
			if ((p->p_flag & UVM_PF_MCLFUTURE) != 0 &&
			    uvm_rangeset_add(&p->p_locked, oldb, newb) == 0)
				(void)uvm_sys_wire_accessible(
				    p, oldb, newb, false);
			p->p_linux_brk = nsize;
		}
		if (retp != NULL)
			*retp = p->p_linux_brk;
		return 0;
	}

	nbreak = uvm_round_page(uvm, nsize);
	if (nbreak == 0 || (nbreak - base > dlim && nbreak > base))
		return ENOMEM;
	obreak =
	    uvm_round_page(uvm, base + uvm_ptoa(uvm, (uint64_t)vm->vm_dsize));
	if (retp != NULL)
		*retp = obreak;
	if (nbreak == obreak)
		return 0;
	if (nbreak > obreak) {
		if (uvm_sys_map_size(map) + (nbreak - obreak) > aslim)
			return ENOMEM;
		va = obreak;
		error = uvm_map(map, &va, nbreak - obreak, NULL,
		    UVM_UNKNOWN_OFFSET, 0,
		    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, maxprot,
			UVM_INH_COPY, UVM_ADV_NORMAL,
			UVM_FLAG_AMAPPAD | UVM_FLAG_FIXED | UVM_FLAG_OVERLAY |
			    UVM_FLAG_COPYONW));
		if (error != 0)
			return error;
		vm->vm_dsize += (int64_t)uvm_atop(uvm, nbreak - obreak);
	} else {
		(void)uvm_unmap(map, nbreak, obreak);
		vm->vm_dsize -= (int64_t)uvm_atop(uvm, obreak - nbreak);
	}
	if (retp != NULL)
		*retp = nbreak;
	return 0;
}

/*
 * Stack growth after a fault at va.  NetBSD (uvm_grow()): the region is
 * mapped already; below vm_maxsaddr is not the stack (false); within the
 * current size is true; otherwise the size grows if the soft limit
 * allows.  Linux: extend the stack mapping down to va when va is within
 * RLIMIT_STACK of the top and the room below is free (with the guard gap
 * to the next mapping).
 */
int
uvm_sys_stack_grow(struct uvm_proc *p, vaddr_t va, bool *grownp)
{
	struct uvm *uvm = p->p_uvm;
	struct vmspace *vm = p->p_vmspace;
	struct vm_map *map = uvm_proc_map(p);
	struct uvm_map_entry_info mi;
	uint64_t lim = uvm_proc_limit(p, UVM_RLIMIT_STACK);
	vaddr_t top = p->p_stackbase, low, newlow;
	size_t nfound;
	vsize_t nss;
	int error;

	KASSERT(p != NULL && grownp != NULL);
	*grownp = false;
	if (!uvm_proc_linux_p(p)) {
		if (va < vm->vm_maxsaddr || va >= top)
			return 0;
		if (va >= top - uvm_ptoa(uvm, (uint64_t)vm->vm_ssize)) {
			*grownp = true;
			return 0;
		}
		nss = uvm_atop(uvm, uvm_round_page(uvm, top - va));
		if (nss > uvm_atop(uvm, uvm_round_page(uvm, lim)))
			return 0;
		vm->vm_ssize = (int64_t)nss;
		*grownp = true;
		return 0;
	}
	/* Linux: the stack mapping is the entry ending at the top. */
	error = uvm_map_foreach(map, top - UVM_PAGE_SIZE(uvm), &mi, 1, &nfound);
	if (error != 0 || nfound == 0 || mi.mi_end != top ||
	    mi.mi_start > top - UVM_PAGE_SIZE(uvm))
		return error;
	low = mi.mi_start;
	if (va >= low) {
		*grownp = va < top;
		return 0;
	}
	newlow = uvm_trunc_page(uvm, va);
	if (top - newlow > lim)
		return 0;
	if (newlow < LX_STACK_GUARD_GAP(uvm) ||
	    uvm_sys_mapped_bytes(map, newlow - LX_STACK_GUARD_GAP(uvm), low) !=
		0)
		return 0;
	if (!uvm_sys_linux_may_expand(p, low - newlow, false))
		return 0;
	error = uvm_map(map, &newlow, low - newlow, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(mi.mi_prot, mi.mi_maxprot, mi.mi_inherit,
		UVM_ADV_NORMAL, UVM_FLAG_FIXED | UVM_FLAG_COPYONW));
	if (error != 0)
		return error == ENOMEM ? 0 : error;
	*grownp = true;
	return 0;
}
