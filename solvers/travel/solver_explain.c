/* solvers/travel/solver_explain.c: why a query has no plan at any price.
 * Called by the solver when the branch and bound found no itinerary even
 * with unlimited budget (an over-budget cheapest plan is explained by the
 * solver itself as "budget short by $X"). The explanation goes from the
 * most specific cause to the least:
 *   1. the request itself (an unknown cuisine, a destination without
 *      cities, more cities than a single-city destination has);
 *   2. cities that cannot host a stay: no listing, none of the room type,
 *      none allowing the house rule, minimum stays longer than the trip
 *      allows, too few attractions or restaurants for the stay days;
 *   3. legs with no transport at all (no flight that day, or flights
 *      excluded, and no drivable road);
 *   4. cuisines no reachable restaurant serves;
 *   5. combinations: re-running the search with one requirement dropped
 *      (cuisines, then attractions) names the one that breaks every route;
 *      otherwise the cities are not connected on the trip's days.
 * Each conflict names the constraint, the place and, where it makes sense,
 * the amount (nights, items) a user would have to change.
 */
#include <stdarg.h>
#include <string.h>

#include "solvers/travel/solver_internal.h"

plan_status plan__tv_conflict_add(plan__travel_solution *s,
                                  plan__travel_conflict_kind kind,
                                  const char *place, double amount,
                                  const char *unit, const char *fmt, ...) {
  for (size_t i = 0; i < s->n_conflicts; i++)
    if (s->conflicts[i].kind == kind && !strcmp(s->conflicts[i].place, place))
      return PLAN_OK;
  plan__travel_conflict *c =
      plan__realloc(s->conflicts, (s->n_conflicts + 1) * sizeof *c);
  if (!c)
    return PLAN_ENOMEM;
  s->conflicts = c;
  c = &c[s->n_conflicts++];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->amount = amount;
  plan__fmt(c->place, sizeof c->place, "%s", place);
  plan__fmt(c->unit, sizeof c->unit, "%s", unit ? unit : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->message, sizeof c->message, fmt, ap);
  va_end(ap);
  return PLAN_OK;
}

/* ======================================================================
 * Cities
 * ====================================================================== */

static const char *room_phrase(plan__travel_room_req r) {
  switch (r) {
  case PLAN__TRAVEL_ROOMREQ_SHARED: return "a shared room";
  case PLAN__TRAVEL_ROOMREQ_NOT_SHARED:
    return "a private room or an entire home";
  case PLAN__TRAVEL_ROOMREQ_PRIVATE: return "a private room";
  case PLAN__TRAVEL_ROOMREQ_ENTIRE: return "an entire home/apt";
  default: return "a room";
  }
}

/* The fewest stay days city c must host in any itinerary: with one city
 * every stay day is there; with several, a city may be passed through. */
static int min_stays(const struct tv_model *m) {
  return m->V == 1 ? m->D - 2 : 0;
}

static bool can_host(const struct tv_model *m, const struct tv_city *c) {
  /* One city gets every night; several share them, one night at least. */
  for (int n = m->V == 1 ? m->D - 1 : 1; n <= m->D - m->V; n++)
    if (plan__tv_city_cost(m, c, n) < TV_INF)
      return true;
  return false;
}

