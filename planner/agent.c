/* planner/agent.c: the plan-act loop, the commit barrier, real probes,
 * world-model fidelity and the overthinking guard (planner/agent.h).
 *
 * One step: observe the environment and read the observation as a state;
 * stop at the goal; compare the state with what the last step's search
 * predicted (fidelity, per action schema); search from the state (the
 * per-step deliberation budgets and the settle rules bound it); rank the
 * first actions by the best plan through each; take the best one that is
 * not excluded; commit it now when it is pure or reversible, or through
 * the barrier when it is irreversible; record, replan.
 *
 * The barrier runs a probe: a search of one round from the current state
 * whose only child is the candidate action, simulated by the voting world
 * model (k predictions, the modal one wins; the step's search's own
 * prediction is one more vote) and valued by the evaluator afresh. A
 * refused candidate passes the turn to the next one of the same search.
 * The checks and their numbers go to the trace as "commit_check".
 *
 * While the last goal plan's predictions come true, its pure and
 * reversible actions are followed without a new search (plan reuse).
 *
 * Real probes and the koh policy use a world model made here ("env
 * world") that executes actions in the environment: it moves the
 * environment to the parent's state first (restore a snapshot, or reset
 * and replay the committed actions and the path), executes, observes, and
 * snapshots the result. After each search the environment goes back to the
 * real current state the same way. The env world never executes an
 * irreversible action, except under koh, which exists to be compared with.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "core/json.h"
#include "planner/agent.h"

#define AGENT_MAX_ATTEMPTS 16u

static const char *const policy_names[] = {"barrier", "no-barrier",
                                           "webdreamer", "koh"};

bool plan__agent_policy_parse(const char *s, plan__agent_policy *out) {
  for (size_t i = 0; s && i < PLAN_ARRAY_LEN(policy_names); i++)
    if (!strcmp(s, policy_names[i])) {
      *out = (plan__agent_policy)i;
      return true;
    }
  return false;
}

const char *plan__agent_policy_name(plan__agent_policy p) {
  return (unsigned)p < PLAN_ARRAY_LEN(policy_names) ? policy_names[p] : "?";
}

static const char *const outcome_names[] = {"none",        "goal",    "steps",
                                            "budget",      "refused", "stuck",
                                            "oscillating", "error"};

const char *plan__agent_outcome_name(plan__agent_outcome o) {
  return (unsigned)o < PLAN_ARRAY_LEN(outcome_names) ? outcome_names[o] : "?";
}

static const char *effect_name(plan__effect e) {
  switch (e) {
  case PLAN__EFFECT_PURE: return "pure";
  case PLAN__EFFECT_REVERSIBLE: return "reversible";
  default: return "irreversible";
  }
}

void plan__agent_options_default(plan__agent_options *o) {
  memset(o, 0, sizeof *o);
  o->policy = PLAN__POLICY_BARRIER;
  plan__search_options_default(&o->search);
  o->search.algo = PLAN__ALGO_BEST_FIRST;
  o->max_steps = 30;
  o->threshold = 0.25;
  o->simulations = 3;
  o->agree = 2.0 / 3.0;
  o->margin_z = 1.0;
  o->max_refusals = 3;
  o->distrust = 0.3;
  o->real_probes = true;
  o->max_revisits = 3;
}

/* ======================================================================
 * The run's context
 * ====================================================================== */

typedef struct visit {
  uint64_t hash;
  uint32_t count;
} visit;

/* An action the environment refused, and the state it refused it in. */
typedef struct refused_pair {
  uint64_t hash;
  char *action;
} refused_pair;

typedef struct agent {
  plan__agent_options o;
  const plan__agent_parts *p;
  plan_env *env;
  plan__agent_result *res;
  plan_error *err;
  plan_scheduler_stats base;
  uint64_t t0;

  /* The committed actions (the domain's prefix holds the same). */
  char **committed;
  size_t n_committed, cap_committed;
  /* The real current state. */
  plan__domain_state cur;
  uint64_t root_snap;
  bool has_root_snap;
  /* Actions the environment refused, with the state it refused them in:
   * never proposed for commit there again. */
  refused_pair *env_refused;
  size_t n_env_refused, cap_env_refused;
  bool last_refused; /* the last commit was refused by the environment */
  bool last_matched; /* the last commit's state was the predicted one */
  /* The rest of the last goal plan found, with the states it predicts:
   * followed without a new search while the predictions come true (pure
   * and reversible actions; an irreversible one gets a search and, under
   * the barrier policy, a check). */
  char **plan_act;
  uint64_t *plan_hash;
  size_t plan_n, plan_i, plan_cap;
  /* States reached, for the oscillation rule. */
  visit *visits;
  size_t n_visits, cap_visits;

  /* The current search, for the env world. */
  plan__search *s;
  bool *real;      /* per node: its state is the environment's */
  uint64_t *snaps; /* per node: snapshot id + 1, 0: none */
  size_t cap_real, cap_snaps;
  plan__node_id env_at; /* the node the environment is at; NONE: unknown */
  bool probe_all;       /* koh: every action for real */
  plan__world_model envworld;
  plan__buf obs;
} agent;

static uint64_t calls_used(const agent *a) {
  if (!a->p->sched)
    return 0;
  plan_scheduler_stats st;
  plan_scheduler_stats_get(a->p->sched, &st);
  return st.calls - a->base.calls;
}

static uint64_t tokens_used(const agent *a) {
  if (!a->p->sched)
    return 0;
  plan_scheduler_stats st;
  plan_scheduler_stats_get(a->p->sched, &st);
  return st.prompt_tokens + st.completion_tokens - a->base.prompt_tokens -
         a->base.completion_tokens;
}

/* ---- trace ----------------------------------------------------------------
 */

static void trace(agent *a, const char *ev, json_t *fields) {
  if (!a->p->trace || !fields) {
    json_decref(fields);
    return;
  }
  json_object_set_new(fields, "ev", json_string(ev));
  json_object_set_new(fields, "v", json_integer(1));
  plan__buf b;
  plan__buf_init(&b, 0);
  if (plan__json_canonical(fields, &b) == PLAN_OK && b.data) {
    fwrite(b.data, 1, b.len, a->p->trace);
    fputc('\n', a->p->trace);
  }
  plan__buf_free(&b);
  json_decref(fields);
}

/* ---- failures -------------------------------------------------------------
 */

