/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_paging_integrity.c: the data-integrity acceptance workload of paging.
 *
 * A machine of 2 MiB (512 pages) runs a process whose working set is 4x
 * its memory (a region of 2048 pages, written in full and then randomly)
 * and which touches 8x its memory in all (a second region of 2048 pages
 * later).  It forks in the middle; parent and child then write their
 * copies independently.  Every page written is remembered by the checksum
 * of what was written; reads compare the checksum of what comes back, and
 * at the end every page of both processes is verified.  The workload runs
 * with 1, 2 and 3 swap devices, with a device removed in the middle of the
 * run, with CLOCK-Pro, with the daemon thread, and under injected swap
 * write and read errors (no data lost, EIO only for the access whose
 * page-in failed, bad slots never reused).  The harness checks that every
 * page, slot, anon and amap is given back at the end.
 */
#include <unistd.h>

#include "t_fault.h"
#include "uvm_pdaemon.h"
#include "uvm_swap.h"

#define MEM     (2u << 20)
#define WSPAGES 2048 /* working set: 4x memory */
#define NOPS    2500 /* random operations per phase */
#define MAXDEVS 3

/* A region and the checksums of its pages. */
struct region {
	struct vmspace *r_vm;
	vaddr_t r_va;
	uint64_t r_n;
	uint64_t *r_sum; /* checksum of each page's contents; 0: zeros */
};

struct run {
	struct uvm *ru_uvm;
	struct th_rng ru_rng;
	uint64_t ru_pagesize;
	uint8_t *ru_buf;
	unsigned ru_ndevs;
	char ru_path[MAXDEVS][512];
	bool ru_remove;   /* remove device 0 after the fork */
	bool ru_writeerr; /* inject swap write errors */
	bool ru_readerr;  /* inject swap read errors */
	uint64_t ru_eio;  /* accesses that got EIO */
	uint64_t ru_nver; /* contents generated */
};

static uint64_t
fnv64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

/* New contents for a page: a fresh pseudo-random pattern. */
static void
gen_page(struct run *ru, uint8_t *buf)
{
	uint64_t x = ++ru->ru_nver * 0x9e3779b97f4a7c15ull, *w = (void *)buf;
	size_t i;

	for (i = 0; i < ru->ru_pagesize / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x + i;
	}
}

static void
region_map(struct run *ru, struct region *r, struct vmspace *vm, uint64_t n)
{
	r->r_vm = vm;
	r->r_n = n;
	r->r_va = tf_map_anon(vm, n);
	r->r_sum = calloc(n, sizeof(*r->r_sum));
	assert_non_null(r->r_sum);
	(void)ru;
}

/* The child's view of a region after fork: same addresses and contents. */
static void
region_fork(struct region *c, const struct region *p, struct vmspace *vm)
{
	*c = *p;
	c->r_vm = vm;
	c->r_sum = malloc(p->r_n * sizeof(*c->r_sum));
	assert_non_null(c->r_sum);
	memcpy(c->r_sum, p->r_sum, p->r_n * sizeof(*c->r_sum));
}

static void
page_write(struct run *ru, struct region *r, uint64_t p)
{
	vaddr_t va = r->r_va + p * ru->ru_pagesize;

	gen_page(ru, ru->ru_buf);
	assert_int_equal(
	    uvm_copyout(r->r_vm, ru->ru_buf, va, (size_t)ru->ru_pagesize, NULL),
	    0);
	r->r_sum[p] = fnv64(ru->ru_buf, (size_t)ru->ru_pagesize);
}

