/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_mmap_netbsd.c: the rows of ../shared/spec/mmap-semantics.md in the
 * NetBSD personality, one test per row (test_rowNN).  Rows 55-59 (file
 * coherence) need the vnode pager and are not here; what file mappings
 * do today (the checks, then ENODEV) is tested in rows 5, 13 and 14.
 */
#include <pthread.h>
#include <sys/stat.h>

#include "t_mmap_common.h"

static int
setup(void **state)
{
	return tm_setup_pers(state, UVM_PERS_NETBSD, 0, false);
}

static int
setup_pax(void **state)
{
	return tm_setup_pers(state, UVM_PERS_NETBSD, UVM_PAX_MPROTECT, false);
}

static int
teardown(void **state)
{
	return tm_teardown(state);
}

/* 1: len 0: anonymous succeeds and maps nothing; a file is EINVAL. */
static void
test_row01(void **state)
{
	vsize_t before = tm_mapsize(P);
	vaddr_t va = 0;
	int fd = tm_file(state, O_RDWR);

	assert_int_equal(tm_mmap(P, 0, 0, TM_RW, TM_AP, -1, 0, &va), 0);
	assert_int_equal(tm_mapsize(P), before);
	assert_int_equal(
	    tm_mmap(P, 0, 0, UVM_PROT_READ, UVM_MAP_PRIVATE, fd, 0, NULL),
	    EINVAL);
}

/* 2: neither SHARED nor PRIVATE: anonymous is private, a file defaults. */
static void
test_row02(void **state)
{
	vaddr_t va = 0;
	struct uvm_map_entry_info mi;
	int fd = tm_file(state, O_RDONLY);

	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, UVM_MAP_ANON, -1, 0, &va), 0);
	mi = tm_entry(P, va);
	assert_true((mi.mi_flags & UVM_MI_COW) != 0);
	assert_int_equal(mi.mi_inherit, UVM_INH_COPY);
	/* The file is accepted (defaulted to PRIVATE): no EINVAL. */
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, 0, fd, 0, NULL), ENODEV);
	/* /dev/zero with neither: anonymous memory. */
	fd = tm_attach(P, open("/dev/zero", O_RDWR));
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, 0, fd, 0, &va), 0);
	assert_int_equal(tm_wr(P, va, 7), 0);
	assert_int_equal(tm_get(P, va), 7);
}

/* 3: SHARED|PRIVATE is EINVAL, checked first (before the descriptor). */
static void
test_row03(void **state)
{
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW,
		UVM_MAP_ANON | UVM_MAP_SHARED | UVM_MAP_PRIVATE, -1, 0, NULL),
	    EINVAL);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW,
			     UVM_MAP_SHARED | UVM_MAP_PRIVATE, 99, 0, NULL),
	    EINVAL);
}

/* 4: MAP_ANON with fd != -1 is EINVAL. */
static void
test_row04(void **state)
{
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, 0, 0, NULL), EINVAL);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, 5, 0, NULL), EINVAL);
}

/* 5: the order of the checks. */
static void
test_row05(void **state)
{
	vaddr_t vmin, vmax;
	int rfd = tm_file(state, O_RDONLY);
	int pfd[2];
	struct uvm_rlimit rl = {0, UVM_RLIM_INFINITY};

	tm_bounds(P, &vmin, &vmax);
	/* SHARED|PRIVATE before file len 0 and the descriptor. */
	assert_int_equal(tm_mmap(P, 0, 0, TM_RW,
			     UVM_MAP_SHARED | UVM_MAP_PRIVATE, 77, 0, NULL),
	    EINVAL);
	/* File len 0 before the descriptor. */
	assert_int_equal(
	    tm_mmap(P, 0, 0, TM_RW, UVM_MAP_PRIVATE, 77, 0, NULL), EINVAL);
	/* Length overflow (ENOMEM) before the descriptor. */
	assert_int_equal(
	    tm_mmap(P, 0, UINT64_MAX, TM_RW, UVM_MAP_PRIVATE, 77, 0, NULL),
	    ENOMEM);
	/* MAP_FIXED alignment and range before the descriptor. */
	assert_int_equal(tm_mmap(P, vmin + 1, PS, TM_RW,
			     UVM_MAP_PRIVATE | UVM_MAP_FIXED, 77, 0, NULL),
	    EINVAL);
	assert_int_equal(tm_mmap(P, vmax, PS, TM_RW,
			     UVM_MAP_PRIVATE | UVM_MAP_FIXED, 77, 0, NULL),
	    EFBIG);
	/* Then the descriptor: EBADF, then ENODEV (no fo_mmap). */
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW, UVM_MAP_PRIVATE, 77, 0, NULL), EBADF);
	assert_int_equal(pipe(pfd), 0);
	close(pfd[1]);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, UVM_MAP_PRIVATE,
			     tm_attach(P, pfd[0]), 0, NULL),
	    ENODEV);
	/* vn_mmap() after the descriptor: negative offset EINVAL. */
	assert_int_equal(tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_PRIVATE, rfd,
			     -(int64_t)PS, NULL),
	    EINVAL);
	/* RLIMIT_AS comes last: anonymous fd != -1 and W^X win over it. */
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_AS, &rl), 0);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, 3, 0, NULL), EINVAL);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, -1, 0, NULL), ENOMEM);
	assert_int_equal(uvm_proc_set_pax(P, UVM_PAX_MPROTECT), 0);
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW | UVM_PROT_EXEC, TM_AP, -1, 0, NULL),
	    EACCES);
}

