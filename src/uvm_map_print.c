/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map_print.c: the map layer's checkers, printers and enumeration.
 *
 * uvm_map_sanity() checks every invariant uvm_map.h states for a map and
 * its entries; uvm_map_tree_sanity() the red-black tree and its gap
 * augmentation against the list.  Both are O(n) and panic on the first
 * violation, naming it.  uvm_map_printit() is DDB's "show map";
 * uvm_map_print_procmaps() writes Linux's /proc/PID/maps format and
 * uvm_map_print_pmap() the default format of NetBSD's pmap(1).
 */
#include <inttypes.h>
#include <string.h>

#include "uvm.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "uvm_map_impl.h"
#include "uvm_object.h"

#define MAP_FAIL(map, fmt, ...) \
	panic("uvm_map_sanity: map %p: " fmt, (void *)(map), ##__VA_ARGS__)

/*
 * Walk the subtree at e in order, checking structure, colours and
 * augmentation, and that the in-order sequence follows the list (*listp
 * is the next entry the list expects).  Returns the black height.
 */
static int
uvm_map_tree_check(struct vm_map *map, struct vm_map_entry *e,
    struct vm_map_entry **listp, int *countp)
{
	vsize_t m;
	int lh, rh;

	if (e == NULL)
		return 1;
	if (e->rb_left != NULL && e->rb_left->rb_parent != e)
		MAP_FAIL(map, "entry %p: left child's parent wrong", e);
	if (e->rb_right != NULL && e->rb_right->rb_parent != e)
		MAP_FAIL(map, "entry %p: right child's parent wrong", e);
	if (e->rb_red &&
	    ((e->rb_left != NULL && e->rb_left->rb_red) ||
		(e->rb_right != NULL && e->rb_right->rb_red)))
		MAP_FAIL(map, "entry %p: red node with a red child", e);
	lh = uvm_map_tree_check(map, e->rb_left, listp, countp);
	if (*listp != e)
		MAP_FAIL(map, "entry %p: tree order differs from list (%p)", e,
		    *listp);
	*listp = e->next;
	(*countp)++;
	rh = uvm_map_tree_check(map, e->rb_right, listp, countp);
	if (lh != rh)
		MAP_FAIL(map, "entry %p: black heights %d and %d", e, lh, rh);
	m = e->gap;
	if (e->rb_left != NULL && e->rb_left->maxgap > m)
		m = e->rb_left->maxgap;
	if (e->rb_right != NULL && e->rb_right->maxgap > m)
		m = e->rb_right->maxgap;
	if (e->maxgap != m)
		MAP_FAIL(map,
		    "entry %p: maxgap %#" PRIx64 " should be %#" PRIx64, e,
		    e->maxgap, m);
	return lh + (e->rb_red ? 0 : 1);
}

/*
 * uvm_map_tree_sanity: the tree holds exactly the list's entries in the
 * same order, is a valid red-black tree, and every maxgap is exact.
 * => map at least read-locked
 */
void
uvm_map_tree_sanity(struct vm_map *map)
{
	struct vm_map_entry *listpos = map->header.next;
	int count = 0;

	if (map->rb_root == NULL) {
		if (map->header.next != &map->header)
			MAP_FAIL(map, "empty tree, non-empty list");
		return;
	}
	if (map->rb_root->rb_parent != NULL)
		MAP_FAIL(map, "root has a parent");
	if (map->rb_root->rb_red)
		MAP_FAIL(map, "root is red");
	(void)uvm_map_tree_check(map, map->rb_root, &listpos, &count);
	if (listpos != &map->header)
		MAP_FAIL(map, "list has entries the tree lacks");
	if (count != map->nentries)
		MAP_FAIL(map, "tree holds %d entries, nentries %d", count,
		    map->nentries);
}

/*
 * uvm_map_sanity: check every invariant of the map and its entries (see
 * uvm_map.h), then the tree.
 * => map at least read-locked (or otherwise quiescent)
 */
void
uvm_map_sanity(struct vm_map *map)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *e, *prev, *ff = NULL;
	bool hint_ok = map->hint == &map->header;
	vsize_t size = 0;
	int n = 0;

	if (vm_map_min(map) >= vm_map_max(map))
		MAP_FAIL(map, "bounds inverted");
	if (map->header.gap != map->header.next->start - vm_map_min(map))
		MAP_FAIL(map, "header gap %#" PRIx64 " wrong", map->header.gap);
	if (map->header.gap != 0)
		ff = &map->header;
	prev = &map->header;
	for (e = map->header.next; e != &map->header; prev = e, e = e->next) {
		if (e->prev != prev)
			MAP_FAIL(map, "entry %p: prev link broken", e);
		if (++n > map->nentries)
			MAP_FAIL(map, "more entries than nentries %d",
			    map->nentries);
		if (e->start >= e->end)
			MAP_FAIL(map, "entry %p: empty or inverted", e);
		if (!uvm_page_aligned_p(uvm, e->start) ||
		    !uvm_page_aligned_p(uvm, e->end))
			MAP_FAIL(map, "entry %p: not page aligned", e);
		if (e->start < prev->end || e->start < vm_map_min(map))
			MAP_FAIL(map, "entry %p: overlaps its predecessor", e);
		if (e->end > vm_map_max(map))
			MAP_FAIL(map, "entry %p: beyond the map", e);
		if (e->gap != e->next->start - e->end)
			MAP_FAIL(
			    map, "entry %p: gap %#" PRIx64 " wrong", e, e->gap);
		if ((e->etype &
			~(UVM_ET_OBJ | UVM_ET_SUBMAP | UVM_ET_COPYONWRITE |
			    UVM_ET_NEEDSCOPY)) != 0 ||
		    (UVM_ET_ISOBJ(e) && UVM_ET_ISSUBMAP(e)))
			MAP_FAIL(map, "entry %p: bad type %#x", e, e->etype);
		if ((e->object.uvm_obj != NULL) !=
		    (UVM_ET_ISOBJ(e) || UVM_ET_ISSUBMAP(e)))
			MAP_FAIL(map, "entry %p: object and type disagree", e);
		if (UVM_ET_ISSUBMAP(e) && e->aref.ar_amap != NULL)
			MAP_FAIL(map, "entry %p: submap with an amap", e);
		if ((e->protection & ~e->max_protection) != 0 ||
		    (e->max_protection & ~VM_PROT_ALL) != 0)
			MAP_FAIL(map, "entry %p: protection %#x above max %#x",
			    e, e->protection, e->max_protection);
		if (e->inheritance != UVM_INH_SHARE &&
		    e->inheritance != UVM_INH_COPY &&
		    e->inheritance != UVM_INH_NONE &&
		    e->inheritance != UVM_INH_ZERO)
			MAP_FAIL(map, "entry %p: bad inheritance %u", e,
			    e->inheritance);
		if (e->advice != UVM_ADV_NORMAL &&
		    e->advice != UVM_ADV_RANDOM &&
		    e->advice != UVM_ADV_SEQUENTIAL)
			MAP_FAIL(map, "entry %p: bad advice %u", e, e->advice);
		if (e->wired_count < 0)
			MAP_FAIL(map, "entry %p: negative wiring", e);
		if (((e->flags & UVM_MAP_STATIC) != 0) !=
		    ((map->flags & VM_MAP_STATICENT) != 0))
			MAP_FAIL(map, "entry %p: allocation flag wrong", e);
		if (((e->flags & UVM_MAP_KERNEL) != 0) != vm_map_kernel_p(map))
			MAP_FAIL(map, "entry %p: kernel flag wrong", e);
		if (e->aref.ar_amap != NULL &&
		    (e->aref.ar_pageoff < 0 ||
			(uint64_t)e->aref.ar_pageoff +
				uvm_atop(uvm, e->end - e->start) >
			    (uint64_t)amap_nslots(e->aref.ar_amap)))
			MAP_FAIL(map, "entry %p: aref outside its amap", e);
		if (e == map->hint)
			hint_ok = true;
		if (ff == NULL && e->gap != 0)
			ff = e;
		size += e->end - e->start;
	}
	if (map->header.prev != prev)
		MAP_FAIL(map, "header prev link broken");
	if (n != map->nentries)
		MAP_FAIL(map, "%d entries, nentries %d", n, map->nentries);
	if (size != map->size)
		MAP_FAIL(map, "entries map %#" PRIx64 " bytes, size %#" PRIx64,
		    size, map->size);
	if (!hint_ok)
		MAP_FAIL(map, "hint %p is not an entry", map->hint);
	if (ff == NULL)
		ff = prev;
	if (map->first_free != ff)
		MAP_FAIL(
		    map, "first_free %p, should be %p", map->first_free, ff);
	uvm_map_tree_sanity(map);
}

