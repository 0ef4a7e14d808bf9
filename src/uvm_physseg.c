/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_physseg.c: physical memory segments and their hotplug.
 *
 * This file owns the segment table of a machine (struct uvm_physseg_state
 * behind uvm->u_physseg), the backings of the segments (vm_page arrays,
 * host memory for frame contents, free bitmaps) and uvm_hotplug(9):
 * uvm_page_physload() and uvm_physseg_unplug().  The free lists themselves
 * belong to uvm_page.c; hotplug asks it to load and unload pages.
 *
 * Design note.
 *
 *  - Backings.  Each load (from the configuration or uvm_page_physload())
 *    makes one backing: a vm_page array cut into aligned 64 KiB chunks
 *    whose first 64 bytes name the machine and the backing (see
 *    uvm_physseg.h), one host mapping (MAP_PRIVATE|MAP_ANONYMOUS|
 *    MAP_NORESERVE) holding the frames' contents, and a bitmap of free
 *    pages.  A vm_page never moves while its backing lives.
 *
 *  - Segments are windows on backings, kept in an array sorted by first
 *    page frame.  Adjacent loads stay separate segments (we do not merge:
 *    merging would need the two backings to be one).  Unplugging a range
 *    trims a window, splits it into two windows on the same backing, or
 *    removes it; the host memory of unplugged frames is given back with
 *    MADV_DONTNEED, and a backing is freed with its last window.
 *
 *  - Look-ups (pfn -> segment, O(log n) binary search) read an immutable
 *    snapshot of the table through an acquire load and take no lock.
 *    Hotplug runs under the free-list lock (uvm_page_freelist_lock()):
 *    it checks for overlap or busy pages, changes the free lists, and
 *    publishes a new snapshot, all in one critical section, so that
 *    nothing is visible half done.  Old snapshots stay allocated until
 *    uvm_physseg_fini(): a reader may still be walking one.
 *
 *  - A page of an unplugged range is no longer managed: nobody may hold
 *    it (unplug refuses ranges with a non-free page), and its vm_page
 *    stays in memory, unreachable, until the backing goes.
 *
 * Lock order: the free-list lock (LC_FREELIST) is the only lock here; the
 * replacement policy is told of a size change (uvmpdpol_reinit()) after
 * it is dropped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define UVM_PAGE_PRIVATE
#include "uvm.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_physseg.h"

CTASSERT(sizeof(struct uvm_pgchunk) <= UVM_PGCHUNK_HDR);
CTASSERT(UVM_PGCHUNK_HDR % sizeof(void *) == 0);

LIST_HEAD(uvm_physmem_list, uvm_physmem);

struct uvm_physseg_state {
	struct uvm_physseg_snap *pss_snap;    /* [f] current (acquire load) */
	struct uvm_physseg_snap *pss_retired; /* [f] old snapshots */
	struct uvm_physmem_list pss_mems;     /* [f] every live backing */
	size_t pss_hostpage;                  /* [c] host page size */
};

/* The current segment table; NULL before uvm_physseg_init(). */
const struct uvm_physseg_snap *
uvm_physseg_snap(const struct uvm *uvm)
{
	const struct uvm_physseg_state *pss = uvm->u_physseg;

	if (pss == NULL)
		return NULL;
	return __atomic_load_n(&pss->pss_snap, __ATOMIC_ACQUIRE);
}

static struct uvm_physseg_snap *
uvm_physseg_snap_alloc(unsigned n)
{
	struct uvm_physseg_snap *sn;

	sn = calloc(1, sizeof(*sn) + (size_t)n * sizeof(sn->sn_segs[0]));
	if (sn != NULL)
		sn->sn_n = n;
	return sn;
}

/*
 * uvm_physmem_create: a backing for frames [start, start + npages) on a
 * free list, its pages initialised but not managed (flags 0).
 * => returns 0, or ENOMEM (nothing allocated).
 */
