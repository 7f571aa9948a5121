/* planner/components/value.c: evaluators. The LLM value function asks for
 * n self-evaluation samples per node on a rubric (ToT's sure / likely /
 * impossible by default, a number on a scale, or Koh's status) in one
 * scheduler batch; a sample that does not parse is *missing*, never 0.
 * With logprobs it asks once per node and takes the expected value over
 * the rubric words of the verdict token. The heuristic evaluator scores
 * pddl states exactly (goal fraction, or h_add / h_FF from solvers/strips),
 * and the combined evaluator mixes two of them with weights.
 *
 * Every evaluator here first scores into a sink (samples, missing counts,
 * a prune reason per node); the plan__evaluator entry point then forwards
 * the sink to the search. The combination runs its two parts into private
 * sinks and forwards the mix, so the search and the trace see each value
 * once.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "planner/components/comp_int.h"
#include "solvers/strips/strips.h"

/* ======================================================================
 * Sinks
 * ====================================================================== */

typedef struct sink_item {
  double *v;
  size_t n;
  size_t cap;
  unsigned missing;
  const char *prune; /* static */
} sink_item;

typedef struct sink {
  sink_item *items;
  size_t n;
} sink;

static plan_status sink_init(sink *k, size_t n) {
  k->n = n;
  k->items = plan__calloc(n ? n : 1, sizeof *k->items);
  return k->items ? PLAN_OK : PLAN_ENOMEM;
}

static void sink_free(sink *k) {
  for (size_t i = 0; k->items && i < k->n; i++)
    plan__free(k->items[i].v);
  plan__free(k->items);
  memset(k, 0, sizeof *k);
}

static plan_status sink_value(sink *k, size_t i, double v) {
  sink_item *it = &k->items[i];
  if (plan__grow((void **)&it->v, &it->cap, it->n + 1, sizeof *it->v) !=
      PLAN_OK)
    return PLAN_ENOMEM;
  it->v[it->n++] = v < 0 ? 0 : v > 1 ? 1 : v;
  return PLAN_OK;
}

static double item_mean(const sink_item *it) {
  double sum = 0;
  for (size_t j = 0; j < it->n; j++)
    sum += it->v[j];
  return it->n ? sum / (double)it->n : 0;
}

/* ======================================================================
 * The common shape
 * ====================================================================== */

typedef struct evaluator evaluator;
typedef plan_status (*score_fn)(evaluator *e, plan__search *s,
                                const plan__node_id *nodes, size_t n,
                                sink *out);

struct evaluator {
  uint32_t magic;
  score_fn score;
  void (*free_self)(evaluator *e);
  plan__evaluator_stats st;
  const plan__domain *dom;
};

bool plan__evaluator_stats_get(const plan__evaluator *e,
                               plan__evaluator_stats *out) {
  if (!e || !e->self ||
      ((const evaluator *)e->self)->magic != PLAN__COMP_MAGIC_EVALUATOR)
    return false;
  *out = ((const evaluator *)e->self)->st;
  return true;
}

static void evaluator_destroy(void *self) {
  evaluator *e = self;
  if (e)
    e->free_self(e);
}

/* Scores into a sink, then hands every sample, missing sample and prune
 * to the search. A budget that ended the scoring still forwards what was
 * scored. */
static plan_status evaluate_entry(void *self, plan__search *s,
                                  const plan__node_id *nodes, size_t n) {
  evaluator *e = self;
  sink k;
  if (sink_init(&k, n) != PLAN_OK)
    return PLAN_ENOMEM;
  plan_status st = e->score(e, s, nodes, n, &k);
  if (st == PLAN_OK || st == PLAN_EBUDGET) {
    for (size_t i = 0; i < n; i++) {
      const sink_item *it = &k.items[i];
      for (size_t j = 0; j < it->n; j++)
        plan__search_add_value(s, nodes[i], it->v[j]);
      for (unsigned j = 0; j < it->missing; j++)
        plan__search_add_missing(s, nodes[i]);
      e->st.samples += it->n;
      e->st.missing += it->missing;
      if (it->prune) {
        plan__search_prune(s, nodes[i], it->prune);
        e->st.pruned++;
      }
    }
  }
  sink_free(&k);
  return st;
}

