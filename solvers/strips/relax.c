/* solvers/strips/relax.c: heuristics over the delete relaxation of a
 * grounded task: h_max, h_add, h_FF and LM-cut (Helmert & Domshlak 2009).
 * One exploration routine (a generalised Dijkstra over facts, keyed by
 * (cost, fact id) so it is deterministic) serves them all; LM-cut runs it
 * repeatedly with reduced operator costs and cuts the justification graph
 * between the state and the goal zone. Two artificial facts make the graph
 * uniform: I (true in every state, the precondition of operators that have
 * none) and G (added by an artificial zero-cost goal operator whose
 * preconditions are the positive goal facts).
 */
#include <string.h>

#include "solvers/strips/strips.h"

#define INF PLAN__STRIPS_H_INF
#define NONE UINT32_MAX

struct plan__relax {
  const plan__pddl_task *task;
  uint32_t nf; /* task facts + I + G */
  uint32_t no; /* task actions + the goal operator */
  uint32_t f_init;
  uint32_t f_goal;
  /* CSR lists. */
  uint32_t *pre_start; /* op -> precondition facts */
  uint32_t *pre;
  uint32_t *add_start; /* op -> added facts */
  uint32_t *add;
  uint32_t *use_start; /* fact -> ops with it as a precondition */
  uint32_t *use;
  uint32_t *ach_start; /* fact -> ops adding it */
  uint32_t *ach;
  uint32_t *base_cost; /* op -> cost */
  /* Work arrays. */
  uint32_t *cost;      /* fact -> h value */
  uint32_t *supporter; /* fact -> best achiever (h_add / h_max) */
  uint32_t *unsat;     /* op -> unreached preconditions */
  uint32_t *val;       /* op -> max or sum of precondition costs */
  uint32_t *cur;       /* op -> LM-cut's remaining cost */
  uint32_t *pcf;       /* op -> precondition choice (LM-cut) */
  uint32_t *cut;       /* LM-cut: the operators of the current cut */
  uint8_t *status;     /* LM-cut: fact status (ST_*) */
  uint32_t *bstart;    /* LM-cut: operators bucketed by supporter */
  uint32_t *bops;
  plan__lmset lms;  /* LM-cut: the landmarks of the last run */
  bool oom;         /* the last evaluation ran out of memory */
  uint32_t *mark_f; /* fact marks (compared with epoch) */
  uint32_t *mark_f2;
  uint32_t *mark_o;
  uint32_t *stack;
  uint32_t epoch;
  uint64_t *heap;
  size_t heap_n;
  size_t heap_cap;
  /* A bucket queue for LM-cut's h_max (small integer costs, pops never
   * decrease): bucket c is a list through bq_next, newest first. */
  uint32_t *bq_head;
  size_t bq_cap;
  struct bq_item {
    uint32_t fact;
    uint32_t next;
  } * bq_items;
  size_t bq_n;
  size_t bq_pool;
  size_t bq_min;
  size_t bq_max; /* highest bucket touched since the last reset */
  size_t bq_count;
};

/* ======================================================================
 * A binary min-heap of (cost << 32 | fact)
 * ====================================================================== */

static bool heap_push(plan__relax *r, uint32_t cost, uint32_t f) {
  if (r->heap_n == r->heap_cap && plan__grow((void **)&r->heap, &r->heap_cap,
                                             r->heap_n + 1, sizeof *r->heap))
    return false;
  uint64_t k = (uint64_t)cost << 32 | f;
  size_t i = r->heap_n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (r->heap[p] <= k)
      break;
    r->heap[i] = r->heap[p];
    i = p;
  }
  r->heap[i] = k;
  return true;
}

static uint64_t heap_pop(plan__relax *r) {
  uint64_t top = r->heap[0];
  uint64_t last = r->heap[--r->heap_n];
  size_t n = r->heap_n;
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && r->heap[c + 1] < r->heap[c])
      c++;
    if (r->heap[c] >= last)
      break;
    r->heap[i] = r->heap[c];
    i = c;
  }
  if (n)
    r->heap[i] = last;
  return top;
}

