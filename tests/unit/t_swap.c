/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_swap.c: swap devices on host files (add, remove, list, priorities and
 * round robin), the slot allocator (runs, clustering, first fit against a
 * reference model, exhaustion, lessok), bad slots, swap I/O round trips
 * through real files, injected I/O and slot-allocation failures, argument
 * checking, and accounting back to the baseline.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_page.h"
#include "uvm_swap.h"

#define PGSZ 4096u

/* A file name under the test directory, unique in this process. */
static __attribute__((noinline)) char *
swpath(const char *tag)
{
	static unsigned seq;
	char *p;

	if (asprintf(&p, "%s/t_swap.%d.%u.%s", th_tmpdir(), (int)getpid(),
		seq++, tag) < 0)
		fail_msg("asprintf");
	(void)unlink(p);
	return p;
}

static void
swdone(char *p)
{
	(void)unlink(p);
	free(p);
}

static uint64_t
filesize(const char *p)
{
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	return (uint64_t)st.st_size;
}

static void
check(struct uvm *uvm)
{
	if (uvm->u_sanity)
		uvm_swap_sanity(uvm);
}

/* The list entry for path (asserts it exists). */
static struct uvm_swapent
entry(struct uvm *uvm, const char *path)
{
	struct uvm_swapent ents[8];
	unsigned n, i;

	assert_int_equal(uvm_swap_list(uvm, ents, 8, &n), 0);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(ents[i].se_path, path) == 0)
			return ents[i];
	fail_msg("%s is not listed", path);
	abort();
}

/* Which device (index into paths) holds slot. */
static int
devof(struct uvm *uvm, char **paths, int npaths, uint64_t slot)
{
	for (int i = 0; i < npaths; i++) {
		struct uvm_swapent e = entry(uvm, paths[i]);

		if (slot >= e.se_firstslot &&
		    slot < e.se_firstslot + e.se_nslots)
			return i;
	}
	return -1;
}

static void
test_add_list_remove(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("a"), *b = swpath("b");
	struct uvm_swapent ents[4];
	unsigned n;

	assert_int_equal(uvm_swap_list(uvm, NULL, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_true(uvm_swapisfull(uvm));

	assert_int_equal(uvm_swap_add(uvm, a, 0, 64 * PGSZ), 0);
	check(uvm);
	assert_int_equal(filesize(a), 64 * PGSZ);
	/* Sizes are rounded down to whole pages. */
	assert_int_equal(uvm_swap_add(uvm, b, 5, 32 * PGSZ + 100), 0);
	check(uvm);
	assert_int_equal(filesize(b), 32 * PGSZ);

	assert_int_equal(uvm_swap_list(uvm, ents, 4, &n), 0);
	assert_int_equal(n, 2);
	/* Highest priority first. */
	assert_string_equal(ents[0].se_path, b);
	assert_int_equal(ents[0].se_priority, 5);
	assert_int_equal(ents[0].se_nslots, 32);
	assert_int_equal(ents[0].se_id, 1);
	assert_string_equal(ents[1].se_path, a);
	assert_int_equal(ents[1].se_nslots, 64);
	assert_int_equal(ents[1].se_inuse, 0);
	assert_int_equal(ents[1].se_bad, 0);
	assert_true(ents[0].se_firstslot >= 1 && ents[1].se_firstslot >= 1);
	assert_int_equal(uvm_cnt_get(uvm, swpages), 96);
	assert_int_equal(uvm_cnt_get(uvm, nswapdev), 2);
	assert_false(uvm_swapisfull(uvm));

	/* A short array still reports the device count. */
	assert_int_equal(uvm_swap_list(uvm, ents, 1, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ents[0].se_path, b);

	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	check(uvm);
	assert_int_equal(uvm_cnt_get(uvm, swpages), 32);
	assert_int_equal(uvm_swap_remove(uvm, a), ENOENT);
	assert_int_equal(uvm_swap_remove(uvm, b), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpages), 0);
	assert_int_equal(uvm_cnt_get(uvm, nswapdev), 0);
	/* The machine never deletes swap files. */
	assert_int_equal(filesize(a), 64 * PGSZ);
	check(uvm);
	swdone(a);
	swdone(b);
}

static void
test_add_existing_files(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("exist"), *b = swpath("big");
	char *alias;
	int fd, n;

	/* size 0: the file's size; the file must exist. */
	assert_int_equal(uvm_swap_add(uvm, a, 0, 0), ENOENT);
	fd = open(a, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 10 * PGSZ + 7), 0);
	close(fd);
	assert_int_equal(uvm_swap_add(uvm, a, 0, 0), 0);
	assert_int_equal(entry(uvm, a).se_nslots, 10);
	/* The same file again, under the same or another name. */
	assert_int_equal(uvm_swap_add(uvm, a, 0, 0), EEXIST);
	n = asprintf(&alias, "%s/./%s", th_tmpdir(), strrchr(a, '/') + 1);
	assert_true(n > 0);
	assert_int_equal(uvm_swap_add(uvm, alias, 3, 4 * PGSZ), EEXIST);
	/* ... and removal by the other name works too. */
	assert_int_equal(uvm_swap_remove(uvm, alias), 0);
	assert_int_equal(uvm_cnt_get(uvm, nswapdev), 0);
	free(alias);

	/* A larger file is not truncated; a smaller one is extended. */
	fd = open(b, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 100 * PGSZ), 0);
	close(fd);
	assert_int_equal(uvm_swap_add(uvm, b, 0, 20 * PGSZ), 0);
	assert_int_equal(filesize(b), 100 * PGSZ);
	assert_int_equal(entry(uvm, b).se_nslots, 20);
	assert_int_equal(uvm_swap_add(uvm, a, 0, 50 * PGSZ), 0);
	assert_int_equal(filesize(a), 50 * PGSZ);
	check(uvm);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	assert_int_equal(uvm_swap_remove(uvm, b), 0);
	swdone(a);
	swdone(b);
}

