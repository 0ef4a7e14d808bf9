/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_wire.c: wiring of map entries (uvm_map_pageable, uvm_map_pageable_all
 * with wire-future), copying private mappings at wiring time, unwinding on
 * failure, unmapping wired memory, and uvm_map_clean() of anonymous
 * memory (deactivate, free, shared amaps).
 */
#include "t_fault.h"
#include "uvm_pdpolicy.h"

#define RW                  (VM_PROT_READ | VM_PROT_WRITE)
#define D(after, before, f) ((after).f - (before).f)

/* The wiring count of the entry holding va. */
static int
wired_at(struct vmspace *vm, vaddr_t va)
{
	struct uvm_map_entry_info mi;
	size_t n;

	assert_int_equal(uvm_map_foreach(&vm->vm_map, va, &mi, 1, &n), 0);
	assert_true(n >= 1 && mi.mi_start <= va);
	return mi.mi_wired;
}

static void
test_pageable(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = tf_map_anon(vm, 16);
	struct uvmexp a, b;
	size_t n0, n1;
	vsize_t sz;

	uvm_map_stat(map, &n0, &sz);
	uvm_stats(uvm, &a);
	/* Wire the middle: the entry splits, the pages come in wired. */
	assert_int_equal(uvm_map_pageable(map, va + tf_pg(uvm, 4),
			     va + tf_pg(uvm, 8), false, 0),
	    0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), 4);
	assert_int_equal(pmap_wired_count(map->pmap), 4);
	uvm_map_stat(map, &n1, &sz);
	assert_int_equal(n1, n0 + 2);
	assert_int_equal(wired_at(vm, va + tf_pg(uvm, 5)), 1);
	assert_int_equal(wired_at(vm, va), 0);
	/* Wired memory never faults. */
	uvm_stats(uvm, &a);
	tf_fill(vm, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 3);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 0);
	/* Twice wired, once unwired (POSIX). */
	assert_int_equal(uvm_map_pageable(map, va + tf_pg(uvm, 4),
			     va + tf_pg(uvm, 8), false, 0),
	    0);
	assert_int_equal(wired_at(vm, va + tf_pg(uvm, 5)), 2);
	assert_int_equal(uvm_map_pageable(map, va + tf_pg(uvm, 4),
			     va + tf_pg(uvm, 8), true, 0),
	    0);
	assert_int_equal(wired_at(vm, va + tf_pg(uvm, 5)), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_true(tf_check(vm, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 3));

	/* Errors, nothing changed. */
	assert_int_equal(uvm_map_pageable(map, va, va + 1, false, 0), EINVAL);
	assert_int_equal(uvm_map_pageable(map, TF_VMAX - 0x10000,
			     TF_VMAX - 0xf000, false, 0),
	    EFAULT);
	assert_int_equal(
	    uvm_map_pageable(map, va, va + tf_pg(uvm, 32), false, 0), EINVAL);
	assert_int_equal(
	    uvm_map_pageable(map, va, va + tf_pg(uvm, 1), true, 0), EINVAL);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_int_equal(
	    uvm_map_protect(map, va, va + tf_pg(uvm, 1), VM_PROT_NONE, false),
	    0);
	assert_int_equal(
	    uvm_map_pageable(map, va, va + tf_pg(uvm, 2), false, 0), EINVAL);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	/* Unmapping wired memory unwires it. */
	assert_int_equal(uvm_map_pageable(map, va + tf_pg(uvm, 2),
			     va + tf_pg(uvm, 16), false, 0),
	    0);
	assert_int_equal(
	    uvm_unmap(map, va + tf_pg(uvm, 3), va + tf_pg(uvm, 6)), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(pmap_wired_count(map->pmap), 11);
	uvmspace_free(vm);
}

/* Wiring a private mapping copies it into anons (the ptrace story). */
static void
test_wire_private(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm), *sh = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 4), 0);
	struct vm_map *map = &vm->vm_map;
	struct uvmexp a, b;
	vaddr_t pr, s;

	s = tf_map_obj(sh, uobj, 0, 4, RW, UVM_INH_SHARE, false);
	tf_fill(sh, s, tf_pg(uvm, 4), 4);
	pr = tf_map_obj(vm, uobj, 0, 4, VM_PROT_READ, UVM_INH_COPY, true);
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_map_pageable(map, pr, pr + tf_pg(uvm, 4), false, 0), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_prcopy), 4);
	assert_int_equal(D(b, a, wired), 4);
	tf_fill(sh, s, tf_pg(uvm, 4), 40);
	assert_true(tf_check(vm, pr, tf_pg(uvm, 4), 4));
	/* A shared mapping wires the object's own pages. */
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_map_pageable(&sh->vm_map, s, s + tf_pg(uvm, 4), false, 0), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, flt_prcopy), 0);
	assert_int_equal(D(b, a, wired), 4);
	uvmspace_free(vm);
	uvmspace_free(sh);
	uao_detach(uobj);
}

