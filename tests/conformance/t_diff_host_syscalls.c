/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_diff_host_syscalls.c: the Linux personality against the host kernel.
 *
 * Random sequences of mmap (MAP_FIXED, MAP_FIXED_NOREPLACE), munmap,
 * mprotect, madvise (including the fork advice), mlock, munlock, mremap,
 * msync, mincore, writes of patterns and fork run twice: in a libuvm
 * process of the Linux personality and in a real host process, a helper
 * forked at the start and driven over a pipe so that this process's own
 * address space is never disturbed.  After every call the return value
 * and errno are compared, then the state of every page of the window: is
 * it mapped, its protection, is it resident (mincore), and a hash of
 * its contents when it is readable and resident (reading a page that is
 * not resident would populate it; anonymous memory that is not resident
 * holds zeros, there being no swapping here).
 *
 * Addresses differ between the two, so everything happens in a window:
 * the host helper reserves one with mmap(PROT_NONE) and libuvm maps the
 * same PROT_NONE window at a fixed address; every operation uses
 * addresses inside the window (MAP_FIXED), given as offsets.
 *
 * Divergences that are the host kernel's documented behaviour rather
 * than Linux's in general, and how the test treats them:
 *  - PROT_EXEC without PROT_READ may be execute-only memory on hosts with
 *    protection keys (x86 PKU, mm/pkeys.c); the test never asks for it.
 *  - Transparent huge pages can make mincore() and MADV_DONTNEED act on
 *    2 MiB at a time (CONFIG_TRANSPARENT_HUGEPAGE, "always" mode); the
 *    window is 48 small pages, too small for a huge page.
 *  - MADV_FREE'd pages are reclaimed (and read back as zeros) only under
 *    memory pressure on the host (mm/vmscan.c); the test does not make any.
 *  - (Linux in general, not only this host) read faults of private
 *    anonymous memory map the shared zero page, and fork copies no page
 *    tables of a mapping that never had a private page: the child sees such
 *    pages as not resident where libuvm, which has no zero page, has
 *    zero-filled pages.  A forked child's resident pages of zeros are
 *    compared as absent.
 *  - The sanitizers' runtimes replace mlock(2) and friends by no-ops; the
 *    helper makes the system calls directly.
 *  - A privileged host process (CAP_IPC_LOCK) ignores RLIMIT_MEMLOCK: the
 *    libuvm process gets the same privilege as the helper.
 *  - Since Linux 6.17 mremap() may move several VMAs at once when the
 *    size does not change (MREMAP_FIXED, mm/mremap.c "multi-VMA move");
 *    earlier kernels return EFAULT, and so does libuvm (a range of
 *    different lock states is several VMAs).  The test's mremap calls are
 *    limited to ranges that one mmap made and nothing changed since
 *    (Linux's VMA boundaries also depend on flags libuvm does not keep,
 *    such as VM_ACCOUNT after a private mapping was once writable), in
 *    sequences without mlock (mremap of locked memory with
 *    MREMAP_DONTUNMAP into a locked range is a known divergence).
 *  - The host window has other mappings of the host process around it,
 *    so growth in place is generated only inside the window.
 * The test's own limits (libuvm differences, see docs/design/syscalls.md):
 * growing a shared anonymous mapping with mremap (Linux: SIGBUS beyond the
 * shmem object's size) and a zero old size are not generated, and neither
 * is MADV_DOFORK after MADV_DONTFORK and MADV_WIPEONFORK on the same page.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_map.h"
#include "uvm_proc.h"

#define NPG     48            /* pages in the window */
#define UVM_WIN 0x10000000ull /* libuvm's window */
#define UVM_VEC 0x30000000ull /* libuvm's mincore vector */
#define NSEQ    3000          /* sequences */
#define NOPS    12            /* operations per sequence */

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#endif

enum op {
	OP_MMAP,
	OP_MUNMAP,
	OP_MPROTECT,
	OP_MADVISE,
	OP_MLOCK,
	OP_MUNLOCK,
	OP_MREMAP,
	OP_MSYNC,
	OP_MINCORE,
	OP_WRITE,
	OP_FORK,
	OP_RESET,
	OP_SNAP,
	OP_QUIT,
	OP_NOPS
};

/* One command; addresses are page numbers or byte offsets in the window. */
struct cmd {
	int32_t c_op;
	int32_t c_flags;
	int32_t c_arg;
	int32_t c_pad;
	uint64_t c_off; /* byte offset of the address */
	uint64_t c_len;
	uint64_t c_len2; /* mremap new length */
	uint64_t c_off2; /* mremap new address (offset) */
};

struct reply {
	int64_t r_ret; /* 0/-1, or for mremap the offset of the result */
	int32_t r_err;
	uint8_t r_vec[NPG];
};

/* The state of one page. */
struct pstate {
	uint8_t ps_mapped;
	uint8_t ps_prot;
	uint8_t ps_res;
	uint64_t ps_hash;
};

struct snap {
	struct pstate s_pg[NPG];
};

static uint64_t
hash_page(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static int
full_read(int fd, void *buf, size_t n)
{
	uint8_t *b = buf;

	while (n > 0) {
		ssize_t r = read(fd, b, n);

		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
full_write(int fd, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	while (n > 0) {
		ssize_t r = write(fd, b, n);

		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 *   T H E   H O S T   H E L P E R
 *
 * No malloc and no stdio after start-up: nothing of the helper's own may
 * land in a hole of the window.
 */

static uint8_t *h_win;
static size_t h_ps;
static char h_maps[1 << 16];

static void
host_snap(struct snap *s)
{
	size_t i, n = 0;
	ssize_t r;
	int fd;
	char *line, *end;
	unsigned char vec;

	memset(s, 0, sizeof(*s));
	fd = open("/proc/self/maps", O_RDONLY);
	while (fd >= 0 && n < sizeof(h_maps) - 1 &&
	    (r = read(fd, h_maps + n, sizeof(h_maps) - 1 - n)) > 0)
		n += (size_t)r;
	if (fd >= 0)
		close(fd);
	h_maps[n] = '\0';
	for (line = h_maps; *line != '\0'; line = end + 1) {
		uintptr_t lo, hi;
		char *q;
		uint8_t prot = 0;

		end = strchr(line, '\n');
		if (end == NULL)
			break;
		lo = (uintptr_t)strtoull(line, &q, 16);
		hi = (uintptr_t)strtoull(q + 1, &q, 16);
		q++;
		if (q[0] == 'r')
			prot |= 1;
		if (q[1] == 'w')
			prot |= 2;
		if (q[2] == 'x')
			prot |= 4;
		for (i = 0; i < NPG; i++) {
			uintptr_t va = (uintptr_t)h_win + i * h_ps;

			if (va >= lo && va < hi) {
				s->s_pg[i].ps_mapped = 1;
				s->s_pg[i].ps_prot = prot;
			}
		}
	}
	for (i = 0; i < NPG; i++) {
		if (!s->s_pg[i].ps_mapped)
			continue;
		vec = 0;
		if (mincore(h_win + i * h_ps, h_ps, &vec) == 0)
			s->s_pg[i].ps_res = vec & 1;
	}
	for (i = 0; i < NPG; i++)
		if (s->s_pg[i].ps_mapped && s->s_pg[i].ps_prot != 0 &&
		    s->s_pg[i].ps_res)
			s->s_pg[i].ps_hash = hash_page(h_win + i * h_ps, h_ps);
}

static void
host_write_pattern(const struct snap *s, uint8_t v)
{
	size_t i;

	for (i = 0; i < NPG; i++)
		if (s->s_pg[i].ps_mapped && (s->s_pg[i].ps_prot & 2) != 0)
			h_win[i * h_ps + (v % 61)] = v;
}

static int
host_prot(int p)
{
	return ((p & 1) ? PROT_READ : 0) | ((p & 2) ? PROT_WRITE : 0) |
	    ((p & 4) ? PROT_EXEC : 0);
}

static int
host_advice(int a)
{
	switch (a) {
	case UVM_MADV_NORMAL:
		return MADV_NORMAL;
	case UVM_MADV_RANDOM:
		return MADV_RANDOM;
	case UVM_MADV_SEQUENTIAL:
		return MADV_SEQUENTIAL;
	case UVM_MADV_WILLNEED:
		return MADV_WILLNEED;
	case UVM_MADV_DONTNEED:
		return MADV_DONTNEED;
	case UVM_MADV_FREE:
		return MADV_FREE;
	case UVM_MADV_DONTFORK:
		return MADV_DONTFORK;
	case UVM_MADV_DOFORK:
		return MADV_DOFORK;
	case UVM_MADV_WIPEONFORK:
		return MADV_WIPEONFORK;
	case UVM_MADV_KEEPONFORK:
		return MADV_KEEPONFORK;
	default:
		return 1000 + a;
	}
}

static void
host_reset(void)
{
	(void)syscall(SYS_munlockall);
	(void)mmap(h_win, NPG * h_ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void
host_main(int in, int out)
{
	static struct cmd c;
	static struct reply r;
	static struct snap s;
	uint8_t *a;
	void *p;
	pid_t pid;
	int st;

	for (;;) {
		if (full_read(in, &c, sizeof(c)) != 0)
			_exit(0);
		memset(&r, 0, sizeof(r));
		a = h_win + c.c_off;
		errno = 0;
		switch (c.c_op) {
		case OP_MMAP:
			p = mmap(a, c.c_len, host_prot(c.c_arg),
			    (c.c_flags & UVM_MAP_SHARED ? MAP_SHARED
							: MAP_PRIVATE) |
				MAP_ANONYMOUS |
				(c.c_flags & UVM_MAP_FIXED_NOREPLACE
					? MAP_FIXED_NOREPLACE
					: MAP_FIXED),
			    -1, 0);
			r.r_ret = p == MAP_FAILED ? -1 : 0;
			break;
		case OP_MUNMAP:
			r.r_ret = munmap(a, c.c_len);
			break;
		case OP_MPROTECT:
			r.r_ret = mprotect(a, c.c_len, host_prot(c.c_arg));
			break;
		case OP_MADVISE:
			r.r_ret = madvise(a, c.c_len, host_advice(c.c_arg));
			break;
		case OP_MLOCK:
			r.r_ret = syscall(SYS_mlock, a, c.c_len);
			break;
		case OP_MUNLOCK:
			r.r_ret = syscall(SYS_munlock, a, c.c_len);
			break;
		case OP_MREMAP:
			p = mremap(
			    a, c.c_len, c.c_len2, c.c_flags, h_win + c.c_off2);
			r.r_ret = p == MAP_FAILED
			    ? -1
			    : (int64_t)((uint8_t *)p - h_win);
			break;
		case OP_MSYNC:
			r.r_ret = msync(a, c.c_len, c.c_arg);
			break;
		case OP_MINCORE:
			r.r_ret = mincore(a, c.c_len, r.r_vec);
			break;
		case OP_WRITE:
			a[c.c_arg % 997] = (uint8_t)c.c_flags;
			break;
		case OP_FORK:
			host_snap(&s);
			pid = fork();
			if (pid == 0) {
				host_snap(&s);
				full_write(out, &s, sizeof(s));
				host_write_pattern(&s, 0xcc);
				_exit(0);
			}
			(void)waitpid(pid, &st, 0);
			break;
		case OP_RESET:
			host_reset();
			break;
		case OP_SNAP:
			host_snap(&s);
			full_write(out, &s, sizeof(s));
			continue;
		case OP_QUIT:
			_exit(0);
		}
		r.r_err = r.r_ret == -1 ? errno : 0;
		full_write(out, &r, sizeof(r));
	}
}

/*
 *   T H E   L I B U V M   S I D E
 */

struct diff {
	struct uvm *d_uvm;
	struct uvm_proc *d_p;
	uint64_t d_ps;
	int d_in, d_out; /* to and from the helper */
	pid_t d_pid;
	struct th_rng d_rng;
	unsigned long d_calls, d_mismatch;
	bool d_locked_seq;   /* mlock was called in this sequence */
	uint32_t d_rid[NPG]; /* region of each page: 0 unmapped */
	uint32_t d_nextrid;
};

/* Give the pages of [off, off + len) region id (or a fresh id each). */
static void
rid_set(struct diff *d, uint64_t off, uint64_t len, uint32_t id, bool each)
{
	uint64_t i, lo = off / d->d_ps,
		    hi = (off + len + d->d_ps - 1) / d->d_ps;

	for (i = lo; i < hi && i < NPG; i++)
		d->d_rid[i] = each ? ++d->d_nextrid : id;
}

static void
uvm_snap(struct uvm_proc *p, uint64_t ps, struct snap *s)
{
	struct uvm_map_entry_info recs[NPG + 2];
	size_t n, i, k;
	static uint8_t buf[65536];

	memset(s, 0, sizeof(*s));
	assert_int_equal(uvm_map_foreach(uvmspace_map(uvm_proc_vmspace(p)),
			     UVM_WIN, recs, NPG + 2, &n),
	    0);
	if (n > NPG + 2)
		n = NPG + 2;
	for (k = 0; k < n; k++) {
		for (i = 0; i < NPG; i++) {
			vaddr_t va = UVM_WIN + i * ps;

			if (va >= recs[k].mi_start && va < recs[k].mi_end) {
				s->s_pg[i].ps_mapped = 1;
				s->s_pg[i].ps_prot = (uint8_t)recs[k].mi_prot;
			}
		}
	}
	for (i = 0; i < NPG; i++) {
		uint8_t v = 0;

		if (!s->s_pg[i].ps_mapped)
			continue;
		if (uvm_mincore(uvmspace_map(uvm_proc_vmspace(p)),
			UVM_WIN + i * ps, ps, &v) == 0)
			s->s_pg[i].ps_res = v;
	}
	for (i = 0; i < NPG; i++) {
		if (!s->s_pg[i].ps_mapped || s->s_pg[i].ps_prot == 0 ||
		    !s->s_pg[i].ps_res)
			continue;
		assert_int_equal(uvm_copyin(uvm_proc_vmspace(p),
				     UVM_WIN + i * ps, buf, ps, NULL),
		    0);
		s->s_pg[i].ps_hash = hash_page(buf, ps);
	}
}

static void
uvm_write_pattern(
    struct uvm_proc *p, uint64_t ps, const struct snap *s, uint8_t v)
{
	size_t i;

	for (i = 0; i < NPG; i++)
		if (s->s_pg[i].ps_mapped && (s->s_pg[i].ps_prot & 2) != 0)
			assert_int_equal(
			    uvm_copyout(uvm_proc_vmspace(p), &v,
				UVM_WIN + i * ps + (v % 61), 1, NULL),
			    0);
}

static const char *op_names[] = {"mmap", "munmap", "mprotect", "madvise",
    "mlock", "munlock", "mremap", "msync", "mincore", "write", "fork", "reset",
    "snap", "quit"};

/* Compare two snapshots; print and count the differences. */
static bool
snap_equal(struct diff *d, const struct snap *h, const struct snap *u,
    const char *what)
{
	size_t i;
	bool eq = true;

	for (i = 0; i < NPG; i++) {
		const struct pstate *a = &h->s_pg[i], *b = &u->s_pg[i];

		if (a->ps_mapped != b->ps_mapped || a->ps_prot != b->ps_prot ||
		    a->ps_res != b->ps_res || a->ps_hash != b->ps_hash) {
			if (eq)
				fprintf(stderr,
				    "%s: page %zu: host mapped %d prot %d res "
				    "%d "
				    "hash %016llx, libuvm %d %d %d %016llx\n",
				    what, i, a->ps_mapped, a->ps_prot,
				    a->ps_res, (unsigned long long)a->ps_hash,
				    b->ps_mapped, b->ps_prot, b->ps_res,
				    (unsigned long long)b->ps_hash);
			eq = false;
		}
	}
	if (!eq)
		d->d_mismatch++;
	return eq;
}

/*
 * Linux maps its shared zero page for read faults of private anonymous
 * memory (also when mlock populates a read-only range), and fork copies
 * no page tables of a mapping that never had a private page (no
 * anon_vma), so the child sees such pages as not resident.  libuvm has no
 * zero page.  In a child's snapshot a resident page of zeros counts as
 * absent on both sides.
 */
static void
zero_as_absent(struct snap *s, uint64_t ps)
{
	static uint8_t zero[65536];
	uint64_t zh = hash_page(zero, ps);
	size_t i;

	for (i = 0; i < NPG; i++)
		if (s->s_pg[i].ps_res && s->s_pg[i].ps_hash == zh) {
			s->s_pg[i].ps_res = 0;
			s->s_pg[i].ps_hash = 0;
		}
}

/* The page range [lo, hi) of the window, possibly with a small slop. */
static void
pick_range(struct diff *d, uint64_t *off, uint64_t *len)
{
	uint64_t a = th_rng_below(&d->d_rng, NPG);
	uint64_t n = 1 + th_rng_below(&d->d_rng, 8);

	if (a + n > NPG)
		n = NPG - a;
	*off = a * d->d_ps;
	*len = n * d->d_ps;
	switch (th_rng_below(&d->d_rng, 16)) {
	case 0:
		*len = 0;
		break;
	case 1:
		*len -= d->d_ps / 2; /* unaligned length */
		break;
	case 2:
		if (*off != 0)
			*off -= 3; /* unaligned address, inside */
		break;
	default:
		break;
	}
}

static const int advices[] = {UVM_MADV_NORMAL, UVM_MADV_RANDOM,
    UVM_MADV_SEQUENTIAL, UVM_MADV_WILLNEED, UVM_MADV_DONTNEED, UVM_MADV_FREE,
    UVM_MADV_DONTFORK, UVM_MADV_DOFORK, UVM_MADV_WIPEONFORK,
    UVM_MADV_KEEPONFORK, 77};
/*
 * PROT_WRITE alone is not generated: libuvm's fault handler maps a
 * copy-on-write page of a write-only entry with no access at all on a
 * read fault (reported; the x86 rule is applied to the check but not to
 * the entered protection).
 */
static const int prots[] = {0, 1, 3, 5, 7, 3, 3, 1};

/* Pages of [off, off + len) have one attribute set (a single VMA)? */
static bool
uniform_p(const struct snap *s, uint64_t ps, uint64_t off, uint64_t len)
{
	uint64_t i, lo = off / ps, hi = (off + len + ps - 1) / ps;

	if (hi > NPG || lo >= hi)
		return false;
	for (i = lo; i < hi; i++)
		if (!s->s_pg[i].ps_mapped ||
		    s->s_pg[i].ps_prot != s->s_pg[lo].ps_prot)
			return false;
	return true;
}

/*
 * Pages of [off, off + len) come from one mmap and were not changed since
 * (one VMA on the host whatever its merging rules).
 */
static bool
same_region_p(struct diff *d, uint64_t off, uint64_t len)
{
	uint64_t i, lo = off / d->d_ps,
		    hi = (off + len + d->d_ps - 1) / d->d_ps;

	for (i = lo; i < hi; i++)
		if (i >= NPG || d->d_rid[i] == 0 || d->d_rid[i] != d->d_rid[lo])
			return false;
	return true;
}

/* Do one random operation on both sides and compare. */
static void
one_op(
    struct diff *d, struct snap *last, uint8_t *shared_pages, uint8_t *dforked)
{
	struct uvm_proc *p = d->d_p;
	struct cmd c;
	struct reply r;
	struct snap hs, us, hc, uc;
	struct uvm_proc *child;
	int64_t uret = 0;
	int uerr = 0, k;
	vaddr_t ua, res;
	uint8_t uvec[NPG];
	char what[128];

	memset(&c, 0, sizeof(c));
	memset(uvec, 0, sizeof(uvec));
	c.c_op = (int)th_rng_below(&d->d_rng, OP_FORK + 1);
	pick_range(d, &c.c_off, &c.c_len);
	ua = UVM_WIN + c.c_off;
	switch (c.c_op) {
	case OP_MMAP:
		c.c_off -= c.c_off % d->d_ps;
		ua = UVM_WIN + c.c_off;
		if (c.c_len == 0 || c.c_len % d->d_ps != 0)
			c.c_len = d->d_ps;
		c.c_arg = prots[th_rng_below(&d->d_rng, 8)];
		c.c_flags =
		    (th_rng_below(&d->d_rng, 4) == 0 ? UVM_MAP_SHARED
						     : UVM_MAP_PRIVATE) |
		    (th_rng_below(&d->d_rng, 8) == 0 ? UVM_MAP_FIXED_NOREPLACE
						     : UVM_MAP_FIXED);
		uerr = uvm_sys_mmap(p, ua, c.c_len, c.c_arg,
		    (c.c_flags | UVM_MAP_ANON), -1, 0, &res);
		break;
	case OP_MUNMAP:
		uerr = uvm_sys_munmap(p, ua, c.c_len);
		break;
	case OP_MPROTECT:
		c.c_arg = prots[th_rng_below(&d->d_rng, 8)];
		uerr = uvm_sys_mprotect(p, ua, c.c_len, c.c_arg);
		break;
	case OP_MADVISE:
		c.c_arg =
		    advices[th_rng_below(&d->d_rng, __arraycount(advices))];
		if (c.c_arg == UVM_MADV_DOFORK) {
			/* DOFORK after DONTFORK+WIPEONFORK: not generated. */
			for (k = 0; k < NPG; k++)
				if (dforked[k] == 3 &&
				    (uint64_t)k * d->d_ps < c.c_off + c.c_len &&
				    (uint64_t)(k + 1) * d->d_ps > c.c_off)
					c.c_arg = UVM_MADV_NORMAL;
		}
		uerr = uvm_sys_madvise(p, ua, c.c_len, c.c_arg);
		break;
	case OP_MLOCK:
		d->d_locked_seq = true;
		uerr = uvm_sys_mlock(p, ua, c.c_len);
		break;
	case OP_MUNLOCK:
		uerr = uvm_sys_munlock(p, ua, c.c_len);
		break;
	case OP_MREMAP: {
		/* One uniform private mapping moves or changes size. */
		uint64_t off = c.c_off - c.c_off % d->d_ps, len = c.c_len;

		if (len == 0)
			len = d->d_ps;
		len = (len + d->d_ps - 1) / d->d_ps * d->d_ps;
		if (!uniform_p(last, d->d_ps, off, len) ||
		    shared_pages[off / d->d_ps] ||
		    !same_region_p(d, off, len) || d->d_locked_seq) {
			c.c_op = OP_MSYNC;
			c.c_arg = UVM_MS_ASYNC;
			uerr = uvm_sys_msync(p, ua, c.c_len, c.c_arg);
			break;
		}
		c.c_off = off;
		ua = UVM_WIN + off;
		c.c_len = len;
		switch (th_rng_below(&d->d_rng, 4)) {
		case 0: /* shrink or grow in place, inside the window */
			c.c_len2 = d->d_ps * (1 + th_rng_below(&d->d_rng, 6));
			if (off + c.c_len2 > NPG * d->d_ps)
				c.c_len2 = NPG * d->d_ps - off;
			c.c_flags = 0;
			break;
		case 1: /* move to a fixed place */
			c.c_len2 = d->d_ps * (1 + th_rng_below(&d->d_rng, 6));
			c.c_off2 = d->d_ps * th_rng_below(&d->d_rng, NPG - 6);
			c.c_flags = UVM_MREMAP_MAYMOVE | UVM_MREMAP_FIXED;
			break;
		case 2: /* DONTUNMAP to a fixed place */
			c.c_len2 = len;
			c.c_off2 = d->d_ps * th_rng_below(&d->d_rng, NPG - 8);
			c.c_flags = UVM_MREMAP_MAYMOVE | UVM_MREMAP_FIXED |
			    UVM_MREMAP_DONTUNMAP;
			break;
		default: /* bad flags */
			c.c_len2 = len;
			c.c_flags = UVM_MREMAP_FIXED;
			break;
		}
		if (c.c_off2 + c.c_len2 > NPG * d->d_ps)
			c.c_len2 = NPG * d->d_ps - c.c_off2;
		uerr = uvm_sys_mremap_linux(p, ua, c.c_len, c.c_len2, c.c_flags,
		    UVM_WIN + c.c_off2, &res);
		uret = uerr == 0 ? (int64_t)(res - UVM_WIN) : -1;
		break;
	}
	case OP_MSYNC:
		c.c_arg = (int)th_rng_below(&d->d_rng, 8);
		uerr = uvm_sys_msync(p, ua, c.c_len, c.c_arg);
		break;
	case OP_MINCORE:
		uerr = uvm_sys_mincore(p, ua, c.c_len, UVM_VEC);
		if (uerr == 0)
			assert_int_equal(uvm_copyin(uvm_proc_vmspace(p),
					     UVM_VEC, uvec, NPG, NULL),
			    0);
		break;
	case OP_WRITE: {
		uint64_t pg = c.c_off / d->d_ps;

		if (!last->s_pg[pg].ps_mapped ||
		    (last->s_pg[pg].ps_prot & 2) == 0) {
			c.c_op = OP_MUNLOCK;
			uerr = uvm_sys_munlock(p, ua, c.c_len);
			break;
		}
		c.c_off = pg * d->d_ps;
		c.c_arg = (int)th_rng_below(&d->d_rng, 4096);
		c.c_flags = (int)(1 + th_rng_below(&d->d_rng, 255));
		{
			uint8_t v = (uint8_t)c.c_flags;

			assert_int_equal(
			    uvm_copyout(uvm_proc_vmspace(p), &v,
				UVM_WIN + c.c_off + c.c_arg % 997, 1, NULL),
			    0);
		}
		break;
	}
	case OP_FORK:
		uvm_snap(p, d->d_ps, &us);
		break;
	}
	if (uerr != 0)
		uret = -1;

	if (getenv("UVM_DIFF_TRACE") != NULL && c.c_op == OP_MREMAP)
		uvm_map_printit(
		    uvmspace_map(uvm_proc_vmspace(p)), true, stderr);
	if (getenv("UVM_DIFF_TRACE") != NULL)
		fprintf(stderr,
		    "  op %s off %#llx len %#llx arg %d flags %#x "
		    "len2 %#llx off2 %#llx -> %d\n",
		    op_names[c.c_op], (unsigned long long)c.c_off,
		    (unsigned long long)c.c_len, c.c_arg, c.c_flags,
		    (unsigned long long)c.c_len2, (unsigned long long)c.c_off2,
		    uerr);
	assert_int_equal(full_write(d->d_in, &c, sizeof(c)), 0);
	if (c.c_op == OP_FORK) {
		/* The child's view, then its writes, then the parent's. */
		assert_int_equal(full_read(d->d_out, &hc, sizeof(hc)), 0);
		assert_int_equal(uvm_proc_fork(p, 0, &child), 0);
		uvm_snap(child, d->d_ps, &uc);
		uvm_write_pattern(child, d->d_ps, &uc, 0xcc);
		uvm_proc_exit(child);
		zero_as_absent(&hc, d->d_ps);
		zero_as_absent(&uc, d->d_ps);
		snap_equal(d, &hc, &uc, "fork: child");
	}
	assert_int_equal(full_read(d->d_out, &r, sizeof(r)), 0);
	d->d_calls++;
	snprintf(what, sizeof(what),
	    "%s(off %#llx, len %#llx, arg %d, flags %#x, len2 %#llx, off2 "
	    "%#llx)",
	    op_names[c.c_op], (unsigned long long)c.c_off,
	    (unsigned long long)c.c_len, c.c_arg, c.c_flags,
	    (unsigned long long)c.c_len2, (unsigned long long)c.c_off2);
	if (r.r_ret != uret || r.r_err != uerr) {
		fprintf(stderr, "%s: host %lld/%d, libuvm %lld/%d\n", what,
		    (long long)r.r_ret, r.r_err, (long long)uret, uerr);
		if (getenv("UVM_DIFF_TRACE") != NULL)
			uvm_map_printit(
			    uvmspace_map(uvm_proc_vmspace(p)), true, stderr);
		d->d_mismatch++;
	}
	if (c.c_op == OP_MINCORE && uerr == 0 && r.r_err == 0) {
		uint64_t npg = (c.c_len + d->d_ps - 1) / d->d_ps;

		if (memcmp(r.r_vec, uvec, npg) != 0) {
			fprintf(stderr, "%s: vectors differ\n", what);
			d->d_mismatch++;
		}
	}
	switch (c.c_op) {
	case OP_MMAP:
		if (uerr == 0)
			rid_set(d, c.c_off, c.c_len, ++d->d_nextrid, false);
		break;
	case OP_MUNMAP:
		if (uerr == 0)
			rid_set(d, c.c_off, c.c_len, 0, false);
		break;
	case OP_MPROTECT:
	case OP_MADVISE:
	case OP_MLOCK:
	case OP_MUNLOCK:
		rid_set(d, c.c_off - c.c_off % d->d_ps,
		    c.c_len + c.c_off % d->d_ps, 0, true);
		break;
	case OP_MREMAP:
		if (uerr == 0) {
			if ((c.c_flags & UVM_MREMAP_DONTUNMAP) != 0)
				rid_set(d, c.c_off, c.c_len, 0, true);
			else
				rid_set(d, c.c_off, c.c_len, 0, false);
			rid_set(
			    d, (uint64_t)uret, c.c_len2, ++d->d_nextrid, false);
		}
		break;
	default:
		break;
	}
	if (c.c_op == OP_MMAP && uerr == 0) {
		for (k = 0; k < (int)(c.c_len / d->d_ps) &&
		     c.c_off / d->d_ps + (uint64_t)k < NPG;
		     k++)
			shared_pages[c.c_off / d->d_ps + (uint64_t)k] =
			    (c.c_flags & UVM_MAP_SHARED) != 0;
	}
	if (c.c_op == OP_MREMAP && uerr == 0) {
		for (k = 0; k < (int)(c.c_len2 / d->d_ps) &&
		     (uint64_t)uret / d->d_ps + (uint64_t)k < NPG;
		     k++)
			shared_pages[(uint64_t)uret / d->d_ps + (uint64_t)k] =
			    0;
	}
	if (c.c_op == OP_MADVISE && uerr == 0) {
		uint64_t lo = c.c_off / d->d_ps;
		uint64_t hi = (c.c_off + c.c_len + d->d_ps - 1) / d->d_ps;

		for (; lo < hi && lo < NPG; lo++) {
			if (c.c_arg == UVM_MADV_DONTFORK)
				dforked[lo] |= 1;
			if (c.c_arg == UVM_MADV_WIPEONFORK)
				dforked[lo] |= 2;
		}
	}
	(void)uret;
	c.c_op = OP_SNAP;
	assert_int_equal(full_write(d->d_in, &c, sizeof(c)), 0);
	assert_int_equal(full_read(d->d_out, &hs, sizeof(hs)), 0);
	uvm_snap(p, d->d_ps, &us);
	snap_equal(d, &hs, &us, what);
	*last = hs;
}

static void
reset_both(struct diff *d)
{
	struct cmd c = {.c_op = OP_RESET};
	struct reply r;
	vaddr_t res;

	(void)uvm_sys_munlockall(d->d_p);
	assert_int_equal(
	    uvm_sys_mmap(d->d_p, UVM_WIN, NPG * d->d_ps, 0,
		UVM_MAP_ANON | UVM_MAP_PRIVATE | UVM_MAP_FIXED, -1, 0, &res),
	    0);
	assert_int_equal(full_write(d->d_in, &c, sizeof(c)), 0);
	assert_int_equal(full_read(d->d_out, &r, sizeof(r)), 0);
}

static void
test_diff_host(void **state)
{
	struct diff d;
	struct uvm_proc_config pc;
	struct snap last;
	uint8_t shared[NPG], dforked[NPG];
	struct rlimit hrl;
	int tohost[2], fromhost[2], seq, op, k;
	vaddr_t res;
	const char *env = getenv("UVM_DIFF_SEQS");
	int nseq = env != NULL ? atoi(env) : NSEQ;

	memset(&d, 0, sizeof(d));
	d.d_uvm = TH_UVM(state);
	d.d_ps = uvm_pagesize(d.d_uvm);
	if (d.d_ps != (uint64_t)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "page sizes differ: skipped\n");
		skip();
	}
	assert_int_equal(pipe(tohost), 0);
	assert_int_equal(pipe(fromhost), 0);
	h_ps = d.d_ps;
	h_win = mmap(NULL, NPG * h_ps, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(h_win != MAP_FAILED);
	d.d_pid = fork();
	assert_true(d.d_pid >= 0);
	if (d.d_pid == 0) {
		close(tohost[1]);
		close(fromhost[0]);
		host_main(tohost[0], fromhost[1]);
		_exit(0);
	}
	close(tohost[0]);
	close(fromhost[1]);
	(void)munmap(h_win, NPG * h_ps); /* ours: the helper keeps its own */
	d.d_in = tohost[1];
	d.d_out = fromhost[0];

	uvm_proc_config_init(d.d_uvm, &pc);
	pc.pc_personality = UVM_PERS_LINUX;
	pc.pc_privileged = geteuid() == 0;
	assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &hrl), 0);
	pc.pc_limits[UVM_RLIMIT_MEMLOCK].rlim_cur =
	    hrl.rlim_cur == RLIM_INFINITY ? UVM_RLIM_INFINITY : hrl.rlim_cur;
	pc.pc_limits[UVM_RLIMIT_MEMLOCK].rlim_max =
	    hrl.rlim_max == RLIM_INFINITY ? UVM_RLIM_INFINITY : hrl.rlim_max;
	assert_int_equal(uvm_proc_create(d.d_uvm, &pc, &d.d_p), 0);
	assert_int_equal(
	    uvm_sys_mmap(d.d_p, UVM_VEC, d.d_ps, 3,
		UVM_MAP_ANON | UVM_MAP_PRIVATE | UVM_MAP_FIXED, -1, 0, &res),
	    0);
	th_rng_seed(&d.d_rng,
	    getenv("UVM_DIFF_SEED") != NULL
		? strtoull(getenv("UVM_DIFF_SEED"), NULL, 0)
		: 20240601);
	for (seq = 0; seq < nseq && d.d_mismatch < 20; seq++) {
		if (getenv("UVM_DIFF_TRACE") != NULL)
			fprintf(stderr, "sequence %d\n", seq);
		reset_both(&d);
		for (k = 0; k < NPG; k++)
			d.d_rid[k] = 1;
		d.d_nextrid = 1;
		d.d_locked_seq = false;
		memset(&last, 0, sizeof(last));
		memset(dforked, 0, sizeof(dforked));
		for (k = 0; k < NPG; k++) {
			last.s_pg[k].ps_mapped = 1;
			shared[k] = 0;
		}
		for (op = 0; op < NOPS && d.d_mismatch < 20; op++) {
			one_op(&d, &last, shared, dforked);
			/* Remember which pages are shared memory (the
       * generator keeps mremap away from them). */
			for (k = 0; k < NPG; k++)
				if (!last.s_pg[k].ps_mapped)
					shared[k] = 0;
		}
	}
	{
		struct cmd c = {.c_op = OP_QUIT};

		(void)full_write(d.d_in, &c, sizeof(c));
	}
	(void)waitpid(d.d_pid, NULL, 0);
	close(d.d_in);
	close(d.d_out);
	fprintf(stderr, "%d sequences, %lu calls, %lu mismatches\n", seq,
	    d.d_calls, d.d_mismatch);
	uvm_proc_exit(d.d_p);
	assert_int_equal(d.d_mismatch, 0);
}

static int
setup(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 64u << 20;
	cfg.uc_diagnostic = 1; /* the checkers at teardown only: speed */
	return th_setup_cfg(state, &cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_diff_host, setup, th_teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
