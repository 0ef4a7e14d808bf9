/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b_swap.c: swap I/O bandwidth against raw I/O on the same file.
 *
 *	pageout_seq	allocate slots and write a long sequential run of
 *			pages with uvm_swap_put(), one cluster per call,
 *			vs pwrite() of the same bytes in the same chunks
 *	pagein_seq	read the run back with uvm_swap_getpages() vs pread()
 *
 * Both sides use the same host file, so both run through the host's page
 * cache alike; the figures compare the swap layer's overhead (slot
 * allocation, device look-up, gathering page frames into an iovec) with
 * plain system calls.  Rates in MB/s, medians of the repetitions; the
 * libuvm and raw runs alternate so drift hits both.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_swap.h"

#define BS_CLUSTER UVM_SWAP_MAXCLUSTER

struct bswap {
	struct uvm *bs_uvm;
	char bs_path[256];
	unsigned bs_npages;
	uint64_t bs_pagesize;
	struct vm_page **bs_pages;
	uint64_t *bs_runs; /* first slot of each cluster */
	unsigned bs_nruns;
	uint8_t *bs_buf; /* raw side's buffer */
};

static int
bswap_setup(struct bswap *bs, unsigned npages)
{
	struct uvm_config cfg;
	const char *tmp = getenv("TMPDIR");
	unsigned i;

	memset(bs, 0, sizeof(*bs));
	uvm_config_init(&cfg);
	cfg.uc_memsize = (uint64_t)npages * 4096 + (16u << 20);
	if (uvm_create(&cfg, &bs->bs_uvm) != 0)
		return -1;
	bs->bs_pagesize = uvm_pagesize(bs->bs_uvm);
	snprintf(bs->bs_path, sizeof(bs->bs_path), "%s/uvmbench_swap.%d",
	    tmp != NULL ? tmp : "/tmp", (int)getpid());
	(void)unlink(bs->bs_path);
	if (uvm_swap_add(bs->bs_uvm, bs->bs_path, 0,
		(uint64_t)npages * bs->bs_pagesize) != 0)
		return -1;
	bs->bs_npages = npages;
	bs->bs_pages = calloc(npages, sizeof(*bs->bs_pages));
	bs->bs_runs = calloc(npages / BS_CLUSTER + 1, sizeof(uint64_t));
	/* Host memory of the same kind as the machine's page frames. */
	bs->bs_buf =
	    mmap(NULL, (size_t)npages * bs->bs_pagesize, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (bs->bs_buf == MAP_FAILED)
		bs->bs_buf = NULL;
	if (bs->bs_pages == NULL || bs->bs_runs == NULL || bs->bs_buf == NULL)
		return -1;
	for (i = 0; i < npages; i++) {
		bs->bs_pages[i] = uvm_pagealloc(bs->bs_uvm, NULL, 0, NULL, 0);
		if (bs->bs_pages[i] == NULL)
			return -1;
		memset(uvm_page_hostaddr(bs->bs_uvm, bs->bs_pages[i]),
		    (int)(i & 0xff), bs->bs_pagesize);
	}
	memset(bs->bs_buf, 0x5a, (size_t)npages * bs->bs_pagesize);
	return 0;
}

static void
bswap_teardown(struct bswap *bs)
{
	unsigned i;

	if (bs->bs_pages != NULL)
		for (i = 0; i < bs->bs_npages; i++)
			if (bs->bs_pages[i] != NULL)
				uvm_pagefree(bs->bs_pages[i]);
	if (bs->bs_uvm != NULL) {
		(void)uvm_swap_remove(bs->bs_uvm, bs->bs_path);
		uvm_destroy(bs->bs_uvm);
	}
	(void)unlink(bs->bs_path);
	free(bs->bs_pages);
	free(bs->bs_runs);
	if (bs->bs_buf != NULL)
		(void)munmap(
		    bs->bs_buf, (size_t)bs->bs_npages * bs->bs_pagesize);
}

/* Page out the whole run: allocate slots per cluster and write them. */
static int
bswap_pageout(struct bswap *bs)
{
	unsigned done, n;

	bs->bs_nruns = 0;
	for (done = 0; done < bs->bs_npages; done += n) {
		uint64_t slot;

		n = MIN(BS_CLUSTER, bs->bs_npages - done);
		slot = uvm_swap_alloc(bs->bs_uvm, &n, false);
		if (slot == 0 ||
		    uvm_swap_put(bs->bs_uvm, slot, &bs->bs_pages[done], n) != 0)
			return -1;
		bs->bs_runs[bs->bs_nruns++] = slot;
	}
	return 0;
}

static int
bswap_pagein(struct bswap *bs)
{
	unsigned r, done = 0, n;

	for (r = 0; r < bs->bs_nruns; r++, done += n) {
		n = MIN(BS_CLUSTER, bs->bs_npages - done);
		if (uvm_swap_getpages(bs->bs_uvm, bs->bs_runs[r],
			&bs->bs_pages[done], n) != 0)
			return -1;
	}
	return 0;
}

static void
bswap_release(struct bswap *bs)
{
	unsigned r, done = 0, n;

	for (r = 0; r < bs->bs_nruns; r++, done += n) {
		n = MIN(BS_CLUSTER, bs->bs_npages - done);
		uvm_swap_free(bs->bs_uvm, bs->bs_runs[r], n);
	}
	bs->bs_nruns = 0;
}

/* The raw side: the same bytes in the same chunks, on its own fd. */
static int
bswap_raw(struct bswap *bs, bool write)
{
	size_t chunk = (size_t)BS_CLUSTER * bs->bs_pagesize;
	size_t total = (size_t)bs->bs_npages * bs->bs_pagesize, off;
	int fd = open(bs->bs_path, O_RDWR);

	if (fd < 0)
		return -1;
	for (off = 0; off < total; off += chunk) {
		size_t len = MIN(chunk, total - off);
		ssize_t n = write
		    ? pwrite(fd, bs->bs_buf + off, len, (off_t)off)
		    : pread(fd, bs->bs_buf + off, len, (off_t)off);

		if (n != (ssize_t)len) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static void
bench_swap(struct bench_ctx *ctx)
{
	struct bswap bs;
	unsigned npages = ctx->bc_quick ? 4096 : 32768; /* 16 / 128 MiB */
	int reps = ctx->bc_reps > 0 ? ctx->bc_reps : 5, i;
	double *out_l = calloc((size_t)reps, sizeof(double));
	double *out_r = calloc((size_t)reps, sizeof(double));
	double *in_l = calloc((size_t)reps, sizeof(double));
	double *in_r = calloc((size_t)reps, sizeof(double));
	double mb;
	uint64_t t0;

	memset(&bs, 0, sizeof(bs));
	if (out_l == NULL || out_r == NULL || in_l == NULL || in_r == NULL ||
	    bswap_setup(&bs, npages) != 0) {
		fprintf(stderr, "b_swap: setup failed\n");
		goto out;
	}
	mb = (double)npages * (double)bs.bs_pagesize / 1e6;
	/* Warm the file's page cache with one untimed round of each. */
	if (bswap_pageout(&bs) != 0 || bswap_pagein(&bs) != 0 ||
	    bswap_raw(&bs, true) != 0 || bswap_raw(&bs, false) != 0)
		goto fail;
	bswap_release(&bs);
	for (i = 0; i < reps; i++) {
		t0 = bench_now_ns();
		if (bswap_pageout(&bs) != 0)
			goto fail;
		out_l[i] = mb / ((double)(bench_now_ns() - t0) / 1e9);
		t0 = bench_now_ns();
		if (bswap_pagein(&bs) != 0)
			goto fail;
		in_l[i] = mb / ((double)(bench_now_ns() - t0) / 1e9);
		bswap_release(&bs);
		t0 = bench_now_ns();
		if (bswap_raw(&bs, true) != 0)
			goto fail;
		out_r[i] = mb / ((double)(bench_now_ns() - t0) / 1e9);
		t0 = bench_now_ns();
		if (bswap_raw(&bs, false) != 0)
			goto fail;
		in_r[i] = mb / ((double)(bench_now_ns() - t0) / 1e9);
	}
	bench_report("pageout_seq", "MB/s", bench_median(out_l, reps), "rawio",
	    bench_median(out_r, reps), false);
	bench_report("pagein_seq", "MB/s", bench_median(in_l, reps), "rawio",
	    bench_median(in_r, reps), false);
	goto out;
fail:
	fprintf(stderr, "b_swap: I/O failed\n");
out:
	bswap_release(&bs);
	bswap_teardown(&bs);
	free(out_l);
	free(out_r);
	free(in_l);
	free(in_r);
}

BENCH_REGISTER(swap_pageout_seq_pagein_seq,
    "swap page-out/page-in bandwidth vs raw pwrite/pread", bench_swap)
