/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_swap.c: swap devices on host files, the slot allocator, swap I/O.
 *
 * This file owns the machine's swap state (struct uvm_swap_state behind
 * uvm->u_swap): the configured devices, their slot maps, and the swap
 * counters of uvmexp (see uvm_swap.h for which ones).
 *
 * Devices.  A device is a regular host file opened read/write; slot i of
 * the device is the page at file offset i * pagesize.  Unlike NetBSD we
 * do not reserve the device's first page: NetBSD keeps it to protect a
 * disklabel, and a host file has none.  Every device gets a contiguous
 * range of machine-wide slot numbers [sd_base, sd_base + sd_nslots), the
 * lowest free range (first fit) starting at 1, so 0 never names a slot.
 * The devices sit on one list sorted by priority, highest first; within a
 * priority the list order is the round-robin order: a device that has just
 * given out slots moves behind the last device of its priority.
 *
 * Slot allocator.  Per device, a bitmap (1 = free) and a segment tree over
 * its 64-bit words.  Each tree node describes its range of slots with the
 * length of the free run at its start (pre), at its end (suf) and the
 * longest free run anywhere inside (max):
 *
 *	node.pre = L.pre == |L| ? |L| + R.pre : L.pre
 *	node.suf = R.suf == |R| ? |R| + L.suf : R.suf
 *	node.max = max(L.max, R.max, L.suf + R.pre)
 *
 * Finding the leftmost run of k free slots walks down from the root: into
 * the left child if its max >= k, else the run that straddles the two
 * children if L.suf + R.pre >= k (it starts at mid - L.suf), else into the
 * right child; at a leaf a few shifts and ands find the run in the word.
 * Allocation and free update one path per word touched: O(log n) for runs
 * of a bounded length, and the root's max tells in O(1) whether a device
 * can take a cluster at all.  Runs may cross word boundaries, so clusters
 * of up to UVM_SWAP_MAXCLUSTER slots are found anywhere.  Alternatives
 * rejected: a free-extent tree (also O(log n), but it allocates nodes on
 * free, which can fail, and it needs a second index by size to find a run
 * of k quickly); NetBSD's blist (a radix tree of bitmaps) finds runs only
 * up to its leaf size without extra work.  Memory: one bit per slot plus
 * 24 bytes per 64 slots (under 5 bits per slot).
 *
 * Bad slots keep their bit clear in the free map and are also set in a
 * bad map, so the allocator never sees them again and the checker can
 * tell them from in-use slots.
 *
 * I/O.  A run of slots lies on one device at consecutive file offsets, so
 * a clustered write is one pwritev() whose vector points straight at the
 * pages' contents (no bounce copy); short transfers continue where they
 * stopped.  The swap lock is held only to look up the device: the slots
 * are in use, so nobody can remove the device under the I/O (a drain
 * frees a slot only after its owner's I/O).  A write error of any kind
 * marks the whole run bad and returns EIO; the caller still has its
 * pages.  A read error returns EIO and changes nothing.
 *
 * Removal.  A device with slots in use is drained first: it stops
 * giving out slots (sd_draining) and uvm_swap_drain() (uvm_pdaemon.c)
 * brings every page stored on it back into memory, freeing its slots;
 * the page daemon later pages them out to the other devices.  If slots
 * are still in use afterwards (memory or I/O trouble) the removal fails
 * with EBUSY and the device is used again; nothing is lost.  Bad slots do
 * not prevent removal; they go away with the device.
 *
 * Locking: ss_lock (LC_SWAP) protects the device list, every device's
 * maps and counts, and the swap counters.  Nothing else is taken under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "uvm.h"
#include "uvm_page.h"
#include "uvm_pdaemon.h"
#include "uvm_swap.h"

#define SWAP_WORDBITS 64
#define SWAP_MAXSLOTS ((uint64_t)1 << 31) /* per device: fits the tree */

/*
 * A swap device.  [c] constant while configured, [s] ss_lock.
 * Invariants (uvm_swap_sanity): the free map has exactly
 * sd_nslots - sd_inuse - sd_nbad bits set, none at or beyond sd_nslots;
 * the bad map has sd_nbad bits set, each on a slot that is not free; every
 * tree node equals the combination of its children (leaves: of their
 * word).
 */
struct swapdev {
	TAILQ_ENTRY(swapdev) sd_list;    /* [s] priority/round-robin order */
	char *sd_path;                   /* [c] as given to uvm_swap_add() */
	int sd_fd;                       /* [c] open read/write */
	dev_t sd_dev;                    /* [c] identity of the host file */
	ino_t sd_ino;                    /* [c] */
	int sd_priority;                 /* [c] higher is used first */
	unsigned sd_id;                  /* [c] order of addition */
	uint64_t sd_base;                /* [c] first machine-wide slot */
	uint64_t sd_nslots;              /* [c] slots (pages) */
	uint64_t sd_inuse;               /* [s] slots allocated */
	uint64_t sd_nbad;                /* [s] slots marked bad */
	uint64_t sd_nwords;              /* [c] words in each map */
	uint64_t sd_nleaves;             /* [c] tree leaves, a power of two */
	uint64_t *sd_free;               /* [s] 1 = free */
	uint64_t *sd_bad;                /* [s] 1 = bad */
	uint32_t *sd_pre;                /* [s] tree: free run at start */
	uint32_t *sd_suf;                /* [s] tree: free run at end */
	uint32_t *sd_max;                /* [s] tree: longest free run */
	bool sd_draining;                /* [s] uvm_swap_remove() drains it:
					    no slots handed out */
	uint64_t sd_nput, sd_nget;       /* [s] pages written, read */
	uint64_t sd_nputerr, sd_ngeterr; /* [s] failed writes, reads */
};

/*
 * The machine's swap state.  Invariants: ss_ndevs devices on ss_devs,
 * sorted by priority (highest first), with disjoint slot ranges inside
 * [1, 2^64); the uvmexp counters swpages, swpginuse, swpgbad and nswapdev
 * are the sums over the devices.
 */
struct uvm_swap_state {
	struct kmutex ss_lock;
	TAILQ_HEAD(, swapdev) ss_devs; /* [s] */
	unsigned ss_ndevs;             /* [s] */
	unsigned ss_nextid;            /* [s] id of the next device */
};

/*
 * Slot maps.
 */

/* Longest run of ones in w. */
static uint32_t
swap_word_maxrun(uint64_t w)
{
	uint32_t n = 0;

	while (w != 0) {
		w &= w >> 1;
		n++;
	}
	return n;
}

/* Ones at the low end of w (slot order starts at bit 0). */
static inline uint32_t
swap_word_pre(uint64_t w)
{
	return ~w == 0 ? SWAP_WORDBITS : (uint32_t)__builtin_ctzll(~w);
}

/* Ones at the high end of w. */
static inline uint32_t
swap_word_suf(uint64_t w)
{
	return ~w == 0 ? SWAP_WORDBITS : (uint32_t)__builtin_clzll(~w);
}

/* Lowest bit where a run of k (1..64) ones starts in w, or -1. */
static int
swap_word_findrun(uint64_t w, unsigned k)
{
	uint64_t y = w;
	unsigned len = 1, s;

	/* Afterwards bit i of y is set iff bits i..i+len-1 of w are. */
	while (len < k && y != 0) {
		s = MIN(len, k - len);
		y &= y >> s;
		len += s;
	}
	return y == 0 ? -1 : __builtin_ctzll(y);
}

static void
swap_node_combine(struct swapdev *sd, uint64_t n, uint64_t halflen)
{
	uint64_t l = 2 * n, r = 2 * n + 1;

	sd->sd_pre[n] = sd->sd_pre[l] == halflen
	    ? (uint32_t)(halflen + sd->sd_pre[r])
	    : sd->sd_pre[l];
	sd->sd_suf[n] = sd->sd_suf[r] == halflen
	    ? (uint32_t)(halflen + sd->sd_suf[l])
	    : sd->sd_suf[r];
	sd->sd_max[n] = MAX(
	    MAX(sd->sd_max[l], sd->sd_max[r]), sd->sd_suf[l] + sd->sd_pre[r]);
}

static void
swap_leaf_set(struct swapdev *sd, uint64_t word)
{
	uint64_t w = word < sd->sd_nwords ? sd->sd_free[word] : 0;
	uint64_t n = sd->sd_nleaves + word;

	sd->sd_pre[n] = swap_word_pre(w);
	sd->sd_suf[n] = swap_word_suf(w);
	sd->sd_max[n] = swap_word_maxrun(w);
}

/* Recompute the leaves of words [w0, w1] and their ancestors. */
static void
swap_tree_update(struct swapdev *sd, uint64_t w0, uint64_t w1)
{
	uint64_t lo, hi, n, halflen = SWAP_WORDBITS;

	for (n = w0; n <= w1; n++)
		swap_leaf_set(sd, n);
	lo = (sd->sd_nleaves + w0) >> 1;
	hi = (sd->sd_nleaves + w1) >> 1;
	while (lo >= 1) {
		for (n = lo; n <= hi; n++)
			swap_node_combine(sd, n, halflen);
		lo >>= 1;
		hi >>= 1;
		halflen *= 2;
	}
}

/* Build the whole tree from the free map. */
static void
swap_tree_build(struct swapdev *sd)
{
	uint64_t n, level, halflen = SWAP_WORDBITS;

	for (n = 0; n < sd->sd_nleaves; n++)
		swap_leaf_set(sd, n);
	for (level = sd->sd_nleaves / 2; level >= 1; level /= 2) {
		for (n = level; n < 2 * level; n++)
			swap_node_combine(sd, n, halflen);
		halflen *= 2;
	}
}

/*
 * swap_tree_find: leftmost run of k free slots on sd.
 * => returns its first device-relative slot, or -1
 */
static int64_t
swap_tree_find(const struct swapdev *sd, unsigned k)
{
	uint64_t n = 1, start = 0, len = sd->sd_nleaves * SWAP_WORDBITS;
	int bit;

	if (sd->sd_max[1] < k)
		return -1;
	while (n < sd->sd_nleaves) {
		uint64_t l = 2 * n, r = 2 * n + 1, half = len / 2;

		if (sd->sd_max[l] >= k) {
			n = l;
		} else if (sd->sd_suf[l] + sd->sd_pre[r] >= k) {
			return (int64_t)(start + half - sd->sd_suf[l]);
		} else {
			KASSERT(sd->sd_max[r] >= k);
			n = r;
			start += half;
		}
		len = half;
	}
	bit = swap_word_findrun(sd->sd_free[n - sd->sd_nleaves], k);
	KASSERTMSG(bit >= 0, "swap: tree and map disagree at word %llu",
	    (unsigned long long)(n - sd->sd_nleaves));
	return (int64_t)(start + (uint64_t)bit);
}

/* Set (free) or clear (allocate) bits [s, s + n) of a map. */
static void
swap_map_change(uint64_t *map, uint64_t s, uint64_t n, bool set)
{
	while (n > 0) {
		uint64_t w = s / SWAP_WORDBITS;
		unsigned b = (unsigned)(s % SWAP_WORDBITS);
		unsigned cnt = (unsigned)MIN(n, (uint64_t)(SWAP_WORDBITS - b));
		uint64_t mask =
		    (cnt == SWAP_WORDBITS ? ~(uint64_t)0
					  : (((uint64_t)1 << cnt) - 1))
		    << b;

		if (set)
			map[w] |= mask;
		else
			map[w] &= ~mask;
		s += cnt;
		n -= cnt;
	}
}

/* Are all bits [s, s + n) of map equal to `set`? */
static bool
swap_map_all_p(const uint64_t *map, uint64_t s, uint64_t n, bool set)
{
	uint64_t i;

	for (i = s; i < s + n; i++) {
		bool bit = (map[i / SWAP_WORDBITS] >> (i % SWAP_WORDBITS)) & 1;

		if (bit != set)
			return false;
	}
	return true;
}

/*
 * Devices.
 */

static void
swapdev_free(struct swapdev *sd)
{
	if (sd->sd_fd >= 0)
		(void)close(sd->sd_fd);
	free(sd->sd_path);
	free(sd->sd_free);
	free(sd->sd_bad);
	free(sd->sd_pre);
	free(sd->sd_suf);
	free(sd->sd_max);
	free(sd);
}

/* A device with nslots slots, all free; NULL if out of host memory. */
static struct swapdev *
swapdev_alloc(const char *path, uint64_t nslots)
{
	struct swapdev *sd;
	uint64_t nleaves = 1;

	sd = calloc(1, sizeof(*sd));
	if (sd == NULL)
		return NULL;
	sd->sd_fd = -1;
	sd->sd_nslots = nslots;
	sd->sd_nwords = (nslots + SWAP_WORDBITS - 1) / SWAP_WORDBITS;
	while (nleaves < sd->sd_nwords)
		nleaves *= 2;
	sd->sd_nleaves = nleaves;
	sd->sd_path = strdup(path);
	sd->sd_free = calloc(sd->sd_nwords, sizeof(uint64_t));
	sd->sd_bad = calloc(sd->sd_nwords, sizeof(uint64_t));
	sd->sd_pre = calloc(2 * nleaves, sizeof(uint32_t));
	sd->sd_suf = calloc(2 * nleaves, sizeof(uint32_t));
	sd->sd_max = calloc(2 * nleaves, sizeof(uint32_t));
	if (sd->sd_path == NULL || sd->sd_free == NULL || sd->sd_bad == NULL ||
	    sd->sd_pre == NULL || sd->sd_suf == NULL || sd->sd_max == NULL) {
		swapdev_free(sd);
		return NULL;
	}
	swap_map_change(sd->sd_free, 0, nslots, true);
	swap_tree_build(sd);
	return sd;
}

/* The device holding machine-wide slot `slot`, or NULL. */
static struct swapdev *
swap_lookup(struct uvm_swap_state *ss, uint64_t slot)
{
	struct swapdev *sd;

	KASSERT(mutex_owned(&ss->ss_lock));
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		if (slot >= sd->sd_base && slot - sd->sd_base < sd->sd_nslots)
			return sd;
	}
	return NULL;
}

