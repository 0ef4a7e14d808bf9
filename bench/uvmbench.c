/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvmbench.c: the benchmark runner (see bench.h).
 *
 *	uvmbench [--quick] [--list] [--reps N] [name-filter ...]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static struct bench *bench_list;
static volatile uint64_t bench_sink_v;

void
bench_register(struct bench *b)
{
	struct bench **bp;

	/* Keep the list sorted by name so that output order is stable. */
	for (bp = &bench_list;
	     *bp != NULL && strcmp((*bp)->b_name, b->b_name) < 0;
	     bp = &(*bp)->b_next)
		continue;
	b->b_next = *bp;
	*bp = b;
}

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_median(double *v, int n)
{
	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
bench_report(const char *name, const char *unit, double libuvm,
    const char *peer, double peerval, bool lower_better)
{
	double ratio;

	if (lower_better)
		ratio = libuvm > 0 ? peerval / libuvm : 0;
	else
		ratio = peerval > 0 ? libuvm / peerval : 0;
	printf("BENCH name=%s unit=%s libuvm=%.4g %s=%.4g ratio=%.3g\n", name,
	    unit, libuvm, peer, peerval, ratio);
	fflush(stdout);
}

void
bench_info(const char *name, const char *unit, double value)
{
	printf("INFO name=%s unit=%s value=%.6g\n", name, unit, value);
	fflush(stdout);
}

void
bench_sink(uint64_t v)
{
	bench_sink_v += v;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: uvmbench [--quick] [--list] [--reps N] [filter ...]\n"
	    "  runs every benchmark whose name contains one of the filters\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench_ctx ctx = {.bc_quick = false, .bc_reps = 5};
	const char *filters[64];
	int nfilters = 0, ran = 0;
	bool list = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			ctx.bc_quick = true;
			ctx.bc_reps = 3;
		} else if (strcmp(argv[i], "--list") == 0) {
			list = true;
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			ctx.bc_reps = atoi(argv[++i]);
			if (ctx.bc_reps < 1)
				usage();
		} else if (argv[i][0] == '-') {
			usage();
		} else if (nfilters < 64) {
			filters[nfilters++] = argv[i];
		}
	}
	for (struct bench *b = bench_list; b != NULL; b = b->b_next) {
		bool match = nfilters == 0;

		for (int i = 0; i < nfilters && !match; i++)
			match = strstr(b->b_name, filters[i]) != NULL;
		if (!match)
			continue;
		if (list) {
			printf("%-24s %s\n", b->b_name, b->b_desc);
			continue;
		}
		b->b_fn(&ctx);
		ran++;
	}
	if (!list && ran == 0) {
		fprintf(stderr, "uvmbench: no benchmark matches\n");
		return 1;
	}
	return 0;
}
