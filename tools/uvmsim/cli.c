/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.c: the uvmsim command line: dispatch, `run` and `sweep`, help.
 *
 *	uvmsim                      machine bring-up and the demonstration
 *	uvmsim run [opts] TRACE     one policy, one memory size
 *	uvmsim sweep [opts] TRACE   policies x memory sizes on -j workers
 *	uvmsim convert / gen / info (cli_cmds.c)
 *	uvmsim TRACE FORMAT POLICIES SIZES      libCacheSim shape
 *	uvmsim -n FRAMES -a ALGO TRACE          vmsim shape
 *	uvmsim -p POLICY -C SIZE -f FILE ...    OSTEP shape (cli_compat.c)
 *
 * Exit status: 0 success, 1 usage error, 2 unreadable or malformed input.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "engine.h"
#include "gen.h"
#include "out.h"
#include "refstr.h"
#include "run.h"
#include "sweep.h"
#include "util.h"

#define UVMSIM_VERSION "0.1.0"

enum {
	OPT_CSV = 256,
	OPT_NOIF,
	OPT_SPLIT,
	OPT_ASU,
	OPT_TS,
	OPT_INTERVAL,
	OPT_TIMING,
	OPT_SWAP,
	OPT_PDAEMON,
	OPT_NCOLORS,
	OPT_PERS,
	OPT_BACKEND,
	OPT_MAPS,
};

static const struct option run_longopts[] = {
    {"format", required_argument, NULL, 'F'},
    {"csv", required_argument, NULL, OPT_CSV},
    {"no-ifetch", no_argument, NULL, OPT_NOIF},
    {"split-procs", no_argument, NULL, OPT_SPLIT},
    {"asu", required_argument, NULL, OPT_ASU},
    {"policy", required_argument, NULL, 'P'},
    {"memory", required_argument, NULL, 'm'},
    {"pagesize", required_argument, NULL, 'p'},
    {"engine", required_argument, NULL, 'e'},
    {"seed", required_argument, NULL, 's'},
    {"quiet", no_argument, NULL, 'q'},
    {"trace", no_argument, NULL, 'v'},
    {"jobs", required_argument, NULL, 'j'},
    {"output", required_argument, NULL, 'o'},
    {"timeseries", required_argument, NULL, OPT_TS},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"timing", no_argument, NULL, OPT_TIMING},
    {"swap", required_argument, NULL, OPT_SWAP},
    {"pdaemon", required_argument, NULL, OPT_PDAEMON},
    {"ncolors", required_argument, NULL, OPT_NCOLORS},
    {"personality", required_argument, NULL, OPT_PERS},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"maps", optional_argument, NULL, OPT_MAPS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char run_usage_text[] =
    "usage: uvmsim run [options] TRACE\n"
    "       uvmsim sweep [options] TRACE\n"
    "\n"
    "Replay TRACE (a file, or - for standard input; gzip and zstd are\n"
    "recognised) and report faults, hits and write-backs.  `run` takes one\n"
    "policy and one memory size; `sweep` takes comma lists and runs every\n"
    "combination as an independent job, merged in a stable order.\n"
    "\n"
    "input:\n"
    "  -F, --format NAME     input format (default: detected); see below\n"
    "      --csv MAP         F10 column map: obj-id-col=N[,op-col=N]\n"
    "                        [,time-col=N][,obj-size-col=N][,delimiter=C]\n"
    "                        [,has-header=true]\n"
    "      --no-ifetch       F3: ignore instruction fetches (I lines)\n"
    "      --split-procs     F2: addresses 3xxxxxxx belong to process 2\n"
    "      --asu N           F7: keep only application storage unit N\n"
    "simulation:\n"
    "  -e, --engine NAME     engine for every policy; default: each policy\n"
    "                        runs on the first engine below that has it\n"
    "                        (clock, clockpro: uvm; lru, fifo, opt...: flat)\n"
    "  -P, --policy LIST     replacement policies (default: clock); a policy\n"
    "                        may name its engine: uvm-clock, flat-clock\n"
    "  -m, --memory LIST     memory sizes: bytes (64k, 1g), pages (100p)\n"
    "                        or working-set fractions (0.5ws) [64m]\n"
    "  -p, --pagesize SIZE   page size [4k]\n"
    "  -s, --seed N          seed of the random policy [1]\n"
    "  -j, --jobs N          worker threads for sweeps [1]\n"
    "machine (for the uvm engine; each run builds its own machine):\n"
    "      --swap PATH:SIZE[:PRIO]  swap device (repeatable; default: a\n"
    "                        temporary file per run, removed at once)\n"
    "      --pdaemon MODE    inline (default: deterministic) or thread\n"
    "      --ncolors N, --personality P, --backend B\n"
    "output:\n"
    "  -o, --output LIST     summary, vmstat, vmsim, finalstats, table, csv,\n"
    "                        json [run: summary; sweep: table]\n"
    "  -v, --trace           one line per page reference (run only)\n"
    "      --timeseries FILE per-interval CSV (faults, miss ratio, WSS)\n"
    "      --interval N      references per interval [1/100 of the trace]\n"
    "      --timing          add wall-clock time to table, csv, json\n"
    "      --maps[=STYLE]    uvm engine: dump each address space when it\n"
    "                        exits or execs and at the end: procmaps\n"
    "                        (/proc/PID/maps, default), pmap (pmap(1)), all\n"
    "  -q, --quiet           no progress bar, no notes\n";

