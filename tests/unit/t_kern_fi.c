/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_kern_fi.c: the fault-injection schedule: countdown and repeat,
 * failing forever, disarming, independence of sites, the counters.
 */
#include <stdbool.h>
#include <string.h>

#include "t_harness.h"
#include "kern/kern.h"

static int
group_setup(void **state)
{
	(void)state;
	th_install_panic_hook();
	return 0;
}

/* The outcome of n checks at `site`, as a string of '.' and 'F'. */
static void
pattern(struct kfi *fi, enum kfi_site site, unsigned n, char *buf)
{
	unsigned i;

	for (i = 0; i < n; i++)
		buf[i] = kfi_fail_p(fi, site) ? 'F' : '.';
	buf[n] = '\0';
}

static void
test_fi_disarmed(void **state)
{
	struct kfi fi;
	char buf[32];
	int s;

	(void)state;
	memset(&fi, 0xff, sizeof(fi));
	kfi_init(&fi);
	assert_int_equal(fi.fi_armed, 0);
	for (s = 0; s < KFI_NSITES; s++) {
		pattern(&fi, (enum kfi_site)s, 10, buf);
		assert_string_equal(buf, "..........");
		assert_int_equal(kfi_failed(&fi, (enum kfi_site)s), 0);
		assert_int_equal(fi.fi_sched[s].fs_checks, 10);
	}
	/* No schedule at all never fails. */
	assert_false(kfi_fail_p(NULL, KFI_PAGE));
}

static void
test_fi_countdown_repeat(void **state)
{
	struct kfi fi;
	char buf[32];

	(void)state;
	kfi_init(&fi);
	kfi_arm(&fi, KFI_ANON, 3, 2);
	assert_int_equal(fi.fi_armed, 1);
	pattern(&fi, KFI_ANON, 10, buf);
	assert_string_equal(buf, "...FF.....");
	assert_int_equal(kfi_failed(&fi, KFI_ANON), 2);
	/* Spent: the site disarmed itself and the fast path is back. */
	assert_int_equal(fi.fi_sched[KFI_ANON].fs_repeat, 0);
	assert_int_equal(fi.fi_armed, 0);

	kfi_arm(&fi, KFI_ANON, 0, 1);
	pattern(&fi, KFI_ANON, 4, buf);
	assert_string_equal(buf, "F...");
	assert_int_equal(kfi_failed(&fi, KFI_ANON), 3);
	assert_int_equal(fi.fi_sched[KFI_ANON].fs_checks, 14);
}

static void
test_fi_forever_and_disarm(void **state)
{
	struct kfi fi;
	char buf[32];

	(void)state;
	kfi_init(&fi);
	kfi_arm(&fi, KFI_PAGE, 2, -1);
	pattern(&fi, KFI_PAGE, 12, buf);
	assert_string_equal(buf, "..FFFFFFFFFF");
	assert_int_equal(kfi_failed(&fi, KFI_PAGE), 10);
	kfi_disarm(&fi, KFI_PAGE);
	assert_int_equal(fi.fi_armed, 0);
	pattern(&fi, KFI_PAGE, 5, buf);
	assert_string_equal(buf, ".....");
	/* Counters survive disarming. */
	assert_int_equal(kfi_failed(&fi, KFI_PAGE), 10);

	/* Repeat 0 disarms too. */
	kfi_arm(&fi, KFI_PAGE, 0, -1);
	kfi_arm(&fi, KFI_PAGE, 0, 0);
	assert_int_equal(fi.fi_armed, 0);
	assert_false(kfi_fail_p(&fi, KFI_PAGE));

	/* disarm_all clears every site. */
	kfi_arm(&fi, KFI_PAGE, 0, -1);
	kfi_arm(&fi, KFI_SWAPSLOT, 1, 5);
	kfi_disarm_all(&fi);
	assert_int_equal(fi.fi_armed, 0);
	assert_false(kfi_fail_p(&fi, KFI_PAGE));
	assert_false(kfi_fail_p(&fi, KFI_SWAPSLOT));
	assert_false(kfi_fail_p(&fi, KFI_SWAPSLOT));
}