/* Appends the reasons why c cannot host any stay of this trip. */
static plan_status city_reasons(struct tv_model *m, const struct tv_city *c,
                                plan__travel_solution *out) {
  const plan__travel_query *q = m->q;
  int nmax = m->D - m->V; /* the longest stay the trip allows in one city */
  int stays = min_stays(m);
  plan_status st = PLAN_OK;
  if (c->acc_rows == 0) {
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_ACCOMMODATION, c->name, 0, "",
        "there is no accommodation listed in %s", c->name);
  } else if (c->acc_type_ok == 0) {
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_ROOM_TYPE, c->name, 0, "",
        "none of the %zu accommodations in %s is %s (room type '%s')",
        c->acc_rows, c->name, room_phrase(q->room_type),
        q->room_type_text ? q->room_type_text : "?");
  } else if (c->acc_rule_ok == 0) {
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_HOUSE_RULE, c->name, 0, "",
        "no accommodation in %s that is %s allows %s (%zu listings, all "
        "with \"%s\")",
        c->name, room_phrase(q->room_type),
        q->house_rule_text ? q->house_rule_text : "it", c->acc_type_ok,
        plan__travel_rule_text(q->house_rule)
            ? plan__travel_rule_text(q->house_rule)
            : "?");
  } else if (c->acc_best[nmax] < 0) {
    if (c->acc_min_nights > nmax)
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_MIN_NIGHTS, c->name,
          (double)(c->acc_min_nights - nmax), "nights",
          "every matching accommodation in %s requires a stay of at least "
          "%d nights; this trip allows at most %d there",
          c->name, c->acc_min_nights, nmax);
    else
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_ACCOMMODATION, c->name, 0, "",
          "the matching accommodations in %s cannot be named unambiguously "
          "(another listing's name contains theirs)",
          c->name);
  }
  if (st != PLAN_OK)
    return st;
  if (stays > 0 && c->n_attr < (size_t)stays) {
    char need[64];
    if (stays == 1)
      plan__fmt(need, sizeof need, "the full day there needs one");
    else
      plan__fmt(need, sizeof need, "the %d full days there need one each",
                stays);
    st = plan__tv_conflict_add(out, PLAN__TRAVEL_CONFLICT_ATTRACTIONS, c->name,
                               (double)((size_t)stays - c->n_attr), "items",
                               "%s has %zu attraction%s; %s", c->name,
                               c->n_attr, c->n_attr == 1 ? "" : "s", need);
  }
  if (st == PLAN_OK && stays > 0 && c->n_rest < (size_t)(3 * stays))
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_RESTAURANTS, c->name,
        (double)((size_t)(3 * stays) - c->n_rest), "items",
        "%s has %zu restaurants; %d meals there need distinct ones", c->name,
        c->n_rest, 3 * stays);
  return st;
}

/* ======================================================================
 * Legs
 * ====================================================================== */

static int node_of(const struct tv_model *m, int node) {
  return node == (int)m->n_city ? m->org : m->city[node].id;
}

static bool leg_ok(const struct tv_model *m, const struct tv_leg *L) {
  return plan__tv_leg_cost(m, L, TV_CLASS_FLY_TAXI, 0, NULL) < TV_INF ||
         plan__tv_leg_cost(m, L, TV_CLASS_DRIVE, 0, NULL) < TV_INF;
}

/* "there is no flight from A to B on D and no road route" for leg L. */
static void leg_message(const struct tv_model *m, const struct tv_leg *L,
                        const char *A, const char *B, const char *date,
                        char *buf, size_t size) {
  const char *air;
  char tmp[200];
  if (m->no_flight) {
    air = "flights are excluded ('no flight')";
  } else if (L->n_flights == 0) {
    plan__fmt(tmp, sizeof tmp, "there is no flight from %s to %s on %s", A, B,
              date);
    air = tmp;
  } else {
    plan__fmt(tmp, sizeof tmp,
              "none of the %zu flights from %s to %s on %s can be used",
              L->n_flights, A, B, date);
    air = tmp;
  }
  const plan__travel_drive *d =
      plan__travel_db_drive(m->db, plan__travel_db_city_find(m->db, A),
                            plan__travel_db_city_find(m->db, B));
  const char *road =
      d && d->duration && strstr(d->duration, "day")
          ? "the road route takes more than a day (no self-driving or taxi)"
          : "there is no road route for self-driving or a taxi";
  plan__fmt(buf, size, "%s, and %s", air, road);
}

