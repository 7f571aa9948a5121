/* planner/mcts.c: Monte Carlo tree search with the value function as the
 * leaf evaluation (no rollouts), in batched rounds.
 *
 * Selection walks down from the root by
 *   score(c) = Q(c) + mcts_c * prior(c) * sqrt(N(parent)) / (1 + N(c))
 * (UCT with the proposer's prior, PUCT as in AlphaZero), where Q(c) is the
 * mean backed-up value once c has visits and, before that, c's own rank:
 * the evaluator scored every child when it was created (RAP's
 * uct_with_fast_reward), and prior(c) is c's share of the proposals. Ties
 * break by the smaller id, so no random numbers are needed.
 *
 * Expansion and evaluation: the selected leaf is expanded in a round; its
 * value is the best rank among its new usable children (a one-step
 * lookahead with the value function; 0 for a dead end), backed up along
 * the path (visits + 1, value_sum + v at every ancestor).
 *
 * Batching with virtual loss: a round makes up to `batch` selections.
 * Each adds a visit to its path at once but its value only after the
 * round, which lowers the path's Q for the following selections (the
 * virtual loss), and a selected leaf is not selected again in the same
 * round; so one round expands several different leaves and the LLM
 * batches stay full. Each selection is an iteration (mcts_iterations,
 * PLAN__STOP_ITERATIONS).
 *
 * A node is CLOSED when nothing below it can be expanded (a dead end, the
 * depth limit, every child closed); selection skips closed children, and
 * a closed root ends the search. A goal reached by an expansion ends it. */
#include <math.h>
#include <string.h>

#include "planner/planner.h"

#define MARK_PENDING 1u /* selected in this round */
#define MARK_BLOCKED 2u /* every child closed or marked, in this round */

typedef struct mcts {
  uint8_t *mark; /* per node id, zero between rounds */
  size_t cap_mark;
  plan__node_id *marked; /* ids with a mark, to clear them */
  size_t n_marked, cap_marked;
  plan__node_id *leaves;
  size_t n_leaves;
} mcts;

static plan_status set_mark(mcts *m, plan__node_id id, uint8_t v) {
  if (plan__grow((void **)&m->marked, &m->cap_marked, m->n_marked + 1,
                 sizeof *m->marked) != PLAN_OK)
    return PLAN_ENOMEM;
  m->marked[m->n_marked++] = id;
  m->mark[id] = v;
  return PLAN_OK;
}

static void clear_marks(mcts *m) {
  for (size_t i = 0; i < m->n_marked; i++)
    m->mark[m->marked[i]] = 0;
  m->n_marked = 0;
}

/* Grows mark[] to cover every node (new entries zero). */
static plan_status cover(plan__search *s, mcts *m) {
  size_t n = plan__search_node_count(s);
  size_t old = m->cap_mark;
  if (plan__grow((void **)&m->mark, &m->cap_mark, n, 1) != PLAN_OK)
    return PLAN_ENOMEM;
  if (m->cap_mark > old)
    memset(m->mark + old, 0, m->cap_mark - old);
  return PLAN_OK;
}

static double score(plan__search *s, const plan__node *parent,
                    plan__node_id cid) {
  const plan__node *c = plan__search_node(s, cid);
  double q =
      c->visits ? c->value_sum / (double)c->visits : plan__search_rank(s, cid);
  double u = plan__search_opts(s)->mcts_c * c->prior *
             sqrt((double)parent->visits) / (1.0 + (double)c->visits);
  return q + u;
}

/* One selection: the leaf to expand, or PLAN__NODE_NONE when every open
 * leaf is already selected in this round. A node whose children are all
 * closed or marked is blocked for the round and the walk starts again;
 * each restart blocks one more node, so this ends. */
static plan_status select_leaf(plan__search *s, mcts *m, plan__node_id *out) {
  *out = PLAN__NODE_NONE;
  for (;;) {
    plan__node_id id = 0;
    if (m->mark[0] || (plan__search_node(s, 0)->flags & PLAN__NODE_CLOSED))
      return PLAN_OK;
    for (;;) {
      const plan__node *n = plan__search_node(s, id);
      if (!(n->flags & PLAN__NODE_EXPANDED)) {
        if (plan__search_expandable(s, id)) {
          *out = id;
          return PLAN_OK;
        }
        /* Only an unexpandable root gets here (children that cannot be
         * expanded are closed when they are created). */
        plan__search_node(s, id)->flags |= PLAN__NODE_CLOSED;
        break;
      }
      plan__node_id best = PLAN__NODE_NONE;
      double best_score = 0;
      for (plan__node_id c = n->first_child; c != PLAN__NODE_NONE;
           c = plan__search_node(s, c)->next_sibling) {
        if (!plan__search_usable(s, c) || m->mark[c] ||
            (plan__search_node(s, c)->flags & PLAN__NODE_CLOSED))
          continue;
        double sc = score(s, n, c);
        if (best == PLAN__NODE_NONE || sc > best_score) {
          best = c;
          best_score = sc;
        }
      }
      if (best == PLAN__NODE_NONE) {
        if (set_mark(m, id, MARK_BLOCKED) != PLAN_OK)
          return PLAN_ENOMEM;
        break; /* restart from the root */
      }
      id = best;
    }
  }
}

