/* solvers/travel/eval.c: the TravelPlanner evaluator (eval.h). The
 * official mode follows upstream's evaluation/commonsense_constraint.py,
 * evaluation/hard_constraint.py and evaluation/eval.py step by step,
 * including the order of the checks inside each function (it decides which
 * message a plan gets) and the places where Python would raise. The strict
 * mode checks what each constraint means. docs/travel-eval.md lists every
 * difference.
 *
 * Values of a day object are read the way Python sees them: a key may be
 * missing (KeyError where upstream indexes it), null (None: falsy, and a
 * TypeError where a string operation needs it), a string, or another JSON
 * value (truthy or not, never a string).
 */
#include "solvers/travel/eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "solvers/travel/pystr.h"

/* ======================================================================
 * Names
 * ====================================================================== */

static const char *const check_keys[PLAN__TRAVEL_N_CHECKS] = {
    "is_reasonable_visiting_city",
    "is_valid_restaurants",
    "is_valid_attractions",
    "is_valid_accommodation",
    "is_valid_transportation",
    "is_valid_information_in_current_city",
    "is_valid_information_in_sandbox",
    "is_not_absent",
    "valid_cuisine",
    "valid_room_rule",
    "valid_transportation",
    "valid_room_type",
    "valid_cost"};

static const char *const check_paper[PLAN__TRAVEL_N_CHECKS] = {
    "Reasonable City Route",
    "Diverse Restaurants",
    "Diverse Attractions",
    "Minimum Nights Stay",
    "Non-conf. Transportation",
    "Within Current City",
    "Within Sandbox",
    "Complete Information",
    "Cuisine",
    "Room Rule",
    "Transportation",
    "Room Type",
    "Budget"};

const char *plan__travel_check_key(plan__travel_check c) {
  return (unsigned)c < PLAN__TRAVEL_N_CHECKS ? check_keys[c] : "?";
}

const char *plan__travel_check_paper_name(plan__travel_check c) {
  return (unsigned)c < PLAN__TRAVEL_N_CHECKS ? check_paper[c] : "?";
}

bool plan__travel_check_is_hard(plan__travel_check c) {
  return c >= PLAN__TRAVEL_HARD_CUISINE && c < PLAN__TRAVEL_N_CHECKS;
}

const char *plan__travel_eval_mode_name(plan__travel_eval_mode m) {
  return m == PLAN__TRAVEL_EVAL_STRICT ? "strict" : "official";
}

bool plan__travel_eval_mode_parse(const char *s, plan__travel_eval_mode *out) {
  if (s && strcmp(s, "official") == 0) {
    *out = PLAN__TRAVEL_EVAL_OFFICIAL;
    return true;
  }
  if (s && strcmp(s, "strict") == 0) {
    *out = PLAN__TRAVEL_EVAL_STRICT;
    return true;
  }
  return false;
}

/* ======================================================================
 * Python views of plan values
 * ====================================================================== */

typedef enum pv_kind { PV_MISSING, PV_NONE, PV_STR, PV_OTHER } pv_kind;

typedef struct pv {
  pv_kind kind;
  plan__span s;    /* PV_STR */
  const json_t *j; /* the JSON value (not PV_MISSING) */
} pv;

static pv field(const json_t *day, const char *key) {
  pv v;
  memset(&v, 0, sizeof v);
  const json_t *j = json_is_object(day) ? json_object_get(day, key) : NULL;
  if (!j) {
    v.kind = PV_MISSING;
    return v;
  }
  v.j = j;
  if (json_is_null(j)) {
    v.kind = PV_NONE;
  } else if (json_is_string(j)) {
    v.kind = PV_STR;
    v.s.p = json_string_value(j);
    v.s.n = json_string_length(j);
  } else {
    v.kind = PV_OTHER;
  }
  return v;
}

/* Python truthiness of a present value. */
static bool truthy_json(const json_t *j) {
  switch (json_typeof(j)) {
  case JSON_NULL:
  case JSON_FALSE: return false;
  case JSON_TRUE: return true;
  case JSON_STRING: return json_string_length(j) > 0;
  case JSON_INTEGER: return json_integer_value(j) != 0;
  case JSON_REAL: return json_real_value(j) != 0;
  case JSON_ARRAY: return json_array_size(j) > 0;
  case JSON_OBJECT: return json_object_size(j) > 0;
  }
  return false;
}

static bool pv_truthy(pv v) {
  return v.kind != PV_MISSING && truthy_json(v.j);
}

static bool pv_is(pv v, const char *s) {
  return v.kind == PV_STR && plan__span_eq_str(v.s, s);
}

/* `unit[key] and unit[key] != '-'` (the key being present). */
static bool pv_filled(pv v) {
  return pv_truthy(v) && !pv_is(v, "-");
}

/* `x in ['', '-']` */
static bool pv_blank(pv v) {
  return pv_is(v, "") || pv_is(v, "-");
}

/* Python equality of two present values (strings by bytes). */
static bool pv_eq(pv a, pv b) {
  if (a.kind == PV_STR && b.kind == PV_STR)
    return plan__span_eq(a.s, b.s);
  if (a.kind == PV_MISSING || b.kind == PV_MISSING)
    return a.kind == b.kind;
  return json_equal((json_t *)a.j, (json_t *)b.j) != 0;
}

/* ASCII lower-casing is enough for the keywords the checks look for. */
static bool contains_ci(plan__span hay, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= hay.n; i++) {
    size_t k = 0;
    while (k < n) {
      char c = hay.p[i + k];
      if (c >= 'A' && c <= 'Z')
        c = (char)(c - 'A' + 'a');
      if (c != needle[k])
        break;
      k++;
    }
    if (k == n)
      return true;
  }
  return false;
}

static bool contains(plan__span hay, const char *needle) {
  return plan__span_contains(hay, plan__span_of(needle));
}

/* ======================================================================
 * The evaluation context
 * ====================================================================== */

typedef struct ev {
  plan__travel_db *db;
  const plan__travel_query *q;
  const json_t *plan;
  size_t n; /* days evaluated: min(days, len(plan)) */
  plan__travel_verdict *v;
  plan__buf scratch;
  bool oom; /* an allocation failed */
} ev;

static const json_t *day_at(const ev *e, size_t i) {
  return json_array_get(e->plan, i);
}

/* Records a failure message for check c (the first one wins) and returns
 * FAIL. */
static plan__travel_verdict_value fail(ev *e, plan__travel_check c,
                                       const char *fmt, ...) PLAN_PRINTF(3, 4);

static plan__travel_verdict_value fail(ev *e, plan__travel_check c,
                                       const char *fmt, ...) {
  char *m = e->v->message[c];
  if (!m[0]) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof e->v->message[c], fmt, ap);
    va_end(ap);
  }
  return PLAN__TRAVEL_FAIL;
}

/* An allocation failed: the evaluation ends with PLAN_ENOMEM. */
static plan__travel_verdict_value oom(ev *e, plan__travel_check c) {
  e->oom = true;
  return fail(e, c, "out of memory");
}

/* Where upstream raises an exception (and eval.py would stop), the check
 * fails with a message that says so. */
#define CRASH(e, c, what)                                                      \
  fail((e), (c), "upstream evaluator raises here (%s); counted as failed",     \
       (what))

/* Formats a span for a message (truncated). */
#define SP(s) (int)((s).n > 80 ? 80 : (s).n), (s).p

/* A city id by exact name, -1 when none. */
static int city_id(const ev *e, plan__span name) {
  char buf[256];
  if (name.n >= sizeof buf)
    return -1;
  memcpy(buf, name.p, name.n);
  buf[name.n] = '\0';
  return plan__travel_db_city_find(e->db, buf);
}

/* A span as a NUL-terminated string in scratch memory valid until the next
 * call. */
static const char *cstr(ev *e, plan__span s) {
  plan__buf_reset(&e->scratch);
  plan_status st = plan__buf_append(&e->scratch, s.p, s.n);
  if (st == PLAN_ENOMEM)
    e->oom = true;
  /* A text past the buffer's cap names nothing in the database. */
  return st == PLAN_OK && e->scratch.data ? e->scratch.data : NULL;
}

/* ---- official lookups: "name column contains name, city column equals
 * city", the first row in file order ------------------------------------- */

static const plan__travel_restaurant *lookup_restaurant(ev *e, plan__span info,
                                                        size_t *count) {
  plan__span name, city;
  if (count)
    *count = 0;
  if (!plan__py_name_city(info, &name, &city)) {
    name = plan__span_of("-");
    city = plan__span_of("-");
  }
  const plan__travel_restaurant *rows = NULL;
  size_t n = plan__travel_db_restaurants(e->db, city_id(e, city), &rows);
  const plan__travel_restaurant *first = NULL;
  for (size_t i = 0; i < n; i++)
    if (plan__span_contains(plan__span_of(rows[i].name), name)) {
      if (!first)
        first = &rows[i];
      if (count)
        (*count)++;
      else
        break;
    }
  return first;
}

static const plan__travel_attraction *lookup_attraction(ev *e,
                                                        plan__span info) {
  plan__span name, city;
  if (!plan__py_name_city(info, &name, &city)) {
    name = plan__span_of("-");
    city = plan__span_of("-");
  }
  const plan__travel_attraction *rows = NULL;
  size_t n = plan__travel_db_attractions(e->db, city_id(e, city), &rows);
  for (size_t i = 0; i < n; i++)
    if (plan__span_contains(plan__span_of(rows[i].name), name))
      return &rows[i];
  return NULL;
}

