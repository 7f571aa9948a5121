/* benchmarks/travelplanner/gen.c: a generator of structured TravelPlanner
 * queries that follows upstream's utils/query_element_selection.py (how
 * days, dates, cities, people and local constraints are drawn) and
 * utils/budget_estimation.py (the budget formula and its rejection rules),
 * on any database (docs/travel-data.md). The perf benchmark and the solver
 * tests use it for queries beyond the 45 train ones.
 *
 * Differences from upstream, on purpose: levels and trip lengths cycle
 * through the requested lists instead of being drawn, so that n queries are
 * an even mix; one seeded PRNG replaces Python's random and numpy; an
 * optional accept callback (e.g. "the solver finds a plan") replaces the
 * human annotators who kept only feasible queries.
 */
#include "benchmarks/travelplanner/travelplanner.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void plan__travel_gen_options_init(plan__travel_gen_options *o,
                                   unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
}

/* ======================================================================
 * The budget (budget_estimation.py)
 * ====================================================================== */

/* A growable list of prices. */
typedef struct vec {
  double *v;
  size_t n;
  size_t cap;
  bool oom;
} vec;

static void vec_push(vec *a, double x) {
  if (a->oom)
    return;
  if (plan__grow((void **)&a->v, &a->cap, a->n + 1, sizeof *a->v) != PLAN_OK) {
    a->oom = true;
    return;
  }
  a->v[a->n++] = x;
}

/* lowest / highest / average; false for an empty list (upstream's min() of
 * an empty list raises ValueError and the draw is rejected). */
static bool stats(const vec *a, double out[3]) {
  if (!a->n)
    return false;
  double lo = a->v[0], hi = a->v[0], sum = 0;
  for (size_t i = 0; i < a->n; i++) {
    lo = a->v[i] < lo ? a->v[i] : lo;
    hi = a->v[i] > hi ? a->v[i] : hi;
    sum += a->v[i];
  }
  out[0] = lo;
  out[1] = hi;
  out[2] = sum / (double)a->n;
  return true;
}

/* Python's round(num / 100) * 100: round half to even. */
static double round100(double x) {
  return nearbyint(x / 100.0) * 100.0;
}

static bool restaurant_ok(const plan__travel_query *q,
                          const plan__travel_restaurant *r) {
  /* str.contains('A|B|...'): any of the cuisines. */
  for (size_t k = 0; k < q->n_cuisines; k++)
    if (strstr(r->cuisines, q->cuisines[k]))
      return true;
  return false;
}

static bool room_filter(const plan__travel_query *q,
                        const plan__travel_accommodation *a) {
  switch (q->room_type) {
  case PLAN__TRAVEL_ROOMREQ_SHARED:
    return strcmp(a->room_type, "Shared room") == 0;
  case PLAN__TRAVEL_ROOMREQ_NOT_SHARED:
    return strcmp(a->room_type, "Private room") == 0 ||
           strcmp(a->room_type, "Entire home/apt") == 0;
  case PLAN__TRAVEL_ROOMREQ_PRIVATE:
    return strcmp(a->room_type, "Private room") == 0;
  case PLAN__TRAVEL_ROOMREQ_ENTIRE:
    return strcmp(a->room_type, "Entire home/apt") == 0;
  case PLAN__TRAVEL_ROOMREQ_NONE: break;
  }
  return true;
}

