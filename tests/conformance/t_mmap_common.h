/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_mmap_common.h: the fixture and helpers of the mmap-family conformance
 * tests (t_mmap_netbsd.c, t_mmap_linux.c): one machine and one process of
 * the file's personality per test; the row numbers are those of
 * ../shared/spec/mmap-semantics.md.
 */
#ifndef _T_MMAP_COMMON_H_
#define _T_MMAP_COMMON_H_

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_fault.h"
#include "uvm_map.h"
#include "uvm_proc.h"

struct tmx {
	struct uvm_proc *p;
	int pers;
	uint64_t ps; /* page size */
	char tmpfile[256];
};

static inline struct tmx *
tm_of(void **state)
{
	return ((struct th_fixture *)*state)->tf_arg;
}
#define TM   (tm_of(state))
#define P    (TM->p)
#define PS   (TM->ps)
#define UVMM (TH_UVM(state))

static inline int
tm_setup_pers(void **state, int pers, uint32_t pax, bool priv)
{
	struct uvm_proc_config pc;
	struct th_fixture *tf;
	struct tmx *tm;

	th_setup(state);
	tf = *state;
	tm = calloc(1, sizeof(*tm));
	assert_non_null(tm);
	tm->pers = pers;
	tm->ps = uvm_pagesize(tf->tf_uvm);
	uvm_proc_config_init(tf->tf_uvm, &pc);
	pc.pc_personality = pers;
	pc.pc_pax = pax;
	pc.pc_privileged = priv;
	assert_int_equal(uvm_proc_create(tf->tf_uvm, &pc, &tm->p), 0);
	tf->tf_arg = tm;
	return 0;
}

static inline int
tm_teardown(void **state)
{
	struct tmx *tm = tm_of(state);

	if (tm->p != NULL)
		uvm_proc_exit(tm->p);
	if (tm->tmpfile[0] != '\0')
		(void)unlink(tm->tmpfile);
	free(tm);
	return th_teardown(state);
}

/* An anonymous private mapping anywhere; asserts success. */
static inline vaddr_t
tm_anon(struct uvm_proc *p, vsize_t len, int prot)
{
	vaddr_t va = 0;

	assert_int_equal(uvm_sys_mmap(p, 0, len, prot,
			     UVM_MAP_ANON | UVM_MAP_PRIVATE, -1, 0, &va),
	    0);
	return va;
}

static inline vaddr_t
tm_anon_shared(struct uvm_proc *p, vsize_t len, int prot)
{
	vaddr_t va = 0;

	assert_int_equal(uvm_sys_mmap(p, 0, len, prot,
			     UVM_MAP_ANON | UVM_MAP_SHARED, -1, 0, &va),
	    0);
	return va;
}

/* MAP_FIXED anonymous private mapping; returns the errno. */
static inline int
tm_fixed(struct uvm_proc *p, vaddr_t va, vsize_t len, int prot)
{
	vaddr_t r = 0;
	int e;

	e = uvm_sys_mmap(p, va, len, prot,
	    UVM_MAP_ANON | UVM_MAP_PRIVATE | UVM_MAP_FIXED, -1, 0, &r);
	if (e == 0)
		assert_int_equal(r, va);
	return e;
}

static inline int
tm_wr(struct uvm_proc *p, vaddr_t va, uint8_t v)
{
	return uvm_copyout(uvm_proc_vmspace(p), &v, va, 1, NULL);
}

static inline int
tm_rd(struct uvm_proc *p, vaddr_t va, uint8_t *v)
{
	return uvm_copyin(uvm_proc_vmspace(p), va, v, 1, NULL);
}

/* The byte at va, which must be readable. */
static inline uint8_t
tm_get(struct uvm_proc *p, vaddr_t va)
{
	uint8_t v = 0xee;

	assert_int_equal(tm_rd(p, va, &v), 0);
	return v;
}

/* Access check as a trap would see it: 0, EFAULT or EACCES. */
static inline int
tm_acc(struct uvm_proc *p, vaddr_t va, vm_prot_t at)
{
	return uvm_access(uvm_proc_vmspace(p), va, 1, at);
}

static inline int
tm_resident(struct uvm_proc *p, vaddr_t va)
{
	uint8_t v = 0xee;
	uint64_t ps = uvm_pagesize(p->p_uvm);

	assert_int_equal(uvm_mincore(uvmspace_map(uvm_proc_vmspace(p)),
			     va & ~(ps - 1), ps, &v),
	    0);
	return v;
}

/* The entry holding va (asserts there is one). */
static inline struct uvm_map_entry_info
tm_entry(struct uvm_proc *p, vaddr_t va)
{
	struct uvm_map_entry_info mi;
	size_t n;

	assert_int_equal(
	    uvm_map_foreach(uvmspace_map(uvm_proc_vmspace(p)), va, &mi, 1, &n),
	    0);
	assert_true(n > 0 && mi.mi_start <= va);
	return mi;
}

static inline bool
tm_mapped_p(struct uvm_proc *p, vaddr_t va)
{
	struct uvm_map_entry_info mi;
	size_t n;

	assert_int_equal(
	    uvm_map_foreach(uvmspace_map(uvm_proc_vmspace(p)), va, &mi, 1, &n),
	    0);
	return n > 0 && mi.mi_start <= va;
}

static inline vsize_t
tm_mapsize(struct uvm_proc *p)
{
	size_t n;
	vsize_t sz;

	uvm_map_stat(uvmspace_map(uvm_proc_vmspace(p)), &n, &sz);
	return sz;
}

static inline void
tm_bounds(struct uvm_proc *p, vaddr_t *vmin, vaddr_t *vmax)
{
	uvm_map_bounds(uvmspace_map(uvm_proc_vmspace(p)), vmin, vmax);
}

/* A regular host file of n pages, attached to p with open flags oflags. */
static inline int
tm_file(void **state, int oflags)
{
	struct tmx *tm = tm_of(state);
	int hfd, fd;

	if (tm->tmpfile[0] == '\0') {
		snprintf(tm->tmpfile, sizeof(tm->tmpfile), "%s/t_mmap_%d_%p",
		    th_tmpdir(), (int)getpid(), (void *)tm);
		hfd = open(tm->tmpfile, O_RDWR | O_CREAT | O_TRUNC, 0600);
		assert_true(hfd >= 0);
		assert_int_equal(ftruncate(hfd, 16 * 4096), 0);
		close(hfd);
	}
	hfd = open(tm->tmpfile, oflags);
	assert_true(hfd >= 0);
	assert_int_equal(uvm_proc_fd_attach(tm->p, hfd, &fd), 0);
	close(hfd);
	return fd;
}

/* A host descriptor (pipe end, directory, device) attached to p. */
static inline int
tm_attach(struct uvm_proc *p, int hfd)
{
	int fd;

	assert_true(hfd >= 0);
	assert_int_equal(uvm_proc_fd_attach(p, hfd, &fd), 0);
	close(hfd);
	return fd;
}

static inline int
tm_mmap(struct uvm_proc *p, vaddr_t addr, vsize_t len, int prot, int flags,
    int fd, int64_t pos, vaddr_t *ret)
{
	vaddr_t dummy;

	return uvm_sys_mmap(
	    p, addr, len, prot, flags, fd, pos, ret != NULL ? ret : &dummy);
}

#define TM_RW (UVM_PROT_READ | UVM_PROT_WRITE)
#define TM_AP (UVM_MAP_ANON | UVM_MAP_PRIVATE)
#define TM_AS (UVM_MAP_ANON | UVM_MAP_SHARED)

#endif /* _T_MMAP_COMMON_H_ */
