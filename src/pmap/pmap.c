/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pmap.c: the pmap(9) entry points and the back-end dispatch.
 *
 * This file owns the machine's pmap state (u_pmap): the back end chosen by
 * the configuration (uc_backend) at pmap_init(), the list of every pmap
 * of the machine, and the life cycle of the fields every pmap shares
 * (struct pmap in pmap.h: references, activations, the pmap lock).  Each
 * entry point validates its arguments, keeps the machine's statistics and
 * calls the back end's operation through the pmap's ops vector (per-page
 * operations reach the machine through the page).  The hot access path
 * stays inline in pmap.h; only its miss comes through here.
 *
 * Locking: ps_lock (class LC_PMAP) protects the list of pmaps.  It is
 * taken alone, or before pmap and pv locks (pmap_sanity_all()); nothing
 * takes it while holding a pmap lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_physseg.h"
#include "pmap/pmap.h"

/* Machine-wide pmap state, behind uvm->u_pmap. */
struct uvm_pmap_state {
	const struct pmap_ops *ps_ops; /* [c] the back end */
	void *ps_backend;              /* [c] the back end's own state */
	struct kmutex ps_lock;         /* protects ps_pmaps, ps_npmaps */
	LIST_HEAD(, pmap) ps_pmaps;    /* [ps_lock] every pmap */
	unsigned ps_npmaps;            /* [ps_lock] their number */
	bool ps_stream;                /* [c] fill frames around the cache */
};

static uint64_t pmap_host_llc(void);

static const struct {
	const char *be_name;
	const struct pmap_ops *be_ops;
} pmap_backends[] = {
    {"soft", &pmap_soft_ops},
};

/*
 * pmap_backend_state: the slot for the back end's machine-wide state.
 */
void **
pmap_backend_state(struct uvm *uvm)
{
	KASSERT(uvm->u_pmap != NULL);
	return &uvm->u_pmap->ps_backend;
}

/*
 * pmap_init: choose the back end, bring it up, create the kernel pmap.
 * => returns 0, EINVAL for an unknown back end, or the back end's error.
 */
int
pmap_init(struct uvm *uvm)
{
	struct uvm_pmap_state *ps;
	const struct pmap_ops *ops;
	const char *name;
	size_t i;
	int error;

	KASSERT(uvm->u_pmap == NULL);
	name = uvm->u_cfg.uc_backend != NULL ? uvm->u_cfg.uc_backend : "soft";
	ops = NULL;
	for (i = 0; i < __arraycount(pmap_backends); i++)
		if (strcmp(pmap_backends[i].be_name, name) == 0)
			ops = pmap_backends[i].be_ops;
	if (ops == NULL) {
		uvm_set_error("pmap_init: no back end \"%s\"", name);
		return EINVAL;
	}
	ps = calloc(1, sizeof(*ps));
	if (ps == NULL)
		return ENOMEM;
	ps->ps_ops = ops;
	/* See "Filling frames" below. */
	ps->ps_stream = uvm->u_cfg.uc_memsize > pmap_host_llc();
	mutex_init(&ps->ps_lock, LC_PMAP, "pmaplist");
	LIST_INIT(&ps->ps_pmaps);
	uvm->u_pmap = ps;
	error = ops->po_init(uvm);
	if (error != 0) {
		mutex_destroy(&ps->ps_lock);
		free(ps);
		uvm->u_pmap = NULL;
		return error;
	}
	uvm->u_kernel_pmap = pmap_create(uvm);
	uvm->u_kernel_pmap->pm_kernel = true;
	return 0;
}

/*
 * pmap_fini: destroy the kernel pmap (removing whatever is still mapped in
 * it) and take the back end down.
 * => every other pmap must be gone.
 */
void
pmap_fini(struct uvm *uvm)
{
	struct uvm_pmap_state *ps = uvm->u_pmap;
	struct pmap *kpm;

	if (ps == NULL)
		return;
	kpm = uvm->u_kernel_pmap;
	KASSERT(kpm != NULL && kpm->pm_refcnt == 1);
	KASSERTMSG(ps->ps_npmaps == 1, "pmap_fini: %u pmap(s) left",
	    ps->ps_npmaps - 1);
	kpm->pm_kernel = false;
	pmap_rele(kpm);
	uvm->u_kernel_pmap = NULL;
	ps->ps_ops->po_fini(uvm);
	KASSERT(LIST_EMPTY(&ps->ps_pmaps));
	mutex_destroy(&ps->ps_lock);
	free(ps);
	uvm->u_pmap = NULL;
}