static int
uvm_physmem_create(struct uvm *uvm, uint64_t start, uint64_t npages,
    int freelist, struct uvm_physmem **pmp)
{
	struct uvm_physmem *pm;
	uint64_t idx, c;
	size_t hostlen;

	KASSERT(npages > 0);
	KASSERT(start + npages <= (uint64_t)UINT32_MAX + 1);

	*pmp = NULL;
	if (npages > SIZE_MAX / uvm->u_pagesize)
		return ENOMEM;
	hostlen = (size_t)(npages * uvm->u_pagesize);
	pm = calloc(1, sizeof(*pm));
	if (pm == NULL)
		return ENOMEM;
	pm->pm_uvm = uvm;
	pm->pm_start = start;
	pm->pm_npages = npages;
	pm->pm_freelist = freelist;
	pm->pm_nchunks =
	    (size_t)((npages + UVM_PGCHUNK_NPG - 1) / UVM_PGCHUNK_NPG);
	pm->pm_freemap = calloc((size_t)((npages + 63) / 64), sizeof(uint64_t));
	if (pm->pm_freemap == NULL)
		goto fail_pm;
	pm->pm_chunks =
	    aligned_alloc(UVM_PGCHUNK_SIZE, pm->pm_nchunks * UVM_PGCHUNK_SIZE);
	if (pm->pm_chunks == NULL)
		goto fail_map;
	pm->pm_host = mmap(NULL, hostlen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pm->pm_host == MAP_FAILED) {
		pm->pm_host = NULL;
		goto fail_chunks;
	}
	pm->pm_hostlen = hostlen;

	for (c = 0; c < pm->pm_nchunks; c++) {
		struct uvm_pgchunk *pc =
		    (struct uvm_pgchunk *)(void *)(pm->pm_chunks +
			c * UVM_PGCHUNK_SIZE);

		memset(pc, 0, UVM_PGCHUNK_HDR);
		pc->pc_uvm = uvm;
		pc->pc_mem = pm;
		pc->pc_base = c * UVM_PGCHUNK_NPG;
	}
	for (idx = 0; idx < npages; idx++) {
		struct vm_page *pg = uvm_physmem_pg(pm, idx);

		memset(pg, 0, sizeof(*pg));
		pg->phys_pfn = (uint32_t)(start + idx);
		pg->freelist = (uint8_t)freelist;
	}
	*pmp = pm;
	return 0;

fail_chunks:
	free(pm->pm_chunks);
fail_map:
	free(pm->pm_freemap);
fail_pm:
	free(pm);
	return ENOMEM;
}

static void
uvm_physmem_destroy(struct uvm_physmem *pm)
{
	if (pm->pm_host != NULL)
		munmap(pm->pm_host, pm->pm_hostlen);
	free(pm->pm_chunks);
	free(pm->pm_freemap);
	free(pm);
}

/*
 * Give the host memory of pages [idx, idx + n) of a backing back to the
 * host (the pages are no longer managed).  Only whole host pages inside
 * the range are released.
 */
static void
uvm_physmem_release(
    struct uvm *uvm, struct uvm_physmem *pm, uint64_t idx, uint64_t n)
{
	size_t hp = uvm->u_physseg->pss_hostpage;
	uintptr_t s =
	    (uintptr_t)pm->pm_host + (uintptr_t)(idx * uvm->u_pagesize);
	uintptr_t e = s + (uintptr_t)(n * uvm->u_pagesize);

	s = (s + hp - 1) & ~(uintptr_t)(hp - 1);
	e &= ~(uintptr_t)(hp - 1);
	if (s < e)
		(void)madvise((void *)s, e - s, MADV_DONTNEED);
}

