/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_map.c: a libFuzzer target for the map layer, and the engine of the
 * randomized differential test (tests/unit/t_map_diff.c includes this
 * file).
 *
 * Input bytes decode into a sequence of map operations (map with every
 * placement flag, unmap, protect, inherit, advice, extract) on two small
 * maps of one machine.  Each operation runs on libuvm and on a trivially
 * correct model (a sorted array of intervals with their attributes); the
 * errno, the address chosen and the whole layout must agree after every
 * operation, and the map checkers must pass.  Layouts are compared in
 * canonical form (adjacent ranges with equal attributes coalesced),
 * because where libuvm splits and merges entries is its own business.
 * Any divergence aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_harness.h"
#include "uvm_map.h"
#include "uvm_object.h"

#define FM_PG      4096ull
#define FM_MINPG   16
#define FM_NPAGES  256
#define FM_MAXSEG  (FM_NPAGES + 8)
#define FM_NCOLORS 4
#define FM_NOBJ    2

/* One range with its attributes (model and canonical form). */
struct fm_seg {
	vaddr_t s_start, s_end;
	vm_prot_t s_prot, s_maxprot;
	vm_inherit_t s_inh;
	uint32_t s_adv;
	int s_obj;          /* 0: anonymous, else object number */
	int64_t s_offdelta; /* object offset - start (objects only) */
	int s_cow;
};

struct fm_model {
	struct fm_seg m_seg[FM_MAXSEG];
	int m_n;
	vaddr_t m_min, m_max;
	bool m_topdown;
};

/* Where decisions come from: fuzz bytes, or a seeded generator. */
struct fm_src {
	const uint8_t *fs_p;
	size_t fs_n;
	struct th_rng *fs_rng;
	bool fs_done;
};

struct fm_ctx {
	struct uvm *fc_uvm;
	struct vm_map *fc_map[2];
	struct fm_model fc_model[2];
	struct uvm_object *fc_obj[FM_NOBJ + 1];
	uint64_t fc_ops;
	struct uvm_map_entry_info *fc_recs;
};

static uint32_t
fm_u32(struct fm_src *src, uint32_t bound)
{
	uint32_t v;

	if (bound <= 1)
		return 0;
	if (src->fs_rng != NULL)
		return (uint32_t)th_rng_below(src->fs_rng, bound);
	if (src->fs_n == 0) {
		src->fs_done = true;
		return 0;
	}
	v = src->fs_p[0];
	if (bound > 256 && src->fs_n > 1) {
		v |= (uint32_t)src->fs_p[1] << 8;
		src->fs_p++;
		src->fs_n--;
	}
	src->fs_p++;
	src->fs_n--;
	return v % bound;
}

static __attribute__((noreturn)) void
fm_diverge(struct fm_ctx *fc, int m, const char *what)
{
	fprintf(stderr, "fuzz_map: divergence after %llu ops on map %d: %s\n",
	    (unsigned long long)fc->fc_ops, m, what);
	uvm_map_printit(fc->fc_map[m], true, stderr);
	for (int i = 0; i < fc->fc_model[m].m_n; i++) {
		const struct fm_seg *s = &fc->fc_model[m].m_seg[i];

		fprintf(stderr,
		    " model [%#llx, %#llx) prot %x/%x inh %u adv %u "
		    "obj %d offd %lld cow %d\n",
		    (unsigned long long)s->s_start,
		    (unsigned long long)s->s_end, s->s_prot, s->s_maxprot,
		    s->s_inh, s->s_adv, s->s_obj, (long long)s->s_offdelta,
		    s->s_cow);
	}
	abort();
}

/*
 *   T H E   M O D E L
 */

static bool
fm_seg_same_p(const struct fm_seg *a, const struct fm_seg *b)
{
	return a->s_prot == b->s_prot && a->s_maxprot == b->s_maxprot &&
	    a->s_inh == b->s_inh && a->s_adv == b->s_adv &&
	    a->s_obj == b->s_obj && a->s_offdelta == b->s_offdelta &&
	    a->s_cow == b->s_cow;
}

