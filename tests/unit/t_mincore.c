/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_mincore.c: the residency query, uvm_mincore() and mincore(2)
 * (uvm_sys_mincore()) in both personalities: untouched ranges (runs of
 * zeros longer than a buffer), partly touched ranges, amaps with and
 * without anons, swapped-out anons, busy pages, object-backed ranges
 * (aobjs, shared and private), holes (ENOMEM, vector written up to the
 * hole), an unwritable vector (EFAULT), a vector inside the range queried,
 * page-allocation failures while the vector is wired, and random address
 * spaces checked page by page against a reference: the definition, asked
 * of the pmap, the amap and the object for every page.
 */
#include <unistd.h>

#include "t_fault.h"
#include "uvm_proc.h"
#include "uvm_swap.h"

#define RW (VM_PROT_READ | VM_PROT_WRITE)

/*
 * The reference: page i is resident when the pmap maps it, or its anon's
 * page, or with no anon its object page, is in memory and not busy.
 * Returns the pages before the first hole (all of them: npages).
 */
static vsize_t
mc_reference(struct vm_map *map, vaddr_t start, vsize_t npages, uint8_t *vec)
{
	struct uvm *uvm = map->uvm;
	struct vm_map_entry *entry;
	struct vm_anon *anon;
	struct vm_page *pg;
	vaddr_t va;
	paddr_t pa;
	vsize_t i;

	vm_map_lock_read(map);
	for (i = 0; i < npages; i++) {
		va = start + uvm_ptoa(uvm, i);
		if (!uvm_map_lookup_entry(map, va, &entry))
			break;
		uvm_map_lock_entry(entry, RW_READER);
		vec[i] = 0;
		if (pmap_extract(vm_map_pmap(map), va, &pa)) {
			vec[i] = 1;
		} else if (entry->aref.ar_amap != NULL &&
		    (anon = amap_lookup(&entry->aref, va - entry->start)) !=
			NULL) {
			pg = anon->an_page;
			vec[i] = pg != NULL && (pg->flags & PG_BUSY) == 0;
		} else if (UVM_ET_ISOBJ(entry)) {
			pg = uvm_pagelookup(entry->object.uvm_obj,
			    entry->offset + (voff_t)(va - entry->start));
			vec[i] = pg != NULL && (pg->flags & PG_BUSY) == 0;
		}
		uvm_map_unlock_entry(entry);
	}
	vm_map_unlock_read(map);
	return i;
}

/* uvm_mincore() over npages pages agrees with the reference. */
static void
mc_check(struct vm_map *map, vaddr_t start, vsize_t npages)
{
	uint8_t *vec = malloc(npages), *ref = malloc(npages);
	vsize_t good;
	int error;

	assert_non_null(vec);
	assert_non_null(ref);
	memset(vec, 0xa5, npages);
	good = mc_reference(map, start, npages, ref);
	error = uvm_mincore(map, start, uvm_ptoa(map->uvm, npages), vec);
	assert_int_equal(error, good == npages ? 0 : ENOMEM);
	assert_memory_equal(vec, ref, good);
	free(vec);
	free(ref);
}

static vaddr_t
mc_mmap(struct uvm_proc *p, vsize_t len, int flags)
{
	vaddr_t va = 0;

	assert_int_equal(uvm_sys_mmap(p, 0, len, UVM_PROT_READ | UVM_PROT_WRITE,
			     UVM_MAP_ANON | flags, -1, 0, &va),
	    0);
	return va;
}

static void
mc_touch(struct uvm_proc *p, vaddr_t va)
{
	assert_int_equal(
	    uvm_suword32(uvm_proc_vmspace(p), va, (uint32_t)va | 1), 0);
}

/*
 * mincore(2) of [va, va + npages pages) into a fresh vector mapping,
 * which starts as `fill'; the vector read back into out (npages bytes).
 */
static int
mc_sys(struct uvm_proc *p, vaddr_t va, vsize_t npages, uint8_t *out)
{
	struct uvm *uvm = p->p_uvm;
	struct vmspace *vm = uvm_proc_vmspace(p);
	vsize_t vlen = uvm_round_page(uvm, npages);
	vaddr_t vec = mc_mmap(p, vlen, UVM_MAP_PRIVATE);
	int error;

	memset(out, 0x5a, npages);
	assert_int_equal(uvm_copyout(vm, out, vec, npages, NULL), 0);
	error = uvm_sys_mincore(p, va, uvm_ptoa(uvm, npages), vec);
	assert_int_equal(uvm_copyin(vm, vec, out, npages, NULL), 0);
	assert_int_equal(uvm_sys_munmap(p, vec, vlen), 0);
	return error;
}