/* 6: an unaligned offset is accepted; MAP_FIXED needs congruence. */
static void
test_row06(void **state)
{
	vaddr_t va = 0, fixed;

	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, -1, 100, &va), 0);
	assert_int_equal(va % PS, 100);
	assert_int_equal(tm_wr(P, va - 100, 1), 0);
	assert_int_equal(tm_wr(P, va - 100 + PS, 1), 0); /* two pages */
	fixed = va - 100 + 64 * PS;
	assert_int_equal(tm_mmap(P, fixed + 100, PS, TM_RW,
			     TM_AP | UVM_MAP_FIXED, -1, 100, &va),
	    0);
	assert_int_equal(va, fixed + 100);
	assert_int_equal(tm_mmap(P, fixed + 50, PS, TM_RW,
			     TM_AP | UVM_MAP_FIXED, -1, 100, &va),
	    EINVAL);
}

/* 7: MAP_FIXED with an unaligned address is EINVAL. */
static void
test_row07(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(tm_fixed(P, va + 1, PS, TM_RW), EINVAL);
}

/* 8: a hint is rounded; an occupied one is not replaced; retry. */
static void
test_row08(void **state)
{
	vaddr_t va = tm_anon(P, 4 * PS, TM_RW), r = 0, vmin, vmax;

	assert_int_equal(tm_wr(P, va, 42), 0);
	assert_int_equal(uvm_sys_munmap(P, va + 2 * PS, 2 * PS), 0);
	assert_int_equal(
	    tm_mmap(P, va + 2 * PS - 5, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_int_equal(r % PS, 0);
	/* Occupied hint: elsewhere, the data stays. */
	assert_int_equal(tm_mmap(P, va, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_true(r != va);
	assert_int_equal(tm_get(P, va), 42);
	/* A hint that cannot be satisfied (occupied, and no room below it,
   * top-down) is retried at the default address (2022). */
	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(tm_fixed(P, vmin, 16 * PS, TM_RW), 0);
	assert_int_equal(
	    tm_mmap(P, vmin + 4 * PS, 8 * PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_true(r >= vmin + 16 * PS);
}

/* 9: MAP_FIXED outside user space: EINVAL, EFBIG, EOVERFLOW. */
static void
test_row09(void **state)
{
	vaddr_t vmin, vmax;

	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(tm_fixed(P, 0, PS, TM_RW), EINVAL); /* below min */
	assert_int_equal(tm_fixed(P, vmax - PS, 2 * PS, TM_RW), EFBIG);
	assert_int_equal(
	    tm_fixed(P, UINT64_MAX - PS + 1, 2 * PS, TM_RW), EOVERFLOW);
}

/* 10: size + page offset overflow ENOMEM; file offset wrap EOVERFLOW;
 * negative file offset EINVAL. */
static void
test_row10(void **state)
{
	int fd = tm_file(state, O_RDONLY);

	assert_int_equal(
	    tm_mmap(P, 0, UINT64_MAX, TM_RW, TM_AP, -1, 0, NULL), ENOMEM);
	assert_int_equal(
	    tm_mmap(P, 0, UINT64_MAX - PS, TM_RW, TM_AP, -1, 5, NULL), ENOMEM);
	assert_int_equal(tm_mmap(P, 0, 2 * PS, UVM_PROT_READ, UVM_MAP_PRIVATE,
			     fd, INT64_MAX - (int64_t)PS + 1, NULL),
	    EOVERFLOW);
	assert_int_equal(tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_PRIVATE, fd,
			     -4 * (int64_t)PS, NULL),
	    EINVAL);
}

/* 11: MAP_FIXED replaces; nothing leaks (the fixture checks accounting). */
static void
test_row11(void **state)
{
	vaddr_t va = tm_anon(P, 4 * PS, TM_RW);
	vsize_t before;
	int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(tm_wr(P, va + i * PS, 9), 0);
	before = tm_mapsize(P);
	assert_int_equal(tm_fixed(P, va + PS, 2 * PS, TM_RW), 0);
	assert_int_equal(tm_mapsize(P), before);
	assert_int_equal(tm_get(P, va), 9);
	assert_int_equal(tm_get(P, va + PS), 0);
	assert_int_equal(tm_get(P, va + 2 * PS), 0);
	assert_int_equal(tm_get(P, va + 3 * PS), 9);
	assert_int_equal(uvm_sys_munmap(P, va, 4 * PS), 0);
}

/* 12: never at 0 unless MAP_FIXED; MAP_FIXED at 0 refused while VA 0 is
 * disabled, allowed once it is enabled (for new address spaces). */
static void
test_row12(void **state)
{
	vaddr_t r = 1;
	struct uvm_proc *p2;

	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_true(r != 0);
	assert_int_equal(tm_fixed(P, 0, PS, TM_RW), EINVAL);
	uvm_sysctl_user_va0_disable(UVMM, false);
	assert_int_equal(uvm_proc_create(UVMM, NULL, &p2), 0);
	assert_int_equal(tm_fixed(p2, 0, PS, TM_RW), 0);
	assert_int_equal(tm_wr(p2, 0, 1), 0);
	uvm_proc_exit(p2);
	uvm_sysctl_user_va0_disable(UVMM, true);
}

/* 13: descriptor access checks. */
static void
test_row13(void **state)
{
	int ro = tm_file(state, O_RDONLY), wo = tm_file(state, O_WRONLY);

	/* PROT_READ needs FREAD. */
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_PRIVATE, wo, 0, NULL),
	    EACCES);
	/* SHARED + PROT_WRITE needs FWRITE. */
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_WRITE, UVM_MAP_SHARED, ro, 0, NULL),
	    EACCES);
	/* PRIVATE + PROT_WRITE on a write-only descriptor passes the
   * checks (READ not requested): the file itself is unmappable. */
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_WRITE, UVM_MAP_PRIVATE, wo, 0, NULL),
	    ENODEV);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_SHARED, ro, 0, NULL),
	    ENODEV);
}

