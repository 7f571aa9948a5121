/* tests/unit/test_travel_solver.c: the exact travel solver. Every one of the
 * 45 TravelPlanner train queries must get a plan that the evaluator passes
 * in both modes, with exactly the cost the evaluator computes, both from
 * the query's own reference information (sole planning) and from the full
 * database; --first must return a plan within budget; infeasible queries
 * must produce the conflicts a user can act on; the submission strings
 * must follow the benchmark's conventions. */
#include <math.h>
#include <unistd.h>

#include "benchmarks/travelplanner/travelplanner.h"
#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/db.h"
#include "solvers/travel/eval.h"
#include "solvers/travel/query.h"
#include "solvers/travel/solver.h"
#include "test.h"

#define SHARED PLAN_SOURCE_DIR "/../shared/data/travelplanner"

/* The full database: the embedded one if present, else the shared copy. */
static plan__travel_db *full_db(void) {
  const char *dir = PLAN_SOURCE_DIR "/data/travel";
  if (access(dir, F_OK) != 0)
    dir = SHARED "/database";
  plan__travel_db *db = NULL;
  plan_error err;
  plan_status st = plan__travel_db_load(dir, NULL, &db, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "load %s: %s\n", dir, err.text);
  ASSERT_OK(st);
  return db;
}

static plan__travel_query **train_queries(const plan__travel_db *db,
                                          size_t *n) {
  plan__travel_query **qs = NULL;
  plan_error err;
  plan_status st = plan__travel_queries_load(
      SHARED "/train/train_queries.jsonl", db, &qs, n, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  ASSERT_EQ(*n, 45);
  return qs;
}

/* The reference-information database of train query i (0-based). */
static plan__travel_db *ref_db(size_t i) {
  char *text = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(SHARED "/train/train_ref_info.jsonl", 0, &text,
                            &len, &err));
  char *line = text;
  for (size_t k = 0; k < i; k++) {
    line = strchr(line, '\n');
    ASSERT(line);
    line++;
  }
  char *end = strchr(line, '\n');
  size_t n = end ? (size_t)(end - line) : strlen(line);
  plan__travel_db *db = NULL;
  plan_status st = plan__travel_db_from_ref_text(line, n, &db, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "ref %zu: %s\n", i, err.text);
  ASSERT_OK(st);
  plan__free(text);
  return db;
}

/* Evaluates plan in both modes: every check passes and both modes charge
 * exactly cost. */
static void assert_passes(plan__travel_db *db, const plan__travel_query *q,
                          const json_t *plan, double cost) {
  for (int m = 0; m < 2; m++) {
    plan__travel_verdict v;
    ASSERT_OK(plan__travel_eval_plan(
        db, q, plan, m ? PLAN__TRAVEL_EVAL_STRICT : PLAN__TRAVEL_EVAL_OFFICIAL,
        &v));
    if (!v.final_pass) {
      char *s = json_dumps(plan, JSON_INDENT(1));
      fprintf(stderr, "query %lld (%s mode) fails:\n%s\n", (long long)q->idx,
              m ? "strict" : "official", s);
      free(s);
      for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++)
        if (v.value[c] == PLAN__TRAVEL_FAIL)
          fprintf(stderr, "  %s: %s\n",
                  plan__travel_check_key((plan__travel_check)c), v.message[c]);
    }
    ASSERT(v.final_pass);
    ASSERT_NEAR(v.total_cost, cost, 1e-6);
    ASSERT(v.total_cost <= q->budget);
  }
}

/* Solves q on db and checks the plan with the evaluator; returns the
 * cost. */
static double solve_ok(plan__travel_db *db, const plan__travel_query *q,
                       bool first) {
  plan__travel_solve_options o;
  plan__travel_solve_options_init(&o, PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
  o.first = first;
  plan__travel_solution s;
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, &o, &s, &err));
  if (!s.found) {
    fprintf(stderr, "query %lld: no plan\n", (long long)q->idx);
    for (size_t i = 0; i < s.n_conflicts; i++)
      fprintf(stderr, "  %s\n", s.conflicts[i].message);
  }
  ASSERT(s.found);
  ASSERT(s.plan);
  ASSERT_EQ(json_array_size(s.plan), q->days);
  ASSERT_EQ(s.n_conflicts, 0);
  ASSERT_NEAR(s.total_cost,
              s.cost_transport + s.cost_accommodation + s.cost_meals, 1e-6);
  assert_passes(db, q, s.plan, s.total_cost);
  double cost = s.total_cost;
  plan__travel_solution_clear(&s);
  return cost;
}

