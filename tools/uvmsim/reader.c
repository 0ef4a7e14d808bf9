/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reader.c: the trace-reading entry points, the format table, and the
 * helpers every parser uses (lines, errors, event emission, page numbers,
 * dense renumbering of object identifiers).
 *
 * Error messages always name the input, the line (or binary record) and
 * the offending text, so that a user can find the problem with an editor:
 *	trace.txt:3: unknown operation "Q": "0041f7a0 Q"
 * Every reader error is TRACE_EINPUT; the command maps it to exit status 2.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

struct trace_fmtdesc {
	enum trace_format fd_id;
	const char *fd_name;    /* canonical name */
	const char *fd_aliases; /* comma-separated */
	const char *fd_desc;
	int (*fd_parse)(struct trace_reader *);
};

static const struct trace_fmtdesc trace_fmts[] = {
    {TF_PAGES, "pages", "f1,lirs,trc,ostep,blocks,txt",
	"F1 page/block numbers, one decimal per line (LIRS .trc, OSTEP)",
	parse_pages},
    {TF_PAGES_BIN, "pages-bin", "f1b,f1-bin,lirs-bin,u32",
	"F1 binary: uint32 little-endian block numbers", parse_pages_bin},
    {TF_VMSIM, "vmsim", "f2,spec,memsim",
	"F2 \"<hex address> R|W\" (Pitt vmsim SPEC traces)", parse_vmsim},
    {TF_LACKEY, "lackey", "f3,valgrind,cachelab",
	"F3 valgrind --tool=lackey --trace-mem=yes", parse_lackey},
    {TF_UCSD, "ucsd", "f4,address,cse240a",
	"F4 \"l|s 0x<address> <n>\" (UCSD CSE240A, Caffeine address)",
	parse_ucsd},
    {TF_PIN, "pin", "f5,pinatrace",
	"F5 Intel Pin pinatrace \"0x<ip>: R|W 0x<address>\"", parse_pin},
    {TF_ARC, "arc", "f6,lis",
	"F6 ARC \"<start> <count> <ignored> <request>\" block runs", parse_arc},
    {TF_SPC, "spc", "f7,umass",
	"F7 UMass/SPC \"ASU,LBA,Size,Opcode,Timestamp\"", parse_spc},
    {TF_MSR, "msr", "f8,snia",
	"F8 SNIA MSR Cambridge \"Timestamp,Host,Disk,Type,Offset,Size,"
	"Response\"",
	parse_msr},
    {TF_ORACLE, "oracle", "f9,oraclegeneral,libcachesim",
	"F9 libCacheSim oracleGeneral, 24-byte binary records", parse_oracle},
    {TF_CSV, "csv", "f10", "F10 CSV/TXT with a column map (--csv)", parse_csv},
    {TF_NATIVE, "uvmtrace", "f11,native",
	"F11 libuvm event trace \"#uvmtrace v1\"", parse_native},
};
#define NFMTS (sizeof(trace_fmts) / sizeof(trace_fmts[0]))

static const struct trace_fmtdesc *
trace_fmt(enum trace_format f)
{
	for (size_t i = 0; i < NFMTS; i++)
		if (trace_fmts[i].fd_id == f)
			return &trace_fmts[i];
	return NULL;
}

enum trace_format
trace_format_lookup(const char *name)
{
	size_t n = strlen(name);

	if (strcasecmp(name, "auto") == 0)
		return TF_AUTO;
	for (size_t i = 0; i < NFMTS; i++) {
		const char *a = trace_fmts[i].fd_aliases;

		if (strcasecmp(name, trace_fmts[i].fd_name) == 0)
			return trace_fmts[i].fd_id;
		while (*a != '\0') {
			size_t l = strcspn(a, ",");

			if (l == n && strncasecmp(a, name, n) == 0)
				return trace_fmts[i].fd_id;
			a += l + (a[l] == ',');
		}
	}
	return TF_NFORMATS;
}

const char *
trace_format_name(enum trace_format f)
{
	const struct trace_fmtdesc *d = trace_fmt(f);

	return d != NULL ? d->fd_name : "auto";
}

const char *
trace_format_desc(enum trace_format f)
{
	const struct trace_fmtdesc *d = trace_fmt(f);

	return d != NULL ? d->fd_desc : "detect the format";
}

