/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_mmap_linux.c: the rows of ../shared/spec/mmap-semantics.md in the
 * Linux personality, one test per row (test_rowNN).  Rows 55-59 (file
 * coherence) need the vnode pager and are not here.  Rows whose Linux
 * column is "-" test what the Linux kernel does in that situation.
 */
#include <pthread.h>

#include "t_mmap_common.h"

static int
setup(void **state)
{
	return tm_setup_pers(state, UVM_PERS_LINUX, 0, false);
}

static int
setup_priv(void **state)
{
	return tm_setup_pers(state, UVM_PERS_LINUX, 0, true);
}

static int
teardown(void **state)
{
	return tm_teardown(state);
}

/* 1: len 0 is EINVAL, anonymous or not. */
static void
test_row01(void **state)
{
	int fd = tm_file(state, O_RDWR);

	assert_int_equal(tm_mmap(P, 0, 0, TM_RW, TM_AP, -1, 0, NULL), EINVAL);
	assert_int_equal(
	    tm_mmap(P, 0, 0, UVM_PROT_READ, UVM_MAP_PRIVATE, fd, 0, NULL),
	    EINVAL);
}

/* 2: neither SHARED nor PRIVATE is EINVAL. */
static void
test_row02(void **state)
{
	int fd = tm_file(state, O_RDONLY);

	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW, UVM_MAP_ANON, -1, 0, NULL), EINVAL);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, 0, fd, 0, NULL), EINVAL);
}

/* 3: SHARED|PRIVATE (MAP_SHARED_VALIDATE's bits) on anonymous memory is
 * EINVAL; the descriptor is checked before it. */
static void
test_row03(void **state)
{
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW,
		UVM_MAP_ANON | UVM_MAP_SHARED | UVM_MAP_PRIVATE, -1, 0, NULL),
	    EINVAL);
	assert_int_equal(tm_mmap(P, 0, PS, TM_RW,
			     UVM_MAP_SHARED | UVM_MAP_PRIVATE, 99, 0, NULL),
	    EBADF);
}

/* 4: MAP_ANON ignores the descriptor. */
static void
test_row04(void **state)
{
	vaddr_t va = 0;

	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, 5, 0, &va), 0);
	assert_int_equal(tm_wr(P, va, 1), 0);
}

/* 5: the order: offset alignment, descriptor, length, address, type. */
static void
test_row05(void **state)
{
	vaddr_t vmin, vmax;
	int pfd[2];

	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(
	    tm_mmap(P, 0, 0, TM_RW, UVM_MAP_PRIVATE, 77, 3, NULL), EINVAL);
	assert_int_equal(
	    tm_mmap(P, 0, 0, TM_RW, UVM_MAP_PRIVATE, 77, 0, NULL), EBADF);
	assert_int_equal(tm_mmap(P, vmin + 1, PS, TM_RW,
			     UVM_MAP_PRIVATE | UVM_MAP_FIXED, 77, 0, NULL),
	    EBADF);
	assert_int_equal(tm_mmap(P, 0, 0, TM_RW, TM_AP, -1, 0, NULL), EINVAL);
	assert_int_equal(
	    tm_mmap(P, vmax, PS, TM_RW, TM_AP | UVM_MAP_FIXED, -1, 0, NULL),
	    ENOMEM);
	assert_int_equal(
	    tm_mmap(P, 0x100001, PS, TM_RW, TM_AP | UVM_MAP_FIXED, -1, 0, NULL),
	    EINVAL);
	/* The address before the type. */
	assert_int_equal(tm_mmap(P, vmax, PS, TM_RW,
			     UVM_MAP_ANON | UVM_MAP_FIXED, -1, 0, NULL),
	    ENOMEM);
	assert_int_equal(tm_mmap(P, 0x100000, PS, TM_RW,
			     UVM_MAP_ANON | UVM_MAP_FIXED, -1, 0, NULL),
	    EINVAL);
	assert_int_equal(pipe(pfd), 0);
	close(pfd[1]);
	assert_int_equal(tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_PRIVATE,
			     tm_attach(P, pfd[0]), 0, NULL),
	    ENODEV);
}

