/* tests/unit/test_agent_fixture.h: shared set-up of the agent loop's tests
 * (test_agent.c, test_agent_barrier.c).
 *
 * The world is a small graph of named text states ("A", "B", ...). The
 * real environment is a user environment made with plan_env_custom_create
 * over that graph: observe writes the current state's name, execute
 * follows an edge (no edge: PLAN_ENOTFOUND), the effect class comes from a
 * table (reversible when the action is not listed), and switches make the
 * n-th execute or observe fail. Snapshot, reset and done are capabilities
 * a test turns on.
 *
 * The agent's components are the real LLM components of a text domain (a
 * list proposer, the LLM world model, the voting world model of the
 * barrier and a number-rubric evaluator on a 0-10 scale) answered by the
 * scripted backend, whose rules a test writes with the script_* helpers:
 * what the model proposes in a state, predicts for a state and an action,
 * and scores a state. The goal test is exact (the state's name equals the
 * goal's), so the LLM calls a test counts are the proposer's, the world
 * models' and the evaluator's only.
 *
 * The trace goes to a temporary file whose lines the tests read back with
 * jansson (trace_events).
 */
#ifndef PLAN_TEST_AGENT_FIXTURE_H
#define PLAN_TEST_AGENT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "llm/scripted.h"
#include "plan_backend.h"
#include "planner/agent.h"
#include "test.h"
#include "worldmodel/env/env.h"

/* ======================================================================
 * The environment
 * ====================================================================== */

typedef struct gedge {
  const char *from;
  const char *action;
  const char *to;
} gedge;

typedef struct geffect {
  const char *action;
  plan_effect effect;
} geffect;

#define GENV_MAX_SNAPS 256

typedef struct genv {
  const char *init;
  const char *cur;
  const gedge *edges;
  size_t n_edges;
  const geffect *effects; /* not listed: reversible */
  size_t n_effects;
  const char *done_state; /* PLAN_ENV_CAP_DONE: done in this state */
  /* Failure switches: the n-th call (1-based) returns the status with the
   * message (0: never). */
  unsigned fail_exec_at;
  plan_status fail_exec_status;
  const char *fail_exec_msg;
  unsigned fail_observe_at;
  plan_status fail_observe_status;
  const char *fail_observe_msg;
  plan_status fail_restore_status; /* every restore (PLAN_OK: none) */
  /* Counters. */
  unsigned n_exec, n_observe, n_refused, n_snapshot, n_restore, n_reset;
  unsigned destroyed;
  const char *snaps[GENV_MAX_SNAPS];
  size_t n_snaps;
  char log[2048]; /* the actions executed, "a;b;c;" (refusals as "!a;") */
} genv;

static inline void genv_init(genv *g, const char *init, const gedge *edges,
                             size_t n_edges, const geffect *effects,
                             size_t n_effects) {
  memset(g, 0, sizeof *g);
  g->init = init;
  g->cur = init;
  g->edges = edges;
  g->n_edges = n_edges;
  g->effects = effects;
  g->n_effects = n_effects;
}

static inline void genv_log(genv *g, const char *prefix, const char *action) {
  size_t used = strlen(g->log);
  snprintf(g->log + used, sizeof g->log - used, "%s%s;", prefix, action);
}

static inline plan_status genv_observe(void *self, plan_state_buf *out,
                                       plan_error *err) {
  genv *g = self;
  g->n_observe++;
  if (g->fail_observe_at && g->n_observe == g->fail_observe_at) {
    snprintf(err->text, sizeof err->text, "%s", g->fail_observe_msg);
    return g->fail_observe_status;
  }
  return plan_state_buf_append(out, g->cur, strlen(g->cur));
}

static inline plan_status genv_execute(void *self, const char *action,
                                       plan_state_buf *out, plan_error *err) {
  genv *g = self;
  g->n_exec++;
  if (g->fail_exec_at && g->n_exec == g->fail_exec_at) {
    genv_log(g, "X", action);
    snprintf(err->text, sizeof err->text, "%s", g->fail_exec_msg);
    return g->fail_exec_status;
  }
  for (size_t i = 0; i < g->n_edges; i++)
    if (!strcmp(g->edges[i].from, g->cur) &&
        !strcmp(g->edges[i].action, action)) {
      g->cur = g->edges[i].to;
      genv_log(g, "", action);
      return plan_state_buf_append(out, g->cur, strlen(g->cur));
    }
  g->n_refused++;
  genv_log(g, "!", action);
  snprintf(err->text, sizeof err->text, "cannot %s in %s", action, g->cur);
  return PLAN_ENOTFOUND;
}

