/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map.c: map operations: the entry tree, lookup, clipping, finding
 * space, mapping (with merging) and unmapping, map locking, entry
 * allocation and vmspaces.
 *
 * This file owns struct vm_map, struct vm_map_entry and struct vmspace
 * (uvm_map.h) and the machine's map state (entry and vmspace pools, the
 * list of live maps).  Range operations (protect, inherit, advice,
 * extract, ...) live in uvm_map_ops.c; checkers and printers in
 * uvm_map_print.c.
 *
 * Design note.
 *
 * The tree.  Entries are kept twice: on a sorted circular list threaded
 * through map->header, and in a red-black tree keyed by start address.
 * The tree is written here rather than taken from <sys/tree.h>: libbsd's
 * RB_AUGMENT hook is called from rotations and from parts of removal, but
 * not along the whole path to the root after an insertion or a removal,
 * and our augmentation must be exact.  Owning the code lets every
 * structural step say what it does to the augmented values:
 *
 *  - a rotation keeps the set of nodes below its top, so the node moving
 *    up inherits the old top's maxgap and only the node moving down is
 *    recomputed from its (unchanged) children;
 *  - an insertion or removal first fixes maxgap along the path from the
 *    changed position to the root, and only then rebalances;
 *  - a change of one entry's gap walks up until a maxgap stops changing.
 *
 * Insertion never compares keys: the new entry is placed right after a
 * known neighbour (the list gives its in-order successor), so clipping,
 * merging and mapping all insert in O(log n) without a search.
 *
 *	        [e2 | gap=G2 | maxgap=max(G1,G2,G3)]
 *	         /                            \
 *	[e1 | gap=G1]                       [e3 | gap=G3]
 *	 e1->gap = e2->start - e1->end, e3->gap = vm_map_max - e3->end
 *
 * The header entry closes the list and carries the map bounds inverted
 * (header.end = min, header.start = max), so "next->start - end" is the gap
 * of every entry including the last, and header.gap is the free space below
 * the first entry (the header is not in the tree).
 *
 * first_free is exact: the first of header, entries (in address order)
 * whose gap is not empty, or the last entry when the map is full.
 * Bottom-up searches from vm_map_min start there.
 *
 * Finding space (uvm_map_findspace()).  Bottom-up, the answer is the lowest
 * suitably aligned address at or above the hint; top-down the highest at
 * or below it.  The gap holding the hint is tried first; then the tree
 * yields, in address order, only the gaps at least `length' long: a
 * successor (predecessor) query that prunes every subtree whose maxgap is
 * too small costs O(log n).  A gap that is long enough but fails only
 * because of alignment or colour costs one more query, so requests without
 * alignment are O(log n) and aligned ones O(log n) per rejected gap.
 *
 * Merging.  uvm_map() extends a neighbour instead of adding an entry when
 * the neighbour is compatible: same type, object (with contiguous offsets)
 * or both anonymous, same protection, maximum protection, inheritance,
 * advice and wiring, neither marked NOMERGE/QUANTUM, and no amap or an
 * unshared amap that amap_extend() can grow.  Range operations (protect,
 * inherit, advice) clip the range, change it, and then merge the boundary
 * entries back with their neighbours when they became compatible and have
 * no amap (uvm_mapent_trymerge()), which NetBSD does not do; it keeps maps
 * small and is invisible to the mmap-family semantics.
 *
 * Entry allocation.  Entries come from the machine's entry pool, whose
 * fault-injection site is KFI_MAPENT.  Operations that can need new entries
 * (clipping the two ends of a range, one new entry) get them before they
 * change anything, with PR_NOWAIT, so an allocation failure returns ENOMEM
 * with the map untouched.  Maps flagged VM_MAP_STATICENT (the kernel map,
 * later) take entries from a private reserve filled outside the map lock
 * (uvm_map_reserve_entries()); entries from the reserve carry
 * UVM_MAP_STATIC and return to it.  A kernel map thus never enters the
 * allocator while locked, whatever backs the allocator.
 *
 * Locking.  The map lock is an rwlock (class LC_MAP).  The busy mechanism
 * (vm_map_busy()) lets a writer drop to a read lock or unlock while
 * keeping other writers out; misc_lock (a leaf mutex) guards the busy
 * owner, VM_MAP_WANTVA and the condvar on which busy and space waiters
 * sleep.  Every write unlock bumps the timestamp.  Order:
 *
 *	map -> submap -> amap -> object -> pmap;  misc_lock is a leaf
 *
 * Two-phase unmap: uvm_unmap_remove() unlinks entries and removes their
 * pmap mappings under the map lock; uvm_unmap_detach() drops amap and
 * object references afterwards, because that may do pager I/O.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "uvm_fault.h"
#include "uvm_map_impl.h"
#include "uvm_object.h"
#include "pmap/pmap.h"

CTASSERT(sizeof(void *) != 8 || sizeof(struct vm_map_entry) <= 128);

/*
 *   M A C H I N E   S T A T E
 */

int
uvm_map_init(struct uvm *uvm)
{
	struct uvm_map_state *ms;

	ms = calloc(1, sizeof(*ms));
	if (ms == NULL)
		return ENOMEM;
	/*
	 * Entries on 64-byte (cache line) boundaries: a look-up reads the
	 * tree links and the bounds of each entry it passes, all in the
	 * entry's first line, and a 128-byte entry spans two lines, not
	 * three.  The pool's slab header would otherwise shift every item
	 * by 24 bytes.
	 */
	pool_init(&ms->ms_entpool, sizeof(struct vm_map_entry), 64, "vmmpepl",
	    &uvm->u_pools, &uvm->u_fi, KFI_MAPENT);
	pool_init(&ms->ms_vmspool, sizeof(struct vmspace),
	    _Alignof(struct vmspace), "vmsppl", &uvm->u_pools, NULL, -1);
	mutex_init(&ms->ms_lock, LC_LEAF, "vmmaplist");
	TAILQ_INIT(&ms->ms_maps);
	uvm->u_map = ms;
	return 0;
}

void
uvm_map_fini(struct uvm *uvm)
{
	struct uvm_map_state *ms = uvm->u_map;

	if (ms == NULL)
		return;
	KASSERTMSG(TAILQ_EMPTY(&ms->ms_maps), "uvm_map_fini: maps still live");
	mutex_destroy(&ms->ms_lock);
	pool_destroy(&ms->ms_vmspool);
	pool_destroy(&ms->ms_entpool);
	free(ms);
	uvm->u_map = NULL;
}

/*
 *   F L A G S   A N D   L O C K I N G
 */

/* map->flags mixes [m] and [b] bits: change them atomically. */
static inline void
vm_map_setflags(struct vm_map *map, int f)
{
	__atomic_fetch_or(&map->flags, f, __ATOMIC_RELAXED);
}

static inline void
vm_map_clearflags(struct vm_map *map, int f)
{
	__atomic_fetch_and(&map->flags, ~f, __ATOMIC_RELAXED);
}

static inline int
vm_map_getflags(const struct vm_map *map)
{
	return __atomic_load_n(&map->flags, __ATOMIC_RELAXED);
}

static inline bool
vm_map_busy_other_p(struct vm_map *map)
{
	return (vm_map_getflags(map) & VM_MAP_BUSY) != 0 &&
	    !pthread_equal(map->busy_owner, pthread_self());
}

/*
 * vm_map_lock: write-lock the map, waiting while another thread has it
 * busy.
 * => may sleep
 */
void
vm_map_lock(struct vm_map *map)
{
	for (;;) {
		rw_enter(&map->lock, RW_WRITER);
		if (!vm_map_busy_other_p(map))
			break;
		mutex_enter(&map->misc_lock);
		rw_exit(&map->lock);
		while (vm_map_busy_other_p(map))
			cv_wait(&map->cv, &map->misc_lock);
		mutex_exit(&map->misc_lock);
	}
}

/*
 * vm_map_lock_try: write-lock the map if that needs no waiting.
 * => returns true with the map write-locked, false otherwise
 */
bool
vm_map_lock_try(struct vm_map *map)
{
	if (!rw_tryenter(&map->lock, RW_WRITER))
		return false;
	if (vm_map_busy_other_p(map)) {
		rw_exit(&map->lock);
		return false;
	}
	return true;
}

/*
 * vm_map_unlock: drop a write lock; bumps the timestamp and wakes threads
 * waiting for space (they recheck).
 */
void
vm_map_unlock(struct vm_map *map)
{
	KASSERT(rw_write_held(&map->lock));
	__atomic_store_n(&map->timestamp, map->timestamp + 1, __ATOMIC_RELAXED);
	rw_exit(&map->lock);
	if ((vm_map_getflags(map) & VM_MAP_WANTVA) != 0) {
		mutex_enter(&map->misc_lock);
		vm_map_clearflags(map, VM_MAP_WANTVA);
		cv_broadcast(&map->cv);
		mutex_exit(&map->misc_lock);
	}
}

void
vm_map_lock_read(struct vm_map *map)
{
	rw_enter(&map->lock, RW_READER);
}

bool
vm_map_lock_read_try(struct vm_map *map)
{
	return rw_tryenter(&map->lock, RW_READER);
}

void
vm_map_unlock_read(struct vm_map *map)
{
	KASSERT(rw_read_held(&map->lock));
	rw_exit(&map->lock);
}

/*
 * vm_map_lock_tryupgrade: read lock -> write lock, if we are the only
 * reader and no other thread has the map busy.
 * => true: write-locked; false: still read-locked
 */
bool
vm_map_lock_tryupgrade(struct vm_map *map)
{
	KASSERT(rw_read_held(&map->lock));
	if (vm_map_busy_other_p(map))
		return false;
	return rw_tryupgrade(&map->lock);
}

/*
 * vm_map_downgrade: write lock -> read lock.  Counts as a write unlock
 * for the timestamp.
 */
void
vm_map_downgrade(struct vm_map *map)
{
	KASSERT(rw_write_held(&map->lock));
	__atomic_store_n(&map->timestamp, map->timestamp + 1, __ATOMIC_RELAXED);
	rw_downgrade(&map->lock);
}

/*
 * vm_map_busy: mark the write-locked map busy: until vm_map_unbusy(), other
 * threads' write locks wait (read locks do not).
 */
void
vm_map_busy(struct vm_map *map)
{
	KASSERT(rw_write_held(&map->lock));
	KASSERT((vm_map_getflags(map) & VM_MAP_BUSY) == 0);
	mutex_enter(&map->misc_lock);
	map->busy_owner = pthread_self();
	vm_map_setflags(map, VM_MAP_BUSY);
	mutex_exit(&map->misc_lock);
}

/*
 * vm_map_unbusy: end the busy period started by vm_map_busy() (by the
 * same thread, any lock state).
 */
void
vm_map_unbusy(struct vm_map *map)
{
	KASSERT((vm_map_getflags(map) & VM_MAP_BUSY) != 0);
	KASSERT(pthread_equal(map->busy_owner, pthread_self()));
	mutex_enter(&map->misc_lock);
	vm_map_clearflags(map, VM_MAP_BUSY);
	cv_broadcast(&map->cv);
	mutex_exit(&map->misc_lock);
}

bool
vm_map_locked_p(struct vm_map *map)
{
	return rw_write_held(&map->lock);
}

bool
vm_map_lock_held_p(struct vm_map *map)
{
	return rw_lock_held(&map->lock);
}

/*
 *   E N T R I E S
 */

/*
 * uvm_mapent_alloc: a zeroed entry for the map.
 * => VM_MAP_STATICENT maps take it from their reserve; when the reserve is
 *    empty, PR_NOWAIT fails and PR_WAITOK panics (callers top the reserve
 *    up before locking the map).  Other maps use the entry pool.
 * => returns NULL only with PR_NOWAIT
 */
struct vm_map_entry *
uvm_mapent_alloc(struct vm_map *map, int prflags)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *me;

	KASSERT((prflags & (PR_WAITOK | PR_NOWAIT)) != 0);
	if ((map->flags & VM_MAP_STATICENT) != 0) {
		mutex_enter(&map->misc_lock);
		me = map->kentry_free;
		if (me != NULL) {
			map->kentry_free = me->next;
			map->nkentry_free--;
		}
		mutex_exit(&map->misc_lock);
		if (me == NULL) {
			if ((prflags & PR_NOWAIT) != 0)
				return NULL;
			panic("uvm_mapent_alloc: map %p: entry reserve empty",
			    map);
		}
		memset(me, 0, sizeof(*me));
		me->flags = UVM_MAP_STATIC;
	} else {
		me = pool_get(&uvm->u_map->ms_entpool,
		    (prflags & (PR_WAITOK | PR_NOWAIT)) | PR_ZERO);
		if (me == NULL)
			return NULL;
		uvm_cnt_inc(uvm, nmapent);
	}
	if (vm_map_kernel_p(map))
		me->flags |= UVM_MAP_KERNEL;
	return me;
}

/*
 * uvm_mapent_free: give an entry back (to the map's reserve if it came
 * from there).
 * => no lock needed; the entry must not be in any map
 */
void
uvm_mapent_free(struct vm_map *map, struct vm_map_entry *me)
{
	struct uvm *uvm = map->uvm;

	if ((me->flags & UVM_MAP_STATIC) != 0) {
		KASSERT((map->flags & VM_MAP_STATICENT) != 0);
		mutex_enter(&map->misc_lock);
		me->next = map->kentry_free;
		map->kentry_free = me;
		map->nkentry_free++;
		mutex_exit(&map->misc_lock);
		return;
	}
	pool_put(&uvm->u_map->ms_entpool, me);
	uvm_cnt_dec(uvm, nmapent);
}

/*
 * uvm_map_reserve_entries: fill a VM_MAP_STATICENT map's reserve up to n
 * entries from the pool.
 * => map must not be locked by the caller (the pool may be entered)
 * => returns 0, or ENOMEM (PR_NOWAIT) with whatever was added kept
 */
int
uvm_map_reserve_entries(struct vm_map *map, int n, int prflags)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *me;

	KASSERT((map->flags & VM_MAP_STATICENT) != 0);
	for (;;) {
		mutex_enter(&map->misc_lock);
		if (map->nkentry_free >= n) {
			mutex_exit(&map->misc_lock);
			return 0;
		}
		mutex_exit(&map->misc_lock);
		me = pool_get(&uvm->u_map->ms_entpool,
		    (prflags & (PR_WAITOK | PR_NOWAIT)) | PR_ZERO);
		if (me == NULL)
			return ENOMEM;
		uvm_cnt_inc(uvm, nmapent);
		mutex_enter(&map->misc_lock);
		me->next = map->kentry_free;
		map->kentry_free = me;
		map->nkentry_free++;
		mutex_exit(&map->misc_lock);
	}
}

/* Give every reserve entry back to the pool (map teardown). */
static void
uvm_map_drain_entries(struct vm_map *map)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *me;

	while ((me = map->kentry_free) != NULL) {
		map->kentry_free = me->next;
		map->nkentry_free--;
		pool_put(&uvm->u_map->ms_entpool, me);
		uvm_cnt_dec(uvm, nmapent);
	}
}

/*
 * uvm_mapent_copy: copy the mapping attributes of src into dst (not the
 * linkage, not the allocation flag).
 */
void
uvm_mapent_copy(const struct vm_map_entry *src, struct vm_map_entry *dst)
{
	uint8_t keep = dst->flags & (UVM_MAP_STATIC | UVM_MAP_KERNEL);

	dst->start = src->start;
	dst->end = src->end;
	dst->object = src->object;
	dst->offset = src->offset;
	dst->aref = src->aref;
	dst->protection = src->protection;
	dst->max_protection = src->max_protection;
	dst->inheritance = src->inheritance;
	dst->wired_count = src->wired_count;
	dst->etype = src->etype;
	dst->advice = src->advice;
	dst->flags = (src->flags & ~(UVM_MAP_STATIC | UVM_MAP_KERNEL)) | keep;
}

/*
 * Reservations: the entries an operation may need, taken before it changes
 * anything.  Unused ones go back afterwards.
 */
int
uvm_mapent_reserve(
    struct vm_map *map, struct uvm_mapent_reservation *umr, int n, int prflags)
{
	KASSERT(n <= UVM_MAPENT_RESERVE_MAX);
	umr->umr_n = 0;
	while (umr->umr_n < n) {
		struct vm_map_entry *me = uvm_mapent_alloc(map, prflags);

		if (me == NULL) {
			uvm_mapent_unreserve(map, umr);
			return ENOMEM;
		}
		umr->umr_ents[umr->umr_n++] = me;
	}
	return 0;
}

void
uvm_mapent_unreserve(struct vm_map *map, struct uvm_mapent_reservation *umr)
{
	while (umr->umr_n > 0)
		uvm_mapent_free(map, umr->umr_ents[--umr->umr_n]);
}

/* An entry from the reservation, or a waiting allocation without one. */
static struct vm_map_entry *
uvm_mapent_get(struct vm_map *map, struct uvm_mapent_reservation *umr)
{
	struct vm_map_entry *me;
	uint8_t keep;

	if (umr == NULL || umr->umr_n == 0)
		return uvm_mapent_alloc(map, PR_WAITOK);
	me = umr->umr_ents[--umr->umr_n];
	keep = me->flags & (UVM_MAP_STATIC | UVM_MAP_KERNEL);
	memset(me, 0, sizeof(*me));
	me->flags = keep;
	return me;
}

/*
 * uvm_map_reserve_clips: reserve the entries that clipping the ends of
 * [start, end) will take.
 * => map write-locked; allocates with PR_NOWAIT (the pool lock is a leaf)
 * => returns 0 or ENOMEM (nothing reserved)
 */
int
uvm_map_reserve_clips(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct uvm_mapent_reservation *umr)
{
	struct vm_map_entry *e;
	int n = 0;

	KASSERT(vm_map_locked_p(map));
	umr->umr_n = 0;
	if (start >= end)
		return 0;
	if (uvm_map_lookup_entry(map, start, &e) && e->start < start)
		n++;
	if (uvm_map_lookup_entry(map, end - 1, &e) && end < e->end)
		n++;
	return n != 0 ? uvm_mapent_reserve(map, umr, n, PR_NOWAIT) : 0;
}

/*
 *   T H E   T R E E
 */

static inline vsize_t
uvm_rb_maxgap_of(const struct vm_map_entry *e)
{
	return e != NULL ? e->maxgap : 0;
}

/* maxgap of e from its own gap and its children's maxgap. */
static inline vsize_t
uvm_rb_calc_maxgap(const struct vm_map_entry *e)
{
	vsize_t m = e->gap, c;

	c = uvm_rb_maxgap_of(e->rb_left);
	if (c > m)
		m = c;
	c = uvm_rb_maxgap_of(e->rb_right);
	if (c > m)
		m = c;
	return m;
}

/*
 * Recompute maxgap from e up to the root.  With stop_early, the walk ends at
 * the first node whose maxgap does not change (valid when only e's own gap
 * or children changed and everything else was exact).
 */
static void
uvm_rb_propagate(struct vm_map_entry *e, bool stop_early)
{
	while (e != NULL) {
		vsize_t m = uvm_rb_calc_maxgap(e);

		if (m == e->maxgap && stop_early)
			return;
		e->maxgap = m;
		e = e->rb_parent;
	}
}

static inline void
uvm_rb_replace_child(struct vm_map *map, struct vm_map_entry *parent,
    struct vm_map_entry *old, struct vm_map_entry *new)
{
	if (parent == NULL)
		map->rb_root = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/* Rotations keep the subtree's node set: only the two nodes change. */
static void
uvm_rb_rotate_left(struct vm_map *map, struct vm_map_entry *x)
{
	struct vm_map_entry *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left != NULL)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	uvm_rb_replace_child(map, x->rb_parent, x, y);
	y->rb_left = x;
	x->rb_parent = y;
	y->maxgap = x->maxgap;
	x->maxgap = uvm_rb_calc_maxgap(x);
}

static void
uvm_rb_rotate_right(struct vm_map *map, struct vm_map_entry *x)
{
	struct vm_map_entry *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right != NULL)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	uvm_rb_replace_child(map, x->rb_parent, x, y);
	y->rb_right = x;
	x->rb_parent = y;
	y->maxgap = x->maxgap;
	x->maxgap = uvm_rb_calc_maxgap(x);
}

static inline bool
uvm_rb_red_p(const struct vm_map_entry *e)
{
	return e != NULL && e->rb_red;
}

/*
 * Insert e, already on the list, into the tree.  Its in-order predecessor
 * is e->prev and successor e->next, so no key comparison is needed: e
 * becomes the right child of its predecessor if that slot is free, else
 * the left child of its successor (which then has none).
 */
static void
uvm_rb_insert(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *after = e->prev, *p, *g, *u;

	e->rb_left = e->rb_right = NULL;
	e->rb_red = 1;
	e->maxgap = e->gap;
	if (map->rb_root == NULL) {
		e->rb_parent = NULL;
		map->rb_root = e;
	} else if (after != &map->header && after->rb_right == NULL) {
		after->rb_right = e;
		e->rb_parent = after;
	} else {
		p = e->next;
		KASSERT(p != &map->header && p->rb_left == NULL);
		p->rb_left = e;
		e->rb_parent = p;
	}
	uvm_rb_propagate(e->rb_parent, true);

	while ((p = e->rb_parent) != NULL && p->rb_red) {
		g = p->rb_parent;
		if (p == g->rb_left) {
			u = g->rb_right;
			if (uvm_rb_red_p(u)) {
				p->rb_red = u->rb_red = 0;
				g->rb_red = 1;
				e = g;
				continue;
			}
			if (e == p->rb_right) {
				uvm_rb_rotate_left(map, p);
				e = p;
				p = e->rb_parent;
			}
			p->rb_red = 0;
			g->rb_red = 1;
			uvm_rb_rotate_right(map, g);
		} else {
			u = g->rb_left;
			if (uvm_rb_red_p(u)) {
				p->rb_red = u->rb_red = 0;
				g->rb_red = 1;
				e = g;
				continue;
			}
			if (e == p->rb_left) {
				uvm_rb_rotate_right(map, p);
				e = p;
				p = e->rb_parent;
			}
			p->rb_red = 0;
			g->rb_red = 1;
			uvm_rb_rotate_left(map, g);
		}
	}
	map->rb_root->rb_red = 0;
}

/* Restore the red-black properties after removing a black node. */
static void
uvm_rb_remove_fixup(
    struct vm_map *map, struct vm_map_entry *x, struct vm_map_entry *parent)
{
	struct vm_map_entry *w;

	while (x != map->rb_root && !uvm_rb_red_p(x)) {
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (w->rb_red) {
				w->rb_red = 0;
				parent->rb_red = 1;
				uvm_rb_rotate_left(map, parent);
				w = parent->rb_right;
			}
			if (!uvm_rb_red_p(w->rb_left) &&
			    !uvm_rb_red_p(w->rb_right)) {
				w->rb_red = 1;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!uvm_rb_red_p(w->rb_right)) {
				w->rb_left->rb_red = 0;
				w->rb_red = 1;
				uvm_rb_rotate_right(map, w);
				w = parent->rb_right;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = 0;
			if (w->rb_right != NULL)
				w->rb_right->rb_red = 0;
			uvm_rb_rotate_left(map, parent);
			x = map->rb_root;
			break;
		} else {
			w = parent->rb_left;
			if (w->rb_red) {
				w->rb_red = 0;
				parent->rb_red = 1;
				uvm_rb_rotate_right(map, parent);
				w = parent->rb_left;
			}
			if (!uvm_rb_red_p(w->rb_left) &&
			    !uvm_rb_red_p(w->rb_right)) {
				w->rb_red = 1;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (!uvm_rb_red_p(w->rb_left)) {
				w->rb_right->rb_red = 0;
				w->rb_red = 1;
				uvm_rb_rotate_left(map, w);
				w = parent->rb_left;
			}
			w->rb_red = parent->rb_red;
			parent->rb_red = 0;
			if (w->rb_left != NULL)
				w->rb_left->rb_red = 0;
			uvm_rb_rotate_right(map, parent);
			x = map->rb_root;
			break;
		}
	}
	if (x != NULL)
		x->rb_red = 0;
}

/* Take z out of the tree (the list is not touched). */
static void
uvm_rb_remove(struct vm_map *map, struct vm_map_entry *z)
{
	struct vm_map_entry *child, *parent, *y;
	int red;

	if (z->rb_left == NULL || z->rb_right == NULL) {
		child = z->rb_left != NULL ? z->rb_left : z->rb_right;
		parent = z->rb_parent;
		red = z->rb_red;
		if (child != NULL)
			child->rb_parent = parent;
		uvm_rb_replace_child(map, parent, z, child);
	} else {
		/* Put z's in-order successor y (z->next) in z's place. */
		y = z->next;
		KASSERT(y->rb_left == NULL);
		child = y->rb_right;
		parent = y->rb_parent;
		red = y->rb_red;
		if (parent == z) {
			parent = y;
		} else {
			parent->rb_left = child;
			if (child != NULL)
				child->rb_parent = parent;
			y->rb_right = z->rb_right;
			z->rb_right->rb_parent = y;
		}
		y->rb_left = z->rb_left;
		z->rb_left->rb_parent = y;
		y->rb_parent = z->rb_parent;
		y->rb_red = z->rb_red;
		uvm_rb_replace_child(map, z->rb_parent, z, y);
	}
	/* Every node from parent to the root lost z: recompute them all. */
	uvm_rb_propagate(parent, false);
	if (!red)
		uvm_rb_remove_fixup(map, child, parent);
	z->rb_left = z->rb_right = z->rb_parent = NULL;
}

/* "a lies before b" in list order (the header is first). */
static inline bool
uvm_map_before_p(const struct vm_map *map, const struct vm_map_entry *a,
    const struct vm_map_entry *b)
{
	if (a == &map->header)
		return b != &map->header;
	return b != &map->header && a->start < b->start;
}

/*
 * First entry at or after e (in list order; e may be the header) whose gap
 * is not empty: the tree answers in O(log n) what the list would in O(n).
 */
static struct vm_map_entry *
uvm_map_first_gap_from(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *n;
	int steps;

	for (steps = 0; steps < 8; steps++) {
		if (e->gap != 0 || e->next == &map->header)
			return e;
		e = e->next;
	}
	if (e->gap != 0 || e->next == &map->header)
		return e;
	n = uvm_rb_next_fit(map, e, 1);
	return n != NULL ? n : map->header.prev;
}

/*
 * uvm_map_gap_set: recompute e's gap after e->end or e->next->start moved,
 * fix the tree's maxgap and first_free.
 */
void
uvm_map_gap_set(struct vm_map *map, struct vm_map_entry *e)
{
	e->gap = e->next->start - e->end;
	if (e != &map->header)
		uvm_rb_propagate(e, true);
	if (e->gap != 0) {
		if (uvm_map_before_p(map, e, map->first_free))
			map->first_free = e;
	} else if (e == map->first_free) {
		map->first_free = uvm_map_first_gap_from(map, e);
	}
}

/*
 * uvm_map_entry_link: put e into the map right after `after' (the header
 * to make it the first entry).
 * => map write-locked; e must fit between after and after->next
 */
