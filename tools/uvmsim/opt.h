/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opt.h: Belady's OPT (MIN) victim selection for the flat engine.
 *
 * A max-heap of resident frames keyed by the index of the next reference
 * to the page each holds (RS_NEVER for none).  The victim is the frame
 * whose page is needed farthest in the future.  Keys are distinct except
 * RS_NEVER, and evicting any never-again page gives the same faults.
 */
#ifndef _UVMSIM_OPT_H_
#define _UVMSIM_OPT_H_

#include <stdbool.h>
#include <stdint.h>

struct opt_heap {
	uint32_t *oh_heap; /* heap of frames */
	uint32_t *oh_pos;  /* frame -> heap index */
	uint32_t *oh_key;  /* frame -> next use */
	uint32_t oh_n;
};

void opt_init(struct opt_heap *, uint32_t nframes);
void opt_free(struct opt_heap *);
/* Insert frame with key, or change its key if present. */
void opt_set(struct opt_heap *, uint32_t frame, uint32_t key, bool present);
/* Remove and return the frame with the largest key (heap not empty). */
uint32_t opt_pop(struct opt_heap *);

#endif /* _UVMSIM_OPT_H_ */
