/* cli/cmd_act.c: plan --task FILE --act, the plan-act loop (planner/agent.h)
 * against the task's environment. cmd_search.c reads the task and builds the
 * domain and the components as for a search; this file adds the
 * environment ("env" in the task), the loop's options (flags, or the
 * "agent" object of the task) and the report. docs/agent.md.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_act.h"
#include "cli/llmconf.h"
#include "core/json.h"
#include "planner/agent.h"

static const char prog[] = "plan";

/* The loop's options: flag, task field (in "agent"), arity, help. */
typedef enum act_opt {
  A_POLICY,
  A_MAX_STEPS,
  A_THRESHOLD,
  A_SIMULATIONS,
  A_AGREE,
  A_MARGIN_Z,
  A_MAX_REFUSALS,
  A_STEP_CALLS,
  A_STEP_TOKENS,
  A_STEP_SECONDS,
  A_SETTLE_MARGIN,
  A_SETTLE_PATIENCE,
  A_MAX_REVISITS,
  A_NO_PROBES,
  A_APPROVE,
  A_COUNT
} act_opt;

typedef struct act_def {
  const char *flag;
  const char *field;
  int arity; /* 0: a switch */
  double lo, hi;
  const char *arg, *help;
} act_def;

/* clang-format off */
static const act_def defs[A_COUNT] = {
  [A_POLICY] = {"--policy", "policy", 1, 0, 0, "P",
    "barrier (default), no-barrier, webdreamer or koh"},
  [A_MAX_STEPS] = {"--max-steps", "max_steps", 1, 1, 100000, "N",
    "real actions before giving up (default 30)"},
  [A_THRESHOLD] = {"--commit-threshold", "threshold", 1, 0, 1, "V",
    "barrier: least value of the predicted state (0.25)"},
  [A_SIMULATIONS] = {"--simulations", "simulations", 1, 1, 64, "K",
    "barrier: independent simulations (default 3)"},
  [A_AGREE] = {"--agree", "agree", 1, 0, 1, "F",
    "barrier: share of them that must agree (0.67)"},
  [A_MARGIN_Z] = {"--margin-z", "margin_z", 1, 0, 100, "Z",
    "barrier: lead over the runner-up in standard\n"
    "errors (default 1)"},
  [A_MAX_REFUSALS] = {"--max-refusals", "max_refusals", 1, 0, 15, "N",
    "barrier: refusals per step before stopping (3)"},
  [A_STEP_CALLS] = {"--step-calls", "step_calls", 1, 1, 1e12, "N",
    "LLM calls per step's search (default 200)"},
  [A_STEP_TOKENS] = {"--step-tokens", "step_tokens", 1, 1, 1e15, "N",
    "tokens per step's search (default none)"},
  [A_STEP_SECONDS] = {"--step-seconds", "step_seconds", 1, 0.001, 1e6, "S",
    "seconds per step's search (default none)"},
  [A_SETTLE_MARGIN] = {"--settle-margin", "settle_margin", 1, 0, 1, "V",
    "stop deliberating when the best first action leads\n"
    "by V (default 0.3; 0: off)"},
  [A_SETTLE_PATIENCE] = {"--settle-patience", "settle_patience", 1, 0, 1e6,
    "N", "stop deliberating after N rounds without a better\n"
    "value (default 4; 0: off)"},
  [A_MAX_REVISITS] = {"--max-revisits", "max_revisits", 1, 1, 1e6, "N",
    "stop when a state is reached more than N times (3)"},
  [A_NO_PROBES] = {"--no-probes", "no_probes", 0, 0, 0, NULL,
    "never try reversible actions for real in search"},
  [A_APPROVE] = {"--approve", "approve", 1, 0, 0, "HOW",
    "approval of irreversible commits: tty (ask on the\n"
    "terminal), solver (pddl: the exact planner must\n"
    "reach the goal from the predicted state) or none"},
};
/* clang-format on */

int cli_act_flag_arity(const char *flag) {
  if (!strcmp(flag, "--act"))
    return 0;
  for (size_t i = 0; i < A_COUNT; i++)
    if (!strcmp(flag, defs[i].flag))
      return defs[i].arity;
  return -1;
}

