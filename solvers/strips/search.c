/* solvers/strips/search.c: best-first search over the states of a grounded
 * task: A* (f = g + h, reopening when a cheaper path appears, goal test at
 * expansion so the plan is optimal with an admissible h) and greedy
 * best-first (ordered by h, goal test at generation, no reopening).
 *
 * Memory: state bitsets live in a capped arena (plan__arena), nodes in one
 * growable array addressed by uint32 ids, the closed list is an
 * open-addressing table of node ids keyed by the state hash with a full
 * comparison of the bitsets (so two states never merge by accident), and
 * the open lists are binary heaps of (primary, secondary, id) keys.
 */
#include <stddef.h>
#include <string.h>

#include "solvers/strips/strips.h"
#include "solvers/strips/stubborn.h"

#define DEFAULT_MAX_NODES 2000000u
#define DEFAULT_MAX_BYTES ((size_t)1 << 30)
#define NO_NODE UINT32_MAX
#define LM_CACHE 8

void plan__strips_options_init(plan__strips_options *o, unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
  o->algo = PLAN__STRIPS_ASTAR;
  o->heuristic = PLAN__STRIPS_H_DEFAULT;
}

static const char *const algo_names[] = {"astar", "gbfs"};
static const char *const heur_names[] = {"default", "blind", "hmax",
                                         "lmcut",   "hadd",  "ff"};

bool plan__strips_algo_parse(const char *s, plan__strips_algo *out) {
  for (size_t i = 0; s && i < PLAN_ARRAY_LEN(algo_names); i++)
    if (!strcmp(s, algo_names[i])) {
      *out = (plan__strips_algo)i;
      return true;
    }
  return false;
}

bool plan__strips_heuristic_parse(const char *s, plan__strips_heuristic *out) {
  for (size_t i = 0; s && i < PLAN_ARRAY_LEN(heur_names); i++)
    if (!strcmp(s, heur_names[i])) {
      *out = (plan__strips_heuristic)i;
      return true;
    }
  return false;
}

const char *plan__strips_algo_name(plan__strips_algo a) {
  return (size_t)a < PLAN_ARRAY_LEN(algo_names) ? algo_names[a] : "?";
}

const char *plan__strips_heuristic_name(plan__strips_heuristic h) {
  return (size_t)h < PLAN_ARRAY_LEN(heur_names) ? heur_names[h] : "?";
}

void plan__strips_result_free(plan__strips_result *r) {
  if (!r)
    return;
  plan__free(r->plan);
  memset(r, 0, sizeof *r);
}

/* ======================================================================
 * Search state
 * ====================================================================== */

typedef struct node {
  const uint64_t *state;
  uint64_t hash;
  uint32_t parent;
  uint32_t action;
  uint32_t g;
  uint32_t h;     /* a lower bound until evaluated (A*), then h */
  bool evaluated; /* h is the heuristic's value (or a larger bound) */
  bool closed;
} node;

/* Open-list entry: ordered by k1, then k2, then id. g is the node's g when
 * pushed; a stale entry (the node got a cheaper g since) is skipped. */
typedef struct entry {
  uint32_t k1;
  uint32_t k2;
  uint32_t id;
  uint32_t g;
} entry;

/* A binary min-heap of entries. */
typedef struct olist {
  entry *a;
  size_t n;
  size_t cap;
} olist;

typedef struct search {
  const plan__pddl_task *task;
  plan__strips_options opts;
  plan__strips_result *out;
  plan__relax *relax;
  plan__arena states;
  node *nodes;
  size_t n_nodes;
  size_t cap_nodes;
  uint32_t *table; /* node ids; NO_NODE: empty */
  size_t table_cap;
  olist open;
  olist pref;        /* GBFS: successors through preferred operators */
  plan__sss *sss;    /* NULL: no pruning */
  uint32_t *succ;    /* the actions to expand in one state */
  bool *succ_pref;   /* GBFS: whether succ[k] is preferred */
  uint64_t *scratch; /* one state */
  uint64_t t0;
  uint32_t last_eval; /* node of the last evaluation */
  uint32_t last_h;    /* its value */
  bool oom;           /* an evaluation ran out of memory */
  /* A* with LM-cut: the landmarks of the last few expanded nodes, for the
   * incremental LM-cut of their children (plan__relax_lmcut_from). */
  struct {
    uint32_t id;
    plan__lmset set;
  } lmc[LM_CACHE];
  unsigned lmc_next;
} search;

