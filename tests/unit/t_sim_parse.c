/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_sim_parse.c: uvmsim's trace readers and writers.
 *
 * Each format: a small sample parses to exactly the expected events, and
 * detection names the right format.  Malformed input (truncated line,
 * bad number, unknown operation, empty input) gives TRACE_EINPUT with a
 * message naming the input, the line and the offending text.  F11 written
 * by the writer reads back as the same events; oracleGeneral written from
 * a reference string reads back as the same string, with next_access_vtime
 * checked by brute force.  gzip and zstd input (multi-member, truncated).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "gen.h"
#include "refstr.h"
#include "trace.h"
#include "util.h"

struct parsed {
	struct trace_buf p_tb;
	struct trace_info p_info;
	char p_err[512];
	int p_rc;
};

static void
parse(struct parsed *p, enum trace_format f, const void *data, size_t n,
    const struct trace_ropts *base)
{
	struct trace_ropts ro;

	if (base != NULL)
		ro = *base;
	else
		trace_ropts_init(&ro);
	ro.ro_format = f;
	memset(p, 0, sizeof(*p));
	p->p_rc = trace_read_mem("mem", data, n, &ro, trace_buf_sink, &p->p_tb,
	    &p->p_info, p->p_err, sizeof(p->p_err));
}

static void
expect_ev(const struct trace_event *ev, int op, uint32_t as, uint64_t addr,
    uint64_t len)
{
	assert_int_equal(ev->ev_op, op);
	assert_int_equal(ev->ev_as, as);
	assert_int_equal(ev->ev_addr, addr);
	assert_int_equal(ev->ev_len, len);
}

struct sample {
	enum trace_format s_fmt;
	const char *s_text;
	size_t s_nev;
	struct {
		int op;
		uint32_t as;
		uint64_t addr, len;
	} s_ev[6];
};

static const struct sample samples[] = {
    {TF_PAGES, "# c\n3\n*\n\n17\n", 2,
	{{TOP_READ, 1, 3 * 4096, 4096}, {TOP_READ, 1, 17 * 4096, 4096}}},
    {TF_VMSIM, "0041f7a0 R\r\n0041f7a4 w\n", 2,
	{{TOP_READ, 1, 0x41f7a0, 1}, {TOP_WRITE, 1, 0x41f7a4, 1}}},
    {TF_LACKEY, "==1== x\nI  04000000,3\n L 7ff000ff8,8\n M 10,4\n", 4,
	{{TOP_EXEC, 1, 0x4000000, 3}, {TOP_READ, 1, 0x7ff000ff8, 8},
	    {TOP_READ, 1, 0x10, 4}, {TOP_WRITE, 1, 0x10, 4}}},
    {TF_UCSD, "s 0x1fffff50 1\nl 0x20 2\n0 0x30 1\n", 3,
	{{TOP_WRITE, 1, 0x1fffff50, 1}, {TOP_READ, 1, 0x20, 1},
	    {TOP_READ, 1, 0x30, 1}}},
    {TF_PIN, "0x7f1b5c113093: W 0x7ffec3424278\n#eof\n0x1: R 0x2\n", 1,
	{{TOP_WRITE, 1, 0x7ffec3424278, 1}}},
    {TF_ARC, "100 3 0 1\n7 0 0 2\n", 1, {{TOP_READ, 1, 100 * 4096, 3 * 4096}}},
    {TF_SPC, "0,20941264,8192,W,0.551706\n1,2,1,r,0.5,x\n", 2,
	{{TOP_WRITE, 1, 20941264ULL * 512, 8192}, {TOP_READ, 1, 1024, 512}}},
    {TF_MSR, "128166372003061629,hm,1,Read,383496192,32768,4172\n", 1,
	{{TOP_READ, 1, 383496192, 32768}}},
    {TF_NATIVE,
	"#uvmtrace v1 pagesize=8192\nmmap 1 0x1000 0x2000 rw- "
	"private,anon\nfork 1 2\nW 2 0x1008 8\nR 1 4096\nexit 2\n",
	5,
	{{TOP_MMAP, 1, 0x1000, 0x2000}, {TOP_FORK, 1, 0, 0},
	    {TOP_WRITE, 2, 0x1008, 8}, {TOP_READ, 1, 4096, 1},
	    {TOP_EXIT, 2, 0, 0}}},
};