static void
run_usage(FILE *f)
{
	fputs(run_usage_text, f);
	fputs("\nformats:\n", f);
	trace_formats_print(f);
	fputs("\nengines:\n", f);
	engines_print(f);
}

static void
main_usage(FILE *f)
{
	fputs("usage: uvmsim [command] [options]\n"
	      "\n"
	      "commands:\n"
	      "  (none)    create the default libuvm machine, print its\n"
	      "            configuration, and run the built-in demonstration\n"
	      "  run       replay a trace with one policy and memory size\n"
	      "  sweep     replay a trace with several policies and sizes\n"
	      "  convert   convert a trace to F11 (uvmtrace) or oracleGeneral\n"
	      "  gen       generate a synthetic workload (F11)\n"
	      "  info      describe a trace, or the configured machine\n"
	      "  help      this text; `uvmsim COMMAND --help` for each\n"
	      "\n"
	      "also accepted:\n"
	      "  uvmsim TRACE FORMAT POLICY[,..] SIZE[,..]   (libCacheSim)\n"
	      "  uvmsim -n FRAMES -a ALGO [-p PAGESIZE] TRACE   (vmsim)\n"
	      "  uvmsim -p POLICY -C SIZE [-f FILE | -a LIST | -n N -m MAX]\n"
	      "         [-s SEED] [-c] [-N]                  (OSTEP)\n"
	      "\n"
	      "Exit status: 0 success, 1 usage error, 2 bad input.  "
	      "See uvmsim(1).\n",
	    f);
}

void
run_opts_init(struct run_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	trace_ropts_init(&ro->r_read);
	machine_init(&ro->r_machine);
	ro->r_policies = "clock";
	ro->r_seed = 1;
	ro->r_jobs = 1;
}

void
run_opts_fini(struct run_opts *ro)
{
	machine_fini(&ro->r_machine);
}