static void
test_fi_sites_independent(void **state)
{
	struct kfi fi;
	char a[16], b[16], c[16];

	(void)state;
	kfi_init(&fi);
	kfi_arm(&fi, KFI_AMAP, 1, 1);
	kfi_arm(&fi, KFI_MAPENT, 0, 2);
	pattern(&fi, KFI_OBJ, 4, c);
	pattern(&fi, KFI_AMAP, 4, a);
	pattern(&fi, KFI_MAPENT, 4, b);
	assert_string_equal(a, ".F..");
	assert_string_equal(b, "FF..");
	assert_string_equal(c, "....");
	/* Disarming one site leaves the other armed. */
	kfi_arm(&fi, KFI_AMAP, 0, -1);
	kfi_arm(&fi, KFI_MAPENT, 0, -1);
	kfi_disarm(&fi, KFI_AMAP);
	assert_int_equal(fi.fi_armed, 1);
	assert_false(kfi_fail_p(&fi, KFI_AMAP));
	assert_true(kfi_fail_p(&fi, KFI_MAPENT));
	kfi_disarm(&fi, KFI_MAPENT);
	assert_int_equal(fi.fi_armed, 0);
}

static void
test_fi_names(void **state)
{
	int s, t;

	(void)state;
	assert_string_equal(kfi_site_name(KFI_PAGE), "page");
	assert_string_equal(kfi_site_name(KFI_PGIO_WRITE), "pgio_write");
	assert_string_equal(kfi_site_name(KFI_NSITES), "?");
	assert_string_equal(kfi_site_name((enum kfi_site) - 1), "?");
	for (s = 0; s < KFI_NSITES; s++) {
		assert_non_null(kfi_site_name((enum kfi_site)s));
		assert_string_not_equal(kfi_site_name((enum kfi_site)s), "?");
		for (t = 0; t < s; t++)
			assert_string_not_equal(kfi_site_name((enum kfi_site)s),
			    kfi_site_name((enum kfi_site)t));
	}
}

#ifdef DIAGNOSTIC
static void
test_fi_misuse(void **state)
{
	struct kfi fi;

	(void)state;
	kfi_init(&fi);
	assert_true(TH_EXPECT_PANIC(kfi_arm(&fi, KFI_NSITES, 0, 1)));
	assert_true(TH_EXPECT_PANIC(kfi_arm(&fi, KFI_PAGE, -1, 1)));
	assert_true(TH_EXPECT_PANIC(kfi_fail_p(&fi, KFI_NSITES)));
	assert_int_equal(fi.fi_armed, 0);
}
#endif

/* The sweep pattern tests use: fail at 0, 1, 2, ... until it passes. */
static int
op_three_allocs(struct kfi *fi, int *done)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (kfi_fail_p(fi, KFI_POOL))
			return i + 1; /* failed at allocation i */
		done[i]++;
	}
	return 0;
}

static void
test_fi_sweep(void **state)
{
	struct kfi fi;
	int done[3] = {0, 0, 0};
	int64_t cd;
	int r;

	(void)state;
	kfi_init(&fi);
	for (cd = 0;; cd++) {
		kfi_arm(&fi, KFI_POOL, cd, 1);
		r = op_three_allocs(&fi, done);
		if (r == 0)
			break;
		assert_int_equal(r, cd + 1);
	}
	kfi_disarm_all(&fi);
	assert_int_equal(cd, 3);
	assert_int_equal(done[0], 3);
	assert_int_equal(done[1], 2);
	assert_int_equal(done[2], 1);
	assert_int_equal(kfi_failed(&fi, KFI_POOL), 3);
}

static void
test_fi_sanity(void **state)
{
	struct kfi fi;

	(void)state;
	kfi_init(&fi);
	kfi_sanity(&fi);
	kfi_arm(&fi, KFI_OBJ, 1, 2);
	kfi_sanity(&fi);
	(void)kfi_fail_p(&fi, KFI_OBJ);
	(void)kfi_fail_p(&fi, KFI_OBJ);
	kfi_sanity(&fi);
	/* An armed site behind a clear hint would never fail: caught. */
	fi.fi_armed = 0;
	assert_true(TH_EXPECT_PANIC(kfi_sanity(&fi)));
	assert_non_null(strstr(th_panic_msg, "obj"));
	fi.fi_armed = 1;
	fi.fi_sched[KFI_PAGE].fs_failed = 5;
	assert_true(TH_EXPECT_PANIC(kfi_sanity(&fi)));
	fi.fi_sched[KFI_PAGE].fs_failed = 0;
	kfi_disarm_all(&fi);
	kfi_sanity(&fi);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fi_disarmed),
	    cmocka_unit_test(test_fi_countdown_repeat),
	    cmocka_unit_test(test_fi_forever_and_disarm),
	    cmocka_unit_test(test_fi_sites_independent),
	    cmocka_unit_test(test_fi_names),
#ifdef DIAGNOSTIC
	    cmocka_unit_test(test_fi_misuse),
#endif
	    cmocka_unit_test(test_fi_sweep),
	    cmocka_unit_test(test_fi_sanity),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
