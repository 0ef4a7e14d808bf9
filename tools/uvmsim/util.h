/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.h: small helpers shared by every part of uvmsim.
 *
 * Allocation that exits on exhaustion (a simulator has nothing useful to do
 * without memory), a seeded pseudo-random generator, strict number parsers
 * over (pointer, length) tokens, and size parsing with units.  Nothing here
 * keeps state between calls.
 */
#ifndef _UVMSIM_UTIL_H_
#define _UVMSIM_UTIL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses: usage errors, and malformed or unreadable input. */
#define SIM_EXIT_USAGE 1
#define SIM_EXIT_INPUT 2

void *sim_malloc(size_t);
void *sim_calloc(size_t, size_t);
void *sim_reallocarray(void *, size_t, size_t);
char *sim_strdup(const char *);

/* A token: a (pointer, length) view into a line. */
struct sim_tok {
	const char *tk_p;
	size_t tk_n;
};

/* Split on blanks (space, tab); at most max tokens; returns the count. */
size_t sim_split_ws(const char *, size_t, struct sim_tok *, size_t max);
/* Split on one delimiter character; returns the count (may exceed max). */
size_t sim_split_ch(const char *, size_t, char, struct sim_tok *, size_t max);
bool sim_tok_eq(const struct sim_tok *, const char *);
bool sim_tok_caseeq(const struct sim_tok *, const char *);

/* Strict parsers: the whole token, no sign, no overflow. */
bool sim_parse_dec(const char *, size_t, uint64_t *);
bool sim_parse_hex(const char *, size_t, uint64_t *); /* no 0x prefix */
bool sim_parse_num(const char *, size_t, uint64_t *); /* 0x hex or decimal */
bool sim_parse_i64(const char *, size_t, int64_t *);
bool sim_parse_double(const char *, size_t, double *);

/*
 * A memory or trace size as the user wrote it: bytes ("64k", "1g", "4096"),
 * pages ("100p") or a fraction of the working set ("0.5ws").
 */
enum sim_size_kind { SSZ_BYTES, SSZ_PAGES, SSZ_WSFRAC };
struct sim_size {
	enum sim_size_kind sz_kind;
	uint64_t sz_val;  /* bytes or pages */
	double sz_frac;   /* working-set fraction */
	char sz_text[32]; /* as written, for labels */
};
bool sim_parse_size(const char *, struct sim_size *);
bool sim_parse_bytes(const char *, uint64_t *); /* "64k" etc., bytes only */
/* Resolve to pages (rounded down); 0 means "no memory at all". */
uint64_t sim_size_pages(
    const struct sim_size *, uint64_t pagesize, uint64_t wspages);

/* Deterministic generator (splitmix64-seeded xoshiro256**). */
struct sim_rng {
	uint64_t rg_s[4];
};
void sim_rng_seed(struct sim_rng *, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *);
uint64_t sim_rng_below(struct sim_rng *, uint64_t n); /* [0, n) */
double sim_rng_unit(struct sim_rng *);                /* [0, 1) */

/* Print a byte count compactly ("64 KiB"); returns buf. */
const char *sim_fmt_bytes(uint64_t, char *buf, size_t len);
/* Copy text for an error message: escaped, at most max visible bytes. */
void sim_quote(const char *, size_t, char *out, size_t outlen);

#endif /* _UVMSIM_UTIL_H_ */
