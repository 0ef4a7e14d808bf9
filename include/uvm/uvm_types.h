/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_types.h: the scalar types and the protection, inheritance, advice and
 * mapping-flag constants of the libuvm public interface.
 *
 * The names and values follow uvm(9) and NetBSD's <uvm/uvm_extern.h> so that
 * the NetBSD manual pages serve as documentation of this library too.
 */
#ifndef _UVM_UVM_TYPES_H_
#define _UVM_UVM_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define UVM_EXPORT __attribute__((visibility("default")))
#else
#define UVM_EXPORT
#endif

/* Simulated (guest) addresses are always 64 bits, whatever the host. */
typedef uint64_t vaddr_t; /* virtual address */
typedef uint64_t vsize_t; /* size of a virtual range */
typedef int64_t voff_t;   /* offset into a memory object */
typedef uint64_t paddr_t; /* simulated physical address */
typedef uint64_t psize_t; /* size of a physical range */
typedef uint32_t vm_prot_t;
typedef uint32_t vm_inherit_t;

/* Protection (vm_prot_t). */
#define VM_PROT_NONE    0x0u
#define VM_PROT_READ    0x1u
#define VM_PROT_WRITE   0x2u
#define VM_PROT_EXECUTE 0x4u
#define VM_PROT_ALL     (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXECUTE)

/* Inheritance on fork (vm_inherit_t); the minherit(2) values. */
#define UVM_INH_SHARE       0x0u /* share with the child */
#define UVM_INH_COPY        0x1u /* copy-on-write in the child */
#define UVM_INH_NONE        0x2u /* hole in the child */
#define UVM_INH_DONATE_COPY 0x3u /* not implemented, as in NetBSD */
#define UVM_INH_ZERO        0x4u /* fresh zero-fill memory in the child */
#define UVM_INH_MASK        0x7u

/* Advice (madvise(2) values). */
#define UVM_ADV_NORMAL     0x0u
#define UVM_ADV_RANDOM     0x1u
#define UVM_ADV_SEQUENTIAL 0x2u
#define UVM_ADV_MASK       0x7u

/* Access types for faults and simulated accesses. */
#define UVM_ACCESS_READ  VM_PROT_READ
#define UVM_ACCESS_WRITE VM_PROT_WRITE
#define UVM_ACCESS_EXEC  VM_PROT_EXECUTE

/*
 * uvm_map() flags, packed by UVM_MAPFLAG() as NetBSD packs them:
 * bits 0-2 protection, 4-6 inheritance, 8-10 max protection, 12-14 advice,
 * and the UVM_FLAG_* bits from bit 16 up.
 */
#define UVM_FLAG_FIXED   0x00010000u /* find no space: use the given address */
#define UVM_FLAG_OVERLAY 0x00020000u /* establish an amap at once */
#define UVM_FLAG_NOMERGE 0x00040000u /* never merge with a neighbour */
#define UVM_FLAG_COPYONW 0x00080000u /* copy on write (needs-copy) */
#define UVM_FLAG_AMAPPAD 0x00100000u /* room for amap growth */
#define UVM_FLAG_TRYLOCK \
	0x00200000u /* fail rather than wait for the map lock */
#define UVM_FLAG_NOWAIT     0x00400000u /* do not sleep for resources */
#define UVM_FLAG_WAITVA     0x00800000u /* wait for virtual space */
#define UVM_FLAG_QUANTUM    0x01000000u /* entry may not be split */
#define UVM_FLAG_UNMAP      0x02000000u /* with FIXED: replace what is there */
#define UVM_FLAG_COLORMATCH 0x04000000u /* align gives a page colour */
#define UVM_FLAG_VAONLY     0x08000000u /* reserve space only (uvm_map_reserve) */

#define UVM_PROTECTION_MASK 0x07u
#define UVM_INHERIT_MASK    0x07u
#define UVM_ADVICE_MASK     0x07u
#define UVM_FLAG_MASK       0xffff0000u

#define UVM_MAPFLAG(prot, maxprot, inh, advice, flags)            \
	((uint32_t)(prot) | ((uint32_t)(maxprot) << 8) |          \
	    ((uint32_t)(advice) << 12) | ((uint32_t)(inh) << 4) | \
	    (uint32_t)(flags))

#define UVM_PROTECTION(x)    ((x)&UVM_PROTECTION_MASK)
#define UVM_MAXPROTECTION(x) (((x) >> 8) & UVM_PROTECTION_MASK)
#define UVM_INHERIT(x)       (((x) >> 4) & UVM_INHERIT_MASK)
#define UVM_ADVICE(x)        (((x) >> 12) & UVM_ADVICE_MASK)

/* Object offset meaning "derive it from the address" (uvm_map()). */
#define UVM_UNKNOWN_OFFSET ((voff_t)-1)

/* uvm_map_extract() flags. */
#define UVM_EXTRACT_REMOVE  0x01 /* remove the source mappings */
#define UVM_EXTRACT_CONTIG  0x02 /* fail if the source is not contiguous */
#define UVM_EXTRACT_QREF    0x04 /* quick references: no amap splitting */
#define UVM_EXTRACT_FIXPROT 0x08 /* set protection to max protection */

#endif /* _UVM_UVM_TYPES_H_ */