void cli_act_usage(FILE *f) {
  fprintf(f,
          "\nActing (--act; docs/agent.md): the plan-act loop against the "
          "task's \"env\":\n"
          "  pddl tasks: the exact simulator is the real world, with\n"
          "    \"env\":{\"effects\":{\"SCHEMA\":\"irreversible\",...},"
          "\"default_effect\":\"reversible\",\n"
          "            \"snapshots\":true,\"reset\":true}\n"
          "  any task: a program speaking JSON lines (docs/env.md):\n"
          "    \"env\":{\"command\":[\"./my_env\",\"--flag\"],"
          "\"timeout_ms\":10000}\n"
          "Loop options (flags, or fields of the task's \"agent\" "
          "object):\n");
  for (size_t i = 0; i < A_COUNT; i++)
    cli_print_option(f, defs[i].flag, defs[i].arg, defs[i].help);
  fprintf(f, "Output: {\"outcome\":..,\"steps\":[...],\"llm_calls\":..,"
             "\"env_steps\":..,...} on stdout;\nexit status 0 when the goal "
             "is reached, 1 otherwise, 2 for input errors.\n");
}

/* ======================================================================
 * Options
 * ====================================================================== */

typedef struct act_vals {
  bool set[A_COUNT];
  double num[A_COUNT];
  const char *str[A_COUNT];
} act_vals;

static bool act_set(act_vals *v, act_opt o, const char *text, const char *where) {
  const act_def *d = &defs[o];
  if (d->arity == 0) {
    v->set[o] = true;
    v->num[o] = 1;
    return true;
  }
  if (o == A_POLICY || o == A_APPROVE) {
    v->str[o] = text;
    v->set[o] = true;
    return true;
  }
  double x;
  if (!cli_parse_f64(d->flag, text, d->lo, d->hi, &x)) {
    if (where)
      fprintf(stderr, "%s: %s (above)\n", prog, where);
    return false;
  }
  v->num[o] = x;
  v->set[o] = true;
  return true;
}

static bool read_agent_fields(const cli_act_ctx *c, act_vals *v) {
  const json_t *ag = json_object_get(c->task, "agent");
  if (!ag)
    return true;
  if (!json_is_object(ag)) {
    fprintf(stderr, "%s: %s: field \"agent\": expected an object\n", prog,
            c->task_path);
    return false;
  }
  const char *key;
  const json_t *val;
  json_object_foreach((json_t *)ag, key, val) {
    act_opt o = A_COUNT;
    for (size_t i = 0; i < A_COUNT; i++)
      if (!strcmp(key, defs[i].field))
        o = (act_opt)i;
    char where[256];
    plan__fmt(where, sizeof where, "%s: field \"agent.%s\"", c->task_path, key);
    if (o == A_COUNT) {
      fprintf(stderr, "%s: %s: unknown (see 'plan --task --help')\n", prog,
              where);
      return false;
    }
    if (defs[o].arity == 0) {
      if (!json_is_boolean(val)) {
        fprintf(stderr, "%s: %s: expected true or false\n", prog, where);
        return false;
      }
      v->set[o] = json_is_true(val);
      v->num[o] = 1;
      continue;
    }
    if (o == A_POLICY || o == A_APPROVE) {
      if (!json_is_string(val)) {
        fprintf(stderr, "%s: %s: expected a string\n", prog, where);
        return false;
      }
      act_set(v, o, json_string_value(val), where);
      continue;
    }
    if (!json_is_number(val)) {
      fprintf(stderr, "%s: %s: expected a number\n", prog, where);
      return false;
    }
    char num[64];
    plan__fmt(num, sizeof num, "%.17g", json_number_value(val));
    if (!act_set(v, o, num, where))
      return false;
  }
  return true;
}

static bool read_act_flags(int argc, char **argv, act_vals *v) {
  for (int i = 2; i < argc; i++) {
    for (size_t k = 0; k < A_COUNT; k++) {
      if (strcmp(argv[i], defs[k].flag))
        continue;
      if (defs[k].arity && i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", prog, argv[i]);
        return false;
      }
      if (!act_set(v, (act_opt)k, defs[k].arity ? argv[i + 1] : NULL, NULL))
        return false;
      i += defs[k].arity;
      break;
    }
  }
  return true;
}

/* ======================================================================
 * The environment from the task's "env"
 * ====================================================================== */

static bool bad_env(const cli_act_ctx *c, const char *field, const char *want) {
  fprintf(stderr, "%s: %s: field \"env%s%s\": expected %s\n", prog,
          c->task_path, field ? "." : "", field ? field : "", want);
  return false;
}

