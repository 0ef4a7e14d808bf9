/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.h: the uvmsim command line: subcommands and the shapes of other
 * simulators' command lines that uvmsim also accepts.
 */
#ifndef _UVMSIM_CLI_H_
#define _UVMSIM_CLI_H_

#include <stdbool.h>
#include <stdio.h>

#include <uvm/uvm_config.h>

/* Entry point: returns the process exit status. */
int cli_main(int argc, char **argv);

/* Machine options shared by run, sweep, info and the default workload. */
struct sim_machine {
	struct uvm_config sm_cfg; /* what the user set (rest unset) */
	char *sm_swapspec[UVM_CONFIG_MAXSWAP]; /* owned copies of paths */
	bool sm_set;                           /* any machine option given */
};

void machine_init(struct sim_machine *);
void machine_fini(struct sim_machine *);
/* Parse a machine option; 0, or -1 with a message printed. */
int machine_option(struct sim_machine *, const char *name, const char *val);
/* Create a machine, print its configuration and counters; exit status. */
int machine_show(const struct sim_machine *, FILE *, bool counters);
/* The default page size and memory (UVM_PAGESIZE, UVM_MEMSIZE honoured). */
uint64_t machine_pagesize(const struct sim_machine *);
uint64_t machine_memsize(const struct sim_machine *);

/* The built-in demonstration (`uvmsim` without arguments). */
int demo_main(const struct sim_machine *, int jobs, bool quiet);

#endif /* _UVMSIM_CLI_H_ */
