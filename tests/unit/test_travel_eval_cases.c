/* tests/unit/test_travel_eval_cases.c: broken plans for every commonsense
 * and hard constraint, judged in both modes. Each case mutates the
 * annotated plan of train #1 (St. Petersburg -> Rockford, 3 days, 1 person,
 * budget $1,700, official cost $1,608) or its query, and states the verdict
 * each mode must give for the constraints it touches. Cases where the modes
 * disagree are the documented quirks of docs/travel-eval.md. Also: plans
 * that are not delivered or malformed, and the metrics arithmetic.
 */
#include <math.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/eval.h"
#include "test.h"

#define TP PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static plan__travel_db *db;
static json_t *base_query; /* train #1 as JSON (with annotated_plan) */

static void setup(void) {
  plan_error err;
  ASSERT_OK(
      plan__travel_db_load(PLAN_SOURCE_DIR "/data/travel", NULL, &db, &err));
  char *text = NULL;
  size_t len = 0;
  ASSERT_OK(
      plan__read_file(TP "/train/train_queries.jsonl", 0, &text, &len, &err));
  char *nl = memchr(text, '\n', len);
  base_query = plan__json_parse(text, (size_t)(nl - text), "train", &err);
  ASSERT(base_query);
  plan__free(text);
}

static void teardown(void) {
  json_decref(base_query);
  plan__travel_db_free(db);
}

/* A fresh copy of the base plan. */
static json_t *plan_copy(void) {
  return json_deep_copy(json_object_get(base_query, "annotated_plan"));
}

static void set(json_t *plan, size_t day, const char *key, const char *val) {
  json_t *d = json_array_get(plan, day - 1);
  ASSERT(d);
  if (val)
    json_object_set_new(d, key, json_string(val));
  else
    json_object_del(d, key);
}