static const plan__travel_accommodation *
lookup_accommodation(ev *e, plan__span info, size_t *count) {
  plan__span name, city;
  if (count)
    *count = 0;
  if (!plan__py_name_city(info, &name, &city)) {
    name = plan__span_of("-");
    city = plan__span_of("-");
  }
  const plan__travel_accommodation *rows = NULL;
  size_t n = plan__travel_db_accommodations(e->db, city_id(e, city), &rows);
  const plan__travel_accommodation *first = NULL;
  for (size_t i = 0; i < n; i++)
    if (plan__span_contains(plan__span_of(rows[i].name), name)) {
      if (!first)
        first = &rows[i];
      if (count)
        (*count)++;
      else
        break;
    }
  return first;
}

/* The driving row behind run_for_evaluation: the pair after stripping
 * parentheses; NULL when its cost would be None. */
static const plan__travel_drive *off_drive(ev *e, plan__span a, plan__span b) {
  int o = city_id(e, plan__py_before_paren(a));
  int d = city_id(e, plan__py_before_paren(b));
  const plan__travel_drive *r = plan__travel_db_drive(e->db, o, d);
  return r && r->valid ? r : NULL;
}

/* `value.split('Flight Number: ')[1].split(',')[0]`; false when the split
 * has no second piece (IndexError upstream). */
static bool flight_token(plan__span t, plan__span *num) {
  static const char key[] = "Flight Number: ";
  size_t kl = sizeof key - 1;
  for (size_t i = 0; i + kl <= t.n; i++)
    if (memcmp(t.p + i, key, kl) == 0) {
      const char *s = t.p + i + kl;
      size_t rest = t.n - i - kl;
      const char *c = memchr(s, ',', rest);
      num->p = s;
      num->n = c ? (size_t)(c - s) : rest;
      return true;
    }
  return false;
}

static const plan__travel_flight *flight_by_span(ev *e, plan__span num) {
  const char *s = cstr(e, num);
  return s ? plan__travel_db_flight_by_number(e->db, s) : NULL;
}

/* Splits "a;b;c;" into pieces; with drop_last the last piece is dropped
 * (`split(';')[:-1]`). Calls fn for each piece until it returns false. */
typedef bool (*piece_fn)(ev *e, plan__span piece, void *ud);

static bool each_piece(ev *e, plan__span s, bool drop_last, piece_fn fn,
                       void *ud) {
  size_t start = 0;
  for (size_t i = 0; i <= s.n; i++) {
    if (i < s.n && s.p[i] != ';')
      continue;
    bool last = i == s.n;
    if (last && drop_last)
      break;
    plan__span piece = {s.p + start, i - start};
    if (!fn(e, piece, ud))
      return false;
    start = i + 1;
  }
  return true;
}

/* ======================================================================
 * Official commonsense checks
 * ====================================================================== */

/* The (stripped) city pair of a "from A to B" text; false when upstream's
 * extract_from_to returns (None, None). */
static bool off_pair(plan__span text, plan__span *a, plan__span *b) {
  if (!plan__py_from_to(text, a, b))
    return false;
  *a = plan__py_before_paren(*a);
  *b = plan__py_before_paren(*b);
  return true;
}

/* is_valid_city_sequence */
static bool valid_city_sequence(const plan__span *list, size_t n) {
  if (n < 3)
    return false;
  size_t i = 0;
  while (i < n) {
    plan__span city = list[i];
    if (i != 0 && i != n - 1)
      for (size_t k = 0; k < i; k++)
        if (plan__span_eq(list[k], city))
          return false;
    size_t count = 0;
    while (i < n && plan__span_eq(list[i], city)) {
      count++;
      i++;
    }
    if (count == 1 && i - 1 > 0 && i - 1 < n - 1)
      return false;
  }
  return true;
}

static plan__travel_verdict_value off_city_route(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_CITY_ROUTE;
  size_t cap = 2 * e->n;
  plan__span *list = plan__calloc(cap ? cap : 1, sizeof *list);
  if (!list)
    return oom(e, c);
  size_t n = 0;
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++) {
    pv cc = field(day_at(e, i), "current_city");
    if (!json_is_object(day_at(e, i)) || cc.kind == PV_MISSING)
      r = CRASH(e, c, "a day has no current_city");
    else if (cc.kind != PV_STR)
      r = CRASH(e, c, "current_city is not a string");
    else if (contains(cc.s, "from")) {
      plan__span a, b;
      if (!off_pair(cc.s, &a, &b))
        r = CRASH(e, c, "current_city has 'from' but no 'from A to B'");
      else if (i == 0 && !plan__span_eq_str(a, e->q->org))
        r = fail(e, c, "The first day's city should be %s.", e->q->org);
      else {
        list[n++] = a;
        list[n++] = b;
      }
    } else {
      list[n++] = plan__py_before_paren(cc.s);
    }
  }
  if (r == PLAN__TRAVEL_PASS) {
    if (n == 0 || !plan__span_eq(list[0], list[n - 1]))
      r = fail(e, c, "The trip should be a closed circle.");
    else if (!valid_city_sequence(list, n))
      r = fail(e, c, "The city sequence is invalid.");
  }
  for (size_t k = 0; r == PLAN__TRAVEL_PASS && k < n; k++) {
    const plan__travel_city *city =
        plan__travel_db_city(e->db, city_id(e, list[k]));
    if (!city || !city->in_city_set)
      r = fail(e, c, "%.*s is not a valid city.", SP(list[k]));
    else if (k != 0 && k != n - 1 && e->q->days > 3 &&
             strcmp(city->state, e->q->dest) != 0)
      r = fail(e, c, "%.*s is not in %s.", SP(list[k]), e->q->dest);
  }
  plan__free(list);
  return r;
}

static plan__travel_verdict_value off_restaurants(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_RESTAURANTS;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  pv *seen = plan__calloc(3 * e->n + 1, sizeof *seen);
  if (!seen)
    return oom(e, c);
  size_t n = 0;
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day)) {
      r = CRASH(e, c, "a day is not an object");
      break;
    }
    for (int m = 0; m < 3 && r == PLAN__TRAVEL_PASS; m++) {
      pv v = field(day, meals[m]);
      if (!pv_filled(v))
        continue;
      bool dup = false;
      for (size_t k = 0; k < n && !dup; k++)
        dup = pv_eq(seen[k], v);
      if (!dup) {
        seen[n++] = v;
      } else if (m == 1) {
        if (v.kind == PV_STR)
          r = fail(e, c, "The restaurant in day %zu lunch %.*s is repeated.",
                   i + 1, SP(v.s));
        else
          r = fail(e, c, "The restaurant in day %zu lunch is repeated.", i + 1);
      } else {
        r = fail(e, c, "The restaurant in day %zu %s is repeated.", i + 1,
                 meals[m]);
      }
    }
  }
  plan__free(seen);
  return r;
}

typedef struct attr_seen {
  plan__span *list;
  size_t n;
  size_t day;
  bool dup;
  plan__span which;
} attr_seen;

static bool attr_piece(ev *e, plan__span piece, void *ud) {
  (void)e;
  attr_seen *s = ud;
  for (size_t k = 0; k < s->n; k++)
    if (plan__span_eq(s->list[k], piece)) {
      s->dup = true;
      s->which = piece;
      return false;
    }
  s->list[s->n++] = piece;
  return true;
}

static size_t count_char(plan__span s, char ch) {
  size_t n = 0;
  for (size_t i = 0; i < s.n; i++)
    n += s.p[i] == ch;
  return n;
}

static plan__travel_verdict_value off_attractions(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_ATTRACTIONS;
  size_t total = 0;
  for (size_t i = 0; i < e->n; i++) {
    pv v = field(day_at(e, i), "attraction");
    if (v.kind == PV_STR)
      total += count_char(v.s, ';') + 1;
  }
  attr_seen s;
  memset(&s, 0, sizeof s);
  s.list = plan__calloc(total + 1, sizeof *s.list);
  if (!s.list)
    return oom(e, c);
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day)) {
      r = CRASH(e, c, "a day is not an object");
      break;
    }
    pv v = field(day, "attraction");
    if (!pv_filled(v))
      continue;
    if (v.kind != PV_STR) {
      r = CRASH(e, c, "attraction is not a string");
      break;
    }
    s.day = i + 1;
    if (!each_piece(e, v.s, true, attr_piece, &s))
      r = fail(e, c, "The attraction '%.*s' in day %zu is repeated.",
               SP(s.which), i + 1);
  }
  plan__free(s.list);
  return r;
}

static plan__travel_verdict_value off_accommodation(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_ACCOMMODATION;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day))
      return CRASH(e, c, "a day is not an object");
    if (field(day, "accommodation").kind == PV_MISSING)
      return fail(e, c, "No Accommodation Info.");
  }
  size_t i = 0;
  while (i < e->n) {
    pv v = field(day_at(e, i), "accommodation");
    size_t run = 0;
    while (i < e->n && pv_eq(field(day_at(e, i), "accommodation"), v)) {
      run++;
      i++;
    }
    if (pv_blank(v))
      continue;
    if (v.kind != PV_STR)
      return CRASH(e, c, "accommodation is not a string");
    size_t count = 0;
    const plan__travel_accommodation *row =
        lookup_accommodation(e, v.s, &count);
    if (count == 1 && (double)run < row->minimum_nights)
      return fail(e, c,
                  "The accommodation %.*s do not obey the minumum nights "
                  "rule.",
                  SP(v.s));
  }
  return PLAN__TRAVEL_PASS;
}

typedef enum mode_kind {
  MODE_NONE = 0,
  MODE_TAXI,
  MODE_SELF,
  MODE_FLIGHT
} mode_kind;

/* transportation_match: taxi, then self-driving, then flight. */
static mode_kind match_mode(plan__span t) {
  if (contains_ci(t, "taxi"))
    return MODE_TAXI;
  if (contains_ci(t, "self-driving"))
    return MODE_SELF;
  if (contains_ci(t, "flight"))
    return MODE_FLIGHT;
  return MODE_NONE;
}

