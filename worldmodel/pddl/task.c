/* worldmodel/pddl/task.c: grounding. Turns a lifted domain and problem into
 * the propositional task of pddl.h in three passes:
 *   1. enumerate each schema's parameter bindings over the objects of the
 *      right type, deciding static preconditions (predicates no action
 *      changes, such as logistics' type predicates) and equalities as soon
 *      as their variables are bound, so hopeless partial bindings die early;
 *   2. keep the candidates reachable in the delete relaxation (a counter per
 *      candidate of its unreached preconditions, a queue of reached atoms);
 *   3. number the surviving atoms and actions in name order, so ids and
 *      every output derived from them are deterministic.
 * The task keeps private re-parsed copies of the domain and the problem so
 * that the validator can instantiate any schema, including pruned ones.
 */
#include <stdlib.h>
#include <string.h>

#include "worldmodel/pddl/pddl_int.h"

#define MAX_GROUND ((size_t)1 << 22)  /* actions or atoms */
#define MAX_POOL ((size_t)1 << 27)    /* uint32 words of candidate data */
#define MAX_STEPS ((uint64_t)1 << 27) /* binding steps */

enum { A_INIT = 1, A_REACHED = 2, A_GOAL = 4, A_FINAL = 8 };

typedef struct gcand {
  uint32_t schema;
  uint32_t args; /* offsets into the pool */
  uint32_t pre;
  uint32_t n_pre;
  uint32_t neg;
  uint32_t n_neg;
  uint32_t add;
  uint32_t n_add;
  uint32_t del;
  uint32_t n_del;
  bool reached;
} gcand;

typedef struct ground {
  plan__pddl_domain *d;
  plan__pddl_problem *p;
  plan_error *err;
  plan__arena keys; /* atom key words */
  pddl_map atom_map;
  const uint32_t **atom_key; /* [pred, args...] */
  uint8_t *atom_flags;
  size_t n_atoms;
  size_t cap_atoms;
  size_t cap_flags;
  gcand *cands;
  size_t n_cands;
  size_t cap_cands;
  uint32_t *pool;
  size_t n_pool;
  size_t cap_pool;
  uint64_t steps;
  /* Binding state. */
  uint32_t binding[PDDL_MAX_ARITY];
  uint32_t **cand_objs; /* per parameter: objects of its type */
  size_t *n_cand_objs;
  int *level; /* per precondition: the parameter that completes it */
} ground;

static plan_status gerr(ground *g, plan_status code, const char *msg) {
  return plan__error_set(g->err, code, 0, 0, "%s: %s",
                         plan__pddl_src_label(g->p->source), msg);
}

/* ======================================================================
 * Atoms
 * ====================================================================== */

static void atom_words(const pddl_atom *a, const uint32_t *binding,
                       uint32_t *key) {
  key[0] = (uint32_t)a->pred;
  for (size_t i = 0; i < a->n; i++)
    key[i + 1] =
        a->args[i] >= 0 ? binding[a->args[i]] : PDDL_TERM_OBJ(a->args[i]);
}

/* The id of the atom with key words, or -1. */
static long atom_find(const ground *g, const uint32_t *key, size_t n) {
  uint32_t id;
  if (plan__pddl_map_get(&g->atom_map, key, n * sizeof *key, &id))
    return (long)id;
  return -1;
}

static plan_status atom_intern(ground *g, const uint32_t *key, size_t n,
                               uint32_t *out) {
  long id = atom_find(g, key, n);
  if (id >= 0) {
    *out = (uint32_t)id;
    return PLAN_OK;
  }
  if (g->n_atoms >= MAX_GROUND)
    return gerr(g, PLAN_EBUDGET, "grounding needs more than 4194304 atoms");
  uint32_t *k = plan__arena_alloc(&g->keys, n * sizeof *k);
  if (!k ||
      plan__grow((void **)&g->atom_key, &g->cap_atoms, g->n_atoms + 1,
                 sizeof *g->atom_key) ||
      plan__grow((void **)&g->atom_flags, &g->cap_flags, g->n_atoms + 1,
                 sizeof *g->atom_flags))
    return gerr(g, PLAN_ENOMEM, "out of memory");
  memcpy(k, key, n * sizeof *k);
  if (plan__pddl_map_put(&g->atom_map, k, n * sizeof *k, (uint32_t)g->n_atoms,
                         NULL, NULL))
    return gerr(g, PLAN_ENOMEM, "out of memory");
  g->atom_key[g->n_atoms] = k;
  g->atom_flags[g->n_atoms] = 0;
  *out = (uint32_t)g->n_atoms++;
  return PLAN_OK;
}

