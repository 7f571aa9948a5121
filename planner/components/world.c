/* planner/components/world.c: world models. The exact one applies the
 * ground PDDL action to the parent's bitset; the LLM one asks the model
 * for the next state (all children of a round in one scheduler batch) and,
 * on a pddl domain, parses the predicted text back to facts so states can
 * be compared and deduplicated. The checked one runs both and counts the
 * LLM's mistakes per action schema (RAP's per-action world-model prompts
 * were a workaround for exactly these; here they are measured).
 */
#include <string.h>

#include "planner/components/comp_int.h"

enum { WM_EXACT, WM_LLM, WM_CHECKED, WM_VOTE };

/* WM_VOTE: the votes of the last simulate call, one entry per child. */
typedef struct vote_entry {
  plan__node_id child;
  unsigned agree; /* predictions equal to the modal one */
  unsigned votes; /* predictions that parsed */
  unsigned asked; /* predictions asked for */
} vote_entry;

typedef struct world {
  uint32_t magic;
  int kind;
  bool follow_llm;
  const plan__domain *dom;
  plan__llm_call call;
  char *model;
  plan__world_stats st;
  plan__wm_schema_stats *schemas; /* sorted by schema name */
  size_t n_schemas;
  size_t cap_schemas;
  unsigned k; /* WM_VOTE: predictions per child */
  vote_entry *votes;
  size_t n_votes, cap_votes;
} world;

static void world_destroy(void *self) {
  world *w = self;
  if (!w)
    return;
  plan__free(w->model);
  plan__free(w->schemas);
  plan__free(w->votes);
  plan__free(w);
}

bool plan__world_stats_get(const plan__world_model *wm,
                           plan__world_stats *out) {
  if (!wm || !wm->self ||
      ((const world *)wm->self)->magic != PLAN__COMP_MAGIC_WORLD)
    return false;
  const world *w = wm->self;
  *out = w->st;
  out->schemas = w->schemas;
  out->n_schemas = w->n_schemas;
  return true;
}

/* The entry of schema (a task string, so the pointer is stable), added in
 * name order when new. NULL on ENOMEM. */
static plan__wm_schema_stats *schema_entry(world *w, const char *schema) {
  size_t at = 0;
  while (at < w->n_schemas) {
    int c = strcmp(w->schemas[at].schema, schema);
    if (c == 0)
      return &w->schemas[at];
    if (c > 0)
      break;
    at++;
  }
  if (plan__grow((void **)&w->schemas, &w->cap_schemas, w->n_schemas + 1,
                 sizeof *w->schemas) != PLAN_OK)
    return NULL;
  memmove(&w->schemas[at + 1], &w->schemas[at],
          (w->n_schemas - at) * sizeof *w->schemas);
  memset(&w->schemas[at], 0, sizeof *w->schemas);
  w->schemas[at].schema = schema;
  w->n_schemas++;
  return &w->schemas[at];
}

static void schema_rate(plan__wm_schema_stats *e) {
  uint64_t den = e->checked + e->unparseable;
  e->error_rate = den ? (double)(e->wrong + e->unparseable) / (double)den : 0;
}

/* ======================================================================
 * One child's work
 * ====================================================================== */

typedef struct item {
  plan__node_id child;
  long action;     /* ground action id; -1 unknown (pddl) */
  bool applicable; /* exact: the action is applicable in the parent */
  uint64_t *exact; /* exact successor (pddl, when applicable) */
  bool asked;      /* an LLM request was made */
  bool replied;
  bool parsed;     /* the LLM's prediction was read */
  uint64_t *pred;  /* pddl: the predicted state */
  char *pred_text; /* the predicted state's text (canonical for pddl) */
  size_t pred_len;
  unsigned agree, votes; /* WM_VOTE: the modal prediction's count, all */
} item;

static void items_free(item *it, size_t n) {
  for (size_t i = 0; it && i < n; i++) {
    plan__free(it[i].exact);
    plan__free(it[i].pred);
    plan__free(it[i].pred_text);
  }
  plan__free(it);
}

