/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.c: allocation, tokens, strict number parsing, sizes, the generator.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void
sim_oom(void)
{
	fputs("uvmsim: out of memory\n", stderr);
	exit(SIM_EXIT_INPUT);
}

void *
sim_malloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		sim_oom();
	return p;
}

void *
sim_calloc(size_t n, size_t sz)
{
	void *p = calloc(n != 0 ? n : 1, sz != 0 ? sz : 1);

	if (p == NULL)
		sim_oom();
	return p;
}

void *
sim_reallocarray(void *old, size_t n, size_t sz)
{
	void *p;

	if (sz != 0 && n > SIZE_MAX / sz)
		sim_oom();
	p = realloc(old, n * sz != 0 ? n * sz : 1);
	if (p == NULL)
		sim_oom();
	return p;
}

char *
sim_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = sim_malloc(n);

	memcpy(p, s, n);
	return p;
}

size_t
sim_split_ws(const char *s, size_t n, struct sim_tok *tk, size_t max)
{
	size_t i = 0, nt = 0;

	while (i < n) {
		size_t b;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (nt < max) {
			tk[nt].tk_p = s + b;
			tk[nt].tk_n = i - b;
		}
		nt++;
	}
	return nt;
}

size_t
sim_split_ch(const char *s, size_t n, char ch, struct sim_tok *tk, size_t max)
{
	size_t b = 0, nt = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ch)
			continue;
		if (nt < max) {
			tk[nt].tk_p = s + b;
			tk[nt].tk_n = i - b;
		}
		nt++;
		b = i + 1;
	}
	return nt;
}

bool
sim_tok_eq(const struct sim_tok *t, const char *s)
{
	return strlen(s) == t->tk_n && memcmp(t->tk_p, s, t->tk_n) == 0;
}

bool
sim_tok_caseeq(const struct sim_tok *t, const char *s)
{
	return strlen(s) == t->tk_n && strncasecmp(t->tk_p, s, t->tk_n) == 0;
}

bool
sim_parse_dec(const char *s, size_t n, uint64_t *vp)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*vp = v;
	return true;
}

bool
sim_parse_hex(const char *s, size_t n, uint64_t *vp)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX >> 4))
			return false;
		v = (v << 4) | d;
	}
	*vp = v;
	return true;
}

bool
sim_parse_num(const char *s, size_t n, uint64_t *vp)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return sim_parse_hex(s + 2, n - 2, vp);
	return sim_parse_dec(s, n, vp);
}

bool
sim_parse_i64(const char *s, size_t n, int64_t *vp)
{
	uint64_t v;

	if (n > 0 && s[0] == '-') {
		if (!sim_parse_dec(s + 1, n - 1, &v) ||
		    v > (uint64_t)INT64_MAX + 1)
			return false;
		*vp = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		return true;
	}
	if (!sim_parse_dec(s, n, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*vp = (int64_t)v;
	return true;
}

bool
sim_parse_double(const char *s, size_t n, double *vp)
{
	char buf[64];
	char *end;
	double v;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* Only plain decimal notation: no hex floats, inf or nan. */
	for (size_t i = 0; i < n; i++)
		if (strchr("0123456789.eE+-", buf[i]) == NULL)
			return false;
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	*vp = v;
	return true;
}

static bool
sim_unit(const char *p, uint64_t *mul)
{
	static const char units[] = "kmgt";
	const char *u;

	*mul = 1;
	if (*p == '\0')
		return true;
	if ((u = strchr(units, tolower((unsigned char)*p))) == NULL)
		return false;
	for (const char *q = units; q <= u; q++)
		*mul *= 1024;
	p++;
	if (tolower((unsigned char)*p) == 'i')
		p++;
	if (tolower((unsigned char)*p) == 'b')
		p++;
	return *p == '\0';
}

bool
sim_parse_bytes(const char *s, uint64_t *vp)
{
	uint64_t v = 0, mul;
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (!sim_parse_dec(s, n, &v) || !sim_unit(s + n, &mul))
		return false;
	if (v != 0 && mul > UINT64_MAX / v)
		return false;
	*vp = v * mul;
	return true;
}

bool
sim_parse_size(const char *s, struct sim_size *sz)
{
	size_t n = strlen(s);

	memset(sz, 0, sizeof(*sz));
	snprintf(sz->sz_text, sizeof(sz->sz_text), "%s", s);
	if (n > 2 && strcasecmp(s + n - 2, "ws") == 0) {
		double f;

		if (!sim_parse_double(s, n - 2, &f) || f <= 0 || f > 1e6)
			return false;
		sz->sz_kind = SSZ_WSFRAC;
		sz->sz_frac = f;
		return true;
	}
	if (n > 1 && (s[n - 1] == 'p' || s[n - 1] == 'P')) {
		sz->sz_kind = SSZ_PAGES;
		return sim_parse_dec(s, n - 1, &sz->sz_val);
	}
	sz->sz_kind = SSZ_BYTES;
	return sim_parse_bytes(s, &sz->sz_val);
}

uint64_t
sim_size_pages(const struct sim_size *sz, uint64_t pagesize, uint64_t wspages)
{
	double p;

	switch (sz->sz_kind) {
	case SSZ_PAGES:
		return sz->sz_val;
	case SSZ_BYTES:
		return sz->sz_val / pagesize;
	case SSZ_WSFRAC:
		p = floor(sz->sz_frac * (double)wspages + 0.5);
		return p < 1 ? 0 : p > 1e15 ? (uint64_t)1e15 : (uint64_t)p;
	}
	return 0;
}

static uint64_t
sim_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->rg_s[i] = sim_splitmix(&x);
}

static uint64_t
sim_rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->rg_s;
	uint64_t res = sim_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = sim_rotl(s[3], 45);
	return res;
}

uint64_t
sim_rng_below(struct sim_rng *r, uint64_t n)
{
	uint64_t lim, v;

	if (n <= 1)
		return 0;
	/* Rejection sampling keeps the result exactly uniform. */
	lim = UINT64_MAX - UINT64_MAX % n;
	do {
		v = sim_rng_next(r);
	} while (v >= lim);
	return v % n;
}

double
sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

const char *
sim_fmt_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (u < 4 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", v, unit[u]);
	return buf;
}

void
sim_quote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	const size_t max = 80;

	if (outlen == 0)
		return;
	for (size_t i = 0; i < n && i < max && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			o +=
			    (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		}
	}
	if (n > max && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}