static void
test_pageable_all(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t a1 = tf_map_anon(vm, 4), a2 = tf_map_anon(vm, 2), none;

	none = tf_map_anon_at(
	    vm, 0, 2, VM_PROT_NONE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvm_map_pageable_all(map, 0x100, 0), EINVAL);
	assert_int_equal(
	    uvm_map_pageable_all(map, UVM_MCL_CURRENT, tf_pg(uvm, 3)), ENOMEM);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_int_equal(
	    uvm_map_pageable_all(map, UVM_MCL_CURRENT | UVM_MCL_FUTURE, 0), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 6);
	assert_true((map->flags & VM_MAP_WIREFUTURE) != 0);
	assert_int_equal(wired_at(vm, a1), 1);
	assert_int_equal(wired_at(vm, a2), 1);
	assert_int_equal(wired_at(vm, none), 0);
	assert_int_equal(uvm_map_pageable_all(map, 0, 0), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_true((map->flags & VM_MAP_WIREFUTURE) == 0);
	assert_int_equal(uvm_map_pageable_all(map, UVM_MCL_FUTURE, 0), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_true((map->flags & VM_MAP_WIREFUTURE) != 0);
	uvmspace_free(vm);
}

/* A failure while wiring unwinds everything. */
static void
test_pageable_fi(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const enum kfi_site sites[] = {KFI_PAGE, KFI_ANON, KFI_AMAP};
	int failures = 0;

	for (size_t s = 0; s < __arraycount(sites); s++) {
		for (int64_t cd = 0; cd < 64; cd++) {
			struct vmspace *vm = tf_vmspace(uvm);
			struct vm_map *map = &vm->vm_map;
			vaddr_t va = tf_map_anon(vm, 6);
			int error;

			tf_fill(vm, va, tf_pg(uvm, 2), 1);
			/*
			 * A lasting shortage: a single failed allocation is
			 * absorbed (a batch of zero fills stops short and the
			 * fault takes the page; see test_wire_zerorun).
			 */
			kfi_arm(&uvm->u_fi, sites[s], cd, -1);
			error = uvm_map_pageable(
			    map, va, va + tf_pg(uvm, 6), false, 0);
			kfi_disarm_all(&uvm->u_fi);
			uvm_sanity_all(uvm);
			if (error != 0) {
				failures++;
				assert_int_equal(error, ENOMEM);
				assert_int_equal(
				    pmap_wired_count(map->pmap), 0);
				assert_int_equal(wired_at(vm, va), 0);
			} else {
				assert_int_equal(
				    pmap_wired_count(map->pmap), 6);
			}
			assert_true(tf_check(vm, va, tf_pg(uvm, 2), 1));
			uvmspace_free(vm);
			if (error == 0)
				break;
		}
	}
	assert_true(failures > 0);
}

/*
 * Wiring untouched anonymous memory fills and wires it in batches
 * (uvm_fault_wire_zerorun): every page comes in zeroed, wired, mapped
 * wired, and counted as a zero-fill fault; a page already there (an anon)
 * ends a batch and takes the ordinary fault; a failed allocation inside a
 * batch only makes it stop short.
 */
static void
test_wire_zerorun(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	const int npg = 100;
	vaddr_t va = tf_map_anon(vm, npg);
	struct uvmexp a, b;

	/* Two pages in the middle exist already (anons). */
	tf_fill(vm, va + tf_pg(uvm, 40), tf_pg(uvm, 2), 7);
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_map_pageable(map, va, va + tf_pg(uvm, npg), false, 0), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, wired), npg);
	assert_int_equal(D(b, a, flt_przero), npg - 2);
	assert_int_equal(pmap_wired_count(map->pmap), npg);
	assert_int_equal(pmap_resident_count(map->pmap), npg);
	assert_true(tf_check(vm, va, tf_pg(uvm, 40), 0));
	assert_true(tf_check(vm, va + tf_pg(uvm, 40), tf_pg(uvm, 2), 7));
	assert_true(tf_check(vm, va + tf_pg(uvm, 42), tf_pg(uvm, npg - 42), 0));
	/* Wired: touching it faults no more. */
	uvm_stats(uvm, &a);
	tf_fill(vm, va, tf_pg(uvm, npg), 9);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 0);
	assert_int_equal(
	    uvm_map_pageable(map, va, va + tf_pg(uvm, npg), true, 0), 0);
	assert_int_equal(pmap_wired_count(map->pmap), 0);
	assert_true(tf_check(vm, va, tf_pg(uvm, npg), 9));
	uvmspace_free(vm);

	/* One failed allocation anywhere: still all wired, nothing lost. */
	for (int64_t cd = 0; cd < 40; cd += 7) {
		static const enum kfi_site sites[] = {
		    KFI_PAGE, KFI_ANON, KFI_POOL};

		for (size_t s = 0; s < __arraycount(sites); s++) {
			vm = tf_vmspace(uvm);
			map = &vm->vm_map;
			va = tf_map_anon(vm, npg);
			kfi_arm(&uvm->u_fi, sites[s], cd, 1);
			assert_int_equal(uvm_map_pageable(map, va,
					     va + tf_pg(uvm, npg), false, 0),
			    0);
			kfi_disarm_all(&uvm->u_fi);
			uvm_sanity_all(uvm);
			assert_int_equal(pmap_wired_count(map->pmap), npg);
			assert_true(tf_check(vm, va, tf_pg(uvm, npg), 0));
			uvmspace_free(vm);
		}
	}
}