/* Index of the last segment starting at or below pfn, or -1. */
static int
uvm_physseg_search(const struct uvm_physseg_snap *sn, uint64_t pfn)
{
	unsigned lo = 0, hi = sn->sn_n;

	/* Invariant: segments [0, lo) start <= pfn, [hi, n) start > pfn. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (sn->sn_segs[mid].ps_start <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int)lo - 1;
}

/* Does [start, end) overlap a segment of sn? */
static bool
uvm_physseg_overlap_p(
    const struct uvm_physseg_snap *sn, uint64_t start, uint64_t end)
{
	int i = uvm_physseg_search(sn, end - 1);

	return i >= 0 && sn->sn_segs[i].ps_end > start;
}

/*
 * uvm_physseg_init: load the configured segments (pages not yet free:
 * uvm_page_init() puts them on the free lists).
 * => returns 0 or ENOMEM, with nothing left behind on failure.
 */
int
uvm_physseg_init(struct uvm *uvm)
{
	const struct uvm_config *cfg = &uvm->u_cfg;
	struct uvm_physseg_state *pss;
	struct uvm_physseg_snap *sn;
	unsigned i, j;
	long hp;
	int error;

	KASSERT(uvm->u_physseg == NULL);
	KASSERT(cfg->uc_nsegs > 0 && cfg->uc_nsegs <= UVM_CONFIG_MAXSEGS);

	pss = calloc(1, sizeof(*pss));
	if (pss == NULL)
		return ENOMEM;
	LIST_INIT(&pss->pss_mems);
	hp = sysconf(_SC_PAGESIZE);
	pss->pss_hostpage = hp > 0 ? (size_t)hp : 4096;
	sn = uvm_physseg_snap_alloc(cfg->uc_nsegs);
	if (sn == NULL) {
		free(pss);
		return ENOMEM;
	}
	uvm->u_physseg = pss;
	for (i = 0; i < cfg->uc_nsegs; i++) {
		const struct uvm_config_seg *cs = &cfg->uc_segs[i];
		struct uvm_physmem *pm;

		error = uvm_physmem_create(
		    uvm, cs->cs_start, cs->cs_npages, cs->cs_freelist, &pm);
		if (error != 0) {
			uvm_set_error("physseg: cannot allocate segment %u "
				      "(%" PRIu64 " pages)",
			    i, cs->cs_npages);
			goto fail;
		}
		pm->pm_refs = 1;
		LIST_INSERT_HEAD(&pss->pss_mems, pm, pm_list);
		/* Insertion sort: the configuration need not be sorted. */
		for (j = i; j > 0 && sn->sn_segs[j - 1].ps_start > cs->cs_start;
		     j--)
			sn->sn_segs[j] = sn->sn_segs[j - 1];
		sn->sn_segs[j].ps_start = cs->cs_start;
		sn->sn_segs[j].ps_end = cs->cs_start + cs->cs_npages;
		sn->sn_segs[j].ps_mem = pm;
	}
	__atomic_store_n(&pss->pss_snap, sn, __ATOMIC_RELEASE);
	return 0;

fail:
	free(sn);
	uvm_physseg_fini(uvm);
	return error;
}

/* uvm_physseg_fini: free every backing and table (machine going away). */
void
uvm_physseg_fini(struct uvm *uvm)
{
	struct uvm_physseg_state *pss = uvm->u_physseg;
	struct uvm_physseg_snap *sn;
	struct uvm_physmem *pm;

	if (pss == NULL)
		return;
	while ((pm = LIST_FIRST(&pss->pss_mems)) != NULL) {
		LIST_REMOVE(pm, pm_list);
		uvm_physmem_destroy(pm);
	}
	while ((sn = pss->pss_retired) != NULL) {
		pss->pss_retired = sn->sn_next;
		free(sn);
	}
	free(pss->pss_snap);
	free(pss);
	uvm->u_physseg = NULL;
}

/* Publish a new table and retire the old one.  Free-list lock held. */
static void
uvm_physseg_publish(struct uvm *uvm, struct uvm_physseg_snap *sn)
{
	struct uvm_physseg_state *pss = uvm->u_physseg;
	struct uvm_physseg_snap *old = pss->pss_snap;

	KASSERT(uvm_page_freelist_locked_p(uvm));
	__atomic_store_n(&pss->pss_snap, sn, __ATOMIC_RELEASE);
	old->sn_next = pss->pss_retired;
	pss->pss_retired = old;
}

/*
 * uvm_page_physload: plug in frames [start, end) on a free list.
 * => takes and releases the free-list lock; may allocate host memory
 * => returns 0, EINVAL (empty, beyond 2^32 frames, overlapping, bad free
 *    list) or ENOMEM; nothing changes on error
 */
int
uvm_page_physload(struct uvm *uvm, uint64_t start, uint64_t end, int freelist)
{
	struct uvm_physseg_state *pss = uvm->u_physseg;
	const struct uvm_physseg_snap *cur;
	struct uvm_physseg_snap *sn;
	struct uvm_physmem *pm;
	unsigned n, i, j;
	int error;

	KASSERT(pss != NULL && uvm->u_page != NULL);

	if (start >= end || end > (uint64_t)UINT32_MAX + 1 || freelist < 0 ||
	    freelist >= UVM_NFREELIST)
		return EINVAL;
	if (uvm_physseg_overlap_p(uvm_physseg_snap(uvm), start, end))
		return EINVAL;
	error = uvm_physmem_create(uvm, start, end - start, freelist, &pm);
	if (error != 0)
		return error;
	pm->pm_refs = 1;
	for (;;) {
		n = uvm_physseg_snap(uvm)->sn_n;
		sn = uvm_physseg_snap_alloc(n + 1);
		if (sn == NULL) {
			uvm_physmem_destroy(pm);
			return ENOMEM;
		}
		uvm_page_freelist_lock(uvm);
		cur = pss->pss_snap;
		if (cur->sn_n == n)
			break;
		/* Another hotplug changed the table meanwhile: again. */
		uvm_page_freelist_unlock(uvm);
		free(sn);
	}
	if (uvm_physseg_overlap_p(cur, start, end)) {
		uvm_page_freelist_unlock(uvm);
		free(sn);
		uvm_physmem_destroy(pm);
		return EINVAL;
	}
	for (i = j = 0; i < n; i++) {
		if (j == i && cur->sn_segs[i].ps_start > start) {
			sn->sn_segs[j].ps_start = start;
			sn->sn_segs[j].ps_end = end;
			sn->sn_segs[j++].ps_mem = pm;
		}
		sn->sn_segs[j++] = cur->sn_segs[i];
	}
	if (j == n) {
		sn->sn_segs[j].ps_start = start;
		sn->sn_segs[j].ps_end = end;
		sn->sn_segs[j].ps_mem = pm;
	}
	LIST_INSERT_HEAD(&pss->pss_mems, pm, pm_list);
	uvm_physseg_publish(uvm, sn);
	uvm_page_freelist_load(uvm, pm, 0, end - start);
	uvm_page_freelist_unlock(uvm);
	if (uvm->u_pdpol != NULL)
		uvmpdpol_reinit(uvm); /* memory size changed */
	UVMHIST(
	    uvm, "physload [%#jx, %#jx) freelist %jd", start, end, freelist, 0);
	return 0;
}

/*
 * uvm_physseg_unplug: unplug frames [start, start + npages).
 * => takes and releases the free-list lock
 * => returns 0; EINVAL unless the range is inside one segment; EBUSY if a
 *    page of it is not free; ENOMEM; nothing changes on error
 */
int
uvm_physseg_unplug(struct uvm *uvm, uint64_t start, uint64_t npages)
{
	struct uvm_physseg_state *pss = uvm->u_physseg;
	const struct uvm_physseg_snap *cur;
	struct uvm_physseg_snap *sn;
	struct uvm_physseg seg;
	struct uvm_physmem *pm;
	uint64_t end, idx0, k;
	unsigned n, i, j;
	int si;

	KASSERT(pss != NULL && uvm->u_page != NULL);

	if (npages == 0 || start + npages < start)
		return EINVAL;
	end = start + npages;
	for (;;) {
		n = uvm_physseg_snap(uvm)->sn_n;
		sn = uvm_physseg_snap_alloc(n + 1);
		if (sn == NULL)
			return ENOMEM;
		uvm_page_freelist_lock(uvm);
		cur = pss->pss_snap;
		if (cur->sn_n == n)
			break;
		uvm_page_freelist_unlock(uvm);
		free(sn);
	}
	si = uvm_physseg_search(cur, start);
	if (si < 0 || cur->sn_segs[si].ps_end < end ||
	    cur->sn_segs[si].ps_end <= start) {
		uvm_page_freelist_unlock(uvm);
		free(sn);
		return EINVAL;
	}
	seg = cur->sn_segs[si];
	pm = seg.ps_mem;
	idx0 = start - pm->pm_start;
	for (k = 0; k < npages;) {
		uint64_t idx = idx0 + k, w = pm->pm_freemap[idx >> 6];

		/* Whole words at a time where the range allows. */
		if ((idx & 63) == 0 && npages - k >= 64) {
			if (w != ~(uint64_t)0)
				goto busy;
			k += 64;
			continue;
		}
		if (((w >> (idx & 63)) & 1) == 0)
			goto busy;
		k++;
	}
	uvm_page_freelist_unload(uvm, pm, idx0, npages);

	/* The new table: the segment trimmed, split or gone. */
	for (i = j = 0; i < n; i++) {
		if (i != (unsigned)si) {
			sn->sn_segs[j++] = cur->sn_segs[i];
			continue;
		}
		if (seg.ps_start < start) {
			sn->sn_segs[j] = seg;
			sn->sn_segs[j++].ps_end = start;
		}
		if (end < seg.ps_end) {
			sn->sn_segs[j] = seg;
			sn->sn_segs[j++].ps_start = end;
		}
	}
	sn->sn_n = j;
	pm->pm_refs = pm->pm_refs + j - n;
	uvm_physseg_publish(uvm, sn);
	if (pm->pm_refs == 0)
		LIST_REMOVE(pm, pm_list);
	uvm_page_freelist_unlock(uvm);

	if (pm->pm_refs == 0)
		uvm_physmem_destroy(pm);
	else
		uvm_physmem_release(uvm, pm, idx0, npages);
	if (uvm->u_pdpol != NULL)
		uvmpdpol_reinit(uvm); /* memory size changed */
	UVMHIST(uvm, "unplug [%#jx, %#jx)", start, end, 0, 0);
	return 0;

busy:
	uvm_page_freelist_unlock(uvm);
	free(sn);
	return EBUSY;
}

int
uvm_physseg_count(const struct uvm *uvm)
{
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);

	return sn == NULL ? 0 : (int)sn->sn_n;
}

