/* tests/unit/test_travel_solver_relax.c: relaxations of infeasible travel
 * queries: each proposal must come with a plan the evaluator passes, the
 * smallest change must come first, and the model's ranking (scripted
 * backend) must reorder them or, when its reply is unusable, leave them
 * alone. */
#include <unistd.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/db.h"
#include "solvers/travel/eval.h"
#include "solvers/travel/query.h"
#include "solvers/travel/relax.h"
#include "solvers/travel/solver.h"
#include "test.h"

#define SHARED PLAN_SOURCE_DIR "/../shared/data/travelplanner"

static plan__travel_db *full_db(void) {
  const char *dir = PLAN_SOURCE_DIR "/data/travel";
  if (access(dir, F_OK) != 0)
    dir = SHARED "/database";
  plan__travel_db *db = NULL;
  plan_error err;
  ASSERT_OK(plan__travel_db_load(dir, NULL, &db, &err));
  return db;
}

/* Train query 1's reference information (St. Petersburg - Rockford). */
static plan__travel_db *rockford_db(void) {
  char *text = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(SHARED "/train/train_ref_info.jsonl", 0, &text,
                            &len, &err));
  plan__travel_db *db = NULL;
  ASSERT_OK(
      plan__travel_db_from_ref_text(text, strcspn(text, "\n"), &db, &err));
  plan__free(text);
  return db;
}

static plan__travel_query *make_query(const plan__travel_db *db,
                                      const char *json) {
  plan__travel_query *q = NULL;
  plan_error err;
  plan_status st =
      plan__travel_query_from_text(json, strlen(json), db, &q, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  return q;
}

/* Proposes relaxations for q (which must be infeasible) and checks that
 * every one has a plan passing the evaluator in both modes. */
static void propose(plan__travel_db *db, const plan__travel_query *q,
                    plan__travel_relaxation **r, size_t *n) {
  plan__travel_solution sol;
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, NULL, &sol, &err));
  ASSERT(!sol.found);
  ASSERT_OK(plan__travel_relax_propose(db, q, &sol, r, n, &err));
  plan__travel_solution_clear(&sol);
  for (size_t i = 0; i < *n; i++) {
    const plan__travel_relaxation *x = &(*r)[i];
    fprintf(stderr, "   %zu. %s (size %.2f, cost %.0f)\n", i + 1, x->change,
            x->size, x->cost);
    ASSERT(i == 0 || (*r)[i - 1].size <= x->size);
    ASSERT(x->n_changes == 1 || x->n_changes == 2);
    ASSERT(x->cost <= x->query->budget);
    plan__travel_solution s;
    ASSERT_OK(plan__travel_solve(db, x->query, NULL, &s, &err));
    ASSERT(s.found);
    ASSERT_NEAR(s.total_cost, x->cost, 1e-9);
    for (int m = 0; m < 2; m++) {
      plan__travel_verdict v;
      ASSERT_OK(plan__travel_eval_plan(db, x->query, s.plan,
                                       (plan__travel_eval_mode)m, &v));
      ASSERT(v.final_pass);
    }
    plan__travel_solution_clear(&s);
  }
}

static const plan__travel_relaxation *
find_change(const plan__travel_relaxation *r, size_t n, const char *text) {
  for (size_t i = 0; i < n; i++)
    if (strstr(r[i].change, text))
      return &r[i];
  return NULL;
}

#define ROCKFORD(extra, budget)                                                \
  "{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\",\"days\":3,"              \
  "\"date\":[\"2022-03-16\",\"2022-03-17\",\"2022-03-18\"],"                   \
  "\"people_number\":1,\"budget\":" budget ",\"local_constraint\":{" extra     \
  "}}"

