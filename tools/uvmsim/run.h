/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * run.h: `uvmsim run` and `uvmsim sweep` as a plain structure, so that the
 * other simulators' command-line shapes (cli_compat.c) and the default
 * workload can fill one in and execute it the same way.
 */
#ifndef _UVMSIM_RUN_H_
#define _UVMSIM_RUN_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "trace.h"

struct run_opts {
	struct trace_ropts r_read;
	struct sim_machine r_machine;
	const char *r_engine;    /* NULL: the default engine */
	const char *r_policies;  /* comma list */
	const char *r_sizes;     /* comma list of memory sizes */
	bool r_bare_fraction_ws; /* "0.1" means 0.1ws (libCacheSim) */
	uint64_t r_seed;
	bool r_quiet;
	bool r_trace; /* per-reference output */
	bool r_timing;
	unsigned r_jobs;
	unsigned r_outputs;   /* OUT_* */
	const char *r_tsfile; /* time-series CSV, or NULL */
	uint64_t r_interval;  /* time-series interval; 0: 100 rows */
	const char *r_path;   /* the trace ("-": stdin) */
	const void *r_mem;    /* or a trace in memory, named r_path */
	size_t r_memlen;
	bool r_single;   /* `run`: exactly one policy and size */
	unsigned r_maps; /* SIM_MAPS_*: map dumps (uvm engine) */
};

void run_opts_init(struct run_opts *);
void run_opts_fini(struct run_opts *);
/* Execute; returns the exit status (0, usage 1, input 2). */
int run_exec(struct run_opts *);
/* Canonical policy name ("RAND" -> "random"); NULL if unknown. */
const char *run_policy_canon(const char *name, char *buf, size_t len);

/* Subcommands other than run and sweep (cli_cmds.c). */
int cmd_convert(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_info(int argc, char **argv);
/* Other simulators' command lines (cli_compat.c); -1: not that shape. */
int compat_main(int argc, char **argv);

#endif /* _UVMSIM_RUN_H_ */
