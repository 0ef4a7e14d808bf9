/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench.h: uvmbench, the one benchmark runner.
 *
 * Each bench/b_<thing>.c registers its benchmarks with BENCH_REGISTER(); a
 * benchmark measures libuvm and its peer (the host kernel doing the same
 * work, or memcpy, raw I/O, ...) in the same run and reports one line:
 *
 *	BENCH name=<id> unit=<unit> libuvm=<v> <peer>=<v> ratio=<r>
 *
 * ratio is how many times better libuvm is: peer/libuvm for times and
 * costs, libuvm/peer for rates.  Figures are medians of several runs.
 */
#ifndef _BENCH_H_
#define _BENCH_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bench_ctx {
	bool bc_quick; /* smaller sizes and fewer repetitions (smoke runs) */
	int bc_reps;   /* repetitions to take the median of */
};

struct bench {
	const char *b_name; /* prefix of the names it reports */
	const char *b_desc;
	void (*b_fn)(struct bench_ctx *);
	struct bench *b_next;
};

void bench_register(struct bench *);
#define BENCH_REGISTER(id, desc, fn)                                  \
	static struct bench bench_##id = {#id, desc, fn, NULL};       \
	__attribute__((constructor)) static void bench_reg_##id(void) \
	{                                                             \
		bench_register(&bench_##id);                          \
	}

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);
/* Median of n doubles (sorts in place). */
double bench_median(double *v, int n);
/*
 * Report one result.  lower_better: the unit is a cost (ns/op, s), else a
 * rate (op/s, MB/s).
 */
void bench_report(const char *name, const char *unit, double libuvm,
    const char *peer, double peerval, bool lower_better);
/* Report an informational value (no peer), e.g. structure sizes. */
void bench_info(const char *name, const char *unit, double value);
/* Keep the compiler from discarding a computed value. */
void bench_sink(uint64_t);

#endif /* _BENCH_H_ */
