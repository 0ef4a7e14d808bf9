/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pglist.c: allocation of lists of physical pages under constraints
 * (uvm_pglistalloc(9)): physical range, alignment, boundary, number of
 * contiguous runs.
 *
 * Design note.
 *
 * Three searches, all under the free-list lock and over the free bitmaps
 * of the segments (64 frames per word), never over the vm_pages:
 *
 *  - simple: nsegs >= npages, no alignment beyond a page and no boundary:
 *    any free pages in [low, high) will do, lowest frames first.
 *
 *  - contiguous: nsegs == 1, or an alignment or boundary is asked for
 *    (as NetBSD does, constraints always get one run): the first run of
 *    npages free frames inside [low, high) that starts at a multiple of
 *    the alignment and does not cross a multiple of the boundary.  Free
 *    lists are searched in order (0 first), and inside a free list the
 *    segments by address; runs never span segments.  The scan jumps: a
 *    candidate that would cross a boundary moves to the boundary; one
 *    that meets a used frame z restarts at the first free frame after z
 *    (rounded up to the alignment).  So each bitmap word is read O(1)
 *    times per segment.
 *
 *  - few runs: 1 < nsegs < npages without constraints: the nsegs longest
 *    maximal free runs in [low, high) (a min-heap of nsegs entries over
 *    one pass); if they hold npages frames, pages are taken from the
 *    longest runs first.  Longest-first is optimal: no choice of nsegs
 *    runs holds more frames.
 *
 * Pages come back on rlist (through pageq.queue) in ascending frame
 * order, not busy, flags 0 (contents unknown), owned by nobody.  The
 * allocation may use the kernel reserve but never the page daemon's.
 * With waitok the call still does not sleep: nothing can free pages for
 * it while it waits (the caller's page daemon, if any, runs first).
 * Nothing is allocated on error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"

/* First index in [i, end) whose bit is set (want 1) or clear; or end. */
static uint64_t
uvm_pgl_next(const uint64_t *map, uint64_t i, uint64_t end, bool want)
{
	while (i < end) {
		uint64_t w = map[i >> 6];

		if (!want)
			w = ~w;
		w &= ~(uint64_t)0 << (i & 63);
		if (w != 0) {
			i = (i & ~(uint64_t)63) + (uint64_t)__builtin_ctzll(w);
			return i < end ? i : end;
		}
		i = (i & ~(uint64_t)63) + 64;
	}
	return end;
}

static inline uint64_t
uvm_pgl_roundup(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Take pages [idx, idx + n) of pm (all free) onto rlist. */
static void
uvm_pgl_take(struct uvm *uvm, struct uvm_physmem *pm, uint64_t idx, uint64_t n,
    struct pglist *rlist)
{
	uvm_page_freelist_take_run(uvm, pm, idx, n, rlist);
}

/* The part of segment ps inside [lo, hi), as backing indices; false if none. */
static bool
uvm_pgl_window(const struct uvm_physseg *ps, uint64_t lo, uint64_t hi,
    uint64_t *ap, uint64_t *bp)
{
	uint64_t a = MAX(ps->ps_start, lo), b = MIN(ps->ps_end, hi);

	if (a >= b)
		return false;
	*ap = a - ps->ps_mem->pm_start;
	*bp = b - ps->ps_mem->pm_start;
	return true;
}

/*
 * Contiguous search in one window: frames are backing indices [a, b) of
 * pm, whose index 0 is frame pm_start; alignment and boundary in frames.
 */
static bool
uvm_pgl_contig_window(const struct uvm_physmem *pm, uint64_t a, uint64_t b,
    uint64_t npages, uint64_t apfn, uint64_t bpfn, uint64_t *idxp)
{
	uint64_t base = pm->pm_start, s, z;

	/* s is a frame number; alignment and boundary are absolute. */
	s = uvm_pgl_roundup(base + a, apfn);
	while (s + npages <= base + b) {
		if (bpfn != 0 && ((s ^ (s + npages - 1)) & ~(bpfn - 1)) != 0) {
			s = uvm_pgl_roundup((s | (bpfn - 1)) + 1, apfn);
			continue;
		}
		z = uvm_pgl_next(
		    pm->pm_freemap, s - base, s - base + npages, false);
		if (z == s - base + npages) {
			*idxp = s - base;
			return true;
		}
		/* Used frame at z: restart at the next free frame. */
		z = uvm_pgl_next(pm->pm_freemap, z + 1, b, true);
		s = uvm_pgl_roundup(base + z, apfn);
	}
	return false;
}

static int
uvm_pgl_contig(struct uvm *uvm, const struct uvm_physseg_snap *sn, uint64_t lo,
    uint64_t hi, uint64_t npages, uint64_t apfn, uint64_t bpfn,
    struct pglist *rlist)
{
	unsigned fl, i;
	uint64_t a, b, idx;

	for (fl = 0; fl < UVM_NFREELIST; fl++)
		for (i = 0; i < sn->sn_n; i++) {
			const struct uvm_physseg *ps = &sn->sn_segs[i];

			if (ps->ps_mem->pm_freelist != (int)fl ||
			    !uvm_pgl_window(ps, lo, hi, &a, &b) ||
			    b - a < npages)
				continue;
			if (uvm_pgl_contig_window(
				ps->ps_mem, a, b, npages, apfn, bpfn, &idx)) {
				uvm_pgl_take(
				    uvm, ps->ps_mem, idx, npages, rlist);
				return 0;
			}
		}
	return ENOMEM;
}

static int
uvm_pgl_simple(struct uvm *uvm, const struct uvm_physseg_snap *sn, uint64_t lo,
    uint64_t hi, uint64_t npages, struct pglist *rlist)
{
	uint64_t a, b, i, got = 0, have = 0;
	unsigned fl, k;

	/* Count first, so that a failure takes nothing. */
	for (k = 0; k < sn->sn_n && have < npages; k++) {
		const struct uvm_physseg *ps = &sn->sn_segs[k];

		if (!uvm_pgl_window(ps, lo, hi, &a, &b))
			continue;
		for (i = uvm_pgl_next(ps->ps_mem->pm_freemap, a, b, true);
		     i < b && have < npages;
		     i = uvm_pgl_next(ps->ps_mem->pm_freemap, i + 1, b, true))
			have++;
	}
	if (have < npages)
		return ENOMEM;
	for (fl = 0; fl < UVM_NFREELIST && got < npages; fl++)
		for (k = 0; k < sn->sn_n && got < npages; k++) {
			const struct uvm_physseg *ps = &sn->sn_segs[k];
			struct uvm_physmem *pm = ps->ps_mem;

			if (pm->pm_freelist != (int)fl ||
			    !uvm_pgl_window(ps, lo, hi, &a, &b))
				continue;
			for (i = uvm_pgl_next(pm->pm_freemap, a, b, true);
			     i < b && got < npages;
			     i = uvm_pgl_next(pm->pm_freemap, i, b, true)) {
				uint64_t e =
				    uvm_pgl_next(pm->pm_freemap, i, b, false);

				e = MIN(e, i + (npages - got));
				uvm_pgl_take(uvm, pm, i, e - i, rlist);
				got += e - i;
				i = e;
			}
		}
	KASSERT(got == npages);
	return 0;
}

struct uvm_pgl_run {
	struct uvm_physmem *r_mem;
	uint64_t r_idx; /* first backing index */
	uint64_t r_len; /* frames */
	uint64_t r_seq; /* discovery order: ties go to the earlier run */
};

/* Min-heap order: shorter first; of equal length, later found first. */
static bool
uvm_pgl_run_lt(const struct uvm_pgl_run *x, const struct uvm_pgl_run *y)
{
	return x->r_len < y->r_len ||
	    (x->r_len == y->r_len && x->r_seq > y->r_seq);
}

static void
uvm_pgl_heap_down(struct uvm_pgl_run *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct uvm_pgl_run t;

		if (l < n && uvm_pgl_run_lt(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && uvm_pgl_run_lt(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
uvm_pgl_heap_up(struct uvm_pgl_run *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct uvm_pgl_run t;

		if (!uvm_pgl_run_lt(&h[i], &h[p]))
			return;
		t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

static int
uvm_pgl_run_addrcmp(const void *x, const void *y)
{
	const struct uvm_pgl_run *a = x, *b = y;
	uint64_t fa = a->r_mem->pm_start + a->r_idx;
	uint64_t fb = b->r_mem->pm_start + b->r_idx;

	return fa < fb ? -1 : fa > fb;
}

static int
uvm_pgl_runs(struct uvm *uvm, const struct uvm_physseg_snap *sn, uint64_t lo,
    uint64_t hi, uint64_t npages, struct uvm_pgl_run *heap, size_t k,
    struct pglist *rlist)
{
	uint64_t a, b, i, e, seq = 0, total = 0, need;
	size_t n = 0, j;
	unsigned s;

	for (s = 0; s < sn->sn_n; s++) {
		const struct uvm_physseg *ps = &sn->sn_segs[s];
		struct uvm_physmem *pm = ps->ps_mem;

		if (!uvm_pgl_window(ps, lo, hi, &a, &b))
			continue;
		for (i = uvm_pgl_next(pm->pm_freemap, a, b, true); i < b;
		     i = uvm_pgl_next(pm->pm_freemap, e, b, true)) {
			struct uvm_pgl_run r;

			e = uvm_pgl_next(pm->pm_freemap, i, b, false);
			r.r_mem = pm;
			r.r_idx = i;
			r.r_len = e - i;
			r.r_seq = seq++;
			if (n < k) {
				heap[n] = r;
				uvm_pgl_heap_up(heap, n++);
			} else if (uvm_pgl_run_lt(&heap[0], &r)) {
				heap[0] = r;
				uvm_pgl_heap_down(heap, n, 0);
			}
		}
	}
	for (j = 0; j < n; j++)
		total += heap[j].r_len;
	if (total < npages)
		return ENOMEM;
	/* Drop the shortest runs that are not needed; trim the last one. */
	while (n > 0 && total - heap[0].r_len >= npages) {
		total -= heap[0].r_len;
		heap[0] = heap[--n];
		uvm_pgl_heap_down(heap, n, 0);
	}
	KASSERT(n > 0);
	heap[0].r_len -= total - npages;
	qsort(heap, n, sizeof(heap[0]), uvm_pgl_run_addrcmp);
	need = 0;
	for (j = 0; j < n; j++) {
		uvm_pgl_take(
		    uvm, heap[j].r_mem, heap[j].r_idx, heap[j].r_len, rlist);
		need += heap[j].r_len;
	}
	KASSERT(need == npages);
	return 0;
}

/*
 * uvm_pglistalloc: allocate size bytes of pages in physical [low, high)
 * onto rlist (initialised here), in at most nsegs contiguous runs,
 * honouring alignment (a power of two; 0 or less than a page means a
 * page) and boundary (a power of two at least size; 0 for none).
 * => takes the free-list lock; never sleeps (see the design note)
 * => returns 0, EINVAL for bad arguments, ENOMEM if no such pages are
 *    free (nothing allocated)
 */
int
uvm_pglistalloc(struct uvm *uvm, psize_t size, paddr_t low, paddr_t high,
    paddr_t alignment, paddr_t boundary, struct pglist *rlist, int nsegs,
    int waitok)
{
	const struct uvm_physseg_snap *sn;
	struct uvm_pgl_run *heap = NULL;
	uint64_t npages, lo, hi, apfn, bpfn;
	int error;

	(void)waitok;
	if (rlist == NULL || nsegs < 1 || size == 0 ||
	    size > UINT64_MAX - uvm->u_pagemask || low >= high)
		return EINVAL;
	size = uvm_round_page(uvm, size);
	if (alignment < uvm->u_pagesize)
		alignment = alignment == 0 || powerof2_p(alignment)
		    ? uvm->u_pagesize
		    : alignment;
	if (!powerof2_p(alignment))
		return EINVAL;
	if (boundary != 0 && (!powerof2_p(boundary) || boundary < size))
		return EINVAL;
	TAILQ_INIT(rlist);
	npages = uvm_atop(uvm, size);
	if (low > UINT64_MAX - uvm->u_pagemask)
		return ENOMEM;
	lo = uvm_atop(uvm, uvm_round_page(uvm, low));
	hi = uvm_atop(uvm, high);
	if (hi <= lo || hi - lo < npages)
		return ENOMEM;
	apfn = uvm_atop(uvm, alignment);
	bpfn = uvm_atop(uvm, boundary);

	if ((uint64_t)nsegs < npages && nsegs > 1 && apfn == 1 && bpfn == 0) {
		heap = calloc((size_t)nsegs, sizeof(*heap));
		if (heap == NULL)
			return ENOMEM;
	}
	uvm_page_freelist_lock(uvm);
	sn = uvm_physseg_snap(uvm);
	if (uvm_page_freelist_avail(uvm) < npages)
		error = ENOMEM;
	else if (heap != NULL)
		error = uvm_pgl_runs(
		    uvm, sn, lo, hi, npages, heap, (size_t)nsegs, rlist);
	else if ((uint64_t)nsegs >= npages && apfn == 1 && bpfn == 0)
		error = uvm_pgl_simple(uvm, sn, lo, hi, npages, rlist);
	else
		error =
		    uvm_pgl_contig(uvm, sn, lo, hi, npages, apfn, bpfn, rlist);
	uvm_page_freelist_unlock(uvm);
	free(heap);
	return error;
}

/*
 * uvm_pglistfree: free the pages of a list from uvm_pglistalloc() (they
 * must be unowned, unbusy, unmapped, unwired); the list ends up empty.
 * => takes the free-list lock
 */
void
uvm_pglistfree(struct uvm *uvm, struct pglist *list)
{
	uvm_page_freelist_lock(uvm);
	uvm_page_freelist_put_list(uvm, list);
	uvm_page_freelist_unlock(uvm);
}