/* Coalesce adjacent equal segments in place; returns the new count. */
static int
fm_canon(struct fm_seg *v, int n)
{
	int o = 0;

	for (int i = 0; i < n; i++) {
		if (o > 0 && v[o - 1].s_end == v[i].s_start &&
		    fm_seg_same_p(&v[o - 1], &v[i]))
			v[o - 1].s_end = v[i].s_end;
		else
			v[o++] = v[i];
	}
	return o;
}

/* Split the segment holding addr so that a segment starts at addr. */
static void
fm_split(struct fm_model *md, vaddr_t addr)
{
	for (int i = 0; i < md->m_n; i++) {
		struct fm_seg *s = &md->m_seg[i];

		if (s->s_start < addr && addr < s->s_end) {
			if (md->m_n >= FM_MAXSEG)
				abort();
			memmove(&md->m_seg[i + 1], &md->m_seg[i],
			    (size_t)(md->m_n - i) * sizeof(*s));
			md->m_n++;
			md->m_seg[i].s_end = addr;
			md->m_seg[i + 1].s_start = addr;
			return;
		}
	}
}

static void
fm_remove(struct fm_model *md, vaddr_t start, vaddr_t end)
{
	int o = 0;

	fm_split(md, start);
	fm_split(md, end);
	for (int i = 0; i < md->m_n; i++)
		if (md->m_seg[i].s_end <= start || md->m_seg[i].s_start >= end)
			md->m_seg[o++] = md->m_seg[i];
	md->m_n = o;
}

static void
fm_insert(struct fm_model *md, const struct fm_seg *s)
{
	int i;

	if (md->m_n >= FM_MAXSEG)
		abort();
	for (i = 0; i < md->m_n && md->m_seg[i].s_start < s->s_start; i++)
		continue;
	memmove(&md->m_seg[i + 1], &md->m_seg[i],
	    (size_t)(md->m_n - i) * sizeof(*s));
	md->m_seg[i] = *s;
	md->m_n++;
	md->m_n = fm_canon(md->m_seg, md->m_n);
}

static bool
fm_overlaps_p(const struct fm_model *md, vaddr_t start, vaddr_t end)
{
	for (int i = 0; i < md->m_n; i++)
		if (md->m_seg[i].s_start < end && md->m_seg[i].s_end > start)
			return true;
	return false;
}

/* Alignment as the library defines it: a % mod == res. */
static bool
fm_aligned_p(vaddr_t a, vsize_t mod, vsize_t res)
{
	return mod == 0 || (a & (mod - 1)) == res;
}

/*
 * The reference findspace: scan every address candidate (page by page:
 * the maps are small) in the search direction.
 */
static int
fm_findspace(const struct fm_model *md, vaddr_t hint, vsize_t len, vsize_t mod,
    vsize_t res, vaddr_t *ap)
{
	if (hint < md->m_min)
		hint = md->m_min;
	if (hint > md->m_max || len > md->m_max - md->m_min)
		return ENOMEM;
	if (!md->m_topdown) {
		for (vaddr_t a = hint; a + len <= md->m_max; a += FM_PG) {
			if (fm_aligned_p(a, mod, res) &&
			    !fm_overlaps_p(md, a, a + len)) {
				*ap = a;
				return 0;
			}
		}
		return ENOMEM;
	}
	if (hint > md->m_max - len)
		hint = md->m_max - len;
	for (vaddr_t a = hint;; a -= FM_PG) {
		if (fm_aligned_p(a, mod, res) &&
		    !fm_overlaps_p(md, a, a + len)) {
			*ap = a;
			return 0;
		}
		if (a == md->m_min)
			return ENOMEM;
	}
}

/*
 *   C O M P A R I S O N
 */

