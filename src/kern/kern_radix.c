/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_radix.c: a radix tree of 64-bit indexes with tags (see
 * kern_radix.h).
 *
 * Shape.  Every node has 64 slots and consumes 6 bits of the index; a
 * tree of height h holds indexes below 64^h, and 11 levels cover all of
 * 2^64.  Level 1 nodes hold items, higher levels hold nodes.  A tree of
 * height 0 holds at most the item at index 0, directly in rt_root (its
 * tags in rt_root_tags).  The height is always the least that covers the
 * largest index present: insertion grows the tree by pushing the old root
 * down into slot 0 of a new root; removal shrinks it while the root uses
 * only slot 0.  Empty nodes are freed at once.
 *
 *	height 2:   root [0 .. 63]            digit of level 2: bits 6..11
 *	              |
 *	            node [0 .. 63]            digit of level 1: bits 0..5
 *	              |
 *	            item
 *
 * Bitmaps.  rn_present has bit i set iff slot i is used; rn_tags[t] has
 * bit i set iff slot i is an item with tag t (level 1) or a subtree that
 * holds such an item (higher levels).  So a tagged gang lookup descends
 * only into subtrees that hold a match, and finding the next used slot is
 * a count of trailing zeros.
 *
 * Failure.  An insertion counts the nodes it needs, allocates them all,
 * and only then changes the tree, so ENOMEM leaves the tree as it was.
 *
 * Alternatives rejected: pointer tagging (tags in the low bits of item
 * pointers, as radixtree(9) does) would constrain callers' alignment and
 * still need summaries for the skip; a B-tree or red-black tree would be
 * O(log n) compares instead of O(height) array steps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kern/kern_assert.h"
#include "kern/kern_fi.h"
#include "kern/kern_radix.h"

#define RADIX_BITS   6
#define RADIX_FANOUT (1u << RADIX_BITS)
#define RADIX_MASK   (RADIX_FANOUT - 1)
#define RADIX_MAXH   11 /* ceil(64 / 6) */
#define RADIX_NTAGS  2
#define RADIX_TAGS   (RADIX_TAG_0 | RADIX_TAG_1)

struct radix_node {
	void *rn_slots[RADIX_FANOUT];  /* items (level 1) or nodes */
	uint64_t rn_present;           /* slots in use */
	uint64_t rn_tags[RADIX_NTAGS]; /* slots with (a subtree with) tag t */
};

/* The digit of `idx` at `level` (1 = the items' level). */
static inline unsigned
radix_digit(uint64_t idx, unsigned level)
{
	unsigned shift = RADIX_BITS * (level - 1);

	return shift >= 64 ? 0 : (unsigned)(idx >> shift) & RADIX_MASK;
}

/* `idx` with digit `d` at `level` and every lower digit zero. */
static inline uint64_t
radix_with_digit(uint64_t idx, unsigned level, unsigned d)
{
	unsigned shift = RADIX_BITS * (level - 1);
	uint64_t high;

	high = shift + RADIX_BITS >= 64
	    ? 0
	    : idx & ~((UINT64_C(1) << (shift + RADIX_BITS)) - 1);
	return high | ((uint64_t)d << shift);
}

/* The least height whose tree holds `idx`. */
static inline unsigned
radix_height_for(uint64_t idx)
{
	unsigned bits;

	if (idx == 0)
		return 0;
	bits = 64 - (unsigned)__builtin_clzll(idx);
	return (bits + RADIX_BITS - 1) / RADIX_BITS;
}

static inline uint64_t
radix_bit(unsigned slot)
{
	return UINT64_C(1) << slot;
}

/* Slots of `n` with any of `tags` (0: every used slot). */
static inline uint64_t
radix_node_mask(const struct radix_node *n, unsigned tags)
{
	uint64_t m;
	unsigned t;

	if (tags == 0)
		return n->rn_present;
	m = 0;
	for (t = 0; t < RADIX_NTAGS; t++)
		if ((tags & (1u << t)) != 0)
			m |= n->rn_tags[t];
	return m;
}

/* The tags of slot `s` of `n`, as RADIX_TAG_* bits. */
static inline unsigned
radix_slot_tags(const struct radix_node *n, unsigned s)
{
	unsigned t, tags;

	tags = 0;
	for (t = 0; t < RADIX_NTAGS; t++)
		if ((n->rn_tags[t] & radix_bit(s)) != 0)
			tags |= 1u << t;
	return tags;
}