static plan__travel_verdict_value off_transportation(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_TRANSPORTATION;
  const json_t *d0 = json_array_get(e->plan, 0);
  if (!json_is_object(d0))
    return CRASH(e, c, "day 1 is not an object");
  pv t0 = field(d0, "transportation");
  if (t0.kind == PV_MISSING)
    return CRASH(e, c, "day 1 has no transportation");
  if (!pv_filled(t0))
    return fail(e, c, "The transportation in day 1 should not be empty.");
  bool seen[4] = {false, false, false, false};
  if (t0.kind != PV_STR)
    return CRASH(e, c, "transportation is not a string");
  seen[match_mode(t0.s)] = true;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day))
      return CRASH(e, c, "a day is not an object");
    pv t = field(day, "transportation");
    if (!pv_filled(t))
      continue;
    if (t.kind != PV_STR)
      return CRASH(e, c, "transportation is not a string");
    seen[match_mode(t.s)] = true;
  }
  if ((seen[MODE_SELF] && seen[MODE_FLIGHT]) ||
      (seen[MODE_TAXI] && seen[MODE_SELF]))
    return fail(e, c, "The transportation is conflicting.");
  return PLAN__TRAVEL_PASS;
}

/* The cities a day's items are checked against in
 * is_valid_information_in_current_city: a list [A, B] on travel days, and
 * on other days the city STRING, whose loops then run over characters. */
typedef struct cc_cities {
  bool is_list;
  plan__span list[2];
  plan__span str;
} cc_cities;

/* `any(city in text for city in cities)` */
static bool cc_any_in(const cc_cities *cc, plan__span text) {
  if (cc->is_list)
    return plan__span_contains(text, cc->list[0]) ||
           plan__span_contains(text, cc->list[1]);
  for (size_t i = 0; i < cc->str.n;) {
    size_t w = 1;
    unsigned char ch = (unsigned char)cc->str.p[i];
    if (ch >= 0xC0)
      w = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
    if (i + w > cc->str.n)
      w = cc->str.n - i;
    plan__span one = {cc->str.p + i, w};
    if (plan__span_contains(text, one))
      return true;
    i += w;
  }
  return false;
}

/* `all(city in text for city in cities)` */
static bool cc_all_in(const cc_cities *cc, plan__span text) {
  if (cc->is_list)
    return plan__span_contains(text, cc->list[0]) &&
           plan__span_contains(text, cc->list[1]);
  for (size_t i = 0; i < cc->str.n;) {
    size_t w = 1;
    unsigned char ch = (unsigned char)cc->str.p[i];
    if (ch >= 0xC0)
      w = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
    if (i + w > cc->str.n)
      w = cc->str.n - i;
    plan__span one = {cc->str.p + i, w};
    if (!plan__span_contains(text, one))
      return false;
    i += w;
  }
  return true;
}

typedef struct cc_attr {
  const cc_cities *cc;
  bool bad;
} cc_attr;

static bool cc_attr_piece(ev *e, plan__span piece, void *ud) {
  (void)e;
  cc_attr *a = ud;
  if (!cc_any_in(a->cc, piece)) {
    a->bad = true;
    return false;
  }
  return true;
}

static plan__travel_verdict_value off_current_city(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_CURRENT_CITY;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day))
      return CRASH(e, c, "a day is not an object");
    pv cur = field(day, "current_city");
    if (cur.kind == PV_MISSING)
      return CRASH(e, c, "a day has no current_city");
    if (cur.kind != PV_STR)
      return CRASH(e, c, "current_city is not a string");
    cc_cities cc;
    memset(&cc, 0, sizeof cc);
    if (contains(cur.s, "from")) {
      if (!off_pair(cur.s, &cc.list[0], &cc.list[1]))
        return CRASH(e, c, "current_city has 'from' but no 'from A to B'");
      cc.is_list = true;
    } else {
      cc.str = plan__py_before_paren(cur.s);
    }
    pv t = field(day, "transportation");
    if (pv_filled(t)) {
      if (t.kind != PV_STR)
        return CRASH(e, c, "transportation is not a string");
      if (!cc_all_in(&cc, t.s))
        return fail(e, c,
                    "The transportation in day %zu is invalid city choice.",
                    i + 1);
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(day, meals[m]);
      if (!pv_filled(v))
        continue;
      if (v.kind != PV_STR)
        return CRASH(e, c, "a meal is not a string");
      if (!cc_any_in(&cc, v.s))
        return fail(e, c, "The %s in day %zu is invalid city choice.", meals[m],
                    i + 1);
    }
    pv a = field(day, "attraction");
    if (pv_filled(a)) {
      if (a.kind != PV_STR)
        return CRASH(e, c, "attraction is not a string");
      cc_attr st = {&cc, false};
      each_piece(e, a.s, true, cc_attr_piece, &st);
      if (st.bad)
        return fail(e, c, "The attraction in day %zu is invalid city choice.",
                    i + 1);
    }
    pv acc = field(day, "accommodation");
    if (pv_filled(acc)) {
      if (acc.kind != PV_STR)
        return CRASH(e, c, "accommodation is not a string");
      plan__span last;
      if (cc.is_list) {
        last = cc.list[1];
      } else {
        if (cc.str.n == 0)
          return CRASH(e, c, "current_city is empty (IndexError)");
        /* The last character of the city string. */
        size_t k = cc.str.n - 1;
        while (k > 0 && ((unsigned char)cc.str.p[k] & 0xC0) == 0x80)
          k--;
        last.p = cc.str.p + k;
        last.n = cc.str.n - k;
      }
      if (!plan__span_contains(acc.s, last))
        return fail(e, c,
                    "The accommodation in day %zu is invalid city choice.",
                    i + 1);
    }
  }
  return PLAN__TRAVEL_PASS;
}

typedef struct sb_attr {
  bool bad;
  plan__span which;
} sb_attr;

static bool sb_attr_piece(ev *e, plan__span piece, void *ud) {
  sb_attr *s = ud;
  if (!lookup_attraction(e, piece)) {
    s->bad = true;
    s->which = piece;
    return false;
  }
  return true;
}

static plan__travel_verdict_value off_sandbox(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_SANDBOX;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day))
      return CRASH(e, c, "a day is not an object");
    pv t = field(day, "transportation");
    if (t.kind == PV_MISSING)
      return CRASH(e, c, "a day has no transportation");
    if (pv_filled(t)) {
      if (t.kind != PV_STR)
        return CRASH(e, c, "transportation is not a string");
      plan__span a, b;
      bool have = plan__py_from_to(t.s, &a, &b);
      if (!have) {
        pv cur = field(day, "current_city");
        if (cur.kind == PV_MISSING)
          return CRASH(e, c, "a day has no current_city");
        if (cur.kind != PV_STR)
          return CRASH(e, c, "current_city is not a string");
        have = plan__py_from_to(cur.s, &a, &b);
      }
      if (contains_ci(t.s, "flight number")) {
        if (!have)
          return CRASH(e, c, "the flight's cities cannot be parsed");
        a = plan__py_before_paren(a);
        b = plan__py_before_paren(b);
        plan__span num;
        if (!flight_token(t.s, &num))
          return CRASH(e, c, "no 'Flight Number: ' (IndexError)");
        const plan__travel_flight *f = flight_by_span(e, num);
        const plan__travel_city *fo =
            f ? plan__travel_db_city(e->db, f->origin) : NULL;
        const plan__travel_city *fd =
            f ? plan__travel_db_city(e->db, f->dest) : NULL;
        if (!f || !plan__span_eq_str(a, fo->name) ||
            !plan__span_eq_str(b, fd->name))
          return fail(e, c,
                      "The flight number in day %zu is invalid in the "
                      "sandbox.",
                      i + 1);
      } else if (contains_ci(t.s, "self-driving") || contains_ci(t.s, "taxi")) {
        if (!have) {
          a = plan__span_of("-");
          b = plan__span_of("-");
        } else {
          a = plan__py_before_paren(a);
          b = plan__py_before_paren(b);
        }
        bool self = contains_ci(t.s, "self-driving");
        if (!off_drive(e, a, b))
          return fail(e, c, "The %s in day %zu is invalid in the sandbox.",
                      self ? "self-driving" : "taxi", i + 1);
      }
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(day, meals[m]);
      if (!pv_filled(v))
        continue;
      if (v.kind != PV_STR)
        return CRASH(e, c, "a meal is not a string");
      if (!lookup_restaurant(e, v.s, NULL))
        return fail(e, c, "The %s in day %zu is invalid in the sandbox.",
                    meals[m], i + 1);
    }
    pv a = field(day, "attraction");
    if (pv_filled(a)) {
      if (a.kind != PV_STR)
        return CRASH(e, c, "attraction is not a string");
      sb_attr s = {false, {NULL, 0}};
      each_piece(e, a.s, true, sb_attr_piece, &s);
      if (s.bad)
        return fail(e, c,
                    "The attraction %.*s in day %zu is invalid in the "
                    "sandbox.",
                    SP(s.which), i + 1);
    }
    pv acc = field(day, "accommodation");
    if (pv_filled(acc)) {
      if (acc.kind != PV_STR)
        return CRASH(e, c, "accommodation is not a string");
      if (!lookup_accommodation(e, acc.s, NULL))
        return fail(e, c,
                    "The accommodation in day %zu is invalid in the "
                    "sandbox.",
                    i + 1);
    }
  }
  return PLAN__TRAVEL_PASS;
}

static const char kFiller[] =
    "You don't need to fill in the information for this or later days.";

