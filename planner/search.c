/* planner/search.c: the search core shared by every algorithm: the node
 * store (a growable array of plan__node addressed by id, with all text and
 * exact states in the search's arena), the transposition table that merges
 * equal states, the round (plan__search_expand) with its four batched
 * phases, the setters components call, ranking and result extraction.
 * Budgets and stop reasons live in budget.c, JSONL events in trace.c, the
 * algorithms in one file each (greedy.c, best_first.c, dfs.c, beam.c,
 * mcts.c). Nothing here reads a clock or draws a random number: ties break
 * by node id, so a search replays bit for bit. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/search_int.h"

/* ======================================================================
 * Names, options, value statistics
 * ====================================================================== */

static const char *const algo_names[] = {"greedy", "best-first", "dfs", "beam",
                                         "mcts"};

bool plan__algo_parse(const char *str, plan__algo *out) {
  if (!str)
    return false;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(algo_names); i++) {
    if (strcmp(str, algo_names[i]) == 0) {
      *out = (plan__algo)i;
      return true;
    }
  }
  if (strcmp(str, "best_first") == 0 || strcmp(str, "bestfirst") == 0) {
    *out = PLAN__ALGO_BEST_FIRST;
    return true;
  }
  return false;
}

const char *plan__algo_name(plan__algo a) {
  if ((unsigned)a < PLAN_ARRAY_LEN(algo_names))
    return algo_names[a];
  return "unknown";
}

double plan__value_spread(const plan__value *v) {
  if (!v || v->samples < 2)
    return 0.0;
  double var = v->m2 / (double)v->samples;
  return var > 0 ? sqrt(var) : 0.0;
}

#define DEFAULT_MAX_NODES 10000u
#define DEFAULT_MAX_DEPTH 20u
#define DEFAULT_BRANCHING 5u
#define DEFAULT_BATCH 4u
#define DEFAULT_BEAM_WIDTH 5u
#define DEFAULT_DFS_CHILDREN 3u
#define DEFAULT_MCTS_ITERATIONS 100u
#define DEFAULT_MCTS_C 1.0
#define DEFAULT_MAX_MEMORY ((uint64_t)256 << 20)

void plan__search_options_default(plan__search_options *o) {
  memset(o, 0, sizeof *o);
  o->algo = PLAN__ALGO_BEST_FIRST;
  o->max_nodes = DEFAULT_MAX_NODES;
  o->max_depth = DEFAULT_MAX_DEPTH;
  o->branching = DEFAULT_BRANCHING;
  o->batch = DEFAULT_BATCH;
  o->beam_width = DEFAULT_BEAM_WIDTH;
  o->dfs_max_children = DEFAULT_DFS_CHILDREN;
  o->mcts_iterations = DEFAULT_MCTS_ITERATIONS;
  o->mcts_c = DEFAULT_MCTS_C;
  o->max_memory = DEFAULT_MAX_MEMORY;
}

/* Zero fields take their defaults; returns a message for an invalid
 * option, NULL when all are fine. */
static const char *apply_defaults(plan__search_options *o) {
  if ((unsigned)o->algo >= PLAN_ARRAY_LEN(algo_names))
    return "unknown algorithm";
  if (!o->max_nodes)
    o->max_nodes = DEFAULT_MAX_NODES;
  if (o->max_nodes == UINT32_MAX) /* PLAN__NODE_NONE is not an id */
    o->max_nodes = UINT32_MAX - 1;
  if (!o->max_depth)
    o->max_depth = DEFAULT_MAX_DEPTH;
  if (!o->branching)
    o->branching = DEFAULT_BRANCHING;
  if (!o->batch)
    o->batch = DEFAULT_BATCH;
  if (!o->beam_width)
    o->beam_width = DEFAULT_BEAM_WIDTH;
  if (!o->dfs_max_children)
    o->dfs_max_children = DEFAULT_DFS_CHILDREN;
  if (!o->mcts_iterations)
    o->mcts_iterations = DEFAULT_MCTS_ITERATIONS;
  if (o->mcts_c == 0.0)
    o->mcts_c = DEFAULT_MCTS_C;
  if (!o->max_memory)
    o->max_memory = DEFAULT_MAX_MEMORY;
  if (!isfinite(o->mcts_c) || o->mcts_c < 0)
    return "mcts_c must be a finite number >= 0";
  if (!isfinite(o->prune_below))
    return "prune_below must be finite";
  if (!isfinite(o->path_cost_weight))
    return "path_cost_weight must be finite";
  return NULL;
}

/* ======================================================================
 * Create, free, accessors
 * ====================================================================== */

static bool search_ok(const plan__search *s) {
  return s && s->magic == PLAN__SEARCH_MAGIC;
}

#define TT_INITIAL 64u

plan_status plan__search_create(const plan__search_options *opts,
                                const plan__proposer *proposer,
                                const plan__world_model *world,
                                const plan__goal_test *goal,
                                const plan__evaluator *evaluator,
                                plan_scheduler *sched, FILE *trace,
                                plan__search **out, plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "search: out is NULL");
  *out = NULL;
  if (!proposer || !proposer->propose)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search: a proposer is required");
  if (!world || !world->simulate)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search: a world model is required");
  if (goal && !goal->test)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search: goal test without a test function");
  if (evaluator && !evaluator->evaluate)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "search: evaluator without an evaluate function");
  plan__search_options o;
  if (opts)
    o = *opts;
  else
    plan__search_options_default(&o);
  const char *bad = apply_defaults(&o);
  if (bad)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "search: %s", bad);

  plan__search *s = plan__calloc(1, sizeof *s);
  if (!s)
    goto fail;
  s->tt = plan__malloc(TT_INITIAL * sizeof *s->tt);
  if (!s->tt)
    goto fail;
  memset(s->tt, 0xff, TT_INITIAL * sizeof *s->tt);
  s->tt_cap = TT_INITIAL;
  s->magic = PLAN__SEARCH_MAGIC;
  s->opts = o;
  s->proposer = proposer;
  s->world = world;
  s->goal = goal;
  s->evaluator = evaluator;
  s->sched = sched;
  s->trace = trace;
  size_t cap = o.max_memory > SIZE_MAX ? SIZE_MAX : (size_t)o.max_memory;
  plan__arena_init(&s->arena, 0, cap);
  plan__rng_seed(&s->rng, o.seed);
  plan__buf_init(&s->tline, 0);
  s->stop = PLAN__STOP_NONE;
  s->status = PLAN_OK;
  s->goal_id = PLAN__NODE_NONE;
  s->result_hint = PLAN__NODE_NONE;
  s->round_first = 0;
  *out = s;
  return PLAN_OK;

