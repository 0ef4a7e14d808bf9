/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map.h: the public interface of address spaces (vmspaces) and their
 * maps.
 *
 * A vmspace is one simulated address space: a map of entries (each a range
 * of virtual addresses with protection, inheritance, advice and backing
 * memory) and the pmap that translates it.  Maps are opaque: enumerate them
 * with uvm_map_foreach() or print them with the printers below.  Every call
 * returns 0 or a positive errno; the errno choices are NetBSD's (see
 * docs/design/map.md for the table).
 */
#ifndef _UVM_UVM_MAP_H_
#define _UVM_UVM_MAP_H_

#include <stdbool.h>
#include <stdio.h>

#include <uvm/uvm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;
struct vm_map;
struct vmspace;
struct uvm_object;

/* The flags argument of uvm_map(), as built by UVM_MAPFLAG(). */
typedef uint32_t uvm_flag_t;

/*
 * One map entry as uvm_map_foreach() reports it.  The caller owns the
 * records; nothing in them points into the map except mi_object, which is
 * only an identity (compare it, do not dereference it).
 */
struct uvm_map_entry_info {
	vaddr_t mi_start;        /* first address */
	vaddr_t mi_end;          /* first address past the entry */
	voff_t mi_offset;        /* offset into the object */
	const void *mi_object;   /* object or submap identity, or NULL */
	vm_prot_t mi_prot;       /* current protection */
	vm_prot_t mi_maxprot;    /* maximum protection */
	vm_inherit_t mi_inherit; /* UVM_INH_* */
	uint32_t mi_advice;      /* UVM_ADV_* */
	int mi_wired;            /* wiring count */
	uint32_t mi_flags;       /* UVM_MI_* below */
	int mi_amap_pageoff;     /* page offset into the amap, if UVM_MI_AMAP */
};

#define UVM_MI_OBJ       0x0001u /* backed by an object */
#define UVM_MI_SUBMAP    0x0002u /* a submap */
#define UVM_MI_COW       0x0004u /* copy on write */
#define UVM_MI_NEEDSCOPY 0x0008u /* the amap still has to be copied */
#define UVM_MI_AMAP      0x0010u /* has an amap */
#define UVM_MI_NOMERGE   0x0020u /* never merged with a neighbour */
#define UVM_MI_STATIC    0x0040u /* entry from the map's own reserve */
#define UVM_MI_KERNEL    0x0080u /* kernel map entry */

/*
 * Address spaces.  uvmspace_alloc() creates a vmspace covering [vmin, vmax)
 * with one reference and a fresh pmap; topdown selects top-down address
 * allocation.  uvmspace_free() drops a reference; the last one unmaps
 * everything and destroys the pmap.
 */
UVM_EXPORT struct vmspace *uvmspace_alloc(
    struct uvm *, vaddr_t vmin, vaddr_t vmax, bool topdown);
UVM_EXPORT void uvmspace_addref(struct vmspace *);
UVM_EXPORT void uvmspace_free(struct vmspace *);
UVM_EXPORT struct vm_map *uvmspace_map(struct vmspace *);

/* The bounds [*vminp, *vmaxp) of a map. */
UVM_EXPORT void uvm_map_bounds(
    const struct vm_map *, vaddr_t *vminp, vaddr_t *vmaxp);

/*
 * uvm_map: map size bytes at *startp (a hint, or the exact address with
 * UVM_FLAG_FIXED) backed by uobj at uoffset (NULL: anonymous memory;
 * UVM_UNKNOWN_OFFSET: derive the offset from the address).  align is a
 * power of two (0: none), or with UVM_FLAG_COLORMATCH a page colour.
 * On success *startp holds the address chosen.  The map takes over the
 * caller's reference to uobj on success only.
 */
UVM_EXPORT int uvm_map(struct vm_map *, vaddr_t *startp, vsize_t size,
    struct uvm_object *uobj, voff_t uoffset, vsize_t align, uvm_flag_t flags);
UVM_EXPORT int uvm_unmap(struct vm_map *, vaddr_t start, vaddr_t end);
UVM_EXPORT int uvm_map_protect(
    struct vm_map *, vaddr_t start, vaddr_t end, vm_prot_t prot, bool set_max);
UVM_EXPORT int uvm_map_inherit(
    struct vm_map *, vaddr_t start, vaddr_t end, vm_inherit_t inh);
UVM_EXPORT int uvm_map_advice(
    struct vm_map *, vaddr_t start, vaddr_t end, int advice);
UVM_EXPORT int uvm_map_willneed(struct vm_map *, vaddr_t start, vaddr_t end);
UVM_EXPORT bool uvm_map_checkprot(
    struct vm_map *, vaddr_t start, vaddr_t end, vm_prot_t prot);
UVM_EXPORT int uvm_map_extract(struct vm_map *srcmap, vaddr_t start,
    vsize_t len, struct vm_map *dstmap, vaddr_t *dstaddrp, int flags);

/*
 * uvm_map_foreach: copy the entries that end above start, in address order,
 * into recs[0 .. nrecs); *nfoundp receives how many such entries exist (it
 * may exceed nrecs: call again from the last end to continue).
 */
UVM_EXPORT int uvm_map_foreach(struct vm_map *, vaddr_t start,
    struct uvm_map_entry_info *recs, size_t nrecs, size_t *nfoundp);
/* Number of entries and bytes mapped. */
UVM_EXPORT void uvm_map_stat(
    struct vm_map *, size_t *nentriesp, vsize_t *sizep);

/* Printers: the whole map (DDB "show map"), /proc/PID/maps, pmap(1). */
UVM_EXPORT void uvm_map_printit(struct vm_map *, bool full, FILE *);
UVM_EXPORT void uvm_map_print_procmaps(struct vm_map *, FILE *);
UVM_EXPORT void uvm_map_print_pmap(struct vm_map *, FILE *);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_UVM_MAP_H_ */
