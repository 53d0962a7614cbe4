/* cmd_cox.c — obsurv cox (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_cox(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'cox' is not available in this build\n");
    return 2;
}
