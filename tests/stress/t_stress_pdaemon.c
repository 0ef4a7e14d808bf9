/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_stress_pdaemon.c: the page-daemon thread against several threads
 * paging their own memory objects in and out at the same time (the TSan
 * target of paging).
 *
 * Each worker owns an aobj; together they are more than twice the
 * machine's memory.  Workers get pages through the pager (pgo_get: busy
 * pages, the object lock dropped while they are filled or checked),
 * write random pages with fresh contents and check random pages against
 * what they wrote, and when memory runs out they uvm_wait() like the
 * fault handler does.  Meanwhile the daemon thread claims owners with
 * try-locks, writes clusters to two swap devices and frees pages; a
 * worker's page-in runs concurrently with the daemon's page-outs of
 * other objects.  At the end every page of every object is checked, and
 * the harness checks that every page and slot came back.
 *
 * The workers page unmapped objects, so that several threads can page at
 * once (one address space admits one accessor thread at a time, pmap.h
 * "Concurrency"); paging of mapped memory under the daemon thread, with
 * the TLB shootdown by pins, is t_stress_tlb's subject.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_aobj.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdaemon.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"

#define NWORKERS 4
#define NPAGES   300 /* per worker: 4 x 300 > 2 x 512 */
#define NOPS     2500
#define MAXTRIES 100000

struct worker {
	struct uvm *w_uvm;
	struct uvm_object *w_obj;
	uint32_t w_ver[NPAGES]; /* version written; 0: never (zeros) */
	unsigned w_id;
	uint64_t w_waits; /* uvm_wait() calls */
	int w_error;      /* first failure, for the main thread */
};

static uint64_t
word_of(unsigned id, uint64_t page, uint32_t ver, unsigned w)
{
	if (ver == 0)
		return 0;
	return ((uint64_t)id << 56) ^ (page * 0x9e3779b97f4a7c15ull) ^
	    ((uint64_t)ver << 20) ^ w;
}

/* The page, busy, object unlocked; NULL if memory never came. */
static struct vm_page *
getpage(struct worker *w, uint64_t idx)
{
	struct uvm_object *uobj = w->w_obj;
	struct vm_page *pg;
	int npages, error;
	unsigned tries;

	for (tries = 0; tries < MAXTRIES; tries++) {
		npages = 1;
		pg = NULL;
		rw_enter(uobj->vmobjlock, RW_WRITER);
		error =
		    uobj->pgops->pgo_get(uobj, (voff_t)uvm_ptoa(w->w_uvm, idx),
			&pg, &npages, 0, VM_PROT_READ | VM_PROT_WRITE, 0, 0);
		if (error == 0)
			return pg;
		if (error != ENOMEM) {
			w->w_error = error;
			return NULL;
		}
		w->w_waits++;
		if (uvm_wait(w->w_uvm, "stress") != 0)
			sched_yield(); /* the others hold what could go */
	}
	w->w_error = ENOMEM;
	return NULL;
}

static void
putpage(struct worker *w, struct vm_page *pg, bool dirty)
{
	rw_enter(w->w_obj->vmobjlock, RW_WRITER);
	if (dirty)
		uvm_pagemarkdirty(pg, UVM_PAGE_STATUS_DIRTY);
	uvmpdpol_pageactivate(w->w_uvm, pg);
	uvm_page_unbusy(&pg, 1);
	rw_exit(w->w_obj->vmobjlock);
}

static bool
page_op(struct worker *w, uint64_t idx, bool write)
{
	struct vm_page *pg = getpage(w, idx);
	uint64_t *p;
	unsigned i, n;

	if (pg == NULL)
		return false;
	p = uvm_page_hostaddr(w->w_uvm, pg);
	n = (unsigned)(uvm_pagesize(w->w_uvm) / 8);
	if (write)
		w->w_ver[idx]++;
	for (i = 0; i < n; i++) {
		uint64_t want = word_of(w->w_id, idx, w->w_ver[idx], i);

		if (write) {
			p[i] = want;
		} else if (p[i] != want) {
			w->w_error = EILSEQ;
			break;
		}
	}
	putpage(w, pg, write);
	return w->w_error == 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct th_rng rng;
	unsigned i;

	th_rng_seed(&rng, 100 + w->w_id);
	for (i = 0; i < NOPS && w->w_error == 0; i++) {
		uint64_t idx = th_rng_below(&rng, NPAGES);

		(void)page_op(w, idx, th_rng_below(&rng, 2) == 0);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 2u << 20;
	cfg.uc_pdaemon = "thread";
	cfg.uc_diagnostic = 1;
	return th_setup_cfg(state, &cfg);
}

static void
swappath(char *buf, size_t len, int i)
{
	snprintf(buf, len, "%s/t_stress_pdaemon.%d.%d.swap", th_tmpdir(),
	    (int)getpid(), i);
}

static void
test_stress(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static struct worker ws[NWORKERS];
	pthread_t tids[NWORKERS];
	struct uvmexp ex;
	char path[512];
	unsigned i;
	uint64_t idx, waits = 0;

	for (i = 0; i < 2; i++) {
		swappath(path, sizeof(path), (int)i);
		(void)unlink(path);
		assert_int_equal(uvm_swap_add(uvm, path, 0, 8u << 20), 0);
	}
	for (i = 0; i < NWORKERS; i++) {
		memset(&ws[i], 0, sizeof(ws[i]));
		ws[i].w_uvm = uvm;
		ws[i].w_id = i;
		ws[i].w_obj = uao_create(uvm, uvm_ptoa(uvm, NPAGES), 0);
		assert_non_null(ws[i].w_obj);
	}
	for (i = 0; i < NWORKERS; i++)
		assert_int_equal(
		    pthread_create(&tids[i], NULL, worker_main, &ws[i]), 0);
	for (i = 0; i < NWORKERS; i++)
		assert_int_equal(pthread_join(tids[i], NULL), 0);
	for (i = 0; i < NWORKERS; i++) {
		if (ws[i].w_error != 0)
			fail_msg("worker %u: error %d", i, ws[i].w_error);
		waits += ws[i].w_waits;
	}
	/* Every page of every object, from this thread. */
	for (i = 0; i < NWORKERS; i++) {
		for (idx = 0; idx < NPAGES; idx++)
			assert_true(page_op(&ws[i], idx, false));
		assert_int_equal(ws[i].w_error, 0);
	}
	uvm_stats(uvm, &ex);
	fprintf(stderr,
	    "  pdwoke %lld pdfreed %lld pgswapout %lld pgswapin %lld "
	    "pdbusy %lld waits %llu\n",
	    (long long)ex.pdwoke, (long long)ex.pdfreed,
	    (long long)ex.pgswapout, (long long)ex.pgswapin,
	    (long long)ex.pdbusy, (unsigned long long)waits);
	assert_true(ex.pdwoke > 0);
	assert_true(ex.pgswapout > 0 && ex.pgswapin > 0);
	for (i = 0; i < NWORKERS; i++)
		uao_detach(ws[i].w_obj);
	/*
	 * Memory is free again: the daemon has no reason to run.  A run of
	 * our own waits for any run still in progress (the scan lock), so
	 * the checkers, which read pages without their owners' locks, run
	 * while the daemon sleeps.
	 */
	assert_int_equal(uvm_pagedaemon_run(uvm, NULL), 0);
	uvm_sanity_all(uvm);
	for (i = 0; i < 2; i++) {
		swappath(path, sizeof(path), (int)i);
		(void)unlink(path);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_stress, setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
