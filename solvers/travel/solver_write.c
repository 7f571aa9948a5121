/* solvers/travel/solver_write.c: the solver's output side: an itinerary
 * (cities, leg days, transport class, optional meals) becomes a plan in the
 * TravelPlanner submission format, with the exact strings the evaluator
 * parses:
 *   current_city   "from A to B" on travel days, "A" on stay days
 *   transportation "Flight Number: F..., from A to B, Departure Time: ..,
 *                  Arrival Time: .." / "Self-driving, from A to B, ..." /
 *                  "Taxi, from A to B, ..." / "-"
 *   meals          "Name, City" or "-"
 *   attraction     "Name, City;Name2, City;" (trailing ';') or "-"
 *   accommodation  "Name, City" every night, "-" on the last day
 * Also the JSON forms of conflicts and submission lines, and the readable
 * day-by-day summary the CLI prints.
 */
#include <string.h>

#include "solvers/travel/solver_internal.h"

/* ======================================================================
 * Plan
 * ====================================================================== */

#define TV_MAX_MEALS (3 * TV_MAX_DAYS + 3)

struct writer {
  struct tv_model *m;
  struct tv_itin *it;
  int idx[TV_MAX_V][TV_MAX_MEALS]; /* restaurants per city, in meal order */
  int stays[TV_MAX_V];
  double meals;
  plan__buf b;
};

/* Appends "Name, City" with the name trimmed of blanks, the form the
 * evaluator parses back (solver.c only uses rows whose trimmed name finds
 * the row itself). */