double plan__travel_gen_budget(plan__travel_db *db, const plan__travel_query *q,
                               const char **why) {
  static const int mult[3][3] = {{2, 3, 9}, {3, 5, 15}, {4, 7, 21}};
  const char *dummy;
  if (!why)
    why = &dummy;
  *why = NULL;
  if (!db || !q || (q->days != 3 && q->days != 5 && q->days != 7)) {
    *why = "bad arguments";
    return -1;
  }
  const int *m = mult[(q->days - 3) / 2];
  bool easy = q->level && strcmp(q->level, "easy") == 0;
  bool hard = !q->level || strcmp(q->level, "hard") == 0;
  int org = plan__travel_db_city_find(db, q->org);
  const int *cities = NULL;
  size_t n_cities = 0;
  int single = -1;
  if (q->days == 3) {
    single = plan__travel_db_city_find(db, q->dest);
    cities = &single;
    n_cities = single >= 0;
  } else {
    n_cities = plan__travel_db_state_cities(db, q->dest, &cities);
  }
  vec flights = {0}, hotels = {0}, rests = {0};
  size_t flights_day1 = 0;
  double first_flight_miles = -1;
  double result = -1;
  /* Per city: hotels, restaurants, flights from org. The 3-day (city)
   * grain takes the route's flights on every date of March 2022; the state
   * grain only those on the trip's dates. */
  for (size_t c = 0; c < n_cities; c++) {
    int city = cities[c];
    const plan__travel_accommodation *acc = NULL;
    size_t na = plan__travel_db_accommodations(db, city, &acc);
    for (size_t i = 0; i < na; i++) {
      const plan__travel_accommodation *a = &acc[i];
      if (!easy && a->maximum_occupancy < q->people_number)
        continue;
      if (hard && !room_filter(q, a))
        continue;
      if (hard && q->house_rule != PLAN__TRAVEL_RULE_NONE &&
          (a->rules & plan__travel_rule_bit(q->house_rule)))
        continue;
      vec_push(&hotels, a->price);
    }
    const plan__travel_restaurant *rs = NULL;
    size_t nr = plan__travel_db_restaurants(db, city, &rs);
    for (size_t i = 0; i < nr; i++)
      if (!hard || !q->n_cuisines || restaurant_ok(q, &rs[i]))
        vec_push(&rests, rs[i].cost);
    int n_dates = q->days == 3 ? 31 : q->days;
    for (int d = 0; d < n_dates; d++) {
      char date[11];
      if (q->days == 3)
        plan__fmt(date, sizeof date, "2022-03-%02d", d + 1);
      else
        plan__fmt(date, sizeof date, "%s", q->dates[d]);
      const plan__travel_flight *f = NULL;
      size_t nf = 0;
      if (plan__travel_db_flights(db, org, city, date, &f, &nf) != PLAN_OK) {
        *why = "out of memory";
        goto done;
      }
      for (size_t i = 0; i < nf; i++) {
        if (first_flight_miles < 0)
          first_flight_miles = f[i].distance;
        if (strcmp(f[i].date, q->dates[0]) == 0)
          flights_day1++;
        vec_push(&flights, f[i].price);
      }
    }
  }
  if (flights.oom || hotels.oom || rests.oom) {
    *why = "out of memory";
    goto done;
  }
  if (!n_cities) {
    *why = "unknown destination";
    goto done;
  }
  if (hard && q->transportation == PLAN__TRAVEL_TRANSPORT_NO_SELF_DRIVING &&
      flights_day1 < (q->days == 3 ? 2u : 10u)) {
    *why = "too few flights on the first day for 'no self-driving'";
    goto done;
  }
  if (hard && q->transportation == PLAN__TRAVEL_TRANSPORT_NO_FLIGHT &&
      (flights_day1 < 2 || first_flight_miles > 800)) {
    *why = "'no flight' needs a short route with flights on day 1";
    goto done;
  }
  if (hard &&
      (q->room_type != PLAN__TRAVEL_ROOMREQ_NONE ||
       q->house_rule != PLAN__TRAVEL_RULE_NONE) &&
      hotels.n < (size_t)q->days) {
    *why = "too few accommodations after the filters";
    goto done;
  }
  if (hard && q->n_cuisines && rests.n < (size_t)q->days) {
    *why = "too few restaurants with the cuisines";
    goto done;
  }
  double fs[3], hs[3], rsv[3];
  if (!stats(&flights, fs)) {
    *why = "no flights from org to the destination";
    goto done;
  }
  if (!stats(&hotels, hs)) {
    *why = "no accommodation for the group";
    goto done;
  }
  if (!stats(&rests, rsv)) {
    *why = "no restaurants";
    goto done;
  }
  double b[3];
  for (int k = 0; k < 3; k++)
    b[k] = fs[k] * m[0] + hs[k] * m[1] + rsv[k] * m[2];
  double low = b[0], high = b[1], avg = b[2];
  double factor = easy ? 1.0 : (hard ? 0.5 : 0.75);
  double people = easy ? 1.0 : (double)q->people_number;
  if (q->days == 3)
    result = round100((avg + low) / 2 * people * factor);
  else if (q->days == 5)
    result = round100(avg * people * factor);
  else
    result = round100(round100((avg + high) / 2) * people * factor);
done:
  plan__free(flights.v);
  plan__free(hotels.v);
  plan__free(rests.v);
  return result;
}

