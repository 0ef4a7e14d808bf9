/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_aobj.h: anonymous memory objects (aobjs), the swap-backed pager.
 *
 * An aobj is a uvm_object whose pages are zero-filled on first use and
 * paged to swap; it remembers, per page, the swap slot holding the page's
 * contents when it is not resident.  Shared anonymous mappings, the kernel
 * object and (later) tmpfs-like users are aobjs.
 *
 * Lock legend: [o] the object's vmobjlock; [c] constant.
 */
#ifndef _UVM_AOBJ_H_
#define _UVM_AOBJ_H_

#include "uvm.h"
#include "uvm_object.h"

/* uao_create() flags, as NetBSD's. */
#define UAO_FLAG_KERNOBJ  0x1 /* create the machine's kernel object */
#define UAO_FLAG_KERNSWAP 0x2 /* enable swap on the kernel object */
#define UAO_FLAG_NOSWAP   0x8 /* never page this object out */

/* Per-page swap slots: flat table up to this many pages, hashed above. */
#define UAO_SWHASH_THRESHOLD  (UAO_SWCLUSTER_SIZE * 4)
#define UAO_SWCLUSTER_SHIFT   4 /* 16 pages a cluster */
#define UAO_SWCLUSTER_SIZE    (1 << UAO_SWCLUSTER_SHIFT)
#define UAO_SWHASH_MAXBUCKETS 256

/* The aobj pager (UVM_OBJ_IS_AOBJ compares with it). */
extern const struct uvm_pagerops aobj_pager;
#define UVM_OBJ_IS_AOBJ(uobj) ((uobj)->pgops == &aobj_pager)

/*
 * uao_create: a new aobj of size bytes (rounded up to pages; 64-bit), one
 * reference.  UAO_FLAG_KERNOBJ creates the machine's kernel object (not
 * reference counted; its swap table is set up later by a call with
 * UAO_FLAG_KERNSWAP, which returns it).  NULL when memory cannot be had.
 */
struct uvm_object *uao_create(struct uvm *, uint64_t size, int flags);
void uao_reference(struct uvm_object *);
/* Drop a reference; the last frees every page and swap slot. */
void uao_detach(struct uvm_object *);
/* Destroy the kernel object (machine teardown). */
void uao_destroy_kernobj(struct uvm_object *);

/*
 * Swap-slot table ([o] write-held).  uao_set_swslot() stores slot (0 to
 * clear) for page pageidx and returns the old slot through *oslotp: 0, or
 * ENOMEM when a hash cluster could not be allocated (nothing changed).
 * Clearing never fails.  uao_dropswap() clears and frees the slot.
 */
int uao_set_swslot(
    struct uvm_object *, uint64_t pageidx, uint64_t slot, uint64_t *oslotp);
uint64_t uao_find_swslot(struct uvm_object *, uint64_t pageidx);
void uao_dropswap(struct uvm_object *, uint64_t pageidx);
/* Drop the slots of pages [start, end) bytes. */
void uao_dropswap_range(struct uvm_object *, voff_t start, voff_t end);
/* Slots in use in the table. */
uint64_t uao_nswslots(struct uvm_object *);

/* Allocate this object's pages from free list freelist only (-1: any). */
void uao_set_pgfl(struct uvm_object *, int freelist);

uint64_t uao_npages(struct uvm_object *); /* size in pages */
bool uao_noswap_p(struct uvm_object *);
bool uao_swhashed_p(struct uvm_object *); /* table is hashed */

/* Machine state (uvm_obj_state_init/fini call these). */
struct uao_state;
struct uao_state **uvm_obj_uao_statep(struct uvm *);
int uao_init(struct uvm *);
void uao_fini(struct uvm *);
void uao_sanity(struct uvm_object *);
void uao_sanity_all(struct uvm *);
void uao_printit(struct uvm_object *, bool full, FILE *);
/*
 * uao_swap_off: call fn for every aobj page whose swap slot lies in
 * [startslot, endslot), the object write-locked (fn may drop the slot);
 * stops at and returns fn's first nonzero result (ENOMEM if the walk
 * itself lacks memory).  No locks held; may sleep.  For swapoff
 * (uvm_swap_drain()).
 */
int uao_swap_off(struct uvm *, uint64_t startslot, uint64_t endslot,
    int (*fn)(struct uvm_object *, uint64_t pageidx, void *), void *arg);

#endif /* _UVM_AOBJ_H_ */