/* The tags present anywhere below `n`. */
static inline unsigned
radix_node_tags(const struct radix_node *n)
{
	unsigned t, tags;

	tags = 0;
	for (t = 0; t < RADIX_NTAGS; t++)
		if (n->rn_tags[t] != 0)
			tags |= 1u << t;
	return tags;
}

static inline void
radix_slot_settags(struct radix_node *n, unsigned s, unsigned tags)
{
	unsigned t;

	for (t = 0; t < RADIX_NTAGS; t++) {
		if ((tags & (1u << t)) != 0)
			n->rn_tags[t] |= radix_bit(s);
		else
			n->rn_tags[t] &= ~radix_bit(s);
	}
}

/*
 * radix_tree_init: an empty tree.
 */
void
radix_tree_init(struct radix_tree *rt)
{
	KASSERT(rt != NULL);
	memset(rt, 0, sizeof(*rt));
	rt->rt_fisite = -1;
}

/*
 * radix_tree_fini: release an empty tree (nothing to free).
 */
void
radix_tree_fini(struct radix_tree *rt)
{
	KASSERTMSG(rt->rt_count == 0 && rt->rt_root == NULL,
	    "radix tree destroyed with %ju item(s)", (uintmax_t)rt->rt_count);
}

void
radix_tree_set_fi(struct radix_tree *rt, struct kfi *fi, int fisite)
{
	KASSERTMSG(fi == NULL || (fisite >= 0 && fisite < KFI_NSITES),
	    "bad fault-injection site %d", fisite);
	rt->rt_fi = fi;
	rt->rt_fisite = fisite;
}

bool
radix_tree_empty_p(const struct radix_tree *rt)
{
	return rt->rt_count == 0;
}

/*
 * radix_missing_nodes: how many nodes inserting at `idx` needs.
 * => returns -1 (EEXIST) if the index is taken.
 */
static int
radix_missing_nodes(const struct radix_tree *rt, uint64_t idx)
{
	const struct radix_node *n;
	unsigned h, newh, level;

	h = rt->rt_height;
	newh = MAX(h, radix_height_for(idx));
	if (rt->rt_count == 0)
		return (int)newh;
	if (newh > h) {
		/*
		 * The new root's digit for idx is not 0 (newh is the least
		 * height for idx), so idx's path leaves the old tree at the
		 * top: newh - h roots plus a path of newh - 1 nodes.
		 */
		return (int)(newh - h + newh - 1);
	}
	if (h == 0)
		return -1; /* idx 0, taken */
	n = rt->rt_root;
	for (level = h; level > 1; level--) {
		n = n->rn_slots[radix_digit(idx, level)];
		if (n == NULL)
			return (int)(level - 1);
	}
	return (n->rn_slots[radix_digit(idx, 1)] != NULL) ? -1 : 0;
}

/*
 * radix_tree_insert: put `item` at `idx`.
 * => item not NULL; returns 0, EEXIST (index taken) or ENOMEM (a node
 *    allocation failed); on error the tree is unchanged.
 * => never sleeps; the caller's lock protects the tree.
 */
int
radix_tree_insert(struct radix_tree *rt, uint64_t idx, void *item)
{
	struct radix_node *spare[2 * RADIX_MAXH], *n, *root;
	unsigned h, newh, level, d, tags;
	int need, i, used;

	KASSERT(item != NULL);
	need = radix_missing_nodes(rt, idx);
	if (need < 0)
		return EEXIST;
	KASSERT(need <= (int)__arraycount(spare));
	for (i = 0; i < need; i++) {
		if (rt->rt_fi != NULL &&
		    kfi_fail_p(rt->rt_fi, (enum kfi_site)rt->rt_fisite))
			spare[i] = NULL;
		else
			spare[i] = calloc(1, sizeof(struct radix_node));
		if (spare[i] == NULL) {
			while (i-- > 0)
				free(spare[i]);
			return ENOMEM;
		}
	}
	used = 0;

	h = rt->rt_height;
	newh = MAX(h, radix_height_for(idx));
	if (rt->rt_count == 0) {
		rt->rt_root = NULL;
		h = 0;
	}
	/* Grow: push the old root down into slot 0 of new roots. */
	if (rt->rt_count != 0) {
		while (h < newh) {
			root = spare[used++];
			if (h == 0) {
				tags = rt->rt_root_tags;
				rt->rt_root_tags = 0;
			} else
				tags = radix_node_tags(rt->rt_root);
			root->rn_slots[0] = rt->rt_root;
			root->rn_present = radix_bit(0);
			radix_slot_settags(root, 0, tags);
			rt->rt_root = root;
			h++;
		}
	}
	h = newh;
	rt->rt_height = h;
	if (h == 0) {
		KASSERT(idx == 0 && rt->rt_root == NULL);
		rt->rt_root = item;
		rt->rt_root_tags = 0;
		goto done;
	}
	if (rt->rt_root == NULL)
		rt->rt_root = spare[used++];
	n = rt->rt_root;
	for (level = h; level > 1; level--) {
		d = radix_digit(idx, level);
		if (n->rn_slots[d] == NULL) {
			n->rn_slots[d] = spare[used++];
			n->rn_present |= radix_bit(d);
		}
		n = n->rn_slots[d];
	}
	d = radix_digit(idx, 1);
	KASSERT(n->rn_slots[d] == NULL);
	n->rn_slots[d] = item;
	n->rn_present |= radix_bit(d);
	radix_slot_settags(n, d, 0);
done:
	KASSERTMSG(
	    used == need, "radix insert used %d of %d nodes", used, need);
	rt->rt_count++;
	return 0;
}