/* Whether a static literal (static predicate or equality) holds under the
 * binding. */
static bool static_holds(const ground *g, const pddl_atom *a,
                         const uint32_t *binding) {
  uint32_t key[PDDL_MAX_ARITY + 1];
  atom_words(a, binding, key);
  bool v;
  if (a->pred == PDDL_EQ) {
    v = key[1] == key[2];
  } else {
    long id = atom_find(g, key, a->n + 1);
    v = id >= 0 && (g->atom_flags[id] & A_INIT);
  }
  return a->neg ? !v : v;
}

static bool is_static_lit(const ground *g, const pddl_atom *a) {
  return a->pred == PDDL_EQ || !g->d->preds[a->pred].fluent;
}

/* ======================================================================
 * Pass 1: candidates
 * ====================================================================== */

static plan_status pool_push(ground *g, uint32_t v) {
  if (g->n_pool >= MAX_POOL)
    return gerr(g, PLAN_EBUDGET, "grounding needs too much memory");
  if (plan__grow((void **)&g->pool, &g->cap_pool, g->n_pool + 1,
                 sizeof *g->pool))
    return gerr(g, PLAN_ENOMEM, "out of memory");
  g->pool[g->n_pool++] = v;
  return PLAN_OK;
}

/* Interns and pushes the atoms of the literals of kind (pre: neg false;
 * neg: neg true) that are fluent. */
static plan_status push_atoms(ground *g, const pddl_atom *lits, size_t n,
                              bool neg, bool skip_static, uint32_t *count) {
  uint32_t key[PDDL_MAX_ARITY + 1];
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    const pddl_atom *a = &lits[i];
    if (a->neg != neg || (skip_static && is_static_lit(g, a)))
      continue;
    atom_words(a, g->binding, key);
    uint32_t id;
    plan_status st = atom_intern(g, key, a->n + 1, &id);
    if (st == PLAN_OK)
      st = pool_push(g, id);
    if (st)
      return st;
    (*count)++;
  }
  return PLAN_OK;
}

static plan_status emit_candidate(ground *g, uint32_t schema) {
  const pddl_schema *sc = &g->d->schemas[schema];
  if (g->n_cands >= MAX_GROUND)
    return gerr(g, PLAN_EBUDGET, "grounding needs more than 4194304 actions");
  if (plan__grow((void **)&g->cands, &g->cap_cands, g->n_cands + 1,
                 sizeof *g->cands))
    return gerr(g, PLAN_ENOMEM, "out of memory");
  gcand c;
  memset(&c, 0, sizeof c);
  c.schema = schema;
  c.args = (uint32_t)g->n_pool;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < sc->n_params && !st; i++)
    st = pool_push(g, g->binding[i]);
  c.pre = (uint32_t)g->n_pool;
  if (!st)
    st = push_atoms(g, sc->pre, sc->n_pre, false, true, &c.n_pre);
  c.neg = (uint32_t)g->n_pool;
  if (!st)
    st = push_atoms(g, sc->pre, sc->n_pre, true, true, &c.n_neg);
  c.add = (uint32_t)g->n_pool;
  if (!st)
    st = push_atoms(g, sc->eff, sc->n_eff, false, false, &c.n_add);
  c.del = (uint32_t)g->n_pool;
  if (!st)
    st = push_atoms(g, sc->eff, sc->n_eff, true, false, &c.n_del);
  if (st)
    return st;
  g->cands[g->n_cands++] = c;
  return PLAN_OK;
}

