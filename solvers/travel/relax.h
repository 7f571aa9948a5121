/* solvers/travel/relax.h: relaxations for infeasible travel queries. From
 * the solver's conflicts it derives candidate changes to the query (raise
 * the budget to the cheapest plan's cost, drop the room type, the house
 * rule, the transport restriction or an unavailable cuisine, shift the
 * dates, go to another city of the same state, visit one city fewer),
 * solves each relaxed query, and keeps those that have a plan, smallest
 * first. The model can optionally re-rank them for the user's request
 * (plan__travel_relax_rank_llm). Internal (not installed).
 *
 * Size of a relaxation (the default order, smallest first): raising the
 * budget costs its increase in tenths of the budget (10% = 1.0); dropping a
 * constraint or a cuisine 1.0; shifting the dates by one day 0.8, by two
 * 1.2; another destination city or one city fewer 1.5. A candidate that is
 * feasible but over budget gets the budget raise added (two changes).
 */
#ifndef PLAN_SOLVERS_TRAVEL_RELAX_H
#define PLAN_SOLVERS_TRAVEL_RELAX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "solvers/travel/db.h"
#include "solvers/travel/query.h"
#include "solvers/travel/solver.h"

typedef struct plan__travel_relaxation {
  plan__travel_query *query; /* the relaxed query (owned) */
  char change[320];          /* "raise the budget from $1600 to $1962" */
  int n_changes;             /* 1 or 2 */
  double size;               /* the order key above; smaller is better */
  double budget_increase;    /* USD, 0 if the budget is unchanged */
  double cost;               /* the relaxed query's cheapest plan */
} plan__travel_relaxation;

/* Proposes relaxations of q (borrowed) given its failed solution sol
 * (borrowed: its conflicts and min_cost). Every proposal has a plan
 * within its (possibly raised) budget. *out is a new array of *n, sorted
 * by size (ties: by cost, then generation order); free it with
 * plan__travel_relaxations_free. *n may be 0 (nothing found). Errors:
 * PLAN_EINVAL, PLAN_ENOMEM, PLAN_EBUDGET from a solve. */
plan_status plan__travel_relax_propose(plan__travel_db *db,
                                       const plan__travel_query *q,
                                       const plan__travel_solution *sol,
                                       plan__travel_relaxation **out, size_t *n,
                                       plan_error *err);

void plan__travel_relaxations_free(plan__travel_relaxation *r, size_t n);

/* Asks the model behind sched (borrowed) which relaxation suits the
 * user's request best and reorders r accordingly: the prompt lists the
 * request and the numbered changes; the reply is a JSON object
 * {"order": [3, 1, 2]} (1-based; unlisted ones keep their order after the
 * listed ones). model may be NULL. A reply that cannot be parsed leaves r
 * unchanged and returns PLAN_EPARSE with the reason in err; a failed call
 * returns its status. */
plan_status plan__travel_relax_rank_llm(plan_scheduler *sched,
                                        const char *model,
                                        const plan__travel_query *q,
                                        plan__travel_relaxation *r, size_t n,
                                        plan_error *err);

#endif /* PLAN_SOLVERS_TRAVEL_RELAX_H */
