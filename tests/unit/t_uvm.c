/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_uvm.c: the machine: configuration resolution and validation, the
 * environment overrides, creation and destruction, independence of two
 * machines in one process, the configuration and statistics printers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_page.h"

/* Every UVM_* variable the tests set; cleared around each test. */
static const char *const env_names[] = {"UVM_PAGESIZE", "UVM_MEMSIZE",
    "UVM_SEGS", "UVM_NCOLORS", "UVM_BACKEND", "UVM_PDAEMON", "UVM_POLICY",
    "UVM_PERSONALITY", "UVM_SWAP", "UVM_ANONMIN", "UVM_INACTIVEPCT", "UVM_SEED",
    "UVM_ASLR", "UVM_DIAGNOSTIC", "UVM_RESERVE_KERNEL"};

static void
env_clear(void)
{
	for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
		unsetenv(env_names[i]);
}

static int
env_setup(void **state)
{
	(void)state;
	env_clear();
	th_install_panic_hook();
	return 0;
}

static int
env_teardown(void **state)
{
	(void)state;
	env_clear();
	return 0;
}

/* Expect uvm_create() to refuse cfg with EINVAL naming `field`. */
static void
expect_einval(const struct uvm_config *cfg, const char *field)
{
	struct uvm *uvm = (struct uvm *)0x1;
	int error;

	error = uvm_create(cfg, &uvm);
	assert_int_equal(error, EINVAL);
	assert_null(uvm);
	if (strstr(uvm_last_error(), field) == NULL)
		fail_msg("message \"%s\" does not name \"%s\"",
		    uvm_last_error(), field);
}

static void
test_defaults(void **state)
{
	struct uvm *uvm;

	(void)state;
	assert_int_equal(uvm_create(NULL, &uvm), 0);
	assert_int_equal(uvm_pagesize(uvm), 4096);
	assert_int_equal(uvm->u_cfg.uc_memsize, 64u << 20);
	assert_string_equal(uvm->u_cfg.uc_backend, "soft");
	assert_string_equal(uvm->u_cfg.uc_pdaemon, "inline");
	assert_string_equal(uvm->u_cfg.uc_policy, "clock");
	assert_string_equal(uvm->u_cfg.uc_personality, "netbsd");
	assert_int_equal(uvm->u_cfg.uc_ncolors, 1);
	assert_int_equal(uvm->u_pageshift, 12);
	assert_int_equal(uvm->u_pagemask, 4095);
	uvm_destroy(uvm);
}

static void
test_pagesizes(void **state)
{
	struct uvm_config cfg;
	struct uvm *uvm;

	(void)state;
	for (uint64_t ps = 4096; ps <= 65536; ps *= 2) {
		uvm_config_init(&cfg);
		cfg.uc_pagesize = ps;
		cfg.uc_memsize = 8u << 20;
		assert_int_equal(uvm_create(&cfg, &uvm), 0);
		assert_int_equal(uvm_pagesize(uvm), ps);
		assert_int_equal(
		    uvm->u_pagesize, (uint64_t)1 << uvm->u_pageshift);
		assert_int_equal(uvm_round_page(uvm, 1), ps);
		assert_int_equal(uvm_trunc_page(uvm, ps + 1), ps);
		uvm_destroy(uvm);
	}
}

