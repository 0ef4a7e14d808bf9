/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map.h: address maps (struct vm_map), their entries, and vmspaces.
 *
 * A map is a set of non-overlapping entries, each a page-aligned range
 * [start, end) with protection, maximum protection, inheritance, advice,
 * a wiring count and its backing: an amap (upper layer, anonymous memory)
 * and/or an object or a submap (lower layer).  The entries sit both in a
 * sorted circular doubly-linked list threaded through the map's header
 * entry (for iteration) and in a red-black tree ordered by start address
 * (for O(log n) lookup), each tree node augmented with the free space
 * after it (gap) and the largest gap of its subtree (maxgap) so that
 * uvm_map_findspace() runs in O(log n).  docs/design/map.md explains it.
 *
 * Field names are NetBSD's, without a struct prefix, so that code written
 * against NetBSD's maps (amap_copy(), the fault handler, fork) reads the
 * same here; this is a deliberate exception to the member-prefix rule.
 *
 * Lock legend:
 *	[m] the map lock (struct vm_map::lock), write-held to change,
 *	    read-held to look; the busy owner counts as a writer
 *	[b] the map's misc_lock (busy owner, WANTVA, the condvar)
 *	[a] atomic
 *	[c] constant after creation
 * Lock order: map -> (submap) -> amap -> object -> ... (kern_lock.h);
 * misc_lock is a leaf.
 */
#ifndef _UVM_MAP_H_
#define _UVM_MAP_H_

#include <sys/queue.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_object.h"

struct uvm_object;
struct pmap;

/*
 * Entry types (etype).  An entry has an object or a submap (lower layer),
 * or neither (anonymous memory); copy-on-write entries privatise writes
 * into their amap; needs-copy means the amap is still shared with the
 * entry it was copied from and must be copied before the first write.
 */
#define UVM_ET_OBJ         0x01 /* object.uvm_obj is valid */
#define UVM_ET_SUBMAP      0x02 /* object.sub_map is valid */
#define UVM_ET_COPYONWRITE 0x04 /* copy on write */
#define UVM_ET_NEEDSCOPY   0x08 /* the amap must be copied before a write */

#define UVM_ET_TYPE(E)          ((E)->etype)
#define UVM_ET_ISOBJ(E)         (((E)->etype & UVM_ET_OBJ) != 0)
#define UVM_ET_ISSUBMAP(E)      (((E)->etype & UVM_ET_SUBMAP) != 0)
#define UVM_ET_ISCOPYONWRITE(E) (((E)->etype & UVM_ET_COPYONWRITE) != 0)
#define UVM_ET_ISNEEDSCOPY(E)   (((E)->etype & UVM_ET_NEEDSCOPY) != 0)
#define VM_MAPENT_ISWIRED(E)    ((E)->wired_count != 0)

/* Entry flags (flags). */
#define UVM_MAP_KERNEL  0x01 /* entry of a kernel map */
#define UVM_MAP_STATIC  0x04 /* from the map's own entry reserve */
#define UVM_MAP_NOMERGE 0x08 /* never merge this entry with a neighbour */
#define UVM_MAP_QUANTUM 0x10 /* map/unmap only as a whole (no clipping) */
#define UVM_MAP_REFALL  0x20 /* holds a whole-amap reference (QREF) */

/*
 * struct vm_map_entry: one mapping.  128 bytes on LP64 (checked at
 * compile time in uvm_map.c).
 *
 * Invariants (uvm_map_sanity() checks each):
 *  - start < end, both page aligned, inside [vm_map_min, vm_map_max);
 *  - list order = tree order = ascending start, no overlap;
 *  - gap == next->start - end (next is the header after the last entry,
 *    whose start is vm_map_max);
 *  - maxgap == max(gap, left->maxgap, right->maxgap);
 *  - exactly one of OBJ/SUBMAP or neither; object.uvm_obj NULL without OBJ;
 *  - protection is a subset of max_protection; inheritance and advice are
 *    valid values; wired_count >= 0.
 */