/*
 * pmap_kernel: the machine's kernel pmap.
 */
struct pmap *
pmap_kernel(struct uvm *uvm)
{
	KASSERT(uvm->u_kernel_pmap != NULL);
	return uvm->u_kernel_pmap;
}

/*
 * pmap_machine: the machine a pmap belongs to.
 */
struct uvm *
pmap_machine(const struct pmap *pm)
{
	return pm->pm_uvm;
}

/*
 * pmap_create: a new, empty pmap with one reference.
 * => never fails (the back end allocates with PR_WAITOK); may not sleep.
 */
struct pmap *
pmap_create(struct uvm *uvm)
{
	struct uvm_pmap_state *ps = uvm->u_pmap;
	struct pmap *pm;
	unsigned i;

	KASSERT(ps != NULL);
	pm = ps->ps_ops->po_alloc(uvm);
	KASSERT((void *)pm == (void *)&pm->pm_tlb);
	pm->pm_tlb.tlb_shift = uvm->u_pageshift;
	for (i = 0; i < PMAP_TLB_SIZE; i++)
		pm->pm_tlb.tlb_ent[i].te_vpn = PMAP_TLB_INVALID;
	pm->pm_ops = ps->ps_ops;
	pm->pm_uvm = uvm;
	mutex_init(&pm->pm_lock, LC_PMAP, "pmap");
	pm->pm_refcnt = 1;
	mutex_enter(&ps->ps_lock);
	LIST_INSERT_HEAD(&ps->ps_pmaps, pm, pm_list);
	ps->ps_npmaps++;
	mutex_exit(&ps->ps_lock);
	return pm;
}

/*
 * pmap_reference: take another reference.
 * => the caller holds one.
 */
void
pmap_reference(struct pmap *pm)
{
	unsigned old;

	old = __atomic_fetch_add(&pm->pm_refcnt, 1, __ATOMIC_RELAXED);
	KASSERTMSG(old > 0, "pmap_reference: dead pmap %p", pm);
	(void)old;
}

/*
 * pmap_tryref: take a reference unless the last one is already gone.
 * => used by per-page operations that found the pmap on a pv list.
 */
