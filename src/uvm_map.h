/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_map.h: address maps (struct vm_map) and their entries.
 * (The map layer's owner fills in the structures and operations.)
 */
#ifndef _UVM_MAP_H_
#define _UVM_MAP_H_

#include "uvm.h"

int uvm_map_init(struct uvm *);
void uvm_map_fini(struct uvm *);

#endif /* _UVM_MAP_H_ */
