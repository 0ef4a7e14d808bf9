/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * engine_uvm.c: the uvm engine: every job is a whole libuvm machine that
 * replays the event trace.
 *
 * A job copies the machine configuration, sets the memory (sj_frames
 * pages of sj_pagesize bytes), the replacement policy (clock or
 * clockpro), the inline page daemon (unless the user chose the thread)
 * and the seed, adds a temporary swap file when the user gave no swap
 * device, and creates the machine.  Then each event of the trace, in
 * order:
 *
 *	R W X	 uvm_access() of the process's address space
 *	mmap ...  the process's system call (vmproc.h: uvm_sys_*)
 *	fork	 uvm_proc_fork(): a child with a copy of the address space
 *	exec	 uvm_proc_exec(); exit: uvm_proc_exit()
 *
 * An address space named for the first time is created empty (F11's
 * processes need no creation event; the F1-F10 readers use address space
 * 1).  Address spaces that never saw an mmap are "implicit": an access
 * there maps private anonymous memory on first touch (an aligned chunk of
 * UE_CHUNK pages around it, merged by the map layer), as the trace
 * specification asks for the lowered formats.  Explicit address spaces get
 * what their mmaps give them: an access outside is a segmentation fault,
 * reported like any failed call.
 *
 * Errors.  A call that fails is reported against its event number (the
 * first UE_MAXNOTES in sr_notes; all of them with --trace) and the replay
 * goes on, as a process would after a failed system call.
 *
 * Counters.  Everything comes from the machine: sr_uvmexp is its uvmexp
 * at the end of the trace; sr_faults counts the page faults taken by the
 * accesses (uvmexp.faults minus the faults of other calls, such as mlock
 * wiring), sr_hits the page references that took none, sr_cold the
 * zero-fill faults, sr_evictions the pages the page daemon freed and
 * sr_writebacks the pages it wrote to swap.  The per-access trace and the
 * time series take a uvmexp snapshot after every access and report the
 * deltas, which costs a little; without them the hot loop is
 * uvm_access() and nothing else.
 *
 * How this CLOCK relates to the flat engine's.  Flat CLOCK frees one
 * frame per fault, the moment it needs one, among exactly k frames.  The
 * machine's page daemon wakes when free memory drops below freemin and
 * frees pages in a batch up to freetarg, its CLOCK works on active and
 * inactive queues, and reserves and targets keep some of the k pages
 * free.  So the counts differ under pressure; what holds is:
 *	- every miss of any demand-paging system with k frames is at least
 *	  Belady's count, so uvm faults >= flat OPT faults at the same k;
 *	- when all pages fit (working set + freetarg + reserves <= k),
 *	  nothing is evicted and faults == distinct pages == flat faults.
 * tests/unit/t_sim_uvm.c checks both.
 *
 * File mappings.  libuvm has no file pager yet, so an mmap of a file is
 * replayed as anonymous memory of the same shape (counted in
 * sr_fileanon and said in the summary).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "uvm.h"

#include "engine.h"
#include "util.h"
#include "vmproc.h"

#define UE_CHUNK    16 /* pages mapped at a time in implicit spaces */
#define UE_MAXNOTES 10 /* failed events described in sr_notes */
#define UE_PROGRESS 4096

static const char *const uvm_policies[] = {"clock", "clockpro", NULL};

/* A set of uint64_t keys (open addressing, linear probing). */
struct ue_set {
	uint64_t *us_key; /* key + 1; 0: empty */
	size_t us_n, us_cap;
};

/* One F11 address space. */
struct ue_as {
	uint32_t ua_id;
	bool ua_explicit;      /* an mmap named it: no mapping on first touch */
	uint64_t ua_lastchunk; /* implicit: chunk known mapped, + 1 */
	struct ue_set ua_chunks; /* implicit: chunks mapped */
	struct vmproc *ua_proc;
};

