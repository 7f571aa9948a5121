/* solvers/travel/flights.c: the flights of a TravelPlanner database: the
 * real rows (a full upstream table, the 313-row train subset, or the rows
 * of reference information), the route-days known to be empty, and the
 * deterministic generator that stands in for the missing 3.8M-row upstream
 * table (research notes section 8.1; docs/travel-data.md).
 *
 * Generator outline. Every city of the city/state set with coordinates is
 * an airport with a size weight w (hub 1.0, mid 0.4, small 0.1). The
 * unordered pair {a, b} has a route with probability min(1, 1.5 w_a w_b),
 * decided by a hash of the seed and the two names (a route with a real
 * flight always exists). A route-day carries k ~ Poisson(1 + 12 w_a w_b)
 * flights, k <= 33, each with a departure time, an elapsed time from the
 * distance, an arrival in local time (time zones by state, US daylight
 * saving from 2022-03-13), a price from the distance with log-normal
 * noise, and a flight number that encodes (origin, destination, date,
 * position), so that any number can be looked up without generating the
 * whole table. Distances come from the distance matrix where it has the
 * pair (road km / 1.9, calibrated on the real rows), else from the
 * great-circle distance between city coordinates (median of the city's
 * attractions, with a small table for cities that have none or whose
 * attractions disagree with the distance matrix). Every random draw comes
 * from a PRNG seeded by a hash of (seed, origin name, destination name,
 * date), so results do not depend on lookup order.
 */
#include "solvers/travel/db_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ======================================================================
 * Dates and durations
 * ====================================================================== */

static bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

int plan__travel_date_number(const char *s) {
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return -1;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return -1;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
          (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 ||
      d > days_in_month(y, m))
    return -1;
  int n = 0;
  for (int yy = 1900; yy < y; yy++)
    n += is_leap(yy) ? 366 : 365;
  for (int mm = 1; mm < m; mm++)
    n += days_in_month(y, mm);
  return n + d - 1;
}

int plan__travel_parse_duration(const char *s) {
  if (!s)
    return -1;
  long total = 0;
  int parts = 0;
  const char *p = s;
  for (;;) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    if (*p < '0' || *p > '9')
      return -1;
    long v = 0;
    while (*p >= '0' && *p <= '9') {
      v = v * 10 + (*p - '0');
      if (v > 100000)
        return -1;
      p++;
    }
    while (*p == ' ')
      p++;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    size_t wl = (size_t)(p - w);
    long unit;
    if ((wl == 3 && !strncmp(w, "day", 3)) ||
        (wl == 4 && !strncmp(w, "days", 4)))
      unit = 1440;
    else if ((wl == 4 && !strncmp(w, "hour", 4)) ||
             (wl == 5 && !strncmp(w, "hours", 5)))
      unit = 60;
    else if ((wl == 3 && !strncmp(w, "min", 3)) ||
             (wl == 4 && !strncmp(w, "mins", 4)) ||
             (wl == 6 && !strncmp(w, "minute", 6)) ||
             (wl == 7 && !strncmp(w, "minutes", 7)))
      unit = 1;
    else
      return -1;
    total += v * unit;
    if (total > 1000000)
      return -1;
    parts++;
  }
  return parts ? (int)total : -1;
}

/* ======================================================================
 * The store of real flights
 * ====================================================================== */

/* A route-day key: origin and destination ids and the date number. */
static uint64_t rd_key(int o, int d, int dn) {
  return (uint64_t)(uint32_t)o << 42 | (uint64_t)(uint32_t)d << 20 |
         (uint32_t)dn;
}

plan_status plan__travel_db_add_flight(plan__travel_db *db,
                                       const plan__travel_flight *f) {
  if (db->n_real >= UINT32_MAX / 2)
    return PLAN_ENOMEM;
  /* Capacity doubles at powers of two (the array is never shrunk). */
  if (db->n_real == 0 ||
      (db->n_real >= 64 && !(db->n_real & (db->n_real - 1)))) {
    size_t cap = db->n_real ? db->n_real * 2 : 64;
    plan__travel_flight *p = plan__realloc(db->real, cap * sizeof *p);
    if (!p)
      return PLAN_ENOMEM;
    db->real = p;
  }
  db->real[db->n_real++] = *f;
  return PLAN_OK;
}

