/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sweep.c: the worker pool.
 *
 * Workers take the next job index from a shared counter and write only
 * their own result slot, so no result depends on scheduling.  The calling
 * thread does no simulation: it waits on a condition variable with a
 * 100 ms timeout and redraws the progress bar, which bounds redraws to ten
 * a second without a separate timer thread.  Jobs share their inputs
 * (reference string, event trace) read-only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "sweep.h"
#include "util.h"

struct sweep_pool {
	struct sim_job *sp_jobs;
	struct sim_result *sp_results;
	size_t sp_n;
	_Atomic size_t sp_next; /* next job to take */
	pthread_mutex_t sp_lock;
	pthread_cond_t sp_cv; /* signalled when a job ends */
	size_t sp_done;       /* [sp_lock] jobs finished */
	int *sp_status;       /* per job: 0 or -1 */
	char (*sp_err)[256];  /* per job message */
};

static void *
sweep_worker(void *arg)
{
	struct sweep_pool *sp = arg;
	size_t i;

	while ((i = atomic_fetch_add(&sp->sp_next, 1)) < sp->sp_n) {
		struct sim_job *job = &sp->sp_jobs[i];

		sp->sp_status[i] = job->sj_engine->eo_run(job,
		    &sp->sp_results[i], sp->sp_err[i], sizeof(sp->sp_err[i]));
		pthread_mutex_lock(&sp->sp_lock);
		sp->sp_done++;
		pthread_cond_signal(&sp->sp_cv);
		pthread_mutex_unlock(&sp->sp_lock);
	}
	return NULL;
}

int
sweep_run(struct sim_job *jobs, struct sim_result *results, size_t n,
    unsigned workers, bool quiet, char *err, size_t errlen)
{
	struct sweep_pool sp;
	struct sim_progress prog;
	struct progress_bar pb;
	pthread_condattr_t ca;
	pthread_t *tids;
	unsigned started = 0;
	int rv = 0;

	memset(&sp, 0, sizeof(sp));
	sp.sp_jobs = jobs;
	sp.sp_results = results;
	sp.sp_n = n;
	atomic_init(&sp.sp_next, 0);
	sp.sp_status = sim_calloc(n, sizeof(int));
	sp.sp_err = sim_calloc(n, sizeof(*sp.sp_err));
	atomic_init(&prog.sp_done, 0);
	prog.sp_total = 0;
	for (size_t i = 0; i < n; i++) {
		jobs[i].sj_progress = &prog;
		/* Engines that replay events count events, others references. */
		if ((jobs[i].sj_engine->eo_needs & ENG_NEEDS_EVENTS) != 0)
			prog.sp_total += jobs[i].sj_events->tb_n;
		else if (jobs[i].sj_refs != NULL)
			prog.sp_total += jobs[i].sj_refs->rs_n;
	}
	pthread_mutex_init(&sp.sp_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sp.sp_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (workers == 0)
		workers = 1;
	if (workers > n)
		workers = (unsigned)n;
	tids = sim_calloc(workers, sizeof(*tids));
	progress_start(&pb, n > 1 ? "sweep" : "run", quiet);
	for (unsigned w = 0; w < workers; w++) {
		if (pthread_create(&tids[w], NULL, sweep_worker, &sp) != 0)
			break;
		started++;
	}
	if (started == 0)
		sweep_worker(&sp); /* no threads: run here */
	pthread_mutex_lock(&sp.sp_lock);
	while (sp.sp_done < n) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += PROGRESS_MIN_INTERVAL_NS;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&sp.sp_cv, &sp.sp_lock, &ts);
		pthread_mutex_unlock(&sp.sp_lock);
		progress_update(
		    &pb, atomic_load(&prog.sp_done), prog.sp_total, false);
		pthread_mutex_lock(&sp.sp_lock);
	}
	pthread_mutex_unlock(&sp.sp_lock);
	for (unsigned w = 0; w < started; w++)
		pthread_join(tids[w], NULL);
	progress_end(&pb);
	for (size_t i = 0; i < n; i++) {
		jobs[i].sj_progress = NULL;
		if (sp.sp_status[i] != 0 && rv == 0) {
			snprintf(err, errlen, "%s", sp.sp_err[i]);
			rv = -1;
		}
	}
	pthread_cond_destroy(&sp.sp_cv);
	pthread_mutex_destroy(&sp.sp_lock);
	free(tids);
	free(sp.sp_status);
	free(sp.sp_err);
	return rv;
}