struct ueng {
	const struct sim_job *ue_job;
	struct sim_result *ue_res;
	struct uvm *ue_uvm;
	uint64_t ue_ps;
	/* address spaces: open addressing on the id */
	struct ue_as **ue_tab;
	size_t ue_tabn, ue_tabcap;
	struct ue_as *ue_last; /* the last one used */
	/* counters */
	uint64_t ue_otherfaults; /* faults taken outside accesses */
	struct uvmexp ue_exp0;   /* at the start */
	struct uvmexp ue_snap;   /* last snapshot (slow mode) */
	struct uvmexp ue_prev;   /* the one before it */
	bool ue_slow;            /* snapshot after every access */
	/* notes, maps */
	FILE *ue_notes;
	size_t ue_noteslen;
	FILE *ue_maps;
	size_t ue_mapslen;
	size_t ue_ascap;
	/* time series */
	struct sim_tsrow ue_acc;
	size_t ue_tscap;
	uint32_t *ue_tsmark;
	uint64_t ue_tsint;
	size_t ue_ri; /* reference index into sj_refs (lock step) */
};

/*
 *   S E T S
 */

static void
ue_set_grow(struct ue_set *s)
{
	struct ue_set n;

	n.us_cap = s->us_cap != 0 ? 2 * s->us_cap : 64;
	n.us_key = sim_calloc(n.us_cap, sizeof(uint64_t));
	n.us_n = 0;
	for (size_t i = 0; i < s->us_cap; i++) {
		if (s->us_key[i] != 0) {
			size_t h =
			    (size_t)((s->us_key[i] * 0x9e3779b97f4a7c15ull) >>
				20) &
			    (n.us_cap - 1);

			while (n.us_key[h] != 0)
				h = (h + 1) & (n.us_cap - 1);
			n.us_key[h] = s->us_key[i];
			n.us_n++;
		}
	}
	free(s->us_key);
	*s = n;
}

/* Insert key; true if it was new. */
static bool
ue_set_add(struct ue_set *s, uint64_t key)
{
	size_t h;

	if (2 * (s->us_n + 1) > s->us_cap)
		ue_set_grow(s);
	h = (size_t)(((key + 1) * 0x9e3779b97f4a7c15ull) >> 20) &
	    (s->us_cap - 1);
	while (s->us_key[h] != 0) {
		if (s->us_key[h] == key + 1)
			return false;
		h = (h + 1) & (s->us_cap - 1);
	}
	s->us_key[h] = key + 1;
	s->us_n++;
	return true;
}

static bool
ue_set_has_p(const struct ue_set *s, uint64_t key)
{
	size_t h;

	if (s->us_cap == 0)
		return false;
	h = (size_t)(((key + 1) * 0x9e3779b97f4a7c15ull) >> 20) &
	    (s->us_cap - 1);
	while (s->us_key[h] != 0) {
		if (s->us_key[h] == key + 1)
			return true;
		h = (h + 1) & (s->us_cap - 1);
	}
	return false;
}

/*
 *   A D D R E S S   S P A C E S
 */

static size_t
ue_hash(const struct ueng *ue, uint32_t id)
{
	return (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 17) &
	    (ue->ue_tabcap - 1);
}

static struct ue_as *
ue_find(struct ueng *ue, uint32_t id)
{
	size_t h;

	if (ue->ue_last != NULL && ue->ue_last->ua_id == id)
		return ue->ue_last;
	if (ue->ue_tabcap == 0)
		return NULL;
	for (h = ue_hash(ue, id); ue->ue_tab[h] != NULL;
	     h = (h + 1) & (ue->ue_tabcap - 1)) {
		if (ue->ue_tab[h]->ua_id == id)
			return ue->ue_last = ue->ue_tab[h];
	}
	return NULL;
}

static void
ue_insert(struct ueng *ue, struct ue_as *as)
{
	size_t h;

	if (2 * (ue->ue_tabn + 1) > ue->ue_tabcap) {
		struct ue_as **old = ue->ue_tab;
		size_t oldcap = ue->ue_tabcap;

		ue->ue_tabcap = oldcap != 0 ? 2 * oldcap : 16;
		ue->ue_tab = sim_calloc(ue->ue_tabcap, sizeof(*ue->ue_tab));
		for (size_t i = 0; i < oldcap; i++) {
			if (old[i] == NULL)
				continue;
			for (h = ue_hash(ue, old[i]->ua_id);
			     ue->ue_tab[h] != NULL;
			     h = (h + 1) & (ue->ue_tabcap - 1))
				;
			ue->ue_tab[h] = old[i];
		}
		free(old);
	}
	for (h = ue_hash(ue, as->ua_id); ue->ue_tab[h] != NULL;
	     h = (h + 1) & (ue->ue_tabcap - 1))
		;
	ue->ue_tab[h] = as;
	ue->ue_tabn++;
}

