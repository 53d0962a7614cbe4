/* cmd_km.c — obsurv km (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_km(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'km' is not available in this build\n");
    return 2;
}