bool
pmap_tryref(struct pmap *pm)
{
	unsigned old;

	old = __atomic_load_n(&pm->pm_refcnt, __ATOMIC_RELAXED);
	do {
		if (old == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&pm->pm_refcnt, &old, old + 1,
	    false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

/*
 * pmap_destroy: drop a reference; the last one removes every mapping left
 * and frees the pmap.
 * => no pmap or pv lock held; the kernel pmap is never destroyed this way.
 */
void
pmap_destroy(struct pmap *pm)
{
	KASSERTMSG(!pm->pm_kernel, "pmap_destroy: kernel pmap");
	pmap_rele(pm);
}

/*
 * pmap_rele: drop a reference (any pmap, the kernel's included: its own
 * reference keeps it alive until pmap_fini()).
 * => no pmap or pv lock held.
 */
void
pmap_rele(struct pmap *pm)
{
	struct uvm_pmap_state *ps = pm->pm_uvm->u_pmap;
	unsigned old;

	old = __atomic_fetch_sub(&pm->pm_refcnt, 1, __ATOMIC_ACQ_REL);
	KASSERTMSG(old > 0, "pmap_destroy: dead pmap %p", pm);
	if (old != 1)
		return;
	KASSERTMSG(__atomic_load_n(&pm->pm_nactive, __ATOMIC_RELAXED) == 0,
	    "pmap_destroy: pmap %p still active", pm);
	KASSERTMSG(__atomic_load_n(&pm->pm_tlb.tlb_pins, __ATOMIC_RELAXED) == 0,
	    "pmap_destroy: pmap %p still pinned", pm);
	(void)pm->pm_ops->po_remove_all(pm);
	KASSERT(pm->pm_resident == 0 && pm->pm_wired == 0);
	mutex_enter(&ps->ps_lock);
	LIST_REMOVE(pm, pm_list);
	ps->ps_npmaps--;
	mutex_exit(&ps->ps_lock);
	mutex_destroy(&pm->pm_lock);
	pm->pm_ops->po_free(pm);
}

/*
 * pmap_enter: map va to pa with prot; see pmap.h for flags.
 * => va and pa page aligned; prot and the access bits of flags within
 *    VM_PROT_ALL, the access bits within prot.
 * => returns 0, or ENOMEM with PMAP_CANFAIL (nothing changed).
 */
int
pmap_enter(
    struct pmap *pm, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags)
{
	struct uvm *uvm = pm->pm_uvm;

	KASSERTMSG(uvm_page_aligned_p(uvm, va) && uvm_page_aligned_p(uvm, pa),
	    "pmap_enter: va %#jx pa %#jx not page aligned", (uintmax_t)va,
	    (uintmax_t)pa);
	KASSERTMSG((prot & ~VM_PROT_ALL) == 0, "pmap_enter: prot %#x", prot);
	KASSERTMSG((flags &
		       ~(VM_PROT_ALL | PMAP_WIRED | PMAP_CANFAIL |
			   PMAP_NOCACHE | PMAP_TLBFILL)) == 0,
	    "pmap_enter: flags %#x", flags);
	KASSERTMSG((flags & VM_PROT_ALL & ~prot) == 0,
	    "pmap_enter: access %#x beyond prot %#x", flags & VM_PROT_ALL,
	    prot);
	uvm_cnt_inc(uvm, pmap_enter);
	return pm->pm_ops->po_enter(pm, va, pa, prot, flags);
}

/*
 * pmap_remove: remove the mappings in [sva, eva) (eva 0: to the end).
 */
void
pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct uvm *uvm = pm->pm_uvm;

	KASSERTMSG(uvm_page_aligned_p(uvm, sva) && uvm_page_aligned_p(uvm, eva),
	    "pmap_remove: [%#jx, %#jx) not page aligned", (uintmax_t)sva,
	    (uintmax_t)eva);
	KASSERTMSG(sva <= eva - 1 || eva == 0 || sva == eva,
	    "pmap_remove: [%#jx, %#jx) reversed", (uintmax_t)sva,
	    (uintmax_t)eva);
	uvm_cnt_inc(uvm, pmap_remove);
	if (sva == eva && eva != 0)
		return;
	pm->pm_ops->po_remove(pm, sva, eva);
}

/*
 * pmap_remove_all: remove every mapping of a pmap about to die.
 * => returns true: the caller need not remove ranges one by one.
 */
bool
pmap_remove_all(struct pmap *pm)
{
	KASSERTMSG(!pm->pm_kernel, "pmap_remove_all: kernel pmap");
	return pm->pm_ops->po_remove_all(pm);
}

/*
 * pmap_protect: lower the protection of the mappings in [sva, eva).
 */
void
pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, vm_prot_t prot)
{
	struct uvm *uvm = pm->pm_uvm;

	KASSERTMSG(uvm_page_aligned_p(uvm, sva) && uvm_page_aligned_p(uvm, eva),
	    "pmap_protect: [%#jx, %#jx) not page aligned", (uintmax_t)sva,
	    (uintmax_t)eva);
	KASSERTMSG(sva <= eva - 1 || eva == 0 || sva == eva,
	    "pmap_protect: [%#jx, %#jx) reversed", (uintmax_t)sva,
	    (uintmax_t)eva);
	KASSERTMSG((prot & ~VM_PROT_ALL) == 0, "pmap_protect: prot %#x", prot);
	if (sva == eva && eva != 0)
		return;
	pm->pm_ops->po_protect(pm, sva, eva, prot);
}

/*
 * pmap_unwire: clear the wired bit of the mapping at va.
 * => a mapping must exist (panics otherwise).
 */
void
pmap_unwire(struct pmap *pm, vaddr_t va)
{
	KASSERT(uvm_page_aligned_p(pm->pm_uvm, va));
	pm->pm_ops->po_unwire(pm, va);
}

/*
 * pmap_extract: the physical address va maps to (with va's offset in the
 * page).
 * => returns false if nothing is mapped at va (*pap untouched).
 */
bool
pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pap)
{
	return pm->pm_ops->po_extract(pm, va, pap);
}