void
uvm_map_entry_link(
    struct vm_map *map, struct vm_map_entry *after, struct vm_map_entry *e)
{
	KASSERT(after->end <= e->start || after == &map->header);
	KASSERT(e->end <= after->next->start);
	e->prev = after;
	e->next = after->next;
	after->next->prev = e;
	after->next = e;
	map->nentries++;
	e->gap = e->next->start - e->end;
	uvm_rb_insert(map, e);
	uvm_map_gap_set(map, after);
	if (e->gap != 0 && uvm_map_before_p(map, e, map->first_free))
		map->first_free = e;
	else if (map->first_free == after && after->gap == 0)
		map->first_free = uvm_map_first_gap_from(map, e);
}

/*
 * uvm_map_entry_unlink: take e out of the map (list and tree).
 * => map write-locked; the hint must not point at e (callers use
 *    uvm_map_clear_hints()); first_free is fixed here
 */
void
uvm_map_entry_unlink(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *prev = e->prev;

	KASSERT(e != &map->header);
	KASSERT(map->hint != e);
	if (map->first_free == e)
		map->first_free = prev;
	prev->next = e->next;
	e->next->prev = prev;
	map->nentries--;
	uvm_rb_remove(map, e);
	uvm_map_gap_set(map, prev);
}

void
uvm_map_clear_hints(struct vm_map *map, struct vm_map_entry *e)
{
	if (map->hint == e)
		map->hint = e->prev;
}

