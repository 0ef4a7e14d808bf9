/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out.c: printing results: vmstat -s counters, the vmsim summary line,
 * OSTEP's FINALSTATS, a Caffeine-style table, CSV, JSON and the
 * per-interval time series.
 *
 * Every shape carries the engine label (or a column for it), so a result
 * of the flat reference-string engine can never pass for a libuvm one.
 * Wall-clock time is printed only on request (--timing): everything else
 * is a pure function of the inputs, which the determinism tests compare.
 */
#include <inttypes.h>
#include <string.h>

#include "uvm.h"

#include "out.h"

int
out_parse(const char *s, unsigned *bits)
{
	static const struct {
		const char *name;
		unsigned bit;
	} kinds[] = {{"summary", OUT_SUMMARY}, {"vmstat", OUT_VMSTAT},
	    {"vmsim", OUT_VMSIM}, {"finalstats", OUT_FINALSTATS},
	    {"ostep", OUT_FINALSTATS}, {"table", OUT_TABLE}, {"csv", OUT_CSV},
	    {"json", OUT_JSON}};

	*bits = 0;
	while (*s != '\0') {
		size_t l = strcspn(s, ","), i;

		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strlen(kinds[i].name) == l &&
			    strncmp(kinds[i].name, s, l) == 0)
				break;
		if (i == sizeof(kinds) / sizeof(kinds[0])) {
			fprintf(stderr,
			    "uvmsim: unknown output \"%.*s\" "
			    "(summary, vmstat, vmsim, finalstats, "
			    "table, csv, json)\n",
			    (int)l, s);
			return -1;
		}
		*bits |= kinds[i].bit;
		s += l + (s[l] == ',');
	}
	return *bits != 0 ? 0 : -1;
}

double
out_hitrate(const struct sim_result *r)
{
	return r->sr_refs != 0 ? 100.0 * (double)r->sr_hits / (double)r->sr_refs
			       : 0.0;
}

static void
out_count(FILE *f, uint64_t v, const char *desc)
{
	fprintf(f, "%9" PRIu64 " %s\n", v, desc);
}

void
out_vmstat(FILE *f, const struct sim_result *r)
{
	if (r->sr_have_uvmexp) {
		uvm_stats_print(&r->sr_uvmexp, f);
		return;
	}
	out_count(f, r->sr_pagesize, "bytes per page");
	out_count(f, r->sr_frames, "page frames");
	out_count(f, r->sr_refs, "page references");
	out_count(f, r->sr_reads, "read references");
	out_count(f, r->sr_writes, "write references");
	out_count(f, r->sr_hits, "hits");
	out_count(f, r->sr_faults, "page faults");
	out_count(f, r->sr_cold, "first-reference faults");
	out_count(f, r->sr_evictions, "pages evicted");
	out_count(f, r->sr_writebacks, "dirty pages written back");
	out_count(f, r->sr_pages, "distinct pages referenced");
	out_count(f, r->sr_skipped, "trace events not modelled");
}

void
out_vmsim(FILE *f, const struct sim_result *r)
{
	fprintf(f,
	    "Algorithm: %s  Frames: %" PRIu64 "  Page size: %" PRIu64
	    "  Memory accesses: %" PRIu64 "  Page faults: %" PRIu64
	    "  Writes to disk: %" PRIu64 "\n",
	    r->sr_engine, r->sr_frames, r->sr_pagesize, r->sr_refs,
	    r->sr_faults, r->sr_writebacks);
}

void
out_finalstats(FILE *f, const struct sim_result *r)
{
	fprintf(f,
	    "FINALSTATS hits %" PRIu64 "   misses %" PRIu64 "   hitrate %.2f\n",
	    r->sr_hits, r->sr_faults, out_hitrate(r));
}

void
out_table(FILE *f, const struct sim_result *r, size_t n, bool timing)
{
	fprintf(f, "%-14s %10s %12s %8s %12s %12s %12s %12s%s\n", "engine",
	    "frames", "memory", "hitrate", "hits", "misses", "evictions",
	    "writebacks", timing ? "     time" : "");
	for (size_t i = 0; i < n; i++) {
		char mem[32];
		uint64_t bytes = r[i].sr_frames * r[i].sr_pagesize;

		if (bytes % (1 << 20) == 0 && bytes != 0)
			snprintf(mem, sizeof(mem), "%" PRIu64 "M", bytes >> 20);
		else if (bytes % 1024 == 0)
			snprintf(mem, sizeof(mem), "%" PRIu64 "K", bytes >> 10);
		else
			snprintf(mem, sizeof(mem), "%" PRIu64, bytes);
		fprintf(f,
		    "%-14s %10" PRIu64 " %12s %7.2f%% %12" PRIu64 " %12" PRIu64
		    " %12" PRIu64 " %12" PRIu64,
		    r[i].sr_engine, r[i].sr_frames, mem, out_hitrate(&r[i]),
		    r[i].sr_hits, r[i].sr_faults, r[i].sr_evictions,
		    r[i].sr_writebacks);
		if (timing)
			fprintf(f, " %8.3fs", r[i].sr_seconds);
		fputc('\n', f);
	}
}

