/* worldmodel/env/pddl_env.c: a PDDL task as the real world.
 *
 * The exact simulator (worldmodel/pddl) stands in for the world an agent
 * acts in: `plan --task FILE --act` and the agent tests run the agent loop
 * against it. The observation is the state in the text the pddl search
 * domains give their nodes (plan__pddl_text_state: PlanBench's words with
 * a config, PDDL atoms without), actions are ground actions written in
 * PDDL ("(unstack a b)") or in the config's words, and each action schema
 * has an effect class from the options.
 *
 * Because the world is exact, it also knows what an agent cannot: whether
 * the goal is still reachable. With track_dead_ends every executed action
 * is checked by an exhaustive search over the reachable states
 * (plan__pddl_goal_reachable), and an action that makes the goal
 * unreachable counts as a dead-end commit, the measure of how often the
 * commit barrier let a fatal action through.
 */
#include <string.h>

#include "planner/api_int.h"
#include "planner/components/components.h"
#include "worldmodel/env/env.h"

#define DEFAULT_MAX_STATES ((size_t)1000000)
#define MAX_SNAPSHOTS ((size_t)1 << 20)

/* Whether the goal is reachable from a state, once someone asked. */
typedef enum reach { REACH_UNKNOWN = 0, REACH_YES, REACH_NO } reach;

typedef struct snapshot {
  uint64_t *state;
  reach reach;
} snapshot;

typedef struct pddl_env {
  const plan__pddl_task *task; /* retained */
  const plan__pb_config *cfg;  /* retained, may be NULL */
  /* The schemas the task (or the config) knows, borrowed from them, and
   * the effect class of each. */
  const char **schemas;
  plan__effect *effects;
  size_t n_schemas;
  plan__effect default_effect;
  bool snapshots_on, reset_on, track;
  size_t max_states;
  uint64_t *state;   /* the world, task->n_words words */
  uint64_t *scratch; /* the successor being checked */
  reach reach;       /* of state */
  snapshot *snaps;   /* id i + 1 is snaps[i] */
  size_t n_snaps, cap_snaps;
  uint64_t dead_end_commits;
  char *desc;
} pddl_env;

static long schema_index(const pddl_env *pe, const char *word, size_t n) {
  for (size_t i = 0; i < pe->n_schemas; i++)
    if (plan__env_word_eq(word, n, pe->schemas[i]))
      return (long)i;
  return -1;
}

/* The effect class of a ground action. */
static plan__effect action_effect(const pddl_env *pe, size_t id) {
  const char *schema = pe->task->actions[id].schema;
  long i = schema_index(pe, schema, strlen(schema));
  return i >= 0 ? pe->effects[i] : pe->default_effect;
}

/* The ground action text names: -1 none, -2 out of memory. */
static long lookup(const pddl_env *pe, const char *action) {
  return plan__pddl_text_to_action(pe->cfg, pe->task, action, strlen(action));
}

/* ======================================================================
 * Reachability
 * ====================================================================== */

/* The visited states of a search: a flat array of bitsets (also the BFS
 * queue) and an open-addressing table of their indices + 1. */
typedef struct visited {
  size_t w; /* words per state */
  uint64_t *states;
  size_t n;         /* states */
  size_t cap_words; /* capacity of states, in words */
  uint32_t *slots;
  size_t n_slots; /* a power of two, at least 2 * n */
} visited;

static size_t slot_of(const visited *v, const uint64_t *s) {
  return (size_t)plan__hash64(s, v->w * sizeof *s, 0) & (v->n_slots - 1);
}

static plan_status visited_rehash(visited *v, size_t n_slots) {
  uint32_t *slots = plan__calloc(n_slots, sizeof *slots);
  if (!slots)
    return PLAN_ENOMEM;
  plan__free(v->slots);
  v->slots = slots;
  v->n_slots = n_slots;
  for (size_t i = 0; i < v->n; i++) {
    size_t j = slot_of(v, v->states + i * v->w);
    while (v->slots[j])
      j = (j + 1) & (n_slots - 1);
    v->slots[j] = (uint32_t)(i + 1);
  }
  return PLAN_OK;
}

/* Adds s unless it is there. *added says which; PLAN_EBUDGET when a new
 * state would pass max. */
