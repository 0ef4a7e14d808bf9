/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_diff_host_fork.c: differential test of anonymous memory and fork
 * against the host kernel.
 *
 * A seeded generator produces random sequences of operations: private and
 * shared anonymous mappings (MAP_FIXED into an arena), unmapping,
 * protection changes, inheritance (minherit NONE/ZERO against the host's
 * madvise DONTFORK/WIPEONFORK), writes of patterns, fork, and exit.  Each sequence
 * runs twice at once: in a libuvm machine (one vmspace per simulated
 * process) and in real host processes doing the same mmap/mprotect/fork.
 * After every step the state of every page of the arena in every process
 * is compared: readable, writable, and a hash of the contents.
 *
 * Host side.  Each host process runs a command loop on a socket to the
 * test.  A fork command carries a new socket (SCM_RIGHTS) for the child.
 * Probing uses no signal handler: a byte written to a pipe from the page
 * tells whether it is readable (EFAULT otherwise), a byte read from a pipe
 * into the page whether it is writable (the byte is the page's own, so
 * the contents do not change).  "Unmapped" pages in the host are PROT_NONE
 * reservations, so that nothing else of the host process lands in the
 * arena; they probe exactly like holes.
 *
 * Environment: UVM_DIFF_SEQS (sequences, default 2000), UVM_DIFF_SEED.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../unit/t_fault.h"

/*
 * Under valgrind, the host processes' probes (deliberate EFAULTs from
 * write(2)) would be reported as errors; they are the host's side, not
 * code under test, so reporting is switched off in them.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HOST_QUIET_VALGRIND() VALGRIND_DISABLE_ERROR_REPORTING
#endif
#endif
#ifndef HOST_QUIET_VALGRIND
#define HOST_QUIET_VALGRIND() ((void)0)
#endif

#define NPG      32 /* pages in the arena */
#define MAXPROC  6  /* live processes at most */
#define NSTEPS   24 /* operations per sequence */
#define UVM_BASE 0x100000000ull

enum {
	OP_MAPPRIV = 1,
	OP_MAPSHARED,
	OP_UNMAP,
	OP_PROTECT,
	OP_WRITE,
	OP_FORK,
	OP_EXIT,
	OP_PROBE
};

struct cmd {
	uint32_t c_op;
	uint32_t c_page, c_npages, c_prot;
	uint64_t c_seed;
};

struct probe {
	uint8_t p_state[NPG]; /* bit 0 readable, bit 1 writable */
	uint64_t p_hash[NPG];
};

/* ---------------------------------------------------------------------- */
/* The host side. */

static uint8_t *host_arena;
static size_t host_pgsz;

static uint8_t
pat(uint64_t seed, uint64_t off)
{
	uint64_t x = (off >> 3) * 0x9e3779b97f4a7c15ull + seed;

	x ^= x >> 29;
	return (uint8_t)(x ^ (off & 7));
}

static uint64_t
fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static int
host_prot(uint32_t p)
{
	return (p & VM_PROT_READ ? PROT_READ : 0) |
	    (p & VM_PROT_WRITE ? PROT_WRITE : 0);
}

static int
xread(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
xwrite(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
send_fd(int sock, const struct cmd *c, int fd)
{
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct cmsghdr *cm;

	memset(&msg, 0, sizeof(msg));
	memset(&u, 0, sizeof(u));
	iov.iov_base = (void *)(uintptr_t)c;
	iov.iov_len = sizeof(*c);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == (ssize_t)sizeof(*c) ? 0 : -1;
}

static int
recv_cmd(int sock, struct cmd *c, int *fdp)
{
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct cmsghdr *cm;
	ssize_t r;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = c;
	iov.iov_len = sizeof(*c);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	do
		r = recvmsg(sock, &msg, MSG_WAITALL);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof(*c))
		return -1;
	*fdp = -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fdp, CMSG_DATA(cm), sizeof(int));
	return 0;
}