uvm_physseg_t
uvm_physseg_get_first(const struct uvm *uvm)
{
	return uvm_physseg_count(uvm) > 0 ? 0 : UVM_PHYSSEG_TYPE_INVALID;
}

uvm_physseg_t
uvm_physseg_get_next(const struct uvm *uvm, uvm_physseg_t h)
{
	if (h < 0 || h + 1 >= uvm_physseg_count(uvm))
		return UVM_PHYSSEG_TYPE_INVALID;
	return h + 1;
}

uvm_physseg_t
uvm_physseg_get_last(const struct uvm *uvm)
{
	return uvm_physseg_count(uvm) - 1;
}

bool
uvm_physseg_valid_p(const struct uvm *uvm, uvm_physseg_t h)
{
	return h >= 0 && h < uvm_physseg_count(uvm);
}

static const struct uvm_physseg *
uvm_physseg_get(const struct uvm *uvm, uvm_physseg_t h)
{
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);

	KASSERTMSG(sn != NULL && h >= 0 && (unsigned)h < sn->sn_n,
	    "physseg: bad segment handle %d", h);
	return &sn->sn_segs[h];
}

uint64_t
uvm_physseg_get_start(const struct uvm *uvm, uvm_physseg_t h)
{
	return uvm_physseg_get(uvm, h)->ps_start;
}

