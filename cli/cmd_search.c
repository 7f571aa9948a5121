/* cli/cmd_search.c: `plan --task FILE` for the tree searches: PDDL tasks in
 * modes llm, hybrid and exact, and free-form text tasks. cli/cmd_task.c
 * reads the task's kind and mode and hands these here (mode "solver" stays
 * there, travel tasks go to cli/cmd_travel.c).
 *
 * The search core (planner/planner.h) runs with the components the factory
 * builds for the mode (planner/components): the LLM behind them is the one
 * cli/llmconf.c configures (provider, model, cassette, concurrency,
 * budgets). Every option can be set in the task file (the flag's name with
 * '_' for '-') and on the command line; flags win. docs/cli-task.md is the
 * user's reference.
 *
 * Output: the plan as one JSON object on stdout, progress and a summary on
 * stderr. Exit status: 0 solved (for PDDL: and the validator accepts the
 * plan), 1 not solved (the best plan so far is printed with the reason),
 * 2 usage or input error.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/planbench/planbench.h"
#include "benchmarks/planbench/yaml.h"
#include "cli/cli.h"
#include "cli/cli_act.h"
#include "cli/llmconf.h"
#include "core/core.h"
#include "core/json.h"
#include "planner/components/components.h"
#include "planner/planner.h"
#include "worldmodel/pddl/pddl.h"

static const char prog[] = "plan";

/* ======================================================================
 * Options: one table for the flags and the task file's fields
 * ====================================================================== */

typedef enum opt_type { T_U64, T_F64, T_STR, T_PATH, T_BOOL } opt_type;

typedef enum opt_id {
  O_MODE,
  O_ALGO,
  O_MAX_NODES,
  O_MAX_DEPTH,
  O_MAX_EXPANSIONS,
  O_BRANCHING,
  O_BEAM_WIDTH,
  O_BATCH,
  O_DFS_CHILDREN,
  O_ITERATIONS,
  O_MCTS_C,
  O_PRUNE_BELOW,
  O_PATH_COST,
  O_PROPOSE,
  O_PROPOSE_SAMPLES,
  O_NO_VALUE,
  O_VALUE_SAMPLES,
  O_RUBRIC,
  O_LOGPROBS,
  O_PRUNE_IMPOSSIBLE,
  O_HEURISTIC,
  O_HEURISTIC_WEIGHT,
  O_LLM_JUDGE,
  O_JUDGE_SAMPLES,
  O_TEMPERATURE,
  O_MAX_TOKENS,
  O_PROMPTS,
  O_PB_CONFIG,
  O_TRACE,
  O_QUIET,
  O_VERBOSE,
  O_COUNT
} opt_id;

typedef struct opt_def {
  const char *flag; /* "--max-nodes"; the task field is "max_nodes" */
  opt_type type;
  double lo, hi; /* numbers: the accepted range */
  const char *arg, *help;
} opt_def;

/* clang-format off */
static const opt_def opts[O_COUNT] = {
  [O_MODE] = {"--mode", T_STR, 0, 0, "M",
    "pddl: llm, hybrid, exact, or solver (the planner)"},
  [O_ALGO] = {"--algo", T_STR, 0, 0, "A",
    "best-first (default), dfs, beam, mcts or greedy"},
  [O_MAX_NODES] = {"--max-nodes", T_U64, 1, 4294967294.0, "N",
    "nodes in the tree (default 10000)"},
  [O_MAX_DEPTH] = {"--max-depth", T_U64, 1, 100000, "N",
    "plan length limit (default 20; exact mode 100)"},
  [O_MAX_EXPANSIONS] = {"--max-expansions", T_U64, 1, 4294967295.0, "N",
    "states expanded (ToT's state limit; default none)"},
  [O_BRANCHING] = {"--branching", T_U64, 1, 100000, "K",
    "children kept per state (default 5; exact mode: all)"},
  [O_BEAM_WIDTH] = {"--beam-width", T_U64, 1, 100000, "W",
    "beam: states kept per level (default 5)"},
  [O_BATCH] = {"--batch", T_U64, 1, 100000, "B",
    "best-first, mcts: states per round (default 4)"},
  [O_DFS_CHILDREN] = {"--dfs-children", T_U64, 1, 100000, "N",
    "dfs: children tried per state (default 3)"},
  [O_ITERATIONS] = {"--iterations", T_U64, 1, 100000000, "N",
    "mcts: iterations (default 100)"},
  [O_MCTS_C] = {"--mcts-c", T_F64, 0, 100, "C",
    "mcts: exploration constant (default 1)"},
  [O_PRUNE_BELOW] = {"--prune-below", T_F64, 0, 1, "V",
    "prune states valued below V (default: never)"},
  [O_PATH_COST] = {"--path-cost", T_F64, 0, 100, "W",
    "best-first: priority = value - W x depth (default 0)"},
  [O_PROPOSE] = {"--propose", T_STR, 0, 0, "HOW",
    "sample (n sampled actions, top k; default) or list"},
  [O_PROPOSE_SAMPLES] = {"--propose-samples", T_U64, 1, 1000, "N",
    "sampled proposals per state (default 2 x branching)"},
  [O_NO_VALUE] = {"--no-value", T_BOOL, 0, 0, NULL,
    "no value function, no value calls: every state ranks\n"
    "the same; greedy takes the most proposed action (the\n"
    "LLM alone), best-first searches breadth first"},
  [O_VALUE_SAMPLES] = {"--value-samples", T_U64, 1, 1000, "N",
    "LLM value samples per state (default 3)"},
  [O_RUBRIC] = {"--rubric", T_STR, 0, 0, "R",
    "value answers: sure (sure/likely/impossible, default),\n"
    "status (success/on track/failure) or LO:HI (a number)"},
  [O_LOGPROBS] = {"--logprobs", T_BOOL, 0, 0, NULL,
    "one value call per state, scored from the logprobs"},
  [O_PRUNE_IMPOSSIBLE] = {"--prune-impossible", T_BOOL, 0, 0, NULL,
    "prune a state every value sample calls impossible"},
  [O_HEURISTIC] = {"--heuristic", T_STR, 0, 0, "H",
    "pddl: goal-fraction, hadd or hff (exact mode's value,\n"
    "default hff; llm/hybrid with --heuristic-weight)"},
  [O_HEURISTIC_WEIGHT] = {"--heuristic-weight", T_F64, 0, 1000, "W",
    "llm/hybrid: add the heuristic to the LLM value with\n"
    "weight W (the LLM's weight is 1; default 0)"},
  [O_LLM_JUDGE] = {"--llm-judge", T_BOOL, 0, 0, NULL,
    "llm mode: the LLM judges goals (default: the goal\n"
    "literals on the predicted state)"},
  [O_JUDGE_SAMPLES] = {"--judge-samples", T_U64, 1, 1000, "N",
    "judge samples per state (default 1)"},
  [O_TEMPERATURE] = {"--temperature", T_F64, 0, 2, "T",
    "temperature of the LLM calls (default 1; world model 0)"},
  [O_MAX_TOKENS] = {"--max-tokens", T_U64, 1, 10000000, "N",
    "cap on each reply's tokens"},
  [O_PROMPTS] = {"--prompts", T_PATH, 0, 0, "DIR",
    "templates that replace the defaults by file name\n"
    "(docs/prompts.md)"},
  [O_PB_CONFIG] = {"--pb-config", T_PATH, 0, 0, "FILE",
    "pddl: a PlanBench config (YAML) for natural-language\n"
    "prompts (default: PDDL syntax)"},
  [O_TRACE] = {"--trace", T_PATH, 0, 0, "FILE",
    "write the search's JSONL trace (docs/trace.md)"},
  [O_QUIET] = {"--quiet", T_BOOL, 0, 0, NULL, "no progress or summary"},
  [O_VERBOSE] = {"--verbose", T_BOOL, 0, 0, NULL, "a progress line per round"},
};
/* clang-format on */

