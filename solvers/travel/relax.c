/* solvers/travel/relax.c: from an infeasible query's conflicts to the
 * smallest changes that make it feasible (see relax.h for the order). Each
 * candidate is a copy of the query with one thing changed; the exact solver
 * decides whether it helps, so a proposal always comes with a plan. The
 * candidates are few (at most a few dozen) and each solve takes well under
 * a millisecond on the real database, so trying them all is cheap.
 */
#include "solvers/travel/relax.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

void plan__travel_relaxations_free(plan__travel_relaxation *r, size_t n) {
  for (size_t i = 0; r && i < n; i++)
    plan__travel_query_free(r[i].query);
  plan__free(r);
}

/* ======================================================================
 * Dates
 * ====================================================================== */

/* The civil date of day z after 1970-01-01 (Howard Hinnant's
 * civil_from_days); the inverse of plan__travel_date_number, which counts
 * from 1900-01-01, 25567 days earlier. */
static void civil_from_days(long z, long *y, long *m, long *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

#define TV_DAYS_1900_TO_1970 25567

/* Shifts every date of q by delta days; false (q unchanged) when a date
 * does not parse or a shifted date leaves March 2022 while the original
 * trip was inside it (flights exist for that month only). */
static plan_status shift_dates(plan__travel_query *q, int delta, bool *ok) {
  *ok = false;
  long lo = plan__travel_date_number("2022-03-01");
  long hi = plan__travel_date_number("2022-03-31");
  long first = plan__travel_date_number(q->dates[0]);
  long last = plan__travel_date_number(q->dates[q->days - 1]);
  if (first < 0 || last < 0)
    return PLAN_OK;
  bool in_march = first >= lo && last <= hi;
  if (in_march && (first + delta < lo || last + delta > hi))
    return PLAN_OK;
  for (int i = 0; i < q->days; i++) {
    long z = plan__travel_date_number(q->dates[i]);
    if (z < 0)
      return PLAN_OK;
    long y, m, d;
    civil_from_days(z + delta - TV_DAYS_1900_TO_1970, &y, &m, &d);
    char buf[16];
    plan__fmt(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, d);
    char *s = plan__strdup(buf);
    if (!s)
      return PLAN_ENOMEM;
    plan__free(q->dates[i]);
    q->dates[i] = s;
  }
  *ok = true;
  return PLAN_OK;
}

/* ======================================================================
 * Candidates
 * ====================================================================== */

struct relax_list {
  plan__travel_relaxation *r;
  size_t n, cap;
  plan__travel_db *db;
  const plan__travel_query *q;
  double single_raise; /* the budget raise alone; -1 if none */
};

static int cmp_relax(const void *a, const void *b) {
  const plan__travel_relaxation *x = a, *y = b;
  if (x->size != y->size)
    return x->size < y->size ? -1 : 1;
  if (x->cost != y->cost)
    return x->cost < y->cost ? -1 : 1;
  return 0;
}

static double raise_size(double budget, double inc) {
  return budget > 0 ? 10.0 * inc / budget : 10.0;
}

/* Solves candidate c (taken over: freed unless kept) and keeps it when it
 * has a plan, adding a budget raise when only the budget is short. */
static plan_status consider(struct relax_list *L, plan__travel_query *c,
                            double size, const char *what, plan_error *err) {
  plan__travel_solution sol;
  plan_status st = plan__travel_solve(L->db, c, NULL, &sol, err);
  if (st != PLAN_OK) {
    plan__travel_query_free(c);
    plan__travel_solution_clear(&sol);
    /* A candidate that trips the node cap is simply not proposed. */
    return st == PLAN_EBUDGET ? PLAN_OK : st;
  }
  double inc = 0;
  int changes = 1;
  if (!sol.found) {
    if (sol.min_cost < 0 ||
        (L->single_raise >= 0 &&
         ceil(sol.min_cost) - L->q->budget >= L->single_raise)) {
      plan__travel_query_free(c);
      plan__travel_solution_clear(&sol);
      return PLAN_OK;
    }
    inc = ceil(sol.min_cost) - c->budget;
    c->budget = ceil(sol.min_cost);
    size += raise_size(L->q->budget, inc);
    changes = 2;
  }
  double cost = sol.found ? sol.total_cost : sol.min_cost;
  plan__travel_solution_clear(&sol);
  if (L->n == L->cap) {
    size_t cap = L->cap ? 2 * L->cap : 8;
    plan__travel_relaxation *r = plan__realloc(L->r, cap * sizeof *r);
    if (!r) {
      plan__travel_query_free(c);
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    }
    L->r = r;
    L->cap = cap;
  }
  plan__travel_relaxation *x = &L->r[L->n++];
  memset(x, 0, sizeof *x);
  x->query = c;
  x->size = size;
  x->n_changes = changes;
  x->budget_increase = c->budget - L->q->budget;
  x->cost = cost;
  if (changes == 2)
    plan__fmt(x->change, sizeof x->change,
              "%s, and raise the budget from $%.0f to $%.0f", what,
              L->q->budget, c->budget);
  else
    plan__fmt(x->change, sizeof x->change, "%s", what);
  return PLAN_OK;
}

static plan__travel_query *dup_or_fail(const plan__travel_query *q,
                                       plan_error *err) {
  plan__travel_query *c = plan__travel_query_dup(q);
  if (!c)
    plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  return c;
}

static void drop_cuisines(plan__travel_query *c) {
  for (size_t i = 0; i < c->n_cuisines; i++)
    plan__free(c->cuisines[i]);
  plan__free(c->cuisines);
  c->cuisines = NULL;
  c->n_cuisines = 0;
  c->cuisine_bits = 0;
  c->unknown_cuisine = false;
}

/* Removes cuisine i from c's list. */
static void drop_cuisine(plan__travel_query *c, size_t i) {
  plan__free(c->cuisines[i]);
  memmove(&c->cuisines[i], &c->cuisines[i + 1],
          (c->n_cuisines - i - 1) * sizeof *c->cuisines);
  c->n_cuisines--;
  c->cuisine_bits = 0;
  c->unknown_cuisine = false;
  for (size_t k = 0; k < c->n_cuisines; k++) {
    unsigned b = plan__travel_cuisine_bit(c->cuisines[k]);
    c->cuisine_bits |= b;
    c->unknown_cuisine = c->unknown_cuisine || b == 0;
  }
}

static bool has_kind(const plan__travel_solution *s,
                     plan__travel_conflict_kind k) {
  for (size_t i = 0; i < s->n_conflicts; i++)
    if (s->conflicts[i].kind == k)
      return true;
  return false;
}

/* The cheapest feasible other city of the destination's state (single-city
 * trips). */
static plan_status other_city(struct relax_list *L, plan_error *err) {
  const plan__travel_query *q = L->q;
  plan__travel_db *db = L->db;
  int dest = plan__travel_db_city_find(db, q->dest);
  int org = plan__travel_db_city_find(db, q->org);
  const plan__travel_city *dc = plan__travel_db_city(db, dest);
  if (!dc || !dc->state)
    return PLAN_OK;
  const int *ids;
  size_t n = plan__travel_db_state_cities(db, dc->state, &ids);
  int best = -1;
  double best_cost = 0;
  for (size_t i = 0; i < n; i++) {
    if (ids[i] == dest || ids[i] == org)
      continue;
    plan__travel_query *c = dup_or_fail(q, err);
    if (!c)
      return PLAN_ENOMEM;
    char *name = plan__strdup(plan__travel_db_city(db, ids[i])->name);
    if (!name) {
      plan__travel_query_free(c);
      return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    }
    plan__free(c->dest);
    c->dest = name;
    plan__travel_solution sol;
    plan_status st = plan__travel_solve(db, c, NULL, &sol, err);
    plan__travel_query_free(c);
    bool ok = st == PLAN_OK && sol.found;
    double cost = sol.total_cost;
    plan__travel_solution_clear(&sol);
    if (st == PLAN_ENOMEM)
      return st;
    if (ok && (best < 0 || cost < best_cost)) {
      best = ids[i];
      best_cost = cost;
    }
  }
  if (best < 0)
    return PLAN_OK;
  plan__travel_query *c = dup_or_fail(q, err);
  char *name = plan__strdup(plan__travel_db_city(db, best)->name);
  if (!c || !name) {
    plan__travel_query_free(c);
    plan__free(name);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  plan__free(c->dest);
  c->dest = name;
  char what[200];
  plan__fmt(what, sizeof what, "go to %s (%s) instead of %s", name, dc->state,
            q->dest);
  return consider(L, c, 1.5, what, err);
}

plan_status plan__travel_relax_propose(plan__travel_db *db,
                                       const plan__travel_query *q,
                                       const plan__travel_solution *sol,
                                       plan__travel_relaxation **out, size_t *n,
                                       plan_error *err) {
  if (out)
    *out = NULL;
  if (n)
    *n = 0;
  if (!db || !q || !sol || !out || !n)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "relax: NULL argument");
  struct relax_list L;
  memset(&L, 0, sizeof L);
  L.db = db;
  L.q = q;
  L.single_raise = -1;
  plan_status st = PLAN_OK;
  plan__travel_query *c;
  char what[320];

  /* The budget alone. */
  if (sol->min_cost >= 0 && sol->min_cost > q->budget) {
    c = dup_or_fail(q, err);
    if (!c)
      goto fail;
    c->budget = ceil(sol->min_cost);
    L.single_raise = c->budget - q->budget;
    plan__fmt(what, sizeof what,
              "raise the budget from $%.0f to $%.0f (+$%.0f)", q->budget,
              c->budget, c->budget - q->budget);
    st = consider(&L, c, raise_size(q->budget, c->budget - q->budget), what,
                  err);
    if (st != PLAN_OK)
      goto fail;
  }
  /* Each local constraint dropped. */
  if (q->room_type != PLAN__TRAVEL_ROOMREQ_NONE) {
    if (!(c = dup_or_fail(q, err)))
      goto fail;
    plan__free(c->room_type_text);
    c->room_type_text = NULL;
    c->room_type = PLAN__TRAVEL_ROOMREQ_NONE;
    plan__fmt(what, sizeof what, "drop the room type '%s'",
              q->room_type_text ? q->room_type_text : "?");
    if ((st = consider(&L, c, 1.0, what, err)) != PLAN_OK)
      goto fail;
  }
  if (q->house_rule != PLAN__TRAVEL_RULE_NONE) {
    if (!(c = dup_or_fail(q, err)))
      goto fail;
    plan__free(c->house_rule_text);
    c->house_rule_text = NULL;
    c->house_rule = PLAN__TRAVEL_RULE_NONE;
    plan__fmt(what, sizeof what, "drop the house rule '%s'",
              q->house_rule_text ? q->house_rule_text : "?");
    if ((st = consider(&L, c, 1.0, what, err)) != PLAN_OK)
      goto fail;
  }
  if (q->transportation != PLAN__TRAVEL_TRANSPORT_ANY) {
    if (!(c = dup_or_fail(q, err)))
      goto fail;
    plan__free(c->transportation_text);
    c->transportation_text = NULL;
    c->transportation = PLAN__TRAVEL_TRANSPORT_ANY;
    plan__fmt(what, sizeof what, "allow %s (drop '%s')",
              q->transportation == PLAN__TRAVEL_TRANSPORT_NO_FLIGHT
                  ? "flights"
                  : "self-driving",
              q->transportation_text ? q->transportation_text : "?");
    if ((st = consider(&L, c, 1.0, what, err)) != PLAN_OK)
      goto fail;
  }
  if (q->n_cuisines > 1) {
    for (size_t i = 0; i < q->n_cuisines; i++) {
      if (!(c = dup_or_fail(q, err)))
        goto fail;
      drop_cuisine(c, i);
      plan__fmt(what, sizeof what, "drop the cuisine %s", q->cuisines[i]);
      if ((st = consider(&L, c, 0.7, what, err)) != PLAN_OK)
        goto fail;
    }
  }
  if (q->n_cuisines > 0) {
    if (!(c = dup_or_fail(q, err)))
      goto fail;
    drop_cuisines(c);
    plan__fmt(what, sizeof what, "drop the cuisine requirement");
    if ((st = consider(&L, c, 1.0, what, err)) != PLAN_OK)
      goto fail;
  }
  /* Other dates, when a leg or the route is the problem. */
  if (has_kind(sol, PLAN__TRAVEL_CONFLICT_TRANSPORT) ||
      has_kind(sol, PLAN__TRAVEL_CONFLICT_ROUTE) ||
      has_kind(sol, PLAN__TRAVEL_CONFLICT_BUDGET)) {
    static const int shifts[] = {1, -1, 2, -2};
    for (size_t i = 0; i < PLAN_ARRAY_LEN(shifts); i++) {
      if (!(c = dup_or_fail(q, err)))
        goto fail;
      bool ok;
      if ((st = shift_dates(c, shifts[i], &ok)) != PLAN_OK) {
        plan__travel_query_free(c);
        plan__error_set(err, st, 0, 0, "out of memory");
        goto fail;
      }
      if (!ok) {
        plan__travel_query_free(c);
        continue;
      }
      plan__fmt(what, sizeof what, "travel %d day%s %s (%s to %s)",
                abs(shifts[i]), abs(shifts[i]) == 1 ? "" : "s",
                shifts[i] > 0 ? "later" : "earlier", c->dates[0],
                c->dates[c->days - 1]);
      if ((st = consider(&L, c, abs(shifts[i]) == 1 ? 0.8 : 1.2, what, err)) !=
          PLAN_OK)
        goto fail;
    }
  }
  /* Another place: a different city of the state, or fewer cities. */
  bool place_problem = sol->min_cost < 0;
  bool single_city = q->visiting_city_number == 1 &&
                     plan__travel_db_city_find(db, q->dest) >= 0 &&
                     (q->days == 3 || !plan__travel_db_is_state(db, q->dest));
  if (place_problem && single_city) {
    if ((st = other_city(&L, err)) != PLAN_OK)
      goto fail;
  }
  if (place_problem && q->visiting_city_number > 1) {
    if (!(c = dup_or_fail(q, err)))
      goto fail;
    c->visiting_city_number--;
    plan__fmt(what, sizeof what, "visit %d cit%s of %s instead of %d",
              c->visiting_city_number,
              c->visiting_city_number == 1 ? "y" : "ies", q->dest,
              q->visiting_city_number);
    if ((st = consider(&L, c, 1.5, what, err)) != PLAN_OK)
      goto fail;
  }
  /* Insertion sort: stable, so equal keys keep their generation order. */
  for (size_t i = 1; i < L.n; i++) {
    plan__travel_relaxation t = L.r[i];
    size_t j = i;
    while (j > 0 && cmp_relax(&t, &L.r[j - 1]) < 0) {
      L.r[j] = L.r[j - 1];
      j--;
    }
    L.r[j] = t;
  }
  *out = L.r;
  *n = L.n;
  return PLAN_OK;

fail:
  if (st == PLAN_OK)
    st = PLAN_ENOMEM;
  plan__travel_relaxations_free(L.r, L.n);
  return st;
}

/* ======================================================================
 * Ranking by the model
 * ====================================================================== */

static const char rank_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"order\"],\"properties\":{\"order\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"integer\"}}}}";

/* A one-line description of q for the prompt when it has no NL text. */
static void describe(const plan__travel_query *q, plan__buf *b) {
  plan__buf_printf(b,
                   "a %d-day trip from %s to %s (%s to %s) for %d, budget "
                   "$%.0f",
                   q->days, q->org, q->dest, q->dates[0], q->dates[q->days - 1],
                   q->people_number, q->budget);
  if (q->house_rule_text)
    plan__buf_printf(b, ", house rule: %s", q->house_rule_text);
  if (q->room_type_text)
    plan__buf_printf(b, ", room type: %s", q->room_type_text);
  if (q->transportation_text)
    plan__buf_printf(b, ", transportation: %s", q->transportation_text);
  for (size_t i = 0; i < q->n_cuisines; i++)
    plan__buf_printf(b, "%s%s", i ? ", " : ", cuisines: ", q->cuisines[i]);
}

plan_status plan__travel_relax_rank_llm(plan_scheduler *sched,
                                        const char *model,
                                        const plan__travel_query *q,
                                        plan__travel_relaxation *r, size_t n,
                                        plan_error *err) {
  if (!sched || !q || (!r && n))
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "relax: NULL argument");
  if (n < 2)
    return PLAN_OK;
  plan__buf b;
  plan__buf_init(&b, 0);
  plan__buf_puts(&b, "A traveller asked for ");
  if (q->nl_query)
    plan__buf_printf(&b, "this trip: \"%s\"", q->nl_query);
  else
    describe(q, &b);
  plan__buf_puts(&b, "\nNo plan satisfies every constraint. Each of these "
                     "changes makes a plan possible:\n");
  for (size_t i = 0; i < n; i++)
    plan__buf_printf(&b, "%zu. %s (cheapest plan $%.0f)\n", i + 1, r[i].change,
                     r[i].cost);
  plan__buf_puts(&b, "Which changes would this traveller most likely "
                     "accept? Reply with a JSON object {\"order\": [...]} "
                     "listing the numbers above, most acceptable first.");
  if (b.status != PLAN_OK) {
    plan__buf_free(&b);
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  }
  plan_message msg = {"user", b.data};
  plan_llm_request req;
  plan_llm_request_init(&req, PLAN_LLM_REQUEST_VERSION);
  req.model = model;
  req.messages = &msg;
  req.n_messages = 1;
  req.temperature = 0;
  req.max_tokens = 200;
  req.json_schema = rank_schema;
  req.json_schema_name = "relaxation_order";
  plan_llm_response resp;
  plan_llm_response_init(&resp);
  plan_status st = plan_scheduler_run(sched, &req, 1, &resp);
  plan__buf_free(&b);
  char *text = NULL;
  json_t *j = NULL;
  size_t *order = NULL;
  bool *seen = NULL;
  plan__travel_relaxation *tmp = NULL;
  if (st == PLAN_OK && resp.status != PLAN_OK)
    st = resp.status;
  if (st != PLAN_OK) {
    plan__error_set(err, st, 0, 0, "relax: ranking call failed: %s",
                    resp.error ? resp.error : plan_scheduler_errmsg(sched));
    goto out;
  }
  if (resp.n_choices == 0 ||
      plan_parse_json(resp.choices[0].text, resp.choices[0].text_len,
                      resp.choices[0].truncated, &text, NULL) != PLAN_OK ||
      !(j = plan__json_parse(text, strlen(text), "reply", NULL)) ||
      !json_is_array(json_object_get(j, "order"))) {
    st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                         "relax: the ranking reply has no {\"order\": [...]}");
    goto out;
  }
  order = plan__calloc(n, sizeof *order);
  seen = plan__calloc(n, sizeof *seen);
  tmp = plan__calloc(n, sizeof *tmp);
  if (!order || !seen || !tmp) {
    st = plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
    goto out;
  }
  size_t m = 0, i;
  json_t *v;
  json_array_foreach(json_object_get(j, "order"), i, v) {
    json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;
    if (x < 1 || (size_t)x > n) {
      st = plan__error_set(err, PLAN_EPARSE, 0, 0,
                           "relax: the ranking lists %lld, not one of 1..%zu",
                           (long long)x, n);
      goto out;
    }
    if (!seen[x - 1]) {
      seen[x - 1] = true;
      order[m++] = (size_t)x - 1;
    }
  }
  for (size_t k = 0; k < n; k++)
    if (!seen[k])
      order[m++] = k;
  for (size_t k = 0; k < n; k++)
    tmp[k] = r[order[k]];
  memcpy(r, tmp, n * sizeof *r);
out:
  plan_llm_response_clear(&resp);
  plan_free(text);
  json_decref(j);
  plan__free(order);
  plan__free(seen);
  plan__free(tmp);
  return st;
}