static plan_status wrap(evaluator *e, const char *name, plan__evaluator *out) {
  e->magic = PLAN__COMP_MAGIC_EVALUATOR;
  out->name = name;
  out->evaluate = evaluate_entry;
  out->destroy = evaluator_destroy;
  out->self = e;
  return PLAN_OK;
}

/* ======================================================================
 * The LLM value function
 * ====================================================================== */

typedef struct llm_eval {
  evaluator base;
  plan__llm_evaluator_options o;
  char *model;
} llm_eval;

static void llm_eval_free(evaluator *e) {
  llm_eval *l = (llm_eval *)e;
  plan__free(l->model);
  plan__free(l);
}

/* Whether token t (a model's token) spells the start of word: case,
 * white space and quote/bold characters around it are ignored, and at
 * least 3 characters (or the whole word) must match, so "lik" counts for
 * "likely" under a tokenizer that splits it. */
static bool token_is(const char *t, const char *word) {
  while (*t && (isspace((unsigned char)*t) || strchr("\"'*`", *t)))
    t++;
  size_t n = 0;
  while (t[n] && !isspace((unsigned char)t[n]) && !strchr("\"'*`.,:;!", t[n]))
    n++;
  size_t wl = strlen(word);
  if (n == 0 || n > wl || n < PLAN_MIN(3, wl))
    return false;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)t[i]) != word[i])
      return false;
  /* Trailing characters after the word part must be punctuation only. */
  for (const char *q = t + n; *q; q++)
    if (!isspace((unsigned char)*q) && !strchr("\"'*`.,:;!", *q))
      return false;
  return true;
}

/* The expected value over sure / likely / impossible at the first token
 * position whose alternatives include one of them. false when no
 * position does. */
static bool logprob_value(const plan_llm_choice *ch, double *out) {
  static const char *const words[] = {"sure", "likely", "impossible"};
  static const double vals[] = {1.0, 0.5, 0.0};
  size_t limit = PLAN_MIN(ch->n_logprobs, (size_t)8);
  for (size_t t = 0; t < limit; t++) {
    const plan_token_logprob *tl = &ch->logprobs[t];
    double p[3] = {0, 0, 0};
    bool any = false;
    /* The alternatives include the chosen token when the server lists it;
     * count the chosen token only if it is not among them. */
    bool chosen_listed = false;
    for (size_t j = 0; j < tl->n_top; j++)
      if (tl->top[j].token && tl->token && !strcmp(tl->top[j].token, tl->token))
        chosen_listed = true;
    for (size_t j = 0; j <= tl->n_top; j++) {
      const char *tok;
      double lp;
      if (j == tl->n_top) {
        if (chosen_listed || !tl->token)
          break;
        tok = tl->token;
        lp = tl->logprob;
      } else {
        tok = tl->top[j].token;
        lp = tl->top[j].logprob;
      }
      if (!tok)
        continue;
      for (size_t w = 0; w < 3; w++)
        if (token_is(tok, words[w])) {
          p[w] += exp(lp);
          any = true;
          break;
        }
    }
    if (!any)
      continue;
    double z = p[0] + p[1] + p[2];
    if (!(z > 0))
      continue;
    *out = (p[0] * vals[0] + p[1] * vals[1] + p[2] * vals[2]) / z;
    return true;
  }
  return false;
}

