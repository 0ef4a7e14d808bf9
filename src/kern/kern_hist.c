/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_hist.c: the event-trace ring (see kern_hist.h).
 *
 * Logging stores one record under the ring's leaf mutex; the format is a
 * literal kept by pointer and is applied only when the ring is dumped, so
 * tracing costs little on hot paths.  Record `seq` lives in slot
 * seq % h_n; the ring holds the newest min(h_seq, h_n) records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kern/kern_assert.h"
#include "kern/kern_hist.h"

/*
 * khist_init: an empty, enabled ring of `nent` records.
 * => returns 0, EINVAL (nent 0) or ENOMEM.
 */
int
khist_init(struct khist *h, const char *name, unsigned nent)
{
	KASSERT(h != NULL);
	if (nent == 0)
		return EINVAL;
	h->h_ents = calloc(nent, sizeof(*h->h_ents));
	if (h->h_ents == NULL)
		return ENOMEM;
	mutex_init(&h->h_lock, LC_LEAF, "khist");
	h->h_name = name != NULL ? name : "hist";
	h->h_n = nent;
	h->h_seq = 0;
	__atomic_store_n(&h->h_enabled, 1, __ATOMIC_RELAXED);
	return 0;
}

/*
 * khist_fini: free the ring.
 */
void
khist_fini(struct khist *h)
{
	KASSERT(h != NULL && h->h_ents != NULL);
	mutex_destroy(&h->h_lock);
	free(h->h_ents);
	h->h_ents = NULL;
	h->h_n = 0;
}

/*
 * khist_log: append a record (overwriting the oldest when full).
 * => `fn` and `fmt` must be literals (kept by pointer).
 * => takes h_lock (leaf); never sleeps otherwise.
 */
void
khist_log(struct khist *h, const char *fn, const char *fmt, uintmax_t a,
    uintmax_t b, uintmax_t c, uintmax_t d)
{
	struct khist_ent *he;

	if (__atomic_load_n(&h->h_enabled, __ATOMIC_RELAXED) == 0)
		return;
	mutex_enter(&h->h_lock);
	he = &h->h_ents[h->h_seq % h->h_n];
	he->he_seq = h->h_seq++;
	he->he_fn = fn;
	he->he_fmt = fmt;
	he->he_v[0] = a;
	he->he_v[1] = b;
	he->he_v[2] = c;
	he->he_v[3] = d;
	mutex_exit(&h->h_lock);
}

/*
 * khist_dump: print the newest `max` records (0: all kept), oldest
 * first, one "seq fn: formatted" line each.
 * => takes h_lock while printing (nothing else is locked meanwhile).
 */
void
khist_dump(struct khist *h, FILE *fp, unsigned max)
{
	const struct khist_ent *he;
	uint64_t first, s;

	mutex_enter(&h->h_lock);
	first = h->h_seq > h->h_n ? h->h_seq - h->h_n : 0;
	if (max != 0 && h->h_seq - first > max)
		first = h->h_seq - max;
	for (s = first; s < h->h_seq; s++) {
		he = &h->h_ents[s % h->h_n];
		fprintf(fp, "%ju %s: ", (uintmax_t)he->he_seq, he->he_fn);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		fprintf(fp, he->he_fmt, he->he_v[0], he->he_v[1], he->he_v[2],
		    he->he_v[3]);
#pragma GCC diagnostic pop
		fputc('\n', fp);
	}
	mutex_exit(&h->h_lock);
}

/*
 * khist_sanity: check the ring's invariants.
 * => h_n > 0; the records kept are the last min(h_seq, h_n), record seq in
 *    slot seq % h_n, each with a function and a format.
 * => takes h_lock (leaf), and drops it before panicking.
 */
void
khist_sanity(struct khist *h)
{
	const struct khist_ent *he;
	uint64_t first, s;
	char msg[160];
	bool ok;

	if (h->h_n == 0 || h->h_ents == NULL)
		panic("khist \"%s\": no ring", h->h_name);
	ok = true;
	mutex_enter(&h->h_lock);
	first = h->h_seq > h->h_n ? h->h_seq - h->h_n : 0;
	for (s = first; s < h->h_seq; s++) {
		he = &h->h_ents[s % h->h_n];
		if (he->he_seq != s || he->he_fn == NULL ||
		    he->he_fmt == NULL) {
			snprintf(msg, sizeof(msg),
			    "khist \"%s\": slot %ju holds record %ju, expected "
			    "%ju",
			    h->h_name, (uintmax_t)(s % h->h_n),
			    (uintmax_t)he->he_seq, (uintmax_t)s);
			ok = false;
			break;
		}
	}
	mutex_exit(&h->h_lock);
	if (!ok)
		panic("%s", msg);
}
