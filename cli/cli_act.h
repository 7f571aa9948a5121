/* cli/cli_act.h: plan --task FILE --act (cli/cmd_act.c), called by the
 * search command (cli/cmd_search.c) once the task's domain and components
 * are built. */
#ifndef PLAN_CLI_ACT_H
#define PLAN_CLI_ACT_H

#include <jansson.h>
#include <stdio.h>

#include "planner/components/components.h"
#include "planner/planner.h"

typedef struct cli_act_ctx {
  const char *task_path;
  const json_t *task;
  bool pddl;
  plan__domain *dom;
  const plan__comp_set *cs;
  const plan__comp_options *co;
  const plan__pddl_task *ptask; /* pddl */
  const plan__pb_config *cfg;   /* pddl, may be NULL */
  plan_scheduler *sched;        /* NULL in exact mode */
  FILE *trace;                  /* may be NULL */
  const plan__search_options *so;
  bool no_value;
  bool quiet;
} cli_act_ctx;

/* The number of values a loop flag takes (0 for a switch, including
 * --act itself), or -1 when flag is not one of the loop's. */
int cli_act_flag_arity(const char *flag);
void cli_act_usage(FILE *f);
/* Runs the loop; argv as given to plan --task. Returns the exit status. */
int cli_act_run(const cli_act_ctx *c, int argc, char **argv);

#endif /* PLAN_CLI_ACT_H */