static plan_status leg_conflict(struct tv_model *m, int a, int b, int day,
                                plan__travel_solution *out, bool *bad) {
  struct tv_leg *L;
  plan_status st = plan__tv_leg_get(m, a, b, day, &L);
  if (st != PLAN_OK)
    return st;
  *bad = !leg_ok(m, L);
  if (!*bad)
    return PLAN_OK;
  const char *A = plan__travel_db_city(m->db, node_of(m, a))->name;
  const char *B = plan__travel_db_city(m->db, node_of(m, b))->name;
  char place[128], msg[320];
  plan__fmt(place, sizeof place, "%s -> %s on %s", A, B, m->q->dates[day]);
  leg_message(m, L, A, B, m->q->dates[day], msg, sizeof msg);
  return plan__tv_conflict_add(out, PLAN__TRAVEL_CONFLICT_TRANSPORT, place, 0,
                               "", "%s", msg);
}

/* With a state destination: can any usable city be reached on the first
 * day, and can home be reached from one on the last? */
static plan_status state_legs(struct tv_model *m, const bool *usable,
                              plan__travel_solution *out, bool *found) {
  int org = (int)m->n_city, last = m->D - 1;
  const char *A = plan__travel_db_city(m->db, m->org)->name;
  bool any_out = false, any_back = false;
  for (size_t i = 0; i < m->n_city; i++) {
    if (!usable[i])
      continue;
    struct tv_leg *L;
    plan_status st = plan__tv_leg_get(m, org, (int)i, 0, &L);
    if (st != PLAN_OK)
      return st;
    any_out = any_out || leg_ok(m, L);
    st = plan__tv_leg_get(m, (int)i, org, last, &L);
    if (st != PLAN_OK)
      return st;
    any_back = any_back || leg_ok(m, L);
  }
  const char *why = m->no_flight ? "flights are excluded ('no flight') and "
                                   "none of them has a drivable road route"
                                 : "there is neither a flight that day nor a "
                                   "drivable road route";
  char place[128];
  plan_status st = PLAN_OK;
  if (!any_out) {
    plan__fmt(place, sizeof place, "%s -> %s on %s", A, m->q->dest,
              m->q->dates[0]);
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_TRANSPORT, place, 0, "",
        "no city of %s that can host the stay is reachable from %s on %s: "
        "%s",
        m->q->dest, A, m->q->dates[0], why);
    *found = true;
  }
  if (st == PLAN_OK && !any_back) {
    plan__fmt(place, sizeof place, "%s -> %s on %s", m->q->dest, A,
              m->q->dates[last]);
    st = plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_TRANSPORT, place, 0, "",
        "%s cannot be reached on %s from any city of %s that can host the "
        "stay: %s",
        A, m->q->dates[last], m->q->dest, why);
    *found = true;
  }
  return st;
}

/* Appends up to four names of the usable cities whose leg to (to_org
 * false) or from (to_org true) the origin works on day d. */
static plan_status reach_list(struct tv_model *m, const bool *usable,
                              bool to_org, int d, char *buf, size_t size) {
  size_t n = 0, len = 0;
  buf[0] = '\0';
  int org = (int)m->n_city;
  for (size_t i = 0; i < m->n_city; i++) {
    if (!usable[i])
      continue;
    struct tv_leg *L;
    plan_status st = to_org ? plan__tv_leg_get(m, (int)i, org, d, &L)
                            : plan__tv_leg_get(m, org, (int)i, d, &L);
    if (st != PLAN_OK)
      return st;
    if (!leg_ok(m, L))
      continue;
    if (n < 4) {
      plan__fmt(buf + len, size - len, "%s%s", n ? ", " : "", m->city[i].name);
      len = strlen(buf);
    }
    n++;
  }
  if (n > 4)
    plan__fmt(buf + len, size - len, " and %zu more", n - 4);
  return PLAN_OK;
}

/* No sequence of cities joins the first and the last leg: say which
 * cities each end can reach, so the user sees what to change. */
