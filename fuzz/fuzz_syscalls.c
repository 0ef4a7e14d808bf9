/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_syscalls.c: random sequences of mmap-family system calls with
 * random arguments (huge, negative, overflowing, unaligned values among
 * them) in both personalities, with the sanity checkers run after every
 * call.  Bad input must never crash or trip an assertion, and everything
 * must be released at the end (the machine's accounting is checked).
 *
 * Input: byte 0 picks the personality (bit 0), PaX MPROTECT (bit 1),
 * ASLR (bit 2) and the layout (bit 3); then each call is an opcode byte
 * followed by argument bytes, each argument chosen by one byte from a
 * table of interesting values (or taken from the next 8 bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_map.h"
#include "uvm_proc.h"

#define FZ_MAXOPS 96
#define FZ_BASE   0x20000000ull /* where most addresses point */

struct fz {
	const uint8_t *f_p;
	size_t f_n;
	uint64_t f_ps;
	vaddr_t f_vmax;
};

static uint8_t
fz_byte(struct fz *f)
{
	uint8_t b;

	if (f->f_n == 0)
		return 0;
	b = *f->f_p++;
	f->f_n--;
	return b;
}

static uint64_t
fz_raw(struct fz *f)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | fz_byte(f);
	return v;
}

/* An argument: mostly interesting values, sometimes raw bits. */
static uint64_t
fz_val(struct fz *f)
{
	uint8_t b = fz_byte(f);
	uint64_t ps = f->f_ps;

	switch (b & 0x1f) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return ps - 1;
	case 3:
		return ps;
	case 4:
		return ps + 1;
	case 5:
		return 2 * ps;
	case 6:
		return 16 * ps;
	case 7:
		return UINT64_MAX;
	case 8:
		return UINT64_MAX - ps + 1;
	case 9:
		return (uint64_t)INT64_MAX;
	case 10:
		return (uint64_t)INT64_MIN;
	case 11:
		return f->f_vmax;
	case 12:
		return f->f_vmax - ps;
	case 13:
		return f->f_vmax + ps;
	case 14:
		return 1ull << 47;
	case 15:
		return (uint64_t) - (int64_t)ps;
	case 16:
		return fz_raw(f);
	case 17:
		return FZ_BASE - 3;
	default:
		/* An address or length near the base, page-sized mostly. */
		return FZ_BASE + (uint64_t)(b >> 5) * ps * 3 +
		    ((b & 1) != 0 ? (uint64_t)(b & 0x1e) * ps : 0);
	}
}

static void
fz_check(struct uvm *uvm)
{
	uvm_sanity_all(uvm);
}

/* One call; returns false when the input is used up. */
static bool
fz_one(struct fz *f, struct uvm *uvm, struct uvm_proc **pp, int *nkids,
    struct uvm_proc **kids)
{
	struct uvm_proc *p = *pp;
	uint8_t op;
	uint64_t a, b, c, d, e;
	vaddr_t r;
	bool grown;
	uint8_t buf[64];