void
uvm_map_check(struct vm_map *map)
{
	if (map->uvm->u_sanity)
		uvm_map_sanity(map);
}

/*
 * uvm_map_sanity_all: check every live map of the machine that is not
 * locked by somebody else, and the entry count against the pool.
 */
void
uvm_map_sanity_all(struct uvm *uvm)
{
	struct uvm_map_state *ms = uvm->u_map;
	struct vm_map *map;
	int64_t inmaps = 0;

	if (ms == NULL)
		return;
	mutex_enter(&ms->ms_lock);
	TAILQ_FOREACH (map, &ms->ms_maps, maplist) {
		if (!vm_map_lock_read_try(map))
			continue;
		uvm_map_sanity(map);
		if ((map->flags & VM_MAP_STATICENT) == 0)
			inmaps += map->nentries;
		else
			inmaps += map->nentries + map->nkentry_free;
		vm_map_unlock_read(map);
	}
	mutex_exit(&ms->ms_lock);
	if (inmaps > uvm_cnt_get(uvm, nmapent))
		panic("uvm_map_sanity_all: %" PRId64
		      " entries in maps, %" PRId64 " allocated",
		    inmaps, uvm_cnt_get(uvm, nmapent));
}

/*
 *   P R I N T E R S
 */

static void
uvm_map_prot_string(vm_prot_t prot, char *buf)
{
	buf[0] = (prot & VM_PROT_READ) != 0 ? 'r' : '-';
	buf[1] = (prot & VM_PROT_WRITE) != 0 ? 'w' : '-';
	buf[2] = (prot & VM_PROT_EXECUTE) != 0 ? 'x' : '-';
	buf[3] = '\0';
}

