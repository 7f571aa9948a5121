/* solvers/travel/eval.h: the TravelPlanner evaluator: the 8 commonsense and
 * 5 hard constraints, the total cost, and the benchmark's metrics (delivery
 * rate, commonsense and hard micro/macro pass rates, final pass rate).
 * Internal (not installed). docs/travel-eval.md describes every check.
 *
 * Two modes:
 *   - official: reproduces the upstream checks (OSU-NLP-Group/TravelPlanner
 *     evaluation/ scripts) with their quirks, so our verdicts and scores equal
 *     theirs. Where upstream would raise an exception (unparseable "from A
 *     to B", a missing key, a "Flight Number" with other capitalisation, a
 *     duplicated cuisine), the check fails with a message saying so.
 *   - strict: checks what the constraints mean (exact names, flight dates,
 *     stay-day cities, every attraction, every meal for cuisines, ...).
 *
 * A plan is the submission's "plan" value: a JSON array of day objects
 * (days, current_city, transportation, breakfast, attraction, lunch,
 * dinner, accommodation), or null / [] for "not delivered". Only the first
 * min(days, len(plan)) entries are evaluated.
 */
#ifndef PLAN_SOLVERS_TRAVEL_EVAL_H
#define PLAN_SOLVERS_TRAVEL_EVAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "solvers/travel/db.h"
#include "solvers/travel/query.h"

typedef enum plan__travel_eval_mode {
  PLAN__TRAVEL_EVAL_OFFICIAL = 0,
  PLAN__TRAVEL_EVAL_STRICT
} plan__travel_eval_mode;

/* "official" / "strict"; parse returns false for anything else. */
const char *plan__travel_eval_mode_name(plan__travel_eval_mode m);
bool plan__travel_eval_mode_parse(const char *s, plan__travel_eval_mode *out);

/* The 13 checks, commonsense first, in upstream's evaluation order. */
typedef enum plan__travel_check {
  PLAN__TRAVEL_CS_CITY_ROUTE = 0,   /* is_reasonable_visiting_city */
  PLAN__TRAVEL_CS_RESTAURANTS,      /* is_valid_restaurants */
  PLAN__TRAVEL_CS_ATTRACTIONS,      /* is_valid_attractions */
  PLAN__TRAVEL_CS_ACCOMMODATION,    /* is_valid_accommodation */
  PLAN__TRAVEL_CS_TRANSPORTATION,   /* is_valid_transportation */
  PLAN__TRAVEL_CS_CURRENT_CITY,     /* is_valid_information_in_current_city */
  PLAN__TRAVEL_CS_SANDBOX,          /* is_valid_information_in_sandbox */
  PLAN__TRAVEL_CS_NOT_ABSENT,       /* is_not_absent */
  PLAN__TRAVEL_HARD_CUISINE,        /* valid_cuisine */
  PLAN__TRAVEL_HARD_ROOM_RULE,      /* valid_room_rule */
  PLAN__TRAVEL_HARD_TRANSPORTATION, /* valid_transportation */
  PLAN__TRAVEL_HARD_ROOM_TYPE,      /* valid_room_type */
  PLAN__TRAVEL_HARD_COST            /* valid_cost */
} plan__travel_check;

#define PLAN__TRAVEL_N_COMMONSENSE 8
#define PLAN__TRAVEL_N_HARD 5
#define PLAN__TRAVEL_N_CHECKS 13

/* The upstream key ("is_valid_restaurants") and the paper's name
 * ("Diverse Restaurants") of a check. */
const char *plan__travel_check_key(plan__travel_check c);
const char *plan__travel_check_paper_name(plan__travel_check c);
bool plan__travel_check_is_hard(plan__travel_check c);

/* A check's outcome. NA: a hard constraint the query does not request (or
 * a check that was not run because the plan was not delivered or the hard
 * box was skipped). */
typedef enum plan__travel_verdict_value {
  PLAN__TRAVEL_NA = 0,
  PLAN__TRAVEL_PASS,
  PLAN__TRAVEL_FAIL
} plan__travel_verdict_value;

