/* cmd_simulate.c — obsurv simulate (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_simulate(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'simulate' is not available in this build\n");
    return 2;
}
