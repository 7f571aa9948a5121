/* tests/fuzz/fuzz_travel_query.c: libFuzzer harness for the TravelPlanner
 * query loader (solvers/travel/query.c) and, through it, the evaluator
 * (solvers/travel/eval.c) and the Python string helpers it uses. Each input
 * is read as one query (without a database, and against a small database
 * built from reference information); a query that loads must round-trip
 * through JSON and copy. The input is also read as a submission line: its
 * "plan" is judged in both modes against a fixed query, and a verdict must
 * be consistent (no pass without delivery, no hard verdict without the hard
 * box, the final pass only with both macro passes). The checked-in corpus
 * (tests/fuzz/corpus/travel_query/) is replayed as a ctest. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/travel/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
  if (!ok)
    abort();
}

/* Two cities of the built-in set with a few rows each. */
static const char kRef[] =
    "{\"Restaurants in Rockford\": [{\"Name\": \"Coco Bambu\", \"Average "
    "Cost\": 72, \"Cuisines\": \"Tea, French\", \"Aggregate Rating\": 4.9, "
    "\"City\": \"Rockford\"}, {\"Name\": \"Subway\", \"Average Cost\": 42, "
    "\"Cuisines\": \"Chinese\", \"Aggregate Rating\": 3.4, \"City\": "
    "\"Rockford\"}, {\"Name\": \"Dial A Cake\", \"Average Cost\": 29, "
    "\"Cuisines\": \"American\", \"Aggregate Rating\": 3.0, \"City\": "
    "\"Rockford\"}],"
    "\"Attractions in Rockford\": [{\"Name\": \"Burpee Museum\", "
    "\"Latitude\": 42.2, \"Longitude\": -89.0, \"Address\": \"a\", "
    "\"Phone\": \"p\", \"Website\": \"w\", \"City\": \"Rockford\"}],"
    "\"Accommodations in Rockford\": [{\"NAME\": \"Pure luxury\", \"price\": "
    "243.0, \"room type\": \"Entire home/apt\", \"house_rules\": \"No "
    "smoking & No parties\", \"minimum nights\": 2.0, \"maximum "
    "occupancy\": 3, \"review rate number\": 4.0, \"city\": \"Rockford\"}],"
    "\"Flight from St. Petersburg to Rockford on 2022-03-16\": "
    "[{\"Flight Number\": \"F3573659\", \"Price\": 474, \"DepTime\": "
    "\"15:40\", \"ArrTime\": \"17:04\", \"ActualElapsedTime\": \"2 hours 24 "
    "minutes\", \"FlightDate\": \"2022-03-16\", \"OriginCityName\": \"St. "
    "Petersburg\", \"DestCityName\": \"Rockford\", \"Distance\": 1049.0}],"
    "\"Flight from Rockford to St. Petersburg on 2022-03-18\": \"There is "
    "no flight from Rockford to St. Petersburg on 2022-03-18.\","
    "\"Self-driving from Rockford to St. Petersburg\": \"self-driving, from "
    "Rockford to St. Petersburg, duration: 17 hours 1 min, distance: 1,800 "
    "km, cost: 90\","
    "\"Taxi from St. Petersburg to Rockford\": \"No valid information.\"}";

static const char kQuery[] =
    "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", \"days\": 3, "
    "\"date\": [\"2022-03-16\", \"2022-03-17\", \"2022-03-18\"], "
    "\"people_number\": 2, \"budget\": 1700, \"level\": \"hard\", "
    "\"local_constraint\": {\"house rule\": \"parties\", \"cuisine\": "
    "[\"French\", \"Chinese\"], \"room type\": \"entire room\", "
    "\"transportation\": \"no self-driving\"}}";

static plan__travel_db *db;
static plan__travel_query *fixed;

static void setup(void) {
  if (db)
    return;
  plan_error err;
  check(plan__travel_db_from_ref_text(kRef, sizeof kRef - 1, &db, &err) ==
        PLAN_OK);
  check(plan__travel_query_from_text(kQuery, sizeof kQuery - 1, db, &fixed,
                                     &err) == PLAN_OK);
}

static void query_roundtrip(const plan__travel_query *q,
                            const plan__travel_db *d) {
  check(q->days == 3 || q->days == 5 || q->days == 7);
  check(q->people_number >= 1 && q->budget >= 0);
  check(q->visiting_city_number >= 1 && q->visiting_city_number < q->days);
  json_t *j = plan__travel_query_to_json(q);
  check(j != NULL);
  plan__travel_query *back = NULL;
  plan_error err;
  check(plan__travel_query_from_json(j, d, &back, &err) == PLAN_OK);
  json_t *j2 = plan__travel_query_to_json(back);
  check(json_equal(j, j2));
  plan__travel_query *c = plan__travel_query_dup(back);
  check(c != NULL);
  plan__travel_query_free(c);
  plan__travel_query_free(back);
  json_decref(j);
  json_decref(j2);
}

static void judge(const json_t *plan) {
  for (int mode = 0; mode < 2; mode++) {
    plan__travel_verdict v;
    check(plan__travel_eval_plan(db, fixed, plan, (plan__travel_eval_mode)mode,
                                 &v) == PLAN_OK);
    check(v.total_cost >= 0);
    if (!v.delivered)
      check(!v.hard_evaluated && !v.final_pass);
    if (!v.hard_evaluated)
      for (int c = PLAN__TRAVEL_N_COMMONSENSE; c < PLAN__TRAVEL_N_CHECKS; c++)
        check(v.value[c] == PLAN__TRAVEL_NA);
    check(v.final_pass == (v.commonsense_pass && v.hard_pass));
    for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
      if (v.value[c] == PLAN__TRAVEL_FAIL)
        check(v.message[c][0] != '\0');
    json_t *j = plan__travel_verdict_to_json(&v);
    check(j != NULL);
    json_decref(j);
    double c =
        plan__travel_eval_cost(db, fixed, plan, (plan__travel_eval_mode)mode);
    check(c == v.total_cost || !v.delivered);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  const char *text = (const char *)data;
  plan_error err;
  plan__travel_query *q = NULL;
  if (plan__travel_query_from_text(text, size, NULL, &q, &err) == PLAN_OK) {
    query_roundtrip(q, NULL);
    plan__travel_query_free(q);
  } else {
    check(q == NULL && err.text[0] != '\0');
  }
  if (plan__travel_query_from_text(text, size, db, &q, &err) == PLAN_OK) {
    query_roundtrip(q, db);
    plan__travel_query_free(q);
  }
  /* As reference information. */
  plan__travel_db *other = NULL;
  if (plan__travel_db_from_ref_text(text, size, &other, &err) == PLAN_OK)
    plan__travel_db_free(other);
  else
    check(other == NULL);
  /* As a submission line, or a bare plan. */
  json_error_t je;
  json_t *j = json_loadb(text, size, JSON_DECODE_ANY, &je);
  if (j) {
    const json_t *plan = json_is_object(j) ? json_object_get(j, "plan") : j;
    judge(plan);
    json_decref(j);
  }
  return 0;
}
