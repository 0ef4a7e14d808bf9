/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * progress.h: a progress bar on stderr, drawn only when stderr is a
 * terminal, at most ten times a second.
 */
#ifndef _UVMSIM_PROGRESS_H_
#define _UVMSIM_PROGRESS_H_

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress_bar {
	bool pb_on;              /* stderr is a terminal and not --quiet */
	struct timespec pb_t0;   /* start */
	struct timespec pb_last; /* last redraw */
	bool pb_drawn;           /* something to erase at the end */
	const char *pb_label;
};

#define PROGRESS_MIN_INTERVAL_NS 100000000L /* 10 redraws per second */

void progress_start(struct progress_bar *, const char *label, bool quiet);
/* Redraw if due (or if force); done/total in any unit. */
void progress_update(
    struct progress_bar *, uint64_t done, uint64_t total, bool force);
/* Erase the bar. */
void progress_end(struct progress_bar *);

#endif /* _UVMSIM_PROGRESS_H_ */
