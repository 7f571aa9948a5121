/* solvers/travel/query.c: the structured TravelPlanner query: loading and
 * validating it from JSON (one object, a JSONL file, or the HF CSV's
 * Python-repr strings for "date" and "local_constraint"), and turning it
 * back into JSON. Every error names the field, and the JSONL loader the
 * line, so that a user (or the LLM translator, which re-asks once with the
 * message) can fix the query.
 */
#include "solvers/travel/query.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"

/* ======================================================================
 * Names
 * ====================================================================== */

static const char *const rule_names[] = {
    NULL, "parties", "smoking", "children under 10", "visitors", "pets"};
static const char *const rule_texts[] = {NULL,          "No parties",
                                         "No smoking",  "No children under 10",
                                         "No visitors", "No pets"};
static const unsigned rule_bits[] = {0,
                                     PLAN__TRAVEL_NO_PARTIES,
                                     PLAN__TRAVEL_NO_SMOKING,
                                     PLAN__TRAVEL_NO_CHILDREN,
                                     PLAN__TRAVEL_NO_VISITORS,
                                     PLAN__TRAVEL_NO_PETS};
static const char *const room_names[] = {NULL, "shared room", "not shared room",
                                         "private room", "entire room"};
static const char *const transport_names[] = {NULL, "no flight",
                                              "no self-driving"};

const char *plan__travel_rule_text(plan__travel_house_rule r) {
  return (unsigned)r < PLAN_ARRAY_LEN(rule_texts) ? rule_texts[r] : NULL;
}

unsigned plan__travel_rule_bit(plan__travel_house_rule r) {
  return (unsigned)r < PLAN_ARRAY_LEN(rule_bits) ? rule_bits[r] : 0;
}

const char *plan__travel_house_rule_name(plan__travel_house_rule r) {
  return (unsigned)r < PLAN_ARRAY_LEN(rule_names) ? rule_names[r] : NULL;
}

const char *plan__travel_room_req_name(plan__travel_room_req r) {
  return (unsigned)r < PLAN_ARRAY_LEN(room_names) ? room_names[r] : NULL;
}

const char *plan__travel_transport_req_name(plan__travel_transport_req t) {
  return (unsigned)t < PLAN_ARRAY_LEN(transport_names) ? transport_names[t]
                                                       : NULL;
}

bool plan__travel_room_ok(plan__travel_room_req r, plan__travel_room_kind k) {
  switch (r) {
  case PLAN__TRAVEL_ROOMREQ_NONE: return true;
  case PLAN__TRAVEL_ROOMREQ_SHARED: return k == PLAN__TRAVEL_ROOM_SHARED;
  case PLAN__TRAVEL_ROOMREQ_NOT_SHARED: return k != PLAN__TRAVEL_ROOM_SHARED;
  case PLAN__TRAVEL_ROOMREQ_PRIVATE: return k == PLAN__TRAVEL_ROOM_PRIVATE;
  case PLAN__TRAVEL_ROOMREQ_ENTIRE: return k == PLAN__TRAVEL_ROOM_ENTIRE;
  }
  return false;
}

/* ======================================================================
 * Python literals ("['2022-03-16', ...]", "{'house rule': None, ...}")
 * ====================================================================== */

typedef struct pylit {
  const char *s;
  size_t pos;
  size_t len;
  int depth;
} pylit;

static void py_ws(pylit *p) {
  while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                             p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
    p->pos++;
}

static json_t *py_value(pylit *p);

/* A quoted string with the common escapes. */
static json_t *py_string(pylit *p) {
  char q = p->s[p->pos++];
  plan__buf b;
  plan__buf_init(&b, 1 << 20);
  while (p->pos < p->len && p->s[p->pos] != q) {
    char c = p->s[p->pos++];
    if (c == '\\' && p->pos < p->len) {
      char e = p->s[p->pos++];
      c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
    }
    if (c == '\0') {
      plan__buf_free(&b);
      return NULL;
    }
    plan__buf_putc(&b, c);
  }
  if (p->pos >= p->len || b.status != PLAN_OK) {
    plan__buf_free(&b);
    return NULL;
  }
  p->pos++;
  json_t *v = json_stringn(b.data ? b.data : "", b.len);
  plan__buf_free(&b);
  return v;
}

