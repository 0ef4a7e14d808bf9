/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map_impl.h: what the map layer's own files (uvm_map.c,
 * uvm_map_ops.c, uvm_map_print.c) share and nobody else uses.
 */
#ifndef _UVM_MAP_IMPL_H_
#define _UVM_MAP_IMPL_H_

#include <sys/queue.h>

#include "uvm.h"
#include "uvm_map.h"

/* The machine's map state (uvm->u_map). */
struct uvm_map_state {
	struct pool ms_entpool;       /* map entries (KFI_MAPENT) */
	struct pool ms_vmspool;       /* vmspaces */
	struct kmutex ms_lock;        /* protects ms_maps */
	TAILQ_HEAD(, vm_map) ms_maps; /* [ms_lock] every live map */
};

/*
 * Entries an operation took before changing anything (at most two clips
 * and one new entry).
 */
#define UVM_MAPENT_RESERVE_MAX 3
struct uvm_mapent_reservation {
	struct vm_map_entry *umr_ents[UVM_MAPENT_RESERVE_MAX];
	int umr_n;
};

int uvm_mapent_reserve(
    struct vm_map *, struct uvm_mapent_reservation *, int n, int prflags);
void uvm_mapent_unreserve(struct vm_map *, struct uvm_mapent_reservation *);
/*
 * Reserve the entries that clipping [start, end) needs (map write-locked;
 * PR_NOWAIT): 0 or ENOMEM.
 */
int uvm_map_reserve_clips(struct vm_map *, vaddr_t start, vaddr_t end,
    struct uvm_mapent_reservation *);

void uvm_map_clip_start_umr(struct vm_map *, struct vm_map_entry *, vaddr_t,
    struct uvm_mapent_reservation *);
void uvm_map_clip_end_umr(struct vm_map *, struct vm_map_entry *, vaddr_t,
    struct uvm_mapent_reservation *);
void uvm_unmap_remove_umr(struct vm_map *, vaddr_t start, vaddr_t end,
    struct vm_map_entry **deadp, struct uvm_mapent_reservation *, int flags);
int uvm_unmap_check_quantum(struct vm_map *, vaddr_t start, vaddr_t end);

void uvm_map_gap_set(struct vm_map *, struct vm_map_entry *);
void uvm_map_clear_hints(struct vm_map *, struct vm_map_entry *);
struct vm_map_entry *uvm_rb_next_fit(
    struct vm_map *, struct vm_map_entry *, vsize_t len);
struct vm_map_entry *uvm_rb_prev_fit(
    struct vm_map *, struct vm_map_entry *, vsize_t len);

/* Clamp [*startp, *endp) to the map, as NetBSD's VM_MAP_RANGE_CHECK. */
static inline void
uvm_map_range_clamp(const struct vm_map *map, vaddr_t *startp, vaddr_t *endp)
{
	if (*startp < vm_map_min(map))
		*startp = vm_map_min(map);
	if (*endp > vm_map_max(map))
		*endp = vm_map_max(map);
	if (*startp > *endp)
		*startp = *endp;
}

#endif /* _UVM_MAP_IMPL_H_ */
