/* solvers/travel/solver.c: the exact TravelPlanner solver: the model of one
 * query (usable rows per candidate city, lazily built legs) and the depth-
 * first branch and bound over city sequences and travel days. Writing the
 * plan is in solver_write.c, explaining infeasibility in solver_explain.c;
 * the vocabulary is in solver_internal.h and docs/travel-solver.md.
 *
 * Why the search is exact. Once the cities and the travel days are fixed,
 * the rest decomposes: each city's cheapest eligible accommodation for its
 * nights (one listing for the whole stay is never worse than several), its
 * cheapest distinct restaurants for its meals, and per leg the cheapest
 * flight or road option of the trip's transport class. The only coupling
 * left is the cuisine requirement (a set cover over the visited cities),
 * which the leaf solves exactly with a per-city DP over cuisine masks and a
 * small enumeration of optional travel-day meals. Lower bounds per subtree
 * (the chosen prefix plus the cheapest possible remaining nights and meals)
 * prune the enumeration.
 *
 * Which rows are usable. The evaluator resolves "Name, City" to the FIRST
 * row of the city whose name contains Name (official) or equals it
 * (strict). A row is usable only when that first row is itself (looked up
 * with the name trimmed, as the evaluator trims what it parses), so both
 * modes charge the same price and see the same room type, rules and
 * cuisines. Attraction names with ';' (the list separator) are not usable.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solvers/travel/solver_internal.h"

/* ======================================================================
 * Options and solutions
 * ====================================================================== */

void plan__travel_solve_options_init(plan__travel_solve_options *o,
                                     unsigned version) {
  memset(o, 0, sizeof *o);
  o->version = version;
}

void plan__travel_solution_init(plan__travel_solution *s) {
  memset(s, 0, sizeof *s);
  s->min_cost = -1;
}

void plan__travel_solution_clear(plan__travel_solution *s) {
  if (!s)
    return;
  json_decref(s->plan);
  plan__free(s->conflicts);
  plan__travel_solution_init(s);
}

/* ======================================================================
 * Usable rows
 * ====================================================================== */

/* The name as the evaluator sees it after parsing "Name, City": trimmed of
 * blanks. Fills buf (NUL-terminated); false when the name cannot be
 * written unambiguously (empty, a line break, or for attractions the ';'
 * that separates the list). */
static bool name_trim(const char *name, bool attraction, char *buf,
                      size_t size) {
  if (!name)
    return false;
  const char *b = name, *e = name + strlen(name);
  while (b < e && (*b == ' ' || *b == '\t'))
    b++;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  size_t n = (size_t)(e - b);
  if (n == 0 || n >= size || memchr(b, '\n', n) || memchr(b, '\r', n))
    return false;
  if (attraction && memchr(b, ';', n))
    return false;
  memcpy(buf, b, n);
  buf[n] = '\0';
  return true;
}

static unsigned compress_cuisines(const struct tv_model *m, unsigned bits) {
  unsigned out = 0;
  for (int i = 0; i < m->n_req; i++)
    if (bits & m->req_db[i])
      out |= 1u << i;
  return out;
}

