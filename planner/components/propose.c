/* planner/components/propose.c: proposers. The LLM proposer asks for
 * candidate next actions of every node in one scheduler batch, either as
 * n sampled single actions that are counted and deduplicated (Koh et al.:
 * keep the top k by frequency, the frequency share is the prior) or as one
 * "list the options" answer per node (ToT's propose). On a pddl domain each
 * proposal is mapped to a ground action; unknown ones, and with the
 * applicability filter inapplicable ones, are dropped and counted. The
 * exact proposer enumerates the applicable ground actions.
 */
#include <ctype.h>
#include <string.h>

#include "planner/components/comp_int.h"

typedef struct proposer {
  uint32_t magic;
  const plan__domain *dom;
  plan__llm_proposer_options o;
  char *model;
  bool exact;
  unsigned max_children; /* exact */
  plan__proposer_stats st;
} proposer;

bool plan__proposer_stats_get(const plan__proposer *p,
                              plan__proposer_stats *out) {
  if (!p || !p->self ||
      ((const proposer *)p->self)->magic != PLAN__COMP_MAGIC_PROPOSER)
    return false;
  *out = ((const proposer *)p->self)->st;
  return true;
}

static void proposer_destroy(void *self) {
  proposer *p = self;
  if (!p)
    return;
  plan__free(p->model);
  plan__free(p);
}

/* ======================================================================
 * Counting candidates
 * ====================================================================== */

typedef struct cand {
  char *key;  /* normalised text, or the ground action's name */
  char *text; /* what the child's action is */
  uint32_t count;
  uint32_t order;
} cand;

typedef struct cands {
  cand *v;
  size_t n;
  size_t cap;
  uint32_t total; /* valid proposals */
} cands;

static void cands_free(cands *c) {
  for (size_t i = 0; i < c->n; i++) {
    plan__free(c->v[i].key);
    plan__free(c->v[i].text);
  }
  plan__free(c->v);
  memset(c, 0, sizeof *c);
}

/* Counts one valid proposal; *dup is set when it merged into an earlier
 * one. key and text are copied. */
static plan_status cands_add(cands *c, const char *key, const char *text,
                             size_t text_len, bool *dup) {
  c->total++;
  *dup = false;
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->v[i].key, key)) {
      c->v[i].count++;
      *dup = true;
      return PLAN_OK;
    }
  if (plan__grow((void **)&c->v, &c->cap, c->n + 1, sizeof *c->v) != PLAN_OK)
    return PLAN_ENOMEM;
  char *k = plan__strdup(key);
  char *t = plan__strndup(text, text_len);
  if (!k || !t) {
    plan__free(k);
    plan__free(t);
    return PLAN_ENOMEM;
  }
  c->v[c->n] = (cand){k, t, 1, (uint32_t)c->n};
  c->n++;
  return PLAN_OK;
}

/* Most proposed first; ties in order of first appearance. */
static int cand_cmp(const void *a, const void *b) {
  const cand *x = a;
  const cand *y = b;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The dedup key of a free-form action: lowercase, white space collapsed,
 * trailing punctuation dropped. */
static char *text_key(const char *s, size_t n) {
  plan__buf b;
  plan__buf_init(&b, 0);
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isspace(c)) {
      space = b.len > 0;
      continue;
    }
    if (space)
      plan__buf_putc(&b, ' ');
    space = false;
    plan__buf_putc(&b, (char)tolower(c));
  }
  while (b.len && strchr(".;:,!", b.data[b.len - 1]))
    b.data[--b.len] = '\0';
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

/* One proposal (an answer's action text) for node nd. */
static plan_status take_one(proposer *p, const plan__node *nd, const char *s,
                            size_t n, cands *c, uint32_t *unknown,
                            uint32_t *inapplicable, uint32_t *dups) {
  const plan__domain *d = p->dom;
  p->st.samples++;
  bool dup = false;
  plan_status st = PLAN_OK;
  if (n == 0) {
    p->st.unknown++;
    (*unknown)++;
    return PLAN_OK;
  }
  if (d->pddl) {
    long id = plan__pddl_text_to_action(d->cfg, d->task, s, n);
    if (id == -2)
      return PLAN_ENOMEM;
    if (id < 0) {
      p->st.unknown++;
      (*unknown)++;
      return PLAN_OK;
    }
    if (p->o.filter_applicable && nd->exact &&
        !plan__pddl_applicable(d->task, nd->exact, (size_t)id)) {
      p->st.inapplicable++;
      (*inapplicable)++;
      return PLAN_OK;
    }
    const char *name = d->task->actions[id].name;
    st = cands_add(c, name, name, strlen(name), &dup);
  } else {
    char *key = text_key(s, n);
    if (!key)
      return PLAN_ENOMEM;
    if (!*key) {
      plan__free(key);
      p->st.unknown++;
      (*unknown)++;
      return PLAN_OK;
    }
    st = cands_add(c, key, s, n, &dup);
    plan__free(key);
  }
  if (dup) {
    p->st.duplicates++;
    (*dups)++;
  }
  return st;
}

