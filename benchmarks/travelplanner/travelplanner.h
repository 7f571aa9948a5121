/* benchmarks/travelplanner/travelplanner.h: the TravelPlanner evaluation
 * harness behind `plan eval travel` (submission files, per-query verdicts,
 * the metrics table) and the query generator that follows upstream's
 * query_element_selection.py and budget_estimation.py (research notes
 * section 8.3; docs/travel-eval.md and docs/travel-data.md). Library code,
 * internal; the evaluator itself is solvers/travel/eval.h.
 */
#ifndef PLAN_BENCHMARKS_TRAVELPLANNER_H
#define PLAN_BENCHMARKS_TRAVELPLANNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "solvers/travel/db.h"
#include "solvers/travel/eval.h"
#include "solvers/travel/query.h"

/* ======================================================================
 * Submissions and reports
 * ====================================================================== */

/* Reads a submission JSONL file ({"idx", "query", "plan"} per line; blank
 * lines skipped) into *out, a new JSON array of the lines' "plan" values
 * (null where a line has none). Lines pair with queries by position, as
 * upstream's eval.py does. Errors name the file and line (PLAN_EPARSE for
 * bad JSON or a line that is not an object). */
plan_status plan__tp_load_plans(const char *path, json_t **out,
                                plan_error *err);

typedef struct plan__tp_report {
  plan__travel_eval_mode mode;
  plan__travel_metrics metrics;
  plan__travel_rates rates;
  json_t *details; /* array: one object per query (owned) */
  size_t missing;  /* queries with no submission line */
} plan__tp_report;

/* Evaluates plans[i] (a JSON array as plan__tp_load_plans returns; shorter
 * arrays leave the rest undelivered and counted in report->missing) against
 * qs[i] for every query. The database is db, or, where refs is non-NULL
 * and refs[i] is an object, a database built from that query's reference
 * information (the sole-planning setting). split, if non-NULL, selects
 * eval.py's hard-coded denominators ("train", "validation", "test").
 * Fills *out (free with plan__tp_report_free). Errors: PLAN_EINVAL (an
 * unknown split, more plans than queries, a bad reference information,
 * with err naming the query), PLAN_ENOMEM. */
plan_status plan__tp_evaluate(plan__travel_db *db, const json_t *refs,
                              plan__travel_query *const *qs, size_t n,
                              const json_t *plans, plan__travel_eval_mode mode,
                              const char *split, plan__tp_report *out,
                              plan_error *err);
void plan__tp_report_free(plan__tp_report *r);

/* Appends the metrics table (the six rates with their counts, then the
 * pass/fail counts of each constraint under the paper's names). */
plan_status plan__tp_format_table(const plan__tp_report *r, plan__buf *b);
/* The report as a new JSON object: {"mode", "queries", "metrics":
 * {"delivery_rate", ..., "final_pass_rate"}, "counts": {...},
 * "constraints": {key: {"pass", "fail"}}, "details": [...]}; with
 * include_details false the "details" member is left out. NULL on ENOMEM. */
json_t *plan__tp_report_json(const plan__tp_report *r, bool include_details);

/* ======================================================================
 * Query generator
 * ====================================================================== */

#define PLAN__TRAVEL_GEN_OPTIONS_VERSION 1

typedef struct plan__travel_gen_options {
  unsigned version;
  /* Levels to draw from ("easy", "medium", "hard"; NULL entries end the
   * list early); all three, in turn, when levels[0] is NULL. */
  const char *levels[3];
  /* Trip lengths to draw from (3, 5, 7; 0 ends the list); all when 0. */
  int days[3];
  /* Draws tried per query before giving up (0: 1000). */
  unsigned max_attempts;
  /* Optional final filter (for example: the solver finds a plan). A query
   * it rejects is redrawn. ud is passed through. */
  bool (*accept)(const plan__travel_query *q, void *ud);
  void *accept_ud;
} plan__travel_gen_options;

void plan__travel_gen_options_init(plan__travel_gen_options *o,
                                   unsigned version);

/* Generates n distinct structured queries from db with a seeded PRNG, the
 * way upstream drew the benchmark's queries: days, consecutive March 2022
 * dates, org and dest (3 days: a city in another state; 5/7 days: a state
 * other than org's with more than 3 cities), people (easy 1; else 2 with
 * probability 1/2, otherwise 3..8), local constraints per level (medium:
 * one of house rule / cuisine (2) / room type; hard: three of house rule,
 * cuisine (4), room type, transportation drawn with weights 0.3, 0.1, 0.3,
 * 0.3), and the budget formula of budget_estimation.py with its rejection
 * rules (no flights, too few hotels or restaurants after the filters, "no
 * flight" only over <= 800 miles with 2+ flights on day 1, ...). Levels and
 * days cycle through the options' lists so the mix is even. "query" holds
 * a template sentence and "idx" the 1-based index. The same (db, n, seed,
 * options) always gives the same queries. db is non-const because flights
 * are generated lazily. *out is a new array of n queries (free with
 * plan__travel_queries_free). PLAN_ENOTFOUND when max_attempts draws in a
 * row fail (err says why), PLAN_EINVAL, PLAN_ENOMEM. */
plan_status plan__travel_gen_queries(plan__travel_db *db, size_t n,
                                     uint64_t seed,
                                     const plan__travel_gen_options *opts,
                                     plan__travel_query ***out,
                                     plan_error *err);

/* The budget upstream's formula gives a query (its org, dest, days, dates,
 * people, level and, for "hard", local constraints), or -1 with *why set
 * when budget_estimation.py would reject the draw. Exposed for tests. */
double plan__travel_gen_budget(plan__travel_db *db, const plan__travel_query *q,
                               const char **why);

#endif /* PLAN_BENCHMARKS_TRAVELPLANNER_H */
