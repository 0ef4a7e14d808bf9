/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parse_block.c: readers for the storage and cache traces: F7 UMass/SPC,
 * F8 MSR Cambridge, F10 CSV with a column map (comma-separated), and the
 * binary F1 (uint32 block numbers) and F9 (libCacheSim oracleGeneral).
 *
 * Storage traces address bytes or 512-byte sectors; they become accesses
 * of the whole request range, which the flat engine later folds to pages
 * (so a request spanning two pages touches both).  Writes are kept as
 * dirtying accesses (Caffeine drops them; a VM simulator needs them).
 * Cache traces (F9, F10) name objects: each object is one page.
 */
#include <string.h>

#include "parse.h"

#define SPC_SECTOR 512

static void
rd_trim(struct sim_tok *t)
{
	while (t->tk_n > 0 && (t->tk_p[0] == ' ' || t->tk_p[0] == '\t')) {
		t->tk_p++;
		t->tk_n--;
	}
	while (t->tk_n > 0 &&
	    (t->tk_p[t->tk_n - 1] == ' ' || t->tk_p[t->tk_n - 1] == '\t'))
		t->tk_n--;
}

/* F7: "ASU,LBA,Size,Opcode,Timestamp[,...]". */
int
parse_spc(struct trace_reader *rd)
{
	struct sim_tok tk[5];
	char b[100];
	uint64_t asu, lba, size, sectors;
	double ts;
	int r, op, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt =
		    sim_split_ch(rd->rd_line, rd->rd_linelen, ',', tk, 5);

		if (nt < 5)
			return rd_fail(rd,
			    "truncated line: expected "
			    "\"ASU,LBA,Size,Opcode,Timestamp\"");
		for (int i = 0; i < 5; i++)
			rd_trim(&tk[i]);
		if ((error = rd_field_dec(rd, &tk[0], "ASU", &asu)) != 0)
			return error;
		if ((error = rd_field_dec(rd, &tk[1], "LBA", &lba)) != 0)
			return error;
		if ((error = rd_field_dec(rd, &tk[2], "size", &size)) != 0)
			return error;
		if (sim_tok_caseeq(&tk[3], "r"))
			op = TOP_READ;
		else if (sim_tok_caseeq(&tk[3], "w"))
			op = TOP_WRITE;
		else
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected r or w)",
			    rd_tok(&tk[3], b, sizeof(b)));
		if (!sim_parse_double(tk[4].tk_p, tk[4].tk_n, &ts))
			return rd_fail(rd, "bad timestamp \"%s\"",
			    rd_tok(&tk[4], b, sizeof(b)));
		sectors = size / SPC_SECTOR + (size % SPC_SECTOR != 0);
		if (lba > UINT64_MAX / SPC_SECTOR / 2 ||
		    sectors > UINT64_MAX / SPC_SECTOR / 2)
			return rd_fail(rd, "request out of range");
		if (rd->rd_opts->ro_asu >= 0 &&
		    asu != (uint64_t)rd->rd_opts->ro_asu)
			continue;
		if (sectors == 0)
			continue;
		error = rd_access(
		    rd, op, 1, lba * SPC_SECTOR, sectors * SPC_SECTOR);
		if (error != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* F8: "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime". */
int
parse_msr(struct trace_reader *rd)
{
	struct sim_tok tk[8];
	char b[100];
	uint64_t ts, disk, off, size, resp;
	int r, op, error;

	while ((r = rd_next(rd, true)) > 0) {
		size_t nt =
		    sim_split_ch(rd->rd_line, rd->rd_linelen, ',', tk, 8);

		if (nt < 7)
			return rd_fail(rd,
			    "truncated line: expected 7 "
			    "comma-separated fields, found %zu",
			    nt);
		if (nt > 7)
			return rd_fail(rd,
			    "unexpected text after 7 fields: "
			    "\"%s\"",
			    rd_tok(&tk[7], b, sizeof(b)));
		for (int i = 0; i < 7; i++)
			rd_trim(&tk[i]);
		if ((error = rd_field_dec(rd, &tk[0], "timestamp", &ts)) != 0)
			return error;
		if ((error = rd_field_dec(rd, &tk[2], "disk number", &disk)) !=
		    0)
			return error;
		if (sim_tok_caseeq(&tk[3], "Read"))
			op = TOP_READ;
		else if (sim_tok_caseeq(&tk[3], "Write"))
			op = TOP_WRITE;
		else
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected Read or Write)",
			    rd_tok(&tk[3], b, sizeof(b)));
		if ((error = rd_field_dec(rd, &tk[4], "offset", &off)) != 0)
			return error;
		if ((error = rd_field_dec(rd, &tk[5], "size", &size)) != 0)
			return error;
		if ((error = rd_field_dec(
			 rd, &tk[6], "response time", &resp)) != 0)
			return error;
		if (size != 0 && off > UINT64_MAX - (size - 1))
			return rd_fail(rd, "request out of range");
		if (size == 0)
			continue;
		if ((error = rd_access(rd, op, 1, off, size)) != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

/* 64-bit FNV-1a of an object name, with the top bit set (never a page). */
static uint64_t
rd_hash_name(const struct sim_tok *t)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < t->tk_n; i++) {
		h ^= (unsigned char)t->tk_p[i];
		h *= 0x100000001b3ULL;
	}
	return h | ((uint64_t)1 << 63);
}