/* ======================================================================
 * Drawing queries (query_element_selection.py)
 * ====================================================================== */

static const char *const g_rules[] = {"parties", "smoking", "children under 10",
                                      "visitors", "pets"};
static const char *const g_rooms[] = {"shared room", "not shared room",
                                      "private room", "entire room"};

static size_t pick(plan__rng *r, size_t n) {
  return (size_t)plan__rng_below(r, n);
}

/* The cities of the city/state set, in set order. */
typedef struct city_set {
  int *ids;
  size_t n;
} city_set;

static plan_status collect_cities(const plan__travel_db *db, city_set *cs) {
  size_t n = plan__travel_db_city_count(db);
  cs->ids = plan__malloc((n ? n : 1) * sizeof *cs->ids);
  if (!cs->ids)
    return PLAN_ENOMEM;
  cs->n = 0;
  for (size_t i = 0; i < n; i++) {
    const plan__travel_city *c = plan__travel_db_city(db, (int)i);
    if (c->in_city_set)
      cs->ids[cs->n++] = (int)i;
  }
  return PLAN_OK;
}

static char *xstrdup(const char *s, bool *oom) {
  char *d = plan__strdup(s);
  if (!d)
    *oom = true;
  return d;
}

/* Sets a constraint on q from its kind (0 house rule, 1 cuisine, 2 room
 * type, 3 transportation). */
static void set_constraint(plan__rng *r, plan__travel_query *q, int kind,
                           size_t n_cuisines, bool *oom) {
  switch (kind) {
  case 0: {
    size_t i = pick(r, 5);
    q->house_rule = (plan__travel_house_rule)(i + 1);
    q->house_rule_text = xstrdup(g_rules[i], oom);
    break;
  }
  case 1: {
    /* random.sample of the 7 cuisines. */
    unsigned idx[PLAN__TRAVEL_N_CUISINES];
    for (unsigned i = 0; i < PLAN__TRAVEL_N_CUISINES; i++)
      idx[i] = i;
    q->cuisines = plan__calloc(n_cuisines, sizeof *q->cuisines);
    if (!q->cuisines) {
      *oom = true;
      return;
    }
    q->n_cuisines = n_cuisines;
    for (size_t k = 0; k < n_cuisines; k++) {
      size_t j = k + pick(r, PLAN__TRAVEL_N_CUISINES - k);
      unsigned t = idx[k];
      idx[k] = idx[j];
      idx[j] = t;
      q->cuisines[k] = xstrdup(plan__travel_cuisine_name(idx[k]), oom);
      q->cuisine_bits |= 1u << idx[k];
    }
    break;
  }
  case 2: {
    size_t i = q->people_number <= 2 ? pick(r, 4) : 2 + pick(r, 2);
    q->room_type = (plan__travel_room_req)(i + 1);
    q->room_type_text = xstrdup(g_rooms[i], oom);
    break;
  }
  default: {
    size_t i = pick(r, 2);
    q->transportation = (plan__travel_transport_req)(i + 1);
    q->transportation_text = xstrdup(i ? "no self-driving" : "no flight", oom);
    break;
  }
  }
}

/* A template sentence in the style of the benchmark's queries. */
static char *describe(const plan__travel_query *q) {
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_printf(&b, "Please plan a %d-day trip for %d %s from %s to ",
                   q->days, q->people_number,
                   q->people_number == 1 ? "person" : "people", q->org);
  if (q->days == 3)
    plan__buf_printf(&b, "%s", q->dest);
  else
    plan__buf_printf(&b, "%d cities in %s", q->visiting_city_number, q->dest);
  plan__buf_printf(&b, ", from %s to %s, with a budget of $%.0f.", q->dates[0],
                   q->dates[q->days - 1], q->budget);
  if (q->house_rule_text)
    plan__buf_printf(&b, " The accommodation must allow %s.",
                     q->house_rule_text);
  if (q->room_type_text)
    plan__buf_printf(&b, " We want %s %s.",
                     q->room_type == PLAN__TRAVEL_ROOMREQ_ENTIRE ? "an" : "a",
                     q->room_type_text);
  if (q->n_cuisines) {
    plan__buf_puts(&b, " We would like to try ");
    for (size_t k = 0; k < q->n_cuisines; k++)
      plan__buf_printf(&b, "%s%s",
                       k == 0                   ? ""
                       : k + 1 == q->n_cuisines ? " and "
                                                : ", ",
                       q->cuisines[k]);
    plan__buf_puts(&b, " cuisine.");
  }
  if (q->transportation_text)
    plan__buf_printf(&b, " Transportation: %s.", q->transportation_text);
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  return plan__buf_take(&b);
}