static inline void
uvm_map_save_hint(struct vm_map *map, struct vm_map_entry *e)
{
	__atomic_store_n(&map->hint, e, __ATOMIC_RELAXED);
}

/*
 * Gap queries.  uvm_rb_next_fit: the first entry after e (e may be the
 * header: the first of all) whose gap is at least len; NULL if none.
 * uvm_rb_prev_fit: the last entry before e (e may be the header: the last
 * of all) with such a gap; NULL if none (the header's own gap is the
 * caller's business).  Both O(log n).
 */
static struct vm_map_entry *
uvm_rb_first_fit(struct vm_map_entry *sub, vsize_t len)
{
	if (sub == NULL || sub->maxgap < len)
		return NULL;
	for (;;) {
		if (sub->rb_left != NULL && sub->rb_left->maxgap >= len)
			sub = sub->rb_left;
		else if (sub->gap >= len)
			return sub;
		else
			sub = sub->rb_right;
	}
}

static struct vm_map_entry *
uvm_rb_last_fit(struct vm_map_entry *sub, vsize_t len)
{
	if (sub == NULL || sub->maxgap < len)
		return NULL;
	for (;;) {
		if (sub->rb_right != NULL && sub->rb_right->maxgap >= len)
			sub = sub->rb_right;
		else if (sub->gap >= len)
			return sub;
		else
			sub = sub->rb_left;
	}
}

