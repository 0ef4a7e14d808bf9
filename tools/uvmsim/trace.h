/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace.h: the F11 event model, the trace readers and the trace writers.
 *
 * Every input format (F1-F11 of the trace specification) is lowered into one
 * stream of struct trace_event records: memory accesses tagged with an
 * address space, and the address-space events of the native format (mmap
 * family, fork, exec, exit).  Readers push events into a sink callback, so
 * that a trace is never held in memory unless the consumer wants it: the
 * flat engines only keep a compact reference string, `convert` streams.
 *
 * Page-number formats (F1, F6, F9, F10) become byte addresses with the page
 * size of the reader options, in the single implicit address space 1; the
 * object identifiers of F9 and F10 that are too large to be page numbers
 * (hashes) are renumbered densely from TRACE_DENSE_BASE in order of first
 * appearance, which preserves the reference string exactly.
 */
#ifndef _UVMSIM_TRACE_H_
#define _UVMSIM_TRACE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Operations of the event model (F11 keywords in comments). */
enum trace_op {
	TOP_READ,     /* R <as> <addr> [size] */
	TOP_WRITE,    /* W <as> <addr> [size] */
	TOP_EXEC,     /* X <as> <addr> [size] */
	TOP_MMAP,     /* mmap <as> <addr> <len> <prot> <flags> [file off] */
	TOP_MUNMAP,   /* munmap <as> <addr> <len> */
	TOP_MPROTECT, /* mprotect <as> <addr> <len> <prot> */
	TOP_MADVISE,  /* madvise <as> <addr> <len> <advice> */
	TOP_MSYNC,    /* msync <as> <addr> <len> <flags> */
	TOP_MLOCK,    /* mlock <as> <addr> <len> */
	TOP_MUNLOCK,  /* munlock <as> <addr> <len> */
	TOP_FORK,     /* fork <parent-as> <child-as> */
	TOP_EXEC_AS,  /* exec <as>: a fresh, empty address space */
	TOP_EXIT,     /* exit <as> */
	TOP_NOPS
};

static inline bool
trace_op_access_p(int op)
{
	return op == TOP_READ || op == TOP_WRITE || op == TOP_EXEC;
}

/* mmap flags (ev_flags of TOP_MMAP). */
#define TMAP_SHARED  0x01u
#define TMAP_PRIVATE 0x02u
#define TMAP_ANON    0x04u
#define TMAP_FIXED   0x08u

/* madvise advice (ev_flags of TOP_MADVISE). */
enum trace_advice {
	TADV_NORMAL,
	TADV_RANDOM,
	TADV_SEQUENTIAL,
	TADV_WILLNEED,
	TADV_DONTNEED,
	TADV_FREE,
	TADV_NADVICE
};

/* msync flags (ev_flags of TOP_MSYNC). */
#define TSYNC_ASYNC      0x01u
#define TSYNC_SYNC       0x02u
#define TSYNC_INVALIDATE 0x04u

/* Protection bits (ev_prot), the VM_PROT_* values. */
#define TPROT_READ  0x1u
#define TPROT_WRITE 0x2u
#define TPROT_EXEC  0x4u

/* Identifiers too large to be page numbers are renumbered from here. */
#define TRACE_DENSE_BASE ((uint64_t)1 << 40)

struct trace_event {
	uint64_t ev_addr;  /* access or range start (bytes) */
	uint64_t ev_len;   /* access size or range length (bytes) */
	uint64_t ev_off;   /* mmap of a file: offset (bytes) */
	uint32_t ev_as;    /* address space; fork: the parent */
	uint32_t ev_as2;   /* fork: the child */
	uint32_t ev_file;  /* mmap: file id, 0 for anonymous memory */
	uint8_t ev_op;     /* enum trace_op */
	uint8_t ev_prot;   /* mmap, mprotect: TPROT_* */
	uint16_t ev_flags; /* mmap: TMAP_*; madvise: advice; msync: TSYNC_* */
};

