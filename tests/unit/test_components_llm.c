/* tests/unit/test_components_llm.c: the LLM components over the scripted
 * backend and a scheduler, through the real search: proposals counted,
 * deduplicated and cut to the top k; unknown and inapplicable proposals
 * dropped and counted; the list proposer; malformed value answers as
 * missing samples (never 0); the logprob expected value; pruning on
 * "impossible"; the weighted combination; the checked world model's error
 * accounting per action schema; the judge on a text task; failures and
 * budgets; and one scheduler batch per phase. */
#include <math.h>

#include "planner/components/comp_int.h"
#include "test_components_fixture.h"

/* A JSON string literal (quotes included) for s. */
static char *jstr(const char *s) {
  json_t *j = json_string(s);
  char *out = json_dumps(j, JSON_ENCODE_ANY);
  json_decref(j);
  ASSERT(out);
  return out;
}

typedef struct env {
  plan__pb_config *cfg;
  plan__pddl_task *task;
  plan__prompts *pr;
  plan__domain *d;
  plan_llm *llm;
  plan_scheduler *sch;
  plan__comp_set *cs;
  plan__search *s;
} env;

static void env_free(env *e) {
  plan__search_free(e->s);
  plan__comp_set_free(e->cs);
  plan_scheduler_destroy(e->sch);
  plan_llm_destroy(e->llm);
  plan__domain_free(e->d);
  plan__prompts_free(e->pr);
  plan__pddl_task_free(e->task);
  plan__pb_config_free(e->cfg);
  memset(e, 0, sizeof *e);
}

/* Blocksworld instance 1 with the given mode, options and script. */
static void env_pddl(env *e, plan__comp_options *o, const char *script,
                     const plan__search_options *so) {
  memset(e, 0, sizeof *e);
  e->cfg = fx_config();
  e->task = fx_task(fx_problem1);
  ASSERT_OK(plan__prompts_load(NULL, &e->pr, NULL));
  ASSERT_OK(plan__domain_pddl_create(e->task, e->cfg, e->pr, &e->d, NULL));
  e->llm = fx_script(script);
  e->sch = fx_sched(e->llm);
  plan_error err;
  plan_status st = plan__comp_set_create(e->d, o, &e->cs, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  e->s = fx_search(so, e->cs, e->sch, NULL);
  ASSERT_OK(plan__domain_set_root(e->d, e->s));
}

/* The NL state after applying action (a name) to the initial state. */
static char *after(env *e, const char *action) {
  long a = plan__pddl_action_lookup(e->task, action);
  ASSERT(a >= 0);
  uint64_t st[4];
  ASSERT(e->task->n_words <= 4);
  plan__pddl_apply(e->task, e->task->init, (size_t)a, st);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__pddl_text_state(e->cfg, e->task, st, &b));
  return plan__buf_take(&b);
}

static const char *const ten_proposals =
    "[\"Action: unstack the blue block from on top of the orange block\","
    "\"Action: Unstack the blue block from on top of the orange block.\","
    "\"Action: pick up the red block\","
    "\"Action: stack the red block on top of the blue block\","
    "\"I think we should fly\","
    "\"Action: pick up the purple block\","
    "\"Action: **pick up the yellow block**\","
    "\"Action: unstack the blue block from on top of the orange block\","
    "\"Action: (pick-up a)\","
    "\"Action: unstack the blue block from on top of the orange block\"]";

/* Sampled proposals: counted, deduplicated, top k, priors; the stack
 * (inapplicable with an empty hand) and the unknown ones are dropped and
 * counted; the hybrid mode's checked world model measures the LLM's
 * predictions per schema. */
