/* tests/unit/test_env_pddl.c: environments inside the library
 * (worldmodel/env): the PDDL environment over Blocksworld (with the
 * PlanBench config, so actions in words work) and over a tiny one-way
 * road map (dead-end tracking and plan__pddl_goal_reachable), the generic
 * wrapper's counters, capabilities and messages, user environments made
 * with plan_env_custom_create, and an out-of-memory sweep. */
#include "test.h"
#include "test_components_fixture.h"
#include "worldmodel/env/env.h"

/* Roads go both ways between l1 and l2 and on from l2 to the goal l4; the
 * bridge from l1 to l3 is one-way and l3 has no way out. */
static const char *const oneway_domain =
    "(define (domain oneway) (:requirements :strips :typing)"
    " (:types loc)"
    " (:predicates (at ?l - loc) (road ?a ?b - loc) (bridge ?a ?b - loc))"
    " (:action walk :parameters (?a ?b - loc)"
    "  :precondition (and (at ?a) (road ?a ?b))"
    "  :effect (and (at ?b) (not (at ?a))))"
    " (:action cross :parameters (?a ?b - loc)"
    "  :precondition (and (at ?a) (bridge ?a ?b))"
    "  :effect (and (at ?b) (not (at ?a)))))";

static const char *const oneway_problem =
    "(define (problem trip) (:domain oneway)"
    " (:objects l1 l2 l3 l4 - loc)"
    " (:init (at l1) (road l1 l2) (road l2 l1) (road l2 l4) (bridge l1 l3))"
    " (:goal (at l4)))";

static plan__pddl_task *oneway_task(void) {
  plan__pddl_domain *dom = NULL;
  plan__pddl_problem *prob = NULL;
  plan__pddl_task *task = NULL;
  plan_error e;
  ASSERT_OK(plan__pddl_domain_parse(oneway_domain, strlen(oneway_domain),
                                    "oneway", &dom, &e));
  ASSERT_OK(plan__pddl_problem_parse(
      dom, oneway_problem, strlen(oneway_problem), "trip", &prob, &e));
  ASSERT_OK(plan__pddl_task_create(dom, prob, &task, &e));
  plan__pddl_problem_free(prob);
  plan__pddl_domain_free(dom);
  return task;
}

static const char *const oneway_schemas[] = {"walk", "CROSS"};
static const plan__effect oneway_effects[] = {PLAN__EFFECT_REVERSIBLE,
                                              PLAN__EFFECT_IRREVERSIBLE};

static plan__pddl_env_options oneway_options(void) {
  plan__pddl_env_options o;
  memset(&o, 0, sizeof o);
  o.schemas = oneway_schemas;
  o.effects = oneway_effects;
  o.n_schemas = 2;
  o.default_effect = PLAN__EFFECT_PURE;
  o.snapshots = true;
  o.reset = true;
  o.track_dead_ends = true;
  return o;
}