/*
 * swap_lookup_inuse: the device holding in-use slots [start, start + n).
 * A caller's bug (a run off any device, or a slot not in use) releases
 * the swap lock before it panics, so that a test expecting the panic
 * leaves no lock behind.
 * => swap lock held on entry, and on return
 */
static struct swapdev *
swap_lookup_inuse(
    struct uvm_swap_state *ss, uint64_t start, uint64_t n, const char *what)
{
	struct swapdev *sd = swap_lookup(ss, start);
	uint64_t s;

	if (sd == NULL || n == 0 || n > sd->sd_nslots - (start - sd->sd_base)) {
		mutex_exit(&ss->ss_lock);
		panic("%s: slots [%llu, +%llu) are not on one swap device",
		    what, (unsigned long long)start, (unsigned long long)n);
	}
	s = start - sd->sd_base;
	if (!swap_map_all_p(sd->sd_free, s, n, false) ||
	    !swap_map_all_p(sd->sd_bad, s, n, false)) {
		mutex_exit(&ss->ss_lock);
		panic("%s: slots [%llu, +%llu) are not all in use", what,
		    (unsigned long long)start, (unsigned long long)n);
	}
	return sd;
}

/* Lowest machine-wide base with room for n slots (first fit). */
static uint64_t
swap_find_base(struct uvm_swap_state *ss, uint64_t n)
{
	struct swapdev *sd;
	uint64_t base = 1;
	bool moved;

	do {
		moved = false;
		TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
			if (base < sd->sd_base + sd->sd_nslots &&
			    sd->sd_base < base + n) {
				base = sd->sd_base + sd->sd_nslots;
				moved = true;
			}
		}
	} while (moved);
	return base;
}

