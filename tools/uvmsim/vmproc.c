/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vmproc.c: the uvm engine's processes and their mmap-family calls: a
 * thin translation of the F11 event model onto libuvm's system-call layer
 * (<uvm/uvm_syscalls.h>).
 *
 * A process is a struct uvm_proc of the machine's personality (NetBSD by
 * default, Linux with --personality linux), laid out as after exec: an
 * empty address space with a stack below its top.  The top of user space
 * is VMPROC_VMAX rather than the personality's (traces place their
 * objects up to 2^52 and beyond), and page 0 may be mapped
 * (vm.user_va0_disable off), as the page-number formats need.  Every call
 * is the system call with the trace's arguments, so its errno is the
 * personality's, limits and all.
 *
 * F11 constants are translated here; the engine never sees the system
 * call layer's.  One addition: VMPROC_NOREPLACE, for mapping on first
 * touch, checks that the range is free before a fixed mapping (NetBSD has
 * no MAP_FIXED_NOREPLACE), so that such a mapping never replaces one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"

#include "engine.h"
#include "trace.h"
#include "util.h"
#include "vmproc.h"

struct vmproc {
	struct uvm_proc *vp_proc;
	uint64_t vp_pagesize;
};

void
vmproc_machine_setup(struct uvm *uvm)
{
	uvm_sysctl_user_va0_disable(uvm, false);
}

int
vmproc_create(struct uvm *uvm, struct vmproc **pp)
{
	struct uvm_proc_config pc;
	struct vmproc *p;
	int error;

	uvm_proc_config_init(uvm, &pc);
	pc.pc_vm_max = VMPROC_VMAX;
	p = sim_calloc(1, sizeof(*p));
	p->vp_pagesize = uvm_pagesize(uvm);
	if ((error = uvm_proc_create(uvm, &pc, &p->vp_proc)) != 0) {
		free(p);
		return error;
	}
	*pp = p;
	return 0;
}

int
vmproc_fork(struct vmproc *parent, struct vmproc **childp)
{
	struct vmproc *c;
	int error;

	c = sim_calloc(1, sizeof(*c));
	c->vp_pagesize = parent->vp_pagesize;
	if ((error = uvm_proc_fork(parent->vp_proc, 0, &c->vp_proc)) != 0) {
		free(c);
		return error;
	}
	*childp = c;
	return 0;
}

int
vmproc_exec(struct vmproc *p)
{
	return uvm_proc_exec(p->vp_proc, UVM_LAYOUT_DEFAULT);
}

void
vmproc_exit(struct vmproc *p)
{
	uvm_proc_exit(p->vp_proc);
	free(p);
}

struct vmspace *
vmproc_vmspace(struct vmproc *p)
{
	return uvm_proc_vmspace(p->vp_proc);
}

static int
vmproc_prot(unsigned prot)
{
	return ((prot & TPROT_READ) != 0 ? UVM_PROT_READ : 0) |
	    ((prot & TPROT_WRITE) != 0 ? UVM_PROT_WRITE : 0) |
	    ((prot & TPROT_EXEC) != 0 ? UVM_PROT_EXEC : 0);
}

/* Is [addr, addr + len) free of mappings? */
static bool
vmproc_free_p(struct vmproc *p, uint64_t addr, uint64_t len)
{
	struct uvm_map_entry_info mi;
	size_t n;

	if (uvm_map_foreach(
		uvmspace_map(vmproc_vmspace(p)), addr, &mi, 1, &n) != 0)
		return false;
	return n == 0 || mi.mi_start >= addr + len;
}

int
vmproc_mmap(struct vmproc *p, uint64_t *addrp, uint64_t len, unsigned prot,
    unsigned flags)
{
	vaddr_t ret;
	int f = 0, error;

	f |= (flags & TMAP_SHARED) != 0 ? UVM_MAP_SHARED : 0;
	f |= (flags & TMAP_PRIVATE) != 0 ? UVM_MAP_PRIVATE : 0;
	f |= (flags & TMAP_ANON) != 0 ? UVM_MAP_ANON : 0;
	f |= (flags & TMAP_FIXED) != 0 ? UVM_MAP_FIXED : 0;
	if ((flags & VMPROC_NOREPLACE) != 0 &&
	    (*addrp + len < *addrp || !vmproc_free_p(p, *addrp, len)))
		return EEXIST;
	error = uvm_sys_mmap(
	    p->vp_proc, *addrp, len, vmproc_prot(prot), f, -1, 0, &ret);
	if (error == 0)
		*addrp = ret;
	return error;
}