/* 14: descriptor kinds. */
static void
test_row14(void **state)
{
	int pfd[2], zfd, dfd;
	vaddr_t va = 0;

	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_SHARED,
			     tm_attach(P, pfd[0]), 0, NULL),
	    ENODEV);
	assert_int_equal(tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_SHARED,
			     tm_attach(P, pfd[1]), 0, NULL),
	    ENODEV);
	dfd = tm_attach(P, open(th_tmpdir(), O_RDONLY | O_DIRECTORY));
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_SHARED, dfd, 0, NULL),
	    ENODEV);
	/* /dev/zero: anonymous memory with maximum protection ALL. */
	zfd = tm_attach(P, open("/dev/zero", O_RDONLY));
	assert_int_equal(
	    tm_mmap(P, 0, 2 * PS, UVM_PROT_READ, UVM_MAP_PRIVATE, zfd, 0, &va),
	    0);
	assert_int_equal(tm_entry(P, va).mi_maxprot, VM_PROT_ALL);
	assert_int_equal(tm_get(P, va), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, TM_RW), 0);
	assert_int_equal(tm_wr(P, va, 3), 0);
}

/* 15: PROT_MPROTECT asks for a maximum; mprotect above it is EACCES. */
static void
test_row15(void **state)
{
	vaddr_t va = 0;

	assert_int_equal(uvm_proc_set_pax(P, UVM_PAX_MPROTECT), 0);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, TM_AP, -1, 0, &va), 0);
	assert_int_equal(tm_entry(P, va).mi_maxprot, VM_PROT_READ);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, TM_RW), EACCES);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ | UVM_PROT_MPROTECT(UVM_PROT_WRITE),
		TM_AP, -1, 0, &va),
	    0);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(
	    tm_entry(P, va).mi_maxprot, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, TM_RW), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, UVM_PROT_EXEC), EACCES);
}

/* 16: munmap of length 0 is 0. */
static void
test_row16(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va, 0), 0);
	assert_true(tm_mapped_p(P, va));
}

/* 17: munmap of an unaligned address rounds down and extends. */
static void
test_row17(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + 10, PS), 0);
	assert_false(tm_mapped_p(P, va) && tm_entry(P, va).mi_start == va);
	assert_false(tm_mapped_p(P, va + PS) &&
	    tm_entry(P, va + PS).mi_start <= va + PS);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_start, va + 2 * PS);
}

/* 18: munmap of a range with nothing mapped is 0. */
static void
test_row18(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va, PS), 0);
	assert_int_equal(uvm_sys_munmap(P, va, PS), 0);
}

/* 19: munmap outside user space is EINVAL. */
static void
test_row19(void **state)
{
	vaddr_t vmin, vmax;

	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(uvm_sys_munmap(P, vmax, PS), EINVAL);
	assert_int_equal(uvm_sys_munmap(P, 0, PS), EINVAL); /* below min */
	assert_int_equal(
	    uvm_sys_munmap(P, UINT64_MAX - PS + 1, 2 * PS), EINVAL);
}

/* 20: munmap removes locks; munlock of the range then fails (ENOMEM). */
static void
test_row20(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va, 2 * PS), 0);
	assert_int_equal(tm_entry(P, va).mi_wired, 1);
	assert_int_equal(uvm_sys_munmap(P, va, 2 * PS), 0);
	assert_int_equal(uvm_sys_munlock(P, va, 2 * PS), ENOMEM);
}

/* 21: mprotect skips holes and returns 0. */
static void
test_row21(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, 3 * PS, UVM_PROT_READ), 0);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_prot, VM_PROT_READ);
	/* A range with nothing at all is 0 too. */
	assert_int_equal(uvm_sys_mprotect(P, va + PS, PS, UVM_PROT_READ), 0);
}

/* 22: mprotect rounds an unaligned address. */
static void
test_row22(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_mprotect(P, va + 7, 1, UVM_PROT_READ), 0);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(
	    tm_entry(P, va + PS).mi_prot, VM_PROT_READ | VM_PROT_WRITE);
}