/*
 * radix_tree_lookup: the item at `idx`, or NULL.
 */
void *
radix_tree_lookup(const struct radix_tree *rt, uint64_t idx)
{
	const struct radix_node *n;
	unsigned level;

	if (rt->rt_height == 0)
		return idx == 0 ? (void *)rt->rt_root : NULL;
	if (radix_height_for(idx) > rt->rt_height)
		return NULL;
	n = rt->rt_root;
	for (level = rt->rt_height; level > 1; level--) {
		n = n->rn_slots[radix_digit(idx, level)];
		if (n == NULL)
			return NULL;
	}
	return n->rn_slots[radix_digit(idx, 1)];
}

/*
 * radix_path: the nodes from the root down to level 1 on idx's path.
 * => path[level] for level h..1; returns false if idx is not present.
 */
static bool
radix_path(const struct radix_tree *rt, uint64_t idx,
    struct radix_node *path[RADIX_MAXH + 1])
{
	struct radix_node *n;
	unsigned level;

	if (rt->rt_height == 0 || radix_height_for(idx) > rt->rt_height)
		return false;
	n = rt->rt_root;
	for (level = rt->rt_height; level >= 1; level--) {
		path[level] = n;
		n = n->rn_slots[radix_digit(idx, level)];
		if (n == NULL)
			return false;
	}
	return true;
}

/*
 * radix_shrink: lower the height while the root uses only slot 0.
 */
static void
radix_shrink(struct radix_tree *rt)
{
	struct radix_node *root;

	while (rt->rt_height > 0) {
		root = rt->rt_root;
		if (root->rn_present != radix_bit(0))
			break;
		rt->rt_root = root->rn_slots[0];
		if (rt->rt_height == 1)
			rt->rt_root_tags = radix_slot_tags(root, 0);
		rt->rt_height--;
		free(root);
	}
}

/*
 * radix_tree_remove: take the item at `idx` out of the tree.
 * => returns it, or NULL if there was none.
 * => frees emptied nodes and lowers the height as far as possible.
 */
void *
radix_tree_remove(struct radix_tree *rt, uint64_t idx)
{
	struct radix_node *path[RADIX_MAXH + 1], *n;
	unsigned level, d, t;
	void *item;

	if (rt->rt_height == 0) {
		if (idx != 0 || rt->rt_root == NULL)
			return NULL;
		item = rt->rt_root;
		rt->rt_root = NULL;
		rt->rt_root_tags = 0;
		rt->rt_count--;
		return item;
	}
	if (!radix_path(rt, idx, path))
		return NULL;
	d = radix_digit(idx, 1);
	item = path[1]->rn_slots[d];
	/* Clear the slot, then fix the ancestors' bitmaps bottom up. */
	for (level = 1; level <= rt->rt_height; level++) {
		n = path[level];
		d = radix_digit(idx, level);
		if (level == 1 || n->rn_slots[d] == NULL) {
			n->rn_slots[d] = NULL;
			n->rn_present &= ~radix_bit(d);
			radix_slot_settags(n, d, 0);
		} else {
			for (t = 0; t < RADIX_NTAGS; t++)
				if (path[level - 1]->rn_tags[t] == 0)
					n->rn_tags[t] &= ~radix_bit(d);
		}
		if (n->rn_present != 0 || level == rt->rt_height)
			continue;
		/* n is empty: free it and clear its slot above. */
		path[level + 1]->rn_slots[radix_digit(idx, level + 1)] = NULL;
		free(n);
	}
	rt->rt_count--;
	if (rt->rt_root->rn_present == 0) {
		free(rt->rt_root);
		rt->rt_root = NULL;
		rt->rt_height = 0;
		rt->rt_root_tags = 0;
	} else
		radix_shrink(rt);
	return item;
}