/* 6: an unaligned offset is EINVAL. */
static void
test_row06(void **state)
{
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW, TM_AP, -1, 100, NULL), EINVAL);
}

/* 7: MAP_FIXED with an unaligned address is EINVAL. */
static void
test_row07(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(tm_fixed(P, va + 1, PS, TM_RW), EINVAL);
}

/* 8: a free hint is taken (rounded down); an occupied one is not. */
static void
test_row08(void **state)
{
	vaddr_t va = tm_anon(P, 4 * PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 42), 0);
	assert_int_equal(uvm_sys_munmap(P, va + 2 * PS, 2 * PS), 0);
	assert_int_equal(
	    tm_mmap(P, va + 2 * PS + 5, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_int_equal(r, va + 2 * PS);
	assert_int_equal(tm_mmap(P, va, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_true(r != va);
	assert_int_equal(tm_get(P, va), 42);
	/* A hint below mmap_min_addr is raised to it. */
	assert_int_equal(tm_mmap(P, PS, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_int_equal(r, 64 * 1024);
}

/* 9: MAP_FIXED outside user space ENOMEM; below mmap_min_addr EPERM. */
static void
test_row09(void **state)
{
	vaddr_t vmin, vmax;

	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(tm_fixed(P, vmax - PS, 2 * PS, TM_RW), ENOMEM);
	assert_int_equal(
	    tm_fixed(P, UINT64_MAX - PS + 1, 2 * PS, TM_RW), ENOMEM);
	assert_int_equal(tm_fixed(P, PS, PS, TM_RW), EPERM);
	assert_int_equal(tm_fixed(P, 0, PS, TM_RW), EPERM);
}

/* 10: a huge length is ENOMEM. */
static void
test_row10(void **state)
{
	vaddr_t vmin, vmax;

	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(
	    tm_mmap(P, 0, UINT64_MAX, TM_RW, TM_AP, -1, 0, NULL), ENOMEM);
	assert_int_equal(
	    tm_mmap(P, 0, vmax + PS, TM_RW, TM_AP, -1, 0, NULL), ENOMEM);
}

/* 11: MAP_FIXED replaces; nothing leaks. */
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
	assert_int_equal(tm_get(P, va + PS), 0);
	assert_int_equal(tm_get(P, va + 3 * PS), 9);
	/* MAP_FIXED_NOREPLACE refuses a used range. */
	assert_int_equal(tm_mmap(P, va, PS, TM_RW,
			     TM_AP | UVM_MAP_FIXED_NOREPLACE, -1, 0, NULL),
	    EEXIST);
	assert_int_equal(uvm_sys_munmap(P, va, 4 * PS), 0);
	assert_int_equal(tm_mmap(P, va, PS, TM_RW,
			     TM_AP | UVM_MAP_FIXED_NOREPLACE, -1, 0, NULL),
	    0);
}

/* 12: never at 0 unless MAP_FIXED, which needs privilege below
 * mmap_min_addr. */
static void
test_row12(void **state)
{
	vaddr_t r = 1;
	struct uvm_proc_config pc;
	struct uvm_proc *p2;

	assert_int_equal(tm_mmap(P, 0, PS, TM_RW, TM_AP, -1, 0, &r), 0);
	assert_true(r != 0);
	assert_int_equal(tm_fixed(P, 0, PS, TM_RW), EPERM);
	uvm_proc_config_init(UVMM, &pc);
	pc.pc_personality = UVM_PERS_LINUX;
	pc.pc_privileged = true;
	assert_int_equal(uvm_proc_create(UVMM, &pc, &p2), 0);
	assert_int_equal(tm_fixed(p2, 0, PS, TM_RW), 0);
	assert_int_equal(tm_wr(p2, 0, 1), 0);
	uvm_proc_exit(p2);
}

/* 13: the descriptor must be readable; SHARED+WRITE needs writable. */
static void
test_row13(void **state)
{
	int ro = tm_file(state, O_RDONLY), wo = tm_file(state, O_WRONLY);

	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_WRITE, UVM_MAP_PRIVATE, wo, 0, NULL),
	    EACCES);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_WRITE, UVM_MAP_SHARED, ro, 0, NULL),
	    EACCES);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_WRITE, UVM_MAP_PRIVATE, ro, 0, NULL),
	    ENODEV);
}