/* Sets child's state to the pddl bitset bits with its canonical text. */
static plan_status set_pddl_state(world *w, plan__search *s,
                                  plan__node_id child, const uint64_t *bits) {
  const plan__domain *d = w->dom;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan_status st = plan__pddl_text_state(d->cfg, d->task, bits, &b);
  if (st == PLAN_OK)
    st = plan__search_set_state(s, child, b.data ? b.data : "", b.len, NULL,
                                bits, d->state_bytes,
                                plan__pddl_state_hash(d->task, bits));
  else if (st != PLAN_ENOMEM) {
    plan__search_prune(s, child, "world model: state cannot be rendered");
    st = PLAN_OK;
  }
  plan__buf_free(&b);
  return st;
}

/* Reads the LLM's prediction for it from the reply text. */
static plan_status read_prediction(world *w, item *it,
                                   const plan_llm_choice *ch) {
  const plan__domain *d = w->dom;
  if (ch->truncated || !ch->text)
    return PLAN_OK;
  size_t len = 0;
  const char *p =
      plan__comp_after_label(ch->text, "resulting state:", d->pddl, &len);
  if (!p) {
    p = ch->text;
    len = ch->text_len;
  }
  if (!d->pddl) {
    while (len && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
      p++;
      len--;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\n' ||
                   p[len - 1] == '\r' || p[len - 1] == '\t'))
      len--;
    if (len == 0)
      return PLAN_OK;
    it->pred_text = plan__strndup(p, len);
    if (!it->pred_text)
      return PLAN_ENOMEM;
    it->pred_len = len;
    it->parsed = true;
    return PLAN_OK;
  }
  it->pred =
      plan__calloc(d->task->n_words ? d->task->n_words : 1, sizeof *it->pred);
  if (!it->pred)
    return PLAN_ENOMEM;
  size_t unknown = 0;
  plan_status st =
      plan__pddl_text_parse_state(d->cfg, d->task, p, len, it->pred, &unknown);
  if (st != PLAN_OK)
    return st;
  /* A prediction with a clause we cannot read, or with no changing fact
   * at all, is no state. */
  bool dynamic = false;
  for (uint32_t f = 0; f < d->task->n_facts && !dynamic; f++)
    dynamic = !d->task->facts[f].is_static && plan__pddl_state_has(it->pred, f);
  it->parsed = unknown == 0 && dynamic;
  return PLAN_OK;
}

/* The fact names in a but not in b, at most 8, into arr. */
static void fact_diff(const plan__pddl_task *task, const uint64_t *a,
                      const uint64_t *b, json_t *arr) {
  size_t n = 0;
  for (uint32_t f = 0; f < task->n_facts && n < 8; f++)
    if (plan__pddl_state_has(a, f) && !plan__pddl_state_has(b, f)) {
      json_array_append_new(arr, json_string(task->facts[f].name));
      n++;
    }
}

/* Compares an LLM prediction with the simulator, counts, traces. */
static plan_status check_one(world *w, plan__search *s, item *it) {
  const plan__pddl_task *task = w->dom->task;
  const char *schema = task->actions[it->action].schema;
  plan__wm_schema_stats *e = schema_entry(w, schema);
  if (!e)
    return PLAN_ENOMEM;
  json_t *missing = NULL;
  json_t *extra = NULL;
  json_t *correct = json_null();
  if (!it->applicable) {
    e->inapplicable++;
    w->st.inapplicable++;
  } else if (!it->parsed) {
    e->unparseable++;
  } else {
    bool same = !memcmp(it->pred, it->exact, w->dom->state_bytes);
    e->checked++;
    w->st.checked++;
    if (!same) {
      e->wrong++;
      w->st.wrong++;
      missing = json_array();
      extra = json_array();
      if (missing && extra) {
        fact_diff(task, it->exact, it->pred, missing);
        fact_diff(task, it->pred, it->exact, extra);
      }
    }
    correct = json_boolean(same);
  }
  schema_rate(e);
  json_t *f = json_pack(
      "{s:I, s:s, s:s, s:b, s:b, s:o}", "node", (json_int_t)it->child, "schema",
      schema, "action", task->actions[it->action].name, "applicable",
      (int)it->applicable, "parsed", (int)it->parsed, "correct", correct);
  if (f && missing)
    json_object_set_new(f, "missing", missing);
  else
    json_decref(missing);
  if (f && extra)
    json_object_set_new(f, "extra", extra);
  else
    json_decref(extra);
  plan__comp_trace(s, "wm_check", f);
  return PLAN_OK;
}

