/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_fault.c: the fault handler: every case of the fault (zero fill, anon,
 * anon copy-on-write, sole-owner reuse, object page, object promotion),
 * the errors (EFAULT, EACCES, ENOMEM, EIO), needs-copy and amap copies,
 * neighbour mapping per advice, relock after the map changed during pager
 * I/O, waiting for a busy page, transient wiring, dirtiness, and
 * fault-injection sweeps.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "t_fault.h"
#include "uvm_pdpolicy.h"

#define RW (VM_PROT_READ | VM_PROT_WRITE)

/* Counter deltas: take a snapshot, run, compare. */
#define D(after, before, f) ((after).f - (before).f)

static void
test_zero_fill_read(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct uvmexp a, b;
	vaddr_t va = tf_map_anon(vm, 8);
	uint8_t vec[8];

	uvm_stats(uvm, &a);
	assert_true(tf_check(vm, va, tf_pg(uvm, 1), 0));
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 1);
	assert_int_equal(D(b, a, flt_przero), 1);
	assert_int_equal(D(b, a, flt_amcopy), 1); /* the amap was created */
	assert_int_equal(D(b, a, nanon), 1);
	assert_int_equal(uvm_mincore(&vm->vm_map, va, tf_pg(uvm, 8), vec), 0);
	assert_int_equal(vec[0], 1);
	assert_int_equal(vec[1], 0);
	/* Zero-fill memory is private at once: the read mapped it writable. */
	uvm_stats(uvm, &a);
	tf_put32(vm, va + 4, 7);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 0);
	assert_int_equal(tf_get32(vm, va + 4), 7);
	uvmspace_free(vm);
}

static void
test_zero_fill_write(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct uvmexp a, b;
	vaddr_t va = tf_map_anon(vm, 16);
	int i;

	uvm_stats(uvm, &a);
	for (i = 0; i < 16; i++)
		tf_put32(vm, va + tf_pg(uvm, i) + 8, 0x1000u + (uint32_t)i);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_przero), 16);
	assert_int_equal(D(b, a, faults), 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(tf_get32(vm, va + tf_pg(uvm, i) + 8),
		    0x1000u + (uint32_t)i);
		assert_int_equal(tf_get32(vm, va + tf_pg(uvm, i)), 0);
	}
	assert_int_equal(pmap_resident_count(vm->vm_map.pmap), 16);
	uvmspace_free(vm);
}

static void
test_errors(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t ro, none, rw;
	struct uvmexp a, b;

	rw = tf_map_anon(vm, 2);
	ro = tf_map_anon_at(
	    vm, 0, 2, VM_PROT_READ, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	none = tf_map_anon_at(
	    vm, 0, 2, VM_PROT_NONE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	uvm_stats(uvm, &a);
	assert_int_equal(uvm_fault(map, 0x1000, VM_PROT_READ), EFAULT);
	assert_int_equal(
	    uvm_fault(map, TF_VMAX - 0x1000, VM_PROT_READ), EFAULT);
	assert_int_equal(uvm_fault(map, ro, VM_PROT_WRITE), EACCES);
	assert_int_equal(uvm_fault(map, none, VM_PROT_READ), EACCES);
	assert_int_equal(uvm_fault(map, rw, VM_PROT_EXECUTE), EACCES);
	assert_int_equal(uvm_fault(map, rw, 0), EINVAL);
	assert_int_equal(uvm_fault(map, rw, 0x10), EINVAL);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, nanon), 0);
	assert_int_equal(uvm_fault(map, ro + 5, VM_PROT_READ), 0);
	assert_int_equal(uvm_fault(map, rw, VM_PROT_WRITE), 0);
	/* Simulated accesses report the same errors. */
	assert_int_equal(uvm_access(vm, ro, 4, VM_PROT_WRITE), EACCES);
	assert_int_equal(uvm_access(vm, none, 4, VM_PROT_READ), EACCES);
	assert_int_equal(uvm_access(vm, 0x2000, 4, VM_PROT_READ), EFAULT);
	uvmspace_free(vm);
}