static json_t *py_seq(pylit *p, char close, bool dict) {
  p->pos++;
  json_t *out = dict ? json_object() : json_array();
  if (!out)
    return NULL;
  for (;;) {
    py_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      return out;
    }
    json_t *k = NULL;
    if (dict) {
      k = py_value(p);
      py_ws(p);
      if (!json_is_string(k) || p->pos >= p->len || p->s[p->pos] != ':') {
        json_decref(k);
        break;
      }
      p->pos++;
    }
    json_t *v = py_value(p);
    if (!v) {
      json_decref(k);
      break;
    }
    int rc = dict ? json_object_set_new(out, json_string_value(k), v)
                  : json_array_append_new(out, v);
    json_decref(k);
    if (rc != 0)
      break;
    py_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
      p->pos++;
      continue;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
      p->pos++;
      return out;
    }
    break;
  }
  json_decref(out);
  return NULL;
}

static bool py_word(pylit *p, const char *w) {
  size_t n = strlen(w);
  if (p->len - p->pos >= n && strncmp(p->s + p->pos, w, n) == 0) {
    p->pos += n;
    return true;
  }
  return false;
}

static json_t *py_value(pylit *p) {
  py_ws(p);
  if (p->pos >= p->len || ++p->depth > 32)
    return NULL;
  json_t *v = NULL;
  char c = p->s[p->pos];
  if (c == '\'' || c == '"')
    v = py_string(p);
  else if (c == '[')
    v = py_seq(p, ']', false);
  else if (c == '(')
    v = py_seq(p, ')', false);
  else if (c == '{')
    v = py_seq(p, '}', true);
  else if (py_word(p, "None"))
    v = json_null();
  else if (py_word(p, "True"))
    v = json_true();
  else if (py_word(p, "False"))
    v = json_false();
  else {
    char tmp[64];
    size_t n = 0;
    while (p->pos < p->len && n + 1 < sizeof tmp &&
           strchr("0123456789+-.eE", p->s[p->pos]))
      tmp[n++] = p->s[p->pos++];
    tmp[n] = '\0';
    int64_t iv = 0;
    double dv = 0;
    if (n && plan__parse_i64(tmp, &iv))
      v = json_integer(iv);
    else if (n && plan__parse_double(tmp, &dv) && isfinite(dv))
      v = json_real(dv);
  }
  p->depth--;
  return v;
}

/* Parses a whole Python literal; NULL if it is not one. New reference. */
static json_t *py_parse(const char *s) {
  pylit p = {s, 0, strlen(s), 0};
  json_t *v = py_value(&p);
  py_ws(&p);
  if (v && p.pos != p.len) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

/* ======================================================================
 * Validation
 * ====================================================================== */

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "a list";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "?";
}

/* An integer, or an integral real; false otherwise. */
static bool as_int(const json_t *v, int64_t *out) {
  if (json_is_integer(v)) {
    *out = json_integer_value(v);
    return true;
  }
  if (json_is_real(v)) {
    double d = json_real_value(v);
    if (isfinite(d) && d == floor(d) && fabs(d) < 9e15) {
      *out = (int64_t)d;
      return true;
    }
  }
  return false;
}

#define FIELD_ERR(err, ...)                                                    \
  plan__error_set((err), PLAN_EINVAL, 0, 0, __VA_ARGS__)

static plan_status get_int(const json_t *obj, const char *key, bool required,
                           int64_t *out, bool *present, plan_error *err) {
  const json_t *v = json_object_get(obj, key);
  *present = v && !json_is_null(v);
  if (!*present)
    return required ? FIELD_ERR(err, "field '%s': missing", key) : PLAN_OK;
  if (!as_int(v, out))
    return FIELD_ERR(err, "field '%s': expected an integer, got %s", key,
                     type_name(v));
  return PLAN_OK;
}

static plan_status get_str(const json_t *obj, const char *key, bool required,
                           const char **out, plan_error *err) {
  const json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v || json_is_null(v))
    return required ? FIELD_ERR(err, "field '%s': missing", key) : PLAN_OK;
  if (!json_is_string(v))
    return FIELD_ERR(err, "field '%s': expected a string, got %s", key,
                     type_name(v));
  if (strlen(json_string_value(v)) != json_string_length(v))
    return FIELD_ERR(err, "field '%s': contains a NUL character", key);
  *out = json_string_value(v);
  if (required && !**out)
    return FIELD_ERR(err, "field '%s': is empty", key);
  return PLAN_OK;
}

