/* cmd_import.c — obsurv import (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_import(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'import' is not available in this build\n");
    return 2;
}
