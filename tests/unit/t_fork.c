/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_fork.c: uvmspace_fork() with every inheritance (COPY isolation, SHARE
 * sharing, NONE holes, ZERO zeros) over three generations; private
 * mappings shared by minherit; protecting and unmapping in the middle of
 * copy-on-write-shared amaps; wired entries at fork; exec, share, unshare
 * and spawn; fault-injection sweeps over fork.
 */
#include "t_fault.h"

#define RW                  (VM_PROT_READ | VM_PROT_WRITE)
#define D(after, before, f) ((after).f - (before).f)
#define NP                  8

struct layout {
	vaddr_t copy, share, none, zero, pshare;
};

/* One mapping of each inheritance, filled with distinct patterns. */
static void
layout_make(struct vmspace *vm, struct layout *l)
{
	struct vm_map *map = &vm->vm_map;
	struct uvm *uvm = map->uvm;

	l->copy = tf_map_anon(vm, NP);
	l->share = tf_map_shared(vm, NP);
	l->none = tf_map_anon(vm, NP);
	l->zero = tf_map_anon(vm, NP);
	l->pshare = tf_map_anon(vm, NP);
	assert_int_equal(uvm_map_inherit(map, l->none, l->none + tf_pg(uvm, NP),
			     UVM_INH_NONE),
	    0);
	assert_int_equal(uvm_map_inherit(map, l->zero, l->zero + tf_pg(uvm, NP),
			     UVM_INH_ZERO),
	    0);
	assert_int_equal(uvm_map_inherit(map, l->pshare,
			     l->pshare + tf_pg(uvm, NP), UVM_INH_SHARE),
	    0);
	tf_fill(vm, l->copy, tf_pg(uvm, NP), 1);
	tf_fill(vm, l->share, tf_pg(uvm, NP), 2);
	tf_fill(vm, l->none, tf_pg(uvm, NP), 3);
	tf_fill(vm, l->zero, tf_pg(uvm, NP), 4);
	/* Half of the privately-shared mapping stays untouched. */
	tf_fill(vm, l->pshare, tf_pg(uvm, NP / 2), 5);
}

static void
test_inheritance(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	struct layout l;
	vsize_t len = tf_pg(uvm, NP);
	uint8_t b;

	layout_make(p, &l);
	assert_int_equal(uvmspace_fork(p, &c), 0);

	/* COPY: same contents, then isolated both ways. */
	assert_true(tf_check(c, l.copy, len, 1));
	tf_fill(c, l.copy, tf_pg(uvm, 2), 11);
	tf_fill(p, l.copy + tf_pg(uvm, 4), tf_pg(uvm, 2), 12);
	assert_true(tf_check(p, l.copy, tf_pg(uvm, 2), 1));
	assert_true(tf_check(c, l.copy, tf_pg(uvm, 2), 11));
	assert_true(tf_check(c, l.copy + tf_pg(uvm, 4), tf_pg(uvm, 2), 1));
	assert_true(tf_check(p, l.copy + tf_pg(uvm, 4), tf_pg(uvm, 2), 12));

	/* SHARE: writes seen both ways. */
	assert_true(tf_check(c, l.share, len, 2));
	tf_fill(c, l.share, tf_pg(uvm, 1), 21);
	tf_fill(p, l.share + tf_pg(uvm, 1), tf_pg(uvm, 1), 22);
	assert_true(tf_check(p, l.share, tf_pg(uvm, 1), 21));
	assert_true(tf_check(c, l.share + tf_pg(uvm, 1), tf_pg(uvm, 1), 22));

	/* SHARE of a private mapping: touched and untouched pages alike. */
	assert_true(tf_check(c, l.pshare, tf_pg(uvm, NP / 2), 5));
	tf_fill(c, l.pshare + tf_pg(uvm, NP / 2), tf_pg(uvm, 1), 51);
	assert_true(
	    tf_check(p, l.pshare + tf_pg(uvm, NP / 2), tf_pg(uvm, 1), 51));
	tf_fill(p, l.pshare, tf_pg(uvm, 1), 52);
	assert_true(tf_check(c, l.pshare, tf_pg(uvm, 1), 52));

	/* NONE: a hole. */
	assert_int_equal(uvm_copyin(c, l.none, &b, 1, NULL), EFAULT);
	assert_int_equal(uvm_access(c, l.none, 1, VM_PROT_READ), EFAULT);
	assert_true(tf_check(p, l.none, len, 3));

	/* ZERO: zeros in the child, the parent untouched. */
	assert_true(tf_check(c, l.zero, len, 0));
	tf_fill(c, l.zero, len, 41);
	assert_true(tf_check(p, l.zero, len, 4));
	assert_true(tf_check(c, l.zero, len, 41));

	uvmspace_free(c);
	assert_true(tf_check(p, l.copy, tf_pg(uvm, 2), 1));
	assert_true(tf_check(p, l.share, tf_pg(uvm, 1), 21));
	uvmspace_free(p);
}

