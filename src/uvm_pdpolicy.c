/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_pdpolicy.c: the replacement-policy switch and the page-queue lock.
 *
 * NetBSD chooses its policy when the kernel is compiled; a libuvm machine
 * chooses it at uvm_create() from u_cfg.uc_policy.  This file owns the
 * machine's policy state (struct uvm_pdpol_state behind uvm->u_pdpol): the
 * page-queue lock and the chosen operations vector with its private state.
 * Every uvmpdpol_* entry point takes the page-queue lock, calls the policy
 * and drops the lock, so the policies themselves never lock anything and
 * assert that the lock is held instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_pdpolicy.h"
#include "pmap/pmap.h"

/*
 * The machine's policy state.
 *	[c] constant after uvmpdpol_init()
 *	[q] pd_lock, the page-queue lock
 */
struct uvm_pdpol_state {
	struct kmutex pd_lock;                 /* the page-queue lock */
	const struct uvm_pdpolicy_ops *pd_ops; /* [c] the policy */
	void *pd_priv;                         /* [q] its private state */
};

static const struct uvm_pdpolicy_ops *const uvmpdpol_all[] = {
    &uvmpdpol_clock_ops,
    &uvmpdpol_clockpro_ops,
};

/*
 * uvmpdpol_init: choose the policy named by the configuration and set it up.
 * => called once by uvm_create(), after the page layer is up
 * => returns 0, EINVAL for an unknown policy, ENOMEM
 */
int
uvmpdpol_init(struct uvm *uvm)
{
	const struct uvm_pdpolicy_ops *ops = NULL;
	struct uvm_pdpol_state *pd;
	const char *name = uvm->u_cfg.uc_policy;
	size_t i;
	int error;

	KASSERT(uvm->u_pdpol == NULL);
	if (name == NULL)
		name = "clock";
	for (i = 0; i < __arraycount(uvmpdpol_all); i++) {
		if (strcmp(uvmpdpol_all[i]->pdo_name, name) == 0)
			ops = uvmpdpol_all[i];
	}
	if (ops == NULL) {
		uvm_set_error("pdpolicy: unknown policy \"%s\"", name);
		return EINVAL;
	}
	pd = calloc(1, sizeof(*pd));
	if (pd == NULL)
		return ENOMEM;
	mutex_init(&pd->pd_lock, LC_PAGEQ, "pageq");
	pd->pd_ops = ops;
	error = ops->pdo_init(uvm, &pd->pd_priv);
	if (error != 0) {
		mutex_destroy(&pd->pd_lock);
		free(pd);
		return error;
	}
	uvm->u_pdpol = pd;
	return 0;
}

/*
 * uvmpdpol_fini: tear the policy down.
 * => every page has been dequeued (its owner freed it)
 */
void
uvmpdpol_fini(struct uvm *uvm)
{
	struct uvm_pdpol_state *pd = uvm->u_pdpol;

	if (pd == NULL)
		return;
	pd->pd_ops->pdo_fini(uvm, pd->pd_priv);
	mutex_destroy(&pd->pd_lock);
	free(pd);
	uvm->u_pdpol = NULL;
}

const char *
uvmpdpol_name(struct uvm *uvm)
{
	return uvm->u_pdpol->pd_ops->pdo_name;
}

/*
 * Wrappers: take the page-queue lock around one operation.
 */
