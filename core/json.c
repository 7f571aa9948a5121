/* core/json.c: canonical JSON and typed getters (see json.h). The
 * canonical form is ours rather than jansson's dump because jansson 2.14
 * prints reals with "%.17g" (0.7 -> 0.69999999999999996) while later
 * versions print the shortest form; cassette keys must not change with the
 * jansson version. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

static void *json_malloc_cb(size_t n) {
  return plan__malloc(n);
}
static void json_free_cb(void *p) {
  plan__free(p);
}

void plan__json_use_allocator(void) {
  json_set_alloc_funcs(json_malloc_cb, json_free_cb);
}

void plan__json_format_real(double x, char *out, size_t size) {
  if (x == 0.0) {
    snprintf(out, size, "0");
    return;
  }
  if (fabs(x) < 9007199254740992.0 && x == floor(x)) {
    snprintf(out, size, "%.0f", x);
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(out, size, "%.*g", prec, x);
    if (strtod(out, NULL) == x)
      return;
  }
}

static plan_status put_string(plan__buf *b, const char *s, size_t len) {
  plan__buf_putc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char ubuf[8];
    switch (c) {
    case '"': esc = "\\\""; break;
    case '\\': esc = "\\\\"; break;
    case '\n': esc = "\\n"; break;
    case '\t': esc = "\\t"; break;
    case '\r': esc = "\\r"; break;
    case '\b': esc = "\\b"; break;
    case '\f': esc = "\\f"; break;
    default:
      if (c < 0x20) {
        snprintf(ubuf, sizeof ubuf, "\\u%04x", c);
        esc = ubuf;
      }
    }
    if (esc) {
      plan__buf_append(b, s + i - run, run);
      run = 0;
      plan__buf_puts(b, esc);
    } else {
      run++;
    }
  }
  plan__buf_append(b, s + len - run, run);
  return plan__buf_putc(b, '"');
}

static int key_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static plan_status canon(const json_t *v, plan__buf *b, int depth) {
  if (depth > 512)
    return PLAN_EINVAL;
  char num[40];
  switch (json_typeof(v)) {
  case JSON_NULL: return plan__buf_puts(b, "null");
  case JSON_TRUE: return plan__buf_puts(b, "true");
  case JSON_FALSE: return plan__buf_puts(b, "false");
  case JSON_INTEGER:
    snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return plan__buf_puts(b, num);
  case JSON_REAL: {
    double x = json_real_value(v);
    if (!isfinite(x))
      return PLAN_EINVAL;
    plan__json_format_real(x, num, sizeof num);
    return plan__buf_puts(b, num);
  }
  case JSON_STRING:
    return put_string(b, json_string_value(v), json_string_length(v));
  case JSON_ARRAY: {
    plan__buf_putc(b, '[');
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i)
        plan__buf_putc(b, ',');
      plan_status st = canon(json_array_get(v, i), b, depth + 1);
      if (st != PLAN_OK)
        return st;
    }
    return plan__buf_putc(b, ']');
  }
  case JSON_OBJECT: {
    size_t n = json_object_size(v);
    const char **keys = plan__calloc(n ? n : 1, sizeof *keys);
    if (!keys)
      return PLAN_ENOMEM;
    size_t i = 0;
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)v, k, val) {
      keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    plan__buf_putc(b, '{');
    plan_status st = PLAN_OK;
    for (i = 0; i < n && st == PLAN_OK; i++) {
      if (i)
        plan__buf_putc(b, ',');
      put_string(b, keys[i], strlen(keys[i]));
      plan__buf_putc(b, ':');
      st = canon(json_object_get(v, keys[i]), b, depth + 1);
    }
    plan__free(keys);
    if (st != PLAN_OK)
      return st;
    return plan__buf_putc(b, '}');
  }
  }
  return PLAN_EINVAL;
}

plan_status plan__json_canonical(const json_t *v, plan__buf *b) {
  plan_status st = canon(v, b, 0);
  return st != PLAN_OK ? st : b->status;
}

uint64_t plan__json_hash(const json_t *v) {
  plan__buf b;
  plan__buf_init(&b, 0);
  uint64_t h = 0;
  if (plan__json_canonical(v, &b) == PLAN_OK)
    h = plan__hash64(b.data, b.len, 0);
  plan__buf_free(&b);
  return h;
}

json_t *plan__json_parse(const char *text, size_t len, const char *source,
                         plan_error *err) {
  json_error_t je;
  json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &je);
  if (!v)
    plan__error_set(err, PLAN_EPARSE, je.line, je.column, "%s:%d:%d: %s",
                    source ? source : "<input>", je.line, je.column, je.text);
  return v;
}

const char *plan__json_str(const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

bool plan__json_num(const json_t *obj, const char *key, double *out) {
  const json_t *v = json_object_get(obj, key);
  if (!json_is_number(v))
    return false;
  *out = json_number_value(v);
  return true;
}

bool plan__json_int(const json_t *obj, const char *key, int64_t *out) {
  const json_t *v = json_object_get(obj, key);
  if (json_is_integer(v)) {
    *out = (int64_t)json_integer_value(v);
    return true;
  }
  if (json_is_real(v)) {
    double x = json_real_value(v);
    if (x == floor(x) && fabs(x) < 9.2e18) {
      *out = (int64_t)x;
      return true;
    }
  }
  return false;
}

bool plan__json_bool(const json_t *obj, const char *key, bool *out) {
  const json_t *v = json_object_get(obj, key);
  if (!json_is_boolean(v))
    return false;
  *out = json_is_true(v);
  return true;
}