/* ======================================================================
 * Votes (WM_VOTE): k independent predictions per child
 * ====================================================================== */

/* Reads every choice of resp as one prediction and keeps the modal one
 * (ties: the first seen) in it->pred / it->pred_text, with its count in
 * it->agree and the parsed predictions in it->votes. */
static plan_status read_votes(world *w, item *it, const plan_llm_response *resp) {
  const plan__domain *d = w->dom;
  size_t n = resp->n_choices;
  item *c = plan__calloc(n ? n : 1, sizeof *c);
  unsigned *count = plan__calloc(n ? n : 1, sizeof *count);
  plan_status st = c && count ? PLAN_OK : PLAN_ENOMEM;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    w->st.predictions++;
    st = read_prediction(w, &c[i], &resp->choices[i]);
    if (st == PLAN_OK && !c[i].parsed)
      w->st.unparseable++;
  }
  size_t best = SIZE_MAX;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    if (!c[i].parsed)
      continue;
    it->votes++;
    for (size_t j = 0; j <= i; j++) {
      if (!c[j].parsed)
        continue;
      bool same = d->pddl ? !memcmp(c[i].pred, c[j].pred, d->state_bytes)
                          : plan__text_state_hash(c[i].pred_text,
                                                  c[i].pred_len) ==
                                plan__text_state_hash(c[j].pred_text,
                                                      c[j].pred_len);
      if (same) {
        count[j]++;
        if (best == SIZE_MAX || count[j] > count[best])
          best = j;
        break;
      }
    }
  }
  if (st == PLAN_OK && best != SIZE_MAX) {
    it->agree = count[best];
    it->parsed = true;
    it->pred = c[best].pred;
    it->pred_text = c[best].pred_text;
    it->pred_len = c[best].pred_len;
    c[best].pred = NULL;
    c[best].pred_text = NULL;
  }
  items_free(c, c ? n : 0);
  plan__free(count);
  return st;
}

static plan_status record_vote(world *w, const item *it) {
  if (plan__grow((void **)&w->votes, &w->cap_votes, w->n_votes + 1,
                 sizeof *w->votes) != PLAN_OK)
    return PLAN_ENOMEM;
  vote_entry *e = &w->votes[w->n_votes++];
  e->child = it->child;
  e->agree = it->agree;
  e->votes = it->votes;
  e->asked = it->asked ? w->k : 0;
  return PLAN_OK;
}

bool plan__world_vote_set_k(const plan__world_model *wm, unsigned k) {
  if (!wm || !wm->self || k == 0 || k > 64 ||
      ((const world *)wm->self)->magic != PLAN__COMP_MAGIC_WORLD)
    return false;
  world *w = wm->self;
  if (w->kind != WM_VOTE)
    return false;
  w->k = k;
  return true;
}

bool plan__world_vote_get(const plan__world_model *wm, plan__node_id child,
                          unsigned *agree, unsigned *votes, unsigned *asked) {
  if (!wm || !wm->self ||
      ((const world *)wm->self)->magic != PLAN__COMP_MAGIC_WORLD)
    return false;
  const world *w = wm->self;
  if (w->kind != WM_VOTE)
    return false;
  for (size_t i = 0; i < w->n_votes; i++)
    if (w->votes[i].child == child) {
      *agree = w->votes[i].agree;
      *votes = w->votes[i].votes;
      *asked = w->votes[i].asked;
      return true;
    }
  return false;
}

/* ======================================================================
 * simulate
 * ====================================================================== */