/*
 * pmap_kenter_pa: an unmanaged, wired mapping in the kernel pmap.
 * => an existing mapping at va must be unmanaged too; it is replaced.
 */
void
pmap_kenter_pa(
    struct uvm *uvm, vaddr_t va, paddr_t pa, vm_prot_t prot, uint32_t flags)
{
	KASSERTMSG(uvm_page_aligned_p(uvm, va) && uvm_page_aligned_p(uvm, pa),
	    "pmap_kenter_pa: va %#jx pa %#jx not page aligned", (uintmax_t)va,
	    (uintmax_t)pa);
	KASSERTMSG(
	    (prot & ~VM_PROT_ALL) == 0, "pmap_kenter_pa: prot %#x", prot);
	uvm_cnt_inc(uvm, pmap_enter);
	pmap_kernel(uvm)->pm_ops->po_kenter_pa(
	    pmap_kernel(uvm), va, pa, prot, flags);
}

/*
 * pmap_kremove: remove the pmap_kenter_pa() mappings in [va, va + len).
 */
void
pmap_kremove(struct uvm *uvm, vaddr_t va, vsize_t len)
{
	KASSERTMSG(uvm_page_aligned_p(uvm, va) && uvm_page_aligned_p(uvm, len),
	    "pmap_kremove: va %#jx len %#jx not page aligned", (uintmax_t)va,
	    (uintmax_t)len);
	KASSERTMSG(len == 0 || va + len == 0 || va + len > va,
	    "pmap_kremove: va %#jx len %#jx wraps", (uintmax_t)va,
	    (uintmax_t)len);
	uvm_cnt_inc(uvm, pmap_remove);
	if (len == 0)
		return;
	pmap_kernel(uvm)->pm_ops->po_kremove(pmap_kernel(uvm), va, len);
}

/*
 * pmap_update: complete the work deferred by earlier operations.
 */
void
pmap_update(struct pmap *pm)
{
	KASSERT(__atomic_load_n(&pm->pm_refcnt, __ATOMIC_RELAXED) > 0);
	if (pm->pm_ops->po_update != NULL)
		pm->pm_ops->po_update(pm);
}

/*
 * pmap_activate: the pmap becomes current on a (simulated) CPU.
 */
void
pmap_activate(struct pmap *pm)
{
	int old;

	old = __atomic_fetch_add(&pm->pm_nactive, 1, __ATOMIC_RELAXED);
	KASSERT(old >= 0);
	(void)old;
	if (pm->pm_ops->po_activate != NULL)
		pm->pm_ops->po_activate(pm);
}

/*
 * pmap_deactivate: the pmap stops being current on a CPU.
 * => pairs with an earlier pmap_activate().
 */
void
pmap_deactivate(struct pmap *pm)
{
	int old;

	KASSERTMSG(__atomic_load_n(&pm->pm_nactive, __ATOMIC_RELAXED) > 0,
	    "pmap_deactivate: pmap %p not active", pm);
	if (pm->pm_ops->po_deactivate != NULL)
		pm->pm_ops->po_deactivate(pm);
	old = __atomic_fetch_sub(&pm->pm_nactive, 1, __ATOMIC_RELAXED);
	KASSERT(old > 0);
	(void)old;
}

bool
pmap_active_p(const struct pmap *pm)
{
	return __atomic_load_n(&pm->pm_nactive, __ATOMIC_RELAXED) > 0;
}

/*
 * pmap_access_slow: the TLB miss path of pmap_access() (see pmap.h).
 */
int
pmap_access_slow(struct pmap *pm, vaddr_t va, vm_prot_t access, uint8_t **hostp)
{
	KASSERTMSG(
	    (access & ~VM_PROT_ALL) == 0, "pmap_access: access %#x", access);
	uvm_cnt_inc(pm->pm_uvm, tlb_misses);
	pm->pm_tlb.tlb_misses++;
	return pm->pm_ops->po_access_slow(pm, va, access, hostp);
}

