/* tests/unit/search_toy.h: small exact toy domains and components for the
 * search tests (test_search*.c). A domain is a successor function over
 * integer states, a value table (NaN: the evaluator's samples fail,
 * negative: "impossible"), and a goal predicate. The components record the
 * batch size of every call so tests can check the round structure, and can
 * send one LLM request per evaluated node through a scheduler (to exercise
 * the call, token and time budgets), advance a simulated clock, or fail on
 * purpose. Everything is static inline so each test uses what it needs. */
#ifndef PLAN_TEST_SEARCH_TOY_H
#define PLAN_TEST_SEARCH_TOY_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "planner/planner.h"
#include "test.h"

#define TOY_MAX_MOVES 16
#define TOY_MAX_CALLS 512
#define TOY_MAX_STATES 4096

typedef struct toy_move {
  const char *action;
  int to;    /* -1: the action is inapplicable */
  int count; /* proposals of this action (0 counts as 1) */
} toy_move;

struct toy;
typedef size_t (*toy_succ_fn)(const struct toy *t, int state, toy_move *out);
typedef double (*toy_value_fn)(const struct toy *t, int state);
typedef bool (*toy_goal_fn)(const struct toy *t, int state);

typedef struct toy {
  toy_succ_fn succ;
  toy_value_fn value;
  toy_goal_fn goal;
  int goal_state;           /* for domains that use it */
  int samples;              /* value samples per node (default 1) */
  size_t pad;               /* extra bytes of state text */
  bool no_state_for_odd;    /* the world model gives odd states no state */
  plan_status fail_propose; /* returned by the proposer when set */
  unsigned fail_propose_at; /* at this call (1-based) */
  /* LLM calls: one request per evaluated node through sched. */
  plan_scheduler *sched;
  /* A simulated clock advanced by the evaluator. */
  uint64_t *clock_ns;
  uint64_t tick_ns;
  /* Records. */
  size_t n_propose, n_simulate, n_goal, n_evaluate;
  size_t propose_n[TOY_MAX_CALLS], evaluate_n[TOY_MAX_CALLS];
  unsigned evaluated[TOY_MAX_STATES]; /* evaluations per state */
} toy;

static inline void toy_init(toy *t, toy_succ_fn succ, toy_value_fn value,
                            toy_goal_fn goal) {
  memset(t, 0, sizeof *t);
  t->succ = succ;
  t->value = value;
  t->goal = goal;
  t->samples = 1;
}

static inline int toy_state(plan__search *s, plan__node_id id) {
  const plan__node *n = plan__search_node(s, id);
  int x;
  ASSERT(n && n->exact && n->exact_size == sizeof x);
  memcpy(&x, n->exact, sizeof x);
  return x;
}

static inline plan_status toy_propose(void *self, plan__search *s,
                                      const plan__node_id *nodes, size_t n) {
  toy *t = self;
  if (t->n_propose < TOY_MAX_CALLS)
    t->propose_n[t->n_propose] = n;
  t->n_propose++;
  if (t->fail_propose && t->n_propose >= t->fail_propose_at) {
    plan__search_set_error(s, t->fail_propose, "toy proposer: injected %s",
                           plan_status_name(t->fail_propose));
    return t->fail_propose;
  }
  for (size_t i = 0; i < n; i++) {
    toy_move mv[TOY_MAX_MOVES];
    size_t k = t->succ(t, toy_state(s, nodes[i]), mv);
    for (size_t j = 0; j < k; j++) {
      int count = mv[j].count > 0 ? mv[j].count : 1;
      for (int c = 0; c < count; c++) {
        plan_status st = plan__search_add_child(s, nodes[i], mv[j].action,
                                                strlen(mv[j].action), NULL,
                                                PLAN__EFFECT_PURE, NULL);
        if (st != PLAN_OK)
          return st;
      }
    }
  }
  return PLAN_OK;
}

static inline plan_status toy_set(plan__search *s, const toy *t,
                                  plan__node_id id, int x, bool root) {
  char text[4096];
  int len = snprintf(text, sizeof text, "s%d", x);
  size_t n = (size_t)len;
  for (size_t i = 0; i < t->pad && n + 1 < sizeof text; i++)
    text[n++] = '.';
  if (root)
    return plan__search_set_root(s, text, n, NULL, &x, sizeof x, 0);
  return plan__search_set_state(s, id, text, n, NULL, &x, sizeof x, 0);
}