static plan_status simulate(void *self, plan__search *s,
                            const plan__node_id *children, size_t n) {
  world *w = self;
  const plan__domain *d = w->dom;
  w->n_votes = 0;
  if (n == 0)
    return PLAN_OK;
  item *its = plan__calloc(n, sizeof *its);
  if (!its)
    return PLAN_ENOMEM;
  plan_status st = PLAN_OK;
  plan__comp_batch b;
  plan__comp_batch_init(&b);
  plan_status run = PLAN_OK;

  /* The exact successors. */
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    item *it = &its[i];
    it->child = children[i];
    it->action = -1;
    if (!d->pddl)
      continue;
    const plan__node *nd = plan__search_node(s, it->child);
    const plan__node *par = nd ? plan__search_node(s, nd->parent) : NULL;
    if (!nd || !par || !nd->action)
      continue;
    it->action = plan__pddl_text_action_id(d->task, nd->action);
    if (it->action < 0 || w->kind == WM_LLM || !par->exact)
      continue;
    it->applicable =
        plan__pddl_applicable(d->task, par->exact, (size_t)it->action);
    if (it->applicable) {
      it->exact = plan__calloc(d->task->n_words ? d->task->n_words : 1,
                               sizeof *it->exact);
      if (!it->exact)
        st = PLAN_ENOMEM;
      else
        plan__pddl_apply(d->task, par->exact, (size_t)it->action, it->exact);
    }
  }

  /* The LLM's predictions, one batch. */
  if (st == PLAN_OK && w->kind != WM_EXACT) {
    plan__buf act;
    plan__buf_init(&act, 0);
    for (size_t i = 0; i < n && st == PLAN_OK; i++) {
      item *it = &its[i];
      const plan__node *nd = plan__search_node(s, it->child);
      if (!nd || !nd->action)
        continue;
      if (d->pddl && it->action < 0)
        continue;
      if (w->kind == WM_CHECKED && !w->follow_llm && !it->applicable)
        continue;
      plan__buf_reset(&act);
      if (d->pddl) {
        st = plan__pddl_text_action(d->cfg, nd->action, &act);
        if (st != PLAN_OK && st != PLAN_ENOMEM) {
          plan__buf_reset(&act);
          st = plan__buf_puts(&act, nd->action);
        }
      } else {
        st = plan__buf_puts(&act, nd->action);
      }
      char *user = NULL;
      if (st == PLAN_OK)
        st = plan__comp_prompt(d, s, PLAN__ROLE_WORLD, nd->parent, NULL,
                               act.data ? act.data : "", 0, &user);
      if (st == PLAN_OK)
        st = plan__comp_batch_add(&b, d, &w->call, i, user,
                                  w->kind == WM_VOTE ? w->k : 1, false, 0);
      if (st == PLAN_OK)
        it->asked = true;
    }
    plan__buf_free(&act);
    if (st == PLAN_OK) {
      run = plan__comp_batch_run(&b, s, "llm world model");
      if (run != PLAN_OK && run != PLAN_EBUDGET)
        st = run;
      else
        w->st.requests += b.n;
    }
    for (size_t r = 0; r < b.n && st == PLAN_OK; r++) {
      item *it = &its[b.item[r]];
      const plan_llm_response *resp = &b.resps[r];
      plan__search_trace_llm(s, "world", it->child, resp);
      if (resp->status != PLAN_OK || resp->n_choices == 0) {
        w->st.failed++;
        continue;
      }
      it->replied = true;
      if (w->kind == WM_VOTE) {
        st = read_votes(w, it, resp);
        continue;
      }
      w->st.predictions++;
      st = read_prediction(w, it, &resp->choices[0]);
      if (st == PLAN_OK && !it->parsed)
        w->st.unparseable++;
    }
  }

  /* Decide every child's state. */
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    item *it = &its[i];
    const plan__node *nd = plan__search_node(s, it->child);
    if (!nd)
      continue;
    if (!nd->action) {
      plan__search_prune(s, it->child, "world model: no action");
      continue;
    }
    if (d->pddl && it->action < 0) {
      plan__search_prune(s, it->child, "world model: unknown action");
      continue;
    }
    if (w->kind == WM_CHECKED && it->replied)
      st = check_one(w, s, it);
    if (st != PLAN_OK)
      break;
    if (w->kind == WM_VOTE && (st = record_vote(w, it)) != PLAN_OK)
      break;
    bool use_llm = w->kind == WM_LLM || w->kind == WM_VOTE ||
                   (w->kind == WM_CHECKED && w->follow_llm);
    if (!use_llm) {
      if (!it->applicable || !it->exact) {
        plan__search_prune(s, it->child, "inapplicable action");
        continue;
      }
      st = set_pddl_state(w, s, it->child, it->exact);
      continue;
    }
    if (!it->asked || !it->replied) {
      plan__search_prune(s, it->child, "world model: no reply");
      continue;
    }
    if (!it->parsed) {
      plan__search_prune(s, it->child, "world model: unparseable prediction");
      continue;
    }
    if (d->pddl)
      st = set_pddl_state(w, s, it->child, it->pred);
    else
      st = plan__search_set_state(
          s, it->child, it->pred_text, it->pred_len, NULL, NULL, 0,
          plan__text_state_hash(it->pred_text, it->pred_len));
  }
  plan__comp_batch_free(&b);
  items_free(its, n);
  if (st != PLAN_OK)
    return st;
  return run;
}

