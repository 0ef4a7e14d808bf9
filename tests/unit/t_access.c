/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_access.c: simulated memory access: uvm_access() (errors, referenced
 * and modified bits, the TLB fast path), the copyin/copyout family with
 * the bytes done on EFAULT, the string copies, word fetch and store.
 */
#include "t_fault.h"

#define RW                  (VM_PROT_READ | VM_PROT_WRITE)
#define D(after, before, f) ((after).f - (before).f)

static void
test_copy_roundtrip(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 4);
	uint8_t out[10000], in[10000];
	size_t done = 1;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(
	    uvm_copyout(vm, out, va + 1000, sizeof(out), &done), 0);
	assert_int_equal(done, sizeof(out));
	memset(in, 0, sizeof(in));
	assert_int_equal(uvm_copyin(vm, va + 1000, in, sizeof(in), &done), 0);
	assert_int_equal(done, sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(uvm_copyin(vm, va, in, 1000, NULL), 0);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(in[i], 0);
	assert_int_equal(uvm_copyout(vm, out, va, 0, &done), 0);
	assert_int_equal(done, 0);
	uvmspace_free(vm);
}

/* EFAULT reports how far the copy got. */
static void
test_copy_efault(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 2), ro;
	uint8_t buf[3 * 4096];
	size_t done;

	memset(buf, 0x5a, sizeof(buf));
	/* Nothing after the mapping (the next one starts further on). */
	ro = tf_map_anon_at(vm, va + tf_pg(uvm, 8), 1, VM_PROT_READ,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED);
	assert_int_equal(
	    uvm_copyout(vm, buf, va + 100, sizeof(buf), &done), EFAULT);
	assert_int_equal(done, tf_pg(uvm, 2) - 100);
	assert_int_equal(
	    uvm_copyin(vm, va + 100, buf, sizeof(buf), &done), EFAULT);
	assert_int_equal(done, tf_pg(uvm, 2) - 100);
	/* Read-only: reads work, writes fail at once. */
	assert_int_equal(uvm_copyin(vm, ro, buf, 4096, &done), 0);
	assert_int_equal(uvm_copyout(vm, buf, ro, 10, &done), EFAULT);
	assert_int_equal(done, 0);
	/* Wrapping around the address space. */
	assert_int_equal(
	    uvm_copyin(vm, ~(vaddr_t)0 - 10, buf, 100, &done), EFAULT);
	assert_int_equal(done, 0);
	uvmspace_free(vm);
}

static void
test_strings(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 2);
	vaddr_t s = va + tf_pg(uvm, 1) - 5; /* straddles the pages */
	char buf[64];
	size_t done;

	assert_int_equal(uvm_copyoutstr(vm, "hello, world", s, 64, &done), 0);
	assert_int_equal(done, 13);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(uvm_copyinstr(vm, s, buf, sizeof(buf), &done), 0);
	assert_int_equal(done, 13);
	assert_string_equal(buf, "hello, world");
	/* Too long: ENAMETOOLONG after maxlen bytes. */
	assert_int_equal(uvm_copyinstr(vm, s, buf, 5, &done), ENAMETOOLONG);
	assert_int_equal(done, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(
	    uvm_copyoutstr(vm, "abcdef", va, 3, &done), ENAMETOOLONG);
	assert_int_equal(done, 3);
	assert_int_equal(uvm_copyinstr(vm, s, buf, 0, &done), ENAMETOOLONG);
	assert_int_equal(done, 0);
	/* A string running into the end of the mapping: EFAULT. */
	memset(buf, 'y', sizeof(buf));
	assert_int_equal(
	    uvm_copyout(vm, buf, va + tf_pg(uvm, 2) - 10, 10, NULL), 0);
	assert_int_equal(
	    uvm_copyinstr(vm, va + tf_pg(uvm, 2) - 10, buf, 64, &done), EFAULT);
	assert_int_equal(done, 10);
	assert_int_equal(uvm_copyoutstr(vm, "0123456789abcdef",
			     va + tf_pg(uvm, 2) - 4, 64, &done),
	    EFAULT);
	assert_int_equal(done, 4);
	uvmspace_free(vm);
}