fail:
  if (s)
    plan__free(s->tt);
  plan__free(s);
  return plan__error_set(err, PLAN_ENOMEM, 0, 0, "search: out of memory");
}

void plan__search_free(plan__search *s) {
  if (!search_ok(s))
    return;
  s->magic = 0;
  plan__arena_free(&s->arena);
  plan__free(s->nodes);
  plan__free(s->tt);
  plan__free(s->round_nodes);
  plan__free(s->list);
  plan__free(s->path);
  plan__buf_free(&s->tline);
  plan__free(s);
}

plan__node *plan__search_node(plan__search *s, plan__node_id id) {
  if (!search_ok(s) || id >= s->n_nodes)
    return NULL;
  return &s->nodes[id];
}

size_t plan__search_node_count(const plan__search *s) {
  return search_ok(s) ? s->n_nodes : 0;
}

const plan__search_options *plan__search_opts(const plan__search *s) {
  return search_ok(s) ? &s->opts : NULL;
}

plan__rng *plan__search_rng(plan__search *s) {
  return search_ok(s) ? &s->rng : NULL;
}

plan_scheduler *plan__search_scheduler(plan__search *s) {
  return search_ok(s) ? s->sched : NULL;
}

const char *plan__search_errmsg(const plan__search *s) {
  return search_ok(s) ? s->errmsg : "";
}

plan__stop plan__search_stop_reason(const plan__search *s) {
  return search_ok(s) ? s->stop : PLAN__STOP_ERROR;
}

void plan__search_fail(plan__search *s, plan_status code, const char *fmt,
                       ...) {
  if (s->status != PLAN_OK || code == PLAN_OK)
    return;
  s->status = code;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
  if (n < 0)
    s->errmsg[0] = '\0';
  plan__search_stop(s, code == PLAN_EBUDGET ? PLAN__STOP_MEMORY
                                            : PLAN__STOP_ERROR);
  plan__trace_error(s);
}

void plan__search_set_error(plan__search *s, plan_status code, const char *fmt,
                            ...) {
  if (!search_ok(s) || code == PLAN_OK || s->status != PLAN_OK)
    return;
  char msg[sizeof s->errmsg];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (n < 0)
    msg[0] = '\0';
  if (code == PLAN_EBUDGET) {
    /* A scheduler budget: a stop, not a failure. */
    memcpy(s->errmsg, msg, sizeof msg);
    plan__search_stop(s, plan__search_sched_stop(s));
    return;
  }
  plan__search_fail(s, code, "%s", msg);
}

/* ======================================================================
 * Arena and node store
 * ====================================================================== */

/* Tells the memory cap from a real ENOMEM: plan__arena_alloc returns NULL
 * for both. */
static void arena_failed(plan__search *s, size_t n) {
  size_t al = _Alignof(max_align_t);
  size_t r = (n + al - 1) / al * al;
  if (!r)
    r = al;
  const plan__arena *a = &s->arena;
  if (a->max && (r < n || r > a->max || a->used > a->max - r))
    plan__search_fail(s, PLAN_EBUDGET,
                      "search memory cap of %zu bytes reached (max_memory)",
                      a->max);
  else
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory");
}

static void *arena_alloc(plan__search *s, size_t n) {
  void *p = plan__arena_alloc(&s->arena, n);
  if (!p)
    arena_failed(s, n);
  return p;
}

static char *arena_strndup(plan__search *s, const char *text, size_t len) {
  if (len == SIZE_MAX) {
    arena_failed(s, len);
    return NULL;
  }
  char *d = arena_alloc(s, len + 1);
  if (!d)
    return NULL;
  if (len)
    memcpy(d, text, len);
  d[len] = '\0';
  return d;
}

char *plan__search_strdup(plan__search *s, const char *text, size_t len) {
  if (!search_ok(s) || !text)
    return NULL;
  return arena_strndup(s, text, len);
}

/* Appends a node under parent (PLAN__NODE_NONE: the root). Every
 * allocation happens before anything is linked, so a failure leaves the
 * tree as it was. */
static plan_status new_node(plan__search *s, plan__node_id parent,
                            plan__node_id *out) {
  if (s->n_nodes >= s->opts.max_nodes) {
    plan__search_stop(s, PLAN__STOP_NODES);
    return PLAN_EBUDGET;
  }
  uint32_t depth = parent == PLAN__NODE_NONE ? 0 : s->nodes[parent].depth + 1;
  if (plan__grow((void **)&s->nodes, &s->cap_nodes, s->n_nodes + 1,
                 sizeof *s->nodes) != PLAN_OK ||
      plan__grow((void **)&s->path, &s->cap_path, (size_t)depth + 1,
                 sizeof *s->path) != PLAN_OK) {
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (node %zu)",
                      s->n_nodes);
    return PLAN_ENOMEM;
  }
  plan__node_id id = (plan__node_id)s->n_nodes;
  plan__node *n = &s->nodes[id];
  memset(n, 0, sizeof *n);
  n->id = id;
  n->parent = parent;
  n->first_child = n->next_sibling = n->last_child = PLAN__NODE_NONE;
  n->same_as = PLAN__NODE_NONE;
  n->depth = depth;
  if (parent != PLAN__NODE_NONE) {
    plan__node *p = &s->nodes[parent];
    if (p->last_child == PLAN__NODE_NONE)
      p->first_child = id;
    else
      s->nodes[p->last_child].next_sibling = id;
    p->last_child = id;
    p->n_children++;
  }
  s->n_nodes++;
  *out = id;
  return PLAN_OK;
}