static int cmp_rest(const void *a, const void *b) {
  const struct tv_rest *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost < y->cost ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

static int cmp_acc(const void *a, const void *b) {
  const struct tv_acc *x = a, *y = b;
  if (x->night != y->night)
    return x->night < y->night ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* Collects the usable rows of city id and the per-nights best room. */
static plan_status city_build(struct tv_model *m, struct tv_city *c, int id) {
  plan__travel_db *db = m->db;
  const plan__travel_query *q = m->q;
  char name[512];
  c->id = id;
  c->name = plan__travel_db_city(db, id)->name;
  c->acc_min_nights = -1;
  for (int n = 0; n <= TV_MAX_DAYS; n++)
    c->acc_best[n] = -1;

  const plan__travel_restaurant *rs;
  size_t nr = plan__travel_db_restaurants(db, id, &rs);
  c->rest_rows = nr;
  c->rest = plan__calloc(nr ? nr : 1, sizeof *c->rest);
  c->prefix = plan__calloc(nr + 1, sizeof *c->prefix);
  if (!c->rest || !c->prefix)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < nr; i++) {
    const plan__travel_restaurant *r = &rs[i];
    if (!name_trim(r->name, false, name, sizeof name) ||
        plan__travel_db_find_restaurant(db, name, id) != r)
      continue;
    struct tv_rest *t = &c->rest[c->n_rest++];
    t->row = r;
    t->cost = r->cost * m->P;
    t->mask = compress_cuisines(m, r->cuisine_bits);
    c->cuisine_union |= t->mask;
  }
  qsort(c->rest, c->n_rest, sizeof *c->rest, cmp_rest);
  for (size_t i = 0; i < c->n_rest; i++)
    c->prefix[i + 1] = c->prefix[i] + c->rest[i].cost;

  const plan__travel_accommodation *as;
  size_t na = plan__travel_db_accommodations(db, id, &as);
  c->acc_rows = na;
  c->acc = plan__calloc(na ? na : 1, sizeof *c->acc);
  if (!c->acc)
    return PLAN_ENOMEM;
  unsigned forbid = plan__travel_rule_bit(q->house_rule);
  for (size_t i = 0; i < na; i++) {
    const plan__travel_accommodation *a = &as[i];
    if (!plan__travel_room_ok(q->room_type, a->room))
      continue;
    c->acc_type_ok++;
    if (a->rules & forbid)
      continue;
    c->acc_rule_ok++;
    int min_n = a->minimum_nights <= 1 ? 1 : (int)ceil(a->minimum_nights);
    if (a->minimum_nights > 1e6)
      min_n = 1000000;
    if (c->acc_min_nights < 0 || min_n < c->acc_min_nights)
      c->acc_min_nights = min_n;
    if (!name_trim(a->name, false, name, sizeof name) ||
        a->maximum_occupancy < 1 ||
        plan__travel_db_find_accommodation(db, name, id) != a)
      continue;
    struct tv_acc *t = &c->acc[c->n_acc++];
    t->row = a;
    int rooms = (m->P + a->maximum_occupancy - 1) / a->maximum_occupancy;
    t->night = a->price * rooms;
    t->min_nights = min_n;
  }
  qsort(c->acc, c->n_acc, sizeof *c->acc, cmp_acc);
  for (int n = 1; n < m->D; n++) {
    for (size_t i = 0; i < c->n_acc; i++) {
      if (c->acc[i].min_nights <= n) {
        c->acc_best[n] = (int)i;
        c->acc_usable++;
        break;
      }
    }
  }

  const plan__travel_attraction *ts;
  size_t nt = plan__travel_db_attractions(db, id, &ts);
  c->attr_rows = nt;
  c->attr = plan__calloc(nt ? nt : 1, sizeof *c->attr);
  if (!c->attr)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < nt; i++) {
    const plan__travel_attraction *t = &ts[i];
    if (!name_trim(t->name, true, name, sizeof name) ||
        plan__travel_db_find_attraction(db, name, id) != t)
      continue;
    c->attr[c->n_attr++] = t;
  }
  return PLAN_OK;
}

static void city_free(struct tv_city *c) {
  plan__free(c->rest);
  plan__free(c->prefix);
  plan__free(c->acc);
  plan__free(c->attr);
  plan__free(c->g);
}

double plan__tv_city_cost(const struct tv_model *m, const struct tv_city *c,
                          int nights) {
  if (nights < 1 || nights >= m->D)
    return TV_INF;
  int ai = c->acc_best[nights];
  if (ai < 0)
    return TV_INF;
  size_t stays = (size_t)(nights - 1);
  if ((stays > c->n_attr && !m->ignore_attractions) || 3 * stays > c->n_rest)
    return TV_INF;
  return c->acc[ai].night * nights + c->prefix[3 * stays];
}

/* ======================================================================
 * The model
 * ====================================================================== */

struct city_key {
  double key;
  size_t index;
};