static void test_train_sole_planning(void) {
  plan__travel_db *full = full_db();
  size_t n;
  plan__travel_query **qs = train_queries(full, &n);
  for (size_t i = 0; i < n; i++) {
    plan__travel_db *db = ref_db(i);
    double cost = solve_ok(db, qs[i], false);
    double first = solve_ok(db, qs[i], true);
    ASSERT(first >= cost);
    plan__travel_db_free(db);
  }
  plan__travel_queries_free(qs, n);
  plan__travel_db_free(full);
}

static void test_train_full_database(void) {
  plan__travel_db *db = full_db();
  size_t n;
  plan__travel_query **qs = train_queries(db, &n);
  for (size_t i = 0; i < n; i++) {
    double cost = solve_ok(db, qs[i], false);
    double first = solve_ok(db, qs[i], true);
    ASSERT(first >= cost);
  }
  plan__travel_queries_free(qs, n);
  plan__travel_db_free(db);
}

/* The cheapest plan is never more expensive than the annotators' plan
 * (which passes the official evaluator within budget). */
static void test_cheaper_than_annotated(void) {
  plan__travel_db *full = full_db();
  size_t n;
  plan__travel_query **qs = train_queries(full, &n);
  char *text = NULL;
  size_t len;
  plan_error err;
  ASSERT_OK(plan__read_file(SHARED "/train/annotated_plan_official_eval.jsonl",
                            0, &text, &len, &err));
  char *line = text;
  for (size_t i = 0; i < n; i++) {
    json_t *j = plan__json_parse(line, strcspn(line, "\n"), "golden", &err);
    ASSERT(j);
    double annotated;
    ASSERT(plan__json_num(j, "total_cost", &annotated));
    json_decref(j);
    plan__travel_db *db = ref_db(i);
    plan__travel_solution s;
    ASSERT_OK(plan__travel_solve(db, qs[i], NULL, &s, &err));
    ASSERT(s.found);
    ASSERT(s.total_cost <= annotated);
    plan__travel_solution_clear(&s);
    plan__travel_db_free(db);
    line = strchr(line, '\n');
    ASSERT(line || i + 1 == n);
    if (line)
      line++;
  }
  plan__free(text);
  plan__travel_queries_free(qs, n);
  plan__travel_db_free(full);
}

/* ======================================================================
 * Infeasible queries
 * ====================================================================== */

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

/* Solves q expecting no plan; returns the solution for inspection. */
static void solve_none(plan__travel_db *db, const plan__travel_query *q,
                       plan__travel_solution *s) {
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, NULL, s, &err));
  ASSERT(!s->found);
  ASSERT(!s->plan);
  ASSERT(s->n_conflicts > 0);
  for (size_t i = 0; i < s->n_conflicts; i++)
    fprintf(stderr, "   [%s] %s: %s\n",
            plan__travel_conflict_kind_name(s->conflicts[i].kind),
            s->conflicts[i].place, s->conflicts[i].message);
}

static const plan__travel_conflict *
find_conflict(const plan__travel_solution *s, plan__travel_conflict_kind k,
              const char *place) {
  for (size_t i = 0; i < s->n_conflicts; i++)
    if (s->conflicts[i].kind == k &&
        (!place || !strcmp(s->conflicts[i].place, place)))
      return &s->conflicts[i];
  return NULL;
}

#define ROCKFORD(extra, budget)                                                \
  "{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\",\"days\":3,"              \
  "\"date\":[\"2022-03-16\",\"2022-03-17\",\"2022-03-18\"],"                   \
  "\"people_number\":1,\"budget\":" budget ",\"local_constraint\":{" extra     \
  "}}"

