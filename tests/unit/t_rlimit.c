/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_rlimit.c: resource limits in both personalities: RLIMIT_AS against
 * every mapping, RLIMIT_MEMLOCK against wiring, RLIMIT_DATA against the
 * break, each at and over the limit; setrlimit's rules.
 */
#include <errno.h>

#include "t_harness.h"
#include "uvm_map.h"
#include "uvm_proc.h"

#define RW (UVM_PROT_READ | UVM_PROT_WRITE)
#define AP (UVM_MAP_ANON | UVM_MAP_PRIVATE)

static vsize_t
mapsize(struct uvm_proc *p)
{
	size_t n;
	vsize_t sz;

	uvm_map_stat(uvmspace_map(uvm_proc_vmspace(p)), &n, &sz);
	return sz;
}

static void
setlim(struct uvm_proc *p, int which, uint64_t cur)
{
	struct uvm_rlimit rl;

	assert_int_equal(uvm_proc_getrlimit(p, which, &rl), 0);
	rl.rlim_cur = cur;
	assert_int_equal(uvm_proc_setrlimit(p, which, &rl), 0);
}

/* RLIMIT_AS: mmap at the limit succeeds, one page more is ENOMEM. */
static void
test_as(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = uvm_pagesize(uvm);
	int pers;

	for (pers = UVM_PERS_NETBSD; pers <= UVM_PERS_LINUX; pers++) {
		struct uvm_proc *p = th_proc(uvm, pers);
		vaddr_t va = 0, r;

		setlim(p, UVM_RLIMIT_AS, mapsize(p) + 4 * ps);
		assert_int_equal(
		    uvm_sys_mmap(p, 0, 5 * ps, RW, AP, -1, 0, &va), ENOMEM);
		assert_int_equal(
		    uvm_sys_mmap(p, 0, 4 * ps, RW, AP, -1, 0, &va), 0);
		assert_int_equal(
		    uvm_sys_mmap(p, 0, ps, RW, AP, -1, 0, &r), ENOMEM);
		/* MAP_FIXED over a used range: Linux does not count what it
     * replaces, NetBSD does. */
		assert_int_equal(
		    uvm_sys_mmap(p, va, ps, RW, AP | UVM_MAP_FIXED, -1, 0, &r),
		    pers == UVM_PERS_LINUX ? 0 : ENOMEM);
		/* Growth by break and mremap is counted as well. */
		assert_int_equal(uvm_sys_munmap(p, va, ps), 0);
		if (pers == UVM_PERS_LINUX) {
			assert_int_equal(
			    uvm_sys_mremap_linux(p, va + ps, 3 * ps, 5 * ps,
				UVM_MREMAP_MAYMOVE, 0, &r),
			    ENOMEM);
		} else {
			assert_int_equal(uvm_sys_mremap_netbsd(p, va + ps,
					     3 * ps, 0, 5 * ps, 0, &r),
			    ENOMEM);
		}
		uvm_proc_exit(p);
	}
}

/* RLIMIT_MEMLOCK: NetBSD EAGAIN, Linux ENOMEM (EPERM at 0). */
static void
test_memlock(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = uvm_pagesize(uvm);
	int pers;

	for (pers = UVM_PERS_NETBSD; pers <= UVM_PERS_LINUX; pers++) {
		struct uvm_proc *p = th_proc(uvm, pers);
		vaddr_t va = 0;
		int over = pers == UVM_PERS_LINUX ? ENOMEM : EAGAIN;

		assert_int_equal(
		    uvm_sys_mmap(p, 0, 8 * ps, RW, AP, -1, 0, &va), 0);
		setlim(p, UVM_RLIMIT_MEMLOCK, 4 * ps);
		assert_int_equal(uvm_sys_mlock(p, va, 5 * ps), over);
		assert_int_equal(uvm_sys_mlock(p, va, 4 * ps), 0);
		assert_int_equal(uvm_sys_mlock(p, va + 4 * ps, ps), over);
		assert_int_equal(uvm_sys_munlock(p, va, 4 * ps), 0);
		/* MAP_WIRED (NetBSD) and MAP_LOCKED (Linux) over the limit. */
		if (pers == UVM_PERS_NETBSD)
			assert_int_equal(uvm_sys_mmap(p, 0, 5 * ps, RW,
					     AP | UVM_MAP_WIRED, -1, 0, &va),
			    ENOMEM);
		else
			assert_int_equal(uvm_sys_mmap(p, 0, 5 * ps, RW,
					     AP | UVM_MAP_LOCKED, -1, 0, &va),
			    EAGAIN);
		setlim(p, UVM_RLIMIT_MEMLOCK, 0);
		assert_int_equal(uvm_sys_mlock(p, va, ps),
		    pers == UVM_PERS_LINUX ? EPERM : EAGAIN);
		uvm_proc_exit(p);
	}
}