static plan_status llm_score(evaluator *e, plan__search *s,
                             const plan__node_id *nodes, size_t n, sink *out) {
  llm_eval *l = (llm_eval *)e;
  if (n == 0)
    return PLAN_OK;
  plan__comp_batch b;
  plan__comp_batch_init(&b);
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    char *user = NULL;
    st = plan__comp_prompt(
        e->dom, s, l->o.logprobs ? PLAN__ROLE_VALUE_FIRST : PLAN__ROLE_VALUE,
        nodes[i], NULL, NULL, 0, &user);
    if (st == PLAN_OK)
      st = plan__comp_batch_add(&b, e->dom, &l->o.call, i, user,
                                l->o.logprobs ? 1 : l->o.samples, l->o.logprobs,
                                l->o.logprobs && !l->o.call.max_tokens ? 8 : 0);
  }
  if (st != PLAN_OK) {
    plan__comp_batch_free(&b);
    return st;
  }
  plan_status run = plan__comp_batch_run(&b, s, "llm value");
  if (run != PLAN_OK && run != PLAN_EBUDGET) {
    plan__comp_batch_free(&b);
    return run;
  }
  e->st.requests += b.n;
  for (size_t r = 0; r < b.n && st == PLAN_OK; r++) {
    size_t i = b.item[r];
    const plan_llm_response *resp = &b.resps[r];
    plan__search_trace_llm(s, "value", nodes[i], resp);
    unsigned expected = l->o.logprobs             ? 1
                        : l->o.call.split_samples ? 1
                                                  : l->o.samples;
    if (resp->status != PLAN_OK) {
      out->items[i].missing += expected;
      continue;
    }
    size_t got = 0;
    for (size_t k = 0; k < resp->n_choices && st == PLAN_OK; k++) {
      const plan_llm_choice *ch = &resp->choices[k];
      got++;
      double v = 0;
      if (l->o.logprobs && !ch->truncated && logprob_value(ch, &v)) {
        e->st.logprob_values++;
        st = sink_value(out, i, v);
        continue;
      }
      plan_score sc;
      plan_status ps = plan_parse_score(ch->text ? ch->text : "", ch->text_len,
                                        ch->truncated, l->o.rubric, l->o.lo,
                                        l->o.hi, &sc, NULL);
      if (ps == PLAN_ENOMEM)
        st = ps;
      else if (ps == PLAN_OK && sc.present)
        st = sink_value(out, i, sc.value);
      else
        out->items[i].missing++;
    }
    /* A server that returned fewer choices than asked: the rest are
     * missing samples too. */
    if (got < expected)
      out->items[i].missing += (unsigned)(expected - got);
  }
  if (st == PLAN_OK && l->o.prune_impossible)
    for (size_t i = 0; i < n; i++) {
      sink_item *it = &out->items[i];
      bool all_zero = it->n > 0 && it->missing == 0;
      for (size_t j = 0; j < it->n && all_zero; j++)
        all_zero = it->v[j] == 0.0;
      if (all_zero)
        it->prune = "value: every sample says impossible";
    }
  plan__comp_batch_free(&b);
  return st != PLAN_OK ? st : run;
}

plan_status plan__llm_evaluator_create(const plan__domain *dom,
                                       const plan__llm_evaluator_options *o,
                                       plan__evaluator *out, plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !o)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm evaluator: domain and options are required");
  /* Zeroed options (NUMBER without a scale) mean the default rubric. */
  plan_rubric rubric = o->rubric;
  if (rubric == PLAN_RUBRIC_NUMBER && o->lo == 0 && o->hi == 0)
    rubric = PLAN_RUBRIC_SURE;
  if (o->logprobs && rubric != PLAN_RUBRIC_SURE)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm evaluator: logprob values need the "
                           "sure/likely/impossible rubric");
  if (rubric == PLAN_RUBRIC_NUMBER && !(o->lo < o->hi))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "llm evaluator: the scale needs lo < hi");
  llm_eval *l = plan__calloc(1, sizeof *l);
  if (!l)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  l->base.score = llm_score;
  l->base.free_self = llm_eval_free;
  l->base.dom = dom;
  l->o = *o;
  l->o.rubric = rubric;
  if (l->o.samples == 0)
    l->o.samples = 3;
  if (plan__comp_call_copy(&o->call, &l->o.call, &l->model) != PLAN_OK) {
    llm_eval_free(&l->base);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  return wrap(&l->base, l->o.logprobs ? "llm-logprob" : "llm", out);
}