void
trace_formats_print(FILE *f)
{
	for (size_t i = 0; i < NFMTS; i++)
		fprintf(f, "  %-10s %s\n  %-10s (also: %s)\n",
		    trace_fmts[i].fd_name, trace_fmts[i].fd_desc, "",
		    trace_fmts[i].fd_aliases);
}

const char *
trace_codec_name(enum trace_codec c)
{
	return c == TC_GZIP ? "gzip" : c == TC_ZSTD ? "zstd" : "plain";
}

const char *
trace_op_name(int op)
{
	static const char *const names[TOP_NOPS] = {"R", "W", "X", "mmap",
	    "munmap", "mprotect", "madvise", "msync", "mlock", "munlock",
	    "fork", "exec", "exit"};

	return op >= 0 && op < TOP_NOPS ? names[op] : "?";
}

void
trace_ropts_init(struct trace_ropts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->ro_format = TF_AUTO;
	ro->ro_pagesize = 4096;
	ro->ro_asu = -1;
	ro->ro_csv.cs_delim = ',';
}

/*
 * trace_csvspec_parse: the libCacheSim-style column map,
 * "time-col=1,obj-id-col=2,obj-size-col=3,op-col=4,delimiter=,,has-header=1".
 * => "delimiter=" takes the next character literally (so "delimiter=," is
 *    a comma), or one of the words comma, tab, space, semicolon, pipe.
 * => returns NULL on success, else a static message.
 */
const char *
trace_csvspec_parse(const char *s, struct trace_csvspec *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->cs_delim = ',';
	while (*s != '\0') {
		const char *eq = strchr(s, '='), *v;
		size_t kl, vl;
		uint64_t n;
		unsigned *col = NULL;

		while (*s == ' ')
			s++;
		if (eq == NULL)
			return "expected key=value";
		kl = (size_t)(eq - s);
		v = eq + 1;
		if (kl == 9 && strncmp(s, "delimiter", kl) == 0) {
			static const struct {
				const char *w;
				char c;
			} words[] = {{"comma", ','}, {"tab", '\t'},
			    {"space", ' '}, {"semicolon", ';'}, {"pipe", '|'}};

			vl = 1;
			cs->cs_delim = *v;
			for (size_t i = 0; i < 5; i++) {
				size_t wl = strlen(words[i].w);

				if (strncmp(v, words[i].w, wl) == 0 &&
				    (v[wl] == ',' || v[wl] == '\0')) {
					cs->cs_delim = words[i].c;
					vl = wl;
				}
			}
			if (*v == '\0')
				return "delimiter= needs a character";
			s = v + vl;
		} else {
			vl = strcspn(v, ",");
			if (kl == 8 && strncmp(s, "time-col", kl) == 0)
				col = &cs->cs_time;
			else if (kl == 10 && strncmp(s, "obj-id-col", kl) == 0)
				col = &cs->cs_id;
			else if (kl == 12 &&
			    strncmp(s, "obj-size-col", kl) == 0)
				col = &cs->cs_size;
			else if (kl == 6 && strncmp(s, "op-col", kl) == 0)
				col = &cs->cs_op;
			if (col != NULL) {
				if (!sim_parse_dec(v, vl, &n) || n == 0 ||
				    n > 1024)
					return "column numbers are 1..1024";
				*col = (unsigned)n;
			} else if (kl == 10 &&
			    strncmp(s, "has-header", kl) == 0) {
				if ((vl == 4 && strncmp(v, "true", 4) == 0) ||
				    (vl == 1 && *v == '1'))
					cs->cs_header = true;
				else if ((vl == 5 && !strncmp(v, "false", 5)) ||
				    (vl == 1 && *v == '0'))
					cs->cs_header = false;
				else
					return "has-header takes true or false";
			} else {
				return "unknown key (time-col, obj-id-col, "
				       "obj-size-col, op-col, delimiter, "
				       "has-header)";
			}
			s = v + vl;
		}
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return "expected ',' between settings";
	}
	if (cs->cs_id == 0)
		return "obj-id-col is required";
	return NULL;
}