static void
host_probe(int pipefd[2], struct probe *pr)
{
	for (int i = 0; i < NPG; i++) {
		uint8_t *p = host_arena + (size_t)i * host_pgsz, b, junk;

		pr->p_state[i] = 0;
		pr->p_hash[i] = 0;
		if (write(pipefd[1], p, 1) != 1)
			continue;
		(void)read(pipefd[0], &b, 1);
		pr->p_state[i] |= 1;
		pr->p_hash[i] = fnv(p, host_pgsz);
		(void)write(pipefd[1], &b, 1);
		if (read(pipefd[0], p, 1) == 1)
			pr->p_state[i] |= 2;
		else
			(void)read(pipefd[0], &junk, 1);
	}
}

/* The command loop of one host process; never returns. */
static void __attribute__((noreturn)) host_loop(int sock)
{
	int pipefd[2], fd, err;
	struct probe pr;
	struct cmd c;

	/* Children are reaped by the system: the test waits for EOF. */
	HOST_QUIET_VALGRIND();
	signal(SIGCHLD, SIG_IGN);
	if (pipe(pipefd) != 0)
		_exit(2);
	for (;;) {
		if (recv_cmd(sock, &c, &fd) != 0)
			_exit(0);
		uint8_t *p = host_arena + (size_t)c.c_page * host_pgsz;
		size_t len = (size_t)c.c_npages * host_pgsz;

		err = 0;
		switch (c.c_op) {
		case OP_MAPPRIV:
		case OP_MAPSHARED:
			if (mmap(p, len, host_prot(c.c_prot),
				(c.c_op == OP_MAPPRIV ? MAP_PRIVATE
						      : MAP_SHARED) |
				    MAP_ANONYMOUS | MAP_FIXED,
				-1, 0) == MAP_FAILED)
				err = errno;
			break;
		case OP_UNMAP:
			if (mmap(p, len, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				    MAP_NORESERVE,
				-1, 0) == MAP_FAILED)
				err = errno;
			break;
		case OP_PROTECT:
			if (mprotect(p, len, host_prot(c.c_prot)) != 0)
				err = errno;
			break;
		case OP_WRITE:
			for (size_t i = 0; i < len; i++)
				p[i] = pat(
				    c.c_seed, (size_t)c.c_page * host_pgsz + i);
			break;
		case OP_FORK: {
			pid_t pid = fork();

			if (pid == 0) {
				close(sock);
				close(pipefd[0]);
				close(pipefd[1]);
				host_loop(fd);
			}
			close(fd);
			if (pid < 0)
				err = errno;
			else
				err = -(int)pid; /* the pid, for waitpid */
			break;
		}
		case OP_EXIT:
			_exit(0);
		case OP_PROBE:
			host_probe(pipefd, &pr);
			if (xwrite(sock, &pr, sizeof(pr)) != 0)
				_exit(3);
			continue;
		default:
			_exit(4);
		}
		if (xwrite(sock, &err, sizeof(err)) != 0)
			_exit(5);
	}
}

/* ---------------------------------------------------------------------- */
/* The driver: one simulated process = one vmspace + one host process. */

struct proc {
	struct vmspace *pr_vm;
	int pr_sock;
	pid_t pr_pid;
	/* The model the generator uses to pick sensible operations. */
	uint8_t pr_mapped[NPG]; /* 0 hole, 1 private, 2 shared */
	uint8_t pr_prot[NPG];
};

struct world {
	struct uvm *w_uvm;
	struct proc w_procs[MAXPROC];
	int w_nprocs;
	pid_t w_rootpid;
	struct th_rng w_rng;
	uint64_t w_steps;
	char w_log[4096];
	size_t w_loglen;
};

static void __attribute__((format(printf, 2, 3)))
wlog(struct world *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->w_loglen >= sizeof(w->w_log) - 64)
		return;
	va_start(ap, fmt);
	n = vsnprintf(
	    w->w_log + w->w_loglen, sizeof(w->w_log) - w->w_loglen, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->w_loglen += (size_t)n;
}