static plan_env *make_env(const plan__pddl_task *task,
                          const plan__pb_config *cfg,
                          const plan__pddl_env_options *o) {
  plan_env *env = NULL;
  plan_error e;
  plan_status st = plan__pddl_env_create(task, cfg, o, &env, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", e.text);
  ASSERT_OK(st);
  return env;
}

/* ---- the PDDL environment over Blocksworld ----------------------------- */

static void test_observe_and_execute(void) {
  plan__pb_config *cfg = fx_config();
  plan__pddl_task *task = fx_task(fx_problem1);
  plan__pddl_env_options o;
  memset(&o, 0, sizeof o);
  o.default_effect = PLAN__EFFECT_REVERSIBLE;
  plan_env *env = make_env(task, cfg, &o);
  ASSERT_STR_EQ(plan__env_describe(env), "pddl bw-rand-4");

  /* The observation is the components' text of the state. */
  plan__buf want, got;
  plan__buf_init(&want, 0);
  plan__buf_init(&got, 0);
  ASSERT_OK(plan__pddl_text_state(cfg, task, task->init, &want));
  plan_error e;
  ASSERT_OK(plan__env_observe(env, &got, &e));
  ASSERT_STR_EQ(got.data, want.data);
  ASSERT_CONTAINS(got.data, "the hand is empty");

  /* Actions in the config's words and in PDDL. */
  ASSERT_OK(plan__env_execute(
      env, "unstack the blue block from on top of the orange block", &got, &e));
  ASSERT_CONTAINS(got.data, "the hand is currently holding blue block");
  ASSERT_OK(plan__env_execute(env, "(PUT-DOWN  b)", &got, &e));
  ASSERT_CONTAINS(got.data, "the hand is empty");
  bool done = true;
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(!done);

  /* The public calls see the same world. */
  const char *obs = NULL;
  ASSERT_OK(plan_env_execute(env, "pick-up c", &obs, &e));
  ASSERT_CONTAINS(obs, "holding orange block");
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_CONTAINS(obs, "holding orange block");
  ASSERT_OK(plan_env_execute(env, "(stack c b)", &obs, &e));
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(done);
  plan__pddl_env_stats ps;
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT(ps.at_goal);
  ASSERT(ps.goal_reachable);
  ASSERT_EQ(ps.dead_end_commits, 0);

  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.steps, 4);
  ASSERT_EQ(s.observes, 2);
  ASSERT_EQ(s.refused, 0);
  ASSERT_EQ(s.irreversible, 0);
  ASSERT_EQ(s.failures, 0);

  /* Without snapshots or reset the wrapper says so (not an env error). */
  uint64_t id = 7;
  ASSERT_STATUS(plan__env_snapshot(env, &id, &e), PLAN_ENOTSUP);
  ASSERT_EQ(id, 0);
  ASSERT_CONTAINS(e.text, "env pddl bw-rand-4: cannot snapshot");
  ASSERT_STATUS(plan__env_restore(env, 1, &e), PLAN_ENOTSUP);
  ASSERT_STATUS(plan__env_reset(env, &e), PLAN_ENOTSUP);
  ASSERT_EQ(plan__env_caps(env), PLAN_ENV_CAP_DONE);
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.failures, 0);

  plan__buf_free(&want);
  plan__buf_free(&got);
  plan_env_destroy(env);
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
}