static inline plan_status genv_effect(void *self, const char *action,
                                      plan_effect *out, plan_error *err) {
  const genv *g = self;
  (void)err;
  *out = PLAN_EFFECT_REVERSIBLE;
  for (size_t i = 0; i < g->n_effects; i++)
    if (!strcmp(g->effects[i].action, action))
      *out = g->effects[i].effect;
  return PLAN_OK;
}

static inline plan_status genv_snapshot(void *self, uint64_t *id,
                                        plan_error *err) {
  genv *g = self;
  if (g->n_snaps == GENV_MAX_SNAPS) {
    snprintf(err->text, sizeof err->text, "too many snapshots");
    return PLAN_EBUDGET;
  }
  g->n_snapshot++;
  g->snaps[g->n_snaps] = g->cur;
  *id = g->n_snaps++;
  return PLAN_OK;
}

static inline plan_status genv_restore(void *self, uint64_t id,
                                       plan_error *err) {
  genv *g = self;
  if (g->fail_restore_status != PLAN_OK) {
    snprintf(err->text, sizeof err->text, "snapshot store is gone");
    return g->fail_restore_status;
  }
  if (id >= g->n_snaps) {
    snprintf(err->text, sizeof err->text, "no snapshot %u", (unsigned)id);
    return PLAN_EINVAL;
  }
  g->n_restore++;
  g->cur = g->snaps[id];
  return PLAN_OK;
}

static inline plan_status genv_reset(void *self, plan_error *err) {
  genv *g = self;
  (void)err;
  g->n_reset++;
  g->cur = g->init;
  return PLAN_OK;
}

static inline plan_status genv_done(void *self, bool *out, plan_error *err) {
  const genv *g = self;
  (void)err;
  *out = g->done_state && !strcmp(g->cur, g->done_state);
  return PLAN_OK;
}

static inline void genv_destroy(void *self) {
  ((genv *)self)->destroyed++;
}

static inline const char *genv_describe(void *self) {
  (void)self;
  return "graph";
}

/* The vtable with capabilities caps (it must outlive the environment). */
static inline plan_env_vtbl genv_vtbl(unsigned caps) {
  plan_env_vtbl vt = {.abi_version = PLAN_ENV_ABI_VERSION,
                      .name = "graph",
                      .caps = caps,
                      .observe = genv_observe,
                      .execute = genv_execute,
                      .effect = genv_effect,
                      .snapshot = genv_snapshot,
                      .restore = genv_restore,
                      .reset = genv_reset,
                      .done = genv_done,
                      .destroy = genv_destroy,
                      .describe = genv_describe};
  return vt;
}

/* ======================================================================
 * The script
 * ====================================================================== */

/* The model's proposals in state: a numbered list ("1. right\n2. left"). */
static inline void script_propose(json_t *rules, const char *state,
                                  const char *list) {
  char re[256];
  snprintf(re, sizeof re,
           "^\\[ROLE: propose-list\\][\\s\\S]*\\[STATE\\]\\n%s\\n", state);
  json_array_append_new(rules,
                        json_pack("{s:s, s:s}", "match", re, "reply", list));
}

/* The model's predictions of the state after action in state: the n
 * replies are cycled over the predictions asked for (the voting world
 * model asks for k of them in one request). */
static inline void script_world_n(json_t *rules, const char *state,
                                  const char *action, const char *const *to,
                                  size_t n) {
  char re[256];
  snprintf(re, sizeof re,
           "^\\[ROLE: world\\][\\s\\S]*\\[STATE\\]\\n%s\\n[\\s\\S]*"
           "\\[ACTION\\]\\n%s\\n",
           state, action);
  json_t *replies = json_array();
  for (size_t i = 0; i < n; i++) {
    char r[128];
    snprintf(r, sizeof r, "Resulting State: %s", to[i]);
    json_array_append_new(replies, json_string(r));
  }
  json_array_append_new(rules,
                        json_pack("{s:s, s:o}", "match", re, "reply", replies));
}

static inline void script_world(json_t *rules, const char *state,
                                const char *action, const char *to) {
  script_world_n(rules, state, action, &to, 1);
}

/* The model's scores of state on the 0-10 scale, cycled over the samples. */
static inline void script_value_n(json_t *rules, const char *state,
                                  const char *const *scores, size_t n) {
  char re[256];
  snprintf(re, sizeof re, "^\\[ROLE: value\\][\\s\\S]*\\[STATE\\]\\n%s\\n",
           state);
  json_t *replies = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(replies, json_string(scores[i]));
  json_array_append_new(rules,
                        json_pack("{s:s, s:o}", "match", re, "reply", replies));
}