static void test_hybrid_proposals_and_checks(void) {
  env e;
  memset(&e, 0, sizeof e);
  /* World answers: right for unstack, wrong for pick-up (claims the hand
   * is empty). Built after the task is known, so set up in two steps. */
  plan__pddl_task *task = fx_task(fx_problem1);
  plan__pb_config *cfg = fx_config();
  env tmp = {.cfg = cfg, .task = task};
  char *ok_state = after(&tmp, "(unstack b c)");
  plan__buf rs;
  plan__buf_init(&rs, 0);
  plan__buf_printf(&rs, "Resulting State: %s.", ok_state);
  char *ok_j = jstr(rs.data);
  plan__buf_free(&rs);
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
  char fixed[8192];
  snprintf(
      fixed, sizeof fixed,
      "[{\"match\":\"^\\\\[ROLE: propose\\\\]\",\"reply\":%s},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\nunstack\","
      "\"reply\":%s},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\npick up "
      "the red\",\"reply\":\"Resulting State: the hand is empty, the "
      "red block is clear and the red block is on the table\"},"
      "{\"match\":\"ROLE: value\",\"reply\":[\"likely\",\"it is sure\","
      "\"after some thought: sure\"]}]",
      ten_proposals, ok_j);
  free(ok_j);
  plan__free(ok_state);

  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.k = 2;
  o.propose_samples = 10;
  env_pddl(&e, &o, fixed, NULL);
  ASSERT_STATUS(plan__search_run(e.s), PLAN_EBUDGET); /* depth 1 */

  plan__proposer_stats ps;
  ASSERT(plan__proposer_stats_get(&e.cs->proposer, &ps));
  ASSERT_EQ(ps.requests, 1);
  ASSERT_EQ(ps.samples, 10);
  ASSERT_EQ(ps.unknown, 2);
  ASSERT_EQ(ps.inapplicable, 1);
  ASSERT_EQ(ps.duplicates, 4); /* 3 more unstack, 1 more pick-up a */
  ASSERT_EQ(ps.dropped_k, 1);  /* pick-up d */
  ASSERT_EQ(ps.children, 2);
  plan__node_id ub = fx_child(e.s, 0, "(unstack b c)");
  plan__node_id pa = fx_child(e.s, 0, "(pick-up a)");
  ASSERT(ub != PLAN__NODE_NONE && pa != PLAN__NODE_NONE);
  ASSERT_EQ(fx_child(e.s, 0, "(pick-up d)"), PLAN__NODE_NONE);
  ASSERT_EQ(plan__search_node(e.s, ub)->proposals, 4);
  ASSERT_EQ(plan__search_node(e.s, pa)->proposals, 2);
  ASSERT_NEAR(plan__search_node(e.s, ub)->prior, 4.0 / 6.0, 1e-12);
  /* The exact simulator is in the loop: both children have the true
   * state, whatever the LLM predicted. */
  const plan__node *pn = plan__search_node(e.s, pa);
  ASSERT_CONTAINS(pn->state_text, "the hand is currently holding red block");
  /* The value: likely, sure, sure -> mean 5/6 for each child (the rule's
   * replies cycle over all value choices: root 3, then 3 + 3). */
  ASSERT_EQ(plan__search_node(e.s, ub)->value.samples, 3);
  ASSERT_EQ(plan__search_node(e.s, ub)->value.missing, 0);

  plan__world_stats ws;
  ASSERT(plan__world_stats_get(&e.cs->world, &ws));
  ASSERT_EQ(ws.requests, 2);
  ASSERT_EQ(ws.checked, 2);
  ASSERT_EQ(ws.wrong, 1);
  ASSERT_EQ(ws.n_schemas, 2);
  ASSERT_STR_EQ(ws.schemas[0].schema, "pick-up");
  ASSERT_EQ(ws.schemas[0].wrong, 1);
  ASSERT_NEAR(ws.schemas[0].error_rate, 1.0, 1e-12);
  ASSERT_STR_EQ(ws.schemas[1].schema, "unstack");
  ASSERT_EQ(ws.schemas[1].wrong, 0);
  ASSERT_NEAR(ws.schemas[1].error_rate, 0.0, 1e-12);
  /* One request per phase item, each phase one batch. */
  plan__scripted_stats ss;
  ASSERT(plan__scripted_stats_get(e.llm, &ss));
  ASSERT_EQ(ss.calls, 1 + 1 + 2 + 2); /* root value, propose, world, value */
  ASSERT_EQ(ss.max_pending, 2);
  env_free(&e);
}

/* The list proposer: one call, items in order, unknown and duplicate
 * items counted. */