/* Write after fork: copy-on-write in the upper layer, both directions. */
static void
test_anon_cow(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	struct uvmexp a, b;
	vaddr_t va = tf_map_anon(p, 4);

	tf_fill(p, va, tf_pg(uvm, 4), 11);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	/* The parent lost its write access; reading costs nothing. */
	assert_true(tf_check(p, va, tf_pg(uvm, 4), 11));
	assert_true(tf_check(c, va, tf_pg(uvm, 4), 11));

	uvm_stats(uvm, &a);
	tf_put32(c, va, 0xc0c0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_acow), 1);
	assert_int_equal(tf_get32(c, va), 0xc0c0);
	assert_int_equal(tf_get32(p, va), tf_get32(p, va)); /* stable */
	assert_true(tf_check(p, va, tf_pg(uvm, 4), 11));

	uvm_stats(uvm, &a);
	tf_put32(p, va + tf_pg(uvm, 1), 0x9090);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_acow), 1);
	assert_true(tf_check(c, va + tf_pg(uvm, 1), tf_pg(uvm, 1), 11));
	assert_int_equal(tf_get32(p, va + tf_pg(uvm, 1)), 0x9090);

	/* After the child is gone, the parent owns the rest alone. */
	uvmspace_free(c);
	uvm_stats(uvm, &a);
	tf_put32(p, va + tf_pg(uvm, 2), 1);
	tf_put32(p, va + tf_pg(uvm, 3), 2);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_acow), 0);
	assert_int_equal(D(b, a, flt_anon), 2);
	assert_int_equal(D(b, a, nanon), 0);
	uvmspace_free(p);
}

/* An aobj mapped shared in two spaces and private in a third. */
static void
test_object_pages(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *v1 = tf_vmspace(uvm), *v2 = tf_vmspace(uvm);
	struct vmspace *v3 = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 8), 0);
	struct uvmexp a, b;
	vaddr_t s1, s2, pr;

	assert_non_null(uobj);
	s1 = tf_map_obj(v1, uobj, 0, 8, RW, UVM_INH_SHARE, false);
	s2 = tf_map_obj(v2, uobj, 0, 8, RW, UVM_INH_SHARE, false);
	pr = tf_map_obj(v3, uobj, 0, 8, RW, UVM_INH_COPY, true);

	uvm_stats(uvm, &a);
	tf_fill(v1, s1, tf_pg(uvm, 8), 5);
	uvm_stats(uvm, &b);
	assert_true(D(b, a, flt_obj) >= 1);
	assert_int_equal(D(b, a, flt_prcopy), 0);
	assert_true(tf_check(v2, s2, tf_pg(uvm, 8), 5));
	/* The private mapping reads the object, then copies on write. */
	assert_true(tf_check(v3, pr, tf_pg(uvm, 8), 5));
	uvm_stats(uvm, &a);
	tf_put32(v3, pr + tf_pg(uvm, 3), 0xdead);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_prcopy), 1);
	assert_int_equal(tf_get32(v3, pr + tf_pg(uvm, 3)), 0xdead);
	assert_true(tf_check(v1, s1 + tf_pg(uvm, 3), tf_pg(uvm, 1), 5));
	/* Shared writes reach the private mapping where it has no copy. */
	tf_put32(v2, s2 + tf_pg(uvm, 4), 0xbeef);
	assert_int_equal(tf_get32(v3, pr + tf_pg(uvm, 4)), 0xbeef);
	tf_put32(v2, s2 + tf_pg(uvm, 3), 0xfeed);
	assert_int_equal(tf_get32(v3, pr + tf_pg(uvm, 3)), 0xdead);
	/* Pages entered writable are dirty. */
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_true(uvm_obj_dirty_p(uobj));
	rw_exit(uobj->vmobjlock);

	uvmspace_free(v1);
	uvmspace_free(v2);
	uvmspace_free(v3);
	uao_detach(uobj);
}