struct vm_map_entry {
	/* Red-black tree linkage. [m] */
	struct vm_map_entry *rb_left;
	struct vm_map_entry *rb_right;
	struct vm_map_entry *rb_parent;
	/* Sorted list linkage (circular through the map header). [m] */
	struct vm_map_entry *prev;
	struct vm_map_entry *next;
	vaddr_t start;  /* [m] first address */
	vaddr_t end;    /* [m] first address past the entry */
	vsize_t gap;    /* [m] free space from end to next->start */
	vsize_t maxgap; /* [m] largest gap in this subtree */
	union {
		struct uvm_object *uvm_obj; /* [m] the object (UVM_ET_OBJ) */
		struct vm_map *sub_map;     /* [m] submap (UVM_ET_SUBMAP) */
	} object;
	voff_t offset;            /* [m] offset into the object */
	struct vm_aref aref;      /* [m] anonymous overlay */
	vm_prot_t protection;     /* [m] current protection */
	vm_prot_t max_protection; /* [m] maximum protection */
	vm_inherit_t inheritance; /* [m] UVM_INH_* for fork */
	int wired_count;          /* [m] wirings (mlock, sysctl, kernel) */
	uint8_t etype;            /* [m] UVM_ET_* */
	uint8_t advice;           /* [m] UVM_ADV_* */
	uint8_t flags;            /* [m] UVM_MAP_* */
	uint8_t rb_red;           /* [m] red-black colour: 1 = red */
};

/* Map flags (flags). */
#define VM_MAP_PAGEABLE   0x0001 /* [c] entries may be paged */
#define VM_MAP_WIREFUTURE 0x0004 /* [m] wire future mappings (mlockall) */
#define VM_MAP_DYING      0x0020 /* [m] being torn down / replaced */
#define VM_MAP_TOPDOWN    0x0040 /* [c] allocate addresses top-down */
#define VM_MAP_STATICENT  0x0080 /* [c] entries from the map's reserve */
#define VM_MAP_WANTVA     0x0100 /* [b] somebody waits for free space */
#define VM_MAP_BUSY       0x0200 /* [b] busy: writers wait (busy_owner) */
#define VM_MAP_KERNEL     0x0400 /* [c] a kernel map (kernel pmap) */

/*
 * struct vm_map: an address map.
 *
 * The header entry closes the entry list: header.next is the first entry,
 * header.prev the last; header.end is the map's lowest address and
 * header.start its highest, so that every entry's gap is simply
 * next->start - end, and header.gap is the free space below the first
 * entry.  The header is never in the tree.
 */
struct vm_map {
	struct pmap *pmap;               /* [c] physical map */
	struct uvm *uvm;                 /* [c] machine */
	struct krwlock lock;             /* the map lock */
	struct vm_map_entry header;      /* [m] list head and bounds */
	struct vm_map_entry *rb_root;    /* [m] tree root */
	int nentries;                    /* [m] entries in the map */
	vsize_t size;                    /* [m] bytes mapped */
	int ref_count;                   /* [a] references (vmspace) */
	struct vm_map_entry *hint;       /* [m,a] last entry looked up */
	struct vm_map_entry *first_free; /* [m] entry before the lowest gap */
	unsigned int timestamp;          /* [m] bumped on each write unlock */
	int flags;                       /* VM_MAP_*; tags above */
	struct kmutex misc_lock;         /* busy and WANTVA interlock */
	struct kcondvar cv;              /* [b] busy/space waiters */
	pthread_t busy_owner;            /* [b] valid while VM_MAP_BUSY */
	/* Private entry reserve (VM_MAP_STATICENT maps). [b] */
	struct vm_map_entry *kentry_free; /* free reserve entries */
	int nkentry_free;                 /* how many */
	TAILQ_ENTRY(vm_map) maplist;      /* on the machine's list of maps */
};

#define vm_map_min(map)     ((map)->header.end)
#define vm_map_max(map)     ((map)->header.start)
#define vm_map_pmap(map)    ((map)->pmap)
#define vm_map_machine(map) ((map)->uvm)

static inline bool
vm_map_kernel_p(const struct vm_map *map)
{
	return (map->flags & VM_MAP_KERNEL) != 0;
}

/*
 * struct vmspace: an address space.  The data and stack bookkeeping is
 * kept here for the process glue (brk, stack growth); sizes are in pages.
 */
