/* tests/unit/test_agent.c: the plan-act loop (planner/agent.c) on a small
 * graph world (test_agent_fixture.h): effect classes and what goes through
 * the commit barrier, the policies (no-barrier, webdreamer, koh), real
 * probes after the world model was wrong, the environment's refusals and
 * failures (the committed history survives them), oscillation, the
 * whole-run budgets, the overthinking guard and an out-of-memory sweep.
 * The barrier's outcomes have their own file, test_agent_barrier.c. */
#include "test_agent_fixture.h"

/* ---- effect classes --------------------------------------------------------
 * A --look (pure)--> B --right (reversible)--> C --jump (irreversible)--> G,
 * the goal. The model proposes the one way on and predicts it right. */

static const gedge line_edges[] = {
    {"A", "look", "B"}, {"B", "right", "C"}, {"C", "jump", "G"}};
static const geffect line_effects[] = {{"look", PLAN_EFFECT_PURE},
                                       {"jump", PLAN_EFFECT_IRREVERSIBLE}};

static json_t *line_script(void) {
  json_t *r = json_array();
  script_propose(r, "A", "1. look");
  script_propose(r, "B", "1. right");
  script_propose(r, "C", "1. jump");
  script_world(r, "A", "look", "B");
  script_world(r, "B", "right", "C");
  script_world(r, "C", "jump", "G");
  script_value(r, "B", "6");
  script_value(r, "C", "7");
  return r;
}

typedef struct approver {
  unsigned calls;
  bool answer;
  plan_status status;
  char action[64];
  char predicted[64];
  double value;
  bool goal;
  unsigned simulations, agree;
} approver;

static plan_status approve_cb(void *ud, const plan__commit_check *c,
                              bool *approve) {
  approver *a = ud;
  a->calls++;
  snprintf(a->action, sizeof a->action, "%s", c->action);
  snprintf(a->predicted, sizeof a->predicted, "%s", c->predicted);
  a->value = c->value;
  a->goal = c->goal;
  a->simulations = c->simulations;
  a->agree = c->agree;
  *approve = a->answer;
  return a->status;
}

/* Searches of depth 2 never see the goal from A (so no plan is kept and
 * every step has a search of its own): look and right are committed as
 * chosen, the jump only after the barrier's check and the approval. */
static void test_effect_classes(void) {
  rig r;
  rig_init(&r, line_script(), "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(2);
  approver ap = {0, true, PLAN_OK, "", "", 0, false, 0, 0};
  o.approve = approve_cb;
  o.approve_ud = &ap;
  plan__agent_result res;
  plan_error err;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, &err));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_STR_EQ(res.message, "the goal holds (goal test)");
  ASSERT_EQ(res.n_steps, 3);
  static const char *const acts[] = {"look", "right", "jump"};
  static const char *const obs[] = {"B", "C", "G"};
  static const plan__effect effs[] = {
      PLAN__EFFECT_PURE, PLAN__EFFECT_REVERSIBLE, PLAN__EFFECT_IRREVERSIBLE};
  for (size_t i = 0; i < 3; i++) {
    ASSERT_STR_EQ(res.steps[i].action, acts[i]);
    ASSERT_STR_EQ(res.steps[i].observation, obs[i]);
    ASSERT_EQ(res.steps[i].effect, effs[i]);
    ASSERT(res.steps[i].predicted);
    ASSERT(res.steps[i].matched);
    ASSERT(!res.steps[i].refused_by_env);
    ASSERT_EQ(res.steps[i].searches, 1);
    ASSERT_EQ(res.steps[i].refusals, 0);
    ASSERT(res.steps[i].llm_calls > 0);
  }
  /* Only the irreversible jump went through the barrier, and passed. */
  ASSERT_EQ(res.checks, 1);
  ASSERT_EQ(res.refusals, 0);
  ASSERT_EQ(res.irreversible_commits, 1);
  ASSERT_EQ(res.searches, 4); /* one per step and the one that saw G */
  ASSERT_EQ(res.predictions_checked, 3);
  ASSERT_EQ(res.predictions_wrong, 0);
  ASSERT_EQ(res.real_probes, 0);
  ASSERT_EQ(res.env.steps, 3);
  ASSERT_EQ(res.env.irreversible, 1);
  ASSERT_STR_EQ(g.log, "look;right;jump;");
  /* The approval was asked once, about the jump, with the probe's view. */
  ASSERT_EQ(ap.calls, 1);
  ASSERT_STR_EQ(ap.action, "jump");
  ASSERT_STR_EQ(ap.predicted, "G");
  ASSERT(ap.goal);
  ASSERT_NEAR(ap.value, 1.0, 1e-9);
  ASSERT_EQ(ap.simulations, 3);
  ASSERT_EQ(ap.agree, 3);

  /* The trace: one commit_check, with the numbers; three commits. */
  json_t *checks = trace_events(r.trace, "commit_check");
  ASSERT_EQ(json_array_size(checks), 1);
  json_t *c = json_array_get(checks, 0);
  ASSERT_STR_EQ(ev_str(c, "action"), "jump");
  ASSERT_STR_EQ(ev_str(c, "effect"), "irreversible");
  ASSERT_STR_EQ(ev_str(c, "verdict"), "commit");
  ASSERT_EQ(ev_int(c, "step"), 2);
  ASSERT_EQ(ev_int(c, "simulations"), 3);
  ASSERT_EQ(ev_int(c, "votes"), 3);
  ASSERT_EQ(ev_int(c, "agree"), 3);
  ASSERT(ev_bool(c, "goal"));
  ASSERT(ev_bool(c, "pass_agree"));
  ASSERT(ev_bool(c, "pass_value"));
  ASSERT(ev_bool(c, "pass_margin"));
  ASSERT(ev_bool(c, "approved"));
  ASSERT_NEAR(ev_num(c, "value"), 1.0, 1e-9);
  ASSERT_NEAR(ev_num(c, "threshold"), o.threshold, 1e-9);
  ASSERT_NEAR(ev_num(c, "runner_up"), -1.0, 1e-9);
  json_decref(checks);
  json_t *commits = trace_events(r.trace, "commit");
  ASSERT_EQ(json_array_size(commits), 3);
  for (size_t i = 0; i < 3; i++) {
    json_t *e = json_array_get(commits, i);
    ASSERT_STR_EQ(ev_str(e, "action"), acts[i]);
    ASSERT_EQ(ev_int(e, "step"), (long long)i);
    ASSERT(ev_bool(e, "applied"));
  }
  ASSERT_STR_EQ(ev_str(json_array_get(commits, 0), "effect"), "pure");
  ASSERT_STR_EQ(ev_str(json_array_get(commits, 1), "effect"), "reversible");
  ASSERT_STR_EQ(ev_str(json_array_get(commits, 2), "effect"), "irreversible");
  json_decref(commits);
  /* Step searches have the configured depth; the barrier's probe is one
   * greedy round of depth 1. */
  json_t *starts = trace_events(r.trace, "start");
  ASSERT_EQ(json_array_size(starts), 5);
  size_t probes = 0;
  for (size_t i = 0; i < json_array_size(starts); i++) {
    json_t *s = json_array_get(starts, i);
    long long depth = ev_int(json_object_get(s, "options"), "max_depth");
    if (!strcmp(ev_str(s, "algo"), "greedy")) {
      ASSERT_EQ(depth, 1);
      probes++;
    } else {
      ASSERT_STR_EQ(ev_str(s, "algo"), "best-first");
      ASSERT_EQ(depth, 2);
    }
  }
  ASSERT_EQ(probes, 1);
  json_decref(starts);
  json_t *end = trace_events(r.trace, "agent_result");
  ASSERT_EQ(json_array_size(end), 1);
  ASSERT_STR_EQ(ev_str(json_array_get(end, 0), "outcome"), "goal");
  ASSERT_EQ(ev_int(json_array_get(end, 0), "irreversible_commits"), 1);
  json_decref(end);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  ASSERT_EQ(g.destroyed, 1);
  rig_free(&r);
}