/* Insert sd behind the last device of priority >= its own. */
static void
swap_insert_sorted(struct uvm_swap_state *ss, struct swapdev *sd)
{
	struct swapdev *it;

	TAILQ_FOREACH (it, &ss->ss_devs, sd_list) {
		if (it->sd_priority < sd->sd_priority) {
			TAILQ_INSERT_BEFORE(it, sd, sd_list);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&ss->ss_devs, sd, sd_list);
}

/* The configured device for this path or host file, or NULL. */
static struct swapdev *
swap_find_dev(
    struct uvm_swap_state *ss, const char *path, const struct stat *st)
{
	struct swapdev *sd;

	KASSERT(mutex_owned(&ss->ss_lock));
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		if (strcmp(sd->sd_path, path) == 0)
			return sd;
		if (st != NULL && sd->sd_dev == st->st_dev &&
		    sd->sd_ino == st->st_ino)
			return sd;
	}
	return NULL;
}

/*
 * uvm_swap_add: see include/uvm/uvm_swap.h.
 * => takes the swap lock; may sleep in host I/O (open, ftruncate)
 */
int
uvm_swap_add(struct uvm *uvm, const char *path, int priority, uint64_t size)
{
	struct uvm_swap_state *ss;
	struct swapdev *sd = NULL;
	struct stat st;
	uint64_t nslots;
	bool created = false;
	int fd = -1, error;

	if (uvm == NULL || (ss = uvm->u_swap) == NULL || path == NULL ||
	    path[0] == '\0')
		return EINVAL;
	if (strlen(path) >= UVM_SWAP_PATHMAX)
		return ENAMETOOLONG;
	if (size != 0 && size < uvm->u_pagesize)
		return EINVAL;

	/* Open (creating if a size was given) and identify the file. */
	if (size != 0) {
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			created = true;
		else if (errno == EEXIST)
			fd = open(path, O_RDWR | O_CLOEXEC);
	} else {
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0) {
		error = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		error = EINVAL;
		goto fail;
	}
	if (size == 0)
		size = (uint64_t)st.st_size;
	nslots = size >> uvm->u_pageshift;
	if (nslots == 0) {
		error = EINVAL;
		goto fail;
	}
	if (nslots > SWAP_MAXSLOTS) {
		error = EFBIG;
		goto fail;
	}
	mutex_enter(&ss->ss_lock);
	sd = swap_find_dev(ss, path, &st);
	mutex_exit(&ss->ss_lock);
	if (sd != NULL) {
		sd = NULL;
		error = EEXIST;
		goto fail;
	}
	if ((uint64_t)st.st_size < nslots << uvm->u_pageshift &&
	    ftruncate(fd, (off_t)(nslots << uvm->u_pageshift)) != 0) {
		error = errno;
		goto fail;
	}
	sd = swapdev_alloc(path, nslots);
	if (sd == NULL) {
		error = ENOMEM;
		goto fail;
	}
	sd->sd_fd = fd;
	sd->sd_dev = st.st_dev;
	sd->sd_ino = st.st_ino;
	sd->sd_priority = priority;

	mutex_enter(&ss->ss_lock);
	if (swap_find_dev(ss, path, &st) != NULL) {
		/* Somebody added the same file meanwhile. */
		mutex_exit(&ss->ss_lock);
		sd->sd_fd = -1;
		swapdev_free(sd);
		sd = NULL;
		error = EEXIST;
		goto fail;
	}
	sd->sd_id = ss->ss_nextid++;
	sd->sd_base = swap_find_base(ss, nslots);
	swap_insert_sorted(ss, sd);
	ss->ss_ndevs++;
	uvm_cnt_add(uvm, swpages, nslots);
	uvm_cnt_inc(uvm, nswapdev);
	mutex_exit(&ss->ss_lock);
	UVMHIST(uvm, "swap_add id %d slots %#llx base %#llx prio %d",
	    (long long)sd->sd_id, (long long)nslots, (long long)sd->sd_base,
	    (long long)priority);
	return 0;

fail:
	(void)close(fd);
	if (created)
		(void)unlink(path);
	return error;
}