/* ======================================================================
 * Construction
 * ====================================================================== */

static uint32_t *csr_alloc(size_t n) {
  return plan__calloc(n + 1, sizeof(uint32_t));
}

plan_status plan__relax_create(const plan__pddl_task *task, plan__relax **out) {
  *out = NULL;
  if (task->n_facts > UINT32_MAX - 4 || task->n_actions > UINT32_MAX - 4)
    return PLAN_EINVAL;
  plan__relax *r = plan__calloc(1, sizeof *r);
  if (!r)
    return PLAN_ENOMEM;
  r->task = task;
  r->nf = (uint32_t)task->n_facts + 2;
  r->no = (uint32_t)task->n_actions + 1;
  r->f_init = (uint32_t)task->n_facts;
  r->f_goal = (uint32_t)task->n_facts + 1;
  uint32_t nf = r->nf;
  uint32_t no = r->no;
  uint32_t goal_op = no - 1;
  size_t n_pre = 0;
  size_t n_add = 0;
  for (size_t a = 0; a < task->n_actions; a++) {
    n_pre += task->actions[a].n_pre ? task->actions[a].n_pre : 1;
    n_add += task->actions[a].n_add;
  }
  size_t n_goal_pos = 0;
  for (size_t i = 0; i < task->n_goal; i++)
    n_goal_pos += task->goal[i].positive;
  n_pre += n_goal_pos ? n_goal_pos : 1;
  n_add += 1;
  r->pre_start = csr_alloc(no);
  r->pre = csr_alloc(n_pre);
  r->add_start = csr_alloc(no);
  r->add = csr_alloc(n_add);
  r->use_start = csr_alloc(nf);
  r->use = csr_alloc(n_pre);
  r->ach_start = csr_alloc(nf);
  r->ach = csr_alloc(n_add);
  r->base_cost = csr_alloc(no);
  r->cost = csr_alloc(nf);
  r->supporter = csr_alloc(nf);
  r->unsat = csr_alloc(no);
  r->val = csr_alloc(no);
  r->cur = csr_alloc(no);
  r->pcf = csr_alloc(no);
  r->cut = csr_alloc(no);
  r->status = plan__calloc(nf, 1);
  r->bstart = csr_alloc(nf + 1);
  r->bops = csr_alloc(no);
  r->mark_f = csr_alloc(nf);
  r->mark_f2 = csr_alloc(nf);
  r->mark_o = csr_alloc(no);
  r->stack = csr_alloc(nf > no ? nf : no);
  if (!r->pre_start || !r->pre || !r->add_start || !r->add || !r->use_start ||
      !r->use || !r->ach_start || !r->ach || !r->base_cost || !r->cost ||
      !r->supporter || !r->unsat || !r->val || !r->cur || !r->pcf || !r->cut ||
      !r->status || !r->bstart || !r->bops || !r->mark_f || !r->mark_f2 ||
      !r->mark_o || !r->stack) {
    plan__relax_free(r);
    return PLAN_ENOMEM;
  }
  /* Operator lists. */
  size_t kp = 0;
  size_t ka = 0;
  for (uint32_t o = 0; o < no; o++) {
    r->pre_start[o] = (uint32_t)kp;
    r->add_start[o] = (uint32_t)ka;
    if (o < goal_op) {
      const plan__pddl_action *a = &task->actions[o];
      if (a->n_pre == 0)
        r->pre[kp++] = r->f_init;
      for (size_t i = 0; i < a->n_pre; i++)
        r->pre[kp++] = a->pre[i];
      for (size_t i = 0; i < a->n_add; i++)
        r->add[ka++] = a->add[i];
      r->base_cost[o] = a->cost;
    } else {
      if (n_goal_pos == 0)
        r->pre[kp++] = r->f_init;
      for (size_t i = 0; i < task->n_goal; i++)
        if (task->goal[i].positive)
          r->pre[kp++] = task->goal[i].fact;
      r->add[ka++] = r->f_goal;
      r->base_cost[o] = 0;
    }
  }
  r->pre_start[no] = (uint32_t)kp;
  r->add_start[no] = (uint32_t)ka;
  /* Fact -> users and achievers (counting sort keeps op order). */
  for (size_t i = 0; i < kp; i++)
    r->use_start[r->pre[i] + 1]++;
  for (size_t i = 0; i < ka; i++)
    r->ach_start[r->add[i] + 1]++;
  for (uint32_t f = 0; f < nf; f++) {
    r->use_start[f + 1] += r->use_start[f];
    r->ach_start[f + 1] += r->ach_start[f];
  }
  memset(r->mark_f, 0, nf * sizeof *r->mark_f);
  memset(r->mark_f2, 0, nf * sizeof *r->mark_f2);
  for (uint32_t o = 0; o < no; o++) {
    for (uint32_t i = r->pre_start[o]; i < r->pre_start[o + 1]; i++) {
      uint32_t f = r->pre[i];
      r->use[r->use_start[f] + r->mark_f[f]++] = o;
    }
    for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++) {
      uint32_t f = r->add[i];
      r->ach[r->ach_start[f] + r->mark_f2[f]++] = o;
    }
  }
  memset(r->mark_f, 0, nf * sizeof *r->mark_f);
  memset(r->mark_f2, 0, nf * sizeof *r->mark_f2);
  r->epoch = 0;
  *out = r;
  return PLAN_OK;
}