typedef struct opt_val {
  bool set;
  uint64_t u;
  double f;
  const char *s; /* borrowed from argv or the task, or owned (paths) */
  bool b;
} opt_val;

/* The LLM settings a task file may hold (cli/llmconf.h), as fields. */
static const char *const llm_fields[] = {
    "provider",      "model",           "base_url",
    "api_key_env",   "script",          "cassette",
    "cassette_mode", "concurrency",     "max_attempts",
    "timeout",       "connect_timeout", "budget_calls",
    "budget_tokens", "budget_seconds",  "seed"};

/* The task fields that are not options. */
static const char *const task_fields[] = {
    "kind",    "domain",      "problem", "goal",   "initial_state",
    "actions", "description", "name",    "comment", "env", "agent"};

void cli_search_usage(FILE *f) {
  fprintf(f,
          "Search tasks (pddl with \"mode\" llm, hybrid or exact; text "
          "tasks):\n"
          "  {\"kind\":\"pddl\",\"domain\":\"d.pddl\",\"problem\":\"p.pddl\","
          "\"mode\":\"hybrid\"}\n"
          "  {\"kind\":\"text\",\"goal\":\"...\",\"initial_state\":\"...\","
          "\"actions\":[...]}\n"
          "Every option below may also be a task field (\"max_nodes\":500); "
          "flags win.\n"
          "\n"
          "Search options:\n");
  for (size_t i = 0; i < O_COUNT; i++)
    cli_print_option(f, opts[i].flag, opts[i].arg, opts[i].help);
  fprintf(f, "  --budget-calls N, --budget-tokens N, --budget-seconds S, "
             "--seed N,\n"
             "  --concurrency N, --cassette FILE --cassette-mode M and the "
             "other\n"
             "  model options below.\n\n");
  cli_llmconf_usage(f);
  fprintf(f,
          "\n"
          "Modes: llm (LLM proposer, value and world model; the validator "
          "checks\nthe plan), hybrid (LLM proposer and value, the exact "
          "simulator and goal\ntest in the loop), exact (no LLM: applicable "
          "actions and a heuristic).\n"
          "Output: {\"plan\":[...],\"solved\":..,\"valid\":..,\"stop\":..,"
          "\"llm_calls\":..,\n"
          "\"tokens\":..,\"nodes\":..,\"wall_s\":..} on stdout; progress "
          "and a summary on stderr.\n"
          "Exit status: 0 solved (and valid), 1 not solved (the best plan is "
          "printed),\n"
          "2 usage or input error. See docs/cli-task.md.\n");
}

/* Everything a run owns, released by run_free. */
typedef struct run {
  const char *task_path;
  json_t *task;
  bool pddl;
  opt_val v[O_COUNT];
  cli_llmconf conf;
  bool llm_open;
  char **owned; /* resolved paths */
  size_t n_owned;
  plan__comp_mode mode;
  plan__algo algo;
  /* pddl */
  char *dom_path, *prob_path;
  plan__pddl_task *ptask;
  plan__pb_config *cfg;
  /* text */
  const char **vocab;
  size_t n_vocab;
  plan__prompts *prompts;
  plan__domain *dom;
  plan__comp_set *cs;
  plan__search *search;
  FILE *trace;
  plan__pddl_report rep;
  plan__buf out;
  bool act; /* --act: the plan-act loop (cli/cmd_act.c) */
  plan__comp_options co;
} run;

static void run_free(run *r) {
  plan__buf_free(&r->out);
  plan__pddl_report_free(&r->rep);
  plan__search_free(r->search);
  if (r->trace)
    fclose(r->trace);
  plan__comp_set_free(r->cs);
  plan__domain_free(r->dom);
  plan__prompts_free(r->prompts);
  plan__free(r->vocab);
  plan__pb_config_free(r->cfg);
  plan__pddl_task_free(r->ptask);
  plan__free(r->dom_path);
  plan__free(r->prob_path);
  if (r->llm_open)
    cli_llm_close(&r->conf);
  for (size_t i = 0; i < r->n_owned; i++)
    plan__free(r->owned[i]);
  plan__free(r->owned);
  json_decref(r->task);
}

/* dir-of-task/rel unless rel is absolute; kept until run_free. NULL on
 * ENOMEM (message printed). */
static const char *task_relative(run *r, const char *rel) {
  char *p = NULL;
  const char *slash = strrchr(r->task_path, '/');
  if (rel[0] == '/' || !slash) {
    p = plan__strdup(rel);
  } else {
    plan__buf b;
    plan__buf_init(&b, 0);
    plan__buf_append(&b, r->task_path, (size_t)(slash - r->task_path) + 1);
    plan__buf_puts(&b, rel);
    p = b.status == PLAN_OK ? plan__buf_take(&b) : NULL;
    plan__buf_free(&b);
  }
  size_t cap = r->n_owned;
  if (!p || plan__grow((void **)&r->owned, &cap, r->n_owned + 1,
                       sizeof *r->owned) != PLAN_OK) {
    plan__free(p);
    fprintf(stderr, "%s: out of memory\n", prog);
    return NULL;
  }
  r->owned[r->n_owned++] = p;
  return p;
}

