/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_harness.h: the common fixture of libuvm's tests.
 *
 * th_setup() creates a fresh machine per test (small by default) and takes an
 * accounting snapshot; th_teardown() runs every sanity checker, checks that
 * pages, pool items, anons, amaps, map entries, objects, swap slots and
 * wirings are back at their starting values, and destroys the machine.  A
 * panic inside the library becomes a cmocka failure, unless the test is
 * inside TH_EXPECT_PANIC(), which turns it into a recorded, expected event.
 */
#ifndef _T_HARNESS_H_
#define _T_HARNESS_H_

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uvm.h"

struct th_fixture {
	struct uvm *tf_uvm;
	struct uvm_acct tf_acct; /* baseline */
	void *tf_arg;            /* test-private */
};

/* A configuration with small defaults: 4 KiB pages, 16 MiB, inline daemon. */
void th_config(struct uvm_config *);
struct uvm *th_create(const struct uvm_config *);
/* Re-take the accounting baseline (after deliberate, lasting allocations). */
void th_rebaseline(struct th_fixture *);
/* Check accounting against the baseline and run the sanity checkers. */
void th_check(struct th_fixture *);

int th_setup(void **state); /* default machine */
int th_setup_cfg(void **state, const struct uvm_config *);
int th_teardown(void **state);
#define TH_UVM(state) (((struct th_fixture *)*(state))->tf_uvm)

/* Install the panic hook that fails the current test (done by th_setup). */
void th_install_panic_hook(void);

/* Expecting a panic: evaluates to true if `stmt` panicked. */
extern jmp_buf *th_panic_jmp;
extern char th_panic_msg[512];
#define TH_EXPECT_PANIC(stmt)           \
	({                              \
		jmp_buf _jb;            \
		volatile int _p = 0;    \
		th_panic_jmp = &_jb;    \
		if (setjmp(_jb) == 0) { \
			stmt;           \
		} else {                \
			_p = 1;         \
		}                       \
		th_panic_jmp = NULL;    \
		_p;                     \
	})

/* Deterministic pseudo-random numbers for tests (splitmix64/xoshiro). */
struct th_rng {
	uint64_t s[4];
};
void th_rng_seed(struct th_rng *, uint64_t seed);
uint64_t th_rng_next(struct th_rng *);
uint64_t th_rng_below(struct th_rng *, uint64_t n); /* [0, n) */

/*
 * Scale an iteration count by $UVM_TEST_SCALE (default 1; valgrind runs use
 * a small fraction).  Never returns less than 1.
 */
uint64_t th_scale(uint64_t n);

/* A scratch directory for files (swap, traces): $UVM_TEST_TMPDIR or /tmp. */
const char *th_tmpdir(void);

/* A process of the machine with the given personality (UVM_PERS_*). */
struct uvm_proc;
struct uvm_proc *th_proc(struct uvm *, int personality);

#endif /* _T_HARNESS_H_ */