static int cmp_key(const void *a, const void *b) {
  const struct city_key *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders the candidates by their cheapest cost per night, so that the
 * first dives of the search meet good plans and the bound bites early. */
static plan_status order_cities(struct tv_model *m) {
  size_t n = m->n_city;
  if (n < 2)
    return PLAN_OK;
  struct city_key *k = plan__calloc(n, sizeof *k);
  struct tv_city *tmp = plan__calloc(n, sizeof *tmp);
  if (!k || !tmp) {
    plan__free(k);
    plan__free(tmp);
    return PLAN_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    double best = TV_INF;
    for (int nights = 1; nights <= m->D - m->V; nights++) {
      double v = plan__tv_city_cost(m, &m->city[i], nights);
      if (v < TV_INF && v / nights < best)
        best = v / nights;
    }
    k[i].key = best;
    k[i].index = i;
  }
  qsort(k, n, sizeof *k, cmp_key);
  for (size_t i = 0; i < n; i++)
    tmp[i] = m->city[k[i].index];
  memcpy(m->city, tmp, n * sizeof *tmp);
  plan__free(k);
  plan__free(tmp);
  return PLAN_OK;
}

/* True when the reference information has anything about city id: in the
 * sole-planning setting only the reference plan's cities are described. */
static bool city_has_data(plan__travel_db *db, int id) {
  const plan__travel_accommodation *a;
  const plan__travel_restaurant *r;
  const plan__travel_attraction *t;
  return plan__travel_db_accommodations(db, id, &a) > 0 ||
         plan__travel_db_restaurants(db, id, &r) > 0 ||
         plan__travel_db_attractions(db, id, &t) > 0;
}

plan_status plan__tv_model_build(struct tv_model *m, plan__travel_db *db,
                                 const plan__travel_query *q, plan_error *err) {
  memset(m, 0, sizeof *m);
  plan__arena_init(&m->arena, 0, 0);
  m->db = db;
  m->q = q;
  m->D = q->days;
  m->V = q->visiting_city_number;
  m->P = q->people_number;
  if (m->D < 2 || m->D > TV_MAX_DAYS || !q->dates)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel solver: days must be 2..%d (got %d)",
                           TV_MAX_DAYS, m->D);
  if (m->V < 1 || m->V > m->D - 1)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel solver: a %d-day trip can visit 1..%d "
                           "cities (got visiting_city_number %d)",
                           m->D, m->D - 1, m->V);
  if (m->P < 1)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel solver: people_number must be >= 1");
  m->org = plan__travel_db_city_find(db, q->org);
  if (m->org < 0)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel solver: the origin '%s' is not a city of "
                           "the database (%s)",
                           q->org, plan__travel_db_source(db));
  m->no_flight = q->transportation == PLAN__TRAVEL_TRANSPORT_NO_FLIGHT;
  m->no_drive = q->transportation == PLAN__TRAVEL_TRANSPORT_NO_SELF_DRIVING;
  m->cuisine_impossible = q->unknown_cuisine;
  for (unsigned i = 0; i < PLAN__TRAVEL_N_CUISINES; i++)
    if (q->cuisine_bits & (1u << i))
      m->req_db[m->n_req++] = 1u << i;
  m->nm = 1 << m->n_req;

  const int *ids = NULL;
  size_t n_ids = 0;
  int single = -1;
  /* As the query loader reads it: a 3-day trip goes to a city (there is a
   * city and a state called Washington), longer trips to a state. */
  int as_city = plan__travel_db_city_find(db, q->dest);
  if (plan__travel_db_is_state(db, q->dest) && (m->D != 3 || as_city < 0)) {
    m->dest_is_state = true;
    n_ids = plan__travel_db_state_cities(db, q->dest, &ids);
  } else {
    single = as_city;
    if (single >= 0) {
      ids = &single;
      n_ids = 1;
    }
  }
  m->city = plan__calloc(n_ids ? n_ids : 1, sizeof *m->city);
  if (!m->city)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  for (size_t i = 0; i < n_ids; i++) {
    if (ids[i] == m->org)
      continue;
    m->n_state_cities++;
    if (m->dest_is_state && plan__travel_db_is_ref(db) &&
        !city_has_data(db, ids[i]))
      continue;
    struct tv_city *c = &m->city[m->n_city++];
    if (city_build(m, c, ids[i]) != PLAN_OK)
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  if (order_cities(m) != PLAN_OK)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  size_t nn = m->n_city + 1;
  m->legs = plan__calloc(nn * nn * (size_t)m->D, sizeof *m->legs);
  if (!m->legs)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  m->min_night = TV_INF;
  m->min_meal_day = TV_INF;
  for (size_t i = 0; i < m->n_city; i++) {
    const struct tv_city *c = &m->city[i];
    if (c->n_acc && c->acc[0].night < m->min_night)
      m->min_night = c->acc[0].night;
    if (c->n_rest >= 3 && c->prefix[3] < m->min_meal_day)
      m->min_meal_day = c->prefix[3];
  }
  return PLAN_OK;
}

void plan__tv_model_free(struct tv_model *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n_city; i++)
    city_free(&m->city[i]);
  plan__free(m->city);
  plan__free(m->legs);
  plan__arena_free(&m->arena);
  memset(m, 0, sizeof *m);
}

/* ======================================================================
 * Legs
 * ====================================================================== */

static int node_city(const struct tv_model *m, int node) {
  return node == (int)m->n_city ? m->org : m->city[node].id;
}

/* True when flight f leaves and arrives at times that allow the optional
 * meals of pattern pat. Local times: the arrival is the same day when the
 * departure plus the elapsed time plus the time-zone shift stays before
 * midnight (the shift is what is left of arr - dep - elapsed). */