static void
fm_compare(struct fm_ctx *fc, int m)
{
	struct fm_model *md = &fc->fc_model[m];
	struct fm_seg lib[FM_MAXSEG];
	size_t n;
	int ln;

	uvm_map_sanity(fc->fc_map[m]);
	uvm_map_foreach(fc->fc_map[m], 0, fc->fc_recs, FM_MAXSEG, &n);
	if (n > FM_MAXSEG)
		fm_diverge(fc, m, "too many entries");
	for (size_t i = 0; i < n; i++) {
		const struct uvm_map_entry_info *mi = &fc->fc_recs[i];
		struct fm_seg *s = &lib[i];

		memset(s, 0, sizeof(*s));
		s->s_start = mi->mi_start;
		s->s_end = mi->mi_end;
		s->s_prot = mi->mi_prot;
		s->s_maxprot = mi->mi_maxprot;
		s->s_inh = mi->mi_inherit;
		s->s_adv = mi->mi_advice;
		s->s_cow = (mi->mi_flags & UVM_MI_COW) != 0;
		s->s_obj = 0;
		for (int o = 1; o <= FM_NOBJ; o++)
			if (mi->mi_object == fc->fc_obj[o])
				s->s_obj = o;
		if (mi->mi_object != NULL && s->s_obj == 0)
			fm_diverge(fc, m, "unknown object");
		s->s_offdelta =
		    s->s_obj != 0 ? mi->mi_offset - (int64_t)mi->mi_start : 0;
	}
	ln = fm_canon(lib, (int)n);
	md->m_n = fm_canon(md->m_seg, md->m_n);
	if (ln != md->m_n)
		fm_diverge(fc, m, "different number of ranges");
	for (int i = 0; i < ln; i++) {
		if (lib[i].s_start != md->m_seg[i].s_start ||
		    lib[i].s_end != md->m_seg[i].s_end ||
		    !fm_seg_same_p(&lib[i], &md->m_seg[i]))
			fm_diverge(fc, m, "ranges differ");
	}
}

/*
 *   O P E R A T I O N S
 */

static const vm_prot_t fm_prots[] = {VM_PROT_NONE, VM_PROT_READ,
    VM_PROT_READ | VM_PROT_WRITE, VM_PROT_READ | VM_PROT_EXECUTE, VM_PROT_ALL};
static const vm_inherit_t fm_inhs[] = {
    UVM_INH_SHARE, UVM_INH_COPY, UVM_INH_NONE, UVM_INH_ZERO};

static void
fm_check_err(struct fm_ctx *fc, int m, int got, int want, const char *op)
{
	char msg[96];

	if (got != want) {
		snprintf(msg, sizeof(msg), "%s returned %d, model says %d", op,
		    got, want);
		fm_diverge(fc, m, msg);
	}
}