/* 23: mprotect out of range is EINVAL. */
static void
test_row23(void **state)
{
	assert_int_equal(
	    uvm_sys_mprotect(P, UINT64_MAX, PS, UVM_PROT_READ), EINVAL);
	assert_int_equal(uvm_sys_mprotect(P, 0, PS, UVM_PROT_READ), EINVAL);
}

/* 24: mprotect above the maximum is EACCES, and changes nothing
 * (PaX MPROTECT makes the maximum what mmap asked for). */
static void
test_row24(void **state)
{
	vaddr_t va = 0;

	assert_int_equal(
	    tm_mmap(P, 0, 2 * PS, UVM_PROT_READ, TM_AP, -1, 0, &va), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, 2 * PS, TM_RW), EACCES);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, UVM_PROT_NONE), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, UVM_PROT_READ), 0);
}

/* 25: PROT_NONE refuses every access; WRITE and EXEC imply READ. */
static void
test_row25(void **state)
{
	vaddr_t n = tm_anon(P, PS, UVM_PROT_NONE);
	vaddr_t w = tm_anon(P, PS, UVM_PROT_WRITE);
	vaddr_t x = tm_anon(P, PS, UVM_PROT_EXEC);

	assert_int_equal(tm_acc(P, n, VM_PROT_READ), EACCES);
	assert_int_equal(tm_acc(P, n, VM_PROT_WRITE), EACCES);
	assert_int_equal(tm_acc(P, n, VM_PROT_EXECUTE), EACCES);
	assert_int_equal(tm_acc(P, w, VM_PROT_WRITE), 0);
	assert_int_equal(tm_acc(P, w, VM_PROT_READ), 0);
	assert_int_equal(tm_acc(P, x, VM_PROT_READ), 0);
	assert_int_equal(tm_acc(P, x, VM_PROT_WRITE), EACCES);
}

/* 26: minherit values, holes, and what the child sees. */
static void
test_row26(void **state)
{
	vaddr_t a = tm_anon(P, PS, TM_RW), b = tm_anon(P, PS, TM_RW);
	vaddr_t c = tm_anon(P, PS, TM_RW), h = tm_anon(P, 3 * PS, TM_RW);
	struct uvm_proc *ch;

	assert_int_equal(
	    uvm_sys_minherit(P, a, PS, UVM_MINHERIT_DONATE_COPY), EINVAL);
	assert_int_equal(uvm_sys_minherit(P, a, PS, 5), EINVAL);
	assert_int_equal(uvm_sys_minherit(P, a, PS, -1), EINVAL);
	assert_int_equal(uvm_sys_munmap(P, h + PS, PS), 0);
	assert_int_equal(uvm_sys_minherit(P, h, 3 * PS, UVM_MINHERIT_SHARE), 0);
	assert_int_equal(tm_wr(P, a, 1), 0);
	assert_int_equal(tm_wr(P, b, 2), 0);
	assert_int_equal(tm_wr(P, c, 3), 0);
	assert_int_equal(uvm_sys_minherit(P, a, PS, UVM_MINHERIT_NONE), 0);
	assert_int_equal(uvm_sys_minherit(P, b, PS, UVM_MINHERIT_ZERO), 0);
	assert_int_equal(uvm_sys_minherit(P, c, PS, UVM_MINHERIT_SHARE), 0);
	assert_int_equal(uvm_proc_fork(P, 0, &ch), 0);
	assert_false(tm_mapped_p(ch, a) && tm_entry(ch, a).mi_start <= a &&
	    tm_entry(ch, a).mi_end > a);
	assert_int_equal(tm_get(ch, b), 0);
	assert_int_equal(tm_get(P, b), 2);
	assert_int_equal(tm_wr(ch, c, 33), 0);
	assert_int_equal(tm_get(P, c), 33);
	uvm_proc_exit(ch);
}

/* 27: default inheritance; wiring and MCL_FUTURE not inherited. */
static void
test_row27(void **state)
{
	vaddr_t s = tm_anon_shared(P, PS, TM_RW), pr = tm_anon(P, PS, TM_RW);
	vaddr_t w = tm_anon(P, PS, TM_RW), n;
	struct uvm_proc *ch;

	assert_int_equal(tm_wr(P, s, 1), 0);
	assert_int_equal(tm_wr(P, pr, 2), 0);
	assert_int_equal(uvm_sys_mlock(P, w, PS), 0);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	assert_int_equal(uvm_proc_fork(P, 0, &ch), 0);
	assert_int_equal(tm_entry(ch, s).mi_inherit, UVM_INH_SHARE);
	assert_int_equal(tm_wr(ch, s, 11), 0);
	assert_int_equal(tm_get(P, s), 11);
	assert_int_equal(tm_wr(ch, pr, 22), 0);
	assert_int_equal(tm_get(P, pr), 2);
	assert_int_equal(tm_wr(P, pr, 3), 0);
	assert_int_equal(tm_get(ch, pr), 22);
	assert_int_equal(tm_entry(ch, w).mi_wired, 0);
	assert_false(uvm_proc_mlockall_future_p(ch));
	n = tm_anon(ch, PS, TM_RW);
	assert_int_equal(tm_entry(ch, n).mi_wired, 0);
	uvm_proc_exit(ch);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 28: madvise rounds an unaligned address. */
static void
test_row28(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_madvise(P, va + 3, 1, UVM_MADV_RANDOM), 0);
	assert_int_equal(tm_entry(P, va).mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(tm_entry(P, va + PS).mi_advice, UVM_ADV_NORMAL);
}

/* 29: holes: advice and WILLNEED ignore them, DONTNEED/FREE EFAULT. */
static void
test_row29(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_NORMAL), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_RANDOM), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_SEQUENTIAL), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_WILLNEED), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_DONTNEED), EFAULT);
	assert_int_equal(uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_FREE), EFAULT);
	assert_int_equal(
	    uvm_sys_madvise(P, va + PS, PS, UVM_MADV_DONTNEED), EFAULT);
}

