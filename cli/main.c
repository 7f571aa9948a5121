/* cli/main.c: the plan command. Parses the global flags and dispatches to
 * the subcommands (cli/cmd_*.c). The CLI is the only part that prints,
 * reads the environment and the real clock. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command commands[] = {
    {"ask", "send a prompt to the configured model and print the reply",
     cli_cmd_ask},
    {"eval", "run or replay a benchmark evaluation (plan eval --help)",
     cli_cmd_eval},
    {"gen-deadend", "generate PDDL tasks with dead ends (docs/deadend.md)",
     cli_cmd_gen_deadend},
    {"validate", "check a plan against a PDDL domain and problem (VAL-like)",
     cli_cmd_validate},
};

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: plan [--help] [--version] COMMAND [ARGS]\n"
      "       plan --task FILE [OPTIONS]\n"
      "\n"
      "A planning and tree-search engine for LLM agents.\n"
      "\n"
      "Tasks (plan --task --help for every option):\n"
      "  travel  a TravelPlanner query: solved exactly, or translated\n"
      "          by the LLM first when only \"query\" is given\n"
      "  pddl    {\"kind\":\"pddl\",\"domain\":..,\"problem\":..,\"mode\":..}\n"
      "          modes: solver, exact, hybrid, llm\n"
      "  text    {\"kind\":\"text\",\"goal\":..,\"initial_state\":..}\n"
      "  --act   pddl or text with \"env\": the plan-act loop in a real\n"
      "          environment; irreversible actions pass the commit\n"
      "          barrier first (docs/agent.md)\n"
      "\n"
      "Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
  fprintf(f,
          "\nRun 'plan COMMAND --help' for a command's options.\n"
          "Environment: OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY,\n"
          "PLAN_MODEL, PLAN_BASE_URL, PLAN_PROVIDER (see README.md).\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
    printf("plan %s\n", plan_version());
    return 0;
  }
  if (!strcmp(argv[1], "--task")) {
    if (plan_global_init(NULL) != PLAN_OK) {
      fprintf(stderr, "plan: cannot initialise libcurl\n");
      return 1;
    }
    int rc = cli_cmd_task(argc - 1, argv + 1);
    plan_global_cleanup();
    return rc;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (!strcmp(argv[1], commands[i].name)) {
      if (plan_global_init(NULL) != PLAN_OK) {
        fprintf(stderr, "plan: cannot initialise libcurl\n");
        return 1;
      }
      int rc = commands[i].fn(argc - 1, argv + 1);
      plan_global_cleanup();
      return rc;
    }
  }
  fprintf(stderr, "plan: unknown command '%s' (try 'plan --help')\n", argv[1]);
  return 2;
}