struct vm_map_entry *
uvm_rb_next_fit(struct vm_map *map, struct vm_map_entry *e, vsize_t len)
{
	struct vm_map_entry *p, *n;

	if (e == &map->header)
		return uvm_rb_first_fit(map->rb_root, len);
	if ((n = uvm_rb_first_fit(e->rb_right, len)) != NULL)
		return n;
	for (; (p = e->rb_parent) != NULL; e = p) {
		if (e != p->rb_left)
			continue;
		if (p->gap >= len)
			return p;
		if ((n = uvm_rb_first_fit(p->rb_right, len)) != NULL)
			return n;
	}
	return NULL;
}

struct vm_map_entry *
uvm_rb_prev_fit(struct vm_map *map, struct vm_map_entry *e, vsize_t len)
{
	struct vm_map_entry *p, *n;

	if (e == &map->header)
		return uvm_rb_last_fit(map->rb_root, len);
	if ((n = uvm_rb_last_fit(e->rb_left, len)) != NULL)
		return n;
	for (; (p = e->rb_parent) != NULL; e = p) {
		if (e != p->rb_right)
			continue;
		if (p->gap >= len)
			return p;
		if ((n = uvm_rb_last_fit(p->rb_left, len)) != NULL)
			return n;
	}
	return NULL;
}

/*
 *   L O O K U P
 */

/*
 * uvm_map_lookup_entry: find the entry holding addr (returns true), or the
 * entry after which the free space holding addr lies (the header if addr
 * is below every entry; returns false).
 * => map at least read-locked
 *
 * The hint (the last entry found) answers sequential access without a
 * tree walk.  It must not cost a random look-up in a large map a cache
 * miss of its own: the hint was just used, so it is in the cache, but its
 * successor is anywhere in memory.  So the end of the free space after
 * the hint (next->start) is computed from the hint's own gap, and the
 * successor is read only when addr lies less than 16 pages past its
 * start.  A walker that leaves the hint's entry and steps into the
 * next one arrives at next->start, or a few pages past it when it skips
 * pages (fault-ahead reaches a few pages, madvise and mincore walks a
 * page at a time); 16 pages covers those.  A random address falls in the
 * window with a probability of 16 pages over the map's span per entry,
 * negligible in a large map, and a miss of the window only costs the
 * tree walk that follows.
 */
bool
uvm_map_lookup_entry(
    struct vm_map *map, vaddr_t addr, struct vm_map_entry **entryp)
{
	struct vm_map_entry *cur, *prev, *next;
	vsize_t off;

	KASSERT(vm_map_lock_held_p(map));
	/* The hint, then the space right after it (sequential access). */
	cur = __atomic_load_n(&map->hint, __ATOMIC_RELAXED);
	KASSERT(cur->gap == cur->next->start - cur->end);
	if (cur == &map->header) {
		/*
		 * The header as hint: its gap ends at the first entry's start
		 * (at vm_map_max with no entry), so an address below it needs
		 * no look at the first entry.
		 */
		if (cur->next == &map->header || addr < cur->end ||
		    addr - cur->end < cur->gap) {
			*entryp = &map->header;
			return false;
		}
		cur = cur->next;
		KASSERT(cur->gap == cur->next->start - cur->end);
	}
	if (addr >= cur->start) {
		if (addr < cur->end) {
			*entryp = cur;
			return true;
		}
		/* In the gap after cur (addr < next->start), or past the end. */
		off = addr - cur->end;
		if (off < cur->gap || cur->next == &map->header) {
			*entryp = cur;
			return false;
		}
		/* addr >= next->start, by off bytes. */
		off -= cur->gap;
		if (off < ((vsize_t)16 << UVM_PAGE_SHIFT(map->uvm))) {
			next = cur->next;
			if (addr < next->end) {
				*entryp = next;
				uvm_map_save_hint(map, next);
				return true;
			}
		}
	}
	prev = &map->header;
	cur = map->rb_root;
	while (cur != NULL) {
		if (addr < cur->start) {
			cur = cur->rb_left;
		} else if (addr < cur->end) {
			*entryp = cur;
			uvm_map_save_hint(map, cur);
			return true;
		} else {
			prev = cur;
			cur = cur->rb_right;
		}
	}
	*entryp = prev;
	return false;
}

/*
 *   C L I P P I N G
 */

/*
 * Split e at addr: the new entry `ne' takes [e->start, addr) (front) or
 * [addr, e->end) (back); references to the amap are split, the object
 * gets one more reference for the new entry.
 */
static void
uvm_map_split_entry(struct vm_map *map, struct vm_map_entry *e, vaddr_t addr,
    struct vm_map_entry *ne, bool front)
{
	vsize_t adj = addr - e->start;

	KASSERT(vm_map_locked_p(map));
	KASSERT(addr > e->start && addr < e->end);
	KASSERT(uvm_page_aligned_p(map->uvm, addr));
	KASSERT((e->flags & UVM_MAP_QUANTUM) == 0);
	uvm_mapent_copy(e, ne);
	if (front) {
		/* ne = [start, addr); e = [addr, end) */
		ne->end = addr;
		e->start = addr;
		if (UVM_ET_ISOBJ(e) || UVM_ET_ISSUBMAP(e))
			e->offset += adj;
		if (e->aref.ar_amap != NULL)
			amap_splitref(&ne->aref, &e->aref, adj);
		uvm_map_entry_link(map, e->prev, ne);
	} else {
		/* e = [start, addr); ne = [addr, end) */
		e->end = addr;
		ne->start = addr;
		if (UVM_ET_ISOBJ(e) || UVM_ET_ISSUBMAP(e))
			ne->offset += adj;
		if (e->aref.ar_amap != NULL)
			amap_splitref(&e->aref, &ne->aref, adj);
		uvm_map_entry_link(map, e, ne);
	}
	if (UVM_ET_ISSUBMAP(e)) {
		__atomic_fetch_add(
		    &e->object.sub_map->ref_count, 1, __ATOMIC_RELAXED);
	} else if (UVM_ET_ISOBJ(e) &&
	    e->object.uvm_obj->pgops->pgo_reference != NULL) {
		e->object.uvm_obj->pgops->pgo_reference(e->object.uvm_obj);
	}
}

void
uvm_map_clip_start_umr(struct vm_map *map, struct vm_map_entry *e, vaddr_t addr,
    struct uvm_mapent_reservation *umr)
{
	uvm_map_split_entry(map, e, addr, uvm_mapent_get(map, umr), true);
}

void
uvm_map_clip_end_umr(struct vm_map *map, struct vm_map_entry *e, vaddr_t addr,
    struct uvm_mapent_reservation *umr)
{
	uvm_map_split_entry(map, e, addr, uvm_mapent_get(map, umr), false);
}

/*
 * uvm_map_clip_start: make e start at addr by splitting off its front as a
 * new entry.
 * => map write-locked; e->start < addr < e->end
 * => allocates with PR_WAITOK (cannot fail)
 */
void
uvm_map_clip_start(struct vm_map *map, struct vm_map_entry *e, vaddr_t addr)
{
	uvm_map_clip_start_umr(map, e, addr, NULL);
}

/*
 * uvm_map_clip_end: make e end at addr by splitting off its back.
 * => map write-locked; e->start < addr < e->end
 */
void
uvm_map_clip_end(struct vm_map *map, struct vm_map_entry *e, vaddr_t addr)
{
	uvm_map_clip_end_umr(map, e, addr, NULL);
}

/*
 *   F I N D S P A C E
 */

/*
 * Alignment constraint: an address a qualifies when a % mod == res
 * (mod == 0: any page-aligned address).
 */
struct uvm_map_align {
	vsize_t ma_mod;
	vsize_t ma_res;
};

static void
uvm_map_align_init(struct vm_map *map, vsize_t align, uvm_flag_t flags,
    struct uvm_map_align *ma)
{
	struct uvm *uvm = map->uvm;

	ma->ma_mod = ma->ma_res = 0;
	if ((flags & UVM_FLAG_COLORMATCH) != 0) {
		if (uvm->u_cfg.uc_ncolors > 1) {
			ma->ma_mod = uvm_ptoa(uvm, uvm->u_cfg.uc_ncolors);
			ma->ma_res = uvm_ptoa(uvm, align);
		}
	} else if (align > UVM_PAGE_SIZE(uvm)) {
		ma->ma_mod = align;
	}
}

/* Lowest qualifying address >= a; false on wrap-around. */
static inline bool
uvm_map_align_up(const struct uvm_map_align *ma, vaddr_t a, vaddr_t *rp)
{
	vaddr_t base, c;

	if (ma->ma_mod == 0) {
		*rp = a;
		return true;
	}
	base = a & ~(ma->ma_mod - 1);
	c = base + ma->ma_res;
	if (c < a) {
		c += ma->ma_mod;
		if (c < base)
			return false;
	}
	*rp = c;
	return true;
}

/* Highest qualifying address <= a; false on wrap-around. */
static inline bool
uvm_map_align_down(const struct uvm_map_align *ma, vaddr_t a, vaddr_t *rp)
{
	vaddr_t base, c;

	if (ma->ma_mod == 0) {
		*rp = a;
		return true;
	}
	base = a & ~(ma->ma_mod - 1);
	c = base + ma->ma_res;
	if (c > a) {
		if (base < ma->ma_mod)
			return false;
		c -= ma->ma_mod;
	}
	*rp = c;
	return true;
}

/*
 * Does [a, a + len) with a >= lo, aligned up, fit in the gap after e?
 * The candidate is returned in *ap.
 */
