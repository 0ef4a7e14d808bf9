/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out.h: result output in the shapes users of other simulators know.
 */
#ifndef _UVMSIM_OUT_H_
#define _UVMSIM_OUT_H_

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"

/* Output kinds (-o list). */
#define OUT_SUMMARY    0x01u /* labelled header + vmstat + vmsim + FINALSTATS */
#define OUT_VMSTAT     0x02u /* vmstat -s style "%9u description" */
#define OUT_VMSIM      0x04u /* the vmsim one-line summary */
#define OUT_FINALSTATS 0x08u /* OSTEP's FINALSTATS line */
#define OUT_TABLE      0x10u /* aligned table, one row per run */
#define OUT_CSV        0x20u
#define OUT_JSON       0x40u

/* Parse "table,csv"; 0 and *bits, or -1 (message printed). */
int out_parse(const char *, unsigned *bits);

double out_hitrate(const struct sim_result *); /* percent */
void out_vmstat(FILE *, const struct sim_result *);
void out_vmsim(FILE *, const struct sim_result *);
void out_finalstats(FILE *, const struct sim_result *);
void out_table(FILE *, const struct sim_result *, size_t, bool timing);
void out_csv(FILE *, const struct sim_result *, size_t, bool timing);
void out_json(
    FILE *, const char *trace, const struct sim_result *, size_t, bool timing);
void out_timeseries(FILE *, const struct sim_result *, size_t);
/* uvm engine: failed events and (subst) substitutions, as "note:" lines. */
void out_notes(FILE *, const struct sim_result *, bool subst);
/* uvm engine: the map dumps of --maps, with a header. */
void out_maps(FILE *, const struct sim_result *);

#endif /* _UVMSIM_OUT_H_ */
