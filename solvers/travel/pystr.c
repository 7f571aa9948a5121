/* solvers/travel/pystr.c: Python string semantics for the TravelPlanner
 * evaluator (see pystr.h). The three upstream regular expressions are
 * matched by hand; each function's comment says why its loop finds the
 * same match Python's backtracking engine finds.
 */
#include "solvers/travel/pystr.h"

#include <string.h>

/* Whitespace runs longer than this after "from" are only tried with the
 * group starting in their last characters (real text never has them). */
#define PLAN_TRAVEL_MAX_RUN 64

size_t plan__py_space_at(const char *s, size_t len, size_t i) {
  if (i >= len)
    return 0;
  unsigned char c = (unsigned char)s[i];
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f))
    return 1;
  if (c < 0x80)
    return 0;
  unsigned char c1 = i + 1 < len ? (unsigned char)s[i + 1] : 0;
  unsigned char c2 = i + 2 < len ? (unsigned char)s[i + 2] : 0;
  /* U+0085, U+00A0 */
  if (c == 0xC2 && (c1 == 0x85 || c1 == 0xA0))
    return 2;
  /* U+1680 */
  if (c == 0xE1 && c1 == 0x9A && c2 == 0x80)
    return 3;
  /* U+2000..U+200A, U+2028, U+2029, U+202F, U+205F */
  if (c == 0xE2 && c1 == 0x80 &&
      ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF))
    return 3;
  if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F)
    return 3;
  /* U+3000 */
  if (c == 0xE3 && c1 == 0x80 && c2 == 0x80)
    return 3;
  return 0;
}

/* The width of the (UTF-8) character at s[i], at least 1. */
static size_t char_width(const char *s, size_t len, size_t i) {
  unsigned char c = (unsigned char)s[i];
  size_t w = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + w > len)
    w = len - i;
  for (size_t k = 1; k < w; k++)
    if (((unsigned char)s[i + k] & 0xC0) != 0x80)
      return k;
  return w ? w : 1;
}

/* The start of the whitespace character that ends at byte `end`, or end
 * when the character before it is not whitespace. */
static size_t space_before(const char *s, size_t len, size_t start,
                           size_t end) {
  for (size_t w = 1; w <= 3 && w <= end - start; w++)
    if (plan__py_space_at(s, len, end - w) == w)
      return end - w;
  return end;
}

plan__span plan__py_strip(plan__span s) {
  size_t a = 0;
  size_t b = s.n;
  size_t w;
  while (a < b && (w = plan__py_space_at(s.p, s.n, a)) != 0)
    a += w;
  for (;;) {
    size_t k = space_before(s.p, s.n, a, b);
    if (k == b)
      break;
    b = k;
  }
  plan__span r = {s.p + a, b - a};
  return r;
}

/* `^(.*?)\([^)]*\)`: the lazy group stops at the first "(" it reaches;
 * "[^)]*\)" then needs a ")" anywhere after it, and if the first "(" has
 * none, no later one has either. "." does not cross a newline and "^"
 * anchors at the start only. */
plan__span plan__py_before_paren(plan__span s) {
  for (size_t i = 0; i < s.n; i++) {
    if (s.p[i] == '\n')
      break;
    if (s.p[i] == '(') {
      if (memchr(s.p + i + 1, ')', s.n - i - 1)) {
        plan__span r = {s.p, i};
        return r;
      }
      break;
    }
  }
  return s;
}

/* Matches "\s+to\s+([^,]+)(?=[,\s]|$)" at s[e]. On success sets the
 * group. The first \s+ must take its whole run (the next character must
 * be "t"); the second gives one character back to [^,]+ when nothing else
 * is left for it. */