static void
test_bad_arguments(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("args"), *longp;
	struct uvm_swapent e;
	unsigned n;
	size_t len = UVM_SWAP_PATHMAX + 10;

	assert_int_equal(uvm_swap_add(uvm, NULL, 0, PGSZ), EINVAL);
	assert_int_equal(uvm_swap_add(uvm, "", 0, PGSZ), EINVAL);
	assert_int_equal(uvm_swap_add(NULL, a, 0, PGSZ), EINVAL);
	/* Less than one page. */
	assert_int_equal(uvm_swap_add(uvm, a, 0, PGSZ - 1), EINVAL);
	assert_int_equal(access(a, F_OK), -1);
	/* A directory is not a swap file. */
	assert_int_equal(uvm_swap_add(uvm, th_tmpdir(), 0, 0), EISDIR);
	/* A missing directory. */
	assert_int_equal(
	    uvm_swap_add(uvm, "/nonexistent-dir/x/swap", 0, PGSZ), ENOENT);
	longp = malloc(len);
	assert_non_null(longp);
	memset(longp, 'x', len - 1);
	longp[len - 1] = '\0';
	assert_int_equal(uvm_swap_add(uvm, longp, 0, PGSZ), ENAMETOOLONG);
	free(longp);
	/* An empty existing file has no page. */
	close(open(a, O_RDWR | O_CREAT, 0600));
	assert_int_equal(uvm_swap_add(uvm, a, 0, 0), EINVAL);
	assert_int_equal(uvm_swap_remove(uvm, NULL), EINVAL);
	assert_int_equal(uvm_swap_remove(uvm, ""), EINVAL);
	assert_int_equal(uvm_swap_remove(uvm, a), ENOENT);
	assert_int_equal(uvm_swap_list(uvm, NULL, 1, &n), EINVAL);
	assert_int_equal(uvm_swap_list(uvm, &e, 1, NULL), EINVAL);
	assert_int_equal(uvm_cnt_get(uvm, nswapdev), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpages), 0);
	check(uvm);
	swdone(a);
}

