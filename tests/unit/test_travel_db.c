/* tests/unit/test_travel_db.c: the TravelPlanner database: loading the real
 * tables with their quirks (dropna, durations with "day", empty distances,
 * duplicate pairs, thousands commas), the embedded copy under data/travel,
 * reference-information databases, the flights store and generator, the
 * CSV reader, the Python string helpers, and the errors malformed files
 * give (file, line, column).
 */
#include <math.h>
#include <sys/stat.h>
#include <time.h>

#include "core/core.h"
#include "core/json.h"
#include "solvers/travel/csv.h"
#include "solvers/travel/db.h"
#include "solvers/travel/pystr.h"
#include "test.h"

#define TP PLAN_SOURCE_DIR "/../shared/data/travelplanner"
#define EMBEDDED PLAN_SOURCE_DIR "/data/travel"

static plan__travel_db *load(const char *dir) {
  plan_error err;
  memset(&err, 0, sizeof err);
  plan__travel_db *db = NULL;
  plan_status st = plan__travel_db_load(dir, NULL, &db, &err);
  if (st != PLAN_OK)
    fprintf(stderr, "load %s: %s\n", dir, err.text);
  ASSERT_OK(st);
  return db;
}

static int city(const plan__travel_db *db, const char *name) {
  int id = plan__travel_db_city_find(db, name);
  if (id < 0)
    fprintf(stderr, "no city %s\n", name);
  ASSERT(id >= 0);
  return id;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ---- the real tables --------------------------------------------------- */

static void test_real_counts(void) {
  double t0 = now_ms();
  plan__travel_db *db = load(TP "/database");
  fprintf(stderr, "   loaded in %.1f ms\n", now_ms() - t0);
  size_t acc = 0, rest = 0, att = 0, in_set = 0;
  for (size_t i = 0; i < plan__travel_db_city_count(db); i++) {
    const plan__travel_accommodation *a;
    const plan__travel_restaurant *r;
    const plan__travel_attraction *t;
    acc += plan__travel_db_accommodations(db, (int)i, &a);
    rest += plan__travel_db_restaurants(db, (int)i, &r);
    att += plan__travel_db_attractions(db, (int)i, &t);
    in_set += plan__travel_db_city(db, (int)i)->in_city_set;
  }
  /* dropna leaves 4,285 of 5,047 accommodations; the other tables are
   * complete. */
  ASSERT_EQ(acc, 4285);
  ASSERT_EQ(rest, 9551);
  ASSERT_EQ(att, 5302);
  ASSERT_EQ(in_set, 312);
  const char *const *states = NULL;
  size_t ns = plan__travel_db_states(db, &states);
  ASSERT_EQ(ns, 64);
  for (size_t i = 1; i < ns; i++)
    ASSERT(strcmp(states[i - 1], states[i]) < 0);
  const int *tx = NULL;
  ASSERT_EQ(plan__travel_db_state_cities(db, "Texas", &tx), 23);
  ASSERT_STR_EQ(plan__travel_db_city(db, tx[0])->state, "Texas");
  ASSERT(plan__travel_db_is_state(db, "Texas"));
  ASSERT(!plan__travel_db_is_state(db, "Rockford"));
  ASSERT_EQ(plan__travel_db_state_cities(db, "Atlantis", &tx), 0);
  ASSERT_STR_EQ(plan__travel_db_city(db, city(db, "St. Petersburg"))->state,
                "Saint Petersburg");
  ASSERT(plan__travel_db_city(db, -1) == NULL);
  ASSERT(plan__travel_db_city_find(db, "Atlantis") < 0);
  ASSERT(!plan__travel_db_is_ref(db));
  plan__travel_db_free(db);
}

static void test_real_rows(void) {
  plan__travel_db *db = load(TP "/database");
  int rk = city(db, "Rockford");
  /* Rows keep file order: the first "Subway" in Rockford costs 42. */
  const plan__travel_restaurant *r =
      plan__travel_db_find_restaurant(db, "Subway", rk);
  ASSERT(r);
  ASSERT_NEAR(r->cost, 42, 0);
  ASSERT_STR_EQ(r->cuisines, "Tea, Chinese, Pizza");
  ASSERT_EQ(r->cuisine_bits, PLAN__TRAVEL_CUISINE_CHINESE);
  /* Substring lookup, as upstream: "Coco" finds "Coco Bambu". */
  r = plan__travel_db_find_restaurant(db, "Coco", rk);
  ASSERT(r);
  ASSERT_STR_EQ(r->name, "Coco Bambu");
  ASSERT(!plan__travel_db_find_restaurant(db, "Coco Bambu", -1));
  ASSERT(
      !plan__travel_db_find_restaurant(db, "Coco Bambu", city(db, "Chicago")));
  /* An accommodation row with empty house_rules is dropped (dropna). */
  int sp = city(db, "Springfield");
  const plan__travel_accommodation *a;
  size_t n = plan__travel_db_accommodations(db, sp, &a);
  for (size_t i = 0; i < n; i++)
    ASSERT(strcmp(a[i].name,
                  "Luxury large Penthouse /Fireplace / City views..") != 0);
  const plan__travel_accommodation *p = plan__travel_db_find_accommodation(
      db, "Pure luxury one bdrm + sofa bed on Central Park", rk);
  ASSERT(p);
  ASSERT(p->maximum_occupancy >= 1);
  ASSERT(p->price > 0);
  ASSERT(p->room == PLAN__TRAVEL_ROOM_ENTIRE ||
         p->room == PLAN__TRAVEL_ROOM_PRIVATE ||
         p->room == PLAN__TRAVEL_ROOM_SHARED);
  n = plan__travel_db_accommodations(db, rk, &a);
  for (size_t i = 0; i < n; i++) {
    ASSERT(a[i].house_rules[0]);
    ASSERT_EQ(a[i].city, rk);
    ASSERT_EQ((a[i].rules & PLAN__TRAVEL_NO_PETS) != 0,
              strstr(a[i].house_rules, "No pets") != NULL);
  }
  const plan__travel_attraction *t =
      plan__travel_db_find_attraction(db, "Burpee Museum", rk);
  ASSERT(t);
  ASSERT_STR_EQ(t->name, "Burpee Museum of Natural History");
  ASSERT_NEAR(t->latitude, 42.2773242, 1e-9);
  plan__travel_db_free(db);
}

static void test_distance_quirks(void) {
  plan__travel_db *db = load(TP "/database");
  /* "1,144 km" with a thousands comma. */
  const plan__travel_drive *d =
      plan__travel_db_drive(db, city(db, "Detroit"), city(db, "Norfolk"));
  ASSERT(d && d->valid);
  ASSERT_NEAR(d->km, 1144, 0);
  ASSERT_STR_EQ(d->duration, "10 hours 55 mins");
  ASSERT_EQ(d->minutes, 655);
  /* Upstream costs: int(km * 0.05) per car of 5, int(km) per taxi of 4. */
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 1), 57, 0);
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 5), 57, 0);
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 6), 114, 0);
  ASSERT_NEAR(plan__travel_taxi_cost(d, 4), 1144, 0);
  ASSERT_NEAR(plan__travel_taxi_cost(d, 5), 2288, 0);
  /* A duration with "day" makes the pair invalid. */
  d = plan__travel_db_drive(db, city(db, "Hartford"), city(db, "Denver"));
  ASSERT(d && !d->valid);
  ASSERT_STR_EQ(d->duration, "1 day 3 hours");
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 1), 0, 0);
  /* Empty duration and distance: invalid. */
  d = plan__travel_db_drive(db, city(db, "Killeen"), city(db, "Mission"));
  ASSERT(d && !d->valid);
  ASSERT_STR_EQ(d->distance, "");
  /* Duplicate pairs: the first row wins ("1,268 km", not "1,264 km"). */
  d = plan__travel_db_drive(db, city(db, "Chattanooga"), city(db, "Dallas"));
  ASSERT(d && d->valid);
  ASSERT_NEAR(d->km, 1268, 0);
  /* Decimal kilometres: int(31.9 * 0.05) = 1. */
  d = plan__travel_db_drive(db, city(db, "Buffalo"), city(db, "Niagara Falls"));
  ASSERT(d && d->valid);
  ASSERT_NEAR(d->km, 31.9, 1e-12);
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 1), 1, 0);
  ASSERT_NEAR(plan__travel_taxi_cost(d, 1), 31, 0);
  /* No row at all. */
  ASSERT(
      !plan__travel_db_drive(db, city(db, "Rockford"), city(db, "Honolulu")));
  d = plan__travel_db_drive(db, city(db, "St. Petersburg"),
                            city(db, "Rockford"));
  ASSERT(d && !d->valid);
  plan__buf b;
  plan__buf_init(&b, 0);
  d = plan__travel_db_drive(db, city(db, "Detroit"), city(db, "Norfolk"));
  ASSERT_OK(plan__travel_format_drive(db, d, false, &b));
  ASSERT_STR_EQ(b.data, "Self-driving, from Detroit to Norfolk, duration: 10 "
                        "hours 55 mins, distance: 1,144 km, cost: 57");
  plan__buf_reset(&b);
  ASSERT_OK(plan__travel_format_drive(db, d, true, &b));
  ASSERT_CONTAINS(b.data, "Taxi, from Detroit to Norfolk,");
  ASSERT_CONTAINS(b.data, "cost: 1144");
  plan__buf_free(&b);
  plan__travel_db_free(db);
}

