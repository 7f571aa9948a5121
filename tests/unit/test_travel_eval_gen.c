/* tests/unit/test_travel_eval_gen.c: the TravelPlanner query generator
 * (benchmarks/travelplanner/gen.c): upstream's budget formula on a tiny
 * hand-made database (with Python's round-half-to-even), its rejection
 * rules, and 200 generated queries on the embedded database: valid,
 * distinct, deterministic, an even mix of levels and lengths, constraints
 * as each level defines them.
 */
#include <math.h>
#include <sys/stat.h>
#include <time.h>

#include "benchmarks/travelplanner/travelplanner.h"
#include "core/core.h"
#include "core/json.h"
#include "test.h"

static void write_file(const char *dir, const char *rel, const char *text) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "wb");
  ASSERT(f);
  fputs(text, f);
  fclose(f);
}

/* Alpha (state One) flies to Beta (state Two): two real flights on
 * 2022-03-05 ($100 and $280); Beta has one hotel ($30, 1 guest, No pets)
 * and one restaurant ($30, Chinese). */
static const char *tiny_db(void) {
  static char dir[1024];
  snprintf(dir, sizeof dir, "%s/travel_gen_test", PLAN_BINARY_DIR);
  static const char *const subdirs[] = {"",
                                        "/accommodations",
                                        "/restaurants",
                                        "/attractions",
                                        "/googleDistanceMatrix",
                                        "/background"};
  char path[2048];
  for (size_t i = 0; i < PLAN_ARRAY_LEN(subdirs); i++) {
    snprintf(path, sizeof path, "%s%s", dir, subdirs[i]);
    mkdir(path, 0755);
  }
  write_file(dir, "accommodations/clean_accommodations_2022.csv",
             ",NAME,room type,price,minimum nights,review rate number,"
             "house_rules,maximum occupancy,city\n"
             "0,Hut,Private room,30.0,1.0,3.0,No pets,1,Beta\n"
             "1,Home,Entire home/apt,80.0,1.0,3.0,No pets,4,Alpha\n");
  write_file(dir, "restaurants/clean_restaurant_2022.csv",
             ",Name,City,Cuisines,Average Cost,Aggregate Rating\n"
             "0,Wok,Beta,\"Chinese, Tea\",30,4.0\n"
             "1,Diner,Alpha,American,10,4.0\n");
  write_file(dir, "attractions/attractions.csv",
             "Name,Latitude,Longitude,Address,Phone,Website,City\n"
             "Park,10.0,20.0,Main St,555,Unknown,Beta\n");
  write_file(dir, "googleDistanceMatrix/distance.csv",
             "origin,destination,cost,duration,distance\n");
  write_file(dir, "background/citySet_with_states.txt",
             "Alpha\tOne\nBeta\tTwo");
  write_file(dir, "flights_subset_train_ref_info.csv",
             "Flight Number,Price,DepTime,ArrTime,ActualElapsedTime,"
             "FlightDate,OriginCityName,DestCityName,Distance\n"
             "F1,100,08:00,10:00,2 hours 0 minutes,2022-03-05,Alpha,Beta,"
             "500.0\n"
             "F2,280,18:00,20:00,2 hours 0 minutes,2022-03-05,Alpha,Beta,"
             "500.0\n");
  return dir;
}