uint64_t
uvm_physseg_get_end(const struct uvm *uvm, uvm_physseg_t h)
{
	return uvm_physseg_get(uvm, h)->ps_end;
}

int
uvm_physseg_get_free_list(const struct uvm *uvm, uvm_physseg_t h)
{
	return uvm_physseg_get(uvm, h)->ps_mem->pm_freelist;
}

/* uvm_physseg_get_pg: page idx (from the segment's start) of a segment. */
struct vm_page *
uvm_physseg_get_pg(const struct uvm *uvm, uvm_physseg_t h, uint64_t idx)
{
	const struct uvm_physseg *ps = uvm_physseg_get(uvm, h);

	KASSERTMSG(idx < ps->ps_end - ps->ps_start,
	    "physseg: index %" PRIu64 " beyond segment %d", idx, h);
	return uvm_physmem_pg(
	    ps->ps_mem, ps->ps_start - ps->ps_mem->pm_start + idx);
}

/*
 * uvm_physseg_find: the segment holding frame pfn, and pfn's offset in it.
 * => lock-free, O(log n); returns UVM_PHYSSEG_TYPE_INVALID if none
 */
uvm_physseg_t
uvm_physseg_find(const struct uvm *uvm, uint64_t pfn, uint64_t *offp)
{
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);
	int i;

	if (sn == NULL)
		return UVM_PHYSSEG_TYPE_INVALID;
	i = uvm_physseg_search(sn, pfn);
	if (i < 0 || pfn >= sn->sn_segs[i].ps_end)
		return UVM_PHYSSEG_TYPE_INVALID;
	if (offp != NULL)
		*offp = pfn - sn->sn_segs[i].ps_start;
	return i;
}

