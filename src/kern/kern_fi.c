/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_fi.c: the fault-injection schedule (see kern_fi.h).
 *
 * Every field is accessed with atomic operations, so allocation paths on
 * several threads may consult one machine's schedule without a lock.  A
 * check consumes the countdown with a compare-and-swap, then the repeat
 * count the same way: each pass and each failure is given to exactly one
 * caller.  fi_armed is a hint for the fast path: it is set by kfi_arm()
 * and cleared when every site is disarmed again.
 *
 * Arming and disarming are meant to happen while no operation is running
 * on the machine (tests arm, run, disarm); they are still atomic per
 * field, so a concurrent check sees a sane, if mixed, schedule.
 */
#include <stddef.h>

#include "kern/kern_assert.h"
#include "kern/kern_fi.h"

#define FI_LD(p)    __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define FI_ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define FI_CAS(p, o, n)              \
	__atomic_compare_exchange_n( \
	    (p), (o), (n), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#define FI_ADD(p, n) ((void)__atomic_fetch_add((p), (n), __ATOMIC_RELAXED))

static const char *const kfi_names[KFI_NSITES] = {
    [KFI_PAGE] = "page",
    [KFI_ANON] = "anon",
    [KFI_AMAP] = "amap",
    [KFI_MAPENT] = "mapent",
    [KFI_OBJ] = "obj",
    [KFI_SWAPSLOT] = "swapslot",
    [KFI_PGIO_READ] = "pgio_read",
    [KFI_PGIO_WRITE] = "pgio_write",
    [KFI_POOL] = "pool",
};

/*
 * kfi_rearm_hint: recompute fi_armed from the sites' repeat counts.
 */
static void
kfi_rearm_hint(struct kfi *fi)
{
	int i, armed;

	armed = 0;
	for (i = 0; i < KFI_NSITES; i++)
		if (FI_LD(&fi->fi_sched[i].fs_repeat) != 0)
			armed = 1;
	FI_ST(&fi->fi_armed, armed);
}

/*
 * kfi_init: every site disarmed, counters zero.
 */
void
kfi_init(struct kfi *fi)
{
	int i;

	KASSERT(fi != NULL);
	for (i = 0; i < KFI_NSITES; i++) {
		FI_ST(&fi->fi_sched[i].fs_countdown, 0);
		FI_ST(&fi->fi_sched[i].fs_repeat, 0);
		FI_ST(&fi->fi_sched[i].fs_checks, 0);
		FI_ST(&fi->fi_sched[i].fs_failed, 0);
	}
	FI_ST(&fi->fi_armed, 0);
}

/*
 * kfi_arm: after `countdown` passing checks at `site`, fail `repeat`
 * checks (repeat < 0: every later check; 0: disarm).
 */
void
kfi_arm(struct kfi *fi, enum kfi_site site, int64_t countdown, int64_t repeat)
{
	struct kfi_sched *fs;

	KASSERT(fi != NULL);
	KASSERTMSG(site >= 0 && site < KFI_NSITES, "bad site %d", (int)site);
	KASSERTMSG(
	    countdown >= 0, "negative countdown %jd", (intmax_t)countdown);
	fs = &fi->fi_sched[site];
	/* Disarm first so that no check sees the new countdown too early. */
	FI_ST(&fs->fs_repeat, 0);
	FI_ST(&fs->fs_countdown, countdown);
	FI_ST(&fs->fs_repeat, repeat);
	if (repeat != 0)
		FI_ST(&fi->fi_armed, 1);
	else
		kfi_rearm_hint(fi);
}

/*
 * kfi_disarm: no more failures at `site` (its counters stay).
 */
void
kfi_disarm(struct kfi *fi, enum kfi_site site)
{
	KASSERT(fi != NULL);
	KASSERTMSG(site >= 0 && site < KFI_NSITES, "bad site %d", (int)site);
	FI_ST(&fi->fi_sched[site].fs_repeat, 0);
	FI_ST(&fi->fi_sched[site].fs_countdown, 0);
	kfi_rearm_hint(fi);
}

/*
 * kfi_disarm_all: disarm every site.
 */
void
kfi_disarm_all(struct kfi *fi)
{
	int i;

	KASSERT(fi != NULL);
	for (i = 0; i < KFI_NSITES; i++) {
		FI_ST(&fi->fi_sched[i].fs_repeat, 0);
		FI_ST(&fi->fi_sched[i].fs_countdown, 0);
	}
	FI_ST(&fi->fi_armed, 0);
}

/*
 * kfi_fail_p: one check at `site`; true if the caller must fail now.
 * => fi may be NULL (no schedule: never fails).
 * => lock-free; never sleeps.
 */
bool
kfi_fail_p(struct kfi *fi, enum kfi_site site)
{
	struct kfi_sched *fs;
	int64_t cd, rep;

	if (fi == NULL)
		return false;
	KASSERTMSG(site >= 0 && site < KFI_NSITES, "bad site %d", (int)site);
	fs = &fi->fi_sched[site];
	FI_ADD(&fs->fs_checks, 1);
	if (__predict_true(FI_LD(&fi->fi_armed) == 0))
		return false;
	for (;;) {
		rep = FI_LD(&fs->fs_repeat);
		if (rep == 0)
			return false;
		cd = FI_LD(&fs->fs_countdown);
		if (cd > 0) {
			if (FI_CAS(&fs->fs_countdown, &cd, cd - 1))
				return false;
			continue;
		}
		if (rep < 0)
			break;
		if (FI_CAS(&fs->fs_repeat, &rep, rep - 1)) {
			if (rep == 1)
				kfi_rearm_hint(fi);
			break;
		}
	}
	FI_ADD(&fs->fs_failed, 1);
	return true;
}

/*
 * kfi_failed: failures given at `site` since kfi_init().
 */
uint64_t
kfi_failed(const struct kfi *fi, enum kfi_site site)
{
	KASSERT(fi != NULL);
	KASSERTMSG(site >= 0 && site < KFI_NSITES, "bad site %d", (int)site);
	return FI_LD(&fi->fi_sched[site].fs_failed);
}

/*
 * kfi_site_name: a short name for messages ("page", "anon", ...).
 */
const char *
kfi_site_name(enum kfi_site site)
{
	if (site < 0 || site >= KFI_NSITES)
		return "?";
	return kfi_names[site];
}

/*
 * kfi_sanity: check the schedule's invariants.
 * => every countdown >= 0; failures given <= checks seen; no armed site
 *    while the fast-path hint says none is.
 * => meant for quiescent machines (an arm in progress may look mixed).
 */
void
kfi_sanity(const struct kfi *fi)
{
	const struct kfi_sched *fs;
	int i, armed;

	armed = FI_LD(&fi->fi_armed);
	if (armed != 0 && armed != 1)
		panic("kfi: armed hint %d", armed);
	for (i = 0; i < KFI_NSITES; i++) {
		fs = &fi->fi_sched[i];
		if (FI_LD(&fs->fs_countdown) < 0)
			panic("kfi: site %s: countdown %jd", kfi_names[i],
			    (intmax_t)FI_LD(&fs->fs_countdown));
		if (FI_LD(&fs->fs_failed) > FI_LD(&fs->fs_checks))
			panic("kfi: site %s: %ju failures in %ju checks",
			    kfi_names[i], (uintmax_t)FI_LD(&fs->fs_failed),
			    (uintmax_t)FI_LD(&fs->fs_checks));
		if (armed == 0 && FI_LD(&fs->fs_repeat) != 0)
			panic("kfi: site %s armed (repeat %jd) behind a clear "
			      "hint",
			    kfi_names[i], (intmax_t)FI_LD(&fs->fs_repeat));
	}
}