static bool
uvm_map_fit_up(const struct uvm_map_align *ma, struct vm_map_entry *e,
    vaddr_t lo, vsize_t len, vaddr_t *ap)
{
	vaddr_t a = lo > e->end ? lo : e->end, top = e->next->start;

	if (!uvm_map_align_up(ma, a, &a))
		return false;
	if (a < e->end || a >= top || top - a < len)
		return false;
	*ap = a;
	return true;
}

/* Does [a, a + len) with a <= hi, aligned down, fit in the gap after e? */
static bool
uvm_map_fit_down(const struct uvm_map_align *ma, struct vm_map_entry *e,
    vaddr_t hi, vsize_t len, vaddr_t *ap)
{
	vaddr_t top = e->next->start, a;

	if (top - e->end < len)
		return false;
	a = top - len;
	if (a > hi)
		a = hi;
	if (!uvm_map_align_down(ma, a, &a))
		return false;
	if (a < e->end || a > top - len)
		return false;
	*ap = a;
	return true;
}

/*
 * uvm_map_findspace: find room for length bytes.
 * => hint: wanted address; with UVM_FLAG_FIXED the only acceptable one
 * => bottom-up maps return the lowest fit at or above the hint, top-down
 *    maps the highest fit at or below it; align (a power of two) or, with
 *    UVM_FLAG_COLORMATCH, a page colour, restricts the address
 * => map at least read-locked; arguments validated by the caller
 * => returns the entry after which the space lies (the header if at the
 *    bottom) with *result set, or NULL if there is no room
 */
struct vm_map_entry *
uvm_map_findspace(struct vm_map *map, vaddr_t hint, vsize_t length,
    vaddr_t *result, struct uvm_object *uobj, voff_t uoffset, vsize_t align,
    uvm_flag_t flags)
{
	const bool topdown = (map->flags & VM_MAP_TOPDOWN) != 0;
	struct uvm_map_align ma;
	struct vm_map_entry *e;
	vaddr_t a;
	bool found;

	KASSERT(vm_map_lock_held_p(map));
	KASSERT(length > 0);
	uvm_map_align_init(map, align, flags, &ma);

	if ((flags & UVM_FLAG_FIXED) != 0) {
		if (hint < vm_map_min(map) || hint > vm_map_max(map) ||
		    vm_map_max(map) - hint < length)
			return NULL;
		if (ma.ma_mod != 0 && (hint & (ma.ma_mod - 1)) != ma.ma_res)
			return NULL;
		if (uvm_map_lookup_entry(map, hint, &e))
			return NULL;
		if (e->next->start - hint < length)
			return NULL;
		*result = hint;
		return e;
	}

	if (hint < vm_map_min(map))
		hint = vm_map_min(map);
	if (hint > vm_map_max(map))
		return NULL;

	if (!topdown) {
		/* The gap holding the hint, then larger addresses. */
		if (hint == vm_map_min(map))
			e = map->first_free;
		else
			(void)uvm_map_lookup_entry(map, hint, &e);
		if (uvm_map_fit_up(&ma, e, hint, length, &a))
			goto found;
		while ((e = uvm_rb_next_fit(map, e, length)) != NULL) {
			if (uvm_map_fit_up(&ma, e, e->end, length, &a))
				goto found;
		}
		return NULL;
	}

	/* Top-down: the gap holding the hint, then smaller addresses. */
	if (uvm_map_lookup_entry(map, hint, &e))
		e = e->prev;
	if (uvm_map_fit_down(&ma, e, hint, length, &a))
		goto found;
	for (;;) {
		if (e == &map->header)
			return NULL;
		e = uvm_rb_prev_fit(map, e, length);
		if (e == NULL) {
			e = &map->header;
			found = uvm_map_fit_down(
			    &ma, e, e->next->start, length, &a);
			if (found)
				goto found;
			return NULL;
		}
		if (uvm_map_fit_down(&ma, e, e->next->start, length, &a))
			goto found;
	}

found:
	(void)uobj;
	(void)uoffset;
	KASSERT(a >= e->end && e->next->start - a >= length);
	KASSERT(topdown ? a <= hint : a >= hint);
	*result = a;
	return e;
}

/*
 *   M A P P I N G
 */

/* The uvm_map() flags this layer implements. */
#define UVM_MAP_KNOWN_FLAGS                                          \
	(UVM_FLAG_FIXED | UVM_FLAG_OVERLAY | UVM_FLAG_NOMERGE |      \
	    UVM_FLAG_COPYONW | UVM_FLAG_AMAPPAD | UVM_FLAG_TRYLOCK | \
	    UVM_FLAG_NOWAIT | UVM_FLAG_WAITVA | UVM_FLAG_QUANTUM |   \
	    UVM_FLAG_UNMAP | UVM_FLAG_COLORMATCH | UVM_FLAG_VAONLY)

/*
 * Validate uvm_map() arguments; everything the errno table of
 * docs/design/map.md lists as EINVAL or EACCES.
 */
static int
uvm_map_validate(struct vm_map *map, vaddr_t start, vsize_t size,
    struct uvm_object *uobj, vsize_t align, uvm_flag_t flags)
{
	struct uvm *uvm = map->uvm;
	vm_prot_t prot = UVM_PROTECTION(flags);
	vm_prot_t maxprot = UVM_MAXPROTECTION(flags);
	vm_inherit_t inh = UVM_INHERIT(flags);
	unsigned adv = UVM_ADVICE(flags);

	if (size == 0 || !uvm_page_aligned_p(uvm, size) ||
	    !uvm_page_aligned_p(uvm, start))
		return EINVAL;
	if ((flags & ~(UVM_MAP_KNOWN_FLAGS | 0x7777u)) != 0)
		return EINVAL;
	if ((flags & UVM_FLAG_UNMAP) != 0 && (flags & UVM_FLAG_FIXED) == 0)
		return EINVAL;
	if ((flags & (UVM_FLAG_NOWAIT | UVM_FLAG_WAITVA)) ==
	    (UVM_FLAG_NOWAIT | UVM_FLAG_WAITVA))
		return EINVAL;
	if ((flags & UVM_FLAG_QUANTUM) != 0 && !vm_map_kernel_p(map))
		return EINVAL;
	if ((flags & UVM_FLAG_COLORMATCH) != 0) {
		if (align >= uvm->u_cfg.uc_ncolors)
			return EINVAL;
	} else if (align != 0 && !powerof2_p(align)) {
		return EINVAL;
	}
	if ((flags & UVM_FLAG_FIXED) != 0 &&
	    ((flags & UVM_FLAG_COLORMATCH) != 0 || align != 0)) {
		struct uvm_map_align ma;

		uvm_map_align_init(map, align, flags, &ma);
		if (ma.ma_mod != 0 && (start & (ma.ma_mod - 1)) != ma.ma_res)
			return EINVAL;
	}
	if (inh != UVM_INH_SHARE && inh != UVM_INH_COPY &&
	    inh != UVM_INH_NONE && inh != UVM_INH_ZERO)
		return EINVAL;
	if (adv != UVM_ADV_NORMAL && adv != UVM_ADV_RANDOM &&
	    adv != UVM_ADV_SEQUENTIAL)
		return EINVAL;
	(void)uobj;
	if ((prot & maxprot) != prot)
		return EACCES;
	return 0;
}

/*
 * uvm_map_prepare: validate, lock the map and find space (replacing what
 * is there with UVM_FLAG_UNMAP).
 * => map unlocked on entry; on success it is returned write-locked, with
 *    args filled in for uvm_map_enter() (which unlocks it)
 * => args->uma_umr: an empty reservation, filled for UVM_FLAG_UNMAP
 *    clipping (the caller unreserves what is left)
 * => returns 0, EINVAL/EACCES (arguments), EAGAIN (TRYLOCK and the lock
 *    is taken), ENOMEM (no space, or outside the map); may sleep unless
 *    TRYLOCK/NOWAIT
 */
int
uvm_map_prepare(struct vm_map *map, vaddr_t start, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags,
    struct uvm_map_args *args)
{
	struct vm_map_entry *prev;
	unsigned int timestamp;
	int error;

	KASSERT(!vm_map_locked_p(map));
	error = uvm_map_validate(map, start, size, uobj, align, flags);
	if (error != 0)
		return error;
	args->uma_dead = NULL;

retry:
	if (!vm_map_lock_try(map)) {
		if ((flags & UVM_FLAG_TRYLOCK) != 0)
			return EAGAIN;
		vm_map_lock(map);
	}
	if ((flags & UVM_FLAG_UNMAP) != 0) {
		/* Only a range inside the map can be replaced. */
		if (start < vm_map_min(map) || start > vm_map_max(map) ||
		    vm_map_max(map) - start < size) {
			vm_map_unlock(map);
			return ENOMEM;
		}
		error = uvm_unmap_check_quantum(map, start, start + size);
		if (error == 0)
			error = uvm_map_reserve_clips(
			    map, start, start + size, args->uma_umr);
		if (error != 0) {
			vm_map_unlock(map);
			return error;
		}
		uvm_unmap_remove_umr(map, start, start + size, &args->uma_dead,
		    args->uma_umr, 0);
	}
	prev = uvm_map_findspace(
	    map, start, size, &start, uobj, uoffset, align, flags);
	if (prev == NULL) {
		if ((flags & UVM_FLAG_WAITVA) == 0 ||
		    (flags & UVM_FLAG_FIXED) != 0) {
			vm_map_unlock(map);
			return ENOMEM;
		}
		/*
		 * Wait until somebody changes the map (an unmap wakes us
		 * through vm_map_unlock()) and look again.  The timed wait
		 * guards against a wake-up slipping between our unlock and
		 * the wait.
		 */
		timestamp = map->timestamp;
		mutex_enter(&map->misc_lock);
		vm_map_setflags(map, VM_MAP_WANTVA);
		mutex_exit(&map->misc_lock);
		rw_exit(&map->lock);
		mutex_enter(&map->misc_lock);
		while ((vm_map_getflags(map) & VM_MAP_WANTVA) != 0 &&
		    __atomic_load_n(&map->timestamp, __ATOMIC_RELAXED) ==
			timestamp)
			(void)cv_timedwait(&map->cv, &map->misc_lock, 100);
		mutex_exit(&map->misc_lock);
		goto retry;
	}