static bool flight_fits(const plan__travel_flight *f, unsigned pat) {
  if ((pat & TV_PAT_XL) && f->dep_minutes < TV_T_LUNCH_DONE)
    return false;
  if ((pat & TV_PAT_XB) && f->dep_minutes < TV_T_BREAKFAST_DONE)
    return false;
  if (pat & TV_PAT_YD) {
    bool same_day;
    if (f->elapsed_minutes > 0) {
      int shift = (f->arr_minutes - f->dep_minutes - f->elapsed_minutes) % 1440;
      if (shift < -720)
        shift += 1440;
      if (shift >= 720)
        shift -= 1440;
      int arrive = f->dep_minutes + f->elapsed_minutes + shift;
      same_day = arrive >= 0 && arrive < 1440;
    } else {
      same_day = f->arr_minutes >= f->dep_minutes;
    }
    if (!same_day || f->arr_minutes > TV_T_DINNER_LATEST)
      return false;
  }
  return true;
}

static bool road_fits(const struct tv_leg *L, unsigned pat) {
  if (!(pat & TV_PAT_YD))
    return true;
  int start = (pat & TV_PAT_XL)   ? TV_T_LUNCH_DONE
              : (pat & TV_PAT_XB) ? TV_T_BREAKFAST_DONE
                                  : TV_T_GROUND_START;
  return L->road_minutes >= 0 && start + L->road_minutes <= TV_T_DINNER_LATEST;
}

plan_status plan__tv_leg_get(struct tv_model *m, int a, int b, int d,
                             struct tv_leg **out) {
  size_t nn = m->n_city + 1;
  size_t idx = ((size_t)a * nn + (size_t)b) * (size_t)m->D + (size_t)d;
  if (m->legs[idx]) {
    *out = m->legs[idx];
    return PLAN_OK;
  }
  *out = NULL;
  struct tv_leg *L = plan__arena_alloc(&m->arena, sizeof *L);
  if (!L)
    return PLAN_ENOMEM;
  memset(L, 0, sizeof *L);
  int ia = node_city(m, a), ib = node_city(m, b);
  L->road_minutes = -1;
  const plan__travel_drive *dr = plan__travel_db_drive(m->db, ia, ib);
  if (dr && dr->valid) {
    L->road = true;
    L->drive = dr;
    L->drive_cost = plan__travel_self_driving_cost(dr, m->P);
    L->taxi_cost = plan__travel_taxi_cost(dr, m->P);
    L->road_minutes = dr->minutes;
  }
  for (unsigned p = 0; p < TV_N_PAT; p++)
    L->flight_cost[p] = TV_INF;
  if (!m->no_flight) {
    const plan__travel_flight *fl;
    size_t n;
    plan_status st =
        plan__travel_db_flights(m->db, ia, ib, m->q->dates[d], &fl, &n);
    if (st != PLAN_OK)
      return st;
    L->n_flights = n;
    for (size_t i = 0; i < n; i++) {
      const plan__travel_flight *f = &fl[i];
      /* The official cost takes the first row with this number. */
      if (plan__travel_db_flight_by_number(m->db, f->number) != f)
        continue;
      double price = f->price * m->P;
      for (unsigned p = 0; p < TV_N_PAT; p++) {
        if (price < L->flight_cost[p] && flight_fits(f, p)) {
          L->flight_cost[p] = price;
          L->flight[p] = f;
        }
      }
    }
  }
  m->legs[idx] = L;
  m->n_legs++;
  *out = L;
  return PLAN_OK;
}

double plan__tv_leg_cost(const struct tv_model *m, const struct tv_leg *L,
                         int cls, unsigned pat, struct tv_choice *choice) {
  struct tv_choice ch = {TV_MODE_NONE, NULL, NULL, TV_INF};
  if (cls == TV_CLASS_DRIVE) {
    if (!m->no_drive && L->road && road_fits(L, pat)) {
      ch.mode = TV_MODE_DRIVE;
      ch.drive = L->drive;
      ch.cost = L->drive_cost;
    }
  } else {
    if (L->flight[pat]) {
      ch.mode = TV_MODE_FLIGHT;
      ch.flight = L->flight[pat];
      ch.cost = L->flight_cost[pat];
    }
    if (L->road && road_fits(L, pat) && L->taxi_cost < ch.cost) {
      ch.mode = TV_MODE_TAXI;
      ch.flight = NULL;
      ch.drive = L->drive;
      ch.cost = L->taxi_cost;
    }
  }
  if (choice)
    *choice = ch;
  return ch.cost;
}

unsigned plan__tv_leg_pattern(int V, const int *extra, int j) {
  unsigned pat = 0;
  if (j >= 1) {
    int k = j - 1, e = extra[k];
    if (e >= 1)
      pat |= TV_PAT_XB;
    if (k == V - 1 && e >= 2)
      pat |= TV_PAT_XL;
  }
  if (j < V) {
    int k = j, e = extra[k];
    if (e >= (k < V - 1 ? 2 : 3))
      pat |= TV_PAT_YD;
  }
  return pat;
}