static bool entry_less(const entry *a, const entry *b) {
  if (a->k1 != b->k1)
    return a->k1 < b->k1;
  if (a->k2 != b->k2)
    return a->k2 < b->k2;
  return a->id < b->id;
}

static bool open_push(olist *h, entry e) {
  if (h->n == h->cap &&
      plan__grow((void **)&h->a, &h->cap, h->n + 1, sizeof *h->a))
    return false;
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!entry_less(&e, &h->a[p]))
      break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i] = e;
  return true;
}

static entry open_pop(olist *h) {
  entry top = h->a[0];
  entry last = h->a[--h->n];
  size_t n = h->n;
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && entry_less(&h->a[c + 1], &h->a[c]))
      c++;
    if (!entry_less(&h->a[c], &last))
      break;
    h->a[i] = h->a[c];
    i = c;
  }
  if (n)
    h->a[i] = last;
  return top;
}

static size_t bytes_in_use(const search *s) {
  return s->states.used + s->cap_nodes * sizeof *s->nodes +
         s->table_cap * sizeof *s->table +
         (s->open.cap + s->pref.cap) * sizeof(entry);
}

static bool table_grow(search *s) {
  size_t cap = s->table_cap ? s->table_cap * 2 : 1024;
  uint32_t *t = plan__malloc(cap * sizeof *t);
  if (!t)
    return false;
  for (size_t i = 0; i < cap; i++)
    t[i] = NO_NODE;
  for (size_t i = 0; i < s->table_cap; i++) {
    uint32_t id = s->table[i];
    if (id == NO_NODE)
      continue;
    size_t j = (size_t)s->nodes[id].hash & (cap - 1);
    while (t[j] != NO_NODE)
      j = (j + 1) & (cap - 1);
    t[j] = id;
  }
  plan__free(s->table);
  s->table = t;
  s->table_cap = cap;
  return true;
}

/* The slot of state (hash h) in the table: its node, or an empty slot. */
static size_t table_find(const search *s, const uint64_t *state, uint64_t h) {
  size_t bytes = s->task->n_words * sizeof *state;
  size_t j = (size_t)h & (s->table_cap - 1);
  for (;;) {
    uint32_t id = s->table[j];
    if (id == NO_NODE)
      return j;
    const node *n = &s->nodes[id];
    if (n->hash == h && !memcmp(n->state, state, bytes))
      return j;
    j = (j + 1) & (s->table_cap - 1);
  }
}

typedef enum add_result { ADD_NEW, ADD_OLD, ADD_FAIL } add_result;

/* Finds or stores state; *id receives its node. ADD_FAIL sets out status
 * through *st (ENOMEM or EBUDGET). */