/* The proposals of one answer. */
static plan_status take_answer(proposer *p, const plan__node *nd,
                               const plan_llm_choice *ch, cands *c,
                               uint32_t *unknown, uint32_t *inapplicable,
                               uint32_t *dups) {
  if (ch->truncated) {
    p->st.truncated++;
    p->st.samples++;
    p->st.unknown++;
    (*unknown)++;
    return PLAN_OK;
  }
  const char *text = ch->text ? ch->text : "";
  if (p->o.method == PLAN__PROPOSE_LIST) {
    char **items = NULL;
    size_t n_items = 0;
    plan_status st =
        plan_parse_list(text, strlen(text), false, &items, &n_items, NULL);
    if (st == PLAN_ENOMEM)
      return st;
    if (st == PLAN_OK) {
      for (size_t i = 0; i < n_items && st == PLAN_OK; i++) {
        size_t len = 0;
        const char *a = plan__comp_first_line(items[i], strlen(items[i]), &len);
        st = take_one(p, nd, a, len, c, unknown, inapplicable, dups);
      }
      plan_parse_list_free(items, n_items);
      return st;
    }
    /* No list: the answer as one proposal, read as below. */
  }
  size_t len = 0;
  const char *a = plan__comp_after_label(text, "action:", true, &len);
  if (!a)
    a = plan__comp_first_line(text, strlen(text), &len);
  else
    a = plan__comp_first_line(a, len, &len);
  return take_one(p, nd, a, len, c, unknown, inapplicable, dups);
}

/* Adds the top k candidates of c as children of node. */
static plan_status add_children(proposer *p, plan__search *s,
                                plan__node_id node, cands *c, uint32_t *added) {
  if (c->n > 1)
    qsort(c->v, c->n, sizeof *c->v, cand_cmp);
  size_t keep = PLAN_MIN(c->n, (size_t)p->o.k);
  p->st.dropped_k += c->n - keep;
  for (size_t i = 0; i < keep; i++) {
    plan__node_id child = PLAN__NODE_NONE;
    plan_status st =
        plan__search_add_child(s, node, c->v[i].text, strlen(c->v[i].text),
                               NULL, PLAN__EFFECT_PURE, &child);
    if (st != PLAN_OK)
      return st;
    plan__node *cn = plan__search_node(s, child);
    if (cn) {
      cn->proposals = c->v[i].count;
      cn->prior = c->total ? (double)c->v[i].count / c->total : 0.0;
    }
    p->st.children++;
    (*added)++;
  }
  return PLAN_OK;
}

/* ======================================================================
 * The LLM proposer
 * ====================================================================== */