/* One of names[1..n) (exact); *idx 0 for null/absent. */
static plan_status get_enum(const json_t *lc, const char *key,
                            const char *const *names, size_t n, int *idx,
                            const char **text, plan_error *err) {
  *idx = 0;
  *text = NULL;
  const json_t *v = json_object_get(lc, key);
  if (!v || json_is_null(v))
    return PLAN_OK;
  if (!json_is_string(v))
    return FIELD_ERR(err,
                     "field 'local_constraint.%s': expected a string or "
                     "null, got %s",
                     key, type_name(v));
  const char *s = json_string_value(v);
  for (size_t i = 1; i < n; i++)
    if (strcmp(s, names[i]) == 0) {
      *idx = (int)i;
      *text = s;
      return PLAN_OK;
    }
  char allowed[200];
  size_t used = 0;
  allowed[0] = '\0';
  for (size_t i = 1; i < n; i++) {
    int w = snprintf(allowed + used, sizeof allowed - used, "%s'%s'",
                     i > 1 ? ", " : "", names[i]);
    if (w < 0 || (size_t)w >= sizeof allowed - used)
      break;
    used += (size_t)w;
  }
  return FIELD_ERR(err,
                   "field 'local_constraint.%s': unknown value '%.40s' "
                   "(allowed: %s or null)",
                   key, s, allowed);
}

static char *dup_or_null(const char *s, bool *oom) {
  if (!s)
    return NULL;
  char *d = plan__strdup(s);
  if (!d)
    *oom = true;
  return d;
}

void plan__travel_query_free(plan__travel_query *q) {
  if (!q)
    return;
  plan__free(q->org);
  plan__free(q->dest);
  for (int i = 0; q->dates && i < q->days; i++)
    plan__free(q->dates[i]);
  plan__free(q->dates);
  plan__free(q->house_rule_text);
  plan__free(q->room_type_text);
  plan__free(q->transportation_text);
  for (size_t i = 0; q->cuisines && i < q->n_cuisines; i++)
    plan__free(q->cuisines[i]);
  plan__free(q->cuisines);
  plan__free(q->level);
  plan__free(q->nl_query);
  plan__free(q);
}

void plan__travel_queries_free(plan__travel_query **qs, size_t n) {
  for (size_t i = 0; qs && i < n; i++)
    plan__travel_query_free(qs[i]);
  plan__free(qs);
}

/* "date": a list of strings, or its Python repr. New reference in *out. */
static plan_status get_dates(const json_t *obj, json_t **out, plan_error *err) {
  *out = NULL;
  const json_t *v = json_object_get(obj, "date");
  if (!v || json_is_null(v))
    return FIELD_ERR(err, "field 'date': missing");
  if (json_is_string(v)) {
    json_t *p = py_parse(json_string_value(v));
    if (!json_is_array(p)) {
      json_decref(p);
      return FIELD_ERR(err, "field 'date': expected a list of \"YYYY-MM-DD\" "
                            "dates, got a string that is not a list");
    }
    *out = p;
    return PLAN_OK;
  }
  if (!json_is_array(v))
    return FIELD_ERR(err,
                     "field 'date': expected a list of \"YYYY-MM-DD\" "
                     "dates, got %s",
                     type_name(v));
  *out = json_incref((json_t *)v);
  return PLAN_OK;
}

static plan_status get_local_constraint(const json_t *obj, json_t **out,
                                        plan_error *err) {
  *out = NULL;
  const json_t *v = json_object_get(obj, "local_constraint");
  if (!v || json_is_null(v))
    return PLAN_OK;
  if (json_is_string(v)) {
    json_t *p = py_parse(json_string_value(v));
    if (!json_is_object(p)) {
      json_decref(p);
      return FIELD_ERR(err, "field 'local_constraint': expected an object, "
                            "got a string that is not one");
    }
    *out = p;
  } else if (json_is_object(v)) {
    *out = json_incref((json_t *)v);
  } else {
    return FIELD_ERR(err,
                     "field 'local_constraint': expected an object, "
                     "got %s",
                     type_name(v));
  }
  static const char *const keys[] = {"house rule", "cuisine", "room type",
                                     "transportation"};
  const char *k;
  json_t *val;
  json_object_foreach(*out, k, val) {
    bool known = false;
    for (size_t i = 0; i < PLAN_ARRAY_LEN(keys); i++)
      known = known || strcmp(k, keys[i]) == 0;
    if (!known) {
      plan_status st = FIELD_ERR(
          err,
          "field 'local_constraint': unknown key '%.40s' (known: 'house "
          "rule', 'cuisine', 'room type', 'transportation')",
          k);
      json_decref(*out);
      *out = NULL;
      return st;
    }
  }
  return PLAN_OK;
}