static const char *
uvm_map_entry_name(const struct vm_map_entry *e)
{
	if (UVM_ET_ISSUBMAP(e))
		return "[submap]";
	if (UVM_ET_ISOBJ(e)) {
		const struct uvm_object *uo = e->object.uvm_obj;

		return uo->pgops != NULL && uo->pgops->pgo_name != NULL
		    ? uo->pgops->pgo_name
		    : "[object]";
	}
	return "[anon]";
}

/*
 * uvm_map_printit: print the map and, with full, every entry with all its
 * fields.
 * => takes the map's read lock
 */
void
uvm_map_printit(struct vm_map *map, bool full, FILE *fp)
{
	struct vm_map_entry *e;
	char p[4], m[4];

	vm_map_lock_read(map);
	fprintf(fp,
	    "MAP %p: [%#" PRIx64 "->%#" PRIx64 ") %s\n"
	    "\t#ent=%d, sz=%" PRIu64 ", ref=%d, version=%u, flags=%#x\n"
	    "\tpmap=%p, hint=%p, first_free=%p, reserve=%d\n",
	    (void *)map, vm_map_min(map), vm_map_max(map),
	    (map->flags & VM_MAP_TOPDOWN) != 0 ? "top-down" : "bottom-up",
	    map->nentries, map->size, map->ref_count, map->timestamp,
	    map->flags, (void *)map->pmap, (void *)map->hint,
	    (void *)map->first_free, map->nkentry_free);
	if (!full) {
		vm_map_unlock_read(map);
		return;
	}
	for (e = map->header.next; e != &map->header; e = e->next) {
		uvm_map_prot_string(e->protection, p);
		uvm_map_prot_string(e->max_protection, m);
		fprintf(fp,
		    " - %p: %#" PRIx64 "->%#" PRIx64 ": obj=%p/%#" PRIx64
		    ", amap=%p/%d\n"
		    "\tsubmap=%c, cow=%c, nc=%c, prot(max)=%s/%s, inh=%u, "
		    "wc=%d, adv=%u, flags=%#x, gap=%#" PRIx64
		    ", maxgap=%#" PRIx64 "\n",
		    (void *)e, e->start, e->end, (void *)e->object.uvm_obj,
		    (uint64_t)e->offset, (void *)e->aref.ar_amap,
		    e->aref.ar_pageoff, UVM_ET_ISSUBMAP(e) ? 'T' : 'F',
		    UVM_ET_ISCOPYONWRITE(e) ? 'T' : 'F',
		    UVM_ET_ISNEEDSCOPY(e) ? 'T' : 'F', p, m, e->inheritance,
		    e->wired_count, e->advice, e->flags, e->gap, e->maxgap);
	}
	vm_map_unlock_read(map);
}

/*
 * uvm_map_print_procmaps: one line per entry, as Linux's /proc/PID/maps:
 * "start-end perms offset dev inode name", perms ending in p (private,
 * copy-on-write) or s (shared).
 * => takes the map's read lock
 */
