/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_map.h: helpers shared by the map layer's tests (t_map*.c): a counting
 * test pager, map creation, and layout assertions.
 */
#ifndef _T_MAP_H_
#define _T_MAP_H_

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include "t_harness.h"
#include "uvm_amap.h"
#include "uvm_map.h"
#include "uvm_object.h"

#define PG   4096ull
#define P(n) ((vaddr_t)(n)*PG)

/* uvm_map() flags for plain anonymous read/write memory. */
#define RW (VM_PROT_READ | VM_PROT_WRITE)
#define MF(prot, fl) \
	UVM_MAPFLAG((prot), VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, (fl))

/*
 * A test object: counts references through the pager operations and
 * frees itself on the last detach.
 */
struct tobj {
	struct uvm_object to_obj;
	int *to_freed; /* set to 1 when freed, if not NULL */
};

static void
tobj_reference(struct uvm_object *uo)
{
	rw_enter(uo->vmobjlock, RW_WRITER);
	uo->uo_refs++;
	rw_exit(uo->vmobjlock);
}

static void
tobj_detach(struct uvm_object *uo)
{
	struct tobj *to = (struct tobj *)uo;
	int refs;

	rw_enter(uo->vmobjlock, RW_WRITER);
	refs = --uo->uo_refs;
	rw_exit(uo->vmobjlock);
	if (refs == 0) {
		if (to->to_freed != NULL)
			*to->to_freed = 1;
		uvm_obj_destroy(uo, true);
		free(to);
	}
}

static const struct uvm_pagerops tobj_pagerops = {
    .pgo_name = "[tobj]",
    .pgo_reference = tobj_reference,
    .pgo_detach = tobj_detach,
};

static inline struct uvm_object *
tobj_create(struct uvm *uvm)
{
	struct tobj *to = calloc(1, sizeof(*to));

	assert_non_null(to);
	uvm_obj_init(&to->to_obj, uvm, &tobj_pagerops, NULL, 1);
	return &to->to_obj;
}

static inline int
tobj_refs(struct uvm_object *uo)
{
	return uo->uo_refs;
}

/* A map of addresses only (no pmap) over [vmin, vmax). */
static inline struct vm_map *
tmap_new(struct uvm *uvm, vaddr_t vmin, vaddr_t vmax, int flags)
{
	struct vm_map *map = calloc(1, sizeof(*map));

	assert_non_null(map);
	uvm_map_setup(map, uvm, NULL, vmin, vmax, flags);
	return map;
}

static inline void
tmap_free(struct vm_map *map)
{
	uvm_map_teardown(map);
	free(map);
}

/* The entry count of a map. */
static inline size_t
tmap_nentries(struct vm_map *map)
{
	size_t n;

	uvm_map_stat(map, &n, NULL);
	return n;
}

/* Entry number i (0-based) as a record; fails the test if absent. */
static inline struct uvm_map_entry_info
tmap_entry(struct vm_map *map, size_t i)
{
	struct uvm_map_entry_info *recs;
	struct uvm_map_entry_info mi;
	size_t n;

	recs = calloc(i + 1, sizeof(*recs));
	assert_non_null(recs);
	assert_int_equal(uvm_map_foreach(map, 0, recs, i + 1, &n), 0);
	if (n <= i)
		fail_msg("map has %zu entries, wanted entry %zu", n, i);
	mi = recs[i];
	free(recs);
	return mi;
}

/*
 * Assert the layout: n ranges [s, e) in page numbers, given as a flat list
 * s0, e0, s1, e1, ...
 */
static inline void
tmap_expect(struct vm_map *map, size_t n, const vaddr_t *pages)
{
	struct uvm_map_entry_info recs[64];
	size_t got;

	assert_true(n <= 64);
	assert_int_equal(uvm_map_foreach(map, 0, recs, 64, &got), 0);
	if (got != n) {
		uvm_map_printit(map, true, stderr);
		fail_msg("map has %zu entries, expected %zu", got, n);
	}
	for (size_t i = 0; i < n; i++) {
		if (recs[i].mi_start != P(pages[2 * i]) ||
		    recs[i].mi_end != P(pages[2 * i + 1])) {
			uvm_map_printit(map, true, stderr);
			fail_msg(
			    "entry %zu is [%#lx, %#lx), expected [%#lx, %#lx)",
			    i, (unsigned long)recs[i].mi_start,
			    (unsigned long)recs[i].mi_end,
			    (unsigned long)P(pages[2 * i]),
			    (unsigned long)P(pages[2 * i + 1]));
		}
	}
}
#define TMAP_EXPECT(map, ...)                                              \
	do {                                                               \
		const vaddr_t _pg[] = {__VA_ARGS__};                       \
		tmap_expect((map), sizeof(_pg) / sizeof(_pg[0]) / 2, _pg); \
	} while (0)
#define TMAP_EXPECT_EMPTY(map) assert_int_equal(tmap_nentries(map), 0)

/* Map anonymous memory at exactly page p, n pages (must succeed). */
static inline void
tmap_fixed(struct vm_map *map, vaddr_t p, vaddr_t n, uvm_flag_t flags)
{
	vaddr_t va = P(p);

	assert_int_equal(uvm_map(map, &va, P(n), NULL, UVM_UNKNOWN_OFFSET, 0,
			     flags | UVM_FLAG_FIXED),
	    0);
	assert_int_equal(va, P(p));
}

#endif /* _T_MAP_H_ */