static void
test_words(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 1), ro;
	uint32_t v32;
	uint64_t v64;

	assert_int_equal(uvm_suword32(vm, va + 8, 0xdeadbeef), 0);
	assert_int_equal(uvm_suword64(vm, va + 16, 0x0123456789abcdefull), 0);
	assert_int_equal(uvm_fuword32(vm, va + 8, &v32), 0);
	assert_int_equal(v32, 0xdeadbeef);
	assert_int_equal(uvm_fuword64(vm, va + 16, &v64), 0);
	assert_int_equal(v64, 0x0123456789abcdefull);
	assert_int_equal(uvm_fuword32(vm, va + 2, &v32), EFAULT);
	assert_int_equal(uvm_fuword64(vm, va + 4, &v64), EFAULT);
	assert_int_equal(uvm_suword64(vm, va + 12, 1), EFAULT);
	assert_int_equal(uvm_fuword32(vm, va + tf_pg(uvm, 1), &v32), EFAULT);
	ro = tf_map_anon_at(
	    vm, 0, 1, VM_PROT_READ, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvm_fuword32(vm, ro, &v32), 0);
	assert_int_equal(v32, 0);
	assert_int_equal(uvm_suword32(vm, ro, 1), EFAULT);
	uvmspace_free(vm);
}

/* uvm_access: errors, R/M bits, and no fault on the fast path. */
static void
test_access(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 2), 0);
	vaddr_t va = tf_map_obj(vm, uobj, 0, 2, RW, UVM_INH_SHARE, false);
	vaddr_t x = tf_map_anon_at(vm, 0, 1, VM_PROT_READ | VM_PROT_EXECUTE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	struct uvmexp a, b;
	struct vm_page *pg;

	assert_int_equal(uvm_access(NULL, va, 1, VM_PROT_READ), EINVAL);
	assert_int_equal(uvm_access(vm, va, 1, 0), EINVAL);
	assert_int_equal(uvm_access(vm, va, 0, VM_PROT_READ), 0);
	assert_int_equal(uvm_access(vm, ~(vaddr_t)0, 2, VM_PROT_READ), EFAULT);
	assert_int_equal(uvm_access(vm, va, 1, VM_PROT_EXECUTE), EACCES);
	assert_int_equal(uvm_access(vm, x, 4, VM_PROT_EXECUTE), 0);
	assert_int_equal(uvm_access(vm, x, 4, VM_PROT_WRITE), EACCES);
	/* Across the end of a mapping, into nothing. */
	assert_int_equal(
	    uvm_access(vm, x + tf_pg(uvm, 1) - 2, 4, VM_PROT_READ), EFAULT);

	assert_int_equal(uvm_access(vm, va, 8, VM_PROT_READ), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	pg = uvm_pagelookup(uobj, 0);
	assert_non_null(pg);
	assert_true(pmap_is_referenced(pg));
	assert_false(pmap_is_modified(pg));
	rw_exit(uobj->vmobjlock);
	assert_int_equal(uvm_access(vm, va + 8, 8, VM_PROT_WRITE), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_true(pmap_is_modified(pg));
	assert_true(pmap_clear_modify(pg));
	rw_exit(uobj->vmobjlock);
	/* After clearing, the next write sets it again (no TLB shortcut). */
	assert_int_equal(uvm_access(vm, va + 8, 8, VM_PROT_WRITE), 0);
	rw_enter(uobj->vmobjlock, RW_WRITER);
	assert_true(pmap_is_modified(pg));
	rw_exit(uobj->vmobjlock);

	uvm_stats(uvm, &a);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(uvm_access(vm, va + (vaddr_t)(i % 4000), 4,
				     VM_PROT_READ | VM_PROT_WRITE),
		    0);
	uvm_stats(uvm, &b);
	assert_int_equal(D(b, a, faults), 0);
	uvmspace_free(vm);
	uao_detach(uobj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_copy_roundtrip, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_copy_efault, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_strings, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_words, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_access, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