static void
test_clean(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm), *c;
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = tf_map_anon(vm, 8);
	struct uvmexp a, b;

	tf_fill(vm, va, tf_pg(uvm, 8), 5);
	assert_int_equal(uvm_map_clean(map, va, va + tf_pg(uvm, 8),
			     UVM_CLEAN_FREE | UVM_CLEAN_DEACTIVATE),
	    EINVAL);
	assert_int_equal(
	    uvm_map_clean(map, va, va + tf_pg(uvm, 9), UVM_CLEAN_DEACTIVATE),
	    EFAULT);
	/* Deactivate: a hint, contents stay. */
	assert_int_equal(
	    uvm_map_clean(map, va, va + tf_pg(uvm, 8), UVM_CLEAN_DEACTIVATE),
	    0);
	assert_true(tf_check(vm, va, tf_pg(uvm, 8), 5));
	/*
	 * Clean and free (msync(MS_INVALIDATE)): anonymous memory has no
	 * backing store, so its pages are only deactivated and kept.
	 */
	uvm_stats(uvm, &a);
	assert_int_equal(uvm_map_clean(map, va, va + tf_pg(uvm, 8),
			     UVM_CLEAN_CLEANIT | UVM_CLEAN_FREE),
	    0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, nanon), 0);
	assert_true(tf_check(vm, va, tf_pg(uvm, 8), 5));
	/* Free: the pages go, the next access sees zeros. */
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_map_clean(map, va, va + tf_pg(uvm, 4), UVM_CLEAN_FREE), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, nanon), -4);
	assert_false(tf_mapped_p(vm, va));
	assert_true(tf_check(vm, va, tf_pg(uvm, 4), 0));
	assert_true(tf_check(vm, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 5));
	/* Shared with a child: only deactivated, nothing lost. */
	assert_int_equal(uvmspace_fork(vm, &c), 0);
	uvm_stats(uvm, &a);
	assert_int_equal(
	    uvm_map_clean(map, va, va + tf_pg(uvm, 8), UVM_CLEAN_FREE), 0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, nanon), 0);
	assert_true(tf_check(c, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 5));
	assert_true(tf_check(vm, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 5));
	/* Wired pages are never freed. */
	assert_int_equal(
	    uvm_map_pageable(&c->vm_map, va, va + tf_pg(uvm, 8), false, 0), 0);
	assert_int_equal(
	    uvm_map_clean(&c->vm_map, va, va + tf_pg(uvm, 8), UVM_CLEAN_FREE),
	    0);
	assert_true(tf_check(c, va + tf_pg(uvm, 4), tf_pg(uvm, 4), 5));
	uvmspace_free(c);
	uvmspace_free(vm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_pageable, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_wire_private, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_pageable_all, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_pageable_fi, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_wire_zerorun, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_clean, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