static void
test_priority_round_robin(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *p[3] = {swpath("lo0"), swpath("lo1"), swpath("hi")};
	uint64_t slots[40];
	unsigned one, i;
	int seq[8];

	assert_int_equal(uvm_swap_add(uvm, p[0], 1, 8 * PGSZ), 0);
	assert_int_equal(uvm_swap_add(uvm, p[1], 1, 8 * PGSZ), 0);
	assert_int_equal(uvm_swap_add(uvm, p[2], 7, 4 * PGSZ), 0);
	/* The high-priority device is used up first. */
	for (i = 0; i < 4; i++) {
		one = 1;
		slots[i] = uvm_swap_alloc(uvm, &one, false);
		assert_int_not_equal(slots[i], 0);
		assert_int_equal(devof(uvm, p, 3, slots[i]), 2);
	}
	/* Then the two of equal priority take turns. */
	for (i = 0; i < 8; i++) {
		one = 1;
		slots[4 + i] = uvm_swap_alloc(uvm, &one, false);
		assert_int_not_equal(slots[4 + i], 0);
		seq[i] = devof(uvm, p, 3, slots[4 + i]);
		assert_true(seq[i] == 0 || seq[i] == 1);
		if (i > 0)
			assert_int_not_equal(seq[i], seq[i - 1]);
	}
	check(uvm);
	/* Freeing a high-priority slot makes it the first choice again. */
	uvm_swap_free(uvm, slots[1], 1);
	one = 1;
	slots[1] = uvm_swap_alloc(uvm, &one, false);
	assert_int_equal(devof(uvm, p, 3, slots[1]), 2);
	assert_int_equal(entry(uvm, p[0]).se_inuse, 4);
	assert_int_equal(entry(uvm, p[1]).se_inuse, 4);
	assert_int_equal(entry(uvm, p[2]).se_inuse, 4);
	for (i = 0; i < 12; i++)
		uvm_swap_free(uvm, slots[i], 1);
	check(uvm);
	for (i = 0; i < 3; i++) {
		assert_int_equal(uvm_swap_remove(uvm, p[i]), 0);
		swdone(p[i]);
	}
}

static void
test_alloc_runs(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("runs");
	uint64_t base, s1, s2, s3, s4;
	unsigned n;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 1000 * PGSZ), 0);
	base = entry(uvm, a).se_firstslot;
	n = 60;
	s1 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(s1, base);
	assert_int_equal(n, 60);
	/* A run crossing the first 64-slot word. */
	n = 10;
	s2 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(s2, base + 60);
	/* The longest cluster, across several words. */
	n = UVM_SWAP_MAXCLUSTER;
	s3 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(s3, base + 70);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 60 + 10 + 256);
	check(uvm);
	/* First fit: a freed hole is reused when the run fits in it. */
	uvm_swap_free(uvm, s1 + 20, 30);
	n = 31;
	s4 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(s4, base + 326);
	uvm_swap_free(uvm, s4, 31);
	n = 30;
	s4 = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(s4, s1 + 20);
	assert_true(uvm_swap_slot_inuse_p(uvm, s4));
	assert_true(uvm_swap_slot_inuse_p(uvm, s4 + 29));
	assert_false(uvm_swap_slot_inuse_p(uvm, base + 999));
	assert_false(uvm_swap_slot_inuse_p(uvm, 0));
	assert_int_equal(entry(uvm, a).se_inuse, 326);
	check(uvm);
	/* Freeing in pieces other than the allocation's is allowed. */
	uvm_swap_free(uvm, s1, 20);
	uvm_swap_free(uvm, s4, 30);
	uvm_swap_free(uvm, s1 + 50, 10);
	uvm_swap_free(uvm, s2, 10);
	uvm_swap_free(uvm, s3, 256);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 0);
	check(uvm);
	/* Freeing a free slot is a bug. */
	assert_true(TH_EXPECT_PANIC(uvm_swap_free(uvm, base + 3, 1)));
	assert_true(TH_EXPECT_PANIC(uvm_swap_free(uvm, base + 5000, 1)));
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	swdone(a);
}

/*
 * Random allocations and frees of runs against a reference bitmap: every
 * allocation must return exactly the leftmost free run of its length.
 */