/* Untouched memory, longer than one buffer: all zeros, both layers. */
static void
test_untouched(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	const vsize_t n = 9000; /* > 2 runs of 4096 pages */
	static const int pers[] = {UVM_PERS_NETBSD, UVM_PERS_LINUX};
	uint8_t *out = malloc(n), *zeros = calloc(1, n);
	struct uvm_proc *p;
	vaddr_t va;

	assert_non_null(out);
	assert_non_null(zeros);
	for (size_t k = 0; k < 2; k++) {
		p = th_proc(uvm, pers[k]);
		va = mc_mmap(p, uvm_ptoa(uvm, n), UVM_MAP_PRIVATE);
		assert_int_equal(mc_sys(p, va, n, out), 0);
		assert_memory_equal(out, zeros, n);
		/* A length that is not a page multiple counts its last page. */
		assert_int_equal(uvm_sys_mincore(p, va, 1, va), 0);
		mc_check(&uvm_proc_vmspace(p)->vm_map, va, n);
		uvm_proc_exit(p);
	}
	free(out);
	free(zeros);
}

/* Touched pages here and there, across runs and amap blocks. */
static void
test_partial(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	const vsize_t n = 6000;
	static const vsize_t hit[] = {
	    0, 1, 63, 64, 100, 4095, 4096, 4097, 5000, 5001, 5002, 5999};
	static const int pers[] = {UVM_PERS_NETBSD, UVM_PERS_LINUX};
	uint8_t *out = malloc(n);
	struct uvm_proc *p;
	vaddr_t va;
	vsize_t i, j;

	assert_non_null(out);
	for (size_t k = 0; k < 2; k++) {
		p = th_proc(uvm, pers[k]);
		va = mc_mmap(p, uvm_ptoa(uvm, n), UVM_MAP_PRIVATE);
		for (j = 0; j < sizeof(hit) / sizeof(hit[0]); j++)
			mc_touch(p, va + uvm_ptoa(uvm, hit[j]));
		assert_int_equal(mc_sys(p, va, n, out), 0);
		for (i = 0, j = 0; i < n; i++) {
			bool want =
			    j < sizeof(hit) / sizeof(hit[0]) && hit[j] == i;

			assert_int_equal(out[i], want);
			j += want;
		}
		mc_check(&uvm_proc_vmspace(p)->vm_map, va, n);
		/* From inside a run and a touched page, short ranges. */
		mc_check(
		    &uvm_proc_vmspace(p)->vm_map, va + uvm_ptoa(uvm, 62), 3);
		mc_check(
		    &uvm_proc_vmspace(p)->vm_map, va + uvm_ptoa(uvm, 4096), 1);
		uvm_proc_exit(p);
	}
	free(out);
}

/*
 * An amap of more than one block of slots: anons found in every block;
 * once they are all freed (madvise FREE) the amap holds none.
 */
