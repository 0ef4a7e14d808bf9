/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_trace.c: libFuzzer target for uvmsim's trace readers.
 *
 * Input: byte 0 picks the format (auto-detection included) and reader
 * options, byte 1 a CSV column map; the rest is the trace, read through
 * the in-memory input (so gzip and zstd decoding are fuzzed too, with a
 * cap on decoded size).  Checks: the reader returns cleanly, an error
 * always carries a message, success always delivers events; a successful
 * trace written as F11 reads back as the same events; and the flat
 * engine's counters add up on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "refstr.h"
#include "trace.h"

#define FUZZ_MAXBYTES (1u << 20)
#define FUZZ_MAXREFS  200000

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_sink {
	struct trace_buf fs_tb;
	struct refstr fs_rs;
};

static int
fuzz_sink(void *arg, const struct trace_event *ev)
{
	struct fuzz_sink *fs = arg;

	if (fs->fs_tb.tb_n >= FUZZ_MAXREFS)
		return -1;
	(void)trace_buf_sink(&fs->fs_tb, ev);
	return refstr_sink(&fs->fs_rs, ev);
}

static void
fuzz_check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_trace: %s\n", what);
		abort();
	}
}

static void
fuzz_roundtrip(const struct trace_buf *tb)
{
	struct trace_ropts ro;
	struct trace_info ti;
	struct trace_buf back;
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	fuzz_check(f != NULL, "open_memstream");
	trace_write_header(f, 4096, NULL);
	for (size_t i = 0; i < tb->tb_n; i++)
		trace_write_event(f, &tb->tb_ev[i]);
	fclose(f);
	trace_ropts_init(&ro);
	memset(&back, 0, sizeof(back));
	rc = trace_read_mem("roundtrip", text, len, &ro, trace_buf_sink, &back,
	    &ti, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	fuzz_check(rc == 0, "F11 written by the writer does not read back");
	fuzz_check(back.tb_n == tb->tb_n &&
		memcmp(back.tb_ev, tb->tb_ev,
		    tb->tb_n * sizeof(struct trace_event)) == 0,
	    "F11 round trip changed the events");
	trace_buf_free(&back);
	free(text);
}

static void
fuzz_engine(struct refstr *rs, const char *policy)
{
	struct sim_job job;
	struct sim_result res;
	char err[200];

	memset(&job, 0, sizeof(job));
	job.sj_engine = &engine_flat;
	job.sj_policy = policy;
	job.sj_frames = 4;
	job.sj_pagesize = rs->rs_pagesize;
	job.sj_refs = rs;
	job.sj_interval = 7;
	fuzz_check(engine_flat.eo_run(&job, &res, err, sizeof(err)) == 0,
	    "engine failed");
	fuzz_check(res.sr_hits + res.sr_faults == rs->rs_n, "hits + faults");
	fuzz_check(res.sr_cold == rs->rs_npages, "cold faults");
	sim_result_free(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_ropts ro;
	struct trace_info ti;
	struct fuzz_sink fs;
	char err[512];
	int rc;

	if (size < 2)
		return 0;
	trace_ropts_init(&ro);
	ro.ro_format = (enum trace_format)(data[0] % TF_NFORMATS);
	ro.ro_no_ifetch = (data[0] & 0x40) != 0;
	ro.ro_split_procs = (data[0] & 0x80) != 0;
	ro.ro_maxbytes = FUZZ_MAXBYTES;
	if (ro.ro_format == TF_CSV || (data[0] & 0x20)) {
		static const char delims[] = ",; \t|";

		ro.ro_csv_set = true;
		memset(&ro.ro_csv, 0, sizeof(ro.ro_csv));
		ro.ro_csv.cs_id = 1 + data[1] % 4;
		ro.ro_csv.cs_op = data[1] & 0x10 ? 1 + (data[1] >> 5) % 4 : 0;
		ro.ro_csv.cs_time = data[1] & 0x08 ? 4 : 0;
		ro.ro_csv.cs_delim = delims[(data[1] >> 2) % 5];
		ro.ro_csv.cs_header = (data[1] & 0x04) != 0;
	}
	memset(&fs, 0, sizeof(fs));
	refstr_init(&fs.fs_rs, 4096, FUZZ_MAXREFS);
	err[0] = '\0';
	rc = trace_read_mem("fuzz", data + 2, size - 2, &ro, fuzz_sink, &fs,
	    &ti, err, sizeof(err));
	fuzz_check(rc == TRACE_OK || rc == TRACE_EINPUT || rc == TRACE_ESINK,
	    "unexpected return");
	if (rc == TRACE_EINPUT)
		fuzz_check(strncmp(err, "fuzz", 4) == 0,
		    "error without a message naming the input");
	if (rc == TRACE_OK) {
		fuzz_check(ti.ti_events > 0 && ti.ti_events == fs.fs_tb.tb_n,
		    "success without events");
		fuzz_roundtrip(&fs.fs_tb);
		if (fs.fs_rs.rs_n > 0) {
			refstr_build_next(&fs.fs_rs);
			fuzz_engine(&fs.fs_rs, "clock");
			fuzz_engine(&fs.fs_rs, "opt");
		}
	}
	trace_buf_free(&fs.fs_tb);
	refstr_free(&fs.fs_rs);
	return 0;
}