static int
host_cmd(struct proc *p, uint32_t op, uint32_t page, uint32_t npages,
    uint32_t prot, uint64_t seed)
{
	struct cmd c = {op, page, npages, prot, seed};
	int err;

	assert_int_equal(xwrite(p->pr_sock, &c, sizeof(c)), 0);
	if (op == OP_EXIT)
		return 0;
	assert_int_equal(xread(p->pr_sock, &err, sizeof(err)), 0);
	return err;
}

static void
uvm_probe(struct proc *p, struct probe *pr)
{
	struct uvm *uvm = p->pr_vm->vm_map.uvm;
	uint8_t buf[65536];
	size_t pgsz = (size_t)UVM_PAGE_SIZE(uvm);

	for (int i = 0; i < NPG; i++) {
		vaddr_t va = UVM_BASE + (vaddr_t)i * pgsz;

		pr->p_state[i] = 0;
		pr->p_hash[i] = 0;
		if (uvm_copyin(p->pr_vm, va, buf, pgsz, NULL) != 0)
			continue;
		pr->p_state[i] |= 1;
		pr->p_hash[i] = fnv(buf, pgsz);
		if (uvm_access(p->pr_vm, va, 1, VM_PROT_WRITE) == 0)
			pr->p_state[i] |= 2;
	}
}

static void
compare_all(struct world *w)
{
	struct probe hp, up;

	for (int i = 0; i < w->w_nprocs; i++) {
		struct proc *p = &w->w_procs[i];
		struct cmd c = {OP_PROBE, 0, 0, 0, 0};

		assert_int_equal(xwrite(p->pr_sock, &c, sizeof(c)), 0);
		assert_int_equal(xread(p->pr_sock, &hp, sizeof(hp)), 0);
		uvm_probe(p, &up);
		for (int pg = 0; pg < NPG; pg++) {
			if (hp.p_state[pg] == up.p_state[pg] &&
			    hp.p_hash[pg] == up.p_hash[pg])
				continue;
			fprintf(stderr, "%s", w->w_log);
			fail_msg("proc %d page %d: host state %u hash %016llx, "
				 "libuvm state %u hash %016llx",
			    i, pg, hp.p_state[pg],
			    (unsigned long long)hp.p_hash[pg], up.p_state[pg],
			    (unsigned long long)up.p_hash[pg]);
		}
	}
}

static uint32_t
rnd(struct world *w, uint32_t n)
{
	return (uint32_t)th_rng_below(&w->w_rng, n);
}

static const uint32_t prots[] = {
    VM_PROT_NONE, VM_PROT_READ, VM_PROT_READ | VM_PROT_WRITE};

static void
op_map(struct world *w, struct proc *p, bool shared)
{
	struct uvm *uvm = w->w_uvm;
	uint32_t page = rnd(w, NPG), n = 1 + rnd(w, 6), prot;
	struct uvm_object *uobj = NULL;
	vaddr_t va;
	int error;

	if (page + n > NPG)
		n = NPG - page;
	prot = prots[1 + rnd(w, 2)];
	if (rnd(w, 8) == 0)
		prot = VM_PROT_NONE;
	wlog(w, "map%s %u+%u prot %u\n", shared ? "shared" : "priv", page, n,
	    prot);
	va = UVM_BASE + tf_pg(uvm, page);
	if (shared) {
		uobj = uao_create(uvm, tf_pg(uvm, n), 0);
		assert_non_null(uobj);
	}
	error = uvm_map(&p->pr_vm->vm_map, &va, tf_pg(uvm, n), uobj,
	    shared ? 0 : UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(prot, VM_PROT_ALL,
		shared ? UVM_INH_SHARE : UVM_INH_COPY, UVM_ADV_NORMAL,
		UVM_FLAG_FIXED | UVM_FLAG_UNMAP |
		    (shared ? 0 : UVM_FLAG_COPYONW)));
	assert_int_equal(error, 0);
	assert_int_equal(
	    host_cmd(p, shared ? OP_MAPSHARED : OP_MAPPRIV, page, n, prot, 0),
	    0);
	for (uint32_t i = page; i < page + n; i++) {
		p->pr_mapped[i] = shared ? 2 : 1;
		p->pr_prot[i] = (uint8_t)prot;
	}
}