plan_status plan__travel_db_add_known_empty(plan__travel_db *db, int origin,
                                            int dest, const char *date) {
  int dn = plan__travel_date_number(date);
  if (dn < 0)
    return PLAN_EINVAL;
  return plan__u64map_put(&db->known_empty, rd_key(origin, dest, dn), 1);
}

typedef struct sort_item {
  uint64_t key;
  uint32_t file_index;
} sort_item;

static int cmp_item(const void *a, const void *b) {
  const sort_item *x = a;
  const sort_item *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->file_index < y->file_index ? -1 : x->file_index > y->file_index;
}

plan_status plan__travel_db_finish_flights(plan__travel_db *db) {
  size_t n = db->n_real;
  if (!n)
    return PLAN_OK;
  plan_status st = PLAN_OK;
  sort_item *items = plan__malloc(n * sizeof *items);
  plan__travel_flight *sorted = plan__malloc(n * sizeof *sorted);
  uint32_t *pos_of_file = plan__malloc(n * sizeof *pos_of_file);
  db->real_group_len = plan__calloc(n, sizeof *db->real_group_len);
  db->real_numbers = plan__malloc(n * sizeof *db->real_numbers);
  if (!items || !sorted || !pos_of_file || !db->real_group_len ||
      !db->real_numbers) {
    st = PLAN_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const plan__travel_flight *f = &db->real[i];
    items[i].key =
        rd_key(f->origin, f->dest, plan__travel_date_number(f->date));
    items[i].file_index = (uint32_t)i;
  }
  qsort(items, n, sizeof *items, cmp_item);
  for (size_t i = 0; i < n; i++) {
    sorted[i] = db->real[items[i].file_index];
    pos_of_file[items[i].file_index] = (uint32_t)i;
  }
  plan__free(db->real);
  db->real = sorted;
  sorted = NULL;
  for (size_t i = 0; i < n; i++)
    db->real_numbers[i] = db->real[i].number;
  /* Groups of equal route-day keys. */
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && items[j].key == items[i].key)
      j++;
    db->real_group_len[i] = (uint32_t)(j - i);
    st = plan__u64map_put(&db->real_groups, items[i].key, (uint32_t)i);
    if (st != PLAN_OK)
      goto done;
    i = j;
  }
  /* Numbers: the first row in file order wins. */
  for (size_t f = 0; f < n; f++) {
    uint32_t i = pos_of_file[f];
    const char *num = db->real[i].number;
    if (plan__strmap_get(&db->real_number_map, db->real_numbers, num,
                         strlen(num)) != UINT32_MAX)
      continue;
    st = plan__strmap_add(&db->real_number_map, db->real_numbers, i);
    if (st != PLAN_OK)
      goto done;
  }
done:
  plan__free(items);
  plan__free(sorted);
  plan__free(pos_of_file);
  return st;
}

/* ======================================================================
 * The generator
 * ====================================================================== */

typedef struct gen_entry {
  plan__travel_flight *rows;
  uint32_t n;
} gen_entry;

struct plan__travel_flightgen {
  plan__arena arena;  /* generated rows; pointers stay valid */
  plan__u64map cache; /* route-day key -> index into entries */
  gen_entry *entries;
  size_t n_entries;
  size_t cap_entries;
  int *by_set; /* set index -> city id */
  size_t n_set;
  int march1;               /* date number of 2022-03-01 */
  plan__u64map real_routes; /* (min id << 32 | max id) of real flights */
};

/* Generated flight numbers: "F" + decimal (GEN_BASE + index), index =
 * ((pair * GEN_DAYS) + day) * GEN_SLOTS + position; pair = origin set
 * index * n_set + destination set index. Real numbers have 7 digits, the
 * generated ones 9 or more, so they never collide. */
#define GEN_BASE 100000000ULL
#define GEN_DAYS 31
#define GEN_SLOTS 34
#define GEN_MAX_PER_DAY 33