static void
fm_op_map(struct fm_ctx *fc, struct fm_src *src, int m)
{
	struct fm_model *md = &fc->fc_model[m];
	struct uvm_object *uo;
	uvm_flag_t flags = 0;
	vm_prot_t prot, maxprot;
	vm_inherit_t inh;
	vaddr_t hint, va, want_va = 0;
	vsize_t len, align = 0, mod = 0, res = 0;
	voff_t off;
	int obj, want, got, k;
	struct fm_seg s;

	hint = (FM_MINPG + fm_u32(src, FM_NPAGES + 8)) * FM_PG - 4 * FM_PG;
	len = (1 + fm_u32(src, 8)) * FM_PG;
	maxprot = fm_prots[fm_u32(src, 5)];
	prot = fm_u32(src, 8) == 0 ? fm_prots[fm_u32(src, 5)]
				   : maxprot & fm_prots[fm_u32(src, 5)];
	inh = fm_inhs[fm_u32(src, 4)];
	k = (int)fm_u32(src, 3);
	obj = (int)fm_u32(src, FM_NOBJ + 2);
	if (obj > FM_NOBJ)
		obj = 0;
	off = fm_u32(src, 4) == 0 ? UVM_UNKNOWN_OFFSET
				  : (voff_t)(fm_u32(src, 64) * FM_PG);
	switch (fm_u32(src, 4)) {
	case 0:
		flags |= UVM_FLAG_FIXED;
		break;
	case 1:
		flags |= UVM_FLAG_FIXED | UVM_FLAG_UNMAP;
		break;
	default:
		break;
	}
	if (fm_u32(src, 4) == 0)
		flags |= UVM_FLAG_NOMERGE;
	if (fm_u32(src, 8) == 0)
		flags |= UVM_FLAG_COPYONW | UVM_FLAG_OVERLAY;
	else if (fm_u32(src, 8) == 0)
		flags |= UVM_FLAG_OVERLAY;
	switch (fm_u32(src, 8)) {
	case 0:
		align = FM_PG << fm_u32(src, 5);
		break;
	case 1:
		flags |= UVM_FLAG_COLORMATCH;
		align = fm_u32(src, FM_NCOLORS);
		break;
	case 2:
		align = 3 * FM_PG; /* not a power of two */
		break;
	default:
		break;
	}
	if (fm_u32(src, 32) == 0)
		flags |= UVM_FLAG_UNMAP; /* maybe without FIXED */
	if ((flags & UVM_FLAG_FIXED) != 0 && fm_u32(src, 2) == 0 &&
	    (flags & UVM_FLAG_COLORMATCH) == 0)
		align = 0;

	/* The model's verdict, in the library's order of checks. */
	if ((flags & UVM_FLAG_COLORMATCH) != 0) {
		mod = FM_NCOLORS * FM_PG;
		res = align * FM_PG;
	} else if (align > FM_PG) {
		mod = align;
	}
	if ((flags & UVM_FLAG_UNMAP) != 0 && (flags & UVM_FLAG_FIXED) == 0)
		want = EINVAL;
	else if ((flags & UVM_FLAG_COLORMATCH) == 0 && align != 0 &&
	    (align & (align - 1)) != 0)
		want = EINVAL;
	else if ((flags & UVM_FLAG_FIXED) != 0 && !fm_aligned_p(hint, mod, res))
		want = EINVAL;
	else if ((prot & maxprot) != prot)
		want = EACCES;
	else if ((flags & UVM_FLAG_FIXED) != 0) {
		if (hint < md->m_min || hint > md->m_max ||
		    md->m_max - hint < len)
			want = ENOMEM;
		else if ((flags & UVM_FLAG_UNMAP) == 0 &&
		    fm_overlaps_p(md, hint, hint + len))
			want = ENOMEM;
		else {
			want = 0;
			want_va = hint;
		}
	} else {
		want = fm_findspace(md, hint, len, mod, res, &want_va);
	}

	uo = obj != 0 ? fc->fc_obj[obj] : NULL;
	if (uo != NULL)
		uo->pgops->pgo_reference(uo);
	va = hint;
	got = uvm_map(fc->fc_map[m], &va, len, uo, off, align,
	    UVM_MAPFLAG(prot, maxprot, inh, k, flags));
	fm_check_err(fc, m, got, want, "uvm_map");
	if (got != 0) {
		if (uo != NULL)
			uo->pgops->pgo_detach(uo);
		return;
	}
	if (va != want_va)
		fm_diverge(fc, m, "uvm_map chose another address");
	if ((flags & UVM_FLAG_UNMAP) != 0)
		fm_remove(md, va, va + len);
	memset(&s, 0, sizeof(s));
	s.s_start = va;
	s.s_end = va + len;
	s.s_prot = prot;
	s.s_maxprot = maxprot;
	s.s_inh = inh;
	s.s_adv = (uint32_t)k;
	s.s_obj = obj;
	if (obj != 0)
		s.s_offdelta =
		    (off == UVM_UNKNOWN_OFFSET ? (int64_t)(va - md->m_min)
					       : off) -
		    (int64_t)va;
	s.s_cow = (flags & UVM_FLAG_COPYONW) != 0;
	fm_insert(md, &s);
}