static void name_city(plan__buf *b, const char *name, const char *city) {
  const char *e = name + strlen(name);
  while (*name == ' ' || *name == '\t')
    name++;
  while (e > name && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  plan__buf_printf(b, "%.*s, %s", (int)(e - name), name, city);
}

static const char *city_name(const struct writer *w, int k) {
  return w->m->city[w->it->seq[k]].name;
}

/* The n-th restaurant of city k as "Name, City"; adds its cost. */
static json_t *meal(struct writer *w, int k, int n) {
  const struct tv_city *c = &w->m->city[w->it->seq[k]];
  const struct tv_rest *r = &c->rest[w->idx[k][n]];
  w->meals += r->cost;
  plan__buf_reset(&w->b);
  name_city(&w->b, r->row->name, c->name);
  return w->b.status == PLAN_OK ? json_string(w->b.data) : NULL;
}

static json_t *dash(void) {
  return json_string("-");
}

static json_t *lodging(struct writer *w, int k) {
  const struct tv_city *c = &w->m->city[w->it->seq[k]];
  int nights = w->it->t[k + 1] - w->it->t[k];
  const struct tv_acc *a = &c->acc[c->acc_best[nights]];
  plan__buf_reset(&w->b);
  name_city(&w->b, a->row->name, c->name);
  return w->b.status == PLAN_OK ? json_string(w->b.data) : NULL;
}

/* Stay day s (0-based) of city k gets up to two attractions, distinct over
 * the trip because each city's list is split between its stay days. */
static json_t *sights(struct writer *w, int k, int s) {
  const struct tv_city *c = &w->m->city[w->it->seq[k]];
  size_t per = c->n_attr / (size_t)w->stays[k];
  if (per > 2)
    per = 2;
  plan__buf_reset(&w->b);
  for (size_t i = 0; i < per; i++) {
    name_city(&w->b, c->attr[(size_t)s * per + i]->name, c->name);
    plan__buf_putc(&w->b, ';');
  }
  return w->b.status == PLAN_OK ? json_string(w->b.data) : NULL;
}

static json_t *transport(struct writer *w, const struct tv_choice *ch) {
  plan__buf_reset(&w->b);
  plan_status st;
  if (ch->mode == TV_MODE_FLIGHT)
    st = plan__travel_format_flight(w->m->db, ch->flight, &w->b);
  else
    st = plan__travel_format_drive(w->m->db, ch->drive,
                                   ch->mode == TV_MODE_TAXI, &w->b);
  return st == PLAN_OK && w->b.status == PLAN_OK ? json_string(w->b.data)
                                                 : NULL;
}

/* Sets key on day to v (stolen); false if v is NULL (ENOMEM). */
static bool put(json_t *day, const char *key, json_t *v) {
  return v && json_object_set_new(day, key, v) == 0;
}

static plan_status pick_meals(struct writer *w) {
  struct tv_model *m = w->m;
  struct tv_itin *it = w->it;
  int count[TV_MAX_V];
  unsigned masks[TV_MAX_V];
  for (int k = 0; k < m->V; k++) {
    w->stays[k] = it->t[k + 1] - it->t[k] - 1;
    count[k] = 3 * w->stays[k] + it->extra[k];
  }
  if (m->n_req == 0) {
    for (int k = 0; k < m->V; k++)
      for (int i = 0; i < count[k]; i++)
        w->idx[k][i] = i;
    return PLAN_OK;
  }
  for (int k = 0; k < m->V; k++) {
    plan_status st = plan__tv_cuisine_table(m, &m->city[it->seq[k]]);
    if (st != PLAN_OK)
      return st;
  }
  if (plan__tv_cuisine_merge(m, it->seq, count, m->V, masks) >= TV_INF)
    return PLAN_EINTERNAL;
  for (int k = 0; k < m->V; k++) {
    plan_status st = plan__tv_cuisine_pick(m, &m->city[it->seq[k]], count[k],
                                           masks[k], w->idx[k]);
    if (st != PLAN_OK)
      return st;
  }
  return PLAN_OK;
}

plan_status plan__tv_write_plan(struct tv_model *m, struct tv_itin *it,
                                json_t **out) {
  *out = NULL;
  struct writer w;
  memset(&w, 0, sizeof w);
  w.m = m;
  w.it = it;
  plan__buf_init(&w.b, 0);
  int V = m->V, D = m->D, org_node = (int)m->n_city;
  const char *org = plan__travel_db_city(m->db, m->org)->name;
  struct tv_choice ch[TV_MAX_V + 1];
  double transport_cost = 0, acc_cost = 0;
  json_t *plan = NULL;
  plan_status st = PLAN_OK;

  for (int j = 0; j <= V; j++) {
    int a = j == 0 ? org_node : it->seq[j - 1];
    int b = j == V ? org_node : it->seq[j];
    struct tv_leg *L;
    st = plan__tv_leg_get(m, a, b, it->t[j], &L);
    if (st != PLAN_OK)
      goto fail;
    unsigned pat = plan__tv_leg_pattern(V, it->extra, j);
    double c = plan__tv_leg_cost(m, L, it->cls, pat, &ch[j]);
    if (PLAN_NEVER(c >= TV_INF)) {
      st = PLAN_EINTERNAL;
      goto fail;
    }
    transport_cost += c;
  }
  st = pick_meals(&w);
  if (st != PLAN_OK)
    goto fail;
  for (int k = 0; k < V; k++) {
    const struct tv_city *c = &m->city[it->seq[k]];
    int nights = it->t[k + 1] - it->t[k];
    acc_cost += c->acc[c->acc_best[nights]].night * nights;
  }

  plan = json_array();
  if (!plan) {
    st = PLAN_ENOMEM;
    goto fail;
  }
  for (int d = 0; d < D; d++) {
    json_t *day = json_object();
    if (!day || json_array_append_new(plan, day) != 0) {
      st = PLAN_ENOMEM;
      goto fail;
    }
    int j = -1, k = 0;
    for (int i = 0; i <= V; i++)
      if (it->t[i] == d)
        j = i;
    if (j < 0)
      while (k + 1 < V && it->t[k + 1] < d)
        k++;
    bool ok = put(day, "days", json_integer(d + 1));
    if (j >= 0) {
      const char *A = j == 0 ? org : city_name(&w, j - 1);
      const char *B = j == V ? org : city_name(&w, j);
      plan__buf_reset(&w.b);
      plan__buf_printf(&w.b, "from %s to %s", A, B);
      ok = ok && w.b.status == PLAN_OK &&
           put(day, "current_city", json_string(w.b.data)) &&
           put(day, "transportation", transport(&w, &ch[j]));
      bool xb = j >= 1 && it->extra[j - 1] >= 1;
      bool xl = j == V && it->extra[V - 1] >= 2;
      bool yd = j < V && it->extra[j] >= (j < V - 1 ? 2 : 3);
      ok = ok &&
           put(day, "breakfast",
               xb ? meal(&w, j - 1, 3 * w.stays[j - 1]) : dash()) &&
           put(day, "attraction", dash()) &&
           put(day, "lunch",
               xl ? meal(&w, V - 1, 3 * w.stays[V - 1] + 1) : dash()) &&
           put(day, "dinner",
               yd ? meal(&w, j, 3 * w.stays[j] + (j < V - 1 ? 1 : 2))
                  : dash()) &&
           put(day, "accommodation", j < V ? lodging(&w, j) : dash());
    } else {
      int s = d - it->t[k] - 1;
      ok = ok && put(day, "current_city", json_string(city_name(&w, k))) &&
           put(day, "transportation", dash()) &&
           put(day, "breakfast", meal(&w, k, 3 * s)) &&
           put(day, "attraction", sights(&w, k, s)) &&
           put(day, "lunch", meal(&w, k, 3 * s + 1)) &&
           put(day, "dinner", meal(&w, k, 3 * s + 2)) &&
           put(day, "accommodation", lodging(&w, k));
    }
    if (!ok) {
      st = PLAN_ENOMEM;
      goto fail;
    }
  }
  it->transport = transport_cost;
  it->accommodation = acc_cost;
  it->meals = w.meals;
  it->cost = transport_cost + acc_cost + w.meals;
  plan__buf_free(&w.b);
  *out = plan;
  return PLAN_OK;

fail:
  json_decref(plan);
  plan__buf_free(&w.b);
  return st;
}

/* ======================================================================
 * Conflicts, submissions, summaries
 * ====================================================================== */

static const char *const kind_names[PLAN__TRAVEL_N_CONFLICT_KINDS] = {
    "budget",     "transportation", "accommodation", "room type",
    "house rule", "minimum nights", "attractions",   "restaurants",
    "cuisine",    "destination",    "route"};

const char *plan__travel_conflict_kind_name(plan__travel_conflict_kind k) {
  return (unsigned)k < PLAN__TRAVEL_N_CONFLICT_KINDS ? kind_names[k] : "?";
}

json_t *plan__travel_conflicts_to_json(const plan__travel_conflict *c,
                                       size_t n) {
  json_t *arr = json_array();
  if (!arr)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_object();
    if (!o || json_array_append_new(arr, o) != 0)
      goto fail;
    if (json_object_set_new(
            o, "constraint",
            json_string(plan__travel_conflict_kind_name(c[i].kind))) != 0 ||
        json_object_set_new(o, "place", json_string(c[i].place)) != 0 ||
        json_object_set_new(o, "message", json_string(c[i].message)) != 0)
      goto fail;
    if (c[i].amount != 0 &&
        json_object_set_new(o, "amount", json_real(c[i].amount)) != 0)
      goto fail;
    if (c[i].unit[0] &&
        json_object_set_new(o, "unit", json_string(c[i].unit)) != 0)
      goto fail;
  }
  return arr;
fail:
  json_decref(arr);
  return NULL;
}

