/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern.h: the user-space stand-ins for kernel services that UVM expects.
 */
#ifndef _KERN_KERN_H_
#define _KERN_KERN_H_

#include "kern/kern_assert.h"
#include "kern/kern_lock.h"
#include "kern/kern_pool.h"
#include "kern/kern_fi.h"
#include "kern/kern_hist.h"
#include "kern/kern_radix.h"

#endif /* _KERN_KERN_H_ */
