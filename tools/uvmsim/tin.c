/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tin.c: trace input: files, standard input and memory buffers, plain or
 * compressed with gzip (zlib) or zstd (libzstd), as lines or records.
 *
 * Two buffers: "raw" holds bytes as they come from the source, "buf" holds
 * decoded bytes.  The decoded window [tn_pos, tn_end) is compacted to the
 * front before each refill, so a line is always contiguous.  Compression is
 * recognised by magic number, never by file name, so a renamed file still
 * reads.  gzip streams may have several members (as `cat a.gz b.gz`
 * produces) and zstd streams several frames; a stream that ends inside a
 * member or frame is an error ("truncated"), not a silent short trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "parse.h"

#define TIN_RAWSZ   (256 * 1024)
#define TIN_BUFSZ   (1024 * 1024)
#define TIN_MAXLINE (1024 * 1024)

struct tin {
	char *tn_name;         /* for messages */
	int tn_fd;             /* -1: memory source */
	bool tn_ownfd;         /* close tn_fd at the end */
	const uint8_t *tn_mem; /* memory source */
	size_t tn_memlen, tn_mempos;
	enum trace_codec tn_codec;
	z_stream tn_z; /* gzip state */
	bool tn_zinit;
	bool tn_zend; /* the current gzip member ended */
	ZSTD_DStream *tn_zs;
	size_t tn_zret;  /* last ZSTD_decompressStream() result */
	uint8_t *tn_raw; /* raw bytes [tn_rpos, tn_rend) */
	size_t tn_rpos, tn_rend;
	bool tn_reof;    /* raw source exhausted */
	uint8_t *tn_buf; /* decoded bytes [tn_pos, tn_end) */
	size_t tn_pos, tn_end;
	bool tn_eof;       /* no more decoded bytes */
	uint64_t tn_total; /* decoded bytes so far */
	uint64_t tn_max;   /* limit on tn_total; 0 none */
	char *tn_err;
	size_t tn_errlen;
	bool tn_failed;
};

static void __attribute__((format(printf, 3, 0)))
tin_vfail(struct tin *in, uint64_t lineno, const char *fmt, va_list ap)
{
	int n;

	if (in->tn_failed)
		return;
	in->tn_failed = true;
	if (in->tn_errlen == 0)
		return;
	if (lineno != 0)
		n = snprintf(in->tn_err, in->tn_errlen,
		    "%s:%llu: ", in->tn_name, (unsigned long long)lineno);
	else
		n = snprintf(in->tn_err, in->tn_errlen, "%s: ", in->tn_name);
	if (n < 0 || (size_t)n >= in->tn_errlen)
		return;
	vsnprintf(in->tn_err + n, in->tn_errlen - (size_t)n, fmt, ap);
}

void
tin_fail(struct tin *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tin_vfail(in, 0, fmt, ap);
	va_end(ap);
}

void
tin_fail_line(struct tin *in, uint64_t lineno, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tin_vfail(in, lineno, fmt, ap);
	va_end(ap);
}

bool
tin_failed_p(const struct tin *in)
{
	return in->tn_failed;
}

const char *
tin_name(const struct tin *in)
{
	return in->tn_name;
}

enum trace_codec
tin_codec(const struct tin *in)
{
	return in->tn_codec;
}

/*
 * tin_rawfill: move unread raw bytes to the front and read more.
 * => returns the number of new bytes, 0 at end of source, -1 on error.
 */
static long
tin_rawfill(struct tin *in)
{
	size_t left = in->tn_rend - in->tn_rpos;
	size_t room;
	ssize_t n;

	if (in->tn_reof)
		return 0;
	memmove(in->tn_raw, in->tn_raw + in->tn_rpos, left);
	in->tn_rpos = 0;
	in->tn_rend = left;
	room = TIN_RAWSZ - left;
	if (room == 0)
		return 0;
	if (in->tn_fd < 0) {
		n = (ssize_t)(in->tn_memlen - in->tn_mempos);
		if ((size_t)n > room)
			n = (ssize_t)room;
		memcpy(
		    in->tn_raw + left, in->tn_mem + in->tn_mempos, (size_t)n);
		in->tn_mempos += (size_t)n;
	} else {
		do {
			n = read(in->tn_fd, in->tn_raw + left, room);
		} while (n < 0 && errno == EINTR);
		if (n < 0) {
			tin_fail(in, "read error: %s", strerror(errno));
			return -1;
		}
	}
	if (n == 0)
		in->tn_reof = true;
	in->tn_rend += (size_t)n;
	return n;
}

/* Make sure raw bytes are available; false at end of source or error. */
static bool
tin_rawavail(struct tin *in)
{
	while (in->tn_rpos == in->tn_rend) {
		if (tin_rawfill(in) <= 0)
			return false;
	}
	return true;
}