/*
 * pmap_page_protect: lower the protection of every mapping of pg.
 */
void
pmap_page_protect(struct vm_page *pg, vm_prot_t prot)
{
	struct uvm *uvm = uvm_page_machine(pg);

	KASSERTMSG(
	    (prot & ~VM_PROT_ALL) == 0, "pmap_page_protect: prot %#x", prot);
	uvm->u_pmap->ps_ops->po_page_protect(uvm, pg, prot);
}

bool
pmap_is_modified(struct vm_page *pg)
{
	return (__atomic_load_n(&pg->mdattrs, __ATOMIC_RELAXED) &
		   PMAP_MD_MODIFIED) != 0;
}

bool
pmap_is_referenced(struct vm_page *pg)
{
	return (__atomic_load_n(&pg->mdattrs, __ATOMIC_RELAXED) &
		   PMAP_MD_REFERENCED) != 0;
}

/*
 * pmap_clear_modify: clear the page's modified bit; the next write through
 * any mapping sets it again.
 * => returns the old bit.
 */
bool
pmap_clear_modify(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	return uvm->u_pmap->ps_ops->po_clear_attrs(uvm, pg, PMAP_MD_MODIFIED);
}

/*
 * pmap_clear_reference: clear the page's referenced bit; the next access
 * through any mapping sets it again.
 * => returns the old bit.
 */
bool
pmap_clear_reference(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	return uvm->u_pmap->ps_ops->po_clear_attrs(uvm, pg, PMAP_MD_REFERENCED);
}

/*
 * Every back end keeps a managed page's mappings on its pv_head list (see
 * struct vm_page), so the peek is common code.
 */
bool
pmap_page_mapped_p(struct vm_page *pg)
{
	return __atomic_load_n(&pg->pv_head, __ATOMIC_RELAXED) != NULL;
}

unsigned
pmap_page_nmappings(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	return uvm->u_pmap->ps_ops->po_page_nmappings(uvm, pg);
}

/*
 * pmap_frame_host: host memory of the frame holding pa (panics if pa is in
 * no physical segment).
 */
static uint8_t *
pmap_frame_host(struct uvm *uvm, paddr_t pa, const char *what)
{
	uint8_t *host;

	KASSERTMSG(uvm_page_aligned_p(uvm, pa), "%s: pa %#jx not aligned", what,
	    (uintmax_t)pa);
	host = uvm_physseg_pfn_to_host(uvm, uvm_atop(uvm, pa));
	if (host == NULL)
		panic("%s: pa %#jx is not in physical memory", what,
		    (uintmax_t)pa);
	return host;
}

/*
 * Filling frames.  On x86-64 a machine whose memory is larger than the
 * host's last-level cache fills frames with non-temporal stores (NetBSD's
 * amd64 pagezero does the same): its frames are mostly cold when reused,
 * and a cold frame then costs its write bandwidth only, instead of a read
 * of every line before it is overwritten.  A machine that fits in the
 * cache keeps its frames warm (the free lists hand out the page freed
 * last first), and there ordinary stores win by far: streaming would push
 * warm lines out to memory.  With streaming, the hot line is written
 * normally so that it stays cached for the access the caller is about to
 * make (reading back a line just streamed out waits for it to reach
 * memory first), and a store fence orders the weakly ordered stores
 * before whatever publishes the frame (a pmap_enter, a lock release).
 * Sanitizer builds always use memset/memcpy, which they can check.
 */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__x86_64__) && defined(__SSE2__) &&                        \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !__has_feature(address_sanitizer) && !__has_feature(thread_sanitizer)
#define PMAP_STREAM_STORES 1
#endif
#define PMAP_LINE 64u

/*
 * The last-level cache of the CPU we run on (one instance: sysfs, as the
 * C library's figure may add up every instance of the package), 32 MiB
 * when the host does not say.
 */
static uint64_t
pmap_host_llc(void)
{
	static const char *const path =
	    "/sys/devices/system/cpu/cpu0/cache/index3/size";
	unsigned long long v = 0;
	char unit = 0;
	FILE *f = fopen(path, "r");

	if (f != NULL) {
		if (fscanf(f, "%llu%c", &v, &unit) < 1)
			v = 0;
		fclose(f);
	}
	if (unit == 'K')
		v <<= 10;
	else if (unit == 'M')
		v <<= 20;
	return v != 0 ? v : 32ull << 20;
}

