/* tests/unit/test_travel_eval_golden.c: the official TravelPlanner verdicts
 * reproduced by our evaluator in official mode: the 45 annotated train plans
 * (all pass; train/annotated_plan_official_eval.jsonl) and the 21 broken
 * plans of train/official_eval_fixtures.jsonl, per constraint, with the
 * total cost and the commonsense messages, on the real database. Also the
 * train metrics, and the same plans judged in sole-planning mode (from each
 * query's reference information) and in strict mode.
 */
#include <math.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/eval.h"
#include "test.h"

#define TP PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static plan__travel_db *load_db(void) {
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__travel_db *db = NULL;
  plan_status st = plan__travel_db_load(TP "/database", NULL, &db, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "load: %s\n", err.text);
  ASSERT_OK(st);
  return db;
}

/* Reads a JSONL file into a JSON array (new reference). */
static json_t *read_jsonl(const char *path) {
  char *text = NULL;
  size_t len = 0;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &text, &len, &err));
  json_t *arr = json_array();
  size_t pos = 0;
  while (pos < len) {
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    if (end > pos) {
      json_t *j = plan__json_parse(text + pos, end - pos, path, &err);
      ASSERT(j);
      json_array_append_new(arr, j);
    }
    pos = end + 1;
  }
  plan__free(text);
  return arr;
}

/* Compares one box ("commonsense" or "hard") of a verdict with the
 * official one; both may be null. */
static void same_box(const json_t *ours, const json_t *theirs, const char *what,
                     const char *name) {
  if (json_is_null(theirs) || !theirs) {
    if (!json_is_null(ours)) {
      fprintf(stderr, "%s: %s: expected null box\n", name, what);
      ASSERT(0);
    }
    return;
  }
  ASSERT(json_is_object(ours));
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)theirs, key, val) {
    /* Older upstream revisions spell the key "is_reasonalbe_...". */
    const json_t *o = json_object_get(ours, key);
    if (!o && strcmp(key, "is_reasonalbe_visiting_city") == 0)
      o = json_object_get(ours, "is_reasonable_visiting_city");
    if (!o || !json_equal((json_t *)o, val)) {
      char *a = o ? json_dumps(o, JSON_ENCODE_ANY) : NULL;
      char *b = json_dumps(val, JSON_ENCODE_ANY);
      fprintf(stderr, "%s: %s.%s: ours %s, official %s\n", name, what, key,
              a ? a : "(missing)", b);
      free(a);
      free(b);
      ASSERT(0);
    }
  }
}

static plan__travel_query *query_of(const json_t *obj,
                                    const plan__travel_db *db) {
  plan__travel_query *q = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st = plan__travel_query_from_json(obj, db, &q, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "query: %s\n", err.text);
  ASSERT_OK(st);
  return q;
}

static void test_annotated_plans_all_pass(void) {
  plan__travel_db *db = load_db();
  json_t *queries = read_jsonl(TP "/train/train_queries.jsonl");
  json_t *gold = read_jsonl(TP "/train/annotated_plan_official_eval.jsonl");
  ASSERT_EQ(json_array_size(queries), 45);
  ASSERT_EQ(json_array_size(gold), 45);
  plan__travel_metrics m;
  plan__travel_metrics_init(&m);
  for (size_t i = 0; i < 45; i++) {
    const json_t *qj = json_array_get(queries, i);
    const json_t *g = json_array_get(gold, i);
    plan__travel_query *q = query_of(qj, db);
    const json_t *plan = json_object_get(qj, "annotated_plan");
    plan__travel_verdict v;
    ASSERT_OK(
        plan__travel_eval_plan(db, q, plan, PLAN__TRAVEL_EVAL_OFFICIAL, &v));
    json_t *vj = plan__travel_verdict_to_json(&v);
    char name[32];
    snprintf(name, sizeof name, "train %zu", i + 1);
    same_box(json_object_get(vj, "commonsense"),
             json_object_get(g, "commonsense"), "commonsense", name);
    same_box(json_object_get(vj, "hard"), json_object_get(g, "hard"), "hard",
             name);
    double want = json_number_value(json_object_get(g, "total_cost"));
    if (fabs(v.total_cost - want) > 1e-9)
      fprintf(stderr, "%s: total cost %.2f, official %.2f\n", name,
              v.total_cost, want);
    ASSERT_NEAR(v.total_cost, want, 1e-9);
    ASSERT(v.final_pass);
    plan__travel_metrics_add(&m, q, &v);
    json_decref(vj);
    plan__travel_query_free(q);
  }
  /* The train denominators computed from the queries equal eval.py's. */
  ASSERT_EQ(m.cs_total, 360);
  ASSERT_EQ(m.hard_total, 105);
  plan__travel_rates r = plan__travel_metrics_rates(&m);
  ASSERT_NEAR(r.delivery, 1, 1e-12);
  ASSERT_NEAR(r.commonsense_micro, 1, 1e-12);
  ASSERT_NEAR(r.commonsense_macro, 1, 1e-12);
  ASSERT_NEAR(r.hard_micro, 1, 1e-12);
  ASSERT_NEAR(r.hard_macro, 1, 1e-12);
  ASSERT_NEAR(r.final_pass, 1, 1e-12);
  json_decref(queries);
  json_decref(gold);
  plan__travel_db_free(db);
}

