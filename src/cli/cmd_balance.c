/* cmd_balance.c — obsurv balance (placeholder until the command lands). */
#include <stdio.h>
#include "cli.h"

int cmd_balance(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "obsurv: error: 'balance' is not available in this build\n");
    return 2;
}