static void test_conflict_budget(void) {
  plan__travel_db *db = ref_db(0);
  plan__travel_query *q = make_query(db, ROCKFORD("", "1700"));
  double cheapest = solve_ok(db, q, false);
  plan__travel_query_free(q);
  q = make_query(db, ROCKFORD("", "1000"));
  plan__travel_solution s;
  solve_none(db, q, &s);
  ASSERT_EQ(s.n_conflicts, 1);
  const plan__travel_conflict *c =
      find_conflict(&s, PLAN__TRAVEL_CONFLICT_BUDGET, "total");
  ASSERT(c);
  ASSERT_NEAR(c->amount, cheapest - 1000, 1e-9);
  ASSERT_STR_EQ(c->unit, "USD");
  char want[64];
  plan__fmt(want, sizeof want, "budget short by $%.0f at the cheapest plan",
            cheapest - 1000);
  ASSERT_CONTAINS(c->message, want);
  ASSERT_NEAR(s.min_cost, cheapest, 1e-9);
  /* --first with a short budget reports the same conflict. */
  plan__travel_solve_options o;
  plan__travel_solve_options_init(&o, PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
  o.first = true;
  plan__travel_solution f;
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, &o, &f, &err));
  ASSERT(!f.found);
  ASSERT_EQ(f.n_conflicts, 1);
  ASSERT_NEAR(f.conflicts[0].amount, cheapest - 1000, 1e-9);
  plan__travel_solution_clear(&f);
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_conflict_transport(void) {
  /* The reference information has only flights between St. Petersburg and
   * Rockford, no road route: excluding flights leaves both legs empty. */
  plan__travel_db *db = ref_db(0);
  plan__travel_query *q =
      make_query(db, ROCKFORD("\"transportation\":\"no flight\"", "5000"));
  plan__travel_solution s;
  solve_none(db, q, &s);
  const plan__travel_conflict *c =
      find_conflict(&s, PLAN__TRAVEL_CONFLICT_TRANSPORT,
                    "St. Petersburg -> Rockford on 2022-03-16");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "flights are excluded ('no flight')");
  ASSERT_CONTAINS(c->message, "no road route");
  ASSERT(find_conflict(&s, PLAN__TRAVEL_CONFLICT_TRANSPORT,
                       "Rockford -> St. Petersburg on 2022-03-18"));
  ASSERT_EQ(s.min_cost, -1);
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);

  /* A day without flights in the reference information. */
  q = make_query(db, "{\"org\":\"St. Petersburg\",\"dest\":\"Rockford\","
                     "\"days\":3,\"date\":[\"2022-03-17\",\"2022-03-18\","
                     "\"2022-03-19\"],\"people_number\":1,\"budget\":5000}");
  solve_none(db, q, &s);
  c = find_conflict(&s, PLAN__TRAVEL_CONFLICT_TRANSPORT,
                    "St. Petersburg -> Rockford on 2022-03-17");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "there is no flight from St. Petersburg to "
                              "Rockford on 2022-03-17");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

#define TRIP3(org, dest, people, extra)                                        \
  "{\"org\":\"" org "\",\"dest\":\"" dest "\",\"days\":3,"                     \
  "\"date\":[\"2022-03-10\",\"2022-03-11\",\"2022-03-12\"],"                   \
  "\"people_number\":" people ",\"budget\":100000,"                            \
  "\"local_constraint\":{" extra "}}"