static bool to_tail(plan__span s, size_t e, plan__span *b) {
  size_t k = e;
  size_t w;
  size_t run = 0;
  while ((w = plan__py_space_at(s.p, s.n, k)) != 0) {
    k += w;
    run++;
  }
  if (!run || k + 2 > s.n || s.p[k] != 't' || s.p[k + 1] != 'o')
    return false;
  k += 2;
  size_t m = k;
  size_t last = k;
  run = 0;
  while ((w = plan__py_space_at(s.p, s.n, m)) != 0) {
    last = m;
    m += w;
    run++;
  }
  if (!run)
    return false;
  size_t g;
  if (m < s.n && s.p[m] != ',')
    g = m;
  else if (run >= 2)
    g = last;
  else
    return false;
  const char *comma = memchr(s.p + g, ',', s.n - g);
  size_t end = comma ? (size_t)(comma - s.p) : s.n;
  b->p = s.p + g;
  b->n = end - g;
  return true;
}

/* "from\s+(.+?)\s+to\s+([^,]+)(?=[,\s]|$)" searched left to right. At a
 * "from", the engine first lets \s+ take the whole whitespace run and tries
 * the lazy group's ends from shortest to longest; then it gives the run's
 * last character back to the group, and so on. A group that starts inside
 * the run can end inside it too ("from\n\u00a0\tto x": the group is
 * "\u00a0"). The group never contains a newline. */
bool plan__py_from_to(plan__span s, plan__span *a, plan__span *b) {
  for (size_t p = 0; p + 4 <= s.n; p++) {
    if (memcmp(s.p + p, "from", 4) != 0)
      continue;
    /* The run of whitespace after "from": starts of its characters. */
    size_t starts[64];
    size_t k = p + 4;
    size_t w;
    size_t run = 0;
    while ((w = plan__py_space_at(s.p, s.n, k)) != 0) {
      if (run < PLAN_TRAVEL_MAX_RUN)
        starts[run] = k;
      k += w;
      run++;
    }
    if (!run)
      continue;
    size_t end_run = k;
    for (size_t j = run; j >= 1; j--) {
      /* \s+ takes j characters; the group starts after them. */
      size_t gs;
      if (j == run)
        gs = end_run;
      else if (j < PLAN_TRAVEL_MAX_RUN)
        gs = starts[j];
      else
        continue;
      size_t e = gs;
      while (e < s.n && s.p[e] != '\n') {
        e += char_width(s.p, s.n, e);
        if (to_tail(s, e, b)) {
          a->p = s.p + gs;
          a->n = e - gs;
          return true;
        }
      }
    }
  }
  return false;
}

/* "(.*?),\s*([^,]+)(\(\w[\w\s]*\))?$" searched: [^,]+ cannot cross a comma
 * and "$" needs the end, so only the last comma works; the lazy group may
 * not cross a newline, so the match starts after the last newline before
 * that comma. Nothing after the comma: no match. */
bool plan__py_name_city(plan__span s, plan__span *name, plan__span *city) {
  size_t c = s.n;
  while (c > 0 && s.p[c - 1] != ',')
    c--;
  if (c == 0)
    return false;
  c--; /* the last comma */
  if (c + 1 >= s.n)
    return false;
  size_t start = c;
  while (start > 0 && s.p[start - 1] != '\n')
    start--;
  plan__span n = {s.p + start, c - start};
  plan__span rest = {s.p + c + 1, s.n - c - 1};
  *name = plan__py_strip(n);
  *city = plan__py_strip(plan__py_before_paren(plan__py_strip(rest)));
  return true;
}

bool plan__span_contains(plan__span hay, plan__span needle) {
  if (needle.n == 0)
    return true;
  if (needle.n > hay.n)
    return false;
  for (size_t i = 0; i + needle.n <= hay.n; i++)
    if (hay.p[i] == needle.p[0] && memcmp(hay.p + i, needle.p, needle.n) == 0)
      return true;
  return false;
}

bool plan__span_eq(plan__span a, plan__span b) {
  return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool plan__span_eq_str(plan__span a, const char *s) {
  return plan__span_eq(a, plan__span_of(s));
}

plan__span plan__span_of(const char *s) {
  plan__span r = {s ? s : "", s ? strlen(s) : 0};
  return r;
}