static plan_status agent_fail(agent *a, plan_status code, const char *fmt, ...)
    PLAN_PRINTF(3, 4);

static plan_status agent_fail(agent *a, plan_status code, const char *fmt,
                              ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->res->message, sizeof a->res->message, fmt, ap);
  va_end(ap);
  a->res->outcome = PLAN__AGENT_ERROR;
  plan__error_set(a->err, code, 0, 0, "%s", a->res->message);
  return code;
}

static void agent_end(agent *a, plan__agent_outcome oc, const char *fmt, ...)
    PLAN_PRINTF(3, 4);

static void agent_end(agent *a, plan__agent_outcome oc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(a->res->message, sizeof a->res->message, fmt, ap);
  va_end(ap);
  a->res->outcome = oc;
}

/* ---- schemas and trust ----------------------------------------------------
 */

/* The schema of an action: the first word, after a "(" for PDDL. */
static size_t schema_of(const char *action, const char **start) {
  const char *p = action;
  while (*p == ' ' || *p == '(' || *p == '\t')
    p++;
  const char *q = p;
  while (*q && *q != ' ' && *q != ')' && *q != '\t' && *q != '\n')
    q++;
  *start = p;
  return (size_t)(q - p);
}

static plan__agent_schema_trust *trust_entry(agent *a, const char *action,
                                             bool create) {
  const char *sp;
  size_t n = schema_of(action, &sp);
  for (size_t i = 0; i < a->res->n_trust; i++)
    if (strlen(a->res->trust[i].schema) == n &&
        !strncmp(a->res->trust[i].schema, sp, n))
      return &a->res->trust[i];
  if (!create)
    return NULL;
  size_t cap = a->res->n_trust;
  plan__agent_schema_trust *t =
      plan__realloc(a->res->trust, (cap + 1) * sizeof *t);
  if (!t)
    return NULL;
  a->res->trust = t;
  char *name = plan__strndup(sp, n);
  if (!name)
    return NULL;
  memset(&t[cap], 0, sizeof *t);
  t[cap].schema = name;
  a->res->n_trust++;
  return &t[cap];
}

static bool distrusted(agent *a, const char *action) {
  if (a->o.distrust < 0)
    return false;
  const plan__agent_schema_trust *t = trust_entry(a, action, false);
  return t && t->checked >= 2 &&
         (double)t->wrong > a->o.distrust * (double)t->checked;
}

/* ======================================================================
 * Moving the environment
 * ====================================================================== */

static bool can_undo(const agent *a) {
  return plan__env_caps(a->env) & (PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET);
}

static plan_status grow_node_maps(agent *a, size_t n) {
  size_t old = a->cap_real;
  if (plan__grow((void **)&a->real, &a->cap_real, n, sizeof *a->real) !=
      PLAN_OK)
    return PLAN_ENOMEM;
  memset(a->real + old, 0, (a->cap_real - old) * sizeof *a->real);
  old = a->cap_snaps;
  if (plan__grow((void **)&a->snaps, &a->cap_snaps, n, sizeof *a->snaps) !=
      PLAN_OK)
    return PLAN_ENOMEM;
  memset(a->snaps + old, 0, (a->cap_snaps - old) * sizeof *a->snaps);
  return PLAN_OK;
}

/* Executes action for real; PLAN_ENOTFOUND when the environment refuses. */
static plan_status env_exec(agent *a, const char *action) {
  plan_error e;
  memset(&e, 0, sizeof e);
  plan_status st = plan__env_execute(a->env, action, &a->obs, &e);
  if (st != PLAN_OK && st != PLAN_ENOTFOUND)
    plan__error_set(a->err, st, 0, 0, "%s", e.text);
  return st;
}

/* Brings the environment back to the real current state. */
static plan_status env_home(agent *a) {
  plan_error e;
  memset(&e, 0, sizeof e);
  plan_status st;
  if (a->has_root_snap) {
    st = plan__env_restore(a->env, a->root_snap, &e);
  } else {
    st = plan__env_reset(a->env, &e);
    for (size_t i = 0; st == PLAN_OK && i < a->n_committed; i++) {
      st = plan__env_execute(a->env, a->committed[i], &a->obs, &e);
      if (st == PLAN_ENOTFOUND)
        st = PLAN_EINTERNAL; /* the replay diverged */
    }
  }
  if (st != PLAN_OK) {
    plan__error_set(a->err, st, 0, 0,
                    "cannot bring the environment back to the current "
                    "state: %s",
                    e.text[0] ? e.text : plan_status_name(st));
    return st;
  }
  a->env_at = 0;
  return PLAN_OK;
}

/* Moves the environment to node id of the current search (a real node). */
static plan_status env_goto(agent *a, plan__node_id id) {
  if (a->env_at == id)
    return PLAN_OK;
  plan_error e;
  memset(&e, 0, sizeof e);
  if (id < a->cap_snaps && a->snaps[id]) {
    plan_status st = plan__env_restore(a->env, a->snaps[id] - 1, &e);
    if (st != PLAN_OK) {
      plan__error_set(a->err, st, 0, 0, "%s", e.text);
      return st;
    }
    a->env_at = id;
    return PLAN_OK;
  }
  /* Home, then the path from the root. */
  plan_status st = env_home(a);
  if (st != PLAN_OK || id == 0)
    return st;
  plan__node_id path[256];
  size_t n = 0;
  for (plan__node_id x = id; x != 0 && x != PLAN__NODE_NONE;) {
    const plan__node *nd = plan__search_node(a->s, x);
    if (!nd || n == PLAN_ARRAY_LEN(path))
      return PLAN_EINTERNAL;
    path[n++] = x;
    x = nd->parent;
  }
  while (n > 0) {
    const plan__node *nd = plan__search_node(a->s, path[--n]);
    st = env_exec(a, nd->action);
    if (st == PLAN_ENOTFOUND) {
      plan__error_set(a->err, PLAN_EINTERNAL, 0, 0,
                      "the environment refused to replay %s", nd->action);
      return PLAN_EINTERNAL;
    }
    if (st != PLAN_OK)
      return st;
  }
  a->env_at = id;
  return PLAN_OK;
}

/* ======================================================================
 * The env world: actions tried in the real environment
 * ====================================================================== */