static bool parse_effect(const char *s, plan__effect *out) {
  plan_effect e;
  if (plan_effect_parse(s, &e) != PLAN_OK)
    return false;
  *out = e == PLAN_EFFECT_PURE         ? PLAN__EFFECT_PURE
         : e == PLAN_EFFECT_REVERSIBLE ? PLAN__EFFECT_REVERSIBLE
                                       : PLAN__EFFECT_IRREVERSIBLE;
  return true;
}

/* The command environment; argv strings borrowed from the task. */
static bool command_env(const cli_act_ctx *c, const json_t *env,
                        plan_env **out) {
  const json_t *cmd = json_object_get(env, "command");
  if (!json_is_array(cmd) || json_array_size(cmd) == 0 ||
      json_array_size(cmd) > 256)
    return bad_env(c, "command", "an array of 1-256 strings (the program "
                                 "and its arguments)");
  size_t n = json_array_size(cmd);
  const char **argv = plan__calloc(n + 1, sizeof *argv);
  if (!argv) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < n && ok; i++) {
    const json_t *a = json_array_get(cmd, i);
    if (!json_is_string(a) || (i == 0 && !*json_string_value(a)))
      ok = bad_env(c, "command", "strings (the first not empty)");
    else
      argv[i] = json_string_value(a);
  }
  /* A program named relative to the task: resolve like the other paths. */
  char *prog0 = NULL;
  if (ok && argv[0][0] != '/' && strchr(argv[0], '/')) {
    const char *slash = strrchr(c->task_path, '/');
    if (slash) {
      plan__buf b;
      plan__buf_init(&b, 0);
      plan__buf_append(&b, c->task_path, (size_t)(slash - c->task_path) + 1);
      plan__buf_puts(&b, argv[0]);
      prog0 = b.status == PLAN_OK ? plan__buf_take(&b) : NULL;
      plan__buf_free(&b);
      if (prog0 && access(prog0, X_OK) == 0)
        argv[0] = prog0;
    }
  }
  plan_env_command_options o;
  plan_env_command_options_init(&o, PLAN_ENV_COMMAND_OPTIONS_VERSION);
  const json_t *t = json_object_get(env, "timeout_ms");
  if (ok && t) {
    if (!json_is_integer(t) || json_integer_value(t) < 1)
      ok = bad_env(c, "timeout_ms", "a positive integer");
    else
      o.timeout_ms = (long)json_integer_value(t);
  }
  if (ok) {
    plan_error err;
    memset(&err, 0, sizeof err);
    if (plan_env_command_create(argv, &o, out, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s: %s\n", prog, c->task_path, err.text);
      ok = false;
    }
  }
  plan__free(prog0);
  plan__free(argv);
  return ok;
}