void plan__relax_free(plan__relax *r) {
  if (!r)
    return;
  uint32_t **arrays[] = {&r->pre_start, &r->pre,  &r->add_start, &r->add,
                         &r->use_start, &r->use,  &r->ach_start, &r->ach,
                         &r->base_cost, &r->cost, &r->supporter, &r->unsat,
                         &r->val,       &r->cur,  &r->pcf,       &r->cut,
                         &r->bstart,    &r->bops, &r->mark_f,    &r->mark_f2,
                         &r->mark_o,    &r->stack};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(arrays); i++)
    plan__free(*arrays[i]);
  plan__free(r->status);
  plan__lmset_free(&r->lms);
  plan__free(r->bq_head);
  plan__free(r->bq_items);
  plan__free(r->heap);
  plan__free(r);
}

/* A fresh mark value; clears the marks when the counter wraps. */
static uint32_t next_epoch(plan__relax *r) {
  if (++r->epoch == 0) {
    memset(r->mark_f, 0, r->nf * sizeof *r->mark_f);
    memset(r->mark_f2, 0, r->nf * sizeof *r->mark_f2);
    memset(r->mark_o, 0, r->no * sizeof *r->mark_o);
    r->epoch = 1;
  }
  return r->epoch;
}

/* ======================================================================
 * Exploration: h_max (additive false) or h_add (additive true) values of
 * every fact from state, with operator costs op_cost. With stop_at_goal the
 * exploration ends once G is settled. Returns false on ENOMEM.
 * ====================================================================== */

static uint32_t sat_add(uint32_t a, uint32_t b) {
  return a > INF - b ? INF - 1 : a + b;
}

