/* solvers/strips/stubborn.c: partial-order reduction by strong stubborn
 * sets (Alkhazraji et al. 2012; Wehrle & Helmert 2014). In a non-goal
 * state only the applicable actions of a stubborn set need expanding:
 * start from the achievers of one unsatisfied goal literal; for every
 * applicable action in the set add the actions that interfere with it, and
 * for every inapplicable one add the achievers of one of its unsatisfied
 * preconditions. The pruning keeps at least one optimal plan from every
 * state, so A* stays optimal, and it removes the interleavings of
 * independent actions (moving two packages in logistics) that otherwise
 * fill the last f-layer.
 *
 * Actions interfere when one disables the other (deletes a positive or adds
 * a negative precondition of it) or their effects conflict (one adds what
 * the other deletes). A delete that the same action also adds is not a
 * delete (VAL's delete-before-add), so it is dropped here first.
 */
#include <stdlib.h>
#include <string.h>

#include "solvers/strips/stubborn.h"

struct plan__sss {
  const plan__pddl_task *task;
  /* fact -> actions, CSR */
  uint32_t *add_start; /* add f */
  uint32_t *adders;
  uint32_t *del_start; /* effectively delete f */
  uint32_t *deleters;
  uint32_t *pre_start; /* need f true */
  uint32_t *users;
  uint32_t *neg_start; /* need f false */
  uint32_t *negusers;
  uint32_t *del_off; /* action -> effective deletes */
  uint32_t *del;
  uint32_t *mark; /* action -> epoch when in the set */
  uint32_t epoch;
  uint32_t *queue;
};

/* Builds one fact -> actions index from per-action lists. */
static plan_status build_index(const plan__pddl_task *t, size_t nf,
                               const uint32_t *const *lists, const size_t *lens,
                               uint32_t **start_out, uint32_t **items_out) {
  uint32_t *start = plan__calloc(nf + 2, sizeof *start);
  size_t total = 0;
  for (size_t a = 0; a < t->n_actions; a++)
    total += lens[a];
  uint32_t *items = plan__calloc(total + 1, sizeof *items);
  uint32_t *fill = plan__calloc(nf + 1, sizeof *fill);
  if (!start || !items || !fill) {
    plan__free(start);
    plan__free(items);
    plan__free(fill);
    return PLAN_ENOMEM;
  }
  for (size_t a = 0; a < t->n_actions; a++)
    for (size_t i = 0; i < lens[a]; i++)
      start[lists[a][i] + 1]++;
  for (size_t f = 0; f < nf; f++)
    start[f + 1] += start[f];
  for (size_t a = 0; a < t->n_actions; a++)
    for (size_t i = 0; i < lens[a]; i++) {
      uint32_t f = lists[a][i];
      items[start[f] + fill[f]++] = (uint32_t)a;
    }
  plan__free(fill);
  *start_out = start;
  *items_out = items;
  return PLAN_OK;
}

plan_status plan__sss_create(const plan__pddl_task *t, plan__sss **out) {
  *out = NULL;
  size_t na = t->n_actions;
  size_t nf = t->n_facts;
  plan__sss *s = plan__calloc(1, sizeof *s);
  const uint32_t **lists = plan__calloc(na + 1, sizeof *lists);
  size_t *lens = plan__calloc(na + 1, sizeof *lens);
  plan_status st = PLAN_ENOMEM;
  if (!s || !lists || !lens)
    goto fail;
  s->task = t;
  s->mark = plan__calloc(na + 1, sizeof *s->mark);
  s->queue = plan__calloc(na + 1, sizeof *s->queue);
  s->del_off = plan__calloc(na + 1, sizeof *s->del_off);
  size_t n_del = 0;
  for (size_t a = 0; a < na; a++)
    n_del += t->actions[a].n_del;
  s->del = plan__calloc(n_del + 1, sizeof *s->del);
  if (!s->mark || !s->queue || !s->del_off || !s->del)
    goto fail;
  /* Effective deletes: del minus add (both lists are sorted). */
  size_t k = 0;
  for (size_t a = 0; a < na; a++) {
    const plan__pddl_action *ac = &t->actions[a];
    s->del_off[a] = (uint32_t)k;
    size_t j = 0;
    for (size_t i = 0; i < ac->n_del; i++) {
      while (j < ac->n_add && ac->add[j] < ac->del[i])
        j++;
      if (j < ac->n_add && ac->add[j] == ac->del[i])
        continue;
      s->del[k++] = ac->del[i];
    }
  }
  s->del_off[na] = (uint32_t)k;
  for (size_t a = 0; a < na; a++) {
    lists[a] = t->actions[a].add;
    lens[a] = t->actions[a].n_add;
  }
  st = build_index(t, nf, lists, lens, &s->add_start, &s->adders);
  if (st)
    goto fail;
  for (size_t a = 0; a < na; a++) {
    lists[a] = s->del + s->del_off[a];
    lens[a] = s->del_off[a + 1] - s->del_off[a];
  }
  st = build_index(t, nf, lists, lens, &s->del_start, &s->deleters);
  if (st)
    goto fail;
  for (size_t a = 0; a < na; a++) {
    lists[a] = t->actions[a].pre;
    lens[a] = t->actions[a].n_pre;
  }
  st = build_index(t, nf, lists, lens, &s->pre_start, &s->users);
  if (st)
    goto fail;
  for (size_t a = 0; a < na; a++) {
    lists[a] = t->actions[a].pre_neg;
    lens[a] = t->actions[a].n_pre_neg;
  }
  st = build_index(t, nf, lists, lens, &s->neg_start, &s->negusers);
  if (st)
    goto fail;
  plan__free(lists);
  plan__free(lens);
  *out = s;
  return PLAN_OK;
fail:
  plan__free(lists);
  plan__free(lens);
  plan__sss_free(s);
  return st ? st : PLAN_ENOMEM;
}