static plan_status visited_add(visited *v, const uint64_t *s, size_t max,
                               bool *added) {
  *added = false;
  size_t j = slot_of(v, s);
  while (v->slots[j]) {
    if (!memcmp(v->states + (size_t)(v->slots[j] - 1) * v->w, s,
                v->w * sizeof *s))
      return PLAN_OK;
    j = (j + 1) & (v->n_slots - 1);
  }
  if (v->n >= max)
    return PLAN_EBUDGET;
  void *p = v->states;
  if (plan__grow(&p, &v->cap_words, (v->n + 1) * v->w, sizeof *v->states) !=
      PLAN_OK)
    return PLAN_ENOMEM;
  v->states = p;
  memcpy(v->states + v->n * v->w, s, v->w * sizeof *s);
  v->slots[j] = (uint32_t)(v->n + 1);
  v->n++;
  *added = true;
  if (2 * v->n > v->n_slots)
    return visited_rehash(v, v->n_slots * 2);
  return PLAN_OK;
}

plan_status plan__pddl_goal_reachable(const plan__pddl_task *task,
                                      const uint64_t *state, size_t max_states,
                                      bool *out) {
  *out = true;
  if (plan__pddl_goal_reached(task, state))
    return PLAN_OK;
  if (task->n_words == 0 || task->n_actions == 0) {
    *out = false; /* nothing can change */
    return PLAN_OK;
  }
  size_t max = max_states ? max_states : DEFAULT_MAX_STATES;
  if (max > UINT32_MAX - 1)
    max = UINT32_MAX - 1;
  visited v = {task->n_words, NULL, 0, 0, NULL, 0};
  uint32_t *app = plan__calloc(task->n_actions, sizeof *app);
  uint64_t *next = plan__calloc(task->n_words, sizeof *next);
  plan_status st = app && next ? visited_rehash(&v, 1024) : PLAN_ENOMEM;
  bool added = false;
  if (st == PLAN_OK)
    st = visited_add(&v, state, max, &added);
  bool found = false;
  /* Breadth first: v.states is the queue, i its head. */
  for (size_t i = 0; st == PLAN_OK && !found && i < v.n; i++) {
    size_t n = plan__pddl_applicable_actions(task, v.states + i * v.w, app,
                                             task->n_actions);
    for (size_t k = 0; k < n && st == PLAN_OK; k++) {
      plan__pddl_apply(task, v.states + i * v.w, app[k], next);
      st = visited_add(&v, next, max, &added);
      if (st == PLAN_OK && added && plan__pddl_goal_reached(task, next)) {
        found = true;
        break;
      }
    }
  }
  if (st == PLAN_OK)
    *out = found;
  plan__free(v.states);
  plan__free(v.slots);
  plan__free(app);
  plan__free(next);
  return st;
}

/* The reachability of s as the environment's reach: a search that hits
 * its cap counts as reachable (unknown is not a dead end). */
static plan_status reach_of(const pddl_env *pe, const uint64_t *s, reach *out) {
  bool yes = true;
  plan_status st = plan__pddl_goal_reachable(pe->task, s, pe->max_states, &yes);
  if (st == PLAN_ENOMEM)
    return st;
  *out = yes ? REACH_YES : REACH_NO;
  return PLAN_OK;
}

/* ======================================================================
 * The vtable
 * ====================================================================== */

/* Writes the observation of pe's state into out. A fact the config cannot
 * put in words is the config's fault, not a refused action. */
static plan_status render(pddl_env *pe, plan_state_buf *out, plan_error *err) {
  if (out->magic != PLAN__STATE_BUF_MAGIC)
    return PLAN_EMISUSE;
  plan_status st = plan__pddl_text_state(pe->cfg, pe->task, pe->state, &out->b);
  if (st == PLAN_ENOTFOUND)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "the config cannot put the state in words");
  return st;
}

static plan_status pddl_observe(void *self, plan_state_buf *out,
                                plan_error *err) {
  return render(self, out, err);
}

