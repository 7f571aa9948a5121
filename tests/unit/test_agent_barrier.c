/* tests/unit/test_agent_barrier.c: the commit barrier of the agent loop
 * (planner/agent.c) on the graph world of test_agent_fixture.h, one test
 * per outcome: the simulations disagree (the loop then takes another way,
 * or stops refused), no simulation predicts a state, the predicted value is
 * below the threshold, the action is not clearly ahead of the runner-up,
 * the approval says no or fails, and a distrusted schema gets twice the
 * simulations. Each checks the result's counters and the "commit_check"
 * trace events with their numbers. */
#include <math.h>

#include "test_agent_fixture.h"

/* The run's commit_check events (a new array), and the only one. */
static json_t *checks_of(rig *r, size_t want) {
  json_t *c = trace_events(r->trace, "commit_check");
  ASSERT_EQ(json_array_size(c), want);
  return c;
}

typedef struct world {
  rig r;
  genv g;
  plan_env_vtbl vt;
  plan_env *env;
} world;

static void world_open(world *w, json_t *script, const char *goal,
                       unsigned value_samples, const char *init,
                       const gedge *edges, size_t n_edges,
                       const geffect *effects, size_t n_effects,
                       unsigned caps) {
  rig_init(&w->r, script, goal, value_samples);
  genv_init(&w->g, init, edges, n_edges, effects, n_effects);
  w->vt = genv_vtbl(caps);
  w->env = NULL;
  ASSERT_OK(plan_env_custom_create(&w->vt, &w->g, &w->env, NULL));
}

static void world_close(world *w) {
  plan_env_destroy(w->env);
  ASSERT_EQ(w->g.destroyed, 1);
  rig_free(&w->r);
}

/* ---- the simulations disagree ----------------------------------------------
 * From S the model likes the irreversible jump best (0.9), but each of its
 * predictions of the jump is different (X1, X2, X3 in turn); walk (0.6)
 * leads on to T and the goal. */
static const gedge fork_edges[] = {
    {"S", "jump", "X1"}, {"S", "walk", "T"}, {"T", "go", "G"}};
static const geffect jump_irreversible[] = {{"jump", PLAN_EFFECT_IRREVERSIBLE}};

static json_t *fork_script(bool walk) {
  json_t *s = json_array();
  script_propose(s, "S", walk ? "1. jump\n2. walk" : "1. jump");
  static const char *const xs[] = {"X1", "X2", "X3"};
  script_world_n(s, "S", "jump", xs, 3);
  script_value(s, "X1", "9");
  script_value(s, "X2", "9");
  script_value(s, "X3", "9");
  if (walk) {
    script_world(s, "S", "walk", "T");
    script_value(s, "T", "6");
    script_propose(s, "T", "1. go");
    script_world(s, "T", "go", "G");
  }
  return s;
}