static void test_list_proposer(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.propose = PLAN__PROPOSE_LIST;
  o.k = 5;
  const char *script =
      "[{\"match\":\"^\\\\[ROLE: propose-list\\\\]\",\"reply\":\"Options:\\n"
      "1. pick up the yellow block\\n2. unstack the blue block from on top "
      "of the orange block\\n3. dance\\n4. Pick up the yellow block.\\n\"},"
      "{\"match\":\"ROLE: world\",\"reply\":\"no idea\"},"
      "{\"match\":\"ROLE: value\",\"reply\":\"sure\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  plan__proposer_stats ps;
  ASSERT(plan__proposer_stats_get(&e.cs->proposer, &ps));
  ASSERT_EQ(ps.requests, 1);
  ASSERT_EQ(ps.samples, 4);
  ASSERT_EQ(ps.unknown, 1);
  ASSERT_EQ(ps.duplicates, 1);
  ASSERT_EQ(ps.children, 2);
  /* First listed first. */
  plan__node_id first = plan__search_node(e.s, 0)->first_child;
  ASSERT_STR_EQ(plan__search_node(e.s, first)->action, "(pick-up d)");
  /* The world model's unparseable answers are counted per schema; the
   * simulator still gave the states. */
  plan__world_stats ws;
  ASSERT(plan__world_stats_get(&e.cs->world, &ws));
  ASSERT_EQ(ws.unparseable, 2);
  ASSERT_EQ(ws.schemas[0].unparseable, 1);
  ASSERT_NEAR(ws.schemas[0].error_rate, 1.0, 1e-12);
  ASSERT(plan__search_usable(e.s, first));
  env_free(&e);
}

/* Malformed value answers are missing samples, never 0: a node whose
 * every sample failed keeps its parent's rank. */
static void test_value_missing(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_EXACT; /* replaced below by an LLM evaluator */
  const char *script =
      "[{\"match\":\"ROLE: value\",\"reply\":[\"likely\",\"I am not able to "
      "judge this.\",\"sure\"]}]";
  env_pddl(&e, &o, script, NULL);
  /* Swap the heuristic for the LLM value: a fresh search over it. */
  plan__search_free(e.s);
  e.cs->evaluator.destroy(e.cs->evaluator.self);
  plan__llm_evaluator_options eo = {.samples = 3};
  ASSERT_OK(plan__llm_evaluator_create(e.d, &eo, &e.cs->evaluator, NULL));
  e.s = fx_search(NULL, e.cs, e.sch, NULL);
  ASSERT_OK(plan__domain_set_root(e.d, e.s));
  plan__search_run(e.s);
  /* Root: likely, (missing), sure. */
  const plan__node *root = plan__search_node(e.s, 0);
  ASSERT_EQ(root->value.samples, 2);
  ASSERT_EQ(root->value.missing, 1);
  ASSERT_NEAR(root->value.mean, 0.75, 1e-12);
  /* A child whose three samples were likely, missing, sure again. */
  plan__node_id c = plan__search_node(e.s, 0)->first_child;
  ASSERT_EQ(plan__search_node(e.s, c)->value.missing, 1);
  plan__evaluator_stats es;
  ASSERT(plan__evaluator_stats_get(&e.cs->evaluator, &es));
  ASSERT_EQ(es.requests, 4); /* root + 3 children */
  ASSERT_EQ(es.missing, 4);
  ASSERT_EQ(es.samples, 8);
  env_free(&e);

  /* All malformed: no sample at all, the rank falls back to the parent's
   * (0.5 at an unvalued root), not 0. */
  script = "[{\"match\":\"ROLE: value\",\"reply\":\"hmm\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_free(e.s);
  e.cs->evaluator.destroy(e.cs->evaluator.self);
  ASSERT_OK(plan__llm_evaluator_create(e.d, &eo, &e.cs->evaluator, NULL));
  e.s = fx_search(NULL, e.cs, e.sch, NULL);
  ASSERT_OK(plan__domain_set_root(e.d, e.s));
  plan__search_run(e.s);
  c = plan__search_node(e.s, 0)->first_child;
  ASSERT_EQ(plan__search_node(e.s, c)->value.samples, 0);
  ASSERT_EQ(plan__search_node(e.s, c)->value.missing, 3);
  ASSERT_NEAR(plan__search_rank(e.s, c), 0.5, 1e-12);
  env_free(&e);
}

/* With logprobs: one request per node, the expected value over the
 * rubric words of the first token that has them. */
