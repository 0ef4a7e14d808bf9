/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_config.c: resolving, validating and printing a machine's configuration.
 *
 * Every field of struct uvm_config is "unset" when zero.  Resolution takes,
 * per field, the API value, else the environment variable UVM_<NAME>, else
 * the default.  Validation happens before anything is allocated; an invalid
 * value gives EINVAL and a uvm_last_error() message that names the field
 * (and the environment variable when the value came from there).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/*
 * Parse a size with an optional unit suffix k/m/g/t (powers of 1024,
 * optionally followed by "b" or "ib").  Returns false on any junk, on an
 * empty string and on overflow.
 */
static bool
uvm_parse_size(const char *s, uint64_t *vp)
{
	uint64_t v = 0, mul = 1;
	const char *p = s;

	if (s == NULL || !isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mul = KIB;
		p++;
		break;
	case 'm':
		mul = MIB;
		p++;
		break;
	case 'g':
		mul = GIB;
		p++;
		break;
	case 't':
		mul = GIB * 1024;
		p++;
		break;
	default:
		break;
	}
	if (mul != 1) {
		if (tolower((unsigned char)*p) == 'i')
			p++;
		if (tolower((unsigned char)*p) == 'b')
			p++;
	}
	if (*p != '\0')
		return false;
	if (v != 0 && mul > UINT64_MAX / v)
		return false;
	*vp = v * mul;
	return true;
}

static bool
uvm_parse_int(const char *s, int lo, int hi, int *vp)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*vp = (int)v;
	return true;
}

static const char *
uvm_env(const char *name)
{
	char var[64];
	const char *v;

	snprintf(var, sizeof(var), "UVM_%s", name);
	v = getenv(var);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Size fields: API value, else environment, else default. */
static int
uvm_resolve_size(uint64_t api, const char *name, uint64_t def, uint64_t *out)
{
	const char *env;

	if (api != 0) {
		*out = api;
		return 0;
	}
	if ((env = uvm_env(name)) != NULL) {
		if (!uvm_parse_size(env, out)) {
			uvm_set_error("config: UVM_%s=\"%s\" is not a size "
				      "(expected a number with an optional "
				      "k/m/g suffix)",
			    name, env);
			return EINVAL;
		}
		return 0;
	}
	*out = def;
	return 0;
}

static int
uvm_resolve_int(int api, const char *name, int lo, int hi, int def, int *out)
{
	const char *env;

	if (api != 0) {
		*out = api;
		return 0;
	}
	if ((env = uvm_env(name)) != NULL) {
		if (!uvm_parse_int(env, lo, hi, out)) {
			uvm_set_error("config: UVM_%s=\"%s\" is not an integer "
				      "in [%d, %d]",
			    name, env, lo, hi);
			return EINVAL;
		}
		return 0;
	}
	*out = def;
	return 0;
}

static const char *
uvm_resolve_str(const char *api, const char *name, const char *def)
{
	const char *env;

	if (api != NULL)
		return api;
	if ((env = uvm_env(name)) != NULL)
		return env;
	return def;
}

/*
 * The choice equal to s, or NULL.  The machine keeps the static string, so
 * the caller's may go away after uvm_create().
 */
static const char *
uvm_str_in(const char *s, const char *const *choices)
{
	for (; *choices != NULL; choices++)
		if (strcmp(s, *choices) == 0)
			return *choices;
	return NULL;
}

/*
 * Segments from the environment: "start:npages[:freelist],..." with page
 * counts (sizes with units are taken as bytes and converted).
 */
static int
uvm_parse_segs(const char *s, struct uvm_config *c)
{
	char buf[1024], *tok, *save = NULL;

	if (strlen(s) >= sizeof(buf)) {
		uvm_set_error("config: UVM_SEGS is too long");
		return EINVAL;
	}
	strcpy(buf, s);
	c->uc_nsegs = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *f[3] = {NULL, NULL, NULL}, *q = tok;
		int nf = 0, fl = 0;
		uint64_t start, n;

		while (nf < 3 && (f[nf] = strsep(&q, ":")) != NULL)
			nf++;
		if (c->uc_nsegs == UVM_CONFIG_MAXSEGS || nf < 2 || q != NULL ||
		    !uvm_parse_size(f[0], &start) ||
		    !uvm_parse_size(f[1], &n) ||
		    (nf == 3 &&
			!uvm_parse_int(f[2], 0, UVM_NFREELIST - 1, &fl))) {
			uvm_set_error(
			    "config: UVM_SEGS=\"%s\": expected "
			    "start:npages[:freelist],... (at most %d)",
			    s, UVM_CONFIG_MAXSEGS);
			return EINVAL;
		}
		c->uc_segs[c->uc_nsegs].cs_start = start;
		c->uc_segs[c->uc_nsegs].cs_npages = n;
		c->uc_segs[c->uc_nsegs].cs_freelist = fl;
		c->uc_nsegs++;
	}
	return 0;
}

