/* tests/unit/test_travel_db_query.c: the structured TravelPlanner query
 * loader: the 45 train queries, the HF CSV's Python-repr fields, and a
 * clear error naming the field (and the JSONL line) for every kind of bad
 * input: missing fields, wrong types, unknown cities and states, days not
 * in 3/5/7, bad dates, negative budgets, unknown constraint values.
 */
#include <stdio.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/query.h"
#include "test.h"

#define TP PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static plan__travel_db *db_once(void) {
  static plan__travel_db *db;
  if (!db) {
    plan_error err;
    ASSERT_OK(
        plan__travel_db_load(PLAN_SOURCE_DIR "/data/travel", NULL, &db, &err));
  }
  return db;
}

static void test_train_queries(void) {
  plan__travel_query **qs = NULL;
  size_t n = 0;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__travel_queries_load(TP "/train/train_queries.jsonl",
                                             db_once(), &qs, &n, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  ASSERT_EQ(n, 45);
  const plan__travel_query *q = qs[0];
  ASSERT_EQ(q->idx, 1);
  ASSERT_STR_EQ(q->org, "St. Petersburg");
  ASSERT_STR_EQ(q->dest, "Rockford");
  ASSERT_EQ(q->days, 3);
  ASSERT_EQ(q->visiting_city_number, 1);
  ASSERT_STR_EQ(q->dates[2], "2022-03-18");
  ASSERT_EQ(q->people_number, 1);
  ASSERT_NEAR(q->budget, 1700, 0);
  ASSERT_STR_EQ(q->level, "easy");
  ASSERT(q->nl_query && strstr(q->nl_query, "St. Petersburg"));
  ASSERT_EQ(q->house_rule, PLAN__TRAVEL_RULE_NONE);
  ASSERT_EQ(q->n_cuisines, 0);
  q = qs[44];
  ASSERT_EQ(q->days, 7);
  ASSERT_EQ(q->visiting_city_number, 3);
  ASSERT_EQ(q->house_rule, PLAN__TRAVEL_RULE_PETS);
  ASSERT_STR_EQ(q->house_rule_text, "pets");
  ASSERT_EQ(q->transportation, PLAN__TRAVEL_TRANSPORT_NO_FLIGHT);
  ASSERT_EQ(q->n_cuisines, 4);
  ASSERT_EQ(q->cuisine_bits,
            PLAN__TRAVEL_CUISINE_AMERICAN | PLAN__TRAVEL_CUISINE_MEDITERRANEAN |
                PLAN__TRAVEL_CUISINE_CHINESE | PLAN__TRAVEL_CUISINE_ITALIAN);
  ASSERT(!q->unknown_cuisine);
  /* Levels and constraints as the benchmark defines them. */
  size_t easy = 0, medium = 0, hard = 0;
  for (size_t i = 0; i < n; i++) {
    int k = (qs[i]->house_rule != 0) + (qs[i]->n_cuisines != 0) +
            (qs[i]->room_type != 0) + (qs[i]->transportation != 0);
    if (!strcmp(qs[i]->level, "easy")) {
      easy++;
      ASSERT_EQ(k, 0);
    } else if (!strcmp(qs[i]->level, "medium")) {
      medium++;
      ASSERT_EQ(k, 1);
    } else {
      hard++;
      ASSERT_EQ(k, 3);
    }
  }
  ASSERT_EQ(easy, 15);
  ASSERT_EQ(medium, 15);
  ASSERT_EQ(hard, 15);
  /* Round trip through JSON and a deep copy. */
  for (size_t i = 0; i < n; i++) {
    json_t *j = plan__travel_query_to_json(qs[i]);
    ASSERT(j);
    plan__travel_query *back = NULL;
    ASSERT_OK(plan__travel_query_from_json(j, db_once(), &back, &err));
    json_t *j2 = plan__travel_query_to_json(back);
    ASSERT(json_equal(j, j2));
    plan__travel_query *c = plan__travel_query_dup(back);
    ASSERT(c && c->org != back->org);
    ASSERT_STR_EQ(c->dates[0], back->dates[0]);
    plan__travel_query_free(c);
    json_decref(j);
    json_decref(j2);
    plan__travel_query_free(back);
  }
  plan__travel_queries_free(qs, n);
}

static void test_python_repr_fields(void) {
  const char *text =
      "{\"org\": \"Sarasota\", \"dest\": \"Chicago\", \"days\": 3.0, "
      "\"date\": \"['2022-03-22', '2022-03-23', '2022-03-24']\", "
      "\"people_number\": 2, \"budget\": 1900.0, \"local_constraint\": "
      "\"{'house rule': 'smoking', 'cuisine': ['Italian', 'Thai'], "
      "'room type': None, 'transportation': None}\"}";
  plan__travel_query *q = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan__travel_query_from_text(text, strlen(text), db_once(), &q, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  ASSERT_EQ(q->days, 3);
  ASSERT_EQ(q->visiting_city_number, 1);
  ASSERT_STR_EQ(q->dates[1], "2022-03-23");
  ASSERT_EQ(q->house_rule, PLAN__TRAVEL_RULE_SMOKING);
  ASSERT_EQ(q->n_cuisines, 2);
  ASSERT_STR_EQ(q->cuisines[1], "Thai");
  ASSERT(q->unknown_cuisine);
  ASSERT_EQ(q->cuisine_bits, PLAN__TRAVEL_CUISINE_ITALIAN);
  ASSERT(q->level == NULL);
  plan__travel_query_free(q);
  /* Without a database, names are not checked. */
  const char *nodb = "{\"org\": \"Gotham\", \"dest\": \"Metropolis\", "
                     "\"days\": 3, \"date\": [\"2023-01-01\", \"2023-01-02\","
                     " \"2023-01-03\"], \"people_number\": 1, \"budget\": 0}";
  ASSERT_OK(plan__travel_query_from_text(nodb, strlen(nodb), NULL, &q, &err));
  ASSERT_NEAR(q->budget, 0, 0);
  plan__travel_query_free(q);
}

/* One bad query: the error must contain msg. */
static void bad(const char *json, const char *msg) {
  plan__travel_query *q = (plan__travel_query *)1;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan__travel_query_from_text(json, strlen(json), db_once(), &q, &err);
  if (st == PLAN_OK || !strstr(err.text, msg))
    fprintf(stderr, "for %s\n  got (%s) %s\n  want %s\n", json,
            plan_status_name(st), err.text, msg);
  ASSERT(st != PLAN_OK);
  ASSERT(q == NULL);
  ASSERT_CONTAINS(err.text, msg);
}

#define D3 "\"date\": [\"2022-03-16\", \"2022-03-17\", \"2022-03-18\"]"
#define BASE "\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", "

static void test_bad_queries(void) {
  bad("[1]", "expected a JSON object");
  bad("{\"org\": \"St. Petersburg\"", "query");
  /* Missing fields. */
  bad("{\"dest\": \"Rockford\", \"days\": 3, " D3
      ", \"people_number\": 1, \"budget\": 1}",
      "field 'org': missing");
  bad("{" BASE D3 ", \"people_number\": 1, \"budget\": 1}",
      "field 'days': missing");
  bad("{" BASE "\"days\": 3, \"people_number\": 1, \"budget\": 1}",
      "field 'date': missing");
  bad("{" BASE "\"days\": 3, " D3 ", \"budget\": 1}",
      "field 'people_number': missing");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1}",
      "field 'budget': missing");
  /* Wrong types. */
  bad("{\"org\": 5, \"dest\": \"Rockford\", \"days\": 3, " D3
      ", \"people_number\": 1, \"budget\": 1}",
      "field 'org': expected a string, got a number");
  bad("{" BASE "\"days\": \"3\", " D3 ", \"people_number\": 1, \"budget\": 1}",
      "field 'days': expected an integer, got a string");
  bad("{" BASE "\"days\": 3.5, " D3 ", \"people_number\": 1, \"budget\": 1}",
      "field 'days': expected an integer");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": "
      "\"$1,700\"}",
      "field 'budget': expected a number, got a string");
  bad("{" BASE "\"days\": 3, \"date\": \"2022-03-16\", \"people_number\": 1, "
      "\"budget\": 1}",
      "field 'date': expected a list");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": [1]}",
      "field 'local_constraint': expected an object, got a list");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"cuisine\": \"Chinese\"}}",
      "field 'local_constraint.cuisine': expected a list");
  /* Values. */
  bad("{" BASE "\"days\": 4, \"date\": [\"2022-03-16\", \"2022-03-17\", "
      "\"2022-03-18\", \"2022-03-19\"], \"people_number\": 1, \"budget\": 1}",
      "field 'days': must be 3, 5 or 7 (got 4)");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": -5}",
      "field 'budget': must be >= 0 (got -5)");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 0, \"budget\": 1}",
      "field 'people_number': must be between 1 and 1000 (got 0)");
  bad("{" BASE "\"days\": 3, \"date\": [\"2022-03-16\", \"2022-03-17\"], "
      "\"people_number\": 1, \"budget\": 1}",
      "field 'date': expected 3 dates (days = 3), got 2");
  bad("{" BASE "\"days\": 3, \"date\": [\"2022-03-16\", \"2022-03-18\", "
      "\"2022-03-19\"], \"people_number\": 1, \"budget\": 1}",
      "dates must be consecutive days");
  bad("{" BASE "\"days\": 3, \"date\": [\"2022-02-28\", \"2022-02-29\", "
      "\"2022-03-01\"], \"people_number\": 1, \"budget\": 1}",
      "field 'date': item 2: '2022-02-29' is not a valid date");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"visiting_city_number\": 2}",
      "field 'visiting_city_number': must be between 1 and 1");
  /* Names. */
  bad("{\"org\": \"Gotham\", \"dest\": \"Rockford\", \"days\": 3, " D3
      ", \"people_number\": 1, \"budget\": 1}",
      "field 'org': unknown city 'Gotham'");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"Metropolis\", \"days\": 3, " D3
      ", \"people_number\": 1, \"budget\": 1}",
      "field 'dest': unknown city 'Metropolis'");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"Texas\", \"days\": 3, " D3
      ", \"people_number\": 1, \"budget\": 1}",
      "'Texas' is a state; a 3-day trip goes to one city");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"St. Petersburg\", \"days\": "
      "3, " D3 ", \"people_number\": 1, \"budget\": 1}",
      "field 'dest': same as 'org'");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"Dallas\", \"days\": 5, "
      "\"date\": [\"2022-03-16\", \"2022-03-17\", \"2022-03-18\", "
      "\"2022-03-19\", \"2022-03-20\"], \"people_number\": 1, \"budget\": 1}",
      "'Dallas' is a city; a 5-day trip goes to a state (e.g. 'Texas')");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"Narnia\", \"days\": 5, "
      "\"date\": [\"2022-03-16\", \"2022-03-17\", \"2022-03-18\", "
      "\"2022-03-19\", \"2022-03-20\"], \"people_number\": 1, \"budget\": 1}",
      "field 'dest': unknown state 'Narnia'");
  bad("{\"org\": \"St. Petersburg\", \"dest\": \"Rhode Island\", \"days\": 5, "
      "\"date\": [\"2022-03-16\", \"2022-03-17\", \"2022-03-18\", "
      "\"2022-03-19\", \"2022-03-20\"], \"people_number\": 1, \"budget\": 1}",
      "fewer than visiting_city_number = 2");
  /* Local constraints. */
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"house rule\": \"dogs\"}}",
      "field 'local_constraint.house rule': unknown value 'dogs' (allowed: "
      "'parties', 'smoking', 'children under 10', 'visitors', 'pets' or "
      "null)");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"room type\": \"suite\"}}",
      "field 'local_constraint.room type': unknown value 'suite'");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"transportation\": \"flight\"}}",
      "field 'local_constraint.transportation': unknown value 'flight'");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"flight time\": \"morning\"}}",
      "field 'local_constraint': unknown key 'flight time'");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"local_constraint\": {\"cuisine\": [\"\"]}}",
      "item 1: expected a non-empty string");
  bad("{" BASE "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1, "
      "\"level\": \"extreme\"}",
      "field 'level': must be 'easy', 'medium' or 'hard'");
  bad("{" BASE "\"days\": 3, \"date\": \"['2022-03-16', \", "
      "\"people_number\": 1, \"budget\": 1}",
      "not a list");
}