/*
 * radix_next: the first item at an index >= *idxp in the subtree `n` at
 * `level` with any of `tags` (0: any item).
 * => on success sets *idxp to its index.
 */
static void *
radix_next(
    const struct radix_node *n, unsigned level, uint64_t *idxp, unsigned tags)
{
	uint64_t idx, mask;
	unsigned d, s;
	void *item;

	idx = *idxp;
	d = radix_digit(idx, level);
	mask = radix_node_mask(n, tags) & (~UINT64_C(0) << d);
	while (mask != 0) {
		s = (unsigned)__builtin_ctzll(mask);
		if (s != d)
			idx = radix_with_digit(idx, level, s);
		if (level == 1) {
			*idxp = idx;
			return n->rn_slots[s];
		}
		item = radix_next(n->rn_slots[s], level - 1, &idx, tags);
		if (item != NULL) {
			*idxp = idx;
			return item;
		}
		mask &= mask - 1;
		d = RADIX_FANOUT; /* every later slot starts at its digit 0 */
	}
	return NULL;
}

static unsigned
radix_gang(const struct radix_tree *rt, uint64_t idx, void **results,
    unsigned max, unsigned tags)
{
	unsigned n;
	void *item;

	n = 0;
	if (rt->rt_count == 0 || max == 0)
		return 0;
	if (rt->rt_height == 0) {
		if (idx == 0 && (tags == 0 || (rt->rt_root_tags & tags) != 0))
			results[n++] = rt->rt_root;
		return n;
	}
	if (radix_height_for(idx) > rt->rt_height)
		return 0;
	while (n < max) {
		item = radix_next(rt->rt_root, rt->rt_height, &idx, tags);
		if (item == NULL)
			break;
		results[n++] = item;
		if (idx == UINT64_MAX ||
		    radix_height_for(idx + 1) > rt->rt_height)
			break;
		idx++;
	}
	return n;
}

/*
 * radix_tree_gang_lookup: up to `max` items at indexes >= idx, ascending.
 * => returns how many were stored in results[].
 */
unsigned
radix_tree_gang_lookup(
    const struct radix_tree *rt, uint64_t idx, void **results, unsigned max)
{
	return radix_gang(rt, idx, results, max, 0);
}

/*
 * radix_tree_gang_lookup_tagged: the same, only items with any of `tags`.
 * => skips subtrees without such items.
 */
unsigned
radix_tree_gang_lookup_tagged(const struct radix_tree *rt, uint64_t idx,
    void **results, unsigned max, unsigned tags)
{
	KASSERTMSG(
	    tags != 0 && (tags & ~RADIX_TAGS) == 0, "bad tags %#x", tags);
	return radix_gang(rt, idx, results, max, tags);
}

/*
 * radix_tree_set_tag: set `tag` (RADIX_TAG_* bits) on the item at idx.
 * => the item must be present.
 */
void
radix_tree_set_tag(struct radix_tree *rt, uint64_t idx, unsigned tag)
{
	struct radix_node *path[RADIX_MAXH + 1];
	unsigned level, t;

	KASSERTMSG(tag != 0 && (tag & ~RADIX_TAGS) == 0, "bad tag %#x", tag);
	if (rt->rt_height == 0) {
		KASSERTMSG(idx == 0 && rt->rt_root != NULL,
		    "radix_tree_set_tag: no item at %#jx", (uintmax_t)idx);
		rt->rt_root_tags |= tag;
		return;
	}
	if (!radix_path(rt, idx, path))
		panic("radix_tree_set_tag: no item at %#jx", (uintmax_t)idx);
	for (level = 1; level <= rt->rt_height; level++)
		for (t = 0; t < RADIX_NTAGS; t++)
			if ((tag & (1u << t)) != 0)
				path[level]->rn_tags[t] |=
				    radix_bit(radix_digit(idx, level));
}

/*
 * radix_tree_clear_tag: clear `tag` on the item at idx.
 * => the item must be present.
 */