/* A random range, sometimes reaching outside the map. */
static void
fm_range(struct fm_src *src, vaddr_t *sp, vaddr_t *ep)
{
	vaddr_t a = (FM_MINPG + fm_u32(src, FM_NPAGES + 4)) * FM_PG - 2 * FM_PG;
	vaddr_t l = fm_u32(src, 4) == 0 ? fm_u32(src, 64) : fm_u32(src, 10);

	*sp = a;
	*ep = a + l * FM_PG;
}

static void
fm_op_unmap(struct fm_ctx *fc, struct fm_src *src, int m)
{
	vaddr_t s, e;

	fm_range(src, &s, &e);
	fm_check_err(fc, m, uvm_unmap(fc->fc_map[m], s, e), 0, "uvm_unmap");
	fm_remove(&fc->fc_model[m], s, e);
}

/* Split the model at [s, e) (clamped) and call fn on each inside. */
static void
fm_apply(struct fm_model *md, vaddr_t s, vaddr_t e,
    void (*fn)(struct fm_seg *, uint32_t, bool), uint32_t v, bool b)
{
	fm_split(md, s);
	fm_split(md, e);
	for (int i = 0; i < md->m_n; i++)
		if (md->m_seg[i].s_start >= s && md->m_seg[i].s_end <= e)
			fn(&md->m_seg[i], v, b);
}

static void
fm_set_prot(struct fm_seg *sg, uint32_t v, bool set_max)
{
	if (set_max) {
		sg->s_maxprot = v;
		sg->s_prot &= v;
	} else {
		sg->s_prot = v;
	}
}

static void
fm_set_inh(struct fm_seg *sg, uint32_t v, bool b)
{
	(void)b;
	sg->s_inh = v;
}

static void
fm_set_adv(struct fm_seg *sg, uint32_t v, bool b)
{
	(void)b;
	sg->s_adv = v;
}

static void
fm_op_protect(struct fm_ctx *fc, struct fm_src *src, int m)
{
	struct fm_model *md = &fc->fc_model[m];
	vm_prot_t prot = fm_prots[fm_u32(src, 5)];
	bool set_max = fm_u32(src, 4) == 0;
	vaddr_t s, e;
	int want = 0;

	fm_range(src, &s, &e);
	if (getenv("FM_DEBUG") != NULL)
		fprintf(stderr, "protect m=%d [%#llx,%#llx) prot %x max %d\n",
		    m, (unsigned long long)s, (unsigned long long)e, prot,
		    set_max);
	for (int i = 0; i < md->m_n; i++)
		if (s < e && md->m_seg[i].s_start < e &&
		    md->m_seg[i].s_end > s &&
		    (prot & md->m_seg[i].s_maxprot) != prot)
			want = EACCES;
	fm_check_err(fc, m, uvm_map_protect(fc->fc_map[m], s, e, prot, set_max),
	    want, "uvm_map_protect");
	if (want == 0)
		fm_apply(md, s, e, fm_set_prot, prot, set_max);
}

static void
fm_op_inherit(struct fm_ctx *fc, struct fm_src *src, int m)
{
	uint32_t v = fm_u32(src, 6); /* 3 and 5 are invalid */
	int want = (v == 3 || v == 5) ? EINVAL : 0;
	vaddr_t s, e;

	fm_range(src, &s, &e);
	fm_check_err(fc, m, uvm_map_inherit(fc->fc_map[m], s, e, v), want,
	    "uvm_map_inherit");
	if (want == 0)
		fm_apply(&fc->fc_model[m], s, e, fm_set_inh, v, false);
}