static bool same_query(const plan__travel_query *a,
                       const plan__travel_query *b) {
  if (strcmp(a->org, b->org) || strcmp(a->dest, b->dest) ||
      a->days != b->days || strcmp(a->dates[0], b->dates[0]) ||
      a->people_number != b->people_number || strcmp(a->level, b->level) ||
      a->house_rule != b->house_rule || a->room_type != b->room_type ||
      a->transportation != b->transportation ||
      a->n_cuisines != b->n_cuisines || a->budget != b->budget)
    return false;
  for (size_t k = 0; k < a->n_cuisines; k++)
    if (strcmp(a->cuisines[k], b->cuisines[k]))
      return false;
  return true;
}

/* One draw; *q is NULL with *why set when the draw is rejected. */
static plan_status draw(plan__travel_db *db, const city_set *cs, plan__rng *r,
                        const char *level, int days, plan__travel_query **out,
                        const char **why) {
  *out = NULL;
  *why = NULL;
  bool oom = false;
  plan__travel_query *q = plan__calloc(1, sizeof *q);
  if (!q)
    return PLAN_ENOMEM;
  q->days = days;
  q->visiting_city_number = days == 3 ? 1 : days == 5 ? 2 : 3;
  q->level = xstrdup(level, &oom);
  /* select_consecutive_dates: a start in 2022-03-01..(31 - days). */
  q->dates = plan__calloc((size_t)days, sizeof *q->dates);
  if (!q->dates)
    oom = true;
  size_t start = pick(r, (size_t)(31 - days + 1));
  for (int d = 0; q->dates && d < days; d++) {
    char buf[11];
    plan__fmt(buf, sizeof buf, "2022-03-%02d", (int)start + d + 1);
    q->dates[d] = xstrdup(buf, &oom);
  }
  /* get_org_dest */
  const plan__travel_city *oc =
      plan__travel_db_city(db, cs->ids[pick(r, cs->n)]);
  q->org = xstrdup(oc->name, &oom);
  for (unsigned tries = 0; !q->dest && tries < 10000; tries++) {
    const plan__travel_city *dc =
        plan__travel_db_city(db, cs->ids[pick(r, cs->n)]);
    if (strcmp(dc->state, oc->state) == 0)
      continue;
    if (days == 3) {
      q->dest = xstrdup(dc->name, &oom);
    } else {
      const int *ids = NULL;
      if (plan__travel_db_state_cities(db, dc->state, &ids) > 3)
        q->dest = xstrdup(dc->state, &oom);
    }
  }
  if (!q->dest && !oom) {
    *why = "no destination";
    plan__travel_query_free(q);
    return PLAN_OK;
  }
  /* People and constraints per level. */
  bool easy = strcmp(level, "easy") == 0;
  bool medium = strcmp(level, "medium") == 0;
  q->people_number = easy ? 1 : pick(r, 2) == 0 ? 2 : 3 + (int)pick(r, 6);
  if (medium) {
    static const int kinds[] = {0, 1, 2};
    set_constraint(r, q, kinds[pick(r, 3)], 2, &oom);
  } else if (!easy) {
    /* numpy.random.choice(4, 3, replace=False, p=[.3, .1, .3, .3]). */
    double w[4] = {0.3, 0.1, 0.3, 0.3};
    for (int k = 0; k < 3; k++) {
      double total = 0;
      for (int i = 0; i < 4; i++)
        total += w[i];
      double u = plan__rng_double(r) * total;
      int chosen = 3;
      for (int i = 0; i < 4; i++) {
        if (w[i] <= 0)
          continue;
        if (u < w[i]) {
          chosen = i;
          break;
        }
        u -= w[i];
      }
      while (w[chosen] <= 0)
        chosen--;
      w[chosen] = 0;
      set_constraint(r, q, chosen, 4, &oom);
    }
  }
  if (oom) {
    plan__travel_query_free(q);
    return PLAN_ENOMEM;
  }
  q->budget = plan__travel_gen_budget(db, q, why);
  if (q->budget < 0) {
    plan__travel_query_free(q);
    return *why && strcmp(*why, "out of memory") == 0 ? PLAN_ENOMEM : PLAN_OK;
  }
  *out = q;
  return PLAN_OK;
}