void
radix_tree_clear_tag(struct radix_tree *rt, uint64_t idx, unsigned tag)
{
	struct radix_node *path[RADIX_MAXH + 1];
	unsigned level, t;

	KASSERTMSG(tag != 0 && (tag & ~RADIX_TAGS) == 0, "bad tag %#x", tag);
	if (rt->rt_height == 0) {
		KASSERTMSG(idx == 0 && rt->rt_root != NULL,
		    "radix_tree_clear_tag: no item at %#jx", (uintmax_t)idx);
		rt->rt_root_tags &= ~tag;
		return;
	}
	if (!radix_path(rt, idx, path))
		panic("radix_tree_clear_tag: no item at %#jx", (uintmax_t)idx);
	for (t = 0; t < RADIX_NTAGS; t++) {
		if ((tag & (1u << t)) == 0)
			continue;
		/* Clear upwards while the subtree below has none left. */
		for (level = 1; level <= rt->rt_height; level++) {
			path[level]->rn_tags[t] &=
			    ~radix_bit(radix_digit(idx, level));
			if (path[level]->rn_tags[t] != 0)
				break;
		}
	}
}

/*
 * radix_tree_get_tag: true if the item at idx has any of `tag`.
 * => false if there is no item.
 */
bool
radix_tree_get_tag(const struct radix_tree *rt, uint64_t idx, unsigned tag)
{
	struct radix_node *path[RADIX_MAXH + 1];

	KASSERTMSG(tag != 0 && (tag & ~RADIX_TAGS) == 0, "bad tag %#x", tag);
	if (rt->rt_height == 0)
		return idx == 0 && rt->rt_root != NULL &&
		    (rt->rt_root_tags & tag) != 0;
	if (!radix_path(rt, idx, path))
		return false;
	return (radix_slot_tags(path[1], radix_digit(idx, 1)) & tag) != 0;
}

/*
 * radix_sanity_node: check the subtree `n` at `level`.
 * => returns its item count; *tagsp gets the tags present below.
 */
static uint64_t
radix_sanity_node(const struct radix_node *n, unsigned level, unsigned *tagsp)
{
	uint64_t count, present;
	unsigned s, t, sub;

	KASSERTMSG(n->rn_present != 0, "radix: empty node %p at level %u",
	    (const void *)n, level);
	count = 0;
	*tagsp = 0;
	for (s = 0; s < RADIX_FANOUT; s++) {
		present = n->rn_present & radix_bit(s);
		KASSERTMSG((present != 0) == (n->rn_slots[s] != NULL),
		    "radix: node %p slot %u: present bit disagrees",
		    (const void *)n, s);
		if (present == 0) {
			KASSERTMSG(radix_slot_tags(n, s) == 0,
			    "radix: node %p slot %u: tag on empty slot",
			    (const void *)n, s);
			continue;
		}
		if (level == 1) {
			count++;
			sub = radix_slot_tags(n, s);
		} else {
			count +=
			    radix_sanity_node(n->rn_slots[s], level - 1, &sub);
			for (t = 0; t < RADIX_NTAGS; t++)
				KASSERTMSG(((sub >> t) & 1) ==
					((n->rn_tags[t] >> s) & 1),
				    "radix: node %p slot %u: tag %u summary "
				    "wrong",
				    (const void *)n, s, t);
		}
		*tagsp |= sub;
	}
	return count;
}

/*
 * radix_tree_sanity: check the tree's invariants.
 * => item count; present bitmaps match the slots; no empty node; tag
 *    summaries exact; height minimal (the root uses a slot other than 0);
 *    height 0 has no root tags without an item.
 */
void
radix_tree_sanity(const struct radix_tree *rt)
{
	uint64_t count;
	unsigned tags;

	KASSERTMSG(
	    rt->rt_height <= RADIX_MAXH, "radix: height %u", rt->rt_height);
	if (rt->rt_height == 0) {
		KASSERTMSG(rt->rt_count == (rt->rt_root != NULL ? 1u : 0u),
		    "radix: count %ju at height 0", (uintmax_t)rt->rt_count);
		KASSERTMSG(rt->rt_root != NULL || rt->rt_root_tags == 0,
		    "radix: root tags without an item");
		return;
	}
	KASSERTMSG(rt->rt_root != NULL, "radix: height %u without a root",
	    rt->rt_height);
	KASSERTMSG(rt->rt_root_tags == 0, "radix: stale root tags");
	KASSERTMSG((rt->rt_root->rn_present & ~radix_bit(0)) != 0,
	    "radix: height %u is not minimal", rt->rt_height);
	count = radix_sanity_node(rt->rt_root, rt->rt_height, &tags);
	KASSERTMSG(count == rt->rt_count, "radix: %ju items, count %ju",
	    (uintmax_t)count, (uintmax_t)rt->rt_count);
}