static void test_logprob_value(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_EXACT;
  char script[2048];
  snprintf(script, sizeof script,
           "[{\"match\":\"ROLE: value\",\"reply\":\"likely\",\"logprobs\":"
           "[{\"token\":\"**\",\"logprob\":-0.01,\"top\":[{\"token\":\"**\","
           "\"logprob\":-0.01}]},"
           "{\"token\":\"likely\",\"logprob\":%.17g,\"top\":["
           "{\"token\":\"likely\",\"logprob\":%.17g},"
           "{\"token\":\" Sure\",\"logprob\":%.17g},"
           "{\"token\":\"imp\",\"logprob\":%.17g},"
           "{\"token\":\"maybe\",\"logprob\":%.17g}]}]}]",
           log(0.5), log(0.5), log(0.25), log(0.125), log(0.125));
  env_pddl(&e, &o, script, NULL);
  plan__search_free(e.s);
  e.cs->evaluator.destroy(e.cs->evaluator.self);
  plan__llm_evaluator_options eo = {.samples = 3, .logprobs = true};
  ASSERT_OK(plan__llm_evaluator_create(e.d, &eo, &e.cs->evaluator, NULL));
  e.s = fx_search(NULL, e.cs, e.sch, NULL);
  ASSERT_OK(plan__domain_set_root(e.d, e.s));
  plan__search_run(e.s);
  /* p(sure) .25, p(likely) .5, p(impossible) .125, renormalised over the
   * three: (.25 + .25) / .875. */
  const plan__node *root = plan__search_node(e.s, 0);
  ASSERT_EQ(root->value.samples, 1);
  ASSERT_NEAR(root->value.mean, 0.5 / 0.875, 1e-9);
  plan__evaluator_stats es;
  ASSERT(plan__evaluator_stats_get(&e.cs->evaluator, &es));
  ASSERT_EQ(es.logprob_values, 4);
  ASSERT_EQ(es.requests, 4);
  plan__scripted_stats ss;
  ASSERT(plan__scripted_stats_get(e.llm, &ss));
  ASSERT_EQ(ss.last_n, 1);
  env_free(&e);
  /* Logprob values need the sure rubric. */
  plan__llm_evaluator_options bad = {.logprobs = true,
                                     .rubric = PLAN_RUBRIC_STATUS};
  plan__evaluator ev;
  plan_error err;
  env_pddl(&e, &o, "[]", NULL);
  ASSERT_STATUS(plan__llm_evaluator_create(e.d, &bad, &ev, &err), PLAN_EINVAL);
  env_free(&e);
}

/* Every sample "impossible": pruned when asked; the numeric rubric. */
static void test_prune_and_rubrics(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.k = 5;
  o.propose_samples = 2;
  o.prune_impossible = true;
  const char *script =
      "[{\"match\":\"^\\\\[ROLE: propose\\\\]\",\"reply\":[\"Action: pick "
      "up the red block\",\"Action: pick up the yellow block\"]},"
      "{\"match\":\"ROLE: world\",\"reply\":\"?\"},"
      "{\"match\":\"ROLE: value[\\\\s\\\\S]*holding red\",\"reply\":"
      "\"This is impossible\"},"
      "{\"match\":\"ROLE: value\",\"reply\":[\"impossible\",\"likely\"]}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  plan__node_id pa = fx_child(e.s, 0, "(pick-up a)");
  plan__node_id pd = fx_child(e.s, 0, "(pick-up d)");
  const plan__node *na = plan__search_node(e.s, pa);
  ASSERT(na->flags & PLAN__NODE_PRUNED);
  ASSERT_STR_EQ(na->prune_reason, "value: every sample says impossible");
  ASSERT(!(plan__search_node(e.s, pd)->flags & PLAN__NODE_PRUNED));
  env_free(&e);

  /* A number on a 1..10 scale. */
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.rubric = PLAN_RUBRIC_NUMBER;
  o.lo = 1;
  o.hi = 10;
  o.value_samples = 1;
  script = "[{\"match\":\"ROLE: propose\",\"reply\":\"Action: pick up the "
           "red block\"},{\"match\":\"ROLE: world\",\"reply\":\"?\"},"
           "{\"match\":\"ROLE: value\",\"reply\":\"Score: 7/10\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  ASSERT_NEAR(plan__search_node(e.s, 0)->value.mean, 6.0 / 9.0, 1e-12);
  env_free(&e);
}