static bool
tin_gzip_magic_p(const uint8_t *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Decode gzip into out; returns bytes produced, 0 at end, -1 on error. */
static long
tin_gunzip(struct tin *in, uint8_t *out, size_t room)
{
	z_stream *z = &in->tn_z;
	int r;

	for (;;) {
		if (in->tn_zend) {
			/* Another member may follow; anything else is junk. */
			if (!tin_rawavail(in))
				return in->tn_failed ? -1 : 0;
			if (in->tn_rend - in->tn_rpos < 2 && !in->tn_reof)
				(void)tin_rawfill(in);
			if (!tin_gzip_magic_p(in->tn_raw + in->tn_rpos,
				in->tn_rend - in->tn_rpos)) {
				tin_fail(
				    in, "trailing garbage after gzip data");
				return -1;
			}
			inflateReset(z);
			in->tn_zend = false;
		}
		if (in->tn_rpos == in->tn_rend && !tin_rawavail(in)) {
			if (in->tn_failed)
				return -1;
			tin_fail(in, "truncated gzip data");
			return -1;
		}
		z->next_in = in->tn_raw + in->tn_rpos;
		z->avail_in = (uInt)(in->tn_rend - in->tn_rpos);
		z->next_out = out;
		z->avail_out = (uInt)room;
		r = inflate(z, Z_NO_FLUSH);
		in->tn_rpos = in->tn_rend - z->avail_in;
		if (r == Z_STREAM_END)
			in->tn_zend = true;
		else if (r != Z_OK && r != Z_BUF_ERROR) {
			tin_fail(in, "gzip data error: %s",
			    z->msg != NULL ? z->msg : "corrupt input");
			return -1;
		}
		if (room - z->avail_out > 0)
			return (long)(room - z->avail_out);
	}
}

/* Decode zstd into out; returns bytes produced, 0 at end, -1 on error. */
static long
tin_unzstd(struct tin *in, uint8_t *out, size_t room)
{
	for (;;) {
		ZSTD_inBuffer ib;
		ZSTD_outBuffer ob = {out, room, 0};

		if (in->tn_rpos == in->tn_rend && !tin_rawavail(in)) {
			if (in->tn_failed)
				return -1;
			if (in->tn_zret != 0) {
				tin_fail(in, "truncated zstd data");
				return -1;
			}
			return 0;
		}
		ib.src = in->tn_raw + in->tn_rpos;
		ib.size = in->tn_rend - in->tn_rpos;
		ib.pos = 0;
		in->tn_zret = ZSTD_decompressStream(in->tn_zs, &ob, &ib);
		in->tn_rpos += ib.pos;
		if (ZSTD_isError(in->tn_zret)) {
			tin_fail(in, "zstd data error: %s",
			    ZSTD_getErrorName(in->tn_zret));
			return -1;
		}
		if (ob.pos > 0)
			return (long)ob.pos;
	}
}

/*
 * tin_fill: compact the decoded window and decode more into it.
 * => returns bytes added, 0 at end of input, -1 on error.
 */
static long
tin_fill(struct tin *in)
{
	size_t left = in->tn_end - in->tn_pos, room;
	long n;

	if (in->tn_eof || in->tn_failed)
		return in->tn_failed ? -1 : 0;
	memmove(in->tn_buf, in->tn_buf + in->tn_pos, left);
	in->tn_pos = 0;
	in->tn_end = left;
	room = TIN_BUFSZ - left;
	if (room == 0)
		return 0;
	switch (in->tn_codec) {
	case TC_GZIP:
		n = tin_gunzip(in, in->tn_buf + left, room);
		break;
	case TC_ZSTD:
		n = tin_unzstd(in, in->tn_buf + left, room);
		break;
	default:
		if (in->tn_rpos == in->tn_rend && !tin_rawavail(in)) {
			n = in->tn_failed ? -1 : 0;
			break;
		}
		n = (long)(in->tn_rend - in->tn_rpos);
		if ((size_t)n > room)
			n = (long)room;
		memcpy(in->tn_buf + left, in->tn_raw + in->tn_rpos, (size_t)n);
		in->tn_rpos += (size_t)n;
		break;
	}
	if (n < 0)
		return -1;
	if (n == 0) {
		in->tn_eof = true;
		return 0;
	}
	in->tn_end += (size_t)n;
	in->tn_total += (uint64_t)n;
	if (in->tn_max != 0 && in->tn_total > in->tn_max) {
		tin_fail(in, "input larger than the limit of %llu bytes",
		    (unsigned long long)in->tn_max);
		return -1;
	}
	return n;
}

/* Recognise the codec from the first raw bytes and set up the decoder. */
static int
tin_setup(struct tin *in)
{
	const uint8_t *p;
	size_t n;

	while (in->tn_rend < 6 && !in->tn_reof)
		if (tin_rawfill(in) < 0)
			return -1;
	p = in->tn_raw;
	n = in->tn_rend;
	if (tin_gzip_magic_p(p, n)) {
		in->tn_codec = TC_GZIP;
		memset(&in->tn_z, 0, sizeof(in->tn_z));
		if (inflateInit2(&in->tn_z, 15 + 16) != Z_OK) {
			tin_fail(in, "cannot initialise zlib");
			return -1;
		}
		in->tn_zinit = true;
	} else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
	    p[3] == 0xfd) {
		in->tn_codec = TC_ZSTD;
		if ((in->tn_zs = ZSTD_createDStream()) == NULL ||
		    ZSTD_isError(ZSTD_initDStream(in->tn_zs))) {
			tin_fail(in, "cannot initialise zstd");
			return -1;
		}
		in->tn_zret = 1;
	} else if (n >= 3 && memcmp(p, "BZh", 3) == 0) {
		tin_fail(in,
		    "bzip2 compression is not supported "
		    "(decompress it, or recompress with gzip or zstd)");
		return -1;
	} else if (n >= 6 &&
	    memcmp(p,
		"\xfd"
		"7zXZ\0",
		6) == 0) {
		tin_fail(in,
		    "xz compression is not supported "
		    "(decompress it, or recompress with gzip or zstd)");
		return -1;
	}
	return 0;
}

