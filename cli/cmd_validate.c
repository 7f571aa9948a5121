/* cli/cmd_validate.c: `plan validate DOMAIN PROBLEM PLAN [--json]`, the
 * VAL-like plan checker over worldmodel/pddl. It prints VAL's wording (so
 * scripts that grep for "Plan valid" keep working) or, with --json, the
 * report as one JSON object. Exit status: 0 valid, 1 invalid, 2 usage or
 * input error (the message names file:line:column).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/core.h"
#include "worldmodel/pddl/pddl.h"

static void validate_usage(FILE *f) {
  fprintf(f,
          "usage: plan validate DOMAIN PROBLEM PLAN [--json]\n"
          "\n"
          "Checks a plan with VAL's semantics: every step must be an action\n"
          "of the domain whose preconditions hold (effects apply deletes\n"
          "first, then adds), and the goal must hold at the end. PLAN has\n"
          "one action per line, e.g. (unstack d a); blank lines and ';'\n"
          "comments are ignored.\n"
          "\n"
          "  --json   print the verdict as one JSON object\n"
          "\n"
          "Exit status: 0 valid, 1 invalid, 2 usage or input error.\n");
}

int cli_cmd_validate(int argc, char **argv) {
  const char *paths[3];
  size_t n_paths = 0;
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      validate_usage(stdout);
      return 0;
    }
    if (!strcmp(argv[i], "--json")) {
      json = true;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "plan validate: unknown option '%s'\n", argv[i]);
      validate_usage(stderr);
      return 2;
    } else if (n_paths < 3) {
      paths[n_paths++] = argv[i];
    } else {
      fprintf(stderr, "plan validate: too many arguments\n");
      validate_usage(stderr);
      return 2;
    }
  }
  if (n_paths != 3) {
    validate_usage(stderr);
    return 2;
  }
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__pddl_task *task = NULL;
  plan__pddl_plan plan;
  memset(&plan, 0, sizeof plan);
  plan__pddl_report rep;
  memset(&rep, 0, sizeof rep);
  plan__buf out;
  plan__buf_init(&out, 0);
  int rc = 2;
  if (plan__pddl_task_load(paths[0], paths[1], &task, &err) != PLAN_OK ||
      plan__pddl_plan_load(paths[2], &plan, &err) != PLAN_OK) {
    fprintf(stderr, "plan validate: %s\n", err.text);
    goto done;
  }
  if (plan__pddl_validate(task, (const char *const *)plan.steps, plan.n,
                          &rep) != PLAN_OK) {
    fprintf(stderr, "plan validate: out of memory\n");
    goto done;
  }
  if (json) {
    plan__pddl_report_json(&rep, &out);
    plan__buf_putc(&out, '\n');
  } else {
    plan__pddl_report_render(&rep, paths[2], &out);
  }
  if (out.status) {
    fprintf(stderr, "plan validate: out of memory\n");
    goto done;
  }
  fputs(out.data, stdout);
  if (!rep.valid && rep.failed_step != SIZE_MAX && rep.failed_step < plan.n)
    fprintf(stderr, "%s:%d: %s\n", paths[2], plan.lines[rep.failed_step],
            rep.message);
  else if (!rep.valid)
    fprintf(stderr, "%s: %s\n", paths[2], rep.message);
  rc = rep.valid ? 0 : 1;
done:
  plan__buf_free(&out);
  plan__pddl_report_free(&rep);
  plan__pddl_plan_free(&plan);
  plan__pddl_task_free(task);
  return rc;
}