/* ======================================================================
 * Cuisine cover
 * ====================================================================== */

/* Optional meals city k of V can take (see solver_internal.h). */
static int extra_cap(int V, int k) {
  return k < V - 1 ? 2 : 3;
}

plan_status plan__tv_cuisine_table(struct tv_model *m, struct tv_city *c) {
  if (c->g)
    return PLAN_OK;
  int smax = m->D - m->V - 1;
  int jmax = 3 * smax + 3;
  if ((size_t)jmax > c->n_rest)
    jmax = (int)c->n_rest;
  size_t nm = (size_t)m->nm;
  double *g = plan__malloc((size_t)(jmax + 1) * nm * sizeof *g);
  if (!g)
    return PLAN_ENOMEM;
  for (size_t i = 0; i < (size_t)(jmax + 1) * nm; i++)
    g[i] = TV_INF;
  g[0] = 0;
  for (size_t i = 0; i < c->n_rest; i++) {
    const struct tv_rest *r = &c->rest[i];
    int top = (int)i < jmax - 1 ? (int)i : jmax - 1;
    for (int j = top; j >= 0; j--) {
      const double *row = g + (size_t)j * nm;
      double *next = g + (size_t)(j + 1) * nm;
      for (size_t mask = 0; mask < nm; mask++) {
        if (row[mask] >= TV_INF)
          continue;
        double v = row[mask] + r->cost;
        size_t to = mask | r->mask;
        if (v < next[to])
          next[to] = v;
      }
    }
  }
  c->g = g;
  c->jmax = jmax;
  return PLAN_OK;
}

double plan__tv_cuisine_merge(const struct tv_model *m, const int *seq,
                              const int *count, int V, unsigned *masks) {
  size_t nm = (size_t)m->nm;
  double cur[1 << TV_MAX_REQ], nxt[1 << TV_MAX_REQ];
  unsigned char from[TV_MAX_V][1 << TV_MAX_REQ];
  unsigned char pick[TV_MAX_V][1 << TV_MAX_REQ];
  for (size_t i = 0; i < nm; i++)
    cur[i] = TV_INF;
  cur[0] = 0;
  for (int k = 0; k < V; k++) {
    const struct tv_city *c = &m->city[seq[k]];
    if (count[k] > c->jmax || !c->g)
      return TV_INF;
    const double *g = c->g + (size_t)count[k] * nm;
    for (size_t i = 0; i < nm; i++)
      nxt[i] = TV_INF;
    for (size_t a = 0; a < nm; a++) {
      if (cur[a] >= TV_INF)
        continue;
      for (size_t b = 0; b < nm; b++) {
        if (g[b] >= TV_INF)
          continue;
        double v = cur[a] + g[b];
        if (v < nxt[a | b]) {
          nxt[a | b] = v;
          from[k][a | b] = (unsigned char)a;
          pick[k][a | b] = (unsigned char)b;
        }
      }
    }
    memcpy(cur, nxt, nm * sizeof *cur);
  }
  double best = cur[nm - 1];
  if (best < TV_INF && masks) {
    size_t at = nm - 1;
    for (int k = V - 1; k >= 0; k--) {
      masks[k] = pick[k][at];
      at = from[k][at];
    }
  }
  return best;
}

plan_status plan__tv_cuisine_pick(const struct tv_model *m,
                                  const struct tv_city *c, int j, unsigned mask,
                                  int *idx) {
  size_t nm = (size_t)m->nm, n = c->n_rest, J = (size_t)j + 1;
  /* T[i][jj][mm]: cheapest jj of the first i restaurants serving mm. */
  double *T = plan__malloc((n + 1) * J * nm * sizeof *T);
  if (!T)
    return PLAN_ENOMEM;
#define TV_T(i, jj, mm) T[((size_t)(i)*J + (size_t)(jj)) * nm + (size_t)(mm)]
  for (size_t i = 0; i < (n + 1) * J * nm; i++)
    T[i] = TV_INF;
  TV_T(0, 0, 0) = 0;
  for (size_t i = 0; i < n; i++) {
    const struct tv_rest *r = &c->rest[i];
    for (size_t jj = 0; jj < J; jj++)
      for (size_t mm = 0; mm < nm; mm++) {
        double v = TV_T(i, jj, mm);
        if (v >= TV_INF)
          continue;
        if (v < TV_T(i + 1, jj, mm))
          TV_T(i + 1, jj, mm) = v;
        if (jj + 1 < J && v + r->cost < TV_T(i + 1, jj + 1, mm | r->mask))
          TV_T(i + 1, jj + 1, mm | r->mask) = v + r->cost;
      }
  }
  plan_status st = PLAN_OK;
  size_t jj = (size_t)j, mm = mask;
  if (TV_T(n, jj, mm) >= TV_INF) {
    st = PLAN_EINTERNAL;
    goto out;
  }
  for (size_t i = n; i > 0 && jj > 0; i--) {
    double v = TV_T(i, jj, mm);
    if (TV_T(i - 1, jj, mm) == v)
      continue; /* item i-1 not needed */
    const struct tv_rest *r = &c->rest[i - 1];
    bool done = false;
    for (size_t pm = 0; pm < nm && !done; pm++) {
      if ((pm | r->mask) != mm)
        continue;
      if (TV_T(i - 1, jj - 1, pm) + r->cost == v) {
        idx[--jj] = (int)(i - 1);
        mm = pm;
        done = true;
      }
    }
    if (!done) {
      st = PLAN_EINTERNAL;
      goto out;
    }
  }
  if (jj != 0)
    st = PLAN_EINTERNAL;
#undef TV_T
out:
  plan__free(T);
  return st;
}

