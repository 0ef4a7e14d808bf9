/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_hist.h: an event-trace ring in the spirit of UVMHIST.
 *
 * A history is a fixed ring of records; each record keeps a sequence
 * number, the function name, a format string (never copied: it must be a
 * literal) and four integer arguments.  Logging costs a lock and a store;
 * formatting happens only when the ring is dumped.
 */
#ifndef _KERN_HIST_H_
#define _KERN_HIST_H_

#include <stdint.h>
#include <stdio.h>

#include "kern/kern_lock.h"

struct khist_ent {
	uint64_t he_seq;
	const char *he_fn;
	const char *he_fmt; /* printf format for the four uintmax_t args */
	uintmax_t he_v[4];
};

/* Lock legend: [c] constant after khist_init(), [h] h_lock (LC_LEAF). */
struct khist {
	struct kmutex h_lock;
	const char *h_name;       /* [c] */
	unsigned h_n;             /* [c] entries in the ring */
	uint64_t h_seq;           /* [h] next sequence number */
	struct khist_ent *h_ents; /* [h] record seq is at h_ents[seq % h_n] */
	int h_enabled;            /* atomic: logging on (1 after init) */
};

int khist_init(struct khist *, const char *name, unsigned nent);
void khist_fini(struct khist *);
void khist_log(struct khist *, const char *fn, const char *fmt, uintmax_t a,
    uintmax_t b, uintmax_t c, uintmax_t d);
/* Dump the ring oldest first; at most `max` records (0: all). */
void khist_dump(struct khist *, FILE *, unsigned max);
/* Check the ring's invariants (panics on a violation). */
void khist_sanity(struct khist *);

#define UVMHIST_LOG(h, fmt, a, b, c, d)                                 \
	khist_log((h), __func__, (fmt), (uintmax_t)(a), (uintmax_t)(b), \
	    (uintmax_t)(c), (uintmax_t)(d))

#endif /* _KERN_HIST_H_ */