/* The window of sn holding pfn, or NULL. */
static const struct uvm_physseg *
uvm_physseg_lookup(const struct uvm *uvm, uint64_t pfn)
{
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);
	int i;

	if (sn == NULL)
		return NULL;
	i = uvm_physseg_search(sn, pfn);
	if (i < 0 || pfn >= sn->sn_segs[i].ps_end)
		return NULL;
	return &sn->sn_segs[i];
}

struct vm_page *
uvm_physseg_pfn_to_page(const struct uvm *uvm, uint64_t pfn)
{
	const struct uvm_physseg *ps = uvm_physseg_lookup(uvm, pfn);

	if (ps == NULL)
		return NULL;
	return uvm_physmem_pg(ps->ps_mem, pfn - ps->ps_mem->pm_start);
}

void *
uvm_physseg_pfn_to_host(const struct uvm *uvm, uint64_t pfn)
{
	const struct uvm_physseg *ps = uvm_physseg_lookup(uvm, pfn);

	if (ps == NULL)
		return NULL;
	return ps->ps_mem->pm_host +
	    (pfn - ps->ps_mem->pm_start) * uvm->u_pagesize;
}

/*
 * uvm_physseg_sanity: check the segment table and the backings.
 * => call with the machine quiescent; takes the free-list lock once the
 *    page layer is up
 * => panics on the first violation
 */