static void test_relax_budget(void) {
  plan__travel_db *db = rockford_db();
  plan__travel_query *q = make_query(db, ROCKFORD("", "1200"));
  plan__travel_relaxation *r;
  size_t n;
  propose(db, q, &r, &n);
  ASSERT(n >= 1);
  /* The cheapest plan costs $1305: raising the budget by $105 (0.875 in
   * tenths of the budget) is the smallest change. */
  ASSERT_STR_EQ(r[0].change, "raise the budget from $1200 to $1305 (+$105)");
  ASSERT_EQ(r[0].n_changes, 1);
  ASSERT_NEAR(r[0].budget_increase, 105, 0);
  ASSERT_NEAR(r[0].query->budget, 1305, 0);
  ASSERT_NEAR(r[0].size, 0.875, 1e-9);
  plan__travel_relaxations_free(r, n);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_relax_transport(void) {
  plan__travel_db *db = rockford_db();
  plan__travel_query *q =
      make_query(db, ROCKFORD("\"transportation\":\"no flight\"", "1700"));
  plan__travel_relaxation *r;
  size_t n;
  propose(db, q, &r, &n);
  ASSERT(n >= 1);
  ASSERT_STR_EQ(r[0].change, "allow flights (drop 'no flight')");
  ASSERT_EQ(r[0].query->transportation, PLAN__TRAVEL_TRANSPORT_ANY);
  ASSERT_NEAR(r[0].query->budget, 1700, 0);
  plan__travel_relaxations_free(r, n);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_relax_house_rule(void) {
  plan__travel_db *db = full_db();
  plan__travel_query *q = make_query(
      db, "{\"org\":\"Atlanta\",\"dest\":\"Nashville\",\"days\":3,"
          "\"date\":[\"2022-03-10\",\"2022-03-11\",\"2022-03-12\"],"
          "\"people_number\":2,\"budget\":5000,\"local_constraint\":{"
          "\"house rule\":\"pets\",\"room type\":\"entire room\"}}");
  plan__travel_relaxation *r;
  size_t n;
  propose(db, q, &r, &n);
  ASSERT(n >= 2);
  const plan__travel_relaxation *x =
      find_change(r, n, "drop the house rule 'pets'");
  ASSERT(x);
  ASSERT_EQ(x->query->house_rule, PLAN__TRAVEL_RULE_NONE);
  ASSERT_EQ(x->query->room_type, PLAN__TRAVEL_ROOMREQ_ENTIRE);
  ASSERT(find_change(r, n, "drop the room type 'entire room'"));
  /* Another city of Tennessee keeps both wishes. */
  x = find_change(r, n, "(Tennessee) instead of Nashville");
  ASSERT(x);
  ASSERT_EQ(x->query->house_rule, PLAN__TRAVEL_RULE_PETS);
  ASSERT(strcmp(x->query->dest, "Nashville") != 0);
  plan__travel_relaxations_free(r, n);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_relax_dates(void) {
  /* Reference information only has flights on the 16th and 18th: a trip a
   * day later needs the dates moved back. */
  plan__travel_db *db = rockford_db();
  plan__travel_query *q = make_query(
      db, "{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\",\"days\":3,"
          "\"date\":[\"2022-03-17\",\"2022-03-18\",\"2022-03-19\"],"
          "\"people_number\":1,\"budget\":3000}");
  plan__travel_relaxation *r;
  size_t n;
  propose(db, q, &r, &n);
  ASSERT(n >= 1);
  ASSERT_STR_EQ(r[0].change, "travel 1 day earlier (2022-03-16 to 2022-03-18)");
  ASSERT_STR_EQ(r[0].query->dates[0], "2022-03-16");
  plan__travel_relaxations_free(r, n);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

/* ======================================================================
 * Ranking by the model
 * ====================================================================== */

static void rank_with(const char *script, plan_status want,
                      const char *first_change) {
  plan__travel_db *db = full_db();
  plan__travel_query *q = make_query(
      db, "{\"org\":\"Atlanta\",\"dest\":\"Nashville\",\"days\":3,"
          "\"date\":[\"2022-03-10\",\"2022-03-11\",\"2022-03-12\"],"
          "\"people_number\":2,\"budget\":5000,\"local_constraint\":{"
          "\"house rule\":\"pets\",\"room type\":\"entire room\"}}");
  plan__travel_relaxation *r;
  size_t n;
  propose(db, q, &r, &n);
  ASSERT(n >= 3);
  char before[3][320];
  for (int i = 0; i < 3; i++)
    plan__fmt(before[i], sizeof before[i], "%s", r[i].change);
  plan_llm *llm = NULL;
  plan_scheduler *sched = NULL;
  plan_error err;
  ASSERT_OK(plan_llm_scripted_create(script, NULL, &llm, &err));
  plan_scheduler_options so;
  plan_scheduler_options_init(&so, PLAN_SCHEDULER_OPTIONS_VERSION);
  ASSERT_OK(plan_scheduler_create(llm, &so, &sched, &err));
  ASSERT_STATUS(plan__travel_relax_rank_llm(sched, NULL, q, r, n, &err), want);
  if (first_change) {
    ASSERT_STR_EQ(r[0].change, before[2]);
    ASSERT_STR_EQ(r[1].change, before[0]);
    ASSERT_STR_EQ(r[2].change, before[1]);
  } else {
    for (int i = 0; i < 3; i++)
      ASSERT_STR_EQ(r[i].change, before[i]);
  }
  plan_scheduler_destroy(sched);
  plan_llm_destroy(llm);
  plan__travel_relaxations_free(r, n);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_rank_llm(void) {
  /* The prompt lists the changes; the reply puts the third first. */
  rank_with("[{\"match\":\"(?s)No plan satisfies every constraint.*3\\\\. \","
            "\"reply\":\"{\\\"order\\\": [3, 1]}\"}]",
            PLAN_OK, "third");
}

static void test_rank_llm_bad_reply(void) {
  rank_with("[{\"reply\":\"I would drop the dog.\"}]", PLAN_EPARSE, NULL);
  rank_with("[{\"reply\":\"{\\\"order\\\": [99]}\"}]", PLAN_EPARSE, NULL);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_relax_budget);
  RUN(test_relax_transport);
  RUN(test_relax_house_rule);
  RUN(test_relax_dates);
  RUN(test_rank_llm);
  RUN(test_rank_llm_bad_reply);
  TEST_END();
}