void plan__travel_db_free_flights(plan__travel_db *db) {
  plan__free(db->real);
  db->real = NULL;
  plan__free(db->real_group_len);
  plan__free(db->real_numbers);
  plan__u64map_free(&db->real_groups);
  plan__strmap_free(&db->real_number_map);
  plan__u64map_free(&db->known_empty);
  struct plan__travel_flightgen *g = db->gen;
  if (g) {
    plan__arena_free(&g->arena);
    plan__u64map_free(&g->cache);
    plan__free(g->entries);
    plan__free(g->by_set);
    plan__u64map_free(&g->real_routes);
    plan__free(g);
    db->gen = NULL;
  }
}

/* Airports the research notes name as hubs, and medium airports (plus every
 * city with a real flight). Names missing from the city set are ignored. */
static const char *const hub_cities[] = {
    "New York",       "Los Angeles",    "Chicago",      "Atlanta",
    "Dallas",         "Denver",         "Houston",      "Phoenix",
    "Seattle",        "Miami",          "Orlando",      "Las Vegas",
    "Charlotte",      "Washington",     "Boston",       "San Francisco",
    "Detroit",        "Minneapolis",    "Philadelphia", "Newark",
    "Salt Lake City", "Tampa",          "Baltimore",    "San Diego",
    "Nashville",      "Austin",         "St. Louis",    "Portland",
    "Kansas City",    "Fort Lauderdale"};

static const char *const mid_cities[] = {"Albuquerque",
                                         "Tucson",
                                         "El Paso",
                                         "Oklahoma City",
                                         "Tulsa",
                                         "Omaha",
                                         "Des Moines",
                                         "Cleveland",
                                         "Columbus",
                                         "Cincinnati",
                                         "Raleigh",
                                         "Charleston",
                                         "Jacksonville",
                                         "Fort Myers",
                                         "West Palm Beach",
                                         "Sarasota",
                                         "Savannah",
                                         "Birmingham",
                                         "Little Rock",
                                         "Jackson",
                                         "Knoxville",
                                         "Norfolk",
                                         "Hartford",
                                         "Providence",
                                         "Albany",
                                         "Rochester",
                                         "Syracuse",
                                         "Burbank",
                                         "Ontario",
                                         "Santa Ana",
                                         "Reno",
                                         "Spokane",
                                         "Anchorage",
                                         "Honolulu",
                                         "Kahului",
                                         "Kona",
                                         "Lihue",
                                         "Fairbanks",
                                         "Juneau",
                                         "San Juan",
                                         "Wichita",
                                         "Madison",
                                         "Grand Rapids",
                                         "Myrtle Beach",
                                         "Key West",
                                         "Bozeman",
                                         "Billings",
                                         "Sioux Falls",
                                         "Colorado Springs",
                                         "Harrisburg",
                                         "Greenville",
                                         "Wilmington",
                                         "Pensacola",
                                         "Palm Springs",
                                         "Fresno",
                                         "Santa Barbara",
                                         "Monterey",
                                         "Eugene",
                                         "San Antonio",
                                         "Sacramento",
                                         "San Jose",
                                         "Oakland",
                                         "Indianapolis",
                                         "Pittsburgh",
                                         "Richmond",
                                         "Milwaukee",
                                         "Memphis",
                                         "New Orleans",
                                         "Louisville",
                                         "Buffalo",
                                         "Boise",
                                         "Long Beach"};

/* Coordinates for cities without attractions, and for cities whose
 * attractions lie far from where the distance matrix puts them (the
 * matrix's location is used then, since it is what driving costs). */
