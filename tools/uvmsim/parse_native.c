/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_native.c: the reader of F11, libuvm's own event trace.
 *
 *	#uvmtrace v1 pagesize=4096
 *	mmap <as> <addr> <len> <prot> <flags> [<file-id> <offset>]
 *	munmap|mlock|munlock <as> <addr> <len>
 *	mprotect <as> <addr> <len> <prot>
 *	madvise <as> <addr> <len> <advice>
 *	msync <as> <addr> <len> <flags>
 *	fork <parent-as> <child-as>
 *	exec <as>
 *	exit <as>
 *	R|W|X <as> <addr> [<size>]
 *
 * Address spaces are decimal; addresses, lengths and offsets are 0x-hex or
 * decimal.  prot is "rwx" with '-' for absent rights (or "none"); mmap
 * flags are a comma list of shared|private, anon and fixed; advice is
 * normal|random|sequential|willneed|dontneed|free; msync flags a comma
 * list of async, sync and invalidate.  '#' lines after the header are
 * comments.  Unknown header settings are ignored so that a v1 reader
 * accepts files written by later v1 writers.
 */
#include <string.h>

#include "parse.h"

struct native_op {
	const char *no_kw;
	int no_op;
	unsigned no_min, no_max; /* fields after the keyword */
	const char *no_syntax;
};

static const struct native_op native_ops[] = {
    {"R", TOP_READ, 2, 3, "R <as> <addr> [<size>]"},
    {"W", TOP_WRITE, 2, 3, "W <as> <addr> [<size>]"},
    {"X", TOP_EXEC, 2, 3, "X <as> <addr> [<size>]"},
    {"mmap", TOP_MMAP, 5, 7,
	"mmap <as> <addr> <len> <prot> <flags> [<file-id> <offset>]"},
    {"munmap", TOP_MUNMAP, 3, 3, "munmap <as> <addr> <len>"},
    {"mprotect", TOP_MPROTECT, 4, 4, "mprotect <as> <addr> <len> <prot>"},
    {"madvise", TOP_MADVISE, 4, 4, "madvise <as> <addr> <len> <advice>"},
    {"msync", TOP_MSYNC, 4, 4, "msync <as> <addr> <len> <flags>"},
    {"mlock", TOP_MLOCK, 3, 3, "mlock <as> <addr> <len>"},
    {"munlock", TOP_MUNLOCK, 3, 3, "munlock <as> <addr> <len>"},
    {"fork", TOP_FORK, 2, 2, "fork <parent-as> <child-as>"},
    {"exec", TOP_EXEC_AS, 1, 1, "exec <as>"},
    {"exit", TOP_EXIT, 1, 1, "exit <as>"},
};

static const char *const native_advice[TADV_NADVICE] = {
    "normal", "random", "sequential", "willneed", "dontneed", "free"};

static bool
native_prot(const struct sim_tok *t, uint8_t *prot)
{
	uint64_t v;

	*prot = 0;
	if (sim_tok_eq(t, "none"))
		return true;
	if (sim_parse_dec(t->tk_p, t->tk_n, &v))
		return v <= 7 ? (*prot = (uint8_t)v, true) : false;
	if (t->tk_n == 0 || t->tk_n > 3)
		return false;
	for (size_t i = 0; i < t->tk_n; i++) {
		uint8_t bit;

		switch (t->tk_p[i]) {
		case 'r':
			bit = TPROT_READ;
			break;
		case 'w':
			bit = TPROT_WRITE;
			break;
		case 'x':
			bit = TPROT_EXEC;
			break;
		case '-':
			continue;
		default:
			return false;
		}
		if (*prot & bit)
			return false;
		*prot |= bit;
	}
	return true;
}

/* A comma list of words, each giving a bit; false on an unknown word. */
static bool
native_wordbits(const struct sim_tok *t, const char *const *words,
    const unsigned *bits, size_t n, uint16_t *out)
{
	struct sim_tok w[16];
	size_t nw = sim_split_ch(t->tk_p, t->tk_n, ',', w, 16);

	*out = 0;
	if (sim_tok_eq(t, "none"))
		return true;
	if (nw > 16)
		return false;
	for (size_t i = 0; i < nw; i++) {
		size_t j;

		for (j = 0; j < n; j++)
			if (sim_tok_eq(&w[i], words[j]))
				break;
		if (j == n)
			return false;
		*out |= (uint16_t)bits[j];
	}
	return true;
}

