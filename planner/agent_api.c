/* planner/agent_api.c: the public plan-act loop of include/plan.h ("The
 * plan-act loop").
 *
 * A plan_agent wraps the internal loop (planner/agent.h) for programs that
 * see only <plan.h>. Its search parts come from the embedded
 * plan_search_options exactly as plan_search's do (plan__api_parts_init,
 * planner/api_int.h): callbacks wrapped as components, the other parts the
 * LLM defaults over a text domain. The loop reads every observation as a
 * state of that domain and keeps its committed history in the domain's
 * prefix. With the LLM default world model the barrier's simulations come
 * from a voting world model made here; with a simulate callback the one
 * prediction counts as all k. Each run gets a fresh scheduler, so the
 * LLM counters and budgets are the run's; its result stays readable until
 * the next run or destroy.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "planner/agent.h"
#include "planner/api_int.h"

#define AGENT_API_MAGIC 0x50414754u /* "PAGT" */

/* Per-step LLM calls when the search options leave them unlimited, and the
 * overthinking guard's defaults: the same as plan --act (cli/cmd_act.c). */
#define DEFAULT_STEP_CALLS 200u
#define DEFAULT_SETTLE_MARGIN 0.3
#define DEFAULT_SETTLE_PATIENCE 4u
#define MAX_SIMULATIONS 64u
#define MAX_REFUSALS 15u

struct plan_agent {
  unsigned magic;
  plan_llm *llm; /* borrowed, may be NULL */
  plan_env *env; /* borrowed */
  plan_approve_fn approve;
  void *approve_ud;
  plan_status approve_failed; /* the approve callback's failure, if any */
  plan__api_parts parts;      /* the search options and their components */
  plan__world_model vote;     /* the barrier's simulations (LLM world only) */
  bool has_vote;
  plan__agent_options ao; /* the loop's options, search included */

  /* The last run. */
  bool ran, running;
  plan__agent_result res;
  uint64_t env_steps; /* the environment's steps during the run */
  char errmsg[512];
};

static bool handle_ok(const plan_agent *a) {
  return a && a->magic == AGENT_API_MAGIC;
}

static void set_msg(plan_agent *a, const char *fmt, ...) PLAN_PRINTF(2, 3);
static void set_msg(plan_agent *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->errmsg, sizeof a->errmsg, fmt, ap);
  va_end(ap);
}

/* ======================================================================
 * Names and options
 * ====================================================================== */

static const struct {
  const char *name;
  plan__agent_policy internal;
} policies[] = {
    {"barrier", PLAN__POLICY_BARRIER},
    {"no-barrier", PLAN__POLICY_NO_BARRIER},
    {"webdreamer", PLAN__POLICY_WEBDREAMER},
    {"koh", PLAN__POLICY_KOH},
};

plan_status plan_agent_policy_parse(const char *s, plan_agent_policy *out) {
  for (size_t i = 0; s && out && i < PLAN_ARRAY_LEN(policies); i++)
    if (!strcmp(s, policies[i].name)) {
      *out = (plan_agent_policy)i;
      return PLAN_OK;
    }
  return PLAN_EINVAL;
}

const char *plan_agent_policy_name(plan_agent_policy p) {
  return (unsigned)p < PLAN_ARRAY_LEN(policies) ? policies[p].name : "?";
}

void plan_agent_options_init(plan_agent_options *opts, unsigned version) {
  if (!opts)
    return;
  memset(opts, 0, sizeof *opts);
  opts->version = version;
  plan_search_options_init(&opts->search, PLAN_SEARCH_OPTIONS_VERSION);
}

static plan_effect public_effect(plan__effect e) {
  switch (e) {
  case PLAN__EFFECT_PURE: return PLAN_EFFECT_PURE;
  case PLAN__EFFECT_REVERSIBLE: return PLAN_EFFECT_REVERSIBLE;
  case PLAN__EFFECT_IRREVERSIBLE: break;
  }
  return PLAN_EFFECT_IRREVERSIBLE;
}

/* Checks the loop's own options (the search's are checked by
 * plan__api_parts_init). */
static plan_status check_options(const plan_agent_options *o, plan_error *err) {
  if (o->version != PLAN_AGENT_OPTIONS_VERSION)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "agent options: unsupported version %u (call "
                           "plan_agent_options_init)",
                           o->version);
  if ((unsigned)o->policy >= PLAN_ARRAY_LEN(policies))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "agent options: unknown policy %d", (int)o->policy);
  const char *bad = NULL;
  if (!isfinite(o->commit_threshold) || o->commit_threshold < 0 ||
      o->commit_threshold > 1)
    bad = "commit_threshold must be in [0,1]";
  else if (o->simulations > MAX_SIMULATIONS)
    bad = "simulations must be at most 64";
  else if (!isfinite(o->agree) || o->agree < 0 || o->agree > 1)
    bad = "agree must be in [0,1]";
  else if (!isfinite(o->margin_z) || o->margin_z < 0)
    bad = "margin_z must be finite and not negative";
  else if (o->max_refusals > MAX_REFUSALS)
    bad = "max_refusals must be at most 15";
  else if (!isfinite(o->settle_margin))
    bad = "settle_margin must be finite";
  if (bad)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "agent options: %s", bad);
  return PLAN_OK;
}

