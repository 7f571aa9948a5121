/* solvers/travel/query.h: the structured TravelPlanner query (org, dest,
 * days, visiting_city_number, date, people_number, local_constraint,
 * budget) as the solver and the evaluator use it, with a validating
 * loader for JSON objects and JSONL files. Internal (not installed).
 *
 * Accepted shapes: the JSON form of train_queries.jsonl, plus the HF CSV
 * conventions carried into JSON ("date" and "local_constraint" as Python
 * repr strings: "['2022-03-16', ...]", "{'house rule': None, ...}").
 * Integral reals (3.0) are accepted where integers are expected.
 *
 * Validation (each error names the field; the JSONL loader adds the line):
 *   - required: org, dest, days, date, people_number, budget;
 *     visiting_city_number defaults to the fixed mapping 3->1, 5->2, 7->3;
 *     local_constraint defaults to no constraint (all four keys null);
 *   - days in {3, 5, 7}; date a list of `days` consecutive "YYYY-MM-DD";
 *     people_number >= 1; budget >= 0; visiting_city_number >= 1;
 *   - with a database: org is a city of the city/state set; dest is a city
 *     (days 3) or a state (days 5 and 7) of that set;
 *   - house rule in {parties, smoking, children under 10, visitors, pets};
 *     room type in {shared room, not shared room, private room, entire
 *     room}; transportation in {no flight, no self-driving}; cuisine a list
 *     of non-empty strings (unknown cuisine names are kept: the evaluator
 *     treats them as unsatisfiable rather than invalid).
 */
#ifndef PLAN_SOLVERS_TRAVEL_QUERY_H
#define PLAN_SOLVERS_TRAVEL_QUERY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "solvers/travel/db.h"

typedef enum plan__travel_house_rule {
  PLAN__TRAVEL_RULE_NONE = 0,
  PLAN__TRAVEL_RULE_PARTIES,  /* "parties" -> forbids "No parties" */
  PLAN__TRAVEL_RULE_SMOKING,  /* "smoking" */
  PLAN__TRAVEL_RULE_CHILDREN, /* "children under 10" */
  PLAN__TRAVEL_RULE_VISITORS, /* "visitors" */
  PLAN__TRAVEL_RULE_PETS      /* "pets" */
} plan__travel_house_rule;

typedef enum plan__travel_room_req {
  PLAN__TRAVEL_ROOMREQ_NONE = 0,
  PLAN__TRAVEL_ROOMREQ_SHARED,     /* "shared room": Shared room */
  PLAN__TRAVEL_ROOMREQ_NOT_SHARED, /* "not shared room": not Shared room */
  PLAN__TRAVEL_ROOMREQ_PRIVATE,    /* "private room": Private room */
  PLAN__TRAVEL_ROOMREQ_ENTIRE      /* "entire room": Entire home/apt */
} plan__travel_room_req;

typedef enum plan__travel_transport_req {
  PLAN__TRAVEL_TRANSPORT_ANY = 0,
  PLAN__TRAVEL_TRANSPORT_NO_FLIGHT,      /* "no flight" */
  PLAN__TRAVEL_TRANSPORT_NO_SELF_DRIVING /* "no self-driving" */
} plan__travel_transport_req;

typedef struct plan__travel_query {
  int64_t idx; /* "idx" if present, else the 1-based position */
  char *org;   /* departure city */
  char *dest;  /* a city (3 days) or a state (5, 7 days) */
  int days;    /* 3, 5 or 7 */
  int visiting_city_number;
  char **dates; /* days strings "YYYY-MM-DD" */
  int people_number;
  double budget; /* USD for the whole group */
  /* local_constraint: */
  plan__travel_house_rule house_rule;
  char *house_rule_text; /* as given; NULL when none */
  plan__travel_room_req room_type;
  char *room_type_text; /* NULL when none */
  plan__travel_transport_req transportation;
  char *transportation_text; /* NULL when none */
  char **cuisines;           /* as given, in order; NULL when none */
  size_t n_cuisines;
  unsigned cuisine_bits; /* PLAN__TRAVEL_CUISINE_* of known names */
  bool unknown_cuisine;  /* some name is not one of the 7 */
  char *level;           /* "easy"/"medium"/"hard"; NULL if absent */
  char *nl_query;        /* the natural-language "query"; NULL */
} plan__travel_query;

/* The "No ..." text a house rule forbids ("No parties"), NULL for NONE,
 * and its PLAN__TRAVEL_NO_* bit (0 for NONE). */
const char *plan__travel_rule_text(plan__travel_house_rule r);
unsigned plan__travel_rule_bit(plan__travel_house_rule r);
/* The canonical names used in queries ("parties", "entire room", "no
 * flight"); NULL for NONE/ANY. */
const char *plan__travel_house_rule_name(plan__travel_house_rule r);
const char *plan__travel_room_req_name(plan__travel_room_req r);
const char *plan__travel_transport_req_name(plan__travel_transport_req t);
/* True when an accommodation of room kind k satisfies requirement r. */
bool plan__travel_room_ok(plan__travel_room_req r, plan__travel_room_kind k);

/* Parses and validates one query object obj (borrowed). db may be NULL
 * (then city and state names are not checked). On failure returns
 * PLAN_EINVAL (or PLAN_ENOMEM) with err->text naming the field, e.g.
 * "field 'days': must be 3, 5 or 7 (got 4)". *out is a new query; free it
 * with plan__travel_query_free. */
plan_status plan__travel_query_from_json(const json_t *obj,
                                         const plan__travel_db *db,
                                         plan__travel_query **out,
                                         plan_error *err);
/* The same from JSON text (one object). Parse errors are PLAN_EPARSE with
 * line and column. */
plan_status plan__travel_query_from_text(const char *text, size_t len,
                                         const plan__travel_db *db,
                                         plan__travel_query **out,
                                         plan_error *err);
/* Loads a JSONL file of queries (blank lines skipped). Errors carry the
 * path and the 1-based line ("Q.jsonl:7: field 'budget': must be >= 0"),
 * and err->line. *out is a new array of *n queries; free it with
 * plan__travel_queries_free. */
plan_status plan__travel_queries_load(const char *path,
                                      const plan__travel_db *db,
                                      plan__travel_query ***out, size_t *n,
                                      plan_error *err);

/* The query as a new JSON object in the train_queries.jsonl shape (without
 * annotated_plan): org, dest, days, visiting_city_number, date,
 * people_number, local_constraint (four keys, null when unused), budget,
 * and query/level/idx when known. NULL on ENOMEM. */
json_t *plan__travel_query_to_json(const plan__travel_query *q);

/* A deep copy, or NULL on ENOMEM. */
plan__travel_query *plan__travel_query_dup(const plan__travel_query *q);

/* NULL does nothing. */
void plan__travel_query_free(plan__travel_query *q);
void plan__travel_queries_free(plan__travel_query **qs, size_t n);

#endif /* PLAN_SOLVERS_TRAVEL_QUERY_H */