/* ---- transposition table ------------------------------------------------ */

static bool same_state(const plan__node *n, uint64_t hash, const char *text,
                       size_t len, const void *exact, size_t exact_size) {
  if (n->state_hash != hash || n->state_len != len ||
      n->exact_size != exact_size)
    return false;
  if (len && memcmp(n->state_text, text, len) != 0)
    return false;
  if (exact_size &&
      (!n->exact || !exact || memcmp(n->exact, exact, exact_size) != 0))
    return false;
  return true;
}

/* The slot holding the canonical node of this state, or the empty slot
 * where it would go. */
static size_t tt_slot(const plan__search *s, uint64_t hash, const char *text,
                      size_t len, const void *exact, size_t exact_size) {
  size_t mask = s->tt_cap - 1;
  size_t i = (size_t)plan__hash_mix(hash) & mask;
  while (s->tt[i] != PLAN__NODE_NONE) {
    if (same_state(&s->nodes[s->tt[i]], hash, text, len, exact, exact_size))
      return i;
    i = (i + 1) & mask;
  }
  return i;
}

/* Makes room for one more entry (load at most 70%). */
static plan_status tt_reserve(plan__search *s) {
  if ((s->tt_used + 1) * 10 <= s->tt_cap * 7)
    return PLAN_OK;
  if (s->tt_cap > SIZE_MAX / 2 / sizeof *s->tt)
    return PLAN_ENOMEM;
  size_t ncap = s->tt_cap * 2;
  plan__node_id *nt = plan__malloc(ncap * sizeof *nt);
  if (!nt)
    return PLAN_ENOMEM;
  memset(nt, 0xff, ncap * sizeof *nt);
  for (size_t k = 0; k < s->tt_cap; k++) {
    plan__node_id id = s->tt[k];
    if (id == PLAN__NODE_NONE)
      continue;
    size_t i = (size_t)plan__hash_mix(s->nodes[id].state_hash) & (ncap - 1);
    while (nt[i] != PLAN__NODE_NONE)
      i = (i + 1) & (ncap - 1);
    nt[i] = id;
  }
  plan__free(s->tt);
  s->tt = nt;
  s->tt_cap = ncap;
  return PLAN_OK;
}

/* Gives node id its state: merges it with an equal earlier state (the node
 * becomes a DUPLICATE sharing the canonical node's text), or copies the
 * state into the arena and enters it in the table. A shallower copy of a
 * state whose canonical node is still unexpanded and usable takes over:
 * plans through it are shorter. It inherits the old node's value, so
 * nothing is evaluated twice. *replaced is the node it took over from. */
static plan_status store_state(plan__search *s, plan__node_id id,
                               const char *text, size_t len, const char *json,
                               const void *exact, size_t exact_size,
                               uint64_t hash, plan__node_id *replaced) {
  *replaced = PLAN__NODE_NONE;
  if (!hash)
    hash = plan__hash64(text, len, 0);
  size_t slot = tt_slot(s, hash, text, len, exact, exact_size);
  plan__node_id canon = s->tt[slot];
  plan__node *n = &s->nodes[id];
  if (canon != PLAN__NODE_NONE) {
    plan__node *c = &s->nodes[canon];
    n->state_text = c->state_text;
    n->state_len = c->state_len;
    n->state_json = c->state_json;
    n->exact = c->exact;
    n->exact_size = c->exact_size;
    n->state_hash = c->state_hash;
    n->flags |= PLAN__NODE_HAS_STATE;
    bool c_usable = !(c->flags & (PLAN__NODE_PRUNED | PLAN__NODE_DUPLICATE));
    if (c_usable && !(c->flags & (PLAN__NODE_EXPANDED | PLAN__NODE_GOAL)) &&
        n->depth < c->depth) {
      if (c->flags & PLAN__NODE_EVALUATED) {
        n->value = c->value;
        n->flags |= PLAN__NODE_EVALUATED;
      }
      c->flags |= PLAN__NODE_DUPLICATE;
      c->same_as = id;
      s->tt[slot] = id;
      *replaced = canon;
    } else {
      n->flags |= PLAN__NODE_DUPLICATE;
      n->same_as = canon;
    }
    return PLAN_OK;
  }
  if (tt_reserve(s) != PLAN_OK) {
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (states)");
    return PLAN_ENOMEM;
  }
  char *t = arena_strndup(s, text, len);
  char *j = NULL;
  void *x = NULL;
  if (t && json)
    j = arena_strndup(s, json, strlen(json));
  if (t && exact && exact_size) {
    x = arena_alloc(s, exact_size);
    if (x)
      memcpy(x, exact, exact_size);
  }
  if (!t || (json && !j) || (exact && exact_size && !x))
    return s->status;
  /* The table may have grown: find the empty slot again. */
  slot = tt_slot(s, hash, text, len, exact, exact_size);
  n->state_text = t;
  n->state_len = len;
  n->state_json = j;
  n->exact = x;
  n->exact_size = x ? exact_size : 0;
  n->state_hash = hash;
  n->flags |= PLAN__NODE_HAS_STATE;
  s->tt[slot] = id;
  s->tt_used++;
  return PLAN_OK;
}

