/* solvers/travel/ref.c: a TravelPlanner database built from one query's
 * reference information (the benchmark's sole-planning setting): the tool
 * results upstream collected for the cities and routes of the reference
 * plan, as one object of train_ref_info.jsonl. The rows go into the same
 * handle a folder load builds (db_internal.h), with the same dropna rule
 * and first-row-wins lookups; the city/state set is the built-in one.
 */
#include "solvers/travel/db_internal.h"

#include <math.h>
#include <string.h>

#include "core/json.h"
#include "solvers/travel/csv.h"

/* One value of a row as text for string columns: strings as they are,
 * numbers formatted. NULL when missing or null (pandas NaN). */
static const char *row_str(const json_t *row, const char *key, char *tmp,
                           size_t size) {
  const json_t *v = json_object_get(row, key);
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    return plan__csv_is_na(s) ? NULL : s;
  }
  if (json_is_integer(v)) {
    plan__fmt(tmp, size, "%lld", (long long)json_integer_value(v));
    return tmp;
  }
  if (json_is_real(v)) {
    if (!isfinite(json_real_value(v)))
      return NULL;
    plan__json_format_real(json_real_value(v), tmp, size);
    return tmp;
  }
  return NULL;
}

/* A numeric column: a JSON number or a numeric string. Returns 0 when
 * present and numeric, 1 when missing (NaN), -1 when malformed. */
static int row_num(const json_t *row, const char *key, double *out) {
  const json_t *v = json_object_get(row, key);
  if (!v || json_is_null(v))
    return 1;
  if (json_is_number(v)) {
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : 1;
  }
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    if (plan__csv_is_na(s))
      return 1;
    return plan__parse_double(s, out) && isfinite(*out) ? 0 : -1;
  }
  return -1;
}

static plan_status bad_row(plan_error *err, const char *key, size_t i,
                           const char *col) {
  return plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "reference information '%.60s', row %zu: column "
                         "'%s' is malformed",
                         key, i + 1, col);
}

static plan_status intern(plan__travel_db *db, const char *name, int *id) {
  return plan__travel_db_intern_city(db, name, strlen(name), id);
}