/* The validation proper; q is filled as far as it gets (the caller frees
 * it on failure). lc and dates are borrowed. */
static plan_status fill(plan__travel_query *q, const json_t *obj,
                        const json_t *dates, const json_t *lc,
                        const plan__travel_db *db, plan_error *err) {
  plan_status st;
  bool present = false;
  bool oom = false;
  int64_t iv = 0;
  const char *s = NULL;

  if ((st = get_int(obj, "idx", false, &iv, &present, err)) != PLAN_OK)
    return st;
  if (present)
    q->idx = iv;

  if ((st = get_str(obj, "org", true, &s, err)) != PLAN_OK)
    return st;
  q->org = dup_or_null(s, &oom);
  if ((st = get_str(obj, "dest", true, &s, err)) != PLAN_OK)
    return st;
  q->dest = dup_or_null(s, &oom);

  if ((st = get_int(obj, "days", true, &iv, &present, err)) != PLAN_OK)
    return st;
  if (iv != 3 && iv != 5 && iv != 7)
    return FIELD_ERR(err, "field 'days': must be 3, 5 or 7 (got %lld)",
                     (long long)iv);
  q->days = (int)iv;
  int vcn_default = q->days == 3 ? 1 : q->days == 5 ? 2 : 3;

  if ((st = get_int(obj, "visiting_city_number", false, &iv, &present, err)) !=
      PLAN_OK)
    return st;
  q->visiting_city_number = present ? 0 : vcn_default;
  if (present) {
    if (iv < 1 || iv > q->days - 1 || (q->days == 3 && iv != 1))
      return FIELD_ERR(err,
                       "field 'visiting_city_number': must be between 1 and "
                       "%d for a %d-day trip (got %lld; the benchmark uses "
                       "%d)",
                       q->days == 3 ? 1 : q->days - 1, q->days, (long long)iv,
                       vcn_default);
    q->visiting_city_number = (int)iv;
  }

  /* Dates: `days` consecutive valid dates. */
  if (json_array_size(dates) != (size_t)q->days)
    return FIELD_ERR(err,
                     "field 'date': expected %d dates (days = %d), got %zu",
                     q->days, q->days, json_array_size(dates));
  q->dates = plan__calloc((size_t)q->days, sizeof *q->dates);
  if (!q->dates)
    return PLAN_ENOMEM;
  int prev = -1;
  for (int i = 0; i < q->days; i++) {
    const json_t *d = json_array_get(dates, (size_t)i);
    if (!json_is_string(d))
      return FIELD_ERR(err,
                       "field 'date': item %d: expected a string "
                       "\"YYYY-MM-DD\", got %s",
                       i + 1, type_name(d));
    int dn = plan__travel_date_number(json_string_value(d));
    if (dn < 0 || strlen(json_string_value(d)) != json_string_length(d))
      return FIELD_ERR(err,
                       "field 'date': item %d: '%.20s' is not a valid "
                       "date \"YYYY-MM-DD\"",
                       i + 1, json_string_value(d));
    if (i > 0 && dn != prev + 1)
      return FIELD_ERR(err,
                       "field 'date': dates must be consecutive days "
                       "('%s' does not follow '%s')",
                       json_string_value(d), q->dates[i - 1]);
    prev = dn;
    q->dates[i] = dup_or_null(json_string_value(d), &oom);
    if (oom)
      return PLAN_ENOMEM;
  }

  if ((st = get_int(obj, "people_number", true, &iv, &present, err)) != PLAN_OK)
    return st;
  if (iv < 1 || iv > 1000)
    return FIELD_ERR(err,
                     "field 'people_number': must be between 1 and "
                     "1000 (got %lld)",
                     (long long)iv);
  q->people_number = (int)iv;

  const json_t *b = json_object_get(obj, "budget");
  if (!b || json_is_null(b))
    return FIELD_ERR(err, "field 'budget': missing");
  if (!json_is_number(b) || !isfinite(json_number_value(b)))
    return FIELD_ERR(err, "field 'budget': expected a number, got %s",
                     type_name(b));
  if (json_number_value(b) < 0)
    return FIELD_ERR(err, "field 'budget': must be >= 0 (got %g)",
                     json_number_value(b));
  q->budget = json_number_value(b);

  /* local_constraint */
  int e = 0;
  if (lc) {
    if ((st = get_enum(lc, "house rule", rule_names, PLAN_ARRAY_LEN(rule_names),
                       &e, &s, err)) != PLAN_OK)
      return st;
    q->house_rule = (plan__travel_house_rule)e;
    q->house_rule_text = dup_or_null(s, &oom);
    if ((st = get_enum(lc, "room type", room_names, PLAN_ARRAY_LEN(room_names),
                       &e, &s, err)) != PLAN_OK)
      return st;
    q->room_type = (plan__travel_room_req)e;
    q->room_type_text = dup_or_null(s, &oom);
    if ((st = get_enum(lc, "transportation", transport_names,
                       PLAN_ARRAY_LEN(transport_names), &e, &s, err)) !=
        PLAN_OK)
      return st;
    q->transportation = (plan__travel_transport_req)e;
    q->transportation_text = dup_or_null(s, &oom);
    const json_t *c = json_object_get(lc, "cuisine");
    if (c && !json_is_null(c)) {
      if (!json_is_array(c))
        return FIELD_ERR(err,
                         "field 'local_constraint.cuisine': expected a "
                         "list of cuisines or null, got %s",
                         type_name(c));
      size_t n = json_array_size(c);
      if (n) {
        q->cuisines = plan__calloc(n, sizeof *q->cuisines);
        if (!q->cuisines)
          return PLAN_ENOMEM;
        q->n_cuisines = n;
      }
      for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(c, i);
        if (!json_is_string(it) || !*json_string_value(it) ||
            strlen(json_string_value(it)) != json_string_length(it))
          return FIELD_ERR(err,
                           "field 'local_constraint.cuisine': item %zu: "
                           "expected a non-empty string",
                           i + 1);
        q->cuisines[i] = dup_or_null(json_string_value(it), &oom);
        unsigned bit = plan__travel_cuisine_bit(json_string_value(it));
        q->cuisine_bits |= bit;
        if (!bit)
          q->unknown_cuisine = true;
      }
    }
  }

  if ((st = get_str(obj, "level", false, &s, err)) != PLAN_OK)
    return st;
  if (s && strcmp(s, "easy") && strcmp(s, "medium") && strcmp(s, "hard"))
    return FIELD_ERR(err,
                     "field 'level': must be 'easy', 'medium' or 'hard' "
                     "(got '%.20s')",
                     s);
  q->level = dup_or_null(s, &oom);
  if ((st = get_str(obj, "query", false, &s, err)) != PLAN_OK)
    return st;
  q->nl_query = dup_or_null(s, &oom);
  if (oom)
    return PLAN_ENOMEM;

  /* Names against the database. */
  if (db) {
    int org = plan__travel_db_city_find(db, q->org);
    const plan__travel_city *oc = plan__travel_db_city(db, org);
    if (!oc || !oc->in_city_set)
      return FIELD_ERR(err, "field 'org': unknown city '%.60s'", q->org);
    if (q->days == 3) {
      int d = plan__travel_db_city_find(db, q->dest);
      const plan__travel_city *dc = plan__travel_db_city(db, d);
      if (!dc || !dc->in_city_set) {
        if (plan__travel_db_is_state(db, q->dest))
          return FIELD_ERR(err,
                           "field 'dest': '%.60s' is a state; a 3-day "
                           "trip goes to one city",
                           q->dest);
        return FIELD_ERR(err, "field 'dest': unknown city '%.60s'", q->dest);
      }
      if (d == org)
        return FIELD_ERR(err, "field 'dest': same as 'org' ('%.60s')", q->dest);
    } else if (!plan__travel_db_is_state(db, q->dest)) {
      int d = plan__travel_db_city_find(db, q->dest);
      const plan__travel_city *dc = plan__travel_db_city(db, d);
      if (dc && dc->in_city_set)
        return FIELD_ERR(err,
                         "field 'dest': '%.60s' is a city; a %d-day "
                         "trip goes to a state (e.g. '%s')",
                         q->dest, q->days, dc->state);
      return FIELD_ERR(err, "field 'dest': unknown state '%.60s'", q->dest);
    } else {
      const int *ids = NULL;
      size_t n = plan__travel_db_state_cities(db, q->dest, &ids);
      size_t others = 0;
      for (size_t i = 0; i < n; i++)
        others += ids[i] != org;
      if (others < (size_t)q->visiting_city_number)
        return FIELD_ERR(err,
                         "field 'dest': state '%.60s' has %zu cities other "
                         "than '%.60s', fewer than visiting_city_number = %d",
                         q->dest, others, q->org, q->visiting_city_number);
    }
  }
  return PLAN_OK;
}