static bool explore(plan__relax *r, const uint64_t *state, bool additive,
                    const uint32_t *op_cost, bool stop_at_goal) {
  uint32_t nf = r->nf;
  uint32_t no = r->no;
  for (uint32_t f = 0; f < nf; f++) {
    r->cost[f] = INF;
    r->supporter[f] = NONE;
  }
  for (uint32_t o = 0; o < no; o++) {
    r->unsat[o] = r->pre_start[o + 1] - r->pre_start[o];
    r->val[o] = 0;
  }
  r->heap_n = 0;
  for (uint32_t f = 0; f < r->f_init; f++)
    if (plan__pddl_state_has(state, f)) {
      r->cost[f] = 0;
      if (!heap_push(r, 0, f))
        return false;
    }
  r->cost[r->f_init] = 0;
  if (!heap_push(r, 0, r->f_init))
    return false;
  while (r->heap_n) {
    uint64_t k = heap_pop(r);
    uint32_t c = (uint32_t)(k >> 32);
    uint32_t f = (uint32_t)k;
    if (c != r->cost[f])
      continue;
    if (f == r->f_goal && stop_at_goal)
      break;
    for (uint32_t u = r->use_start[f]; u < r->use_start[f + 1]; u++) {
      uint32_t o = r->use[u];
      if (additive)
        r->val[o] = sat_add(r->val[o], c);
      else if (c > r->val[o])
        r->val[o] = c;
      if (--r->unsat[o] != 0)
        continue;
      uint32_t nc = sat_add(r->val[o], op_cost[o]);
      for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++) {
        uint32_t g = r->add[i];
        if (nc < r->cost[g]) {
          r->cost[g] = nc;
          r->supporter[g] = o;
          if (!heap_push(r, nc, g))
            return false;
        }
      }
    }
  }
  return true;
}

/* ======================================================================
 * h_FF: the cost of a relaxed plan read off the h_add supporters.
 * ====================================================================== */

static uint32_t relaxed_plan_cost(plan__relax *r, const uint64_t *state) {
  uint32_t ep = next_epoch(r);
  uint32_t sp = 0;
  uint64_t total = 0;
  r->stack[sp++] = r->f_goal;
  r->mark_f[r->f_goal] = ep;
  while (sp) {
    uint32_t f = r->stack[--sp];
    if (f == r->f_init || (f < r->f_init && plan__pddl_state_has(state, f)))
      continue;
    uint32_t o = r->supporter[f];
    if (o == NONE || r->mark_o[o] == ep)
      continue;
    r->mark_o[o] = ep;
    total += r->base_cost[o];
    for (uint32_t i = r->pre_start[o]; i < r->pre_start[o + 1]; i++) {
      uint32_t p = r->pre[i];
      if (r->mark_f[p] != ep) {
        r->mark_f[p] = ep;
        r->stack[sp++] = p;
      }
    }
  }
  return total >= INF ? INF - 1 : (uint32_t)total;
}

/* ======================================================================
 * LM-cut, following Fast Downward's implementation: one full h_max
 * exploration per state, then per round: mark the goal zone (facts that
 * reach G through zero-cost operators, following each operator's h_max
 * supporter), walk forward from the state through supporters without
 * entering the zone to find the cut, lower the cut's costs by their
 * minimum, and repair h_max incrementally (costs only fall, so values only
 * fall). Each operator's supporter is its costliest precondition.
 * ====================================================================== */

enum { ST_UNREACHED = 0, ST_REACHED, ST_ZONE, ST_BEFORE };

static void bq_reset(plan__relax *r) {
  for (size_t c = 0; c <= r->bq_max && c < r->bq_cap; c++)
    r->bq_head[c] = NONE;
  r->bq_n = 0;
  r->bq_min = 0;
  r->bq_max = 0;
  r->bq_count = 0;
}

static bool bq_push(plan__relax *r, uint32_t cost, uint32_t f) {
  if (cost >= r->bq_cap) {
    size_t old = r->bq_cap;
    if (cost >= (1u << 24) || plan__grow((void **)&r->bq_head, &r->bq_cap,
                                         (size_t)cost + 1, sizeof *r->bq_head))
      return false;
    for (size_t c = old; c < r->bq_cap; c++)
      r->bq_head[c] = NONE;
  }
  if (r->bq_n == r->bq_pool && plan__grow((void **)&r->bq_items, &r->bq_pool,
                                          r->bq_n + 1, sizeof *r->bq_items))
    return false;
  uint32_t e = (uint32_t)r->bq_n++;
  r->bq_items[e].fact = f;
  r->bq_items[e].next = r->bq_head[cost];
  r->bq_head[cost] = e;
  if (r->bq_count == 0 || cost < r->bq_min)
    r->bq_min = cost;
  if (cost > r->bq_max)
    r->bq_max = cost;
  r->bq_count++;
  return true;
}