/* The weighted combination of the LLM value and the goal fraction. */
static void test_combined(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.w_heuristic = 3.0;
  o.value_samples = 2;
  const char *script =
      "[{\"match\":\"ROLE: propose\",\"reply\":\"Action: unstack the blue "
      "block from on top of the orange block\"},"
      "{\"match\":\"ROLE: world\",\"reply\":\"?\"},"
      "{\"match\":\"ROLE: value\",\"reply\":[\"sure\",\"impossible\","
      "\"garbled\"]}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  /* Root: sure, impossible with goal fraction 0: (1*1 + 3*0)/4 and
   * (1*0 + 3*0)/4. */
  const plan__node *root = plan__search_node(e.s, 0);
  ASSERT_EQ(root->value.samples, 2);
  ASSERT_NEAR(root->value.mean, 0.125, 1e-12);
  ASSERT_NEAR(root->value.max, 0.25, 1e-12);
  /* Child: garbled, sure -> one sample (1 + 0)/4, one missing. */
  plan__node_id c = plan__search_node(e.s, 0)->first_child;
  ASSERT_EQ(plan__search_node(e.s, c)->value.samples, 1);
  ASSERT_EQ(plan__search_node(e.s, c)->value.missing, 1);
  ASSERT_NEAR(plan__search_node(e.s, c)->value.mean, 0.25, 1e-12);
  plan__evaluator_stats es;
  ASSERT(plan__evaluator_stats_get(&e.cs->evaluator, &es));
  ASSERT_EQ(es.requests, 2);
  ASSERT_EQ(es.samples, 3);
  ASSERT_EQ(es.missing, 1);
  env_free(&e);
}

/* The llm mode: the world model's prediction is the state (wrong or not),
 * an unparseable one prunes, and the errors are counted against the
 * simulator. */
static void test_llm_mode(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_LLM;
  o.k = 5;
  o.propose_samples = 3;
  const char *script =
      "[{\"match\":\"^\\\\[ROLE: propose\\\\]\",\"reply\":[\"Action: pick "
      "up the red block\",\"Action: pick up the yellow block\",\"Action: "
      "stack the red block on top of the blue block\"]},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\npick up the "
      "red\",\"reply\":\"Resulting State: the hand is currently holding red "
      "block, the blue block is clear, the yellow block is clear, the blue "
      "block is on top of the orange block, the orange block is on the table "
      "and the yellow block is on the table.\"},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\nstack\","
      "\"reply\":\"Resulting State: the red block is on top of the blue "
      "block and the hand is empty\"},"
      "{\"match\":\"ROLE: world\",\"reply\":\"Resulting State: the yellow "
      "block is flying\"},"
      "{\"match\":\"ROLE: value\",\"reply\":\"likely\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  plan__node_id pa = fx_child(e.s, 0, "(pick-up a)");
  plan__node_id pd = fx_child(e.s, 0, "(pick-up d)");
  plan__node_id sab = fx_child(e.s, 0, "(stack a b)");
  ASSERT(pa != PLAN__NODE_NONE && pd != PLAN__NODE_NONE &&
         sab != PLAN__NODE_NONE); /* no applicability filter */
  /* pick-up a: predicted correctly (same bitset as the simulator). */
  ASSERT(plan__search_usable(e.s, pa));
  ASSERT_CONTAINS(plan__search_node(e.s, pa)->state_text,
                  "the hand is currently holding red block");
  /* pick-up d: unparseable -> pruned. */
  ASSERT(plan__search_node(e.s, pd)->flags & PLAN__NODE_PRUNED);
  ASSERT_STR_EQ(plan__search_node(e.s, pd)->prune_reason,
                "world model: unparseable prediction");
  /* stack a b: inapplicable, but the LLM's state is followed. */
  ASSERT(plan__search_usable(e.s, sab));
  plan__world_stats ws;
  ASSERT(plan__world_stats_get(&e.cs->world, &ws));
  ASSERT_EQ(ws.requests, 3);
  ASSERT_EQ(ws.unparseable, 1);
  ASSERT_EQ(ws.inapplicable, 1);
  ASSERT_EQ(ws.checked, 1);
  ASSERT_EQ(ws.wrong, 0);
  ASSERT_EQ(ws.n_schemas, 2);
  ASSERT_STR_EQ(ws.schemas[0].schema, "pick-up");
  ASSERT_EQ(ws.schemas[0].checked, 1);
  ASSERT_EQ(ws.schemas[0].unparseable, 1);
  ASSERT_NEAR(ws.schemas[0].error_rate, 0.5, 1e-12);
  ASSERT_STR_EQ(ws.schemas[1].schema, "stack");
  ASSERT_EQ(ws.schemas[1].inapplicable, 1);
  env_free(&e);
}

/* Replies that never come: failed proposals, missing values, pruned
 * children; and a call budget that ends a phase. */