static plan_status route_conflict(struct tv_model *m, const bool *usable,
                                  size_t n_usable, plan__travel_solution *out) {
  const plan__travel_query *q = m->q;
  char outs[160], backs[160];
  plan_status st = reach_list(m, usable, false, 0, outs, sizeof outs);
  if (st == PLAN_OK)
    st = reach_list(m, usable, true, m->D - 1, backs, sizeof backs);
  if (st != PLAN_OK)
    return st;
  bool same =
      !strchr(outs, ',') && !strstr(outs, " more") && !strcmp(outs, backs);
  char why[200];
  if (same)
    plan__fmt(why, sizeof why,
              "a trip through %d cities must arrive in one and leave from "
              "another",
              m->V);
  else
    plan__fmt(why, sizeof why,
              "no chain of flights or roads joins them on the days between");
  return plan__tv_conflict_add(
      out, PLAN__TRAVEL_CONFLICT_ROUTE, q->dest, 0, "",
      "no sequence of %d of the %zu cities of %s that can host a stay is "
      "connected on the trip's dates: from %s on %s only %s can be reached, "
      "and only %s %s a way back on %s; %s%s",
      m->V, n_usable, q->dest, q->org, q->dates[0], outs, backs,
      strchr(backs, ',') || strstr(backs, " more") ? "have" : "has",
      q->dates[m->D - 1], why,
      m->no_flight ? " (flights are excluded: 'no flight')" : "");
}

/* ======================================================================
 * Cuisines
 * ====================================================================== */

static plan_status cuisine_reasons(struct tv_model *m, const bool *usable,
                                   plan__travel_solution *out, bool *found) {
  const plan__travel_query *q = m->q;
  plan_status st = PLAN_OK;
  for (size_t i = 0; i < q->n_cuisines && st == PLAN_OK; i++) {
    if (plan__travel_cuisine_bit(q->cuisines[i]) == 0) {
      *found = true;
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_CUISINE, q->cuisines[i], 0, "",
          "'%s' is not a cuisine the database knows (Chinese, American, "
          "Italian, Mexican, Indian, Mediterranean, French)",
          q->cuisines[i]);
    }
  }
  unsigned have = 0;
  for (size_t i = 0; i < m->n_city; i++)
    if (usable[i])
      have |= m->city[i].cuisine_union;
  for (int b = 0; b < m->n_req && st == PLAN_OK; b++) {
    if (have & (1u << b))
      continue;
    *found = true;
    const char *name = "?";
    for (unsigned i = 0; i < PLAN__TRAVEL_N_CUISINES; i++)
      if (m->req_db[b] == 1u << i)
        name = plan__travel_cuisine_name(i);
    if (m->dest_is_state)
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_CUISINE, m->q->dest, 0, "",
          "no restaurant in the cities of %s that can host the stay serves "
          "%s food",
          m->q->dest, name);
    else
      st = plan__tv_conflict_add(out, PLAN__TRAVEL_CONFLICT_CUISINE, m->q->dest,
                                 0, "", "no restaurant in %s serves %s food",
                                 m->q->dest, name);
  }
  return st;
}

/* ======================================================================
 * The explanation
 * ====================================================================== */

