/* planner/api_int.h: what the public search API (planner/api.c) shares
 * with other library files. A plan_state_buf is where a program's
 * callback writes a state; planner/api.c hands one to simulate callbacks
 * and worldmodel/env/env.c to environments' observe and execute. Both
 * build it on the stack around a plan__buf and clear the magic when the
 * callback returns, so a buffer kept past its call is caught
 * (PLAN_EMISUSE). Internal; not installed. */
#ifndef PLAN_PLANNER_API_INT_H
#define PLAN_PLANNER_API_INT_H

#include "core/core.h"
#include "planner/components/components.h"

#define PLAN__STATE_BUF_MAGIC 0x53544246u /* "STBF" */

struct plan_state_buf {
  unsigned magic; /* PLAN__STATE_BUF_MAGIC while the callback runs */
  plan__buf b;
};

/* ======================================================================
 * The parts of a search described by plan_search_options
 * ======================================================================
 * plan_search (planner/api.c) and plan_agent (planner/agent_api.c) both
 * turn the public search options into the core's components here: each
 * callback wrapped as a component (its self is the parts struct, so the
 * struct must not move once built), each part without a callback the LLM
 * default of the component factory's text mode over a text domain made
 * from the options' goal, description and action vocabulary. */

typedef struct plan__api_parts {
  plan_search_options o; /* a copy; its strings point to the copies below */
  char *goal, *description, *prompts_dir, *model, *trace_path;
  char **actions;
  size_t n_actions;
  /* The text domain, its templates and the LLM defaults (NULL when not
   * built: no LLM default and no domain asked for). */
  plan__prompts *prompts;
  plan__domain *dom;
  plan__comp_set *cs;
  plan__llm_call call; /* the LLM defaults' settings (model, seed) */
  /* What a search runs: callback adapters or cs's parts. */
  plan__proposer proposer;
  plan__world_model world;
  plan__goal_test goal_test;
  plan__evaluator evaluator;
  bool has_evaluator;
  bool uses_llm;  /* some part is an LLM default */
  bool llm_world; /* the world model is the LLM default */
} plan__api_parts;

/* Checks opts (NULL: defaults) and builds *p in place (zeroed first).
 * who opens the messages ("search"). need_domain builds the text domain
 * even when every part is a callback (the agent loop reads observations
 * through it; a missing goal is then a placeholder the prompts never
 * show). Errors (message in *err): PLAN_EINVAL (a version mismatch, an
 * unknown algorithm, a part with neither a callback nor an LLM, no goal
 * for an LLM default, a NULL action), PLAN_EIO / PLAN_EPARSE (prompt
 * overrides), PLAN_ENOMEM. On failure *p holds nothing to free (but
 * plan__api_parts_free is harmless). */
plan_status plan__api_parts_init(plan__api_parts *p, plan_llm *llm,
                                 const plan_search_options *opts,
                                 bool need_domain, const char *who,
                                 plan_error *err);
void plan__api_parts_free(plan__api_parts *p);

/* The core's search options from the public ones (zero stays default). */
void plan__api_core_options(const plan_search_options *o,
                            plan__search_options *so);
/* The scheduler's options of a run from the public ones: concurrency,
 * seed, clock; the budgets are left to the caller. */
void plan__api_scheduler_options(const plan_search_options *o,
                                 plan_scheduler_options *so);

#endif /* PLAN_PLANNER_API_INT_H */
