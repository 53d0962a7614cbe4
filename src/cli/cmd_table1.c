/* cmd_table1.c — obsurv table1 (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_table1(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'table1' is not available in this build\n");
    return 2;
}
