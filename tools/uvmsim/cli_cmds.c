/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_cmds.c: `uvmsim convert`, `uvmsim gen` and `uvmsim info`.
 *
 * convert streams: events go from the reader straight to the F11 writer,
 * so a trace of any length converts in constant memory.  oracleGeneral
 * output needs the next-access index, hence the whole reference string.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"
#include "outfile.h"
#include "parse.h"
#include "refstr.h"
#include "run.h"
#include "util.h"

enum { OUT_F11, OUT_ORACLE };

enum {
	C_CSV = 256,
	C_NOIF,
	C_SPLIT,
	C_ASU,
	C_PAGES,
	C_COUNT,
	C_WRITE,
	C_ALPHA,
	C_HOTF,
	C_HOTP,
	C_PROCS,
};

static int
cmd_to(const char *s, int *to)
{
	if (strcasecmp(s, "uvmtrace") == 0 || strcasecmp(s, "f11") == 0 ||
	    strcasecmp(s, "native") == 0)
		*to = OUT_F11;
	else if (strcasecmp(s, "oracle") == 0 || strcasecmp(s, "f9") == 0 ||
	    strcasecmp(s, "oraclegeneral") == 0)
		*to = OUT_ORACLE;
	else {
		fprintf(stderr, "uvmsim: --to takes uvmtrace or oracle\n");
		return -1;
	}
	return 0;
}

/* Input options shared by convert and info; 1 if c was one of them. */
static int
cmd_input_opt(int c, struct trace_ropts *ro, struct sim_machine *sm)
{
	const char *m;
	uint64_t v;

	switch (c) {
	case 'F':
		ro->ro_format = trace_format_lookup(optarg);
		if (ro->ro_format == TF_NFORMATS) {
			fprintf(
			    stderr, "uvmsim: unknown format \"%s\"\n", optarg);
			return -1;
		}
		return 1;
	case C_CSV:
		if ((m = trace_csvspec_parse(optarg, &ro->ro_csv)) != NULL) {
			fprintf(
			    stderr, "uvmsim: --csv \"%s\": %s\n", optarg, m);
			return -1;
		}
		ro->ro_csv_set = true;
		return 1;
	case C_NOIF:
		ro->ro_no_ifetch = true;
		return 1;
	case C_SPLIT:
		ro->ro_split_procs = true;
		return 1;
	case C_ASU:
		if (!sim_parse_dec(optarg, strlen(optarg), &v) ||
		    v > INT64_MAX) {
			fprintf(stderr, "uvmsim: bad --asu \"%s\"\n", optarg);
			return -1;
		}
		ro->ro_asu = (int64_t)v;
		return 1;
	case 'p':
		return machine_option(sm, "pagesize", optarg) == 0 ? 1 : -1;
	default:
		return 0;
	}
}

#define INPUT_LONGOPTS                                   \
	{"format", required_argument, NULL, 'F'},        \
	    {"csv", required_argument, NULL, C_CSV},     \
	    {"no-ifetch", no_argument, NULL, C_NOIF},    \
	    {"split-procs", no_argument, NULL, C_SPLIT}, \
	    {"asu", required_argument, NULL, C_ASU},     \
	    {"pagesize", required_argument, NULL, 'p'},  \
	{                                                \
		"help", no_argument, NULL, 'h'           \
	}

/* The F11 writer as a sink: the header goes out before the first event. */
struct conv_sink {
	FILE *cs_f;
	const struct trace_info *cs_info;
	uint64_t cs_pagesize; /* 0: take the input's header, else 4096 */
	const char *cs_input;
	bool cs_started;
	struct refstr *cs_rs; /* oracle output: collect instead */
};

static int
conv_sink_fn(void *arg, const struct trace_event *ev)
{
	struct conv_sink *cs = arg;

	if (!cs->cs_started) {
		char comment[300];

		cs->cs_started = true;
		if (cs->cs_pagesize == 0)
			cs->cs_pagesize = cs->cs_info->ti_pagesize != 0
			    ? cs->cs_info->ti_pagesize
			    : 4096;
		if (cs->cs_rs != NULL) {
			cs->cs_rs->rs_pagesize = cs->cs_pagesize;
		} else {
			snprintf(comment, sizeof(comment),
			    "converted by uvmsim from %s (format %s)",
			    cs->cs_input,
			    trace_format_name(cs->cs_info->ti_format));
			trace_write_header(cs->cs_f, cs->cs_pagesize, comment);
		}
	}
	if (cs->cs_rs != NULL)
		return refstr_sink(cs->cs_rs, ev);
	return trace_write_sink(cs->cs_f, ev);
}