/* Remove as from the table (backward-shift deletion) and free it. */
static void
ue_remove(struct ueng *ue, struct ue_as *as)
{
	size_t mask = ue->ue_tabcap - 1, i, j;

	for (i = ue_hash(ue, as->ua_id); ue->ue_tab[i] != as;
	     i = (i + 1) & mask)
		;
	ue->ue_tab[i] = NULL;
	for (j = (i + 1) & mask; ue->ue_tab[j] != NULL; j = (j + 1) & mask) {
		size_t k = ue_hash(ue, ue->ue_tab[j]->ua_id);

		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		ue->ue_tab[i] = ue->ue_tab[j];
		ue->ue_tab[j] = NULL;
		i = j;
	}
	ue->ue_tabn--;
	if (ue->ue_last == as)
		ue->ue_last = NULL;
	free(as->ua_chunks.us_key);
	free(as);
}

static struct ue_as *
ue_new(struct ueng *ue, uint32_t id, struct vmproc *p)
{
	struct ue_as *as = sim_calloc(1, sizeof(*as));

	as->ua_id = id;
	as->ua_proc = p;
	ue_insert(ue, as);
	return as;
}

/* The address space id, created empty if new. */
static int
ue_get(struct ueng *ue, uint32_t id, struct ue_as **asp)
{
	struct vmproc *p;
	int error;

	if ((*asp = ue_find(ue, id)) != NULL)
		return 0;
	if ((error = vmproc_create(ue->ue_uvm, &p)) != 0)
		return error;
	*asp = ue_new(ue, id, p);
	return 0;
}

/*
 *   R E P O R T S
 */

static const char *
ue_errname(int error)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {{EINVAL, "EINVAL"}, {ENOMEM, "ENOMEM"}, {EFAULT, "EFAULT"},
	    {EACCES, "EACCES"}, {EEXIST, "EEXIST"}, {ESRCH, "ESRCH"},
	    {EIO, "EIO"}, {EBUSY, "EBUSY"}, {EAGAIN, "EAGAIN"},
	    {EPERM, "EPERM"}, {ENOSPC, "ENOSPC"}, {ENODEV, "ENODEV"}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == error)
			return names[i].n;
	return "error";
}

static void
ue_event_text(FILE *f, const struct trace_event *ev)
{
	fprintf(f, "%s as %" PRIu32, trace_op_name(ev->ev_op), ev->ev_as);
	switch (ev->ev_op) {
	case TOP_FORK:
		fprintf(f, " -> as %" PRIu32, ev->ev_as2);
		break;
	case TOP_EXEC_AS:
	case TOP_EXIT:
		break;
	default:
		fprintf(
		    f, " 0x%" PRIx64 "+0x%" PRIx64, ev->ev_addr, ev->ev_len);
		break;
	}
}

/* A call failed: count it, describe the first few. */
static void
ue_fail(struct ueng *ue, uint64_t evno, const struct trace_event *ev, int error)
{
	struct sim_result *res = ue->ue_res;

	if (res->sr_errors++ < UE_MAXNOTES) {
		fprintf(ue->ue_notes, "event %" PRIu64 " (", evno);
		ue_event_text(ue->ue_notes, ev);
		fprintf(ue->ue_notes, "): %s (%s)\n", ue_errname(error),
		    strerror(error));
	}
}

/*
 * ue_retire: an address space ends (exit, exec, end of the trace): record
 * its census and dump its maps if asked.
 */
