/* planner/dfs.c: pruned depth-first search, Tree of Thoughts' crosswords
 * search. At each state it expands the node (one round: its proposals,
 * then its children's states and values in one batch), sorts the usable
 * children by rank (highest first, ties by smaller id), tries at most
 * dfs_max_children of them in that order, and backtracks when they are
 * used up. Children pruned in the round (an evaluator's "impossible"
 * verdict, a value below prune_below, an inapplicable action) and
 * duplicates of states seen before are never entered. ToT's 100-state
 * limit is max_expansions (PLAN__STOP_ITERATIONS). The stack holds ids,
 * so backtracking restores nothing: every node keeps its own state. */
#include "planner/planner.h"

typedef struct frame {
  plan__node_id id;
  size_t off; /* its children in kids[off, off + n) */
  size_t n;
  size_t next; /* the next child to try */
  bool expanded;
} frame;

typedef struct dfs {
  frame *f;
  size_t nf, cap_f;
  plan__node_id *kids; /* the children lists of the frames, stacked */
  size_t nk, cap_k;
} dfs;

static plan_status push(dfs *d, plan__node_id id) {
  if (plan__grow((void **)&d->f, &d->cap_f, d->nf + 1, sizeof *d->f) != PLAN_OK)
    return PLAN_ENOMEM;
  frame fr = {id, d->nk, 0, 0, false};
  d->f[d->nf++] = fr;
  return PLAN_OK;
}

/* Expands the top frame's node and lists the children to try. */
static plan_status open_frame(plan__search *s, dfs *d) {
  frame *top = &d->f[d->nf - 1];
  top->expanded = true;
  plan__node_id id = top->id;
  plan__search_expand(s, &id, 1);
  if (plan__search_stop_reason(s) != PLAN__STOP_NONE)
    return PLAN_OK;
  const plan__node *n = plan__search_node(s, id);
  if (plan__grow((void **)&d->kids, &d->cap_k, d->nk + n->n_children + 1,
                 sizeof *d->kids) != PLAN_OK)
    return PLAN_ENOMEM;
  size_t off = d->nk, cnt = 0;
  for (plan__node_id c = n->first_child; c != PLAN__NODE_NONE;
       c = plan__search_node(s, c)->next_sibling)
    if (plan__search_usable(s, c))
      d->kids[off + cnt++] = c;
  if (plan__search_sort_by_rank(s, d->kids + off, cnt) != PLAN_OK)
    return PLAN_ENOMEM;
  uint32_t cap = plan__search_opts(s)->dfs_max_children;
  top = &d->f[d->nf - 1];
  top->off = off;
  top->n = cnt < cap ? cnt : cap;
  d->nk = off + top->n;
  return PLAN_OK;
}

plan_status plan__dfs_run(plan__search *s) {
  dfs d = {NULL, 0, 0, NULL, 0, 0};
  if (push(&d, 0) != PLAN_OK)
    goto oom;
  while (d.nf && plan__search_stop_reason(s) == PLAN__STOP_NONE) {
    frame *top = &d.f[d.nf - 1];
    if (!top->expanded) {
      if (!plan__search_expandable(s, top->id)) {
        d.nk = top->off;
        d.nf--;
        continue;
      }
      if (open_frame(s, &d) != PLAN_OK)
        goto oom;
      continue;
    }
    if (top->next < top->n) {
      plan__node_id c = d.kids[top->off + top->next++];
      if (plan__search_expandable(s, c) && push(&d, c) != PLAN_OK)
        goto oom;
      continue;
    }
    d.nk = top->off; /* backtrack */
    d.nf--;
  }
  if (plan__search_stop_reason(s) == PLAN__STOP_NONE)
    plan__search_stop_exhausted(s);
  plan__free(d.f);
  plan__free(d.kids);
  return plan__search_status(s);

oom:
  plan__free(d.f);
  plan__free(d.kids);
  plan__search_set_error(s, PLAN_ENOMEM, "dfs: out of memory");
  return plan__search_status(s);
}
