/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main.c: uvmsim, the libuvm simulator.  Everything is in cli.c and the
 * modules it calls; see uvmsim(1).
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