static int
native_header(struct trace_reader *rd, const struct sim_tok *tk, size_t nt)
{
	char b[100];

	if (nt < 2 || !sim_tok_eq(&tk[1], "v1"))
		return rd_fail(rd,
		    "unsupported trace version \"%s\" "
		    "(this reader knows v1)",
		    nt < 2 ? "" : rd_tok(&tk[1], b, sizeof(b)));
	for (size_t i = 2; i < nt && i < 16; i++) {
		uint64_t ps;

		if (tk[i].tk_n > 9 && memcmp(tk[i].tk_p, "pagesize=", 9) == 0) {
			if (!sim_parse_num(
				tk[i].tk_p + 9, tk[i].tk_n - 9, &ps) ||
			    ps < 512 || ps > (1u << 30) || (ps & (ps - 1)))
				return rd_fail(rd, "bad page size \"%s\"",
				    rd_tok(&tk[i], b, sizeof(b)));
			rd->rd_info->ti_pagesize = ps;
		}
	}
	return 0;
}

/* Fields common to the range operations: <as> <addr> <len>. */
static int
native_range(
    struct trace_reader *rd, const struct sim_tok *tk, struct trace_event *ev)
{
	char b[100];

	if (!sim_parse_num(tk[2].tk_p, tk[2].tk_n, &ev->ev_addr))
		return rd_fail(
		    rd, "bad address \"%s\"", rd_tok(&tk[2], b, sizeof(b)));
	if (!sim_parse_num(tk[3].tk_p, tk[3].tk_n, &ev->ev_len))
		return rd_fail(
		    rd, "bad length \"%s\"", rd_tok(&tk[3], b, sizeof(b)));
	if (ev->ev_len == 0 || ev->ev_addr > UINT64_MAX - (ev->ev_len - 1))
		return rd_fail(rd, "bad range: length %s",
		    ev->ev_len == 0 ? "zero" : "past the end of the space");
	return 0;
}