	if (uobj == NULL)
		uoffset = 0;
	else if (uoffset == UVM_UNKNOWN_OFFSET)
		uoffset = (voff_t)(start - vm_map_min(map));

	args->uma_prev = prev;
	args->uma_start = start;
	args->uma_size = size;
	args->uma_uobj = uobj;
	args->uma_uoffset = uoffset;
	args->uma_flags = flags;
	return 0;
}

/*
 * Make e's amap (if any) cover addsize more bytes in direction dir
 * (AMAP_EXTEND_FORWARDS/BACKWARDS), for a merge.  Entries without an amap
 * need nothing.  A shared or needs-copy amap cannot grow: another entry
 * sees it.  Returns true if e may now be extended.
 */
static bool
uvm_map_amap_try_grow(struct vm_map_entry *e, vsize_t addsize, int dir)
{
	struct vm_amap *amap = e->aref.ar_amap;

	if (amap == NULL)
		return true;
	if (UVM_ET_ISNEEDSCOPY(e) || amap_refs(amap) != 1)
		return false;
	return amap_extend(e, addsize, dir | AMAP_EXTEND_NOWAIT) == 0;
}

/* Could `e' be extended to cover a new mapping with these attributes? */
static bool
uvm_map_compatible_p(const struct vm_map_entry *e, int etype,
    struct uvm_object *uobj, int meflags, vm_prot_t prot, vm_prot_t maxprot,
    vm_inherit_t inh, int advice, int wired)
{
	return e->etype == etype &&
	    ((e->flags | meflags) & (UVM_MAP_NOMERGE | UVM_MAP_QUANTUM)) == 0 &&
	    e->object.uvm_obj == uobj && e->protection == prot &&
	    e->max_protection == maxprot && e->inheritance == inh &&
	    e->advice == advice && e->wired_count == wired;
}

/* Drop the caller's object reference that a merge made redundant. */
static void
uvm_map_obj_detach(struct uvm_object *uobj)
{
	if (uobj != NULL && uobj->pgops->pgo_detach != NULL)
		uobj->pgops->pgo_detach(uobj);
}

/*
 * uvm_map_enter: enter the mapping prepared by uvm_map_prepare(), merging
 * it into a neighbour when possible, then unlock the map.
 * => map write-locked on entry, unlocked on return
 * => new_entry: a preallocated entry (freed if a merge made it unneeded);
 *    its aref may already hold the mapping's amap (UVM_FLAG_OVERLAY)
 * => consumes the caller's reference to the object
 * => returns 0 (nothing here can fail once prepared)
 */
int
uvm_map_enter(struct vm_map *map, struct uvm_map_args *args,
    struct vm_map_entry *new_entry)
{
	struct vm_map_entry *prev = args->uma_prev, *next = prev->next;
	const vaddr_t start = args->uma_start;
	const vsize_t size = args->uma_size;
	struct uvm_object *uobj = args->uma_uobj;
	const voff_t uoffset = args->uma_uoffset;
	const uvm_flag_t flags = args->uma_flags;
	const vm_prot_t prot = UVM_PROTECTION(flags);
	const vm_prot_t maxprot = UVM_MAXPROTECTION(flags);
	const vm_inherit_t inh = UVM_INHERIT(flags);
	const int advice = UVM_ADVICE(flags);
	struct vm_map_entry *dead;
	int etype = 0, meflags = 0;
	bool backmerge = false, forwmerge = false;

	KASSERT(vm_map_locked_p(map));
	KASSERT(prev->end <= start || prev == &map->header);
	KASSERT(next->start >= start + size);
	KASSERT(new_entry != NULL);

	if (uobj != NULL)
		etype |= UVM_ET_OBJ;
	if ((flags & UVM_FLAG_COPYONW) != 0) {
		etype |= UVM_ET_COPYONWRITE;
		if ((flags & UVM_FLAG_OVERLAY) == 0)
			etype |= UVM_ET_NEEDSCOPY;
	}
	if ((flags & UVM_FLAG_NOMERGE) != 0)
		meflags |= UVM_MAP_NOMERGE;
	if ((flags & UVM_FLAG_QUANTUM) != 0)
		meflags |= UVM_MAP_QUANTUM;

	/*
	 * Merge candidates.  An overlay mapping brings its own amap and
	 * never merges.  A neighbour with an amap merges only if the amap
	 * is its alone and can grow over the new range.
	 */
	if (meflags == 0 && (flags & UVM_FLAG_OVERLAY) == 0) {
		if (prev != &map->header && prev->end == start &&
		    uvm_map_compatible_p(prev, etype, uobj, meflags, prot,
			maxprot, inh, advice, 0) &&
		    (uobj == NULL ||
			prev->offset + (voff_t)(prev->end - prev->start) ==
			    uoffset) &&
		    uvm_map_amap_try_grow(prev, size, AMAP_EXTEND_FORWARDS)) {
			backmerge = true;
		}
		if (next != &map->header && next->start == start + size &&
		    uvm_map_compatible_p(next, etype, uobj, meflags, prot,
			maxprot, inh, advice, 0) &&
		    (uobj == NULL || uoffset + (voff_t)size == next->offset)) {
			/*
			 * Joining prev and next needs neither to have an
			 * amap (two amaps cannot be joined).
			 */
			if (backmerge)
				forwmerge = prev->aref.ar_amap == NULL &&
				    next->aref.ar_amap == NULL;
			else
				forwmerge = uvm_map_amap_try_grow(
				    next, size, AMAP_EXTEND_BACKWARDS);
		}
	}

	if (backmerge) {
		/* prev grows over the new range (and over next if bimerge). */
		prev->end = start + size;
		map->size += size;
		if (forwmerge) {
			prev->end = next->end;
			uvm_map_clear_hints(map, next);
			uvm_map_entry_unlink(map, next);
			uvm_map_obj_detach(next->object.uvm_obj);
			uvm_mapent_free(map, next);
		} else {
			uvm_map_gap_set(map, prev);
		}
		uvm_map_obj_detach(uobj);
		uvm_map_save_hint(map, prev);
		uvm_mapent_free(map, new_entry);
	} else if (forwmerge) {
		/* next grows backwards over the new range. */
		next->start = start;
		if (uobj != NULL)
			next->offset = uoffset;
		map->size += size;
		uvm_map_gap_set(map, prev);
		uvm_map_obj_detach(uobj);
		uvm_map_save_hint(map, next);
		uvm_mapent_free(map, new_entry);
	} else {
		struct vm_aref aref = new_entry->aref;
		uint8_t keep =
		    new_entry->flags & (UVM_MAP_STATIC | UVM_MAP_KERNEL);

		memset(new_entry, 0, sizeof(*new_entry));
		new_entry->start = start;
		new_entry->end = start + size;
		new_entry->object.uvm_obj = uobj;
		new_entry->offset = uobj != NULL ? uoffset : 0;
		new_entry->etype = (uint8_t)etype;
		new_entry->flags = (uint8_t)(keep | meflags);
		new_entry->protection = prot;
		new_entry->max_protection = maxprot;
		new_entry->inheritance = inh;
		new_entry->advice = (uint8_t)advice;
		new_entry->wired_count = 0;
		new_entry->aref = aref;
		uvm_map_entry_link(map, prev, new_entry);
		map->size += size;
		uvm_map_save_hint(map, new_entry);
	}

	uvm_map_check(map);
	dead = args->uma_dead;
	args->uma_dead = NULL;
	vm_map_unlock(map);
	if (dead != NULL)
		uvm_unmap_detach(map, dead);
	return 0;
}

/*
 * uvm_map: establish a mapping (see include/uvm/uvm_map.h).
 * => map unlocked; may sleep unless TRYLOCK/NOWAIT
 * => errors: EINVAL (unaligned or zero size, UNMAP without FIXED, align
 *    not a power of two, colour out of range, bad inheritance or advice,
 *    NOWAIT with WAITVA, QUANTUM outside a kernel map), EACCES (prot not
 *    within maxprot), ENOMEM (no space, FIXED range taken or outside the
 *    map, no memory for an entry or amap), EAGAIN (TRYLOCK, map locked)
 */
int
uvm_map(struct vm_map *map, vaddr_t *startp, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags)
{
	struct uvm_mapent_reservation umr;
	struct uvm_map_args args;
	struct vm_map_entry *new_entry;
	struct vm_amap *amap = NULL;
	int error;

	error = uvm_map_validate(map, *startp, size, uobj, align, flags);
	if (error != 0)
		return error;

	/* Everything that can fail for memory, before touching the map. */
	if ((map->flags & VM_MAP_STATICENT) != 0) {
		error = uvm_map_reserve_entries(map, 3,
		    (flags & UVM_FLAG_NOWAIT) != 0 ? PR_NOWAIT : PR_WAITOK);
		if (error != 0)
			return error;
	}
	new_entry = uvm_mapent_alloc(map, PR_NOWAIT);
	if (new_entry == NULL)
		return ENOMEM;
	umr.umr_n = 0;
	if ((flags & UVM_FLAG_OVERLAY) != 0) {
		amap = amap_alloc(map->uvm, size,
		    (flags & UVM_FLAG_AMAPPAD) != 0
			? uvm_ptoa(map->uvm, UVM_AMAP_CHUNK)
			: 0,
		    (int)(flags & UVM_FLAG_NOWAIT));
		if (amap == NULL) {
			error = ENOMEM;
			goto fail_entry;
		}
		new_entry->aref.ar_pageoff = 0;
		new_entry->aref.ar_amap = amap;
	}

	args.uma_umr = &umr;
	error = uvm_map_prepare(
	    map, *startp, size, uobj, uoffset, align, flags, &args);
	if (error != 0)
		goto fail_amap;
	(void)uvm_map_enter(map, &args, new_entry);
	uvm_mapent_unreserve(map, &umr);
	*startp = args.uma_start;
	return 0;

fail_amap:
	uvm_mapent_unreserve(map, &umr);
	if (amap != NULL)
		amap_unref(amap, 0, uvm_atop(map->uvm, size), true);
fail_entry:
	uvm_mapent_free(map, new_entry);
	return error;
}