/* Neighbours: resident pages around a fault are mapped read-only. */
static void
check_neighbours(struct uvm *uvm, int advice, int nback, int nfwd)
{
	struct vmspace *p = tf_vmspace(uvm), *c;
	vaddr_t va = tf_map_anon_at(p, 0, 32, RW, UVM_INH_COPY, advice, 0);
	vaddr_t mid = va + tf_pg(uvm, 16);
	struct uvmexp a, b;
	int i;

	tf_fill(p, va, tf_pg(uvm, 32), 3);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	uvm_stats(uvm, &a);
	assert_int_equal(uvm_fault(&c->vm_map, mid, VM_PROT_READ), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_namap), nback + nfwd);
	for (i = -10; i <= 10; i++) {
		bool in =
		    (i < 0 && -i <= nback) || (i > 0 && i <= nfwd) || i == 0;

		assert_int_equal(tf_mapped_p(c, mid + (vaddr_t)i * 4096), in);
	}
	/* Neighbours are read-only: writing faults (and copies). */
	uvm_stats(uvm, &a);
	if (nfwd > 0)
		tf_put32(c, mid + tf_pg(uvm, 1), 1);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), nfwd > 0 ? 1 : 0);
	uvmspace_free(c);
	uvmspace_free(p);
}

static void
test_neighbours(void **state)
{
	struct uvm *uvm = TH_UVM(state);

	check_neighbours(
	    uvm, UVM_ADV_NORMAL, UVM_FAULT_NBACK_NORMAL, UVM_FAULT_NFWD_NORMAL);
	check_neighbours(uvm, UVM_ADV_RANDOM, 0, 0);
	check_neighbours(uvm, UVM_ADV_SEQUENTIAL, 0, UVM_FAULT_NFWD_SEQ);
}

/* Object neighbours, and the lower layer's locked lookup. */
static void
test_object_neighbours(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *v1 = tf_vmspace(uvm), *v2 = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 16), 0);
	struct uvmexp a, b;
	vaddr_t s1, s2;

	s1 = tf_map_obj(v1, uobj, 0, 16, RW, UVM_INH_SHARE, false);
	s2 = tf_map_obj(v2, uobj, 0, 16, RW, UVM_INH_SHARE, false);
	tf_fill(v1, s1, tf_pg(uvm, 16), 9);
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_fault(&v2->vm_map, s2 + tf_pg(uvm, 8), VM_PROT_READ), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_nomap), 7);
	assert_int_equal(D(b, a, flt_obj), 1);
	assert_int_equal(D(b, a, flt_get), 0);
	assert_true(tf_mapped_p(v2, s2 + tf_pg(uvm, 5)));
	assert_true(tf_mapped_p(v2, s2 + tf_pg(uvm, 12)));
	assert_false(tf_mapped_p(v2, s2 + tf_pg(uvm, 13)));
	uvmspace_free(v1);
	uvmspace_free(v2);
	uao_detach(uobj);
}

/*
 * A test pager: zero-filled pages on demand, like an aobj without swap,
 * whose sleeping get first runs a hook with the object unlocked (to change
 * the map behind the fault's back) and may fail with an injected error.
 */
struct tpager {
	struct uvm_object tp_obj;
	void (*tp_hook)(void);
	int tp_error;
};

static void
tp_reference(struct uvm_object *uobj)
{
	rw_enter(uobj->vmobjlock, RW_WRITER);
	uobj->uo_refs++;
	rw_exit(uobj->vmobjlock);
}

static void
tp_detach(struct uvm_object *uobj)
{
	struct vm_page *pps[16];
	unsigned n, i;

	rw_enter(uobj->vmobjlock, RW_WRITER);
	if (--uobj->uo_refs > 0) {
		rw_exit(uobj->vmobjlock);
		return;
	}
	while ((n = uvm_obj_page_gang(uobj, 0, pps, 16)) != 0)
		for (i = 0; i < n; i++) {
			pmap_page_protect(pps[i], VM_PROT_NONE);
			uvm_pagefree(pps[i]);
		}
	rw_exit(uobj->vmobjlock);
	uvm_obj_destroy(uobj, true);
	free(uobj);
}