/* Three generations, writes at every level. */
static void
test_generations(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *g[3];
	struct layout l;
	vsize_t pg = tf_pg(uvm, 1);
	int i, j;

	g[0] = tf_vmspace(uvm);
	layout_make(g[0], &l);
	for (i = 1; i < 3; i++) {
		assert_int_equal(uvmspace_fork(g[i - 1], &g[i]), 0);
		/* Each generation writes page i of COPY and SHARE. */
		tf_fill(g[i], l.copy + tf_pg(uvm, (uint64_t)i), pg,
		    100 + (uint64_t)i);
		tf_fill(g[i], l.share + tf_pg(uvm, (uint64_t)i), pg,
		    200 + (uint64_t)i);
		/* The parent writes after the fork too. */
		tf_fill(
		    g[i - 1], l.copy + tf_pg(uvm, 5), pg, 300 + (uint64_t)i);
	}
	tf_fill(g[0], l.copy + tf_pg(uvm, 1), pg, 400);
	/* COPY: each generation sees its own writes and what it inherited. */
	assert_true(tf_check(g[0], l.copy, pg, 1));
	assert_true(tf_check(g[0], l.copy + pg, pg, 400));
	assert_true(tf_check(g[0], l.copy + tf_pg(uvm, 2), pg, 1));
	assert_true(tf_check(g[0], l.copy + tf_pg(uvm, 5), pg, 301));
	assert_true(tf_check(g[1], l.copy + pg, pg, 101));
	assert_true(tf_check(g[1], l.copy + tf_pg(uvm, 2), pg, 1));
	assert_true(tf_check(g[1], l.copy + tf_pg(uvm, 5), pg, 302));
	assert_true(tf_check(g[2], l.copy + pg, pg, 101));
	assert_true(tf_check(g[2], l.copy + tf_pg(uvm, 2), pg, 102));
	assert_true(tf_check(g[2], l.copy + tf_pg(uvm, 5), pg, 1));
	/* SHARE: everybody sees every write. */
	for (j = 0; j < 3; j++) {
		assert_true(tf_check(g[j], l.share, pg, 2));
		assert_true(tf_check(g[j], l.share + pg, pg, 201));
		assert_true(tf_check(g[j], l.share + tf_pg(uvm, 2), pg, 202));
	}
	/* NONE stays a hole; ZERO gives each child zeros. */
	for (j = 1; j < 3; j++) {
		assert_int_equal(
		    uvm_access(g[j], l.none, 1, VM_PROT_READ), EFAULT);
		assert_true(tf_check(g[j], l.zero, tf_pg(uvm, NP), 0));
		tf_fill(g[j], l.zero, pg, 500 + (uint64_t)j);
	}
	assert_true(tf_check(g[0], l.zero, tf_pg(uvm, NP), 4));
	assert_true(tf_check(g[1], l.zero, pg, 501));
	/* Exit in the middle of the chain. */
	uvmspace_free(g[1]);
	assert_true(tf_check(g[2], l.copy + pg, pg, 101));
	assert_true(tf_check(g[0], l.copy + pg, pg, 400));
	uvmspace_free(g[2]);
	uvmspace_free(g[0]);
}

