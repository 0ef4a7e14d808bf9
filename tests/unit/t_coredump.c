/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_coredump.c: the core-dump walk: segments in address order, realend
 * trimming never-instantiated pages of sparse amaps, unreadable segments,
 * and no region reported twice when reading the memory splits entries
 * (amap_copy chunking of a large entry).
 */
#include "t_fault.h"

#define RW (VM_PROT_READ | VM_PROT_WRITE)

struct seg {
	vaddr_t start, realend, end;
	vm_prot_t prot;
	int flags;
};

struct walk {
	struct vmspace *vm;
	struct seg segs[64];
	int n;
	bool read_all; /* read every byte, as a naive dumper would */
};

static int
walk_cb(struct uvm_coredump_state *st)
{
	struct walk *w = st->cookie;
	uint8_t buf[4096];
	vaddr_t va;

	assert_true(w->n < 64);
	w->segs[w->n].start = st->start;
	w->segs[w->n].realend = st->realend;
	w->segs[w->n].end = st->end;
	w->segs[w->n].prot = st->prot;
	w->segs[w->n].flags = st->flags;
	w->n++;
	if (w->read_all && (st->flags & UVM_COREDUMP_NODUMP) == 0)
		for (va = st->start; va < st->end; va += sizeof(buf))
			assert_int_equal(
			    uvm_copyin(w->vm, va, buf, sizeof(buf), NULL), 0);
	return 0;
}

static void
test_sparse(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	struct uvm_object *uobj = uao_create(uvm, tf_pg(uvm, 2), 0);
	vaddr_t sparse = tf_map_anon(vm, 64), untouched = tf_map_anon(vm, 4);
	vaddr_t none = tf_map_anon_at(
	    vm, 0, 2, VM_PROT_NONE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	vaddr_t o = tf_map_obj(vm, uobj, 0, 2, RW, UVM_INH_SHARE, false);
	struct walk w = {.vm = vm};
	int i;

	tf_put32(vm, sparse + tf_pg(uvm, 3), 1);
	tf_put32(vm, sparse + tf_pg(uvm, 10), 1);
	assert_int_equal(uvm_coredump_count_segs(vm), 4);
	assert_int_equal(uvm_coredump_walkmap(vm, walk_cb, &w), 0);
	assert_int_equal(w.n, 4);
	for (i = 1; i < w.n; i++)
		assert_true(w.segs[i].start >= w.segs[i - 1].end);
	for (i = 0; i < w.n; i++) {
		struct seg *s = &w.segs[i];

		if (s->start == sparse) {
			assert_int_equal(s->realend, sparse + tf_pg(uvm, 11));
			assert_int_equal(s->end, sparse + tf_pg(uvm, 64));
		} else if (s->start == untouched) {
			assert_int_equal(s->realend, untouched);
		} else if (s->start == none) {
			assert_true((s->flags & UVM_COREDUMP_NODUMP) != 0);
			assert_int_equal(s->realend, none);
		} else {
			assert_int_equal(s->start, o);
			assert_int_equal(s->realend, o + tf_pg(uvm, 2));
			assert_int_equal(s->prot, RW);
		}
	}
	uvmspace_free(vm);
	uao_detach(uobj);
}

/* The callback's reads split a large entry: nothing is walked twice. */
static void
test_split_during_walk(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	vaddr_t big = tf_map_anon(vm, UVM_AMAP_LARGE * 2);
	vaddr_t small = tf_map_anon(vm, 2);
	struct walk w = {.vm = vm, .read_all = true};
	size_t n0, n1;
	vsize_t sz, total = 0;
	int i;

	(void)small;
	uvm_map_stat(&vm->vm_map, &n0, &sz);
	assert_int_equal(uvm_coredump_walkmap(vm, walk_cb, &w), 0);
	uvm_map_stat(&vm->vm_map, &n1, &sz);
	assert_true(n1 > n0); /* the reads split the big entry */
	assert_int_equal(w.n, (int)n0);
	for (i = 0; i < w.n; i++) {
		if (i > 0)
			assert_true(w.segs[i].start >= w.segs[i - 1].end);
		total += w.segs[i].end - w.segs[i].start;
	}
	assert_int_equal(total, sz);
	assert_int_equal(w.segs[0].start, big);
	/* Walking again reports the pieces, still each byte once. */
	w.n = 0;
	w.read_all = false;
	assert_int_equal(uvm_coredump_walkmap(vm, walk_cb, &w), 0);
	assert_int_equal(w.n, (int)n1);
	assert_int_equal(uvm_coredump_count_segs(vm), (int)n1);
	uvmspace_free(vm);
}

static int
stop_cb(struct uvm_coredump_state *st)
{
	int *n = st->cookie;

	return ++*n == 2 ? EIO : 0;
}

static void
test_errors(void **state)
{
	struct uvm *uvm = TH_UVM(state);
	struct vmspace *vm = tf_vmspace(uvm);
	int n = 0;

	(void)tf_map_anon(vm, 1);
	(void)tf_map_anon(vm, 1);
	(void)tf_map_anon(vm, 1);
	assert_int_equal(uvm_coredump_walkmap(NULL, stop_cb, &n), EINVAL);
	assert_int_equal(uvm_coredump_walkmap(vm, stop_cb, &n), EIO);
	assert_int_equal(n, 2);
	uvmspace_free(vm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sparse, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(
		test_split_during_walk, th_setup, th_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, th_setup, th_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