/* Swap devices from the environment: "path:size[:priority],...". */
static int
uvm_parse_swap(const char *s, struct uvm_config *c, char **pathstore)
{
	char *buf, *tok, *save = NULL;

	buf = strdup(s);
	if (buf == NULL)
		return ENOMEM;
	*pathstore = buf;
	c->uc_nswap = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		char *f[3] = {NULL, NULL, NULL}, *q = tok;
		int nf = 0, prio = 0;
		uint64_t size;

		while (nf < 3 && (f[nf] = strsep(&q, ":")) != NULL)
			nf++;
		if (c->uc_nswap == UVM_CONFIG_MAXSWAP || nf < 2 || q != NULL ||
		    *f[0] == '\0' || !uvm_parse_size(f[1], &size) ||
		    (nf == 3 && !uvm_parse_int(f[2], -1000, 1000, &prio))) {
			uvm_set_error("config: UVM_SWAP=\"%s\": expected "
				      "path:size[:priority],... (at most %d)",
			    s, UVM_CONFIG_MAXSWAP);
			return EINVAL;
		}
		c->uc_swap[c->uc_nswap].cw_path = f[0];
		c->uc_swap[c->uc_nswap].cw_size = size;
		c->uc_swap[c->uc_nswap].cw_priority = prio;
		c->uc_nswap++;
	}
	return 0;
}