static bool wants_real(agent *a, plan__search *s, plan__node_id c) {
  const plan__node *nd = plan__search_node(s, c);
  if (!nd || !nd->action || nd->parent >= a->cap_real || !a->real[nd->parent])
    return false;
  if (a->probe_all)
    return true;
  if (!a->o.real_probes || !can_undo(a))
    return false;
  plan__effect e = plan__env_effect(a->env, nd->action);
  return e != PLAN__EFFECT_IRREVERSIBLE && distrusted(a, nd->action);
}

static plan_status real_child(agent *a, plan__search *s, plan__node_id c) {
  const plan__node *nd = plan__search_node(s, c);
  plan_status st = env_goto(a, nd->parent);
  if (st != PLAN_OK) {
    plan__search_set_error(s, st, "real probe: %s", a->err->text);
    return st;
  }
  char *action = plan__strdup(nd->action);
  if (!action)
    return PLAN_ENOMEM;
  st = env_exec(a, action);
  a->res->real_probes++;
  json_t *f =
      json_pack("{s:I, s:s, s:s}", "node", (json_int_t)c, "action", action,
                "effect", effect_name(plan__env_effect(a->env, action)));
  if (f)
    json_object_set_new(f, "applicable", json_boolean(st == PLAN_OK));
  plan__search_trace(s, "real_probe", f);
  json_decref(f);
  plan__free(action);
  if (st == PLAN_ENOTFOUND) {
    plan__search_prune(s, c, "inapplicable in the environment");
    return PLAN_OK;
  }
  if (st != PLAN_OK) {
    a->env_at = PLAN__NODE_NONE;
    plan__search_set_error(s, st, "real probe: %s", a->err->text);
    return st;
  }
  a->env_at = c;
  plan__domain_state ds;
  st = plan__domain_state_from_text(a->p->dom, a->obs.data ? a->obs.data : "",
                                    a->obs.len, &ds);
  if (st == PLAN_EPARSE) {
    plan__search_set_error(s, st,
                           "real probe: the observation after %s cannot be "
                           "read as a state",
                           plan__search_node(s, c)->action);
    return st;
  }
  if (st == PLAN_OK)
    st = plan__domain_set_node_state(a->p->dom, s, c, &ds);
  plan__domain_state_free(&ds);
  if (st != PLAN_OK)
    return st;
  if ((st = grow_node_maps(a, (size_t)c + 1)) != PLAN_OK)
    return st;
  a->real[c] = true;
  if (plan__env_caps(a->env) & PLAN_ENV_CAP_SNAPSHOT) {
    uint64_t id;
    plan_error e;
    memset(&e, 0, sizeof e);
    if (plan__env_snapshot(a->env, &id, &e) == PLAN_OK)
      a->snaps[c] = id + 1;
  }
  return PLAN_OK;
}

static plan_status envworld_simulate(void *self, plan__search *s,
                                     const plan__node_id *children, size_t n) {
  agent *a = self;
  plan__node_id *inner = plan__calloc(n ? n : 1, sizeof *inner);
  if (!inner)
    return PLAN_ENOMEM;
  size_t m = 0;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    if (wants_real(a, s, children[i]))
      st = real_child(a, s, children[i]);
    else
      inner[m++] = children[i];
  }
  if (st == PLAN_OK && m > 0) {
    if (a->probe_all) {
      for (size_t i = 0; i < m; i++)
        plan__search_prune(s, inner[i], "no real state to act from");
    } else {
      const plan__world_model *w = a->p->world;
      st = w->simulate(w->self, s, inner, m);
    }
  }
  plan__free(inner);
  return st;
}

/* ======================================================================
 * Searches
 * ====================================================================== */

static plan_status start_search(agent *a, const plan__search_options *so,
                                const plan__proposer *prop,
                                const plan__world_model *world,
                                plan__search **out) {
  plan_error e;
  memset(&e, 0, sizeof e);
  plan_status st =
      plan__search_create(so, prop, world, a->p->goal, a->p->evaluator,
                          a->p->sched, a->p->trace, out, &e);
  if (st == PLAN_OK)
    st = plan__domain_set_root_state(a->p->dom, *out, &a->cur);
  if (st != PLAN_OK)
    plan__error_set(a->err, st, 0, 0, "agent: cannot start a search: %s",
                    e.text[0] ? e.text : plan_status_name(st));
  return st;
}

/* The step's search. */
static plan_status step_search(agent *a, uint32_t step, uint32_t attempt,
                               plan__search **out) {
  plan__search_options so = a->o.search;
  so.seed = a->o.search.seed + 7919u * ((uint64_t)step * 16u + attempt);
  /* A search after a refusal asks afresh. */
  if (attempt)
    so.request_salt = plan__hash64(&so.seed, sizeof so.seed, 0x5eedu) | 1u;
  /* More deliberation after a refusal. */
  if (attempt && so.max_llm_calls)
    so.max_llm_calls += so.max_llm_calls * attempt / 2;
  if (a->o.policy == PLAN__POLICY_WEBDREAMER) {
    so.algo = PLAN__ALGO_GREEDY;
    so.max_depth = 1;
    so.settle_margin = 0;
    so.settle_patience = 0;
  }
  bool env_world =
      a->o.policy == PLAN__POLICY_KOH ||
      (a->o.policy == PLAN__POLICY_BARRIER && a->o.real_probes && can_undo(a));
  const plan__world_model *world = env_world ? &a->envworld : a->p->world;
  plan_status st = start_search(a, &so, a->p->proposer, world, out);
  if (st != PLAN_OK)
    return st;
  a->s = *out;
  a->env_at = 0;
  if ((st = grow_node_maps(a, 1)) != PLAN_OK)
    return st;
  memset(a->real, 0, a->cap_real * sizeof *a->real);
  memset(a->snaps, 0, a->cap_snaps * sizeof *a->snaps);
  a->real[0] = true;
  a->has_root_snap = false;
  if (env_world && (plan__env_caps(a->env) & PLAN_ENV_CAP_SNAPSHOT)) {
    plan_error e;
    memset(&e, 0, sizeof e);
    uint64_t id;
    if (plan__env_snapshot(a->env, &id, &e) == PLAN_OK) {
      a->root_snap = id;
      a->has_root_snap = true;
      a->snaps[0] = id + 1;
    }
  }
  plan_status run = plan__search_run(*out);
  a->res->searches++;
  if (env_world && a->env_at != 0) {
    plan_status h = env_home(a);
    if (h != PLAN_OK)
      return h;
  }
  a->s = NULL;
  if (run != PLAN_OK && run != PLAN_EBUDGET) {
    plan__error_set(a->err, run, 0, 0, "agent: search failed: %s",
                    plan__search_errmsg(*out));
    return run;
  }
  return PLAN_OK;
}