static void test_official_fixtures(void) {
  plan__travel_db *db = load_db();
  json_t *fx = read_jsonl(TP "/train/official_eval_fixtures.jsonl");
  ASSERT_EQ(json_array_size(fx), 21);
  for (size_t i = 0; i < json_array_size(fx); i++) {
    const json_t *f = json_array_get(fx, i);
    const char *name = json_string_value(json_object_get(f, "name"));
    const json_t *off = json_object_get(f, "official");
    plan__travel_query *q = query_of(json_object_get(f, "query"), db);
    plan__travel_verdict v;
    ASSERT_OK(plan__travel_eval_plan(db, q, json_object_get(f, "plan"),
                                     PLAN__TRAVEL_EVAL_OFFICIAL, &v));
    json_t *vj = plan__travel_verdict_to_json(&v);
    same_box(json_object_get(vj, "commonsense"),
             json_object_get(off, "commonsense"), "commonsense", name);
    same_box(json_object_get(vj, "hard"), json_object_get(off, "hard"), "hard",
             name);
    double want = json_number_value(json_object_get(off, "total_cost"));
    if (fabs(v.total_cost - want) > 1e-9)
      fprintf(stderr, "%s: total cost %.2f, official %.2f\n", name,
              v.total_cost, want);
    ASSERT_NEAR(v.total_cost, want, 1e-9);
    /* The commonsense messages are upstream's, word for word. */
    const char *key;
    json_t *msg;
    json_object_foreach(json_object_get(off, "commonsense_msgs"), key, msg) {
      const json_t *ours =
          json_object_get(json_object_get(vj, "messages"), key);
      if (!ours ||
          strcmp(json_string_value(ours), json_string_value(msg)) != 0) {
        fprintf(stderr, "%s: message %s:\n  ours     %s\n  official %s\n", name,
                key, ours ? json_string_value(ours) : "(none)",
                json_string_value(msg));
        ASSERT(0);
      }
    }
    json_decref(vj);
    plan__travel_query_free(q);
  }
  json_decref(fx);
  plan__travel_db_free(db);
}

/* Sole planning: each annotated plan judged against a database built from
 * its own reference information passes too, in both modes, except train
 * #42: its day 4 lists three San Angelo attractions while staying in San
 * Antonio (upstream's stay-day check is vacuous), and San Angelo is not in
 * that query's reference information. */
