/* planner/greedy.c: greedy search, the baseline without search. From the
 * root it expands the current node, moves to its best child (highest
 * rank, ties by smaller id) and never looks back: a dead end ends it
 * (PLAN__STOP_EXHAUSTED), as does the depth limit (PLAN__STOP_DEPTH). It
 * costs one round per step, the least of any algorithm, and fails exactly
 * where the value function is locally misleading. */
#include "planner/planner.h"

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
      if (best == PLAN__NODE_NONE || r > best_rank) {
        best = id;
        best_rank = r;
      }
    }
    if (best == PLAN__NODE_NONE) {
      plan__search_stop_exhausted(s);
      break;
    }
    cur = best;
  }
  return plan__search_status(s);
}
