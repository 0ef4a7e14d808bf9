/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_stress_tlb.c: TLB shootdown against the page-daemon thread (the TSan
 * target of the pin protocol, pmap.h "Pins").
 *
 * A machine of 2 MiB (512 pages) with the daemon in its own thread and a
 * swap file.  One accessor thread owns an address space whose anonymous
 * working set is twice the machine's memory, and writes and verifies
 * whole pages through uvm_copyout()/uvm_copyin() and single words through
 * uvm_suword64()/uvm_fuword64() (after uvm_access()), while the daemon
 * unmaps and pages out the pages it touched a moment ago.  Without the
 * shootdown, a copy that hit the TLB just before the daemon unmapped the
 * page would still run on the frame after the daemon freed or reused it:
 * the checks below would see foreign data (and TSan a race).  At the end
 * the main thread verifies every page.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "../unit/t_fault.h"
#include "uvm_pdaemon.h"
#include "uvm_swap.h"

#define MEM        (2u << 20)
#define WSPAGES    1024 /* working set: 2x memory */
#define NOPS       3000 /* random operations after the first pass */
#define DEADLINE_S 4    /* stop the random phase after this long */

struct accessor {
	struct vmspace *a_vm;
	vaddr_t a_va;
	uint64_t a_pagesize;
	uint32_t a_ver[WSPAGES]; /* version of each page; 0: zeros */
	uint64_t *a_buf;
	uint64_t a_ops;
	int a_error; /* first failure: an errno, EILSEQ for bad data */
	uint64_t a_bad;
};

static uint64_t
word_of(uint64_t page, uint32_t ver, uint64_t w)
{
	if (ver == 0)
		return 0;
	return (page * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)ver << 32) ^
	    (w * 0xff51afd7ed558ccdull);
}

static void
fail_with(struct accessor *a, int error, uint64_t page)
{
	if (a->a_error == 0) {
		a->a_error = error;
		a->a_bad = page;
	}
}

static void
page_write(struct accessor *a, uint64_t p)
{
	uint64_t i, n = a->a_pagesize / 8;
	vaddr_t va = a->a_va + p * a->a_pagesize;
	int error;

	a->a_ver[p]++;
	for (i = 0; i < n; i++)
		a->a_buf[i] = word_of(p, a->a_ver[p], i);
	error = uvm_copyout(a->a_vm, a->a_buf, va, (size_t)a->a_pagesize, NULL);
	if (error != 0)
		fail_with(a, error, p);
}

static void
page_verify(struct accessor *a, uint64_t p)
{
	uint64_t i, n = a->a_pagesize / 8;
	vaddr_t va = a->a_va + p * a->a_pagesize;
	int error;

	memset(a->a_buf, 0xa5, (size_t)a->a_pagesize);
	error = uvm_copyin(a->a_vm, va, a->a_buf, (size_t)a->a_pagesize, NULL);
	if (error != 0) {
		fail_with(a, error, p);
		return;
	}
	for (i = 0; i < n; i++) {
		if (a->a_buf[i] != word_of(p, a->a_ver[p], i)) {
			fail_with(a, EILSEQ, p);
			return;
		}
	}
}

/* A new version written and checked one word at a time. */
static void
page_words(struct accessor *a, uint64_t p, uint64_t w)
{
	vaddr_t va = a->a_va + p * a->a_pagesize;
	uint64_t i, n = a->a_pagesize / 8, val;
	int error;

	error = uvm_access(a->a_vm, va, (size_t)a->a_pagesize, VM_PROT_WRITE);
	if (error != 0) {
		fail_with(a, error, p);
		return;
	}
	a->a_ver[p]++;
	for (i = 0; i < n; i++) {
		error = uvm_suword64(
		    a->a_vm, va + i * 8, word_of(p, a->a_ver[p], i));
		if (error != 0) {
			fail_with(a, error, p);
			return;
		}
	}
	error = uvm_fuword64(a->a_vm, va + w * 8, &val);
	if (error != 0)
		fail_with(a, error, p);
	else if (val != word_of(p, a->a_ver[p], w))
		fail_with(a, EILSEQ, p);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *
accessor_main(void *arg)
{
	struct accessor *a = arg;
	struct th_rng rng;
	double deadline;
	uint64_t p;
	unsigned op;

	/* First pass: every page written, so the daemon must page out. */
	for (p = 0; p < WSPAGES && a->a_error == 0; p++)
		page_write(a, p);
	th_rng_seed(&rng, 4242);
	deadline = now_s() + DEADLINE_S;
	for (a->a_ops = 0; a->a_ops < NOPS && a->a_error == 0; a->a_ops++) {
		if ((a->a_ops & 63) == 0 && now_s() > deadline)
			break;
		p = th_rng_below(&rng, WSPAGES);
		op = (unsigned)th_rng_below(&rng, 8);
		if (op < 3)
			page_write(a, p);
		else if (op < 7)
			page_verify(a, p);
		else
			page_words(a, p, th_rng_below(&rng, a->a_pagesize / 8));
	}
	return NULL;
}

static int
setup(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = MEM;
	cfg.uc_pdaemon = "thread";
	cfg.uc_diagnostic = 1;
	return th_setup_cfg(state, &cfg);
}

static void
test_tlb_shootdown(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static struct accessor acc;
	struct accessor *a = &acc;
	struct uvmexp ex;
	pthread_t tid;
	char path[512];
	uint64_t p;

	snprintf(path, sizeof(path), "%s/t_stress_tlb.%d.swap", th_tmpdir(),
	    (int)getpid());
	(void)unlink(path);
	assert_int_equal(uvm_swap_add(uvm, path, 0, 16u << 20), 0);

	memset(a, 0, sizeof(*a));
	a->a_vm = tf_vmspace(uvm);
	a->a_va = tf_map_anon(a->a_vm, WSPAGES);
	a->a_pagesize = uvm_pagesize(uvm);
	a->a_buf = malloc((size_t)a->a_pagesize);
	assert_non_null(a->a_buf);

	assert_int_equal(pthread_create(&tid, NULL, accessor_main, a), 0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	if (a->a_error != 0)
		fail_msg("accessor: error %d at page %ju after %ju ops",
		    a->a_error, (uintmax_t)a->a_bad, (uintmax_t)a->a_ops);

	/* Every page, from this thread (the accessor is gone). */
	for (p = 0; p < WSPAGES; p++)
		page_verify(a, p);
	assert_int_equal(a->a_error, 0);

	uvm_stats(uvm, &ex);
	fprintf(stderr,
	    "  ops %ju pdwoke %lld pdfreed %lld pgswapout %lld "
	    "pgswapin %lld\n",
	    (uintmax_t)a->a_ops, (long long)ex.pdwoke, (long long)ex.pdfreed,
	    (long long)ex.pgswapout, (long long)ex.pgswapin);
	assert_true(ex.pdwoke > 0);
	assert_true(ex.pgswapout > 0 && ex.pgswapin > 0);

	uvmspace_free(a->a_vm);
	free(a->a_buf);
	/* Wait for any daemon run in progress before the checkers. */
	assert_int_equal(uvm_pagedaemon_run(uvm, NULL), 0);
	uvm_sanity_all(uvm);
	uvm_stats(uvm, &ex);
	assert_int_equal(ex.swpginuse, 0);
	(void)unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_tlb_shootdown, setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
