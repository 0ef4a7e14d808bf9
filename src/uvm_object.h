/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_object.h: memory objects and their pager operations.
 *
 * A uvm_object is anything that supplies pages by offset: an anonymous
 * object (aobj, uvm_aobj.c), later a vnode or a device.  Its pages are
 * indexed by page number in a radix tree.  The lock is a pointer so that
 * several objects can share one rwlock (uvm_obj_setlock()).
 *
 * Lock legend:
 *	[o] vmobjlock (write-held to change, read-held to look up)
 *	[a] atomic
 *	[c] constant
 *	[l] the machine's object-list lock (uvm_object.c)
 */
#ifndef _UVM_OBJECT_H_
#define _UVM_OBJECT_H_

#include <sys/queue.h>

#include "uvm.h"

struct vm_page;
struct uvm_object;

/* pgo_get()/pgo_put() flags (PGO_*), as NetBSD has them. */
#define PGO_CLEANIT       0x001 /* write dirty pages back */
#define PGO_SYNCIO        0x002 /* wait for the I/O */
#define PGO_DEACTIVATE    0x004 /* deactivate the pages */
#define PGO_FREE          0x008 /* free the pages */
#define PGO_ALLPAGES      0x010 /* the whole object (ignore start/end) */
#define PGO_LOCKED        0x020 /* get: only what is resident, lock held */
#define PGO_OVERWRITE     0x040 /* get: caller will overwrite every byte */
#define PGO_PASTEOF       0x080 /* get: allow pages past EOF */
#define PGO_NOWAIT        0x100 /* do not sleep */
#define PGO_RECLAIM       0x200 /* object is being reclaimed */
#define PGO_JOURNALLOCKED 0x400

/* Pager operations vector. */
struct uvm_pagerops {
	const char *pgo_name;
	uint32_t pgo_usage; /* usage class of its pages: PG_AOBJ, PG_FILE, 0 */
	void (*pgo_reference)(struct uvm_object *);
	void (*pgo_detach)(struct uvm_object *);
	/*
	 * pgo_get: fill pps[0..*npagesp) for [offset, offset + npages pages);
	 * centeridx is the page the fault needs; access_type the access;
	 * advice the mapping's advice.  With PGO_LOCKED returns resident pages
	 * only, without sleeping, lock still held (EBUSY if the center page is
	 * not resident).  Otherwise may drop the lock (returned unlocked).
	 */
	int (*pgo_get)(struct uvm_object *, voff_t offset, struct vm_page **pps,
	    int *npagesp, int centeridx, vm_prot_t access_type, int advice,
	    int flags);
	/* pgo_put: clean/free pages in [start, end); called with the lock held,
	 * returns with it released. */
	int (*pgo_put)(
	    struct uvm_object *, voff_t start, voff_t end, int flags);
	/* Optional: the pager resolves the whole fault itself (devices). */
	int (*pgo_fault)(struct uvm_object *, vaddr_t vaddr,
	    struct vm_page **pps, int npages, int centeridx,
	    vm_prot_t access_type, int flags);
	/* Optional: release swap or other backing store of pages [start, end). */
	void (*pgo_dropswap)(struct uvm_object *, voff_t start, voff_t end);
};

struct uvm_object {
	struct krwlock *vmobjlock; /* [c] lock on the object (maybe shared) */
	const struct uvm_pagerops *pgops; /* [c] pager operations */
	struct uvm *uo_uvm;               /* [c] machine */
	struct radix_tree uo_pages; /* [o] resident pages by page number */
	uint64_t uo_npages;         /* [o] resident pages */
	int uo_refs;                /* [o] references */
	uint64_t uo_serial; /* [c] creation number in the machine: an identity
			     * independent of host addresses */
	bool uo_ownlock;    /* [o] object holds a reference to
					      its lock object (see below) */
	LIST_ENTRY(uvm_object) uo_list; /* [l] on the machine's list */
};

/*
 * uvm_obj_init: initialise an object; with alock == NULL a new lock object
 * is allocated and owned (its reference dropped by uvm_obj_destroy(.., true)),
 * otherwise the given lock (any krwlock) is borrowed: its owner keeps it
 * alive.  uvm_obj_setlock(): lock NULL gives a fresh lock object, otherwise
 * the lock must be a lock object, and the object takes its own reference.
 */
void uvm_obj_init(struct uvm_object *, struct uvm *,
    const struct uvm_pagerops *, struct krwlock *alock, int refs);
void uvm_obj_destroy(struct uvm_object *, bool dlock);
/* Make the object use another (shared) lock; the object must be unused. */
void uvm_obj_setlock(struct uvm_object *, struct krwlock *);

/*
 * Lock objects: refcounted rwlocks that objects (and amaps) share, as
 * NetBSD's rw_obj_alloc()/rw_obj_hold()/rw_obj_free().  The last
 * uvm_rwobj_rele() frees the lock.  uvm_obj_lock_alloc() gives one of class
 * LC_OBJECT.
 */
struct krwlock *uvm_rwobj_alloc(struct uvm *, enum lockclass, const char *);
struct krwlock *uvm_obj_lock_alloc(struct uvm *);
void uvm_rwobj_hold(struct krwlock *);
void uvm_rwobj_rele(struct krwlock *);
unsigned uvm_rwobj_refs(struct krwlock *);
bool uvm_rwobj_p(struct krwlock *);

/*
 * Page index ([o] write-held to change).  uvm_obj_page_insert() takes the
 * slot from pg->offset, sets pg->uobject and PG_TABLED (0, EEXIST or
 * ENOMEM, nothing changed on error); uvm_obj_page_remove() clears both.
 */
int uvm_obj_page_insert(struct uvm_object *, struct vm_page *);
void uvm_obj_page_remove(struct uvm_object *, struct vm_page *);
struct vm_page *uvm_pagelookup(struct uvm_object *, voff_t off);
/* Up to max pages at offsets >= off, in ascending order. */
unsigned uvm_obj_page_gang(
    struct uvm_object *, voff_t off, struct vm_page **pps, unsigned max);
/* The same, only pages tagged dirty. */
unsigned uvm_obj_page_gang_dirty(
    struct uvm_object *, voff_t off, struct vm_page **pps, unsigned max);
/*
 * Dirty tag: the page layer keeps it equal to (pg->flags & PG_DIRTY) for
 * tabled pages (uvm_object_sanity() checks it).
 */
void uvm_obj_page_set_dirty(struct uvm_object *, struct vm_page *, bool);
bool uvm_obj_page_dirty_p(struct uvm_object *, struct vm_page *);
bool uvm_obj_dirty_p(struct uvm_object *); /* any page dirty-tagged */

int uvm_obj_state_init(struct uvm *);
void uvm_obj_state_fini(struct uvm *);
void uvm_object_sanity(struct uvm_object *);
void uvm_object_sanity_locked(struct uvm_object *); /* lock held */
void uvm_obj_sanity_all(struct uvm *); /* every object of the machine */
uint64_t uvm_obj_count(struct uvm *);
void uvm_object_printit(struct uvm_object *, bool full, FILE *);

#endif /* _UVM_OBJECT_H_ */