/*
 * uvm_swap_remove: see include/uvm/uvm_swap.h.
 * => takes the swap lock
 */
int
uvm_swap_remove(struct uvm *uvm, const char *path)
{
	struct uvm_swap_state *ss;
	struct swapdev *sd;
	struct stat st;
	bool havest;

	if (uvm == NULL || (ss = uvm->u_swap) == NULL || path == NULL ||
	    path[0] == '\0')
		return EINVAL;
	havest = stat(path, &st) == 0;
	mutex_enter(&ss->ss_lock);
	sd = swap_find_dev(ss, path, havest ? &st : NULL);
	if (sd == NULL) {
		mutex_exit(&ss->ss_lock);
		return ENOENT;
	}
	if (sd->sd_draining) {
		mutex_exit(&ss->ss_lock);
		return EBUSY; /* another removal is draining it */
	}
	if (sd->sd_inuse > 0) {
		uint64_t base = sd->sd_base, n = sd->sd_nslots;

		/*
		 * Bring its pages back (uvm_pdaemon.c).  While it drains
		 * the device gives out no slots, and nobody else removes
		 * it, so sd stays valid.
		 */
		sd->sd_draining = true;
		mutex_exit(&ss->ss_lock);
		(void)uvm_swap_drain(uvm, base, base + n);
		mutex_enter(&ss->ss_lock);
		sd->sd_draining = false;
		if (sd->sd_inuse > 0) {
			mutex_exit(&ss->ss_lock);
			return EBUSY;
		}
	}
	TAILQ_REMOVE(&ss->ss_devs, sd, sd_list);
	ss->ss_ndevs--;
	uvm_cnt_add(uvm, swpages, -(int64_t)sd->sd_nslots);
	uvm_cnt_add(uvm, swpgbad, -(int64_t)sd->sd_nbad);
	uvm_cnt_dec(uvm, nswapdev);
	mutex_exit(&ss->ss_lock);
	UVMHIST(uvm, "swap_remove id %d", (long long)sd->sd_id, 0, 0, 0);
	swapdev_free(sd);
	return 0;
}

