/* planner/beam.c: beam search, Tree of Thoughts' BFS (b = beam_width).
 * One round per level expands the whole beam at once: all proposals in
 * one batch, then all simulations, then all value samples of the level's
 * children. The next beam is the beam_width best usable children (highest
 * rank, ties by smaller id); duplicates of states seen before are merged
 * away by the transposition table, which replaces ToT's "duplicates get
 * value 0". The depth limit is max_depth (ToT's `steps`). */
#include "planner/planner.h"

plan_status plan__beam_run(plan__search *s) {
  uint32_t width = plan__search_opts(s)->beam_width;
  plan__node_id *beam = plan__calloc(width, sizeof *beam);
  plan__node_id *cands = NULL;
  size_t cap_c = 0;
  if (!beam)
    goto oom;
  size_t nb = 1;
  beam[0] = 0;
  while (plan__search_stop_reason(s) == PLAN__STOP_NONE) {
    size_t n = 0;
    for (size_t i = 0; i < nb; i++)
      if (plan__search_expandable(s, beam[i]))
        beam[n++] = beam[i];
    if (!n) {
      plan__search_stop_exhausted(s);
      break;
    }
    plan__node_id first = (plan__node_id)plan__search_node_count(s);
    plan__search_expand(s, beam, n);
    if (plan__search_stop_reason(s) != PLAN__STOP_NONE)
      break;
    plan__node_id end = (plan__node_id)plan__search_node_count(s);
    if (plan__grow((void **)&cands, &cap_c, (size_t)(end - first) + 1,
                   sizeof *cands) != PLAN_OK)
      goto oom;
    size_t m = 0;
    for (plan__node_id id = first; id < end; id++)
      if (plan__search_usable(s, id))
        cands[m++] = id;
    if (plan__search_sort_by_rank(s, cands, m) != PLAN_OK)
      goto oom;
    nb = m < width ? m : width;
    for (size_t i = 0; i < nb; i++)
      beam[i] = cands[i];
  }
  plan__free(beam);
  plan__free(cands);
  return plan__search_status(s);

oom:
  plan__free(beam);
  plan__free(cands);
  plan__search_set_error(s, PLAN_ENOMEM, "beam: out of memory");
  return plan__search_status(s);
}