static add_result add_state(search *s, const uint64_t *state, uint32_t *id,
                            plan_status *st) {
  uint64_t h = plan__pddl_state_hash(s->task, state);
  if ((s->n_nodes + 1) * 2 > s->table_cap && !table_grow(s)) {
    *st = PLAN_ENOMEM;
    return ADD_FAIL;
  }
  size_t j = table_find(s, state, h);
  if (s->table[j] != NO_NODE) {
    *id = s->table[j];
    return ADD_OLD;
  }
  if (s->n_nodes >= s->opts.max_nodes) {
    *st = PLAN_EBUDGET;
    plan__fmt(s->out->message, sizeof s->out->message,
              "node budget of %llu states exhausted",
              (unsigned long long)s->opts.max_nodes);
    return ADD_FAIL;
  }
  size_t bytes = s->task->n_words * sizeof *state;
  uint64_t *copy = plan__arena_alloc(&s->states, bytes);
  if (!copy) {
    /* The arena fails at its cap or when malloc fails; tell them apart
     * the way plan__arena_alloc decides. */
    size_t align = _Alignof(max_align_t);
    size_t rounded = (bytes + align - 1) / align * align;
    size_t max = s->states.max;
    if (!(rounded > max || s->states.used > max - rounded)) {
      *st = PLAN_ENOMEM;
      return ADD_FAIL;
    }
    *st = PLAN_EBUDGET;
    plan__fmt(s->out->message, sizeof s->out->message,
              "memory budget of %zu bytes for states exhausted",
              s->opts.max_bytes);
    return ADD_FAIL;
  }
  if (plan__grow((void **)&s->nodes, &s->cap_nodes, s->n_nodes + 1,
                 sizeof *s->nodes)) {
    *st = PLAN_ENOMEM;
    return ADD_FAIL;
  }
  memcpy(copy, state, bytes);
  node *n = &s->nodes[s->n_nodes];
  memset(n, 0, sizeof *n);
  n->state = copy;
  n->hash = h;
  n->parent = NO_NODE;
  n->action = NO_NODE;
  s->table[j] = (uint32_t)s->n_nodes;
  *id = (uint32_t)s->n_nodes++;
  s->out->stored = s->n_nodes;
  return ADD_NEW;
}

static plan_status extract_plan(search *s, uint32_t goal) {
  plan__strips_result *out = s->out;
  size_t n = 0;
  for (uint32_t id = goal; s->nodes[id].parent != NO_NODE;
       id = s->nodes[id].parent)
    n++;
  out->plan = plan__calloc(n ? n : 1, sizeof *out->plan);
  if (!out->plan)
    return PLAN_ENOMEM;
  out->n_plan = n;
  uint64_t cost = 0;
  for (uint32_t id = goal; s->nodes[id].parent != NO_NODE;
       id = s->nodes[id].parent) {
    out->plan[--n] = s->nodes[id].action;
    cost += s->task->actions[s->nodes[id].action].cost;
  }
  out->cost = cost;
  out->solved = true;
  plan__fmt(out->message, sizeof out->message, "solved: %zu steps",
            out->n_plan);
  return PLAN_OK;
}

static bool out_of_time(search *s) {
  if (!s->opts.time_limit_ms)
    return false;
  uint64_t el = plan__now_ns(s->opts.clock) - s->t0;
  return el / 1000000u >= s->opts.time_limit_ms;
}

static const plan__lmset *lm_find(const search *s, uint32_t id) {
  for (size_t i = 0; i < LM_CACHE; i++)
    if (s->lmc[i].id == id)
      return &s->lmc[i].set;
  return NULL;
}

/* Remembers the landmarks of the last evaluation as node id's (round
 * robin). Without memory the slot is just left empty. */
static void lm_put(search *s, uint32_t id) {
  if (lm_find(s, id))
    return;
  unsigned k = s->lmc_next++ % LM_CACHE;
  s->lmc[k].id = plan__relax_lmset_copy(s->relax, &s->lmc[k].set) == PLAN_OK
                     ? id
                     : NO_NODE;
}

/* Evaluates node id; with LM-cut incrementally from its parent's landmarks
 * when they are at hand. */
static uint32_t evaluate(search *s, uint32_t id) {
  const node *n = &s->nodes[id];
  s->out->evaluated++;
  s->last_eval = id;
  const plan__lmset *parent = NULL;
  if (s->opts.heuristic == PLAN__STRIPS_H_LMCUT && n->parent != NO_NODE)
    parent = lm_find(s, n->parent);
  if (parent)
    s->last_h = plan__relax_lmcut_from(s->relax, n->state, parent, n->action);
  else
    s->last_h = plan__relax_eval(s->relax, s->opts.heuristic, n->state);
  if (plan__relax_oom(s->relax))
    s->oom = true;
  return s->last_h;
}

/* ======================================================================
 * The search loop
 * ====================================================================== */