/* 14: pipes ENODEV (write end EACCES), directories ENODEV, /dev/zero. */
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
	    EACCES);
	dfd = tm_attach(P, open(th_tmpdir(), O_RDONLY | O_DIRECTORY));
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, UVM_MAP_SHARED, dfd, 0, NULL),
	    ENODEV);
	zfd = tm_attach(P, open("/dev/zero", O_RDWR));
	assert_int_equal(
	    tm_mmap(P, 0, PS, TM_RW, UVM_MAP_SHARED, zfd, 0, &va), 0);
	assert_int_equal(tm_wr(P, va, 3), 0);
	assert_int_equal(tm_get(P, va), 3);
}

/* 15: Linux has no PROT_MPROTECT: mmap ignores unknown protection bits
 * (mprotect refuses them). */
static void
test_row15(void **state)
{
	vaddr_t va = 0;

	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ | UVM_PROT_MPROTECT(UVM_PROT_WRITE),
		TM_AP, -1, 0, &va),
	    0);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(uvm_sys_mprotect(P, va, PS,
			     UVM_PROT_READ | UVM_PROT_MPROTECT(UVM_PROT_WRITE)),
	    EINVAL);
}

/* 16: munmap of length 0 is EINVAL. */
static void
test_row16(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va, 0), EINVAL);
}

/* 17: munmap of an unaligned address is EINVAL. */
static void
test_row17(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + 10, PS), EINVAL);
	assert_true(tm_mapped_p(P, va));
}

/* 18: munmap of nothing is 0. */
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
	assert_int_equal(uvm_sys_munmap(P, vmax, 2 * PS), EINVAL);
	assert_int_equal(uvm_sys_munmap(P, UINT64_MAX - PS + 1, PS), EINVAL);
}

/* 20: munmap removes locks; munlock then fails with ENOMEM. */
static void
test_row20(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va, 2 * PS), 0);
	assert_int_equal(tm_entry(P, va).mi_wired, 1);
	assert_int_equal(uvm_sys_munmap(P, va, 2 * PS), 0);
	assert_int_equal(uvm_sys_munlock(P, va, 2 * PS), ENOMEM);
}

/* 21: mprotect over a hole is ENOMEM; what came before it changed. */
static void
test_row21(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_mprotect(P, va, 3 * PS, UVM_PROT_READ), ENOMEM);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
	assert_int_equal(
	    tm_entry(P, va + 2 * PS).mi_prot, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(
	    uvm_sys_mprotect(P, va + PS, PS, UVM_PROT_READ), ENOMEM);
}

/* 22: mprotect of an unaligned address is EINVAL. */
static void
test_row22(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mprotect(P, va + 7, 1, UVM_PROT_READ), EINVAL);
}

/* 23: mprotect of (char *)-1 is EINVAL; a wrapping end ENOMEM. */
static void
test_row23(void **state)
{
	assert_int_equal(
	    uvm_sys_mprotect(P, UINT64_MAX, PS, UVM_PROT_READ), EINVAL);
	assert_int_equal(
	    uvm_sys_mprotect(P, UINT64_MAX - PS + 1, 2 * PS, UVM_PROT_READ),
	    ENOMEM);
}

/* 24: above the maximum is EACCES (PaX MPROTECT gives a maximum). */
static void
test_row24(void **state)
{
	vaddr_t va = 0;

	assert_int_equal(uvm_proc_set_pax(P, UVM_PAX_MPROTECT), 0);
	assert_int_equal(
	    tm_mmap(P, 0, PS, UVM_PROT_READ, TM_AP, -1, 0, &va), 0);
	assert_int_equal(uvm_sys_mprotect(P, va, PS, TM_RW), EACCES);
	assert_int_equal(tm_entry(P, va).mi_prot, VM_PROT_READ);
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
	assert_int_equal(tm_acc(P, w, VM_PROT_READ), 0);
	assert_int_equal(tm_acc(P, x, VM_PROT_READ), 0);
}

/* 26: MADV_DONTFORK on any mapping; MADV_WIPEONFORK only on private
 * anonymous memory; DOFORK/KEEPONFORK undo them. */
