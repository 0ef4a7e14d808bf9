/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_assert.c: panic(9), the KASSERT back end and the panic hook.
 *
 * This file owns the one piece of process-wide mutable state in libuvm:
 * the panic hook set by uvm_set_panic_hook().  It is program
 * configuration (a simulator dumps state, a test harness turns a panic
 * into a test failure), not machine state, so it cannot hang off struct
 * uvm: a panic may happen where no machine is at hand.  The hook and its
 * argument are published together through one atomic pointer to an
 * immutable record, so that a panic racing with a hook change sees either
 * the old or the new pair, never a mixture.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include <uvm.h>

#include "kern/kern_assert.h"

struct panic_hook {
	uvm_panic_hook_t ph_fn;
	void *ph_arg;
};

/*
 * Records are never freed: a panicking thread may still be reading the
 * previous one.  Programs set the hook a handful of times, so the records
 * that pile up are bounded by the number of calls (tests call it once per
 * fixture; we reuse the record when the pair does not change).
 */
static _Atomic(struct panic_hook *) panic_hook_cur;

/*
 * uvm_set_panic_hook: install the function called on panic.
 * => fn NULL restores the default (print to stderr and abort).
 * => may be called from any thread at any time.
 */
void
uvm_set_panic_hook(uvm_panic_hook_t fn, void *arg)
{
	struct panic_hook *ph, *old;

	old = atomic_load(&panic_hook_cur);
	if (old != NULL && old->ph_fn == fn && old->ph_arg == arg)
		return;
	if (fn == NULL) {
		atomic_store(&panic_hook_cur, NULL);
		return;
	}
	ph = malloc(sizeof(*ph));
	if (ph == NULL) {
		fprintf(stderr, "uvm_set_panic_hook: out of host memory\n");
		abort();
	}
	ph->ph_fn = fn;
	ph->ph_arg = arg;
	atomic_store(&panic_hook_cur, ph);
}

/*
 * vpanic: format the message, hand it to the hook, abort if it returns.
 * => never returns (the hook may longjmp out, which tests use).
 */
void
vpanic(const char *fmt, va_list ap)
{
	char msg[1024];
	struct panic_hook *ph;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ph = atomic_load(&panic_hook_cur);
	if (ph != NULL)
		(*ph->ph_fn)(msg, ph->ph_arg);
	fprintf(stderr, "panic: %s\n", msg);
	fflush(stderr);
	abort();
}

/*
 * panic: stop the machine with a message.
 */
void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(fmt, ap);
	/* NOTREACHED */
}

/*
 * kassert_panic: the KASSERTMSG failure path.
 * => message: assertion "expr" failed: file F, line L: msg
 */
void
kassert_panic(
    const char *expr, const char *file, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	panic("assertion \"%s\" failed: file %s, line %d: %s", expr, file, line,
	    msg);
}