static plan_status time_check(search *s) {
  if ((s->out->expanded & 15) == 0 && out_of_time(s)) {
    plan__fmt(s->out->message, sizeof s->out->message,
              "time limit of %llu ms reached",
              (unsigned long long)s->opts.time_limit_ms);
    return PLAN_EBUDGET;
  }
  return PLAN_OK;
}

static void note_peak(search *s) {
  size_t used = bytes_in_use(s);
  if (used > s->out->peak_bytes)
    s->out->peak_bytes = used;
}

/* The actions to expand in state: a stubborn set's or all applicable. */
static size_t successors(search *s, const uint64_t *state) {
  if (s->sss)
    return plan__sss_expand(s->sss, state, s->succ);
  return plan__pddl_applicable_actions(s->task, state, s->succ,
                                       s->task->n_actions);
}

static plan_status unsolvable(search *s) {
  plan__fmt(s->out->message, sizeof s->out->message,
            "unsolvable: all %llu reachable states explored",
            (unsigned long long)s->out->stored);
  return PLAN_ENOTFOUND;
}

/* A* evaluates lazily: a new node enters the open list with the bound
 * max(h(parent) - cost, 0), which is admissible because h(parent) <=
 * h*(parent) <= cost + h*(child), and is only evaluated when popped; if
 * its real h raises f it goes back into the list. With LM-cut the bound is
 * sharper (plan__relax_residual): children through actions outside every
 * landmark of the parent keep the parent's value, so they wait for the
 * next f layer without an evaluation. Values are kept as the max of bound
 * and h (pathmax), which stays admissible. */
static plan_status run_astar(search *s, uint32_t root) {
  const plan__pddl_task *task = s->task;
  plan__strips_result *out = s->out;
  plan_status st = PLAN_OK;
  bool lmcut = s->opts.heuristic == PLAN__STRIPS_H_LMCUT;
  entry e0 = {s->nodes[root].h, s->nodes[root].h, root, 0};
  if (!open_push(&s->open, e0))
    return PLAN_ENOMEM;
  while (s->open.n) {
    entry e = open_pop(&s->open);
    node *n = &s->nodes[e.id];
    if (e.g != n->g || n->closed || n->h == PLAN__STRIPS_H_INF)
      continue;
    if (plan__pddl_goal_reached(task, n->state))
      return extract_plan(s, e.id);
    if (!n->evaluated) {
      uint32_t h = evaluate(s, e.id);
      if (s->oom)
        return PLAN_ENOMEM;
      n->evaluated = true;
      if (h == PLAN__STRIPS_H_INF) {
        n->h = h;
        continue;
      }
      if (h > n->h) {
        n->h = h;
        entry again = {n->g + h, h, e.id, n->g};
        if (!open_push(&s->open, again))
          return PLAN_ENOMEM;
        continue;
      }
    }
    n->closed = true;
    out->expanded++;
    st = time_check(s);
    if (st)
      return st;
    uint32_t parent = e.id;
    uint32_t g = n->g;
    uint32_t ph = n->h;
    const uint64_t *state = n->state;
    const uint32_t *resid = NULL;
    uint32_t lm_h = 0;
    if (lmcut) {
      if (s->last_eval != e.id) {
        uint32_t h = evaluate(s, e.id);
        if (s->oom)
          return PLAN_ENOMEM;
        if (h == PLAN__STRIPS_H_INF)
          continue;
      }
      resid = plan__relax_residual(s->relax);
      lm_h = s->last_h;
      lm_put(s, e.id);
    }
    size_t n_succ = successors(s, state);
    for (size_t k = 0; k < n_succ; k++) {
      uint32_t a = s->succ[k];
      plan__pddl_apply(task, state, a, s->scratch);
      out->generated++;
      uint32_t cost = task->actions[a].cost;
      uint32_t ng = g + cost;
      uint32_t bound = ph > cost ? ph - cost : 0;
      if (resid && lm_h + resid[a] > cost && lm_h + resid[a] - cost > bound)
        bound = lm_h + resid[a] - cost;
      uint32_t id;
      add_result ar = add_state(s, s->scratch, &id, &st);
      if (ar == ADD_FAIL)
        return st;
      node *c = &s->nodes[id]; /* add_state may move the node array */
      if (ar == ADD_OLD) {
        if (ng >= c->g || c->h == PLAN__STRIPS_H_INF)
          continue;
        if (c->closed)
          out->reopened++;
        c->closed = false;
        if (bound > c->h)
          c->h = bound;
      } else {
        c->h = bound;
      }
      c->g = ng;
      c->parent = parent;
      c->action = a;
      entry ce = {ng + c->h, c->h, id, ng};
      if (!open_push(&s->open, ce))
        return PLAN_ENOMEM;
    }
    note_peak(s);
  }
  return unsolvable(s);
}