static inline plan_status toy_simulate(void *self, plan__search *s,
                                       const plan__node_id *ids, size_t n) {
  toy *t = self;
  t->n_simulate++;
  for (size_t i = 0; i < n; i++) {
    const plan__node *c = plan__search_node(s, ids[i]);
    toy_move mv[TOY_MAX_MOVES];
    size_t k = t->succ(t, toy_state(s, c->parent), mv);
    int to = -1;
    for (size_t j = 0; j < k; j++)
      if (strcmp(mv[j].action, c->action) == 0)
        to = mv[j].to;
    if (to < 0) {
      plan__search_prune(s, ids[i], "inapplicable action");
      continue;
    }
    if (t->no_state_for_odd && to % 2)
      continue;
    plan_status st = toy_set(s, t, ids[i], to, false);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static inline plan_status toy_goal_test(void *self, plan__search *s,
                                        const plan__node_id *ids, size_t n) {
  toy *t = self;
  t->n_goal++;
  for (size_t i = 0; i < n; i++)
    if (t->goal && t->goal(t, toy_state(s, ids[i])))
      plan__search_set_goal(s, ids[i]);
  return PLAN_OK;
}

static inline plan_status toy_evaluate(void *self, plan__search *s,
                                       const plan__node_id *ids, size_t n) {
  toy *t = self;
  if (t->n_evaluate < TOY_MAX_CALLS)
    t->evaluate_n[t->n_evaluate] = n;
  t->n_evaluate++;
  if (t->clock_ns)
    *t->clock_ns += t->tick_ns;
  plan_status batch = PLAN_OK;
  bool *ok = NULL;
  if (t->sched) {
    plan_llm_request *reqs = calloc(n, sizeof *reqs);
    plan_llm_response *resp = calloc(n, sizeof *resp);
    plan_message *msgs = calloc(n, sizeof *msgs);
    char(*prompts)[64] = calloc(n, sizeof *prompts);
    ok = calloc(n, sizeof *ok);
    ASSERT(reqs && resp && msgs && prompts && ok);
    for (size_t i = 0; i < n; i++) {
      snprintf(prompts[i], sizeof prompts[i], "value of node %u",
               (unsigned)ids[i]);
      msgs[i].role = "user";
      msgs[i].content = prompts[i];
      plan_llm_request_init(&reqs[i], PLAN_LLM_REQUEST_VERSION);
      reqs[i].messages = &msgs[i];
      reqs[i].n_messages = 1;
      plan_llm_response_init(&resp[i]);
    }
    batch = plan_scheduler_run(t->sched, reqs, n, resp);
    ASSERT(batch == PLAN_OK || batch == PLAN_EBUDGET);
    for (size_t i = 0; i < n; i++) {
      plan__search_trace_llm(s, "value", ids[i], &resp[i]);
      ok[i] = resp[i].status == PLAN_OK;
      plan_llm_response_clear(&resp[i]);
    }
    free(reqs);
    free(resp);
    free(msgs);
    free(prompts);
  }
  for (size_t i = 0; i < n; i++) {
    int x = toy_state(s, ids[i]);
    if (x >= 0 && x < TOY_MAX_STATES)
      t->evaluated[x]++;
    double v = t->value ? t->value(t, x) : 0.5;
    if (ok && !ok[i]) {
      plan__search_add_missing(s, ids[i]);
      continue;
    }
    if (v < 0) {
      plan__search_prune(s, ids[i], "impossible");
      continue;
    }
    for (int k = 0; k < t->samples; k++) {
      if (isnan(v))
        plan__search_add_missing(s, ids[i]);
      else
        plan__search_add_value(s, ids[i], v);
    }
  }
  free(ok);
  return batch;
}

/* The four components over one toy. */
typedef struct toy_comps {
  plan__proposer p;
  plan__world_model w;
  plan__goal_test g;
  plan__evaluator e;
} toy_comps;

static inline void toy_comps_init(toy_comps *c, toy *t) {
  memset(c, 0, sizeof *c);
  c->p.name = "toy proposer";
  c->p.propose = toy_propose;
  c->p.self = t;
  c->w.name = "toy world";
  c->w.simulate = toy_simulate;
  c->w.self = t;
  c->g.name = "toy goal";
  c->g.test = toy_goal_test;
  c->g.self = t;
  c->e.name = "toy evaluator";
  c->e.evaluate = toy_evaluate;
  c->e.self = t;
}

/* Creates a search over t with root state `root`, or asserts. */
static inline plan__search *toy_search(toy *t, toy_comps *c,
                                       const plan__search_options *o, int root,
                                       plan_scheduler *sched, FILE *trace) {
  toy_comps_init(c, t);
  plan__search *s = NULL;
  plan_error err;
  ASSERT_OK(plan__search_create(o, &c->p, &c->w, &c->g, &c->e, sched, trace, &s,
                                &err));
  ASSERT_OK(toy_set(s, t, 0, root, true));
  return s;
}

/* The result's actions joined by spaces, into buf. */
static inline const char *toy_plan(plan__search *s, char *buf, size_t size) {
  plan__result r;
  plan__search_result(s, &r);
  size_t off = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r.n_steps; i++) {
    const plan__node *n = plan__search_node(s, r.path[i]);
    int w = snprintf(buf + off, size - off, "%s%s", i ? " " : "", n->action);
    if (w < 0 || (size_t)w >= size - off)
      break;
    off += (size_t)w;
  }
  return buf;
}

/* ---- domains --------------------------------------------------------------
 */

/* Number line 0..20: "inc" +1, "dec" -1, "jump" +3; goal_state; value
 * 1 - |goal - x| / 20 (exact and monotone). Shortest plan to 7 from 0:
 * three steps (two jumps and an inc). */
static inline size_t line_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  out[0] = (toy_move){"inc", x + 1 <= 20 ? x + 1 : -1, 1};
  out[1] = (toy_move){"dec", x - 1 >= 0 ? x - 1 : -1, 1};
  out[2] = (toy_move){"jump", x + 3 <= 20 ? x + 3 : -1, 1};
  return 3;
}
static inline double line_value(const toy *t, int x) {
  return 1.0 - fabs((double)(t->goal_state - x)) / 20.0;
}
static inline bool line_goal(const toy *t, int x) {
  return x == t->goal_state;
}