/* Stores a string value of option o; text comes from the task (from_task)
 * or the command line. Returns false with a message on a bad value. */
static bool set_value(run *r, opt_id o, const char *text, bool from_task) {
  const opt_def *d = &opts[o];
  opt_val *v = &r->v[o];
  if (d->type == T_PATH && from_task) {
    text = task_relative(r, text);
    if (!text)
      return false;
  }
  if (d->type == T_STR || d->type == T_PATH) {
    if (!*text) {
      fprintf(stderr, "%s: %s: expected a non-empty value\n", prog, d->flag);
      return false;
    }
    v->s = text;
  } else if (d->type == T_U64) {
    if (!cli_parse_u64(d->flag, text, (uint64_t)d->hi, &v->u))
      return false;
    if ((double)v->u < d->lo) {
      fprintf(stderr, "%s: %s: expected at least %.0f, got '%s'\n", prog,
              d->flag, d->lo, text);
      return false;
    }
  } else if (d->type == T_F64) {
    if (!cli_parse_f64(d->flag, text, d->lo, d->hi, &v->f))
      return false;
  }
  v->set = true;
  return true;
}

/* ======================================================================
 * Reading the task file
 * ====================================================================== */

static bool field_is(const char *key, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(key, list[i]))
      return true;
  return false;
}

/* The option whose task field is key ("max_nodes"), or O_COUNT. */
static opt_id option_of_field(const char *key) {
  for (size_t i = 0; i < O_COUNT; i++) {
    const char *f = opts[i].flag + 2;
    size_t j = 0;
    for (; f[j] && key[j]; j++)
      if (key[j] != (f[j] == '-' ? '_' : f[j]))
        break;
    if (!f[j] && !key[j])
      return (opt_id)i;
  }
  return O_COUNT;
}

static bool bad_field(const run *r, const char *key, const char *want) {
  fprintf(stderr, "%s: %s: field \"%s\": expected %s\n", prog, r->task_path,
          key, want);
  return false;
}

/* A number field as text for set_value (so the ranges and messages are
 * the flags'). */
static bool number_text(const run *r, const char *key, const json_t *val,
                        opt_type type, char *buf, size_t size) {
  if (type == T_U64) {
    if (!json_is_integer(val) || json_integer_value(val) < 0)
      return bad_field(r, key, "a non-negative integer");
    plan__fmt(buf, size, "%lld", (long long)json_integer_value(val));
    return true;
  }
  if (!json_is_number(val))
    return bad_field(r, key, "a number");
  plan__fmt(buf, size, "%.17g", json_number_value(val));
  return true;
}

/* An LLM setting from the task into the llmconf (flags override later). */
static bool llm_field(run *r, const char *key, const json_t *val) {
  cli_llmconf *c = &r->conf;
  char num[64];
  if (!strcmp(key, "concurrency") || !strcmp(key, "max_attempts") ||
      !strcmp(key, "timeout") || !strcmp(key, "connect_timeout") ||
      !strcmp(key, "budget_calls") || !strcmp(key, "budget_tokens") ||
      !strcmp(key, "budget_seconds") || !strcmp(key, "seed")) {
    if (!number_text(r, key, val, T_U64, num, sizeof num))
      return false;
    /* Reuse the flag parser: "--budget-calls" "N". */
    char flag[40];
    plan__fmt(flag, sizeof flag, "--%s", key);
    for (char *p = flag; *p; p++)
      if (*p == '_')
        *p = '-';
    char *argv[2] = {flag, num};
    int i = 0;
    if (cli_llmconf_flag(c, 2, argv, &i) != 1) {
      fprintf(stderr, "%s: %s: field \"%s\" (above)\n", prog, r->task_path,
              key);
      return false;
    }
    return true;
  }
  if (!json_is_string(val) || !*json_string_value(val))
    return bad_field(r, key, "a non-empty string");
  const char *s = json_string_value(val);
  if (!strcmp(key, "script") || !strcmp(key, "cassette")) {
    s = task_relative(r, s);
    if (!s)
      return false;
  }
  if (!strcmp(key, "provider"))
    c->provider = s;
  else if (!strcmp(key, "model"))
    c->model = s;
  else if (!strcmp(key, "base_url"))
    c->base_url = s;
  else if (!strcmp(key, "api_key_env"))
    c->api_key_env = s;
  else if (!strcmp(key, "script"))
    c->script = s;
  else if (!strcmp(key, "cassette"))
    c->cassette = s;
  else
    c->cassette_mode = s;
  return true;
}

/* A solver task switched to a search mode by --mode may name the
 * classical planner's algorithm and heuristic; those are not ours. */
static bool solver_leftover(const run *r, const char *key, const json_t *val,
                            bool mode_from_flag) {
  if (!mode_from_flag || !json_is_string(val))
    return false;
  const char *task_mode = plan__json_str(r->task, "mode");
  if (task_mode && strcmp(task_mode, "solver"))
    return false;
  plan__algo a;
  plan__heuristic h;
  const char *s = json_string_value(val);
  if (!strcmp(key, "algo") && !plan__algo_parse(s, &a))
    return true;
  if (!strcmp(key, "heuristic") && !plan__heuristic_parse(s, &h))
    return true;
  return false;
}