static void
test_amap(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = tf_map_anon(vm, 200);
	static const int hit[] = {0, 65, 130, 131, 199};
	uint8_t vec[200];

	for (size_t k = 0; k < 5; k++)
		tf_put32(vm, va + tf_pg(uvm, hit[k]), 7);
	assert_int_equal(uvm_mincore(map, va, tf_pg(uvm, 200), vec), 0);
	for (int i = 0, k = 0; i < 200; i++) {
		bool want = k < 5 && hit[k] == i;

		assert_int_equal(vec[i], want);
		k += want;
	}
	mc_check(map, va, 200);
	mc_check(map, va + tf_pg(uvm, 64), 70);
	assert_int_equal(
	    uvm_map_clean(map, va, va + tf_pg(uvm, 200), UVM_CLEAN_FREE), 0);
	memset(vec, 9, sizeof(vec));
	assert_int_equal(uvm_mincore(map, va, tf_pg(uvm, 200), vec), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(vec[i], 0);
	mc_check(map, va, 200);
	uvmspace_free(vm);
}

/*
 * Object-backed ranges: a shared aobj mapped at an offset, a private
 * mapping of it with a copied page, and a child of fork that maps nothing
 * yet (the residency comes from the object and the anons).
 */
static void
test_aobj(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm), *c;
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 300), 0);
	vaddr_t sh, pr;
	uint8_t vec[280];
	int i;

	/* Object pages 10, 20, 150, 299 resident. */
	sh = tf_map_obj(vm, uobj, 0, 300, RW, UVM_INH_SHARE, false);
	tf_put32(vm, sh + tf_pg(uvm, 10), 1);
	tf_put32(vm, sh + tf_pg(uvm, 20), 1);
	tf_put32(vm, sh + tf_pg(uvm, 150), 1);
	tf_put32(vm, sh + tf_pg(uvm, 299), 1);
	/* Pages 20.. of the object, privately: a copy of page 25 (45). */
	pr = tf_map_obj(vm, uobj, tf_pg(uvm, 20), 280, RW, UVM_INH_COPY, true);
	tf_put32(vm, pr + tf_pg(uvm, 25), 2);
	assert_int_equal(
	    uvm_mincore(&vm->vm_map, sh + tf_pg(uvm, 20), tf_pg(uvm, 280), vec),
	    0);
	/*
	 * The copy read object page 45 in first (the aobj zero-fills it), so
	 * it may be resident in the object too.
	 */
	for (i = 0; i < 280; i++)
		if (i != 25)
			assert_int_equal(
			    vec[i], i == 0 || i == 130 || i == 279);
	assert_int_equal(uvm_mincore(&vm->vm_map, pr, tf_pg(uvm, 280), vec), 0);
	for (i = 0; i < 280; i++)
		assert_int_equal(
		    vec[i], i == 0 || i == 25 || i == 130 || i == 279);
	mc_check(&vm->vm_map, sh, 300);
	mc_check(&vm->vm_map, pr, 280);
	/* More resident object pages than one gang look-up returns. */
	for (i = 160; i < 300; i += 2)
		tf_put32(vm, sh + tf_pg(uvm, i), 3);
	assert_int_equal(uvm_mincore(&vm->vm_map, sh + tf_pg(uvm, 151),
			     tf_pg(uvm, 149), vec),
	    0);
	for (i = 151; i < 300; i++)
		assert_int_equal(
		    vec[i - 151], (i >= 160 && i % 2 == 0) || i == 299);
	mc_check(&vm->vm_map, sh, 300);
	assert_int_equal(uvmspace_fork(vm, &c), 0);
	assert_int_equal(uvm_mincore(&c->vm_map, pr, tf_pg(uvm, 280), vec), 0);
	for (i = 0; i < 280; i++)
		assert_int_equal(vec[i],
		    i == 0 || i == 25 || i == 130 || (i >= 140 && i % 2 == 0) ||
			i == 279);
	mc_check(&c->vm_map, sh, 300);
	mc_check(&c->vm_map, pr, 280);
	uvmspace_free(c);
	uvmspace_free(vm);
	uao_detach(uobj);
}

/*
 * A busy page is not resident unless the pmap still maps it: an anon's
 * page, and an object's.
 */
static void
test_busy(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct vm_map *map = &vm->vm_map;
	vaddr_t va = tf_map_anon(vm, 4), sh = tf_map_shared(vm, 4);
	struct vm_map_entry *entry;
	struct vm_page *pa, *po;
	struct vm_anon *anon;
	uint8_t vec[4];

	tf_put32(vm, va + tf_pg(uvm, 1), 1);
	tf_put32(vm, sh + tf_pg(uvm, 2), 1);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, va, &entry));
	uvm_map_lock_entry(entry, RW_WRITER);
	anon = amap_lookup(&entry->aref, tf_pg(uvm, 1));
	pa = anon->an_page;
	pa->flags |= PG_BUSY;
	uvm_map_unlock_entry(entry);
	assert_true(uvm_map_lookup_entry(map, sh, &entry));
	uvm_map_lock_entry(entry, RW_WRITER);
	po = uvm_pagelookup(entry->object.uvm_obj, tf_pg(uvm, 2));
	po->flags |= PG_BUSY;
	uvm_map_unlock_entry(entry);
	vm_map_unlock_read(map);

	/* Mapped: resident. */
	assert_int_equal(uvm_mincore(map, va, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 1, 0, 0}), 4);
	assert_int_equal(uvm_mincore(map, sh, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 0, 1, 0}), 4);
	mc_check(map, va, 4);
	mc_check(map, sh, 4);
	/* Unmapped (the pmap only): not resident while busy. */
	pmap_remove(vm_map_pmap(map), va, va + tf_pg(uvm, 4));
	pmap_remove(vm_map_pmap(map), sh, sh + tf_pg(uvm, 4));
	pmap_update(vm_map_pmap(map));
	assert_int_equal(uvm_mincore(map, va, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 0, 0, 0}), 4);
	assert_int_equal(uvm_mincore(map, sh, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 0, 0, 0}), 4);
	mc_check(map, va, 4);
	mc_check(map, sh, 4);

	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, va, &entry));
	uvm_map_lock_entry(entry, RW_WRITER);
	pa->flags &= ~PG_BUSY;
	uvm_map_unlock_entry(entry);
	assert_true(uvm_map_lookup_entry(map, sh, &entry));
	uvm_map_lock_entry(entry, RW_WRITER);
	po->flags &= ~PG_BUSY;
	uvm_map_unlock_entry(entry);
	vm_map_unlock_read(map);
	assert_int_equal(uvm_mincore(map, va, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 1, 0, 0}), 4);
	assert_int_equal(uvm_mincore(map, sh, tf_pg(uvm, 4), vec), 0);
	assert_memory_equal(vec, ((uint8_t[]){0, 0, 1, 0}), 4);
	uvmspace_free(vm);
}