/* Binds parameter k and everything after it. */
static plan_status bind(ground *g, uint32_t schema, size_t k) {
  const pddl_schema *sc = &g->d->schemas[schema];
  if (k == sc->n_params)
    return emit_candidate(g, schema);
  for (size_t i = 0; i < g->n_cand_objs[k]; i++) {
    if (++g->steps > MAX_STEPS)
      return gerr(g, PLAN_EBUDGET,
                  "grounding takes too many steps (too many objects or "
                  "parameters)");
    g->binding[k] = g->cand_objs[k][i];
    bool ok = true;
    for (size_t j = 0; j < sc->n_pre && ok; j++)
      if (g->level[j] == (int)k && is_static_lit(g, &sc->pre[j]))
        ok = static_holds(g, &sc->pre[j], g->binding);
    if (!ok)
      continue;
    plan_status st = bind(g, schema, k + 1);
    if (st)
      return st;
  }
  return PLAN_OK;
}

static bool object_fits(const plan__pddl_domain *d, const pddl_object *o,
                        const pddl_param *p) {
  for (size_t i = 0; i < p->n_types; i++)
    if (plan__pddl_subtype(d, o->type, p->types[i]))
      return true;
  return false;
}

static plan_status ground_schema(ground *g, uint32_t schema) {
  const pddl_schema *sc = &g->d->schemas[schema];
  plan_status st = PLAN_OK;
  g->cand_objs = plan__calloc(sc->n_params + 1, sizeof *g->cand_objs);
  g->n_cand_objs = plan__calloc(sc->n_params + 1, sizeof *g->n_cand_objs);
  g->level = plan__calloc(sc->n_pre + 1, sizeof *g->level);
  if (!g->cand_objs || !g->n_cand_objs || !g->level) {
    st = gerr(g, PLAN_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t j = 0; j < sc->n_pre; j++) {
    int lv = -1;
    for (size_t i = 0; i < sc->pre[j].n; i++)
      lv = PLAN_MAX(lv, (int)sc->pre[j].args[i]);
    g->level[j] = lv;
    if (lv < 0 && is_static_lit(g, &sc->pre[j]) &&
        !static_holds(g, &sc->pre[j], g->binding))
      goto done; /* a ground static precondition is false */
  }
  for (size_t k = 0; k < sc->n_params; k++) {
    g->cand_objs[k] =
        plan__calloc(g->p->n_objects + 1, sizeof *g->cand_objs[k]);
    if (!g->cand_objs[k]) {
      st = gerr(g, PLAN_ENOMEM, "out of memory");
      goto done;
    }
    for (size_t o = 0; o < g->p->n_objects; o++)
      if (object_fits(g->d, &g->p->objects[o], &sc->params[k]))
        g->cand_objs[k][g->n_cand_objs[k]++] = (uint32_t)o;
  }
  st = bind(g, schema, 0);
done:
  if (g->cand_objs)
    for (size_t k = 0; k < sc->n_params; k++)
      plan__free(g->cand_objs[k]);
  plan__free(g->cand_objs);
  plan__free(g->n_cand_objs);
  plan__free(g->level);
  g->cand_objs = NULL;
  g->n_cand_objs = NULL;
  g->level = NULL;
  return st;
}

/* ======================================================================
 * Pass 2: relaxed reachability
 * ====================================================================== */

/* Marks candidate c reached and queues the atoms it adds first. */
static void fire(ground *g, size_t c, uint32_t *queue, size_t *qt) {
  gcand *cd = &g->cands[c];
  cd->reached = true;
  for (uint32_t i = 0; i < cd->n_add; i++) {
    uint32_t a = g->pool[cd->add + i];
    if (!(g->atom_flags[a] & A_REACHED)) {
      g->atom_flags[a] |= A_REACHED;
      queue[(*qt)++] = a;
    }
  }
}

static plan_status reach(ground *g) {
  size_t na = g->n_atoms;
  size_t nc = g->n_cands;
  plan_status st = PLAN_OK;
  uint32_t *start = plan__calloc(na + 1, sizeof *start);
  uint32_t *users = NULL;
  uint32_t *missing = plan__calloc(nc + 1, sizeof *missing);
  uint32_t *queue = plan__calloc(na + 1, sizeof *queue);
  size_t n_users = 0;
  if (!start || !missing || !queue)
    goto nomem;
  /* CSR: for each atom, the candidates with it as a precondition. */
  for (size_t c = 0; c < nc; c++)
    for (uint32_t i = 0; i < g->cands[c].n_pre; i++)
      start[g->pool[g->cands[c].pre + i] + 1]++;
  for (size_t a = 0; a < na; a++)
    start[a + 1] += start[a];
  n_users = start[na];
  users = plan__calloc(n_users + 1, sizeof *users);
  if (!users)
    goto nomem;
  {
    uint32_t *fill = plan__calloc(na + 1, sizeof *fill);
    if (!fill)
      goto nomem;
    for (size_t c = 0; c < nc; c++)
      for (uint32_t i = 0; i < g->cands[c].n_pre; i++) {
        uint32_t a = g->pool[g->cands[c].pre + i];
        users[start[a] + fill[a]++] = (uint32_t)c;
      }
    plan__free(fill);
  }
  size_t qh = 0;
  size_t qt = 0;
  for (size_t a = 0; a < na; a++)
    if (g->atom_flags[a] & A_INIT) {
      g->atom_flags[a] |= A_REACHED;
      queue[qt++] = (uint32_t)a;
    }
  /* missing counts precondition occurrences (duplicates too); each
   * occurrence is decremented once, when its atom leaves the queue. */
  for (size_t c = 0; c < nc; c++) {
    missing[c] = g->cands[c].n_pre;
    if (missing[c] == 0)
      fire(g, c, queue, &qt);
  }
  while (qh < qt) {
    uint32_t a = queue[qh++];
    for (uint32_t u = start[a]; u < start[a + 1]; u++)
      if (--missing[users[u]] == 0)
        fire(g, users[u], queue, &qt);
  }
  goto done;
nomem:
  st = gerr(g, PLAN_ENOMEM, "out of memory");
done:
  plan__free(start);
  plan__free(users);
  plan__free(missing);
  plan__free(queue);
  return st;
}

/* ======================================================================
 * Pass 3: the public task
 * ====================================================================== */

/* A name with its id, sorted by name (then id, for a total order). */
typedef struct named {
  const char *name;
  uint32_t id;
} named;

static int cmp_named(const void *a, const void *b) {
  const named *x = a;
  const named *y = b;
  int r = strcmp(x->name, y->name);
  if (r)
    return r;
  return (x->id > y->id) - (x->id < y->id);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a;
  uint32_t y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* "(head a b)" in the arena. */
static char *make_name(plan__arena *a, plan__buf *b, const char *head,
                       const uint32_t *args, size_t n,
                       const pddl_object *objects) {
  plan__buf_reset(b);
  plan__buf_putc(b, '(');
  plan__buf_puts(b, head);
  for (size_t i = 0; i < n; i++) {
    plan__buf_putc(b, ' ');
    plan__buf_puts(b, objects[args[i]].name);
  }
  plan__buf_putc(b, ')');
  if (b->status)
    return NULL;
  return plan__arena_strndup(a, b->data, b->len);
}

/* Copies ids through map (UINT32_MAX: dropped), sorted and unique, into
 * the arena. */
static uint32_t *remap_ids(plan__arena *a, const uint32_t *src, size_t n,
                           const uint32_t *map, size_t *n_out, bool *nomem) {
  *n_out = 0;
  if (!n)
    return NULL;
  uint32_t *dst = plan__arena_alloc(a, n * sizeof *dst);
  if (!dst) {
    *nomem = true;
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (map[src[i]] != UINT32_MAX)
      dst[k++] = map[src[i]];
  qsort(dst, k, sizeof *dst, cmp_u32);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || dst[u - 1] != dst[i])
      dst[u++] = dst[i];
  *n_out = u;
  return dst;
}

static plan_status build_task(ground *g, plan__pddl_task *t,
                              pddl_task_int *ti) {
  plan__arena *ar = &ti->arena;
  plan__pddl_domain *d = g->d;
  plan__pddl_problem *p = g->p;
  plan_status st = PLAN_OK;
  plan__buf b;
  plan__buf_init(&b, 0);
  uint32_t *fact_of = NULL; /* atom -> fact id */
  named *order = NULL;
  const char **names = NULL;
  bool oom = false;

  /* Objects. */
  const char **objs = plan__arena_alloc(ar, (p->n_objects + 1) * sizeof *objs);
  if (!objs)
    goto nomem;
  for (size_t i = 0; i < p->n_objects; i++) {
    objs[i] = p->objects[i].name;
    if (plan__pddl_map_put(&ti->objects, objs[i], strlen(objs[i]), (uint32_t)i,
                           NULL, NULL))
      goto nomem;
  }
  t->objects = objs;
  t->n_objects = p->n_objects;
  t->domain_name = d->name;
  t->problem_name = p->name;

  /* Facts: reached atoms and goal atoms, in name order. */
  size_t na = g->n_atoms;
  names = plan__calloc(na + 1, sizeof *names);
  order = plan__calloc(na + 1, sizeof *order);
  fact_of = plan__calloc(na + 1, sizeof *fact_of);
  if (!names || !order || !fact_of)
    goto nomem;
  size_t nf = 0;
  for (size_t a = 0; a < na; a++) {
    fact_of[a] = UINT32_MAX;
    if (!(g->atom_flags[a] & (A_REACHED | A_GOAL)))
      continue;
    const uint32_t *key = g->atom_key[a];
    const pddl_pred *pr = &d->preds[key[0]];
    names[a] = make_name(ar, &b, pr->name, key + 1, pr->arity, p->objects);
    if (!names[a])
      goto nomem;
    order[nf].name = names[a];
    order[nf].id = (uint32_t)a;
    nf++;
  }
  qsort(order, nf, sizeof *order, cmp_named);
  plan__pddl_fact *facts = plan__arena_alloc(ar, (nf + 1) * sizeof *facts);
  size_t n_key_words = 0;
  for (size_t i = 0; i < nf; i++)
    n_key_words += 1 + d->preds[g->atom_key[order[i].id][0]].arity;
  ti->fact_keys = plan__calloc(n_key_words + 1, sizeof *ti->fact_keys);
  if (!facts || !ti->fact_keys)
    goto nomem;
  size_t kw = 0;
  for (size_t i = 0; i < nf; i++) {
    uint32_t a = order[i].id;
    const uint32_t *key = g->atom_key[a];
    size_t arity = d->preds[key[0]].arity;
    fact_of[a] = (uint32_t)i;
    uint32_t *k = ti->fact_keys + kw;
    memcpy(k, key, (arity + 1) * sizeof *k);
    kw += arity + 1;
    facts[i].name = names[a];
    facts[i].predicate = d->preds[key[0]].name;
    facts[i].args = k + 1;
    facts[i].n_args = arity;
    facts[i].is_static = true;
    if (plan__pddl_map_put(&ti->facts, k, (arity + 1) * sizeof *k, (uint32_t)i,
                           NULL, NULL))
      goto nomem;
  }
  t->facts = facts;
  t->n_facts = nf;
  t->n_words = (nf + 63) / 64;
  if (t->n_words == 0)
    t->n_words = 1;

  /* Actions: reached candidates, in name order. */
  size_t nr = 0;
  for (size_t c = 0; c < g->n_cands; c++)
    nr += g->cands[c].reached;
  named *aorder = plan__calloc(nr + 1, sizeof *aorder);
  if (!aorder)
    goto nomem;
  size_t k = 0;
  for (size_t c = 0; c < g->n_cands && !oom; c++) {
    if (!g->cands[c].reached)
      continue;
    const pddl_schema *sc = &d->schemas[g->cands[c].schema];
    aorder[k].name = make_name(ar, &b, sc->name, g->pool + g->cands[c].args,
                               sc->n_params, p->objects);
    aorder[k].id = (uint32_t)c;
    oom = !aorder[k].name;
    k++;
  }
  if (!oom)
    qsort(aorder, nr, sizeof *aorder, cmp_named);
  plan__pddl_action *acts =
      oom ? NULL : plan__arena_alloc(ar, (nr + 1) * sizeof *acts);
  oom = oom || !acts;
  for (size_t i = 0; i < nr && !oom; i++) {
    const gcand *cd = &g->cands[aorder[i].id];
    const pddl_schema *sc = &d->schemas[cd->schema];
    plan__pddl_action *ac = &acts[i];
    memset(ac, 0, sizeof *ac);
    ac->name = aorder[i].name;
    ac->schema = sc->name;
    ac->n_args = sc->n_params;
    if (sc->n_params) {
      uint32_t *args = plan__arena_alloc(ar, sc->n_params * sizeof *args);
      oom = !args;
      if (args)
        memcpy(args, g->pool + cd->args, sc->n_params * sizeof *args);
      ac->args = args;
    }
    ac->pre =
        remap_ids(ar, g->pool + cd->pre, cd->n_pre, fact_of, &ac->n_pre, &oom);
    ac->pre_neg = remap_ids(ar, g->pool + cd->neg, cd->n_neg, fact_of,
                            &ac->n_pre_neg, &oom);
    ac->add =
        remap_ids(ar, g->pool + cd->add, cd->n_add, fact_of, &ac->n_add, &oom);
    ac->del =
        remap_ids(ar, g->pool + cd->del, cd->n_del, fact_of, &ac->n_del, &oom);
    ac->cost = 1;
    for (size_t j = 0; j < ac->n_add; j++)
      facts[ac->add[j]].is_static = false;
    for (size_t j = 0; j < ac->n_del; j++)
      facts[ac->del[j]].is_static = false;
    if (!oom && plan__pddl_map_put(&ti->actions, ac->name, strlen(ac->name),
                                   (uint32_t)i, NULL, NULL))
      oom = true;
  }
  plan__free(aorder);
  if (oom)
    goto nomem;
  t->actions = acts;
  t->n_actions = nr;

  /* Initial state and the :init atoms in file order. */
  uint64_t *init = plan__arena_alloc(ar, t->n_words * sizeof *init);
  uint32_t *init_facts =
      plan__arena_alloc(ar, (p->n_init + 1) * sizeof *init_facts);
  plan__pddl_literal *goal =
      plan__arena_alloc(ar, (p->n_goal + 1) * sizeof *goal);
  if (!init || !init_facts || !goal)
    goto nomem;
  memset(init, 0, t->n_words * sizeof *init);
  size_t ni = 0;
  uint32_t key[PDDL_MAX_ARITY + 1];
  for (size_t i = 0; i < p->n_init; i++) {
    atom_words(&p->init[i], NULL, key);
    long a = atom_find(g, key, p->init[i].n + 1);
    if (a < 0 || fact_of[a] == UINT32_MAX) {
      st = gerr(g, PLAN_EINTERNAL, "an :init atom was lost in grounding");
      goto fail;
    }
    uint32_t f = fact_of[a];
    if (plan__pddl_state_has(init, f))
      continue; /* listed twice */
    init[f >> 6] |= (uint64_t)1 << (f & 63);
    init_facts[ni++] = f;
  }
  t->init = init;
  t->init_facts = init_facts;
  t->n_init_facts = ni;
  for (size_t i = 0; i < p->n_goal; i++) {
    atom_words(&p->goal[i], NULL, key);
    long a = atom_find(g, key, p->goal[i].n + 1);
    if (a < 0 || fact_of[a] == UINT32_MAX) {
      st = gerr(g, PLAN_EINTERNAL, "a goal atom was lost in grounding");
      goto fail;
    }
    goal[i].fact = fact_of[a];
    goal[i].positive = !p->goal[i].neg;
  }
  t->goal = goal;
  t->n_goal = p->n_goal;
  goto done;
nomem:
  st = gerr(g, PLAN_ENOMEM, "out of memory");
fail:
done:
  plan__buf_free(&b);
  plan__free(names);
  plan__free(order);
  plan__free(fact_of);
  return st;
}

/* ======================================================================
 * Entry points
 * ====================================================================== */

static void ground_free(ground *g) {
  plan__arena_free(&g->keys);
  plan__pddl_map_free(&g->atom_map);
  plan__free(g->atom_key);
  plan__free(g->atom_flags);
  plan__free(g->cands);
  plan__free(g->pool);
}

plan_status plan__pddl_task_create(const plan__pddl_domain *dom,
                                   const plan__pddl_problem *prob,
                                   plan__pddl_task **out, plan_error *err) {
  if (!out || !dom || !prob)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  plan__pddl_task *t = plan__calloc(1, sizeof *t);
  pddl_task_int *ti = plan__calloc(1, sizeof *ti);
  if (!t || !ti) {
    plan__free(t);
    plan__free(ti);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  t->internal = ti;
  plan__arena_init(&ti->arena, 0, 0);
  plan__pddl_map_init(&ti->objects);
  plan__pddl_map_init(&ti->facts);
  plan__pddl_map_init(&ti->actions);
  ground g;
  memset(&g, 0, sizeof g);
  plan__arena_init(&g.keys, 0, 0);
  plan__pddl_map_init(&g.atom_map);
  g.err = err;
  plan_status st =
      plan__pddl_domain_parse(dom->text, dom->len, dom->source, &ti->dom, err);
  if (!st)
    st = plan__pddl_problem_parse(ti->dom, prob->text, prob->len, prob->source,
                                  &ti->prob, err);
  if (st)
    goto fail;
  g.d = ti->dom;
  g.p = ti->prob;
  uint32_t key[PDDL_MAX_ARITY + 1];
  for (size_t i = 0; i < g.p->n_init && !st; i++) {
    uint32_t id;
    atom_words(&g.p->init[i], NULL, key);
    st = atom_intern(&g, key, g.p->init[i].n + 1, &id);
    if (!st)
      g.atom_flags[id] |= A_INIT;
  }
  for (size_t i = 0; i < g.p->n_goal && !st; i++) {
    uint32_t id;
    atom_words(&g.p->goal[i], NULL, key);
    st = atom_intern(&g, key, g.p->goal[i].n + 1, &id);
    if (!st)
      g.atom_flags[id] |= A_GOAL;
  }
  for (size_t s = 0; s < g.d->n_schemas && !st; s++)
    st = ground_schema(&g, (uint32_t)s);
  if (!st)
    st = reach(&g);
  if (!st)
    st = build_task(&g, t, ti);
  if (st)
    goto fail;
  ground_free(&g);
  *out = t;
  return PLAN_OK;
fail:
  ground_free(&g);
  plan__pddl_task_free(t);
  return st;
}

plan_status plan__pddl_task_load(const char *domain_path,
                                 const char *problem_path,
                                 plan__pddl_task **out, plan_error *err) {
  if (!out || !domain_path || !problem_path)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  plan__pddl_domain *d = NULL;
  plan__pddl_problem *p = NULL;
  plan_status st = plan__pddl_domain_load(domain_path, &d, err);
  if (!st)
    st = plan__pddl_problem_load(d, problem_path, &p, err);
  if (!st)
    st = plan__pddl_task_create(d, p, out, err);
  plan__pddl_problem_free(p);
  plan__pddl_domain_free(d);
  return st;
}

void plan__pddl_task_free(plan__pddl_task *t) {
  if (!t)
    return;
  pddl_task_int *ti = t->internal;
  if (ti) {
    plan__pddl_problem_free(ti->prob);
    plan__pddl_domain_free(ti->dom);
    plan__arena_free(&ti->arena);
    plan__pddl_map_free(&ti->objects);
    plan__pddl_map_free(&ti->facts);
    plan__pddl_map_free(&ti->actions);
    plan__free(ti->fact_keys);
    plan__free(ti);
  }
  plan__free(t);
}