static void
test_row26(void **state)
{
	vaddr_t a = tm_anon_shared(P, PS, TM_RW), b = tm_anon(P, PS, TM_RW);
	vaddr_t c = tm_anon(P, PS, TM_RW), d = tm_anon(P, PS, TM_RW);
	struct uvm_proc *ch;

	assert_int_equal(tm_wr(P, a, 1), 0);
	assert_int_equal(tm_wr(P, b, 2), 0);
	assert_int_equal(tm_wr(P, c, 3), 0);
	assert_int_equal(tm_wr(P, d, 4), 0);
	assert_int_equal(uvm_sys_madvise(P, a, PS, UVM_MADV_DONTFORK), 0);
	assert_int_equal(uvm_sys_madvise(P, b, PS, UVM_MADV_WIPEONFORK), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, a, PS, UVM_MADV_WIPEONFORK), EINVAL);
	assert_int_equal(uvm_sys_madvise(P, c, PS, UVM_MADV_DONTFORK), 0);
	assert_int_equal(uvm_sys_madvise(P, c, PS, UVM_MADV_DOFORK), 0);
	assert_int_equal(uvm_sys_madvise(P, d, PS, UVM_MADV_WIPEONFORK), 0);
	assert_int_equal(uvm_sys_madvise(P, d, PS, UVM_MADV_KEEPONFORK), 0);
	assert_int_equal(uvm_proc_fork(P, 0, &ch), 0);
	assert_false(tm_mapped_p(ch, a) && tm_entry(ch, a).mi_start <= a &&
	    tm_entry(ch, a).mi_end > a);
	assert_int_equal(tm_get(ch, b), 0);
	assert_int_equal(tm_get(P, b), 2);
	assert_int_equal(tm_get(ch, c), 3);
	assert_int_equal(tm_get(ch, d), 4);
	assert_int_equal(tm_wr(ch, c, 30), 0);
	assert_int_equal(tm_get(P, c), 3);
	uvm_proc_exit(ch);
}

/* 27: default inheritance; locks and MCL_FUTURE not inherited. */
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
	assert_int_equal(tm_wr(ch, s, 11), 0);
	assert_int_equal(tm_get(P, s), 11);
	assert_int_equal(tm_wr(ch, pr, 22), 0);
	assert_int_equal(tm_get(P, pr), 2);
	assert_int_equal(tm_entry(ch, w).mi_wired, 0);
	assert_false(uvm_proc_mlockall_future_p(ch));
	n = tm_anon(ch, PS, TM_RW);
	assert_int_equal(tm_entry(ch, n).mi_wired, 0);
	uvm_proc_exit(ch);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 28: madvise of an unaligned address is EINVAL. */
static void
test_row28(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(
	    uvm_sys_madvise(P, va + 3, 1, UVM_MADV_RANDOM), EINVAL);
}

/* 29: unmapped parts: ENOMEM, the advice applied to the mapped parts. */
static void
test_row29(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(tm_wr(P, va + 2 * PS, 5), 0);
	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_RANDOM), ENOMEM);
	assert_int_equal(tm_entry(P, va).mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_advice, UVM_ADV_RANDOM);
	assert_int_equal(
	    uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_WILLNEED), ENOMEM);
	assert_int_equal(
	    uvm_sys_madvise(P, va, 3 * PS, UVM_MADV_DONTNEED), ENOMEM);
	assert_int_equal(tm_get(P, va + 2 * PS), 0); /* it was applied */
	assert_int_equal(
	    uvm_sys_madvise(P, va + PS, PS, UVM_MADV_NORMAL), ENOMEM);
}

/* 30: MADV_DONTNEED zero-fills private anonymous memory; shared memory
 * keeps its data; EINVAL on locked pages. */
static void
test_row30(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW),
		s = tm_anon_shared(P, PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 5), 0);
	assert_int_equal(tm_wr(P, s, 6), 0);
	assert_int_equal(uvm_sys_madvise(P, va, PS, UVM_MADV_DONTNEED), 0);
	assert_int_equal(tm_resident(P, va), 0);
	assert_int_equal(tm_get(P, va), 0);
	assert_int_equal(uvm_sys_madvise(P, s, PS, UVM_MADV_DONTNEED), 0);
	assert_int_equal(tm_get(P, s), 6);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, va + PS, PS, UVM_MADV_DONTNEED), EINVAL);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 31: MADV_FREE is lazy (data kept without memory pressure); EINVAL on
 * locked or shared memory. */