static void
ue_retire(struct ueng *ue, struct ue_as *as, uint64_t evno, const char *why)
{
	const struct sim_job *job = ue->ue_job;
	struct sim_result *res = ue->ue_res;
	struct sim_asinfo ai;

	if (job->sj_maps == 0)
		return;
	memset(&ai, 0, sizeof(ai));
	ai.ai_as = as->ua_id;
	ai.ai_event = evno;
	(void)vmproc_census(
	    as->ua_proc, &ai.ai_entries, &ai.ai_virtual, &ai.ai_resident);
	if (res->sr_nas == ue->ue_ascap) {
		ue->ue_ascap = ue->ue_ascap != 0 ? 2 * ue->ue_ascap : 16;
		res->sr_as = sim_reallocarray(
		    res->sr_as, ue->ue_ascap, sizeof(*res->sr_as));
	}
	res->sr_as[res->sr_nas++] = ai;
	if ((job->sj_maps & (SIM_MAPS_PROCMAPS | SIM_MAPS_PMAP)) == 0)
		return;
	if (evno != 0)
		fprintf(ue->ue_maps,
		    "== as %" PRIu32 " at event %" PRIu64 " (%s): ", as->ua_id,
		    evno, why);
	else
		fprintf(ue->ue_maps,
		    "== as %" PRIu32 " at the end of the "
		    "trace: ",
		    as->ua_id);
	fprintf(ue->ue_maps,
	    "%" PRIu64 " entries, %" PRIu64 " pages mapped, %" PRIu64
	    " resident\n",
	    ai.ai_entries, ai.ai_virtual, ai.ai_resident);
	vmproc_print_maps(as->ua_proc, job->sj_maps, ue->ue_maps);
}

/*
 *   T I M E   S E R I E S
 */

static void
ue_ts_row(struct ueng *ue, uint64_t end)
{
	struct sim_result *res = ue->ue_res;
	struct sim_tsrow *acc = &ue->ue_acc;

	if (res->sr_nts == ue->ue_tscap) {
		ue->ue_tscap = ue->ue_tscap != 0 ? 2 * ue->ue_tscap : 128;
		res->sr_ts = sim_reallocarray(
		    res->sr_ts, ue->ue_tscap, sizeof(*res->sr_ts));
	}
	acc->ts_end = end;
	acc->ts_hits = acc->ts_refs -
	    (acc->ts_faults < acc->ts_refs ? acc->ts_faults : acc->ts_refs);
	acc->ts_resident =
	    (uint64_t)(ue->ue_snap.active + ue->ue_snap.inactive);
	res->sr_ts[res->sr_nts++] = *acc;
	memset(acc, 0, sizeof(*acc));
	ue->ue_tsint++;
}

/* The working set of the interval: the access's pages from sj_refs. */
static void
ue_ts_wss(struct ueng *ue, uint64_t npages)
{
	const struct refstr *rs = ue->ue_job->sj_refs;

	for (uint64_t i = 0; i < npages; i++, ue->ue_ri++) {
		uint32_t id;

		if (rs == NULL || ue->ue_ri >= rs->rs_n)
			continue;
		id = rs->rs_ref[ue->ue_ri] & RS_IDMASK;
		if (ue->ue_tsmark[id] != ue->ue_tsint + 1) {
			ue->ue_tsmark[id] = (uint32_t)(ue->ue_tsint + 1);
			ue->ue_acc.ts_wss++;
		}
	}
}

/*
 *   E V E N T S
 */

/* Map the implicit space's chunks under [addr, addr + len) not yet mapped. */
static int
ue_automap(struct ueng *ue, struct ue_as *as, uint64_t addr, uint64_t len)
{
	uint64_t csize = UE_CHUNK * ue->ue_ps;
	uint64_t first = addr / csize, last = (addr + len - 1) / csize;
	int error;

	for (uint64_t c = first;; c++) {
		if (!ue_set_has_p(&as->ua_chunks, c)) {
			uint64_t va = c * csize;

			error = vmproc_mmap(as->ua_proc, &va, csize,
			    TPROT_READ | TPROT_WRITE | TPROT_EXEC,
			    TMAP_PRIVATE | TMAP_ANON | TMAP_FIXED |
				VMPROC_NOREPLACE);
			if (error != 0)
				return error;
			(void)ue_set_add(&as->ua_chunks, c);
			ue->ue_res->sr_automaps++;
		}
		if (c == last)
			break;
	}
	as->ua_lastchunk = last + 1;
	return 0;
}