static void test_disagree_other_way(void) {
  world w;
  world_open(&w, fork_script(true), "G", 1, "S", fork_edges,
             PLAN_ARRAY_LEN(fork_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 2);
  ASSERT_STR_EQ(res.steps[0].action, "walk");
  ASSERT_EQ(res.steps[0].refusals, 1); /* the jump, refused first */
  ASSERT_EQ(res.steps[0].searches, 1);
  ASSERT_STR_EQ(res.steps[1].action, "go");
  ASSERT_EQ(res.refusals, 1);
  ASSERT_EQ(res.checks, 1);
  ASSERT_EQ(res.irreversible_commits, 0);
  ASSERT_EQ(res.env.irreversible, 0);
  ASSERT_STR_EQ(w.g.log, "walk;go;");
  json_t *c = checks_of(&w.r, 1);
  json_t *e = json_array_get(c, 0);
  ASSERT_STR_EQ(ev_str(e, "action"), "jump");
  ASSERT_STR_EQ(ev_str(e, "verdict"), "the simulations disagree");
  ASSERT_EQ(ev_int(e, "step"), 0);
  ASSERT_EQ(ev_int(e, "simulations"), 3);
  ASSERT_EQ(ev_int(e, "votes"), 3);
  ASSERT_EQ(ev_int(e, "agree"), 1);
  ASSERT(!ev_bool(e, "pass_agree"));
  ASSERT(!ev_bool(e, "goal"));
  ASSERT_NEAR(ev_num(e, "plan_value"), 0.9, 1e-9);
  ASSERT_NEAR(ev_num(e, "runner_up"), 0.6, 1e-9);
  ASSERT(json_object_get(e, "approved") == NULL); /* never asked */
  json_decref(c);
  /* The refused jump is still the first in the step's decision. */
  json_t *d = trace_events(w.r.trace, "decision");
  json_t *fa = json_object_get(json_array_get(d, 0), "first_actions");
  ASSERT_EQ(json_array_size(fa), 2);
  ASSERT_STR_EQ(ev_str(json_array_get(fa, 0), "action"), "jump");
  ASSERT_STR_EQ(ev_str(json_array_get(fa, 1), "action"), "walk");
  json_decref(d);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* With no other way the loop searches again (the jump is refused a second
 * time, then left out) and stops refused, naming the action and why. */
static void test_disagree_refused(void) {
  world w;
  world_open(&w, fork_script(false), "G", 1, "S", fork_edges,
             PLAN_ARRAY_LEN(fork_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  plan_error err;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, &err));
  ASSERT_EQ(res.outcome, PLAN__AGENT_REFUSED);
  ASSERT_CONTAINS(res.message, "the barrier refused every way forward");
  ASSERT_CONTAINS(res.message, "(last: jump: the simulations disagree)");
  ASSERT_EQ(res.n_steps, 0);
  ASSERT_EQ(res.refusals, 2);
  ASSERT_EQ(res.checks, 2);
  ASSERT_EQ(res.searches, o.max_refusals + 1);
  ASSERT_EQ(res.env.steps, 0);
  ASSERT_EQ(w.g.n_exec, 0);
  json_t *c = checks_of(&w.r, 2);
  for (size_t i = 0; i < 2; i++) {
    json_t *e = json_array_get(c, i);
    ASSERT_STR_EQ(ev_str(e, "verdict"), "the simulations disagree");
    ASSERT_EQ(ev_int(e, "agree"), 1);
    ASSERT_NEAR(ev_num(e, "runner_up"), -1, 1e-9);
  }
  json_decref(c);
  json_t *end = trace_events(w.r.trace, "agent_result");
  ASSERT_STR_EQ(ev_str(json_array_get(end, 0), "outcome"), "refused");
  ASSERT_STR_EQ(ev_str(json_array_get(end, 0), "message"), res.message);
  json_decref(end);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* The model predicts the jump once for the search, but none of the
 * barrier's predictions can be read. */
static void test_no_prediction(void) {
  json_t *s = json_array();
  script_propose(s, "S", "1. jump");
  char re[] = "^\\[ROLE: world\\][\\s\\S]*\\[ACTION\\]\\njump\\n";
  json_array_append_new(s,
                        json_pack("{s:s, s:[s, s, s, s]}", "match", re, "reply",
                                  "Resulting State: J", " ", " ", " "));
  script_value(s, "J", "9");
  world w;
  world_open(&w, s, "G", 1, "S", fork_edges, PLAN_ARRAY_LEN(fork_edges),
             jump_irreversible, PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  o.max_refusals = 0; /* stop after the first refusal */
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_REFUSED);
  ASSERT_CONTAINS(res.message, "jump: no simulation predicted a state");
  ASSERT_EQ(res.searches, 1);
  json_t *c = checks_of(&w.r, 1);
  json_t *e = json_array_get(c, 0);
  ASSERT_STR_EQ(ev_str(e, "verdict"), "no simulation predicted a state");
  ASSERT_EQ(ev_int(e, "votes"), 0);
  ASSERT(!ev_bool(e, "pass_agree"));
  json_decref(c);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* ---- the value -------------------------------------------------------------
 * The jump's predicted state L scores 1/10 twice (no spread): below the
 * threshold. */
static void test_value_below_threshold(void) {
  json_t *s = json_array();
  script_propose(s, "S", "1. jump");
  script_world(s, "S", "jump", "L");
  script_value(s, "L", "1");
  world w;
  world_open(&w, s, "G", 2, "S", fork_edges, PLAN_ARRAY_LEN(fork_edges),
             jump_irreversible, PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_REFUSED);
  ASSERT_CONTAINS(res.message, "(last: jump: the predicted state's value "
                               "is below the threshold)");
  ASSERT_EQ(res.refusals, 2);
  ASSERT_EQ(res.n_steps, 0);
  ASSERT_EQ(w.g.n_exec, 0);
  json_t *c = checks_of(&w.r, 2);
  json_t *e = json_array_get(c, 0);
  ASSERT_STR_EQ(ev_str(e, "verdict"),
                "the predicted state's value is below the threshold");
  ASSERT(ev_bool(e, "pass_agree"));
  ASSERT_EQ(ev_int(e, "agree"), 3);
  ASSERT(!ev_bool(e, "pass_value"));
  ASSERT(ev_bool(e, "pass_margin"));
  ASSERT_NEAR(ev_num(e, "value"), 0.1, 1e-9);
  ASSERT_NEAR(ev_num(e, "value_se"), 0, 1e-9);
  ASSERT_EQ(ev_int(e, "value_samples"), 2);
  ASSERT_NEAR(ev_num(e, "threshold"), o.threshold, 1e-9);
  json_decref(c);
  plan__agent_result_free(&res);

  /* A threshold of 0.05 lets the same jump through. */
  world_close(&w);
  s = json_array();
  script_propose(s, "S", "1. jump");
  script_world(s, "S", "jump", "L");
  script_value(s, "L", "1");
  world_open(&w, s, "G", 2, "S", fork_edges, PLAN_ARRAY_LEN(fork_edges),
             jump_irreversible, PLAN_ARRAY_LEN(jump_irreversible), 0);
  o.threshold = 0.05;
  o.max_steps = 1;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_STEPS);
  ASSERT_EQ(res.checks, 1);
  ASSERT_EQ(res.refusals, 0);
  ASSERT_EQ(res.irreversible_commits, 1);
  ASSERT_STR_EQ(w.g.log, "jump;");
  plan__agent_result_free(&res);
  world_close(&w);
}

/* ---- the margin ------------------------------------------------------------
 * jump's plan is worth 0.6 with a large spread (scores 10 and 2), walk's
 * 0.55 (6 and 5): too close to commit something irreversible. The probe
 * scores the jump's state 9 and 9, so the value check passes. walk is
 * taken instead; W is a dead end, so the next step is stuck. */
static const gedge margin_edges[] = {{"S", "jump", "J"}, {"S", "walk", "W"}};

static json_t *margin_script(void) {
  json_t *s = json_array();
  script_propose(s, "S", "1. jump\n2. walk");
  script_world(s, "S", "jump", "J");
  script_world(s, "S", "walk", "W");
  static const char *const j[] = {"10", "2", "9", "9"};
  script_value_n(s, "J", j, 4);
  static const char *const wv[] = {"6", "5"};
  script_value_n(s, "W", wv, 2);
  return s;
}

static void test_margin(void) {
  world w;
  world_open(&w, margin_script(), "G", 2, "S", margin_edges,
             PLAN_ARRAY_LEN(margin_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_STUCK);
  ASSERT_STR_EQ(res.message,
                "no applicable action was found from the current state");
  ASSERT_EQ(res.n_steps, 1);
  ASSERT_STR_EQ(res.steps[0].action, "walk");
  ASSERT_EQ(res.steps[0].refusals, 1);
  ASSERT_EQ(res.refusals, 1);
  ASSERT_STR_EQ(w.g.log, "walk;");
  json_t *c = checks_of(&w.r, 1);
  json_t *e = json_array_get(c, 0);
  ASSERT_STR_EQ(ev_str(e, "verdict"), "not clearly ahead of the runner-up");
  ASSERT(ev_bool(e, "pass_agree"));
  ASSERT(ev_bool(e, "pass_value"));
  ASSERT(!ev_bool(e, "pass_margin"));
  ASSERT_NEAR(ev_num(e, "value"), 0.9, 1e-9);
  ASSERT_NEAR(ev_num(e, "plan_value"), 0.6, 1e-9);
  ASSERT_NEAR(ev_num(e, "runner_up"), 0.55, 1e-9);
  /* The spread (standard deviation) of (1.0, 0.2) is 0.4, of (0.6, 0.5)
   * 0.05; each over the square root of its two samples, combined:
   * sqrt(0.08 + 0.00125) = 0.285 > 0.6 - 0.55. */
  ASSERT_NEAR(ev_num(e, "margin"), sqrt(0.08 + 0.00125), 1e-6);
  json_decref(c);
  plan__agent_result_free(&res);
  world_close(&w);

  /* margin_z 0: the lead is enough, and the jump is committed. */
  world_open(&w, margin_script(), "G", 2, "S", margin_edges,
             PLAN_ARRAY_LEN(margin_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  o.margin_z = 0;
  o.max_steps = 1;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_STEPS);
  ASSERT_STR_EQ(res.steps[0].action, "jump");
  ASSERT_EQ(res.irreversible_commits, 1);
  c = checks_of(&w.r, 1);
  ASSERT_STR_EQ(ev_str(json_array_get(c, 0), "verdict"), "commit");
  ASSERT_NEAR(ev_num(json_array_get(c, 0), "margin"), 0, 1e-12);
  json_decref(c);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* ---- approval --------------------------------------------------------------
 * A --right--> C --jump--> G: the jump passes every check, then asks. */
static const gedge approve_edges[] = {{"A", "right", "C"}, {"C", "jump", "G"}};

static json_t *approve_script(void) {
  json_t *s = json_array();
  script_propose(s, "A", "1. right");
  script_propose(s, "C", "1. jump");
  script_world(s, "A", "right", "C");
  script_world(s, "C", "jump", "G");
  return s;
}

typedef struct approver {
  unsigned calls;
  bool answer;
  plan_status status;
  char action[32];
  char state[32];
  char predicted[32];
  bool goal, pass_agree, pass_value, pass_margin;
} approver;

static plan_status approve_cb(void *ud, const plan__commit_check *c,
                              bool *approve) {
  approver *a = ud;
  a->calls++;
  snprintf(a->action, sizeof a->action, "%s", c->action);
  snprintf(a->state, sizeof a->state, "%s", c->state);
  snprintf(a->predicted, sizeof a->predicted, "%s", c->predicted);
  a->goal = c->goal;
  a->pass_agree = c->pass_agree;
  a->pass_value = c->pass_value;
  a->pass_margin = c->pass_margin;
  ASSERT(c->verdict == NULL); /* not decided yet */
  ASSERT_EQ(c->effect, PLAN__EFFECT_IRREVERSIBLE);
  *approve = a->answer;
  return a->status;
}

static void test_not_approved(void) {
  world w;
  world_open(&w, approve_script(), "G", 1, "A", approve_edges,
             PLAN_ARRAY_LEN(approve_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  approver ap;
  memset(&ap, 0, sizeof ap);
  ap.answer = false;
  ap.status = PLAN_OK;
  o.approve = approve_cb;
  o.approve_ud = &ap;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_REFUSED);
  ASSERT_CONTAINS(res.message, "(last: jump: not approved)");
  ASSERT_EQ(res.n_steps, 1); /* right, which needed no approval */
  ASSERT_EQ(ap.calls, 2);
  ASSERT_STR_EQ(ap.action, "jump");
  ASSERT_STR_EQ(ap.state, "C");
  ASSERT_STR_EQ(ap.predicted, "G");
  ASSERT(ap.goal && ap.pass_agree && ap.pass_value && ap.pass_margin);
  ASSERT_STR_EQ(w.g.log, "right;");
  json_t *c = checks_of(&w.r, 2);
  for (size_t i = 0; i < 2; i++) {
    json_t *e = json_array_get(c, i);
    ASSERT_STR_EQ(ev_str(e, "verdict"), "not approved");
    ASSERT(!ev_bool(e, "approved"));
    ASSERT_EQ(ev_int(e, "step"), 1);
  }
  json_decref(c);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* An approval that fails stops the run with its status; the step before it
 * stays committed. */
static void test_approval_error(void) {
  world w;
  world_open(&w, approve_script(), "G", 1, "A", approve_edges,
             PLAN_ARRAY_LEN(approve_edges), jump_irreversible,
             PLAN_ARRAY_LEN(jump_irreversible), 0);
  plan__agent_options o = ag_options(1);
  approver ap;
  memset(&ap, 0, sizeof ap);
  ap.answer = true;
  ap.status = PLAN_ECANCELED;
  o.approve = approve_cb;
  o.approve_ud = &ap;
  plan__agent_result res;
  plan_error err;
  ASSERT_STATUS(plan__agent_run(&o, &w.r.parts, w.env, &res, &err),
                PLAN_ECANCELED);
  ASSERT_EQ(res.outcome, PLAN__AGENT_ERROR);
  ASSERT_CONTAINS(res.message, "the approval callback failed");
  ASSERT_EQ(err.code, PLAN_ECANCELED);
  ASSERT_EQ(ap.calls, 1);
  ASSERT_EQ(res.n_steps, 1);
  ASSERT_STR_EQ(res.steps[0].action, "right");
  ASSERT_STR_EQ(res.steps[0].observation, "C");
  ASSERT_STR_EQ(w.g.log, "right;");
  ASSERT_EQ(res.irreversible_commits, 0);
  json_t *c = checks_of(&w.r, 0); /* it failed before its verdict */
  json_decref(c);
  json_t *end = trace_events(w.r.trace, "agent_result");
  ASSERT_STR_EQ(ev_str(json_array_get(end, 0), "outcome"), "error");
  json_decref(end);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* ---- a distrusted schema ---------------------------------------------------
 * Every burn is predicted to leave ash, but the rooms go S0, S1, S2, S3:
 * after two wrong predictions the third burn gets 6 simulations, and an
 * irreversible schema is never tried for real, distrusted or not. */
static const gedge burn_edges[] = {
    {"S0", "burn", "S1"}, {"S1", "burn", "S2"}, {"S2", "burn", "S3"}};
static const geffect burn_irreversible[] = {{"burn", PLAN_EFFECT_IRREVERSIBLE}};

static void test_distrusted_schema(void) {
  json_t *s = json_array();
  const char *rooms[] = {"S0", "S1", "S2"};
  for (size_t i = 0; i < 3; i++) {
    script_propose(s, rooms[i], "1. burn");
    script_world(s, rooms[i], "burn", "ash");
  }
  script_value(s, "ash", "9");
  world w;
  world_open(&w, s, "S3", 2, "S0", burn_edges, PLAN_ARRAY_LEN(burn_edges),
             burn_irreversible, PLAN_ARRAY_LEN(burn_irreversible),
             PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET);
  plan__agent_options o = ag_options(1);
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  ASSERT_EQ(res.outcome, PLAN__AGENT_GOAL);
  ASSERT_EQ(res.n_steps, 3);
  ASSERT_EQ(res.checks, 3);
  ASSERT_EQ(res.irreversible_commits, 3);
  ASSERT_EQ(res.predictions_wrong, 3);
  ASSERT_EQ(res.real_probes, 0);
  ASSERT_STR_EQ(w.g.log, "burn;burn;burn;");
  json_t *c = checks_of(&w.r, 3);
  static const long long k[] = {3, 3, 6};
  for (size_t i = 0; i < 3; i++) {
    json_t *e = json_array_get(c, i);
    ASSERT_STR_EQ(ev_str(e, "verdict"), "commit");
    ASSERT_EQ(ev_int(e, "simulations"), k[i]);
    ASSERT_EQ(ev_int(e, "votes"), k[i]);
    ASSERT_EQ(ev_int(e, "agree"), k[i]);
  }
  json_decref(c);
  plan__agent_result_free(&res);
  world_close(&w);
}

/* A candidate the barrier refused is out of play: it is not the runner-up
 * of the next irreversible candidate of the same search. */
static const gedge two_edges[] = {{"S", "jump", "X1"}, {"S", "burn", "B"}};
static const geffect both_irreversible[] = {
    {"jump", PLAN_EFFECT_IRREVERSIBLE}, {"burn", PLAN_EFFECT_IRREVERSIBLE}};

static void test_refused_not_runner_up(void) {
  json_t *s = json_array();
  script_propose(s, "S", "1. jump\n2. burn");
  static const char *const xs[] = {"X1", "X2", "X3"};
  script_world_n(s, "S", "jump", xs, 3);
  script_value(s, "X1", "9");
  script_value(s, "X2", "9");
  script_value(s, "X3", "9");
  script_world(s, "S", "burn", "B");
  script_value(s, "B", "8");
  world w;
  world_open(&w, s, "G", 2, "S", two_edges, PLAN_ARRAY_LEN(two_edges),
             both_irreversible, PLAN_ARRAY_LEN(both_irreversible), 0);
  plan__agent_options o = ag_options(1);
  o.max_steps = 1;
  plan__agent_result res;
  ASSERT_OK(plan__agent_run(&o, &w.r.parts, w.env, &res, NULL));
  json_t *c = trace_events(w.r.trace, "commit_check");
  ASSERT_EQ(json_array_size(c), 2);
  ASSERT_STR_EQ(ev_str(json_array_get(c, 0), "verdict"),
                "the simulations disagree");
  ASSERT_STR_EQ(ev_str(json_array_get(c, 1), "verdict"), "commit");
  ASSERT(ev_num(json_array_get(c, 1), "runner_up") < 0);
  json_decref(c);
  /* Expected: the jump refused, the burn (the best viable way, nothing
   * viable behind it) committed. */
  ASSERT_EQ(res.outcome, PLAN__AGENT_STEPS);
  ASSERT_EQ(res.n_steps, 1);
  ASSERT_STR_EQ(res.steps[0].action, "burn");
  plan__agent_result_free(&res);
  world_close(&w);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_disagree_other_way);
  RUN(test_disagree_refused);
  RUN(test_no_prediction);
  RUN(test_value_below_threshold);
  RUN(test_margin);
  RUN(test_not_approved);
  RUN(test_approval_error);
  RUN(test_distrusted_schema);
  RUN(test_refused_not_runner_up);
  TEST_END();
}
