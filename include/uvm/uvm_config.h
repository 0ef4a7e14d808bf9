/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_config.h: the configuration of one simulated machine.
 *
 * Fill a struct uvm_config with uvm_config_init() (every field "unset"), set
 * what you care about, and pass it to uvm_create().  A field left unset is
 * taken from the environment variable UVM_<NAME> if present (for example
 * UVM_PAGESIZE=16k, UVM_MEMSIZE=256m, UVM_POLICY=clockpro), otherwise from
 * the built-in default.  A value set through the API always wins over the
 * environment.  uvm_config_dump() prints the effective configuration.
 */
#ifndef _UVM_UVM_CONFIG_H_
#define _UVM_UVM_CONFIG_H_

#include <stdio.h>

#include <uvm/uvm_types.h>

#define UVM_CONFIG_MAXSEGS   16 /* physical segments at creation */
#define UVM_CONFIG_MAXSWAP   8  /* swap devices at creation */
#define UVM_NFREELIST        4  /* free lists (VM_NFREELIST) */
#define UVM_FREELIST_DEFAULT 0

/* One physical segment, in page frames of the machine's page size. */
struct uvm_config_seg {
	uint64_t cs_start;  /* first page frame number */
	uint64_t cs_npages; /* number of pages */
	int cs_freelist;    /* free list the pages go on */
};

/* A swap device to add at creation time. */
struct uvm_config_swap {
	const char *cw_path; /* host file (created if absent) */
	uint64_t cw_size;    /* bytes; 0: the file's size */
	int cw_priority;     /* higher is used first */
};

/*
 * Every field is "unset" when zero (or NULL); uvm_create() resolves unset
 * fields from the environment and then from the defaults shown.
 */
struct uvm_config {
	uint64_t uc_pagesize; /* PAGESIZE: 4 KiB..64 KiB, power of two [4k] */
	uint64_t uc_memsize; /* MEMSIZE: bytes, one segment, if no segs [64m] */
	unsigned
	    uc_nsegs; /* SEGS: explicit segments (env: "start:n[:fl],...") */
	struct uvm_config_seg uc_segs[UVM_CONFIG_MAXSEGS];
	unsigned uc_ncolors;    /* NCOLORS: page colours, power of two [1] */
	const char *uc_backend; /* BACKEND: "soft" ["soft"] */
	const char *uc_pdaemon; /* PDAEMON: "inline" or "thread" ["inline"] */
	const char *uc_policy;  /* POLICY: "clock" or "clockpro" ["clock"] */
	const char
	    *uc_personality; /* PERSONALITY: "netbsd" or "linux" ["netbsd"] */
	unsigned
	    uc_nswap; /* swap devices to add (env: SWAP="path:size[:prio],...") */
	struct uvm_config_swap uc_swap[UVM_CONFIG_MAXSWAP];
	/* Page-daemon tuning, in percent of managed pages (vm.anonmin ...). */
	int uc_anonmin, uc_anonmax; /* ANONMIN [10], ANONMAX [80] */
	int uc_filemin, uc_filemax; /* FILEMIN [10], FILEMAX [50] */
	int uc_execmin, uc_execmax; /* EXECMIN [5], EXECMAX [30] */
	int uc_inactivepct;         /* INACTIVEPCT [33] */
	uint64_t
	    uc_reserve_pagedaemon; /* RESERVE_PAGEDAEMON: pages [from npages] */
	uint64_t uc_reserve_kernel; /* RESERVE_KERNEL: pages [from npages] */
	uint64_t uc_seed;           /* SEED: ASLR and workload seed [1] */
	int uc_aslr;                /* ASLR: 1 on, -1 off [off] */
	int uc_diagnostic; /* DIAGNOSTIC: 0..3, sanity checking level [1] */
};

#endif /* _UVM_UVM_CONFIG_H_ */