static void
op_unmap(struct world *w, struct proc *p)
{
	struct uvm *uvm = w->w_uvm;
	uint32_t page = rnd(w, NPG), n = 1 + rnd(w, 8);

	if (page + n > NPG)
		n = NPG - page;
	wlog(w, "unmap %u+%u\n", page, n);
	assert_int_equal(
	    uvm_unmap(&p->pr_vm->vm_map, UVM_BASE + tf_pg(uvm, page),
		UVM_BASE + tf_pg(uvm, page + n)),
	    0);
	assert_int_equal(host_cmd(p, OP_UNMAP, page, n, 0, 0), 0);
	for (uint32_t i = page; i < page + n; i++)
		p->pr_mapped[i] = p->pr_prot[i] = 0;
}

/* Protect a range that is mapped throughout (hole semantics differ). */
static void
op_protect(struct world *w, struct proc *p)
{
	struct uvm *uvm = w->w_uvm;
	uint32_t page = rnd(w, NPG), n = 1, prot = prots[rnd(w, 3)];

	if (!p->pr_mapped[page])
		return;
	while (
	    page + n < NPG && p->pr_mapped[page + n] && n < 8 && rnd(w, 4) != 0)
		n++;
	wlog(w, "protect %u+%u prot %u\n", page, n, prot);
	assert_int_equal(
	    uvm_map_protect(&p->pr_vm->vm_map, UVM_BASE + tf_pg(uvm, page),
		UVM_BASE + tf_pg(uvm, page + n), prot, false),
	    0);
	assert_int_equal(host_cmd(p, OP_PROTECT, page, n, prot, 0), 0);
	for (uint32_t i = page; i < page + n; i++)
		p->pr_prot[i] = (uint8_t)prot;
}

static void
op_write(struct world *w, struct proc *p)
{
	struct uvm *uvm = w->w_uvm;
	uint32_t page = rnd(w, NPG), n = 1;
	uint64_t seed = th_rng_next(&w->w_rng) | 1;
	uint8_t buf[65536];
	size_t pgsz = (size_t)UVM_PAGE_SIZE(uvm);

	if (p->pr_prot[page] != (VM_PROT_READ | VM_PROT_WRITE))
		return;
	while (page + n < NPG &&
	    p->pr_prot[page + n] == (VM_PROT_READ | VM_PROT_WRITE) && n < 4 &&
	    rnd(w, 2) != 0)
		n++;
	wlog(w, "write %u+%u\n", page, n);
	for (uint32_t i = page; i < page + n; i++) {
		for (size_t j = 0; j < pgsz; j++)
			buf[j] = pat(seed, (uint64_t)i * pgsz + j);
		assert_int_equal(uvm_copyout(p->pr_vm, buf,
				     UVM_BASE + tf_pg(uvm, i), pgsz, NULL),
		    0);
	}
	assert_int_equal(host_cmd(p, OP_WRITE, page, n, 0, seed), 0);
}

