/* planner/components/goal.c: goal tests. The exact one checks the goal
 * literals on a node's bitset (in the llm mode that bitset is the
 * LLM-predicted state, so this reads the goal, it does not validate the
 * plan). The LLM judge asks the model whether the goal is reached, on the
 * status rubric (Koh et al., WebDreamer), every node of a round in one
 * batch; a node is a goal when most samples say success.
 */
#include <string.h>

#include "planner/components/comp_int.h"

typedef struct goal {
  uint32_t magic;
  const plan__domain *dom;
  bool llm;
  unsigned samples;
  plan__llm_call call;
  char *model;
} goal;

static void goal_destroy(void *self) {
  goal *g = self;
  if (!g)
    return;
  plan__free(g->model);
  plan__free(g);
}

static plan_status exact_test(void *self, plan__search *s,
                              const plan__node_id *nodes, size_t n) {
  goal *g = self;
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(s, nodes[i]);
    if (nd && nd->exact && plan__pddl_goal_reached(g->dom->task, nd->exact))
      plan__search_set_goal(s, nodes[i]);
  }
  return PLAN_OK;
}

static plan_status judge_test(void *self, plan__search *s,
                              const plan__node_id *nodes, size_t n) {
  goal *g = self;
  if (n == 0)
    return PLAN_OK;
  plan__comp_batch b;
  plan__comp_batch_init(&b);
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    char *user = NULL;
    st = plan__comp_prompt(g->dom, s, PLAN__ROLE_JUDGE, nodes[i], NULL, NULL, 0,
                           &user);
    if (st == PLAN_OK)
      st = plan__comp_batch_add(&b, g->dom, &g->call, i, user, g->samples,
                                false, 0);
  }
  plan_status run = PLAN_OK;
  if (st == PLAN_OK) {
    run = plan__comp_batch_run(&b, s, "llm judge");
    if (run != PLAN_OK && run != PLAN_EBUDGET)
      st = run;
  }
  unsigned *yes = NULL;
  if (st == PLAN_OK) {
    yes = plan__calloc(n, sizeof *yes);
    if (!yes)
      st = PLAN_ENOMEM;
  }
  for (size_t r = 0; r < b.n && st == PLAN_OK; r++) {
    size_t i = b.item[r];
    const plan_llm_response *resp = &b.resps[r];
    plan__search_trace_llm(s, "judge", nodes[i], resp);
    if (resp->status != PLAN_OK)
      continue;
    for (size_t k = 0; k < resp->n_choices; k++) {
      const plan_llm_choice *ch = &resp->choices[k];
      plan_score sc;
      plan_status ps =
          plan_parse_score(ch->text ? ch->text : "", ch->text_len,
                           ch->truncated, PLAN_RUBRIC_STATUS, 0, 0, &sc, NULL);
      if (ps == PLAN_ENOMEM) {
        st = ps;
        break;
      }
      if (ps == PLAN_OK && sc.present && sc.value >= 1.0)
        yes[i]++;
    }
  }
  for (size_t i = 0; i < n && st == PLAN_OK; i++)
    if (2 * yes[i] > g->samples)
      plan__search_set_goal(s, nodes[i]);
  plan__free(yes);
  plan__comp_batch_free(&b);
  return st != PLAN_OK ? st : run;
}

static plan_status make(const plan__domain *dom, bool llm,
                        const plan__llm_call *call, unsigned samples,
                        plan__goal_test *out, plan_error *err) {
  goal *g = plan__calloc(1, sizeof *g);
  if (!g)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  g->magic = PLAN__COMP_MAGIC_GOAL;
  g->dom = dom;
  g->llm = llm;
  g->samples = samples ? samples : 1;
  if (plan__comp_call_copy(call, &g->call, &g->model) != PLAN_OK) {
    goal_destroy(g);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  /* A single verdict is the model's most likely one (temperature 0)
   * unless a temperature was given; several samples keep the default. */
  if (llm && g->samples == 1 && !g->call.has_temperature) {
    g->call.has_temperature = true;
    g->call.temperature = 0.0;
  }
  out->name = llm ? "llm-judge" : "exact";
  out->test = llm ? judge_test : exact_test;
  out->destroy = goal_destroy;
  out->self = g;
  return PLAN_OK;
}

plan_status plan__exact_goal_create(const plan__domain *dom,
                                    plan__goal_test *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !dom->pddl)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "exact goal test: needs a pddl domain");
  return make(dom, false, NULL, 0, out, err);
}

plan_status plan__llm_judge_create(const plan__domain *dom,
                                   const plan__llm_call *call, unsigned samples,
                                   plan__goal_test *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm judge: a domain is required");
  return make(dom, true, call, samples, out, err);
}