const char *
run_policy_canon(const char *name, char *buf, size_t len)
{
	static const struct {
		const char *alias, *name;
	} aliases[] = {{"rand", "random"}, {"belady", "opt"}, {"min", "opt"},
	    {"secondchance", "clock"}, {"clock-pro", "clockpro"}};
	size_t i;

	if (len == 0 || strlen(name) >= len)
		return NULL;
	for (i = 0; name[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(buf, aliases[i].alias) == 0)
			snprintf(buf, len, "%s", aliases[i].name);
	return buf;
}

static bool
cli_u64(const char *opt, const char *s, uint64_t *v)
{
	if (sim_parse_dec(s, strlen(s), v))
		return true;
	fprintf(stderr, "uvmsim: bad %s \"%s\" (expected a decimal number)\n",
	    opt, s);
	return false;
}

/*
 * run_parse: options of `run` and `sweep` into ro.
 * => 0 to go on, else the exit status (help printed: 0 is returned as -1).
 */
static int
run_parse(int argc, char **argv, struct run_opts *ro)
{
	const char *cmd = argv[0];
	uint64_t v;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "F:P:m:p:e:s:qvj:o:h", run_longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'F':
			if (strncasecmp(optarg, "csv:", 4) == 0) {
				const char *m = trace_csvspec_parse(
				    optarg + 4, &ro->r_read.ro_csv);

				if (m != NULL) {
					fprintf(stderr,
					    "uvmsim: --format "
					    "%s: %s\n",
					    optarg, m);
					return SIM_EXIT_USAGE;
				}
				ro->r_read.ro_csv_set = true;
				ro->r_read.ro_format = TF_CSV;
				break;
			}
			ro->r_read.ro_format = trace_format_lookup(optarg);
			if (ro->r_read.ro_format == TF_NFORMATS) {
				fprintf(stderr,
				    "uvmsim: unknown format "
				    "\"%s\" (see uvmsim %s --help)\n",
				    optarg, cmd);
				return SIM_EXIT_USAGE;
			}
			break;
		case OPT_CSV: {
			const char *m =
			    trace_csvspec_parse(optarg, &ro->r_read.ro_csv);

			if (m != NULL) {
				fprintf(stderr, "uvmsim: --csv \"%s\": %s\n",
				    optarg, m);
				return SIM_EXIT_USAGE;
			}
			ro->r_read.ro_csv_set = true;
			break;
		}
		case OPT_NOIF:
			ro->r_read.ro_no_ifetch = true;
			break;
		case OPT_SPLIT:
			ro->r_read.ro_split_procs = true;
			break;
		case OPT_ASU:
			if (!cli_u64("--asu", optarg, &v) || v > INT64_MAX)
				return SIM_EXIT_USAGE;
			ro->r_read.ro_asu = (int64_t)v;
			break;
		case 'P':
			ro->r_policies = optarg;
			break;
		case 'm':
			ro->r_sizes = optarg;
			break;
		case 'p':
			if (machine_option(
				&ro->r_machine, "pagesize", optarg) != 0)
				return SIM_EXIT_USAGE;
			break;
		case 'e':
			ro->r_engine = optarg;
			break;
		case 's':
			if (!cli_u64("--seed", optarg, &ro->r_seed))
				return SIM_EXIT_USAGE;
			break;
		case 'q':
			ro->r_quiet = true;
			break;
		case 'v':
			ro->r_trace = true;
			break;
		case 'j':
			if (!cli_u64("--jobs", optarg, &v) || v == 0 ||
			    v > 1024) {
				fprintf(
				    stderr, "uvmsim: --jobs takes 1..1024\n");
				return SIM_EXIT_USAGE;
			}
			ro->r_jobs = (unsigned)v;
			break;
		case 'o':
			if (out_parse(optarg, &ro->r_outputs) != 0)
				return SIM_EXIT_USAGE;
			break;
		case OPT_TS:
			ro->r_tsfile = optarg;
			break;
		case OPT_INTERVAL:
			if (!cli_u64("--interval", optarg, &ro->r_interval) ||
			    ro->r_interval == 0)
				return SIM_EXIT_USAGE;
			break;
		case OPT_TIMING:
			ro->r_timing = true;
			break;
		case OPT_SWAP:
		case OPT_PDAEMON:
		case OPT_NCOLORS:
		case OPT_PERS:
		case OPT_BACKEND: {
			static const char *const names[] = {"swap", "pdaemon",
			    "ncolors", "personality", "backend"};

			if (machine_option(&ro->r_machine, names[c - OPT_SWAP],
				optarg) != 0)
				return SIM_EXIT_USAGE;
			break;
		}
		case OPT_MAPS:
			if (optarg == NULL || strcmp(optarg, "procmaps") == 0)
				ro->r_maps = SIM_MAPS_PROCMAPS;
			else if (strcmp(optarg, "pmap") == 0)
				ro->r_maps = SIM_MAPS_PMAP;
			else if (strcmp(optarg, "all") == 0)
				ro->r_maps = SIM_MAPS_PROCMAPS | SIM_MAPS_PMAP;
			else {
				fprintf(stderr,
				    "uvmsim: bad --maps \"%s\" (procmaps, "
				    "pmap or all)\n",
				    optarg);
				return SIM_EXIT_USAGE;
			}
			break;
		case 'h':
			run_usage(stdout);
			return -1;
		default:
			fprintf(
			    stderr, "uvmsim: see `uvmsim %s --help`\n", cmd);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
		    "uvmsim %s: expected one TRACE argument (see "
		    "`uvmsim %s --help`)\n",
		    cmd, cmd);
		return SIM_EXIT_USAGE;
	}
	ro->r_path = argv[optind];
	return 0;
}