/* Greedy best-first search, eager, ordered by (h, id), with FD's
 * preferred-operator queue when the heuristic is h_FF: successors through
 * actions of the parent's relaxed plan also enter a second list, the two
 * lists take turns, and the preferred list gets 1000 extra turns whenever
 * h reaches a new minimum. This is what keeps h_FF from drowning in the
 * plateaus of large Blocksworld tasks. */
static plan_status run_gbfs(search *s, uint32_t root) {
  const plan__pddl_task *task = s->task;
  plan__strips_result *out = s->out;
  plan_status st = PLAN_OK;
  bool use_pref = s->opts.heuristic == PLAN__STRIPS_H_FF;
  int64_t prio[2] = {0, 0}; /* open, pref: the lower one pops next */
  uint32_t best_h = s->nodes[root].h;
  entry e0 = {best_h, 0, root, 0};
  if (!open_push(&s->open, e0))
    return PLAN_ENOMEM;
  while (s->open.n || s->pref.n) {
    bool from_pref = s->pref.n && (!s->open.n || prio[1] < prio[0]);
    prio[from_pref]++;
    entry e = open_pop(from_pref ? &s->pref : &s->open);
    node *n = &s->nodes[e.id];
    if (n->closed)
      continue;
    n->closed = true;
    out->expanded++;
    st = time_check(s);
    if (st)
      return st;
    uint32_t parent = e.id;
    const uint64_t *state = n->state;
    size_t n_succ = successors(s, state);
    if (use_pref) {
      if (s->last_eval != e.id) {
        evaluate(s, e.id);
        if (s->oom)
          return PLAN_ENOMEM;
      }
      for (size_t k = 0; k < n_succ; k++)
        s->succ_pref[k] = plan__relax_preferred(s->relax, s->succ[k]);
    }
    for (size_t k = 0; k < n_succ; k++) {
      uint32_t a = s->succ[k];
      plan__pddl_apply(task, state, a, s->scratch);
      out->generated++;
      uint32_t id;
      add_result ar = add_state(s, s->scratch, &id, &st);
      if (ar == ADD_FAIL)
        return st;
      if (ar == ADD_OLD)
        continue;
      node *c = &s->nodes[id];
      c->g = s->nodes[parent].g + task->actions[a].cost;
      c->parent = parent;
      c->action = a;
      if (plan__pddl_goal_reached(task, c->state))
        return extract_plan(s, id);
      uint32_t h = evaluate(s, id);
      if (s->oom)
        return PLAN_ENOMEM;
      c = &s->nodes[id];
      c->h = h;
      c->evaluated = true;
      if (h == PLAN__STRIPS_H_INF)
        continue;
      entry ce = {h, 0, id, c->g};
      if (!open_push(&s->open, ce))
        return PLAN_ENOMEM;
      if (use_pref && s->succ_pref[k] && !open_push(&s->pref, ce))
        return PLAN_ENOMEM;
      if (h < best_h) {
        best_h = h;
        prio[1] -= 1000;
      }
    }
    note_peak(s);
  }
  return unsolvable(s);
}

