/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * progress.c: the stderr progress bar.  Standard output is never touched,
 * so results stay byte-identical with or without a terminal.
 */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

static int64_t
progress_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000 +
	    (b->tv_nsec - a->tv_nsec);
}

void
progress_start(struct progress_bar *pb, const char *label, bool quiet)
{
	pb->pb_on = !quiet && isatty(STDERR_FILENO);
	pb->pb_drawn = false;
	pb->pb_label = label;
	clock_gettime(CLOCK_MONOTONIC, &pb->pb_t0);
	pb->pb_last = pb->pb_t0;
}

void
progress_update(
    struct progress_bar *pb, uint64_t done, uint64_t total, bool force)
{
	struct timespec now;
	char bar[41];
	double frac, secs;
	int fill;

	if (!pb->pb_on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force &&
	    progress_ns(&pb->pb_last, &now) < PROGRESS_MIN_INTERVAL_NS)
		return;
	pb->pb_last = now;
	frac = total != 0 ? (double)done / (double)total : 1.0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * 40);
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	secs = (double)progress_ns(&pb->pb_t0, &now) / 1e9;
	fprintf(stderr, "\r%s [%s] %5.1f%% %6.1fs", pb->pb_label, bar,
	    frac * 100, secs);
	fflush(stderr);
	pb->pb_drawn = true;
}

void
progress_end(struct progress_bar *pb)
{
	if (pb->pb_on && pb->pb_drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pb->pb_drawn = false;
}
