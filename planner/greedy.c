/* planner/greedy.c: greedy search, the baseline without search. From the
 * root it expands the current node, moves to one child and never looks
 * back: a dead end ends it (PLAN__STOP_EXHAUSTED), as does the depth limit
 * (PLAN__STOP_DEPTH). The child is the best by (rank, prior, smaller id):
 *
 *  - without an evaluator every child ranks as the root, so the prior
 *    decides: greedy takes the proposer's top action (the most often
 *    proposed, ties by smaller id) and never asks for a value. This is
 *    what an LLM agent does with no search at all;
 *  - with an evaluator it is a one-step lookahead on the value function:
 *    the best-valued child, the prior breaking equal values.
 *
 * Either way it costs one round per step, the least of any algorithm. It
 * fails exactly where the proposer (or the value function) is locally
 * misleading. Children already in the tree elsewhere are duplicates, not
 * usable, so the walk never re-enters a state. Unsolved, the result is
 * the end of the walk unless some node ranks above it. */
#include "planner/planner.h"

/* Whether child a beats child b: higher rank, then higher prior, then the
 * smaller id (a < b always holds for the caller's order). */
static bool beats(plan__search *s, plan__node_id a, double rank_a,
                  plan__node_id b, double rank_b) {
  if (rank_a != rank_b)
    return rank_a > rank_b;
  return plan__search_node(s, a)->prior > plan__search_node(s, b)->prior;
}

plan_status plan__greedy_run(plan__search *s) {
  plan__node_id cur = 0;
  while (plan__search_stop_reason(s) == PLAN__STOP_NONE) {
    if (!plan__search_expandable(s, cur)) {
      plan__search_stop_exhausted(s);
      break;
    }
    plan__node_id first = (plan__node_id)plan__search_node_count(s);
    plan__search_expand(s, &cur, 1);
    if (plan__search_stop_reason(s) != PLAN__STOP_NONE)
      break;
    plan__node_id best = PLAN__NODE_NONE;
    double best_rank = 0;
    plan__node_id end = (plan__node_id)plan__search_node_count(s);
    for (plan__node_id id = first; id < end; id++) {
      if (!plan__search_usable(s, id))
        continue;
      double r = plan__search_rank(s, id);
      if (best == PLAN__NODE_NONE || beats(s, id, r, best, best_rank)) {
        best = id;
        best_rank = r;
      }
    }
    if (best == PLAN__NODE_NONE) {
      plan__search_stop_exhausted(s);
      break;
    }
    cur = best;
    plan__search_set_result_hint(s, cur);
  }
  return plan__search_status(s);
}