/* Holes: ENOMEM, with the vector written up to the hole. */
static void
test_holes(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	static const int pers[] = {UVM_PERS_NETBSD, UVM_PERS_LINUX};
	struct uvm_proc *p;
	uint8_t out[5000];
	vaddr_t va;
	int i;

	for (size_t k = 0; k < 2; k++) {
		p = th_proc(uvm, pers[k]);
		/* [0, 4200) mapped, [4200, 4300) a hole, [4300, 5000) mapped. */
		va = mc_mmap(p, tf_pg(uvm, 5000), UVM_MAP_PRIVATE);
		mc_touch(p, va + tf_pg(uvm, 4199));
		mc_touch(p, va + tf_pg(uvm, 4400));
		assert_int_equal(
		    uvm_sys_munmap(p, va + tf_pg(uvm, 4200), tf_pg(uvm, 100)),
		    0);
		assert_int_equal(mc_sys(p, va, 5000, out), ENOMEM);
		for (i = 0; i < 4200; i++)
			assert_int_equal(out[i], i == 4199);
		for (; i < 5000; i++)
			assert_int_equal(out[i], 0x5a);
		/* Starting in the hole: nothing written. */
		assert_int_equal(
		    mc_sys(p, va + tf_pg(uvm, 4250), 100, out), ENOMEM);
		for (i = 0; i < 100; i++)
			assert_int_equal(out[i], 0x5a);
		/* Beyond the hole all is well. */
		assert_int_equal(mc_sys(p, va + tf_pg(uvm, 4300), 700, out), 0);
		for (i = 0; i < 700; i++)
			assert_int_equal(out[i], i == 100);
		mc_check(&uvm_proc_vmspace(p)->vm_map, va, 5000);
		mc_check(
		    &uvm_proc_vmspace(p)->vm_map, va + tf_pg(uvm, 4300), 700);
		uvm_proc_exit(p);
	}
}

/*
 * An unwritable vector: NetBSD fails before writing anything (the vector
 * is wired first); Linux writes the pages before the unwritable one.
 */
static void
test_efault(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p;
	struct vmspace *vm;
	uint8_t out[8192];
	vaddr_t va, vec;
	int i;

	for (int k = 0; k < 2; k++) {
		p = th_proc(uvm, k == 0 ? UVM_PERS_NETBSD : UVM_PERS_LINUX);
		vm = uvm_proc_vmspace(p);
		va = mc_mmap(p, tf_pg(uvm, 8192), UVM_MAP_PRIVATE);
		mc_touch(p, va + tf_pg(uvm, 5));
		vec = mc_mmap(p, tf_pg(uvm, 2), UVM_MAP_PRIVATE);
		memset(out, 0x5a, sizeof(out));
		assert_int_equal(uvm_copyout(vm, out, vec, 8192, NULL), 0);
		assert_int_equal(uvm_sys_mprotect(p, vec + tf_pg(uvm, 1),
				     tf_pg(uvm, 1), UVM_PROT_READ),
		    0);
		assert_int_equal(
		    uvm_sys_mincore(p, va, tf_pg(uvm, 8192), vec), EFAULT);
		assert_int_equal(uvm_copyin(vm, vec, out, 8192, NULL), 0);
		for (i = 0; i < 4096; i++)
			assert_int_equal(
			    out[i], k == 0 ? 0x5a : (uint8_t)(i == 5));
		for (; i < 8192; i++)
			assert_int_equal(out[i], 0x5a);
		uvm_proc_exit(p);
	}
}