plan_status plan__search_set_root(plan__search *s, const char *text, size_t len,
                                  const char *json, const void *exact,
                                  size_t exact_size, uint64_t hash) {
  if (!search_ok(s) || s->root_set || s->started)
    return PLAN_EMISUSE;
  if (!text)
    return PLAN_EINVAL;
  if (s->status != PLAN_OK)
    return s->status;
  plan__node_id id;
  plan_status st = new_node(s, PLAN__NODE_NONE, &id);
  if (st != PLAN_OK)
    return st;
  plan__node_id replaced;
  st = store_state(s, id, text, len, json, exact, exact ? exact_size : 0, hash,
                   &replaced);
  if (st != PLAN_OK) {
    /* Roll back so that the handle stays usable; the failure is kept. */
    s->n_nodes = 0;
    return st;
  }
  s->root_set = true;
  return PLAN_OK;
}

/* ======================================================================
 * Setters for components
 * ====================================================================== */

plan_status plan__search_add_child(plan__search *s, plan__node_id parent,
                                   const char *action, size_t len,
                                   const char *action_json, plan__effect effect,
                                   plan__node_id *out) {
  if (out)
    *out = PLAN__NODE_NONE;
  if (!search_ok(s) || s->phase != PLAN__PHASE_PROPOSE)
    return PLAN_EMISUSE;
  if (!action || parent >= s->n_nodes ||
      !(s->nodes[parent].flags & PLAN__NODE_IN_ROUND) ||
      (unsigned)effect > PLAN__EFFECT_IRREVERSIBLE)
    return PLAN_EINVAL;
  if (s->status != PLAN_OK)
    return s->status;
  for (plan__node_id c = s->nodes[parent].first_child; c != PLAN__NODE_NONE;
       c = s->nodes[c].next_sibling) {
    const plan__node *cn = &s->nodes[c];
    if (cn->id >= s->round_first && strlen(cn->action) == len &&
        memcmp(cn->action, action, len) == 0) {
      s->nodes[c].proposals++;
      if (out)
        *out = c;
      return PLAN_OK;
    }
  }
  if (s->n_nodes >= s->opts.max_nodes) {
    plan__search_stop(s, PLAN__STOP_NODES);
    return PLAN_EBUDGET;
  }
  char *a = arena_strndup(s, action, len);
  char *aj = NULL;
  if (a && action_json)
    aj = arena_strndup(s, action_json, strlen(action_json));
  if (!a || (action_json && !aj))
    return s->status;
  plan__node_id id;
  plan_status st = new_node(s, parent, &id);
  if (st != PLAN_OK)
    return st;
  plan__node *n = &s->nodes[id];
  n->action = a;
  n->action_json = aj;
  n->effect = effect;
  n->proposals = 1;
  if (out)
    *out = id;
  return PLAN_OK;
}

plan_status plan__search_set_state(plan__search *s, plan__node_id id,
                                   const char *text, size_t len,
                                   const char *json, const void *exact,
                                   size_t exact_size, uint64_t hash) {
  if (!search_ok(s) || s->phase != PLAN__PHASE_SIMULATE)
    return PLAN_EMISUSE;
  if (!text || id < s->round_first || id >= s->n_nodes ||
      (s->nodes[id].flags & (PLAN__NODE_HAS_STATE | PLAN__NODE_PRUNED)))
    return PLAN_EINVAL;
  if (s->status != PLAN_OK)
    return s->status;
  plan__node_id replaced;
  plan_status st = store_state(s, id, text, len, json, exact,
                               exact ? exact_size : 0, hash, &replaced);
  if (st != PLAN_OK)
    return st;
  plan__trace_simulate(s, id, replaced);
  return s->status;
}

void plan__search_set_goal(plan__search *s, plan__node_id id) {
  if (!search_ok(s) || !plan__search_usable(s, id))
    return;
  plan__node *n = &s->nodes[id];
  if (n->flags & PLAN__NODE_GOAL)
    return;
  n->flags |= PLAN__NODE_GOAL;
  if (s->goal_id == PLAN__NODE_NONE || n->depth < s->nodes[s->goal_id].depth ||
      (n->depth == s->nodes[s->goal_id].depth && id < s->goal_id))
    s->goal_id = id;
  plan__trace_goal(s, id);
}

void plan__search_add_value(plan__search *s, plan__node_id id, double v) {
  if (!search_ok(s) || id >= s->n_nodes)
    return;
  if (isnan(v)) {
    plan__search_add_missing(s, id);
    return;
  }
  if (v < 0)
    v = 0;
  if (v > 1)
    v = 1;
  plan__value *val = &s->nodes[id].value;
  val->samples++;
  double delta = v - val->mean;
  val->mean += delta / (double)val->samples;
  val->m2 += delta * (v - val->mean);
  if (val->samples == 1 || v < val->min)
    val->min = v;
  if (val->samples == 1 || v > val->max)
    val->max = v;
  plan__trace_value(s, id, false, v);
}

void plan__search_add_missing(plan__search *s, plan__node_id id) {
  if (!search_ok(s) || id >= s->n_nodes)
    return;
  s->nodes[id].value.missing++;
  plan__trace_value(s, id, true, 0);
}

void plan__search_prune(plan__search *s, plan__node_id id, const char *reason) {
  if (!search_ok(s) || id >= s->n_nodes)
    return;
  plan__node *n = &s->nodes[id];
  if (n->flags & PLAN__NODE_PRUNED)
    return;
  if (!reason)
    reason = "pruned";
  const char *r = arena_strndup(s, reason, strlen(reason));
  /* Out of memory: the failure is recorded; the prune still happens. */
  s->nodes[id].prune_reason = r ? r : "pruned";
  s->nodes[id].flags |= PLAN__NODE_PRUNED;
  plan__trace_prune(s, id);
}