int
vmproc_munmap(struct vmproc *p, uint64_t addr, uint64_t len)
{
	return uvm_sys_munmap(p->vp_proc, addr, len);
}

int
vmproc_mprotect(struct vmproc *p, uint64_t addr, uint64_t len, unsigned prot)
{
	return uvm_sys_mprotect(p->vp_proc, addr, len, vmproc_prot(prot));
}

int
vmproc_madvise(struct vmproc *p, uint64_t addr, uint64_t len, int advice)
{
	static const int adv[TADV_NADVICE] = {
	    [TADV_NORMAL] = UVM_MADV_NORMAL,
	    [TADV_RANDOM] = UVM_MADV_RANDOM,
	    [TADV_SEQUENTIAL] = UVM_MADV_SEQUENTIAL,
	    [TADV_WILLNEED] = UVM_MADV_WILLNEED,
	    [TADV_DONTNEED] = UVM_MADV_DONTNEED,
	    [TADV_FREE] = UVM_MADV_FREE,
	};

	if (advice < 0 || advice >= TADV_NADVICE)
		return EINVAL;
	return uvm_sys_madvise(p->vp_proc, addr, len, adv[advice]);
}

int
vmproc_msync(struct vmproc *p, uint64_t addr, uint64_t len, unsigned flags)
{
	int f = ((flags & TSYNC_ASYNC) != 0 ? UVM_MS_ASYNC : 0) |
	    ((flags & TSYNC_SYNC) != 0 ? UVM_MS_SYNC : 0) |
	    ((flags & TSYNC_INVALIDATE) != 0 ? UVM_MS_INVALIDATE : 0);

	return uvm_sys_msync(p->vp_proc, addr, len, f);
}

int
vmproc_mlock(struct vmproc *p, uint64_t addr, uint64_t len)
{
	return uvm_sys_mlock(p->vp_proc, addr, len);
}

int
vmproc_munlock(struct vmproc *p, uint64_t addr, uint64_t len)
{
	return uvm_sys_munlock(p->vp_proc, addr, len);
}

#define VMPROC_BATCH 64      /* map entries per uvm_map_foreach() */
#define VMPROC_VEC   65536ul /* pages per uvm_mincore() */

int
vmproc_census(
    struct vmproc *p, uint64_t *entriesp, uint64_t *virtp, uint64_t *residentp)
{
	struct vm_map *map = uvmspace_map(vmproc_vmspace(p));
	struct uvm_map_entry_info recs[VMPROC_BATCH];
	uint64_t ps = p->vp_pagesize, entries = 0, virt = 0, res = 0;
	vaddr_t from = 0;
	uint8_t *vec;
	size_t n, nfound;
	int error = 0;

	vec = sim_malloc(VMPROC_VEC);
	for (;;) {
		error = uvm_map_foreach(map, from, recs, VMPROC_BATCH, &nfound);
		if (error != 0)
			break;
		n = nfound < VMPROC_BATCH ? nfound : VMPROC_BATCH;
		for (size_t i = 0; i < n && error == 0; i++) {
			const struct uvm_map_entry_info *mi = &recs[i];

			entries++;
			virt += (mi->mi_end - mi->mi_start) / ps;
			for (vaddr_t va = mi->mi_start; va < mi->mi_end;) {
				uint64_t np = (mi->mi_end - va) / ps;

				if (np > VMPROC_VEC)
					np = VMPROC_VEC;
				error = uvm_mincore(map, va, np * ps, vec);
				if (error != 0)
					break;
				for (uint64_t j = 0; j < np; j++)
					res += vec[j] != 0;
				va += np * ps;
			}
		}
		if (error != 0 || nfound <= VMPROC_BATCH)
			break;
		from = recs[VMPROC_BATCH - 1].mi_end;
	}
	free(vec);
	if (error != 0)
		return error;
	*entriesp = entries;
	*virtp = virt;
	*residentp = res;
	return 0;
}

void
vmproc_print_maps(struct vmproc *p, unsigned styles, FILE *f)
{
	struct vm_map *map = uvmspace_map(vmproc_vmspace(p));

	if ((styles & SIM_MAPS_PROCMAPS) != 0)
		uvm_map_print_procmaps(map, f);
	if ((styles & SIM_MAPS_PMAP) != 0)
		uvm_map_print_pmap(map, f);
}
