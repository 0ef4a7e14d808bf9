/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_radix.h: a radix tree mapping 64-bit indexes to pointers, with
 * tags, in the spirit of radixtree(9).
 *
 * Memory objects index their pages by page number with it (lookup is
 * O(height), height = ceil(log64(largest index + 1))).  Nodes come from
 * the host allocator; insertion can fail (ENOMEM) and then changes
 * nothing.  Tags (up to 2 bits per item) mark, for example, dirty pages so
 * that a gang lookup by tag skips the clean ones.  The tree does no
 * locking: its owner's lock protects it.
 */
#ifndef _KERN_RADIX_H_
#define _KERN_RADIX_H_

#include <stdbool.h>
#include <stdint.h>

struct radix_node;

struct kfi;

/* Every field: the owner's lock (the tree does no locking). */
struct radix_tree {
	struct radix_node *rt_root; /* height 0: the item at index 0, if any */
	unsigned rt_height;         /* 0: empty or root holds index 0 only */
	uint64_t rt_count;          /* items */
	unsigned rt_root_tags; /* height 0: the tags of the item at index 0 */
	struct kfi *rt_fi;     /* node allocations may fail here, or NULL */
	int rt_fisite;         /* its site (enum kfi_site) */
};

#define RADIX_TAG_0 0x1u
#define RADIX_TAG_1 0x2u

void radix_tree_init(struct radix_tree *);
void radix_tree_fini(struct radix_tree *); /* must be empty */
bool radix_tree_empty_p(const struct radix_tree *);
/* Insert; EEXIST if the index is taken, ENOMEM if a node allocation fails. */
int radix_tree_insert(struct radix_tree *, uint64_t idx, void *item);
void *radix_tree_lookup(const struct radix_tree *, uint64_t idx);
void *radix_tree_remove(struct radix_tree *, uint64_t idx);
/* Up to `max` items with index >= idx, ascending; returns how many. */
unsigned radix_tree_gang_lookup(
    const struct radix_tree *, uint64_t idx, void **results, unsigned max);
/* The same, only items with any of `tags` set. */
unsigned radix_tree_gang_lookup_tagged(const struct radix_tree *, uint64_t idx,
    void **results, unsigned max, unsigned tags);
void radix_tree_set_tag(struct radix_tree *, uint64_t idx, unsigned tag);
void radix_tree_clear_tag(struct radix_tree *, uint64_t idx, unsigned tag);
bool radix_tree_get_tag(const struct radix_tree *, uint64_t idx, unsigned tag);
/*
 * Node allocations of this tree consult a fault-injection schedule (an
 * injected failure looks like host exhaustion: insert returns ENOMEM).
 */
void radix_tree_set_fi(struct radix_tree *, struct kfi *, int fisite);
/* Check every invariant of the tree (panics on a violation). O(nodes). */
void radix_tree_sanity(const struct radix_tree *);

#endif /* _KERN_RADIX_H_ */