static void test_annotated_plans_on_reference_information(void) {
  json_t *queries = read_jsonl(TP "/train/train_queries.jsonl");
  json_t *refs = read_jsonl(TP "/train/train_ref_info.jsonl");
  for (size_t i = 0; i < 45; i++) {
    const json_t *qj = json_array_get(queries, i);
    plan__travel_db *db = NULL;
    plan_error err;
    ASSERT_OK(plan__travel_db_from_ref(json_array_get(refs, i), &db, &err));
    ASSERT(plan__travel_db_is_ref(db));
    plan__travel_query *q = query_of(qj, db);
    for (int mode = 0; mode < 2; mode++) {
      plan__travel_verdict v;
      ASSERT_OK(plan__travel_eval_plan(db, q,
                                       json_object_get(qj, "annotated_plan"),
                                       (plan__travel_eval_mode)mode, &v));
      if (i + 1 == 42) {
        ASSERT(!v.final_pass);
        ASSERT_EQ(v.value[PLAN__TRAVEL_CS_SANDBOX], PLAN__TRAVEL_FAIL);
        ASSERT_CONTAINS(v.message[PLAN__TRAVEL_CS_SANDBOX],
                        "San Angelo Museum of Fine Arts");
        ASSERT_EQ(v.value[PLAN__TRAVEL_CS_CURRENT_CITY],
                  mode ? PLAN__TRAVEL_FAIL : PLAN__TRAVEL_PASS);
        continue;
      }
      if (!v.final_pass)
        for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
          if (v.message[c][0])
            fprintf(stderr, "train %zu (%s): %s: %s\n", i + 1,
                    mode ? "strict" : "official",
                    plan__travel_check_key((plan__travel_check)c),
                    v.message[c]);
      ASSERT(v.final_pass);
      /* The same total as on the full database. */
      ASSERT(v.total_cost > 0 && v.total_cost <= q->budget);
    }
    plan__travel_query_free(q);
    plan__travel_db_free(db);
  }
  json_decref(queries);
  json_decref(refs);
}

/* The annotated plans also pass the strict checks on the full database,
 * except train #42 (attractions of San Angelo and Houston on San Antonio
 * days): strict "within current city" catches it, and only that. */
static void test_annotated_plans_strict(void) {
  plan__travel_db *db = load_db();
  json_t *queries = read_jsonl(TP "/train/train_queries.jsonl");
  json_t *gold = read_jsonl(TP "/train/annotated_plan_official_eval.jsonl");
  for (size_t i = 0; i < 45; i++) {
    const json_t *qj = json_array_get(queries, i);
    plan__travel_query *q = query_of(qj, db);
    plan__travel_verdict v;
    ASSERT_OK(plan__travel_eval_plan(db, q,
                                     json_object_get(qj, "annotated_plan"),
                                     PLAN__TRAVEL_EVAL_STRICT, &v));
    /* Exact names resolve to the rows the substring match finds, except
     * twice, where upstream's substring match takes an earlier row whose
     * name merely contains the plan's: train #11 "Giani, Moab" is the $32
     * "Giani", not the $63 "Giani's" (1 person: $31 less); train #21
     * "Pizza Hut, Philadelphia" is the $61 "Pizza Hut", not the $76 "Pizza
     * Hut Delivery" (6 people: $90 less). */
    double want = json_number_value(
        json_object_get(json_array_get(gold, i), "total_cost"));
    if (i + 1 == 11)
      want -= 31;
    if (i + 1 == 21)
      want -= 90;
    if (fabs(v.total_cost - want) > 1e-9)
      fprintf(stderr, "strict train %zu: cost %.0f, official %.0f\n", i + 1,
              v.total_cost, want);
    ASSERT_NEAR(v.total_cost, want, 1e-9);
    for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++) {
      bool expect_fail = i + 1 == 42 && c == PLAN__TRAVEL_CS_CURRENT_CITY;
      if ((v.value[c] == PLAN__TRAVEL_FAIL) != expect_fail) {
        fprintf(stderr, "strict train %zu: %s: %s\n", i + 1,
                plan__travel_check_key((plan__travel_check)c), v.message[c]);
        ASSERT(0);
      }
    }
    plan__travel_query_free(q);
  }
  json_decref(queries);
  json_decref(gold);
  plan__travel_db_free(db);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_annotated_plans_all_pass);
  RUN(test_official_fixtures);
  RUN(test_annotated_plans_on_reference_information);
  RUN(test_annotated_plans_strict);
  TEST_END();
}