/* Reads every option field of the task. */
static bool read_task_options(run *r, bool mode_from_flag) {
  const char *key;
  json_t *val;
  json_object_foreach(r->task, key, val) {
    if (field_is(key, task_fields, PLAN_ARRAY_LEN(task_fields)))
      continue;
    if (field_is(key, llm_fields, PLAN_ARRAY_LEN(llm_fields))) {
      if (!llm_field(r, key, val))
        return false;
      continue;
    }
    opt_id o = option_of_field(key);
    if (o == O_COUNT || o == O_QUIET || o == O_VERBOSE) {
      if (!strcmp(key, "time_limit"))
        continue; /* the solver's; a search uses budget_seconds */
      fprintf(stderr,
              "%s: %s: unknown field \"%s\" (see 'plan --task --help' for "
              "the fields)\n",
              prog, r->task_path, key);
      return false;
    }
    if (solver_leftover(r, key, val, mode_from_flag)) {
      fprintf(stderr, "%s: note: %s: ignoring the solver's \"%s\": \"%s\"\n",
              prog, r->task_path, key, json_string_value(val));
      continue;
    }
    const opt_def *d = &opts[o];
    char num[64];
    bool ok;
    if (d->type == T_BOOL) {
      if (!json_is_boolean(val))
        return bad_field(r, key, "true or false");
      r->v[o].b = json_is_true(val);
      r->v[o].set = true;
      continue;
    }
    if (d->type == T_STR || d->type == T_PATH) {
      if (!json_is_string(val) || !*json_string_value(val))
        return bad_field(r, key, "a non-empty string");
      ok = set_value(r, o, json_string_value(val), true);
    } else {
      ok = number_text(r, key, val, d->type, num, sizeof num) &&
           set_value(r, o, num, true);
    }
    if (!ok) {
      fprintf(stderr, "%s: %s: field \"%s\" (above)\n", prog, r->task_path,
              key);
      return false;
    }
  }
  return true;
}

/* Reads the command line after "--task FILE". Returns -1 to go on, else
 * the exit status. */
static int read_flags(run *r, int argc, char **argv) {
  for (int i = 2; i < argc;) {
    const char *a = argv[i];
    int used = cli_llmconf_flag(&r->conf, argc, argv, &i);
    if (used < 0)
      return 2;
    if (used)
      continue;
    opt_id o = O_COUNT;
    for (size_t k = 0; k < O_COUNT; k++)
      if (!strcmp(a, opts[k].flag))
        o = (opt_id)k;
    int act_arity = o == O_COUNT ? cli_act_flag_arity(a) : -1;
    if (act_arity >= 0) {
      /* The loop's options (cli/cmd_act.c reads them). */
      if (!strcmp(a, "--act"))
        r->act = true;
      if (i + act_arity >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", prog, a);
        return 2;
      }
      i += 1 + act_arity;
      continue;
    }
    if (o == O_COUNT) {
      fprintf(stderr,
              "%s: unknown option '%s' for a %s task (see 'plan --task "
              "--help')\n",
              prog, a, r->pddl ? "pddl search" : "text");
      return 2;
    }
    if (opts[o].type == T_BOOL) {
      r->v[o].set = true;
      r->v[o].b = true;
      i++;
      continue;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "%s: %s needs a value\n", prog, a);
      return 2;
    }
    if (!set_value(r, o, argv[i + 1], false))
      return 2;
    i += 2;
  }
  return -1;
}

/* The text task's fields. */
static bool read_text_task(run *r, const char **desc, const char **init,
                           const char **goal) {
  const json_t *t = r->task;
  const char *names[3] = {"description", "initial_state", "goal"};
  const char **outs[3] = {desc, init, goal};
  for (size_t i = 0; i < 3; i++) {
    const json_t *v = json_object_get(t, names[i]);
    *outs[i] = NULL;
    if (!v && i == 0)
      continue;
    if (!v || !json_is_string(v) || (i > 0 && !*json_string_value(v)))
      return bad_field(r, names[i],
                       v ? "a non-empty string"
                         : "a non-empty string (it is "
                           "required)");
    *outs[i] = json_string_value(v);
  }
  const json_t *acts = json_object_get(t, "actions");
  if (!acts)
    return true;
  if (!json_is_array(acts))
    return bad_field(r, "actions", "an array of strings");
  r->n_vocab = json_array_size(acts);
  r->vocab = plan__calloc(r->n_vocab ? r->n_vocab : 1, sizeof *r->vocab);
  if (!r->vocab) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return false;
  }
  for (size_t i = 0; i < r->n_vocab; i++) {
    const json_t *a = json_array_get(acts, i);
    if (!json_is_string(a) || !*json_string_value(a)) {
      fprintf(stderr,
              "%s: %s: field \"actions\": item %zu: expected a non-empty "
              "string\n",
              prog, r->task_path, i + 1);
      return false;
    }
    r->vocab[i] = json_string_value(a);
  }
  return true;
}

/* Loads a PlanBench config from any path: the YAML's stem names it. */
static bool load_pb_config(run *r, const char *path) {
  plan_error err;
  memset(&err, 0, sizeof err);
  if (plan__pb_config_load_file(path, &r->cfg, &err) != PLAN_OK) {
    fprintf(stderr, "%s: pb_config: %s\n", prog, err.text);
    return false;
  }
  return true;
}

/* ======================================================================
 * Progress: a proposer wrapper that reports each round
 * ====================================================================== */

typedef struct progress {
  plan__proposer inner;
  plan_scheduler *sched;
  bool verbose, quiet;
  uint64_t t0, last, rounds;
} progress;

static plan_status progress_propose(void *self, plan__search *s,
                                    const plan__node_id *nodes, size_t n) {
  progress *p = self;
  p->rounds++;
  uint64_t now = plan__now_ns(NULL);
  if (!p->quiet && (p->verbose || now - p->last >= 1000000000u)) {
    p->last = now;
    plan_scheduler_stats st;
    memset(&st, 0, sizeof st);
    if (p->sched)
      plan_scheduler_stats_get(p->sched, &st);
    fprintf(stderr,
            "%s: round %llu: expanding %zu state%s; %zu nodes, %llu LLM "
            "calls, %.1f s\n",
            prog, (unsigned long long)p->rounds, n, n == 1 ? "" : "s",
            plan__search_node_count(s), (unsigned long long)st.calls,
            (double)(now - p->t0) / 1e9);
  }
  return p->inner.propose(p->inner.self, s, nodes, n);
}

/* ======================================================================
 * Setting up and running
 * ====================================================================== */

/* Parses --rubric: sure, status, or LO:HI. */
static bool parse_rubric(const char *s, plan__comp_options *co) {
  if (!strcmp(s, "sure")) {
    co->rubric = PLAN_RUBRIC_SURE;
    return true;
  }
  if (!strcmp(s, "status")) {
    co->rubric = PLAN_RUBRIC_STATUS;
    return true;
  }
  const char *colon = strchr(s, ':');
  if (!colon || colon == s)
    return false;
  char lo_s[64];
  size_t n = (size_t)(colon - s);
  if (n >= sizeof lo_s)
    return false;
  memcpy(lo_s, s, n);
  lo_s[n] = '\0';
  double lo, hi;
  if (!plan__parse_double(lo_s, &lo) || !plan__parse_double(colon + 1, &hi) ||
      !(lo < hi))
    return false;
  co->rubric = PLAN_RUBRIC_NUMBER;
  co->lo = lo;
  co->hi = hi;
  return true;
}

