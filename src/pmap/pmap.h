/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmap.h: the pmap(9) contract between the machine-independent layers and
 * the back ends (src/pmap/soft: software page tables; src/pmap/host: real
 * host mappings, later).  Nothing above this header knows which back end a
 * machine uses; nothing below it knows about maps, amaps or processes.
 *
 * Semantics follow pmap(9):
 *  - pmap_enter() maps one page; flags carry the access that caused it
 *    (VM_PROT_* bits, which preset referenced/modified), PMAP_WIRED and
 *    PMAP_CANFAIL (return ENOMEM instead of panicking when page-table memory
 *    cannot be had).  Entering over an existing mapping replaces it.
 *  - pmap_remove()/pmap_protect() work on [sva, eva) and may defer work until
 *    pmap_update(); the soft back end does everything at once, so
 *    pmap_update() only completes deferred TLB shootdowns.
 *  - referenced/modified bits belong to the physical page, are set by
 *    accesses through the pmap, and survive removal of the mappings.
 *  - pmap_kenter_pa() mappings are unmanaged (no pv entry, no R/M tracking)
 *    and live in the kernel pmap only.
 *
 * Simulated accesses go through pmap_access(): an inline look-up of the
 * pmap's small software TLB, then the back end's table walk.  A write that
 * hits the TLB does not need to set the modified bit: entries allow writes
 * only once the page is marked modified, and clearing the bit (or lowering
 * protection) invalidates every TLB entry of the page through its pv list.
 */
#ifndef _PMAP_PMAP_H_
#define _PMAP_PMAP_H_

#include "uvm.h"

struct vm_page;
struct pmap;

/* pmap_enter() flags, beyond the VM_PROT_* access bits. */
#define PMAP_WIRED   0x00000010u
#define PMAP_CANFAIL 0x00000020u
#define PMAP_NOCACHE 0x00000040u

/* Machine setup: creates the kernel pmap. */
int pmap_init(struct uvm *);
void pmap_fini(struct uvm *);
struct pmap *pmap_kernel(struct uvm *);

struct pmap *pmap_create(struct uvm *);
void pmap_reference(struct pmap *);
void pmap_destroy(struct pmap *); /* drop a reference */
struct uvm *pmap_machine(const struct pmap *);

int pmap_enter(struct pmap *, vaddr_t va, paddr_t pa, vm_prot_t prot,
    uint32_t flags);
void pmap_remove(struct pmap *, vaddr_t sva, vaddr_t eva);
/* Remove every mapping (the pmap is about to die): true if done. */
bool pmap_remove_all(struct pmap *);
void pmap_protect(struct pmap *, vaddr_t sva, vaddr_t eva, vm_prot_t prot);
void pmap_unwire(struct pmap *, vaddr_t va);
bool pmap_extract(struct pmap *, vaddr_t va, paddr_t *pap);
void pmap_kenter_pa(struct uvm *, vaddr_t va, paddr_t pa, vm_prot_t prot,
    uint32_t flags);
void pmap_kremove(struct uvm *, vaddr_t va, vsize_t len);
void pmap_update(struct pmap *);
void pmap_activate(struct pmap *);
void pmap_deactivate(struct pmap *);

/* Per-page operations, through the page's pv list. */
void pmap_page_protect(struct vm_page *, vm_prot_t prot);
bool pmap_is_modified(struct vm_page *);
bool pmap_is_referenced(struct vm_page *);
bool pmap_clear_modify(struct vm_page *);    /* returns the old bit */
bool pmap_clear_reference(struct vm_page *); /* returns the old bit */
/* Number of mappings of the page (for sanity checks and tests). */
unsigned pmap_page_nmappings(struct vm_page *);

/* Frame contents. */
void pmap_zero_page(struct uvm *, paddr_t pa);
void pmap_copy_page(struct uvm *, paddr_t src, paddr_t dst);

int64_t pmap_resident_count(const struct pmap *);
int64_t pmap_wired_count(const struct pmap *);

void pmap_sanity(struct pmap *);	/* page tables, counts, pv lists */
void pmap_sanity_page(struct vm_page *); /* pv list of one page */
void pmap_printit(struct pmap *, FILE *);

/*
 * The access fast path.  Every pmap starts with a struct pmap_tlb (back ends
 * guarantee it), a direct-mapped cache of translations indexed by virtual
 * page number.  te_vpn is the tag (PMAP_TLB_INVALID when empty), te_host
 * the host address of the page's contents, te_prot what the entry allows.
 */
#define PMAP_TLB_SIZE	 256u /* entries, a power of two */
#define PMAP_TLB_INVALID (~(uint64_t)0)

struct pmap_tlb_entry {
	uint64_t te_vpn;
	uint8_t *te_host;
	vm_prot_t te_prot;
};

struct pmap_tlb {
	unsigned tlb_shift; /* page shift of the machine */
	uint64_t tlb_hits, tlb_misses;
	struct pmap_tlb_entry tlb_ent[PMAP_TLB_SIZE];
};

/*
 * pmap_access_slow: the walk behind a TLB miss.  Translates va for access
 * (VM_PROT_* bits), updates referenced/modified, fills the TLB.
 * => returns 0 with *hostp, EFAULT if nothing is mapped at va, or EACCES if
 *    the mapping does not allow the access (the caller then faults).
 */
int pmap_access_slow(struct pmap *, vaddr_t va, vm_prot_t access,
    uint8_t **hostp);

static inline int
pmap_access(struct pmap *pm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	struct pmap_tlb *tlb = (struct pmap_tlb *)(void *)pm;
	uint64_t vpn = va >> tlb->tlb_shift;
	struct pmap_tlb_entry *te = &tlb->tlb_ent[vpn & (PMAP_TLB_SIZE - 1)];

	if (__builtin_expect(te->te_vpn == vpn && (te->te_prot & access) ==
		access, 1)) {
		*hostp = te->te_host + (va & (((uint64_t)1 << tlb->tlb_shift) - 1));
		return 0;
	}
	return pmap_access_slow(pm, va, access, hostp);
}

#endif /* _PMAP_PMAP_H_ */