/* ======================================================================
 * Constructors
 * ====================================================================== */

static plan_status make(const plan__domain *dom, int kind,
                        const plan__llm_call *call, bool follow_llm,
                        const char *name, plan__world_model *out,
                        plan_error *err) {
  memset(out, 0, sizeof *out);
  world *w = plan__calloc(1, sizeof *w);
  if (!w)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  w->magic = PLAN__COMP_MAGIC_WORLD;
  w->kind = kind;
  w->follow_llm = follow_llm;
  w->dom = dom;
  if (plan__comp_call_copy(call, &w->call, &w->model) != PLAN_OK) {
    world_destroy(w);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  /* One prediction per child: split_samples means nothing here, and
   * unless told otherwise the prediction is the model's most likely one
   * (temperature 0, as RAP's world model decodes greedily). */
  w->call.split_samples = false;
  if (!w->call.has_temperature) {
    w->call.has_temperature = true;
    w->call.temperature = 0.0;
  }
  out->name = name;
  out->simulate = simulate;
  out->destroy = world_destroy;
  out->self = w;
  return PLAN_OK;
}

plan_status plan__exact_world_create(const plan__domain *dom,
                                     plan__world_model *out, plan_error *err) {
  if (!dom || !dom->pddl) {
    memset(out, 0, sizeof *out);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "exact world model: needs a pddl domain");
  }
  return make(dom, WM_EXACT, NULL, false, "exact", out, err);
}

plan_status plan__llm_world_create(const plan__domain *dom,
                                   const plan__llm_call *call,
                                   plan__world_model *out, plan_error *err) {
  if (!dom) {
    memset(out, 0, sizeof *out);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm world model: a domain is required");
  }
  return make(dom, WM_LLM, call, false, "llm", out, err);
}

plan_status plan__vote_world_create(const plan__domain *dom,
                                    const plan__llm_call *call, unsigned k,
                                    plan__world_model *out, plan_error *err) {
  if (!dom || k == 0 || k > 64) {
    memset(out, 0, sizeof *out);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "vote world model: a domain and 1-64 "
                           "predictions per action are required");
  }
  plan_status st = make(dom, WM_VOTE, call, false, "llm-vote", out, err);
  if (st != PLAN_OK)
    return st;
  world *w = out->self;
  w->k = k;
  /* Independent samples: the model's temperature unless the caller set
   * one above 0. */
  if (!call || !call->has_temperature || call->temperature <= 0)
    w->call.temperature = 1.0;
  return PLAN_OK;
}

plan_status plan__checked_world_create(const plan__domain *dom,
                                       const plan__llm_call *call,
                                       bool follow_llm, plan__world_model *out,
                                       plan_error *err) {
  if (!dom || !dom->pddl) {
    memset(out, 0, sizeof *out);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "checked world model: needs a pddl domain");
  }
  return make(dom, WM_CHECKED, call, follow_llm,
              follow_llm ? "checked-llm" : "checked-exact", out, err);
}