/* Where events go while a trace is read. */
struct run_load {
	struct refstr *rl_rs;
	struct trace_buf *rl_tb;
	const struct trace_info *rl_info;
	bool rl_ps_fixed; /* page size given: F11 header does not apply */
	bool rl_started;
};

static int
run_load_sink(void *arg, const struct trace_event *ev)
{
	struct run_load *rl = arg;

	if (!rl->rl_started) {
		rl->rl_started = true;
		if (!rl->rl_ps_fixed && rl->rl_info->ti_pagesize != 0)
			rl->rl_rs->rs_pagesize = rl->rl_info->ti_pagesize;
	}
	if (rl->rl_tb != NULL)
		(void)trace_buf_sink(rl->rl_tb, ev);
	return refstr_sink(rl->rl_rs, ev);
}

/* Split a comma list into at most max entries; returns the count. */
static size_t
run_split(char *s, char **out, size_t max)
{
	size_t n = 0;

	for (char *tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ","))
		if (n < max)
			out[n++] = tok;
		else
			return max + 1;
	return n;
}

static void
run_summary(FILE *f, const struct run_opts *ro, const struct sim_result *r,
    const struct trace_info *ti, const struct refstr *rs)
{
	char b[40];

	fprintf(f, "engine: %s (%s)\n", r->sr_engine,
	    strncmp(r->sr_engine, "flat-", 5) == 0
		? "reference-string model, not the libuvm VM stack"
		: "libuvm machine");
	fprintf(f,
	    "trace: %s (%s, %s): %" PRIu64 " events, %zu page "
	    "references, %zu distinct pages\n",
	    ro->r_path, trace_format_name(ti->ti_format),
	    trace_codec_name(ti->ti_codec), ti->ti_events, rs->rs_n,
	    rs->rs_npages);
	fprintf(f, "memory: %" PRIu64 " pages of %" PRIu64 " bytes (%s)\n",
	    r->sr_frames, r->sr_pagesize,
	    sim_fmt_bytes(r->sr_frames * r->sr_pagesize, b, sizeof(b)));
	if (r->sr_skipped != 0) {
		fprintf(f,
		    "note: %" PRIu64 " address-space events not "
		    "modelled by this engine:",
		    rs->rs_nskipped);
		for (int op = 0; op < TOP_NOPS; op++)
			if (rs->rs_skipped[op] != 0)
				fprintf(f, " %s %" PRIu64, trace_op_name(op),
				    rs->rs_skipped[op]);
		fputc('\n', f);
	}
	out_notes(f, r, true);
	out_vmstat(f, r);
	out_vmsim(f, r);
	out_finalstats(f, r);
}

static int
run_outputs(struct run_opts *ro, const struct sim_result *res, size_t n,
    const struct trace_info *ti, const struct refstr *rs)
{
	unsigned o = ro->r_outputs;
	bool subst_said = false;

	for (size_t i = 0; i < n; i++) {
		if (o & OUT_SUMMARY) {
			if (i > 0)
				fputc('\n', stdout);
			run_summary(stdout, ro, &res[i], ti, rs);
		} else if (!ro->r_quiet) {
			/* Substitutions are the same for every run: once. */
			out_notes(stderr, &res[i], !subst_said);
			subst_said |=
			    res[i].sr_fileanon != 0 || res[i].sr_automaps != 0;
		}
		if (o & OUT_VMSTAT)
			out_vmstat(stdout, &res[i]);
		if (o & OUT_VMSIM)
			out_vmsim(stdout, &res[i]);
		if (o & OUT_FINALSTATS)
			out_finalstats(stdout, &res[i]);
	}
	if (o & OUT_TABLE)
		out_table(stdout, res, n, ro->r_timing);
	if (o & OUT_CSV)
		out_csv(stdout, res, n, ro->r_timing);
	if (o & OUT_JSON)
		out_json(stdout, ro->r_path, res, n, ro->r_timing);
	for (size_t i = 0; i < n; i++)
		out_maps(stdout, &res[i]);
	if (ro->r_tsfile != NULL) {
		FILE *f = strcmp(ro->r_tsfile, "-") == 0
		    ? stdout
		    : fopen(ro->r_tsfile, "w");

		if (f == NULL) {
			perror(ro->r_tsfile);
			return SIM_EXIT_INPUT;
		}
		out_timeseries(f, res, n);
		if (f != stdout && fclose(f) != 0) {
			perror(ro->r_tsfile);
			return SIM_EXIT_INPUT;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("uvmsim: stdout");
		return SIM_EXIT_INPUT;
	}
	return 0;
}

#define RUN_MAXLIST 64

/* Parse one memory size of a list; libCacheSim's bare fractions too. */
static bool
run_size(const struct run_opts *ro, const char *s, struct sim_size *sz)
{
	char buf[40];

	if (ro->r_bare_fraction_ws && strchr(s, '.') != NULL &&
	    strlen(s) + 3 < sizeof(buf) && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[strlen(s) - 1])) {
		snprintf(buf, sizeof(buf), "%sws", s);
		if (sim_parse_size(buf, sz))
			return true;
	}
	return sim_parse_size(s, sz);
}

