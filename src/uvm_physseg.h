/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_physseg.h: physical memory segments, with uvm_hotplug(9) behaviour.
 *
 * A segment is a run of page frames [start, end) with its vm_page array and
 * the host memory for the frames' contents (an anonymous host mapping with
 * MAP_NORESERVE: untouched frames cost no host memory).  Segments are kept
 * sorted; page-frame lookup is a binary search over them.  Segments may be
 * plugged in and unplugged at run time; unplugging a segment with a page in
 * use fails with EBUSY; a partial unplug (a sub-range) of a segment splits
 * it or trims it.  Adjacent segments are never merged: each load stays its
 * own segment (a later unplug may span only one segment).
 *
 * Segment handles (uvm_physseg_t) are indices in the current sorted order:
 * a hotplug operation invalidates every handle taken before it.
 */
#ifndef _UVM_PHYSSEG_H_
#define _UVM_PHYSSEG_H_

#include "uvm.h"

struct vm_page;

typedef int uvm_physseg_t; /* handle: index in sorted order, or -1 */
#define UVM_PHYSSEG_TYPE_INVALID (-1)

int uvm_physseg_init(struct uvm *);
void uvm_physseg_fini(struct uvm *);

/*
 * uvm_page_physload: plug in [start, end) page frames on a free list; the
 * pages go free.  EINVAL for an empty or overlapping range (overlap with an
 * existing segment is refused), a range beyond page frame 2^32 - 1 or a bad
 * free list, ENOMEM if host memory cannot be had.
 */
int uvm_page_physload(struct uvm *, uint64_t start, uint64_t end, int freelist);
/*
 * Unplug [start, start+npages): EINVAL unless the range lies inside one
 * segment (and npages > 0), EBUSY if any of it is not free (nothing
 * changes), ENOMEM if the new segment table cannot be allocated.
 */
int uvm_physseg_unplug(struct uvm *, uint64_t start, uint64_t npages);

int uvm_physseg_count(const struct uvm *);
uvm_physseg_t uvm_physseg_get_first(const struct uvm *);
uvm_physseg_t uvm_physseg_get_next(const struct uvm *, uvm_physseg_t);
uvm_physseg_t uvm_physseg_get_last(const struct uvm *);
bool uvm_physseg_valid_p(const struct uvm *, uvm_physseg_t);
uint64_t uvm_physseg_get_start(const struct uvm *, uvm_physseg_t);
uint64_t uvm_physseg_get_end(const struct uvm *, uvm_physseg_t);
int uvm_physseg_get_free_list(const struct uvm *, uvm_physseg_t);
struct vm_page *uvm_physseg_get_pg(
    const struct uvm *, uvm_physseg_t, uint64_t idx);
/* O(log n) page-frame lookup; returns the segment or -1, and the offset. */
uvm_physseg_t uvm_physseg_find(
    const struct uvm *, uint64_t pfn, uint64_t *offp);
struct vm_page *uvm_physseg_pfn_to_page(const struct uvm *, uint64_t pfn);
void *uvm_physseg_pfn_to_host(const struct uvm *, uint64_t pfn);

void uvm_physseg_sanity(const struct uvm *);
void uvm_physseg_print(const struct uvm *, FILE *);

#ifdef UVM_PAGE_PRIVATE
/*
 * Private to uvm_physseg.c, uvm_page.c, uvm_pglist.c (and their unit
 * tests): the layout behind the handles.
 *
 * Every load creates one backing (struct uvm_physmem): the vm_page array,
 * the host memory of the frames and the free bitmap of its pages.  The
 * vm_page array is cut into chunks of UVM_PGCHUNK_SIZE bytes, each aligned
 * to its size; the first UVM_PGCHUNK_HDR bytes of a chunk hold a header
 * naming the machine and the backing, and the pages follow.  So a page
 * finds its machine, backing and index in O(1) by masking its address,
 * with no global registry.  A segment is a window [ps_start, ps_end) onto
 * one backing; unplugging the middle of a segment splits it into two
 * windows on the same backing (pages never move), and the backing dies
 * with its last window.
 *
 * The segment table is an immutable snapshot published with a release
 * store and read with an acquire load, so look-ups take no lock; hotplug
 * builds a new snapshot under the free-list lock and retires the old one
 * (retired snapshots are freed by uvm_physseg_fini(): hotplug is rare).
 */
#define UVM_PGCHUNK_SHIFT 16
#define UVM_PGCHUNK_SIZE  ((uintptr_t)1 << UVM_PGCHUNK_SHIFT)
#define UVM_PGCHUNK_HDR   64
#define UVM_PGCHUNK_NPG \
	((UVM_PGCHUNK_SIZE - UVM_PGCHUNK_HDR) / sizeof(struct vm_page))