/* The trap: from S(0) "a" leads to A(1, value 0.9), A1(2, 0.95), A2(3,
 * 0.97), a dead end; "b" leads to B(4, 0.6), B1(5, 0.7), then G(6), the
 * goal. Greedy follows the higher values into the dead end. */
static inline size_t trap_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  switch (x) {
  case 0:
    out[0] = (toy_move){"a", 1, 1};
    out[1] = (toy_move){"b", 4, 1};
    return 2;
  case 1: out[0] = (toy_move){"a1", 2, 1}; return 1;
  case 2: out[0] = (toy_move){"a2", 3, 1}; return 1;
  case 4: out[0] = (toy_move){"b1", 5, 1}; return 1;
  case 5: out[0] = (toy_move){"g", 6, 1}; return 1;
  default: return 0;
  }
}
static inline double trap_value(const toy *t, int x) {
  (void)t;
  static const double v[] = {0.5, 0.9, 0.95, 0.97, 0.6, 0.7, 1.0};
  return x >= 0 && x < 7 ? v[x] : 0.0;
}
static inline bool trap_goal(const toy *t, int x) {
  (void)t;
  return x == 6;
}

/* A complete ternary tree: state x has children 3x+1, 3x+2, 3x+3 (actions
 * "c0".."c2") below TOY_MAX_STATES; every value 0.5; no goal. */
static inline size_t tree_succ(const toy *t, int x, toy_move *out) {
  (void)t;
  static const char *const names[] = {"c0", "c1", "c2"};
  size_t k = 0;
  for (int i = 0; i < 3; i++)
    if (3 * x + i + 1 < TOY_MAX_STATES)
      out[k++] = (toy_move){names[i], 3 * x + i + 1, 1};
  return k;
}
static inline double flat_value(const toy *t, int x) {
  (void)t;
  (void)x;
  return 0.5;
}
static inline bool no_goal(const toy *t, int x) {
  (void)t;
  (void)x;
  return false;
}

#endif /* PLAN_TEST_SEARCH_TOY_H */