/* ======================================================================
 * Branch and bound
 * ====================================================================== */

struct tv_search {
  struct tv_model *m;
  bool first;    /* accept the first itinerary within budget */
  bool no_bound; /* expand every inner node (tests) */
  double budget;
  double best; /* cost of the incumbent (min-cost mode) */
  bool have;
  struct tv_itin it;
  uint64_t nodes, leaves, pruned, max_nodes;
  plan_status status;
  bool stop;
  bool *used;
  int seq[TV_MAX_V];
  int t[TV_MAX_V + 1];
  struct tv_leg *leg[TV_MAX_V + 1];
  double acc[TV_MAX_V];
};

/* True when a (partial) cost v cannot beat what is already accepted. */
static bool worse(const struct tv_search *S, double v) {
  if (v >= TV_INF)
    return true;
  return S->first ? v > S->budget : v >= S->best;
}

static double add(double a, double b) {
  return a >= TV_INF || b >= TV_INF ? TV_INF : a + b;
}

static void accept(struct tv_search *S, double cost, int cls,
                   const int *extra) {
  struct tv_model *m = S->m;
  S->best = cost;
  S->have = true;
  S->it.V = m->V;
  memcpy(S->it.seq, S->seq, sizeof S->it.seq);
  memcpy(S->it.t, S->t, sizeof S->it.t);
  for (int k = 0; k < TV_MAX_V; k++)
    S->it.extra[k] = extra ? extra[k] : 0;
  S->it.cls = cls;
  S->it.cost = cost;
  if (S->first)
    S->stop = true;
}

/* The cheapest way to cover the cuisines for a complete itinerary: tries
 * every split of at most n_req optional meals over the cities. */
struct cuisine_leaf {
  struct tv_search *S;
  double accs;
  int stays[TV_MAX_V];
  int extra[TV_MAX_V];
};

static void cuisine_eval(struct cuisine_leaf *L) {
  struct tv_search *S = L->S;
  struct tv_model *m = S->m;
  int V = m->V, count[TV_MAX_V];
  for (int k = 0; k < V; k++)
    count[k] = 3 * L->stays[k] + L->extra[k];
  double meals = plan__tv_cuisine_merge(m, S->seq, count, V, NULL);
  if (worse(S, add(L->accs, meals)))
    return;
  double tc[TV_N_CLASS] = {0, 0};
  for (int j = 0; j <= V; j++) {
    unsigned pat = plan__tv_leg_pattern(V, L->extra, j);
    for (int cls = 0; cls < TV_N_CLASS; cls++)
      tc[cls] = add(tc[cls], plan__tv_leg_cost(m, S->leg[j], cls, pat, NULL));
  }
  int cls = tc[TV_CLASS_DRIVE] < tc[TV_CLASS_FLY_TAXI] ? TV_CLASS_DRIVE
                                                       : TV_CLASS_FLY_TAXI;
  double total = add(add(L->accs, meals), tc[cls]);
  if (!worse(S, total))
    accept(S, total, cls, L->extra);
}

static void cuisine_split(struct cuisine_leaf *L, int k, int left) {
  struct tv_model *m = L->S->m;
  if (L->S->stop)
    return;
  if (k == m->V) {
    cuisine_eval(L);
    return;
  }
  int cap = extra_cap(m->V, k);
  for (int e = 0; e <= cap && e <= left; e++) {
    L->extra[k] = e;
    cuisine_split(L, k + 1, left - e);
  }
  L->extra[k] = 0;
}