/* Why action id cannot be done in s: its first false precondition. */
static void why_not(const pddl_env *pe, size_t id, plan_error *err) {
  const plan__pddl_action *a = &pe->task->actions[id];
  for (size_t i = 0; i < a->n_pre; i++)
    if (!plan__pddl_state_has(pe->state, a->pre[i])) {
      plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                      "%s is not applicable: precondition %s is false", a->name,
                      pe->task->facts[a->pre[i]].name);
      return;
    }
  for (size_t i = 0; i < a->n_pre_neg; i++)
    if (plan__pddl_state_has(pe->state, a->pre_neg[i])) {
      plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                      "%s is not applicable: precondition (not %s) is false",
                      a->name, pe->task->facts[a->pre_neg[i]].name);
      return;
    }
  plan__error_set(err, PLAN_ENOTFOUND, 0, 0, "%s is not applicable", a->name);
}

static plan_status pddl_execute(void *self, const char *action,
                                plan_state_buf *out, plan_error *err) {
  pddl_env *pe = self;
  long id = lookup(pe, action);
  if (id == -2)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  if (id < 0) {
    const char *w;
    size_t n;
    plan__cmd_first_word(action, &w, &n);
    if (n && schema_index(pe, w, n) >= 0)
      return plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                             "\"%.60s\" is no ground action of the task "
                             "(objects or arity)",
                             action);
    return plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                           "unknown action \"%.60s\"", action);
  }
  if (!plan__pddl_applicable(pe->task, pe->state, (size_t)id)) {
    why_not(pe, (size_t)id, err);
    return PLAN_ENOTFOUND;
  }
  plan__pddl_apply(pe->task, pe->state, (size_t)id, pe->scratch);
  reach after = REACH_UNKNOWN;
  if (pe->track) {
    /* A state from which the goal is unreachable has only such
     * successors, so only a reachable "before" needs a search. */
    if (pe->reach == REACH_UNKNOWN &&
        reach_of(pe, pe->state, &pe->reach) != PLAN_OK)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0,
                             "out of memory checking reachability");
    after = REACH_NO;
    if (pe->reach == REACH_YES && reach_of(pe, pe->scratch, &after) != PLAN_OK)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0,
                             "out of memory checking reachability");
    if (pe->reach == REACH_YES && after == REACH_NO)
      pe->dead_end_commits++;
  }
  memcpy(pe->state, pe->scratch, pe->task->n_words * sizeof *pe->state);
  pe->reach = after;
  return render(pe, out, err);
}

static plan_status pddl_effect(void *self, const char *action, plan_effect *out,
                               plan_error *err) {
  pddl_env *pe = self;
  long id = lookup(pe, action);
  plan__effect e = PLAN__EFFECT_IRREVERSIBLE;
  if (id == -2)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  if (id >= 0) {
    e = action_effect(pe, (size_t)id);
  } else {
    /* Not a ground action, but maybe one of a known schema with other
     * objects: its schema's class. Anything else is irreversible. */
    const char *w;
    size_t n;
    plan__cmd_first_word(action, &w, &n);
    long s = n ? schema_index(pe, w, n) : -1;
    if (s >= 0)
      e = pe->effects[s];
  }
  *out = e == PLAN__EFFECT_PURE         ? PLAN_EFFECT_PURE
         : e == PLAN__EFFECT_REVERSIBLE ? PLAN_EFFECT_REVERSIBLE
                                        : PLAN_EFFECT_IRREVERSIBLE;
  return PLAN_OK;
}

static plan_status pddl_snapshot(void *self, uint64_t *id, plan_error *err) {
  pddl_env *pe = self;
  if (pe->n_snaps >= MAX_SNAPSHOTS)
    return plan__error_set(err, PLAN_EBUDGET, 0, 0, "too many snapshots (%zu)",
                           pe->n_snaps);
  void *p = pe->snaps;
  if (plan__grow(&p, &pe->cap_snaps, pe->n_snaps + 1, sizeof *pe->snaps) !=
      PLAN_OK)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  pe->snaps = p;
  uint64_t *copy =
      plan__calloc(pe->task->n_words ? pe->task->n_words : 1, sizeof *copy);
  if (!copy)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  memcpy(copy, pe->state, pe->task->n_words * sizeof *copy);
  pe->snaps[pe->n_snaps].state = copy;
  pe->snaps[pe->n_snaps].reach = pe->reach;
  pe->n_snaps++;
  *id = pe->n_snaps;
  return PLAN_OK;
}

