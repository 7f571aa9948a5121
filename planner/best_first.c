/* planner/best_first.c: best-first search (Koh et al.'s "vf" search, with
 * the batching they lack). The frontier is a binary max-heap on
 *   priority = rank - path_cost_weight * depth
 * with ties broken by the smaller node id. Each round pops up to `batch`
 * expandable nodes and expands them together, so the proposals of all of
 * them go to the scheduler in one batch and all their children's values in
 * the next: the popped nodes are out of the heap while their round runs,
 * which is the virtual loss that keeps one round from choosing the same
 * node twice. A goal ends the search; an empty frontier ends it with
 * PLAN__STOP_EXHAUSTED (or PLAN__STOP_DEPTH when the depth limit cut
 * branches). */
#include "planner/planner.h"

typedef struct item {
  double prio;
  plan__node_id id;
} item;

typedef struct heap {
  item *a;
  size_t n, cap;
} heap;

/* a comes out before b. */
static bool before(const item *a, const item *b) {
  return a->prio > b->prio || (a->prio == b->prio && a->id < b->id);
}

static plan_status heap_push(heap *h, item it) {
  plan_status st = plan__grow((void **)&h->a, &h->cap, h->n + 1, sizeof *h->a);
  if (st != PLAN_OK)
    return st;
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!before(&it, &h->a[p]))
      break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i] = it;
  return PLAN_OK;
}

static item heap_pop(heap *h) {
  item top = h->a[0];
  item last = h->a[--h->n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    const item *best = &last;
    if (l < h->n && before(&h->a[l], best)) {
      m = l;
      best = &h->a[l];
    }
    if (r < h->n && before(&h->a[r], best))
      m = r;
    if (m == i)
      break;
    h->a[i] = h->a[m];
    i = m;
  }
  if (h->n)
    h->a[i] = last;
  return top;
}

static plan_status push_node(plan__search *s, heap *h, plan__node_id id) {
  const plan__node *n = plan__search_node(s, id);
  item it = {plan__search_rank(s, id) -
                 plan__search_opts(s)->path_cost_weight * (double)n->depth,
             id};
  return heap_push(h, it);
}

plan_status plan__best_first_run(plan__search *s) {
  uint32_t batch = plan__search_opts(s)->batch;
  heap h = {NULL, 0, 0};
  plan__node_id *popped = plan__calloc(batch, sizeof *popped);
  if (!popped || push_node(s, &h, 0) != PLAN_OK)
    goto oom;
  while (plan__search_stop_reason(s) == PLAN__STOP_NONE) {
    size_t n = 0;
    while (n < batch && h.n) {
      item it = heap_pop(&h);
      /* Re-checked: a node can become a duplicate while it waits. */
      if (plan__search_expandable(s, it.id))
        popped[n++] = it.id;
    }
    if (!n) {
      plan__search_stop_exhausted(s);
      break;
    }
    plan__node_id first = (plan__node_id)plan__search_node_count(s);
    plan__search_expand(s, popped, n);
    if (plan__search_stop_reason(s) != PLAN__STOP_NONE)
      break;
    plan__node_id end = (plan__node_id)plan__search_node_count(s);
    for (plan__node_id id = first; id < end; id++)
      if (plan__search_expandable(s, id) && push_node(s, &h, id) != PLAN_OK)
        goto oom;
  }
  plan__free(h.a);
  plan__free(popped);
  return plan__search_status(s);

oom:
  plan__free(h.a);
  plan__free(popped);
  plan__search_set_error(s, PLAN_ENOMEM, "best-first: out of memory");
  return plan__search_status(s);
}
