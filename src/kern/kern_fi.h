/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_fi.h: the fault-injection schedule.
 *
 * Each machine owns one struct kfi.  For every site class the schedule is a
 * countdown and a repeat count: after `countdown` more successful checks at
 * that site, the next `repeat` checks fail (repeat < 0: fail forever), then
 * the site is disarmed.  Tests sweep the countdown over an operation (0, 1,
 * 2, ... until the operation completes without hitting the failure) and
 * check that every failure unwinds cleanly.
 */
#ifndef _KERN_FI_H_
#define _KERN_FI_H_

#include <stdbool.h>
#include <stdint.h>

enum kfi_site {
	KFI_PAGE,       /* physical page allocation */
	KFI_ANON,       /* anon allocation */
	KFI_AMAP,       /* amap allocation and growth */
	KFI_MAPENT,     /* map entry allocation */
	KFI_OBJ,        /* memory object allocation */
	KFI_SWAPSLOT,   /* swap slot allocation */
	KFI_PGIO_READ,  /* pager input (pread) */
	KFI_PGIO_WRITE, /* pager output (pwrite) */
	KFI_POOL,       /* any other pool allocation */
	KFI_NSITES
};

/* Every field is read and written with atomic operations. */
struct kfi_sched {
	int64_t fs_countdown; /* checks to pass before failing */
	int64_t fs_repeat;    /* failures to give; < 0 forever; 0 disarmed */
	uint64_t fs_checks;   /* checks seen while armed or not */
	uint64_t fs_failed;   /* failures given */
};

struct kfi {
	int fi_armed; /* any site armed (fast path), atomically read */
	struct kfi_sched fi_sched[KFI_NSITES];
};

void kfi_init(struct kfi *);
void kfi_arm(struct kfi *, enum kfi_site, int64_t countdown, int64_t repeat);
void kfi_disarm(struct kfi *, enum kfi_site);
void kfi_disarm_all(struct kfi *);
/* True if the operation at this site must fail now (never if kfi NULL). */
bool kfi_fail_p(struct kfi *, enum kfi_site);
uint64_t kfi_failed(const struct kfi *, enum kfi_site);
const char *kfi_site_name(enum kfi_site);
/* Check the schedule's invariants (panics on a violation). */
void kfi_sanity(const struct kfi *);

#endif /* _KERN_FI_H_ */