static void
test_row31(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW),
		s = tm_anon_shared(P, PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 5), 0);
	assert_int_equal(uvm_sys_madvise(P, va, PS, UVM_MADV_FREE), 0);
	assert_int_equal(tm_get(P, va), 5);
	assert_int_equal(uvm_sys_madvise(P, s, PS, UVM_MADV_FREE), EINVAL);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_madvise(P, va, 2 * PS, UVM_MADV_FREE), EINVAL);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 32: unknown advice and MADV_SPACEAVAIL's value are EINVAL; glibc's
 * posix_madvise ignores POSIX_MADV_DONTNEED. */
static void
test_row32(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 8), 0);
	assert_int_equal(
	    uvm_sys_madvise(P, va, PS, UVM_MADV_SPACEAVAIL), EINVAL);
	assert_int_equal(uvm_sys_madvise(P, va, PS, 99), EINVAL);
	assert_int_equal(
	    uvm_sys_posix_madvise(P, va, PS, UVM_POSIX_MADV_DONTNEED), 0);
	assert_int_equal(tm_get(P, va), 8);
	assert_int_equal(uvm_sys_posix_madvise(P, va, PS, 9), EINVAL);
}

/* 33: mlock rounds. */
static void
test_row33(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va + PS + 9, PS), 0);
	assert_int_equal(tm_entry(P, va + PS).mi_wired, 1);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_wired, 1);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
	assert_int_equal(uvm_sys_munlock(P, va, 3 * PS), 0);
}

/* 34: start unmapped ENOMEM; a hole ENOMEM after locking what precedes
 * it (nothing populated); PROT_NONE: locked, but populating it fails, so
 * ENOMEM (Linux 6.x populate_vma_page_range()). */
static void
test_row34(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), nn;

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), ENOMEM);
	assert_int_equal(uvm_sys_mlock(P, va, 3 * PS), ENOMEM);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
	assert_int_equal(tm_entry(P, va + 2 * PS).mi_wired, 0);
	/* ... but the part before the hole is locked. */
	assert_int_equal(uvm_sys_madvise(P, va, PS, UVM_MADV_DONTNEED), EINVAL);
	nn = tm_anon(P, PS, UVM_PROT_NONE);
	assert_int_equal(uvm_sys_mlock(P, nn, PS), ENOMEM);
	/* Made accessible, a locked PROT_NONE range gets populated. */
	assert_int_equal(uvm_sys_mprotect(P, nn, PS, TM_RW), 0);
	assert_int_equal(tm_entry(P, nn).mi_wired, 1);
	assert_int_equal(tm_resident(P, nn), 1);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 35: over RLIMIT_MEMLOCK ENOMEM; limit 0 EPERM; privilege bypasses. */
static void
test_row35(void **state)
{
	vaddr_t va = tm_anon(P, 4 * PS, TM_RW);
	struct uvm_rlimit rl = {2 * PS, 2 * PS};

	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlock(P, va, 2 * PS), 0); /* at the limit */
	assert_int_equal(uvm_sys_mlock(P, va, 2 * PS), 0); /* no double count */
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), ENOMEM);
	uvm_proc_set_privileged(P, true);
	assert_int_equal(uvm_sys_mlock(P, va + 2 * PS, PS), 0);
	uvm_proc_set_privileged(P, false);
	rl.rlim_cur = rl.rlim_max = 0;
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlock(P, va + 3 * PS, PS), EPERM);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 36: (char *)-1 is EINVAL; NULL (unmapped) ENOMEM. */
static void
test_row36(void **state)
{
	assert_int_equal(uvm_sys_mlock(P, UINT64_MAX, PS), EINVAL);
	assert_int_equal(uvm_sys_mlock(P, 0, PS), ENOMEM);
}

