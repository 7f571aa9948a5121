/* worldmodel/pddl/parse.c: the PDDL interpreters. They walk the tree that
 * sexp.c reads and build the lifted domain (types, constants, predicates,
 * action schemas) and problem (objects, :init, :goal) of pddl_int.h. They
 * accept the STRIPS fragment plus :typing, :negative-preconditions and
 * :equality, and reject everything else by name (a requirement, or the
 * construct such as "forall" or "when") with file:line:column. Names were
 * lowercased by the reader, so all comparisons here are exact.
 */
#include <stdio.h>
#include <string.h>

#include "worldmodel/pddl/pddl_int.h"

/* ======================================================================
 * Error reporting
 * ====================================================================== */

typedef struct pctx {
  const char *src;
  plan_error *err;
  plan__arena *a;
  const plan__pddl_domain *dom; /* the domain (being built, or of the
                                   problem) */
  /* Problem only: object names -> ids, and the objects so far. */
  pddl_map *objmap;
  const pddl_object *objects;
  size_t n_objects;
} pctx;

static plan_status perr(pctx *c, plan_status code, const pddl_sx *at,
                        const char *fmt, ...) PLAN_PRINTF(4, 5);

static plan_status perr(pctx *c, plan_status code, const pddl_sx *at,
                        const char *fmt, ...) {
  char msg[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int line = at ? at->line : 0;
  int col = at ? at->col : 0;
  return plan__error_set(c->err, code, line, col, "%s:%d:%d: %s",
                         plan__pddl_src_label(c->src), line, col, msg);
}

static plan_status nomem(pctx *c, const pddl_sx *at) {
  return perr(c, PLAN_ENOMEM, at, "out of memory");
}

/* A symbol for messages: at most 40 characters. */
#define SYMF "%.40s"

static bool is_sym(const pddl_sx *x, const char *s) {
  return x->sym && !strcmp(x->sym, s);
}

static const char *head_of(const pddl_sx *x) {
  return (!x->sym && x->n > 0 && x->kids[0]->sym) ? x->kids[0]->sym : NULL;
}

/* ======================================================================
 * Lookups
 * ====================================================================== */

int plan__pddl_find_pred(const plan__pddl_domain *d, const char *name) {
  for (size_t i = 0; i < d->n_preds; i++)
    if (!strcmp(d->preds[i].name, name))
      return (int)i;
  return -1;
}

int plan__pddl_find_type(const plan__pddl_domain *d, const char *name) {
  for (size_t i = 0; i < d->n_types; i++)
    if (!strcmp(d->types[i].name, name))
      return (int)i;
  return -1;
}

int plan__pddl_find_schema(const plan__pddl_domain *d, const char *name) {
  for (size_t i = 0; i < d->n_schemas; i++)
    if (!strcmp(d->schemas[i].name, name))
      return (int)i;
  return -1;
}

static int find_const(const plan__pddl_domain *d, const char *name) {
  for (size_t i = 0; i < d->n_consts; i++)
    if (!strcmp(d->consts[i].name, name))
      return (int)i;
  return -1;
}

bool plan__pddl_subtype(const plan__pddl_domain *d, int t, int want) {
  /* The hierarchy is acyclic (checked when parsed), so this ends. */
  for (size_t steps = 0; t >= 0 && steps <= d->n_types; steps++) {
    if (t == want)
      return true;
    t = d->types[t].parent;
  }
  return false;
}

/* ======================================================================
 * Requirements
 * ====================================================================== */

static const char *const supported_reqs[] = {
    ":strips", ":typing", ":negative-preconditions", ":equality"};

static const char *const unsupported_reqs[] = {":disjunctive-preconditions",
                                               ":existential-preconditions",
                                               ":universal-preconditions",
                                               ":quantified-preconditions",
                                               ":conditional-effects",
                                               ":fluents",
                                               ":numeric-fluents",
                                               ":object-fluents",
                                               ":adl",
                                               ":durative-actions",
                                               ":duration-inequalities",
                                               ":continuous-effects",
                                               ":derived-predicates",
                                               ":timed-initial-literals",
                                               ":timed-initial-fluents",
                                               ":preferences",
                                               ":constraints",
                                               ":action-costs",
                                               ":non-deterministic",
                                               ":probabilistic-effects",
                                               ":rewards",
                                               ":mdp"};

static plan_status parse_requirements(pctx *c, const pddl_sx *sec) {
  for (size_t i = 1; i < sec->n; i++) {
    const pddl_sx *r = sec->kids[i];
    if (!r->sym)
      return perr(c, PLAN_EPARSE, r,
                  "expected a requirement such as "
                  ":strips, found a list");
    bool ok = false;
    for (size_t k = 0; k < PLAN_ARRAY_LEN(supported_reqs); k++)
      ok = ok || !strcmp(r->sym, supported_reqs[k]);
    if (ok)
      continue;
    for (size_t k = 0; k < PLAN_ARRAY_LEN(unsupported_reqs); k++)
      if (!strcmp(r->sym, unsupported_reqs[k]))
        return perr(c, PLAN_EINVAL, r,
                    "requirement %s is not supported (only :strips, "
                    ":typing, :negative-preconditions, :equality)",
                    r->sym);
    return perr(c, PLAN_EPARSE, r, "unknown requirement '" SYMF "'", r->sym);
  }
  return PLAN_OK;
}

/* ======================================================================
 * Typed lists: "a b - t c ?x - (either u v)"
 * ====================================================================== */

typedef struct tl_item {
  const pddl_sx *node;
  const pddl_sx *type; /* NULL: object */
} tl_item;

/* Reads list->kids[from..n) as a typed list of names (vars: "?x" names).
 * *out is a new array (plan__free). */
static plan_status typed_list(pctx *c, const pddl_sx *list, size_t from,
                              bool vars, tl_item **out, size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  size_t cnt = list->n > from ? list->n - from : 0;
  tl_item *items = plan__calloc(cnt ? cnt : 1, sizeof *items);
  if (!items)
    return nomem(c, list);
  size_t n = 0;
  size_t pending = 0; /* first item without a type yet */
  for (size_t i = from; i < list->n; i++) {
    const pddl_sx *k = list->kids[i];
    if (is_sym(k, "-")) {
      if (pending == n) {
        plan__free(items);
        return perr(c, PLAN_EPARSE, k, "'-' without a name before it");
      }
      if (i + 1 >= list->n) {
        plan__free(items);
        return perr(c, PLAN_EPARSE, k, "missing type after '-'");
      }
      const pddl_sx *t = list->kids[++i];
      for (size_t j = pending; j < n; j++)
        items[j].type = t;
      pending = n;
      continue;
    }
    if (!k->sym) {
      plan__free(items);
      return perr(c, PLAN_EPARSE, k, "expected a %s, found a list",
                  vars ? "variable" : "name");
    }
    if (vars && (k->sym[0] != '?' || !k->sym[1])) {
      plan__free(items);
      return perr(c, PLAN_EPARSE, k,
                  "expected a variable such as ?x, found '" SYMF "'", k->sym);
    }
    if (!vars && (k->sym[0] == '?' || k->sym[0] == ':')) {
      plan__free(items);
      return perr(c, PLAN_EPARSE, k, "expected a name, found '" SYMF "'",
                  k->sym);
    }
    items[n].node = k;
    items[n].type = NULL;
    n++;
  }
  *out = items;
  *n_out = n;
  return PLAN_OK;
}

/* Resolves one type name (no either). */
static plan_status resolve_type(pctx *c, const pddl_sx *t, int *out) {
  if (!t) {
    *out = 0;
    return PLAN_OK;
  }
  if (!t->sym) {
    if (head_of(t) && !strcmp(head_of(t), "either"))
      return perr(c, PLAN_EINVAL, t,
                  "'either' types are only supported for parameters");
    return perr(c, PLAN_EPARSE, t, "expected a type name, found a list");
  }
  int id = plan__pddl_find_type(c->dom, t->sym);
  if (id < 0)
    return perr(c, PLAN_EPARSE, t, "undeclared type '" SYMF "'", t->sym);
  *out = id;
  return PLAN_OK;
}

/* ======================================================================
 * Domain sections
 * ====================================================================== */

typedef struct dbuild {
  plan__pddl_domain *d;
  size_t cap_types;
  size_t cap_preds;
  size_t cap_consts;
  size_t cap_schemas;
} dbuild;

static plan_status add_type(pctx *c, dbuild *b, const char *name,
                            const pddl_sx *at, int *out) {
  plan__pddl_domain *d = b->d;
  if (plan__grow((void **)&d->types, &b->cap_types, d->n_types + 1,
                 sizeof *d->types))
    return nomem(c, at);
  char *s = plan__arena_strndup(c->a, name, strlen(name));
  if (!s)
    return nomem(c, at);
  d->types[d->n_types].name = s;
  d->types[d->n_types].parent = 0;
  *out = (int)d->n_types++;
  return PLAN_OK;
}

static plan_status parse_types(pctx *c, dbuild *b, const pddl_sx *sec) {
  plan__pddl_domain *d = b->d;
  tl_item *items;
  size_t n;
  plan_status st = typed_list(c, sec, 1, false, &items, &n);
  if (st)
    return st;
  for (size_t i = 0; i < n && !st; i++) {
    const pddl_sx *t = items[i].type;
    int parent = 0;
    if (t && !t->sym) {
      st = perr(c, PLAN_EINVAL, t, "'either' is not supported in :types");
      break;
    }
    if (t) {
      parent = plan__pddl_find_type(d, t->sym);
      if (parent < 0)
        st = add_type(c, b, t->sym, t, &parent);
      if (st)
        break;
    }
    const char *name = items[i].node->sym;
    int id = plan__pddl_find_type(d, name);
    if (id == 0) {
      if (t && parent != 0)
        st = perr(c, PLAN_EPARSE, items[i].node,
                  "type 'object' cannot have a parent type");
      continue;
    }
    if (id > 0) {
      if (d->types[id].parent != 0 && d->types[id].parent != parent) {
        st =
            perr(c, PLAN_EPARSE, items[i].node,
                 "type '" SYMF "' declared twice with different parents", name);
        break;
      }
    } else {
      st = add_type(c, b, name, items[i].node, &id);
      if (st)
        break;
    }
    d->types[id].parent = parent;
  }
  plan__free(items);
  if (st)
    return st;
  /* No cycles: every chain reaches object within n_types steps. */
  for (size_t i = 1; i < d->n_types; i++) {
    int t = (int)i;
    size_t steps = 0;
    while (t > 0 && steps <= d->n_types) {
      t = d->types[t].parent;
      steps++;
    }
    if (t != 0)
      return perr(c, PLAN_EPARSE, sec,
                  "the type hierarchy has a cycle through '" SYMF "'",
                  d->types[i].name);
  }
  return PLAN_OK;
}

static plan_status parse_constants(pctx *c, dbuild *b, const pddl_sx *sec) {
  plan__pddl_domain *d = b->d;
  tl_item *items;
  size_t n;
  plan_status st = typed_list(c, sec, 1, false, &items, &n);
  if (st)
    return st;
  for (size_t i = 0; i < n; i++) {
    int type = 0;
    st = resolve_type(c, items[i].type, &type);
    if (st)
      break;
    const char *name = items[i].node->sym;
    if (find_const(d, name) >= 0) {
      st = perr(c, PLAN_EPARSE, items[i].node,
                "constant '" SYMF "' declared twice", name);
      break;
    }
    if (plan__grow((void **)&d->consts, &b->cap_consts, d->n_consts + 1,
                   sizeof *d->consts)) {
      st = nomem(c, sec);
      break;
    }
    d->consts[d->n_consts].name = (char *)name; /* lives in the arena */
    d->consts[d->n_consts].type = type;
    d->n_consts++;
  }
  plan__free(items);
  return st;
}

static plan_status parse_predicates(pctx *c, dbuild *b, const pddl_sx *sec) {
  plan__pddl_domain *d = b->d;
  for (size_t i = 1; i < sec->n; i++) {
    const pddl_sx *p = sec->kids[i];
    if (p->sym || p->n == 0 || !p->kids[0]->sym)
      return perr(c, PLAN_EPARSE, p,
                  "expected a predicate declaration such as (on ?x ?y)");
    const char *name = p->kids[0]->sym;
    if (name[0] == '?' || name[0] == ':' || !strcmp(name, "=") ||
        !strcmp(name, "-"))
      return perr(c, PLAN_EPARSE, p->kids[0],
                  "invalid predicate name '" SYMF "'", name);
    if (plan__pddl_find_pred(d, name) >= 0)
      return perr(c, PLAN_EPARSE, p->kids[0],
                  "predicate '" SYMF "' declared twice", name);
    tl_item *items;
    size_t n;
    plan_status st = typed_list(c, p, 1, true, &items, &n);
    if (st)
      return st;
    if (n > PDDL_MAX_ARITY) {
      plan__free(items);
      return perr(c, PLAN_EINVAL, p, "more than %d arguments", PDDL_MAX_ARITY);
    }
    for (size_t k = 0; k < n && !st; k++) {
      const pddl_sx *t = items[k].type;
      if (t && t->sym && plan__pddl_find_type(d, t->sym) < 0)
        st = perr(c, PLAN_EPARSE, t, "undeclared type '" SYMF "'", t->sym);
    }
    plan__free(items);
    if (st)
      return st;
    if (plan__grow((void **)&d->preds, &b->cap_preds, d->n_preds + 1,
                   sizeof *d->preds))
      return nomem(c, p);
    d->preds[d->n_preds].name = (char *)name;
    d->preds[d->n_preds].arity = n;
    d->preds[d->n_preds].fluent = false;
    d->n_preds++;
  }
  return PLAN_OK;
}

/* ======================================================================
 * Conditions and effects
 * ====================================================================== */

/* Where atoms go, and what their terms may refer to. */
typedef struct scope {
  const pddl_param *params; /* NULL in a problem */
  size_t n_params;
  bool goal;   /* problem goal: objects, no variables, no equality */
  bool effect; /* collecting effects */
  pddl_atom *atoms;
  size_t n;
  size_t cap;
} scope;

static plan_status parse_term(pctx *c, scope *s, const pddl_sx *t,
                              int32_t *out) {
  if (!t->sym)
    return perr(c, PLAN_EPARSE, t,
                "expected a variable or an object, found a list "
                "(functions are not supported)");
  if (t->sym[0] == '?') {
    for (size_t i = 0; i < s->n_params; i++)
      if (!strcmp(s->params[i].name, t->sym)) {
        *out = (int32_t)i;
        return PLAN_OK;
      }
    if (s->goal)
      return perr(c, PLAN_EPARSE, t,
                  "variable '" SYMF "' in the goal (quantified goals are "
                  "not supported)",
                  t->sym);
    return perr(c, PLAN_EPARSE, t, "unbound variable '" SYMF "'", t->sym);
  }
  if (c->objmap) {
    uint32_t id;
    if (plan__pddl_map_get(c->objmap, t->sym, strlen(t->sym), &id)) {
      *out = PDDL_OBJ_TERM(id);
      return PLAN_OK;
    }
    return perr(c, PLAN_EPARSE, t, "unknown object '" SYMF "'", t->sym);
  }
  int k = find_const(c->dom, t->sym);
  if (k < 0)
    return perr(c, PLAN_EPARSE, t,
                "unknown constant '" SYMF "' (declare it in :constants)",
                t->sym);
  *out = PDDL_OBJ_TERM(k);
  return PLAN_OK;
}

/* An atom (pred t1 ... tn) or (= t1 t2), negated when neg. */
static plan_status parse_atom(pctx *c, scope *s, const pddl_sx *x, bool neg) {
  const char *head = head_of(x);
  if (!head && x->sym)
    return perr(c, PLAN_EPARSE, x,
                "expected an atom in parentheses, found '" SYMF "'", x->sym);
  if (!head)
    return perr(c, PLAN_EPARSE, x, "expected an atom such as (on ?x ?y)");
  int pred;
  size_t arity;
  if (!strcmp(head, "=")) {
    if (s->effect)
      return perr(c, PLAN_EPARSE, x, "an equality cannot be an effect");
    if (s->goal)
      return perr(c, PLAN_EINVAL, x, "equality in the goal is not supported");
    pred = PDDL_EQ;
    arity = 2;
  } else {
    pred = plan__pddl_find_pred(c->dom, head);
    if (pred < 0)
      return perr(c, PLAN_EPARSE, x->kids[0], "undeclared predicate '" SYMF "'",
                  head);
    arity = c->dom->preds[pred].arity;
  }
  if (x->n - 1 != arity)
    return perr(c, PLAN_EPARSE, x,
                "predicate '" SYMF "' takes %zu argument%s, got %zu", head,
                arity, arity == 1 ? "" : "s", x->n - 1);
  if (plan__grow((void **)&s->atoms, &s->cap, s->n + 1, sizeof *s->atoms))
    return nomem(c, x);
  pddl_atom *a = &s->atoms[s->n];
  a->pred = pred;
  a->n = arity;
  a->neg = neg;
  a->line = x->line;
  a->col = x->col;
  a->args = NULL;
  if (arity) {
    a->args = plan__arena_alloc(c->a, arity * sizeof *a->args);
    if (!a->args)
      return nomem(c, x);
  }
  for (size_t i = 0; i < arity; i++) {
    plan_status st = parse_term(c, s, x->kids[i + 1], &a->args[i]);
    if (st)
      return st;
  }
  s->n++;
  return PLAN_OK;
}

static plan_status unsupported_gd(pctx *c, const pddl_sx *x, const char *head) {
  static const struct {
    const char *head;
    const char *req;
  } table[] = {
      {"or", ":disjunctive-preconditions"},
      {"imply", ":disjunctive-preconditions"},
      {"exists", ":existential-preconditions"},
      {"forall", ":universal-preconditions"},
      {"when", ":conditional-effects"},
      {"<", ":numeric-fluents"},
      {">", ":numeric-fluents"},
      {"<=", ":numeric-fluents"},
      {">=", ":numeric-fluents"},
      {"increase", ":numeric-fluents"},
      {"decrease", ":numeric-fluents"},
      {"assign", ":numeric-fluents"},
      {"scale-up", ":numeric-fluents"},
      {"scale-down", ":numeric-fluents"},
      {"preference", ":preferences"},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(table); i++)
    if (!strcmp(head, table[i].head))
      return perr(c, PLAN_EINVAL, x, "'%s' is not supported (it needs %s)",
                  head, table[i].req);
  return PLAN_OK;
}

/* A goal description: nested (and ...), (not atom), atoms, equality. */
static plan_status parse_gd(pctx *c, scope *s, const pddl_sx *x, int depth) {
  if (depth > PDDL_MAX_DEPTH)
    return perr(c, PLAN_EPARSE, x, "condition nested too deeply");
  if (x->sym)
    return perr(c, PLAN_EPARSE, x,
                "expected a condition in parentheses, found '" SYMF "'",
                x->sym);
  if (x->n == 0)
    return PLAN_OK;
  const char *head = head_of(x);
  if (!head)
    return perr(c, PLAN_EPARSE, x,
                "expected a predicate name or 'and', found a list");
  if (!strcmp(head, "and")) {
    for (size_t i = 1; i < x->n; i++) {
      plan_status st = parse_gd(c, s, x->kids[i], depth + 1);
      if (st)
        return st;
    }
    return PLAN_OK;
  }
  plan_status st = unsupported_gd(c, x, head);
  if (st)
    return st;
  if (!strcmp(head, "not")) {
    if (x->n != 2)
      return perr(c, PLAN_EPARSE, x, "'not' takes exactly one argument");
    const pddl_sx *in = x->kids[1];
    const char *ih = head_of(in);
    if (ih && (!strcmp(ih, "and") || !strcmp(ih, "not")))
      return perr(c, PLAN_EINVAL, in,
                  "negation of '%s' is not supported (it needs "
                  ":disjunctive-preconditions)",
                  ih);
    if (ih) {
      st = unsupported_gd(c, in, ih);
      if (st)
        return st;
    }
    return parse_atom(c, s, in, true);
  }
  return parse_atom(c, s, x, false);
}

static plan_status parse_effect(pctx *c, scope *s, const pddl_sx *x,
                                int depth) {
  if (depth > PDDL_MAX_DEPTH)
    return perr(c, PLAN_EPARSE, x, "effect nested too deeply");
  if (x->sym)
    return perr(c, PLAN_EPARSE, x,
                "expected an effect in parentheses, found '" SYMF "'", x->sym);
  if (x->n == 0)
    return PLAN_OK;
  const char *head = head_of(x);
  if (!head)
    return perr(c, PLAN_EPARSE, x,
                "expected a predicate name or 'and', found a list");
  if (!strcmp(head, "and")) {
    for (size_t i = 1; i < x->n; i++) {
      plan_status st = parse_effect(c, s, x->kids[i], depth + 1);
      if (st)
        return st;
    }
    return PLAN_OK;
  }
  if (!strcmp(head, "forall"))
    return perr(c, PLAN_EINVAL, x,
                "'forall' effects are not supported (they need "
                ":conditional-effects)");
  plan_status st = unsupported_gd(c, x, head);
  if (st)
    return st;
  if (!strcmp(head, "not")) {
    if (x->n != 2)
      return perr(c, PLAN_EPARSE, x, "'not' takes exactly one argument");
    const char *ih = head_of(x->kids[1]);
    if (ih && (!strcmp(ih, "and") || !strcmp(ih, "not")))
      return perr(c, PLAN_EPARSE, x->kids[1],
                  "'not' in an effect must hold one atom");
    return parse_atom(c, s, x->kids[1], true);
  }
  return parse_atom(c, s, x, false);
}

/* Copies the atoms collected in s into the arena. */
static plan_status freeze_atoms(pctx *c, scope *s, const pddl_sx *at,
                                pddl_atom **out, size_t *n) {
  *out = NULL;
  *n = s->n;
  if (s->n) {
    *out = plan__arena_alloc(c->a, s->n * sizeof **out);
    if (!*out)
      return nomem(c, at);
    memcpy(*out, s->atoms, s->n * sizeof **out);
  }
  plan__free(s->atoms);
  s->atoms = NULL;
  s->n = s->cap = 0;
  return PLAN_OK;
}

static plan_status parse_params(pctx *c, const pddl_sx *list, pddl_schema *sc) {
  if (list->sym)
    return perr(c, PLAN_EPARSE, list,
                "expected a parameter list in parentheses");
  tl_item *items;
  size_t n;
  plan_status st = typed_list(c, list, 0, true, &items, &n);
  if (st)
    return st;
  if (n > PDDL_MAX_ARITY) {
    plan__free(items);
    return perr(c, PLAN_EINVAL, list, "more than %d parameters",
                PDDL_MAX_ARITY);
  }
  sc->n_params = n;
  sc->params = n ? plan__arena_alloc(c->a, n * sizeof *sc->params) : NULL;
  if (n && !sc->params)
    st = nomem(c, list);
  for (size_t i = 0; i < n && !st; i++) {
    pddl_param *p = &sc->params[i];
    p->name = (char *)items[i].node->sym;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(sc->params[j].name, p->name))
        st = perr(c, PLAN_EPARSE, items[i].node,
                  "parameter '" SYMF "' declared twice", p->name);
    if (st)
      break;
    const pddl_sx *t = items[i].type;
    bool either = t && !t->sym && head_of(t) && !strcmp(head_of(t), "either");
    size_t nt = either ? t->n - 1 : 1;
    if (either && nt == 0) {
      st = perr(c, PLAN_EPARSE, t, "'either' needs at least one type");
      break;
    }
    p->types = plan__arena_alloc(c->a, nt * sizeof *p->types);
    p->n_types = nt;
    if (!p->types) {
      st = nomem(c, list);
      break;
    }
    for (size_t k = 0; k < nt && !st; k++)
      st = resolve_type(c, either ? t->kids[k + 1] : t, &p->types[k]);
  }
  plan__free(items);
  return st;
}

