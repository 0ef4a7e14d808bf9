/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opt.c: the indexed max-heap behind the flat engine's OPT policy.
 *
 * With the next-use index of refstr_build_next(), each reference costs
 * O(log k) for k frames: a hit raises the frame's key to the next use of
 * the same page, a fault pops the maximum.  The alternative of scanning
 * all frames for the farthest next use is O(k) per fault; the tests use
 * exactly that naive form as the independent cross-check.
 */
#include <stdlib.h>

#include "opt.h"
#include "util.h"

void
opt_init(struct opt_heap *oh, uint32_t nframes)
{
	oh->oh_heap = sim_calloc(nframes, sizeof(uint32_t));
	oh->oh_pos = sim_calloc(nframes, sizeof(uint32_t));
	oh->oh_key = sim_calloc(nframes, sizeof(uint32_t));
	oh->oh_n = 0;
}

void
opt_free(struct opt_heap *oh)
{
	free(oh->oh_heap);
	free(oh->oh_pos);
	free(oh->oh_key);
}

static void
opt_swap(struct opt_heap *oh, uint32_t a, uint32_t b)
{
	uint32_t fa = oh->oh_heap[a], fb = oh->oh_heap[b];

	oh->oh_heap[a] = fb;
	oh->oh_heap[b] = fa;
	oh->oh_pos[fb] = a;
	oh->oh_pos[fa] = b;
}

static void
opt_up(struct opt_heap *oh, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;

		if (oh->oh_key[oh->oh_heap[p]] >= oh->oh_key[oh->oh_heap[i]])
			break;
		opt_swap(oh, i, p);
		i = p;
	}
}

static void
opt_down(struct opt_heap *oh, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < oh->oh_n &&
		    oh->oh_key[oh->oh_heap[l]] > oh->oh_key[oh->oh_heap[m]])
			m = l;
		if (r < oh->oh_n &&
		    oh->oh_key[oh->oh_heap[r]] > oh->oh_key[oh->oh_heap[m]])
			m = r;
		if (m == i)
			return;
		opt_swap(oh, i, m);
		i = m;
	}
}

void
opt_set(struct opt_heap *oh, uint32_t frame, uint32_t key, bool present)
{
	uint32_t old;

	if (!present) {
		oh->oh_key[frame] = key;
		oh->oh_heap[oh->oh_n] = frame;
		oh->oh_pos[frame] = oh->oh_n++;
		opt_up(oh, oh->oh_pos[frame]);
		return;
	}
	old = oh->oh_key[frame];
	oh->oh_key[frame] = key;
	if (key > old)
		opt_up(oh, oh->oh_pos[frame]);
	else
		opt_down(oh, oh->oh_pos[frame]);
}

uint32_t
opt_pop(struct opt_heap *oh)
{
	uint32_t top = oh->oh_heap[0];

	oh->oh_n--;
	if (oh->oh_n > 0) {
		opt_swap(oh, 0, oh->oh_n);
		opt_down(oh, 0);
	}
	return top;
}