static plan__travel_verdict_value off_not_absent(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_NOT_ABSENT;
  const plan__travel_query *q = e->q;
  /* is_valid_days */
  size_t lens = 0;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (json_is_object(day) && json_object_size(day) == 0)
      continue;
    if (!json_is_object(day))
      return CRASH(e, c, "a day is not an object");
    pv cur = field(day, "current_city");
    if (cur.kind == PV_MISSING)
      return CRASH(e, c, "a day has no current_city");
    if (!pv_is(cur, kFiller))
      lens++;
  }
  if (lens != (size_t)q->days)
    return fail(e, c, "Invalid Days");
  /* is_valid_visiting_city_number */
  plan__span *set = plan__calloc(2 * e->n + 1, sizeof *set);
  if (!set)
    return oom(e, c);
  size_t n = 0;
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  bool first_ok = true;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS && first_ok; i++) {
    pv cur = field(day_at(e, i), "current_city");
    if (cur.kind != PV_STR) {
      r = CRASH(e, c, "current_city is not a string");
      break;
    }
    plan__span add[2];
    size_t k = 0;
    if (contains(cur.s, "from")) {
      if (!off_pair(cur.s, &add[0], &add[1])) {
        r = CRASH(e, c, "current_city has 'from' but no 'from A to B'");
        break;
      }
      if (i == 0 && !plan__span_eq_str(add[0], q->org))
        first_ok = false;
      k = 2;
    } else {
      add[0] = plan__py_before_paren(cur.s);
      k = 1;
    }
    for (size_t j = 0; j < k && first_ok; j++) {
      bool dup = false;
      for (size_t m = 0; m < n && !dup; m++)
        dup = plan__span_eq(set[m], add[j]);
      if (!dup)
        set[n++] = add[j];
    }
  }
  if (r == PLAN__TRAVEL_PASS) {
    size_t distinct = n;
    for (size_t m = 0; m < n; m++)
      if (plan__span_eq_str(set[m], q->org))
        distinct--;
    if (!first_ok || distinct != (size_t)q->visiting_city_number)
      r = fail(e, c, "Invalid City Number");
  }
  plan__free(set);
  if (r != PLAN__TRAVEL_PASS)
    return r;
  static const char *const keys[] = {"transportation", "breakfast",
                                     "lunch",          "dinner",
                                     "attraction",     "accommodation"};
  static const char *const missing[] = {
      "No Transportation Info.", "No Breakfast Info.",
      "No Lunch Info.",          "No Dinner Info.",
      "No Attraction Info.",     "No Accommodation Info."};
  size_t valid = 0;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    for (size_t k = 0; k < PLAN_ARRAY_LEN(keys); k++)
      if (field(day, keys[k]).kind == PV_MISSING)
        return fail(e, c, "%s", missing[k]);
    pv cur = field(day, "current_city");
    if (cur.kind != PV_STR)
      return CRASH(e, c, "current_city is not a string");
    bool from_ = contains(cur.s, "from ");
    bool to_ = contains(cur.s, "to ");
    bool sp_to = contains(cur.s, " to ");
    if ((from_ || to_) && pv_blank(field(day, "transportation")))
      return fail(e, c, "No transportation in day %zu is not allowed.", i + 1);
    if (!from_ && !sp_to && pv_blank(field(day, "attraction")))
      return fail(e, c, "No attaction in day %zu is not allowed.", i + 1);
    if (i != (size_t)q->days - 1 && pv_blank(field(day, "accommodation")))
      return fail(e, c, "No accommodation in day %zu is not allowed.", i + 1);
    if ((pv_blank(field(day, "breakfast")) || pv_blank(field(day, "lunch")) ||
         pv_blank(field(day, "dinner"))) &&
        !from_)
      return fail(e, c, "No meal in day %zu is not allowed.", i + 1);
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)day, key, val) {
      if (truthy_json(val) &&
          !(json_is_string(val) && strcmp(json_string_value(val), "-") == 0 &&
            json_string_length(val) == 1))
        valid++;
    }
  }
  if ((double)valid / (double)(6 * q->days) < 0.5)
    return fail(e, c, "The absent information is more than 50%%.");
  return PLAN__TRAVEL_PASS;
}

/* ======================================================================
 * Official hard checks and cost
 * ====================================================================== */

static plan__travel_verdict_value off_cuisine(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_HARD_CUISINE;
  const plan__travel_query *q = e->q;
  if (!q->n_cuisines)
    return PLAN__TRAVEL_NA;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  bool *got = plan__calloc(q->n_cuisines, sizeof *got);
  if (!got)
    return oom(e, c);
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    for (int m = 0; m < 3; m++) {
      pv v = field(day, meals[m]);
      if (!pv_filled(v) || v.kind != PV_STR)
        continue;
      plan__span name, city;
      if (!plan__py_name_city(v.s, &name, &city))
        city = plan__span_of("-");
      /* Upstream `continue`s the day loop here: the day's later meals are
       * skipped too. */
      if (plan__span_eq_str(city, q->org))
        break;
      const plan__travel_restaurant *r = lookup_restaurant(e, v.s, NULL);
      if (!r)
        continue;
      for (size_t k = 0; k < q->n_cuisines; k++)
        if (strstr(r->cuisines, q->cuisines[k]))
          got[k] = true;
    }
  }
  /* len(cuisine_set) == len(cuisines): with duplicates in the query the
   * set can never reach the length. */
  size_t distinct_got = 0;
  for (size_t k = 0; k < q->n_cuisines; k++) {
    bool first = true;
    for (size_t j = 0; j < k; j++)
      if (strcmp(q->cuisines[j], q->cuisines[k]) == 0)
        first = false;
    if (first && got[k])
      distinct_got++;
  }
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  if (distinct_got != q->n_cuisines) {
    r = PLAN__TRAVEL_NA;
    for (size_t k = 0; k < q->n_cuisines && r == PLAN__TRAVEL_NA; k++)
      if (!got[k])
        r = fail(e, c, "The cuisine %s is not satisfied.", q->cuisines[k]);
    if (r == PLAN__TRAVEL_NA)
      r = CRASH(e, c,
                "duplicate cuisines in the query make valid_cuisine return "
                "None");
  }
  plan__free(got);
  return r;
}