/* The query of train #1 with local_constraint/budget changed. */
static plan__travel_query *query_with(const char *lc_json, double budget) {
  json_t *q = json_deep_copy(base_query);
  if (lc_json) {
    json_error_t je;
    json_object_set_new(q, "local_constraint", json_loads(lc_json, 0, &je));
  }
  if (budget > 0)
    json_object_set_new(q, "budget", json_real(budget));
  plan__travel_query *out = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__travel_query_from_json(q, db, &out, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  json_decref(q);
  return out;
}

enum { P = PLAN__TRAVEL_PASS, F = PLAN__TRAVEL_FAIL, N = PLAN__TRAVEL_NA };

/* Evaluates plan in both modes and checks check c: official must give
 * want_off, strict want_strict. Prints the messages on a mismatch. */
static void expect(const char *name, const plan__travel_query *q, json_t *plan,
                   plan__travel_check c, int want_off, int want_strict) {
  for (int mode = 0; mode < 2; mode++) {
    plan__travel_verdict v;
    ASSERT_OK(
        plan__travel_eval_plan(db, q, plan, (plan__travel_eval_mode)mode, &v));
    int want = mode ? want_strict : want_off;
    if ((int)v.value[c] != want) {
      fprintf(stderr, "%s (%s): %s = %d, want %d\n", name,
              mode ? "strict" : "official", plan__travel_check_key(c),
              (int)v.value[c], want);
      for (int k = 0; k < PLAN__TRAVEL_N_CHECKS; k++)
        if (v.message[k][0])
          fprintf(stderr, "  %s: %s\n",
                  plan__travel_check_key((plan__travel_check)k), v.message[k]);
      ASSERT(0);
    }
    if (want == F)
      ASSERT(v.message[c][0]);
  }
}

static void test_base_plan_passes(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *plan = plan_copy();
  for (int mode = 0; mode < 2; mode++) {
    plan__travel_verdict v;
    ASSERT_OK(
        plan__travel_eval_plan(db, q, plan, (plan__travel_eval_mode)mode, &v));
    ASSERT(v.delivered && v.hard_evaluated && v.final_pass);
    ASSERT_NEAR(v.total_cost, 1608, 0);
    ASSERT_NEAR(
        plan__travel_eval_cost(db, q, plan, (plan__travel_eval_mode)mode), 1608,
        0);
  }
  json_decref(plan);
  plan__travel_query_free(q);
}

static void test_city_route(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 1, "current_city", "from Tampa to Rockford");
  expect("wrong origin", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, F, F);
  json_decref(p);
  /* A 3-day trip to another city than dest: upstream never compares it. */
  p = plan_copy();
  set(p, 1, "current_city", "from St. Petersburg to Chicago");
  set(p, 2, "current_city", "Chicago");
  set(p, 3, "current_city", "from Chicago to St. Petersburg");
  expect("wrong destination", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, P, F);
  json_decref(p);
  /* A one-day detour in the middle of the stay. */
  p = plan_copy();
  set(p, 2, "current_city", "Chicago");
  expect("detour", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, F, F);
  json_decref(p);
  /* Not a closed loop. */
  p = plan_copy();
  set(p, 3, "current_city", "from Rockford to Tampa");
  expect("open loop", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, F, F);
  json_decref(p);
  /* A city outside the city set. */
  p = plan_copy();
  set(p, 1, "current_city", "from St. Petersburg to Atlantis");
  set(p, 2, "current_city", "Atlantis");
  set(p, 3, "current_city", "from Atlantis to St. Petersburg");
  expect("unknown city", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, F, F);
  json_decref(p);
  /* "from X" without " to ": upstream raises; we fail the check. */
  p = plan_copy();
  set(p, 3, "current_city", "from Rockford");
  expect("unparseable route", q, p, PLAN__TRAVEL_CS_CITY_ROUTE, F, F);
  plan__travel_verdict v;
  ASSERT_OK(plan__travel_eval_plan(db, q, p, PLAN__TRAVEL_EVAL_OFFICIAL, &v));
  ASSERT_CONTAINS(v.message[PLAN__TRAVEL_CS_CITY_ROUTE],
                  "upstream evaluator raises");
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_restaurants(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 3, "lunch", "Coco Bambu, Rockford");
  expect("repeat", q, p, PLAN__TRAVEL_CS_RESTAURANTS, F, F);
  json_decref(p);
  /* The same restaurant written with the state: different strings. */
  p = plan_copy();
  set(p, 3, "lunch", "Coco Bambu, Rockford(Illinois)");
  expect("repeat, other spelling", q, p, PLAN__TRAVEL_CS_RESTAURANTS, P, F);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_attractions(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 3, "attraction", "Burpee Museum of Natural History, Rockford;");
  expect("repeat", q, p, PLAN__TRAVEL_CS_ATTRACTIONS, F, F);
  json_decref(p);
  /* Without the trailing ';' the last attraction is not checked. */
  p = plan_copy();
  set(p, 3, "attraction",
      "Klehm Arboretum & Botanic Garden, Rockford;Burpee Museum of Natural "
      "History, Rockford");
  expect("repeat, no trailing ;", q, p, PLAN__TRAVEL_CS_ATTRACTIONS, P, F);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_minimum_nights(void) {
  plan__travel_query *q = query_with(NULL, 0);
  /* "Private bedroom in BedStuy!" needs 10 nights. */
  json_t *p = plan_copy();
  set(p, 1, "accommodation", "Private bedroom in BedStuy!, Rockford");
  set(p, 2, "accommodation", "Private bedroom in BedStuy!, Rockford");
  expect("10 nights needed", q, p, PLAN__TRAVEL_CS_ACCOMMODATION, F, F);
  json_decref(p);
  /* The 2-night minimum met with two spellings: upstream sees two stays
   * of one night each. */
  p = plan_copy();
  set(p, 2, "accommodation",
      "Pure luxury one bdrm + sofa bed on Central Park, Rockford(Illinois)");
  expect("two spellings", q, p, PLAN__TRAVEL_CS_ACCOMMODATION, F, P);
  json_decref(p);
  /* A missing key. */
  p = plan_copy();
  set(p, 3, "accommodation", NULL);
  expect("no key", q, p, PLAN__TRAVEL_CS_ACCOMMODATION, F, P);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_transportation(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 3, "transportation",
      "Self-driving, from Rockford to St. Petersburg, duration: 1 hour, "
      "distance: 10 km, cost: 1");
  expect("flight + self-driving", q, p, PLAN__TRAVEL_CS_TRANSPORTATION, F, F);
  json_decref(p);
  p = plan_copy();
  set(p, 3, "transportation", "Taxi, from Rockford to St. Petersburg");
  expect("flight + taxi is fine", q, p, PLAN__TRAVEL_CS_TRANSPORTATION, P, P);
  json_decref(p);
  p = plan_copy();
  set(p, 1, "transportation", "-");
  expect("no day-1 transport", q, p, PLAN__TRAVEL_CS_TRANSPORTATION, F, F);
  json_decref(p);
  /* An unknown mode: upstream classifies it as None and moves on. */
  p = plan_copy();
  set(p, 3, "transportation", "Bus, from Rockford to St. Petersburg");
  expect("bus", q, p, PLAN__TRAVEL_CS_TRANSPORTATION, P, F);
  expect("bus (sandbox)", q, p, PLAN__TRAVEL_CS_SANDBOX, P, F);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_current_city(void) {
  plan__travel_query *q = query_with(NULL, 0);
  /* A Chicago dinner on a Rockford day: upstream compares characters. */
  json_t *p = plan_copy();
  set(p, 2, "dinner", "The Black Pearl, Chicago");
  expect("stay-day meal elsewhere", q, p, PLAN__TRAVEL_CS_CURRENT_CITY, P, F);
  expect("stay-day meal elsewhere (sandbox)", q, p, PLAN__TRAVEL_CS_SANDBOX, P,
         P);
  json_decref(p);
  /* A travel day's accommodation must be in the arrival city. */
  p = plan_copy();
  set(p, 1, "accommodation", "Kitchen At 95 - Hyatt Regency, St. Petersburg");
  expect("night in the departure city", q, p, PLAN__TRAVEL_CS_CURRENT_CITY, F,
         F);
  json_decref(p);
  /* A travel day's meal in a third city. */
  p = plan_copy();
  set(p, 1, "dinner", "The Black Pearl, Chicago");
  expect("travel-day meal elsewhere", q, p, PLAN__TRAVEL_CS_CURRENT_CITY, F, F);
  json_decref(p);
  /* The transport's route must be the day's. */
  p = plan_copy();
  set(p, 3, "transportation",
      "Flight Number: F3573120, from Rockford to Tampa, Departure Time: "
      "19:00, Arrival Time: 22:43");
  expect("other route", q, p, PLAN__TRAVEL_CS_CURRENT_CITY, F, F);
  json_decref(p);
  plan__travel_query_free(q);
}

/* A generated flight St. Petersburg -> Rockford on another date (the real
 * route keeps generated flights on its other dates). */
static const plan__travel_flight *other_date_flight(void) {
  int sp = plan__travel_db_city_find(db, "St. Petersburg");
  int rk = plan__travel_db_city_find(db, "Rockford");
  for (int d = 1; d <= 31; d++) {
    char date[11];
    snprintf(date, sizeof date, "2022-03-%02d", d);
    if (d == 16)
      continue;
    const plan__travel_flight *f = NULL;
    size_t n = 0;
    ASSERT_OK(plan__travel_db_flights(db, sp, rk, date, &f, &n));
    if (n)
      return f;
  }
  ASSERT(0);
  return NULL;
}

static void test_sandbox(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 2, "dinner", "Totally Fake Diner, Rockford");
  expect("hallucinated restaurant", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  /* Name prefixes match upstream's substring lookup. */
  p = plan_copy();
  set(p, 1, "dinner", "Coco, Rockford");
  expect("name prefix", q, p, PLAN__TRAVEL_CS_SANDBOX, P, F);
  json_decref(p);
  /* A real flight number on the wrong route, then on the wrong date. */
  p = plan_copy();
  set(p, 1, "transportation",
      "Flight Number: F3573120, from St. Petersburg to Rockford, Departure "
      "Time: 15:40, Arrival Time: 17:04");
  expect("flight of another route", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  const plan__travel_flight *f = other_date_flight();
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__travel_format_flight(db, f, &b));
  p = plan_copy();
  set(p, 1, "transportation", b.data);
  expect("flight of another date", q, p, PLAN__TRAVEL_CS_SANDBOX, P, F);
  plan__travel_verdict v;
  ASSERT_OK(plan__travel_eval_plan(db, q, p, PLAN__TRAVEL_EVAL_OFFICIAL, &v));
  ASSERT_NEAR(v.total_cost, 1608 - 474 + f->price, 0);
  json_decref(p);
  plan__buf_free(&b);
  /* Self-driving where the matrix has no valid row. */
  p = plan_copy();
  set(p, 1, "transportation", "Self-driving, from St. Petersburg to Rockford");
  set(p, 3, "transportation", "Self-driving, from Rockford to St. Petersburg");
  expect("no driving route", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  /* "flight number" in other capitals: upstream raises (IndexError). */
  p = plan_copy();
  set(p, 1, "transportation",
      "flight number: F3573659, from St. Petersburg to Rockford");
  expect("lower-case flight number", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  /* An attraction of another city, and a hallucinated accommodation. */
  p = plan_copy();
  set(p, 2, "attraction", "Nowhere Museum, Rockford;");
  expect("hallucinated attraction", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  p = plan_copy();
  set(p, 2, "accommodation", "Castle, Rockford");
  expect("hallucinated accommodation", q, p, PLAN__TRAVEL_CS_SANDBOX, F, F);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_not_absent(void) {
  plan__travel_query *q = query_with(NULL, 0);
  json_t *p = plan_copy();
  set(p, 2, "lunch", "-");
  expect("stay day without lunch", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, F, F);
  json_decref(p);
  p = plan_copy();
  set(p, 2, "attraction", "-");
  expect("stay day without attraction", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, F, F);
  json_decref(p);
  p = plan_copy();
  json_array_remove(p, 2);
  expect("too few days", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, F, F);
  json_decref(p);
  p = plan_copy();
  set(p, 1, "breakfast", NULL);
  expect("missing key", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, F, F);
  json_decref(p);
  p = plan_copy();
  set(p, 1, "accommodation", "-");
  expect("no night's stay", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, F, F);
  json_decref(p);
  /* Padding after the last day is ignored. */
  p = plan_copy();
  json_array_append_new(p, json_object());
  expect("padding", q, p, PLAN__TRAVEL_CS_NOT_ABSENT, P, P);
  json_decref(p);
  /* Sandbox or completeness failing: the hard box is not evaluated. */
  p = plan_copy();
  set(p, 2, "lunch", "-");
  expect("no hard box", q, p, PLAN__TRAVEL_HARD_COST, N, N);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_hard_cuisine(void) {
  /* A St. Petersburg breakfast on day 1: upstream then skips the day's
   * other meals, and the French dinner at Coco Bambu is not counted. */
  plan__travel_query *q = query_with(
      "{\"house rule\": null, \"cuisine\": [\"French\"], \"room type\": null, "
      "\"transportation\": null}",
      0);
  json_t *p = plan_copy();
  expect("French dinner", q, p, PLAN__TRAVEL_HARD_CUISINE, P, P);
  set(p, 1, "breakfast", "Kitchen At 95 - Hyatt Regency, St. Petersburg");
  expect("org breakfast skips the day", q, p, PLAN__TRAVEL_HARD_CUISINE, F, P);
  json_decref(p);
  plan__travel_query_free(q);
  q = query_with("{\"house rule\": null, \"cuisine\": [\"Mexican\"], "
                 "\"room type\": null, \"transportation\": null}",
                 0);
  p = plan_copy();
  expect("no Mexican", q, p, PLAN__TRAVEL_HARD_CUISINE, F, F);
  json_decref(p);
  plan__travel_query_free(q);
  /* A repeated cuisine: upstream's check returns None and eval.py raises. */
  q = query_with("{\"house rule\": null, \"cuisine\": [\"French\", "
                 "\"French\"], \"room type\": null, \"transportation\": null}",
                 0);
  p = plan_copy();
  expect("repeated cuisine", q, p, PLAN__TRAVEL_HARD_CUISINE, F, P);
  json_decref(p);
  plan__travel_query_free(q);
  q = query_with(NULL, 0);
  p = plan_copy();
  expect("no cuisine asked", q, p, PLAN__TRAVEL_HARD_CUISINE, N, N);
  json_decref(p);
  plan__travel_query_free(q);
}

static void test_hard_rules_types_transport_budget(void) {
  /* "Pure luxury one bdrm ...": No smoking & No parties, Entire home/apt,
   * 3 guests. */
  static const struct {
    const char *lc;
    plan__travel_check c;
    int want;
  } cases[] = {
      {"{\"house rule\": \"parties\"}", PLAN__TRAVEL_HARD_ROOM_RULE, F},
      {"{\"house rule\": \"smoking\"}", PLAN__TRAVEL_HARD_ROOM_RULE, F},
      {"{\"house rule\": \"visitors\"}", PLAN__TRAVEL_HARD_ROOM_RULE, P},
      {"{\"house rule\": \"pets\"}", PLAN__TRAVEL_HARD_ROOM_RULE, P},
      {"{\"room type\": \"entire room\"}", PLAN__TRAVEL_HARD_ROOM_TYPE, P},
      {"{\"room type\": \"not shared room\"}", PLAN__TRAVEL_HARD_ROOM_TYPE, P},
      {"{\"room type\": \"private room\"}", PLAN__TRAVEL_HARD_ROOM_TYPE, F},
      {"{\"room type\": \"shared room\"}", PLAN__TRAVEL_HARD_ROOM_TYPE, F},
      {"{\"transportation\": \"no flight\"}", PLAN__TRAVEL_HARD_TRANSPORTATION,
       F},
      {"{\"transportation\": \"no self-driving\"}",
       PLAN__TRAVEL_HARD_TRANSPORTATION, P},
      {"{}", PLAN__TRAVEL_HARD_ROOM_RULE, N},
      {"{}", PLAN__TRAVEL_HARD_ROOM_TYPE, N},
      {"{}", PLAN__TRAVEL_HARD_TRANSPORTATION, N},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    plan__travel_query *q = query_with(cases[i].lc, 0);
    json_t *p = plan_copy();
    expect(cases[i].lc, q, p, cases[i].c, cases[i].want, cases[i].want);
    json_decref(p);
    plan__travel_query_free(q);
  }
  /* Budget: $1,608 against $1,608 passes, against $1,607 fails. */
  plan__travel_query *q = query_with(NULL, 1608);
  json_t *p = plan_copy();
  expect("budget met exactly", q, p, PLAN__TRAVEL_HARD_COST, P, P);
  plan__travel_query_free(q);
  q = query_with(NULL, 1607);
  expect("budget short by 1", q, p, PLAN__TRAVEL_HARD_COST, F, F);
  plan__travel_query_free(q);
  json_decref(p);
  /* Costs scale with people: 2 people need 1 room of 3 guests; 4 people
   * need 2 rooms. Flight prices and meals are per person. */
  json_t *qj = json_deep_copy(base_query);
  json_object_set_new(qj, "people_number", json_integer(4));
  plan_error err;
  ASSERT_OK(plan__travel_query_from_json(qj, db, &q, &err));
  p = plan_copy();
  double meals = 72 + 29 + 20 + 56 + 42 + 49 + 34;
  double expected = (474 + 346) * 4 + meals * 4 + 243 * 2 * 2;
  ASSERT_NEAR(plan__travel_eval_cost(db, q, p, PLAN__TRAVEL_EVAL_OFFICIAL),
              expected, 0);
  ASSERT_NEAR(plan__travel_eval_cost(db, q, p, PLAN__TRAVEL_EVAL_STRICT),
              expected, 0);
  json_decref(p);
  json_decref(qj);
  plan__travel_query_free(q);
}

/* The hard transportation check is case-sensitive upstream: a lower-case
 * "self-driving" leg passes "no self-driving". Train #11 drives. */
static void test_hard_transport_case(void) {
  char *text = NULL;
  size_t len = 0;
  plan_error err;
  ASSERT_OK(
      plan__read_file(TP "/train/train_queries.jsonl", 0, &text, &len, &err));
  char *line = text;
  for (int i = 1; i < 11; i++)
    line = strchr(line, '\n') + 1;
  char *nl = strchr(line, '\n');
  json_t *qj = plan__json_parse(line, (size_t)(nl - line), "train", &err);
  plan__free(text);
  ASSERT(qj);
  json_object_set_new(qj, "local_constraint",
                      json_pack("{s:n,s:n,s:n,s:s}", "house rule", "cuisine",
                                "room type", "transportation",
                                "no self-driving"));
  plan__travel_query *q = NULL;
  ASSERT_OK(plan__travel_query_from_json(qj, db, &q, &err));
  json_t *p = json_deep_copy(json_object_get(qj, "annotated_plan"));
  expect("Self-driving under no self-driving", q, p,
         PLAN__TRAVEL_HARD_TRANSPORTATION, F, F);
  json_t *d1 = json_array_get(p, 0);
  const char *t = json_string_value(json_object_get(d1, "transportation"));
  ASSERT(strncmp(t, "Self-driving", 12) == 0);
  char lower[512];
  snprintf(lower, sizeof lower, "self-driving%s", t + 12);
  json_t *p2 = json_deep_copy(p);
  for (size_t i = 0; i < json_array_size(p2); i++) {
    json_t *d = json_array_get(p2, i);
    const char *s = json_string_value(json_object_get(d, "transportation"));
    if (s && strncmp(s, "Self-driving", 12) == 0) {
      snprintf(lower, sizeof lower, "self-driving%s", s + 12);
      json_object_set_new(d, "transportation", json_string(lower));
    }
  }
  expect("self-driving under no self-driving", q, p2,
         PLAN__TRAVEL_HARD_TRANSPORTATION, P, F);
  json_decref(p);
  json_decref(p2);
  json_decref(qj);
  plan__travel_query_free(q);
}

static void test_not_delivered_and_malformed(void) {
  plan__travel_query *q = query_with(NULL, 0);
  plan__travel_verdict v;
  json_t *empty = json_array();
  json_t *null = json_null();
  const json_t *plans[] = {NULL, null, empty};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(plans); i++) {
    ASSERT_OK(plan__travel_eval_plan(db, q, plans[i],
                                     PLAN__TRAVEL_EVAL_OFFICIAL, &v));
    ASSERT(!v.delivered && !v.hard_evaluated && !v.final_pass);
    for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
      ASSERT_EQ(v.value[c], N);
    json_t *j = plan__travel_verdict_to_json(&v);
    ASSERT(json_is_null(json_object_get(j, "commonsense")));
    ASSERT(json_is_null(json_object_get(j, "hard")));
    json_decref(j);
  }
  json_decref(empty);
  /* Days that are not objects, a plan that is not a list. */
  json_t *bad = json_pack("[s,i,n]", "day one", 2);
  json_t *str = json_string("a plan");
  const json_t *weird[] = {bad, str};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(weird); i++)
    for (int mode = 0; mode < 2; mode++) {
      ASSERT_OK(plan__travel_eval_plan(db, q, weird[i],
                                       (plan__travel_eval_mode)mode, &v));
      ASSERT(v.delivered && !v.hard_evaluated && !v.final_pass);
      for (int c = 0; c < PLAN__TRAVEL_N_COMMONSENSE; c++)
        ASSERT_EQ(v.value[c], F);
    }
  json_decref(bad);
  json_decref(str);
  /* Non-string values. */
  json_t *p = plan_copy();
  json_object_set_new(json_array_get(p, 1), "dinner", json_integer(5));
  json_object_set_new(json_array_get(p, 0), "attraction", json_null());
  for (int mode = 0; mode < 2; mode++) {
    ASSERT_OK(
        plan__travel_eval_plan(db, q, p, (plan__travel_eval_mode)mode, &v));
    ASSERT(!v.final_pass);
  }
  json_decref(p);
  ASSERT_STATUS(plan__travel_eval_plan(NULL, q, null, 0, &v), PLAN_EINVAL);
  ASSERT_STATUS(plan__travel_eval_plan(db, q, null, 0, NULL), PLAN_EINVAL);
  json_decref(null);
  plan__travel_query_free(q);
}

static void test_metrics(void) {
  /* Three queries: a passing plan, one failing the budget, none. */
  plan__travel_query *easy = query_with(NULL, 0);
  plan__travel_query *tight = query_with(NULL, 1000);
  plan__travel_query *hard = query_with(
      "{\"house rule\": \"pets\", \"cuisine\": [\"French\"], \"room type\": "
      "\"entire room\", \"transportation\": null}",
      0);
  plan__free(hard->level);
  hard->level = plan__strdup("hard");
  json_t *p = plan_copy();
  plan__travel_metrics m;
  plan__travel_metrics_init(&m);
  plan__travel_verdict v;
  ASSERT_OK(plan__travel_eval_plan(db, easy, p, 0, &v));
  plan__travel_metrics_add(&m, easy, &v);
  ASSERT_OK(plan__travel_eval_plan(db, tight, p, 0, &v));
  ASSERT(v.commonsense_pass && !v.hard_pass && !v.final_pass);
  plan__travel_metrics_add(&m, tight, &v);
  ASSERT_OK(plan__travel_eval_plan(db, hard, NULL, 0, &v));
  plan__travel_metrics_add(&m, hard, &v);
  ASSERT_EQ(m.n, 3);
  ASSERT_EQ(m.delivered, 2);
  ASSERT_EQ(m.cs_true, 16);
  ASSERT_EQ(m.cs_total, 24);
  ASSERT_EQ(m.cs_macro, 2);
  ASSERT_EQ(m.hard_true, 1);
  /* easy: budget only (1 + 1); hard: budget + 3 constraints. */
  ASSERT_EQ(m.hard_total, 6);
  ASSERT_EQ(m.hard_macro, 1);
  ASSERT_EQ(m.final_pass, 1);
  plan__travel_rates r = plan__travel_metrics_rates(&m);
  ASSERT_NEAR(r.delivery, 2.0 / 3, 1e-12);
  ASSERT_NEAR(r.commonsense_micro, 16.0 / 24, 1e-12);
  ASSERT_NEAR(r.hard_micro, 1.0 / 6, 1e-12);
  ASSERT_NEAR(r.final_pass, 1.0 / 3, 1e-12);
  ASSERT(plan__travel_metrics_use_split(&m, "validation"));
  r = plan__travel_metrics_rates(&m);
  ASSERT_NEAR(r.delivery, 2.0 / 180, 1e-12);
  ASSERT_NEAR(r.hard_micro, 1.0 / 420, 1e-12);
  ASSERT(!plan__travel_metrics_use_split(&m, "dev"));
  ASSERT_EQ(m.check_false[PLAN__TRAVEL_HARD_COST], 1);
  json_decref(p);
  plan__travel_query_free(easy);
  plan__travel_query_free(tight);
  plan__travel_query_free(hard);
  /* Names. */
  ASSERT_STR_EQ(plan__travel_check_key(PLAN__TRAVEL_CS_SANDBOX),
                "is_valid_information_in_sandbox");
  ASSERT_STR_EQ(plan__travel_check_paper_name(PLAN__TRAVEL_HARD_COST),
                "Budget");
  ASSERT(plan__travel_check_is_hard(PLAN__TRAVEL_HARD_ROOM_TYPE));
  ASSERT(!plan__travel_check_is_hard(PLAN__TRAVEL_CS_NOT_ABSENT));
  plan__travel_eval_mode mode;
  ASSERT(plan__travel_eval_mode_parse("strict", &mode));
  ASSERT_EQ(mode, PLAN__TRAVEL_EVAL_STRICT);
  ASSERT(!plan__travel_eval_mode_parse("lenient", &mode));
  ASSERT_STR_EQ(plan__travel_eval_mode_name(PLAN__TRAVEL_EVAL_OFFICIAL),
                "official");
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  setup();
  RUN(test_base_plan_passes);
  RUN(test_city_route);
  RUN(test_restaurants);
  RUN(test_attractions);
  RUN(test_minimum_nights);
  RUN(test_transportation);
  RUN(test_current_city);
  RUN(test_sandbox);
  RUN(test_not_absent);
  RUN(test_hard_cuisine);
  RUN(test_hard_rules_types_transport_budget);
  RUN(test_hard_transport_case);
  RUN(test_not_delivered_and_malformed);
  RUN(test_metrics);
  teardown();
  TEST_END();
}
