/* benchmarks/mockllm/fault.c: the fault kinds of the mockllm test double
 * and the per-request directive that asks for one,
 *   [[fault:KIND]]  or  [[fault:KIND,first=K,retry_after=S,...]]
 * written anywhere in the last user message. The server (server.c) decides
 * whether a request gets a fault; this file only names and parses. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/mockllm/mockllm.h"

static const char *const fault_names[MOCKLLM_FAULT_COUNT] = {
    [MOCKLLM_FAULT_NONE] = "none",
    [MOCKLLM_FAULT_429] = "429",
    [MOCKLLM_FAULT_429QUOTA] = "429quota",
    [MOCKLLM_FAULT_500] = "500",
    [MOCKLLM_FAULT_503] = "503",
    [MOCKLLM_FAULT_529] = "529",
    [MOCKLLM_FAULT_400] = "400",
    [MOCKLLM_FAULT_401] = "401",
    [MOCKLLM_FAULT_STALL] = "stall",
    [MOCKLLM_FAULT_RESET] = "reset",
    [MOCKLLM_FAULT_TRUNCATED] = "truncated",
    [MOCKLLM_FAULT_INVALID_JSON] = "invalid_json",
    [MOCKLLM_FAULT_EMPTY_CHOICES] = "empty_choices",
    [MOCKLLM_FAULT_LENGTH] = "length",
    [MOCKLLM_FAULT_OVERSIZED] = "oversized",
    [MOCKLLM_FAULT_IGNORE_N] = "ignore_n",
};

const char *mockllm_fault_name(mockllm_fault_kind k) {
  if ((unsigned)k >= MOCKLLM_FAULT_COUNT)
    return "unknown";
  return fault_names[k];
}

bool mockllm_fault_parse_kind(const char *name, size_t len,
                              mockllm_fault_kind *out) {
  for (int k = MOCKLLM_FAULT_NONE + 1; k < MOCKLLM_FAULT_COUNT; k++) {
    if (strlen(fault_names[k]) == len &&
        memcmp(fault_names[k], name, len) == 0) {
      *out = (mockllm_fault_kind)k;
      return true;
    }
  }
  return false;
}

/* Parses a non-negative integer of exactly len bytes. */
static bool parse_count(const char *s, size_t len, long *out) {
  char tmp[32];
  if (len == 0 || len >= sizeof tmp)
    return false;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  int64_t v;
  if (!plan__parse_i64(tmp, &v) || v < 0 || v > 1000000000)
    return false;
  *out = (long)v;
  return true;
}

/* Copies a non-negative number of seconds (integer or decimal) of exactly
 * len bytes into out, as the header will carry it. */
static bool parse_seconds(const char *s, size_t len, char *out, size_t size) {
  if (len == 0 || len >= size)
    return false;
  char tmp[32];
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  double v;
  if (!plan__parse_double(tmp, &v) || !(v >= 0) || v > 1e9)
    return false;
  memcpy(out, tmp, len + 1);
  return true;
}

/* Applies one "key=value" item of a directive. */
static bool directive_item(const char *s, size_t len, mockllm_directive *d,
                           char *err, size_t errsize) {
  const char *eq = memchr(s, '=', len);
  if (!eq) {
    plan__fmt(err, errsize, "fault directive item '%.*s' is not key=value",
              (int)len, s);
    return false;
  }
  size_t klen = (size_t)(eq - s);
  const char *v = eq + 1;
  size_t vlen = len - klen - 1;
  bool ok;
  if (klen == 5 && memcmp(s, "first", 5) == 0) {
    ok = parse_count(v, vlen, &d->first);
  } else if (klen == 11 && memcmp(s, "retry_after", 11) == 0) {
    ok = parse_seconds(v, vlen, d->fault.retry_after,
                       sizeof d->fault.retry_after);
  } else if (klen == 14 && memcmp(s, "retry_after_ms", 14) == 0) {
    ok = parse_count(v, vlen, &d->fault.retry_after_ms);
  } else if (klen == 8 && memcmp(s, "stall_ms", 8) == 0) {
    ok = parse_count(v, vlen, &d->fault.stall_ms);
  } else if (klen == 2 && memcmp(s, "id", 2) == 0) {
    /* A free tag: it only makes the directive text, and so its first=K
     * count, distinct from another with the same fault. */
    ok = vlen > 0;
    for (size_t i = 0; i < vlen; i++)
      ok = ok && (isalnum((unsigned char)v[i]) || v[i] == '_' || v[i] == '-' ||
                  v[i] == '.');
  } else {
    plan__fmt(err, errsize,
              "unknown fault directive key '%.*s' (known: first, "
              "retry_after, retry_after_ms, stall_ms, id)",
              (int)klen, s);
    return false;
  }
  if (!ok)
    plan__fmt(err, errsize, "bad value '%.*s' for fault directive key '%.*s'",
              (int)vlen, v, (int)klen, s);
  return ok;
}

/* Trims spaces and tabs around [*s, *s + *len). */
static void trim_item(const char **s, size_t *len) {
  while (*len > 0 && (**s == ' ' || **s == '\t')) {
    (*s)++;
    (*len)--;
  }
  while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
    (*len)--;
}

bool mockllm_directive_parse(const char *text, mockllm_directive *d, char *err,
                             size_t errsize) {
  static const char open[] = "[[fault:";
  memset(d, 0, sizeof *d);
  d->first = -1;
  d->fault.retry_after_ms = -1;
  d->fault.stall_ms = -1;
  const char *p = strstr(text, open);
  if (!p)
    return true;
  const char *body = p + sizeof open - 1;
  const char *close = strstr(body, "]]");
  if (!close) {
    plan__fmt(err, errsize, "fault directive without closing ']]'");
    return false;
  }
  const char *cur = body;
  bool first_item = true;
  while (cur <= close) {
    const char *comma = memchr(cur, ',', (size_t)(close - cur));
    const char *item_end = comma ? comma : close;
    const char *item = cur;
    size_t len = (size_t)(item_end - cur);
    trim_item(&item, &len);
    if (first_item) {
      if (!mockllm_fault_parse_kind(item, len, &d->fault.kind)) {
        plan__fmt(err, errsize,
                  "unknown fault kind '%.*s' in directive (try 429, "
                  "429quota, 500, 503, 529, 400, 401, stall, reset, "
                  "truncated, invalid_json, empty_choices, length, "
                  "oversized, ignore_n)",
                  (int)len, item);
        return false;
      }
      first_item = false;
    } else if (!directive_item(item, len, d, err, errsize)) {
      return false;
    }
    cur = item_end + 1;
  }
  d->found = true;
  d->start = (size_t)(p - text);
  d->end = (size_t)(close + 2 - text);
  return true;
}