	if (f->f_n == 0)
		return false;
	op = fz_byte(f);
	a = fz_val(f);
	b = fz_val(f);
	c = fz_val(f);
	d = fz_val(f);
	e = fz_val(f);
	switch (op % 24) {
	case 0:
	case 1:
		(void)uvm_sys_mmap(p, a, b, (int)c, (int)d | UVM_MAP_ANON,
		    (op & 0x20) != 0 ? (int)e : -1, (int64_t)e, &r);
		break;
	case 2:
		(void)uvm_sys_mmap(p, a, b & 0xffffff, (int)c & 7,
		    UVM_MAP_ANON | UVM_MAP_FIXED |
			((op & 0x20) != 0 ? UVM_MAP_SHARED : UVM_MAP_PRIVATE),
		    -1, 0, &r);
		break;
	case 3:
		(void)uvm_sys_munmap(p, a, b);
		break;
	case 4:
		(void)uvm_sys_mprotect(p, a, b, (int)c);
		break;
	case 5:
		(void)uvm_sys_minherit(p, a, b, (int)c);
		break;
	case 6:
		(void)uvm_sys_madvise(p, a, b, (int)(c & 0x1f));
		break;
	case 7:
		(void)uvm_sys_posix_madvise(p, a, b, (int)c);
		break;
	case 8:
		(void)uvm_sys_mlock(p, a, b & 0xffffff);
		break;
	case 9:
		(void)uvm_sys_munlock(p, a, b);
		break;
	case 10:
		(void)uvm_sys_mlockall(p, (int)(c & 7));
		break;
	case 11:
		(void)uvm_sys_munlockall(p);
		break;
	case 12:
		(void)uvm_sys_mincore(p, a, b & 0xffffffff, c);
		break;
	case 13:
		(void)uvm_sys_msync(p, a, b, (int)c);
		break;
	case 14:
		(void)uvm_sys_mremap_netbsd(
		    p, a, b & 0xffffff, c, d & 0xffffff, (int)e, &r);
		break;
	case 15:
		(void)uvm_sys_mremap_linux(
		    p, a, b & 0xffffff, c & 0xffffff, (int)(d & 0xf), e, &r);
		break;
	case 16:
		(void)uvm_sys_obreak(p, a, &r);
		break;
	case 17:
		(void)uvm_sys_stack_grow(p, a, &grown);
		break;
	case 18: {
		struct uvm_rlimit rl = {b, c};

		(void)uvm_proc_setrlimit(p, (int)(a % 5), &rl);
		break;
	}
	case 19:
		memset(buf, (int)c, sizeof(buf));
		(void)uvm_copyout(uvm_proc_vmspace(p), buf, a,
		    (size_t)(b % sizeof(buf)), NULL);
		break;
	case 20:
		(void)uvm_copyin(uvm_proc_vmspace(p), a, buf,
		    (size_t)(b % sizeof(buf)), NULL);
		break;
	case 21:
		if (*nkids < 4 &&
		    uvm_proc_fork(p, (op & 0x20) != 0 ? UVM_FORK_SHAREVM : 0,
			&kids[*nkids]) == 0)
			(*nkids)++;
		break;
	case 22:
		if (*nkids > 0) {
			/* Switch to the last child; the parent waits. */
			struct uvm_proc *t = kids[*nkids - 1];

			kids[*nkids - 1] = p;
			*pp = t;
		}
		break;
	default:
		(void)uvm_proc_exec(p, (int)(a % 4));
		break;
	}
	fz_check(uvm);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uvm_config cfg;
	struct uvm_proc_config pc;
	struct uvm_acct base, now;
	struct uvm *uvm;
	struct uvm_proc *p, *kids[4];
	struct fz f = {data, size, 0, 0};
	vaddr_t vmin;
	int nkids = 0, i, ops = 0;
	uint8_t h;

	th_config(&cfg);
	cfg.uc_memsize = 8u << 20;
	cfg.uc_seed = 5;
	uvm = th_create(&cfg);
	uvm_acct_snapshot(uvm, &base);
	f.f_ps = uvm_pagesize(uvm);
	h = fz_byte(&f);
	uvm_proc_config_init(uvm, &pc);
	pc.pc_personality = (h & 1) != 0 ? UVM_PERS_LINUX : UVM_PERS_NETBSD;
	pc.pc_pax = ((h & 2) != 0 ? UVM_PAX_MPROTECT : 0) |
	    ((h & 4) != 0 ? UVM_PAX_ASLR : 0);
	pc.pc_layout = (h & 8) != 0 ? UVM_LAYOUT_BOTTOMUP : UVM_LAYOUT_TOPDOWN;
	pc.pc_privileged = (h & 16) != 0;
	if (uvm_proc_create(uvm, &pc, &p) != 0)
		abort();
	uvm_map_bounds(uvmspace_map(uvm_proc_vmspace(p)), &vmin, &f.f_vmax);
	while (ops++ < FZ_MAXOPS && fz_one(&f, uvm, &p, &nkids, kids))
		continue;
	for (i = 0; i < nkids; i++)
		uvm_proc_exit(kids[i]);
	uvm_proc_exit(p);
	uvm_sanity_all(uvm);
	uvm_acct_snapshot(uvm, &now);
	if (!uvm_acct_equal_p(&base, &now))
		abort();
	uvm_destroy(uvm);
	return 0;
}