static int
native_line(struct trace_reader *rd, const struct native_op *no,
    const struct sim_tok *tk, size_t nt)
{
	static const char *const mflags[] = {
	    "shared", "private", "anon", "fixed"};
	static const unsigned mbits[] = {
	    TMAP_SHARED, TMAP_PRIVATE, TMAP_ANON, TMAP_FIXED};
	static const char *const sflags[] = {"async", "sync", "invalidate"};
	static const unsigned sbits[] = {
	    TSYNC_ASYNC, TSYNC_SYNC, TSYNC_INVALIDATE};
	struct trace_event ev;
	uint64_t v;
	char b[100];
	int error;

	memset(&ev, 0, sizeof(ev));
	ev.ev_op = (uint8_t)no->no_op;
	if (!sim_parse_dec(tk[1].tk_p, tk[1].tk_n, &v) || v > UINT32_MAX)
		return rd_fail(rd, "bad address space \"%s\"",
		    rd_tok(&tk[1], b, sizeof(b)));
	ev.ev_as = (uint32_t)v;
	switch (no->no_op) {
	case TOP_READ:
	case TOP_WRITE:
	case TOP_EXEC:
		if (!sim_parse_num(tk[2].tk_p, tk[2].tk_n, &ev.ev_addr))
			return rd_fail(rd, "bad address \"%s\"",
			    rd_tok(&tk[2], b, sizeof(b)));
		ev.ev_len = 1;
		if (nt == 4 &&
		    (!sim_parse_num(tk[3].tk_p, tk[3].tk_n, &ev.ev_len) ||
			ev.ev_len == 0 || ev.ev_len > UINT32_MAX))
			return rd_fail(rd, "bad access size \"%s\"",
			    rd_tok(&tk[3], b, sizeof(b)));
		if (ev.ev_addr > UINT64_MAX - (ev.ev_len - 1))
			return rd_fail(rd, "access past the end of the space");
		break;
	case TOP_FORK:
		if (!sim_parse_dec(tk[2].tk_p, tk[2].tk_n, &v) ||
		    v > UINT32_MAX)
			return rd_fail(rd, "bad child address space \"%s\"",
			    rd_tok(&tk[2], b, sizeof(b)));
		if (v == ev.ev_as)
			return rd_fail(rd, "fork: child is the parent");
		ev.ev_as2 = (uint32_t)v;
		break;
	case TOP_EXEC_AS:
	case TOP_EXIT:
		break;
	default:
		if ((error = native_range(rd, tk, &ev)) != 0)
			return error;
		break;
	}
	switch (no->no_op) {
	case TOP_MMAP:
		if (!native_prot(&tk[4], &ev.ev_prot))
			return rd_fail(rd, "bad protection \"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		if (!native_wordbits(&tk[5], mflags, mbits, 4, &ev.ev_flags))
			return rd_fail(rd,
			    "bad mmap flags \"%s\" (shared, "
			    "private, anon, fixed)",
			    rd_tok(&tk[5], b, sizeof(b)));
		if (!(ev.ev_flags & TMAP_SHARED) ==
		    !(ev.ev_flags & TMAP_PRIVATE))
			return rd_fail(rd,
			    "mmap needs exactly one of shared "
			    "and private");
		if (nt == 7)
			return rd_fail(rd,
			    "truncated line: a file mapping "
			    "needs <file-id> <offset>");
		if (nt == 8) {
			if (ev.ev_flags & TMAP_ANON)
				return rd_fail(rd, "anon mapping with a file");
			if (!sim_parse_dec(tk[6].tk_p, tk[6].tk_n, &v) ||
			    v == 0 || v > UINT32_MAX)
				return rd_fail(rd, "bad file id \"%s\"",
				    rd_tok(&tk[6], b, sizeof(b)));
			ev.ev_file = (uint32_t)v;
			if (!sim_parse_num(tk[7].tk_p, tk[7].tk_n, &ev.ev_off))
				return rd_fail(rd, "bad file offset \"%s\"",
				    rd_tok(&tk[7], b, sizeof(b)));
		} else if (!(ev.ev_flags & TMAP_ANON)) {
			return rd_fail(rd,
			    "mmap without anon needs "
			    "<file-id> <offset>");
		}
		break;
	case TOP_MPROTECT:
		if (!native_prot(&tk[4], &ev.ev_prot))
			return rd_fail(rd, "bad protection \"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		break;
	case TOP_MADVISE:
		for (v = 0; v < TADV_NADVICE; v++)
			if (sim_tok_eq(&tk[4], native_advice[v]))
				break;
		if (v == TADV_NADVICE)
			return rd_fail(rd, "unknown advice \"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		ev.ev_flags = (uint16_t)v;
		break;
	case TOP_MSYNC:
		if (!native_wordbits(&tk[4], sflags, sbits, 3, &ev.ev_flags))
			return rd_fail(rd, "bad msync flags \"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		break;
	default:
		break;
	}
	return rd_emit(rd, &ev);
}

int
parse_native(struct trace_reader *rd)
{
	struct sim_tok tk[10];
	bool first = true;
	char b[100];
	int r, error;

	while ((r = rd_next(rd, false)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 10);
		const struct native_op *no = NULL;

		if (first && sim_tok_eq(&tk[0], "#uvmtrace")) {
			first = false;
			if ((error = native_header(rd, tk, nt)) != 0)
				return error;
			continue;
		}
		first = false;
		if (tk[0].tk_p[0] == '#')
			continue;
		for (size_t i = 0;
		     i < sizeof(native_ops) / sizeof(native_ops[0]); i++)
			if (sim_tok_eq(&tk[0], native_ops[i].no_kw))
				no = &native_ops[i];
		if (no == NULL)
			return rd_fail(rd, "unknown operation \"%s\"",
			    rd_tok(&tk[0], b, sizeof(b)));
		if (nt - 1 < no->no_min)
			return rd_fail(rd, "truncated line: expected \"%s\"",
			    no->no_syntax);
		if (nt - 1 > no->no_max)
			return rd_fail(rd,
			    "unexpected text after \"%s\": "
			    "\"%s\"",
			    no->no_syntax,
			    rd_tok(&tk[no->no_max + 1], b, sizeof(b)));
		if ((error = native_line(rd, no, tk, nt)) != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}