static inline void script_value(json_t *rules, const char *state,
                                const char *score) {
  script_value_n(rules, state, &score, 1);
}

/* The end of every script: no proposals in other states (an empty answer
 * names no action), a neutral score 5, and no prediction (no rule: the
 * child is pruned). */
static inline void script_defaults(json_t *rules) {
  json_array_append_new(rules,
                        json_pack("{s:s, s:s}", "match",
                                  "^\\[ROLE: propose-list\\]", "reply", ""));
  json_array_append_new(rules, json_pack("{s:s, s:s}", "match",
                                         "^\\[ROLE: value\\]", "reply", "5"));
}

/* The script's text (libc malloc, free with free); rules is released. */
static inline char *script_text(json_t *rules) {
  script_defaults(rules);
  char *s = json_dumps(rules, JSON_COMPACT);
  ASSERT(s);
  json_decref(rules);
  size_t n = strlen(s);
  char *out = malloc(n + 1);
  ASSERT(out);
  memcpy(out, s, n + 1);
  json_malloc_t m;
  json_free_t f;
  json_get_alloc_funcs(&m, &f);
  f(s);
  return out;
}

/* ======================================================================
 * The components
 * ====================================================================== */

static uint64_t ag_now;
static inline uint64_t ag_now_fn(void *ud) {
  (void)ud;
  return ag_now;
}
static inline void ag_sleep_fn(void *ud, uint64_t ns) {
  (void)ud;
  ag_now += ns;
}
static const plan_clock ag_clock = {ag_now_fn, ag_sleep_fn, NULL};

/* The exact goal test: a node whose state is the goal's name. */
static inline plan_status ag_goal_test(void *self, plan__search *s,
                                       const plan__node_id *nodes, size_t n) {
  const char *goal = self;
  size_t len = strlen(goal);
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(s, nodes[i]);
    if (nd && nd->state_text && nd->state_len == len &&
        !memcmp(nd->state_text, goal, len))
      plan__search_set_goal(s, nodes[i]);
  }
  return PLAN_OK;
}

typedef struct rig {
  plan__prompts *pr;
  plan__domain *dom;
  plan_llm *llm;
  plan_scheduler *sched;
  plan__proposer prop;
  plan__world_model world;
  plan__world_model vote;
  plan__evaluator eval;
  plan__goal_test goal;
  FILE *trace;
  plan__agent_parts parts;
} rig;

static inline void rig_free(rig *r) {
  if (r->prop.destroy)
    r->prop.destroy(r->prop.self);
  if (r->world.destroy)
    r->world.destroy(r->world.self);
  if (r->vote.destroy)
    r->vote.destroy(r->vote.self);
  if (r->eval.destroy)
    r->eval.destroy(r->eval.self);
  plan_scheduler_destroy(r->sched);
  plan_llm_destroy(r->llm);
  plan__domain_free(r->dom);
  plan__prompts_free(r->pr);
  if (r->trace)
    fclose(r->trace);
  memset(r, 0, sizeof *r);
}

/* Builds the components over llm (a scripted backend, retained: the rig
 * destroys it) with value_samples scores per state and the goal state goal
 * (borrowed; it must outlive the rig). Returns the first failure (the
 * out-of-memory sweep); *r is then freed, llm too. trace: write the trace
 * to a temporary file. */