static void
test_invalid_configs(void **state)
{
	struct uvm_config cfg;

	(void)state;
	uvm_config_init(&cfg);
	cfg.uc_pagesize = 6000;
	expect_einval(&cfg, "pagesize");
	cfg.uc_pagesize = 2048;
	expect_einval(&cfg, "pagesize");
	cfg.uc_pagesize = 128 * 1024;
	expect_einval(&cfg, "pagesize");

	uvm_config_init(&cfg);
	cfg.uc_memsize = 4096; /* one page: no memory to speak of */
	expect_einval(&cfg, "memsize");

	uvm_config_init(&cfg);
	cfg.uc_nsegs = 2;
	cfg.uc_segs[0] = (struct uvm_config_seg){100, 1000, 0};
	cfg.uc_segs[1] = (struct uvm_config_seg){500, 1000, 0};
	expect_einval(&cfg, "overlaps");
	cfg.uc_segs[1] = (struct uvm_config_seg){2000, 0, 0};
	expect_einval(&cfg, "segs[1]");
	cfg.uc_segs[1] = (struct uvm_config_seg){2000, 10, 7};
	expect_einval(&cfg, "freelist");
	cfg.uc_nsegs = UVM_CONFIG_MAXSEGS + 1;
	expect_einval(&cfg, "nsegs");

	uvm_config_init(&cfg);
	cfg.uc_policy = "lru-k";
	expect_einval(&cfg, "policy");
	uvm_config_init(&cfg);
	cfg.uc_backend = "hardware";
	expect_einval(&cfg, "backend");
	uvm_config_init(&cfg);
	cfg.uc_pdaemon = "sometimes";
	expect_einval(&cfg, "pdaemon");
	uvm_config_init(&cfg);
	cfg.uc_personality = "solaris";
	expect_einval(&cfg, "personality");
	uvm_config_init(&cfg);
	cfg.uc_ncolors = 3;
	expect_einval(&cfg, "ncolors");
	uvm_config_init(&cfg);
	cfg.uc_anonmin = 90;
	cfg.uc_anonmax = 50;
	expect_einval(&cfg, "minimums");
	uvm_config_init(&cfg);
	cfg.uc_inactivepct = 150;
	expect_einval(&cfg, "INACTIVEPCT");
	uvm_config_init(&cfg);
	cfg.uc_reserve_kernel = 1u << 30;
	expect_einval(&cfg, "reserve");
	uvm_config_init(&cfg);
	cfg.uc_nswap = 1;
	cfg.uc_swap[0].cw_path = "";
	expect_einval(&cfg, "swap[0]");
	uvm_config_init(&cfg);
	cfg.uc_diagnostic = 9;
	expect_einval(&cfg, "diagnostic");
}

static void
test_env_overrides(void **state)
{
	struct uvm_config cfg;
	struct uvm *uvm;

	(void)state;
	setenv("UVM_PAGESIZE", "16k", 1);
	setenv("UVM_MEMSIZE", "32m", 1);
	setenv("UVM_POLICY", "clockpro", 1);
	setenv("UVM_NCOLORS", "4", 1);
	setenv("UVM_SEED", "12345", 1);
	assert_int_equal(uvm_create(NULL, &uvm), 0);
	assert_int_equal(uvm_pagesize(uvm), 16384);
	assert_int_equal(uvm->u_cfg.uc_memsize, 32u << 20);
	assert_string_equal(uvm->u_cfg.uc_policy, "clockpro");
	assert_int_equal(uvm->u_cfg.uc_ncolors, 4);
	assert_int_equal(uvm->u_cfg.uc_seed, 12345);
	uvm_destroy(uvm);

	/* The API value wins over the environment. */
	uvm_config_init(&cfg);
	cfg.uc_pagesize = 8192;
	cfg.uc_policy = "clock";
	assert_int_equal(uvm_create(&cfg, &uvm), 0);
	assert_int_equal(uvm_pagesize(uvm), 8192);
	assert_string_equal(uvm->u_cfg.uc_policy, "clock");
	assert_int_equal(uvm->u_cfg.uc_memsize, 32u << 20); /* from env */
	uvm_destroy(uvm);

	/* Explicit segments from the environment. */
	env_clear();
	setenv("UVM_SEGS", "0:1024,4096:2048:1", 1);
	assert_int_equal(uvm_create(NULL, &uvm), 0);
	assert_int_equal(uvm->u_cfg.uc_nsegs, 2);
	assert_int_equal(uvm->u_cfg.uc_segs[1].cs_start, 4096);
	assert_int_equal(uvm->u_cfg.uc_segs[1].cs_npages, 2048);
	assert_int_equal(uvm->u_cfg.uc_segs[1].cs_freelist, 1);
	assert_int_equal(uvm->u_cfg.uc_memsize, 3072u * 4096);
	uvm_destroy(uvm);
}