static void
pmap_fill_nofence(
    bool stream, uint8_t *d, const uint8_t *s, size_t len, vsize_t hot)
{
#ifdef PMAP_STREAM_STORES
	const __m128i z = _mm_setzero_si128();
	const size_t hotline = hot & ~(size_t)(PMAP_LINE - 1);
	__m128i a, b, c, e;

	if (stream) {
		KASSERT(((uintptr_t)d | (uintptr_t)s | len) % 16 == 0);
		for (size_t o = 0; o < len; o += PMAP_LINE) {
			if (o == hotline) {
				if (s == NULL)
					memset(d + o, 0, PMAP_LINE);
				else
					memcpy(d + o, s + o, PMAP_LINE);
				continue;
			}
			if (s == NULL) {
				a = b = c = e = z;
			} else {
				a = _mm_load_si128(
				    (const __m128i *)(const void *)(s + o));
				b = _mm_load_si128((
				    const __m128i *)(const void *)(s + o + 16));
				c = _mm_load_si128((
				    const __m128i *)(const void *)(s + o + 32));
				e = _mm_load_si128((
				    const __m128i *)(const void *)(s + o + 48));
			}
			_mm_stream_si128((__m128i *)(void *)(d + o), a);
			_mm_stream_si128((__m128i *)(void *)(d + o + 16), b);
			_mm_stream_si128((__m128i *)(void *)(d + o + 32), c);
			_mm_stream_si128((__m128i *)(void *)(d + o + 48), e);
		}
		return;
	}
#endif
	(void)stream;
	(void)hot;
	if (s == NULL)
		memset(d, 0, len);
	else
		memcpy(d, s, len);
}

/* Order the streaming stores before what follows (see above). */
static inline void
pmap_fill_fence(bool stream)
{
#ifdef PMAP_STREAM_STORES
	if (stream)
		_mm_sfence();
#endif
	(void)stream;
}

static void
pmap_fill(struct uvm *uvm, uint8_t *d, const uint8_t *s, vsize_t hot)
{
	bool stream = uvm->u_pmap->ps_stream;

	pmap_fill_nofence(stream, d, s, UVM_PAGE_SIZE(uvm), hot);
	pmap_fill_fence(stream);
}

/*
 * pmap_zero_pages: zero n frames, with one fence for all: the stores of
 * consecutive frames overlap instead of each frame's waiting for the last.
 */
void
pmap_zero_pages(struct uvm *uvm, const paddr_t *pa, int n)
{
	bool stream = uvm->u_pmap->ps_stream;

	for (int i = 0; i < n; i++)
		pmap_fill_nofence(stream,
		    pmap_frame_host(uvm, pa[i], "pmap_zero_pages"), NULL,
		    UVM_PAGE_SIZE(uvm), PMAP_HOT_NONE);
	pmap_fill_fence(stream);
}

/*
 * pmap_zero_page_hot: fill the frame at pa with zeros, leaving the line
 * at byte offset hot cached (PMAP_HOT_NONE: no line).
 */
void
pmap_zero_page_hot(struct uvm *uvm, paddr_t pa, vsize_t hot)
{
	pmap_fill(uvm, pmap_frame_host(uvm, pa, "pmap_zero_page"), NULL, hot);
}

void
pmap_zero_page(struct uvm *uvm, paddr_t pa)
{
	pmap_zero_page_hot(uvm, pa, PMAP_HOT_NONE);
}

/*
 * pmap_copy_page_hot: copy the frame at src to the frame at dst, leaving
 * dst's line at byte offset hot cached (PMAP_HOT_NONE: no line).
 */
void
pmap_copy_page_hot(struct uvm *uvm, paddr_t src, paddr_t dst, vsize_t hot)
{
	uint8_t *s, *d;

	KASSERTMSG(
	    src != dst, "pmap_copy_page: %#jx onto itself", (uintmax_t)src);
	s = pmap_frame_host(uvm, src, "pmap_copy_page");
	d = pmap_frame_host(uvm, dst, "pmap_copy_page");
	pmap_fill(uvm, d, s, hot);
}

