/* planner/agent.h: the plan-act loop (planner/agent.c).
 *
 * The loop acts in a real environment (worldmodel/env) with a receding
 * horizon: observe, search from the observed state with the world model,
 * take the first action of the best plan, commit it for real, observe,
 * compare the prediction with what happened, replan; until the goal, a
 * budget or a stop with an explanation.
 *
 * What it commits depends on the action's effect class:
 *   pure, reversible  committed when chosen; during search they may be tried
 *                     in the real environment (and undone) where the world
 *                     model has been wrong about them ("real probes");
 *   irreversible      only ever simulated, and committed only through the
 *                     commit barrier: k independent simulations (and the
 *                     search's own) that agree, the predicted state's value
 *                     at least a threshold, the best plan through it ahead
 *                     of the runner-up by more than the spread, and an
 *                     optional approval. A refusal passes the turn to the
 *                     next candidate, then to more search, then to a stop
 *                     that says why.
 *
 * Policies (the benchmark agent_safety compares them): barrier (the
 * above), no-barrier (commit the first action of the best plan whatever
 * its class), webdreamer (simulate each proposed action once, value the
 * predicted states, commit the best: no lookahead, no barrier) and koh
 * (search by executing every explored action in the real environment,
 * reset and replay; for sandboxes only: its irreversible probes are real).
 *
 * Internal; the public face is plan_agent_* in plan.h. docs/agent.md.
 */
#ifndef PLAN_PLANNER_AGENT_H
#define PLAN_PLANNER_AGENT_H

#include <stdio.h>

#include "planner/components/components.h"
#include "planner/planner.h"
#include "worldmodel/env/env.h"

typedef enum plan__agent_policy {
  PLAN__POLICY_BARRIER = 0,
  PLAN__POLICY_NO_BARRIER,
  PLAN__POLICY_WEBDREAMER,
  PLAN__POLICY_KOH
} plan__agent_policy;

/* "barrier", "no-barrier", "webdreamer", "koh". */
bool plan__agent_policy_parse(const char *s, plan__agent_policy *out);
const char *plan__agent_policy_name(plan__agent_policy p);

/* What the barrier measured for one irreversible candidate. Strings are
 * borrowed for the approval call. */
typedef struct plan__commit_check {
  const char *action;
  plan__effect effect;
  const char *state;     /* the current (observed) state */
  const char *predicted; /* the modal predicted state after the action */
  unsigned simulations;  /* predictions asked */
  unsigned votes;        /* predictions that parsed */
  unsigned agree;        /* predictions equal to the modal one */
  /* The step's search predicted the modal state too: its prediction is
   * one more vote (agreement is counted over simulations + 1). */
  bool search_agrees;
  double value;          /* value of the predicted state (1: a goal) */
  double value_se;       /* its standard error */
  uint32_t value_samples;
  double plan_value; /* the best plan through the action (the search) */
  double runner_up;  /* the best plan through another action; -1: none */
  double margin_se;  /* the spread the margin must beat */
  bool goal;         /* the predicted state is a goal */
  bool pass_agree, pass_value, pass_margin;
  bool asked_approval, approved;
  const char *verdict; /* "commit" or why not ("simulations disagree", ...) */
} plan__commit_check;

/* The approval of a commit that passed the other checks: set *approve.
 * A status other than PLAN_OK stops the loop with it. */
typedef plan_status (*plan__approve_fn)(void *ud, const plan__commit_check *c,
                                        bool *approve);

