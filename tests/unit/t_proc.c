/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_proc.c: processes: creation and the exec layout, fork, exec, exit,
 * threads, descriptors, PaX ASLR determinism, stack growth, and failure
 * unwinding under fault injection.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_map.h"
#include "uvm_proc.h"

static struct uvm_proc *
mkproc(struct uvm *uvm, int pers, int layout, uint32_t pax)
{
	struct uvm_proc_config pc;
	struct uvm_proc *p = NULL;

	uvm_proc_config_init(uvm, &pc);
	pc.pc_personality = pers;
	pc.pc_layout = layout;
	pc.pc_pax = pax;
	assert_int_equal(uvm_proc_create(uvm, &pc, &p), 0);
	return p;
}

static struct uvm_map_entry_info
entry_at(struct uvm_proc *p, vaddr_t va)
{
	struct uvm_map_entry_info mi;
	size_t n;

	assert_int_equal(
	    uvm_map_foreach(uvmspace_map(uvm_proc_vmspace(p)), va, &mi, 1, &n),
	    0);
	assert_true(n > 0 && mi.mi_start <= va && va < mi.mi_end);
	return mi;
}

/* NetBSD: the whole stack region is reserved, the soft limit is RW. */
static void
test_layout_netbsd(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = mkproc(uvm, UVM_PERS_NETBSD, 0, 0);
	uint64_t ps = uvm_pagesize(uvm);
	vaddr_t low, top, data, brk, vmin, vmax;
	struct uvm_rlimit rl;
	struct uvm_map_entry_info mi;

	uvm_proc_layout(p, &low, &top, &data, &brk);
	uvm_map_bounds(uvmspace_map(uvm_proc_vmspace(p)), &vmin, &vmax);
	assert_int_equal(vmin, ps); /* user VA 0 disabled */
	assert_int_equal(top, vmax);
	assert_int_equal(uvm_proc_getrlimit(p, UVM_RLIMIT_STACK, &rl), 0);
	assert_int_equal(top - low, rl.rlim_max);
	assert_int_equal(data, brk);
	mi = entry_at(p, top - ps);
	assert_int_equal(mi.mi_prot, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(mi.mi_end - mi.mi_start, rl.rlim_cur);
	mi = entry_at(p, low);
	assert_int_equal(mi.mi_prot, VM_PROT_NONE);
	assert_int_equal(uvm_proc_personality(p), UVM_PERS_NETBSD);
	assert_int_equal(uvm_proc_nlwps(p), 1);
	uvm_proc_exit(p);
}

/* Linux: a small stack at the top; it grows on demand to the limit. */
static void
test_layout_linux_and_grow(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = mkproc(uvm, UVM_PERS_LINUX, 0, 0);
	uint64_t ps = uvm_pagesize(uvm);
	vaddr_t top, vmin, vmax;
	struct uvm_map_entry_info mi;
	bool grown;

	uvm_proc_layout(p, NULL, &top, NULL, NULL);
	uvm_map_bounds(uvmspace_map(uvm_proc_vmspace(p)), &vmin, &vmax);
	assert_int_equal(vmin, 0);
	mi = entry_at(p, top - ps);
	assert_int_equal(mi.mi_end - mi.mi_start, 128 * 1024);
	assert_int_equal(uvm_sys_stack_grow(p, top - 64 * 1024, &grown), 0);
	assert_true(grown);
	assert_int_equal(uvm_sys_stack_grow(p, top - 1024 * 1024, &grown), 0);
	assert_true(grown);
	mi = entry_at(p, top - 1024 * 1024);
	assert_int_equal(mi.mi_end, top);
	assert_int_equal(
	    uvm_copyout(uvm_proc_vmspace(p), "x", top - 1024 * 1024, 1, NULL),
	    0);
	/* Beyond RLIMIT_STACK (8 MiB): no. */
	assert_int_equal(uvm_sys_stack_grow(p, top - (9u << 20), &grown), 0);
	assert_false(grown);
	uvm_proc_exit(p);
}

/* NetBSD uvm_grow(): accounting within the reserved region. */
static void
test_stack_grow_netbsd(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = mkproc(uvm, UVM_PERS_NETBSD, 0, 0);
	vaddr_t low, top;
	bool grown;

	uvm_proc_layout(p, &low, &top, NULL, NULL);
	assert_int_equal(uvm_sys_stack_grow(p, top - 100, &grown), 0);
	assert_true(grown);
	assert_int_equal(uvm_sys_stack_grow(p, top - (1u << 20), &grown), 0);
	assert_true(grown);
	assert_int_equal(uvm_proc_vmspace(p)->vm_ssize, 256);
	assert_int_equal(uvm_sys_stack_grow(p, top - (5u << 20), &grown), 0);
	assert_false(grown); /* beyond the 4 MiB soft limit */
	assert_int_equal(uvm_sys_stack_grow(p, low - 1, &grown), 0);
	assert_false(grown); /* not the stack */
	uvm_proc_exit(p);
}

/* Fork copies limits, PaX, personality, descriptors; SHAREVM shares. */
static void
test_fork(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = mkproc(uvm, UVM_PERS_LINUX, 0, UVM_PAX_MPROTECT);
	struct uvm_proc *c, *v, *bad;
	struct uvm_rlimit rl = {1u << 20, 2u << 20}, got;
	vaddr_t va = 0;
	int fd, hfd, fl;

	assert_int_equal(uvm_proc_setrlimit(p, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_proc_fd_attach(p, STDIN_FILENO, &fd), 0);
	assert_int_equal(
	    uvm_sys_mmap(p, 0, 4096, UVM_PROT_READ | UVM_PROT_WRITE,
		UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va),
	    0);
	assert_int_equal(uvm_proc_fork(p, 0, &c), 0);
	assert_true(uvm_proc_pid(c) != uvm_proc_pid(p));
	assert_int_equal(uvm_proc_personality(c), UVM_PERS_LINUX);
	assert_int_equal(uvm_proc_pax(c), UVM_PAX_MPROTECT);
	assert_int_equal(uvm_proc_getrlimit(c, UVM_RLIMIT_MEMLOCK, &got), 0);
	assert_int_equal(got.rlim_cur, rl.rlim_cur);
	assert_int_equal(uvm_proc_fd_get(c, fd, &hfd, &fl), 0);
	assert_true(uvm_proc_vmspace(c) != uvm_proc_vmspace(p));
	assert_int_equal(uvm_proc_fork(p, UVM_FORK_SHAREVM, &v), 0);
	assert_ptr_equal(uvm_proc_vmspace(v), uvm_proc_vmspace(p));
	assert_int_equal(uvm_proc_fork(p, 0x80, &bad), EINVAL);
	assert_null(bad);
	uvm_proc_exit(c);
	assert_int_equal(uvm_proc_fd_close(p, fd), 0);
	assert_int_equal(uvm_proc_fd_close(p, fd), EBADF);
	uvm_proc_exit(p);
	/* v still holds the shared space: it goes last. */
	uvm_proc_exit(v);
}

/* Exec: a fresh space; the layout may change to bottom-up. */
static void
test_exec(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = mkproc(uvm, UVM_PERS_NETBSD, 0, 0);
	vaddr_t va = 0, data;
	size_t n;
	vsize_t sz;

	assert_int_equal(uvm_sys_mmap(p, 0, 8192, UVM_PROT_READ,
			     UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va),
	    0);
	assert_int_equal(uvm_proc_exec(p, UVM_LAYOUT_BOTTOMUP), 0);
	uvm_map_stat(uvmspace_map(uvm_proc_vmspace(p)), &n, &sz);
	assert_int_equal(n, 2); /* the stack's two parts */
	uvm_proc_layout(p, NULL, NULL, &data, NULL);
	assert_int_equal(uvm_sys_mmap(p, 0, 8192, UVM_PROT_READ,
			     UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va),
	    0);
	assert_true(va >= data + (8ull << 30)); /* above the largest heap */
	assert_int_equal(uvm_proc_exec(p, 7), EINVAL);
	uvm_proc_exit(p);
}

/* Threads come and go; the last one cannot leave by itself. */
static void
test_lwps(void **state)
{
	struct uvm_proc *p = mkproc(TH_UVM(state), UVM_PERS_NETBSD, 0, 0);
	struct uvm_lwp *l[4];
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(uvm_lwp_create(p, &l[i]), 0);
	assert_int_equal(uvm_proc_nlwps(p), 5);
	for (i = 0; i < 4; i++)
		assert_int_equal(uvm_lwp_exit(l[i]), 0);
	assert_int_equal(uvm_proc_nlwps(p), 1);
	uvm_proc_sanity(p);
	uvm_proc_exit(p);
}

/* ASLR: the same seed gives the same addresses, another seed others. */
static vaddr_t
aslr_addr(uint64_t seed, int pers)
{
	struct uvm_config cfg;
	struct uvm *uvm;
	struct uvm_proc *p;
	vaddr_t va = 0;

	th_config(&cfg);
	cfg.uc_seed = seed;
	cfg.uc_aslr = 1;
	uvm = th_create(&cfg);
	p = mkproc(uvm, pers, 0, UVM_PAX_ASLR);
	assert_int_equal(uvm_sys_mmap(p, 0, 4096, UVM_PROT_READ,
			     UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va),
	    0);
	uvm_proc_exit(p);
	uvm_destroy(uvm);
	return va;
}

static void
test_aslr_deterministic(void **state)
{
	int pers;

	(void)state;
	for (pers = UVM_PERS_NETBSD; pers <= UVM_PERS_LINUX; pers++) {
		vaddr_t a = aslr_addr(11, pers), b = aslr_addr(11, pers);
		vaddr_t c = aslr_addr(12, pers);

		assert_int_equal(a, b);
		assert_true(a != c);
	}
}

/* Bad configurations. */
static void
test_create_einval(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc_config pc;
	struct uvm_proc *p;

	uvm_proc_config_init(uvm, &pc);
	pc.pc_personality = 9;
	assert_int_equal(uvm_proc_create(uvm, &pc, &p), EINVAL);
	uvm_proc_config_init(uvm, &pc);
	pc.pc_limits[UVM_RLIMIT_AS].rlim_cur = 5;
	pc.pc_limits[UVM_RLIMIT_AS].rlim_max = 4;
	assert_int_equal(uvm_proc_create(uvm, &pc, &p), EINVAL);
	uvm_proc_config_init(uvm, &pc);
	pc.pc_pax = 0x100;
	assert_int_equal(uvm_proc_create(uvm, &pc, &p), EINVAL);
	p = mkproc(uvm, UVM_PERS_NETBSD, 0, 0);
	assert_int_equal(uvm_proc_set_pax(p, 0x100), EINVAL);
	uvm_proc_exit(p);
}

/* Fault injection: every failure of create/fork/exec unwinds. */
static void
test_fi_sweep(void **state)
{
	struct th_fixture *tf = *state;
	struct uvm *uvm = tf->tf_uvm;
	static const enum kfi_site sites[] = {
	    KFI_POOL, KFI_MAPENT, KFI_AMAP, KFI_PAGE};
	struct uvm_proc *p, *c;
	vaddr_t va;
	size_t s;
	int64_t k;
	int e;

	for (s = 0; s < __arraycount(sites); s++) {
		for (k = 1; k < 12; k++) {
			kfi_arm(&uvm->u_fi, sites[s], k, 0);
			e = uvm_proc_create(uvm, NULL, &p);
			if (e == 0) {
				va = 0;
				(void)uvm_sys_mmap(p, 0, 4096,
				    UVM_PROT_READ | UVM_PROT_WRITE,
				    UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va);
				if (va != 0)
					(void)uvm_copyout(uvm_proc_vmspace(p),
					    "x", va, 1, NULL);
				if (uvm_proc_fork(p, 0, &c) == 0)
					uvm_proc_exit(c);
				(void)uvm_proc_exec(p, 0);
				uvm_proc_exit(p);
			} else {
				assert_int_equal(e, ENOMEM);
			}
			kfi_disarm_all(&uvm->u_fi);
			th_check(tf);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_layout_netbsd, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_layout_linux_and_grow, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_stack_grow_netbsd, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_fork, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_exec, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_lwps, th_setup, th_teardown),
	    cmocka_unit_test(test_aslr_deterministic),
	    cmocka_unit_test_setup_teardown(
		test_create_einval, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_fi_sweep, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