/*
 * The vector inside the range queried.  NetBSD wires it first, so both of
 * its pages are resident; Linux computes a page of vector bytes at a time
 * before copying it out, so the first copy makes the vector's first page
 * resident in time for the second piece, but not its second page.
 */
static void
test_vec_inside(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p;
	uint8_t out[8192];
	vaddr_t va, vec;
	int i;

	for (int k = 0; k < 2; k++) {
		p = th_proc(uvm, k == 0 ? UVM_PERS_NETBSD : UVM_PERS_LINUX);
		va = mc_mmap(p, tf_pg(uvm, 8192), UVM_MAP_PRIVATE);
		vec = va + tf_pg(uvm, 4096);
		assert_int_equal(
		    uvm_sys_mincore(p, va, tf_pg(uvm, 8192), vec), 0);
		assert_int_equal(uvm_copyin(uvm_proc_vmspace(p), vec, out,
				     sizeof(out), NULL),
		    0);
		for (i = 0; i < 8192; i++)
			assert_int_equal(
			    out[i], i == 4096 || (k == 0 && i == 4097));
		uvm_proc_exit(p);
	}
}

/*
 * Page allocation failing while NetBSD's mincore wires the vector: EFAULT,
 * and everything unwinds (the harness checks the accounting).
 */
static void
test_wire_failure(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct uvm_proc *p = th_proc(uvm, UVM_PERS_NETBSD);
	struct vmspace *vm = uvm_proc_vmspace(p);
	uint8_t out[3 * 4096];
	vaddr_t va, vec;
	int cd, error, failures = 0;

	va = mc_mmap(p, tf_pg(uvm, 3 * 4096), UVM_MAP_PRIVATE);
	mc_touch(p, va + tf_pg(uvm, 7));
	for (cd = 0;; cd++) {
		vec = mc_mmap(p, tf_pg(uvm, 3), UVM_MAP_PRIVATE);
		kfi_arm(&uvm->u_fi, KFI_PAGE, cd, -1);
		error = uvm_sys_mincore(p, va, tf_pg(uvm, 3 * 4096), vec);
		kfi_disarm(&uvm->u_fi, KFI_PAGE);
		if (error == 0) {
			assert_int_equal(
			    uvm_copyin(vm, vec, out, sizeof(out), NULL), 0);
			for (int i = 0; i < 3 * 4096; i++)
				assert_int_equal(out[i], i == 7);
		} else {
			assert_int_equal(error, EFAULT);
			failures++;
		}
		assert_int_equal(uvm_sys_munmap(p, vec, tf_pg(uvm, 3)), 0);
		if (error == 0)
			break;
	}
	assert_int_equal(failures, 3); /* one per vector page */
	uvm_proc_exit(p);
}

/* Anons whose pages went to swap: not resident, until read back. */
static int
setup_small(void **state)
{
	struct uvm_config cfg;

	th_config(&cfg);
	cfg.uc_memsize = 2u << 20;
	return th_setup_cfg(state, &cfg);
}

static void
test_swapped(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm;
	char path[512];
	uint8_t vec[800];
	vaddr_t va;
	int i, out = 0, in = 0;

	snprintf(path, sizeof(path), "%s/t_mincore.%d.swap", th_tmpdir(),
	    (int)getpid());
	(void)unlink(path);
	assert_int_equal(uvm_swap_add(uvm, path, 0, 8u << 20), 0);
	vm = tf_vmspace(uvm);
	va = tf_map_anon(vm, 800); /* more than the 512 pages of memory */
	tf_fill(vm, va, tf_pg(uvm, 800), 3);
	assert_int_equal(uvm_mincore(&vm->vm_map, va, tf_pg(uvm, 800), vec), 0);
	for (i = 0; i < 800; i++) {
		out += vec[i] == 0;
		in += vec[i] == 1;
	}
	assert_int_equal(out + in, 800);
	assert_true(out > 0 && in > 0);
	mc_check(&vm->vm_map, va, 800);
	for (i = 0; i < 800 && vec[i] != 0; i++)
		continue;
	assert_true(tf_check(vm, va + tf_pg(uvm, i), tf_pg(uvm, 1), 3));
	assert_int_equal(
	    uvm_mincore(&vm->vm_map, va + tf_pg(uvm, i), tf_pg(uvm, 1), vec),
	    0);
	assert_int_equal(vec[0], 1);
	mc_check(&vm->vm_map, va, 800);
	uvmspace_free(vm);
	(void)unlink(path);
}