static plan_status llm_propose(void *self, plan__search *s,
                               const plan__node_id *nodes, size_t n) {
  proposer *p = self;
  if (n == 0)
    return PLAN_OK;
  plan__comp_batch b;
  plan__comp_batch_init(&b);
  plan_status st = PLAN_OK;
  bool list = p->o.method == PLAN__PROPOSE_LIST;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    char *user = NULL;
    st = plan__comp_prompt(p->dom, s,
                           list ? PLAN__ROLE_PROPOSE_LIST : PLAN__ROLE_PROPOSE,
                           nodes[i], NULL, NULL, p->o.k, &user);
    if (st == PLAN_OK)
      st = plan__comp_batch_add(&b, p->dom, &p->o.call, i, user,
                                list ? 1 : p->o.samples, false, 0);
  }
  if (st != PLAN_OK) {
    plan__comp_batch_free(&b);
    return st;
  }
  plan_status run = plan__comp_batch_run(&b, s, "llm proposer");
  if (run != PLAN_OK && run != PLAN_EBUDGET) {
    plan__comp_batch_free(&b);
    return run;
  }
  p->st.requests += b.n;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    const plan__node *nd = plan__search_node(s, nodes[i]);
    cands c = {0};
    uint32_t unknown = 0;
    uint32_t inapplicable = 0;
    uint32_t dups = 0;
    uint32_t added = 0;
    uint32_t answers = 0;
    for (size_t r = 0; r < b.n && st == PLAN_OK; r++) {
      if (b.item[r] != i)
        continue;
      plan__search_trace_llm(s, list ? "propose-list" : "propose", nodes[i],
                             &b.resps[r]);
      if (b.resps[r].status != PLAN_OK) {
        p->st.failed++;
        continue;
      }
      for (size_t k = 0; k < b.resps[r].n_choices && st == PLAN_OK; k++) {
        answers++;
        st = take_answer(p, nd, &b.resps[r].choices[k], &c, &unknown,
                         &inapplicable, &dups);
      }
    }
    if (st == PLAN_OK)
      st = add_children(p, s, nodes[i], &c, &added);
    if (st == PLAN_OK) {
      json_t *f = json_pack(
          "{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "node",
          (json_int_t)nodes[i], "method", list ? "list" : "sample", "answers",
          (json_int_t)answers, "valid", (json_int_t)c.total, "unknown",
          (json_int_t)unknown, "inapplicable", (json_int_t)inapplicable,
          "duplicates", (json_int_t)dups, "children", (json_int_t)added);
      plan__comp_trace(s, "proposals", f);
    }
    cands_free(&c);
  }
  plan__comp_batch_free(&b);
  if (st != PLAN_OK)
    return st;
  return run;
}

plan_status plan__llm_proposer_create(const plan__domain *dom,
                                      const plan__llm_proposer_options *o,
                                      plan__proposer *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !o)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm proposer: domain and options are required");
  if (o->filter_applicable && !dom->pddl)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm proposer: the applicability filter needs a "
                           "pddl domain");
  proposer *p = plan__calloc(1, sizeof *p);
  if (!p)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  p->magic = PLAN__COMP_MAGIC_PROPOSER;
  p->dom = dom;
  p->o = *o;
  if (p->o.k == 0)
    p->o.k = 5;
  if (p->o.samples == 0)
    p->o.samples = 2 * p->o.k;
  if (plan__comp_call_copy(&o->call, &p->o.call, &p->model) != PLAN_OK) {
    proposer_destroy(p);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  out->name = p->o.method == PLAN__PROPOSE_LIST ? "llm-list" : "llm-sample";
  out->propose = llm_propose;
  out->destroy = proposer_destroy;
  out->self = p;
  return PLAN_OK;
}

/* ======================================================================
 * The exact proposer
 * ====================================================================== */

static plan_status exact_propose(void *self, plan__search *s,
                                 const plan__node_id *nodes, size_t n) {
  proposer *p = self;
  const plan__pddl_task *task = p->dom->task;
  uint32_t *ids =
      plan__calloc(task->n_actions ? task->n_actions : 1, sizeof *ids);
  if (!ids)
    return PLAN_ENOMEM;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    const plan__node *nd = plan__search_node(s, nodes[i]);
    if (!nd || !nd->exact)
      continue;
    size_t m =
        plan__pddl_applicable_actions(task, nd->exact, ids, task->n_actions);
    if (p->max_children && m > p->max_children)
      m = p->max_children;
    p->st.samples += m;
    for (size_t k = 0; k < m && st == PLAN_OK; k++) {
      const char *name = task->actions[ids[k]].name;
      plan__node_id child = PLAN__NODE_NONE;
      st = plan__search_add_child(s, nodes[i], name, strlen(name), NULL,
                                  PLAN__EFFECT_PURE, &child);
      plan__node *cn = st == PLAN_OK ? plan__search_node(s, child) : NULL;
      if (cn) {
        cn->proposals = 1;
        cn->prior = 1.0 / (double)m;
        p->st.children++;
      }
    }
  }
  plan__free(ids);
  return st;
}

plan_status plan__exact_proposer_create(const plan__domain *dom,
                                        unsigned max_children,
                                        plan__proposer *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !dom->pddl)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "exact proposer: needs a pddl domain");
  proposer *p = plan__calloc(1, sizeof *p);
  if (!p)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  p->magic = PLAN__COMP_MAGIC_PROPOSER;
  p->dom = dom;
  p->exact = true;
  p->max_children = max_children;
  out->name = "exact";
  out->propose = exact_propose;
  out->destroy = proposer_destroy;
  out->self = p;
  return PLAN_OK;
}