/* Protect and unmap in the middle of a copy-on-write-shared amap. */
static void
test_split_shared_amap(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	vsize_t pg = tf_pg(uvm, 1);
	vaddr_t va = tf_map_anon(p, 16);

	tf_fill(p, va, tf_pg(uvm, 16), 7);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	/* The child protects the middle: its entry splits in three. */
	assert_int_equal(uvm_map_protect(&c->vm_map, va + tf_pg(uvm, 6),
			     va + tf_pg(uvm, 10), VM_PROT_READ, false),
	    0);
	tf_fill(c, va, tf_pg(uvm, 2), 70);
	tf_fill(c, va + tf_pg(uvm, 12), tf_pg(uvm, 2), 71);
	assert_int_equal(
	    uvm_access(c, va + tf_pg(uvm, 7), 1, VM_PROT_WRITE), EACCES);
	/* The parent unmaps the middle of its half and writes its right. */
	assert_int_equal(
	    uvm_unmap(&p->vm_map, va + tf_pg(uvm, 4), va + tf_pg(uvm, 8)), 0);
	tf_fill(p, va + tf_pg(uvm, 10), tf_pg(uvm, 2), 72);
	uvm_sanity_all(uvm);

	assert_true(tf_check(p, va, tf_pg(uvm, 4), 7));
	assert_int_equal(
	    uvm_access(p, va + tf_pg(uvm, 5), 1, VM_PROT_READ), EFAULT);
	assert_true(tf_check(p, va + tf_pg(uvm, 8), tf_pg(uvm, 2), 7));
	assert_true(tf_check(p, va + tf_pg(uvm, 10), tf_pg(uvm, 2), 72));
	assert_true(tf_check(p, va + tf_pg(uvm, 12), tf_pg(uvm, 4), 7));
	assert_true(tf_check(c, va, tf_pg(uvm, 2), 70));
	assert_true(tf_check(c, va + tf_pg(uvm, 2), tf_pg(uvm, 10), 7));
	assert_true(tf_check(c, va + tf_pg(uvm, 12), tf_pg(uvm, 2), 71));
	assert_true(tf_check(c, va + tf_pg(uvm, 14), pg * 2, 7));
	/* Unprotect: the middle becomes writable, still copy-on-write. */
	assert_int_equal(uvm_map_protect(&c->vm_map, va + tf_pg(uvm, 6),
			     va + tf_pg(uvm, 10), RW, false),
	    0);
	tf_fill(c, va + tf_pg(uvm, 8), pg, 73);
	assert_true(tf_check(p, va + tf_pg(uvm, 8), pg, 7));
	uvmspace_free(p);
	assert_true(tf_check(c, va + tf_pg(uvm, 8), pg, 73));
	assert_true(tf_check(c, va + tf_pg(uvm, 9), pg, 7));
	uvmspace_free(c);
}

/* A wired copy-on-write range: the child's copies are made at fork. */
static void
test_fork_wired(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	vaddr_t va = tf_map_anon(p, 8);
	struct uvmexp a, b;

	tf_fill(p, va, tf_pg(uvm, 8), 8);
	assert_int_equal(
	    uvm_map_pageable(&p->vm_map, va, va + tf_pg(uvm, 8), false, 0), 0);
	uvm_stats(uvm, &a);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, nanon), 8); /* copied at once */
	assert_int_equal(pmap_wired_count(c->vm_map.pmap), 0);
	assert_int_equal(D(b, a, wired), 0);
	/* The parent writes without faulting; the child keeps the old data. */
	uvm_stats(uvm, &a);
	tf_fill(p, va, tf_pg(uvm, 8), 80);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 0);
	assert_true(tf_check(c, va, tf_pg(uvm, 8), 8));
	tf_fill(c, va, tf_pg(uvm, 1), 81);
	assert_true(tf_check(p, va, tf_pg(uvm, 8), 80));
	uvmspace_free(c);
	uvmspace_free(p);
}