static void
test_alloc_model(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	enum { NS = 3000, MAXLIVE = 64 };
	char *a = swpath("model");
	bool used[NS];
	struct {
		uint64_t s;
		unsigned n;
	} live[MAXLIVE];
	unsigned nlive = 0, step, n, i;
	uint64_t base, s, want;
	struct th_rng rng;

	th_rng_seed(&rng, 42);
	memset(used, 0, sizeof(used));
	assert_int_equal(uvm_swap_add(uvm, a, 0, NS * PGSZ), 0);
	base = entry(uvm, a).se_firstslot;
	for (step = 0; step < 3000; step++) {
		if (nlive < MAXLIVE && th_rng_below(&rng, 3) != 0) {
			n = th_rng_below(&rng, 4) == 0
			    ? 1 +
				(unsigned)th_rng_below(
				    &rng, UVM_SWAP_MAXCLUSTER)
			    : 1 + (unsigned)th_rng_below(&rng, 16);
			/* The reference: leftmost run of n free slots. */
			want = 0;
			for (s = 0; s + n <= NS; s++) {
				for (i = 0; i < n && !used[s + i]; i++)
					continue;
				if (i == n) {
					want = base + s;
					break;
				}
				s += i;
			}
			unsigned got_n = n;
			uint64_t got = uvm_swap_alloc(uvm, &got_n, false);
			assert_int_equal(got, want);
			if (got == 0)
				continue;
			assert_int_equal(got_n, n);
			for (i = 0; i < n; i++)
				used[got - base + i] = true;
			live[nlive].s = got;
			live[nlive].n = n;
			nlive++;
		} else if (nlive > 0) {
			i = (unsigned)th_rng_below(&rng, nlive);
			uvm_swap_free(uvm, live[i].s, live[i].n);
			for (n = 0; n < live[i].n; n++)
				used[live[i].s - base + n] = false;
			live[i] = live[--nlive];
		}
		if (step % 97 == 0)
			uvm_swap_sanity(uvm);
	}
	while (nlive > 0) {
		nlive--;
		uvm_swap_free(uvm, live[nlive].s, live[nlive].n);
	}
	uvm_swap_sanity(uvm);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	swdone(a);
}

static void
test_exhaustion_lessok(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("full");
	uint64_t s[16], big, rest;
	unsigned n, i;

	/* No swap at all. */
	n = 1;
	assert_int_equal(uvm_swap_alloc(uvm, &n, true), 0);
	assert_true(uvm_swapisfull(uvm));

	assert_int_equal(uvm_swap_add(uvm, a, 0, 16 * PGSZ), 0);
	for (i = 0; i < 16; i++) {
		n = 1;
		s[i] = uvm_swap_alloc(uvm, &n, false);
		assert_int_not_equal(s[i], 0);
	}
	n = 1;
	assert_int_equal(uvm_swap_alloc(uvm, &n, true), 0);
	assert_int_equal(uvm_swap_nfree(uvm), 0);
	/* Full of slots, but their pages are still resident: not "full". */
	assert_false(uvm_swapisfull(uvm));
	uvm_cnt_add(uvm, swpgonly, 15);
	assert_false(uvm_swapisfull(uvm));
	uvm_cnt_add(uvm, swpgonly, 1);
	assert_true(uvm_swapisfull(uvm));
	uvm_cnt_add(uvm, swpgonly, -16);
	for (i = 0; i < 16; i++)
		uvm_swap_free(uvm, s[i], 1);

	/* lessok: a shorter run when no device has the whole one. */
	n = 12;
	big = uvm_swap_alloc(uvm, &n, false);
	assert_int_not_equal(big, 0);
	n = 8;
	assert_int_equal(uvm_swap_alloc(uvm, &n, false), 0);
	assert_int_equal(n, 8);
	rest = uvm_swap_alloc(uvm, &n, true);
	assert_int_equal(rest, big + 12);
	assert_int_equal(n, 4);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 16);
	check(uvm);
	uvm_swap_free(uvm, big, 12);
	uvm_swap_free(uvm, rest, 4);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	swdone(a);
}

static void
test_bad_slots(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("bad");
	uint64_t s, got[32];
	unsigned n, i, ngot = 0;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 32 * PGSZ), 0);
	n = 8;
	s = uvm_swap_alloc(uvm, &n, false);
	uvm_swap_markbad(uvm, s + 2, 3);
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 3);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 5);
	assert_int_equal(entry(uvm, a).se_bad, 3);
	assert_false(uvm_swap_slot_inuse_p(uvm, s + 2));
	check(uvm);
	/* Bad slots can be neither freed nor marked again. */
	assert_true(TH_EXPECT_PANIC(uvm_swap_free(uvm, s + 2, 1)));
	assert_true(TH_EXPECT_PANIC(uvm_swap_markbad(uvm, s + 4, 1)));
	uvm_swap_free(uvm, s, 2);
	uvm_swap_free(uvm, s + 5, 3);
	/* Take every slot there is: never a bad one. */
	for (;;) {
		n = 1;
		if ((got[ngot] = uvm_swap_alloc(uvm, &n, false)) == 0)
			break;
		assert_true(got[ngot] < s + 2 || got[ngot] > s + 4);
		ngot++;
	}
	assert_int_equal(ngot, 29);
	/* A run cannot span a bad slot either. */
	for (i = 0; i < ngot; i++)
		uvm_swap_free(uvm, got[i], 1);
	n = 30;
	assert_int_equal(uvm_swap_alloc(uvm, &n, false), 0);
	assert_int_equal(uvm_swap_nfree(uvm), 29);
	/* Swap full of bad and swap-only slots. */
	n = 29;
	s = uvm_swap_alloc(uvm, &n, true);
	assert_int_equal(n, 27);
	uvm_cnt_add(uvm, swpgonly, 27);
	assert_false(uvm_swapisfull(uvm));
	uvm_cnt_add(uvm, swpgonly, -27);
	uvm_swap_free(uvm, s, 27);
	check(uvm);
	/* Bad slots do not keep a device from going; they go with it. */
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 0);
	check(uvm);
	swdone(a);
}