static void
t_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		struct parsed p, q;

		parse(&p, s->s_fmt, s->s_text, strlen(s->s_text), NULL);
		if (p.p_rc != 0)
			fail_msg(
			    "%s: %s", trace_format_name(s->s_fmt), p.p_err);
		assert_int_equal(p.p_tb.tb_n, s->s_nev);
		for (size_t j = 0; j < s->s_nev; j++)
			expect_ev(&p.p_tb.tb_ev[j], s->s_ev[j].op,
			    s->s_ev[j].as, s->s_ev[j].addr, s->s_ev[j].len);
		/* Detection finds the same format and events. */
		parse(&q, TF_AUTO, s->s_text, strlen(s->s_text), NULL);
		assert_int_equal(q.p_rc, 0);
		assert_int_equal(q.p_info.ti_format, s->s_fmt);
		assert_int_equal(q.p_tb.tb_n, p.p_tb.tb_n);
		trace_buf_free(&p.p_tb);
		trace_buf_free(&q.p_tb);
	}
}

static void
t_options(void **state)
{
	struct trace_ropts ro;
	struct parsed p;
	const char *lk = "I  04000000,3\n S 10,8\n";
	const char *f2 = "30000000 R\n00001000 W\n";
	const char *spc = "0,1,512,r,0\n1,2,512,w,0\n";
	const char *csv = "t;k;s;op\n1;foo;1;get\n2;bar;1;SET\n3;foo;1;get\n"
			  "4;12;1;get\n";

	(void)state;
	trace_ropts_init(&ro);
	ro.ro_no_ifetch = true;
	parse(&p, TF_LACKEY, lk, strlen(lk), &ro);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_tb.tb_n, 1);
	trace_buf_free(&p.p_tb);
	trace_ropts_init(&ro);
	ro.ro_split_procs = true;
	parse(&p, TF_VMSIM, f2, strlen(f2), &ro);
	assert_int_equal(p.p_tb.tb_ev[0].ev_as, 2);
	assert_int_equal(p.p_tb.tb_ev[1].ev_as, 1);
	trace_buf_free(&p.p_tb);
	trace_ropts_init(&ro);
	ro.ro_asu = 1;
	parse(&p, TF_SPC, spc, strlen(spc), &ro);
	assert_int_equal(p.p_tb.tb_n, 1);
	assert_int_equal(p.p_tb.tb_ev[0].ev_op, TOP_WRITE);
	trace_buf_free(&p.p_tb);
	/* F10: names become dense pages; numbers stay page numbers. */
	trace_ropts_init(&ro);
	assert_null(trace_csvspec_parse("time-col=1,obj-id-col=2,"
					"obj-size-col=3,op-col=4,"
					"delimiter=;,has-header=true",
	    &ro.ro_csv));
	ro.ro_csv_set = true;
	parse(&p, TF_AUTO, csv, strlen(csv), &ro);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_tb.tb_n, 4);
	assert_int_equal(p.p_tb.tb_ev[0].ev_addr, TRACE_DENSE_BASE * 4096);
	assert_int_equal(
	    p.p_tb.tb_ev[1].ev_addr, (TRACE_DENSE_BASE + 1) * 4096);
	assert_int_equal(p.p_tb.tb_ev[1].ev_op, TOP_WRITE);
	assert_int_equal(p.p_tb.tb_ev[2].ev_addr, p.p_tb.tb_ev[0].ev_addr);
	assert_int_equal(p.p_tb.tb_ev[3].ev_addr, 12 * 4096);
	trace_buf_free(&p.p_tb);
	assert_non_null(trace_csvspec_parse("op-col=2", &ro.ro_csv));
	assert_non_null(trace_csvspec_parse("obj-id-col=0", &ro.ro_csv));
	assert_non_null(trace_csvspec_parse("frob=1", &ro.ro_csv));
	assert_null(
	    trace_csvspec_parse("obj-id-col=1,delimiter=tab", &ro.ro_csv));
	assert_int_equal(ro.ro_csv.cs_delim, '\t');
}

struct bad {
	enum trace_format b_fmt;
	const char *b_text;
	const char *b_msg; /* expected in the message, after "mem:LINE: " */
	int b_line;
};