static plan_status run(search *s) {
  const plan__pddl_task *task = s->task;
  plan__strips_result *out = s->out;
  plan_status st = PLAN_OK;
  uint32_t id;
  if (add_state(s, task->init, &id, &st) == ADD_FAIL)
    return st;
  uint32_t h0 = evaluate(s, id);
  if (s->oom)
    return PLAN_ENOMEM;
  out->h_init = h0;
  if (h0 == PLAN__STRIPS_H_INF) {
    plan__fmt(out->message, sizeof out->message,
              "unsolvable: the goal is unreachable even ignoring deletes");
    return PLAN_ENOTFOUND;
  }
  s->nodes[id].h = h0;
  s->nodes[id].evaluated = true;
  if (plan__pddl_goal_reached(task, task->init))
    return extract_plan(s, id);
  return s->opts.algo == PLAN__STRIPS_ASTAR ? run_astar(s, id)
                                            : run_gbfs(s, id);
}

plan_status plan__strips_solve(const plan__pddl_task *task,
                               const plan__strips_options *opts,
                               plan__strips_result *out) {
  if (!out)
    return PLAN_EINVAL;
  memset(out, 0, sizeof *out);
  if (!task)
    return PLAN_EINVAL;
  search s;
  memset(&s, 0, sizeof s);
  s.task = task;
  s.out = out;
  if (opts)
    s.opts = *opts;
  else
    plan__strips_options_init(&s.opts, PLAN__STRIPS_OPTIONS_VERSION);
  if (s.opts.algo != PLAN__STRIPS_ASTAR && s.opts.algo != PLAN__STRIPS_GBFS)
    return PLAN_EINVAL;
  if (s.opts.heuristic == PLAN__STRIPS_H_DEFAULT)
    s.opts.heuristic = s.opts.algo == PLAN__STRIPS_ASTAR ? PLAN__STRIPS_H_LMCUT
                                                         : PLAN__STRIPS_H_FF;
  if ((unsigned)s.opts.heuristic > PLAN__STRIPS_H_FF)
    return PLAN_EINVAL;
  if (!s.opts.max_nodes)
    s.opts.max_nodes = DEFAULT_MAX_NODES;
  if (s.opts.max_nodes > UINT32_MAX - 1)
    s.opts.max_nodes = UINT32_MAX - 1;
  if (!s.opts.max_bytes)
    s.opts.max_bytes = DEFAULT_MAX_BYTES;
  s.t0 = s.opts.time_limit_ms ? plan__now_ns(s.opts.clock) : 0;
  s.last_eval = NO_NODE;
  for (size_t i = 0; i < LM_CACHE; i++)
    s.lmc[i].id = NO_NODE;
  plan__arena_init(&s.states, 0, s.opts.max_bytes);
  plan_status st = plan__relax_create(task, &s.relax);
  if (!st && !s.opts.no_pruning)
    st = plan__sss_create(task, &s.sss);
  if (!st) {
    s.scratch = plan__calloc(task->n_words, sizeof *s.scratch);
    s.succ = plan__calloc(task->n_actions + 1, sizeof *s.succ);
    s.succ_pref = plan__calloc(task->n_actions + 1, sizeof *s.succ_pref);
    st = s.scratch && s.succ && s.succ_pref ? run(&s) : PLAN_ENOMEM;
  }
  size_t used = bytes_in_use(&s);
  if (used > out->peak_bytes)
    out->peak_bytes = used;
  if (st == PLAN_ENOMEM)
    plan__fmt(out->message, sizeof out->message, "out of memory");
  if (st != PLAN_OK) {
    plan__free(out->plan);
    out->plan = NULL;
    out->n_plan = 0;
    out->solved = false;
  }
  plan__free(s.scratch);
  plan__free(s.succ);
  plan__free(s.succ_pref);
  plan__sss_free(s.sss);
  plan__free(s.nodes);
  plan__free(s.table);
  plan__free(s.open.a);
  plan__free(s.pref.a);
  plan__arena_free(&s.states);
  plan__relax_free(s.relax);
  for (size_t i = 0; i < LM_CACHE; i++)
    plan__lmset_free(&s.lmc[i].set);
  return st;
}