uint64_t
idmap_get(struct idmap *m, uint64_t key)
{
	size_t i;

	if (m->im_n * 2 >= m->im_cap) {
		size_t ncap = m->im_cap != 0 ? m->im_cap * 2 : 1024;
		uint64_t *nk = sim_calloc(ncap, sizeof(*nk));
		uint64_t *nv = sim_calloc(ncap, sizeof(*nv));

		/* Keys are stored +1 so that 0 marks an empty slot. */
		for (size_t j = 0; j < m->im_cap; j++) {
			if (m->im_key[j] == 0)
				continue;
			i = (size_t)((m->im_key[j] * 0x9e3779b97f4a7c15ULL) >>
				20) &
			    (ncap - 1);
			while (nk[i] != 0)
				i = (i + 1) & (ncap - 1);
			nk[i] = m->im_key[j];
			nv[i] = m->im_val[j];
		}
		free(m->im_key);
		free(m->im_val);
		m->im_key = nk;
		m->im_val = nv;
		m->im_cap = ncap;
	}
	i = (size_t)(((key + 1) * 0x9e3779b97f4a7c15ULL) >> 20) &
	    (m->im_cap - 1);
	while (m->im_key[i] != 0) {
		if (m->im_key[i] == key + 1)
			return m->im_val[i];
		i = (i + 1) & (m->im_cap - 1);
	}
	m->im_key[i] = key + 1;
	m->im_val[i] = m->im_n++;
	return m->im_val[i];
}

void
idmap_free(struct idmap *m)
{
	free(m->im_key);
	free(m->im_val);
	memset(m, 0, sizeof(*m));
}

int
rd_next(struct trace_reader *rd, bool skip_hash)
{
	const char *line;
	size_t len, i;
	int r;

	for (;;) {
		r = tin_getline(rd->rd_in, &line, &len);
		if (r <= 0)
			return r;
		rd->rd_lineno++;
		rd->rd_info->ti_records++;
		rd->rd_line = line;
		rd->rd_linelen = len;
		if (memchr(line, '\0', len) != NULL) {
			rd_fail(rd,
			    "NUL byte in a text line (a binary file? "
			    "see --format)");
			return -1;
		}
		for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
			continue;
		if (i == len || (skip_hash && line[i] == '#'))
			continue;
		return 1;
	}
}

int
rd_fail(struct trace_reader *rd, const char *fmt, ...)
{
	char q[400], msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_quote(rd->rd_line, rd->rd_linelen, q, sizeof(q));
	tin_fail_line(rd->rd_in, rd->rd_lineno, "%s: \"%s\"", msg, q);
	return TRACE_EINPUT;
}

int
rd_fail_rec(
    struct trace_reader *rd, uint64_t rec, size_t recsz, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tin_fail(rd->rd_in, "record %llu (byte %llu): %s",
	    (unsigned long long)rec + 1, (unsigned long long)(rec * recsz),
	    msg);
	return TRACE_EINPUT;
}

const char *
rd_tok(const struct sim_tok *t, char *buf, size_t len)
{
	sim_quote(t->tk_p, t->tk_n, buf, len);
	return buf;
}

int
rd_field_dec(struct trace_reader *rd, const struct sim_tok *tk,
    const char *what, uint64_t *vp)
{
	char b[100];

	if (sim_parse_dec(tk->tk_p, tk->tk_n, vp))
		return 0;
	return rd_fail(rd, "bad %s \"%s\"", what, rd_tok(tk, b, sizeof(b)));
}

int
rd_emit(struct trace_reader *rd, const struct trace_event *ev)
{
	rd->rd_info->ti_events++;
	if (trace_op_access_p(ev->ev_op))
		rd->rd_info->ti_accesses++;
	return rd->rd_sink(rd->rd_arg, ev) != 0 ? TRACE_ESINK : 0;
}

int
rd_access(
    struct trace_reader *rd, int op, uint32_t as, uint64_t addr, uint64_t len)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)op;
	ev.ev_as = as;
	ev.ev_addr = addr;
	ev.ev_len = len != 0 ? len : 1;
	return rd_emit(rd, &ev);
}

bool
rd_page_addr(
    struct trace_reader *rd, uint64_t page, uint64_t npages, uint64_t *addr)
{
	uint64_t ps = rd->rd_opts->ro_pagesize;

	if (page > UINT64_MAX / ps || npages > UINT64_MAX / ps ||
	    page * ps > UINT64_MAX - npages * ps)
		return false;
	*addr = page * ps;
	return true;
}