static void
test_exec_share_spawn(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm), *vm2, *orig, *sp;
	vaddr_t va = tf_map_anon(vm, 4);
	size_t n;
	vsize_t sz;

	tf_fill(vm, va, tf_pg(uvm, 4), 9);
	/* Shared: exec gives the caller a new one, the other keeps it. */
	vm2 = uvmspace_share(vm);
	assert_ptr_equal(vm2, vm);
	orig = vm2;
	assert_int_equal(uvmspace_exec(&vm2, TF_VMIN, TF_VMAX, false), 0);
	assert_ptr_not_equal(vm2, orig);
	uvm_map_stat(&vm2->vm_map, &n, &sz);
	assert_int_equal(n, 0);
	assert_true(tf_check(vm, va, tf_pg(uvm, 4), 9));
	/* Sole owner: the same vmspace, emptied. */
	orig = vm;
	assert_int_equal(uvmspace_exec(&vm, TF_VMIN, TF_VMAX, false), 0);
	assert_ptr_equal(vm, orig);
	uvm_map_stat(&vm->vm_map, &n, &sz);
	assert_int_equal(n, 0);
	assert_int_equal(uvm_access(vm, va, 1, VM_PROT_READ), EFAULT);
	/* Other bounds: a new one. */
	assert_int_equal(uvmspace_exec(&vm, TF_VMIN, TF_VMAX / 2, true), 0);
	assert_ptr_not_equal(vm, orig);
	assert_int_equal(uvmspace_exec(&vm, 1, 2, true), EINVAL);

	uvmspace_free(vm2);

	/* Unshare forks a shared space and leaves a private one alone. */
	va = tf_map_anon(vm, 2);
	tf_fill(vm, va, tf_pg(uvm, 2), 10);
	orig = vm;
	assert_int_equal(uvmspace_unshare(&vm), 0);
	assert_ptr_equal(vm, orig);
	vm2 = uvmspace_share(vm);
	assert_int_equal(uvmspace_unshare(&vm2), 0);
	assert_ptr_not_equal(vm2, vm);
	tf_fill(vm2, va, tf_pg(uvm, 1), 11);
	assert_true(tf_check(vm, va, tf_pg(uvm, 2), 10));

	/* Spawn: empty, its own, same bounds. */
	assert_int_equal(uvmspace_spawn(vm, &sp), 0);
	assert_ptr_not_equal(sp, vm);
	uvm_map_stat(&sp->vm_map, &n, &sz);
	assert_int_equal(n, 0);
	assert_int_equal(vm_map_min(&sp->vm_map), vm_map_min(&vm->vm_map));
	assert_int_equal(vm_map_max(&sp->vm_map), vm_map_max(&vm->vm_map));
	uvmspace_free(sp);
	uvmspace_free(vm2);
	uvmspace_free(vm);
}

/* Fault injection over fork of every kind of entry. */
static void
test_fork_fi(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const enum kfi_site sites[] = {
	    KFI_MAPENT, KFI_AMAP, KFI_PAGE, KFI_ANON, KFI_POOL};
	int failures = 0;

	for (size_t s = 0; s < __arraycount(sites); s++) {
		for (int64_t cd = 0; cd < 200; cd++) {
			struct vmspace *p = tf_vmspace(uvm), *c = NULL;
			struct layout l;
			vaddr_t w;
			int error;

			layout_make(p, &l);
			w = tf_map_anon(p, 4);
			tf_fill(p, w, tf_pg(uvm, 4), 6);
			assert_int_equal(uvm_map_pageable(&p->vm_map, w,
					     w + tf_pg(uvm, 4), false, 0),
			    0);
			kfi_arm(&uvm->u_fi, sites[s], cd, 1);
			error = uvmspace_fork(p, &c);
			kfi_disarm_all(&uvm->u_fi);
			uvm_sanity_all(uvm);
			if (error != 0) {
				failures++;
				assert_int_equal(error, ENOMEM);
				assert_null(c);
			} else {
				assert_true(
				    tf_check(c, l.copy, tf_pg(uvm, NP), 1));
				assert_true(tf_check(c, w, tf_pg(uvm, 4), 6));
				uvmspace_free(c);
			}
			/* The parent is intact either way. */
			assert_true(tf_check(p, l.copy, tf_pg(uvm, NP), 1));
			assert_true(tf_check(p, l.share, tf_pg(uvm, NP), 2));
			assert_true(tf_check(p, w, tf_pg(uvm, 4), 6));
			tf_fill(p, l.copy, tf_pg(uvm, 1), 60);
			uvmspace_free(p);
			if (error == 0)
				break;
		}
	}
	assert_true(failures > 0);
}

/*
 * A write-only private mapping (PROT_WRITE implies read on the pmap's x86
 * rule): after fork the child's read fault must map the shared page
 * readable, and its write fault must copy it.
 */
static void
test_write_only_cow(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	vaddr_t va = tf_map_anon_at(
	    p, 0, 2, VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);

	tf_fill(p, va, tf_pg(uvm, 2), 7);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	assert_true(tf_check(c, va, tf_pg(uvm, 2), 7));
	tf_fill(c, va, tf_pg(uvm, 1), 8);
	assert_true(tf_check(c, va, tf_pg(uvm, 1), 8));
	assert_true(tf_check(p, va, tf_pg(uvm, 2), 7));
	assert_true(tf_check(c, va + tf_pg(uvm, 1), tf_pg(uvm, 1), 7));
	uvmspace_free(c);
	uvmspace_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_inheritance, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_generations, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_split_shared_amap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fork_wired, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exec_share_spawn, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fork_fi, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_write_only_cow, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