static const struct {
  const char *city;
  double lat, lon;
} coord_table[] = {
    {"Sarasota", 27.34, -82.53},      {"Manhattan", 40.78, -73.97},
    {"Harlingen", 26.19, -97.70},     {"Gulfport", 30.37, -89.09},
    {"North Bend", 47.49, -121.79},   {"Greensboro", 36.07, -79.79},
    {"Iron Mountain", 45.82, -88.07}, {"New Bern", 35.11, -77.04},
    {"Bristol", 36.60, -82.19},       {"Bismarck", 46.81, -100.78},
    {"Jackson", 32.30, -90.18},       {"College Station", 30.63, -96.33},
    {"Presque Isle", 46.68, -68.02},  {"Clarksburg", 39.28, -80.34},
    {"Saginaw", 43.42, -83.95},       {"Cedar Rapids", 41.98, -91.67},
    {"Sun Valley", 43.70, -114.35},   {"Pasco", 46.24, -119.10},
    {"Newburgh", 41.50, -74.01},      {"Gustavus", 44.32, -93.97},
    {"Marquette", 42.84, -88.60},     {"Bloomington", 39.17, -86.53},
    {"Mission", 26.22, -98.33},       {"Newport News", 37.09, -76.47},
    {"Beaumont", 30.08, -94.13},      {"West Palm Beach", 26.72, -80.05},
    {"Hattiesburg", 31.33, -89.29},   {"Ithaca", 42.44, -76.50},
    {"Washington", 38.90, -77.04},    {"Midland", 32.00, -102.08},
    {"Champaign", 40.12, -88.24},     {"Devils Lake", 43.42, -89.73},
    {"Elmira", 42.09, -76.81},        {"Raleigh", 35.78, -78.64},
    {"Arcata", 40.87, -124.08},       {"Bend", 44.06, -121.31},
    {"Butte", 39.67, -121.60},        {"Lawton", 34.60, -98.39},
    {"Lewiston", 46.42, -117.02},     {"Scranton", 41.41, -75.66},
    {"Hancock", 47.13, -88.58}};

/* Standard-time UTC offsets (hours) and daylight saving by state. States
 * split between zones use their largest zone. */
static const struct {
  const char *state;
  int offset;
  bool dst;
} tz_table[] = {{"Alabama", -6, true},
                {"Alaska", -9, true},
                {"Arizona", -7, false},
                {"Arkansas", -6, true},
                {"California", -8, true},
                {"Colorado", -7, true},
                {"Connecticut", -5, true},
                {"Delaware", -5, true},
                {"District of Columbia", -5, true},
                {"Florida", -5, true},
                {"Georgia", -5, true},
                {"Hawaii", -10, false},
                {"Idaho", -7, true},
                {"Illinois", -6, true},
                {"Indiana", -5, true},
                {"Iowa", -6, true},
                {"Kansas", -6, true},
                {"Kentucky", -5, true},
                {"Louisiana", -6, true},
                {"Maine", -5, true},
                {"Maryland", -5, true},
                {"Massachusetts", -5, true},
                {"Michigan", -5, true},
                {"Minnesota", -6, true},
                {"Mississippi", -6, true},
                {"Missouri", -6, true},
                {"Montana", -7, true},
                {"Nebraska", -6, true},
                {"Nevada", -8, true},
                {"New Hampshire", -5, true},
                {"New Jersey", -5, true},
                {"New Mexico", -7, true},
                {"New York", -5, true},
                {"North Carolina", -5, true},
                {"North Dakota", -6, true},
                {"Ohio", -5, true},
                {"Oklahoma", -6, true},
                {"Oregon", -8, true},
                {"Pennsylvania", -5, true},
                {"Rhode Island", -5, true},
                {"South Carolina", -5, true},
                {"South Dakota", -6, true},
                {"Tennessee", -6, true},
                {"Texas", -6, true},
                {"Utah", -7, true},
                {"Vermont", -5, true},
                {"Virginia", -5, true},
                {"Washington", -8, true},
                {"West Virginia", -5, true},
                {"Wisconsin", -6, true},
                {"Wyoming", -7, true},
                {"San Juan", -4, false},
                {"Ponce", -4, false},
                {"Aguadilla", -4, false},
                {"St. Thomas", -4, false},
                {"St. Croix", -4, false},
                {"Saipan", 10, false},
                {"Eastern District", -11, false}};

/* States whose cities lie in two time zones: the zone by longitude (or, in
 * Idaho, latitude), roughly along the real boundaries. */