struct vmspace {
	struct vm_map vm_map;       /* the map (and through it the pmap) */
	int vm_refcnt;              /* [a] references */
	int64_t vm_rssize;          /* resident pages (informational) */
	int64_t vm_tsize;           /* text pages */
	int64_t vm_dsize;           /* data pages (brk) */
	int64_t vm_ssize;           /* stack pages */
	int64_t vm_issize;          /* initial unmapped stack pages */
	vaddr_t vm_taddr;           /* start of text */
	vaddr_t vm_daddr;           /* start of data (brk base) */
	vaddr_t vm_maxsaddr;        /* lowest address the stack may grow to */
	vaddr_t vm_minsaddr;        /* top of the stack */
	vsize_t vm_aslr_delta_mmap; /* mmap base randomisation */
};

/*
 * uvm_map_args: the result of uvm_map_prepare(), consumed by
 * uvm_map_enter() with the map still locked.
 */
struct uvm_mapent_reservation;
struct uvm_map_args {
	struct vm_map_entry *uma_prev; /* entry before the new space */
	vaddr_t uma_start;
	vsize_t uma_size;
	struct uvm_object *uma_uobj;
	voff_t uma_uoffset;
	uvm_flag_t uma_flags;
	struct vm_map_entry *uma_dead; /* UVM_FLAG_UNMAP: entries replaced */
	struct uvm_mapent_reservation *uma_umr; /* entries for clipping */
};

/* uvm_unmap_remove() flags. */
#define UVM_FLAG_VAONLY_REMOVE 0x01 /* keep pmap mappings (caller's job) */

/* Machine-wide state (pool of entries, vmspaces). */
int uvm_map_init(struct uvm *);
void uvm_map_fini(struct uvm *);

/* Map set-up and tear-down (maps that are not part of a vmspace). */
void uvm_map_setup(struct vm_map *, struct uvm *, struct pmap *, vaddr_t vmin,
    vaddr_t vmax, int flags);
void uvm_map_teardown(struct vm_map *);
/* Entry reserve of VM_MAP_STATICENT maps: top it up to n free entries. */
int uvm_map_reserve_entries(struct vm_map *, int n, int prflags);

/*
 * Map locking, NetBSD's interface.  vm_map_lock() waits for a busy map
 * (unless the caller made it busy); vm_map_lock_try() fails instead.
 * Write unlocks and downgrades bump the timestamp, so a reader that drops
 * the lock can tell whether the map changed meanwhile.
 */
void vm_map_lock(struct vm_map *);
bool vm_map_lock_try(struct vm_map *);
void vm_map_unlock(struct vm_map *);
void vm_map_lock_read(struct vm_map *);
bool vm_map_lock_read_try(struct vm_map *);
void vm_map_unlock_read(struct vm_map *);
bool vm_map_lock_tryupgrade(struct vm_map *);
void vm_map_downgrade(struct vm_map *);
void vm_map_busy(struct vm_map *);
void vm_map_unbusy(struct vm_map *);
bool vm_map_locked_p(struct vm_map *);    /* write-held by us */
bool vm_map_lock_held_p(struct vm_map *); /* read- or write-held */

/* Entry allocation (pool, or the map's reserve). */
struct vm_map_entry *uvm_mapent_alloc(struct vm_map *, int prflags);
void uvm_mapent_free(struct vm_map *, struct vm_map_entry *);
void uvm_mapent_copy(const struct vm_map_entry *src, struct vm_map_entry *dst);

/* Linking an entry after another (map write-locked; keeps tree + gaps). */
void uvm_map_entry_link(
    struct vm_map *, struct vm_map_entry *after, struct vm_map_entry *);
void uvm_map_entry_unlink(struct vm_map *, struct vm_map_entry *);

/*
 * Merge an entry with compatible neighbours (map write-locked); returns
 * the number of merges.  UVM_MERGE_COPYING: the entry just had its amap
 * copied (amap_copy()), so neighbours with an unshared amap qualify.
 */
#define UVM_MERGE_COPYING 0x01
int uvm_mapent_trymerge(struct vm_map *, struct vm_map_entry *, int flags);

/* Lookup (map at least read-locked). */
bool uvm_map_lookup_entry(
    struct vm_map *, vaddr_t, struct vm_map_entry **entryp);

/*
 * Clipping (map write-locked): split the entry so that it starts (ends)
 * at addr.  These allocate the new entry with PR_WAITOK (from the map's
 * reserve for VM_MAP_STATICENT maps) and so cannot fail.
 */