static int
tp_get(struct uvm_object *uobj, voff_t off, struct vm_page **pps, int *npagesp,
    int centeridx, vm_prot_t access, int advice, int flags)
{
	struct tpager *tp = (struct tpager *)uobj;
	struct uvm *uvm = uobj->uo_uvm;
	struct vm_page *pg;
	int i;

	if ((flags & PGO_LOCKED) != 0) {
		for (i = 0; i < *npagesp; i++) {
			pg = uvm_pagelookup(
			    uobj, off + (voff_t)uvm_ptoa(uvm, (uint64_t)i));
			pps[i] = pg != NULL && (pg->flags & PG_BUSY) == 0
			    ? pg
			    : NULL;
		}
		return pps[centeridx] != NULL ? 0 : EBUSY;
	}
	if (tp->tp_hook != NULL) {
		void (*hook)(void) = tp->tp_hook;

		tp->tp_hook = NULL;
		rw_exit(uobj->vmobjlock);
		hook();
		rw_enter(uobj->vmobjlock, RW_WRITER);
	}
	if (tp->tp_error != 0) {
		rw_exit(uobj->vmobjlock);
		return tp->tp_error;
	}
	assert_int_equal(*npagesp, 1);
	pg = uvm_pagelookup(uobj, off);
	if (pg == NULL) {
		pg = uvm_pagealloc(uvm, uobj, off, NULL, UVM_PGA_ZERO);
		if (pg == NULL) {
			rw_exit(uobj->vmobjlock);
			return ENOMEM;
		}
		pg->flags &= ~PG_FAKE;
		uvmpdpol_pageactivate(uvm, pg);
	} else {
		assert_true((pg->flags & PG_BUSY) == 0);
		pg->flags |= PG_BUSY;
	}
	pps[0] = pg;
	rw_exit(uobj->vmobjlock);
	return 0;
}

static int
tp_put(struct uvm_object *uobj, voff_t start, voff_t end, int flags)
{
	rw_exit(uobj->vmobjlock);
	return 0;
}

static const struct uvm_pagerops tpager_ops = {
    .pgo_name = "tpager",
    .pgo_reference = tp_reference,
    .pgo_detach = tp_detach,
    .pgo_get = tp_get,
    .pgo_put = tp_put,
};

static struct tpager *
tp_create(struct uvm *uvm)
{
	struct tpager *tp = calloc(1, sizeof(*tp));

	assert_non_null(tp);
	uvm_obj_init(&tp->tp_obj, uvm, &tpager_ops, NULL, 1);
	return tp;
}

static struct vmspace *relock_vm;
static vaddr_t relock_other;

static void
relock_hook(void)
{
	/* A map change while the fault sleeps in the pager. */
	assert_int_equal(uvm_map_protect(&relock_vm->vm_map, relock_other,
			     relock_other + 4096, VM_PROT_READ, false),
	    0);
}

static void
test_relock(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct tpager *tp = tp_create(uvm);
	struct uvm_object *uobj = &tp->tp_obj;
	struct uvmexp a, b;
	vaddr_t va = 0;

	assert_int_equal(
	    uvm_map(&vm->vm_map, &va, tf_pg(uvm, 4), uobj, 0, 0,
		UVM_MAPFLAG(RW, RW, UVM_INH_SHARE, UVM_ADV_NORMAL, 0)),
	    0);
	relock_vm = vm;
	relock_other = tf_map_anon(vm, 1);

	/* Unchanged map: one relock, successful. */
	uvm_stats(uvm, &a);
	assert_int_equal(uvm_fault(&vm->vm_map, va, VM_PROT_READ), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_get), 1);
	assert_int_equal(D(b, a, flt_relck), 1);
	assert_int_equal(D(b, a, flt_relckok), 1);

	/* Changed map: the fault starts over and succeeds the second time. */
	tp->tp_hook = relock_hook;
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_fault(&vm->vm_map, va + tf_pg(uvm, 2), VM_PROT_WRITE), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_relck), 1);
	assert_int_equal(D(b, a, flt_relckok), 0);
	assert_int_equal(D(b, a, faults), 1);
	assert_true(tf_mapped_p(vm, va + tf_pg(uvm, 2)));
	tf_put32(vm, va + tf_pg(uvm, 2), 3);

	/* Pager errors come back as EIO. */
	tp->tp_error = EIO;
	assert_int_equal(
	    uvm_fault(&vm->vm_map, va + tf_pg(uvm, 3), VM_PROT_READ), EIO);
	assert_int_equal(
	    uvm_access(vm, va + tf_pg(uvm, 3), 1, VM_PROT_READ), EIO);
	tp->tp_error = 0;
	assert_int_equal(tf_get32(vm, va + tf_pg(uvm, 3)), 0);

	uvmspace_free(vm);
}

