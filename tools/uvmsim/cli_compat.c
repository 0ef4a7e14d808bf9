/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_compat.c: the command lines of the simulators users already know,
 * translated into run_opts:
 *
 *	libCacheSim  uvmsim TRACE FORMAT POLICY[,..] SIZE[,..] [-t MAP]
 *		     [--num-thread N]; sizes in bytes ("1mb") or, written
 *		     as bare fractions ("0.1"), of the working set
 *	vmsim	     uvmsim -n FRAMES -a ALGO [-p PAGESIZE] TRACE
 *	OSTEP	     uvmsim -p POLICY -C SIZE [-f FILE | -a LIST |
 *		     -n N -m MAXPAGE] [-s SEED] [-c] [-N]
 *		     (paging-policy.py; -c is implied: answers are always
 *		     computed; random addresses use uvmsim's generator, not
 *		     Python's, so they differ from the original's)
 *
 * These shapes reproduce the other simulators' own model, a flat reference
 * string over k frames, so they run on the flat engine (their examples use
 * two or three frames, far below the smallest libuvm machine).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "out.h"
#include "run.h"
#include "util.h"

static bool
compat_has(int argc, char **argv, const char *opt)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

static int
compat_libcachesim(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"trace-type-params", required_argument, NULL, 't'},
	    {"num-thread", required_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	struct run_opts ro;
	const char *fmt, *m;
	uint64_t v;
	int c, rv = SIM_EXIT_USAGE;

	run_opts_init(&ro);
	ro.r_engine = "flat";
	if (argc < 5) {
		fprintf(stderr,
		    "uvmsim: expected TRACE FORMAT POLICY[,..] "
		    "SIZE[,..] (libCacheSim form) or a command "
		    "(see `uvmsim --help`)\n");
		goto out;
	}
	ro.r_path = argv[1];
	fmt = argv[2];
	ro.r_policies = argv[3];
	ro.r_sizes = argv[4];
	ro.r_bare_fraction_ws = true;
	ro.r_outputs = OUT_TABLE;
	if (strcasecmp(fmt, "txt") == 0)
		ro.r_read.ro_format = TF_PAGES;
	else if ((ro.r_read.ro_format = trace_format_lookup(fmt)) ==
	    TF_NFORMATS) {
		fprintf(stderr, "uvmsim: unknown trace format \"%s\"\n", fmt);
		goto out;
	}
	optind = 5;
	while ((c = getopt_long(argc, argv, "+t:j:q", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((m = trace_csvspec_parse(
				 optarg, &ro.r_read.ro_csv)) != NULL) {
				fprintf(stderr, "uvmsim: -t \"%s\": %s\n",
				    optarg, m);
				goto out;
			}
			ro.r_read.ro_csv_set = true;
			break;
		case 'j':
			if (!sim_parse_dec(optarg, strlen(optarg), &v) ||
			    v == 0 || v > 1024)
				goto out;
			ro.r_jobs = (unsigned)v;
			break;
		case 'q':
			ro.r_quiet = true;
			break;
		default:
			goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "uvmsim: unexpected argument \"%s\"\n",
		    argv[optind]);
		goto out;
	}
	rv = run_exec(&ro);
out:
	run_opts_fini(&ro);
	return rv;
}

static int
compat_vmsim(int argc, char **argv)
{
	struct run_opts ro;
	char frames[32], pol[16];
	uint64_t v;
	int c, rv = SIM_EXIT_USAGE;

	run_opts_init(&ro);
	ro.r_engine = "flat";
	ro.r_outputs = OUT_VMSIM;
	ro.r_single = true;
	ro.r_quiet = true;
	optind = 0;
	while ((c = getopt(argc, argv, "+n:a:p:")) != -1) {
		switch (c) {
		case 'n':
			if (!sim_parse_dec(optarg, strlen(optarg), &v) ||
			    v == 0) {
				fprintf(
				    stderr, "uvmsim: bad -n \"%s\"\n", optarg);
				goto out;
			}
			snprintf(frames, sizeof(frames), "%" PRIu64 "p", v);
			ro.r_sizes = frames;
			break;
		case 'a':
			snprintf(pol, sizeof(pol), "%s", optarg);
			ro.r_policies = pol;
			break;
		case 'p':
			if (machine_option(&ro.r_machine, "pagesize", optarg) !=
			    0)
				goto out;
			break;
		default:
			fprintf(stderr,
			    "usage: uvmsim -n FRAMES -a ALGO "
			    "[-p PAGESIZE] TRACE\n");
			goto out;
		}
	}
	if (ro.r_sizes == NULL || optind != argc - 1) {
		fprintf(stderr,
		    "usage: uvmsim -n FRAMES -a ALGO [-p "
		    "PAGESIZE] TRACE\n");
		goto out;
	}
	ro.r_path = argv[optind];
	rv = run_exec(&ro);
out:
	run_opts_fini(&ro);
	return rv;
}

static int
compat_ostep(int argc, char **argv)
{
	struct run_opts ro;
	char sizes[32], pol[16];
	const char *addrs = NULL, *file = NULL;
	uint64_t cache = 3, naddr = 10, maxpage = 10, seed = 0, v;
	bool notrace = false;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int c, rv = SIM_EXIT_USAGE;

	run_opts_init(&ro);
	ro.r_engine = "flat";
	snprintf(pol, sizeof(pol), "fifo");
	ro.r_policies = pol;
	optind = 0;
	while ((c = getopt(argc, argv, "+a:f:n:p:b:C:m:s:cN")) != -1) {
		switch (c) {
		case 'a':
			addrs = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'p':
			snprintf(pol, sizeof(pol), "%s", optarg);
			break;
		case 'b':
			if (strcmp(optarg, "1") != 0) {
				fprintf(stderr,
				    "uvmsim: CLOCK here keeps one "
				    "reference bit; -b %s is not "
				    "supported\n",
				    optarg);
				goto out;
			}
			break;
		case 'c':
			break;
		case 'N':
			notrace = true;
			break;
		case 'n':
		case 'C':
		case 'm':
		case 's':
			if (!sim_parse_dec(optarg, strlen(optarg), &v)) {
				fprintf(stderr, "uvmsim: bad -%c \"%s\"\n", c,
				    optarg);
				goto out;
			}
			if (c == 'n')
				naddr = v;
			else if (c == 'C')
				cache = v;
			else if (c == 'm')
				maxpage = v;
			else
				seed = v;
			break;
		default:
			fprintf(stderr,
			    "usage: uvmsim -p POLICY -C SIZE [-f "
			    "FILE | -a LIST | -n N -m MAXPAGE] [-s "
			    "SEED] [-c] [-N]\n");
			goto out;
		}
	}
	if (optind != argc || cache == 0) {
		fprintf(stderr,
		    "uvmsim: OSTEP form takes options only, and "
		    "-C of at least 1\n");
		goto out;
	}
	snprintf(sizes, sizeof(sizes), "%" PRIu64 "p", cache);
	ro.r_sizes = sizes;
	ro.r_seed = seed;
	ro.r_single = true;
	ro.r_quiet = true;
	ro.r_trace = !notrace;
	ro.r_outputs = OUT_FINALSTATS;
	ro.r_read.ro_format = TF_PAGES;
	if (file != NULL) {
		ro.r_path = file;
	} else {
		struct sim_rng rng;

		sim_rng_seed(&rng, seed);
		for (uint64_t i = 0; addrs != NULL || i < naddr; i++) {
			char num[32];
			size_t l;

			if (addrs != NULL) {
				l = strcspn(addrs, ",");
				if (l == 0 || l >= sizeof(num)) {
					fprintf(
					    stderr, "uvmsim: bad -a list\n");
					goto out;
				}
				memcpy(num, addrs, l);
				num[l] = '\n';
				l++;
				addrs += l - 1 + (addrs[l - 1] == ',');
			} else {
				l = (size_t)snprintf(num, sizeof(num),
				    "%" PRIu64 "\n",
				    sim_rng_below(&rng, maxpage));
			}
			if (len + l > cap) {
				cap = cap * 2 + 64;
				buf = sim_reallocarray(buf, cap, 1);
			}
			memcpy(buf + len, num, l);
			len += l;
			if (addrs != NULL && *addrs == '\0')
				break;
		}
		ro.r_path = file != NULL ? file
		    : addrs != NULL      ? "<-a>"
					 : "<random>";
		ro.r_mem = buf;
		ro.r_memlen = len;
		if (len == 0) {
			fprintf(stderr, "uvmsim: no addresses\n");
			goto out;
		}
	}
	rv = run_exec(&ro);
out:
	free(buf);
	run_opts_fini(&ro);
	return rv;
}

int
compat_main(int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (argv[1][0] != '-')
		return compat_libcachesim(argc, argv);
	if (compat_has(argc, argv, "-C") || compat_has(argc, argv, "-f") ||
	    compat_has(argc, argv, "-c") || compat_has(argc, argv, "-N") ||
	    compat_has(argc, argv, "-b") || compat_has(argc, argv, "-s"))
		return compat_ostep(argc, argv);
	if (compat_has(argc, argv, "-n") && compat_has(argc, argv, "-a"))
		return compat_vmsim(argc, argv);
	return -1;
}