static void leaf(struct tv_search *S, double base, double accs, double fD,
                 double fF) {
  struct tv_model *m = S->m;
  S->leaves++;
  double tr = fD < fF ? fD : fF;
  double cost = add(base, tr);
  if (worse(S, cost))
    return;
  if (m->n_req == 0 || m->ignore_cuisine) {
    accept(S, cost, fD < fF ? TV_CLASS_DRIVE : TV_CLASS_FLY_TAXI, NULL);
    return;
  }
  struct cuisine_leaf L;
  memset(&L, 0, sizeof L);
  L.S = S;
  L.accs = accs;
  unsigned have = 0;
  for (int k = 0; k < m->V; k++) {
    struct tv_city *c = &m->city[S->seq[k]];
    if (plan__tv_cuisine_table(m, c) != PLAN_OK) {
      S->status = PLAN_ENOMEM;
      S->stop = true;
      return;
    }
    L.stays[k] = S->t[k + 1] - S->t[k] - 1;
    have |= c->cuisine_union;
  }
  if (have != (unsigned)(m->nm - 1))
    return;
  cuisine_split(&L, 0, m->n_req);
}

/* A lower bound on the cost of r more cities over R more nights, not
 * counting transport: one city is costed exactly (the cheapest unused
 * candidate for all R nights); more use the cheapest night and meal day of
 * any candidate. */
static double lb_rest(const struct tv_search *S, int r, int R) {
  const struct tv_model *m = S->m;
  if (r <= 0)
    return 0;
  if (r == 1) {
    double best = TV_INF;
    for (size_t i = 0; i < m->n_city; i++) {
      if (S->used[i])
        continue;
      double v = plan__tv_city_cost(m, &m->city[i], R);
      if (v < best)
        best = v;
    }
    return best;
  }
  if (m->min_night >= TV_INF || (R > r && m->min_meal_day >= TV_INF))
    return TV_INF;
  return R * m->min_night + (R - r) * (R > r ? m->min_meal_day : 0);
}

static void dfs(struct tv_search *S, int k, int prev, double base, double accs,
                double cD, double cF) {
  struct tv_model *m = S->m;
  int td = S->t[k];
  int after = m->V - k - 1; /* cities still to place after this one */
  int org_node = (int)m->n_city;
  for (size_t ci = 0; ci < m->n_city && !S->stop; ci++) {
    if (S->used[ci])
      continue;
    struct tv_leg *L;
    if (plan__tv_leg_get(m, prev, (int)ci, td, &L) != PLAN_OK) {
      S->status = PLAN_ENOMEM;
      S->stop = true;
      return;
    }
    double nD = add(cD, plan__tv_leg_cost(m, L, TV_CLASS_DRIVE, 0, NULL));
    double nF = add(cF, plan__tv_leg_cost(m, L, TV_CLASS_FLY_TAXI, 0, NULL));
    if (nD >= TV_INF && nF >= TV_INF)
      continue;
    struct tv_city *c = &m->city[ci];
    int tlo = after == 0 ? m->D - 1 : td + 1;
    int thi = m->D - 1 - after;
    for (int t2 = tlo; t2 <= thi && !S->stop; t2++) {
      if (++S->nodes > S->max_nodes) {
        S->status = PLAN_EBUDGET;
        S->stop = true;
        return;
      }
      int nights = t2 - td;
      double cc = plan__tv_city_cost(m, c, nights);
      if (cc >= TV_INF)
        continue;
      double acc = c->acc[c->acc_best[nights]].night * nights;
      S->seq[k] = (int)ci;
      S->t[k + 1] = t2;
      S->leg[k] = L;
      S->acc[k] = acc;
      if (after == 0) {
        struct tv_leg *R;
        if (plan__tv_leg_get(m, (int)ci, org_node, m->D - 1, &R) != PLAN_OK) {
          S->status = PLAN_ENOMEM;
          S->stop = true;
          return;
        }
        S->leg[k + 1] = R;
        double fD = add(nD, plan__tv_leg_cost(m, R, TV_CLASS_DRIVE, 0, NULL));
        double fF =
            add(nF, plan__tv_leg_cost(m, R, TV_CLASS_FLY_TAXI, 0, NULL));
        if (fD >= TV_INF && fF >= TV_INF)
          continue;
        leaf(S, base + cc, accs + acc, fD, fF);
        continue;
      }
      S->used[ci] = true;
      double lb = add(base + cc + (nD < nF ? nD : nF),
                      lb_rest(S, after, m->D - 1 - t2));
      if (!S->no_bound && worse(S, lb)) {
        S->pruned++;
      } else {
        dfs(S, k + 1, (int)ci, base + cc, accs + acc, nD, nF);
      }
      S->used[ci] = false;
    }
  }
}

