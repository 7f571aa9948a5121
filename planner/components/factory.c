/* planner/components/factory.c: builds the four components of a search
 * from a mode, the way `plan --task` runs them:
 *   llm     LLM proposer (no filter), LLM value, the checked world model
 *           following the LLM (its errors measured against the simulator,
 *           which stays out of the loop), the goal literals read on the
 *           predicted state (or the LLM judge); the exact validator checks
 *           the plan at the end (plan__comp_validate).
 *   hybrid  LLM proposer with the applicability filter, LLM value, the
 *           checked world model following the simulator, exact goal test.
 *   exact   applicable actions, simulator, heuristic value, exact goal
 *           test: no LLM at all (a sanity baseline for the algorithms).
 *   text    a free-form task: LLM proposer, world model, judge and value.
 * llm and hybrid may add the heuristic to the LLM value (w_heuristic).
 */
#include <string.h>

#include "planner/components/comp_int.h"

static const char *const mode_names[] = {"llm", "hybrid", "exact", "text"};

bool plan__comp_mode_parse(const char *s, plan__comp_mode *out) {
  for (size_t i = 0; s && i < PLAN_ARRAY_LEN(mode_names); i++)
    if (!strcmp(s, mode_names[i])) {
      *out = (plan__comp_mode)i;
      return true;
    }
  return false;
}

const char *plan__comp_mode_name(plan__comp_mode m) {
  return (unsigned)m < PLAN_ARRAY_LEN(mode_names) ? mode_names[m] : "?";
}

void plan__comp_options_default(plan__comp_options *o) {
  memset(o, 0, sizeof *o);
  o->mode = PLAN__MODE_HYBRID;
  o->propose = PLAN__PROPOSE_SAMPLE;
  o->k = 5;
  o->value_samples = 3;
  o->rubric = PLAN_RUBRIC_SURE;
  o->heuristic = PLAN__HEUR_GOAL_FRACTION;
  o->judge_samples = 1;
}

static void destroy_parts(plan__comp_set *cs) {
  if (cs->proposer.destroy)
    cs->proposer.destroy(cs->proposer.self);
  if (cs->world.destroy)
    cs->world.destroy(cs->world.self);
  if (cs->goal.destroy)
    cs->goal.destroy(cs->goal.self);
  if (cs->evaluator.destroy)
    cs->evaluator.destroy(cs->evaluator.self);
}

void plan__comp_set_free(plan__comp_set *cs) {
  if (!cs)
    return;
  destroy_parts(cs);
  plan__free(cs);
}

/* The LLM value, with the heuristic mixed in when asked. */
static plan_status value_of(const plan__domain *dom,
                            const plan__comp_options *o, plan__evaluator *out,
                            plan_error *err) {
  plan__llm_evaluator_options eo = {.samples = o->value_samples,
                                    .rubric = o->rubric,
                                    .lo = o->lo,
                                    .hi = o->hi,
                                    .logprobs = o->logprobs,
                                    .prune_impossible = o->prune_impossible,
                                    .call = o->call};
  if (!(o->w_heuristic > 0) || !dom->pddl)
    return plan__llm_evaluator_create(dom, &eo, out, err);
  plan__evaluator a;
  plan__evaluator b;
  plan_status st = plan__llm_evaluator_create(dom, &eo, &a, err);
  if (st != PLAN_OK)
    return st;
  st = plan__heuristic_evaluator_create(dom, o->heuristic, false, &b, err);
  if (st != PLAN_OK) {
    a.destroy(a.self);
    return st;
  }
  st = plan__combined_evaluator_create(&a, 1.0, &b, o->w_heuristic, out, err);
  if (st != PLAN_OK) {
    a.destroy(a.self);
    b.destroy(b.self);
  }
  return st;
}

