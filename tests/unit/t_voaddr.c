/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_voaddr.c: virtual object addresses (equal across shared mappings,
 * different across copy-on-write once resolved, references that outlive
 * the mapping) and the mincore residency query.
 */
#include "t_fault.h"

#define RW                  (VM_PROT_READ | VM_PROT_WRITE)
#define D(after, before, f) ((after).f - (before).f)

static void
test_shared_equal(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *v1 = tf_vmspace(uvm), *v2 = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 4), 0);
	struct uvm_voaddr a, b, c;
	vaddr_t s1, s2;

	s1 = tf_map_obj(v1, uobj, 0, 4, RW, UVM_INH_SHARE, false);
	s2 = tf_map_obj(v2, uobj, tf_pg(uvm, 1), 3, RW, UVM_INH_SHARE, false);
	assert_int_equal(
	    uvm_voaddr_acquire(&v1->vm_map, s1 + tf_pg(uvm, 2) + 12, &a), 0);
	assert_int_equal(
	    uvm_voaddr_acquire(&v2->vm_map, s2 + tf_pg(uvm, 1) + 12, &b), 0);
	assert_int_equal(uvm_voaddr_compare(&a, &b), 0);
	assert_int_equal(uvm_voaddr_acquire(&v2->vm_map, s2 + 13, &c), 0);
	assert_int_equal(uvm_voaddr_compare(&c, &a), -1);
	assert_int_equal(uvm_voaddr_compare(&a, &c), 1);
	uvm_voaddr_release(&a);
	uvm_voaddr_release(&b);
	uvm_voaddr_release(&c);
	assert_int_equal(uvm_voaddr_acquire(&v1->vm_map, 0x1000, &a), EFAULT);
	uvmspace_free(v1);
	uvmspace_free(v2);
	uao_detach(uobj);
}

static void
test_cow_differs(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	vaddr_t va = tf_map_anon(p, 2), sh = tf_map_anon(p, 1);
	struct uvm_voaddr a, b, a2, s1, s2;

	tf_fill(p, va, tf_pg(uvm, 2), 1);
	assert_int_equal(
	    uvm_map_inherit(&p->vm_map, sh, sh + tf_pg(uvm, 1), UVM_INH_SHARE),
	    0);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	/* Private: each side resolves its own copy. */
	assert_int_equal(uvm_voaddr_acquire(&p->vm_map, va + 5, &a), 0);
	assert_int_equal(uvm_voaddr_acquire(&c->vm_map, va + 5, &b), 0);
	assert_int_not_equal(uvm_voaddr_compare(&a, &b), 0);
	assert_int_equal(uvm_voaddr_acquire(&p->vm_map, va + 5, &a2), 0);
	assert_int_equal(uvm_voaddr_compare(&a, &a2), 0);
	/* The contents are untouched by resolving. */
	assert_true(tf_check(p, va, tf_pg(uvm, 2), 1));
	assert_true(tf_check(c, va, tf_pg(uvm, 2), 1));
	/* Privately mapped but shared by inheritance: one identity. */
	assert_int_equal(uvm_voaddr_acquire(&p->vm_map, sh, &s1), 0);
	assert_int_equal(uvm_voaddr_acquire(&c->vm_map, sh, &s2), 0);
	assert_int_equal(uvm_voaddr_compare(&s1, &s2), 0);
	uvm_voaddr_release(&a);
	uvm_voaddr_release(&a2);
	uvm_voaddr_release(&b);
	uvm_voaddr_release(&s1);
	uvm_voaddr_release(&s2);
	uvmspace_free(c);
	uvmspace_free(p);
}

/* The reference keeps the anon alive after the mapping is gone. */
static void
test_outlives_mapping(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 1);
	struct uvm_voaddr a;
	struct uvmexp x, y;

	assert_int_equal(uvm_voaddr_acquire(&vm->vm_map, va, &a), 0);
	uvm_stats(uvm, &x);
	assert_int_equal(uvm_unmap(&vm->vm_map, va, va + tf_pg(uvm, 1)), 0);
	uvm_stats(uvm, &y);
	assert_int_equal(D(y, x, nanon), 0);
	uvm_voaddr_release(&a);
	uvm_stats(uvm, &y);
	assert_int_equal(D(y, x, nanon), -1);
	/* PROT_NONE has no identity. */
	va = tf_map_anon_at(
	    vm, 0, 1, VM_PROT_NONE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvm_voaddr_acquire(&vm->vm_map, va, &a), EFAULT);
	uvmspace_free(vm);
}

static void
test_mincore(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *p = tf_vmspace(uvm), *c;
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 4), 0);
	vaddr_t va = tf_map_anon(p, 8), o;
	uint8_t vec[8];

	o = tf_map_obj(p, uobj, 0, 4, RW, UVM_INH_SHARE, false);
	tf_put32(p, va + tf_pg(uvm, 1), 1);
	tf_put32(p, va + tf_pg(uvm, 6), 1);
	tf_put32(p, o + tf_pg(uvm, 2), 1);
	assert_int_equal(uvmspace_fork(p, &c), 0);
	/* The child maps nothing yet: residency comes from anons/objects. */
	memset(vec, 9, sizeof(vec));
	assert_int_equal(uvm_mincore(&c->vm_map, va, tf_pg(uvm, 8), vec), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(vec[i], i == 1 || i == 6);
	assert_int_equal(uvm_mincore(&c->vm_map, o, tf_pg(uvm, 4) - 1, vec), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(vec[i], i == 2);
	assert_int_equal(uvm_mincore(&c->vm_map, va + 1, 1, vec), EINVAL);
	assert_int_equal(
	    uvm_mincore(&c->vm_map, o, tf_pg(uvm, 5), vec), ENOMEM);
	assert_int_equal(uvm_mincore(&c->vm_map, 0x1000, 1, vec), ENOMEM);
	uvmspace_free(c);
	uvmspace_free(p);
	uao_detach(uobj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_shared_equal, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_cow_differs, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_outlives_mapping, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_mincore, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