static plan__travel_query *tiny_query(const char *level, int people,
                                      const char *lc) {
  char text[1024];
  snprintf(text, sizeof text,
           "{\"org\": \"Alpha\", \"dest\": \"Beta\", \"days\": 3, \"date\": "
           "[\"2022-03-05\", \"2022-03-06\", \"2022-03-07\"], "
           "\"people_number\": %d, \"budget\": 0, \"level\": \"%s\", "
           "\"local_constraint\": %s}",
           people, level, lc ? lc : "null");
  plan__travel_query *q = NULL;
  plan_error err;
  memset(&err, 0, sizeof err);
  plan_status st =
      plan__travel_query_from_text(text, strlen(text), NULL, &q, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  return q;
}

static void test_budget_formula(void) {
  plan__travel_db *db = NULL;
  plan_error err;
  ASSERT_OK(plan__travel_db_load(tiny_db(), NULL, &db, &err));
  /* 3 days: flight x2, hotel x3, restaurant x9. lowest = 100*2 + 30*3 +
   * 30*9 = 560, average = 190*2 + 360 = 740; easy = round100((740 + 560) /
   * 2) = round100(650) = 600 (half to even, like Python's round). */
  plan__travel_query *q = tiny_query("easy", 1, NULL);
  const char *why = NULL;
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), 600, 0);
  ASSERT(why == NULL);
  plan__travel_query_free(q);
  /* Medium, 1 person: x 0.75 -> round100(487.5) = 500. */
  q = tiny_query("medium", 1, NULL);
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), 500, 0);
  plan__travel_query_free(q);
  /* Medium, 2 people: no hotel in Beta takes 2 guests: rejected. */
  q = tiny_query("medium", 2, NULL);
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), -1, 0);
  ASSERT_STR_EQ(why, "no accommodation for the group");
  plan__travel_query_free(q);
  /* Hard, 1 person: x 0.5 -> round100(325) = 300. */
  q = tiny_query("hard", 1, "{\"transportation\": \"no self-driving\"}");
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), 300, 0);
  plan__travel_query_free(q);
  /* Hard rejections: too few hotels after the filter (3 needed), too few
   * restaurants with the cuisine, "no flight" on a 500-mile route is fine
   * but needs 2 flights on day 1. */
  q = tiny_query("hard", 1, "{\"house rule\": \"visitors\"}");
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), -1, 0);
  ASSERT_STR_EQ(why, "too few accommodations after the filters");
  plan__travel_query_free(q);
  q = tiny_query("hard", 1, "{\"cuisine\": [\"Chinese\"]}");
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), -1, 0);
  ASSERT_STR_EQ(why, "too few restaurants with the cuisines");
  plan__travel_query_free(q);
  q = tiny_query("hard", 1, "{\"transportation\": \"no flight\"}");
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), 300, 0);
  plan__travel_query_free(q);
  /* No flights at all from Beta: rejected. */
  char text[512];
  snprintf(text, sizeof text,
           "{\"org\": \"Beta\", \"dest\": \"Alpha\", \"days\": 3, \"date\": "
           "[\"2022-03-05\", \"2022-03-06\", \"2022-03-07\"], "
           "\"people_number\": 1, \"budget\": 0, \"level\": \"easy\"}");
  ASSERT_OK(plan__travel_query_from_text(text, strlen(text), NULL, &q, &err));
  ASSERT_NEAR(plan__travel_gen_budget(db, q, &why), -1, 0);
  ASSERT_STR_EQ(why, "no flights from org to the destination");
  plan__travel_query_free(q);
  /* The generator cannot make 5-day queries here: no state has more than 3
   * cities. */
  plan__travel_gen_options o;
  plan__travel_gen_options_init(&o, PLAN__TRAVEL_GEN_OPTIONS_VERSION);
  o.days[0] = 5;
  o.max_attempts = 50;
  plan__travel_query **qs = NULL;
  ASSERT_STATUS(plan__travel_gen_queries(db, 1, 1, &o, &qs, &err),
                PLAN_ENOTFOUND);
  ASSERT_CONTAINS(err.text, "5-day query after 50 draws");
  ASSERT(qs == NULL);
  plan__travel_db_free(db);
}

static bool reject_odd_people(const plan__travel_query *q, void *ud) {
  (*(int *)ud)++;
  return q->people_number % 2 == 0;
}