/*
 *   M E R G I N G   A F T E R   A   C H A N G E
 */

/*
 * uvm_mapent_trymerge: merge e with its neighbours when they became
 * compatible (after a protection, inheritance or advice change, or after
 * amap_copy() with UVM_MERGE_COPYING).  Without UVM_MERGE_COPYING only
 * entries without amaps merge.  Returns the number of merges.
 * => map write-locked; e stays valid (it absorbs its neighbours)
 */
int
uvm_mapent_trymerge(struct vm_map *map, struct vm_map_entry *e, int flags)
{
	const bool copying = (flags & UVM_MERGE_COPYING) != 0;
	struct uvm_object *uobj = e->object.uvm_obj;
	struct vm_map_entry *n, *p;
	int etype, merged = 0;

	KASSERT(vm_map_locked_p(map));
	if ((e->flags & (UVM_MAP_NOMERGE | UVM_MAP_QUANTUM)) != 0 ||
	    (map->flags & VM_MAP_STATICENT) != 0 || UVM_ET_ISSUBMAP(e))
		return 0;
	if (e->aref.ar_amap != NULL)
		return 0;
	etype = copying ? (e->etype & ~UVM_ET_NEEDSCOPY) : e->etype;

	n = e->next;
	if (n != &map->header && n->start == e->end &&
	    uvm_map_compatible_p(n, etype, uobj, e->flags, e->protection,
		e->max_protection, e->inheritance, e->advice, e->wired_count) &&
	    (uobj == NULL ||
		e->offset + (voff_t)(e->end - e->start) == n->offset) &&
	    (copying ? n->aref.ar_amap != NULL &&
			uvm_map_amap_try_grow(
			    n, e->end - e->start, AMAP_EXTEND_BACKWARDS)
		     : n->aref.ar_amap == NULL)) {
		uvm_map_obj_detach(uobj);
		e->end = n->end;
		if (copying) {
			e->aref = n->aref;
			e->etype &= ~UVM_ET_NEEDSCOPY;
		}
		uvm_map_clear_hints(map, n);
		uvm_map_entry_unlink(map, n);
		uvm_mapent_free(map, n);
		merged++;
	}

	p = e->prev;
	if (p != &map->header && p->end == e->start &&
	    uvm_map_compatible_p(p, etype, uobj, e->flags, e->protection,
		e->max_protection, e->inheritance, e->advice, e->wired_count) &&
	    (uobj == NULL ||
		p->offset + (voff_t)(p->end - p->start) == e->offset) &&
	    (copying ? merged == 0 && p->aref.ar_amap != NULL &&
			uvm_map_amap_try_grow(
			    p, e->end - e->start, AMAP_EXTEND_FORWARDS)
		     : p->aref.ar_amap == NULL)) {
		uvm_map_obj_detach(uobj);
		if (uobj != NULL)
			e->offset = p->offset;
		if (copying) {
			e->aref = p->aref;
			e->etype &= ~UVM_ET_NEEDSCOPY;
		}
		uvm_map_clear_hints(map, p);
		/*
		 * e takes p's place: move e's start first, then unlink p; the
		 * unlink recomputes the gap of p->prev, which now ends at e.
		 */
		e->start = p->start;
		uvm_map_entry_unlink(map, p);
		uvm_mapent_free(map, p);
		merged++;
	}
	if (merged != 0)
		uvm_map_save_hint(map, e);
	return merged;
}

/*
 *   U N M A P P I N G
 */

/*
 * A range that cuts through a QUANTUM entry cannot be unmapped (such
 * entries go as a whole).  Returns 0 or EINVAL.
 * => map locked
 */
int
uvm_unmap_check_quantum(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e;

	if (start >= end)
		return 0;
	if (uvm_map_lookup_entry(map, start, &e) &&
	    (e->flags & UVM_MAP_QUANTUM) != 0 && e->start != start)
		return EINVAL;
	if (uvm_map_lookup_entry(map, end - 1, &e) &&
	    (e->flags & UVM_MAP_QUANTUM) != 0 && e->end != end)
		return EINVAL;
	return 0;
}

/*
 * uvm_unmap_remove_umr: take [start, end) out of the map, clipping the
 * entries at the ends (with entries from umr, or waiting allocations), and
 * remove their pmap mappings.  The removed entries are returned on *deadp,
 * linked through next, for uvm_unmap_detach().
 * => map write-locked
 * => the range is clamped to the map (as NetBSD does)
 */
void
uvm_unmap_remove_umr(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map_entry **deadp, struct uvm_mapent_reservation *umr, int flags)
{
	struct vm_map_entry *e, *next, *dead = NULL, **tailp = &dead;

	KASSERT(vm_map_locked_p(map));
	if (start < vm_map_min(map))
		start = vm_map_min(map);
	if (end > vm_map_max(map))
		end = vm_map_max(map);
	*deadp = NULL;
	if (start >= end)
		return;

	if (uvm_map_lookup_entry(map, start, &e)) {
		if (start > e->start)
			uvm_map_clip_start_umr(map, e, start, umr);
	} else {
		e = e->next;
	}
	while (e != &map->header && e->start < end) {
		if (end < e->end)
			uvm_map_clip_end_umr(map, e, end, umr);
		next = e->next;
		/* Wired entries: the fault layer unwires the pages. */
		if (e->wired_count != 0)
			uvm_map_entry_unwire(map, e);
		if ((flags & UVM_FLAG_VAONLY_REMOVE) == 0 &&
		    map->pmap != NULL &&
		    (UVM_ET_ISOBJ(e) || e->aref.ar_amap != NULL))
			pmap_remove(map->pmap, e->start, e->end);
		uvm_map_clear_hints(map, e);
		uvm_map_entry_unlink(map, e);
		KASSERT(map->size >= e->end - e->start);
		map->size -= e->end - e->start;
		e->prev = NULL;
		e->next = NULL;
		*tailp = e;
		tailp = &e->next;
		e = next;
	}
	if ((flags & UVM_FLAG_VAONLY_REMOVE) == 0 && map->pmap != NULL &&
	    (map->flags & VM_MAP_DYING) == 0)
		pmap_update(map->pmap);
	*deadp = dead;
}

void
uvm_unmap_remove(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map_entry **deadp, int flags)
{
	uvm_unmap_remove_umr(map, start, end, deadp, NULL, flags);
	uvm_map_check(map);
}

/*
 * uvm_unmap_detach: drop the amap, object and submap references of dead
 * entries and free them.
 * => no map lock held (pagers may sleep)
 */
void
uvm_unmap_detach(struct vm_map *map, struct vm_map_entry *dead)
{
	struct vm_map_entry *next;

	for (; dead != NULL; dead = next) {
		next = dead->next;
		if (dead->aref.ar_amap != NULL)
			amap_unref(dead->aref.ar_amap,
			    (vaddr_t)dead->aref.ar_pageoff,
			    uvm_atop(map->uvm, dead->end - dead->start),
			    (dead->flags & UVM_MAP_REFALL) != 0);
		if (UVM_ET_ISSUBMAP(dead))
			__atomic_fetch_sub(&dead->object.sub_map->ref_count, 1,
			    __ATOMIC_RELAXED);
		else if (UVM_ET_ISOBJ(dead))
			uvm_map_obj_detach(dead->object.uvm_obj);
		uvm_mapent_free(map, dead);
	}
}

/*
 * uvm_unmap: remove [start, end) from the map (see the public header).
 * => map unlocked
 * => returns 0 (also for an empty or unmapped range), EINVAL (unaligned,
 *    start > end, or a QUANTUM entry cut in two), ENOMEM (no entry for
 *    clipping: fault injection only)
 */
int
uvm_unmap(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *dead;
	int error;

	if (!uvm_page_aligned_p(map->uvm, start) ||
	    !uvm_page_aligned_p(map->uvm, end) || start > end)
		return EINVAL;
	if (start == end)
		return 0;
	if ((map->flags & VM_MAP_STATICENT) != 0 &&
	    uvm_map_reserve_entries(map, 2, PR_WAITOK) != 0)
		return ENOMEM;
	vm_map_lock(map);
	error = uvm_unmap_check_quantum(map, start, end);
	if (error == 0)
		error = uvm_map_reserve_clips(map, start, end, &umr);
	if (error == 0) {
		uvm_unmap_remove_umr(map, start, end, &dead, &umr, 0);
		uvm_map_check(map);
	}
	vm_map_unlock(map);
	if (error == 0) {
		uvm_mapent_unreserve(map, &umr);
		uvm_unmap_detach(map, dead);
	}
	return error;
}

/*
 *   R E S E R V E ,   R E P L A C E ,   S U B M A P
 */

/*
 * uvm_map_reserve: reserve size bytes of address space with a blank entry
 * (no backing, no access) to be filled later by uvm_map_replace().
 * => map unlocked; *raddr is the hint (exact address with UVM_FLAG_FIXED)
 * => returns 0 with *raddr set, or uvm_map()'s errors (NetBSD returns a
 *    boolean here)
 */
int
uvm_map_reserve(struct vm_map *map, vsize_t size, vaddr_t offset, vsize_t align,
    vaddr_t *raddr, uvm_flag_t flags)
{
	size = uvm_round_page(map->uvm, size);
	if (size == 0)
		return EINVAL;
	return uvm_map(map, raddr, size, NULL, (voff_t)offset, align,
	    UVM_MAPFLAG(VM_PROT_NONE, VM_PROT_NONE, UVM_INH_NONE,
		UVM_ADV_RANDOM, UVM_FLAG_NOMERGE | (flags & UVM_FLAG_MASK)));
}

