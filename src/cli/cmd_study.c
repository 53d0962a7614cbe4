/* cmd_study.c — obsurv study (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_study(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'study' is not available in this build\n");
    return 2;
}
