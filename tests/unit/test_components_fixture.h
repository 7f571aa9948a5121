/* tests/unit/test_components_fixture.h: shared set-up of the component
 * tests: a Blocksworld task (the repository's domain with small inline
 * problems), the PlanBench Blocksworld config built inline from the same
 * templates as configs/blocksworld.yaml (so the tests need no data outside
 * the repository), a simulated clock, and a scripted LLM with a scheduler.
 */
#ifndef PLAN_TEST_COMPONENTS_FIXTURE_H
#define PLAN_TEST_COMPONENTS_FIXTURE_H

#include "llm/scripted.h"
#include "planner/components/components.h"
#include "test.h"

static uint64_t fx_now;
static inline uint64_t fx_now_fn(void *ud) {
  (void)ud;
  return fx_now;
}
static inline void fx_sleep_fn(void *ud, uint64_t ns) {
  (void)ud;
  fx_now += ns;
}
static const plan_clock fx_clock = {fx_now_fn, fx_sleep_fn, NULL};

static const char *const fx_bw_config_json =
    "{\"instance_dir\":\"blocksworld/generated_basic\","
    "\"domain_file\":\"blocksworld/generated_domain.pddl\","
    "\"domain_name\":\"blocksworld\","
    "\"domain_intro\":\"I am playing with a set of blocks where I need to "
    "arrange the blocks into stacks.\\n\","
    "\"actions\":{\"pick-up\":\"pick up the {}\",\"put-down\":\"put down the "
    "{}\",\"stack\":\"stack the {} on top of the {}\",\"unstack\":\"unstack "
    "the {} from on top of the {}\"},"
    "\"predicates\":{\"ontable\":\"the {} is on the table\",\"clear\":\"the "
    "{} is clear\",\"handempty\":\"the hand is empty\",\"holding\":\"the hand "
    "is currently holding {}\",\"on\":\"the {} is on top of the {}\"},"
    "\"encoded_objects\":{\"a\":\"red block\",\"b\":\"blue block\",\"c\":"
    "\"orange block\",\"d\":\"yellow block\",\"e\":\"white block\",\"f\":"
    "\"magenta block\"}}";

/* instance-1 of PlanBench's generated_basic: b on c, goal c on b. */
static const char *const fx_problem1 =
    "(define (problem BW-rand-4) (:domain blocksworld-4ops)"
    "(:objects a b c d)"
    "(:init (handempty) (ontable a) (on b c) (ontable c) (ontable d)"
    " (clear a) (clear b) (clear d))"
    "(:goal (and (on c b))))";

static inline plan__pb_config *fx_config(void) {
  json_error_t je;
  json_t *doc = json_loads(fx_bw_config_json, 0, &je);
  ASSERT(doc);
  plan__pb_config *cfg = NULL;
  plan_error e;
  ASSERT_OK(plan__pb_config_from_json(doc, "blocksworld", &cfg, &e));
  json_decref(doc);
  return cfg;
}

static inline plan__pddl_task *fx_task(const char *problem) {
  plan__pddl_domain *dom = NULL;
  plan__pddl_problem *prob = NULL;
  plan__pddl_task *task = NULL;
  plan_error e;
  plan_status st = plan__pddl_domain_load(
      PLAN_SOURCE_DIR "/data/pddl/blocksworld/domain.pddl", &dom, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", e.text);
  ASSERT_OK(st);
  ASSERT_OK(plan__pddl_problem_parse(dom, problem, strlen(problem), "problem",
                                     &prob, &e));
  ASSERT_OK(plan__pddl_task_create(dom, prob, &task, &e));
  plan__pddl_problem_free(prob);
  plan__pddl_domain_free(dom);
  return task;
}

static inline plan_llm *fx_script(const char *json) {
  plan_llm *llm = NULL;
  plan_error e;
  plan_status st = plan_llm_scripted_create(json, &fx_clock, &llm, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "script error: %s\n", e.text);
  ASSERT_OK(st);
  return llm;
}

static inline plan_scheduler *fx_sched(plan_llm *llm) {
  plan_scheduler_options o;
  plan_scheduler_options_init(&o, PLAN_SCHEDULER_OPTIONS_VERSION);
  o.clock = &fx_clock;
  o.concurrency = 64;
  o.max_attempts = 1;
  plan_scheduler *s = NULL;
  ASSERT_OK(plan_scheduler_create(llm, &o, &s, NULL));
  return s;
}

/* A search over the given components; one round with greedy and depth 1
 * (root goal test and evaluation, then one expansion) unless opts says
 * otherwise. */
static inline plan__search *fx_search(const plan__search_options *opts,
                                      const plan__comp_set *cs,
                                      plan_scheduler *sch, FILE *trace) {
  plan__search_options o;
  if (opts) {
    o = *opts;
  } else {
    plan__search_options_default(&o);
    o.algo = PLAN__ALGO_GREEDY;
    o.max_depth = 1;
    o.branching = 10;
  }
  plan__search *s = NULL;
  plan_error e;
  plan_status st = plan__search_create(&o, &cs->proposer, &cs->world, &cs->goal,
                                       &cs->evaluator, sch, trace, &s, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "search: %s\n", e.text);
  ASSERT_OK(st);
  return s;
}

/* The child of parent whose action is action, or PLAN__NODE_NONE. */
static inline plan__node_id fx_child(plan__search *s, plan__node_id parent,
                                     const char *action) {
  for (plan__node_id c = plan__search_node(s, parent)->first_child;
       c != PLAN__NODE_NONE; c = plan__search_node(s, c)->next_sibling)
    if (!strcmp(plan__search_node(s, c)->action, action))
      return c;
  return PLAN__NODE_NONE;
}

#endif /* PLAN_TEST_COMPONENTS_FIXTURE_H */