/* 30: MADV_DONTNEED keeps the data, also on wired pages. */
static void
test_row30(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 5), 0);
	assert_int_equal(tm_wr(P, va + PS, 6), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 2 * PS, UVM_MADV_DONTNEED), 0);
	assert_int_equal(tm_get(P, va), 5);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_madvise(P, va + PS, PS, UVM_MADV_DONTNEED), 0);
	assert_int_equal(tm_get(P, va + PS), 6);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 31: MADV_FREE frees at once (zero next time); EBUSY on wired. */
static void
test_row31(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 5), 0);
	assert_int_equal(tm_resident(P, va), 1);
	assert_int_equal(uvm_sys_madvise(P, va, PS, UVM_MADV_FREE), 0);
	assert_int_equal(tm_resident(P, va), 0);
	assert_int_equal(tm_get(P, va), 0);
	assert_int_equal(tm_wr(P, va + PS, 6), 0);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 2 * PS, UVM_MADV_FREE), EBUSY);
	assert_int_equal(tm_get(P, va + PS), 6);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 32: unknown advice and MADV_SPACEAVAIL are EINVAL. */
static void
test_row32(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(
	    uvm_sys_madvise(P, va, PS, UVM_MADV_SPACEAVAIL), EINVAL);
	assert_int_equal(uvm_sys_madvise(P, va, PS, 99), EINVAL);
	assert_int_equal(uvm_sys_madvise(P, va, PS, -1), EINVAL);
	assert_int_equal(uvm_sys_posix_madvise(P, va, PS, 9), EINVAL);
	assert_int_equal(
	    uvm_sys_posix_madvise(P, va, PS, UVM_POSIX_MADV_SEQUENTIAL), 0);
}

/* 33: mlock rounds an unaligned address. */
static void
test_row33(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va + PS + 9, PS), 0);
	assert_int_equal(tm_entry(P, va + PS).mi_wired, 1);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_wired, 1);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
	assert_int_equal(
	    uvm_sys_munlock(P, va, 3 * PS), ENOMEM); /* va not wired */
	assert_int_equal(uvm_sys_munlock(P, va + PS, 2 * PS), 0);
}

/* 34: unmapped start ENOMEM; a hole after it EINVAL; PROT_NONE EINVAL. */
static void
test_row34(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), nn;

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), ENOMEM);
	assert_int_equal(uvm_sys_mlock(P, va, 3 * PS), EINVAL);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
	nn = tm_anon(P, PS, UVM_PROT_NONE);
	assert_int_equal(uvm_sys_mlock(P, nn, PS), EINVAL);
}

/* 35: over RLIMIT_MEMLOCK: EAGAIN, no bypass, no EPERM at 0. */
static void
test_row35(void **state)
{
	vaddr_t va = tm_anon(P, 4 * PS, TM_RW);
	struct uvm_rlimit rl = {2 * PS, 2 * PS};

	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlock(P, va, 2 * PS), 0); /* at the limit */
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), EAGAIN);
	uvm_proc_set_privileged(P, true);
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), EAGAIN);
	rl.rlim_cur = 0;
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), EAGAIN);
	assert_int_equal(uvm_sys_munlock(P, va, 2 * PS), 0);
}

/* 36: an out-of-range address is ENOMEM. */
static void
test_row36(void **state)
{
	assert_int_equal(uvm_sys_mlock(P, UINT64_MAX, PS), ENOMEM);
	assert_int_equal(uvm_sys_mlock(P, 0, PS), ENOMEM);
	assert_int_equal(uvm_sys_munlock(P, UINT64_MAX, PS), ENOMEM);
}

/* 37: nested locks: one munlock unlocks. */
static void
test_row37(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va, PS), 0);
	assert_int_equal(uvm_sys_mlock(P, va, PS), 0);
	assert_int_equal(tm_entry(P, va).mi_wired, 2);
	assert_int_equal(uvm_sys_munlock(P, va, PS), 0);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
}

/* 38: munlock of a range that is not locked is ENOMEM. */
static void
test_row38(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munlock(P, va, PS), ENOMEM);
}

/* 39: mlockall with 0 or unknown flags is EINVAL. */
static void
test_row39(void **state)
{
	assert_int_equal(uvm_sys_mlockall(P, 0), EINVAL);
	assert_int_equal(uvm_sys_mlockall(P, 8), EINVAL);
	assert_int_equal(
	    uvm_sys_mlockall(P, UVM_MCL_CURRENT_FLAG | 16), EINVAL);
}