/* ======================================================================
 * The heuristic evaluator
 * ====================================================================== */

bool plan__heuristic_parse(const char *s, plan__heuristic *out) {
  if (!s)
    return false;
  if (!strcmp(s, "goal-fraction"))
    *out = PLAN__HEUR_GOAL_FRACTION;
  else if (!strcmp(s, "hadd"))
    *out = PLAN__HEUR_HADD;
  else if (!strcmp(s, "hff"))
    *out = PLAN__HEUR_HFF;
  else
    return false;
  return true;
}

typedef struct heur_eval {
  evaluator base;
  plan__heuristic h;
  bool prune_dead_ends;
  plan__relax *relax;
  double scale; /* h of the initial state (at least 1) */
} heur_eval;

static void heur_free(evaluator *e) {
  heur_eval *h = (heur_eval *)e;
  plan__relax_free(h->relax);
  plan__free(h);
}

static double goal_fraction(const plan__pddl_task *task,
                            const uint64_t *state) {
  if (task->n_goal == 0)
    return 1.0;
  size_t ok = 0;
  for (size_t i = 0; i < task->n_goal; i++)
    if (plan__pddl_state_has(state, task->goal[i].fact) ==
        task->goal[i].positive)
      ok++;
  return (double)ok / (double)task->n_goal;
}

static plan_status heur_score(evaluator *e, plan__search *s,
                              const plan__node_id *nodes, size_t n, sink *out) {
  heur_eval *h = (heur_eval *)e;
  const plan__pddl_task *task = e->dom->task;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < n && st == PLAN_OK; i++) {
    const plan__node *nd = plan__search_node(s, nodes[i]);
    if (!nd || !nd->exact) {
      out->items[i].missing++;
      continue;
    }
    if (h->h == PLAN__HEUR_GOAL_FRACTION) {
      st = sink_value(out, i, goal_fraction(task, nd->exact));
      continue;
    }
    uint32_t hv = plan__relax_eval(h->relax,
                                   h->h == PLAN__HEUR_HADD ? PLAN__STRIPS_H_ADD
                                                           : PLAN__STRIPS_H_FF,
                                   nd->exact);
    if (hv == PLAN__STRIPS_H_INF) {
      st = sink_value(out, i, 0.0);
      if (h->prune_dead_ends)
        out->items[i].prune = "heuristic: dead end (goal unreachable in the "
                              "relaxation)";
      continue;
    }
    st = sink_value(out, i, 1.0 / (1.0 + (double)hv / h->scale));
  }
  return st;
}

plan_status plan__heuristic_evaluator_create(const plan__domain *dom,
                                             plan__heuristic hk,
                                             bool prune_dead_ends,
                                             plan__evaluator *out,
                                             plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!dom || !dom->pddl)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "heuristic evaluator: needs a pddl domain");
  heur_eval *h = plan__calloc(1, sizeof *h);
  if (!h)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  h->base.score = heur_score;
  h->base.free_self = heur_free;
  h->base.dom = dom;
  h->h = hk;
  h->prune_dead_ends = prune_dead_ends;
  h->scale = 1.0;
  const char *name = "goal-fraction";
  if (hk != PLAN__HEUR_GOAL_FRACTION) {
    name = hk == PLAN__HEUR_HADD ? "hadd" : "hff";
    if (plan__relax_create(dom->task, &h->relax) != PLAN_OK) {
      heur_free(&h->base);
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    }
    uint32_t h0 = plan__relax_eval(h->relax,
                                   hk == PLAN__HEUR_HADD ? PLAN__STRIPS_H_ADD
                                                         : PLAN__STRIPS_H_FF,
                                   dom->task->init);
    if (h0 != PLAN__STRIPS_H_INF && h0 > 1)
      h->scale = (double)h0;
  }
  return wrap(&h->base, name, out);
}

/* ======================================================================
 * The weighted combination
 * ====================================================================== */

