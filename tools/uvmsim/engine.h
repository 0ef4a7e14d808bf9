/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.h: the simulation engines behind one interface.
 *
 * A job is one deterministic simulation: one engine, one replacement
 * policy, one memory size, one input.  An engine runs a job to completion
 * and fills a struct sim_result; it keeps no state between jobs, touches
 * its inputs read-only, and may run on any thread, which is what lets the
 * sweep run jobs in parallel and still merge identical results.
 *
 * Engines:
 *	flat	reference-string engines (CLOCK, LRU, FIFO, MRU, RANDOM,
 *		OPT): input is the flat reference string; address-space
 *		events are not modelled and are reported as skipped.
 *	uvm	a whole libuvm machine per job, built from sj_cfg, replaying
 *		the event trace (sj_events): processes and their mmap-family
 *		calls through vmproc.h, accesses through uvm_access(); its
 *		counters are the machine's uvmexp (engine_uvm.c).
 *
 * The result's sr_engine label names the engine and policy
 * ("flat-clock"); every output prints it, so a flat result can never be
 * mistaken for one of the libuvm VM stack.
 */
#ifndef _UVMSIM_ENGINE_H_
#define _UVMSIM_ENGINE_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uvm/uvm_config.h>
#include <uvm/uvm_stats.h>

#include "refstr.h"
#include "trace.h"

/* One interval of the time series. */
struct sim_tsrow {
	uint64_t ts_end;  /* references up to and including this row */
	uint64_t ts_refs; /* references in the interval */
	uint64_t ts_hits;
	uint64_t ts_faults;
	uint64_t ts_writebacks;
	uint64_t ts_wss;      /* distinct pages referenced in the interval */
	uint64_t ts_resident; /* resident pages at the end */
};

/* An address space at the end of its life (exit, exec) or of the trace. */
struct sim_asinfo {
	uint32_t ai_as;    /* F11 address-space id */
	uint64_t ai_event; /* event number (from 1) of the end; 0: trace end */
	uint64_t ai_entries;  /* map entries */
	uint64_t ai_virtual;  /* pages mapped */
	uint64_t ai_resident; /* pages resident (mincore) */
};

/* Map dumps (sj_maps). */
#define SIM_MAPS_PROCMAPS 0x1u /* /proc/PID/maps */
#define SIM_MAPS_PMAP     0x2u /* pmap(1) */
#define SIM_MAPS_CENSUS   0x4u /* only sr_as: page counts per address space */

struct sim_result {
	char sr_engine[40]; /* label: "flat-clock", later "uvm-clockpro" */
	char sr_policy[16];
	uint64_t sr_frames; /* memory, in pages */
	uint64_t sr_pagesize;
	uint64_t sr_refs; /* page references */
	uint64_t sr_reads, sr_writes;
	uint64_t sr_hits;
	uint64_t sr_faults; /* misses, cold ones included */
	uint64_t sr_cold;   /* first references (compulsory misses) */
	uint64_t sr_evictions;
	uint64_t sr_writebacks; /* dirty pages evicted ("disk writes") */
	uint64_t sr_skipped;    /* events the engine does not model */
	uint64_t sr_pages;      /* distinct pages (working set of the trace) */
	bool sr_have_uvmexp;    /* sr_uvmexp is the machine's counters */
	struct uvmexp sr_uvmexp;
	struct sim_tsrow *sr_ts; /* time series (sj_interval > 0) */
	size_t sr_nts;
	double sr_seconds; /* wall time of the run */
	/* The uvm engine only (zero or NULL otherwise). */
	uint64_t sr_errors;   /* events whose call failed */
	uint64_t sr_fileanon; /* file mappings replayed as anonymous memory */
	uint64_t sr_automaps; /* regions mapped on first touch (F1-F10) */
	struct sim_asinfo *sr_as; /* address spaces, in order of their end */
	size_t sr_nas;
	char *sr_notes; /* failed events (the first few), one per line */
	char *sr_maps;  /* map dumps (sj_maps) */
};

/* Shared progress of a set of jobs (updated by the engines). */
struct sim_progress {
	_Atomic uint64_t sp_done; /* units (references) completed */
	uint64_t sp_total;
};

struct engine_ops;

struct sim_job {
	const struct engine_ops *sj_engine;
	const char *sj_policy;
	uint64_t sj_frames;
	uint64_t sj_pagesize;
	uint64_t sj_seed;
	const struct refstr *sj_refs;      /* ENG_NEEDS_REFS */
	const struct trace_buf *sj_events; /* ENG_NEEDS_EVENTS */
	const struct uvm_config *sj_cfg;   /* machine (uvm engine) */
	uint64_t sj_interval;              /* time-series interval; 0 none */
	FILE *sj_trace;                    /* per-reference output, or NULL */
	unsigned sj_maps;                  /* SIM_MAPS_*: dumps (uvm engine) */
	struct sim_progress *sj_progress;  /* or NULL */
};

#define ENG_NEEDS_REFS   0x1u /* a flat reference string */
#define ENG_NEEDS_EVENTS 0x2u /* the whole event trace in memory */

struct engine_ops {
	const char *eo_name; /* "flat" */
	const char *eo_desc;
	unsigned eo_needs;              /* ENG_NEEDS_* */
	const char *const *eo_policies; /* NULL-terminated */
	/*
	 * Run one job.  => 0, or -1 with a message in err.  Must be
	 * deterministic in (job, inputs) and safe to call concurrently.
	 */
	int (*eo_run)(const struct sim_job *, struct sim_result *, char *err,
	    size_t errlen);
};

extern const struct engine_ops engine_flat;
extern const struct engine_ops engine_uvm;

const struct engine_ops *engine_lookup(const char *name);
const struct engine_ops *engine_default(void);
/* The first engine (in registry order) that has the policy, or NULL. */
const struct engine_ops *engine_for_policy(const char *policy);
bool engine_policy_p(const struct engine_ops *, const char *policy);
void engines_print(FILE *);
void sim_result_free(struct sim_result *);

#endif /* _UVMSIM_ENGINE_H_ */