/* ======================================================================
 * Ranking
 * ====================================================================== */

bool plan__search_usable(plan__search *s, plan__node_id id) {
  if (!search_ok(s) || id >= s->n_nodes)
    return false;
  uint32_t f = s->nodes[id].flags;
  return (f & PLAN__NODE_HAS_STATE) &&
         !(f & (PLAN__NODE_PRUNED | PLAN__NODE_DUPLICATE));
}

bool plan__search_expandable(plan__search *s, plan__node_id id) {
  if (!plan__search_usable(s, id))
    return false;
  const plan__node *n = &s->nodes[id];
  return !(n->flags & (PLAN__NODE_EXPANDED | PLAN__NODE_GOAL)) &&
         n->depth < s->opts.max_depth;
}

double plan__search_rank(plan__search *s, plan__node_id id) {
  if (!search_ok(s))
    return 0.5;
  /* Each step goes to a canonical node or to a parent; the guard only
   * protects against a corrupted tree. */
  for (size_t guard = 0; id < s->n_nodes && guard <= 2 * s->n_nodes; guard++) {
    const plan__node *n = &s->nodes[id];
    if (n->flags & PLAN__NODE_GOAL)
      return 1.0;
    if ((n->flags & PLAN__NODE_DUPLICATE) && n->same_as != PLAN__NODE_NONE) {
      id = n->same_as;
      continue;
    }
    if (n->value.samples)
      return n->value.mean;
    if (n->parent == PLAN__NODE_NONE)
      return 0.5;
    id = n->parent;
  }
  return 0.5;
}

typedef struct ranked {
  double rank;
  plan__node_id id;
} ranked;