/* Pops a (cost, fact) with the lowest cost; the queue must not be empty. */
static uint32_t bq_pop(plan__relax *r, uint32_t *cost) {
  while (r->bq_head[r->bq_min] == NONE)
    r->bq_min++;
  uint32_t e = r->bq_head[r->bq_min];
  r->bq_head[r->bq_min] = r->bq_items[e].next;
  r->bq_count--;
  *cost = (uint32_t)r->bq_min;
  return r->bq_items[e].fact;
}

static bool lm_enqueue(plan__relax *r, uint32_t f, uint32_t cost) {
  if (cost >= r->cost[f])
    return true;
  r->cost[f] = cost;
  return bq_push(r, cost, f);
}

/* Full h_max from state with costs r->cur; sets supporters. */
static bool lm_first(plan__relax *r, const uint64_t *state) {
  for (uint32_t f = 0; f < r->nf; f++) {
    r->cost[f] = INF;
    r->status[f] = ST_UNREACHED;
  }
  for (uint32_t o = 0; o < r->no; o++) {
    r->unsat[o] = r->pre_start[o + 1] - r->pre_start[o];
    r->pcf[o] = NONE;
    r->val[o] = INF;
  }
  bq_reset(r);
  for (uint32_t f = 0; f < r->f_init; f++)
    if (plan__pddl_state_has(state, f) && !lm_enqueue(r, f, 0))
      return false;
  if (!lm_enqueue(r, r->f_init, 0))
    return false;
  while (r->bq_count) {
    uint32_t c;
    uint32_t f = bq_pop(r, &c);
    if (c > r->cost[f] || r->status[f] != ST_UNREACHED)
      continue;
    r->status[f] = ST_REACHED;
    for (uint32_t u = r->use_start[f]; u < r->use_start[f + 1]; u++) {
      uint32_t o = r->use[u];
      if (--r->unsat[o] != 0)
        continue;
      r->pcf[o] = f; /* popped last: the costliest precondition */
      r->val[o] = c;
      uint32_t nc = sat_add(c, r->cur[o]);
      for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++)
        if (!lm_enqueue(r, r->add[i], nc))
          return false;
    }
  }
  return true;
}

/* Repairs h_max after the costs of the cut operators fell. */
static bool lm_incremental(plan__relax *r, uint32_t n_cut) {
  bq_reset(r);
  for (uint32_t k = 0; k < n_cut; k++) {
    uint32_t o = r->cut[k];
    uint32_t nc = sat_add(r->val[o], r->cur[o]);
    for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++)
      if (!lm_enqueue(r, r->add[i], nc))
        return false;
  }
  while (r->bq_count) {
    uint32_t c;
    uint32_t f = bq_pop(r, &c);
    if (c > r->cost[f])
      continue;
    for (uint32_t u = r->use_start[f]; u < r->use_start[f + 1]; u++) {
      uint32_t o = r->use[u];
      if (r->pcf[o] != f || r->val[o] <= c)
        continue;
      /* The supporter got cheaper: find the costliest precondition. */
      uint32_t best = f;
      for (uint32_t i = r->pre_start[o]; i < r->pre_start[o + 1]; i++)
        if (r->cost[r->pre[i]] > r->cost[best])
          best = r->pre[i];
      uint32_t old = r->val[o];
      r->pcf[o] = best;
      r->val[o] = r->cost[best];
      if (r->val[o] == old)
        continue;
      uint32_t nc = sat_add(r->val[o], r->cur[o]);
      for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++)
        if (!lm_enqueue(r, r->add[i], nc))
          return false;
    }
  }
  return true;
}