typedef struct plan__agent_options {
  plan__agent_policy policy;
  /* The search of each step: algorithm, shape and the per-step
   * deliberation budgets (max_llm_calls, max_tokens, max_wall_ms, ...),
   * settle_margin and settle_patience (the overthinking guard). seed is
   * the base seed: each search gets its own, derived from it. */
  plan__search_options search;
  uint32_t max_steps; /* real actions; default 30 */
  /* Whole-run budgets (0: unlimited), checked between steps. */
  uint64_t max_llm_calls;
  uint64_t max_tokens;
  uint64_t max_wall_ms;
  /* The barrier. */
  double threshold;      /* predicted state's value; default 0.25 (halfway
                            between "impossible" 0 and "likely" 0.5) */
  unsigned simulations;  /* k; default 3 (doubled for a distrusted schema) */
  double agree;          /* modal share of the votes; default 2/3 */
  double margin_z;       /* the margin: z x the standard errors; 1 */
  unsigned max_refusals; /* refusals per step before stopping; default 3 */
  plan__approve_fn approve;
  void *approve_ud;
  /* World-model fidelity: a schema whose predictions were wrong in more
   * than `distrust` of the (at least 2) checked steps is distrusted:
   * more simulations at the barrier and, when real_probes is set and the
   * environment can undo, pure/reversible actions of it tried for real
   * in the search. Default 0.3 (set a negative value for "never"). */
  double distrust;
  bool real_probes;
  /* Oscillation: stop when a state is reached more than this often;
   * default 3. */
  uint32_t max_revisits;
  /* Searches of a step (the first plus one per refusal) get seeds
   * seed + 7919 * (step * 16 + attempt). */
} plan__agent_options;

void plan__agent_options_default(plan__agent_options *o);

typedef struct plan__agent_parts {
  plan__domain *dom; /* retained; its history prefix is the loop's */
  const plan__proposer *proposer;
  const plan__world_model *world;
  const plan__goal_test *goal; /* may be NULL: the environment's done */
  const plan__evaluator *evaluator;
  /* The barrier's simulations (plan__vote_world_create); NULL: world,
   * whose single prediction then counts as all k. */
  const plan__world_model *vote_world;
  plan_scheduler *sched; /* may be NULL (exact components) */
  FILE *trace;           /* may be NULL */
} plan__agent_parts;

typedef enum plan__agent_outcome {
  PLAN__AGENT_NONE = 0,
  PLAN__AGENT_GOAL,        /* the environment is at the goal */
  PLAN__AGENT_STEPS,       /* max_steps real actions */
  PLAN__AGENT_BUDGET,      /* a whole-run budget */
  PLAN__AGENT_REFUSED,     /* the barrier refused every way forward */
  PLAN__AGENT_STUCK,       /* no applicable action was found */
  PLAN__AGENT_OSCILLATING, /* the same states over and over */
  PLAN__AGENT_ERROR        /* the environment or a component failed */
} plan__agent_outcome;

const char *plan__agent_outcome_name(plan__agent_outcome o);

typedef struct plan__agent_step {
  char *action;
  plan__effect effect;
  char *observation; /* after the action */
  bool predicted;    /* the search predicted a state for it */
  bool matched;      /* ... and it was the observed one */
  bool refused_by_env; /* the environment said the action cannot be done */
  uint64_t llm_calls;  /* spent deciding it */
  uint32_t searches;
  uint32_t refusals; /* barrier refusals before it */
} plan__agent_step;

typedef struct plan__agent_schema_trust {
  char *schema;
  uint64_t checked, wrong;
} plan__agent_schema_trust;

typedef struct plan__agent_result {
  plan__agent_outcome outcome;
  char message[320]; /* why it ended, for people */
  plan__agent_step *steps;
  size_t n_steps;
  uint64_t llm_calls, tokens;
  uint64_t searches;
  uint64_t refusals;    /* barrier refusals */
  uint64_t checks;      /* barrier checks */
  uint64_t irreversible_commits;
  uint64_t real_probes; /* actions tried for real during search */
  uint64_t predictions_checked, predictions_wrong;
  plan__agent_schema_trust *trust;
  size_t n_trust;
  plan__env_stats env; /* the environment's counters at the end */
  double wall_s;
} plan__agent_result;

/* Runs the loop on env. o may be NULL (defaults). The result is filled in
 * every case (the committed history is kept whatever happens). Returns
 * PLAN_OK when the loop ended by itself (any outcome but ERROR; check
 * out->outcome), else the failure (message in *err and out->message):
 * PLAN_EINVAL (missing parts), the environment's or a component's
 * status. Free *out with plan__agent_result_free. */
plan_status plan__agent_run(const plan__agent_options *o,
                            const plan__agent_parts *p, plan_env *env,
                            plan__agent_result *out, plan_error *err);
void plan__agent_result_free(plan__agent_result *r);

#endif /* PLAN_PLANNER_AGENT_H */