/* The options that only shape the value function, which --no-value
 * turns off: asking for both is a contradiction, not a preference. */
static const opt_id value_opts[] = {
    O_VALUE_SAMPLES, O_RUBRIC,    O_LOGPROBS,         O_PRUNE_IMPOSSIBLE,
    O_PRUNE_BELOW,   O_HEURISTIC, O_HEURISTIC_WEIGHT,
};

/* Component options from the run's options. */
static bool comp_options(run *r, plan__comp_options *co) {
  const opt_val *v = r->v;
  if (v[O_NO_VALUE].b)
    for (size_t i = 0; i < PLAN_ARRAY_LEN(value_opts); i++)
      if (v[value_opts[i]].set) {
        fprintf(stderr,
                "%s: %s sets the value function, which --no-value turns "
                "off\n",
                prog, opts[value_opts[i]].flag);
        return false;
      }
  plan__comp_options_default(co);
  co->mode = r->mode;
  if (r->mode == PLAN__MODE_EXACT)
    co->heuristic = PLAN__HEUR_HFF;
  if (v[O_BRANCHING].set)
    co->k = (unsigned)v[O_BRANCHING].u;
  if (v[O_PROPOSE].set) {
    if (!strcmp(v[O_PROPOSE].s, "sample"))
      co->propose = PLAN__PROPOSE_SAMPLE;
    else if (!strcmp(v[O_PROPOSE].s, "list"))
      co->propose = PLAN__PROPOSE_LIST;
    else {
      fprintf(stderr, "%s: --propose: expected sample or list, got '%s'\n",
              prog, v[O_PROPOSE].s);
      return false;
    }
  }
  if (v[O_PROPOSE_SAMPLES].set)
    co->propose_samples = (unsigned)v[O_PROPOSE_SAMPLES].u;
  if (v[O_VALUE_SAMPLES].set)
    co->value_samples = (unsigned)v[O_VALUE_SAMPLES].u;
  if (v[O_RUBRIC].set && !parse_rubric(v[O_RUBRIC].s, co)) {
    fprintf(stderr,
            "%s: --rubric: expected sure, status or LO:HI (e.g. 1:10), got "
            "'%s'\n",
            prog, v[O_RUBRIC].s);
    return false;
  }
  co->logprobs = v[O_LOGPROBS].b;
  co->prune_impossible = v[O_PRUNE_IMPOSSIBLE].b;
  if (co->logprobs && co->rubric != PLAN_RUBRIC_SURE) {
    fprintf(stderr, "%s: --logprobs works with --rubric sure only\n", prog);
    return false;
  }
  if (v[O_HEURISTIC].set) {
    if (!r->pddl) {
      fprintf(stderr, "%s: --heuristic applies to pddl tasks only\n", prog);
      return false;
    }
    if (!plan__heuristic_parse(v[O_HEURISTIC].s, &co->heuristic)) {
      fprintf(stderr,
              "%s: --heuristic: expected goal-fraction, hadd or hff, got "
              "'%s'\n",
              prog, v[O_HEURISTIC].s);
      return false;
    }
  }
  if (v[O_HEURISTIC_WEIGHT].set) {
    if (!r->pddl) {
      fprintf(stderr, "%s: --heuristic-weight applies to pddl tasks only\n",
              prog);
      return false;
    }
    co->w_heuristic = v[O_HEURISTIC_WEIGHT].f;
  }
  co->llm_judge = v[O_LLM_JUDGE].b;
  if (co->llm_judge && r->mode != PLAN__MODE_LLM && r->mode != PLAN__MODE_TEXT)
    fprintf(stderr, "%s: note: --llm-judge is used in llm mode only\n", prog);
  if (v[O_JUDGE_SAMPLES].set)
    co->judge_samples = (unsigned)v[O_JUDGE_SAMPLES].u;
  if (v[O_TEMPERATURE].set) {
    co->call.temperature = v[O_TEMPERATURE].f;
    co->call.has_temperature = true;
  }
  if (v[O_MAX_TOKENS].set)
    co->call.max_tokens = (unsigned)v[O_MAX_TOKENS].u;
  co->call.model = r->conf.model;
  if (r->conf.have_seed) {
    co->call.has_seed = true;
    co->call.seed = (int64_t)r->conf.seed;
  }
  return true;
}

/* Search options from the run's options. */
static void search_options(run *r, plan__search_options *so) {
  const opt_val *v = r->v;
  plan__search_options_default(so);
  so->algo = r->algo;
  if (v[O_MAX_NODES].set)
    so->max_nodes = (uint32_t)v[O_MAX_NODES].u;
  if (v[O_MAX_DEPTH].set)
    so->max_depth = (uint32_t)v[O_MAX_DEPTH].u;
  else if (r->mode == PLAN__MODE_EXACT)
    so->max_depth = 100; /* no LLM cost per level: greedy plans run long */
  if (v[O_MAX_EXPANSIONS].set)
    so->max_expansions = (uint32_t)v[O_MAX_EXPANSIONS].u;
  if (v[O_BRANCHING].set)
    so->branching = (uint32_t)v[O_BRANCHING].u;
  else if (r->mode == PLAN__MODE_EXACT && r->ptask)
    /* Exact proposals all count once: keep every applicable action. */
    so->branching = (uint32_t)PLAN_MIN(r->ptask->n_actions + 1, 100000u);
  if (v[O_BEAM_WIDTH].set)
    so->beam_width = (uint32_t)v[O_BEAM_WIDTH].u;
  if (v[O_BATCH].set)
    so->batch = (uint32_t)v[O_BATCH].u;
  if (v[O_DFS_CHILDREN].set)
    so->dfs_max_children = (uint32_t)v[O_DFS_CHILDREN].u;
  if (v[O_ITERATIONS].set)
    so->mcts_iterations = (uint32_t)v[O_ITERATIONS].u;
  if (v[O_MCTS_C].set)
    so->mcts_c = v[O_MCTS_C].f > 0 ? v[O_MCTS_C].f : 1e-9;
  if (v[O_PRUNE_BELOW].set)
    so->prune_below = v[O_PRUNE_BELOW].f;
  if (v[O_PATH_COST].set)
    so->path_cost_weight = v[O_PATH_COST].f;
  so->max_llm_calls = r->conf.budget_calls;
  so->max_tokens = r->conf.budget_tokens;
  so->max_wall_ms = r->conf.budget_wall_ms;
  so->seed = r->conf.have_seed ? r->conf.seed : 0;
  so->clock = plan_clock_system();
}