struct uvm_physmem;

struct uvm_pgchunk {
	struct uvm *pc_uvm;         /* [c] machine */
	struct uvm_physmem *pc_mem; /* [c] backing */
	uint64_t pc_base;           /* [c] index of the chunk's first page */
};

struct uvm_physmem {
	struct uvm *pm_uvm;   /* [c] machine */
	uint64_t pm_start;    /* [c] page frame of index 0 */
	uint64_t pm_npages;   /* [c] pages */
	int pm_freelist;      /* [c] free list of the pages */
	uint8_t *pm_chunks;   /* [c] vm_page chunks (aligned) */
	size_t pm_nchunks;    /* [c] chunks */
	uint8_t *pm_host;     /* [c] frame contents, pm_npages pages */
	size_t pm_hostlen;    /* [c] bytes mapped at pm_host */
	uint64_t *pm_freemap; /* [f] bit i set: page i is free */
	unsigned pm_refs;     /* [f] segments (windows) using it */
	LIST_ENTRY(uvm_physmem) pm_list; /* [f] all backings */
};

struct uvm_physseg {
	uint64_t ps_start;          /* [c] first page frame */
	uint64_t ps_end;            /* [c] page frame after the last */
	struct uvm_physmem *ps_mem; /* [c] backing */
};

struct uvm_physseg_snap {
	struct uvm_physseg_snap *sn_next; /* retired list */
	unsigned sn_n;                    /* segments */
	struct uvm_physseg sn_segs[];     /* sorted by ps_start */
};

static inline struct uvm_pgchunk *
uvm_pgchunk_of(const struct vm_page *pg)
{
	return (struct uvm_pgchunk *)((uintptr_t)pg & ~(UVM_PGCHUNK_SIZE - 1));
}

/* Index of pg in its backing. */
static inline uint64_t
uvm_physmem_index(const struct vm_page *pg)
{
	uintptr_t a = (uintptr_t)pg;
	const struct uvm_pgchunk *pc = uvm_pgchunk_of(pg);

	return pc->pc_base +
	    ((a & (UVM_PGCHUNK_SIZE - 1)) - UVM_PGCHUNK_HDR) /
	    sizeof(struct vm_page);
}

/* Page idx of a backing. */
static inline struct vm_page *
uvm_physmem_pg(const struct uvm_physmem *pm, uint64_t idx)
{
	uint64_t c = idx / UVM_PGCHUNK_NPG, s = idx % UVM_PGCHUNK_NPG;

	return (struct vm_page *)(void *)(pm->pm_chunks + c * UVM_PGCHUNK_SIZE +
	    UVM_PGCHUNK_HDR + s * sizeof(struct vm_page));
}

static inline bool
uvm_physmem_free_p(const struct uvm_physmem *pm, uint64_t idx)
{
	return (pm->pm_freemap[idx >> 6] >> (idx & 63)) & 1;
}

/* The current segment table (acquire load; may be NULL before init). */
const struct uvm_physseg_snap *uvm_physseg_snap(const struct uvm *);

/*
 * Services of uvm_page.c for hotplug and uvm_pglist.c; all but the lock
 * functions require the free-list lock held.
 */
void uvm_page_freelist_lock(struct uvm *);
void uvm_page_freelist_unlock(struct uvm *);
bool uvm_page_freelist_locked_p(struct uvm *);
/* Pages [idx, idx+n) of pm (not yet managed) become free. */
void uvm_page_freelist_load(
    struct uvm *, struct uvm_physmem *, uint64_t idx, uint64_t n);
/* Free pages [idx, idx+n) of pm stop being managed. */
void uvm_page_freelist_unload(
    struct uvm *, struct uvm_physmem *, uint64_t idx, uint64_t n);
/* Free pages [idx, idx+n) of pm leave their bins for rlist, flags 0. */
struct pglist;
void uvm_page_freelist_take_run(struct uvm *, struct uvm_physmem *,
    uint64_t idx, uint64_t n, struct pglist *rlist);
/* The unowned, unbusy, unmapped pages of a list go free (list emptied). */
void uvm_page_freelist_put_list(struct uvm *, struct pglist *);
/* Free pages beyond the reserve a pglist allocation may not touch. */
uint64_t uvm_page_freelist_avail(struct uvm *);
#endif /* UVM_PAGE_PRIVATE */

#endif /* _UVM_PHYSSEG_H_ */