plan_status plan__tv_explain(struct tv_model *m, plan__travel_solution *out) {
  const plan__travel_query *q = m->q;
  plan_status st = PLAN_OK;
  bool found = false;
  bool *usable = NULL;

  /* 1. The destination. */
  if (!m->dest_is_state && m->n_city == 0) {
    return plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_DESTINATION, q->dest, 0, "",
        "'%s' is neither a city nor a state of the database (or it is the "
        "origin itself)",
        q->dest);
  }
  if (!m->dest_is_state && m->V > 1) {
    return plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_DESTINATION, q->dest, (double)(m->V - 1),
        "cities",
        "%s is a single city but the trip should visit %d cities; give a "
        "state as destination or visit 1 city",
        q->dest, m->V);
  }
  if (m->n_city < (size_t)m->V) {
    if (plan__travel_db_is_ref(m->db) && m->n_state_cities >= (size_t)m->V)
      return plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_DESTINATION, q->dest,
          (double)((size_t)m->V - m->n_city), "cities",
          "the reference information describes %zu cit%s of %s; the trip "
          "needs %d",
          m->n_city, m->n_city == 1 ? "y" : "ies", q->dest, m->V);
    return plan__tv_conflict_add(
        out, PLAN__TRAVEL_CONFLICT_DESTINATION, q->dest,
        (double)((size_t)m->V - m->n_city), "cities",
        "%s has %zu cit%s besides %s; the trip needs %d", q->dest, m->n_city,
        m->n_city == 1 ? "y" : "ies", q->org, m->V);
  }

  /* 2. Cities that cannot host a stay. */
  usable = plan__calloc(m->n_city, sizeof *usable);
  if (!usable)
    return PLAN_ENOMEM;
  size_t n_usable = 0;
  for (size_t i = 0; i < m->n_city; i++) {
    usable[i] = can_host(m, &m->city[i]);
    n_usable += usable[i];
  }
  if (n_usable < (size_t)m->V) {
    for (size_t i = 0; i < m->n_city && st == PLAN_OK; i++)
      if (!usable[i])
        st = city_reasons(m, &m->city[i], out);
    if (st == PLAN_OK && m->dest_is_state)
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_DESTINATION, q->dest,
          (double)((size_t)m->V - n_usable), "cities",
          "only %zu of the %zu cities of %s can host a stay under these "
          "constraints; the trip needs %d",
          n_usable, m->n_city, q->dest, m->V);
    goto out;
  }

  /* 3. Legs without any transport. */
  if (!m->dest_is_state || m->V == 1) {
    for (size_t i = 0; i < m->n_city && st == PLAN_OK; i++) {
      if (!usable[i])
        continue;
      bool bad_out = false, bad_back = false;
      st = leg_conflict(m, (int)m->n_city, (int)i, 0, out, &bad_out);
      if (st == PLAN_OK)
        st = leg_conflict(m, (int)i, (int)m->n_city, m->D - 1, out, &bad_back);
      found = found || bad_out || bad_back;
    }
  } else {
    st = state_legs(m, usable, out, &found);
  }
  if (st != PLAN_OK || found)
    goto out;

  /* 4. Cuisines nobody serves. */
  st = cuisine_reasons(m, usable, out, &found);
  if (st != PLAN_OK || found)
    goto out;

  /* 5. Combinations: find the requirement whose removal makes it work. */
  bool ok = false;
  if (m->n_req > 0) {
    m->ignore_cuisine = true;
    st = plan__tv_feasible(m, &ok);
    m->ignore_cuisine = false;
    if (st != PLAN_OK)
      goto out;
    if (ok) {
      char list[160] = "";
      for (size_t i = 0; i < q->n_cuisines; i++) {
        size_t len = strlen(list);
        plan__fmt(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                  q->cuisines[i]);
      }
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_CUISINE, q->dest, 0, "",
          "no itinerary's meals can cover all of %s: the restaurants "
          "serving them are not in cities the trip can combine, or the "
          "travel times leave no meal slot for them",
          list);
      goto out;
    }
  }
  m->ignore_attractions = true;
  st = plan__tv_feasible(m, &ok);
  m->ignore_attractions = false;
  if (st != PLAN_OK)
    goto out;
  if (ok) {
    for (size_t i = 0; i < m->n_city && st == PLAN_OK; i++) {
      const struct tv_city *c = &m->city[i];
      if (usable[i] && c->n_attr < (size_t)(m->D - m->V - 1))
        st = plan__tv_conflict_add(
            out, PLAN__TRAVEL_CONFLICT_ATTRACTIONS, c->name, 0, "",
            "%s has %zu attraction%s; full days there need one each", c->name,
            c->n_attr, c->n_attr == 1 ? "" : "s");
    }
    if (st == PLAN_OK)
      st = plan__tv_conflict_add(
          out, PLAN__TRAVEL_CONFLICT_ATTRACTIONS, q->dest, 0, "",
          "the %d full days of the trip cannot all be spent in cities with "
          "attractions that are connected by the available transport",
          m->D - m->V - 1);
    goto out;
  }
  st = route_conflict(m, usable, n_usable, out);

out:
  plan__free(usable);
  return st;
}
