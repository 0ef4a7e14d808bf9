/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sweep.h: running a set of independent jobs on a worker pool.
 */
#ifndef _UVMSIM_SWEEP_H_
#define _UVMSIM_SWEEP_H_

#include "engine.h"

/*
 * sweep_run: run jobs[0..n) on `workers` threads; results[i] is the
 * result of jobs[i] whatever the order of completion, so the output is
 * the same for any number of workers.  A progress bar is drawn on stderr
 * (if a terminal and not quiet).
 * => 0, or -1 with the message of the first failed job (in job order).
 */
int sweep_run(struct sim_job *jobs, struct sim_result *results, size_t n,
    unsigned workers, bool quiet, char *err, size_t errlen);

#endif /* _UVMSIM_SWEEP_H_ */
