/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_anon.h: anons, the unit of anonymous memory.
 *
 * An anon owns at most one page (an_page) and, once paged out, one swap
 * slot (an_swslot).  Its lock is the rwlock of the amap it lives in (shared
 * by the amap and all its anons, as in NetBSD since 2011); an_ref counts
 * the amap slots that point at it.
 *
 * Lock legend: [l] an_lock
 */
#ifndef _UVM_ANON_H_
#define _UVM_ANON_H_

#include "uvm.h"

struct vm_page;

struct vm_anon {
	struct krwlock *an_lock; /* [l] lock (shared with the amap) */
	struct vm_page *an_page; /* [l] resident page, or NULL */
	uint64_t an_swslot;      /* [l] swap slot, or 0 */
	unsigned an_ref;         /* [l] references */
	struct uvm *an_uvm;      /* [c] machine */
	uint64_t an_serial;      /* [c] allocation number in the machine: an
				  * identity independent of host addresses */
};

int uvm_anon_init(struct uvm *);
void uvm_anon_fini(struct uvm *);
/* A new anon with one reference, no page, no lock; NULL on failure. */
struct vm_anon *uvm_analloc(struct uvm *);
/* Free an anon whose last reference went away (lock held; dropped pages). */
void uvm_anfree(struct vm_anon *);
/*
 * Finish freeing an anon whose busy page uvm_anfree() marked PG_RELEASED:
 * called by whoever unbusies it, lock write-held; returns with it released.
 */
void uvm_anon_release(struct vm_anon *);
/* Drop the anon's swap slot (lock held). */
void uvm_anon_dropswap(struct vm_anon *);
void uvm_anon_sanity(struct vm_anon *);
void uvm_anon_printit(struct vm_anon *, FILE *);

#endif /* _UVM_ANON_H_ */