static void test_jsonl_errors(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/travel_queries_bad.jsonl", PLAN_BINARY_DIR);
  FILE *f = fopen(path, "w");
  ASSERT(f);
  fprintf(f, "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", \"days\": "
             "3, " D3 ", \"people_number\": 1, \"budget\": 1700}\n"
             "\n"
             "   \n"
             "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", \"days\": "
             "3, " D3 ", \"people_number\": 1, \"budget\": -1}\n");
  fclose(f);
  plan__travel_query **qs = NULL;
  size_t n = 7;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_STATUS(plan__travel_queries_load(path, db_once(), &qs, &n, &err),
                PLAN_EINVAL);
  ASSERT(qs == NULL);
  ASSERT_EQ(n, 0);
  ASSERT_EQ(err.line, 4);
  ASSERT_CONTAINS(err.text, "travel_queries_bad.jsonl:4: field 'budget': "
                            "must be >= 0");
  f = fopen(path, "w");
  fprintf(f, "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", "
             "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1}\n"
             "{not json}\n");
  fclose(f);
  ASSERT_STATUS(plan__travel_queries_load(path, db_once(), &qs, &n, &err),
                PLAN_EPARSE);
  ASSERT_EQ(err.line, 2);
  ASSERT_CONTAINS(err.text, "travel_queries_bad.jsonl:2:");
  /* Good file: idx defaults to the position. */
  f = fopen(path, "w");
  fprintf(f, "{\"org\": \"St. Petersburg\", \"dest\": \"Rockford\", "
             "\"days\": 3, " D3 ", \"people_number\": 1, \"budget\": 1}\n"
             "{\"idx\": 9, \"org\": \"St. Petersburg\", \"dest\": "
             "\"Rockford\", \"days\": 3, " D3
             ", \"people_number\": 2, \"budget\": 1}\n");
  fclose(f);
  ASSERT_OK(plan__travel_queries_load(path, db_once(), &qs, &n, &err));
  ASSERT_EQ(n, 2);
  ASSERT_EQ(qs[0]->idx, 1);
  ASSERT_EQ(qs[1]->idx, 9);
  plan__travel_queries_free(qs, n);
  ASSERT_STATUS(
      plan__travel_queries_load("/nonexistent.jsonl", NULL, &qs, &n, &err),
      PLAN_EIO);
}

