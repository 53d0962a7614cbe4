/* cmd_logit.c — obsurv logit (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_logit(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'logit' is not available in this build\n");
    return 2;
}
