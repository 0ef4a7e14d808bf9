/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * machine.c: machine options (page size, memory, swap devices, policy,
 * page-daemon mode, ...) mapped onto struct uvm_config, and the machine
 * bring-up report: uvm_create(), uvm_config_dump(), uvm_stats_print().
 *
 * Options left unset stay unset in the configuration, so that libuvm
 * resolves them from UVM_<NAME> environment variables and its defaults,
 * exactly as for any other embedding program.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"

#include "cli.h"
#include "util.h"

void
machine_init(struct sim_machine *sm)
{
	memset(sm, 0, sizeof(*sm));
	uvm_config_init(&sm->sm_cfg);
}

void
machine_fini(struct sim_machine *sm)
{
	for (unsigned i = 0; i < UVM_CONFIG_MAXSWAP; i++)
		free(sm->sm_swapspec[i]);
	memset(sm, 0, sizeof(*sm));
}

/* "path:size[:priority]", split from the right (paths may hold ':'). */
static int
machine_swap(struct sim_machine *sm, const char *val)
{
	struct uvm_config *cfg = &sm->sm_cfg;
	struct uvm_config_swap *cw;
	char *copy, *last, *c2;
	uint64_t size;
	int64_t prio = 0;

	if (cfg->uc_nswap == UVM_CONFIG_MAXSWAP) {
		fprintf(stderr, "uvmsim: at most %d swap devices\n",
		    UVM_CONFIG_MAXSWAP);
		return -1;
	}
	copy = sim_strdup(val);
	if ((last = strrchr(copy, ':')) == NULL || last == copy)
		goto bad;
	*last++ = '\0';
	c2 = strrchr(copy, ':');
	if (c2 != NULL && c2 != copy && sim_parse_bytes(c2 + 1, &size) &&
	    sim_parse_i64(last, strlen(last), &prio) && prio >= -1000000 &&
	    prio <= 1000000) {
		*c2 = '\0';
	} else {
		prio = 0;
		if (!sim_parse_bytes(last, &size))
			goto bad;
	}
	cw = &cfg->uc_swap[cfg->uc_nswap];
	cw->cw_path = copy;
	cw->cw_size = size;
	cw->cw_priority = (int)prio;
	sm->sm_swapspec[cfg->uc_nswap++] = copy;
	sm->sm_set = true;
	return 0;
bad:
	fprintf(stderr,
	    "uvmsim: bad --swap \"%s\" (expected PATH:SIZE"
	    "[:PRIORITY])\n",
	    val);
	free(copy);
	return -1;
}

static int
machine_bytes(const char *name, const char *val, uint64_t *out)
{
	if (!sim_parse_bytes(val, out) || *out == 0) {
		fprintf(stderr,
		    "uvmsim: bad --%s \"%s\" (a size such as "
		    "4096, 16k, 64m)\n",
		    name, val);
		return -1;
	}
	return 0;
}

int
machine_option(struct sim_machine *sm, const char *name, const char *val)
{
	struct uvm_config *cfg = &sm->sm_cfg;
	uint64_t v;

	sm->sm_set = true;
	if (strcmp(name, "pagesize") == 0)
		return machine_bytes(name, val, &cfg->uc_pagesize);
	if (strcmp(name, "memory") == 0)
		return machine_bytes(name, val, &cfg->uc_memsize);
	if (strcmp(name, "swap") == 0)
		return machine_swap(sm, val);
	if (strcmp(name, "machine-policy") == 0) {
		cfg->uc_policy = val;
		return 0;
	}
	if (strcmp(name, "pdaemon") == 0) {
		cfg->uc_pdaemon = val;
		return 0;
	}
	if (strcmp(name, "personality") == 0) {
		cfg->uc_personality = val;
		return 0;
	}
	if (strcmp(name, "backend") == 0) {
		cfg->uc_backend = val;
		return 0;
	}
	if (strcmp(name, "ncolors") == 0) {
		if (!sim_parse_dec(val, strlen(val), &v) || v == 0 ||
		    v > 1024) {
			fprintf(stderr, "uvmsim: bad --ncolors \"%s\"\n", val);
			return -1;
		}
		cfg->uc_ncolors = (unsigned)v;
		return 0;
	}
	fprintf(stderr, "uvmsim: unknown machine option --%s\n", name);
	return -1;
}

static uint64_t
machine_env_bytes(const char *var, uint64_t def)
{
	const char *e = getenv(var);
	uint64_t v;

	return e != NULL && sim_parse_bytes(e, &v) && v != 0 ? v : def;
}

uint64_t
machine_pagesize(const struct sim_machine *sm)
{
	if (sm->sm_cfg.uc_pagesize != 0)
		return sm->sm_cfg.uc_pagesize;
	return machine_env_bytes("UVM_PAGESIZE", 4096);
}

uint64_t
machine_memsize(const struct sim_machine *sm)
{
	if (sm->sm_cfg.uc_memsize != 0)
		return sm->sm_cfg.uc_memsize;
	return machine_env_bytes("UVM_MEMSIZE", (uint64_t)64 << 20);
}

/*
 * machine_show: create the configured machine, print its effective
 * configuration (and its counters), destroy it.
 * => returns an exit status: 0, or SIM_EXIT_USAGE if libuvm rejects the
 *    configuration (its message names the field).
 */
int
machine_show(const struct sim_machine *sm, FILE *f, bool counters)
{
	struct uvmexp exp;
	struct uvm *uvm;
	int error;

	error = uvm_create(&sm->sm_cfg, &uvm);
	if (error != 0) {
		fprintf(stderr, "uvmsim: cannot create the machine: %s\n",
		    uvm_last_error());
		return SIM_EXIT_USAGE;
	}
	uvm_config_dump(uvm, f);
	if (counters) {
		uvm_stats(uvm, &exp);
		uvm_stats_print(&exp, f);
	}
	uvm_destroy(uvm);
	return 0;
}