static void test_failures_and_budget(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  const char *script =
      "[{\"match\":\"ROLE: value\",\"call\":1,\"error\":\"http_500\"},"
      "{\"match\":\"ROLE: propose\",\"reply\":\"Action: (pick-up a)\","
      "\"finish\":\"length\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  ASSERT_EQ(plan__search_node(e.s, 0)->value.missing, 3);
  ASSERT_EQ(plan__search_node(e.s, 0)->value.samples, 0);
  plan__proposer_stats ps;
  ASSERT(plan__proposer_stats_get(&e.cs->proposer, &ps));
  ASSERT_EQ(ps.truncated, 10);
  ASSERT_EQ(ps.children, 0);
  ASSERT(plan__search_node(e.s, 0)->flags & PLAN__NODE_DEAD_END);
  env_free(&e);

  /* Budget: 2 calls; the root's value takes one, the proposal another. */
  plan__search_options so;
  plan__search_options_default(&so);
  so.algo = PLAN__ALGO_GREEDY;
  so.max_depth = 3;
  so.max_llm_calls = 2;
  script = "[{\"match\":\"ROLE: propose\",\"reply\":\"Action: pick up the "
           "red block\"},{\"match\":\"ROLE: world\",\"reply\":\"?\"},"
           "{\"match\":\"ROLE: value\",\"reply\":\"sure\"}]";
  env_pddl(&e, &o, script, &so);
  ASSERT_STATUS(plan__search_run(e.s), PLAN_EBUDGET);
  plan__result r;
  plan__search_result(e.s, &r);
  ASSERT_EQ(r.stop, PLAN__STOP_CALLS);
  env_free(&e);
}

/* An LLM component in a search without a scheduler fails with a message. */
static void test_no_scheduler(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  env_pddl(&e, &o, "[]", NULL);
  plan__search_free(e.s);
  e.s = fx_search(NULL, e.cs, NULL, NULL);
  ASSERT_OK(plan__domain_set_root(e.d, e.s));
  ASSERT_STATUS(plan__search_run(e.s), PLAN_EMISUSE);
  ASSERT_CONTAINS(plan__search_errmsg(e.s), "no scheduler");
  env_free(&e);
}

/* A free-form text task solved with the LLM as proposer, world model and
 * judge; beam search expands several nodes per round and each phase is
 * one batch (the scripted backend sees them all in flight at once). */
static void test_text_mode(void) {
  plan__prompts *pr = NULL;
  ASSERT_OK(plan__prompts_load(NULL, &pr, NULL));
  const char *vocab[] = {"boil water", "add tea", "pour"};
  plan__domain *d = NULL;
  ASSERT_OK(plan__domain_text_create("Making tea.", "cold water, no tea",
                                     "a cup of tea", vocab, 3, pr, &d, NULL));
  const char *script =
      "[{\"match\":\"ROLE: propose\\\\][\\\\s\\\\S]*\\\\[STATE\\\\]\\\\ncold"
      "\",\"reply\":[\"Action: boil water\",\"Action: Boil  water.\","
      "\"Action: add tea\"]},"
      "{\"match\":\"ROLE: propose\\\\]\",\"reply\":[\"Action: pour\","
      "\"Action: pour\",\"Action: wait\"]},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\npour\","
      "\"reply\":\"Resulting State:\\nA CUP OF TEA.\"},"
      "{\"match\":\"ROLE: world[\\\\s\\\\S]*\\\\[ACTION\\\\]\\\\n(\\\\w+)\","
      "\"reply\":\"Resulting State: state after {call}\"},"
      "{\"match\":\"ROLE: judge[\\\\s\\\\S]*\\\\[STATE\\\\]\\\\nA CUP OF TEA\","
      "\"reply\":\"Status: success\"},"
      "{\"match\":\"ROLE: judge\",\"reply\":\"Status: on track\"},"
      "{\"match\":\"ROLE: value\",\"reply\":\"likely\"}]";
  plan_llm *llm = fx_script(script);
  plan_scheduler *sch = fx_sched(llm);
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_TEXT;
  o.k = 2;
  o.propose_samples = 3;
  o.value_samples = 1;
  plan__comp_set *cs = NULL;
  ASSERT_OK(plan__comp_set_create(d, &o, &cs, NULL));
  plan__search_options so;
  plan__search_options_default(&so);
  so.algo = PLAN__ALGO_BEAM;
  so.beam_width = 2;
  so.max_depth = 3;
  FILE *trace = tmpfile();
  ASSERT(trace);
  plan__search *s = fx_search(&so, cs, sch, trace);
  ASSERT_OK(plan__domain_set_root(d, s));
  ASSERT_OK(plan__search_run(s));
  plan__result r;
  plan__search_result(s, &r);
  ASSERT(r.solved);
  ASSERT_EQ(r.n_steps, 2);
  ASSERT_STR_EQ(plan__search_node(s, r.path[1])->action, "pour");
  ASSERT_STR_EQ(plan__search_node(s, r.leaf)->state_text, "A CUP OF TEA.");
  /* Dedup: "boil water" twice (normalised), kept with the first text. */
  plan__node_id b = fx_child(s, 0, "boil water");
  ASSERT(b != PLAN__NODE_NONE);
  ASSERT_EQ(plan__search_node(s, b)->proposals, 2);
  /* Round 2 expands both depth-1 nodes: 2 proposal requests in flight at
   * once, then their 4 children's world predictions (2 per node: pour and
   * wait). */
  plan__scripted_stats ss;
  ASSERT(plan__scripted_stats_get(llm, &ss));
  ASSERT_EQ(ss.max_pending, 4);
  /* The trace has our proposal events and the LLM calls with roles. */
  rewind(trace);
  char line[4096];
  int proposals = 0;
  int judge_calls = 0;
  while (fgets(line, sizeof line, trace)) {
    if (strstr(line, "\"ev\":\"proposals\""))
      proposals++;
    if (strstr(line, "\"role\":\"judge\""))
      judge_calls++;
  }
  ASSERT_EQ(proposals, 3);
  ASSERT(judge_calls >= 3);
  fclose(trace);
  plan__search_free(s);
  plan__comp_set_free(cs);
  plan_scheduler_destroy(sch);
  plan_llm_destroy(llm);
  plan__domain_free(d);
  plan__prompts_free(pr);
}

