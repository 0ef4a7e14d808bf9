/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen.h: seeded synthetic workloads, emitted as F11 events.
 */
#ifndef _UVMSIM_GEN_H_
#define _UVMSIM_GEN_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

struct gen_params {
	const char *gp_kind; /* uniform zipf hotspot loop scan shell pressure */
	uint64_t gp_pages;   /* footprint in pages */
	uint64_t gp_count;   /* accesses */
	uint64_t gp_seed;
	uint64_t gp_pagesize;
	double gp_write;   /* fraction of accesses that are stores */
	double gp_alpha;   /* zipf exponent */
	double gp_hotfrac; /* hotspot: fraction of pages that are hot */
	double gp_hotprob; /* hotspot: probability of a hot access */
	uint64_t gp_procs; /* shell: commands; pressure: processes */
};

void gen_defaults(struct gen_params *);
/* Run a generator into a sink: 0, or -1 with a message in err. */
int gen_run(const struct gen_params *, trace_sink_fn, void *arg, char *err,
    size_t errlen);
void gen_kinds_print(FILE *);

#endif /* _UVMSIM_GEN_H_ */
