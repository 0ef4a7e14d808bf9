/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map_diff.c: the randomized differential test of the map layer.
 *
 * Random sequences of map/unmap/protect/inherit/advice/extract operations
 * (fixed seeds) run against libuvm and against a trivially correct model
 * (a sorted interval list); the engine (fuzz/fuzz_map.c, shared with the
 * fuzzer) compares the errno, the address and the whole layout after every
 * operation and runs the map checkers.  The CI run does at least 10^6
 * operations (a tenth under valgrind); UVM_MAP_DIFF_OPS=<n> sets the total
 * for a longer run by hand, UVM_MAP_DIFF_SEED=<s> the first seed.
 */
#include "../../fuzz/fuzz_map.c"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define DIFF_SEEDS       40
#define DIFF_OPS_DEFAULT 1000000ull

static void
run_seed(uint64_t seed, uint64_t nops)
{
	struct uvm_acct before, after;
	struct th_rng rng;
	struct fm_src src = {.fs_rng = &rng};
	struct fm_ctx fc;
	struct uvm *uvm;

	th_install_panic_hook();
	uvm = fm_machine();
	uvm_acct_snapshot(uvm, &before);
	th_rng_seed(&rng, seed);
	fm_init(&fc, uvm, (seed & 1) != 0, (seed & 2) != 0);
	for (uint64_t i = 0; i < nops; i++)
		fm_step(&fc, &src);
	assert_int_equal(fc.fc_ops, nops);
	fm_fini(&fc);
	uvm_sanity_all(uvm);
	uvm_acct_snapshot(uvm, &after);
	assert_true(uvm_acct_equal_p(&before, &after));
	uvm_destroy(uvm);
}

static void
test_diff(void **state)
{
	const char *env = getenv("UVM_MAP_DIFF_OPS");
	const char *senv = getenv("UVM_MAP_DIFF_SEED");
	uint64_t total =
	    env != NULL ? strtoull(env, NULL, 0) : DIFF_OPS_DEFAULT;
	uint64_t seed0 = senv != NULL ? strtoull(senv, NULL, 0) : 1;
	uint64_t per = (total + DIFF_SEEDS - 1) / DIFF_SEEDS;

	(void)state;
	for (uint64_t s = 0; s < DIFF_SEEDS; s++)
		run_seed(seed0 + s, per);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