plan_status plan__comp_set_create(const plan__domain *dom,
                                  const plan__comp_options *o,
                                  plan__comp_set **out, plan_error *err) {
  *out = NULL;
  plan__comp_options def;
  if (!o) {
    plan__comp_options_default(&def);
    o = &def;
  }
  if (!dom)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "components: a domain is required");
  bool want_pddl = o->mode != PLAN__MODE_TEXT;
  if (want_pddl != dom->pddl)
    return plan__error_set(
        err, PLAN_EINVAL, 0, 0, "components: mode %s needs a %s task",
        plan__comp_mode_name(o->mode), want_pddl ? "pddl" : "text");
  if ((unsigned)o->mode >= PLAN_ARRAY_LEN(mode_names))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "components: unknown mode %d", (int)o->mode);
  plan__comp_set *cs = plan__calloc(1, sizeof *cs);
  if (!cs)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  cs->mode = o->mode;
  plan__llm_proposer_options po = {.method = o->propose,
                                   .k = o->k,
                                   .samples = o->propose_samples,
                                   .filter_applicable =
                                       o->mode == PLAN__MODE_HYBRID,
                                   .call = o->call};
  plan_status st = PLAN_OK;
  switch (o->mode) {
  case PLAN__MODE_LLM:
    st = plan__llm_proposer_create(dom, &po, &cs->proposer, err);
    if (st == PLAN_OK)
      st = plan__checked_world_create(dom, &o->call, true, &cs->world, err);
    if (st == PLAN_OK)
      st = o->llm_judge ? plan__llm_judge_create(
                              dom, &o->call, o->judge_samples, &cs->goal, err)
                        : plan__exact_goal_create(dom, &cs->goal, err);
    if (st == PLAN_OK)
      st = value_of(dom, o, &cs->evaluator, err);
    break;
  case PLAN__MODE_HYBRID:
    st = plan__llm_proposer_create(dom, &po, &cs->proposer, err);
    if (st == PLAN_OK)
      st = plan__checked_world_create(dom, &o->call, false, &cs->world, err);
    if (st == PLAN_OK)
      st = plan__exact_goal_create(dom, &cs->goal, err);
    if (st == PLAN_OK)
      st = value_of(dom, o, &cs->evaluator, err);
    break;
  case PLAN__MODE_EXACT:
    st = plan__exact_proposer_create(dom, 0, &cs->proposer, err);
    if (st == PLAN_OK)
      st = plan__exact_world_create(dom, &cs->world, err);
    if (st == PLAN_OK)
      st = plan__exact_goal_create(dom, &cs->goal, err);
    if (st == PLAN_OK)
      st = plan__heuristic_evaluator_create(dom, o->heuristic, true,
                                            &cs->evaluator, err);
    break;
  case PLAN__MODE_TEXT:
    st = plan__llm_proposer_create(dom, &po, &cs->proposer, err);
    if (st == PLAN_OK)
      st = plan__llm_world_create(dom, &o->call, &cs->world, err);
    if (st == PLAN_OK)
      st = plan__llm_judge_create(dom, &o->call, o->judge_samples, &cs->goal,
                                  err);
    if (st == PLAN_OK)
      st = value_of(dom, o, &cs->evaluator, err);
    break;
  }
  if (st != PLAN_OK) {
    plan__comp_set_free(cs);
    return st;
  }
  *out = cs;
  return PLAN_OK;
}

plan_status plan__comp_validate(const plan__domain *dom, plan__search *s,
                                const plan__result *r, plan__pddl_report *out) {
  memset(out, 0, sizeof *out);
  if (!dom || !dom->pddl || !s || !r)
    return PLAN_EINVAL;
  const char **acts = plan__calloc(r->n_steps ? r->n_steps : 1, sizeof *acts);
  if (!acts)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < r->n_steps; i++) {
    const plan__node *nd = plan__search_node(s, r->path[i]);
    acts[i] = nd && nd->action ? nd->action : "";
  }
  plan_status st = plan__pddl_validate(dom->task, acts, r->n_steps, out);
  plan__free(acts);
  return st;
}
