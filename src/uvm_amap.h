/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_amap.h: anonymous maps (amaps), the upper layer of UVM's two-level
 * copy-on-write.
 *
 * An amap is an array of anon slots covering a range of pages, referenced
 * by map entries through a struct vm_aref (the amap plus the entry's page
 * offset into it).  The interface below is NetBSD's; the functions taking a
 * map entry read and update the entry's aref and needs-copy state.
 *
 * Units, as in NetBSD: amap_ref()/amap_unref() and amap_wiperange() take
 * slot (page) offsets and counts; amap_splitref(), amap_lookup(s)(),
 * amap_add()/amap_unadd() take byte offsets relative to the aref;
 * amap_alloc() and amap_extend() take byte sizes.
 */
#ifndef _UVM_AMAP_H_
#define _UVM_AMAP_H_

#include "uvm.h"

struct vm_amap;
struct vm_anon;
struct vm_map;
struct vm_map_entry;

/* The reference a map entry holds on an amap. */
struct vm_aref {
	int ar_pageoff;          /* page offset into the amap */
	struct vm_amap *ar_amap; /* the amap, or NULL */
};

/* amap_alloc/amap_copy/amap_extend flags. */
#define AMAP_SHARED           0x1 /* amap_alloc: shared amap */
#define AMAP_REFALL           0x2 /* amap_ref/unref: the whole amap */
#define AMAP_SWAPOFF          0x4 /* amap_copy: swapoff in progress */
#define AMAP_EXTEND_BACKWARDS 0x0 /* amap_extend: grow at the start */
#define AMAP_EXTEND_FORWARDS  0x1 /* amap_extend: grow at the end */
#define AMAP_EXTEND_NOWAIT    0x2

/* amap_copy() flags. */
#define AMAP_COPY_NOWAIT  0x01 /* don't sleep for memory */
#define AMAP_COPY_CANFAIL 0x02 /* may fail, caller handles it */
#define AMAP_COPY_NOCHUNK 0x04 /* copy the whole amap, no chunking */
#define AMAP_COPY_NOMERGE 0x08 /* no merging after the copy */

/*
 * amap_copy() of an entry of UVM_AMAP_LARGE slots or more with no amap yet
 * clips the entry to the UVM_AMAP_CHUNK-aligned chunk around the fault;
 * amap_extend() refuses (E2BIG) to reallocate an amap to LARGE slots.
 */
#define UVM_AMAP_LARGE 256 /* slots in a "large" amap */
#define UVM_AMAP_CHUNK 16  /* slots to chunk large amaps in */

int uvm_amap_init(struct uvm *);
void uvm_amap_fini(struct uvm *);

struct vm_amap *amap_alloc(struct uvm *, vaddr_t sz, vaddr_t padsz, int waitf);
void amap_ref(struct vm_amap *, vaddr_t offset, vsize_t len, int flags);
void amap_unref(struct vm_amap *, vaddr_t offset, vsize_t len, bool all);
void amap_splitref(
    struct vm_aref *origref, struct vm_aref *splitref, vaddr_t offset);
int amap_extend(struct vm_map_entry *, vsize_t addsize, int flags);
void amap_copy(struct vm_map *, struct vm_map_entry *, int flags,
    vaddr_t startva, vaddr_t endva);
/*
 * amap_cow_now: resolve copy-on-write now for every anon of the entry's
 * amap with more than one reference (wired entries at fork).  Returns 0,
 * or ENOMEM when a page or anon could not be had: the anons done so far
 * stay done, the rest still shared (consistent); the caller fails.
 */
int amap_cow_now(struct vm_map *, struct vm_map_entry *);
void amap_share_protect(struct vm_map_entry *, vm_prot_t);
void amap_wipeout(struct vm_amap *);
void amap_wiperange(struct vm_amap *, int slotoff, int slots);
struct vm_anon *amap_lookup(const struct vm_aref *, vaddr_t offset);
void amap_lookups(
    const struct vm_aref *, vaddr_t offset, struct vm_anon **anons, int npages);
void amap_add(struct vm_aref *, vaddr_t offset, struct vm_anon *, bool replace);
void amap_unadd(struct vm_aref *, vaddr_t offset);
void amap_lock(struct vm_amap *, krw_t);
bool amap_lock_try(struct vm_amap *, krw_t);
void amap_unlock(struct vm_amap *);
struct krwlock *amap_lockptr(struct vm_amap *);
int amap_refs(const struct vm_amap *);
bool amap_shared_p(const struct vm_amap *);
vsize_t amap_size(const struct vm_amap *); /* in bytes */
int amap_nslots(const struct vm_amap *);
int amap_nused(const struct vm_amap *);    /* slots holding an anon */
int amap_maxslots(const struct vm_amap *); /* nslots + padding */
/* Per-slot references of a slot; -1: not counted per slot; -2: gave up. */
int amap_ppref_count(const struct vm_amap *, int slot);
void amap_sanity(struct vm_amap *);
/* Every amap; and an_ref == slots referring, when none is locked away. */
void uvm_amap_sanity_all(struct uvm *);
void amap_printit(struct vm_amap *, FILE *);
/*
 * amap_swap_off: call fn for every anon whose swap slot lies in
 * [startslot, endslot), its lock write-held (fn must not change the
 * amap); stops at and returns fn's first nonzero result.  No locks held;
 * may sleep.  For swapoff (uvm_swap_drain()).
 */
int amap_swap_off(struct uvm *, uint64_t startslot, uint64_t endslot,
    int (*fn)(struct vm_anon *, void *), void *arg);

#endif /* _UVM_AMAP_H_ */
