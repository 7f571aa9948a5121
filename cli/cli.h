/* cli/cli.h: shared declarations of the plan command's subcommands. */
#ifndef PLAN_CLI_H
#define PLAN_CLI_H

#include <stdio.h>

#include "plan.h"

struct cli_command {
  const char *name;
  const char *help;
  int (*fn)(int argc, char **argv); /* argv[0] is the command name */
};

int cli_cmd_ask(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);
int cli_eval_travel(int argc, char **argv); /* plan eval travel */
int cli_task_travel(int argc, char **argv, const char *task_path);
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_gen_deadend(int argc, char **argv); /* cmd_gen.c */
int cli_cmd_task(int argc, char **argv); /* argv: "--task" FILE [OPTIONS] */
/* pddl tasks in modes llm, hybrid, exact, and text tasks (cmd_search.c);
 * mode_from_flag: --mode on the command line chose the mode. */
int cli_task_search(int argc, char **argv, const char *task_path,
                    bool mode_from_flag);
void cli_search_usage(FILE *f);

#endif