static inline plan_status rig_make(rig *r, plan_llm *llm, const char *goal,
                                   unsigned value_samples, bool trace) {
  memset(r, 0, sizeof *r);
  r->llm = llm;
  plan_status st = plan__prompts_load(NULL, &r->pr, NULL);
  if (st == PLAN_OK)
    st = plan__domain_text_create("A small graph world.", "A", goal, NULL, 0,
                                  r->pr, &r->dom, NULL);
  if (st == PLAN_OK) {
    plan_scheduler_options so;
    plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
    so.clock = &ag_clock;
    so.concurrency = 64;
    so.max_attempts = 1;
    st = plan_scheduler_create(r->llm, &so, &r->sched, NULL);
  }
  if (st == PLAN_OK) {
    plan__llm_proposer_options po;
    memset(&po, 0, sizeof po);
    po.method = PLAN__PROPOSE_LIST;
    po.k = 4;
    po.samples = 1;
    st = plan__llm_proposer_create(r->dom, &po, &r->prop, NULL);
  }
  if (st == PLAN_OK)
    st = plan__llm_world_create(r->dom, NULL, &r->world, NULL);
  if (st == PLAN_OK)
    st = plan__vote_world_create(r->dom, NULL, 3, &r->vote, NULL);
  if (st == PLAN_OK) {
    plan__llm_evaluator_options eo;
    memset(&eo, 0, sizeof eo);
    eo.samples = value_samples;
    eo.rubric = PLAN_RUBRIC_NUMBER;
    eo.lo = 0;
    eo.hi = 10;
    st = plan__llm_evaluator_create(r->dom, &eo, &r->eval, NULL);
  }
  if (st == PLAN_OK && trace) {
    r->trace = tmpfile();
    ASSERT(r->trace);
  }
  if (st != PLAN_OK) {
    rig_free(r);
    return st;
  }
  r->goal.name = "exact goal";
  r->goal.test = ag_goal_test;
  r->goal.self = (void *)goal;
  r->parts.dom = r->dom;
  r->parts.proposer = &r->prop;
  r->parts.world = &r->world;
  r->parts.goal = &r->goal;
  r->parts.evaluator = &r->eval;
  r->parts.vote_world = &r->vote;
  r->parts.sched = r->sched;
  r->parts.trace = r->trace;
  return PLAN_OK;
}

/* rig_make for the ordinary tests: the script is released, a trace kept. */
static inline void rig_init(rig *r, json_t *rules, const char *goal,
                            unsigned value_samples) {
  char *script = script_text(rules);
  plan_llm *llm = NULL;
  plan_error e;
  plan_status st = plan_llm_scripted_create(script, &ag_clock, &llm, &e);
  if (st != PLAN_OK)
    fprintf(stderr, "script error: %s\n", e.text);
  ASSERT_OK(st);
  free(script);
  ASSERT_OK(rig_make(r, llm, goal, value_samples, true));
}

/* Agent options for the tests: the defaults with step searches of the
 * given depth (best-first). */
static inline plan__agent_options ag_options(uint32_t depth) {
  plan__agent_options o;
  plan__agent_options_default(&o);
  o.search.max_depth = depth;
  o.search.clock = &ag_clock;
  return o;
}

/* ======================================================================
 * The trace
 * ====================================================================== */

/* The trace's events called ev (NULL: all), in order, as a new array. */
static inline json_t *trace_events(FILE *f, const char *ev) {
  ASSERT(f);
  ASSERT(fflush(f) == 0);
  long end = 0;
  ASSERT(fseek(f, 0, SEEK_END) == 0);
  end = ftell(f);
  ASSERT(end >= 0);
  rewind(f);
  char *text = malloc((size_t)end + 1);
  ASSERT(text);
  ASSERT(fread(text, 1, (size_t)end, f) == (size_t)end);
  text[end] = '\0';
  json_t *out = json_array();
  for (char *line = text; *line;) {
    char *nl = strchr(line, '\n');
    ASSERT(nl); /* every event is a whole line */
    *nl = '\0';
    json_error_t je;
    json_t *j = json_loads(line, 0, &je);
    if (!j)
      fprintf(stderr, "bad trace line: %s (%s)\n", line, je.text);
    ASSERT(j);
    const char *name = json_string_value(json_object_get(j, "ev"));
    ASSERT(name);
    if (!ev || !strcmp(name, ev))
      json_array_append(out, j);
    json_decref(j);
    line = nl + 1;
  }
  free(text);
  ASSERT(fseek(f, 0, SEEK_END) == 0);
  return out;
}

/* Field helpers on a trace event. */
static inline const char *ev_str(const json_t *e, const char *k) {
  return json_string_value(json_object_get(e, k));
}
static inline long long ev_int(const json_t *e, const char *k) {
  const json_t *v = json_object_get(e, k);
  ASSERT(json_is_integer(v));
  return (long long)json_integer_value(v);
}
static inline double ev_num(const json_t *e, const char *k) {
  const json_t *v = json_object_get(e, k);
  ASSERT(json_is_number(v));
  return json_number_value(v);
}
static inline bool ev_bool(const json_t *e, const char *k) {
  const json_t *v = json_object_get(e, k);
  ASSERT(json_is_boolean(v));
  return json_is_true(v);
}

/* How many llm_call events have role role. */
static inline size_t trace_llm_calls(FILE *f, const char *role) {
  json_t *calls = trace_events(f, "llm_call");
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(calls); i++)
    if (!strcmp(ev_str(json_array_get(calls, i), "role"), role))
      n++;
  json_decref(calls);
  return n;
}

#endif /* PLAN_TEST_AGENT_FIXTURE_H */