static plan_status pddl_restore(void *self, uint64_t id, plan_error *err) {
  pddl_env *pe = self;
  if (id == 0 || id > pe->n_snaps)
    return plan__error_set(err, PLAN_ENOTFOUND, 0, 0, "no snapshot %llu",
                           (unsigned long long)id);
  const snapshot *s = &pe->snaps[id - 1];
  memcpy(pe->state, s->state, pe->task->n_words * sizeof *pe->state);
  pe->reach = s->reach;
  return PLAN_OK;
}

static plan_status pddl_reset(void *self, plan_error *err) {
  pddl_env *pe = self;
  (void)err;
  plan__pddl_state_init(pe->task, pe->state);
  pe->reach = REACH_UNKNOWN;
  return PLAN_OK;
}

static plan_status pddl_done(void *self, bool *out, plan_error *err) {
  pddl_env *pe = self;
  (void)err;
  *out = plan__pddl_goal_reached(pe->task, pe->state);
  return PLAN_OK;
}

static void pddl_destroy(void *self) {
  pddl_env *pe = self;
  if (!pe)
    return;
  for (size_t i = 0; i < pe->n_snaps; i++)
    plan__free(pe->snaps[i].state);
  plan__free(pe->snaps);
  plan__free(pe->schemas);
  plan__free(pe->effects);
  plan__free(pe->state);
  plan__free(pe->scratch);
  plan__free(pe->desc);
  plan__free(pe);
}

static const char *pddl_describe(void *self) {
  return ((pddl_env *)self)->desc;
}

/* Capabilities differ per environment (options snapshots and reset), and
 * the vtable holds them: one static vtable per combination (index: 1
 * snapshots, 2 reset), so plan__env_self_if recognises a PDDL handle by
 * its vtable. */
static const plan_env_vtbl pddl_vtbls[4] = {
    {PLAN_ENV_ABI_VERSION, "pddl", PLAN_ENV_CAP_DONE, pddl_observe,
     pddl_execute, pddl_effect, pddl_snapshot, pddl_restore, pddl_reset,
     pddl_done, pddl_destroy, pddl_describe},
    {PLAN_ENV_ABI_VERSION, "pddl", PLAN_ENV_CAP_DONE | PLAN_ENV_CAP_SNAPSHOT,
     pddl_observe, pddl_execute, pddl_effect, pddl_snapshot, pddl_restore,
     pddl_reset, pddl_done, pddl_destroy, pddl_describe},
    {PLAN_ENV_ABI_VERSION, "pddl", PLAN_ENV_CAP_DONE | PLAN_ENV_CAP_RESET,
     pddl_observe, pddl_execute, pddl_effect, pddl_snapshot, pddl_restore,
     pddl_reset, pddl_done, pddl_destroy, pddl_describe},
    {PLAN_ENV_ABI_VERSION, "pddl",
     PLAN_ENV_CAP_DONE | PLAN_ENV_CAP_SNAPSHOT | PLAN_ENV_CAP_RESET,
     pddl_observe, pddl_execute, pddl_effect, pddl_snapshot, pddl_restore,
     pddl_reset, pddl_done, pddl_destroy, pddl_describe}};

static pddl_env *pddl_self(plan_env *env) {
  for (size_t i = 0; i < PLAN_ARRAY_LEN(pddl_vtbls); i++) {
    pddl_env *pe = plan__env_self_if(env, &pddl_vtbls[i]);
    if (pe)
      return pe;
  }
  return NULL;
}

/* ======================================================================
 * Creation and the PDDL-only calls
 * ====================================================================== */

/* Collects the schema names of the task's actions and the config's
 * (borrowed), once each. */
static plan_status collect_schemas(pddl_env *pe) {
  size_t cap = pe->task->n_actions + (pe->cfg ? pe->cfg->n_actions : 0) + 1;
  pe->schemas = plan__calloc(cap, sizeof *pe->schemas);
  pe->effects = plan__calloc(cap, sizeof *pe->effects);
  if (!pe->schemas || !pe->effects)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < cap - 1; i++) {
    const char *s = i < pe->task->n_actions
                        ? pe->task->actions[i].schema
                        : pe->cfg->actions[i - pe->task->n_actions].key;
    if (schema_index(pe, s, strlen(s)) < 0) {
      pe->effects[pe->n_schemas] = pe->default_effect;
      pe->schemas[pe->n_schemas++] = s;
    }
  }
  return PLAN_OK;
}

