/* cmd_weight.c — obsurv weight (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_weight(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'weight' is not available in this build\n");
    return 2;
}