static void test_conflict_accommodation(void) {
  plan__travel_db *db = full_db();
  /* Nashville has entire homes, but none allows pets. */
  plan__travel_query *q = make_query(
      db, TRIP3("Atlanta", "Nashville", "4",
                "\"house rule\":\"pets\",\"room type\":\"entire room\""));
  plan__travel_solution s;
  solve_none(db, q, &s);
  const plan__travel_conflict *c =
      find_conflict(&s, PLAN__TRAVEL_CONFLICT_HOUSE_RULE, "Nashville");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "no accommodation in Nashville that is an "
                              "entire home/apt allows pets");
  ASSERT_EQ(s.n_conflicts, 1);
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);

  /* Every listing in Key West needs more than the trip's 2 nights. */
  q = make_query(db, TRIP3("Atlanta", "Key West", "1", ""));
  solve_none(db, q, &s);
  c = find_conflict(&s, PLAN__TRAVEL_CONFLICT_MIN_NIGHTS, "Key West");
  ASSERT(c);
  ASSERT(c->amount >= 1);
  ASSERT_STR_EQ(c->unit, "nights");
  ASSERT_CONTAINS(c->message, "this trip allows at most 2 there");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);

  /* Shared rooms are rare. */
  q = make_query(
      db, TRIP3("Atlanta", "Nashville", "1", "\"room type\":\"shared room\""));
  plan__travel_solution_init(&s);
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, NULL, &s, &err));
  if (!s.found)
    ASSERT(find_conflict(&s, PLAN__TRAVEL_CONFLICT_ROOM_TYPE, "Nashville"));
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_conflict_attractions_cuisine(void) {
  plan__travel_db *db = full_db();
  /* Sarasota has no attraction for the full day of a 3-day trip. */
  plan__travel_query *q = make_query(db, TRIP3("Atlanta", "Sarasota", "1", ""));
  plan__travel_solution s;
  solve_none(db, q, &s);
  const plan__travel_conflict *c =
      find_conflict(&s, PLAN__TRAVEL_CONFLICT_ATTRACTIONS, "Sarasota");
  ASSERT(c);
  ASSERT_NEAR(c->amount, 1, 0);
  ASSERT_CONTAINS(c->message, "Sarasota has 0 attractions");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);

  /* No restaurant in Kansas City serves Chinese food. */
  q = make_query(db, TRIP3("Atlanta", "Kansas City", "2",
                           "\"cuisine\":[\"Chinese\",\"Italian\"]"));
  solve_none(db, q, &s);
  c = find_conflict(&s, PLAN__TRAVEL_CONFLICT_CUISINE, "Kansas City");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "no restaurant in Kansas City serves Chinese");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);

  /* An unknown cuisine name is reported as such. */
  q = make_query(db, TRIP3("Atlanta", "Denver", "1",
                           "\"cuisine\":[\"Thai\",\"Italian\"]"));
  solve_none(db, q, &s);
  c = find_conflict(&s, PLAN__TRAVEL_CONFLICT_CUISINE, "Thai");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "'Thai' is not a cuisine");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_conflict_destination(void) {
  /* Train query 6 (Orlando -> Texas) describes two Texan cities; three
   * cannot be visited from that reference information. */
  plan__travel_db *db = ref_db(5);
  plan__travel_query *q = make_query(
      db, "{\"org\":\"Orlando\",\"dest\":\"Texas\",\"days\":5,"
          "\"visiting_city_number\":3,\"date\":[\"2022-03-10\","
          "\"2022-03-11\",\"2022-03-12\",\"2022-03-13\",\"2022-03-14\"],"
          "\"people_number\":1,\"budget\":9000}");
  plan__travel_solution s;
  solve_none(db, q, &s);
  const plan__travel_conflict *c =
      find_conflict(&s, PLAN__TRAVEL_CONFLICT_DESTINATION, "Texas");
  ASSERT(c);
  ASSERT_CONTAINS(c->message, "the reference information describes 2 cities "
                              "of Texas; the trip needs 3");
  ASSERT_NEAR(c->amount, 1, 0);
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

/* ======================================================================
 * Output format
 * ====================================================================== */

static void test_submission_format(void) {
  plan__travel_db *db = full_db();
  size_t n;
  plan__travel_query **qs = train_queries(db, &n);
  const plan__travel_query *q = qs[41]; /* 7 days, 3 cities of Texas */
  plan__travel_solution s;
  plan_error err;
  ASSERT_OK(plan__travel_solve(db, q, NULL, &s, &err));
  ASSERT(s.found);
  static const char *const keys[] = {
      "days",       "current_city", "transportation", "breakfast",
      "attraction", "lunch",        "dinner",         "accommodation"};
  size_t i;
  json_t *day;
  int travel_days = 0;
  json_array_foreach(s.plan, i, day) {
    ASSERT_EQ(json_object_size(day), 8);
    for (size_t k = 0; k < PLAN_ARRAY_LEN(keys); k++)
      ASSERT(json_object_get(day, keys[k]));
    ASSERT_EQ(json_integer_value(json_object_get(day, "days")), i + 1);
    const char *cc = json_string_value(json_object_get(day, "current_city"));
    const char *tr = json_string_value(json_object_get(day, "transportation"));
    const char *at = json_string_value(json_object_get(day, "attraction"));
    const char *ac = json_string_value(json_object_get(day, "accommodation"));
    if (!strncmp(cc, "from ", 5)) {
      travel_days++;
      ASSERT(strcmp(tr, "-") != 0);
      ASSERT(strstr(tr, cc)); /* "..., from A to B, ..." */
    } else {
      ASSERT_STR_EQ(tr, "-");
      ASSERT(at[strlen(at) - 1] == ';');
    }
    if (i + 1 == n || i + 1 == (size_t)q->days)
      ASSERT_STR_EQ(ac, "-");
    else
      ASSERT(strstr(ac, ", "));
  }
  ASSERT_EQ(travel_days, 4);
  const char *first = json_string_value(
      json_object_get(json_array_get(s.plan, 0), "current_city"));
  ASSERT(!strncmp(first, "from Seattle to ", 16));
  const char *last = json_string_value(
      json_object_get(json_array_get(s.plan, 6), "current_city"));
  ASSERT(strstr(last, " to Seattle"));

  json_t *line = plan__travel_submission(q, s.plan);
  ASSERT(line);
  ASSERT_EQ(json_integer_value(json_object_get(line, "idx")), 42);
  ASSERT_STR_EQ(json_string_value(json_object_get(line, "query")), q->nl_query);
  ASSERT(json_object_get(line, "plan") == s.plan);
  json_decref(line);

  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__travel_plan_summary(s.plan, &b));
  ASSERT_CONTAINS(b.data, "Day 1  from Seattle to ");
  ASSERT_CONTAINS(b.data, "  stay       ");
  ASSERT_CONTAINS(b.data, "Day 7  from ");
  plan__buf_free(&b);
  plan__travel_solution_clear(&s);
  plan__travel_queries_free(qs, n);
  plan__travel_db_free(db);
}