static void
test_remove_busy(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("busy");
	uint64_t s;
	unsigned n = 3;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 8 * PGSZ), 0);
	s = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(uvm_swap_remove(uvm, a), EBUSY);
	assert_int_equal(uvm_cnt_get(uvm, nswapdev), 1);
	uvm_swap_free(uvm, s, 3);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	check(uvm);
	swdone(a);
}

static void
test_slot_fault_injection(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("fi");
	uint64_t s[4];
	unsigned n, i, k;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 16 * PGSZ), 0);
	/* Sweep the failure over a sequence of four allocations. */
	for (k = 0; k < 5; k++) {
		kfi_arm(&uvm->u_fi, KFI_SWAPSLOT, k, 1);
		for (i = 0; i < 4; i++) {
			n = 2;
			s[i] = uvm_swap_alloc(uvm, &n, true);
			if (i == k)
				assert_int_equal(s[i], 0);
			else
				assert_int_not_equal(s[i], 0);
		}
		assert_int_equal(uvm_cnt_get(uvm, swpginuse), k < 4 ? 6 : 8);
		for (i = 0; i < 4; i++)
			if (s[i] != 0)
				uvm_swap_free(uvm, s[i], 2);
		kfi_disarm(&uvm->u_fi, KFI_SWAPSLOT);
		check(uvm);
	}
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 0);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	swdone(a);
}

/*
 * I/O helpers: pages with random contents, and a copy to compare with.
 */
struct iopages {
	unsigned ip_n;
	struct vm_page *ip_pg[UVM_SWAP_MAXCLUSTER];
	uint8_t *ip_copy;
};

static void
io_alloc(struct uvm *uvm, struct iopages *ip, unsigned n, uint64_t seed)
{
	struct th_rng rng;
	unsigned i, j;

	th_rng_seed(&rng, seed);
	ip->ip_n = n;
	ip->ip_copy = malloc((size_t)n * PGSZ);
	assert_non_null(ip->ip_copy);
	for (i = 0; i < n; i++) {
		uint64_t *p;

		ip->ip_pg[i] = uvm_pagealloc(uvm, NULL, 0, NULL, 0);
		assert_non_null(ip->ip_pg[i]);
		p = uvm_page_hostaddr(uvm, ip->ip_pg[i]);
		for (j = 0; j < PGSZ / 8; j++)
			p[j] = th_rng_next(&rng);
		memcpy(ip->ip_copy + (size_t)i * PGSZ, p, PGSZ);
	}
}

static void
io_scribble(struct uvm *uvm, struct iopages *ip)
{
	for (unsigned i = 0; i < ip->ip_n; i++)
		memset(uvm_page_hostaddr(uvm, ip->ip_pg[i]), 0xa5, PGSZ);
}

static bool
io_same_p(struct uvm *uvm, struct iopages *ip)
{
	for (unsigned i = 0; i < ip->ip_n; i++)
		if (memcmp(uvm_page_hostaddr(uvm, ip->ip_pg[i]),
			ip->ip_copy + (size_t)i * PGSZ, PGSZ) != 0)
			return false;
	return true;
}

static void
io_free(struct iopages *ip)
{
	for (unsigned i = 0; i < ip->ip_n; i++)
		uvm_pagefree(ip->ip_pg[i]);
	free(ip->ip_copy);
}