/*
 * Random address spaces: anonymous and object mappings of random sizes,
 * random reads and writes, holes, freed ranges, forks; every query agrees
 * with the reference.
 */
static void
test_random(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct th_rng rng;
	uint64_t rounds = th_scale(30);

	th_rng_seed(&rng, 0x6d696e636f7265ull);
	for (uint64_t r = 0; r < rounds; r++) {
		struct vmspace *vm = tf_vmspace(uvm), *c = NULL;
		struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 512), 0);
		vaddr_t base = 0x40000000, va;
		vsize_t len = 0, n;
		int ops;

		/* Adjacent mappings: anonymous, or of the aobj. */
		for (int m = 0; m < 6; m++) {
			n = 1 + th_rng_below(&rng, 300);
			va = base + tf_pg(uvm, len);
			if (th_rng_below(&rng, 3) == 0) {
				uao_reference(uobj);
				assert_int_equal(
				    uvm_map(&vm->vm_map, &va, tf_pg(uvm, n),
					uobj,
					tf_pg(uvm, th_rng_below(&rng, 200)), 0,
					UVM_MAPFLAG(RW, VM_PROT_ALL,
					    UVM_INH_COPY, UVM_ADV_NORMAL,
					    UVM_FLAG_FIXED | UVM_FLAG_NOMERGE |
						(th_rng_below(&rng, 2)
							? UVM_FLAG_COPYONW
							: 0))),
				    0);
			} else {
				(void)tf_map_anon_at(vm, va, n, RW,
				    UVM_INH_COPY, UVM_ADV_NORMAL,
				    UVM_FLAG_FIXED);
			}
			len += n;
		}
		ops = (int)th_rng_below(&rng, 60);
		for (int o = 0; o < ops; o++) {
			va = base + tf_pg(uvm, th_rng_below(&rng, len));
			switch (th_rng_below(&rng, 10)) {
			case 0:
				n = 1 + th_rng_below(&rng, 8);
				if (va + tf_pg(uvm, n) > base + tf_pg(uvm, len))
					break;
				(void)uvm_map_clean(&vm->vm_map, va,
				    va + tf_pg(uvm, n), UVM_CLEAN_FREE);
				break;
			case 1:
				if (c == NULL)
					assert_int_equal(
					    uvmspace_fork(vm, &c), 0);
				break;
			case 2:
				(void)uvm_access(vm, va, 1, VM_PROT_READ);
				break;
			default:
				(void)uvm_access(vm, va, 1, VM_PROT_WRITE);
				break;
			}
		}
		if (th_rng_below(&rng, 2) == 0) {
			va = base + tf_pg(uvm, th_rng_below(&rng, len));
			(void)uvm_unmap(&vm->vm_map, va, va + tf_pg(uvm, 3));
		}
		for (int q = 0; q < 8; q++) {
			vsize_t off = th_rng_below(&rng, len);

			n = 1 + th_rng_below(&rng, len - off);
			mc_check(&vm->vm_map, base + tf_pg(uvm, off), n);
			if (c != NULL)
				mc_check(&c->vm_map, base + tf_pg(uvm, off), n);
		}
		mc_check(&vm->vm_map, base, len);
		if (c != NULL)
			uvmspace_free(c);
		uvmspace_free(vm);
		uao_detach(uobj);
	}
}

/* Bad arguments, and length 0. */
static void
test_args(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t va = tf_map_anon(vm, 2);
	uint8_t vec[2] = {9, 9};

	assert_int_equal(uvm_mincore(NULL, va, 1, vec), EINVAL);
	assert_int_equal(uvm_mincore(&vm->vm_map, va, 1, NULL), EINVAL);
	assert_int_equal(uvm_mincore(&vm->vm_map, va + 1, 1, vec), EINVAL);
	assert_int_equal(uvm_mincore(&vm->vm_map, va, 0, vec), 0);
	assert_int_equal(vec[0], 9);
	assert_int_equal(
	    uvm_mincore(&vm->vm_map, va, (vsize_t)0 - va, vec), ENOMEM);
	uvmspace_free(vm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_untouched, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_partial, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_amap, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_aobj, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_busy, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_holes, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_efault, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_vec_inside, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_wire_failure, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_swapped, setup_small, th_teardown),
	    cmocka_unit_test_setup_teardown(test_random, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_args, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