/*
 * uvm_swap_list: see include/uvm/uvm_swap.h.
 * => takes the swap lock
 */
int
uvm_swap_list(
    struct uvm *uvm, struct uvm_swapent *ents, unsigned max, unsigned *ndevsp)
{
	struct uvm_swap_state *ss;
	struct swapdev *sd;
	unsigned i, j, n = 0;

	if (uvm == NULL || (ss = uvm->u_swap) == NULL || ndevsp == NULL ||
	    (ents == NULL && max > 0))
		return EINVAL;
	mutex_enter(&ss->ss_lock);
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		struct uvm_swapent se;

		if (n >= max) {
			n++;
			continue;
		}
		memset(&se, 0, sizeof(se));
		snprintf(se.se_path, sizeof(se.se_path), "%s", sd->sd_path);
		se.se_priority = sd->sd_priority;
		se.se_id = sd->sd_id;
		se.se_nslots = sd->sd_nslots;
		se.se_inuse = sd->sd_inuse;
		se.se_bad = sd->sd_nbad;
		se.se_firstslot = sd->sd_base;
		/* Insertion sort: the list is in round-robin order. */
		for (i = n; i > 0; i--) {
			const struct uvm_swapent *p = &ents[i - 1];

			if (p->se_priority > se.se_priority ||
			    (p->se_priority == se.se_priority &&
				p->se_id < se.se_id))
				break;
		}
		for (j = n; j > i; j--)
			ents[j] = ents[j - 1];
		ents[i] = se;
		n++;
	}
	*ndevsp = ss->ss_ndevs;
	mutex_exit(&ss->ss_lock);
	return 0;
}

/*
 * Slots.
 */

/* Take n slots at device slot s (known free) and account for them. */
static uint64_t
swap_take(struct uvm *uvm, struct uvm_swap_state *ss, struct swapdev *sd,
    uint64_t s, unsigned n)
{
	struct swapdev *it, *last = sd;

	KASSERT(swap_map_all_p(sd->sd_free, s, n, true));
	swap_map_change(sd->sd_free, s, n, false);
	swap_tree_update(sd, s / SWAP_WORDBITS, (s + n - 1) / SWAP_WORDBITS);
	sd->sd_inuse += n;
	uvm_cnt_add(uvm, swpginuse, n);
	/* Round robin: behind the last device of the same priority. */
	for (it = TAILQ_NEXT(sd, sd_list);
	     it != NULL && it->sd_priority == sd->sd_priority;
	     it = TAILQ_NEXT(it, sd_list))
		last = it;
	if (last != sd) {
		TAILQ_REMOVE(&ss->ss_devs, sd, sd_list);
		TAILQ_INSERT_AFTER(&ss->ss_devs, last, sd, sd_list);
	}
	return sd->sd_base + s;
}

/*
 * uvm_swap_alloc: see uvm_swap.h.
 * => takes the swap lock; never sleeps
 */
uint64_t
uvm_swap_alloc(struct uvm *uvm, unsigned *nslots, bool lessok)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;
	unsigned n = *nslots, best;
	int64_t s;
	uint64_t slot = 0;

	KASSERT(ss != NULL);
	KASSERTMSG(
	    n >= 1 && n <= UVM_SWAP_MAXCLUSTER, "uvm_swap_alloc: %u slots", n);
	if (kfi_fail_p(&uvm->u_fi, KFI_SWAPSLOT))
		return 0;
	mutex_enter(&ss->ss_lock);
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		if (sd->sd_draining)
			continue;
		if ((s = swap_tree_find(sd, n)) >= 0) {
			slot = swap_take(uvm, ss, sd, (uint64_t)s, n);
			goto out;
		}
	}
	if (!lessok)
		goto out;
	/* No device has the whole run: the first with any free slot. */
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		if (sd->sd_draining)
			continue;
		best = MIN(n, sd->sd_max[1]);
		if (best > 0) {
			s = swap_tree_find(sd, best);
			KASSERT(s >= 0);
			slot = swap_take(uvm, ss, sd, (uint64_t)s, best);
			*nslots = best;
			goto out;
		}
	}
out:
	mutex_exit(&ss->ss_lock);
	return slot;
}

/*
 * uvm_swap_free: see uvm_swap.h.
 * => takes the swap lock; panics if a slot is not in use
 */
void
uvm_swap_free(struct uvm *uvm, uint64_t start, unsigned n)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;
	uint64_t s;

	KASSERT(ss != NULL);
	KASSERT(start != 0 && n > 0);
	mutex_enter(&ss->ss_lock);
	sd = swap_lookup_inuse(ss, start, n, "uvm_swap_free");
	s = start - sd->sd_base;
	swap_map_change(sd->sd_free, s, n, true);
	swap_tree_update(sd, s / SWAP_WORDBITS, (s + n - 1) / SWAP_WORDBITS);
	KASSERT(sd->sd_inuse >= n);
	sd->sd_inuse -= n;
	uvm_cnt_add(uvm, swpginuse, -(int64_t)n);
	mutex_exit(&ss->ss_lock);
}

/*
 * uvm_swap_markbad: see uvm_swap.h.
 * => takes the swap lock; panics if a slot is not in use
 */