void uvm_map_clip_start(struct vm_map *, struct vm_map_entry *, vaddr_t);
void uvm_map_clip_end(struct vm_map *, struct vm_map_entry *, vaddr_t);
#define UVM_MAP_CLIP_START(map, entry, va)                        \
	do {                                                      \
		if ((va) > (entry)->start && (va) < (entry)->end) \
			uvm_map_clip_start((map), (entry), (va)); \
	} while (0)
#define UVM_MAP_CLIP_END(map, entry, va)                          \
	do {                                                      \
		if ((va) > (entry)->start && (va) < (entry)->end) \
			uvm_map_clip_end((map), (entry), (va));   \
	} while (0)

/* Mapping. */
int uvm_map_prepare(struct vm_map *, vaddr_t start, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags,
    struct uvm_map_args *);
int uvm_map_enter(
    struct vm_map *, struct uvm_map_args *, struct vm_map_entry *new_entry);
struct vm_map_entry *uvm_map_findspace(struct vm_map *, vaddr_t hint,
    vsize_t length, vaddr_t *result, struct uvm_object *uobj, voff_t uoffset,
    vsize_t align, uvm_flag_t flags);

/*
 * Unmapping in two phases: uvm_unmap_remove() takes the entries of
 * [start, end) out of the (write-locked) map and returns them on a list
 * linked through next; uvm_unmap_detach() drops their amap and object
 * references with no map lock held.
 */
void uvm_unmap_remove(struct vm_map *, vaddr_t start, vaddr_t end,
    struct vm_map_entry **deadp, int flags);
void uvm_unmap_detach(struct vm_map *, struct vm_map_entry *dead);

int uvm_map_reserve(struct vm_map *, vsize_t size, vaddr_t offset,
    vsize_t align, vaddr_t *raddr, uvm_flag_t flags);
int uvm_map_replace(struct vm_map *, vaddr_t start, vaddr_t end,
    struct vm_map_entry *newents, int nnewents, vsize_t nsize,
    struct vm_map_entry **oldentryp);
int uvm_map_submap(
    struct vm_map *, vaddr_t start, vaddr_t end, struct vm_map *submap);

/*
 * Locking the backing of an entry for the fault handler and friends:
 * amap first, then object (the documented order).
 */
static inline void
uvm_map_lock_entry(struct vm_map_entry *entry, krw_t op)
{
	if (entry->aref.ar_amap != NULL)
		amap_lock(entry->aref.ar_amap, op);
	if (UVM_ET_ISOBJ(entry))
		rw_enter(entry->object.uvm_obj->vmobjlock, op);
}

static inline void
uvm_map_unlock_entry(struct vm_map_entry *entry)
{
	if (UVM_ET_ISOBJ(entry))
		rw_exit(entry->object.uvm_obj->vmobjlock);
	if (entry->aref.ar_amap != NULL)
		amap_unlock(entry->aref.ar_amap);
}

/* uvm_map_checkprot() for callers that hold the map lock. */
bool uvm_map_checkprot_locked(
    struct vm_map *, vaddr_t start, vaddr_t end, vm_prot_t prot);

/*
 * uvm_mincore_run: the residency of the pages from start (aligned), as
 * far as the map has no hole, in one map read-locked pass (uvm_vmspace.c).
 * With zerop NULL: vec[0..*npagesp) filled, at most vecpages.  Otherwise
 * *zerop true means a run of up to maxpages pages none of which can be
 * resident, vec untouched; false, vec filled as above, the run ending
 * before a long run of such pages.  *npagesp 0: start is unmapped.
 * 0, or EINVAL (a submap).  vecpages <= maxpages.
 */
int uvm_mincore_run(struct vm_map *, vaddr_t start, vsize_t maxpages,
    uint8_t *vec, vsize_t vecpages, vsize_t *npagesp, bool *zerop);

/* vmspaces. */
void uvmspace_init(struct vmspace *, struct uvm *, struct pmap *, vaddr_t vmin,
    vaddr_t vmax, bool topdown);

/* Checkers: panic on the first violated invariant. */
void uvm_map_sanity(struct vm_map *);
void uvm_map_tree_sanity(struct vm_map *);
/* Every live map of the machine (maps locked elsewhere are skipped). */
void uvm_map_sanity_all(struct uvm *);
/* uvm_map_sanity() when the machine runs checkers after mutations. */
void uvm_map_check(struct vm_map *);

#endif /* _UVM_MAP_H_ */