/* ---- flights ------------------------------------------------------------ */

static void test_real_flights_kept(void) {
  plan__travel_db *db = load(EMBEDDED);
  int sp = city(db, "St. Petersburg");
  int rk = city(db, "Rockford");
  const plan__travel_flight *f = NULL;
  size_t n = 0;
  ASSERT_OK(plan__travel_db_flights(db, sp, rk, "2022-03-16", &f, &n));
  ASSERT_EQ(n, 1);
  ASSERT_STR_EQ(f[0].number, "F3573659");
  ASSERT_NEAR(f[0].price, 474, 0);
  ASSERT_STR_EQ(f[0].dep_time, "15:40");
  ASSERT_STR_EQ(f[0].arr_time, "17:04");
  ASSERT_STR_EQ(f[0].elapsed, "2 hours 24 minutes");
  ASSERT_EQ(f[0].elapsed_minutes, 144);
  ASSERT_NEAR(f[0].distance, 1049, 0);
  ASSERT(!f[0].generated);
  ASSERT(plan__travel_db_flight_by_number(db, "F3573659") == &f[0]);
  plan__buf b;
  plan__buf_init(&b, 0);
  ASSERT_OK(plan__travel_format_flight(db, &f[0], &b));
  ASSERT_STR_EQ(b.data, "Flight Number: F3573659, from St. Petersburg to "
                        "Rockford, Departure Time: 15:40, Arrival Time: "
                        "17:04");
  plan__buf_free(&b);
  /* Dallas -> Houston on 2022-03-11: the 33 real flights, file order. */
  ASSERT_OK(plan__travel_db_flights(db, city(db, "Dallas"), city(db, "Houston"),
                                    "2022-03-11", &f, &n));
  ASSERT_EQ(n, 33);
  for (size_t i = 0; i < n; i++)
    ASSERT(!f[i].generated);
  /* Route-days the train reference information reports as empty stay
   * empty. */
  ASSERT_OK(plan__travel_db_flights(
      db, city(db, "Abilene"), city(db, "Amarillo"), "2022-03-03", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT_OK(plan__travel_db_flights(db, city(db, "Atlanta"),
                                    city(db, "Bemidji"), "2022-03-03", &f, &n));
  ASSERT_EQ(n, 0);
  plan__travel_db_free(db);
}

static void test_generated_flights(void) {
  plan__travel_db *db = load(EMBEDDED);
  plan__travel_db *db2 = load(EMBEDDED);
  int dal = city(db, "Dallas");
  int hou = city(db, "Houston");
  const plan__travel_flight *f = NULL, *g = NULL;
  size_t n = 0, m = 0;
  /* Another date of a real route: generated, deterministic. */
  ASSERT_OK(plan__travel_db_flights(db, dal, hou, "2022-03-20", &f, &n));
  ASSERT_OK(plan__travel_db_flights(
      db2, city(db2, "Dallas"), city(db2, "Houston"), "2022-03-20", &g, &m));
  ASSERT(n >= 1 && n <= 33);
  ASSERT_EQ(n, m);
  /* Consistent with the distance matrix: 385 km of road ~ 203 miles. */
  const plan__travel_drive *d = plan__travel_db_drive(db, dal, hou);
  ASSERT(d && d->valid);
  for (size_t i = 0; i < n; i++) {
    ASSERT(f[i].generated);
    ASSERT_STR_EQ(f[i].number, g[i].number);
    ASSERT_NEAR(f[i].price, g[i].price, 0);
    ASSERT_STR_EQ(f[i].dep_time, g[i].dep_time);
    ASSERT_STR_EQ(f[i].date, "2022-03-20");
    ASSERT_EQ(f[i].origin, dal);
    ASSERT_EQ(f[i].dest, hou);
    ASSERT(f[i].price >= 21 && f[i].price <= 995);
    ASSERT_NEAR(f[i].distance, floor(d->km / 1.9 + 0.5), 0);
    ASSERT(f[i].dep_minutes >= 300 && f[i].dep_minutes <= 1410);
    ASSERT(f[i].elapsed_minutes >= 25);
    /* Same time zone: arrival = departure + elapsed (mod 24 h). */
    ASSERT_EQ(f[i].arr_minutes,
              (f[i].dep_minutes + f[i].elapsed_minutes) % 1440);
    if (i)
      ASSERT(f[i - 1].dep_minutes <= f[i].dep_minutes);
    /* Numbers are unique and decode back to the same row. */
    ASSERT(plan__travel_db_flight_by_number(db, f[i].number) == &f[i]);
    ASSERT(strlen(f[i].number) >= 10);
  }
  /* Asking twice returns the cached rows. */
  const plan__travel_flight *again = NULL;
  ASSERT_OK(plan__travel_db_flights(db, dal, hou, "2022-03-20", &again, &m));
  ASSERT(again == f);
  /* Time zones: Denver (UTC-6 in summer time) to Chicago... use New York
   * -> Los Angeles: arrival = dep + elapsed - 3 h. */
  ASSERT_OK(plan__travel_db_flights(
      db, city(db, "New York"), city(db, "Los Angeles"), "2022-03-20", &f, &n));
  ASSERT(n > 0);
  for (size_t i = 0; i < n; i++)
    ASSERT_EQ(f[i].arr_minutes,
              ((f[i].dep_minutes + f[i].elapsed_minutes - 180) % 1440 + 1440) %
                  1440);
  /* Outside March 2022, unknown cities, bad dates: nothing. */
  ASSERT_OK(plan__travel_db_flights(db, dal, hou, "2022-04-01", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT_OK(plan__travel_db_flights(db, dal, hou, "2022-02-30", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT_OK(plan__travel_db_flights(db, -1, hou, "2022-03-20", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT_OK(plan__travel_db_flights(db, dal, dal, "2022-03-20", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT(!plan__travel_db_flight_by_number(db, "F0000000"));
  ASSERT(!plan__travel_db_flight_by_number(db, "F999999999999"));
  ASSERT(!plan__travel_db_flight_by_number(db, "F1x"));
  ASSERT(!plan__travel_db_flight_by_number(db, ""));
  /* Overall shape: hub pairs are dense, most pairs of small cities have no
   * route, about 7% of all ordered pairs have a flight on a given day. */
  size_t nc = plan__travel_db_city_count(db), pairs = 0, busy = 0, total = 0;
  double t0 = now_ms();
  for (size_t a = 0; a < nc; a++)
    for (size_t b = 0; b < nc; b++) {
      if (a == b || !plan__travel_db_city(db, (int)a)->in_city_set ||
          !plan__travel_db_city(db, (int)b)->in_city_set)
        continue;
      ASSERT_OK(
          plan__travel_db_flights(db, (int)a, (int)b, "2022-03-05", &f, &n));
      pairs++;
      busy += n > 0;
      total += n;
    }
  fprintf(stderr,
          "   one day: %zu ordered pairs, %zu with flights, %zu flights, "
          "%.1f ms\n",
          pairs, busy, total, now_ms() - t0);
  ASSERT(busy > pairs / 25 && busy < pairs / 5);
  plan__travel_db_free(db);
  plan__travel_db_free(db2);
}

static void test_generation_options(void) {
  plan__travel_db_options o;
  plan__travel_db_options_init(&o, PLAN__TRAVEL_DB_OPTIONS_VERSION);
  o.generate_flights = -1;
  plan_error err;
  plan__travel_db *db = NULL;
  ASSERT_OK(plan__travel_db_load(EMBEDDED, &o, &db, &err));
  const plan__travel_flight *f = NULL;
  size_t n = 9;
  ASSERT_OK(plan__travel_db_flights(db, city(db, "Dallas"), city(db, "Houston"),
                                    "2022-03-20", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT_OK(plan__travel_db_flights(db, city(db, "Dallas"), city(db, "Houston"),
                                    "2022-03-11", &f, &n));
  ASSERT_EQ(n, 33);
  plan__travel_db_free(db);
  /* Another seed, other flights. */
  plan__travel_db_options_init(&o, PLAN__TRAVEL_DB_OPTIONS_VERSION);
  o.flight_seed = 7;
  ASSERT_OK(plan__travel_db_load(EMBEDDED, &o, &db, &err));
  plan__travel_db *d0 = load(EMBEDDED);
  const plan__travel_flight *g = NULL;
  size_t m = 0;
  ASSERT_OK(plan__travel_db_flights(db, city(db, "New York"),
                                    city(db, "Chicago"), "2022-03-09", &f, &n));
  ASSERT_OK(plan__travel_db_flights(d0, city(d0, "New York"),
                                    city(d0, "Chicago"), "2022-03-09", &g, &m));
  ASSERT(n > 0 && m > 0);
  ASSERT(n != m || f[0].price != g[0].price ||
         strcmp(f[0].dep_time, g[0].dep_time) != 0);
  plan__travel_db_free(db);
  plan__travel_db_free(d0);
}

/* The embedded copy holds the same tables as the shared data. */
static void test_embedded_matches_shared(void) {
  double t0 = now_ms();
  plan__travel_db *e = load(EMBEDDED);
  fprintf(stderr, "   embedded database loaded in %.1f ms\n", now_ms() - t0);
  plan__travel_db *s = load(TP "/database");
  ASSERT_EQ(plan__travel_db_city_count(e), plan__travel_db_city_count(s));
  for (size_t i = 0; i < plan__travel_db_city_count(e); i++) {
    const plan__travel_restaurant *a, *b;
    ASSERT_STR_EQ(plan__travel_db_city(e, (int)i)->name,
                  plan__travel_db_city(s, (int)i)->name);
    ASSERT_EQ(plan__travel_db_restaurants(e, (int)i, &a),
              plan__travel_db_restaurants(s, (int)i, &b));
  }
  plan__travel_db_free(e);
  plan__travel_db_free(s);
}

/* ---- reference information --------------------------------------------- */

static char *first_line(const char *path, size_t *len) {
  char *text = NULL;
  size_t n = 0;
  plan_error err;
  ASSERT_OK(plan__read_file(path, 0, &text, &n, &err));
  char *nl = memchr(text, '\n', n);
  *len = nl ? (size_t)(nl - text) : n;
  return text;
}

static void test_reference_information(void) {
  size_t len = 0;
  char *line = first_line(TP "/train/train_ref_info.jsonl", &len);
  plan__travel_db *ref = NULL;
  plan_error err;
  double t0 = now_ms();
  ASSERT_OK(plan__travel_db_from_ref_text(line, len, &ref, &err));
  fprintf(stderr, "   reference information loaded in %.2f ms\n",
          now_ms() - t0);
  ASSERT(plan__travel_db_is_ref(ref));
  ASSERT_STR_EQ(plan__travel_db_source(ref), "reference information");
  plan__travel_db *full = load(TP "/database");
  int rk = city(ref, "Rockford");
  /* The same rows as the folder, in the same order. */
  const plan__travel_restaurant *a, *b;
  size_t na = plan__travel_db_restaurants(ref, rk, &a);
  size_t nb = plan__travel_db_restaurants(full, city(full, "Rockford"), &b);
  ASSERT_EQ(na, nb);
  for (size_t i = 0; i < na; i++) {
    ASSERT_STR_EQ(a[i].name, b[i].name);
    ASSERT_NEAR(a[i].cost, b[i].cost, 0);
  }
  const plan__travel_accommodation *x, *y;
  ASSERT_EQ(plan__travel_db_accommodations(ref, rk, &x),
            plan__travel_db_accommodations(full, city(full, "Rockford"), &y));
  /* The built-in city/state set. */
  ASSERT_STR_EQ(plan__travel_db_city(ref, rk)->state, "Illinois");
  const int *ids = NULL;
  ASSERT_EQ(plan__travel_db_state_cities(ref, "Texas", &ids), 23);
  /* Flights of the reference information only; none generated. */
  const plan__travel_flight *f = NULL;
  size_t n = 0;
  int sp = city(ref, "St. Petersburg");
  ASSERT_OK(plan__travel_db_flights(ref, sp, rk, "2022-03-16", &f, &n));
  ASSERT_EQ(n, 1);
  ASSERT_STR_EQ(f[0].number, "F3573659");
  ASSERT_OK(plan__travel_db_flights(ref, sp, rk, "2022-03-17", &f, &n));
  ASSERT_EQ(n, 0);
  ASSERT(plan__travel_db_flight_by_number(ref, "F3573120"));
  /* "No valid information." driving: a row that is not valid. */
  const plan__travel_drive *d = plan__travel_db_drive(ref, sp, rk);
  ASSERT(d && !d->valid);
  plan__travel_db_free(ref);
  plan__free(line);
  /* A JSON string holding the object works too; driving messages parse. */
  const char *msg =
      "\"{\\\"Self-driving from Abilene to Amarillo\\\": \\\"self-driving, "
      "from Abilene to Amarillo, duration: 4 hours 10 mins, distance: 446 "
      "km, cost: 22\\\", \\\"Flight from Abilene to Amarillo on "
      "2022-03-03\\\": \\\"There is no flight from Abilene to Amarillo on "
      "2022-03-03.\\\"}\"";
  ASSERT_OK(plan__travel_db_from_ref_text(msg, strlen(msg), &ref, &err));
  d = plan__travel_db_drive(ref, city(ref, "Abilene"), city(ref, "Amarillo"));
  ASSERT(d && d->valid);
  ASSERT_NEAR(d->km, 446, 0);
  ASSERT_EQ(d->minutes, 250);
  ASSERT_NEAR(plan__travel_self_driving_cost(d, 1), 22, 0);
  plan__travel_db_free(ref);
  plan__travel_db_free(full);
}

static void test_reference_errors(void) {
  static const struct {
    const char *json;
    plan_status st;
    const char *msg;
  } cases[] = {
      {"[1,2]", PLAN_EPARSE, "expected an object"},
      {"{\"Restaurants in X\": 5}", PLAN_EPARSE, "Restaurants in X"},
      {"{\"Restaurants in X\": [{\"Name\": \"A\", \"City\": \"X\", "
       "\"Cuisines\": \"Tea\", \"Average Cost\": \"cheap\", "
       "\"Aggregate Rating\": 1}]}",
       PLAN_EPARSE, "Average Cost"},
      {"{\"Accommodations in X\": [7]}", PLAN_EPARSE, "row 1"},
      {"{\"Flight from A on 2022-03-01\": \"There is no flight.\"}",
       PLAN_EPARSE, "Flight from A to B"},
      {"{\"Taxi from Nowhere\": \"No valid information.\"}", PLAN_EPARSE,
       "from A to B"},
      {"{\"Flight from A to B on 2022-03-01\": [{\"Flight Number\": \"F1\","
       " \"Price\": 1, \"DepTime\": \"25:00\", \"ArrTime\": \"01:00\", "
       "\"ActualElapsedTime\": \"1 hours 0 minutes\", \"FlightDate\": "
       "\"2022-03-01\", \"OriginCityName\": \"A\", \"DestCityName\": \"B\", "
       "\"Distance\": 100}]}",
       PLAN_EPARSE, "DepTime"},
      {"{\"Restaurants in", PLAN_EPARSE, ""},
  };
  for (size_t i = 0; i < PLAN_ARRAY_LEN(cases); i++) {
    plan__travel_db *db = (plan__travel_db *)1;
    plan_error err;
    memset(&err, 0, sizeof err);
    ASSERT_STATUS(plan__travel_db_from_ref_text(
                      cases[i].json, strlen(cases[i].json), &db, &err),
                  cases[i].st);
    ASSERT(db == NULL);
    ASSERT_CONTAINS(err.text, cases[i].msg);
  }
  /* Rows with a missing field are dropped, as upstream's dropna. */
  const char *ok =
      "{\"Accommodations in X\": [{\"NAME\": \"A\", \"price\": 10, \"room "
      "type\": \"Private room\", \"house_rules\": null, \"minimum nights\": "
      "1, \"maximum occupancy\": 2, \"review rate number\": 3, \"city\": "
      "\"X\"}, {\"NAME\": \"B\", \"price\": 10, \"room type\": \"Private "
      "room\", \"house_rules\": \"No pets\", \"minimum nights\": 1, "
      "\"maximum occupancy\": 2, \"review rate number\": 3, \"city\": "
      "\"X\"}]}";
  plan__travel_db *db = NULL;
  plan_error err;
  ASSERT_OK(plan__travel_db_from_ref_text(ok, strlen(ok), &db, &err));
  const plan__travel_accommodation *a;
  ASSERT_EQ(plan__travel_db_accommodations(db, city(db, "X"), &a), 1);
  ASSERT_STR_EQ(a[0].name, "B");
  ASSERT_EQ(a[0].rules, PLAN__TRAVEL_NO_PETS);
  ASSERT(plan__travel_db_city(db, city(db, "X"))->state == NULL);
  plan__travel_db_free(db);
}

/* ---- malformed folders --------------------------------------------------- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ASSERT(f);
  fputs(text, f);
  fclose(f);
}

static const char *tmpdir(void) {
  static char dir[1024];
  snprintf(dir, sizeof dir, "%s/travel_db_test", PLAN_BINARY_DIR);
  return dir;
}

/* A small valid folder; `over` replaces one file's text. */
static void make_db(const char *over_rel, const char *over_text) {
  static const char *const subdirs[] = {"",
                                        "accommodations",
                                        "restaurants",
                                        "attractions",
                                        "googleDistanceMatrix",
                                        "background"};
  static const struct {
    const char *rel;
    const char *text;
  } files[] = {
      {"accommodations/clean_accommodations_2022.csv",
       ",NAME,room type,price,minimum nights,review rate number,house_rules,"
       "maximum occupancy,city\n"
       "0,Nice flat,Entire home/apt,100.0,1.0,4.0,No pets,4,Alpha\n"
       "1,\"Flat, with comma\",Private room,50.0,2.0,3.0,,2,Alpha\n"
       "2,Loft,Shared room,30.0,1.0,3.0,No smoking & No parties,1,Beta\n"},
      {"restaurants/clean_restaurant_2022.csv",
       ",Name,City,Cuisines,Average Cost,Aggregate Rating\r\n"
       "0,Diner,Alpha,\"American, Tea\",20,4.0\r\n"
       "\r\n"
       "1,\"Joe's \"\"Best\"\"\",Beta,Chinese,30,0.0\r\n"},
      {"attractions/attractions.csv",
       "Name,Latitude,Longitude,Address,Phone,Website,City\n"
       "Park,1.0,2.0,\"1 Main St,\nAlpha\",555,Unknown,Alpha\n"},
      {"googleDistanceMatrix/distance.csv",
       "origin,destination,cost,duration,distance\n"
       "Alpha,Beta,,2 hours 1 min,\"201 km\"\n"
       "Beta,Alpha,,1 day 2 hours,\"2,201 km\"\n"},
      {"background/citySet_with_states.txt", "Alpha\tOne\nBeta\tTwo"},
  };
  char path[2048];
  for (size_t i = 0; i < PLAN_ARRAY_LEN(subdirs); i++) {
    snprintf(path, sizeof path, "%s/%s", tmpdir(), subdirs[i]);
    mkdir(path, 0755);
  }
  for (size_t i = 0; i < PLAN_ARRAY_LEN(files); i++) {
    snprintf(path, sizeof path, "%s/%s", tmpdir(), files[i].rel);
    bool replace = over_rel && strcmp(over_rel, files[i].rel) == 0;
    write_file(path, replace ? over_text : files[i].text);
  }
}

static void test_small_folder(void) {
  make_db(NULL, NULL);
  plan__travel_db *db = load(tmpdir());
  int a = city(db, "Alpha");
  int b = city(db, "Beta");
  const plan__travel_accommodation *acc;
  /* The row with empty house_rules is dropped. */
  ASSERT_EQ(plan__travel_db_accommodations(db, a, &acc), 1);
  ASSERT_STR_EQ(acc[0].name, "Nice flat");
  ASSERT_EQ(plan__travel_db_accommodations(db, b, &acc), 1);
  ASSERT_EQ(acc[0].rules, PLAN__TRAVEL_NO_SMOKING | PLAN__TRAVEL_NO_PARTIES);
  ASSERT_EQ(acc[0].room, PLAN__TRAVEL_ROOM_SHARED);
  const plan__travel_restaurant *r;
  ASSERT_EQ(plan__travel_db_restaurants(db, b, &r), 1);
  ASSERT_STR_EQ(r[0].name, "Joe's \"Best\"");
  ASSERT_EQ(plan__travel_db_restaurants(db, a, &r), 1);
  ASSERT_EQ(r[0].cuisine_bits, PLAN__TRAVEL_CUISINE_AMERICAN);
  const plan__travel_attraction *t;
  ASSERT_EQ(plan__travel_db_attractions(db, a, &t), 1);
  ASSERT_STR_EQ(t[0].address, "1 Main St,\nAlpha");
  ASSERT(plan__travel_db_drive(db, a, b)->valid);
  ASSERT_EQ(plan__travel_db_drive(db, a, b)->minutes, 121);
  ASSERT(!plan__travel_db_drive(db, b, a)->valid);
  /* No flights file: only generated flights (none: 2 small cities without
   * coordinates for Beta). */
  const plan__travel_flight *f;
  size_t n = 5;
  ASSERT_OK(plan__travel_db_flights(db, a, b, "2022-03-02", &f, &n));
  ASSERT_EQ(n, 0);
  plan__travel_db_free(db);
}

static void expect_load_error(const char *rel, const char *text,
                              plan_status want, const char *msg, int line) {
  make_db(rel, text);
  plan__travel_db *db = (plan__travel_db *)1;
  plan_error err;
  memset(&err, 0, sizeof err);
  ASSERT_STATUS(plan__travel_db_load(tmpdir(), NULL, &db, &err), want);
  ASSERT(db == NULL);
  ASSERT_CONTAINS(err.text, msg);
  if (line)
    ASSERT_EQ(err.line, line);
}

static void test_malformed_folders(void) {
  const char *acc = "accommodations/clean_accommodations_2022.csv";
  const char *hdr = ",NAME,room type,price,minimum nights,review rate number,"
                    "house_rules,maximum occupancy,city\n";
  char text[1024];
  snprintf(text, sizeof text, "%s0,\"Unclosed,Private room,1,1,1,x,1,A\n", hdr);
  expect_load_error(acc, text, PLAN_EPARSE,
                    "clean_accommodations_2022.csv:2:3: unterminated quoted "
                    "field",
                    2);
  snprintf(text, sizeof text,
           "%s0,A,Private room,1,1,1,x,1,A\n"
           "1,\"B\"x,Private room,1,1,1,x,1,A\n",
           hdr);
  expect_load_error(acc, text, PLAN_EPARSE,
                    ":3:6: unexpected character after a closing quote", 3);
  snprintf(text, sizeof text, "%s0,A,Private room,1,1,1,x,1\n", hdr);
  expect_load_error(acc, text, PLAN_EPARSE, ":2: expected 9 fields, found 8",
                    2);
  snprintf(text, sizeof text, "%s0,A,Private room,cheap,1,1,x,1,A\n", hdr);
  expect_load_error(acc, text, PLAN_EPARSE,
                    ":2: column 'price': not a number: 'cheap'", 2);
  snprintf(text, sizeof text, "%s0,A,Private room,1,1,1,x,0,A\n", hdr);
  expect_load_error(acc, text, PLAN_EPARSE, "column 'maximum occupancy'", 2);
  expect_load_error(acc, ",NAME,price\n0,A,1\n", PLAN_EPARSE,
                    "missing column 'room type'", 1);
  expect_load_error(acc, "", PLAN_EPARSE, "empty file", 0);
  expect_load_error("background/citySet_with_states.txt", "Alpha One\n",
                    PLAN_EPARSE,
                    "citySet_with_states.txt:1: expected "
                    "'City<TAB>State'",
                    1);
  expect_load_error("googleDistanceMatrix/distance.csv",
                    "origin,destination,cost,duration\nA,B,,1 min\n",
                    PLAN_EPARSE, "missing column 'distance'", 1);
  /* A missing file names the path. */
  make_db(NULL, NULL);
  char path[2048];
  snprintf(path, sizeof path, "%s/restaurants/clean_restaurant_2022.csv",
           tmpdir());
  remove(path);
  plan__travel_db *db = NULL;
  plan_error err;
  ASSERT_STATUS(plan__travel_db_load(tmpdir(), NULL, &db, &err), PLAN_EIO);
  ASSERT_CONTAINS(err.text, "clean_restaurant_2022.csv: file not found");
  ASSERT_STATUS(plan__travel_db_load("/nonexistent/dir", NULL, &db, &err),
                PLAN_EIO);
  ASSERT_CONTAINS(err.text, "not found");
  ASSERT_STATUS(plan__travel_db_load(NULL, NULL, &db, &err), PLAN_EINVAL);
}

/* ---- the CSV reader ------------------------------------------------------ */

static void test_csv_reader(void) {
  const char *text = "\xEF\xBB\xBF"
                     "a,b,\"c\"\r\n"
                     "\n"
                     "1,\"x, \"\"y\"\"\",\"\"\r"
                     "\"multi\nline\",,NA\n"
                     "last,row,no newline";
  plan__csv c;
  plan__csv_open(&c, "t.csv", text, strlen(text));
  plan_error err;
  bool eof = false;
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT(!eof);
  ASSERT_EQ(c.n_fields, 3);
  ASSERT_STR_EQ(c.fields[0], "a");
  ASSERT_STR_EQ(c.fields[2], "c");
  ASSERT_EQ(c.record_line, 1);
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT_EQ(c.record_line, 3);
  ASSERT_STR_EQ(c.fields[1], "x, \"y\"");
  ASSERT_STR_EQ(c.fields[2], "");
  ASSERT(plan__csv_is_na(c.fields[2]));
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT_EQ(c.record_line, 4);
  ASSERT_STR_EQ(c.fields[0], "multi\nline");
  ASSERT(plan__csv_is_na(c.fields[2]));
  ASSERT(!plan__csv_is_na("Subway"));
  ASSERT(plan__csv_is_na("None"));
  ASSERT(plan__csv_is_na("#N/A"));
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT_EQ(c.record_line, 6);
  ASSERT_EQ(c.n_fields, 3);
  ASSERT_STR_EQ(c.fields[2], "no newline");
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT(eof);
  plan__csv_close(&c);
  /* Many fields grow the arrays. */
  plan__buf b;
  plan__buf_init(&b, 0);
  for (int i = 0; i < 100; i++)
    plan__buf_printf(&b, "%s\"f%d\"", i ? "," : "", i);
  plan__csv_open(&c, "wide.csv", b.data, b.len);
  ASSERT_OK(plan__csv_next(&c, &eof, &err));
  ASSERT_EQ(c.n_fields, 100);
  ASSERT_STR_EQ(c.fields[99], "f99");
  plan__csv_close(&c);
  plan__buf_free(&b);
  /* A NUL byte is an error. */
  const char nul[] = {'a', ',', 'b', '\0', 'c', '\n'};
  plan__csv_open(&c, "nul.csv", nul, sizeof nul);
  ASSERT_STATUS(plan__csv_next(&c, &eof, &err), PLAN_EPARSE);
  ASSERT_CONTAINS(err.text, "nul.csv:1:4: NUL byte");
  plan__csv_close(&c);
}

/* ---- Python string semantics --------------------------------------------- */

static void expect_from_to(const char *s, const char *a, const char *b) {
  plan__span x, y;
  bool ok = plan__py_from_to(plan__span_of(s), &x, &y);
  if (!a) {
    ASSERT(!ok);
    return;
  }
  ASSERT(ok);
  if (!plan__span_eq_str(x, a) || !plan__span_eq_str(y, b))
    fprintf(stderr, "from_to(%s) = [%.*s] [%.*s]\n", s, (int)x.n, x.p, (int)y.n,
            y.p);
  ASSERT(plan__span_eq_str(x, a));
  ASSERT(plan__span_eq_str(y, b));
}

static void expect_name_city(const char *s, const char *n, const char *c) {
  plan__span x, y;
  bool ok = plan__py_name_city(plan__span_of(s), &x, &y);
  if (!n) {
    ASSERT(!ok);
    return;
  }
  ASSERT(ok);
  if (!plan__span_eq_str(x, n) || !plan__span_eq_str(y, c))
    fprintf(stderr, "name_city(%s) = [%.*s] [%.*s]\n", s, (int)x.n, x.p,
            (int)y.n, y.p);
  ASSERT(plan__span_eq_str(x, n));
  ASSERT(plan__span_eq_str(y, c));
}

static void test_python_strings(void) {
  /* Results checked against Python's re module. */
  expect_from_to("from St. Petersburg to Rockford", "St. Petersburg",
                 "Rockford");
  expect_from_to("Flight Number: F1, from A to B, Departure Time: 1", "A", "B");
  expect_from_to("from Minneapolis to Toledo(Ohio)", "Minneapolis",
                 "Toledo(Ohio)");
  expect_from_to("from A  to  B ,x", "A", "B ");
  expect_from_to("from Sacramento to Toledo", "Sacramento", "Toledo");
  expect_from_to("from A to ", NULL, NULL);
  expect_from_to("from A to  ,", "A", " ");
  expect_from_to("from A to B to C", "A", "B to C");
  expect_from_to("from Rockford", NULL, NULL);
  expect_from_to("From A to B", NULL, NULL);
  expect_from_to("from\nA to B", "A", "B");
  expect_from_to("from A\nB to C", NULL, NULL);
  expect_from_to("wherefrom X to Y", "X", "Y");
  expect_from_to("from \xC2\xA0"
                 "A to B",
                 "A", "B");
  expect_name_city("Coco Bambu, Rockford", "Coco Bambu", "Rockford");
  expect_name_city("Empty 3 bedroom apartment in Bushwick, Brooklyn, Chicago",
                   "Empty 3 bedroom apartment in Bushwick, Brooklyn",
                   "Chicago");
  expect_name_city("Hotel, Toledo(Ohio)", "Hotel", "Toledo");
  expect_name_city(" Spaced ,  City  ", "Spaced", "City");
  expect_name_city(", Rockford", "", "Rockford");
  expect_name_city("No comma", NULL, NULL);
  expect_name_city("Ends with comma,", NULL, NULL);
  expect_name_city("x,   ", "x", "");
  expect_name_city("a\nb, C", "b", "C");
  plan__span s = plan__py_before_paren(plan__span_of("Toledo(Ohio)"));
  ASSERT(plan__span_eq_str(s, "Toledo"));
  s = plan__py_before_paren(plan__span_of("A(b"));
  ASSERT(plan__span_eq_str(s, "A(b"));
  s = plan__py_before_paren(plan__span_of("A(b(c)d)"));
  ASSERT(plan__span_eq_str(s, "A"));
  s = plan__py_before_paren(plan__span_of("x\ny(z)"));
  ASSERT(plan__span_eq_str(s, "x\ny(z)"));
  s = plan__py_strip(plan__span_of("\t \xE3\x80\x80 hi \x1f\n"));
  ASSERT(plan__span_eq_str(s, "hi"));
  ASSERT(plan__span_contains(plan__span_of("abc"), plan__span_of("")));
  ASSERT(!plan__span_contains(plan__span_of("ab"), plan__span_of("abc")));
}

static void test_dates_and_durations(void) {
  ASSERT_EQ(plan__travel_date_number("2022-03-02") -
                plan__travel_date_number("2022-03-01"),
            1);
  ASSERT_EQ(plan__travel_date_number("2022-03-01") -
                plan__travel_date_number("2022-02-28"),
            1);
  ASSERT_EQ(plan__travel_date_number("2024-03-01") -
                plan__travel_date_number("2024-02-28"),
            2);
  ASSERT_EQ(plan__travel_date_number("1900-01-01"), 0);
  ASSERT_EQ(plan__travel_date_number("2022-02-29"), -1);
  ASSERT_EQ(plan__travel_date_number("2022-3-01"), -1);
  ASSERT_EQ(plan__travel_date_number("2022-13-01"), -1);
  ASSERT_EQ(plan__travel_date_number("2022-03-01x"), -1);
  ASSERT_EQ(plan__travel_date_number(NULL), -1);
  ASSERT_EQ(plan__travel_parse_duration("10 hours 55 mins"), 655);
  ASSERT_EQ(plan__travel_parse_duration("1 hour 9 mins"), 69);
  ASSERT_EQ(plan__travel_parse_duration("47 mins"), 47);
  ASSERT_EQ(plan__travel_parse_duration("1 min"), 1);
  ASSERT_EQ(plan__travel_parse_duration("1 day 2 hours"), 1560);
  ASSERT_EQ(plan__travel_parse_duration("2 hours 24 minutes"), 144);
  ASSERT_EQ(plan__travel_parse_duration("0 hours 36 minutes"), 36);
  ASSERT_EQ(plan__travel_parse_duration(""), -1);
  ASSERT_EQ(plan__travel_parse_duration("soon"), -1);
  ASSERT_EQ(plan__travel_parse_duration("3 weeks"), -1);
  ASSERT_STR_EQ(plan__travel_cuisine_name(0), "Chinese");
  ASSERT(plan__travel_cuisine_name(7) == NULL);
  ASSERT_EQ(plan__travel_cuisine_bit("French"), PLAN__TRAVEL_CUISINE_FRENCH);
  ASSERT_EQ(plan__travel_cuisine_bit("Thai"), 0);
}

int main(int argc, char **argv) {
  TEST_BEGIN(argc, argv);
  RUN(test_real_counts);
  RUN(test_real_rows);
  RUN(test_distance_quirks);
  RUN(test_real_flights_kept);
  RUN(test_generated_flights);
  RUN(test_generation_options);
  RUN(test_embedded_matches_shared);
  RUN(test_reference_information);
  RUN(test_reference_errors);
  RUN(test_small_folder);
  RUN(test_malformed_folders);
  RUN(test_csv_reader);
  RUN(test_python_strings);
  RUN(test_dates_and_durations);
  TEST_END();
}
