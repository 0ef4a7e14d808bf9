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
 * it or trims it.
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
 * existing segment is refused), ENOMEM if host memory cannot be had.
 */
int uvm_page_physload(struct uvm *, uint64_t start, uint64_t end,
    int freelist);
/* Unplug [start, start+npages): EBUSY if any of it is not free. */
int uvm_physseg_unplug(struct uvm *, uint64_t start, uint64_t npages);

int uvm_physseg_count(const struct uvm *);
uvm_physseg_t uvm_physseg_get_first(const struct uvm *);
uvm_physseg_t uvm_physseg_get_next(const struct uvm *, uvm_physseg_t);
bool uvm_physseg_valid_p(const struct uvm *, uvm_physseg_t);
uint64_t uvm_physseg_get_start(const struct uvm *, uvm_physseg_t);
uint64_t uvm_physseg_get_end(const struct uvm *, uvm_physseg_t);
int uvm_physseg_get_free_list(const struct uvm *, uvm_physseg_t);
struct vm_page *uvm_physseg_get_pg(const struct uvm *, uvm_physseg_t,
    uint64_t idx);
/* O(log n) page-frame lookup; returns the segment or -1, and the offset. */
uvm_physseg_t uvm_physseg_find(const struct uvm *, uint64_t pfn,
    uint64_t *offp);
struct vm_page *uvm_physseg_pfn_to_page(const struct uvm *, uint64_t pfn);
void *uvm_physseg_pfn_to_host(const struct uvm *, uint64_t pfn);

void uvm_physseg_sanity(const struct uvm *);
void uvm_physseg_print(const struct uvm *, FILE *);

#endif /* _UVM_PHYSSEG_H_ */