/* The internal loop's options from the public ones. */
static void loop_options(const plan_agent_options *o, const plan__api_parts *p,
                         plan__agent_options *ao) {
  plan__agent_options_default(ao);
  ao->policy = policies[o->policy].internal;
  plan__api_core_options(&p->o, &ao->search);
  if (!ao->search.max_llm_calls)
    ao->search.max_llm_calls = DEFAULT_STEP_CALLS;
  /* The overthinking guard: 0 is the default, "never" is 0 inside. */
  ao->search.settle_margin = DEFAULT_SETTLE_MARGIN;
  if (o->settle_margin < 0)
    ao->search.settle_margin = 0;
  else if (o->settle_margin > 0)
    ao->search.settle_margin = o->settle_margin;
  ao->search.settle_patience = DEFAULT_SETTLE_PATIENCE;
  if (o->settle_patience == UINT32_MAX)
    ao->search.settle_patience = 0;
  else if (o->settle_patience)
    ao->search.settle_patience = o->settle_patience;
  if (o->max_steps)
    ao->max_steps = o->max_steps;
  if (o->commit_threshold > 0)
    ao->threshold = o->commit_threshold;
  if (o->simulations)
    ao->simulations = o->simulations;
  if (o->agree > 0)
    ao->agree = o->agree;
  if (o->margin_z > 0)
    ao->margin_z = o->margin_z;
  if (o->max_refusals)
    ao->max_refusals = o->max_refusals;
  if (o->max_revisits)
    ao->max_revisits = o->max_revisits;
  ao->real_probes = !o->no_real_probes;
  ao->max_llm_calls = o->max_llm_calls;
  ao->max_tokens = o->max_tokens;
  ao->max_wall_ms = o->max_wall_ms;
}

/* The approval callback seen through the public check. */
static plan_status approve_adapter(void *ud, const plan__commit_check *c,
                                   bool *approve) {
  plan_agent *a = ud;
  plan_commit_check pc;
  memset(&pc, 0, sizeof pc);
  pc.action = c->action ? c->action : "";
  pc.state = c->state ? c->state : "";
  pc.predicted_state = c->predicted ? c->predicted : "";
  pc.value = c->value;
  pc.value_se = c->value_se;
  pc.plan_value = c->plan_value;
  pc.runner_up = c->runner_up;
  pc.simulations = c->simulations;
  pc.votes = c->votes;
  pc.agree = c->agree;
  pc.search_agrees = c->search_agrees;
  /* A simulate callback's one prediction stands for all k of them. */
  if (!a->has_vote)
    pc.simulations = c->votes;
  *approve = false;
  bool ok = false;
  plan_status st = a->approve(a->approve_ud, &pc, &ok);
  if (st == PLAN_OK)
    *approve = ok;
  else
    a->approve_failed = st;
  return st;
}

/* ======================================================================
 * Create and destroy
 * ====================================================================== */

static void free_run(plan_agent *a) {
  plan__agent_result_free(&a->res);
  a->ran = false;
  a->env_steps = 0;
}

void plan_agent_destroy(plan_agent *a) {
  if (!handle_ok(a))
    return;
  free_run(a);
  a->magic = 0;
  if (a->has_vote && a->vote.destroy)
    a->vote.destroy(a->vote.self);
  plan__api_parts_free(&a->parts);
  plan__free(a);
}

plan_status plan_agent_create(plan_llm *llm, plan_env *env,
                              const plan_agent_options *opts, plan_agent **out,
                              plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0, "agent: out is NULL");
  *out = NULL;
  if (!env)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                           "agent: env is NULL (an environment is required)");
  plan_agent_options def;
  if (!opts) {
    plan_agent_options_init(&def, PLAN_AGENT_OPTIONS_VERSION);
    opts = &def;
  }
  plan_status st = check_options(opts, err);
  if (st != PLAN_OK)
    return st;
  plan_agent *a = plan__calloc(1, sizeof *a);
  if (!a)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "agent: out of memory");
  /* The parts live inside the handle: their callbacks' self points here. */
  st = plan__api_parts_init(&a->parts, llm, &opts->search, true, "agent", err);
  if (st != PLAN_OK) {
    plan__free(a);
    return st;
  }
  a->magic = AGENT_API_MAGIC;
  a->llm = llm;
  a->env = env;
  a->approve = opts->approve;
  a->approve_ud = opts->approve_ud;
  loop_options(opts, &a->parts, &a->ao);
  if (a->approve) {
    a->ao.approve = approve_adapter;
    a->ao.approve_ud = a;
  }
  if (a->parts.llm_world) {
    st = plan__vote_world_create(a->parts.dom, &a->parts.call,
                                 a->ao.simulations, &a->vote, err);
    if (st != PLAN_OK) {
      plan_agent_destroy(a);
      return st;
    }
    a->has_vote = true;
  }
  *out = a;
  return PLAN_OK;
}

