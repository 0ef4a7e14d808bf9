/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse.h: internals shared by the trace readers (tin.c, parse_*.c,
 * detect.c): the decoded input stream and the reader state.
 *
 * struct tin turns a file, standard input or a memory buffer, plain, gzip
 * or zstd compressed, into decoded bytes that the parsers take as lines
 * (text formats) or as fixed-size records (binary formats).  It keeps a
 * window of the input so that format detection can look at the beginning
 * and parsing still starts from byte 0.
 */
#ifndef _UVMSIM_PARSE_H_
#define _UVMSIM_PARSE_H_

#include "trace.h"
#include "util.h"

struct tin;

/* Open a file ("-": standard input) or a memory buffer. */
int tin_open_file(struct tin **, const char *path, uint64_t maxbytes, char *err,
    size_t errlen);
int tin_open_mem(struct tin **, const char *name, const void *, size_t,
    uint64_t maxbytes, char *err, size_t errlen);
void tin_close(struct tin *);
const char *tin_name(const struct tin *);
enum trace_codec tin_codec(const struct tin *);
/*
 * Make at least `want` decoded bytes visible from the current position
 * (fewer at end of input); 0 or -1 on error (message already set).
 */
int tin_peek(struct tin *, size_t want, const uint8_t **, size_t *);
/* Next line without its "\n" or "\r\n": 1, 0 at end, -1 on error. */
int tin_getline(struct tin *, const char **, size_t *);
/* Up to n bytes: the count read (n, fewer at end), -1 on error. */
long tin_read(struct tin *, void *, size_t n);
/* Set the error message (once): "name: <text>". */
void tin_fail(struct tin *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same for a line: "name:line: <text>". */
void tin_fail_line(struct tin *, uint64_t lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool tin_failed_p(const struct tin *);

/* Map of large object identifiers to dense page numbers. */
struct idmap {
	uint64_t *im_key;
	uint64_t *im_val;
	size_t im_cap, im_n;
};
uint64_t idmap_get(struct idmap *, uint64_t key); /* assigns on first use */
void idmap_free(struct idmap *);

struct trace_reader {
	struct tin *rd_in;
	const struct trace_ropts *rd_opts;
	trace_sink_fn rd_sink;
	void *rd_arg;
	struct trace_info *rd_info;
	const char *rd_line; /* the current line (not NUL-terminated) */
	size_t rd_linelen;
	uint64_t rd_lineno;
	struct idmap rd_ids;
	char *rd_err;
	size_t rd_errlen;
};

/*
 * Next line that is not blank (and, if skip_hash, not a '#' comment):
 * 1, 0 at end, or TRACE_EINPUT negated (-1) on error.
 */
int rd_next(struct trace_reader *, bool skip_hash);
/* Error for the current line: "file:line: <msg>: \"<line>\"". */
int rd_fail(struct trace_reader *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Error for a binary record: "file: record N (byte B): <msg>". */
int rd_fail_rec(struct trace_reader *, uint64_t rec, size_t recsz,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int rd_emit(struct trace_reader *, const struct trace_event *);
/* Emit an access of len bytes at addr in address space as. */
int rd_access(
    struct trace_reader *, int op, uint32_t as, uint64_t addr, uint64_t len);
/* Page number to byte address; false on overflow. */
bool rd_page_addr(
    struct trace_reader *, uint64_t page, uint64_t npages, uint64_t *addr);
/* Object identifier to page number (large ones renumbered densely). */
uint64_t rd_object_page(struct trace_reader *, uint64_t id);
/* A token for a message: quoted copy in a static-free caller buffer. */
const char *rd_tok(const struct sim_tok *, char *buf, size_t len);
/*
 * Parse a decimal field; on failure fail the reader with "bad <what>" and
 * the offending text.  Returns 0 or the reader's error.
 */
int rd_field_dec(struct trace_reader *, const struct sim_tok *,
    const char *what, uint64_t *vp);

/* The parsers: 0, TRACE_EINPUT or TRACE_ESINK. */
int parse_pages(struct trace_reader *);
int parse_pages_bin(struct trace_reader *);
int parse_arc(struct trace_reader *);
int parse_vmsim(struct trace_reader *);
int parse_lackey(struct trace_reader *);
int parse_ucsd(struct trace_reader *);
int parse_pin(struct trace_reader *);
int parse_spc(struct trace_reader *);
int parse_msr(struct trace_reader *);
int parse_csv(struct trace_reader *);
int parse_oracle(struct trace_reader *);
int parse_native(struct trace_reader *);

/* Guess the format from the beginning of the input (TF_AUTO if unsure). */
enum trace_format detect_format(
    const uint8_t *, size_t, bool at_eof, const char *name);

#endif /* _UVMSIM_PARSE_H_ */
