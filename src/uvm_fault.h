/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_fault.h: the fault handler's internal interface.
 *
 * uvm_fault_internal() is the fault handler; uvm_fault() (public) is it
 * with no flags.  The map layer calls uvm_map_entry_unwire() when it
 * removes a wired entry.  The fault-info helpers (uvmfault_lookup,
 * uvmfault_relock, ...) are NetBSD's and serve whoever needs to look a
 * faulting address up the way the fault handler does (loans, later).
 */
#ifndef _UVM_FAULT_INTERNAL_H_
#define _UVM_FAULT_INTERNAL_H_

#include <uvm/uvm_fault.h>

#include "uvm.h"

struct vm_map;
struct vm_map_entry;
struct vm_amap;
struct vm_anon;
struct uvm_object;

/* uvm_fault_internal() flags. */
#define UVM_FAULT_WIRE     0x01 /* wire the mapping and the page */
#define UVM_FAULT_MAXPROT  0x02 /* check/copy at max protection (wiring) */
/*
 * The thread faulting is the accessor of the map's pmap (uvm_access.c),
 * about to retry the access: the fault fills the pmap's TLB entry for it
 * (PMAP_TLBFILL).
 */
#define UVM_FAULT_ACCESSOR 0x04

/*
 * Internal pseudo-error: the map changed while the locks were dropped (or a
 * page was busy); the fault starts over.  Never leaves this layer.
 */
#define UVM_ERESTART (-1)

/* Waits for the page daemon one fault may do before it fails (ENOMEM). */
#define UVM_FAULT_MAXWAIT 8

/* Fault neighbourhood per advice: pages behind and ahead of the fault. */
#define UVM_FAULT_NBACK_NORMAL 3
#define UVM_FAULT_NFWD_NORMAL  4
#define UVM_FAULT_NBACK_SEQ    8
#define UVM_FAULT_NFWD_SEQ     7
#define UVM_MAXRANGE           16 /* >= nback + nfwd + 1 */

/*
 * struct uvm_faultinfo: the state of a lookup.  The orig_* fields are the
 * caller's; map/entry are what the lookup found (a submap's map when it
 * descended) and mapv the map's timestamp when it was locked, so that
 * uvmfault_relock() can tell whether the map changed meanwhile.
 */
struct uvm_faultinfo {
	struct vm_map *orig_map;    /* the map the fault is in */
	vaddr_t orig_rvaddr;        /* the faulting address, page aligned */
	vsize_t orig_size;          /* its size (a page) */
	struct vm_map *map;         /* the map holding the entry */
	unsigned int mapv;          /* map->timestamp when locked */
	struct vm_map_entry *entry; /* the entry */
	vsize_t size;               /* size of the range looked up */
};

int uvm_fault_internal(
    struct vm_map *, vaddr_t va, vm_prot_t access_type, int fault_flag);

/*
 * uvmfault_lookup: lock the map (read, or write with write_lock), descend
 * submaps, find the entry of ufi->orig_rvaddr.
 *	=> true with the map(s) locked; false (nothing locked) if unmapped
 */
bool uvmfault_lookup(struct uvm_faultinfo *, bool write_lock);
/* Relock after the locks were dropped: false if the map changed. */
bool uvmfault_relock(struct uvm_faultinfo *);
void uvmfault_unlockmaps(struct uvm_faultinfo *, bool write_locked);
void uvmfault_unlockall(
    struct uvm_faultinfo *, struct vm_amap *, struct uvm_object *);
/*
 * uvmfault_anonget: make the anon's page resident and not busy.
 *	=> map read-locked, amap (and uobj if given) locked on entry
 *	=> 0: everything still locked, anon->an_page valid
 *	=> UVM_ERESTART: everything unlocked (waited for a busy page)
 *	=> EIO: everything unlocked (the page could not be read)
 */
int uvmfault_anonget(
    struct uvm_faultinfo *, struct vm_amap *, struct vm_anon *);

/*
 * Unwiring with the map locked (read or write): unwire the pages mapped in
 * [start, end) and their pmap mappings.  uvm_map_entry_unwire() does that
 * for a whole entry and zeroes its wiring count (map write-locked).
 */
void uvm_fault_unwire_locked(struct vm_map *, vaddr_t start, vaddr_t end);
void uvm_map_entry_unwire(struct vm_map *, struct vm_map_entry *);

#endif /* _UVM_FAULT_INTERNAL_H_ */
