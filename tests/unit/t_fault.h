/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_fault.h: helpers shared by the fault, access, fork, wiring, voaddr and
 * core-dump tests: address spaces, anonymous private and shared mappings,
 * patterned contents and their checks.
 */
#ifndef _T_FAULT_H_
#define _T_FAULT_H_

#include <errno.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_amap.h"
#include "uvm_anon.h"
#include "uvm_aobj.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "pmap/pmap.h"

#define TF_VMIN 0x10000ull
#define TF_VMAX 0x7f0000000000ull

static inline struct vmspace *
tf_vmspace(struct uvm *uvm)
{
	struct vmspace *vm = uvmspace_alloc(uvm, TF_VMIN, TF_VMAX, false);

	assert_non_null(vm);
	return vm;
}

static inline vsize_t
tf_pg(struct uvm *uvm, uint64_t n)
{
	return uvm_ptoa(uvm, n);
}

/* A private anonymous mapping (MAP_PRIVATE|MAP_ANON), npages long. */
static inline vaddr_t
tf_map_anon_at(struct vmspace *vm, vaddr_t hint, uint64_t npages,
    vm_prot_t prot, vm_inherit_t inh, int advice, uvm_flag_t extra)
{
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = hint;
	int error;

	error = uvm_map(map, &va, tf_pg(map->uvm, npages), NULL,
	    UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(prot, VM_PROT_ALL, inh, advice,
		UVM_FLAG_COPYONW | UVM_FLAG_NOMERGE | extra));
	assert_int_equal(error, 0);
	return va;
}

static inline vaddr_t
tf_map_anon(struct vmspace *vm, uint64_t npages)
{
	return tf_map_anon_at(vm, 0, npages, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
}

/*
 * A shared mapping of uobj (MAP_SHARED): the map takes over one reference,
 * which this helper adds first.
 */
static inline vaddr_t
tf_map_obj(struct vmspace *vm, struct uvm_object *uobj, voff_t off,
    uint64_t npages, vm_prot_t prot, vm_inherit_t inh, bool private)
{
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = 0;
	int error;

	uao_reference(uobj);
	error = uvm_map(map, &va, tf_pg(map->uvm, npages), uobj, off, 0,
	    UVM_MAPFLAG(prot, VM_PROT_ALL, inh, UVM_ADV_NORMAL,
		UVM_FLAG_NOMERGE | (private ? UVM_FLAG_COPYONW : 0)));
	assert_int_equal(error, 0);
	return va;
}

/* A shared anonymous mapping (MAP_SHARED|MAP_ANON): an aobj of its own. */
static inline vaddr_t
tf_map_shared(struct vmspace *vm, uint64_t npages)
{
	struct uvm *uvm = vm->vm_map.uvm;
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, npages), 0);
	vaddr_t va;

	assert_non_null(uobj);
	va = tf_map_obj(vm, uobj, 0, npages, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_SHARE, false);
	uao_detach(uobj);
	return va;
}

/* The byte the pattern `seed' has at address va. */
static inline uint8_t
tf_pat(uint64_t seed, vaddr_t va)
{
	uint64_t x = (va >> 3) * 0x9e3779b97f4a7c15ull + seed;

	x ^= x >> 29;
	return (uint8_t)(x ^ (va & 7));
}

static inline void
tf_fill(struct vmspace *vm, vaddr_t va, vsize_t len, uint64_t seed)
{
	uint8_t buf[512];
	vsize_t off, n, i;

	for (off = 0; off < len; off += n) {
		n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = tf_pat(seed, va + off + i);
		assert_int_equal(uvm_copyout(vm, buf, va + off, n, NULL), 0);
	}
}

/* True if [va, va + len) holds pattern seed (seed 0: zeros). */
static inline bool
tf_check(struct vmspace *vm, vaddr_t va, vsize_t len, uint64_t seed)
{
	uint8_t buf[512];
	vsize_t off, n, i;

	for (off = 0; off < len; off += n) {
		n = len - off < sizeof(buf) ? len - off : sizeof(buf);
		if (uvm_copyin(vm, va + off, buf, n, NULL) != 0)
			return false;
		for (i = 0; i < n; i++)
			if (buf[i] !=
			    (seed == 0 ? 0 : tf_pat(seed, va + off + i)))
				return false;
	}
	return true;
}

static inline uint32_t
tf_get32(struct vmspace *vm, vaddr_t va)
{
	uint32_t v = 0;

	assert_int_equal(uvm_fuword32(vm, va, &v), 0);
	return v;
}

static inline void
tf_put32(struct vmspace *vm, vaddr_t va, uint32_t v)
{
	assert_int_equal(uvm_suword32(vm, va, v), 0);
}

static inline bool
tf_mapped_p(struct vmspace *vm, vaddr_t va)
{
	paddr_t pa;

	return pmap_extract(vm->vm_map.pmap, va, &pa);
}

static inline int64_t
tf_cnt(struct uvm *uvm, int64_t *now, int64_t *base)
{
	return *now - *base;
}

/* A counter delta helper: snapshot then compare. */
#define TF_SNAP(uvm, ex) uvm_stats((uvm), &(ex))

/* Run the machine's checkers when the test machine wants them. */
static inline void
tf_sanity(struct uvm *uvm)
{
	if (uvm->u_sanity)
		uvm_sanity_all(uvm);
}

#endif /* _T_FAULT_H_ */