/* A fault on a busy anon page waits for it. */
struct busy_arg {
	struct vmspace *vm;
	vaddr_t va;
	int error;
};

static void *
busy_thread(void *arg)
{
	struct busy_arg *ba = arg;

	ba->error = uvm_fault(&ba->vm->vm_map, ba->va, VM_PROT_READ);
	return NULL;
}

static void
test_busy_wait(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	vaddr_t va = tf_map_anon(p, 1);
	struct vm_map_entry *entry;
	struct vm_anon *anon;
	struct vm_page *pg;
	struct busy_arg ba;
	struct uvmexp a, b;
	pthread_t t;

	tf_put32(p, va, 42);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	vm_map_lock_read(&p->vm_map);
	assert_true(uvm_map_lookup_entry(&p->vm_map, va, &entry));
	amap_lock(entry->aref.ar_amap, RW_WRITER);
	anon = amap_lookup(&entry->aref, 0);
	pg = anon->an_page;
	pg->flags |= PG_BUSY;
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(&p->vm_map);

	uvm_stats(uvm, &a);
	ba.vm = c;
	ba.va = va;
	ba.error = -1;
	assert_int_equal(pthread_create(&t, NULL, busy_thread, &ba), 0);
	for (int i = 0; i < 2000; i++) {
		uvm_stats(uvm, &b);
		if (D(b, a, flt_pgwait) != 0)
			break;
		usleep(1000);
	}
	rw_enter(anon->an_lock, RW_WRITER);
	uvm_page_unbusy(&pg, 1);
	rw_exit(anon->an_lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(ba.error, 0);
	assert_int_equal(D(b, a, flt_pgwait), 1);
	assert_int_equal(tf_get32(c, va), 42);
	uvmspace_free(c);
	uvmspace_free(p);
}

/* Transient wiring: pages and mappings wired, then unwired. */
static void
test_fault_wire(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = tf_map_anon(vm, 8), ro;
	struct uvmexp a, b;

	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_fault_wire(map, va, va + tf_pg(uvm, 8), RW, false), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), 8);
	assert_int_equal(pmap_wired_count(map->pmap), 8);
	assert_int_equal(D(b, a, flt_namap) + D(b, a, flt_nomap), 0);
	uvm_fault_unwire(map, va, va + tf_pg(uvm, 8));
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);

	/* A failure half-way leaves nothing wired. */
	ro = tf_map_anon_at(vm, va + tf_pg(uvm, 8), 2, VM_PROT_READ,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED);
	assert_int_equal(ro, va + tf_pg(uvm, 8));
	assert_int_equal(
	    uvm_fault_wire(map, va, ro + tf_pg(uvm, 2), RW, false), EACCES);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_int_equal(uvm_fault_wire(map, va, va + 1, RW, false), EINVAL);
	uvmspace_free(vm);
}

/* Wiring at maximum protection copies a private read-only mapping. */
static void
test_fault_wire_maxprot(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm), *v2 = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 4), 0);
	struct vm_map *map = &vm->vm_map;
	struct uvmexp a, b;
	vaddr_t pr, sh;

	sh = tf_map_obj(v2, uobj, 0, 4, RW, UVM_INH_SHARE, false);
	tf_fill(v2, sh, tf_pg(uvm, 4), 21);
	pr = tf_map_obj(vm, uobj, 0, 4, VM_PROT_READ, UVM_INH_COPY, true);
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_fault_wire(map, pr, pr + tf_pg(uvm, 4), VM_PROT_READ, true), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_prcopy), 4);
	assert_int_equal(D(b, a, wired), 4);
	/* Still read-only, and now private: the object's changes stay out. */
	assert_int_equal(uvm_access(vm, pr, 1, VM_PROT_WRITE), EACCES);
	tf_put32(v2, sh, 77);
	assert_true(tf_check(vm, pr, tf_pg(uvm, 4), 21));
	uvm_fault_unwire(map, pr, pr + tf_pg(uvm, 4));
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), 0);
	uvmspace_free(vm);
	uvmspace_free(v2);
	uao_detach(uobj);
}