/* RLIMIT_DATA and the break. */
static void
test_data_break(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = uvm_pagesize(uvm);
	struct uvm_proc *p = th_proc(uvm, UVM_PERS_NETBSD);
	vaddr_t data, brk, r;

	uvm_proc_layout(p, NULL, NULL, &data, &brk);
	setlim(p, UVM_RLIMIT_DATA, 4 * ps);
	assert_int_equal(uvm_sys_obreak(p, data + 4 * ps, &r), 0);
	assert_int_equal(
	    uvm_copyout(uvm_proc_vmspace(p), "z", data + 4 * ps - 1, 1, NULL),
	    0);
	assert_int_equal(uvm_sys_obreak(p, data + 4 * ps + 1, &r), ENOMEM);
	assert_int_equal(uvm_sys_obreak(p, 0, &r), ENOMEM);
	assert_int_equal(uvm_sys_obreak(p, data + ps, &r), 0);
	uvm_proc_layout(p, NULL, NULL, NULL, &brk);
	assert_int_equal(brk, data + ps);
	assert_int_equal(
	    uvm_copyout(uvm_proc_vmspace(p), "z", data + ps, 1, NULL), EFAULT);
	uvm_proc_exit(p);

	/* Linux: brk(2) reports the break; failure leaves it. */
	p = th_proc(uvm, UVM_PERS_LINUX);
	uvm_proc_layout(p, NULL, NULL, &data, &brk);
	setlim(p, UVM_RLIMIT_DATA, 4 * ps);
	assert_int_equal(uvm_sys_obreak(p, data + 4 * ps, &r), 0);
	assert_int_equal(r, data + 4 * ps);
	assert_int_equal(uvm_sys_obreak(p, data + 4 * ps + 1, &r), 0);
	assert_int_equal(r, data + 4 * ps);
	assert_int_equal(uvm_sys_obreak(p, data - 1, &r), 0);
	assert_int_equal(r, data + 4 * ps);
	assert_int_equal(uvm_sys_obreak(p, data + 10, &r), 0);
	assert_int_equal(r, data + 10);
	assert_int_equal(
	    uvm_copyout(uvm_proc_vmspace(p), "z", data + 5, 1, NULL), 0);
	assert_int_equal(
	    uvm_copyout(uvm_proc_vmspace(p), "z", data + ps, 1, NULL), EFAULT);
	uvm_proc_exit(p);
}

/* setrlimit rules. */
static void
test_setrlimit_rules(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = uvm_pagesize(uvm);
	int pers;

	for (pers = UVM_PERS_NETBSD; pers <= UVM_PERS_LINUX; pers++) {
		struct uvm_proc *p = th_proc(uvm, pers);
		struct uvm_rlimit rl = {10, 5}, got;

		assert_int_equal(
		    uvm_proc_setrlimit(p, UVM_RLIMIT_AS, &rl), EINVAL);
		assert_int_equal(uvm_proc_setrlimit(p, 9, &rl), EINVAL);
		assert_int_equal(uvm_proc_getrlimit(p, -1, &got), EINVAL);
		rl = (struct uvm_rlimit){1u << 20, 1u << 20};
		assert_int_equal(uvm_proc_setrlimit(p, UVM_RLIMIT_AS, &rl), 0);
		rl.rlim_max = 2u << 20;
		assert_int_equal(
		    uvm_proc_setrlimit(p, UVM_RLIMIT_AS, &rl), EPERM);
		uvm_proc_set_privileged(p, true);
		assert_int_equal(uvm_proc_setrlimit(p, UVM_RLIMIT_AS, &rl), 0);
		rl = (struct uvm_rlimit){UVM_RLIM_INFINITY, UVM_RLIM_INFINITY};
		assert_int_equal(
		    uvm_proc_setrlimit(p, UVM_RLIMIT_DATA, &rl), 0);
		assert_int_equal(
		    uvm_proc_getrlimit(p, UVM_RLIMIT_DATA, &got), 0);
		if (pers == UVM_PERS_NETBSD)
			assert_int_equal(
			    got.rlim_max, 8ull << 30); /* MAXDSIZ */
		else
			assert_int_equal(got.rlim_max, UVM_RLIM_INFINITY);
		uvm_proc_exit(p);
	}
	(void)ps;
}

/* NetBSD: the stack soft limit moves the accessible boundary. */
static void
test_stack_limit_netbsd(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	uint64_t ps = uvm_pagesize(uvm);
	struct uvm_proc *p = th_proc(uvm, UVM_PERS_NETBSD);
	struct vmspace *vm = uvm_proc_vmspace(p);
	vaddr_t top;

	uvm_proc_layout(p, NULL, &top, NULL, NULL);
	assert_int_equal(uvm_copyout(vm, "s", top - (4u << 20), 1, NULL), 0);
	assert_int_equal(
	    uvm_access(vm, top - (4u << 20) - 1, 1, VM_PROT_WRITE), EACCES);
	setlim(p, UVM_RLIMIT_STACK, 8u << 20);
	assert_int_equal(uvm_copyout(vm, "s", top - (8u << 20), 1, NULL), 0);
	setlim(p, UVM_RLIMIT_STACK, 2u << 20);
	assert_int_equal(
	    uvm_access(vm, top - (2u << 20) - 1, 1, VM_PROT_WRITE), EACCES);
	assert_int_equal(uvm_copyout(vm, "s", top - ps, 1, NULL), 0);
	/* Below the stack in use: EINVAL. */
	vm->vm_ssize = 1024;
	{
		struct uvm_rlimit rl;

		assert_int_equal(
		    uvm_proc_getrlimit(p, UVM_RLIMIT_STACK, &rl), 0);
		rl.rlim_cur = ps;
		assert_int_equal(
		    uvm_proc_setrlimit(p, UVM_RLIMIT_STACK, &rl), EINVAL);
	}
	uvm_proc_exit(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_as, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_memlock, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_data_break, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_setrlimit_rules, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_stack_limit_netbsd, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