/* ---- the probe: k simulations of one action, valued afresh --------------- */

typedef struct fixed_prop {
  const char *action;
  plan__effect effect;
} fixed_prop;

static plan_status fixed_propose(void *self, plan__search *s,
                                 const plan__node_id *nodes, size_t n) {
  const fixed_prop *f = self;
  for (size_t i = 0; i < n; i++) {
    plan_status st = plan__search_add_child(
        s, nodes[i], f->action, strlen(f->action), NULL, f->effect, NULL);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static plan_status barrier_probe(agent *a, const char *action,
                                 plan__effect effect, unsigned k, uint64_t seed,
                                 plan__commit_check *c, plan__buf *predicted,
                                 uint64_t *modal_hash) {
  fixed_prop fp = {action, effect};
  plan__proposer prop = {"barrier", fixed_propose, NULL, &fp};
  plan__search_options so;
  plan__search_options_default(&so);
  so.algo = PLAN__ALGO_GREEDY;
  so.max_depth = 1;
  so.max_expansions = 1;
  so.branching = 1;
  so.seed = seed;
  so.clock = a->o.search.clock;
  so.request_salt = plan__hash64(&seed, sizeof seed, 0xba77u) | 1u;
  const plan__world_model *w =
      a->p->vote_world ? a->p->vote_world : a->p->world;
  plan__world_vote_set_k(w, k);
  plan__search *s = NULL;
  plan_status st = start_search(a, &so, &prop, w, &s);
  if (st == PLAN_OK) {
    plan_status run = plan__search_run(s);
    if (run != PLAN_OK && run != PLAN_EBUDGET) {
      st = run;
      plan__error_set(a->err, run, 0, 0, "agent: barrier probe failed: %s",
                      plan__search_errmsg(s));
    }
  }
  if (st == PLAN_OK) {
    c->simulations = k;
    const plan__node *ch =
        plan__search_node_count(s) > 1 ? plan__search_node(s, 1) : NULL;
    if (ch && plan__search_usable(s, 1)) {
      unsigned agree = 1, votes = 1, asked = 1;
      if (!plan__world_vote_get(w, 1, &agree, &votes, &asked)) {
        /* A single deterministic prediction stands for all k. */
        agree = votes = asked = k;
      }
      c->agree = agree;
      c->votes = votes;
      c->simulations = asked ? asked : k;
      c->goal = (ch->flags & PLAN__NODE_GOAL) != 0;
      c->value = plan__search_rank(s, 1);
      c->value_samples = c->goal ? 0 : ch->value.samples;
      /* One sample (an exact heuristic) has no spread to speak of. */
      c->value_se = c->value_samples > 1 ? plan__value_spread(&ch->value) /
                                               sqrt((double)c->value_samples)
                                         : 0;
      *modal_hash = ch->state_hash;
      st = plan__buf_append(predicted, ch->state_text, ch->state_len);
    } else {
      c->agree = c->votes = 0;
      c->value = 0;
      c->value_se = 0;
    }
  }
  plan__search_free(s);
  return st;
}

/* ======================================================================
 * One step
 * ====================================================================== */

typedef struct excluded {
  char *action;
  uint32_t refusals;
  uint32_t attempt; /* the search that last refused it */
} excluded;

static void excluded_free(excluded *x, size_t n) {
  for (size_t i = 0; i < n; i++)
    plan__free(x[i].action);
  plan__free(x);
}

/* The index of action in x, or n. */
static size_t excluded_index(const excluded *x, size_t n, const char *action) {
  size_t i = 0;
  while (i < n && strcmp(x[i].action, action))
    i++;
  return i;
}

static const excluded *find_excluded(const excluded *x, size_t n,
                                     const char *action) {
  size_t i = excluded_index(x, n, action);
  return i < n ? &x[i] : NULL;
}

static uint32_t visit_count(const agent *a, uint64_t h) {
  for (size_t i = 0; i < a->n_visits; i++)
    if (a->visits[i].hash == h)
      return a->visits[i].count;
  return 0;
}

static plan_status visit_add(agent *a, uint64_t h, uint32_t *count) {
  for (size_t i = 0; i < a->n_visits; i++)
    if (a->visits[i].hash == h) {
      *count = ++a->visits[i].count;
      return PLAN_OK;
    }
  if (plan__grow((void **)&a->visits, &a->cap_visits, a->n_visits + 1,
                 sizeof *a->visits) != PLAN_OK)
    return PLAN_ENOMEM;
  a->visits[a->n_visits].hash = h;
  a->visits[a->n_visits].count = 1;
  a->n_visits++;
  *count = 1;
  return PLAN_OK;
}

/* The barrier for candidate f (an irreversible first action of search s):
 * fills *c and returns whether to commit. */
static plan_status barrier(agent *a, plan__search *s,
                           const plan__first_action *fa, size_t n_fa,
                           size_t pick, uint32_t step, uint32_t attempt,
                           plan__commit_check *c, bool *commit) {
  const plan__first_action *f = &fa[pick];
  const plan__node *nd = plan__search_node(s, f->child);
  *commit = false;
  memset(c, 0, sizeof *c);
  c->action = nd->action;
  c->effect = PLAN__EFFECT_IRREVERSIBLE;
  c->state = a->cur.text;
  c->plan_value = f->value;
  c->runner_up = -1;
  double runner_se = 0;
  /* The runner-up is the best candidate still in play: the ones ranked
   * before pick were refused in this step (or it would not be checked). */
  if (pick + 1 < n_fa) {
    const plan__first_action *ru = &fa[pick + 1];
    c->runner_up = ru->value;
    runner_se = ru->samples > 1 ? ru->spread / sqrt((double)ru->samples) : 0;
  }
  unsigned k = a->o.simulations;
  if (distrusted(a, nd->action))
    k *= 2;
  plan__buf pred;
  plan__buf_init(&pred, 0);
  char *action = plan__strdup(nd->action);
  if (!action)
    return PLAN_ENOMEM;
  c->action = action;
  uint64_t modal = 0;
  plan_status st = barrier_probe(
      a, action, PLAN__EFFECT_IRREVERSIBLE, k,
      a->o.search.seed + 104729u * ((uint64_t)step * 16u + attempt) + 1u, c,
      &pred, &modal);
  if (st != PLAN_OK) {
    plan__free(action);
    plan__buf_free(&pred);
    return st;
  }
  /* The search's own prediction for the action is one more independent
   * simulation: it votes too (k + 1 in all). */
  bool search_voted = (nd->flags & PLAN__NODE_HAS_STATE) != 0;
  c->search_agrees = search_voted && c->agree && nd->state_hash == modal;
  c->predicted = pred.data ? pred.data : "";
  double plan_se = f->samples > 1 ? f->spread / sqrt((double)f->samples) : 0;
  c->margin_se =
      a->o.margin_z * sqrt(plan_se * plan_se + runner_se * runner_se);
  c->pass_agree =
      c->votes > 0 &&
      (double)(c->agree + c->search_agrees) >=
          a->o.agree * (double)(c->simulations + search_voted) - 1e-9;
  /* The value must clear the threshold with the same confidence the
   * margin asks for: its lower bound, value - z x standard error. */
  c->pass_value =
      c->goal || c->value - a->o.margin_z * c->value_se >= a->o.threshold;
  /* Two first actions that both reach the goal in simulation: either is
   * fine, so a tie at a goal passes. */
  c->pass_margin = c->runner_up < 0 || f->value - c->runner_up > c->margin_se ||
                   (f->goal && c->runner_up >= 1.0);
  if (!c->pass_agree)
    c->verdict = c->votes ? "the simulations disagree"
                          : "no simulation predicted a state";
  else if (!c->pass_value)
    c->verdict = "the predicted state's value is below the threshold";
  else if (!c->pass_margin)
    c->verdict = "not clearly ahead of the runner-up";
  if (!c->verdict && a->o.approve) {
    c->asked_approval = true;
    bool ok = false;
    st = a->o.approve(a->o.approve_ud, c, &ok);
    if (st != PLAN_OK) {
      plan__error_set(a->err, st, 0, 0,
                      "agent: the approval callback "
                      "failed");
      plan__free(action);
      plan__buf_free(&pred);
      return st;
    }
    c->approved = ok;
    if (!ok)
      c->verdict = "not approved";
  }
  if (!c->verdict) {
    c->verdict = "commit";
    *commit = true;
  }
  a->res->checks++;
  json_t *j = json_pack(
      "{s:I, s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:I, s:f, s:f, s:f, s:f, "
      "s:b, s:b, s:b, s:b, s:s}",
      "step", (json_int_t)step, "action", action, "effect", "irreversible",
      "simulations", (json_int_t)c->simulations, "votes", (json_int_t)c->votes,
      "agree", (json_int_t)c->agree, "value", c->value, "value_se", c->value_se,
      "value_samples", (json_int_t)c->value_samples, "threshold",
      a->o.threshold, "plan_value", c->plan_value, "runner_up", c->runner_up,
      "margin", c->margin_se, "goal", (int)c->goal, "pass_agree",
      (int)c->pass_agree, "pass_value", (int)c->pass_value, "pass_margin",
      (int)c->pass_margin, "verdict", c->verdict);
  if (j && c->asked_approval)
    json_object_set_new(j, "approved", json_boolean(c->approved));
  if (j && search_voted)
    json_object_set_new(j, "search_agrees", json_boolean(c->search_agrees));
  trace(a, "commit_check", j);
  c->predicted = NULL;
  c->action = NULL;
  plan__free(action);
  plan__buf_free(&pred);
  return PLAN_OK;
}

/* Commits action: execute, observe, record. *done_env is set when the
 * environment refused it (nothing changed). */
static plan_status commit(agent *a, const char *action, plan__effect eff,
                          const uint64_t *pred_hash, uint32_t step,
                          uint64_t calls0, uint32_t searches,
                          uint32_t refusals) {
  plan__agent_result *r = a->res;
  plan_status st = env_exec(a, action);
  if (st != PLAN_OK && st != PLAN_ENOTFOUND)
    return st;
  plan__agent_step *sp = plan__realloc(r->steps, (r->n_steps + 1) * sizeof *sp);
  if (!sp)
    return PLAN_ENOMEM;
  r->steps = sp;
  plan__agent_step *rec = &sp[r->n_steps];
  memset(rec, 0, sizeof *rec);
  rec->action = plan__strdup(action);
  rec->effect = eff;
  rec->llm_calls = calls_used(a) - calls0;
  rec->searches = searches;
  rec->refusals = refusals;
  rec->refused_by_env = st == PLAN_ENOTFOUND;
  if (!rec->action)
    return PLAN_ENOMEM;
  r->n_steps++;
  a->last_refused = st == PLAN_ENOTFOUND;
  if (st == PLAN_ENOTFOUND) {
    if (plan__grow((void **)&a->env_refused, &a->cap_env_refused,
                   a->n_env_refused + 1, sizeof *a->env_refused) != PLAN_OK)
      return PLAN_ENOMEM;
    char *dup = plan__strdup(action);
    if (!dup)
      return PLAN_ENOMEM;
    a->env_refused[a->n_env_refused].hash = a->cur.hash;
    a->env_refused[a->n_env_refused].action = dup;
    a->n_env_refused++;
  }
  plan__domain_state ds;
  memset(&ds, 0, sizeof ds);
  plan_status rd = PLAN_OK;
  if (st == PLAN_OK) {
    if (eff == PLAN__EFFECT_IRREVERSIBLE)
      r->irreversible_commits++;
    rec->observation =
        plan__strndup(a->obs.data ? a->obs.data : "", a->obs.len);
    if (!rec->observation)
      return PLAN_ENOMEM;
    /* Remember it (the domain's prefix too: the prompts' history). */
    if (plan__grow((void **)&a->committed, &a->cap_committed,
                   a->n_committed + 1, sizeof *a->committed) != PLAN_OK)
      return PLAN_ENOMEM;
    a->committed[a->n_committed] = plan__strdup(action);
    if (!a->committed[a->n_committed])
      return PLAN_ENOMEM;
    a->n_committed++;
    if (plan__domain_push_prefix(a->p->dom, action) != PLAN_OK)
      return PLAN_ENOMEM;
    rd = plan__domain_state_from_text(a->p->dom, rec->observation, a->obs.len,
                                      &ds);
  }
  /* Fidelity: the prediction against what happened. */
  a->last_matched = false;
  if (pred_hash) {
    rec->predicted = true;
    rec->matched = st == PLAN_OK && rd == PLAN_OK && ds.hash == *pred_hash;
    a->last_matched = rec->matched;
    plan__agent_schema_trust *t = trust_entry(a, action, true);
    if (!t) {
      plan__domain_state_free(&ds);
      return PLAN_ENOMEM;
    }
    t->checked++;
    r->predictions_checked++;
    if (!rec->matched) {
      t->wrong++;
      r->predictions_wrong++;
    }
    json_t *j =
        json_pack("{s:I, s:s, s:b, s:I, s:I}", "step", (json_int_t)step,
                  "schema", t->schema, "matched", (int)rec->matched, "checked",
                  (json_int_t)t->checked, "wrong", (json_int_t)t->wrong);
    trace(a, "fidelity", j);
  }
  json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:I, s:I, s:I}", "step",
                        (json_int_t)step, "action", action, "effect",
                        effect_name(eff), "applied", (int)(st == PLAN_OK),
                        "llm_calls", (json_int_t)rec->llm_calls, "searches",
                        (json_int_t)searches, "refusals", (json_int_t)refusals);
  trace(a, "commit", j);
  if (st == PLAN_OK && rd == PLAN_OK) {
    plan__domain_state_free(&a->cur);
    a->cur = ds;
  } else {
    plan__domain_state_free(&ds);
  }
  if (rd == PLAN_EPARSE)
    return agent_fail(a, PLAN_EPARSE,
                      "agent: the observation after %s cannot be read as a "
                      "state",
                      action);
  return rd;
}

