/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * write.c: the F11 writer ("#uvmtrace v1"), the exact inverse of
 * parse_native.c: every event written reads back as the same event.
 * Addresses, lengths and offsets are written in 0x-hex, address spaces in
 * decimal, protections as "rwx" with '-' for absent rights.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

void
trace_write_header(FILE *f, uint64_t pagesize, const char *comment)
{
	fprintf(f, "#uvmtrace v1 pagesize=%" PRIu64 "\n", pagesize);
	if (comment != NULL)
		fprintf(f, "# %s\n", comment);
}

static void
trace_write_prot(FILE *f, unsigned prot)
{
	fputc(prot & TPROT_READ ? 'r' : '-', f);
	fputc(prot & TPROT_WRITE ? 'w' : '-', f);
	fputc(prot & TPROT_EXEC ? 'x' : '-', f);
}

static void
trace_write_words(FILE *f, unsigned bits, const char *const *words,
    const unsigned *wbits, size_t n)
{
	const char *sep = "";

	for (size_t i = 0; i < n; i++) {
		if (bits & wbits[i]) {
			fprintf(f, "%s%s", sep, words[i]);
			sep = ",";
		}
	}
	if (*sep == '\0')
		fputs("none", f); /* no flag at all */
}

void
trace_write_event(FILE *f, const struct trace_event *ev)
{
	static const char *const mflags[] = {
	    "shared", "private", "anon", "fixed"};
	static const unsigned mbits[] = {
	    TMAP_SHARED, TMAP_PRIVATE, TMAP_ANON, TMAP_FIXED};
	static const char *const sflags[] = {"async", "sync", "invalidate"};
	static const unsigned sbits[] = {
	    TSYNC_ASYNC, TSYNC_SYNC, TSYNC_INVALIDATE};
	static const char *const advice[TADV_NADVICE] = {
	    "normal", "random", "sequential", "willneed", "dontneed", "free"};

	switch (ev->ev_op) {
	case TOP_READ:
	case TOP_WRITE:
	case TOP_EXEC:
		if (ev->ev_len > 1)
			fprintf(f,
			    "%s %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
			    trace_op_name(ev->ev_op), ev->ev_as, ev->ev_addr,
			    ev->ev_len);
		else
			fprintf(f, "%s %" PRIu32 " 0x%" PRIx64 "\n",
			    trace_op_name(ev->ev_op), ev->ev_as, ev->ev_addr);
		return;
	case TOP_FORK:
		fprintf(
		    f, "fork %" PRIu32 " %" PRIu32 "\n", ev->ev_as, ev->ev_as2);
		return;
	case TOP_EXEC_AS:
	case TOP_EXIT:
		fprintf(
		    f, "%s %" PRIu32 "\n", trace_op_name(ev->ev_op), ev->ev_as);
		return;
	default:
		break;
	}
	fprintf(f, "%s %" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64,
	    trace_op_name(ev->ev_op), ev->ev_as, ev->ev_addr, ev->ev_len);
	switch (ev->ev_op) {
	case TOP_MMAP:
		fputc(' ', f);
		trace_write_prot(f, ev->ev_prot);
		fputc(' ', f);
		trace_write_words(f, ev->ev_flags, mflags, mbits, 4);
		if (ev->ev_file != 0)
			fprintf(f, " %" PRIu32 " 0x%" PRIx64, ev->ev_file,
			    ev->ev_off);
		break;
	case TOP_MPROTECT:
		fputc(' ', f);
		trace_write_prot(f, ev->ev_prot);
		break;
	case TOP_MADVISE:
		fprintf(f, " %s",
		    ev->ev_flags < TADV_NADVICE ? advice[ev->ev_flags]
						: "normal");
		break;
	case TOP_MSYNC:
		fputc(' ', f);
		trace_write_words(f, ev->ev_flags, sflags, sbits, 3);
		break;
	default:
		break;
	}
	fputc('\n', f);
}

int
trace_write_sink(void *arg, const struct trace_event *ev)
{
	FILE *f = arg;

	trace_write_event(f, ev);
	return ferror(f) ? -1 : 0;
}