/* Samples as separate requests (sample indices) instead of n choices. */
static void test_split_samples(void) {
  env e;
  plan__comp_options o;
  plan__comp_options_default(&o);
  o.mode = PLAN__MODE_HYBRID;
  o.k = 3;
  o.propose_samples = 4;
  o.value_samples = 1;
  o.call.split_samples = true;
  o.call.has_temperature = true;
  o.call.temperature = 0.7;
  const char *script =
      "[{\"match\":\"^\\\\[ROLE: propose\\\\]\",\"reply\":[\"Action: pick "
      "up the red block\",\"Action: pick up the yellow block\"]},"
      "{\"match\":\"ROLE: world\",\"reply\":\"?\"},"
      "{\"match\":\"ROLE: value\",\"reply\":\"sure\"}]";
  env_pddl(&e, &o, script, NULL);
  plan__search_run(e.s);
  plan__proposer_stats ps;
  ASSERT(plan__proposer_stats_get(&e.cs->proposer, &ps));
  ASSERT_EQ(ps.requests, 4);
  ASSERT_EQ(ps.samples, 4);
  ASSERT_EQ(ps.children, 2);
  plan__scripted_stats ss;
  ASSERT(plan__scripted_stats_get(e.llm, &ss));
  ASSERT_EQ(ss.max_pending, 4);
  env_free(&e);
}

/* ---- out of memory --------------------------------------------------------
 * Every allocation of a hybrid round and a text round (prompts, batches,
 * parsing, counting, the checked world model) fails in turn. A failure
 * inside the scheduler or the backend surfaces as a failed request, which
 * the components count as data, so the sweep runs over every allocation
 * index of a clean run instead of stopping at the first clean one: each
 * run must end in PLAN_OK, PLAN_ENOMEM or PLAN_EBUDGET (the depth limit),
 * with nothing leaked. */
TEST_COUNTING_ALLOCATOR()