/* 37: nested locks: one munlock unlocks. */
static void
test_row37(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va, PS), 0);
	assert_int_equal(uvm_sys_mlock(P, va, PS), 0);
	assert_int_equal(uvm_sys_munlock(P, va, PS), 0);
	assert_int_equal(tm_entry(P, va).mi_wired, 0);
	assert_int_equal(uvm_sys_madvise(P, va, PS, UVM_MADV_DONTNEED), 0);
}

/* 38: munlock of a range that is not locked is 0. */
static void
test_row38(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_munlock(P, va, PS), 0);
}

/* 39: mlockall with 0 or unknown flags is EINVAL. */
static void
test_row39(void **state)
{
	assert_int_equal(uvm_sys_mlockall(P, 0), EINVAL);
	assert_int_equal(uvm_sys_mlockall(P, 8), EINVAL);
}

/* 40: mlockall(MCL_CURRENT) over the limit is ENOMEM. */
static void
test_row40(void **state)
{
	struct uvm_rlimit rl = {PS, PS};

	(void)tm_anon(P, 4 * PS, TM_RW);
	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_CURRENT_FLAG), ENOMEM);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 41: MCL_FUTURE locks new mappings (PROT_NONE ones too, populated when
 * made accessible); over the limit mmap is EAGAIN. */
static void
test_row41(void **state)
{
	vaddr_t a, n;
	struct uvm_rlimit rl = {4 * PS, 4 * PS};

	assert_int_equal(uvm_proc_setrlimit(P, UVM_RLIMIT_MEMLOCK, &rl), 0);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	a = tm_anon(P, PS, TM_RW);
	assert_int_equal(tm_entry(P, a).mi_wired, 1);
	assert_int_equal(tm_resident(P, a), 1);
	n = tm_anon(P, PS, UVM_PROT_NONE);
	assert_int_equal(tm_resident(P, n), 0);
	assert_int_equal(uvm_sys_mprotect(P, n, PS, TM_RW), 0);
	assert_int_equal(tm_entry(P, n).mi_wired, 1);
	assert_int_equal(
	    tm_mmap(P, 0, 4 * PS, TM_RW, TM_AP, -1, 0, NULL), EAGAIN);
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 42: munlockall is 0 and clears MCL_FUTURE. */
static void
test_row42(void **state)
{
	vaddr_t a;

	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	assert_true(uvm_proc_mlockall_future_p(P));
	assert_int_equal(uvm_sys_munlockall(P), 0);
	assert_false(uvm_proc_mlockall_future_p(P));
	a = tm_anon(P, PS, TM_RW);
	assert_int_equal(tm_entry(P, a).mi_wired, 0);
	/* mlockall(MCL_CURRENT) alone replaces MCL_FUTURE too. */
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_FUTURE_FLAG), 0);
	assert_int_equal(uvm_sys_mlockall(P, UVM_MCL_CURRENT_FLAG), 0);
	assert_false(uvm_proc_mlockall_future_p(P));
	assert_int_equal(uvm_sys_munlockall(P), 0);
}

/* 43: mincore of an unaligned address is EINVAL. */
static void
test_row43(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), vec = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mincore(P, va + 1, PS, vec), EINVAL);
}

/* 44: mincore of length 0 is 0. */
static void
test_row44(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mincore(P, va, 0, 0), 0);
}

/* 45: a huge length is ENOMEM. */
static void
test_row45(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), vec = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_mincore(P, va, UINT64_MAX - PS, vec), ENOMEM);
}

/* 46: vec not writable is EFAULT. */
static void
test_row46(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), ro = tm_anon(P, PS, UVM_PROT_READ);

	assert_int_equal(uvm_sys_mincore(P, va, PS, ro), EFAULT);
	assert_int_equal(uvm_sys_mincore(P, va, PS, UINT64_MAX - 1), EFAULT);
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

/* 49: msync flags: 0 accepted; SYNC|ASYNC and unknown EINVAL. */
static void
test_row49(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va, PS, 0), 0);
	assert_int_equal(
	    uvm_sys_msync(P, va, PS, UVM_MS_SYNC | UVM_MS_ASYNC), EINVAL);
	assert_int_equal(uvm_sys_msync(P, va, PS, 0x10), EINVAL);
}

/* 50: msync of an unaligned address is EINVAL. */
static void
test_row50(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va + 5, 10, UVM_MS_SYNC), EINVAL);
}