/* 40: mlockall over the limit is ENOMEM. */
static void
test_row40(void **state)
{
	struct uvm_rlimit rl = {PS, PS};

	(void)tm_anon(P, 4 * PS, TM_RW);
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_CURRENT_FLAG), ENOMEM);
}

/* 41: MCL_FUTURE wires new mappings but PROT_NONE ones, which are wired
 * when made accessible; over the limit the mapping is removed (ENOMEM). */
static void
test_row41(void **state)
{
	vaddr_t a, n, b = 0;
	struct uvm_rlimit rl;

	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	a = tm_anon(P, PS, TM_RW);
	assert_int_equal(tm_entry(P, a).mi_wired, 1);
	assert_int_equal(tm_resident(P, a), 1);
	n = tm_anon(P, PS, UVM_PROT_NONE);
	assert_int_equal(tm_entry(P, n).mi_wired, 0);
	assert_int_equal(uvm_sys_mprotect(P, n, PS, TM_RW), 0);
	assert_int_equal(tm_entry(P, n).mi_wired, 1);
	assert_int_equal(uvm_proc_getrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	rl.rlim_cur = 3 * PS;
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	b = 0x10000000;
	assert_int_equal(
	    tm_mmap(P, b, 4 * PS, TM_RW, TM_AP | UVM_MAP_FIXED, -1, 0, NULL),
	    ENOMEM);
	assert_false(tm_mapped_p(P, b) && tm_entry(P, b).mi_start <= b);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 42: munlockall is always 0 and clears MCL_FUTURE. */
static void
test_row42(void **state)
{
	vaddr_t a;

	assert_int_equal(uvm_sys_munlockall(P), 0);
	assert_int_equal(
	    uvm_sys_mlockall(P, UVM_MCL_CURRENT_FLAG | UVM_MCL_FUTURE_FLAG), 0);
	assert_true(uvm_proc_mlockall_future_p(P));
	assert_int_equal(uvm_sys_munlockall(P), 0);
	assert_false(uvm_proc_mlockall_future_p(P));
	a = tm_anon(P, PS, TM_RW);
	assert_int_equal(tm_entry(P, a).mi_wired, 0);
}

/* 43: mincore with an unaligned address is EINVAL. */
static void
test_row43(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), vec = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mincore(P, va + 1, PS, vec), EINVAL);
}

/* 44: mincore of length 0 is EINVAL. */
static void
test_row44(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), vec = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mincore(P, va, 0, vec), EINVAL);
}

/* 45: a wrapping end is EINVAL, else ENOMEM at the first hole. */
static void
test_row45(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), vec = tm_anon(P, PS, TM_RW);
	uint8_t v[2] = {9, 9};

	assert_int_equal(uvm_sys_munmap(P, va + 2 * PS, PS), 0);
	assert_int_equal(uvm_sys_mincore(P, va, UINT64_MAX - PS, vec), EINVAL);
	assert_int_equal(tm_wr(P, va, 1), 0);
	assert_int_equal(uvm_sys_mincore(P, va, 3 * PS, vec), ENOMEM);
	/* vec was filled up to the hole. */
	assert_int_equal(uvm_copyin(uvm_proc_vmspace(P), vec, v, 2, NULL), 0);
	assert_int_equal(v[0], 1);
	assert_int_equal(v[1], 0);
}

/* 46: vec not writable is EFAULT, checked before the range. */
static void
test_row46(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), ro = tm_anon(P, PS, UVM_PROT_READ);

	assert_int_equal(uvm_sys_mincore(P, va, PS, ro), EFAULT);
	assert_int_equal(uvm_sys_munmap(P, va, PS), 0);
	assert_int_equal(uvm_sys_mincore(P, va, PS, ro), EFAULT);
	assert_int_equal(uvm_sys_mincore(P, va, PS, 0x1000), EFAULT);
}

/* 47: unmapped start or a hole is ENOMEM. */
static void
test_row47(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), vec = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_mincore(P, va + PS, PS, vec), ENOMEM);
	assert_int_equal(uvm_sys_mincore(P, va, 3 * PS, vec), ENOMEM);
}

/* 48: residency: untouched 0, touched 1, locked 1. */
static void
test_row48(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), vec = tm_anon(P, PS, TM_RW);
	uint8_t v[3];

	assert_int_equal(tm_wr(P, va + PS, 1), 0);
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), 0);
	assert_int_equal(uvm_sys_mincore(P, va, 3 * PS, vec), 0);
	assert_int_equal(uvm_copyin(uvm_proc_vmspace(P), vec, v, 3, NULL), 0);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 1);
	assert_int_equal(uvm_sys_munlock(P, va + 2 * PS, PS), 0);
}

/* 49: msync flags: 0, unknown, SYNC|ASYNC are EINVAL. */
static void
test_row49(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va, PS, 0), EINVAL);
	assert_int_equal(uvm_sys_msync(P, va, PS, 0x10), EINVAL);
	assert_int_equal(
	    uvm_sys_msync(P, va, PS, UVM_MS_SYNC | UVM_MS_ASYNC), EINVAL);
	assert_int_equal(uvm_sys_msync(P, va, PS, UVM_MS_ASYNC), 0);
	assert_int_equal(uvm_sys_msync(P, va, PS, UVM_MS_INVALIDATE), 0);
}