plan_status plan__travel_query_from_json(const json_t *obj,
                                         const plan__travel_db *db,
                                         plan__travel_query **out,
                                         plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!json_is_object(obj))
    return FIELD_ERR(err, "query: expected a JSON object, got %s",
                     obj ? type_name(obj) : "nothing");
  plan__travel_query *q = plan__calloc(1, sizeof *q);
  if (!q)
    return plan__error_set(err, PLAN_ENOMEM, 0, 0, "out of memory");
  json_t *dates = NULL;
  json_t *lc = NULL;
  plan_status st = get_dates(obj, &dates, err);
  if (st == PLAN_OK)
    st = get_local_constraint(obj, &lc, err);
  if (st == PLAN_OK)
    st = fill(q, obj, dates, lc, db, err);
  json_decref(dates);
  json_decref(lc);
  if (st != PLAN_OK) {
    if (st == PLAN_ENOMEM)
      plan__error_set(err, st, 0, 0, "out of memory");
    plan__travel_query_free(q);
    return st;
  }
  *out = q;
  return PLAN_OK;
}

plan_status plan__travel_query_from_text(const char *text, size_t len,
                                         const plan__travel_db *db,
                                         plan__travel_query **out,
                                         plan_error *err) {
  if (!out)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "out is NULL");
  *out = NULL;
  if (!text)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "text is NULL");
  json_t *j = plan__json_parse(text, len, "query", err);
  if (!j)
    return err ? err->code : PLAN_EPARSE;
  plan_status st = plan__travel_query_from_json(j, db, out, err);
  json_decref(j);
  return st;
}