static void test_inapplicable(void) {
  plan__pb_config *cfg = fx_config();
  plan__pddl_task *task = fx_task(fx_problem1);
  plan_env *env = make_env(task, cfg, NULL);
  const uint64_t *state = plan__pddl_env_state(env);
  ASSERT(state);
  ASSERT(!memcmp(state, task->init, task->n_words * sizeof *state));
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_error e;

  /* A false precondition is named. */
  ASSERT_STATUS(plan__env_execute(env, "(stack a d)", &b, &e), PLAN_ENOTFOUND);
  ASSERT_EQ(e.code, PLAN_ENOTFOUND);
  ASSERT_STR_EQ(e.text, "env pddl bw-rand-4: (stack a d) is not applicable: "
                        "precondition (holding a) is false");
  ASSERT(!memcmp(plan__pddl_env_state(env), task->init,
                 task->n_words * sizeof *state));
  /* No such action at all, and a schema with the wrong objects. */
  ASSERT_STATUS(plan__env_execute(env, "(fly a)", &b, &e), PLAN_ENOTFOUND);
  ASSERT_CONTAINS(e.text, "unknown action \"(fly a)\"");
  ASSERT_STATUS(plan__env_execute(env, "(stack a z)", &b, &e), PLAN_ENOTFOUND);
  ASSERT_CONTAINS(e.text, "\"(stack a z)\" is no ground action");
  ASSERT_STATUS(plan__env_execute(env, "", &b, &e), PLAN_ENOTFOUND);
  const char *obs = "x";
  ASSERT_STATUS(plan_env_execute(env, "dance", &obs, &e), PLAN_ENOTFOUND);
  ASSERT(obs == NULL);
  ASSERT(!memcmp(plan__pddl_env_state(env), task->init,
                 task->n_words * sizeof *state));

  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.refused, 5);
  ASSERT_EQ(s.steps, 0);
  ASSERT_EQ(s.failures, 0);

  /* Misuse. */
  ASSERT_STATUS(plan__env_execute(NULL, "(pick-up a)", &b, &e), PLAN_EMISUSE);
  ASSERT_STATUS(plan__env_execute(env, NULL, &b, &e), PLAN_EMISUSE);
  ASSERT_STATUS(plan__env_observe(env, NULL, &e), PLAN_EMISUSE);
  ASSERT_STATUS(plan_env_observe(NULL, &obs, NULL), PLAN_EMISUSE);
  ASSERT_STATUS(plan_env_observe(env, NULL, NULL), PLAN_EMISUSE);
  ASSERT_STATUS(plan_env_execute(env, "(pick-up a)", NULL, NULL), PLAN_EMISUSE);
  ASSERT_EQ(plan_env_effect(NULL, "(pick-up a)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT(plan__pddl_env_state(NULL) == NULL);
  plan__pddl_env_stats ps;
  ASSERT(!plan__pddl_env_stats_get(NULL, &ps));
  plan_env_destroy(NULL);

  plan__buf_free(&b);
  plan_env_destroy(env);
  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
}

static void test_effects(void) {
  plan__pb_config *cfg = fx_config();
  plan__pddl_task *task = fx_task(fx_problem1);
  static const char *const names[] = {"pick-up", "stack"};
  static const plan__effect classes[] = {PLAN__EFFECT_PURE,
                                         PLAN__EFFECT_IRREVERSIBLE};
  plan__pddl_env_options o;
  memset(&o, 0, sizeof o);
  o.schemas = names;
  o.effects = classes;
  o.n_schemas = 2;
  o.default_effect = PLAN__EFFECT_REVERSIBLE;
  plan_env *env = make_env(task, cfg, &o);
  ASSERT_EQ(plan_env_effect(env, "(pick-up a)"), PLAN_EFFECT_PURE);
  ASSERT_EQ(plan_env_effect(env, "pick up the red block"), PLAN_EFFECT_PURE);
  ASSERT_EQ(plan_env_effect(env, "(stack a b)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(unstack b c)"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(put-down a)"), PLAN_EFFECT_REVERSIBLE);
  /* Not a ground action but a known schema: the schema's class; not even
   * that: irreversible. */
  ASSERT_EQ(plan_env_effect(env, "(stack a z)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(unstack z y)"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(fly)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, NULL), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan__env_effect(env, "(pick-up a)"), PLAN__EFFECT_PURE);

  /* Irreversible actions executed are counted. */
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_error e;
  ASSERT_OK(plan__env_execute(env, "(pick-up a)", &b, &e));
  ASSERT_OK(plan__env_execute(env, "(stack a d)", &b, &e));
  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.steps, 2);
  ASSERT_EQ(s.irreversible, 1);
  plan__buf_free(&b);
  plan_env_destroy(env);

  /* A schema the domain does not have. */
  static const char *const bad[] = {"pick-up", "teleport"};
  o.schemas = bad;
  plan_env *none = (plan_env *)&o;
  ASSERT_STATUS(plan__pddl_env_create(task, cfg, &o, &none, &e), PLAN_EINVAL);
  ASSERT(none == NULL);
  ASSERT_CONTAINS(e.text, "\"teleport\"");
  o.schemas = NULL;
  ASSERT_STATUS(plan__pddl_env_create(task, cfg, &o, &none, &e), PLAN_EINVAL);
  ASSERT_STATUS(plan__pddl_env_create(NULL, cfg, &o, &none, &e), PLAN_EMISUSE);

  ASSERT_STR_EQ(plan_effect_name(PLAN_EFFECT_PURE), "pure");
  ASSERT_STR_EQ(plan_effect_name(PLAN_EFFECT_REVERSIBLE), "reversible");
  ASSERT_STR_EQ(plan_effect_name(PLAN_EFFECT_IRREVERSIBLE), "irreversible");
  ASSERT_STR_EQ(plan_effect_name((plan_effect)9), "?");
  plan_effect pe = PLAN_EFFECT_PURE;
  ASSERT_OK(plan_effect_parse("irreversible", &pe));
  ASSERT_EQ(pe, PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_OK(plan_effect_parse("reversible", &pe));
  ASSERT_EQ(pe, PLAN_EFFECT_REVERSIBLE);
  ASSERT_STATUS(plan_effect_parse("Pure", &pe), PLAN_EINVAL);
  ASSERT_STATUS(plan_effect_parse(NULL, &pe), PLAN_EINVAL);
  ASSERT_EQ(pe, PLAN_EFFECT_REVERSIBLE);

  plan__pddl_task_free(task);
  plan__pb_config_free(cfg);
}

static void test_snapshot_restore_reset(void) {
  plan__pddl_task *task = fx_task(fx_problem1);
  plan__pddl_env_options o;
  memset(&o, 0, sizeof o);
  o.default_effect = PLAN__EFFECT_REVERSIBLE;
  o.snapshots = true;
  o.reset = true;
  plan_env *env = make_env(task, NULL, &o); /* no config: PDDL atoms */
  ASSERT_EQ(plan__env_caps(env),
            PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET | PLAN_ENV_CAP_DONE);
  plan__buf b, at1;
  plan__buf_init(&b, 0);
  plan__buf_init(&at1, 0);
  plan_error e;
  ASSERT_OK(plan__env_observe(env, &b, &e));
  ASSERT_CONTAINS(b.data, "(handempty)");
  ASSERT_CONTAINS(b.data, "(on b c)");

  uint64_t s1 = 0, s2 = 0;
  ASSERT_OK(plan__env_snapshot(env, &s1, &e));
  ASSERT_EQ(s1, 1);
  ASSERT_OK(plan__env_execute(env, "(unstack b c)", &at1, &e));
  ASSERT_CONTAINS(at1.data, "(holding b)");
  ASSERT_OK(plan__env_snapshot(env, &s2, &e));
  ASSERT_EQ(s2, 2);
  ASSERT_OK(plan__env_execute(env, "(put-down b)", &b, &e));

  ASSERT_OK(plan__env_restore(env, s2, &e));
  ASSERT_OK(plan__env_observe(env, &b, &e));
  ASSERT_STR_EQ(b.data, at1.data);
  ASSERT_OK(plan__env_restore(env, s1, &e));
  ASSERT(!memcmp(plan__pddl_env_state(env), task->init,
                 task->n_words * sizeof *task->init));
  ASSERT_STATUS(plan__env_restore(env, 3, &e), PLAN_ENOTFOUND);
  ASSERT_STR_EQ(e.text, "env pddl bw-rand-4: no snapshot 3");
  ASSERT_STATUS(plan__env_restore(env, 0, &e), PLAN_ENOTFOUND);

  ASSERT_OK(plan__env_execute(env, "(unstack b c)", &b, &e));
  ASSERT_OK(plan__env_reset(env, &e));
  ASSERT(!memcmp(plan__pddl_env_state(env), task->init,
                 task->n_words * sizeof *task->init));

  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.snapshots, 2);
  ASSERT_EQ(s.restores, 2);
  ASSERT_EQ(s.resets, 1);
  ASSERT_EQ(s.failures, 2);
  ASSERT_EQ(s.steps, 3);

  plan__buf_free(&b);
  plan__buf_free(&at1);
  plan_env_destroy(env);
  plan__pddl_task_free(task);
}

/* ---- dead ends ----------------------------------------------------------- */

static void test_goal_reachable(void) {
  plan__pddl_task *task = oneway_task();
  uint64_t *s = calloc(task->n_words, sizeof *s);
  bool yes = false;
  ASSERT_OK(plan__pddl_goal_reachable(task, task->init, 0, &yes));
  ASSERT(yes);
  /* Across the bridge there is no way back. */
  long cross = plan__pddl_action_lookup(task, "(cross l1 l3)");
  ASSERT(cross >= 0);
  plan__pddl_apply(task, task->init, (size_t)cross, s);
  ASSERT_OK(plan__pddl_goal_reachable(task, s, 0, &yes));
  ASSERT(!yes);
  /* The goal itself is reachable (in no steps). */
  long walk = plan__pddl_action_lookup(task, "(walk l1 l2)");
  long on = plan__pddl_action_lookup(task, "(walk l2 l4)");
  plan__pddl_apply(task, task->init, (size_t)walk, s);
  plan__pddl_apply(task, s, (size_t)on, s);
  ASSERT(plan__pddl_goal_reached(task, s));
  ASSERT_OK(plan__pddl_goal_reachable(task, s, 1, &yes));
  ASSERT(yes);
  /* A cap too small to decide: unknown counts as reachable. */
  yes = false;
  ASSERT_STATUS(plan__pddl_goal_reachable(task, task->init, 2, &yes),
                PLAN_EBUDGET);
  ASSERT(yes);
  free(s);
  plan__pddl_task_free(task);

  /* Blocksworld: the 4-block problem's reachable states are searched. */
  plan__pddl_task *bw = fx_task(fx_problem1);
  ASSERT_OK(plan__pddl_goal_reachable(bw, bw->init, 0, &yes));
  ASSERT(yes);
  plan__pddl_task_free(bw);
}

static void test_dead_end_tracking(void) {
  plan__pddl_task *task = oneway_task();
  plan__pddl_env_options o = oneway_options();
  plan_env *env = make_env(task, NULL, &o);
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_error e;
  plan__pddl_env_stats ps;
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT(ps.goal_reachable);
  ASSERT(!ps.at_goal);

  ASSERT_EQ(plan_env_effect(env, "(walk l1 l2)"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "(cross l1 l3)"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_OK(plan__env_execute(env, "(walk l1 l2)", &b, &e));
  ASSERT_STR_EQ(b.data, "(at l2), (bridge l1 l3), (road l1 l2), (road l2 l1) "
                        "and (road l2 l4)");
  ASSERT_OK(plan__env_execute(env, "(walk l2 l1)", &b, &e));
  uint64_t before = 0;
  ASSERT_OK(plan__env_snapshot(env, &before, &e));
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT_EQ(ps.dead_end_commits, 0);

  /* The one-way bridge loses the goal. */
  ASSERT_OK(plan__env_execute(env, "(cross l1 l3)", &b, &e));
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT_EQ(ps.dead_end_commits, 1);
  ASSERT(!ps.goal_reachable);
  ASSERT_STATUS(plan__env_execute(env, "(walk l3 l1)", &b, &e), PLAN_ENOTFOUND);
  ASSERT_CONTAINS(e.text, "is no ground action");

  /* Back before the bridge (a snapshot remembers reachability), then to
   * the goal. */
  ASSERT_OK(plan__env_restore(env, before, &e));
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT(ps.goal_reachable);
  ASSERT_STATUS(plan__env_execute(env, "(walk l2 l4)", &b, &e), PLAN_ENOTFOUND);
  ASSERT_STR_EQ(e.text, "env pddl trip: (walk l2 l4) is not applicable: "
                        "precondition (at l2) is false");
  ASSERT_OK(plan__env_execute(env, "(walk l1 l2)", &b, &e));
  ASSERT_OK(plan__env_execute(env, "(walk l2 l4)", &b, &e));
  bool done = false;
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(done);
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT(ps.at_goal);
  ASSERT_EQ(ps.dead_end_commits, 1);

  /* After a reset the bridge counts again. */
  ASSERT_OK(plan__env_reset(env, &e));
  ASSERT_OK(plan__env_execute(env, "(cross l1 l3)", &b, &e));
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  ASSERT_EQ(ps.dead_end_commits, 2);
  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.irreversible, 2);

  plan__buf_free(&b);
  plan_env_destroy(env);
  plan__pddl_task_free(task);
}

/* ---- user environments ----------------------------------------------------
 */

typedef struct counter {
  int n;
  int destroyed;
  plan_state_buf *kept; /* a buffer kept past its call (misuse) */
} counter;

static plan_status ctr_observe(void *self, plan_state_buf *out,
                               plan_error *err) {
  counter *c = self;
  (void)err;
  char text[32];
  int len = snprintf(text, sizeof text, "n=%d", c->n);
  c->kept = out;
  return plan_state_buf_append(out, text, (size_t)len);
}

static plan_status ctr_execute(void *self, const char *action,
                               plan_state_buf *out, plan_error *err) {
  counter *c = self;
  if (!strcmp(action, "inc")) {
    c->n++;
    return ctr_observe(self, out, err);
  }
  if (!strcmp(action, "boom"))
    return PLAN_EIO; /* no message: the wrapper writes one */
  if (!strcmp(action, "weird"))
    return (plan_status)999;
  if (!strcmp(action, "big")) {
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    plan_status st = PLAN_OK;
    for (int i = 0; i < 300 && st == PLAN_OK; i++) /* 19 MiB > 16 MiB */
      st = plan_state_buf_append(out, block, sizeof block);
    return PLAN_OK; /* ignores the failure: the wrapper sees it */
  }
  snprintf(err->text, sizeof err->text, "cannot %s", action);
  return PLAN_ENOTFOUND;
}

static plan_status ctr_effect(void *self, const char *action, plan_effect *out,
                              plan_error *err) {
  (void)self;
  (void)err;
  if (!strcmp(action, "inc")) {
    *out = PLAN_EFFECT_REVERSIBLE;
    return PLAN_OK;
  }
  if (!strcmp(action, "odd")) {
    *out = (plan_effect)42;
    return PLAN_OK;
  }
  *out = PLAN_EFFECT_PURE;
  return PLAN_EIO; /* a failure: irreversible whatever *out says */
}

static plan_status ctr_done(void *self, bool *out, plan_error *err) {
  (void)err;
  *out = ((counter *)self)->n >= 2;
  return PLAN_OK;
}

static void ctr_destroy(void *self) {
  ((counter *)self)->destroyed++;
}

static const char *ctr_describe(void *self) {
  (void)self;
  return "counter#1";
}

static void test_custom_env(void) {
  counter c = {0, 0, NULL};
  plan_env_vtbl vt = {PLAN_ENV_ABI_VERSION,
                      "counter",
                      PLAN_ENV_CAP_DONE,
                      ctr_observe,
                      ctr_execute,
                      ctr_effect,
                      NULL,
                      NULL,
                      NULL,
                      ctr_done,
                      ctr_destroy,
                      ctr_describe};
  plan_env *env = NULL;
  plan_error e;

  /* Validation. */
  ASSERT_STATUS(plan_env_custom_create(NULL, &c, &env, &e), PLAN_EINVAL);
  ASSERT_STATUS(plan_env_custom_create(&vt, &c, NULL, &e), PLAN_EMISUSE);
  plan_env_vtbl bad = vt;
  bad.abi_version = 0;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "abi_version 0");
  bad.abi_version = PLAN_ENV_ABI_VERSION + 1;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  bad = vt;
  bad.observe = NULL;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "env counter: observe and execute are required");
  bad = vt;
  bad.execute = NULL;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  bad = vt;
  bad.caps |= PLAN_ENV_CAP_SNAPSHOT;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  ASSERT_CONTAINS(e.text, "PLAN_ENV_CAP_SNAPSHOT");
  bad = vt;
  bad.caps |= PLAN_ENV_CAP_RESET;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  bad = vt;
  bad.done = NULL;
  ASSERT_STATUS(plan_env_custom_create(&bad, &c, &env, &e), PLAN_EINVAL);
  ASSERT(env == NULL);
  ASSERT_EQ(c.destroyed, 0); /* a failed create never calls back */

  ASSERT_OK(plan_env_custom_create(&vt, &c, &env, &e));
  ASSERT_STR_EQ(plan__env_describe(env), "counter#1");
  const char *obs = NULL;
  ASSERT_OK(plan_env_observe(env, &obs, &e));
  ASSERT_STR_EQ(obs, "n=0");
  /* The buffer is only valid during the call. */
  ASSERT_STATUS(plan_state_buf_append(c.kept, "x", 1), PLAN_EMISUSE);
  ASSERT_OK(plan_env_execute(env, "inc", &obs, &e));
  ASSERT_STR_EQ(obs, "n=1");
  ASSERT_STATUS(plan_env_execute(env, "fly", &obs, &e), PLAN_ENOTFOUND);
  ASSERT_STR_EQ(e.text, "env counter#1: cannot fly");
  ASSERT_STATUS(plan_env_execute(env, "boom", &obs, &e), PLAN_EIO);
  ASSERT_STR_EQ(e.text, "env counter#1: execute failed: input/output error");
  ASSERT_STATUS(plan_env_execute(env, "weird", &obs, &e), PLAN_EINTERNAL);
  ASSERT_STATUS(plan_env_execute(env, "big", &obs, &e), PLAN_EBUDGET);
  ASSERT_CONTAINS(e.text, "env counter#1: the observation is longer than");

  ASSERT_EQ(plan_env_effect(env, "inc"), PLAN_EFFECT_REVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "look"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_EQ(plan_env_effect(env, "odd"), PLAN_EFFECT_IRREVERSIBLE);

  bool done = true;
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(!done);
  ASSERT_OK(plan_env_execute(env, "inc", &obs, &e));
  ASSERT_OK(plan__env_done(env, &done, &e));
  ASSERT(done);
  uint64_t id = 0;
  ASSERT_STATUS(plan__env_snapshot(env, &id, &e), PLAN_ENOTSUP);
  ASSERT_STR_EQ(e.text, "env counter#1: cannot snapshot (the environment "
                        "does not support it)");
  ASSERT_STATUS(plan__env_reset(env, &e), PLAN_ENOTSUP);

  plan__env_stats s;
  plan__env_stats_get(env, &s);
  ASSERT_EQ(s.steps, 3); /* inc, big (ran; its observation failed), inc */
  ASSERT_EQ(s.refused, 1);
  ASSERT_EQ(s.failures, 3);
  ASSERT_EQ(s.irreversible, 1); /* big: effect failed -> irreversible */
  ASSERT_EQ(s.observes, 1);
  plan_env_destroy(env);
  ASSERT_EQ(c.destroyed, 1);

  /* No effect callback, no describe, no destroy: defaults. */
  plan_env_vtbl min = {PLAN_ENV_ABI_VERSION,
                       NULL,
                       0,
                       ctr_observe,
                       ctr_execute,
                       NULL,
                       NULL,
                       NULL,
                       NULL,
                       NULL,
                       NULL,
                       NULL};
  ASSERT_OK(plan_env_custom_create(&min, &c, &env, &e));
  ASSERT_EQ(plan_env_effect(env, "inc"), PLAN_EFFECT_IRREVERSIBLE);
  ASSERT_STATUS(plan_env_execute(env, "boom", &obs, &e), PLAN_EIO);
  ASSERT_STR_EQ(e.text, "env custom: execute failed: input/output error");
  ASSERT_STATUS(plan__env_done(env, &done, &e), PLAN_ENOTSUP);
  plan_env_destroy(env);
}

/* ---- out of memory ---------------------------------------------------------
 */

TEST_COUNTING_ALLOCATOR()

static plan__pddl_task *oom_task;

/* One life of a dead-end-tracking environment; true when it met an
 * allocation failure (always PLAN_ENOMEM, and it went on where it can). */
static bool oom_scenario(void) {
  plan__pddl_env_options o = oneway_options();
  plan_env *env = NULL;
  plan_error e;
  plan_status st = plan__pddl_env_create(oom_task, NULL, &o, &env, &e);
  if (st != PLAN_OK) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    ASSERT(env == NULL);
    return true;
  }
  bool failed = false;
  plan__buf b;
  plan__buf_init(&b, 0);
  static const char *const steps[] = {"(walk l1 l2)", "(walk l2 l1)",
                                      "(cross l1 l3)"};
  uint64_t id = 0;
  st = plan__env_snapshot(env, &id, &e);
  failed |= st != PLAN_OK;
  ASSERT(st == PLAN_OK || st == PLAN_ENOMEM);
  for (size_t i = 0; i < PLAN_ARRAY_LEN(steps); i++) {
    st = plan__env_execute(env, steps[i], &b, &e);
    /* A step after a failed one may find the walker elsewhere. */
    ASSERT(st == PLAN_OK || st == PLAN_ENOMEM ||
           (failed && st == PLAN_ENOTFOUND));
    failed |= st != PLAN_OK;
  }
  st = plan__env_observe(env, &b, &e);
  failed |= st != PLAN_OK;
  ASSERT(st == PLAN_OK || st == PLAN_ENOMEM);
  const char *obs = NULL;
  st = plan_env_observe(env, &obs, &e);
  failed |= st != PLAN_OK;
  ASSERT(st == PLAN_OK || st == PLAN_ENOMEM);
  if (id) {
    st = plan__env_restore(env, id, &e);
    ASSERT_OK(st);
  }
  plan__pddl_env_stats ps;
  ASSERT(plan__pddl_env_stats_get(env, &ps));
  plan__buf_free(&b);
  plan_env_destroy(env);
  return failed;
}

static void test_oom(void) {
  oom_task = oneway_task();
  oom_loop(oom_scenario);
  plan__pddl_task_free(oom_task);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_observe_and_execute);
  RUN(test_inapplicable);
  RUN(test_effects);
  RUN(test_snapshot_restore_reset);
  RUN(test_goal_reachable);
  RUN(test_dead_end_tracking);
  RUN(test_custom_env);
  RUN(test_oom);
  TEST_END();
}