static void
op_fork(struct world *w, int pi)
{
	struct proc *p = &w->w_procs[pi], *c;
	struct cmd cmd = {OP_FORK, 0, 0, 0, 0};
	int sv[2], err;

	if (w->w_nprocs == MAXPROC)
		return;
	wlog(w, "fork %d -> %d\n", pi, w->w_nprocs);
	c = &w->w_procs[w->w_nprocs];
	*c = *p;
	assert_int_equal(uvmspace_fork(p->pr_vm, &c->pr_vm), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(send_fd(p->pr_sock, &cmd, sv[1]), 0);
	close(sv[1]);
	assert_int_equal(xread(p->pr_sock, &err, sizeof(err)), 0);
	assert_true(err < 0);
	c->pr_pid = -err;
	c->pr_sock = sv[0];
	w->w_nprocs++;
}

static void
proc_exit(struct world *w, int pi)
{
	struct proc *p = &w->w_procs[pi];
	int status;

	uint8_t b;

	wlog(w, "exit %d\n", pi);
	uvmspace_free(p->pr_vm);
	(void)host_cmd(p, OP_EXIT, 0, 0, 0, 0);
	/* End of file: the process is gone (its parent reaps it). */
	assert_int_equal(read(p->pr_sock, &b, 1), 0);
	close(p->pr_sock);
	if (p->pr_pid == w->w_rootpid) {
		assert_int_equal(waitpid(p->pr_pid, &status, 0), p->pr_pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	w->w_procs[pi] = w->w_procs[w->w_nprocs - 1];
	w->w_nprocs--;
}

/* One sequence, from a root process with an empty arena. */
static void
run_sequence(struct world *w, uint64_t seed)
{
	int sv[2];
	pid_t pid;
	struct proc *root = &w->w_procs[0];

	th_rng_seed(&w->w_rng, seed);
	w->w_loglen = 0;
	wlog(w, "sequence seed %llu\n", (unsigned long long)seed);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		host_loop(sv[1]);
	}
	close(sv[1]);
	memset(root, 0, sizeof(*root));
	root->pr_vm = uvmspace_alloc(w->w_uvm, TF_VMIN, TF_VMAX, false);
	assert_non_null(root->pr_vm);
	root->pr_sock = sv[0];
	root->pr_pid = pid;
	w->w_rootpid = pid;
	w->w_nprocs = 1;

	for (int step = 0; step < NSTEPS; step++) {
		int pi = (int)rnd(w, (uint32_t)w->w_nprocs);
		struct proc *p = &w->w_procs[pi];
		uint32_t what = rnd(w, 100);

		if (what < 18)
			op_map(w, p, false);
		else if (what < 26)
			op_map(w, p, true);
		else if (what < 34)
			op_unmap(w, p);
		else if (what < 46)
			op_protect(w, p);
		else if (what < 78)
			op_write(w, p);
		else if (what < 92)
			op_fork(w, pi);
		else if (w->w_nprocs > 1)
			proc_exit(w, pi);
		w->w_steps++;
		compare_all(w);
	}
	while (w->w_nprocs > 0)
		proc_exit(w, w->w_nprocs - 1);
}

static void
test_diff_host_fork(void **state)
{
	struct th_fixture *tf = *state;
	struct world w;
	const char *s;
	uint64_t nseq = 2000, seed0 = 1;
	void *arena;

	memset(&w, 0, sizeof(w));
	w.w_uvm = tf->tf_uvm;
	host_pgsz = (size_t)sysconf(_SC_PAGESIZE);
	if (host_pgsz != UVM_PAGE_SIZE(w.w_uvm))
		skip();
	if ((s = getenv("UVM_DIFF_SEQS")) != NULL)
		nseq = strtoull(s, NULL, 0);
	if ((s = getenv("UVM_DIFF_SEED")) != NULL)
		seed0 = strtoull(s, NULL, 0);
	/* The host arena: reserved in this process, inherited by all. */
	arena = mmap(NULL, NPG * host_pgsz, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(arena != MAP_FAILED);
	host_arena = arena;
	signal(SIGPIPE, SIG_IGN);

	for (uint64_t i = 0; i < nseq; i++) {
		run_sequence(&w, seed0 + i);
		th_check(tf);
	}
	fprintf(stderr, "t_diff_host_fork: %llu sequences, %llu steps\n",
	    (unsigned long long)nseq, (unsigned long long)w.w_steps);
	munmap(arena, NPG * host_pgsz);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_diff_host_fork, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
