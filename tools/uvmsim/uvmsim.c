/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uvmsim.c: the libuvm simulator (interim driver: machine bring-up only).
 */
#include <stdio.h>
#include <stdlib.h>

#include "uvm.h"

int
main(int argc, char **argv)
{
	struct uvm_config cfg;
	struct uvmexp exp;
	struct uvm *uvm;
	int error;

	(void)argc;
	(void)argv;
	uvm_config_init(&cfg);
	error = uvm_create(&cfg, &uvm);
	if (error != 0) {
		fprintf(stderr, "uvmsim: %s\n", uvm_last_error());
		return 2;
	}
	uvm_config_dump(uvm, stdout);
	uvm_stats(uvm, &exp);
	uvm_stats_print(&exp, stdout);
	uvm_destroy(uvm);
	return 0;
}