static void
ue_trace_access(struct ueng *ue, uint64_t evno, const struct trace_event *ev,
    const struct uvmexp *b, const struct uvmexp *a, uint64_t npages, int error)
{
	FILE *tf = ue->ue_job->sj_trace;
	int64_t faults = a->faults - b->faults;

	fprintf(tf, "ev=%" PRIu64 " op=%c page=%" PRIu32 ":0x%" PRIx64, evno,
	    ev->ev_op == TOP_READ        ? 'R'
		: ev->ev_op == TOP_WRITE ? 'W'
					 : 'X',
	    ev->ev_as, ev->ev_addr / ue->ue_ps);
	if (npages > 1)
		fprintf(tf, " pages=%" PRIu64, npages);
	fputs(faults != 0 ? " miss" : " hit", tf);
	if (faults > 1)
		fprintf(tf, " faults=%" PRId64, faults);
	if (a->flt_przero != b->flt_przero)
		fputs(" zero-fill", tf);
	if (a->flt_acow != b->flt_acow)
		fputs(" cow", tf);
	if (a->pgswapin != b->pgswapin)
		fprintf(tf, " swapin=%" PRId64, a->pgswapin - b->pgswapin);
	if (a->pdfreed != b->pdfreed)
		fprintf(tf, " daemon-freed=%" PRId64, a->pdfreed - b->pdfreed);
	if (a->pgswapout != b->pgswapout)
		fprintf(tf, " swapout=%" PRId64, a->pgswapout - b->pgswapout);
	if (error != 0)
		fprintf(tf, " error=%s", ue_errname(error));
	fprintf(tf, " free=%" PRId64 "\n", a->free);
}

static void
ue_access(struct ueng *ue, uint64_t evno, const struct trace_event *ev)
{
	struct sim_result *res = ue->ue_res;
	uint64_t len = ev->ev_len != 0 ? ev->ev_len : 1;
	uint64_t first = ev->ev_addr / ue->ue_ps;
	uint64_t npages = (ev->ev_addr + len - 1) / ue->ue_ps - first + 1;
	vm_prot_t prot = ev->ev_op == TOP_READ ? VM_PROT_READ
	    : ev->ev_op == TOP_WRITE           ? VM_PROT_WRITE
					       : VM_PROT_EXECUTE;
	struct ue_as *as;
	int error;

	if (ev->ev_op == TOP_WRITE)
		res->sr_writes += npages;
	else
		res->sr_reads += npages;
	res->sr_refs += npages;
	if ((error = ue_get(ue, ev->ev_as, &as)) != 0)
		goto out;
	if (ev->ev_addr + len - 1 < ev->ev_addr) {
		error = EFAULT;
		goto out;
	}
	if (!as->ua_explicit) {
		uint64_t c0 = first / UE_CHUNK;
		uint64_t c1 = (ev->ev_addr + len - 1) / (UE_CHUNK * ue->ue_ps);

		if ((c0 != c1 || as->ua_lastchunk != c1 + 1) &&
		    (error = ue_automap(ue, as, ev->ev_addr, len)) != 0)
			goto out;
	}
	error = uvm_access(
	    vmproc_vmspace(as->ua_proc), ev->ev_addr, (size_t)len, prot);
out:
	if (error != 0)
		ue_fail(ue, evno, ev, error);
	if (!ue->ue_slow)
		return;
	ue->ue_prev = ue->ue_snap;
	uvm_stats(ue->ue_uvm, &ue->ue_snap);
	if (ue->ue_job->sj_trace != NULL)
		ue_trace_access(
		    ue, evno, ev, &ue->ue_prev, &ue->ue_snap, npages, error);
	if (ue->ue_job->sj_interval != 0) {
		ue->ue_acc.ts_refs += npages;
		ue->ue_acc.ts_faults +=
		    (uint64_t)(ue->ue_snap.faults - ue->ue_prev.faults);
		ue->ue_acc.ts_writebacks +=
		    (uint64_t)(ue->ue_snap.pgswapout - ue->ue_prev.pgswapout);
		ue_ts_wss(ue, npages);
		if (ue->ue_acc.ts_refs >= ue->ue_job->sj_interval)
			ue_ts_row(ue, res->sr_refs);
	}
}