static void
test_io_roundtrip(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *p[2] = {swpath("io0"), swpath("io1")};
	static struct iopages ip;
	uint64_t run[2];
	unsigned n, i, half;

	assert_int_equal(uvm_swap_add(uvm, p[0], 0, 200 * PGSZ), 0);
	assert_int_equal(uvm_swap_add(uvm, p[1], 0, 200 * PGSZ), 0);
	io_alloc(uvm, &ip, 64, 7);
	/* Two runs of 32, one on each device (round robin). */
	half = 32;
	for (i = 0; i < 2; i++) {
		n = half;
		run[i] = uvm_swap_alloc(uvm, &n, false);
		assert_int_not_equal(run[i], 0);
		assert_int_equal(
		    uvm_swap_put(uvm, run[i], &ip.ip_pg[i * half], half), 0);
	}
	assert_int_not_equal(
	    devof(uvm, p, 2, run[0]), devof(uvm, p, 2, run[1]));
	assert_int_equal(uvm_cnt_get(uvm, pgswapout), 64);
	assert_int_equal(uvm_cnt_get(uvm, swapouts), 2);

	/* Clustered read back. */
	io_scribble(uvm, &ip);
	for (i = 0; i < 2; i++)
		assert_int_equal(
		    uvm_swap_getpages(uvm, run[i], &ip.ip_pg[i * half], half),
		    0);
	assert_true(io_same_p(uvm, &ip));
	/* One page at a time, in reverse. */
	io_scribble(uvm, &ip);
	for (i = 64; i-- > 0;)
		assert_int_equal(
		    uvm_swap_get(uvm, ip.ip_pg[i], run[i / half] + i % half),
		    0);
	assert_true(io_same_p(uvm, &ip));
	assert_int_equal(uvm_cnt_get(uvm, pgswapin), 128);
	assert_int_equal(uvm_cnt_get(uvm, swapins), 2 + 64);

	/* The data really is in the host file, at slot * pagesize. */
	{
		struct uvm_swapent e = entry(uvm, p[devof(uvm, p, 2, run[0])]);
		uint8_t buf[PGSZ];
		int fd = open(e.se_path, O_RDONLY);

		assert_true(fd >= 0);
		assert_int_equal(
		    pread(fd, buf, PGSZ,
			(off_t)((run[0] + 5 - e.se_firstslot) * PGSZ)),
		    PGSZ);
		assert_memory_equal(buf, ip.ip_copy + 5 * PGSZ, PGSZ);
		close(fd);
	}
	check(uvm);
	for (i = 0; i < 2; i++)
		uvm_swap_free(uvm, run[i], half);
	io_free(&ip);
	for (i = 0; i < 2; i++) {
		assert_int_equal(uvm_swap_remove(uvm, p[i]), 0);
		swdone(p[i]);
	}
}

static void
test_io_read_failure(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("rerr");
	static struct iopages ip;
	uint64_t s;
	unsigned n = 8;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 16 * PGSZ), 0);
	io_alloc(uvm, &ip, 8, 11);
	s = uvm_swap_alloc(uvm, &n, false);
	assert_int_equal(uvm_swap_put(uvm, s, ip.ip_pg, 8), 0);
	io_scribble(uvm, &ip);
	kfi_arm(&uvm->u_fi, KFI_PGIO_READ, 1, 1);
	assert_int_equal(uvm_swap_getpages(uvm, s, ip.ip_pg, 8), 0);
	assert_true(io_same_p(uvm, &ip));
	io_scribble(uvm, &ip);
	assert_int_equal(uvm_swap_get(uvm, ip.ip_pg[3], s + 3), EIO);
	/* Nothing changed: the slots are still in use and readable. */
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 8);
	assert_int_equal(kfi_failed(&uvm->u_fi, KFI_PGIO_READ), 1);
	assert_int_equal(uvm_swap_getpages(uvm, s, ip.ip_pg, 8), 0);
	assert_true(io_same_p(uvm, &ip));
	check(uvm);
	uvm_swap_free(uvm, s, 8);
	io_free(&ip);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	swdone(a);
}