static void
page_verify(struct run *ru, struct region *r, uint64_t p)
{
	vaddr_t va = r->r_va + p * ru->ru_pagesize;
	uint64_t sum;
	int error;

	if (ru->ru_readerr && th_rng_below(&ru->ru_rng, 8) == 0) {
		/* The page-in of this access may fail: EIO, nothing else. */
		kfi_arm(&ru->ru_uvm->u_fi, KFI_PGIO_READ, 0, 1);
		error = uvm_access(r->r_vm, va, 8, VM_PROT_READ);
		kfi_disarm(&ru->ru_uvm->u_fi, KFI_PGIO_READ);
		if (error != 0) {
			assert_int_equal(error, EIO);
			ru->ru_eio++;
		}
	}
	assert_int_equal(
	    uvm_copyin(r->r_vm, va, ru->ru_buf, (size_t)ru->ru_pagesize, NULL),
	    0);
	sum = fnv64(ru->ru_buf, (size_t)ru->ru_pagesize);
	if (r->r_sum[p] == 0) {
		for (size_t i = 0; i < ru->ru_pagesize; i++)
			assert_int_equal(ru->ru_buf[i], 0);
	} else if (sum != r->r_sum[p]) {
		fail_msg(
		    "page %llu of region %#llx: checksum %#llx, wrote %#llx",
		    (unsigned long long)p, (unsigned long long)r->r_va,
		    (unsigned long long)sum, (unsigned long long)r->r_sum[p]);
	}
}

static void
region_verify_all(struct run *ru, struct region *r)
{
	for (uint64_t p = 0; p < r->r_n; p++)
		page_verify(ru, r, p);
}

/* Random writes (2 in 5) and verified reads over the given regions. */
static void
random_ops(struct run *ru, struct region **rs, unsigned nr, unsigned nops)
{
	for (unsigned i = 0; i < nops; i++) {
		struct region *r = rs[th_rng_below(&ru->ru_rng, nr)];
		uint64_t p = th_rng_below(&ru->ru_rng, r->r_n);

		if (ru->ru_writeerr && i % 97 == 0)
			kfi_arm(&ru->ru_uvm->u_fi, KFI_PGIO_WRITE,
			    (int64_t)th_rng_below(&ru->ru_rng, 3), 1);
		if (th_rng_below(&ru->ru_rng, 5) < 2)
			page_write(ru, r, p);
		else
			page_verify(ru, r, p);
	}
	kfi_disarm(&ru->ru_uvm->u_fi, KFI_PGIO_WRITE);
}

static void
run_workload(struct run *ru)
{
	struct uvm *uvm = ru->ru_uvm;
	struct vmspace *parent, *child = NULL;
	struct region a, b, ca;
	struct region *both[2], *pab[2];
	struct uvmexp ex;
	uint64_t p, bad;

	ru->ru_pagesize = uvm_pagesize(uvm);
	ru->ru_buf = malloc((size_t)ru->ru_pagesize);
	assert_non_null(ru->ru_buf);
	th_rng_seed(&ru->ru_rng, 2024);
	parent = tf_vmspace(uvm);

	/* Phase 1: the working set, 4x memory, written and mixed. */
	region_map(ru, &a, parent, WSPAGES);
	for (p = 0; p < a.r_n; p++)
		page_write(ru, &a, p);
	both[0] = &a;
	random_ops(ru, both, 1, NOPS);

	/* Phase 2: fork; both sides write their own copies. */
	assert_int_equal(uvmspace_fork(parent, &child), 0);
	region_fork(&ca, &a, child);
	both[0] = &a;
	both[1] = &ca;
	random_ops(ru, both, 2, NOPS);
	if (ru->ru_remove) {
		assert_int_equal(uvm_swap_remove(uvm, ru->ru_path[0]), 0);
		uvm_stats(uvm, &ex);
		assert_int_equal(ex.nswapdev, (int64_t)ru->ru_ndevs - 1);
		region_verify_all(ru, &a);
		region_verify_all(ru, &ca);
	}

	/* Phase 3: touch 4x memory more (8x in all). */
	region_map(ru, &b, parent, WSPAGES);
	for (p = 0; p < b.r_n; p++)
		page_write(ru, &b, p);
	pab[0] = &a;
	pab[1] = &b;
	random_ops(ru, pab, 2, NOPS);
	random_ops(ru, both, 2, NOPS / 2);

	/* Every page of both processes. */
	region_verify_all(ru, &a);
	region_verify_all(ru, &b);
	region_verify_all(ru, &ca);
	uvm_stats(uvm, &ex);
	assert_true(ex.pgswapout > 4 * WSPAGES / 2);
	assert_true(ex.pgswapin > 0);
	assert_true(ex.pdfreed > 0);
	assert_int_equal(ex.pdpending, 0);
	bad = (uint64_t)ex.swpgbad;
	if (ru->ru_writeerr)
		assert_true(bad > 0);
	else
		assert_int_equal(bad, 0);
	if (ru->ru_readerr)
		assert_true(ru->ru_eio > 0);
	if (uvm->u_sanity)
		uvm_sanity_all(uvm);
	fprintf(stderr,
	    "  %u devices%s: faults %lld swapped out %lld (%lld writes) in "
	    "%lld, daemon freed %lld, bad slots %lld, EIO %llu\n",
	    ru->ru_ndevs, ru->ru_remove ? " (one removed)" : "",
	    (long long)ex.faults, (long long)ex.pgswapout,
	    (long long)ex.swapouts, (long long)ex.pgswapin,
	    (long long)ex.pdfreed, (long long)ex.swpgbad,
	    (unsigned long long)ru->ru_eio);

	uvmspace_free(child);
	uvmspace_free(parent);
	uvm_stats(uvm, &ex);
	assert_int_equal(ex.swpginuse, 0);
	assert_int_equal(ex.swpgonly, 0);
	/* Bad slots stay bad (never handed out again). */
	assert_int_equal(ex.swpgbad, (int64_t)bad);
	free(a.r_sum);
	free(b.r_sum);
	free(ca.r_sum);
	free(ru->ru_buf);
}