/* fork: the child's id must be free. */
static int
ue_fork(struct ueng *ue, const struct trace_event *ev)
{
	struct ue_as *parent, *child;
	struct vmproc *p;
	int error;

	if (ue_find(ue, ev->ev_as2) != NULL || ev->ev_as2 == ev->ev_as)
		return EEXIST;
	if ((error = ue_get(ue, ev->ev_as, &parent)) != 0)
		return error;
	if ((error = vmproc_fork(parent->ua_proc, &p)) != 0)
		return error;
	child = ue_new(ue, ev->ev_as2, p);
	child->ua_explicit = parent->ua_explicit;
	for (size_t i = 0; i < parent->ua_chunks.us_cap; i++)
		if (parent->ua_chunks.us_key[i] != 0)
			(void)ue_set_add(
			    &child->ua_chunks, parent->ua_chunks.us_key[i] - 1);
	return 0;
}

static int
ue_mmap(struct ueng *ue, struct ue_as *as, const struct trace_event *ev,
    uint64_t *addrp)
{
	unsigned flags = ev->ev_flags;

	*addrp = ev->ev_addr;
	if (ev->ev_file != 0) {
		/* No file pager yet: anonymous memory of the same shape. */
		ue->ue_res->sr_fileanon++;
		flags |= TMAP_ANON;
	}
	as->ua_explicit = true;
	return vmproc_mmap(as->ua_proc, addrp, ev->ev_len, ev->ev_prot, flags);
}

static void
ue_control(struct ueng *ue, uint64_t evno, const struct trace_event *ev)
{
	FILE *tf = ue->ue_job->sj_trace;
	struct uvmexp b, a;
	struct ue_as *as = NULL;
	uint64_t addr = 0;
	int error;

	uvm_stats(ue->ue_uvm, &b);
	if (ev->ev_op == TOP_FORK) {
		error = ue_fork(ue, ev);
		goto done;
	}
	if (ev->ev_op == TOP_EXIT) {
		if ((as = ue_find(ue, ev->ev_as)) == NULL) {
			error = ESRCH;
			goto done;
		}
		ue_retire(ue, as, evno, "exit");
		vmproc_exit(as->ua_proc);
		ue_remove(ue, as);
		error = 0;
		goto done;
	}
	if ((error = ue_get(ue, ev->ev_as, &as)) != 0)
		goto done;
	switch (ev->ev_op) {
	case TOP_MMAP:
		error = ue_mmap(ue, as, ev, &addr);
		break;
	case TOP_MUNMAP:
		as->ua_explicit = true;
		error = vmproc_munmap(as->ua_proc, ev->ev_addr, ev->ev_len);
		break;
	case TOP_MPROTECT:
		error = vmproc_mprotect(
		    as->ua_proc, ev->ev_addr, ev->ev_len, ev->ev_prot);
		break;
	case TOP_MADVISE:
		error = vmproc_madvise(
		    as->ua_proc, ev->ev_addr, ev->ev_len, ev->ev_flags);
		break;
	case TOP_MSYNC:
		error = vmproc_msync(
		    as->ua_proc, ev->ev_addr, ev->ev_len, ev->ev_flags);
		break;
	case TOP_MLOCK:
		error = vmproc_mlock(as->ua_proc, ev->ev_addr, ev->ev_len);
		break;
	case TOP_MUNLOCK:
		error = vmproc_munlock(as->ua_proc, ev->ev_addr, ev->ev_len);
		break;
	case TOP_EXEC_AS:
		ue_retire(ue, as, evno, "exec");
		error = vmproc_exec(as->ua_proc);
		as->ua_explicit = true;
		break;
	default:
		error = EINVAL;
		break;
	}
done:
	uvm_stats(ue->ue_uvm, &a);
	ue->ue_otherfaults += (uint64_t)(a.faults - b.faults);
	if (ue->ue_slow)
		ue->ue_snap = a;
	if (error != 0)
		ue_fail(ue, evno, ev, error);
	if (tf != NULL) {
		fprintf(tf, "ev=%" PRIu64 " ", evno);
		ue_event_text(tf, ev);
		if (ev->ev_op == TOP_MMAP && error == 0)
			fprintf(tf, " at 0x%" PRIx64, addr);
		if (error != 0)
			fprintf(tf, " error=%s", ue_errname(error));
		else
			fputs(" ok", tf);
		if (a.faults != b.faults)
			fprintf(tf, " faults=%" PRId64, a.faults - b.faults);
		fprintf(tf, " free=%" PRId64 "\n", a.free);
	}
}