void plan__sss_free(plan__sss *s) {
  if (!s)
    return;
  uint32_t *arrays[] = {s->add_start, s->adders, s->del_start, s->deleters,
                        s->pre_start, s->users,  s->neg_start, s->negusers,
                        s->del_off,   s->del,    s->mark,      s->queue};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(arrays); i++)
    plan__free(arrays[i]);
  plan__free(s);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a;
  uint32_t y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

typedef struct sset {
  plan__sss *s;
  uint32_t ep;
  size_t qt;
} sset;

static void add_all(sset *x, const uint32_t *start, const uint32_t *items,
                    uint32_t f) {
  plan__sss *s = x->s;
  for (uint32_t i = start[f]; i < start[f + 1]; i++) {
    uint32_t a = items[i];
    if (s->mark[a] != x->ep) {
      s->mark[a] = x->ep;
      s->queue[x->qt++] = a;
    }
  }
}

/* How many of f's actions in the list are not in the set yet. */
static uint32_t count_new(const sset *x, const uint32_t *start,
                          const uint32_t *items, uint32_t f) {
  uint32_t n = 0;
  for (uint32_t i = start[f]; i < start[f + 1]; i++)
    n += x->s->mark[items[i]] != x->ep;
  return n;
}

size_t plan__sss_expand(plan__sss *s, const uint64_t *state, uint32_t *out) {
  const plan__pddl_task *t = s->task;
  if (++s->epoch == 0) {
    memset(s->mark, 0, t->n_actions * sizeof *s->mark);
    s->epoch = 1;
  }
  sset x = {s, s->epoch, 0};
  /* Seed: the achievers of the unsatisfied goal literal with the fewest
   * achievers (any unsatisfied literal is correct; small sets prune
   * more). */
  bool seeded = false;
  size_t best = 0;
  uint32_t best_n = UINT32_MAX;
  for (size_t g = 0; g < t->n_goal; g++) {
    const plan__pddl_literal *l = &t->goal[g];
    if (plan__pddl_state_has(state, l->fact) == l->positive)
      continue;
    uint32_t n = l->positive
                     ? s->add_start[l->fact + 1] - s->add_start[l->fact]
                     : s->del_start[l->fact + 1] - s->del_start[l->fact];
    if (n < best_n) {
      best_n = n;
      best = g;
    }
    seeded = true;
  }
  if (seeded) {
    const plan__pddl_literal *l = &t->goal[best];
    if (l->positive)
      add_all(&x, s->add_start, s->adders, l->fact);
    else
      add_all(&x, s->del_start, s->deleters, l->fact);
  }
  if (!seeded) {
    /* A goal state: nothing needs expanding, but keep the function total
     * by returning every applicable action. */
    return plan__pddl_applicable_actions(t, state, out, t->n_actions);
  }
  for (size_t qh = 0; qh < x.qt; qh++) {
    uint32_t a = s->queue[qh];
    const plan__pddl_action *ac = &t->actions[a];
    /* Inapplicable: add the achievers of one unsatisfied precondition,
     * the one that adds the fewest actions not yet in the set. */
    uint32_t pick = UINT32_MAX;
    bool pick_neg = false;
    uint32_t pick_new = UINT32_MAX;
    for (size_t i = 0; i < ac->n_pre && pick_new; i++)
      if (!plan__pddl_state_has(state, ac->pre[i])) {
        uint32_t nn = count_new(&x, s->add_start, s->adders, ac->pre[i]);
        if (nn < pick_new) {
          pick_new = nn;
          pick = ac->pre[i];
          pick_neg = false;
        }
      }
    for (size_t i = 0; i < ac->n_pre_neg && pick_new; i++)
      if (plan__pddl_state_has(state, ac->pre_neg[i])) {
        uint32_t nn = count_new(&x, s->del_start, s->deleters, ac->pre_neg[i]);
        if (nn < pick_new) {
          pick_new = nn;
          pick = ac->pre_neg[i];
          pick_neg = true;
        }
      }
    bool applicable = pick == UINT32_MAX;
    if (!applicable) {
      if (pick_neg)
        add_all(&x, s->del_start, s->deleters, pick);
      else
        add_all(&x, s->add_start, s->adders, pick);
    }
    if (!applicable)
      continue;
    /* Interfering actions. */
    for (size_t i = 0; i < ac->n_pre; i++)
      add_all(&x, s->del_start, s->deleters, ac->pre[i]);
    for (size_t i = 0; i < ac->n_pre_neg; i++)
      add_all(&x, s->add_start, s->adders, ac->pre_neg[i]);
    for (uint32_t i = s->del_off[a]; i < s->del_off[a + 1]; i++) {
      uint32_t f = s->del[i];
      add_all(&x, s->pre_start, s->users, f);
      add_all(&x, s->add_start, s->adders, f);
    }
    for (size_t i = 0; i < ac->n_add; i++) {
      add_all(&x, s->neg_start, s->negusers, ac->add[i]);
      add_all(&x, s->del_start, s->deleters, ac->add[i]);
    }
  }
  /* The applicable members, in id order. */
  size_t n = 0;
  for (size_t qh = 0; qh < x.qt; qh++)
    if (plan__pddl_applicable(t, state, s->queue[qh]))
      out[n++] = s->queue[qh];
  qsort(out, n, sizeof *out, cmp_u32);
  return n;
}