/* The goal test on the current state: the environment's when it has one,
 * else the goal component on a one-node search. */
static plan_status at_goal(agent *a, bool *out) {
  *out = false;
  if (plan__env_caps(a->env) & PLAN_ENV_CAP_DONE) {
    plan_error e;
    memset(&e, 0, sizeof e);
    plan_status st = plan__env_done(a->env, out, &e);
    if (st != PLAN_OK)
      plan__error_set(a->err, st, 0, 0, "%s", e.text);
    return st;
  }
  return PLAN_OK; /* the step's search tells (a goal root) */
}

/* ---- plan reuse ------------------------------------------------------------
 */

static void plan_clear(agent *a) {
  for (size_t i = 0; i < a->plan_n; i++)
    plan__free(a->plan_act[i]);
  a->plan_n = a->plan_i = 0;
}

/* Keeps the goal plan of res after its first action (committed now). */
static plan_status plan_keep(agent *a, plan__search *s,
                             const plan__result *res) {
  size_t n = res->n_steps - 1;
  if (n > a->plan_cap) {
    char **pa = plan__realloc(a->plan_act, n * sizeof *pa);
    if (!pa)
      return PLAN_ENOMEM;
    a->plan_act = pa;
    uint64_t *ph = plan__realloc(a->plan_hash, n * sizeof *ph);
    if (!ph)
      return PLAN_ENOMEM;
    a->plan_hash = ph;
    a->plan_cap = n;
  }
  for (size_t i = 0; i < n; i++) {
    const plan__node *nd = plan__search_node(s, res->path[i + 1]);
    a->plan_act[i] = plan__strdup(nd->action);
    if (!a->plan_act[i]) {
      a->plan_n = i;
      plan_clear(a);
      return PLAN_ENOMEM;
    }
    a->plan_hash[i] = nd->state_hash;
    a->plan_n = i + 1;
  }
  return PLAN_OK;
}