static bool pddl_env(const cli_act_ctx *c, const json_t *env, plan_env **out) {
  plan__pddl_env_options o;
  memset(&o, 0, sizeof o);
  o.default_effect = PLAN__EFFECT_REVERSIBLE;
  o.track_dead_ends = true;
  const json_t *eff = env ? json_object_get(env, "effects") : NULL;
  const char **names = NULL;
  plan__effect *effects = NULL;
  bool ok = true;
  if (eff && !json_is_object(eff))
    ok = bad_env(c, "effects", "an object {\"SCHEMA\": \"pure\"|\"reversible\""
                               "|\"irreversible\"}");
  size_t n = ok && eff ? json_object_size(eff) : 0;
  if (ok && n) {
    names = plan__calloc(n, sizeof *names);
    effects = plan__calloc(n, sizeof *effects);
    if (!names || !effects) {
      fprintf(stderr, "%s: out of memory\n", prog);
      ok = false;
    }
    const char *key;
    const json_t *val;
    size_t i = 0;
    json_object_foreach((json_t *)eff, key, val) {
      if (!ok)
        break;
      if (!json_is_string(val) ||
          !parse_effect(json_string_value(val), &effects[i])) {
        char f[128];
        plan__fmt(f, sizeof f, "effects.%s", key);
        ok = bad_env(c, f, "\"pure\", \"reversible\" or \"irreversible\"");
        break;
      }
      names[i++] = key;
    }
  }
  const json_t *d = env ? json_object_get(env, "default_effect") : NULL;
  if (ok && d &&
      (!json_is_string(d) || !parse_effect(json_string_value(d),
                                           &o.default_effect)))
    ok = bad_env(c, "default_effect",
                 "\"pure\", \"reversible\" or \"irreversible\"");
  const char *bools[2] = {"snapshots", "reset"};
  bool *dst[2] = {&o.snapshots, &o.reset};
  for (size_t i = 0; ok && i < 2; i++) {
    const json_t *b = env ? json_object_get(env, bools[i]) : NULL;
    if (b && !json_is_boolean(b))
      ok = bad_env(c, bools[i], "true or false");
    *dst[i] = b ? json_is_true(b) : true;
  }
  if (ok) {
    o.schemas = names;
    o.effects = effects;
    o.n_schemas = n;
    plan_error err;
    memset(&err, 0, sizeof err);
    if (plan__pddl_env_create(c->ptask, c->cfg, &o, out, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s: env: %s\n", prog, c->task_path, err.text);
      ok = false;
    }
  }
  plan__free(names);
  plan__free(effects);
  return ok;
}

static bool make_env(const cli_act_ctx *c, plan_env **out) {
  const json_t *env = json_object_get(c->task, "env");
  if (env && !json_is_object(env))
    return bad_env(c, NULL, "an object");
  if (env && json_object_get(env, "command"))
    return command_env(c, env, out);
  if (!c->pddl) {
    fprintf(stderr,
            "%s: %s: --act on a text task needs \"env\":{\"command\":[...]} "
            "(a program that is the real environment; docs/env.md)\n",
            prog, c->task_path);
    return false;
  }
  return pddl_env(c, env, out);
}

/* ======================================================================
 * Approval
 * ====================================================================== */

typedef struct approver {
  const cli_act_ctx *c;
  int how; /* 1 tty, 2 solver */
} approver;

static plan_status approve(void *ud, const plan__commit_check *chk, bool *ok) {
  approver *ap = ud;
  *ok = false;
  if (ap->how == 2) {
    plan__domain_state ds;
    plan_status st = plan__domain_state_from_text(
        ap->c->dom, chk->predicted, strlen(chk->predicted), &ds);
    if (st == PLAN_EPARSE)
      return PLAN_OK; /* an unreadable prediction is not approved */
    if (st != PLAN_OK)
      return st;
    bool reach = false;
    st = plan__pddl_goal_reachable(ap->c->ptask, ds.exact, 0, &reach);
    plan__domain_state_free(&ds);
    if (st != PLAN_OK && st != PLAN_EBUDGET)
      return st;
    *ok = reach;
    return PLAN_OK;
  }
  FILE *tty = fopen("/dev/tty", "r+");
  if (!tty) {
    fprintf(stderr, "%s: --approve tty: no terminal (%s); refusing %s\n", prog,
            strerror(errno), chk->action);
    return PLAN_OK;
  }
  fprintf(tty,
          "\nCommit the irreversible action %s?\n"
          "  predicted state: %s\n"
          "  value %.2f (se %.2f), %u of %u simulations agree, runner-up "
          "%.2f\n"
          "Approve? [y/N] ",
          chk->action, chk->predicted, chk->value, chk->value_se, chk->agree,
          chk->simulations, chk->runner_up);
  fflush(tty);
  char line[32];
  if (fgets(line, sizeof line, tty) && (line[0] == 'y' || line[0] == 'Y'))
    *ok = true;
  fclose(tty);
  return PLAN_OK;
}

/* ======================================================================
 * Run and report
 * ====================================================================== */

static const char *effect_word(plan__effect e) {
  return e == PLAN__EFFECT_PURE         ? "pure"
         : e == PLAN__EFFECT_REVERSIBLE ? "reversible"
                                        : "irreversible";
}

static int report(const cli_act_ctx *c, plan_env *env,
                  const plan__agent_options *ao, const plan__agent_result *r,
                  plan_status st) {
  json_t *o = json_object();
  json_t *steps = json_array();
  if (!o || !steps) {
    json_decref(o);
    json_decref(steps);
    fprintf(stderr, "%s: out of memory\n", prog);
    return 1;
  }
  for (size_t i = 0; i < r->n_steps; i++) {
    const plan__agent_step *s = &r->steps[i];
    json_t *j = json_pack("{s:s, s:s, s:b, s:I, s:I}", "action", s->action,
                          "effect", effect_word(s->effect), "applied",
                          (int)!s->refused_by_env, "llm_calls",
                          (json_int_t)s->llm_calls, "refusals",
                          (json_int_t)s->refusals);
    if (j && s->predicted)
      json_object_set_new(j, "prediction_matched", json_boolean(s->matched));
    if (j && s->observation)
      json_object_set_new(j, "observation", json_string(s->observation));
    json_array_append_new(steps, j);
  }
  json_object_set_new(o, "steps", steps);
  json_object_set_new(o, "outcome",
                      json_string(plan__agent_outcome_name(r->outcome)));
  json_object_set_new(o, "solved", json_boolean(r->outcome == PLAN__AGENT_GOAL));
  json_object_set_new(o, "message", json_string(r->message));
  json_object_set_new(o, "policy",
                      json_string(plan__agent_policy_name(ao->policy)));
  json_object_set_new(o, "llm_calls", json_integer((json_int_t)r->llm_calls));
  json_object_set_new(o, "tokens", json_integer((json_int_t)r->tokens));
  json_object_set_new(o, "searches", json_integer((json_int_t)r->searches));
  json_object_set_new(o, "barrier_checks", json_integer((json_int_t)r->checks));
  json_object_set_new(o, "refusals", json_integer((json_int_t)r->refusals));
  json_object_set_new(o, "irreversible_commits",
                      json_integer((json_int_t)r->irreversible_commits));
  json_object_set_new(o, "real_probes",
                      json_integer((json_int_t)r->real_probes));
  json_object_set_new(o, "env_steps", json_integer((json_int_t)r->env.steps));
  json_object_set_new(o, "predictions_checked",
                      json_integer((json_int_t)r->predictions_checked));
  json_object_set_new(o, "predictions_wrong",
                      json_integer((json_int_t)r->predictions_wrong));
  /* The world model's record per action schema, as the loop kept it. */
  json_t *fid = json_object();
  for (size_t i = 0; fid && i < r->n_trust; i++)
    json_object_set_new(fid, r->trust[i].schema,
                        json_pack("{s:I, s:I}", "checked",
                                  (json_int_t)r->trust[i].checked, "wrong",
                                  (json_int_t)r->trust[i].wrong));
  if (fid)
    json_object_set_new(o, "fidelity", fid);
  plan__pddl_env_stats ps;
  if (plan__pddl_env_stats_get(env, &ps))
    json_object_set_new(o, "dead_end_commits",
                        json_integer((json_int_t)ps.dead_end_commits));
  json_object_set_new(o, "wall_s", json_real(r->wall_s));
  if (st != PLAN_OK)
    json_object_set_new(o, "error", json_string(r->message));
  plan__buf b;
  plan__buf_init(&b, 0);
  if (plan__json_canonical(o, &b) == PLAN_OK && b.data) {
    fputs(b.data, stdout);
    fputc('\n', stdout);
    fflush(stdout);
  }
  plan__buf_free(&b);
  json_decref(o);
  if (!c->quiet) {
    fprintf(stderr, "%s: %s policy: %s after %zu action%s (%s)\n", prog,
            plan__agent_policy_name(ao->policy),
            plan__agent_outcome_name(r->outcome), r->n_steps,
            r->n_steps == 1 ? "" : "s", r->message);
    for (size_t i = 0; i < r->n_steps; i++)
      fprintf(stderr, "%s:   %zu. %s [%s]%s%s\n", prog, i + 1,
              r->steps[i].action, effect_word(r->steps[i].effect),
              r->steps[i].refused_by_env ? " refused by the environment" : "",
              r->steps[i].predicted && !r->steps[i].matched
                  ? " (the world model predicted otherwise)"
                  : "");
    fprintf(stderr,
            "%s: %llu LLM calls, %llu searches, %llu barrier checks, %llu "
            "refusals, %llu environment steps, %.2f s\n",
            prog, (unsigned long long)r->llm_calls,
            (unsigned long long)r->searches, (unsigned long long)r->checks,
            (unsigned long long)r->refusals, (unsigned long long)r->env.steps,
            r->wall_s);
  }
  return r->outcome == PLAN__AGENT_GOAL ? 0 : 1;
}

int cli_act_run(const cli_act_ctx *c, int argc, char **argv) {
  act_vals v;
  memset(&v, 0, sizeof v);
  if (!read_agent_fields(c, &v) || !read_act_flags(argc, argv, &v))
    return 2;
  plan__agent_options ao;
  plan__agent_options_default(&ao);
  ao.search = *c->so;
  ao.search.settle_margin = 0.3;
  ao.search.settle_patience = 4;
  /* --budget-* bound the whole run (below); each step's search has its
   * own budgets: --step-calls (default 200), --step-tokens, --step-seconds. */
  ao.search.max_llm_calls = 200;
  ao.search.max_tokens = 0;
  ao.search.max_wall_ms = 0;
  if (v.set[A_POLICY] &&
      !plan__agent_policy_parse(v.str[A_POLICY], &ao.policy)) {
    fprintf(stderr,
            "%s: --policy: expected barrier, no-barrier, webdreamer or koh, "
            "got '%s'\n",
            prog, v.str[A_POLICY]);
    return 2;
  }
  if (v.set[A_MAX_STEPS])
    ao.max_steps = (uint32_t)v.num[A_MAX_STEPS];
  if (v.set[A_THRESHOLD])
    ao.threshold = v.num[A_THRESHOLD];
  if (v.set[A_SIMULATIONS])
    ao.simulations = (unsigned)v.num[A_SIMULATIONS];
  if (v.set[A_AGREE])
    ao.agree = v.num[A_AGREE];
  if (v.set[A_MARGIN_Z])
    ao.margin_z = v.num[A_MARGIN_Z];
  if (v.set[A_MAX_REFUSALS])
    ao.max_refusals = (unsigned)v.num[A_MAX_REFUSALS];
  if (v.set[A_STEP_CALLS])
    ao.search.max_llm_calls = (uint64_t)v.num[A_STEP_CALLS];
  if (v.set[A_STEP_TOKENS])
    ao.search.max_tokens = (uint64_t)v.num[A_STEP_TOKENS];
  if (v.set[A_STEP_SECONDS])
    ao.search.max_wall_ms = (uint64_t)(v.num[A_STEP_SECONDS] * 1000.0);
  if (v.set[A_SETTLE_MARGIN])
    ao.search.settle_margin = v.num[A_SETTLE_MARGIN];
  if (v.set[A_SETTLE_PATIENCE])
    ao.search.settle_patience = (uint32_t)v.num[A_SETTLE_PATIENCE];
  if (v.set[A_MAX_REVISITS])
    ao.max_revisits = (uint32_t)v.num[A_MAX_REVISITS];
  if (v.set[A_NO_PROBES])
    ao.real_probes = false;
  /* The run's budgets (--budget-*) bound the whole loop. */
  ao.max_llm_calls = c->so->max_llm_calls;
  ao.max_tokens = c->so->max_tokens;
  ao.max_wall_ms = c->so->max_wall_ms;
  approver ap = {c, 0};
  if (v.set[A_APPROVE]) {
    const char *h = v.str[A_APPROVE];
    if (!strcmp(h, "tty"))
      ap.how = 1;
    else if (!strcmp(h, "solver"))
      ap.how = 2;
    else if (strcmp(h, "none")) {
      fprintf(stderr, "%s: --approve: expected tty, solver or none, got '%s'\n",
              prog, h);
      return 2;
    }
    if (ap.how == 2 && !c->pddl) {
      fprintf(stderr, "%s: --approve solver needs a pddl task\n", prog);
      return 2;
    }
    if (ap.how) {
      ao.approve = approve;
      ao.approve_ud = &ap;
    }
  }
  plan_env *env = NULL;
  if (!make_env(c, &env))
    return 2;
  plan__world_model vote;
  memset(&vote, 0, sizeof vote);
  bool llm_world = c->cs->mode == PLAN__MODE_LLM ||
                   c->cs->mode == PLAN__MODE_TEXT;
  if (llm_world) {
    plan_error err;
    memset(&err, 0, sizeof err);
    if (plan__vote_world_create(c->dom, &c->co->call, ao.simulations,
                                &vote, &err) != PLAN_OK) {
      fprintf(stderr, "%s: %s\n", prog, err.text);
      plan_env_destroy(env);
      return 2;
    }
  }
  plan__agent_parts parts = {
      .dom = c->dom,
      .proposer = &c->cs->proposer,
      .world = &c->cs->world,
      .goal = &c->cs->goal,
      .evaluator = c->no_value ? NULL : &c->cs->evaluator,
      .vote_world = llm_world ? &vote : NULL,
      .sched = c->sched,
      .trace = c->trace,
  };
  if (!c->quiet)
    fprintf(stderr, "%s: acting with the %s policy in %s\n", prog,
            plan__agent_policy_name(ao.policy),
            *plan__env_describe(env) ? plan__env_describe(env) : "the environment");
  plan__agent_result res;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__agent_run(&ao, &parts, env, &res, &err);
  int rc = report(c, env, &ao, &res, st);
  plan__agent_result_free(&res);
  if (vote.destroy)
    vote.destroy(vote.self);
  plan_env_destroy(env);
  return rc;
}