static int split_zone(const char *state, double lat, double lon, int min) {
  static const char *const east_central[] = {"Tennessee", "Kentucky", "Florida",
                                             "Michigan", "Indiana"};
  static const char *const central_mountain[] = {
      "Kansas", "Nebraska", "North Dakota", "South Dakota"};
  for (size_t i = 0; i < PLAN_ARRAY_LEN(east_central); i++)
    if (strcmp(state, east_central[i]) == 0)
      return lon > -86.6 ? -300 : -360;
  for (size_t i = 0; i < PLAN_ARRAY_LEN(central_mountain); i++)
    if (strcmp(state, central_mountain[i]) == 0)
      return lon < -101.5 ? -420 : -360;
  if (strcmp(state, "Texas") == 0)
    return lon < -104.5 ? -420 : -360;
  if (strcmp(state, "Idaho") == 0)
    return lat > 45.5 ? -480 : -420;
  return min;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median as Python's statistics.median computes it. */
static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool in_list(const char *name, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(name, list[i]) == 0)
      return true;
  return false;
}

plan_status plan__travel_db_prepare_generator(plan__travel_db *db) {
  /* Coordinates and time zones serve the generator only. */
  size_t max_att = 0;
  for (size_t c = 0; c < db->n_cities; c++) {
    size_t k = db->cities[c].att_end - db->cities[c].att_begin;
    if (k > max_att)
      max_att = k;
  }
  double *tmp = plan__malloc((max_att ? max_att : 1) * sizeof *tmp);
  if (!tmp)
    return PLAN_ENOMEM;
  for (size_t c = 0; c < db->n_cities; c++) {
    plan__travel_city_entry *e = &db->cities[c];
    size_t k = e->att_end - e->att_begin;
    e->has_coord = false;
    if (k) {
      for (size_t i = 0; i < k; i++)
        tmp[i] = db->att[e->att_begin + i].latitude;
      e->lat = median(tmp, k);
      for (size_t i = 0; i < k; i++)
        tmp[i] = db->att[e->att_begin + i].longitude;
      e->lon = median(tmp, k);
      e->has_coord = true;
    }
    for (size_t i = 0; i < PLAN_ARRAY_LEN(coord_table); i++)
      if (strcmp(e->pub.name, coord_table[i].city) == 0) {
        e->lat = coord_table[i].lat;
        e->lon = coord_table[i].lon;
        e->has_coord = true;
      }
    e->utc_offset_min = e->has_coord ? (int)lround(e->lon / 15.0) * 60 : -300;
    e->dst = false;
    for (size_t i = 0; e->pub.state && i < PLAN_ARRAY_LEN(tz_table); i++)
      if (strcmp(e->pub.state, tz_table[i].state) == 0) {
        e->utc_offset_min = tz_table[i].offset * 60;
        e->dst = tz_table[i].dst;
      }
    if (e->pub.state && e->has_coord)
      e->utc_offset_min =
          split_zone(e->pub.state, e->lat, e->lon, e->utc_offset_min);
    e->hub_weight = 0.1;
    if (in_list(e->pub.name, mid_cities, PLAN_ARRAY_LEN(mid_cities)))
      e->hub_weight = 0.4;
    if (in_list(e->pub.name, hub_cities, PLAN_ARRAY_LEN(hub_cities)))
      e->hub_weight = 1.0;
  }
  plan__free(tmp);
  for (size_t i = 0; i < db->n_real; i++) {
    if (db->cities[db->real[i].origin].hub_weight < 0.4)
      db->cities[db->real[i].origin].hub_weight = 0.4;
    if (db->cities[db->real[i].dest].hub_weight < 0.4)
      db->cities[db->real[i].dest].hub_weight = 0.4;
  }
  if (!db->generate)
    return PLAN_OK;
  struct plan__travel_flightgen *g = plan__calloc(1, sizeof *g);
  if (!g)
    return PLAN_ENOMEM;
  db->gen = g;
  plan__arena_init(&g->arena, 64 * 1024, 0);
  g->march1 = plan__travel_date_number("2022-03-01");
  size_t n_set = 0;
  for (size_t c = 0; c < db->n_cities; c++)
    if (db->cities[c].set_index >= 0 &&
        (size_t)db->cities[c].set_index + 1 > n_set)
      n_set = (size_t)db->cities[c].set_index + 1;
  g->by_set = plan__malloc((n_set ? n_set : 1) * sizeof *g->by_set);
  if (!g->by_set)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < n_set; i++)
    g->by_set[i] = -1;
  for (size_t c = 0; c < db->n_cities; c++)
    if (db->cities[c].set_index >= 0)
      g->by_set[db->cities[c].set_index] = (int)c;
  g->n_set = n_set;
  for (size_t i = 0; i < db->n_real; i++) {
    int a = db->real[i].origin;
    int b = db->real[i].dest;
    uint64_t k = a < b ? (uint64_t)(uint32_t)a << 32 | (uint32_t)b
                       : (uint64_t)(uint32_t)b << 32 | (uint32_t)a;
    plan_status st = plan__u64map_put(&g->real_routes, k, 1);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

/* A hash of the seed and up to three strings, as a PRNG seed or a uniform
 * draw. Names (not ids) make results independent of the load order. */
static uint64_t hash_names(uint64_t seed, const char *a, const char *b,
                           const char *c) {
  uint64_t h = plan__hash64(a, strlen(a), seed ^ 0x666c6967687473ULL);
  h = plan__hash64(b, strlen(b), h);
  if (c)
    h = plan__hash64(c, strlen(c), h);
  return plan__hash_mix(h);
}

static double great_circle_miles(double la1, double lo1, double la2,
                                 double lo2) {
  const double r = 3958.8;
  const double rad = 3.14159265358979323846 / 180.0;
  double dla = (la2 - la1) * rad;
  double dlo = (lo2 - lo1) * rad;
  double h = sin(dla / 2) * sin(dla / 2) +
             cos(la1 * rad) * cos(la2 * rad) * sin(dlo / 2) * sin(dlo / 2);
  if (h > 1)
    h = 1;
  return 2 * r * asin(sqrt(h));
}

/* Road kilometres from the distance matrix (either direction), or -1. */
static double road_km(const plan__travel_db *db, int a, int b) {
  for (int pass = 0; pass < 2; pass++) {
    const plan__travel_drive *d = pass ? plan__travel_db_drive(db, b, a)
                                       : plan__travel_db_drive(db, a, b);
    if (!d || !d->distance[0])
      continue;
    if (d->valid)
      return d->km;
    /* Rows whose duration has "day" still have a usable distance. */
    char tmp[64];
    size_t n = 0;
    for (const char *p = d->distance; *p && n + 1 < sizeof tmp; p++)
      if ((*p >= '0' && *p <= '9') || *p == '.')
        tmp[n++] = *p;
    tmp[n] = '\0';
    double km = 0;
    if (n && plan__parse_double(tmp, &km))
      return km;
  }
  return -1;
}

static double normal(plan__rng *r) {
  double u1 = plan__rng_double(r);
  double u2 = plan__rng_double(r);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt(-2 * log(u1)) * cos(2 * 3.14159265358979323846 * u2);
}

static unsigned poisson(plan__rng *r, double lambda) {
  double l = exp(-lambda);
  double p = 1;
  unsigned k = 0;
  do {
    k++;
    p *= plan__rng_double(r);
  } while (p > l && k < 200);
  return k - 1;
}

static int cmp_dep(const void *a, const void *b) {
  const plan__travel_flight *x = a;
  const plan__travel_flight *y = b;
  if (x->dep_minutes != y->dep_minutes)
    return x->dep_minutes < y->dep_minutes ? -1 : 1;
  return strcmp(x->elapsed, y->elapsed);
}

/* Fills rows[0..*n) for the route-day (a, b, day); *n = 0 when there is
 * no route. rows has room for GEN_MAX_PER_DAY flights. */
static void generate_route_day(const plan__travel_db *db, int a, int b, int day,
                               plan__travel_flight *rows, uint32_t *n) {
  const struct plan__travel_flightgen *g = db->gen;
  const plan__travel_city_entry *ca = &db->cities[a];
  const plan__travel_city_entry *cb = &db->cities[b];
  *n = 0;
  if (a == b || !ca->has_coord || !cb->has_coord || ca->set_index < 0 ||
      cb->set_index < 0)
    return;
  double km = road_km(db, a, b);
  double miles = km > 0
                     ? km / 1.9
                     : great_circle_miles(ca->lat, ca->lon, cb->lat, cb->lon);
  uint64_t rk = a < b ? (uint64_t)(uint32_t)a << 32 | (uint32_t)b
                      : (uint64_t)(uint32_t)b << 32 | (uint32_t)a;
  bool forced = plan__u64map_get(&g->real_routes, rk) != UINT32_MAX;
  if (!forced && miles < 100)
    return;
  double w = ca->hub_weight * cb->hub_weight;
  const char *lo =
      strcmp(ca->pub.name, cb->pub.name) < 0 ? ca->pub.name : cb->pub.name;
  const char *hi = lo == ca->pub.name ? cb->pub.name : ca->pub.name;
  double u = (double)(hash_names(db->flight_seed, lo, hi, NULL) >> 11) *
             (1.0 / 9007199254740992.0);
  if (!forced && u >= PLAN_MIN(1.0, 1.5 * w))
    return;
  char date[11];
  int dn = g->march1 + day;
  plan__fmt(date, sizeof date, "2022-03-%02d", day + 1);
  plan__rng r;
  plan__rng_seed(&r,
                 hash_names(db->flight_seed, ca->pub.name, cb->pub.name, date));
  unsigned k = poisson(&r, 1 + 12 * w);
  if (k > GEN_MAX_PER_DAY)
    k = GEN_MAX_PER_DAY;
  /* US daylight saving time began on 2022-03-13. */
  bool summer = dn >= g->march1 + 12;
  int tz_a = ca->utc_offset_min + (summer && ca->dst ? 60 : 0);
  int tz_b = cb->utc_offset_min + (summer && cb->dst ? 60 : 0);
  double rounded_miles = floor(miles + 0.5);
  for (unsigned i = 0; i < k; i++) {
    plan__travel_flight *f = &rows[i];
    memset(f, 0, sizeof *f);
    f->dep_minutes = 300 + (int)plan__rng_below(&r, 1111); /* 05:00-23:30 */
    double el = 24 + 0.115 * miles + 8 * normal(&r);
    if (el < 25)
      el = 25;
    f->elapsed_minutes = (int)lround(el);
    double price = 0.35 * miles * exp(0.35 * normal(&r)) + 40;
    /* The range of the real table's prices. */
    if (price < 21)
      price = 21;
    if (price > 995)
      price = 995;
    f->price = floor(price + 0.5);
    int arr = f->dep_minutes + f->elapsed_minutes + (tz_b - tz_a);
    arr = ((arr % 1440) + 1440) % 1440;
    f->arr_minutes = arr;
    f->origin = a;
    f->dest = b;
    f->distance = rounded_miles;
    f->generated = true;
    plan__fmt(f->date, sizeof f->date, "%s", date);
    plan__fmt(f->dep_time, sizeof f->dep_time, "%02d:%02d", f->dep_minutes / 60,
              f->dep_minutes % 60);
    plan__fmt(f->arr_time, sizeof f->arr_time, "%02d:%02d", arr / 60, arr % 60);
    plan__fmt(f->elapsed, sizeof f->elapsed, "%d hours %d minutes",
              f->elapsed_minutes / 60, f->elapsed_minutes % 60);
  }
  qsort(rows, k, sizeof *rows, cmp_dep);
  uint64_t pair = (uint64_t)ca->set_index * g->n_set + (uint64_t)cb->set_index;
  for (unsigned i = 0; i < k; i++) {
    uint64_t idx = (pair * GEN_DAYS + (uint64_t)day) * GEN_SLOTS + i;
    plan__fmt(rows[i].number, sizeof rows[i].number, "F%llu",
              (unsigned long long)(GEN_BASE + idx));
  }
  *n = k;
}

/* The cached generated flights of (a, b, day). */
static plan_status gen_lookup(plan__travel_db *db, int a, int b, int day,
                              const plan__travel_flight **out, size_t *n) {
  struct plan__travel_flightgen *g = db->gen;
  uint64_t key = rd_key(a, b, g->march1 + day);
  uint32_t i = plan__u64map_get(&g->cache, key);
  if (i == UINT32_MAX) {
    plan__travel_flight rows[GEN_MAX_PER_DAY];
    uint32_t k = 0;
    generate_route_day(db, a, b, day, rows, &k);
    plan__travel_flight *copy = NULL;
    if (k) {
      copy = plan__arena_alloc(&g->arena, k * sizeof *copy);
      if (!copy)
        return PLAN_ENOMEM;
      memcpy(copy, rows, k * sizeof *copy);
    }
    if (g->n_entries == g->cap_entries) {
      plan_status st = plan__grow((void **)&g->entries, &g->cap_entries,
                                  g->n_entries + 1, sizeof *g->entries);
      if (st != PLAN_OK)
        return st;
    }
    i = (uint32_t)g->n_entries;
    plan_status st = plan__u64map_put(&g->cache, key, i);
    if (st != PLAN_OK)
      return st;
    g->entries[g->n_entries].rows = copy;
    g->entries[g->n_entries].n = k;
    g->n_entries++;
  }
  *out = g->entries[i].rows;
  *n = g->entries[i].n;
  return PLAN_OK;
}

plan_status plan__travel_db_flights(plan__travel_db *db, int origin, int dest,
                                    const char *date,
                                    const plan__travel_flight **out,
                                    size_t *n) {
  if (!out || !n)
    return PLAN_EINVAL;
  *out = NULL;
  *n = 0;
  if (!db || origin < 0 || dest < 0 || (size_t)origin >= db->n_cities ||
      (size_t)dest >= db->n_cities)
    return db ? PLAN_OK : PLAN_EINVAL;
  int dn = plan__travel_date_number(date);
  if (dn < 0)
    return PLAN_OK;
  uint64_t key = rd_key(origin, dest, dn);
  uint32_t i = plan__u64map_get(&db->real_groups, key);
  if (i != UINT32_MAX) {
    *out = db->real + i;
    *n = db->real_group_len[i];
    return PLAN_OK;
  }
  if (plan__u64map_get(&db->known_empty, key) != UINT32_MAX)
    return PLAN_OK;
  if (!db->generate || !db->gen)
    return PLAN_OK;
  int day = dn - db->gen->march1;
  if (day < 0 || day >= GEN_DAYS)
    return PLAN_OK;
  return gen_lookup(db, origin, dest, day, out, n);
}

const plan__travel_flight *
plan__travel_db_flight_by_number(plan__travel_db *db, const char *number) {
  if (!db || !number)
    return NULL;
  uint32_t i = plan__strmap_get(&db->real_number_map, db->real_numbers, number,
                                strlen(number));
  if (i != UINT32_MAX)
    return &db->real[i];
  if (!db->generate || !db->gen || number[0] != 'F' || number[1] == '0')
    return NULL;
  uint64_t v = 0;
  const char *p = number + 1;
  if (!*p)
    return NULL;
  for (; *p; p++) {
    if (*p < '0' || *p > '9' || v > UINT64_MAX / 20)
      return NULL;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  if (v < GEN_BASE)
    return NULL;
  uint64_t idx = v - GEN_BASE;
  uint64_t slot = idx % GEN_SLOTS;
  idx /= GEN_SLOTS;
  int day = (int)(idx % GEN_DAYS);
  uint64_t pair = idx / GEN_DAYS;
  struct plan__travel_flightgen *g = db->gen;
  if (!g->n_set || pair >= (uint64_t)g->n_set * g->n_set)
    return NULL;
  int a = g->by_set[pair / g->n_set];
  int b = g->by_set[pair % g->n_set];
  if (a < 0 || b < 0)
    return NULL;
  /* Real rows and known-empty days replace the generated ones. */
  char date[11];
  plan__fmt(date, sizeof date, "2022-03-%02d", day + 1);
  const plan__travel_flight *rows = NULL;
  size_t n = 0;
  if (plan__travel_db_flights(db, a, b, date, &rows, &n) != PLAN_OK ||
      slot >= n || !rows[slot].generated ||
      strcmp(rows[slot].number, number) != 0)
    return NULL;
  return &rows[slot];
}