static plan_status parse_action(pctx *c, dbuild *b, const pddl_sx *sec) {
  plan__pddl_domain *d = b->d;
  if (sec->n < 2 || !sec->kids[1]->sym || sec->kids[1]->sym[0] == ':' ||
      sec->kids[1]->sym[0] == '?')
    return perr(c, PLAN_EPARSE, sec, "expected an action name after :action");
  const char *name = sec->kids[1]->sym;
  if (plan__pddl_find_schema(d, name) >= 0)
    return perr(c, PLAN_EPARSE, sec->kids[1],
                "action '" SYMF "' declared twice", name);
  pddl_schema sc;
  memset(&sc, 0, sizeof sc);
  sc.name = (char *)name;
  sc.line = sec->line;
  sc.col = sec->col;
  const pddl_sx *pre = NULL;
  const pddl_sx *eff = NULL;
  bool have_params = false;
  for (size_t i = 2; i < sec->n; i += 2) {
    const pddl_sx *k = sec->kids[i];
    if (!k->sym || k->sym[0] != ':')
      return perr(c, PLAN_EPARSE, k,
                  "expected :parameters, :precondition or :effect");
    if (i + 1 >= sec->n)
      return perr(c, PLAN_EPARSE, k, "missing value after '" SYMF "'", k->sym);
    const pddl_sx *v = sec->kids[i + 1];
    if (!strcmp(k->sym, ":parameters")) {
      if (have_params)
        return perr(c, PLAN_EPARSE, k, "duplicate :parameters");
      have_params = true;
      plan_status st = parse_params(c, v, &sc);
      if (st)
        return st;
    } else if (!strcmp(k->sym, ":precondition")) {
      if (pre)
        return perr(c, PLAN_EPARSE, k, "duplicate :precondition");
      pre = v;
    } else if (!strcmp(k->sym, ":effect")) {
      if (eff)
        return perr(c, PLAN_EPARSE, k, "duplicate :effect");
      eff = v;
    } else if (!strcmp(k->sym, ":duration") || !strcmp(k->sym, ":condition")) {
      return perr(c, PLAN_EINVAL, k,
                  "'%s' is not supported (it needs :durative-actions)", k->sym);
    } else {
      return perr(c, PLAN_EPARSE, k, "unknown action field '" SYMF "'", k->sym);
    }
  }
  scope s;
  memset(&s, 0, sizeof s);
  s.params = sc.params;
  s.n_params = sc.n_params;
  plan_status st = PLAN_OK;
  if (pre)
    st = parse_gd(c, &s, pre, 0);
  if (!st)
    st = freeze_atoms(c, &s, sec, &sc.pre, &sc.n_pre);
  if (!st && eff) {
    s.effect = true;
    st = parse_effect(c, &s, eff, 0);
  }
  if (!st)
    st = freeze_atoms(c, &s, sec, &sc.eff, &sc.n_eff);
  plan__free(s.atoms);
  if (st)
    return st;
  if (plan__grow((void **)&d->schemas, &b->cap_schemas, d->n_schemas + 1,
                 sizeof *d->schemas))
    return nomem(c, sec);
  d->schemas[d->n_schemas++] = sc;
  return PLAN_OK;
}