static void test_conflicts_json(void) {
  plan__travel_db *db = ref_db(0);
  plan__travel_query *q = make_query(db, ROCKFORD("", "1000"));
  plan__travel_solution s;
  solve_none(db, q, &s);
  json_t *j = plan__travel_conflicts_to_json(s.conflicts, s.n_conflicts);
  ASSERT(j);
  ASSERT_EQ(json_array_size(j), 1);
  json_t *c = json_array_get(j, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "constraint")), "budget");
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "place")), "total");
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "unit")), "USD");
  ASSERT(json_real_value(json_object_get(c, "amount")) > 0);
  ASSERT(json_string_value(json_object_get(c, "message")));
  json_decref(j);
  json_t *line = plan__travel_submission(q, NULL);
  ASSERT(json_is_null(json_object_get(line, "plan")));
  json_decref(line);
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

static void test_bad_arguments(void) {
  plan__travel_solution s;
  plan_error err;
  ASSERT_STATUS(plan__travel_solve(NULL, NULL, NULL, &s, &err), PLAN_EINVAL);
  ASSERT(!s.found && !s.plan);
  plan__travel_db *db = ref_db(0);
  plan__travel_query *q = make_query(NULL, ROCKFORD("", "1000"));
  plan__free(q->org);
  q->org = plan__strdup("Atlantis");
  ASSERT_STATUS(plan__travel_solve(db, q, NULL, &s, &err), PLAN_EINVAL);
  ASSERT_CONTAINS(err.text, "'Atlantis' is not a city");
  plan__travel_solution_clear(&s);
  plan__travel_query_free(q);
  plan__travel_db_free(db);
}

/* The subtree bound is admissible: on generated queries (the benchmark's
 * generator and budget formula) the branch and bound finds the same
 * cheapest cost, or the same infeasibility, as the search that costs
 * every choice; every plan passes the evaluator. */
static void test_bound_is_admissible(void) {
  plan__travel_db *db = full_db();
  plan__travel_gen_options go;
  plan__travel_gen_options_init(&go, PLAN__TRAVEL_GEN_OPTIONS_VERSION);
  plan__travel_query **qs = NULL;
  plan_error err;
  const size_t n = 120;
  ASSERT_OK(plan__travel_gen_queries(db, n, 7, &go, &qs, &err));
  size_t found = 0;
  for (size_t i = 0; i < n; i++) {
    plan__travel_solve_options o;
    plan__travel_solve_options_init(&o, PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
    plan__travel_solution a, b;
    ASSERT_OK(plan__travel_solve(db, qs[i], &o, &a, &err));
    o.no_bound = true;
    ASSERT_OK(plan__travel_solve(db, qs[i], &o, &b, &err));
    ASSERT_EQ(a.found, b.found);
    ASSERT_NEAR(a.min_cost, b.min_cost, 1e-9);
    ASSERT(b.stats.nodes >= a.stats.nodes);
    if (a.found) {
      found++;
      assert_passes(db, qs[i], a.plan, a.total_cost);
    } else {
      ASSERT(a.n_conflicts > 0);
      ASSERT_EQ(a.n_conflicts, b.n_conflicts);
    }
    plan__travel_solution_clear(&a);
    plan__travel_solution_clear(&b);
  }
  ASSERT(found > n / 3);
  plan__travel_queries_free(qs, n);
  plan__travel_db_free(db);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_train_sole_planning);
  RUN(test_train_full_database);
  RUN(test_cheaper_than_annotated);
  RUN(test_conflict_budget);
  RUN(test_conflict_transport);
  RUN(test_conflict_accommodation);
  RUN(test_conflict_attractions_cuisine);
  RUN(test_conflict_destination);
  RUN(test_submission_format);
  RUN(test_conflicts_json);
  RUN(test_bad_arguments);
  RUN(test_bound_is_admissible);
  TEST_END();
}