/*
 *   T H E   J O B
 */

/* Swap pages the run may need: every page it can touch, plus memory. */
static uint64_t
ue_swap_pages(const struct sim_job *job)
{
	uint64_t n;

	if (job->sj_refs != NULL)
		n = job->sj_refs->rs_npages;
	else
		n = job->sj_events->tb_n;
	n += job->sj_frames + 64;
	return n < ((uint64_t)1 << 22) ? n : (uint64_t)1 << 22;
}

static int
ue_machine(
    struct ueng *ue, char *swappath, size_t swaplen, char *err, size_t errlen)
{
	const struct sim_job *job = ue->ue_job;
	struct uvm_config cfg;
	const char *tmp;
	int fd, error;

	if (job->sj_cfg != NULL)
		cfg = *job->sj_cfg;
	else
		uvm_config_init(&cfg);
	cfg.uc_pagesize = job->sj_pagesize;
	cfg.uc_memsize = job->sj_frames * job->sj_pagesize;
	cfg.uc_nsegs = 0;
	cfg.uc_policy = job->sj_policy;
	if (cfg.uc_pdaemon == NULL)
		cfg.uc_pdaemon = "inline";
	cfg.uc_seed = job->sj_seed;
	swappath[0] = '\0';
	if (cfg.uc_nswap == 0 && getenv("UVM_SWAP") == NULL) {
		tmp = getenv("TMPDIR");
		snprintf(swappath, swaplen, "%s/uvmsim-swap-XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if ((fd = mkstemp(swappath)) < 0) {
			snprintf(err, errlen,
			    "uvm engine: cannot create a swap file "
			    "%s: %s",
			    swappath, strerror(errno));
			swappath[0] = '\0';
			return -1;
		}
		close(fd);
		cfg.uc_nswap = 1;
		cfg.uc_swap[0].cw_path = swappath;
		cfg.uc_swap[0].cw_size = ue_swap_pages(job) * job->sj_pagesize;
		cfg.uc_swap[0].cw_priority = 0;
	}
	error = uvm_create(&cfg, &ue->ue_uvm);
	if (swappath[0] != '\0')
		(void)unlink(swappath);
	if (error == 0)
		vmproc_machine_setup(ue->ue_uvm);
	if (error != 0) {
		snprintf(err, errlen,
		    "uvm engine: cannot create a machine of %" PRIu64
		    " pages of %" PRIu64 " bytes: %s",
		    job->sj_frames, job->sj_pagesize, uvm_last_error());
		return -1;
	}
	return 0;
}