int
cmd_convert(int argc, char **argv)
{
	static const struct option lo[] = {INPUT_LONGOPTS,
	    {"to", required_argument, NULL, 'T'}, {NULL, 0, NULL, 0}};
	struct trace_ropts ro;
	struct sim_machine sm;
	struct trace_info ti;
	struct conv_sink cs;
	struct refstr rs;
	char err[512];
	int c, to = -1, rv = SIM_EXIT_USAGE, r;
	const char *in, *outp;
	FILE *f = NULL;

	trace_ropts_init(&ro);
	machine_init(&sm);
	refstr_init(&rs, 4096, 0);
	optind = 0;
	while ((c = getopt_long(argc, argv, "F:p:T:h", lo, NULL)) != -1) {
		if ((r = cmd_input_opt(c, &ro, &sm)) < 0)
			goto out;
		if (r > 0)
			continue;
		if (c == 'T') {
			if (cmd_to(optarg, &to) != 0)
				goto out;
			continue;
		}
		if (c == 'h') {
			fputs("usage: uvmsim convert [-F FORMAT] [--csv MAP] "
			      "[-p PAGESIZE] [-T uvmtrace|oracle]\n"
			      "                      INPUT OUTPUT\n"
			      "\n"
			      "Convert INPUT (any format uvmsim reads) to F11 "
			      "(uvmtrace, the default)\n"
			      "or to libCacheSim oracleGeneral (-T oracle, "
			      "or an OUTPUT name containing\n"
			      "\"oracleGeneral\").  OUTPUT - is standard "
			      "output; OUTPUT.gz and OUTPUT.zst\n"
			      "are compressed.  Page-number formats become "
			      "addresses with PAGESIZE.\n",
			    stdout);
			rv = 0;
			goto out;
		}
		fprintf(stderr, "uvmsim: see `uvmsim convert --help`\n");
		goto out;
	}
	if (optind != argc - 2) {
		fprintf(stderr, "uvmsim convert: expected INPUT and OUTPUT\n");
		goto out;
	}
	in = argv[optind];
	outp = argv[optind + 1];
	if (to < 0)
		to = strstr(outp, "oracleGeneral") != NULL ? OUT_ORACLE
							   : OUT_F11;
	ro.ro_pagesize = machine_pagesize(&sm);
	if ((f = outfile_open(outp)) == NULL) {
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	memset(&cs, 0, sizeof(cs));
	cs.cs_f = f;
	cs.cs_info = &ti;
	cs.cs_pagesize = sm.sm_cfg.uc_pagesize;
	cs.cs_input = strcmp(in, "-") == 0 ? "<stdin>" : in;
	cs.cs_rs = to == OUT_ORACLE ? &rs : NULL;
	r = trace_read_file(in, &ro, conv_sink_fn, &cs, &ti, err, sizeof(err));
	if (r != TRACE_OK) {
		fprintf(stderr, "uvmsim: %s\n",
		    r == TRACE_ESINK
			? (to == OUT_ORACLE ? rs.rs_err : "write error")
			: err);
		rv = SIM_EXIT_INPUT;
		(void)outfile_close(f, outp);
		f = NULL;
		goto out;
	}
	if (to == OUT_ORACLE)
		refstr_write_oracle(&rs, f);
	rv = outfile_close(f, outp) == 0 ? 0 : SIM_EXIT_INPUT;
	f = NULL;
out:
	refstr_free(&rs);
	machine_fini(&sm);
	return rv;
}

static bool
cmd_double(const char *opt, const char *s, double *v)
{
	if (sim_parse_double(s, strlen(s), v))
		return true;
	fprintf(stderr, "uvmsim: bad %s \"%s\"\n", opt, s);
	return false;
}

static const char gen_usage_text[] =
    "usage: uvmsim gen KIND [options]\n"
    "\n"
    "Write a synthetic workload as F11 (or oracleGeneral with -T oracle).\n"
    "The same KIND, options and seed always give the same trace.\n"
    "\n"
    "  -o, --output FILE      where to write (default: standard output;\n"
    "                         FILE.gz and FILE.zst are compressed)\n"
    "  -T, --to FORMAT        uvmtrace (default) or oracle\n"
    "      --pages N          footprint in pages [1024]\n"
    "      --count N          number of accesses [100000]\n"
    "  -s, --seed N           seed [1]\n"
    "  -p, --pagesize SIZE    page size [4k]\n"
    "      --write-ratio F    fraction of stores [0.25]\n"
    "      --alpha F          zipf exponent [1.0]\n"
    "      --hot-fraction F   hotspot: fraction of hot pages [0.1]\n"
    "      --hot-prob F       hotspot: probability of a hot access [0.9]\n"
    "      --procs N          shell: commands [50]; pressure: processes "
    "[4]\n"
    "\n"
    "kinds:\n";

int
cmd_gen(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"to", required_argument, NULL, 'T'},
	    {"pages", required_argument, NULL, C_PAGES},
	    {"count", required_argument, NULL, C_COUNT},
	    {"seed", required_argument, NULL, 's'},
	    {"pagesize", required_argument, NULL, 'p'},
	    {"write-ratio", required_argument, NULL, C_WRITE},
	    {"alpha", required_argument, NULL, C_ALPHA},
	    {"hot-fraction", required_argument, NULL, C_HOTF},
	    {"hot-prob", required_argument, NULL, C_HOTP},
	    {"procs", required_argument, NULL, C_PROCS},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct gen_params gp;
	struct refstr rs;
	const char *outp = "-";
	char err[256];
	int c, to = OUT_F11, rv = SIM_EXIT_USAGE;
	bool ok = true;
	FILE *f;

	gen_defaults(&gp);
	refstr_init(&rs, 4096, 0);
	optind = 0;
	while (
	    ok && (c = getopt_long(argc, argv, "o:T:s:p:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			outp = optarg;
			break;
		case 'T':
			ok = cmd_to(optarg, &to) == 0;
			break;
		case C_PAGES:
			ok =
			    sim_parse_dec(optarg, strlen(optarg), &gp.gp_pages);
			break;
		case C_COUNT:
			ok =
			    sim_parse_dec(optarg, strlen(optarg), &gp.gp_count);
			break;
		case 's':
			ok = sim_parse_dec(optarg, strlen(optarg), &gp.gp_seed);
			break;
		case 'p':
			ok = sim_parse_bytes(optarg, &gp.gp_pagesize);
			break;
		case C_WRITE:
			ok = cmd_double("--write-ratio", optarg, &gp.gp_write);
			break;
		case C_ALPHA:
			ok = cmd_double("--alpha", optarg, &gp.gp_alpha);
			break;
		case C_HOTF:
			ok = cmd_double(
			    "--hot-fraction", optarg, &gp.gp_hotfrac);
			break;
		case C_HOTP:
			ok = cmd_double("--hot-prob", optarg, &gp.gp_hotprob);
			break;
		case C_PROCS:
			ok =
			    sim_parse_dec(optarg, strlen(optarg), &gp.gp_procs);
			break;
		case 'h':
			fputs(gen_usage_text, stdout);
			gen_kinds_print(stdout);
			refstr_free(&rs);
			return 0;
		default:
			ok = false;
			break;
		}
	}
	if (!ok || optind != argc - 1) {
		fprintf(stderr,
		    "uvmsim gen: bad arguments (see `uvmsim gen "
		    "--help`)\n");
		goto out;
	}
	gp.gp_kind = argv[optind];
	if ((f = outfile_open(outp)) == NULL) {
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	rs.rs_pagesize = gp.gp_pagesize;
	if (to == OUT_F11) {
		char comment[200];

		snprintf(comment, sizeof(comment),
		    "uvmsim gen %s --pages %" PRIu64 " --count %" PRIu64
		    " --seed %" PRIu64,
		    gp.gp_kind, gp.gp_pages, gp.gp_count, gp.gp_seed);
		trace_write_header(f, gp.gp_pagesize, comment);
	}
	if (gen_run(&gp, to == OUT_F11 ? trace_write_sink : refstr_sink,
		to == OUT_F11 ? (void *)f : (void *)&rs, err,
		sizeof(err)) != 0) {
		fprintf(stderr, "uvmsim gen: %s\n",
		    rs.rs_err[0] != '\0' ? rs.rs_err : err);
		(void)outfile_close(f, outp);
		goto out;
	}
	if (to == OUT_ORACLE)
		refstr_write_oracle(&rs, f);
	rv = outfile_close(f, outp) == 0 ? 0 : SIM_EXIT_INPUT;
out:
	refstr_free(&rs);
	return rv;
}

/* Counting sink of `info`. */
struct info_sink {
	struct refstr is_rs;
	uint64_t is_ops[TOP_NOPS];
	struct idmap is_asmap; /* distinct address spaces */
	const struct trace_info *is_info;
	bool is_ps_fixed, is_started;
};

static int
info_sink_fn(void *arg, const struct trace_event *ev)
{
	struct info_sink *is = arg;

	if (!is->is_started) {
		is->is_started = true;
		if (!is->is_ps_fixed && is->is_info->ti_pagesize != 0)
			is->is_rs.rs_pagesize = is->is_info->ti_pagesize;
	}
	is->is_ops[ev->ev_op]++;
	(void)idmap_get(&is->is_asmap, ev->ev_as);
	if (ev->ev_op == TOP_FORK)
		(void)idmap_get(&is->is_asmap, ev->ev_as2);
	return refstr_sink(&is->is_rs, ev);
}

int
cmd_info(int argc, char **argv)
{
	static const struct option lo[] = {INPUT_LONGOPTS,
	    {"memory", required_argument, NULL, 'm'},
	    {"swap", required_argument, NULL, 'S'},
	    {"pdaemon", required_argument, NULL, 'D'},
	    {"machine-policy", required_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0}};
	struct trace_ropts ro;
	struct sim_machine sm;
	struct info_sink is;
	struct trace_info ti;
	char err[512], b[40];
	int c, r, rv = SIM_EXIT_USAGE;

	trace_ropts_init(&ro);
	machine_init(&sm);
	memset(&is, 0, sizeof(is));
	refstr_init(&is.is_rs, 4096, 0);
	optind = 0;
	while ((c = getopt_long(argc, argv, "F:p:m:h", lo, NULL)) != -1) {
		if ((r = cmd_input_opt(c, &ro, &sm)) < 0)
			goto out;
		if (r > 0)
			continue;
		switch (c) {
		case 'm':
			r = machine_option(&sm, "memory", optarg);
			break;
		case 'S':
			r = machine_option(&sm, "swap", optarg);
			break;
		case 'D':
			r = machine_option(&sm, "pdaemon", optarg);
			break;
		case 'P':
			r = machine_option(&sm, "machine-policy", optarg);
			break;
		case 'h':
			fputs("usage: uvmsim info [-F FORMAT] [-p PAGESIZE] "
			      "TRACE\n"
			      "       uvmsim info [-p PAGESIZE] [-m MEMORY] "
			      "[--swap PATH:SIZE] [--pdaemon MODE]\n"
			      "                   [--machine-policy P]\n"
			      "\n"
			      "With TRACE: its format, compression, events "
			      "by kind, address spaces,\n"
			      "page references and distinct pages.  Without: "
			      "create the configured\n"
			      "libuvm machine and print its configuration and "
			      "counters.\n",
			    stdout);
			rv = 0;
			goto out;
		default:
			r = -1;
			break;
		}
		if (r != 0)
			goto out;
	}
	if (optind == argc) {
		rv = machine_show(&sm, stdout, true);
		goto out;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "uvmsim info: at most one TRACE\n");
		goto out;
	}
	ro.ro_pagesize = machine_pagesize(&sm);
	is.is_rs.rs_pagesize = ro.ro_pagesize;
	is.is_info = &ti;
	is.is_ps_fixed = sm.sm_cfg.uc_pagesize != 0;
	r = trace_read_file(
	    argv[optind], &ro, info_sink_fn, &is, &ti, err, sizeof(err));
	if (r != TRACE_OK) {
		fprintf(stderr, "uvmsim: %s\n",
		    r == TRACE_ESINK ? is.is_rs.rs_err : err);
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	printf("trace: %s\n", argv[optind]);
	printf("format: %s: %s\n", trace_format_name(ti.ti_format),
	    trace_format_desc(ti.ti_format));
	printf("compression: %s\n", trace_codec_name(ti.ti_codec));
	printf("records: %" PRIu64 "\n", ti.ti_records);
	printf("events: %" PRIu64 "\n", ti.ti_events);
	for (int op = 0; op < TOP_NOPS; op++)
		if (is.is_ops[op] != 0)
			printf("  %-9s %" PRIu64 "\n", trace_op_name(op),
			    is.is_ops[op]);
	printf("address spaces: %zu\n", is.is_asmap.im_n);
	printf("page size: %" PRIu64 "\n", is.is_rs.rs_pagesize);
	printf("page references: %zu (reads %" PRIu64 ", writes %" PRIu64 ")\n",
	    is.is_rs.rs_n, is.is_rs.rs_reads, is.is_rs.rs_writes);
	printf("distinct pages: %zu (%s)\n", is.is_rs.rs_npages,
	    sim_fmt_bytes(
		is.is_rs.rs_npages * is.is_rs.rs_pagesize, b, sizeof(b)));
	rv = fflush(stdout) == 0 ? 0 : SIM_EXIT_INPUT;
out:
	idmap_free(&is.is_asmap);
	refstr_free(&is.is_rs);
	machine_fini(&sm);
	return rv;
}