static bool has_open_child(plan__search *s, plan__node_id id) {
  for (plan__node_id c = plan__search_node(s, id)->first_child;
       c != PLAN__NODE_NONE; c = plan__search_node(s, c)->next_sibling)
    if (plan__search_usable(s, c) &&
        !(plan__search_node(s, c)->flags & PLAN__NODE_CLOSED))
      return true;
  return false;
}

/* After a leaf's round: close the children that cannot be expanded, back
 * up the leaf's value and close what has nothing open below it. */
static void backup(plan__search *s, plan__node_id leaf) {
  plan__node *l = plan__search_node(s, leaf);
  double v = 0.0;
  bool any = false;
  for (plan__node_id c = l->first_child; c != PLAN__NODE_NONE;
       c = plan__search_node(s, c)->next_sibling) {
    if (!plan__search_usable(s, c))
      continue;
    if (!plan__search_expandable(s, c))
      plan__search_node(s, c)->flags |= PLAN__NODE_CLOSED;
    double r = plan__search_rank(s, c);
    if (!any || r > v)
      v = r;
    any = true;
  }
  for (plan__node_id x = leaf; x != PLAN__NODE_NONE;
       x = plan__search_node(s, x)->parent)
    plan__search_node(s, x)->value_sum += v;
  for (plan__node_id x = leaf; x != PLAN__NODE_NONE;
       x = plan__search_node(s, x)->parent) {
    if (has_open_child(s, x))
      break;
    plan__search_node(s, x)->flags |= PLAN__NODE_CLOSED;
  }
}

static void add_visits(plan__search *s, plan__node_id leaf, int delta) {
  for (plan__node_id x = leaf; x != PLAN__NODE_NONE;
       x = plan__search_node(s, x)->parent) {
    plan__node *n = plan__search_node(s, x);
    n->visits = (uint32_t)((int64_t)n->visits + delta);
  }
}

plan_status plan__mcts_run(plan__search *s) {
  const plan__search_options *o = plan__search_opts(s);
  mcts m;
  memset(&m, 0, sizeof m);
  uint64_t iterations = 0;
  m.leaves = plan__calloc(o->batch, sizeof *m.leaves);
  if (!m.leaves)
    goto oom;
  while (plan__search_stop_reason(s) == PLAN__STOP_NONE) {
    if (iterations >= o->mcts_iterations) {
      plan__search_stop(s, PLAN__STOP_ITERATIONS);
      break;
    }
    if (cover(s, &m) != PLAN_OK)
      goto oom;
    uint64_t want = o->mcts_iterations - iterations;
    if (want > o->batch)
      want = o->batch;
    m.n_leaves = 0;
    while (m.n_leaves < want) {
      plan__node_id leaf;
      if (select_leaf(s, &m, &leaf) != PLAN_OK)
        goto oom;
      if (leaf == PLAN__NODE_NONE)
        break;
      if (set_mark(&m, leaf, MARK_PENDING) != PLAN_OK)
        goto oom;
      add_visits(s, leaf, +1); /* the virtual loss */
      m.leaves[m.n_leaves++] = leaf;
    }
    clear_marks(&m);
    if (!m.n_leaves) {
      plan__search_stop_exhausted(s);
      break;
    }
    iterations += m.n_leaves;
    plan__search_expand(s, m.leaves, m.n_leaves);
    for (size_t i = 0; i < m.n_leaves; i++) {
      plan__node_id leaf = m.leaves[i];
      if (plan__search_node(s, leaf)->flags & PLAN__NODE_EXPANDED)
        backup(s, leaf);
      else
        add_visits(s, leaf, -1); /* the round stopped before it */
    }
  }
  plan__free(m.mark);
  plan__free(m.marked);
  plan__free(m.leaves);
  return plan__search_status(s);

oom:
  plan__free(m.mark);
  plan__free(m.marked);
  plan__free(m.leaves);
  plan__search_set_error(s, PLAN_ENOMEM, "mcts: out of memory");
  return plan__search_status(s);
}