/* Appends one landmark (ops, cost) to the record of the current run. */
static bool lm_record(plan__relax *r, const uint32_t *ops, uint32_t n,
                      uint32_t cost) {
  plan__lmset *l = &r->lms;
  if (plan__grow((void **)&l->ops, &l->cap_ops, l->n_ops + n, sizeof *l->ops) ||
      plan__grow((void **)&l->start, &l->cap, l->n + 2, sizeof *l->start) ||
      plan__grow((void **)&l->cost, &l->cap_cost, l->n + 1, sizeof *l->cost))
    return false;
  if (l->n == 0)
    l->start[0] = 0;
  memcpy(l->ops + l->n_ops, ops, n * sizeof *ops);
  l->n_ops += n;
  l->cost[l->n] = cost;
  l->start[++l->n] = (uint32_t)l->n_ops;
  return true;
}

/* LM-cut rounds from the costs in r->cur, which landmarks worth h0 were
 * already charged to. */
static uint32_t lmcut_run(plan__relax *r, const uint64_t *state, uint64_t h0,
                          bool *oom) {
  if (!lm_first(r, state)) {
    *oom = true;
    return INF;
  }
  if (r->cost[r->f_goal] == INF)
    return INF;
  uint64_t h = h0;
  uint32_t *stack = r->stack;
  uint32_t *cut = r->cut;
  while (r->cost[r->f_goal] != 0) {
    /* Goal zone. */
    uint32_t sp = 0;
    r->status[r->f_goal] = ST_ZONE;
    stack[sp++] = r->f_goal;
    while (sp) {
      uint32_t g = stack[--sp];
      for (uint32_t i = r->ach_start[g]; i < r->ach_start[g + 1]; i++) {
        uint32_t o = r->ach[i];
        uint32_t p = r->pcf[o];
        if (r->cur[o] != 0 || p == NONE || r->status[p] == ST_ZONE)
          continue;
        r->status[p] = ST_ZONE;
        stack[sp++] = p;
      }
    }
    /* Forward to the zone through supporters; collect the cut. First
     * bucket the reached operators by supporter (counting sort). */
    uint32_t *bstart = r->bstart;
    uint32_t *bops = r->bops;
    memset(bstart, 0, (r->nf + 1) * sizeof *bstart);
    for (uint32_t o = 0; o < r->no; o++)
      if (r->pcf[o] != NONE)
        bstart[r->pcf[o] + 1]++;
    for (uint32_t f = 0; f < r->nf; f++)
      bstart[f + 1] += bstart[f];
    for (uint32_t o = 0; o < r->no; o++)
      if (r->pcf[o] != NONE)
        bops[bstart[r->pcf[o]]++] = o;
    /* bstart[f] now ends f's bucket; f's bucket starts at bstart[f-1]. */
    uint32_t n_cut = 0;
    uint32_t m = INF;
    sp = 0;
    r->status[r->f_init] = ST_BEFORE;
    stack[sp++] = r->f_init;
    for (uint32_t f = 0; f < r->f_init; f++)
      if (plan__pddl_state_has(state, f)) {
        r->status[f] = ST_BEFORE;
        stack[sp++] = f;
      }
    while (sp) {
      uint32_t f = stack[--sp];
      for (uint32_t b = f ? bstart[f - 1] : 0; b < bstart[f]; b++) {
        uint32_t o = bops[b];
        bool in_cut = false;
        for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++)
          if (r->status[r->add[i]] == ST_ZONE) {
            in_cut = true;
            break;
          }
        if (in_cut) {
          cut[n_cut++] = o;
          if (r->cur[o] < m)
            m = r->cur[o];
          continue;
        }
        for (uint32_t i = r->add_start[o]; i < r->add_start[o + 1]; i++) {
          uint32_t g = r->add[i];
          if (r->status[g] != ST_BEFORE) {
            r->status[g] = ST_BEFORE;
            stack[sp++] = g;
          }
        }
      }
    }
    if (PLAN_NEVER(n_cut == 0 || m == 0 || m == INF))
      break;
    h += m;
    for (uint32_t k = 0; k < n_cut; k++)
      r->cur[cut[k]] -= m;
    if (!lm_record(r, cut, n_cut, m)) {
      *oom = true;
      return INF;
    }
    if (!lm_incremental(r, n_cut)) {
      *oom = true;
      return INF;
    }
    for (uint32_t f = 0; f < r->nf; f++)
      if (r->status[f] != ST_UNREACHED)
        r->status[f] = ST_REACHED;
  }
  return h >= INF ? INF - 1 : (uint32_t)h;
}

