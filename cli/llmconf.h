/* cli/llmconf.h: how the CLI picks and configures an LLM backend from flags
 * and the environment (OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY,
 * ANTHROPIC_BASE_URL, PLAN_PROVIDER, PLAN_MODEL, PLAN_BASE_URL; flags
 * override the environment). Shared by every command that talks to a
 * model. */
#ifndef PLAN_CLI_LLMCONF_H
#define PLAN_CLI_LLMCONF_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

typedef struct cli_llmconf {
  const char *provider; /* openai | anthropic | scripted */
  const char *model;
  const char *base_url;
  const char *api_key_env; /* which variable holds the key */
  const char *script;      /* scripted: the script file */
  const char *cassette;
  const char *cassette_mode; /* replay | record | record-new */
  long timeout_ms;
  long connect_timeout_ms;
  unsigned concurrency;
  unsigned max_attempts;
  uint64_t budget_calls, budget_tokens, budget_wall_ms;
  uint64_t seed;
  bool have_seed;
  /* Filled by cli_llm_open. */
  plan_llm *http; /* the real backend (or scripted) */
  plan_llm *cassette_llm;
  plan_llm *llm; /* what the scheduler uses */
  plan_scheduler *sched;
  char *script_text;
} cli_llmconf;

void cli_llmconf_init(cli_llmconf *c);
/* If argv[*i] is one of the LLM flags, consumes it (and its value),
 * advances *i and returns 1; returns 0 if it is not an LLM flag, -1 on a
 * bad value (message printed). */
int cli_llmconf_flag(cli_llmconf *c, int argc, char **argv, int *i);
/* The flags' help text. */
void cli_llmconf_usage(FILE *f);
/* Creates backend(s) and the scheduler. Prints the error and returns
 * non-zero on failure. */
int cli_llm_open(cli_llmconf *c, const char *prog);
/* Saves a recording cassette; prints errors. Returns 0 on success. */
int cli_llm_save(cli_llmconf *c, const char *prog);
void cli_llm_close(cli_llmconf *c);
/* Parses "123" into *out with bounds; prints an error naming flag. */
/* One line of an option table for --help: "  --flag ARG   help", help's
 * further lines ("\n") indented under the first. arg may be NULL. */
void cli_print_option(FILE *f, const char *flag, const char *arg,
                      const char *help);
bool cli_parse_u64(const char *flag, const char *s, uint64_t max,
                   uint64_t *out);
bool cli_parse_f64(const char *flag, const char *s, double lo, double hi,
                   double *out);

#endif
