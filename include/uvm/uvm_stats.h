/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvm_stats.h: the uvmexp statistics of one machine.
 *
 * UVMEXP_FIELDS is the single list of counters: it defines struct uvmexp,
 * the snapshot code and the vmstat -s style printer, so a counter added here
 * appears everywhere at once.  Each entry is X(name, "vmstat -s description").
 * Gauges (free, active, ...) and event counters (faults, ...) share the list.
 */
#ifndef _UVM_UVM_STATS_H_
#define _UVM_UVM_STATS_H_

#include <stdio.h>

#include <uvm/uvm_types.h>

#define UVMEXP_FIELDS(X)                                            \
	X(pagesize, "bytes per page")                               \
	X(ncolors, "page colors")                                   \
	X(npages, "pages managed")                                  \
	X(free, "pages free")                                       \
	X(zeropages, "zero pages")                                  \
	X(active, "pages active")                                   \
	X(inactive, "pages inactive")                               \
	X(paging, "pages paging")                                   \
	X(wired, "pages wired")                                     \
	X(reserve_pagedaemon, "reserve pagedaemon pages")           \
	X(reserve_kernel, "reserve kernel pages")                   \
	X(freemin, "page daemon wakes below these free pages")      \
	X(freetarg, "page daemon frees up to these free pages")     \
	X(wiredmax, "maximum wired pages")                          \
	X(anonpages, "anonymous pages")                             \
	X(filepages, "cached file pages")                           \
	X(execpages, "cached executable pages")                     \
	X(aobjpages, "anonymous object pages")                      \
	X(colorhit, "pages allocated with the wanted color")        \
	X(colormiss, "pages allocated with another color")          \
	X(pga_zerohit, "zero page requests served by a zero page")  \
	X(pga_zeromiss, "zero page requests zeroed on allocation")  \
	X(pgalloc, "page allocations")                              \
	X(pgfree, "page frees")                                     \
	X(pgfail, "page allocation failures")                       \
	X(zeroidle, "pages zeroed while idle")                      \
	X(pmap_enter, "pmap_enter calls")                           \
	X(pmap_remove, "pmap_remove calls")                         \
	X(tlb_misses, "software TLB misses")                        \
	X(tlb_flushes, "software TLB invalidations")                \
	X(nmapent, "map entries allocated")                         \
	X(nanon, "anons allocated")                                 \
	X(namap, "amaps allocated")                                 \
	X(nobj, "memory objects")                                   \
	X(faults, "page faults")                                    \
	X(flt_anon, "anon page faults")                             \
	X(flt_acow, "anon copy on write faults")                    \
	X(flt_obj, "object page faults")                            \
	X(flt_prcopy, "object copy on write (promote copy) faults") \
	X(flt_przero, "promote zero fill faults")                   \
	X(flt_noram, "faults with no RAM")                          \
	X(flt_noanon, "faults with no anons")                       \
	X(flt_noamap, "faults with no amaps")                       \
	X(flt_pgwait, "faults that waited for a busy page")         \
	X(flt_pgrele, "faults found a released page")               \
	X(flt_relck, "faults that relocked")                        \
	X(flt_relckok, "faults that relocked successfully")         \
	X(flt_anget, "anon get calls")                              \
	X(flt_anretry, "anon get retries")                          \
	X(flt_amcopy, "amap copies")                                \
	X(flt_namap, "neighbour anon page mappings")                \
	X(flt_nomap, "neighbour object page mappings")              \
	X(flt_lget, "lower layer get calls")                        \
	X(flt_get, "pager get calls")                               \
	X(fltnoram, "fault allocations that waited for memory")     \
	X(swpages, "swap pages")                                    \
	X(swpginuse, "swap pages in use")                           \
	X(swpgonly, "swap pages only in swap")                      \
	X(swpgbad, "swap pages marked bad")                         \
	X(nswapdev, "swap devices")                                 \
	X(pgswapin, "pages swapped in")                             \
	X(pgswapout, "pages swapped out")                           \
	X(swapins, "swap-in operations")                            \
	X(swapouts, "swap-out operations")                          \
	X(pdwoke, "times daemon woke up")                           \
	X(pdrevs, "revolutions of the clock hand")                  \
	X(pdscans, "pages scanned by daemon")                       \
	X(pdfreed, "pages freed by daemon")                         \
	X(pdreact, "pages reactivated by daemon")                   \
	X(pdbusy, "busy pages found by daemon")                     \
	X(pdpageouts, "page outs started by daemon")                \
	X(pdpending, "pages pending in page-out")                   \
	X(pddeact, "pages deactivated by daemon")                   \
	X(pdreanon, "anon pages reactivated for balance")           \
	X(pdrefile, "file pages reactivated for balance")           \
	X(pdreexec, "exec pages reactivated for balance")           \
	X(forks, "forks total")                                     \
	X(forks_ppwait, "forks blocked the parent")                 \
	X(forks_sharevm, "forks shared address space with parent")

/* A snapshot of one machine's counters (uvm_stats()). */
struct uvmexp {
#define UVMEXP_DECLARE(name, desc) int64_t name;
	UVMEXP_FIELDS(UVMEXP_DECLARE)
#undef UVMEXP_DECLARE
};

#endif /* _UVM_UVM_STATS_H_ */