void
uvm_map_print_procmaps(struct vm_map *map, FILE *fp)
{
	struct vm_map_entry *e;
	char p[4];

	vm_map_lock_read(map);
	for (e = map->header.next; e != &map->header; e = e->next) {
		uvm_map_prot_string(e->protection, p);
		fprintf(fp,
		    "%08" PRIx64 "-%08" PRIx64 " %s%c %08" PRIx64
		    " 00:00 0 %s\n",
		    e->start, e->end, p, UVM_ET_ISCOPYONWRITE(e) ? 'p' : 's',
		    UVM_ET_ISOBJ(e) ? (uint64_t)e->offset : 0,
		    uvm_map_entry_name(e));
	}
	vm_map_unlock_read(map);
}

/*
 * uvm_map_print_pmap: NetBSD pmap(1)'s default format: address, size in
 * KiB, protection in words, name; then the total.
 * => takes the map's read lock
 */
void
uvm_map_print_pmap(struct vm_map *map, FILE *fp)
{
	struct vm_map_entry *e;
	uint64_t total = 0;
	char prot[32];

	vm_map_lock_read(map);
	for (e = map->header.next; e != &map->header; e = e->next) {
		prot[0] = '\0';
		if ((e->protection & VM_PROT_READ) != 0)
			strcat(prot, "read/");
		if ((e->protection & VM_PROT_WRITE) != 0)
			strcat(prot, "write/");
		if ((e->protection & VM_PROT_EXECUTE) != 0)
			strcat(prot, "exec/");
		if (prot[0] == '\0')
			strcpy(prot, "none");
		else
			prot[strlen(prot) - 1] = '\0';
		fprintf(fp, "%016" PRIx64 " %7" PRIu64 "K %-18s %s\n", e->start,
		    (e->end - e->start) >> 10, prot, uvm_map_entry_name(e));
		total += e->end - e->start;
	}
	vm_map_unlock_read(map);
	fprintf(fp, " total %" PRIu64 "K\n", total >> 10);
}

/*
 *   E N U M E R A T I O N
 */

static void
uvm_map_entry_info(const struct vm_map_entry *e, struct uvm_map_entry_info *mi)
{
	memset(mi, 0, sizeof(*mi));
	mi->mi_start = e->start;
	mi->mi_end = e->end;
	mi->mi_offset = e->offset;
	mi->mi_object = e->object.uvm_obj;
	mi->mi_prot = e->protection;
	mi->mi_maxprot = e->max_protection;
	mi->mi_inherit = e->inheritance;
	mi->mi_advice = e->advice;
	mi->mi_wired = e->wired_count;
	if (UVM_ET_ISOBJ(e))
		mi->mi_flags |= UVM_MI_OBJ;
	if (UVM_ET_ISSUBMAP(e))
		mi->mi_flags |= UVM_MI_SUBMAP;
	if (UVM_ET_ISCOPYONWRITE(e))
		mi->mi_flags |= UVM_MI_COW;
	if (UVM_ET_ISNEEDSCOPY(e))
		mi->mi_flags |= UVM_MI_NEEDSCOPY;
	if (e->aref.ar_amap != NULL) {
		mi->mi_flags |= UVM_MI_AMAP;
		mi->mi_amap_pageoff = e->aref.ar_pageoff;
	}
	if ((e->flags & UVM_MAP_NOMERGE) != 0)
		mi->mi_flags |= UVM_MI_NOMERGE;
	if ((e->flags & UVM_MAP_STATIC) != 0)
		mi->mi_flags |= UVM_MI_STATIC;
	if ((e->flags & UVM_MAP_KERNEL) != 0)
		mi->mi_flags |= UVM_MI_KERNEL;
}

/*
 * uvm_map_foreach: see include/uvm/uvm_map.h.
 * => takes the map's read lock; returns 0
 */
int
uvm_map_foreach(struct vm_map *map, vaddr_t start,
    struct uvm_map_entry_info *recs, size_t nrecs, size_t *nfoundp)
{
	struct vm_map_entry *e;
	size_t n = 0;

	vm_map_lock_read(map);
	if (!uvm_map_lookup_entry(map, start, &e))
		e = e->next;
	for (; e != &map->header; e = e->next) {
		if (n < nrecs)
			uvm_map_entry_info(e, &recs[n]);
		n++;
	}
	vm_map_unlock_read(map);
	if (nfoundp != NULL)
		*nfoundp = n;
	return 0;
}

void
uvm_map_stat(struct vm_map *map, size_t *nentriesp, vsize_t *sizep)
{
	vm_map_lock_read(map);
	if (nentriesp != NULL)
		*nentriesp = (size_t)map->nentries;
	if (sizep != NULL)
		*sizep = map->size;
	vm_map_unlock_read(map);
}