/* Retire and free every address space left, in order of id. */
static void
ue_teardown(struct ueng *ue)
{
	struct ue_as **left;
	size_t n = 0;

	left = sim_calloc(ue->ue_tabn + 1, sizeof(*left));
	for (size_t i = 0; i < ue->ue_tabcap; i++)
		if (ue->ue_tab[i] != NULL)
			left[n++] = ue->ue_tab[i];
	for (size_t i = 1; i < n; i++) {
		struct ue_as *x = left[i];
		size_t j = i;

		for (; j > 0 && left[j - 1]->ua_id > x->ua_id; j--)
			left[j] = left[j - 1];
		left[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		ue_retire(ue, left[i], 0, "end");
		vmproc_exit(left[i]->ua_proc);
		ue_remove(ue, left[i]);
	}
	free(left);
	free(ue->ue_tab);
	ue->ue_tab = NULL;
}

static char *
ue_take(FILE *f, char **buf, size_t *len)
{
	fclose(f);
	if (*len == 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

static int
uvm_engine_run(
    const struct sim_job *job, struct sim_result *res, char *err, size_t errlen)
{
	const struct trace_buf *tb = job->sj_events;
	struct timespec t0, t1;
	struct uvmexp end;
	struct ueng ue;
	char swappath[512];
	char *notes = NULL, *maps = NULL;
	uint64_t chunk = 0, faults;

	memset(res, 0, sizeof(*res));
	if (tb == NULL || !engine_policy_p(&engine_uvm, job->sj_policy)) {
		snprintf(err, errlen, "uvm engine: %s",
		    tb == NULL ? "no event trace"
			       : "unknown policy (clock, clockpro)");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&ue, 0, sizeof(ue));
	ue.ue_job = job;
	ue.ue_res = res;
	ue.ue_ps = job->sj_pagesize;
	ue.ue_slow = job->sj_trace != NULL || job->sj_interval != 0;
	snprintf(
	    res->sr_engine, sizeof(res->sr_engine), "uvm-%s", job->sj_policy);
	snprintf(res->sr_policy, sizeof(res->sr_policy), "%s", job->sj_policy);
	res->sr_frames = job->sj_frames;
	res->sr_pagesize = job->sj_pagesize;
	res->sr_pages = job->sj_refs != NULL ? job->sj_refs->rs_npages : 0;
	if (ue_machine(&ue, swappath, sizeof(swappath), err, errlen) != 0)
		return -1;
	ue.ue_notes = open_memstream(&notes, &ue.ue_noteslen);
	ue.ue_maps = open_memstream(&maps, &ue.ue_mapslen);
	if (ue.ue_notes == NULL || ue.ue_maps == NULL) {
		fprintf(stderr, "uvmsim: out of memory\n");
		exit(SIM_EXIT_INPUT);
	}
	if (job->sj_interval != 0 && job->sj_refs != NULL)
		ue.ue_tsmark =
		    sim_calloc(job->sj_refs->rs_npages + 1, sizeof(uint32_t));
	uvm_stats(ue.ue_uvm, &ue.ue_exp0);
	ue.ue_snap = ue.ue_exp0;
	for (size_t i = 0; i < tb->tb_n; i++) {
		const struct trace_event *ev = &tb->tb_ev[i];

		if (trace_op_access_p(ev->ev_op))
			ue_access(&ue, i + 1, ev);
		else
			ue_control(&ue, i + 1, ev);
		if (job->sj_progress != NULL && ++chunk == UE_PROGRESS) {
			atomic_fetch_add(&job->sj_progress->sp_done, chunk);
			chunk = 0;
		}
	}
	if (job->sj_progress != NULL)
		atomic_fetch_add(&job->sj_progress->sp_done, chunk);
	uvm_stats(ue.ue_uvm, &end);
	if (job->sj_interval != 0 && ue.ue_acc.ts_refs > 0) {
		ue.ue_snap = end;
		ue_ts_row(&ue, res->sr_refs);
	}
	faults = (uint64_t)(end.faults - ue.ue_exp0.faults) - ue.ue_otherfaults;
	res->sr_faults = faults;
	res->sr_hits = res->sr_refs > faults ? res->sr_refs - faults : 0;
	res->sr_cold = (uint64_t)(end.flt_przero - ue.ue_exp0.flt_przero);
	res->sr_evictions = (uint64_t)(end.pdfreed - ue.ue_exp0.pdfreed);
	res->sr_writebacks = (uint64_t)(end.pgswapout - ue.ue_exp0.pgswapout);
	res->sr_have_uvmexp = true;
	res->sr_uvmexp = end;
	ue_teardown(&ue);
	uvm_destroy(ue.ue_uvm);
	free(ue.ue_tsmark);
	res->sr_notes = ue_take(ue.ue_notes, &notes, &ue.ue_noteslen);
	res->sr_maps = ue_take(ue.ue_maps, &maps, &ue.ue_mapslen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->sr_seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

const struct engine_ops engine_uvm = {
    .eo_name = "uvm",
    .eo_desc = "a libuvm machine per run: processes, mmap family, fork, "
	       "faults, page daemon and swap (the real VM stack)",
    .eo_needs = ENG_NEEDS_EVENTS,
    .eo_policies = uvm_policies,
    .eo_run = uvm_engine_run,
};