static void test_generated_queries(void) {
  plan__travel_db *db = NULL;
  plan_error err;
  ASSERT_OK(
      plan__travel_db_load(PLAN_SOURCE_DIR "/data/travel", NULL, &db, &err));
  plan__travel_query **qs = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  plan_status st = plan__travel_gen_queries(db, 200, 42, NULL, &qs, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (st != PLAN_OK)
    fprintf(stderr, "%s\n", err.text);
  ASSERT_OK(st);
  fprintf(stderr, "   200 queries in %.1f ms\n",
          (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
              (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  size_t by_level[3] = {0, 0, 0}, by_days[8] = {0};
  for (size_t i = 0; i < 200; i++) {
    const plan__travel_query *q = qs[i];
    ASSERT_EQ(q->idx, (int64_t)i + 1);
    /* Valid as a query against the database. */
    json_t *j = plan__travel_query_to_json(q);
    plan__travel_query *back = NULL;
    st = plan__travel_query_from_json(j, db, &back, &err);
    if (st != PLAN_OK)
      fprintf(stderr, "query %zu: %s\n", i + 1, err.text);
    ASSERT_OK(st);
    plan__travel_query_free(back);
    json_decref(j);
    ASSERT(q->budget > 0);
    ASSERT_NEAR(fmod(q->budget, 100), 0, 0);
    ASSERT(strstr(q->nl_query, q->org));
    int k = (q->house_rule != 0) + (q->n_cuisines != 0) + (q->room_type != 0) +
            (q->transportation != 0);
    by_days[q->days]++;
    if (!strcmp(q->level, "easy")) {
      by_level[0]++;
      ASSERT_EQ(k, 0);
      ASSERT_EQ(q->people_number, 1);
    } else if (!strcmp(q->level, "medium")) {
      by_level[1]++;
      ASSERT_EQ(k, 1);
      ASSERT(q->transportation == PLAN__TRAVEL_TRANSPORT_ANY);
      ASSERT(q->n_cuisines == 0 || q->n_cuisines == 2);
    } else {
      by_level[2]++;
      ASSERT_EQ(k, 3);
      ASSERT(q->n_cuisines == 0 || q->n_cuisines == 4);
    }
    if (q->people_number > 2)
      ASSERT(q->room_type == PLAN__TRAVEL_ROOMREQ_NONE ||
             q->room_type == PLAN__TRAVEL_ROOMREQ_PRIVATE ||
             q->room_type == PLAN__TRAVEL_ROOMREQ_ENTIRE);
    ASSERT(q->people_number >= 1 && q->people_number <= 8);
    ASSERT(plan__travel_date_number(q->dates[0]) >=
           plan__travel_date_number("2022-03-01"));
    ASSERT(plan__travel_date_number(q->dates[q->days - 1]) <=
           plan__travel_date_number("2022-03-31"));
    for (size_t k2 = 0; k2 < i; k2++)
      ASSERT(strcmp(qs[k2]->nl_query, q->nl_query) != 0 ||
             strcmp(qs[k2]->dates[0], q->dates[0]) != 0);
  }
  ASSERT(by_level[0] >= 66 && by_level[1] >= 66 && by_level[2] >= 66);
  ASSERT(by_days[3] >= 66 && by_days[5] >= 66 && by_days[7] >= 66);
  /* Deterministic. */
  plan__travel_query **again = NULL;
  ASSERT_OK(plan__travel_gen_queries(db, 20, 42, NULL, &again, &err));
  for (size_t i = 0; i < 20; i++) {
    json_t *a = plan__travel_query_to_json(qs[i]);
    json_t *b = plan__travel_query_to_json(again[i]);
    ASSERT(json_equal(a, b));
    json_decref(a);
    json_decref(b);
  }
  plan__travel_queries_free(again, 20);
  plan__travel_queries_free(qs, 200);
  /* Options: one level, one length, a filter. */
  plan__travel_gen_options o;
  plan__travel_gen_options_init(&o, PLAN__TRAVEL_GEN_OPTIONS_VERSION);
  o.levels[0] = "hard";
  o.days[0] = 7;
  int calls = 0;
  o.accept = reject_odd_people;
  o.accept_ud = &calls;
  ASSERT_OK(plan__travel_gen_queries(db, 10, 7, &o, &qs, &err));
  for (size_t i = 0; i < 10; i++) {
    ASSERT_STR_EQ(qs[i]->level, "hard");
    ASSERT_EQ(qs[i]->days, 7);
    ASSERT_EQ(qs[i]->people_number % 2, 0);
    const int *ids = NULL;
    ASSERT(plan__travel_db_state_cities(db, qs[i]->dest, &ids) > 3);
  }
  ASSERT(calls >= 10);
  plan__travel_queries_free(qs, 10);
  o.levels[0] = "impossible";
  ASSERT_STATUS(plan__travel_gen_queries(db, 1, 7, &o, &qs, &err), PLAN_EINVAL);
  plan__travel_db_free(db);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_budget_formula);
  RUN(test_generated_queries);
  TEST_END();
}