/* Follows the kept plan for this step when its predictions came true and
 * its next action needs no search. *done: an action was committed. */
static plan_status plan_follow(agent *a, uint32_t step, bool *done) {
  *done = false;
  if (a->plan_i >= a->plan_n || !a->last_matched) {
    plan_clear(a);
    return PLAN_OK;
  }
  const char *action = a->plan_act[a->plan_i];
  plan__effect eff = plan__env_effect(a->env, action);
  if (eff == PLAN__EFFECT_IRREVERSIBLE && a->o.policy == PLAN__POLICY_BARRIER) {
    plan_clear(a); /* the barrier needs a search's alternatives */
    return PLAN_OK;
  }
  for (size_t k = 0; k < a->n_env_refused; k++)
    if (a->env_refused[k].hash == a->cur.hash &&
        !strcmp(a->env_refused[k].action, action)) {
      plan_clear(a);
      return PLAN_OK;
    }
  uint64_t ph = a->plan_hash[a->plan_i];
  char *act = plan__strdup(action);
  if (!act)
    return PLAN_ENOMEM;
  a->plan_i++;
  trace(a, "follow_plan",
        json_pack("{s:I, s:s, s:I}", "step", (json_int_t)step, "action", act,
                  "left", (json_int_t)(a->plan_n - a->plan_i)));
  plan_status st = commit(a, act, eff, &ph, step, calls_used(a), 0, 0);
  plan__free(act);
  *done = true;
  return st;
}

/* The ranked first actions of a step's search, for the trace. */
static void trace_decision(agent *a, plan__search *s, uint32_t step,
                           uint32_t attempt, const plan__first_action *fa,
                           size_t n) {
  if (!a->p->trace)
    return;
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n && i < 8; i++) {
    const plan__node *nd = plan__search_node(s, fa[i].child);
    json_array_append_new(
        arr, json_pack("{s:s, s:f, s:f, s:I, s:b, s:I}", "action", nd->action,
                       "value", fa[i].value, "spread", fa[i].spread, "samples",
                       (json_int_t)fa[i].samples, "goal", (int)fa[i].goal,
                       "best", (json_int_t)fa[i].best));
  }
  plan__result res;
  plan__search_result(s, &res);
  trace(a, "decision",
        json_pack("{s:I, s:I, s:o, s:s, s:b}", "step", (json_int_t)step,
                  "attempt", (json_int_t)attempt, "first_actions",
                  arr ? arr : json_null(), "stop", plan__stop_name(res.stop),
                  "solved", (int)res.solved));
}

/* Records a refusal of action at this step. */
static plan_status note_refusal(excluded **ex, size_t *n_ex, const char *action,
                                uint32_t attempt) {
  size_t i = excluded_index(*ex, *n_ex, action);
  excluded *x = i < *n_ex ? &(*ex)[i] : NULL;
  if (!x) {
    excluded *nx = plan__realloc(*ex, (*n_ex + 1) * sizeof *nx);
    if (!nx)
      return PLAN_ENOMEM;
    *ex = nx;
    char *dup = plan__strdup(action);
    if (!dup)
      return PLAN_ENOMEM;
    x = &nx[(*n_ex)++];
    x->action = dup;
    x->refusals = 0;
  }
  x->refusals++;
  x->attempt = attempt;
  return PLAN_OK;
}