plan_status plan__pddl_env_create(const plan__pddl_task *task,
                                  const plan__pb_config *cfg,
                                  const plan__pddl_env_options *o,
                                  plan_env **out, plan_error *err) {
  if (out)
    *out = NULL;
  if (!task || !out)
    return plan__error_set(err, PLAN_EMISUSE, 0, 0,
                           "pddl env: NULL task or out");
  plan__pddl_env_options defaults;
  memset(&defaults, 0, sizeof defaults);
  defaults.default_effect = PLAN__EFFECT_REVERSIBLE;
  if (!o)
    o = &defaults;
  if (o->n_schemas && (!o->schemas || !o->effects))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "pddl env: n_schemas without schemas or effects");
  plan_status st = PLAN_ENOMEM;
  pddl_env *pe = plan__calloc(1, sizeof *pe);
  if (!pe)
    goto fail;
  pe->task = task;
  pe->cfg = cfg;
  pe->default_effect = o->default_effect;
  pe->snapshots_on = o->snapshots;
  pe->reset_on = o->reset;
  pe->track = o->track_dead_ends;
  pe->max_states = o->max_states;
  size_t w = task->n_words ? task->n_words : 1;
  pe->state = plan__calloc(w, sizeof *pe->state);
  pe->scratch = plan__calloc(w, sizeof *pe->scratch);
  if (!pe->state || !pe->scratch || collect_schemas(pe) != PLAN_OK)
    goto fail;
  for (size_t i = 0; i < o->n_schemas; i++) {
    const char *name = o->schemas[i] ? o->schemas[i] : "";
    long k = schema_index(pe, name, strlen(name));
    if (k < 0) {
      st =
          plan__error_set(err, PLAN_EINVAL, 0, 0,
                          "pddl env: the domain has no action \"%.60s\"", name);
      goto fail_quiet;
    }
    pe->effects[k] = o->effects[i];
  }
  plan__pddl_state_init(task, pe->state);
  plan__buf desc;
  plan__buf_init(&desc, 0);
  plan__buf_printf(&desc, "pddl %s",
                   task->problem_name ? task->problem_name : "task");
  if (desc.status != PLAN_OK) {
    plan__buf_free(&desc);
    goto fail;
  }
  pe->desc = plan__buf_take(&desc);
  /* The observation must be expressible from the start. */
  plan__buf text;
  plan__buf_init(&text, 0);
  st = plan__pddl_text_state(cfg, task, pe->state, &text);
  plan__buf_free(&text);
  if (st == PLAN_ENOTFOUND) {
    st = plan__error_set(err, PLAN_EINVAL, 0, 0,
                         "pddl env: the config cannot put the initial state "
                         "in words");
    goto fail_quiet;
  }
  if (st != PLAN_OK)
    goto fail;
  size_t which = (o->snapshots ? 1u : 0u) | (o->reset ? 2u : 0u);
  st = plan__env_wrap(&pddl_vtbls[which], pe, out);
  if (st != PLAN_OK)
    goto fail;
  return PLAN_OK;
fail:
  st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "pddl env: out of memory");
fail_quiet:
  pddl_destroy(pe);
  return st;
}

const uint64_t *plan__pddl_env_state(plan_env *env) {
  pddl_env *pe = pddl_self(env);
  return pe ? pe->state : NULL;
}

bool plan__pddl_env_stats_get(plan_env *env, plan__pddl_env_stats *out) {
  pddl_env *pe = pddl_self(env);
  if (!pe || !out)
    return false;
  memset(out, 0, sizeof *out);
  out->dead_end_commits = pe->dead_end_commits;
  out->at_goal = plan__pddl_goal_reached(pe->task, pe->state);
  if (pe->reach == REACH_UNKNOWN &&
      reach_of(pe, pe->state, &pe->reach) != PLAN_OK) {
    out->goal_reachable = true; /* unknown (no memory): not a dead end */
    return true;
  }
  out->goal_reachable = pe->reach == REACH_YES;
  return true;
}