static plan__travel_verdict_value off_room_rule(ev *e) {
  const plan__travel_query *q = e->q;
  if (q->house_rule == PLAN__TRAVEL_RULE_NONE)
    return PLAN__TRAVEL_NA;
  const char *forbidden = plan__travel_rule_text(q->house_rule);
  for (size_t i = 0; i < e->n; i++) {
    pv v = field(day_at(e, i), "accommodation");
    if (!pv_filled(v) || v.kind != PV_STR)
      continue;
    const plan__travel_accommodation *a = lookup_accommodation(e, v.s, NULL);
    if (a && strstr(a->house_rules, forbidden))
      return fail(e, PLAN__TRAVEL_HARD_ROOM_RULE,
                  "The house rule should be %s.", q->house_rule_text);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value off_hard_transport(ev *e) {
  const plan__travel_query *q = e->q;
  if (q->transportation == PLAN__TRAVEL_TRANSPORT_ANY)
    return PLAN__TRAVEL_NA;
  const char *bad = q->transportation == PLAN__TRAVEL_TRANSPORT_NO_FLIGHT
                        ? "Flight"
                        : "Self-driving";
  for (size_t i = 0; i < e->n; i++) {
    pv t = field(day_at(e, i), "transportation");
    if (pv_filled(t) && t.kind == PV_STR && contains(t.s, bad))
      return fail(e, PLAN__TRAVEL_HARD_TRANSPORTATION,
                  "The transportation should not be %s.",
                  q->transportation_text);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value off_room_type(ev *e) {
  const plan__travel_query *q = e->q;
  if (q->room_type == PLAN__TRAVEL_ROOMREQ_NONE)
    return PLAN__TRAVEL_NA;
  for (size_t i = 0; i < e->n; i++) {
    pv v = field(day_at(e, i), "accommodation");
    if (!pv_filled(v) || v.kind != PV_STR)
      continue;
    const plan__travel_accommodation *a = lookup_accommodation(e, v.s, NULL);
    if (!a)
      continue;
    bool bad = false;
    switch (q->room_type) {
    case PLAN__TRAVEL_ROOMREQ_NOT_SHARED:
      bad = strcmp(a->room_type, "Shared room") == 0;
      break;
    case PLAN__TRAVEL_ROOMREQ_SHARED:
      bad = strcmp(a->room_type, "Shared room") != 0;
      break;
    case PLAN__TRAVEL_ROOMREQ_PRIVATE:
      bad = strcmp(a->room_type, "Private room") != 0;
      break;
    case PLAN__TRAVEL_ROOMREQ_ENTIRE:
      bad = strcmp(a->room_type, "Entire home/apt") != 0;
      break;
    case PLAN__TRAVEL_ROOMREQ_NONE: break;
    }
    if (bad)
      return fail(e, PLAN__TRAVEL_HARD_ROOM_TYPE, "The room type should be %s.",
                  q->room_type_text);
  }
  return PLAN__TRAVEL_PASS;
}

static double rooms_for(int people, int occupancy) {
  return occupancy > 0 ? ceil((double)people / (double)occupancy) : 0;
}

/* get_total_cost; items that upstream cannot price (or would raise on)
 * cost nothing. */
static double off_cost(ev *e) {
  const int people = e->q->people_number;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  double total = 0;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (!json_is_object(day))
      continue;
    pv t = field(day, "transportation");
    if (pv_filled(t) && t.kind == PV_STR) {
      plan__span a, b;
      bool have = plan__py_from_to(t.s, &a, &b);
      if (!have) {
        pv cur = field(day, "current_city");
        have = cur.kind == PV_STR && plan__py_from_to(cur.s, &a, &b);
      }
      if (have) {
        plan__span num;
        if (contains_ci(t.s, "flight number")) {
          const plan__travel_flight *f =
              flight_token(t.s, &num) ? flight_by_span(e, num) : NULL;
          if (f)
            total += f->price * people;
        } else if (contains_ci(t.s, "self-driving")) {
          const plan__travel_drive *d = off_drive(e, a, b);
          total += plan__travel_self_driving_cost(d, people);
        } else if (contains_ci(t.s, "taxi")) {
          const plan__travel_drive *d = off_drive(e, a, b);
          total += plan__travel_taxi_cost(d, people);
        }
      }
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(day, meals[m]);
      if (!pv_filled(v) || v.kind != PV_STR)
        continue;
      const plan__travel_restaurant *r = lookup_restaurant(e, v.s, NULL);
      if (r)
        total += r->cost * people;
    }
    pv acc = field(day, "accommodation");
    if (pv_filled(acc) && acc.kind == PV_STR) {
      const plan__travel_accommodation *a =
          lookup_accommodation(e, acc.s, NULL);
      if (a)
        total += a->price * rooms_for(people, a->maximum_occupancy);
    }
  }
  return total;
}

/* ======================================================================
 * Strict mode
 * ====================================================================== */

/* A city name without a "(State)" suffix, trimmed. */
static plan__span strict_city(plan__span s) {
  plan__span t = plan__py_strip(s);
  for (size_t i = 0; i < t.n; i++)
    if (t.p[i] == '(') {
      t.n = i;
      break;
    }
  return plan__py_strip(t);
}

/* A travel day: current_city is "from A to B" (the whole text). */
static bool strict_pair(plan__span cur, plan__span *a, plan__span *b) {
  plan__span t = plan__py_strip(cur);
  if (t.n < 5 || memcmp(t.p, "from ", 5) != 0)
    return false;
  plan__span rest = {t.p + 5, t.n - 5};
  for (size_t i = 0; i + 4 <= rest.n; i++)
    if (memcmp(rest.p + i, " to ", 4) == 0) {
      plan__span x = {rest.p, i};
      plan__span y = {rest.p + i + 4, rest.n - i - 4};
      *a = strict_city(x);
      *b = strict_city(y);
      return a->n > 0 && b->n > 0;
    }
  return false;
}

/* "Name, City": the exact (trimmed) name in that city. */
static bool strict_name_city(plan__span s, plan__span *name, plan__span *city) {
  plan__span t = plan__py_strip(s);
  size_t c = t.n;
  while (c > 0 && t.p[c - 1] != ',')
    c--;
  if (c == 0)
    return false;
  plan__span n = {t.p, c - 1};
  plan__span ct = {t.p + c, t.n - c};
  *name = plan__py_strip(n);
  *city = strict_city(ct);
  return name->n > 0 && city->n > 0;
}

static bool name_eq(const char *row_name, plan__span name) {
  return plan__span_eq(plan__py_strip(plan__span_of(row_name)), name);
}

static const plan__travel_restaurant *
strict_find_restaurant(ev *e, plan__span s, int *city_out) {
  plan__span name, city;
  if (!strict_name_city(s, &name, &city))
    return NULL;
  int cid = city_id(e, city);
  if (city_out)
    *city_out = cid;
  const plan__travel_restaurant *rows = NULL;
  size_t n = plan__travel_db_restaurants(e->db, cid, &rows);
  for (size_t i = 0; i < n; i++)
    if (name_eq(rows[i].name, name))
      return &rows[i];
  return NULL;
}

static const plan__travel_attraction *strict_find_attraction(ev *e,
                                                             plan__span s) {
  plan__span name, city;
  if (!strict_name_city(s, &name, &city))
    return NULL;
  const plan__travel_attraction *rows = NULL;
  size_t n = plan__travel_db_attractions(e->db, city_id(e, city), &rows);
  for (size_t i = 0; i < n; i++)
    if (name_eq(rows[i].name, name))
      return &rows[i];
  return NULL;
}

static const plan__travel_accommodation *
strict_find_accommodation(ev *e, plan__span s) {
  plan__span name, city;
  if (!strict_name_city(s, &name, &city))
    return NULL;
  const plan__travel_accommodation *rows = NULL;
  size_t n = plan__travel_db_accommodations(e->db, city_id(e, city), &rows);
  for (size_t i = 0; i < n; i++)
    if (name_eq(rows[i].name, name))
      return &rows[i];
  return NULL;
}

/* The city of a "Name, City" text (strict parse), or an empty span. */
static plan__span item_city(plan__span s) {
  plan__span name, city;
  if (!strict_name_city(s, &name, &city)) {
    plan__span none = {"", 0};
    return none;
  }
  return city;
}

/* A strict view of one day. */
typedef struct sday {
  const json_t *j;
  bool object;
  bool travel;
  plan__span from, to; /* travel days */
  plan__span city;     /* stay days */
  pv cur, transportation, breakfast, lunch, dinner, attraction, accommodation;
} sday;

static sday strict_day(const ev *e, size_t i) {
  sday d;
  memset(&d, 0, sizeof d);
  d.j = day_at(e, i);
  d.object = json_is_object(d.j);
  d.cur = field(d.j, "current_city");
  d.transportation = field(d.j, "transportation");
  d.breakfast = field(d.j, "breakfast");
  d.lunch = field(d.j, "lunch");
  d.dinner = field(d.j, "dinner");
  d.attraction = field(d.j, "attraction");
  d.accommodation = field(d.j, "accommodation");
  if (d.cur.kind == PV_STR) {
    d.travel = strict_pair(d.cur.s, &d.from, &d.to);
    if (!d.travel)
      d.city = strict_city(d.cur.s);
  }
  return d;
}

/* A filled string field: a string other than "", "-" (after trimming). */
static bool sfilled(pv v) {
  if (v.kind != PV_STR)
    return false;
  plan__span t = plan__py_strip(v.s);
  return t.n > 0 && !plan__span_eq_str(t, "-");
}

/* Attraction pieces, ';'-separated, trimmed, empty pieces skipped. */
typedef bool (*spiece_fn)(ev *e, plan__span piece, void *ud);

static bool strict_pieces(ev *e, pv v, spiece_fn fn, void *ud) {
  if (!sfilled(v))
    return true;
  size_t start = 0;
  for (size_t i = 0; i <= v.s.n; i++) {
    if (i < v.s.n && v.s.p[i] != ';')
      continue;
    plan__span piece = {v.s.p + start, i - start};
    piece = plan__py_strip(piece);
    start = i + 1;
    if (!piece.n)
      continue;
    if (!fn(e, piece, ud))
      return false;
  }
  return true;
}

static plan__travel_verdict_value strict_structure(ev *e,
                                                   plan__travel_check c) {
  for (size_t i = 0; i < e->n; i++) {
    sday d = strict_day(e, i);
    if (!d.object)
      return fail(e, c, "day %zu is not an object", i + 1);
    if (d.cur.kind != PV_STR)
      return fail(e, c, "day %zu has no current_city string", i + 1);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value strict_city_route(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_CITY_ROUTE;
  const plan__travel_query *q = e->q;
  plan__travel_verdict_value r = strict_structure(e, c);
  if (r != PLAN__TRAVEL_PASS)
    return r;
  if (e->n < (size_t)q->days)
    return fail(e, c, "the plan has %zu days, the trip %d", e->n, q->days);
  plan__span here = plan__span_of(q->org);
  plan__span *visited = plan__calloc(e->n + 1, sizeof *visited);
  if (!visited)
    return oom(e, c);
  size_t nv = 0;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++) {
    sday d = strict_day(e, i);
    if (i == 0 && !d.travel) {
      r = fail(e, c, "day 1 must travel from %s", q->org);
      break;
    }
    if (d.travel) {
      if (!plan__span_eq(d.from, here)) {
        r = fail(e, c, "day %zu leaves from %.*s but the traveller is in %.*s",
                 i + 1, SP(d.from), SP(here));
        break;
      }
      if (plan__span_eq(d.from, d.to)) {
        r = fail(e, c, "day %zu travels from %.*s to itself", i + 1, SP(d.to));
        break;
      }
      here = d.to;
      if (i + 1 < e->n) {
        if (plan__span_eq_str(d.to, q->org)) {
          r = fail(e, c, "day %zu returns to %s before the last day", i + 1,
                   q->org);
          break;
        }
        for (size_t k = 0; k < nv; k++)
          if (plan__span_eq(visited[k], d.to)) {
            r = fail(e, c, "day %zu returns to %.*s", i + 1, SP(d.to));
            break;
          }
        if (r != PLAN__TRAVEL_PASS)
          break;
        visited[nv++] = d.to;
        const plan__travel_city *city =
            plan__travel_db_city(e->db, city_id(e, d.to));
        if (!city || !city->in_city_set)
          r = fail(e, c, "%.*s is not a valid city.", SP(d.to));
        else if (q->days == 3 && strcmp(city->name, q->dest) != 0)
          r = fail(e, c, "%.*s is not the destination %s", SP(d.to), q->dest);
        else if (q->days > 3 && strcmp(city->state, q->dest) != 0)
          r = fail(e, c, "%.*s is not in %s.", SP(d.to), q->dest);
      }
    } else if (!plan__span_eq(d.city, here)) {
      r = fail(e, c, "day %zu is in %.*s but the traveller is in %.*s", i + 1,
               SP(d.city), SP(here));
    }
  }
  if (r == PLAN__TRAVEL_PASS) {
    if (!plan__span_eq_str(here, q->org))
      r = fail(e, c, "The trip should be a closed circle.");
    else if (!strict_day(e, e->n - 1).travel)
      r = fail(e, c, "the last day must travel back to %s", q->org);
  }
  plan__free(visited);
  return r;
}

typedef struct rest_key {
  const plan__travel_restaurant *row;
  plan__span text;
} rest_key;

static plan__travel_verdict_value strict_restaurants(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_RESTAURANTS;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  rest_key *seen = plan__calloc(3 * e->n + 1, sizeof *seen);
  if (!seen)
    return oom(e, c);
  size_t n = 0;
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++) {
    for (int m = 0; m < 3 && r == PLAN__TRAVEL_PASS; m++) {
      pv v = field(day_at(e, i), meals[m]);
      if (!sfilled(v))
        continue;
      rest_key k;
      k.row = strict_find_restaurant(e, v.s, NULL);
      k.text = plan__py_strip(v.s);
      for (size_t j = 0; j < n; j++)
        if ((k.row && k.row == seen[j].row) ||
            plan__span_eq(k.text, seen[j].text)) {
          r = fail(e, c, "The restaurant in day %zu %s (%.*s) is repeated.",
                   i + 1, meals[m], SP(k.text));
          break;
        }
      seen[n++] = k;
    }
  }
  plan__free(seen);
  return r;
}

typedef struct sattr {
  const plan__travel_attraction **rows;
  plan__span *texts;
  size_t n;
  bool dup;
  plan__span which;
} sattr;

static bool strict_attr_piece(ev *e, plan__span piece, void *ud) {
  sattr *s = ud;
  const plan__travel_attraction *row = strict_find_attraction(e, piece);
  for (size_t j = 0; j < s->n; j++)
    if ((row && row == s->rows[j]) || plan__span_eq(piece, s->texts[j])) {
      s->dup = true;
      s->which = piece;
      return false;
    }
  s->rows[s->n] = row;
  s->texts[s->n++] = piece;
  return true;
}

static plan__travel_verdict_value strict_attractions(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_ATTRACTIONS;
  size_t total = 0;
  for (size_t i = 0; i < e->n; i++) {
    pv v = field(day_at(e, i), "attraction");
    if (v.kind == PV_STR)
      total += count_char(v.s, ';') + 1;
  }
  sattr s;
  memset(&s, 0, sizeof s);
  s.rows = plan__calloc(total + 1, sizeof *s.rows);
  s.texts = plan__calloc(total + 1, sizeof *s.texts);
  plan__travel_verdict_value r = PLAN__TRAVEL_PASS;
  if (!s.rows || !s.texts)
    r = oom(e, c);
  for (size_t i = 0; i < e->n && r == PLAN__TRAVEL_PASS; i++)
    if (!strict_pieces(e, field(day_at(e, i), "attraction"), strict_attr_piece,
                       &s))
      r = fail(e, c, "The attraction '%.*s' in day %zu is repeated.",
               SP(s.which), i + 1);
  plan__free(s.rows);
  plan__free(s.texts);
  return r;
}

static plan__travel_verdict_value strict_accommodation(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_ACCOMMODATION;
  size_t i = 0;
  while (i < e->n) {
    pv v = field(day_at(e, i), "accommodation");
    if (!sfilled(v)) {
      i++;
      continue;
    }
    /* A run is the same place on consecutive nights: the same row when
     * the names resolve, else the same text. */
    plan__span t = plan__py_strip(v.s);
    const plan__travel_accommodation *a = strict_find_accommodation(e, v.s);
    size_t run = 0;
    while (i < e->n) {
      pv w = field(day_at(e, i), "accommodation");
      if (!sfilled(w))
        break;
      const plan__travel_accommodation *b = strict_find_accommodation(e, w.s);
      if (a ? b != a : !plan__span_eq(plan__py_strip(w.s), t))
        break;
      run++;
      i++;
    }
    if (a && (double)run < a->minimum_nights)
      return fail(e, c, "%.*s requires at least %g nights; the plan stays %zu",
                  SP(t), a->minimum_nights, run);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value strict_transportation(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_TRANSPORTATION;
  if (e->n == 0 || !sfilled(field(day_at(e, 0), "transportation")))
    return fail(e, c, "The transportation in day 1 should not be empty.");
  bool seen[4] = {false, false, false, false};
  for (size_t i = 0; i < e->n; i++) {
    pv t = field(day_at(e, i), "transportation");
    if (!sfilled(t))
      continue;
    mode_kind m = match_mode(t.s);
    if (m == MODE_NONE)
      return fail(e, c, "day %zu: unknown transportation '%.*s'", i + 1,
                  SP(t.s));
    seen[m] = true;
  }
  if ((seen[MODE_SELF] && seen[MODE_FLIGHT]) ||
      (seen[MODE_TAXI] && seen[MODE_SELF]))
    return fail(e, c,
                "The transportation is conflicting (self-driving "
                "mixed with flight or taxi).");
  return PLAN__TRAVEL_PASS;
}

typedef struct in_city {
  const sday *d;
  bool bad;
  plan__span which;
} in_city;

static bool at_day_city(const sday *d, plan__span city) {
  if (d->travel)
    return plan__span_eq(city, d->from) || plan__span_eq(city, d->to);
  return plan__span_eq(city, d->city);
}

static bool strict_cc_piece(ev *e, plan__span piece, void *ud) {
  (void)e;
  in_city *s = ud;
  if (!at_day_city(s->d, item_city(piece))) {
    s->bad = true;
    s->which = piece;
    return false;
  }
  return true;
}

static plan__travel_verdict_value strict_current_city(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_CURRENT_CITY;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  plan__travel_verdict_value r = strict_structure(e, c);
  if (r != PLAN__TRAVEL_PASS)
    return r;
  for (size_t i = 0; i < e->n; i++) {
    sday d = strict_day(e, i);
    if (sfilled(d.transportation)) {
      plan__span a, b;
      if (!d.travel)
        return fail(e, c,
                    "day %zu travels but its current_city is not "
                    "'from A to B'",
                    i + 1);
      if (!plan__py_from_to(d.transportation.s, &a, &b) ||
          !plan__span_eq(strict_city(a), d.from) ||
          !plan__span_eq(strict_city(b), d.to))
        return fail(e, c,
                    "The transportation in day %zu is not from %.*s to "
                    "%.*s.",
                    i + 1, SP(d.from), SP(d.to));
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(d.j, meals[m]);
      if (sfilled(v) && !at_day_city(&d, item_city(v.s)))
        return fail(e, c,
                    "The %s in day %zu (%.*s) is not in the day's "
                    "city.",
                    meals[m], i + 1, SP(v.s));
    }
    in_city s = {&d, false, {NULL, 0}};
    strict_pieces(e, d.attraction, strict_cc_piece, &s);
    if (s.bad)
      return fail(e, c,
                  "The attraction %.*s in day %zu is not in the day's "
                  "city.",
                  SP(s.which), i + 1);
    if (sfilled(d.accommodation)) {
      plan__span want = d.travel ? d.to : d.city;
      if (!plan__span_eq(item_city(d.accommodation.s), want))
        return fail(e, c, "The accommodation in day %zu is not in %.*s.", i + 1,
                    SP(want));
    }
  }
  return PLAN__TRAVEL_PASS;
}

/* The leg of a travel day: the pair named in the transportation text, else
 * the day's current_city. */
static bool strict_leg(const sday *d, plan__span *a, plan__span *b) {
  if (plan__py_from_to(d->transportation.s, a, b)) {
    *a = strict_city(*a);
    *b = strict_city(*b);
    return true;
  }
  if (d->travel) {
    *a = d->from;
    *b = d->to;
    return true;
  }
  return false;
}

/* The flight a strict plan names: number, route and date must agree. */
static const plan__travel_flight *strict_flight(ev *e, const sday *d,
                                                size_t i) {
  plan__span num, a, b;
  if (!flight_token(d->transportation.s, &num) || !strict_leg(d, &a, &b))
    return NULL;
  const plan__travel_flight *f = flight_by_span(e, plan__py_strip(num));
  if (!f)
    return NULL;
  const plan__travel_city *fo = plan__travel_db_city(e->db, f->origin);
  const plan__travel_city *fd = plan__travel_db_city(e->db, f->dest);
  if (!plan__span_eq_str(a, fo->name) || !plan__span_eq_str(b, fd->name))
    return NULL;
  if (i < (size_t)e->q->days && strcmp(f->date, e->q->dates[i]) != 0)
    return NULL;
  return f;
}

typedef struct sb_strict {
  bool bad;
  plan__span which;
} sb_strict;

static bool strict_sb_piece(ev *e, plan__span piece, void *ud) {
  sb_strict *s = ud;
  if (!strict_find_attraction(e, piece)) {
    s->bad = true;
    s->which = piece;
    return false;
  }
  return true;
}

static plan__travel_verdict_value strict_sandbox(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_SANDBOX;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  plan__travel_verdict_value r = strict_structure(e, c);
  if (r != PLAN__TRAVEL_PASS)
    return r;
  for (size_t i = 0; i < e->n; i++) {
    sday d = strict_day(e, i);
    if (sfilled(d.transportation)) {
      mode_kind m = match_mode(d.transportation.s);
      plan__span a, b;
      if (m == MODE_FLIGHT) {
        if (!strict_flight(e, &d, i))
          return fail(e, c,
                      "The flight in day %zu does not exist for that route "
                      "and date.",
                      i + 1);
      } else if (m == MODE_SELF || m == MODE_TAXI) {
        const plan__travel_drive *dr =
            strict_leg(&d, &a, &b)
                ? plan__travel_db_drive(e->db, city_id(e, a), city_id(e, b))
                : NULL;
        if (!dr || !dr->valid)
          return fail(e, c, "The %s in day %zu is invalid in the sandbox.",
                      m == MODE_SELF ? "self-driving" : "taxi", i + 1);
      } else {
        return fail(e, c, "day %zu: unknown transportation '%.*s'", i + 1,
                    SP(d.transportation.s));
      }
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(d.j, meals[m]);
      if (sfilled(v) && !strict_find_restaurant(e, v.s, NULL))
        return fail(e, c, "The %s in day %zu (%.*s) is not in the database.",
                    meals[m], i + 1, SP(v.s));
    }
    sb_strict s = {false, {NULL, 0}};
    strict_pieces(e, d.attraction, strict_sb_piece, &s);
    if (s.bad)
      return fail(e, c,
                  "The attraction %.*s in day %zu is not in the "
                  "database.",
                  SP(s.which), i + 1);
    if (sfilled(d.accommodation) &&
        !strict_find_accommodation(e, d.accommodation.s))
      return fail(e, c,
                  "The accommodation in day %zu is not in the "
                  "database.",
                  i + 1);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value strict_not_absent(ev *e) {
  const plan__travel_check c = PLAN__TRAVEL_CS_NOT_ABSENT;
  const plan__travel_query *q = e->q;
  size_t days = 0;
  for (size_t i = 0; i < e->n; i++) {
    const json_t *day = day_at(e, i);
    if (json_is_object(day) && json_object_size(day) &&
        !pv_is(field(day, "current_city"), kFiller))
      days++;
  }
  if (days != (size_t)q->days)
    return fail(e, c, "The plan fills %zu days, the trip has %d.", days,
                q->days);
  plan__travel_verdict_value r = strict_structure(e, c);
  if (r != PLAN__TRAVEL_PASS)
    return r;
  /* Visited cities (other than org). */
  plan__span *set = plan__calloc(2 * e->n + 1, sizeof *set);
  if (!set)
    return oom(e, c);
  size_t n = 0;
  for (size_t i = 0; i < e->n; i++) {
    sday d = strict_day(e, i);
    plan__span add[2];
    size_t k = 0;
    if (d.travel) {
      add[k++] = d.from;
      add[k++] = d.to;
    } else {
      add[k++] = d.city;
    }
    for (size_t j = 0; j < k; j++) {
      bool dup = plan__span_eq_str(add[j], q->org);
      for (size_t m = 0; m < n && !dup; m++)
        dup = plan__span_eq(set[m], add[j]);
      if (!dup)
        set[n++] = add[j];
    }
  }
  plan__free(set);
  if (n != (size_t)q->visiting_city_number)
    return fail(e, c, "The plan visits %zu cities, the query asks for %d.", n,
                q->visiting_city_number);
  static const char *const keys[] = {"transportation", "breakfast",
                                     "lunch",          "dinner",
                                     "attraction",     "accommodation"};
  size_t filled = 0;
  for (size_t i = 0; i < e->n; i++) {
    sday d = strict_day(e, i);
    for (size_t k = 0; k < PLAN_ARRAY_LEN(keys); k++) {
      pv v = field(d.j, keys[k]);
      if (v.kind != PV_STR)
        return fail(e, c, "day %zu: '%s' is missing or not a string", i + 1,
                    keys[k]);
      filled += sfilled(v);
    }
    filled += 1; /* current_city */
    if (d.travel && !sfilled(d.transportation))
      return fail(e, c, "No transportation in day %zu is not allowed.", i + 1);
    if (!d.travel && !sfilled(d.attraction))
      return fail(e, c, "No attraction in day %zu is not allowed.", i + 1);
    if (i + 1 < (size_t)q->days && !sfilled(d.accommodation))
      return fail(e, c, "No accommodation in day %zu is not allowed.", i + 1);
    if (!d.travel &&
        (!sfilled(d.breakfast) || !sfilled(d.lunch) || !sfilled(d.dinner)))
      return fail(e, c, "No meal in day %zu is not allowed.", i + 1);
  }
  if ((double)filled / (double)(6 * q->days) < 0.5)
    return fail(e, c, "The absent information is more than 50%%.");
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value strict_cuisine(ev *e) {
  const plan__travel_query *q = e->q;
  if (!q->n_cuisines)
    return PLAN__TRAVEL_NA;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  bool *got = plan__calloc(q->n_cuisines, sizeof *got);
  if (!got)
    return oom(e, PLAN__TRAVEL_HARD_CUISINE);
  int org = plan__travel_db_city_find(e->db, q->org);
  for (size_t i = 0; i < e->n; i++)
    for (int m = 0; m < 3; m++) {
      pv v = field(day_at(e, i), meals[m]);
      if (!sfilled(v))
        continue;
      int city = -1;
      const plan__travel_restaurant *r = strict_find_restaurant(e, v.s, &city);
      if (!r || city == org)
        continue;
      for (size_t k = 0; k < q->n_cuisines; k++)
        if (strstr(r->cuisines, q->cuisines[k]))
          got[k] = true;
    }
  plan__travel_verdict_value res = PLAN__TRAVEL_PASS;
  for (size_t k = 0; k < q->n_cuisines && res == PLAN__TRAVEL_PASS; k++)
    if (!got[k])
      res = fail(e, PLAN__TRAVEL_HARD_CUISINE,
                 "The cuisine %s is not satisfied.", q->cuisines[k]);
  plan__free(got);
  return res;
}

static plan__travel_verdict_value strict_room(ev *e, bool rule) {
  const plan__travel_query *q = e->q;
  if (rule ? q->house_rule == PLAN__TRAVEL_RULE_NONE
           : q->room_type == PLAN__TRAVEL_ROOMREQ_NONE)
    return PLAN__TRAVEL_NA;
  for (size_t i = 0; i < e->n; i++) {
    pv v = field(day_at(e, i), "accommodation");
    if (!sfilled(v))
      continue;
    const plan__travel_accommodation *a = strict_find_accommodation(e, v.s);
    if (!a)
      continue;
    if (rule && (a->rules & plan__travel_rule_bit(q->house_rule)))
      return fail(e, PLAN__TRAVEL_HARD_ROOM_RULE,
                  "The house rule should be %s (day %zu: %s).",
                  q->house_rule_text, i + 1, a->house_rules);
    if (!rule && !plan__travel_room_ok(q->room_type, a->room))
      return fail(e, PLAN__TRAVEL_HARD_ROOM_TYPE,
                  "The room type should be %s (day %zu: %s).",
                  q->room_type_text, i + 1, a->room_type);
  }
  return PLAN__TRAVEL_PASS;
}

static plan__travel_verdict_value strict_hard_transport(ev *e) {
  const plan__travel_query *q = e->q;
  if (q->transportation == PLAN__TRAVEL_TRANSPORT_ANY)
    return PLAN__TRAVEL_NA;
  mode_kind bad = q->transportation == PLAN__TRAVEL_TRANSPORT_NO_FLIGHT
                      ? MODE_FLIGHT
                      : MODE_SELF;
  for (size_t i = 0; i < e->n; i++) {
    pv t = field(day_at(e, i), "transportation");
    if (sfilled(t) && match_mode(t.s) == bad)
      return fail(e, PLAN__TRAVEL_HARD_TRANSPORTATION,
                  "The transportation should not be %s (day %zu).",
                  q->transportation_text, i + 1);
  }
  return PLAN__TRAVEL_PASS;
}

static double strict_cost(ev *e) {
  const int people = e->q->people_number;
  static const char *const meals[] = {"breakfast", "lunch", "dinner"};
  double total = 0;
  for (size_t i = 0; i < e->n; i++) {
    if (!json_is_object(day_at(e, i)))
      continue;
    sday d = strict_day(e, i);
    if (sfilled(d.transportation)) {
      mode_kind m = match_mode(d.transportation.s);
      plan__span a, b, num;
      if (m == MODE_FLIGHT) {
        const plan__travel_flight *f = strict_flight(e, &d, i);
        if (!f && flight_token(d.transportation.s, &num))
          f = flight_by_span(e, plan__py_strip(num));
        if (f)
          total += f->price * people;
      } else if ((m == MODE_SELF || m == MODE_TAXI) && strict_leg(&d, &a, &b)) {
        const plan__travel_drive *dr =
            plan__travel_db_drive(e->db, city_id(e, a), city_id(e, b));
        total += m == MODE_SELF ? plan__travel_self_driving_cost(dr, people)
                                : plan__travel_taxi_cost(dr, people);
      }
    }
    for (int m = 0; m < 3; m++) {
      pv v = field(d.j, meals[m]);
      const plan__travel_restaurant *r =
          sfilled(v) ? strict_find_restaurant(e, v.s, NULL) : NULL;
      if (r)
        total += r->cost * people;
    }
    const plan__travel_accommodation *a =
        sfilled(d.accommodation)
            ? strict_find_accommodation(e, d.accommodation.s)
            : NULL;
    if (a)
      total += a->price * rooms_for(people, a->maximum_occupancy);
  }
  return total;
}

/* ======================================================================
 * Driver
 * ====================================================================== */

static void ev_init(ev *e, plan__travel_db *db, const plan__travel_query *q,
                    const json_t *plan, plan__travel_verdict *v) {
  memset(e, 0, sizeof *e);
  e->db = db;
  e->q = q;
  e->plan = plan;
  e->v = v;
  size_t len = json_is_array(plan) ? json_array_size(plan) : 0;
  e->n = PLAN_MIN((size_t)q->days, len);
  plan__buf_init(&e->scratch, 1 << 20);
}

double plan__travel_eval_cost(plan__travel_db *db, const plan__travel_query *q,
                              const json_t *plan, plan__travel_eval_mode mode) {
  if (!db || !q)
    return 0;
  plan__travel_verdict v;
  memset(&v, 0, sizeof v);
  ev e;
  ev_init(&e, db, q, plan, &v);
  double c = mode == PLAN__TRAVEL_EVAL_STRICT ? strict_cost(&e) : off_cost(&e);
  plan__buf_free(&e.scratch);
  return c;
}

plan_status plan__travel_eval_plan(plan__travel_db *db,
                                   const plan__travel_query *q,
                                   const json_t *plan,
                                   plan__travel_eval_mode mode,
                                   plan__travel_verdict *out) {
  if (!out)
    return PLAN_EINVAL;
  memset(out, 0, sizeof *out);
  if (!db || !q)
    return PLAN_EINVAL;
  out->mode = mode;
  /* `if tested_plan['plan']`: null, [] (and any falsy value) are not
   * delivered; anything else truthy that is not a list cannot be
   * evaluated. */
  out->delivered = plan && truthy_json(plan);
  if (!out->delivered)
    return PLAN_OK;
  ev e;
  ev_init(&e, db, q, plan, out);
  bool strict = mode == PLAN__TRAVEL_EVAL_STRICT;
  if (!json_is_array(plan) || e.n == 0) {
    for (int c = 0; c < PLAN__TRAVEL_N_COMMONSENSE; c++) {
      out->value[c] = PLAN__TRAVEL_FAIL;
      plan__fmt(out->message[c], sizeof out->message[c],
                "the plan is not a list of days");
    }
    plan__buf_free(&e.scratch);
    return PLAN_OK;
  }
  size_t bad_day = 0;
  for (size_t i = 0; strict && i < e.n && !bad_day; i++)
    if (!json_is_object(day_at(&e, i)))
      bad_day = i + 1;
  if (bad_day) {
    /* Strict: a plan whose days are not objects fails every check. */
    for (int c = 0; c < PLAN__TRAVEL_N_COMMONSENSE; c++) {
      out->value[c] = PLAN__TRAVEL_FAIL;
      plan__fmt(out->message[c], sizeof out->message[c],
                "day %zu is not an object", bad_day);
    }
  } else if (strict) {
    out->value[PLAN__TRAVEL_CS_CITY_ROUTE] = strict_city_route(&e);
    out->value[PLAN__TRAVEL_CS_RESTAURANTS] = strict_restaurants(&e);
    out->value[PLAN__TRAVEL_CS_ATTRACTIONS] = strict_attractions(&e);
    out->value[PLAN__TRAVEL_CS_ACCOMMODATION] = strict_accommodation(&e);
    out->value[PLAN__TRAVEL_CS_TRANSPORTATION] = strict_transportation(&e);
    out->value[PLAN__TRAVEL_CS_CURRENT_CITY] = strict_current_city(&e);
    out->value[PLAN__TRAVEL_CS_SANDBOX] = strict_sandbox(&e);
    out->value[PLAN__TRAVEL_CS_NOT_ABSENT] = strict_not_absent(&e);
  } else {
    out->value[PLAN__TRAVEL_CS_CITY_ROUTE] = off_city_route(&e);
    out->value[PLAN__TRAVEL_CS_RESTAURANTS] = off_restaurants(&e);
    out->value[PLAN__TRAVEL_CS_ATTRACTIONS] = off_attractions(&e);
    out->value[PLAN__TRAVEL_CS_ACCOMMODATION] = off_accommodation(&e);
    out->value[PLAN__TRAVEL_CS_TRANSPORTATION] = off_transportation(&e);
    out->value[PLAN__TRAVEL_CS_CURRENT_CITY] = off_current_city(&e);
    out->value[PLAN__TRAVEL_CS_SANDBOX] = off_sandbox(&e);
    out->value[PLAN__TRAVEL_CS_NOT_ABSENT] = off_not_absent(&e);
  }
  out->total_cost = strict ? strict_cost(&e) : off_cost(&e);
  out->hard_evaluated =
      out->value[PLAN__TRAVEL_CS_SANDBOX] == PLAN__TRAVEL_PASS &&
      out->value[PLAN__TRAVEL_CS_NOT_ABSENT] == PLAN__TRAVEL_PASS;
  if (out->hard_evaluated) {
    if (strict) {
      out->value[PLAN__TRAVEL_HARD_CUISINE] = strict_cuisine(&e);
      out->value[PLAN__TRAVEL_HARD_ROOM_RULE] = strict_room(&e, true);
      out->value[PLAN__TRAVEL_HARD_TRANSPORTATION] = strict_hard_transport(&e);
      out->value[PLAN__TRAVEL_HARD_ROOM_TYPE] = strict_room(&e, false);
    } else {
      out->value[PLAN__TRAVEL_HARD_CUISINE] = off_cuisine(&e);
      out->value[PLAN__TRAVEL_HARD_ROOM_RULE] = off_room_rule(&e);
      out->value[PLAN__TRAVEL_HARD_TRANSPORTATION] = off_hard_transport(&e);
      out->value[PLAN__TRAVEL_HARD_ROOM_TYPE] = off_room_type(&e);
    }
    out->value[PLAN__TRAVEL_HARD_COST] =
        out->total_cost <= q->budget
            ? PLAN__TRAVEL_PASS
            : fail(&e, PLAN__TRAVEL_HARD_COST,
                   "The total cost %.0f exceeds the budget %.0f.",
                   out->total_cost, q->budget);
  }
  bool failed = e.oom || e.scratch.status == PLAN_ENOMEM;
  plan__buf_free(&e.scratch);
  if (failed) {
    memset(out, 0, sizeof *out);
    return PLAN_ENOMEM;
  }
  bool cs_ok = true;
  for (int c = 0; c < PLAN__TRAVEL_N_COMMONSENSE; c++)
    if (out->value[c] == PLAN__TRAVEL_FAIL)
      cs_ok = false;
  bool hard_ok = out->hard_evaluated;
  for (int c = PLAN__TRAVEL_N_COMMONSENSE; c < PLAN__TRAVEL_N_CHECKS; c++)
    if (out->value[c] == PLAN__TRAVEL_FAIL)
      hard_ok = false;
  /* eval.py counts a query's macro passes only when its hard box exists. */
  out->commonsense_pass = out->hard_evaluated && cs_ok;
  out->hard_pass = hard_ok;
  out->final_pass = out->commonsense_pass && out->hard_pass;
  return PLAN_OK;
}

json_t *plan__travel_verdict_to_json(const plan__travel_verdict *v) {
  if (!v)
    return NULL;
  json_t *o = json_object();
  json_t *cs = v->delivered ? json_object() : json_null();
  json_t *hard = v->hard_evaluated ? json_object() : json_null();
  json_t *msgs = json_object();
  int rc = !o || !cs || !hard || !msgs;
  for (int c = 0; !rc && c < PLAN__TRAVEL_N_CHECKS; c++) {
    json_t *box = c < PLAN__TRAVEL_N_COMMONSENSE ? cs : hard;
    if (json_is_object(box)) {
      json_t *val = v->value[c] == PLAN__TRAVEL_NA
                        ? json_null()
                        : json_boolean(v->value[c] == PLAN__TRAVEL_PASS);
      rc |= json_object_set_new(box, check_keys[c], val);
    }
    if (v->message[c][0])
      rc |=
          json_object_set_new(msgs, check_keys[c], json_string(v->message[c]));
  }
  if (!rc) {
    rc |= json_object_set_new(
        o, "mode", json_string(plan__travel_eval_mode_name(v->mode)));
    rc |= json_object_set_new(o, "delivered", json_boolean(v->delivered));
    rc |= json_object_set_new(o, "total_cost", json_real(v->total_cost));
    rc |= json_object_set(o, "commonsense", cs);
    rc |= json_object_set(o, "hard", hard);
    rc |= json_object_set(o, "messages", msgs);
    rc |= json_object_set_new(o, "commonsense_pass",
                              json_boolean(v->commonsense_pass));
    rc |= json_object_set_new(o, "hard_pass", json_boolean(v->hard_pass));
    rc |= json_object_set_new(o, "final_pass", json_boolean(v->final_pass));
  }
  json_decref(cs);
  json_decref(hard);
  json_decref(msgs);
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ======================================================================
 * Metrics
 * ====================================================================== */

void plan__travel_metrics_init(plan__travel_metrics *m) {
  memset(m, 0, sizeof *m);
}

void plan__travel_metrics_add(plan__travel_metrics *m,
                              const plan__travel_query *q,
                              const plan__travel_verdict *v) {
  m->n++;
  m->n_total++;
  m->cs_total += PLAN__TRAVEL_N_COMMONSENSE;
  size_t requested = 1; /* budget */
  bool medium = q->level && strcmp(q->level, "medium") == 0;
  bool easy = q->level && strcmp(q->level, "easy") == 0;
  if (!easy) {
    requested += q->house_rule != PLAN__TRAVEL_RULE_NONE;
    requested += q->n_cuisines > 0;
    requested += q->room_type != PLAN__TRAVEL_ROOMREQ_NONE;
    if (!medium)
      requested += q->transportation != PLAN__TRAVEL_TRANSPORT_ANY;
  }
  m->hard_total += requested;
  if (v->delivered)
    m->delivered++;
  for (int c = 0; c < PLAN__TRAVEL_N_CHECKS; c++) {
    if (v->value[c] == PLAN__TRAVEL_PASS) {
      m->check_true[c]++;
      if (c < PLAN__TRAVEL_N_COMMONSENSE)
        m->cs_true++;
      else
        m->hard_true++;
    } else if (v->value[c] == PLAN__TRAVEL_FAIL) {
      m->check_false[c]++;
    }
  }
  m->cs_macro += v->commonsense_pass;
  m->hard_macro += v->hard_pass;
  m->final_pass += v->final_pass;
}

bool plan__travel_metrics_use_split(plan__travel_metrics *m,
                                    const char *split) {
  static const struct {
    const char *name;
    size_t n, cs, hard;
  } splits[] = {{"train", 45, 360, 105},
                {"validation", 180, 1440, 420},
                {"test", 1000, 8000, 2290}};
  for (size_t i = 0; split && i < PLAN_ARRAY_LEN(splits); i++)
    if (strcmp(split, splits[i].name) == 0) {
      m->n_total = splits[i].n;
      m->cs_total = splits[i].cs;
      m->hard_total = splits[i].hard;
      return true;
    }
  return false;
}

static double ratio(size_t a, size_t b) {
  return b ? (double)a / (double)b : 0;
}

plan__travel_rates plan__travel_metrics_rates(const plan__travel_metrics *m) {
  plan__travel_rates r;
  r.delivery = ratio(m->delivered, m->n_total);
  r.commonsense_micro = ratio(m->cs_true, m->cs_total);
  r.commonsense_macro = ratio(m->cs_macro, m->n_total);
  r.hard_micro = ratio(m->hard_true, m->hard_total);
  r.hard_macro = ratio(m->hard_macro, m->n_total);
  r.final_pass = ratio(m->final_pass, m->n_total);
  return r;
}