plan_status plan__travel_queries_load(const char *path,
                                      const plan__travel_db *db,
                                      plan__travel_query ***out, size_t *n,
                                      plan_error *err) {
  if (!out || !n || !path)
    return plan__error_set(err, PLAN_EINVAL, 0, 0, "NULL argument");
  *out = NULL;
  *n = 0;
  char *text = NULL;
  size_t len = 0;
  plan_status st = plan__read_file(path, 0, &text, &len, err);
  if (st != PLAN_OK)
    return st;
  plan__travel_query **qs = NULL;
  size_t count = 0;
  size_t cap = 0;
  int line = 0;
  size_t pos = 0;
  while (pos < len) {
    line++;
    size_t end = pos;
    while (end < len && text[end] != '\n')
      end++;
    size_t a = pos;
    size_t b = end;
    while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
      a++;
    while (b > a &&
           (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
      b--;
    pos = end + 1;
    if (a == b)
      continue;
    plan_error e;
    memset(&e, 0, sizeof e);
    plan__travel_query *q = NULL;
    json_t *j = plan__json_parse(text + a, b - a, "query", &e);
    if (!j) {
      st = e.code ? e.code : PLAN_EPARSE;
      plan__error_set(err, st, line, e.column, "%s:%d: %s", path, line, e.text);
      goto fail;
    }
    st = plan__travel_query_from_json(j, db, &q, &e);
    json_decref(j);
    if (st != PLAN_OK) {
      plan__error_set(err, st, line, 0, "%s:%d: %s", path, line, e.text);
      goto fail;
    }
    if (!q->idx)
      q->idx = (int64_t)count + 1;
    st = plan__grow((void **)&qs, &cap, count + 1, sizeof *qs);
    if (st != PLAN_OK) {
      plan__travel_query_free(q);
      plan__error_set(err, st, line, 0, "out of memory");
      goto fail;
    }
    qs[count++] = q;
  }
  plan__free(text);
  *out = qs;
  *n = count;
  return PLAN_OK;
fail:
  plan__free(text);
  plan__travel_queries_free(qs, count);
  return st;
}

/* ======================================================================
 * Output and copies
 * ====================================================================== */

static int set_str(json_t *o, const char *k, const char *s) {
  return json_object_set_new(o, k, s ? json_string(s) : json_null());
}

json_t *plan__travel_query_to_json(const plan__travel_query *q) {
  if (!q)
    return NULL;
  json_t *o = json_object();
  json_t *lc = json_object();
  json_t *dates = json_array();
  int rc = !o || !lc || !dates;
  for (int i = 0; !rc && i < q->days; i++)
    rc |= json_array_append_new(dates, json_string(q->dates[i]));
  json_t *cu = json_null();
  if (q->n_cuisines) {
    json_decref(cu);
    cu = json_array();
    for (size_t i = 0; cu && i < q->n_cuisines; i++)
      rc |= json_array_append_new(cu, json_string(q->cuisines[i]));
  }
  if (!rc && lc) {
    rc |= set_str(lc, "house rule", q->house_rule_text);
    rc |= json_object_set_new(lc, "cuisine", cu ? cu : json_null());
    cu = NULL;
    rc |= set_str(lc, "room type", q->room_type_text);
    rc |= set_str(lc, "transportation", q->transportation_text);
  }
  json_decref(cu);
  if (!rc) {
    if (q->idx)
      rc |= json_object_set_new(o, "idx", json_integer(q->idx));
    rc |= set_str(o, "org", q->org);
    rc |= set_str(o, "dest", q->dest);
    rc |= json_object_set_new(o, "days", json_integer(q->days));
    rc |= json_object_set_new(o, "visiting_city_number",
                              json_integer(q->visiting_city_number));
    rc |= json_object_set(o, "date", dates);
    rc |=
        json_object_set_new(o, "people_number", json_integer(q->people_number));
    rc |= json_object_set(o, "local_constraint", lc);
    if (q->budget == floor(q->budget) && fabs(q->budget) < 9e15)
      rc |=
          json_object_set_new(o, "budget", json_integer((json_int_t)q->budget));
    else
      rc |= json_object_set_new(o, "budget", json_real(q->budget));
    if (q->nl_query)
      rc |= set_str(o, "query", q->nl_query);
    if (q->level)
      rc |= set_str(o, "level", q->level);
  }
  json_decref(dates);
  json_decref(lc);
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

plan__travel_query *plan__travel_query_dup(const plan__travel_query *q) {
  if (!q)
    return NULL;
  plan__travel_query *c = plan__calloc(1, sizeof *c);
  if (!c)
    return NULL;
  bool oom = false;
  *c = *q;
  c->org = c->dest = c->house_rule_text = c->room_type_text = NULL;
  c->transportation_text = c->level = c->nl_query = NULL;
  c->dates = NULL;
  c->cuisines = NULL;
  c->n_cuisines = 0;
  c->org = dup_or_null(q->org, &oom);
  c->dest = dup_or_null(q->dest, &oom);
  c->house_rule_text = dup_or_null(q->house_rule_text, &oom);
  c->room_type_text = dup_or_null(q->room_type_text, &oom);
  c->transportation_text = dup_or_null(q->transportation_text, &oom);
  c->level = dup_or_null(q->level, &oom);
  c->nl_query = dup_or_null(q->nl_query, &oom);
  if (q->dates) {
    c->dates = plan__calloc((size_t)q->days, sizeof *c->dates);
    if (!c->dates)
      oom = true;
    for (int i = 0; c->dates && i < q->days; i++)
      c->dates[i] = dup_or_null(q->dates[i], &oom);
  }
  if (q->n_cuisines) {
    c->cuisines = plan__calloc(q->n_cuisines, sizeof *c->cuisines);
    if (!c->cuisines)
      oom = true;
    else
      c->n_cuisines = q->n_cuisines;
    for (size_t i = 0; c->cuisines && i < q->n_cuisines; i++)
      c->cuisines[i] = dup_or_null(q->cuisines[i], &oom);
  }
  if (oom) {
    plan__travel_query_free(c);
    return NULL;
  }
  return c;
}