typedef struct plan__travel_verdict {
  plan__travel_eval_mode mode;
  bool delivered;      /* plan non-null and non-empty */
  bool hard_evaluated; /* delivered and CS_SANDBOX and CS_NOT_ABSENT pass */
  plan__travel_verdict_value value[PLAN__TRAVEL_N_CHECKS];
  char message[PLAN__TRAVEL_N_CHECKS][200]; /* why it failed; "" if not */
  double total_cost;                        /* computed whenever delivered */
  bool commonsense_pass; /* delivered, hard box present, no CS check FAIL */
  bool hard_pass;        /* hard box present, no hard check FAIL */
  bool final_pass;       /* both */
} plan__travel_verdict;

/* Evaluates plan (borrowed; the "plan" value of one submission line)
 * against q and db. db is non-const because flight lookups may extend its
 * cache. Fills *out; returns PLAN_OK (a bad plan is a verdict, not an
 * error), PLAN_EINVAL for NULL arguments, PLAN_ENOMEM. */
plan_status plan__travel_eval_plan(plan__travel_db *db,
                                   const plan__travel_query *q,
                                   const json_t *plan,
                                   plan__travel_eval_mode mode,
                                   plan__travel_verdict *out);

/* The total cost of plan as upstream's get_total_cost computes it (official
 * mode) or with strict resolution of names. Unknown items cost 0. */
double plan__travel_eval_cost(plan__travel_db *db, const plan__travel_query *q,
                              const json_t *plan, plan__travel_eval_mode mode);

/* The verdict as a new JSON object:
 *   {"delivered":bool, "mode":"official", "total_cost":1608.0,
 *    "commonsense":{"is_reasonable_visiting_city":true,...} or null,
 *    "hard":{"valid_cuisine":null,...,"valid_cost":true} or null,
 *    "messages":{"is_valid_restaurants":"..."},
 *    "commonsense_pass":bool, "hard_pass":bool, "final_pass":bool}
 * "commonsense" is null when not delivered, "hard" when not evaluated;
 * NA values are null. NULL on ENOMEM. */
json_t *plan__travel_verdict_to_json(const plan__travel_verdict *v);

/* ======================================================================
 * Metrics (eval.py)
 * ====================================================================== */

typedef struct plan__travel_metrics {
  size_t n;       /* queries evaluated */
  size_t n_total; /* denominator of the per-query rates (n, or a split) */
  size_t delivered;
  size_t cs_true;    /* commonsense checks that passed (micro numerator) */
  size_t cs_total;   /* micro denominator: 8 per query */
  size_t cs_macro;   /* queries passing every commonsense check */
  size_t hard_true;  /* hard checks that passed (micro numerator) */
  size_t hard_total; /* micro denominator: see plan__travel_metrics_add */
  size_t hard_macro; /* queries passing every hard check */
  size_t final_pass;
  size_t check_true[PLAN__TRAVEL_N_CHECKS];  /* per check: passed */
  size_t check_false[PLAN__TRAVEL_N_CHECKS]; /* per check: failed */
} plan__travel_metrics;

void plan__travel_metrics_init(plan__travel_metrics *m);
/* Adds one query's verdict. The hard denominator follows eval.py: 1 per
 * query (budget), plus, for level "medium", 1 per requested house rule /
 * cuisine / room type, and for level "hard", 1 per requested house rule /
 * cuisine / room type / transportation (so train = 105, validation = 420,
 * test = 2290). Queries without a level count as "hard". */
void plan__travel_metrics_add(plan__travel_metrics *m,
                              const plan__travel_query *q,
                              const plan__travel_verdict *v);
/* Overrides the denominators with eval.py's hard-coded ones for a split
 * ("train": 45/360/105, "validation": 180/1440/420, "test": 1000/8000/2290).
 * Returns false for an unknown split name. */
bool plan__travel_metrics_use_split(plan__travel_metrics *m, const char *split);

typedef struct plan__travel_rates {
  double delivery;
  double commonsense_micro;
  double commonsense_macro;
  double hard_micro;
  double hard_macro;
  double final_pass;
} plan__travel_rates;

/* The six rates in [0, 1] (0 when a denominator is 0). */
plan__travel_rates plan__travel_metrics_rates(const plan__travel_metrics *m);

#endif /* PLAN_SOLVERS_TRAVEL_EVAL_H */