/* 50: msync rounds an unaligned address. */
static void
test_row50(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va + 5, 10, UVM_MS_SYNC), 0);
}

/* 51: unmapped EFAULT; outside user space ENOMEM. */
static void
test_row51(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), vmin, vmax;

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_msync(P, va + PS, PS, UVM_MS_SYNC), EFAULT);
	assert_int_equal(uvm_sys_msync(P, va, 2 * PS, UVM_MS_SYNC), EFAULT);
	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(uvm_sys_msync(P, vmax, PS, UVM_MS_SYNC), ENOMEM);
}

/* 52: length 0 syncs the entry holding addr; EINVAL when unmapped. */
static void
test_row52(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va + PS, 0, UVM_MS_SYNC), 0);
	assert_int_equal(uvm_sys_munmap(P, va, 2 * PS), 0);
	assert_int_equal(uvm_sys_msync(P, va, 0, UVM_MS_SYNC), EINVAL);
}

/* 53: MS_INVALIDATE on locked memory is EBUSY, whichever entry is. */
static void
test_row53(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_msync(P, va + PS, PS, UVM_MS_INVALIDATE), EBUSY);
	assert_int_equal(
	    uvm_sys_msync(P, va, 2 * PS, UVM_MS_INVALIDATE), EBUSY);
	assert_int_equal(uvm_sys_msync(P, va, PS, UVM_MS_INVALIDATE), 0);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 54: MS_INVALIDATE keeps private modifications. */
static void
test_row54(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 77), 0);
	assert_int_equal(
	    uvm_sys_msync(P, va, PS, UVM_MS_SYNC | UVM_MS_INVALIDATE), 0);
	assert_int_equal(tm_get(P, va), 77);
}

/* 60: an unmapped address faults EFAULT, a protection one EACCES. */
static void
test_row60(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, UVM_PROT_READ);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(tm_acc(P, va + PS, VM_PROT_READ), EFAULT);
	assert_int_equal(tm_acc(P, va, VM_PROT_WRITE), EACCES);
	assert_int_equal(tm_acc(P, va, VM_PROT_READ), 0);
}

/* 61: NetBSD's mremap API; other flags and the Linux form are EINVAL. */
static void
test_row61(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 4), 0);
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va, PS, 0, PS, UVM_MAP_ANON, &r), EINVAL);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, va, PS, 2 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    EINVAL);
	assert_int_equal(uvm_sys_mremap_netbsd(P, va, PS, 0, 2 * PS, 0, &r), 0);
	assert_int_equal(tm_get(P, r), 4);
	assert_int_equal(tm_get(P, r + PS), 0);
}

/* 62: growing without MAP_FIXED moves when it cannot grow in place. */
static void
test_row62(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 8), 0);
	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(tm_fixed(P, va + PS, PS, TM_RW), 0); /* blocker */
	assert_int_equal(uvm_sys_mremap_netbsd(P, va, PS, 0, 3 * PS, 0, &r), 0);
	assert_true(r != va);
	assert_int_equal(tm_get(P, r), 8);
	assert_false(tm_mapped_p(P, va) && tm_entry(P, va).mi_start <= va);
}

/* 63: an occupied fixed destination is ENOMEM. */
static void
test_row63(void **state)
{
	vaddr_t a = tm_anon(P, PS, TM_RW), b = tm_anon(P, PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, b, 3), 0);
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, a, PS, b, PS, UVM_MAP_FIXED, &r), ENOMEM);
	assert_int_equal(tm_get(P, b), 3);
}

/* 64: unaligned addresses EINVAL; sizes rounded (current code); size 0
 * EINVAL; MAP_ALIGNED. */
static void
test_row64(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), r = 0;

	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va + 1, PS, 0, PS, 0, &r), EINVAL);
	assert_int_equal(uvm_sys_mremap_netbsd(
			     P, va, PS, va + 8 * PS + 1, PS, UVM_MAP_FIXED, &r),
	    EINVAL);
	assert_int_equal(uvm_sys_mremap_netbsd(P, va, 0, 0, PS, 0, &r), EINVAL);
	assert_int_equal(uvm_sys_mremap_netbsd(P, va, PS, 0, 0, 0, &r), EINVAL);
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va, 2 * PS - 3, 0, PS + 1, 0, &r), 0);
	assert_int_equal(r, va); /* same rounded size: nothing to do */
	assert_int_equal(uvm_sys_mremap_netbsd(
			     P, va, 2 * PS, 0, 2 * PS, UVM_MAP_ALIGNED(20), &r),
	    0);
	assert_int_equal(r & ((1u << 20) - 1), 0);
	assert_int_equal(uvm_sys_mremap_netbsd(
			     P, r, 2 * PS, 0, 2 * PS, UVM_MAP_ALIGNED(2), &r),
	    EINVAL);
}

/* 65: the old range need not be fully mapped: holes move along. */
static void
test_row65(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 1), 0);
	assert_int_equal(tm_wr(P, va + 2 * PS, 3), 0);
	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va, 3 * PS, 0, 3 * PS, 0, &r), 0);
	assert_int_equal(r, va); /* same size: in place */
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va, 3 * PS, 0, 4 * PS, 0, &r), 0);
	assert_int_equal(tm_get(P, r), 1);
	assert_int_equal(tm_get(P, r + 2 * PS), 3);
	assert_false(
	    tm_mapped_p(P, r + PS) && tm_entry(P, r + PS).mi_start <= r + PS);
	assert_int_equal(tm_get(P, r + 3 * PS), 0);
}

