/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * refstr.c: building the flat reference string from trace events, and the
 * next-use index that makes Belady's OPT O(log k) per reference.
 */
#include <stdlib.h>
#include <string.h>

#include "refstr.h"
#include "util.h"

void
refstr_init(struct refstr *rs, uint64_t pagesize, uint64_t maxrefs)
{
	memset(rs, 0, sizeof(*rs));
	rs->rs_pagesize = pagesize;
	rs->rs_maxrefs =
	    maxrefs != 0 && maxrefs < RS_MAXREFS ? maxrefs : RS_MAXREFS;
}

void
refstr_free(struct refstr *rs)
{
	free(rs->rs_ref);
	free(rs->rs_as);
	free(rs->rs_vpn);
	free(rs->rs_hash);
	free(rs->rs_next);
	memset(rs, 0, sizeof(*rs));
}

static size_t
refstr_slot(uint32_t as, uint64_t vpn, size_t cap)
{
	uint64_t h = (vpn ^ ((uint64_t)as << 47) ^ ((uint64_t)as >> 17)) *
	    0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 24) & (cap - 1);
}

static void
refstr_rehash(struct refstr *rs)
{
	size_t ncap = rs->rs_hcap != 0 ? rs->rs_hcap * 2 : 4096;

	free(rs->rs_hash);
	rs->rs_hash = sim_calloc(ncap, sizeof(*rs->rs_hash));
	rs->rs_hcap = ncap;
	for (size_t id = 0; id < rs->rs_npages; id++) {
		size_t i = refstr_slot(rs->rs_as[id], rs->rs_vpn[id], ncap);

		while (rs->rs_hash[i] != 0)
			i = (i + 1) & (ncap - 1);
		rs->rs_hash[i] = (uint32_t)id + 1;
	}
}

/* The page id of (as, vpn), assigned on first sight; -1 if too many. */
static int64_t
refstr_id(struct refstr *rs, uint32_t as, uint64_t vpn)
{
	size_t i;

	if (rs->rs_npages * 2 >= rs->rs_hcap)
		refstr_rehash(rs);
	i = refstr_slot(as, vpn, rs->rs_hcap);
	while (rs->rs_hash[i] != 0) {
		uint32_t id = rs->rs_hash[i] - 1;

		if (rs->rs_vpn[id] == vpn && rs->rs_as[id] == as)
			return id;
		i = (i + 1) & (rs->rs_hcap - 1);
	}
	if (rs->rs_npages >= RS_IDMASK)
		return -1;
	if (rs->rs_npages == rs->rs_pcap) {
		rs->rs_pcap = rs->rs_pcap != 0 ? rs->rs_pcap * 2 : 1024;
		rs->rs_as = sim_reallocarray(
		    rs->rs_as, rs->rs_pcap, sizeof(*rs->rs_as));
		rs->rs_vpn = sim_reallocarray(
		    rs->rs_vpn, rs->rs_pcap, sizeof(*rs->rs_vpn));
	}
	rs->rs_as[rs->rs_npages] = as;
	rs->rs_vpn[rs->rs_npages] = vpn;
	rs->rs_hash[i] = (uint32_t)rs->rs_npages + 1;
	return (int64_t)rs->rs_npages++;
}

int
refstr_add(struct refstr *rs, uint32_t as, uint64_t vpn, bool write)
{
	int64_t id;

	if (rs->rs_n >= rs->rs_maxrefs) {
		snprintf(rs->rs_err, sizeof(rs->rs_err),
		    "trace too long: more than %llu page references",
		    (unsigned long long)rs->rs_maxrefs);
		return -1;
	}
	if ((id = refstr_id(rs, as, vpn)) < 0) {
		snprintf(rs->rs_err, sizeof(rs->rs_err),
		    "trace too large: more than %u distinct pages", RS_IDMASK);
		return -1;
	}
	if (rs->rs_n == rs->rs_cap) {
		rs->rs_cap = rs->rs_cap != 0 ? rs->rs_cap * 2 : 4096;
		rs->rs_ref = sim_reallocarray(
		    rs->rs_ref, rs->rs_cap, sizeof(*rs->rs_ref));
	}
	rs->rs_ref[rs->rs_n++] = (uint32_t)id | (write ? RS_WRITE : 0);
	if (write)
		rs->rs_writes++;
	else
		rs->rs_reads++;
	return 0;
}

int
refstr_sink(void *arg, const struct trace_event *ev)
{
	struct refstr *rs = arg;
	uint64_t first, last;

	rs->rs_events++;
	if (!trace_op_access_p(ev->ev_op)) {
		rs->rs_skipped[ev->ev_op]++;
		rs->rs_nskipped++;
		return 0;
	}
	first = ev->ev_addr / rs->rs_pagesize;
	last = (ev->ev_addr + (ev->ev_len != 0 ? ev->ev_len - 1 : 0)) /
	    rs->rs_pagesize;
	if (last - first >= rs->rs_maxrefs - rs->rs_n) {
		snprintf(rs->rs_err, sizeof(rs->rs_err),
		    "trace too long: more than %llu page references",
		    (unsigned long long)rs->rs_maxrefs);
		return -1;
	}
	for (uint64_t vpn = first;; vpn++) {
		if (refstr_add(rs, ev->ev_as, vpn, ev->ev_op == TOP_WRITE) != 0)
			return -1;
		if (vpn == last)
			break;
	}
	return 0;
}

void
refstr_build_next(struct refstr *rs)
{
	uint32_t *last;

	if (rs->rs_next != NULL)
		return;
	rs->rs_next = sim_reallocarray(NULL, rs->rs_n, sizeof(uint32_t));
	last = sim_reallocarray(NULL, rs->rs_npages, sizeof(uint32_t));
	for (size_t id = 0; id < rs->rs_npages; id++)
		last[id] = RS_NEVER;
	for (size_t i = rs->rs_n; i-- > 0;) {
		uint32_t id = rs->rs_ref[i] & RS_IDMASK;

		rs->rs_next[i] = last[id];
		last[id] = (uint32_t)i;
	}
	free(last);
}

static void
refstr_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

void
refstr_write_oracle(struct refstr *rs, FILE *f)
{
	uint8_t rec[24];

	refstr_build_next(rs);
	for (size_t i = 0; i < rs->rs_n; i++) {
		uint32_t id = rs->rs_ref[i] & RS_IDMASK;
		uint64_t obj =
		    rs->rs_as[id] == 1 && rs->rs_vpn[id] < TRACE_DENSE_BASE
		    ? rs->rs_vpn[id]
		    : TRACE_DENSE_BASE + id;
		int64_t next =
		    rs->rs_next[i] == RS_NEVER ? -1 : (int64_t)rs->rs_next[i];

		refstr_le(rec, (uint32_t)i, 4);
		refstr_le(rec + 4, obj, 8);
		refstr_le(rec + 12, (uint32_t)rs->rs_pagesize, 4);
		refstr_le(rec + 16, (uint64_t)next, 8);
		fwrite(rec, 1, sizeof(rec), f);
	}
}