#define PDPOL_CALL(uvm, op, ...)                              \
	do {                                                  \
		struct uvm_pdpol_state *_pd = (uvm)->u_pdpol; \
		mutex_enter(&_pd->pd_lock);                   \
		_pd->pd_ops->op(_pd->pd_priv, ##__VA_ARGS__); \
		mutex_exit(&_pd->pd_lock);                    \
	} while (0)

void
uvmpdpol_reinit(struct uvm *uvm)
{
	PDPOL_CALL(uvm, pdo_reinit, (uint64_t)uvm_cnt_get(uvm, npages));
}

void
uvmpdpol_pageenqueue(struct uvm *uvm, struct vm_page *pg)
{
	KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
	KASSERT(pg->wire_count == 0);
	PDPOL_CALL(uvm, pdo_pageenqueue, pg);
}

void
uvmpdpol_pageactivate(struct uvm *uvm, struct vm_page *pg)
{
	KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
	KASSERT(pg->wire_count == 0);
	PDPOL_CALL(uvm, pdo_pageactivate, pg);
}

void
uvmpdpol_pagedeactivate(struct uvm *uvm, struct vm_page *pg)
{
	KASSERT((pg->flags & (PG_FREE | PG_MARKER)) == 0);
	KASSERT(pg->wire_count == 0);
	PDPOL_CALL(uvm, pdo_pagedeactivate, pg);
}

void
uvmpdpol_pagedequeue(struct uvm *uvm, struct vm_page *pg)
{
	KASSERT((pg->flags & PG_MARKER) == 0);
	PDPOL_CALL(uvm, pdo_pagedequeue, pg);
}

bool
uvmpdpol_pageisqueued_p(struct uvm *uvm, struct vm_page *pg)
{
	struct uvm_pdpol_state *pd = uvm->u_pdpol;
	bool queued;

	mutex_enter(&pd->pd_lock);
	queued = pd->pd_ops->pdo_pageisqueued_p(pd->pd_priv, pg);
	mutex_exit(&pd->pd_lock);
	return queued;
}

void
uvmpdpol_anfree(struct uvm *uvm, struct vm_anon *anon)
{
	PDPOL_CALL(uvm, pdo_anfree, anon);
}

void
uvmpdpol_estimatepageable(struct uvm *uvm, uint64_t *active, uint64_t *inactive)
{
	uint64_t a, i;

	PDPOL_CALL(uvm, pdo_estimatepageable, &a, &i);
	if (active != NULL)
		*active = a;
	if (inactive != NULL)
		*inactive = i;
}

void
uvmpdpol_tune(struct uvm *uvm, uint64_t freetarg)
{
	PDPOL_CALL(uvm, pdo_tune, freetarg);
}

void
uvmpdpol_scaninit(struct uvm *uvm)
{
	PDPOL_CALL(uvm, pdo_scaninit);
}

/*
 * uvmpdpol_selectvictim: the next page to reclaim, or NULL when the scan
 * found nothing more.
 * => no page-queue lock held on entry or exit
 * => the victim is claimed (claim->pc_claim succeeded on it) if claim != NULL
 */
struct vm_page *
uvmpdpol_selectvictim(struct uvm *uvm, const struct uvmpdpol_claim *claim)
{
	struct uvm_pdpol_state *pd = uvm->u_pdpol;
	struct vm_page *pg;

	KASSERT(claim == NULL ||
	    (claim->pc_claim != NULL && claim->pc_release != NULL));
	mutex_enter(&pd->pd_lock);
	pg = pd->pd_ops->pdo_selectvictim(pd->pd_priv, claim);
	mutex_exit(&pd->pd_lock);
	return pg;
}

void
uvmpdpol_balancequeue(
    struct uvm *uvm, int64_t swap_shortage, const struct uvmpdpol_claim *claim)
{
	KASSERT(claim == NULL ||
	    (claim->pc_claim != NULL && claim->pc_release != NULL));
	PDPOL_CALL(uvm, pdo_balancequeue, swap_shortage, claim);
}

bool
uvmpdpol_needsscan_p(struct uvm *uvm)
{
	struct uvm_pdpol_state *pd = uvm->u_pdpol;
	bool needs;

	mutex_enter(&pd->pd_lock);
	needs = pd->pd_ops->pdo_needsscan_p(pd->pd_priv);
	mutex_exit(&pd->pd_lock);
	return needs;
}

void
uvmpdpol_idle(struct uvm *uvm)
{
	PDPOL_CALL(uvm, pdo_idle);
}

unsigned
uvmpdpol_stats(struct uvm *uvm, struct uvmpdpol_stat *st, unsigned max)
{
	struct uvm_pdpol_state *pd = uvm->u_pdpol;
	unsigned n;

	mutex_enter(&pd->pd_lock);
	n = pd->pd_ops->pdo_stats(pd->pd_priv, st, max);
	mutex_exit(&pd->pd_lock);
	return n;
}

/*
 * uvmpdpol_stats_print: the policy's statistics, one per line, in the
 * vmstat -s layout.
 */
void
uvmpdpol_stats_print(struct uvm *uvm, FILE *fp)
{
	struct uvmpdpol_stat st[UVMPDPOL_MAXSTATS];
	unsigned i, n;

	n = uvmpdpol_stats(uvm, st, UVMPDPOL_MAXSTATS);
	fprintf(fp, "policy %s:\n", uvmpdpol_name(uvm));
	for (i = 0; i < n; i++)
		fprintf(
		    fp, "%9lld %s\n", (long long)st[i].ps_value, st[i].ps_name);
}

void
uvmpdpol_printit(struct uvm *uvm, FILE *fp)
{
	PDPOL_CALL(uvm, pdo_printit, fp);
}

/*
 * uvmpdpol_sanity: check every invariant of the policy's queues.
 * => panics on the first violation
 */
void
uvmpdpol_sanity(struct uvm *uvm)
{
	if (uvm->u_pdpol == NULL)
		return;
	PDPOL_CALL(uvm, pdo_sanity);
}

/*
 * uvmpdpol_testclear_ref: was pg referenced since we last looked?  Both the
 * hardware bit (kept by the pmap) and the policy's soft bit (PQ_REFERENCED,
 * set by uvmpdpol_pageactivate() in policies that do not move pages on a
 * reference) count; both are cleared.
 * => page-queue lock held (pmap locks come after it)
 */
bool
uvmpdpol_testclear_ref(struct vm_page *pg)
{
	bool ref = (pg->pqflags & PQ_REFERENCED) != 0;

	pg->pqflags &= (uint16_t)~PQ_REFERENCED;
	if (pmap_clear_reference(pg))
		ref = true;
	return ref;
}