static struct tin *
tin_alloc(const char *name, uint64_t maxbytes, char *err, size_t errlen)
{
	struct tin *in = sim_calloc(1, sizeof(*in));

	in->tn_name = sim_strdup(name);
	in->tn_fd = -1;
	in->tn_raw = sim_malloc(TIN_RAWSZ);
	in->tn_buf = sim_malloc(TIN_BUFSZ);
	in->tn_max = maxbytes;
	in->tn_err = err;
	in->tn_errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
	return in;
}

int
tin_open_file(struct tin **inp, const char *path, uint64_t maxbytes, char *err,
    size_t errlen)
{
	struct tin *in;

	in = tin_alloc(
	    strcmp(path, "-") == 0 ? "<stdin>" : path, maxbytes, err, errlen);
	if (strcmp(path, "-") == 0) {
		in->tn_fd = STDIN_FILENO;
	} else {
		in->tn_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->tn_fd < 0) {
			tin_fail(in, "%s", strerror(errno));
			tin_close(in);
			return -1;
		}
		in->tn_ownfd = true;
	}
	if (tin_setup(in) != 0) {
		tin_close(in);
		return -1;
	}
	*inp = in;
	return 0;
}

int
tin_open_mem(struct tin **inp, const char *name, const void *p, size_t n,
    uint64_t maxbytes, char *err, size_t errlen)
{
	struct tin *in = tin_alloc(name, maxbytes, err, errlen);

	in->tn_mem = p;
	in->tn_memlen = n;
	if (tin_setup(in) != 0) {
		tin_close(in);
		return -1;
	}
	*inp = in;
	return 0;
}

void
tin_close(struct tin *in)
{
	if (in == NULL)
		return;
	if (in->tn_zinit)
		inflateEnd(&in->tn_z);
	if (in->tn_zs != NULL)
		ZSTD_freeDStream(in->tn_zs);
	if (in->tn_ownfd)
		close(in->tn_fd);
	free(in->tn_raw);
	free(in->tn_buf);
	free(in->tn_name);
	free(in);
}

int
tin_peek(struct tin *in, size_t want, const uint8_t **p, size_t *n)
{
	if (want > TIN_BUFSZ)
		want = TIN_BUFSZ;
	while (in->tn_end - in->tn_pos < want && !in->tn_eof) {
		if (tin_fill(in) < 0)
			return -1;
	}
	*p = in->tn_buf + in->tn_pos;
	*n = in->tn_end - in->tn_pos;
	return 0;
}

int
tin_getline(struct tin *in, const char **linep, size_t *lenp)
{
	size_t scanned = 0;
	uint8_t *nl;

	for (;;) {
		size_t avail = in->tn_end - in->tn_pos;

		nl = memchr(
		    in->tn_buf + in->tn_pos + scanned, '\n', avail - scanned);
		if (nl != NULL)
			break;
		scanned = avail;
		if (avail >= TIN_MAXLINE) {
			tin_fail(in, "line longer than %d bytes", TIN_MAXLINE);
			return -1;
		}
		if (in->tn_eof) {
			if (avail == 0)
				return 0;
			nl = in->tn_buf + in->tn_end; /* last line, no '\n' */
			break;
		}
		/* tin_fill compacts: the line moves to the front. */
		if (tin_fill(in) < 0)
			return -1;
	}
	{
		const char *line = (const char *)in->tn_buf + in->tn_pos;
		size_t len = (size_t)(nl - (in->tn_buf + in->tn_pos));

		in->tn_pos += len + (nl < in->tn_buf + in->tn_end ? 1 : 0);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		*linep = line;
		*lenp = len;
	}
	return 1;
}

long
tin_read(struct tin *in, void *dst, size_t n)
{
	size_t got = 0;

	while (got < n) {
		size_t avail = in->tn_end - in->tn_pos, take;

		if (avail == 0) {
			long r = tin_fill(in);

			if (r < 0)
				return -1;
			if (r == 0)
				break;
			continue;
		}
		take = n - got < avail ? n - got : avail;
		memcpy((uint8_t *)dst + got, in->tn_buf + in->tn_pos, take);
		in->tn_pos += take;
		got += take;
	}
	return (long)got;
}