uint64_t
rd_object_page(struct trace_reader *rd, uint64_t id)
{
	if (id < TRACE_DENSE_BASE)
		return id;
	return TRACE_DENSE_BASE + idmap_get(&rd->rd_ids, id);
}

static int
trace_read_in(struct tin *in, const struct trace_ropts *ro, trace_sink_fn sink,
    void *arg, struct trace_info *info)
{
	const struct trace_fmtdesc *fd;
	struct trace_reader rd;
	enum trace_format f = ro->ro_format;
	const uint8_t *p;
	size_t n;
	int error;

	if (ro->ro_pagesize == 0 ||
	    (ro->ro_pagesize & (ro->ro_pagesize - 1)) != 0) {
		tin_fail(in, "page size %llu is not a power of two",
		    (unsigned long long)ro->ro_pagesize);
		return TRACE_EINPUT;
	}
	if (tin_peek(in, 64 * 1024, &p, &n) != 0)
		return TRACE_EINPUT;
	if (n == 0) {
		tin_fail(in, "empty trace (no events)");
		return TRACE_EINPUT;
	}
	if (f == TF_AUTO && ro->ro_csv_set)
		f = TF_CSV;
	if (f == TF_AUTO)
		f = detect_format(p, n, n < 64 * 1024, tin_name(in));
	if (f == TF_AUTO) {
		char q[200];
		size_t l = 0;

		while (l < n && l < 80 && p[l] != '\n')
			l++;
		sim_quote((const char *)p, l, q, sizeof(q));
		tin_fail(in,
		    "cannot recognise the trace format (first "
		    "line: \"%s\"); name it with --format",
		    q);
		return TRACE_EINPUT;
	}
	if (f == TF_CSV && !ro->ro_csv_set) {
		tin_fail(in,
		    "the csv format needs a column map (--csv "
		    "obj-id-col=N,...)");
		return TRACE_EINPUT;
	}
	fd = trace_fmt(f);
	memset(&rd, 0, sizeof(rd));
	rd.rd_in = in;
	rd.rd_opts = ro;
	rd.rd_sink = sink;
	rd.rd_arg = arg;
	rd.rd_info = info;
	info->ti_format = f;
	info->ti_codec = tin_codec(in);
	error = fd->fd_parse(&rd);
	if (error == 0 && tin_failed_p(in))
		error = TRACE_EINPUT;
	if (error == 0 && info->ti_events == 0) {
		tin_fail(in, "empty trace (no events)");
		error = TRACE_EINPUT;
	}
	idmap_free(&rd.rd_ids);
	return error;
}

int
trace_read_file(const char *path, const struct trace_ropts *ro,
    trace_sink_fn sink, void *arg, struct trace_info *info, char *err,
    size_t errlen)
{
	struct tin *in;
	int error;

	memset(info, 0, sizeof(*info));
	if (tin_open_file(&in, path, ro->ro_maxbytes, err, errlen) != 0)
		return TRACE_EINPUT;
	error = trace_read_in(in, ro, sink, arg, info);
	tin_close(in);
	return error;
}

int
trace_read_mem(const char *name, const void *p, size_t n,
    const struct trace_ropts *ro, trace_sink_fn sink, void *arg,
    struct trace_info *info, char *err, size_t errlen)
{
	struct tin *in;
	int error;

	memset(info, 0, sizeof(*info));
	if (tin_open_mem(&in, name, p, n, ro->ro_maxbytes, err, errlen) != 0)
		return TRACE_EINPUT;
	error = trace_read_in(in, ro, sink, arg, info);
	tin_close(in);
	return error;
}

int
trace_buf_sink(void *arg, const struct trace_event *ev)
{
	struct trace_buf *tb = arg;

	if (tb->tb_n == tb->tb_cap) {
		tb->tb_cap = tb->tb_cap != 0 ? tb->tb_cap * 2 : 256;
		tb->tb_ev =
		    sim_reallocarray(tb->tb_ev, tb->tb_cap, sizeof(*tb->tb_ev));
	}
	tb->tb_ev[tb->tb_n++] = *ev;
	return 0;
}

void
trace_buf_free(struct trace_buf *tb)
{
	free(tb->tb_ev);
	memset(tb, 0, sizeof(*tb));
}