/* no-barrier commits the jump like any other action: no check. */
static void test_policy_no_barrier(void) {
  rig r;
  rig_init(&r, line_script(), "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(3);
  o.policy = PLAN__POLICY_NO_BARRIER;
  approver ap = {0, false, PLAN_OK, "", "", 0, false, 0, 0};
  o.approve = approve_cb; /* never asked: no barrier */
  o.approve_ud = &ap;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_STR_EQ(res.steps[2].action, "jump");
  ASSERT_EQ(res.steps[2].effect, PLAN__EFFECT_IRREVERSIBLE);
  ASSERT_EQ(res.checks, 0);
  ASSERT_EQ(res.irreversible_commits, 1);
  ASSERT_EQ(ap.calls, 0);
  ASSERT_STR_EQ(g.log, "look;right;jump;");
  json_t *checks = trace_events(r.trace, "commit_check");
  ASSERT_EQ(json_array_size(checks), 0);
  json_decref(checks);
  json_t *st = trace_events(r.trace, "agent_start");
  ASSERT_EQ(json_array_size(st), 1);
  ASSERT_STR_EQ(ev_str(json_array_get(st, 0), "policy"), "no-barrier");
  ASSERT_STR_EQ(ev_str(json_array_get(st, 0), "env"), "graph");
  json_decref(st);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* With deeper searches the goal plan of the first search is kept and
 * followed while its predictions come true: the reversible right is
 * committed without a search, but the irreversible jump still gets a
 * search of its own and the barrier. */
static void test_plan_follow(void) {
  rig r;
  rig_init(&r, line_script(), "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(4);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_EQ(res.steps[0].searches, 1);
  ASSERT_EQ(res.steps[1].searches, 0); /* followed */
  ASSERT_EQ(res.steps[1].llm_calls, 0);
  ASSERT(res.steps[1].matched);
  ASSERT_EQ(res.steps[2].searches, 1);
  ASSERT_EQ(res.checks, 1);
  ASSERT_EQ(res.searches, 3);
  ASSERT_STR_EQ(g.log, "look;right;jump;");
  json_t *f = trace_events(r.trace, "follow_plan");
  ASSERT_EQ(json_array_size(f), 1);
  ASSERT_STR_EQ(ev_str(json_array_get(f, 0), "action"), "right");
  ASSERT_EQ(ev_int(json_array_get(f, 0), "step"), 1);
  json_decref(f);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* A followed step whose prediction does not come true ends the plan: the
 * next step searches again from what was observed. */
static const gedge surprise_edges[] = {
    {"A", "look", "B"}, {"B", "right", "Cx"}, {"Cx", "right", "G"}};

static void test_plan_follow_surprise(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. look");
  script_propose(s, "B", "1. right");
  script_propose(s, "C", "1. right");
  script_propose(s, "Cx", "1. right");
  script_world(s, "A", "look", "B");
  script_world(s, "B", "right", "C");
  script_world(s, "C", "right", "G");
  script_world(s, "Cx", "right", "G");
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", surprise_edges, PLAN_ARRAY_LEN(surprise_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(4);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_EQ(res.steps[0].searches, 1);
  ASSERT_EQ(res.steps[1].searches, 0); /* followed ... */
  ASSERT(!res.steps[1].matched);       /* ... and surprised */
  ASSERT_STR_EQ(res.steps[1].observation, "Cx");
  ASSERT_EQ(res.steps[2].searches, 1); /* a new search from Cx */
  ASSERT(res.steps[2].matched);
  ASSERT_EQ(res.predictions_wrong, 1);
  ASSERT_EQ(res.searches, 3);
  ASSERT_STR_EQ(g.log, "look;right;right;");
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* An environment that knows its goal ends the run when it says so. */
static void test_env_done(void) {
  rig r;
  rig_init(&r, line_script(), "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  g.done_state = "C";
  plan_env_vtbl vt = genv_vtbl(PLAN_ENV_CAP_DONE);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_STR_EQ(res.message, "the environment reports the goal");
  ASSERT_EQ(res.n_steps, 2);
  ASSERT_EQ(res.searches, 2);
  ASSERT_EQ(res.checks, 0);
  ASSERT_STR_EQ(g.log, "look;right;");
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

static void test_missing_parts(void) {
  rig r;
  rig_init(&r, line_script(), "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_parts p = r.parts;
  p.proposer = NULL;
  plan__agent_result res;
  plan_error err;
  ASSERT_STATUS(plan__agent_run(NULL, &p, env, &res, &err), PLAN_EINVAL);
  ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
  ASSERT_CONTAINS(res.message, "a proposer");
  ASSERT_STR_EQ(err.text, res.message);
  plan__agent_result_free(&res);
  ASSERT_STATUS(plan__agent_run(NULL, &r.parts, NULL, &res, &err), PLAN_EINVAL);
  plan__agent_result_free(&res);
  ASSERT_STATUS(plan__agent_run(NULL, &r.parts, env, NULL, &err), PLAN_EMISUSE);
  ASSERT_EQ(g.n_observe, 0);
  plan_env_destroy(env);
  rig_free(&r);
}

/* ---- policies --------------------------------------------------------------
 * webdreamer: one greedy level per step (each proposed action simulated
 * once and valued), the best committed, no barrier. */
static void test_policy_webdreamer(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. wait\n2. look");
  script_world(s, "A", "wait", "W");
  script_value(s, "W", "2");
  json_t *rest = line_script();
  json_array_extend(s, rest);
  json_decref(rest);
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(6);
  o.policy = PLAN__POLICY_WEBDREAMER;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_STR_EQ(g.log, "look;right;jump;"); /* look (0.6) over wait (0.2) */
  ASSERT_EQ(res.checks, 0);
  ASSERT_EQ(res.irreversible_commits, 1);
  ASSERT_EQ(res.searches, 4);
  for (size_t i = 0; i < 3; i++)
    ASSERT_EQ(res.steps[i].searches, 1); /* no plan is followed */
  /* Every search is one greedy level: one proposal call per step (the
   * last search's root is the goal). */
  json_t *starts = trace_events(r.trace, "start");
  ASSERT_EQ(json_array_size(starts), 4);
  for (size_t i = 0; i < json_array_size(starts); i++) {
    json_t *e = json_array_get(starts, i);
    ASSERT_STR_EQ(ev_str(e, "algo"), "greedy");
    ASSERT_EQ(ev_int(json_object_get(e, "options"), "max_depth"), 1);
  }
  json_decref(starts);
  ASSERT_EQ(trace_llm_calls(r.trace, "propose-list"), 3);
  json_t *results = trace_events(r.trace, "result");
  for (size_t i = 0; i < json_array_size(results); i++)
    ASSERT(ev_int(json_array_get(results, i), "steps") <= 1);
  json_decref(results);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* koh: the search executes every explored action in the environment
 * (snapshots take it back), the irreversible one too; the world model is
 * never asked. */
static const gedge koh_edges[] = {{"A", "right", "B"},
                                  {"A", "left", "Z"},
                                  {"A", "jump", "X"},
                                  {"B", "right", "G"}};
static const geffect koh_effects[] = {{"jump", PLAN_EFFECT_IRREVERSIBLE}};

static void run_koh(unsigned caps) {
  json_t *s = json_array();
  script_propose(s, "A", "1. right\n2. left\n3. jump");
  script_propose(s, "B", "1. right");
  script_value(s, "B", "7");
  script_value(s, "Z", "2");
  script_value(s, "X", "1");
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", koh_edges, PLAN_ARRAY_LEN(koh_edges), koh_effects,
            PLAN_ARRAY_LEN(koh_effects));
  plan_env_vtbl vt = genv_vtbl(caps);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(2);
  o.policy = PLAN__POLICY_KOH;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 2);
  ASSERT_STR_EQ(res.steps[0].action, "right");
  ASSERT_STR_EQ(res.steps[1].action, "right");
  ASSERT_STR_EQ(g.cur, "G");
  /* Explored for real: right, left, jump from A, right from B; then the
   * two commits. */
  ASSERT_EQ(res.real_probes, 4);
  ASSERT(res.env.steps > res.n_steps);
  ASSERT_EQ(res.env.irreversible, 1); /* koh's unsafety, by design */
  ASSERT_EQ(res.irreversible_commits, 0);
  ASSERT_EQ(res.checks, 0);
  if (caps & PLAN_ENV_CAP_SNAPSHOT) {
    ASSERT_EQ(res.env.steps, 6);
    ASSERT_STR_EQ(g.log, "right;left;jump;right;right;right;");
    ASSERT(g.n_restore >= 2);
  } else {
    /* Reset and replay: to A for left and jump, to B (right again) for
     * its child, and back home after the search. */
    ASSERT_STR_EQ(g.log, "right;left;jump;right;right;right;right;");
    ASSERT_EQ(g.n_reset, 4);
  }
  ASSERT_EQ(trace_llm_calls(r.trace, "world"), 0);
  json_t *probes = trace_events(r.trace, "real_probe");
  ASSERT_EQ(json_array_size(probes), 4);
  ASSERT_STR_EQ(ev_str(json_array_get(probes, 2), "action"), "jump");
  ASSERT_STR_EQ(ev_str(json_array_get(probes, 2), "effect"), "irreversible");
  ASSERT(ev_bool(json_array_get(probes, 2), "applicable"));
  json_decref(probes);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

static void test_policy_koh(void) {
  run_koh(PLAN_ENV_CAP_SNAPSHOT);
  run_koh(PLAN_ENV_CAP_RESET);

  /* Without snapshot or reset koh cannot run: a clean PLAN_EINVAL. */
  rig r;
  genv g;
  plan_env_vtbl vt;
  plan_env *env = NULL;
  plan__agent_options o = ag_options(2);
  o.policy = PLAN__POLICY_KOH;
  plan__agent_result res;
  rig_init(&r, line_script(), "G", 1);
  genv_init(&g, "A", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  vt = genv_vtbl(PLAN_ENV_CAP_DONE);
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan_error err;
  ASSERT_STATUS(plan__agent_run(&o, &r.parts, env, &res, &err), PLAN_EINVAL);
  ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
  ASSERT_CONTAINS(res.message, "koh policy needs an environment that can "
                               "snapshot or reset");
  ASSERT_STR_EQ(err.text, res.message);
  ASSERT_EQ(res.n_steps, 0);
  ASSERT_EQ(res.env.steps, 0);
  ASSERT_EQ(g.n_exec, 0);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* ---- real probes -----------------------------------------------------------
 * R0 --step--> R1 --step--> R2 --step--> R3 (the goal); the model thinks
 * every step leads to the hall. After two wrong predictions the schema is
 * distrusted and the next search tries the step for real, then puts the
 * environment back (snapshot, or reset and replay of the committed steps). */
static const gedge room_edges[] = {
    {"R0", "step", "R1"}, {"R1", "step", "R2"}, {"R2", "step", "R3"}};

static void run_real_probes(unsigned caps) {
  json_t *s = json_array();
  const char *rooms[] = {"R0", "R1", "R2", "R3"};
  for (size_t i = 0; i < 3; i++) {
    script_propose(s, rooms[i], "1. step");
    script_world(s, rooms[i], "step", "hall");
  }
  rig r;
  rig_init(&r, s, "R3", 1);
  genv g;
  genv_init(&g, "R0", room_edges, PLAN_ARRAY_LEN(room_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(caps);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT(!res.steps[0].matched);
  ASSERT(!res.steps[1].matched);
  ASSERT(res.steps[2].matched); /* the probe saw R3 */
  ASSERT_EQ(res.predictions_checked, 3);
  ASSERT_EQ(res.predictions_wrong, 2);
  ASSERT_EQ(res.n_trust, 1);
  ASSERT_STR_EQ(res.trust[0].schema, "step");
  ASSERT_EQ(res.trust[0].checked, 3);
  ASSERT_EQ(res.trust[0].wrong, 2);
  ASSERT_EQ(res.real_probes, 1);
  /* The committed history is intact: the observations and the
   * environment's state are the three real steps. */
  ASSERT_STR_EQ(res.steps[0].observation, "R1");
  ASSERT_STR_EQ(res.steps[1].observation, "R2");
  ASSERT_STR_EQ(res.steps[2].observation, "R3");
  ASSERT_STR_EQ(g.cur, "R3");
  if (caps & PLAN_ENV_CAP_SNAPSHOT) {
    ASSERT_STR_EQ(g.log, "step;step;step;step;");
    ASSERT(g.n_restore >= 1);
    ASSERT_EQ(g.n_reset, 0);
  } else {
    /* The probe, then reset and the two committed steps replayed. */
    ASSERT_STR_EQ(g.log, "step;step;step;step;step;step;");
    ASSERT_EQ(g.n_reset, 1);
  }
  /* The world model was asked about the first two steps only. */
  ASSERT_EQ(trace_llm_calls(r.trace, "world"), 2);
  json_t *p = trace_events(r.trace, "real_probe");
  ASSERT_EQ(json_array_size(p), 1);
  ASSERT_STR_EQ(ev_str(json_array_get(p, 0), "action"), "step");
  ASSERT_STR_EQ(ev_str(json_array_get(p, 0), "effect"), "reversible");
  ASSERT(ev_bool(json_array_get(p, 0), "applicable"));
  json_decref(p);
  json_t *fid = trace_events(r.trace, "fidelity");
  ASSERT_EQ(json_array_size(fid), 3);
  ASSERT(!ev_bool(json_array_get(fid, 1), "matched"));
  ASSERT_EQ(ev_int(json_array_get(fid, 1), "wrong"), 2);
  ASSERT(ev_bool(json_array_get(fid, 2), "matched"));
  json_decref(fid);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

static void test_real_probes(void) {
  run_real_probes(PLAN_ENV_CAP_SNAPSHOT);
  run_real_probes(PLAN_ENV_CAP_RESET);
}

/* A real probe the environment refuses prunes the action from the search
 * (it is no step of the run); the other way is taken. */
static const gedge probe_refused_edges[] = {
    {"R0", "step", "R1"}, {"R1", "step", "R2"}, {"R2", "hop", "R3"}};

static void test_real_probe_refused(void) {
  json_t *s = json_array();
  script_propose(s, "R0", "1. step");
  script_propose(s, "R1", "1. step");
  script_propose(s, "R2", "1. step\n2. hop");
  script_world(s, "R0", "step", "hall");
  script_world(s, "R1", "step", "hall");
  script_world(s, "R2", "step", "hall");
  script_world(s, "R2", "hop", "R3");
  script_value(s, "hall", "8");
  rig r;
  rig_init(&r, s, "R3", 1);
  genv g;
  genv_init(&g, "R0", probe_refused_edges, PLAN_ARRAY_LEN(probe_refused_edges),
            NULL, 0);
  plan_env_vtbl vt = genv_vtbl(PLAN_ENV_CAP_SNAPSHOT);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_STR_EQ(res.steps[2].action, "hop");
  for (size_t i = 0; i < res.n_steps; i++)
    ASSERT(!res.steps[i].refused_by_env);
  ASSERT_EQ(res.real_probes, 1);
  ASSERT_EQ(res.env.refused, 1);
  ASSERT_STR_EQ(g.log, "step;step;!step;hop;");
  ASSERT_STR_EQ(g.cur, "R3");
  json_t *p = trace_events(r.trace, "real_probe");
  ASSERT_EQ(json_array_size(p), 1);
  ASSERT(!ev_bool(json_array_get(p, 0), "applicable"));
  json_decref(p);
  json_t *pr = trace_events(r.trace, "prune");
  bool seen = false;
  for (size_t i = 0; i < json_array_size(pr); i++) {
    const char *why = ev_str(json_array_get(pr, i), "reason");
    seen |= why && !strcmp(why, "inapplicable in the environment");
  }
  ASSERT(seen);
  json_decref(pr);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* The environment fails during a real probe, or cannot be brought back
 * after one: the run ends with the failure, the committed steps kept. */
static void test_real_probe_failures(void) {
  for (int kind = 0; kind < 2; kind++) {
    json_t *s = json_array();
    const char *rooms[] = {"R0", "R1", "R2"};
    for (size_t i = 0; i < 3; i++) {
      script_propose(s, rooms[i], "1. step");
      script_world(s, rooms[i], "step", "hall");
    }
    rig r;
    rig_init(&r, s, "R3", 1);
    genv g;
    genv_init(&g, "R0", room_edges, PLAN_ARRAY_LEN(room_edges), NULL, 0);
    if (kind == 0) {
      g.fail_exec_at = 3; /* the probe */
      g.fail_exec_status = PLAN_EIO;
      g.fail_exec_msg = "motor jammed";
    } else {
      g.fail_restore_status = PLAN_EIO;
    }
    plan_env_vtbl vt = genv_vtbl(PLAN_ENV_CAP_SNAPSHOT);
    plan_env *env = NULL;
    ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
    plan__agent_options o = ag_options(1);
    plan__agent_result res;
    plan_error err;
    ASSERT_STATUS(plan__agent_run(&o, &r.parts, env, &res, &err), PLAN_EIO);
    ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
    ASSERT_EQ(err.code, PLAN_EIO);
    ASSERT_EQ(res.n_steps, 2);
    ASSERT_STR_EQ(res.steps[1].observation, "R2");
    ASSERT_EQ(res.real_probes, 1);
    if (kind == 0) {
      ASSERT_CONTAINS(res.message, "env graph: motor jammed");
      /* Brought back to the last committed state. */
      ASSERT_STR_EQ(g.cur, "R2");
    } else {
      ASSERT_CONTAINS(res.message, "cannot bring the environment back to the "
                                   "current state");
      ASSERT_CONTAINS(res.message, "snapshot store is gone");
    }
    plan__agent_result_free(&res);
    plan_env_destroy(env);
    rig_free(&r);
  }
}

/* Without real_probes (or an environment that cannot undo) the model's
 * wrong predictions are all the search has. */
static void test_real_probes_off(void) {
  json_t *s = json_array();
  const char *rooms[] = {"R0", "R1", "R2"};
  for (size_t i = 0; i < 3; i++) {
    script_propose(s, rooms[i], "1. step");
    script_world(s, rooms[i], "step", "hall");
  }
  rig r;
  rig_init(&r, s, "R3", 1);
  genv g;
  genv_init(&g, "R0", room_edges, PLAN_ARRAY_LEN(room_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(PLAN_ENV_CAP_SNAPSHOT);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  o.real_probes = false;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.real_probes, 0);
  ASSERT_EQ(res.predictions_wrong, 3);
  ASSERT_STR_EQ(g.log, "step;step;step;");
  ASSERT_EQ(g.n_snapshot, 0);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* ---- the environment -------------------------------------------------------
 * A refusal (PLAN_ENOTFOUND) is a step of its own, and the action is not
 * proposed for commit in that state again. */
static const gedge push_edges[] = {{"A", "right", "B"}, {"B", "right", "G"}};

static void test_env_refusal(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. push\n2. right");
  script_propose(s, "B", "1. right");
  script_world(s, "A", "push", "P");
  script_world(s, "A", "right", "B");
  script_world(s, "B", "right", "G");
  script_value(s, "P", "9");
  script_value(s, "B", "6");
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", push_edges, PLAN_ARRAY_LEN(push_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_STR_EQ(res.steps[0].action, "push");
  ASSERT(res.steps[0].refused_by_env);
  ASSERT(res.steps[0].observation == NULL);
  ASSERT(!res.steps[0].matched);
  ASSERT_STR_EQ(res.steps[1].action, "right");
  ASSERT(!res.steps[1].refused_by_env);
  ASSERT_STR_EQ(res.steps[1].observation, "B");
  ASSERT_STR_EQ(res.steps[2].action, "right");
  ASSERT_STR_EQ(g.log, "!push;right;right;");
  ASSERT_EQ(g.n_refused, 1);
  ASSERT_EQ(res.env.refused, 1);
  ASSERT_EQ(res.env.steps, 2);
  /* The second search in A still ranked push first; it was passed over. */
  json_t *d = trace_events(r.trace, "decision");
  ASSERT_EQ(json_array_size(d), 3);
  json_t *fa = json_object_get(json_array_get(d, 1), "first_actions");
  for (size_t i = 0; i < json_array_size(fa); i++)
    ASSERT(strcmp(ev_str(json_array_get(fa, i), "action"), "push") != 0);
  json_decref(d);
  json_t *c = trace_events(r.trace, "commit");
  ASSERT_EQ(json_array_size(c), 3);
  ASSERT(!ev_bool(json_array_get(c, 0), "applied"));
  ASSERT(ev_bool(json_array_get(c, 1), "applied"));
  json_decref(c);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* A failure of the environment mid-run ends the run with its status and
 * message; what was committed before stays in the result. */
static const gedge long_edges[] = {{"A", "right", "B"},
                                   {"B", "right", "C"},
                                   {"C", "right", "D"},
                                   {"D", "right", "G"}};

static json_t *long_script(void) {
  json_t *s = json_array();
  const char *st[] = {"A", "B", "C", "D"};
  const char *to[] = {"B", "C", "D", "G"};
  for (size_t i = 0; i < 4; i++) {
    script_propose(s, st[i], "1. right");
    script_world(s, st[i], "right", to[i]);
  }
  return s;
}

static void test_env_failure(void) {
  for (int kind = 0; kind < 3; kind++) {
    rig r;
    rig_init(&r, long_script(), "G", 1);
    genv g;
    gedge bad[PLAN_ARRAY_LEN(long_edges)];
    memcpy(bad, long_edges, sizeof bad);
    genv_init(&g, "A", bad, PLAN_ARRAY_LEN(bad), NULL, 0);
    if (kind == 0) {
      g.fail_exec_at = 2;
      g.fail_exec_status = PLAN_EIO;
      g.fail_exec_msg = "motor jammed";
    } else if (kind == 1) {
      g.fail_observe_at = 2;
      g.fail_observe_status = PLAN_ETIMEOUT;
      g.fail_observe_msg = "no answer within 5 s";
    } else {
      bad[1].to = " \n"; /* B --right--> an observation with no state */
    }
    plan_env_vtbl vt = genv_vtbl(0);
    plan_env *env = NULL;
    ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
    plan__agent_options o = ag_options(1);
    plan__agent_result res;
    plan_error err;
    plan_status st = plan__agent_run(&o, &r.parts, env, &res, &err);
    ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
    ASSERT_STR_EQ(err.text, res.message);
    ASSERT_STR_EQ(res.steps[0].action, "right");
    ASSERT_STR_EQ(res.steps[0].observation, "B");
    if (kind == 0) {
      ASSERT_STATUS(st, PLAN_EIO);
      ASSERT_STR_EQ(res.message, "env graph: motor jammed");
      ASSERT_EQ(res.n_steps, 1);
      ASSERT_EQ(res.env.failures, 1);
    } else if (kind == 1) {
      ASSERT_STATUS(st, PLAN_ETIMEOUT);
      ASSERT_STR_EQ(res.message, "env graph: no answer within 5 s");
      ASSERT_EQ(res.n_steps, 1);
    } else {
      /* The step happened (it is recorded), but its observation cannot be
       * read as a state. */
      ASSERT_STATUS(st, PLAN_EPARSE);
      ASSERT_CONTAINS(res.message, "the observation after right cannot be "
                                   "read as a state");
      ASSERT_EQ(res.n_steps, 2);
      ASSERT_STR_EQ(res.steps[1].observation, " \n");
    }
    ASSERT_EQ(err.code, st);
    json_t *e = trace_events(r.trace, "agent_result");
    ASSERT_EQ(json_array_size(e), 1);
    ASSERT_STR_EQ(ev_str(json_array_get(e, 0), "outcome"), "error");
    ASSERT_EQ(ev_int(json_array_get(e, 0), "steps"), (long long)res.n_steps);
    json_decref(e);
    plan__agent_result_free(&res);
    plan_env_destroy(env);
    rig_free(&r);
  }
}

/* ---- how runs end ----------------------------------------------------------
 * Back and forth between A and B: each state reached a fourth time. */
static const gedge osc_edges[] = {{"A", "right", "B"}, {"B", "left", "A"}};

static void test_oscillation(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. right");
  script_propose(s, "B", "1. left");
  script_world(s, "A", "right", "B");
  script_world(s, "B", "left", "A");
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", osc_edges, PLAN_ARRAY_LEN(osc_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_OSCILLATING);
  ASSERT_STR_EQ(res.message, "the same state was reached 4 times: the agent "
                             "is going in circles");
  ASSERT_EQ(res.n_steps, 6);
  ASSERT_STR_EQ(g.log, "right;left;right;left;right;left;");
  plan__agent_result_free(&res);
  /* max_revisits 1: the second visit of A is one too many. */
  o.max_revisits = 1;
  genv_init(&g, "A", osc_edges, PLAN_ARRAY_LEN(osc_edges), NULL, 0);
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_OSCILLATING);
  ASSERT_EQ(res.n_steps, 2);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* A way back to a state reached twice already goes behind the others: from
 * A the third time, down (0.3) is taken over right (0.8) into B, reached
 * twice, and the agent gets out of the loop. */
static const gedge escape_edges[] = {{"A", "right", "B"},
                                     {"B", "left", "A"},
                                     {"A", "down", "D"},
                                     {"D", "on", "G"}};

static void test_oscillation_escape(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. right\n2. down");
  script_propose(s, "B", "1. left");
  script_propose(s, "D", "1. on");
  script_world(s, "A", "right", "B");
  script_world(s, "A", "down", "D");
  script_world(s, "B", "left", "A");
  script_world(s, "D", "on", "G");
  script_value(s, "B", "8");
  script_value(s, "D", "3");
  rig r;
  rig_init(&r, s, "G", 1);
  genv g;
  genv_init(&g, "A", escape_edges, PLAN_ARRAY_LEN(escape_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_STR_EQ(g.log, "right;left;right;left;down;on;");
  ASSERT_EQ(res.n_steps, 6);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

static void test_budgets(void) {
  /* max_steps: two actions, then STEPS. */
  rig r;
  rig_init(&r, long_script(), "G", 1);
  genv g;
  genv_init(&g, "A", long_edges, PLAN_ARRAY_LEN(long_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(1);
  o.max_steps = 2;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_STEPS);
  ASSERT_STR_EQ(res.message, "2 actions committed without reaching the goal");
  ASSERT_EQ(res.n_steps, 2);
  ASSERT_STR_EQ(g.cur, "C");
  /* One step's search: the root's value, the proposal, the prediction and
   * the child's value. */
  ASSERT_EQ(res.llm_calls, 8);
  ASSERT_EQ(res.steps[0].llm_calls, 4);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);

  /* The whole run's LLM calls, checked between steps: 4 after the first
   * step are under 6, 8 after the second are not, so no third. */
  rig_init(&r, long_script(), "G", 1);
  genv_init(&g, "A", long_edges, PLAN_ARRAY_LEN(long_edges), NULL, 0);
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  o = ag_options(1);
  o.max_llm_calls = 6;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_BUDGET);
  ASSERT_STR_EQ(res.message, "a whole-run budget ran out");
  ASSERT_EQ(res.n_steps, 2);
  ASSERT_EQ(res.llm_calls, 8);
  ASSERT_STR_EQ(g.cur, "C");
  json_t *e = trace_events(r.trace, "agent_result");
  ASSERT_STR_EQ(ev_str(json_array_get(e, 0), "outcome"), "budget");
  ASSERT_EQ(ev_int(json_array_get(e, 0), "llm_calls"), 8);
  json_decref(e);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);

  /* The whole run's tokens: one step's worth is too many. */
  rig_init(&r, long_script(), "G", 1);
  genv_init(&g, "A", long_edges, PLAN_ARRAY_LEN(long_edges), NULL, 0);
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  o = ag_options(1);
  o.max_tokens = 10;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_BUDGET);
  ASSERT_EQ(res.n_steps, 1);
  ASSERT(res.tokens >= 10);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
}

/* ---- the overthinking guard ------------------------------------------------
 * From S, good (0.9) is far ahead of bad (0.1) after one round; without the
 * guard the search goes on down the good branch. */
static const gedge settle_edges[] = {{"S", "good", "G1"}, {"S", "bad", "B1"}};

static json_t *settle_script(void) {
  json_t *s = json_array();
  script_propose(s, "S", "1. good\n2. bad");
  script_world(s, "S", "good", "G1");
  script_world(s, "S", "bad", "B1");
  script_value(s, "G1", "9");
  script_value(s, "B1", "1");
  const char *chain[] = {"G1", "G2", "G3", "G4"};
  for (size_t i = 0; i + 1 < PLAN_ARRAY_LEN(chain); i++) {
    script_propose(s, chain[i], "1. on");
    script_world(s, chain[i], "on", chain[i + 1]);
    script_value(s, chain[i + 1], "9");
  }
  return s;
}

static uint64_t run_settle(double margin, bool *settled) {
  rig r;
  rig_init(&r, settle_script(), "GOAL", 1);
  genv g;
  genv_init(&g, "S", settle_edges, PLAN_ARRAY_LEN(settle_edges), NULL, 0);
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  ASSERT_OK(plan_env_custom_create(&vt, &g, &env, NULL));
  plan__agent_options o = ag_options(4);
  o.search.settle_margin = margin;
  o.max_steps = 1;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &r.parts, env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_STEPS);
  ASSERT_EQ(res.n_steps, 1);
  ASSERT_STR_EQ(res.steps[0].action, "good");
  json_t *results = trace_events(r.trace, "result");
  ASSERT_EQ(json_array_size(results), 1);
  *settled = !strcmp(ev_str(json_array_get(results, 0), "stop"), "settled");
  json_decref(results);
  uint64_t calls = res.llm_calls;
  ASSERT_EQ(calls, res.steps[0].llm_calls);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  rig_free(&r);
  return calls;
}

static void test_settle(void) {
  bool settled = false;
  uint64_t with = run_settle(0.3, &settled);
  ASSERT(settled);
  uint64_t without = run_settle(0, &settled);
  ASSERT(!settled);
  /* One round (root value, proposal, two predictions, two values) against
   * the whole good branch. */
  ASSERT_EQ(with, 6);
  ASSERT(without > with);
}

/* ---- out of memory ---------------------------------------------------------
 * Every allocation of a barrier run from B (components, environment, the
 * loop, its searches, the reversible right, the jump's probe, the trace)
 * fails in turn. A failure inside
 * the scheduler or the backend is a failed request, which the components
 * count as data, so a run may end in another outcome; every other failure
 * is PLAN_ENOMEM with the outcome ERROR and a message, and nothing leaks. */
TEST_COUNTING_ALLOCATOR()

static char *oom_script;
static size_t oom_failures;

static void oom_run(void) {
  /* The script is parsed with no failing allocation: jansson 2.14's lexer
   * asserts when a buffer cannot grow inside a string (akheron/jansson
   * issue 362), and the scripted backend is the test double anyway. */
  size_t keep = fail_at;
  fail_at = 0;
  plan_llm *llm = NULL;
  plan_status st = plan_llm_scripted_create(oom_script, &ag_clock, &llm, NULL);
  fail_at = keep;
  ASSERT_OK(st);
  rig r;
  st = rig_make(&r, llm, "G", 1, true);
  if (st != PLAN_OK) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    oom_failures++;
    return;
  }
  genv g;
  genv_init(&g, "B", line_edges, PLAN_ARRAY_LEN(line_edges), line_effects,
            PLAN_ARRAY_LEN(line_effects));
  plan_env_vtbl vt = genv_vtbl(0);
  plan_env *env = NULL;
  plan_error err;
  st = plan_env_custom_create(&vt, &g, &env, &err);
  if (st != PLAN_OK) {
    ASSERT_STATUS(st, PLAN_ENOMEM);
    ASSERT(env == NULL);
    oom_failures++;
    rig_free(&r);
    return;
  }
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  st = plan__agent_run(&o, &r.parts, env, &res, &err);
  if (st != PLAN_OK) {
    if (st != PLAN_ENOMEM)
      fprintf(stderr, "fail_at %zu: %s (%s)\n", fail_at, plan_status_name(st),
              res.message);
    ASSERT_STATUS(st, PLAN_ENOMEM);
    if (res.outcome != PLAN__AGENT_ERROR)
      fprintf(stderr, "fail_at %zu: outcome %s, message \"%s\", err \"%s\"\n",
              fail_at, plan__agent_outcome_name(res.outcome), res.message,
              err.text);
    ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
    ASSERT(res.message[0] != '\0');
    ASSERT_EQ(err.code, PLAN_ENOMEM);
    oom_failures++;
  } else {
    ASSERT(res.outcome != PLAN__AGENT_ERROR && res.outcome != PLAN__AGENT_NONE);
  }
  if (fail_at == 0) { /* the clean runs: right, then the jump, checked */
    ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
    ASSERT_EQ(res.n_steps, 2);
    ASSERT_EQ(res.checks, 1);
    ASSERT_EQ(res.irreversible_commits, 1);
  }
  /* Whatever happened, the result holds what was committed. */
  ASSERT(res.n_steps <= 2);
  for (size_t i = 0; i < res.n_steps; i++)
    ASSERT(res.steps[i].action != NULL);
  plan__agent_result_free(&res);
  plan_env_destroy(env);
  ASSERT_EQ(g.destroyed, 1);
  rig_free(&r);
}

static void test_oom(void) {
  oom_script = script_text(line_script());
  plan_global_cleanup();
  plan_allocator a = {cnt_malloc, cnt_realloc, cnt_free, NULL};
  ASSERT_OK(plan_global_init(&a));
  fail_at = 0;
  n_alloc = 0;
  live = 0;
  oom_run();
  /* What stays is the parsers' compiled patterns, cached until
   * plan_global_cleanup; a second clean run leaves nothing more. */
  size_t base = live;
  n_alloc = 0;
  oom_run();
  ASSERT_EQ(live, base);
  size_t total = n_alloc;
  for (fail_at = 1; fail_at <= total; fail_at++) {
    n_alloc = 0;
    oom_run();
    ASSERT_EQ(live, base);
  }
  fprintf(stderr, "   oom: %zu allocations, %zu reported failures\n", total,
          oom_failures);
  ASSERT(oom_failures > 0);
  fail_at = 0;
  plan_global_cleanup();
  ASSERT_OK(plan_global_init(NULL));
  free(oom_script);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_effect_classes);
  RUN(test_policy_no_barrier);
  RUN(test_plan_follow);
  RUN(test_plan_follow_surprise);
  RUN(test_env_done);
  RUN(test_missing_parts);
  RUN(test_policy_webdreamer);
  RUN(test_policy_koh);
  RUN(test_real_probes);
  RUN(test_real_probe_refused);
  RUN(test_real_probe_failures);
  RUN(test_real_probes_off);
  RUN(test_env_refusal);
  RUN(test_env_failure);
  RUN(test_oscillation);
  RUN(test_oscillation_escape);
  RUN(test_budgets);
  RUN(test_settle);
  RUN(test_oom);
  TEST_END();
}