void
uvm_swap_markbad(struct uvm *uvm, uint64_t start, unsigned n)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;
	uint64_t s;

	KASSERT(ss != NULL);
	KASSERT(start != 0 && n > 0);
	mutex_enter(&ss->ss_lock);
	sd = swap_lookup_inuse(ss, start, n, "uvm_swap_markbad");
	s = start - sd->sd_base;
	swap_map_change(sd->sd_bad, s, n, true);
	KASSERT(sd->sd_inuse >= n);
	sd->sd_inuse -= n;
	sd->sd_nbad += n;
	uvm_cnt_add(uvm, swpginuse, -(int64_t)n);
	uvm_cnt_add(uvm, swpgbad, n);
	mutex_exit(&ss->ss_lock);
	UVMHIST(uvm, "swap_markbad %#llx +%d", (long long)start, (long long)n,
	    0, 0);
}

bool
uvm_swap_slot_inuse_p(struct uvm *uvm, uint64_t slot)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;
	bool inuse = false;
	uint64_t s;

	if (ss == NULL || slot == 0)
		return false;
	mutex_enter(&ss->ss_lock);
	if ((sd = swap_lookup(ss, slot)) != NULL) {
		s = slot - sd->sd_base;
		inuse = swap_map_all_p(sd->sd_free, s, 1, false) &&
		    swap_map_all_p(sd->sd_bad, s, 1, false);
	}
	mutex_exit(&ss->ss_lock);
	return inuse;
}

uint64_t
uvm_swap_nfree(struct uvm *uvm)
{
	int64_t n = uvm_cnt_get(uvm, swpages) - uvm_cnt_get(uvm, swpginuse) -
	    uvm_cnt_get(uvm, swpgbad);

	return n > 0 ? (uint64_t)n : 0;
}

bool
uvm_swapisfull(struct uvm *uvm)
{
	return uvm_cnt_get(uvm, swpgonly) + uvm_cnt_get(uvm, swpgbad) >=
	    uvm_cnt_get(uvm, swpages);
}

/*
 * I/O.
 */

/*
 * swap_io_prepare: check that [start, start + n) is in use on one device
 * and return that device's descriptor and the run's file offset.
 */
static int
swap_io_prepare(
    struct uvm *uvm, uint64_t start, unsigned n, const char *what, off_t *offp)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;
	uint64_t s;
	int fd;

	KASSERT(ss != NULL);
	KASSERTMSG(start != 0 && n >= 1 && n <= UVM_SWAP_MAXCLUSTER,
	    "%s: slots [%llu, +%u)", what, (unsigned long long)start, n);
	mutex_enter(&ss->ss_lock);
	sd = swap_lookup_inuse(ss, start, n, what);
	s = start - sd->sd_base;
	fd = sd->sd_fd;
	mutex_exit(&ss->ss_lock);
	*offp = (off_t)(s << uvm->u_pageshift);
	return fd;
}

/* Count a finished transfer on the device (statistics only). */
static void
swap_io_account(
    struct uvm *uvm, uint64_t start, unsigned n, bool write, bool failed)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;

	mutex_enter(&ss->ss_lock);
	sd = swap_lookup(ss, start);
	KASSERT(sd != NULL);
	if (write && failed)
		sd->sd_nputerr++;
	else if (write)
		sd->sd_nput += n;
	else if (failed)
		sd->sd_ngeterr++;
	else
		sd->sd_nget += n;
	mutex_exit(&ss->ss_lock);
}

/*
 * swap_rw: move n pages between the file and the pages' contents with
 * vectored I/O, continuing after short transfers.
 * => returns 0 or the host errno (EIO for an unexpected end of file)
 */
static int
swap_rw(struct uvm *uvm, int fd, off_t off, struct vm_page **pages, unsigned n,
    bool write)
{
	struct iovec iov[UVM_SWAP_MAXCLUSTER];
	struct iovec *v = iov;
	unsigned i, nv = n;
	ssize_t done;

	CTASSERT(UVM_SWAP_MAXCLUSTER <= IOV_MAX);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = uvm_page_hostaddr(uvm, pages[i]);
		iov[i].iov_len = uvm->u_pagesize;
		KASSERT(iov[i].iov_base != NULL);
	}
	while (nv > 0) {
		done = write ? pwritev(fd, v, (int)nv, off)
			     : preadv(fd, v, (int)nv, off);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (done == 0)
			return EIO;
		off += done;
		while (nv > 0 && (size_t)done >= v->iov_len) {
			done -= (ssize_t)v->iov_len;
			v++;
			nv--;
		}
		if (nv > 0 && done > 0) {
			v->iov_base = (char *)v->iov_base + done;
			v->iov_len -= (size_t)done;
		}
	}
	return 0;
}

/*
 * swap_io: write (page-out) or read (page-in) n pages at slots start...
 * => no locks required; the swap lock is taken briefly; sleeps in I/O
 * => 0 or EIO; a failed write marks its slots bad
 */
static int
swap_io(struct uvm *uvm, uint64_t start, struct vm_page **pages, unsigned n,
    bool write)
{
	off_t off;
	int fd, error;

	KASSERT(pages != NULL);
	fd = swap_io_prepare(
	    uvm, start, n, write ? "uvm_swap_put" : "uvm_swap_get", &off);
	if (kfi_fail_p(&uvm->u_fi, write ? KFI_PGIO_WRITE : KFI_PGIO_READ))
		error = EIO;
	else
		error = swap_rw(uvm, fd, off, pages, n, write);
	swap_io_account(uvm, start, n, write, error != 0);
	if (error != 0) {
		UVMHIST(uvm, "swap_io %#llx +%d write %d: error %d",
		    (long long)start, (long long)n, (long long)write,
		    (long long)error);
		if (write)
			uvm_swap_markbad(uvm, start, n);
		return EIO;
	}
	if (write) {
		uvm_cnt_inc(uvm, swapouts);
		uvm_cnt_add(uvm, pgswapout, n);
	} else {
		uvm_cnt_inc(uvm, swapins);
		uvm_cnt_add(uvm, pgswapin, n);
	}
	return 0;
}