/* What ended a search, for people. */
static const char *stop_words(plan__stop s) {
  switch (s) {
  case PLAN__STOP_GOAL: return "reached the goal";
  case PLAN__STOP_EXHAUSTED: return "no state left to expand";
  case PLAN__STOP_NODES: return "the node budget ran out (--max-nodes)";
  case PLAN__STOP_DEPTH:
    return "every open state is at the depth limit "
           "(--max-depth)";
  case PLAN__STOP_CALLS:
    return "the LLM-call budget ran out "
           "(--budget-calls)";
  case PLAN__STOP_TOKENS: return "the token budget ran out (--budget-tokens)";
  case PLAN__STOP_TIME: return "the time budget ran out (--budget-seconds)";
  case PLAN__STOP_ITERATIONS:
    return "the iteration limit was reached "
           "(--iterations, --max-expansions)";
  case PLAN__STOP_MEMORY: return "the memory cap was reached";
  case PLAN__STOP_SETTLED: return "the decision was clear (overthinking guard)";
  case PLAN__STOP_ERROR: return "an error";
  default: return "unknown";
  }
}

/* Component counters as JSON (new object; NULL if none apply). */
static json_t *stats_json(const plan__comp_set *cs) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  plan__proposer_stats ps;
  if (plan__proposer_stats_get(&cs->proposer, &ps) && ps.requests) {
    json_t *p = json_pack(
        "{sI sI sI sI sI sI sI sI sI}", "requests", (json_int_t)ps.requests,
        "samples", (json_int_t)ps.samples, "failed", (json_int_t)ps.failed,
        "truncated", (json_int_t)ps.truncated, "unknown",
        (json_int_t)ps.unknown, "inapplicable", (json_int_t)ps.inapplicable,
        "duplicates", (json_int_t)ps.duplicates, "dropped_k",
        (json_int_t)ps.dropped_k, "children", (json_int_t)ps.children);
    json_object_set_new(o, "proposer", p);
  }
  plan__evaluator_stats es;
  if (plan__evaluator_stats_get(&cs->evaluator, &es) && es.requests) {
    json_t *e = json_pack(
        "{sI sI sI sI sI}", "requests", (json_int_t)es.requests, "samples",
        (json_int_t)es.samples, "missing", (json_int_t)es.missing,
        "logprob_values", (json_int_t)es.logprob_values, "pruned",
        (json_int_t)es.pruned);
    json_object_set_new(o, "evaluator", e);
  }
  plan__world_stats ws;
  if (plan__world_stats_get(&cs->world, &ws) && ws.requests) {
    json_t *w = json_pack(
        "{sI sI sI sI sI sI sI}", "requests", (json_int_t)ws.requests, "failed",
        (json_int_t)ws.failed, "predictions", (json_int_t)ws.predictions,
        "unparseable", (json_int_t)ws.unparseable, "wrong",
        (json_int_t)ws.wrong, "checked", (json_int_t)ws.checked, "inapplicable",
        (json_int_t)ws.inapplicable);
    if (w && ws.n_schemas) {
      json_t *sch = json_object();
      for (size_t i = 0; sch && i < ws.n_schemas; i++) {
        const plan__wm_schema_stats *x = &ws.schemas[i];
        json_object_set_new(
            sch, x->schema,
            json_pack("{sI sI sI sI sf}", "checked", (json_int_t)x->checked,
                      "wrong", (json_int_t)x->wrong, "unparseable",
                      (json_int_t)x->unparseable, "inapplicable",
                      (json_int_t)x->inapplicable, "error_rate",
                      x->error_rate));
      }
      json_object_set_new(w, "schemas", sch);
    }
    json_object_set_new(o, "world_model", w);
  }
  if (json_object_size(o) == 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* One line per schema of the LLM world model's error rates. */
static void print_world_errors(const plan__comp_set *cs) {
  plan__world_stats ws;
  if (!plan__world_stats_get(&cs->world, &ws) || !ws.requests)
    return;
  if (cs->mode == PLAN__MODE_TEXT) {
    fprintf(stderr, "%s: LLM world model: %llu predictions, %llu unparseable\n",
            prog, (unsigned long long)ws.predictions,
            (unsigned long long)ws.unparseable);
    return;
  }
  fprintf(stderr,
          "%s: LLM world model: %llu predictions, %llu checked, %llu wrong, "
          "%llu unparseable\n",
          prog, (unsigned long long)ws.predictions,
          (unsigned long long)ws.checked, (unsigned long long)ws.wrong,
          (unsigned long long)ws.unparseable);
  for (size_t i = 0; i < ws.n_schemas; i++)
    fprintf(stderr,
            "%s:   %-12s error rate %.1f%% (%llu checked, %llu wrong, %llu "
            "unparseable, %llu inapplicable)\n",
            prog, ws.schemas[i].schema, 100.0 * ws.schemas[i].error_rate,
            (unsigned long long)ws.schemas[i].checked,
            (unsigned long long)ws.schemas[i].wrong,
            (unsigned long long)ws.schemas[i].unparseable,
            (unsigned long long)ws.schemas[i].inapplicable);
}

/* Builds the domain and the components of the mode. */
static int setup(run *r) {
  plan_error err;
  memset(&err, 0, sizeof err);
  const char *prompts_dir = r->v[O_PROMPTS].set ? r->v[O_PROMPTS].s : NULL;
  if (plan__prompts_load(prompts_dir, &r->prompts, &err) != PLAN_OK) {
    fprintf(stderr, "%s: prompts: %s\n", prog, err.text);
    return 2;
  }
  if (r->pddl) {
    const char *d = plan__json_str(r->task, "domain");
    const char *p = plan__json_str(r->task, "problem");
    if (!d || !p) {
      fprintf(stderr,
              "%s: %s: a pddl task needs \"domain\" and \"problem\" (paths "
              "relative to the task file)\n",
              prog, r->task_path);
      return 2;
    }
    const char *dp = task_relative(r, d);
    const char *pp = dp ? task_relative(r, p) : NULL;
    if (!pp)
      return 2;
    if (plan__pddl_task_load(dp, pp, &r->ptask, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", prog, err.text);
      return 2;
    }
    if (r->v[O_PB_CONFIG].set && !load_pb_config(r, r->v[O_PB_CONFIG].s))
      return 2;
    if (plan__domain_pddl_create(r->ptask, r->cfg, r->prompts, &r->dom, &err) !=
        PLAN_OK) {
      fprintf(stderr, "%s: %s\n", prog, err.text);
      return 2;
    }
  } else {
    const char *desc, *init, *goal;
    if (!read_text_task(r, &desc, &init, &goal))
      return 2;
    if (plan__domain_text_create(desc, init, goal, r->vocab, r->n_vocab,
                                 r->prompts, &r->dom, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s: %s\n", prog, r->task_path, err.text);
      return 2;
    }
  }
  plan__comp_options *co = &r->co;
  if (!comp_options(r, co))
    return 2;
  if (plan__comp_set_create(r->dom, co, &r->cs, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    return 2;
  }
  return 0;
}

/* Prints the result JSON and the summary; returns the exit status. */
static int report(run *r, plan_status st, double wall_s) {
  plan__result res;
  plan__search_result(r->search, &res);
  bool valid = false;
  bool have_rep = false;
  if (r->pddl) {
    if (plan__comp_validate(r->dom, r->search, &res, &r->rep) != PLAN_OK) {
      fprintf(stderr, "%s: out of memory\n", prog);
      return 1;
    }
    have_rep = true;
    valid = r->rep.valid;
  }
  json_t *o = json_object();
  json_t *plan = json_array();
  if (!o || !plan) {
    json_decref(o);
    json_decref(plan);
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  for (size_t i = 0; i < res.n_steps; i++) {
    const plan__node *nd = plan__search_node(r->search, res.path[i]);
    json_array_append_new(plan,
                          json_string(nd && nd->action ? nd->action : ""));
  }
  json_object_set_new(o, "plan", plan);
  json_object_set_new(o, "solved", json_boolean(res.solved));
  if (r->pddl) {
    json_object_set_new(o, "valid", json_boolean(valid));
    json_object_set_new(o, "domain", json_string(r->ptask->domain_name));
    json_object_set_new(o, "problem", json_string(r->ptask->problem_name));
  } else {
    const plan__node *leaf = plan__search_node(r->search, res.leaf);
    if (leaf && leaf->state_text)
      json_object_set_new(o, "final_state", json_string(leaf->state_text));
  }
  json_object_set_new(o, "stop", json_string(plan__stop_name(res.stop)));
  json_object_set_new(o, "mode", json_string(plan__comp_mode_name(r->mode)));
  json_object_set_new(o, "algo", json_string(plan__algo_name(r->algo)));
  json_object_set_new(o, "steps", json_integer((json_int_t)res.n_steps));
  json_object_set_new(o, "value", json_real(res.value));
  json_object_set_new(o, "nodes", json_integer((json_int_t)res.n_nodes));
  json_object_set_new(o, "expansions",
                      json_integer((json_int_t)res.expansions));
  json_object_set_new(o, "rounds", json_integer((json_int_t)res.rounds));
  json_object_set_new(o, "llm_calls", json_integer((json_int_t)res.llm_calls));
  json_object_set_new(o, "tokens", json_integer((json_int_t)res.tokens));
  json_object_set_new(o, "wall_s", json_real(floor(wall_s * 1000.0) / 1000.0));
  uint64_t failures = 0;
  if (r->conf.sched) {
    plan_scheduler_stats ss;
    plan_scheduler_stats_get(r->conf.sched, &ss);
    failures = ss.failures;
    json_object_set_new(o, "llm_failures", json_integer((json_int_t)failures));
  }
  json_t *stats = stats_json(r->cs);
  if (stats)
    json_object_set_new(o, "stats", stats);

  /* Why it is not solved, when it is not. */
  const char *why = NULL;
  char msg[600];
  if (st != PLAN_OK && st != PLAN_EBUDGET) {
    plan__fmt(msg, sizeof msg, "%s: %s", plan_status_name(st),
              plan__search_errmsg(r->search));
    why = msg;
  } else if (!res.solved) {
    plan__fmt(msg, sizeof msg, "not solved: %s", stop_words(res.stop));
    why = msg;
  } else if (r->pddl && !valid) {
    plan__fmt(msg, sizeof msg, "the validator rejects the plan: %s",
              r->rep.message ? r->rep.message : "invalid");
    why = msg;
  }
  if (why)
    json_object_set_new(o, "error", json_string(why));
  plan__buf_init(&r->out, 0);
  if (plan__json_canonical(o, &r->out) != PLAN_OK ||
      plan__buf_putc(&r->out, '\n') != PLAN_OK) {
    json_decref(o);
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  json_decref(o);
  fputs(r->out.data, stdout);
  fflush(stdout);

  if (!r->v[O_QUIET].b) {
    const char *what = r->pddl ? r->ptask->problem_name : r->task_path;
    fprintf(stderr,
            "%s: %s %s on %s: %s in %zu step%s%s (stop %s; %zu nodes, %llu "
            "rounds, %llu LLM calls, %llu tokens, %.2f s)\n",
            prog, plan__comp_mode_name(r->mode), plan__algo_name(r->algo), what,
            res.solved ? "solved" : "best plan so far", res.n_steps,
            res.n_steps == 1 ? "" : "s",
            !r->pddl   ? ""
            : valid    ? ", valid by the validator"
            : have_rep ? ", not valid by the validator"
                       : "",
            plan__stop_name(res.stop), res.n_nodes,
            (unsigned long long)res.rounds, (unsigned long long)res.llm_calls,
            (unsigned long long)res.tokens, wall_s);
    for (size_t i = 0; i < res.n_steps; i++) {
      const plan__node *nd = plan__search_node(r->search, res.path[i]);
      fprintf(stderr, "%s:   %zu. %s\n", prog, i + 1,
              nd && nd->action ? nd->action : "");
    }
    print_world_errors(r->cs);
    if (failures)
      fprintf(stderr, "%s: %llu LLM call%s failed; the last: %s\n", prog,
              (unsigned long long)failures, failures == 1 ? "" : "s",
              r->conf.llm && *plan_llm_errmsg(r->conf.llm)
                  ? plan_llm_errmsg(r->conf.llm)
                  : "(no message)");
    if (why)
      fprintf(stderr, "%s: %s\n", prog, why);
  }
  return why ? 1 : 0;
}

/* Parses the task and the flags, sets up, runs. */
static int run_search(run *r, int argc, char **argv, bool mode_from_flag) {
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: plan --task FILE [--act] [OPTIONS]\n\n");
      cli_search_usage(stdout);
      cli_act_usage(stdout);
      return 0;
    }
  if (!read_task_options(r, mode_from_flag))
    return 2;
  int rc = read_flags(r, argc, argv);
  if (rc >= 0)
    return rc;
  const opt_val *v = r->v;
  if (r->pddl) {
    const char *m = v[O_MODE].set ? v[O_MODE].s : "hybrid";
    if (!plan__comp_mode_parse(m, &r->mode) || r->mode == PLAN__MODE_TEXT) {
      fprintf(stderr,
              "%s: %s: unknown mode '%s' for a pddl task (expected llm, "
              "hybrid, exact or solver)\n",
              prog, r->task_path, m);
      return 2;
    }
  } else {
    if (v[O_MODE].set && strcmp(v[O_MODE].s, "text")) {
      fprintf(stderr,
              "%s: %s: a text task has no mode '%s' (it is searched with "
              "the LLM as proposer, world model and judge)\n",
              prog, r->task_path, v[O_MODE].s);
      return 2;
    }
    r->mode = PLAN__MODE_TEXT;
  }
  r->algo = PLAN__ALGO_BEST_FIRST;
  if (v[O_ALGO].set && !plan__algo_parse(v[O_ALGO].s, &r->algo)) {
    fprintf(stderr,
            "%s: unknown algo '%s' (expected best-first, dfs, beam, mcts or "
            "greedy)\n",
            prog, v[O_ALGO].s);
    return 2;
  }
  rc = setup(r);
  if (rc)
    return rc;
  if (r->mode != PLAN__MODE_EXACT) {
    rc = cli_llm_open(&r->conf, prog);
    if (rc)
      return rc;
    r->llm_open = true;
  }
  if (v[O_TRACE].set) {
    r->trace = fopen(v[O_TRACE].s, "w");
    if (!r->trace) {
      fprintf(stderr, "%s: cannot write the trace %s: %s\n", prog, v[O_TRACE].s,
              strerror(errno));
      return 2;
    }
  }
  plan__search_options so;
  search_options(r, &so);
  if (r->act) {
    cli_act_ctx ac = {
        .task_path = r->task_path,
        .task = r->task,
        .pddl = r->pddl,
        .dom = r->dom,
        .cs = r->cs,
        .co = &r->co,
        .ptask = r->ptask,
        .cfg = r->cfg,
        .sched = r->llm_open ? r->conf.sched : NULL,
        .trace = r->trace,
        .so = &so,
        .no_value = v[O_NO_VALUE].b,
        .quiet = v[O_QUIET].b,
    };
    rc = cli_act_run(&ac, argc, argv);
    if (r->llm_open && cli_llm_save(&r->conf, prog) != 0)
      rc = 1;
    return rc;
  }
  progress pg;
  memset(&pg, 0, sizeof pg);
  pg.inner = r->cs->proposer;
  pg.sched = r->conf.sched;
  pg.verbose = v[O_VERBOSE].b;
  pg.quiet = v[O_QUIET].b;
  pg.t0 = pg.last = plan__now_ns(NULL);
  plan__proposer wrapped = {r->cs->proposer.name, progress_propose, NULL, &pg};
  plan_error err;
  memset(&err, 0, sizeof err);
  /* --no-value: no evaluator, so every state ranks as the root. */
  const plan__evaluator *ev = v[O_NO_VALUE].b ? NULL : &r->cs->evaluator;
  if (plan__search_create(&so, &wrapped, &r->cs->world, &r->cs->goal, ev,
                          r->conf.sched, r->trace, &r->search,
                          &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    return 2;
  }
  plan_status st = plan__domain_set_root(r->dom, r->search);
  if (st != PLAN_OK) {
    fprintf(stderr, "%s: initial state: %s\n", prog, plan_strerror(st));
    return 1;
  }
  if (!v[O_QUIET].b)
    fprintf(stderr, "%s: %s mode, %s search%s on %s%s%s\n", prog,
            plan__comp_mode_name(r->mode), plan__algo_name(r->algo),
            ev ? "" : " without a value function",
            r->pddl ? r->ptask->problem_name : r->task_path,
            r->llm_open ? " with " : "",
            r->llm_open ? plan_llm_name(r->conf.llm) : "");
  uint64_t t0 = plan__now_ns(NULL);
  st = plan__search_run(r->search);
  double wall_s = (double)(plan__now_ns(NULL) - t0) / 1e9;
  rc = report(r, st, wall_s);
  if (r->llm_open && cli_llm_save(&r->conf, prog) != 0)
    rc = 1;
  if (r->trace) {
    int bad = ferror(r->trace) | fclose(r->trace);
    r->trace = NULL;
    if (bad) {
      fprintf(stderr, "%s: cannot write the trace %s\n", prog, v[O_TRACE].s);
      rc = 1;
    }
  }
  return rc;
}

int cli_task_search(int argc, char **argv, const char *task_path,
                    bool mode_from_flag) {
  run r;
  memset(&r, 0, sizeof r);
  cli_llmconf_init(&r.conf);
  r.task_path = task_path;
  plan_error err;
  memset(&err, 0, sizeof err);
  char *text = NULL;
  size_t len = 0;
  if (plan__read_file(task_path, 0, &text, &len, &err) != PLAN_OK) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    return 2;
  }
  r.task = plan__json_parse(text, len, task_path, &err);
  plan__free(text);
  if (!r.task) {
    fprintf(stderr, "%s: %s\n", prog, err.text);
    return 2;
  }
  const char *kind = plan__json_str(r.task, "kind");
  r.pddl = kind && !strcmp(kind, "pddl");
  int rc = run_search(&r, argc, argv, mode_from_flag);
  run_free(&r);
  return rc;
}