/*
 * run_policy_engine: the engine and canonical name of one policy of the
 * list: "ENGINE-POLICY" names both; otherwise the engine given (-e), or
 * else the first engine of the registry that has the policy.
 * => 0, or -1 with a message printed
 */
static int
run_policy_engine(const struct engine_ops *given, const char *name, char *buf,
    size_t len, const struct engine_ops **eop)
{
	const struct engine_ops *eo = given;
	const char *dash = strchr(name, '-'), *pname = name;
	char ebuf[16];

	if (dash != NULL && (size_t)(dash - name) < sizeof(ebuf)) {
		const struct engine_ops *named;

		memcpy(ebuf, name, (size_t)(dash - name));
		ebuf[dash - name] = '\0';
		if ((named = engine_lookup(ebuf)) != NULL) {
			if (given != NULL && named != given) {
				fprintf(stderr,
				    "uvmsim: policy \"%s\" is not of the "
				    "%s engine\n",
				    name, given->eo_name);
				return -1;
			}
			eo = named;
			pname = dash + 1;
		}
	}
	if (run_policy_canon(pname, buf, len) == NULL) {
		fprintf(stderr, "uvmsim: bad policy \"%s\"\n", name);
		return -1;
	}
	if (eo == NULL)
		eo = engine_for_policy(buf);
	if (eo == NULL || !engine_policy_p(eo, buf)) {
		if (eo != NULL) {
			fprintf(stderr,
			    "uvmsim: the %s engine has no policy \"%s\"; "
			    "it has:",
			    eo->eo_name, pname);
			for (const char *const *p = eo->eo_policies; *p != NULL;
			     p++)
				fprintf(stderr, " %s", *p);
			fputc('\n', stderr);
		} else {
			fprintf(stderr,
			    "uvmsim: no engine has a policy \"%s\"; "
			    "engines:\n",
			    pname);
			engines_print(stderr);
		}
		return -1;
	}
	*eop = eo;
	return 0;
}