/* 51: unmapped is ENOMEM (MS_ASYNC alone stops at the first hole). */
static void
test_row51(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), vmin, vmax;

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_msync(P, va + PS, PS, UVM_MS_SYNC), ENOMEM);
	assert_int_equal(uvm_sys_msync(P, va, 2 * PS, UVM_MS_ASYNC), ENOMEM);
	tm_bounds(P, &vmin, &vmax);
	assert_int_equal(uvm_sys_msync(P, vmax, PS, UVM_MS_SYNC), ENOMEM);
	assert_int_equal(
	    uvm_sys_msync(P, UINT64_MAX - PS + 1, 2 * PS, UVM_MS_SYNC), ENOMEM);
}

/* 52: length 0 is 0, mapped or not. */
static void
test_row52(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(uvm_sys_msync(P, va, 0, UVM_MS_SYNC), 0);
	assert_int_equal(uvm_sys_munmap(P, va, PS), 0);
	assert_int_equal(uvm_sys_msync(P, va, 0, UVM_MS_SYNC), 0);
}

/* 53: MS_INVALIDATE on locked memory is EBUSY, whichever entry is. */
static void
test_row53(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_mlock(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_msync(P, va, 2 * PS, UVM_MS_INVALIDATE), EBUSY);
	assert_int_equal(uvm_sys_msync(P, va, PS, UVM_MS_INVALIDATE), 0);
	assert_int_equal(uvm_sys_munlock(P, va + PS, PS), 0);
}

/* 54: MS_INVALIDATE has no effect on private pages. */
static void
test_row54(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW);

	assert_int_equal(tm_wr(P, va, 77), 0);
	assert_int_equal(uvm_sys_msync(P, va, PS, UVM_MS_INVALIDATE), 0);
	assert_int_equal(tm_get(P, va), 77);
}

/* 60: unmapped EFAULT (SEGV_MAPERR), protection EACCES (SEGV_ACCERR). */
static void
test_row60(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, UVM_PROT_READ);

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(tm_acc(P, va + PS, VM_PROT_READ), EFAULT);
	assert_int_equal(tm_acc(P, va, VM_PROT_WRITE), EACCES);
}

/* 61: Linux's mremap API; other flags and NetBSD's form are EINVAL. */
static void
test_row61(void **state)
{
	vaddr_t va = tm_anon(P, PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 4), 0);
	assert_int_equal(uvm_sys_mremap_linux(P, va, PS, PS, 8, 0, &r), EINVAL);
	assert_int_equal(uvm_sys_mremap_linux(
			     P, va, PS, PS, UVM_MREMAP_FIXED, va + 8 * PS, &r),
	    EINVAL);
	assert_int_equal(uvm_sys_mremap_linux(P, va, PS, 2 * PS,
			     UVM_MREMAP_MAYMOVE | UVM_MREMAP_DONTUNMAP, 0, &r),
	    EINVAL);
	assert_int_equal(
	    uvm_sys_mremap_netbsd(P, va, PS, 0, PS, 0, &r), EINVAL);
	/* DONTUNMAP moves and leaves the source mapped but empty. */
	assert_int_equal(uvm_sys_mremap_linux(P, va, PS, PS,
			     UVM_MREMAP_MAYMOVE | UVM_MREMAP_DONTUNMAP, 0, &r),
	    0);
	assert_int_equal(tm_get(P, r), 4);
	assert_int_equal(tm_get(P, va), 0);
}

/* 62: growth that cannot happen in place: ENOMEM without MAYMOVE. */
static void
test_row62(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, va, 8), 0);
	assert_int_equal(uvm_sys_mprotect(P, va + PS, PS, UVM_PROT_READ), 0);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, va, PS, 2 * PS, 0, 0, &r), ENOMEM);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, va, PS, 2 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    0);
	assert_true(r != va);
	assert_int_equal(tm_get(P, r), 8);
	/* Growth in place where there is room. */
	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, r, 2 * PS, 3 * PS, 0, 0, &va), 0);
	assert_int_equal(va, r);
}

