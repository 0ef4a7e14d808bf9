/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_anon.c: anons: allocation, freeing, swap-slot release.
 *
 * This file owns struct vm_anon's life cycle and the machine's anon state
 * (u_anon: the anon pool, fault-injection site KFI_ANON).  uvmexp.nanon
 * counts anons allocated and not yet freed.
 *
 * Design note.
 *
 * An anon has no lock of its own: an_lock points at the rwlock of the
 * amap that holds it, shared by every amap of one copy-on-write family
 * (amap_copy() gives the copy its source's lock), so that one lock covers
 * an anon wherever it is referenced.  amap_add() sets an_lock; a fresh
 * anon has none.  an_ref counts the amap slots pointing at the anon.
 *
 * Freeing an anon whose page is busy (I/O in progress) cannot free the
 * page: as in NetBSD, the page is marked PG_RELEASED, an extra reference
 * to the lock is kept so that it outlives the amap, and whoever unbusies
 * the page calls uvm_anon_release() to finish the job.
 *
 * Swap slots: an anon paged out keeps its slot in an_swslot, which goes
 * back to the swap layer (uvm_swap_free()) when the anon dies or its slot
 * is dropped.  A slot of a non-resident anon is the page's only copy,
 * counted in uvmexp.swpgonly by its owner (uvm_swap.h): freeing such an
 * anon decrements it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_anon.h"
#include "uvm_object.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "uvm_swap.h"
#include "pmap/pmap.h"

struct uvm_anon_state {
	struct pool as_pool; /* struct vm_anon, site KFI_ANON */
	uint64_t as_serial;  /* [atomic] anons allocated so far */
};

/*
 * uvm_anon_init: set up the machine's anon state.
 *	=> returns 0 or ENOMEM
 */
int
uvm_anon_init(struct uvm *uvm)
{
	struct uvm_anon_state *as;

	KASSERT(uvm->u_anon == NULL);
	as = calloc(1, sizeof(*as));
	if (as == NULL)
		return ENOMEM;
	pool_init(&as->as_pool, sizeof(struct vm_anon),
	    _Alignof(struct vm_anon), "anonpl", &uvm->u_pools, &uvm->u_fi,
	    KFI_ANON);
	uvm->u_anon = as;
	return 0;
}

/*
 * uvm_anon_fini: tear the anon state down.
 *	=> every anon must have been freed
 */
void
uvm_anon_fini(struct uvm *uvm)
{
	struct uvm_anon_state *as = uvm->u_anon;

	if (as == NULL)
		return;
	KASSERTMSG(uvm_cnt_get(uvm, nanon) == 0, "%" PRId64 " anons alive",
	    uvm_cnt_get(uvm, nanon));
	pool_destroy(&as->as_pool);
	free(as);
	uvm->u_anon = NULL;
}

/*
 * uvm_analloc: allocate a new anon.
 *	=> the anon has one reference, no page, no swap slot and no lock
 *	=> returns NULL when the pool fails (fault injection); never sleeps
 */
struct vm_anon *
uvm_analloc(struct uvm *uvm)
{
	struct vm_anon *anon;

	KASSERT(uvm->u_anon != NULL);
	anon = pool_get(&uvm->u_anon->as_pool, PR_NOWAIT);
	if (anon == NULL)
		return NULL;
	anon->an_lock = NULL;
	anon->an_page = NULL;
	anon->an_swslot = 0;
	anon->an_ref = 1;
	anon->an_uvm = uvm;
	anon->an_serial =
	    __atomic_add_fetch(&uvm->u_anon->as_serial, 1, __ATOMIC_RELAXED);
	uvm_cnt_inc(uvm, nanon);
	return anon;
}

/*
 * uvm_anon_put: return an anon's memory to the pool.
 */
static void
uvm_anon_put(struct vm_anon *anon)
{
	struct uvm *uvm = anon->an_uvm;

	KASSERT(uvm_cnt_get(uvm, nanon) > 0);
	/* The policy forgets the anon's non-resident history (CLOCK-Pro). */
	uvmpdpol_anfree(uvm, anon);
	anon->an_uvm = NULL;
	pool_put(&uvm->u_anon->as_pool, anon);
	uvm_cnt_dec(uvm, nanon);
}

/*
 * uvm_anfree: free an anon whose last reference went away.
 *	=> anon removed from its amap already; an_ref == 0
 *	=> an_lock write-held if set (it must be set when a page is present)
 *	=> the page is freed; a busy page is marked PG_RELEASED instead and
 *	   the anon lives on until uvm_anon_release() (see the design note)
 *	=> the swap slot is dropped; never sleeps
 */
void
uvm_anfree(struct vm_anon *anon)
{
	struct vm_page *pg = anon->an_page;

	KASSERT(anon->an_ref == 0);
	KASSERT(anon->an_lock == NULL || rw_write_held(anon->an_lock));
	if (pg != NULL) {
		KASSERT(anon->an_lock != NULL);
		KASSERTMSG(pg->uanon == anon, "anon %p page %p owned by %p",
		    (void *)anon, (void *)pg, (void *)pg->uanon);
		KASSERT(pg->uobject == NULL);
		KASSERT(pg->loan_count == 0);
		KASSERT((pg->flags & PG_RELEASED) == 0);
		pmap_page_protect(pg, VM_PROT_NONE);
		if ((pg->flags & PG_BUSY) != 0) {
			pg->flags |= PG_RELEASED;
			uvm_rwobj_hold(anon->an_lock);
			return;
		}
		uvm_pagefree(pg);
		KASSERT(anon->an_page == NULL);
	} else if (anon->an_swslot != 0) {
		/* The swap copy was the only one. */
		KASSERT(uvm_cnt_get(anon->an_uvm, swpgonly) > 0);
		uvm_cnt_dec(anon->an_uvm, swpgonly);
	}
	uvm_anon_dropswap(anon);
	anon->an_lock = NULL;
	uvm_anon_put(anon);
}

/*
 * uvm_anon_release: finish freeing an anon whose busy page was marked
 * PG_RELEASED by uvm_anfree().
 *	=> an_lock write-held on entry, released (and the extra lock
 *	   reference dropped) on return
 */
void
uvm_anon_release(struct vm_anon *anon)
{
	struct vm_page *pg = anon->an_page;
	struct krwlock *lock = anon->an_lock;

	KASSERT(lock != NULL && rw_write_held(lock));
	KASSERT(anon->an_ref == 0);
	KASSERT(pg != NULL && pg->uanon == anon && pg->uobject == NULL);
	KASSERT(
	    (pg->flags & (PG_RELEASED | PG_BUSY)) == (PG_RELEASED | PG_BUSY));
	pg->flags &= ~PG_RELEASED;
	uvm_pagefree(pg);
	KASSERT(anon->an_page == NULL);
	uvm_anon_dropswap(anon);
	anon->an_lock = NULL;
	uvm_anon_put(anon);
	rw_exit(lock);
	uvm_rwobj_rele(lock);
}

/*
 * uvm_anon_dropswap: give the anon's swap slot, if any, back to swap.
 *	=> an_lock write-held if set; swpgonly is the caller's business (a
 *	   resident anon's slot was not the only copy)
 */
void
uvm_anon_dropswap(struct vm_anon *anon)
{
	KASSERT(anon->an_lock == NULL || rw_write_held(anon->an_lock));
	if (anon->an_swslot == 0)
		return;
	uvm_swap_free(anon->an_uvm, anon->an_swslot, 1);
	anon->an_swslot = 0;
}

/*
 * uvm_anon_sanity: check one anon.
 *	=> an_lock held (or the anon private to the caller)
 *	=> a live anon has references; its page, if any, names it as owner
 *	   (pg->uanon == anon, no object, not free, PG_ANON); its swap slot,
 *	   if any, is in use in swap
 */
void
uvm_anon_sanity(struct vm_anon *anon)
{
	struct vm_page *pg = anon->an_page;

	KASSERT(anon->an_uvm != NULL);
	KASSERTMSG(anon->an_ref > 0, "anon %p has no references", (void *)anon);
	if (pg != NULL) {
		KASSERTMSG(pg->uanon == anon, "anon %p page %p owned by %p",
		    (void *)anon, (void *)pg, (void *)pg->uanon);
		KASSERT(pg->uobject == NULL || pg->loan_count > 0);
		KASSERT((pg->flags & PG_FREE) == 0);
		KASSERT((pg->flags & PG_ANON) != 0 || pg->loan_count > 0);
		KASSERT(anon->an_lock != NULL);
	}
	KASSERTMSG(anon->an_swslot == 0 ||
		uvm_swap_slot_inuse_p(anon->an_uvm, anon->an_swslot),
	    "anon %p: swap slot %" PRIu64 " not in use", (void *)anon,
	    anon->an_swslot);
}

/*
 * uvm_anon_printit: print one anon.
 */
void
uvm_anon_printit(struct vm_anon *anon, FILE *fp)
{
	fprintf(fp, "ANON %p: ref=%u lock=%p page=%p swslot=%" PRIu64 "\n",
	    (void *)anon, anon->an_ref, (void *)anon->an_lock,
	    (void *)anon->an_page, anon->an_swslot);
}