void
out_csv(FILE *f, const struct sim_result *r, size_t n, bool timing)
{
	fprintf(f,
	    "engine,policy,frames,pagesize,references,reads,writes,"
	    "hits,misses,cold,evictions,writebacks,hitrate,pages,"
	    "skipped%s\n",
	    timing ? ",seconds" : "");
	for (size_t i = 0; i < n; i++) {
		fprintf(f,
		    "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		    ",%" PRIu64 ",%.6f,%" PRIu64 ",%" PRIu64,
		    r[i].sr_engine, r[i].sr_policy, r[i].sr_frames,
		    r[i].sr_pagesize, r[i].sr_refs, r[i].sr_reads,
		    r[i].sr_writes, r[i].sr_hits, r[i].sr_faults, r[i].sr_cold,
		    r[i].sr_evictions, r[i].sr_writebacks,
		    out_hitrate(&r[i]) / 100, r[i].sr_pages, r[i].sr_skipped);
		if (timing)
			fprintf(f, ",%.6f", r[i].sr_seconds);
		fputc('\n', f);
	}
}

static void
out_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
out_json(FILE *f, const char *trace, const struct sim_result *r, size_t n,
    bool timing)
{
	fputs("{\"trace\": ", f);
	out_json_str(f, trace != NULL ? trace : "");
	fputs(", \"runs\": [", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i == 0 ? "\n  {" : ",\n  {", f);
		fputs("\"engine\": ", f);
		out_json_str(f, r[i].sr_engine);
		fputs(", \"policy\": ", f);
		out_json_str(f, r[i].sr_policy);
		fprintf(f,
		    ", \"frames\": %" PRIu64 ", \"pagesize\": %" PRIu64
		    ", \"references\": %" PRIu64 ", \"reads\": %" PRIu64
		    ", \"writes\": %" PRIu64 ", \"hits\": %" PRIu64
		    ", \"misses\": %" PRIu64 ", \"cold\": %" PRIu64
		    ", \"evictions\": %" PRIu64 ", \"writebacks\": %" PRIu64
		    ", \"hitrate\": %.6f, \"pages\": %" PRIu64
		    ", \"skipped\": %" PRIu64,
		    r[i].sr_frames, r[i].sr_pagesize, r[i].sr_refs,
		    r[i].sr_reads, r[i].sr_writes, r[i].sr_hits, r[i].sr_faults,
		    r[i].sr_cold, r[i].sr_evictions, r[i].sr_writebacks,
		    out_hitrate(&r[i]) / 100, r[i].sr_pages, r[i].sr_skipped);
		if (timing)
			fprintf(f, ", \"seconds\": %.6f", r[i].sr_seconds);
		fputc('}', f);
	}
	fputs("\n]}\n", f);
}

void
out_timeseries(FILE *f, const struct sim_result *r, size_t n)
{
	fputs("engine,frames,interval,end,references,hits,faults,writebacks,"
	      "missratio,wss,resident\n",
	    f);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < r[i].sr_nts; j++) {
			const struct sim_tsrow *t = &r[i].sr_ts[j];

			fprintf(f,
			    "%s,%" PRIu64 ",%zu,%" PRIu64 ",%" PRIu64
			    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64
			    ",%" PRIu64 "\n",
			    r[i].sr_engine, r[i].sr_frames, j + 1, t->ts_end,
			    t->ts_refs, t->ts_hits, t->ts_faults,
			    t->ts_writebacks,
			    t->ts_refs != 0
				? (double)t->ts_faults / (double)t->ts_refs
				: 0.0,
			    t->ts_wss, t->ts_resident);
		}
	}
}

void
out_notes(FILE *f, const struct sim_result *r, bool subst)
{
	if (subst && r->sr_fileanon != 0)
		fprintf(f,
		    "note: %s: file mappings replayed as anonymous memory "
		    "(libuvm has no file pager yet): %" PRIu64 "\n",
		    r->sr_engine, r->sr_fileanon);
	if (subst && r->sr_automaps != 0)
		fprintf(f,
		    "note: %s: regions mapped on first touch (the trace "
		    "has no mmap events): %" PRIu64 "\n",
		    r->sr_engine, r->sr_automaps);
	if (r->sr_errors != 0) {
		fprintf(f, "note: %s: failed events: %" PRIu64 "%s\n",
		    r->sr_engine, r->sr_errors,
		    r->sr_errors > 10 ? ", the first 10:" : ":");
		for (const char *p = r->sr_notes; p != NULL && *p != '\0';) {
			size_t l = strcspn(p, "\n");

			fprintf(f, "  %.*s\n", (int)l, p);
			p += l + (p[l] == '\n');
		}
	}
}

void
out_maps(FILE *f, const struct sim_result *r)
{
	if (r->sr_maps == NULL)
		return;
	fprintf(f, "maps of %s with %" PRIu64 " pages of memory:\n",
	    r->sr_engine, r->sr_frames);
	fputs(r->sr_maps, f);
}