json_t *plan__travel_submission(const plan__travel_query *q,
                                const json_t *plan) {
  json_t *o = json_object();
  if (!o)
    return NULL;
  json_t *p = plan ? json_incref((json_t *)plan) : json_null();
  if (json_object_set_new(o, "idx", json_integer((json_int_t)q->idx)) != 0 ||
      json_object_set_new(o, "query",
                          json_string(q->nl_query ? q->nl_query : "")) != 0 ||
      json_object_set_new(o, "plan", p) != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

plan_status plan__travel_plan_summary(const json_t *plan, plan__buf *b) {
  static const char *const keys[] = {"transportation", "breakfast",
                                     "attraction",     "lunch",
                                     "dinner",         "accommodation"};
  static const char *const labels[] = {"travel", "breakfast", "see",
                                       "lunch",  "dinner",    "stay"};
  size_t i;
  const json_t *day;
  json_array_foreach(plan, i, day) {
    const char *cc = json_string_value(json_object_get(day, "current_city"));
    plan__buf_printf(b, "Day %zu  %s\n", i + 1, cc ? cc : "?");
    for (size_t k = 0; k < PLAN_ARRAY_LEN(keys); k++) {
      const char *v = json_string_value(json_object_get(day, keys[k]));
      if (!v || !strcmp(v, "-") || !v[0])
        continue;
      if (k == 2) {
        /* One line per attraction; the list ends with ';'. */
        const char *p = v;
        while (*p) {
          const char *e = strchr(p, ';');
          size_t n = e ? (size_t)(e - p) : strlen(p);
          if (n)
            plan__buf_printf(b, "  %-10s %.*s\n", labels[k], (int)n, p);
          p += n + (e ? 1 : 0);
        }
        continue;
      }
      plan__buf_printf(b, "  %-10s %s\n", labels[k], v);
    }
  }
  return b->status;
}
