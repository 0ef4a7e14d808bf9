/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_object.c: memory objects: initialisation, locks, the page index.
 *
 * This file owns struct uvm_object's generic part (the pager-specific parts
 * live with each pager, e.g. uvm_aobj.c), the refcounted lock objects that
 * objects may share, and the machine's object state (u_obj): the pool of
 * lock objects and the list of live objects (uo_list) walked by the
 * machine-wide sanity checker.
 *
 * Design note.
 *
 * Page index.  An object's resident pages are indexed by page number
 * (offset >> page shift) in a radix tree (kern_radix.h), whose node
 * allocations consult the fault-injection site KFI_OBJ.  A page is in the
 * index exactly when it has PG_TABLED set, pg->uobject pointing at the
 * object and pg->offset giving its slot; uo_npages counts them.  Radix tag 0
 * (UVM_OBJ_DIRTY_TAG) marks pages whose status is PG_DIRTY, so that a
 * cleaning pass visits only the dirty ones (the yamt-pagecache idea: the
 * index, not a scan, knows what is dirty).
 *
 * Shared locks.  vmobjlock is a pointer.  Locks handed out by
 * uvm_rwobj_alloc() (uvm_obj_lock_alloc() for objects) are "lock objects":
 * a krwlock followed by a reference count, from a pool, in the manner of
 * NetBSD's rw_obj_alloc().  The amap layer uses them too.  An object holding a reference to its lock
 * (uo_ownlock) drops it at uvm_obj_destroy(); the last reference frees the
 * lock.  Several objects share one lock by uvm_obj_setlock(), which takes
 * its own reference, so no caller has to track who frees a shared lock.
 * uvm_obj_init() with an explicit lock instead borrows it: the lock may then
 * be any krwlock (embedded in the caller's structure, say), and its owner
 * keeps it alive for the object's lifetime.
 *
 *	uvm_obj_init(a, NULL)     a -> L1 (refs 1)
 *	uvm_obj_init(b, NULL)     b -> L2 (refs 1)
 *	uvm_obj_setlock(b, L1)    b -> L1 (refs 2), L2 freed
 *	uvm_obj_destroy(a, true)  L1 refs 1
 *	uvm_obj_destroy(b, true)  L1 freed
 *
 * Alternatives rejected: a lock embedded in the object (cannot be shared);
 * a pointer with no ownership rule (every sharer must agree on who frees,
 * the bug class NetBSD's rw_obj_* interface removed).
 *
 * Locking: the object list and the lock-object pool are protected by
 * os_lock (a leaf mutex).  Page index operations need the object lock held
 * as a writer; lookups need it held (reader is enough).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_aobj.h"
#include "uvm_object.h"
#include "uvm_page.h"

#define UVM_OBJ_DIRTY_TAG RADIX_TAG_0

/* A refcounted lock that objects can share (uvm_obj_lock_alloc()). */
struct uvm_objlock {
	struct krwlock ol_lock; /* must be first: handed out as krwlock * */
	unsigned ol_refs;       /* [a] references */
	unsigned ol_magic;      /* [c] UVM_OBJLOCK_MAGIC */
	struct uvm *ol_uvm;     /* [c] machine */
};
#define UVM_OBJLOCK_MAGIC 0x6f626a6cu /* "objl" */

struct uvm_obj_state {
	struct kmutex os_lock;           /* leaf: the fields below */
	struct pool os_lockpool;         /* struct uvm_objlock */
	uint64_t os_nlocks;              /* [os_lock] lock objects out */
	LIST_HEAD(, uvm_object) os_objs; /* [os_lock] live objects */
	uint64_t os_nobjs;               /* [os_lock] entries on os_objs */
	uint64_t os_serial;              /* [os_lock] last object serial */
	struct uao_state *os_uao; /* the aobj pager's state (uvm_aobj.c) */
};

static inline uint64_t
uvm_obj_idx(const struct uvm_object *uobj, voff_t off)
{
	return (uint64_t)off >> uobj->uo_uvm->u_pageshift;
}

/*
 * uvm_obj_state_init: set up the machine's object state.
 *	=> returns 0 or ENOMEM
 */
int
uvm_obj_state_init(struct uvm *uvm)
{
	struct uvm_obj_state *os;
	int error;

	KASSERT(uvm->u_obj == NULL);
	os = calloc(1, sizeof(*os));
	if (os == NULL)
		return ENOMEM;
	mutex_init(&os->os_lock, LC_LEAF, "uvmobjs");
	pool_init(&os->os_lockpool, sizeof(struct uvm_objlock),
	    _Alignof(struct uvm_objlock), "objlockpl", &uvm->u_pools,
	    &uvm->u_fi, KFI_POOL);
	LIST_INIT(&os->os_objs);
	uvm->u_obj = os;
	error = uao_init(uvm);
	if (error != 0) {
		pool_destroy(&os->os_lockpool);
		mutex_destroy(&os->os_lock);
		free(os);
		uvm->u_obj = NULL;
		return error;
	}
	return 0;
}

/*
 * uvm_obj_uao_statep: where the aobj pager keeps its machine state.
 */
struct uao_state **
uvm_obj_uao_statep(struct uvm *uvm)
{
	KASSERT(uvm->u_obj != NULL);
	return &uvm->u_obj->os_uao;
}

/*
 * uvm_obj_state_fini: tear the object state down.
 *	=> every object must have been destroyed
 */
void
uvm_obj_state_fini(struct uvm *uvm)
{
	struct uvm_obj_state *os = uvm->u_obj;

	if (os == NULL)
		return;
	uao_fini(uvm);
	KASSERTMSG(LIST_EMPTY(&os->os_objs), "%" PRIu64 " objects alive",
	    os->os_nobjs);
	KASSERTMSG(os->os_nlocks == 0, "%" PRIu64 " object locks alive",
	    os->os_nlocks);
	pool_destroy(&os->os_lockpool);
	mutex_destroy(&os->os_lock);
	free(os);
	uvm->u_obj = NULL;
}

/*
 * uvm_rwobj_alloc: a new shareable rwlock ("lock object") with one
 * reference.  Used for object locks (class LC_OBJECT) and amap locks
 * (LC_AMAP, shared by the amaps of one copy-on-write family and their
 * anons).
 *	=> never fails (the host allocator aborts when exhausted)
 */
struct krwlock *
uvm_rwobj_alloc(struct uvm *uvm, enum lockclass lc, const char *name)
{
	struct uvm_obj_state *os = uvm->u_obj;
	struct uvm_objlock *ol;

	KASSERT(os != NULL);
	ol = pool_get(&os->os_lockpool, PR_WAITOK);
	KASSERT(ol != NULL);
	rw_init(&ol->ol_lock, lc, name);
	ol->ol_refs = 1;
	ol->ol_magic = UVM_OBJLOCK_MAGIC;
	ol->ol_uvm = uvm;
	mutex_enter(&os->os_lock);
	os->os_nlocks++;
	mutex_exit(&os->os_lock);
	return &ol->ol_lock;
}

/*
 * uvm_obj_lock_alloc: a new object lock (a lock object of class LC_OBJECT).
 */
struct krwlock *
uvm_obj_lock_alloc(struct uvm *uvm)
{
	return uvm_rwobj_alloc(uvm, LC_OBJECT, "vmobjlock");
}

static struct uvm_objlock *
uvm_rwobj_cast(struct krwlock *lock)
{
	struct uvm_objlock *ol = (struct uvm_objlock *)lock;

	KASSERTMSG(ol->ol_magic == UVM_OBJLOCK_MAGIC,
	    "lock %p is not a lock object", (void *)lock);
	return ol;
}

/*
 * uvm_rwobj_hold: take another reference to a lock object.
 */
void
uvm_rwobj_hold(struct krwlock *lock)
{
	struct uvm_objlock *ol = uvm_rwobj_cast(lock);
	unsigned o;

	o = __atomic_fetch_add(&ol->ol_refs, 1, __ATOMIC_RELAXED);
	KASSERT(o > 0);
	(void)o;
}

/*
 * uvm_rwobj_rele: drop a reference to a lock object; the last one frees
 * it.
 *	=> the lock must not be held when the last reference goes
 */
void
uvm_rwobj_rele(struct krwlock *lock)
{
	struct uvm_objlock *ol = uvm_rwobj_cast(lock);
	struct uvm_obj_state *os = ol->ol_uvm->u_obj;
	unsigned o;

	o = __atomic_fetch_sub(&ol->ol_refs, 1, __ATOMIC_ACQ_REL);
	KASSERT(o > 0);
	if (o != 1)
		return;
	KASSERT(!rw_lock_held(&ol->ol_lock));
	rw_destroy(&ol->ol_lock);
	ol->ol_magic = 0;
	pool_put(&os->os_lockpool, ol);
	mutex_enter(&os->os_lock);
	KASSERT(os->os_nlocks > 0);
	os->os_nlocks--;
	mutex_exit(&os->os_lock);
}

/*
 * uvm_rwobj_refs: references to a lock object (for tests and printers).
 */
unsigned
uvm_rwobj_refs(struct krwlock *lock)
{
	return __atomic_load_n(
	    &uvm_rwobj_cast(lock)->ol_refs, __ATOMIC_RELAXED);
}

/*
 * uvm_rwobj_p: was the lock made by uvm_rwobj_alloc()?  Only for locks
 * known to be lock objects or at least as large (a debugging aid).
 */
bool
uvm_rwobj_p(struct krwlock *lock)
{
	return ((struct uvm_objlock *)lock)->ol_magic == UVM_OBJLOCK_MAGIC;
}

/*
 * uvm_obj_init: initialise an object.
 *	=> alock NULL: a new lock object is allocated and owned (uo_ownlock);
 *	   otherwise alock is borrowed: its owner keeps it alive
 *	=> counts the object in uvmexp.nobj; never fails
 */
void
uvm_obj_init(struct uvm_object *uobj, struct uvm *uvm,
    const struct uvm_pagerops *pgops, struct krwlock *alock, int refs)
{
	struct uvm_obj_state *os = uvm->u_obj;

	KASSERT(os != NULL);
	KASSERT(refs >= 0);
	memset(uobj, 0, sizeof(*uobj));
	uobj->uo_uvm = uvm;
	uobj->pgops = pgops;
	uobj->uo_refs = refs;
	radix_tree_init(&uobj->uo_pages);
	radix_tree_set_fi(&uobj->uo_pages, &uvm->u_fi, KFI_OBJ);
	if (alock == NULL) {
		uobj->vmobjlock = uvm_obj_lock_alloc(uvm);
		uobj->uo_ownlock = true;
	} else {
		uobj->vmobjlock = alock;
		uobj->uo_ownlock = false;
	}
	mutex_enter(&os->os_lock);
	LIST_INSERT_HEAD(&os->os_objs, uobj, uo_list);
	os->os_nobjs++;
	uobj->uo_serial = ++os->os_serial;
	mutex_exit(&os->os_lock);
	uvm_cnt_inc(uvm, nobj);
}

/*
 * uvm_obj_destroy: the object goes away.
 *	=> it must have no pages left; the lock must not be held
 *	=> dlock: drop the object's reference to its lock (if it has one);
 *	   otherwise the caller inherits that reference
 */
void
uvm_obj_destroy(struct uvm_object *uobj, bool dlock)
{
	struct uvm *uvm = uobj->uo_uvm;
	struct uvm_obj_state *os = uvm->u_obj;

	KASSERTMSG(uobj->uo_npages == 0, "object %p has %" PRIu64 " pages",
	    (void *)uobj, uobj->uo_npages);
	KASSERT(radix_tree_empty_p(&uobj->uo_pages));
	KASSERT(uobj->uo_uvm != NULL);
	mutex_enter(&os->os_lock);
	KASSERT(os->os_nobjs > 0);
	LIST_REMOVE(uobj, uo_list);
	os->os_nobjs--;
	mutex_exit(&os->os_lock);
	radix_tree_fini(&uobj->uo_pages);
	if (dlock && uobj->uo_ownlock)
		uvm_rwobj_rele(uobj->vmobjlock);
	uobj->vmobjlock = NULL;
	uobj->uo_ownlock = false;
	uvm_cnt_dec(uvm, nobj);
}

/*
 * uvm_obj_setlock: make the object use another lock.
 *	=> lock NULL: a fresh lock object; otherwise lock must be a lock
 *	   object (uvm_obj_lock_alloc() or another object's owned lock): a
 *	   reference is taken here
 *	=> the old lock is released if the object owned it; neither lock may
 *	   be held, and the object must not be in use
 */
void
uvm_obj_setlock(struct uvm_object *uobj, struct krwlock *lock)
{
	struct krwlock *olock = uobj->vmobjlock;

	KASSERT(olock == NULL || !rw_lock_held(olock));
	if (lock == NULL)
		lock = uvm_obj_lock_alloc(uobj->uo_uvm);
	else
		uvm_rwobj_hold(lock);
	if (olock != NULL && uobj->uo_ownlock)
		uvm_rwobj_rele(olock);
	uobj->vmobjlock = lock;
	uobj->uo_ownlock = true;
}

/*
 * uvm_obj_page_insert: enter a page into the object's index.
 *	=> object lock write-held
 *	=> pg->offset gives the slot (page aligned, >= 0); pg->uobject is
 *	   NULL or uobj and becomes uobj; PG_TABLED is set
 *	=> returns 0, EEXIST if the slot is taken, ENOMEM if the index could
 *	   not grow (then nothing changed)
 */
int
uvm_obj_page_insert(struct uvm_object *uobj, struct vm_page *pg)
{
	uint64_t idx;
	int error;

	KASSERT(rw_write_held(uobj->vmobjlock));
	KASSERT(pg->uobject == NULL || pg->uobject == uobj);
	KASSERT(pg->uanon == NULL);
	KASSERT((pg->flags & (PG_TABLED | PG_FREE)) == 0);
	KASSERTMSG(pg->offset >= 0 &&
		uvm_page_aligned_p(uobj->uo_uvm, (uint64_t)pg->offset),
	    "bad offset %" PRId64, (int64_t)pg->offset);
	idx = uvm_obj_idx(uobj, pg->offset);
	error = radix_tree_insert(&uobj->uo_pages, idx, pg);
	if (error != 0)
		return error;
	if ((pg->flags & PG_DIRTY) != 0)
		radix_tree_set_tag(&uobj->uo_pages, idx, UVM_OBJ_DIRTY_TAG);
	pg->uobject = uobj;
	pg->flags |= PG_TABLED;
	uobj->uo_npages++;
	return 0;
}

/*
 * uvm_obj_page_remove: take a page out of the object's index.
 *	=> object lock write-held; pg must be in this object's index
 *	=> clears PG_TABLED and pg->uobject (pg->offset is left as it was)
 */
void
uvm_obj_page_remove(struct uvm_object *uobj, struct vm_page *pg)
{
	struct vm_page *opg;

	KASSERT(rw_write_held(uobj->vmobjlock));
	KASSERT(pg->uobject == uobj);
	KASSERT((pg->flags & PG_TABLED) != 0);
	KASSERT(uobj->uo_npages > 0);
	opg = radix_tree_remove(&uobj->uo_pages, uvm_obj_idx(uobj, pg->offset));
	KASSERTMSG(
	    opg == pg, "index had %p for page %p", (void *)opg, (void *)pg);
	(void)opg;
	pg->flags &= ~PG_TABLED;
	pg->uobject = NULL;
	uobj->uo_npages--;
}

/*
 * uvm_pagelookup: the resident page at offset off, or NULL.
 *	=> object lock held (reader or writer)
 */
struct vm_page *
uvm_pagelookup(struct uvm_object *uobj, voff_t off)
{
	struct vm_page *pg;

	KASSERT(rw_lock_held(uobj->vmobjlock));
	if (off < 0)
		return NULL;
	pg = radix_tree_lookup(&uobj->uo_pages, uvm_obj_idx(uobj, off));
	KASSERT(pg == NULL ||
	    (pg->uobject == uobj && (pg->flags & PG_TABLED) != 0));
	return pg;
}

/*
 * uvm_obj_page_gang: up to max resident pages at offsets >= off, ascending.
 *	=> object lock held; returns the number found
 */
unsigned
uvm_obj_page_gang(
    struct uvm_object *uobj, voff_t off, struct vm_page **pps, unsigned max)
{
	KASSERT(rw_lock_held(uobj->vmobjlock));
	if (off < 0)
		off = 0;
	return radix_tree_gang_lookup(
	    &uobj->uo_pages, uvm_obj_idx(uobj, off), (void **)pps, max);
}

/*
 * uvm_obj_page_gang_dirty: as uvm_obj_page_gang(), dirty-tagged pages only.
 */
unsigned
uvm_obj_page_gang_dirty(
    struct uvm_object *uobj, voff_t off, struct vm_page **pps, unsigned max)
{
	KASSERT(rw_lock_held(uobj->vmobjlock));
	if (off < 0)
		off = 0;
	return radix_tree_gang_lookup_tagged(&uobj->uo_pages,
	    uvm_obj_idx(uobj, off), (void **)pps, max, UVM_OBJ_DIRTY_TAG);
}

/*
 * uvm_obj_page_set_dirty: set or clear the page's dirty tag in the index.
 *	=> object lock write-held; the page layer calls this when a tabled
 *	   page's status becomes or stops being PG_DIRTY
 */
void
uvm_obj_page_set_dirty(struct uvm_object *uobj, struct vm_page *pg, bool dirty)
{
	uint64_t idx;

	KASSERT(rw_write_held(uobj->vmobjlock));
	KASSERT(pg->uobject == uobj && (pg->flags & PG_TABLED) != 0);
	idx = uvm_obj_idx(uobj, pg->offset);
	if (dirty)
		radix_tree_set_tag(&uobj->uo_pages, idx, UVM_OBJ_DIRTY_TAG);
	else
		radix_tree_clear_tag(&uobj->uo_pages, idx, UVM_OBJ_DIRTY_TAG);
}

/*
 * uvm_obj_page_dirty_p: is the page dirty-tagged in the index?
 *	=> object lock held
 */
bool
uvm_obj_page_dirty_p(struct uvm_object *uobj, struct vm_page *pg)
{
	KASSERT(rw_lock_held(uobj->vmobjlock));
	KASSERT(pg->uobject == uobj && (pg->flags & PG_TABLED) != 0);
	return radix_tree_get_tag(
	    &uobj->uo_pages, uvm_obj_idx(uobj, pg->offset), UVM_OBJ_DIRTY_TAG);
}

/*
 * uvm_obj_dirty_p: does the object have any dirty-tagged page?
 *	=> object lock held
 */
bool
uvm_obj_dirty_p(struct uvm_object *uobj)
{
	struct vm_page *pg;

	return uvm_obj_page_gang_dirty(uobj, 0, &pg, 1) != 0;
}

/*
 * uvm_object_sanity_locked: check one object's index.
 *	=> object lock held by the caller
 *	=> every indexed page: pg->uobject == uobj, PG_TABLED, not free, not
 *	   anon-owned, page-aligned offset that indexes back to it, dirty tag
 *	   set exactly when PG_DIRTY; uo_npages equals the number indexed
 */
void
uvm_object_sanity_locked(struct uvm_object *uobj)
{
	struct vm_page *pps[64];
	uint64_t n = 0, nextidx = 0;
	unsigned i, got;
	bool tagged;

	KASSERT(uobj->vmobjlock != NULL);
	KASSERT(uobj->uo_refs >= 0);
	for (;;) {
		got = radix_tree_gang_lookup(
		    &uobj->uo_pages, nextidx, (void **)pps, __arraycount(pps));
		for (i = 0; i < got; i++) {
			struct vm_page *pg = pps[i];
			uint64_t idx;

			KASSERTMSG(pg->uobject == uobj,
			    "page %p in %p index claims object %p", (void *)pg,
			    (void *)uobj, (void *)pg->uobject);
			KASSERTMSG((pg->flags & PG_TABLED) != 0,
			    "indexed page %p not PG_TABLED", (void *)pg);
			KASSERTMSG((pg->flags & PG_FREE) == 0,
			    "indexed page %p is free", (void *)pg);
			KASSERT(pg->uanon == NULL);
			KASSERT(pg->offset >= 0 &&
			    uvm_page_aligned_p(
				uobj->uo_uvm, (uint64_t)pg->offset));
			idx = uvm_obj_idx(uobj, pg->offset);
			KASSERTMSG(idx >= nextidx, "index out of order");
			KASSERTMSG(
			    radix_tree_lookup(&uobj->uo_pages, idx) == pg,
			    "page %p offset %" PRId64 " indexed elsewhere",
			    (void *)pg, (int64_t)pg->offset);
			tagged = radix_tree_get_tag(
			    &uobj->uo_pages, idx, UVM_OBJ_DIRTY_TAG);
			KASSERTMSG(tagged == ((pg->flags & PG_DIRTY) != 0),
			    "page %p dirty tag %d flags %#x", (void *)pg,
			    (int)tagged, pg->flags);
			nextidx = idx + 1;
			n++;
		}
		if (got < __arraycount(pps) || nextidx == 0)
			break;
	}
	KASSERTMSG(n == uobj->uo_npages,
	    "object %p: %" PRIu64 " pages indexed, uo_npages %" PRIu64,
	    (void *)uobj, n, uobj->uo_npages);
	KASSERT(n == uobj->uo_pages.rt_count);
}

/*
 * uvm_object_sanity: check one object.
 *	=> takes the object lock as a reader unless the caller write-holds it
 */
void
uvm_object_sanity(struct uvm_object *uobj)
{
	struct krwlock *lock = uobj->vmobjlock;

	KASSERT(lock != NULL);
	if (rw_write_held(lock)) {
		uvm_object_sanity_locked(uobj);
	} else if (rw_tryenter(lock, RW_READER)) {
		uvm_object_sanity_locked(uobj);
		rw_exit(lock);
	} else {
		/* Held by another thread as a writer: wait for it. */
		rw_enter(lock, RW_READER);
		uvm_object_sanity_locked(uobj);
		rw_exit(lock);
	}
}

/*
 * uvm_obj_sanity_all: check every object of the machine, and the counters.
 *	=> objects whose lock another thread holds as a writer are skipped
 */
void
uvm_obj_sanity_all(struct uvm *uvm)
{
	struct uvm_obj_state *os = uvm->u_obj;
	struct uvm_object *uobj;
	uint64_t n = 0;

	if (os == NULL)
		return;
	mutex_enter(&os->os_lock);
	LIST_FOREACH (uobj, &os->os_objs, uo_list) {
		struct krwlock *lock = uobj->vmobjlock;

		n++;
		if (rw_write_held(lock)) {
			uvm_object_sanity_locked(uobj);
		} else if (rw_tryenter(lock, RW_READER)) {
			uvm_object_sanity_locked(uobj);
			rw_exit(lock);
		}
	}
	KASSERT(n == os->os_nobjs);
	mutex_exit(&os->os_lock);
	uao_sanity_all(uvm);
}

/*
 * uvm_obj_count: number of live objects of the machine.
 */
uint64_t
uvm_obj_count(struct uvm *uvm)
{
	struct uvm_obj_state *os = uvm->u_obj;
	uint64_t n;

	mutex_enter(&os->os_lock);
	n = os->os_nobjs;
	mutex_exit(&os->os_lock);
	return n;
}

/*
 * uvm_object_printit: print an object (and with full, its pages).
 *	=> reads without locking: for debuggers and panic paths
 */
void
uvm_object_printit(struct uvm_object *uobj, bool full, FILE *fp)
{
	struct vm_page *pps[32];
	uint64_t nextidx = 0, n = 0;
	unsigned i, got;

	fprintf(fp,
	    "OBJECT %p: pager=%s lock=%p%s refs=%d npages=%" PRIu64 "\n",
	    (void *)uobj,
	    uobj->pgops != NULL && uobj->pgops->pgo_name != NULL
		? uobj->pgops->pgo_name
		: "?",
	    (void *)uobj->vmobjlock, uobj->uo_ownlock ? " (owned)" : "",
	    uobj->uo_refs, uobj->uo_npages);
	if (!full)
		return;
	fprintf(fp, "  pages:");
	for (;;) {
		got = radix_tree_gang_lookup(
		    &uobj->uo_pages, nextidx, (void **)pps, __arraycount(pps));
		for (i = 0; i < got; i++) {
			fprintf(fp, "%s<%p,0x%" PRIx64 "%s>",
			    (n % 4) == 0 ? "\n    " : " ", (void *)pps[i],
			    (uint64_t)pps[i]->offset,
			    (pps[i]->flags & PG_DIRTY) != 0 ? ",dirty" : "");
			n++;
			nextidx = uvm_obj_idx(uobj, pps[i]->offset) + 1;
		}
		if (got < __arraycount(pps) || nextidx == 0)
			break;
	}
	fprintf(fp, "\n");
}