static void
fm_op_advice(struct fm_ctx *fc, struct fm_src *src, int m)
{
	uint32_t v = fm_u32(src, 4); /* 3 is invalid */
	int want = v == 3 ? EINVAL : 0;
	vaddr_t s, e;

	fm_range(src, &s, &e);
	fm_check_err(fc, m, uvm_map_advice(fc->fc_map[m], s, e, (int)v), want,
	    "uvm_map_advice");
	if (want == 0)
		fm_apply(&fc->fc_model[m], s, e, fm_set_adv, v, false);
}

static void
fm_op_extract(struct fm_ctx *fc, struct fm_src *src, int m)
{
	int d = (int)fm_u32(src, 2);
	struct fm_model *ms = &fc->fc_model[m], *md = &fc->fc_model[d];
	struct fm_seg copy[FM_MAXSEG];
	int flags = 0, want, nc = 0;
	vaddr_t s, e, da = 0, want_da = 0, cur;

	switch (fm_u32(src, 4)) {
	case 0:
		flags |= UVM_EXTRACT_REMOVE;
		break;
	case 1:
		flags |= UVM_EXTRACT_CONTIG;
		break;
	default:
		break;
	}
	if (fm_u32(src, 2) == 0)
		flags |= UVM_EXTRACT_FIXPROT;
	fm_range(src, &s, &e);
	if (s == e)
		e += FM_PG;

	/* Model: room in the destination, then the contiguity check. */
	want = fm_findspace(md, md->m_min, e - s, 0, 0, &want_da);
	if (want == 0 && (flags & UVM_EXTRACT_CONTIG) != 0) {
		cur = s;
		for (int i = 0; i < ms->m_n; i++) {
			if (ms->m_seg[i].s_end <= cur ||
			    ms->m_seg[i].s_start >= e)
				continue;
			if (ms->m_seg[i].s_start > cur)
				break;
			cur = ms->m_seg[i].s_end;
		}
		if (cur < e)
			want = EINVAL;
	}
	if (getenv("FM_DEBUG") != NULL)
		fprintf(stderr, "extract m=%d d=%d [%#llx,%#llx) flags %#x\n",
		    m, d, (unsigned long long)s, (unsigned long long)e, flags);
	fm_check_err(fc, m,
	    uvm_map_extract(fc->fc_map[m], s, e - s, fc->fc_map[d], &da, flags),
	    want, "uvm_map_extract");
	if (want != 0)
		return;
	if (da != want_da)
		fm_diverge(fc, d, "uvm_map_extract chose another address");
	for (int i = 0; i < ms->m_n; i++) {
		struct fm_seg c = ms->m_seg[i];

		if (c.s_end <= s || c.s_start >= e)
			continue;
		if (c.s_start < s)
			c.s_start = s;
		if (c.s_end > e)
			c.s_end = e;
		if (c.s_obj != 0)
			c.s_offdelta -= (int64_t)(da - s);
		c.s_start = c.s_start - s + da;
		c.s_end = c.s_end - s + da;
		if ((flags & UVM_EXTRACT_FIXPROT) != 0)
			c.s_prot = c.s_maxprot;
		copy[nc++] = c;
	}
	if ((flags & UVM_EXTRACT_REMOVE) != 0)
		fm_remove(ms, s, e);
	for (int i = 0; i < nc; i++)
		fm_insert(md, &copy[i]);
}

/* One decoded operation on a random map, then the comparison. */
static void
fm_step(struct fm_ctx *fc, struct fm_src *src)
{
	int m = (int)fm_u32(src, 2);

	switch (fm_u32(src, 10)) {
	case 0:
	case 1:
	case 2:
		fm_op_map(fc, src, m);
		break;
	case 3:
	case 4:
		fm_op_unmap(fc, src, m);
		break;
	case 5:
	case 6:
		fm_op_protect(fc, src, m);
		break;
	case 7:
		fm_op_inherit(fc, src, m);
		break;
	case 8:
		fm_op_advice(fc, src, m);
		break;
	default:
		fm_op_extract(fc, src, m);
		break;
	}
	fc->fc_ops++;
	fm_compare(fc, 0);
	fm_compare(fc, 1);
}