/* Runs one search; on return S->have tells whether an itinerary was
 * accepted (the cheapest, or with first the first within budget). */
static plan_status search_run(struct tv_search *S, struct tv_model *m,
                              bool first, double budget, uint64_t max_nodes,
                              bool no_bound) {
  memset(S, 0, sizeof *S);
  S->m = m;
  S->no_bound = no_bound;
  S->first = first;
  S->budget = budget;
  S->best = TV_INF;
  S->max_nodes = max_nodes;
  if (m->n_city < (size_t)m->V || (m->cuisine_impossible && !m->ignore_cuisine))
    return PLAN_OK;
  S->used = plan__calloc(m->n_city, sizeof *S->used);
  if (!S->used)
    return PLAN_ENOMEM;
  S->t[0] = 0;
  dfs(S, 0, (int)m->n_city, 0, 0, 0, 0);
  plan__free(S->used);
  S->used = NULL;
  return S->status;
}

plan_status plan__tv_feasible(struct tv_model *m, bool *out) {
  struct tv_search S;
  plan_status st = search_run(&S, m, true, TV_INF / 2, 20000000u, false);
  *out = S.have;
  return st;
}

static void stats_add(plan__travel_solve_stats *st, const struct tv_search *S) {
  st->nodes += S->nodes;
  st->leaves += S->leaves;
  st->pruned += S->pruned;
}

plan_status plan__travel_solve(plan__travel_db *db, const plan__travel_query *q,
                               const plan__travel_solve_options *opts,
                               plan__travel_solution *out, plan_error *err) {
  if (out)
    plan__travel_solution_init(out);
  if (!db || !q || !out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0,
                           "travel solver: NULL argument");
  plan__travel_solve_options defaults;
  if (!opts) {
    plan__travel_solve_options_init(&defaults,
                                    PLAN__TRAVEL_SOLVE_OPTIONS_VERSION);
    opts = &defaults;
  }
  uint64_t max_nodes = opts->max_nodes ? opts->max_nodes : 20000000u;
  struct tv_model m;
  struct tv_search S;
  json_t *plan = NULL;
  plan_status st = plan__tv_model_build(&m, db, q, err);
  if (st != PLAN_OK)
    goto fail;
  out->stats.candidates = m.n_city;
  bool have = false;
  struct tv_itin it;
  if (opts->first) {
    st = search_run(&S, &m, true, q->budget, max_nodes, opts->no_bound);
    stats_add(&out->stats, &S);
    if (st != PLAN_OK)
      goto fail_search;
    if (S.have) {
      have = true;
      it = S.it;
    }
  }
  if (!have) {
    st = search_run(&S, &m, false, q->budget, max_nodes, opts->no_bound);
    stats_add(&out->stats, &S);
    if (st != PLAN_OK)
      goto fail_search;
    if (S.have) {
      have = true;
      it = S.it;
    }
  }
  if (have) {
    st = plan__tv_write_plan(&m, &it, &plan);
    if (st != PLAN_OK) {
      plan__error_set(err, st, 0, 0, "travel solver: cannot write the plan");
      goto fail;
    }
    out->min_cost = it.cost;
    out->cost_transport = it.transport;
    out->cost_accommodation = it.accommodation;
    out->cost_meals = it.meals;
    if (it.cost <= q->budget) {
      out->found = true;
      out->plan = plan;
      out->total_cost = it.cost;
      plan = NULL;
    } else {
      json_decref(plan);
      plan = NULL;
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_BUDGET, "total", ceil(it.cost - q->budget),
          "USD",
          "budget short by $%.0f at the cheapest plan: it costs $%.0f "
          "(transport $%.0f, accommodation $%.0f, meals $%.0f) against a "
          "budget of $%.0f",
          ceil(it.cost - q->budget), it.cost, it.transport, it.accommodation,
          it.meals, q->budget);
      if (st != PLAN_OK)
        goto fail;
    }
  } else {
    st = plan__tv_explain(&m, out);
    if (st != PLAN_OK)
      goto fail;
  }
  out->stats.legs = m.n_legs;
  plan__tv_model_free(&m);
  return PLAN_OK;

fail_search:
  if (st == PLAN_EBUDGET)
    plan__error_set(err, st, 0, 0, "travel solver: node cap of %llu reached",
                    (unsigned long long)max_nodes);
  else
    plan__error_set(err, st, 0, 0, "travel solver: %s", plan_strerror(st));
fail:
  json_decref(plan);
  plan__tv_model_free(&m);
  plan__travel_solution_clear(out);
  return st;
}