static void
test_env_malformed(void **state)
{
	static const struct {
		const char *var, *value, *named;
	} bad[] = {
	    {"UVM_PAGESIZE", "4q", "UVM_PAGESIZE"},
	    {"UVM_PAGESIZE", "", NULL}, /* empty: ignored */
	    {"UVM_MEMSIZE", "lots", "UVM_MEMSIZE"},
	    {"UVM_MEMSIZE", "99999999999999999999999", "UVM_MEMSIZE"},
	    {"UVM_SEGS", "12", "UVM_SEGS"},
	    {"UVM_SEGS", "1:2:3:4", "UVM_SEGS"},
	    {"UVM_SWAP", "file", "UVM_SWAP"},
	    {"UVM_ANONMIN", "-5", "UVM_ANONMIN"},
	    {"UVM_ASLR", "yes", "UVM_ASLR"},
	    {"UVM_DIAGNOSTIC", "7", "UVM_DIAGNOSTIC"},
	    {"UVM_POLICY", "fifo", "policy"},
	};
	struct uvm *uvm;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env_clear();
		setenv(bad[i].var, bad[i].value, 1);
		if (bad[i].named == NULL) {
			assert_int_equal(uvm_create(NULL, &uvm), 0);
			uvm_destroy(uvm);
			continue;
		}
		assert_int_equal(uvm_create(NULL, &uvm), EINVAL);
		if (strstr(uvm_last_error(), bad[i].named) == NULL)
			fail_msg("%s=%s: message \"%s\" does not name %s",
			    bad[i].var, bad[i].value, uvm_last_error(),
			    bad[i].named);
	}
}

static void
test_config_dump(void **state)
{
	struct uvm_config cfg;
	struct uvm *uvm;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	uvm_config_init(&cfg);
	cfg.uc_pagesize = 8192;
	cfg.uc_policy = "clockpro";
	assert_int_equal(uvm_create(&cfg, &uvm), 0);
	fp = open_memstream(&buf, &len);
	uvm_config_dump(uvm, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "pagesize           8192"));
	assert_non_null(strstr(buf, "policy             clockpro"));
	assert_non_null(strstr(buf, "backend            soft"));
	free(buf);
	uvm_destroy(uvm);
}

static void
test_stats_print(void **state)
{
	struct uvmexp exp;
	struct uvm *uvm;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	assert_int_equal(uvm_create(NULL, &uvm), 0);
	uvm_stats(uvm, &exp);
	assert_int_equal(exp.pagesize, 4096);
	fp = open_memstream(&buf, &len);
	uvm_stats_print(&exp, fp);
	fclose(fp);
	/* vmstat -s form: the value right-aligned in nine columns. */
	assert_non_null(strstr(buf, "     4096 bytes per page\n"));
	assert_non_null(strstr(buf, " page faults\n"));
	free(buf);
	uvm_destroy(uvm);
}

/*
 * Two machines share nothing: pages allocated in one do not change the
 * other's counters, and destroying one leaves the other working.
 */
static void
test_two_machines(void **state)
{
	struct uvm_config cfg;
	struct uvm *a, *b;
	struct vm_page *pga[8];
	int64_t freeb;

	(void)state;
	th_config(&cfg);
	a = th_create(&cfg);
	cfg.uc_pagesize = 16384;
	b = th_create(&cfg);
	freeb = uvm_cnt_get(b, free);
	assert_true(freeb > 0);
	for (int i = 0; i < 8; i++) {
		pga[i] = uvm_pagealloc(a, NULL, 0, NULL, 0);
		assert_non_null(pga[i]);
		assert_ptr_equal(uvm_page_machine(pga[i]), a);
	}
	assert_int_equal(uvm_cnt_get(b, free), freeb);
	for (int i = 0; i < 8; i++)
		uvm_pagefree(pga[i]);
	uvm_destroy(a);
	pga[0] = uvm_pagealloc(b, NULL, 0, NULL, UVM_PGA_ZERO);
	assert_non_null(pga[0]);
	assert_ptr_equal(uvm_page_machine(pga[0]), b);
	uvm_pagefree(pga[0]);
	assert_int_equal(uvm_cnt_get(b, free), freeb);
	uvm_sanity_all(b);
	uvm_destroy(b);
}

/* Repeated creation and destruction leaks nothing (valgrind checks). */
static void
test_create_destroy_loop(void **state)
{
	struct uvm_config cfg;
	struct uvm *uvm;

	(void)state;
	th_config(&cfg);
	for (int i = 0; i < 20; i++) {
		cfg.uc_pagesize = 4096u << (i % 5);
		assert_int_equal(uvm_create(&cfg, &uvm), 0);
		uvm_destroy(uvm);
	}
	uvm_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_defaults, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_pagesizes, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_invalid_configs, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_env_overrides, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_env_malformed, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_config_dump, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_stats_print, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_two_machines, env_setup, env_teardown),
	    cmocka_unit_test_setup_teardown(
		test_create_destroy_loop, env_setup, env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