/* uvm_swap_put: see uvm_swap.h. */
int
uvm_swap_put(
    struct uvm *uvm, uint64_t start, struct vm_page **pages, unsigned n)
{
	return swap_io(uvm, start, pages, n, true);
}

/* uvm_swap_getpages: see uvm_swap.h. */
int
uvm_swap_getpages(
    struct uvm *uvm, uint64_t start, struct vm_page **pages, unsigned n)
{
	return swap_io(uvm, start, pages, n, false);
}

int
uvm_swap_get(struct uvm *uvm, struct vm_page *pg, uint64_t slot)
{
	return uvm_swap_getpages(uvm, slot, &pg, 1);
}

/*
 * Machine setup and teardown.
 */

/*
 * uvm_swap_init: set up the swap state and add the configured devices.
 * => 0, or the error of the first device that could not be added (then
 *    nothing is left behind)
 */
int
uvm_swap_init(struct uvm *uvm)
{
	struct uvm_swap_state *ss;
	const struct uvm_config_swap *cw;
	unsigned i;
	int error;

	KASSERT(uvm->u_swap == NULL);
	ss = calloc(1, sizeof(*ss));
	if (ss == NULL)
		return ENOMEM;
	mutex_init(&ss->ss_lock, LC_SWAP, "swap");
	TAILQ_INIT(&ss->ss_devs);
	uvm->u_swap = ss;
	for (i = 0; i < uvm->u_cfg.uc_nswap; i++) {
		cw = &uvm->u_cfg.uc_swap[i];
		error = uvm_swap_add(
		    uvm, cw->cw_path, cw->cw_priority, cw->cw_size);
		if (error != 0) {
			uvm_set_error("swap: cannot add swap[%u] \"%s\": %s", i,
			    cw->cw_path, strerror(error));
			uvm_swap_fini(uvm);
			return error;
		}
	}
	return 0;
}

/*
 * uvm_swap_fini: drop every device (their files stay) and the state.
 * => slots still in use at this point are simply forgotten: the machine
 *    is going away
 */
void
uvm_swap_fini(struct uvm *uvm)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;

	if (ss == NULL)
		return;
	while ((sd = TAILQ_FIRST(&ss->ss_devs)) != NULL) {
		TAILQ_REMOVE(&ss->ss_devs, sd, sd_list);
		uvm_cnt_add(uvm, swpages, -(int64_t)sd->sd_nslots);
		uvm_cnt_add(uvm, swpginuse, -(int64_t)sd->sd_inuse);
		uvm_cnt_add(uvm, swpgbad, -(int64_t)sd->sd_nbad);
		uvm_cnt_dec(uvm, nswapdev);
		swapdev_free(sd);
	}
	mutex_destroy(&ss->ss_lock);
	free(ss);
	uvm->u_swap = NULL;
}

/*
 * Checker and printer.
 */

static void
swapdev_sanity(const struct swapdev *sd)
{
	uint64_t w, nfree = 0, nbad = 0, n;
	uint64_t halflen, level;

	for (w = 0; w < sd->sd_nwords; w++) {
		nfree += (uint64_t)__builtin_popcountll(sd->sd_free[w]);
		nbad += (uint64_t)__builtin_popcountll(sd->sd_bad[w]);
		KASSERTMSG((sd->sd_free[w] & sd->sd_bad[w]) == 0,
		    "swap %s: slot both free and bad in word %llu", sd->sd_path,
		    (unsigned long long)w);
	}
	if (sd->sd_nslots % SWAP_WORDBITS != 0) {
		uint64_t tail = ~(uint64_t)0 << (sd->sd_nslots % SWAP_WORDBITS);

		KASSERTMSG(((sd->sd_free[sd->sd_nwords - 1] |
				sd->sd_bad[sd->sd_nwords - 1]) &
			       tail) == 0,
		    "swap %s: map bits beyond the device", sd->sd_path);
	}
	KASSERTMSG(nfree + sd->sd_inuse + sd->sd_nbad == sd->sd_nslots,
	    "swap %s: free %llu + inuse %llu + bad %llu != %llu slots",
	    sd->sd_path, (unsigned long long)nfree,
	    (unsigned long long)sd->sd_inuse, (unsigned long long)sd->sd_nbad,
	    (unsigned long long)sd->sd_nslots);
	KASSERTMSG(nbad == sd->sd_nbad, "swap %s: %llu bad bits, count %llu",
	    sd->sd_path, (unsigned long long)nbad,
	    (unsigned long long)sd->sd_nbad);
	for (w = 0; w < sd->sd_nleaves; w++) {
		uint64_t word = w < sd->sd_nwords ? sd->sd_free[w] : 0;

		n = sd->sd_nleaves + w;
		KASSERTMSG(sd->sd_pre[n] == swap_word_pre(word) &&
			sd->sd_suf[n] == swap_word_suf(word) &&
			sd->sd_max[n] == swap_word_maxrun(word),
		    "swap %s: leaf %llu stale", sd->sd_path,
		    (unsigned long long)w);
	}
	halflen = SWAP_WORDBITS;
	for (level = sd->sd_nleaves / 2; level >= 1; level /= 2) {
		for (n = level; n < 2 * level; n++) {
			uint64_t l = 2 * n, r = 2 * n + 1;
			uint32_t pre, suf, max;

			pre = sd->sd_pre[l] == halflen
			    ? (uint32_t)(halflen + sd->sd_pre[r])
			    : sd->sd_pre[l];
			suf = sd->sd_suf[r] == halflen
			    ? (uint32_t)(halflen + sd->sd_suf[l])
			    : sd->sd_suf[r];
			max = MAX(MAX(sd->sd_max[l], sd->sd_max[r]),
			    sd->sd_suf[l] + sd->sd_pre[r]);
			KASSERTMSG(sd->sd_pre[n] == pre &&
				sd->sd_suf[n] == suf && sd->sd_max[n] == max,
			    "swap %s: tree node %llu stale", sd->sd_path,
			    (unsigned long long)n);
		}
		halflen *= 2;
	}
}