static const struct bad bads[] = {
    {TF_PAGES, "1\n2x\n", "bad page number \"2x\"", 2},
    {TF_PAGES, "1\nR\n", "bad page number \"R\"", 2},
    {TF_VMSIM, "0041f7a0 R\n0041f7a0\n", "truncated line", 2},
    {TF_VMSIM, "00zz R\n", "bad hex address \"00zz\"", 1},
    {TF_VMSIM, "0041f7a0 Q\n", "unknown operation \"Q\"", 1},
    {TF_LACKEY, " L\n", "truncated line", 1},
    {TF_LACKEY, " L 10,x\n", "bad \"<hex address>,<size>\" field", 1},
    {TF_LACKEY, "\n\n Z 10,4\n", "unknown operation \"Z\"", 3},
    {TF_UCSD, "s\n", "truncated line", 1},
    {TF_UCSD, "s 0x12 x\n", "bad instruction count \"x\"", 1},
    {TF_UCSD, "q 0x12 1\n", "unknown operation \"q\"", 1},
    {TF_PIN, "0x1: R\n", "truncated line", 1},
    {TF_PIN, "0x1: R 0xq\n", "bad address \"0xq\"", 1},
    {TF_PIN, "0x1: X 0x2\n", "unknown operation \"X\"", 1},
    {TF_ARC, "1 2 3\n", "truncated line", 1},
    {TF_ARC, "1 2 3 z\n", "bad request number \"z\"", 1},
    {TF_ARC, "1 2 3 4 5\n", "unexpected text", 1},
    {TF_SPC, "0,1,2\n", "truncated line", 1},
    {TF_SPC, "0,1,2x,r,0\n", "bad size \"2x\"", 1},
    {TF_SPC, "0,1,2,d,0\n", "unknown operation \"d\"", 1},
    {TF_MSR, "1,h,1,Read\n", "truncated line", 1},
    {TF_MSR, "1,h,1,Read,-5,1,1\n", "bad offset \"-5\"", 1},
    {TF_MSR, "1,h,1,Trim,0,1,1\n", "unknown operation \"Trim\"", 1},
    {TF_NATIVE, "#uvmtrace v1\nmmap 1 0 4096 rw-\n", "truncated line", 2},
    {TF_NATIVE, "#uvmtrace v1\nR 1 0x1g\n", "bad address \"0x1g\"", 2},
    {TF_NATIVE, "#uvmtrace v1\nfly 1 2\n", "unknown operation \"fly\"", 2},
    {TF_NATIVE, "#uvmtrace v1\nmmap 1 0 4096 rw- anon\n",
	"exactly one of shared and private", 2},
    {TF_NATIVE, "#uvmtrace v1\nmadvise 1 0 4096 maybe\n",
	"unknown advice \"maybe\"", 2},
    {TF_NATIVE, "#uvmtrace v1\nfork 3 3\n", "child is the parent", 2},
    {TF_NATIVE, "#uvmtrace v7\n", "unsupported trace version", 1},
    {TF_NATIVE, "#uvmtrace v1\nR 1 0 0\n", "bad access size", 2},
    {TF_PAGES, "1\n\0002\n", "NUL byte", 2},
};

static void
t_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		size_t n = strlen(b->b_text);
		char where[32];
		struct parsed p;

		if (strstr(b->b_msg, "NUL") != NULL)
			n = 5;
		parse(&p, b->b_fmt, b->b_text, n, NULL);
		snprintf(where, sizeof(where), "mem:%d: ", b->b_line);
		if (p.p_rc != TRACE_EINPUT ||
		    strncmp(p.p_err, where, strlen(where)) != 0 ||
		    strstr(p.p_err, b->b_msg) == NULL)
			fail_msg("case %zu (%s): rc %d, message \"%s\"", i,
			    trace_format_name(b->b_fmt), p.p_rc, p.p_err);
		/* The offending line is quoted at the end. */
		assert_int_equal(p.p_err[strlen(p.p_err) - 1], '"');
		trace_buf_free(&p.p_tb);
	}
}

static void
t_empty(void **state)
{
	(void)state;
	for (int f = TF_AUTO; f < TF_NFORMATS; f++) {
		struct trace_ropts ro;
		struct parsed p;

		trace_ropts_init(&ro);
		if (f == TF_CSV) {
			assert_null(
			    trace_csvspec_parse("obj-id-col=1", &ro.ro_csv));
			ro.ro_csv_set = true;
		}
		parse(&p, (enum trace_format)f, "", 0, &ro);
		assert_int_equal(p.p_rc, TRACE_EINPUT);
		assert_non_null(strstr(p.p_err, "mem: empty trace"));
		/* Only comments and blank lines: empty as well. */
		if (f != TF_PAGES_BIN && f != TF_ORACLE) {
			parse(&p, (enum trace_format)f, "# x\n\n", 5, &ro);
			assert_int_equal(p.p_rc, TRACE_EINPUT);
			assert_non_null(strstr(p.p_err, "empty trace"));
		}
		trace_buf_free(&p.p_tb);
	}
}