/*
 *   S E T U P
 */

static void
fm_obj_reference(struct uvm_object *uo)
{
	uo->uo_refs++;
}

static void
fm_obj_detach(struct uvm_object *uo)
{
	if (--uo->uo_refs == 0) {
		uvm_obj_destroy(uo, true);
		free(uo);
	}
}

static const struct uvm_pagerops fm_pagerops = {
    .pgo_name = "[fmobj]",
    .pgo_reference = fm_obj_reference,
    .pgo_detach = fm_obj_detach,
};

static void
fm_init(struct fm_ctx *fc, struct uvm *uvm, bool topdown0, bool topdown1)
{
	memset(fc, 0, sizeof(*fc));
	fc->fc_uvm = uvm;
	fc->fc_recs = calloc(FM_MAXSEG + 1, sizeof(*fc->fc_recs));
	if (fc->fc_recs == NULL)
		abort();
	for (int m = 0; m < 2; m++) {
		struct fm_model *md = &fc->fc_model[m];

		fc->fc_map[m] = calloc(1, sizeof(struct vm_map));
		if (fc->fc_map[m] == NULL)
			abort();
		md->m_min = FM_MINPG * FM_PG;
		md->m_max = (FM_MINPG + FM_NPAGES) * FM_PG;
		md->m_topdown = m == 0 ? topdown0 : topdown1;
		uvm_map_setup(fc->fc_map[m], uvm, NULL, md->m_min, md->m_max,
		    md->m_topdown ? VM_MAP_TOPDOWN : 0);
	}
	for (int o = 1; o <= FM_NOBJ; o++) {
		fc->fc_obj[o] = calloc(1, sizeof(struct uvm_object));
		if (fc->fc_obj[o] == NULL)
			abort();
		uvm_obj_init(fc->fc_obj[o], uvm, &fm_pagerops, NULL, 1);
	}
}

static void
fm_fini(struct fm_ctx *fc)
{
	for (int m = 0; m < 2; m++) {
		if (uvm_unmap(fc->fc_map[m], 0, 0 - FM_PG) != 0)
			abort();
		uvm_map_teardown(fc->fc_map[m]);
		free(fc->fc_map[m]);
	}
	for (int o = 1; o <= FM_NOBJ; o++) {
		if (fc->fc_obj[o]->uo_refs != 1)
			fm_diverge(fc, 0, "object references leaked");
		fm_obj_detach(fc->fc_obj[o]);
	}
	free(fc->fc_recs);
}

/* A machine for the fuzzer: small, four colours, checkers on. */
static struct uvm *
fm_machine(void)
{
	struct uvm_config cfg;
	struct uvm *uvm = NULL;

	uvm_config_init(&cfg);
	cfg.uc_pagesize = FM_PG;
	cfg.uc_memsize = 4u << 20;
	cfg.uc_ncolors = FM_NCOLORS;
	cfg.uc_pdaemon = "inline";
	cfg.uc_diagnostic = 2;
	if (uvm_create(&cfg, &uvm) != 0)
		abort();
	return uvm;
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fm_src src = {.fs_p = data, .fs_n = size};
	struct uvm_acct before, after;
	struct fm_ctx fc;
	struct uvm *uvm;
	uint32_t dirs;

	uvm = fm_machine();
	uvm_acct_snapshot(uvm, &before);
	dirs = fm_u32(&src, 4);
	fm_init(&fc, uvm, (dirs & 1) != 0, (dirs & 2) != 0);
	while (!src.fs_done && src.fs_n > 0)
		fm_step(&fc, &src);
	fm_fini(&fc);
	uvm_sanity_all(uvm);
	uvm_acct_snapshot(uvm, &after);
	if (!uvm_acct_equal_p(&before, &after))
		abort();
	uvm_destroy(uvm);
	return 0;
}