plan_status plan__travel_gen_queries(plan__travel_db *db, size_t n,
                                     uint64_t seed,
                                     const plan__travel_gen_options *opts,
                                     plan__travel_query ***out,
                                     plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!db)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "no database");
  plan__travel_gen_options defaults;
  plan__travel_gen_options_init(&defaults, PLAN__TRAVEL_GEN_OPTIONS_VERSION);
  if (!opts)
    opts = &defaults;
  const char *levels[3] = {"easy", "medium", "hard"};
  size_t n_levels = 3;
  if (opts->levels[0]) {
    n_levels = 0;
    for (size_t i = 0; i < 3 && opts->levels[i]; i++) {
      const char *l = opts->levels[i];
      if (strcmp(l, "easy") && strcmp(l, "medium") && strcmp(l, "hard"))
        return plan__error_set(err, PLAN_EINVAL, 0, 0,
                               "unknown level '%s' (easy, medium, hard)", l);
      levels[n_levels++] = l;
    }
  }
  int days[3] = {3, 5, 7};
  size_t n_days = 3;
  if (opts->days[0]) {
    n_days = 0;
    for (size_t i = 0; i < 3 && opts->days[i]; i++) {
      if (opts->days[i] != 3 && opts->days[i] != 5 && opts->days[i] != 7)
        return plan__error_set(err, PLAN_EINVAL, 0, 0,
                               "days must be 3, 5 or 7 (got %d)",
                               opts->days[i]);
      days[n_days++] = opts->days[i];
    }
  }
  unsigned max_attempts = opts->max_attempts ? opts->max_attempts : 1000;
  city_set cs = {NULL, 0};
  plan_status st = collect_cities(db, &cs);
  if (st != PLAN_OK)
    return plan__error_set(err, st, 0, 0, "out of memory");
  if (cs.n < 2) {
    plan__free(cs.ids);
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "the database has fewer than 2 cities");
  }
  plan__travel_query **qs = plan__calloc(n ? n : 1, sizeof *qs);
  if (!qs) {
    plan__free(cs.ids);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  plan__rng r;
  plan__rng_seed(&r, seed);
  size_t made = 0;
  while (made < n && st == PLAN_OK) {
    const char *level = levels[made % n_levels];
    int d = days[(made / n_levels) % n_days];
    const char *why = NULL;
    plan__travel_query *q = NULL;
    unsigned attempt = 0;
    for (; attempt < max_attempts && !q && st == PLAN_OK; attempt++) {
      st = draw(db, &cs, &r, level, d, &q, &why);
      if (st != PLAN_OK || !q)
        continue;
      bool dup = false;
      for (size_t k = 0; k < made && !dup; k++)
        dup = same_query(qs[k], q);
      if (dup || (opts->accept && !opts->accept(q, opts->accept_ud))) {
        why = dup ? "duplicate query" : "rejected by the accept callback";
        plan__travel_query_free(q);
        q = NULL;
      }
    }
    if (st != PLAN_OK)
      break;
    if (!q) {
      st = plan__error_set(err, PLAN_ENOTFOUND, 0, 0,
                           "no %s %d-day query after %u draws (last: %s)",
                           level, d, max_attempts, why ? why : "?");
      break;
    }
    q->idx = (int64_t)made + 1;
    q->nl_query = describe(q);
    if (!q->nl_query) {
      plan__travel_query_free(q);
      st = PLAN_ENOMEM;
      break;
    }
    qs[made++] = q;
  }
  plan__free(cs.ids);
  if (st != PLAN_OK) {
    if (st == PLAN_ENOMEM)
      plan__error_set(err, st, 0, 0, "out of memory");
    plan__travel_queries_free(qs, made);
    return st;
  }
  *out = qs;
  return PLAN_OK;
}