static void
t_binary(void **state)
{
	uint8_t u32[12] = {5, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
	uint8_t rec[24] = {0};
	struct parsed p;

	(void)state;
	parse(&p, TF_PAGES_BIN, u32, sizeof(u32), NULL);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_tb.tb_n, 3);
	expect_ev(&p.p_tb.tb_ev[0], TOP_READ, 1, 5 * 4096, 4096);
	trace_buf_free(&p.p_tb);
	parse(&p, TF_PAGES_BIN, u32, 10, NULL);
	assert_int_equal(p.p_rc, TRACE_EINPUT);
	assert_non_null(strstr(p.p_err, "mem: record 3 (byte 8): truncated"));
	trace_buf_free(&p.p_tb);
	/* oracleGeneral: next_access_vtime must point forward. */
	rec[16] = 0; /* next = 0 for record 0: invalid */
	parse(&p, TF_ORACLE, rec, sizeof(rec), NULL);
	assert_int_equal(p.p_rc, TRACE_EINPUT);
	assert_non_null(strstr(p.p_err, "bad next_access_vtime"));
	memset(rec + 16, 0xff, 8);
	parse(&p, TF_ORACLE, rec, sizeof(rec), NULL);
	assert_int_equal(p.p_rc, 0);
	trace_buf_free(&p.p_tb);
	parse(&p, TF_ORACLE, rec, 23, NULL);
	assert_non_null(strstr(p.p_err, "truncated record (23 of 24"));
	trace_buf_free(&p.p_tb);
}

static int
count_sink(void *arg, const struct trace_event *ev)
{
	(void)ev;
	(*(size_t *)arg)++;
	return 0;
}

/* Every generator: F11 written reads back as the very same events. */
static void
t_native_roundtrip(void **state)
{
	static const char *const kinds[] = {
	    "uniform", "zipf", "hotspot", "loop", "scan", "shell", "pressure"};
	struct trace_event extra[3];

	(void)state;
	memset(extra, 0, sizeof(extra));
	extra[0].ev_op = TOP_MSYNC;
	extra[0].ev_as = 4;
	extra[0].ev_addr = 0x2000;
	extra[0].ev_len = 0x1000;
	extra[1] = extra[0];
	extra[1].ev_op = TOP_MADVISE;
	extra[1].ev_flags = TADV_DONTNEED;
	extra[2] = extra[0];
	extra[2].ev_op = TOP_MPROTECT;
	extra[2].ev_prot = TPROT_READ | TPROT_EXEC;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct gen_params gp;
		struct trace_buf tb;
		struct parsed p;
		char *text, err[200];
		size_t len, n1 = 0, n2 = 0;
		FILE *f;

		memset(&tb, 0, sizeof(tb));
		gen_defaults(&gp);
		gp.gp_kind = kinds[k];
		gp.gp_pages = 64;
		gp.gp_count = 3000;
		gp.gp_procs = 5;
		gp.gp_seed = 9;
		assert_int_equal(
		    gen_run(&gp, trace_buf_sink, &tb, err, sizeof(err)), 0);
		/* Same seed, same trace; another seed, another trace. */
		assert_int_equal(
		    gen_run(&gp, count_sink, &n1, err, sizeof(err)), 0);
		assert_int_equal(n1, tb.tb_n);
		for (int e = 0; e < 3; e++)
			trace_buf_sink(&tb, &extra[e]);
		f = open_memstream(&text, &len);
		trace_write_header(f, 4096, "test");
		for (size_t i = 0; i < tb.tb_n; i++)
			trace_write_event(f, &tb.tb_ev[i]);
		fclose(f);
		parse(&p, TF_AUTO, text, len, NULL);
		if (p.p_rc != 0)
			fail_msg("%s: %s", kinds[k], p.p_err);
		assert_int_equal(p.p_info.ti_format, TF_NATIVE);
		assert_int_equal(p.p_tb.tb_n, tb.tb_n);
		assert_memory_equal(p.p_tb.tb_ev, tb.tb_ev,
		    tb.tb_n * sizeof(struct trace_event));
		/* Another seed gives another trace. */
		gp.gp_seed = 10;
		trace_buf_free(&p.p_tb);
		assert_int_equal(
		    gen_run(&gp, trace_buf_sink, &p.p_tb, err, sizeof(err)), 0);
		n2 = p.p_tb.tb_n < n1 ? p.p_tb.tb_n : n1;
		assert_true(memcmp(p.p_tb.tb_ev, tb.tb_ev,
				n2 * sizeof(struct trace_event)) != 0);
		free(text);
		trace_buf_free(&tb);
		trace_buf_free(&p.p_tb);
	}
}

