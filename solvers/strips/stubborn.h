/* solvers/strips/stubborn.h: strong stubborn sets, the partial-order
 * reduction of the STRIPS search (stubborn.c). Internal to solvers/strips.
 */
#ifndef PLAN_SOLVERS_STRIPS_STUBBORN_H
#define PLAN_SOLVERS_STRIPS_STUBBORN_H

#include "worldmodel/pddl/pddl.h"

typedef struct plan__sss plan__sss;

/* Indexes task (borrowed; it must outlive the result). Free with
 * plan__sss_free. PLAN_ENOMEM on failure. */
plan_status plan__sss_create(const plan__pddl_task *task, plan__sss **out);
void plan__sss_free(plan__sss *s);
/* Writes the actions to expand in state (the applicable actions of a
 * strong stubborn set, in increasing id order) into out, which has room
 * for task->n_actions ids; returns their number. */
size_t plan__sss_expand(plan__sss *s, const uint64_t *state, uint32_t *out);

#endif /* PLAN_SOLVERS_STRIPS_STUBBORN_H */