void
uvm_physseg_sanity(const struct uvm *cuvm)
{
	struct uvm *uvm = (struct uvm *)(uintptr_t)cuvm;
	struct uvm_physseg_state *pss = uvm->u_physseg;
	const struct uvm_physseg_snap *sn;
	struct uvm_physmem *pm;
	uint64_t npages = 0, idx, c;
	unsigned i, refs;

	if (pss == NULL)
		return;
	if (uvm->u_page != NULL)
		uvm_page_freelist_lock(uvm);
	sn = pss->pss_snap;
	KASSERT(sn != NULL);
	for (i = 0; i < sn->sn_n; i++) {
		const struct uvm_physseg *ps = &sn->sn_segs[i];

		pm = ps->ps_mem;
		KASSERTMSG(ps->ps_start < ps->ps_end,
		    "physseg %u: empty [%" PRIu64 ", %" PRIu64 ")", i,
		    ps->ps_start, ps->ps_end);
		KASSERTMSG(i == 0 || sn->sn_segs[i - 1].ps_end <= ps->ps_start,
		    "physseg %u: not sorted or overlapping its predecessor", i);
		KASSERTMSG(pm != NULL && pm->pm_uvm == uvm,
		    "physseg %u: bad backing", i);
		KASSERTMSG(ps->ps_start >= pm->pm_start &&
			ps->ps_end <= pm->pm_start + pm->pm_npages,
		    "physseg %u: window outside its backing", i);
		KASSERT(ps->ps_end <= (uint64_t)UINT32_MAX + 1);
		npages += ps->ps_end - ps->ps_start;
	}
	KASSERTMSG(
	    uvm->u_page == NULL || (int64_t)npages == uvm_cnt_get(uvm, npages),
	    "physseg: %" PRIu64 " pages in segments, npages counter %" PRId64,
	    npages, uvm_cnt_get(uvm, npages));

	LIST_FOREACH (pm, &pss->pss_mems, pm_list) {
		KASSERT(pm->pm_uvm == uvm && pm->pm_npages > 0);
		KASSERT(pm->pm_host != NULL && pm->pm_chunks != NULL);
		KASSERT(
		    ((uintptr_t)pm->pm_chunks & (UVM_PGCHUNK_SIZE - 1)) == 0);
		refs = 0;
		for (i = 0; i < sn->sn_n; i++)
			if (sn->sn_segs[i].ps_mem == pm)
				refs++;
		KASSERTMSG(refs > 0 && refs == pm->pm_refs,
		    "physseg: backing at frame %" PRIu64 " has %u windows, "
		    "refs %u",
		    pm->pm_start, refs, pm->pm_refs);
		for (c = 0; c < pm->pm_nchunks; c++) {
			const struct uvm_pgchunk *pc =
			    (const struct uvm_pgchunk *)(const void
				    *)(pm->pm_chunks + c * UVM_PGCHUNK_SIZE);

			KASSERT(pc->pc_uvm == uvm && pc->pc_mem == pm &&
			    pc->pc_base == c * UVM_PGCHUNK_NPG);
		}
		for (idx = 0; idx < pm->pm_npages; idx++) {
			const struct vm_page *pg = uvm_physmem_pg(pm, idx);
			uint64_t pfn = pm->pm_start + idx;
			const struct uvm_physseg *ps;

			KASSERT(pg->phys_pfn == pfn);
			KASSERT(pg->freelist == pm->pm_freelist);
			KASSERT(uvm_physmem_index(pg) == idx);
			KASSERT(uvm_page_machine(pg) == uvm);
			ps = uvm_physseg_lookup(uvm, pfn);
			if (ps == NULL || ps->ps_mem != pm) {
				/* Unplugged: unmanaged, never free. */
				KASSERTMSG(!uvm_physmem_free_p(pm, idx) &&
					(pg->flags & PG_FREE) == 0,
				    "physseg: unplugged frame %" PRIu64
				    " is free",
				    pfn);
				continue;
			}
			KASSERTMSG(uvm->u_page == NULL ||
				uvm_physmem_free_p(pm, idx) ==
				    ((pg->flags & PG_FREE) != 0),
			    "physseg: frame %" PRIu64 " free bit and PG_FREE "
			    "disagree",
			    pfn);
		}
	}
	if (uvm->u_page != NULL)
		uvm_page_freelist_unlock(uvm);
}

/* uvm_physseg_print: the segment table, one line per segment. */
void
uvm_physseg_print(const struct uvm *uvm, FILE *fp)
{
	const struct uvm_physseg_snap *sn = uvm_physseg_snap(uvm);
	unsigned i;

	if (sn == NULL) {
		fprintf(fp, "physseg: none\n");
		return;
	}
	fprintf(fp, "physseg: %u segment(s), page size %" PRIu64 "\n", sn->sn_n,
	    uvm->u_pagesize);
	for (i = 0; i < sn->sn_n; i++) {
		const struct uvm_physseg *ps = &sn->sn_segs[i];
		const struct uvm_physmem *pm = ps->ps_mem;
		uint64_t idx, nfree = 0;

		for (idx = ps->ps_start - pm->pm_start;
		     idx < ps->ps_end - pm->pm_start; idx++)
			nfree += uvm_physmem_free_p(pm, idx);
		fprintf(fp,
		    "  [%u] frames [%#" PRIx64 ", %#" PRIx64 ") pa [%#" PRIx64
		    ", %#" PRIx64 ") %" PRIu64 " pages, %" PRIu64
		    " free, freelist %d, backing [%#" PRIx64 ", +%" PRIu64
		    ") refs %u host %p\n",
		    i, ps->ps_start, ps->ps_end, uvm_ptoa(uvm, ps->ps_start),
		    uvm_ptoa(uvm, ps->ps_end), ps->ps_end - ps->ps_start, nfree,
		    pm->pm_freelist, pm->pm_start, pm->pm_npages, pm->pm_refs,
		    (void *)(pm->pm_host +
			(ps->ps_start - pm->pm_start) * uvm->u_pagesize));
	}
}