/* Orders the first actions of search s for this step: drops the ones the
 * environment refused here and the ones the barrier refused twice; puts
 * the goal plan's first action first; moves actions that lead back to a
 * state reached twice already behind the others (oscillation). */
static size_t rank_candidates(agent *a, plan__search *s,
                              const plan__result *res, plan__first_action *fa,
                              size_t n_fa, const excluded *ex, size_t n_ex) {
  size_t m = 0;
  for (size_t i = 0; i < n_fa; i++) {
    const plan__node *nd = plan__search_node(s, fa[i].child);
    const excluded *x = find_excluded(ex, n_ex, nd->action);
    if (x && x->refusals >= 2)
      continue;
    bool impossible = false;
    for (size_t k = 0; k < a->n_env_refused && !impossible; k++)
      impossible = a->env_refused[k].hash == a->cur.hash &&
                   !strcmp(a->env_refused[k].action, nd->action);
    if (!impossible)
      fa[m++] = fa[i];
  }
  if (res->solved && res->n_steps > 0)
    for (size_t i = 1; i < m; i++)
      if (fa[i].child == res->path[0]) {
        plan__first_action t = fa[i];
        memmove(&fa[1], &fa[0], i * sizeof *fa);
        fa[0] = t;
        break;
      }
  /* Stable partition: candidates into states reached twice go last. */
  size_t k = 0;
  for (size_t pass = 0; pass < 2; pass++)
    for (size_t i = k; i < m; i++) {
      bool worn =
          visit_count(a, plan__search_node(s, fa[i].child)->state_hash) >= 2;
      if ((pass == 0) != worn) {
        plan__first_action t = fa[i];
        memmove(&fa[k + 1], &fa[k], (i - k) * sizeof *fa);
        fa[k++] = t;
      }
    }
  return m;
}

static plan_status run_step(agent *a, uint32_t step, bool *finished) {
  plan__agent_result *r = a->res;
  uint64_t calls0 = calls_used(a);
  excluded *ex = NULL;
  size_t n_ex = 0;
  uint32_t refusals = 0, searches = 0;
  plan_status st = PLAN_OK;
  const char *last_verdict = NULL;
  char last_action[160] = "";
  *finished = false;
  bool followed = false;
  st = plan_follow(a, step, &followed);
  if (st != PLAN_OK || followed)
    return st;
  bool committed = false;
  for (uint32_t attempt = 0; !committed && attempt <= a->o.max_refusals &&
                             attempt < AGENT_MAX_ATTEMPTS;
       attempt++) {
    plan__search *s = NULL;
    st = step_search(a, step, attempt, &s);
    searches++;
    if (st != PLAN_OK) {
      plan__search_free(s);
      break;
    }
    plan__result res;
    plan__search_result(s, &res);
    if (res.solved && res.n_steps == 0) {
      plan__search_free(s);
      agent_end(a, PLAN__AGENT_GOAL, "the goal holds (goal test)");
      *finished = true;
      break;
    }
    plan__first_action *fa = NULL;
    size_t n_fa = 0;
    if ((st = plan__search_first_actions(s, &fa, &n_fa)) != PLAN_OK) {
      plan__search_free(s);
      break;
    }
    n_fa = rank_candidates(a, s, &res, fa, n_fa, ex, n_ex);
    trace_decision(a, s, step, attempt, fa, n_fa);
    /* The candidates in order: the first that needs no check or passes
     * the barrier is committed; a refusal moves on to the next one. */
    for (size_t ci = 0; ci < n_fa && st == PLAN_OK && !committed; ci++) {
      const plan__node *nd = plan__search_node(s, fa[ci].child);
      const excluded *x = find_excluded(ex, n_ex, nd->action);
      if (x && x->attempt == attempt)
        continue;
      plan__effect eff = plan__env_effect(a->env, nd->action);
      if (a->o.policy == PLAN__POLICY_BARRIER &&
          eff == PLAN__EFFECT_IRREVERSIBLE) {
        plan__commit_check c;
        bool go = false;
        st = barrier(a, s, fa, n_fa, ci, step, attempt, &c, &go);
        if (st != PLAN_OK)
          break;
        if (!go) {
          refusals++;
          r->refusals++;
          last_verdict = c.verdict;
          snprintf(last_action, sizeof last_action, "%s", nd->action);
          st = note_refusal(&ex, &n_ex, nd->action, attempt);
          continue;
        }
      }
      char *action = plan__strdup(nd->action);
      if (!action) {
        st = PLAN_ENOMEM;
        break;
      }
      uint64_t ph = nd->state_hash;
      bool have = (nd->flags & PLAN__NODE_HAS_STATE) != 0;
      plan_clear(a);
      if (res.solved && res.n_steps > 1 && res.path[0] == fa[ci].child &&
          a->o.policy != PLAN__POLICY_WEBDREAMER)
        st = plan_keep(a, s, &res);
      if (st == PLAN_OK)
        st = commit(a, action, eff, have ? &ph : NULL, step, calls0, searches,
                    refusals);
      plan__free(action);
      committed = true;
    }
    plan__free(fa);
    plan__search_free(s);
    if (st != PLAN_OK)
      break;
  }
  if (st == PLAN_OK && !committed && !*finished) {
    if (last_verdict)
      agent_end(a, PLAN__AGENT_REFUSED,
                "the barrier refused every way forward after %u searches "
                "(last: %s: %s)",
                searches, last_action, last_verdict);
    else
      agent_end(a, PLAN__AGENT_STUCK,
                "no applicable action was found from the current state");
    *finished = true;
  }
  excluded_free(ex, n_ex);
  return st;
}

/* ======================================================================
 * The loop
 * ====================================================================== */