static void
add_devices(struct run *ru, unsigned ndevs, uint64_t bytes)
{
	ru->ru_ndevs = ndevs;
	for (unsigned i = 0; i < ndevs; i++) {
		snprintf(ru->ru_path[i], sizeof(ru->ru_path[i]),
		    "%s/t_paging_integrity.%d.%u.swap", th_tmpdir(),
		    (int)getpid(), i);
		(void)unlink(ru->ru_path[i]);
		assert_int_equal(
		    uvm_swap_add(ru->ru_uvm, ru->ru_path[i], 0, bytes), 0);
	}
}

static void
remove_files(struct run *ru)
{
	for (unsigned i = 0; i < ru->ru_ndevs; i++)
		(void)unlink(ru->ru_path[i]);
}

static int
setup_cfg(void **state, const char *policy, const char *mode)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = MEM;
	cfg.uc_policy = policy;
	cfg.uc_pdaemon = mode;
	cfg.uc_diagnostic = 1; /* the checkers run at chosen points */
	return th_setup_cfg(state, &cfg);
}

static int
setup_clock(void **state)
{
	return setup_cfg(state, "clock", "inline");
}

static int
setup_clockpro(void **state)
{
	return setup_cfg(state, "clockpro", "inline");
}

static int
setup_thread(void **state)
{
	return setup_cfg(state, "clock", "thread");
}

static void
one_run(void **state, unsigned ndevs, uint64_t bytes, bool remove, bool werr,
    bool rerr)
{
	struct run ru;

	memset(&ru, 0, sizeof(ru));
	ru.ru_uvm = TH_UVM(state);
	ru.ru_remove = remove;
	ru.ru_writeerr = werr;
	ru.ru_readerr = rerr;
	add_devices(&ru, ndevs, bytes);
	run_workload(&ru);
	uvm_sanity_all(ru.ru_uvm);
	remove_files(&ru);
}

static void
test_one_device(void **state)
{
	one_run(state, 1, 24u << 20, false, false, false);
}

static void
test_two_devices(void **state)
{
	one_run(state, 2, 12u << 20, false, false, false);
}

static void
test_three_devices(void **state)
{
	one_run(state, 3, 8u << 20, false, false, false);
}

static void
test_device_removed(void **state)
{
	one_run(state, 3, 12u << 20, true, false, false);
}

static void
test_clockpro(void **state)
{
	one_run(state, 2, 12u << 20, false, false, false);
}

static void
test_thread(void **state)
{
	one_run(state, 2, 12u << 20, false, false, false);
}

static void
test_write_errors(void **state)
{
	one_run(state, 2, 32u << 20, false, true, false);
}

static void
test_read_errors(void **state)
{
	one_run(state, 2, 12u << 20, false, false, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_one_device, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_two_devices, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_three_devices, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_device_removed, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_clockpro, setup_clockpro, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_thread, setup_thread, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_write_errors, setup_clock, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_read_errors, setup_clock, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
