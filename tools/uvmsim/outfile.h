/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outfile.h: output files, compressed by name: "-" is standard output,
 * NAME.gz is written through zlib, NAME.zst through libzstd.
 */
#ifndef _UVMSIM_OUTFILE_H_
#define _UVMSIM_OUTFILE_H_

#include <stdio.h>

/* NULL on error (message printed). */
FILE *outfile_open(const char *path);
/* 0, or -1 after printing why the data may be incomplete. */
int outfile_close(FILE *, const char *path);

#endif /* _UVMSIM_OUTFILE_H_ */