static void oom_round(const plan__pb_config *cfg, const plan__pddl_task *task,
                      bool text) {
  plan__prompts *pr = NULL;
  plan__domain *d = NULL;
  plan_llm *llm = NULL;
  plan_scheduler *sch = NULL;
  plan__comp_set *cs = NULL;
  plan__search *s = NULL;
  plan_status st = plan__prompts_load(NULL, &pr, NULL);
  if (st == PLAN_OK) {
    if (text) {
      const char *vocab[] = {"boil water", "pour"};
      st = plan__domain_text_create("Tea.", "cold water", "tea", vocab, 2, pr,
                                    &d, NULL);
    } else {
      st = plan__domain_pddl_create(task, cfg, pr, &d, NULL);
    }
  }
  if (st == PLAN_OK)
    st = plan_llm_scripted_create(
        "[{\"match\":\"^\\\\[ROLE: propose\",\"reply\":[\"Action: pick "
        "up the red block\",\"Action: pour\",\"Action: (pick-up d)\","
        "\"junk\"]},"
        "{\"match\":\"ROLE: world\",\"reply\":\"Resulting State: the hand "
        "is currently holding red block, the blue block is clear, the yellow "
        "block is clear, the blue block is on top of the orange block, the "
        "orange block is on the table and the yellow block is on the table\"},"
        "{\"match\":\"ROLE: judge\",\"reply\":\"Status: on track\"},"
        "{\"match\":\"ROLE: value\",\"reply\":[\"sure\",\"no idea\"]}]",
        &fx_clock, &llm, NULL);
  /* The scripted backend is the test double, not under test: it reports a
   * failed pattern compile as a script error. */
  if (st == PLAN_EPARSE)
    st = PLAN_ENOMEM;
  if (st == PLAN_OK) {
    plan_scheduler_options so;
    plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
    so.clock = &fx_clock;
    so.max_attempts = 1;
    st = plan_scheduler_create(llm, &so, &sch, NULL);
  }
  if (st == PLAN_OK) {
    plan__comp_options o;
    plan__comp_options_default(&o);
    o.mode = text ? PLAN__MODE_TEXT : PLAN__MODE_HYBRID;
    o.k = 3;
    o.propose_samples = 4;
    o.value_samples = 2;
    o.w_heuristic = text ? 0 : 1;
    st = plan__comp_set_create(d, &o, &cs, NULL);
  }
  if (st == PLAN_OK) {
    plan__search_options so;
    plan__search_options_default(&so);
    so.algo = PLAN__ALGO_GREEDY;
    so.max_depth = 1;
    st = plan__search_create(&so, &cs->proposer, &cs->world, &cs->goal,
                             &cs->evaluator, sch, NULL, &s, NULL);
  }
  if (st == PLAN_OK)
    st = plan__domain_set_root(d, s);
  if (st == PLAN_OK)
    st = plan__search_run(s);
  if (st != PLAN_OK && st != PLAN_ENOMEM && st != PLAN_EBUDGET)
    fprintf(stderr, "fail_at %zu: %s (%s)\n", fail_at, plan_status_name(st),
            s ? plan__search_errmsg(s) : "");
  ASSERT(st == PLAN_OK || st == PLAN_ENOMEM || st == PLAN_EBUDGET);
  plan__search_free(s);
  plan__comp_set_free(cs);
  plan_scheduler_destroy(sch);
  plan_llm_destroy(llm);
  plan__domain_free(d);
  plan__prompts_free(pr);
}

static void test_oom(void) {
  plan__pb_config *cfg = fx_config();
  plan__pddl_task *task = fx_task(fx_problem1);
  plan_global_cleanup();
  plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
  ASSERT_OK(plan_global_init(&a));
  for (int text = 0; text < 2; text++) {
    fail_at = 0;
    n_alloc = 0;
    live = 0;
    oom_round(cfg, task, text);
    /* What stays is the parsers' compiled patterns, cached until
     * plan_global_cleanup; a second clean run leaves nothing more. */
    size_t base = live;
    n_alloc = 0;
    oom_round(cfg, task, text);
    ASSERT_EQ(live, base);
    size_t total = n_alloc;
    for (fail_at = 1; fail_at <= total; fail_at++) {
      n_alloc = 0;
      oom_round(cfg, task, text);
      ASSERT_EQ(live, base);
    }
    fprintf(stderr, "   oom %s: %zu failure points\n", text ? "text" : "hybrid",
            total);
  }
  fail_at = 0;
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_hybrid_proposals_and_checks);
  RUN(test_list_proposer);
  RUN(test_value_missing);
  RUN(test_logprob_value);
  RUN(test_prune_and_rubrics);
  RUN(test_combined);
  RUN(test_llm_mode);
  RUN(test_failures_and_budget);
  RUN(test_no_scheduler);
  RUN(test_text_mode);
  RUN(test_split_samples);
  RUN(test_oom);
  TEST_END();
}