/* ======================================================================
 * Run
 * ====================================================================== */

plan_status plan_agent_run(plan_agent *a) {
  if (!handle_ok(a) || a->running)
    return PLAN_EMISUSE;
  free_run(a);
  a->errmsg[0] = '\0';
  a->approve_failed = PLAN_OK;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_scheduler *sched = NULL;
  FILE *trace = NULL;
  plan_status st = PLAN_OK;
  if (a->llm) {
    plan_scheduler_options so;
    plan__api_scheduler_options(&a->parts.o, &so);
    so.budget_calls = a->ao.max_llm_calls;
    so.budget_tokens = a->ao.max_tokens;
    so.budget_wall_ms = a->ao.max_wall_ms;
    st = plan_scheduler_create(a->llm, &so, &sched, &err);
    if (st != PLAN_OK) {
      set_msg(a, "%s", err.text);
      return st;
    }
  }
  if (a->parts.trace_path) {
    trace = fopen(a->parts.trace_path, "w");
    if (!trace) {
      plan_scheduler_destroy(sched);
      set_msg(a, "agent: cannot open the trace file %s", a->parts.trace_path);
      return PLAN_EIO;
    }
  }
  plan__agent_parts parts = {
      .dom = a->parts.dom,
      .proposer = &a->parts.proposer,
      .world = &a->parts.world,
      .goal = &a->parts.goal_test,
      .evaluator = a->parts.has_evaluator ? &a->parts.evaluator : NULL,
      .vote_world = a->has_vote ? &a->vote : NULL,
      .sched = sched,
      .trace = trace,
  };
  plan__env_stats before;
  plan__env_stats_get(a->env, &before);
  a->running = true;
  st = plan__agent_run(&a->ao, &parts, a->env, &a->res, &err);
  a->running = false;
  a->ran = true;
  a->env_steps = a->res.env.steps - before.steps;
  if (st != PLAN_OK) {
    a->res.outcome = PLAN__AGENT_ERROR;
    if (a->approve_failed != PLAN_OK && st == a->approve_failed)
      snprintf(a->res.message, sizeof a->res.message,
               "agent: the approve callback returned %s", plan_status_name(st));
    else if (!a->res.message[0])
      snprintf(a->res.message, sizeof a->res.message, "%s",
               err.text[0] ? err.text : plan_strerror(st));
    set_msg(a, "%s", a->res.message);
  }
  plan_scheduler_destroy(sched);
  if (trace && fclose(trace) != 0 && st == PLAN_OK) {
    st = PLAN_EIO;
    set_msg(a, "agent: cannot write the trace file %s", a->parts.trace_path);
  }
  return st;
}

/* ======================================================================
 * The result
 * ====================================================================== */

const char *plan_agent_outcome(const plan_agent *a) {
  if (!handle_ok(a) || !a->ran || a->res.outcome == PLAN__AGENT_NONE)
    return "";
  return plan__agent_outcome_name(a->res.outcome);
}

const char *plan_agent_message(const plan_agent *a) {
  if (!handle_ok(a) || !a->ran)
    return "";
  return a->res.message;
}

size_t plan_agent_steps(const plan_agent *a) {
  return handle_ok(a) ? a->res.n_steps : 0;
}

const char *plan_agent_step_action(const plan_agent *a, size_t i) {
  if (!handle_ok(a) || i >= a->res.n_steps)
    return NULL;
  return a->res.steps[i].action;
}

const char *plan_agent_step_observation(const plan_agent *a, size_t i) {
  if (!handle_ok(a) || i >= a->res.n_steps || a->res.steps[i].refused_by_env)
    return NULL;
  return a->res.steps[i].observation;
}

plan_effect plan_agent_step_effect(const plan_agent *a, size_t i) {
  if (!handle_ok(a) || i >= a->res.n_steps)
    return PLAN_EFFECT_IRREVERSIBLE;
  return public_effect(a->res.steps[i].effect);
}

void plan_agent_stats_get(const plan_agent *a, plan_agent_stats *out) {
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (!handle_ok(a) || !a->ran)
    return;
  const plan__agent_result *r = &a->res;
  out->llm_calls = r->llm_calls;
  out->tokens = r->tokens;
  out->searches = r->searches;
  out->barrier_checks = r->checks;
  out->refusals = r->refusals;
  out->irreversible_commits = r->irreversible_commits;
  out->real_probes = r->real_probes;
  out->env_steps = a->env_steps;
  out->predictions_checked = r->predictions_checked;
  out->predictions_wrong = r->predictions_wrong;
}

const char *plan_agent_errmsg(const plan_agent *a) {
  if (!handle_ok(a))
    return "agent: not a valid plan_agent handle";
  return a->errmsg;
}