/* ======================================================================
 * Domain
 * ====================================================================== */

static plan_status keep_source(plan__arena *a, const char *text, size_t len,
                               const char *src, char **text_out,
                               char **src_out) {
  *text_out = plan__arena_strndup(a, text, len);
  *src_out = plan__arena_strndup(a, src, strlen(src));
  return (*text_out && *src_out) ? PLAN_OK : PLAN_ENOMEM;
}

/* Checks "(define (KIND NAME) ...)" and returns NAME's node. */
static plan_status check_define(pctx *c, const pddl_sx *root, const char *kind,
                                const pddl_sx **name) {
  if (root->sym || root->n == 0 || !is_sym(root->kids[0], "define"))
    return perr(c, PLAN_EPARSE, root, "expected '(define (%s NAME) ...)'",
                kind);
  if (root->n < 2 || root->kids[1]->sym || root->kids[1]->n != 2 ||
      !is_sym(root->kids[1]->kids[0], kind) || !root->kids[1]->kids[1]->sym)
    return perr(c, PLAN_EPARSE, root->n < 2 ? root : root->kids[1],
                "expected '(%s NAME)'", kind);
  *name = root->kids[1]->kids[1];
  return PLAN_OK;
}

plan_status plan__pddl_domain_parse(const char *text, size_t len,
                                    const char *source_name,
                                    plan__pddl_domain **out, plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!text && len)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "text is NULL");
  if (!source_name)
    source_name = "domain";
  plan__pddl_domain *d = plan__calloc(1, sizeof *d);
  if (!d)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan__arena_init(&d->arena, 0, 0);
  pctx c;
  memset(&c, 0, sizeof c);
  c.src = source_name;
  c.err = err;
  c.a = &d->arena;
  c.dom = d;
  dbuild b;
  memset(&b, 0, sizeof b);
  b.d = d;
  plan_status st;
  if (keep_source(&d->arena, text ? text : "", len, source_name, &d->text,
                  &d->source)) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  d->len = len;
  int obj;
  st = add_type(&c, &b, "object", NULL, &obj);
  if (st)
    goto fail;
  d->types[0].parent = -1;
  pddl_sx *root;
  st = plan__pddl_sx_read(&d->arena, d->text, len, source_name, &root, err);
  if (st)
    goto fail;
  const pddl_sx *name;
  st = check_define(&c, root, "domain", &name);
  if (st)
    goto fail;
  d->name = (char *)name->sym;
  /* Sections in dependency order, whatever their order in the file. */
  static const char *const order[] = {":requirements", ":types", ":constants",
                                      ":predicates", ":action"};
  for (size_t i = 2; i < root->n; i++) {
    const pddl_sx *sec = root->kids[i];
    const char *h = head_of(sec);
    if (!h || h[0] != ':') {
      st = perr(&c, PLAN_EPARSE, sec,
                "expected a section such as (:predicates ...) or "
                "(:action ...)");
      goto fail;
    }
    bool known = false;
    for (size_t k = 0; k < PLAN_ARRAY_LEN(order); k++)
      known = known || !strcmp(h, order[k]);
    if (known) {
      for (size_t j = 2; j < i; j++)
        if (strcmp(h, ":action") && !strcmp(head_of(root->kids[j]), h)) {
          st = perr(&c, PLAN_EPARSE, sec, "duplicate %s section", h);
          goto fail;
        }
      continue;
    }
    if (!strcmp(h, ":functions"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':functions' is not supported (it needs :numeric-fluents)");
    else if (!strcmp(h, ":durative-action"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':durative-action' is not supported "
                "(it needs :durative-actions)");
    else if (!strcmp(h, ":derived"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':derived' is not supported (it "
                "needs :derived-predicates)");
    else if (!strcmp(h, ":constraints"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':constraints' is not supported (it needs :constraints)");
    else
      st = perr(&c, PLAN_EPARSE, sec, "unknown domain section '" SYMF "'", h);
    goto fail;
  }
  for (size_t k = 0; k < PLAN_ARRAY_LEN(order); k++) {
    for (size_t i = 2; i < root->n; i++) {
      const pddl_sx *sec = root->kids[i];
      if (strcmp(head_of(sec), order[k]))
        continue;
      switch (k) {
      case 0: st = parse_requirements(&c, sec); break;
      case 1: st = parse_types(&c, &b, sec); break;
      case 2: st = parse_constants(&c, &b, sec); break;
      case 3: st = parse_predicates(&c, &b, sec); break;
      default: st = parse_action(&c, &b, sec); break;
      }
      if (st)
        goto fail;
    }
  }
  for (size_t i = 0; i < d->n_schemas; i++)
    for (size_t j = 0; j < d->schemas[i].n_eff; j++)
      d->preds[d->schemas[i].eff[j].pred].fluent = true;
  *out = d;
  return PLAN_OK;
fail:
  plan__pddl_domain_free(d);
  return st;
}

plan_status plan__pddl_domain_load(const char *path, plan__pddl_domain **out,
                                   plan_error *err) {
  if (!out || !path)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  char *text;
  size_t len;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st)
    return st;
  st = plan__pddl_domain_parse(text, len, path, out, err);
  plan__free(text);
  return st;
}

void plan__pddl_domain_free(plan__pddl_domain *d) {
  if (!d)
    return;
  plan__free(d->types);
  plan__free(d->preds);
  plan__free(d->consts);
  plan__free(d->schemas);
  plan__arena_free(&d->arena);
  plan__free(d);
}

const char *plan__pddl_domain_name(const plan__pddl_domain *d) {
  return d ? d->name : NULL;
}

/* ======================================================================
 * Problem
 * ====================================================================== */

typedef struct pbuild {
  plan__pddl_problem *p;
  pddl_map objmap;
  size_t cap_objects;
} pbuild;

static plan_status add_object(pctx *c, pbuild *b, const char *name, int type,
                              const pddl_sx *at) {
  plan__pddl_problem *p = b->p;
  uint32_t prev;
  if (plan__pddl_map_get(&b->objmap, name, strlen(name), &prev)) {
    if (p->objects[prev].type == type)
      return PLAN_OK; /* a constant repeated in :objects */
    return perr(c, PLAN_EPARSE, at, "object '" SYMF "' declared twice", name);
  }
  if (p->n_objects >= ((size_t)1 << 22))
    return perr(c, PLAN_EBUDGET, at, "more than 4194304 objects");
  if (plan__grow((void **)&p->objects, &b->cap_objects, p->n_objects + 1,
                 sizeof *p->objects))
    return nomem(c, at);
  char *s = plan__arena_strndup(c->a, name, strlen(name));
  if (!s)
    return nomem(c, at);
  p->objects[p->n_objects].name = s;
  p->objects[p->n_objects].type = type;
  if (plan__pddl_map_put(&b->objmap, s, strlen(s), (uint32_t)p->n_objects, NULL,
                         NULL))
    return nomem(c, at);
  p->n_objects++;
  c->objects = p->objects;
  c->n_objects = p->n_objects;
  return PLAN_OK;
}

static plan_status parse_objects(pctx *c, pbuild *b, const pddl_sx *sec) {
  tl_item *items;
  size_t n;
  plan_status st = typed_list(c, sec, 1, false, &items, &n);
  if (st)
    return st;
  for (size_t i = 0; i < n && !st; i++) {
    int type = 0;
    st = resolve_type(c, items[i].type, &type);
    if (!st)
      st = add_object(c, b, items[i].node->sym, type, items[i].node);
  }
  plan__free(items);
  return st;
}

static plan_status parse_init(pctx *c, scope *s, const pddl_sx *sec) {
  for (size_t i = 1; i < sec->n; i++) {
    const pddl_sx *x = sec->kids[i];
    const char *h = head_of(x);
    if (h && !strcmp(h, "="))
      return perr(c, PLAN_EINVAL, x,
                  "numeric fluents in :init are not supported (they need "
                  ":numeric-fluents)");
    if (h && (!strcmp(h, "not") || !strcmp(h, "and")))
      return perr(c, PLAN_EPARSE, x,
                  ":init lists true ground atoms only; found '%s'", h);
    if (h && !strcmp(h, "at") && x->n >= 2 && x->kids[1]->sym &&
        x->kids[1]->sym[0] >= '0' && x->kids[1]->sym[0] <= '9' &&
        plan__pddl_find_pred(c->dom, "at") < 0)
      return perr(c, PLAN_EINVAL, x,
                  "timed initial literals are not supported");
    plan_status st = parse_atom(c, s, x, false);
    if (st)
      return st;
  }
  return PLAN_OK;
}

plan_status plan__pddl_problem_parse(const plan__pddl_domain *dom,
                                     const char *text, size_t len,
                                     const char *source_name,
                                     plan__pddl_problem **out,
                                     plan_error *err) {
  if (!out || !dom)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  if (!text && len)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "text is NULL");
  if (!source_name)
    source_name = "problem";
  plan__pddl_problem *p = plan__calloc(1, sizeof *p);
  if (!p)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  plan__arena_init(&p->arena, 0, 0);
  pbuild b;
  memset(&b, 0, sizeof b);
  b.p = p;
  plan__pddl_map_init(&b.objmap);
  pctx c;
  memset(&c, 0, sizeof c);
  c.src = source_name;
  c.err = err;
  c.a = &p->arena;
  c.dom = dom;
  c.objmap = &b.objmap;
  scope s;
  memset(&s, 0, sizeof s);
  plan_status st;
  if (keep_source(&p->arena, text ? text : "", len, source_name, &p->text,
                  &p->source)) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto fail;
  }
  p->len = len;
  pddl_sx *root;
  st = plan__pddl_sx_read(&p->arena, p->text, len, source_name, &root, err);
  if (st)
    goto fail;
  const pddl_sx *name;
  st = check_define(&c, root, "problem", &name);
  if (st)
    goto fail;
  p->name = (char *)name->sym;
  for (size_t i = 0; i < dom->n_consts && !st; i++)
    st = add_object(&c, &b, dom->consts[i].name, dom->consts[i].type, root);
  if (st)
    goto fail;
  static const char *const order[] = {":domain", ":requirements", ":objects",
                                      ":init", ":goal"};
  for (size_t i = 2; i < root->n; i++) {
    const pddl_sx *sec = root->kids[i];
    const char *h = head_of(sec);
    if (!h || h[0] != ':') {
      st = perr(&c, PLAN_EPARSE, sec,
                "expected a section such as (:init ...) or (:goal ...)");
      goto fail;
    }
    bool known = false;
    for (size_t k = 0; k < PLAN_ARRAY_LEN(order); k++)
      known = known || !strcmp(h, order[k]);
    if (known) {
      for (size_t j = 2; j < i; j++)
        if (!strcmp(head_of(root->kids[j]), h)) {
          st = perr(&c, PLAN_EPARSE, sec, "duplicate %s section", h);
          goto fail;
        }
      continue;
    }
    if (!strcmp(h, ":metric"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':metric' is not supported (it "
                "needs :action-costs or "
                ":numeric-fluents)");
    else if (!strcmp(h, ":constraints"))
      st = perr(&c, PLAN_EINVAL, sec,
                "':constraints' is not supported (it needs :constraints)");
    else
      st = perr(&c, PLAN_EPARSE, sec, "unknown problem section '" SYMF "'", h);
    goto fail;
  }
  bool have_goal = false;
  for (size_t k = 0; k < PLAN_ARRAY_LEN(order); k++) {
    for (size_t i = 2; i < root->n; i++) {
      const pddl_sx *sec = root->kids[i];
      if (strcmp(head_of(sec), order[k]))
        continue;
      switch (k) {
      case 0:
        if (sec->n != 2 || !sec->kids[1]->sym) {
          st = perr(&c, PLAN_EPARSE, sec, "expected '(:domain NAME)'");
        } else if (strcmp(sec->kids[1]->sym, dom->name)) {
          st = perr(&c, PLAN_EPARSE, sec->kids[1],
                    "problem is for domain '" SYMF "', but the domain is "
                    "'" SYMF "'",
                    sec->kids[1]->sym, dom->name);
        } else {
          p->domain_name = (char *)sec->kids[1]->sym;
        }
        break;
      case 1: st = parse_requirements(&c, sec); break;
      case 2: st = parse_objects(&c, &b, sec); break;
      case 3:
        st = parse_init(&c, &s, sec);
        if (!st)
          st = freeze_atoms(&c, &s, sec, &p->init, &p->n_init);
        break;
      default:
        have_goal = true;
        if (sec->n != 2) {
          st = perr(&c, PLAN_EPARSE, sec, "expected '(:goal CONDITION)'");
          break;
        }
        s.goal = true;
        st = parse_gd(&c, &s, sec->kids[1], 0);
        if (!st)
          st = freeze_atoms(&c, &s, sec, &p->goal, &p->n_goal);
        break;
      }
      if (st)
        goto fail;
    }
  }
  if (!have_goal) {
    st = perr(&c, PLAN_EPARSE, root, "missing (:goal ...) section");
    goto fail;
  }
  plan__pddl_map_free(&b.objmap);
  *out = p;
  return PLAN_OK;
fail:
  plan__free(s.atoms);
  plan__pddl_map_free(&b.objmap);
  plan__pddl_problem_free(p);
  return st;
}

plan_status plan__pddl_problem_load(const plan__pddl_domain *dom,
                                    const char *path, plan__pddl_problem **out,
                                    plan_error *err) {
  if (!out || !path || !dom)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  char *text;
  size_t len;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st)
    return st;
  st = plan__pddl_problem_parse(dom, text, len, path, out, err);
  plan__free(text);
  return st;
}

void plan__pddl_problem_free(plan__pddl_problem *p) {
  if (!p)
    return;
  plan__free(p->objects);
  plan__arena_free(&p->arena);
  plan__free(p);
}

const char *plan__pddl_problem_name(const plan__pddl_problem *p) {
  return p ? p->name : NULL;
}
