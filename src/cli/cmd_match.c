/* cmd_match.c — obsurv match (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_match(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'match' is not available in this build\n");
    return 2;
}
