/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_text.c: readers for the line-oriented memory-access formats:
 * F1 page numbers, F2 vmsim "addr R|W", F3 valgrind lackey, F4 UCSD
 * "l|s 0xaddr n", F5 Pin pinatrace, F6 ARC block runs.
 *
 * Each reader is strict about what it accepts (every field checked, no
 * trailing junk), because a silently misparsed trace gives believable but
 * wrong miss ratios.  The accepted shapes and their lowering to events are
 * in trace-formats.md; the comments here only note choices made where the
 * original tools disagree.
 */
#include <string.h>

#include "parse.h"

/* F1: one decimal page number per line; "*" is a LIRS checkpoint. */
int
parse_pages(struct trace_reader *rd)
{
	struct sim_tok tk[2];
	char b[100];
	uint64_t page, addr;
	int r, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 2);

		if (sim_tok_eq(&tk[0], "*") && nt == 1)
			continue; /* checkpoint marker: skipped */
		if ((error = rd_field_dec(rd, &tk[0], "page number", &page)) !=
		    0)
			return error;
		if (nt > 1)
			return rd_fail(rd,
			    "unexpected text after the page "
			    "number: \"%s\"",
			    rd_tok(&tk[1], b, sizeof(b)));
		if (!rd_page_addr(rd, page, 1, &addr))
			return rd_fail(rd, "page number %s out of range",
			    rd_tok(&tk[0], b, sizeof(b)));
		error =
		    rd_access(rd, TOP_READ, 1, addr, rd->rd_opts->ro_pagesize);
		if (error != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* F6: "<start> <count> <ignored> <request>": count consecutive blocks. */
int
parse_arc(struct trace_reader *rd)
{
	struct sim_tok tk[5];
	char b[100];
	uint64_t start, count, reqno, addr;
	int r, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 5);

		if (nt < 4)
			return rd_fail(rd,
			    "truncated line: expected 4 "
			    "fields, found %zu",
			    nt);
		if (nt > 4)
			return rd_fail(rd,
			    "unexpected text after 4 fields: "
			    "\"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		if ((error = rd_field_dec(rd, &tk[0], "start block", &start)) !=
		    0)
			return error;
		if ((error = rd_field_dec(rd, &tk[1], "block count", &count)) !=
		    0)
			return error;
		if ((error = rd_field_dec(
			 rd, &tk[3], "request number", &reqno)) != 0)
			return error;
		if (!rd_page_addr(rd, start, count, &addr))
			return rd_fail(rd, "block range out of range");
		if (count == 0)
			continue;
		error = rd_access(
		    rd, TOP_READ, 1, addr, count * rd->rd_opts->ro_pagesize);
		if (error != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* An R/W letter, either case; -1 if neither. */
static int
rd_rw(const struct sim_tok *t)
{
	if (t->tk_n != 1)
		return -1;
	switch (t->tk_p[0]) {
	case 'R':
	case 'r':
		return TOP_READ;
	case 'W':
	case 'w':
		return TOP_WRITE;
	default:
		return -1;
	}
}

/* Hex with or without a 0x prefix. */
static bool
rd_hex_opt0x(const struct sim_tok *t, uint64_t *v)
{
	if (t->tk_n > 2 && t->tk_p[0] == '0' &&
	    (t->tk_p[1] == 'x' || t->tk_p[1] == 'X'))
		return sim_parse_hex(t->tk_p + 2, t->tk_n - 2, v);
	return sim_parse_hex(t->tk_p, t->tk_n, v);
}

/* F2: "<hex address> R|W" (fscanf "%x %c"); an optional 0x is tolerated. */
int
parse_vmsim(struct trace_reader *rd)
{
	struct sim_tok tk[3];
	char b[100];
	uint64_t addr;
	int r, op, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 3);
		uint32_t as = 1;

		if (nt < 2)
			return rd_fail(rd,
			    "truncated line: expected "
			    "\"<hex address> R|W\"");
		if (nt > 2)
			return rd_fail(rd,
			    "unexpected text after the "
			    "operation: \"%s\"",
			    rd_tok(&tk[2], b, sizeof(b)));
		if (!rd_hex_opt0x(&tk[0], &addr))
			return rd_fail(rd, "bad hex address \"%s\"",
			    rd_tok(&tk[0], b, sizeof(b)));
		if ((op = rd_rw(&tk[1])) < 0)
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected R or W)",
			    rd_tok(&tk[1], b, sizeof(b)));
		if (rd->rd_opts->ro_split_procs && tk[0].tk_n == 8 &&
		    tk[0].tk_p[0] == '3')
			as = 2;
		if ((error = rd_access(rd, op, as, addr, 1)) != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* "<hex>,<decimal>" of lackey; false if malformed. */
static bool
rd_addr_size(const struct sim_tok *t, uint64_t *addr, uint64_t *size)
{
	const char *c = memchr(t->tk_p, ',', t->tk_n);

	if (c == NULL)
		return false;
	return sim_parse_hex(t->tk_p, (size_t)(c - t->tk_p), addr) &&
	    sim_parse_dec(c + 1, t->tk_n - (size_t)(c - t->tk_p) - 1, size);
}

/*
 * F3: lackey.  "I  addr,size" fetches, " L", " S", " M" data; "==" lines
 * are valgrind's own messages.  M is a load then a store.  The column
 * layout is not enforced (cachelab copies vary); the operation letter is.
 */
int
parse_lackey(struct trace_reader *rd)
{
	struct sim_tok tk[3];
	char b[100];
	uint64_t addr, size;
	int r, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt;
		char op;

		if (rd->rd_linelen >= 2 && rd->rd_line[0] == '=' &&
		    rd->rd_line[1] == '=')
			continue;
		nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 3);
		if (tk[0].tk_n != 1 || strchr("ILSM", tk[0].tk_p[0]) == NULL)
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected I, L, S or M)",
			    rd_tok(&tk[0], b, sizeof(b)));
		op = tk[0].tk_p[0];
		if (nt < 2)
			return rd_fail(rd,
			    "truncated line: expected "
			    "\"%c <hex address>,<size>\"",
			    op);
		if (nt > 2)
			return rd_fail(rd,
			    "unexpected text after the access: "
			    "\"%s\"",
			    rd_tok(&tk[2], b, sizeof(b)));
		if (!rd_addr_size(&tk[1], &addr, &size))
			return rd_fail(rd,
			    "bad \"<hex address>,<size>\" "
			    "field \"%s\"",
			    rd_tok(&tk[1], b, sizeof(b)));
		if (size > UINT32_MAX ||
		    (size != 0 && addr > UINT64_MAX - (size - 1)))
			return rd_fail(rd, "access size out of range");
		switch (op) {
		case 'I':
			error = rd->rd_opts->ro_no_ifetch
			    ? 0
			    : rd_access(rd, TOP_EXEC, 1, addr, size);
			break;
		case 'L':
			error = rd_access(rd, TOP_READ, 1, addr, size);
			break;
		case 'S':
			error = rd_access(rd, TOP_WRITE, 1, addr, size);
			break;
		default:
			error = rd_access(rd, TOP_READ, 1, addr, size);
			if (error == 0)
				error = rd_access(rd, TOP_WRITE, 1, addr, size);
			break;
		}
		if (error != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* F4: "l|s|0|1 0x<hex> [<n>]"; n (instructions since the last) ignored. */
int
parse_ucsd(struct trace_reader *rd)
{
	struct sim_tok tk[4];
	char b[100];
	uint64_t addr, n;
	int r, op, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 4);

		if (sim_tok_caseeq(&tk[0], "l") || sim_tok_eq(&tk[0], "0"))
			op = TOP_READ;
		else if (sim_tok_caseeq(&tk[0], "s") || sim_tok_eq(&tk[0], "1"))
			op = TOP_WRITE;
		else
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected l, s, 0 or 1)",
			    rd_tok(&tk[0], b, sizeof(b)));
		if (nt < 2)
			return rd_fail(rd,
			    "truncated line: expected "
			    "\"%s 0x<address> <n>\"",
			    op == TOP_READ ? "l" : "s");
		if (nt > 3)
			return rd_fail(rd,
			    "unexpected text after the "
			    "instruction count: \"%s\"",
			    rd_tok(&tk[3], b, sizeof(b)));
		if (!(tk[1].tk_n > 2 && tk[1].tk_p[0] == '0' &&
			(tk[1].tk_p[1] == 'x' || tk[1].tk_p[1] == 'X')) ||
		    !sim_parse_hex(tk[1].tk_p + 2, tk[1].tk_n - 2, &addr))
			return rd_fail(rd,
			    "bad address \"%s\" (expected "
			    "0x<hex>)",
			    rd_tok(&tk[1], b, sizeof(b)));
		if (nt == 3 && !sim_parse_dec(tk[2].tk_p, tk[2].tk_n, &n))
			return rd_fail(rd, "bad instruction count \"%s\"",
			    rd_tok(&tk[2], b, sizeof(b)));
		if ((error = rd_access(rd, op, 1, addr, 1)) != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* "0x<hex>" with an optional trailing ':' allowed when colon is set. */
static bool
rd_0xhex(const struct sim_tok *t, bool colon, uint64_t *v)
{
	size_t n = t->tk_n;

	if (colon) {
		if (n == 0 || t->tk_p[n - 1] != ':')
			return false;
		n--;
	}
	return n > 2 && t->tk_p[0] == '0' &&
	    (t->tk_p[1] == 'x' || t->tk_p[1] == 'X') &&
	    sim_parse_hex(t->tk_p + 2, n - 2, v);
}

/* F5: "0x<ip>: R|W 0x<addr>", ending at "#eof". */
int
parse_pin(struct trace_reader *rd)
{
	struct sim_tok tk[4];
	char b[100];
	uint64_t ip, addr;
	int r, op, error;

	while ((r = rd_next(rd, false)) > 0) {
		size_t nt = sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 4);

		if (tk[0].tk_p[0] == '#') {
			if (sim_tok_eq(&tk[0], "#eof"))
				break;
			continue;
		}
		if (!rd_0xhex(&tk[0], true, &ip))
			return rd_fail(rd,
			    "bad instruction address \"%s\" "
			    "(expected 0x<hex>:)",
			    rd_tok(&tk[0], b, sizeof(b)));
		if (nt < 3)
			return rd_fail(rd,
			    "truncated line: expected "
			    "\"0x<ip>: R|W 0x<address>\"");
		if (nt > 3)
			return rd_fail(rd,
			    "unexpected text after the "
			    "address: \"%s\"",
			    rd_tok(&tk[3], b, sizeof(b)));
		if ((op = rd_rw(&tk[1])) < 0)
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected R or W)",
			    rd_tok(&tk[1], b, sizeof(b)));
		if (!rd_0xhex(&tk[2], false, &addr))
			return rd_fail(rd,
			    "bad address \"%s\" (expected "
			    "0x<hex>)",
			    rd_tok(&tk[2], b, sizeof(b)));
		if ((error = rd_access(rd, op, 1, addr, 1)) != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}
