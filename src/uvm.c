/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm.c: the machine: configuration, creation and destruction, statistics.
 *
 * uvm_create() resolves the configuration (API value, else UVM_<NAME> from
 * the environment, else the default), validates every field before it
 * allocates anything, and then brings the subsystems up bottom to top:
 *
 *	kern services -> physical segments and pages -> page policy ->
 *	pmap -> swap -> objects -> anons -> amaps -> maps
 *
 * uvm_destroy() takes them down in the reverse order.  A failure half-way
 * unwinds exactly the subsystems that came up.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "uvm_object.h"
#include "uvm_anon.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "pmap/pmap.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "uvm_proc.h"
#include "uvm_pdaemon.h"

static _Thread_local char uvm_errbuf[256];

void
uvm_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(uvm_errbuf, sizeof(uvm_errbuf), fmt, ap);
	va_end(ap);
}

const char *
uvm_last_error(void)
{
	return uvm_errbuf;
}

void
uvm_config_init(struct uvm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

/*
 * Subsystems in bring-up order.  Each init either succeeds completely or
 * leaves nothing behind; fini undoes a successful init.
 */
static const struct uvm_subsys {
	const char *ss_name;
	int (*ss_init)(struct uvm *);
	void (*ss_fini)(struct uvm *);
} uvm_subsystems[] = {
    {"physseg", uvm_physseg_init, uvm_physseg_fini},
    {"page", uvm_page_init, uvm_page_fini},
    {"pdpolicy", uvmpdpol_init, uvmpdpol_fini}, {"pmap", pmap_init, pmap_fini},
    {"swap", uvm_swap_init, uvm_swap_fini}, /* before its users */
    {"object", uvm_obj_state_init, uvm_obj_state_fini},
    {"anon", uvm_anon_init, uvm_anon_fini},
    {"amap", uvm_amap_init, uvm_amap_fini}, {"map", uvm_map_init, uvm_map_fini},
    {"proc", uvm_proc_init, uvm_proc_fini},
    {"pdaemon", uvm_pdaemon_init, uvm_pdaemon_fini}, /* last: stops first */
};

int
uvm_create(const struct uvm_config *cfg, struct uvm **uvmp)
{
	struct uvm *uvm;
	size_t i;
	int error;

	*uvmp = NULL;
	uvm_errbuf[0] = '\0';
	uvm = calloc(1, sizeof(*uvm));
	if (uvm == NULL) {
		uvm_set_error("uvm_create: out of host memory");
		return ENOMEM;
	}
	error = uvm_config_resolve(cfg, uvm);
	if (error != 0) {
		free(uvm->u_strings);
		free(uvm);
		return error;
	}
	kfi_init(&uvm->u_fi);
	pool_registry_init(&uvm->u_pools);
	error = khist_init(&uvm->u_hist, "uvm", 4096);
	if (error != 0) {
		pool_registry_fini(&uvm->u_pools);
		free(uvm->u_strings);
		free(uvm);
		uvm_set_error("uvm_create: cannot allocate the trace ring");
		return error;
	}
	uvm->u_sanity = uvm->u_cfg.uc_diagnostic >= 2;
	uvm_cnt_set(uvm, pagesize, uvm->u_pagesize);
	uvm_cnt_set(uvm, ncolors, uvm->u_cfg.uc_ncolors);

	for (i = 0; i < __arraycount(uvm_subsystems); i++) {
		error = uvm_subsystems[i].ss_init(uvm);
		if (error != 0) {
			if (uvm_errbuf[0] == '\0')
				uvm_set_error("uvm_create: %s: error %d",
				    uvm_subsystems[i].ss_name, error);
			while (i-- > 0)
				uvm_subsystems[i].ss_fini(uvm);
			khist_fini(&uvm->u_hist);
			pool_registry_fini(&uvm->u_pools);
			free(uvm->u_strings);
			free(uvm);
			return error;
		}
	}
	*uvmp = uvm;
	return 0;
}

void
uvm_destroy(struct uvm *uvm)
{
	size_t i;

	if (uvm == NULL)
		return;
	for (i = __arraycount(uvm_subsystems); i-- > 0;)
		uvm_subsystems[i].ss_fini(uvm);
	khist_fini(&uvm->u_hist);
	pool_registry_fini(&uvm->u_pools);
	free(uvm->u_strings);
	free(uvm);
}

uint64_t
uvm_pagesize(const struct uvm *uvm)
{
	return uvm->u_pagesize;
}

void
uvm_stats(const struct uvm *uvm, struct uvmexp *exp)
{
#define UVMEXP_COPY(name, desc) \
	exp->name = __atomic_load_n(&uvm->u_exp.name, __ATOMIC_RELAXED);
	UVMEXP_FIELDS(UVMEXP_COPY)
#undef UVMEXP_COPY
}

void
uvm_stats_print(const struct uvmexp *exp, FILE *fp)
{
#define UVMEXP_PRINT(name, desc) \
	fprintf(fp, "%9" PRId64 " %s\n", exp->name, desc);
	UVMEXP_FIELDS(UVMEXP_PRINT)
#undef UVMEXP_PRINT
}

void
uvm_acct_snapshot(struct uvm *uvm, struct uvm_acct *ua)
{
	memset(ua, 0, sizeof(*ua));
	ua->ua_free = uvm_cnt_get(uvm, free);
	ua->ua_poolnout = (int64_t)pool_registry_nout(&uvm->u_pools);
	ua->ua_anons = uvm_cnt_get(uvm, nanon);
	ua->ua_amaps = uvm_cnt_get(uvm, namap);
	ua->ua_mapents = uvm_cnt_get(uvm, nmapent);
	ua->ua_objs = uvm_cnt_get(uvm, nobj);
	ua->ua_swpginuse = uvm_cnt_get(uvm, swpginuse);
	ua->ua_wired = uvm_cnt_get(uvm, wired);
}

bool
uvm_acct_equal_p(const struct uvm_acct *a, const struct uvm_acct *b)
{
	bool equal = true;

#define UVM_ACCT_CMP(f)                                                      \
	if (a->f != b->f) {                                                  \
		fprintf(stderr,                                              \
		    "accounting: %s was %" PRId64 ", now %" PRId64 "\n", #f, \
		    a->f, b->f);                                             \
		equal = false;                                               \
	}
	UVM_ACCT_CMP(ua_free)
	UVM_ACCT_CMP(ua_poolnout)
	UVM_ACCT_CMP(ua_anons)
	UVM_ACCT_CMP(ua_amaps)
	UVM_ACCT_CMP(ua_mapents)
	UVM_ACCT_CMP(ua_objs)
	UVM_ACCT_CMP(ua_swpginuse)
	UVM_ACCT_CMP(ua_wired)
#undef UVM_ACCT_CMP
	return equal;
}

void
uvm_sanity_all(struct uvm *uvm)
{
	pool_registry_sanity(&uvm->u_pools);
	kfi_sanity(&uvm->u_fi);
	khist_sanity(&uvm->u_hist);
	uvm_page_sanity(uvm);
	pmap_sanity_all(uvm);
	uvmpdpol_sanity(uvm);
	uvm_swap_sanity(uvm);
	uvm_obj_sanity_all(uvm);
	uvm_amap_sanity_all(uvm);
	uvm_map_sanity_all(uvm);
	uvm_pdaemon_sanity(uvm);
	uvm_proc_sanity_all(uvm);
}
