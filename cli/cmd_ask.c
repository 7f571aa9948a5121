/* cli/cmd_ask.c: `plan ask`, the first smoke test a user runs. */
#include "cli/cli.h"

int cli_cmd_ask(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "plan ask: not built yet\n");
  return 1;
}
