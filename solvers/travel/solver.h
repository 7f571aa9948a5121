/* solvers/travel/solver.h: the exact TravelPlanner solver, the C half of
 * the solver bridge. Given a structured query (solvers/travel/query.h) and
 * a database (solvers/travel/db.h: a folder or one query's reference
 * information) it either returns a plan in the benchmark's submission
 * format that passes the evaluator (solvers/travel/eval.h) in both modes,
 * at the lowest total cost (or, with `first`, the first plan found within
 * budget), or a list of conflicts that says why no plan exists in terms a
 * user can act on ("budget short by $312 at the cheapest plan").
 *
 * The search is a depth-first branch and bound over city sequences and
 * travel days, with per-city lower bounds (cheapest eligible room for the
 * nights, cheapest distinct meals) and exact per-leg transport choices;
 * cuisine coverage is solved exactly with a small set-cover DP per city.
 * docs/travel-solver.md describes the model, the bounds and the figures.
 * Internal (not installed).
 *
 * Thread safety: a solve uses the database handle (flight lookups extend
 * its cache), so one database must not be solved on by two threads at once.
 */
#ifndef PLAN_SOLVERS_TRAVEL_SOLVER_H
#define PLAN_SOLVERS_TRAVEL_SOLVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "solvers/travel/db.h"
#include "solvers/travel/query.h"

/* ======================================================================
 * Conflicts: why no plan exists
 * ====================================================================== */

/* Which requirement a conflict is about. The names (plan__travel_conflict_
 * kind_name) are the "constraint" field of the JSON form. */
typedef enum plan__travel_conflict_kind {
  PLAN__TRAVEL_CONFLICT_BUDGET = 0,    /* "budget": amount = USD short */
  PLAN__TRAVEL_CONFLICT_TRANSPORT,     /* "transportation": a leg */
  PLAN__TRAVEL_CONFLICT_ACCOMMODATION, /* "accommodation": none listed */
  PLAN__TRAVEL_CONFLICT_ROOM_TYPE,     /* "room type" */
  PLAN__TRAVEL_CONFLICT_HOUSE_RULE,    /* "house rule" */
  PLAN__TRAVEL_CONFLICT_MIN_NIGHTS,    /* "minimum nights": amount nights */
  PLAN__TRAVEL_CONFLICT_ATTRACTIONS,   /* "attractions": amount missing */
  PLAN__TRAVEL_CONFLICT_RESTAURANTS,   /* "restaurants": amount missing */
  PLAN__TRAVEL_CONFLICT_CUISINE,       /* "cuisine" */
  PLAN__TRAVEL_CONFLICT_DESTINATION,   /* "destination": too few cities */
  PLAN__TRAVEL_CONFLICT_ROUTE          /* "route": no combination works */
} plan__travel_conflict_kind;

#define PLAN__TRAVEL_N_CONFLICT_KINDS 11

/* "budget", "transportation", "room type", ... Static; never NULL. */
const char *plan__travel_conflict_kind_name(plan__travel_conflict_kind k);

typedef struct plan__travel_conflict {
  plan__travel_conflict_kind kind;
  char place[128];   /* "Rockford", "St. Petersburg -> Rockford on
                      * 2022-03-16", "total" */
  double amount;     /* USD short, nights or items missing; 0: none */
  char unit[8];      /* "USD", "nights", "items" or "" */
  char message[320]; /* one sentence a user can act on */
} plan__travel_conflict;

/* ======================================================================
 * Solving
 * ====================================================================== */

#define PLAN__TRAVEL_SOLVE_OPTIONS_VERSION 1

typedef struct plan__travel_solve_options {
  unsigned version;
  /* Stop at the first plan whose cost is within budget instead of the
   * cheapest one. */
  bool first;
  /* Hard cap on search nodes (city/day choices tried); 0: 20 million.
   * Hitting it returns PLAN_EBUDGET. */
  uint64_t max_nodes;
  /* Do not cut subtrees by their lower bound (every city and day choice
   * is costed). Slower; the result must be the same: tests use it to check
   * that the bound is admissible. */
  bool no_bound;
} plan__travel_solve_options;

void plan__travel_solve_options_init(plan__travel_solve_options *o,
                                     unsigned version);

/* Counters of one solve (for the benchmark and the docs). */
typedef struct plan__travel_solve_stats {
  uint64_t nodes;    /* (city, days) choices expanded */
  uint64_t leaves;   /* complete itineraries costed */
  uint64_t pruned;   /* subtrees cut by the lower bound */
  uint64_t legs;     /* (origin, destination, date) legs looked up */
  size_t candidates; /* destination cities considered */
} plan__travel_solve_stats;

typedef struct plan__travel_solution {
  /* A plan within budget was found: plan is set and passes the evaluator
   * in both modes. */
  bool found;
  /* The plan: a new JSON array of `days` day objects in the submission
   * format (days, current_city, transportation, breakfast, attraction,
   * lunch, dinner, accommodation). NULL when not found. */
  json_t *plan;
  double total_cost; /* of plan, as the evaluator computes it */
  /* The cheapest plan's cost ignoring the budget; -1 when no plan exists
   * even with unlimited budget (with `first`, the cost of the plan found,
   * or the cheapest one when none is within budget). */
  double min_cost;
  /* Cost breakdown of the returned (or cheapest) itinerary. */
  double cost_transport, cost_accommodation, cost_meals;
  plan__travel_conflict *conflicts; /* when !found; owned */
  size_t n_conflicts;
  plan__travel_solve_stats stats;
} plan__travel_solution;

/* Zeroes a solution before first use. */
void plan__travel_solution_init(plan__travel_solution *s);
/* Frees every member and re-initialises *s. NULL does nothing. */
void plan__travel_solution_clear(plan__travel_solution *s);

/* Solves q on db. db is borrowed (non-const: flight lookups extend its
 * cache); q is borrowed. opts NULL: the defaults. On PLAN_OK *out holds
 * either a plan (found) or the conflicts (not found); both are ordinary
 * outcomes. Errors: PLAN_EINVAL (NULL arguments, a query whose org is not
 * in db), PLAN_EBUDGET (node cap reached; message in err), PLAN_ENOMEM.
 * *out is initialised by the call and must be cleared by the caller with
 * plan__travel_solution_clear in every case. */
plan_status plan__travel_solve(plan__travel_db *db, const plan__travel_query *q,
                               const plan__travel_solve_options *opts,
                               plan__travel_solution *out, plan_error *err);

/* ======================================================================
 * Output
 * ====================================================================== */

/* The conflicts as a new JSON array of {"constraint", "place", "amount",
 * "unit", "message"} objects (amount and unit omitted when zero/empty).
 * NULL on ENOMEM. */
json_t *plan__travel_conflicts_to_json(const plan__travel_conflict *c,
                                       size_t n);

/* One submission line as a new JSON object: {"idx": q->idx, "query":
 * q->nl_query or "", "plan": plan or null}. plan is borrowed (its
 * reference count is increased). NULL on ENOMEM. */
json_t *plan__travel_submission(const plan__travel_query *q,
                                const json_t *plan);

/* Appends a readable day-by-day summary of plan (borrowed) to b:
 *   Day 1  from St. Petersburg to Rockford
 *     travel     Flight Number: F3573659, ...
 *     dinner     Coco Bambu, Rockford
 *     stay       Pure luxury one bdrm ..., Rockford
 * Returns the buffer's status. */
plan_status plan__travel_plan_summary(const json_t *plan, plan__buf *b);

#endif /* PLAN_SOLVERS_TRAVEL_SOLVER_H */