/* Write faults mark pages dirty; a read-only mapping leaves them alone. */
static void
test_dirty(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 2), 0);
	vaddr_t ro, rw;
	struct vm_page *pg;

	ro = tf_map_obj(vm, uobj, 0, 2, VM_PROT_READ, UVM_INH_SHARE, false);
	assert_int_equal(tf_get32(vm, ro), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	pg = uvm_pagelookup(uobj, 0);
	assert_non_null(pg);
	uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_CLEAN);
	rw_exit(uobj->vmobjlock);
	assert_int_equal(tf_get32(vm, ro), 0);
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_CLEAN);
	rw_exit(uobj->vmobjlock);

	rw = tf_map_obj(vm, uobj, 0, 2, RW, UVM_INH_SHARE, false);
	tf_put32(vm, rw, 1);
	rw_enter(uobj->vmobjlock, RW_READER);
	assert_int_equal(uvm_pagegetdirty(pg), UVM_PAGE_STATUS_DIRTY);
	rw_exit(uobj->vmobjlock);
	assert_int_equal(tf_get32(vm, ro), 1);
	uvmspace_free(vm);
	uao_detach(uobj);
}

/*
 * Fault injection: sweep page, anon and amap failures over each kind of
 * fault.  Every failure is ENOMEM, leaves everything consistent, and the
 * same access succeeds afterwards.
 */
static void
sweep_one(struct uvm *uvm, enum kfi_site site, int kind)
{
	int64_t cd;

	for (cd = 0; cd < 64; cd++) {
		struct vmspace *p = tf_vmspace(uvm), *c = NULL;
		struct uvm_object *uobj = NULL;
		vaddr_t va;
		int error;

		if (kind == 2) {
			uobj = uao_create(uvm, tf_pg(uvm, 4), 0);
			va = tf_map_obj(p, uobj, 0, 4, RW, UVM_INH_COPY, true);
			tf_put32(p, va + tf_pg(uvm, 1), 5);
		} else {
			va = tf_map_anon(p, 4);
			if (kind == 1) {
				tf_put32(p, va, 5);
				assert_int_equal(uvmspace_fork(p, &c), 0);
			}
		}
		kfi_arm(&uvm->u_fi, site, cd, 1);
		error = uvm_fault(&p->vm_map, va, VM_PROT_WRITE);
		kfi_disarm_all(&uvm->u_fi);
		uvm_sanity_all(uvm);
		if (error != 0) {
			assert_int_equal(error, ENOMEM);
			assert_int_equal(
			    uvm_fault(&p->vm_map, va, VM_PROT_WRITE), 0);
		}
		tf_put32(p, va, 9);
		assert_int_equal(tf_get32(p, va), 9);
		if (c != NULL) {
			assert_int_equal(tf_get32(c, va), 5);
			uvmspace_free(c);
		}
		uvmspace_free(p);
		if (uobj != NULL)
			uao_detach(uobj);
		if (error == 0)
			break;
	}
}

static void
test_fi_sweep(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const enum kfi_site sites[] = {
	    KFI_PAGE, KFI_ANON, KFI_AMAP, KFI_POOL};
	struct uvmexp a, b;

	uvm_stats(uvm, &a);
	for (size_t i = 0; i < __arraycount(sites); i++)
		for (int kind = 0; kind < 3; kind++)
			sweep_one(uvm, sites[i], kind);
	uvm_stats(uvm, &b);
	assert_true(D(b, a, flt_noram) >= 1);
	assert_true(D(b, a, flt_noanon) >= 1);
	assert_true(D(b, a, flt_noamap) >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_zero_fill_read, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_zero_fill_write, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_anon_cow, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_object_pages, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_neighbours, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_object_neighbours, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_relock, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_busy_wait, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fault_wire, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fault_wire_maxprot, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_dirty, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_sweep, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
