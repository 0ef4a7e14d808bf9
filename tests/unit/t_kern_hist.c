/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_kern_hist.c: the trace ring: records, wraparound, the dump format and
 * its limit, disabling.
 */
#include <errno.h>
#include <stdlib.h>
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

/* Dump `h` into a string (caller frees). */
static char *
dump(struct khist *h, unsigned max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	khist_dump(h, fp, max);
	fclose(fp);
	return buf;
}

static unsigned
count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

static void
test_hist_init(void **state)
{
	struct khist h;
	char *s;

	(void)state;
	assert_int_equal(khist_init(&h, "t", 0), EINVAL);
	assert_int_equal(khist_init(&h, "t", 8), 0);
	assert_int_equal(h.h_n, 8);
	assert_int_equal(h.h_seq, 0);
	s = dump(&h, 0);
	assert_string_equal(s, "");
	free(s);
	khist_fini(&h);
}

static void
test_hist_log_dump(void **state)
{
	struct khist h;
	char *s;

	(void)state;
	assert_int_equal(khist_init(&h, "t", 8), 0);
	UVMHIST_LOG(&h, "a=%ju b=%#jx", 1, 255, 0, 0);
	UVMHIST_LOG(&h, "map=%#jx start=%#jx end=%#jx flags=%ju", 0x1000,
	    0x2000, 0x3000, 7);
	khist_log(&h, "myfn", "done", 0, 0, 0, 0);
	s = dump(&h, 0);
	assert_string_equal(s,
	    "0 test_hist_log_dump: a=1 b=0xff\n"
	    "1 test_hist_log_dump: map=0x1000 start=0x2000 end=0x3000 "
	    "flags=7\n"
	    "2 myfn: done\n");
	free(s);
	/* The limit keeps the newest records, oldest first. */
	s = dump(&h, 1);
	assert_string_equal(s, "2 myfn: done\n");
	free(s);
	khist_fini(&h);
}

static void
test_hist_wrap(void **state)
{
	struct khist h;
	char *s, *p, line[64];
	unsigned i;

	(void)state;
	assert_int_equal(khist_init(&h, "t", 8), 0);
	for (i = 0; i < 20; i++)
		khist_log(&h, "f", "v=%ju", i * 10, 0, 0, 0);
	assert_int_equal(h.h_seq, 20);
	s = dump(&h, 0);
	assert_int_equal(count_lines(s), 8);
	/* Records 12..19 survive, oldest first. */
	p = s;
	for (i = 12; i < 20; i++) {
		snprintf(line, sizeof(line), "%u f: v=%u\n", i, i * 10);
		assert_true(strncmp(p, line, strlen(line)) == 0);
		p += strlen(line);
	}
	assert_string_equal(p, "");
	free(s);

	s = dump(&h, 3);
	assert_string_equal(s, "17 f: v=170\n18 f: v=180\n19 f: v=190\n");
	free(s);
	/* A limit above the ring size shows the ring. */
	s = dump(&h, 100);
	assert_int_equal(count_lines(s), 8);
	free(s);
	khist_fini(&h);
}

static void
test_hist_disabled(void **state)
{
	struct khist h;
	char *s;

	(void)state;
	assert_int_equal(khist_init(&h, "t", 4), 0);
	assert_int_equal(h.h_enabled, 1);
	h.h_enabled = 0;
	khist_log(&h, "f", "x", 0, 0, 0, 0);
	assert_int_equal(h.h_seq, 0);
	h.h_enabled = 1;
	khist_log(&h, "f", "x", 0, 0, 0, 0);
	s = dump(&h, 0);
	assert_string_equal(s, "0 f: x\n");
	free(s);
	khist_fini(&h);
}

static void
test_hist_sanity(void **state)
{
	struct khist h;
	unsigned i;

	(void)state;
	assert_int_equal(khist_init(&h, "t_sane", 4), 0);
	khist_sanity(&h);
	for (i = 0; i < 10; i++) {
		khist_log(&h, "f", "%ju", i, 0, 0, 0);
		khist_sanity(&h);
	}
	h.h_ents[1].he_seq = 3; /* slot 1 must hold record 9 */
	assert_true(TH_EXPECT_PANIC(khist_sanity(&h)));
	assert_non_null(strstr(th_panic_msg, "t_sane"));
	/* The panic released the ring's lock. */
	h.h_ents[1].he_seq = 9;
	khist_log(&h, "f", "x", 0, 0, 0, 0);
	khist_sanity(&h);
	khist_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hist_init),
	    cmocka_unit_test(test_hist_log_dump),
	    cmocka_unit_test(test_hist_wrap),
	    cmocka_unit_test(test_hist_disabled),
	    cmocka_unit_test(test_hist_sanity),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