static int ranked_cmp(const void *pa, const void *pb) {
  const ranked *a = pa, *b = pb;
  if (a->rank > b->rank)
    return -1;
  if (a->rank < b->rank)
    return 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

plan_status plan__search_sort_by_rank(plan__search *s, plan__node_id *ids,
                                      size_t n) {
  if (!search_ok(s))
    return PLAN_EMISUSE;
  if (n < 2)
    return PLAN_OK;
  ranked *r = plan__calloc(n, sizeof *r);
  if (!r) {
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (sort)");
    return PLAN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    r[i].id = ids[i];
    r[i].rank = plan__search_rank(s, ids[i]);
  }
  qsort(r, n, sizeof *r, ranked_cmp);
  for (size_t i = 0; i < n; i++)
    ids[i] = r[i].id;
  plan__free(r);
  return PLAN_OK;
}

/* ======================================================================
 * The round
 * ====================================================================== */

typedef plan_status (*phase_fn)(void *self, plan__search *s,
                                const plan__node_id *ids, size_t n);

/* Decides after a phase whether the round goes on (PLAN_OK) or ends (the
 * status to return). A node-budget stop lets the round finish: the
 * children that exist still get states and values, which needs no new
 * node. */
static plan_status after_phase(plan__search *s, const char *who,
                               plan_status st) {
  if (s->status != PLAN_OK)
    return s->status;
  if (st == PLAN_EBUDGET && s->stop == PLAN__STOP_NONE &&
      !plan__search_budget_llm(s))
    plan__search_stop(s, plan__search_sched_stop(s));
  if (st != PLAN_OK && st != PLAN_EBUDGET) {
    plan__search_fail(s, st, "%s: %s", who, plan_strerror(st));
    return st;
  }
  if (s->stop == PLAN__STOP_NONE || s->stop == PLAN__STOP_NODES)
    return PLAN_OK;
  return plan__search_status(s);
}

static plan_status run_phase(plan__search *s, plan__phase ph, const char *who,
                             phase_fn fn, void *self, const plan__node_id *ids,
                             size_t n) {
  if (!n)
    return PLAN_OK;
  s->phase = ph;
  plan_status st = fn(self, s, ids, n);
  s->phase = PLAN__PHASE_NONE;
  return after_phase(s, who, st);
}

/* Between phases: a call, token or time budget ends the round. */
static bool llm_budget_stop(plan__search *s) {
  if (s->stop != PLAN__STOP_NONE && s->stop != PLAN__STOP_NODES)
    return true;
  return plan__search_budget_llm(s);
}

/* Keeps the `branching` most proposed children of each parent (ties by
 * smaller id), prunes the rest, and sets the priors. */
static void trim_and_prior(plan__search *s) {
  uint32_t k = s->opts.branching;
  for (size_t r = 0; r < s->n_round; r++) {
    plan__node_id p = s->round_nodes[r];
    for (plan__node_id c = s->nodes[p].first_child; c != PLAN__NODE_NONE;
         c = s->nodes[c].next_sibling) {
      if (c < s->round_first || (s->nodes[c].flags & PLAN__NODE_PRUNED))
        continue;
      uint32_t beaten = 0;
      for (plan__node_id d = s->nodes[p].first_child; d != PLAN__NODE_NONE;
           d = s->nodes[d].next_sibling) {
        if (d == c || d < s->round_first ||
            (s->nodes[d].flags & PLAN__NODE_PRUNED))
          continue;
        uint32_t pc = s->nodes[c].proposals, pd = s->nodes[d].proposals;
        if (pd > pc || (pd == pc && d < c))
          beaten++;
      }
      if (beaten >= k)
        s->nodes[c].flags |= PLAN__NODE_IN_ROUND; /* marks "to prune" */
    }
    for (plan__node_id c = s->nodes[p].first_child; c != PLAN__NODE_NONE;
         c = s->nodes[c].next_sibling) {
      if (c >= s->round_first && (s->nodes[c].flags & PLAN__NODE_IN_ROUND)) {
        s->nodes[c].flags &= ~PLAN__NODE_IN_ROUND;
        plan__search_prune(s, c, "branching: beyond the k most proposed");
      }
    }
    uint64_t total = 0;
    uint32_t kept = 0;
    for (plan__node_id c = s->nodes[p].first_child; c != PLAN__NODE_NONE;
         c = s->nodes[c].next_sibling) {
      if (c >= s->round_first && !(s->nodes[c].flags & PLAN__NODE_PRUNED)) {
        total += s->nodes[c].proposals;
        kept++;
      }
    }
    for (plan__node_id c = s->nodes[p].first_child; c != PLAN__NODE_NONE;
         c = s->nodes[c].next_sibling) {
      if (c < s->round_first || (s->nodes[c].flags & PLAN__NODE_PRUNED))
        continue;
      s->nodes[c].prior = total ? (double)s->nodes[c].proposals / (double)total
                                : 1.0 / (double)kept;
    }
  }
}

/* The new nodes of the round that pass `want` into s->list. */
typedef bool (*node_pred)(plan__search *s, const plan__node *n);

static size_t build_list(plan__search *s, node_pred want) {
  size_t cnt = 0;
  for (size_t id = s->round_first; id < s->n_nodes; id++)
    if (want(s, &s->nodes[id]))
      s->list[cnt++] = (plan__node_id)id;
  return cnt;
}

static bool want_simulate(plan__search *s, const plan__node *n) {
  (void)s;
  return !(n->flags & (PLAN__NODE_PRUNED | PLAN__NODE_HAS_STATE));
}

static bool want_goal(plan__search *s, const plan__node *n) {
  return plan__search_usable(s, n->id) &&
         !(n->flags & (PLAN__NODE_EVALUATED | PLAN__NODE_GOAL));
}

static bool want_evaluate(plan__search *s, const plan__node *n) {
  return want_goal(s, n);
}

/* After the phases: dead ends and the node events. Dead ends are only
 * known once the world model has run on all proposals (`simulated`). */
static void finish_round(plan__search *s, bool simulated) {
  for (size_t r = 0; r < s->n_round; r++) {
    plan__node_id p = s->round_nodes[r];
    s->nodes[p].flags &= ~PLAN__NODE_IN_ROUND;
    if (!simulated)
      continue;
    bool any = false;
    for (plan__node_id c = s->nodes[p].first_child; c != PLAN__NODE_NONE;
         c = s->nodes[c].next_sibling)
      any = any || plan__search_usable(s, c);
    if (!any) {
      s->nodes[p].flags |= PLAN__NODE_DEAD_END;
      plan__trace_dead_end(s, p);
    }
  }
  for (size_t id = s->round_first; id < s->n_nodes; id++)
    plan__trace_node(s, (plan__node_id)id);
}

/* ======================================================================
 * First actions and the overthinking guard
 * ====================================================================== */

static int first_cmp(const void *a, const void *b) {
  const plan__first_action *x = a;
  const plan__first_action *y = b;
  if (x->value != y->value)
    return x->value > y->value ? -1 : 1;
  if (x->goal != y->goal)
    return x->goal ? -1 : 1;
  return x->child < y->child ? -1 : x->child > y->child;
}

plan_status plan__search_first_actions(plan__search *s,
                                       plan__first_action **out, size_t *n) {
  *out = NULL;
  *n = 0;
  if (!search_ok(s) || s->n_nodes == 0)
    return PLAN_OK;
  size_t cnt = 0;
  for (plan__node_id c = s->nodes[0].first_child; c != PLAN__NODE_NONE;
       c = s->nodes[c].next_sibling)
    cnt++;
  if (cnt == 0)
    return PLAN_OK;
  plan__first_action *fa = plan__calloc(cnt, sizeof *fa);
  /* top[id]: the index in fa of the root child id descends from. Nodes are
   * created after their parents, so one pass in id order fills it. */
  uint32_t *top = plan__calloc(s->n_nodes, sizeof *top);
  if (!fa || !top) {
    plan__free(fa);
    plan__free(top);
    return PLAN_ENOMEM;
  }
  size_t k = 0;
  top[0] = UINT32_MAX;
  for (plan__node_id c = s->nodes[0].first_child; c != PLAN__NODE_NONE;
       c = s->nodes[c].next_sibling) {
    fa[k].child = c;
    fa[k].best = PLAN__NODE_NONE;
    fa[k].value = -1;
    k++;
  }
  for (size_t id = 1; id < s->n_nodes; id++) {
    const plan__node *nd = &s->nodes[id];
    if (nd->parent == 0) {
      top[id] = UINT32_MAX;
      for (size_t j = 0; j < cnt; j++)
        if (fa[j].child == id)
          top[id] = (uint32_t)j;
    } else {
      top[id] = nd->parent < s->n_nodes ? top[nd->parent] : UINT32_MAX;
    }
    if (top[id] == UINT32_MAX || !(nd->flags & PLAN__NODE_HAS_STATE) ||
        (nd->flags & PLAN__NODE_PRUNED))
      continue;
    plan__first_action *f = &fa[top[id]];
    double r = plan__search_rank(s, (plan__node_id)id);
    /* A duplicate ranks as its canonical node, but it is a goal of this
     * subtree only when that node is one. */
    const plan__node *canon = nd;
    if ((nd->flags & PLAN__NODE_DUPLICATE) && nd->same_as < s->n_nodes)
      canon = &s->nodes[nd->same_as];
    bool is_goal = (canon->flags & PLAN__NODE_GOAL) != 0;
    if (r > f->value || (r == f->value && is_goal && !f->goal)) {
      f->value = r;
      f->best = (plan__node_id)id;
      f->goal = (canon->flags & PLAN__NODE_GOAL) != 0;
      f->spread = f->goal ? 0 : plan__value_spread(&canon->value);
      f->samples = canon->value.samples;
    }
  }
  size_t m = 0;
  for (size_t j = 0; j < cnt; j++)
    if (fa[j].best != PLAN__NODE_NONE)
      fa[m++] = fa[j];
  plan__free(top);
  if (m == 0) {
    plan__free(fa);
    return PLAN_OK;
  }
  qsort(fa, m, sizeof *fa, first_cmp);
  *out = fa;
  *n = m;
  return PLAN_OK;
}

/* After a round: the overthinking guard's stop rules. */
static void settle_check(plan__search *s) {
  if (s->stop != PLAN__STOP_NONE || s->status != PLAN_OK)
    return;
  if (s->opts.settle_patience) {
    double best = -1;
    for (size_t id = 0; id < s->n_nodes; id++)
      if (plan__search_usable(s, (plan__node_id)id)) {
        double r = plan__search_rank(s, (plan__node_id)id);
        if (r > best)
          best = r;
      }
    if (best > s->settle_best + 1e-9) {
      s->settle_best = best;
      s->settle_stale = 0;
    } else if (++s->settle_stale >= s->opts.settle_patience) {
      plan__search_stop(s, PLAN__STOP_SETTLED);
      return;
    }
  }
  if (s->opts.settle_margin > 0) {
    plan__first_action *fa = NULL;
    size_t n = 0;
    if (plan__search_first_actions(s, &fa, &n) != PLAN_OK) {
      plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (settle)");
      return;
    }
    if (n >= 2 && fa[0].value - fa[1].value > s->opts.settle_margin)
      plan__search_stop(s, PLAN__STOP_SETTLED);
    plan__free(fa);
  }
}

/* A goal ends the search; it outranks a budget stop of the same round. */
static bool goal_stop(plan__search *s) {
  if (s->goal_id == PLAN__NODE_NONE || s->status != PLAN_OK)
    return false;
  if (s->stop != PLAN__STOP_GOAL) {
    s->stop = PLAN__STOP_NONE;
    plan__search_stop(s, PLAN__STOP_GOAL);
  }
  return true;
}

plan_status plan__search_expand(plan__search *s, const plan__node_id *nodes,
                                size_t n) {
  if (!search_ok(s) || !s->started || s->finished ||
      s->phase != PLAN__PHASE_NONE || (n && !nodes))
    return PLAN_EMISUSE;
  if (s->stop != PLAN__STOP_NONE || s->status != PLAN_OK)
    return plan__search_status(s);
  if (plan__search_budget_hit(s))
    return plan__search_status(s);
  if (plan__grow((void **)&s->round_nodes, &s->cap_round, n ? n : 1,
                 sizeof *s->round_nodes) != PLAN_OK) {
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (round)");
    return s->status;
  }
  s->n_round = 0;
  for (size_t i = 0; i < n; i++) {
    plan__node_id id = nodes[i];
    if (id < s->n_nodes && plan__search_expandable(s, id) &&
        !(s->nodes[id].flags & PLAN__NODE_IN_ROUND)) {
      s->nodes[id].flags |= PLAN__NODE_IN_ROUND;
      s->round_nodes[s->n_round++] = id;
    }
  }
  if (s->opts.max_expansions) {
    uint64_t left = s->opts.max_expansions > s->expansions
                        ? s->opts.max_expansions - s->expansions
                        : 0;
    while (s->n_round > left) {
      s->n_round--;
      s->nodes[s->round_nodes[s->n_round]].flags &= ~PLAN__NODE_IN_ROUND;
      if (!s->n_round)
        plan__search_stop(s, PLAN__STOP_ITERATIONS);
    }
  }
  if (!s->n_round)
    return plan__search_status(s);

  s->rounds++;
  s->expansions += s->n_round;
  s->round_first = (plan__node_id)s->n_nodes;
  plan__trace_round(s, s->round_nodes, s->n_round);
  bool simulated = false;
  bool complete = true;
  size_t cnt;

  plan_status st = run_phase(s, PLAN__PHASE_PROPOSE,
                             s->proposer->name ? s->proposer->name : "proposer",
                             s->proposer->propose, s->proposer->self,
                             s->round_nodes, s->n_round);
  for (size_t r = 0; r < s->n_round; r++)
    s->nodes[s->round_nodes[r]].flags |= PLAN__NODE_EXPANDED;
  if (st != PLAN_OK)
    goto done;
  /* With the node budget hit during the proposals, a parent may have no
   * child only because the budget cut it off: no dead ends then. */
  complete = s->stop != PLAN__STOP_NODES;
  trim_and_prior(s);
  if (s->status != PLAN_OK || llm_budget_stop(s))
    goto done;
  if (plan__grow((void **)&s->list, &s->cap_list,
                 s->n_nodes - s->round_first + 1, sizeof *s->list) != PLAN_OK) {
    plan__search_fail(s, PLAN_ENOMEM, "search: out of memory (round)");
    goto done;
  }

  /* 2. simulate */
  cnt = build_list(s, want_simulate);
  st = run_phase(s, PLAN__PHASE_SIMULATE,
                 s->world->name ? s->world->name : "world model",
                 s->world->simulate, s->world->self, s->list, cnt);
  for (size_t i = 0; i < cnt; i++) {
    const plan__node *c = &s->nodes[s->list[i]];
    if (!(c->flags & (PLAN__NODE_HAS_STATE | PLAN__NODE_PRUNED)))
      plan__search_prune(s, c->id, "no state from the world model");
  }
  if (st != PLAN_OK || s->status != PLAN_OK)
    goto done;
  simulated = complete;
  if (llm_budget_stop(s))
    goto done;

  /* 3. goal */
  if (s->goal) {
    cnt = build_list(s, want_goal);
    st = run_phase(s, PLAN__PHASE_GOAL,
                   s->goal->name ? s->goal->name : "goal test", s->goal->test,
                   s->goal->self, s->list, cnt);
    if (st != PLAN_OK && s->status != PLAN_OK)
      goto done;
  }
  if (goal_stop(s) || st != PLAN_OK || llm_budget_stop(s))
    goto done;

  /* 4. evaluate */
  if (s->evaluator) {
    cnt = build_list(s, want_evaluate);
    st = run_phase(s, PLAN__PHASE_EVALUATE,
                   s->evaluator->name ? s->evaluator->name : "evaluator",
                   s->evaluator->evaluate, s->evaluator->self, s->list, cnt);
    for (size_t i = 0; i < cnt; i++) {
      plan__node *c = &s->nodes[s->list[i]];
      c->flags |= PLAN__NODE_EVALUATED;
      if (s->opts.prune_below > 0 && !(c->flags & PLAN__NODE_PRUNED) &&
          !(c->flags & PLAN__NODE_GOAL) && c->value.samples &&
          c->value.mean < s->opts.prune_below)
        plan__search_prune(s, c->id, "value below prune_below");
    }
  }
  if (!goal_stop(s))
    settle_check(s);

done:
  finish_round(s, simulated);
  return plan__search_status(s);
}

/* The root's own round: a goal test and an evaluation, so that the empty
 * plan competes with the others on the same scale. */
static void root_round(plan__search *s) {
  plan__node_id root = 0;
  s->round_first = 0;
  s->n_round = 0;
  plan_status st = PLAN_OK;
  if (s->goal && !plan__search_budget_hit(s))
    st = run_phase(s, PLAN__PHASE_GOAL,
                   s->goal->name ? s->goal->name : "goal test", s->goal->test,
                   s->goal->self, &root, 1);
  if (goal_stop(s) || st != PLAN_OK || plan__search_budget_hit(s))
    goto done;
  if (s->evaluator && plan__search_usable(s, root)) {
    run_phase(s, PLAN__PHASE_EVALUATE,
              s->evaluator->name ? s->evaluator->name : "evaluator",
              s->evaluator->evaluate, s->evaluator->self, &root, 1);
    s->nodes[root].flags |= PLAN__NODE_EVALUATED;
  }
  goal_stop(s);
done:
  s->round_first = 1;
  plan__trace_node(s, root);
}

plan_status plan__search_run(plan__search *s) {
  if (!search_ok(s) || !s->root_set || s->started)
    return PLAN_EMISUSE;
  s->started = true;
  s->settle_best = -1;
  if (s->sched)
    plan_scheduler_stats_get(s->sched, &s->base);
  if (s->opts.max_wall_ms)
    s->t0_ns = plan__now_ns(s->opts.clock);
  plan__trace_start(s);
  root_round(s);
  if (s->stop == PLAN__STOP_NONE && s->status == PLAN_OK) {
    switch (s->opts.algo) {
    case PLAN__ALGO_GREEDY: plan__greedy_run(s); break;
    case PLAN__ALGO_BEST_FIRST: plan__best_first_run(s); break;
    case PLAN__ALGO_DFS: plan__dfs_run(s); break;
    case PLAN__ALGO_BEAM: plan__beam_run(s); break;
    case PLAN__ALGO_MCTS: plan__mcts_run(s); break;
    }
  }
  if (PLAN_NEVER(s->stop == PLAN__STOP_NONE && s->status == PLAN_OK))
    plan__search_stop_exhausted(s);
  s->finished = true;
  plan__trace_result(s);
  if (s->trace && fflush(s->trace) != 0)
    plan__search_fail(s, PLAN_EIO, "search: cannot write the trace");
  return plan__search_status(s);
}

/* ======================================================================
 * Result
 * ====================================================================== */

void plan__search_set_result_hint(plan__search *s, plan__node_id id) {
  if (search_ok(s))
    s->result_hint = id;
}

void plan__search_result(plan__search *s, plan__result *out) {
  memset(out, 0, sizeof *out);
  out->leaf = PLAN__NODE_NONE;
  if (!search_ok(s)) {
    out->stop = PLAN__STOP_ERROR;
    return;
  }
  out->stop = s->stop;
  out->n_nodes = s->n_nodes;
  out->llm_calls = plan__search_calls_used(s);
  out->tokens = plan__search_tokens_used(s);
  out->expansions = s->expansions;
  out->rounds = s->rounds;
  if (!s->n_nodes)
    return;
  plan__node_id leaf = 0;
  if (s->goal_id != PLAN__NODE_NONE) {
    leaf = s->goal_id;
    out->solved = true;
  } else {
    double best = -1.0;
    for (size_t id = 0; id < s->n_nodes; id++) {
      if (!plan__search_usable(s, (plan__node_id)id))
        continue;
      double r = plan__search_rank(s, (plan__node_id)id);
      if (r > best) {
        best = r;
        leaf = (plan__node_id)id;
      }
    }
    /* The algorithm's own answer wins a tie (greedy without a value
     * function: the end of its walk, not the root). */
    plan__node_id h = s->result_hint;
    if (h < s->n_nodes && plan__search_usable(s, h) &&
        plan__search_rank(s, h) >= best)
      leaf = h;
  }
  out->leaf = leaf;
  out->value = plan__search_rank(s, leaf);
  size_t depth = s->nodes[leaf].depth;
  plan__node_id id = leaf;
  for (size_t k = depth; k > 0; k--) {
    s->path[k - 1] = id;
    id = s->nodes[id].parent;
  }
  out->n_steps = depth;
  out->path = s->path;
}