static plan_status add_accommodations(plan__travel_db *db, const char *key,
                                      const json_t *rows, plan_error *err) {
  size_t i;
  const json_t *row;
  json_array_foreach(rows, i, row) {
    if (!json_is_object(row))
      return bad_row(err, key, i, "(row is not an object)");
    char t1[64], t2[64], t3[64], t4[64];
    const char *name = row_str(row, "NAME", t1, sizeof t1);
    const char *room = row_str(row, "room type", t2, sizeof t2);
    const char *rules = row_str(row, "house_rules", t3, sizeof t3);
    const char *city = row_str(row, "city", t4, sizeof t4);
    double price = 0, nights = 0, occ = 0, review = 0;
    int a = row_num(row, "price", &price);
    int b = row_num(row, "minimum nights", &nights);
    int c = row_num(row, "maximum occupancy", &occ);
    int d = row_num(row, "review rate number", &review);
    if (a < 0)
      return bad_row(err, key, i, "price");
    if (b < 0)
      return bad_row(err, key, i, "minimum nights");
    if (c < 0)
      return bad_row(err, key, i, "maximum occupancy");
    if (d < 0)
      return bad_row(err, key, i, "review rate number");
    /* dropna(): a row with any missing field is not in upstream's table. */
    if (!name || !room || !rules || !city || a || b || c || d)
      continue;
    if (occ < 1 || occ > 1e6 || occ != floor(occ))
      return bad_row(err, key, i, "maximum occupancy");
    plan__travel_accommodation r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.room_type = room;
    r.house_rules = rules;
    r.price = price;
    r.minimum_nights = nights;
    r.maximum_occupancy = (int)occ;
    r.review = review;
    plan_status st = intern(db, city, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_accommodation(db, &r);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static plan_status add_restaurants(plan__travel_db *db, const char *key,
                                   const json_t *rows, plan_error *err) {
  size_t i;
  const json_t *row;
  json_array_foreach(rows, i, row) {
    if (!json_is_object(row))
      return bad_row(err, key, i, "(row is not an object)");
    char t1[64], t2[64], t3[64];
    const char *name = row_str(row, "Name", t1, sizeof t1);
    const char *cuisines = row_str(row, "Cuisines", t2, sizeof t2);
    const char *city = row_str(row, "City", t3, sizeof t3);
    double cost = 0, rating = 0;
    int a = row_num(row, "Average Cost", &cost);
    int b = row_num(row, "Aggregate Rating", &rating);
    if (a < 0)
      return bad_row(err, key, i, "Average Cost");
    if (b < 0)
      return bad_row(err, key, i, "Aggregate Rating");
    if (!name || !cuisines || !city || a || b)
      continue;
    plan__travel_restaurant r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.cuisines = cuisines;
    r.cost = cost;
    r.rating = rating;
    plan_status st = intern(db, city, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_restaurant(db, &r);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

static plan_status add_attractions(plan__travel_db *db, const char *key,
                                   const json_t *rows, plan_error *err) {
  size_t i;
  const json_t *row;
  json_array_foreach(rows, i, row) {
    if (!json_is_object(row))
      return bad_row(err, key, i, "(row is not an object)");
    char t1[64], t2[64], t3[64], t4[64], t5[64];
    const char *name = row_str(row, "Name", t1, sizeof t1);
    const char *addr = row_str(row, "Address", t2, sizeof t2);
    const char *phone = row_str(row, "Phone", t3, sizeof t3);
    const char *web = row_str(row, "Website", t4, sizeof t4);
    const char *city = row_str(row, "City", t5, sizeof t5);
    double lat = 0, lon = 0;
    int a = row_num(row, "Latitude", &lat);
    int b = row_num(row, "Longitude", &lon);
    if (a < 0)
      return bad_row(err, key, i, "Latitude");
    if (b < 0)
      return bad_row(err, key, i, "Longitude");
    if (!name || !addr || !phone || !web || !city || a || b)
      continue;
    plan__travel_attraction r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.address = addr;
    r.phone = phone;
    r.website = web;
    r.latitude = lat;
    r.longitude = lon;
    plan_status st = intern(db, city, &r.city);
    if (st == PLAN_OK)
      st = plan__travel_db_add_attraction(db, &r);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

/* "HH:MM" into minutes, or -1. */
static int hhmm(const char *s) {
  if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' ||
      s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
      s[4] > '9')
    return -1;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  return h > 23 ? -1 : h * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

static plan_status add_flights(plan__travel_db *db, const char *key,
                               const json_t *rows, plan_error *err) {
  size_t i;
  const json_t *row;
  json_array_foreach(rows, i, row) {
    if (!json_is_object(row))
      return bad_row(err, key, i, "(row is not an object)");
    char t1[64], t2[64], t3[64], t4[64], t5[64], t6[64], t7[64];
    const char *num = row_str(row, "Flight Number", t1, sizeof t1);
    const char *dep = row_str(row, "DepTime", t2, sizeof t2);
    const char *arr = row_str(row, "ArrTime", t3, sizeof t3);
    const char *el = row_str(row, "ActualElapsedTime", t4, sizeof t4);
    const char *date = row_str(row, "FlightDate", t5, sizeof t5);
    const char *org = row_str(row, "OriginCityName", t6, sizeof t6);
    const char *dst = row_str(row, "DestCityName", t7, sizeof t7);
    double price = 0, dist = 0;
    int a = row_num(row, "Price", &price);
    int b = row_num(row, "Distance", &dist);
    if (a < 0)
      return bad_row(err, key, i, "Price");
    if (b < 0)
      return bad_row(err, key, i, "Distance");
    if (!num || !dep || !arr || !el || !date || !org || !dst || a || b)
      continue;
    plan__travel_flight f;
    memset(&f, 0, sizeof f);
    if (strlen(num) >= sizeof f.number)
      return bad_row(err, key, i, "Flight Number");
    if ((f.dep_minutes = hhmm(dep)) < 0)
      return bad_row(err, key, i, "DepTime");
    if ((f.arr_minutes = hhmm(arr)) < 0)
      return bad_row(err, key, i, "ArrTime");
    if (strlen(el) >= sizeof f.elapsed)
      return bad_row(err, key, i, "ActualElapsedTime");
    if (plan__travel_date_number(date) < 0)
      return bad_row(err, key, i, "FlightDate");
    plan__fmt(f.number, sizeof f.number, "%s", num);
    plan__fmt(f.dep_time, sizeof f.dep_time, "%s", dep);
    plan__fmt(f.arr_time, sizeof f.arr_time, "%s", arr);
    plan__fmt(f.elapsed, sizeof f.elapsed, "%s", el);
    plan__fmt(f.date, sizeof f.date, "%s", date);
    f.elapsed_minutes = plan__travel_parse_duration(el);
    f.price = price;
    f.distance = dist;
    plan_status st = intern(db, org, &f.origin);
    if (st == PLAN_OK)
      st = intern(db, dst, &f.dest);
    if (st == PLAN_OK)
      st = plan__travel_db_add_flight(db, &f);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

/* Splits "A to B" (after a prefix) at the first " to " into a and b. */
static bool split_to(const char *s, char *a, size_t asz, char *b, size_t bsz) {
  const char *t = strstr(s, " to ");
  if (!t || t == s || !t[4])
    return false;
  size_t al = (size_t)(t - s);
  size_t bl = strlen(t + 4);
  if (al >= asz || bl >= bsz)
    return false;
  memcpy(a, s, al);
  a[al] = '\0';
  memcpy(b, t + 4, bl + 1);
  return true;
}

/* Copies the text between `from` and the next `to` marker (or the end). */
static bool between(const char *msg, const char *from, const char *to,
                    char *out, size_t size) {
  const char *p = strstr(msg, from);
  if (!p)
    return false;
  p += strlen(from);
  const char *e = to ? strstr(p, to) : p + strlen(p);
  if (!e || (size_t)(e - p) >= size)
    return false;
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
  return true;
}

/* "Self-driving from A to B" / "Taxi from A to B" with a message like
 * "self-driving, from A to B, duration: 4 hours 10 mins, distance: 446 km,
 * cost: 22" or "No valid information.". */
static plan_status add_drive(plan__travel_db *db, const char *rest,
                             const json_t *val, plan_error *err,
                             const char *key) {
  char a[256], b[256];
  if (!split_to(rest, a, sizeof a, b, sizeof b))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "reference information key '%.80s': expected "
                           "'... from A to B'",
                           key);
  if (!json_is_string(val))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "reference information '%.80s': expected a "
                           "message string",
                           key);
  const char *msg = json_string_value(val);
  char dur[128], dist[64];
  bool ok = between(msg, ", duration: ", ", distance: ", dur, sizeof dur) &&
            between(msg, ", distance: ", ", cost: ", dist, sizeof dist);
  int o = -1;
  int d = -1;
  plan_status st = intern(db, a, &o);
  if (st == PLAN_OK)
    st = intern(db, b, &d);
  if (st != PLAN_OK)
    return st;
  return plan__travel_db_add_drive(db, o, d, ok ? dur : NULL, ok ? dist : NULL);
}

static bool starts(const char *s, const char *prefix, const char **rest) {
  size_t n = strlen(prefix);
  if (strncmp(s, prefix, n) != 0)
    return false;
  *rest = s + n;
  return true;
}

static plan_status add_entry(plan__travel_db *db, const char *key,
                             const json_t *val, plan_error *err) {
  const char *rest = NULL;
  bool list = json_is_array(val);
  if (!list && !json_is_string(val) && !json_is_null(val))
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "reference information '%.80s': expected a list "
                           "of rows or a message",
                           key);
  if (starts(key, "Accommodations in ", &rest))
    return list ? add_accommodations(db, key, val, err) : PLAN_OK;
  if (starts(key, "Restaurants in ", &rest))
    return list ? add_restaurants(db, key, val, err) : PLAN_OK;
  if (starts(key, "Attractions in ", &rest))
    return list ? add_attractions(db, key, val, err) : PLAN_OK;
  if (starts(key, "Flight from ", &rest)) {
    if (list)
      return add_flights(db, key, val, err);
    /* "There is no flight from A to B on D.": that route-day is empty. */
    const char *on = strstr(rest, " on ");
    const char *last = on;
    while (last && (on = strstr(last + 4, " on ")))
      last = on;
    char route[512], a[256], b[256];
    if (!last || (size_t)(last - rest) >= sizeof route)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "reference information key '%.80s': expected "
                             "'Flight from A to B on YYYY-MM-DD'",
                             key);
    memcpy(route, rest, (size_t)(last - rest));
    route[last - rest] = '\0';
    if (!split_to(route, a, sizeof a, b, sizeof b) ||
        plan__travel_date_number(last + 4) < 0)
      return plan__error_set(err, PLAN_EPARSE, 0, 0,
                             "reference information key '%.80s': expected "
                             "'Flight from A to B on YYYY-MM-DD'",
                             key);
    int o = -1;
    int d = -1;
    plan_status st = intern(db, a, &o);
    if (st == PLAN_OK)
      st = intern(db, b, &d);
    if (st == PLAN_OK)
      st = plan__travel_db_add_known_empty(db, o, d, last + 4);
    return st;
  }
  if (starts(key, "Self-driving from ", &rest) ||
      starts(key, "Taxi from ", &rest))
    return add_drive(db, rest, val, err, key);
  /* Other keys (none upstream) are ignored. */
  return PLAN_OK;
}

plan_status plan__travel_db_from_ref(const json_t *ref, plan__travel_db **out,
                                     plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  json_t *owned = NULL;
  if (json_is_string(ref)) {
    /* A JSON string holding the object. */
    const char *s = json_string_value(ref);
    owned = plan__json_parse(s, json_string_length(ref),
                             "reference information", err);
    if (!owned)
      return err ? err->code : PLAN_EPARSE;
    ref = owned;
  }
  if (!json_is_object(ref)) {
    json_decref(owned);
    return plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "reference information: expected an object");
  }
  plan__travel_db *db = NULL;
  plan_status st = plan__travel_db_new(&db, "reference information");
  if (st != PLAN_OK) {
    json_decref(owned);
    return plan__error_set(err, st, 0, 0, "out of memory");
  }
  db->is_ref = true;
  st = plan__travel_db_set_cities(db, plan__travel_builtin_cities,
                                  plan__travel_builtin_city_count);
  const char *key;
  const json_t *val;
  /* Iterate in the object's insertion order: it is the file order. */
  void *it = json_object_iter((json_t *)ref);
  while (st == PLAN_OK && it) {
    key = json_object_iter_key(it);
    val = json_object_iter_value(it);
    st = add_entry(db, key, val, err);
    it = json_object_iter_next((json_t *)ref, it);
  }
  if (st == PLAN_OK)
    st = plan__travel_db_finish_rows(db);
  if (st == PLAN_OK)
    st = plan__travel_db_finish_flights(db);
  if (st == PLAN_OK)
    st = plan__travel_db_prepare_generator(db);
  json_decref(owned);
  if (st != PLAN_OK) {
    if (st == PLAN_ENOMEM)
      plan__error_set(err, st, 0, 0, "out of memory");
    plan__travel_db_free(db);
    return st;
  }
  *out = db;
  return PLAN_OK;
}

plan_status plan__travel_db_from_ref_text(const char *text, size_t len,
                                          plan__travel_db **out,
                                          plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!text)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "text is NULL");
  json_t *j = plan__json_parse(text, len, "reference information", err);
  if (!j)
    return err ? err->code : PLAN_EPARSE;
  plan_status st = plan__travel_db_from_ref(j, out, err);
  json_decref(j);
  return st;
}