typedef struct combo_eval {
  evaluator base;
  evaluator *a;
  evaluator *b;
  double wa, wb;
} combo_eval;

static void combo_free(evaluator *e) {
  combo_eval *c = (combo_eval *)e;
  if (c->a)
    c->a->free_self(c->a);
  if (c->b)
    c->b->free_self(c->b);
  plan__free(c);
}

static plan_status combo_score(evaluator *e, plan__search *s,
                               const plan__node_id *nodes, size_t n,
                               sink *out) {
  combo_eval *c = (combo_eval *)e;
  sink ka;
  sink kb;
  if (sink_init(&ka, n) != PLAN_OK)
    return PLAN_ENOMEM;
  if (sink_init(&kb, n) != PLAN_OK) {
    sink_free(&ka);
    return PLAN_ENOMEM;
  }
  plan_status sa = c->a->score(c->a, s, nodes, n, &ka);
  plan_status sb = PLAN_OK;
  if (sa == PLAN_OK || sa == PLAN_EBUDGET)
    sb = c->b->score(c->b, s, nodes, n, &kb);
  plan_status st = sa != PLAN_OK ? sa : sb;
  if (st == PLAN_OK || st == PLAN_EBUDGET) {
    double w = c->wa + c->wb;
    for (size_t i = 0; i < n; i++) {
      sink_item *a = &ka.items[i];
      sink_item *b = &kb.items[i];
      sink_item *o = &out->items[i];
      plan_status vs = PLAN_OK;
      if (a->n && b->n) {
        double mb = item_mean(b);
        for (size_t j = 0; j < a->n && vs == PLAN_OK; j++)
          vs = sink_value(out, i, (c->wa * a->v[j] + c->wb * mb) / w);
      } else if (a->n) {
        for (size_t j = 0; j < a->n && vs == PLAN_OK; j++)
          vs = sink_value(out, i, a->v[j]);
      } else if (b->n) {
        for (size_t j = 0; j < b->n && vs == PLAN_OK; j++)
          vs = sink_value(out, i, b->v[j]);
      }
      if (vs != PLAN_OK) {
        st = vs;
        break;
      }
      /* The missing samples of the part that leads the count. */
      o->missing = a->n || a->missing ? a->missing : b->missing;
      if (o->n == 0 && o->missing == 0)
        o->missing = 1;
      o->prune = a->prune ? a->prune : b->prune;
    }
  }
  /* Requests are made by the parts; the values are counted here. */
  e->st.requests = c->a->st.requests + c->b->st.requests;
  e->st.logprob_values = c->a->st.logprob_values + c->b->st.logprob_values;
  sink_free(&ka);
  sink_free(&kb);
  return st;
}

plan_status plan__combined_evaluator_create(plan__evaluator *a, double w_a,
                                            plan__evaluator *b, double w_b,
                                            plan__evaluator *out,
                                            plan_error *err) {
  memset(out, 0, sizeof *out);
  if (!a || !b || !a->self || !b->self ||
      ((evaluator *)a->self)->magic != PLAN__COMP_MAGIC_EVALUATOR ||
      ((evaluator *)b->self)->magic != PLAN__COMP_MAGIC_EVALUATOR)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "combined evaluator: both parts must be "
                           "evaluators made by plan__*_evaluator_create");
  if (!(w_a >= 0) || !(w_b >= 0) || !(w_a + w_b > 0))
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "combined evaluator: weights must be >= 0 and "
                           "not both 0");
  combo_eval *c = plan__calloc(1, sizeof *c);
  if (!c)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  c->base.score = combo_score;
  c->base.free_self = combo_free;
  c->base.dom = ((evaluator *)a->self)->dom;
  c->a = a->self;
  c->b = b->self;
  c->wa = w_a;
  c->wb = w_b;
  /* The combination owns the parts now. */
  memset(a, 0, sizeof *a);
  memset(b, 0, sizeof *b);
  return wrap(&c->base, "combined", out);
}
