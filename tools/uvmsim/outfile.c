/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outfile.c: compressed output through stdio (glibc fopencookie), so the
 * writers can use fprintf whatever the compression.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "outfile.h"
#include "util.h"

static bool
outfile_suffix_p(const char *path, const char *sfx)
{
	size_t n = strlen(path), m = strlen(sfx);

	return n > m && strcmp(path + n - m, sfx) == 0;
}

static ssize_t
gz_write(void *c, const char *buf, size_t n)
{
	int w;

	if (n == 0)
		return 0;
	w = gzwrite((gzFile)c, buf, (unsigned)n);
	return w > 0 ? w : -1;
}

static int
gz_close(void *c)
{
	return gzclose((gzFile)c) == Z_OK ? 0 : EOF;
}

struct zst_out {
	ZSTD_CStream *zo_cs;
	FILE *zo_f;
	void *zo_buf;
	size_t zo_bufsz;
};

static int
zst_drain(struct zst_out *zo, ZSTD_outBuffer *ob)
{
	if (ob->pos > 0 && fwrite(zo->zo_buf, 1, ob->pos, zo->zo_f) != ob->pos)
		return -1;
	ob->pos = 0;
	return 0;
}

static ssize_t
zst_write(void *c, const char *buf, size_t n)
{
	struct zst_out *zo = c;
	ZSTD_inBuffer ib = {buf, n, 0};

	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob = {zo->zo_buf, zo->zo_bufsz, 0};

		if (ZSTD_isError(ZSTD_compressStream(zo->zo_cs, &ob, &ib)) ||
		    zst_drain(zo, &ob) != 0)
			return -1;
	}
	return (ssize_t)n;
}

static int
zst_close(void *c)
{
	struct zst_out *zo = c;
	size_t left;
	int rv = 0;

	do {
		ZSTD_outBuffer ob = {zo->zo_buf, zo->zo_bufsz, 0};

		left = ZSTD_endStream(zo->zo_cs, &ob);
		if (ZSTD_isError(left) || zst_drain(zo, &ob) != 0) {
			rv = EOF;
			break;
		}
	} while (left != 0);
	if (fclose(zo->zo_f) != 0)
		rv = EOF;
	ZSTD_freeCStream(zo->zo_cs);
	free(zo->zo_buf);
	free(zo);
	return rv;
}

FILE *
outfile_open(const char *path)
{
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdout;
	if (outfile_suffix_p(path, ".gz")) {
		cookie_io_functions_t io = {
		    .write = gz_write, .close = gz_close};
		gzFile gz = gzopen(path, "wb");

		if (gz == NULL || (f = fopencookie(gz, "w", io)) == NULL) {
			fprintf(stderr, "uvmsim: %s: %s\n", path,
			    strerror(errno != 0 ? errno : EIO));
			if (gz != NULL)
				gzclose(gz);
			return NULL;
		}
		return f;
	}
	if (outfile_suffix_p(path, ".zst")) {
		cookie_io_functions_t io = {
		    .write = zst_write, .close = zst_close};
		struct zst_out *zo = sim_calloc(1, sizeof(*zo));

		if ((zo->zo_f = fopen(path, "wb")) == NULL) {
			fprintf(
			    stderr, "uvmsim: %s: %s\n", path, strerror(errno));
			free(zo);
			return NULL;
		}
		zo->zo_cs = ZSTD_createCStream();
		zo->zo_bufsz = ZSTD_CStreamOutSize();
		zo->zo_buf = sim_malloc(zo->zo_bufsz);
		if (zo->zo_cs == NULL ||
		    ZSTD_isError(ZSTD_initCStream(zo->zo_cs, 3)) ||
		    (f = fopencookie(zo, "w", io)) == NULL) {
			fprintf(
			    stderr, "uvmsim: %s: cannot start zstd\n", path);
			fclose(zo->zo_f);
			ZSTD_freeCStream(zo->zo_cs);
			free(zo->zo_buf);
			free(zo);
			return NULL;
		}
		return f;
	}
	if ((f = fopen(path, "w")) == NULL)
		fprintf(stderr, "uvmsim: %s: %s\n", path, strerror(errno));
	return f;
}

int
outfile_close(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "uvmsim: %s: write error\n",
		    strcmp(path, "-") == 0 ? "<stdout>" : path);
		return -1;
	}
	return 0;
}