static int
rd_csv_op(const struct sim_tok *t)
{
	static const char *const rd[] = {"r", "read", "get", "gets", "load"};
	static const char *const wr[] = {
	    "w", "write", "set", "put", "store", "update"};

	for (size_t i = 0; i < sizeof(rd) / sizeof(rd[0]); i++)
		if (sim_tok_caseeq(t, rd[i]))
			return TOP_READ;
	for (size_t i = 0; i < sizeof(wr) / sizeof(wr[0]); i++)
		if (sim_tok_caseeq(t, wr[i]))
			return TOP_WRITE;
	return -1;
}

/* F10: delimited fields chosen by the column map; one page per object. */
int
parse_csv(struct trace_reader *rd)
{
	const struct trace_csvspec *cs = &rd->rd_opts->ro_csv;
	struct sim_tok tk[1025];
	unsigned need;
	bool header = cs->cs_header;
	char b[100];
	int r, error;

	need = cs->cs_id;
	if (cs->cs_time > need)
		need = cs->cs_time;
	if (cs->cs_size > need)
		need = cs->cs_size;
	if (cs->cs_op > need)
		need = cs->cs_op;
	while ((r = rd_next(rd, true)) > 0) {
		uint64_t id, page, addr, size;
		double t;
		size_t nt;
		int op = TOP_READ;

		if (cs->cs_delim == ' ')
			nt =
			    sim_split_ws(rd->rd_line, rd->rd_linelen, tk, 1025);
		else
			nt = sim_split_ch(rd->rd_line, rd->rd_linelen,
			    cs->cs_delim, tk, 1025);
		if (header) {
			header = false;
			continue;
		}
		if (nt < need)
			return rd_fail(rd,
			    "truncated line: column %u "
			    "needed, %zu found",
			    need, nt);
		for (size_t i = 0; i < need; i++)
			rd_trim(&tk[i]);
		if (cs->cs_time != 0 &&
		    !sim_parse_double(
			tk[cs->cs_time - 1].tk_p, tk[cs->cs_time - 1].tk_n, &t))
			return rd_fail(rd, "bad time \"%s\"",
			    rd_tok(&tk[cs->cs_time - 1], b, sizeof(b)));
		if (cs->cs_size != 0 &&
		    !sim_parse_dec(tk[cs->cs_size - 1].tk_p,
			tk[cs->cs_size - 1].tk_n, &size))
			return rd_fail(rd, "bad object size \"%s\"",
			    rd_tok(&tk[cs->cs_size - 1], b, sizeof(b)));
		if (cs->cs_op != 0 && (op = rd_csv_op(&tk[cs->cs_op - 1])) < 0)
			return rd_fail(rd,
			    "unknown operation \"%s\" "
			    "(expected read/get/r or "
			    "write/set/w)",
			    rd_tok(&tk[cs->cs_op - 1], b, sizeof(b)));
		if (tk[cs->cs_id - 1].tk_n == 0)
			return rd_fail(
			    rd, "empty object id in column %u", cs->cs_id);
		if (!sim_parse_num(
			tk[cs->cs_id - 1].tk_p, tk[cs->cs_id - 1].tk_n, &id))
			id = rd_hash_name(&tk[cs->cs_id - 1]);
		page = rd_object_page(rd, id);
		if (!rd_page_addr(rd, page, 1, &addr))
			return rd_fail(rd, "object id out of range");
		error = rd_access(rd, op, 1, addr, rd->rd_opts->ro_pagesize);
		if (error != 0)
			return error;
	}
	return r < 0 ? TRACE_EINPUT : 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* F1 binary: little-endian uint32 block numbers. */
int
parse_pages_bin(struct trace_reader *rd)
{
	uint8_t rec[4];
	uint64_t i, addr;
	long n;
	int error;

	for (i = 0;; i++) {
		if ((n = tin_read(rd->rd_in, rec, sizeof(rec))) < 0)
			return TRACE_EINPUT;
		if (n == 0)
			break;
		rd->rd_info->ti_records++;
		if (n != sizeof(rec))
			return rd_fail_rec(rd, i, sizeof(rec),
			    "truncated record (%ld of 4 bytes)", n);
		if (!rd_page_addr(rd, le32(rec), 1, &addr))
			return rd_fail_rec(
			    rd, i, sizeof(rec), "block number out of range");
		error =
		    rd_access(rd, TOP_READ, 1, addr, rd->rd_opts->ro_pagesize);
		if (error != 0)
			return error;
	}
	return 0;
}

/*
 * F9: oracleGeneral records {u32 time, u64 obj_id, u32 size, i64 next}.
 * The next-access index must be -1 or later than the record itself: a
 * violation means the file is not (or no longer) oracleGeneral.
 */
int
parse_oracle(struct trace_reader *rd)
{
	uint8_t rec[24];
	uint64_t i, page, addr;
	int64_t next;
	long n;
	int error;

	for (i = 0;; i++) {
		if ((n = tin_read(rd->rd_in, rec, sizeof(rec))) < 0)
			return TRACE_EINPUT;
		if (n == 0)
			break;
		rd->rd_info->ti_records++;
		if (n != sizeof(rec))
			return rd_fail_rec(rd, i, sizeof(rec),
			    "truncated record (%ld of 24 bytes)", n);
		next = (int64_t)le64(rec + 16);
		if (next != -1 && (next < 0 || (uint64_t)next <= i))
			return rd_fail_rec(rd, i, sizeof(rec),
			    "bad next_access_vtime %lld (must be -1 or "
			    "after record %llu)",
			    (long long)next, (unsigned long long)i);
		page = rd_object_page(rd, le64(rec + 4));
		if (!rd_page_addr(rd, page, 1, &addr))
			return rd_fail_rec(
			    rd, i, sizeof(rec), "object id out of range");
		error =
		    rd_access(rd, TOP_READ, 1, addr, rd->rd_opts->ro_pagesize);
		if (error != 0)
			return error;
	}
	return 0;
}