int
run_exec(struct run_opts *ro)
{
	const struct engine_ops *eo = NULL, *peo[RUN_MAXLIST];
	char *pol[RUN_MAXLIST + 1], *szs[RUN_MAXLIST + 1];
	char polbuf[RUN_MAXLIST][16], err[512];
	char *plist = NULL, *slist = NULL;
	struct sim_size sizes[RUN_MAXLIST];
	struct trace_info ti;
	struct trace_buf tb;
	struct refstr rs;
	struct run_load rl;
	struct sim_job *jobs = NULL;
	struct sim_result *res = NULL;
	size_t np, ns, nj = 0;
	uint64_t pagesize;
	bool need_next = false, need_events = false, all_flat = true;
	int rv = SIM_EXIT_USAGE, error;

	memset(&tb, 0, sizeof(tb));
	refstr_init(&rs, 4096, 0);
	if (ro->r_engine != NULL &&
	    (eo = engine_lookup(ro->r_engine)) == NULL) {
		fprintf(stderr, "uvmsim: unknown engine \"%s\"; available:\n",
		    ro->r_engine);
		engines_print(stderr);
		goto out;
	}
	plist = sim_strdup(ro->r_policies);
	slist = sim_strdup(ro->r_sizes != NULL ? ro->r_sizes : "");
	np = run_split(plist, pol, RUN_MAXLIST);
	ns = run_split(slist, szs, RUN_MAXLIST);
	if (np == 0 || np > RUN_MAXLIST || ns > RUN_MAXLIST) {
		fprintf(stderr,
		    "uvmsim: between 1 and %d policies and memory "
		    "sizes\n",
		    RUN_MAXLIST);
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		if (run_policy_engine(
			eo, pol[i], polbuf[i], sizeof(polbuf[i]), &peo[i]) != 0)
			goto out;
		need_next |= strcmp(polbuf[i], "opt") == 0;
		need_events |= (peo[i]->eo_needs & ENG_NEEDS_EVENTS) != 0;
		all_flat &= peo[i] == &engine_flat;
	}
	pagesize = machine_pagesize(&ro->r_machine);
	if (ns == 0) {
		char b[32];

		snprintf(
		    b, sizeof(b), "%" PRIu64, machine_memsize(&ro->r_machine));
		(void)sim_parse_size(b, &sizes[0]);
		ns = 1;
	} else {
		for (size_t i = 0; i < ns; i++) {
			if (!run_size(ro, szs[i], &sizes[i])) {
				fprintf(stderr,
				    "uvmsim: bad memory size "
				    "\"%s\" (examples: 64m, 1g, "
				    "100p, 0.5ws)\n",
				    szs[i]);
				goto out;
			}
		}
	}
	if (ro->r_single && (np != 1 || ns != 1)) {
		fprintf(stderr,
		    "uvmsim run: one policy and one memory size "
		    "(use `uvmsim sweep` for lists)\n");
		goto out;
	}
	if (ro->r_trace && np * ns != 1) {
		fprintf(stderr, "uvmsim: --trace needs a single run\n");
		goto out;
	}
	if (pagesize < 512 || pagesize > ((uint64_t)1 << 30) ||
	    (pagesize & (pagesize - 1)) != 0) {
		fprintf(stderr,
		    "uvmsim: page size %" PRIu64 " is not a power "
		    "of two between 512 and 1g\n",
		    pagesize);
		goto out;
	}

	/* Read the trace once; the jobs share it read-only. */
	rs.rs_pagesize = pagesize;
	ro->r_read.ro_pagesize = pagesize;
	memset(&rl, 0, sizeof(rl));
	rl.rl_rs = &rs;
	rl.rl_tb = need_events ? &tb : NULL;
	rl.rl_info = &ti;
	rl.rl_ps_fixed = ro->r_machine.sm_cfg.uc_pagesize != 0;
	if (ro->r_mem != NULL)
		error = trace_read_mem(ro->r_path, ro->r_mem, ro->r_memlen,
		    &ro->r_read, run_load_sink, &rl, &ti, err, sizeof(err));
	else
		error = trace_read_file(ro->r_path, &ro->r_read, run_load_sink,
		    &rl, &ti, err, sizeof(err));
	if (error != TRACE_OK) {
		fprintf(stderr, "uvmsim: %s\n",
		    error == TRACE_ESINK ? rs.rs_err : err);
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	if (rs.rs_n == 0) {
		fprintf(stderr, "uvmsim: %s: no memory accesses to simulate\n",
		    ro->r_path);
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	if (need_next)
		refstr_build_next(&rs);

	jobs = sim_calloc(np * ns, sizeof(*jobs));
	res = sim_calloc(np * ns, sizeof(*res));
	for (size_t p = 0; p < np; p++) {
		for (size_t s = 0; s < ns; s++) {
			struct sim_job *j = &jobs[nj++];

			j->sj_engine = peo[p];
			j->sj_policy = polbuf[p];
			j->sj_pagesize = rs.rs_pagesize;
			j->sj_frames = sim_size_pages(
			    &sizes[s], rs.rs_pagesize, rs.rs_npages);
			if (j->sj_frames == 0) {
				fprintf(stderr,
				    "uvmsim: memory size %s is "
				    "less than one page\n",
				    sizes[s].sz_text);
				goto out;
			}
			j->sj_seed = ro->r_seed;
			j->sj_refs = &rs;
			j->sj_events = rl.rl_tb;
			j->sj_cfg = &ro->r_machine.sm_cfg;
			if (ro->r_tsfile != NULL)
				j->sj_interval = ro->r_interval != 0
				    ? ro->r_interval
				    : (rs.rs_n + 99) / 100;
			j->sj_trace = ro->r_trace ? stdout : NULL;
			j->sj_maps = ro->r_maps;
		}
	}
	if (!ro->r_quiet && all_flat && ro->r_machine.sm_set &&
	    (ro->r_machine.sm_cfg.uc_nswap != 0 ||
		ro->r_machine.sm_cfg.uc_pdaemon != NULL ||
		ro->r_machine.sm_cfg.uc_ncolors != 0 ||
		ro->r_machine.sm_cfg.uc_personality != NULL ||
		ro->r_machine.sm_cfg.uc_backend != NULL))
		fprintf(stderr,
		    "uvmsim: note: machine options other than the "
		    "page size do not affect the flat engine\n");
	if (sweep_run(jobs, res, nj, ro->r_jobs, ro->r_quiet, err,
		sizeof(err)) != 0) {
		fprintf(stderr, "uvmsim: %s\n", err);
		rv = SIM_EXIT_INPUT;
		goto out;
	}
	if (ro->r_outputs == 0)
		ro->r_outputs = ro->r_single ? OUT_SUMMARY : OUT_TABLE;
	rv = run_outputs(ro, res, nj, &ti, &rs);
out:
	for (size_t i = 0; res != NULL && i < nj; i++)
		sim_result_free(&res[i]);
	free(res);
	free(jobs);
	free(plist);
	free(slist);
	trace_buf_free(&tb);
	refstr_free(&rs);
	return rv;
}

static int
cmd_run(int argc, char **argv, bool single)
{
	struct run_opts ro;
	int rv;

	run_opts_init(&ro);
	ro.r_single = single;
	rv = run_parse(argc, argv, &ro);
	if (rv == 0)
		rv = run_exec(&ro);
	else if (rv < 0)
		rv = 0;
	run_opts_fini(&ro);
	return rv;
}

/* `uvmsim [machine options] [-j N] [-q]`: bring-up and demonstration. */
static int
cmd_default(int argc, char **argv)
{
	struct run_opts ro;
	int rv;

	run_opts_init(&ro);
	optind = 0;
	for (;;) {
		int c =
		    getopt_long(argc, argv, "+p:m:j:qh", run_longopts, NULL);
		uint64_t v;

		if (c == -1)
			break;
		switch (c) {
		case 'p':
			rv = machine_option(&ro.r_machine, "pagesize", optarg);
			break;
		case 'm':
			rv = machine_option(&ro.r_machine, "memory", optarg);
			break;
		case OPT_SWAP:
		case OPT_PDAEMON:
		case OPT_NCOLORS:
		case OPT_PERS:
		case OPT_BACKEND: {
			static const char *const names[] = {"swap", "pdaemon",
			    "ncolors", "personality", "backend"};

			rv = machine_option(
			    &ro.r_machine, names[c - OPT_SWAP], optarg);
			break;
		}
		case 'j':
			rv =
			    cli_u64("--jobs", optarg, &v) && v >= 1 && v <= 1024
			    ? 0
			    : -1;
			ro.r_jobs = (unsigned)v;
			break;
		case 'q':
			ro.r_quiet = true;
			rv = 0;
			break;
		case 'h':
			main_usage(stdout);
			run_opts_fini(&ro);
			return 0;
		default:
			rv = -1;
			break;
		}
		if (rv != 0) {
			fprintf(stderr, "uvmsim: see `uvmsim --help`\n");
			run_opts_fini(&ro);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
		    "uvmsim: unexpected argument \"%s\" (see "
		    "`uvmsim --help`)\n",
		    argv[optind]);
		run_opts_fini(&ro);
		return SIM_EXIT_USAGE;
	}
	rv = demo_main(&ro.r_machine, (int)ro.r_jobs, ro.r_quiet);
	run_opts_fini(&ro);
	return rv;
}

int
cli_main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int rv;

	if (cmd == NULL)
		return cmd_default(argc, argv);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1, true);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_run(argc - 1, argv + 1, false);
	if (strcmp(cmd, "convert") == 0)
		return cmd_convert(argc - 1, argv + 1);
	if (strcmp(cmd, "gen") == 0)
		return cmd_gen(argc - 1, argv + 1);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		if (argc > 2 &&
		    (strcmp(argv[2], "run") == 0 ||
			strcmp(argv[2], "sweep") == 0)) {
			run_usage(stdout);
			return 0;
		}
		main_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("uvmsim %s\n", UVMSIM_VERSION);
		return 0;
	}
	if ((rv = compat_main(argc, argv)) >= 0)
		return rv;
	return cmd_default(argc, argv);
}
