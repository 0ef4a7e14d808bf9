/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_swap.h: swap devices of a machine (the swapctl(8) operations).
 *
 * A swap device is a regular host file.  uvm_swap_add() creates it if
 * needed and extends it to the requested size; the machine then pages
 * anonymous memory out to it with pwrite(2) and back in with pread(2).
 * Devices with a higher priority are used first; devices of equal priority
 * take turns.  The machine never deletes a swap file: the caller owns it.
 * The configuration's uc_swap[] devices are added by uvm_create().
 */
#ifndef _UVM_UVM_SWAP_H_
#define _UVM_UVM_SWAP_H_

#include <uvm/uvm_types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uvm;

#define UVM_SWAP_PATHMAX 1024 /* longest path, with its NUL */

/* One device as uvm_swap_list() reports it (a caller-owned record). */
struct uvm_swapent {
	char se_path[UVM_SWAP_PATHMAX]; /* host file, as given to add */
	int se_priority;                /* higher is used first */
	unsigned se_id;                 /* order of addition, from 0 */
	uint64_t se_nslots;             /* pages the device holds */
	uint64_t se_inuse;              /* slots holding data */
	uint64_t se_bad;                /* slots marked bad (never reused) */
	uint64_t se_firstslot;          /* its first machine-wide slot number */
};

/*
 * uvm_swap_add: add the host file `path` as a swap device.  size is in
 * bytes, rounded down to whole pages; 0 means the file's current size (the
 * file must then exist).  A smaller file is extended (sparse); a larger one
 * is not truncated, only its first `size` bytes are used.
 * => 0, EINVAL (bad argument, size below one page, not a regular file),
 *    ENAMETOOLONG, EEXIST (that file is already a swap device of this
 *    machine), ENOENT (size 0 and no such file), EFBIG (too many pages),
 *    ENOMEM, or the errno of open/fstat/ftruncate on the host.
 */
UVM_EXPORT int uvm_swap_add(
    struct uvm *, const char *path, int priority, uint64_t size);

/*
 * uvm_swap_remove: stop using the device `path` (the same file as given
 * to uvm_swap_add(), under any name).  Every page stored on the device is
 * first brought back into memory (the page daemon may later page it out
 * to the other devices); the call sleeps while it does so.
 * => 0, EINVAL, ENOENT (not a swap device of this machine), EBUSY (some
 *    page could not be brought back: no memory and no other swap for it,
 *    a read error, or a removal of the device already in progress; the
 *    device stays in use and nothing is lost)
 */
UVM_EXPORT int uvm_swap_remove(struct uvm *, const char *path);

/*
 * uvm_swap_list: describe up to `max` devices into ents[] (priority order,
 * highest first, then order of addition); *ndevsp is set to the number of
 * devices, which may exceed max.
 * => 0, EINVAL (ents NULL with max > 0, or ndevsp NULL)
 */
UVM_EXPORT int uvm_swap_list(
    struct uvm *, struct uvm_swapent *ents, unsigned max, unsigned *ndevsp);

#ifdef __cplusplus
}
#endif

#endif /* _UVM_UVM_SWAP_H_ */