static void test_names(void) {
  ASSERT_STR_EQ(plan__travel_rule_text(PLAN__TRAVEL_RULE_CHILDREN),
                "No children under 10");
  ASSERT_EQ(plan__travel_rule_bit(PLAN__TRAVEL_RULE_VISITORS),
            PLAN__TRAVEL_NO_VISITORS);
  ASSERT(plan__travel_rule_text(PLAN__TRAVEL_RULE_NONE) == NULL);
  ASSERT_STR_EQ(plan__travel_house_rule_name(PLAN__TRAVEL_RULE_PARTIES),
                "parties");
  ASSERT_STR_EQ(plan__travel_room_req_name(PLAN__TRAVEL_ROOMREQ_NOT_SHARED),
                "not shared room");
  ASSERT_STR_EQ(
      plan__travel_transport_req_name(PLAN__TRAVEL_TRANSPORT_NO_SELF_DRIVING),
      "no self-driving");
  ASSERT(plan__travel_room_ok(PLAN__TRAVEL_ROOMREQ_NOT_SHARED,
                              PLAN__TRAVEL_ROOM_PRIVATE));
  ASSERT(!plan__travel_room_ok(PLAN__TRAVEL_ROOMREQ_NOT_SHARED,
                               PLAN__TRAVEL_ROOM_SHARED));
  ASSERT(plan__travel_room_ok(PLAN__TRAVEL_ROOMREQ_ENTIRE,
                              PLAN__TRAVEL_ROOM_ENTIRE));
  ASSERT(!plan__travel_room_ok(PLAN__TRAVEL_ROOMREQ_PRIVATE,
                               PLAN__TRAVEL_ROOM_ENTIRE));
  ASSERT(
      plan__travel_room_ok(PLAN__TRAVEL_ROOMREQ_NONE, PLAN__TRAVEL_ROOM_OTHER));
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_train_queries);
  RUN(test_python_repr_fields);
  RUN(test_bad_queries);
  RUN(test_jsonl_errors);
  RUN(test_names);
  plan__travel_db_free(db_once());
  TEST_END();
}