/*
 * uvm_swap_sanity: check every invariant stated for struct swapdev and
 * struct uvm_swap_state.
 * => takes the swap lock; O(slots)
 */
void
uvm_swap_sanity(struct uvm *uvm)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd, *o, *prev = NULL;
	uint64_t swpages = 0, inuse = 0, bad = 0;
	unsigned n = 0;

	if (ss == NULL)
		return;
	mutex_enter(&ss->ss_lock);
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		KASSERTMSG(prev == NULL || prev->sd_priority >= sd->sd_priority,
		    "swap: device list not in priority order");
		KASSERT(sd->sd_base >= 1 && sd->sd_nslots >= 1 &&
		    sd->sd_base + sd->sd_nslots > sd->sd_base);
		KASSERT(sd->sd_id < ss->ss_nextid);
		TAILQ_FOREACH (o, &ss->ss_devs, sd_list) {
			if (o == sd)
				continue;
			KASSERTMSG(o->sd_base + o->sd_nslots <= sd->sd_base ||
				sd->sd_base + sd->sd_nslots <= o->sd_base,
			    "swap: slot ranges of %s and %s overlap",
			    sd->sd_path, o->sd_path);
			KASSERT(o->sd_id != sd->sd_id);
		}
		swapdev_sanity(sd);
		swpages += sd->sd_nslots;
		inuse += sd->sd_inuse;
		bad += sd->sd_nbad;
		prev = sd;
		n++;
	}
	KASSERT(n == ss->ss_ndevs);
	KASSERTMSG(uvm_cnt_get(uvm, swpages) == (int64_t)swpages &&
		uvm_cnt_get(uvm, swpginuse) == (int64_t)inuse &&
		uvm_cnt_get(uvm, swpgbad) == (int64_t)bad &&
		uvm_cnt_get(uvm, nswapdev) == (int64_t)n,
	    "swap: counters swpages %lld/%llu swpginuse %lld/%llu "
	    "swpgbad %lld/%llu nswapdev %lld/%u",
	    (long long)uvm_cnt_get(uvm, swpages), (unsigned long long)swpages,
	    (long long)uvm_cnt_get(uvm, swpginuse), (unsigned long long)inuse,
	    (long long)uvm_cnt_get(uvm, swpgbad), (unsigned long long)bad,
	    (long long)uvm_cnt_get(uvm, nswapdev), n);
	KASSERTMSG(uvm_cnt_get(uvm, swpgonly) >= 0 &&
		uvm_cnt_get(uvm, swpgonly) <= (int64_t)inuse,
	    "swap: swpgonly %lld outside [0, swpginuse %llu]",
	    (long long)uvm_cnt_get(uvm, swpgonly), (unsigned long long)inuse);
	mutex_exit(&ss->ss_lock);
}

void
uvm_swap_printit(struct uvm *uvm, FILE *fp)
{
	struct uvm_swap_state *ss = uvm->u_swap;
	struct swapdev *sd;

	if (ss == NULL)
		return;
	mutex_enter(&ss->ss_lock);
	fprintf(fp,
	    "swap: %u devices, %lld slots, %lld in use, %lld only "
	    "in swap, %lld bad\n",
	    ss->ss_ndevs, (long long)uvm_cnt_get(uvm, swpages),
	    (long long)uvm_cnt_get(uvm, swpginuse),
	    (long long)uvm_cnt_get(uvm, swpgonly),
	    (long long)uvm_cnt_get(uvm, swpgbad));
	TAILQ_FOREACH (sd, &ss->ss_devs, sd_list) {
		fprintf(fp,
		    "  [%u] %s prio %d slots [%llu, %llu) inuse %llu bad %llu "
		    "longest free run %u; wrote %llu (%llu errors) read %llu "
		    "(%llu errors)\n",
		    sd->sd_id, sd->sd_path, sd->sd_priority,
		    (unsigned long long)sd->sd_base,
		    (unsigned long long)(sd->sd_base + sd->sd_nslots),
		    (unsigned long long)sd->sd_inuse,
		    (unsigned long long)sd->sd_nbad, sd->sd_max[1],
		    (unsigned long long)sd->sd_nput,
		    (unsigned long long)sd->sd_nputerr,
		    (unsigned long long)sd->sd_nget,
		    (unsigned long long)sd->sd_ngeterr);
	}
	mutex_exit(&ss->ss_lock);
}