plan_status plan__agent_run(const plan__agent_options *o,
                            const plan__agent_parts *p, plan_env *env,
                            plan__agent_result *out, plan_error *err) {
  if (!out)
    return PLAN_EMISUSE;
  memset(out, 0, sizeof *out);
  plan_error dummy;
  if (!err)
    err = &dummy;
  memset(err, 0, sizeof *err);
  if (!p || !env || !p->dom || !p->proposer || !p->world ||
      !p->proposer->propose || !p->world->simulate) {
    out->outcome = PLAN__AGENT_ERROR;
    snprintf(out->message, sizeof out->message,
             "agent: a domain, a proposer, a world model and an "
             "environment are required");
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "%s", out->message);
  }
  agent a;
  memset(&a, 0, sizeof a);
  if (o)
    a.o = *o;
  else
    plan__agent_options_default(&a.o);
  if (a.o.simulations == 0)
    a.o.simulations = 3;
  if (a.o.max_steps == 0)
    a.o.max_steps = 30;
  a.p = p;
  a.env = env;
  a.res = out;
  a.err = err;
  a.probe_all = a.o.policy == PLAN__POLICY_KOH;
  a.envworld.name = a.probe_all ? "environment" : "environment+model";
  a.envworld.simulate = envworld_simulate;
  a.envworld.self = &a;
  plan__buf_init(&a.obs, 0);
  a.t0 = plan__now_ns(a.o.search.clock);
  if (p->sched)
    plan_scheduler_stats_get(p->sched, &a.base);
  plan__domain_clear_prefix(p->dom);

  plan_status st = PLAN_OK;
  if (a.probe_all && !can_undo(&a))
    st = agent_fail(&a, PLAN_EINVAL,
                    "agent: the koh policy needs an environment that can "
                    "snapshot or reset");
  json_t *j =
      json_pack("{s:s, s:f, s:I, s:f, s:I}", "policy",
                plan__agent_policy_name(a.o.policy), "threshold", a.o.threshold,
                "simulations", (json_int_t)a.o.simulations, "agree", a.o.agree,
                "max_steps", (json_int_t)a.o.max_steps);
  if (j)
    json_object_set_new(j, "env", json_string(plan__env_describe(env)));
  trace(&a, "agent_start", j);

  plan_error e;
  for (uint32_t step = 0; st == PLAN_OK; step++) {
    /* Observe and read. */
    memset(&e, 0, sizeof e);
    st = plan__env_observe(env, &a.obs, &e);
    if (st != PLAN_OK) {
      st = agent_fail(&a, st, "%s", e.text);
      break;
    }
    plan__domain_state ds;
    st = plan__domain_state_from_text(p->dom, a.obs.data ? a.obs.data : "",
                                      a.obs.len, &ds);
    if (st == PLAN_EPARSE) {
      st = agent_fail(&a, st,
                      "agent: the observation cannot be read as a state: "
                      "%.120s",
                      a.obs.data ? a.obs.data : "");
      break;
    }
    if (st != PLAN_OK)
      break;
    plan__domain_state_free(&a.cur);
    a.cur = ds;
    bool goal = false;
    if ((st = at_goal(&a, &goal)) != PLAN_OK) {
      st = agent_fail(&a, st, "%s", err->text);
      break;
    }
    if (goal) {
      agent_end(&a, PLAN__AGENT_GOAL, "the environment reports the goal");
      break;
    }
    uint32_t seen = 0;
    if (a.last_refused)
      seen = visit_count(&a, a.cur.hash); /* nothing happened */
    else if ((st = visit_add(&a, a.cur.hash, &seen)) != PLAN_OK)
      break;
    if (seen > a.o.max_revisits) {
      agent_end(&a, PLAN__AGENT_OSCILLATING,
                "the same state was reached %u times: the agent is going in "
                "circles",
                seen);
      break;
    }
    if (step >= a.o.max_steps) {
      agent_end(&a, PLAN__AGENT_STEPS,
                "%u actions committed without "
                "reaching the goal",
                a.o.max_steps);
      break;
    }
    if ((a.o.max_llm_calls && calls_used(&a) >= a.o.max_llm_calls) ||
        (a.o.max_tokens && tokens_used(&a) >= a.o.max_tokens) ||
        (a.o.max_wall_ms &&
         (plan__now_ns(a.o.search.clock) - a.t0) / 1000000u >=
             a.o.max_wall_ms)) {
      agent_end(&a, PLAN__AGENT_BUDGET, "a whole-run budget ran out");
      break;
    }
    bool finished = false;
    st = run_step(&a, step, &finished);
    if (st != PLAN_OK) {
      if (out->outcome != PLAN__AGENT_ERROR)
        agent_fail(&a, st, "%s",
                   err->text[0] ? err->text : plan_status_name(st));
      break;
    }
    if (finished)
      break;
  }

  /* Every failure ends as an error with a message, whichever path it
   * took (an allocation inside the loop's own bookkeeping included). */
  if (st != PLAN_OK && out->outcome != PLAN__AGENT_ERROR)
    agent_fail(&a, st, "agent: %s",
               err->text[0] ? err->text : plan_status_name(st));
  if (st != PLAN_OK && !out->message[0])
    snprintf(out->message, sizeof out->message, "agent: %s",
             plan_status_name(st));
  out->llm_calls = calls_used(&a);
  out->tokens = tokens_used(&a);
  out->wall_s = (double)(plan__now_ns(a.o.search.clock) - a.t0) / 1e9;
  plan__env_stats_get(env, &out->env);
  json_t *r = json_pack(
      "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "outcome",
      plan__agent_outcome_name(out->outcome), "message", out->message, "steps",
      (json_int_t)out->n_steps, "llm_calls", (json_int_t)out->llm_calls,
      "searches", (json_int_t)out->searches, "refusals",
      (json_int_t)out->refusals, "irreversible_commits",
      (json_int_t)out->irreversible_commits, "env_steps",
      (json_int_t)out->env.steps, "real_probes", (json_int_t)out->real_probes);
  trace(&a, "agent_result", r);

  for (size_t i = 0; i < a.n_committed; i++)
    plan__free(a.committed[i]);
  plan__free(a.committed);
  plan__free(a.visits);
  plan_clear(&a);
  plan__free(a.plan_act);
  plan__free(a.plan_hash);
  for (size_t i = 0; i < a.n_env_refused; i++)
    plan__free(a.env_refused[i].action);
  plan__free(a.env_refused);
  plan__free(a.real);
  plan__free(a.snaps);
  plan__domain_state_free(&a.cur);
  plan__buf_free(&a.obs);
  return st;
}

void plan__agent_result_free(plan__agent_result *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_steps; i++) {
    plan__free(r->steps[i].action);
    plan__free(r->steps[i].observation);
  }
  plan__free(r->steps);
  for (size_t i = 0; i < r->n_trust; i++)
    plan__free(r->trust[i].schema);
  plan__free(r->trust);
  memset(r, 0, sizeof *r);
}
