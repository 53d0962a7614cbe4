/* cmd_logrank.c — obsurv logrank (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_logrank(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'logrank' is not available in this build\n");
    return 2;
}