/* 66: rounding before range checks; range errors per call. */
static void
test_row66(void **state)
{
	vaddr_t vmin, vmax;

	tm_bounds(P, &vmin, &vmax);
	/* vmin + 1 rounds down to vmin: in range. */
	assert_int_equal(uvm_sys_munmap(P, vmin + 1, 1), 0);
	assert_int_equal(uvm_sys_mprotect(P, vmin + 1, 1, UVM_PROT_READ), 0);
	assert_int_equal(
	    uvm_sys_minherit(P, vmin + 1, 1, UVM_MINHERIT_COPY), 0);
	assert_int_equal(uvm_sys_madvise(P, vmin + 1, 1, UVM_MADV_NORMAL), 0);
	/* Beyond the end. */
	assert_int_equal(uvm_sys_munmap(P, vmax - 1, 2), EINVAL);
	assert_int_equal(uvm_sys_mprotect(P, vmax - 1, 2, 0), EINVAL);
	assert_int_equal(uvm_sys_minherit(P, vmax - 1, 2, 0), EINVAL);
	assert_int_equal(uvm_sys_madvise(P, vmax - 1, 2, 0), EINVAL);
	assert_int_equal(uvm_sys_mlock(P, vmax - 1, 2), ENOMEM);
	assert_int_equal(uvm_sys_munlock(P, vmax - 1, 2), ENOMEM);
	assert_int_equal(uvm_sys_msync(P, vmax - 1, 2, UVM_MS_SYNC), ENOMEM);
}

/* 67: threads mapping, replacing, unmapping and faulting concurrently. */
struct row67 {
	struct uvm_proc *p;
	vaddr_t base;
	uint64_t ps;
	int id;
	int errors;
};

static void *
row67_thread(void *arg)
{
	struct row67 *r = arg;
	struct th_rng rng;
	int i, e;

	th_rng_seed(&rng, (uint64_t)r->id + 1);
	for (i = 0; i < 400; i++) {
		vaddr_t va = r->base + th_rng_below(&rng, 32) * r->ps;
		uint8_t v;

		switch (th_rng_below(&rng, 4)) {
		case 0:
			e = tm_fixed(r->p, va,
			    r->ps * (1 + th_rng_below(&rng, 3)), TM_RW);
			break;
		case 1:
			e = uvm_sys_munmap(r->p, va, r->ps);
			break;
		case 2:
			e = tm_wr(r->p, va, (uint8_t)i);
			e = e == EFAULT ? 0 : e;
			break;
		default:
			e = tm_rd(r->p, va, &v);
			e = e == EFAULT ? 0 : e;
			break;
		}
		if (e != 0 && e != EFBIG)
			r->errors++;
	}
	return NULL;
}

static void
test_row67(void **state)
{
	struct row67 r[3];
	pthread_t t[3];
	struct uvm_lwp *l[3];
	vaddr_t base = tm_anon(P, 40 * PS, TM_RW);
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(uvm_lwp_create(P, &l[i]), 0);
		r[i] = (struct row67){P, base, PS, i, 0};
		assert_int_equal(
		    pthread_create(&t[i], NULL, row67_thread, &r[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].errors, 0);
		assert_int_equal(uvm_lwp_exit(l[i]), 0);
	}
	uvm_sanity_all(UVMM);
}

#define ROW(n) cmocka_unit_test_setup_teardown(test_row##n, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    ROW(01),
	    ROW(02),
	    ROW(03),
	    ROW(04),
	    ROW(05),
	    ROW(06),
	    ROW(07),
	    ROW(08),
	    ROW(09),
	    ROW(10),
	    ROW(11),
	    ROW(12),
	    ROW(13),
	    ROW(14),
	    cmocka_unit_test_setup_teardown(test_row15, setup, teardown),
	    ROW(16),
	    ROW(17),
	    ROW(18),
	    ROW(19),
	    ROW(20),
	    ROW(21),
	    ROW(22),
	    ROW(23),
	    cmocka_unit_test_setup_teardown(test_row24, setup_pax, teardown),
	    ROW(25),
	    ROW(26),
	    ROW(27),
	    ROW(28),
	    ROW(29),
	    ROW(30),
	    ROW(31),
	    ROW(32),
	    ROW(33),
	    ROW(34),
	    ROW(35),
	    ROW(36),
	    ROW(37),
	    ROW(38),
	    ROW(39),
	    ROW(40),
	    ROW(41),
	    ROW(42),
	    ROW(43),
	    ROW(44),
	    ROW(45),
	    ROW(46),
	    ROW(47),
	    ROW(48),
	    ROW(49),
	    ROW(50),
	    ROW(51),
	    ROW(52),
	    ROW(53),
	    ROW(54),
	    ROW(60),
	    ROW(61),
	    ROW(62),
	    ROW(63),
	    ROW(64),
	    ROW(65),
	    ROW(66),
	    ROW(67),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