void
pmap_copy_page(struct uvm *uvm, paddr_t src, paddr_t dst)
{
	pmap_copy_page_hot(uvm, src, dst, PMAP_HOT_NONE);
}

int64_t
pmap_resident_count(const struct pmap *pm)
{
	return __atomic_load_n(&pm->pm_resident, __ATOMIC_RELAXED);
}

int64_t
pmap_wired_count(const struct pmap *pm)
{
	return __atomic_load_n(&pm->pm_wired, __ATOMIC_RELAXED);
}

/*
 * pmap_sanity: check one pmap (header fields here, tables in the back end).
 */
void
pmap_sanity(struct pmap *pm)
{
	KASSERT(pm->pm_uvm != NULL && pm->pm_ops == pm->pm_uvm->u_pmap->ps_ops);
	KASSERT(__atomic_load_n(&pm->pm_refcnt, __ATOMIC_RELAXED) > 0);
	KASSERT(__atomic_load_n(&pm->pm_nactive, __ATOMIC_RELAXED) >= 0);
	KASSERT(pm->pm_tlb.tlb_shift == pm->pm_uvm->u_pageshift);
	KASSERT(pm->pm_kernel == (pm == pm->pm_uvm->u_kernel_pmap));
	pm->pm_ops->po_sanity(pm);
}

/*
 * pmap_sanity_page: check the pv list of one page.
 */
void
pmap_sanity_page(struct vm_page *pg)
{
	struct uvm *uvm = uvm_page_machine(pg);

	uvm->u_pmap->ps_ops->po_sanity_page(uvm, pg);
}

/*
 * pmap_sanity_all: every pmap of the machine, then every page's pv list.
 * Together they prove that mappings and pv entries match one to one.
 * => takes ps_lock, then each pmap's lock (inside pmap_sanity()).
 */
void
pmap_sanity_all(struct uvm *uvm)
{
	struct uvm_pmap_state *ps = uvm->u_pmap;
	const struct pmap_ops *ops;
	struct vm_page *pg;
	struct pmap *pm;
	uvm_physseg_t seg;
	uint64_t i, n;
	unsigned cnt;

	if (ps == NULL)
		return;
	ops = ps->ps_ops;
	cnt = 0;
	mutex_enter(&ps->ps_lock);
	LIST_FOREACH (pm, &ps->ps_pmaps, pm_list) {
		pmap_sanity(pm);
		cnt++;
	}
	KASSERTMSG(cnt == ps->ps_npmaps, "pmap list: %u pmaps, count %u", cnt,
	    ps->ps_npmaps);
	KASSERT(uvm->u_kernel_pmap != NULL);
	mutex_exit(&ps->ps_lock);

	for (seg = uvm_physseg_get_first(uvm); uvm_physseg_valid_p(uvm, seg);
	     seg = uvm_physseg_get_next(uvm, seg)) {
		n = uvm_physseg_get_end(uvm, seg) -
		    uvm_physseg_get_start(uvm, seg);
		for (i = 0; i < n; i++) {
			pg = uvm_physseg_get_pg(uvm, seg, i);
			if (pg->pv_head != NULL)
				ops->po_sanity_page(uvm, pg);
		}
	}
}

/*
 * pmap_printit: describe a pmap and its mappings.
 */
void
pmap_printit(struct pmap *pm, FILE *fp)
{
	fprintf(fp,
	    "pmap %p (%s%s): refs %u, active %d, resident %jd, wired %jd, "
	    "tlb misses %ju\n",
	    (void *)pm, pm->pm_ops->po_name, pm->pm_kernel ? ", kernel" : "",
	    __atomic_load_n(&pm->pm_refcnt, __ATOMIC_RELAXED),
	    __atomic_load_n(&pm->pm_nactive, __ATOMIC_RELAXED),
	    (intmax_t)pmap_resident_count(pm), (intmax_t)pmap_wired_count(pm),
	    (uintmax_t)pm->pm_tlb.tlb_misses);
	pm->pm_ops->po_printit(pm, fp);
}
