/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * detect.c: guessing a trace's format from its first (decoded) bytes.
 *
 * Text: each of the first significant lines is matched against the line
 * shape of every text format, giving a set of candidates; the sets are
 * intersected and the first remaining format in priority order wins.  So a
 * file is called F2 only if every sampled line looks like F2.  F10 (CSV)
 * is never guessed: it needs a column map, and with one it is chosen.
 *
 * Binary: oracleGeneral (F9) if its next_access_vtime fields are
 * consistent (each -1 or pointing forward, the pointed-to records in the
 * sample naming the same object, and at least one such pointer checked),
 * or if the name says "oracle"; otherwise uint32 block numbers (F1).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

#define DETECT_LINES 64

static bool
dt_hex(const char *s, size_t n)
{
	uint64_t v;

	return sim_parse_hex(s, n, &v);
}

static bool
dt_dec(const char *s, size_t n)
{
	uint64_t v;

	return sim_parse_dec(s, n, &v);
}

static bool
dt_0xhex(const struct sim_tok *t, bool colon)
{
	size_t n = t->tk_n - (colon ? 1 : 0);

	if (colon && (t->tk_n == 0 || t->tk_p[t->tk_n - 1] != ':'))
		return false;
	return n > 2 && t->tk_p[0] == '0' && t->tk_p[1] == 'x' &&
	    dt_hex(t->tk_p + 2, n - 2);
}

/* The set of formats (bit per enum value) one line could belong to. */
static uint32_t
dt_line(const char *s, size_t n)
{
	struct sim_tok tk[8];
	size_t nt = sim_split_ws(s, n, tk, 8);
	uint32_t set = 0;

	if (nt == 1 &&
	    (dt_dec(tk[0].tk_p, tk[0].tk_n) || sim_tok_eq(&tk[0], "*")))
		set |= 1u << TF_PAGES;
	/* Any letter: a bad operation is then reported by the F2 reader. */
	if (nt == 2 && dt_hex(tk[0].tk_p, tk[0].tk_n) && tk[1].tk_n == 1 &&
	    isalpha((unsigned char)tk[1].tk_p[0]))
		set |= 1u << TF_VMSIM;
	if (nt == 2 && tk[0].tk_n == 1 && strchr("ILSM", tk[0].tk_p[0]) &&
	    memchr(tk[1].tk_p, ',', tk[1].tk_n) != NULL) {
		const char *c = memchr(tk[1].tk_p, ',', tk[1].tk_n);

		if (dt_hex(tk[1].tk_p, (size_t)(c - tk[1].tk_p)) &&
		    dt_dec(c + 1, tk[1].tk_n - (size_t)(c - tk[1].tk_p) - 1))
			set |= 1u << TF_LACKEY;
	}
	if (n >= 2 && s[0] == '=' && s[1] == '=')
		set |= 1u << TF_LACKEY;
	if ((nt == 2 || nt == 3) && tk[0].tk_n == 1 &&
	    strchr("lsLS01", tk[0].tk_p[0]) != NULL &&
	    dt_0xhex(&tk[1], false) &&
	    (nt == 2 || dt_dec(tk[2].tk_p, tk[2].tk_n)))
		set |= 1u << TF_UCSD;
	if (nt == 3 && dt_0xhex(&tk[0], true) && tk[1].tk_n == 1 &&
	    strchr("RW", tk[1].tk_p[0]) != NULL && dt_0xhex(&tk[2], false))
		set |= 1u << TF_PIN;
	if (n == 4 && memcmp(s, "#eof", 4) == 0)
		set |= 1u << TF_PIN;
	if (nt == 4 && dt_dec(tk[0].tk_p, tk[0].tk_n) &&
	    dt_dec(tk[1].tk_p, tk[1].tk_n) && dt_dec(tk[3].tk_p, tk[3].tk_n))
		set |= 1u << TF_ARC;
	nt = sim_split_ch(s, n, ',', tk, 8);
	if (nt >= 5 && dt_dec(tk[0].tk_p, tk[0].tk_n) &&
	    dt_dec(tk[1].tk_p, tk[1].tk_n) && dt_dec(tk[2].tk_p, tk[2].tk_n) &&
	    tk[3].tk_n == 1 && strchr("rRwW", tk[3].tk_p[0]) != NULL)
		set |= 1u << TF_SPC;
	if (nt == 7 && dt_dec(tk[0].tk_p, tk[0].tk_n) &&
	    (sim_tok_caseeq(&tk[3], "Read") || sim_tok_caseeq(&tk[3], "Write")))
		set |= 1u << TF_MSR;
	return set;
}

static bool
dt_text_p(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == 0 ||
		    (c < 0x20 && c != '\n' && c != '\r' && c != '\t' &&
			c != '\f' && c != '\v'))
			return false;
	}
	return true;
}

static uint64_t
dt_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool
dt_oracle_p(const uint8_t *p, size_t n)
{
	size_t nrec = n / 24, checked = 0;

	if (nrec == 0)
		return false;
	for (size_t i = 0; i < nrec; i++) {
		int64_t next = (int64_t)dt_le64(p + i * 24 + 16);

		if (next == -1)
			continue;
		if (next < 0 || (uint64_t)next <= i)
			return false;
		if ((uint64_t)next < nrec) {
			if (dt_le64(p + i * 24 + 4) !=
			    dt_le64(p + (size_t)next * 24 + 4))
				return false;
			checked++;
		}
	}
	return checked > 0;
}

enum trace_format
detect_format(const uint8_t *p, size_t n, bool at_eof, const char *name)
{
	static const enum trace_format prio[] = {TF_PAGES, TF_VMSIM, TF_LACKEY,
	    TF_UCSD, TF_PIN, TF_ARC, TF_MSR, TF_SPC};
	uint32_t set = ~(uint32_t)0;
	size_t pos = 0, lines = 0;

	if (n >= 9 && memcmp(p, "#uvmtrace", 9) == 0)
		return TF_NATIVE;
	if (!dt_text_p(p, n)) {
		if (strcasestr(name, "oracle") != NULL || dt_oracle_p(p, n))
			return TF_ORACLE;
		return TF_PAGES_BIN;
	}
	while (pos < n && lines < DETECT_LINES) {
		const uint8_t *nl = memchr(p + pos, '\n', n - pos);
		size_t len, i;
		const char *s = (const char *)p + pos;

		if (nl == NULL && !at_eof)
			break; /* a partial last line says nothing */
		len = (nl != NULL ? (size_t)(nl - p) : n) - pos;
		pos += len + 1;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
			continue;
		if (i == len)
			continue;
		if (s[i] == '#' && !(len == 4 && memcmp(s, "#eof", 4) == 0))
			continue;
		set &= dt_line(s, len);
		lines++;
	}
	if (lines == 0)
		return at_eof ? TF_PAGES : TF_AUTO; /* only comments: empty */
	for (size_t i = 0; i < sizeof(prio) / sizeof(prio[0]); i++)
		if (set & (1u << prio[i]))
			return prio[i];
	return TF_AUTO;
}