/* Does [s1, e1) overlap [s2, e2)? */
static bool
uvm_overlap_p(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

int
uvm_config_resolve(const struct uvm_config *api, struct uvm *uvm)
{
	static const char *const backends[] = {"soft", NULL};
	static const char *const pdmodes[] = {"inline", "thread", NULL};
	static const char *const policies[] = {"clock", "clockpro", NULL};
	static const char *const personalities[] = {"netbsd", "linux", NULL};
	struct uvm_config empty, *c = &uvm->u_cfg;
	uint64_t v, npages;
	const char *env, *v_str;
	unsigned i, j;
	int error, iv;

	if (api == NULL) {
		uvm_config_init(&empty);
		api = &empty;
	}
	*c = *api;

	/* Page size. */
	if ((error = uvm_resolve_size(
		 api->uc_pagesize, "PAGESIZE", 4 * KIB, &c->uc_pagesize)) != 0)
		return error;
	if (!powerof2_p(c->uc_pagesize) || c->uc_pagesize < 4 * KIB ||
	    c->uc_pagesize > 64 * KIB) {
		uvm_set_error("config: pagesize %" PRIu64 " must be a power of "
			      "two from 4096 to 65536",
		    c->uc_pagesize);
		return EINVAL;
	}
	uvm->u_pagesize = c->uc_pagesize;
	uvm->u_pagemask = c->uc_pagesize - 1;
	uvm->u_pageshift = (unsigned)__builtin_ctzll(c->uc_pagesize);

	/* Physical memory: explicit segments, or one segment of memsize. */
	if (api->uc_nsegs == 0 && (env = uvm_env("SEGS")) != NULL) {
		if ((error = uvm_parse_segs(env, c)) != 0)
			return error;
	}
	if (c->uc_nsegs > UVM_CONFIG_MAXSEGS) {
		uvm_set_error("config: nsegs %u exceeds %d", c->uc_nsegs,
		    UVM_CONFIG_MAXSEGS);
		return EINVAL;
	}
	if (c->uc_nsegs == 0) {
		if ((error = uvm_resolve_size(api->uc_memsize, "MEMSIZE",
			 64 * MIB, &c->uc_memsize)) != 0)
			return error;
		npages = c->uc_memsize >> uvm->u_pageshift;
		if (npages < 16 || npages > UINT32_MAX / 2) {
			uvm_set_error("config: memsize %" PRIu64
				      " gives %" PRIu64
				      " pages; need 16 to %u pages",
			    c->uc_memsize, npages, UINT32_MAX / 2);
			return EINVAL;
		}
		c->uc_nsegs = 1;
		c->uc_segs[0].cs_start = 16; /* leave low frames unused */
		c->uc_segs[0].cs_npages = npages;
		c->uc_segs[0].cs_freelist = UVM_FREELIST_DEFAULT;
	} else {
		if (api->uc_memsize != 0) {
			uvm_set_error("config: memsize and segs are exclusive");
			return EINVAL;
		}
		npages = 0;
		for (i = 0; i < c->uc_nsegs; i++) {
			const struct uvm_config_seg *s = &c->uc_segs[i];

			if (s->cs_npages == 0) {
				uvm_set_error(
				    "config: segs[%u] has no pages", i);
				return EINVAL;
			}
			if (s->cs_start + s->cs_npages > UINT32_MAX ||
			    s->cs_start + s->cs_npages < s->cs_start) {
				uvm_set_error(
				    "config: segs[%u] ends beyond page "
				    "frame %u",
				    i, UINT32_MAX);
				return EINVAL;
			}
			if (s->cs_freelist < 0 ||
			    s->cs_freelist >= UVM_NFREELIST) {
				uvm_set_error(
				    "config: segs[%u].freelist %d not "
				    "in [0, %d)",
				    i, s->cs_freelist, UVM_NFREELIST);
				return EINVAL;
			}
			for (j = 0; j < i; j++) {
				const struct uvm_config_seg *t = &c->uc_segs[j];

				if (uvm_overlap_p(s->cs_start,
					s->cs_start + s->cs_npages, t->cs_start,
					t->cs_start + t->cs_npages)) {
					uvm_set_error(
					    "config: segs[%u] overlaps "
					    "segs[%u]",
					    i, j);
					return EINVAL;
				}
			}
			npages += s->cs_npages;
		}
		if (npages < 16) {
			uvm_set_error("config: segs: %" PRIu64 " pages in all; "
				      "need at least 16",
			    npages);
			return EINVAL;
		}
		c->uc_memsize = npages << uvm->u_pageshift;
	}

	/* Colours. */
	if ((error = uvm_resolve_size(api->uc_ncolors, "NCOLORS", 1, &v)) != 0)
		return error;
	if (!powerof2_p(v) || v > 256) {
		uvm_set_error("config: ncolors %" PRIu64 " must be a power of "
			      "two from 1 to 256",
		    v);
		return EINVAL;
	}
	c->uc_ncolors = (unsigned)v;

	/* Named choices. */
	c->uc_backend = uvm_resolve_str(api->uc_backend, "BACKEND", "soft");
	if ((v_str = uvm_str_in(c->uc_backend, backends)) == NULL) {
		uvm_set_error("config: backend \"%s\" unknown (this build has: "
			      "soft)",
		    c->uc_backend);
		return EINVAL;
	}
	c->uc_backend = v_str;
	c->uc_pdaemon = uvm_resolve_str(api->uc_pdaemon, "PDAEMON", "inline");
	if ((v_str = uvm_str_in(c->uc_pdaemon, pdmodes)) == NULL) {
		uvm_set_error("config: pdaemon \"%s\" unknown (inline, thread)",
		    c->uc_pdaemon);
		return EINVAL;
	}
	c->uc_pdaemon = v_str;
	c->uc_policy = uvm_resolve_str(api->uc_policy, "POLICY", "clock");
	if ((v_str = uvm_str_in(c->uc_policy, policies)) == NULL) {
		uvm_set_error("config: policy \"%s\" unknown (clock, clockpro)",
		    c->uc_policy);
		return EINVAL;
	}
	c->uc_policy = v_str;
	c->uc_personality =
	    uvm_resolve_str(api->uc_personality, "PERSONALITY", "netbsd");
	if ((v_str = uvm_str_in(c->uc_personality, personalities)) == NULL) {
		uvm_set_error("config: personality \"%s\" unknown (netbsd, "
			      "linux)",
		    c->uc_personality);
		return EINVAL;
	}
	c->uc_personality = v_str;

	/* Swap devices. */
	if (api->uc_nswap == 0 && (env = uvm_env("SWAP")) != NULL) {
		if ((error = uvm_parse_swap(env, c, &uvm->u_strings)) != 0)
			return error;
	}
	if (c->uc_nswap > UVM_CONFIG_MAXSWAP) {
		uvm_set_error("config: nswap %u exceeds %d", c->uc_nswap,
		    UVM_CONFIG_MAXSWAP);
		return EINVAL;
	}
	for (i = 0; i < c->uc_nswap; i++) {
		if (c->uc_swap[i].cw_path == NULL ||
		    c->uc_swap[i].cw_path[0] == '\0') {
			uvm_set_error("config: swap[%u] has no path", i);
			return EINVAL;
		}
	}

	/* Page-daemon tuning (percent). */
#define RESOLVE_PCT(field, name, def)                                  \
	if ((error = uvm_resolve_int(                                  \
		 api->field, name, 0, 100, def, &c->field)) != 0)      \
		return error;                                          \
	if (c->field < 0 || c->field > 100) {                          \
		uvm_set_error(                                         \
		    "config: %s %d not a percentage", name, c->field); \
		return EINVAL;                                         \
	}
	RESOLVE_PCT(uc_anonmin, "ANONMIN", 10)
	RESOLVE_PCT(uc_anonmax, "ANONMAX", 80)
	RESOLVE_PCT(uc_filemin, "FILEMIN", 10)
	RESOLVE_PCT(uc_filemax, "FILEMAX", 50)
	RESOLVE_PCT(uc_execmin, "EXECMIN", 5)
	RESOLVE_PCT(uc_execmax, "EXECMAX", 30)
	RESOLVE_PCT(uc_inactivepct, "INACTIVEPCT", 33)
#undef RESOLVE_PCT
	if (c->uc_anonmin > c->uc_anonmax || c->uc_filemin > c->uc_filemax ||
	    c->uc_execmin > c->uc_execmax ||
	    c->uc_anonmin + c->uc_filemin + c->uc_execmin > 95) {
		uvm_set_error("config: anon/file/exec minimums must not exceed "
			      "their maximums and must sum to at most 95");
		return EINVAL;
	}

	/* Reserves: defaults scale with memory, as NetBSD's do. */
	npages = c->uc_memsize >> uvm->u_pageshift;
	if ((error = uvm_resolve_size(api->uc_reserve_pagedaemon,
		 "RESERVE_PAGEDAEMON", MAX(npages / 256, 4),
		 &c->uc_reserve_pagedaemon)) != 0)
		return error;
	if ((error = uvm_resolve_size(api->uc_reserve_kernel, "RESERVE_KERNEL",
		 MAX(npages / 128, 8), &c->uc_reserve_kernel)) != 0)
		return error;
	if (c->uc_reserve_pagedaemon + c->uc_reserve_kernel >= npages / 2) {
		uvm_set_error("config: reserve_pagedaemon + reserve_kernel "
			      "(%" PRIu64 " pages) must be under half of "
			      "memory (%" PRIu64 " pages)",
		    c->uc_reserve_pagedaemon + c->uc_reserve_kernel, npages);
		return EINVAL;
	}

	if ((error = uvm_resolve_size(api->uc_seed, "SEED", 1, &c->uc_seed)) !=
	    0)
		return error;
	if ((error = uvm_resolve_int(
		 api->uc_aslr, "ASLR", -1, 1, -1, &c->uc_aslr)) != 0)
		return error;
	if (c->uc_aslr == 0)
		c->uc_aslr = -1;
	if (c->uc_aslr != 1 && c->uc_aslr != -1) {
		uvm_set_error(
		    "config: aslr %d must be 1 (on) or -1 (off)", c->uc_aslr);
		return EINVAL;
	}
	if ((error = uvm_resolve_int(
		 api->uc_diagnostic, "DIAGNOSTIC", 0, 3, 1, &iv)) != 0)
		return error;
	if (iv < 0 || iv > 3) {
		uvm_set_error("config: diagnostic %d not in [0, 3]", iv);
		return EINVAL;
	}
	c->uc_diagnostic = iv;
	return 0;
}

void
uvm_config_dump(const struct uvm *uvm, FILE *fp)
{
	const struct uvm_config *c = &uvm->u_cfg;
	unsigned i;

	fprintf(fp, "machine configuration:\n");
	fprintf(fp, "  pagesize           %" PRIu64 "\n", c->uc_pagesize);
	fprintf(fp, "  memsize            %" PRIu64 " (%" PRIu64 " pages)\n",
	    c->uc_memsize, c->uc_memsize >> uvm->u_pageshift);
	for (i = 0; i < c->uc_nsegs; i++)
		fprintf(fp,
		    "  segment %-2u         frames [%" PRIu64 ", %" PRIu64
		    ") freelist %d\n",
		    i, c->uc_segs[i].cs_start,
		    c->uc_segs[i].cs_start + c->uc_segs[i].cs_npages,
		    c->uc_segs[i].cs_freelist);
	fprintf(fp, "  ncolors            %u\n", c->uc_ncolors);
	fprintf(fp, "  backend            %s\n", c->uc_backend);
	fprintf(fp, "  pdaemon            %s\n", c->uc_pdaemon);
	fprintf(fp, "  policy             %s\n", c->uc_policy);
	fprintf(fp, "  personality        %s\n", c->uc_personality);
	for (i = 0; i < c->uc_nswap; i++)
		fprintf(fp,
		    "  swap %-2u            %s size %" PRIu64 " priority %d\n",
		    i, c->uc_swap[i].cw_path, c->uc_swap[i].cw_size,
		    c->uc_swap[i].cw_priority);
	fprintf(fp, "  anonmin/max        %d%% / %d%%\n", c->uc_anonmin,
	    c->uc_anonmax);
	fprintf(fp, "  filemin/max        %d%% / %d%%\n", c->uc_filemin,
	    c->uc_filemax);
	fprintf(fp, "  execmin/max        %d%% / %d%%\n", c->uc_execmin,
	    c->uc_execmax);
	fprintf(fp, "  inactivepct        %d%%\n", c->uc_inactivepct);
	fprintf(fp, "  reserve_pagedaemon %" PRIu64 " pages\n",
	    c->uc_reserve_pagedaemon);
	fprintf(fp, "  reserve_kernel     %" PRIu64 " pages\n",
	    c->uc_reserve_kernel);
	fprintf(fp, "  seed               %" PRIu64 "\n", c->uc_seed);
	fprintf(fp, "  aslr               %s\n", c->uc_aslr > 0 ? "on" : "off");
	fprintf(fp, "  diagnostic         %d\n", c->uc_diagnostic);
}