static void
t_oracle_writer(void **state)
{
	struct sim_rng rng;
	struct refstr rs;
	struct parsed p;
	uint8_t *data;
	size_t len, n = 2000;
	FILE *f;

	(void)state;
	sim_rng_seed(&rng, 5);
	refstr_init(&rs, 4096, 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(
		    refstr_add(&rs, 1, sim_rng_below(&rng, 100), false), 0);
	f = open_memstream((char **)&data, &len);
	refstr_write_oracle(&rs, f);
	fclose(f);
	assert_int_equal(len, n * 24);
	for (size_t i = 0; i < n; i++) {
		int64_t next, want = -1;
		uint64_t obj;

		memcpy(&obj, data + i * 24 + 4, 8);
		memcpy(&next, data + i * 24 + 16, 8);
		assert_int_equal(obj, rs.rs_vpn[rs.rs_ref[i] & RS_IDMASK]);
		for (size_t j = i + 1; j < n; j++) {
			uint64_t o2;

			memcpy(&o2, data + j * 24 + 4, 8);
			if (o2 == obj) {
				want = (int64_t)j;
				break;
			}
		}
		assert_int_equal(next, want);
	}
	parse(&p, TF_AUTO, data, len, NULL);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_info.ti_format, TF_ORACLE);
	assert_int_equal(p.p_tb.tb_n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p.p_tb.tb_ev[i].ev_addr / 4096,
		    rs.rs_vpn[rs.rs_ref[i] & RS_IDMASK]);
	trace_buf_free(&p.p_tb);
	free(data);
	refstr_free(&rs);
}

static size_t
gzip_mem(const char *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(
	    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

static void
t_compressed(void **state)
{
	static char text[200000];
	static uint8_t gz[400000], zs[400000];
	struct parsed p;
	size_t n = 0, g1, g2, zn;

	(void)state;
	for (int i = 0; i < 10000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%08x %c\n",
		    i * 4096, i % 3 ? 'R' : 'W');
	/* Two gzip members back to back: both are read. */
	g1 = gzip_mem(text, n / 2 - (n / 2) % 11, gz, sizeof(gz));
	g2 = gzip_mem(text + n / 2 - (n / 2) % 11, n - (n / 2 - (n / 2) % 11),
	    gz + g1, sizeof(gz) - g1);
	parse(&p, TF_AUTO, gz, g1 + g2, NULL);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_info.ti_codec, TC_GZIP);
	assert_int_equal(p.p_tb.tb_n, 10000);
	trace_buf_free(&p.p_tb);
	parse(&p, TF_AUTO, gz, g1 + g2 / 2, NULL);
	assert_int_equal(p.p_rc, TRACE_EINPUT);
	assert_non_null(strstr(p.p_err, "truncated gzip"));
	trace_buf_free(&p.p_tb);
	zn = ZSTD_compress(zs, sizeof(zs), text, n, 3);
	assert_false(ZSTD_isError(zn));
	parse(&p, TF_AUTO, zs, zn, NULL);
	assert_int_equal(p.p_rc, 0);
	assert_int_equal(p.p_info.ti_codec, TC_ZSTD);
	assert_int_equal(p.p_tb.tb_n, 10000);
	trace_buf_free(&p.p_tb);
	parse(&p, TF_AUTO, zs, zn - 7, NULL);
	assert_int_equal(p.p_rc, TRACE_EINPUT);
	assert_non_null(strstr(p.p_err, "zstd"));
	trace_buf_free(&p.p_tb);
	/* Corrupt gzip data. */
	memset(gz + 20, 0xa5, 40);
	parse(&p, TF_AUTO, gz, g1 + g2, NULL);
	assert_int_equal(p.p_rc, TRACE_EINPUT);
	trace_buf_free(&p.p_tb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_samples),
	    cmocka_unit_test(t_options),
	    cmocka_unit_test(t_malformed),
	    cmocka_unit_test(t_empty),
	    cmocka_unit_test(t_binary),
	    cmocka_unit_test(t_native_roundtrip),
	    cmocka_unit_test(t_oracle_writer),
	    cmocka_unit_test(t_compressed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
