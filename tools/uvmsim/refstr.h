/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refstr.h: the flat reference string, the input of the flat engines.
 *
 * Each access event is folded to the pages it touches; each distinct
 * (address space, virtual page) pair gets a dense page id in order of first
 * reference.  A reference is one uint32_t: the page id, with RS_WRITE set
 * for a store.  Address-space events (mmap, fork, exit, ...) have no
 * meaning in a reference string: they are counted in rs_skipped so that
 * the output can say how much of the trace the flat model ignored.
 */
#ifndef _UVMSIM_REFSTR_H_
#define _UVMSIM_REFSTR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

#define RS_WRITE   0x80000000u
#define RS_IDMASK  0x7fffffffu
#define RS_NEVER   UINT32_MAX        /* rs_next: no later reference */
#define RS_MAXREFS (UINT32_MAX - 1u) /* so that RS_NEVER stays distinct */

struct refstr {
	uint32_t *rs_ref; /* page id | RS_WRITE, per reference */
	size_t rs_n, rs_cap;
	uint64_t rs_pagesize;
	uint64_t rs_maxrefs; /* refuse longer strings (sink error) */
	/* page id -> (address space, virtual page number) */
	uint32_t *rs_as;
	uint64_t *rs_vpn;
	size_t rs_npages, rs_pcap;
	/* (address space, vpn) -> page id: open addressing, id+1 (0 empty) */
	uint32_t *rs_hash;
	size_t rs_hcap;
	uint64_t rs_events;            /* events seen */
	uint64_t rs_reads, rs_writes;  /* references by kind */
	uint64_t rs_skipped[TOP_NOPS]; /* control events by op */
	uint64_t rs_nskipped;
	uint32_t *rs_next; /* next reference to the same page (OPT) */
	char rs_err[160];  /* why the sink refused */
};

void refstr_init(struct refstr *, uint64_t pagesize, uint64_t maxrefs);
void refstr_free(struct refstr *);
int refstr_sink(void *arg, const struct trace_event *); /* arg: refstr */
/* Append one reference to a page (tests and generators). */
int refstr_add(struct refstr *, uint32_t as, uint64_t vpn, bool write);
/* Fill rs_next (idempotent). */
void refstr_build_next(struct refstr *);
/*
 * Write libCacheSim oracleGeneral records, one per reference, with exact
 * next_access_vtime.  Object ids: the page number for address space 1
 * (below TRACE_DENSE_BASE), else TRACE_DENSE_BASE + page id.
 */
void refstr_write_oracle(struct refstr *, FILE *);

#endif /* _UVMSIM_REFSTR_H_ */