/*
 * uvm_map_replace: replace the blank entry covering exactly [start, end)
 * (from uvm_map_reserve()) by the chain newents (nnewents entries linked
 * through next, newents->prev the last; NULL to just remove the blank).
 * nsize is the number of bytes the chain maps.
 * => map write-locked
 * => returns 0 with *oldentryp the removed blank entry (the caller frees
 *    it), or EINVAL if [start, end) is not one blank entry
 */
int
uvm_map_replace(struct vm_map *map, vaddr_t start, vaddr_t end,
    struct vm_map_entry *newents, int nnewents, vsize_t nsize,
    struct vm_map_entry **oldentryp)
{
	struct vm_map_entry *old, *prev, *e, *next;
	vaddr_t cur = start;
	int n = 0;

	KASSERT(vm_map_locked_p(map));
	if (!uvm_map_lookup_entry(map, start, &old) || old->start != start ||
	    old->end != end || old->object.uvm_obj != NULL ||
	    old->aref.ar_amap != NULL || old->etype != 0 ||
	    old->max_protection != VM_PROT_NONE || old->wired_count != 0)
		return EINVAL;
	for (e = newents; e != NULL; e = e->next) {
		KASSERTMSG(
		    e->start >= cur && e->start < e->end && e->end <= end,
		    "uvm_map_replace: chain entry out of order or range");
		KASSERT(e->next != NULL || newents->prev == e);
		cur = e->end;
		n++;
	}
	KASSERT(n == nnewents);

	prev = old->prev;
	uvm_map_clear_hints(map, old);
	uvm_map_entry_unlink(map, old);
	map->size -= end - start;
	for (e = newents; e != NULL; e = next) {
		next = e->next;
		uvm_map_entry_link(map, prev, e);
		prev = e;
	}
	map->size += nsize;
	old->next = old->prev = NULL;
	*oldentryp = old;
	uvm_map_check(map);
	return 0;
}

/*
 * uvm_map_submap: make the blank entry [start, end) of map point at
 * submap, which gains a reference.
 * => maps unlocked
 * => returns 0, or EINVAL if [start, end) is not exactly one entry of
 *    anonymous, amap-less, non-copy-on-write memory after clipping
 */
int
uvm_map_submap(
    struct vm_map *map, vaddr_t start, vaddr_t end, struct vm_map *submap)
{
	struct uvm_mapent_reservation umr;
	struct vm_map_entry *e;
	int error;

	if (!uvm_page_aligned_p(map->uvm, start) ||
	    !uvm_page_aligned_p(map->uvm, end) || start >= end || submap == map)
		return EINVAL;
	umr.umr_n = 0;
	vm_map_lock(map);
	error = EINVAL;
	if (start >= vm_map_min(map) && end <= vm_map_max(map) &&
	    uvm_map_lookup_entry(map, start, &e) && e->end >= end &&
	    e->object.uvm_obj == NULL && e->aref.ar_amap == NULL &&
	    e->etype == 0 && e->wired_count == 0 &&
	    (e->flags & UVM_MAP_QUANTUM) == 0 &&
	    (error = uvm_map_reserve_clips(map, start, end, &umr)) == 0) {
		if (start > e->start)
			uvm_map_clip_start_umr(map, e, start, &umr);
		if (end < e->end)
			uvm_map_clip_end_umr(map, e, end, &umr);
		e->etype = UVM_ET_SUBMAP;
		e->object.sub_map = submap;
		e->offset = 0;
		e->flags |= UVM_MAP_NOMERGE;
		__atomic_fetch_add(&submap->ref_count, 1, __ATOMIC_RELAXED);
		error = 0;
	}
	uvm_map_check(map);
	vm_map_unlock(map);
	uvm_mapent_unreserve(map, &umr);
	return error;
}

/*
 *   M A P   S E T U P
 */

/*
 * uvm_map_setup: initialise an empty map covering [vmin, vmax).
 * => pmap may be NULL for a map of addresses only (nothing ever gets
 *    entered into a pmap then)
 */
void
uvm_map_setup(struct vm_map *map, struct uvm *uvm, struct pmap *pmap,
    vaddr_t vmin, vaddr_t vmax, int flags)
{
	struct uvm_map_state *ms = uvm->u_map;

	KASSERT(vmin < vmax);
	KASSERT(uvm_page_aligned_p(uvm, vmin) && uvm_page_aligned_p(uvm, vmax));
	memset(map, 0, sizeof(*map));
	map->uvm = uvm;
	map->pmap = pmap;
	rw_init(&map->lock, LC_MAP, "vmmaplk");
	mutex_init(&map->misc_lock, LC_LEAF, "vmmapmisc");
	cv_init(&map->cv, "vmmapbsy");
	map->header.next = map->header.prev = &map->header;
	map->header.start = vmax;
	map->header.end = vmin;
	map->header.gap = vmax - vmin;
	map->rb_root = NULL;
	map->hint = map->first_free = &map->header;
	map->flags = flags & ~(VM_MAP_WANTVA | VM_MAP_BUSY);
	mutex_enter(&ms->ms_lock);
	TAILQ_INSERT_TAIL(&ms->ms_maps, map, maplist);
	mutex_exit(&ms->ms_lock);
}

/*
 * uvm_map_teardown: unmap everything and release the map's resources
 * (not the pmap: its owner destroys it).
 * => map unlocked, no other users; no submap entry may point at it
 */
void
uvm_map_teardown(struct vm_map *map)
{
	struct uvm_map_state *ms = map->uvm->u_map;
	struct vm_map_entry *dead;

	KASSERTMSG(map->ref_count == 0,
	    "uvm_map_teardown: map %p still a submap (%d refs)", map,
	    map->ref_count);
	vm_map_lock(map);
	vm_map_setflags(map, VM_MAP_DYING);
	uvm_unmap_remove_umr(
	    map, vm_map_min(map), vm_map_max(map), &dead, NULL, 0);
	vm_map_unlock(map);
	uvm_unmap_detach(map, dead);
	KASSERT(map->nentries == 0 && map->size == 0);
	uvm_map_drain_entries(map);
	mutex_enter(&ms->ms_lock);
	TAILQ_REMOVE(&ms->ms_maps, map, maplist);
	mutex_exit(&ms->ms_lock);
	cv_destroy(&map->cv);
	mutex_destroy(&map->misc_lock);
	rw_destroy(&map->lock);
}

/*
 *   V M S P A C E S
 */

/*
 * uvmspace_init: initialise a vmspace with one reference; a NULL pmap gets
 * a new one from pmap_create().
 */
void
uvmspace_init(struct vmspace *vm, struct uvm *uvm, struct pmap *pmap,
    vaddr_t vmin, vaddr_t vmax, bool topdown)
{
	memset(vm, 0, sizeof(*vm));
	if (pmap == NULL)
		pmap = pmap_create(uvm);
	uvm_map_setup(&vm->vm_map, uvm, pmap, vmin, vmax,
	    VM_MAP_PAGEABLE | (topdown ? VM_MAP_TOPDOWN : 0));
	vm->vm_refcnt = 1;
}

/*
 * uvmspace_alloc: a new vmspace covering [vmin, vmax).
 * => returns NULL (with uvm_last_error() set) if the bounds are not page
 *    aligned or empty
 */
struct vmspace *
uvmspace_alloc(struct uvm *uvm, vaddr_t vmin, vaddr_t vmax, bool topdown)
{
	struct vmspace *vm;

	if (vmin >= vmax || !uvm_page_aligned_p(uvm, vmin) ||
	    !uvm_page_aligned_p(uvm, vmax)) {
		uvm_set_error("uvmspace_alloc: bad bounds [%#" PRIx64
			      ", %#" PRIx64 ")",
		    vmin, vmax);
		return NULL;
	}
	vm = pool_get(&uvm->u_map->ms_vmspool, PR_WAITOK);
	uvmspace_init(vm, uvm, NULL, vmin, vmax, topdown);
	return vm;
}

void
uvmspace_addref(struct vmspace *vm)
{
	int old = __atomic_fetch_add(&vm->vm_refcnt, 1, __ATOMIC_RELAXED);

	KASSERT(old > 0);
}

/*
 * uvmspace_free: drop a reference; the last one unmaps everything,
 * destroys the pmap and frees the vmspace.
 */
void
uvmspace_free(struct vmspace *vm)
{
	struct vm_map *map = &vm->vm_map;
	struct uvm *uvm = map->uvm;
	struct pmap *pmap = map->pmap;
	struct vm_map_entry *dead;
	int old;

	old = __atomic_fetch_sub(&vm->vm_refcnt, 1, __ATOMIC_ACQ_REL);
	KASSERT(old > 0);
	if (old > 1)
		return;

	/*
	 * The last reference: nobody can look at the map any more.  Empty
	 * the pmap in one go when the back end can, then take the entries
	 * out without per-entry pmap work.
	 */
	vm_map_lock(map);
	vm_map_setflags(map, VM_MAP_DYING);
	if (pmap != NULL && pmap_remove_all(pmap)) {
		uvm_unmap_remove_umr(map, vm_map_min(map), vm_map_max(map),
		    &dead, NULL, UVM_FLAG_VAONLY_REMOVE);
	} else {
		uvm_unmap_remove_umr(
		    map, vm_map_min(map), vm_map_max(map), &dead, NULL, 0);
		if (pmap != NULL)
			pmap_update(pmap);
	}
	vm_map_unlock(map);
	uvm_unmap_detach(map, dead);
	uvm_map_teardown(map);
	if (pmap != NULL)
		pmap_destroy(pmap);
	pool_put(&uvm->u_map->ms_vmspool, vm);
}

struct vm_map *
uvmspace_map(struct vmspace *vm)
{
	return &vm->vm_map;
}

void
uvm_map_bounds(const struct vm_map *map, vaddr_t *vminp, vaddr_t *vmaxp)
{
	*vminp = vm_map_min(map);
	*vmaxp = vm_map_max(map);
}
