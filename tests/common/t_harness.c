/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_harness.c: the common fixture of libuvm's tests (see t_harness.h).
 */
#include "t_harness.h"
#include "uvm_proc.h"

jmp_buf *th_panic_jmp;
char th_panic_msg[512];

static void
th_panic_hook(const char *msg, void *arg)
{
	(void)arg;
	snprintf(th_panic_msg, sizeof(th_panic_msg), "%s", msg);
	if (th_panic_jmp != NULL)
		longjmp(*th_panic_jmp, 1);
	fail_msg("panic: %s", msg);
}

void
th_install_panic_hook(void)
{
	uvm_set_panic_hook(th_panic_hook, NULL);
}

void
th_config(struct uvm_config *cfg)
{
	uvm_config_init(cfg);
	cfg->uc_pagesize = 4096;
	cfg->uc_memsize = 16u << 20;
	cfg->uc_pdaemon = "inline";
	cfg->uc_diagnostic = 2;
}

struct uvm *
th_create(const struct uvm_config *cfg)
{
	struct uvm *uvm = NULL;
	int error;

	th_install_panic_hook();
	error = uvm_create(cfg, &uvm);
	if (error != 0)
		fail_msg("uvm_create: error %d: %s", error, uvm_last_error());
	return uvm;
}

void
th_rebaseline(struct th_fixture *tf)
{
	uvm_acct_snapshot(tf->tf_uvm, &tf->tf_acct);
}

void
th_check(struct th_fixture *tf)
{
	struct uvm_acct now;

	uvm_sanity_all(tf->tf_uvm);
	uvm_acct_snapshot(tf->tf_uvm, &now);
	if (!uvm_acct_equal_p(&tf->tf_acct, &now))
		fail_msg("accounting did not return to its baseline");
}

int
th_setup_cfg(void **state, const struct uvm_config *cfg)
{
	struct th_fixture *tf;

	tf = calloc(1, sizeof(*tf));
	assert_non_null(tf);
	tf->tf_uvm = th_create(cfg);
	th_rebaseline(tf);
	*state = tf;
	return 0;
}

int
th_setup(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	return th_setup_cfg(state, &cfg);
}

int
th_teardown(void **state)
{
	struct th_fixture *tf = *state;

	if (tf == NULL)
		return 0;
	th_check(tf);
	uvm_destroy(tf->tf_uvm);
	free(tf);
	*state = NULL;
	return 0;
}

static uint64_t
th_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
th_rng_seed(struct th_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = th_splitmix(&seed);
}

static inline uint64_t
th_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
th_rng_next(struct th_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = th_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = th_rotl(s[3], 45);
	return result;
}

uint64_t
th_rng_below(struct th_rng *r, uint64_t n)
{
	return n == 0 ? 0 : th_rng_next(r) % n;
}

const char *
th_tmpdir(void)
{
	const char *d = getenv("UVM_TEST_TMPDIR");

	return d != NULL && *d != '\0' ? d : "/tmp";
}

uint64_t
th_scale(uint64_t n)
{
	const char *e = getenv("UVM_TEST_SCALE");
	double f = e != NULL ? strtod(e, NULL) : 1.0;
	double v;

	if (!(f > 0))
		f = 1.0;
	v = (double)n * f;
	return v < 1 ? 1 : (uint64_t)v;
}

struct uvm_proc *
th_proc(struct uvm *uvm, int personality)
{
	struct uvm_proc_config pc;
	struct uvm_proc *p = NULL;

	uvm_proc_config_init(uvm, &pc);
	pc.pc_personality = personality;
	assert_int_equal(uvm_proc_create(uvm, &pc, &p), 0);
	return p;
}
