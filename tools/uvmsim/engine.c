/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine.c: the engine registry.
 *
 * Adding an engine is one entry in engines[] (and its eo_* functions in
 * its own file).  The first entry is the default for `run` and `sweep`.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"

static const struct engine_ops *const engines[] = {&engine_uvm, &engine_flat};
#define NENGINES (sizeof(engines) / sizeof(engines[0]))

const struct engine_ops *
engine_lookup(const char *name)
{
	for (size_t i = 0; i < NENGINES; i++)
		if (strcasecmp(engines[i]->eo_name, name) == 0)
			return engines[i];
	return NULL;
}

const struct engine_ops *
engine_default(void)
{
	return engines[0];
}

const struct engine_ops *
engine_for_policy(const char *policy)
{
	for (size_t i = 0; i < NENGINES; i++)
		if (engine_policy_p(engines[i], policy))
			return engines[i];
	return NULL;
}

bool
engine_policy_p(const struct engine_ops *eo, const char *policy)
{
	for (const char *const *p = eo->eo_policies; *p != NULL; p++)
		if (strcmp(*p, policy) == 0)
			return true;
	return false;
}

void
engines_print(FILE *f)
{
	for (size_t i = 0; i < NENGINES; i++) {
		fprintf(f, "  %-6s %s\n         policies:", engines[i]->eo_name,
		    engines[i]->eo_desc);
		for (const char *const *p = engines[i]->eo_policies; *p != NULL;
		     p++)
			fprintf(f, " %s", *p);
		fputc('\n', f);
	}
}

void
sim_result_free(struct sim_result *res)
{
	free(res->sr_ts);
	res->sr_ts = NULL;
	res->sr_nts = 0;
	free(res->sr_as);
	res->sr_as = NULL;
	res->sr_nas = 0;
	free(res->sr_notes);
	res->sr_notes = NULL;
	free(res->sr_maps);
	res->sr_maps = NULL;
}