static void
test_io_write_failure(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	char *a = swpath("werr");
	static struct iopages ip;
	uint64_t s, s2, t;
	unsigned n = 8, k;

	assert_int_equal(uvm_swap_add(uvm, a, 0, 24 * PGSZ), 0);
	io_alloc(uvm, &ip, 8, 13);
	s = uvm_swap_alloc(uvm, &n, false);
	kfi_arm(&uvm->u_fi, KFI_PGIO_WRITE, 0, 1);
	assert_int_equal(uvm_swap_put(uvm, s, ip.ip_pg, 8), EIO);
	/* The run went bad, the caller still has its pages. */
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 8);
	assert_int_equal(uvm_cnt_get(uvm, swpginuse), 0);
	assert_int_equal(uvm_cnt_get(uvm, pgswapout), 0);
	assert_true(io_same_p(uvm, &ip));
	check(uvm);
	/* A retry on fresh slots works, and never lands on the bad ones. */
	n = 8;
	s2 = uvm_swap_alloc(uvm, &n, false);
	assert_true(s2 >= s + 8);
	assert_int_equal(uvm_swap_put(uvm, s2, ip.ip_pg, 8), 0);
	io_scribble(uvm, &ip);
	assert_int_equal(uvm_swap_getpages(uvm, s2, ip.ip_pg, 8), 0);
	assert_true(io_same_p(uvm, &ip));
	uvm_swap_free(uvm, s2, 8);
	/* Sweep single-page writes: the k-th fails, the rest succeed. */
	for (k = 0; k < 3; k++) {
		uint64_t one[3];

		kfi_arm(&uvm->u_fi, KFI_PGIO_WRITE, k, 1);
		for (unsigned i = 0; i < 3; i++) {
			n = 1;
			one[i] = uvm_swap_alloc(uvm, &n, false);
			assert_true(one[i] < s || one[i] >= s + 8);
			assert_int_equal(
			    uvm_swap_put(uvm, one[i], &ip.ip_pg[i], 1),
			    i == k ? EIO : 0);
		}
		for (unsigned i = 0; i < 3; i++)
			if (i != k)
				uvm_swap_free(uvm, one[i], 1);
		check(uvm);
	}
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 11);
	assert_int_equal(entry(uvm, a).se_bad, 11);
	/* Everything left is good. */
	n = 13;
	t = uvm_swap_alloc(uvm, &n, true);
	assert_int_not_equal(t, 0);
	assert_true(n <= 13);
	uvm_swap_free(uvm, t, n);
	io_free(&ip);
	assert_int_equal(uvm_swap_remove(uvm, a), 0);
	assert_int_equal(uvm_cnt_get(uvm, swpgbad), 0);
	swdone(a);
}

/* Devices from the configuration, added by uvm_create(). */
static void
test_config_devices(void **state)
{
	struct uvm_config cfg;
	struct uvm_swapent ents[2];
	struct uvm *uvm;
	char *a = swpath("cfg0"), *b = swpath("cfg1");
	unsigned n;

	(void)state;
	th_config(&cfg);
	cfg.uc_nswap = 2;
	cfg.uc_swap[0].cw_path = a;
	cfg.uc_swap[0].cw_size = 40 * PGSZ;
	cfg.uc_swap[1].cw_path = b;
	cfg.uc_swap[1].cw_size = 10 * PGSZ;
	cfg.uc_swap[1].cw_priority = 2;
	uvm = th_create(&cfg);
	assert_int_equal(uvm_swap_list(uvm, ents, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ents[0].se_path, b);
	assert_int_equal(ents[0].se_nslots, 10);
	assert_int_equal(ents[1].se_nslots, 40);
	assert_int_equal(uvm_cnt_get(uvm, swpages), 50);
	uvm_sanity_all(uvm);
	uvm_destroy(uvm);
	assert_int_equal(filesize(a), 40 * PGSZ);

	/* The second device cannot be added: nothing is left behind. */
	cfg.uc_swap[1].cw_path = "/nonexistent-dir/swap";
	assert_int_equal(uvm_create(&cfg, &uvm), ENOENT);
	assert_null(uvm);
	assert_non_null(strstr(uvm_last_error(), "nonexistent"));
	swdone(a);
	swdone(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_add_list_remove, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_add_existing_files, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_bad_arguments, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_priority_round_robin, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_alloc_runs, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_alloc_model, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_exhaustion_lessok, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_bad_slots, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_remove_busy, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_slot_fault_injection, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_io_roundtrip, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_io_read_failure, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_io_write_failure, th_setup, th_teardown),
	    cmocka_unit_test(test_config_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