/* Input formats; TF_AUTO asks for detection. */
enum trace_format {
	TF_AUTO,
	TF_PAGES,     /* F1 page/block numbers, one per line */
	TF_PAGES_BIN, /* F1 binary: uint32 little-endian block numbers */
	TF_VMSIM,     /* F2 "<hexaddr> R|W" */
	TF_LACKEY,    /* F3 valgrind lackey */
	TF_UCSD,      /* F4 "l|s 0x<addr> <n>" */
	TF_PIN,       /* F5 "0x<ip>: R|W 0x<addr>" */
	TF_ARC,       /* F6 "<start> <n> <ignored> <reqno>" */
	TF_SPC,       /* F7 UMass/SPC "ASU,LBA,Size,Op,Time" */
	TF_MSR,       /* F8 MSR Cambridge */
	TF_ORACLE,    /* F9 libCacheSim oracleGeneral (binary) */
	TF_CSV,       /* F10 CSV/TXT with a column map */
	TF_NATIVE,    /* F11 #uvmtrace v1 */
	TF_NFORMATS
};

/* Compression of the input, detected by magic number. */
enum trace_codec { TC_PLAIN, TC_GZIP, TC_ZSTD };

/* F10 column map (columns are 1-based; 0 = absent). */
struct trace_csvspec {
	unsigned cs_time, cs_id, cs_size, cs_op;
	char cs_delim;  /* field separator */
	bool cs_header; /* first line is a header */
};

struct trace_ropts {
	enum trace_format ro_format; /* TF_AUTO: detect */
	uint64_t ro_pagesize;        /* page-number formats, F2 VPNs */
	bool ro_no_ifetch;           /* F3: drop instruction fetches */
	bool ro_split_procs;         /* F2: leading hex '3' => as 2 */
	int64_t ro_asu;              /* F7: keep only this ASU; -1 all */
	bool ro_csv_set;             /* ro_csv was given */
	struct trace_csvspec ro_csv; /* F10 */
	uint64_t ro_maxbytes;        /* decoded-input limit; 0 none */
};

/* What a read found out about its input. */
struct trace_info {
	enum trace_format ti_format; /* the format parsed */
	enum trace_codec ti_codec;
	uint64_t ti_events;   /* events delivered to the sink */
	uint64_t ti_accesses; /* of which accesses */
	uint64_t ti_records;  /* lines or binary records read */
	uint64_t ti_pagesize; /* F11 header page size; 0 if none */
};

/* Results of trace_read_*(). */
#define TRACE_OK     0
#define TRACE_EINPUT 1 /* malformed or unreadable: message in err */
#define TRACE_ESINK  2 /* the sink refused an event: its own message */

/* A sink takes one event; non-zero stops the read (TRACE_ESINK). */
typedef int (*trace_sink_fn)(void *arg, const struct trace_event *);

void trace_ropts_init(struct trace_ropts *);
int trace_read_file(const char *path, const struct trace_ropts *, trace_sink_fn,
    void *arg, struct trace_info *, char *err, size_t errlen);
int trace_read_mem(const char *name, const void *, size_t,
    const struct trace_ropts *, trace_sink_fn, void *arg, struct trace_info *,
    char *err, size_t errlen);

/* Format names: "pages" (F1), ..., aliases such as "f2", "vmsim", "lirs". */
enum trace_format trace_format_lookup(const char *);
const char *trace_format_name(enum trace_format);
const char *trace_format_desc(enum trace_format);
void trace_formats_print(FILE *);
const char *trace_codec_name(enum trace_codec);
/* Parse "time-col=1,obj-id-col=2,...": NULL on success, else a message. */
const char *trace_csvspec_parse(const char *, struct trace_csvspec *);

const char *trace_op_name(int op);

/* An in-memory event array (a sink target). */
struct trace_buf {
	struct trace_event *tb_ev;
	size_t tb_n, tb_cap;
};
int trace_buf_sink(void *arg, const struct trace_event *);
void trace_buf_free(struct trace_buf *);

/*
 * F11 writer: one line per event after the "#uvmtrace v1" header.
 * Writes to a plain FILE; errors surface through ferror() at close.
 */
void trace_write_header(FILE *, uint64_t pagesize, const char *comment);
void trace_write_event(FILE *, const struct trace_event *);
int trace_write_sink(void *arg, const struct trace_event *); /* arg: FILE */

#endif /* _UVMSIM_TRACE_H_ */