/* 63: a fixed destination is unmapped first. */
static void
test_row63(void **state)
{
	vaddr_t a = tm_anon(P, PS, TM_RW), b = tm_anon(P, 2 * PS, TM_RW), r = 0;

	assert_int_equal(tm_wr(P, a, 1), 0);
	assert_int_equal(tm_wr(P, b + PS, 3), 0);
	assert_int_equal(uvm_sys_mremap_linux(P, a, PS, 2 * PS,
			     UVM_MREMAP_MAYMOVE | UVM_MREMAP_FIXED, b, &r),
	    0);
	assert_int_equal(r, b);
	assert_int_equal(tm_get(P, b), 1);
	assert_int_equal(tm_get(P, b + PS), 0);
	assert_false(tm_mapped_p(P, a) && tm_entry(P, a).mi_start <= a);
}

/* 64: unaligned addresses EINVAL; sizes rounded; new size 0 EINVAL. */
static void
test_row64(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW), r = 0;

	assert_int_equal(
	    uvm_sys_mremap_linux(P, va + 1, PS, PS, 0, 0, &r), EINVAL);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, va, PS, PS,
		UVM_MREMAP_MAYMOVE | UVM_MREMAP_FIXED, va + 8 * PS + 1, &r),
	    EINVAL);
	assert_int_equal(uvm_sys_mremap_linux(P, va, PS, 0, 0, 0, &r), EINVAL);
	assert_int_equal(
	    uvm_sys_mremap_linux(P, va, 2 * PS - 3, PS + 1, 0, 0, &r), 0);
	assert_int_equal(r, va);
}

/* 65: an old range not within one mapping is EFAULT. */
static void
test_row65(void **state)
{
	vaddr_t va = tm_anon(P, 3 * PS, TM_RW), r = 0;

	assert_int_equal(uvm_sys_munmap(P, va + PS, PS), 0);
	assert_int_equal(uvm_sys_mremap_linux(
			     P, va, 3 * PS, 4 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    EFAULT);
	assert_int_equal(uvm_sys_mremap_linux(
			     P, va + PS, PS, 2 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    EFAULT);
	/* Two mappings with different attributes are two VMAs. */
	assert_int_equal(
	    uvm_sys_mprotect(P, va + 2 * PS, PS, UVM_PROT_READ), 0);
	assert_int_equal(tm_fixed(P, va + PS, PS, TM_RW), 0);
	assert_int_equal(uvm_sys_mremap_linux(
			     P, va, 3 * PS, 4 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    EFAULT);
	assert_int_equal(uvm_sys_mremap_linux(
			     P, va, 2 * PS, 4 * PS, UVM_MREMAP_MAYMOVE, 0, &r),
	    0);
}

/* 66: Linux does not round these addresses: unaligned is EINVAL for
 * munmap, mprotect, madvise and msync; mlock and munlock round. */
static void
test_row66(void **state)
{
	vaddr_t va = tm_anon(P, 2 * PS, TM_RW);

	assert_int_equal(uvm_sys_munmap(P, va + 1, 1), EINVAL);
	assert_int_equal(uvm_sys_mprotect(P, va + 1, 1, UVM_PROT_READ), EINVAL);
	assert_int_equal(
	    uvm_sys_madvise(P, va + 1, 1, UVM_MADV_NORMAL), EINVAL);
	assert_int_equal(uvm_sys_msync(P, va + 1, 1, UVM_MS_SYNC), EINVAL);
	assert_int_equal(uvm_sys_mlock(P, va + 1, 1), 0);
	assert_int_equal(uvm_sys_munlock(P, va + 1, 1), 0);
	/* minherit is a NetBSD call, offered as an extension. */
	assert_int_equal(uvm_sys_minherit(P, va + 1, 1, UVM_MINHERIT_NONE), 0);
	assert_int_equal(tm_entry(P, va).mi_inherit, UVM_INH_NONE);
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

	th_rng_seed(&rng, (uint64_t)r->id + 7);
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
		if (e != 0)
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
	    ROW(15),
	    ROW(16),
	    ROW(17),
	    ROW(18),
	    ROW(19),
	    ROW(20),
	    ROW(21),
	    ROW(22),
	    ROW(23),
	    ROW(24),
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

	(void)setup_priv;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