static uint32_t lmcut(plan__relax *r, const uint64_t *state, bool *oom) {
  memcpy(r->cur, r->base_cost, r->no * sizeof *r->cur);
  r->lms.n = 0;
  r->lms.n_ops = 0;
  return lmcut_run(r, state, 0, oom);
}

uint32_t plan__relax_lmcut_from(plan__relax *r, const uint64_t *state,
                                const plan__lmset *parent, uint32_t action) {
  memcpy(r->cur, r->base_cost, r->no * sizeof *r->cur);
  r->lms.n = 0;
  r->lms.n_ops = 0;
  uint64_t h0 = 0;
  for (size_t k = 0; k < parent->n; k++) {
    const uint32_t *ops = parent->ops + parent->start[k];
    uint32_t n = parent->start[k + 1] - parent->start[k];
    bool hit = false;
    for (uint32_t i = 0; i < n && !hit; i++)
      hit = ops[i] == action;
    if (hit)
      continue;
    uint32_t m = parent->cost[k];
    for (uint32_t i = 0; i < n; i++)
      r->cur[ops[i]] -= m;
    h0 += m;
    if (!lm_record(r, ops, n, m)) {
      r->oom = true;
      return INF;
    }
  }
  r->oom = false;
  return lmcut_run(r, state, h0, &r->oom);
}

plan_status plan__relax_lmset_copy(const plan__relax *r, plan__lmset *out) {
  const plan__lmset *l = &r->lms;
  out->n = 0;
  out->n_ops = 0;
  if (plan__grow((void **)&out->ops, &out->cap_ops, l->n_ops + 1,
                 sizeof *out->ops) ||
      plan__grow((void **)&out->start, &out->cap, l->n + 2,
                 sizeof *out->start) ||
      plan__grow((void **)&out->cost, &out->cap_cost, l->n + 1,
                 sizeof *out->cost))
    return PLAN_ENOMEM;
  if (l->n_ops)
    memcpy(out->ops, l->ops, l->n_ops * sizeof *out->ops);
  out->start[0] = 0;
  if (l->n) {
    memcpy(out->start, l->start, (l->n + 1) * sizeof *out->start);
    memcpy(out->cost, l->cost, l->n * sizeof *out->cost);
  }
  out->n = l->n;
  out->n_ops = l->n_ops;
  return PLAN_OK;
}

void plan__lmset_free(plan__lmset *l) {
  if (!l)
    return;
  plan__free(l->ops);
  plan__free(l->start);
  plan__free(l->cost);
  memset(l, 0, sizeof *l);
}

uint32_t plan__relax_eval(plan__relax *r, plan__strips_heuristic h,
                          const uint64_t *state) {
  r->oom = false;
  switch (h) {
  case PLAN__STRIPS_H_BLIND:
    return plan__pddl_goal_reached(r->task, state) ? 0 : 1;
  case PLAN__STRIPS_H_MAX:
  case PLAN__STRIPS_H_ADD:
  case PLAN__STRIPS_H_FF:
    if (!explore(r, state, h != PLAN__STRIPS_H_MAX, r->base_cost, true)) {
      r->oom = true;
      return INF;
    }
    if (h != PLAN__STRIPS_H_FF || r->cost[r->f_goal] == INF)
      return r->cost[r->f_goal];
    return relaxed_plan_cost(r, state);
  case PLAN__STRIPS_H_LMCUT: return lmcut(r, state, &r->oom);
  case PLAN__STRIPS_H_DEFAULT: break;
  }
  return INF;
}

bool plan__relax_oom(const plan__relax *r) {
  return r->oom;
}

const uint32_t *plan__relax_residual(const plan__relax *r) {
  return r->cur;
}

bool plan__relax_preferred(const plan__relax *r, uint32_t action) {
  return action < r->no - 1 && r->mark_o[action] == r->epoch;
}
